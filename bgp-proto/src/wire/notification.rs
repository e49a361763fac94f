//! NOTIFICATION message (RFC 4271 §4.5) with every IANA code and subcode named, the RFC 9003
//! shutdown communication and the RFC 8538 Hard Reset wrapper.

use std::fmt;

use crate::wire::codec::Reader;
use crate::wire::error::DecodeError;
use crate::wire::header::{self, MessageType};

/// Error codes (IANA "BGP Error (Notification) Codes").
pub mod code {
    /// Message Header Error.
    pub const MESSAGE_HEADER: u8 = 1;
    /// OPEN Message Error.
    pub const OPEN_MESSAGE: u8 = 2;
    /// UPDATE Message Error.
    pub const UPDATE_MESSAGE: u8 = 3;
    /// Hold Timer Expired.
    pub const HOLD_TIMER_EXPIRED: u8 = 4;
    /// Finite State Machine Error (RFC 6608).
    pub const FSM: u8 = 5;
    /// Cease (RFC 4486).
    pub const CEASE: u8 = 6;
    /// ROUTE-REFRESH Message Error (RFC 7313).
    pub const ROUTE_REFRESH_MESSAGE: u8 = 7;
    /// Send Hold Timer Expired (RFC 9687).
    pub const SEND_HOLD_TIMER_EXPIRED: u8 = 8;
}

/// Cease subcodes (RFC 4486, RFC 8538, RFC 9384).
pub mod cease {
    /// Maximum Number of Prefixes Reached.
    pub const MAX_PREFIXES: u8 = 1;
    /// Administrative Shutdown (RFC 9003 communication allowed).
    pub const ADMINISTRATIVE_SHUTDOWN: u8 = 2;
    /// Peer De-configured.
    pub const PEER_DECONFIGURED: u8 = 3;
    /// Administrative Reset (RFC 9003 communication allowed).
    pub const ADMINISTRATIVE_RESET: u8 = 4;
    /// Connection Rejected.
    pub const CONNECTION_REJECTED: u8 = 5;
    /// Other Configuration Change.
    pub const OTHER_CONFIGURATION_CHANGE: u8 = 6;
    /// Connection Collision Resolution.
    pub const CONNECTION_COLLISION: u8 = 7;
    /// Out of Resources.
    pub const OUT_OF_RESOURCES: u8 = 8;
    /// Hard Reset (RFC 8538).
    pub const HARD_RESET: u8 = 9;
    /// BFD Down (RFC 9384).
    pub const BFD_DOWN: u8 = 10;
}

/// Name of an error code, as FRR prints it.
pub fn code_name(code: u8) -> &'static str {
    match code {
        1 => "Message Header Error",
        2 => "OPEN Message Error",
        3 => "UPDATE Message Error",
        4 => "Hold Timer Expired",
        5 => "Neighbor Events Error",
        6 => "Cease",
        7 => "ROUTE-REFRESH Message Error",
        8 => "Send Hold Timer Expired",
        _ => "Unknown Error",
    }
}

/// Name of a subcode within `code`.
pub fn subcode_name(code: u8, subcode: u8) -> &'static str {
    match (code, subcode) {
        (1..=3 | 5 | 6 | 7, 0) => "Unspecific",
        (1, 1) => "Connection Not Synchronized",
        (1, 2) => "Bad Message Length",
        (1, 3) => "Bad Message Type",
        (2, 1) => "Unsupported Version Number",
        (2, 2) => "Bad Peer AS",
        (2, 3) => "Bad BGP Identifier",
        (2, 4) => "Unsupported Optional Parameter",
        (2, 5) => "Authentication Failure (deprecated)",
        (2, 6) => "Unacceptable Hold Time",
        (2, 7) => "Unsupported Capability",
        (2, 8..=10) => "Deprecated",
        (2, 11) => "Role Mismatch",
        (3, 1) => "Malformed Attribute List",
        (3, 2) => "Unrecognized Well-known Attribute",
        (3, 3) => "Missing Well-known Attribute",
        (3, 4) => "Attribute Flags Error",
        (3, 5) => "Attribute Length Error",
        (3, 6) => "Invalid ORIGIN Attribute",
        (3, 7) => "AS Routing Loop (deprecated)",
        (3, 8) => "Invalid NEXT_HOP Attribute",
        (3, 9) => "Optional Attribute Error",
        (3, 10) => "Invalid Network Field",
        (3, 11) => "Malformed AS_PATH",
        (5, 1) => "Receive Unexpected Message in OpenSent State",
        (5, 2) => "Receive Unexpected Message in OpenConfirm State",
        (5, 3) => "Receive Unexpected Message in Established State",
        (6, 1) => "Maximum Number of Prefixes Reached",
        (6, 2) => "Administrative Shutdown",
        (6, 3) => "Peer De-configured",
        (6, 4) => "Administrative Reset",
        (6, 5) => "Connection Rejected",
        (6, 6) => "Other Configuration Change",
        (6, 7) => "Connection Collision Resolution",
        (6, 8) => "Out of Resources",
        (6, 9) => "Hard Reset",
        (6, 10) => "BFD Down",
        (7, 1) => "Invalid Message Length",
        (4 | 8, _) => "",
        _ => "Unknown",
    }
}

/// A NOTIFICATION message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Notification {
    /// Error code.
    pub code: u8,
    /// Error subcode.
    pub subcode: u8,
    /// Data (meaning depends on code/subcode).
    pub data: Vec<u8>,
}

impl Notification {
    /// A NOTIFICATION with arbitrary data.
    pub fn new(code: u8, subcode: u8, data: Vec<u8>) -> Self {
        Notification {
            code,
            subcode,
            data,
        }
    }

