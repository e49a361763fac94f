//! FRR 8.4 daemons inside a lab namespace, with private run/config directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::netns::Netns;
use super::proc::{self, Tracked, log_tail};
use super::wait_for;

/// An FRR daemon [`FrrRouter::start`] can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FrrDaemon {
    /// Routing manager: kernel routes and interfaces. Always started first; the others
    /// connect to its `zserv.api` socket.
    Zebra,
    /// Static routes (`ip route ... blackhole`).
    Staticd,
    /// BGP.
    Bgpd,
    /// BFD.
    Bfdd,
}

impl FrrDaemon {
    /// zebra, staticd, bgpd and bfdd: what frr-k8s runs.
    pub const ALL: &'static [FrrDaemon] = &[
        FrrDaemon::Zebra,
        FrrDaemon::Staticd,
        FrrDaemon::Bgpd,
        FrrDaemon::Bfdd,
    ];

    /// The executable and vty socket name (`bgpd`).
    pub fn name(self) -> &'static str {
        match self {
            FrrDaemon::Zebra => "zebra",
            FrrDaemon::Staticd => "staticd",
            FrrDaemon::Bgpd => "bgpd",
            FrrDaemon::Bfdd => "bfdd",
        }
    }
}

/// An FRR instance in a namespace. Its daemons are killed when the lab is dropped (or by
/// [`FrrRouter::stop`]).
pub struct FrrRouter {
    netns: Netns,
    /// Run directory (frr-owned): vty sockets, zserv.api, bfdd.sock, pid files, logs.
    dir: PathBuf,
    /// Config directory for vtysh / frr-reload.py: frr.conf, vtysh.conf, pushed snippets.
    conf: PathBuf,
    daemons: Vec<(FrrDaemon, i32)>,
}

impl std::fmt::Debug for FrrRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrrRouter")
            .field("netns", &self.netns.name())
            .field("dir", &self.dir)
            .field("daemons", &self.daemons)
            .finish()
    }
}

impl FrrRouter {
    /// Starts `daemons` (zebra is added if missing) in `netns` and applies `config` (a complete
    /// frr.conf) with `vtysh -b`. Panics with the daemons' log tails if anything fails.
    pub fn start(netns: &Netns, daemons: &[FrrDaemon], config: &str) -> FrrRouter {
        FrrRouter::start_with_args(netns, daemons, config, &[])
    }

    /// Like [`FrrRouter::start`], with extra command-line arguments for some daemons, e.g.
    /// `&[(FrrDaemon::Bgpd, &["-p", "1790"])]` (BGP port) or `&[(FrrDaemon::Bgpd, &["-l",
    /// "192.168.111.1"])]` (listen address) when another speaker shares the namespace.
    pub fn start_with_args(
        netns: &Netns,
        daemons: &[FrrDaemon],
        config: &str,
        extra_args: &[(FrrDaemon, &[&str])],
    ) -> FrrRouter {
        let mut want: Vec<FrrDaemon> = daemons.to_vec();
        want.push(FrrDaemon::Zebra);
        want.sort();
        want.dedup();

        let dir = netns.lab_dir().join(format!(
            "frr-{}-{}",
            netns.short_name(),
            netns.lab.next_id()
        ));
        // The daemons drop privileges to user frr: it must own the run directory.
        proc::check(
            Command::new("install")
                .args(["-d", "-o", "frr", "-g", "frr", "-m", "0755"])
                .arg(&dir),
        );
        let conf = dir.join("conf");
        std::fs::create_dir_all(&conf).expect("create conf dir");
        std::fs::write(conf.join("vtysh.conf"), "").expect("write vtysh.conf");
        std::fs::write(conf.join("frr.conf"), config).expect("write frr.conf");

        let mut router = FrrRouter {
            netns: netns.clone(),
            dir,
            conf,
            daemons: Vec::new(),
        };
        for d in want {
            let extra: Vec<&str> = extra_args
                .iter()
                .filter(|(x, _)| *x == d)
                .flat_map(|(_, a)| a.iter().copied())
                .collect();
            router.start_daemon(d, &extra);
        }
        let out = router.vtysh_cmd().arg("-b").output().expect("run vtysh -b");
        std::fs::write(router.dir.join("vtysh-boot.log"), combined(&out)).ok();
        if !out.status.success() {
            panic!(
                "lab: FRR {}: `vtysh -b` rejected the config ({}):\n{}\n{}",
                netns.short_name(),
                out.status,
                combined(&out),
                router.logs_tail(30)
            );
        }
        router
    }

