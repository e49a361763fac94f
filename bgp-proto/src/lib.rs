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
