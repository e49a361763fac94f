//! Smoke tests of the interop harness (`examples::lab`) against real FRR 8.4 and GoBGP 3.10.
//! Each test skips without root/daemons (fails instead with REQUIRE_INTEROP=1).

use std::time::Duration;

use examples::lab::{
    Capture, FrrDaemon, FrrRouter, GoBgp, GoBgpRoute, Lab, Need, find_binary, sweep_stale,
};
use serde_json::Value;

const T: Duration = Duration::from_secs(20);

fn frr_conf(asn: u32, rid: &str, peer4: &str, peer6: &str, peer_as: u32, nets: &[&str]) -> String {
    let mut c = format!(
        "frr defaults traditional\n\
         !\n\
         router bgp {asn}\n \
         bgp router-id {rid}\n \
         no bgp ebgp-requires-policy\n \
         no bgp default ipv4-unicast\n \
         neighbor {peer4} remote-as {peer_as}\n \
         neighbor {peer4} timers connect 1\n \
         neighbor {peer6} remote-as {peer_as}\n \
         neighbor {peer6} timers connect 1\n \
         address-family ipv4 unicast\n  \
         neighbor {peer4} activate\n"
    );
    for n in nets.iter().filter(|n| !n.contains(':')) {
        c += &format!("  network {n}\n");
    }
    c += &format!(
        " exit-address-family\n address-family ipv6 unicast\n  neighbor {peer6} activate\n"
    );
    for n in nets.iter().filter(|n| n.contains(':')) {
        c += &format!("  network {n}\n");
    }
    c += " exit-address-family\nexit\n";
    // BFD on the IPv4 session (bfdd runs on both routers)
    c = c.replace(
        "router bgp",
        "bfd\n profile fast\n  detect-multiplier 3\n  receive-interval 100\n  \
         transmit-interval 100\n exit\nexit\n!\nrouter bgp",
    );
    c = c.replace(
        &format!(" neighbor {peer4} timers connect 1\n"),
        &format!(" neighbor {peer4} timers connect 1\n neighbor {peer4} bfd profile fast\n"),
    );
    // `network` needs the prefix in the RIB: blackhole statics (staticd) provide it.
    let statics: String = nets
        .iter()
        .map(|n| {
            let v = if n.contains(':') { "ipv6" } else { "ip" };
            format!("{v} route {n} blackhole\n")
        })
        .collect();
    format!("{statics}{c}")
}

