//! Echo packets (RFC 5880 §6.4, RFC 5881 §4).
//!
//! The remote system loops echo packets back without looking at them, so their payload is a
//! local matter. This crate's format lets a system recognise its own echoes and match them to
//! a session, and carries a per-session token so a forged or stale echo is not mistaken for one:
//!
//! ```text
//! "BFDE" magic (4) | version=1 (1) | reserved (3) | My Discriminator (4) | Sequence (4) | Token (8)
//! ```

use core::fmt;

mod field {
    use core::ops::Range;
    pub const MAGIC: Range<usize> = 0..4;
    pub const VERSION: usize = 4;
    pub const DISCRIMINATOR: Range<usize> = 8..12;
    pub const SEQUENCE: Range<usize> = 12..16;
    pub const TOKEN: Range<usize> = 16..24;
}

/// UDP destination port of single-hop echo packets (RFC 5881 §4).
pub const ECHO_PORT: u16 = 3785;
/// Octets of an echo packet in this crate's format.
pub const ECHO_LEN: usize = 24;
const MAGIC: [u8; 4] = *b"BFDE";
const VERSION: u8 = 1;

/// One of our own echo packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EchoRepr {
    /// `bfd.LocalDiscr` of the session that sent it.
    pub my_discriminator: u32,
    /// Per-session counter, to measure loss and round trips.
    pub sequence: u32,
    /// Per-session secret chosen by the sender.
    pub token: u64,
}

impl EchoRepr {
    /// Builds the payload.
    pub fn to_bytes(&self) -> [u8; ECHO_LEN] {
        let mut out = [0; ECHO_LEN];
        out[field::MAGIC].copy_from_slice(&MAGIC);
        out[field::VERSION] = VERSION;
        out[field::DISCRIMINATOR].copy_from_slice(&self.my_discriminator.to_be_bytes());
        out[field::SEQUENCE].copy_from_slice(&self.sequence.to_be_bytes());
        out[field::TOKEN].copy_from_slice(&self.token.to_be_bytes());
        out
    }

    /// Parses a payload in this crate's format; `None` for anything else (a foreign or
    /// damaged echo is not an error, it is simply not ours).
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != ECHO_LEN
            || bytes[field::MAGIC] != MAGIC
            || bytes[field::VERSION] != VERSION
        {
            return None;
        }
        let u32_at =
            |r: core::ops::Range<usize>| u32::from_be_bytes(bytes[r].try_into().unwrap_or([0; 4]));
        Some(Self {
            my_discriminator: u32_at(field::DISCRIMINATOR),
            sequence: u32_at(field::SEQUENCE),
            token: u64::from_be_bytes(bytes[field::TOKEN].try_into().unwrap_or([0; 8])),
        })
    }

    /// Recognises an echo sent by the session with `my_discriminator` and `token`; returns its
    /// sequence number.
    pub fn recognise(bytes: &[u8], my_discriminator: u32, token: u64) -> Option<u32> {
        Self::parse(bytes)
            .filter(|e| e.my_discriminator == my_discriminator && e.token == token)
            .map(|e| e.sequence)
    }
}

impl fmt::Display for EchoRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BFD echo my {:#010x} seq {}",
            self.my_discriminator, self.sequence
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_echo_is_recognised_and_foreign_is_not() {
        let e = EchoRepr {
            my_discriminator: 0x0102_0304,
            sequence: 7,
            token: 0xdead_beef_cafe_f00d,
        };
        let bytes = e.to_bytes();
        assert_eq!(&bytes[..8], b"BFDE\x01\0\0\0");
        assert_eq!(EchoRepr::parse(&bytes), Some(e));
        assert_eq!(
            EchoRepr::recognise(&bytes, 0x0102_0304, 0xdead_beef_cafe_f00d),
            Some(7)
        );
        assert_eq!(EchoRepr::recognise(&bytes, 0x0102_0304, 1), None);
        assert_eq!(EchoRepr::recognise(&bytes, 9, 0xdead_beef_cafe_f00d), None);
        assert_eq!(EchoRepr::parse(&bytes[..23]), None);
        let mut other = bytes;
        other[0] = b'X';
        assert_eq!(EchoRepr::parse(&other), None);
    }
}
