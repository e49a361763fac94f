//! Any byte string through the control-packet decoder: no panic, and whatever parses re-emits
//! to bytes that parse to the same value.
#![no_main]

use bfd_proto::wire::Repr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(repr) = Repr::parse_bytes(data) {
        let bytes = repr.to_bytes();
        assert_eq!(bytes.len(), repr.buffer_len());
        assert_eq!(Repr::parse_bytes(&bytes), Ok(repr));
    }
});
