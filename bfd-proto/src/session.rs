//! One BFD session as a sans-IO state machine (RFC 5880 §6.8, asynchronous mode).
//!
//! The caller owns the socket and the clock:
//!
//! - [`Session::handle_packet`] with each received control packet (and its TTL/hop limit);
//! - [`Session::handle_timeout`] when [`Session::poll_timeout`] has passed;
//! - [`Session::poll_transmit`] until it returns `None`, sending each packet;
//! - [`Session::poll_event`] for state changes.
//!
//! Implemented: the §6.8.6 reception rules and state table, §6.8.2–6.8.4 timer negotiation and
//! detection time (1 s transmit while not Up, §6.8.3), Poll/Final sequences when parameters
//! change (§6.5), §6.8.7 jitter, passive role (§6.1), administrative control (§6.8.16), all
//! five authentication types with the sequence-number rules (§6.7), and ceasing periodic
//! transmission when the remote system asks for Demand mode, and the Echo function
//! (§6.4, §6.8.9: [`Session::poll_transmit_echo`], [`Session::handle_echo`]). Not implemented:
//! entering Demand mode locally (the D bit is never set).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::rng::SplitMix64;
use crate::state::State;
use crate::wire::auth::{self, AuthKey, AuthSection};
use crate::wire::control::{MAX_LEN, Packet, Repr};

/// `bfd.DesiredMinTxInterval` floor while the session is not Up (§6.8.3): one second.
pub const SLOW_TX_INTERVAL_US: u32 = 1_000_000;

/// Session parameters (the configurable `bfd.*` variables of §6.8.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `bfd.DesiredMinTxInterval` once Up, in µs (raised to 1 s while not Up). Must be > 0.
    pub desired_min_tx_interval: u32,
    /// `bfd.RequiredMinRxInterval` in µs.
    pub required_min_rx_interval: u32,
    /// Required Min Echo RX Interval advertised, in µs (0: this system does not loop echoes).
    pub required_min_echo_rx_interval: u32,
    /// `bfd.DetectMult`. Must be > 0.
    pub detect_mult: u8,
    /// Passive role (§6.1): stay silent until the remote system has spoken.
    pub passive: bool,
    /// Minimum TTL/hop limit accepted: 255 for single hop (RFC 5881 §5), configurable for
    /// multihop (RFC 5883 §2). Checked only when the caller passes a TTL.
    pub minimum_ttl: u8,
    /// Sets the C bit: this implementation's fate is not shared with the control plane.
    pub control_plane_independent: bool,
    /// Echo function (§6.4, §6.8.9): desired echo transmit interval in µs, 0 for off. Echoes
    /// run only while Up and while the remote advertises a non-zero Required Min Echo RX
    /// Interval; see [`Session::poll_transmit_echo`].
    pub echo_transmit_interval: u32,
    /// `bfd.AuthType` and the key; `None` for no authentication.
    pub auth: Option<AuthKey>,
}

impl Default for Config {
    /// FRR's defaults: 300 ms / 300 ms, multiplier 3, single hop, no echo, no auth.
    fn default() -> Self {
        Self {
            desired_min_tx_interval: 300_000,
            required_min_rx_interval: 300_000,
            required_min_echo_rx_interval: 0,
            detect_mult: 3,
            passive: false,
            minimum_ttl: 255,
            control_plane_independent: false,
            echo_transmit_interval: 0,
            auth: None,
        }
    }
}

/// A configuration the session cannot run with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `detect_mult` is 0 (a peer discards such packets, §6.8.6).
    #[error("detect_mult must be at least 1")]
    DetectMultZero,
    /// `desired_min_tx_interval` is 0 (§6.8.1: MUST be non-zero).
    #[error("desired_min_tx_interval must be at least 1 µs")]
    DesiredMinTxZero,
    /// The local discriminator is 0 (§6.8.1: MUST be non-zero).
    #[error("local discriminator must be non-zero")]
    LocalDiscriminatorZero,
}

impl Config {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.detect_mult == 0 {
            return Err(ConfigError::DetectMultZero);
        }
        if self.desired_min_tx_interval == 0 {
            return Err(ConfigError::DesiredMinTxZero);
        }
        Ok(())
    }
}

