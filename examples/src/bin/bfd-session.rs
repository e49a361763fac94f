//! `bfd-session`: run BFD sessions (RFC 5880) with one or more peers and print every state
//! change as a JSON line on stdout. Logs (tracing) go to stderr.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use bfd_proto::wire::auth::AuthKey;
use clap::Parser;
use crd_model::BFDProfile;
use examples::bfd::{Command, PeerSpec, Runner, config_from_profile, parse_auth_type};

/// Run BFD sessions with peers and print state changes as JSON lines.
///
/// Single hop (default): UDP port 3784, TTL 255 sent, only TTL 255 accepted (RFC 5881).
/// Multihop (--multihop): UDP port 4784, TTL 255 sent, TTL >= --minimum-ttl accepted
/// (RFC 5883). Needs root (or CAP_NET_BIND_SERVICE) to bind the BFD ports.
///
/// Timers and modes follow the frr-k8s BFD profile fields; unset values take FRR's defaults
/// (300 ms intervals, multiplier 3). Give them as flags or as a profile JSON file.
///
/// Example, against an FRR router at 192.168.1.1 with `bfd / peer 192.168.1.2`:
///
///   bfd-session --peer 192.168.1.1 --local 192.168.1.2 \
///       --receive-interval 100 --transmit-interval 100
///
/// Each state change prints one line like:
///
///   {"ts":"2026-11-28T04:50:01.123456Z","peer":"192.168.1.1","from":"Init","to":"Up",
///    "diagnostic":"No Diagnostic",...}
#[derive(Debug, Parser)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Peer address (IPv4 or IPv6); repeat for several sessions with the same settings.
    #[arg(long, required = true)]
    peer: Vec<IpAddr>,

    /// Local (source) address; required with --multihop so the peer can match the session.
    #[arg(long)]
    local: Option<IpAddr>,

    /// Send from this interface (SO_BINDTODEVICE), like FRR's `peer X interface IFNAME`.
    #[arg(long)]
    interface: Option<String>,

    /// Multihop session (RFC 5883, port 4784) instead of single hop.
    #[arg(long)]
    multihop: bool,

    /// frr-k8s BFD profile as JSON ({"name":"fast","receiveInterval":100,...}); flags
    /// below override its fields.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// receiveInterval: minimum interval we can receive at, ms (10..=60000; default 300).
    #[arg(long, value_name = "MS")]
    receive_interval: Option<u32>,

    /// transmitInterval: desired minimum transmit interval, ms (10..=60000; default 300).
    #[arg(long, value_name = "MS")]
    transmit_interval: Option<u32>,

    /// detectMultiplier: packets missed before the session is declared down (2..=255; default 3).
    #[arg(long, value_name = "N")]
    detect_multiplier: Option<u32>,

    /// echoInterval, ms (default 50): advertised as Required Min Echo RX with --echo-mode.
    #[arg(long, value_name = "MS")]
    echo_interval: Option<u32>,

    /// echoMode: advertise that we loop echo packets (this tool does not send echoes itself).
    #[arg(long)]
    echo_mode: bool,

    /// passiveMode: wait for the peer to speak first.
    #[arg(long)]
    passive_mode: bool,

    /// minimumTtl: lowest TTL accepted on multihop sessions (1..=254; default 254).
    #[arg(long, value_name = "TTL")]
    minimum_ttl: Option<u32>,

    /// Authentication: simple, keyed-md5, meticulous-keyed-md5, keyed-sha1 or
    /// meticulous-keyed-sha1 (RFC 5880 §6.7). Note: FRR 8.4 bfdd has no authentication and
    /// discards every packet that carries it.
    #[arg(long, value_name = "TYPE", value_parser = parse_auth_type, requires = "auth_key")]
    auth_type: Option<bfd_proto::wire::AuthType>,

    /// Authentication key (password for simple; secret for MD5 up to 16, SHA1 up to 20 bytes).
    #[arg(long, value_name = "SECRET")]
    auth_key: Option<String>,

    /// Auth Key ID sent and expected.
    #[arg(long, default_value_t = 1)]
    auth_key_id: u8,

    /// Exit after this many seconds (default: run until Ctrl-C / SIGTERM).
    #[arg(long, value_name = "SECS")]
    duration: Option<f64>,

    /// Put the sessions AdminDown after this many seconds (RFC 5880 §6.8.16).
    #[arg(long, value_name = "SECS")]
    admin_down_after: Option<f64>,

    /// Seed for discriminators, source ports and jitter (default: from the clock).
    #[arg(long)]
    seed: Option<u64>,
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();

    let mut profile: BFDProfile = match &args.profile {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a BFD profile", path.display()))?
        }
        None => BFDProfile {
            name: "cli".into(),
            ..Default::default()
        },
    };
    profile.receive_interval = args.receive_interval.or(profile.receive_interval);
    profile.transmit_interval = args.transmit_interval.or(profile.transmit_interval);
    profile.detect_multiplier = args.detect_multiplier.or(profile.detect_multiplier);
    profile.echo_interval = args.echo_interval.or(profile.echo_interval);
    profile.minimum_ttl = args.minimum_ttl.or(profile.minimum_ttl);
    if args.echo_mode {
        profile.echo_mode = Some(true);
    }
    if args.passive_mode {
        profile.passive_mode = Some(true);
    }
    if args.multihop && args.local.is_none() {
        bail!("--multihop needs --local (FRR matches multihop sessions by local and peer address)");
    }
    let auth = match (args.auth_type, &args.auth_key) {
        (Some(t), Some(k)) => Some(AuthKey::new(t, args.auth_key_id, k.as_bytes())?),
        _ => None,
    };
    let config = config_from_profile(&profile, args.multihop, auth)?;
    let specs = args
        .peer
        .iter()
        .map(|&peer| PeerSpec {
            peer,
            local: args.local,
            multihop: args.multihop,
            interface: args.interface.clone(),
            config: config.clone(),
        })
        .collect();
    let seed = args.seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        (t.as_nanos() as u64) ^ u64::from(std::process::id()).rotate_left(32)
    });

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let runner = Runner::bind(specs, seed).context("opening BFD sockets (root needed for ports 3784/4784)")?;
        for (peer, discr) in runner.discriminators() {
            tracing::info!(%peer, local_discriminator = discr, multihop = args.multihop, "session created");
        }
        if let Some(secs) = args.admin_down_after {
            let control = runner.control();
            let peers = args.peer.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
                for p in peers {
                    let _ = control.send(Command::AdminDown(p));
                }
            });
        }
        let stop = async move {
            let ctrl_c = tokio::signal::ctrl_c();
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler");
            match args.duration {
                Some(secs) => tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                    () = tokio::time::sleep(Duration::from_secs_f64(secs)) => {},
                },
                None => tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                },
            }
        };
        runner
            .run(stop, |record| {
                // One JSON object per line; flush so a reader sees it at once.
                use std::io::Write as _;
                let mut out = std::io::stdout().lock();
                let _ = serde_json::to_writer(&mut out, record);
                let _ = writeln!(out);
                let _ = out.flush();
            })
            .await?;
        Ok(())
    })
}
