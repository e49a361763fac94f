//! Interop-test harness: network namespaces, veth links, FRR 8.4, GoBGP 3.10 and tshark,
//! all owned by one [`Lab`] value that tears everything down on drop.
//!
//! Interop tests (in `examples/tests/*.rs`) run real daemons, so they need root and the
//! binaries. [`Lab::new`] checks both: when something is missing it prints
//! `SKIP <test>: <reason>` and returns `None` (the test returns early and passes), unless
//! the environment has `REQUIRE_INTEROP=1`, in which case it panics with the reason.
//!
//! Every name a lab creates is unique (`lab-<pid>-<n>-<tag>-<name>` for namespaces, random
//! temporary names for veth ends in the root namespace), so tests run in parallel, also
//! from several test binaries at once. Interface names *inside* a namespace (`eth0`,
//! `br0`) are private to it and may repeat across labs. State (configs, sockets, pid files,
//! daemon logs, captures) lives in a temporary directory ([`Lab::dir`]), never in the
//! source tree.
//!
//! Dropping the [`Lab`] (also while a test unwinds from a panic) kills every process it
//! started (by PID, after checking the PID still runs the same executable), then anything
//! else still inside its namespaces, deletes the namespaces and removes the directory.
//! `LAB_KEEP=1` keeps the directory (logs, configs, pcaps) and prints its path. Namespaces of
//! labs whose test process died without unwinding (SIGKILL) are removed by the next
//! [`Lab::new`] ([`sweep_stale`]).
//!
//! All methods panic with context (command line, stderr, daemon log tail) on failure: they
//! are made for tests, where a panic is the failure report.
//!
//! # Writing an interop test
//!
//! ```no_run
//! use std::time::Duration;
//! use examples::lab::{FrrDaemon, FrrRouter, GoBgp, GoBgpRoute, Lab, Need};
//!
//! #[test]
//! fn fabric_imports_node_route() {
//!     // Skips (prints SKIP) without root/FRR/GoBGP; fails instead with REQUIRE_INTEROP=1.
//!     let Some(lab) = Lab::new("fabric_import", &[Need::Frr, Need::GoBgp]) else { return };
//!     let fabric = lab.netns("fabric");
//!     let node = lab.netns("node1");
//!     fabric.bridge("br0");
//!     lab.link_to_bridge(&fabric, "br0", &node, "eth0");
//!     fabric.addr_add("br0", "192.168.111.1/24");
//!     node.addr_add("eth0", "192.168.111.11/24");
//!
//!     let frr = FrrRouter::start(&fabric, FrrDaemon::ALL, "\
//! frr defaults traditional
//! router bgp 64500
//!  no bgp ebgp-requires-policy
//!  neighbor 192.168.111.11 remote-as 64512
//!  neighbor 192.168.111.11 timers connect 1
//! exit
//! ");
//!     let gobgp = GoBgp::start(&node, "[global.config]\n  as = 64512\n  router-id = ...");
//!     gobgp.add_route(&GoBgpRoute::new("10.100.1.0/24").community("64512:100"));
//!     frr.wait_bgp_established("192.168.111.11", Duration::from_secs(20));
//!     let route = frr.wait_bgp_route("10.100.1.0/24", Duration::from_secs(10));
//!     assert_eq!(route["paths"][0]["community"]["string"], "64512:100");
//!     let kr = fabric.wait_kernel_route("10.100.1.0/24", Duration::from_secs(5));
//!     assert_eq!(kr.gateways(), ["192.168.111.11"]);
//! } // lab dropped here: daemons killed, namespaces deleted, temp dir removed
//! ```
//!
//! # Running the suite's own code in a namespace
//!
//! - A binary of this crate: `ns.spawn("agent", &[env!("CARGO_BIN_EXE_<name>"), ...])`
//!   (killed with the lab; output in [`Proc::log_path`]).
//! - In-process (a BGP/BFD speaker under test): [`Netns::spawn_thread`] runs a closure on a
//!   thread that has entered the namespace (`setns`); sockets it opens, and threads it starts
//!   (e.g. a tokio runtime built inside the closure), live in that namespace.
//! - Traffic checks: [`Netns::ping`], [`Netns::tcp_connect`], [`Netns::http_get`]; an HTTP
//!   target: `server.spawn("http", &["python3", "-m", "http.server", "--bind", "172.26.0.3", "8080"])`.
//! - Failures: [`Netns::link_down`] (the veth peer loses carrier too), [`FrrRouter::stop_daemon`],
//!   [`GoBgp::stop`], [`Proc::kill`].
//! - Wire captures: [`Capture::start`] (tshark, pcap in [`Lab::dir`]).
//!
//! # FRR notes (8.4)
//!
//! - Each [`FrrRouter`] runs its daemons with a private run directory (vty sockets,
//!   `zserv.api`, `bfdd.sock`, pid files, logs) inside its namespace, under
//!   `unshare --uts` so that vtysh and the BGP hostname capability show the namespace's
//!   short name.
//! - bgpd holds back new peers (and re-evaluation) for ~4-5 s after route-map configuration
//!   (the route-map delay timer). Put `bgp route-map delay-timer 0` at top level of a config
//!   when a test needs sessions up and policy changes applied at once.
//! - `bgp ebgp-requires-policy` (RFC 8212) is on by default in FRR 8.4, also with
//!   `frr defaults traditional`: an eBGP neighbor without route-maps in and out sends and
//!   accepts nothing (`(Policy)` in `show bgp summary`). Add `no bgp ebgp-requires-policy`
//!   under `router bgp` or configure route-maps.
//! - `neighbor X timers connect 1` (or `2`) shortens the wait for a session to establish after
//!   the peer comes up (default connect retry is 120 s in traditional defaults).
//! - A BFD-enabled session flaps once right after first coming up (bgpd re-keys the BFD
//!   session with the local address); wait for BFD up *and* the session stable
//!   ([`FrrRouter::wait_bgp_up_for`]).
//! - [`FrrRouter::configure`] adds configuration (`vtysh -f`), [`FrrRouter::reload`] replaces
//!   it (`frr-reload.py --reload`, what frr-k8s does); [`FrrRouter::try_reload`] returns the
//!   failure of an invalid config instead of panicking.
//! - A `log file PATH` line in a config replaces the harness's per-daemon log file (log
//!   tails in panic messages then stop); frr-k8s's `log stdout ...` lines are harmless.
//! - `network P` needs P in the RIB (connected, or e.g. `ip route P blackhole` with staticd)
//!   unless `no bgp network import-check`.
//!
//! # GoBGP notes (3.10)
//!
//! - [`GoBgp::add_route`] maps to `gobgp global rib add -a ipv4|ipv6 PREFIX [origin ..]
//!   [aspath A,B] [nexthop ..] [med N] [local-pref N] [community C1,C2] [large-community ..]`
//!   (the CLI also knows `identifier`, `aigp metric`, `aggregator`: use [`GoBgp::rib_add`]).
//!   On eBGP the next hop sent is the session's local address unless set.
//! - gobgpd (non route-server) applies import policy to locally injected routes too, so a
//!   `default-import-policy = "reject-route"` also drops what `add_route` injects.
//! - `[neighbors.timers.config] connect-retry = 1` makes it retry quickly; the FRR side
//!   should have `timers connect 1` too.

