//! Replays the seed corpora of the `bgp_*` fuzz targets through the same entry points
//! (`bgp_proto::fuzzing`), asserting their invariants.
//!
//! `BGP_WRITE_SEEDS=1 cargo test -p bgp-proto --test fuzz_corpus -- --ignored` regenerates the
//! seeds: messages cut from the shared corpus plus hand-built edge cases.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use bgp_proto::fuzzing;
use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::{
    Aggregator, Aigp, MpReach, NextHop, Origin, PathAttribute, PmsiTunnel, UnknownAttribute,
};
use bgp_proto::wire::capability::{
    AddPathFamily, AddPathMode, GracefulRestart, GracefulRestartFamily, LlgrFamily, Role,
};
use bgp_proto::wire::community::{
    Administrator, Community, ExtendedCommunity, Ipv6ExtendedCommunity, LargeCommunity,
};
use bgp_proto::wire::nlri::{
    Esi, EvpnNlri, EvpnRoute, Ipv4Prefix, Ipv6Prefix, Label, LabeledPrefix, Nlri,
    RouteDistinguisher, VpnPrefix,
};
use bgp_proto::wire::route_refresh::RouteRefreshSubtype;
use bgp_proto::{
    Afi, AfiSafi, Capability, Message, Notification, Open, RouteRefresh, Safi, SessionContext,
    Update,
};

fn dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

fn files(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir(target))
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    v.sort();
    assert!(v.len() >= 10, "{target}: corpus has only {} files", v.len());
    v
}

#[test]
fn replay_bgp_decode_message() {
    let mut decoded = 0;
    for (p, b) in files("bgp_decode_message") {
        fuzzing::decode_message(&b);
        let ctx = fuzzing::context_from_byte(b[0]);
        decoded += Message::decode(&b[1..], &ctx).is_ok() as usize;
        let _ = p;
    }
    assert!(decoded >= 10, "most seeds are valid messages");
}

