//! Every message of every file of the shared corpus decodes, and decode → encode → decode is
//! the identity. The pcaps are read with a tiny test-only pcap reader and per-direction TCP
//! reassembly (in order, bounded); each session's OPENs set its decode context.

use std::collections::HashMap;
use std::path::PathBuf;

use bgp_proto::wire::update::UpdateView;
use bgp_proto::{Message, MessageError, SessionContext};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

#[derive(Default, Debug)]
struct Counts {
    open: usize,
    update: usize,
    notification: usize,
    keepalive: usize,
    route_refresh: usize,
    prefixes: usize,
}

/// Decodes one message, checks the round trip and the zero-copy view, and counts it.
fn check(msg: &[u8], ctx: &SessionContext, counts: &mut Counts, what: &str) -> Message {
    let d = Message::decode(msg, ctx).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(d.length, msg.len(), "{what}");
    assert!(
        d.errors.is_empty(),
        "{what}: unexpected RFC 7606 errors {:?}",
        d.errors
    );
    let enc = d
        .message
        .to_bytes(&ctx.mirrored())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let again = Message::decode(&enc, ctx).unwrap_or_else(|e| panic!("{what}: re-decode: {e}"));
    assert_eq!(again.message, d.message, "{what}: round trip");
    match &d.message {
        Message::Open(_) => counts.open += 1,
        Message::Update(u) => {
            counts.update += 1;
            counts.prefixes += u.announced_len();
            let v = UpdateView::new(msg, ctx).unwrap_or_else(|e| panic!("{what}: view: {e}"));
            assert_eq!(v.nlri().collect::<Vec<_>>(), u.nlri, "{what}");
            assert_eq!(v.withdrawn().collect::<Vec<_>>(), u.withdrawn, "{what}");
            assert_eq!(v.attributes().count(), u.attributes.len(), "{what}");
            assert_eq!(v.end_of_rib(), u.end_of_rib(), "{what}");
        }
        Message::Notification(_) => counts.notification += 1,
        Message::Keepalive => counts.keepalive += 1,
        Message::RouteRefresh(_) => counts.route_refresh += 1,
    }
    d.message
}

fn raw_file(name: &str, ctx: &SessionContext) -> Counts {
    let data = std::fs::read(corpus().join("mrt").join(name)).expect("corpus file");
    let mut counts = Counts::default();
    let mut at = 0;
    let mut i = 0;
    while at < data.len() {
        let len = match Message::decode(&data[at..], ctx) {
            Ok(d) => d.length,
            Err(e) => panic!("{name} message {i} at {at}: {e}"),
        };
        check(
            &data[at..at + len],
            ctx,
            &mut counts,
            &format!("{name} #{i} @{at}"),
        );
        at += len;
        i += 1;
    }
    counts
}

#[test]
fn mrt_as4_file_decodes_and_round_trips() {
    let c = raw_file("rrc15-1610-as4.bgp", &SessionContext::four_octet());
    assert_eq!(
        (c.update, c.keepalive, c.notification),
        (1273, 32, 1),
        "{c:?}"
    );
    assert!(c.prefixes > 1000, "{c:?}");
}

#[test]
fn mrt_as2_file_decodes_and_round_trips() {
    let c = raw_file("rrc15-1610-as2.bgp", &SessionContext::default());
    assert_eq!((c.update, c.open, c.keepalive), (615, 1, 15), "{c:?}");
}

// ---- test-only pcap reading -------------------------------------------------------------

/// (src ip, src port, dst ip, dst port)
type Flow = (Vec<u8>, u16, Vec<u8>, u16);

