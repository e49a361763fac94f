//! Captures and raw dumps through bgp-decode's whole path: pcap/pcapng blocks, link layers,
//! TCP reassembly (scripted retransmissions, overlaps, reordering), framing and resync, and
//! OPEN-driven session contexts. Invariants are checked by `check_capture`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    examples::decode::fuzzing::check_capture(data);
});
