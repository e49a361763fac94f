//! Replays the `bgp_decode_capture` fuzz corpus through the same entry point as the fuzz target,
//! and checks what the seeds are known to hold: the link-type and format variants of one
//! capture decode to the same messages, and damaged seeds give located errors.

use std::path::PathBuf;

use bgp_proto::Message;
use examples::decode::fuzzing::check_capture;
use examples::decode::{Event, Options, Problem, decode_bytes};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/bgp_decode_capture")
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes a file seed (its first byte is the fuzz mode byte).
fn decode_seed(name: &str) -> (Vec<Message>, Vec<Event>) {
    let s = seed(name);
    assert_eq!(s[0] & 1, 1, "{name} is a file seed");
    let evs = decode_bytes(name, &s[1..], &Options::default());
    let msgs = evs
        .iter()
        .filter_map(|e| match e {
            Event::Message { decoded, .. } => Some(decoded.message.clone()),
            _ => None,
        })
        .collect();
    (msgs, evs)
}

#[test]
fn every_corpus_input_keeps_the_invariants() {
    let mut n = 0;
    for entry in std::fs::read_dir(corpus_dir()).expect("corpus directory") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        assert!(
            data.len() < 64 * 1024,
            "{}: seeds stay small",
            path.display()
        );
        check_capture(&data);
        n += 1;
    }
    assert!(n >= 20, "corpus has {n} inputs");
}

#[test]
fn link_type_and_format_variants_decode_alike() {
    let (reference, evs) = decode_seed("file-gen-as2.pcap");
    assert!(evs.iter().all(|e| !e.is_failure()));
    assert_eq!(reference.len(), 6);
    for variant in [
        "file-sll.pcap",
        "file-sll2.pcap",
        "file-raw-ip.pcap",
        "file-null.pcap",
        "file-vlan.pcap",
    ] {
        let (msgs, evs) = decode_seed(variant);
        let fails: Vec<_> = evs.iter().filter(|e| e.is_failure()).collect();
        assert!(fails.is_empty(), "{variant}: {fails:?}");
        assert_eq!(msgs, reference, "{variant}");
    }
    let (ns, _) = decode_seed("file-gen-as4-nsec.pcap");
    assert_eq!(ns, decode_seed("file-gen-as4.pcap").0);
    // pcapng (written by editcap) against the corpus pcap it came from.
    let (ng, evs) = decode_seed("file-frr-lab.pcapng");
    assert!(evs.iter().all(|e| !e.is_failure()), "{evs:?}");
    let lab = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/bgp-pcap/frr-gobgp-bfd-lab.pcap"),
    )
    .unwrap();
    let pcap_msgs: Vec<_> = decode_bytes("lab", &lab, &Options::default())
        .into_iter()
        .filter_map(|e| match e {
            Event::Message { decoded, .. } => Some(decoded.message),
            _ => None,
        })
        .collect();
    assert_eq!(ng, pcap_msgs);
    // Timestamps survive the pcapng conversion.
    assert!(
        evs.iter()
            .all(|e| e.location().timestamp.is_some_and(|t| t > 1e9))
    );
}

#[test]
fn damaged_seeds_give_located_errors() {
    let (_, evs) = decode_seed("file-truncated.pcap");
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Error { at, problem: Problem::Capture(_) } if at.offset > 24
    )));
    let (msgs, evs) = decode_seed("file-bad-marker.pcap");
    let (good, _) = decode_seed("file-ipv6-multiple-sources-0.pcap");
    assert_eq!(
        msgs.len(),
        good.len() - 1,
        "only the corrupted message is lost"
    );
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Error { at, problem: Problem::Malformed(_) } if at.session.is_some()
    )));
    let (_, evs) = decode_seed("file-unknown-linktype.pcap");
    assert!(evs.iter().any(|e| matches!(
        e,
        Event::Error { problem: Problem::Capture(s), .. } if s.contains("link type 147")
    )));
}

/// A deterministic mutation sweep over the seeds (byte flips, truncations, insertions), so
/// stable CI explores beyond the seeds themselves. `FUZZ_SWEEP_ROUNDS` raises the number of
/// mutations per seed (48 by default).
#[test]
fn mutated_seeds_keep_the_invariants() {
    let rounds: usize = std::env::var("FUZZ_SWEEP_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut runs = 0;
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        if data.len() < 2 {
            continue;
        }
        for _ in 0..rounds {
            let mut m = data.clone();
            for _ in 0..1 + rand() % 4 {
                let at = 1 + (rand() as usize) % (m.len() - 1);
                match rand() % 4 {
                    0 => m[at] ^= 1 << (rand() % 8),
                    1 => m[at] = rand() as u8,
                    2 => m.truncate(at.max(2)),
                    _ => m.insert(at, rand() as u8),
                }
            }
            check_capture(&m);
            runs += 1;
        }
    }
    assert!(runs > 1000, "{runs} runs");
}
