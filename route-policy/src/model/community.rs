//! Community values in FRR's text forms.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// A BGP community (RFC 1997), shown as `AA:NN` or by its well-known name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Community(pub u32);

/// Well-known communities with the names FRR prints and accepts (bgp_community.c).
const WELL_KNOWN: &[(u32, &str)] = &[
    (0x0000_0000, "internet"),
    (0xFFFF_0000, "graceful-shutdown"),
    (0xFFFF_0001, "accept-own"),
    (0xFFFF_0002, "route-filter-translated-v4"),
    (0xFFFF_0003, "route-filter-v4"),
    (0xFFFF_0004, "route-filter-translated-v6"),
    (0xFFFF_0005, "route-filter-v6"),
    (0xFFFF_0006, "llgr-stale"),
    (0xFFFF_0007, "no-llgr"),
    (0xFFFF_0008, "accept-own-nexthop"),
    (0xFFFF_029A, "blackhole"),
    (0xFFFF_FF01, "no-export"),
    (0xFFFF_FF02, "no-advertise"),
    (0xFFFF_FF03, "local-AS"),
    (0xFFFF_FF04, "no-peer"),
];

impl Community {
    /// `NO_EXPORT` (RFC 1997).
    pub const NO_EXPORT: Community = Community(0xFFFF_FF01);
    /// `NO_ADVERTISE` (RFC 1997).
    pub const NO_ADVERTISE: Community = Community(0xFFFF_FF02);

    /// From the two 16-bit halves.
    pub fn new(asn: u16, value: u16) -> Self {
        Community((u32::from(asn) << 16) | u32::from(value))
    }

    /// The well-known name, if any.
    pub fn well_known_name(self) -> Option<&'static str> {
        WELL_KNOWN
            .iter()
            .find(|(v, _)| *v == self.0)
            .map(|(_, n)| *n)
    }
}

impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.well_known_name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}:{}", self.0 >> 16, self.0 & 0xFFFF),
        }
    }
}

/// Why a community value did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} `{text}`: {reason}")]
pub struct ValueError {
    /// What was being parsed (`community`, `large community`, ...).
    pub kind: &'static str,
    /// The offending text.
    pub text: String,
    /// Why.
    pub reason: &'static str,
}

fn value_error(kind: &'static str, text: &str, reason: &'static str) -> ValueError {
    ValueError {
        kind,
        text: text.to_string(),
        reason,
    }
}

fn parse_u32_dec(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for Community {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((v, _)) = WELL_KNOWN.iter().find(|(_, n)| *n == s) {
            return Ok(Community(*v));
        }
        let (a, b) = s
            .split_once(':')
            .ok_or_else(|| value_error("community", s, "expected AA:NN or a well-known name"))?;
        let a = parse_u32_dec(a).filter(|v| *v <= 0xFFFF);
        let b = parse_u32_dec(b).filter(|v| *v <= 0xFFFF);
        match (a, b) {
            (Some(a), Some(b)) => Ok(Community((a << 16) | b)),
            _ => Err(value_error("community", s, "each half must be 0..=65535")),
        }
    }
}

/// A BGP large community (RFC 8092), `GLOBAL:LOCAL1:LOCAL2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LargeCommunity {
    /// Global administrator (an ASN).
    pub global: u32,
    /// First local data part.
    pub local1: u32,
    /// Second local data part.
    pub local2: u32,
}

impl LargeCommunity {
    /// From its three parts.
    pub fn new(global: u32, local1: u32, local2: u32) -> Self {
        LargeCommunity {
            global,
            local1,
            local2,
        }
    }
}

impl fmt::Display for LargeCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.global, self.local1, self.local2)
    }
}

impl FromStr for LargeCommunity {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut it = s.split(':');
        let parts: Vec<Option<u32>> = it.by_ref().take(3).map(parse_u32_dec).collect();
        if parts.len() != 3 || it.next().is_some() {
            return Err(value_error(
                "large community",
                s,
                "expected GLOBAL:LOCAL1:LOCAL2",
            ));
        }
        match (parts[0], parts[1], parts[2]) {
            (Some(g), Some(l1), Some(l2)) => Ok(LargeCommunity::new(g, l1, l2)),
            _ => Err(value_error(
                "large community",
                s,
                "each part must be 0..=4294967295",
            )),
        }
    }
}

/// A BGP extended community (RFC 4360), kept as its 8 octets.
///
/// The text form is FRR's: `rt ASN:NN` / `soo ASN:NN` (also `rt A.B.C.D:NN`, `rt ASN4:NN`) in
/// configuration, `RT:ASN:NN` / `SoO:ASN:NN` in `show` output ([`ExtCommunity::show_string`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtCommunity(pub [u8; 8]);

/// Sub-type of route-target extended communities.
const SUBTYPE_RT: u8 = 0x02;
/// Sub-type of site-of-origin extended communities.
const SUBTYPE_SOO: u8 = 0x03;

impl ExtCommunity {
    /// Transitive two-octet-AS-specific route target.
    pub fn route_target_as2(asn: u16, value: u32) -> Self {
        Self::as2(SUBTYPE_RT, asn, value)
    }

