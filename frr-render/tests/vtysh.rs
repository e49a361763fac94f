//! Every configuration the test suite renders is accepted by FRR's parser (`vtysh -C`).
//! Skipped (with the reason printed) when FRR is not installed, unless REQUIRE_INTEROP=1.

mod common;

use frr_render::render;
use frr_render::vtysh::validate_with_vtysh;

#[test]
fn goldens_pass_vtysh() {
    if !common::frr_or_skip("goldens_pass_vtysh") {
        return;
    }
    for (name, config, golden) in common::goldens() {
        validate_with_vtysh(&golden).unwrap_or_else(|e| panic!("golden {name}: {e}"));
        validate_with_vtysh(&render(&config)).unwrap_or_else(|e| panic!("render {name}: {e}"));
    }
}

#[test]
fn vtysh_rejects_a_bad_line_with_its_number() {
    if !common::frr_or_skip("vtysh_rejects_a_bad_line_with_its_number") {
        return;
    }
    let (_, mut config, _) = common::goldens()
        .into_iter()
        .find(|g| g.0 == "TestSingleSessionBFD")
        .unwrap();
    config.bfd_profiles[0].detect_multiplier = Some(500);
    let text = render(&config);
    let want = text
        .lines()
        .position(|l| l.contains("detect-multiplier 500"))
        .unwrap()
        + 1;
    let err = validate_with_vtysh(&text).unwrap_err();
    assert_eq!(err.line, Some(want), "{err}");
    assert!(err.message.contains("detect-multiplier 500"), "{err}");
}

#[test]
fn converted_and_merged_configs_pass_vtysh() {
    if !common::frr_or_skip("converted_and_merged_configs_pass_vtysh") {
        return;
    }
    let all: Vec<(String, String)> = common::fixtures::converted_configs()
        .into_iter()
        .map(|(n, c)| (n, render(&c)))
        .collect();
    assert_eq!(all.len(), 3);
    for (name, text) in all {
        validate_with_vtysh(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    }
}
