//! The scenarios of upstream's `TestController_reconcile` (ovn-kubernetes
//! go-controller/pkg/clustermanager/routeadvertisements/controller_test.go), ported to the pure
//! generation: same objects, same expected generated FRRConfigurations and acceptance, plus the
//! reasons and messages upstream puts in the status.

use std::collections::BTreeMap;

use crd_model::generate::{
    ClusterState, EgressIPAssignment, GenerateError, NetworkRole, Reason, Topology,
    UserDefinedNetwork, generate, plan,
};
use crd_model::{
    Advertise, AdvertisementType, AllowMode, AllowedOutPrefixes, ClusterUserDefinedNetworkSelector,
    CommunityPrefixes, FRRConfiguration, FRRConfigurationSpec, Import, LabelSelector,
    LocalPrefPrefixes, Neighbor, NetworkSelectionType, NetworkSelector, NextHop, Node, Receive,
    RouteAdvertisements, RouteAdvertisementsSpec, Router,
};

const NS: &str = "frrNamespace";
const KEY: &str = "k8s.ovn.org/route-advertisements";

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[derive(Default)]
struct TestRA {
    name: &'static str,
    target_vrf: &'static str,
    network_selector: Option<&'static [(&'static str, &'static str)]>,
    node_selector: &'static [(&'static str, &'static str)],
    frr_selector: &'static [(&'static str, &'static str)],
    selects_default: bool,
    pods: bool,
    eips: bool,
}

impl TestRA {
    fn build(&self) -> RouteAdvertisements {
        let mut advertisements = Vec::new();
        if self.pods {
            advertisements.push(AdvertisementType::PodNetwork);
        }
        if self.eips {
            advertisements.push(AdvertisementType::EgressIP);
        }
        let mut network_selectors = Vec::new();
        if let Some(sel) = self.network_selector {
            network_selectors.push(NetworkSelector {
                network_selection_type: NetworkSelectionType::ClusterUserDefinedNetworks,
                cluster_user_defined_network_selector: Some(ClusterUserDefinedNetworkSelector {
                    network_selector: LabelSelector::from_labels(sel.iter().copied()),
                }),
                ..Default::default()
            });
        }
        // upstream's builder selects the default network when nothing else is selected
        if self.selects_default || self.network_selector.is_none() {
            network_selectors.push(NetworkSelector::default_network());
        }
        RouteAdvertisements::new(
            self.name,
            RouteAdvertisementsSpec {
                target_vrf: self.target_vrf.to_string(),
                network_selectors,
                node_selector: LabelSelector::from_labels(self.node_selector.iter().copied()),
                frr_configuration_selector: LabelSelector::from_labels(
                    self.frr_selector.iter().copied(),
                ),
                advertisements,
            },
        )
    }
}

