//! route maps applied to bgp-proto's attributes (feature `bgp-proto`).
#![cfg(feature = "bgp-proto")]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use bgp_proto::rib::{PathAttrs, PeerInfo, Policy as _, Prefix, Verdict};
use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use bgp_proto::wire::community::Community;
use route_policy::bgp_proto::{BgpRoute, RouteMapPolicy};
use route_policy::{Action, CompiledPolicy, parse};

const POLICY: &str = "\
ip prefix-list PL seq 5 permit 10.0.0.0/8 le 24
bgp community-list standard C seq 5 permit 65000:1
route-map IN permit 10
 match ip address prefix-list PL
 match community C
 set local-preference 250
 set as-path prepend 65099
 set community 65000:2 additive
 set weight 7
exit
route-map IN permit 20
 match ip address prefix-list PL
exit
";

fn attrs(comms: &[u32]) -> PathAttrs {
    let mut a = vec![
        PathAttribute::Origin(Origin::Igp),
        PathAttribute::AsPath(AsPath::from_sequence([64512])),
    ];
    if !comms.is_empty() {
        a.push(PathAttribute::Communities(
            comms.iter().map(|c| Community(*c)).collect(),
        ));
    }
    PathAttrs::new(a, NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)))
}

#[test]
fn route_map_sets_bgp_proto_attributes() {
    let compiled = CompiledPolicy::new(&parse(POLICY).unwrap()).unwrap();
    let mut r = BgpRoute {
        prefix: "10.1.0.0/16".parse().unwrap(),
        attrs: attrs(&[(65000 << 16) | 1]),
        peer: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
        peer_asn: Some(64512),
    };
    assert_eq!(compiled.apply("IN", &mut r), Action::Permit);
    assert_eq!(r.attrs.local_pref(), Some(250));
    assert_eq!(r.attrs.weight, 7);
    assert_eq!(
        r.attrs.as_path().unwrap(),
        &AsPath::from_sequence([65099, 64512])
    );
    let comms = r.attrs.attributes.iter().find_map(|a| match a {
        PathAttribute::Communities(c) => Some(c.iter().map(|c| c.0).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(comms, Some(vec![(65000 << 16) | 1, (65000 << 16) | 2]));
}

#[test]
fn rib_policy_verdicts() {
    let compiled = Arc::new(CompiledPolicy::new(&parse(POLICY).unwrap()).unwrap());
    let policy = RouteMapPolicy::new(compiled.clone(), "IN");
    let peer = PeerInfo {
        address: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        router_id: Ipv4Addr::new(192, 0, 2, 1),
        asn: 64512,
        internal: false,
        role: None,
        local: false,
    };
    let p = |s: &str| Prefix::V4(s.parse().unwrap());
    assert!(matches!(
        policy.apply(&peer, &p("10.1.0.0/16"), &attrs(&[(65000 << 16) | 1])),
        Verdict::Modify(_)
    ));
    assert_eq!(
        policy.apply(&peer, &p("10.1.0.0/16"), &attrs(&[])),
        Verdict::Accept
    );
    assert_eq!(
        policy.apply(&peer, &p("11.0.0.0/8"), &attrs(&[])),
        Verdict::Reject
    );
    assert_eq!(
        RouteMapPolicy::new(compiled, "NOPE").apply(&peer, &p("10.1.0.0/16"), &attrs(&[])),
        Verdict::Reject
    );
}
