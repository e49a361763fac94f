//! Dynamic peers (frr-k8s `dynamicASN`): `examples::speaker` listens with a peer range and
//! FRR 8.4 routers in network namespaces connect to it. Addresses inside the range whose AS
//! fits the range's mode (`external`: any AS but ours, `internal`: ours) reach Established
//! and exchange routes both ways; an address outside the range is closed before any OPEN,
//! and an in-range router with the wrong kind of AS gets OPEN Message Error / Bad Peer AS.
//!
//! Topology: a bridge `br0` in the speaker's namespace, one veth port per router.
//!
//! Each test skips without root/FRR (fails instead with REQUIRE_INTEROP=1).

use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bgp_proto::session::PeerAs;
use examples::lab::{FrrDaemon, FrrRouter, Lab, Need, Netns, wait_for};
use examples::speaker::{self, Command, PeerConfig, RouteReport, SpeakerConfig, SpeakerEvent};
use tokio::sync::mpsc;

const T: Duration = Duration::from_secs(20);

/// Our speaker running in a namespace on its own thread; shut down (Cease) on drop.
struct Spk {
    cmd: mpsc::UnboundedSender<Command>,
    events: Arc<Mutex<Vec<SpeakerEvent>>>,
    thread: Option<JoinHandle<()>>,
}

impl Spk {
    fn start(ns: &Netns, cfg: SpeakerConfig) -> Spk {
        let (cmd, cmd_rx) = mpsc::unbounded_channel();
        let events = Arc::new(Mutex::new(Vec::new()));
        let ev = events.clone();
        let thread = ns.spawn_thread(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let (tx, mut rx) = mpsc::unbounded_channel();
                let collect = tokio::spawn(async move {
                    while let Some(e) = rx.recv().await {
                        ev.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                    }
                });
                speaker::run(cfg, tx, cmd_rx).await.expect("speaker");
                let _ = collect.await;
            });
        });
        Spk {
            cmd,
            events,
            thread: Some(thread),
        }
    }

    fn events(&self) -> Vec<SpeakerEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn count(&self, f: impl Fn(&SpeakerEvent) -> bool) -> usize {
        self.events().iter().filter(|e| f(e)).count()
    }

    /// Waits for an event matching `f`; panics with the events seen so far.
    fn wait(
        &self,
        what: &str,
        timeout: Duration,
        f: impl Fn(&SpeakerEvent) -> bool,
    ) -> SpeakerEvent {
        wait_for(timeout, || self.events().into_iter().find(|e| f(e))).unwrap_or_else(|| {
            panic!(
                "speaker: no {what} within {timeout:?}; events:\n{:#?}",
                self.events()
            )
        })
    }

    fn wait_established(&self, peer: IpAddr) -> SpeakerEvent {
        self.wait(
            &format!("Established with {peer}"),
            T,
            |e| matches!(e, SpeakerEvent::Established { peer: p, .. } if *p == peer),
        )
    }

    fn wait_route(&self, peer: IpAddr, prefix: &str) -> SpeakerEvent {
        self.wait(&format!("route {prefix} from {peer}"), T, |e| {
            matches!(e, SpeakerEvent::Route { peer: p, prefix: x, .. } if *p == peer && x == prefix)
        })
    }
}

