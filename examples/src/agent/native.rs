//! The node agent's native mode (`--speaker native`): no FRR on the node. The same merged
//! configuration the FRR mode renders is run by the suite's own BGP/BFD speaker
//! ([`crate::native`], its route maps from frr-render's `policy_of`), which installs imported
//! routes in the kernel (proto bgp, ECMP). This loop only watches the manifests, debounces,
//! starts or reloads the speaker and reports its events as status.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use frr_render::{Config, NodeStatus};
use notify::{RecursiveMode, Watcher};

use super::run::{AgentOptions, plan_node, write_atomic};
use super::status::{AgentStatus, BfdPeer, BgpSession};
use crate::native::{NativeEvent, NativeHandle, Options};

#[derive(Default)]
struct Sessions {
    bgp: BTreeMap<IpAddr, (String, Option<u32>)>,
    bfd: BTreeMap<IpAddr, bool>,
    last_error: Option<String>,
}

impl Sessions {
    fn apply(&mut self, e: &NativeEvent) {
        match e {
            NativeEvent::Session { peer, state } => {
                let as_ = self.bgp.get(peer).and_then(|s| s.1);
                self.bgp.insert(*peer, (state.clone(), as_));
            }
            NativeEvent::Established { peer, peer_as } => {
                self.bgp
                    .insert(*peer, ("Established".into(), Some(*peer_as)));
            }
            NativeEvent::Down { peer, .. } => {
                let as_ = self.bgp.get(peer).and_then(|s| s.1);
                self.bgp.insert(*peer, ("Idle".into(), as_));
            }
            NativeEvent::Bfd { peer, up } => {
                self.bfd.insert(*peer, *up);
            }
            NativeEvent::Error { message } => self.last_error = Some(message.clone()),
            _ => {}
        }
    }
}

/// Runs the native speaker for `opts.node` until `stop` receives.
pub fn run_native(opts: &AgentOptions, stop: Option<mpsc::Receiver<()>>) -> Result<(), String> {
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

    let mut handle: Option<NativeHandle> = None;
    let mut applied: Option<Config> = None;
    let mut pending: Option<(Instant, Config, String)> = None;
    let mut status = NodeStatus::default();
    let mut last_load = String::from("success");
    let mut selected: Vec<String> = Vec::new();
    let mut sessions = Sessions::default();
    let mut load_at = Some(Instant::now());
    let mut next_status = Instant::now();
    loop {
        if let Some(s) = &stop
            && !matches!(s.try_recv(), Err(mpsc::TryRecvError::Empty))
        {
            break;
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
                    match plan_node(&state, &opts.node).result {
                        Ok(c) => {
                            status.last_conversion_result = "success".into();
                            selected = c.conversion.selected.clone();
                            let changed = pending.as_ref().map(|p| &p.1).or(applied.as_ref())
                                != Some(&c.conversion.config);
                            if changed {
                                let due =
                                    pending.as_ref().map(|p| p.0).unwrap_or(now + opts.debounce);
                                pending = Some((due, c.conversion.config, c.text));
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "conversion failed; last good configuration kept");
                            status.last_conversion_result = e.message;
                        }
                    }
                }
            }
            next_status = now;
        }
        if pending.as_ref().is_some_and(|p| p.0 <= now)
            && let Some((_, config, text)) = pending.take()
        {
            match &handle {
                None => {
                    let options = Options {
                        hostname: opts.node.clone(),
                        ..Default::default()
                    };
                    handle = Some(NativeHandle::spawn(config.clone(), options));
                }
                Some(h) => h.reload(config.clone()),
            }
            if let Err(e) = write_atomic(&opts.out, &text) {
                tracing::warn!(error = %e, "cannot write the configuration file");
            }
            status.last_reload_result = "success".into();
            status.running_config = frr_render::reload::redact_passwords(&text);
            applied = Some(config);
            tracing::info!(node = %opts.node, "configuration applied to the native speaker");
            next_status = now;
        }
        if let Some(h) = &handle {
            while let Ok(e) = h.events.try_recv() {
                if let Ok(line) = serde_json::to_string(&e) {
                    tracing::info!(target: "native", "{line}");
                }
                if let NativeEvent::Error { message } = &e
                    && message.contains("refused")
                {
                    status.last_reload_result = message.clone();
                }
                sessions.apply(&e);
                next_status = now;
            }
        }
        if Instant::now() >= next_status {
            write_status(opts, &status, &last_load, &selected, &sessions);
            next_status = Instant::now() + opts.status_interval;
        }
        let mut wait = Duration::from_millis(100);
        if let Some(p) = &pending {
            wait = wait.min(p.0.saturating_duration_since(Instant::now()));
        }
        if let Some(t) = load_at {
            wait = wait.min(t.saturating_duration_since(Instant::now()));
        }
        match rx.recv_timeout(wait) {
            Ok(()) => {
                while rx.try_recv().is_ok() {}
                load_at = Some(Instant::now() + Duration::from_millis(100));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("file watcher stopped".into());
            }
        }
    }
    if let Some(h) = handle {
        h.shutdown().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn write_status(
    opts: &AgentOptions,
    status: &NodeStatus,
    last_load: &str,
    selected: &[String],
    sessions: &Sessions,
) {
    let Some(path) = &opts.status_file else {
        return;
    };
    let report = AgentStatus {
        node: opts.node.clone(),
        last_load_result: last_load.to_string(),
        frr_node_state: status.to_frr_node_state(&opts.node),
        selected: selected.to_vec(),
        bgp: sessions
            .bgp
            .iter()
            .map(|(peer, (state, as_))| BgpSession {
                peer: peer.to_string(),
                state: state.clone(),
                remote_as: as_.map(u64::from),
                up_msec: None,
                accepted_prefixes: 0,
            })
            .collect(),
        bfd: sessions
            .bfd
            .iter()
            .map(|(peer, up)| BfdPeer {
                peer: peer.to_string(),
                status: if *up { "up" } else { "down" }.into(),
                receive_interval_ms: None,
                transmit_interval_ms: None,
                detect_multiplier: None,
            })
            .collect(),
        sessions_error: sessions.last_error.clone(),
    };
    if let Ok(text) = serde_json::to_string_pretty(&report)
        && let Err(e) = write_atomic(path, &text)
    {
        tracing::warn!(error = %e, "cannot write status");
    }
}
