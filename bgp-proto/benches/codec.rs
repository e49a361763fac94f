//! Codec speed: typed decode, lazy (zero-copy) iteration and encode, over real UPDATEs from
//! RIPE RIS (rrc15) and synthetic UPDATEs with 1–500 IPv4 /24s and an IPv6 MP_REACH of 100 /48s.
//!
//! `cargo bench -p bgp-proto --bench codec -- --warm-up-time 1 --measurement-time 3`
//!
//! Times are the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall time, so the
//! figures stay meaningful on a machine shared with other builds.

use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};

use bgp_proto::wire::as_path::AsPath;
use bgp_proto::wire::attribute::{NextHop, Origin, PathAttribute};
use bgp_proto::wire::community::Community;
use bgp_proto::wire::nlri::{Ipv4Prefix, Ipv6Prefix, Nlri};
use bgp_proto::wire::update::UpdateView;
use bgp_proto::{AfiSafi, Message, SessionContext, Update};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ipnet::{Ipv4Net, Ipv6Net};

fn attrs() -> Vec<PathAttribute> {
    vec![
        PathAttribute::Origin(Origin::Igp),
        PathAttribute::AsPath(AsPath::from_sequence([64512, 64513, 64514, 64515, 64516])),
        PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
        PathAttribute::MultiExitDisc(100),
        PathAttribute::Communities(
            [Community::new(65000, 1), Community::new(65000, 2)]
                .into_iter()
                .collect(),
        ),
    ]
}

fn ipv4_update(n: u32) -> Update {
    Update {
        withdrawn: Vec::new(),
        attributes: attrs(),
        nlri: (0..n)
            .map(|i| {
                Ipv4Prefix::new(Ipv4Net::new(Ipv4Addr::from(0x0a00_0000 + (i << 8)), 24).unwrap())
            })
            .collect(),
    }
}

fn ipv6_update(n: u128) -> Update {
    let nlri: Vec<Ipv6Prefix> = (0..n)
        .map(|i| {
            Ipv6Prefix::new(
                Ipv6Net::new(Ipv6Addr::from((0x2001_0db8u128 << 96) | (i << 80)), 48).unwrap(),
            )
        })
        .collect();
    let nh = NextHop::Ipv6("2001:db8::1".parse().unwrap());
    let mut ups = Update::split_mp_announce(
        &SessionContext::four_octet(),
        &attrs()[..2],
        AfiSafi::IPV6_UNICAST,
        nh,
        &Nlri::Ipv6(nlri),
    )
    .unwrap();
    assert_eq!(ups.len(), 1);
    ups.pop().unwrap()
}

fn synthetic(c: &mut Criterion<CpuTime>) {
    let ctx = SessionContext::four_octet();
    let mut cases: Vec<(String, Update, u64)> = [1u32, 10, 100, 500]
        .iter()
        .map(|&n| (format!("ipv4_{n}x24"), ipv4_update(n), n as u64))
        .collect();
    cases.push(("ipv6_mp_100x48".into(), ipv6_update(100), 100));
    for (name, u, n) in cases {
        let bytes = Message::Update(u.clone()).to_bytes(&ctx).unwrap();
        let mut g = c.benchmark_group(format!("update/{name}"));
        g.throughput(Throughput::Elements(n));
        g.bench_function("decode_typed", |b| {
            b.iter(|| {
                let d = Message::decode(black_box(&bytes), &ctx).unwrap();
                black_box(d)
            })
        });
        g.bench_function("view_check_and_iterate", |b| {
            b.iter(|| {
                let v = UpdateView::new(black_box(&bytes), &ctx).unwrap();
                let mut x = 0u32;
                for p in v.nlri() {
                    x ^= u32::from(p.prefix.addr()) ^ p.prefix.prefix_len() as u32;
                }
                if let Some(m) = v.mp_reach() {
                    for p in m.ipv6_prefixes() {
                        x ^= p.prefix.prefix_len() as u32;
                    }
                }
                black_box(x)
            })
        });
        let view = UpdateView::new(&bytes, &ctx).unwrap();
        g.bench_function("lazy_iterate", |b| {
            b.iter(|| {
                let v = black_box(&view);
                let mut x = 0u32;
                for p in v.nlri() {
                    x ^= u32::from(p.prefix.addr()) ^ p.prefix.prefix_len() as u32;
                }
                if let Some(m) = v.mp_reach() {
                    for p in m.ipv6_prefixes() {
                        x ^= p.prefix.prefix_len() as u32;
                    }
                }
                black_box(x)
            })
        });
        let mut out = Vec::with_capacity(bytes.len());
        g.bench_function("encode", |b| {
            b.iter(|| {
                out.clear();
                black_box(&u).encode(&ctx, &mut out);
                black_box(out.len())
            })
        });
        g.finish();
    }
}

fn corpus(c: &mut Criterion<CpuTime>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/mrt/rrc15-1610-as4.bgp"
    );
    let data = std::fs::read(path).expect("corpus file");
    let ctx = SessionContext::four_octet();
    let mut msgs = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let d = Message::decode(&data[at..], &ctx).unwrap();
        msgs.push(d.message);
        at += d.length;
    }
    let mut g = c.benchmark_group("rrc15-1610-as4");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("decode_typed_all", |b| {
        b.iter(|| {
            let mut at = 0;
            while at < data.len() {
                let d = Message::decode(black_box(&data[at..]), &ctx).unwrap();
                at += d.length;
                black_box(&d);
            }
        })
    });
    g.bench_function("view_iterate_all", |b| {
        b.iter(|| {
            let mut at = 0;
            let mut n = 0usize;
            while at < data.len() {
                let len = u16::from_be_bytes([data[at + 16], data[at + 17]]) as usize;
                if data[at + 18] == 2 {
                    let v = UpdateView::new(&data[at..at + len], &ctx).unwrap();
                    n += v.nlri().count() + v.withdrawn().count() + v.attributes().count();
                }
                at += len;
            }
            black_box(n)
        })
    });
    let mut out = Vec::with_capacity(data.len());
    g.bench_function("encode_all", |b| {
        b.iter(|| {
            out.clear();
            for m in &msgs {
                m.encode(&ctx, &mut out).unwrap();
            }
            black_box(out.len())
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = synthetic, corpus
}
criterion_main!(benches);

/// CPU time of the calling thread, in nanoseconds.
struct CpuTime;

fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, i: u64) -> u64 {
        thread_cpu_ns().saturating_sub(i)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &NsFormatter
    }
}

struct NsFormatter;

impl ValueFormatter for NsFormatter {
    fn scale_values(&self, ns: f64, values: &mut [f64]) -> &'static str {
        let (f, unit) = if ns < 1e3 {
            (1.0, "ns")
        } else if ns < 1e6 {
            (1e-3, "µs")
        } else {
            (1e-6, "ms")
        };
        values.iter_mut().for_each(|v| *v *= f);
        unit
    }
    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        // Report time per element (ns/elem): the unit the targets are stated in.
        let n = match *t {
            Throughput::Elements(n)
            | Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Bits(n) => n,
        };
        values.iter_mut().for_each(|v| *v /= n.max(1) as f64);
        "ns/elem"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