fn neighbor(asn: u32, address: &str, advertise: &[&str]) -> Neighbor {
    Neighbor {
        asn,
        address: address.to_string(),
        to_advertise: Advertise {
            allowed: AllowedOutPrefixes {
                prefixes: advertise.iter().map(|s| s.to_string()).collect(),
                mode: AllowMode::Filtered,
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

fn router(
    asn: u32,
    vrf: &str,
    prefixes: &[&str],
    neighbors: Vec<Neighbor>,
    imports: &[&str],
) -> Router {
    Router {
        asn,
        vrf: vrf.to_string(),
        prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        neighbors,
        imports: imports
            .iter()
            .map(|v| Import { vrf: v.to_string() })
            .collect(),
        ..Default::default()
    }
}

fn frr(
    name: &str,
    label: &[(&str, &str)],
    node_selector: &[(&str, &str)],
    routers: Vec<Router>,
) -> FRRConfiguration {
    let mut f = FRRConfiguration::new(
        name,
        NS,
        FRRConfigurationSpec {
            node_selector: LabelSelector::from_labels(node_selector.iter().copied()),
            ..Default::default()
        },
    );
    f.metadata.labels = labels(label);
    f.spec.bgp.routers = routers;
    f
}

fn generated(ra: &str, key: &str, node: &str, routers: Vec<Router>) -> FRRConfiguration {
    let mut f = frr(
        "",
        &[(KEY, ra)],
        &[("kubernetes.io/hostname", node)],
        routers,
    );
    f.metadata.generate_name = "ovnk-generated-".into();
    f.metadata.annotations = labels(&[(KEY, key)]);
    f
}

fn node(name: &str, node_labels: &[(&str, &str)], subnets: Option<&str>) -> Node {
    let mut n = Node::new(name);
    n.metadata.labels = labels(node_labels);
    if let Some(s) = subnets {
        n.metadata
            .annotations
            .insert("k8s.ovn.org/node-subnets".into(), s.into());
    }
    // upstream's test nodes all carry a primary address annotation
    n.metadata.annotations.insert(
        "k8s.ovn.org/node-primary-ifaddr".into(),
        r#"{"ipv4":"1.0.1.100/24","ipv6":"fd03::ffff:0100:0050/64"}"#.into(),
    );
    n
}

fn cudn(name: &str, topology: Topology, subnet: &str, selected: bool) -> UserDefinedNetwork {
    UserDefinedNetwork {
        name: name.into(),
        labels: if selected {
            labels(&[("selected", "true")])
        } else {
            BTreeMap::new()
        },
        topology,
        role: NetworkRole::Primary,
        subnets: if subnet.is_empty() {
            vec![]
        } else {
            vec![subnet.into()]
        },
        network_id: 0,
    }
}

fn eip(node: &str, ip: &str, network: &str) -> EgressIPAssignment {
    EgressIPAssignment {
        name: format!("eip-{ip}"),
        node: node.into(),
        egress_ip: ip.into(),
        network: network.into(),
    }
}

/// Runs the generation and returns the RA's result.
fn run(
    state: &ClusterState,
    ra: &str,
) -> Result<BTreeMap<String, FRRConfiguration>, GenerateError> {
    generate(state).route_advertisements[ra].result.clone()
}

fn assert_generated(got: &BTreeMap<String, FRRConfiguration>, want: &[FRRConfiguration]) {
    let keys: Vec<&String> = got.keys().collect();
    let want_keys: Vec<&String> = want.iter().map(|f| &f.metadata.annotations[KEY]).collect();
    assert_eq!(keys, want_keys, "generated keys");
    for w in want {
        let g = &got[&w.metadata.annotations[KEY]];
        assert_eq!(
            g.metadata.labels, w.metadata.labels,
            "labels of {}",
            w.metadata.annotations[KEY]
        );
        assert_eq!(g.metadata.annotations, w.metadata.annotations);
        assert_eq!(g.metadata.namespace, NS);
        assert_eq!(g.metadata.generate_name, "ovnk-generated-");
        assert!(g.metadata.name.is_empty());
        assert_eq!(g.spec, w.spec, "spec of {}", w.metadata.annotations[KEY]);
    }
}

fn assert_error(
    r: Result<BTreeMap<String, FRRConfiguration>, GenerateError>,
    reason: Reason,
    text: &str,
) {
    let e = r.expect_err("expected the RouteAdvertisements not to be accepted");
    assert_eq!(e.reason, reason, "{e}");
    assert_eq!(e.to_string(), text);
}

#[test]
fn pod_and_eip_default_network_default_vrf() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                eips: true,
                selects_default: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        egress_ips: vec![eip("node", "1.0.1.1", "default")],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[generated(
            "ra",
            "ra/frrConfig/node",
            "node",
            vec![router(
                1,
                "",
                &["1.0.1.1/32", "1.1.0.0/24"],
                vec![neighbor(1, "1.0.0.100", &["1.0.1.1/32", "1.1.0.0/24"])],
                &[],
            )],
        )],
    );
}

#[test]
fn dual_stack_pod_and_eip_filters_prefixes_per_neighbor_family() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                eips: true,
                selects_default: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![
                    neighbor(1, "1.0.0.100", &[]),
                    neighbor(1, "fd02::ffff:100:64", &[]),
                ],
                &[],
            )],
        )],
        nodes: vec![node(
            "node",
            &[],
            Some(r#"{"default":["1.1.0.0/24","fd01::/64"]}"#),
        )],
        egress_ips: vec![
            eip("node", "1.0.1.1", "default"),
            eip("node", "fd03::ffff:100:101", "default"),
        ],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[generated(
            "ra",
            "ra/frrConfig/node",
            "node",
            vec![router(
                1,
                "",
                &[
                    "1.0.1.1/32",
                    "1.1.0.0/24",
                    "fd01::/64",
                    "fd03::ffff:100:101/128",
                ],
                vec![
                    neighbor(1, "1.0.0.100", &["1.0.1.1/32", "1.1.0.0/24"]),
                    neighbor(
                        1,
                        "fd02::ffff:100:64",
                        &["fd01::/64", "fd03::ffff:100:101/128"],
                    ),
                ],
                &[],
            )],
        )],
    );
}

