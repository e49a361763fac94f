//! Our encoder's output judged by an independent decoder: a generated set of messages covering
//! every message type, capability, path attribute and address family is written into pcaps
//! (Ethernet/IPv4/TCP with correct lengths and checksums) and decoded by tshark, which must
//! report no malformed packet and no error expert item, and count the same messages. bgp-decode
//! must read the same pcaps back to the very same messages, using the context the OPENs in the
//! capture negotiate (4-octet AS, ADD-PATH, extended messages).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::process::Command;

use bgp_proto::wire::as_path::{AsPath, AsPathSegment, SegmentType};
use bgp_proto::wire::attribute::{
    Aggregator, Aigp, MpReach, MpUnreach, NextHop, Origin, PathAttribute, PmsiTunnel,
    UnknownAttribute,
};
use bgp_proto::wire::capability::{
    AddPathFamily, AddPathMode, ExtendedNextHop, GracefulRestart, GracefulRestartFamily,
    LlgrFamily, Role,
};
use bgp_proto::wire::community::{
    Administrator, Community, ExtendedCommunity, Ipv6ExtendedCommunity, LargeCommunity,
};
use bgp_proto::wire::family::{Afi, AfiSafi, Safi};
use bgp_proto::wire::nlri::{
    Esi, EvpnNlri, EvpnRoute, Ipv4Prefix, Ipv6Prefix, Label, LabeledPrefix, Nlri,
    RouteDistinguisher, VpnPrefix,
};
use bgp_proto::wire::route_refresh::RouteRefreshSubtype;
use bgp_proto::{Capability, Message, Notification, Open, RouteRefresh, SessionContext, Update};
use examples::decode::synth::{Conversation, pcap};
use examples::decode::{Event, Options, decode_bytes};

const V4_LABELED: AfiSafi = AfiSafi::new(Afi::IPV4, Safi::LABELED_UNICAST);
const V6_LABELED: AfiSafi = AfiSafi::new(Afi::IPV6, Safi::LABELED_UNICAST);
const V4_VPN: AfiSafi = AfiSafi::new(Afi::IPV4, Safi::MPLS_VPN);
const V6_VPN: AfiSafi = AfiSafi::new(Afi::IPV6, Safi::MPLS_VPN);

fn v4(s: &str) -> Ipv4Prefix {
    Ipv4Prefix::new(s.parse().unwrap())
}

fn v6(s: &str) -> Ipv6Prefix {
    Ipv6Prefix::new(s.parse().unwrap())
}

fn with_id<T>(mut p: T, id: u32, set: impl Fn(&mut T, u32)) -> T {
    set(&mut p, id);
    p
}

/// An OPEN announcing every capability the codec models (plus an unknown one).
fn open_with_everything(asn: u32, id: Ipv4Addr, role: Role, four_octet: bool) -> Open {
    let families = [
        AfiSafi::IPV4_UNICAST,
        AfiSafi::IPV6_UNICAST,
        V4_LABELED,
        V6_LABELED,
        V4_VPN,
        V6_VPN,
        AfiSafi::L2VPN_EVPN,
    ];
    let mut caps: Vec<Capability> = families
        .iter()
        .map(|f| Capability::Multiprotocol(*f))
        .collect();
    caps.extend([
        Capability::RouteRefresh,
        Capability::EnhancedRouteRefresh,
        Capability::ExtendedNextHop(vec![ExtendedNextHop {
            afi: Afi::IPV4,
            safi: 1,
            next_hop_afi: Afi::IPV6,
        }]),
        Capability::ExtendedMessage,
        Capability::Role(role),
        Capability::GracefulRestart(GracefulRestart {
            restart_flags: 0x8,
            restart_time: 120,
            families: vec![
                GracefulRestartFamily {
                    family: AfiSafi::IPV4_UNICAST,
                    flags: 0x80,
                },
                GracefulRestartFamily {
                    family: AfiSafi::IPV6_UNICAST,
                    flags: 0,
                },
            ],
        }),
        Capability::AddPath(vec![
            AddPathFamily {
                family: AfiSafi::IPV4_UNICAST,
                mode: AddPathMode::Both,
            },
            AddPathFamily {
                family: AfiSafi::IPV6_UNICAST,
                mode: AddPathMode::Both,
            },
        ]),
        Capability::LongLivedGracefulRestart(vec![LlgrFamily {
            family: AfiSafi::IPV4_UNICAST,
            flags: 0x80,
            stale_time: 3600,
        }]),
        Capability::Fqdn {
            hostname: "node-1".into(),
            domain: "example.net".into(),
        },
        Capability::SoftwareVersion("ovn-bgp-suite 0.1".into()),
        Capability::Unknown {
            code: 250,
            value: vec![1, 2, 3],
        },
    ]);
    if four_octet {
        caps.push(Capability::FourOctetAs(asn));
    }
    Open::new(asn, 90, id, caps)
}

