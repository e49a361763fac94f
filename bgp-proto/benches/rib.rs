//! RIB throughput: applying full-table-style IPv4 UPDATEs (500 /24s per UPDATE, one attribute
//! set each) to a Loc-RIB, and the whole receive path (session framing + decode + RIB).

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use bgp_proto::rib::{AcceptAll, PeerInfo, Rib, RibConfig};
use bgp_proto::session::{Config, Event, PeerAs, Session, SessionEvent};
use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::{Origin, PathAttribute};
use bgp_proto::wire::nlri::Ipv4Prefix;
use bgp_proto::{SessionContext, Update};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ipnet::Ipv4Net;

const PREFIXES: u32 = 100_000;
const PER_UPDATE: u32 = 500;

fn updates() -> Vec<Update> {
    (0..PREFIXES / PER_UPDATE)
        .map(|u| Update {
            withdrawn: vec![],
            attributes: vec![
                PathAttribute::Origin(Origin::Igp),
                PathAttribute::AsPath(AsPath::from_sequence([65001, 3356, 1299, 64496 + u % 7])),
                PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
                PathAttribute::MultiExitDisc(u % 3),
            ],
            nlri: (0..PER_UPDATE)
                .map(|i| {
                    let n = u * PER_UPDATE + i;
                    let a = Ipv4Addr::from((1u32 << 24) + (n << 8));
                    Ipv4Prefix::new(Ipv4Net::new(a, 24).unwrap())
                })
                .collect(),
        })
        .collect()
}

fn rib() -> (Rib, bgp_proto::rib::PeerId) {
    let mut r = Rib::new(RibConfig::new(65000, Ipv4Addr::new(10, 0, 0, 1)));
    let p = r.add_peer(PeerInfo::new(
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        Ipv4Addr::new(10, 0, 0, 2),
        65001,
        65000,
    ));
    (r, p)
}

fn bench(c: &mut Criterion) {
    let ups = updates();
    let mut g = c.benchmark_group("rib");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PREFIXES as u64));
    g.bench_function("apply_100k_ipv4", |b| {
        b.iter(|| {
            let (mut r, p) = rib();
            for u in &ups {
                r.apply_update(p, u, false, &AcceptAll);
            }
            black_box(r.len())
        })
    });

    // Wire bytes as a peer would send them.
    let ctx = SessionContext::four_octet();
    let mut wire = Vec::new();
    for u in &ups {
        u.encode(&ctx, &mut wire);
    }
    g.bench_function("session_decode_apply_100k_ipv4", |b| {
        b.iter(|| {
            let now = Instant::now();
            let mut s = Session::new(
                Config::new(65000, Ipv4Addr::new(10, 0, 0, 1), PeerAs::Any),
                now,
            );
            s.handle_event(now, Event::Start);
            s.handle_event(now, Event::TcpConnected);
            let mut open = Vec::new();
            let mut peer = Config::new(65001, Ipv4Addr::new(10, 0, 0, 2), PeerAs::Any).open();
            peer.hold_time = 0;
            peer.encode(&mut open);
            s.handle_bytes(now, &open);
            s.handle_bytes(now, &bgp_proto::wire::keepalive::KEEPALIVE);
            let (mut r, p) = rib();
            for chunk in wire.chunks(65536) {
                s.handle_bytes(now, chunk);
                while let Some(e) = s.poll_event() {
                    if let SessionEvent::Update(u) = e {
                        r.apply_update(p, &u.update, u.treat_as_withdraw(), &AcceptAll);
                    }
                }
            }
            assert_eq!(r.len(), PREFIXES as usize);
            black_box(r.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