#[test]
fn pod_non_default_layer3_and_layer2_networks_default_vrf_imports() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &["1.1.1.0/24"])],
                &[],
            )],
        )],
        networks: vec![
            cudn("red", Topology::Layer3, "1.2.0.0/16", true),
            cudn("blue", Topology::Layer3, "1.3.0.0/16", true),
            cudn("green", Topology::Layer2, "1.4.0.0/16", true),
            cudn("black", Topology::Layer2, "1.5.0.0/16", true),
        ],
        nodes: vec![node(
            "node",
            &[],
            Some(
                r#"{"default":"1.1.0.0/24", "cluster_udn_red":"1.2.0.0/24", "cluster_udn_blue":"1.3.0.0/24"}"#,
            ),
        )],
        egress_ips: vec![eip("node", "1.0.1.1", "default")],
        ..Default::default()
    };
    let all = ["1.2.0.0/24", "1.3.0.0/24", "1.4.0.0/16", "1.5.0.0/16"];
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[generated(
            "ra",
            "ra/frrConfig/node",
            "node",
            vec![
                router(
                    1,
                    "",
                    &all,
                    vec![neighbor(1, "1.0.0.100", &all)],
                    &["black", "blue", "green", "red"],
                ),
                router(1, "black", &[], vec![], &["default"]),
                router(1, "blue", &[], vec![], &["default"]),
                router(1, "green", &[], vec![], &["default"]),
                router(1, "red", &[], vec![], &["default"]),
            ],
        )],
    );
}

#[test]
fn layer3_eip_non_default_network_named_target_vrf() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "red",
                eips: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "red",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        networks: vec![
            cudn("red", Topology::Layer3, "1.2.0.0/16", false),
            cudn("blue", Topology::Layer3, "1.3.0.0/16", true),
        ],
        nodes: vec![node(
            "node",
            &[],
            Some(
                r#"{"default":"1.1.1.0/24", "cluster_udn_red":"1.2.1.0/24", "cluster_udn_blue":"1.3.1.0/24"}"#,
            ),
        )],
        egress_ips: vec![
            eip("node", "172.100.0.16", "cluster_udn_blue"),
            eip("node", "1.0.1.2", "cluster_udn_red"), // served by an unselected network
            eip("node", "1.0.1.3", "cluster_udn_blue"),
        ],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[generated(
            "ra",
            "ra/frrConfig/node",
            "node",
            vec![
                router(
                    1,
                    "red",
                    &["1.0.1.3/32", "172.100.0.16/32"],
                    vec![neighbor(1, "1.0.0.100", &["1.0.1.3/32", "172.100.0.16/32"])],
                    &["blue"],
                ),
                router(1, "blue", &[], vec![], &["red"]),
            ],
        )],
    );
}

#[test]
fn layer2_eip_is_a_configuration_error() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "green",
                eips: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "green",
                &["1.4.0.0/16"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        networks: vec![
            cudn("green", Topology::Layer2, "1.4.0.0/16", true),
            cudn("black", Topology::Layer2, "1.5.0.0/16", false),
        ],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.1.0/24"}"#))],
        egress_ips: vec![eip("node", "172.100.0.17", "cluster_udn_green")],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: EgressIP advertisement is currently not supported for Layer2 networks, network: cluster_udn_green",
    );
}

#[test]
fn multiple_sources_nodes_and_networks_on_auto_target_vrf() {
    let sel: &[(&str, &str)] = &[("selected", "true")];
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                target_vrf: "auto",
                frr_selector: &[("selected", "true")],
                network_selector: Some(&[("selected", "true")]),
                selects_default: true,
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![
            cudn("red", Topology::Layer3, "1.2.0.0/16", true),
            cudn("blue", Topology::Layer3, "", false),
            cudn("green", Topology::Layer2, "1.4.0.0/16", true),
            cudn("black", Topology::Layer2, "", false),
        ],
        frr_configurations: vec![
            frr(
                "frrConfig-node1",
                sel,
                &[("node", "node1")],
                vec![
                    router(
                        1,
                        "",
                        &["1.0.1.0/24"],
                        vec![neighbor(1, "1.0.0.100", &[])],
                        &[],
                    ),
                    router(
                        1,
                        "red",
                        &["1.0.2.0/24"],
                        vec![neighbor(1, "1.0.0.100", &[])],
                        &[],
                    ),
                    router(
                        1,
                        "green",
                        &["1.2.0.0/16"],
                        vec![neighbor(1, "1.0.0.100", &[])],
                        &[],
                    ),
                ],
            ),
            frr(
                "frrConfig-node2",
                sel,
                &[("node", "node2")],
                vec![router(
                    1,
                    "",
                    &["1.0.1.0/24"],
                    vec![neighbor(1, "1.0.0.100", &[])],
                    &[],
                )],
            ),
            frr(
                "another-frrConfig-node2",
                sel,
                &[("node", "node2")],
                vec![
                    router(
                        1,
                        "red",
                        &["1.0.2.0/24"],
                        vec![neighbor(1, "1.0.0.100", &[])],
                        &[],
                    ),
                    router(
                        1,
                        "green",
                        &["1.2.0.0/16"],
                        vec![neighbor(1, "1.0.0.100", &[])],
                        &[],
                    ),
                ],
            ),
            frr(
                "another-frrConfig",
                &[],
                &[],
                vec![
                    // not selected
                    router(
                        3,
                        "blue",
                        &["3.0.1.0/24"],
                        vec![neighbor(3, "3.0.0.100", &[])],
                        &[],
                    ),
                ],
            ),
        ],
        nodes: vec![
            node(
                "node1",
                &[("selected", "true"), ("node", "node1")],
                Some(
                    r#"{"default":"1.1.1.0/24", "cluster_udn_red":"1.2.1.0/24", "cluster_udn_blue":"1.3.1.0/24"}"#,
                ),
            ),
            node(
                "node2",
                &[("selected", "true"), ("node", "node2")],
                Some(
                    r#"{"default":"1.1.2.0/24", "cluster_udn_red":"1.2.2.0/24", "cluster_udn_blue":"1.3.2.0/24"}"#,
                ),
            ),
        ],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[
            generated(
                "ra",
                "ra/another-frrConfig-node2/node2",
                "node2",
                vec![
                    router(
                        1,
                        "red",
                        &["1.2.2.0/24"],
                        vec![neighbor(1, "1.0.0.100", &["1.2.2.0/24"])],
                        &[],
                    ),
                    router(
                        1,
                        "green",
                        &["1.4.0.0/16"],
                        vec![neighbor(1, "1.0.0.100", &["1.4.0.0/16"])],
                        &[],
                    ),
                ],
            ),
            generated(
                "ra",
                "ra/frrConfig-node1/node1",
                "node1",
                vec![
                    router(
                        1,
                        "",
                        &["1.1.1.0/24"],
                        vec![neighbor(1, "1.0.0.100", &["1.1.1.0/24"])],
                        &[],
                    ),
                    router(
                        1,
                        "red",
                        &["1.2.1.0/24"],
                        vec![neighbor(1, "1.0.0.100", &["1.2.1.0/24"])],
                        &[],
                    ),
                    router(
                        1,
                        "green",
                        &["1.4.0.0/16"],
                        vec![neighbor(1, "1.0.0.100", &["1.4.0.0/16"])],
                        &[],
                    ),
                ],
            ),
            generated(
                "ra",
                "ra/frrConfig-node2/node2",
                "node2",
                vec![router(
                    1,
                    "",
                    &["1.1.2.0/24"],
                    vec![neighbor(1, "1.0.0.100", &["1.1.2.0/24"])],
                    &[],
                )],
            ),
        ],
    );
}

