//! Evaluation speed: a 10,000-entry prefix list and a 5-entry route map over 1,000,000 routes,
//! compiled (trie) beside the linear oracle (measured over 10,000 routes: it scans 10,000 entries
//! per route).
//!
//! `cargo bench -p route-policy --bench eval -- --warm-up-time 1 --measurement-time 3`
//!
//! Each benchmark runs twice: with wall time (criterion's default) and with the benchmark
//! thread's CPU time (`cpu/` groups), which stays meaningful on a machine shared with other
//! work (wall time then mostly measures waiting for a core).

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ipnet::{IpNet, Ipv4Net};
use route_policy::eval::linear;
use route_policy::{
    Action, Afi, Community, CompiledPolicy, CompiledPrefixList, Origin, PrefixList,
    PrefixListEngine, PrefixListEntry, PrefixMatcher, Route, parse,
};

/// Deterministic xorshift so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn big_list(rng: &mut Rng) -> PrefixList {
    let mut entries = Vec::with_capacity(10_000);
    for i in 0..10_000u32 {
        let len = 8 + (rng.next() % 17) as u8; // /8../24
        let addr = Ipv4Addr::from(rng.next() as u32);
        let prefix = IpNet::V4(Ipv4Net::new(addr, len).unwrap().trunc());
        let (ge, le) = match rng.next() % 4 {
            0 => (None, None),
            1 => (None, Some(len + (rng.next() % u64::from(33 - len)) as u8)),
            2 => (Some(len + (rng.next() % u64::from(33 - len)) as u8), None),
            _ => (Some(len), Some(32)),
        };
        let action = if rng.next().is_multiple_of(5) {
            Action::Deny
        } else {
            Action::Permit
        };
        entries.push(PrefixListEntry {
            seq: (i + 1) * 5,
            action,
            matcher: PrefixMatcher::Prefix { prefix, ge, le },
        });
    }
    PrefixList {
        name: "BIG".into(),
        afi: Afi::Ipv4,
        description: None,
        entries,
    }
}

fn routes(rng: &mut Rng, list: &PrefixList, n: usize) -> Vec<Route> {
    (0..n)
        .map(|i| {
            // Half the routes fall under an entry of the list, half are random.
            let prefix = if i.is_multiple_of(2) {
                let e = &list.entries[(rng.next() % list.entries.len() as u64) as usize];
                let PrefixMatcher::Prefix { prefix, .. } = &e.matcher else {
                    unreachable!()
                };
                let len =
                    prefix.prefix_len() + (rng.next() % u64::from(33 - prefix.prefix_len())) as u8;
                let host = (rng.next() as u32) >> prefix.prefix_len().min(31);
                let addr = u32::from(match prefix {
                    IpNet::V4(p) => p.network(),
                    IpNet::V6(_) => unreachable!(),
                }) | host;
                IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr), len).unwrap().trunc())
            } else {
                let len = 8 + (rng.next() % 25) as u8;
                IpNet::V4(
                    Ipv4Net::new(Ipv4Addr::from(rng.next() as u32), len)
                        .unwrap()
                        .trunc(),
                )
            };
            let mut r = Route::new(prefix);
            if i.is_multiple_of(3) {
                r.communities = vec![Community::new(65000, (i % 7) as u16)];
            }
            r.origin = if i.is_multiple_of(4) {
                Origin::Incomplete
            } else {
                Origin::Igp
            };
            r
        })
        .collect()
}

const MAP: &str = "\
ip prefix-list BOGONS seq 5 permit 0.0.0.0/8 le 32
ip prefix-list BOGONS seq 10 permit 127.0.0.0/8 le 32
ip prefix-list BOGONS seq 15 permit 224.0.0.0/3 le 32
ip prefix-list BOGONS seq 20 permit 0.0.0.0/0 ge 25
bgp community-list standard C1 seq 5 permit 65000:1
route-map IN deny 10
 match ip address prefix-list BOGONS
exit
route-map IN permit 20
 match ip address prefix-list BIG
 match community C1
 set local-preference 200
