//! BFD (RFC 5880, 5881, 5883): control-packet codec with authentication and a sans-IO session.
//!
//! No sockets, no clocks: the caller feeds received packets and the current time, and polls for
//! packets to send, the next deadline and state changes.
//!
//! - [`wire`]: the control packet ([`wire::Packet`] view, [`wire::Repr`] owned form), the five
//!   authentication types with real MD5/SHA1 digests ([`wire::auth`]), and echo payloads.
//! - [`Session`]: the §6.8 state machine, timer negotiation, Poll/Final, detection time, jitter,
//!   authentication, the Echo function; Demand mode is honoured for the remote but never entered.
//! - [`Error`]: why a received packet was discarded, with field and offset (§6.8.6).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diagnostic;
pub mod error;
pub mod rng;
pub mod session;
pub mod state;
pub mod wire;

pub use diagnostic::Diagnostic;
pub use error::Error;
pub use session::{Config, ConfigError, Event, Session, Timers};
pub use state::State;
