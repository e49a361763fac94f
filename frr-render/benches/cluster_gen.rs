//! The synthetic cluster of the benchmarks: every node is selected by 3 FRRConfigurations
//! (cluster-wide, per-rack, per-node), has 4 neighbors and advertises 100 prefixes.
//! Shared by `benches/cluster.rs` and `examples/cluster_cpu.rs`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use crd_model::FRRConfiguration;
use frr_render::convert::{NodeContext, SelectorIndex, render_nodes};
use frr_render::render;
use serde_json::json;

const RACKS: usize = 50;
const NEIGHBORS: [&str; 4] = [
    "192.168.111.1",
    "192.168.112.1",
    "fd00:111::1",
    "fd00:112::1",
];

pub fn cfg(name: &str, spec: serde_json::Value) -> FRRConfiguration {
    serde_json::from_value(
        json!({"metadata": {"name": name, "namespace": "frr-k8s-system"}, "spec": spec}),
    )
    .expect("fixture")
}

/// The FRRConfigurations and nodes of an `n`-node cluster.
pub fn cluster(n: usize) -> (Vec<FRRConfiguration>, Vec<NodeContext>) {
    let neighbors = |extra: &dyn Fn(&str) -> serde_json::Value| -> serde_json::Value {
        NEIGHBORS
            .iter()
            .map(|a| {
                let mut v = json!({"address": a, "asn": 64500});
                if let (Some(o), serde_json::Value::Object(add)) = (v.as_object_mut(), extra(a)) {
                    o.extend(add);
                }
                v
            })
            .collect()
    };
    let mut configs = vec![cfg(
        "fabric",
        json!({"bgp": {"routers": [{"asn": 64512, "neighbors": neighbors(&|_| json!({"bfdProfile": "fast",
            "toReceive": {"allowed": {"prefixes": [{"prefix": "172.26.0.0/16"}, {"prefix": "fd00:26::/48", "le": 64}]}}}))}],
            "bfdProfiles": [{"name": "fast", "receiveInterval": 100, "transmitInterval": 100, "detectMultiplier": 3}]}}),
    )];
    for r in 0..RACKS {
        configs.push(cfg(&format!("rack{r}"), json!({"nodeSelector": {"matchLabels": {"rack": format!("rack{r}")}},
            "bgp": {"routers": [{"asn": 64512, "neighbors": neighbors(&|_| json!({
                "toReceive": {"allowed": {"prefixes": [{"prefix": format!("10.{r}.0.0/16"), "le": 24}]}}}))}]}})));
    }
    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!("node{i}");
        let prefixes: Vec<String> = (0..100)
            .map(|p| {
                if p % 2 == 0 {
                    format!(
                        "10.{}.{}.{}/32",
                        100 + i / 65536,
                        (i / 256) % 256,
                        (i % 256 + p) % 256
                    )
                } else {
                    format!("fd00:{:x}:{:x}::{:x}/128", i / 65536, i % 65536, p)
                }
            })
            .collect();
        configs.push(cfg(&format!("ovnk-{name}"), json!({
            "nodeSelector": {"matchLabels": {"kubernetes.io/hostname": name}},
            "bgp": {"routers": [{"asn": 64512, "prefixes": prefixes,
                "neighbors": neighbors(&|_| json!({"toAdvertise": {"allowed": {"prefixes": prefixes}}}))}]}})));
        nodes.push(NodeContext {
            name: name.clone(),
            labels: BTreeMap::from([
                ("kubernetes.io/hostname".into(), name),
                ("rack".into(), format!("rack{}", i % RACKS)),
            ]),
            has_ipv4_address: true,
            ..Default::default()
        });
    }
    (configs, nodes)
}

/// Select, validate, merge and render every node; returns the total text size.
pub fn render_cluster(configs: &[FRRConfiguration], nodes: &[NodeContext]) -> usize {
    let index = SelectorIndex::new(configs);
    let mut bytes = 0;
    for node in nodes {
        let conv = index.node_config(node, &[]).expect("valid cluster");
        bytes += render(&conv.config).len();
    }
    bytes
}

/// The same on `threads` threads.
pub fn render_cluster_parallel(
    configs: &[FRRConfiguration],
    nodes: &[NodeContext],
    threads: usize,
) -> usize {
    render_nodes(nodes, configs, &[], threads)
        .into_iter()
        .map(|r| r.expect("valid cluster").1.len())
        .sum()
}
