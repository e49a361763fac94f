//! Both demo scenarios end to end with real FRR (`../shared/spec/demos.md`): a fabric router
//! (FRR) with a bridge toward node1..3 and a server namespace behind it; every node runs FRR
//! configured by the `node-agent` binary (`--reload`) from a copy of the bundled manifests,
//! which the test edits (deletes and restores files) while the agents watch.
//!
//! Needs root, FRR (with frr-reload.py), python3, ping and curl; skips otherwise (fails under
//! REQUIRE_INTEROP=1). Timings are printed (`TIMING ...`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use examples::lab::{FrrDaemon, FrrRouter, Lab, Need, Netns, Proc, wait_until};

const MANIFESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/manifests");
const AGENT: &str = env!("CARGO_BIN_EXE_node-agent");

/// The demos' topology with the node agents running.
struct Topology {
    lab: Lab,
    fabric: Netns,
    server: Netns,
    nodes: Vec<Netns>,
    fabric_frr: FrrRouter,
    /// The manifest directory all agents watch.
    manifests: PathBuf,
    agents: Vec<Proc>,
    node_frrs: Vec<FrrRouter>,
}

fn needs() -> Vec<Need> {
    vec![
        Need::Frr,
        Need::FrrReload,
        Need::Python3,
        Need::Ping,
        Need::Bin("curl"),
    ]
}

/// Copies a bundled scenario, one object per file (so single objects can be deleted).
fn copy_manifests(scenario: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let dir = Path::new(MANIFESTS).join(scenario);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p).unwrap();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "nodes" {
            std::fs::write(to.join("nodes.yaml"), &text).unwrap();
            continue;
        }
        for doc in split_documents(&text) {
            let name = doc
                .lines()
                .skip_while(|l| !l.starts_with("metadata:"))
                .find_map(|l| l.trim().strip_prefix("name: "))
                .unwrap_or_else(|| panic!("no metadata.name in {}", p.display()))
                .to_string();
            std::fs::write(to.join(format!("{stem}-{name}.yaml")), doc).unwrap();
        }
    }
}

fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            docs.push(String::new());
        } else {
            let d = docs.last_mut().unwrap();
            d.push_str(line);
            d.push('\n');
        }
    }
    docs.into_iter()
        .filter(|d| d.lines().any(|l| l.starts_with("kind:")))
        .collect()
}

fn fabric_config(asn: u32, ibgp: bool) -> String {
    let mut c = String::from(
        "frr defaults traditional\nhostname fabric\nbgp route-map delay-timer 0\n\
         bfd\n profile fast\n  receive-interval 100\n  transmit-interval 100\n  detect-multiplier 3\n exit\nexit\n",
    );
    c.push_str(&format!(
        "router bgp {asn}\n bgp router-id 192.168.111.1\n no bgp ebgp-requires-policy\n \
         no bgp network import-check\n no bgp default ipv4-unicast\n"
    ));
    for n in 1..=3 {
        let node_asn = 64512;
        for a in [format!("192.168.111.1{n}"), format!("fd00:111::1{n}")] {
            c.push_str(&format!(
                " neighbor {a} remote-as {node_asn}\n neighbor {a} timers connect 1\n \
                 neighbor {a} advertisement-interval 0\n"
            ));
            if ibgp && !a.contains(':') {
                c.push_str(&format!(" neighbor {a} bfd profile fast\n"));
            }
        }
    }
    c.push_str(" address-family ipv4 unicast\n  network 172.26.0.0/16\n");
    if !ibgp {
        c.push_str("  network 172.27.0.0/16\n");
    }
    c.push_str("  maximum-paths 3\n  maximum-paths ibgp 3\n");
    for n in 1..=3 {
        c.push_str(&format!("  neighbor 192.168.111.1{n} activate\n"));
    }
    c.push_str(" exit-address-family\n address-family ipv6 unicast\n");
    for n in 1..=3 {
        c.push_str(&format!("  neighbor fd00:111::1{n} activate\n"));
    }
    c.push_str(" exit-address-family\nexit\n");
    c
}

impl Topology {
    /// Builds the namespaces, starts the fabric and the nodes' FRR, and a node agent per node
    /// watching a copy of `scenario`'s manifests.
    fn start(test: &str, scenario: &str, ibgp: bool) -> Option<Topology> {
        Topology::start_mode(test, scenario, ibgp, false)
    }

