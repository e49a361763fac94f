//! Replays every input of the `crd_load` fuzz corpus through the fuzz target's body: no panic,
//! and every input that loads keeps the round-trip invariants.

use std::path::PathBuf;

#[test]
fn crd_load_corpus_replays() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/crd_load");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "empty corpus {}", dir.display());
    let (mut loaded, mut rejected) = (0, 0);
    for path in entries {
        let data = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        match crd_model::load_str("fuzz", text) {
            Ok(docs) => {
                loaded += 1;
                if let Err(e) = crd_model::load::check_round_trip(&docs) {
                    panic!("{}: {e}", path.display());
                }
            }
            Err(e) => {
                rejected += 1;
                // every error says where it is
                for err in &e.0 {
                    assert_eq!(err.source, "fuzz");
                    assert!(!err.message.is_empty(), "{}", path.display());
                }
            }
        }
    }
    assert!(loaded >= 10, "loaded {loaded}");
    assert!(rejected >= 5, "rejected {rejected}");
}

/// A cheap stand-in for a fuzzing run on stable: thousands of deterministic mutations (byte
/// flips, truncations, splices, duplicated lines) of every corpus input keep the same
/// invariants.
#[test]
fn mutated_corpus_keeps_invariants() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/crd_load");
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    inputs.sort();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const TOKENS: &[&[u8]] = &[
        b": ", b"- ", b"---\n", b"{", b"}", b"[", b"]", b"\"", b"'", b"&a ", b"*a", b"!!str ",
        b"\n  ", b"#", b"null", b"~", b"0x", b"1e9", b"-1", b"\t", b"? ", b"|\n", b">-\n",
        b"\\u0000",
    ];
    let mut checked = 0;
    for round in 0..40 {
        for base in &inputs {
            if base.is_empty() {
                continue;
            }
            let mut data = base.clone();
            for _ in 0..1 + (next() % 4) {
                let pos = (next() as usize) % (data.len() + 1);
                match next() % 5 {
                    0 if pos < data.len() => data[pos] = next() as u8,
                    1 => data.truncate(pos),
                    2 => {
                        let t = TOKENS[(next() as usize) % TOKENS.len()];
                        data.splice(pos..pos, t.iter().copied());
                    }
                    3 if pos < data.len() => {
                        let end = (pos + (next() as usize) % 64).min(data.len());
                        let chunk = data[pos..end].to_vec();
                        data.splice(pos..pos, chunk);
                    }
                    _ => {
                        let other = &inputs[(next() as usize) % inputs.len()];
                        let cut = (next() as usize) % (other.len() + 1);
                        data.truncate(pos);
                        data.extend_from_slice(&other[cut..]);
                    }
                }
            }
            let Ok(text) = std::str::from_utf8(&data) else {
                continue;
            };
            checked += 1;
            if let Ok(docs) = crd_model::load_str("fuzz", text)
                && let Err(e) = crd_model::load::check_round_trip(&docs)
            {
                panic!("round {round}: {e}\ninput:\n{text}");
            }
        }
    }
    assert!(checked > 500, "{checked}");
}
