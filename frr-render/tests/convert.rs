//! FRRConfigurations → per-node model: selection, validation (frr-k8s error texts), merge rules.

mod common;

use common::fixtures::{cfg, demo_advertise, demo_import, node, router_spec, secret};
use crd_model::FRRConfiguration;
use frr_render::convert::{Conversion, Secret, fallback_router_id, node_config};
use frr_render::model::{AddressFamily, Community, IpFamily, PeerAsn};
use frr_render::render;
use serde_json::json;

fn convert(configs: &[FRRConfiguration], secrets: &[Secret]) -> Conversion {
    node_config(
        &node("node1", &[("kubernetes.io/hostname", "node1")]),
        configs,
        secrets,
    )
    .unwrap_or_else(|e| panic!("conversion failed: {e}"))
}

fn error(configs: &[FRRConfiguration], secrets: &[Secret]) -> String {
    match node_config(&node("node1", &[]), configs, secrets) {
        Ok(c) => panic!("expected an error, got {:#?}", c.config),
        Err(e) => e.message,
    }
}

fn one(neighbor: serde_json::Value) -> FRRConfiguration {
    cfg(
        "c1",
        router_spec(
            65000,
            "",
            &["192.0.2.0/24", "2001:db8::/64"],
            json!([neighbor]),
        ),
    )
}

const NEIGH: &str = "failed to process neighbor";

// ---------- selection ----------

#[test]
fn node_selector_picks_configs() {
    let mut all = demo_advertise(1);
    all.push(demo_advertise(2).swap_remove(1));
    let c = convert(&all, &[]);
    // node1 is selected by the base, its own generated and the layer-2 configs, not node2's.
    assert_eq!(c.selected.len(), 3, "{:?}", c.selected);
    assert!(
        c.selected.iter().all(|s| !s.ends_with("node2")),
        "{:?}",
        c.selected
    );
    let n = &c.config.routers[0].neighbors[0];
    let v4: Vec<String> = n
        .outgoing
        .prefixes_v4
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(v4, ["10.100.0.0/16", "10.100.1.0/24"]);
}

#[test]
fn selector_with_expressions_and_no_match() {
    let mut c = demo_import();
    c.spec.node_selector = serde_json::from_value(json!({"matchExpressions": [
        {"key": "role", "operator": "In", "values": ["edge"]}]}))
    .unwrap();
    let conv = node_config(&node("n", &[("role", "worker")]), &[c.clone()], &[]).unwrap();
    assert!(conv.config.routers.is_empty());
    assert!(conv.selected.is_empty());
    let conv = node_config(&node("n", &[("role", "edge")]), &[c], &[]).unwrap();
    assert_eq!(conv.config.routers.len(), 1);
}

#[test]
fn hostname_and_log_level_come_from_the_node() {
    let mut n = node("node7", &[]);
    n.log_level = frr_render::model::LogLevel::Debugging;
    let conv = node_config(&n, &[demo_import()], &[]).unwrap();
    let text = render(&conv.config);
    assert!(text.starts_with("log stdout debugging\n"));
    assert!(text.contains("\nhostname node7\n"));
}

#[test]
fn ipv6_only_node_gets_fallback_router_id() {
    assert_eq!(
        fallback_router_id("dummyhostname").to_string(),
        "167.62.253.30"
    );
    let mut n = node("dummyhostname", &[]);
    n.has_ipv4_address = false;
    let conv = node_config(&n, &[demo_import()], &[]).unwrap();
    assert_eq!(
        conv.config.routers[0].router_id.unwrap().to_string(),
        "167.62.253.30"
    );
}

// ---------- conversion ----------

#[test]
fn demo_import_converts() {
    let c = convert(&[demo_import()], &[]).config;
    let r = &c.routers[0];
    assert_eq!(r.my_asn, 64512);
    assert_eq!(r.neighbors.len(), 2);
    // neighbors sorted by ID
    assert_eq!(r.neighbors[0].id(), "192.168.111.1");
    assert_eq!(r.neighbors[1].id(), "fd00:111::1");
    assert_eq!(r.neighbors[1].ip_family, IpFamily::Ipv6);
    assert_eq!(
        r.neighbors[0].incoming.prefixes_v4[0].prefix.to_string(),
        "172.26.0.0/16"
    );
    let text = render(&c);
    assert!(text.contains("ip prefix-list 192.168.111.1-inpl-ipv4 seq 1 permit 172.26.0.0/16\n"));
    assert!(text.contains("ipv6 prefix-list 192.168.111.1-inpl-ipv4 seq 2 deny any\n"));
    assert!(text.contains("ip prefix-list 192.168.111.1-allowed-ipv4 seq 1 deny any\n"));
}

