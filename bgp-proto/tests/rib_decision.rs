//! Loc-RIB decision process (RFC 4271 §9.1), multipath, Adj-RIB-In maintenance and Adj-RIB-Out
//! export/encoding.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bgp_proto::rib::{
    AcceptAll, AdjRibOut, ExportTarget, PathAttrs, PeerId, PeerInfo, Prefix, Rib, RibConfig,
    Verdict,
};
use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::MpReach;
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute, code};
use bgp_proto::wire::capability::Role;
use bgp_proto::wire::message::Message;
use bgp_proto::wire::nlri::{Ipv4Prefix, Ipv6Prefix, Nlri};
use bgp_proto::{AfiSafi, SessionContext, Update};

const LOCAL_AS: u32 = 65000;

fn rib() -> Rib {
    Rib::new(RibConfig::new(LOCAL_AS, Ipv4Addr::new(10, 255, 0, 1)))
}

fn peer(rib: &mut Rib, n: u8, asn: u32) -> PeerId {
    rib.add_peer(PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, n)),
        Ipv4Addr::new(10, 0, 0, n),
        asn,
        LOCAL_AS,
    ))
}

fn attrs(path: &[u32], extra: Vec<PathAttribute>) -> PathAttrs {
    let mut v = vec![
        PathAttribute::Origin(Origin::Igp),
        PathAttribute::AsPath(AsPath::from_sequence(path.iter().copied())),
    ];
    v.extend(extra);
    PathAttrs::new(v, NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 99)))
}

fn pfx(s: &str) -> Prefix {
    Prefix::V4(s.parse().unwrap())
}

/// Inserts `a` from p1 and `b` from p2 and returns which peer wins.
fn winner(rib: &mut Rib, p1: PeerId, a: PathAttrs, p2: PeerId, b: PathAttrs) -> PeerId {
    let p = pfx("203.0.113.0/24");
    let a = rib.intern(a);
    let b = rib.intern(b);
    rib.insert(p1, p, 0, a);
    rib.insert(p2, p, 0, b);
    rib.best(&p).unwrap().peer
}

