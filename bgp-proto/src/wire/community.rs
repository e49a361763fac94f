//! Communities (RFC 1997), extended communities (RFC 4360, RFC 5668, RFC 7432, RFC 9012), IPv6
//! address-specific extended communities (RFC 5701) and large communities (RFC 8092), printed as
//! FRR does.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A standard community.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Community(pub u32);

impl Community {
    /// GRACEFUL_SHUTDOWN (RFC 8326).
    pub const GRACEFUL_SHUTDOWN: Community = Community(0xffff_0000);
    /// ACCEPT_OWN (RFC 7611).
    pub const ACCEPT_OWN: Community = Community(0xffff_0001);
    /// LLGR_STALE (RFC 9494).
    pub const LLGR_STALE: Community = Community(0xffff_0006);
    /// NO_LLGR (RFC 9494).
    pub const NO_LLGR: Community = Community(0xffff_0007);
    /// BLACKHOLE (RFC 7999).
    pub const BLACKHOLE: Community = Community(0xffff_029a);
    /// NO_EXPORT (RFC 1997).
    pub const NO_EXPORT: Community = Community(0xffff_ff01);
    /// NO_ADVERTISE (RFC 1997).
    pub const NO_ADVERTISE: Community = Community(0xffff_ff02);
    /// NO_EXPORT_SUBCONFED (RFC 1997), FRR's `local-AS`.
    pub const NO_EXPORT_SUBCONFED: Community = Community(0xffff_ff03);
    /// NOPEER (RFC 3765).
    pub const NO_PEER: Community = Community(0xffff_ff04);

    /// `asn:value`.
    pub const fn new(asn: u16, value: u16) -> Self {
        Community(((asn as u32) << 16) | value as u32)
    }

    /// FRR's name for a well-known community.
    pub fn well_known_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "internet",
            0xffff_0000 => "graceful-shutdown",
            0xffff_0001 => "accept-own",
            0xffff_0002 => "route-filter-translated-v4",
            0xffff_0003 => "route-filter-v4",
            0xffff_0004 => "route-filter-translated-v6",
            0xffff_0005 => "route-filter-v6",
            0xffff_0006 => "llgr-stale",
            0xffff_0007 => "no-llgr",
            0xffff_0008 => "accept-own-nexthop",
            0xffff_029a => "blackhole",
            0xffff_ff01 => "no-export",
            0xffff_ff02 => "no-advertise",
            0xffff_ff03 => "local-AS",
            0xffff_ff04 => "no-peer",
            _ => return None,
        })
    }
}

impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.well_known_name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}:{}", self.0 >> 16, self.0 & 0xffff),
        }
    }
}

/// A large community `global:local1:local2` (RFC 8092).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LargeCommunity {
    /// Global administrator (an ASN).
    pub global_admin: u32,
    /// First local data part.
    pub local_data1: u32,
    /// Second local data part.
    pub local_data2: u32,
}

impl LargeCommunity {
    /// From the 12 wire octets.
    pub fn from_bytes(b: &[u8; 12]) -> Self {
        LargeCommunity {
            global_admin: u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            local_data1: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            local_data2: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
        }
    }
    /// The 12 wire octets.
    pub fn to_bytes(&self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[..4].copy_from_slice(&self.global_admin.to_be_bytes());
        b[4..8].copy_from_slice(&self.local_data1.to_be_bytes());
        b[8..].copy_from_slice(&self.local_data2.to_be_bytes());
        b
    }
}

impl fmt::Display for LargeCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.global_admin, self.local_data1, self.local_data2
        )
    }
}

/// The administrator and assigned number of a route target or route origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Administrator {
    /// Type 0x00: 2-octet AS, 4-octet number.
    As2 {
        /// AS.
        asn: u16,
        /// Local administrator.
        number: u32,
    },
    /// Type 0x01: IPv4 address, 2-octet number.
    Ipv4 {
        /// Address.
        addr: Ipv4Addr,
        /// Local administrator.
        number: u16,
    },
    /// Type 0x02: 4-octet AS, 2-octet number (RFC 5668).
    As4 {
        /// AS.
        asn: u32,
        /// Local administrator.
        number: u16,
    },
}

impl fmt::Display for Administrator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Administrator::As2 { asn, number } => write!(f, "{asn}:{number}"),
            Administrator::Ipv4 { addr, number } => write!(f, "{addr}:{number}"),
            Administrator::As4 { asn, number } => write!(f, "{asn}:{number}"),
        }
    }
}

