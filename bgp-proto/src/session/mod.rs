//! A sans-IO BGP session: the RFC 4271 §8 finite state machine for one peer.
//!
//! The caller owns the TCP connection and the clock. It feeds connection events
//! ([`Session::handle_event`]), received bytes ([`Session::handle_bytes`]) and timer expiries
//! ([`Session::handle_timeout`]), and polls what to send ([`Session::poll_transmit`]), when to
//! call back ([`Session::poll_timeout`]) and what happened ([`Session::poll_event`]). Nothing
//! inside sleeps, spawns or reads the clock, so tests drive hours of protocol time at once.
//!
//! The session frames messages with the [`wire`](crate::wire) codec, negotiates capabilities,
//! applies the RFC 7606 reaction of every UPDATE error (treat-as-withdraw keeps the session up),
//! and closes with RFC 9003 / RFC 8538 NOTIFICATIONs on administrative shutdown.

mod collision;
mod config;
pub mod fuzz;
mod negotiated;
mod rng;
pub mod role;

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

pub use collision::{Initiator, resolve_collision};
pub use config::{Config, GracefulRestartConfig, PeerAs};
pub use negotiated::{Negotiated, negotiate};

use crate::wire::capability::GracefulRestart;
use crate::wire::context::SessionContext;
use crate::wire::error::{Action, DecodeError, EncodeError, MessageError};
use crate::wire::family::{Afi, AfiSafi, Safi};
use crate::wire::header::{HEADER_LEN, Header};
use crate::wire::keepalive;
use crate::wire::message::Message;
use crate::wire::notification::{Notification, cease, code};
use crate::wire::open::Open;
use crate::wire::route_refresh::RouteRefresh;
use crate::wire::update::Update;
use rng::SplitMix64;

/// RFC 4271 §8.2.2 states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum State {
    /// Refusing connections; waiting for a start (manual or automatic).
    Idle,
    /// Waiting for our outgoing TCP connection.
    Connect,
    /// Waiting for the peer to connect (or for ConnectRetry to try again).
    Active,
    /// OPEN sent, waiting for the peer's OPEN.
    OpenSent,
    /// OPENs exchanged, waiting for the first KEEPALIVE.
    OpenConfirm,
    /// Exchanging routes.
    Established,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Input events from the administrator and the transport.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// ManualStart (RFC 4271 §8.1.2 events 1 and 4).
    Start,
    /// ManualStop: Cease/Administrative Shutdown with this RFC 9003 message, no automatic
    /// restart.
    Stop {
        /// Shutdown communication (at most 255 octets of UTF-8 are sent).
        shutdown_message: Option<String>,
    },
    /// The TCP connection (ours or the peer's) is up.
    TcpConnected,
    /// Our connection attempt failed.
    TcpFailed,
    /// The TCP connection closed or broke.
    TcpClosed,
}

/// Why a session left OpenSent, OpenConfirm or Established.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DownReason {
    /// We sent this NOTIFICATION.
    NotificationSent(Notification),
    /// The peer sent this NOTIFICATION.
    NotificationReceived(Notification),
    /// The TCP connection closed or failed without NOTIFICATION.
    ConnectionLost,
}

/// Routes to keep as stale while the peer restarts (RFC 4724 §4.2 receiving speaker).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StaleRetention {
    /// Families the peer preserves forwarding state for; others are flushed.
    pub families: Vec<AfiSafi>,
    /// How long to keep the stale routes if the session does not come back.
    pub restart_time: Duration,
}

/// An UPDATE received in Established with the outcome of RFC 7606 checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedUpdate {
    /// The decoded UPDATE (malformed attributes already discarded by the codec).
    pub update: Update,
    /// Raw message bytes (header included), for consumers that iterate lazily.
    pub raw: Vec<u8>,
    /// Non-fatal errors found.
    pub errors: Vec<DecodeError>,
    /// The strongest non-reset action: with [`Action::TreatAsWithdraw`] every NLRI of the
    /// UPDATE must be handled as withdrawn; with [`Action::AfiSafiDisable`] the family is off.
    pub action: Option<Action>,
}

impl ReceivedUpdate {
    /// True when RFC 7606 turns this UPDATE's announcements into withdrawals.
    pub fn treat_as_withdraw(&self) -> bool {
        matches!(self.action, Some(Action::TreatAsWithdraw))
    }
}

