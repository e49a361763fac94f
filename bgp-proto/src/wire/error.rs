//! Typed decode errors: what went wrong, where (byte offset from the start of the message and
//! the path attribute type code), and what the receiver must do about it (RFC 7606 §2).

use std::fmt;

use crate::wire::family::{Afi, Safi};

/// The reaction RFC 7606 prescribes for a malformation, strongest first.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Action {
    /// Send this NOTIFICATION and close the session (RFC 4271 §6).
    SessionReset {
        /// NOTIFICATION error code.
        code: u8,
        /// NOTIFICATION error subcode.
        subcode: u8,
        /// NOTIFICATION data (often the offending attribute).
        data: Vec<u8>,
    },
    /// Stop exchanging routes of this family with the peer (RFC 7606 §2, RFC 4760 §7).
    AfiSafiDisable {
        /// Address family of the malformed MP attribute.
        afi: Afi,
        /// Subsequent address family of the malformed MP attribute.
        safi: Safi,
    },
    /// Treat every route of the UPDATE as withdrawn (RFC 7606 §2).
    TreatAsWithdraw,
    /// Ignore the malformed attribute and use the rest of the UPDATE (RFC 7606 §2).
    AttributeDiscard,
}

impl Action {
    /// A session reset without data.
    pub const fn reset(code: u8, subcode: u8) -> Action {
        Action::SessionReset {
            code,
            subcode,
            data: Vec::new(),
        }
    }

    /// Rank used to pick the strongest action when several errors occur (RFC 7606 §3(j)).
    pub fn severity(&self) -> u8 {
        match self {
            Action::SessionReset { .. } => 3,
            Action::AfiSafiDisable { .. } => 2,
            Action::TreatAsWithdraw => 1,
            Action::AttributeDiscard => 0,
        }
    }

    /// The strongest of the actions of `errors` (RFC 7606 §3(j)), `None` when there are none.
    pub fn strongest<'a>(errors: impl IntoIterator<Item = &'a DecodeError>) -> Option<&'a Action> {
        errors
            .into_iter()
            .map(|e| &e.action)
            .max_by_key(|a| a.severity())
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::SessionReset { code, subcode, .. } => {
                write!(f, "session reset (NOTIFICATION {code}/{subcode})")
            }
            Action::AfiSafiDisable { afi, safi } => write!(f, "disable {afi}/{safi}"),
            Action::TreatAsWithdraw => f.write_str("treat-as-withdraw"),
            Action::AttributeDiscard => f.write_str("attribute discard"),
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A field needs more bytes than are left.
    Truncated {
        /// Field being read.
        field: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// Bytes left over after a structure that should fill its container.
    TrailingBytes {
        /// Structure that should have consumed them.
        field: &'static str,
        /// How many bytes remain.
        count: usize,
    },
    /// The 16-octet marker is not all ones (RFC 4271 §6.1).
    BadMarker,
    /// The header length is outside 19..=max or wrong for the type (RFC 4271 §6.1).
    BadMessageLength {
        /// Length field value.
        length: u16,
    },
    /// Unknown message type (RFC 4271 §6.1).
    BadMessageType {
        /// Type field value.
        message_type: u8,
    },
    /// OPEN version other than 4.
    UnsupportedVersion {
        /// Version received.
        version: u8,
    },
    /// OPEN hold time 1 or 2 seconds (RFC 4271 §6.2).
    UnacceptableHoldTime {
        /// Hold time received.
        hold_time: u16,
    },
    /// BGP Identifier 0.0.0.0 (RFC 6286 §2.2).
    BadBgpIdentifier,
    /// OPEN optional parameter other than capabilities.
    UnsupportedOptionalParameter {
        /// Parameter type.
        param_type: u8,
    },
    /// A field has a value the RFC forbids.
    Invalid {
        /// Field name.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// Attribute flags disagree with the attribute type (RFC 4271 §6.3, RFC 7606 §3(c)).
    AttributeFlags {
        /// Flags received.
        flags: u8,
    },
    /// Attribute length wrong for the attribute type (RFC 4271 §6.3).
    AttributeLength {
        /// Length received.
        length: u16,
    },
    /// An attribute that appeared before (RFC 7606 §3(g)).
    DuplicateAttribute,
    /// A well-known mandatory attribute is missing (RFC 7606 §3(d)).
    MissingWellKnown {
        /// The missing attribute's type code.
        type_code: u8,
    },
    /// A non-optional attribute type this crate does not know (RFC 4271 §6.3).
    UnrecognizedWellKnown,
    /// ORIGIN value other than 0, 1, 2 (RFC 7606 §7.1).
    InvalidOrigin {
        /// Value received.
        value: u8,
    },
    /// NEXT_HOP syntactically or semantically wrong (RFC 7606 §7.3).
    InvalidNextHop,
    /// AS_PATH segment malformed (RFC 7606 §7.2).
    MalformedAsPath {
        /// Why.
        reason: &'static str,
    },
    /// An NLRI prefix length longer than the address (RFC 4271 §6.3, RFC 7606 §5.3).
    InvalidPrefixLength {
        /// Length in bits received.
        length: u8,
        /// Maximum for the family.
        max: u8,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            Truncated {
                field,
                needed,
                available,
            } => {
                write!(f, "{field}: needs {needed} bytes, {available} left")
            }
            TrailingBytes { field, count } => write!(f, "{field}: {count} trailing bytes"),
            BadMarker => f.write_str("marker is not all ones"),
            BadMessageLength { length } => write!(f, "bad message length {length}"),
            BadMessageType { message_type } => write!(f, "bad message type {message_type}"),
            UnsupportedVersion { version } => write!(f, "unsupported BGP version {version}"),
            UnacceptableHoldTime { hold_time } => write!(f, "unacceptable hold time {hold_time}"),
            BadBgpIdentifier => f.write_str("bad BGP identifier"),
            UnsupportedOptionalParameter { param_type } => {
                write!(f, "unsupported optional parameter {param_type}")
            }
            Invalid { field, reason } => write!(f, "{field}: {reason}"),
            AttributeFlags { flags } => {
                write!(f, "attribute flags {flags:#04x} conflict with type")
            }
            AttributeLength { length } => write!(f, "attribute length {length} is wrong"),
            DuplicateAttribute => f.write_str("duplicate attribute"),
            MissingWellKnown { type_code } => {
                write!(f, "missing well-known attribute {type_code}")
            }
            UnrecognizedWellKnown => f.write_str("unrecognized well-known attribute"),
            InvalidOrigin { value } => write!(f, "invalid ORIGIN {value}"),
            InvalidNextHop => f.write_str("invalid NEXT_HOP"),
            MalformedAsPath { reason } => write!(f, "malformed AS_PATH: {reason}"),
            InvalidPrefixLength { length, max } => {
                write!(f, "prefix length {length} exceeds {max}")
            }
        }
    }
}

