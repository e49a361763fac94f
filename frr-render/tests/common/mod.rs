//! Fixtures shared by the integration tests.
#![allow(dead_code)]

pub mod fixtures;

use std::path::PathBuf;

use frr_render::Config;

pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/goldens")
}

/// Every `(name, input, golden)` triple of `tests/goldens/`.
pub fn goldens() -> Vec<(String, Config, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(golden_dir()).expect("golden dir") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(test) = name.strip_suffix(".input.json") else {
            continue;
        };
        let input = std::fs::read_to_string(&path).expect("read input");
        let config: Config = serde_json::from_str(&input).unwrap_or_else(|e| panic!("{test}: {e}"));
        let golden = std::fs::read_to_string(golden_dir().join(format!("{test}.golden")))
            .unwrap_or_else(|e| panic!("{test}: {e}"));
        out.push((test.to_string(), config, golden));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Whether FRR tests must run: skip (with the reason printed) unless REQUIRE_INTEROP=1.
pub fn frr_or_skip(test: &str) -> bool {
    if frr_render::vtysh::vtysh_available() {
        return true;
    }
    let reason = format!(
        "{test}: skipped, vtysh not found at {}",
        frr_render::vtysh::vtysh_path().display()
    );
    if std::env::var("REQUIRE_INTEROP").as_deref() == Ok("1") {
        panic!("{reason} and REQUIRE_INTEROP=1");
    }
    eprintln!("{reason}");
    false
}
