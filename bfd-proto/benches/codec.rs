//! Encode and decode of one control packet (target: ≤ 20 ns each), plain and with keyed SHA1.
//!
//! Measured twice: wall time (criterion's default) and this thread's CPU time
//! (CLOCK_THREAD_CPUTIME_ID), because the shared build machine is often loaded far beyond
//! its cores and wall time then counts the time the benchmark spent descheduled.

use std::hint::black_box;

use bfd_proto::wire::auth::{self, AuthKey, AuthSection, AuthType};
use bfd_proto::wire::{Packet, Repr};
use bfd_proto::{Diagnostic, State};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/cpu_time.rs"]
mod cpu_time;
use cpu_time::CpuTime;

fn repr() -> Repr {
    Repr {
        diagnostic: Diagnostic::NoDiagnostic,
        state: State::Up,
        poll: false,
        final_: false,
        control_plane_independent: false,
        demand: false,
        detect_mult: 3,
        my_discriminator: 0x1122_3344,
        your_discriminator: 0x5566_7788,
        desired_min_tx_interval: 300_000,
        required_min_rx_interval: 300_000,
        required_min_echo_rx_interval: 50_000,
        auth: None,
    }
}

fn codec_cpu(c: &mut Criterion<CpuTime>) {
    let plain = repr();
    let bytes = plain.to_bytes();
    let mut buf = [0u8; 64];
    c.bench_function("cpu/control/encode", |b| {
        b.iter(|| black_box(&plain).emit(black_box(&mut buf)))
    });
    c.bench_function("cpu/control/decode", |b| {
        b.iter(|| Repr::parse_bytes(black_box(&bytes)))
    });
}

fn codec(c: &mut Criterion) {
    let plain = repr();
    let bytes = plain.to_bytes();
    let mut buf = [0u8; 64];
    c.bench_function("control/encode", |b| {
        b.iter(|| black_box(&plain).emit(black_box(&mut buf)))
    });
    c.bench_function("control/decode", |b| {
        b.iter(|| Repr::parse_bytes(black_box(&bytes)))
    });

    let key = AuthKey::new(AuthType::MeticulousKeyedSha1, 1, b"sha1-secret-key").unwrap();
    let mut signed = repr();
    signed.auth = Some(AuthSection::unsigned(&key, 1));
    let n = signed.emit_signed(&mut buf, Some(&key)).unwrap();
    let signed_bytes = buf[..n].to_vec();
    c.bench_function("control/encode+sign sha1", |b| {
        b.iter(|| black_box(&signed).emit_signed(black_box(&mut buf), Some(&key)))
    });
    c.bench_function("control/decode+verify sha1", |b| {
        b.iter(|| {
            let p = Packet::new_checked(black_box(&signed_bytes[..])).unwrap();
            let r = Repr::parse(&p).unwrap();
            auth::verify(p.as_packet_bytes(), r.auth.as_ref().unwrap(), &key)
        })
    });
}

criterion_group!(benches, codec);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(CpuTime);
    targets = codec_cpu
}
criterion_main!(benches, cpu);
