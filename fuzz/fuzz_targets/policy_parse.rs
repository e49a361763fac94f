//! FRR-syntax policy parser: no panic on any input; parsed policies render to a fixpoint and
//! evaluate (route_policy::testing::check_parse_invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    route_policy::testing::check_parse_invariants(data);
});
