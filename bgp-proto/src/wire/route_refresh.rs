//! ROUTE-REFRESH message (RFC 2918) with the RFC 7313 BoRR/EoRR subtypes.

use std::fmt;

use crate::wire::codec::Reader;
use crate::wire::error::{Action, DecodeError, ErrorKind};
use crate::wire::family::{Afi, AfiSafi, Safi};
use crate::wire::header::{self, MessageType};

/// Message subtype (RFC 7313 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RouteRefreshSubtype {
    /// 0: normal route refresh request.
    Request,
    /// 1: Beginning of Route Refresh.
    BeginningOfRefresh,
    /// 2: End of Route Refresh.
    EndOfRefresh,
    /// Reserved values (to be ignored by the receiver).
    Other(u8),
}

impl RouteRefreshSubtype {
    fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Request,
            1 => Self::BeginningOfRefresh,
            2 => Self::EndOfRefresh,
            n => Self::Other(n),
        }
    }
    fn to_u8(self) -> u8 {
        match self {
            Self::Request => 0,
            Self::BeginningOfRefresh => 1,
            Self::EndOfRefresh => 2,
            Self::Other(n) => n,
        }
    }
}

/// A ROUTE-REFRESH message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RouteRefresh {
    /// The family to refresh.
    pub family: AfiSafi,
    /// Subtype.
    pub subtype: RouteRefreshSubtype,
    /// Outbound Route Filter entries (RFC 5291), kept raw; empty normally.
    pub orf: Vec<u8>,
}

impl RouteRefresh {
    /// A plain request for `family`.
    pub fn request(family: AfiSafi) -> Self {
        RouteRefresh {
            family,
            subtype: RouteRefreshSubtype::Request,
            orf: Vec::new(),
        }
    }

    /// Parses the body; a BoRR/EoRR longer than 4 octets is ROUTE-REFRESH Message Error /
    /// Invalid Message Length (RFC 7313 §5) with the whole message as data.
    pub fn decode_body(body: &[u8], base: usize) -> Result<RouteRefresh, DecodeError> {
        let mut r = Reader::new(body, base, (7, 1));
        let afi = Afi(r.u16("AFI")?);
        let subtype = RouteRefreshSubtype::from_u8(r.u8("subtype")?);
        let safi = Safi(r.u8("SAFI")?);
        let orf = r.rest();
        if !orf.is_empty() && subtype != RouteRefreshSubtype::Request {
            let mut data = Vec::with_capacity(19 + body.len());
            data.extend_from_slice(&header::MARKER);
            data.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
            data.push(MessageType::RouteRefresh as u8);
            data.extend_from_slice(body);
            return Err(DecodeError::new(
                ErrorKind::BadMessageLength {
                    length: (19 + body.len()) as u16,
                },
                16,
                Action::SessionReset {
                    code: 7,
                    subcode: 1,
                    data,
                },
            ));
        }
        Ok(RouteRefresh {
            family: AfiSafi::new(afi, safi),
            subtype,
            orf: orf.to_vec(),
        })
    }

    /// Appends the whole message.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = header::begin(out, MessageType::RouteRefresh);
        out.extend_from_slice(&self.family.afi.0.to_be_bytes());
        out.push(self.subtype.to_u8());
        out.push(self.family.safi.0);
        out.extend_from_slice(&self.orf[..self.orf.len().min(u16::MAX as usize - 23)]);
        header::finish(out, start);
    }

    /// Total message length.
    pub fn encoded_len(&self) -> usize {
        23 + self.orf.len().min(u16::MAX as usize - 23)
    }
}

impl fmt::Display for RouteRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ROUTE-REFRESH {} {:?}", self.family, self.subtype)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borr_eorr_round_trip_and_length_rule() {
        for st in [
            RouteRefreshSubtype::BeginningOfRefresh,
            RouteRefreshSubtype::EndOfRefresh,
        ] {
            let m = RouteRefresh {
                family: AfiSafi::IPV6_UNICAST,
                subtype: st,
                orf: vec![],
            };
            let mut v = Vec::new();
            m.encode(&mut v);
            assert_eq!(v.len(), 23);
            assert_eq!(RouteRefresh::decode_body(&v[19..], 19).unwrap(), m);
        }
        let e = RouteRefresh::decode_body(&[0, 1, 1, 1, 0], 19).unwrap_err();
        let (code, sub, data) = e.notification().unwrap();
        assert_eq!((code, sub, data.len()), (7, 1, 24));
    }
}
