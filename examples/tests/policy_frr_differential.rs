//! Differential test: the same inbound policy text applied by FRR 8.4 bgpd and by
//! `route_policy`'s evaluator to the same routes (sent by GoBGP over eBGP) must accept the same
//! prefixes with the same resulting attributes.
//!
//! Skips without root/FRR/GoBGP (prints `SKIP`); fails instead under `REQUIRE_INTEROP=1`.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use examples::lab::{FrrDaemon, FrrRouter, GoBgp, GoBgpRoute, Lab, Need, wait_until};
use ipnet::IpNet;
use route_policy::{
    Action, AsPath, Community, CompiledPolicy, LargeCommunity, Origin, Route, parse,
};
use serde_json::Value;

const T: Duration = Duration::from_secs(30);
const FRR_AS: u32 = 64500;
const PEER_AS: u32 = 64512;
const FRR_ADDR: &str = "192.168.111.1";
const PEER_ADDR: &str = "192.168.111.11";
const FRR_ADDR6: &str = "fd00:111::1";
const PEER_ADDR6: &str = "fd00:111::11";

/// Session addresses and family of one scenario (picked from its routes' family).
struct Family {
    afi: &'static str,
    frr: &'static str,
    peer: &'static str,
    len: u8,
}

const V4: Family = Family {
    afi: "ipv4",
    frr: FRR_ADDR,
    peer: PEER_ADDR,
    len: 24,
};
const V6: Family = Family {
    afi: "ipv6",
    frr: FRR_ADDR6,
    peer: PEER_ADDR6,
    len: 64,
};

/// The attributes compared between FRR and our evaluator.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    as_path: String,
    communities: String,
    large_communities: String,
    med: Option<u64>,
    local_pref: u64,
    weight: u64,
    origin: String,
    next_hop: String,
}

fn origin_str(o: Origin) -> &'static str {
    match o {
        Origin::Igp => "IGP",
        Origin::Egp => "EGP",
        Origin::Incomplete => "incomplete",
    }
}

fn to_gobgp(r: &Route) -> GoBgpRoute {
    GoBgpRoute {
        prefix: r.prefix.to_string(),
        communities: r.communities.iter().map(|c| c.to_string()).collect(),
        large_communities: r.large_communities.iter().map(|c| c.to_string()).collect(),
        // GoBGP prepends its own AS on eBGP; the leftmost AS of our route is that AS.
        as_path: r
            .as_path
            .segments
            .first()
            .map(|s| s.asns[1..].to_vec())
            .unwrap_or_default(),
        med: r.med,
        origin: Some(r.origin.as_str().to_string()),
        ..Default::default()
    }
}

/// `gobgp global rib add` arguments for a route with extended communities (route targets only;
/// GoBgpRoute has no field for them).
fn gobgp_args(r: &Route) -> Vec<String> {
    let mut a = vec!["origin".to_string(), r.origin.as_str().to_string()];
    let path: Vec<String> = r
        .as_path
        .segments
        .first()
        .map(|s| s.asns[1..].iter().map(u32::to_string).collect())
        .unwrap_or_default();
    if !path.is_empty() {
        a.extend(["aspath".to_string(), path.join(",")]);
    }
    if let Some(m) = r.med {
        a.extend(["med".to_string(), m.to_string()]);
    }
    if !r.communities.is_empty() {
        a.extend([
            "community".to_string(),
            r.communities
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ]);
    }
    if !r.large_communities.is_empty() {
        a.extend([
            "large-community".to_string(),
            r.large_communities
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ]);
    }
    for e in &r.ext_communities {
        let text = e.to_string(); // "rt 65000:7"
        let (kw, v) = text.split_once(' ').expect("route target");
        a.extend([kw.to_string(), v.to_string()]);
    }
    a
}

/// What FRR would see from the peer: route `prefix` with these attributes, sent by PEER_AS.
fn route(
    prefix: &str,
    path: &[u32],
    comms: &[&str],
    large: &[&str],
    med: Option<u32>,
    origin: Origin,
) -> Route {
    let mut r = Route::new(prefix.parse::<IpNet>().unwrap());
    r.as_path = AsPath::sequence(std::iter::once(PEER_AS).chain(path.iter().copied()));
    r.communities = comms
        .iter()
        .map(|c| c.parse::<Community>().unwrap())
        .collect();
    r.large_communities = large
        .iter()
        .map(|c| c.parse::<LargeCommunity>().unwrap())
        .collect();
    r.med = med;
    r.origin = origin;
    let peer = if prefix.contains(':') {
        PEER_ADDR6
    } else {
        PEER_ADDR
    };
    r.next_hop = Some(peer.parse::<IpAddr>().unwrap());
    r.peer = Some(peer.parse::<IpAddr>().unwrap());
    r.peer_asn = Some(PEER_AS);
    r
}