/// An extended community; types this crate does not model stay raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ExtendedCommunity {
    /// Route Target (transitive, subtype 0x02).
    RouteTarget(Administrator),
    /// Route Origin / Site of Origin (transitive, subtype 0x03).
    RouteOrigin(Administrator),
    /// Encapsulation (opaque 0x03/0x0c, RFC 9012 §4.1): tunnel type.
    Encapsulation(u16),
    /// EVPN MAC Mobility (0x06/0x00, RFC 7432 §7.7).
    MacMobility {
        /// Flags (0x01 = sticky/static).
        flags: u8,
        /// Sequence number.
        sequence: u32,
    },
    /// EVPN ESI Label (0x06/0x01, RFC 7432 §7.5).
    EsiLabel {
        /// Flags (0x01 = single-active).
        flags: u8,
        /// Label (24 bits).
        label: u32,
    },
    /// EVPN ES-Import Route Target (0x06/0x02, RFC 7432 §7.6).
    EsImportRouteTarget([u8; 6]),
    /// EVPN Router's MAC (0x06/0x03, RFC 9135 §8.1).
    RouterMac([u8; 6]),
    /// Any other type, raw.
    Raw([u8; 8]),
}

fn mac(f: &mut fmt::Formatter<'_>, m: &[u8; 6]) -> fmt::Result {
    write!(
        f,
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

impl ExtendedCommunity {
    /// From the 8 wire octets.
    pub fn from_bytes(b: [u8; 8]) -> Self {
        let admin = || match b[0] {
            0x00 => Some(Administrator::As2 {
                asn: u16::from_be_bytes([b[2], b[3]]),
                number: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            }),
            0x01 => Some(Administrator::Ipv4 {
                addr: Ipv4Addr::new(b[2], b[3], b[4], b[5]),
                number: u16::from_be_bytes([b[6], b[7]]),
            }),
            0x02 => Some(Administrator::As4 {
                asn: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                number: u16::from_be_bytes([b[6], b[7]]),
            }),
            _ => None,
        };
        let m6 = [b[2], b[3], b[4], b[5], b[6], b[7]];
        match (b[0], b[1]) {
            (0x00..=0x02, 0x02) => admin().map_or(Self::Raw(b), Self::RouteTarget),
            (0x00..=0x02, 0x03) => admin().map_or(Self::Raw(b), Self::RouteOrigin),
            (0x03, 0x0c) if b[2..6] == [0; 4] => {
                Self::Encapsulation(u16::from_be_bytes([b[6], b[7]]))
            }
            (0x06, 0x00) if b[3] == 0 => Self::MacMobility {
                flags: b[2],
                sequence: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            },
            (0x06, 0x01) if b[3] == 0 && b[4] == 0 => Self::EsiLabel {
                flags: b[2],
                label: u32::from_be_bytes([0, b[5], b[6], b[7]]),
            },
            (0x06, 0x02) => Self::EsImportRouteTarget(m6),
            (0x06, 0x03) => Self::RouterMac(m6),
            _ => Self::Raw(b),
        }
    }

    /// The 8 wire octets.
    pub fn to_bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        let admin = |b: &mut [u8; 8], a: &Administrator| match *a {
            Administrator::As2 { asn, number } => {
                b[0] = 0x00;
                b[2..4].copy_from_slice(&asn.to_be_bytes());
                b[4..8].copy_from_slice(&number.to_be_bytes());
            }
            Administrator::Ipv4 { addr, number } => {
                b[0] = 0x01;
                b[2..6].copy_from_slice(&addr.octets());
                b[6..8].copy_from_slice(&number.to_be_bytes());
            }
            Administrator::As4 { asn, number } => {
                b[0] = 0x02;
                b[2..6].copy_from_slice(&asn.to_be_bytes());
                b[6..8].copy_from_slice(&number.to_be_bytes());
            }
        };
        match self {
            Self::RouteTarget(a) => {
                admin(&mut b, a);
                b[1] = 0x02;
            }
            Self::RouteOrigin(a) => {
                admin(&mut b, a);
                b[1] = 0x03;
            }
            Self::Encapsulation(t) => {
                b[0] = 0x03;
                b[1] = 0x0c;
                b[6..8].copy_from_slice(&t.to_be_bytes());
            }
            Self::MacMobility { flags, sequence } => {
                b[0] = 0x06;
                b[2] = *flags;
                b[4..8].copy_from_slice(&sequence.to_be_bytes());
            }
            Self::EsiLabel { flags, label } => {
                b[0] = 0x06;
                b[1] = 0x01;
                b[2] = *flags;
                b[5..8].copy_from_slice(&label.to_be_bytes()[1..]);
            }
            Self::EsImportRouteTarget(m) => {
                b[0] = 0x06;
                b[1] = 0x02;
                b[2..].copy_from_slice(m);
            }
            Self::RouterMac(m) => {
                b[0] = 0x06;
                b[1] = 0x03;
                b[2..].copy_from_slice(m);
            }
            Self::Raw(r) => b = *r,
        }
        b
    }
}

impl fmt::Display for ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RouteTarget(a) => write!(f, "RT:{a}"),
            Self::RouteOrigin(a) => write!(f, "SoO:{a}"),
            Self::Encapsulation(t) => write!(f, "ET:{t}"),
            Self::MacMobility { flags, sequence } => {
                write!(f, "MM:{sequence}")?;
                if flags & 1 != 0 {
                    f.write_str(", sticky MAC")?;
                }
                Ok(())
            }
            Self::EsiLabel { flags, label } => {
                write!(
                    f,
                    "ESI-label-Rt:{}:{label}",
                    if flags & 1 != 0 { "SA" } else { "AA" }
                )
            }
            Self::EsImportRouteTarget(m) => {
                f.write_str("ES-Import-Rt:")?;
                mac(f, m)
            }
            Self::RouterMac(m) => {
                f.write_str("Rmac:")?;
                mac(f, m)
            }
            Self::Raw(b) => {
                f.write_str("0x")?;
                b.iter().try_for_each(|x| write!(f, "{x:02x}"))
            }
        }
    }
}