/// TCP payloads of port-179 segments per direction, in capture order, deduplicated by
/// sequence number (retransmissions) and bounded in size.
fn tcp_streams(path: &std::path::Path) -> Vec<(Flow, Vec<u8>)> {
    let data = std::fs::read(path).unwrap();
    assert!(data.len() > 24);
    let magic = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
    let (le, nanos_ok) = match magic {
        0xa1b2c3d4 | 0xa1b23c4d => (true, true),
        0xd4c3b2a1 | 0x4d3cb2a1 => (false, true),
        _ => panic!("{}: not a classic pcap (magic {magic:#x})", path.display()),
    };
    assert!(nanos_ok);
    let rd32 = |b: &[u8]| {
        if le {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        }
    };
    let linktype = rd32(&data[20..24]);
    let mut at = 24;
    let mut flows: HashMap<Flow, (Option<u32>, Vec<u8>)> = HashMap::new();
    let mut order: Vec<Flow> = Vec::new();
    while at + 16 <= data.len() {
        let incl = rd32(&data[at + 8..at + 12]) as usize;
        at += 16;
        let Some(frame) = data.get(at..at + incl) else {
            break;
        };
        at += incl;
        // Link layer to IP.
        let ip = match linktype {
            1 => {
                let mut off = 12;
                let mut et = u16::from_be_bytes([frame[off], frame[off + 1]]);
                while et == 0x8100 {
                    off += 4;
                    et = u16::from_be_bytes([frame[off], frame[off + 1]]);
                }
                if et != 0x0800 && et != 0x86dd {
                    continue;
                }
                &frame[off + 2..]
            }
            113 => &frame[16..], // Linux cooked
            276 => &frame[20..], // Linux cooked v2
            101 | 12 => frame,   // raw IP
            t => panic!("linktype {t}"),
        };
        let (src, dst, proto, l4) = match ip.first().map(|b| b >> 4) {
            Some(4) => {
                let ihl = (ip[0] & 0xf) as usize * 4;
                let tot = u16::from_be_bytes([ip[2], ip[3]]) as usize;
                (
                    ip[12..16].to_vec(),
                    ip[16..20].to_vec(),
                    ip[9],
                    &ip[ihl..tot.min(ip.len())],
                )
            }
            Some(6) => {
                let plen = u16::from_be_bytes([ip[4], ip[5]]) as usize;
                (
                    ip[8..24].to_vec(),
                    ip[24..40].to_vec(),
                    ip[6],
                    &ip[40..(40 + plen).min(ip.len())],
                )
            }
            _ => continue,
        };
        if proto != 6 || l4.len() < 20 {
            continue;
        }
        let sport = u16::from_be_bytes([l4[0], l4[1]]);
        let dport = u16::from_be_bytes([l4[2], l4[3]]);
        if sport != 179 && dport != 179 {
            continue;
        }
        let seq = u32::from_be_bytes([l4[4], l4[5], l4[6], l4[7]]);
        let doff = (l4[12] >> 4) as usize * 4;
        let payload = &l4[doff.min(l4.len())..];
        if payload.is_empty() {
            continue;
        }
        let key = (src, sport, dst, dport);
        let e = flows.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            (None, Vec::new())
        });
        // In-order reassembly: append new bytes, skip retransmitted ones.
        let next = e.0.unwrap_or(seq);
        let skip = next.wrapping_sub(seq) as usize;
        if seq.wrapping_sub(next) as i32 > 0 {
            panic!("gap in TCP stream (lost segment) in {}", path.display());
        }
        if skip < payload.len() {
            e.1.extend_from_slice(&payload[skip..]);
            e.0 = Some(seq.wrapping_add(payload.len() as u32));
            assert!(e.1.len() < 64 << 20, "stream too large");
        }
    }
    order
        .into_iter()
        .map(|k| {
            let v = flows.remove(&k).unwrap().1;
            (k, v)
        })
        .collect()
}

fn pcap(name: &str) -> Counts {
    let path = corpus().join("bgp-pcap").join(name);
    let streams = tcp_streams(&path);
    assert!(!streams.is_empty(), "{name}: no BGP streams");
    let mut counts = Counts::default();
    // First pass: each direction's OPEN.
    let mut opens: HashMap<Flow, bgp_proto::Open> = HashMap::new();
    for (flow, bytes) in &streams {
        if let Ok(d) = Message::decode(bytes, &SessionContext::default())
            && let Message::Open(o) = d.message
        {
            opens.insert(flow.clone(), o);
        }
    }
    for (flow, bytes) in &streams {
        let reverse = (flow.2.clone(), flow.3, flow.0.clone(), flow.1);
        // The receiver's view: local = receiver's OPEN (reverse direction), remote = sender's.
        let ctx = match (opens.get(&reverse), opens.get(flow)) {
            (Some(local), Some(remote)) => SessionContext::negotiate(local, remote),
            _ => SessionContext::four_octet(),
        };
        let mut at = 0;
        let mut i = 0;
        while at < bytes.len() {
            match Message::decode(&bytes[at..], &ctx) {
                Ok(d) => {
                    check(
                        &bytes[at..at + d.length],
                        &ctx,
                        &mut counts,
                        &format!("{name} {flow:?} #{i} @{at}"),
                    );
                    at += d.length;
                }
                Err(MessageError::Incomplete { .. }) => break, // capture ended mid-message
                Err(e) => panic!("{name} {flow:?} #{i} @{at}: {e}"),
            }
            i += 1;
        }
    }
    counts
}

#[test]
fn pcap_multiple_sessions() {
    let c = pcap("multiple-sessions.pcap");
    assert_eq!((c.open, c.update, c.keepalive), (20, 100, 171), "{c:?}");
}

#[test]
fn pcap_ipv6_cisco_extended_next_hop() {
    let c = pcap("ipv6-cisco-extnh.pcap");
    eprintln!("{c:?}");
    assert!(c.update >= 45, "{c:?}");
}

#[test]
fn pcap_ipv6_multiple_sources() {
    for f in [
        "ipv6-multiple-sources-0.pcap",
        "ipv6-multiple-sources-1.pcap",
    ] {
        let c = pcap(f);
        eprintln!("{f}: {c:?}");
        assert!(c.update > 0, "{f}: {c:?}");
    }
}

#[test]
fn pcap_frr_gobgp_lab() {
    let c = pcap("frr-gobgp-bfd-lab.pcap");
    eprintln!("{c:?}");
    assert!(
        c.open >= 2 && c.update > 0 && c.notification >= 1 && c.route_refresh >= 1,
        "{c:?}"
    );
}
