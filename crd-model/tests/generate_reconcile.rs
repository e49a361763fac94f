//! The reconcile plan: create, update only on spec change, delete obsolete and duplicate
//! generated objects, and leave alone those of RouteAdvertisements in configuration error.

use std::collections::BTreeMap;

use crd_model::generate::{
    ClusterState, GenerateError, Generated, RaGeneration, Reason, generate, plan, stable_name,
};
use crd_model::{
    FRRConfiguration, FRRConfigurationSpec, LabelSelector, Neighbor, Node, RouteAdvertisements,
    RouteAdvertisementsSpec, Router,
};

const KEY: &str = "k8s.ovn.org/route-advertisements";

fn existing(name: &str, ns: &str, ra: &str, key: Option<&str>, asn: u32) -> FRRConfiguration {
    let mut f = FRRConfiguration::new(name, ns, FRRConfigurationSpec::default());
    f.metadata.labels.insert(KEY.into(), ra.into());
    if let Some(k) = key {
        f.metadata.annotations.insert(KEY.into(), k.into());
    }
    f.spec.bgp.routers = vec![Router {
        asn,
        ..Default::default()
    }];
    f
}

fn desired(ns: &str, key: &str, asn: u32) -> FRRConfiguration {
    let mut f = FRRConfiguration::new("", ns, FRRConfigurationSpec::default());
    f.metadata.generate_name = "ovnk-generated-".into();
    f.metadata.annotations.insert(KEY.into(), key.into());
    f.spec.bgp.routers = vec![Router {
        asn,
        ..Default::default()
    }];
    f
}

fn gen_of(ras: Vec<(&str, Result<Vec<FRRConfiguration>, GenerateError>)>) -> Generated {
    Generated {
        route_advertisements: ras
            .into_iter()
            .map(|(name, r)| {
                let result = r.map(|v| {
                    v.into_iter()
                        .map(|f| (f.metadata.annotations[KEY].clone(), f))
                        .collect::<BTreeMap<_, _>>()
                });
                (
                    name.to_string(),
                    RaGeneration {
                        generation: 1,
                        result,
                    },
                )
            })
            .collect(),
    }
}

#[test]
fn creates_updates_deletes_and_keeps_duplicates_out() {
    let g = gen_of(vec![(
        "ra",
        Ok(vec![
            desired("ns", "ra/a/n1", 1),
            desired("ns", "ra/a/n2", 2),
            desired("ns", "ra/a/n3", 3),
        ]),
    )]);
    let have = vec![
        existing("ovnk-generated-bbbbb", "ns", "ra", Some("ra/a/n1"), 1), // unchanged
        existing("ovnk-generated-aaaaa", "ns", "ra", Some("ra/a/n1"), 9), // duplicate of n1, kept first by name
        existing("ovnk-generated-ccccc", "ns", "ra", Some("ra/a/n2"), 9), // stale spec
        existing("ovnk-generated-ddddd", "ns", "ra", Some("ra/a/gone"), 1), // obsolete
        existing("ovnk-generated-eeeee", "ns", "ra", None, 1), // no key: ignored as upstream
        existing("user-config", "ns", "other-label", None, 1), // not ours
    ];
    let p = plan(&g, &have);
    assert_eq!(p.create.len(), 1);
    assert_eq!(p.create[0].0, "ra/a/n3");
    assert_eq!(p.update.len(), 2, "{:?}", p.update);
    // n1: the first by name (aaaaa, asn 9) is kept and updated; bbbbb is the duplicate
    assert_eq!(p.update[0].key, "ra/a/n1");
    assert_eq!(p.update[0].object.metadata.name, "ovnk-generated-aaaaa");
    assert_eq!(p.update[1].object.metadata.name, "ovnk-generated-ccccc");
    let deleted: Vec<String> = p.delete.iter().map(|r| r.name.clone()).collect();
    assert_eq!(deleted, ["ovnk-generated-bbbbb", "ovnk-generated-ddddd"]);
    assert!(p.had_updates.contains("ra"));
}

#[test]
fn unchanged_spec_means_no_write() {
    let g = gen_of(vec![("ra", Ok(vec![desired("ns", "ra/a/n1", 1)]))]);
    let mut e = existing("ovnk-generated-bbbbb", "ns", "ra", Some("ra/a/n1"), 1);
    // labels and metadata differences alone do not trigger an update, as upstream
    e.metadata.resource_version = "42".into();
    let p = plan(&g, &[e]);
    assert!(p.is_empty());
    assert!(p.had_updates.is_empty());
    assert_eq!(p.unchanged.len(), 1);
}

#[test]
fn configuration_error_keeps_existing_pending_removes_them() {
    let have = vec![existing(
        "ovnk-generated-bbbbb",
        "ns",
        "ra",
        Some("ra/a/n1"),
        1,
    )];
    let err = GenerateError {
        reason: Reason::ConfigurationError,
        detail: "x".into(),
    };
    let p = plan(&gen_of(vec![("ra", Err(err))]), &have);
    assert!(p.is_empty(), "{p:?}");
    let err = GenerateError {
        reason: Reason::InternalError,
        detail: "x".into(),
    };
    assert!(plan(&gen_of(vec![("ra", Err(err))]), &have).is_empty());
    let pending = GenerateError {
        reason: Reason::ConfigurationPending,
        detail: "no nodes selected".into(),
    };
    let p = plan(&gen_of(vec![("ra", Err(pending))]), &have);
    assert_eq!(p.delete.len(), 1);
}

#[test]
fn namespace_change_recreates() {
    let g = gen_of(vec![("ra", Ok(vec![desired("new-ns", "ra/a/n1", 1)]))]);
    let p = plan(
        &g,
        &[existing(
            "ovnk-generated-bbbbb",
            "old-ns",
            "ra",
            Some("ra/a/n1"),
            1,
        )],
    );
    assert_eq!(p.delete.len(), 1);
    assert_eq!(p.delete[0].namespace, "old-ns");
    assert_eq!(p.create.len(), 1);
}

#[test]
fn end_to_end_generate_then_plan_is_idempotent() {
    // a state whose generated objects were written back plans nothing more
    let mut node = Node::new("n1");
    node.metadata.annotations.insert(
        "k8s.ovn.org/node-subnets".into(),
        r#"{"default":"10.0.1.0/24"}"#.into(),
    );
    let mut src = FRRConfiguration::new("src", "ns", FRRConfigurationSpec::default());
    src.spec.bgp.routers = vec![Router {
        asn: 1,
        neighbors: vec![Neighbor {
            asn: 1,
            address: "10.9.9.9".into(),
            ..Default::default()
        }],
        ..Default::default()
    }];
    let ra = RouteAdvertisements::new(
        "ra",
        RouteAdvertisementsSpec {
            network_selectors: vec![crd_model::NetworkSelector::default_network()],
            node_selector: LabelSelector::default(),
            frr_configuration_selector: LabelSelector::default(),
            advertisements: vec![crd_model::AdvertisementType::PodNetwork],
            target_vrf: String::new(),
        },
    );
    let mut state = ClusterState {
        route_advertisements: vec![ra],
        frr_configurations: vec![src],
        nodes: vec![node],
        ..Default::default()
    };
    let p = plan(&generate(&state), &state.frr_configurations);
    assert_eq!(p.create.len(), 1);
    let (key, mut created) = p.create[0].clone();
    created.metadata.name = stable_name(&key);
    state.frr_configurations.push(created);
    let p = plan(&generate(&state), &state.frr_configurations);
    assert!(p.is_empty(), "{p:?}");
}