#[test]
fn interface_neighbor_is_dual_stack_and_gets_both_families() {
    let c = convert(
        &[one(json!({"interface": "net0", "dynamicASN": "external", "toAdvertise": {"allowed": {"mode": "all"}}}))],
        &[],
    )
    .config;
    let n = &c.routers[0].neighbors[0];
    assert_eq!(n.ip_family, IpFamily::Dual);
    assert_eq!(n.asn, PeerAsn::External);
    assert_eq!(n.name, "external@net0");
    assert_eq!(n.outgoing.prefixes_v4.len(), 1);
    assert_eq!(n.outgoing.prefixes_v6.len(), 1);
}

#[test]
fn prefixes_of_other_family_are_not_advertised_to_single_stack_peer() {
    let c = convert(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"prefixes": ["192.0.2.0/24", "2001:db8::/64"]}}}))],
        &[],
    )
    .config;
    let n = &c.routers[0].neighbors[0];
    assert_eq!(n.outgoing.prefixes_v4.len(), 1);
    assert!(n.outgoing.prefixes_v6.is_empty());
    let c = convert(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "dualStackAddressFamily": true,
        "toAdvertise": {"allowed": {"prefixes": ["192.0.2.0/24", "2001:db8::/64"]}}}),
        )],
        &[],
    )
    .config;
    assert_eq!(c.routers[0].neighbors[0].outgoing.prefixes_v6.len(), 1);
    assert_eq!(c.routers[0].neighbors[0].ip_family, IpFamily::Dual);
}

#[test]
fn session_options_are_converted_and_defaults_cleared() {
    let c = convert(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "port": 179,
        "holdTime": "3m", "keepaliveTime": "1m", "connectTime": "5s", "ebgpMultiHop": true,
        "sourceaddress": "192.168.1.1", "enableGracefulRestart": true, "localASN": 65100,
        "addressFamilies": ["evpn", "unicast"]}),
        )],
        &[],
    );
    let n = &c.config.routers[0].neighbors[0];
    assert_eq!(n.port, None, "179 is the default and is cleared");
    assert_eq!(n.hold_time, None);
    assert_eq!(n.keepalive_time, None);
    assert_eq!(n.connect_time, Some(5));
    assert!(n.ebgp_multi_hop && n.graceful_restart);
    assert_eq!(n.local_asn, 65100);
    assert_eq!(n.src_addr.unwrap().to_string(), "192.168.1.1");
    assert_eq!(
        n.address_families,
        [AddressFamily::Unicast, AddressFamily::Evpn]
    );
    assert!(
        c.warnings.iter().any(|w| w.contains("graceful restart")),
        "{:?}",
        c.warnings
    );
    let text = render(&c.config);
    assert!(text.contains("neighbor 192.168.1.2 local-as 65100 no-prepend replace-as"));
    assert!(text.contains("neighbor 192.168.1.2 timers connect 5"));
    assert!(!text.contains(" port "));
}

#[test]
fn disable_mp_is_only_a_warning() {
    let c = convert(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "disableMP": true}),
        )],
        &[],
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("disableMP is deprecated")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn local_pref_and_community_lists() {
    let c = convert(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"mode": "all"},
            "withLocalPref": [{"prefixes": ["192.0.2.0/24"], "localPref": 150}],
            "withCommunity": [{"prefixes": ["192.0.2.0/24"], "community": "10:170"},
                              {"prefixes": ["192.0.2.0/24"], "community": "large:1:2:3"}]}}))],
        &[],
    );
    let out = &c.config.routers[0].neighbors[0].outgoing;
    assert_eq!(
        out.local_pref_prefixes_modifiers[0].list.name,
        "192.168.1.2-150-ip-localpref-prefixes"
    );
    let names: Vec<&str> = out
        .community_prefixes_modifiers
        .iter()
        .map(|m| m.list.name.as_str())
        .collect();
    assert!(
        names.contains(&"192.168.1.2-10:170-ip-community-prefixes"),
        "{names:?}"
    );
    assert!(
        names.contains(&"192.168.1.2-large:1:2:3-ip-community-prefixes"),
        "{names:?}"
    );
    assert!(
        out.community_prefixes_modifiers
            .iter()
            .any(|m| m.community == Community::Large(1, 2, 3))
    );
    let text = render(&c.config);
    assert!(text.contains("  set large-community 1:2:3 additive\n"));
    assert!(text.contains("  set local-preference 150\n"));
}

