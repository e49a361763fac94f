//! Evaluation: compiled policies applied to routes with FRR's semantics.
//!
//! [`CompiledPolicy::new`] resolves names, compiles prefix lists ([`CompiledPrefixList`]) and
//! regular expressions once; [`CompiledPolicy::apply`] then runs a route map over a route
//! (FRR `route_map_apply_ext`):
//!
//! - entries in seq order; an entry matches when all its match clauses match;
//! - a matching `deny` entry denies; a matching `permit` entry applies its sets, then `call`
//!   (a deny of the called map denies; a missing called map is skipped), then its exit policy:
//!   none → permit, `on-match next` → next entry, `on-match goto N` → first entry with seq ≥ N;
//! - an entry that does not match turns the pending result into deny, so a route that falls off
//!   the end after `on-match next` and no further match is denied, as in FRR;
//! - a match clause naming a list that does not exist does not match; nor does
//!   `match ip(v6) address prefix-list` naming a list without entries (FRR's route-map prefix
//!   table, on by default, never offers such an entry), although the list itself permits
//!   everything when applied directly ([`CompiledPolicy::apply_prefix_list`]);
//! - a route map that does not exist denies; calls nest at most 10 deep.

pub mod linear;
mod prefix_list;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};
use regex::Regex;

pub use prefix_list::CompiledPrefixList;

use crate::model::{
    Action, Afi, Community, CommunityListOf, CommunityMatcher, CommunitySet, ExtCommunity,
    IpNextHop, LargeCommunity, LargeCommunitySet, Match, OnMatch, Origin, PeerMatch, Policy,
    PrefixList, Set,
};
use crate::regex::compile_frr_regex;
use crate::route::RouteAttrs;

/// FRR's `RMAP_RECURSION_LIMIT`.
const RECURSION_LIMIT: usize = 10;

/// A policy could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{object}: {message}")]
pub struct CompileError {
    /// The object (`bgp as-path access-list NAME seq N`).
    pub object: String,
    /// What is wrong.
    pub message: String,
}

/// How prefix lists are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrefixListEngine {
    /// The multibit trie.
    #[default]
    Trie,
    /// A linear scan in seq order (the test oracle).
    Linear,
}

#[derive(Debug, Clone)]
enum PlEval {
    Trie(CompiledPrefixList),
    Linear(PrefixList),
}

impl PlEval {
    #[inline]
    fn apply(&self, p: &IpNet) -> Action {
        match self {
            PlEval::Trie(t) => t.apply(p),
            PlEval::Linear(l) => linear::prefix_list_apply(l, p),
        }
    }
}

#[derive(Debug, Clone)]
enum ClMatcher<V> {
    Standard(Vec<V>),
    Expanded(Regex),
}

#[derive(Debug, Clone)]
struct ClEntry<V> {
    permit: bool,
    matcher: ClMatcher<V>,
}

type Clist<V> = Vec<ClEntry<V>>;

#[derive(Debug, Clone)]
struct AsEntry {
    permit: bool,
    regex: Regex,
}

#[derive(Debug, Clone)]
enum CMatch {
    IpPrefix(Option<usize>),
    Ipv6Prefix(Option<usize>),
    NextHop(Option<usize>),
    Community(Option<usize>, bool),
    Large(Option<usize>, bool),
    Ext(Option<usize>),
    AsPath(Option<usize>),
    LocalPref(u32),
    Metric(u32),
    Origin(Origin),
    Peer(PeerMatch),
}

#[derive(Debug, Clone)]
enum CSet {
    Plain(Set),
    CommListDelete(Option<usize>),
    LargeCommListDelete(Option<usize>),
}

#[derive(Debug, Clone)]
struct CEntry {
    seq: u16,
    permit: bool,
    matches: Vec<CMatch>,
    sets: Vec<CSet>,
    /// `Some(None)`: calls a route map that does not exist.
    call: Option<Option<usize>>,
    on_match: Option<OnMatch>,
}

/// A [`Policy`] compiled for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    prefix_lists: Vec<PlEval>,
    prefix_index: HashMap<(Afi, String), usize>,
    clists: Vec<Clist<Community>>,
    lclists: Vec<Clist<LargeCommunity>>,
    eclists: Vec<Clist<ExtCommunity>>,
    aslists: Vec<Vec<AsEntry>>,
    maps: Vec<Vec<CEntry>>,
    map_index: HashMap<String, usize>,
}

