//! One-shot and watching runs over an input directory.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::ControllerError;
use super::files::{ScenarioReport, reconcile_scenario};
use super::manifests::{Scenario, load_extras, load_scenarios};
use super::time::rfc3339_now;

/// Where to read and write.
#[derive(Debug, Clone)]
pub struct Options {
    /// A manifest file, a directory of manifests, or a directory of scenario directories.
    pub input: PathBuf,
    /// Generated objects go to `<out_dir>/<scenario>/`.
    pub out_dir: PathBuf,
    /// Optional YAML list of ClusterUserDefinedNetworks (see `UserDefinedNetwork`).
    pub networks: Option<PathBuf>,
    /// Optional YAML list of EgressIP assignments.
    pub egress_ips: Option<PathBuf>,
    /// Quiet time after a change before regenerating.
    pub debounce: Duration,
}

/// Loads every scenario and reconciles its output directory. Nothing is written unless all
/// inputs load and validate. Output directories of scenarios that no longer exist are emptied
/// of generated objects.
pub fn run_once(opts: &Options) -> Result<Vec<ScenarioReport>, ControllerError> {
    let skip = vec![absolute(&opts.out_dir)];
    let input = absolute(&opts.input);
    let extras = load_extras(opts.networks.as_deref(), opts.egress_ips.as_deref())?;
    let scenarios: Vec<Scenario> = load_scenarios(&input, &skip)?
        .into_iter()
        .map(|s| s.with_extras(&extras))
        .collect();
    let now = rfc3339_now();
    let mut reports = Vec::new();
    for s in &scenarios {
        reports.push(reconcile_scenario(s, &opts.out_dir.join(&s.name), &now)?);
    }
    // scenarios that went away: their generated objects go too
    if let Ok(rd) = std::fs::read_dir(&opts.out_dir) {
        let mut gone: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .filter(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                !scenarios.iter().any(|s| Some(&s.name) == name.as_ref())
            })
            .collect();
        gone.sort();
        for dir in gone {
            let empty = Scenario {
                name: dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                dir: dir.clone(),
                state: Default::default(),
                origins: Default::default(),
            };
            let r = reconcile_scenario(&empty, &dir, &now)?;
            if !r.deleted.is_empty() {
                reports.push(r);
            }
        }
    }
    Ok(reports)
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Runs once, then again after every change to the inputs (debounced), until `stop` receives
/// or is dropped. Each run's outcome goes to `on_run`; a failed run leaves the output as the
/// last good run wrote it.
pub fn watch(
    opts: &Options,
    stop: mpsc::Receiver<()>,
    mut on_run: impl FnMut(Result<Vec<ScenarioReport>, ControllerError>),
) -> Result<(), ControllerError> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| ControllerError::file(&opts.input, format!("cannot watch: {e}")))?;
    let out = absolute(&opts.out_dir);
    let mut watched = vec![opts.input.clone()];
    watched.extend(opts.networks.iter().cloned());
    watched.extend(opts.egress_ips.iter().cloned());
    for p in &watched {
        watcher
            .watch(p, RecursiveMode::Recursive)
            .map_err(|e| ControllerError::file(p, format!("cannot watch: {e}")))?;
    }
    on_run(run_once(opts));
    loop {
        match stop.try_recv() {
            Err(mpsc::TryRecvError::Empty) => {}
            _ => return Ok(()),
        }
        let relevant = |ev: &notify::Result<notify::Event>| match ev {
            Ok(ev) => {
                !ev.kind.is_access() && ev.paths.iter().any(|p| !absolute(p).starts_with(&out))
            }
            Err(_) => true,
        };
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(ev) if relevant(&ev) => {
                // let a burst of changes (an editor's save, a copy) settle
                while rx.recv_timeout(opts.debounce).is_ok() {}
                on_run(run_once(opts));
            }
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}
