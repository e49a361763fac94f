//! Interop of `examples::speaker` (the sans-IO session + RIB on tokio) with FRR 8.4 bgpd and
//! GoBGP 3.10 in network namespaces: sessions, route exchange in both directions, negotiated
//! capabilities, and faults (frozen peer, restarted peer, malformed attribute).
//!
//! Each test skips without root/daemons (fails instead with REQUIRE_INTEROP=1).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bgp_proto::session::{Config, Event, PeerAs, Session, SessionEvent, State};
use examples::lab::{FrrDaemon, FrrRouter, GoBgp, GoBgpRoute, Lab, Need, Netns, wait_for};
use examples::speaker::{self, Command, PeerConfig, RouteReport, SpeakerConfig, SpeakerEvent};
use serde_json::Value;
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

    fn find(&self, f: &impl Fn(&SpeakerEvent) -> bool) -> Option<SpeakerEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|e| f(e))
            .cloned()
    }

    fn count(&self, f: impl Fn(&SpeakerEvent) -> bool) -> usize {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|e| f(e))
            .count()
    }

    /// Waits for an event matching `f`; panics with the events seen so far.
    fn wait(
        &self,
        what: &str,
        timeout: Duration,
        f: impl Fn(&SpeakerEvent) -> bool,
    ) -> SpeakerEvent {
        wait_for(timeout, || self.find(&f)).unwrap_or_else(|| {
            panic!(
                "speaker: no {what} within {timeout:?}; events:\n{:#?}",
                self.events.lock().unwrap_or_else(|p| p.into_inner())
            )
        })
    }

    fn wait_route(&self, prefix: &str, timeout: Duration) -> SpeakerEvent {
        self.wait(
            &format!("route {prefix}"),
            timeout,
            |e| matches!(e, SpeakerEvent::Route { prefix: p, .. } if p == prefix),
        )
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

fn speaker_cfg(asn: u32, rid: &str, peers: Vec<PeerConfig>, announce: &[&str]) -> SpeakerConfig {
    SpeakerConfig {
        local_as: asn,
        router_id: rid.parse().unwrap(),
        listen: Vec::new(),
        peers,
        announce: announce.iter().map(|p| p.parse().unwrap()).collect(),
        routes: RouteReport::All,
        shutdown_message: "bye".into(),
    }
}

fn peer(addr: &str, asn: u32) -> PeerConfig {
    let mut p = PeerConfig::new(addr.parse().unwrap(), PeerAs::Asn(asn));
    p.connect_retry = Duration::from_secs(1);
    p.hold_time = 9;
    // The neighbor knows us by the configured address, not a SLAAC one.
    p.local_address = Some(if p.address.is_ipv6() {
        "fd00:30::2".parse().unwrap()
    } else {
        "172.30.0.2".parse().unwrap()
    });
    p
}

/// Two namespaces joined by a veth pair with IPv4 and IPv6 addresses.
fn two_nodes(lab: &Lab) -> (Netns, Netns) {
    let rtr = lab.netns("rtr");
    let spk = lab.netns("spk");
    lab.link(&rtr, "eth0", &spk, "eth0");
    rtr.addr_add("eth0", "172.30.0.1/24");
    rtr.addr_add("eth0", "fd00:30::1/64");
    spk.addr_add("eth0", "172.30.0.2/24");
    spk.addr_add("eth0", "fd00:30::2/64");
    // Loopback addresses give routes next hops to resolve over.
    (rtr, spk)
}

fn frr_conf(asn: u32, neighbor: &str, peer_as: u32, extra_neighbor: &str, nets: &[&str]) -> String {
    let mut c = format!(
        "frr defaults traditional\n!\nrouter bgp {asn}\n bgp router-id 10.0.0.1\n \
         no bgp ebgp-requires-policy\n no bgp network import-check\n \
         no bgp default ipv4-unicast\n \
         neighbor {neighbor} remote-as {peer_as}\n neighbor {neighbor} timers 3 9\n \
         neighbor {neighbor} timers connect 1\n{extra_neighbor}"
    );
    for (afi, v6) in [("ipv4", false), ("ipv6", true)] {
        c += &format!(" address-family {afi} unicast\n  neighbor {neighbor} activate\n");
        for n in nets.iter().filter(|n| n.contains(':') == v6) {
            c += &format!("  network {n}\n");
        }
        c += " exit-address-family\n";
    }
    c + "exit\n"
}

fn frr_notifications(frr: &FrrRouter, neighbor: &str) -> (u64, u64) {
    let n = frr.bgp_neighbors_json();
    let stats = &n[neighbor]["messageStats"];
    (
        stats["notificationsSent"].as_u64().unwrap_or(u64::MAX),
        stats["notificationsRecv"].as_u64().unwrap_or(u64::MAX),
    )
}

fn established(e: &SpeakerEvent) -> bool {
    matches!(e, SpeakerEvent::Established { .. })
}

#[test]
fn frr_ebgp_ipv4_transport_four_octet_addpath() {
    let Some(lab) = Lab::new("bgp_frr_ebgp4", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let mut conf = frr_conf(
        4_200_000_001,
        "172.30.0.2",
        65001,
        "",
        &["10.200.0.0/24", "2001:db8:200::/48"],
    );
    conf = conf.replace(
        "  neighbor 172.30.0.2 activate\n",
        "  neighbor 172.30.0.2 activate\n  neighbor 172.30.0.2 addpath-tx-all-paths\n",
    );
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let mut p = peer("172.30.0.1", 4_200_000_001);
    p.add_path = true;
    p.next_hop_v6 = Some("fd00:30::2".parse().unwrap());
    let s = Spk::start(
        &spk,
        speaker_cfg(
            65001,
            "10.0.0.2",
            vec![p],
            &["10.100.0.0/24", "2001:db8:100::/48"],
        ),
    );

    let SpeakerEvent::Established {
        peer_as,
        four_octet_as,
        add_path_receive,
        add_path_send,
        extended_next_hop,
        families,
        ..
    } = s.wait("Established", T, established)
    else {
        unreachable!()
    };
    assert_eq!(peer_as, 4_200_000_001);
    assert!(four_octet_as);
    assert!(
        !extended_next_hop,
        "FRR offers RFC 8950 only over IPv6 sessions"
    );
    assert!(
        add_path_receive.contains(&"ipv4-unicast".to_string()),
        "{add_path_receive:?}"
    );
    assert!(
        add_path_send.contains(&"ipv4-unicast".to_string()),
        "{add_path_send:?}"
    );
    assert_eq!(families, ["ipv4-unicast", "ipv6-unicast"]);
    frr.wait_bgp_established("172.30.0.2", T);

    // FRR → us, both families.
    let SpeakerEvent::Route {
        as_path, next_hop, ..
    } = s.wait_route("10.200.0.0/24", T)
    else {
        unreachable!()
    };
    assert_eq!(as_path, "4200000001");
    assert_eq!(next_hop, "172.30.0.1");
    s.wait_route("2001:db8:200::/48", T);
    // us → FRR, both families.
    let r = frr.wait_bgp_route("10.100.0.0/24", T);
    assert_eq!(r["paths"][0]["aspath"]["string"], "65001");
    let r6 = frr.wait_bgp_route("2001:db8:100::/48", T);
    assert_eq!(r6["paths"][0]["aspath"]["string"], "65001");
    let n = frr.bgp_neighbors_json();
    let caps = &n["172.30.0.2"]["neighborCapabilities"];
    assert!(caps.get("addPath").is_some(), "FRR sees ADD-PATH: {caps}");
    assert_eq!(frr_notifications(&frr, "172.30.0.2"), (0, 0));
}

#[test]
fn frr_ibgp_ipv6_transport_extended_next_hop() {
    let Some(lab) = Lab::new("bgp_frr_ibgp6", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let extra = " neighbor fd00:30::2 capability extended-nexthop\n";
    let debug = std::env::var("BGP_DEBUG").is_ok();
    let conf = frr_conf(
        65010,
        "fd00:30::2",
        65010,
        extra,
        &["2001:db8:210::/48", "10.210.0.0/24"],
    );
    let conf = if debug {
        format!("debug bgp neighbor-events\ndebug bgp updates\n{conf}")
    } else {
        conf
    };
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let mut p = peer("fd00:30::1", 65010);
    p.extended_next_hop = true;
    let s = Spk::start(
        &spk,
        speaker_cfg(
            65010,
            "10.0.0.2",
            vec![p],
            &["2001:db8:110::/48", "10.110.0.0/24"],
        ),
    );
    let SpeakerEvent::Established {
        extended_next_hop, ..
    } = s.wait("Established", T, established)
    else {
        unreachable!()
    };
    assert!(extended_next_hop, "RFC 8950 negotiated with FRR");
    frr.wait_bgp_established("fd00:30::2", T);
    let SpeakerEvent::Route {
        local_pref,
        as_path,
        ..
    } = s.wait_route("2001:db8:210::/48", T)
    else {
        unreachable!()
    };
    assert_eq!(local_pref, Some(100), "iBGP carries LOCAL_PREF");
    assert_eq!(as_path, "");
    // An IPv4 route with an IPv6 next hop, both ways.
    let SpeakerEvent::Route { next_hop, .. } = s.wait_route("10.210.0.0/24", T) else {
        unreachable!()
    };
    assert!(next_hop.starts_with("fd00:30::1"), "{next_hop}");
    let r = frr.wait_bgp_route("2001:db8:110::/48", T);
    assert_eq!(r["paths"][0]["locPrf"], 100);
    let r4 = frr.wait_bgp_route("10.110.0.0/24", T);
    let nh = r4["paths"][0]["nexthops"][0]["ip"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(nh, "fd00:30::2", "{r4}");
    let n = frr.bgp_neighbors_json();
    let caps = &n["fd00:30::2"]["neighborCapabilities"];
    assert!(
        caps.get("extendedNexthop").is_some(),
        "FRR sees ENHE: {caps}"
    );
    assert_eq!(frr_notifications(&frr, "fd00:30::2"), (0, 0));
}

fn gobgp_conf(asn: u32, neighbor: &str, peer_as: u32) -> String {
    format!(
        "[global.config]\n  as = {asn}\n  router-id = \"10.0.0.1\"\n  port = 179\n\
         [[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"{neighbor}\"\n    peer-as = {peer_as}\n\
         [neighbors.timers.config]\n    connect-retry = 1\n    hold-time = 9\n    keepalive-interval = 3\n\
         [[neighbors.afi-safis]]\n  [neighbors.afi-safis.config]\n    afi-safi-name = \"ipv4-unicast\"\n\
         [[neighbors.afi-safis]]\n  [neighbors.afi-safis.config]\n    afi-safi-name = \"ipv6-unicast\"\n"
    )
}

fn gobgp_notifications(g: &GoBgp, neighbor: &str) -> u64 {
    let all = g.neighbors_json();
    let p = all
        .as_array()
        .and_then(|a| {
            a.iter().find(|p| {
                p.pointer("/conf/neighbor_address").and_then(Value::as_str) == Some(neighbor)
            })
        })
        .cloned()
        .unwrap_or(Value::Null);
    let m = p.pointer("/state/messages").cloned().unwrap_or(Value::Null);
    let n = |dir: &str| {
        m.pointer(&format!("/{dir}/notification"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    n("received") + n("sent")
}

#[test]
fn gobgp_ebgp_ipv4_transport() {
    let Some(lab) = Lab::new("bgp_gobgp_ebgp4", &[Need::GoBgp]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let g = GoBgp::start(&rtr, &gobgp_conf(4_200_000_020, "172.30.0.2", 65021));
    g.add_route(&GoBgpRoute::new("10.220.0.0/24").med(7).community("65000:1"));
    let mut p = peer("172.30.0.1", 4_200_000_020);
    p.next_hop_v6 = Some("fd00:30::2".parse().unwrap());
    let s = Spk::start(
        &spk,
        speaker_cfg(
            65021,
            "10.0.0.2",
            vec![p],
            &["10.121.0.0/24", "2001:db8:121::/48"],
        ),
    );
    s.wait("Established", T, established);
    g.wait_established("172.30.0.2", T);
    let SpeakerEvent::Route {
        med,
        communities,
        as_path,
        ..
    } = s.wait_route("10.220.0.0/24", T)
    else {
        unreachable!()
    };
    assert_eq!(med, Some(7));
    assert_eq!(communities, ["65000:1"]);
    assert_eq!(as_path, "4200000020");
    g.wait_route("10.121.0.0/24", T);
    g.wait_route("2001:db8:121::/48", T);
    assert_eq!(gobgp_notifications(&g, "172.30.0.2"), 0);
}

#[test]
fn gobgp_ibgp_ipv6_transport() {
    let Some(lab) = Lab::new("bgp_gobgp_ibgp6", &[Need::GoBgp]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let g = GoBgp::start(&rtr, &gobgp_conf(65030, "fd00:30::2", 65030));
    g.add_route(&GoBgpRoute::new("2001:db8:230::/48"));
    let s = Spk::start(
        &spk,
        speaker_cfg(
            65030,
            "10.0.0.2",
            vec![peer("fd00:30::1", 65030)],
            &["2001:db8:130::/48"],
        ),
    );
    s.wait("Established", T, established);
    g.wait_established("fd00:30::2", T);
    s.wait_route("2001:db8:230::/48", T);
    g.wait_route("2001:db8:130::/48", T);
    assert_eq!(gobgp_notifications(&g, "fd00:30::2"), 0);
}

fn signal(pid: i32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill {sig} {pid}");
}

#[test]
fn frr_frozen_with_sigstop_hold_timer_expires() {
    let Some(lab) = Lab::new("bgp_frr_sigstop", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let conf = frr_conf(65040, "172.30.0.2", 65041, "", &["10.240.0.0/24"]);
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let mut p = peer("172.30.0.1", 65040);
    p.hold_time = 3;
    let s = Spk::start(&spk, speaker_cfg(65041, "10.0.0.2", vec![p], &[]));
    s.wait("Established", T, established);
    s.wait_route("10.240.0.0/24", T);
    let pid = frr.pid(FrrDaemon::Bgpd).expect("bgpd pid");
    signal(pid, "-STOP");
    let frozen = Instant::now();
    let e = s.wait("hold timer NOTIFICATION", Duration::from_secs(10), |e| {
        matches!(e, SpeakerEvent::NotificationSent { code: 4, .. })
    });
    let waited = frozen.elapsed();
    signal(pid, "-CONT");
    let SpeakerEvent::NotificationSent { subcode, .. } = e else {
        unreachable!()
    };
    assert_eq!(subcode, 0);
    assert!(
        waited <= Duration::from_secs(5),
        "hold time 3 s, fired after {waited:?}"
    );
    // The route learnt from the frozen peer is withdrawn from our RIB.
    s.wait("down", T, |e| {
        matches!(
            e,
            SpeakerEvent::Down {
                removed_routes: 1,
                ..
            }
        )
    });
}

#[test]
fn frr_restart_reconnects_and_rebuilds_rib() {
    let Some(lab) = Lab::new("bgp_frr_restart", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let conf = frr_conf(
        65050,
        "172.30.0.2",
        65051,
        "",
        &["10.250.0.0/24", "10.251.0.0/24"],
    );
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let s = Spk::start(
        &spk,
        speaker_cfg(
            65051,
            "10.0.0.2",
            vec![peer("172.30.0.1", 65050)],
            &["10.151.0.0/24"],
        ),
    );
    s.wait("Established", T, established);
    s.wait_route("10.251.0.0/24", T);
    frr.stop();
    s.wait("down", T, |e| {
        matches!(
            e,
            SpeakerEvent::Down {
                removed_routes: 2,
                ..
            }
        )
    });
    let before = s.count(|e| matches!(e, SpeakerEvent::Route { .. }));
    let frr2 = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let ok = wait_for(T, || (s.count(established) >= 2).then_some(()));
    assert!(
        ok.is_some(),
        "no second Established: {:#?}",
        s.events.lock().unwrap_or_else(|p| p.into_inner())
    );
    let ok = wait_for(T, || {
        (s.count(
            |e| matches!(e, SpeakerEvent::Route { prefix, .. } if prefix.starts_with("10.25")),
        ) >= 4)
            .then_some(())
    });
    assert!(ok.is_some(), "routes not relearnt (had {before})");
    frr2.wait_bgp_route("10.151.0.0/24", T);
}

/// A test peer built from the sans-IO session over a blocking socket: it announces a route,
/// then an UPDATE whose ORIGIN is 5 (crafted with our encoder, then corrupted), then the
/// route again. The speaker must treat the bad UPDATE as a withdrawal and stay up.
#[test]
fn malformed_attribute_is_treat_as_withdraw_and_session_stays_up() {
    let Some(lab) = Lab::new("bgp_malformed", &[]) else {
        return;
    };
    let ns = lab.netns("spk");
    ns.link_up("lo");
    let mut p = PeerConfig::new("127.0.0.1".parse().unwrap(), PeerAs::Asn(65061));
    p.passive = true;
    let mut cfg = speaker_cfg(65060, "10.0.0.1", vec![p], &[]);
    cfg.listen = vec!["127.0.0.1:179".parse().unwrap()];
    let s = Spk::start(&ns, cfg);
    s.wait("listening", T, |e| {
        matches!(e, SpeakerEvent::Listening { .. })
    });

    let result = ns.run_in(|| -> Result<(), String> {
        let mut tcp = TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], 179)), T)
            .map_err(|e| e.to_string())?;
        tcp.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let now = Instant::now();
        let mut sess = Session::new(
            Config::new(65061, "10.0.0.2".parse().unwrap(), PeerAs::Asn(65060)),
            now,
        );
        sess.handle_event(now, Event::Start);
        sess.handle_event(now, Event::TcpConnected);
        let deadline = Instant::now() + T;
        let mut buf = [0u8; 4096];
        let mut step = 0;
        let announce = |sess: &mut Session, origin: u8| {
            use bgp_proto::wire::as_path::AsPath;
            use bgp_proto::wire::attribute::{Origin, PathAttribute};
            use bgp_proto::wire::nlri::Ipv4Prefix;
            let u = bgp_proto::Update {
                withdrawn: vec![],
                attributes: vec![
                    PathAttribute::Origin(Origin::Igp),
                    PathAttribute::AsPath(AsPath::from_sequence([65061])),
                    PathAttribute::NextHop("127.0.0.1".parse().unwrap()),
                ],
                nlri: vec![Ipv4Prefix::new("10.61.0.0/24".parse().unwrap())],
            };
            let mut bytes = u.to_bytes(sess.context()).unwrap();
            // ORIGIN is the first attribute: marker(16) len(2) type(1) wlen(2) alen(2) flags type len value
            assert_eq!(&bytes[23..26], &[0x40, 1, 1]);
            bytes[26] = origin;
            sess.send_raw(Instant::now(), &bytes).unwrap();
        };
        while Instant::now() < deadline {
            if let Some(out) = sess.poll_transmit() {
                tcp.write_all(&out).map_err(|e| e.to_string())?;
            }
            match tcp.read(&mut buf) {
                Ok(0) => return Err("speaker closed the connection".into()),
                Ok(n) => sess.handle_bytes(Instant::now(), &buf[..n]),
                Err(_) => {}
            }
            sess.handle_timeout(Instant::now());
            while let Some(e) = sess.poll_event() {
                if let SessionEvent::NotificationReceived(n) = e {
                    return Err(format!("speaker sent NOTIFICATION {n}"));
                }
            }
            if sess.state() != State::Established {
                continue;
            }
            step += 1;
            match step {
                1 => announce(&mut sess, 0),
                10 => announce(&mut sess, 5),
                20 => announce(&mut sess, 0),
                40 => return Ok(()),
                _ => {}
            }
        }
        Err(format!("test peer stuck in {:?}", sess.state()))
    });
    result.unwrap();
    s.wait("treat-as-withdraw", T, |e| {
        matches!(e, SpeakerEvent::TreatAsWithdraw { prefixes, .. } if prefixes == &["10.61.0.0/24"])
    });
    let again = wait_for(T, || {
        let n = s
            .count(|e| matches!(e, SpeakerEvent::Route { prefix, .. } if prefix == "10.61.0.0/24"));
        (n == 2).then_some(())
    });
    assert!(
        again.is_some(),
        "announced, withdrawn by the bad UPDATE, announced again: {:#?}",
        s.events.lock().unwrap_or_else(|p| p.into_inner())
    );
    assert_eq!(
        s.count(|e| matches!(e, SpeakerEvent::NotificationSent { .. })),
        0
    );
    // The only way down is the test peer closing its socket at the end.
    assert_eq!(
        s.count(|e| matches!(e, SpeakerEvent::Down { reason, .. } if reason != "connection lost")),
        0,
        "session stayed up"
    );
}

/// TCP-MD5 (RFC 2385) and GTSM (RFC 5082) towards FRR (`password`, `ttl-security hops 1`).
#[test]
fn frr_tcp_md5_and_gtsm() {
    let Some(lab) = Lab::new("bgp_frr_md5_gtsm", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let extra =
        " neighbor 172.30.0.2 password s3cret-key\n neighbor 172.30.0.2 ttl-security hops 1\n";
    let conf = frr_conf(65070, "172.30.0.2", 65071, extra, &["10.70.0.0/24"]);
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let mut p = peer("172.30.0.1", 65070);
    p.security.password = Some("s3cret-key".into());
    p.security.ttl_security = true;
    let s = Spk::start(
        &spk,
        speaker_cfg(65071, "10.0.0.2", vec![p], &["10.71.0.0/24"]),
    );
    s.wait("Established", T, established);
    frr.wait_bgp_established("172.30.0.2", T);
    s.wait_route("10.70.0.0/24", T);
    frr.wait_bgp_route("10.71.0.0/24", T);
    assert_eq!(frr_notifications(&frr, "172.30.0.2"), (0, 0));
}

/// A wrong TCP-MD5 key never gets a session up (the SYNs are dropped by the kernel).
#[test]
fn frr_tcp_md5_wrong_key_stays_down() {
    let Some(lab) = Lab::new("bgp_frr_md5_bad", &[Need::Frr]) else {
        return;
    };
    let (rtr, spk) = two_nodes(&lab);
    let extra = " neighbor 172.30.0.2 password right-key\n";
    let conf = frr_conf(65080, "172.30.0.2", 65081, extra, &[]);
    let frr = FrrRouter::start(&rtr, &[FrrDaemon::Zebra, FrrDaemon::Bgpd], &conf);
    let mut p = peer("172.30.0.1", 65080);
    p.security.password = Some("wrong-key".into());
    let s = Spk::start(&spk, speaker_cfg(65081, "10.0.0.2", vec![p], &[]));
    // The speaker retries every second (its ConnectRetry restarts the attempt); with the wrong
    // key none of them may succeed. A negative check needs a bounded wait: six retries.
    let up = wait_for(Duration::from_secs(6), || {
        (s.count(established) > 0).then_some(())
    });
    assert!(
        up.is_none(),
        "{:#?}",
        s.events.lock().unwrap_or_else(|p| p.into_inner())
    );
    assert_ne!(
        frr.bgp_neighbor_state("172.30.0.2").as_deref(),
        Some("Established")
    );
}
