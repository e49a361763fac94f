//! The attributes a policy reads and writes, behind a small trait so this crate does not depend
//! on a BGP codec, plus [`Route`], a plain implementation used by tools and tests.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

use crate::model::{Community, ExtCommunity, LargeCommunity, Origin};

/// AS_PATH segment types (RFC 4271, RFC 5065).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// AS_SEQUENCE, printed `1 2 3`.
    Sequence,
    /// AS_SET, printed `{1,2,3}`.
    Set,
    /// AS_CONFED_SEQUENCE, printed `(1 2 3)`.
    ConfedSequence,
    /// AS_CONFED_SET, printed `[1,2,3]`.
    ConfedSet,
}

/// One AS_PATH segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AsSegment {
    /// Segment type.
    pub kind: SegmentKind,
    /// ASNs in wire order.
    pub asns: Vec<u32>,
}

/// An AS_PATH. Its [`Display`](fmt::Display) form is FRR's (`65001 65002 {65003,65004}`), the
/// string AS-path access lists match against.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AsPath {
    /// Segments in wire order.
    pub segments: Vec<AsSegment>,
}

/// Maximum ASNs in one segment (a one-octet count on the wire).
const MAX_SEGMENT_LEN: usize = 255;

impl AsPath {
    /// A path made of one AS_SEQUENCE (empty when `asns` is empty).
    pub fn sequence(asns: impl IntoIterator<Item = u32>) -> Self {
        let asns: Vec<u32> = asns.into_iter().collect();
        let mut p = AsPath::default();
        p.prepend(&asns);
        p
    }

    /// The leftmost AS of a path starting with an AS_SEQUENCE (FRR `aspath_leftmost`).
    pub fn leftmost_as(&self) -> Option<u32> {
        match self.segments.first() {
            Some(s) if s.kind == SegmentKind::Sequence => s.asns.first().copied(),
            _ => None,
        }
    }

    /// Put `asns` in front of the path, merging into a leading AS_SEQUENCE (FRR `aspath_prepend`).
    pub fn prepend(&mut self, asns: &[u32]) {
        if asns.is_empty() {
            return;
        }
        let mut all: Vec<u32> = asns.to_vec();
        if let Some(first) = self.segments.first()
            && first.kind == SegmentKind::Sequence
        {
            all.extend_from_slice(&first.asns);
            self.segments.remove(0);
        }
        let mut segs: Vec<AsSegment> = all
            .chunks(MAX_SEGMENT_LEN)
            .map(|c| AsSegment {
                kind: SegmentKind::Sequence,
                asns: c.to_vec(),
            })
            .collect();
        segs.append(&mut self.segments);
        self.segments = segs;
    }

    /// RFC 4271 path length: each sequence ASN counts 1, each set 1, confederation segments 0.
    pub fn path_len(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s.kind {
                SegmentKind::Sequence => s.asns.len(),
                SegmentKind::Set => 1,
                _ => 0,
            })
            .sum()
    }
}

impl fmt::Display for AsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let (open, sep, close) = match s.kind {
                SegmentKind::Sequence => ("", " ", ""),
                SegmentKind::Set => ("{", ",", "}"),
                SegmentKind::ConfedSequence => ("(", " ", ")"),
                SegmentKind::ConfedSet => ("[", ",", "]"),
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

/// Why an AS path string did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid AS path `{0}`")]
pub struct AsPathParseError(pub String);

impl FromStr for AsPath {
    type Err = AsPathParseError;

