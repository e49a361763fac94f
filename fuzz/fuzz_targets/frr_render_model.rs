//! frr-render: model JSON -> render (round trip).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    frr_render::fuzz::model_json(data);
});