#[test]
fn incoming_selectors_le_ge_rendered_le_first() {
    let c = convert(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toReceive": {"allowed": {"prefixes": [
            {"prefix": "10.0.0.0/8", "ge": 16, "le": 24}, {"prefix": "2001:db8:1::/48"}]}}}))],
        &[],
    );
    let text = render(&c.config);
    assert!(
        text.contains("ip prefix-list 192.168.1.2-inpl-ipv4 seq 1 permit 10.0.0.0/8 le 24 ge 16\n"),
        "{text}"
    );
    assert!(text.contains("ipv6 prefix-list 192.168.1.2-inpl-ipv4 seq 2 permit 2001:db8:1::/48\n"));
}

#[test]
fn password_from_basic_auth_secret() {
    let n = json!({"address": "192.168.1.2", "asn": 65001, "passwordSecret": {"name": "bgp-pass", "namespace": "frr-k8s-system"}});
    let c = convert(&[one(n)], &[secret("bgp-pass", "s3cr3t")]);
    let neigh = &c.config.routers[0].neighbors[0];
    assert_eq!(neigh.password.expose(), "s3cr3t");
    assert!(
        !format!("{c:?}").contains("s3cr3t"),
        "Debug must not show the password"
    );
    assert!(render(&c.config).contains("neighbor 192.168.1.2 password s3cr3t"));
}

#[test]
fn password_from_base64_data() {
    let mut s = secret("bgp-pass", "");
    s.string_data.clear();
    s.data.insert("password".into(), "czNjcjN0".into()); // "s3cr3t"
    assert!(!format!("{s:?}").contains("czNjcjN0"));
    let n = json!({"address": "192.168.1.2", "asn": 65001, "passwordSecret": {"name": "bgp-pass"}});
    let c = convert(&[one(n)], &[s]);
    assert_eq!(c.config.routers[0].neighbors[0].password.expose(), "s3cr3t");
}

#[test]
fn raw_configs_ordered_by_priority_then_name() {
    let mk = |name: &str, prio: i64, text: &str| {
        cfg(name, json!({"raw": {"priority": prio, "rawConfig": text}}))
    };
    let c = convert(
        &[mk("b", 5, "! b5"), mk("a", 5, "! a5"), mk("z", 1, "! z1")],
        &[],
    )
    .config;
    assert_eq!(c.extra_config, "! z1\n! a5\n! b5\n");
}

#[test]
fn bfd_profiles_sorted_and_shared_identical_profiles_allowed() {
    let p = json!([{"name": "zz", "receiveInterval": 100}, {"name": "aa"}]);
    let c = convert(
        &[
            cfg("a", json!({"bgp": {"bfdProfiles": p}})),
            cfg("b", json!({"bgp": {"bfdProfiles": [{"name": "aa"}]}})),
        ],
        &[],
    )
    .config;
    let names: Vec<&str> = c.bfd_profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["aa", "zz"]);
}

#[test]
fn import_vrfs_and_imported_prefixes_may_be_advertised() {
    let spec = json!({"bgp": {"routers": [
        {"asn": 65000, "vrf": "red", "prefixes": ["192.0.2.0/24"]},
        {"asn": 65000, "prefixes": ["198.51.100.0/24"], "imports": [{"vrf": "red"}],
         "neighbors": [{"address": "192.168.1.2", "asn": 65001,
            "toAdvertise": {"allowed": {"prefixes": ["192.0.2.0/24"]}}}]}]}});
    let c = convert(&[cfg("c", spec)], &[]).config;
    assert_eq!(c.routers[0].vrf, "", "default VRF first");
    assert_eq!(c.routers[0].import_vrfs, ["red"]);
    assert_eq!(
        c.routers[0].neighbors[0].outgoing.prefixes_v4[0].to_string(),
        "192.0.2.0/24"
    );
    assert!(render(&c).contains("    import vrf red\n"));
}

// ---------- validation errors ----------

#[test]
fn err_no_address_no_interface() {
    let e = error(&[one(json!({"asn": 65001}))], &[]);
    assert_eq!(
        e,
        format!(
            "{NEIGH} 65001@ for router 65000-: neighbor with ASN 65001 has no address and no interface"
        )
    );
}