/// Output events, polled with [`Session::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEvent {
    /// The FSM moved.
    StateChanged {
        /// Previous state.
        from: State,
        /// New state.
        to: State,
    },
    /// Transport: open a TCP connection to the peer now (abandon any earlier attempt).
    Connect,
    /// Transport: send what [`Session::poll_transmit`] holds, then close the connection.
    Disconnect,
    /// The session is Established with these parameters.
    Established(Box<Negotiated>),
    /// An UPDATE arrived (see [`ReceivedUpdate::action`] for RFC 7606 outcomes).
    Update(Box<ReceivedUpdate>),
    /// The peer finished its initial announcements of a family (RFC 4724 §2).
    EndOfRib(AfiSafi),
    /// The peer asked for a route refresh (or marked its begin/end, RFC 7313).
    RouteRefresh(RouteRefresh),
    /// A family was disabled after a malformed MP attribute (RFC 7606 §5.3 / RFC 4760 §7).
    FamilyDisabled(AfiSafi),
    /// We sent a NOTIFICATION.
    NotificationSent(Notification),
    /// The peer sent a NOTIFICATION.
    NotificationReceived(Notification),
    /// An Established session went down. Routes learnt from the peer must be withdrawn,
    /// except those of `retain` families which become stale (Graceful Restart).
    Down {
        /// Why.
        reason: DownReason,
        /// Graceful Restart retention, when the peer supports it and the cause allows it.
        retain: Option<StaleRetention>,
    },
}

/// Message counters (the numbers `show bgp neighbor` prints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Counters {
    /// Messages received.
    pub messages_in: u64,
    /// Messages sent.
    pub messages_out: u64,
    /// UPDATEs received.
    pub updates_in: u64,
    /// UPDATEs sent.
    pub updates_out: u64,
    /// NOTIFICATIONs received.
    pub notifications_in: u64,
    /// NOTIFICATIONs sent.
    pub notifications_out: u64,
    /// Times the session reached Established.
    pub established: u64,
    /// UPDATEs handled by treat-as-withdraw.
    pub treat_as_withdraw: u64,
}

/// Timers (RFC 4271 §10), as deadlines.
#[derive(Clone, Copy, Debug, Default)]
struct Timers {
    connect_retry: Option<Instant>,
    hold: Option<Instant>,
    keepalive: Option<Instant>,
    idle_hold: Option<Instant>,
}

/// One BGP session with one peer. See the [module documentation](self).
#[derive(Debug)]
pub struct Session {
    config: Config,
    local_open: Open,
    state: State,
    negotiated: Option<Box<Negotiated>>,
    ctx: SessionContext,
    disabled: Vec<AfiSafi>,
    timers: Timers,
    tcp_up: bool,
    stopped: bool,
    rx: Vec<u8>,
    tx: Vec<u8>,
    events: VecDeque<SessionEvent>,
    rng: SplitMix64,
    counters: Counters,
}

/// RFC 6608 FSM error subcodes.
const FSM_OPEN_SENT: u8 = 1;
const FSM_OPEN_CONFIRM: u8 = 2;
const FSM_ESTABLISHED: u8 = 3;

impl Session {
    /// A session in Idle; send [`Event::Start`] to begin.
    pub fn new(config: Config, _now: Instant) -> Session {
        let local_open = config.open();
        let rng = SplitMix64::new(config.seed);
        Session {
            config,
            local_open,
            state: State::Idle,
            negotiated: None,
            ctx: SessionContext::default(),
            disabled: Vec::new(),
            timers: Timers::default(),
            tcp_up: false,
            stopped: true,
            rx: Vec::new(),
            tx: Vec::new(),
            events: VecDeque::new(),
            rng,
            counters: Counters::default(),
        }
    }

    /// Current FSM state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The OPEN we send.
    pub fn local_open(&self) -> &Open {
        &self.local_open
    }

