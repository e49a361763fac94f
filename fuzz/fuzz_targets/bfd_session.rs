//! Byte strings as a sequence of received packets and clock steps for one session: no panic,
//! and the session's transmissions always parse.
//!
//! Input: records of `[delay_ms, ttl, len, bytes[len]]`.
#![no_main]

use std::time::{Duration, Instant};

use bfd_proto::wire::Repr;
use bfd_proto::{Config, Session};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut s = Session::new(Config::default(), 0x0a0a_0a0a, 1).unwrap();
    let mut now = Instant::now();
    let mut rest = data;
    while let [delay, ttl, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        now += Duration::from_millis(u64::from(*delay));
        s.handle_timeout(now);
        let _ = s.handle_packet(now, &tail[..n], Some(*ttl));
        while let Some(p) = s.poll_transmit(now) {
            assert!(Repr::parse_bytes(&p).is_ok());
        }
        rest = &tail[n..];
    }
});
