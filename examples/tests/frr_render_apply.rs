//! The two demo scenarios (spec/demos.md) end to end on real FRR: the bundled manifests
//! (examples/manifests/) are converted and rendered by frr-render for each node, applied to the
//! node's FRR with frr-render's reloader (`vtysh -C`, then `frr-reload.py --reload`), and a fabric
//! FRR checks that sessions come up and exactly the allowed prefixes cross in each direction.
//!
//! Needs root and FRR (skips otherwise, fails with REQUIRE_INTEROP=1).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crd_model::generate::{ClusterState, generate};
use crd_model::{FRRConfiguration, Node, Object, load_str};
use examples::lab::{FrrDaemon, FrrRouter, Lab, Need, Netns, wait_for};
use frr_render::convert::{NodeContext, node_config};
use frr_render::reload::{FrrReloadPy, ReloadOutcome, Reloader, SUCCESS};
use frr_render::{render, validate_with_vtysh};

const S1_FRR: &str = include_str!("../manifests/scenario1-import/frrconfiguration.yaml");
const S1_NODES: &str = include_str!("../manifests/scenario1-import/nodes.yaml");
const S2_FRR: &str = include_str!("../manifests/scenario2-advertise/frrconfiguration.yaml");
const S2_RA: &str = include_str!("../manifests/scenario2-advertise/routeadvertisements.yaml");
const S2_NODES: &str = include_str!("../manifests/scenario2-advertise/nodes.yaml");

const TIMEOUT: Duration = Duration::from_secs(40);