    /// Transitive two-octet-AS-specific site of origin.
    pub fn site_of_origin_as2(asn: u16, value: u32) -> Self {
        Self::as2(SUBTYPE_SOO, asn, value)
    }

    fn as2(sub: u8, asn: u16, value: u32) -> Self {
        let mut b = [0u8; 8];
        b[0] = 0x00;
        b[1] = sub;
        b[2..4].copy_from_slice(&asn.to_be_bytes());
        b[4..8].copy_from_slice(&value.to_be_bytes());
        ExtCommunity(b)
    }

    fn ip(sub: u8, ip: Ipv4Addr, value: u16) -> Self {
        let mut b = [0u8; 8];
        b[0] = 0x01;
        b[1] = sub;
        b[2..6].copy_from_slice(&ip.octets());
        b[6..8].copy_from_slice(&value.to_be_bytes());
        ExtCommunity(b)
    }

    fn as4(sub: u8, asn: u32, value: u16) -> Self {
        let mut b = [0u8; 8];
        b[0] = 0x02;
        b[1] = sub;
        b[2..6].copy_from_slice(&asn.to_be_bytes());
        b[6..8].copy_from_slice(&value.to_be_bytes());
        ExtCommunity(b)
    }

    /// `(keyword, value)` for route targets and sites of origin: `("rt", "65000:1")`.
    fn parts(&self) -> Option<(&'static str, String)> {
        let b = &self.0;
        let kw = match b[1] {
            SUBTYPE_RT => "rt",
            SUBTYPE_SOO => "soo",
            _ => return None,
        };
        let value = match b[0] & 0x3F {
            0x00 => format!(
                "{}:{}",
                u16::from_be_bytes([b[2], b[3]]),
                u32::from_be_bytes([b[4], b[5], b[6], b[7]])
            ),
            0x01 => format!(
                "{}:{}",
                Ipv4Addr::new(b[2], b[3], b[4], b[5]),
                u16::from_be_bytes([b[6], b[7]])
            ),
            0x02 => format!(
                "{}:{}",
                u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                u16::from_be_bytes([b[6], b[7]])
            ),
            _ => return None,
        };
        Some((kw, value))
    }

    /// FRR's `show` form (`RT:65000:1`, `SoO:65000:1`), the string expanded lists match against.
    pub fn show_string(&self) -> String {
        match self.parts() {
            Some(("rt", v)) => format!("RT:{v}"),
            Some((_, v)) => format!("SoO:{v}"),
            None => {
                let b = &self.0;
                format!(
                    "?{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
                )
            }
        }
    }

    /// Parse the configuration form from a keyword (`rt`/`soo`) and a value (`ASN:NN`,
    /// `A.B.C.D:NN`, `ASN4:NN`).
    pub fn parse_kw(kw: &str, value: &str) -> Result<Self, ValueError> {
        let sub = match kw {
            "rt" => SUBTYPE_RT,
            "soo" => SUBTYPE_SOO,
            _ => return Err(value_error("extended community", kw, "expected rt or soo")),
        };
        let (a, n) = value.rsplit_once(':').ok_or_else(|| {
            value_error("extended community", value, "expected ASN:NN or A.B.C.D:NN")
        })?;
        if let Ok(ip) = a.parse::<Ipv4Addr>() {
            let n = parse_u32_dec(n)
                .and_then(|v| u16::try_from(v).ok())
                .ok_or_else(|| {
                    value_error("extended community", value, "local part must be 0..=65535")
                })?;
            return Ok(Self::ip(sub, ip, n));
        }
        let asn = parse_u32_dec(a).ok_or_else(|| {
            value_error("extended community", value, "expected ASN:NN or A.B.C.D:NN")
        })?;
        let n = parse_u32_dec(n)
            .ok_or_else(|| value_error("extended community", value, "local part out of range"))?;
        if let Ok(asn16) = u16::try_from(asn) {
            Ok(Self::as2(sub, asn16, n))
        } else {
            let n = u16::try_from(n).map_err(|_| {
                value_error(
                    "extended community",
                    value,
                    "local part of a 4-octet AS must be 0..=65535",
                )
            })?;
            Ok(Self::as4(sub, asn, n))
        }
    }
}

impl fmt::Display for ExtCommunity {
    /// Configuration form: `rt 65000:1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts() {
            Some((kw, v)) => write!(f, "{kw} {v}"),
            None => f.write_str(&self.show_string()),
        }
    }
}

#[cfg(feature = "serde")]
mod serde_impls {
    //! Values serialize as their text forms.
    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    impl Serialize for Community {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }
    impl<'de> Deserialize<'de> for Community {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            String::deserialize(d)?.parse().map_err(D::Error::custom)
        }
    }
    impl Serialize for LargeCommunity {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }
    impl<'de> Deserialize<'de> for LargeCommunity {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            String::deserialize(d)?.parse().map_err(D::Error::custom)
        }
    }
    impl Serialize for ExtCommunity {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }
    impl<'de> Deserialize<'de> for ExtCommunity {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            let (kw, v) = s
                .split_once(' ')
                .ok_or_else(|| D::Error::custom("expected `rt ASN:NN` or `soo ASN:NN`"))?;
            ExtCommunity::parse_kw(kw, v).map_err(D::Error::custom)
        }
    }
}
