//! Random remote behaviour and clock steps against one session: no panic, every transmitted
//! packet is valid and never carries P and F together, and every state change is an edge of
//! the RFC 5880 §6.2 state diagram, and the next deadline is always in the future.

use std::time::{Duration, Instant};

use bfd_proto::wire::Repr;
use bfd_proto::{Config, Diagnostic, Event, Session, State};
use proptest::prelude::*;

const LOCAL: u32 = 0x0a0a_0a0a;

#[derive(Debug, Clone)]
enum Step {
    Wait(u16),
    Receive {
        state: u8,
        poll: bool,
        fin: bool,
        your_ok: bool,
        tx_ms: u8,
        rx_ms: u8,
        mult: u8,
        demand: bool,
    },
    AdminDown,
    AdminUp,
    SetTimers {
        tx_ms: u8,
        rx_ms: u8,
        mult: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => any::<u16>().prop_map(|ms| Step::Wait(ms % 2000)),
        6 => (0u8..4, any::<bool>(), any::<bool>(), any::<bool>(), 1u8..50, 0u8..50, 1u8..5, any::<bool>()).prop_map(
            |(state, poll, fin, your_ok, tx_ms, rx_ms, mult, demand)| Step::Receive { state, poll, fin, your_ok, tx_ms, rx_ms, mult, demand }
        ),
        1 => Just(Step::AdminDown),
        1 => Just(Step::AdminUp),
        1 => (1u8..50, 0u8..50, 1u8..5).prop_map(|(tx_ms, rx_ms, mult)| Step::SetTimers { tx_ms, rx_ms, mult }),
    ]
}

fn allowed(from: State, to: State) -> bool {
    use State::*;
    matches!(
        (from, to),
        (Down, Init)
            | (Down, Up)
            | (Init, Up)
            | (Init, Down)
            | (Up, Down)
            | (_, AdminDown)
            | (AdminDown, Down)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn random_remote_never_breaks_invariants(steps in prop::collection::vec(step(), 1..120), passive in any::<bool>()) {
        let config = Config { desired_min_tx_interval: 20_000, required_min_rx_interval: 20_000, echo_transmit_interval: 30_000, passive, ..Config::default() };
        let mut s = Session::new(config, LOCAL, 3).unwrap();
        let mut now = Instant::now();
        let mut state = State::Down;
        for st in steps {
            match st {
                Step::Wait(ms) => {
                    now += Duration::from_millis(u64::from(ms));
                    s.handle_timeout(now);
                }
                Step::Receive { state, poll, fin, your_ok, tx_ms, rx_ms, mult, demand } => {
                    let state = State::from_code(state);
                    let your = if your_ok { LOCAL } else { 0 };
                    let r = Repr {
                        diagnostic: Diagnostic::NoDiagnostic,
                        state,
                        poll,
                        final_: fin && !poll,
                        control_plane_independent: false,
                        demand,
                        detect_mult: mult,
                        my_discriminator: 0xbeef,
                        your_discriminator: your,
                        desired_min_tx_interval: u32::from(tx_ms) * 1000,
                        required_min_rx_interval: u32::from(rx_ms) * 1000,
                        // Reuse rx_ms: sometimes 0 (no echoes), sometimes an echo interval.
                        required_min_echo_rx_interval: u32::from(rx_ms) * 1000,
                        auth: None,
                    };
                    let res = s.handle_packet(now, &r.to_bytes(), Some(255));
                    // Only the stateless rule (your discriminator 0 outside Down/AdminDown) and
                    // the local AdminDown discard can refuse these packets.
                    if let Err(e) = res {
                        prop_assert!(
                            matches!(e, bfd_proto::Error::YourDiscriminatorZero { .. } | bfd_proto::Error::LocalAdminDown),
                            "{e}"
                        );
                    }
                }
                Step::AdminDown => s.set_admin_down(Some(Diagnostic::AdministrativelyDown)),
                Step::AdminUp => s.set_admin_down(None),
                Step::SetTimers { tx_ms, rx_ms, mult } => {
                    s.set_timers(u32::from(tx_ms) * 1000, u32::from(rx_ms) * 1000, mult).unwrap();
                }
            }
            while let Some(bytes) = s.poll_transmit(now) {
                let p = Repr::parse_bytes(&bytes).expect("valid packet");
                prop_assert!(!(p.poll && p.final_));
                prop_assert_eq!(p.my_discriminator, LOCAL);
                prop_assert_eq!(p.your_discriminator, s.remote_discriminator());
                prop_assert_eq!(p.state, s.state());
                if p.state != State::Up {
                    prop_assert!(p.desired_min_tx_interval >= 1_000_000, "§6.8.3 slow TX while not Up");
                }
            }
            while let Some(echo) = s.poll_transmit_echo(now) {
                // Loop back the odd-numbered ones only: echo detection gets exercised too.
                let seq = bfd_proto::wire::EchoRepr::parse(&echo).unwrap().sequence;
                if seq % 2 == 1 {
                    prop_assert_eq!(s.handle_echo(now, &echo), Some(seq));
                }
            }
            while let Some(ev) = s.poll_event() {
                if let Event::StateChange { from, to, .. } = ev {
                    prop_assert_eq!(from, state);
                    prop_assert!(allowed(from, to), "{} -> {}", from, to);
                    state = to;
                }
            }
            prop_assert_eq!(s.state(), state);
            // Once timers ran and transmits were drained, the next deadline is in the future
            // (a deadline at or before `now` would make a caller spin).
            if let Some(t) = s.poll_timeout() {
                prop_assert!(t > now, "deadline {:?} not after now", now.duration_since(t));
            }
        }
    }
}
