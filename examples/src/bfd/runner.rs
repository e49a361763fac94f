//! The async driver: moves bytes and time between tokio sockets and [`bfd_proto::Session`]s.
//!
//! One receive socket per (address family, port) in use, one connected send socket per
//! session. Received packets are matched to a session by Your Discriminator, or, while that is
//! still zero, by the sender's address and the port (single hop or multihop) they arrived on.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bfd_proto::rng::SplitMix64;
use bfd_proto::wire::Packet;
use bfd_proto::{Config, Diagnostic, Event, Session, State};
use serde::Serialize;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::socket::{self, MULTI_HOP_PORT, SINGLE_HOP_PORT};

/// One session to run.
#[derive(Debug, Clone)]
pub struct PeerSpec {
    /// The remote system.
    pub peer: IpAddr,
    /// Our source address (required for multihop so the peer can match the session).
    pub local: Option<IpAddr>,
    /// RFC 5883 multihop (port 4784, TTL checked against `config.minimum_ttl`) instead of
    /// RFC 5881 single hop (port 3784, TTL 255).
    pub multihop: bool,
    /// Bind the send socket to this interface (single hop over a specific link).
    pub interface: Option<String>,
    /// Protocol parameters.
    pub config: Config,
}

/// A state change, as printed by `bfd-session` (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateChangeRecord {
    /// Wall-clock time, RFC 3339 UTC with microseconds.
    pub ts: String,
    /// Microseconds since the Unix epoch (same instant as `ts`, for arithmetic).
    pub ts_us: u128,
    /// The peer address.
    pub peer: IpAddr,
    /// Whether the session is multihop.
    pub multihop: bool,
    /// Previous state.
    pub from: State,
    /// New state.
    pub to: State,
    /// Our diagnostic (why).
    pub diagnostic: String,
    /// The remote system's last diagnostic.
    pub remote_diagnostic: String,
    /// `bfd.LocalDiscr`.
    pub local_discriminator: u32,
    /// `bfd.RemoteDiscr`.
    pub remote_discriminator: u32,
    /// Negotiated transmit interval (ms, before jitter).
    pub tx_interval_ms: f64,
    /// Detection time for the remote system (ms).
    pub detection_time_ms: Option<f64>,
}

/// Administrative commands for a running [`Runner`].
#[derive(Debug, Clone)]
pub enum Command {
    /// Disable the session with this peer (§6.8.16), diagnostic Administratively Down.
    AdminDown(IpAddr),
    /// Re-enable it.
    AdminUp(IpAddr),
    /// New timers for the session with this peer (a Poll Sequence carries them when Up):
    /// desired min TX and required min RX in µs, detect multiplier.
    SetTimers(IpAddr, u32, u32, u8),
}

struct Live {
    spec: PeerSpec,
    session: Session,
    tx: UdpSocket,
    /// Last negotiated timers logged, to log changes (Poll/Final results) once.
    timers: Option<(Duration, Option<Duration>)>,
}

/// Runs a set of sessions until a future completes.
pub struct Runner {
    sessions: Vec<Live>,
    receivers: Vec<(UdpSocket, bool)>,
    commands_tx: mpsc::UnboundedSender<Command>,
    commands_rx: Option<mpsc::UnboundedReceiver<Command>>,
}

/// Now as (RFC 3339 text, µs since the epoch).
pub fn wall_clock() -> (String, u128) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    (rfc3339(d), d.as_micros())
}

fn rfc3339(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since_epoch.subsec_micros()
    )
}