    /// Negotiated parameters, from OpenConfirm until the session goes down.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.negotiated.as_deref()
    }

    /// The codec context in use (the default one before OPENs are exchanged).
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// Message counters since creation.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Families disabled after a malformed MP attribute (RFC 7606), until the session resets.
    pub fn disabled_families(&self) -> &[AfiSafi] {
        &self.disabled
    }

    /// Applies an administrative or transport event.
    pub fn handle_event(&mut self, now: Instant, event: Event) {
        match event {
            Event::Start => {
                self.stopped = false;
                if self.state == State::Idle {
                    self.start(now);
                }
            }
            Event::Stop { shutdown_message } => {
                self.stopped = true;
                self.timers = Timers::default();
                match self.state {
                    State::OpenSent | State::OpenConfirm | State::Established => {
                        let inner = Notification::administrative_shutdown(
                            shutdown_message.as_deref().unwrap_or(""),
                        );
                        self.send_notification(now, self.maybe_hard_reset(inner));
                    }
                    State::Connect | State::Active => self.go_down(now, None),
                    State::Idle => {}
                }
            }
            Event::TcpConnected => match self.state {
                State::Connect | State::Active => self.connected(now),
                State::Idle if !self.stopped => {
                    // A passive or restarting session accepts the peer's connection at once.
                    self.connected(now)
                }
                _ => self.events.push_back(SessionEvent::Disconnect),
            },
            Event::TcpFailed => match self.state {
                State::Connect => {
                    self.tcp_up = false;
                    let d = self.rng.jitter(self.config.connect_retry_time);
                    self.timers.connect_retry = Some(now + d);
                    self.transition(State::Active);
                }
                State::Idle => {}
                _ => {
                    self.tcp_up = false;
                    self.go_down(now, Some(DownReason::ConnectionLost))
                }
            },
            Event::TcpClosed => {
                if self.state != State::Idle {
                    self.tcp_up = false;
                    self.go_down(now, Some(DownReason::ConnectionLost));
                }
            }
        }
    }

    /// Feeds bytes read from the TCP connection; messages are framed and handled as they
    /// complete. Bytes arriving while no connection is up are ignored.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if !self.tcp_up || !self.reading() {
            return;
        }
        if self.rx.is_empty() {
            let used = self.process(now, bytes);
            if self.tcp_up && self.reading() {
                self.rx.extend_from_slice(&bytes[used..]);
            }
        } else {
            self.rx.extend_from_slice(bytes);
            let rx = std::mem::take(&mut self.rx);
            let used = self.process(now, &rx);
            if self.tcp_up && self.reading() {
                self.rx = rx;
                self.rx.drain(..used);
            }
        }
    }

    /// Fires the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let due = |t: Option<Instant>| t.is_some_and(|t| t <= now);
        if due(self.timers.hold) {
            self.timers.hold = None;
            if matches!(
                self.state,
                State::OpenSent | State::OpenConfirm | State::Established
            ) {
                self.send_notification(
                    now,
                    Notification::new(code::HOLD_TIMER_EXPIRED, 0, Vec::new()),
                );
            }
        }
        if due(self.timers.keepalive) {
            self.timers.keepalive = None;
            if matches!(self.state, State::OpenConfirm | State::Established) {
                self.send_keepalive();
                self.arm_keepalive(now);
            }
        }
        if due(self.timers.connect_retry) {
            self.timers.connect_retry = None;
            if matches!(self.state, State::Connect | State::Active) && !self.config.passive {
                self.connect(now);
            }
        }
        if due(self.timers.idle_hold) {
            self.timers.idle_hold = None;
            if self.state == State::Idle && !self.stopped {
                self.start(now);
            }
        }
    }

    /// Bytes to write to the TCP connection, all pending messages at once.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.tx.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.tx))
        }
    }

    /// Bytes waiting in [`Session::poll_transmit`].
    pub fn pending_transmit(&self) -> usize {
        self.tx.len()
    }

    /// The earliest timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let t = &self.timers;
        [t.connect_retry, t.hold, t.keepalive, t.idle_hold]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next output event.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// Sends a message in Established (UPDATE, ROUTE-REFRESH), encoded for the negotiated
    /// context. Fails when it does not fit the negotiated maximum size.
    pub fn send_message(&mut self, now: Instant, message: &Message) -> Result<(), SendError> {
        if self.state != State::Established {
            return Err(SendError::NotEstablished);
        }
        message.encode(&self.ctx, &mut self.tx)?;
        self.count_out(message);
        if matches!(message, Message::Update(_)) {
            self.arm_keepalive(now);
        }
        Ok(())
    }

    /// Sends pre-encoded messages in Established, unchecked. For encoders that build UPDATEs
    /// themselves (see `rib::UpdateEncoder`) and for test peers crafting malformed input.
    pub fn send_raw(&mut self, now: Instant, bytes: &[u8]) -> Result<(), SendError> {
        if self.state != State::Established {
            return Err(SendError::NotEstablished);
        }
        self.tx.extend_from_slice(bytes);
        let mut off = 0;
        while off + HEADER_LEN <= bytes.len() {
            let len = u16::from_be_bytes([bytes[off + 16], bytes[off + 17]]) as usize;
            self.counters.messages_out += 1;
            if bytes[off + 18] == 2 {
                self.counters.updates_out += 1;
            }
            off += len.max(HEADER_LEN);
        }
        self.arm_keepalive(now);
        Ok(())
    }

    /// Sends the End-of-RIB marker of `family` (RFC 4724 §2).
    pub fn send_end_of_rib(&mut self, now: Instant, family: AfiSafi) -> Result<(), SendError> {
        let eor = end_of_rib(family);
        self.send_raw(now, &eor)
    }

    /// Asks the peer to resend `family` (RFC 2918), if it supports route refresh.
    pub fn request_route_refresh(
        &mut self,
        now: Instant,
        family: AfiSafi,
    ) -> Result<(), SendError> {
        if !self.negotiated().is_some_and(|n| n.route_refresh) {
            return Err(SendError::NotNegotiated);
        }
        self.send_message(now, &Message::RouteRefresh(RouteRefresh::request(family)))
    }

    /// Closes this connection because the other connection to the same peer won the collision
    /// (RFC 4271 §6.8): Cease/Connection Collision Resolution.
    pub fn close_for_collision(&mut self, now: Instant) {
        if matches!(
            self.state,
            State::OpenSent | State::OpenConfirm | State::Established
        ) {
            let n = Notification::new(code::CEASE, cease::CONNECTION_COLLISION, Vec::new());
            self.send_notification(now, n);
        } else {
            self.go_down(now, None);
        }
    }

    // ----- internals -----

    fn reading(&self) -> bool {
        matches!(
            self.state,
            State::OpenSent | State::OpenConfirm | State::Established
        )
    }

    fn transition(&mut self, to: State) {
        if self.state != to {
            let from = self.state;
            self.state = to;
            self.events
                .push_back(SessionEvent::StateChanged { from, to });
        }
    }

    fn start(&mut self, now: Instant) {
        self.timers = Timers::default();
        if self.config.passive {
            self.transition(State::Active);
        } else {
            self.transition(State::Connect);
            self.connect(now);
        }
    }

    fn connect(&mut self, now: Instant) {
        self.transition(State::Connect);
        self.events.push_back(SessionEvent::Connect);
        let d = self.rng.jitter(self.config.connect_retry_time);
        self.timers.connect_retry = Some(now + d);
    }

    fn connected(&mut self, now: Instant) {
        self.tcp_up = true;
        self.timers = Timers::default();
        self.rx.clear();
        self.tx.clear();
        self.ctx = SessionContext::default();
        self.disabled.clear();
        self.local_open.encode(&mut self.tx);
        self.counters.messages_out += 1;
        self.timers.hold = Some(now + self.config.open_hold_time);
        self.transition(State::OpenSent);
    }

    fn maybe_hard_reset(&self, n: Notification) -> Notification {
        if self.negotiated().is_some_and(|x| x.graceful_notification) {
            Notification::hard_reset(&n)
        } else {
            n
        }
    }

    fn send_keepalive(&mut self) {
        keepalive::encode(&mut self.tx);
        self.counters.messages_out += 1;
    }

    fn arm_keepalive(&mut self, now: Instant) {
        if let Some(k) = self.negotiated().and_then(|n| n.keepalive_interval()) {
            let d = self.rng.jitter(k);
            self.timers.keepalive = Some(now + d);
        }
    }

    fn restart_hold(&mut self, now: Instant) {
        if let Some(n) = self.negotiated() {
            self.timers.hold =
                (n.hold_time != 0).then(|| now + Duration::from_secs(n.hold_time as u64));
        }
    }

    fn count_out(&mut self, m: &Message) {
        self.counters.messages_out += 1;
        match m {
            Message::Update(_) => self.counters.updates_out += 1,
            Message::Notification(_) => self.counters.notifications_out += 1,
            _ => {}
        }
    }

    fn send_notification(&mut self, now: Instant, n: Notification) {
        if self.tcp_up {
            let mut buf = Vec::with_capacity(n.encoded_len());
            n.encode(&mut buf);
            // NOTIFICATION data is truncated to fit (RFC 8654 §4 keeps 4096 before OPEN).
            let max = self.ctx.max_message_len();
            if buf.len() > max {
                buf.truncate(max);
                let len = (max as u16).to_be_bytes();
                buf[16] = len[0];
                buf[17] = len[1];
            }
            self.tx.extend_from_slice(&buf);
            self.counters.messages_out += 1;
            self.counters.notifications_out += 1;
            self.events
                .push_back(SessionEvent::NotificationSent(n.clone()));
        }
        self.go_down(now, Some(DownReason::NotificationSent(n)));
    }

    /// Leaves the session for Idle, closing the connection and arming the automatic restart.
    fn go_down(&mut self, now: Instant, reason: Option<DownReason>) {
        let was_established = self.state == State::Established;
        if self.tcp_up {
            self.events.push_back(SessionEvent::Disconnect);
        }
        self.tcp_up = false;
        self.rx = Vec::new();
        self.timers = Timers::default();
        if was_established {
            let reason = reason.unwrap_or(DownReason::ConnectionLost);
            let retain = self.retention(&reason);
            self.events.push_back(SessionEvent::Down { reason, retain });
        }
        self.negotiated = None;
        self.transition(State::Idle);
        if !self.stopped
            && let Some(d) = self.config.idle_hold_time
        {
            self.timers.idle_hold = Some(now + d);
        }
    }

    /// RFC 4724 §4.2 and RFC 8538 §4: which routes survive the session loss.
    fn retention(&self, reason: &DownReason) -> Option<StaleRetention> {
        let n = self.negotiated()?;
        let gr: &GracefulRestart = n.peer_graceful_restart.as_ref()?;
        let graceful = match reason {
            DownReason::ConnectionLost => true,
            DownReason::NotificationSent(x) | DownReason::NotificationReceived(x) => {
                n.graceful_notification && !x.is_hard_reset()
            }
        };
        if !graceful {
            return None;
        }
        let families = gr
            .families
            .iter()
            .filter(|f| f.forwarding_preserved() && n.families.contains(&f.family))
            .map(|f| f.family)
            .collect::<Vec<_>>();
        if families.is_empty() || gr.restart_time == 0 {
            return None;
        }
        Some(StaleRetention {
            families,
            restart_time: Duration::from_secs(gr.restart_time as u64),
        })
    }

    /// Handles every complete message of `buf`; returns the bytes consumed.
    fn process(&mut self, now: Instant, buf: &[u8]) -> usize {
        let mut off = 0;
        while self.tcp_up && self.reading() && off < buf.len() {
            let msg = &buf[off..];
            match Message::decode(msg, &self.ctx) {
                Ok(d) => {
                    let len = d.length;
                    self.handle_message(now, d.message, &msg[..len], d.errors);
                    off += len;
                }
                Err(MessageError::Incomplete { .. }) => break,
                Err(MessageError::Malformed(e)) => match e.notification() {
                    Some((c, s, data)) => {
                        let n = Notification::new(c, s, data.to_vec());
                        self.send_notification(now, n);
                        break;
                    }
                    None => {
                        // A non-reset error for the whole message: RFC 7606 treat-as-withdraw
                        // of everything in it; skip the message and keep the session.
                        match Header::parse(msg, self.ctx.max_message_len()) {
                            Ok(h) if msg.len() >= h.length as usize => {
                                self.counters.messages_in += 1;
                                self.counters.treat_as_withdraw += 1;
                                self.restart_hold(now);
                                off += h.length as usize;
                            }
                            _ => {
                                self.send_notification(now, Notification::new(3, 1, Vec::new()));
                                break;
                            }
                        }
                    }
                },
            }
        }
        off
    }

    fn fsm_error(&mut self, now: Instant) {
        let sub = match self.state {
            State::OpenSent => FSM_OPEN_SENT,
            State::OpenConfirm => FSM_OPEN_CONFIRM,
            _ => FSM_ESTABLISHED,
        };
        self.send_notification(now, Notification::new(code::FSM, sub, Vec::new()));
    }

    fn handle_message(
        &mut self,
        now: Instant,
        message: Message,
        raw: &[u8],
        errors: Vec<DecodeError>,
    ) {
        self.counters.messages_in += 1;
        if let Message::Notification(n) = message {
            self.counters.notifications_in += 1;
            self.events
                .push_back(SessionEvent::NotificationReceived(n.clone()));
            self.go_down(now, Some(DownReason::NotificationReceived(n)));
            return;
        }
        match (self.state, message) {
            (State::OpenSent, Message::Open(open)) => {
                match negotiate(&self.config, &self.local_open, &open) {
                    Ok(n) => {
                        self.ctx = n.context.clone();
                        self.negotiated = Some(Box::new(n));
                        self.send_keepalive();
                        self.arm_keepalive(now);
                        self.restart_hold(now);
                        self.transition(State::OpenConfirm);
                    }
                    Err(n) => self.send_notification(now, n),
                }
            }
            (State::OpenConfirm, Message::Keepalive) => {
                self.restart_hold(now);
                self.counters.established += 1;
                self.transition(State::Established);
                if let Some(n) = &self.negotiated {
                    self.events.push_back(SessionEvent::Established(n.clone()));
                }
            }
            (State::Established, Message::Keepalive) => self.restart_hold(now),
            (State::Established, Message::Update(update)) => {
                self.restart_hold(now);
                self.counters.updates_in += 1;
                self.received_update(update, raw, errors);
            }
            (State::Established, Message::RouteRefresh(rr)) => {
                self.restart_hold(now);
                if self.negotiated().is_some_and(|n| n.route_refresh) {
                    self.events.push_back(SessionEvent::RouteRefresh(rr));
                } else {
                    // RFC 7313 §5: ROUTE-REFRESH without the capability is an error.
                    self.send_notification(
                        now,
                        Notification::new(7, 1, raw[HEADER_LEN..].to_vec()),
                    );
                }
            }
            _ => self.fsm_error(now),
        }
    }

    fn received_update(&mut self, update: Update, raw: &[u8], errors: Vec<DecodeError>) {
        let action = Action::strongest(&errors).cloned();
        if let Some(Action::AfiSafiDisable { afi, safi }) = &action {
            let fam = AfiSafi::new(*afi, *safi);
            if !self.disabled.contains(&fam) {
                self.disabled.push(fam);
                self.events.push_back(SessionEvent::FamilyDisabled(fam));
            }
        }
        if matches!(action, Some(Action::TreatAsWithdraw)) {
            self.counters.treat_as_withdraw += 1;
        }
        if errors.is_empty()
            && let Some(fam) = end_of_rib_family(&raw[HEADER_LEN..])
        {
            self.events.push_back(SessionEvent::EndOfRib(fam));
            return;
        }
        self.events
            .push_back(SessionEvent::Update(Box::new(ReceivedUpdate {
                update,
                raw: raw.to_vec(),
                errors,
                action,
            })));
    }
}