#[test]
fn each_decision_step_picks_the_rfc_winner() {
    // (description, attrs of p1, attrs of p2, expected winner index 1 or 2)
    let cases: Vec<(&str, PathAttrs, PathAttrs, u8)> = vec![
        (
            "higher weight",
            {
                let mut a = attrs(&[65001, 1, 2, 3], vec![]);
                a.weight = 10;
                a
            },
            attrs(&[65002], vec![]),
            1,
        ),
        (
            "higher local pref",
            attrs(&[65001, 1], vec![PathAttribute::LocalPref(200)]),
            attrs(&[65002], vec![PathAttribute::LocalPref(100)]),
            1,
        ),
        (
            "shorter as path",
            attrs(&[65001, 1, 2], vec![]),
            attrs(&[65002, 1], vec![]),
            2,
        ),
        (
            "lower origin",
            {
                let mut a = attrs(&[65001], vec![]);
                a.set(PathAttribute::Origin(Origin::Incomplete));
                a
            },
            attrs(&[65002], vec![]),
            2,
        ),
        (
            "med ignored across neighbor ASes → router id",
            attrs(&[65001], vec![PathAttribute::MultiExitDisc(50)]),
            attrs(&[65002], vec![PathAttribute::MultiExitDisc(10)]),
            1,
        ),
    ];
    for (what, a, b, want) in cases {
        let mut r = rib();
        let p1 = peer(&mut r, 1, 65001);
        let p2 = peer(&mut r, 2, 65002);
        let got = winner(&mut r, p1, a, p2, b);
        let want = if want == 1 { p1 } else { p2 };
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn med_compared_within_same_neighbor_as_or_always() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    let p2 = peer(&mut r, 2, 65001);
    let w = winner(
        &mut r,
        p1,
        attrs(&[65001], vec![PathAttribute::MultiExitDisc(50)]),
        p2,
        attrs(&[65001], vec![PathAttribute::MultiExitDisc(10)]),
    );
    assert_eq!(
        w, p2,
        "same neighbor AS: lower MED wins over lower router id"
    );

    let mut cfg = RibConfig::new(LOCAL_AS, Ipv4Addr::new(10, 255, 0, 1));
    cfg.decision.always_compare_med = true;
    let mut r = Rib::new(cfg);
    let p1 = peer(&mut r, 1, 65001);
    let p2 = peer(&mut r, 2, 65002);
    let w = winner(
        &mut r,
        p1,
        attrs(&[65001], vec![PathAttribute::MultiExitDisc(50)]),
        p2,
        attrs(&[65002], vec![PathAttribute::MultiExitDisc(10)]),
    );
    assert_eq!(w, p2, "always-compare-med");
}

#[test]
fn ebgp_beats_ibgp_then_router_id_then_address() {
    let mut r = rib();
    let ibgp = peer(&mut r, 1, LOCAL_AS);
    let ebgp = peer(&mut r, 2, 65002);
    let w = winner(
        &mut r,
        ibgp,
        attrs(&[65009], vec![]),
        ebgp,
        attrs(&[65002], vec![]),
    );
    assert_eq!(w, ebgp);

    // Same router id: lower peer address decides.
    let mut r = rib();
    let a = r.add_peer(PeerInfo::new(
        "192.0.2.20".parse().unwrap(),
        Ipv4Addr::new(1, 1, 1, 1),
        65001,
        LOCAL_AS,
    ));
    let b = r.add_peer(PeerInfo::new(
        "192.0.2.10".parse().unwrap(),
        Ipv4Addr::new(1, 1, 1, 1),
        65001,
        LOCAL_AS,
    ));
    let w = winner(
        &mut r,
        a,
        attrs(&[65001], vec![]),
        b,
        attrs(&[65001], vec![]),
    );
    assert_eq!(w, b);
}

#[test]
fn locally_originated_routes_win() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    let p = pfx("198.51.100.0/24");
    let a = r.intern(attrs(&[65001], vec![PathAttribute::LocalPref(1000)]));
    r.insert(p1, p, 0, a);
    r.originate(p, attrs(&[], vec![]));
    assert_eq!(r.best(&p).unwrap().peer, PeerId::LOCAL);
}

#[test]
fn multipath_selects_equal_paths_from_different_peers() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    let p2 = peer(&mut r, 2, 65002);
    let p3 = peer(&mut r, 3, 65003);
    let p = pfx("203.0.113.0/24");
    for (peer, path) in [
        (p1, vec![65001, 9]),
        (p2, vec![65002, 9]),
        (p3, vec![65003, 8, 9]),
    ] {
        let a = r.intern(attrs(&path, vec![]));
        r.insert(peer, p, 0, a);
    }
    let mp: Vec<PeerId> = r.multipath(&p).iter().map(|x| x.peer).collect();
    assert_eq!(mp, [p1, p2], "longer AS path is not a multipath");
    assert_eq!(r.paths(&p).len(), 3);
    // Withdrawing the best promotes the other equal path, alone.
    r.take_changes();
    assert!(r.remove_path(p1, p, 0));
    assert_eq!(r.multipath(&p).len(), 1);
    assert_eq!(r.best(&p).unwrap().peer, p2);
    assert_eq!(r.take_changes(), vec![p]);

    // Two ADD-PATH paths of one peer are not ECMP between peers.
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    for id in [1, 2] {
        let mut a = attrs(&[65001, 9], vec![]);
        a.next_hop = NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, id as u8));
        let a = r.intern(a);
        r.insert(p1, p, id, a);
    }
    assert_eq!(r.paths(&p).len(), 2);
    assert_eq!(r.multipath(&p).len(), 1);

    // max_paths 1 disables multipath.
    let mut cfg = RibConfig::new(LOCAL_AS, Ipv4Addr::new(10, 255, 0, 1));
    cfg.decision.max_paths = 1;
    let mut r = Rib::new(cfg);
    let p1 = peer(&mut r, 1, 65001);
    let p2 = peer(&mut r, 2, 65002);
    winner(
        &mut r,
        p1,
        attrs(&[65001], vec![]),
        p2,
        attrs(&[65002], vec![]),
    );
    assert_eq!(r.multipath(&p).len(), 1);
}