fn compile_clist<V: Clone>(kind: &str, l: &CommunityListOf<V>) -> Result<Clist<V>, CompileError> {
    let mut entries: Vec<_> = l.entries.iter().collect();
    entries.sort_by_key(|e| e.seq);
    entries
        .into_iter()
        .map(|e| {
            let matcher = match &e.matcher {
                CommunityMatcher::Standard(v) => ClMatcher::Standard(v.clone()),
                CommunityMatcher::Expanded(re) => {
                    ClMatcher::Expanded(compile_frr_regex(re).map_err(|message| CompileError {
                        object: format!("{kind} {} seq {}", l.name, e.seq),
                        message,
                    })?)
                }
            };
            Ok(ClEntry {
                permit: e.action == Action::Permit,
                matcher,
            })
        })
        .collect()
}

impl CompiledPolicy {
    /// Compile with trie prefix lists.
    pub fn new(policy: &Policy) -> Result<Self, CompileError> {
        Self::with_engine(policy, PrefixListEngine::Trie)
    }

    /// Compile choosing the prefix-list engine.
    pub fn with_engine(policy: &Policy, engine: PrefixListEngine) -> Result<Self, CompileError> {
        let mut prefix_index = HashMap::new();
        let mut prefix_lists = Vec::new();
        for l in &policy.prefix_lists {
            let ev = match engine {
                PrefixListEngine::Trie => PlEval::Trie(CompiledPrefixList::new(l)),
                PrefixListEngine::Linear => PlEval::Linear(l.clone()),
            };
            prefix_index
                .entry((l.afi, l.name.clone()))
                .or_insert_with(|| {
                    prefix_lists.push(ev);
                    prefix_lists.len() - 1
                });
        }
        let index_of = |names: Vec<&str>| -> HashMap<String, usize> {
            let mut m = HashMap::new();
            for (i, n) in names.into_iter().enumerate() {
                m.entry(n.to_string()).or_insert(i);
            }
            m
        };
        let cl_index = index_of(
            policy
                .community_lists
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
        );
        let lc_index = index_of(
            policy
                .large_community_lists
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
        );
        let ec_index = index_of(
            policy
                .ext_community_lists
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
        );
        let as_index = index_of(
            policy
                .as_path_lists
                .iter()
                .map(|l| l.name.as_str())
                .collect(),
        );
        let map_index = index_of(policy.route_maps.iter().map(|m| m.name.as_str()).collect());

        let clists = policy
            .community_lists
            .iter()
            .map(|l| compile_clist("bgp community-list", l))
            .collect::<Result<_, _>>()?;
        let lclists = policy
            .large_community_lists
            .iter()
            .map(|l| compile_clist("bgp large-community-list", l))
            .collect::<Result<_, _>>()?;
        let eclists = policy
            .ext_community_lists
            .iter()
            .map(|l| compile_clist("bgp extcommunity-list", l))
            .collect::<Result<_, _>>()?;
        let aslists = policy
            .as_path_lists
            .iter()
            .map(|l| {
                let mut es: Vec<_> = l.entries.iter().collect();
                es.sort_by_key(|e| e.seq);
                es.into_iter()
                    .map(|e| {
                        Ok(AsEntry {
                            permit: e.action == Action::Permit,
                            regex: compile_frr_regex(&e.regex).map_err(|message| CompileError {
                                object: format!("bgp as-path access-list {} seq {}", l.name, e.seq),
                                message,
                            })?,
                        })
                    })
                    .collect::<Result<Vec<_>, CompileError>>()
            })
            .collect::<Result<_, _>>()?;
        let pl = |afi: Afi, n: &str| prefix_index.get(&(afi, n.to_string())).copied();
        // FRR's route-map prefix table (on by default) never offers an entry whose
        // `match ip(v6) address prefix-list` names a list without entries: it does not match.
        let pl_addr = |afi: Afi, n: &str| {
            policy
                .prefix_list(afi, n)
                .filter(|l| !l.entries.is_empty())
                .and_then(|_| pl(afi, n))
        };
        let maps = policy
            .route_maps
            .iter()
            .map(|m| {
                let mut es: Vec<_> = m.entries.iter().collect();
                es.sort_by_key(|e| e.seq);
                es.into_iter()
                    .map(|e| CEntry {
                        seq: e.seq,
                        permit: e.action == Action::Permit,
                        matches: e
                            .matches
                            .iter()
                            .map(|c| match c {
                                Match::IpAddressPrefixList(n) => {
                                    CMatch::IpPrefix(pl_addr(Afi::Ipv4, n))
                                }
                                Match::Ipv6AddressPrefixList(n) => {
                                    CMatch::Ipv6Prefix(pl_addr(Afi::Ipv6, n))
                                }
                                Match::IpNextHopPrefixList(n) => CMatch::NextHop(pl(Afi::Ipv4, n)),
                                Match::Community { list, exact_match } => {
                                    CMatch::Community(cl_index.get(list).copied(), *exact_match)
                                }
                                Match::LargeCommunity { list, exact_match } => {
                                    CMatch::Large(lc_index.get(list).copied(), *exact_match)
                                }
                                Match::ExtCommunity(n) => CMatch::Ext(ec_index.get(n).copied()),
                                Match::AsPath(n) => CMatch::AsPath(as_index.get(n).copied()),
                                Match::LocalPreference(v) => CMatch::LocalPref(*v),
                                Match::Metric(v) => CMatch::Metric(*v),
                                Match::Origin(o) => CMatch::Origin(*o),
                                Match::Peer(p) => CMatch::Peer(p.clone()),
                            })
                            .collect(),
                        sets: e
                            .sets
                            .iter()
                            .map(|s| match s {
                                Set::CommListDelete(n) => {
                                    CSet::CommListDelete(cl_index.get(n).copied())
                                }
                                Set::LargeCommListDelete(n) => {
                                    CSet::LargeCommListDelete(lc_index.get(n).copied())
                                }
                                other => CSet::Plain(other.clone()),
                            })
                            .collect(),
                        call: e.call.as_ref().map(|c| map_index.get(c).copied()),
                        on_match: e.on_match,
                    })
                    .collect()
            })
            .collect();
        Ok(CompiledPolicy {
            prefix_lists,
            prefix_index,
            clists,
            lclists,
            eclists,
            aslists,
            maps,
            map_index,
        })
    }