impl Drop for Spk {
    fn drop(&mut self) {
        let _ = self.cmd.send(Command::Shutdown("test over".into()));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A passive speaker on 0.0.0.0:179 accepting `range` with `mode`, announcing `announce`.
fn speaker_cfg(asn: u32, range: &str, mode: PeerAs, announce: &str) -> SpeakerConfig {
    let net: ipnet::IpNet = range.parse().unwrap();
    let mut p = PeerConfig::new(net.addr(), mode);
    p.range = Some(net);
    p.passive = true;
    p.hold_time = 9;
    SpeakerConfig {
        local_as: asn,
        router_id: "10.0.0.1".parse().unwrap(),
        listen: vec!["0.0.0.0:179".parse().unwrap()],
        peers: vec![p],
        announce: vec![announce.parse().unwrap()],
        routes: RouteReport::All,
        shutdown_message: "bye".into(),
    }
}

/// FRR connecting actively to our speaker at `speaker` (AS `speaker_as`), announcing `net`.
fn frr_conf(asn: u32, rid: &str, speaker: &str, speaker_as: u32, net: &str) -> String {
    format!(
        "frr defaults traditional\n!\nrouter bgp {asn}\n bgp router-id {rid}\n \
         no bgp ebgp-requires-policy\n no bgp network import-check\n \
         no bgp default ipv4-unicast\n \
         neighbor {speaker} remote-as {speaker_as}\n neighbor {speaker} timers 3 9\n \
         neighbor {speaker} timers connect 1\n \
         address-family ipv4 unicast\n  neighbor {speaker} activate\n  network {net}\n \
         exit-address-family\nexit\n"
    )
}

/// A router namespace on the speaker's bridge with address `cidr` on `eth0`.
fn router_ns(lab: &Lab, spk: &Netns, name: &str, cidr: &str) -> Netns {
    let ns = lab.netns(name);
    lab.link_to_bridge(spk, "br0", &ns, "eth0");
    ns.addr_add("eth0", cidr);
    ns
}

fn start_frr(ns: &Netns, conf: &str) -> FrrRouter {
    FrrRouter::start(ns, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], conf)
}

/// FRR's (sent, received) NOTIFICATION counters for `neighbor`.
fn frr_notifications(frr: &FrrRouter, neighbor: &str) -> (u64, u64) {
    let n = frr.bgp_neighbors_json();
    let stats = &n[neighbor]["messageStats"];
    (
        stats["notificationsSent"].as_u64().unwrap_or(u64::MAX),
        stats["notificationsRecv"].as_u64().unwrap_or(u64::MAX),
    )
}

fn is_bad_peer_as(e: &SpeakerEvent, peer: IpAddr) -> bool {
    matches!(e, SpeakerEvent::NotificationSent { peer: p, code: 2, subcode: 2, .. } if *p == peer)
}

/// Waits until FRR has received at least one NOTIFICATION from `neighbor`.
fn wait_frr_notified(frr: &FrrRouter, neighbor: &str) {
    let got = wait_for(T, || {
        (frr_notifications(frr, neighbor).1 >= 1).then_some(())
    });
    assert!(
        got.is_some(),
        "FRR got no NOTIFICATION from {neighbor}: {}",
        frr.bgp_neighbors_json()[neighbor]
    );
}

/// Whether any session with one of `peers` reaches Established, on our side or FRR's, within
/// `window` (a negative check needs a bounded wait; FRR retries every second meanwhile).
fn any_established_within(s: &Spk, frrs: &[(&FrrRouter, &str, IpAddr)], window: Duration) -> bool {
    wait_for(window, || {
        frrs.iter()
            .any(|(frr, speaker_addr, addr)| {
                s.count(|e| matches!(e, SpeakerEvent::Established { peer, .. } if peer == addr)) > 0
                    || frr.bgp_neighbor_state(speaker_addr).as_deref() == Some("Established")
            })
            .then_some(())
    })
    .is_some()
}

/// A TCP connection from `ns` to the speaker: returns the bytes the speaker sends before
/// closing (`Ok`), or `Err` when it is still open after `timeout`.
fn probe(ns: &Netns, to: SocketAddr, timeout: Duration) -> Result<Vec<u8>, String> {
    ns.run_in(move || {
        let mut tcp = TcpStream::connect_timeout(&to, timeout).map_err(|e| e.to_string())?;
        tcp.set_read_timeout(Some(timeout)).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tcp.read(&mut buf) {
                Ok(0) => return Ok(got),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(got),
                Err(e) => return Err(format!("still open after {timeout:?} ({e}), got {got:?}")),
            }
        }
    })
}

