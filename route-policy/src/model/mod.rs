//! The policy model: the named objects FRR keeps in its configuration.
//!
//! These types are the suite's one model of FRR policy objects: `route-policy` parses, renders and
//! evaluates them, and `frr-render` renders them into per-node configurations. They hold what the
//! configuration says, nothing compiled; see [`crate::eval`] for the evaluation form.

mod community;
mod route_map;

pub use community::{Community, ExtCommunity, LargeCommunity, ValueError};
pub use route_map::{
    CommunitySet, IpNextHop, LargeCommunitySet, Match, OnMatch, Origin, PeerMatch, RouteMap,
    RouteMapEntry, Set, ValueAdjust,
};

use ipnet::IpNet;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

/// Address family of a prefix list. FRR keeps `ip prefix-list` and `ipv6 prefix-list` in separate
/// namespaces: the same name may exist once per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Afi {
    /// `ip prefix-list`.
    Ipv4,
    /// `ipv6 prefix-list`.
    Ipv6,
}

impl Afi {
    /// Maximum prefix length of the family (32 or 128).
    pub fn max_len(self) -> u8 {
        match self {
            Afi::Ipv4 => 32,
            Afi::Ipv6 => 128,
        }
    }

    /// Family of a prefix.
    pub fn of(prefix: &IpNet) -> Afi {
        match prefix {
            IpNet::V4(_) => Afi::Ipv4,
            IpNet::V6(_) => Afi::Ipv6,
        }
    }
}

/// `permit` or `deny`, the action of every list and route-map entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Action {
    /// `permit`.
    Permit,
    /// `deny`.
    Deny,
}

impl Action {
    /// FRR keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Permit => "permit",
            Action::Deny => "deny",
        }
    }
}

/// An `ip prefix-list` or `ipv6 prefix-list`: entries are tried in `seq` order, the first match
/// decides, and a prefix no entry matches is denied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct PrefixList {
    /// List name (FRR: `WORD`).
    pub name: String,
    /// Family: decides `ip` or `ipv6` and the maximum length used for `ge` without `le`.
    pub afi: Afi,
    /// `ip prefix-list NAME description TEXT`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub description: Option<String>,
    /// Entries in configuration order (the parser keeps them sorted by `seq`, as FRR does).
    pub entries: Vec<PrefixListEntry>,
}

/// One `seq N permit|deny ...` line of a prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct PrefixListEntry {
    /// Sequence number, 1..=4294967295. FRR numbers entries without one by 5 (max + 5, rounded).
    pub seq: u32,
    /// What a match does.
    pub action: Action,
    /// What the entry matches.
    pub matcher: PrefixMatcher,
}

/// The match part of a prefix-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum PrefixMatcher {
    /// `any`: every prefix of the list's family.
    Any,
    /// `A.B.C.D/M [ge G] [le L]`.
    ///
    /// FRR's rules: without `ge` and `le` only the exact prefix matches; a route matches when its
    /// first `prefix.prefix_len()` bits equal `prefix` and its length lies in `[ge, le]`, where a
    /// missing `ge` means the prefix's own length and a missing `le` means the family's maximum
    /// when `ge` is given (otherwise `le` alone means `[len, le]`).
    Prefix {
        /// The network (host bits zero; FRR refuses others unless normalised).
        prefix: IpNet,
        /// `ge G`: minimum length, `len < G <= max`.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        ge: Option<u8>,
        /// `le L`: maximum length, `max(len, G) <= L <= max`.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        le: Option<u8>,
    },
}

impl PrefixMatcher {
    /// A plain `prefix` matcher (exact length).
    pub fn exact(prefix: IpNet) -> Self {
        PrefixMatcher::Prefix {
            prefix,
            ge: None,
            le: None,
        }
    }

    /// The inclusive range of prefix lengths this matcher accepts, for a family.
    pub fn len_range(&self, afi: Afi) -> (u8, u8) {
        match self {
            PrefixMatcher::Any => (0, afi.max_len()),
            PrefixMatcher::Prefix { prefix, ge, le } => {
                let len = prefix.prefix_len();
                let max = afi.max_len();
                match (ge, le) {
                    (None, None) => (len, len),
                    (Some(g), None) => (*g, max),
                    (None, Some(l)) => (len, *l),
                    (Some(g), Some(l)) => (*g, *l),
                }
            }
        }
    }
}

/// A BGP community list (`bgp community-list`), large-community list or extended-community list.
///
/// Every entry of a list has the same style (standard or expanded); FRR refuses to mix them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct CommunityListOf<V> {
    /// List name; an all-digit name is a numbered list (standard 1..=99, expanded 100..=500).
    pub name: String,
    /// Entries in `seq` order.
    pub entries: Vec<CommunityListEntry<V>>,
}

