//! Replays the fuzz corpora (`fuzz/corpus/frr_render_*`) through the fuzz entry points.

use std::path::PathBuf;

fn replay(target: &str, f: fn(&[u8])) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("read corpus file");
        let r = std::panic::catch_unwind(|| f(&data));
        assert!(r.is_ok(), "{} panics", path.display());
        n += 1;
    }
    n
}

#[test]
fn model_corpus() {
    let n = replay("frr_render_model", frr_render::fuzz::model_json);
    assert!(
        n >= 29,
        "corpus holds at least the 29 golden inputs, found {n}"
    );
}

#[test]
fn convert_corpus() {
    let n = replay(
        "frr_render_convert",
        frr_render::fuzz::frr_configurations_json,
    );
    assert!(n >= 5, "corpus too small: {n}");
}
