//! The event loop: sessions, RIB, Adj-RIBs-Out, and the tasks that move bytes.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use bgp_proto::rib::{
    AcceptAll, AdjRibOut, ExportTarget, PathAttrs, PeerId, PeerInfo, Prefix, Rib, RibConfig,
    RouteChanges,
};
use bgp_proto::session::{
    Config, DownReason, Event, GracefulRestartConfig, Initiator, Session, SessionEvent, State,
    resolve_collision,
};
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use bgp_proto::wire::capability::{AddPathFamily, AddPathMode, ExtendedNextHop};
use bgp_proto::{Afi, AfiSafi, Notification};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::stream::{StreamEvent, StreamIo, spawn_io};
use super::{Command, PeerConfig, RouteReport, SpeakerConfig, SpeakerEvent, socket};

enum Net {
    Accepted(TcpStream, SocketAddr),
    Connected {
        peer: usize,
        attempt: u64,
        stream: TcpStream,
    },
    ConnectFailed {
        peer: usize,
        attempt: u64,
        error: String,
    },
    Bytes {
        peer: usize,
        conn: u64,
        data: Vec<u8>,
    },
    Closed {
        peer: usize,
        conn: u64,
    },
}

struct Conn {
    id: u64,
    writer: mpsc::UnboundedSender<Vec<u8>>,
    reader: JoinHandle<()>,
    writer_task: JoinHandle<()>,
    local: SocketAddr,
    initiator: Initiator,
}

struct Peer {
    cfg: PeerConfig,
    address: IpAddr,
    session: Session,
    conn: Option<Conn>,
    attempt: u64,
    connecting: Option<JoinHandle<()>>,
    rib_id: PeerId,
    out: Option<AdjRibOut>,
    stale_until: Option<Instant>,
    next_count: usize,
}

struct Speaker {
    cfg: SpeakerConfig,
    peers: Vec<Peer>,
    rib: Rib,
    events: mpsc::UnboundedSender<SpeakerEvent>,
    net_tx: mpsc::Sender<Net>,
    next_conn: u64,
    flushing: Vec<JoinHandle<()>>,
}

fn session_config(s: &SpeakerConfig, p: &PeerConfig, seed: u64) -> Config {
    let mut c = Config::new(s.local_as, s.router_id, p.remote_as);
    c.hold_time = p.hold_time;
    c.passive = p.passive || p.range.is_some();
    c.connect_retry_time = p.connect_retry;
    c.idle_hold_time = Some(p.connect_retry.min(Duration::from_secs(5)));
    c.families = vec![AfiSafi::IPV4_UNICAST];
    if p.ipv6 {
        c.families.push(AfiSafi::IPV6_UNICAST);
    }
    if p.add_path {
        c.add_path = c
            .families
            .iter()
            .map(|f| AddPathFamily {
                family: *f,
                mode: AddPathMode::Both,
            })
            .collect();
    }
    if p.extended_next_hop {
        c.extended_next_hop = vec![ExtendedNextHop {
            afi: Afi::IPV4,
            safi: 1,
            next_hop_afi: Afi::IPV6,
        }];
    }
    c.graceful_restart = p.graceful_restart.map(|t| GracefulRestartConfig {
        restart_time: t,
        notification: true,
        forwarding_preserved: false,
    });
    c.extended_message = true;
    c.fqdn = Some(("bgp-speaker".into(), String::new()));
    c.seed = seed;
    c
}

fn family_name(f: AfiSafi) -> String {
    match f {
        AfiSafi::IPV4_UNICAST => "ipv4-unicast".into(),
        AfiSafi::IPV6_UNICAST => "ipv6-unicast".into(),
        f => f.to_string(),
    }
}

