//! The compiled prefix-list trie and the naive linear evaluator agree on random lists and routes.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use proptest::prelude::*;
use route_policy::eval::linear;
use route_policy::{Action, Afi, CompiledPrefixList, PrefixList, PrefixListEntry, PrefixMatcher};

/// IPv4 prefixes concentrated in 10.0.0.0/14 (plus the odd elsewhere) so entries overlap often.
fn v4_prefix() -> impl Strategy<Value = IpNet> {
    (
        prop_oneof![9 => 0u32..(1 << 18), 1 => any::<u32>()],
        0u8..=32,
    )
        .prop_map(|(low, len)| {
            let addr = if low < (1 << 18) {
                (10u32 << 24) | (low << 6)
            } else {
                low
            };
            IpNet::V4(Ipv4Net::new(Ipv4Addr::from(addr), len).unwrap().trunc())
        })
}

fn v6_prefix() -> impl Strategy<Value = IpNet> {
    (0u128..(1 << 20), 0u8..=128).prop_map(|(low, len)| {
        let addr = (0x2001_0db8u128 << 96) | (low << 90);
        IpNet::V6(Ipv6Net::new(Ipv6Addr::from(addr), len).unwrap().trunc())
    })
}

fn matcher(afi: Afi) -> BoxedStrategy<PrefixMatcher> {
    let max = afi.max_len();
    let prefix = if afi == Afi::Ipv4 {
        v4_prefix().boxed()
    } else {
        v6_prefix().boxed()
    };
    prop_oneof![
        1 => Just(PrefixMatcher::Any),
        9 => (prefix, any::<u8>(), any::<u8>(), 0u8..4).prop_map(move |(p, a, b, mode)| {
            let len = p.prefix_len();
            let span = u16::from(max - len) + 1;
            let x = len + (u16::from(a) % span) as u8;
            let y = len + (u16::from(b) % span) as u8;
            let (lo, hi) = (x.min(y), x.max(y));
            match mode {
                0 => PrefixMatcher::Prefix { prefix: p, ge: None, le: None },
                1 => PrefixMatcher::Prefix { prefix: p, ge: Some(lo), le: None },
                2 => PrefixMatcher::Prefix { prefix: p, ge: None, le: Some(hi) },
                _ => PrefixMatcher::Prefix { prefix: p, ge: Some(lo), le: Some(hi) },
            }
        }),
    ]
    .boxed()
}

fn list(afi: Afi) -> impl Strategy<Value = PrefixList> {
    sized_list(afi, 0..40, 200)
}

