//! The Diagnostic (Diag) field: why the sender's session last changed state (RFC 5880 §4.1).

use core::fmt;

/// Diagnostic code carried in the low five bits of the first octet of a control packet.
///
/// Codes 9–31 are reserved by RFC 5880; they are kept as [`Diagnostic::Reserved`] so a packet
/// from a newer peer still parses and re-emits unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Diagnostic {
    /// 0: No Diagnostic.
    NoDiagnostic,
    /// 1: Control Detection Time Expired.
    ControlDetectionTimeExpired,
    /// 2: Echo Function Failed.
    EchoFunctionFailed,
    /// 3: Neighbor Signaled Session Down.
    NeighborSignaledSessionDown,
    /// 4: Forwarding Plane Reset.
    ForwardingPlaneReset,
    /// 5: Path Down.
    PathDown,
    /// 6: Concatenated Path Down.
    ConcatenatedPathDown,
    /// 7: Administratively Down.
    AdministrativelyDown,
    /// 8: Reverse Concatenated Path Down.
    ReverseConcatenatedPathDown,
    /// 9–31: reserved for future use; the raw code is kept.
    Reserved(u8),
}

impl Diagnostic {
    /// Decodes the five-bit code; bits above the fifth are ignored.
    pub const fn from_code(code: u8) -> Self {
        match code & 0x1f {
            0 => Self::NoDiagnostic,
            1 => Self::ControlDetectionTimeExpired,
            2 => Self::EchoFunctionFailed,
            3 => Self::NeighborSignaledSessionDown,
            4 => Self::ForwardingPlaneReset,
            5 => Self::PathDown,
            6 => Self::ConcatenatedPathDown,
            7 => Self::AdministrativelyDown,
            8 => Self::ReverseConcatenatedPathDown,
            other => Self::Reserved(other),
        }
    }

    /// The five-bit wire code.
    pub const fn code(self) -> u8 {
        match self {
            Self::NoDiagnostic => 0,
            Self::ControlDetectionTimeExpired => 1,
            Self::EchoFunctionFailed => 2,
            Self::NeighborSignaledSessionDown => 3,
            Self::ForwardingPlaneReset => 4,
            Self::PathDown => 5,
            Self::ConcatenatedPathDown => 6,
            Self::AdministrativelyDown => 7,
            Self::ReverseConcatenatedPathDown => 8,
            Self::Reserved(code) => code & 0x1f,
        }
    }
}

impl From<u8> for Diagnostic {
    fn from(code: u8) -> Self {
        Self::from_code(code)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoDiagnostic => f.write_str("No Diagnostic"),
            Self::ControlDetectionTimeExpired => f.write_str("Control Detection Time Expired"),
            Self::EchoFunctionFailed => f.write_str("Echo Function Failed"),
            Self::NeighborSignaledSessionDown => f.write_str("Neighbor Signaled Session Down"),
            Self::ForwardingPlaneReset => f.write_str("Forwarding Plane Reset"),
            Self::PathDown => f.write_str("Path Down"),
            Self::ConcatenatedPathDown => f.write_str("Concatenated Path Down"),
            Self::AdministrativelyDown => f.write_str("Administratively Down"),
            Self::ReverseConcatenatedPathDown => f.write_str("Reverse Concatenated Path Down"),
            Self::Reserved(code) => write!(f, "Reserved ({code})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for code in 0..32u8 {
            assert_eq!(Diagnostic::from_code(code).code(), code);
        }
        assert_eq!(Diagnostic::from_code(7), Diagnostic::AdministrativelyDown);
        assert_eq!(Diagnostic::from_code(9), Diagnostic::Reserved(9));
        assert_eq!(
            Diagnostic::from_code(3).to_string(),
            "Neighbor Signaled Session Down"
        );
    }
}
