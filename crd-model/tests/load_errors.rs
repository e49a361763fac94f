//! Malformed YAML/JSON, wrong types, unknown fields and hostile inputs give clear, located
//! errors and never panic; loading is all-or-nothing.

use crd_model::{LoadErrors, Object, load_file, load_str};

fn err(text: &str) -> LoadErrors {
    load_str("in.yaml", text).expect_err("should fail")
}

#[track_caller]
fn err_contains(text: &str, parts: &[&str]) {
    let msg = err(text).to_string();
    for p in parts {
        assert!(msg.contains(p), "{p:?} not in {msg:?}");
    }
}

const FRR_HEAD: &str = "apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: c, namespace: ns}\n";

#[test]
fn malformed_yaml() {
    err_contains("a: [1, 2", &["in.yaml", "invalid YAML", "unclosed"]);
    err_contains("a: b\n c: d\n", &["invalid YAML"]);
    err_contains("key: 'unterminated\n", &["invalid YAML"]);
    err_contains("a: 1\na: 2\n", &["invalid YAML", "duplicate"]);
}

#[test]
fn malformed_json() {
    let e = load_str("in.json", "{\"apiVersion\": \"v1\",").unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with("in.json: invalid JSON"), "{msg}");
    assert!(load_str("in.json", "[1, 2").is_err());
    assert!(load_str("in.json", "{} garbage").is_err());
}

#[test]
fn not_an_object() {
    err_contains(
        "just a string",
        &[
            "document 0",
            "expected a Kubernetes object (a mapping), found a string",
        ],
    );
    err_contains("- a\n- b\n", &["found a sequence"]);
    err_contains("42", &["found a number"]);
}

#[test]
fn missing_or_unknown_kind() {
    err_contains(
        "kind: Node\n",
        &["apiVersion", "required string field is missing"],
    );
    err_contains(
        "apiVersion: v1\n",
        &["kind: required string field is missing"],
    );
    err_contains(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
        &["unsupported apiVersion/kind v1/Pod", "p"],
    );
    err_contains(
        "apiVersion: frrk8s.metallb.io/v1alpha1\nkind: FRRConfiguration\n",
        &["unsupported apiVersion/kind frrk8s.metallb.io/v1alpha1/FRRConfiguration"],
    );
}

#[test]
fn unknown_fields_name_their_path() {
    let text =
        format!("{FRR_HEAD}spec:\n  bgp:\n    routers:\n    - asn: 1\n      neighbours: []\n");
    err_contains(
        &text,
        &[
            "FRRConfiguration ns/c",
            "spec.bgp.routers[0].neighbours",
            "unknown field `neighbours`",
        ],
    );
    let text = format!("{FRR_HEAD}spec:\n  nodeSelector:\n    matchLabel: {{a: b}}\n");
    err_contains(&text, &["spec.nodeSelector.matchLabel", "unknown field"]);
    let text = format!("{FRR_HEAD}extra: 1\n");
    err_contains(&text, &["extra", "unknown field `extra`"]);
    let text = "apiVersion: v1\nkind: Node\nmetadata: {name: node-a, labelz: {}}\n";
    err_contains(text, &["Node node-a", "metadata.labelz"]);
}

#[test]
fn wrong_types_name_their_path() {
    let t = |spec: &str| format!("{FRR_HEAD}spec:\n{spec}");
    err_contains(
        &t("  bgp:\n    routers:\n    - asn: \"64512\"\n"),
        &[
            "spec.bgp.routers[0].asn",
            "invalid type: string \"64512\", expected u32",
        ],
    );
    err_contains(
        &t("  bgp:\n    routers:\n    - asn: 99999999999\n"),
        &["spec.bgp.routers[0].asn", "expected u32"],
    );
    err_contains(
        &t("  bgp:\n    routers:\n    - asn: -1\n"),
        &["spec.bgp.routers[0].asn"],
    );
    err_contains(
        &t("  bgp:\n    routers:\n    - asn: 123456789012345678901234567890\n"),
        &["spec.bgp.routers[0].asn"],
    );
    err_contains(
        &t(
            "  bgp:\n    routers:\n    - asn: 1\n      neighbors:\n      - {address: 1.1.1.1, asn: 2, port: 70000}\n",
        ),
        &["spec.bgp.routers[0].neighbors[0].port", "expected u16"],
    );
    err_contains(
        &t(
            "  bgp:\n    routers:\n    - asn: 1\n      neighbors:\n      - {address: 1.1.1.1, asn: 2, holdTime: 90}\n",
        ),
        &["neighbors[0].holdTime", "duration"],
    );
    err_contains(
        &t(
            "  bgp:\n    routers:\n    - asn: 1\n      neighbors:\n      - {address: 1.1.1.1, asn: 2, holdTime: 90x}\n",
        ),
        &[
            "neighbors[0].holdTime",
            "invalid duration \"90x\": unknown unit",
        ],
    );
    err_contains(
        &t(
            "  bgp:\n    routers:\n    - asn: 1\n      neighbors:\n      - {address: 1.1.1.1, dynamicASN: sometimes}\n",
        ),
        &["neighbors[0].dynamicASN", "unknown variant `sometimes`"],
    );
    err_contains(
        &t(
            "  bgp:\n    routers:\n    - asn: 1\n      neighbors:\n      - {address: 1.1.1.1, asn: 2, toReceive: {allowed: {mode: some}}}\n",
        ),
        &[
            "toReceive.allowed.mode",
            "unknown variant `some`, expected `all` or `filtered`",
        ],
    );
    err_contains(
        &t("  bgp:\n    routers: {}\n"),
        &["spec.bgp.routers", "expected a sequence"],
    );
    err_contains(
        &t("  bgp:\n    routers:\n    - {}\n"),
        &["spec.bgp.routers[0]", "missing field `asn`"],
    );
    err_contains(
        "apiVersion: k8s.ovn.org/v1\nkind: RouteAdvertisements\nmetadata: {name: ra}\nspec:\n  advertisements: [Everything]\n",
        &[
            "RouteAdvertisements ra",
            "spec.advertisements[0]",
            "unknown variant `Everything`",
        ],
    );
    err_contains(
        "apiVersion: k8s.ovn.org/v1\nkind: RouteAdvertisements\nmetadata: {name: ra}\nspec:\n  advertisements: [PodNetwork]\n  networkSelectors: []\n  nodeSelector: {}\n",
        &["missing field `frrConfigurationSelector`"],
    );
}

