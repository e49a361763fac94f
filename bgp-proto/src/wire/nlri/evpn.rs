//! EVPN NLRI (RFC 7432 §7, route types 1–4; RFC 9136 §3, route type 5).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::wire::codec::Reader;
use crate::wire::error::{DecodeError, ErrorKind};
use crate::wire::nlri::labeled::Label;
use crate::wire::nlri::rd::RouteDistinguisher;

/// A 10-octet Ethernet Segment Identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Esi(pub [u8; 10]);

impl fmt::Display for Esi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// One EVPN route.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EvpnRoute {
    /// Type 1: Ethernet Auto-discovery.
    EthernetAutoDiscovery {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// MPLS label.
        label: Label,
    },
    /// Type 2: MAC/IP Advertisement.
    MacIpAdvertisement {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// MAC address.
        mac: [u8; 6],
        /// IP address, if advertised.
        ip: Option<IpAddr>,
        /// MPLS label 1 (L2 VNI).
        label1: Label,
        /// MPLS label 2 (L3 VNI), optional.
        label2: Option<Label>,
    },
    /// Type 3: Inclusive Multicast Ethernet Tag.
    InclusiveMulticast {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// Originating router's IP.
        originator: IpAddr,
    },
    /// Type 4: Ethernet Segment.
    EthernetSegment {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Originating router's IP.
        originator: IpAddr,
    },
    /// Type 5: IP Prefix (RFC 9136).
    IpPrefix {
        /// Route distinguisher.
        rd: RouteDistinguisher,
        /// Ethernet segment.
        esi: Esi,
        /// Ethernet tag.
        ethernet_tag: u32,
        /// The prefix.
        prefix: IpNet,
        /// Gateway IP (same family as the prefix).
        gateway: IpAddr,
        /// MPLS label.
        label: Label,
    },
    /// Any other route type, raw.
    Unknown {
        /// Route type.
        route_type: u8,
        /// Value octets.
        value: Vec<u8>,
    },
}

/// An EVPN route with its ADD-PATH path identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EvpnNlri {
    /// ADD-PATH path identifier.
    pub path_id: Option<u32>,
    /// The route.
    pub route: EvpnRoute,
}

fn read_ip(r: &mut Reader<'_>, bits: u8) -> Result<Option<IpAddr>, DecodeError> {
    Ok(match bits {
        0 => None,
        32 => Some(IpAddr::V4(r.ipv4("IP address")?)),
        128 => Some(IpAddr::V6(r.ipv6("IP address")?)),
        _ => {
            return Err(r.error(ErrorKind::Invalid {
                field: "EVPN IP address length",
                reason: "not 0, 32 or 128",
            }));
        }
    })
}

fn write_ip(ip: Option<&IpAddr>, out: &mut Vec<u8>) {
    match ip {
        None => out.push(0),
        Some(IpAddr::V4(a)) => {
            out.push(32);
            out.extend_from_slice(&a.octets());
        }
        Some(IpAddr::V6(a)) => {
            out.push(128);
            out.extend_from_slice(&a.octets());
        }
    }
}

fn ip_len(ip: Option<&IpAddr>) -> usize {
    match ip {
        None => 1,
        Some(IpAddr::V4(_)) => 5,
        Some(IpAddr::V6(_)) => 17,
    }
}

fn label(l: Label) -> [u8; 3] {
    let b = l.0.to_be_bytes();
    [b[1], b[2], b[3]]
}