    fn start_daemon(&mut self, d: FrrDaemon, extra: &[&str]) {
        let name = d.name();
        let r = self.dir.display().to_string();
        let pidfile = self.dir.join(format!("{name}.pid"));
        let mut cmd = self.netns.cmd("unshare");
        // FRR takes its hostname from uname(); a private UTS namespace per daemon makes vtysh and
        // the BGP hostname capability show the namespace's name.
        cmd.args(["--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\""])
            .arg(self.netns.short_name())
            .arg(format!("/usr/lib/frr/{name}"))
            .args(["-d", "-F", "traditional", "-A", "127.0.0.1"]);
        match d {
            FrrDaemon::Zebra => {
                cmd.args(["-s", "90000000"]);
            }
            FrrDaemon::Bfdd => {
                // default /var/run/frr/bfdd.sock would be shared by all instances
                cmd.arg("--bfdctl").arg(format!("{r}/bfdd.sock"));
            }
            _ => {}
        }
        cmd.arg("--vty_socket")
            .arg(&r)
            .arg("-i")
            .arg(&pidfile)
            .arg("-z")
            .arg(format!("{r}/zserv.api"))
            .args(["-f", "/dev/null", "--log"])
            .arg(format!("file:{r}/{name}.log"))
            .args(extra);
        let stderr = std::fs::File::create(self.dir.join(format!("{name}.stderr")))
            .expect("create daemon stderr file");
        cmd.stdin(Stdio::null())
            .stdout(stderr.try_clone().expect("dup fd"))
            .stderr(stderr);
        // -d: the process we start forks the daemon and exits.
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("lab: cannot run `{}`: {e}", proc::cmdline(&cmd)));
        if !status.success() {
            panic!(
                "lab: FRR {}: {name} failed to start ({status}):\n{}{}",
                self.netns.short_name(),
                log_tail(&self.dir.join(format!("{name}.stderr")), 30),
                log_tail(&self.log_path(d), 30)
            );
        }
        let vty = self.dir.join(format!("{name}.vty"));
        let pid = wait_for(Duration::from_secs(10), || {
            let pid: i32 = std::fs::read_to_string(&pidfile)
                .ok()?
                .trim()
                .parse()
                .ok()?;
            vty.exists().then_some(pid)
        })
        .unwrap_or_else(|| {
            panic!(
                "lab: FRR {}: {name} wrote no pid file / vty socket within 10 s:\n{}{}",
                self.netns.short_name(),
                log_tail(&self.dir.join(format!("{name}.stderr")), 30),
                log_tail(&self.log_path(d), 30)
            )
        });
        let tracked = Tracked::daemon(&format!("{}/{name}", self.netns.short_name()), pid)
            .unwrap_or_else(|| {
                panic!(
                    "lab: FRR {}: {name} (pid {pid}) exited right after start:\n{}",
                    self.netns.short_name(),
                    log_tail(&self.log_path(d), 30)
                )
            });
        self.netns.lab.track(tracked);
        self.daemons.push((d, pid));
    }

    /// The namespace it runs in.
    pub fn netns(&self) -> &Netns {
        &self.netns
    }

    /// Run directory (sockets, pid files, logs).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Config directory (`frr.conf` as last applied by start/reload, `vtysh.conf`, snippets).
    pub fn conf_dir(&self) -> &Path {
        &self.conf
    }

    /// PID of a running daemon of this instance.
    pub fn pid(&self, d: FrrDaemon) -> Option<i32> {
        self.daemons.iter().find(|(x, _)| *x == d).map(|(_, p)| *p)
    }

    /// Log file of a daemon.
    pub fn log_path(&self, d: FrrDaemon) -> PathBuf {
        self.dir.join(format!("{}.log", d.name()))
    }

    /// Last `n` lines of a daemon's log.
    pub fn log_tail(&self, d: FrrDaemon, n: usize) -> String {
        log_tail(&self.log_path(d), n)
    }

    /// Last `n` lines of every daemon's log (for panic messages).
    pub fn logs_tail(&self, n: usize) -> String {
        self.daemons
            .iter()
            .map(|(d, _)| self.log_tail(*d, n))
            .collect()
    }

    /// Stops all daemons of this instance now (SIGTERM, SIGKILL after 3 s).
    pub fn stop(&self) {
        for (_, pid) in self.daemons.iter().rev() {
            self.netns.lab.untrack_kill(*pid);
        }
    }

    /// Stops one daemon (e.g. bgpd, to test the peer's reaction).
    pub fn stop_daemon(&self, d: FrrDaemon) {
        if let Some(pid) = self.pid(d) {
            self.netns.lab.untrack_kill(pid);
        }
    }

    /// A command run under `unshare --uts` with the instance's hostname: vtysh adds a
    /// `hostname` line from its own uname() to `show running-config`, which must match the
    /// daemons' (else a stray `hostname <machine>` shows up and frr-reload.py diffs it).
    fn uts_cmd(&self, program: &str) -> Command {
        let mut c = Command::new("unshare");
        c.args(["--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\""])
            .arg(self.netns.short_name())
            .arg(program);
        c
    }

    fn vtysh_cmd(&self) -> Command {
        let mut c = self.uts_cmd("vtysh");
        c.arg("--vty_socket")
            .arg(&self.dir)
            .arg("--config_dir")
            .arg(&self.conf);
        c
    }

    /// Runs vtysh commands (`-c` each, in order) and returns the raw output, whatever the status.
    pub fn vtysh_output(&self, cmds: &[&str]) -> Output {
        let mut c = self.vtysh_cmd();
        for cmd in cmds {
            c.args(["-c", cmd]);
        }
        proc::output(&mut c)
    }

    /// Runs one vtysh command; panics if vtysh fails. Returns stdout.
    pub fn vtysh(&self, cmd: &str) -> String {
        let out = self.vtysh_output(&[cmd]);
        if !out.status.success() {
            panic!(
                "lab: FRR {}: vtysh -c {cmd:?} failed ({}):\n{}",
                self.netns.short_name(),
                out.status,
                combined(&out)
            );
        }
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a `... json` show command and parses the output.
    pub fn vtysh_json(&self, cmd: &str) -> Value {
        let text = self.vtysh(cmd);
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "lab: FRR {}: {cmd:?} is not JSON ({e}):\n{text}",
                self.netns.short_name()
            )
        })
    }

    /// `show running-config`.
    pub fn running_config(&self) -> String {
        self.vtysh("show running-config")
    }

    /// Adds configuration on top of the running one (`vtysh -f FILE`: each line as typed in
    /// `configure terminal`). Panics with vtysh's error (line and message) if a line is rejected.
    pub fn configure(&self, text: &str) {
        let file = self
            .conf
            .join(format!("change-{}.conf", self.netns.lab.next_id()));
        std::fs::write(&file, text).expect("write config snippet");
        let out = proc::output(self.vtysh_cmd().arg("-f").arg(&file));
        if !out.status.success() {
            panic!(
                "lab: FRR {}: `vtysh -f` rejected {} ({}):\n{}",
                self.netns.short_name(),
                file.display(),
                out.status,
                combined(&out)
            );
        }
    }

    /// Replaces the running configuration with `config` (a complete frr.conf) the way frr-k8s
    /// does: `frr-reload.py --reload` computes and applies the difference. Returns its log.
    /// Panics (with the log) if frr-reload.py fails; see [`FrrRouter::try_reload`].
    pub fn reload(&self, config: &str) -> String {
        let out = self.try_reload(config);
        if !out.status.success() {
            panic!(
                "lab: FRR {}: frr-reload.py failed ({}):\n{}",
                self.netns.short_name(),
                out.status,
                combined(&out)
            );
        }
        combined(&out)
    }

    /// Like [`FrrRouter::reload`] but returns frr-reload.py's output whatever its status
    /// (tests of invalid configurations).
    pub fn try_reload(&self, config: &str) -> Output {
        let file = self.conf.join("frr.conf");
        std::fs::write(&file, config).expect("write frr.conf");
        let mut c = self.uts_cmd("/usr/bin/python3");
        c.args(["/usr/lib/frr/frr-reload.py", "--reload", "--stdout"])
            .args(["--bindir", "/usr/bin"])
            .arg("--confdir")
            .arg(&self.conf)
            .arg("--rundir")
            .arg(&self.dir)
            .arg("--vty_socket")
            .arg(&self.dir)
            .arg(&file);
        let out = proc::output(&mut c);
        std::fs::write(
            self.dir
                .join(format!("reload-{}.log", self.netns.lab.next_id())),
            combined(&out),
        )
        .ok();
        out
    }

    // ------------------------------------------------------------------ BGP

    /// `show bgp neighbors json`: peer address (or interface) -> details.
    pub fn bgp_neighbors_json(&self) -> Value {
        self.vtysh_json("show bgp neighbors json")
    }

    /// The FSM state of a BGP neighbor (`Established`, `Active`, ...), `None` if not configured.
    pub fn bgp_neighbor_state(&self, peer: &str) -> Option<String> {
        self.bgp_neighbors_json()
            .get(peer)?
            .get("bgpState")?
            .as_str()
            .map(str::to_string)
    }

    /// Waits until the session with `peer` is Established; panics with `show bgp summary` and
    /// the bgpd log tail on timeout.
    pub fn wait_bgp_established(&self, peer: &str, timeout: Duration) {
        let ok = wait_for(timeout, || {
            (self.bgp_neighbor_state(peer).as_deref() == Some("Established")).then_some(())
        });
        if ok.is_none() {
            panic!(
                "lab: FRR {}: BGP neighbor {peer} not Established after {timeout:?} (state {:?})\n{}\n{}",
                self.netns.short_name(),
                self.bgp_neighbor_state(peer),
                String::from_utf8_lossy(&self.vtysh_output(&["show bgp summary"]).stdout),
                self.log_tail(FrrDaemon::Bgpd, 30)
            );
        }
    }

    /// How long the session with `peer` has been Established (`bgpTimerUpMsec`), `None` when
    /// it is not.
    pub fn bgp_neighbor_uptime(&self, peer: &str) -> Option<Duration> {
        let all = self.bgp_neighbors_json();
        let n = all.get(peer)?;
        if n.get("bgpState")?.as_str()? != "Established" {
            return None;
        }
        n.get("bgpTimerUpMsec")
            .and_then(Value::as_u64)
            .map(Duration::from_millis)
    }

    /// Waits until the session with `peer` has been Established for at least `min_uptime`
    /// (e.g. past the one reset a BFD-enabled session does right after first coming up);
    /// panics like [`FrrRouter::wait_bgp_established`] on timeout.
    pub fn wait_bgp_up_for(&self, peer: &str, min_uptime: Duration, timeout: Duration) {
        let ok = wait_for(timeout, || {
            self.bgp_neighbor_uptime(peer)
                .filter(|up| *up >= min_uptime)
                .map(|_| ())
        });
        if ok.is_none() {
            panic!(
                "lab: FRR {}: BGP neighbor {peer} not Established for {min_uptime:?} within \
                 {timeout:?} (state {:?})\n{}\n{}",
                self.netns.short_name(),
                self.bgp_neighbor_state(peer),
                String::from_utf8_lossy(&self.vtysh_output(&["show bgp summary"]).stdout),
                self.log_tail(FrrDaemon::Bgpd, 30)
            );
        }
    }

    /// `show bgp <afi> unicast json` (`afi`: `ipv4` or `ipv6`): `["routes"][prefix]` is the list
    /// of paths.
    pub fn bgp_routes_json(&self, afi: &str) -> Value {
        self.vtysh_json(&format!("show bgp {afi} unicast json"))
    }

    /// The BGP table entry for exactly `prefix` (`show bgp ipv4 unicast PREFIX json`: `prefix`,
    /// `paths[]` with `aspath`, `community`, `nexthops`, `bestpath`, ...), `None` if absent.
    pub fn bgp_route(&self, prefix: &str) -> Option<Value> {
        let afi = if prefix.contains(':') { "ipv6" } else { "ipv4" };
        let v = self.vtysh_json(&format!("show bgp {afi} unicast {prefix} json"));
        let has_paths = v
            .get("paths")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        (has_paths && v.get("prefix").and_then(Value::as_str) == Some(prefix)).then_some(v)
    }

    /// Waits until `prefix` is in the BGP table; panics with the table and bgpd log on timeout.
    pub fn wait_bgp_route(&self, prefix: &str, timeout: Duration) -> Value {
        self.wait_bgp_route_where(prefix, timeout, |_| true)
    }

    /// Waits until `prefix` is in the BGP table and `cond` holds for its entry.
    pub fn wait_bgp_route_where(
        &self,
        prefix: &str,
        timeout: Duration,
        mut cond: impl FnMut(&Value) -> bool,
    ) -> Value {
        wait_for(timeout, || self.bgp_route(prefix).filter(|v| cond(v))).unwrap_or_else(|| {
            let afi = if prefix.contains(':') { "ipv6" } else { "ipv4" };
            panic!(
                "lab: FRR {}: BGP route {prefix} not as expected after {timeout:?}; entry {}\n{}\n{}",
                self.netns.short_name(),
                self.bgp_route(prefix).map(|v| v.to_string()).unwrap_or("absent".into()),
                String::from_utf8_lossy(
                    &self
                        .vtysh_output(&[&format!("show bgp {afi} unicast"), "show bgp summary"])
                        .stdout
                ),
                self.log_tail(FrrDaemon::Bgpd, 30)
            )
        })
    }

    /// Waits until `prefix` is gone from the BGP table; panics on timeout.
    pub fn wait_no_bgp_route(&self, prefix: &str, timeout: Duration) {
        if wait_for(timeout, || self.bgp_route(prefix).is_none().then_some(())).is_none() {
            panic!(
                "lab: FRR {}: BGP route {prefix} still present after {timeout:?}: {}",
                self.netns.short_name(),
                self.bgp_route(prefix)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            );
        }
    }

    /// Kernel routes of the namespace (see [`Netns::kernel_routes`]).
    pub fn kernel_routes(&self) -> Vec<super::KernelRoute> {
        self.netns.kernel_routes()
    }

    // ------------------------------------------------------------------ BFD

    /// `show bfd peers json`: a list of sessions (`peer`, `status`, `local`, `interface`, ...).
    pub fn bfd_peers_json(&self) -> Value {
        self.vtysh_json("show bfd peers json")
    }

    /// Status (`up`, `down`, `init`, `shutdown`) of the BFD session with `peer`.
    pub fn bfd_peer_status(&self, peer: &str) -> Option<String> {
        self.bfd_peers_json()
            .as_array()?
            .iter()
            .find(|p| p.get("peer").and_then(Value::as_str) == Some(peer))?
            .get("status")?
            .as_str()
            .map(str::to_string)
    }

    /// Waits until the BFD session with `peer` has `status` (`"up"`, `"down"`); panics with
    /// `show bfd peers` and the bfdd log on timeout.
    pub fn wait_bfd_status(&self, peer: &str, status: &str, timeout: Duration) {
        let ok = wait_for(timeout, || {
            (self.bfd_peer_status(peer).as_deref() == Some(status)).then_some(())
        });
        if ok.is_none() {
            panic!(
                "lab: FRR {}: BFD peer {peer} not {status} after {timeout:?} (now {:?})\n{}\n{}",
                self.netns.short_name(),
                self.bfd_peer_status(peer),
                String::from_utf8_lossy(&self.vtysh_output(&["show bfd peers"]).stdout),
                self.log_tail(FrrDaemon::Bfdd, 30)
            );
        }
    }
}

fn combined(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