fn objects(files: &[(&str, &str)]) -> Vec<Object> {
    let mut out = Vec::new();
    for (name, text) in files {
        let docs = load_str(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.extend(docs.into_iter().map(|d| d.object));
    }
    out
}

fn split(objs: Vec<Object>) -> (Vec<FRRConfiguration>, Vec<Node>) {
    let mut configs = Vec::new();
    let mut nodes = Vec::new();
    for o in objs {
        match o {
            Object::FRRConfiguration(c) => configs.push(c),
            Object::Node(n) => nodes.push(n),
            _ => {}
        }
    }
    (configs, nodes)
}

/// The rendered frr.conf of every node, from its FRRConfigurations.
fn render_nodes(configs: &[FRRConfiguration], nodes: &[Node]) -> Vec<(String, String)> {
    nodes
        .iter()
        .map(|n| {
            let ctx = NodeContext {
                name: n.metadata.name.clone(),
                labels: n.metadata.labels.clone(),
                has_ipv4_address: true,
                ..Default::default()
            };
            let conv =
                node_config(&ctx, configs, &[]).unwrap_or_else(|e| panic!("{}: {e}", ctx.name));
            (ctx.name, render(&conv.config))
        })
        .collect()
}

/// Scenario 2's FRRConfigurations: the bundled ones plus those the RouteAdvertisements generates.
fn scenario2_configs() -> (Vec<FRRConfiguration>, Vec<Node>) {
    let objs = objects(&[("s2-frr", S2_FRR), ("s2-ra", S2_RA), ("s2-nodes", S2_NODES)]);
    let state = ClusterState::from_objects(objs.clone());
    let generated = generate(&state);
    let (mut configs, nodes) = split(objs);
    let extra: Vec<FRRConfiguration> = generated.desired().map(|(_, c)| c.clone()).collect();
    assert_eq!(extra.len(), 3, "one generated FRRConfiguration per node");
    for (i, mut c) in extra.into_iter().enumerate() {
        if c.metadata.name.is_empty() {
            c.metadata.name = format!("{}{i}", c.metadata.generate_name);
        }
        configs.push(c);
    }
    (configs, nodes)
}

/// Both scenarios render and pass `vtysh -C` without daemons (runs whenever FRR is installed).
#[test]
fn demo_configs_render_and_validate() {
    let (c1, n1) = split(objects(&[("s1-frr", S1_FRR), ("s1-nodes", S1_NODES)]));
    let (c2, n2) = scenario2_configs();
    let mut all = render_nodes(&c1, &n1);
    all.extend(render_nodes(&c2, &n2));
    assert_eq!(all.len(), 6);
    for (node, text) in &all {
        assert!(text.contains(&format!("\nhostname {node}\n")));
    }
    // Scenario 2: node2 advertises its own /24 and the whole VM network, nothing else.
    let n2text = &all[4].1;
    assert!(
        n2text.contains("ip prefix-list 192.168.111.1-allowed-ipv4 seq 1 permit 10.100.0.0/16\n"),
        "{n2text}"
    );
    assert!(
        n2text.contains("ip prefix-list 192.168.111.1-allowed-ipv4 seq 2 permit 10.100.2.0/24\n"),
        "{n2text}"
    );
    assert!(!n2text.contains("seq 3 permit"), "{n2text}");
    if !frr_render::vtysh::vtysh_available() {
        examples::lab::skip("demo_configs_render_and_validate", "vtysh not installed");
        return;
    }
    for (node, text) in &all {
        validate_with_vtysh(text).unwrap_or_else(|e| panic!("{node}: {e}\n{text}"));
    }
}

/// A node's FRR, started empty and configured only through frr-render's reloader.
struct NodeRouter {
    frr: FrrRouter,
    reloader: Reloader<FrrReloadPy>,
}

fn start_node(lab: &Lab, ns: &Netns, text: &str) -> NodeRouter {
    let frr = FrrRouter::start(
        ns,
        &[FrrDaemon::Bgpd, FrrDaemon::Bfdd],
        "frr defaults traditional\n",
    );
    let conf = lab.dir().join(format!("render-{}", ns.short_name()));
    let backend = FrrReloadPy::new(frr.dir(), conf).expect("reloader conf dir");
    let mut reloader = Reloader::with_timing(
        backend,
        Duration::from_millis(10),
        Duration::from_millis(500),
    );
    let t0 = Instant::now();
    assert!(reloader.submit_text(t0, text.to_string()));
    let outcome = reloader.handle_timeout(t0 + Duration::from_millis(10));
    assert_eq!(
        outcome,
        ReloadOutcome::Applied,
        "{}: {:?}\n{}",
        ns.short_name(),
        reloader.status(),
        frr.logs_tail(20)
    );
    assert_eq!(reloader.status().last_reload_result, SUCCESS);
    let running = frr.running_config();
    assert!(running.contains("router bgp 64512"), "{running}");
    NodeRouter { frr, reloader }
}

fn bgp_prefixes(frr: &FrrRouter, afi: &str) -> BTreeSet<String> {
    let v = frr.bgp_routes_json(afi);
    v.get("routes")
        .and_then(|r| r.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Waits until `frr`'s BGP table for `afi` is exactly `want` (and stays so for a moment).
fn wait_exact_prefixes(frr: &FrrRouter, afi: &str, want: &BTreeSet<String>, what: &str) {
    let ok = wait_for(TIMEOUT, || (bgp_prefixes(frr, afi) == *want).then_some(()));
    assert!(
        ok.is_some(),
        "{what}: {afi} table {:?}, want {want:?}",
        bgp_prefixes(frr, afi)
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(bgp_prefixes(frr, afi), *want, "{what}: {afi} table changed");
}

fn fabric_ns(lab: &Lab, nodes: usize) -> (Netns, Vec<Netns>) {
    let fabric = lab.netns("fabric");
    fabric.bridge("br0");
    fabric.addr_add("br0", "192.168.111.1/24");
    fabric.addr_add("br0", "fd00:111::1/64");
    let mut out = Vec::new();
    for i in 1..=nodes {
        let ns = lab.netns(&format!("node{i}"));
        lab.link_to_bridge(&fabric, "br0", &ns, "eth0");
        ns.addr_add("eth0", &format!("192.168.111.1{i}/24"));
        ns.addr_add("eth0", &format!("fd00:111::1{i}/64"));
        out.push(ns);
    }
    (fabric, out)
}

/// Scenario 1: eBGP; the fabric announces the provider network, a decoy and an IPv6 prefix;
/// each node imports exactly 172.26.0.0/16 (into its kernel, via the fabric) and advertises
/// nothing.
#[test]
fn scenario1_import_filtered_on_real_frr() {
    let Some(lab) = Lab::new("frr_render_s1", &[Need::Frr, Need::FrrReload]) else {
        return;
    };
    let (configs, nodes) = split(objects(&[("s1-frr", S1_FRR), ("s1-nodes", S1_NODES)]));
    let rendered = render_nodes(&configs, &nodes);
    let (fabric, node_ns) = fabric_ns(&lab, rendered.len());

    let mut fabric_conf = String::from(
        "frr defaults traditional\nbgp route-map delay-timer 0\nrouter bgp 64500\n bgp router-id 192.168.111.1\n no bgp ebgp-requires-policy\n no bgp network import-check\n",
    );
    for i in 1..=rendered.len() {
        fabric_conf.push_str(&format!(
            " neighbor 192.168.111.1{i} remote-as 64512\n neighbor 192.168.111.1{i} timers connect 1\n neighbor fd00:111::1{i} remote-as 64512\n neighbor fd00:111::1{i} timers connect 1\n"
        ));
    }
    fabric_conf.push_str(" address-family ipv4 unicast\n  network 172.26.0.0/16\n  network 172.27.0.0/16\n exit-address-family\n");
    fabric_conf.push_str(" address-family ipv6 unicast\n  network fd00:26::/48\n");
    for i in 1..=rendered.len() {
        fabric_conf.push_str(&format!("  neighbor fd00:111::1{i} activate\n"));
    }
    fabric_conf.push_str(" exit-address-family\nexit\n");
    let fabric_frr = FrrRouter::start(&fabric, &[FrrDaemon::Bgpd], &fabric_conf);

    let routers: Vec<NodeRouter> = node_ns
        .iter()
        .zip(&rendered)
        .map(|(ns, (_, text))| start_node(&lab, ns, text))
        .collect();
    for (i, r) in routers.iter().enumerate() {
        fabric_frr.wait_bgp_established(&format!("192.168.111.1{}", i + 1), TIMEOUT);
        fabric_frr.wait_bgp_established(&format!("fd00:111::1{}", i + 1), TIMEOUT);
        r.frr.wait_bgp_established("192.168.111.1", TIMEOUT);
        r.frr.wait_bgp_established("fd00:111::1", TIMEOUT);
    }
    for (r, ns) in routers.iter().zip(&node_ns) {
        let name = ns.short_name().to_string();
        wait_exact_prefixes(&r.frr, "ipv4", &set(&["172.26.0.0/16"]), &name);
        wait_exact_prefixes(&r.frr, "ipv6", &set(&[]), &name);
        let kr = ns.wait_kernel_route("172.26.0.0/16", TIMEOUT);
        assert_eq!(kr.gateways(), ["192.168.111.1"], "{name}: {kr:?}");
        assert_eq!(kr.protocol.as_deref(), Some("bgp"));
        assert!(
            ns.kernel_route("172.27.0.0/16").is_none(),
            "{name}: decoy imported"
        );
    }
    // The nodes advertise nothing (empty allowed lists are `deny any`).
    wait_exact_prefixes(
        &fabric_frr,
        "ipv4",
        &set(&["172.26.0.0/16", "172.27.0.0/16"]),
        "fabric",
    );
    wait_exact_prefixes(&fabric_frr, "ipv6", &set(&["fd00:26::/48"]), "fabric");

    // Deleting the FRRConfiguration: the node's config has no router; the route goes away.
    let mut r0 = routers.into_iter().next().unwrap();
    let empty = render_nodes(&[], &nodes[..1]);
    let t = Instant::now();
    assert!(r0.reloader.submit_text(t, empty[0].1.clone()));
    assert_eq!(
        r0.reloader.handle_timeout(t + Duration::from_millis(10)),
        ReloadOutcome::Applied
    );
    node_ns[0].wait_no_kernel_route("172.26.0.0/16", TIMEOUT);
    // Applying it again restores it.
    let t = Instant::now();
    assert!(r0.reloader.submit_text(t, rendered[0].1.clone()));
    assert_eq!(
        r0.reloader.handle_timeout(t + Duration::from_millis(10)),
        ReloadOutcome::Applied
    );
    let kr = node_ns[0].wait_kernel_route("172.26.0.0/16", TIMEOUT);
    assert_eq!(kr.gateways(), ["192.168.111.1"]);
}

/// Scenario 2: iBGP with BFD; each node advertises exactly its own /24 and 10.100.0.0/16; the
/// fabric installs the /16 with one ECMP next hop per node and imports nothing else; the nodes
/// accept everything the fabric sends.
#[test]
fn scenario2_advertise_on_real_frr() {
    let Some(lab) = Lab::new("frr_render_s2", &[Need::Frr, Need::FrrReload]) else {
        return;
    };
    let (configs, nodes) = scenario2_configs();
    let rendered = render_nodes(&configs, &nodes);
    let (fabric, node_ns) = fabric_ns(&lab, rendered.len());

    let mut fabric_conf = String::from(
        "frr defaults traditional\nbgp route-map delay-timer 0\nbfd\n profile fabric-bfd\n  receive-interval 100\n  transmit-interval 100\n  detect-multiplier 3\n exit\nexit\nrouter bgp 64512\n bgp router-id 192.168.111.1\n no bgp network import-check\n",
    );
    for i in 1..=rendered.len() {
        fabric_conf.push_str(&format!(
            " neighbor 192.168.111.1{i} remote-as 64512\n neighbor 192.168.111.1{i} timers connect 1\n neighbor 192.168.111.1{i} bfd\n neighbor 192.168.111.1{i} bfd profile fabric-bfd\n"
        ));
    }
    fabric_conf.push_str(" address-family ipv4 unicast\n  network 172.26.0.0/16\n  maximum-paths ibgp 8\n exit-address-family\nexit\n");
    let fabric_frr = FrrRouter::start(&fabric, &[FrrDaemon::Bgpd, FrrDaemon::Bfdd], &fabric_conf);

    let routers: Vec<NodeRouter> = node_ns
        .iter()
        .zip(&rendered)
        .map(|(ns, (_, text))| start_node(&lab, ns, text))
        .collect();
    for (i, r) in routers.iter().enumerate() {
        let peer = format!("192.168.111.1{}", i + 1);
        fabric_frr.wait_bgp_established(&peer, TIMEOUT);
        r.frr.wait_bgp_established("192.168.111.1", TIMEOUT);
        fabric_frr.wait_bfd_status(&peer, "up", TIMEOUT);
    }
    let want = set(&[
        "10.100.0.0/16",
        "10.100.1.0/24",
        "10.100.2.0/24",
        "10.100.3.0/24",
        "172.26.0.0/16",
    ]);
    wait_exact_prefixes(&fabric_frr, "ipv4", &want, "fabric");
    for i in 1..=3 {
        let kr = fabric.wait_kernel_route(&format!("10.100.{i}.0/24"), TIMEOUT);
        assert_eq!(kr.gateways(), [format!("192.168.111.1{i}")], "{kr:?}");
    }
    let ecmp = examples::lab::wait_for(TIMEOUT, || {
        fabric
            .kernel_route("10.100.0.0/16")
            .filter(|r| r.gateways().len() == 3)
    })
    .unwrap_or_else(|| {
        panic!(
            "no 3-way ECMP for 10.100.0.0/16: {:?}",
            fabric.kernel_route("10.100.0.0/16")
        )
    });
    assert_eq!(
        ecmp.gateways(),
        ["192.168.111.11", "192.168.111.12", "192.168.111.13"]
    );
    // Nodes accept what the fabric sends (mode all).
    for (r, ns) in routers.iter().zip(&node_ns) {
        let kr = ns.wait_kernel_route("172.26.0.0/16", TIMEOUT);
        assert_eq!(kr.gateways(), ["192.168.111.1"]);
        let status = r.reloader.status();
        assert_eq!(status.last_reload_result, SUCCESS);
        assert!(
            status
                .running_config
                .contains("neighbor 192.168.111.1 bfd profile fabric-bfd"),
            "{}",
            status.running_config
        );
    }
}
