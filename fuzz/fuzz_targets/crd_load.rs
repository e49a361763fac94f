//! Manifest loading: any bytes either fail with a located error or load objects that validate
//! without panicking and survive a JSON and a YAML round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = crd_model::load_str("fuzz", text)
        && let Err(e) = crd_model::load::check_round_trip(&docs)
    {
        panic!("{e}");
    }
});
