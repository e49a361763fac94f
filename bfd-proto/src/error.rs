//! Typed reasons for discarding a received control packet (RFC 5880 §6.8.6, §6.7).
//!
//! Every variant names the field and its byte offset in the packet, so a log line says what was
//! wrong and where. The RFC's reaction to all of them is the same: discard the packet silently,
//! without touching session state.

use crate::state::State;
use crate::wire::AuthType;

/// Why a received BFD control packet was discarded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The datagram is shorter than the 24-octet mandatory section.
    #[error("datagram of {len} octets is shorter than the 24-octet mandatory section")]
    Truncated {
        /// Octets received.
        len: usize,
    },
    /// Vers (offset 0, high three bits) is not 1.
    #[error("Vers {version} at offset 0, expected 1")]
    Version {
        /// Received version.
        version: u8,
    },
    /// Length (offset 3) is below 24, or below 26 with the A bit set.
    #[error("Length {length} at offset 3 is below the minimum {minimum}")]
    LengthTooShort {
        /// Received Length.
        length: u8,
        /// 24 without, 26 with the A bit.
        minimum: u8,
    },
    /// Length (offset 3) is larger than the UDP payload that carried the packet.
    #[error("Length {length} at offset 3 exceeds the {payload}-octet payload")]
    LengthExceedsPayload {
        /// Received Length.
        length: u8,
        /// Octets actually received.
        payload: usize,
    },
    /// Detect Mult (offset 2) is zero.
    #[error("Detect Mult at offset 2 is zero")]
    DetectMultZero,
    /// The Multipoint (M) bit (offset 1, mask 0x01) is set.
    #[error("Multipoint (M) bit at offset 1 is set")]
    Multipoint,
    /// My Discriminator (offset 4) is zero.
    #[error("My Discriminator at offset 4 is zero")]
    MyDiscriminatorZero,
    /// Your Discriminator (offset 8) is zero while State is neither Down nor AdminDown.
    #[error("Your Discriminator at offset 8 is zero with State {state}")]
    YourDiscriminatorZero {
        /// The received State.
        state: State,
    },
    /// Your Discriminator (offset 8) does not select this session.
    #[error(
        "Your Discriminator {received:#010x} at offset 8 does not match the local discriminator {local:#010x}"
    )]
    YourDiscriminatorMismatch {
        /// Received Your Discriminator.
        received: u32,
        /// This session's bfd.LocalDiscr.
        local: u32,
    },
    /// Auth Type (offset 24) is 0 or above 5.
    #[error("Auth Type {auth_type} at offset 24 is not defined")]
    UnknownAuthType {
        /// The raw Auth Type.
        auth_type: u8,
    },
    /// Auth Len (offset 25) is wrong for the Auth Type or runs past Length.
    #[error(
        "Auth Len {auth_len} at offset 25 is invalid for {auth_type} (expected {expected}, {available} octets available)"
    )]
    AuthLen {
        /// The Auth Type.
        auth_type: AuthType,
        /// The received Auth Len.
        auth_len: u8,
        /// What the Auth Type requires.
        expected: &'static str,
        /// Octets between offset 24 and Length.
        available: usize,
    },
    /// The A bit (offset 1, mask 0x04) is set but the session uses no authentication.
    #[error("A bit at offset 1 is set but the session uses no authentication")]
    AuthNotExpected,
    /// The A bit is clear but the session requires authentication.
    #[error("A bit at offset 1 is clear but the session requires {expected}")]
    AuthMissing {
        /// The configured Auth Type.
        expected: AuthType,
    },
    /// Auth Type (offset 24) differs from the configured one.
    #[error("Auth Type {received} at offset 24, expected {expected}")]
    AuthTypeMismatch {
        /// Received Auth Type.
        received: AuthType,
        /// Configured Auth Type.
        expected: AuthType,
    },
    /// Auth Key ID (offset 26) names no configured key.
    #[error("Auth Key ID {key_id} at offset 26 is not a configured key")]
    AuthKeyId {
        /// Received key ID.
        key_id: u8,
    },
    /// The simple password (offset 27) does not match.
    #[error("Password at offset 27 does not match the key")]
    AuthPassword,
    /// The MD5 digest or SHA1 hash (offset 32) does not match the one computed with the key.
    #[error("{auth_type} digest at offset 32 does not verify")]
    AuthDigest {
        /// The Auth Type whose digest failed.
        auth_type: AuthType,
    },
    /// Sequence Number (offset 28) is outside the accepted window (§6.7.3, §6.7.4).
    #[error("Sequence Number {sequence} at offset 28 is outside {low}..={high}")]
    AuthSequence {
        /// Received sequence number.
        sequence: u32,
        /// First accepted value.
        low: u32,
        /// Last accepted value (modulo 2^32).
        high: u32,
    },
    /// The local session is AdminDown: received packets are discarded after the remote
    /// variables are recorded (§6.8.6).
    #[error("local session is AdminDown")]
    LocalAdminDown,
    /// The IP TTL / hop limit is below the required value (RFC 5881 §5: 255; RFC 5883: configured).
    #[error("received TTL/hop limit {ttl}, minimum {minimum}")]
    Ttl {
        /// Received TTL or hop limit.
        ttl: u8,
        /// Required minimum.
        minimum: u8,
    },
}

impl Error {
    /// Byte offset in the packet of the field at fault, when there is one.
    pub fn offset(&self) -> Option<usize> {
        Some(match self {
            Self::Truncated { .. } | Self::Ttl { .. } | Self::LocalAdminDown => return None,
            Self::Version { .. } => 0,
            Self::Multipoint | Self::AuthNotExpected | Self::AuthMissing { .. } => 1,
            Self::DetectMultZero => 2,
            Self::LengthTooShort { .. } | Self::LengthExceedsPayload { .. } => 3,
            Self::MyDiscriminatorZero => 4,
            Self::YourDiscriminatorZero { .. } | Self::YourDiscriminatorMismatch { .. } => 8,
            Self::UnknownAuthType { .. } | Self::AuthTypeMismatch { .. } => 24,
            Self::AuthLen { .. } => 25,
            Self::AuthKeyId { .. } => 26,
            Self::AuthPassword => 27,
            Self::AuthSequence { .. } => 28,
            Self::AuthDigest { .. } => 32,
        })
    }
}

/// An authentication key that RFC 5880 §4.2–4.4 cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{auth_type} key of {len} octets: must be 1..={max} octets")]
pub struct KeyError {
    /// The Auth Type the key was meant for.
    pub auth_type: AuthType,
    /// Length of the rejected secret.
    pub len: usize,
    /// Longest secret the Auth Type carries.
    pub max: usize,
}

/// The output buffer cannot hold the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("buffer of {have} octets, packet needs {need}")]
pub struct BufferTooSmall {
    /// Octets needed.
    pub need: usize,
    /// Octets available.
    pub have: usize,
}
