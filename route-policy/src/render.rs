//! Rendering policy objects in FRR syntax.
//!
//! [`render`] writes FRR's canonical `show running-config` form (FRR 8.4): prefix lists in
//! configuration order with ` ge` before ` le`; AS-path and community lists sorted (numbered
//! names by number first, then names by byte order); route-map clauses sorted by their text, each
//! entry closed by `exit` and `!`. Parsing that output and rendering it again gives the same bytes.
//!
//! `frr-render` lays out frr-k8s configurations itself and uses the per-line functions here with
//! [`RenderOptions::frr_k8s`]: frr-k8s writes `le` before `ge`, indents clauses by two spaces and
//! keeps them in template order (matches, sets, `on-match`).

use std::fmt::Write as _;
use std::net::Ipv6Addr;

use ipnet::IpNet;

use crate::model::{
    Action, Afi, AsPathList, AsPathListEntry, CommunityListEntry, CommunityListOf,
    CommunityMatcher, CommunitySet, ExtCommunity, IpNextHop, LargeCommunitySet, ListStyle, Match,
    OnMatch, PeerMatch, Policy, PrefixList, PrefixListEntry, PrefixMatcher, RouteMap,
    RouteMapEntry, Set, ValueAdjust,
};

/// Order of the `ge` and `le` keywords of a prefix-list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeLeOrder {
    /// `ge G le L`: FRR's canonical order.
    #[default]
    GeFirst,
    /// `le L ge G`: the order frr-k8s's templates write.
    LeFirst,
}

/// How to render. [`RenderOptions::default`] is FRR's canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Order of `ge`/`le`.
    pub ge_le_order: GeLeOrder,
    /// Indentation of route-map clauses (FRR: 1 space, frr-k8s: 2).
    pub clause_indent: usize,
    /// Sort route-map clauses by text as FRR's `show running-config` does; otherwise keep the
    /// model's order: description, matches, sets, call, on-match.
    pub sort_clauses: bool,
    /// Close each route-map entry with `exit` and `!`, and each group of lists with `!`.
    pub separators: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self::frr()
    }
}

impl RenderOptions {
    /// FRR 8.4's canonical `show running-config` form.
    pub fn frr() -> Self {
        RenderOptions {
            ge_le_order: GeLeOrder::GeFirst,
            clause_indent: 1,
            sort_clauses: true,
            separators: true,
        }
    }

    /// frr-k8s template style: `le` before `ge`, two-space clauses in template order, no `exit`/`!`.
    pub fn frr_k8s() -> Self {
        RenderOptions {
            ge_le_order: GeLeOrder::LeFirst,
            clause_indent: 2,
            sort_clauses: false,
            separators: false,
        }
    }
}

