//! AS_PATH and AS4_PATH (RFC 4271 §4.3, RFC 5065 confederation segments, RFC 6793 4-octet AS),
//! printed as FRR does: `64512 64513 {1,2} (65000)`.

use std::fmt;

use smallvec::SmallVec;

use crate::wire::codec::Reader;
use crate::wire::error::{DecodeError, ErrorKind};

/// Segment types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SegmentType {
    /// 1: AS_SET.
    AsSet,
    /// 2: AS_SEQUENCE.
    AsSequence,
    /// 3: AS_CONFED_SEQUENCE (RFC 5065).
    AsConfedSequence,
    /// 4: AS_CONFED_SET (RFC 5065).
    AsConfedSet,
}

impl SegmentType {
    /// From the wire code.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => SegmentType::AsSet,
            2 => SegmentType::AsSequence,
            3 => SegmentType::AsConfedSequence,
            4 => SegmentType::AsConfedSet,
            _ => return None,
        })
    }
    /// The wire code.
    pub fn to_u8(self) -> u8 {
        match self {
            SegmentType::AsSet => 1,
            SegmentType::AsSequence => 2,
            SegmentType::AsConfedSequence => 3,
            SegmentType::AsConfedSet => 4,
        }
    }
}

/// One segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AsPathSegment {
    /// Segment type.
    pub segment_type: SegmentType,
    /// AS numbers (at most 255 per segment on the wire; longer ones are split when encoded).
    pub asns: SmallVec<[u32; 6]>,
}

impl AsPathSegment {
    /// An AS_SEQUENCE.
    pub fn sequence(asns: impl IntoIterator<Item = u32>) -> Self {
        AsPathSegment {
            segment_type: SegmentType::AsSequence,
            asns: asns.into_iter().collect(),
        }
    }
    /// An AS_SET.
    pub fn set(asns: impl IntoIterator<Item = u32>) -> Self {
        AsPathSegment {
            segment_type: SegmentType::AsSet,
            asns: asns.into_iter().collect(),
        }
    }
}

/// An AS path: a list of segments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AsPath {
    /// Segments in order.
    pub segments: SmallVec<[AsPathSegment; 1]>,
}

impl AsPath {
    /// A path of one AS_SEQUENCE.
    pub fn from_sequence(asns: impl IntoIterator<Item = u32>) -> Self {
        let seg = AsPathSegment::sequence(asns);
        let mut segments = SmallVec::new();
        if !seg.asns.is_empty() {
            segments.push(seg);
        }
        AsPath { segments }
    }

    /// Decodes segments of 2- or 4-octet ASNs. Malformations (RFC 7606 §7.2): unknown segment
    /// type, zero-length segment, overrun.
    pub fn decode(r: &mut Reader<'_>, four_octet: bool) -> Result<AsPath, DecodeError> {
        let mut p = AsPath::default();
        p.decode_into(r, four_octet)?;
        Ok(p)
    }

