//! State machine tests: the §6.8.6 table, timers (§6.8.2–6.8.4, §6.8.7), Poll/Final (§6.5),
//! authentication (§6.7) and a simulated pair of sessions on a virtual clock.

use std::time::{Duration, Instant};

use bfd_proto::wire::auth::{AuthKey, AuthSection, AuthType};
use bfd_proto::wire::{Packet, Repr};
use bfd_proto::{Config, Diagnostic, Error, Event, Session, State};

const LOCAL: u32 = 0x0a0a_0a0a;
const REMOTE: u32 = 0x0b0b_0b0b;
const MS: Duration = Duration::from_millis(1);

fn config() -> Config {
    Config {
        desired_min_tx_interval: 100_000,
        required_min_rx_interval: 100_000,
        ..Config::default()
    }
}

/// A packet from the remote system.
fn remote(state: State) -> Repr {
    Repr {
        diagnostic: Diagnostic::NoDiagnostic,
        state,
        poll: false,
        final_: false,
        control_plane_independent: false,
        demand: false,
        detect_mult: 3,
        my_discriminator: REMOTE,
        your_discriminator: if matches!(state, State::Down | State::AdminDown) {
            0
        } else {
            LOCAL
        },
        desired_min_tx_interval: 100_000,
        required_min_rx_interval: 100_000,
        required_min_echo_rx_interval: 0,
        auth: None,
    }
}

fn feed(s: &mut Session, now: Instant, r: Repr) -> Result<(), Error> {
    s.handle_packet(now, &r.to_bytes(), Some(255))
}

fn drain_events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

fn sent(s: &mut Session, now: Instant) -> Vec<Repr> {
    std::iter::from_fn(|| s.poll_transmit(now))
        .map(|b| Repr::parse_bytes(&b).expect("we emit valid packets"))
        .collect()
}

/// A session driven into `state` through the RFC's own transitions.
fn session_in(state: State, now: Instant) -> Session {
    let mut s = Session::new(config(), LOCAL, 1).unwrap();
    match state {
        State::Down => {}
        State::Init => feed(&mut s, now, remote(State::Down)).unwrap(),
        State::Up => feed(&mut s, now, remote(State::Init)).unwrap(),
        State::AdminDown => s.set_admin_down(Some(Diagnostic::AdministrativelyDown)),
    }
    assert_eq!(s.state(), state);
    drain_events(&mut s);
    s
}

#[test]
fn new_session_sends_down_with_slow_timers() {
    let t0 = Instant::now();
    let mut s = Session::new(config(), LOCAL, 7).unwrap();
    assert_eq!(s.state(), State::Down);
    let pkts = sent(&mut s, t0);
    assert_eq!(pkts.len(), 1);
    let p = pkts[0];
    assert_eq!(
        (p.state, p.my_discriminator, p.your_discriminator),
        (State::Down, LOCAL, 0)
    );
    // §6.8.3: Desired Min TX at least 1 s while not Up; Required Min RX as configured.
    assert_eq!(
        (p.desired_min_tx_interval, p.required_min_rx_interval),
        (1_000_000, 100_000)
    );
    assert_eq!(p.detect_mult, 3);
    assert!(!p.poll && !p.final_ && p.auth.is_none());
    let next = s.poll_timeout().unwrap() - t0;
    assert!((750 * MS..=1000 * MS).contains(&next), "{next:?}");
    assert!(s.poll_transmit(t0).is_none());
}

#[test]
fn config_is_validated() {
    assert!(Session::new(config(), 0, 1).is_err());
    assert!(
        Session::new(
            Config {
                detect_mult: 0,
                ..config()
            },
            1,
            1
        )
        .is_err()
    );
    assert!(
        Session::new(
            Config {
                desired_min_tx_interval: 0,
                ..config()
            },
            1,
            1
        )
        .is_err()
    );
    let mut s = Session::new(config(), 1, 1).unwrap();
    assert!(s.set_timers(100, 100, 0).is_err());
    assert_eq!(s.config().detect_mult, 3);
}

