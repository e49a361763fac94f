//! `node-agent --speaker native`: the node agent's watch loop driving the native speaker
//! instead of FRR. The node's configuration is computed exactly as in FRR mode
//! ([`crate::agent::run::plan_node`]: generation, selection, merge); each new configuration is
//! a [`NativeCommand::Reload`](super::NativeCommand) of the running speaker. Invalid manifests
//! or configurations keep the last good configuration. Events go to stdout, one JSON per line.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::{NativeHandle, Options};
use crate::agent::run::plan_node;
use crate::agent::source::load_dir;

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct NativeAgentOptions {
    /// This node's name.
    pub node: String,
    /// Directory (or file) of manifests, watched.
    pub manifests: PathBuf,
    /// Quiet time after a change before applying.
    pub debounce: Duration,
    /// Speaker options (router ID fallback, listen port).
    pub speaker: Options,
}

fn load(opts: &NativeAgentOptions) -> Result<frr_render::Config, String> {
    let state = load_dir(&opts.manifests).map_err(|e| e.to_string())?;
    plan_node(&state, &opts.node)
        .result
        .map(|c| c.conversion.config)
        .map_err(|e| e.to_string())
}

/// Runs until `stop` receives (or forever): the speaker for the node's configuration, reloaded
/// on every change of the manifests.
pub fn run(opts: &NativeAgentOptions, stop: Option<mpsc::Receiver<()>>) -> Result<(), String> {
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
    let first = load(opts)?;
    let mut last = first.clone();
    let handle = NativeHandle::spawn(first, opts.speaker.clone());
    let mut apply_at: Option<Instant> = None;
    loop {
        if let Some(s) = &stop
            && !matches!(s.try_recv(), Err(mpsc::TryRecvError::Empty))
        {
            break;
        }
        for e in handle.events.try_iter() {
            println!("{}", serde_json::to_string(&e).unwrap_or_default());
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(()) => apply_at = Some(Instant::now() + opts.debounce),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if apply_at.is_some_and(|t| t <= Instant::now()) {
            apply_at = None;
            match load(opts) {
                Ok(c) if c == last => tracing::info!("configuration unchanged"),
                Ok(c) => {
                    tracing::info!(node = %opts.node, "applying the new configuration");
                    last = c.clone();
                    handle.reload(c);
                }
                Err(e) => tracing::warn!(error = %e, "last good configuration kept"),
            }
        }
    }
    handle.shutdown().map_err(|e| e.to_string())
}
