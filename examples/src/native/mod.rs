//! Native mode of the node agent: no FRR on the node. The suite's own BGP sessions
//! (bgp-proto) and BFD sessions (bfd-proto) run the same merged per-node configuration that
//! would otherwise be rendered for FRR (frr-render's model), with the same route maps:
//!
//! - [`plan`]: the configuration → sessions, BFD profiles, originated prefixes and the
//!   compiled `<ID>-in`/`<ID>-out` route maps ([`frr_render::policy::policy_of`]), and the diff
//!   of two configurations applied on reload.
//! - [`kernel`]: imported best routes in the kernel, protocol bgp (186), ECMP over the
//!   selected paths, with `ip route replace … nexthop via A nexthop via B` (iproute2).
//! - [`run`]: the event loop (tokio): one session per neighbor, import/export through the
//!   route maps, next hop self on originated prefixes, BFD Down resetting the BGP session,
//!   [`NativeCommand::Reload`] and a clean shutdown (Cease to every peer, kernel routes removed).
//!
//! Not run natively (reported in [`plan::Plan::ignored`]): VRF routers, EVPN, `import vrf`,
//! unnumbered neighbors and raw FRR text. The keepalive interval follows the negotiated hold
//! time (hold/3), not `keepalive_time`.

pub mod kernel;
pub mod plan;
mod runner;

use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;
use tokio::sync::mpsc;

pub use plan::{PeerPlan, Plan, PlanDiff, PlanError, diff, plan};
pub use runner::run;
#[cfg(test)]
use runner::run_with;

/// Run-time options that are not part of the FRR configuration.
#[derive(Debug, Clone)]
pub struct Options {
    /// Router ID when the configuration sets none (default: the namespace's highest IPv4
    /// address, as FRR chooses it).
    pub router_id: Option<Ipv4Addr>,
    /// TCP port to accept BGP connections on (179; 0: connect only).
    pub listen_port: u16,
    /// Hostname sent in the FQDN capability.
    pub hostname: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            router_id: None,
            listen_port: 179,
            hostname: "native".into(),
        }
    }
}

/// Commands to a running speaker.
#[derive(Debug, Clone)]
pub enum NativeCommand {
    /// Apply a new merged configuration (neighbors added/removed/changed, route maps swapped
    /// and re-evaluated). A configuration that cannot run is refused and the old one stays.
    Reload(Box<frr_render::Config>),
    /// Cease every session, remove our kernel routes and return.
    Shutdown,
}

/// What the speaker did, for status reporting (one JSON object per line in the agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NativeEvent {
    /// Running: local AS, router ID, neighbors and originated prefixes.
    Started {
        local_as: u32,
        router_id: Ipv4Addr,
        peers: Vec<IpAddr>,
        prefixes: Vec<String>,
    },
    /// A BGP session changed state (RFC 4271 names).
    Session { peer: IpAddr, state: String },
    /// A BGP session is Established.
    Established { peer: IpAddr, peer_as: u32 },
    /// An Established session went down; its routes are gone.
    Down {
        peer: IpAddr,
        reason: String,
        removed_routes: usize,
    },
    /// A BFD session went Up (`up`) or left Up.
    Bfd { peer: IpAddr, up: bool },
    /// A route was installed in (or replaced in) the kernel.
    RouteInstalled {
        prefix: String,
        next_hops: Vec<IpAddr>,
    },
    /// A route was removed from the kernel.
    RouteRemoved { prefix: String },
    /// A new configuration was applied.
    Reloaded {
        added: Vec<IpAddr>,
        removed: Vec<IpAddr>,
        restarted: Vec<IpAddr>,
        policy_changed: Vec<IpAddr>,
    },
    /// Something failed (kernel route, BFD socket, refused reload); the speaker goes on.
    Error { message: String },
    /// Shut down.
    Stopped,
}

/// The body of a speaker thread: builds a current-thread runtime and runs [`run`].
pub type SpeakerMain = Box<dyn FnOnce() -> anyhow::Result<()> + Send>;

/// A speaker running on its own thread with a current-thread runtime, so that its sockets and
/// `ip` commands live in that thread's network namespace.
pub struct NativeHandle {
    commands: mpsc::UnboundedSender<NativeCommand>,
    /// Events, in order.
    pub events: std::sync::mpsc::Receiver<NativeEvent>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl NativeHandle {
    /// Starts the speaker for `config` on a new thread in the current network namespace.
    pub fn spawn(config: frr_render::Config, options: Options) -> NativeHandle {
        Self::spawn_with(config, options, std::thread::spawn)
    }

    /// Starts the speaker on the thread `spawner` creates (e.g. the lab's
    /// `Netns::spawn_thread`, which joins a network namespace first).
    pub fn spawn_with(
        config: frr_render::Config,
        options: Options,
        spawner: impl FnOnce(SpeakerMain) -> std::thread::JoinHandle<anyhow::Result<()>>,
    ) -> NativeHandle {
        let (ctx, crx) = mpsc::unbounded_channel();
        let (etx, erx) = std::sync::mpsc::channel();
        let main: SpeakerMain = Box::new(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let (tx, mut rx) = mpsc::unbounded_channel();
            rt.block_on(async move {
                let fwd = tokio::spawn(async move {
                    while let Some(e) = rx.recv().await {
                        if etx.send(e).is_err() {
                            break;
                        }
                    }
                });
                let r = run(config, options, tx, crx).await;
                let _ = fwd.await;
                r
            })
        });
        NativeHandle {
            commands: ctx,
            events: erx,
            thread: Some(spawner(main)),
        }
    }

    /// Applies a new merged configuration.
    pub fn reload(&self, config: frr_render::Config) {
        let _ = self.commands.send(NativeCommand::Reload(Box::new(config)));
    }

    /// Stops the speaker and waits for it (sessions ceased, kernel routes removed).
    pub fn shutdown(mut self) -> anyhow::Result<()> {
        self.stop()
    }

    fn stop(&mut self) -> anyhow::Result<()> {
        let _ = self.commands.send(NativeCommand::Shutdown);
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| anyhow::anyhow!("native speaker thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for NativeHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests;
