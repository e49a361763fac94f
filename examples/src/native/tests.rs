//! Policy equivalence with the rendered FRR configuration for the demo scenarios, and reload
//! diffs. No root needed.

use std::net::IpAddr;
use std::sync::Arc;

use bgp_proto::rib::{PathAttrs, PeerInfo, Policy as _, Prefix, Verdict};
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use ipnet::IpNet;
use route_policy::CompiledPolicy;
use route_policy::bgp_proto::RouteMapPolicy;

use super::plan::{diff, plan};
use crate::agent::{pipeline, plan_cluster};

fn node_config(scenario: &str, node: &str) -> frr_render::Config {
    let scenarios = pipeline::bundled().expect("bundled manifests load");
    let s = scenarios
        .iter()
        .find(|s| s.name == scenario)
        .expect("scenario");
    let cluster = plan_cluster(&s.state);
    let n = cluster
        .nodes
        .into_iter()
        .find(|n| n.node == node)
        .expect("node");
    n.result.expect("node config merges").conversion.config
}

fn attrs(nh: &str) -> PathAttrs {
    let nh = match nh.parse::<IpAddr>().unwrap() {
        IpAddr::V4(a) => NextHop::Ipv4(a),
        IpAddr::V6(a) => NextHop::Ipv6(a),
    };
    PathAttrs::new([PathAttribute::Origin(Origin::Igp)], nh)
}

/// Verdict of route map `map` on `prefix`, once through the objects of `policy_of` (what the
/// speaker runs) and once through the rendered `frr.conf` parsed back (what FRR runs).
fn both(
    config: &frr_render::Config,
    map: &str,
    peer: &PeerInfo,
    prefix: &str,
    nh: &str,
) -> (bool, bool) {
    let native = plan(config).unwrap().policy;
    let text = frr_render::render(config);
    let opts = route_policy::ParseOptions {
        ignore_unknown: true,
    };
    let parsed = route_policy::parse_with(&text, &opts).expect("rendered config parses");
    assert!(
        !parsed.route_maps.is_empty(),
        "rendered route maps read back"
    );
    let frr = Arc::new(CompiledPolicy::new(&parsed).unwrap());
    let net: IpNet = prefix.parse().unwrap();
    let a = attrs(nh);
    let ok = |v: Verdict| !matches!(v, Verdict::Reject);
    (
        ok(RouteMapPolicy::new(native, map).apply(peer, &Prefix::from(net), &a)),
        ok(RouteMapPolicy::new(frr, map).apply(peer, &Prefix::from(net), &a)),
    )
}

#[test]
fn scenario1_import_filters_like_frr() {
    let c = node_config("scenario1-import", "node1");
    let p = plan(&c).unwrap();
    assert_eq!(p.local_as, 64512);
    assert_eq!(p.peers.len(), 2);
    let v4: IpAddr = "192.168.111.1".parse().unwrap();
    let v6: IpAddr = "fd00:111::1".parse().unwrap();
    assert_eq!(p.peers[&v4].import_map, "192.168.111.1-in");
    assert_eq!(p.peers[&v6].export_map, "fd00:111::1-out");
    assert!(p.peers[&v4].bfd.is_none());
    assert!(p.prefixes.is_empty());
    let peer = PeerInfo::new(v4, "192.168.111.1".parse().unwrap(), 64500, 64512);
    let mut checked = 0;
    for (prefix, want) in [
        ("172.26.0.0/16", true),
        ("172.27.0.0/16", false),
        ("172.26.1.0/24", false),
        ("0.0.0.0/0", false),
        ("10.100.0.0/16", false),
    ] {
        let (native, frr) = both(&c, "192.168.111.1-in", &peer, prefix, "192.168.111.1");
        assert_eq!(native, frr, "{prefix}: native and FRR disagree");
        assert_eq!(native, want, "{prefix}");
        checked += 1;
    }
    // Nothing is exported: the node does not re-advertise the provider network.
    for prefix in ["172.26.0.0/16", "10.100.1.0/24"] {
        let (native, frr) = both(&c, "192.168.111.1-out", &peer, prefix, "192.168.111.11");
        assert_eq!((native, frr), (false, false), "{prefix}");
    }
    assert_eq!(checked, 5);
}

