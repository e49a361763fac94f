//! A network namespace of a lab: commands, addresses, links, routes, background processes.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use super::proc::{self, Proc, Tracked};
use super::{LabInner, wait_for};

/// Handle to a namespace created by [`Lab::netns`](super::Lab::netns). Cheap to clone; the
/// namespace lives until the lab is dropped.
#[derive(Clone)]
pub struct Netns {
    pub(crate) lab: Arc<LabInner>,
    name: String,
    short: String,
}

/// One route of the kernel's main table, from `ip -j route show`.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelRoute {
    /// Destination as `ip` prints it, always with a length (`10.0.0.0/24`, `10.0.0.1/32`,
    /// `default`).
    pub dst: String,
    /// `bgp`, `kernel`, `static`, ... (`None` for boot routes without a protocol field).
    pub protocol: Option<String>,
    /// One entry per next hop (several for ECMP), resolved through nexthop objects (`nhid`)
    /// when zebra uses them.
    pub nexthops: Vec<NextHop>,
    /// Route type when not unicast (`blackhole`, `unreachable`, ...).
    pub kind: Option<String>,
    /// The raw JSON object.
    pub raw: Value,
}

/// A next hop of a [`KernelRoute`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextHop {
    /// Gateway address, `None` for directly connected routes.
    pub gateway: Option<String>,
    /// Outgoing interface.
    pub dev: Option<String>,
}

impl KernelRoute {
    /// Gateways of all next hops, sorted (handy for ECMP assertions).
    pub fn gateways(&self) -> Vec<String> {
        let mut g: Vec<String> = self
            .nexthops
            .iter()
            .filter_map(|n| n.gateway.clone())
            .collect();
        g.sort();
        g
    }
}

impl std::fmt::Debug for Netns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Netns").field("name", &self.name).finish()
    }
}

impl Netns {
    pub(crate) fn new(lab: Arc<LabInner>, name: String, short: String) -> Netns {
        Netns { lab, name, short }
    }

    /// The real namespace name (`lab-<pid>-<n>-<test>-<short>`), for `ip netns exec`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The short name given to [`Lab::netns`](super::Lab::netns).
    pub fn short_name(&self) -> &str {
        &self.short
    }

    /// The lab's state directory.
    pub fn lab_dir(&self) -> PathBuf {
        self.lab.dir().to_path_buf()
    }

    /// A `Command` running `program` inside the namespace (`ip netns exec NAME program`);
    /// add arguments, environment, stdio as needed.
    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    fn cmd_args(&self, args: &[&str]) -> Command {
        assert!(!args.is_empty(), "lab: empty command");
        let mut c = self.cmd(args[0]);
        c.args(&args[1..]);
        c
    }

    /// Runs a command inside the namespace and returns its output, whatever the exit status.
    pub fn run(&self, args: &[&str]) -> Output {
        proc::output(&mut self.cmd_args(args))
    }

    /// Runs a command inside the namespace; panics (with stderr) unless it exits 0. Returns stdout.
    pub fn exec(&self, args: &[&str]) -> String {
        proc::check(&mut self.cmd_args(args))
    }

    /// `ip -n NAME args...`, checked; returns stdout.
    pub fn ip(&self, args: &[&str]) -> String {
        proc::check(Command::new("ip").args(["-n", &self.name]).args(args))
    }

