//! Validate + merge + render for whole clusters: every node is selected by 3 FRRConfigurations
//! (cluster-wide, per-rack, per-node), has 4 neighbors and advertises 100 prefixes.
//!
//! `cargo bench -p frr-render --bench cluster -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use frr_render::convert::SelectorIndex;
use frr_render::render;

mod cluster_gen;
use cluster_gen::{cluster, render_cluster, render_cluster_parallel};

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
    // All cores (nodes are independent): what a controller rendering every node would do.
    let (configs, nodes) = cluster(5000);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    g.throughput(Throughput::Elements(5000));
    g.bench_function(BenchmarkId::new("parallel", 5000), |b| {
        b.iter(|| {
            black_box(render_cluster_parallel(
                black_box(&configs),
                black_box(&nodes),
                threads,
            ))
        })
    });
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
