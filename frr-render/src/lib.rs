//! A typed FRR configuration model rendered to the text FRR reads, byte-compatible with frr-k8s.
//!
//! - [`model`]: the configuration of one node (frr-k8s's internal `frr.Config`), serde-serializable
//!   so that a model file can be rendered on its own.
//! - [`render()`]: the text of `frr.conf`, byte for byte what frr-k8s's templates produce.
//! - [`convert`]: FRRConfigurations (crd-model) → the model of one node: node selection,
//!   frr-k8s's validation, merge ([`merge`]) and basic-auth secrets.
//! - [`vtysh`]: checking a configuration with FRR's parser (`vtysh -C`).
//! - [`policy`]: the prefix lists and route maps of a configuration as route-policy objects
//!   (one model for the suite; route-policy's parser reads exactly these back from the text).
//! - [`reload`]: applying it to running daemons (`frr-reload.py`), debounced, with an
//!   `FRRNodeState`-like status.
//!
//! ```
//! use frr_render::{Config, render};
//! let config: Config = serde_json::from_str(r#"{"hostname": "node1", "routers": [{"my_asn": 64512}]}"#).unwrap();
//! assert!(render(&config).contains("\nrouter bgp 64512\n"));
//! ```
#![forbid(unsafe_code)]

pub mod convert;
pub mod fuzz;
pub mod merge;
pub mod model;
pub mod policy;
pub mod reload;
pub mod render;
pub mod vtysh;

pub use convert::{ConversionError, NodeContext, Secret, node_config};
pub use model::Config;
pub use reload::{FrrBackend, FrrReloadPy, NodeStatus, Reloader};
pub use render::render;
pub use vtysh::{ValidationError, validate_with_vtysh};
