//! The fixed 19-octet message header (RFC 4271 §4.1) and message size limits (RFC 8654).

use crate::wire::error::{Action, DecodeError, ErrorKind, MessageError};

mod field {
    pub const MARKER: std::ops::Range<usize> = 0..16;
    pub const LENGTH: std::ops::Range<usize> = 16..18;
    pub const TYPE: usize = 18;
}

/// The all-ones marker.
pub const MARKER: [u8; 16] = [0xff; 16];
/// Octets in the header.
pub const HEADER_LEN: usize = 19;
/// Maximum message size without RFC 8654 extended messages.
pub const MAX_MESSAGE_LEN: usize = 4096;
/// Maximum message size once RFC 8654 extended messages are negotiated.
pub const MAX_EXTENDED_MESSAGE_LEN: usize = 65535;

/// Message types (RFC 4271 §4.1, RFC 2918).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[repr(u8)]
pub enum MessageType {
    /// OPEN (1).
    Open = 1,
    /// UPDATE (2).
    Update = 2,
    /// NOTIFICATION (3).
    Notification = 3,
    /// KEEPALIVE (4).
    Keepalive = 4,
    /// ROUTE-REFRESH (5).
    RouteRefresh = 5,
}

impl MessageType {
    /// The type for a wire code.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => MessageType::Open,
            2 => MessageType::Update,
            3 => MessageType::Notification,
            4 => MessageType::Keepalive,
            5 => MessageType::RouteRefresh,
            _ => return None,
        })
    }

    /// Smallest valid total length of a message of this type (RFC 4271 §4, RFC 2918 §3).
    pub fn min_len(self) -> usize {
        match self {
            MessageType::Open => 29,
            MessageType::Update => 23,
            MessageType::Notification => 21,
            MessageType::Keepalive => 19,
            MessageType::RouteRefresh => 23,
        }
    }
}

/// A checked header: the marker is all ones, the length fits the limits and the type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Total message length including the header.
    pub length: u16,
    /// Message type.
    pub message_type: MessageType,
}

impl Header {
    /// Checks the header at the start of `buf`. `max_len` is 4096 or 65535 (RFC 8654 applies
    /// to every type but OPEN and KEEPALIVE, which stay within 4096).
    pub fn parse(buf: &[u8], max_len: usize) -> Result<Header, MessageError> {
        if buf.len() < HEADER_LEN {
            return Err(MessageError::Incomplete { needed: HEADER_LEN });
        }
        if buf[field::MARKER] != MARKER {
            return Err(DecodeError::new(ErrorKind::BadMarker, 0, Action::reset(1, 1)).into());
        }
        let len_bytes = [buf[field::LENGTH.start], buf[field::LENGTH.start + 1]];
        let length = u16::from_be_bytes(len_bytes);
        let raw_type = buf[field::TYPE];
        let Some(message_type) = MessageType::from_u8(raw_type) else {
            return Err(DecodeError::new(
                ErrorKind::BadMessageType {
                    message_type: raw_type,
                },
                field::TYPE,
                Action::SessionReset {
                    code: 1,
                    subcode: 3,
                    data: vec![raw_type],
                },
            )
            .into());
        };
        let max = match message_type {
            MessageType::Open | MessageType::Keepalive => MAX_MESSAGE_LEN,
            _ => max_len,
        };
        let too_short = (length as usize) < message_type.min_len();
        let bad_keepalive = message_type == MessageType::Keepalive && length as usize != HEADER_LEN;
        if too_short || bad_keepalive || length as usize > max {
            return Err(DecodeError::new(
                ErrorKind::BadMessageLength { length },
                field::LENGTH.start,
                Action::SessionReset {
                    code: 1,
                    subcode: 2,
                    data: len_bytes.to_vec(),
                },
            )
            .into());
        }
        Ok(Header {
            length,
            message_type,
        })
    }
}

/// Appends a header with a placeholder length; returns the message start for [`finish`].
#[inline]
pub fn begin(out: &mut Vec<u8>, message_type: MessageType) -> usize {
    let start = out.len();
    out.extend_from_slice(&MARKER);
    out.extend_from_slice(&[0, 0, message_type as u8]);
    start
}

/// Patches the length of the message begun at `start`.
#[inline]
pub fn finish(out: &mut [u8], start: usize) {
    let len = (out.len() - start).min(u16::MAX as usize) as u16;
    crate::wire::codec::patch_u16(out, start + 16, len);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(len: u16, t: u8) -> Vec<u8> {
        let mut v = MARKER.to_vec();
        v.extend_from_slice(&len.to_be_bytes());
        v.push(t);
        v
    }

    #[test]
    fn keepalive_header_parses() {
        let h = Header::parse(&hdr(19, 4), 4096).unwrap();
        assert_eq!(
            h,
            Header {
                length: 19,
                message_type: MessageType::Keepalive
            }
        );
    }

    #[test]
    fn header_errors_carry_notifications() {
        let mut bad = hdr(19, 4);
        bad[3] = 0;
        let MessageError::Malformed(e) = Header::parse(&bad, 4096).unwrap_err() else {
            panic!()
        };
        assert_eq!(e.notification(), Some((1, 1, &[][..])));
        let MessageError::Malformed(e) = Header::parse(&hdr(20, 4), 4096).unwrap_err() else {
            panic!()
        };
        assert_eq!(e.notification(), Some((1, 2, &[0, 20][..])));
        let MessageError::Malformed(e) = Header::parse(&hdr(19, 9), 4096).unwrap_err() else {
            panic!()
        };
        assert_eq!(e.notification(), Some((1, 3, &[9][..])));
        assert!(Header::parse(&hdr(5000, 2), 4096).is_err());
        assert!(Header::parse(&hdr(5000, 2), 65535).is_ok());
        assert!(
            Header::parse(&hdr(5000, 1), 65535).is_err(),
            "OPEN stays within 4096"
        );
        assert_eq!(
            Header::parse(&hdr(19, 4)[..10], 4096).unwrap_err(),
            MessageError::Incomplete { needed: 19 }
        );
    }
}