#[test]
fn updates_stale_generated_object_keeping_its_name() {
    let mut stale = generated(
        "ra",
        "ra/frrConfig/node",
        "node",
        vec![router(
            1,
            "",
            &["2.0.1.1", "2.1.0.0/24"],
            vec![neighbor(1, "1.0.0.100", &[])],
            &[],
        )],
    );
    stale.metadata.name = "generated".into();
    stale.metadata.resource_version = "7".into();
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                eips: true,
                selects_default: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![
            frr(
                "frrConfig",
                &[],
                &[],
                vec![router(
                    1,
                    "",
                    &["1.1.1.0/24"],
                    vec![neighbor(1, "1.0.0.100", &[])],
                    &[],
                )],
            ),
            stale.clone(),
        ],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        egress_ips: vec![eip("node", "1.0.1.1", "default")],
        ..Default::default()
    };
    let g = generate(&state);
    let p = plan(&g, &state.frr_configurations);
    assert!(p.create.is_empty() && p.delete.is_empty(), "{p:?}");
    assert_eq!(p.update.len(), 1);
    let u = &p.update[0];
    assert_eq!(u.key, "ra/frrConfig/node");
    assert_eq!(u.object.metadata.name, "generated");
    assert_eq!(u.object.metadata.resource_version, "7");
    assert_eq!(
        u.object.spec.bgp.routers[0].prefixes,
        ["1.0.1.1/32", "1.1.0.0/24"]
    );
    assert!(p.had_updates.contains("ra"));
}

#[test]
fn deleted_route_advertisements_deletes_its_generated_objects() {
    let mut old = generated(
        "ra",
        "ra/default/frrConfig/node",
        "node",
        vec![router(
            1,
            "",
            &["1.0.1.1"],
            vec![neighbor(1, "1.0.0.100", &[])],
            &[],
        )],
    );
    old.metadata.name = "generated".into();
    let state = ClusterState {
        frr_configurations: vec![old],
        ..Default::default()
    };
    let p = plan(&generate(&state), &state.frr_configurations);
    assert_eq!(p.delete.len(), 1);
    assert_eq!(p.delete[0].to_string(), "frrNamespace/generated");
    assert!(p.create.is_empty() && p.update.is_empty());
}