    /// Apply a prefix list by family and name (FRR `prefix_list_apply`); `None` when it does not
    /// exist.
    pub fn apply_prefix_list(&self, afi: Afi, name: &str, prefix: &IpNet) -> Option<Action> {
        self.prefix_index
            .get(&(afi, name.to_string()))
            .map(|i| self.prefix_lists[*i].apply(prefix))
    }

    /// Handle of a route map, to skip the name lookup per route.
    pub fn route_map_id(&self, name: &str) -> Option<RouteMapId> {
        self.map_index.get(name).map(|i| RouteMapId(*i))
    }

    /// Apply the route map `name` to a route, changing its attributes as the map's sets say.
    /// A route map that does not exist denies (as FRR does for a configured but undefined map).
    pub fn apply<R: RouteAttrs + ?Sized>(&self, name: &str, route: &mut R) -> Action {
        match self.route_map_id(name) {
            Some(id) => self.apply_id(id, route),
            None => Action::Deny,
        }
    }

    /// [`apply`](Self::apply) by handle.
    pub fn apply_id<R: RouteAttrs + ?Sized>(&self, id: RouteMapId, route: &mut R) -> Action {
        let prefix = route.prefix();
        self.apply_map(id.0, route, &prefix, &mut PlMemo::default(), 0)
    }

    fn apply_map<R: RouteAttrs + ?Sized>(
        &self,
        map: usize,
        route: &mut R,
        prefix: &IpNet,
        memo: &mut PlMemo,
        depth: usize,
    ) -> Action {
        if depth > RECURSION_LIMIT {
            return Action::Deny;
        }
        let entries = &self.maps[map];
        if entries.is_empty() {
            return Action::Deny;
        }
        let mut ret = Action::Permit;
        let mut i = 0;
        while i < entries.len() {
            let e = &entries[i];
            i += 1;
            if !e
                .matches
                .iter()
                .all(|m| self.match_one(m, route, prefix, memo))
            {
                ret = Action::Deny;
                continue;
            }
            if !e.permit {
                return Action::Deny;
            }
            ret = Action::Permit;
            for s in &e.sets {
                self.set_one(s, route);
            }
            if let Some(call) = e.call {
                if let Some(target) = call {
                    ret = self.apply_map(target, route, prefix, memo, depth + 1);
                }
                if ret == Action::Deny {
                    return Action::Deny;
                }
            }
            match e.on_match {
                None => return ret,
                Some(OnMatch::Next) => {}
                Some(OnMatch::Goto(n)) => {
                    while i < entries.len() && entries[i].seq < n {
                        i += 1;
                    }
                    if i >= entries.len() {
                        return ret;
                    }
                }
            }
        }
        ret
    }