#[test]
fn err_both_address_and_interface() {
    let e = error(
        &[one(
            json!({"asn": 65001, "address": "192.168.1.2", "interface": "eth0"}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor 65001@192.168.1.2 has both Address and Interface specified"),
        "{e}"
    );
}

#[test]
fn err_missing_bfd_profile() {
    let e = error(
        &[one(
            json!({"asn": 65001, "address": "192.168.1.2", "bfdProfile": "nope"}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor 65001@192.168.1.2 referencing non existing BFDProfile nope"),
        "{e}"
    );
}

#[test]
fn err_bfd_profile_of_other_config_is_not_visible() {
    let c0 = cfg(
        "a-profiles",
        json!({"bgp": {"bfdProfiles": [{"name": "p"}]}}),
    );
    let e = error(
        &[
            c0,
            one(json!({"asn": 65001, "address": "192.168.1.2", "bfdProfile": "p"})),
        ],
        &[],
    );
    assert!(e.ends_with("referencing non existing BFDProfile p"), "{e}");
}

#[test]
fn err_no_asn() {
    let e = error(&[one(json!({"address": "192.168.1.2"}))], &[]);
    assert!(
        e.ends_with("neighbor 0@192.168.1.2 has no ASN or DynamicASN specified"),
        "{e}"
    );
}

#[test]
fn err_both_asn_and_dynamic() {
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "dynamicASN": "external"}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor external@192.168.1.2 has both ASN and DynamicASN specified"),
        "{e}"
    );
}

#[test]
fn err_local_asn_on_ibgp() {
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65000, "localASN": 65100}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor 65000@192.168.1.2: localASN is not supported for iBGP sessions"),
        "{e}"
    );
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "dynamicASN": "internal", "localASN": 65100}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor internal@192.168.1.2: localASN is not supported for iBGP sessions"),
        "{e}"
    );
}

#[test]
fn err_password_and_secret() {
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "password": "x", "passwordSecret": {"name": "s"}}),
        )],
        &[],
    );
    assert!(
        e.ends_with("neighbor 65001@192.168.1.2 specifies both cleartext password and secret ref"),
        "{e}"
    );
}

#[test]
fn err_secret_missing_is_transient() {
    let r = node_config(
        &node("n", &[]),
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "passwordSecret": {"name": "s"}}),
        )],
        &[],
    );
    let e = r.unwrap_err();
    assert!(e.transient);
    assert!(
        e.message
            .ends_with("secret s not found for neighbor 65001@192.168.1.2"),
        "{}",
        e.message
    );
    assert_eq!(e.config.as_deref(), Some("frr-k8s-system/c1"));
}

#[test]
fn err_secret_wrong_type_or_missing_key() {
    let n = one(json!({"address": "192.168.1.2", "asn": 65001, "passwordSecret": {"name": "s"}}));
    let mut s = secret("s", "x");
    s.type_ = "Opaque".into();
    let e = error(std::slice::from_ref(&n), &[s]);
    assert!(e.ends_with(r#"secret type mismatch on "frr-k8s-system"/"s", type "kubernetes.io/basic-auth" is expected "#), "{e}");
    let mut s = secret("s", "x");
    s.string_data.clear();
    let e = error(&[n], &[s]);
    assert!(
        e.ends_with(r#"password field not specified in the secret "frr-k8s-system"/"s""#),
        "{e}"
    );
}

#[test]
fn err_timers() {
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "holdTime": "90s"}),
        )],
        &[],
    );
    assert!(e.ends_with("invalid timers for neighbor 65001@192.168.1.2, err: one of KeepaliveTime/HoldTime specified, both must be set or none"), "{e}");
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "holdTime": "2s", "keepaliveTime": "1s"}),
        )],
        &[],
    );
    assert!(
        e.ends_with(r#"invalid hold time "2s": must be 0 or >=3s"#),
        "{e}"
    );
    let e = error(
        &[one(
            json!({"address": "192.168.1.2", "asn": 65001, "holdTime": "10s", "keepaliveTime": "20s"}),
        )],
        &[],
    );
    assert!(
        e.ends_with(r#"invalid keepaliveTime "20s", must be lower than holdTime "10s""#),
        "{e}"
    );
}

#[test]
fn err_advertise_non_configured_prefix() {
    let e = error(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"prefixes": ["203.0.113.0/24"]}}}))],
        &[],
    );
    assert_eq!(
        e,
        "trying to advertise non configured prefix 203.0.113.0/24 to neighbor 65001@192.168.1.2, vrf "
    );
}

#[test]
fn err_next_hop_family() {
    let e = error(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"nextHop": {"ipv4": "2001:db8::1"}}}))],
        &[],
    );
    assert!(
        e.ends_with("prefix 2001:db8::1 is not compatible with the ipfamily ipv4"),
        "{e}"
    );
}

#[test]
fn err_local_pref_conflict() {
    let lp = |mode: serde_json::Value| {
        one(json!({"address": "192.168.1.2", "asn": 65001,
            "toAdvertise": {"allowed": mode, "withLocalPref": [
                {"prefixes": ["192.0.2.0/24"], "localPref": 100}, {"prefixes": ["192.0.2.0/24"], "localPref": 200}]}}))
    };
    let e = error(&[lp(json!({"prefixes": ["192.0.2.0/24"]}))], &[]);
    assert_eq!(
        e,
        "prefix [192.0.2.0/24] is configured with both local preference 100 and 200"
    );
    // With mode all frr-k8s skips that check; the self-merge catches the conflict instead.
    let e = error(&[lp(json!({"mode": "all"}))], &[]);
    assert_eq!(
        e,
        "could not merge outgoing for neighbor 192.168.1.2 vrf , err: multiple local prefs (200 != 100) specified for prefix 192.0.2.0/24"
    );
}