exit
route-map IN permit 30
 match ip address prefix-list BIG
 set metric +10
 on-match next
exit
route-map IN permit 40
 match origin igp
 set weight 100
exit
route-map IN deny 50
exit
";

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
struct ThreadCpuTime;

fn thread_cpu_now() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the valid timespec we pass and has no other effects.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = std::time::Duration;
    type Value = std::time::Duration;

    fn start(&self) -> Self::Intermediate {
        thread_cpu_now()
    }
    fn end(&self, i: Self::Intermediate) -> Self::Value {
        thread_cpu_now().saturating_sub(i)
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, v: &Self::Value) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn bench_cpu(c: &mut Criterion<ThreadCpuTime>) {
    run(c, "cpu/");
}

fn bench(c: &mut Criterion) {
    run(c, "");
}

fn run<M: Measurement>(c: &mut Criterion<M>, tag: &str) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let list = big_list(&mut rng);
    let routes_1m = routes(&mut rng, &list, 1_000_000);
    let routes_10k: Vec<Route> = routes_1m[..10_000].to_vec();
    let trie = CompiledPrefixList::new(&list);
    // The prefix-list groups read only prefixes: streaming whole routes (attributes included)
    // would measure memory bandwidth rather than lookups.
    let prefixes_1m: Vec<IpNet> = routes_1m.iter().map(|r| r.prefix).collect();
    let prefixes_10k = &prefixes_1m[..10_000];

    let mut g = c.benchmark_group(format!("{tag}prefix_list_10k"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(prefixes_1m.len() as u64));
    g.bench_function("trie_1M_routes", |b| {
        b.iter(|| {
            prefixes_1m
                .iter()
                .filter(|p| trie.apply(p) == Action::Permit)
                .count()
        })
    });
    g.throughput(Throughput::Elements(prefixes_10k.len() as u64));
    g.bench_function("linear_10k_routes", |b| {
        b.iter(|| {
            prefixes_10k
                .iter()
                .filter(|p| linear::prefix_list_apply(&list, p) == Action::Permit)
                .count()
        })
    });
    g.finish();

    let mut policy = parse(MAP).unwrap();
    policy.prefix_lists.push(list.clone());
    let compiled = CompiledPolicy::new(&policy).unwrap();
    let linear_engine = CompiledPolicy::with_engine(&policy, PrefixListEngine::Linear).unwrap();
    let id = compiled.route_map_id("IN").unwrap();
    let lid = linear_engine.route_map_id("IN").unwrap();
    let mut work_1m = routes_1m.clone();
    let mut work_10k = routes_10k.clone();

    let mut g = c.benchmark_group(format!("{tag}route_map_5_entries"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(work_1m.len() as u64));
    g.bench_function("trie_1M_routes", |b| {
        b.iter(|| {
            work_1m
                .iter_mut()
                .map(|r| (compiled.apply_id(id, r) == Action::Permit) as usize)
                .sum::<usize>()
        })
    });
    g.throughput(Throughput::Elements(work_10k.len() as u64));
    // The same 10,000 routes as the oracle: they stay in cache, so this shows the evaluation cost
    // without streaming 1,000,000 routes' attributes through memory.
    let mut work_10k_trie = routes_10k.clone();
    g.bench_function("trie_10k_routes", |b| {
        b.iter(|| {
            work_10k_trie
                .iter_mut()
                .map(|r| (compiled.apply_id(id, r) == Action::Permit) as usize)
                .sum::<usize>()
        })
    });
    g.bench_function("linear_10k_routes", |b| {
        b.iter(|| {
            work_10k
                .iter_mut()
                .map(|r| (linear_engine.apply_id(lid, r) == Action::Permit) as usize)
                .sum::<usize>()
        })
    });
    g.finish();
    black_box((&work_1m, &work_10k));
}

criterion_group!(benches, bench);
criterion_group! {
    name = benches_cpu;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = bench_cpu
}
criterion_main!(benches, benches_cpu);
