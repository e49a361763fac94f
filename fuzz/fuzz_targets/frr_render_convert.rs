//! frr-render: FRRConfiguration JSON array -> node model -> render.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    frr_render::fuzz::frr_configurations_json(data);
});