fn notification_event(peer: IpAddr, n: &Notification, sent: bool) -> SpeakerEvent {
    let inner = n.hard_reset_inner();
    let shown = inner.as_ref().unwrap_or(n);
    let name = if n.is_hard_reset() {
        format!("Hard Reset ({n})")
    } else {
        n.to_string()
    };
    let message = shown.shutdown_communication().map(str::to_owned);
    if sent {
        SpeakerEvent::NotificationSent {
            peer,
            code: n.code,
            subcode: n.subcode,
            name,
            message,
        }
    } else {
        SpeakerEvent::NotificationReceived {
            peer,
            code: n.code,
            subcode: n.subcode,
            name,
            message,
        }
    }
}

fn route_event(peer: IpAddr, prefix: Prefix, path_id: u32, a: &PathAttrs) -> SpeakerEvent {
    let communities = a
        .attributes
        .iter()
        .flat_map(|x| match x {
            PathAttribute::Communities(c) => c.iter().map(|c| c.to_string()).collect(),
            PathAttribute::LargeCommunities(c) => c.iter().map(|c| c.to_string()).collect(),
            _ => Vec::new(),
        })
        .collect();
    SpeakerEvent::Route {
        peer,
        prefix: prefix.to_string(),
        path_id,
        next_hop: a.next_hop.to_string(),
        as_path: a.as_path().map(|p| p.to_string()).unwrap_or_default(),
        origin: a.origin().to_string(),
        med: a.med(),
        local_pref: a.local_pref(),
        communities,
    }
}

/// Runs the speaker until [`Command::Shutdown`] (or the command channel closes): listens,
/// connects, exchanges routes, reports [`SpeakerEvent`]s, and on shutdown sends Cease to every
/// established peer and waits (at most 2 s) for the NOTIFICATIONs to leave.
pub async fn run(
    cfg: SpeakerConfig,
    events: mpsc::UnboundedSender<SpeakerEvent>,
    mut commands: mpsc::UnboundedReceiver<Command>,
) -> anyhow::Result<()> {
    let (net_tx, mut net_rx) = mpsc::channel::<Net>(256);
    let mut keys = Vec::new();
    for p in &cfg.peers {
        if let Some(pw) = &p.security.password {
            keys.push((p.address, pw.clone()));
        }
    }
    // Routes first: `Listening` then means ready to advertise them.
    let mut rib = Rib::new(RibConfig::new(cfg.local_as, cfg.router_id));
    for n in &cfg.announce {
        rib.originate(Prefix::from(*n), local_attrs());
    }
    rib.take_changes();
    let mut listeners = Vec::new();
    for addr in &cfg.listen {
        let l =
            socket::listen(*addr, &keys).map_err(|e| anyhow::anyhow!("listen on {addr}: {e}"))?;
        let local = l.local_addr()?;
        let _ = events.send(SpeakerEvent::Listening { address: local });
        let tx = net_tx.clone();
        listeners.push(tokio::spawn(async move {
            while let Ok((s, remote)) = l.accept().await {
                if tx.send(Net::Accepted(s, remote)).await.is_err() {
                    break;
                }
            }
        }));
    }
    let mut sp = Speaker {
        cfg: cfg.clone(),
        peers: Vec::new(),
        rib,
        events,
        net_tx,
        next_conn: 1,
        flushing: Vec::new(),
    };
    for p in cfg.peers.iter().filter(|p| p.range.is_none()) {
        sp.add_peer(p.clone(), p.address);
    }
    let mut shutdown_message = cfg.shutdown_message.clone();
    loop {
        let deadline = sp.next_deadline();
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            ev = net_rx.recv() => {
                let Some(ev) = ev else { break };
                sp.on_net(ev);
            }
            cmd = commands.recv() => match cmd {
                Some(Command::Shutdown(m)) => { shutdown_message = m; break; }
                None => break,
                Some(Command::Announce(v)) => sp.originate(&v, true),
                Some(Command::Withdraw(v)) => sp.originate(&v, false),
            },
            _ = sleep => sp.on_timers(),
        }
    }
    for l in listeners {
        l.abort();
    }
    sp.shutdown(&shutdown_message).await;
    Ok(())
}

fn local_attrs() -> PathAttrs {
    PathAttrs::new(
        [PathAttribute::Origin(Origin::Igp)],
        NextHop::Raw(Vec::new()),
    )
}

