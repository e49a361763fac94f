//! Validate + merge + render for whole clusters: every node is selected by 3 FRRConfigurations
//! (cluster-wide, per-rack, per-node), has 4 neighbors and advertises 100 prefixes.
//!
//! `cargo bench -p frr-render --bench cluster -- --warm-up-time 1 --measurement-time 3`

use std::collections::BTreeMap;
use std::hint::black_box;

use crd_model::FRRConfiguration;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use frr_render::convert::{NodeContext, SelectorIndex};
use frr_render::render;
use serde_json::json;

const RACKS: usize = 50;
const NEIGHBORS: [&str; 4] = [
    "192.168.111.1",
    "192.168.112.1",
    "fd00:111::1",
    "fd00:112::1",
];

fn cfg(name: &str, spec: serde_json::Value) -> FRRConfiguration {
    serde_json::from_value(
        json!({"metadata": {"name": name, "namespace": "frr-k8s-system"}, "spec": spec}),
    )
    .expect("fixture")
}

/// The FRRConfigurations and nodes of an `n`-node cluster.
fn cluster(n: usize) -> (Vec<FRRConfiguration>, Vec<NodeContext>) {
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
fn render_cluster(configs: &[FRRConfiguration], nodes: &[NodeContext]) -> usize {
    let index = SelectorIndex::new(configs);
    let mut bytes = 0;
    for node in nodes {
        let conv = index.node_config(node, &[]).expect("valid cluster");
        bytes += render(&conv.config).len();
    }
    bytes
}

fn bench_cluster(c: &mut Criterion) {
    let mut g = c.benchmark_group("cluster_validate_merge_render");
    g.sample_size(10);
    for n in [500usize, 1000, 5000] {
        let (configs, nodes) = cluster(n);
        // Sanity: each node gets 4 neighbors advertising 50 v4 or 50 v6 prefixes each.
        let one = SelectorIndex::new(&configs)
            .node_config(&nodes[0], &[])
            .unwrap();
        assert_eq!(one.selected.len(), 3);
        assert_eq!(one.config.routers[0].neighbors.len(), 4);
        assert_eq!(
            one.config.routers[0].ipv4_prefixes.len() + one.config.routers[0].ipv6_prefixes.len(),
            100
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| black_box(render_cluster(black_box(&configs), black_box(&nodes))))
        });
    }
    g.finish();
}

fn bench_one_node(c: &mut Criterion) {
    let (configs, nodes) = cluster(100);
    let index = SelectorIndex::new(&configs);
    c.bench_function("one_node_validate_merge", |b| {
        b.iter(|| black_box(index.node_config(&nodes[7], &[]).unwrap()))
    });
    let conv = index.node_config(&nodes[7], &[]).unwrap();
    c.bench_function("one_node_render", |b| {
        b.iter(|| black_box(render(black_box(&conv.config))))
    });
}

criterion_group!(benches, bench_cluster, bench_one_node);
criterion_main!(benches);
