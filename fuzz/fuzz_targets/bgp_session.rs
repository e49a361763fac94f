//! Drives the sans-IO BGP session (and the RIB behind it) with arbitrary events, peer bytes
//! and timer jumps; see `bgp_proto::session::fuzz::run` for the script format and invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bgp_proto::session::fuzz::run(data);
});