/// What the session reports to its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// `bfd.SessionState` changed.
    StateChange {
        /// Previous state.
        from: State,
        /// New state.
        to: State,
        /// `bfd.LocalDiag` after the change: why it happened.
        diagnostic: Diagnostic,
        /// Diag of the last packet received from the remote system.
        remote_diagnostic: Diagnostic,
    },
    /// A Poll Sequence we started was answered with Final; new timers are in force.
    PollComplete,
}

/// The timers in force, for display and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// Desired Min TX Interval we advertise (µs).
    pub desired_min_tx_interval: u32,
    /// Required Min RX Interval we advertise (µs).
    pub required_min_rx_interval: u32,
    /// Transmit interval before jitter: max(our desired TX in use, remote's Required Min RX).
    pub tx_interval: Duration,
    /// Detection time for the remote system, once it has sent a packet.
    pub detection_time: Option<Duration>,
}

/// One BFD session (see the module docs for the driving loop).
#[derive(Debug, Clone)]
pub struct Session {
    config: Config,
    rng: SplitMix64,

    // §6.8.1 state variables.
    session_state: State,
    remote_session_state: State,
    local_discr: u32,
    remote_discr: u32,
    local_diag: Diagnostic,
    remote_diag: Diagnostic,
    remote_min_rx_interval: u32,
    remote_desired_min_tx: u32,
    remote_detect_mult: u8,
    remote_demand_mode: bool,
    rcv_auth_seq: u32,
    xmit_auth_seq: u32,
    auth_seq_known: bool,

    /// `bfd.DesiredMinTxInterval` / `bfd.RequiredMinRxInterval` as advertised now.
    desired_min_tx: u32,
    required_min_rx: u32,
    /// Values in force for the transmit interval and detection time: they lag the advertised
    /// ones while a Poll Sequence is outstanding (§6.8.3).
    tx_in_use: u32,
    rx_in_use: u32,
    /// Detect Mult advertised.
    detect_mult: u8,
    poll_active: bool,
    final_pending: bool,
    send_now: bool,

    next_tx: Option<Instant>,
    /// The remote's Required Min Echo RX Interval (0: do not send echoes).
    remote_min_echo_rx: u32,
    echo_next_tx: Option<Instant>,
    echo_deadline: Option<Instant>,
    echo_sequence: u32,
    echo_token: u64,
    detect_deadline: Option<Instant>,
    auth_seq_deadline: Option<Instant>,
    events: VecDeque<Event>,
}

impl Session {
    /// A session in Down state (§6.8.1). `local_discriminator` must be unique among the
    /// caller's sessions and non-zero; `seed` drives the transmit jitter and the initial
    /// authentication sequence number (`bfd.XmitAuthSeq`, §6.8.1: random).
    pub fn new(config: Config, local_discriminator: u32, seed: u64) -> Result<Self, ConfigError> {
        config.validate()?;
        if local_discriminator == 0 {
            return Err(ConfigError::LocalDiscriminatorZero);
        }
        let mut rng = SplitMix64::new(seed);
        let xmit_auth_seq = rng.next_u64() as u32;
        let echo_token = rng.next_u64();
        let desired_min_tx = config.desired_min_tx_interval.max(SLOW_TX_INTERVAL_US);
        Ok(Self {
            rng,
            session_state: State::Down,
            remote_session_state: State::Down,
            local_discr: local_discriminator,
            remote_discr: 0,
            local_diag: Diagnostic::NoDiagnostic,
            remote_diag: Diagnostic::NoDiagnostic,
            remote_min_rx_interval: 1,
            remote_desired_min_tx: 0,
            remote_detect_mult: 0,
            remote_demand_mode: false,
            rcv_auth_seq: 0,
            xmit_auth_seq,
            auth_seq_known: false,
            desired_min_tx,
            required_min_rx: config.required_min_rx_interval,
            tx_in_use: desired_min_tx,
            rx_in_use: config.required_min_rx_interval,
            detect_mult: config.detect_mult,
            poll_active: false,
            final_pending: false,
            send_now: true,
            next_tx: None,
            remote_min_echo_rx: 0,
            echo_next_tx: None,
            echo_deadline: None,
            echo_sequence: 0,
            echo_token,
            detect_deadline: None,
            auth_seq_deadline: None,
            events: VecDeque::new(),
            config,
        })
    }

