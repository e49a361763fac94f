//! The 29 frr-k8s render goldens (`/work/shared/spec/frr-k8s-goldens`, copied into
//! `tests/goldens/`): each input model renders byte for byte to its golden.

mod common;

use common::goldens;
use frr_render::{Config, render};

#[test]
fn all_goldens_render_byte_for_byte() {
    let all = goldens();
    assert_eq!(all.len(), 29, "expected the 29 fixtures with inputs");
    let mut failed = Vec::new();
    for (name, config, golden) in &all {
        let got = render(config);
        if &got != golden {
            let line = got
                .lines()
                .zip(golden.lines())
                .position(|(a, b)| a != b)
                .map(|i| i + 1)
                .unwrap_or_else(|| got.lines().count().min(golden.lines().count()) + 1);
            eprintln!(
                "{name}: first difference at line {line}\n got: {:?}\nwant: {:?}",
                got.lines().nth(line - 1),
                golden.lines().nth(line - 1)
            );
            failed.push(name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "{}/29 goldens differ: {failed:?}",
        failed.len()
    );
}

#[test]
fn model_json_round_trips() {
    for (name, config, golden) in goldens() {
        let json = serde_json::to_string(&config).expect("serialize");
        let back: Config = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, config, "{name}");
        assert_eq!(render(&back), golden, "{name}");
    }
}
