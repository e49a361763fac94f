//! The RouteAdvertisements controller of OVN-Kubernetes, outside a cluster: reads
//! RouteAdvertisements, FRRConfigurations and Nodes from manifests and writes the
//! FRRConfigurations it generates (one per source FRRConfiguration and node) as YAML files,
//! printing each RouteAdvertisements' status. With `--watch` it regenerates on every change.
//! With the `kube` feature and `--kube`, it reconciles a cluster through its API instead.
//!
//! Exit status: 0 on success, 1 when inputs are invalid or files cannot be written, 2 on usage
//! errors.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use examples::controller::watch::{Options, run_once, watch};

/// Generate per-node FRRConfigurations from RouteAdvertisements, as OVN-Kubernetes does.
///
/// INPUT is a manifest file, a directory of manifests (one cluster), or a directory whose
/// subdirectories each hold one cluster's manifests. Output files are named
/// ovnk-generated-<suffix>.yaml where the suffix is derived from the object's identity key
/// (<routeadvertisements>/<source>/<node>), so reruns update the same files.
#[derive(Parser, Debug)]
#[command(name = "controller", version)]
struct Args {
    /// Manifests to read [default: the bundled examples/manifests/].
    input: Option<PathBuf>,
    /// Output directory; generated objects go to OUT/<scenario>/.
    #[arg(short, long, default_value = "controller-out")]
    out: PathBuf,
    /// YAML list of ClusterUserDefinedNetworks: name, labels, topology (layer3|layer2),
    /// role (Primary|Secondary), subnets, networkId.
    #[arg(long)]
    networks: Option<PathBuf>,
    /// YAML list of EgressIP assignments: name, node, egressIP, network.
    #[arg(long)]
    egress_ips: Option<PathBuf>,
    /// Keep running and regenerate whenever the inputs change.
    #[arg(long)]
    watch: bool,
    /// Quiet time after a change before regenerating, in milliseconds.
    #[arg(long, default_value_t = 200)]
    debounce_ms: u64,
    /// Reconcile a Kubernetes cluster (kubeconfig or in-cluster) instead of files.
    #[cfg(feature = "kube")]
    #[arg(long)]
    kube: bool,
}

fn bundled() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/manifests"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    #[cfg(feature = "kube")]
    if args.kube {
        return run_kube(args.watch);
    }

    let opts = Options {
        input: args.input.unwrap_or_else(bundled),
        out_dir: args.out,
        networks: args.networks,
        egress_ips: args.egress_ips,
        debounce: Duration::from_millis(args.debounce_ms),
    };
    let print = |r: Result<Vec<examples::controller::ScenarioReport>, _>| match r {
        Ok(reports) => {
            for r in reports {
                print!("{r}");
            }
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    };
    if args.watch {
        let (_stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        eprintln!("watching {} (Ctrl-C to stop)", opts.input.display());
        if let Err(e) = watch(&opts, stop_rx, |r| {
            print(r);
        }) {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    if print(run_once(&opts)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(feature = "kube")]
fn run_kube(watch: bool) -> ExitCode {
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(async move {
        let client = ::kube::Client::try_default().await?;
        if watch {
            examples::controller::kube::run(client).await
        } else {
            let report = examples::controller::kube::reconcile_once(&client).await?;
            print!("{report}");
            Ok(())
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
