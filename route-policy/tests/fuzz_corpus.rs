//! Replays every input of the `policy_parse` fuzz corpus through the fuzz target's checks.

use std::path::Path;

#[test]
fn policy_parse_corpus_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/policy_parse");
    let mut files = 0;
    let mut parsed = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory exists") {
        let path = entry.expect("readable entry").path();
        let data = std::fs::read(&path).expect("readable corpus file");
        files += 1;
        if route_policy::testing::check_parse_invariants(&data) {
            parsed += 1;
        }
    }
    assert!(files >= 20, "corpus has only {files} files");
    assert!(
        parsed >= 10 && parsed < files,
        "corpus should mix valid ({parsed}) and invalid inputs"
    );
}