fn predicted(policy_text: &str, routes: &[Route]) -> BTreeMap<String, Outcome> {
    let policy = parse(policy_text).expect("policy parses");
    let compiled = CompiledPolicy::new(&policy).expect("policy compiles");
    let mut out = BTreeMap::new();
    for r in routes {
        let mut r = r.clone();
        if compiled.apply("IN", &mut r) == Action::Permit {
            let mut comms = r.communities.clone();
            comms.sort();
            let mut large = r.large_communities.clone();
            large.sort();
            out.insert(
                r.prefix.to_string(),
                Outcome {
                    as_path: r.as_path.to_string(),
                    communities: comms
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                    large_communities: large
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                    med: r.med.map(u64::from),
                    local_pref: u64::from(r.local_pref.unwrap_or(100)),
                    weight: u64::from(r.weight),
                    origin: origin_str(r.origin).to_string(),
                    next_hop: r.next_hop.map(|n| n.to_string()).unwrap_or_default(),
                },
            );
        }
    }
    out
}

fn frr_outcome(frr: &FrrRouter, prefix: &str) -> Option<Outcome> {
    let v = frr.bgp_route(prefix)?;
    let p = &v["paths"][0];
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
    Some(Outcome {
        as_path: s(&p["aspath"]["string"]),
        communities: s(&p["community"]["string"]),
        large_communities: s(&p["largeCommunity"]["string"]),
        med: p["metric"].as_u64(),
        local_pref: p["locPrf"]
            .as_u64()
            .or(p["localpref"].as_u64())
            .unwrap_or(100),
        weight: p["weight"].as_u64().unwrap_or(0),
        origin: s(&p["origin"]),
        next_hop: s(&p["nexthops"][0]["ip"]),
    })
}

fn frr_table(frr: &FrrRouter, fam: &Family) -> BTreeMap<String, Outcome> {
    let table = frr.bgp_routes_json(fam.afi);
    let mut out = BTreeMap::new();
    if let Some(routes) = table["routes"].as_object() {
        for prefix in routes.keys() {
            if let Some(o) = frr_outcome(frr, prefix) {
                out.insert(prefix.clone(), o);
            }
        }
    }
    out
}

fn received_count(frr: &FrrRouter, fam: &Family) -> usize {
    let v = frr.vtysh_json(&format!(
        "show bgp {} unicast neighbors {} received-routes json",
        fam.afi, fam.peer
    ));
    v["receivedRoutes"].as_object().map_or(0, |m| m.len())
}

