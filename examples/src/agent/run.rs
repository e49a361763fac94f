//! The node agent's loop (FRR mode): watch the manifest directory, recompute the node's
//! configuration on every change, hand it to frr-render's [`Reloader`] (debounced, identical
//! configurations skipped, `vtysh -C` before applying, last good configuration kept), and write
//! the status.
//!
//! Without `--reload` the "backend" only writes the validated `frr.conf` to a file, so the same
//! state machine decides what is written.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crd_model::Node;
use crd_model::generate::ClusterState;
use frr_render::reload::{FrrBackend, ReloadError, ReloadOutcome};
use frr_render::vtysh::{ValidationError, validate_with_vtysh, vtysh_available};
use frr_render::{FrrReloadPy, Reloader};
use notify::{RecursiveMode, Watcher};

use super::status::{AgentStatus, Vtysh};
use super::{NodePlan, plan_cluster};

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct AgentOptions {
    pub node: String,
    /// Directory (or file) of manifests.
    pub manifests: PathBuf,
    /// Where the node's `frr.conf` is written once valid.
    pub out: PathBuf,
    /// Apply to running FRR with frr-reload.py.
    pub reload: bool,
    /// FRR's vty socket directory (`--vty_socket` of the daemons); default FRR's own.
    pub vty_socket_dir: Option<PathBuf>,
    /// Private directory for frr-reload.py (its frr.conf copy and an empty vtysh.conf).
    pub work_dir: PathBuf,
    /// Quiet time after a change before a reload (frr-k8s: 3 s).
    pub debounce: Duration,
    /// Status JSON file (written after every change and every `status_interval`).
    pub status_file: Option<PathBuf>,
    pub status_interval: Duration,
    /// Stop after the first apply (or first error); FRR mode only.
    pub once: bool,
    /// Run the suite's own BGP/BFD speaker instead of driving FRR.
    pub native: bool,
}

/// Writes the validated configuration to a file instead of reloading FRR.
#[derive(Debug)]
struct FileBackend {
    path: PathBuf,
}

impl FrrBackend for FileBackend {
    fn validate(&mut self, text: &str) -> Result<(), ValidationError> {
        if vtysh_available() {
            validate_with_vtysh(text)
        } else {
            Ok(())
        }
    }
    fn reload(&mut self, text: &str) -> Result<(), ReloadError> {
        write_atomic(&self.path, text).map_err(ReloadError::Reload)
    }
    fn running_config(&mut self) -> Option<String> {
        None
    }
}

/// FRR through frr-reload.py, and the validated file written beside it.
#[derive(Debug)]
struct ReloadBackend {
    frr: FrrReloadPy,
    path: PathBuf,
}

impl FrrBackend for ReloadBackend {
    fn validate(&mut self, text: &str) -> Result<(), ValidationError> {
        self.frr.validate(text)
    }
    fn reload(&mut self, text: &str) -> Result<(), ReloadError> {
        self.frr.reload(text)?;
        write_atomic(&self.path, text).map_err(ReloadError::Reload)
    }
    fn running_config(&mut self) -> Option<String> {
        self.frr.running_config()
    }
}

enum Backend {
    File(Reloader<FileBackend>),
    Frr(Reloader<ReloadBackend>),
}

macro_rules! with_reloader {
    ($b:expr, $r:ident => $e:expr) => {
        match $b {
            Backend::File($r) => $e,
            Backend::Frr($r) => $e,
        }
    };
}

pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    if let Some(d) = path.parent()
        && !d.as_os_str().is_empty()
    {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let tmp = path.with_extension("conf.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// This node as the cluster knows it; a node absent from the manifests gets the hostname label
/// only (what the kubelet sets).
pub fn this_node(state: &ClusterState, name: &str) -> Node {
    state
        .nodes
        .iter()
        .find(|n| n.metadata.name == name)
        .cloned()
        .unwrap_or_else(|| {
            let mut n = Node::new(name);
            n.metadata
                .labels
                .insert("kubernetes.io/hostname".into(), name.into());
            n
        })
}

/// The node's configuration from a cluster state: generation for all nodes (as the controller
/// would have done), then this node's merge.
pub fn plan_node(state: &ClusterState, node: &str) -> NodePlan {
    let mut state = state.clone();
    if !state.nodes.iter().any(|n| n.metadata.name == node) {
        state.nodes.push(this_node(&state, node));
    }
    let plan = plan_cluster(&state);
    plan.nodes
        .into_iter()
        .find(|n| n.node == node)
        .expect("node added above")
}

/// The node agent: runs until `stop` receives (or forever), or after the first apply with
/// `once`. Errors only for setup failures (watcher, work directory).
pub fn run(opts: &AgentOptions, stop: Option<mpsc::Receiver<()>>) -> Result<(), String> {
    if opts.native {
        return super::native::run_native(opts, stop);
    }
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if res.is_ok() {
            let _ = tx.send(());
        }
    })
    .map_err(|e| format!("cannot watch {}: {e}", opts.manifests.display()))?;
    watcher
        .watch(&opts.manifests, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", opts.manifests.display()))?;

    let vty = Vtysh::new(opts.vty_socket_dir.as_deref(), Some(&opts.work_dir));
    let mut backend = if opts.reload {
        let mut frr = FrrReloadPy::new(
            opts.vty_socket_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("/var/run/frr")),
            &opts.work_dir,
        )
        .map_err(|e| format!("{}: {e}", opts.work_dir.display()))?;
        if let Ok(p) = std::env::var("FRR_RELOAD") {
            frr.frr_reload = PathBuf::from(p);
        }
        Backend::Frr(Reloader::with_timing(
            ReloadBackend {
                frr,
                path: opts.out.clone(),
            },
            opts.debounce,
            Duration::from_secs(5),
        ))
    } else {
        std::fs::create_dir_all(&opts.work_dir)
            .map_err(|e| format!("{}: {e}", opts.work_dir.display()))?;
        Backend::File(Reloader::with_timing(
            FileBackend {
                path: opts.out.clone(),
            },
            opts.debounce,
            Duration::from_secs(5),
        ))
    };

    let mut last_load = String::from("success");
    let mut selected: Vec<String> = Vec::new();
    let mut dirty = true;
    let mut next_status = Instant::now();
    // Quiet time after a file event before reading the directory (editors write in steps).
    let settle = Duration::from_millis(100);
    let mut load_at: Option<Instant> = Some(Instant::now());
    loop {
        if let Some(s) = &stop
            && !matches!(s.try_recv(), Err(mpsc::TryRecvError::Empty))
        {
            return Ok(());
        }
        let now = Instant::now();
        if load_at.is_some_and(|t| t <= now) {
            load_at = None;
            match super::source::load_dir(&opts.manifests) {
                Err(e) => {
                    last_load = e.to_string();
                    tracing::warn!(error = %last_load, "manifests not loaded; last good configuration kept");
                }
                Ok(state) => {
                    last_load = "success".into();
                    let plan = plan_node(&state, &opts.node);
                    let scheduled = match &plan.result {
                        Ok(c) => {
                            selected = c.conversion.selected.clone();
                            with_reloader!(&mut backend, r => r.submit(now, Ok(&c.conversion.config)))
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "conversion failed; last good configuration kept");
                            with_reloader!(&mut backend, r => r.submit(now, Err(e)))
                        }
                    };
                    tracing::info!(
                        node = %opts.node,
                        scheduled,
                        selected = ?selected,
                        "manifests loaded"
                    );
                }
            }
            dirty = true;
        }
        let deadline = with_reloader!(&backend, r => r.poll_timeout());
        if deadline.is_some_and(|d| d <= now) {
            let outcome = with_reloader!(&mut backend, r => r.handle_timeout(now));
            match &outcome {
                ReloadOutcome::Applied => {
                    tracing::info!(out = %opts.out.display(), "configuration applied")
                }
                ReloadOutcome::Rejected(e) => {
                    tracing::warn!(error = %e, "configuration rejected; last good kept")
                }
                ReloadOutcome::Failed(e) => {
                    tracing::warn!(error = %e, "reload failed; retrying")
                }
                ReloadOutcome::Idle => {}
            }
            dirty = true;
            if opts.once && !matches!(outcome, ReloadOutcome::Idle) {
                write_status(opts, &backend, &vty, &last_load, &selected);
                return match outcome {
                    ReloadOutcome::Applied => Ok(()),
                    ReloadOutcome::Rejected(e) | ReloadOutcome::Failed(e) => Err(e.to_string()),
                    ReloadOutcome::Idle => Ok(()),
                };
            }
        }
        if opts.once && deadline.is_none() && load_at.is_none() {
            // nothing to apply: identical or failed conversion
            write_status(opts, &backend, &vty, &last_load, &selected);
            return if last_load == "success" {
                Ok(())
            } else {
                Err(last_load)
            };
        }
        if dirty || Instant::now() >= next_status {
            write_status(opts, &backend, &vty, &last_load, &selected);
            dirty = false;
            next_status = Instant::now() + opts.status_interval;
        }
        let mut wake = next_status;
        if let Some(d) = with_reloader!(&backend, r => r.poll_timeout()) {
            wake = wake.min(d);
        }
        if let Some(t) = load_at {
            wake = wake.min(t);
        }
        let wait = wake
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(200));
        match rx.recv_timeout(wait) {
            Ok(()) => {
                while rx.try_recv().is_ok() {}
                load_at = Some(Instant::now() + settle);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("file watcher stopped".into());
            }
        }
    }
}

fn write_status(
    opts: &AgentOptions,
    backend: &Backend,
    vty: &Vtysh,
    last_load: &str,
    selected: &[String],
) {
    let Some(path) = &opts.status_file else {
        return;
    };
    let node_status = with_reloader!(backend, r => r.status().clone());
    let (bgp, bfd, err) = if opts.reload {
        match (vty.bgp_sessions(), vty.bfd_peers()) {
            (Ok(b), Ok(f)) => (b, f, None),
            (Ok(b), Err(e)) => (b, Vec::new(), Some(e)),
            (Err(e), _) => (Vec::new(), Vec::new(), Some(e)),
        }
    } else {
        (
            Vec::new(),
            Vec::new(),
            Some("not connected to FRR (no --reload)".to_string()),
        )
    };
    let status = AgentStatus {
        node: opts.node.clone(),
        last_load_result: last_load.to_string(),
        frr_node_state: node_status.to_frr_node_state(&opts.node),
        selected: selected.to_vec(),
        bgp,
        bfd,
        sessions_error: err,
    };
    match serde_json::to_string_pretty(&status) {
        Ok(text) => {
            if path.as_os_str() == "-" {
                println!("{text}");
            } else if let Err(e) = write_atomic(path, &text) {
                tracing::warn!(error = %e, "cannot write status");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot serialize status"),
    }
}
