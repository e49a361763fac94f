//! Prefix lists, community/AS-path lists and route maps with FRR's semantics.
//!
//! - [`model`]: the configuration objects ([`Policy`], [`PrefixList`], [`RouteMap`], ...), the one
//!   model of these objects in the suite (`frr-render` renders them too).
//! - [`mod@parse`]: FRR configuration text to a [`Policy`], errors with line and column.
//! - [`mod@render`]: a [`Policy`] (or single lines) back to FRR text: FRR's canonical form, or
//!   frr-k8s's layout with [`RenderOptions::frr_k8s`].
//! - [`eval`]: [`CompiledPolicy`] applies route maps to anything implementing [`RouteAttrs`];
//!   prefix lists run on a multibit trie, [`eval::linear`] is the naive oracle.
//! - `bgp_proto` (feature `bgp-proto`): [`RouteAttrs`] for bgp-proto's RIB attributes and a RIB
//!   import/export policy.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod model;

pub use model::*;
pub mod parse;
pub mod regex;
pub mod render;

pub use parse::{ParseError, ParseOptions, parse, parse_with};
pub use render::{GeLeOrder, RenderOptions, render};
pub mod route;
pub use route::{AsPath, AsSegment, Route, RouteAttrs, SegmentKind};
pub mod eval;
pub use eval::{CompileError, CompiledPolicy, CompiledPrefixList, PrefixListEngine, RouteMapId};
#[cfg(feature = "bgp-proto")]
pub mod bgp_proto;
#[doc(hidden)]
pub mod testing;
