//! Wire formats: the control packet, its Authentication Section, and echo payloads.
//!
//! Each unit has a checked view over bytes and/or an owned `Repr` that parses and emits.

pub mod auth;
pub mod control;
pub mod echo;

pub use auth::{AuthKey, AuthSection, AuthType};
pub use control::{Packet, Repr};
pub use echo::EchoRepr;
