//! FRRConfiguration builders for the conversion, merge and vtysh tests.

use std::collections::BTreeMap;

use crd_model::FRRConfiguration;
use frr_render::convert::{NodeContext, Secret};
use serde_json::{Value, json};

/// An FRRConfiguration named `name` in `frr-k8s-system` with the given `spec`.
pub fn cfg(name: &str, spec: Value) -> FRRConfiguration {
    serde_json::from_value(json!({
        "apiVersion": "frrk8s.metallb.io/v1beta1",
        "kind": "FRRConfiguration",
        "metadata": {"name": name, "namespace": "frr-k8s-system"},
        "spec": spec,
    }))
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// A spec with one router and the given neighbors.
pub fn router_spec(asn: u32, vrf: &str, prefixes: &[&str], neighbors: Value) -> Value {
    json!({"bgp": {"routers": [{"asn": asn, "vrf": vrf, "prefixes": prefixes, "neighbors": neighbors}]}})
}

/// The node every test renders for.
pub fn node(name: &str, labels: &[(&str, &str)]) -> NodeContext {
    NodeContext {
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        hostname: String::new(),
        log_level: Default::default(),
        always_block: Vec::new(),
        has_ipv4_address: true,
    }
}

pub fn secret(name: &str, password: &str) -> Secret {
    Secret::basic_auth(name, "frr-k8s-system", password)
}

/// Scenario 1 of demos.md: import 172.26.0.0/16 only, from the dual-stack fabric router.
pub fn demo_import() -> FRRConfiguration {
    cfg(
        "receive-provider",
        json!({"bgp": {"routers": [{"asn": 64512, "neighbors": [
            {"address": "192.168.111.1", "asn": 64500,
             "toReceive": {"allowed": {"mode": "filtered", "prefixes": [{"prefix": "172.26.0.0/16"}]}}},
            {"address": "fd00:111::1", "asn": 64500,
             "toReceive": {"allowed": {"mode": "filtered", "prefixes": [{"prefix": "172.26.0.0/16"}]}}}
        ]}]}}),
    )
}

/// Scenario 2 of demos.md for node `n` (1..=3): iBGP, accept all, advertise the node's /24 and the
/// whole 10.100.0.0/16, BFD 100 ms x3. Three objects select the node: the base one, the generated
/// per-node one and the layer-2 one.
pub fn demo_advertise(n: u8) -> Vec<FRRConfiguration> {
    let own = format!("10.100.{n}.0/24");
    vec![
        cfg(
            "fabric-ibgp",
            json!({"bgp": {"routers": [{"asn": 64512, "neighbors": [
                {"address": "192.168.111.1", "asn": 64512, "bfdProfile": "fast",
                 "toReceive": {"allowed": {"mode": "all"}}}]}],
                "bfdProfiles": [{"name": "fast", "receiveInterval": 100, "transmitInterval": 100, "detectMultiplier": 3}]}}),
        ),
        cfg(
            &format!("ovnk-generated-node{n}"),
            json!({"nodeSelector": {"matchLabels": {"kubernetes.io/hostname": format!("node{n}")}},
                   "bgp": {"routers": [{"asn": 64512, "prefixes": [own], "neighbors": [
                {"address": "192.168.111.1", "asn": 64512,
                 "toAdvertise": {"allowed": {"prefixes": [own]}}}]}]}}),
        ),
        cfg(
            "ovnk-generated-layer2",
            json!({"bgp": {"routers": [{"asn": 64512, "prefixes": ["10.100.0.0/16"], "neighbors": [
                {"address": "192.168.111.1", "asn": 64512,
                 "toAdvertise": {"allowed": {"prefixes": ["10.100.0.0/16"]}}}]}]}}),
        ),
    ]
}

/// The demo scenarios and merge outputs of the conversion tests.
pub fn converted_configs() -> Vec<(String, frr_render::Config)> {
    use serde_json::json;
    let mut out = Vec::new();
    let mut add = |name: &str,
                   configs: Vec<crd_model::FRRConfiguration>,
                   secrets: Vec<frr_render::convert::Secret>| {
        let n = node("node1", &[("kubernetes.io/hostname", "node1")]);
        let conv = frr_render::convert::node_config(&n, &configs, &secrets)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((name.to_string(), conv.config));
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
