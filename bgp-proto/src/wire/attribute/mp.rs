//! MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 §3, §4) with the next hop forms of RFC 2545
//! (IPv6 global + link-local), RFC 4364/4659 (VPN, zero route distinguisher) and RFC 8950
//! (IPv6 next hop for IPv4 NLRI).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::wire::codec::Reader;
use crate::wire::error::{Action, DecodeError};
use crate::wire::family::{Afi, AfiSafi, Safi};
use crate::wire::nlri::Nlri;

/// The next hop of MP_REACH_NLRI.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum NextHop {
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 global address.
    Ipv6(Ipv6Addr),
    /// IPv6 global and link-local addresses (RFC 2545 §3).
    Ipv6LinkLocal(Ipv6Addr, Ipv6Addr),
    /// Any other encoding, raw.
    Raw(Vec<u8>),
}

impl NextHop {
    fn is_vpn(safi: Safi) -> bool {
        safi == Safi::MPLS_VPN || safi == Safi(129)
    }

    /// Decodes `b` for `safi`; VPN next hops lose their (zero) route distinguishers.
    pub fn from_bytes(safi: Safi, b: &[u8]) -> NextHop {
        let v4 = |b: &[u8]| Ipv4Addr::new(b[0], b[1], b[2], b[3]);
        let v6 = |b: &[u8]| {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[..16]);
            Ipv6Addr::from(a)
        };
        if Self::is_vpn(safi) {
            let zero = |r: &[u8]| r.iter().all(|&x| x == 0);
            return match b.len() {
                12 if zero(&b[..8]) => NextHop::Ipv4(v4(&b[8..])),
                24 if zero(&b[..8]) => NextHop::Ipv6(v6(&b[8..])),
                48 if zero(&b[..8]) && zero(&b[24..32]) => {
                    NextHop::Ipv6LinkLocal(v6(&b[8..]), v6(&b[32..]))
                }
                _ => NextHop::Raw(b.to_vec()),
            };
        }
        match b.len() {
            4 => NextHop::Ipv4(v4(b)),
            16 => NextHop::Ipv6(v6(b)),
            32 => NextHop::Ipv6LinkLocal(v6(b), v6(&b[16..])),
            _ => NextHop::Raw(b.to_vec()),
        }
    }

    /// Bytes on the wire for `safi`.
    pub fn encoded_len(&self, safi: Safi) -> usize {
        let rd = if Self::is_vpn(safi) { 8 } else { 0 };
        match self {
            NextHop::Ipv4(_) => 4 + rd,
            NextHop::Ipv6(_) => 16 + rd,
            NextHop::Ipv6LinkLocal(..) => 32 + 2 * rd,
            NextHop::Raw(b) => b.len().min(255),
        }
    }

    /// Appends the wire form for `safi`.
    pub fn encode(&self, safi: Safi, out: &mut Vec<u8>) {
        let rd = Self::is_vpn(safi);
        let z = |out: &mut Vec<u8>| {
            if rd {
                out.extend_from_slice(&[0; 8])
            }
        };
        match self {
            NextHop::Ipv4(a) => {
                z(out);
                out.extend_from_slice(&a.octets());
            }
            NextHop::Ipv6(a) => {
                z(out);
                out.extend_from_slice(&a.octets());
            }
            NextHop::Ipv6LinkLocal(g, l) => {
                z(out);
                out.extend_from_slice(&g.octets());
                z(out);
                out.extend_from_slice(&l.octets());
            }
            NextHop::Raw(b) => out.extend_from_slice(&b[..b.len().min(255)]),
        }
    }
}

impl fmt::Display for NextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextHop::Ipv4(a) => write!(f, "{a}"),
            NextHop::Ipv6(a) => write!(f, "{a}"),
            NextHop::Ipv6LinkLocal(g, l) => write!(f, "{g} ({l})"),
            NextHop::Raw(b) => write!(f, "({} raw bytes)", b.len()),
        }
    }
}

/// MP_REACH_NLRI: routes of one family and their next hop.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MpReach {
    /// The family.
    pub family: AfiSafi,
    /// The next hop.
    pub next_hop: NextHop,
    /// The routes.
    pub nlri: Nlri,
}

/// MP_UNREACH_NLRI: withdrawn routes of one family.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MpUnreach {
    /// The family.
    pub family: AfiSafi,
    /// The withdrawn routes.
    pub withdrawn: Nlri,
}

fn family(r: &mut Reader<'_>) -> Result<AfiSafi, DecodeError> {
    let afi = Afi(r.u16("AFI")?);
    let safi = Safi(r.u8("SAFI")?);
    Ok(AfiSafi::new(afi, safi))
}

/// Errors once the family is known disable that family (RFC 7606 §7.11).
fn disable(family: AfiSafi) -> impl Fn(DecodeError) -> DecodeError {
    move |e| {
        e.with_action(Action::AfiSafiDisable {
            afi: family.afi,
            safi: family.safi,
        })
    }
}

impl MpReach {
    /// Decodes the attribute value (reader errors reset the session with Optional Attribute
    /// Error until the family is known).
    pub fn decode(
        r: &mut Reader<'_>,
        add_path: impl Fn(AfiSafi) -> bool,
    ) -> Result<MpReach, DecodeError> {
        let family = family(r)?;
        let d = disable(family);
        let nh_len = r.u8("next hop length").map_err(&d)? as usize;
        let nh = r.take(nh_len, "next hop").map_err(&d)?;
        r.u8("reserved").map_err(&d)?;
        let next_hop = NextHop::from_bytes(family.safi, nh);
        let nlri = Nlri::decode(r, family, add_path(family)).map_err(&d)?;
        Ok(MpReach {
            family,
            next_hop,
            nlri,
        })
    }

    /// Value bytes.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        5 + self.next_hop.encoded_len(self.family.safi) + self.nlri.encoded_len(add_path)
    }

    /// Appends the value.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.family.safi.0);
        out.push(self.next_hop.encoded_len(self.family.safi) as u8);
        self.next_hop.encode(self.family.safi, out);
        out.push(0);
        self.nlri.encode(add_path, out);
    }
}

impl MpUnreach {
    /// Decodes the attribute value.
    pub fn decode(
        r: &mut Reader<'_>,
        add_path: impl Fn(AfiSafi) -> bool,
    ) -> Result<MpUnreach, DecodeError> {
        let family = family(r)?;
        let withdrawn = Nlri::decode(r, family, add_path(family)).map_err(disable(family))?;
        Ok(MpUnreach { family, withdrawn })
    }

    /// Value bytes.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        3 + self.withdrawn.encoded_len(add_path)
    }

    /// Appends the value.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.family.safi.0);
        self.withdrawn.encode(add_path, out);
    }
}
