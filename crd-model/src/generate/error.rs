//! Why a RouteAdvertisements is not accepted, with upstream's reasons and message texts.

use std::fmt;

/// The `reason` of the `Accepted` condition when generation fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The objects contradict each other or ask for something unsupported; generated
    /// FRRConfigurations of the RouteAdvertisements are left as they are.
    ConfigurationError,
    /// Something the generation needs is not there yet (no networks, nodes or source
    /// FRRConfigurations selected); generated FRRConfigurations are removed.
    ConfigurationPending,
    /// Unexpected input, such as an unparseable annotation the controller must read.
    InternalError,
}

impl Reason {
    /// The condition reason string.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ConfigurationError => "ConfigurationError",
            Reason::ConfigurationPending => "ConfigurationPending",
            Reason::InternalError => "InternalError",
        }
    }
}

/// A generation failure for one RouteAdvertisements.
///
/// `Display` gives upstream's error text, which is also the condition message and (prefixed
/// with `Not Accepted: `) the status string: `configuration error: …`, `configuration pending: …`
/// or, for internal errors, the bare message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateError {
    pub reason: Reason,
    /// The detail after upstream's `configuration error: ` / `configuration pending: ` prefix.
    pub detail: String,
}

impl GenerateError {
    pub(crate) fn config(detail: impl Into<String>) -> Self {
        GenerateError {
            reason: Reason::ConfigurationError,
            detail: detail.into(),
        }
    }

    pub(crate) fn pending(detail: impl Into<String>) -> Self {
        GenerateError {
            reason: Reason::ConfigurationPending,
            detail: detail.into(),
        }
    }

    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        GenerateError {
            reason: Reason::InternalError,
            detail: detail.into(),
        }
    }

    /// Whether upstream keeps the RouteAdvertisements' generated objects untouched on this error
    /// (configuration and internal errors) rather than removing them (pending).
    pub fn keeps_existing(&self) -> bool {
        self.reason != Reason::ConfigurationPending
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::ConfigurationError => write!(f, "configuration error: {}", self.detail),
            Reason::ConfigurationPending => write!(f, "configuration pending: {}", self.detail),
            Reason::InternalError => f.write_str(&self.detail),
        }
    }
}

impl std::error::Error for GenerateError {}