fn rd0() -> RouteDistinguisher {
    RouteDistinguisher::As2 {
        asn: 65000,
        number: 100,
    }
}

fn extended_communities() -> Vec<ExtendedCommunity> {
    vec![
        ExtendedCommunity::RouteTarget(Administrator::As2 {
            asn: 65000,
            number: 1,
        }),
        ExtendedCommunity::RouteTarget(Administrator::Ipv4 {
            addr: Ipv4Addr::new(192, 0, 2, 1),
            number: 7,
        }),
        ExtendedCommunity::RouteTarget(Administrator::As4 {
            asn: 4_200_000_001,
            number: 9,
        }),
        ExtendedCommunity::RouteOrigin(Administrator::As2 {
            asn: 65000,
            number: 2,
        }),
        ExtendedCommunity::Encapsulation(8),
        ExtendedCommunity::RouterMac([0x02, 0, 0, 0, 0, 1]),
        ExtendedCommunity::MacMobility {
            flags: 1,
            sequence: 5,
        },
        ExtendedCommunity::EsiLabel {
            flags: 1,
            label: 100,
        },
        ExtendedCommunity::EsImportRouteTarget([0x02, 0, 0, 0, 0, 2]),
    ]
}

/// The common attributes of a route (4-octet session).
fn base_attributes() -> Vec<PathAttribute> {
    vec![
        PathAttribute::Origin(Origin::Igp),
        PathAttribute::AsPath(AsPath {
            segments: [
                AsPathSegment {
                    segment_type: SegmentType::AsConfedSequence,
                    asns: [64600, 64601].into_iter().collect(),
                },
                AsPathSegment {
                    segment_type: SegmentType::AsConfedSet,
                    asns: [64602].into_iter().collect(),
                },
                AsPathSegment::sequence([65001, 4_200_000_001, 65003]),
                AsPathSegment::set([1, 2]),
            ]
            .into_iter()
            .collect(),
        }),
    ]
}

