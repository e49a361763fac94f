//! A typed FRR configuration model rendered to the text FRR reads, byte-compatible with frr-k8s.
//!
//! - [`model`]: the configuration of one node (frr-k8s's internal `frr.Config`), serde-serializable.
//! - [`render()`]: the text of `frr.conf`, byte for byte what frr-k8s's templates produce.
#![forbid(unsafe_code)]

pub mod convert;
pub mod merge;
pub mod model;
pub mod render;
pub mod vtysh;

pub use model::Config;
pub use render::render;