impl EvpnRoute {
    fn decode_value(route_type: u8, r: &mut Reader<'_>) -> Result<EvpnRoute, DecodeError> {
        let value_len = r.remaining();
        let rd = |r: &mut Reader<'_>| -> Result<RouteDistinguisher, DecodeError> {
            Ok(RouteDistinguisher::from_bytes(
                r.array("route distinguisher")?,
            ))
        };
        Ok(match route_type {
            1 => EvpnRoute::EthernetAutoDiscovery {
                rd: rd(r)?,
                esi: Esi(r.array("ESI")?),
                ethernet_tag: r.u32("ethernet tag")?,
                label: Label(r.u24("label")?),
            },
            2 => {
                let rd = rd(r)?;
                let esi = Esi(r.array("ESI")?);
                let ethernet_tag = r.u32("ethernet tag")?;
                if r.u8("MAC length")? != 48 {
                    return Err(r.error(ErrorKind::Invalid {
                        field: "MAC length",
                        reason: "not 48",
                    }));
                }
                let mac = r.array("MAC")?;
                let bits = r.u8("IP length")?;
                let ip = read_ip(r, bits)?;
                let label1 = Label(r.u24("label 1")?);
                let label2 = if r.is_empty() {
                    None
                } else {
                    Some(Label(r.u24("label 2")?))
                };
                EvpnRoute::MacIpAdvertisement {
                    rd,
                    esi,
                    ethernet_tag,
                    mac,
                    ip,
                    label1,
                    label2,
                }
            }
            3 => {
                let rd = rd(r)?;
                let ethernet_tag = r.u32("ethernet tag")?;
                let bits = r.u8("IP length")?;
                let originator = read_ip(r, bits)?.ok_or_else(|| {
                    r.error(ErrorKind::Invalid {
                        field: "originator",
                        reason: "missing",
                    })
                })?;
                EvpnRoute::InclusiveMulticast {
                    rd,
                    ethernet_tag,
                    originator,
                }
            }
            4 => {
                let rd = rd(r)?;
                let esi = Esi(r.array("ESI")?);
                let bits = r.u8("IP length")?;
                let originator = read_ip(r, bits)?.ok_or_else(|| {
                    r.error(ErrorKind::Invalid {
                        field: "originator",
                        reason: "missing",
                    })
                })?;
                EvpnRoute::EthernetSegment {
                    rd,
                    esi,
                    originator,
                }
            }
            5 if value_len == 34 || value_len == 58 => {
                let rd = rd(r)?;
                let esi = Esi(r.array("ESI")?);
                let ethernet_tag = r.u32("ethernet tag")?;
                let plen = r.u8("IP prefix length")?;
                let (prefix, gateway) = if value_len == 34 {
                    let a = r.ipv4("IP prefix")?;
                    let g = r.ipv4("gateway")?;
                    let p = Ipv4Net::new(a, plen).map_err(|_| {
                        r.error(ErrorKind::InvalidPrefixLength {
                            length: plen,
                            max: 32,
                        })
                    })?;
                    (IpNet::V4(p), IpAddr::V4(g))
                } else {
                    let a = r.ipv6("IP prefix")?;
                    let g = r.ipv6("gateway")?;
                    let p = Ipv6Net::new(a, plen).map_err(|_| {
                        r.error(ErrorKind::InvalidPrefixLength {
                            length: plen,
                            max: 128,
                        })
                    })?;
                    (IpNet::V6(p), IpAddr::V6(g))
                };
                let label = Label(r.u24("label")?);
                EvpnRoute::IpPrefix {
                    rd,
                    esi,
                    ethernet_tag,
                    prefix,
                    gateway,
                    label,
                }
            }
            5 => {
                return Err(r.error(ErrorKind::Invalid {
                    field: "EVPN IP prefix route",
                    reason: "length not 34 or 58",
                }));
            }
            t => EvpnRoute::Unknown {
                route_type: t,
                value: r.rest().to_vec(),
            },
        })
    }

    /// The route type code.
    pub fn route_type(&self) -> u8 {
        match self {
            EvpnRoute::EthernetAutoDiscovery { .. } => 1,
            EvpnRoute::MacIpAdvertisement { .. } => 2,
            EvpnRoute::InclusiveMulticast { .. } => 3,
            EvpnRoute::EthernetSegment { .. } => 4,
            EvpnRoute::IpPrefix { .. } => 5,
            EvpnRoute::Unknown { route_type, .. } => *route_type,
        }
    }

    fn value_len(&self) -> usize {
        match self {
            EvpnRoute::EthernetAutoDiscovery { .. } => 25,
            EvpnRoute::MacIpAdvertisement { ip, label2, .. } => {
                8 + 10 + 4 + 1 + 6 + ip_len(ip.as_ref()) + 3 + if label2.is_some() { 3 } else { 0 }
            }
            EvpnRoute::InclusiveMulticast { originator, .. } => 12 + ip_len(Some(originator)),
            EvpnRoute::EthernetSegment { originator, .. } => 18 + ip_len(Some(originator)),
            EvpnRoute::IpPrefix { prefix, .. } => match prefix {
                IpNet::V4(_) => 34,
                IpNet::V6(_) => 58,
            },
            EvpnRoute::Unknown { value, .. } => value.len().min(255),
        }
    }

    fn encode_value(&self, out: &mut Vec<u8>) {
        match self {
            EvpnRoute::EthernetAutoDiscovery {
                rd,
                esi,
                ethernet_tag,
                label: l,
            } => {
                out.extend_from_slice(&rd.to_bytes());
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&ethernet_tag.to_be_bytes());
                out.extend_from_slice(&label(*l));
            }
            EvpnRoute::MacIpAdvertisement {
                rd,
                esi,
                ethernet_tag,
                mac,
                ip,
                label1,
                label2,
            } => {
                out.extend_from_slice(&rd.to_bytes());
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&ethernet_tag.to_be_bytes());
                out.push(48);
                out.extend_from_slice(mac);
                write_ip(ip.as_ref(), out);
                out.extend_from_slice(&label(*label1));
                if let Some(l2) = label2 {
                    out.extend_from_slice(&label(*l2));
                }
            }
            EvpnRoute::InclusiveMulticast {
                rd,
                ethernet_tag,
                originator,
            } => {
                out.extend_from_slice(&rd.to_bytes());
                out.extend_from_slice(&ethernet_tag.to_be_bytes());
                write_ip(Some(originator), out);
            }
            EvpnRoute::EthernetSegment {
                rd,
                esi,
                originator,
            } => {
                out.extend_from_slice(&rd.to_bytes());
                out.extend_from_slice(&esi.0);
                write_ip(Some(originator), out);
            }
            EvpnRoute::IpPrefix {
                rd,
                esi,
                ethernet_tag,
                prefix,
                gateway,
                label: l,
            } => {
                out.extend_from_slice(&rd.to_bytes());
                out.extend_from_slice(&esi.0);
                out.extend_from_slice(&ethernet_tag.to_be_bytes());
                out.push(prefix.prefix_len());
                match (prefix, gateway) {
                    (IpNet::V4(p), g) => {
                        out.extend_from_slice(&p.addr().octets());
                        let g = match g {
                            IpAddr::V4(g) => *g,
                            IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
                        };
                        out.extend_from_slice(&g.octets());
                    }
                    (IpNet::V6(p), g) => {
                        out.extend_from_slice(&p.addr().octets());
                        let g = match g {
                            IpAddr::V6(g) => *g,
                            IpAddr::V4(_) => Ipv6Addr::UNSPECIFIED,
                        };
                        out.extend_from_slice(&g.octets());
                    }
                }
                out.extend_from_slice(&label(*l));
            }
            EvpnRoute::Unknown { value, .. } => {
                out.extend_from_slice(&value[..value.len().min(255)])
            }
        }
    }
}