#[test]
fn status_is_reapplied_even_without_other_updates() {
    let mut ra = TestRA {
        name: "ra",
        pods: true,
        eips: true,
        selects_default: true,
        ..Default::default()
    }
    .build();
    ra.status = crd_model::generate::accepted_condition(
        Err(&GenerateError {
            reason: Reason::ConfigurationError,
            detail: "old".into(),
        }),
        0,
        "t0",
    );
    let mut existing = generated(
        "ra",
        "ra/frrConfig/node",
        "node",
        vec![router(
            1,
            "",
            &["1.0.1.1/32", "1.1.0.0/24"],
            vec![neighbor(1, "1.0.0.100", &["1.0.1.1/32", "1.1.0.0/24"])],
            &[],
        )],
    );
    existing.metadata.name = "ovnk-generated-abcde".into();
    let state = ClusterState {
        route_advertisements: vec![ra.clone()],
        frr_configurations: vec![
            frr(
                "frrConfig",
                &[],
                &[],
                vec![router(
                    1,
                    "",
                    &["1.1.1.0/24"],
                    vec![neighbor(1, "1.0.0.100", &[])],
                    &[],
                )],
            ),
            existing,
        ],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        egress_ips: vec![eip("node", "1.0.1.1", "default")],
        ..Default::default()
    };
    let g = generate(&state);
    let p = plan(&g, &state.frr_configurations);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(p.unchanged.len(), 1);
    assert!(g.route_advertisements["ra"].result.is_ok());
    assert!(
        crd_model::generate::needs_status_update(&ra, true, false),
        "acceptance flipped"
    );
    let now_accepted = crd_model::generate::accepted_condition(Ok(()), 0, "t1");
    ra.status = now_accepted;
    assert!(!crd_model::generate::needs_status_update(&ra, true, false));
    assert!(
        crd_model::generate::needs_status_update(&ra, true, true),
        "had updates"
    );
    ra.metadata.generation = 2;
    assert!(
        crd_model::generate::needs_status_update(&ra, true, false),
        "new generation"
    );
}

#[test]
fn secondary_network_is_a_configuration_error() {
    let mut red = cudn("red", Topology::Layer3, "1.2.0.0/16", true);
    red.role = NetworkRole::Secondary;
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![red],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        r#"configuration error: selected network "cluster_udn_red" is not the default nor a primary network"#,
    );
}

#[test]
fn no_cluster_network_selected_is_pending() {
    // upstream's "non-cluster UDN" case: the only network is not a CUDN, so nothing is selected
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![cudn("red", Topology::Layer3, "1.2.0.0/16", false)],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationPending,
        "configuration pending: no networks selected",
    );
}

#[test]
fn pod_network_with_node_selector_is_a_configuration_error() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                node_selector: &[("selected-by", "RouteAdvertisements")],
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[("selected-by", "FRRConfiguration")],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        nodes: vec![
            node(
                "node1",
                &[("selected-by", "FRRConfiguration")],
                Some(r#"{"default":"1.1.0.0/24"}"#),
            ),
            node(
                "node2",
                &[("selected-by", "RouteAdvertisements")],
                Some(r#"{"default":"1.1.0.0/24"}"#),
            ),
        ],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: node selector has to select all nodes if pod network is advertised",
    );
}

#[test]
fn no_nodes_selected_is_pending() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                eips: true,
                node_selector: &[("egress", "yes")],
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(1, "", &[], vec![neighbor(1, "1.0.0.100", &[])], &[])],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    let e = run(&state, "ra").unwrap_err();
    assert_eq!(e.reason, Reason::ConfigurationPending);
    assert_eq!(e.to_string(), "configuration pending: no nodes selected");
    let status = crd_model::generate::accepted_condition(Err(&e), 3, "2026-01-01T00:00:00Z");
    assert_eq!(
        status.status,
        "Not Accepted: configuration pending: no nodes selected"
    );
    let c = &status.conditions[0];
    assert_eq!(
        (c.type_.as_str(), c.reason.as_str(), c.observed_generation),
        ("Accepted", "ConfigurationPending", 3)
    );
    assert_eq!(c.status, crd_model::ConditionStatus::False);
    assert_eq!(c.message, "configuration pending: no nodes selected");
}

#[test]
fn no_frr_configurations_selected_is_pending() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                frr_selector: &[("use", "ra")],
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(1, "", &[], vec![neighbor(1, "1.0.0.100", &[])], &[])],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationPending,
        "configuration pending: no FRRConfigurations selected",
    );
}