mod capture;
mod frr;
mod gobgp;
mod netns;
mod proc;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub use capture::Capture;
pub use frr::{FrrDaemon, FrrRouter};
pub use gobgp::{GoBgp, GoBgpRoute};
pub use netns::{KernelRoute, Netns, NextHop};
pub use proc::{Proc, log_tail};

use proc::Tracked;

/// What a test needs besides root and `ip`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// zebra, bgpd, bfdd, staticd and vtysh.
    Frr,
    /// `/usr/lib/frr/frr-reload.py` and `/usr/bin/python3` (for [`FrrRouter::reload`]).
    FrrReload,
    /// gobgpd and gobgp.
    GoBgp,
    /// tshark (for [`Capture`]).
    Tshark,
    /// ping (for [`Netns::ping`]).
    Ping,
    /// python3 (e.g. `python3 -m http.server` as a traffic target).
    Python3,
    /// Any other executable, by name (looked up in `PATH`) or absolute path.
    Bin(&'static str),
}

impl Need {
    fn binaries(self) -> Vec<&'static str> {
        match self {
            Need::Frr => vec![
                "/usr/lib/frr/zebra",
                "/usr/lib/frr/bgpd",
                "/usr/lib/frr/bfdd",
                "/usr/lib/frr/staticd",
                "vtysh",
                "unshare",
            ],
            Need::FrrReload => vec!["/usr/lib/frr/frr-reload.py", "/usr/bin/python3", "vtysh"],
            Need::GoBgp => vec!["gobgpd", "gobgp", "unshare"],
            Need::Tshark => vec!["tshark"],
            Need::Ping => vec!["ping"],
            Need::Python3 => vec!["python3"],
            Need::Bin(b) => vec![b],
        }
    }
}