#[test]
fn all_documents_are_checked_and_nothing_is_half_loaded() {
    let text = format!(
        "{FRR_HEAD}---\napiVersion: v1\nkind: Node\nmetadata: {{name: a, x: 1}}\n---\napiVersion: v1\nkind: Node\nmetadata: {{name: b, y: 1}}\n"
    );
    let e = err(&text);
    assert_eq!(e.0.len(), 2, "{e}");
    assert_eq!(e.0[0].document, Some(1));
    assert_eq!(e.0[1].document, Some(2));
    assert_eq!(e.0[1].line, Some(9));
}

#[test]
fn empty_documents_and_comments_are_skipped() {
    assert_eq!(load_str("e", "").unwrap(), vec![]);
    assert_eq!(load_str("e", "# nothing\n---\n---\n").unwrap(), vec![]);
    let docs = load_str(
        "e",
        "---\n# c\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a}\n",
    )
    .unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].line, Some(4));
}

#[test]
fn json_forms() {
    let one = r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"}}"#;
    assert_eq!(load_str("j", one).unwrap().len(), 1);
    let stream = format!("{one}\n{one}\n");
    let docs = load_str("j", &stream).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].line, Some(2));
    let array = format!("[{one}, {one}, {one}]");
    assert_eq!(load_str("j", &array).unwrap().len(), 3);
}

#[test]
fn lists_expand_with_item_paths() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Node\n  metadata: {name: b, bogus: 1}\n";
    let e = err(text);
    assert_eq!(e.0.len(), 1);
    assert_eq!(e.0[0].path, "items[1].metadata.bogus");
    let ok = text.replace(", bogus: 1", "");
    let docs = load_str("l", &ok).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].item, Some(1));
    assert!(matches!(&docs[1].object, Object::Node(n) if n.metadata.name == "b"));
    err_contains(
        "apiVersion: v1\nkind: List\n",
        &["items", "a List needs an `items` array"],
    );
}

#[test]
fn hostile_inputs_do_not_panic() {
    let deep_json = "[".repeat(100_000);
    assert!(load_str("deep.json", &deep_json).is_err());
    let deep_flow = format!("a: {}", "[".repeat(100_000));
    assert!(load_str("deep.yaml", &deep_flow).is_err());
    let deep_block: String = (0..500).map(|i| format!("{}- \n", " ".repeat(i))).collect();
    assert!(load_str("deep.yaml", &format!("a:\n{deep_block}")).is_err());
    // alias bomb
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    assert!(load_str("bomb.yaml", &bomb).is_err());
    for s in [
        "\u{0}",
        "\u{feff}",
        "---\n...\n",
        "!!binary aGk=",
        "? [a]\n: b\n",
        "*x",
        "&a",
        "%YAML 9.9\n---\n",
    ] {
        let _ = load_str("odd", s);
    }
    let big = "a".repeat(crd_model::load::MAX_SOURCE_BYTES + 1);
    err_contains(&big, &["more than the"]);
}

#[test]
fn load_file_names_the_path() {
    let dir = std::env::temp_dir().join(format!("crd-model-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.yaml");
    std::fs::write(&f, "apiVersion: v1\nkind: Node\nmetadata: {nam: x}\n").unwrap();
    let e = load_file(&f).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}:1: document 0, Node", f.display())),
        "{e}"
    );
    let missing = load_file(dir.join("missing.yaml")).unwrap_err();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
    std::fs::write(&f, [0xff, 0xfe, 0x00]).unwrap();
    assert!(load_file(&f).unwrap_err().to_string().contains("not UTF-8"));
    std::fs::remove_dir_all(&dir).unwrap();
}
