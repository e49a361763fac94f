//! The event loop: one task owns the sessions, the RIB, the Adj-RIBs-Out, the kernel routes and
//! the BFD runner; per-connection tasks only move bytes (as in [`crate::speaker`], plus
//! per-neighbor route maps, neighbors added and removed at run time, BFD and the kernel).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bgp_proto::AfiSafi;
use bgp_proto::rib::{
    AdjRibOut, ExportTarget, PathAttrs, PeerId, PeerInfo, Prefix, Rib, RibConfig,
};
use bgp_proto::session::{
    Config, DownReason, Event, Initiator, PeerAs, Session, SessionEvent, State, resolve_collision,
};
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use ipnet::IpNet;
use route_policy::bgp_proto::RouteMapPolicy;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::kernel::{Fib, FibChange, IpCommand, RouteSink};
use super::plan::{PeerPlan, Plan, diff, plan};
use super::{NativeCommand, NativeEvent, Options};
use crate::speaker::socket::{self, SocketSecurity};
use crate::speaker::stream::{StreamEvent, StreamIo, spawn_io};

enum Net {
    Accepted(TcpStream, SocketAddr),
    Connected {
        slot: usize,
        attempt: u64,
        stream: TcpStream,
    },
    ConnectFailed {
        slot: usize,
        attempt: u64,
        error: String,
    },
    Bytes {
        slot: usize,
        conn: u64,
        data: Vec<u8>,
    },
    Closed {
        slot: usize,
        conn: u64,
    },
    Bfd {
        peer: IpAddr,
        up: bool,
        from_up: bool,
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
    plan: PeerPlan,
    session: Session,
    conn: Option<Conn>,
    attempt: u64,
    connecting: Option<JoinHandle<()>>,
    rib_id: PeerId,
    out: Option<AdjRibOut>,
    import: RouteMapPolicy,
    export: RouteMapPolicy,
    /// Restart the session once it reaches Idle (after a BFD Down or a parameter change).
    restart: bool,
}

struct Bfd {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    /// (peer, profile) the runner was started with.
    key: Vec<(IpAddr, frr_render::model::BfdProfile)>,
}

struct Native<S: RouteSink> {
    plan: Plan,
    router_id: Ipv4Addr,
    slots: Vec<Option<Peer>>,
    rib: Rib,
    fib: Fib,
    sink: S,
    events: mpsc::UnboundedSender<NativeEvent>,
    net_tx: mpsc::Sender<Net>,
    next_conn: u64,
    flushing: Vec<JoinHandle<()>>,
    listeners: Vec<(Arc<TcpListener>, JoinHandle<()>)>,
    bfd: Option<Bfd>,
    bfd_up: HashMap<IpAddr, bool>,
    options: Options,
}

fn local_attrs() -> PathAttrs {
    PathAttrs::new(
        [PathAttribute::Origin(Origin::Igp)],
        NextHop::Raw(Vec::new()),
    )
}

/// FRR's router-id choice when none is configured: the highest IPv4 address of the namespace
/// (loopback excluded).
fn default_router_id() -> Option<Ipv4Addr> {
    let out = std::process::Command::new("ip")
        .args(["-4", "-o", "addr", "show"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            it.position(|w| w == "inet")?;
            it.next()?.split('/').next()?.parse::<Ipv4Addr>().ok()
        })
        .filter(|a| !a.is_loopback())
        .max()
}

/// Runs the native speaker for `config` until [`NativeCommand::Shutdown`] (or the command
/// channel closes): sessions, BFD, policies, kernel routes; [`NativeCommand::Reload`] applies a
/// new merged configuration. Kernel routes are removed on the way out.
///
/// Run it on a current-thread runtime whose thread is in the node's network namespace: the
/// sockets and the `ip` commands take that thread's namespace.
pub async fn run(
    config: frr_render::Config,
    options: Options,
    events: mpsc::UnboundedSender<NativeEvent>,
    commands: mpsc::UnboundedReceiver<NativeCommand>,
) -> anyhow::Result<()> {
    run_with(config, options, events, commands, IpCommand).await
}

pub(crate) async fn run_with<S: RouteSink>(
    config: frr_render::Config,
    options: Options,
    events: mpsc::UnboundedSender<NativeEvent>,
    mut commands: mpsc::UnboundedReceiver<NativeCommand>,
    sink: S,
) -> anyhow::Result<()> {
    let plan = plan(&config)?;
    for i in &plan.ignored {
        tracing::warn!("{i}");
    }
    let router_id = plan
        .router_id
        .or(options.router_id)
        .or_else(default_router_id)
        .unwrap_or(Ipv4Addr::new(0, 0, 0, 1));
    let (net_tx, mut net_rx) = mpsc::channel::<Net>(1024);
    let mut rib = Rib::new(RibConfig::new(plan.local_as, router_id));
    for n in &plan.prefixes {
        rib.originate(Prefix::from(*n), local_attrs());
    }
    rib.take_changes();
    let mut sp = Native {
        plan: plan.clone(),
        router_id,
        slots: Vec::new(),
        rib,
        fib: Fib::default(),
        sink,
        events,
        net_tx,
        next_conn: 1,
        flushing: Vec::new(),
        listeners: Vec::new(),
        bfd: None,
        bfd_up: HashMap::new(),
        options: options.clone(),
    };
    sp.listen();
    for p in plan.peers.values() {
        sp.add_peer(p.clone());
    }
    sp.restart_bfd();
    sp.emit(NativeEvent::Started {
        local_as: plan.local_as,
        router_id,
        peers: plan.peers.keys().copied().collect(),
        prefixes: plan.prefixes.iter().map(|p| p.to_string()).collect(),
    });
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
                Some(NativeCommand::Shutdown) | None => break,
                Some(NativeCommand::Reload(c)) => sp.reload(&c),
            },
            _ = sleep => sp.on_timers(),
        }
    }
    sp.shutdown().await;
    Ok(())
}