/// Every UPDATE of the 4-octet session; `ctx` is the sender's view.
fn updates() -> Vec<Update> {
    let mut all = Vec::new();
    // IPv4 unicast with every attribute, ADD-PATH ids.
    let mut attrs = base_attributes();
    attrs.extend([
        PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
        PathAttribute::MultiExitDisc(100),
        PathAttribute::LocalPref(200),
        PathAttribute::AtomicAggregate,
        PathAttribute::Aggregator(Aggregator {
            asn: 4_200_000_001,
            address: Ipv4Addr::new(192, 0, 2, 9),
        }),
        PathAttribute::Communities(
            [
                Community::new(65000, 1),
                Community::NO_EXPORT,
                Community::NO_ADVERTISE,
                Community::GRACEFUL_SHUTDOWN,
                Community::BLACKHOLE,
            ]
            .into_iter()
            .collect(),
        ),
        PathAttribute::OriginatorId(Ipv4Addr::new(10, 0, 0, 1)),
        PathAttribute::ClusterList(vec![Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 3)]),
        PathAttribute::ExtendedCommunities(extended_communities()),
        PathAttribute::Ipv6ExtendedCommunities(vec![Ipv6ExtendedCommunity {
            type_high: 0x00,
            subtype: 0x02,
            addr: "2001:db8::1".parse().unwrap(),
            number: 10,
        }]),
        PathAttribute::Aigp(Aigp {
            metric: 1000,
            other_tlvs: Vec::new(),
        }),
        PathAttribute::LargeCommunities(vec![
            LargeCommunity {
                global_admin: 4_200_000_001,
                local_data1: 1,
                local_data2: 2,
            },
            LargeCommunity {
                global_admin: 65000,
                local_data1: 0,
                local_data2: 7,
            },
        ]),
        PathAttribute::Otc(65001),
        PathAttribute::Unknown(UnknownAttribute {
            flags: 0xc0,
            type_code: 241,
            value: vec![0xde, 0xad],
        }),
    ]);
    let id4 = |p: Ipv4Prefix, id| with_id(p, id, |p, id| p.path_id = Some(id));
    all.push(Update {
        withdrawn: vec![id4(v4("198.51.100.0/24"), 3)],
        attributes: attrs,
        nlri: vec![
            id4(v4("203.0.113.0/24"), 1),
            id4(v4("203.0.113.0/24"), 2),
            id4(v4("10.0.0.0/8"), 1),
            id4(v4("0.0.0.0/0"), 1),
            id4(v4("192.0.2.1/32"), 1),
        ],
    });
    // IPv6 unicast with a link-local next hop, ADD-PATH; and withdrawals.
    let id6 = |p: Ipv6Prefix, id| with_id(p, id, |p, id| p.path_id = Some(id));
    let mut a = base_attributes();
    a.insert(
        0,
        PathAttribute::MpReach(MpReach {
            family: AfiSafi::IPV6_UNICAST,
            next_hop: NextHop::Ipv6LinkLocal(
                "2001:db8::1".parse().unwrap(),
                "fe80::1".parse().unwrap(),
            ),
            nlri: Nlri::Ipv6(vec![
                id6(v6("2001:db8:1::/48"), 1),
                id6(v6("2001:db8:2::/64"), 7),
            ]),
        }),
    );
    all.push(Update {
        attributes: a,
        ..Default::default()
    });
    all.push(Update {
        attributes: vec![PathAttribute::MpUnreach(MpUnreach {
            family: AfiSafi::IPV6_UNICAST,
            withdrawn: Nlri::Ipv6(vec![id6(v6("2001:db8:3::/48"), 2)]),
        })],
        ..Default::default()
    });
    // IPv4 unicast routes with an IPv6 next hop (RFC 8950).
    let mut a = base_attributes();
    a.push(PathAttribute::MpReach(MpReach {
        family: AfiSafi::IPV4_UNICAST,
        next_hop: NextHop::Ipv6("2001:db8::2".parse().unwrap()),
        nlri: Nlri::Ipv4(vec![id4(v4("100.64.0.0/16"), 4)]),
    }));
    all.push(Update {
        attributes: a,
        ..Default::default()
    });
    // Labeled unicast IPv4 and IPv6 (RFC 8277).
    for (family, nh, prefix) in [
        (
            V4_LABELED,
            NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 3)),
            "172.16.0.0/12",
        ),
        (
            V6_LABELED,
            NextHop::Ipv6("2001:db8::3".parse().unwrap()),
            "2001:db8:10::/48",
        ),
    ] {
        let mut a = base_attributes();
        a.push(PathAttribute::MpReach(MpReach {
            family,
            next_hop: nh,
            nlri: Nlri::Labeled(vec![LabeledPrefix {
                path_id: None,
                label: Label::new(16001),
                prefix: prefix.parse().unwrap(),
            }]),
        }));
        all.push(Update {
            attributes: a,
            ..Default::default()
        });
    }
    all.push(Update {
        attributes: vec![PathAttribute::MpUnreach(MpUnreach {
            family: V4_LABELED,
            withdrawn: Nlri::Labeled(vec![LabeledPrefix {
                path_id: None,
                label: Label(0x800000),
                prefix: "172.16.0.0/12".parse().unwrap(),
            }]),
        })],
        ..Default::default()
    });
    // VPN-IPv4 with the three route distinguisher types, and VPN-IPv6.
    let rds = [
        rd0(),
        RouteDistinguisher::Ipv4 {
            addr: Ipv4Addr::new(192, 0, 2, 1),
            number: 5,
        },
        RouteDistinguisher::As4 {
            asn: 4_200_000_001,
            number: 6,
        },
    ];
    let mut a = base_attributes();
    a.push(PathAttribute::ExtendedCommunities(vec![
        ExtendedCommunity::RouteTarget(Administrator::As2 {
            asn: 65000,
            number: 100,
        }),
    ]));
    a.push(PathAttribute::MpReach(MpReach {
        family: V4_VPN,
        next_hop: NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 4)),
        nlri: Nlri::Vpn(
            rds.iter()
                .enumerate()
                .map(|(i, rd)| VpnPrefix {
                    path_id: None,
                    label: Label::new(100 + i as u32),
                    rd: *rd,
                    prefix: format!("10.{i}.0.0/16").parse().unwrap(),
                })
                .collect(),
        ),
    }));
    all.push(Update {
        attributes: a,
        ..Default::default()
    });
    let mut a = base_attributes();
    a.push(PathAttribute::MpReach(MpReach {
        family: V6_VPN,
        next_hop: NextHop::Ipv6("2001:db8::4".parse().unwrap()),
        nlri: Nlri::Vpn(vec![VpnPrefix {
            path_id: None,
            label: Label::new(200),
            rd: rd0(),
            prefix: "2001:db8:20::/48".parse().unwrap(),
        }]),
    }));
    all.push(Update {
        attributes: a,
        ..Default::default()
    });
    all.push(Update {
        attributes: vec![PathAttribute::MpUnreach(MpUnreach {
            family: V4_VPN,
            withdrawn: Nlri::Vpn(vec![VpnPrefix {
                path_id: None,
                label: Label(0x800000),
                rd: rd0(),
                prefix: "10.0.0.0/16".parse().unwrap(),
            }]),
        })],
        ..Default::default()
    });
    // EVPN route types 1-5, with the PMSI tunnel of type 3.
    let esi = Esi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let mac = [0x02, 0x42, 0xac, 0x11, 0, 2];
    let vtep: IpAddr = Ipv4Addr::new(192, 0, 2, 10).into();
    let routes = vec![
        EvpnRoute::EthernetAutoDiscovery {
            rd: rd0(),
            esi,
            ethernet_tag: 0xffff_ffff,
            label: Label::new(0),
        },
        EvpnRoute::MacIpAdvertisement {
            rd: rd0(),
            esi: Esi::default(),
            ethernet_tag: 0,
            mac,
            ip: None,
            label1: Label::new(10100),
            label2: None,
        },
        EvpnRoute::MacIpAdvertisement {
            rd: rd0(),
            esi: Esi::default(),
            ethernet_tag: 0,
            mac,
            ip: Some(Ipv4Addr::new(10, 244, 0, 5).into()),
            label1: Label::new(10100),
            label2: Some(Label::new(10200)),
        },
        EvpnRoute::MacIpAdvertisement {
            rd: rd0(),
            esi: Esi::default(),
            ethernet_tag: 0,
            mac,
            ip: Some(IpAddr::V6("2001:db8::5".parse::<Ipv6Addr>().unwrap())),
            label1: Label::new(10100),
            label2: None,
        },
        EvpnRoute::InclusiveMulticast {
            rd: rd0(),
            ethernet_tag: 0,
            originator: vtep,
        },
        EvpnRoute::EthernetSegment {
            rd: rd0(),
            esi,
            originator: vtep,
        },
        EvpnRoute::IpPrefix {
            rd: rd0(),
            esi: Esi::default(),
            ethernet_tag: 0,
            prefix: "10.244.0.0/16".parse().unwrap(),
            gateway: Ipv4Addr::UNSPECIFIED.into(),
            label: Label::new(10300),
        },
        EvpnRoute::IpPrefix {
            rd: rd0(),
            esi: Esi::default(),
            ethernet_tag: 0,
            prefix: "2001:db8:30::/48".parse().unwrap(),
            gateway: Ipv6Addr::UNSPECIFIED.into(),
            label: Label::new(10300),
        },
    ];
    let mut a = base_attributes();
    a.push(PathAttribute::ExtendedCommunities(extended_communities()));
    a.push(PathAttribute::PmsiTunnel(PmsiTunnel {
        flags: 0,
        tunnel_type: 6,
        label: 10100 << 4,
        tunnel_id: vec![192, 0, 2, 10],
    }));
    a.push(PathAttribute::MpReach(MpReach {
        family: AfiSafi::L2VPN_EVPN,
        next_hop: NextHop::Ipv4(Ipv4Addr::new(192, 0, 2, 10)),
        nlri: Nlri::Evpn(
            routes
                .into_iter()
                .map(|route| EvpnNlri {
                    path_id: None,
                    route,
                })
                .collect(),
        ),
    }));
    all.push(Update {
        attributes: a,
        ..Default::default()
    });
    // End-of-RIB markers.
    all.push(Update::end_of_rib_marker(AfiSafi::IPV4_UNICAST));
    all.push(Update::end_of_rib_marker(AfiSafi::IPV6_UNICAST));
    all.push(Update::end_of_rib_marker(AfiSafi::L2VPN_EVPN));
    all
}