fn v4_update(prefixes: &[&str], path: &[u32]) -> Update {
    Update {
        withdrawn: vec![],
        attributes: vec![
            PathAttribute::Origin(Origin::Igp),
            PathAttribute::AsPath(AsPath::from_sequence(path.iter().copied())),
            PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
        ],
        nlri: prefixes
            .iter()
            .map(|p| Ipv4Prefix::new(p.parse().unwrap()))
            .collect(),
    }
}

#[test]
fn updates_fill_and_empty_the_adj_rib_in() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    let u = v4_update(&["10.1.0.0/16", "10.2.0.0/16"], &[65001]);
    let s = r.apply_update(p1, &u, false, &AcceptAll);
    assert_eq!(s.announced, 2);
    let v6 = Update {
        attributes: vec![
            PathAttribute::MpReach(MpReach {
                family: AfiSafi::IPV6_UNICAST,
                next_hop: NextHop::Ipv6("2001:db8::1".parse().unwrap()),
                nlri: Nlri::Ipv6(vec![Ipv6Prefix::new("2001:db8:1::/48".parse().unwrap())]),
            }),
            PathAttribute::Origin(Origin::Igp),
            PathAttribute::AsPath(AsPath::from_sequence([65001])),
        ],
        ..Default::default()
    };
    r.apply_update(p1, &v6, false, &AcceptAll);
    assert_eq!(r.adj_rib_in_len(p1), 3);
    let v6p = Prefix::V6("2001:db8:1::/48".parse().unwrap());
    assert_eq!(
        r.best(&v6p).unwrap().attrs.next_hop,
        NextHop::Ipv6("2001:db8::1".parse().unwrap())
    );
    assert_eq!(r.adj_rib_in(p1).count(), 3);
    // The two IPv4 routes share one attribute set.
    assert!(Arc::ptr_eq(
        &r.best(&pfx("10.1.0.0/16")).unwrap().attrs,
        &r.best(&pfx("10.2.0.0/16")).unwrap().attrs
    ));
    let w = Update {
        withdrawn: vec![Ipv4Prefix::new("10.1.0.0/16".parse().unwrap())],
        ..Default::default()
    };
    assert_eq!(r.apply_update(p1, &w, false, &AcceptAll).withdrawn, 1);
    assert!(r.best(&pfx("10.1.0.0/16")).is_none());
    // RFC 7606 treat-as-withdraw removes the announced prefixes.
    let s = r.apply_update(p1, &v4_update(&["10.2.0.0/16"], &[65001]), true, &AcceptAll);
    assert_eq!((s.announced, s.withdrawn), (0, 1));
    assert_eq!(r.adj_rib_in_len(p1), 1);
    assert_eq!(r.peer_down(p1), 1);
    assert!(r.is_empty());
}

#[test]
fn attribute_sets_are_interned_across_updates() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    for i in 0..100u32 {
        let prefixes: Vec<String> = (0..10).map(|j| format!("10.{i}.{j}.0/24")).collect();
        let refs: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        r.apply_update(p1, &v4_update(&refs, &[65001, 7]), false, &AcceptAll);
    }
    assert_eq!(r.len(), 1000);
    assert_eq!(r.attribute_sets(), 1);
}

#[test]
fn import_policy_can_reject_and_modify() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    let policy = |_: &PeerInfo, p: &Prefix, a: &PathAttrs| {
        if p.to_string().starts_with("10.9.") {
            return Verdict::Reject;
        }
        let mut a = a.clone();
        a.set(PathAttribute::LocalPref(250));
        Verdict::Modify(Box::new(a))
    };
    let s = r.apply_update(
        p1,
        &v4_update(&["10.9.0.0/16", "10.8.0.0/16"], &[65001]),
        false,
        &policy,
    );
    assert_eq!((s.announced, s.rejected), (1, 1));
    assert_eq!(
        r.best(&pfx("10.8.0.0/16")).unwrap().attrs.local_pref(),
        Some(250)
    );
    assert!(r.best(&pfx("10.9.0.0/16")).is_none());
}