/// `bgp community-list ...`.
pub type CommunityList = CommunityListOf<Community>;
/// `bgp large-community-list ...`.
pub type LargeCommunityList = CommunityListOf<LargeCommunity>;
/// `bgp extcommunity-list ...`.
pub type ExtCommunityList = CommunityListOf<ExtCommunity>;

/// One entry of a community list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct CommunityListEntry<V> {
    /// Sequence number (FRR auto-numbers by 5).
    pub seq: u32,
    /// What a match does.
    pub action: Action,
    /// What the entry matches.
    pub matcher: CommunityMatcher<V>,
}

/// Standard entries list values; expanded entries hold a regular expression matched against the
/// route's attribute in FRR's string form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum CommunityMatcher<V> {
    /// `standard`: matches when the route carries every listed value.
    Standard(Vec<V>),
    /// `expanded`: a regular expression (FRR dialect, `_` included).
    Expanded(String),
}

/// The style of a list, derived from its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(Serialize, Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum ListStyle {
    /// Values.
    Standard,
    /// Regular expressions.
    Expanded,
}

impl<V> CommunityMatcher<V> {
    /// Style of the entry.
    pub fn style(&self) -> ListStyle {
        match self {
            CommunityMatcher::Standard(_) => ListStyle::Standard,
            CommunityMatcher::Expanded(_) => ListStyle::Expanded,
        }
    }
}

impl<V> CommunityListOf<V> {
    /// Style of the list (of its first entry; standard when empty).
    pub fn style(&self) -> ListStyle {
        self.entries
            .first()
            .map_or(ListStyle::Standard, |e| e.matcher.style())
    }
}

/// `bgp as-path access-list NAME [seq N] permit|deny REGEX`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct AsPathList {
    /// List name.
    pub name: String,
    /// Entries in `seq` order.
    pub entries: Vec<AsPathListEntry>,
}

/// One entry of an AS-path access list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
pub struct AsPathListEntry {
    /// Sequence number (FRR auto-numbers by 5).
    pub seq: u32,
    /// What a match does.
    pub action: Action,
    /// Regular expression in FRR's dialect (`_` matches a delimiter), matched against the AS path's
    /// string form (`65001 65002 {65003,65004}`).
    pub regex: String,
}

/// All named policy objects of one configuration.
///
/// Objects keep configuration order within their kind; rendering writes the kinds in FRR's
/// `show running-config` order. Lookups are by name (prefix lists by family and name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize), serde(default))]
pub struct Policy {
    /// `ip prefix-list` and `ipv6 prefix-list`.
    pub prefix_lists: Vec<PrefixList>,
    /// `bgp as-path access-list`.
    pub as_path_lists: Vec<AsPathList>,
    /// `bgp community-list`.
    pub community_lists: Vec<CommunityList>,
    /// `bgp large-community-list`.
    pub large_community_lists: Vec<LargeCommunityList>,
    /// `bgp extcommunity-list`.
    pub ext_community_lists: Vec<ExtCommunityList>,
    /// `route-map`.
    pub route_maps: Vec<RouteMap>,
}

/// The name the brief and other crates use for the set of all policy objects.
pub type PolicySet = Policy;

impl Policy {
    /// The prefix list of a family with this name.
    pub fn prefix_list(&self, afi: Afi, name: &str) -> Option<&PrefixList> {
        self.prefix_lists
            .iter()
            .find(|p| p.afi == afi && p.name == name)
    }

    /// The community list with this name.
    pub fn community_list(&self, name: &str) -> Option<&CommunityList> {
        self.community_lists.iter().find(|l| l.name == name)
    }

    /// The large-community list with this name.
    pub fn large_community_list(&self, name: &str) -> Option<&LargeCommunityList> {
        self.large_community_lists.iter().find(|l| l.name == name)
    }

    /// The extended-community list with this name.
    pub fn ext_community_list(&self, name: &str) -> Option<&ExtCommunityList> {
        self.ext_community_lists.iter().find(|l| l.name == name)
    }

    /// The AS-path access list with this name.
    pub fn as_path_list(&self, name: &str) -> Option<&AsPathList> {
        self.as_path_lists.iter().find(|l| l.name == name)
    }

    /// The route map with this name.
    pub fn route_map(&self, name: &str) -> Option<&RouteMap> {
        self.route_maps.iter().find(|m| m.name == name)
    }

    /// True when the configuration holds no object.
    pub fn is_empty(&self) -> bool {
        self.prefix_lists.is_empty()
            && self.as_path_lists.is_empty()
            && self.community_lists.is_empty()
            && self.large_community_lists.is_empty()
            && self.ext_community_lists.is_empty()
            && self.route_maps.is_empty()
    }
}