fn sized_list(
    afi: Afi,
    n: std::ops::Range<usize>,
    max_seq: u32,
) -> impl Strategy<Value = PrefixList> {
    proptest::collection::vec((1u32..max_seq, any::<bool>(), matcher(afi)), n).prop_map(move |es| {
        let mut entries: Vec<PrefixListEntry> = Vec::new();
        for (seq, permit, m) in es {
            if entries.iter().any(|e| e.seq == seq) {
                continue;
            }
            let action = if permit { Action::Permit } else { Action::Deny };
            entries.push(PrefixListEntry {
                seq,
                action,
                matcher: m,
            });
        }
        // Unsorted on purpose: both evaluators must order by seq themselves.
        PrefixList {
            name: "P".into(),
            afi,
            description: None,
            entries,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn trie_agrees_with_linear_v4(l in list(Afi::Ipv4), routes in proptest::collection::vec(v4_prefix(), 1..60)) {
        let t = CompiledPrefixList::new(&l);
        for r in &routes {
            prop_assert_eq!(t.apply(r), linear::prefix_list_apply(&l, r), "route {} list {:?}", r, l);
        }
        // Entries' own prefixes (and their ge/le bounds) are the interesting edge cases.
        for e in &l.entries {
            if let PrefixMatcher::Prefix { prefix, .. } = &e.matcher {
                for len in prefix.prefix_len()..=32 {
                    let r = IpNet::new(prefix.network(), len).unwrap();
                    prop_assert_eq!(t.apply(&r), linear::prefix_list_apply(&l, &r), "route {}", r);
                }
            }
        }
    }

    #[test]
    fn trie_agrees_with_linear_v6(l in list(Afi::Ipv6), routes in proptest::collection::vec(v6_prefix(), 1..60)) {
        let t = CompiledPrefixList::new(&l);
        for r in &routes {
            prop_assert_eq!(t.apply(r), linear::prefix_list_apply(&l, r), "route {}", r);
        }
        let v4: IpNet = "10.0.0.0/8".parse().unwrap();
        prop_assert_eq!(t.apply(&v4), linear::prefix_list_apply(&l, &v4));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Lists of 512+ entries use the root table of the large-list layout.
    #[test]
    fn large_trie_agrees_with_linear_v4(
        l in sized_list(Afi::Ipv4, 600..900, 100_000),
        routes in proptest::collection::vec(v4_prefix(), 100..200),
    ) {
        let t = CompiledPrefixList::new(&l);
        for r in &routes {
            prop_assert_eq!(t.apply(r), linear::prefix_list_apply(&l, r), "route {}", r);
        }
        for e in l.entries.iter().take(25) {
            if let PrefixMatcher::Prefix { prefix, .. } = &e.matcher {
                for len in prefix.prefix_len()..=32 {
                    let r = IpNet::new(prefix.network(), len).unwrap();
                    prop_assert_eq!(t.apply(&r), linear::prefix_list_apply(&l, &r), "route {}", r);
                }
            }
        }
    }
}

#[test]
fn frr_rules_for_ge_le_and_defaults() {
    let p = |s: &str| s.parse::<IpNet>().unwrap();
    let l = route_policy::parse(
        "ip prefix-list A seq 5 permit 10.0.0.0/8 le 16\n\
         ip prefix-list A seq 10 permit 172.16.0.0/12 ge 24\n\
         ip prefix-list A seq 15 deny 192.168.0.0/16 ge 20 le 24\n\
         ip prefix-list A seq 20 permit 192.168.0.0/16 le 32\n\
         ip prefix-list A seq 25 permit 1.0.0.0/8\n",
    )
    .unwrap();
    let a = l.prefix_list(Afi::Ipv4, "A").unwrap();
    let t = CompiledPrefixList::new(a);
    let cases = [
        ("10.0.0.0/8", Action::Permit), // le without ge: [8, 16]
        ("10.1.0.0/16", Action::Permit),
        ("10.1.1.0/24", Action::Deny),
        ("172.16.0.0/12", Action::Deny), // ge without le: [24, 32]
        ("172.16.1.0/24", Action::Permit),
        ("172.16.1.1/32", Action::Permit),
        ("192.168.1.0/24", Action::Deny), // first match wins (seq 15)
        ("192.168.1.0/25", Action::Permit),
        ("192.168.0.0/16", Action::Permit),
        ("1.0.0.0/8", Action::Permit), // exact only
        ("1.0.0.0/9", Action::Deny),
        ("2.0.0.0/8", Action::Deny),     // implicit deny
        ("2001:db8::/32", Action::Deny), // other family
    ];
    for (r, want) in cases {
        assert_eq!(t.apply(&p(r)), want, "{r}");
        assert_eq!(linear::prefix_list_apply(a, &p(r)), want, "{r} (linear)");
    }
    // A list without entries permits everything (FRR prefix_list_apply with count 0).
    let empty = PrefixList {
        name: "E".into(),
        afi: Afi::Ipv4,
        description: Some("x".into()),
        entries: vec![],
    };
    assert_eq!(
        CompiledPrefixList::new(&empty).apply(&p("9.9.9.0/24")),
        Action::Permit
    );
    // `any` covers every length of its family only.
    let any = route_policy::parse("ipv6 prefix-list B seq 5 permit any\n").unwrap();
    let b = CompiledPrefixList::new(any.prefix_list(Afi::Ipv6, "B").unwrap());
    assert_eq!(b.apply(&p("::/0")), Action::Permit);
    assert_eq!(b.apply(&p("2001:db8::1/128")), Action::Permit);
    assert_eq!(b.apply(&p("10.0.0.0/8")), Action::Deny);
}