/// Every (local state, received State) pair of §6.8.6.
#[test]
fn reception_state_table() {
    use Diagnostic::*;
    use State::*;
    let table: &[(State, State, State, Option<Diagnostic>)] = &[
        (Down, AdminDown, Down, None),
        (Down, Down, Init, Some(NoDiagnostic)),
        (Down, Init, Up, Some(NoDiagnostic)),
        (Down, Up, Down, None),
        (Init, AdminDown, Down, Some(NeighborSignaledSessionDown)),
        (Init, Down, Init, None),
        (Init, Init, Up, Some(NoDiagnostic)),
        (Init, Up, Up, Some(NoDiagnostic)),
        (Up, AdminDown, Down, Some(NeighborSignaledSessionDown)),
        (Up, Down, Down, Some(NeighborSignaledSessionDown)),
        (Up, Init, Up, None),
        (Up, Up, Up, None),
    ];
    for &(local, received, expected, diag) in table {
        let t0 = Instant::now();
        let mut s = session_in(local, t0);
        feed(&mut s, t0, remote(received)).unwrap();
        assert_eq!(s.state(), expected, "{local} + received {received}");
        let events = drain_events(&mut s);
        match diag {
            Some(diagnostic) => {
                assert!(
                    events.contains(&Event::StateChange {
                        from: local,
                        to: expected,
                        diagnostic,
                        remote_diagnostic: NoDiagnostic
                    }),
                    "{local} + {received}: {events:?}"
                );
                assert_eq!(s.local_diagnostic(), diagnostic);
            }
            None => assert!(
                !events
                    .iter()
                    .any(|e| matches!(e, Event::StateChange { .. })),
                "{local} + {received}: {events:?}"
            ),
        }
        assert_eq!(s.remote_state(), received);
        assert_eq!(s.remote_discriminator(), REMOTE);
    }
    // AdminDown discards everything (after recording the remote variables).
    for received in [AdminDown, Down, Init, Up] {
        let t0 = Instant::now();
        let mut s = session_in(AdminDown, t0);
        assert_eq!(
            feed(&mut s, t0, remote(received)),
            Err(Error::LocalAdminDown)
        );
        assert_eq!(s.state(), AdminDown);
        assert!(drain_events(&mut s).is_empty());
    }
}

#[test]
fn remote_diagnostic_is_reported() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    let mut r = remote(State::Down);
    r.diagnostic = Diagnostic::ControlDetectionTimeExpired;
    feed(&mut s, t0, r).unwrap();
    assert_eq!(
        drain_events(&mut s),
        vec![Event::StateChange {
            from: State::Up,
            to: State::Down,
            diagnostic: Diagnostic::NeighborSignaledSessionDown,
            remote_diagnostic: Diagnostic::ControlDetectionTimeExpired,
        }]
    );
}

#[test]
fn stateful_discard_rules() {
    let t0 = Instant::now();
    let mut s = session_in(State::Init, t0);
    let mut r = remote(State::Init);
    r.your_discriminator = 0x1234;
    let e = feed(&mut s, t0, r).unwrap_err();
    assert_eq!(
        e,
        Error::YourDiscriminatorMismatch {
            received: 0x1234,
            local: LOCAL
        }
    );
    assert_eq!(e.offset(), Some(8));
    // Single hop: TTL 255 only (RFC 5881 §5).
    let bytes = remote(State::Init).to_bytes();
    assert_eq!(
        s.handle_packet(t0, &bytes, Some(254)),
        Err(Error::Ttl {
            ttl: 254,
            minimum: 255
        })
    );
    // The stateless rules surface through the session too.
    let mut bad = bytes.clone();
    bad[2] = 0;
    assert_eq!(
        s.handle_packet(t0, &bad, Some(255)),
        Err(Error::DetectMultZero)
    );
    assert_eq!(
        s.handle_packet(t0, &bytes[..20], Some(255)),
        Err(Error::Truncated { len: 20 })
    );
    // None of those touched the session.
    assert_eq!(s.state(), State::Init);
    // A-bit rules: auth present but not configured.
    let key = AuthKey::new(AuthType::SimplePassword, 1, b"pw").unwrap();
    let mut authed = remote(State::Init);
    authed.auth = Some(AuthSection::unsigned(&key, 0));
    assert_eq!(feed(&mut s, t0, authed), Err(Error::AuthNotExpected));
    assert_eq!(s.state(), State::Init);
    // Multihop with a configured minimum TTL.
    let mut mh = Session::new(
        Config {
            minimum_ttl: 250,
            ..config()
        },
        LOCAL,
        1,
    )
    .unwrap();
    assert!(
        mh.handle_packet(t0, &remote(State::Down).to_bytes(), Some(250))
            .is_ok()
    );
    assert_eq!(
        mh.handle_packet(t0, &remote(State::Down).to_bytes(), Some(249)),
        Err(Error::Ttl {
            ttl: 249,
            minimum: 250
        })
    );
}

