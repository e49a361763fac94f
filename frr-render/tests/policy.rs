//! One model of prefix lists and route maps: route-policy's parser reads back from every
//! rendered configuration exactly the objects `policy_of` builds, and route-policy's evaluator
//! gives the demo scenarios' import/export decisions.

mod common;

use common::fixtures::{demo_advertise, demo_import, node};
use frr_render::convert::node_config;
use frr_render::policy::{policy_of, route_map_names};
use frr_render::{Config, render};
use route_policy::{Action, CompiledPolicy, ParseOptions, Route, parse_with};

fn check(name: &str, config: &Config) {
    let mut lines: Vec<String> = render(config).lines().map(str::to_string).collect();
    // Lines FRR refuses when applying them (ranges like `/24 ge 16`, present in one upstream
    // golden) are dropped, as FRR drops them; policy_of skips them too.
    let opts = ParseOptions {
        ignore_unknown: true,
    };
    let parsed = loop {
        match parse_with(&lines.join("\n"), &opts) {
            Ok(p) => break p,
            Err(e) => {
                let line = &mut lines[e.line - 1];
                assert!(
                    e.message.contains("invalid prefix range"),
                    "{name}: {e}: {line}"
                );
                line.clear();
            }
        }
    };
    let built = policy_of(config);
    let mut a = parsed.clone();
    let mut b = built.clone();
    for p in [&mut a, &mut b] {
        p.prefix_lists
            .sort_by(|x, y| (x.afi, &x.name).cmp(&(y.afi, &y.name)));
        p.route_maps.sort_by(|x, y| x.name.cmp(&y.name));
    }
    assert_eq!(
        a.prefix_lists, b.prefix_lists,
        "{name}: prefix lists differ"
    );
    assert_eq!(a.route_maps, b.route_maps, "{name}: route maps differ");
    assert!(
        a.community_lists.is_empty() && a.as_path_lists.is_empty(),
        "{name}"
    );
}

#[test]
fn goldens_parse_back_to_policy_of() {
    let all = common::goldens();
    for (name, config, _) in &all {
        check(name, config);
    }
    for (name, config) in common::fixtures::converted_configs() {
        check(&name, &config);
    }
}

#[test]
fn demo_policies_decide_like_the_scenarios() {
    let n1 = node("node1", &[("kubernetes.io/hostname", "node1")]);
    let c = node_config(&n1, &[demo_import()], &[]).unwrap().config;
    check("demo-import", &c);
    let policy = CompiledPolicy::new(&policy_of(&c)).expect("compiles");
    for n in &c.routers[0].neighbors {
        let (inbound, outbound) = route_map_names(n);
        let mut ok = Route::new("172.26.0.0/16".parse().unwrap());
        assert_eq!(policy.apply(&inbound, &mut ok), Action::Permit, "{inbound}");
        for deny in ["172.27.0.0/16", "172.26.1.0/24", "fd00:26::/48"] {
            let mut r = Route::new(deny.parse().unwrap());
            assert_eq!(
                policy.apply(&inbound, &mut r),
                Action::Deny,
                "{inbound} {deny}"
            );
        }
        let mut r = Route::new("10.100.1.0/24".parse().unwrap());
        assert_eq!(
            policy.apply(&outbound, &mut r),
            Action::Deny,
            "{outbound} advertises nothing"
        );
    }

    let c = node_config(&n1, &demo_advertise(1), &[]).unwrap().config;
    check("demo-advertise", &c);
    let policy = CompiledPolicy::new(&policy_of(&c)).expect("compiles");
    let (inbound, outbound) = route_map_names(&c.routers[0].neighbors[0]);
    for (p, want) in [
        ("10.100.1.0/24", Action::Permit),
        ("10.100.0.0/16", Action::Permit),
        ("10.100.2.0/24", Action::Deny),
        ("0.0.0.0/0", Action::Deny),
    ] {
        let mut r = Route::new(p.parse().unwrap());
        assert_eq!(policy.apply(&outbound, &mut r), want, "{outbound} {p}");
    }
    let mut r = Route::new("203.0.113.0/24".parse().unwrap());
    assert_eq!(
        policy.apply(&inbound, &mut r),
        Action::Permit,
        "mode all accepts anything"
    );
}
