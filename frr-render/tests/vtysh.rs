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
