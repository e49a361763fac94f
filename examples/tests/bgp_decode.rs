//! bgp-decode over the shared corpus: every message decodes without error, counts match the
//! corpus README, decode → encode → decode is the identity, the pcaps agree with tshark's
//! independent decode, and damaged inputs give located errors while the rest still decodes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bgp_proto::wire::attribute::{NextHop, PathAttribute};
use bgp_proto::wire::nlri::Nlri;
use bgp_proto::{Message, SessionContext, Update};
use examples::decode::output::Summary;
use examples::decode::{Event, Options, Problem, decode_bytes, decode_path};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

const PCAPS: [&str; 5] = [
    "frr-gobgp-bfd-lab.pcap",
    "ipv6-cisco-extnh.pcap",
    "ipv6-multiple-sources-0.pcap",
    "ipv6-multiple-sources-1.pcap",
    "multiple-sessions.pcap",
];

fn pcap_path(name: &str) -> PathBuf {
    corpus().join("bgp-pcap").join(name)
}

fn events(path: &Path, opts: &Options) -> Vec<Event> {
    let mut v = Vec::new();
    decode_path(path, opts, &mut |e| v.push(e)).expect("corpus file readable");
    v
}

fn summary(name: &str, evs: &[Event]) -> Summary {
    let mut s = Summary::new(name);
    evs.iter().for_each(|e| s.add(e));
    s
}

fn failures(evs: &[Event]) -> Vec<String> {
    evs.iter()
        .filter(|e| e.is_failure())
        .map(|e| format!("{e:?}"))
        .collect()
}

/// decode → encode → decode is the identity for every decoded message.
fn assert_round_trips(name: &str, evs: &[Event]) -> usize {
    let mut n = 0;
    for ev in evs {
        let Event::Message {
            at, ctx, decoded, ..
        } = ev
        else {
            continue;
        };
        // The sender encodes with its own view of the session: send and receive swapped.
        let bytes = decoded
            .message
            .to_bytes(&ctx.mirrored())
            .unwrap_or_else(|e| panic!("{name} {at}: encode: {e}"));
        let again = Message::decode(&bytes, ctx).unwrap_or_else(|e| panic!("{name} {at}: {e}"));
        assert_eq!(again.message, decoded.message, "{name} {at}: round trip");
        assert!(again.errors.is_empty(), "{name} {at}: {:?}", again.errors);
        n += 1;
    }
    n
}

#[test]
fn raw_dumps_decode_with_readme_counts_and_round_trip() {
    let cases = [
        ("rrc15-1610-as4.bgp", false, [0, 1273, 1, 32, 0]),
        ("rrc15-1610-as2.bgp", true, [1, 615, 0, 15, 0]),
    ];
    for (name, as2, want) in cases {
        let opts = Options {
            as2,
            ..Default::default()
        };
        let evs = events(&corpus().join("mrt").join(name), &opts);
        assert_eq!(failures(&evs), Vec::<String>::new(), "{name}");
        let s = summary(name, &evs);
        let got = [
            "OPEN",
            "UPDATE",
            "NOTIFICATION",
            "KEEPALIVE",
            "ROUTE-REFRESH",
        ]
        .map(|t| s.count(t));
        assert_eq!(got, want, "{name}: {s:?}");
        assert_eq!(s.skipped_bytes + s.unfinished, 0, "{name}");
        let n = assert_round_trips(name, &evs);
        assert_eq!(n as u64, want.iter().sum::<u64>(), "{name}");
        // Offsets are file offsets: consecutive messages tile the file.
        let mut at = 0;
        for e in &evs {
            if let Event::Message { at: loc, raw, .. } = e {
                assert_eq!(loc.offset, at, "{name}");
                at += raw.len() as u64;
            }
        }
        assert_eq!(
            at,
            std::fs::metadata(corpus().join("mrt").join(name))
                .unwrap()
                .len()
        );
    }
}