    /// Appends the segments read from `r` in place (no temporary path to move).
    pub(crate) fn decode_into(
        &mut self,
        r: &mut Reader<'_>,
        four_octet: bool,
    ) -> Result<(), DecodeError> {
        while !r.is_empty() {
            let t = r.u8("segment type")?;
            let segment_type = SegmentType::from_u8(t).ok_or_else(|| {
                r.error(ErrorKind::MalformedAsPath {
                    reason: "unknown segment type",
                })
            })?;
            let n = r.u8("segment length")? as usize;
            if n == 0 {
                return Err(r.error(ErrorKind::MalformedAsPath {
                    reason: "empty segment",
                }));
            }
            let w = if four_octet { 4 } else { 2 };
            let b = r.take(n * w, "segment ASNs").map_err(|e| DecodeError {
                kind: ErrorKind::MalformedAsPath {
                    reason: "segment overrun",
                },
                ..e
            })?;
            // Growing first and pushing only with room keeps the growth call (and its unwind
            // path) away from the new segment, which is then written in place.
            if self.segments.len() == self.segments.capacity() {
                self.segments.reserve(1);
            }
            if self.segments.len() < self.segments.capacity() {
                self.segments.push(AsPathSegment {
                    segment_type,
                    asns: SmallVec::new(),
                });
            }
            let Some(seg) = self.segments.last_mut() else {
                continue;
            };
            // `extend` of an exact-size iterator reserves once and keeps the length in a
            // register, unlike a `push` per ASN.
            if four_octet {
                seg.asns.extend(
                    b.chunks_exact(4)
                        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])),
                );
            } else {
                seg.asns.extend(
                    b.chunks_exact(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]) as u32),
                );
            }
        }
        Ok(())
    }

    /// Appends the segments; with `four_octet` false, ASNs above 65535 become AS_TRANS.
    pub fn encode(&self, four_octet: bool, out: &mut Vec<u8>) {
        for s in &self.segments {
            for chunk in s.asns.chunks(255) {
                out.push(s.segment_type.to_u8());
                out.push(chunk.len() as u8);
                for &a in chunk {
                    if four_octet {
                        out.extend_from_slice(&a.to_be_bytes());
                    } else {
                        let a16 = u16::try_from(a).unwrap_or(crate::wire::open::AS_TRANS);
                        out.extend_from_slice(&a16.to_be_bytes());
                    }
                }
            }
        }
    }

    /// Bytes [`encode`](Self::encode) appends.
    pub fn encoded_len(&self, four_octet: bool) -> usize {
        let w = if four_octet { 4 } else { 2 };
        self.segments
            .iter()
            .map(|s| s.asns.len().div_ceil(255) * 2 + s.asns.len() * w)
            .sum()
    }

    /// Path length for best-path selection: an AS_SET counts 1, confederation segments 0
    /// (RFC 4271 §9.1.2.2, RFC 5065 §5.3).
    pub fn path_len(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s.segment_type {
                SegmentType::AsSequence => s.asns.len(),
                SegmentType::AsSet => 1,
                _ => 0,
            })
            .sum()
    }

    /// True when some ASN does not fit in 2 octets (AS4_PATH needed toward 2-octet peers).
    pub fn has_four_octet_asn(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.asns.iter().any(|&a| a > 0xffff))
    }

    /// The first AS of the first AS_SEQUENCE (the neighbor AS).
    pub fn first_asn(&self) -> Option<u32> {
        let s = self.segments.first()?;
        (s.segment_type == SegmentType::AsSequence)
            .then(|| s.asns.first().copied())
            .flatten()
    }

    /// The origin AS: last AS of the last AS_SEQUENCE.
    pub fn origin_asn(&self) -> Option<u32> {
        let s = self.segments.last()?;
        (s.segment_type == SegmentType::AsSequence)
            .then(|| s.asns.last().copied())
            .flatten()
    }

    /// Iterates every ASN of every segment.
    pub fn asns(&self) -> impl Iterator<Item = u32> + '_ {
        self.segments.iter().flat_map(|s| s.asns.iter().copied())
    }

    /// The AS4_PATH to send with this path to a peer without 4-octet AS support (RFC 6793
    /// §4.2.2): the path without confederation segments, when some ASN needs 4 octets.
    /// The AS_PATH itself is encoded with AS_TRANS by [`encode`](Self::encode).
    pub fn as4_path_for_two_octet_peer(&self) -> Option<AsPath> {
        if !self.has_four_octet_asn() {
            return None;
        }
        let segments = self
            .segments
            .iter()
            .filter(|s| matches!(s.segment_type, SegmentType::AsSequence | SegmentType::AsSet))
            .cloned()
            .collect();
        Some(AsPath { segments })
    }

    /// Rebuilds the true path from a 2-octet AS_PATH and an AS4_PATH (RFC 6793 §4.2.3): when
    /// AS4_PATH is not longer, the leading ASNs of AS_PATH that AS4_PATH does not cover are
    /// kept and AS4_PATH appended; otherwise AS4_PATH is ignored.
    pub fn merge_as4(as_path: &AsPath, as4_path: &AsPath) -> AsPath {
        let n2 = as_path.path_len();
        let n4 = as4_path.path_len();
        if n4 > n2 {
            return as_path.clone();
        }
        let mut keep = n2 - n4;
        let mut out = AsPath::default();
        for s in &as_path.segments {
            match s.segment_type {
                SegmentType::AsConfedSequence | SegmentType::AsConfedSet => {
                    out.segments.push(s.clone())
                }
                SegmentType::AsSet if keep >= 1 => {
                    out.segments.push(s.clone());
                    keep -= 1;
                }
                SegmentType::AsSequence if keep > 0 => {
                    let take = keep.min(s.asns.len());
                    out.segments
                        .push(AsPathSegment::sequence(s.asns[..take].iter().copied()));
                    keep -= take;
                }
                _ => {}
            }
        }
        for s in &as4_path.segments {
            if matches!(s.segment_type, SegmentType::AsSequence | SegmentType::AsSet) {
                // Join adjacent sequences so the result prints as one run.
                match (out.segments.last_mut(), s.segment_type) {
                    (Some(last), SegmentType::AsSequence)
                        if last.segment_type == SegmentType::AsSequence
                            && last.asns.len() + s.asns.len() <= 255 =>
                    {
                        last.asns.extend_from_slice(&s.asns)
                    }
                    _ => out.segments.push(s.clone()),
                }
            }
        }
        out
    }
}