    /// `native`: no FRR on the nodes; the agents run `--speaker native`.
    fn start_mode(test: &str, scenario: &str, ibgp: bool, native: bool) -> Option<Topology> {
        let lab = Lab::new(test, &needs())?;
        let fabric = lab.netns("fabric");
        let server = lab.netns("server");
        fabric.bridge("br0");
        fabric.addr_add("br0", "192.168.111.1/24");
        fabric.addr_add("br0", "fd00:111::1/64");
        fabric.enable_forwarding();
        lab.link(&fabric, "srv0", &server, "eth0");
        fabric.addr_add("srv0", "172.26.0.1/16");
        server.addr_add("eth0", "172.26.0.3/16");
        server.route_add("default via 172.26.0.1");
        let mut nodes = Vec::new();
        for n in 1..=3 {
            let node = lab.netns(&format!("node{n}"));
            lab.link_to_bridge(&fabric, "br0", &node, "eth0");
            node.addr_add("eth0", &format!("192.168.111.1{n}/24"));
            node.addr_add("eth0", &format!("fd00:111::1{n}/64"));
            // the workload (pod/VM) address (on lo: this kernel has no dummy interfaces)
            node.addr_add("lo", &format!("10.100.{n}.10/32"));
            nodes.push(node);
        }
        let fabric_frr = FrrRouter::start(
            &fabric,
            FrrDaemon::ALL,
            &fabric_config(if ibgp { 64512 } else { 64500 }, ibgp),
        );
        server.spawn(
            "http",
            &[
                "python3",
                "-m",
                "http.server",
                "--bind",
                "172.26.0.3",
                "8080",
            ],
        );
        let manifests = lab.dir().join("manifests");
        copy_manifests(scenario, &manifests);
        let mut node_frrs = Vec::new();
        let mut agents = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let name = format!("node{}", i + 1);
            let out = lab.dir().join(format!("{name}-agent/frr.conf"));
            let status = lab.dir().join(format!("{name}-agent/status.json"));
            let (out, status, dir) = (
                out.display().to_string(),
                status.display().to_string(),
                manifests.display().to_string(),
            );
            let mut args: Vec<String> = [
                AGENT,
                "--node",
                &name,
                "--manifests",
                &dir,
                "--out",
                &out,
                "--debounce-ms",
                "200",
                "--status",
                &status,
                "--status-interval-ms",
                "500",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            if native {
                args.extend(["--speaker".to_string(), "native".to_string()]);
            } else {
                let frr = FrrRouter::start(
                    node,
                    FrrDaemon::ALL,
                    &format!("frr defaults traditional\nhostname {name}\n"),
                );
                args.extend([
                    "--reload".to_string(),
                    "--vty-socket-dir".to_string(),
                    frr.dir().display().to_string(),
                ]);
                node_frrs.push(frr);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            agents.push(node.spawn("node-agent", &args));
        }
        Some(Topology {
            lab,
            fabric,
            server,
            nodes,
            fabric_frr,
            manifests,
            agents,
            node_frrs,
        })
    }

    fn status(&self, node: usize) -> serde_json::Value {
        let p = self
            .lab
            .dir()
            .join(format!("node{}-agent/status.json", node + 1));
        std::fs::read_to_string(p)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    fn agent_logs(&self) -> String {
        self.agents
            .iter()
            .enumerate()
            .map(|(i, a)| format!("--- agent node{}:\n{}", i + 1, a.log_tail(20)))
            .collect()
    }

    fn remove(&self, file: &str) -> String {
        let p = self.manifests.join(file);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        std::fs::remove_file(&p).unwrap();
        text
    }

    fn restore(&self, file: &str, text: &str) {
        // write elsewhere and rename: the agents never read half a file
        let tmp = self.manifests.join(format!(".{file}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.manifests.join(file)).unwrap();
    }
}

fn has_route_via(ns: &Netns, prefix: &str, gw: &str) -> bool {
    ns.kernel_route(prefix)
        .is_some_and(|r| r.protocol.as_deref() == Some("bgp") && r.gateways() == [gw.to_string()])
}

fn ping_from(ns: &Netns, src: &str, dst: &str) -> bool {
    ns.run(&["ping", "-n", "-q", "-c1", "-W1", "-I", src, dst])
        .status
        .success()
}

fn http_from(ns: &Netns, src: &str, url: &str) -> bool {
    let out = ns.run(&[
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-m",
        "3",
        "--interface",
        src,
        url,
    ]);
    String::from_utf8_lossy(&out.stdout).trim() == "200"
}

#[test]
fn e2e_frr_scenario1_import() {
    let t0 = Instant::now();
    let Some(t) = Topology::start("e2e_frr_s1", "scenario1-import", false) else {
        return;
    };
    // the fabric needs a route back to node1's workload
    t.fabric.route_add("10.100.1.0/24 via 192.168.111.11");

    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        let ok = wait_until(Duration::from_secs(40), || {
            has_route_via(node, "172.26.0.0/16", "192.168.111.1")
        });
        assert!(
            ok,
            "node{}: no 172.26.0.0/16 via 192.168.111.1 proto bgp:\n{}\n{}\n{}",
            i + 1,
            node.route_table_text(),
            t.node_frrs[i].vtysh("show bgp summary"),
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario1 (FRR): agents started -> 172.26.0.0/16 in all three kernels: {:?}",
        start.elapsed()
    );
    // the decoy is in the fabric's table but filtered by every node
    assert!(t.fabric_frr.bgp_route("172.27.0.0/16").is_some());
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            node.kernel_route("172.27.0.0/16").is_none(),
            "node{} has the decoy",
            i + 1
        );
        assert!(t.node_frrs[i].bgp_route("172.27.0.0/16").is_none());
    }
    // status: sessions as FRR reports them
    assert!(
        wait_until(Duration::from_secs(10), || {
            let s = t.status(0);
            s["frrNodeState"]["status"]["lastReloadResult"] == "success"
                && s["bgp"].as_array().is_some_and(|b| {
                    b.iter()
                        .any(|x| x["peer"] == "192.168.111.1" && x["state"] == "Established")
                })
        }),
        "status: {}",
        t.status(0)
    );

    let node1 = &t.nodes[0];
    let url = "http://172.26.0.3:8080/";
    assert!(node1.wait_ping("172.26.0.3", Duration::from_secs(5)));
    assert!(wait_until(Duration::from_secs(5), || ping_from(
        node1,
        "10.100.1.10",
        "172.26.0.3"
    )));
    assert!(
        http_from(node1, "10.100.1.10", url),
        "HTTP from 10.100.1.10 failed"
    );

    // delete the FRRConfiguration: the route goes and traffic stops
    let file = "frrconfiguration-import-provider.yaml";
    let saved = t.remove(file);
    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            wait_until(Duration::from_secs(20), || node
                .kernel_route("172.26.0.0/16")
                .is_none()),
            "node{}: 172.26.0.0/16 not removed\n{}",
            i + 1,
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario1 (FRR): FRRConfiguration deleted -> route gone on all nodes: {:?}",
        start.elapsed()
    );
    assert!(!ping_from(node1, "10.100.1.10", "172.26.0.3"));
    assert!(!http_from(node1, "10.100.1.10", url));

    // restore it: the route and traffic come back
    t.restore(file, &saved);
    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            wait_until(Duration::from_secs(45), || has_route_via(
                node,
                "172.26.0.0/16",
                "192.168.111.1"
            )),
            "node{}: 172.26.0.0/16 not restored\n{}",
            i + 1,
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario1 (FRR): FRRConfiguration restored -> route back on all nodes: {:?}",
        start.elapsed()
    );
    assert!(wait_until(Duration::from_secs(5), || ping_from(
        node1,
        "10.100.1.10",
        "172.26.0.3"
    )));
    assert!(http_from(node1, "10.100.1.10", url));
    println!("TIMING scenario1 (FRR): whole test {:?}", t0.elapsed());
    let _ = &t.server;
}

