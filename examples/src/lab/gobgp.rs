//! GoBGP 3.10 (`gobgpd` + `gobgp` CLI) inside a lab namespace.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::netns::Netns;
use super::proc::{self, Proc};
use super::wait_for;

/// A gobgpd instance; killed when the lab is dropped (or by [`GoBgp::stop`]).
pub struct GoBgp {
    netns: Netns,
    port: u16,
    proc: Proc,
}

/// A route for [`GoBgp::add_route`]; attributes map to the `gobgp global rib add` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoBgpRoute {
    /// `10.100.0.0/16` or `fd00:10::/48`.
    pub prefix: String,
    /// Next hop; gobgpd uses the session's local address when `None` (eBGP).
    pub nexthop: Option<String>,
    /// `ASN:VALUE` or well-known names (`no-export`, `blackhole`, ...).
    pub communities: Vec<String>,
    /// `GA:LD1:LD2`.
    pub large_communities: Vec<String>,
    /// Prepended AS_PATH (AS_SEQUENCE), leftmost first.
    pub as_path: Vec<u32>,
    /// MULTI_EXIT_DISC.
    pub med: Option<u32>,
    /// LOCAL_PREF (sent on iBGP sessions only).
    pub local_pref: Option<u32>,
    /// `igp`, `egp` or `incomplete` (gobgp default: incomplete).
    pub origin: Option<String>,
}

impl GoBgpRoute {
    /// A route with no attributes besides the defaults.
    pub fn new(prefix: &str) -> GoBgpRoute {
        GoBgpRoute {
            prefix: prefix.to_string(),
            ..Default::default()
        }
    }

    /// Adds a community.
    pub fn community(mut self, c: &str) -> Self {
        self.communities.push(c.to_string());
        self
    }

    /// Sets the next hop.
    pub fn nexthop(mut self, nh: &str) -> Self {
        self.nexthop = Some(nh.to_string());
        self
    }

    /// Sets the AS_PATH.
    pub fn as_path(mut self, path: &[u32]) -> Self {
        self.as_path = path.to_vec();
        self
    }

    /// Sets the MED.
    pub fn med(mut self, med: u32) -> Self {
        self.med = Some(med);
        self
    }

    /// Sets LOCAL_PREF.
    pub fn local_pref(mut self, lp: u32) -> Self {
        self.local_pref = Some(lp);
        self
    }

    /// Sets ORIGIN.
    pub fn origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_string());
        self
    }

    /// Arguments after `gobgp global rib add -a FAMILY PREFIX`.
    fn attr_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        let join = |v: &[String]| v.join(",");
        if let Some(o) = &self.origin {
            a.extend(["origin".into(), o.clone()]);
        }
        if !self.as_path.is_empty() {
            let p: Vec<String> = self.as_path.iter().map(u32::to_string).collect();
            a.extend(["aspath".into(), p.join(",")]);
        }
        if let Some(nh) = &self.nexthop {
            a.extend(["nexthop".into(), nh.clone()]);
        }
        if let Some(m) = self.med {
            a.extend(["med".into(), m.to_string()]);
        }
        if let Some(lp) = self.local_pref {
            a.extend(["local-pref".into(), lp.to_string()]);
        }
        if !self.communities.is_empty() {
            a.extend(["community".into(), join(&self.communities)]);
        }
        if !self.large_communities.is_empty() {
            a.extend(["large-community".into(), join(&self.large_communities)]);
        }
        a
    }
}

fn family(prefix: &str) -> &'static str {
    if prefix.contains(':') { "ipv6" } else { "ipv4" }
}

impl std::fmt::Debug for GoBgp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoBgp")
            .field("netns", &self.netns.name())
            .field("port", &self.port)
            .field("pid", &self.proc.pid())
            .finish()
    }
}

impl GoBgp {
    /// Starts gobgpd in `netns` with `toml` as its configuration, gRPC API on 127.0.0.1:50051
    /// of that namespace (each namespace has its own loopback).
    pub fn start(netns: &Netns, toml: &str) -> GoBgp {
        GoBgp::start_with_port(netns, toml, 50051)
    }

    /// Like [`GoBgp::start`] with another API port (two gobgpd in one namespace).
    pub fn start_with_port(netns: &Netns, toml: &str, port: u16) -> GoBgp {
        let conf = netns.lab_dir().join(format!(
            "gobgpd-{}-{}.toml",
            netns.short_name(),
            netns.lab.next_id()
        ));
        std::fs::write(&conf, toml).expect("write gobgpd.toml");
        let conf_s = conf.display().to_string();
        // gobgpd's own dry run: a readable error instead of a daemon that exits at once
        proc::check(Command::new("gobgpd").args(["-d", "-f", &conf_s]));
        let api = format!("127.0.0.1:{port}");
        // unshare --uts + hostname: gobgpd sends os.Hostname() in its FQDN capability
        let proc = netns.spawn(
            "gobgpd",
            &[
                "unshare",
                "--uts",
                "sh",
                "-c",
                "hostname \"$0\" && exec \"$@\"",
                netns.short_name(),
                "gobgpd",
                "-f",
                &conf_s,
                "-p",
                "--api-hosts",
                &api,
                "--pprof-disable",
            ],
        );
        let g = GoBgp {
            netns: netns.clone(),
            port,
            proc,
        };
        let up = wait_for(Duration::from_secs(10), || {
            g.gobgp_output(&["global"]).status.success().then_some(())
        });
        if up.is_none() {
            panic!(
                "lab: gobgpd in {} did not answer on {api} within 10 s (running: {}):\n{}",
                netns.short_name(),
                g.proc.is_running(),
                g.proc.log_tail(30)
            );
        }
        g
    }

