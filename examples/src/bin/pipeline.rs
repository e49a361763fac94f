//! The suite's main job: with no arguments and no cluster, runs the whole pipeline on the two
//! bundled demo scenarios (examples/manifests/): the RouteAdvertisements controller generates
//! the per-node FRRConfigurations, the node agent's logic selects, merges and renders each
//! node's FRR configuration, `vtysh -C` checks it (when FRR is installed), and a summary shows
//! per node the neighbors, the imported and advertised prefixes, and where the files are.
//!
//! Exit status: 0 when every node got a valid configuration; 1 when a manifest is invalid
//! (every error names file, document, object and field), a node's FRRConfigurations do not
//! merge, or FRR rejects a configuration; 2 on usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use examples::agent::pipeline::{Options, bundled, from_path, run};

/// Run the controller and the node agent on manifests and show each node's FRR configuration.
///
/// Without INPUT the bundled scenarios are used. INPUT may be a manifest file, a directory of
/// manifests (one cluster) or a directory of such directories (one cluster each, like
/// examples/manifests/). Output: OUT/<scenario>/<node>/frr.conf and
/// OUT/<scenario>/generated/*.yaml (the generated FRRConfigurations).
#[derive(Parser, Debug)]
#[command(name = "pipeline", version)]
struct Args {
    /// Manifests to read [default: the bundled examples/manifests/].
    input: Option<PathBuf>,
    /// Output directory.
    #[arg(short, long, default_value = "pipeline-out")]
    out: PathBuf,
    /// Do not run `vtysh -C` on the rendered configurations.
    #[arg(long)]
    no_vtysh: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let scenarios = match &args.input {
        None => bundled().map_err(|e| e.to_string()),
        Some(p) => from_path(p).map_err(|e| e.to_string()),
    };
    let scenarios = match scenarios {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: invalid manifests:\n{e}");
            return ExitCode::from(1);
        }
    };
    let opts = Options {
        out_dir: args.out.clone(),
        vtysh: !args.no_vtysh,
    };
    let report = match run(&scenarios, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    print!("{report}");
    let errors = report.errors();
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        for e in errors {
            eprintln!("error: {e}");
        }
        ExitCode::from(1)
    }
}