#[test]
fn detection_time_expiry() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    // Remote mult 3 × max(our RX 100 ms, remote TX 100 ms) = 300 ms.
    assert_eq!(s.timers().detection_time, Some(300 * MS));
    assert_eq!(s.poll_timeout().map(|t| t <= t0 + 300 * MS), Some(true));
    s.handle_timeout(t0 + 300 * MS - Duration::from_micros(1));
    assert_eq!(s.state(), State::Up);
    s.handle_timeout(t0 + 300 * MS);
    assert_eq!(s.state(), State::Down);
    assert_eq!(
        s.local_diagnostic(),
        Diagnostic::ControlDetectionTimeExpired
    );
    assert_eq!(s.remote_discriminator(), 0, "§6.8.1: RemoteDiscr zeroed");
    let ev = drain_events(&mut s);
    assert!(ev.contains(&Event::StateChange {
        from: State::Up,
        to: State::Down,
        diagnostic: Diagnostic::ControlDetectionTimeExpired,
        remote_diagnostic: Diagnostic::NoDiagnostic
    }));
    // The next packet says so, at once, with your_discriminator cleared.
    let p = sent(&mut s, t0 + 300 * MS);
    assert_eq!(
        (p[0].state, p[0].diagnostic, p[0].your_discriminator),
        (State::Down, Diagnostic::ControlDetectionTimeExpired, 0)
    );
}

#[test]
fn detection_time_uses_the_larger_interval() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    let mut r = remote(State::Up);
    r.detect_mult = 5;
    r.desired_min_tx_interval = 250_000;
    feed(&mut s, t0, r).unwrap();
    assert_eq!(s.timers().detection_time, Some(1250 * MS));
    r.desired_min_tx_interval = 20_000;
    feed(&mut s, t0, r).unwrap();
    assert_eq!(
        s.timers().detection_time,
        Some(500 * MS),
        "our Required Min RX 100 ms wins"
    );
}

#[test]
fn detection_in_down_only_clears_remote_discriminator() {
    let t0 = Instant::now();
    let mut s = Session::new(config(), LOCAL, 1).unwrap();
    let mut r = remote(State::Up);
    r.your_discriminator = LOCAL;
    feed(&mut s, t0, r).unwrap(); // Down + Up: stays Down
    assert_eq!(s.remote_discriminator(), REMOTE);
    s.handle_timeout(t0 + 300 * MS);
    assert_eq!((s.state(), s.remote_discriminator()), (State::Down, 0));
    assert!(drain_events(&mut s).is_empty());
}

#[test]
fn tx_interval_negotiation() {
    let t0 = Instant::now();
    let mut s = Session::new(config(), LOCAL, 1).unwrap();
    // Not Up: 1 s floor.
    assert_eq!(s.timers().tx_interval, 1000 * MS);
    feed(&mut s, t0, remote(State::Init)).unwrap();
    assert_eq!(s.state(), State::Up);
    // Up: max(our 100 ms, remote Required Min RX 100 ms).
    assert_eq!(s.timers().tx_interval, 100 * MS);
    let mut r = remote(State::Up);
    r.required_min_rx_interval = 400_000;
    feed(&mut s, t0, r).unwrap();
    assert_eq!(
        s.timers().tx_interval,
        400 * MS,
        "remote's Required Min RX wins"
    );
    // Remote says it cannot receive at all: no periodic packets (§6.8.7).
    r.required_min_rx_interval = 0;
    feed(&mut s, t0, r).unwrap();
    sent(&mut s, t0);
    assert!(s.poll_transmit(t0 + 10_000 * MS).is_none());
}

#[test]
fn going_up_starts_a_poll_sequence_for_the_fast_timers() {
    let t0 = Instant::now();
    let mut s = Session::new(config(), LOCAL, 1).unwrap();
    sent(&mut s, t0);
    feed(&mut s, t0, remote(State::Init)).unwrap();
    let p = sent(&mut s, t0);
    assert_eq!(p.len(), 1, "state change is announced at once");
    assert_eq!(
        (p[0].state, p[0].poll, p[0].desired_min_tx_interval),
        (State::Up, true, 100_000)
    );
    assert!(s.poll_active());
    // Every periodic packet carries P until the Final arrives.
    let next = s.poll_timeout().unwrap();
    assert!(next <= t0 + 100 * MS);
    assert!(sent(&mut s, next)[0].poll);
    let mut f = remote(State::Up);
    f.final_ = true;
    feed(&mut s, next, f).unwrap();
    assert!(!s.poll_active());
    assert_eq!(drain_events(&mut s).last(), Some(&Event::PollComplete));
    let next2 = s.poll_timeout().unwrap();
    assert!(!sent(&mut s, next2)[0].poll);
}