impl Runner {
    /// Opens the sockets for `specs`. `seed` drives discriminators, source ports and jitter.
    pub fn bind(specs: Vec<PeerSpec>, seed: u64) -> io::Result<Self> {
        let mut rng = SplitMix64::new(seed);
        let mut sessions = Vec::new();
        let mut needed: Vec<(bool, bool)> = Vec::new();
        for spec in specs {
            let port = if spec.multihop {
                MULTI_HOP_PORT
            } else {
                SINGLE_HOP_PORT
            };
            let tx = socket::bind_sender(
                spec.local,
                SocketAddr::new(spec.peer, port),
                spec.interface.as_deref(),
                rng.next_u64(),
            )?;
            let discr = loop {
                let d = rng.next_u64() as u32;
                if d != 0
                    && sessions
                        .iter()
                        .all(|l: &Live| l.session.local_discriminator() != d)
                {
                    break d;
                }
            };
            let session = Session::new(spec.config.clone(), discr, rng.next_u64())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            let key = (spec.peer.is_ipv6(), spec.multihop);
            if !needed.contains(&key) {
                needed.push(key);
            }
            sessions.push(Live {
                spec,
                session,
                tx,
                timers: None,
            });
        }
        let receivers = needed
            .into_iter()
            .map(|(v6, mh)| {
                let port = if mh { MULTI_HOP_PORT } else { SINGLE_HOP_PORT };
                socket::bind_receiver(v6, port).map(|s| (s, mh))
            })
            .collect::<io::Result<_>>()?;
        let (commands_tx, commands_rx) = mpsc::unbounded_channel();
        Ok(Self {
            sessions,
            receivers,
            commands_tx,
            commands_rx: Some(commands_rx),
        })
    }

    /// A handle to send [`Command`]s while [`Runner::run`] runs.
    pub fn control(&self) -> mpsc::UnboundedSender<Command> {
        self.commands_tx.clone()
    }

    /// The local discriminators, per peer.
    pub fn discriminators(&self) -> HashMap<IpAddr, u32> {
        self.sessions
            .iter()
            .map(|l| (l.spec.peer, l.session.local_discriminator()))
            .collect()
    }

