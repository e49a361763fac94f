//! BGP-4 wire codec and sans-IO session for routers that must trust nobody's bytes.
//!
//! The crate is organised the way the protocol is:
//! - [`wire`]: one module per protocol unit (header, OPEN, capabilities, UPDATE, path
//!   attributes, NLRI families, NOTIFICATION, ROUTE-REFRESH). UPDATEs have a checked zero-copy
//!   view ([`wire::update::UpdateView`]) and an owned form ([`Update`]) that decodes and encodes;
//! - errors carry what, where (byte offset, attribute type) and the RFC 7606 reaction
//!   ([`Action`]: session reset with a NOTIFICATION, AFI/SAFI disable, treat-as-withdraw,
//!   attribute discard) so the session layer acts on them without deciding again;
//! - a [`SessionContext`], computed from the two OPENs, tells the codec what was negotiated
//!   (4-octet AS, ADD-PATH per family and direction, extended messages, extended next hop).
//!
//! No async, no sockets, no clocks: a transport feeds bytes in and takes bytes out (the
//! `tokio` feature adds a tokio-util codec; `serde` derives for the owned types).
//!
//! ```
//! use std::net::Ipv4Addr;
//! use bgp_proto::wire::as_path::AsPath;
//! use bgp_proto::wire::attribute::{Origin, PathAttribute};
//! use bgp_proto::wire::nlri::Ipv4Prefix;
//! use bgp_proto::wire::update::UpdateView;
//! use bgp_proto::{Message, SessionContext, Update};
//!
//! let ctx = SessionContext::four_octet();
//! // Encode: split a route set into as many UPDATEs as the negotiated size needs.
//! let attrs = [
//!     PathAttribute::Origin(Origin::Igp),
//!     PathAttribute::AsPath(AsPath::from_sequence([64512, 64513])),
//!     PathAttribute::NextHop(Ipv4Addr::new(192, 0, 2, 1)),
//! ];
//! let routes: Vec<Ipv4Prefix> = ["10.0.0.0/24", "10.0.1.0/24"]
//!     .iter()
//!     .map(|p| Ipv4Prefix::new(p.parse().unwrap()))
//!     .collect();
//! let updates = Update::split_announce(&ctx, &attrs, &routes).unwrap();
//! let bytes = updates[0].to_bytes(&ctx).unwrap();
//!
//! // Decode one message from a byte stream.
//! let decoded = Message::decode(&bytes, &ctx).unwrap();
//! assert_eq!(decoded.length, bytes.len());
//! assert!(decoded.errors.is_empty(), "no RFC 7606 malformations");
//! let Message::Update(update) = decoded.message else { panic!("not an UPDATE") };
//! assert_eq!(update.as_path().unwrap().to_string(), "64512 64513");
//!
//! // Or iterate the prefixes straight from the bytes, without allocating.
//! let view = UpdateView::new(&bytes, &ctx).unwrap();
//! let prefixes: Vec<String> = view.nlri().map(|p| p.prefix.to_string()).collect();
//! assert_eq!(prefixes, ["10.0.0.0/24", "10.0.1.0/24"]);
//! ```
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