#[test]
fn poll_is_answered_with_final_at_once() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    let mut r = remote(State::Up);
    sent(&mut s, t0);
    r.poll = true;
    feed(&mut s, t0 + MS, r).unwrap();
    let p = sent(&mut s, t0 + MS);
    // Our own Poll (from going Up) is still active, so P goes out on periodic packets, but the
    // Final answer never carries P.
    assert!(p.iter().any(|p| p.final_ && !p.poll), "{p:?}");
    assert!(p.iter().all(|p| !(p.final_ && p.poll)));
}

#[test]
fn timer_changes_while_up_wait_for_final() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    let mut f = remote(State::Up);
    f.final_ = true;
    feed(&mut s, t0, f).unwrap(); // complete the going-Up poll
    assert!(!s.poll_active());
    // Slower TX and faster RX: neither may take effect before the Final (§6.8.3).
    s.set_timers(500_000, 50_000, 3).unwrap();
    assert!(s.poll_active());
    let t = s.timers();
    assert_eq!(
        (t.desired_min_tx_interval, t.required_min_rx_interval),
        (500_000, 50_000)
    );
    assert_eq!(t.tx_interval, 100 * MS, "old TX until Final");
    assert_eq!(
        t.detection_time,
        Some(300 * MS),
        "old RX for detection until Final"
    );
    let p = sent(&mut s, t0);
    assert_eq!(
        (
            p[0].poll,
            p[0].desired_min_tx_interval,
            p[0].required_min_rx_interval
        ),
        (true, 500_000, 50_000)
    );
    let mut r = remote(State::Up);
    r.final_ = true;
    r.desired_min_tx_interval = 50_000;
    feed(&mut s, t0, r).unwrap();
    let t = s.timers();
    assert_eq!(t.tx_interval, 500 * MS);
    assert_eq!(t.detection_time, Some(150 * MS));
    // Faster TX applies immediately (harmless to the remote), still polled.
    s.set_timers(200_000, 50_000, 3).unwrap();
    assert_eq!(s.timers().tx_interval, 200 * MS);
    assert!(s.poll_active());
}

#[test]
fn timer_changes_while_down_apply_immediately() {
    let mut s = Session::new(config(), LOCAL, 1).unwrap();
    s.set_timers(2_000_000, 300_000, 5).unwrap();
    assert!(!s.poll_active());
    assert_eq!(s.timers().tx_interval, 2000 * MS);
    let p = sent(&mut s, Instant::now());
    assert_eq!(
        (p[0].detect_mult, p[0].required_min_rx_interval),
        (5, 300_000)
    );
}

fn tx_gaps(detect_mult: u8, seed: u64) -> Vec<Duration> {
    let t0 = Instant::now();
    let mut s = Session::new(
        Config {
            detect_mult,
            ..config()
        },
        LOCAL,
        seed,
    )
    .unwrap();
    feed(&mut s, t0, remote(State::Init)).unwrap();
    let mut now = t0;
    let mut last = None;
    let mut gaps = vec![];
    for _ in 0..2000 {
        if let Some(_p) = s.poll_transmit(now) {
            if let Some(l) = last {
                gaps.push(now - l);
            }
            last = Some(now);
            continue;
        }
        // Keep the session alive and the timers fixed.
        let mut r = remote(State::Up);
        r.final_ = true;
        let _ = feed(&mut s, now, r);
        now = s.poll_timeout().unwrap();
    }
    gaps
}

#[test]
fn jitter_is_75_to_100_percent() {
    let gaps = tx_gaps(3, 42);
    assert!(gaps.len() > 500);
    let (min, max) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
    assert!(*min >= 75 * MS && *max <= 100 * MS, "{min:?}..{max:?}");
    // Spread over the range, not a constant.
    assert!(*min < 77 * MS && *max > 98 * MS, "{min:?}..{max:?}");
}

#[test]
fn jitter_is_75_to_90_percent_with_multiplier_1() {
    let gaps = tx_gaps(1, 43);
    let (min, max) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
    assert!(*min >= 75 * MS && *max <= 90 * MS, "{min:?}..{max:?}");
    assert!(*max > 88 * MS);
}

