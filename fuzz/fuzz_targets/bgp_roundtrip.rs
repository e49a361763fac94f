//! decode → encode → decode is the identity for every message that decodes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bgp_proto::fuzzing::roundtrip(data) {
        panic!("{e}");
    }
});
