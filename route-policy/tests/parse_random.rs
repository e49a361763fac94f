//! Random policy texts from a vocabulary of FRR tokens: the parser never panics, and whatever
//! parses renders to a fixpoint and evaluates (the fuzz target's invariants, run on stable).

use proptest::prelude::*;

const HEADS: &[&str] = &[
    "ip prefix-list A",
    "ip prefix-list B",
    "ipv6 prefix-list A",
    "bgp community-list standard C",
    "bgp community-list expanded X",
    "bgp community-list 5",
    "bgp community-list 150",
    "bgp large-community-list standard L",
    "bgp extcommunity-list standard E",
    "bgp as-path access-list P",
    "route-map M permit 10",
    "route-map M deny 20",
    "route-map N permit 5",
    " match ip address prefix-list A",
    " match ipv6 address prefix-list A",
    " match community C",
    " match community X exact-match",
    " match as-path P",
    " match large-community L",
    " match extcommunity E",
    " match metric",
    " match origin",
    " match peer",
    " set local-preference",
    " set metric",
    " set community",
    " set comm-list C delete",
    " set as-path prepend",
    " set ip next-hop",
    " set weight",
    " on-match",
    " continue",
    " call N",
    " description",
    "exit",
    "!",
];

const TAILS: &[&str] = &[
    "seq 5",
    "seq 10",
    "seq 4294967295",
    "permit",
    "deny",
    "any",
    "10.0.0.0/8",
    "10.1.2.3/16",
    "2001:db8::/32",
    "::/0",
    "ge 16",
    "le 24",
    "ge 33",
    "le 0",
    "65000:1",
    "no-export",
    "1:2:3",
    "rt 65000:1",
    "soo 1.2.3.4:5",
    "_65001_",
    "^$",
    ".*",
    "(",
    "+10",
    "-5",
    "7",
    "igp",
    "incomplete",
    "next",
    "goto 30",
    "additive",
    "none",
    "last-as 2",
    "peer-address",
    "192.0.2.1",
    "x",
    "",
    "\u{3000}",
];

fn line() -> impl Strategy<Value = String> {
    (
        0..HEADS.len(),
        proptest::collection::vec(0..TAILS.len(), 0..5),
    )
        .prop_map(|(h, ts)| {
            let mut s = HEADS[h].to_string();
            for t in ts {
                s.push(' ');
                s.push_str(TAILS[t]);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_texts_keep_the_parser_invariants(lines in proptest::collection::vec(line(), 1..6)) {
        let text = lines.join("\n");
        // About a third of these texts parse (measured); the rest must fail without panicking.
        route_policy::testing::check_parse_invariants(text.as_bytes());
    }
}

/// Texts built from the vocabulary can be valid (so the property exercises the fixpoint).
#[test]
fn vocabulary_produces_valid_policies() {
    let valid = [
        "ip prefix-list A seq 5 permit 10.0.0.0/8 le 24",
        "bgp community-list 5 permit 65000:1 no-export",
        "route-map M permit 10\n match community C\n set local-preference +10\n on-match next",
    ];
    for v in valid {
        assert!(
            route_policy::testing::check_parse_invariants(v.as_bytes()),
            "{v}"
        );
    }
}