    /// `bfd.SessionState`.
    pub fn state(&self) -> State {
        self.session_state
    }
    /// `bfd.RemoteSessionState`.
    pub fn remote_state(&self) -> State {
        self.remote_session_state
    }
    /// `bfd.LocalDiag`.
    pub fn local_diagnostic(&self) -> Diagnostic {
        self.local_diag
    }
    /// `bfd.LocalDiscr`.
    pub fn local_discriminator(&self) -> u32 {
        self.local_discr
    }
    /// `bfd.RemoteDiscr` (0 until the remote system is heard, and after a detection timeout).
    pub fn remote_discriminator(&self) -> u32 {
        self.remote_discr
    }
    /// Whether a Poll Sequence we started is outstanding.
    pub fn poll_active(&self) -> bool {
        self.poll_active
    }
    /// The configuration (with any later parameter changes applied).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The negotiated timers.
    pub fn timers(&self) -> Timers {
        Timers {
            desired_min_tx_interval: self.desired_min_tx,
            required_min_rx_interval: self.required_min_rx,
            tx_interval: self.tx_interval(),
            detection_time: self.detection_time(),
        }
    }

    /// §6.8.2/§6.8.7: the larger of our desired TX interval (in use) and the remote's
    /// Required Min RX Interval.
    fn tx_interval(&self) -> Duration {
        Duration::from_micros(u64::from(self.tx_in_use.max(self.remote_min_rx_interval)))
    }

    /// §6.8.4 (asynchronous mode): remote Detect Mult × max(our Required Min RX in use, the
    /// remote's last Desired Min TX).
    fn detection_time(&self) -> Option<Duration> {
        (self.remote_detect_mult != 0).then(|| {
            let interval = u64::from(self.rx_in_use.max(self.remote_desired_min_tx));
            Duration::from_micros(u64::from(self.remote_detect_mult) * interval)
        })
    }

    /// The transmit interval with §6.8.7 jitter: 75–100 %, or 75–90 % when Detect Mult is 1.
    fn jittered(&mut self, interval: Duration) -> Duration {
        let us = interval.as_micros().min(u128::from(u64::MAX)) as u64;
        let high = if self.detect_mult == 1 {
            us * 9 / 10
        } else {
            us
        };
        Duration::from_micros(self.rng.range_inclusive(us * 3 / 4, high))
    }

    /// Whether periodic transmission is allowed now (§6.8.7).
    fn may_transmit_periodic(&self) -> bool {
        if self.config.passive && self.remote_discr == 0 {
            return false;
        }
        if self.remote_min_rx_interval == 0 {
            return false;
        }
        // Demand mode active on the remote system: cease periodic transmission (§6.6).
        !(self.remote_demand_mode
            && self.session_state == State::Up
            && self.remote_session_state == State::Up
            && !self.poll_active)
    }

    fn set_state(&mut self, to: State, diagnostic: Diagnostic) {
        let from = self.session_state;
        self.local_diag = diagnostic;
        if from == to {
            return;
        }
        self.session_state = to;
        self.events.push_back(Event::StateChange {
            from,
            to,
            diagnostic,
            remote_diagnostic: self.remote_diag,
        });
        self.send_now = true;
        if to != State::Up {
            // A Poll Sequence negotiates Up timers; leaving Up makes it moot. Echoes run only
            // while Up.
            self.poll_active = false;
            self.stop_echo();
        }
        // §6.8.3: at least one second while not Up; the configured value once Up.
        let desired = if to == State::Up {
            self.config.desired_min_tx_interval
        } else {
            self.config.desired_min_tx_interval.max(SLOW_TX_INTERVAL_US)
        };
        self.change_timers(desired, self.required_min_rx, self.detect_mult);
    }