#[test]
fn missing_subnet_annotation_waits() {
    let mut state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        nodes: vec![node("node", &[], None)],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: will wait for subnet annotation to be set for node \"node\" and network \"default\": \
         configuration error: waiting for subnet annotation to be set for node \"node\": could not find \"k8s.ovn.org/node-subnets\" annotation",
    );
    // annotated, but not for this network
    state.nodes = vec![node("node", &[], Some(r#"{"red":"1.1.0.0/24"}"#))];
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: will wait for subnet annotation to be set for node \"node\" and network \"default\"",
    );
    // not JSON
    state.nodes = vec![node("node", &[], Some("{not json"))];
    let e = run(&state, "ra").unwrap_err();
    assert!(
        e.to_string()
            .contains("failed to parse \"k8s.ovn.org/node-subnets\" annotation"),
        "{e}"
    );
    // not a CIDR
    state.nodes = vec![node("node", &[], Some(r#"{"default":"1.1.0.0"}"#))];
    let e = run(&state, "ra").unwrap_err();
    assert!(e.to_string().contains("invalid CIDR \"1.1.0.0\""), "{e}");
}

#[test]
fn source_without_matching_vrf_is_a_configuration_error() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "red",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: FRRConfiguration \"frrConfig\" selected for node \"node\" has no VRF matching the RouteAdvertisements target VRF or any selected network",
    );
}

#[test]
fn auto_target_vrf_must_match_every_selected_network() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "auto",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![
            cudn("red", Topology::Layer3, "", true),
            cudn("blue", Topology::Layer2, "1.4.0.0/16", true),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "red",
                &["1.1.1.0/24"],
                vec![neighbor(1, "1.0.0.100", &[])],
                &[],
            )],
        )],
        nodes: vec![node(
            "node",
            &[],
            Some(r#"{"cluster_udn_red":"1.1.0.0/24"}"#),
        )],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: selected FRRConfigurations for node \"node\" don't match all selected networks with target VRF 'auto'",
    );
}

#[test]
fn egress_ip_with_auto_target_vrf_is_a_configuration_error() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "auto",
                eips: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![cudn("red", Topology::Layer3, "", true)],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: advertising EgressIP not supported with TargetVRF set to 'auto'",
    );
}

#[test]
fn dual_stack_address_family_is_a_configuration_error() {
    let mut n = neighbor(1, "1.0.0.100", &[]);
    n.dual_stack_address_family = true;
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(1, "", &["1.1.1.0/24"], vec![n], &[])],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: DualStackAddressFamily==true not supported, seen on FRRConfiguration frrNamespace/frrConfig neighbor 1.0.0.100",
    );
}

#[test]
fn own_address_neighbor_is_skipped() {
    // the node's primary address is 1.0.1.100 (see `node`); a source listing every node as a
    // neighbor must not make the node peer with itself
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                1,
                "",
                &[],
                vec![neighbor(1, "1.0.0.100", &[]), neighbor(1, "1.0.1.100", &[])],
                &[],
            )],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_generated(
        &got,
        &[generated(
            "ra",
            "ra/frrConfig/node",
            "node",
            vec![router(
                1,
                "",
                &["1.1.0.0/24"],
                vec![neighbor(1, "1.0.0.100", &["1.1.0.0/24"])],
                &[],
            )],
        )],
    );
}

#[test]
fn neighbors_without_prefixes_and_routers_without_neighbors_are_dropped() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![
                // only IPv6 neighbors, only IPv4 prefixes: the router goes
                router(1, "", &[], vec![neighbor(1, "fd00::1", &[])], &[]),
                // a router of another VRF does not match
                router(2, "blue", &[], vec![neighbor(2, "1.0.0.1", &[])], &[]),
            ],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    // nothing left: upstream reports it as no matching VRF
    let e = run(&state, "ra").unwrap_err();
    assert!(e.to_string().contains("has no VRF matching"), "{e}");
}

