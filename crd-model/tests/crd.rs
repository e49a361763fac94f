//! Feature `kube`: the generated CRDs carry upstream's names, scope, required fields, enums,
//! ranges, defaults and CEL rules, checked field by field; conversions to and from k8s-openapi
//! and kube-rs types are lossless.
#![cfg(feature = "kube")]

use crd_model::*;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
use serde_json::{Value, json};

fn schema_of(crd: &impl serde::Serialize) -> Value {
    let v = serde_json::to_value(crd).unwrap();
    v.pointer("/spec/versions/0/schema/openAPIV3Schema")
        .cloned()
        .expect("schema")
}

/// Follows `a.b[].c` through `properties` and `items`.
#[track_caller]
fn at<'a>(schema: &'a Value, path: &str) -> &'a Value {
    let mut cur = schema;
    for seg in path.split('.') {
        let (name, items) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        cur = cur
            .get("properties")
            .and_then(|p| p.get(name))
            .unwrap_or_else(|| panic!("no property {name} in {path}"));
        if items {
            cur = cur
                .get("items")
                .unwrap_or_else(|| panic!("{name} has no items"));
        }
    }
    cur
}

#[track_caller]
fn range(schema: &Value, path: &str, min: f64, max: f64) {
    let f = at(schema, path);
    assert_eq!(f["minimum"].as_f64(), Some(min), "{path} minimum: {f}");
    assert_eq!(f["maximum"].as_f64(), Some(max), "{path} maximum: {f}");
    assert_eq!(f["type"], "integer", "{path}");
}

#[track_caller]
fn items(schema: &Value, path: &str, min: Option<u64>, max: Option<u64>) {
    let f = at(schema, path);
    assert_eq!(f["type"], "array", "{path}");
    assert_eq!(
        f.get("minItems").and_then(Value::as_u64),
        min,
        "{path} minItems"
    );
    assert_eq!(
        f.get("maxItems").and_then(Value::as_u64),
        max,
        "{path} maxItems"
    );
}

#[track_caller]
fn enum_of(schema: &Value, path: &str, values: &[&str]) {
    let f = at(schema, path);
    let got: Vec<&str> = f["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} has no enum: {f}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(got, values, "{path}");
}

#[track_caller]
fn required(schema: &Value, path: &str, fields: &[&str]) {
    let f = if path.is_empty() {
        schema
    } else {
        at(schema, path)
    };
    let mut got: Vec<&str> = f
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
        .unwrap_or_default();
    got.sort();
    let mut want = fields.to_vec();
    want.sort();
    assert_eq!(got, want, "required of {path:?}");
}

#[track_caller]
fn cel_messages(schema: &Value, path: &str) -> Vec<String> {
    let f = if path.is_empty() {
        schema
    } else {
        at(schema, path)
    };
    f["x-kubernetes-validations"]
        .as_array()
        .unwrap_or_else(|| panic!("{path} has no CEL rules"))
        .iter()
        .map(|r| {
            r.get("message")
                .and_then(Value::as_str)
                .unwrap_or_else(|| r["rule"].as_str().unwrap())
                .to_string()
        })
        .collect()
}

fn no_nulls_or_refs(v: &Value, path: &str) {
    match v {
        Value::Object(m) => {
            assert!(!m.contains_key("$ref"), "$ref at {path}");
            assert!(!m.contains_key("nullable"), "nullable at {path}");
            assert!(!m.contains_key("anyOf"), "anyOf at {path}");
            if let Some(Value::Array(e)) = m.get("enum") {
                assert!(e.iter().all(|x| !x.is_null()), "null enum at {path}");
            }
            for (k, c) in m {
                no_nulls_or_refs(c, &format!("{path}/{k}"));
            }
        }
        Value::Array(a) => a.iter().for_each(|c| no_nulls_or_refs(c, path)),
        _ => {}
    }
}

#[test]
fn frr_configuration_crd_names_and_scope() {
    let crd = FRRConfiguration::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("frrconfigurations.frrk8s.metallb.io")
    );
    let s = &crd.spec;
    assert_eq!(s.group, "frrk8s.metallb.io");
    assert_eq!(s.scope, "Namespaced");
    assert_eq!(s.names.kind, "FRRConfiguration");
    assert_eq!(s.names.list_kind.as_deref(), Some("FRRConfigurationList"));
    assert_eq!(s.names.plural, "frrconfigurations");
    assert_eq!(s.names.singular.as_deref(), Some("frrconfiguration"));
    assert_eq!(s.names.short_names, None);
    assert_eq!(s.versions.len(), 1);
    let v = &s.versions[0];
    assert_eq!(
        (v.name.as_str(), v.served, v.storage),
        ("v1beta1", true, true)
    );
    assert!(v.subresources.as_ref().unwrap().status.is_some());
}

