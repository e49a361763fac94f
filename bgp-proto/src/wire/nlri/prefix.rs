//! IP prefixes in the NLRI encoding: a length in bits and the fewest octets holding it
//! (RFC 4271 §4.3), optionally preceded by a 4-octet ADD-PATH path identifier (RFC 7911 §3).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::wire::codec::Reader;
use crate::wire::error::{DecodeError, ErrorKind};

/// An IPv4 prefix with its optional path identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv4Prefix {
    /// ADD-PATH path identifier, when negotiated.
    pub path_id: Option<u32>,
    /// The prefix (host bits cleared).
    pub prefix: Ipv4Net,
}

/// An IPv6 prefix with its optional path identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv6Prefix {
    /// ADD-PATH path identifier, when negotiated.
    pub path_id: Option<u32>,
    /// The prefix (host bits cleared).
    pub prefix: Ipv6Net,
}

impl Ipv4Prefix {
    /// A prefix without path id; host bits are cleared.
    pub fn new(prefix: Ipv4Net) -> Self {
        Ipv4Prefix {
            path_id: None,
            prefix: prefix.trunc(),
        }
    }

    /// Bytes on the wire.
    #[inline]
    pub fn encoded_len(&self, add_path: bool) -> usize {
        1 + (self.prefix.prefix_len() as usize).div_ceil(8) + if add_path { 4 } else { 0 }
    }

    /// Appends the wire form.
    #[inline]
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let len = self.prefix.prefix_len();
        out.push(len);
        out.extend_from_slice(&self.prefix.addr().octets()[..(len as usize).div_ceil(8)]);
    }
}

impl Ipv6Prefix {
    /// A prefix without path id; host bits are cleared.
    pub fn new(prefix: Ipv6Net) -> Self {
        Ipv6Prefix {
            path_id: None,
            prefix: prefix.trunc(),
        }
    }

    /// Bytes on the wire.
    #[inline]
    pub fn encoded_len(&self, add_path: bool) -> usize {
        1 + (self.prefix.prefix_len() as usize).div_ceil(8) + if add_path { 4 } else { 0 }
    }

    /// Appends the wire form.
    #[inline]
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        let len = self.prefix.prefix_len();
        out.push(len);
        out.extend_from_slice(&self.prefix.addr().octets()[..(len as usize).div_ceil(8)]);
    }
}

impl fmt::Display for Ipv4Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.prefix)?;
        if let Some(id) = self.path_id {
            write!(f, " path-id {id}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Ipv6Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.prefix)?;
        if let Some(id) = self.path_id {
            write!(f, " path-id {id}")?;
        }
        Ok(())
    }
}

#[inline(always)]
fn mask32(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len as u32)
    }
}

#[inline(always)]
fn mask128(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - len as u32)
    }
}

#[inline(always)]
fn path_id(d: &[u8], p: &mut usize, add_path: bool) -> Option<Option<u32>> {
    if !add_path {
        return Some(None);
    }
    let b = d.get(*p..*p + 4)?;
    *p += 4;
    Some(Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
}

/// Reads one IPv4 prefix at `p`: (prefix, next position), `None` on any malformation.
///
/// The fast path loads four octets at once (possibly from the next prefix) and masks them to
/// the prefix length, avoiding a variable-length copy per prefix.
#[inline(always)]
fn read_v4(d: &[u8], mut p: usize, add_path: bool) -> Option<(Ipv4Prefix, usize)> {
    let path_id = path_id(d, &mut p, add_path)?;
    let len = *d.get(p)?;
    if len > 32 {
        return None;
    }
    let n = (len as usize + 7) >> 3;
    let end = p + 1 + n;
    if end > d.len() {
        return None;
    }
    let raw = match d.get(p + 1..p + 5) {
        Some(b) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        None => d[p + 1..end]
            .iter()
            .enumerate()
            .fold(0u32, |v, (i, &b)| v | (b as u32) << (24 - 8 * i)),
    };
    let addr = Ipv4Addr::from(raw & mask32(len));
    Some((
        Ipv4Prefix {
            path_id,
            prefix: Ipv4Net::new(addr, len).ok()?,
        },
        end,
    ))
}

/// Reads one IPv6 prefix at `p`, like [`read_v4`].
#[inline(always)]
fn read_v6(d: &[u8], mut p: usize, add_path: bool) -> Option<(Ipv6Prefix, usize)> {
    let path_id = path_id(d, &mut p, add_path)?;
    let len = *d.get(p)?;
    if len > 128 {
        return None;
    }
    let n = (len as usize + 7) >> 3;
    let end = p + 1 + n;
    if end > d.len() {
        return None;
    }
    let raw = match d.get(p + 1..p + 17) {
        Some(b) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            u128::from_be_bytes(a)
        }
        None => d[p + 1..end]
            .iter()
            .enumerate()
            .fold(0u128, |v, (i, &b)| v | (b as u128) << (120 - 8 * i)),
    };
    let addr = Ipv6Addr::from(raw & mask128(len));
    Some((
        Ipv6Prefix {
            path_id,
            prefix: Ipv6Net::new(addr, len).ok()?,
        },
        end,
    ))
}

