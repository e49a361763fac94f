//! The two primitives every wire type is built from: a [`Reader`] cursor that never panics and
//! knows its absolute offset in the message, and the [`Encode`] trait.

use crate::wire::error::{Action, DecodeError, ErrorKind};

/// A bounds-checked cursor over a byte slice.
///
/// Every read is checked; a short read yields a [`DecodeError`] carrying the absolute offset
/// (relative to the start of the BGP message) and the NOTIFICATION the caller chose for
/// malformations found through this reader.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
    reset: (u8, u8),
}

impl<'a> Reader<'a> {
    /// A reader over `buf`, whose first byte sits at message offset `base`; malformations reset
    /// the session with NOTIFICATION `reset` = (code, subcode).
    #[inline]
    pub fn new(buf: &'a [u8], base: usize, reset: (u8, u8)) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            reset,
        }
    }

    /// Absolute offset of the next byte.
    #[inline]
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes not yet read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// True when every byte has been read.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// The NOTIFICATION (code, subcode) used for errors of this reader.
    #[inline]
    pub fn reset_code(&self) -> (u8, u8) {
        self.reset
    }

    /// An error located at the current offset, with this reader's session-reset action.
    #[cold]
    pub fn error(&self, kind: ErrorKind) -> DecodeError {
        DecodeError::new(
            kind,
            self.offset(),
            Action::reset(self.reset.0, self.reset.1),
        )
    }

    #[cold]
    fn short(&self, field: &'static str, needed: usize) -> DecodeError {
        self.error(ErrorKind::Truncated {
            field,
            needed,
            available: self.remaining(),
        })
    }

    /// Takes the next `n` bytes.
    #[inline]
    pub fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.short(field, n));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Takes the next `N` bytes as an array.
    #[inline]
    pub fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let s = self.take(N, field)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    /// A sub-reader over the next `n` bytes (same reset code, correct offsets).
    #[inline]
    pub fn sub(&mut self, n: usize, field: &'static str) -> Result<Reader<'a>, DecodeError> {
        let base = self.offset();
        let s = self.take(n, field)?;
        Ok(Reader {
            buf: s,
            pos: 0,
            base,
            reset: self.reset,
        })
    }

    /// Takes everything left.
    #[inline]
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos.min(self.buf.len())..];
        self.pos = self.buf.len();
        s
    }

    /// Looks at the next byte without consuming it.
    #[inline]
    pub fn peek_u8(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Reads one octet.
    #[inline]
    pub fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.short(field, 1)),
        }
    }

    /// Reads a big-endian u16.
    #[inline]
    pub fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian 24-bit value.
    #[inline]
    pub fn u24(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let [a, b, c] = self.array(field)?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    /// Reads a big-endian u32.
    #[inline]
    pub fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    /// Reads a big-endian u64.
    #[inline]
    pub fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    /// Reads an IPv4 address.
    #[inline]
    pub fn ipv4(&mut self, field: &'static str) -> Result<std::net::Ipv4Addr, DecodeError> {
        Ok(std::net::Ipv4Addr::from(self.array::<4>(field)?))
    }

    /// Reads an IPv6 address.
    #[inline]
    pub fn ipv6(&mut self, field: &'static str) -> Result<std::net::Ipv6Addr, DecodeError> {
        Ok(std::net::Ipv6Addr::from(self.array::<16>(field)?))
    }

    /// Fails with "trailing bytes" unless every byte was consumed.
    #[inline]
    pub fn expect_end(&self, field: &'static str) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(ErrorKind::TrailingBytes {
                field,
                count: self.remaining(),
            }))
        }
    }
}

/// Wire encoding of a value. Encoders append to a `Vec<u8>`; lengths that depend on the session
/// (4-octet AS, ADD-PATH) are handled by the context-aware functions of each module.
pub trait Encode {
    /// Appends the wire form of `self`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Bytes `encode` will append.
    fn encoded_len(&self) -> usize;
    /// The wire form as a fresh vector.
    fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }
}

/// Writes a u16 length at `at` (patching a placeholder).
#[inline]
pub(crate) fn patch_u16(out: &mut [u8], at: usize, v: u16) {
    out[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_overreads() {
        let mut r = Reader::new(&[1, 2, 3], 10, (3, 1));
        assert_eq!(r.u16("a").unwrap(), 0x0102);
        assert_eq!(r.offset(), 12);
        let e = r.u16("b").unwrap_err();
        assert_eq!(e.offset, 12);
        assert!(matches!(
            e.kind,
            ErrorKind::Truncated {
                field: "b",
                needed: 2,
                available: 1
            }
        ));
        assert_eq!(r.u8("c").unwrap(), 3);
        assert!(r.u8("d").is_err());
        assert!(r.take(usize::MAX, "e").is_err());
        assert!(r.expect_end("x").is_ok());
    }

    #[test]
    fn sub_reader_keeps_offsets() {
        let mut r = Reader::new(&[0, 0, 9, 8, 7], 19, (2, 0));
        r.take(2, "skip").unwrap();
        let mut s = r.sub(2, "sub").unwrap();
        assert_eq!(s.offset(), 21);
        s.u8("x").unwrap();
        assert!(s.expect_end("sub").is_err());
        assert_eq!(r.remaining(), 1);
    }
}