#[test]
fn e2e_frr_scenario2_advertise() {
    scenario2("e2e_frr_s2", false);
}

#[test]
fn e2e_agent_native_scenario2_advertise() {
    scenario2("e2e_native_s2", true);
}

fn scenario2(test: &str, native: bool) {
    let t0 = Instant::now();
    let mode = if native { "native agent" } else { "FRR" };
    let Some(t) = Topology::start_mode(test, "scenario2-advertise", true, native) else {
        return;
    };
    let fabric = &t.fabric;
    let ecmp3 = |r: &examples::lab::KernelRoute| {
        r.gateways() == ["192.168.111.11", "192.168.111.12", "192.168.111.13"]
    };
    let start = Instant::now();
    for n in 1..=3 {
        let gw = format!("192.168.111.1{n}");
        let ok = wait_until(Duration::from_secs(40), || {
            has_route_via(fabric, &format!("10.100.{n}.0/24"), &gw)
        });
        assert!(
            ok,
            "fabric: no 10.100.{n}.0/24 via {gw}:\n{}\n{}\n{}",
            fabric.route_table_text(),
            t.fabric_frr.vtysh("show bgp summary"),
            t.agent_logs()
        );
    }
    let r = fabric.wait_kernel_route_where("10.100.0.0/16", Duration::from_secs(20), |r| ecmp3(r));
    assert_eq!(r.protocol.as_deref(), Some("bgp"));
    println!(
        "TIMING scenario2 ({mode}): agents started -> fabric has the three /24s and the /16 with 3 ECMP next hops: {:?}",
        start.elapsed()
    );
    // the server reaches a workload by its own address (no NAT)
    assert!(
        t.server.wait_ping("10.100.2.10", Duration::from_secs(10)),
        "server cannot reach 10.100.2.10\n{}",
        t.nodes[1].route_table_text()
    );

    // BFD between the fabric and every node (profile 100 ms x 3), sessions stable
    for n in 1..=3 {
        let peer = format!("192.168.111.1{n}");
        t.fabric_frr
            .wait_bfd_status(&peer, "up", Duration::from_secs(20));
        t.fabric_frr
            .wait_bgp_up_for(&peer, Duration::from_secs(2), Duration::from_secs(30));
    }
    let s = t.status(1);
    assert!(
        wait_until(Duration::from_secs(5), || {
            t.status(1)["bfd"].as_array().is_some_and(|b| {
                b.iter()
                    .any(|x| x["peer"] == "192.168.111.1" && x["status"] == "up")
            })
        }),
        "node2 status has no BFD session up: {s}"
    );
    fabric.wait_kernel_route_where("10.100.0.0/16", Duration::from_secs(20), |r| ecmp3(r));

    // delete the RouteAdvertisements: the per-node /24s are withdrawn, the /16 stays
    let ra_file = "routeadvertisements-default.yaml";
    let ra = t.remove(ra_file);
    let start = Instant::now();
    for n in 1..=3 {
        assert!(
            wait_until(Duration::from_secs(20), || fabric
                .kernel_route(&format!("10.100.{n}.0/24"))
                .is_none()),
            "10.100.{n}.0/24 not withdrawn\n{}",
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario2 ({mode}): RouteAdvertisements deleted -> /24s withdrawn: {:?}",
        start.elapsed()
    );
    assert!(
        fabric
            .kernel_route("10.100.0.0/16")
            .is_some_and(|r| ecmp3(&r))
    );
    // ... and with the VM-network FRRConfiguration deleted too, nothing routes to the pods
    let vm_file = "frrconfiguration-vm-network.yaml";
    let vm = t.remove(vm_file);
    assert!(
        wait_until(Duration::from_secs(20), || fabric
            .kernel_route("10.100.0.0/16")
            .is_none()),
        "10.100.0.0/16 not withdrawn\n{}",
        t.agent_logs()
    );
    assert!(
        !t.server.ping("10.100.2.10"),
        "server still reaches 10.100.2.10"
    );

    // restore both: routes and traffic come back
    t.restore(vm_file, &vm);
    t.restore(ra_file, &ra);
    let start = Instant::now();
    for n in 1..=3 {
        let gw = format!("192.168.111.1{n}");
        assert!(
            wait_until(Duration::from_secs(45), || has_route_via(
                fabric,
                &format!("10.100.{n}.0/24"),
                &gw
            )),
            "10.100.{n}.0/24 not restored\n{}",
            t.agent_logs()
        );
    }
    fabric.wait_kernel_route_where("10.100.0.0/16", Duration::from_secs(20), |r| ecmp3(r));
    println!(
        "TIMING scenario2 ({mode}): manifests restored -> routes back: {:?}",
        start.elapsed()
    );
    assert!(t.server.wait_ping("10.100.2.10", Duration::from_secs(10)));

    // BFD failover: node3's link goes down; the fabric drops its next hop
    for n in 1..=3 {
        let peer = format!("192.168.111.1{n}");
        t.fabric_frr
            .wait_bfd_status(&peer, "up", Duration::from_secs(20));
        t.fabric_frr
            .wait_bgp_up_for(&peer, Duration::from_secs(2), Duration::from_secs(30));
    }
    fabric.wait_kernel_route_where("10.100.0.0/16", Duration::from_secs(20), |r| ecmp3(r));
    let down = Instant::now();
    t.nodes[2].link_down("eth0");
    let mut failover = None;
    while down.elapsed() < Duration::from_secs(5) {
        let out = fabric.run(&["ip", "-4", "-j", "route", "show", "10.100.0.0/16"]);
        let text = String::from_utf8_lossy(&out.stdout);
        if !text.contains("192.168.111.13") && text.contains("192.168.111.12") {
            failover = Some(down.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let failover = failover.unwrap_or_else(|| {
        panic!(
            "fabric kept node3's next hop for 5 s: {}\n{}",
            fabric.route_table_text(),
            t.fabric_frr.vtysh("show bfd peers")
        )
    });
    println!(
        "TIMING scenario2 ({mode}): node3 link down -> fabric dropped its next hop after {failover:?} (BFD 100 ms x 3)"
    );
    assert!(
        failover < Duration::from_secs(1),
        "failover took {failover:?}"
    );
    let r = fabric.kernel_route("10.100.0.0/16").unwrap();
    assert_eq!(r.gateways(), ["192.168.111.11", "192.168.111.12"]);
    assert!(fabric.kernel_route("10.100.3.0/24").is_none());
    println!("TIMING scenario2 ({mode}): whole test {:?}", t0.elapsed());
}

#[test]
fn e2e_agent_native_scenario1_import() {
    let Some(t) = Topology::start_mode("e2e_native_s1", "scenario1-import", false, true) else {
        return;
    };
    t.fabric.route_add("10.100.1.0/24 via 192.168.111.11");
    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            wait_until(Duration::from_secs(40), || has_route_via(
                node,
                "172.26.0.0/16",
                "192.168.111.1"
            )),
            "node{} (native): no 172.26.0.0/16 via 192.168.111.1 proto bgp:\n{}\n{}\n{}",
            i + 1,
            node.route_table_text(),
            t.fabric_frr.vtysh("show bgp summary"),
            t.agent_logs()
        );
        assert!(
            node.kernel_route("172.27.0.0/16").is_none(),
            "node{} has the decoy",
            i + 1
        );
    }
    println!(
        "TIMING scenario1 (native agent): agents started -> 172.26.0.0/16 in all three kernels: {:?}",
        start.elapsed()
    );
    assert!(t.node_frrs.is_empty());
    let node1 = &t.nodes[0];
    assert!(wait_until(Duration::from_secs(5), || ping_from(
        node1,
        "10.100.1.10",
        "172.26.0.3"
    )));
    assert!(http_from(node1, "10.100.1.10", "http://172.26.0.3:8080/"));
    assert!(
        wait_until(Duration::from_secs(5), || t.status(0)["bgp"]
            .as_array()
            .is_some_and(|b| b.iter().any(
                |x| x["peer"] == "192.168.111.1" && x["state"] == "Established"
            ))),
        "{}",
        t.status(0)
    );

    let file = "frrconfiguration-import-provider.yaml";
    let saved = t.remove(file);
    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            wait_until(Duration::from_secs(20), || node
                .kernel_route("172.26.0.0/16")
                .is_none()),
            "node{} (native): 172.26.0.0/16 not removed\n{}",
            i + 1,
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario1 (native agent): FRRConfiguration deleted -> route gone: {:?}",
        start.elapsed()
    );
    assert!(!ping_from(node1, "10.100.1.10", "172.26.0.3"));
    t.restore(file, &saved);
    let start = Instant::now();
    for (i, node) in t.nodes.iter().enumerate() {
        assert!(
            wait_until(Duration::from_secs(45), || has_route_via(
                node,
                "172.26.0.0/16",
                "192.168.111.1"
            )),
            "node{} (native): 172.26.0.0/16 not restored\n{}",
            i + 1,
            t.agent_logs()
        );
    }
    println!(
        "TIMING scenario1 (native agent): FRRConfiguration restored -> route back: {:?}",
        start.elapsed()
    );
    assert!(wait_until(Duration::from_secs(5), || ping_from(
        node1,
        "10.100.1.10",
        "172.26.0.3"
    )));
}
