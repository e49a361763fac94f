//! Parser behaviour (FRR's way of applying lines), located errors, and render options.

use route_policy::{
    Action, Afi, PrefixListEntry, PrefixMatcher, RenderOptions, parse, render,
    render::render_prefix_list_entry,
};

#[test]
fn auto_sequence_replace_and_duplicates_follow_frr() {
    let p = parse(
        "ip prefix-list A permit 10.0.0.0/8\n\
         ip prefix-list A seq 7 permit 11.0.0.0/8\n\
         ip prefix-list A permit 12.0.0.0/8\n\
         ip prefix-list A seq 20 permit 10.0.0.0/8\n\
         ip prefix-list A seq 7 deny 13.1.2.3/8\n",
    )
    .unwrap();
    let l = p.prefix_list(Afi::Ipv4, "A").unwrap();
    let got: Vec<(u32, Action, String)> = l
        .entries
        .iter()
        .map(|e| {
            (
                e.seq,
                e.action,
                route_policy::render::render_prefix_matcher(&e.matcher, &RenderOptions::frr()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (5, Action::Permit, "10.0.0.0/8".to_string()),
            (7, Action::Deny, "13.0.0.0/8".to_string()),
            (10, Action::Permit, "12.0.0.0/8".to_string()),
        ]
    );
}

#[test]
fn errors_carry_line_and_column() {
    let e = parse("!\nip prefix-list A seq 5 permit 10.0.0.0/8 ge 4\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 42), "{e}");
    let e = parse("ip prefix-list A seq 5 permit 10.0.0.0/33\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 31), "{e}");
    let e = parse("route-map M permit 10\n match bogus X\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 8), "{e}");
    let e = parse("route-map M deny 10\n on-match next\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 2), "{e}");
    let e = parse("route-map M permit 10\n on-match goto 10\n").unwrap_err();
    assert!(e.message.contains("backwards"), "{e}");
    let e = parse("route-map M permit 10\n continue\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 10), "{e}");
    let e = parse("bgp as-path access-list X permit ab\n").unwrap_err();
    assert!(e.message.contains("invalid character"), "{e}");
    let e =
        parse("bgp community-list standard C permit 1:1\nbgp community-list expanded C permit x\n")
            .unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    let e = parse("bgp community-list standard C permit 70000:1\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 38), "{e}");
    let e = parse("hostname x\n").unwrap_err();
    assert_eq!(
        (
            e.line,
            e.column,
            e.to_string().starts_with("line 1, column 1")
        ),
        (1, 1, true)
    );
}

#[test]
fn clause_of_the_same_kind_replaces_and_values_are_sorted() {
    let p = parse(
        "route-map M permit 10\n match ip address prefix-list A\n match ip address prefix-list B\n\
         set community 3:3 1:1 no-export 1:1\n set as-path prepend 1 2\n set as-path prepend last-as 2\n",
    )
    .unwrap();
    assert_eq!(
        render(&p, &RenderOptions::frr()),
        "route-map M permit 10\n match ip address prefix-list B\n set as-path prepend last-as 2\n set community 1:1 3:3 no-export\nexit\n!\n"
    );
}

#[test]
fn frr_k8s_render_option_keeps_le_before_ge_and_template_layout() {
    let e = PrefixListEntry {
        seq: 1,
        action: Action::Permit,
        matcher: PrefixMatcher::Prefix {
            prefix: "192.168.1.0/24".parse().unwrap(),
            ge: Some(25),
            le: Some(26),
        },
    };
    assert_eq!(
        render_prefix_list_entry(Afi::Ipv4, "X-inpl-ipv4", &e, &RenderOptions::frr_k8s()),
        "ip prefix-list X-inpl-ipv4 seq 1 permit 192.168.1.0/24 le 26 ge 25"
    );
    assert_eq!(
        render_prefix_list_entry(Afi::Ipv4, "X-inpl-ipv4", &e, &RenderOptions::frr()),
        "ip prefix-list X-inpl-ipv4 seq 1 permit 192.168.1.0/24 ge 25 le 26"
    );
    let p = parse(
        "route-map 192.168.1.2-out permit 1\n  match ip address prefix-list P\n  set local-preference 100\n  on-match next\n",
    )
    .unwrap();
    assert_eq!(
        route_policy::render::render_route_map(&p.route_maps[0], &RenderOptions::frr_k8s()),
        "route-map 192.168.1.2-out permit 1\n  match ip address prefix-list P\n  set local-preference 100\n  on-match next\n"
    );
}

#[test]
fn ipv6_text_forms_follow_frr() {
    let p = parse(
        "ipv6 prefix-list Z seq 1 permit 2001:DB8:0:1:1:1:1:1/128\n\
         ipv6 prefix-list Z seq 2 permit 2001:0:0:1:0:0:0:1/128\n\
         ipv6 prefix-list Z seq 3 permit ::ffff:1.2.3.4/128\n\
         ipv6 prefix-list Z seq 4 permit ::1.2.3.4/128\n",
    )
    .unwrap();
    assert_eq!(
        render(&p, &RenderOptions::frr()),
        "ipv6 prefix-list Z seq 1 permit 2001:db8:0:1:1:1:1:1/128\n\
         ipv6 prefix-list Z seq 2 permit 2001:0:0:1::1/128\n\
         ipv6 prefix-list Z seq 3 permit ::ffff:102:304/128\n\
         ipv6 prefix-list Z seq 4 permit ::1.2.3.4/128\n!\n"
    );
}

#[cfg(feature = "serde")]
#[test]
fn model_serde_round_trip() {
    let p = parse(include_str!("data/frr84_running.conf")).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let back: route_policy::Policy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}
