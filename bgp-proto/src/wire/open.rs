//! OPEN message (RFC 4271 §4.2) with capabilities (RFC 5492) and the RFC 9072 extended
//! optional parameters length.

use std::fmt;
use std::net::Ipv4Addr;

use crate::wire::capability::{AddPathFamily, Capability, GracefulRestart, Role};
use crate::wire::codec::Reader;
use crate::wire::error::{Action, DecodeError, ErrorKind};
use crate::wire::family::AfiSafi;
use crate::wire::header::{self, HEADER_LEN, MessageType};

/// AS_TRANS, the 2-octet placeholder for a 4-octet AS (RFC 6793 §9).
pub const AS_TRANS: u16 = 23456;

/// Optional parameter type carrying capabilities (RFC 5492).
const PARAM_CAPABILITIES: u8 = 2;
/// RFC 9072 marker in the first optional parameter type.
const PARAM_EXTENDED: u8 = 255;

/// An OPEN message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Open {
    /// Protocol version (4).
    pub version: u8,
    /// "My Autonomous System": the 2-octet AS or AS_TRANS.
    pub my_as: u16,
    /// Proposed hold time in seconds (0 or at least 3).
    pub hold_time: u16,
    /// BGP Identifier.
    pub bgp_identifier: Ipv4Addr,
    /// Capabilities from every capabilities optional parameter, in order.
    pub capabilities: Vec<Capability>,
}

impl Open {
    /// An OPEN for `asn` (AS_TRANS in the fixed field when it does not fit 2 octets; add
    /// [`Capability::FourOctetAs`] yourself to announce it).
    pub fn new(
        asn: u32,
        hold_time: u16,
        bgp_identifier: Ipv4Addr,
        capabilities: Vec<Capability>,
    ) -> Self {
        let my_as = u16::try_from(asn).unwrap_or(AS_TRANS);
        Open {
            version: 4,
            my_as,
            hold_time,
            bgp_identifier,
            capabilities,
        }
    }

    /// The speaker's AS: the 4-octet AS capability if present, else `my_as` (RFC 6793 §4.1).
    pub fn asn(&self) -> u32 {
        self.four_octet_as().unwrap_or(self.my_as as u32)
    }

    /// The AS of the 4-octet AS capability.
    pub fn four_octet_as(&self) -> Option<u32> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::FourOctetAs(a) => Some(*a),
            _ => None,
        })
    }

    /// Families announced with the multiprotocol capability.
    pub fn multiprotocol(&self) -> impl Iterator<Item = AfiSafi> + '_ {
        self.capabilities.iter().filter_map(|c| match c {
            Capability::Multiprotocol(f) => Some(*f),
            _ => None,
        })
    }

    /// Every ADD-PATH tuple announced.
    pub fn add_path(&self) -> impl Iterator<Item = AddPathFamily> + '_ {
        self.capabilities
            .iter()
            .flat_map(|c| match c {
                Capability::AddPath(v) => v.as_slice(),
                _ => &[],
            })
            .copied()
    }

    /// True when the capability with `code` is present.
    pub fn has_capability(&self, code: u8) -> bool {
        self.capabilities.iter().any(|c| c.code() == code)
    }

    /// The Graceful Restart capability.
    pub fn graceful_restart(&self) -> Option<&GracefulRestart> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::GracefulRestart(g) => Some(g),
            _ => None,
        })
    }

    /// The BGP Role capability.
    pub fn role(&self) -> Option<Role> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::Role(r) => Some(*r),
            _ => None,
        })
    }

    /// The hostname of the FQDN capability.
    pub fn hostname(&self) -> Option<&str> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::Fqdn { hostname, .. } => Some(hostname.as_str()),
            _ => None,
        })
    }

    /// Parses the body (after the header); `base` is the body's offset in the message.
    pub fn decode_body(body: &[u8], base: usize) -> Result<Open, DecodeError> {
        let mut r = Reader::new(body, base, (2, 0));
        let version = r.u8("version")?;
        if version != 4 {
            return Err(DecodeError::new(
                ErrorKind::UnsupportedVersion { version },
                base,
                Action::SessionReset {
                    code: 2,
                    subcode: 1,
                    data: vec![0, 4],
                },
            ));
        }
        let my_as = r.u16("my autonomous system")?;
        let hold_off = r.offset();
        let hold_time = r.u16("hold time")?;
        if hold_time == 1 || hold_time == 2 {
            return Err(DecodeError::new(
                ErrorKind::UnacceptableHoldTime { hold_time },
                hold_off,
                Action::reset(2, 6),
            ));
        }
        let id_off = r.offset();
        let bgp_identifier = r.ipv4("BGP identifier")?;
        if bgp_identifier.is_unspecified() {
            return Err(DecodeError::new(
                ErrorKind::BadBgpIdentifier,
                id_off,
                Action::reset(2, 3),
            ));
        }
        let opt_len = r.u8("optional parameters length")? as usize;
        // RFC 9072 §2: a non-zero length followed by type 255 announces the extended form.
        let extended = opt_len != 0 && r.peek_u8() == Some(PARAM_EXTENDED);
        let mut params = if extended {
            r.u8("extended parameters type")?;
            let n = r.u16("extended optional parameters length")? as usize;
            r.sub(n, "optional parameters")?
        } else {
            r.sub(opt_len, "optional parameters")?
        };
        r.expect_end("OPEN")?;
        let mut capabilities = Vec::new();
        while !params.is_empty() {
            let off = params.offset();
            let ptype = params.u8("parameter type")?;
            let plen = if extended {
                params.u16("parameter length")? as usize
            } else {
                params.u8("parameter length")? as usize
            };
            let mut p = params.sub(plen, "parameter value")?;
            if ptype != PARAM_CAPABILITIES {
                return Err(DecodeError::new(
                    ErrorKind::UnsupportedOptionalParameter { param_type: ptype },
                    off,
                    Action::reset(2, 4),
                ));
            }
            while !p.is_empty() {
                let code = p.u8("capability code")?;
                let len = p.u8("capability length")? as usize;
                let value = p.take(len, "capability value")?;
                capabilities.push(Capability::from_value(code, value));
            }
        }
        Ok(Open {
            version,
            my_as,
            hold_time,
            bgp_identifier,
            capabilities,
        })
    }

    /// Appends the whole message; the RFC 9072 form is used only when the capabilities do not
    /// fit the one-octet length.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = header::begin(out, MessageType::Open);
        out.push(self.version);
        out.extend_from_slice(&self.my_as.to_be_bytes());
        out.extend_from_slice(&self.hold_time.to_be_bytes());
        out.extend_from_slice(&self.bgp_identifier.octets());
        let caps: usize = self.capabilities.iter().map(Capability::encoded_len).sum();
        if caps == 0 {
            out.push(0);
        } else if caps + 2 <= 255 {
            out.push((caps + 2) as u8);
            out.push(PARAM_CAPABILITIES);
            out.push(caps as u8);
            self.capabilities.iter().for_each(|c| c.encode(out));
        } else {
            let caps = caps.min(u16::MAX as usize - 3);
            out.push(255);
            out.push(PARAM_EXTENDED);
            out.extend_from_slice(&((caps + 3) as u16).to_be_bytes());
            out.push(PARAM_CAPABILITIES);
            out.extend_from_slice(&(caps as u16).to_be_bytes());
            self.capabilities.iter().for_each(|c| c.encode(out));
        }
        header::finish(out, start);
    }

    /// Total message length.
    pub fn encoded_len(&self) -> usize {
        let caps: usize = self.capabilities.iter().map(Capability::encoded_len).sum();
        HEADER_LEN
            + 10
            + if caps == 0 {
                0
            } else if caps + 2 <= 255 {
                caps + 2
            } else {
                caps + 6
            }
    }
}