/// Why an interop test cannot run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Human-readable reason ("not root", "missing /usr/lib/frr/bgpd").
    pub reason: String,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Checks that `test` can run: root, `ip`, network namespaces work, and every binary of
/// `needs` exists. On failure prints `SKIP <test>: <reason>` and returns the reason, or panics
/// when `REQUIRE_INTEROP=1` (CI with the dependencies installed must not silently skip).
pub fn require_interop(test: &str, needs: &[Need]) -> Result<(), Skip> {
    match check_requirements(needs) {
        Ok(()) => Ok(()),
        Err(reason) => Err(skip(test, &reason)),
    }
}

/// Reports a skipped test: prints `SKIP <test>: <reason>`, or panics if `REQUIRE_INTEROP=1`.
pub fn skip(test: &str, reason: &str) -> Skip {
    if std::env::var("REQUIRE_INTEROP").is_ok_and(|v| v == "1") {
        panic!("{test}: interop test cannot run and REQUIRE_INTEROP=1: {reason}");
    }
    println!("SKIP {test}: {reason}");
    let _ = std::io::stdout().flush();
    Skip {
        reason: reason.to_string(),
    }
}

fn check_requirements(needs: &[Need]) -> Result<(), String> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not root (network namespaces and FRR need root)".into());
    }
    for bin in std::iter::once("ip").chain(needs.iter().flat_map(|n| n.binaries())) {
        if find_binary(bin).is_none() {
            return Err(format!("missing {bin}"));
        }
    }
    static NETNS_OK: OnceLock<Result<(), String>> = OnceLock::new();
    NETNS_OK.get_or_init(probe_netns).clone()
}

/// Creating a namespace is what fails in unprivileged containers even as uid 0.
fn probe_netns() -> Result<(), String> {
    let name = format!("lab-{}-probe", std::process::id());
    let out = Command::new("ip").args(["netns", "add", &name]).output();
    match out {
        Ok(o) if o.status.success() => {
            let _ = Command::new("ip").args(["netns", "del", &name]).output();
            Ok(())
        }
        Ok(o) => Err(format!(
            "cannot create network namespaces: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run ip: {e}")),
    }
}

/// Finds an executable by absolute path or in `PATH`.
pub fn find_binary(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let is_exec = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if name.contains('/') {
        let p = PathBuf::from(name);
        return is_exec(&p).then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/sbin:/usr/bin:/sbin:/bin".into());
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(name))
        .find(|p| is_exec(p))
}

/// Polls `cond` every 100 ms until it returns true or `timeout` passes; returns whether it did.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    wait_for(timeout, || cond().then_some(())).is_some()
}

/// Polls `f` every 100 ms until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One interop-test environment: owns its namespaces, processes and state directory.
///
/// Dropping it tears everything down (see the module docs). Handles ([`Netns`],
/// [`FrrRouter`], ...) share its state and stay usable as long as the `Lab` lives.
pub struct Lab {
    inner: Arc<LabInner>,
}

pub(crate) struct LabInner {
    /// `lab-<pid>-<n>-<tag>`: prefix of every namespace of this lab.
    prefix: String,
    test: String,
    dir: PathBuf,
    state: Mutex<LabState>,
    counter: AtomicU32,
}