#[test]
fn frr_configuration_schema_constraints() {
    let root = schema_of(&FRRConfiguration::crd());
    no_nulls_or_refs(&root, "");
    let spec = at(&root, "spec");
    for f in ["bgp", "raw", "nodeSelector"] {
        assert!(spec["properties"].get(f).is_some(), "spec.{f}");
    }
    required(spec, "", &[]);
    assert_eq!(at(spec, "raw.priority")["type"], "integer");
    assert_eq!(at(spec, "raw.rawConfig")["type"], "string");

    // routers
    items(spec, "bgp.routers", None, Some(50));
    let router = at(spec, "bgp.routers[]");
    required(router, "", &["asn"]);
    range(router, "asn", 0.0, 4294967295.0);
    for f in ["id", "vrf"] {
        assert_eq!(at(router, f)["type"], "string");
    }
    assert_eq!(at(router, "prefixes[]")["type"], "string");
    assert_eq!(at(router, "imports[].vrf")["type"], "string");

    // neighbors
    let n = at(router, "neighbors[]");
    required(n, "", &[]);
    range(n, "asn", 0.0, 4294967295.0);
    enum_of(n, "dynamicASN", &["internal", "external"]);
    range(n, "port", 0.0, 16384.0);
    range(n, "localASN", 1.0, 4294967295.0);
    for f in [
        "sourceaddress",
        "address",
        "interface",
        "password",
        "bfdProfile",
        "holdTime",
        "keepaliveTime",
        "connectTime",
    ] {
        assert_eq!(at(n, f)["type"], "string", "{f}");
    }
    for f in [
        "ebgpMultiHop",
        "enableGracefulRestart",
        "disableMP",
        "dualStackAddressFamily",
    ] {
        assert_eq!(at(n, f)["type"], "boolean", "{f}");
    }
    assert_eq!(at(n, "disableMP")["default"], json!(false));
    assert_eq!(at(n, "dualStackAddressFamily")["default"], json!(false));
    assert!(at(n, "ebgpMultiHop").get("default").is_none());
    assert_eq!(
        cel_messages(n, "connectTime"),
        vec![
            "connect time should be between 1 seconds to 65535",
            "connect time should contain a whole number of seconds"
        ]
    );
    let secret = at(n, "passwordSecret");
    assert_eq!(secret["x-kubernetes-map-type"], "atomic");
    assert_eq!(at(secret, "name")["type"], "string");
    assert_eq!(at(secret, "namespace")["type"], "string");
    items(n, "addressFamilies", None, Some(2));
    assert_eq!(at(n, "addressFamilies")["default"], json!(["unicast"]));
    enum_of(n, "addressFamilies[]", &["unicast", "evpn"]);

    // toAdvertise
    enum_of(n, "toAdvertise.allowed.mode", &["all", "filtered"]);
    assert_eq!(at(n, "toAdvertise.allowed.mode")["default"], "filtered");
    assert_eq!(at(n, "toAdvertise.allowed.prefixes[]")["type"], "string");
    assert_eq!(at(n, "toAdvertise.nextHop.ipv4")["type"], "string");
    assert_eq!(at(n, "toAdvertise.nextHop.ipv6")["type"], "string");
    items(n, "toAdvertise.withLocalPref[].prefixes", Some(1), None);
    assert_eq!(
        at(n, "toAdvertise.withLocalPref[].prefixes")["format"],
        "cidr"
    );
    assert_eq!(
        at(n, "toAdvertise.withLocalPref[].localPref")["type"],
        "integer"
    );
    items(n, "toAdvertise.withCommunity[].prefixes", Some(1), None);
    assert_eq!(
        at(n, "toAdvertise.withCommunity[].community")["type"],
        "string"
    );

    // toReceive
    enum_of(n, "toReceive.allowed.mode", &["all", "filtered"]);
    assert_eq!(at(n, "toReceive.allowed.mode")["default"], "filtered");
    assert_eq!(
        at(n, "toReceive.allowed.prefixes[].prefix")["format"],
        "cidr"
    );
    range(n, "toReceive.allowed.prefixes[].le", 1.0, 128.0);
    range(n, "toReceive.allowed.prefixes[].ge", 1.0, 128.0);

    // BFD profiles
    let bfd = at(spec, "bgp.bfdProfiles[]");
    required(bfd, "", &["name"]);
    range(bfd, "receiveInterval", 10.0, 60000.0);
    range(bfd, "transmitInterval", 10.0, 60000.0);
    range(bfd, "echoInterval", 10.0, 60000.0);
    range(bfd, "detectMultiplier", 2.0, 255.0);
    range(bfd, "minimumTtl", 1.0, 254.0);
    assert_eq!(at(bfd, "echoMode")["type"], "boolean");
    assert_eq!(at(bfd, "passiveMode")["type"], "boolean");

    // EVPN
    let evpn = at(router, "evpn");
    enum_of(evpn, "advertiseVNIs", &["Disabled", "All"]);
    assert_eq!(at(evpn, "advertiseSVI")["type"], "boolean");
    items(evpn, "l2vnis", None, Some(10));
    for vni in ["l2vnis[]", "l3vni"] {
        range(evpn, &format!("{vni}.vni"), 1.0, 16777215.0);
        items(evpn, &format!("{vni}.importRTs"), None, Some(100));
        items(evpn, &format!("{vni}.exportRTs"), None, Some(100));
        let rd = cel_messages(evpn, &format!("{vni}.rd"));
        assert_eq!(rd.len(), 4);
        assert_eq!(rd[0], "RD must contain exactly one colon");
        let import = cel_messages(evpn, &format!("{vni}.importRTs[]"));
        assert!(
            import.contains(
                &"RT with wildcard administrator must have format *:OPQR where OPQR <= 4294967295"
                    .to_string()
            )
        );
        assert_eq!(import.len(), 5);
        let export = cel_messages(evpn, &format!("{vni}.exportRTs[]"));
        assert_eq!(export.len(), 4);
        assert!(export.iter().all(|m| !m.contains("wildcard")));
    }
    required(evpn, "l2vnis[]", &["vni"]);
    required(evpn, "l3vni", &["vni", "advertisePrefixes"]);
    items(evpn, "l3vni.advertisePrefixes", Some(1), Some(1));
    enum_of(evpn, "l3vni.advertisePrefixes[]", &["unicast"]);

    // node selector: a metav1.LabelSelector
    let sel = at(spec, "nodeSelector");
    assert_eq!(sel["x-kubernetes-map-type"], "atomic");
    assert_eq!(
        at(sel, "matchLabels")["additionalProperties"]["type"],
        "string"
    );
    required(sel, "matchExpressions[]", &["key", "operator"]);
    assert_eq!(at(sel, "matchExpressions[].operator")["type"], "string");
    assert_eq!(at(sel, "matchExpressions[].values[]")["type"], "string");

    // status is an (empty) object
    assert_eq!(at(&root, "status")["type"], "object");
}