    fn match_one<R: RouteAttrs + ?Sized>(
        &self,
        m: &CMatch,
        route: &R,
        prefix: &IpNet,
        memo: &mut PlMemo,
    ) -> bool {
        match m {
            CMatch::IpPrefix(pl) | CMatch::Ipv6Prefix(pl) => pl.is_some_and(|i| {
                memo.get_or(i, || self.prefix_lists[i].apply(prefix)) == Action::Permit
            }),
            CMatch::NextHop(pl) => pl.is_some_and(|i| {
                let nh = match route.next_hop() {
                    Some(IpAddr::V4(a)) => a,
                    _ => Ipv4Addr::UNSPECIFIED,
                };
                let p = IpNet::V4(Ipv4Net::new(nh, 32).expect("/32 is valid"));
                self.prefix_lists[i].apply(&p) == Action::Permit
            }),
            CMatch::Community(l, exact) => l.is_some_and(|i| {
                as_set(route.communities(), |v| {
                    clist_match(&self.clists[i], v, *exact, community_string)
                })
            }),
            CMatch::Large(l, exact) => l.is_some_and(|i| {
                as_set(route.large_communities(), |v| {
                    clist_match(&self.lclists[i], v, *exact, large_string)
                })
            }),
            CMatch::Ext(l) => l.is_some_and(|i| {
                as_set(route.ext_communities(), |v| {
                    clist_match(&self.eclists[i], v, false, ext_string)
                })
            }),
            CMatch::AsPath(l) => l.is_some_and(|i| {
                let s = route.as_path().to_string();
                self.aslists[i]
                    .iter()
                    .find(|e| e.regex.is_match(&s))
                    .is_some_and(|e| e.permit)
            }),
            CMatch::LocalPref(v) => route.local_pref().unwrap_or(0) == *v,
            CMatch::Metric(v) => route.med().unwrap_or(0) == *v,
            CMatch::Origin(o) => route.origin() == *o,
            CMatch::Peer(PeerMatch::Address(a)) => route.peer_address() == Some(*a),
            CMatch::Peer(PeerMatch::Local) => route.peer_address().is_none(),
            CMatch::Peer(PeerMatch::Interface(n)) => route.peer_interface() == Some(n.as_str()),
        }
    }

    fn set_one<R: RouteAttrs + ?Sized>(&self, s: &CSet, route: &mut R) {
        match s {
            CSet::CommListDelete(l) => {
                let Some(list) = l.map(|i| &self.clists[i]) else {
                    return;
                };
                let old = route.communities().into_owned();
                if old.is_empty() {
                    return;
                }
                let mut new: Vec<Community> = old
                    .into_iter()
                    .filter(|c| !clist_deletes(list, c, |c| c.to_string()))
                    .collect();
                new.sort_unstable();
                new.dedup();
                route.set_communities(new);
            }
            CSet::LargeCommListDelete(l) => {
                let Some(list) = l.map(|i| &self.lclists[i]) else {
                    return;
                };
                let old = route.large_communities().into_owned();
                if old.is_empty() {
                    return;
                }
                let mut new: Vec<LargeCommunity> = old
                    .into_iter()
                    .filter(|c| !clist_deletes(list, c, |c| c.to_string()))
                    .collect();
                new.sort_unstable();
                new.dedup();
                route.set_large_communities(new);
            }
            CSet::Plain(s) => apply_set(s, route),
        }
    }
}

/// Results of prefix lists already applied to the route's prefix during one evaluation (route
/// maps often match the same list in several entries; sets never change the prefix).
#[derive(Default)]
struct PlMemo {
    keys: [usize; 4],
    vals: [bool; 4],
    n: usize,
}

impl PlMemo {
    #[inline]
    fn get_or(&mut self, list: usize, f: impl FnOnce() -> Action) -> Action {
        for k in 0..self.n {
            if self.keys[k] == list {
                return if self.vals[k] {
                    Action::Permit
                } else {
                    Action::Deny
                };
            }
        }
        let a = f();
        if self.n < self.keys.len() {
            self.keys[self.n] = list;
            self.vals[self.n] = a == Action::Permit;
            self.n += 1;
        }
        a
    }
}