#[test]
fn err_local_pref_non_existing_prefix() {
    let e = error(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"prefixes": ["192.0.2.0/24"]}, "withLocalPref": [
            {"prefixes": ["2001:db8::/64"], "localPref": 100}]}, "dualStackAddressFamily": true}))],
        &[],
    );
    assert!(e.ends_with("failed to process local pref for neighbor 65001@192.168.1.2, err: localPref 100 associated to non existing prefix 2001:db8::/64"), "{e}");
}

#[test]
fn err_community_not_advertised_and_invalid() {
    let e = error(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"prefixes": []}, "withCommunity": [
            {"prefixes": ["192.0.2.0/24"], "community": "10:10"}]}}))],
        &[],
    );
    assert!(e.ends_with("prefix 192.0.2.0/24 is advertised for community 10:10 but it's not in the advertisement list of the neighbor"), "{e}");
    let e = error(
        &[one(json!({"address": "192.168.1.2", "asn": 65001,
        "toAdvertise": {"allowed": {"mode": "all"}, "withCommunity": [
            {"prefixes": ["192.0.2.0/24"], "community": "70000:1"}]}}))],
        &[],
    );
    assert!(e.contains("invalid community 70000:1, err: "), "{e}");
}

#[test]
fn err_selector_lengths() {
    let mk = |sel: serde_json::Value| {
        one(
            json!({"address": "192.168.1.2", "asn": 65001, "toReceive": {"allowed": {"prefixes": [sel]}}}),
        )
    };
    let e = error(
        &[mk(json!({"prefix": "10.0.0.0/16", "le": 20, "ge": 24}))],
        &[],
    );
    assert!(
        e.ends_with("invalid selector lengths: ge 24 is bigger than le 20"),
        "{e}"
    );
    let e = error(&[mk(json!({"prefix": "10.0.0.0/16", "le": 8}))], &[]);
    assert!(
        e.ends_with("invalid selector lengths: cidr mask 16 is bigger than le 8"),
        "{e}"
    );
    let e = error(&[mk(json!({"prefix": "10.0.0.0/16", "ge": 8}))], &[]);
    assert!(
        e.ends_with("invalid selector lengths: cidr mask 16 is bigger than ge 8"),
        "{e}"
    );
}

#[test]
fn err_import_undefined_vrf() {
    let spec = json!({"bgp": {"routers": [{"asn": 65000, "imports": [{"vrf": "blue"}]}]}});
    assert_eq!(
        error(&[cfg("c", spec)], &[]),
        "router 65000- imports vrf blue which is not defined"
    );
}

#[test]
fn err_bad_router_prefix() {
    let e = error(
        &[cfg("c", router_spec(65000, "", &["not-a-cidr"], json!([])))],
        &[],
    );
    assert_eq!(e, "unknown ipfamily for not-a-cidr");
}

#[test]
fn err_duplicate_bfd_profiles() {
    let e = error(
        &[cfg(
            "c",
            json!({"bgp": {"bfdProfiles": [{"name": "p"}, {"name": "p"}]}}),
        )],
        &[],
    );
    assert_eq!(e, "duplicate bfd profile name p in config c");
    let e = error(
        &[
            cfg("a", json!({"bgp": {"bfdProfiles": [{"name": "p"}]}})),
            cfg(
                "b",
                json!({"bgp": {"bfdProfiles": [{"name": "p", "detectMultiplier": 5}]}}),
            ),
        ],
        &[],
    );
    assert_eq!(
        e,
        "duplicate bfd profile name p with different values for config b"
    );
}

// ---------- merge ----------

fn two(n1: serde_json::Value, n2: serde_json::Value) -> Vec<FRRConfiguration> {
    vec![
        cfg(
            "a",
            router_spec(65000, "", &["192.0.2.0/24", "198.51.100.0/24"], json!([n1])),
        ),
        cfg(
            "b",
            router_spec(
                65000,
                "",
                &["198.51.100.0/24", "203.0.113.0/24"],
                json!([n2]),
            ),
        ),
    ]
}