impl<S: RouteSink> Native<S> {
    fn emit(&self, e: NativeEvent) {
        let _ = self.events.send(e);
    }

    fn listen(&mut self) {
        let keys: Vec<(IpAddr, String)> = self
            .plan
            .peers
            .values()
            .filter_map(|p| p.password.clone().map(|pw| (p.address, pw)))
            .collect();
        let port = self.options.listen_port;
        if port == 0 {
            return;
        }
        for addr in [
            SocketAddr::from(([0u8; 4], port)),
            SocketAddr::from(([0u16; 8], port)),
        ] {
            match socket::listen(addr, &keys) {
                Ok(l) => {
                    let l = Arc::new(l);
                    let accept = l.clone();
                    let tx = self.net_tx.clone();
                    let task = tokio::spawn(async move {
                        while let Ok((s, remote)) = accept.accept().await {
                            if tx.send(Net::Accepted(s, remote)).await.is_err() {
                                break;
                            }
                        }
                    });
                    // Kept to set TCP-MD5 keys of neighbors added on reload.
                    self.listeners.push((l, task));
                }
                Err(e) => tracing::info!(%addr, "not listening: {e}"),
            }
        }
    }

    fn session_config(&self, p: &PeerPlan, seed: u64) -> Config {
        let mut c = Config::new(self.plan.local_as, self.router_id, p.remote_as);
        c.hold_time = p.hold_time;
        c.connect_retry_time = p.connect_retry;
        c.idle_hold_time = Some(p.connect_retry.min(Duration::from_secs(2)));
        c.families = Vec::new();
        if p.ipv4 {
            c.families.push(AfiSafi::IPV4_UNICAST);
        }
        if p.ipv6 {
            c.families.push(AfiSafi::IPV6_UNICAST);
        }
        c.fqdn = Some((self.options.hostname.clone(), String::new()));
        c.seed = seed;
        c
    }

    fn add_peer(&mut self, plan: PeerPlan) {
        let info = PeerInfo::new(plan.address, Ipv4Addr::UNSPECIFIED, 0, self.plan.local_as);
        let rib_id = self.rib.add_peer(info);
        let now = Instant::now();
        let seed = u64::from(rib_id.0) ^ u64::from(u32::from(self.router_id));
        let mut session = Session::new(self.session_config(&plan, seed), now);
        session.handle_event(now, Event::Start);
        self.set_listener_key(plan.address, plan.password.as_deref());
        let import = RouteMapPolicy::new(self.plan.policy.clone(), &plan.import_map);
        let export = RouteMapPolicy::new(self.plan.policy.clone(), &plan.export_map);
        self.slots.push(Some(Peer {
            plan,
            session,
            conn: None,
            attempt: 0,
            connecting: None,
            rib_id,
            out: None,
            import,
            export,
            restart: false,
        }));
        let i = self.slots.len() - 1;
        self.drive(i);
    }