#[test]
fn passive_role_waits_for_the_remote() {
    let t0 = Instant::now();
    let mut s = Session::new(
        Config {
            passive: true,
            ..config()
        },
        LOCAL,
        1,
    )
    .unwrap();
    assert!(s.poll_transmit(t0).is_none());
    assert!(s.poll_timeout().is_none());
    feed(&mut s, t0, remote(State::Down)).unwrap();
    let p = sent(&mut s, t0);
    assert_eq!((p[0].state, p[0].your_discriminator), (State::Init, REMOTE));
    // Silence for a Detection Time: RemoteDiscr is zeroed and the passive side goes quiet.
    s.handle_timeout(t0 + 3000 * MS);
    assert_eq!(s.state(), State::Down);
    sent(&mut s, t0 + 3000 * MS);
    assert!(s.poll_transmit(t0 + 10_000 * MS).is_none());
}

#[test]
fn remote_demand_mode_stops_periodic_transmission() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    let mut r = remote(State::Up);
    r.final_ = true;
    r.demand = true;
    feed(&mut s, t0, r).unwrap();
    sent(&mut s, t0);
    assert!(s.poll_transmit(t0 + 1000 * MS).is_none());
    // A Poll from the remote is still answered.
    r.final_ = false;
    r.poll = true;
    feed(&mut s, t0 + 1000 * MS, r).unwrap();
    assert!(sent(&mut s, t0 + 1000 * MS)[0].final_);
}

#[test]
fn admin_down_and_back() {
    let t0 = Instant::now();
    let mut s = session_in(State::Up, t0);
    sent(&mut s, t0);
    s.set_admin_down(Some(Diagnostic::AdministrativelyDown));
    assert_eq!(s.state(), State::AdminDown);
    let p = sent(&mut s, t0);
    assert_eq!(
        (p[0].state, p[0].diagnostic),
        (State::AdminDown, Diagnostic::AdministrativelyDown)
    );
    assert_eq!(p[0].desired_min_tx_interval, 1_000_000);
    // No detection while AdminDown; packets keep going out (§6.8.16).
    s.handle_timeout(t0 + 10_000 * MS);
    assert_eq!(s.state(), State::AdminDown);
    assert!(s.poll_transmit(t0 + 10_000 * MS).is_some());
    s.set_admin_down(None);
    assert_eq!(s.state(), State::Down);
    let ev = drain_events(&mut s);
    assert_eq!(ev.len(), 2, "{ev:?}");
    feed(&mut s, t0 + 10_001 * MS, remote(State::Down)).unwrap();
    assert_eq!(s.state(), State::Init);
}

// ---------------------------------------------------------------- authentication

fn authed(key: &AuthKey, state: State, seq: u32) -> Vec<u8> {
    let mut r = remote(state);
    r.auth = Some(AuthSection::unsigned(key, seq));
    let mut buf = [0u8; 64];
    let n = r.emit_signed(&mut buf, Some(key)).unwrap();
    buf[..n].to_vec()
}

#[test]
fn auth_required_and_checked() {
    let t0 = Instant::now();
    let key = AuthKey::new(AuthType::MeticulousKeyedSha1, 7, b"k3y").unwrap();
    let mut s = Session::new(
        Config {
            auth: Some(key.clone()),
            ..config()
        },
        LOCAL,
        1,
    )
    .unwrap();
    assert_eq!(
        feed(&mut s, t0, remote(State::Down)),
        Err(Error::AuthMissing {
            expected: AuthType::MeticulousKeyedSha1
        })
    );
    let md5 = AuthKey::new(AuthType::MeticulousKeyedMd5, 7, b"k3y").unwrap();
    assert!(matches!(
        s.handle_packet(t0, &authed(&md5, State::Down, 1), None),
        Err(Error::AuthTypeMismatch { .. })
    ));
    let other_id = AuthKey::new(AuthType::MeticulousKeyedSha1, 8, b"k3y").unwrap();
    assert_eq!(
        s.handle_packet(t0, &authed(&other_id, State::Down, 1), None),
        Err(Error::AuthKeyId { key_id: 8 })
    );
    let wrong = AuthKey::new(AuthType::MeticulousKeyedSha1, 7, b"nope").unwrap();
    assert!(matches!(
        s.handle_packet(t0, &authed(&wrong, State::Down, 1), None),
        Err(Error::AuthDigest { .. })
    ));
    assert_eq!(s.state(), State::Down);
    s.handle_packet(t0, &authed(&key, State::Down, 100), None)
        .unwrap();
    assert_eq!(s.state(), State::Init);
    // Meticulous: a replay (same sequence) is refused, the next one accepted.
    assert_eq!(
        s.handle_packet(t0, &authed(&key, State::Init, 100), None),
        Err(Error::AuthSequence {
            sequence: 100,
            low: 101,
            high: 109
        })
    );
    s.handle_packet(t0, &authed(&key, State::Init, 105), None)
        .unwrap();
    assert_eq!(s.state(), State::Up);
    assert!(
        s.handle_packet(t0, &authed(&key, State::Up, 115), None)
            .is_err()
    );
    // After 2 × Detection Time of silence the window is forgotten (§6.8.1).
    s.handle_timeout(t0 + 600 * MS);
    s.handle_packet(t0 + 600 * MS, &authed(&key, State::Down, 5), None)
        .unwrap();
}