#[test]
fn scenario2_export_matches_frr() {
    for (node, own) in [
        ("node1", "10.100.1.0/24"),
        ("node2", "10.100.2.0/24"),
        ("node3", "10.100.3.0/24"),
    ] {
        let c = node_config("scenario2-advertise", node);
        let p = plan(&c).unwrap();
        let fabric: IpAddr = "192.168.111.1".parse().unwrap();
        assert_eq!(p.local_as, 64512);
        assert_eq!(p.peers.len(), 1, "{node}: one neighbor after the merge");
        let bfd = p.peers[&fabric].bfd.clone().expect("BFD profile");
        assert_eq!(
            (
                bfd.receive_interval,
                bfd.transmit_interval,
                bfd.detect_multiplier
            ),
            (Some(100), Some(100), Some(3))
        );
        let own_net: IpNet = own.parse().unwrap();
        assert!(
            p.prefixes.contains(&own_net),
            "{node}: originates {own}: {:?}",
            p.prefixes
        );
        assert!(p.prefixes.contains(&"10.100.0.0/16".parse().unwrap()));
        let peer = PeerInfo::new(fabric, "192.168.111.1".parse().unwrap(), 64512, 64512);
        for prefix in [
            "10.100.1.0/24",
            "10.100.2.0/24",
            "10.100.3.0/24",
            "10.100.0.0/16",
            "172.26.0.0/16",
        ] {
            let (native, frr) = both(&c, "192.168.111.1-out", &peer, prefix, "192.168.111.11");
            assert_eq!(native, frr, "{node} {prefix}");
            let want = prefix == own || prefix == "10.100.0.0/16";
            assert_eq!(native, want, "{node} exports {prefix}");
        }
        // toReceive all: everything is imported.
        let (native, frr) = both(
            &c,
            "192.168.111.1-in",
            &peer,
            "172.27.0.0/16",
            "192.168.111.1",
        );
        assert!(native && frr);
    }
}

#[test]
fn reload_diff_removal_and_restore() {
    let with = node_config("scenario1-import", "node2");
    let mut without = with.clone();
    without.routers.clear();
    // No FRRConfiguration for the node: nothing runs (every session stops, routes go).
    let empty = plan(&without).unwrap();
    assert!(empty.peers.is_empty() && empty.prefixes.is_empty());
    let d = diff(&plan(&with).unwrap(), &empty);
    assert!(d.restart_all);
    assert_eq!(d.removed.len(), 2);
    // Removing the FRRConfiguration in scenario 2 keeps vm-network: the diff withdraws the /24.
    let s2 = node_config("scenario2-advertise", "node2");
    let scenarios = pipeline::bundled().unwrap();
    let mut state = scenarios
        .iter()
        .find(|s| s.name == "scenario2-advertise")
        .unwrap()
        .state
        .clone();
    state.route_advertisements.clear();
    let cluster = plan_cluster(&state);
    let no_ra = cluster
        .nodes
        .into_iter()
        .find(|n| n.node == "node2")
        .unwrap()
        .result
        .unwrap()
        .conversion
        .config;
    let (a, b) = (plan(&s2).unwrap(), plan(&no_ra).unwrap());
    let d = diff(&a, &b);
    assert_eq!(d.withdraw, vec!["10.100.2.0/24".parse::<IpNet>().unwrap()]);
    assert!(
        d.originate.is_empty()
            && d.added.is_empty()
            && d.removed.is_empty()
            && d.restarted.is_empty()
    );
    let fabric: IpAddr = "192.168.111.1".parse().unwrap();
    assert_eq!(d.export_changed, vec![fabric], "the -out map loses the /24");
    let back = diff(&b, &a);
    assert_eq!(
        back.originate,
        vec!["10.100.2.0/24".parse::<IpNet>().unwrap()]
    );
    assert!(diff(&a, &a).is_empty());
    // Scenario 1 → scenario 2 on the same node: the IPv6 neighbor goes, the IPv4 one restarts
    // (remote AS 64500 → 64512) and gains BFD.
    let d = diff(&plan(&with).unwrap(), &a);
    assert_eq!(d.removed, vec!["fd00:111::1".parse::<IpAddr>().unwrap()]);
    assert_eq!(d.restarted, vec![fabric]);
    assert_eq!(d.bfd_changed, vec![fabric]);
    assert_eq!(d.import_changed, vec![fabric]);
}

#[test]
fn neighbor_parameters_follow_the_model() {
    let mut c = node_config("scenario1-import", "node1");
    let n = &mut c.routers[0].neighbors[0];
    n.hold_time = Some(9);
    n.keepalive_time = Some(3);
    n.connect_time = Some(5);
    n.port = Some(1179);
    n.password = frr_render::model::Password("secret".into());
    n.ebgp_multi_hop = true;
    let addr = n.addr.unwrap();
    let p = plan(&c).unwrap();
    let pp = &p.peers[&addr];
    assert_eq!((pp.hold_time, pp.keepalive, pp.port), (9, 3, 1179));
    assert_eq!(pp.connect_retry, std::time::Duration::from_secs(5));
    assert_eq!(pp.password.as_deref(), Some("secret"));
    assert!(pp.ebgp_multihop);
    let mut c2 = c.clone();
    c2.routers[0].neighbors[0].hold_time = Some(70_000);
    let e = plan(&c2).unwrap_err().to_string();
    assert!(e.contains("hold_time"), "{e}");
    let mut c3 = c.clone();
    c3.routers[0].neighbors[0].bfd_profile = "nope".into();
    assert!(plan(&c3).unwrap_err().to_string().contains("bfd_profile"));
    // Changing only the password restarts the session; plan equality otherwise.
    let mut c4 = c.clone();
    c4.routers[0].neighbors[0].password = frr_render::model::Password("other".into());
    assert_eq!(diff(&p, &plan(&c4).unwrap()).restarted, vec![addr]);
}

