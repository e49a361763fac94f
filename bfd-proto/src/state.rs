//! The State (Sta) field and `bfd.SessionState` (RFC 5880 §4.1, §6.2).

use core::fmt;

/// Session state as carried in the two-bit Sta field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum State {
    /// 0: the session is held down by configuration.
    AdminDown,
    /// 1: the session is down or has just been created.
    Down,
    /// 2: the remote system is communicating and the local system wants to bring the session up.
    Init,
    /// 3: the session is up.
    Up,
}

impl State {
    /// Decodes the two-bit code; higher bits are ignored.
    pub const fn from_code(code: u8) -> Self {
        match code & 0x3 {
            0 => Self::AdminDown,
            1 => Self::Down,
            2 => Self::Init,
            _ => Self::Up,
        }
    }

    /// The two-bit wire code.
    pub const fn code(self) -> u8 {
        match self {
            Self::AdminDown => 0,
            Self::Down => 1,
            Self::Init => 2,
            Self::Up => 3,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AdminDown => "AdminDown",
            Self::Down => "Down",
            Self::Init => "Init",
            Self::Up => "Up",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in 0..4u8 {
            assert_eq!(State::from_code(code).code(), code);
        }
        assert_eq!(State::from_code(3).to_string(), "Up");
        assert_eq!(State::from_code(0), State::AdminDown);
    }
}
