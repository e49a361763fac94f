//! Small optional attributes with their own structure: AGGREGATOR / AS4_AGGREGATOR
//! (RFC 4271 §5.1.7, RFC 6793), PMSI_TUNNEL (RFC 6514 §5) and AIGP (RFC 7311 §3).

use std::fmt;
use std::net::Ipv4Addr;

use crate::wire::codec::Reader;
use crate::wire::error::{DecodeError, ErrorKind};

/// AGGREGATOR or AS4_AGGREGATOR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Aggregator {
    /// AS of the aggregating speaker.
    pub asn: u32,
    /// BGP identifier (address) of the aggregating speaker.
    pub address: Ipv4Addr,
}

impl fmt::Display for Aggregator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.asn, self.address)
    }
}

/// PMSI_TUNNEL (RFC 6514 §5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PmsiTunnel {
    /// Flags (0x01 = leaf information required).
    pub flags: u8,
    /// Tunnel type (6 = ingress replication, used by EVPN).
    pub tunnel_type: u8,
    /// MPLS label field (3 octets; a VNI for VXLAN).
    pub label: u32,
    /// Tunnel identifier (for ingress replication, the endpoint address).
    pub tunnel_id: Vec<u8>,
}

impl PmsiTunnel {
    /// Decodes the value.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(PmsiTunnel {
            flags: r.u8("PMSI flags")?,
            tunnel_type: r.u8("tunnel type")?,
            label: r.u24("MPLS label")?,
            tunnel_id: r.rest().to_vec(),
        })
    }
    /// Value bytes.
    pub fn encoded_len(&self) -> usize {
        5 + self.tunnel_id.len()
    }
    /// Appends the value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.flags);
        out.push(self.tunnel_type);
        out.extend_from_slice(&self.label.to_be_bytes()[1..]);
        out.extend_from_slice(&self.tunnel_id);
    }
}

/// AIGP (RFC 7311): the accumulated IGP metric TLV plus any other TLVs kept raw.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Aigp {
    /// Value of the AIGP TLV (type 1).
    pub metric: u64,
    /// Other TLVs (type, length, value), in order.
    pub other_tlvs: Vec<u8>,
}

impl Aigp {
    /// Decodes the TLVs; the AIGP TLV must appear once with length 11 (RFC 7311 §3).
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut metric = None;
        let mut other_tlvs = Vec::new();
        while !r.is_empty() {
            let t = r.u8("AIGP TLV type")?;
            let len = r.u16("AIGP TLV length")?;
            if len < 3 {
                return Err(r.error(ErrorKind::Invalid {
                    field: "AIGP TLV length",
                    reason: "below 3",
                }));
            }
            let v = r.take(len as usize - 3, "AIGP TLV value")?;
            if t == 1 {
                if len != 11 || metric.is_some() {
                    return Err(r.error(ErrorKind::Invalid {
                        field: "AIGP TLV",
                        reason: "length not 11 or repeated",
                    }));
                }
                metric = Some(u64::from_be_bytes([
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                ]));
            } else {
                other_tlvs.push(t);
                other_tlvs.extend_from_slice(&len.to_be_bytes());
                other_tlvs.extend_from_slice(v);
            }
        }
        let metric = metric.ok_or_else(|| {
            r.error(ErrorKind::Invalid {
                field: "AIGP",
                reason: "no AIGP TLV",
            })
        })?;
        Ok(Aigp { metric, other_tlvs })
    }
    /// Value bytes.
    pub fn encoded_len(&self) -> usize {
        11 + self.other_tlvs.len()
    }
    /// Appends the value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&[1, 0, 11]);
        out.extend_from_slice(&self.metric.to_be_bytes());
        out.extend_from_slice(&self.other_tlvs);
    }
}