#[test]
fn merge_unions_and_sorts() {
    let c = convert(
        &two(
            json!({"address": "192.168.1.2", "asn": 65001, "toAdvertise": {"allowed": {"prefixes": ["198.51.100.0/24", "192.0.2.0/24"]}},
                   "toReceive": {"allowed": {"prefixes": [{"prefix": "10.2.0.0/16"}]}}}),
            json!({"address": "192.168.1.2", "asn": 65001, "toAdvertise": {"allowed": {"prefixes": ["203.0.113.0/24"]}},
                   "toReceive": {"allowed": {"prefixes": [{"prefix": "10.1.0.0/16"}, {"prefix": "10.2.0.0/16"}]}}}),
        ),
        &[],
    )
    .config;
    let r = &c.routers[0];
    let p: Vec<String> = r.ipv4_prefixes.iter().map(|p| p.to_string()).collect();
    assert_eq!(p, ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
    assert_eq!(r.neighbors.len(), 1);
    let n = &r.neighbors[0];
    let out: Vec<String> = n
        .outgoing
        .prefixes_v4
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(out, ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
    let inc: Vec<String> = n
        .incoming
        .prefixes_v4
        .iter()
        .map(|f| f.prefix.to_string())
        .collect();
    assert_eq!(inc, ["10.1.0.0/16", "10.2.0.0/16"]);
}

#[test]
fn merge_mode_all_wins() {
    let c = convert(
        &two(
            json!({"address": "192.168.1.2", "asn": 65001, "toReceive": {"allowed": {"prefixes": [{"prefix": "10.2.0.0/16"}]}}}),
            json!({"address": "192.168.1.2", "asn": 65001, "toReceive": {"allowed": {"mode": "all"}}}),
        ),
        &[],
    )
    .config;
    let n = &c.routers[0].neighbors[0];
    assert!(n.incoming.all);
    assert!(n.incoming.prefixes_v4.is_empty());
}

#[test]
fn merge_defaults_equal_unset() {
    let c = convert(
        &two(
            json!({"address": "192.168.1.2", "asn": 65001, "port": 179, "holdTime": "180s", "keepaliveTime": "60s"}),
            json!({"address": "192.168.1.2", "asn": 65001, "connectTime": "60s"}),
        ),
        &[],
    )
    .config;
    let n = &c.routers[0].neighbors[0];
    assert_eq!(
        (n.port, n.hold_time, n.keepalive_time, n.connect_time),
        (None, None, None, None)
    );
}

#[test]
fn merge_bfd_profile_one_side_empty_and_gr_first_wins() {
    let mut cs = two(
        json!({"address": "192.168.1.2", "asn": 65001, "enableGracefulRestart": true}),
        json!({"address": "192.168.1.2", "asn": 65001, "bfdProfile": "p"}),
    );
    cs[1].spec.bgp.bfd_profiles = serde_json::from_value(json!([{"name": "p"}])).unwrap();
    let c = convert(&cs, &[]).config;
    let n = &c.routers[0].neighbors[0];
    assert_eq!(n.bfd_profile, "p");
    assert!(n.graceful_restart);
}

#[test]
fn merge_router_id_non_empty_wins_and_conflicts() {
    let a = cfg("a", json!({"bgp": {"routers": [{"asn": 65000}]}}));
    let b = cfg(
        "b",
        json!({"bgp": {"routers": [{"asn": 65000, "id": "10.0.0.1"}]}}),
    );
    let c = convert(&[a, b.clone()], &[]).config;
    assert_eq!(c.routers[0].router_id.unwrap().to_string(), "10.0.0.1");
    let d = cfg(
        "d",
        json!({"bgp": {"routers": [{"asn": 65000, "id": "10.0.0.2"}]}}),
    );
    assert_eq!(
        error(&[b, d], &[]),
        "different router ids (10.0.0.1 != 10.0.0.2) specified for same vrf: "
    );
}

#[test]
fn merge_err_different_asn_same_vrf() {
    let a = cfg(
        "a",
        json!({"bgp": {"routers": [{"asn": 65000, "vrf": "red"}]}}),
    );
    let b = cfg(
        "b",
        json!({"bgp": {"routers": [{"asn": 65001, "vrf": "red"}]}}),
    );
    assert_eq!(
        error(&[a, b], &[]),
        "different asns (65000 != 65001) specified for same vrf: red"
    );
}

#[test]
fn merge_conflicts_are_errors() {
    let base = json!({"address": "192.168.1.2", "asn": 65001});
    let with = |k: &str, v: serde_json::Value| {
        let mut n = base.clone();
        n[k] = v;
        n
    };
    let cases = [
        (
            with("asn", json!(65002)),
            "multiple asns specified for 192.168.1.2",
        ),
        (
            with("port", json!(1179)),
            "multiple ports specified for 192.168.1.2",
        ),
        (
            with("sourceaddress", json!("192.168.1.1")),
            "multiple source addresses specified for 192.168.1.2",
        ),
        (
            with("password", json!("x")),
            "multiple passwords specified for 192.168.1.2",
        ),
        (
            with("ebgpMultiHop", json!(true)),
            "conflicting ebgp-multihop specified for 192.168.1.2",
        ),
        (
            with("dualStackAddressFamily", json!(true)),
            "conflicting advertiseDualStack specified for 192.168.1.2",
        ),
        (
            with("connectTime", json!("5s")),
            "multiple connect times specified for 192.168.1.2",
        ),
        (
            with("localASN", json!(65100)),
            "multiple localASNs specified for 192.168.1.2",
        ),
    ];
    for (other, want) in cases {
        assert_eq!(error(&two(base.clone(), other), &[]), want);
    }
    let mut t = base.clone();
    t["holdTime"] = json!("90s");
    t["keepaliveTime"] = json!("60s");
    assert_eq!(
        error(&two(base.clone(), t), &[]),
        "multiple hold times specified for 192.168.1.2"
    );
    let mut t = base.clone();
    t["holdTime"] = json!("180s");
    t["keepaliveTime"] = json!("30s");
    assert_eq!(
        error(&two(base.clone(), t), &[]),
        "multiple keepalive times specified for 192.168.1.2"
    );
}

#[test]
fn merge_err_bfd_profiles_differ() {
    let mut cs = two(
        json!({"address": "192.168.1.2", "asn": 65001, "bfdProfile": "p1"}),
        json!({"address": "192.168.1.2", "asn": 65001, "bfdProfile": "p2"}),
    );
    cs[0].spec.bgp.bfd_profiles = serde_json::from_value(json!([{"name": "p1"}])).unwrap();
    cs[1].spec.bgp.bfd_profiles = serde_json::from_value(json!([{"name": "p2"}])).unwrap();
    assert_eq!(
        error(&cs, &[]),
        "multiple bfd profiles specified for 192.168.1.2"
    );
}

#[test]
fn merge_err_local_prefs_differ() {
    let lp = |v: u32| {
        json!({"address": "192.168.1.2", "asn": 65001, "toAdvertise": {"allowed": {"prefixes": ["198.51.100.0/24"]},
        "withLocalPref": [{"prefixes": ["198.51.100.0/24"], "localPref": v}]}})
    };
    assert_eq!(
        error(&two(lp(100), lp(200)), &[]),
        "could not merge outgoing for neighbor 192.168.1.2 vrf , err: multiple local prefs (100 != 200) specified for prefix 198.51.100.0/24"
    );
}

#[test]
fn merge_err_next_hops_differ() {
    let nh = |v: &str| json!({"address": "192.168.1.2", "asn": 65001, "toAdvertise": {"nextHop": {"ipv4": v}}});
    assert_eq!(
        error(&two(nh("192.168.1.1"), nh("192.168.1.9")), &[]),
        "multiple ipv4 next hops (192.168.1.1 != 192.168.1.9) specified for 192.168.1.2"
    );
}

#[test]
fn merge_self_duplicate_neighbor_conflict() {
    let spec = router_spec(
        65000,
        "",
        &[],
        json!([{"address": "192.168.1.2", "asn": 65001}, {"address": "192.168.1.2", "asn": 65002}]),
    );
    assert_eq!(
        error(&[cfg("c", spec)], &[]),
        "multiple asns specified for 192.168.1.2"
    );
}

#[test]
fn merge_neighbors_in_vrf_keyed_with_vrf() {
    let spec = json!({"bgp": {"routers": [
        {"asn": 65000, "neighbors": [{"address": "192.168.1.2", "asn": 65001}]},
        {"asn": 65000, "vrf": "red", "neighbors": [{"address": "192.168.1.2", "asn": 65002}]}]}});
    let c = convert(&[cfg("c", spec)], &[]).config;
    assert_eq!(c.routers[1].neighbors[0].id(), "192.168.1.2-red");
    assert!(render(&c).contains("route-map 192.168.1.2-red-in permit"));
}

#[test]
fn merge_evpn() {
    let e = |adv: &str, rd: &str| {
        cfg(
            rd,
            json!({"bgp": {"routers": [{"asn": 65000, "evpn": {"advertiseVNIs": adv,
        "l2vnis": [{"vni": 100, "rd": rd, "importRTs": ["65000:100"], "exportRTs": ["65000:100"]}]}}]}}),
        )
    };
    let c = convert(&[e("All", "65000:100"), e("All", "")], &[]).config;
    let ev = c.routers[0].evpn.as_ref().unwrap();
    assert_eq!(ev.l2_vnis[0].props.rd, "65000:100");
    assert_eq!(
        error(&[e("All", "65000:100"), e("All", "65000:101")], &[]),
        "could not merge EVPN configuration for vrf \"\", err: could not merge l2vni 100, err: different RD values (65000:100 != 65000:101)"
    );
    assert_eq!(
        error(&[e("All", "1:1"), e("Disabled", "1:1")], &[]),
        "could not merge EVPN configuration for vrf \"\", err: different advertiseVNIs (\"All\" != \"Disabled\")"
    );
}

#[test]
fn result_independent_of_input_order() {
    let mut cs = demo_advertise(1);
    let a = convert(&cs, &[]).config;
    cs.reverse();
    let b = convert(&cs, &[]).config;
    assert_eq!(a, b);
}

#[test]
fn demo_advertise_renders_expected_lines() {
    let c = convert(&demo_advertise(1), &[]).config;
    let t = render(&c);
    for want in [
        "ip prefix-list 192.168.111.1-allowed-ipv4 seq 1 permit 10.100.0.0/16\n",
        "ip prefix-list 192.168.111.1-allowed-ipv4 seq 2 permit 10.100.1.0/24\n",
        "ip prefix-list 192.168.111.1-inpl-ipv4 seq 1 permit any\n",
        "  neighbor 192.168.111.1 bfd profile fast\n",
        "  profile fast\n    receive-interval 100\n    transmit-interval 100\n    detect-multiplier 3\n",
        "    network 10.100.0.0/16\n    network 10.100.1.0/24\n",
    ] {
        assert!(t.contains(want), "missing {want:?} in\n{t}");
    }
}

#[test]
fn selector_index_matches_linear_selection() {
    use frr_render::convert::SelectorIndex;
    let mut all = demo_advertise(1);
    all.push(demo_advertise(2).swap_remove(1));
    let expr = cfg(
        "expr",
        json!({"raw": {"rawConfig": "! not on node2"}, "nodeSelector": {"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["node2"]}]}}),
    );
    all.push(expr);
    let idx = SelectorIndex::new(&all);
    for n in ["node1", "node2", "node3"] {
        let ctx = node(n, &[("kubernetes.io/hostname", n)]);
        let linear = node_config(&ctx, &all, &[]).unwrap();
        let indexed = idx.node_config(&ctx, &[]).unwrap();
        assert_eq!(linear, indexed, "{n}");
    }
    let ctx = node("node2", &[("kubernetes.io/hostname", "node2")]);
    assert_eq!(idx.select(&ctx.labels).len(), 3);
    let ctx = node("node3", &[("kubernetes.io/hostname", "node3")]);
    assert_eq!(
        idx.node_config(&ctx, &[]).unwrap().config.extra_config,
        "! not on node2\n"
    );
}

#[test]
fn merged_prefixes_sorted_as_text_not_numerically() {
    let a = cfg(
        "a",
        router_spec(
            65000,
            "",
            &["9.0.0.0/8", "2001:db8:9::/48"],
            json!([
        {"address": "192.168.1.2", "asn": 65001, "dualStackAddressFamily": true, "toAdvertise": {"allowed": {"mode": "all"}}}]),
        ),
    );
    let b = cfg(
        "b",
        router_spec(
            65000,
            "",
            &["10.0.0.0/8", "2001:db8:10::/48"],
            json!([
        {"address": "192.168.1.2", "asn": 65001, "dualStackAddressFamily": true, "toAdvertise": {"allowed": {"mode": "all"}}}]),
        ),
    );
    let c = convert(&[a, b], &[]).config;
    let r = &c.routers[0];
    let s = |v: &[ipnet::IpNet]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    assert_eq!(s(&r.ipv4_prefixes), ["10.0.0.0/8", "9.0.0.0/8"]);
    assert_eq!(s(&r.ipv6_prefixes), ["2001:db8:10::/48", "2001:db8:9::/48"]);
    assert_eq!(
        s(&r.neighbors[0].outgoing.prefixes_v4),
        ["10.0.0.0/8", "9.0.0.0/8"]
    );
    assert_eq!(
        s(&r.neighbors[0].outgoing.prefixes_v6),
        ["2001:db8:10::/48", "2001:db8:9::/48"]
    );
}

#[test]
fn render_nodes_parallel_equals_sequential() {
    use frr_render::convert::render_nodes;
    let mut all = demo_advertise(1);
    all.push(demo_advertise(2).swap_remove(1));
    all.push(demo_advertise(3).swap_remove(1));
    let nodes: Vec<_> = (1..=3)
        .map(|i| {
            node(
                &format!("node{i}"),
                &[("kubernetes.io/hostname", &format!("node{i}"))],
            )
        })
        .collect();
    let seq = render_nodes(&nodes, &all, &[], 1);
    let par = render_nodes(&nodes, &all, &[], 2);
    assert_eq!(seq.len(), 3);
    for (i, (a, b)) in seq.iter().zip(&par).enumerate() {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!(a.1, b.1);
        assert!(a.1.contains(&format!("permit 10.100.{}.0/24", i + 1)));
    }
}