/// Records `ip` commands instead of running them.
#[derive(Clone, Default)]
struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl super::kernel::RouteSink for Recorder {
    fn ip(&mut self, args: &[String]) -> Result<(), String> {
        self.0.lock().unwrap().push(args.join(" "));
        Ok(())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn config(json: serde_json::Value) -> frr_render::Config {
    serde_json::from_value(json).expect("model JSON")
}

/// Two native speakers over loopback (no root: kernel changes are recorded): the node
/// imports only what its `-in` route map allows, a reload re-evaluates with the new map
/// (route refresh), and shutdown removes the routes.
#[test]
fn two_speakers_import_policy_and_reload() {
    use super::{NativeCommand, NativeEvent, Options};
    let (pa, pb) = (free_port(), free_port());
    let node = |allowed: &[&str]| {
        let prefixes: Vec<_> = allowed
            .iter()
            .map(|p| serde_json::json!({"ip_family": "ipv4", "prefix": p}))
            .collect();
        config(
            serde_json::json!({"routers": [{"my_asn": 64512, "neighbors": [{
            "ip_family": "ipv4", "asn": "64500", "addr": "127.0.0.1", "port": pb,
            "connect_time": 1, "incoming": {"prefixes_v4": prefixes}}]}]}),
        )
    };
    let fabric = config(serde_json::json!({"routers": [{"my_asn": 64500,
        "ipv4_prefixes": ["172.26.0.0/16", "172.27.0.0/16"],
        "neighbors": [{"ip_family": "ipv4", "asn": "64512", "addr": "127.0.0.1", "port": pa,
            "connect_time": 1,
            "outgoing": {"prefixes_v4": ["172.26.0.0/16", "172.27.0.0/16"]}}]}]}));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rec = Recorder::default();
    let log = rec.0.clone();
    let events: Vec<NativeEvent> = rt.block_on(async move {
        let (ftx, _frx) = tokio::sync::mpsc::unbounded_channel();
        let (fctx, fcrx) = tokio::sync::mpsc::unbounded_channel();
        let fopts = Options {
            router_id: Some("10.0.0.2".parse().unwrap()),
            listen_port: pb,
            hostname: "fabric".into(),
        };
        let f = tokio::spawn(super::run_with(
            fabric,
            fopts,
            ftx,
            fcrx,
            Recorder::default(),
        ));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (ctx, crx) = tokio::sync::mpsc::unbounded_channel();
        let opts = Options {
            router_id: Some("10.0.0.1".parse().unwrap()),
            listen_port: pa,
            hostname: "node".into(),
        };
        let n = tokio::spawn(super::run_with(
            node(&["172.26.0.0/16"]),
            opts,
            tx,
            crx,
            rec,
        ));
        let mut seen = Vec::new();
        let mut wait_for = async |want: &dyn Fn(&NativeEvent) -> bool| {
            tokio::time::timeout(std::time::Duration::from_secs(20), async {
                while let Some(e) = rx.recv().await {
                    let hit = want(&e);
                    seen.push(e);
                    if hit {
                        return;
                    }
                }
            })
            .await
            .unwrap_or_else(|_| panic!("timed out; events: {seen:?}"));
        };
        let installed = |p: &'static str| {
            move |e: &NativeEvent| matches!(e, NativeEvent::RouteInstalled { prefix, .. } if prefix == p)
        };
        wait_for(&installed("172.26.0.0/16")).await;
        // Give a filtered 172.27.0.0/16 time to show up if the route map let it through.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        ctx.send(NativeCommand::Reload(Box::new(node(&[
            "172.26.0.0/16",
            "172.27.0.0/16",
        ]))))
        .unwrap();
        wait_for(&installed("172.27.0.0/16")).await;
        ctx.send(NativeCommand::Shutdown).unwrap();
        wait_for(&|e: &NativeEvent| matches!(e, NativeEvent::Stopped)).await;
        n.await.unwrap().unwrap();
        fctx.send(NativeCommand::Shutdown).unwrap();
        f.await.unwrap().unwrap();
        seen
    });
    let log = log.lock().unwrap().clone();
    let first_27 = log.iter().position(|l| l.contains("172.27.0.0/16"));
    let reload = events
        .iter()
        .position(|e| matches!(e, NativeEvent::Reloaded { .. }))
        .expect("reloaded");
    assert!(
        events[..reload]
            .iter()
            .all(|e| !matches!(e, NativeEvent::RouteInstalled { prefix, .. } if prefix == "172.27.0.0/16")),
        "decoy imported before the reload: {events:?}"
    );
    assert!(first_27.is_some(), "{log:?}");
    assert!(
        log.contains(
            &"-4 route replace 172.26.0.0/16 proto 186 metric 20 nexthop via 127.0.0.1".to_string()
        ),
        "{log:?}"
    );
    // Shutdown removed both routes.
    for p in ["172.26.0.0/16", "172.27.0.0/16"] {
        assert!(
            log.contains(&format!("-4 route del {p} proto 186 metric 20")),
            "{p} not removed: {log:?}"
        );
    }
}
