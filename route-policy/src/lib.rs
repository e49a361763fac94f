//! Prefix lists, community/AS-path lists and route maps with FRR's semantics.
#![forbid(unsafe_code)]
