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

/// The demo scenarios and merge outputs of the conversion tests.
fn converted_configs() -> Vec<(String, String)> {
    use common::fixtures::*;
    use serde_json::json;
    let mut out = Vec::new();
    let mut add = |name: &str,
                   configs: Vec<crd_model::FRRConfiguration>,
                   secrets: Vec<frr_render::convert::Secret>| {
        let n = node("node1", &[("kubernetes.io/hostname", "node1")]);
        let conv = frr_render::convert::node_config(&n, &configs, &secrets)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((name.to_string(), render(&conv.config)));
    };
    add("demo-import", vec![demo_import()], vec![]);
    add("demo-advertise", demo_advertise(1), vec![]);
    let rich = json!({"address": "192.168.1.2", "asn": 65001, "port": 1179, "holdTime": "90s", "keepaliveTime": "30s",
        "connectTime": "5s", "ebgpMultiHop": true, "sourceaddress": "192.168.1.1", "enableGracefulRestart": true,
        "localASN": 65100, "passwordSecret": {"name": "pw"}, "bfdProfile": "p", "dualStackAddressFamily": true,
        "toAdvertise": {"allowed": {"mode": "all"}, "nextHop": {"ipv4": "192.168.1.1", "ipv6": "2001:db8::1"},
            "withLocalPref": [{"prefixes": ["192.0.2.0/24"], "localPref": 150}],
            "withCommunity": [{"prefixes": ["192.0.2.0/24", "2001:db8::/64"], "community": "10:170"},
                              {"prefixes": ["2001:db8::/64"], "community": "large:1:2:3"}]},
        "toReceive": {"allowed": {"prefixes": [{"prefix": "10.0.0.0/8", "le": 24, "ge": 16}, {"prefix": "2001:db8:1::/48"}]}}});
    let other = json!({"address": "fd00::2", "dynamicASN": "external", "toReceive": {"allowed": {"mode": "all"}}});
    let spec = json!({"bgp": {
        "bfdProfiles": [{"name": "p", "receiveInterval": 100, "transmitInterval": 100, "detectMultiplier": 3,
                         "echoInterval": 50, "echoMode": true, "passiveMode": true, "minimumTtl": 250}],
        "routers": [
            {"asn": 65000, "id": "10.0.0.1", "prefixes": ["192.0.2.0/24", "2001:db8::/64"], "neighbors": [rich.clone(), other],
             "imports": [{"vrf": "red"}]},
            {"asn": 65000, "vrf": "red", "prefixes": ["198.51.100.0/24"],
             "neighbors": [{"interface": "eth1", "asn": 65002, "toAdvertise": {"allowed": {"mode": "all"}}}],
             "imports": [{"vrf": "default"}]}]},
        "raw": {"rawConfig": "bgp route-map delay-timer 0"}});
    let mut again = rich.clone();
    again["toAdvertise"] = json!({"allowed": {"prefixes": ["203.0.113.0/24"]}});
    again["toReceive"] = json!({"allowed": {"prefixes": [{"prefix": "10.9.0.0/16"}]}});
    again["bfdProfile"] = json!("");
    let second = router_spec(
        65000,
        "",
        &["203.0.113.0/24"],
        json!([again, {"address": "192.168.1.3", "asn": 65003}]),
    );
    add(
        "merged-rich",
        vec![cfg("rich", spec), cfg("second", second)],
        vec![secret("pw", "s3cr3t")],
    );
    out
}

#[test]
fn converted_and_merged_configs_pass_vtysh() {
    if !common::frr_or_skip("converted_and_merged_configs_pass_vtysh") {
        return;
    }
    let all = converted_configs();
    assert_eq!(all.len(), 3);
    for (name, text) in all {
        validate_with_vtysh(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    }
}