#[test]
fn otc_leaks_from_customers_are_dropped_and_provider_routes_marked() {
    let mut r = rib();
    let mut info = PeerInfo::new(
        "192.0.2.1".parse().unwrap(),
        Ipv4Addr::new(1, 1, 1, 1),
        65001,
        LOCAL_AS,
    );
    info.role = Some(Role::Customer);
    let cust = r.add_peer(info.clone());
    let mut u = v4_update(&["10.1.0.0/16"], &[65001]);
    u.attributes.push(PathAttribute::Otc(64999));
    let s = r.apply_update(cust, &u, false, &AcceptAll);
    assert_eq!(s.rejected, 1);
    assert!(r.is_empty());
    info.role = Some(Role::Provider);
    info.address = "192.0.2.2".parse().unwrap();
    let prov = r.add_peer(info);
    r.apply_update(
        prov,
        &v4_update(&["10.1.0.0/16"], &[65001]),
        false,
        &AcceptAll,
    );
    assert_eq!(
        r.best(&pfx("10.1.0.0/16")).unwrap().attrs.otc(),
        Some(65001)
    );
}

#[test]
fn graceful_restart_stale_paths_are_swept() {
    let mut r = rib();
    let p1 = peer(&mut r, 1, 65001);
    r.apply_update(
        p1,
        &v4_update(&["10.1.0.0/16", "10.2.0.0/16"], &[65001]),
        false,
        &AcceptAll,
    );
    assert_eq!(r.mark_stale(p1, &[AfiSafi::IPV4_UNICAST]), 2);
    assert!(r.best(&pfx("10.1.0.0/16")).unwrap().stale);
    // Refreshed after restart: fresh again.
    r.apply_update(
        p1,
        &v4_update(&["10.1.0.0/16"], &[65001]),
        false,
        &AcceptAll,
    );
    assert!(!r.best(&pfx("10.1.0.0/16")).unwrap().stale);
    assert_eq!(r.sweep_stale(p1, AfiSafi::IPV4_UNICAST), 1);
    assert!(r.best(&pfx("10.2.0.0/16")).is_none());
    assert_eq!(r.adj_rib_in_len(p1), 1);
}

fn target(rib: &mut Rib, n: u8, asn: u32) -> (PeerId, ExportTarget) {
    let info = PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, n)),
        Ipv4Addr::new(10, 0, 0, n),
        asn,
        LOCAL_AS,
    );
    let id = rib.add_peer(info.clone());
    (
        id,
        ExportTarget {
            peer: id,
            info,
            local_as: LOCAL_AS,
            next_hop_v4: Some(Ipv4Addr::new(192, 0, 2, 254)),
            next_hop_v6: Some("2001:db8::fe".parse::<Ipv6Addr>().unwrap()),
            default_local_pref: 100,
        },
    )
}

fn decode_all(bytes: &[u8], ctx: &SessionContext) -> Vec<Update> {
    let mut off = 0;
    let mut out = Vec::new();
    while off < bytes.len() {
        let d = Message::decode(&bytes[off..], ctx).unwrap();
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert!(d.length <= ctx.max_message_len());
        if let Message::Update(u) = d.message {
            out.push(u);
        }
        off += d.length;
    }
    out
}