impl EvpnNlri {
    /// Decodes one route: type, length, value (RFC 7432 §7).
    pub fn decode(r: &mut Reader<'_>, add_path: bool) -> Result<Self, DecodeError> {
        let path_id = if add_path {
            Some(r.u32("path identifier")?)
        } else {
            None
        };
        let route_type = r.u8("EVPN route type")?;
        let len = r.u8("EVPN route length")? as usize;
        let mut v = r.sub(len, "EVPN route")?;
        let route = EvpnRoute::decode_value(route_type, &mut v)?;
        v.expect_end("EVPN route")?;
        Ok(EvpnNlri { path_id, route })
    }

    /// Appends the wire form.
    pub fn encode(&self, add_path: bool, out: &mut Vec<u8>) {
        if add_path {
            out.extend_from_slice(&self.path_id.unwrap_or(0).to_be_bytes());
        }
        out.push(self.route.route_type());
        out.push(self.route.value_len() as u8);
        self.route.encode_value(out);
    }

    /// Bytes on the wire.
    pub fn encoded_len(&self, add_path: bool) -> usize {
        2 + self.route.value_len() + if add_path { 4 } else { 0 }
    }
}

impl fmt::Display for EvpnNlri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // FRR's "[type]:[fields]" prefix notation.
        match &self.route {
            EvpnRoute::EthernetAutoDiscovery {
                rd,
                esi,
                ethernet_tag,
                ..
            } => {
                write!(f, "RD {rd} [1]:[{esi}]:[{ethernet_tag}]")
            }
            EvpnRoute::MacIpAdvertisement {
                rd,
                ethernet_tag,
                mac,
                ip,
                ..
            } => {
                write!(f, "RD {rd} [2]:[{ethernet_tag}]:[48]:[")?;
                for (i, b) in mac.iter().enumerate() {
                    write!(f, "{}{b:02x}", if i > 0 { ":" } else { "" })?;
                }
                match ip {
                    Some(IpAddr::V4(a)) => write!(f, "]:[32]:[{a}]"),
                    Some(IpAddr::V6(a)) => write!(f, "]:[128]:[{a}]"),
                    None => f.write_str("]"),
                }
            }
            EvpnRoute::InclusiveMulticast {
                rd,
                ethernet_tag,
                originator,
            } => {
                let bits = if originator.is_ipv4() { 32 } else { 128 };
                write!(f, "RD {rd} [3]:[{ethernet_tag}]:[{bits}]:[{originator}]")
            }
            EvpnRoute::EthernetSegment {
                rd,
                esi,
                originator,
            } => {
                let bits = if originator.is_ipv4() { 32 } else { 128 };
                write!(f, "RD {rd} [4]:[{esi}]:[{bits}]:[{originator}]")
            }
            EvpnRoute::IpPrefix {
                rd,
                ethernet_tag,
                prefix,
                ..
            } => {
                write!(
                    f,
                    "RD {rd} [5]:[{ethernet_tag}]:[{}]:[{}]",
                    prefix.prefix_len(),
                    prefix.addr()
                )
            }
            EvpnRoute::Unknown { route_type, value } => {
                write!(f, "[{route_type}]:({} bytes)", value.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(n: EvpnRoute) {
        let e = EvpnNlri {
            path_id: Some(3),
            route: n,
        };
        let mut v = Vec::new();
        e.encode(true, &mut v);
        assert_eq!(v.len(), e.encoded_len(true));
        let mut r = Reader::new(&v, 0, (3, 9));
        assert_eq!(EvpnNlri::decode(&mut r, true).unwrap(), e);
        assert!(r.is_empty());
    }

    #[test]
    fn every_route_type_round_trips() {
        let rd = RouteDistinguisher::Ipv4 {
            addr: Ipv4Addr::new(192, 0, 2, 1),
            number: 2,
        };
        let esi = Esi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        rt(EvpnRoute::EthernetAutoDiscovery {
            rd,
            esi,
            ethernet_tag: 0xffff_ffff,
            label: Label::new(100),
        });
        rt(EvpnRoute::MacIpAdvertisement {
            rd,
            esi,
            ethernet_tag: 0,
            mac: [2, 0, 0, 0, 0, 1],
            ip: Some("10.0.0.1".parse().unwrap()),
            label1: Label(10010),
            label2: Some(Label(4000)),
        });
        rt(EvpnRoute::MacIpAdvertisement {
            rd,
            esi,
            ethernet_tag: 0,
            mac: [2, 0, 0, 0, 0, 1],
            ip: None,
            label1: Label(10010),
            label2: None,
        });
        rt(EvpnRoute::InclusiveMulticast {
            rd,
            ethernet_tag: 0,
            originator: "2001:db8::1".parse().unwrap(),
        });
        rt(EvpnRoute::EthernetSegment {
            rd,
            esi,
            originator: "192.0.2.9".parse().unwrap(),
        });
        rt(EvpnRoute::IpPrefix {
            rd,
            esi,
            ethernet_tag: 0,
            prefix: "10.1.0.0/16".parse().unwrap(),
            gateway: "0.0.0.0".parse().unwrap(),
            label: Label(4000),
        });
        rt(EvpnRoute::IpPrefix {
            rd,
            esi,
            ethernet_tag: 0,
            prefix: "2001:db8::/32".parse().unwrap(),
            gateway: "::".parse().unwrap(),
            label: Label(4000),
        });
        rt(EvpnRoute::Unknown {
            route_type: 9,
            value: vec![1, 2, 3],
        });
    }

    #[test]
    fn bad_route_length_is_an_error() {
        let mut r = Reader::new(&[5, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0, (3, 9));
        assert!(EvpnNlri::decode(&mut r, false).is_err());
        let mut r = Reader::new(&[3, 40, 0], 0, (3, 9));
        assert!(EvpnNlri::decode(&mut r, false).is_err());
    }
}