/// Runs FRR with `policy_text` as inbound route-map `IN` and GoBGP sending `routes`; returns
/// FRR's accepted routes and our prediction.
fn run(
    test: &str,
    policy_text: &str,
    routes: &[Route],
) -> Option<(BTreeMap<String, Outcome>, BTreeMap<String, Outcome>)> {
    let fam = if routes.iter().all(|r| matches!(r.prefix, IpNet::V6(_))) {
        &V6
    } else {
        &V4
    };
    let (frr_addr, peer_addr, afi) = (fam.frr, fam.peer, fam.afi);
    let lab = Lab::new(test, &[Need::Frr, Need::GoBgp])?;
    let fabric = lab.netns("fabric");
    let node = lab.netns("node");
    lab.link(&fabric, "eth0", &node, "eth0");
    fabric.addr_add("eth0", &format!("{}/{}", fam.frr, fam.len));
    node.addr_add("eth0", &format!("{}/{}", fam.peer, fam.len));

    let gobgp = GoBgp::start(
        &node,
        &format!(
            r#"
[global.config]
  as = {PEER_AS}
  router-id = "{PEER_ADDR}"
  local-address-list = ["{peer_addr}"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "{frr_addr}"
    peer-as = {FRR_AS}
  [neighbors.transport.config]
    local-address = "{peer_addr}"
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "{afi}-unicast"
"#
        ),
    );
    for r in routes {
        if r.ext_communities.is_empty() {
            gobgp.add_route(&to_gobgp(r));
        } else {
            gobgp.rib_add(
                &r.prefix.to_string(),
                &gobgp_args(r).iter().map(String::as_str).collect::<Vec<_>>(),
            );
        }
    }
    let config = format!(
        "frr defaults traditional\n\
         bgp route-map delay-timer 0\n\
         {policy_text}\
         router bgp {FRR_AS}\n \
         bgp router-id {FRR_ADDR}\n \
         no bgp ebgp-requires-policy\n \
         neighbor {peer_addr} remote-as {PEER_AS}\n \
         neighbor {peer_addr} timers connect 1\n \
         address-family {afi} unicast\n  \
         neighbor {peer_addr} activate\n  \
         neighbor {peer_addr} soft-reconfiguration inbound\n  \
         neighbor {peer_addr} route-map IN in\n \
         exit-address-family\n\
         exit\n"
    );
    let frr = FrrRouter::start(&fabric, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &config);
    frr.wait_bgp_established(peer_addr, T);
    assert!(
        wait_until(T, || received_count(&frr, fam) == routes.len()),
        "FRR received {} of {} routes",
        received_count(&frr, fam),
        routes.len()
    );
    // Inbound policy runs as each UPDATE is processed; give bgpd a moment to finish the batch.
    std::thread::sleep(Duration::from_millis(500));
    let actual = frr_table(&frr, fam);
    Some((actual, predicted(policy_text, routes)))
}

fn assert_same(actual: &BTreeMap<String, Outcome>, expected: &BTreeMap<String, Outcome>) {
    let mut diffs = Vec::new();
    for (p, e) in expected {
        match actual.get(p) {
            None => diffs.push(format!("{p}: FRR denied, we permit with {e:?}")),
            Some(a) if a != e => diffs.push(format!("{p}:\n   FRR {a:?}\n   ours {e:?}")),
            _ => {}
        }
    }
    for (p, a) in actual {
        if !expected.contains_key(p) {
            diffs.push(format!("{p}: FRR permits with {a:?}, we deny"));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

const PREFIX_POLICY: &str = "\
ip prefix-list PL seq 5 deny 10.1.0.0/16 ge 24 le 25
ip prefix-list PL seq 10 permit 10.0.0.0/8 le 24
ip prefix-list PL seq 15 permit 172.16.0.0/12 ge 20
ip prefix-list PL seq 20 permit 192.168.0.0/16
ip prefix-list PL seq 25 permit 100.64.0.0/10 ge 16 le 16
ip prefix-list PL seq 30 permit 198.18.0.0/15 le 15
ip prefix-list PL seq 35 deny 203.0.113.0/24 ge 26
ip prefix-list PL seq 40 permit 203.0.0.0/8 ge 24 le 32
ip prefix-list PL seq 45 permit 11.0.0.0/8 ge 8
ip prefix-list LP seq 5 permit 0.0.0.0/0 ge 30
ip prefix-list EMPTY description no entries
route-map IN permit 10
 match ip address prefix-list PL
exit
route-map IN permit 20
 match ip address prefix-list MISSING
 set weight 5
exit
route-map IN permit 25
 match ip address prefix-list EMPTY
 match origin egp
 set weight 25
exit
route-map IN permit 30
 match ip address prefix-list LP
 set local-preference 7
exit
";

#[test]
fn prefix_lists_ge_le_edges_match_frr() {
    let o = Origin::Igp;
    let prefixes = [
        "10.0.0.0/8",
        "10.2.0.0/16",
        "10.2.3.0/24",
        "10.2.3.128/25",
        "10.1.2.0/24",
        "10.1.2.0/25",
        "10.1.2.0/26",
        "10.1.0.0/16",
        "172.16.0.0/12",
        "172.16.0.0/19",
        "172.16.0.0/20",
        "172.31.255.0/24",
        "172.31.255.255/32",
        "192.168.0.0/16",
        "192.168.1.0/24",
        "100.64.0.0/16",
        "100.65.0.0/16",
        "100.64.0.0/17",
        "100.64.0.0/10",
        "198.18.0.0/15",
        "198.18.0.0/16",
        "203.0.113.0/24",
        "203.0.113.64/26",
        "203.0.5.0/24",
        "203.0.5.1/32",
        "203.0.0.0/16",
        "11.0.0.0/8",
        "11.1.0.0/16",
        "12.0.0.0/8",
        "10.9.9.0/30",
        "10.9.9.4/31",
        "0.0.0.0/0",
    ];
    let mut routes: Vec<Route> = prefixes
        .iter()
        .map(|p| route(p, &[], &[], &[], None, o))
        .collect();
    // Denied by PL, then matched (or not) by the entry on the list without entries.
    for p in ["12.1.0.0/16", "10.1.3.0/26", "13.0.0.0/8"] {
        routes.push(route(p, &[], &[], &[], None, Origin::Egp));
    }
    let Some((actual, expected)) = run("policy_diff_prefix", PREFIX_POLICY, &routes) else {
        return;
    };
    assert!(
        expected.len() >= 15 && expected.len() < routes.len(),
        "scenario covers permits and denies: {expected:?}"
    );
    assert_same(&actual, &expected);
}

const ATTR_POLICY: &str = "\
ip prefix-list B4 seq 5 permit 20.0.0.0/8 le 32
bgp as-path access-list AP seq 5 permit _65010_
bgp as-path access-list AP-ORIG seq 5 permit ^64512$
bgp community-list standard CL-A seq 5 permit 65000:1
bgp community-list standard CL-AB seq 5 permit 65000:1 65000:2
bgp community-list standard CL-DEL seq 5 deny 65000:2
bgp community-list standard CL-DEL seq 10 permit 65000:1 65000:3
bgp community-list standard CL-DENY seq 5 permit 65000:666
bgp community-list expanded CL-RE seq 5 permit ^65000:1[0-9]$
bgp large-community-list standard LC seq 5 permit 64512:1:1
route-map IN deny 5
 match community CL-DENY
exit
route-map IN permit 10
 match community CL-AB exact-match
 set local-preference 300
 set metric +5
exit
route-map IN permit 20
 match community CL-A
 set local-preference +10
 set community 65000:100 additive
 set comm-list CL-DEL delete
 on-match next
exit
route-map IN permit 30
 match as-path AP
 set as-path prepend 65099 65098
 set metric -3
 on-match goto 50
exit
route-map IN permit 40
 match origin egp
 set weight 40
exit
route-map IN permit 50
 match large-community LC
 set large-community 64512:9:9 additive
 set origin egp
exit
route-map IN permit 60
 match community CL-RE
 set community none
 set as-path prepend last-as 2
 call SUB
exit
route-map IN permit 70
 match as-path AP-ORIG
 match origin incomplete
 set ip next-hop 192.168.111.99
 set weight 70
exit
route-map IN permit 80
 match ip address prefix-list B4
 match community MISSING-CL
exit
route-map SUB permit 10
 match metric 7
 set weight 77
exit
route-map SUB deny 20
exit
";

#[test]
fn communities_as_path_sets_and_flow_control_match_frr() {
    use Origin::*;
    let routes = vec![
        route("20.0.1.0/24", &[], &["65000:666"], &[], None, Igp),
        route("20.0.2.0/24", &[], &["65000:1", "65000:2"], &[], None, Igp),
        route(
            "20.0.3.0/24",
            &[],
            &["65000:1", "65000:2", "65000:3"],
            &[],
            None,
            Igp,
        ),
        route(
            "20.0.4.0/24",
            &[65010],
            &["65000:1"],
            &["64512:1:1"],
            Some(10),
            Incomplete,
        ),
        route("20.0.5.0/24", &[65010], &[], &[], Some(4), Igp),
        route("20.0.6.0/24", &[], &[], &[], None, Egp),
        route("20.0.7.0/24", &[], &["65000:15"], &[], Some(7), Igp),
        route("20.0.8.0/24", &[], &["65000:15"], &[], Some(8), Igp),
        route("20.0.9.0/24", &[], &[], &[], None, Incomplete),
        route("20.0.10.0/24", &[], &[], &[], None, Igp),
        route(
            "20.0.11.0/24",
            &[],
            &["65000:2", "65000:1"],
            &["64512:1:1"],
            None,
            Igp,
        ),
        route(
            "20.0.12.0/24",
            &[],
            &["65000:10", "65000:11"],
            &[],
            None,
            Incomplete,
        ),
        route(
            "20.0.13.0/24",
            &[],
            &["no-export", "65000:1"],
            &[],
            Some(0),
            Incomplete,
        ),
        route(
            "20.0.14.0/24",
            &[65020, 65010, 65030],
            &[],
            &["64512:1:1", "1:2:3"],
            None,
            Igp,
        ),
        route("20.0.15.0/24", &[650100], &[], &[], None, Egp),
    ];
    let Some((actual, expected)) = run("policy_diff_attrs", ATTR_POLICY, &routes) else {
        return;
    };
    assert!(
        expected.len() >= 8 && expected.len() < routes.len(),
        "scenario covers permits and denies: {expected:?}"
    );
    assert_same(&actual, &expected);
}

const EXT_POLICY: &str = "\
bgp community-list expanded EMPTYC seq 5 permit ^$
bgp extcommunity-list standard EC seq 5 permit rt 65000:7
bgp extcommunity-list expanded ECX seq 5 permit RT:65001:[0-9]+
bgp large-community-list expanded LX seq 5 permit ^64512:5:
bgp large-community-list standard LDEL seq 5 permit 64512:9:9
route-map IN permit 10
 match extcommunity EC
 set weight 10
exit
route-map IN permit 20
 match extcommunity ECX
 set local-preference 20
exit
route-map IN permit 30
 match large-community LX
 set large-comm-list LDEL delete
 set metric 30
exit
route-map IN permit 40
 match peer 192.168.111.11
 match metric 40
 set ip next-hop peer-address
 set origin igp
 set weight 40
exit
route-map IN permit 50
 match community EMPTYC
 match origin incomplete
 set community 65000:50 65000:51
exit
";

#[test]
fn ext_and_large_lists_peer_and_empty_communities_match_frr() {
    use Origin::*;
    let rt = |a: u16, v: u32| route_policy::ExtCommunity::route_target_as2(a, v);
    let mut routes = vec![
        route("30.0.1.0/24", &[], &[], &[], None, Igp),
        route("30.0.2.0/24", &[], &[], &[], None, Igp),
        route("30.0.3.0/24", &[], &[], &[], None, Igp),
        route(
            "30.0.4.0/24",
            &[],
            &[],
            &["64512:5:1", "64512:9:9", "1:1:1"],
            Some(3),
            Igp,
        ),
        route("30.0.5.0/24", &[], &[], &["64512:9:9"], None, Igp),
        route("30.0.6.0/24", &[65001], &[], &[], Some(40), Egp),
        route("30.0.7.0/24", &[], &[], &[], Some(41), Incomplete),
        route("30.0.8.0/24", &[], &["65000:1"], &[], None, Incomplete),
        route("30.0.9.0/24", &[], &[], &[], None, Egp),
    ];
    routes[0].ext_communities = vec![rt(65000, 7)];
    routes[1].ext_communities = vec![rt(65001, 12), rt(65000, 8)];
    routes[2].ext_communities = vec![rt(65002, 1)];
    let Some((actual, expected)) = run("policy_diff_ext", EXT_POLICY, &routes) else {
        return;
    };
    assert!(
        expected.len() >= 4 && expected.len() < routes.len(),
        "scenario covers permits and denies: {expected:?}"
    );
    assert_same(&actual, &expected);
}

const V6_POLICY: &str = "\
ipv6 prefix-list P6 seq 5 deny 2001:db8:1::/48 ge 56 le 60
ipv6 prefix-list P6 seq 10 permit 2001:db8::/32 le 48
ipv6 prefix-list P6 seq 15 permit 2001:db8:8000::/33 ge 64
ipv6 prefix-list P6 seq 20 permit fd00:abcd::/32
bgp community-list standard C6 seq 5 permit 65000:6
route-map IN permit 10
 match ipv6 address prefix-list P6
 match community C6
 set ipv6 next-hop global fd00:111::99
 set local-preference 66
exit
route-map IN permit 20
 match ipv6 address prefix-list P6
 set metric +6
exit
route-map IN permit 30
 match ip address prefix-list NONE4
exit
";

#[test]
fn ipv6_prefix_lists_and_next_hop_match_frr() {
    use Origin::*;
    let prefixes = [
        "2001:db8::/32",
        "2001:db8:2::/48",
        "2001:db8:2::/49",
        "2001:db8:1::/56",
        "2001:db8:1::/61",
        "2001:db8:1::/48",
        "2001:db8:8000::/64",
        "2001:db8:8000::/63",
        "2001:db8:ffff::/128",
        "fd00:abcd::/32",
        "fd00:abcd::/33",
        "2001:db9::/32",
        "::/0",
    ];
    let mut routes: Vec<Route> = prefixes
        .iter()
        .map(|p| route(p, &[], &[], &[], None, Igp))
        .collect();
    routes.push(route(
        "2001:db8:3::/48",
        &[],
        &["65000:6"],
        &[],
        Some(1),
        Igp,
    ));
    let Some((actual, expected)) = run("policy_diff_v6", V6_POLICY, &routes) else {
        return;
    };
    assert!(
        expected.len() >= 5 && expected.len() < routes.len(),
        "scenario covers permits and denies: {expected:?}"
    );
    assert_same(&actual, &expected);
}