impl Speaker {
    fn emit(&self, e: SpeakerEvent) {
        let _ = self.events.send(e);
    }

    fn add_peer(&mut self, cfg: PeerConfig, address: IpAddr) -> usize {
        let info = PeerInfo::new(
            address,
            std::net::Ipv4Addr::UNSPECIFIED,
            0,
            self.cfg.local_as,
        );
        let rib_id = self.rib.add_peer(info);
        let now = Instant::now();
        let seed = u64::from(rib_id.0) ^ u64::from(u32::from(self.cfg.router_id));
        let mut session = Session::new(session_config(&self.cfg, &cfg, seed), now);
        session.handle_event(now, Event::Start);
        self.peers.push(Peer {
            cfg,
            address,
            session,
            conn: None,
            attempt: 0,
            connecting: None,
            rib_id,
            out: None,
            stale_until: None,
            next_count: 100_000,
        });
        let i = self.peers.len() - 1;
        self.drive(i);
        i
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.peers
            .iter()
            .flat_map(|p| [p.session.poll_timeout(), p.stale_until])
            .flatten()
            .min()
    }

    fn on_timers(&mut self) {
        let now = Instant::now();
        for i in 0..self.peers.len() {
            if self.peers[i]
                .session
                .poll_timeout()
                .is_some_and(|t| t <= now)
            {
                self.peers[i].session.handle_timeout(now);
                self.drive(i);
            }
            if self.peers[i].stale_until.is_some_and(|t| t <= now) {
                self.peers[i].stale_until = None;
                let id = self.peers[i].rib_id;
                for f in [AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST] {
                    self.rib.sweep_stale(id, f);
                }
                self.propagate();
            }
        }
    }

    fn originate(&mut self, prefixes: &[ipnet::IpNet], add: bool) {
        for n in prefixes {
            if add {
                self.rib.originate(Prefix::from(*n), local_attrs());
            } else {
                self.rib.remove_path(PeerId::LOCAL, Prefix::from(*n), 0);
            }
        }
        self.propagate();
    }

    fn find_peer(&mut self, addr: IpAddr) -> Option<usize> {
        if let Some(i) = self.peers.iter().position(|p| p.address == addr) {
            return Some(i);
        }
        let range = self
            .cfg
            .peers
            .iter()
            .find(|p| p.range.is_some_and(|r| r.contains(&addr)))?
            .clone();
        Some(self.add_peer(range, addr))
    }

    fn on_net(&mut self, ev: Net) {
        match ev {
            Net::Accepted(stream, remote) => {
                let addr = match remote.ip() {
                    IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
                    a => a,
                };
                let Some(i) = self.find_peer(addr) else {
                    tracing::info!(%remote, "connection from unknown peer refused");
                    return;
                };
                self.attach(i, stream, Initiator::Remote);
            }
            Net::Connected {
                peer,
                attempt,
                stream,
            } => {
                if self.peers[peer].attempt == attempt {
                    self.peers[peer].connecting = None;
                    self.attach(peer, stream, Initiator::Local);
                }
            }
            Net::ConnectFailed {
                peer,
                attempt,
                error,
            } => {
                let p = &mut self.peers[peer];
                if p.attempt == attempt && p.conn.is_none() {
                    p.connecting = None;
                    tracing::debug!(peer = %p.address, %error, "connect failed");
                    let address = p.address;
                    p.session.handle_event(Instant::now(), Event::TcpFailed);
                    self.emit(SpeakerEvent::ConnectFailed {
                        peer: address,
                        error,
                    });
                    self.drive(peer);
                }
            }
            Net::Bytes { peer, conn, data } => {
                let p = &mut self.peers[peer];
                if p.conn.as_ref().is_some_and(|c| c.id == conn) {
                    p.session.handle_bytes(Instant::now(), &data);
                    self.drive(peer);
                }
            }
            Net::Closed { peer, conn } => {
                let p = &mut self.peers[peer];
                if p.conn.as_ref().is_some_and(|c| c.id == conn) {
                    p.session.handle_event(Instant::now(), Event::TcpClosed);
                    self.drive(peer);
                    self.drop_conn(peer);
                }
            }
        }
    }

