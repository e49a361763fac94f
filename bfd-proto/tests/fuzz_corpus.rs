//! Replays the cargo-fuzz corpora (`fuzz/corpus/bfd_decode`, `fuzz/corpus/bfd_session`)
//! through the same calls as the fuzz targets, so `cargo test` runs every input on stable.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bfd_proto::wire::Repr;
use bfd_proto::{Config, Session};

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

/// Same invariant as fuzz_targets/bfd_decode.rs.
#[test]
fn bfd_decode_corpus() {
    let mut parsed = 0;
    for (path, data) in corpus("bfd_decode") {
        if let Ok(repr) = Repr::parse_bytes(&data) {
            parsed += 1;
            let bytes = repr.to_bytes();
            assert_eq!(bytes.len(), repr.buffer_len(), "{}", path.display());
            assert_eq!(Repr::parse_bytes(&bytes), Ok(repr), "{}", path.display());
        }
    }
    // The corpus holds both valid packets and every discard rule.
    assert!(parsed >= 10, "only {parsed} valid packets");
}

/// Same driver as fuzz_targets/bfd_session.rs: records of `[delay_ms, ttl, len, bytes]`.
#[test]
fn bfd_session_corpus() {
    let mut reached_up = false;
    for (_path, data) in corpus("bfd_session") {
        let mut s = Session::new(Config::default(), 0x0a0a_0a0a, 1).unwrap();
        let mut now = Instant::now();
        let mut rest = &data[..];
        while let [delay, ttl, len, tail @ ..] = rest {
            let n = usize::from(*len).min(tail.len());
            now += Duration::from_millis(u64::from(*delay));
            s.handle_timeout(now);
            let _ = s.handle_packet(now, &tail[..n], Some(*ttl));
            while let Some(p) = s.poll_transmit(now) {
                assert!(Repr::parse_bytes(&p).is_ok());
            }
            reached_up |= s.state() == bfd_proto::State::Up;
            rest = &tail[n..];
        }
    }
    assert!(reached_up, "the handshake seed brings the session Up");
}