/// A malformation: what, where and the RFC's reaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub struct DecodeError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Byte offset from the first byte of the message (the marker).
    pub offset: usize,
    /// Type code of the path attribute the error was found in, if any.
    pub attr_type: Option<u8>,
    /// What the receiver must do.
    pub action: Action,
}

impl DecodeError {
    /// An error at `offset`.
    pub fn new(kind: ErrorKind, offset: usize, action: Action) -> Self {
        DecodeError {
            kind,
            offset,
            attr_type: None,
            action,
        }
    }

    /// The same error, found inside attribute `type_code`.
    pub fn in_attribute(mut self, type_code: u8) -> Self {
        self.attr_type = Some(type_code);
        self
    }

    /// The same error with another action.
    pub fn with_action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }

    /// The NOTIFICATION (code, subcode, data) to send when the action is a session reset.
    pub fn notification(&self) -> Option<(u8, u8, &[u8])> {
        match &self.action {
            Action::SessionReset {
                code,
                subcode,
                data,
            } => Some((*code, *subcode, data)),
            _ => None,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.kind, self.offset)?;
        if let Some(t) = self.attr_type {
            write!(f, " in attribute {t}")?;
        }
        write!(f, " ({})", self.action)
    }
}

/// Failure of [`Message::decode`](crate::wire::message::Message::decode).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// The buffer holds only part of a message: read at least `needed` bytes in total.
    #[error("incomplete message: {needed} bytes needed")]
    Incomplete {
        /// Total bytes needed to decode the next message (at least the header).
        needed: usize,
    },
    /// The message is malformed beyond what RFC 7606 lets a receiver repair.
    #[error(transparent)]
    Malformed(#[from] DecodeError),
}

/// Failure to encode (a value that cannot fit its wire field).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The message would exceed the negotiated maximum size.
    #[error("message of {length} bytes exceeds maximum {max}")]
    TooLong {
        /// Length the message would have.
        length: usize,
        /// Negotiated maximum.
        max: usize,
    },
    /// A field's value does not fit its wire width.
    #[error("{field}: value does not fit")]
    FieldOverflow {
        /// Field name.
        field: &'static str,
    },
}