#[cold]
fn prefix_error(r: &Reader<'_>, d: &[u8], p: usize, add_path: bool, max: u8) -> DecodeError {
    let at = p + if add_path { 4 } else { 0 };
    match d.get(at) {
        Some(&len) if len > max => {
            let mut e = r.error(ErrorKind::InvalidPrefixLength { length: len, max });
            e.offset = r.offset() + at;
            e
        }
        _ => {
            let mut e = r.error(ErrorKind::Truncated {
                field: "prefix",
                needed: d.len().saturating_sub(p) + 1,
                available: d.len().saturating_sub(p),
            });
            e.offset = r.offset() + p;
            e
        }
    }
}

/// Decodes every IPv4 prefix left in `r` into `out`.
pub fn decode_ipv4(
    r: &mut Reader<'_>,
    add_path: bool,
    out: &mut Vec<Ipv4Prefix>,
) -> Result<(), DecodeError> {
    let base = r.offset();
    let d = r.rest();
    let mut p = 0;
    while p < d.len() {
        let Some((pfx, next)) = read_v4(d, p, add_path) else {
            return Err(prefix_error(
                &Reader::new(&[], base, r.reset_code()),
                d,
                p,
                add_path,
                32,
            ));
        };
        out.push(pfx);
        p = next;
    }
    Ok(())
}

/// Decodes every IPv6 prefix left in `r` into `out`.
pub fn decode_ipv6(
    r: &mut Reader<'_>,
    add_path: bool,
    out: &mut Vec<Ipv6Prefix>,
) -> Result<(), DecodeError> {
    let base = r.offset();
    let d = r.rest();
    let mut p = 0;
    while p < d.len() {
        let Some((pfx, next)) = read_v6(d, p, add_path) else {
            return Err(prefix_error(
                &Reader::new(&[], base, r.reset_code()),
                d,
                p,
                add_path,
                128,
            ));
        };
        out.push(pfx);
        p = next;
    }
    Ok(())
}

/// Checks that `d` is a well-formed sequence of prefixes of at most `max` bits.
pub(crate) fn validate(
    d: &[u8],
    add_path: bool,
    max: u8,
    base: usize,
    reset: (u8, u8),
) -> Result<usize, DecodeError> {
    let mut p = 0;
    let mut count = 0;
    let head = if add_path { 5 } else { 1 };
    while p < d.len() {
        let ok = d.len() - p >= head && {
            let len = d[p + head - 1];
            len <= max && d.len() - p - head >= (len as usize).div_ceil(8)
        };
        if !ok {
            let r0 = Reader::new(&[], base, reset);
            return Err(prefix_error(&r0, d, p, add_path, max));
        }
        p += head + (d[p + head - 1] as usize).div_ceil(8);
        count += 1;
    }
    Ok(count)
}

