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