/// Two FRR routers, eBGP over IPv4 and IPv6: the networks of one reach the other's BGP table
/// and kernel; a later `reload` adds a network and removes one.
#[test]
fn frr_to_frr_ebgp_dual_stack() {
    let Some(lab) = Lab::new("frr_to_frr", &[Need::Frr, Need::FrrReload, Need::Ping]) else {
        return;
    };
    let r1 = lab.netns("r1");
    let r2 = lab.netns("r2");
    lab.link(&r1, "eth0", &r2, "eth0");
    r1.addr_add("eth0", "10.0.12.1/24");
    r1.addr_add("eth0", "fd00:12::1/64");
    r2.addr_add("eth0", "10.0.12.2/24");
    r2.addr_add("eth0", "fd00:12::2/64");
    assert!(r2.wait_ping("10.0.12.1", Duration::from_secs(5)));
    assert!(r2.wait_ping("fd00:12::1", Duration::from_secs(5)));

    let nets1 = ["10.11.0.0/24", "fd00:11::/64"];
    let frr1 = FrrRouter::start(
        &r1,
        FrrDaemon::ALL,
        &frr_conf(64501, "10.0.12.1", "10.0.12.2", "fd00:12::2", 64502, &nets1),
    );
    let frr2 = FrrRouter::start(
        &r2,
        FrrDaemon::ALL,
        &frr_conf(64502, "10.0.12.2", "10.0.12.1", "fd00:12::1", 64501, &[]),
    );
    let running = frr2.running_config();
    assert!(running.contains("router bgp 64502"), "{running}");
    // unshare --uts: FRR reports the namespace's short name as hostname
    assert!(running.contains("hostname r2"), "{running}");

    frr1.wait_bgp_established("10.0.12.2", T);
    frr1.wait_bgp_established("fd00:12::2", T);
    frr2.wait_bgp_established("10.0.12.1", T);
    frr2.wait_bgp_established("fd00:12::1", T);

    let v4 = frr2.wait_bgp_route("10.11.0.0/24", T);
    assert_eq!(v4["paths"][0]["aspath"]["string"], "64501", "{v4}");
    assert_eq!(v4["paths"][0]["nexthops"][0]["ip"], "10.0.12.1", "{v4}");
    let v6 = frr2.wait_bgp_route("fd00:11::/64", T);
    assert_eq!(v6["paths"][0]["aspath"]["string"], "64501", "{v6}");
    let routes = frr2.bgp_routes_json("ipv4");
    assert!(routes["routes"]["10.11.0.0/24"].is_array(), "{routes}");

    let k4 = r2.wait_kernel_route("10.11.0.0/24", T);
    assert_eq!(k4.protocol.as_deref(), Some("bgp"), "{k4:?}");
    assert_eq!(k4.gateways(), vec!["10.0.12.1".to_string()], "{k4:?}");
    let k6 = r2.wait_kernel_route("fd00:11::/64", T);
    assert_eq!(k6.protocol.as_deref(), Some("bgp"), "{k6:?}");
    assert_eq!(k6.nexthops[0].dev.as_deref(), Some("eth0"), "{k6:?}");
    // r1's own static is a blackhole, not a BGP route
    let own = r1.wait_kernel_route("10.11.0.0/24", T);
    assert_eq!(own.kind.as_deref(), Some("blackhole"), "{own:?}");

    // Replace the config (frr-reload.py): 10.11.0.0/24 goes, 10.13.0.0/24 comes.
    frr1.reload(&frr_conf(
        64501,
        "10.0.12.1",
        "10.0.12.2",
        "fd00:12::2",
        64502,
        &["10.13.0.0/24", "fd00:11::/64"],
    ));
    frr2.wait_bgp_route("10.13.0.0/24", T);
    frr2.wait_no_bgp_route("10.11.0.0/24", T);
    r2.wait_no_kernel_route("10.11.0.0/24", T);
    r2.wait_kernel_route("10.13.0.0/24", T);
    assert!(frr2.bgp_route("fd00:11::/64").is_some());

    // Incremental change (vtysh -f): a community on everything r1 sends.
    frr1.configure(
        "route-map SET-COMM permit 10\n set community 64501:7\nexit\n\
         router bgp 64501\n address-family ipv4 unicast\n  neighbor 10.0.12.2 route-map SET-COMM out\n \
         exit-address-family\nexit\n",
    );
    frr2.wait_bgp_route_where("10.13.0.0/24", T, |v| {
        v["paths"][0]["community"]["string"] == "64501:7"
    });

    // BFD (100 ms x 3) notices a link failure well under a second.
    frr1.wait_bfd_status("10.0.12.2", "up", T);
    frr2.wait_bfd_status("10.0.12.1", "up", T);
    frr1.wait_bgp_up_for("10.0.12.2", Duration::from_secs(1), T);
    let peers = frr1.bfd_peers_json();
    assert!(peers.as_array().is_some_and(|p| !p.is_empty()), "{peers}");
    let t0 = std::time::Instant::now();
    r2.link_down("eth0");
    frr1.wait_bfd_status("10.0.12.2", "down", Duration::from_secs(3));
    println!("BFD down {:?} after link down", t0.elapsed());
    r2.link_up("eth0");
    frr1.wait_bfd_status("10.0.12.2", "up", T);
}

