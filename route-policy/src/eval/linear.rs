//! Naive evaluators that follow FRR's code paths literally. They are the test oracle for the
//! compiled forms and the baseline of the benchmark.

use ipnet::IpNet;

use crate::model::{Action, Afi, PrefixList, PrefixMatcher};

/// FRR `prefix_list_entry_match` for one entry.
pub fn entry_matches(afi: Afi, matcher: &PrefixMatcher, route: &IpNet) -> bool {
    if Afi::of(route) != afi {
        return false;
    }
    let (lo, hi) = matcher.len_range(afi);
    let len = route.prefix_len();
    let covered = match matcher {
        PrefixMatcher::Any => true,
        PrefixMatcher::Prefix { prefix, .. } => {
            Afi::of(prefix) == afi
                && prefix.prefix_len() <= len
                && prefix.contains(&route.network())
        }
    };
    covered && lo <= len && len <= hi
}

/// FRR `prefix_list_apply` by a linear scan in seq order.
pub fn prefix_list_apply(list: &PrefixList, route: &IpNet) -> Action {
    if list.entries.is_empty() {
        return Action::Permit;
    }
    if list.entries.is_sorted_by_key(|e| e.seq) {
        return first_match(list.entries.iter(), list.afi, route);
    }
    let mut entries: Vec<_> = list.entries.iter().collect();
    entries.sort_by_key(|e| e.seq);
    first_match(entries.into_iter(), list.afi, route)
}

fn first_match<'a>(
    mut entries: impl Iterator<Item = &'a crate::model::PrefixListEntry>,
    afi: Afi,
    route: &IpNet,
) -> Action {
    entries
        .find(|e| entry_matches(afi, &e.matcher, route))
        .map_or(Action::Deny, |e| e.action)
}