#[derive(Default)]
struct LabState {
    namespaces: Vec<String>,
    /// Temporary veth names in the root namespace, deleted at teardown if still present.
    root_links: Vec<String>,
    procs: Vec<Tracked>,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("test", &self.inner.test)
            .field("dir", &self.inner.dir)
            .finish()
    }
}

static LAB_COUNTER: AtomicU32 = AtomicU32::new(0);

impl Lab {
    /// Checks the requirements (see [`require_interop`]) and creates an empty lab for
    /// `test`; `None` means "skip" (already reported).
    pub fn new(test: &str, needs: &[Need]) -> Option<Lab> {
        require_interop(test, needs).ok()?;
        static SWEPT: OnceLock<()> = OnceLock::new();
        SWEPT.get_or_init(sweep_stale);
        let n = LAB_COUNTER.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        let tag: String = test
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(20)
            .collect();
        let prefix = format!("lab-{pid}-{n}-{tag}");
        let dir = std::env::temp_dir().join(&prefix);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("lab: cannot create {}: {e}", dir.display()));
        // FRR daemons run as user frr and must reach their run directories below.
        set_mode(&dir, 0o755);
        Some(Lab {
            inner: Arc::new(LabInner {
                prefix,
                test: test.to_string(),
                dir,
                state: Mutex::new(LabState::default()),
                counter: AtomicU32::new(0),
            }),
        })
    }

    /// Temporary directory holding this lab's configs, sockets, logs and captures.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The test name given to [`Lab::new`].
    pub fn test_name(&self) -> &str {
        &self.inner.test
    }

    /// Creates a network namespace with `lo` up and IPv6 DAD off. `name` is the short, lab-local name (also
    /// the hostname FRR/GoBGP report); the real name is [`Netns::name`].
    pub fn netns(&self, name: &str) -> Netns {
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "lab: namespace name {name:?} must be [A-Za-z0-9_-]+"
        );
        let full = format!("{}-{name}", self.inner.prefix);
        self.inner.state().namespaces.push(full.clone());
        proc::check(Command::new("ip").args(["netns", "add", &full]));
        let ns = Netns::new(self.inner.clone(), full, name.to_string());
        ns.ip(&["link", "set", "lo", "up"]);
        // No IPv6 duplicate address detection on links created later: link-local and global
        // addresses are usable at once (bgpd otherwise resets IPv6 sessions for a second or two
        // with "does not have a v6 LL address").
        ns.exec(&[
            "sysctl",
            "-qw",
            "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0",
        ]);
        ns
    }

    /// Creates a veth pair `a:a_dev <-> b:b_dev`, both ends up. The pair is created with unique
    /// temporary names in the root namespace, then moved and renamed, so `a_dev`/`b_dev`
    /// (at most 15 characters) may repeat across labs.
    pub fn link(&self, a: &Netns, a_dev: &str, b: &Netns, b_dev: &str) {
        for d in [a_dev, b_dev] {
            assert!(
                !d.is_empty() && d.len() <= 15,
                "lab: interface name {d:?} must be 1..=15 characters"
            );
        }
        let (ta, tb) = self.inner.temp_link_names();
        {
            let mut st = self.inner.state();
            st.root_links.push(ta.clone());
            st.root_links.push(tb.clone());
        }
        proc::check(
            Command::new("ip").args(["link", "add", &ta, "type", "veth", "peer", "name", &tb]),
        );
        for (tmp, ns, dev) in [(&ta, a, a_dev), (&tb, b, b_dev)] {
            proc::check(Command::new("ip").args(["link", "set", tmp, "netns", ns.name()]));
            ns.ip(&["link", "set", tmp, "name", dev]);
            ns.ip(&["link", "set", dev, "up"]);
        }
        let mut st = self.inner.state();
        st.root_links.retain(|l| *l != ta && *l != tb);
    }

    /// Connects `ns` to a bridge in `switch` (created with [`Netns::bridge`]): a veth pair
    /// `switch:<port> <-> ns:dev` with the switch end enslaved to `bridge`. Returns the switch-side
    /// port name (`p<n>-<short name>`, cut to 15 characters), e.g. for [`Netns::link_down`].
    pub fn link_to_bridge(&self, switch: &Netns, bridge: &str, ns: &Netns, dev: &str) -> String {
        let mut port = format!("p{}-{}", self.inner.next_id(), ns.short_name());
        port.truncate(15);
        self.link(switch, &port, ns, dev);
        switch.attach(&port, bridge);
        port
    }

    /// Tears everything down now (what `Drop` does).
    pub fn teardown(self) {
        drop(self)
    }
}

