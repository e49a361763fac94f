//! The prefix lists and route maps of a rendered configuration as route-policy objects, so the
//! suite has one model of them: route-policy evaluates what each neighbor accepts and
//! advertises, and its parser reads back exactly these objects from the rendered text.

use std::collections::HashMap;

use ipnet::IpNet;
use route_policy::{
    Action, Afi, CommunitySet, IpNextHop, LargeCommunity, LargeCommunitySet, Match, OnMatch,
    Policy, PrefixList, PrefixListEntry, PrefixMatcher, RouteMap, RouteMapEntry, Set, ValueAdjust,
};

use crate::model::{Community, Config, FrrFamily, IncomingFilter, IpFamily, NeighborConfig};

/// A prefix-list matcher as route-policy models it; `None` when `le`/`ge` do not fit a prefix
/// length (the frr-k8s model allows any u32; FRR rejects such lines).
pub fn filter_matcher(f: &IncomingFilter) -> Option<PrefixMatcher> {
    let len = |v: u32| {
        if v == 0 {
            Ok(None)
        } else {
            u8::try_from(v).map(Some)
        }
    };
    Some(PrefixMatcher::Prefix {
        prefix: f.prefix,
        ge: len(f.ge).ok()?,
        le: len(f.le).ok()?,
    })
}

/// Whether FRR accepts the range of a matcher: mask length <= ge <= le <= maximum length. FRR
/// refuses other lines when applying them (`vtysh -C` only checks syntax).
pub fn frr_accepts(m: &PrefixMatcher) -> bool {
    let PrefixMatcher::Prefix { prefix, ge, le } = m else {
        return true;
    };
    let (len, max) = (prefix.prefix_len(), prefix.max_prefix_len());
    ge.is_none_or(|g| len <= g && g <= max)
        && le.is_none_or(|l| len <= l && l <= max)
        && !matches!((ge, le), (Some(g), Some(l)) if g > l)
}

fn afi(f: FrrFamily) -> Afi {
    match f {
        FrrFamily::Ip => Afi::Ipv4,
        FrrFamily::Ipv6 => Afi::Ipv6,
    }
}

/// Builds the policy the way FRR applies the rendered lines: same names and sequence numbers
/// as [`crate::render()`], prefixes truncated to their length, an entry equal to an earlier
/// one of the same list ignored.
#[derive(Default)]
struct Builder {
    counters: HashMap<String, u32>,
    lists: Vec<PrefixList>,
    list_index: HashMap<(Afi, String), usize>,
    maps: Vec<RouteMap>,
    map_index: HashMap<String, usize>,
}

impl Builder {
    fn next(&mut self, key: &str) -> u32 {
        let c = self.counters.entry(key.to_string()).or_insert(0);
        *c += 1;
        *c
    }

    fn entry(&mut self, afi: Afi, name: &str, action: Action, matcher: PrefixMatcher) {
        let seq = self.next(name);
        if !frr_accepts(&matcher) {
            return;
        }
        let matcher = match matcher {
            PrefixMatcher::Prefix { prefix, ge, le } => PrefixMatcher::Prefix {
                prefix: prefix.trunc(),
                ge,
                le,
            },
            any => any,
        };
        let i = *self
            .list_index
            .entry((afi, name.to_string()))
            .or_insert_with(|| {
                self.lists.push(PrefixList {
                    name: name.to_string(),
                    afi,
                    description: None,
                    entries: Vec::new(),
                });
                self.lists.len() - 1
            });
        let list = &mut self.lists[i];
        if list
            .entries
            .iter()
            .any(|e| e.action == action && e.matcher == matcher)
        {
            return;
        }
        list.entries.push(PrefixListEntry {
            seq,
            action,
            matcher,
        });
    }

    fn route_map(
        &mut self,
        name: String,
        id: &str,
        action: Action,
        matches: Vec<Match>,
        sets: Vec<Set>,
        next: bool,
    ) {
        let seq = self.next(id);
        let entry = RouteMapEntry {
            seq: u16::try_from(seq).unwrap_or(u16::MAX),
            action,
            description: None,
            matches,
            sets,
            call: None,
            on_match: next.then_some(OnMatch::Next),
        };
        let i = *self.map_index.entry(name.clone()).or_insert_with(|| {
            self.maps.push(RouteMap {
                name,
                entries: Vec::new(),
            });
            self.maps.len() - 1
        });
        self.maps[i].entries.push(entry);
    }

