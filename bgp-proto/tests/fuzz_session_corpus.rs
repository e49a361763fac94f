//! Replays the `bgp_session` fuzz corpus (`../fuzz/corpus/bgp_session/`) through the same
//! driver as the fuzz target: no panic, invariants hold, and the corpus reaches Established
//! and the RIB.

use bgp_proto::session::fuzz;

#[test]
fn bgp_session_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/bgp_session");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "corpus has {} files", files.len());
    let mut established = 0;
    let mut with_routes = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let out = std::panic::catch_unwind(|| fuzz::run(&data))
            .unwrap_or_else(|_| panic!("{} panicked", f.display()));
        established += usize::from(out.established > 0);
        with_routes += usize::from(out.routes > 0);
    }
    assert!(
        established >= 10,
        "only {established} inputs reach Established"
    );
    assert!(
        with_routes >= 3,
        "only {with_routes} inputs put routes in the RIB"
    );
    // Seeds that pin down behaviour.
    let seed = |name: &str| fuzz::run(&std::fs::read(dir.join(name)).unwrap());
    assert_eq!(seed("update_ipv4").routes, 2);
    assert_eq!(seed("update_then_withdraw").routes, 1);
    assert_eq!(seed("treat_as_withdraw_origin").routes, 1);
    assert_eq!(seed("establish").established, 1);
    assert_eq!(seed("hold_expiry").routes, 0);
}
