//! KEEPALIVE message (RFC 4271 §4.4): a bare header.

use crate::wire::header::{self, MessageType};

/// Appends a KEEPALIVE.
pub fn encode(out: &mut Vec<u8>) {
    let start = header::begin(out, MessageType::Keepalive);
    header::finish(out, start);
}

/// The 19 octets of a KEEPALIVE.
pub const KEEPALIVE: [u8; 19] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0, 19, 4,
];

#[cfg(test)]
mod tests {
    #[test]
    fn keepalive_bytes() {
        let mut v = Vec::new();
        super::encode(&mut v);
        assert_eq!(v, super::KEEPALIVE);
    }
}
