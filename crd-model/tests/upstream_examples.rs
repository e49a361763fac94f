//! Manifests shaped like upstream documentation examples load, validate cleanly and round-trip
//! through JSON and YAML without losing or changing anything.

use crd_model::{Object, load_str};
use serde_json::Value;

const FILES: &[(&str, &str)] = &[
    (
        "ovnk-receive-filtered.yaml",
        include_str!("data/upstream/ovnk-receive-filtered.yaml"),
    ),
    (
        "ovnk-import-vrf.yaml",
        include_str!("data/upstream/ovnk-import-vrf.yaml"),
    ),
    (
        "ovnk-route-advertisements.yaml",
        include_str!("data/upstream/ovnk-route-advertisements.yaml"),
    ),
    (
        "frrk8s-receive-advertise.yaml",
        include_str!("data/upstream/frrk8s-receive-advertise.yaml"),
    ),
    (
        "frrk8s-evpn.yaml",
        include_str!("data/upstream/frrk8s-evpn.yaml"),
    ),
    (
        "status-objects.yaml",
        include_str!("data/upstream/status-objects.yaml"),
    ),
];

/// Drops what serialization legitimately omits: empty mappings and sequences, and the
/// default `mode: filtered`, and empty strings (Go's `omitempty`; label values are kept).
fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, v)| !(k.as_str() == "mode" && v.as_str() == Some("filtered")))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .filter(|(_, v)| !matches!(v, Value::Object(m) if m.is_empty()))
                .filter(|(_, v)| !matches!(v, Value::Array(a) if a.is_empty()))
                .filter(|(_, v)| v.as_str() != Some(""))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

#[test]
fn upstream_examples_load_validate_and_round_trip() {
    let mut total = 0;
    for (name, text) in FILES {
        let docs = load_str(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!docs.is_empty(), "{name}");
        let originals: Vec<Value> = serde_saphyr::from_multiple(text).unwrap();
        let originals: Vec<&Value> = originals.iter().filter(|v| !v.is_null()).collect();
        assert_eq!(originals.len(), docs.len(), "{name}");
        for (doc, original) in docs.iter().zip(originals) {
            total += 1;
            let errs = doc.validate();
            assert!(errs.is_empty(), "{name}: {errs:?}");

            // JSON text equals the input, modulo omitted empty values
            let json = doc.object.to_json_value();
            assert_eq!(normalize(&json), normalize(original), "{name}");

            // reload from JSON and from YAML gives the same typed object
            let again = load_str("json", &serde_json::to_string_pretty(&json).unwrap()).unwrap();
            assert_eq!(again[0].object, doc.object, "{name}");
            let yaml = serde_saphyr::to_string(&json).unwrap();
            let again = load_str("yaml", &yaml).unwrap();
            assert_eq!(again[0].object, doc.object, "{name}\n{yaml}");
        }
    }
    assert_eq!(total, 11);
}

#[test]
fn example_fields_land_where_expected() {
    let docs = load_str("x", FILES[3].1).unwrap();
    let Object::FRRConfiguration(c) = &docs[0].object else {
        panic!("not an FRRConfiguration")
    };
    let r = &c.spec.bgp.routers[0];
    assert_eq!(r.asn, 64512);
    let n0 = &r.neighbors[0];
    assert_eq!(n0.asn, 4_200_000_000);
    assert!(n0.ebgp_multi_hop);
    assert_eq!(n0.port, Some(180));
    assert_eq!(n0.password_secret.name, "passwordsecret");
    assert_eq!(n0.to_advertise.allowed.mode, crd_model::AllowMode::All);
    let n1 = &r.neighbors[1];
    assert_eq!(n1.to_advertise.allowed.mode, crd_model::AllowMode::Filtered);
    assert_eq!(n1.to_advertise.prefixes_with_local_pref[0].local_pref, 100);
    assert_eq!(
        n1.to_advertise.prefixes_with_community[1].community,
        "large:123:456:7890"
    );
    let sel = &n1.to_receive.allowed.prefixes[1];
    assert_eq!(
        (sel.prefix.as_str(), sel.ge, sel.le),
        ("192.169.1.0/24", 25, 28)
    );
    let bfd = &c.spec.bgp.bfd_profiles[0];
    assert_eq!(bfd.receive_interval, Some(100));
    assert_eq!(bfd.echo_mode, Some(false));
    assert_eq!(bfd.minimum_ttl, None);
    assert_eq!(
        c.spec.node_selector.match_expressions[0].operator,
        crd_model::LabelSelectorOperator::DoesNotExist
    );

    let docs = load_str("x", FILES[2].1).unwrap();
    let Object::RouteAdvertisements(ra) = &docs[3].object else {
        panic!("not a RouteAdvertisements")
    };
    assert!(ra.spec.target_vrf_is_auto());
    assert_eq!(
        ra.spec.network_selectors[0].network_selection_type,
        crd_model::NetworkSelectionType::ClusterUserDefinedNetworks
    );
}

#[test]
fn unquoted_boolean_label_is_a_clear_error() {
    // The ovn-kubernetes docs write `advertise: true`, a YAML boolean; a label map holds strings.
    let text = FILES[2].1.replace("advertise: \"true\"", "advertise: true");
    let err = load_str("ra.yaml", &text).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("spec.networkSelectors[1].clusterUserDefinedNetworkSelector.networkSelector.matchLabels.advertise"),
        "{msg}"
    );
    assert!(msg.contains("RouteAdvertisements default-all"), "{msg}");
    assert!(msg.contains("expected a string"), "{msg}");
}