#[test]
fn replay_bgp_decode_update() {
    for (p, b) in files("bgp_decode_update") {
        fuzzing::decode_update(&b).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

#[test]
fn replay_bgp_roundtrip() {
    for (p, b) in files("bgp_roundtrip") {
        fuzzing::roundtrip(&b).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

/// Truncations and bit flips of every seed: no panic, invariants hold.
#[test]
fn mutated_seeds_keep_invariants() {
    for (p, b) in files("bgp_roundtrip") {
        for cut in 1..b.len().min(80) {
            fuzzing::decode_message(&b[..cut]);
            fuzzing::roundtrip(&b[..cut])
                .unwrap_or_else(|e| panic!("{} cut {cut}: {e}", p.display()));
        }
        for i in 1..b.len().min(120) {
            for bit in [0x01u8, 0x10, 0x80] {
                let mut m = b.clone();
                m[i] ^= bit;
                fuzzing::decode_message(&m);
                fuzzing::roundtrip(&m)
                    .unwrap_or_else(|e| panic!("{} flip {i}/{bit:#x}: {e}", p.display()));
                if m.len() > 20 {
                    fuzzing::decode_update(
                        &m[..1].iter().chain(&m[20..]).copied().collect::<Vec<_>>(),
                    )
                    .unwrap_or_else(|e| panic!("{} flip {i}: {e}", p.display()));
                }
            }
        }
    }
}

// ---- seed generation --------------------------------------------------------------------

fn raw_messages(path: &Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(path).unwrap();
    let mut v = Vec::new();
    let mut at = 0;
    while at + 19 <= data.len() {
        let len = u16::from_be_bytes([data[at + 16], data[at + 17]]) as usize;
        v.push(data[at..at + len].to_vec());
        at += len;
    }
    v
}

fn ip<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

fn synthetic() -> Vec<(u8, Message)> {
    let rd = RouteDistinguisher::As2 {
        asn: 65000,
        number: 100,
    };
    let esi = Esi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let base = vec![
        PathAttribute::Origin(Origin::Igp),
        PathAttribute::AsPath(AsPath::from_sequence([65001, 4_200_000_000])),
    ];
    let mp = |family, next_hop, nlri| {
        let mut a = vec![PathAttribute::MpReach(MpReach {
            family,
            next_hop,
            nlri,
        })];
        a.extend(base.clone());
        Message::Update(Update {
            attributes: a,
            ..Default::default()
        })
    };
    let mut every = base.clone();
    every.extend([
        PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
        PathAttribute::MultiExitDisc(5),
        PathAttribute::LocalPref(200),
        PathAttribute::AtomicAggregate,
        PathAttribute::Aggregator(Aggregator {
            asn: 65001,
            address: Ipv4Addr::new(10, 0, 0, 1),
        }),
        PathAttribute::Communities(
            [Community::new(65000, 1), Community::NO_EXPORT]
                .into_iter()
                .collect(),
        ),
        PathAttribute::OriginatorId(Ipv4Addr::new(10, 0, 0, 2)),
        PathAttribute::ClusterList(vec![Ipv4Addr::new(10, 0, 0, 3)]),
        PathAttribute::ExtendedCommunities(vec![
            ExtendedCommunity::RouteTarget(Administrator::As2 {
                asn: 65000,
                number: 100,
            }),
            ExtendedCommunity::Encapsulation(8),
            ExtendedCommunity::RouterMac([2, 0, 0, 0, 0, 1]),
        ]),
        PathAttribute::As4Path(AsPath::from_sequence([4_200_000_000])),
        PathAttribute::As4Aggregator(Aggregator {
            asn: 4_200_000_000,
            address: Ipv4Addr::new(10, 0, 0, 1),
        }),
        PathAttribute::PmsiTunnel(PmsiTunnel {
            flags: 0,
            tunnel_type: 6,
            label: 10010,
            tunnel_id: vec![10, 0, 0, 1],
        }),
        PathAttribute::Ipv6ExtendedCommunities(vec![Ipv6ExtendedCommunity {
            type_high: 0,
            subtype: 2,
            addr: "2001:db8::1".parse().unwrap(),
            number: 7,
        }]),
        PathAttribute::Aigp(Aigp {
            metric: 1000,
            other_tlvs: vec![],
        }),
        PathAttribute::LargeCommunities(vec![LargeCommunity {
            global_admin: 65000,
            local_data1: 1,
            local_data2: 2,
        }]),
        PathAttribute::Otc(65000),
        PathAttribute::Unknown(UnknownAttribute {
            flags: 0xc0,
            type_code: 99,
            value: vec![1, 2, 3],
        }),
    ]);
    let v4 = |s: &str, id| Ipv4Prefix {
        path_id: id,
        prefix: s.parse().unwrap(),
    };
    let v6 = |s: &str| Ipv6Prefix::new(s.parse().unwrap());
    let fam = AfiSafi::IPV6_UNICAST;
    vec![
        (
            1,
            Message::Update(Update {
                attributes: every.clone(),
                nlri: vec![v4("10.0.0.0/8", None)],
                ..Default::default()
            }),
        ),
        (
            0,
            Message::Update(Update {
                attributes: every,
                nlri: vec![v4("10.1.0.0/16", None)],
                ..Default::default()
            }),
        ),
        (
            5,
            Message::Update(Update {
                withdrawn: vec![v4("10.9.0.0/16", Some(2))],
                attributes: vec![
                    PathAttribute::Origin(Origin::Igp),
                    PathAttribute::AsPath(AsPath::default()),
                    PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
                ],
                nlri: vec![v4("10.0.0.0/24", Some(1)), v4("0.0.0.0/0", Some(7))],
            }),
        ),
        (
            1,
            mp(
                fam,
                NextHop::Ipv6LinkLocal(ip("2001:db8::1"), ip("fe80::1")),
                Nlri::Ipv6(vec![v6("2001:db8::/32"), v6("::/0")]),
            ),
        ),
        (
            1,
            mp(
                AfiSafi::IPV4_UNICAST,
                NextHop::Ipv6(ip("2001:db8::1")),
                Nlri::Ipv4(vec![v4("10.0.0.0/8", None)]),
            ),
        ),
        (
            1,
            mp(
                AfiSafi::new(Afi::IPV4, Safi::LABELED_UNICAST),
                NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
                Nlri::Labeled(vec![LabeledPrefix {
                    path_id: None,
                    label: Label::new(16),
                    prefix: ip("10.0.0.1/32"),
                }]),
            ),
        ),
        (
            9,
            mp(
                AfiSafi::new(Afi::IPV4, Safi::MPLS_VPN),
                NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
                Nlri::Vpn(vec![VpnPrefix {
                    path_id: Some(1),
                    label: Label::new(100),
                    rd,
                    prefix: ip("10.1.2.0/24"),
                }]),
            ),
        ),
        (
            1,
            mp(
                AfiSafi::new(Afi::IPV6, Safi::MPLS_VPN),
                NextHop::Ipv6(ip("2001:db8::1")),
                Nlri::Vpn(vec![VpnPrefix {
                    path_id: None,
                    label: Label::new(100),
                    rd: RouteDistinguisher::Ipv4 {
                        addr: Ipv4Addr::new(1, 2, 3, 4),
                        number: 5,
                    },
                    prefix: ip("2001:db8:1::/48"),
                }]),
            ),
        ),
        (
            1,
            mp(
                AfiSafi::L2VPN_EVPN,
                NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 1)),
                Nlri::Evpn(vec![
                    EvpnNlri {
                        path_id: None,
                        route: EvpnRoute::EthernetAutoDiscovery {
                            rd,
                            esi,
                            ethernet_tag: 0,
                            label: Label(0),
                        },
                    },
                    EvpnNlri {
                        path_id: None,
                        route: EvpnRoute::MacIpAdvertisement {
                            rd,
                            esi,
                            ethernet_tag: 0,
                            mac: [2, 0, 0, 0, 0, 1],
                            ip: Some(ip("10.0.0.1")),
                            label1: Label(10010),
                            label2: Some(Label(4000)),
                        },
                    },
                    EvpnNlri {
                        path_id: None,
                        route: EvpnRoute::InclusiveMulticast {
                            rd,
                            ethernet_tag: 0,
                            originator: ip("192.0.2.1"),
                        },
                    },
                    EvpnNlri {
                        path_id: None,
                        route: EvpnRoute::EthernetSegment {
                            rd,
                            esi,
                            originator: ip("192.0.2.1"),
                        },
                    },
                    EvpnNlri {
                        path_id: None,
                        route: EvpnRoute::IpPrefix {
                            rd,
                            esi,
                            ethernet_tag: 0,
                            prefix: ip("10.1.0.0/16"),
                            gateway: ip("0.0.0.0"),
                            label: Label(4000),
                        },
                    },
                ]),
            ),
        ),
        (
            1,
            Message::Update(Update::end_of_rib_marker(AfiSafi::IPV4_UNICAST)),
        ),
        (
            1,
            Message::Update(Update::end_of_rib_marker(AfiSafi::L2VPN_EVPN)),
        ),
        (
            1,
            Message::Open(Open::new(
                4_200_000_000,
                90,
                Ipv4Addr::new(192, 0, 2, 1),
                vec![
                    Capability::Multiprotocol(fam),
                    Capability::RouteRefresh,
                    Capability::ExtendedNextHop(vec![
                        bgp_proto::wire::capability::ExtendedNextHop {
                            afi: Afi::IPV4,
                            safi: 1,
                            next_hop_afi: Afi::IPV6,
                        },
                    ]),
                    Capability::ExtendedMessage,
                    Capability::Role(Role::Customer),
                    Capability::GracefulRestart(GracefulRestart {
                        restart_flags: 0xc,
                        restart_time: 120,
                        families: vec![GracefulRestartFamily {
                            family: fam,
                            flags: 0x80,
                        }],
                    }),
                    Capability::FourOctetAs(4_200_000_000),
                    Capability::AddPath(vec![AddPathFamily {
                        family: fam,
                        mode: AddPathMode::Both,
                    }]),
                    Capability::EnhancedRouteRefresh,
                    Capability::LongLivedGracefulRestart(vec![LlgrFamily {
                        family: fam,
                        flags: 0,
                        stale_time: 3600,
                    }]),
                    Capability::Fqdn {
                        hostname: "node-1".into(),
                        domain: "".into(),
                    },
                    Capability::SoftwareVersion("FRRouting/8.4".into()),
                    Capability::Unknown {
                        code: 128,
                        value: vec![],
                    },
                ],
            )),
        ),
        (
            0,
            Message::Open(Open::new(
                65001,
                180,
                Ipv4Addr::new(192, 0, 2, 2),
                (0..90u16)
                    .map(|i| Capability::Multiprotocol(AfiSafi::new(Afi(i), Safi::UNICAST)))
                    .collect(),
            )),
        ),
        (
            0,
            Message::Notification(Notification::administrative_shutdown("maintenance window")),
        ),
        (
            0,
            Message::Notification(Notification::hard_reset(&Notification::new(6, 4, vec![]))),
        ),
        (
            0,
            Message::Notification(Notification::new(3, 11, vec![0x40, 2, 0])),
        ),
        (0, Message::Keepalive),
        (
            0,
            Message::RouteRefresh(RouteRefresh {
                family: fam,
                subtype: RouteRefreshSubtype::BeginningOfRefresh,
                orf: vec![],
            }),
        ),
        (
            0,
            Message::RouteRefresh(RouteRefresh::request(AfiSafi::IPV4_UNICAST)),
        ),
    ]
}

/// Malformed or unusual byte strings (ctx byte first).
fn edge_cases() -> Vec<Vec<u8>> {
    let hdr = |len: u16, t: u8| {
        let mut m = vec![0xff; 16];
        m.extend_from_slice(&len.to_be_bytes());
        m.push(t);
        m
    };
    let upd = |attrs: &[u8], nlri: &[u8]| {
        let mut m = hdr((23 + attrs.len() + nlri.len()) as u16, 2);
        m.extend_from_slice(&[0, 0]);
        m.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        m.extend_from_slice(attrs);
        m.extend_from_slice(nlri);
        m
    };
    let mut v = vec![
        hdr(19, 4),
        hdr(18, 4),
        hdr(19, 9),
        hdr(4097, 2),
        upd(&[0x40, 1, 1, 0, 0x40, 1, 1, 0], &[]),
        upd(&[0x80, 14, 2, 0, 2], &[]),
        upd(&[0x40, 2, 4, 5, 1, 0, 1], &[24, 10, 0, 0]),
        upd(
            &[0x40, 1, 1, 0, 0x90, 4, 0, 4, 0, 0, 0, 1],
            &[33, 1, 2, 3, 4, 5],
        ),
        upd(&[0x40, 99, 0], &[]),
        upd(&[0x80, 4, 200, 0], &[8, 10]),
    ];
    let mut big = hdr(0, 2);
    big.extend_from_slice(&[0, 0, 0, 0]);
    for i in 0..2000u32 {
        big.extend_from_slice(&[24, 10, (i >> 8) as u8, i as u8]);
    }
    let len = big.len() as u16;
    big[16..18].copy_from_slice(&len.to_be_bytes());
    v.push(big);
    v.into_iter().map(|m| [&[3u8][..], &m].concat()).collect()
}

#[test]
#[ignore = "writes the fuzz seed corpora; run with BGP_WRITE_SEEDS=1"]
fn write_seeds() {
    if std::env::var_os("BGP_WRITE_SEEDS").is_none() {
        return;
    }
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/mrt");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    let as4 = raw_messages(&corpus.join("rrc15-1610-as4.bgp"));
    for (i, m) in as4.iter().enumerate() {
        if i % 60 == 0 || m[18] == 3 {
            seeds.push([&[1u8][..], m].concat());
        }
    }
    for m in raw_messages(&corpus.join("rrc15-1610-as2.bgp"))
        .iter()
        .take(6)
    {
        seeds.push([&[0u8][..], m].concat());
    }
    for (b, m) in synthetic() {
        let ctx = fuzzing::context_from_byte(b);
        seeds.push([&[b][..], &m.to_bytes(&ctx.mirrored()).unwrap()].concat());
    }
    seeds.extend(edge_cases());
    for target in ["bgp_decode_message", "bgp_roundtrip"] {
        let d = dir(target);
        std::fs::create_dir_all(&d).unwrap();
        for (i, s) in seeds.iter().enumerate() {
            assert!(s.len() < 64 * 1024);
            std::fs::write(d.join(format!("seed-{i:03}")), s).unwrap();
        }
    }
    let d = dir("bgp_decode_update");
    std::fs::create_dir_all(&d).unwrap();
    let mut i = 0;
    for s in &seeds {
        if s.len() >= 20 && s[19] == 2 {
            std::fs::write(d.join(format!("seed-{i:03}")), [&s[..1], &s[20..]].concat()).unwrap();
            i += 1;
        }
    }
}

#[test]
fn synthetic_seeds_round_trip_cleanly() {
    for (b, m) in synthetic() {
        let ctx: SessionContext = fuzzing::context_from_byte(b);
        let bytes = m.to_bytes(&ctx.mirrored()).unwrap();
        let d = Message::decode(&bytes, &ctx).unwrap_or_else(|e| panic!("{m}: {e}"));
        assert!(d.errors.is_empty(), "{m}: {:?}", d.errors);
        if ctx.four_octet_as {
            assert_eq!(d.message, m);
        }
        // 2-octet sessions turn large ASNs into AS_TRANS; the bytes still round-trip.
        assert_eq!(d.message.to_bytes(&ctx.mirrored()).unwrap(), bytes);
    }
}

mod random_bytes {
    use proptest::collection::vec;
    use proptest::prelude::*;

    /// A valid header of `t` followed by random bytes: exercises every body decoder.
    fn framed() -> impl Strategy<Value = Vec<u8>> {
        (any::<u8>(), 1u8..=5, vec(any::<u8>(), 0..600)).prop_map(|(ctx, t, body)| {
            let mut m = vec![ctx];
            m.extend_from_slice(&[0xff; 16]);
            m.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
            m.push(t);
            m.extend_from_slice(&body);
            m
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn hostile_bytes_never_panic_and_round_trip(m in framed()) {
            bgp_proto::fuzzing::decode_message(&m);
            prop_assert!(bgp_proto::fuzzing::roundtrip(&m).is_ok(), "{:?}", bgp_proto::fuzzing::roundtrip(&m));
            let mut body = vec![m[0]];
            body.extend_from_slice(&m[20..]);
            prop_assert!(bgp_proto::fuzzing::decode_update(&body).is_ok());
        }

        #[test]
        fn structured_update_bodies_never_panic(ctx in any::<u8>(), attrs in vec((any::<u8>(), 0u8..40, vec(any::<u8>(), 0..40)), 0..8), nlri in vec(any::<u8>(), 0..40)) {
            // Plausible attribute framing with random contents reaches the attribute decoders.
            let mut a = Vec::new();
            for (flags, t, v) in &attrs {
                a.push(flags & !0x10);
                a.push(*t);
                a.push(v.len() as u8);
                a.extend_from_slice(v);
            }
            let mut body = vec![ctx, 0, 0];
            body.extend_from_slice(&(a.len() as u16).to_be_bytes());
            body.extend_from_slice(&a);
            body.extend_from_slice(&nlri);
            prop_assert!(bgp_proto::fuzzing::decode_update(&body).is_ok());
            let mut msg = vec![ctx];
            msg.extend_from_slice(&[0xff; 16]);
            msg.extend_from_slice(&((19 + body.len() - 1) as u16).to_be_bytes());
            msg.push(2);
            msg.extend_from_slice(&body[1..]);
            prop_assert!(bgp_proto::fuzzing::roundtrip(&msg).is_ok(), "{:?}", bgp_proto::fuzzing::roundtrip(&msg));
        }
    }
}