/// GoBGP <-> FRR: a route injected into gobgpd with a community arrives at FRR with it,
/// is installed in the kernel, and disappears when withdrawn.
#[test]
fn gobgp_to_frr_community() {
    let Some(lab) = Lab::new("gobgp_to_frr", &[Need::Frr, Need::GoBgp]) else {
        return;
    };
    let fabric = lab.netns("fabric");
    let node = lab.netns("node1");
    fabric.bridge("br0");
    let port = lab.link_to_bridge(&fabric, "br0", &node, "eth0");
    assert!(port.len() <= 15, "{port}");
    fabric.addr_add("br0", "192.168.111.1/24");
    node.addr_add("eth0", "192.168.111.11/24");
    fabric.addr_add("br0", "fd00:111::1/64");
    node.addr_add("eth0", "fd00:111::11/64");
    let capture = find_binary("tshark").map(|_| Capture::start(&fabric, "br0", "tcp port 179"));

    let gobgp = GoBgp::start(
        &node,
        r#"
[global.config]
  as = 64512
  router-id = "192.168.111.11"
  local-address-list = ["192.168.111.11", "fd00:111::11"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "192.168.111.1"
    peer-as = 64500
  [neighbors.transport.config]
    local-address = "192.168.111.11"
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "fd00:111::1"
    peer-as = 64500
  [neighbors.transport.config]
    local-address = "fd00:111::11"
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
"#,
    );
    let frr = FrrRouter::start(
        &fabric,
        &[FrrDaemon::Zebra, FrrDaemon::Bgpd],
        "frr defaults traditional\n\
         router bgp 64500\n \
         bgp router-id 192.168.111.1\n \
         no bgp ebgp-requires-policy\n \
         neighbor 192.168.111.11 remote-as 64512\n \
         neighbor 192.168.111.11 timers connect 1\n \
         neighbor fd00:111::11 remote-as 64512\n \
         neighbor fd00:111::11 timers connect 1\n \
         address-family ipv6 unicast\n  \
         neighbor fd00:111::11 activate\n \
         exit-address-family\n\
         exit\n",
    );
    gobgp.add_route(
        &GoBgpRoute::new("10.100.1.0/24")
            .community("64512:100")
            .community("no-export")
            .med(10)
            .origin("igp"),
    );
    gobgp.add_route(&GoBgpRoute::new("fd00:10::/48").community("64512:6"));
    assert!(gobgp.has_route("10.100.1.0/24"));
    assert!(gobgp.has_route("fd00:10::/48"));
    gobgp.wait_established("192.168.111.1", T);
    frr.wait_bgp_established("192.168.111.11", T);

    let r = frr.wait_bgp_route("10.100.1.0/24", T);
    let path = &r["paths"][0];
    let comms: Vec<&str> = path["community"]["list"]
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(comms.contains(&"64512:100"), "{r}");
    assert!(comms.contains(&"noExport"), "{r}");
    assert_eq!(path["aspath"]["string"], "64512", "{r}");
    assert_eq!(path["metric"], 10, "{r}");
    assert_eq!(path["nexthops"][0]["ip"], "192.168.111.11", "{r}");
    let k = fabric.wait_kernel_route("10.100.1.0/24", T);
    assert_eq!(k.gateways(), vec!["192.168.111.11".to_string()]);

    gobgp.wait_established("fd00:111::1", T);
    let r6 = frr.wait_bgp_route("fd00:10::/48", T);
    assert_eq!(r6["paths"][0]["community"]["string"], "64512:6", "{r6}");
    let k6 = fabric.wait_kernel_route("fd00:10::/48", T);
    assert_eq!(k6.protocol.as_deref(), Some("bgp"), "{k6:?}");
    assert_eq!(k6.nexthops[0].dev.as_deref(), Some("br0"), "{k6:?}");

    gobgp.del_route("10.100.1.0/24");
    frr.wait_no_bgp_route("10.100.1.0/24", T);
    fabric.wait_no_kernel_route("10.100.1.0/24", T);

    if let Some(cap) = capture {
        let pcap = cap.stop();
        let len = std::fs::metadata(&pcap).map(|m| m.len()).unwrap_or(0);
        // pcap header (24) + at least OPEN/KEEPALIVE/UPDATE segments
        assert!(len > 200, "capture {} has {len} bytes", pcap.display());
    }
}

/// Dropping a lab kills its processes and deletes its namespaces, also when the test panics.
#[test]
fn lab_teardown_on_drop_and_panic() {
    let Some(lab) = Lab::new("teardown", &[Need::Python3, Need::Ping]) else {
        return;
    };
    let ns_list = || {
        String::from_utf8_lossy(
            &std::process::Command::new("ip")
                .args(["netns", "list"])
                .output()
                .unwrap()
                .stdout,
        )
        .into_owned()
    };
    let a = lab.netns("a");
    let b = lab.netns("b");
    lab.link(&a, "eth0", &b, "eth0");
    a.addr_add("eth0", "10.0.0.1/24");
    b.addr_add("eth0", "10.0.0.2/24");
    assert!(b.wait_ping("10.0.0.1", Duration::from_secs(5)));
    let http = a.spawn(
        "http",
        &["python3", "-m", "http.server", "--bind", "10.0.0.1", "8080"],
    );
    let addr: std::net::SocketAddr = "10.0.0.1:8080".parse().unwrap();
    assert!(
        examples::lab::wait_until(Duration::from_secs(10), || b
            .tcp_connect(addr, Duration::from_secs(1))),
        "{}",
        http.log_tail(20)
    );
    let resp = b
        .http_get(addr, "/", Duration::from_secs(5))
        .expect("HTTP response");
    assert!(resp.starts_with("HTTP/1.0 200"), "{resp}");
    http.kill();
    assert!(!http.is_running());
    let sleeper = a.spawn("sleep", &["sleep", "300"]);
    assert!(sleeper.is_running());
    let (pid, names, dir) = (
        sleeper.pid(),
        [a.name().to_string(), b.name().to_string()],
        lab.dir().to_path_buf(),
    );
    assert!(ns_list().contains(&names[0]));
    drop(lab);
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists() || {
            // reaped children vanish; anything left must at least not be our sleep
            std::fs::read_link(format!("/proc/{pid}/exe")).map_or(true, |e| !e.ends_with("sleep"))
        }
    );
    let list = ns_list();
    assert!(
        !list.contains(&names[0]) && !list.contains(&names[1]),
        "{list}"
    );
    if std::env::var("LAB_KEEP").is_err() {
        assert!(!dir.exists());
    }

    // Panic inside a test body: unwinding drops the lab.
    println!("lab_teardown: the next panic message is expected");
    let leaked = std::panic::catch_unwind(|| {
        let lab = Lab::new("teardown_panic", &[]).expect("checked above");
        let ns = lab.netns("p");
        let p = ns.spawn("sleep", &["sleep", "300"]);
        let info = (ns.name().to_string(), p.pid());
        std::panic::panic_any(info);
    })
    .expect_err("closure panics");
    let (name, pid) = leaked
        .downcast_ref::<(String, i32)>()
        .expect("payload")
        .clone();
    assert!(!ns_list().contains(&name));
    assert!(std::fs::read_link(format!("/proc/{pid}/exe")).map_or(true, |e| !e.ends_with("sleep")));

    // A namespace left by a lab whose process died (pid above pid_max) is swept.
    let stale = "lab-4194999-0-sweep-x";
    let ok = std::process::Command::new("ip")
        .args(["netns", "add", stale])
        .status()
        .unwrap();
    assert!(ok.success());
    sweep_stale();
    assert!(!ns_list().contains(stale));
}