impl LabInner {
    fn state(&self) -> MutexGuard<'_, LabState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn next_id(&self) -> u32 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn track(&self, t: Tracked) {
        self.state().procs.push(t);
    }

    /// Kills the tracked process with this pid (if any) and stops tracking it.
    pub(crate) fn untrack_kill(&self, pid: i32) {
        let t = {
            let mut st = self.state();
            st.procs
                .iter()
                .position(|t| t.pid == pid)
                .map(|i| st.procs.remove(i))
        };
        if let Some(t) = t {
            proc::terminate(vec![t], Duration::from_secs(3));
        }
    }

    pub(crate) fn is_running(&self, pid: i32) -> bool {
        let mut st = self.state();
        match st.procs.iter_mut().find(|t| t.pid == pid) {
            Some(t) => t.alive(),
            None => false,
        }
    }

    /// Unique names for the two ends of a veth pair while in the root namespace:
    /// `lv<pid base36><counter base36>a|b`, at most 15 characters.
    fn temp_link_names(&self) -> (String, String) {
        static LINKS: AtomicU32 = AtomicU32::new(0);
        let base = format!(
            "lv{}x{}",
            base36(std::process::id()),
            base36(LINKS.fetch_add(1, Ordering::Relaxed) % 1_000_000)
        );
        (format!("{base}a"), format!("{base}b"))
    }
}

fn base36(mut n: u32) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

impl Drop for Lab {
    fn drop(&mut self) {
        let inner = &self.inner;
        let (procs, namespaces, links) = {
            let mut st = inner.state();
            (
                std::mem::take(&mut st.procs),
                std::mem::take(&mut st.namespaces),
                std::mem::take(&mut st.root_links),
            )
        };
        // Reverse start order: dependents (bgpd, gobgpd, tshark) before zebra.
        proc::terminate(procs.into_iter().rev().collect(), Duration::from_secs(3));
        for ns in namespaces.iter().rev() {
            remove_netns(ns);
        }
        for l in links {
            let _ = Command::new("ip").args(["link", "del", &l]).output();
        }
        let keep = std::env::var("LAB_KEEP").is_ok_and(|v| v == "1");
        if keep {
            eprintln!(
                "lab {}: LAB_KEEP=1, state kept in {}",
                inner.test,
                inner.dir.display()
            );
        } else if std::thread::panicking() {
            eprintln!(
                "lab {}: removing {} (set LAB_KEEP=1 to keep configs and logs)",
                inner.test,
                inner.dir.display()
            );
        }
        if !keep {
            let _ = std::fs::remove_dir_all(&inner.dir);
        }
    }
}

/// Kills whatever still runs inside `ns` (processes of this lab the tracking missed, e.g.
/// children of a background shell) and deletes it.
fn remove_netns(ns: &str) {
    for _ in 0..20 {
        let pids = netns_pids(ns);
        if pids.is_empty() {
            break;
        }
        for pid in pids {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("ip").args(["netns", "del", ns]).output();
}

fn netns_pids(ns: &str) -> Vec<i32> {
    Command::new("ip")
        .args(["netns", "pids", ns])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                // a zombie still listed is gone for our purposes
                .filter(|p| !proc::is_zombie(*p))
                .collect()
        })
        .unwrap_or_default()
}

/// Removes namespaces left by labs whose test process no longer exists (killed without
/// unwinding): kills the processes inside them and deletes them. Called once per process by
/// [`Lab::new`].
pub fn sweep_stale() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let Some(rest) = name.strip_prefix("lab-") else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            eprintln!("lab: removing stale namespace {name} (owner pid {pid} is gone)");
            remove_netns(name);
        }
    }
}
