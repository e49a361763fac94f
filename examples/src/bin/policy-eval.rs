//! Evaluate FRR route maps over routes: `policy-eval POLICY.frr ROUTES.jsonl`.
//!
//! Reads prefix lists, community/AS-path lists and route maps in FRR syntax, then applies a
//! route map to each route of a JSON-lines file (one `route_policy::Route` per line, e.g.
//! `{"prefix":"10.0.0.0/24","as_path":"64512 65010","communities":["65000:1"],"med":10}`) and
//! prints one JSON line per route: `{"line":N,"prefix":..,"action":"permit"|"deny","route":{..}}`,
//! where `route` holds the attributes after the route map's set clauses (permit only).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Parser;
use route_policy::{Action, CompiledPolicy, ParseOptions, Route, parse_with};

/// Apply an FRR route map to routes and print the decision and resulting attributes.
#[derive(Debug, Parser)]
#[command(name = "policy-eval", version)]
struct Args {
    /// FRR configuration with the policy objects (prefix lists, community/AS-path lists,
    /// route maps).
    policy: PathBuf,
    /// Routes, one JSON object per line (`-` for stdin).
    routes: PathBuf,
    /// Route map to apply (default: the only route map in POLICY).
    #[arg(short = 'm', long)]
    route_map: Option<String>,
    /// Accept a whole frr.conf: skip commands that are not policy objects (router bgp, ...).
    #[arg(long)]
    frr_conf: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let text = std::fs::read_to_string(&args.policy)
        .with_context(|| format!("reading {}", args.policy.display()))?;
    let policy = parse_with(
        &text,
        &ParseOptions {
            ignore_unknown: args.frr_conf,
        },
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.policy.display()))?;
    let map = match (&args.route_map, policy.route_maps.as_slice()) {
        (Some(m), _) => {
            if policy.route_map(m).is_none() {
                eprintln!(
                    "policy-eval: route-map {m} is not defined: every route is denied (as in FRR)"
                );
            }
            m.clone()
        }
        (None, [only]) => only.name.clone(),
        (None, maps) => bail!(
            "{} route maps in {} ({}); choose one with --route-map",
            maps.len(),
            args.policy.display(),
            maps.iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let compiled = CompiledPolicy::new(&policy).map_err(|e| anyhow::anyhow!("{e}"))?;
    let input: Box<dyn BufRead> = if args.routes.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(
            std::fs::File::open(&args.routes)
                .with_context(|| format!("opening {}", args.routes.display()))?,
        ))
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", args.routes.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let mut route: Route = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: invalid route", args.routes.display(), i + 1))?;
        let action = compiled.apply(&map, &mut route);
        let result = serde_json::json!({
            "line": i + 1,
            "prefix": route.prefix.to_string(),
            "route_map": map,
            "action": action.as_str(),
            "route": if action == Action::Permit { serde_json::to_value(&route)? } else { serde_json::Value::Null },
        });
        writeln!(out, "{result}")?;
    }
    Ok(())
}