impl fmt::Display for AsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let (open, sep, close) = match s.segment_type {
                SegmentType::AsSequence => ("", " ", ""),
                SegmentType::AsSet => ("{", ",", "}"),
                SegmentType::AsConfedSequence => ("(", " ", ")"),
                SegmentType::AsConfedSet => ("[", ",", "]"),
            };
            f.write_str(open)?;
            for (j, a) in s.asns.iter().enumerate() {
                if j > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{a}")?;
            }
            f.write_str(close)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(t: SegmentType, a: &[u32]) -> AsPathSegment {
        AsPathSegment {
            segment_type: t,
            asns: a.iter().copied().collect(),
        }
    }

    #[test]
    fn display_matches_frr() {
        let p = AsPath {
            segments: [
                seg(SegmentType::AsSequence, &[64512, 64513]),
                seg(SegmentType::AsSet, &[1, 2]),
                seg(SegmentType::AsConfedSequence, &[65000]),
                seg(SegmentType::AsConfedSet, &[65001, 65002]),
            ]
            .into_iter()
            .collect(),
        };
        assert_eq!(p.to_string(), "64512 64513 {1,2} (65000) [65001,65002]");
        assert_eq!(p.path_len(), 3);
    }

    #[test]
    fn two_and_four_octet_round_trip() {
        let p = AsPath::from_sequence([65000, 4_200_000_000, 1]);
        for four in [true, false] {
            let mut v = Vec::new();
            p.encode(four, &mut v);
            assert_eq!(v.len(), p.encoded_len(four));
            let d = AsPath::decode(&mut Reader::new(&v, 0, (3, 11)), four).unwrap();
            if four {
                assert_eq!(d, p);
            } else {
                assert_eq!(d.to_string(), "65000 23456 1");
            }
        }
        let long = AsPath::from_sequence(0..300);
        let mut v = Vec::new();
        long.encode(true, &mut v);
        let d = AsPath::decode(&mut Reader::new(&v, 0, (3, 11)), true).unwrap();
        assert_eq!(d.segments.len(), 2);
        assert_eq!(d.asns().collect::<Vec<_>>(), (0..300).collect::<Vec<_>>());
    }

    #[test]
    fn malformations_rfc7606() {
        for bad in [&[5u8, 1, 0, 1][..], &[2, 0], &[2, 2, 0, 1], &[2]] {
            let e = AsPath::decode(&mut Reader::new(bad, 0, (3, 11)), false).unwrap_err();
            assert!(
                matches!(
                    e.kind,
                    ErrorKind::MalformedAsPath { .. } | ErrorKind::Truncated { .. }
                ),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn rfc6793_merge() {
        let as_path = AsPath::from_sequence([65001, 23456, 23456, 65002]);
        let as4 = AsPath::from_sequence([4_200_000_001, 4_200_000_002, 65002]);
        assert_eq!(
            AsPath::merge_as4(&as_path, &as4).to_string(),
            "65001 4200000001 4200000002 65002"
        );
        let longer = AsPath::from_sequence([1, 2, 3, 4, 5]);
        assert_eq!(AsPath::merge_as4(&as_path, &longer), as_path);
        let with_confed = AsPath {
            segments: [
                seg(SegmentType::AsConfedSequence, &[65100]),
                seg(SegmentType::AsSequence, &[23456, 7]),
            ]
            .into_iter()
            .collect(),
        };
        let as4 = AsPath::from_sequence([4_200_000_009, 7]);
        assert_eq!(
            AsPath::merge_as4(&with_confed, &as4).to_string(),
            "(65100) 4200000009 7"
        );
    }
}