    /// Runs until `stop` completes, calling `on_change` for every state change. On the way out
    /// every session sends one AdminDown packet, so peers go down at once rather than after
    /// their detection time.
    pub async fn run(
        mut self,
        stop: impl Future<Output = ()>,
        mut on_change: impl FnMut(&StateChangeRecord),
    ) -> io::Result<()> {
        let (pkt_tx, mut pkt_rx) = mpsc::channel::<(Vec<u8>, socket::Received, bool)>(1024);
        let mut readers = tokio::task::JoinSet::new();
        for (sock, multihop) in std::mem::take(&mut self.receivers) {
            let pkt_tx = pkt_tx.clone();
            readers.spawn(async move {
                let mut buf = [0u8; 1500];
                loop {
                    match socket::recv_with_ttl(&sock, &mut buf).await {
                        Ok(r) => {
                            if pkt_tx
                                .send((buf[..r.len].to_vec(), r, multihop))
                                .await
                                .is_err()
                            {
                                return;
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "BFD receive failed"),
                    }
                }
            });
        }
        let mut commands = self.commands_rx.take().expect("run consumes the runner");
        tokio::pin!(stop);
        loop {
            let now = Instant::now();
            for live in &mut self.sessions {
                live.session.handle_timeout(now);
                while let Some(bytes) = live.session.poll_transmit(now) {
                    tracing::trace!(peer = %live.spec.peer, packet = %Packet::new_unchecked(&bytes[..]), "send");
                    if let Err(e) = live.tx.send(&bytes).await {
                        tracing::debug!(peer = %live.spec.peer, error = %e, "BFD send failed");
                    }
                }
                while let Some(event) = live.session.poll_event() {
                    match event {
                        Event::StateChange {
                            from,
                            to,
                            diagnostic,
                            remote_diagnostic,
                        } => {
                            let record = record(live, from, to, diagnostic, remote_diagnostic);
                            tracing::info!(peer = %live.spec.peer, %from, %to, %diagnostic, "BFD state change");
                            on_change(&record);
                        }
                        Event::PollComplete => {
                            tracing::info!(peer = %live.spec.peer, "BFD poll sequence complete (Final received)");
                        }
                    }
                }
            }
            let deadline = self
                .sessions
                .iter()
                .filter_map(|l| l.session.poll_timeout())
                .min();
            let sleep = tokio::time::sleep_until(
                deadline.unwrap_or(now + Duration::from_secs(3600)).into(),
            );
            tokio::select! {
                () = &mut stop => break,
                Some(cmd) = commands.recv() => self.command(cmd),
                Some((bytes, r, multihop)) = pkt_rx.recv() => self.receive(&bytes, r, multihop),
                () = sleep => {}
            }
        }
        readers.abort_all();
        // Tell the peers we are going away (§6.8.16) instead of letting them time out.
        let now = Instant::now();
        for live in &mut self.sessions {
            live.session
                .set_admin_down(Some(Diagnostic::AdministrativelyDown));
            while let Some(bytes) = live.session.poll_transmit(now) {
                let _ = live.tx.send(&bytes).await;
            }
        }
        Ok(())
    }

    fn command(&mut self, cmd: Command) {
        let (peer, diag) = match cmd {
            Command::AdminDown(p) => (p, Some(Diagnostic::AdministrativelyDown)),
            Command::AdminUp(p) => (p, None),
            Command::SetTimers(peer, tx, rx, mult) => {
                for live in self.sessions.iter_mut().filter(|l| l.spec.peer == peer) {
                    if let Err(e) = live.session.set_timers(tx, rx, mult) {
                        tracing::warn!(%peer, error = %e, "BFD timers rejected");
                    }
                }
                return;
            }
        };
        for live in self.sessions.iter_mut().filter(|l| l.spec.peer == peer) {
            live.session.set_admin_down(diag);
        }
    }

    fn receive(&mut self, bytes: &[u8], r: socket::Received, multihop: bool) {
        let your = Packet::new_checked(bytes)
            .map(|p| p.your_discriminator())
            .unwrap_or(0);
        let live = self.sessions.iter_mut().find(|l| {
            l.spec.multihop == multihop
                && if your != 0 {
                    l.session.local_discriminator() == your
                } else {
                    l.spec.peer == r.from.ip()
                }
        });
        let Some(live) = live else {
            tracing::debug!(from = %r.from, your_discriminator = your, "BFD packet for no session");
            return;
        };
        if live.spec.peer != r.from.ip() {
            tracing::debug!(from = %r.from, peer = %live.spec.peer, "BFD packet from an unexpected address");
            return;
        }
        match live.session.handle_packet(Instant::now(), bytes, r.ttl) {
            Ok(()) => tracing::trace!(from = %r.from, ttl = ?r.ttl, "received"),
            Err(e) => {
                tracing::debug!(from = %r.from, ttl = ?r.ttl, error = %e, "BFD packet discarded");
                return;
            }
        }
        let t = live.session.timers();
        let now = (t.tx_interval, t.detection_time);
        if live.timers != Some(now) {
            live.timers = Some(now);
            tracing::info!(
                peer = %live.spec.peer,
                tx_interval_ms = t.tx_interval.as_millis() as u64,
                detection_time_ms = t.detection_time.map(|d| d.as_millis() as u64),
                "BFD timers negotiated"
            );
        }
    }
}

fn record(
    live: &Live,
    from: State,
    to: State,
    diagnostic: Diagnostic,
    remote: Diagnostic,
) -> StateChangeRecord {
    let (ts, ts_us) = wall_clock();
    let timers = live.session.timers();
    StateChangeRecord {
        ts,
        ts_us,
        peer: live.spec.peer,
        multihop: live.spec.multihop,
        from,
        to,
        diagnostic: diagnostic.to_string(),
        remote_diagnostic: remote.to_string(),
        local_discriminator: live.session.local_discriminator(),
        remote_discriminator: live.session.remote_discriminator(),
        tx_interval_ms: timers.tx_interval.as_secs_f64() * 1e3,
        detection_time_ms: timers.detection_time.map(|d| d.as_secs_f64() * 1e3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formatting() {
        assert_eq!(rfc3339(Duration::ZERO), "1970-01-01T00:00:00.000000Z");
        // 2026-11-28T04:50:01.123456Z
        let d = Duration::from_secs(1_795_841_401) + Duration::from_micros(123_456);
        assert_eq!(rfc3339(d), "2026-11-28T04:50:01.123456Z");
        assert_eq!(
            rfc3339(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000000Z"
        );
    }
}