/// An IPv6 address as FRR prints it: RFC 5952 compression of the longest run of two or more zero
/// groups, lowercase hex, dotted quad only for `::a.b.c.d` (FRR prints `::ffff:a.b.c.d` in hex).
pub fn format_ipv6(addr: &Ipv6Addr) -> String {
    let w = addr.segments();
    if w[..6].iter().all(|x| *x == 0) && w[6] != 0 {
        let o = addr.octets();
        return format!("::{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
    }
    // Longest run of zero groups (first one on ties), only if at least two long.
    let (mut best_start, mut best_len) = (usize::MAX, 0usize);
    let mut i = 0;
    while i < 8 {
        if w[i] == 0 {
            let start = i;
            while i < 8 && w[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    if best_len < 2 {
        best_start = usize::MAX;
    }
    let mut out = String::with_capacity(39);
    let mut i = 0;
    while i < 8 {
        if i == best_start {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if !out.is_empty() && !out.ends_with(':') {
            out.push(':');
        }
        let _ = write!(out, "{:x}", w[i]);
        i += 1;
    }
    out
}

/// A prefix as FRR prints it (`10.0.0.0/8`, `2001:db8::/32`).
pub fn format_prefix(prefix: &IpNet) -> String {
    match prefix {
        IpNet::V4(p) => format!("{}/{}", p.addr(), p.prefix_len()),
        IpNet::V6(p) => format!("{}/{}", format_ipv6(&p.addr()), p.prefix_len()),
    }
}

fn afi_keyword(afi: Afi) -> &'static str {
    match afi {
        Afi::Ipv4 => "ip",
        Afi::Ipv6 => "ipv6",
    }
}

/// The match part of a prefix-list entry: `any` or `P[ ge G][ le L]`.
pub fn render_prefix_matcher(matcher: &PrefixMatcher, opts: &RenderOptions) -> String {
    match matcher {
        PrefixMatcher::Any => "any".to_string(),
        PrefixMatcher::Prefix { prefix, ge, le } => {
            let mut s = format_prefix(prefix);
            let ge = ge.map(|g| format!(" ge {g}")).unwrap_or_default();
            let le = le.map(|l| format!(" le {l}")).unwrap_or_default();
            match opts.ge_le_order {
                GeLeOrder::GeFirst => {
                    s.push_str(&ge);
                    s.push_str(&le);
                }
                GeLeOrder::LeFirst => {
                    s.push_str(&le);
                    s.push_str(&ge);
                }
            }
            s
        }
    }
}

/// One prefix-list entry line without newline:
/// `ip prefix-list NAME seq N permit P ge G le L`.
pub fn render_prefix_list_entry(
    afi: Afi,
    name: &str,
    entry: &PrefixListEntry,
    opts: &RenderOptions,
) -> String {
    format!(
        "{} prefix-list {} seq {} {} {}",
        afi_keyword(afi),
        name,
        entry.seq,
        entry.action.as_str(),
        render_prefix_matcher(&entry.matcher, opts)
    )
}

/// All lines of a prefix list (description first), each ending in a newline.
pub fn render_prefix_list(list: &PrefixList, opts: &RenderOptions) -> String {
    let mut out = String::new();
    if let Some(d) = &list.description {
        let _ = writeln!(
            out,
            "{} prefix-list {} description {}",
            afi_keyword(list.afi),
            list.name,
            d
        );
    }
    for e in &list.entries {
        out.push_str(&render_prefix_list_entry(list.afi, &list.name, e, opts));
        out.push('\n');
    }
    out
}

/// True for FRR's numbered lists (all-digit names), rendered without `standard`/`expanded`.
pub(crate) fn is_numbered(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

/// FRR's order of named lists: numbered names by value, then the others by byte order.
pub(crate) fn list_name_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (is_numbered(a), is_numbered(b)) {
        (true, true) => {
            let ta = a.trim_start_matches('0');
            let tb = b.trim_start_matches('0');
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| a.cmp(b))
        }
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => a.as_bytes().cmp(b.as_bytes()),
    }
}

/// A value that can appear in a standard community-list entry.
pub trait ListValue {
    /// `bgp community-list`, `bgp large-community-list` or `bgp extcommunity-list`.
    const COMMAND: &'static str;
    /// Configuration text of the value.
    fn config_text(&self) -> String;
}

impl ListValue for crate::model::Community {
    const COMMAND: &'static str = "bgp community-list";
    fn config_text(&self) -> String {
        self.to_string()
    }
}

impl ListValue for crate::model::LargeCommunity {
    const COMMAND: &'static str = "bgp large-community-list";
    fn config_text(&self) -> String {
        self.to_string()
    }
}

impl ListValue for ExtCommunity {
    const COMMAND: &'static str = "bgp extcommunity-list";
    fn config_text(&self) -> String {
        self.to_string()
    }
}

/// One community-list entry line without newline:
/// `bgp community-list standard NAME seq 5 permit 65000:1`.
pub fn render_community_list_entry<V: ListValue>(
    name: &str,
    entry: &CommunityListEntry<V>,
) -> String {
    // FRR writes numbered lists (standard 1..=99, expanded 100..=500) without the style keyword;
    // any other name keeps it, so the text parses back to the same list.
    let numbered = name.len() <= 3
        && match (entry.matcher.style(), name.parse::<u16>()) {
            (ListStyle::Standard, Ok(1..=99)) => !name.starts_with('0'),
            (ListStyle::Expanded, Ok(100..=500)) => !name.starts_with('0'),
            _ => false,
        };
    let style = if numbered {
        ""
    } else {
        match entry.matcher.style() {
            ListStyle::Standard => "standard ",
            ListStyle::Expanded => "expanded ",
        }
    };
    let value = match &entry.matcher {
        CommunityMatcher::Standard(vs) => vs
            .iter()
            .map(|v| v.config_text())
            .collect::<Vec<_>>()
            .join(" "),
        CommunityMatcher::Expanded(re) => re.clone(),
    };
    format!(
        "{} {}{} seq {} {} {}",
        V::COMMAND,
        style,
        name,
        entry.seq,
        entry.action.as_str(),
        value
    )
}

/// All lines of a community list, each ending in a newline.
pub fn render_community_list<V: ListValue>(list: &CommunityListOf<V>) -> String {
    let mut out = String::new();
    for e in &list.entries {
        out.push_str(&render_community_list_entry(&list.name, e));
        out.push('\n');
    }
    out
}

/// One AS-path access-list line without newline.
pub fn render_as_path_entry(name: &str, entry: &AsPathListEntry) -> String {
    format!(
        "bgp as-path access-list {} seq {} {} {}",
        name,
        entry.seq,
        entry.action.as_str(),
        entry.regex
    )
}

/// All lines of an AS-path access list, each ending in a newline.
pub fn render_as_path_list(list: &AsPathList) -> String {
    let mut out = String::new();
    for e in &list.entries {
        out.push_str(&render_as_path_entry(&list.name, e));
        out.push('\n');
    }
    out
}

fn adjust(v: &ValueAdjust) -> String {
    match v {
        ValueAdjust::Set(n) => n.to_string(),
        ValueAdjust::Add(n) => format!("+{n}"),
        ValueAdjust::Sub(n) => format!("-{n}"),
    }
}

/// A match clause without indentation: `match ip address prefix-list NAME`.
pub fn render_match(m: &Match) -> String {
    match m {
        Match::IpAddressPrefixList(n) => format!("match ip address prefix-list {n}"),
        Match::Ipv6AddressPrefixList(n) => format!("match ipv6 address prefix-list {n}"),
        Match::IpNextHopPrefixList(n) => format!("match ip next-hop prefix-list {n}"),
        Match::Community { list, exact_match } => {
            format!(
                "match community {list}{}",
                if *exact_match { " exact-match" } else { "" }
            )
        }
        Match::LargeCommunity { list, exact_match } => {
            format!(
                "match large-community {list}{}",
                if *exact_match { " exact-match" } else { "" }
            )
        }
        Match::ExtCommunity(n) => format!("match extcommunity {n}"),
        Match::AsPath(n) => format!("match as-path {n}"),
        Match::LocalPreference(v) => format!("match local-preference {v}"),
        Match::Metric(v) => format!("match metric {v}"),
        Match::Origin(o) => format!("match origin {}", o.as_str()),
        Match::Peer(PeerMatch::Address(std::net::IpAddr::V4(a))) => format!("match peer {a}"),
        Match::Peer(PeerMatch::Address(std::net::IpAddr::V6(a))) => {
            format!("match peer {}", format_ipv6(a))
        }
        Match::Peer(PeerMatch::Local) => "match peer local".to_string(),
        Match::Peer(PeerMatch::Interface(i)) => format!("match peer {i}"),
    }
}

/// A set clause without indentation: `set local-preference 200`.
pub fn render_set(s: &Set) -> String {
    match s {
        Set::LocalPreference(v) => format!("set local-preference {}", adjust(v)),
        Set::Metric(v) => format!("set metric {}", adjust(v)),
        Set::Community(CommunitySet::None) => "set community none".to_string(),
        Set::Community(CommunitySet::Values { values, additive }) => format!(
            "set community {}{}",
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            if *additive { " additive" } else { "" }
        ),
        Set::LargeCommunity(LargeCommunitySet::None) => "set large-community none".to_string(),
        Set::LargeCommunity(LargeCommunitySet::Values { values, additive }) => format!(
            "set large-community {}{}",
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            if *additive { " additive" } else { "" }
        ),
        Set::CommListDelete(n) => format!("set comm-list {n} delete"),
        Set::LargeCommListDelete(n) => format!("set large-comm-list {n} delete"),
        Set::AsPathPrepend(asns) => format!(
            "set as-path prepend {}",
            asns.iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Set::AsPathPrependLastAs(n) => format!("set as-path prepend last-as {n}"),
        Set::IpNextHop(IpNextHop::Address(a)) => format!("set ip next-hop {a}"),
        Set::IpNextHop(IpNextHop::PeerAddress) => "set ip next-hop peer-address".to_string(),
        Set::IpNextHop(IpNextHop::Unchanged) => "set ip next-hop unchanged".to_string(),
        Set::Ipv6NextHopGlobal(a) => format!("set ipv6 next-hop global {}", format_ipv6(a)),
        Set::Weight(w) => format!("set weight {w}"),
        Set::Origin(o) => format!("set origin {}", o.as_str()),
    }
}

/// The clause lines of a route-map entry, without indentation or newline, in the order `opts`
/// asks for.
pub fn render_route_map_clauses(entry: &RouteMapEntry, opts: &RenderOptions) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(d) = &entry.description {
        lines.push(format!("description {d}"));
    }
    lines.extend(entry.matches.iter().map(render_match));
    lines.extend(entry.sets.iter().map(render_set));
    if let Some(c) = &entry.call {
        lines.push(format!("call {c}"));
    }
    match entry.on_match {
        Some(OnMatch::Next) => lines.push("on-match next".to_string()),
        Some(OnMatch::Goto(n)) => lines.push(format!("on-match goto {n}")),
        None => {}
    }
    if opts.sort_clauses {
        lines.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    }
    lines
}

/// The header line of a route-map entry without newline: `route-map NAME permit 10`.
pub fn render_route_map_header(name: &str, entry: &RouteMapEntry) -> String {
    format!("route-map {} {} {}", name, entry.action.as_str(), entry.seq)
}

/// A route-map entry: header, indented clauses and (with separators) `exit` and `!`.
pub fn render_route_map_entry(name: &str, entry: &RouteMapEntry, opts: &RenderOptions) -> String {
    let mut out = render_route_map_header(name, entry);
    out.push('\n');
    let indent = " ".repeat(opts.clause_indent);
    for l in render_route_map_clauses(entry, opts) {
        out.push_str(&indent);
        out.push_str(&l);
        out.push('\n');
    }
    if opts.separators {
        out.push_str("exit\n!\n");
    }
    out
}

/// All entries of a route map.
pub fn render_route_map(map: &RouteMap, opts: &RenderOptions) -> String {
    map.entries
        .iter()
        .map(|e| render_route_map_entry(&map.name, e, opts))
        .collect()
}

fn sorted_by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| list_name_order(name(a), name(b)));
    v
}

/// Render a whole policy in FRR's `show running-config` order (see the module docs).
pub fn render(policy: &Policy, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for afi in [Afi::Ipv4, Afi::Ipv6] {
        let mut any = false;
        for l in policy.prefix_lists.iter().filter(|l| l.afi == afi) {
            out.push_str(&render_prefix_list(l, opts));
            any = true;
        }
        if any && opts.separators {
            out.push_str("!\n");
        }
    }
    if !policy.as_path_lists.is_empty() {
        for l in sorted_by_name(&policy.as_path_lists, |l| &l.name) {
            out.push_str(&render_as_path_list(l));
        }
        if opts.separators {
            out.push_str("!\n");
        }
    }
    let mut clists = false;
    for l in sorted_by_name(&policy.community_lists, |l| &l.name) {
        out.push_str(&render_community_list(l));
        clists = true;
    }
    for l in sorted_by_name(&policy.ext_community_lists, |l| &l.name) {
        out.push_str(&render_community_list(l));
        clists = true;
    }
    for l in sorted_by_name(&policy.large_community_lists, |l| &l.name) {
        out.push_str(&render_community_list(l));
        clists = true;
    }
    if clists && opts.separators {
        out.push_str("!\n");
    }
    for m in &policy.route_maps {
        out.push_str(&render_route_map(m, opts));
    }
    out
}

impl std::fmt::Display for Policy {
    /// FRR's canonical form ([`render`] with default options).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&render(self, &RenderOptions::frr()))
    }
}

impl Action {
    /// Opposite action (used by tests and generators).
    pub fn flip(self) -> Action {
        match self {
            Action::Permit => Action::Deny,
            Action::Deny => Action::Permit,
        }
    }
}