/// Why [`Session::send_message`] refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Routes and refreshes are only sent in Established.
    #[error("session is not established")]
    NotEstablished,
    /// The peer did not announce the needed capability.
    #[error("capability not negotiated")]
    NotNegotiated,
    /// The message does not fit.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// The End-of-RIB marker of `family` (RFC 4724 §2): an empty UPDATE for IPv4 unicast, else an
/// UPDATE with only an empty MP_UNREACH_NLRI.
pub fn end_of_rib(family: AfiSafi) -> Vec<u8> {
    let mut v = crate::wire::header::MARKER.to_vec();
    if family == AfiSafi::IPV4_UNICAST {
        v.extend_from_slice(&[0, 23, 2, 0, 0, 0, 0]);
    } else {
        v.extend_from_slice(&[0, 29, 2, 0, 0, 0, 6, 0x80, 15, 3]);
        v.extend_from_slice(&family.afi.0.to_be_bytes());
        v.push(family.safi.0);
    }
    v
}

/// The family whose End-of-RIB marker `body` (UPDATE body) is, if it is one.
pub fn end_of_rib_family(body: &[u8]) -> Option<AfiSafi> {
    if body == [0, 0, 0, 0] {
        return Some(AfiSafi::IPV4_UNICAST);
    }
    // withdrawn length 0, attributes length, one MP_UNREACH_NLRI holding only AFI/SAFI.
    let (&[0, 0, _, _], rest) = body.split_first_chunk::<4>()? else {
        return None;
    };
    let attrs_len = u16::from_be_bytes([body[2], body[3]]) as usize;
    if rest.len() != attrs_len {
        return None;
    }
    let value = match rest {
        [flags, 15, 3, v @ ..] if flags & 0x10 == 0 => v,
        [flags, 15, 0, 3, v @ ..] if flags & 0x10 != 0 => v,
        _ => return None,
    };
    match value {
        [a, b, s] => Some(AfiSafi::new(Afi(u16::from_be_bytes([*a, *b])), Safi(*s))),
        _ => None,
    }
}
