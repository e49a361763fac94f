//! BFD over UDP with tokio: sockets (RFC 5881 single hop, RFC 5883 multihop), frr-k8s BFD
//! profiles, and a driver for [`bfd_proto::Session`]s. Used by the `bfd-session` binary and
//! the FRR interop tests.
//!
//! What the transport adds to the sans-IO session: TTL/hop limit 255 on every packet sent,
//! the received TTL/hop limit from ancillary data (so single-hop packets that crossed a router
//! are discarded, RFC 5881 §5), source ports in 49152–65535, and demultiplexing by Your
//! Discriminator. The Echo function is not run (echo mode only advertises a Required Min Echo
//! RX Interval).

pub mod profile;
pub mod runner;
pub mod socket;

pub use profile::{ProfileError, config_from_profile, parse_auth_type};
pub use runner::{Command, PeerSpec, Runner, StateChangeRecord, wall_clock};
