//! UPDATE bodies through the zero-copy view and the owned decoder; both must agree.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bgp_proto::fuzzing::decode_update(data) {
        panic!("{e}");
    }
});