    /// Gives `stream` to peer `i`, resolving collisions (RFC 4271 §6.8).
    fn attach(&mut self, i: usize, stream: TcpStream, initiator: Initiator) {
        let now = Instant::now();
        let p = &mut self.peers[i];
        if let Some(existing) = &p.conn {
            let keep_new = match p.session.state() {
                State::OpenConfirm if existing.initiator != initiator => {
                    let remote = p.session.negotiated().map(|n| n.peer_router_id);
                    remote.is_some_and(|r| resolve_collision(self.cfg.router_id, r) == initiator)
                }
                _ => false,
            };
            if !keep_new {
                tracing::info!(peer = %p.address, "collision: new connection closed");
                return;
            }
            p.session.close_for_collision(now);
            self.drive(i);
            self.drop_conn(i);
            // The session restarts at once on the winning connection.
            self.peers[i].session.handle_event(now, Event::Start);
        }
        let p = &mut self.peers[i];
        if p.cfg.security.ttl_security {
            let v6 = stream.peer_addr().is_ok_and(|a| a.is_ipv6());
            if let Err(e) = socket::set_gtsm(&stream, v6) {
                tracing::warn!(peer = %p.address, "GTSM: {e}");
            }
        }
        let _ = stream.set_nodelay(true);
        let local = match stream.local_addr() {
            Ok(a) => a,
            Err(_) => return,
        };
        if let Some(h) = p.connecting.take() {
            h.abort();
        }
        let id = self.next_conn;
        self.next_conn += 1;
        let StreamIo {
            writer: wtx,
            reader,
            writer_task,
        } = spawn_io(stream, self.net_tx.clone(), move |event| match event {
            StreamEvent::Bytes(data) => Net::Bytes {
                peer: i,
                conn: id,
                data,
            },
            StreamEvent::Closed => Net::Closed { peer: i, conn: id },
        });
        p.conn = Some(Conn {
            id,
            writer: wtx,
            reader,
            writer_task,
            local,
            initiator,
        });
        if p.session.state() == State::Idle {
            p.session.handle_event(now, Event::Start);
        }
        p.session.handle_event(now, Event::TcpConnected);
        self.drive(i);
    }

    fn drop_conn(&mut self, i: usize) {
        if let Some(c) = self.peers[i].conn.take() {
            c.reader.abort();
            // Dropping the sender lets the writer flush what is queued, then close.
            drop(c.writer);
            self.flushing.retain(|h| !h.is_finished());
            self.flushing.push(c.writer_task);
        }
    }

    fn connect(&mut self, i: usize) {
        let p = &mut self.peers[i];
        if p.conn.is_some() || p.cfg.range.is_some() {
            return;
        }
        if let Some(h) = p.connecting.take() {
            h.abort();
        }
        p.attempt += 1;
        let attempt = p.attempt;
        let addr = SocketAddr::new(p.address, p.cfg.port);
        let local = p.cfg.local_address;
        let sec = p.cfg.security.clone();
        let tx = self.net_tx.clone();
        p.connecting = Some(tokio::spawn(async move {
            let ev = match socket::connect(addr, local, &sec, Duration::from_secs(5)).await {
                Ok(stream) => Net::Connected {
                    peer: i,
                    attempt,
                    stream,
                },
                Err(e) => Net::ConnectFailed {
                    peer: i,
                    attempt,
                    error: e.to_string(),
                },
            };
            let _ = tx.send(ev).await;
        }));
    }

    /// Sends what session `i` produced and acts on its events.
    fn drive(&mut self, i: usize) {
        loop {
            if let Some(bytes) = self.peers[i].session.poll_transmit()
                && let Some(c) = &self.peers[i].conn
            {
                let _ = c.writer.send(bytes);
            }
            let Some(ev) = self.peers[i].session.poll_event() else {
                break;
            };
            self.on_session_event(i, ev);
        }
    }