    /// Parse FRR's string form (`1 2 {3,4} (5 6) [7,8]`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || AsPathParseError(s.to_string());
        let mut segments: Vec<AsSegment> = Vec::new();
        let mut rest = s.trim();
        while !rest.is_empty() {
            let (kind, close, sep) = match rest.as_bytes()[0] {
                b'{' => (SegmentKind::Set, '}', ','),
                b'(' => (SegmentKind::ConfedSequence, ')', ' '),
                b'[' => (SegmentKind::ConfedSet, ']', ','),
                _ => (SegmentKind::Sequence, ' ', ' '),
            };
            let asns: Vec<u32> = if kind == SegmentKind::Sequence {
                let end = rest.find(['{', '(', '[']).unwrap_or(rest.len());
                let body = &rest[..end];
                rest = rest[end..].trim_start();
                body.split_whitespace()
                    .map(|a| a.parse().map_err(|_| err()))
                    .collect::<Result<_, _>>()?
            } else {
                let end = rest.find(close).ok_or_else(err)?;
                let body = &rest[1..end];
                rest = rest[end + 1..].trim_start();
                body.split(sep)
                    .filter(|a| !a.trim().is_empty())
                    .map(|a| a.trim().parse().map_err(|_| err()))
                    .collect::<Result<_, _>>()?
            };
            if asns.is_empty() {
                return Err(err());
            }
            match segments.last_mut() {
                Some(last)
                    if kind == SegmentKind::Sequence && last.kind == SegmentKind::Sequence =>
                {
                    last.asns.extend(asns)
                }
                _ => segments.push(AsSegment { kind, asns }),
            }
        }
        Ok(AsPath { segments })
    }
}

/// Read and write access to the attributes of one route that policies use.
///
/// Implementations present FRR's view of the route: absent LOCAL_PREF and MED read as `None`
/// (matched and adjusted as 0, like FRR); communities may be in any order (the evaluator treats
/// them as sets and writes them back sorted, as FRR stores them). Setting an empty community
/// list removes the attribute.
pub trait RouteAttrs {
    /// NLRI prefix.
    fn prefix(&self) -> IpNet;
    /// NEXT_HOP (IPv4) or the global MP_REACH next hop.
    fn next_hop(&self) -> Option<IpAddr>;
    /// Replace the next hop.
    fn set_next_hop(&mut self, nh: IpAddr);
    /// AS_PATH.
    fn as_path(&self) -> Cow<'_, AsPath>;
    /// Replace AS_PATH.
    fn set_as_path(&mut self, path: AsPath);
    /// COMMUNITIES.
    fn communities(&self) -> Cow<'_, [Community]>;
    /// Replace COMMUNITIES (empty: remove).
    fn set_communities(&mut self, values: Vec<Community>);
    /// LARGE_COMMUNITIES.
    fn large_communities(&self) -> Cow<'_, [LargeCommunity]>;
    /// Replace LARGE_COMMUNITIES (empty: remove).
    fn set_large_communities(&mut self, values: Vec<LargeCommunity>);
    /// EXTENDED_COMMUNITIES.
    fn ext_communities(&self) -> Cow<'_, [ExtCommunity]>;
    /// LOCAL_PREF, if present.
    fn local_pref(&self) -> Option<u32>;
    /// Set LOCAL_PREF.
    fn set_local_pref(&mut self, v: u32);
    /// MULTI_EXIT_DISC, if present.
    fn med(&self) -> Option<u32>;
    /// Set MULTI_EXIT_DISC.
    fn set_med(&mut self, v: u32);
    /// ORIGIN.
    fn origin(&self) -> Origin;
    /// Set ORIGIN.
    fn set_origin(&mut self, o: Origin);
    /// FRR's local weight (not a wire attribute).
    fn weight(&self) -> u32;
    /// Set weight.
    fn set_weight(&mut self, w: u32);
    /// Address of the peer the route came from; `None` for locally originated routes.
    fn peer_address(&self) -> Option<IpAddr>;
    /// Interface of an unnumbered peer.
    fn peer_interface(&self) -> Option<&str> {
        None
    }
    /// The peer's AS (used by `set as-path prepend last-as` on an empty path).
    fn peer_asn(&self) -> Option<u32> {
        None
    }
}

