//! Route-map semantics (FRR route_map_apply_ext and bgp_routemap.c set/match functions).

use route_policy::{
    Action, AsPath, Community, CompiledPolicy, LargeCommunity, Origin, PrefixListEngine, Route,
    parse,
};

fn route(prefix: &str) -> Route {
    let mut r = Route::new(prefix.parse().unwrap());
    r.as_path = AsPath::sequence([64512, 65010]);
    r.peer = Some("192.0.2.1".parse().unwrap());
    r.peer_asn = Some(64512);
    r.next_hop = Some("192.0.2.1".parse().unwrap());
    r
}

fn comms(v: &[&str]) -> Vec<Community> {
    v.iter().map(|c| c.parse().unwrap()).collect()
}

fn apply(policy: &str, map: &str, r: &mut Route) -> Action {
    let p = parse(policy).unwrap();
    let a = CompiledPolicy::new(&p).unwrap().apply(map, &mut r.clone());
    let b = CompiledPolicy::with_engine(&p, PrefixListEngine::Linear)
        .unwrap()
        .apply(map, r);
    assert_eq!(a, b, "trie and linear engines disagree");
    b
}

#[test]
fn first_match_and_implicit_deny() {
    let pol = "ip prefix-list A seq 5 permit 10.0.0.0/8 le 24\n\
               route-map M deny 10\n match ip address prefix-list A\n\
               route-map M permit 20\n set weight 5\n";
    let mut r = route("10.1.0.0/16");
    assert_eq!(apply(pol, "M", &mut r), Action::Deny);
    let mut r = route("11.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!(r.weight, 5);
    let pol2 = "route-map N permit 10\n match ip address prefix-list A\n";
    assert_eq!(
        apply(pol2, "N", &mut route("10.0.0.0/8")),
        Action::Deny,
        "missing list never matches"
    );
    assert_eq!(
        apply(pol2, "NOPE", &mut route("10.0.0.0/8")),
        Action::Deny,
        "missing map denies"
    );
}

#[test]
fn deny_entry_does_not_apply_sets() {
    let pol = "route-map M deny 10\n set weight 9\n";
    let mut r = route("10.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Deny);
    assert_eq!(r.weight, 0);
}

#[test]
fn on_match_next_falls_through_to_deny_when_nothing_else_matches() {
    let pol = "route-map M permit 10\n set local-preference 200\n on-match next\n\
               route-map M permit 20\n match origin egp\n";
    let mut r = route("10.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Deny);
    let mut r = route("10.0.0.0/8");
    r.origin = Origin::Egp;
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!(r.local_pref, Some(200));
    // on-match next on the last entry permits.
    let pol = "route-map M permit 10\n set weight 1\n on-match next\n";
    assert_eq!(apply(pol, "M", &mut route("10.0.0.0/8")), Action::Permit);
}

#[test]
fn on_match_goto_and_continue_skip_entries() {
    let pol = "route-map M permit 10\n set weight 1\n continue 30\n\
               route-map M permit 20\n set weight 2\n\
               route-map M permit 30\n set metric +4\n on-match goto 100\n";
    let mut r = route("10.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!((r.weight, r.med), (1, Some(4)));
    let p = parse(pol).unwrap();
    assert_eq!(
        p.route_maps[0].entries[0].on_match,
        Some(route_policy::OnMatch::Goto(30))
    );
}

#[test]
fn call_denies_or_continues() {
    let pol = "route-map SUB permit 10\n match metric 7\n set weight 77\n\
               route-map SUB deny 20\n\
               route-map M permit 10\n set local-preference 50\n call SUB\n\
               route-map X permit 10\n call MISSING\n set weight 3\n";
    let mut r = route("10.0.0.0/8");
    r.med = Some(7);
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!((r.weight, r.local_pref), (77, Some(50)));
    let mut r = route("10.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Deny);
    let mut r = route("10.0.0.0/8");
    assert_eq!(
        apply(pol, "X", &mut r),
        Action::Permit,
        "a missing called map is skipped"
    );
    assert_eq!(r.weight, 3);
    // Self-recursion stops at FRR's limit and denies.
    let pol = "route-map L permit 10\n call L\n";
    assert_eq!(apply(pol, "L", &mut route("10.0.0.0/8")), Action::Deny);
}

#[test]
fn community_lists_standard_expanded_exact_and_delete() {
    let pol = "bgp community-list standard AB seq 5 permit 65000:1 65000:2\n\
               bgp community-list expanded RE seq 5 permit _65000:3_\n\
               bgp community-list standard DEL seq 5 deny 65000:2\n\
               bgp community-list standard DEL seq 10 permit 65000:1 65000:2 65000:3\n\
               route-map EX permit 10\n match community AB exact-match\n\
               route-map ANY permit 10\n match community AB\n\
               route-map R permit 10\n match community RE\n\
               route-map D permit 10\n set comm-list DEL delete\n set community 1:1 additive\n\
               route-map N permit 10\n set community none\n";
    let mut r = route("10.0.0.0/8");
    r.communities = comms(&["65000:2", "65000:1"]);
    assert_eq!(apply(pol, "EX", &mut r.clone()), Action::Permit);
    assert_eq!(apply(pol, "ANY", &mut r.clone()), Action::Permit);
    r.communities.push("no-export".parse().unwrap());
    assert_eq!(apply(pol, "EX", &mut r.clone()), Action::Deny);
    assert_eq!(apply(pol, "ANY", &mut r.clone()), Action::Permit);
    assert_eq!(apply(pol, "ANY", &mut route("10.0.0.0/8")), Action::Deny);
    let mut r3 = route("10.0.0.0/8");
    r3.communities = comms(&["65000:3", "no-export"]);
    assert_eq!(apply(pol, "R", &mut r3.clone()), Action::Permit);
    let mut d = route("10.0.0.0/8");
    d.communities = comms(&["65000:3", "65000:2", "65000:1", "no-export"]);
    assert_eq!(apply(pol, "D", &mut d), Action::Permit);
    assert_eq!(d.communities, comms(&["1:1", "65000:2", "no-export"]));
    assert_eq!(apply(pol, "N", &mut d), Action::Permit);
    assert!(d.communities.is_empty());
}

#[test]
fn large_communities_and_as_path_regex() {
    let pol = "bgp large-community-list standard L seq 5 permit 1:2:3\n\
               bgp as-path access-list P seq 5 deny _65010$\n\
               bgp as-path access-list P seq 10 permit ^64512_\n\
               route-map LM permit 10\n match large-community L\n set large-community 9:9:9 additive\n\
               route-map PM permit 10\n match as-path P\n set as-path prepend last-as 3\n";
    let mut r = route("10.0.0.0/8");
    r.large_communities = vec![LargeCommunity::new(1, 2, 3)];
    assert_eq!(apply(pol, "LM", &mut r), Action::Permit);
    assert_eq!(
        r.large_communities,
        vec![LargeCommunity::new(1, 2, 3), LargeCommunity::new(9, 9, 9)]
    );
    assert_eq!(
        apply(pol, "PM", &mut route("10.0.0.0/8")),
        Action::Deny,
        "first AS-path entry denies"
    );
    let mut r = route("10.0.0.0/8");
    r.as_path = AsPath::sequence([64512, 650100]);
    assert_eq!(
        apply(pol, "PM", &mut r),
        Action::Permit,
        "_ does not match inside 650100"
    );
    assert_eq!(r.as_path.to_string(), "64512 64512 64512 64512 650100");
}

#[test]
fn value_adjustments_saturate_and_absent_reads_as_zero() {
    let pol = "route-map M permit 10\n set local-preference -5\n set metric +4294967290\n\
               route-map L permit 10\n match local-preference 0\n match metric 0\n set origin egp\n set ip next-hop peer-address\n";
    let mut r = route("10.0.0.0/8");
    r.med = Some(10);
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!((r.local_pref, r.med), (Some(0), Some(u32::MAX)));
    let mut r = route("10.0.0.0/8");
    r.next_hop = Some("198.51.100.7".parse().unwrap());
    assert_eq!(apply(pol, "L", &mut r), Action::Permit);
    assert_eq!(r.origin, Origin::Egp);
    assert_eq!(r.next_hop, Some("192.0.2.1".parse().unwrap()));
}

#[test]
fn ipv6_prefix_list_and_next_hop() {
    let pol = "ipv6 prefix-list V6 seq 5 permit 2001:db8::/32 ge 48 le 64\n\
               ip prefix-list NH seq 5 permit 192.0.2.0/24 le 32\n\
               route-map M permit 10\n match ipv6 address prefix-list V6\n set ipv6 next-hop global 2001:db8::1\n\
               route-map N permit 10\n match ip next-hop prefix-list NH\n";
    let mut r = route("2001:db8:1::/48");
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!(r.next_hop, Some("2001:db8::1".parse().unwrap()));
    assert_eq!(apply(pol, "M", &mut route("2001:db8::/32")), Action::Deny);
    assert_eq!(apply(pol, "M", &mut route("10.0.0.0/8")), Action::Deny);
    assert_eq!(apply(pol, "N", &mut route("10.0.0.0/8")), Action::Permit);
    let mut r = route("10.0.0.0/8");
    r.next_hop = Some("198.51.100.1".parse().unwrap());
    assert_eq!(apply(pol, "N", &mut r), Action::Deny);
}

#[test]
fn address_prefix_list_without_entries_does_not_match_in_a_route_map() {
    let pol = "ip prefix-list EMPTY description nothing here\n\
               route-map M permit 10\n match ip address prefix-list EMPTY\n set weight 1\n\
               route-map M permit 20\n set weight 2\n";
    let mut r = route("10.0.0.0/8");
    assert_eq!(apply(pol, "M", &mut r), Action::Permit);
    assert_eq!(
        r.weight, 2,
        "FRR 8.4 (route-map prefix table) skips the entry"
    );
    let c = CompiledPolicy::new(&parse(pol).unwrap()).unwrap();
    let p = "10.0.0.0/8".parse().unwrap();
    assert_eq!(
        c.apply_prefix_list(route_policy::Afi::Ipv4, "EMPTY", &p),
        Some(Action::Permit)
    );
}