impl fmt::Display for Open {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OPEN version {} as {} hold {} id {}",
            self.version,
            self.asn(),
            self.hold_time,
            self.bgp_identifier
        )?;
        for c in &self.capabilities {
            write!(f, ", {c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::family::{Afi, Safi};

    fn sample() -> Open {
        Open::new(
            4_200_000_001,
            90,
            Ipv4Addr::new(10, 0, 0, 1),
            vec![
                Capability::Multiprotocol(AfiSafi::new(Afi::IPV4, Safi::UNICAST)),
                Capability::RouteRefresh,
                Capability::FourOctetAs(4_200_000_001),
            ],
        )
    }

    #[test]
    fn open_round_trips_and_uses_as_trans() {
        let o = sample();
        assert_eq!(o.my_as, AS_TRANS);
        let mut v = Vec::new();
        o.encode(&mut v);
        assert_eq!(v.len(), o.encoded_len());
        assert_eq!(Open::decode_body(&v[19..], 19).unwrap(), o);
        assert_eq!(o.asn(), 4_200_000_001);
    }

    #[test]
    fn rfc9072_extended_parameters_round_trip() {
        let mut o = sample();
        for i in 0..80u16 {
            o.capabilities.push(Capability::Multiprotocol(AfiSafi::new(
                Afi(i + 100),
                Safi::UNICAST,
            )));
        }
        let mut v = Vec::new();
        o.encode(&mut v);
        assert_eq!(v[19 + 9], 255, "opt param len");
        assert_eq!(v[19 + 10], 255, "non-ext type");
        assert_eq!(v.len(), o.encoded_len());
        assert_eq!(Open::decode_body(&v[19..], 19).unwrap(), o);
    }

    #[test]
    fn open_errors_map_to_open_message_error_subcodes() {
        let mut v = Vec::new();
        sample().encode(&mut v);
        let mut bad = v.clone();
        bad[19] = 3;
        assert_eq!(
            Open::decode_body(&bad[19..], 19)
                .unwrap_err()
                .notification(),
            Some((2, 1, &[0, 4][..]))
        );
        let mut bad = v.clone();
        bad[19 + 3..19 + 5].copy_from_slice(&[0, 2]);
        let e = Open::decode_body(&bad[19..], 19).unwrap_err();
        assert_eq!(
            (
                e.notification().unwrap().0,
                e.notification().unwrap().1,
                e.offset
            ),
            (2, 6, 22)
        );
        let mut bad = v.clone();
        bad[19 + 5..19 + 9].copy_from_slice(&[0; 4]);
        assert_eq!(
            Open::decode_body(&bad[19..], 19)
                .unwrap_err()
                .notification()
                .unwrap()
                .1,
            3
        );
        let mut bad = v.clone();
        bad[19 + 10] = 1; // authentication parameter
        assert_eq!(
            Open::decode_body(&bad[19..], 19)
                .unwrap_err()
                .notification()
                .unwrap()
                .1,
            4
        );
        let mut bad = v.clone();
        bad[19 + 9] += 1; // optional parameters length beyond the message
        let e = Open::decode_body(&bad[19..], 19).unwrap_err();
        assert_eq!(e.notification().unwrap().0, 2);
    }
}