    /// Applies new advertised values; starts a Poll Sequence when Up (§6.8.3).
    fn change_timers(&mut self, desired_min_tx: u32, required_min_rx: u32, detect_mult: u8) {
        let changed = desired_min_tx != self.desired_min_tx
            || required_min_rx != self.required_min_rx
            || detect_mult != self.detect_mult;
        if !changed {
            return;
        }
        self.desired_min_tx = desired_min_tx;
        self.required_min_rx = required_min_rx;
        self.detect_mult = detect_mult;
        if self.session_state == State::Up {
            // Changes that cannot hurt the remote system apply now; an increase of TX or a
            // decrease of RX waits for the Final (§6.8.3).
            self.tx_in_use = self.tx_in_use.min(desired_min_tx);
            self.rx_in_use = self.rx_in_use.max(required_min_rx);
            self.poll_active = true;
            self.send_now = true;
        } else {
            self.tx_in_use = desired_min_tx;
            self.rx_in_use = required_min_rx;
        }
    }

    /// Changes the configured timers (what frr-k8s calls transmitInterval, receiveInterval and
    /// detectMultiplier); a Poll Sequence carries the change when the session is Up.
    pub fn set_timers(
        &mut self,
        desired_min_tx_interval: u32,
        required_min_rx_interval: u32,
        detect_mult: u8,
    ) -> Result<(), ConfigError> {
        let mut config = self.config.clone();
        config.desired_min_tx_interval = desired_min_tx_interval;
        config.required_min_rx_interval = required_min_rx_interval;
        config.detect_mult = detect_mult;
        config.validate()?;
        self.config = config;
        let desired = if self.session_state == State::Up {
            desired_min_tx_interval
        } else {
            desired_min_tx_interval.max(SLOW_TX_INTERVAL_US)
        };
        self.change_timers(desired, required_min_rx_interval, detect_mult);
        Ok(())
    }

    /// Administratively disables (`Some(diag)`, usually [`Diagnostic::AdministrativelyDown`]
    /// or [`Diagnostic::PathDown`]) or re-enables (`None`) the session (§6.8.16). Control
    /// packets keep going out, with State AdminDown, so the remote system learns of it.
    pub fn set_admin_down(&mut self, diagnostic: Option<Diagnostic>) {
        match diagnostic {
            Some(diag) => {
                self.set_state(State::AdminDown, diag);
                self.detect_deadline = None;
            }
            None if self.session_state == State::AdminDown => {
                let diag = self.local_diag;
                self.set_state(State::Down, diag);
            }
            None => {}
        }
    }

    /// Processes one received control packet (§6.8.6). `ttl` is the received IP TTL / IPv6
    /// hop limit when the transport knows it. An `Err` means the packet was discarded and
    /// changed nothing (except the RFC's own updates before the AdminDown check).
    pub fn handle_packet(
        &mut self,
        now: Instant,
        bytes: &[u8],
        ttl: Option<u8>,
    ) -> Result<(), Error> {
        if let Some(ttl) = ttl
            && ttl < self.config.minimum_ttl
        {
            return Err(Error::Ttl {
                ttl,
                minimum: self.config.minimum_ttl,
            });
        }
        let packet = Packet::new_checked(bytes)?;
        let repr = Repr::parse_checked(&packet)?;
        if repr.your_discriminator != 0 && repr.your_discriminator != self.local_discr {
            return Err(Error::YourDiscriminatorMismatch {
                received: repr.your_discriminator,
                local: self.local_discr,
            });
        }
        self.authenticate(packet.as_packet_bytes(), &repr)?;

        self.remote_discr = repr.my_discriminator;
        self.remote_session_state = repr.state;
        self.remote_diag = repr.diagnostic;
        self.remote_demand_mode = repr.demand;
        self.remote_min_rx_interval = repr.required_min_rx_interval;
        self.remote_desired_min_tx = repr.desired_min_tx_interval;
        self.remote_detect_mult = repr.detect_mult;
        self.remote_min_echo_rx = repr.required_min_echo_rx_interval;
        if self.remote_min_echo_rx == 0 {
            // §6.8.6: a zero Required Min Echo RX Interval stops our echoes.
            self.stop_echo();
        }

        if repr.final_ && self.poll_active {
            self.poll_active = false;
            self.tx_in_use = self.desired_min_tx;
            self.rx_in_use = self.required_min_rx;
            self.events.push_back(Event::PollComplete);
        }

        // The packet counts as received for the Detection Time (§6.8.4, end of §6.8.6).
        let detection = self.detection_time().unwrap_or(Duration::ZERO);
        self.detect_deadline = Some(now + detection);
        if self.config.auth.is_some() {
            self.auth_seq_deadline = Some(now + 2 * detection);
        }
        // A shorter interval takes effect now rather than after the pending (longer) one.
        let interval = self.tx_interval();
        if let Some(next) = self.next_tx
            && next > now + interval
        {
            self.next_tx = Some(now + self.jittered(interval));
        }

        if self.session_state == State::AdminDown {
            return Err(Error::LocalAdminDown);
        }
        if repr.state == State::AdminDown {
            if self.session_state != State::Down {
                self.set_state(State::Down, Diagnostic::NeighborSignaledSessionDown);
            }
        } else {
            match (self.session_state, repr.state) {
                (State::Down, State::Down) => self.set_state(State::Init, Diagnostic::NoDiagnostic),
                (State::Down, State::Init) => self.set_state(State::Up, Diagnostic::NoDiagnostic),
                (State::Init, State::Init | State::Up) => {
                    self.set_state(State::Up, Diagnostic::NoDiagnostic)
                }
                (State::Up, State::Down) => {
                    self.set_state(State::Down, Diagnostic::NeighborSignaledSessionDown)
                }
                _ => {}
            }
        }
        if repr.poll {
            self.final_pending = true;
        }
        if self.echo_active() && self.echo_next_tx.is_none() {
            self.echo_next_tx = Some(now);
        }
        Ok(())
    }