#[test]
fn advertisements_replaced_receive_and_other_fields_kept() {
    let mut n = neighbor(64500, "192.168.111.1", &["10.0.0.0/8"]);
    n.to_advertise.allowed.mode = AllowMode::All;
    n.to_advertise.next_hop = Some(NextHop {
        ipv4: "1.2.3.4".into(),
        ipv6: String::new(),
    });
    n.to_advertise.prefixes_with_local_pref = vec![LocalPrefPrefixes {
        prefixes: vec!["10.0.0.0/8".into()],
        local_pref: 200,
    }];
    n.to_advertise.prefixes_with_community = vec![CommunityPrefixes {
        prefixes: vec!["10.0.0.0/8".into()],
        community: "1:1".into(),
    }];
    n.to_receive = Receive {
        allowed: crd_model::AllowedInPrefixes {
            prefixes: vec![],
            mode: AllowMode::All,
        },
    };
    n.bfd_profile = "fast".into();
    n.hold_time = Some("9s".parse().unwrap());
    let mut source = frr(
        "fabric",
        &[],
        &[],
        vec![router(64512, "", &["10.0.0.0/8"], vec![n.clone()], &[])],
    );
    source.spec.bgp.routers[0].id = "1.1.1.1".into();
    source.spec.bgp.bfd_profiles = vec![crd_model::BFDProfile {
        name: "fast".into(),
        receive_interval: Some(100),
        ..Default::default()
    }];
    source.spec.raw.config = "! raw".into();
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![source.clone()],
        nodes: vec![node("node1", &[], Some(r#"{"default":["10.100.1.0/24"]}"#))],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    let g = &got["ra/fabric/node1"];
    let r = &g.spec.bgp.routers[0];
    assert_eq!(r.id, "1.1.1.1");
    assert_eq!(r.prefixes, ["10.100.1.0/24"]);
    let gn = &r.neighbors[0];
    assert_eq!(
        gn.to_advertise,
        Advertise {
            allowed: AllowedOutPrefixes {
                prefixes: vec!["10.100.1.0/24".into()],
                mode: AllowMode::Filtered
            },
            ..Default::default()
        }
    );
    assert_eq!(gn.to_receive, n.to_receive);
    assert_eq!(gn.bfd_profile, "fast");
    assert_eq!(gn.hold_time, n.hold_time);
    assert_eq!(g.spec.bgp.bfd_profiles, source.spec.bgp.bfd_profiles);
    assert_eq!(g.spec.raw, source.spec.raw);
    assert_eq!(
        g.spec.node_selector,
        LabelSelector::from_labels([("kubernetes.io/hostname", "node1")])
    );
}

#[test]
fn generated_objects_are_not_sources() {
    let mut old = generated(
        "ra",
        "ra/x/node",
        "node",
        vec![router(1, "", &[], vec![neighbor(1, "1.0.0.100", &[])], &[])],
    );
    old.metadata.name = "ovnk-generated-xyz12".into();
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![old.clone()],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    // selected (empty selector) but skipped: no generated object, nothing else to do
    assert!(run(&state, "ra").unwrap().is_empty());
    let p = plan(&generate(&state), &state.frr_configurations);
    assert_eq!(
        p.delete,
        vec![crd_model::generate::ObjectRef {
            namespace: NS.into(),
            name: "ovnk-generated-xyz12".into()
        }]
    );
}

#[test]
fn layer2_network_on_auto_vrf_advertises_whole_subnet_from_every_node() {
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "auto",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![cudn("vms", Topology::Layer2, "10.100.0.0/16", true)],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(
                64512,
                "vms",
                &[],
                vec![neighbor(64512, "192.168.111.1", &[])],
                &[],
            )],
        )],
        nodes: vec![node("node1", &[], None), node("node2", &[], None)],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        ["ra/frrConfig/node1", "ra/frrConfig/node2"]
    );
    for g in got.values() {
        assert_eq!(g.spec.bgp.routers.len(), 1);
        assert_eq!(g.spec.bgp.routers[0].vrf, "vms");
        assert_eq!(g.spec.bgp.routers[0].prefixes, ["10.100.0.0/16"]);
    }
}

#[test]
fn long_cudn_names_get_numbered_vrfs_and_vrf_clashes_are_errors() {
    let mut long = cudn(
        "a-very-long-network-name",
        Topology::Layer3,
        "1.2.0.0/16",
        true,
    );
    long.network_id = 7;
    assert_eq!(long.vrf_name(), "mp7-udn-vrf");
    assert_eq!(long.network_name(), "cluster_udn_a-very-long-network-name");
    let mut clash = cudn(
        "another-very-long-name",
        Topology::Layer3,
        "1.3.0.0/16",
        true,
    );
    clash.network_id = 7;
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                network_selector: Some(&[("selected", "true")]),
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![long, clash],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: vrf \"mp7-udn-vrf\" found to be mapped to multiple networks [cluster_udn_a-very-long-network-name cluster_udn_another-very-long-name]",
    );
}

#[test]
fn unsupported_selection_type_is_a_configuration_error() {
    let mut ra = TestRA {
        name: "ra",
        pods: true,
        ..Default::default()
    }
    .build();
    ra.spec.network_selectors = vec![NetworkSelector {
        network_selection_type: NetworkSelectionType::PrimaryUserDefinedNetworks,
        ..Default::default()
    }];
    let state = ClusterState {
        route_advertisements: vec![ra],
        ..Default::default()
    };
    assert_error(
        run(&state, "ra"),
        Reason::ConfigurationError,
        "configuration error: unsupported network selection type PrimaryUserDefinedNetworks",
    );
}

#[test]
fn accepted_status_text() {
    let s = crd_model::generate::accepted_condition(Ok(()), 1, "2026-11-28T05:00:00Z");
    assert_eq!(s.status, "Accepted");
    assert_eq!(s.conditions[0].reason, "Accepted");
    assert_eq!(
        s.conditions[0].message,
        crd_model::generate::ACCEPTED_MESSAGE
    );
    assert_eq!(s.conditions[0].status, crd_model::ConditionStatus::True);
}