/// Range 192.168.50.0/24 with `dynamicASN: external`: two eBGP routers (.2, .3) come up and
/// exchange routes with us (and, through us, with each other); a router outside the range
/// (192.168.51.4) is refused; an in-range router in our own AS (.5) gets Bad Peer AS.
#[test]
fn external_range_accepts_ebgp_routers_and_refuses_others() {
    let Some(lab) = Lab::new("bgp_dyn_external", &[Need::Frr]) else {
        return;
    };
    let spk = lab.netns("spk");
    spk.bridge("br0");
    spk.addr_add("br0", "192.168.50.1/24");
    spk.addr_add("br0", "192.168.51.1/24");
    let r2 = router_ns(&lab, &spk, "r2", "192.168.50.2/24");
    let r3 = router_ns(&lab, &spk, "r3", "192.168.50.3/24");
    let r4 = router_ns(&lab, &spk, "r4", "192.168.51.4/24");
    let r5 = router_ns(&lab, &spk, "r5", "192.168.50.5/24");

    let s = Spk::start(
        &spk,
        speaker_cfg(65100, "192.168.50.0/24", PeerAs::External, "10.100.0.0/24"),
    );
    s.wait("listening", T, |e| {
        matches!(e, SpeakerEvent::Listening { .. })
    });

    // Outside the range: the speaker closes the connection without sending its OPEN.
    let sent = probe(&r4, "192.168.51.1:179".parse().unwrap(), T).unwrap();
    assert!(sent.is_empty(), "out-of-range connection got {sent:?}");

    let f2 = start_frr(
        &r2,
        &frr_conf(65102, "10.0.0.2", "192.168.50.1", 65100, "10.102.0.0/24"),
    );
    let f3 = start_frr(
        &r3,
        &frr_conf(65103, "10.0.0.3", "192.168.50.1", 65100, "10.103.0.0/24"),
    );
    let f4 = start_frr(
        &r4,
        &frr_conf(65104, "10.0.0.4", "192.168.51.1", 65100, "10.104.0.0/24"),
    );
    let f5 = start_frr(
        &r5,
        &frr_conf(65100, "10.0.0.5", "192.168.50.1", 65100, "10.105.0.0/24"),
    );

    // Both in-range eBGP routers: Established on both sides, with the AS from their OPEN.
    for (frr, addr, asn, rid) in [
        (&f2, ip("192.168.50.2"), 65102, "10.0.0.2"),
        (&f3, ip("192.168.50.3"), 65103, "10.0.0.3"),
    ] {
        let SpeakerEvent::Established {
            peer_as, router_id, ..
        } = s.wait_established(addr)
        else {
            unreachable!()
        };
        assert_eq!(peer_as, asn);
        assert_eq!(router_id.to_string(), rid);
        frr.wait_bgp_established("192.168.50.1", T);
    }

    // Routes: each FRR → us, us → each FRR, and one FRR → us → the other.
    for (addr, prefix, path) in [
        (ip("192.168.50.2"), "10.102.0.0/24", "65102"),
        (ip("192.168.50.3"), "10.103.0.0/24", "65103"),
    ] {
        let SpeakerEvent::Route {
            as_path, next_hop, ..
        } = s.wait_route(addr, prefix)
        else {
            unreachable!()
        };
        assert_eq!(as_path, path);
        assert_eq!(next_hop, addr.to_string());
    }
    for frr in [&f2, &f3] {
        let r = frr.wait_bgp_route("10.100.0.0/24", T);
        assert_eq!(r["paths"][0]["aspath"]["string"], "65100", "{r}");
        assert_eq!(r["paths"][0]["nexthops"][0]["ip"], "192.168.50.1", "{r}");
    }
    let r = f3.wait_bgp_route("10.102.0.0/24", T);
    assert_eq!(r["paths"][0]["aspath"]["string"], "65100 65102", "{r}");
    let r = f2.wait_bgp_route("10.103.0.0/24", T);
    assert_eq!(r["paths"][0]["aspath"]["string"], "65100 65103", "{r}");

    // iBGP from inside an external range: OPEN Message Error / Bad Peer AS, seen by FRR too.
    s.wait("Bad Peer AS to 192.168.50.5", T, |e| {
        is_bad_peer_as(e, ip("192.168.50.5"))
    });
    wait_frr_notified(&f5, "192.168.50.1");

    // Neither rejected router ever gets a session (FRR keeps retrying every second).
    let up = any_established_within(
        &s,
        &[
            (&f4, "192.168.51.1", ip("192.168.51.4")),
            (&f5, "192.168.50.1", ip("192.168.50.5")),
        ],
        Duration::from_secs(3),
    );
    assert!(!up, "a rejected router got a session: {:#?}", s.events());
    // The out-of-range router never even got a session object on our side.
    assert_eq!(
        s.count(|e| format!("{e:?}").contains("192.168.51.4")),
        0,
        "{:#?}",
        s.events()
    );
    assert!(f4.bgp_route("10.100.0.0/24").is_none());
    assert!(f5.bgp_route("10.100.0.0/24").is_none());
    assert_eq!(
        s.count(|e| matches!(e, SpeakerEvent::Route { prefix, .. } if prefix == "10.104.0.0/24" || prefix == "10.105.0.0/24")),
        0
    );

    // The accepted sessions stayed clean.
    for frr in [&f2, &f3] {
        assert_eq!(frr_notifications(frr, "192.168.50.1"), (0, 0));
    }
}

