//! CPU time of validate + merge + render for a whole synthetic cluster, read from
//! /proc/self/stat so that it stays meaningful on a loaded machine (wall time is printed too).
//!
//! `cargo run --release -p frr-render --example cluster_cpu -- 500 1000 5000`

use std::time::Instant;

#[path = "../benches/cluster_gen.rs"]
mod cluster_gen;

/// utime + stime of this process, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ is 100 on Linux
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![500, 1000, 5000]
    } else {
        sizes
    };
    for n in sizes {
        let (configs, nodes) = cluster_gen::cluster(n);
        let mut best = (f64::MAX, f64::MAX, 0);
        for _ in 0..3 {
            let (c0, w0) = (cpu_seconds(), Instant::now());
            let bytes = cluster_gen::render_cluster(&configs, &nodes);
            let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
            if cpu < best.0 {
                best = (cpu, wall, bytes);
            }
        }
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let w0 = Instant::now();
        let par_bytes = cluster_gen::render_cluster_parallel(&configs, &nodes, threads);
        let par_wall = w0.elapsed().as_secs_f64();
        assert_eq!(par_bytes, best.2, "parallel rendering gives the same text");
        println!(
            "{n} nodes: {threads} threads wall {par_wall:.3} s; sequential cpu {:.3} s ({:.0} µs/node), wall {:.3} s, {} MiB of config",
            best.0,
            best.0 * 1e6 / n as f64,
            best.1,
            best.2 >> 20
        );
    }
}
