//! Entry points for the fuzz targets (`fuzz/fuzz_targets/frr_render_*.rs`), also replayed over
//! the corpus by `tests/fuzz_corpus.rs`. They panic when an invariant breaks.

use std::collections::BTreeMap;

use crate::convert::{NodeContext, node_config};
use crate::model::Config;
use crate::render::render;

/// Model JSON → render: rejected input is fine; accepted input renders, ends with a newline,
/// and survives a JSON round trip with the same text.
pub fn model_json(data: &[u8]) {
    let Ok(config) = serde_json::from_slice::<Config>(data) else {
        return;
    };
    let text = render(&config);
    assert!(
        text.ends_with('\n'),
        "rendered text must end with a newline"
    );
    assert!(
        text.starts_with("log stdout "),
        "rendered text starts with the log line"
    );
    let json = serde_json::to_vec(&config).expect("a model always serializes");
    let back: Config = serde_json::from_slice(&json).expect("a serialized model parses back");
    assert_eq!(render(&back), text, "JSON round trip changes the rendering");
}

/// A JSON array of FRRConfigurations → node model → render, for a node with one label: errors
/// are fine, panics are not; a successful conversion renders and is independent of the order
/// of the objects.
pub fn frr_configurations_json(data: &[u8]) {
    let Ok(configs) = serde_json::from_slice::<Vec<crd_model::FRRConfiguration>>(data) else {
        return;
    };
    if configs.len() > 64 {
        return;
    }
    let node = NodeContext {
        name: "node1".into(),
        labels: BTreeMap::from([("kubernetes.io/hostname".to_string(), "node1".to_string())]),
        has_ipv4_address: true,
        ..Default::default()
    };
    let first = node_config(&node, &configs, &[]);
    let mut reversed = configs.clone();
    reversed.reverse();
    let second = node_config(&node, &reversed, &[]);
    // Objects with equal namespace/name keep their relative input order, which may decide the
    // result; order independence only holds for distinct names (as in a real cluster).
    let mut names: Vec<(&str, &str)> = configs
        .iter()
        .map(|c| (c.metadata.namespace.as_str(), c.metadata.name.as_str()))
        .collect();
    names.sort_unstable();
    let distinct = names.windows(2).all(|w| w[0] != w[1]);
    if let Ok(a) = &first {
        assert!(render(&a.config).ends_with('\n'));
    }
    if !distinct {
        return;
    }
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a.config, b.config, "conversion depends on input order"),
        (Err(_), Err(_)) => {}
        _ => panic!("one order converts, the other fails: {first:?} / {second:?}"),
    }
}