/// Range 192.168.60.0/24 with `dynamicASN: internal`: an iBGP router (.2) comes up and routes
/// flow both ways with LOCAL_PREF; an in-range eBGP router (.3) gets Bad Peer AS.
#[test]
fn internal_range_accepts_ibgp_router_and_rejects_ebgp() {
    let Some(lab) = Lab::new("bgp_dyn_internal", &[Need::Frr]) else {
        return;
    };
    let spk = lab.netns("spk");
    spk.bridge("br0");
    spk.addr_add("br0", "192.168.60.1/24");
    let r2 = router_ns(&lab, &spk, "r2", "192.168.60.2/24");
    let r3 = router_ns(&lab, &spk, "r3", "192.168.60.3/24");

    let s = Spk::start(
        &spk,
        speaker_cfg(65200, "192.168.60.0/24", PeerAs::Internal, "10.200.0.0/24"),
    );
    s.wait("listening", T, |e| {
        matches!(e, SpeakerEvent::Listening { .. })
    });
    let f2 = start_frr(
        &r2,
        &frr_conf(65200, "10.0.0.2", "192.168.60.1", 65200, "10.202.0.0/24"),
    );
    let f3 = start_frr(
        &r3,
        &frr_conf(65203, "10.0.0.3", "192.168.60.1", 65200, "10.203.0.0/24"),
    );

    let a2 = ip("192.168.60.2");
    let SpeakerEvent::Established { peer_as, .. } = s.wait_established(a2) else {
        unreachable!()
    };
    assert_eq!(peer_as, 65200);
    f2.wait_bgp_established("192.168.60.1", T);
    let SpeakerEvent::Route {
        as_path,
        local_pref,
        next_hop,
        ..
    } = s.wait_route(a2, "10.202.0.0/24")
    else {
        unreachable!()
    };
    assert_eq!(as_path, "", "iBGP: empty AS path");
    assert_eq!(local_pref, Some(100), "iBGP carries LOCAL_PREF");
    assert_eq!(next_hop, "192.168.60.2");
    let r = f2.wait_bgp_route("10.200.0.0/24", T);
    assert_eq!(
        r["paths"][0]["aspath"]["length"], 0,
        "iBGP: empty AS path: {r}"
    );
    assert_eq!(r["paths"][0]["peer"]["type"], "internal", "{r}");
    assert_eq!(r["paths"][0]["locPrf"], 100, "{r}");

    let a3 = ip("192.168.60.3");
    s.wait("Bad Peer AS to 192.168.60.3", T, |e| is_bad_peer_as(e, a3));
    wait_frr_notified(&f3, "192.168.60.1");
    let up = any_established_within(&s, &[(&f3, "192.168.60.1", a3)], Duration::from_secs(3));
    assert!(!up, "the eBGP router got a session: {:#?}", s.events());
    assert!(f3.bgp_route("10.200.0.0/24").is_none());
    assert_eq!(
        s.count(|e| matches!(e, SpeakerEvent::Route { peer, .. } if *peer == a3)),
        0
    );
    assert_eq!(frr_notifications(&f2, "192.168.60.1"), (0, 0));
}