    fn set_listener_key(&self, peer: IpAddr, password: Option<&str>) {
        for (l, _) in &self.listeners {
            if let Err(e) = socket::set_md5(&**l, peer, password)
                && password.is_some()
            {
                tracing::warn!(%peer, "TCP-MD5 key on listener: {e}");
            }
        }
    }

    fn slot_of(&self, addr: IpAddr) -> Option<usize> {
        self.slots
            .iter()
            .position(|p| p.as_ref().is_some_and(|p| p.plan.address == addr))
    }

    fn peer(&mut self, i: usize) -> &mut Peer {
        self.slots[i].as_mut().expect("live slot")
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.slots
            .iter()
            .flatten()
            .filter_map(|p| p.session.poll_timeout())
            .min()
    }

    fn on_timers(&mut self) {
        let now = Instant::now();
        for i in 0..self.slots.len() {
            let Some(p) = self.slots[i].as_mut() else {
                continue;
            };
            if p.session.poll_timeout().is_some_and(|t| t <= now) {
                p.session.handle_timeout(now);
                self.drive(i);
            }
        }
    }

    fn on_net(&mut self, ev: Net) {
        match ev {
            Net::Accepted(stream, remote) => {
                let addr = match remote.ip() {
                    IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
                    a => a,
                };
                match self.slot_of(addr) {
                    Some(i) => self.attach(i, stream, Initiator::Remote),
                    None => tracing::info!(%remote, "connection from unknown peer refused"),
                }
            }
            Net::Connected {
                slot,
                attempt,
                stream,
            } => {
                if let Some(p) = self.slots[slot].as_mut()
                    && p.attempt == attempt
                {
                    p.connecting = None;
                    self.attach(slot, stream, Initiator::Local);
                }
            }
            Net::ConnectFailed {
                slot,
                attempt,
                error,
            } => {
                if let Some(p) = self.slots[slot].as_mut()
                    && p.attempt == attempt
                    && p.conn.is_none()
                {
                    p.connecting = None;
                    tracing::debug!(peer = %p.plan.address, %error, "connect failed");
                    p.session.handle_event(Instant::now(), Event::TcpFailed);
                    self.drive(slot);
                }
            }
            Net::Bytes { slot, conn, data } => {
                if let Some(p) = self.slots[slot].as_mut()
                    && p.conn.as_ref().is_some_and(|c| c.id == conn)
                {
                    p.session.handle_bytes(Instant::now(), &data);
                    self.drive(slot);
                }
            }
            Net::Closed { slot, conn } => {
                if let Some(p) = self.slots[slot].as_mut()
                    && p.conn.as_ref().is_some_and(|c| c.id == conn)
                {
                    p.session.handle_event(Instant::now(), Event::TcpClosed);
                    self.drive(slot);
                    self.drop_conn(slot);
                }
            }
            Net::Bfd { peer, up, from_up } => {
                self.bfd_up.insert(peer, up);
                self.emit(NativeEvent::Bfd { peer, up });
                if !up
                    && from_up
                    && let Some(i) = self.slot_of(peer)
                {
                    // FRR: BFD Down resets the BGP session (it then reconnects as usual).
                    tracing::warn!(%peer, "BFD down: resetting the BGP session");
                    self.reset(i, "BFD down");
                }
            }
        }
    }

    /// Stops session `i` with a Cease and starts it again once it is Idle.
    fn reset(&mut self, i: usize, why: &str) {
        let now = Instant::now();
        let p = self.peer(i);
        p.restart = true;
        p.session.handle_event(
            now,
            Event::Stop {
                shutdown_message: Some(why.to_string()),
            },
        );
        self.drive(i);
        self.drop_conn(i);
        self.maybe_restart(i);
    }

    fn maybe_restart(&mut self, i: usize) {
        let p = self.peer(i);
        if p.restart && p.session.state() == State::Idle {
            p.restart = false;
            p.session.handle_event(Instant::now(), Event::Start);
            self.drive(i);
        }
    }

