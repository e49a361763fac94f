//! Prefix lists, community/AS-path lists and route maps with FRR's semantics.
//!
//! - [`model`]: the configuration objects ([`Policy`], [`PrefixList`], [`RouteMap`], ...), shared
//!   with `frr-render`.
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