#[test]
fn route_advertisements_crd_names_and_scope() {
    let crd = RouteAdvertisements::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("routeadvertisements.k8s.ovn.org")
    );
    let s = &crd.spec;
    assert_eq!(s.group, "k8s.ovn.org");
    assert_eq!(s.scope, "Cluster");
    assert_eq!(s.names.kind, "RouteAdvertisements");
    assert_eq!(
        s.names.list_kind.as_deref(),
        Some("RouteAdvertisementsList")
    );
    assert_eq!(s.names.plural, "routeadvertisements");
    assert_eq!(s.names.singular.as_deref(), Some("routeadvertisements"));
    assert_eq!(s.names.short_names, Some(vec!["ra".to_string()]));
    let v = &s.versions[0];
    assert_eq!((v.name.as_str(), v.served, v.storage), ("v1", true, true));
    assert!(v.subresources.as_ref().unwrap().status.is_some());
    let col = &v.additional_printer_columns.as_ref().unwrap()[0];
    assert_eq!(
        (
            col.name.as_str(),
            col.type_.as_str(),
            col.json_path.as_str()
        ),
        ("Status", "string", ".status.status")
    );
}

#[test]
fn route_advertisements_schema_constraints() {
    let root = schema_of(&RouteAdvertisements::crd());
    no_nulls_or_refs(&root, "");
    let spec = at(&root, "spec");
    required(
        spec,
        "",
        &[
            "advertisements",
            "frrConfigurationSelector",
            "networkSelectors",
            "nodeSelector",
        ],
    );
    assert_eq!(
        cel_messages(spec, ""),
        vec![
            "If 'PodNetwork' is selected for advertisement, a 'nodeSelector' can't be specified as it needs to be advertised on all nodes",
            "Only DefaultNetwork or ClusterUserDefinedNetworks can be selected"
        ]
    );
    assert_eq!(at(spec, "targetVRF")["type"], "string");
    assert!(at(spec, "targetVRF").get("default").is_none());

    items(spec, "advertisements", Some(1), Some(2));
    enum_of(spec, "advertisements[]", &["PodNetwork", "EgressIP"]);
    assert_eq!(
        cel_messages(spec, "advertisements"),
        vec!["self.all(x, self.exists_one(y, x == y))"]
    );

    items(spec, "networkSelectors", Some(1), Some(5));
    let ns = at(spec, "networkSelectors");
    assert_eq!(ns["x-kubernetes-list-type"], "map");
    assert_eq!(
        ns["x-kubernetes-list-map-keys"],
        json!(["networkSelectionType"])
    );
    let item = at(spec, "networkSelectors[]");
    required(item, "", &["networkSelectionType"]);
    enum_of(
        item,
        "networkSelectionType",
        &[
            "DefaultNetwork",
            "ClusterUserDefinedNetworks",
            "PrimaryUserDefinedNetworks",
            "SecondaryUserDefinedNetworks",
            "NetworkAttachmentDefinitions",
        ],
    );
    let rules = cel_messages(item, "");
    assert_eq!(rules.len(), 4);
    for (t, f) in [
        (
            "ClusterUserDefinedNetworks",
            "clusterUserDefinedNetworkSelector",
        ),
        (
            "PrimaryUserDefinedNetworks",
            "primaryUserDefinedNetworkSelector",
        ),
        (
            "SecondaryUserDefinedNetworks",
            "secondaryUserDefinedNetworkSelector",
        ),
        (
            "NetworkAttachmentDefinitions",
            "networkAttachmentDefinitionSelector",
        ),
    ] {
        let want = format!(
            "Inconsistent selector: both networkSelectionType {t} and {f} have to be set or neither"
        );
        assert!(rules.contains(&want), "{want}");
    }
    required(
        item,
        "clusterUserDefinedNetworkSelector",
        &["networkSelector"],
    );
    required(
        item,
        "primaryUserDefinedNetworkSelector",
        &["namespaceSelector"],
    );
    required(
        item,
        "secondaryUserDefinedNetworkSelector",
        &["namespaceSelector", "networkSelector"],
    );
    required(
        item,
        "networkAttachmentDefinitionSelector",
        &["namespaceSelector", "networkSelector"],
    );
    for sel in ["nodeSelector", "frrConfigurationSelector"] {
        assert_eq!(at(spec, sel)["x-kubernetes-map-type"], "atomic");
        assert_eq!(
            at(spec, &format!("{sel}.matchLabels"))["additionalProperties"]["type"],
            "string"
        );
    }

    let status = at(&root, "status");
    assert_eq!(at(status, "status")["type"], "string");
    let conds = at(status, "conditions");
    assert_eq!(conds["x-kubernetes-list-type"], "map");
    assert_eq!(conds["x-kubernetes-list-map-keys"], json!(["type"]));
    required(
        status,
        "conditions[]",
        &["type", "status", "lastTransitionTime", "reason", "message"],
    );
    enum_of(status, "conditions[].status", &["True", "False", "Unknown"]);
    assert_eq!(
        at(status, "conditions[].lastTransitionTime")["format"],
        "date-time"
    );
    assert_eq!(
        at(status, "conditions[].reason")["maxLength"].as_u64(),
        Some(1024)
    );
    assert_eq!(
        at(status, "conditions[].type")["maxLength"].as_u64(),
        Some(316)
    );
}

