//! RFC 4271 §8 state machine driven with a virtual clock: two sessions wired back to back, and
//! hand-made OPENs for every refusal.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use bgp_proto::session::{
    Config, DownReason, Event, GracefulRestartConfig, Initiator, PeerAs, Session, SessionEvent,
    State, end_of_rib, end_of_rib_family, resolve_collision,
};
use bgp_proto::wire::capability::{Capability, Role};
use bgp_proto::wire::message::Message;
use bgp_proto::wire::notification::Notification;
use bgp_proto::{AfiSafi, Open, SessionContext};

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn cfg(asn: u32, id: Ipv4Addr, peer: PeerAs) -> Config {
    let mut c = Config::new(asn, id, peer);
    c.families = vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST];
    c.seed = u64::from(u32::from(id));
    c
}

fn drain(s: &mut Session) -> Vec<SessionEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

/// Moves bytes both ways until neither side has anything to send.
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

fn established_pair(ca: Config, cb: Config) -> (Instant, Session, Session) {
    let now = Instant::now();
    let mut a = Session::new(ca, now);
    let mut b = Session::new(cb, now);
    a.handle_event(now, Event::Start);
    b.handle_event(now, Event::Start);
    assert_eq!(a.state(), State::Connect);
    assert!(drain(&mut a).contains(&SessionEvent::Connect));
    a.handle_event(now, Event::TcpConnected);
    b.handle_event(now, Event::TcpConnected);
    pump(now, &mut a, &mut b);
    assert_eq!(a.state(), State::Established);
    assert_eq!(b.state(), State::Established);
    (now, a, b)
}

fn ebgp_pair() -> (Instant, Session, Session) {
    let mut cb = cfg(4_200_000_002, B, PeerAs::Asn(65001));
    cb.passive = true;
    cb.hold_time = 30;
    established_pair(cfg(65001, A, PeerAs::Asn(4_200_000_002)), cb)
}

/// The NOTIFICATION `s` sent (decoded from its transmit buffer).
fn sent_notification(s: &mut Session) -> Notification {
    let bytes = s.poll_transmit().expect("something sent");
    let mut off = 0;
    while off < bytes.len() {
        let d = Message::decode(&bytes[off..], &SessionContext::default()).unwrap();
        if let Message::Notification(n) = d.message {
            return n;
        }
        off += d.length;
    }
    panic!("no NOTIFICATION in {bytes:?}");
}

/// A session in OpenSent that receives `open`; returns it with the NOTIFICATION it sent.
fn refuse(config: Config, open: &Open) -> (Session, Notification) {
    let now = Instant::now();
    let mut s = Session::new(config, now);
    s.handle_event(now, Event::Start);
    s.handle_event(now, Event::TcpConnected);
    s.poll_transmit();
    let mut buf = Vec::new();
    open.encode(&mut buf);
    s.handle_bytes(now, &buf);
    let n = sent_notification(&mut s);
    assert_eq!(s.state(), State::Idle);
    let ev = drain(&mut s);
    assert!(ev.contains(&SessionEvent::NotificationSent(n.clone())));
    assert!(ev.contains(&SessionEvent::Disconnect));
    (s, n)
}

fn peer_open(asn: u32, hold: u16, id: Ipv4Addr, extra: Vec<Capability>) -> Open {
    let mut caps = vec![
        Capability::Multiprotocol(AfiSafi::IPV4_UNICAST),
        Capability::FourOctetAs(asn),
    ];
    caps.extend(extra);
    Open::new(asn, hold, id, caps)
}