/// A route with every attribute a policy touches; JSON form (feature `serde`) used by
/// `policy-eval`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Route {
    /// NLRI prefix.
    pub prefix: IpNet,
    /// Next hop.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub next_hop: Option<IpAddr>,
    /// AS_PATH in FRR's string form.
    #[cfg_attr(feature = "serde", serde(default, with = "as_path_str"))]
    pub as_path: AsPath,
    /// COMMUNITIES (`65000:1`, `no-export`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub communities: Vec<Community>,
    /// LARGE_COMMUNITIES (`1:2:3`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub large_communities: Vec<LargeCommunity>,
    /// EXTENDED_COMMUNITIES (`rt 65000:1`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub ext_communities: Vec<ExtCommunity>,
    /// LOCAL_PREF.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub local_pref: Option<u32>,
    /// MULTI_EXIT_DISC.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub med: Option<u32>,
    /// ORIGIN.
    #[cfg_attr(feature = "serde", serde(default = "default_origin"))]
    pub origin: Origin,
    /// Weight.
    #[cfg_attr(feature = "serde", serde(default))]
    pub weight: u32,
    /// Peer address (absent: locally originated).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub peer: Option<IpAddr>,
    /// Peer AS.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub peer_asn: Option<u32>,
}

#[cfg(feature = "serde")]
fn default_origin() -> Origin {
    Origin::Igp
}

#[cfg(feature = "serde")]
mod as_path_str {
    use super::AsPath;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(p: &AsPath, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(p)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AsPath, D::Error> {
        String::deserialize(d)?.parse().map_err(D::Error::custom)
    }
}

impl Route {
    /// A route with only a prefix (origin IGP, everything else absent).
    pub fn new(prefix: IpNet) -> Self {
        Route {
            prefix,
            next_hop: None,
            as_path: AsPath::default(),
            communities: Vec::new(),
            large_communities: Vec::new(),
            ext_communities: Vec::new(),
            local_pref: None,
            med: None,
            origin: Origin::Igp,
            weight: 0,
            peer: None,
            peer_asn: None,
        }
    }
}

impl RouteAttrs for Route {
    fn prefix(&self) -> IpNet {
        self.prefix
    }
    fn next_hop(&self) -> Option<IpAddr> {
        self.next_hop
    }
    fn set_next_hop(&mut self, nh: IpAddr) {
        self.next_hop = Some(nh);
    }
    fn as_path(&self) -> Cow<'_, AsPath> {
        Cow::Borrowed(&self.as_path)
    }
    fn set_as_path(&mut self, path: AsPath) {
        self.as_path = path;
    }
    fn communities(&self) -> Cow<'_, [Community]> {
        Cow::Borrowed(&self.communities)
    }
    fn set_communities(&mut self, values: Vec<Community>) {
        self.communities = values;
    }
    fn large_communities(&self) -> Cow<'_, [LargeCommunity]> {
        Cow::Borrowed(&self.large_communities)
    }
    fn set_large_communities(&mut self, values: Vec<LargeCommunity>) {
        self.large_communities = values;
    }
    fn ext_communities(&self) -> Cow<'_, [ExtCommunity]> {
        Cow::Borrowed(&self.ext_communities)
    }
    fn local_pref(&self) -> Option<u32> {
        self.local_pref
    }
    fn set_local_pref(&mut self, v: u32) {
        self.local_pref = Some(v);
    }
    fn med(&self) -> Option<u32> {
        self.med
    }
    fn set_med(&mut self, v: u32) {
        self.med = Some(v);
    }
    fn origin(&self) -> Origin {
        self.origin
    }
    fn set_origin(&mut self, o: Origin) {
        self.origin = o;
    }
    fn weight(&self) -> u32 {
        self.weight
    }
    fn set_weight(&mut self, w: u32) {
        self.weight = w;
    }
    fn peer_address(&self) -> Option<IpAddr> {
        self.peer
    }
    fn peer_asn(&self) -> Option<u32> {
        self.peer_asn
    }
}