#[test]
fn pcaps_decode_with_expected_counts_and_round_trip() {
    // OPEN, UPDATE, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH: the corpus README where it gives
    // them (multiple-sessions, ipv6-cisco-extnh's 45 UPDATEs), tshark's count otherwise.
    let want: BTreeMap<&str, [u64; 5]> = [
        ("frr-gobgp-bfd-lab.pcap", [8, 11, 1, 28, 2]),
        ("ipv6-cisco-extnh.pcap", [1, 45, 0, 1, 0]),
        ("ipv6-multiple-sources-0.pcap", [1, 24, 0, 1, 0]),
        ("ipv6-multiple-sources-1.pcap", [1, 26, 0, 1, 0]),
        ("multiple-sessions.pcap", [20, 100, 0, 171, 0]),
    ]
    .into_iter()
    .collect();
    for name in PCAPS {
        let evs = events(&pcap_path(name), &Options::default());
        assert_eq!(failures(&evs), Vec::<String>::new(), "{name}");
        let s = summary(name, &evs);
        let got = [
            "OPEN",
            "UPDATE",
            "NOTIFICATION",
            "KEEPALIVE",
            "ROUTE-REFRESH",
        ]
        .map(|t| s.count(t));
        assert_eq!(got, want[name], "{name}: {s:?}");
        assert_eq!(s.skipped_bytes, 0, "{name}");
        assert_round_trips(name, &evs);
        // Every message is located in a session, with a frame and a timestamp.
        for e in &evs {
            let at = e.location();
            assert!(
                at.session.is_some() && at.frame.is_some() && at.timestamp.is_some(),
                "{name}: {at:?}"
            );
        }
    }
}

#[test]
fn sessions_use_the_context_their_opens_negotiated() {
    // multiple-sessions.pcap mixes sessions where both OPENs carry the 4-octet AS capability
    // and sessions where one side (announcing graceful restart instead) does not.
    let evs = events(&pcap_path("multiple-sessions.pcap"), &Options::default());
    let mut opens: BTreeMap<(String, String), bgp_proto::Open> = BTreeMap::new();
    let (mut as4, mut as2) = (0, 0);
    for e in &evs {
        let Event::Message {
            at, ctx, decoded, ..
        } = e
        else {
            continue;
        };
        let session = at.session.clone().unwrap();
        let dir = at.direction.unwrap().to_string();
        match &decoded.message {
            Message::Open(o) => {
                opens.insert((session, dir), o.clone());
            }
            Message::Update(_) => {
                let other = if dir == "forward" {
                    "reverse"
                } else {
                    "forward"
                };
                let sender = &opens[&(session.clone(), dir.clone())];
                let receiver = &opens[&(session.clone(), other.to_string())];
                assert_eq!(*ctx, SessionContext::negotiate(receiver, sender), "{at}");
                if ctx.four_octet_as {
                    as4 += 1;
                } else {
                    as2 += 1;
                }
            }
            _ => {}
        }
    }
    assert!(
        as4 > 0 && as2 > 0,
        "{as4} 4-octet and {as2} 2-octet UPDATEs"
    );
}

// ---- tshark agreement -------------------------------------------------------------------

/// tshark's values of `field` over every BGP message of `path` (all occurrences).
fn tshark_values(path: &Path, field: &str) -> Vec<String> {
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(path)
        .args([
            "-Y",
            "bgp",
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=;",
            "-e",
            field,
        ])
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn tshark_multiset(path: &Path, fields: &[&str]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in fields {
        for v in tshark_values(path, f) {
            *m.entry(v).or_default() += 1;
        }
    }
    m
}

/// VPN-IPv6 routes, which tshark 4.0 shows only as text ("… RD=1.2.3.4:6, IPv6=2001:db8::/64")
/// on its label stack item: (address, prefix length).
fn tshark_vpn6_prefixes(path: &Path) -> Vec<(String, u8)> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-Y", "bgp", "-T", "pdml"])
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("name=\"bgp.label_stack\""))
        .filter_map(|l| {
            let rest = &l[l.find("IPv6=")? + 5..];
            let (addr, len) = rest[..rest.find('"')?].split_once('/')?;
            Some((addr.to_string(), len.parse().ok()?))
        })
        .collect()
}

fn tshark_available() -> bool {
    let ok = Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "tshark is not installed: skipping the tshark agreement check";
        if std::env::var("REQUIRE_INTEROP").as_deref() == Ok("1") {
            panic!("{why} (REQUIRE_INTEROP=1)");
        }
        eprintln!("{why}");
    }
    ok
}

/// Our side of the comparison: multisets of announced prefix addresses, NLRI prefix lengths
/// as carried on the wire, next hops, AS numbers and message types.
#[derive(Default, Debug)]
struct Ours {
    prefixes: BTreeMap<String, usize>,
    lengths: BTreeMap<String, usize>,
    next_hops: BTreeMap<String, usize>,
    asns: BTreeMap<String, usize>,
    types: BTreeMap<String, usize>,
}

