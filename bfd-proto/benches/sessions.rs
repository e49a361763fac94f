//! 10,000 sessions (5,000 connected pairs) at 10 ms intervals, driven through the sans-IO API
//! on one core with a virtual clock. One iteration simulates one second of protocol time, so
//! the simulation keeps up with real time if an iteration takes under one second; criterion's
//! throughput figure is packets (each sent and received) per second. Measured in wall time and
//! in thread CPU time (the shared machine is often loaded beyond its cores).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use bfd_proto::{Config, Session, State};
use criterion::measurement::Measurement;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::CpuTime;

const SESSIONS: usize = 10_000;

struct Sim {
    now: Instant,
    sessions: Vec<Session>,
    /// Deadline each session was last scheduled for; heap entries that disagree are stale.
    scheduled: Vec<Option<Instant>>,
    heap: BinaryHeap<Reverse<(Instant, usize)>>,
    packets: u64,
    buf: [u8; 64],
}

impl Sim {
    fn new() -> Self {
        let config = Config {
            desired_min_tx_interval: 10_000,
            required_min_rx_interval: 10_000,
            detect_mult: 3,
            ..Config::default()
        };
        let sessions = (0..SESSIONS)
            .map(|i| Session::new(config.clone(), i as u32 + 1, i as u64).unwrap())
            .collect();
        let mut sim = Self {
            now: Instant::now(),
            sessions,
            scheduled: vec![None; SESSIONS],
            heap: BinaryHeap::new(),
            packets: 0,
            buf: [0; 64],
        };
        for i in 0..SESSIONS {
            sim.service(i);
        }
        sim
    }

    /// Session i talks to i ^ 1.
    fn service(&mut self, i: usize) {
        self.sessions[i].handle_timeout(self.now);
        while let Some(n) = self.sessions[i].poll_transmit_into(self.now, &mut self.buf) {
            self.packets += 1;
            let peer = i ^ 1;
            let _ = self.sessions[peer].handle_packet(self.now, &self.buf[..n], Some(255));
            self.reschedule(peer);
        }
        self.reschedule(i);
    }

    fn reschedule(&mut self, i: usize) {
        let next = self.sessions[i].poll_timeout();
        if next != self.scheduled[i] {
            self.scheduled[i] = next;
            if let Some(t) = next {
                self.heap.push(Reverse((t, i)));
            }
        }
    }

    fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while let Some(&Reverse((t, i))) = self.heap.peek() {
            if t > end {
                break;
            }
            self.heap.pop();
            if self.scheduled[i] != Some(t) {
                continue;
            }
            self.scheduled[i] = None;
            self.now = self.now.max(t);
            self.service(i);
        }
        self.now = end;
    }

    fn up(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.state() == State::Up)
            .count()
    }
}

fn sessions<M: Measurement>(c: &mut Criterion<M>, label: &str) {
    let mut sim = Sim::new();
    sim.run_for(Duration::from_secs(5));
    assert_eq!(sim.up(), SESSIONS, "all sessions Up before measuring");
    let before = sim.packets;
    sim.run_for(Duration::from_secs(1));
    // Every transmitted packet is also received and processed by the peer.
    let per_sim_second = sim.packets - before;
    println!("10k sessions @10ms: {per_sim_second} packets sent per simulated second");

    let mut g = c.benchmark_group(format!("{label}sessions"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(per_sim_second));
    g.bench_function("10k@10ms/1s simulated", |b| {
        b.iter(|| sim.run_for(Duration::from_secs(1)))
    });
    g.finish();
    assert_eq!(sim.up(), SESSIONS, "no session flapped during the run");
}

fn sessions_wall(c: &mut Criterion) {
    sessions(c, "");
}

fn sessions_cpu(c: &mut Criterion<CpuTime>) {
    sessions(c, "cpu/");
}

criterion_group!(benches, sessions_wall);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(CpuTime);
    targets = sessions_cpu
}
criterion_main!(benches, cpu);
