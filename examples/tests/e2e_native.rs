//! End to end, native mode: the two ingress scenarios of `shared/spec/demos.md` with real FRR
//! as the fabric router and the nodes running `examples::native` (no FRR on the nodes), each
//! configured from the bundled manifests through crd-model (generation) and frr-render
//! (per-node merge). Needs root and FRR; skips otherwise (fails with REQUIRE_INTEROP=1).

use std::process::Output;
use std::time::{Duration, Instant};

use crd_model::generate::ClusterState;
use examples::agent::{pipeline, plan_cluster};
use examples::lab::{FrrDaemon, FrrRouter, Lab, Need, Netns, wait_until};
use examples::native::{NativeHandle, Options};

const FABRIC: &str = "192.168.111.1";
const SERVER: &str = "172.26.0.3";

fn scenario(name: &str) -> ClusterState {
    let all = pipeline::bundled().expect("bundled manifests load");
    all.into_iter()
        .find(|s| s.name == name)
        .expect("bundled scenario")
        .state
}

/// Each node's merged configuration for `state`, as the node agent computes it.
fn node_configs(state: &ClusterState) -> Vec<frr_render::Config> {
    let plan = plan_cluster(state);
    ["node1", "node2", "node3"]
        .iter()
        .map(|n| {
            let p = plan
                .nodes
                .iter()
                .find(|p| p.node == *n)
                .expect("node planned");
            p.result
                .as_ref()
                .expect("node configuration")
                .conversion
                .config
                .clone()
        })
        .collect()
}

struct Topology {
    fabric: Netns,
    server: Netns,
    nodes: Vec<Netns>,
    /// Fabric-side bridge ports toward node1..3.
    ports: Vec<String>,
}

/// The demos.md addresses: fabric bridge toward the nodes, server behind the fabric, a
/// workload address 10.100.N.10 on each node's loopback.
fn topology(lab: &Lab) -> Topology {
    let fabric = lab.netns("fabric");
    let server = lab.netns("server");
    fabric.bridge("br0");
    fabric.addr_add("br0", "192.168.111.1/24");
    fabric.addr_add("br0", "fd00:111::1/64");
    fabric.enable_forwarding();
    lab.link(&fabric, "eth1", &server, "eth0");
    fabric.addr_add("eth1", "172.26.0.1/16");
    server.addr_add("eth0", "172.26.0.3/16");
    server.route_add("default via 172.26.0.1");
    let mut nodes = Vec::new();
    let mut ports = Vec::new();
    for n in 1..=3 {
        let ns = lab.netns(&format!("node{n}"));
        ports.push(lab.link_to_bridge(&fabric, "br0", &ns, "eth0"));
        ns.addr_add("eth0", &format!("192.168.111.1{n}/24"));
        ns.addr_add("eth0", &format!("fd00:111::1{n}/64"));
        ns.addr_add("lo", &format!("10.100.{n}.10/32"));
        nodes.push(ns);
    }
    server.spawn(
        "http",
        &["python3", "-m", "http.server", "--bind", SERVER, "8080"],
    );
    Topology {
        fabric,
        server,
        nodes,
        ports,
    }
}

fn start_nodes(t: &Topology, configs: &[frr_render::Config]) -> Vec<NativeHandle> {
    t.nodes
        .iter()
        .zip(configs)
        .enumerate()
        .map(|(i, (ns, c))| {
            let options = Options {
                router_id: Some(format!("192.168.111.1{}", i + 1).parse().unwrap()),
                hostname: format!("node{}", i + 1),
                ..Options::default()
            };
            let ns = ns.clone();
            NativeHandle::spawn_with(c.clone(), options, move |f| ns.spawn_thread(f))
        })
        .collect()
}

fn ok(o: &Output) -> bool {
    o.status.success()
}

/// Ping from `ns` with source `src`.
fn ping_from(ns: &Netns, src: &str, dst: &str) -> bool {
    ok(&ns.run(&["ping", "-c", "1", "-W", "1", "-I", src, dst]))
}

/// HTTP GET from `ns`, bound to `src`; true on a 200.
fn http_from(ns: &Netns, src: &str) -> bool {
    let script = format!(
        "import socket\ns=socket.create_connection(('{SERVER}',8080),2,('{src}',0))\n\
         s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\nprint(s.recv(64).decode(errors='replace'))"
    );
    let o = ns.run(&["python3", "-c", &script]);
    ok(&o) && String::from_utf8_lossy(&o.stdout).contains(" 200 ")
}