#[test]
fn ebgp_pair_negotiates_smallest_hold_time_and_common_families() {
    let mut cb = cfg(65002, B, PeerAs::Asn(65001));
    cb.passive = true;
    cb.hold_time = 30;
    cb.families = vec![AfiSafi::IPV4_UNICAST];
    let (_, mut a, mut b) = established_pair(cfg(65001, A, PeerAs::Asn(65002)), cb);
    let n = a.negotiated().unwrap();
    assert_eq!(n.hold_time, 30);
    assert_eq!(n.peer_as, 65002);
    assert_eq!(n.peer_router_id, B);
    assert!(!n.internal);
    assert_eq!(n.families, vec![AfiSafi::IPV4_UNICAST]);
    assert!(n.context.four_octet_as);
    assert!(n.route_refresh && n.enhanced_route_refresh);
    let ev = drain(&mut a);
    assert!(matches!(ev.last(), Some(SessionEvent::Established(_))));
    let states: Vec<State> = ev
        .iter()
        .filter_map(|e| match e {
            SessionEvent::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [State::OpenSent, State::OpenConfirm, State::Established]
    );
    let states_b: Vec<State> = drain(&mut b)
        .iter()
        .filter_map(|e| match e {
            SessionEvent::StateChanged { to, .. } => Some(*to),
            _ => None,
        })
        .collect();
    assert_eq!(states_b[0], State::Active, "passive side waits in Active");
    assert_eq!(a.counters().established, 1);
}

#[test]
fn four_octet_asn_travels_in_capability_with_as_trans() {
    let (_, a, b) = ebgp_pair();
    assert_eq!(b.local_open().my_as, bgp_proto::wire::open::AS_TRANS);
    assert_eq!(a.negotiated().unwrap().peer_as, 4_200_000_002);
}

#[test]
fn keepalives_follow_jittered_third_of_hold_time() {
    let (t0, mut a, mut b) = ebgp_pair();
    drain(&mut a);
    // hold 30 s → keepalive 10 s, jittered to 7.5..=10 s.
    let mut now = t0;
    for _ in 0..50 {
        let next = a.poll_timeout().unwrap();
        let gap = next - now;
        assert!(gap <= Duration::from_secs(10), "gap {gap:?}");
        now = next;
        a.handle_timeout(now);
        let sent = a.poll_transmit();
        if let Some(bytes) = sent {
            assert_eq!(bytes, bgp_proto::wire::keepalive::KEEPALIVE.to_vec());
            assert!(gap >= Duration::from_millis(7_500), "gap {gap:?}");
            b.handle_bytes(now, &bytes);
        }
        // b keeps a alive.
        b.handle_timeout(now);
        if let Some(x) = b.poll_transmit() {
            a.handle_bytes(now, &x);
        }
        assert_eq!(a.state(), State::Established);
    }
    assert!(now - t0 > Duration::from_secs(300));
}

#[test]
fn hold_timer_expiry_sends_notification_4_and_reports_down() {
    let (t0, mut a, _b) = ebgp_pair();
    drain(&mut a);
    let mut now = t0;
    // The silent peer: only a's own timers fire.
    while a.state() == State::Established {
        now = a.poll_timeout().unwrap();
        a.handle_timeout(now);
    }
    assert!(now - t0 >= Duration::from_secs(30) && now - t0 < Duration::from_secs(31));
    let n = sent_notification(&mut a);
    assert_eq!((n.code, n.subcode), (4, 0));
    let ev = drain(&mut a);
    assert!(ev.iter().any(|e| matches!(e,
        SessionEvent::Down { reason: DownReason::NotificationSent(n), retain: None } if n.code == 4)));
    assert!(ev.contains(&SessionEvent::Disconnect));
    assert_eq!(a.state(), State::Idle);
    // Automatic restart after the idle hold time.
    let restart = a.poll_timeout().unwrap();
    assert_eq!(restart - now, Duration::from_secs(5));
    a.handle_timeout(restart);
    assert_eq!(a.state(), State::Connect);
    assert!(drain(&mut a).contains(&SessionEvent::Connect));
}

#[test]
fn open_hold_timer_applies_before_peer_open() {
    let now = Instant::now();
    let mut s = Session::new(cfg(65001, A, PeerAs::Any), now);
    s.handle_event(now, Event::Start);
    s.handle_event(now, Event::TcpConnected);
    assert_eq!(s.state(), State::OpenSent);
    assert_eq!(s.poll_timeout(), Some(now + Duration::from_secs(240)));
    s.poll_transmit();
    s.handle_timeout(now + Duration::from_secs(240));
    assert_eq!(sent_notification(&mut s).code, 4);
}

#[test]
fn wrong_peer_as_is_refused_with_bad_peer_as() {
    let (_, n) = refuse(
        cfg(65001, A, PeerAs::Asn(65002)),
        &peer_open(65003, 90, B, vec![]),
    );
    assert_eq!(
        (n.code, n.subcode, n.data.as_slice()),
        (2, 2, &[0xfd, 0xeb][..])
    );
    let (_, n) = refuse(
        cfg(65001, A, PeerAs::Asn(65002)),
        &peer_open(4_200_000_000, 90, B, vec![]),
    );
    assert_eq!((n.code, n.subcode), (2, 2));
    assert_eq!(n.data, 4_200_000_000u32.to_be_bytes());
}

#[test]
fn dynamic_peer_as_internal_and_external() {
    let (_, n) = refuse(
        cfg(65001, A, PeerAs::External),
        &peer_open(65001, 90, B, vec![]),
    );
    assert_eq!((n.code, n.subcode), (2, 2));
    let (_, n) = refuse(
        cfg(65001, A, PeerAs::Internal),
        &peer_open(65009, 90, B, vec![]),
    );
    assert_eq!((n.code, n.subcode), (2, 2));
    let mut cb = cfg(65001, B, PeerAs::Any);
    cb.passive = true;
    let (_, a, b) = established_pair(cfg(65001, A, PeerAs::Internal), cb);
    assert!(a.negotiated().unwrap().internal);
    assert!(b.negotiated().unwrap().internal);
}

#[test]
fn same_identifier_on_ibgp_is_bad_bgp_identifier() {
    let (_, n) = refuse(
        cfg(65001, A, PeerAs::Internal),
        &peer_open(65001, 90, A, vec![]),
    );
    assert_eq!((n.code, n.subcode), (2, 3));
}

#[test]
fn codec_refusals_map_to_open_notifications() {
    // Version 3 → 2/1 with the supported version in data.
    let mut open = peer_open(65002, 90, B, vec![]);
    open.version = 3;
    let (_, n) = refuse(cfg(65001, A, PeerAs::Any), &open);
    assert_eq!((n.code, n.subcode, n.data.as_slice()), (2, 1, &[0, 4][..]));
    // Hold time 2 → 2/6.
    let (_, n) = refuse(cfg(65001, A, PeerAs::Any), &peer_open(65002, 2, B, vec![]));
    assert_eq!((n.code, n.subcode), (2, 6));
    // Below our configured minimum → 2/6 too.
    let mut c = cfg(65001, A, PeerAs::Any);
    c.min_hold_time = 9;
    let (_, n) = refuse(c, &peer_open(65002, 6, B, vec![]));
    assert_eq!((n.code, n.subcode), (2, 6));
}

#[test]
fn role_mismatch_and_strict_mode() {
    let mut c = cfg(65001, A, PeerAs::Any);
    c.role = Some(Role::Customer);
    let (_, n) = refuse(
        c.clone(),
        &peer_open(65002, 90, B, vec![Capability::Role(Role::Customer)]),
    );
    assert_eq!((n.code, n.subcode), (2, 11));
    c.strict_role = true;
    let (_, n) = refuse(c.clone(), &peer_open(65002, 90, B, vec![]));
    assert_eq!((n.code, n.subcode), (2, 11));
    // Matching pair is accepted and recorded.
    let mut cb = cfg(65002, B, PeerAs::Any);
    cb.role = Some(Role::Provider);
    cb.passive = true;
    let (_, a, _) = established_pair(c, cb);
    assert_eq!(a.negotiated().unwrap().peer_role, Some(Role::Provider));
}

#[test]
fn unexpected_messages_are_fsm_errors_with_rfc6608_subcodes() {
    // KEEPALIVE in OpenSent → 5/1.
    let now = Instant::now();
    let mut s = Session::new(cfg(65001, A, PeerAs::Any), now);
    s.handle_event(now, Event::Start);
    s.handle_event(now, Event::TcpConnected);
    s.poll_transmit();
    s.handle_bytes(now, &bgp_proto::wire::keepalive::KEEPALIVE);
    let n = sent_notification(&mut s);
    assert_eq!((n.code, n.subcode), (5, 1));
    // End-of-RIB (an UPDATE) in OpenConfirm → 5/2.
    let mut s = Session::new(cfg(65001, A, PeerAs::Any), now);
    s.handle_event(now, Event::Start);
    s.handle_event(now, Event::TcpConnected);
    let mut buf = Vec::new();
    peer_open(65002, 90, B, vec![]).encode(&mut buf);
    s.handle_bytes(now, &buf);
    assert_eq!(s.state(), State::OpenConfirm);
    s.poll_transmit();
    s.handle_bytes(now, &end_of_rib(AfiSafi::IPV4_UNICAST));
    let n = sent_notification(&mut s);
    assert_eq!((n.code, n.subcode), (5, 2));
    // OPEN in Established → 5/3.
    let (now, mut a, _) = ebgp_pair();
    a.poll_transmit();
    a.handle_bytes(now, &buf);
    let n = sent_notification(&mut a);
    assert_eq!((n.code, n.subcode), (5, 3));
}

#[test]
fn bad_marker_resets_with_header_error() {
    let (now, mut a, _) = ebgp_pair();
    a.poll_transmit();
    let mut ka = bgp_proto::wire::keepalive::KEEPALIVE.to_vec();
    ka[0] = 0;
    a.handle_bytes(now, &ka);
    let n = sent_notification(&mut a);
    assert_eq!((n.code, n.subcode), (1, 1));
    assert_eq!(a.state(), State::Idle);
}

#[test]
fn bytes_fed_one_at_a_time_frame_correctly() {
    let now = Instant::now();
    let mut a = Session::new(cfg(65001, A, PeerAs::Any), now);
    let mut cb = cfg(65002, B, PeerAs::Any);
    cb.passive = true;
    let mut b = Session::new(cb, now);
    a.handle_event(now, Event::Start);
    b.handle_event(now, Event::Start);
    a.handle_event(now, Event::TcpConnected);
    b.handle_event(now, Event::TcpConnected);
    fn trickle(now: Instant, x: &mut Session, y: &mut Session) {
        if let Some(bytes) = x.poll_transmit() {
            for byte in bytes {
                y.handle_bytes(now, &[byte]);
            }
        }
    }
    for _ in 0..4 {
        trickle(now, &mut a, &mut b);
        trickle(now, &mut b, &mut a);
    }
    assert_eq!(a.state(), State::Established);
    assert_eq!(b.state(), State::Established);
}

#[test]
fn administrative_shutdown_carries_rfc9003_message_and_stops() {
    let (now, mut a, mut b) = ebgp_pair();
    drain(&mut a);
    drain(&mut b);
    a.handle_event(
        now,
        Event::Stop {
            shutdown_message: Some("maintenance window".into()),
        },
    );
    let bytes = a.poll_transmit().unwrap();
    b.handle_bytes(now, &bytes);
    let ev = drain(&mut b);
    let got = ev
        .iter()
        .find_map(|e| match e {
            SessionEvent::NotificationReceived(n) => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((got.code, got.subcode), (6, 2));
    assert_eq!(got.shutdown_communication(), Some("maintenance window"));
    assert_eq!(b.state(), State::Idle);
    // The stopped side does not restart by itself.
    assert_eq!(a.state(), State::Idle);
    assert_eq!(a.poll_timeout(), None);
}

#[test]
fn shutdown_with_graceful_notification_is_a_hard_reset() {
    let gr = GracefulRestartConfig {
        restart_time: 120,
        notification: true,
        forwarding_preserved: true,
    };
    let mut ca = cfg(65001, A, PeerAs::Any);
    ca.graceful_restart = Some(gr.clone());
    let mut cb = cfg(65002, B, PeerAs::Any);
    cb.graceful_restart = Some(gr);
    cb.passive = true;
    let (now, mut a, mut b) = established_pair(ca, cb);
    assert!(a.negotiated().unwrap().graceful_notification);
    drain(&mut b);
    a.handle_event(
        now,
        Event::Stop {
            shutdown_message: Some("bye".into()),
        },
    );
    let n = sent_notification(&mut a);
    assert!(n.is_hard_reset());
    let inner = n.hard_reset_inner().unwrap();
    assert_eq!((inner.code, inner.subcode), (6, 2));
    assert_eq!(inner.shutdown_communication(), Some("bye"));
    // The receiver flushes (no retention) on Hard Reset.
    let mut buf = Vec::new();
    n.encode(&mut buf);
    b.handle_bytes(now, &buf);
    let down = drain(&mut b)
        .into_iter()
        .find_map(|e| match e {
            SessionEvent::Down { retain, .. } => Some(retain),
            _ => None,
        })
        .unwrap();
    assert_eq!(down, None);
}

#[test]
fn graceful_restart_retains_routes_when_connection_drops() {
    let gr = GracefulRestartConfig {
        restart_time: 90,
        notification: false,
        forwarding_preserved: true,
    };
    let mut ca = cfg(65001, A, PeerAs::Any);
    ca.graceful_restart = Some(gr.clone());
    let mut cb = cfg(65002, B, PeerAs::Any);
    cb.graceful_restart = Some(gr);
    cb.passive = true;
    let (now, mut a, _b) = established_pair(ca, cb);
    drain(&mut a);
    a.handle_event(now, Event::TcpClosed);
    let ev = drain(&mut a);
    let retain = ev
        .iter()
        .find_map(|e| match e {
            SessionEvent::Down { retain, reason } => {
                assert_eq!(reason, &DownReason::ConnectionLost);
                retain.clone()
            }
            _ => None,
        })
        .expect("retention");
    assert_eq!(retain.restart_time, Duration::from_secs(90));
    assert_eq!(
        retain.families,
        vec![AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST]
    );
}

#[test]
fn connect_failure_goes_active_then_retries() {
    let now = Instant::now();
    let mut c = cfg(65001, A, PeerAs::Any);
    c.connect_retry_time = Duration::from_secs(10);
    let mut s = Session::new(c, now);
    s.handle_event(now, Event::Start);
    drain(&mut s);
    s.handle_event(now, Event::TcpFailed);
    assert_eq!(s.state(), State::Active);
    let t = s.poll_timeout().unwrap();
    assert!(t - now >= Duration::from_millis(7_500) && t - now <= Duration::from_secs(10));
    s.handle_timeout(t);
    assert_eq!(s.state(), State::Connect);
    assert!(drain(&mut s).contains(&SessionEvent::Connect));
    // A connection from the peer while waiting is taken.
    s.handle_event(t, Event::TcpConnected);
    assert_eq!(s.state(), State::OpenSent);
}

#[test]
fn peer_notification_restarts_automatically_but_stop_does_not() {
    let (now, mut a, mut b) = ebgp_pair();
    drain(&mut a);
    b.handle_event(
        now,
        Event::Stop {
            shutdown_message: None,
        },
    );
    let bytes = b.poll_transmit().unwrap();
    a.handle_bytes(now, &bytes);
    assert_eq!(a.state(), State::Idle);
    let t = a.poll_timeout().expect("idle hold timer");
    a.handle_timeout(t);
    assert_eq!(a.state(), State::Connect);
    assert_eq!(b.poll_timeout(), None, "stopped side stays down");
    // Start again brings b back (passive → Active).
    b.handle_event(now, Event::Start);
    assert_eq!(b.state(), State::Active);
}

#[test]
fn end_of_rib_is_reported_per_family() {
    let (now, mut a, mut b) = ebgp_pair();
    drain(&mut b);
    a.send_end_of_rib(now, AfiSafi::IPV4_UNICAST).unwrap();
    a.send_end_of_rib(now, AfiSafi::IPV6_UNICAST).unwrap();
    pump(now, &mut a, &mut b);
    let eors: Vec<AfiSafi> = drain(&mut b)
        .into_iter()
        .filter_map(|e| match e {
            SessionEvent::EndOfRib(f) => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(eors, [AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST]);
    assert_eq!(a.counters().updates_out, 2);
    assert_eq!(b.counters().updates_in, 2);
    assert_eq!(end_of_rib_family(&[0, 0, 0, 1, 0]), None);
}

#[test]
fn route_refresh_requests_reach_the_peer() {
    let (now, mut a, mut b) = ebgp_pair();
    drain(&mut b);
    a.request_route_refresh(now, AfiSafi::IPV6_UNICAST).unwrap();
    pump(now, &mut a, &mut b);
    let rr = drain(&mut b)
        .into_iter()
        .find_map(|e| match e {
            SessionEvent::RouteRefresh(r) => Some(r),
            _ => None,
        })
        .unwrap();
    assert_eq!(rr.family, AfiSafi::IPV6_UNICAST);
}

#[test]
fn collision_loser_closes_with_cease_7() {
    assert_eq!(resolve_collision(A, B), Initiator::Remote);
    let (now, mut a, _) = ebgp_pair();
    a.poll_transmit();
    a.close_for_collision(now);
    let n = sent_notification(&mut a);
    assert_eq!((n.code, n.subcode), (6, 7));
}

#[test]
fn sending_before_established_is_refused() {
    let now = Instant::now();
    let mut s = Session::new(cfg(65001, A, PeerAs::Any), now);
    assert!(s.send_end_of_rib(now, AfiSafi::IPV4_UNICAST).is_err());
    assert!(s.poll_transmit().is_none());
    // Bytes before any connection are ignored.
    s.handle_bytes(now, &[0xff; 40]);
    assert_eq!(s.state(), State::Idle);
}