    /// Cease/Administrative Shutdown with an RFC 9003 communication (clipped to 255 octets at a
    /// character boundary).
    pub fn administrative_shutdown(communication: &str) -> Self {
        Self::cease_with_communication(cease::ADMINISTRATIVE_SHUTDOWN, communication)
    }

    /// Cease/Administrative Reset with an RFC 9003 communication.
    pub fn administrative_reset(communication: &str) -> Self {
        Self::cease_with_communication(cease::ADMINISTRATIVE_RESET, communication)
    }

    fn cease_with_communication(subcode: u8, text: &str) -> Self {
        let mut end = text.len().min(255);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut data = Vec::with_capacity(end + 1);
        if end > 0 {
            data.push(end as u8);
            data.extend_from_slice(&text.as_bytes()[..end]);
        }
        Notification {
            code: code::CEASE,
            subcode,
            data,
        }
    }

    /// Cease/Hard Reset wrapping `inner` (RFC 8538 §3): data is the inner code, subcode, data.
    pub fn hard_reset(inner: &Notification) -> Self {
        let mut data = Vec::with_capacity(2 + inner.data.len());
        data.push(inner.code);
        data.push(inner.subcode);
        data.extend_from_slice(&inner.data);
        Notification {
            code: code::CEASE,
            subcode: cease::HARD_RESET,
            data,
        }
    }

    /// True for Cease/Hard Reset (RFC 8538).
    pub fn is_hard_reset(&self) -> bool {
        self.code == code::CEASE && self.subcode == cease::HARD_RESET
    }

    /// The NOTIFICATION inside a Hard Reset.
    pub fn hard_reset_inner(&self) -> Option<Notification> {
        if !self.is_hard_reset() || self.data.len() < 2 {
            return None;
        }
        Some(Notification::new(
            self.data[0],
            self.data[1],
            self.data[2..].to_vec(),
        ))
    }

    /// The RFC 9003 shutdown communication of Cease/Administrative Shutdown or Reset, when the
    /// data holds a length octet followed by that many octets of valid UTF-8.
    pub fn shutdown_communication(&self) -> Option<&str> {
        if self.code != code::CEASE
            || !(self.subcode == cease::ADMINISTRATIVE_SHUTDOWN
                || self.subcode == cease::ADMINISTRATIVE_RESET)
        {
            return None;
        }
        let (&len, rest) = self.data.split_first()?;
        let text = rest.get(..len as usize)?;
        std::str::from_utf8(text).ok()
    }

    /// Name of the code.
    pub fn code_name(&self) -> &'static str {
        code_name(self.code)
    }

    /// Name of the subcode.
    pub fn subcode_name(&self) -> &'static str {
        subcode_name(self.code, self.subcode)
    }

    /// Parses the body (after the header).
    pub fn decode_body(body: &[u8], base: usize) -> Result<Notification, DecodeError> {
        let mut r = Reader::new(body, base, (1, 2));
        let code = r.u8("error code")?;
        let subcode = r.u8("error subcode")?;
        Ok(Notification {
            code,
            subcode,
            data: r.rest().to_vec(),
        })
    }

    /// Appends the whole message.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = header::begin(out, MessageType::Notification);
        out.push(self.code);
        out.push(self.subcode);
        let room = u16::MAX as usize - 21;
        out.extend_from_slice(&self.data[..self.data.len().min(room)]);
        header::finish(out, start);
    }

    /// Total message length.
    pub fn encoded_len(&self) -> usize {
        21 + self.data.len().min(u16::MAX as usize - 21)
    }
}

impl fmt::Display for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code_name(), self.subcode_name())?;
        if let Some(inner) = self.hard_reset_inner() {
            write!(f, " ({inner})")?;
        } else if let Some(text) = self.shutdown_communication() {
            write!(f, " \"{}\"", text.escape_debug())?;
        } else if !self.data.is_empty() {
            write!(f, " ({} bytes of data)", self.data.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shutdown_communication_rfc9003() {
        let n = Notification::administrative_shutdown("maintenance ✓");
        assert_eq!(n.data[0] as usize, "maintenance ✓".len());
        assert_eq!(n.shutdown_communication(), Some("maintenance ✓"));
        assert_eq!(
            n.to_string(),
            "Cease/Administrative Shutdown \"maintenance ✓\""
        );
        let long = "é".repeat(200);
        let n = Notification::administrative_reset(&long);
        assert_eq!(n.data[0], 254, "clipped at a character boundary");
        assert!(n.shutdown_communication().is_some());
        let bad = Notification::new(6, 2, vec![10, b'a']);
        assert_eq!(bad.shutdown_communication(), None);
    }

    #[test]
    fn hard_reset_wraps_inner_rfc8538() {
        let inner = Notification::new(6, 4, vec![]);
        let hr = Notification::hard_reset(&inner);
        assert_eq!(hr.data, vec![6, 4]);
        assert_eq!(hr.hard_reset_inner(), Some(inner));
        assert_eq!(
            hr.to_string(),
            "Cease/Hard Reset (Cease/Administrative Reset)"
        );
    }

    #[test]
    fn notification_round_trips() {
        let n = Notification::new(3, 11, vec![1, 2, 3]);
        let mut v = Vec::new();
        n.encode(&mut v);
        assert_eq!(v.len(), n.encoded_len());
        assert_eq!(&v[16..19], &[0, 24, 3]);
        assert_eq!(Notification::decode_body(&v[19..], 19).unwrap(), n);
        assert!(Notification::decode_body(&[6], 19).is_err());
        assert_eq!(subcode_name(2, 11), "Role Mismatch");
    }
}