#[test]
fn keyed_non_meticulous_accepts_repeated_sequence() {
    let t0 = Instant::now();
    let key = AuthKey::new(AuthType::KeyedMd5, 1, b"md5").unwrap();
    let mut s = Session::new(
        Config {
            auth: Some(key.clone()),
            ..config()
        },
        LOCAL,
        1,
    )
    .unwrap();
    s.handle_packet(t0, &authed(&key, State::Down, 50), None)
        .unwrap();
    s.handle_packet(t0, &authed(&key, State::Down, 50), None)
        .unwrap();
    s.handle_packet(t0, &authed(&key, State::Down, 59), None)
        .unwrap();
    assert!(matches!(
        s.handle_packet(t0, &authed(&key, State::Down, 69), None),
        Err(Error::AuthSequence {
            low: 59,
            high: 68,
            ..
        })
    ));
}

#[test]
fn transmitted_packets_are_signed_and_sequenced() {
    let t0 = Instant::now();
    for t in 1..=5 {
        let key = AuthKey::new(AuthType::from_code(t).unwrap(), 3, b"secret").unwrap();
        let mut s = Session::new(
            Config {
                auth: Some(key.clone()),
                ..config()
            },
            LOCAL,
            9,
        )
        .unwrap();
        let a = s.poll_transmit(t0).unwrap();
        let b = s.poll_transmit(t0 + 1000 * MS).unwrap();
        let mut seqs = vec![];
        for bytes in [&a, &b] {
            let p = Packet::new_checked(&bytes[..]).unwrap();
            let r = Repr::parse(&p).unwrap();
            bfd_proto::wire::auth::verify(p.as_packet_bytes(), &r.auth.unwrap(), &key).unwrap();
            seqs.push(r.auth.unwrap().sequence());
        }
        if key.auth_type().is_keyed() {
            assert_eq!(seqs[1], seqs[0].map(|s| s.wrapping_add(1)), "type {t}");
        } else {
            assert_eq!(seqs, vec![None, None]);
        }
    }
}

// ---------------------------------------------------------------- two sessions, virtual clock

struct Pair {
    now: Instant,
    a: Session,
    b: Session,
    link_up: bool,
    packets: u64,
}

impl Pair {
    fn new(ca: Config, cb: Config) -> Self {
        Self {
            now: Instant::now(),
            a: Session::new(ca, 0xaaaa, 1).unwrap(),
            b: Session::new(cb, 0xbbbb, 2).unwrap(),
            link_up: true,
            packets: 0,
        }
    }