    fn neighbor(&mut self, n: &NeighborConfig) {
        let id = n.id();
        let out = &n.outgoing;
        let mut modifiers: Vec<(&crate::model::PrefixList, Set)> = Vec::new();
        for m in &out.local_pref_prefixes_modifiers {
            modifiers.push((
                &m.list,
                Set::LocalPreference(ValueAdjust::Set(m.local_pref)),
            ));
        }
        for m in &out.community_prefixes_modifiers {
            let set = match m.community {
                Community::Standard(a, b) => Set::Community(CommunitySet::Values {
                    values: vec![route_policy::Community::new(a, b)],
                    additive: true,
                }),
                Community::Large(a, b, c) => Set::LargeCommunity(LargeCommunitySet::Values {
                    values: vec![LargeCommunity::new(a, b, c)],
                    additive: true,
                }),
            };
            modifiers.push((&m.list, set));
        }
        modifiers.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        for (list, set) in modifiers {
            let a = afi(list.ip_family);
            for p in list.sorted_prefixes() {
                if let Ok(net) = p.parse::<IpNet>() {
                    self.entry(a, &list.name, Action::Permit, PrefixMatcher::exact(net));
                }
            }
            let m = match a {
                Afi::Ipv4 => Match::IpAddressPrefixList(list.name.clone()),
                Afi::Ipv6 => Match::Ipv6AddressPrefixList(list.name.clone()),
            };
            self.route_map(
                format!("{id}-out"),
                &id,
                Action::Permit,
                vec![m],
                vec![set],
                true,
            );
        }
        for (a, name, prefixes) in [
            (Afi::Ipv4, format!("{id}-allowed-ipv4"), &out.prefixes_v4),
            (Afi::Ipv6, format!("{id}-allowed-ipv6"), &out.prefixes_v6),
        ] {
            if prefixes.is_empty() {
                self.entry(a, &name, Action::Deny, PrefixMatcher::Any);
            }
            for p in prefixes {
                self.entry(a, &name, Action::Permit, PrefixMatcher::exact(*p));
            }
        }
        let v4_sets = out
            .next_hop_v4
            .map(|a| vec![Set::IpNextHop(IpNextHop::Address(a))])
            .unwrap_or_default();
        let v6_sets = out
            .next_hop_v6
            .map(|a| vec![Set::Ipv6NextHopGlobal(a)])
            .unwrap_or_default();
        let m4 = Match::IpAddressPrefixList(format!("{id}-allowed-ipv4"));
        let m6 = Match::Ipv6AddressPrefixList(format!("{id}-allowed-ipv6"));
        self.route_map(
            format!("{id}-out"),
            &id,
            Action::Permit,
            vec![m4],
            v4_sets,
            false,
        );
        self.route_map(
            format!("{id}-out"),
            &id,
            Action::Permit,
            vec![m6],
            v6_sets,
            false,
        );

        let inpl = format!("{id}-inpl-{}", n.ip_family.as_str());
        let kw = |f: &IncomingFilter| {
            if f.ip_family == IpFamily::Ipv6 {
                Afi::Ipv6
            } else {
                Afi::Ipv4
            }
        };
        for f in n.incoming.prefixes_v4.iter().chain(&n.incoming.prefixes_v6) {
            match filter_matcher(f) {
                Some(m) => self.entry(kw(f), &inpl, Action::Permit, m),
                None => {
                    self.next(&inpl);
                }
            }
        }
        if n.incoming.all {
            self.entry(Afi::Ipv4, &inpl, Action::Permit, PrefixMatcher::Any);
            self.entry(Afi::Ipv6, &inpl, Action::Permit, PrefixMatcher::Any);
        } else {
            if n.incoming.prefixes_v4.is_empty() {
                self.entry(Afi::Ipv4, &inpl, Action::Deny, PrefixMatcher::Any);
            }
            if n.incoming.prefixes_v6.is_empty() {
                self.entry(Afi::Ipv6, &inpl, Action::Deny, PrefixMatcher::Any);
            }
        }
        if !n.always_block.is_empty() {
            let denied = format!("{id}-denied-inpl-{}", n.ip_family.as_str());
            for f in &n.always_block {
                match filter_matcher(f) {
                    Some(m) => self.entry(kw(f), &denied, Action::Permit, m),
                    None => {
                        self.next(&denied);
                    }
                }
            }
            let d4 = Match::IpAddressPrefixList(denied.clone());
            let d6 = Match::Ipv6AddressPrefixList(denied);
            self.route_map(
                format!("{id}-in"),
                &id,
                Action::Deny,
                vec![d4],
                vec![],
                false,
            );
            self.route_map(
                format!("{id}-in"),
                &id,
                Action::Deny,
                vec![d6],
                vec![],
                false,
            );
        }
        let i4 = Match::IpAddressPrefixList(inpl.clone());
        let i6 = Match::Ipv6AddressPrefixList(inpl);
        self.route_map(
            format!("{id}-in"),
            &id,
            Action::Permit,
            vec![i4],
            vec![],
            false,
        );
        self.route_map(
            format!("{id}-in"),
            &id,
            Action::Permit,
            vec![i6],
            vec![],
            false,
        );
    }
}

/// The prefix lists and route maps `render(config)` defines, as FRR holds them once applied.
pub fn policy_of(config: &Config) -> Policy {
    let mut b = Builder::default();
    for r in &config.routers {
        for n in &r.neighbors {
            b.neighbor(n);
        }
    }
    for m in &mut b.maps {
        m.entries.sort_by_key(|e| e.seq);
    }
    Policy {
        prefix_lists: b.lists,
        route_maps: b.maps,
        ..Default::default()
    }
}

/// The route-map names frr-k8s attaches to a neighbor: (`<ID>-in`, `<ID>-out`).
pub fn route_map_names(n: &NeighborConfig) -> (String, String) {
    let id = n.id();
    (format!("{id}-in"), format!("{id}-out"))
}