fn bump(m: &mut BTreeMap<String, usize>, v: impl ToString) {
    *m.entry(v.to_string()).or_default() += 1;
}

fn nlri_into(n: &Nlri, announced: bool, o: &mut Ours) {
    let mut add = |addr: String, wire_len: u8| {
        if announced {
            bump(&mut o.prefixes, addr);
        }
        bump(&mut o.lengths, wire_len);
    };
    match n {
        Nlri::Ipv4(v) => v
            .iter()
            .for_each(|p| add(p.prefix.addr().to_string(), p.prefix.prefix_len())),
        Nlri::Ipv6(v) => v
            .iter()
            .for_each(|p| add(p.prefix.addr().to_string(), p.prefix.prefix_len())),
        // One label: 24 bits before the prefix.
        Nlri::Labeled(v) => v
            .iter()
            .for_each(|p| add(p.prefix.addr().to_string(), p.prefix.prefix_len() + 24)),
        // Label and route distinguisher: 88 bits.
        Nlri::Vpn(v) => v
            .iter()
            .for_each(|p| add(p.prefix.addr().to_string(), p.prefix.prefix_len() + 88)),
        Nlri::Evpn(_) | Nlri::Raw(_) => {}
    }
}

fn ours(evs: &[Event]) -> Ours {
    let mut o = Ours::default();
    for e in evs {
        let Event::Message { decoded, .. } = e else {
            continue;
        };
        let code = match &decoded.message {
            Message::Open(_) => 1,
            Message::Update(_) => 2,
            Message::Notification(_) => 3,
            Message::Keepalive => 4,
            Message::RouteRefresh(_) => 5,
        };
        bump(&mut o.types, code);
        let Message::Update(u) = &decoded.message else {
            continue;
        };
        update_into(u, &mut o);
    }
    o
}

fn update_into(u: &Update, o: &mut Ours) {
    u.withdrawn
        .iter()
        .for_each(|p| bump(&mut o.lengths, p.prefix.prefix_len()));
    for p in &u.nlri {
        bump(&mut o.prefixes, p.prefix.addr());
        bump(&mut o.lengths, p.prefix.prefix_len());
    }
    for a in &u.attributes {
        match a {
            PathAttribute::NextHop(nh) => bump(&mut o.next_hops, nh),
            PathAttribute::MpReach(m) => {
                match &m.next_hop {
                    NextHop::Ipv4(a) => bump(&mut o.next_hops, a),
                    NextHop::Ipv6(a) | NextHop::Ipv6LinkLocal(a, _) => bump(&mut o.next_hops, a),
                    NextHop::Raw(_) => {}
                }
                nlri_into(&m.nlri, true, o);
            }
            PathAttribute::MpUnreach(m) => nlri_into(&m.withdrawn, false, o),
            PathAttribute::AsPath(p) | PathAttribute::As4Path(p) => {
                p.asns().for_each(|a| bump(&mut o.asns, a))
            }
            _ => {}
        }
    }
}

fn total(m: &BTreeMap<String, usize>) -> usize {
    m.values().sum()
}

#[test]
fn pcaps_agree_with_tshark() {
    if !tshark_available() {
        return;
    }
    for name in PCAPS {
        let path = pcap_path(name);
        let o = ours(&events(&path, &Options::default()));
        let prefixes = tshark_multiset(
            &path,
            &[
                "bgp.nlri_prefix",
                "bgp.mp_reach_nlri_ipv4_prefix",
                "bgp.mp_reach_nlri_ipv6_prefix",
            ],
        );
        let mut prefixes = prefixes;
        let mut lengths = tshark_multiset(&path, &["bgp.prefix_length"]);
        for (addr, len) in tshark_vpn6_prefixes(&path) {
            bump(&mut prefixes, addr);
            bump(&mut lengths, len + 88);
        }
        let next_hops = tshark_multiset(
            &path,
            &[
                "bgp.update.path_attribute.next_hop",
                "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4",
                "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6",
            ],
        );
        let asns = tshark_multiset(
            &path,
            &[
                "bgp.update.path_attribute.as_path_segment.as2",
                "bgp.update.path_attribute.as_path_segment.as4",
            ],
        );
        let types = tshark_multiset(&path, &["bgp.type"]);
        assert_eq!(o.types, types, "{name}: message types");
        assert_eq!(o.prefixes, prefixes, "{name}: announced prefixes");
        assert_eq!(o.lengths, lengths, "{name}: prefix lengths");
        assert_eq!(o.next_hops, next_hops, "{name}: next hops");
        assert_eq!(o.asns, asns, "{name}: AS numbers");
        assert!(
            total(&o.types) > 0 && total(&o.prefixes) > 0,
            "{name}: compared nothing"
        );
        eprintln!(
            "{name}: agree with tshark on {} messages, {} prefixes, {} prefix lengths, {} next hops, {} AS numbers",
            total(&o.types),
            total(&o.prefixes),
            total(&o.lengths),
            total(&o.next_hops),
            total(&o.asns)
        );
    }
}