    fn on_session_event(&mut self, i: usize, ev: SessionEvent) {
        let addr = self.peers[i].address;
        match ev {
            SessionEvent::StateChanged { from, to } => {
                tracing::info!(peer = %addr, %from, %to, "state");
                self.emit(SpeakerEvent::State {
                    peer: addr,
                    from: from.to_string(),
                    to: to.to_string(),
                });
            }
            SessionEvent::Connect => self.connect(i),
            SessionEvent::Disconnect => self.drop_conn(i),
            SessionEvent::Established(n) => {
                let local = self.peers[i].conn.as_ref().map(|c| c.local.ip());
                let mut info = PeerInfo::new(addr, n.peer_router_id, n.peer_as, self.cfg.local_as);
                info.role = n.peer_role;
                let id = self.peers[i].rib_id;
                self.rib.set_peer(id, info.clone());
                let p = &mut self.peers[i];
                let (v4, v6) = match local {
                    Some(IpAddr::V4(a)) => (Some(a), p.cfg.next_hop_v6),
                    Some(IpAddr::V6(a)) => (None, Some(a)),
                    None => (None, None),
                };
                let mut out = AdjRibOut::new(ExportTarget {
                    peer: id,
                    info,
                    local_as: self.cfg.local_as,
                    next_hop_v4: v4,
                    next_hop_v6: v6,
                    default_local_pref: 100,
                });
                out.sync_all(&self.rib, &AcceptAll);
                p.out = Some(out);
                let ctx = &n.context;
                self.emit(SpeakerEvent::Established {
                    peer: addr,
                    peer_as: n.peer_as,
                    router_id: n.peer_router_id,
                    hold_time: n.hold_time,
                    families: n.families.iter().map(|f| family_name(*f)).collect(),
                    add_path_receive: ctx
                        .add_path_receive
                        .iter()
                        .map(|f| family_name(*f))
                        .collect(),
                    add_path_send: ctx.add_path_send.iter().map(|f| family_name(*f)).collect(),
                    extended_next_hop: !ctx.extended_next_hop.is_empty(),
                    four_octet_as: ctx.four_octet_as,
                    extended_message: ctx.extended_message,
                    hostname: n.peer_hostname.clone(),
                });
                self.flush_out(i);
                let now = Instant::now();
                for f in n.families.clone() {
                    let _ = self.peers[i].session.send_end_of_rib(now, f);
                }
            }
            SessionEvent::Update(u) => {
                let id = self.peers[i].rib_id;
                let taw = u.treat_as_withdraw();
                let report = self.cfg.routes == RouteReport::All;
                if taw || report {
                    let rc = RouteChanges::from_update(&u.update);
                    if taw {
                        let prefixes = rc
                            .announced
                            .iter()
                            .flat_map(|(_, v)| v.iter().map(|(p, _)| p.to_string()))
                            .collect();
                        let error = u.errors.first().map(|e| e.to_string()).unwrap_or_default();
                        tracing::warn!(peer = %addr, %error, "treat-as-withdraw");
                        self.emit(SpeakerEvent::TreatAsWithdraw {
                            peer: addr,
                            prefixes,
                            error,
                        });
                    }
                    if report {
                        for (p, path_id) in &rc.withdrawn {
                            self.emit(SpeakerEvent::Withdraw {
                                peer: addr,
                                prefix: p.to_string(),
                                path_id: *path_id,
                            });
                        }
                        if !taw {
                            for (a, v) in &rc.announced {
                                for (p, path_id) in v {
                                    self.emit(route_event(addr, *p, *path_id, a));
                                }
                            }
                        }
                    }
                }
                self.rib.apply_update(id, &u.update, taw, &AcceptAll);
                let held = self.rib.adj_rib_in_len(id);
                if self.cfg.routes == RouteReport::Summary && held >= self.peers[i].next_count {
                    self.peers[i].next_count = held + 100_000;
                    self.emit(SpeakerEvent::RouteCount {
                        peer: addr,
                        routes: held,
                    });
                }
                self.propagate();
            }
            SessionEvent::EndOfRib(f) => {
                let id = self.peers[i].rib_id;
                self.rib.sweep_stale(id, f);
                self.emit(SpeakerEvent::EndOfRib {
                    peer: addr,
                    family: family_name(f),
                    routes: self.rib.adj_rib_in_len(id),
                });
                self.propagate();
            }
            SessionEvent::RouteRefresh(_) => {
                if let Some(out) = &mut self.peers[i].out {
                    out.reset();
                    out.sync_all(&self.rib, &AcceptAll);
                }
                self.flush_out(i);
            }
            SessionEvent::FamilyDisabled(f) => {
                // RFC 7606 §5.3 AFI/SAFI disable: forget the family's routes from this peer.
                let id = self.peers[i].rib_id;
                self.rib.mark_stale(id, &[f]);
                let removed = self.rib.sweep_stale(id, f);
                tracing::warn!(peer = %addr, family = %f, removed, "family disabled after malformed MP attribute");
                self.propagate();
            }
            SessionEvent::NotificationSent(n) => {
                tracing::warn!(peer = %addr, notification = %n, "NOTIFICATION sent");
                self.emit(notification_event(addr, &n, true));
            }
            SessionEvent::NotificationReceived(n) => {
                tracing::warn!(peer = %addr, notification = %n, "NOTIFICATION received");
                self.emit(notification_event(addr, &n, false));
            }
            SessionEvent::Down { reason, retain } => {
                let id = self.peers[i].rib_id;
                self.peers[i].out = None;
                let (stale, removed) = match &retain {
                    Some(r) => {
                        let stale = self.rib.mark_stale(id, &r.families);
                        self.peers[i].stale_until = Some(Instant::now() + r.restart_time);
                        let mut removed = 0;
                        for f in [AfiSafi::IPV4_UNICAST, AfiSafi::IPV6_UNICAST] {
                            if !r.families.contains(&f) {
                                removed += self.rib.sweep_stale(id, f);
                            }
                        }
                        (stale, removed)
                    }
                    None => (0, self.rib.peer_down(id)),
                };
                let reason = match reason {
                    DownReason::NotificationSent(n) => format!("notification sent: {n}"),
                    DownReason::NotificationReceived(n) => format!("notification received: {n}"),
                    DownReason::ConnectionLost => "connection lost".into(),
                };
                tracing::warn!(peer = %addr, %reason, removed, stale, "session down");
                self.emit(SpeakerEvent::Down {
                    peer: addr,
                    reason,
                    stale_routes: stale,
                    removed_routes: removed,
                });
                self.propagate();
            }
        }
    }