/// The messages of a 2-octet AS session: AS_TRANS with AS4_PATH and AS4_AGGREGATOR.
fn as2_updates() -> Vec<Update> {
    vec![Update {
        withdrawn: Vec::new(),
        attributes: vec![
            PathAttribute::Origin(Origin::Egp),
            PathAttribute::AsPath(AsPath::from_sequence([65001, 23456, 65003])),
            PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
            PathAttribute::Aggregator(Aggregator {
                asn: 23456,
                address: Ipv4Addr::new(192, 0, 2, 9),
            }),
            PathAttribute::As4Path(AsPath::from_sequence([65001, 4_200_000_001, 65003])),
            PathAttribute::As4Aggregator(Aggregator {
                asn: 4_200_000_001,
                address: Ipv4Addr::new(192, 0, 2, 9),
            }),
        ],
        nlri: vec![Ipv4Prefix {
            path_id: Some(1),
            ..v4("198.18.0.0/15")
        }],
    }]
}

/// A capture of one session: the OPENs, then `client_msgs` from the client and a few replies.
fn session_capture(
    four_octet: bool,
    client_msgs: &[Message],
    port: u16,
) -> (Vec<Vec<u8>>, Vec<Message>) {
    let client = open_with_everything(
        4_200_000_001,
        Ipv4Addr::new(192, 0, 2, 1),
        Role::Provider,
        four_octet,
    );
    let server = open_with_everything(
        65002,
        Ipv4Addr::new(192, 0, 2, 2),
        Role::Customer,
        four_octet,
    );
    let client_ctx = SessionContext::negotiate(&client, &server);
    let server_ctx = SessionContext::negotiate(&server, &client);
    assert_eq!(client_ctx.four_octet_as, four_octet);
    assert!(client_ctx.add_path_tx(AfiSafi::IPV4_UNICAST) && client_ctx.extended_message);
    let mut conv = Conversation::new(
        format!("192.0.2.1:{port}").parse().unwrap(),
        "192.0.2.2:179".parse().unwrap(),
    );
    let mut sent = Vec::new();
    let mut send = |conv: &mut Conversation, from_client: bool, m: Message| {
        let ctx = if from_client {
            &client_ctx
        } else {
            &server_ctx
        };
        let bytes = m.to_bytes(ctx).unwrap_or_else(|e| panic!("{m}: {e}"));
        conv.send(from_client, &bytes);
        sent.push(m);
    };
    send(&mut conv, true, Message::Open(client));
    send(&mut conv, false, Message::Open(server));
    send(&mut conv, true, Message::Keepalive);
    send(&mut conv, false, Message::Keepalive);
    for m in client_msgs {
        send(&mut conv, true, m.clone());
    }
    send(&mut conv, false, Message::Keepalive);
    (conv.frames().to_vec(), sent)
}

