//! Route maps: ordered entries of match clauses, set clauses and flow control.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use super::{Action, Community, LargeCommunity};

/// A `route-map NAME permit|deny SEQ` stanza group: all entries sharing a name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct RouteMap {
    /// Route-map name.
    pub name: String,
    /// Entries in `seq` order (the parser sorts them, as FRR does).
    pub entries: Vec<RouteMapEntry>,
}

/// One `route-map NAME permit|deny SEQ` entry and its indented clauses.
///
/// Evaluation (FRR `route_map_apply`): an entry matches when all its match clauses match (an entry
/// without match clauses always matches). A matching `deny` entry denies the route. A matching
/// `permit` entry applies its set clauses, then runs `call`, then follows `on_match`; without
/// `on_match` the route is permitted. A route no entry matches is denied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct RouteMapEntry {
    /// Sequence number, 1..=65535.
    pub seq: u16,
    /// `permit` or `deny`.
    pub action: Action,
    /// ` description TEXT`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub description: Option<String>,
    /// ` match ...` clauses, all of which must match.
    #[cfg_attr(feature = "serde", serde(default))]
    pub matches: Vec<Match>,
    /// ` set ...` clauses, applied in order when a permit entry matches.
    #[cfg_attr(feature = "serde", serde(default))]
    pub sets: Vec<Set>,
    /// ` call NAME`: after the sets, apply another route map; its deny denies the route.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub call: Option<String>,
    /// ` on-match next|goto N` (also written ` continue [N]`: FRR stores both in the same
    /// exit-policy field and shows them as `on-match`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub on_match: Option<OnMatch>,
}

impl RouteMapEntry {
    /// An entry with no clauses.
    pub fn new(seq: u16, action: Action) -> Self {
        RouteMapEntry {
            seq,
            action,
            description: None,
            matches: Vec::new(),
            sets: Vec::new(),
            call: None,
            on_match: None,
        }
    }
}

/// Exit policy of a matching permit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum OnMatch {
    /// `on-match next` / `continue`: go on with the next entry.
    Next,
    /// `on-match goto N` / `continue N`: go on with the first entry whose seq is >= N
    /// (N must be greater than the entry's own seq).
    Goto(u16),
}

/// BGP ORIGIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Origin {
    /// `igp` (0).
    Igp,
    /// `egp` (1).
    Egp,
    /// `incomplete` (2).
    Incomplete,
}

impl Origin {
    /// FRR keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Igp => "igp",
            Origin::Egp => "egp",
            Origin::Incomplete => "incomplete",
        }
    }
}

/// ` match peer ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PeerMatch {
    /// `match peer A.B.C.D|X:X::X:X`.
    Address(IpAddr),
    /// `match peer local`: locally originated routes (static, redistributed, network).
    Local,
    /// `match peer WORD`: a peer by interface name (unnumbered).
    Interface(String),
}

/// A ` match ...` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Match {
    /// `match ip address prefix-list NAME`.
    IpAddressPrefixList(String),
    /// `match ipv6 address prefix-list NAME`.
    Ipv6AddressPrefixList(String),
    /// `match ip next-hop prefix-list NAME`.
    IpNextHopPrefixList(String),
    /// `match community NAME [exact-match]`.
    Community {
        /// Community-list name.
        list: String,
        /// Route's communities must be exactly one entry's values.
        #[cfg_attr(feature = "serde", serde(default))]
        exact_match: bool,
    },
    /// `match large-community NAME [exact-match]`.
    LargeCommunity {
        /// Large-community-list name.
        list: String,
        /// Route's large communities must be exactly one entry's values.
        #[cfg_attr(feature = "serde", serde(default))]
        exact_match: bool,
    },
    /// `match extcommunity NAME`.
    ExtCommunity(String),
    /// `match as-path NAME`.
    AsPath(String),
    /// `match local-preference N`.
    LocalPreference(u32),
    /// `match metric N`.
    Metric(u32),
    /// `match origin igp|egp|incomplete`.
    Origin(Origin),
    /// `match peer ...`.
    Peer(PeerMatch),
}

/// An absolute value or an adjustment (`set metric +10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum ValueAdjust {
    /// `N`.
    Set(u32),
    /// `+N`: add, saturating at 4294967295.
    Add(u32),
    /// `-N`: subtract, saturating at 0.
    Sub(u32),
}

impl ValueAdjust {
    /// Apply to a current value (FRR `route_value_adjust`).
    pub fn apply(self, current: u32) -> u32 {
        match self {
            ValueAdjust::Set(v) => v,
            ValueAdjust::Add(v) => current.saturating_add(v),
            ValueAdjust::Sub(v) => current.saturating_sub(v),
        }
    }
}

/// `set community ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum CommunitySet {
    /// `set community none`: remove all communities.
    None,
    /// `set community VALUES [additive]`.
    Values {
        /// Communities to set.
        values: Vec<Community>,
        /// Add to the route's communities instead of replacing them.
        #[cfg_attr(feature = "serde", serde(default))]
        additive: bool,
    },
}

/// `set large-community ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum LargeCommunitySet {
    /// `set large-community none`.
    None,
    /// `set large-community VALUES [additive]`.
    Values {
        /// Large communities to set.
        values: Vec<LargeCommunity>,
        /// Add instead of replacing.
        #[cfg_attr(feature = "serde", serde(default))]
        additive: bool,
    },
}

/// `set ip next-hop ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum IpNextHop {
    /// `set ip next-hop A.B.C.D`.
    Address(Ipv4Addr),
    /// `set ip next-hop peer-address`: inbound, the peer's address.
    PeerAddress,
    /// `set ip next-hop unchanged`.
    Unchanged,
}

/// A ` set ...` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Set {
    /// `set local-preference [+|-]N`.
    LocalPreference(ValueAdjust),
    /// `set metric [+|-]N`.
    Metric(ValueAdjust),
    /// `set community ...`.
    Community(CommunitySet),
    /// `set large-community ...`.
    LargeCommunity(LargeCommunitySet),
    /// `set comm-list NAME delete`: remove the communities a standard/expanded list permits.
    CommListDelete(String),
    /// `set large-comm-list NAME delete`.
    LargeCommListDelete(String),
    /// `set as-path prepend ASN...`.
    AsPathPrepend(Vec<u32>),
    /// `set as-path prepend last-as N` (1..=10): repeat the path's leftmost AS (inbound: the peer AS).
    AsPathPrependLastAs(u8),
    /// `set ip next-hop ...`.
    IpNextHop(IpNextHop),
    /// `set ipv6 next-hop global X:X::X:X`.
    Ipv6NextHopGlobal(Ipv6Addr),
    /// `set weight N`.
    Weight(u32),
    /// `set origin igp|egp|incomplete`.
    Origin(Origin),
}