// ---- damaged inputs and the command line ---------------------------------------------------

fn bgp_decode(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bgp-decode"))
        .args(args)
        .output()
        .expect("run bgp-decode")
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Offsets in `data` where a BGP marker starts.
fn markers(data: &[u8]) -> Vec<usize> {
    (0..data.len().saturating_sub(16))
        .filter(|&i| data[i..i + 16].iter().all(|&b| b == 0xff) && (i == 0 || data[i - 1] != 0xff))
        .collect()
}

#[test]
fn corrupted_and_truncated_capture_reports_located_errors_and_keeps_going() {
    let good = std::fs::read(pcap_path("multiple-sessions.pcap")).unwrap();
    let total_good = decode_bytes("good", &good, &Options::default())
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count();
    let mut bad = good.clone();
    let m = markers(&bad);
    assert!(m.len() > 100);
    let victim = m[m.len() / 2];
    bad[victim + 5] = 0x00; // one message's marker
    bad.truncate(bad.len() - 10); // the last frame is cut short
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("damaged.pcap");
    std::fs::write(&file, &bad).unwrap();

    let evs = decode_bytes("damaged.pcap", &bad, &Options::default());
    let malformed: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Error {
                at,
                problem: Problem::Malformed(d),
            } => Some((at.clone(), d.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(malformed.len(), 1, "{malformed:?}");
    let (at, d) = &malformed[0];
    assert!(at.session.is_some() && at.frame.is_some(), "{at:?}");
    assert_eq!(
        d.notification().map(|n| (n.0, n.1)),
        Some((1, 1)),
        "bad marker"
    );
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Error {
            problem: Problem::Capture(_),
            ..
        }
    )));
    let decoded = evs
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count();
    // Only the corrupted message and whatever the cut frame held are lost.
    assert!(
        decoded >= total_good - 3 && decoded < total_good,
        "{decoded} of {total_good}"
    );

    let out = bgp_decode(&[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    let errors: Vec<_> = lines.iter().filter(|l| l["type"] == "error").collect();
    assert!(errors.len() >= 2, "{errors:?}");
    let marker_err = errors
        .iter()
        .find(|l| l["error"].as_str().unwrap().contains("marker"))
        .expect("marker error line");
    assert_eq!(marker_err["file"], file.to_str().unwrap());
    assert_eq!(marker_err["session"].as_str(), at.session.as_deref());
    assert_eq!(marker_err["offset"], at.offset);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["type"] == "UPDATE" || l["type"] == "KEEPALIVE" || l["type"] == "OPEN")
            .count(),
        decoded
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("damaged.pcap") && stderr.contains("marker"),
        "{stderr}"
    );
}