/// Lazy iterator over the IPv4 prefixes of a checked byte range. Yields nothing more after a
/// malformation (ranges from [`UpdateView`](crate::wire::update::UpdateView) are pre-checked).
#[derive(Clone, Debug)]
pub struct Ipv4PrefixIter<'a> {
    data: &'a [u8],
    pos: usize,
    add_path: bool,
}

impl<'a> Ipv4PrefixIter<'a> {
    /// Iterates `data`.
    pub fn new(data: &'a [u8], add_path: bool) -> Self {
        Ipv4PrefixIter {
            data,
            pos: 0,
            add_path,
        }
    }
}

impl Iterator for Ipv4PrefixIter<'_> {
    type Item = Ipv4Prefix;
    #[inline]
    fn next(&mut self) -> Option<Ipv4Prefix> {
        let (pfx, next) = read_v4(self.data, self.pos, self.add_path)?;
        self.pos = next;
        Some(pfx)
    }
}

/// Lazy iterator over IPv6 prefixes.
#[derive(Clone, Debug)]
pub struct Ipv6PrefixIter<'a> {
    data: &'a [u8],
    pos: usize,
    add_path: bool,
}

impl<'a> Ipv6PrefixIter<'a> {
    /// Iterates `data`.
    pub fn new(data: &'a [u8], add_path: bool) -> Self {
        Ipv6PrefixIter {
            data,
            pos: 0,
            add_path,
        }
    }
}

impl Iterator for Ipv6PrefixIter<'_> {
    type Item = Ipv6Prefix;
    #[inline]
    fn next(&mut self) -> Option<Ipv6Prefix> {
        let (pfx, next) = read_v6(self.data, self.pos, self.add_path)?;
        self.pos = next;
        Some(pfx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4271_prefix_encoding() {
        // 10.1.0.0/16 then 0.0.0.0/0 then 192.0.2.128/25
        let d = [16, 10, 1, 0, 25, 192, 0, 2, 128];
        let v: Vec<_> = Ipv4PrefixIter::new(&d, false)
            .map(|p| p.prefix.to_string())
            .collect();
        assert_eq!(v, ["10.1.0.0/16", "0.0.0.0/0", "192.0.2.128/25"]);
        let mut out = Vec::new();
        decode_ipv4(&mut Reader::new(&d, 0, (3, 10)), false, &mut out).unwrap();
        let mut enc = Vec::new();
        out.iter().for_each(|p| p.encode(false, &mut enc));
        assert_eq!(enc, d);
    }

    #[test]
    fn host_bits_are_cleared_and_path_ids_read() {
        let d = [0, 0, 0, 7, 24, 10, 0, 0x0f, 0xff];
        let mut r = Reader::new(&d[..8], 0, (3, 10));
        let mut out = Vec::new();
        decode_ipv4(&mut r, true, &mut out).unwrap();
        assert_eq!(out[0].path_id, Some(7));
        assert_eq!(out[0].prefix.to_string(), "10.0.15.0/24");
        let mut r = Reader::new(&d, 100, (3, 10));
        let e = decode_ipv4(&mut r, true, &mut Vec::new()).unwrap_err();
        assert_eq!(e.offset, 108);
    }

    #[test]
    fn bad_lengths_are_located() {
        let mut r = Reader::new(&[8, 10, 33, 1, 2, 3, 4, 5], 40, (3, 10));
        let e = decode_ipv4(&mut r, false, &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidPrefixLength {
                length: 33,
                max: 32
            }
        );
        assert_eq!(e.offset, 42);
        assert_eq!(e.notification().map(|n| (n.0, n.1)), Some((3, 10)));
        assert!(validate(&[24, 1, 2], false, 32, 0, (3, 10)).is_err());
        assert_eq!(
            validate(&[24, 1, 2, 3, 0], false, 32, 0, (3, 10)).unwrap(),
            2
        );
        let v6 = [129, 0];
        assert!(decode_ipv6(&mut Reader::new(&v6, 0, (3, 10)), false, &mut Vec::new()).is_err());
    }
}
