//! Labeled unicast (RFC 8277 §2, one label) and VPN-IPv4/IPv6 (RFC 4364 §4.3.4, RFC 4659)
//! NLRI: the prefix length counts the label and route distinguisher bits.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::wire::codec::Reader;
use crate::wire::error::{DecodeError, ErrorKind};
use crate::wire::family::Afi;
use crate::wire::nlri::rd::RouteDistinguisher;

/// A 3-octet MPLS label field as carried in NLRI: label value (20 bits), TC (3) and the
/// bottom-of-stack bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Label(pub u32);

impl Label {
    /// A label with the bottom-of-stack bit set.
    pub fn new(value: u32) -> Self {
        Label(((value & 0xfffff) << 4) | 1)
    }
    /// The 20-bit label value.
    pub fn value(self) -> u32 {
        (self.0 >> 4) & 0xfffff
    }
    /// The bottom-of-stack bit.
    pub fn bottom_of_stack(self) -> bool {
        self.0 & 1 != 0
    }
    fn bytes(self) -> [u8; 3] {
        let b = self.0.to_be_bytes();
        [b[1], b[2], b[3]]
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

fn addr_bits(afi: Afi) -> u8 {
    if afi == Afi::IPV6 { 128 } else { 32 }
}

/// Reads path id, the total bit length, and checks the length covers `fixed` bits plus at most
/// an address of `afi`.
fn head(
    r: &mut Reader<'_>,
    afi: Afi,
    add_path: bool,
    fixed: u8,
) -> Result<(Option<u32>, u8, usize), DecodeError> {
    let path_id = if add_path {
        Some(r.u32("path identifier")?)
    } else {
        None
    };
    let at = r.offset();
    let len = r.u8("prefix length")?;
    let max = fixed as usize + addr_bits(afi) as usize;
    if (len as usize) < fixed as usize || len as usize > max {
        let mut e = r.error(ErrorKind::InvalidPrefixLength {
            length: len,
            max: max.min(255) as u8,
        });
        e.offset = at;
        return Err(e);
    }
    Ok((path_id, len - fixed, at))
}

fn read_prefix(r: &mut Reader<'_>, afi: Afi, bits: u8) -> Result<IpNet, DecodeError> {
    let n = (bits as usize).div_ceil(8);
    let b = r.take(n, "prefix")?;
    Ok(if afi == Afi::IPV6 {
        let mut a = [0u8; 16];
        a[..n].copy_from_slice(b);
        IpNet::V6(
            Ipv6Net::new(Ipv6Addr::from(a), bits)
                .map_err(|_| {
                    r.error(ErrorKind::Invalid {
                        field: "prefix",
                        reason: "length",
                    })
                })?
                .trunc(),
        )
    } else {
        let mut a = [0u8; 4];
        a[..n].copy_from_slice(b);
        IpNet::V4(
            Ipv4Net::new(Ipv4Addr::from(a), bits)
                .map_err(|_| {
                    r.error(ErrorKind::Invalid {
                        field: "prefix",
                        reason: "length",
                    })
                })?
                .trunc(),
        )
    })
}

fn write_prefix(p: &IpNet, out: &mut Vec<u8>) {
    let n = (p.prefix_len() as usize).div_ceil(8);
    match p.addr() {
        IpAddr::V4(a) => out.extend_from_slice(&a.octets()[..n]),
        IpAddr::V6(a) => out.extend_from_slice(&a.octets()[..n]),
    }
}

/// A labeled unicast route (SAFI 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LabeledPrefix {
    /// ADD-PATH path identifier.
    pub path_id: Option<u32>,
    /// The label (0x800000 in withdrawals per RFC 8277 §2.4).
    pub label: Label,
    /// The prefix.
    pub prefix: IpNet,
}

impl LabeledPrefix {
    /// Decodes one route of family `afi`.
    pub fn decode(r: &mut Reader<'_>, afi: Afi, add_path: bool) -> Result<Self, DecodeError> {
        let (path_id, bits, _) = head(r, afi, add_path, 24)?;
        let label = Label(r.u24("label")?);
        let prefix = read_prefix(r, afi, bits)?;
        Ok(LabeledPrefix {
            path_id,
            label,
            prefix,
        })
    }
    /// Appends the wire form.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        out.push(24 + self.prefix.prefix_len());
        out.extend_from_slice(&self.label.bytes());
        write_prefix(&self.prefix, out);
    }
    /// Bytes on the wire.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        4 + (self.prefix.prefix_len() as usize).div_ceil(8) + if add_path { 4 } else { 0 }
    }
}

impl fmt::Display for LabeledPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} label {}", self.prefix, self.label)
    }
}

/// A VPN route (SAFI 128): label, route distinguisher, prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VpnPrefix {
    /// ADD-PATH path identifier.
    pub path_id: Option<u32>,
    /// The label.
    pub label: Label,
    /// The route distinguisher.
    pub rd: RouteDistinguisher,
    /// The prefix.
    pub prefix: IpNet,
}

impl VpnPrefix {
    /// Decodes one route of family `afi`.
    pub fn decode(r: &mut Reader<'_>, afi: Afi, add_path: bool) -> Result<Self, DecodeError> {
        let (path_id, bits, _) = head(r, afi, add_path, 88)?;
        let label = Label(r.u24("label")?);
        let rd = RouteDistinguisher::from_bytes(r.array("route distinguisher")?);
        let prefix = read_prefix(r, afi, bits)?;
        Ok(VpnPrefix {
            path_id,
            label,
            rd,
            prefix,
        })
    }
    /// Appends the wire form.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        out.push(88 + self.prefix.prefix_len());
        out.extend_from_slice(&self.label.bytes());
        out.extend_from_slice(&self.rd.to_bytes());
        write_prefix(&self.prefix, out);
    }
    /// Bytes on the wire.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        12 + (self.prefix.prefix_len() as usize).div_ceil(8) + if add_path { 4 } else { 0 }
    }
}

impl fmt::Display for VpnPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RD {} {} label {}", self.rd, self.prefix, self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpnv4_nlri_round_trip() {
        // length 88+24, label 100 BoS, RD 0:65000:1, 10.1.2.0/24
        let d = [112, 0, 0x06, 0x41, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 10, 1, 2];
        let mut r = Reader::new(&d, 0, (3, 9));
        let p = VpnPrefix::decode(&mut r, Afi::IPV4, false).unwrap();
        assert!(r.is_empty());
        assert_eq!(p.label.value(), 100);
        assert_eq!(p.to_string(), "RD 65000:1 10.1.2.0/24 label 100");
        let mut out = Vec::new();
        p.encode(false, &mut out);
        assert_eq!(out, d);
        assert_eq!(p.encoded_len(false), d.len());
    }

    #[test]
    fn labeled_unicast_rejects_short_length() {
        let mut r = Reader::new(&[20, 0, 0, 1], 0, (3, 9));
        assert!(LabeledPrefix::decode(&mut r, Afi::IPV4, false).is_err());
        let d = [
            24 + 128,
            0,
            0,
            0x11,
            0x20,
            0x01,
            0x0d,
            0xb8,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
        ];
        let p = LabeledPrefix::decode(&mut Reader::new(&d, 0, (3, 9)), Afi::IPV6, false).unwrap();
        assert_eq!(p.prefix.to_string(), "2001:db8::1/128");
        assert_eq!(p.label.value(), 1);
    }
}