#[test]
fn corrupted_raw_dump_resyncs_after_the_bad_message() {
    let good = std::fs::read(corpus().join("mrt/rrc15-1610-as4.bgp")).unwrap();
    let m = markers(&good);
    let mut bad = good.clone();
    // Message 100: a length below the minimum; message 200: an unknown type.
    bad[m[100] + 17] = 3;
    bad[m[200] + 18] = 9;
    let evs = decode_bytes("x.bgp", &bad, &Options::default());
    let errs: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Error { at, problem } => Some((at.offset, problem.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, m[100] as u64);
    assert_eq!(errs[1].0, m[200] as u64);
    let n = evs
        .iter()
        .filter(|e| matches!(e, Event::Message { .. }))
        .count();
    assert_eq!(n, 1306 - 2);
    // A dump cut inside a message: an error at that message's offset.
    let cut = &good[..m[50] + 30];
    let evs = decode_bytes("cut.bgp", cut, &Options::default());
    assert!(matches!(
        evs.last(),
        Some(Event::Error { at, problem: Problem::Incomplete { .. } }) if at.offset == m[50] as u64
    ));
}

#[test]
fn command_line_lines_summary_and_help() {
    let as4 = corpus().join("mrt/rrc15-1610-as4.bgp");
    let out = bgp_decode(&[as4.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1306);
    let first_update = lines.iter().find(|l| l["type"] == "UPDATE").unwrap();
    assert!(
        first_update["message"]["attributes"].is_array(),
        "{first_update}"
    );
    assert!(first_update["offset"].is_u64() && first_update["length"].is_u64());

    let pcap = pcap_path("multiple-sessions.pcap");
    let out = bgp_decode(&["--summary", pcap.to_str().unwrap(), as4.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3, "two files and the total");
    assert_eq!(lines[0]["messages"]["UPDATE"], 100);
    assert_eq!(lines[0]["messages"]["OPEN"], 20);
    assert_eq!(lines[0]["messages"]["KEEPALIVE"], 171);
    assert_eq!(lines[0]["errors"], 0);
    assert_eq!(lines[1]["messages"]["UPDATE"], 1273);
    assert_eq!(lines[2]["file"], "total");
    assert_eq!(lines[2]["messages"]["UPDATE"], 1373);

    let out = bgp_decode(&[
        "--summary",
        "--as2",
        corpus().join("mrt/rrc15-1610-as2.bgp").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out.stdout)[0]["messages"]["UPDATE"], 615);
    // Without --as2 the 2-octet AS_PATHs are malformed 4-octet ones: RFC 7606 errors, exit 1.
    let out = bgp_decode(&[
        "--summary",
        corpus().join("mrt/rrc15-1610-as2.bgp").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));

    let out = bgp_decode(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for word in ["pcap", "--summary", "--as2", "Exit status", "Examples"] {
        assert!(help.contains(word), "--help lacks {word}: {help}");
    }
    assert_eq!(bgp_decode(&["/nonexistent.pcap"]).status.code(), Some(2));
    assert_eq!(bgp_decode(&[]).status.code(), Some(2));
}

fn keepalive() -> Vec<u8> {
    [vec![0xff; 16], vec![0, 19, 4]].concat()
}

#[test]
fn a_lost_segment_is_a_located_gap_and_decoding_resumes() {
    use examples::decode::synth::{Conversation, pcap};
    let mut c = Conversation::new(
        "192.0.2.1:40000".parse().unwrap(),
        "192.0.2.2:179".parse().unwrap(),
    );
    c.send(true, &keepalive());
    c.send(true, &keepalive()[..7]);
    c.send(true, &[&keepalive()[7..], &keepalive()[..]].concat());
    let mut frames = c.frames().to_vec();
    frames.remove(4); // the 7 bytes starting the second KEEPALIVE
    let evs = decode_bytes("gap.pcap", &pcap(&frames), &Options::default());
    let gap = evs
        .iter()
        .find_map(|e| match e {
            Event::Error {
                at,
                problem: Problem::Gap { len },
            } => Some((at.clone(), *len)),
            _ => None,
        })
        .expect("gap error");
    assert_eq!((gap.0.offset, gap.1), (19, 7));
    assert_eq!(
        gap.0.session.as_deref(),
        Some("192.0.2.1:40000->192.0.2.2:179")
    );
    let msgs: Vec<u64> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Message { at, .. } => Some(at.offset),
            _ => None,
        })
        .collect();
    assert_eq!(msgs, vec![0, 38], "the KEEPALIVE after the cut one decodes");
}

#[test]
fn many_sessions_stay_within_the_session_bound() {
    use examples::decode::session::MAX_SESSIONS;
    use examples::decode::synth::{Conversation, pcap};
    let mut frames = Vec::new();
    let n = MAX_SESSIONS + 200;
    for i in 0..n {
        let mut c = Conversation::new(
            format!("10.{}.{}.1:40000", i / 256, i % 256)
                .parse()
                .unwrap(),
            "192.0.2.2:179".parse().unwrap(),
        );
        c.send(true, &keepalive()[..10]); // every session stops inside a message
        frames.extend_from_slice(c.frames());
    }
    let evs = decode_bytes("many.pcap", &pcap(&frames), &Options::default());
    let unfinished: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Event::Unfinished { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(unfinished.len(), n);
    let evicted = unfinished.iter().filter(|r| r.contains("evicted")).count();
    assert_eq!(evicted, n - MAX_SESSIONS);
    assert!(evs.iter().all(|e| !e.is_failure()));
}