fn route_refreshes() -> Vec<Message> {
    [
        RouteRefreshSubtype::Request,
        RouteRefreshSubtype::BeginningOfRefresh,
        RouteRefreshSubtype::EndOfRefresh,
    ]
    .into_iter()
    .map(|subtype| {
        Message::RouteRefresh(RouteRefresh {
            family: AfiSafi::IPV6_UNICAST,
            subtype,
            orf: Vec::new(),
        })
    })
    .collect()
}

fn notifications() -> Vec<Message> {
    vec![
        Message::Notification(Notification::administrative_shutdown(
            "maintenance: back at 14:00 UTC — ünïcødé",
        )),
        Message::Notification(Notification::hard_reset(&Notification::new(
            4,
            0,
            Vec::new(),
        ))),
        Message::Notification(Notification::new(3, 11, Vec::new())),
        Message::Notification(Notification::new(2, 2, vec![0xfd, 0xe8])),
    ]
}

fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn tshark_available() -> bool {
    let ok = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "tshark is not installed: skipping the encoder check against tshark";
        if std::env::var("REQUIRE_INTEROP").as_deref() == Ok("1") {
            panic!("{why} (REQUIRE_INTEROP=1)");
        }
        eprintln!("{why}");
    }
    ok
}

/// tshark's verdict on a capture: (number of BGP messages, problems found).
fn tshark_check(path: &Path, asn_len: &str) -> (usize, Vec<String>) {
    let pref = format!("bgp.asn_len:{asn_len}");
    let run = |extra: &[&str]| {
        let out = Command::new("tshark")
            .arg("-r")
            .arg(path)
            .args([
                "-o",
                &pref,
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "ip.check_checksum:TRUE",
            ])
            .args(extra)
            .output()
            .expect("run tshark");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let types = run(&[
        "-Y",
        "bgp",
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=;",
        "-e",
        "bgp.type",
    ]);
    let count = types
        .split(['\n', ';'])
        .filter(|s| !s.trim().is_empty())
        .count();
    let verbose = run(&["-V"]);
    let mut problems: Vec<String> = verbose
        .lines()
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("[malformed packet")
                || l.contains("[expert info (error")
                || l.contains("[expert info (warning")
                || l.contains("bad checksum")
        })
        .map(|l| l.trim().to_string())
        .collect();
    let expert = run(&["-q", "-z", "expert"]);
    let mut section = "";
    for l in expert.lines() {
        let t = l.trim();
        if t.starts_with("Errors") {
            section = "error";
        } else if t.starts_with("Warns") {
            section = "warn";
        } else if t.starts_with("Notes") || t.starts_with("Chats") || t.starts_with("Comments") {
            section = "";
        } else if !section.is_empty()
            && !t.is_empty()
            && !t.starts_with('=')
            && !t.starts_with("Frequency")
        {
            problems.push(format!("expert {section}: {t}"));
        }
    }
    (count, problems)
}