    /// §6.8.6 authentication rules and §6.7 procedures, including the sequence window.
    fn authenticate(&mut self, packet: &[u8], repr: &Repr) -> Result<(), Error> {
        let (key, section) = match (&self.config.auth, &repr.auth) {
            (None, None) => return Ok(()),
            (None, Some(_)) => return Err(Error::AuthNotExpected),
            (Some(key), None) => {
                return Err(Error::AuthMissing {
                    expected: key.auth_type(),
                });
            }
            (Some(key), Some(section)) => (key, section),
        };
        auth::verify(packet, section, key)?;
        if let Some(sequence) = section.sequence() {
            if self.auth_seq_known {
                auth::sequence_in_window(
                    sequence,
                    self.rcv_auth_seq,
                    repr.detect_mult,
                    key.auth_type().is_meticulous(),
                )
                .map_err(|(low, high)| Error::AuthSequence {
                    sequence,
                    low,
                    high,
                })?;
            }
            self.rcv_auth_seq = sequence;
            self.auth_seq_known = true;
        }
        Ok(())
    }

    /// Runs the timers that have expired by `now`: detection (§6.8.4, §6.8.5) and the
    /// authentication sequence reset (§6.8.1, `bfd.AuthSeqKnown` after 2 × Detection Time).
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(deadline) = self.detect_deadline
            && deadline <= now
        {
            self.detect_deadline = None;
            // §6.8.1: bfd.RemoteDiscr is zeroed when a Detection Time passes in silence.
            self.remote_discr = 0;
            if matches!(self.session_state, State::Init | State::Up) {
                self.remote_session_state = State::Down;
                self.set_state(State::Down, Diagnostic::ControlDetectionTimeExpired);
            }
        }
        if let Some(deadline) = self.auth_seq_deadline
            && deadline <= now
        {
            self.auth_seq_deadline = None;
            self.auth_seq_known = false;
        }
        if let Some(deadline) = self.echo_deadline
            && deadline <= now
        {
            self.echo_deadline = None;
            if self.session_state == State::Up {
                self.set_state(State::Down, Diagnostic::EchoFunctionFailed);
            }
        }
    }

    /// The next instant at which [`Session::handle_timeout`] or [`Session::poll_transmit`]
    /// has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let tx = if self.may_transmit_periodic() {
            self.next_tx
        } else {
            None
        };
        [
            tx,
            self.detect_deadline,
            self.auth_seq_deadline,
            self.echo_next_tx,
            self.echo_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whether a packet is due at `now` (without building it).
    pub fn wants_transmit(&self, now: Instant) -> bool {
        self.final_pending
            || (self.may_transmit_periodic()
                && (self.send_now || self.next_tx.is_none_or(|t| t <= now)))
    }

    /// Builds the next control packet due at `now` into `buf` (at least
    /// [`crate::wire::control::MAX_LEN`] octets) and returns its length, or `None` if nothing
    /// is due. Call until `None`.
    pub fn poll_transmit_into(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        let final_ = if self.final_pending {
            // A Final answers a Poll at once, regardless of the transmit timer (§6.8.6), and
            // never carries P as well (§6.8.7).
            self.final_pending = false;
            true
        } else if self.may_transmit_periodic()
            && (self.send_now || self.next_tx.is_none_or(|t| t <= now))
        {
            self.send_now = false;
            let interval = self.tx_interval();
            self.next_tx = Some(now + self.jittered(interval));
            false
        } else {
            return None;
        };
        let auth = self.config.auth.as_ref().map(|key| {
            if key.auth_type().is_keyed() {
                self.xmit_auth_seq = self.xmit_auth_seq.wrapping_add(1);
            }
            AuthSection::unsigned(key, self.xmit_auth_seq)
        });
        let repr = Repr {
            diagnostic: self.local_diag,
            state: self.session_state,
            poll: self.poll_active && !final_,
            final_,
            control_plane_independent: self.config.control_plane_independent,
            demand: false,
            detect_mult: self.detect_mult,
            my_discriminator: self.local_discr,
            your_discriminator: self.remote_discr,
            desired_min_tx_interval: self.desired_min_tx,
            required_min_rx_interval: self.required_min_rx,
            required_min_echo_rx_interval: self.config.required_min_echo_rx_interval,
            auth,
        };
        repr.emit_signed(buf, self.config.auth.as_ref()).ok()
    }

    /// [`Session::poll_transmit_into`] into a new vector.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        let mut buf = [0u8; MAX_LEN];
        let n = self.poll_transmit_into(now, &mut buf)?;
        Some(buf[..n].to_vec())
    }

    fn echo_active(&self) -> bool {
        self.config.echo_transmit_interval > 0
            && self.remote_min_echo_rx > 0
            && self.session_state == State::Up
    }

    fn stop_echo(&mut self) {
        self.echo_next_tx = None;
        self.echo_deadline = None;
    }

    /// §6.8.9: never faster than the remote's Required Min Echo RX Interval.
    fn echo_interval(&self) -> Duration {
        Duration::from_micros(u64::from(
            self.config
                .echo_transmit_interval
                .max(self.remote_min_echo_rx),
        ))
    }

    /// The next Echo packet due at `now` (this crate's format, [`crate::wire::EchoRepr`]),
    /// to be sent to UDP port 3785 so that the remote system loops it back. Echo detection is a
    /// local matter: Detect Mult × echo interval without a returned echo takes the session Down
    /// with diagnostic Echo Function Failed.
    pub fn poll_transmit_echo(
        &mut self,
        now: Instant,
    ) -> Option<[u8; crate::wire::echo::ECHO_LEN]> {
        if !self.echo_active() || self.echo_next_tx.is_some_and(|t| t > now) {
            return None;
        }
        let interval = self.echo_interval();
        self.echo_next_tx = Some(now + self.jittered(interval));
        if self.echo_deadline.is_none() {
            self.echo_deadline = Some(now + interval * u32::from(self.detect_mult));
        }
        self.echo_sequence = self.echo_sequence.wrapping_add(1);
        Some(
            crate::wire::EchoRepr {
                my_discriminator: self.local_discr,
                sequence: self.echo_sequence,
                token: self.echo_token,
            }
            .to_bytes(),
        )
    }

    /// Processes a looped-back echo; returns its sequence number if it is one of ours (others
    /// are ignored, not errors: the echo port may carry anything).
    pub fn handle_echo(&mut self, now: Instant, bytes: &[u8]) -> Option<u32> {
        let seq = crate::wire::EchoRepr::recognise(bytes, self.local_discr, self.echo_token)?;
        if self.echo_active() {
            self.echo_deadline = Some(now + self.echo_interval() * u32::from(self.detect_mult));
        }
        Some(seq)
    }

    /// The next state change or other event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
}