#[test]
fn crds_serialize_to_yaml_manifests() {
    for crd in [FRRConfiguration::crd(), RouteAdvertisements::crd()] {
        let yaml = serde_saphyr::to_string(&crd).unwrap();
        assert!(yaml.contains("kind: CustomResourceDefinition"), "{yaml}");
        assert!(yaml.contains("apiVersion: apiextensions.k8s.io/v1"));
    }
}

#[test]
fn metadata_converts_both_ways() {
    let mut m = ObjectMeta::named("a", "ns");
    m.generate_name = "g-".into();
    m.uid = "u".into();
    m.resource_version = "7".into();
    m.generation = 3;
    m.creation_timestamp = Some("2025-01-02T03:04:05Z".into());
    m.labels.insert("k".into(), "v".into());
    m.annotations.insert("x".into(), "{}".into());
    m.finalizers.push("f".into());
    m.owner_references.push(OwnerReference {
        api_version: "v1".into(),
        kind: "Node".into(),
        name: "n".into(),
        uid: "1".into(),
        controller: Some(true),
        block_owner_deletion: None,
    });
    let k: metav1::ObjectMeta = (&m).into();
    assert_eq!(k.name.as_deref(), Some("a"));
    assert_eq!(k.generation, Some(3));
    assert_eq!(ObjectMeta::from(&k), m);
    let empty: metav1::ObjectMeta = (&ObjectMeta::default()).into();
    assert_eq!(empty, metav1::ObjectMeta::default());
}