    fn attach(&mut self, i: usize, stream: TcpStream, initiator: Initiator) {
        let now = Instant::now();
        let router_id = self.router_id;
        let p = self.peer(i);
        if let Some(existing) = &p.conn {
            let keep_new = match p.session.state() {
                State::OpenConfirm if existing.initiator != initiator => {
                    let remote = p.session.negotiated().map(|n| n.peer_router_id);
                    remote.is_some_and(|r| resolve_collision(router_id, r) == initiator)
                }
                _ => false,
            };
            if !keep_new {
                return;
            }
            p.session.close_for_collision(now);
            self.drive(i);
            self.drop_conn(i);
            self.peer(i).session.handle_event(now, Event::Start);
        }
        let p = self.peer(i);
        let ebgp = match p.plan.remote_as {
            PeerAs::Asn(a) => a != p.session.config().local_as,
            PeerAs::External => true,
            _ => false,
        };
        if ebgp && !p.plan.ebgp_multihop && stream.peer_addr().is_ok_and(|a| a.is_ipv4()) {
            // FRR sends single-hop eBGP with TTL 1.
            let _ = stream.set_ttl(1);
        }
        let _ = stream.set_nodelay(true);
        let Ok(local) = stream.local_addr() else {
            return;
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
                slot: i,
                conn: id,
                data,
            },
            StreamEvent::Closed => Net::Closed { slot: i, conn: id },
        });
        let p = self.peer(i);
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
        if let Some(c) = self.peer(i).conn.take() {
            c.reader.abort();
            drop(c.writer);
            self.flushing.retain(|h| !h.is_finished());
            self.flushing.push(c.writer_task);
        }
    }

    fn connect(&mut self, i: usize) {
        let tx = self.net_tx.clone();
        let p = self.peer(i);
        if p.conn.is_some() {
            return;
        }
        if let Some(h) = p.connecting.take() {
            h.abort();
        }
        p.attempt += 1;
        let attempt = p.attempt;
        let addr = SocketAddr::new(p.plan.address, p.plan.port);
        let local = p.plan.source;
        let sec = SocketSecurity {
            ttl_security: false,
            password: p.plan.password.clone(),
        };
        p.connecting = Some(tokio::spawn(async move {
            let ev = match socket::connect(addr, local, &sec, Duration::from_secs(5)).await {
                Ok(stream) => Net::Connected {
                    slot: i,
                    attempt,
                    stream,
                },
                Err(e) => Net::ConnectFailed {
                    slot: i,
                    attempt,
                    error: e.to_string(),
                },
            };
            let _ = tx.send(ev).await;
        }));
    }

    fn drive(&mut self, i: usize) {
        loop {
            let Some(p) = self.slots[i].as_mut() else {
                return;
            };
            if let Some(bytes) = p.session.poll_transmit()
                && let Some(c) = &p.conn
            {
                let _ = c.writer.send(bytes);
            }
            let Some(ev) = p.session.poll_event() else {
                break;
            };
            self.on_session_event(i, ev);
        }
    }

    fn on_session_event(&mut self, i: usize, ev: SessionEvent) {
        let addr = self.peer(i).plan.address;
        match ev {
            SessionEvent::StateChanged { from, to } => {
                tracing::info!(peer = %addr, %from, %to, "state");
                self.emit(NativeEvent::Session {
                    peer: addr,
                    state: to.to_string(),
                });
                if to == State::Idle {
                    self.maybe_restart(i);
                }
            }
            SessionEvent::Connect => self.connect(i),
            SessionEvent::Disconnect => self.drop_conn(i),
            SessionEvent::Established(n) => {
                let local_as = self.plan.local_as;
                let local = self.peer(i).conn.as_ref().map(|c| c.local.ip());
                let mut info = PeerInfo::new(addr, n.peer_router_id, n.peer_as, local_as);
                info.role = n.peer_role;
                let id = self.peer(i).rib_id;
                self.rib.set_peer(id, info.clone());
                let (v4, v6) = match local {
                    Some(IpAddr::V4(a)) => (Some(a), None),
                    Some(IpAddr::V6(a)) => (None, Some(a)),
                    None => (None, None),
                };
                let mut out = AdjRibOut::new(ExportTarget {
                    peer: id,
                    info,
                    local_as,
                    next_hop_v4: v4,
                    next_hop_v6: v6,
                    default_local_pref: 100,
                });
                let p = self.slots[i].as_mut().expect("live slot");
                out.sync_all(&self.rib, &p.export);
                p.out = Some(out);
                self.emit(NativeEvent::Established {
                    peer: addr,
                    peer_as: n.peer_as,
                });
                self.flush_out(i);
                let now = Instant::now();
                for f in n.families.clone() {
                    let _ = self.peer(i).session.send_end_of_rib(now, f);
                }
            }
            SessionEvent::Update(u) => {
                let taw = u.treat_as_withdraw();
                let p = self.slots[i].as_ref().expect("live slot");
                self.rib.apply_update(p.rib_id, &u.update, taw, &p.import);
                self.propagate();
            }
            SessionEvent::EndOfRib(f) => {
                let id = self.peer(i).rib_id;
                self.rib.sweep_stale(id, f);
                self.propagate();
            }
            SessionEvent::RouteRefresh(_) => {
                let p = self.slots[i].as_mut().expect("live slot");
                if let Some(out) = &mut p.out {
                    out.reset();
                    out.sync_all(&self.rib, &p.export);
                }
                self.flush_out(i);
            }
            SessionEvent::FamilyDisabled(f) => {
                let id = self.peer(i).rib_id;
                self.rib.mark_stale(id, &[f]);
                self.rib.sweep_stale(id, f);
                self.propagate();
            }
            SessionEvent::NotificationSent(n) | SessionEvent::NotificationReceived(n) => {
                tracing::warn!(peer = %addr, notification = %n, "NOTIFICATION");
            }
            SessionEvent::Down { reason, .. } => {
                let id = self.peer(i).rib_id;
                self.peer(i).out = None;
                let removed = self.rib.peer_down(id);
                let reason = match reason {
                    DownReason::NotificationSent(n) => format!("notification sent: {n}"),
                    DownReason::NotificationReceived(n) => format!("notification received: {n}"),
                    DownReason::ConnectionLost => "connection lost".into(),
                };
                self.emit(NativeEvent::Down {
                    peer: addr,
                    reason,
                    removed_routes: removed,
                });
                self.propagate();
            }
        }
    }

    /// Pushes Loc-RIB changes to the kernel and to every established peer.
    fn propagate(&mut self) {
        let changes = self.rib.take_changes();
        if changes.is_empty() {
            return;
        }
        for prefix in &changes {
            self.install(*prefix);
        }
        for i in 0..self.slots.len() {
            let Some(p) = self.slots[i].as_mut() else {
                continue;
            };
            if let Some(out) = &mut p.out {
                out.sync(&self.rib, &changes, &p.export);
                self.flush_out(i);
            }
        }
    }

    /// The kernel route of `prefix` from the selected paths learnt from peers.
    fn install(&mut self, prefix: Prefix) {
        let net: IpNet = match prefix {
            Prefix::V4(n) => IpNet::V4(n),
            Prefix::V6(n) => IpNet::V6(n),
        };
        let paths = self.rib.multipath(&prefix);
        let local_best = paths.first().is_some_and(|p| p.peer == PeerId::LOCAL);
        let next_hops: Vec<IpAddr> = if local_best {
            Vec::new()
        } else {
            paths.iter().filter_map(|p| p.attrs.next_hop_ip()).collect()
        };
        match self.fib.set(&mut self.sink, net, next_hops) {
            Ok(Some(FibChange::Installed(p, nh))) => self.emit(NativeEvent::RouteInstalled {
                prefix: p.to_string(),
                next_hops: nh,
            }),
            Ok(Some(FibChange::Removed(p))) => self.emit(NativeEvent::RouteRemoved {
                prefix: p.to_string(),
            }),
            Ok(None) => {}
            Err(e) => {
                tracing::error!("{e}");
                self.emit(NativeEvent::Error { message: e });
            }
        }
    }

    fn flush_out(&mut self, i: usize) {
        let Some(p) = self.slots[i].as_mut() else {
            return;
        };
        let Some(out) = &mut p.out else { return };
        if out.pending() == 0 {
            return;
        }
        let mut bytes = Vec::new();
        match out.encode(p.session.context(), &mut bytes) {
            Ok(_) => {
                let _ = p.session.send_raw(Instant::now(), &bytes);
            }
            Err(e) => tracing::error!(peer = %p.plan.address, "encode: {e}"),
        }
        self.drive(i);
    }

    fn bfd_key(&self) -> Vec<(IpAddr, frr_render::model::BfdProfile)> {
        self.plan
            .peers
            .values()
            .filter_map(|p| p.bfd.clone().map(|b| (p.address, b)))
            .collect()
    }

    /// (Re)starts the BFD runner when the set of BFD sessions changed.
    fn restart_bfd(&mut self) {
        let key = self.bfd_key();
        if self.bfd.as_ref().is_some_and(|b| b.key == key) || (self.bfd.is_none() && key.is_empty())
        {
            return;
        }
        if let Some(mut old) = self.bfd.take() {
            if let Some(s) = old.stop.take() {
                let _ = s.send(());
            }
            old.task.abort();
        }
        if key.is_empty() {
            return;
        }
        let mut specs = Vec::new();
        for (peer, prof) in &key {
            let p = crd_model::BFDProfile {
                name: prof.name.clone(),
                receive_interval: prof.receive_interval,
                transmit_interval: prof.transmit_interval,
                detect_multiplier: prof.detect_multiplier,
                echo_interval: prof.echo_interval,
                echo_mode: Some(prof.echo_mode),
                passive_mode: Some(prof.passive_mode),
                minimum_ttl: prof.minimum_ttl,
            };
            let multihop = self.plan.peers.get(peer).is_some_and(|p| p.ebgp_multihop);
            match crate::bfd::config_from_profile(&p, multihop, None) {
                Ok(config) => specs.push(crate::bfd::PeerSpec {
                    peer: *peer,
                    local: self.plan.peers.get(peer).and_then(|p| p.source),
                    multihop,
                    interface: None,
                    config,
                }),
                Err(e) => self.emit(NativeEvent::Error {
                    message: e.to_string(),
                }),
            }
        }
        let runner = match crate::bfd::Runner::bind(specs, u64::from(u32::from(self.router_id))) {
            Ok(r) => r,
            Err(e) => {
                self.emit(NativeEvent::Error {
                    message: format!("BFD: {e}"),
                });
                return;
            }
        };
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let tx = self.net_tx.clone();
        let task = tokio::spawn(async move {
            let stop = async {
                let _ = stop_rx.await;
            };
            let r = runner
                .run(stop, |rec| {
                    let up = rec.to == bfd_proto::State::Up;
                    let from_up = rec.from == bfd_proto::State::Up;
                    let _ = tx.try_send(Net::Bfd {
                        peer: rec.peer,
                        up,
                        from_up,
                    });
                })
                .await;
            if let Err(e) = r {
                tracing::error!("BFD runner: {e}");
            }
        });
        self.bfd = Some(Bfd {
            stop: Some(stop_tx),
            task,
            key,
        });
    }

    fn remove_peer(&mut self, i: usize) {
        let now = Instant::now();
        {
            let p = self.peer(i);
            if let Some(h) = p.connecting.take() {
                h.abort();
            }
            p.restart = false;
            p.session.handle_event(
                now,
                Event::Stop {
                    shutdown_message: Some("neighbor removed from the configuration".into()),
                },
            );
        }
        self.drive(i);
        self.drop_conn(i);
        let (id, addr) = {
            let p = self.peer(i);
            (p.rib_id, p.plan.address)
        };
        self.rib.peer_down(id);
        self.set_listener_key(addr, None);
        self.slots[i] = None;
        self.propagate();
    }

    fn reload(&mut self, config: &frr_render::Config) {
        let new = match plan(config) {
            Ok(p) => p,
            Err(e) => {
                // Nothing half-applied: the running configuration stays.
                self.emit(NativeEvent::Error {
                    message: format!("reload refused: {e}"),
                });
                return;
            }
        };
        let d = diff(&self.plan, &new);
        self.emit(NativeEvent::Reloaded {
            added: d.added.clone(),
            removed: d.removed.clone(),
            restarted: d.restarted.clone(),
            policy_changed: d
                .import_changed
                .iter()
                .chain(&d.export_changed)
                .copied()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        });
        if d.restart_all {
            // A new AS or router ID: start over with fresh sessions.
            let addrs: Vec<IpAddr> = self.plan.peers.keys().copied().collect();
            for a in addrs {
                if let Some(i) = self.slot_of(a) {
                    self.remove_peer(i);
                }
            }
            let mut rib = Rib::new(RibConfig::new(
                new.local_as,
                new.router_id.unwrap_or(self.router_id),
            ));
            for n in &new.prefixes {
                rib.originate(Prefix::from(*n), local_attrs());
            }
            self.router_id = new.router_id.unwrap_or(self.router_id);
            let old_routes: Vec<IpNet> = self.fib.routes().keys().copied().collect();
            self.rib = rib;
            for p in old_routes {
                self.install(Prefix::from(p));
            }
            self.plan = new.clone();
            for p in new.peers.values() {
                self.add_peer(p.clone());
            }
            self.restart_bfd();
            return;
        }
        for a in &d.removed {
            if let Some(i) = self.slot_of(*a) {
                self.remove_peer(i);
            }
        }
        self.plan = new.clone();
        for n in &d.withdraw {
            self.rib.remove_path(PeerId::LOCAL, Prefix::from(*n), 0);
        }
        for n in &d.originate {
            self.rib.originate(Prefix::from(*n), local_attrs());
        }
        // Every neighbor gets the new compiled policy; those whose maps changed re-evaluate.
        let slots: Vec<usize> = (0..self.slots.len())
            .filter(|i| self.slots[*i].is_some())
            .collect();
        for i in slots {
            let addr = self.peer(i).plan.address;
            let Some(pp) = new.peers.get(&addr).cloned() else {
                continue;
            };
            let restart = d.restarted.contains(&addr);
            {
                let p = self.peer(i);
                p.import = RouteMapPolicy::new(new.policy.clone(), &pp.import_map);
                p.export = RouteMapPolicy::new(new.policy.clone(), &pp.export_map);
                p.plan = pp.clone();
            }
            if restart {
                let seed = u64::from(self.peer(i).rib_id.0) ^ u64::from(u32::from(self.router_id));
                let cfg = self.session_config(&pp, seed);
                self.set_listener_key(addr, pp.password.as_deref());
                self.reset(i, "configuration changed");
                // A new session with the new parameters replaces the stopped one.
                let now = Instant::now();
                let p = self.peer(i);
                p.restart = false;
                p.session = Session::new(cfg, now);
                p.session.handle_event(now, Event::Start);
                self.drive(i);
                continue;
            }
            if d.import_changed.contains(&addr) {
                // Soft reconfiguration inbound: ask the neighbor to send its routes again; they go
                // through the new route map. Without route refresh, reset the session.
                let now = Instant::now();
                let fams = self
                    .peer(i)
                    .session
                    .negotiated()
                    .map(|n| n.families.clone())
                    .unwrap_or_default();
                let mut ok = true;
                for f in fams {
                    ok &= self.peer(i).session.request_route_refresh(now, f).is_ok();
                }
                if !ok && self.peer(i).session.state() == State::Established {
                    self.reset(i, "import policy changed");
                }
                self.drive(i);
            }
            if d.export_changed.contains(&addr) {
                let p = self.slots[i].as_mut().expect("live slot");
                if let Some(out) = &mut p.out {
                    out.sync_all(&self.rib, &p.export);
                }
                self.flush_out(i);
            }
        }
        self.propagate();
        for a in &d.added {
            if let Some(pp) = new.peers.get(a) {
                self.add_peer(pp.clone());
            }
        }
        if !d.bfd_changed.is_empty() || !d.added.is_empty() || !d.removed.is_empty() {
            self.restart_bfd();
        }
    }

    async fn shutdown(&mut self) {
        for i in 0..self.slots.len() {
            if self.slots[i].is_some() {
                let now = Instant::now();
                let p = self.peer(i);
                if let Some(h) = p.connecting.take() {
                    h.abort();
                }
                p.restart = false;
                p.session.handle_event(
                    now,
                    Event::Stop {
                        shutdown_message: Some("native speaker shutting down".into()),
                    },
                );
                self.drive(i);
                self.drop_conn(i);
            }
        }
        for (_, t) in self.listeners.drain(..) {
            t.abort();
        }
        if let Some(mut b) = self.bfd.take() {
            if let Some(s) = b.stop.take() {
                let _ = s.send(());
            }
            let _ = tokio::time::timeout(Duration::from_millis(500), &mut b.task).await;
        }
        let pending = std::mem::take(&mut self.flushing);
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            for h in pending {
                let _ = h.await;
            }
        })
        .await;
        for c in self.fib.clear(&mut self.sink) {
            if let FibChange::Removed(p) = c {
                self.emit(NativeEvent::RouteRemoved {
                    prefix: p.to_string(),
                });
            }
        }
        self.emit(NativeEvent::Stopped);
    }
}