    /// The namespace it runs in.
    pub fn netns(&self) -> &Netns {
        &self.netns
    }

    /// The gobgpd process (pid, log).
    pub fn process(&self) -> &Proc {
        &self.proc
    }

    /// Last `n` lines of gobgpd's log.
    pub fn log_tail(&self, n: usize) -> String {
        self.proc.log_tail(n)
    }

    /// Stops gobgpd now.
    pub fn stop(&self) {
        self.proc.kill()
    }

    fn gobgp_output(&self, args: &[&str]) -> std::process::Output {
        let mut c = self.netns.cmd("gobgp");
        c.args(["-p", &self.port.to_string()]).args(args);
        proc::output(&mut c)
    }

    /// Runs the gobgp CLI against this daemon; panics (with gobgpd's log tail) unless it
    /// succeeds. Returns stdout.
    pub fn gobgp(&self, args: &[&str]) -> String {
        let out = self.gobgp_output(args);
        if !out.status.success() {
            panic!(
                "lab: gobgp {args:?} in {} failed ({}):\n{}{}\n{}",
                self.netns.short_name(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.log_tail(30)
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `gobgp -j args...` and parses the output (`null` for empty output).
    pub fn gobgp_json(&self, args: &[&str]) -> Value {
        let mut a = vec!["-j"];
        a.extend_from_slice(args);
        let text = self.gobgp(&a);
        if text.trim().is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("lab: gobgp {args:?}: bad JSON ({e}):\n{text}"))
    }

    /// `gobgp global rib add -a FAMILY PREFIX ATTRS...` with raw attribute arguments
    /// (`["community", "64512:100", "med", "10"]`).
    pub fn rib_add(&self, prefix: &str, attrs: &[&str]) {
        let mut a = vec!["global", "rib", "add", "-a", family(prefix), prefix];
        a.extend_from_slice(attrs);
        self.gobgp(&a);
    }

    /// Injects a route into the global RIB (advertised to peers per policy).
    pub fn add_route(&self, route: &GoBgpRoute) {
        let attrs = route.attr_args();
        let attrs: Vec<&str> = attrs.iter().map(String::as_str).collect();
        self.rib_add(&route.prefix, &attrs);
    }

    /// Withdraws a route injected with [`GoBgp::add_route`] / [`GoBgp::rib_add`].
    pub fn del_route(&self, prefix: &str) {
        self.gobgp(&["global", "rib", "del", "-a", family(prefix), prefix]);
    }

    /// `gobgp -j global rib -a FAMILY` (`family`: `ipv4`/`ipv6`): prefix -> list of paths.
    pub fn rib_json(&self, family: &str) -> Value {
        self.gobgp_json(&["global", "rib", "-a", family])
    }

    /// Whether `prefix` is in the global RIB (local or learned).
    pub fn has_route(&self, prefix: &str) -> bool {
        self.rib_json(family(prefix))
            .get(prefix)
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty())
    }

    /// Waits until `prefix` is in the global RIB; panics on timeout.
    pub fn wait_route(&self, prefix: &str, timeout: Duration) -> Value {
        wait_for(timeout, || {
            self.rib_json(family(prefix))
                .get(prefix)
                .filter(|p| p.as_array().is_some_and(|a| !a.is_empty()))
                .cloned()
        })
        .unwrap_or_else(|| {
            panic!(
                "lab: gobgp in {}: route {prefix} not in RIB after {timeout:?}:\n{}\n{}",
                self.netns.short_name(),
                self.gobgp(&["global", "rib", "-a", family(prefix)]),
                self.log_tail(30)
            )
        })
    }

    /// `gobgp -j neighbor`: a list of peers (`conf`, `state.session_state`, ...).
    pub fn neighbors_json(&self) -> Value {
        self.gobgp_json(&["neighbor"])
    }

    /// Session state of `peer` as gobgp names it (`idle`, `connect`, `active`, `opensent`,
    /// `openconfirm`, `established`), `None` if not configured.
    pub fn neighbor_state(&self, peer: &str) -> Option<&'static str> {
        let all = self.neighbors_json();
        let p = all.as_array()?.iter().find(|p| {
            p.pointer("/conf/neighbor_address").and_then(Value::as_str) == Some(peer)
                || p.pointer("/state/neighbor_address").and_then(Value::as_str) == Some(peer)
        })?;
        // apipb.PeerState.SessionState
        let st = p
            .pointer("/state/session_state")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        Some(match st {
            1 => "idle",
            2 => "connect",
            3 => "active",
            4 => "opensent",
            5 => "openconfirm",
            6 => "established",
            _ => "unknown",
        })
    }

    /// Waits until the session with `peer` is established; panics with `gobgp neighbor` and
    /// the gobgpd log tail on timeout.
    pub fn wait_established(&self, peer: &str, timeout: Duration) {
        let ok = wait_for(timeout, || {
            (self.neighbor_state(peer) == Some("established")).then_some(())
        });
        if ok.is_none() {
            panic!(
                "lab: gobgp in {}: neighbor {peer} not established after {timeout:?} (state {:?})\n{}\n{}",
                self.netns.short_name(),
                self.neighbor_state(peer),
                self.gobgp(&["neighbor"]),
                self.log_tail(30)
            );
        }
    }
}