#[test]
fn interface_neighbors_get_ipv4_prefixes_as_upstream() {
    // upstream picks the family from the neighbor address; an unnumbered (interface) neighbor
    // has none and is treated as IPv4
    let mut n = neighbor(1, "", &[]);
    n.interface = "eth1".into();
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(1, "", &[], vec![n], &[])],
        )],
        nodes: vec![node(
            "node",
            &[],
            Some(r#"{"default":["1.1.0.0/24","fd01::/64"]}"#),
        )],
        ..Default::default()
    };
    let got = run(&state, "ra").unwrap();
    let r = &got["ra/frrConfig/node"].spec.bgp.routers[0];
    assert_eq!(r.prefixes, ["1.1.0.0/24", "fd01::/64"]);
    assert_eq!(r.neighbors[0].interface, "eth1");
    assert_eq!(r.neighbors[0].to_advertise.allowed.prefixes, ["1.1.0.0/24"]);
}

#[test]
fn hostile_annotations_never_panic() {
    let hostile = [
        "",
        "null",
        "[]",
        "{\"default\":null}",
        "{\"default\":[1,2]}",
        "{\"default\":\"::/999\"}",
        "{\"default\":\"1.1.1.1/33\"}",
        "{\"default\":[]}",
        &"[".repeat(10_000),
        "{\"default\":\"\u{0}\"}",
    ];
    for text in hostile {
        for annotation in [
            "k8s.ovn.org/node-subnets",
            "k8s.ovn.org/node-primary-ifaddr",
        ] {
            let mut n = node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#));
            n.metadata
                .annotations
                .insert(annotation.into(), text.to_string());
            let state = ClusterState {
                route_advertisements: vec![
                    TestRA {
                        name: "ra",
                        pods: true,
                        ..Default::default()
                    }
                    .build(),
                ],
                frr_configurations: vec![frr(
                    "frrConfig",
                    &[],
                    &[],
                    vec![router(1, "", &[], vec![neighbor(1, "1.0.0.100", &[])], &[])],
                )],
                nodes: vec![n],
                ..Default::default()
            };
            match (annotation.ends_with("node-subnets"), run(&state, "ra")) {
                // every one of these is a bad subnet annotation
                (true, r) => assert_eq!(
                    r.expect_err(text).reason,
                    Reason::ConfigurationError,
                    "{text:.40}"
                ),
                // the address annotation holds plain strings: shapes that decode are
                // accepted (and match no neighbor), the rest are internal errors
                (false, Ok(g)) => assert_eq!(g.len(), 1),
                (false, Err(e)) => assert_eq!(e.reason, Reason::InternalError, "{e}"),
            }
        }
    }
}

#[test]
fn target_vrf_default_matches_no_router_as_upstream_bug_5580() {
    // documented as the default VRF, but upstream only treats "" as such
    let state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                target_vrf: "default",
                pods: true,
                ..Default::default()
            }
            .build(),
        ],
        frr_configurations: vec![frr(
            "frrConfig",
            &[],
            &[],
            vec![router(1, "", &[], vec![neighbor(1, "1.0.0.100", &[])], &[])],
        )],
        nodes: vec![node("node", &[], Some(r#"{"default":"1.1.0.0/24"}"#))],
        ..Default::default()
    };
    let e = run(&state, "ra").unwrap_err();
    assert!(e.to_string().contains("has no VRF matching"), "{e}");
}

#[test]
fn output_does_not_depend_on_input_order() {
    let sel: &[(&str, &str)] = &[("selected", "true")];
    let mut state = ClusterState {
        route_advertisements: vec![
            TestRA {
                name: "ra",
                pods: true,
                network_selector: Some(sel),
                selects_default: true,
                ..Default::default()
            }
            .build(),
        ],
        networks: vec![
            cudn("red", Topology::Layer3, "1.2.0.0/16", true),
            cudn("green", Topology::Layer2, "1.4.0.0/16", true),
        ],
        frr_configurations: vec![
            frr(
                "b",
                &[],
                &[],
                vec![router(1, "", &[], vec![neighbor(1, "1.0.0.1", &[])], &[])],
            ),
            frr(
                "a",
                &[],
                &[],
                vec![router(
                    2,
                    "",
                    &[],
                    vec![neighbor(2, "fd00::1", &[]), neighbor(2, "1.0.0.2", &[])],
                    &[],
                )],
            ),
        ],
        nodes: vec![
            node(
                "n2",
                &[],
                Some(
                    r#"{"default":["1.1.2.0/24","fd01:0:0:2::/64"],"cluster_udn_red":"1.2.2.0/24"}"#,
                ),
            ),
            node(
                "n1",
                &[],
                Some(
                    r#"{"default":["1.1.1.0/24","fd01:0:0:1::/64"],"cluster_udn_red":"1.2.1.0/24"}"#,
                ),
            ),
        ],
        ..Default::default()
    };
    let first = generate(&state);
    assert_eq!(
        first.route_advertisements["ra"]
            .result
            .as_ref()
            .unwrap()
            .len(),
        4
    );
    state.frr_configurations.reverse();
    state.nodes.reverse();
    state.networks.reverse();
    assert_eq!(generate(&state), first);
}
