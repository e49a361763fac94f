//! BGP-4 wire codec and sans-IO session for routers that must trust nobody's bytes.
//!
//! The crate is organised the way the protocol is:
//! - `wire`: one module per protocol unit (header, OPEN, UPDATE, NOTIFICATION, …), each a
//!   checked zero-copy view plus an owned representation that parses from and emits into bytes;
//! - errors carry the RFC 7606 reaction (session reset with a NOTIFICATION, treat-as-withdraw,
//!   attribute discard) so the session layer acts on them without deciding again.
//!
//! No async, no sockets, no clocks: a transport feeds bytes in and takes bytes out.
#![forbid(unsafe_code)]

pub mod rib;
pub mod session;
pub mod wire;

pub use wire::capability::Capability;
pub use wire::context::SessionContext;
pub use wire::error::{Action, DecodeError, EncodeError, ErrorKind, MessageError};
pub use wire::family::{Afi, AfiSafi, Safi};
pub use wire::message::{Decoded, Message};
pub use wire::notification::Notification;
pub use wire::open::Open;
pub use wire::route_refresh::RouteRefresh;
pub use wire::update::Update;

#[cfg(feature = "tokio")]
pub mod codec;
pub mod fuzzing;
