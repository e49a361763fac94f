//! A driver that plays arbitrary bytes as a script of transport events, peer bytes and timer
//! expiries against a [`Session`] (and a [`Rib`](crate::rib::Rib) fed by its UPDATEs), checking
//! invariants after every step. Shared by the `bgp_session` fuzz target and its corpus replay.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use crate::rib::{AcceptAll, PeerInfo, Rib, RibConfig};
use crate::session::{Config, Event, GracefulRestartConfig, PeerAs, Session, SessionEvent, State};
use crate::wire::capability::{AddPathFamily, AddPathMode, Capability};
use crate::wire::family::AfiSafi;
use crate::wire::keepalive::KEEPALIVE;
use crate::wire::message::Message;
use crate::wire::open::Open;

/// What a run did (for corpus tests that want to see coverage).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Steps executed.
    pub steps: usize,
    /// Times the session reached Established.
    pub established: u64,
    /// Bytes the session transmitted.
    pub transmitted: usize,
    /// Routes in the RIB at the end.
    pub routes: usize,
}

/// Runs the script `data`. Panics if an invariant breaks: transmitted bytes must frame into
/// valid messages, timers must never lie in the past after `handle_timeout`, Established must
/// come with negotiated parameters.
pub fn run(data: &[u8]) -> Outcome {
    let Some((&cfg_byte, mut rest)) = data.split_first() else {
        return Outcome::default();
    };
    let start = Instant::now();
    let mut now = start;
    let mut config = Config::new(65001, Ipv4Addr::new(10, 0, 0, 1), PeerAs::Any);
    config.passive = cfg_byte & 1 != 0;
    config.hold_time = [0, 3, 9, 90][(cfg_byte >> 1 & 3) as usize];
    if cfg_byte & 8 != 0 {
        config.graceful_restart = Some(GracefulRestartConfig {
            restart_time: 120,
            notification: true,
            forwarding_preserved: true,
        });
    }
    if cfg_byte & 16 != 0 {
        config.families.push(AfiSafi::IPV6_UNICAST);
        config.add_path = vec![AddPathFamily {
            family: AfiSafi::IPV4_UNICAST,
            mode: AddPathMode::Both,
        }];
    }
    config.extended_message = cfg_byte & 32 != 0;
    config.seed = u64::from(cfg_byte);
    let mut s = Session::new(config.clone(), now);
    let mut rib = Rib::new(RibConfig::new(65001, Ipv4Addr::new(10, 0, 0, 1)));
    let peer = rib.add_peer(PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        Ipv4Addr::new(10, 0, 0, 2),
        65002,
        65001,
    ));
    let mut peer_open = Open::new(65002, 90, Ipv4Addr::new(10, 0, 0, 2), Vec::new());
    peer_open.capabilities = config.open().capabilities;
    peer_open
        .capabilities
        .retain(|c| !matches!(c, Capability::FourOctetAs(_)));
    peer_open.capabilities.push(Capability::FourOctetAs(65002));
    let mut open_bytes = Vec::new();
    peer_open.encode(&mut open_bytes);

    let mut out = Outcome::default();
    while let Some((&op, tail)) = rest.split_first() {
        rest = tail;
        out.steps += 1;
        match op {
            0 => s.handle_event(now, Event::Start),
            1 => s.handle_event(
                now,
                Event::Stop {
                    shutdown_message: Some("fuzz".into()),
                },
            ),
            2 => s.handle_event(now, Event::TcpConnected),
            3 => s.handle_event(now, Event::TcpFailed),
            4 => s.handle_event(now, Event::TcpClosed),
            5 => {
                let secs = rest.first().copied().unwrap_or(1);
                rest = rest.get(1..).unwrap_or(&[]);
                now += Duration::from_millis(u64::from(secs) * 250);
                s.handle_timeout(now);
                if let Some(t) = s.poll_timeout() {
                    assert!(t > now, "a due timer did not fire");
                }
            }
            6 => {
                let n = rest.first().copied().unwrap_or(0) as usize;
                let chunk = rest.get(1..1 + n).unwrap_or(rest.get(1..).unwrap_or(&[]));
                s.handle_bytes(now, chunk);
                rest = rest.get(1 + chunk.len()..).unwrap_or(&[]);
            }
            7 => s.handle_bytes(now, &open_bytes),
            8 => s.handle_bytes(now, &KEEPALIVE),
            9 => {
                let _ = s.send_end_of_rib(now, AfiSafi::IPV4_UNICAST);
            }
            10 => {
                let _ = s.request_route_refresh(now, AfiSafi::IPV6_UNICAST);
            }
            11 => s.close_for_collision(now),
            // Anything else is peer bytes, one at a time (framing across reads).
            b => s.handle_bytes(now, &[b]),
        }
        if let Some(tx) = s.poll_transmit() {
            out.transmitted += tx.len();
            check_frames(&tx);
        }
        if s.state() == State::Established {
            assert!(s.negotiated().is_some(), "Established without negotiation");
        }
        while let Some(e) = s.poll_event() {
            match e {
                SessionEvent::Established(_) => out.established += 1,
                SessionEvent::Update(u) => {
                    rib.apply_update(peer, &u.update, u.treat_as_withdraw(), &AcceptAll);
                }
                SessionEvent::Down { retain: None, .. } => {
                    rib.peer_down(peer);
                }
                SessionEvent::Down {
                    retain: Some(r), ..
                } => {
                    rib.mark_stale(peer, &r.families);
                }
                SessionEvent::EndOfRib(f) => {
                    rib.sweep_stale(peer, f);
                }
                _ => {}
            }
        }
        rib.take_changes();
    }
    assert_eq!(rib.adj_rib_in_len(peer), rib.adj_rib_in(peer).count());
    out.routes = rib.len();
    out
}

/// Everything a session sends is a sequence of well-formed messages.
fn check_frames(tx: &[u8]) {
    let mut off = 0;
    while off < tx.len() {
        let len = u16::from_be_bytes([tx[off + 16], tx[off + 17]]) as usize;
        assert!(len >= 19 && off + len <= tx.len(), "bad frame at {off}");
        assert_eq!(&tx[off..off + 16], &[0xff; 16]);
        // Our own messages decode with a permissive context (extended messages allowed).
        let ctx = crate::wire::context::SessionContext {
            extended_message: true,
            four_octet_as: true,
            ..Default::default()
        };
        if tx[off + 18] != 2 {
            Message::decode(&tx[off..off + len], &ctx).expect("own message decodes");
        }
        off += len;
    }
}