/// Polls `cond` every 10 ms; the time it took, or `None` after `timeout`.
fn time_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> Option<Duration> {
    let t0 = Instant::now();
    while t0.elapsed() < timeout {
        if cond() {
            return Some(t0.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn gateways(ns: &Netns, prefix: &str) -> Vec<String> {
    ns.kernel_route(prefix)
        .map(|r| r.gateways())
        .unwrap_or_default()
}

fn bgp_route(ns: &Netns, prefix: &str) -> Option<Vec<String>> {
    ns.kernel_route(prefix)
        .filter(|r| r.protocol.as_deref() == Some("bgp"))
        .map(|r| r.gateways())
}

fn dump(handles: &[NativeHandle]) -> String {
    let mut s = String::new();
    for (i, h) in handles.iter().enumerate() {
        for e in h.events.try_iter() {
            s.push_str(&format!(
                "node{}: {}\n",
                i + 1,
                serde_json::to_string(&e).unwrap()
            ));
        }
    }
    s
}

const FABRIC_S1: &str = "\
frr defaults traditional
hostname fabric
bgp route-map delay-timer 0
router bgp 64500
 bgp router-id 192.168.111.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 192.168.111.11 remote-as 64512
 neighbor 192.168.111.11 timers connect 1
 neighbor 192.168.111.12 remote-as 64512
 neighbor 192.168.111.12 timers connect 1
 neighbor 192.168.111.13 remote-as 64512
 neighbor 192.168.111.13 timers connect 1
 neighbor fd00:111::11 remote-as 64512
 neighbor fd00:111::11 timers connect 1
 neighbor fd00:111::12 remote-as 64512
 neighbor fd00:111::12 timers connect 1
 neighbor fd00:111::13 remote-as 64512
 neighbor fd00:111::13 timers connect 1
 address-family ipv4 unicast
  network 172.26.0.0/16
  network 172.27.0.0/16
 exit-address-family
 address-family ipv6 unicast
  neighbor fd00:111::11 activate
  neighbor fd00:111::12 activate
  neighbor fd00:111::13 activate
 exit-address-family
exit
";

#[test]
fn scenario1_import_native() {
    let Some(lab) = Lab::new("e2e_native_s1", &[Need::Frr, Need::Ping]) else {
        return;
    };
    let t = topology(&lab);
    // The fabric's way back to node1's workload (scenario 1 advertises nothing).
    t.fabric.route_add("10.100.1.0/24 via 192.168.111.11");
    let _frr = FrrRouter::start(&t.fabric, FrrDaemon::ALL, FABRIC_S1);
    let state = scenario("scenario1-import");
    let configs = node_configs(&state);
    let t0 = Instant::now();
    let handles = start_nodes(&t, &configs);
    let mut times = Vec::new();
    for (i, ns) in t.nodes.iter().enumerate() {
        let got = time_until(Duration::from_secs(30), || {
            bgp_route(ns, "172.26.0.0/16").is_some_and(|g| g == [FABRIC])
        });
        assert!(
            got.is_some(),
            "node{}: no 172.26.0.0/16 via {FABRIC} proto bgp; table:\n{}\nevents:\n{}",
            i + 1,
            ns.route_table_text(),
            dump(&handles)
        );
        times.push(t0.elapsed());
    }
    println!(
        "scenario 1 native: 172.26.0.0/16 installed on node1..3 after {times:?} (from speaker start)"
    );
    // The decoy is filtered by the <ID>-in route map, as FRR would.
    std::thread::sleep(Duration::from_millis(500));
    for ns in &t.nodes {
        assert!(
            ns.kernel_route("172.27.0.0/16").is_none(),
            "decoy imported:\n{}",
            ns.route_table_text()
        );
    }
    let node1 = &t.nodes[0];
    assert!(
        wait_until(Duration::from_secs(5), || ping_from(
            node1,
            "10.100.1.10",
            SERVER
        )),
        "workload 10.100.1.10 cannot ping {SERVER}"
    );
    assert!(
        wait_until(Duration::from_secs(10), || http_from(node1, "10.100.1.10")),
        "workload 10.100.1.10 gets no HTTP answer from {SERVER}"
    );

    // Delete the FRRConfiguration: the node agent reloads with nothing for the node.
    let mut deleted = state.clone();
    deleted.frr_configurations.clear();
    let empty = node_configs(&deleted);
    let t1 = Instant::now();
    for (h, c) in handles.iter().zip(&empty) {
        h.reload(c.clone());
    }
    for ns in &t.nodes {
        assert!(
            time_until(Duration::from_secs(10), || ns
                .kernel_route("172.26.0.0/16")
                .is_none())
            .is_some(),
            "route not removed:\n{}",
            ns.route_table_text()
        );
    }
    let removed = t1.elapsed();
    assert!(
        !ping_from(node1, "10.100.1.10", SERVER),
        "traffic still flows after deletion"
    );
    assert!(!http_from(node1, "10.100.1.10"));
    println!(
        "scenario 1 native: FRRConfiguration deleted -> routes gone from node1..3 in {removed:?}"
    );

    // Restore it.
    let t2 = Instant::now();
    for (h, c) in handles.iter().zip(&configs) {
        h.reload(c.clone());
    }
    for ns in &t.nodes {
        assert!(
            time_until(Duration::from_secs(30), || bgp_route(ns, "172.26.0.0/16")
                .is_some_and(|g| g == [FABRIC]))
            .is_some(),
            "route not restored:\n{}\nevents:\n{}",
            ns.route_table_text(),
            dump(&handles)
        );
    }
    let restored = t2.elapsed();
    assert!(wait_until(Duration::from_secs(5), || ping_from(
        node1,
        "10.100.1.10",
        SERVER
    )));
    assert!(wait_until(Duration::from_secs(10), || http_from(
        node1,
        "10.100.1.10"
    )));
    println!(
        "scenario 1 native: FRRConfiguration restored -> routes back on node1..3 in {restored:?}"
    );

    // Shutdown removes our kernel routes.
    for h in handles {
        h.shutdown().expect("clean shutdown");
    }
    for ns in &t.nodes {
        assert!(
            ns.kernel_route("172.26.0.0/16").is_none(),
            "route left after shutdown"
        );
    }
}

const FABRIC_S2: &str = "\
frr defaults traditional
hostname fabric
bgp route-map delay-timer 0
bfd
 profile fabric-bfd
  transmit-interval 100
  receive-interval 100
  detect-multiplier 3
 exit
exit
router bgp 64512
 bgp router-id 192.168.111.1
 no bgp network import-check
 neighbor 192.168.111.11 remote-as 64512
 neighbor 192.168.111.11 timers connect 1
 neighbor 192.168.111.11 bfd profile fabric-bfd
 neighbor 192.168.111.12 remote-as 64512
 neighbor 192.168.111.12 timers connect 1
 neighbor 192.168.111.12 bfd profile fabric-bfd
 neighbor 192.168.111.13 remote-as 64512
 neighbor 192.168.111.13 timers connect 1
 neighbor 192.168.111.13 bfd profile fabric-bfd
 address-family ipv4 unicast
  network 172.26.0.0/16
  maximum-paths ibgp 3
 exit-address-family
exit
";

fn fabric_has_all(fabric: &Netns) -> bool {
    (1..=3).all(|n| {
        bgp_route(fabric, &format!("10.100.{n}.0/24"))
            .is_some_and(|g| g == [format!("192.168.111.1{n}")])
    }) && bgp_route(fabric, "10.100.0.0/16").is_some_and(|g| g.len() == 3)
}

#[test]
fn scenario2_advertise_native() {
    let Some(lab) = Lab::new("e2e_native_s2", &[Need::Frr, Need::Ping]) else {
        return;
    };
    let t = topology(&lab);
    let frr = FrrRouter::start(&t.fabric, FrrDaemon::ALL, FABRIC_S2);
    let state = scenario("scenario2-advertise");
    let configs = node_configs(&state);
    let t0 = Instant::now();
    let handles = start_nodes(&t, &configs);
    let conv = time_until(Duration::from_secs(30), || fabric_has_all(&t.fabric));
    assert!(
        conv.is_some(),
        "fabric did not get every node's /24 and the /16 with 3 next hops:\n{}\nevents:\n{}",
        t.fabric.route_table_text(),
        dump(&handles)
    );
    println!(
        "scenario 2 native: fabric has 10.100.{{1,2,3}}.0/24 and 10.100.0.0/16 x3 ECMP after {:?}",
        t0.elapsed()
    );
    assert_eq!(
        gateways(&t.fabric, "10.100.0.0/16"),
        ["192.168.111.11", "192.168.111.12", "192.168.111.13"]
    );
    // The server reaches a workload by its own address (node2 has 172.26.0.0/16 from the fabric).
    assert!(
        wait_until(Duration::from_secs(10), || t.server.ping("10.100.2.10")),
        "server cannot reach 10.100.2.10; node2 table:\n{}",
        t.nodes[1].route_table_text()
    );

    // Delete the RouteAdvertisements: the generated FRRConfigurations go, the /24s are withdrawn;
    // 10.100.0.0/16 stays (the separate vm-network FRRConfiguration advertises it).
    let mut no_ra = state.clone();
    no_ra.route_advertisements.clear();
    let t1 = Instant::now();
    for (h, c) in handles.iter().zip(node_configs(&no_ra)) {
        h.reload(c);
    }
    let gone = time_until(Duration::from_secs(10), || {
        (1..=3).all(|n| t.fabric.kernel_route(&format!("10.100.{n}.0/24")).is_none())
    });
    assert!(
        gone.is_some(),
        "the /24s are still on the fabric:\n{}",
        t.fabric.route_table_text()
    );
    println!(
        "scenario 2 native: RouteAdvertisements deleted -> /24s withdrawn from the fabric in {:?}",
        t1.elapsed()
    );
    assert_eq!(
        gateways(&t.fabric, "10.100.0.0/16").len(),
        3,
        "the /16 stays"
    );

    // Delete the FRRConfigurations too: everything is withdrawn and traffic stops.
    let mut nothing = no_ra.clone();
    nothing.frr_configurations.clear();
    let t2 = Instant::now();
    for (h, c) in handles.iter().zip(node_configs(&nothing)) {
        h.reload(c);
    }
    assert!(
        time_until(Duration::from_secs(10), || t
            .fabric
            .kernel_route("10.100.0.0/16")
            .is_none())
        .is_some(),
        "the /16 is still on the fabric:\n{}",
        t.fabric.route_table_text()
    );
    println!(
        "scenario 2 native: all FRRConfigurations deleted -> 10.100.0.0/16 withdrawn in {:?}",
        t2.elapsed()
    );
    assert!(!t.server.ping("10.100.2.10"), "traffic still flows");

    // Restore everything.
    let t3 = Instant::now();
    for (h, c) in handles.iter().zip(&configs) {
        h.reload(c.clone());
    }
    assert!(
        time_until(Duration::from_secs(30), || fabric_has_all(&t.fabric)).is_some(),
        "not restored:\n{}\nevents:\n{}",
        t.fabric.route_table_text(),
        dump(&handles)
    );
    println!(
        "scenario 2 native: restored -> all routes back on the fabric in {:?}",
        t3.elapsed()
    );
    assert!(wait_until(Duration::from_secs(10), || t
        .server
        .ping("10.100.2.10")));

    // BFD 100 ms x 3: node2's link fails, the fabric drops its next hop.
    for n in 1..=3 {
        let peer = format!("192.168.111.1{n}");
        frr.wait_bfd_status(&peer, "up", Duration::from_secs(20));
        frr.wait_bgp_up_for(&peer, Duration::from_secs(2), Duration::from_secs(30));
    }
    assert!(
        fabric_has_all(&t.fabric),
        "not converged before the failure"
    );
    let t4 = Instant::now();
    t.fabric.link_down(&t.ports[1]);
    let failover = time_until(Duration::from_secs(5), || {
        gateways(&t.fabric, "10.100.0.0/16") == ["192.168.111.11", "192.168.111.13"]
    });
    let Some(failover) = failover else {
        panic!(
            "fabric kept node2's next hop {:?} after 5 s; BFD: {}",
            t4.elapsed(),
            frr.bfd_peers_json()
        );
    };
    println!(
        "scenario 2 native: node2 link down -> fabric dropped its 10.100.0.0/16 next hop in {failover:?} (BFD 100 ms x 3)"
    );
    assert!(
        failover < Duration::from_secs(1),
        "failover took {failover:?}"
    );
    // It was BFD (the fabric's bridge stays up), and node2's /24 goes with the session.
    let reason = examples::lab::wait_for(Duration::from_secs(2), || {
        let r = frr.bgp_neighbors_json()["192.168.111.12"]["lastNotificationReason"]
            .as_str()
            .map(str::to_string)?;
        r.contains("BFD").then_some(r)
    });
    assert!(
        reason.is_some(),
        "node2's session was not reset by BFD: {}",
        frr.bgp_neighbors_json()["192.168.111.12"]
    );
    assert!(
        time_until(Duration::from_secs(1), || t
            .fabric
            .kernel_route("10.100.2.0/24")
            .is_none())
        .is_some(),
        "10.100.2.0/24 still on the fabric"
    );
    for h in handles {
        h.shutdown().expect("clean shutdown");
    }
}
