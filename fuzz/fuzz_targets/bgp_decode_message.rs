//! Any BGP message under a context chosen by the first input byte: no panic, no hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bgp_proto::fuzzing::decode_message(data);
});