#[test]
fn adj_rib_out_exports_to_ebgp_and_splits_updates() {
    let mut r = rib();
    let (src, _) = target(&mut r, 1, 65001);
    let (dst, t) = target(&mut r, 2, 65002);
    let prefixes: Vec<String> = (0..2000)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let refs: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    let mut u = v4_update(&refs, &[65001]);
    u.attributes.push(PathAttribute::MultiExitDisc(5));
    u.attributes.push(PathAttribute::LocalPref(300));
    r.apply_update(src, &u, false, &AcceptAll);
    r.originate(
        Prefix::V6("2001:db8:5::/48".parse().unwrap()),
        attrs(&[], vec![]),
    );
    let mut out = AdjRibOut::new(t);
    out.sync_all(&r, &AcceptAll);
    let ctx = SessionContext::four_octet();
    let mut bytes = Vec::new();
    let n = out.encode(&ctx, &mut bytes).unwrap();
    let ups = decode_all(&bytes, &ctx);
    assert_eq!(ups.len(), n);
    assert!(n >= 3, "2000 /24 need several 4096-octet UPDATEs, got {n}");
    let total: usize = ups.iter().map(|u| u.announced_len()).sum();
    assert_eq!(total, 2001);
    let v4 = ups.iter().find(|u| !u.nlri.is_empty()).unwrap();
    assert_eq!(
        v4.as_path().unwrap().asns().collect::<Vec<_>>(),
        [LOCAL_AS, 65001]
    );
    assert_eq!(v4.next_hop(), Some(Ipv4Addr::new(192, 0, 2, 254)));
    assert_eq!(v4.local_pref(), None, "no LOCAL_PREF to eBGP");
    assert_eq!(v4.med(), None, "MED from another AS is not passed on");
    let v6 = ups.iter().find(|u| u.mp_reach().is_some()).unwrap();
    assert_eq!(
        v6.mp_reach().unwrap().next_hop,
        NextHop::Ipv6("2001:db8::fe".parse().unwrap())
    );
    assert_eq!(out.len(), 2001);

    // Route removed from the Loc-RIB → withdrawal.
    r.take_changes();
    r.remove_path(src, pfx("10.0.0.0/24"), 0);
    let ch = r.take_changes();
    out.sync(&r, &ch, &AcceptAll);
    let mut bytes = Vec::new();
    out.encode(&ctx, &mut bytes).unwrap();
    let ups = decode_all(&bytes, &ctx);
    assert_eq!(ups.len(), 1);
    assert_eq!(
        ups[0].withdrawn,
        vec![Ipv4Prefix::new("10.0.0.0/24".parse().unwrap())]
    );
    // Nothing pending → nothing sent.
    let mut bytes = Vec::new();
    assert_eq!(out.encode(&ctx, &mut bytes).unwrap(), 0);
    // Routes are not sent back to the peer they came from.
    let _ = dst;
}

#[test]
fn ibgp_learnt_routes_stay_out_of_ibgp_and_get_local_pref() {
    let mut r = rib();
    let (ibgp_src, _) = target(&mut r, 1, LOCAL_AS);
    let (_, t_ibgp) = target(&mut r, 2, LOCAL_AS);
    let (ebgp_src, t_src) = target(&mut r, 3, 65003);
    r.apply_update(
        ibgp_src,
        &v4_update(&["10.1.0.0/16"], &[65009]),
        false,
        &AcceptAll,
    );
    r.apply_update(
        ebgp_src,
        &v4_update(&["10.2.0.0/16"], &[65003]),
        false,
        &AcceptAll,
    );
    let mut out = AdjRibOut::new(t_ibgp);
    out.sync_all(&r, &AcceptAll);
    let ctx = SessionContext::four_octet();
    let mut bytes = Vec::new();
    out.encode(&ctx, &mut bytes).unwrap();
    let ups = decode_all(&bytes, &ctx);
    let all: Vec<Ipv4Prefix> = ups.iter().flat_map(|u| u.nlri.clone()).collect();
    assert_eq!(all, vec![Ipv4Prefix::new("10.2.0.0/16".parse().unwrap())]);
    assert_eq!(ups[0].local_pref(), Some(100));
    assert_eq!(
        ups[0].as_path().unwrap().asns().collect::<Vec<_>>(),
        [65003],
        "no prepend to iBGP"
    );
    assert_eq!(
        ups[0].next_hop(),
        Some(Ipv4Addr::new(192, 0, 2, 1)),
        "next hop unchanged to iBGP"
    );
    // Back to the eBGP source: its own route is not echoed.
    let mut back = AdjRibOut::new(t_src);
    back.sync_all(&r, &AcceptAll);
    assert!(back.advertised(&pfx("10.2.0.0/16")).is_none() && back.pending() == 1);
    assert!(
        ups.iter()
            .all(|u| u.attribute(code::ORIGINATOR_ID).is_none())
    );
}
