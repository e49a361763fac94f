//! NLRI encodings, one module per family: IP prefixes (RFC 4271 §4.3, RFC 4760), with ADD-PATH
//! path identifiers (RFC 7911), labeled unicast (RFC 8277), VPN-IPv4/IPv6 with route
//! distinguishers (RFC 4364, RFC 4659) and EVPN (RFC 7432, RFC 9136).
//!
//! Prefixes are compact `Copy` values; decoders append to a caller's vector and iterators
//! yield values without allocating.

pub mod evpn;
pub mod labeled;
pub mod prefix;
pub mod rd;

use std::fmt;

pub use evpn::{Esi, EvpnNlri, EvpnRoute};
pub use labeled::{Label, LabeledPrefix, VpnPrefix};
pub use prefix::{Ipv4Prefix, Ipv4PrefixIter, Ipv6Prefix, Ipv6PrefixIter};
pub use rd::RouteDistinguisher;

use crate::wire::codec::Reader;
use crate::wire::error::DecodeError;
use crate::wire::family::{Afi, AfiSafi, Safi};

/// The NLRI of one family, as carried by MP_REACH_NLRI / MP_UNREACH_NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Nlri {
    /// IPv4 unicast or multicast prefixes.
    Ipv4(Vec<Ipv4Prefix>),
    /// IPv6 unicast or multicast prefixes.
    Ipv6(Vec<Ipv6Prefix>),
    /// Labeled unicast (SAFI 4) prefixes of either family.
    Labeled(Vec<LabeledPrefix>),
    /// VPN (SAFI 128) prefixes of either family.
    Vpn(Vec<VpnPrefix>),
    /// EVPN routes.
    Evpn(Vec<EvpnNlri>),
    /// A family this crate does not parse: the raw NLRI bytes.
    Raw(Vec<u8>),
}

impl Nlri {
    /// Decodes the NLRI bytes of `family`; `add_path` says whether each carries a path id.
    pub fn decode(
        r: &mut Reader<'_>,
        family: AfiSafi,
        add_path: bool,
    ) -> Result<Nlri, DecodeError> {
        let n = r.remaining();
        Ok(match (family.afi, family.safi) {
            (Afi::IPV4, Safi::UNICAST | Safi::MULTICAST) => {
                let mut v = Vec::with_capacity(n / 4);
                prefix::decode_ipv4(r, add_path, &mut v)?;
                Nlri::Ipv4(v)
            }
            (Afi::IPV6, Safi::UNICAST | Safi::MULTICAST) => {
                let mut v = Vec::with_capacity(n / 8);
                prefix::decode_ipv6(r, add_path, &mut v)?;
                Nlri::Ipv6(v)
            }
            (Afi::IPV4 | Afi::IPV6, Safi::LABELED_UNICAST) => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    v.push(LabeledPrefix::decode(r, family.afi, add_path)?);
                }
                Nlri::Labeled(v)
            }
            (Afi::IPV4 | Afi::IPV6, Safi::MPLS_VPN) => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    v.push(VpnPrefix::decode(r, family.afi, add_path)?);
                }
                Nlri::Vpn(v)
            }
            (Afi::L2VPN, Safi::EVPN) => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    v.push(EvpnNlri::decode(r, add_path)?);
                }
                Nlri::Evpn(v)
            }
            _ => Nlri::Raw(r.rest().to_vec()),
        })
    }

    /// Appends the NLRI; path ids are written iff `add_path` (0 when a route has none).
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        match self {
            Nlri::Ipv4(v) => v.iter().for_each(|p| p.encode(add_path, out)),
            Nlri::Ipv6(v) => v.iter().for_each(|p| p.encode(add_path, out)),
            Nlri::Labeled(v) => v.iter().for_each(|p| p.encode(add_path, out)),
            Nlri::Vpn(v) => v.iter().for_each(|p| p.encode(add_path, out)),
            Nlri::Evpn(v) => v.iter().for_each(|p| p.encode(add_path, out)),
            Nlri::Raw(b) => out.extend_from_slice(b),
        }
    }

    /// Bytes [`encode`](Self::encode) appends.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        match self {
            Nlri::Ipv4(v) => v.iter().map(|p| p.encoded_len(add_path)).sum(),
            Nlri::Ipv6(v) => v.iter().map(|p| p.encoded_len(add_path)).sum(),
            Nlri::Labeled(v) => v.iter().map(|p| p.encoded_len(add_path)).sum(),
            Nlri::Vpn(v) => v.iter().map(|p| p.encoded_len(add_path)).sum(),
            Nlri::Evpn(v) => v.iter().map(|p| p.encoded_len(add_path)).sum(),
            Nlri::Raw(b) => b.len(),
        }
    }

    /// Number of routes (0 for raw bytes).
    pub fn len(&self) -> usize {
        match self {
            Nlri::Ipv4(v) => v.len(),
            Nlri::Ipv6(v) => v.len(),
            Nlri::Labeled(v) => v.len(),
            Nlri::Vpn(v) => v.len(),
            Nlri::Evpn(v) => v.len(),
            Nlri::Raw(_) => 0,
        }
    }

    /// True when there are no routes (and no raw bytes).
    pub fn is_empty(&self) -> bool {
        match self {
            Nlri::Raw(b) => b.is_empty(),
            _ => self.len() == 0,
        }
    }

    /// An empty list of the right kind for `family`.
    pub fn empty_for(family: AfiSafi) -> Nlri {
        match (family.afi, family.safi) {
            (Afi::IPV4, Safi::UNICAST | Safi::MULTICAST) => Nlri::Ipv4(Vec::new()),
            (Afi::IPV6, Safi::UNICAST | Safi::MULTICAST) => Nlri::Ipv6(Vec::new()),
            (Afi::IPV4 | Afi::IPV6, Safi::LABELED_UNICAST) => Nlri::Labeled(Vec::new()),
            (Afi::IPV4 | Afi::IPV6, Safi::MPLS_VPN) => Nlri::Vpn(Vec::new()),
            (Afi::L2VPN, Safi::EVPN) => Nlri::Evpn(Vec::new()),
            _ => Nlri::Raw(Vec::new()),
        }
    }
}

impl fmt::Display for Nlri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, v: &[T]) -> fmt::Result {
            for (i, p) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{p}")?;
            }
            Ok(())
        }
        match self {
            Nlri::Ipv4(v) => list(f, v),
            Nlri::Ipv6(v) => list(f, v),
            Nlri::Labeled(v) => list(f, v),
            Nlri::Vpn(v) => list(f, v),
            Nlri::Evpn(v) => list(f, v),
            Nlri::Raw(b) => write!(f, "({} raw bytes)", b.len()),
        }
    }
}