    /// Advances to the next deadline of either side, delivering packets with zero latency.
    fn step(&mut self) {
        loop {
            let mut any = false;
            while let Some(p) = self.a.poll_transmit(self.now) {
                any = true;
                self.packets += 1;
                if self.link_up {
                    let _ = self.b.handle_packet(self.now, &p, Some(255));
                }
            }
            while let Some(p) = self.b.poll_transmit(self.now) {
                any = true;
                self.packets += 1;
                if self.link_up {
                    let _ = self.a.handle_packet(self.now, &p, Some(255));
                }
            }
            if !any {
                break;
            }
        }
        let next = [self.a.poll_timeout(), self.b.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .unwrap();
        self.now = next.max(self.now);
        self.a.handle_timeout(self.now);
        self.b.handle_timeout(self.now);
    }

    fn run_until(&mut self, mut done: impl FnMut(&Self) -> bool, limit: Duration) -> Duration {
        let start = self.now;
        while !done(self) {
            assert!(self.now - start < limit, "not reached within {limit:?}");
            self.step();
        }
        self.now - start
    }
}

#[test]
fn two_sessions_come_up_and_detect_a_cut() {
    let mut p = Pair::new(config(), config());
    let up = p.run_until(
        |p| p.a.state() == State::Up && p.b.state() == State::Up,
        5 * 1000 * MS,
    );
    assert!(up < 2000 * MS, "came up in {up:?}");
    // Let the poll sequences settle and run a while.
    p.run_until(|p| !p.a.poll_active() && !p.b.poll_active(), 1000 * MS);
    let mark = p.now;
    p.run_until(|p| p.now - mark >= 5000 * MS, 6000 * MS);
    assert_eq!((p.a.state(), p.b.state()), (State::Up, State::Up));
    assert_eq!(
        (p.a.timers().tx_interval, p.a.timers().detection_time),
        (100 * MS, Some(300 * MS))
    );
    // Cut: each side notices within the detection time (3 × 100 ms) after the last packet.
    p.link_up = false;
    let detected = p.run_until(
        |p| p.a.state() == State::Down && p.b.state() == State::Down,
        1000 * MS,
    );
    assert!(detected <= 300 * MS, "detected after {detected:?}");
    assert!(detected >= 200 * MS, "too early: {detected:?}");
    assert_eq!(
        p.a.local_diagnostic(),
        Diagnostic::ControlDetectionTimeExpired
    );
    // Heal: back Up.
    p.link_up = true;
    p.run_until(
        |p| p.a.state() == State::Up && p.b.state() == State::Up,
        5000 * MS,
    );
}

#[test]
fn asymmetric_timers_and_admin_down_over_the_wire() {
    let slow = Config {
        desired_min_tx_interval: 300_000,
        required_min_rx_interval: 200_000,
        detect_mult: 5,
        ..config()
    };
    let mut p = Pair::new(config(), slow);
    p.run_until(
        |p| p.a.state() == State::Up && !p.a.poll_active() && !p.b.poll_active(),
        5000 * MS,
    );
    // a sends at max(100, b's RX 200) = 200 ms; b at max(300, a's RX 100) = 300 ms.
    assert_eq!(p.a.timers().tx_interval, 200 * MS);
    assert_eq!(p.b.timers().tx_interval, 300 * MS);
    // §6.8.4 uses the remote's Detect Mult: a detects b after 5 × max(a RX 100, b TX 300) =
    // 1500 ms; b detects a after 3 × max(b RX 200, a TX 100) = 600 ms.
    assert_eq!(p.a.timers().detection_time, Some(1500 * MS));
    assert_eq!(p.b.timers().detection_time, Some(600 * MS));
    p.b.set_admin_down(Some(Diagnostic::AdministrativelyDown));
    p.run_until(|p| p.a.state() == State::Down, 2000 * MS);
    assert_eq!(
        p.a.local_diagnostic(),
        Diagnostic::NeighborSignaledSessionDown
    );
    p.b.set_admin_down(None);
    p.run_until(
        |p| p.a.state() == State::Up && p.b.state() == State::Up,
        5000 * MS,
    );
}

#[test]
fn authenticated_pair_comes_up_for_every_type() {
    for t in 1..=5 {
        let key = AuthKey::new(AuthType::from_code(t).unwrap(), 1, b"shared").unwrap();
        let c = Config {
            auth: Some(key),
            ..config()
        };
        let mut p = Pair::new(c.clone(), c);
        p.run_until(
            |p| p.a.state() == State::Up && p.b.state() == State::Up,
            5000 * MS,
        );
        let mark = p.now;
        p.run_until(|p| p.now - mark >= 3000 * MS, 4000 * MS);
        assert_eq!(
            (p.a.state(), p.b.state()),
            (State::Up, State::Up),
            "type {t}"
        );
    }
    // Mismatched secrets never come up.
    let ka = AuthKey::new(AuthType::KeyedSha1, 1, b"one").unwrap();
    let kb = AuthKey::new(AuthType::KeyedSha1, 1, b"two").unwrap();
    let mut p = Pair::new(
        Config {
            auth: Some(ka),
            ..config()
        },
        Config {
            auth: Some(kb),
            ..config()
        },
    );
    let start = p.now;
    p.run_until(|p| p.now - start >= 5000 * MS, 6000 * MS);
    assert_eq!((p.a.state(), p.b.state()), (State::Down, State::Down));
    assert!(p.packets > 5);
}

// ---------------------------------------------------------------- echo function (§6.4, §6.8.9)

fn echo_session(t0: Instant) -> Session {
    let mut s = Session::new(
        Config {
            echo_transmit_interval: 50_000,
            ..config()
        },
        LOCAL,
        5,
    )
    .unwrap();
    feed(&mut s, t0, remote(State::Init)).unwrap();
    assert_eq!(s.state(), State::Up);
    s
}

/// Control packets from an Up remote that loops echoes no faster than every 70 ms.
fn remote_with_echo() -> Repr {
    let mut r = remote(State::Up);
    r.required_min_echo_rx_interval = 70_000;
    r
}

#[test]
fn echo_runs_only_when_up_and_remote_loops_echoes() {
    let t0 = Instant::now();
    let mut down = Session::new(
        Config {
            echo_transmit_interval: 50_000,
            ..config()
        },
        LOCAL,
        5,
    )
    .unwrap();
    feed(&mut down, t0, remote_with_echo()).unwrap(); // Down + Up: stays Down
    assert!(down.poll_transmit_echo(t0).is_none(), "no echo while Down");
    // Up, but the remote's Required Min Echo RX Interval is 0: no echo.
    let mut s = echo_session(t0);
    assert!(s.poll_transmit_echo(t0).is_none());
    feed(&mut s, t0, remote_with_echo()).unwrap();
    let first = s.poll_transmit_echo(t0).expect("echo due at once");
    let e = bfd_proto::wire::EchoRepr::parse(&first).unwrap();
    assert_eq!((e.my_discriminator, e.sequence), (LOCAL, 1));
    assert!(s.poll_transmit_echo(t0).is_none());
    // Never faster than the remote allows: max(our 50 ms, remote 70 ms), jittered 75-100 %.
    let mut last = t0;
    for _ in 0..50 {
        let next = s.poll_timeout().unwrap();
        if let Some(_echo) = s.poll_transmit_echo(next) {
            let gap = next - last;
            assert!(gap >= 52 * MS + MS / 2 && gap <= 70 * MS, "{gap:?}");
            last = next;
        }
        let _ = s.handle_echo(next, &first);
        let _ = feed(&mut s, next, remote_with_echo());
        while s.poll_transmit(next).is_some() {}
    }
    // Our own echoes are recognised, anything else is ignored.
    assert_eq!(s.handle_echo(last, &first), Some(1));
    let mut foreign = first;
    foreign[20] ^= 1; // token
    assert_eq!(s.handle_echo(last, &foreign), None);
    assert_eq!(s.handle_echo(last, b"not an echo"), None);
    // Remote stops looping echoes (Required Min Echo RX 0): ours stop (§6.8.6).
    feed(&mut s, last, remote(State::Up)).unwrap();
    assert!(s.poll_transmit_echo(last + 1000 * MS).is_none());
}

#[test]
fn lost_echoes_take_the_session_down() {
    let t0 = Instant::now();
    // Echoes looped back: stays Up.
    let mut s = echo_session(t0);
    let mut now = t0;
    while now < t0 + 2000 * MS {
        let _ = feed(&mut s, now, remote_with_echo());
        while let Some(echo) = s.poll_transmit_echo(now) {
            assert!(s.handle_echo(now, &echo).is_some());
        }
        now += 20 * MS;
        s.handle_timeout(now);
    }
    assert_eq!(s.state(), State::Up);
    // Control packets keep coming but echoes vanish: down after Detect Mult × 70 ms.
    let mut s = echo_session(t0);
    feed(&mut s, t0, remote_with_echo()).unwrap();
    assert!(s.poll_transmit_echo(t0).is_some());
    let mut now = t0;
    while s.state() == State::Up {
        now += 10 * MS;
        let _ = feed(&mut s, now, remote_with_echo());
        while s.poll_transmit_echo(now).is_some() {}
        s.handle_timeout(now);
        assert!(now < t0 + 1000 * MS, "echo failure not detected");
    }
    assert_eq!(
        now - t0,
        210 * MS,
        "3 x 70 ms after the first unanswered echo"
    );
    assert_eq!(s.local_diagnostic(), Diagnostic::EchoFunctionFailed);
    assert!(s.poll_transmit_echo(now).is_none(), "no echoes once Down");
}
