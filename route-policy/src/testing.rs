//! Invariants shared by the fuzz target `policy_parse` and the corpus replay test.

use crate::eval::CompiledPolicy;
use crate::model::{Action, Policy};
use crate::parse::{ParseOptions, parse_with};
use crate::render::{RenderOptions, render};
use crate::route::{AsPath, Route};

/// Parse arbitrary bytes; when they parse, check that rendering is a fixpoint (render → parse →
/// render gives the same text and the same model up to object order), that the policy compiles,
/// and that every route map evaluates a few routes. Returns whether the input parsed.
///
/// Panics when an invariant does not hold (that is the bug a fuzzer reports).
pub fn check_parse_invariants(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let mut parsed = false;
    for ignore_unknown in [false, true] {
        let Ok(policy) = parse_with(text, &ParseOptions { ignore_unknown }) else {
            continue;
        };
        parsed = true;
        let out = render(&policy, &RenderOptions::frr());
        let again = parse_with(&out, &ParseOptions::default())
            .unwrap_or_else(|e| panic!("rendered text does not parse: {e}\n{out}"));
        assert_eq!(
            render(&again, &RenderOptions::frr()),
            out,
            "render is not a fixpoint"
        );
        assert_eq!(
            sorted(&again),
            sorted(&policy),
            "model changed through render/parse"
        );
        let compiled = CompiledPolicy::new(&policy).expect("a parsed policy compiles");
        for m in &policy.route_maps {
            for p in ["10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32", "0.0.0.0/0"] {
                let mut r = Route::new(p.parse().expect("valid prefix"));
                r.as_path = AsPath::sequence([64512, 65001]);
                r.communities = vec!["65000:1".parse().expect("valid community")];
                let a = compiled.apply(&m.name, &mut r);
                assert!(matches!(a, Action::Permit | Action::Deny));
            }
        }
    }
    parsed
}

fn sorted(p: &Policy) -> Policy {
    let mut p = p.clone();
    p.prefix_lists
        .sort_by(|a, b| (a.afi, &a.name).cmp(&(b.afi, &b.name)));
    p.as_path_lists.sort_by(|a, b| a.name.cmp(&b.name));
    p.community_lists.sort_by(|a, b| a.name.cmp(&b.name));
    p.large_community_lists.sort_by(|a, b| a.name.cmp(&b.name));
    p.ext_community_lists.sort_by(|a, b| a.name.cmp(&b.name));
    p.route_maps.sort_by(|a, b| a.name.cmp(&b.name));
    // FRR's canonical form sorts clauses by text, as `show running-config` does.
    for e in p.route_maps.iter_mut().flat_map(|m| m.entries.iter_mut()) {
        e.matches.sort_by_key(crate::render::render_match);
        e.sets.sort_by_key(crate::render::render_set);
    }
    p
}