#[test]
fn selectors_and_conditions_convert_both_ways() {
    let sel = LabelSelector {
        match_labels: [("a".to_string(), "b".to_string())].into(),
        match_expressions: vec![LabelSelectorRequirement {
            key: "k".into(),
            operator: LabelSelectorOperator::NotIn,
            values: vec!["x".into()],
        }],
    };
    let k: metav1::LabelSelector = (&sel).into();
    assert_eq!(k.match_expressions.as_ref().unwrap()[0].operator, "NotIn");
    assert_eq!(LabelSelector::try_from(&k).unwrap(), sel);
    let mut bad = k.clone();
    bad.match_expressions.as_mut().unwrap()[0].operator = "Near".into();
    assert!(
        LabelSelector::try_from(&bad)
            .unwrap_err()
            .to_string()
            .contains("Near")
    );

    let c = Condition {
        type_: "Accepted".into(),
        status: ConditionStatus::True,
        observed_generation: 2,
        last_transition_time: "2025-01-02T03:04:05Z".into(),
        reason: "Accepted".into(),
        message: "ok".into(),
    };
    let k: metav1::Condition = (&c).into();
    assert_eq!(k.status, "True");
    assert_eq!(Condition::from(&k), c);
}

#[test]
fn dynamic_objects_and_api_resources() {
    let text = include_str!("../../examples/manifests/scenario2-advertise/frrconfiguration.yaml");
    let docs = load_str("s2", text).unwrap();
    for d in &docs {
        let dynamic = d.object.to_dynamic();
        assert_eq!(
            dynamic.metadata.namespace.as_deref(),
            Some("frr-k8s-system")
        );
        assert_eq!(Object::from_dynamic("watch", &dynamic).unwrap(), d.object);
    }
    let ar = FRRConfiguration::api_resource();
    assert_eq!(
        (
            ar.group.as_str(),
            ar.version.as_str(),
            ar.kind.as_str(),
            ar.plural.as_str()
        ),
        (
            "frrk8s.metallb.io",
            "v1beta1",
            "FRRConfiguration",
            "frrconfigurations"
        )
    );
    assert_eq!(ar.api_version, "frrk8s.metallb.io/v1beta1");
    let ar = RouteAdvertisements::api_resource();
    assert_eq!(
        (ar.api_version.as_str(), ar.plural.as_str()),
        ("k8s.ovn.org/v1", "routeadvertisements")
    );

    // a dynamic object with an unknown field is refused with its path
    let mut dynamic = docs[0].object.to_dynamic();
    dynamic.data["spec"]["bgp"]["routers"][0]["bogus"] = json!(1);
    let err = Object::from_dynamic("watch", &dynamic)
        .unwrap_err()
        .to_string();
    assert!(err.contains("spec.bgp.routers[0].bogus"), "{err}");
}