/// An IPv6 address-specific extended community (RFC 5701).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ipv6ExtendedCommunity {
    /// Type high octet (0x00 transitive, 0x40 non-transitive).
    pub type_high: u8,
    /// Subtype (0x02 route target, 0x03 route origin).
    pub subtype: u8,
    /// Global administrator.
    pub addr: Ipv6Addr,
    /// Local administrator.
    pub number: u16,
}

impl Ipv6ExtendedCommunity {
    /// From the 20 wire octets.
    pub fn from_bytes(b: &[u8; 20]) -> Self {
        let mut a = [0u8; 16];
        a.copy_from_slice(&b[2..18]);
        Ipv6ExtendedCommunity {
            type_high: b[0],
            subtype: b[1],
            addr: Ipv6Addr::from(a),
            number: u16::from_be_bytes([b[18], b[19]]),
        }
    }
    /// The 20 wire octets.
    pub fn to_bytes(&self) -> [u8; 20] {
        let mut b = [0u8; 20];
        b[0] = self.type_high;
        b[1] = self.subtype;
        b[2..18].copy_from_slice(&self.addr.octets());
        b[18..].copy_from_slice(&self.number.to_be_bytes());
        b
    }
}

impl fmt::Display for Ipv6ExtendedCommunity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match (self.type_high, self.subtype) {
            (0x00, 0x02) => "RT",
            (0x00, 0x03) => "SoO",
            _ => "IP6EC",
        };
        write!(f, "{kind}:{}:{}", self.addr, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communities_display_like_frr() {
        assert_eq!(Community::new(65000, 1).to_string(), "65000:1");
        assert_eq!(Community::NO_EXPORT.to_string(), "no-export");
        assert_eq!(Community::NO_EXPORT_SUBCONFED.to_string(), "local-AS");
        assert_eq!(Community::BLACKHOLE.to_string(), "blackhole");
        let l = LargeCommunity {
            global_admin: 1,
            local_data1: 2,
            local_data2: 3,
        };
        assert_eq!(l.to_string(), "1:2:3");
        assert_eq!(LargeCommunity::from_bytes(&l.to_bytes()), l);
    }

    #[test]
    fn extended_communities_rfc4360_layouts() {
        let cases: [([u8; 8], &str); 9] = [
            ([0x00, 0x02, 0xfd, 0xe8, 0, 0, 0, 100], "RT:65000:100"),
            ([0x01, 0x02, 192, 0, 2, 1, 0, 7], "RT:192.0.2.1:7"),
            ([0x02, 0x02, 0xfa, 0x56, 0xea, 0, 0, 9], "RT:4200000000:9"),
            ([0x00, 0x03, 0xfd, 0xe8, 0, 0, 0, 1], "SoO:65000:1"),
            ([0x03, 0x0c, 0, 0, 0, 0, 0, 8], "ET:8"),
            ([0x06, 0x00, 1, 0, 0, 0, 0, 5], "MM:5, sticky MAC"),
            ([0x06, 0x01, 1, 0, 0, 0, 0, 100], "ESI-label-Rt:SA:100"),
            ([0x06, 0x03, 2, 0, 0, 0, 0, 1], "Rmac:02:00:00:00:00:01"),
            ([0x80, 0x06, 0, 0, 0, 0, 0, 0], "0x8006000000000000"),
        ];
        for (b, s) in cases {
            let e = ExtendedCommunity::from_bytes(b);
            assert_eq!(e.to_string(), s);
            assert_eq!(e.to_bytes(), b, "{s}");
        }
        let six = Ipv6ExtendedCommunity {
            type_high: 0,
            subtype: 2,
            addr: "2001:db8::1".parse().unwrap(),
            number: 5,
        };
        assert_eq!(six.to_string(), "RT:2001:db8::1:5");
        assert_eq!(Ipv6ExtendedCommunity::from_bytes(&six.to_bytes()), six);
    }
}
