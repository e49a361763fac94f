//! UPDATEs through a session pair into the RIB: announcements, End-of-RIB, and RFC 7606
//! treat-as-withdraw that keeps the session up.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use bgp_proto::rib::{
    AcceptAll, AdjRibOut, ExportTarget, PathAttrs, PeerInfo, Prefix, Rib, RibConfig,
};
use bgp_proto::session::{Config, Event, PeerAs, Session, SessionEvent, State};
use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use bgp_proto::{Action, AfiSafi};

fn pump(now: Instant, a: &mut Session, b: &mut Session) {
    for _ in 0..20 {
        let mut moved = false;
        if let Some(x) = a.poll_transmit() {
            b.handle_bytes(now, &x);
            moved = true;
        }
        if let Some(x) = b.poll_transmit() {
            a.handle_bytes(now, &x);
            moved = true;
        }
        if !moved {
            return;
        }
    }
}

fn pair() -> (Instant, Session, Session) {
    let now = Instant::now();
    let mut ca = Config::new(65001, Ipv4Addr::new(1, 1, 1, 1), PeerAs::Asn(65002));
    ca.families = vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST];
    let mut cb = Config::new(65002, Ipv4Addr::new(2, 2, 2, 2), PeerAs::Asn(65001));
    cb.families = ca.families.clone();
    cb.passive = true;
    let mut a = Session::new(ca, now);
    let mut b = Session::new(cb, now);
    for s in [&mut a, &mut b] {
        s.handle_event(now, Event::Start);
        s.handle_event(now, Event::TcpConnected);
    }
    pump(now, &mut a, &mut b);
    assert_eq!(b.state(), State::Established);
    while a.poll_event().is_some() {}
    while b.poll_event().is_some() {}
    (now, a, b)
}

/// Feeds b's UPDATE events into `rib`, returns how many were treat-as-withdraw.
fn absorb(b: &mut Session, rib: &mut Rib, peer: bgp_proto::rib::PeerId) -> (usize, Vec<AfiSafi>) {
    let mut taw = 0;
    let mut eor = Vec::new();
    while let Some(e) = b.poll_event() {
        match e {
            SessionEvent::Update(u) => {
                taw += usize::from(u.treat_as_withdraw());
                rib.apply_update(peer, &u.update, u.treat_as_withdraw(), &AcceptAll);
            }
            SessionEvent::EndOfRib(f) => eor.push(f),
            _ => {}
        }
    }
    (taw, eor)
}

#[test]
fn routes_flow_from_adj_rib_out_to_peer_rib_and_malformed_origin_withdraws() {
    let (now, mut a, mut b) = pair();
    // a originates 3000 IPv4 routes and one IPv6 route and exports them to b.
    let mut ra = Rib::new(RibConfig::new(65001, Ipv4Addr::new(1, 1, 1, 1)));
    for i in 0..3000u32 {
        let n = format!("10.{}.{}.0/24", i / 256, i % 256);
        ra.originate(
            Prefix::V4(n.parse().unwrap()),
            PathAttrs::new(
                [PathAttribute::Origin(Origin::Igp)],
                NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
            ),
        );
    }
    ra.originate(
        Prefix::V6("2001:db8:7::/48".parse().unwrap()),
        PathAttrs::new([PathAttribute::Origin(Origin::Igp)], NextHop::Raw(vec![])),
    );
    let info = PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)),
        Ipv4Addr::new(2, 2, 2, 2),
        65002,
        65001,
    );
    let pid = ra.add_peer(info.clone());
    let mut out = AdjRibOut::new(ExportTarget {
        peer: pid,
        info,
        local_as: 65001,
        next_hop_v4: Some(Ipv4Addr::new(192, 0, 2, 1)),
        next_hop_v6: Some("2001:db8::1".parse().unwrap()),
        default_local_pref: 100,
    });
    out.sync_all(&ra, &AcceptAll);
    let mut bytes = Vec::new();
    let msgs = out.encode(a.context(), &mut bytes).unwrap();
    a.send_raw(now, &bytes).unwrap();
    a.send_end_of_rib(now, AfiSafi::IPV4_UNICAST).unwrap();
    pump(now, &mut a, &mut b);

    let mut rb = Rib::new(RibConfig::new(65002, Ipv4Addr::new(2, 2, 2, 2)));
    let from_a = rb.add_peer(PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        Ipv4Addr::new(1, 1, 1, 1),
        65001,
        65002,
    ));
    let (taw, eor) = absorb(&mut b, &mut rb, from_a);
    assert_eq!(taw, 0);
    assert_eq!(eor, [AfiSafi::IPV4_UNICAST]);
    assert_eq!(rb.adj_rib_in_len(from_a), 3001);
    assert_eq!(b.counters().updates_in as usize, msgs + 1);
    let p = Prefix::V4("10.0.5.0/24".parse().unwrap());
    let best = rb.best(&p).unwrap();
    assert_eq!(
        best.attrs.as_path().unwrap(),
        &AsPath::from_sequence([65001])
    );

    // A malformed ORIGIN (value 5) for 10.0.5.0/24: RFC 7606 §7.1 treat-as-withdraw.
    let mut m = bgp_proto::wire::header::MARKER.to_vec();
    let attrs: &[u8] = &[
        0x40, 1, 1, 5, // ORIGIN 5
        0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9, // AS_PATH 65001
        0x40, 3, 4, 192, 0, 2, 1, // NEXT_HOP
    ];
    let body_len = 2 + 2 + attrs.len() + 4;
    m.extend_from_slice(&((19 + body_len) as u16).to_be_bytes());
    m.push(2);
    m.extend_from_slice(&[0, 0]);
    m.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    m.extend_from_slice(attrs);
    m.extend_from_slice(&[24, 10, 0, 5]);
    a.send_raw(now, &m).unwrap();
    pump(now, &mut a, &mut b);
    let mut seen_action = None;
    while let Some(e) = b.poll_event() {
        if let SessionEvent::Update(u) = e {
            seen_action = u.action.clone();
            rb.apply_update(from_a, &u.update, u.treat_as_withdraw(), &AcceptAll);
        }
    }
    assert_eq!(seen_action, Some(Action::TreatAsWithdraw));
    assert_eq!(b.state(), State::Established, "session stays up");
    assert_eq!(b.counters().notifications_out, 0);
    assert_eq!(b.counters().treat_as_withdraw, 1);
    assert!(rb.best(&p).is_none(), "prefix withdrawn");
    assert_eq!(rb.adj_rib_in_len(from_a), 3000);
}