/// A config FRR rejects fails loudly: `start` panics with vtysh's complaint, `try_reload`
/// reports a non-zero status and the running config stays as it was.
#[test]
fn frr_rejects_bad_config_loudly() {
    let Some(lab) = Lab::new("frr_bad_config", &[Need::Frr, Need::FrrReload]) else {
        return;
    };
    let ns = lab.netns("r");
    let bad = "router bgp 64500\n nieghbor 10.0.0.2 remote-as 64501\nexit\n";
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        FrrRouter::start(&ns, &[FrrDaemon::Bgpd], bad)
    }))
    .expect_err("start with a bad config panics");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("nieghbor"), "{msg}");
    assert!(msg.contains("rejected the config"), "{msg}");

    let ns2 = lab.netns("r2");
    // frr-k8s style header lines are accepted and keep the harness's log files working
    let good = "frr defaults traditional\nlog stdout informational\nlog timestamp precision 3\n\
                router bgp 64500\n bgp log-neighbor-changes\n neighbor 10.0.0.2 remote-as 64501\nexit\n";
    let frr = FrrRouter::start(&ns2, &[FrrDaemon::Bgpd], good);
    frr.configure("router bgp 64500\n neighbor 10.0.0.2 shutdown\nexit\n");
    frr.configure("router bgp 64500\n no neighbor 10.0.0.2 shutdown\nexit\n");
    let out = frr.try_reload(bad);
    assert!(!out.status.success(), "frr-reload.py accepted {bad:?}");
    let running = frr.running_config();
    assert!(frr.bgp_neighbor_state("10.0.0.2").is_some(), "{running}");
    assert_eq!(running.matches("hostname ").count(), 1, "{running}");
    assert!(running.contains("hostname r2\n"), "{running}");
}
