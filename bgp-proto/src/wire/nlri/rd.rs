//! Route distinguishers (RFC 4364 §4.2), printed as FRR does (`65000:100`, `192.0.2.1:7`).

use std::fmt;
use std::net::Ipv4Addr;

/// An 8-octet route distinguisher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouteDistinguisher {
    /// Type 0: 2-octet AS and 4-octet number.
    As2 {
        /// Administrator AS.
        asn: u16,
        /// Assigned number.
        number: u32,
    },
    /// Type 1: IPv4 address and 2-octet number.
    Ipv4 {
        /// Administrator address.
        addr: Ipv4Addr,
        /// Assigned number.
        number: u16,
    },
    /// Type 2: 4-octet AS and 2-octet number.
    As4 {
        /// Administrator AS.
        asn: u32,
        /// Assigned number.
        number: u16,
    },
    /// Any other type, raw.
    Other([u8; 8]),
}

impl RouteDistinguisher {
    /// From the 8 wire octets.
    pub fn from_bytes(b: [u8; 8]) -> Self {
        let t = u16::from_be_bytes([b[0], b[1]]);
        match t {
            0 => Self::As2 {
                asn: u16::from_be_bytes([b[2], b[3]]),
                number: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            },
            1 => Self::Ipv4 {
                addr: Ipv4Addr::new(b[2], b[3], b[4], b[5]),
                number: u16::from_be_bytes([b[6], b[7]]),
            },
            2 => Self::As4 {
                asn: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                number: u16::from_be_bytes([b[6], b[7]]),
            },
            _ => Self::Other(b),
        }
    }

    /// The 8 wire octets.
    pub fn to_bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        match *self {
            Self::As2 { asn, number } => {
                b[2..4].copy_from_slice(&asn.to_be_bytes());
                b[4..8].copy_from_slice(&number.to_be_bytes());
            }
            Self::Ipv4 { addr, number } => {
                b[1] = 1;
                b[2..6].copy_from_slice(&addr.octets());
                b[6..8].copy_from_slice(&number.to_be_bytes());
            }
            Self::As4 { asn, number } => {
                b[1] = 2;
                b[2..6].copy_from_slice(&asn.to_be_bytes());
                b[6..8].copy_from_slice(&number.to_be_bytes());
            }
            Self::Other(o) => b = o,
        }
        b
    }
}

impl fmt::Display for RouteDistinguisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::As2 { asn, number } => write!(f, "{asn}:{number}"),
            Self::Ipv4 { addr, number } => write!(f, "{addr}:{number}"),
            Self::As4 { asn, number } => write!(f, "{asn}:{number}"),
            Self::Other(b) => {
                f.write_str("0x")?;
                b.iter().try_for_each(|x| write!(f, "{x:02x}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rd_types_display_like_frr() {
        let cases = [
            ([0, 0, 0xfd, 0xe8, 0, 0, 0, 100], "65000:100"),
            ([0, 1, 192, 0, 2, 1, 0, 7], "192.0.2.1:7"),
            ([0, 2, 0xfa, 0x56, 0xea, 0, 0, 5], "4200000000:5"),
            ([0, 9, 1, 2, 3, 4, 5, 6], "0x0009010203040506"),
        ];
        for (b, s) in cases {
            let rd = RouteDistinguisher::from_bytes(b);
            assert_eq!(rd.to_string(), s);
            assert_eq!(rd.to_bytes(), b);
        }
    }
}