/// Handle of a route map in a [`CompiledPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteMapId(usize);

fn apply_set<R: RouteAttrs + ?Sized>(s: &Set, route: &mut R) {
    match s {
        Set::LocalPreference(v) => {
            let cur = route.local_pref().unwrap_or(0);
            route.set_local_pref(v.apply(cur));
        }
        Set::Metric(v) => {
            let cur = route.med().unwrap_or(0);
            route.set_med(v.apply(cur));
        }
        Set::Community(CommunitySet::None) => route.set_communities(Vec::new()),
        Set::Community(CommunitySet::Values { values, additive }) => {
            let mut new = if *additive {
                route.communities().into_owned()
            } else {
                Vec::new()
            };
            new.extend_from_slice(values);
            new.sort_unstable();
            new.dedup();
            route.set_communities(new);
        }
        Set::LargeCommunity(LargeCommunitySet::None) => route.set_large_communities(Vec::new()),
        Set::LargeCommunity(LargeCommunitySet::Values { values, additive }) => {
            let mut new = if *additive {
                route.large_communities().into_owned()
            } else {
                Vec::new()
            };
            new.extend_from_slice(values);
            new.sort_unstable();
            new.dedup();
            route.set_large_communities(new);
        }
        Set::AsPathPrepend(asns) => {
            let mut p = route.as_path().into_owned();
            p.prepend(asns);
            route.set_as_path(p);
        }
        Set::AsPathPrependLastAs(n) => {
            let mut p = route.as_path().into_owned();
            if let Some(asn) = p.leftmost_as().or(route.peer_asn()) {
                p.prepend(&vec![asn; usize::from(*n)]);
                route.set_as_path(p);
            }
        }
        Set::IpNextHop(IpNextHop::Address(a)) => route.set_next_hop(IpAddr::V4(*a)),
        Set::IpNextHop(IpNextHop::PeerAddress) => {
            if let Some(p) = route.peer_address() {
                route.set_next_hop(p);
            }
        }
        Set::IpNextHop(IpNextHop::Unchanged) => {}
        Set::Ipv6NextHopGlobal(a) => route.set_next_hop(IpAddr::V6(*a)),
        Set::Weight(w) => route.set_weight(*w),
        Set::Origin(o) => route.set_origin(*o),
        // Resolved by CompiledPolicy::set_one.
        Set::CommListDelete(_) | Set::LargeCommListDelete(_) => {}
    }
}

/// Runs `f` on the values as a sorted set, copying only when they are not one already.
fn as_set<V: Ord + Clone, T>(v: std::borrow::Cow<'_, [V]>, f: impl FnOnce(&[V]) -> T) -> T {
    if v.windows(2).all(|w| w[0] < w[1]) {
        f(&v)
    } else {
        let mut o = v.into_owned();
        o.sort_unstable();
        o.dedup();
        f(&o)
    }
}

fn community_string(v: &[Community]) -> String {
    v.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn large_string(v: &[LargeCommunity]) -> String {
    v.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn ext_string(v: &[ExtCommunity]) -> String {
    v.iter()
        .map(|c| c.show_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// FRR `community_list_match` / `community_list_exact_match` (and the large/ext variants) on a
/// sorted, deduplicated route value set.
fn clist_match<V: Ord>(
    list: &Clist<V>,
    route: &[V],
    exact: bool,
    to_str: fn(&[V]) -> String,
) -> bool {
    let mut s: Option<String> = None;
    for e in list {
        let hit = match &e.matcher {
            ClMatcher::Standard(vals) => {
                if route.is_empty() {
                    false
                } else if exact {
                    vals.as_slice() == route
                } else {
                    vals.iter().all(|v| route.binary_search(v).is_ok())
                }
            }
            ClMatcher::Expanded(re) => re.is_match(s.get_or_insert_with(|| to_str(route))),
        };
        if hit {
            return e.permit;
        }
    }
    false
}

/// FRR `community_list_match_delete` for one value: the first entry including it decides.
fn clist_deletes<V: PartialEq>(list: &Clist<V>, v: &V, to_str: impl Fn(&V) -> String) -> bool {
    for e in list {
        let hit = match &e.matcher {
            ClMatcher::Standard(vals) => vals.contains(v),
            ClMatcher::Expanded(re) => re.is_match(&to_str(v)),
        };
        if hit {
            return e.permit;
        }
    }
    false
}