    /// `ip -n NAME -j args...`, parsed (`[]` for empty output).
    pub fn ip_json(&self, args: &[&str]) -> Value {
        let out = proc::check(Command::new("ip").args(["-n", &self.name, "-j"]).args(args));
        if out.trim().is_empty() {
            return Value::Array(vec![]);
        }
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!("lab: ip -j {args:?} in {}: bad JSON: {e}\n{out}", self.name)
        })
    }

    /// Adds an address (`192.168.111.1/24`, `fd00:111::1/64`); IPv6 addresses are added with
    /// `nodad` so they are usable at once (no ~2 s "tentative" phase).
    pub fn addr_add(&self, dev: &str, cidr: &str) {
        let mut args = vec!["addr", "add", cidr, "dev", dev];
        if cidr.contains(':') {
            args.push("nodad");
        }
        self.ip(&args);
    }

    /// Removes an address.
    pub fn addr_del(&self, dev: &str, cidr: &str) {
        self.ip(&["addr", "del", cidr, "dev", dev]);
    }

    /// Creates a bridge (up) inside the namespace.
    pub fn bridge(&self, name: &str) {
        self.ip(&["link", "add", name, "type", "bridge"]);
        self.ip(&["link", "set", name, "up"]);
    }

    /// Enslaves `dev` to `bridge`.
    pub fn attach(&self, dev: &str, bridge: &str) {
        self.ip(&["link", "set", dev, "master", bridge, "up"]);
    }

    /// Sets a link up.
    pub fn link_up(&self, dev: &str) {
        self.ip(&["link", "set", dev, "up"]);
    }

    /// Sets a link down (failure tests: the peer's carrier drops too for a veth).
    pub fn link_down(&self, dev: &str) {
        self.ip(&["link", "set", dev, "down"]);
    }

    /// `ip route add SPEC`, e.g. `"default via 172.26.0.1"` or `"10.0.0.0/8 dev eth0"`;
    /// IPv6 is detected from the addresses in `spec`.
    pub fn route_add(&self, spec: &str) {
        self.route("add", spec)
    }

    /// `ip route del SPEC`.
    pub fn route_del(&self, spec: &str) {
        self.route("del", spec)
    }

    fn route(&self, op: &str, spec: &str) {
        let words: Vec<&str> = spec.split_whitespace().collect();
        let mut args = vec![];
        if words.iter().any(|w| w.contains(':')) {
            args.push("-6");
        }
        args.extend(["route", op]);
        args.extend(words);
        self.ip(&args);
    }

    /// Sets a sysctl inside the namespace (`net.*` keys are per namespace).
    pub fn sysctl(&self, key: &str, value: &str) {
        self.exec(&["sysctl", "-qw", &format!("{key}={value}")]);
    }

    /// Enables IPv4 and IPv6 forwarding (a router namespace).
    pub fn enable_forwarding(&self) {
        self.sysctl("net.ipv4.ip_forward", "1");
        self.sysctl("net.ipv6.conf.all.forwarding", "1");
    }

    /// One ping (`ping -c1 -W1`), true if answered.
    pub fn ping(&self, addr: &str) -> bool {
        self.run(&["ping", "-n", "-q", "-c1", "-W1", addr])
            .status
            .success()
    }

    /// Pings until answered or `timeout`; returns whether it was answered.
    pub fn wait_ping(&self, addr: &str, timeout: Duration) -> bool {
        wait_for(timeout, || self.ping(addr).then_some(())).is_some()
    }

    /// Starts a background process inside the namespace (stdout+stderr to a log file in the lab
    /// directory); it is killed when the lab is dropped. `name` labels the log file. Processes
    /// it forks off are killed too (teardown kills whatever is left in the lab's namespaces).
    pub fn spawn(&self, name: &str, args: &[&str]) -> Proc {
        let log = self
            .lab
            .dir()
            .join(format!("{}-{name}-{}.log", self.short, self.lab.next_id()));
        let file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("lab: cannot create {}: {e}", log.display()));
        let mut cmd = self.cmd_args(args);
        cmd.stdin(Stdio::null())
            .stdout(file.try_clone().expect("dup log fd"))
            .stderr(file);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("lab: cannot start `{}`: {e}", proc::cmdline(&cmd)));
        let pid = child.id() as i32;
        self.lab.track(Tracked::child(name, child));
        Proc {
            lab: self.lab.clone(),
            pid,
            log,
        }
    }

    /// Runs `f` on a new thread whose network namespace is this one (`setns`): sockets it (and
    /// threads it spawns, e.g. a tokio runtime built inside) opens live in the namespace.
    pub fn spawn_thread<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            enter_netns(&path);
            f()
        })
    }

    /// Runs `f` on a thread inside the namespace and waits for it (re-raising its panic).
    pub fn run_in<F, T>(&self, f: F) -> T
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        match self.spawn_thread(f).join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        }
    }

    /// Whether a TCP connection to `addr` succeeds from inside the namespace within `timeout`.
    pub fn tcp_connect(&self, addr: SocketAddr, timeout: Duration) -> bool {
        self.run_in(move || TcpStream::connect_timeout(&addr, timeout).is_ok())
    }

    /// A minimal HTTP/1.0 `GET path` to `addr` from inside the namespace; returns the whole
    /// response (status line, headers, body) or `None` on any failure or after `timeout`.
    pub fn http_get(&self, addr: SocketAddr, path: &str, timeout: Duration) -> Option<String> {
        let req = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
        self.run_in(move || {
            let mut s = TcpStream::connect_timeout(&addr, timeout).ok()?;
            s.set_read_timeout(Some(timeout)).ok()?;
            s.set_write_timeout(Some(timeout)).ok()?;
            s.write_all(req.as_bytes()).ok()?;
            let mut buf = Vec::new();
            s.take(1 << 20).read_to_end(&mut buf).ok()?;
            Some(String::from_utf8_lossy(&buf).into_owned())
        })
    }

    /// IPv4 and IPv6 routes of the main table.
    pub fn kernel_routes(&self) -> Vec<KernelRoute> {
        let mut routes = Vec::new();
        for fam in ["-4", "-6"] {
            if let Value::Array(items) = self.ip_json(&[fam, "route", "show"]) {
                for raw in items {
                    routes.push(self.parse_route(raw, fam == "-6"));
                }
            }
        }
        routes
    }

    /// The main-table route for exactly `prefix` (`10.0.0.0/24`, `fd00::/64`, `default`).
    pub fn kernel_route(&self, prefix: &str) -> Option<KernelRoute> {
        self.kernel_routes().into_iter().find(|r| r.dst == prefix)
    }

    /// Waits until the kernel has a route for `prefix`; panics with the table on timeout.
    pub fn wait_kernel_route(&self, prefix: &str, timeout: Duration) -> KernelRoute {
        wait_for(timeout, || self.kernel_route(prefix)).unwrap_or_else(|| {
            panic!(
                "lab: no kernel route {prefix} in {} after {timeout:?}; table:\n{}",
                self.short,
                self.route_table_text()
            )
        })
    }

    /// Waits until `cond` holds for the kernel route of `prefix` (e.g. three ECMP next hops).
    pub fn wait_kernel_route_where(
        &self,
        prefix: &str,
        timeout: Duration,
        mut cond: impl FnMut(&KernelRoute) -> bool,
    ) -> KernelRoute {
        wait_for(timeout, || self.kernel_route(prefix).filter(|r| cond(r))).unwrap_or_else(|| {
            panic!(
                "lab: kernel route {prefix} in {} did not reach the expected state after \
                 {timeout:?}; now {:?}; table:\n{}",
                self.short,
                self.kernel_route(prefix),
                self.route_table_text()
            )
        })
    }

    /// Waits until the kernel has no route for `prefix`; panics on timeout.
    pub fn wait_no_kernel_route(&self, prefix: &str, timeout: Duration) {
        if wait_for(timeout, || {
            self.kernel_route(prefix).is_none().then_some(())
        })
        .is_none()
        {
            panic!(
                "lab: kernel route {prefix} still in {} after {timeout:?}; table:\n{}",
                self.short,
                self.route_table_text()
            );
        }
    }

    /// `ip route` and `ip -6 route` as text (for messages).
    pub fn route_table_text(&self) -> String {
        let v4 = self.run(&["ip", "-4", "route", "show"]);
        let v6 = self.run(&["ip", "-6", "route", "show"]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&v4.stdout),
            String::from_utf8_lossy(&v6.stdout)
        )
    }

    fn parse_route(&self, raw: Value, v6: bool) -> KernelRoute {
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let mut dst = s(&raw, "dst").unwrap_or_default();
        if dst != "default" && !dst.contains('/') {
            dst.push_str(if v6 { "/128" } else { "/32" });
        }
        let mut nexthops: Vec<NextHop> = match raw.get("nexthops").and_then(Value::as_array) {
            Some(list) => list
                .iter()
                .map(|n| NextHop {
                    gateway: s(n, "gateway"),
                    dev: s(n, "dev"),
                })
                .collect(),
            None if raw.get("gateway").is_some() || raw.get("dev").is_some() => vec![NextHop {
                gateway: s(&raw, "gateway"),
                dev: s(&raw, "dev"),
            }],
            None => vec![],
        };
        if nexthops.is_empty()
            && let Some(id) = raw.get("nhid").and_then(Value::as_u64)
        {
            nexthops = self.resolve_nhid(id, 0);
        }
        KernelRoute {
            dst,
            protocol: s(&raw, "protocol"),
            nexthops,
            kind: s(&raw, "type"),
            raw,
        }
    }

    /// Next hops of a nexthop object (`ip nexthop show id N`), following groups.
    fn resolve_nhid(&self, id: u64, depth: u32) -> Vec<NextHop> {
        if depth > 4 {
            return vec![];
        }
        let out = self.run(&["ip", "-j", "nexthop", "show", "id", &id.to_string()]);
        let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) else {
            return vec![];
        };
        let obj = match &v {
            Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
            o => o.clone(),
        };
        if let Some(group) = obj.get("group").and_then(Value::as_array) {
            return group
                .iter()
                .filter_map(|g| g.get("id").and_then(Value::as_u64))
                .flat_map(|gid| self.resolve_nhid(gid, depth + 1))
                .collect();
        }
        let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        vec![NextHop {
            gateway: s("gateway"),
            dev: s("dev"),
        }]
    }
}

fn enter_netns(path: &str) {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("lab: cannot open {path}: {e}"));
    // SAFETY: setns only changes this thread's network namespace; the fd is valid while `f` lives.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc != 0 {
        panic!("lab: setns({path}): {}", std::io::Error::last_os_error());
    }
}