/// Decodes a capture with bgp-decode and returns the messages, asserting there is no failure.
fn our_decode(name: &str, bytes: &[u8]) -> Vec<Message> {
    let evs = decode_bytes(name, bytes, &Options::default());
    let fails: Vec<_> = evs.iter().filter(|e| e.is_failure()).collect();
    assert!(fails.is_empty(), "{name}: {fails:?}");
    evs.into_iter()
        .filter_map(|e| match e {
            Event::Message { decoded, .. } => Some(decoded.message),
            _ => None,
        })
        .collect()
}

#[test]
fn generated_messages_round_trip_through_a_capture() {
    let mut msgs: Vec<Message> = updates().into_iter().map(Message::Update).collect();
    msgs.extend(route_refreshes());
    msgs.extend(notifications());
    let (frames, sent) = session_capture(true, &msgs, 40001);
    let bytes = pcap(&frames);
    assert_eq!(our_decode("gen4.pcap", &bytes), sent);
    let as2: Vec<Message> = as2_updates().into_iter().map(Message::Update).collect();
    let (frames, sent) = session_capture(false, &as2, 40002);
    assert_eq!(our_decode("gen2.pcap", &pcap(&frames)), sent);
}

#[test]
fn tshark_decodes_our_encoder_output_without_complaint() {
    if !tshark_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut msgs: Vec<Message> = updates().into_iter().map(Message::Update).collect();
    msgs.extend(route_refreshes());
    msgs.extend(notifications());
    let cases = [
        ("gen-as4.pcap", true, msgs, "4 octet"),
        (
            "gen-as2.pcap",
            false,
            as2_updates().into_iter().map(Message::Update).collect(),
            "2 octet",
        ),
    ];
    for (name, four_octet, msgs, asn_len) in cases {
        let (frames, sent) =
            session_capture(four_octet, &msgs, if four_octet { 40001 } else { 40002 });
        let out_dir = std::env::var_os("KEEP_GENERATED_PCAPS").map(std::path::PathBuf::from);
        let path = write_temp(
            out_dir.as_deref().unwrap_or(dir.path()),
            name,
            &pcap(&frames),
        );
        let (count, problems) = tshark_check(&path, asn_len);
        assert_eq!(count, sent.len(), "{name}: tshark message count");
        assert!(
            problems.is_empty(),
            "{name}: tshark reports:\n{}",
            problems.join("\n")
        );
        eprintln!("{name}: tshark decoded all {count} messages without malformed or error items");
    }
    // The check can fail: an UPDATE whose NLRI prefix length exceeds 32 is flagged.
    let mut conv = Conversation::new(
        "192.0.2.1:40003".parse().unwrap(),
        "192.0.2.2:179".parse().unwrap(),
    );
    let mut bad = Message::Update(Update {
        nlri: vec![v4("10.0.0.0/8")],
        attributes: as2_updates()[0].attributes[..3].to_vec(),
        ..Default::default()
    })
    .to_bytes(&SessionContext::default())
    .unwrap();
    let at = bad.len() - 2;
    bad[at] = 40;
    conv.send(true, &bad);
    let path = write_temp(dir.path(), "bad.pcap", &pcap(conv.frames()));
    let (_, problems) = tshark_check(&path, "2 octet");
    assert!(
        !problems.is_empty(),
        "tshark must flag a prefix length of 40"
    );
}
