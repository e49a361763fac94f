//! `bgp-speaker`: a small BGP speaker for tests, labs and route injection.
//!
//! Events (sessions, received routes, NOTIFICATIONs) go to stdout as JSON lines; logs go to
//! stderr (`RUST_LOG=debug` for more).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use bgp_proto::session::PeerAs;
use clap::Parser;
use examples::speaker::{self, Command, PeerConfig, RouteReport, SpeakerConfig};
use ipnet::IpNet;
use tokio::sync::mpsc;

/// A BGP speaker: peers with routers over TCP (IPv4 and IPv6), announces prefixes and prints
/// what it learns as JSON lines on stdout.
///
/// Examples:
///
///   # eBGP to a router at 192.0.2.1 (AS 65000), announce two prefixes:
///   bgp-speaker --asn 65001 --router-id 192.0.2.2 \
///       --peer 192.0.2.1,as=65000 --announce 10.1.0.0/24 --announce 2001:db8:1::/48
///
///   # Wait for connections from any node of 192.168.111.0/24 (dynamic iBGP/eBGP neighbors):
///   bgp-speaker --asn 64512 --router-id 10.0.0.1 --listen 0.0.0.0:179 \
///       --peer-range 192.168.111.0/24,as=external
///
/// Peer options (comma separated after the address):
///   as=ASN|internal|external|any   expected AS (required)
///   port=N             neighbor TCP port (default 179)
///   passive            never connect, only accept
///   hold=SECONDS       proposed hold time (default 90; 0 disables keepalives)
///   retry=SECONDS      connect retry interval (default 5)
///   gtsm               TTL security: send TTL 255, accept only TTL 255 (RFC 5082)
///   password=SECRET    TCP-MD5 signature (RFC 2385)
///   local=ADDR         source address for outgoing connections
///   addpath            offer ADD-PATH send/receive (RFC 7911)
///   enhe               offer extended next hop: IPv4 routes via IPv6 (RFC 8950)
///   no-ipv6            do not offer IPv6 unicast
///   gr=SECONDS         offer Graceful Restart (receiving speaker) with this restart time
///   nh6=ADDR           IPv6 next hop for IPv6 routes over an IPv4 session
///
/// Stop with Ctrl-C (SIGINT) or SIGTERM: every session is closed with a Cease NOTIFICATION
/// carrying --shutdown-message.
#[derive(Parser, Debug)]
#[command(version, verbatim_doc_comment)]
struct Args {
    /// Local AS number (1-4294967295).
    #[arg(long)]
    asn: u32,
    /// BGP identifier (an IPv4 address, unique in the AS).
    #[arg(long)]
    router_id: Ipv4Addr,
    /// Accept connections on ADDR:PORT (repeatable), e.g. 0.0.0.0:179 and [::]:179.
    #[arg(long)]
    listen: Vec<SocketAddr>,
    /// A neighbor: ADDR,as=ASN[,option...] (repeatable; see the options above).
    #[arg(long)]
    peer: Vec<String>,
    /// Dynamic neighbors: PREFIX,as=ASN|internal|external[,option...] (accept only).
    #[arg(long)]
    peer_range: Vec<String>,
    /// A prefix to announce (repeatable).
    #[arg(long)]
    announce: Vec<IpNet>,
    /// A file of prefixes to announce, one per line ('#' starts a comment).
    #[arg(long)]
    announce_file: Option<PathBuf>,
    /// Which received-route events to print: every route, or only counts and End-of-RIB.
    #[arg(long, value_enum, default_value_t = RouteReport::All)]
    routes: RouteReport,
    /// Shutdown communication sent with the Cease NOTIFICATION (RFC 9003).
    #[arg(long, default_value = "bgp-speaker shutting down")]
    shutdown_message: String,
}

fn parse_as(v: &str) -> anyhow::Result<PeerAs> {
    Ok(match v {
        "internal" => PeerAs::Internal,
        "external" => PeerAs::External,
        "any" => PeerAs::Any,
        n => PeerAs::Asn(n.parse().with_context(|| format!("bad AS {n:?}"))?),
    })
}

fn parse_peer(spec: &str, range: bool) -> anyhow::Result<PeerConfig> {
    let mut parts = spec.split(',');
    let head = parts.next().unwrap_or_default();
    let (address, net) = if range {
        let net: IpNet = head
            .parse()
            .with_context(|| format!("bad range {head:?}"))?;
        (net.addr(), Some(net))
    } else {
        let a: IpAddr = head
            .parse()
            .with_context(|| format!("bad peer address {head:?}"))?;
        (a, None)
    };
    let mut remote_as = None;
    let mut p = PeerConfig::new(address, PeerAs::Any);
    p.range = net;
    for opt in parts {
        let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
        let secs = |v: &str| -> anyhow::Result<u64> {
            v.parse()
                .with_context(|| format!("{spec}: bad number in {opt:?}"))
        };
        match k {
            "as" => remote_as = Some(parse_as(v)?),
            "port" => p.port = v.parse().with_context(|| format!("{spec}: bad port"))?,
            "passive" => p.passive = true,
            "hold" => {
                let h = secs(v)?;
                if h == 1 || h == 2 || h > 65535 {
                    bail!("{spec}: hold time must be 0 or 3..65535");
                }
                p.hold_time = h as u16;
            }
            "retry" => p.connect_retry = Duration::from_secs(secs(v)?.max(1)),
            "gtsm" => p.security.ttl_security = true,
            "password" => p.security.password = Some(v.to_owned()),
            "local" => p.local_address = Some(v.parse().context("bad local address")?),
            "addpath" => p.add_path = true,
            "enhe" => p.extended_next_hop = true,
            "no-ipv6" => p.ipv6 = false,
            "gr" => p.graceful_restart = Some(secs(v)?.min(4095) as u16),
            "nh6" => p.next_hop_v6 = Some(v.parse().context("bad nh6 address")?),
            _ => bail!("{spec}: unknown option {k:?} (see --help)"),
        }
    }
    p.remote_as = remote_as.with_context(|| format!("{spec}: as=ASN is required"))?;
    Ok(p)
}

fn read_prefixes(path: &PathBuf) -> anyhow::Result<Vec<IpNet>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut v = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        v.push(
            line.parse()
                .with_context(|| format!("{}:{}: bad prefix {line:?}", path.display(), n + 1))?,
        );
    }
    Ok(v)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let mut peers = Vec::new();
    for s in &args.peer {
        peers.push(parse_peer(s, false)?);
    }
    for s in &args.peer_range {
        peers.push(parse_peer(s, true)?);
    }
    if peers.is_empty() {
        bail!("no --peer or --peer-range given (see --help)");
    }
    let mut announce = args.announce.clone();
    if let Some(f) = &args.announce_file {
        announce.extend(read_prefixes(f)?);
    }
    let cfg = SpeakerConfig {
        local_as: args.asn,
        router_id: args.router_id,
        listen: args.listen.clone(),
        peers,
        announce,
        routes: args.routes,
        shutdown_message: args.shutdown_message.clone(),
    };
    let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        use std::io::Write;
        let stdout = std::io::stdout();
        while let Some(e) = ev_rx.recv().await {
            let mut out = stdout.lock();
            if serde_json::to_writer(&mut out, &e).is_err() || writeln!(out).is_err() {
                break;
            }
            let _ = out.flush();
        }
    });
    let message = args.shutdown_message.clone();
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        tracing::info!("signal received, shutting down");
        let _ = cmd_tx.send(Command::Shutdown(message));
    });
    let result = speaker::run(cfg, ev_tx, cmd_rx).await;
    let _ = printer.await;
    result
}
