//! The node agent (FRR mode): selects the FRRConfigurations of its node from a directory of
//! manifests (running the RouteAdvertisements generation too, so generated objects count),
//! merges and renders them as frr-k8s does, validates with `vtysh -C`, writes `frr.conf` and,
//! with `--reload`, applies it to running FRR with frr-reload.py. It watches the directory:
//! deleting an object's file removes its effect, restoring it restores it. Invalid manifests or
//! configurations leave the last good configuration in place. `--status FILE` gets an
//! FRRNodeState-like JSON report with the BGP and BFD sessions FRR reports.
//!
//! Exit status: 0 on a clean stop (or a successful `--once`), 1 on errors, 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use examples::agent::run::{AgentOptions, run};

/// Render (and apply) this node's FRR configuration from FRRConfiguration manifests.
#[derive(Parser, Debug)]
#[command(name = "node-agent", version)]
struct Args {
    /// This node's name (matched against nodeSelectors through the Node's labels).
    #[arg(long)]
    node: String,
    /// Directory of manifests to watch (FRRConfigurations, RouteAdvertisements, Nodes).
    #[arg(long, default_value = "examples/manifests/scenario1-import")]
    manifests: PathBuf,
    /// Where the validated frr.conf is written.
    #[arg(short, long, default_value = "frr.conf")]
    out: PathBuf,
    /// Apply each new configuration to running FRR with frr-reload.py.
    #[arg(long)]
    reload: bool,
    /// FRR's vty socket directory (the daemons' --vty_socket) [default: /var/run/frr].
    #[arg(long)]
    vty_socket_dir: Option<PathBuf>,
    /// Private working directory for frr-reload.py and vtysh [default: <out>.d].
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Quiet time after a change before applying, in milliseconds (frr-k8s uses 3000).
    #[arg(long, default_value_t = 3000)]
    debounce_ms: u64,
    /// Write the status (FRRNodeState + BGP/BFD sessions) as JSON here ("-" for stdout).
    #[arg(long)]
    status: Option<PathBuf>,
    /// Status refresh interval, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    status_interval_ms: u64,
    /// Apply once and exit.
    #[arg(long)]
    once: bool,
    /// "frr": render for and drive FRR; "native": no FRR, run the suite's own BGP/BFD speaker
    /// (it listens on port 179 and installs imported routes in the kernel, proto bgp).
    #[arg(long, default_value = "frr")]
    speaker: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let native = match args.speaker.as_str() {
        "frr" => false,
        "native" => true,
        other => {
            eprintln!("error: --speaker {other}: expected frr or native");
            return ExitCode::from(2);
        }
    };
    if native && (args.reload || args.once) {
        eprintln!("error: --reload and --once are for --speaker frr");
        return ExitCode::from(2);
    }
    let work_dir = args.work_dir.clone().unwrap_or_else(|| {
        let mut p = args.out.clone().into_os_string();
        p.push(".d");
        PathBuf::from(p)
    });
    let opts = AgentOptions {
        node: args.node,
        manifests: args.manifests,
        out: args.out,
        reload: args.reload,
        vty_socket_dir: args.vty_socket_dir,
        work_dir,
        debounce: Duration::from_millis(args.debounce_ms),
        status_file: args.status,
        status_interval: Duration::from_millis(args.status_interval_ms),
        once: args.once,
        native,
    };
    match run(&opts, None) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