    /// Pushes Loc-RIB changes to every established peer.
    fn propagate(&mut self) {
        let changes = self.rib.take_changes();
        if changes.is_empty() {
            return;
        }
        for i in 0..self.peers.len() {
            if let Some(out) = &mut self.peers[i].out {
                out.sync(&self.rib, &changes, &AcceptAll);
                self.flush_out(i);
            }
        }
    }

    fn flush_out(&mut self, i: usize) {
        let p = &mut self.peers[i];
        let Some(out) = &mut p.out else { return };
        if out.pending() == 0 {
            return;
        }
        let mut bytes = Vec::new();
        match out.encode(p.session.context(), &mut bytes) {
            Ok(_) => {
                let _ = p.session.send_raw(Instant::now(), &bytes);
            }
            Err(e) => tracing::error!(peer = %p.address, "encode: {e}"),
        }
        self.drive(i);
    }

    async fn shutdown(&mut self, message: &str) {
        let now = Instant::now();
        for i in 0..self.peers.len() {
            if let Some(h) = self.peers[i].connecting.take() {
                h.abort();
            }
            self.peers[i].session.handle_event(
                now,
                Event::Stop {
                    shutdown_message: Some(message.to_owned()),
                },
            );
            self.drive(i);
            self.drop_conn(i);
        }
        let pending = std::mem::take(&mut self.flushing);
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            for h in pending {
                let _ = h.await;
            }
        })
        .await;
        self.emit(SpeakerEvent::Stopped);
    }
}
