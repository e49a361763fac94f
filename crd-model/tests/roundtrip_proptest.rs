//! Property: serializing any object (to JSON or YAML) and loading it back gives the same object.

use std::collections::BTreeMap;

use crd_model::*;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,10}[a-z0-9]"
}

fn text() -> impl Strategy<Value = String> {
    // arbitrary printable text, including YAML-significant characters
    "[ -~\u{e9}\u{4e2d}]{0,16}"
}

fn labels() -> impl Strategy<Value = BTreeMap<String, String>> {
    btree_map(ident(), text(), 0..3)
}

fn duration() -> impl Strategy<Value = Duration> {
    (0u64..400_000_000_000_000).prop_map(|n| Duration(std::time::Duration::from_nanos(n)))
}

fn selector() -> impl Strategy<Value = LabelSelector> {
    let op = prop_oneof![
        Just(LabelSelectorOperator::In),
        Just(LabelSelectorOperator::NotIn),
        Just(LabelSelectorOperator::Exists),
        Just(LabelSelectorOperator::DoesNotExist),
    ];
    (labels(), vec((ident(), op, vec(text(), 0..3)), 0..3)).prop_map(|(match_labels, exprs)| {
        LabelSelector {
            match_labels,
            match_expressions: exprs
                .into_iter()
                .map(|(key, operator, values)| LabelSelectorRequirement {
                    key,
                    operator,
                    values,
                })
                .collect(),
        }
    })
}

fn meta() -> impl Strategy<Value = ObjectMeta> {
    (
        ident(),
        option::of(ident()),
        labels(),
        labels(),
        any::<i64>(),
    )
        .prop_map(|(name, ns, labels, annotations, generation)| ObjectMeta {
            name,
            namespace: ns.unwrap_or_default(),
            labels,
            annotations,
            generation,
            ..Default::default()
        })
}

fn mode() -> impl Strategy<Value = AllowMode> {
    prop_oneof![Just(AllowMode::All), Just(AllowMode::Filtered)]
}

fn neighbor() -> impl Strategy<Value = Neighbor> {
    (
        (
            any::<u32>(),
            option::of(prop_oneof![
                Just(DynamicASNMode::Internal),
                Just(DynamicASNMode::External)
            ]),
            text(),
            text(),
            option::of(any::<u16>()),
            text(),
            option::of(duration()),
            option::of(duration()),
            option::of(duration()),
        ),
        (
            any::<bool>(),
            text(),
            any::<[bool; 3]>(),
            any::<u32>(),
            vec(
                prop_oneof![Just(AddressFamily::Unicast), Just(AddressFamily::Evpn)],
                0..3,
            ),
            (mode(), vec(text(), 0..3), option::of((text(), text()))),
            vec((vec(text(), 0..2), any::<u32>()), 0..2),
            vec((vec(text(), 0..2), text()), 0..2),
            (mode(), vec((text(), 0u32..200, 0u32..200), 0..3)),
            (text(), text()),
        ),
    )
        .prop_map(
            |(
                (asn, dynamic_asn, address, interface, port, password, hold, keepalive, connect),
                (
                    multihop,
                    bfd,
                    [gr, dmp, ds],
                    local_asn,
                    afs,
                    (out_mode, out_prefixes, next_hop),
                    lps,
                    comms,
                    (in_mode, selectors),
                    (secret_name, secret_ns),
                ),
            )| Neighbor {
                asn,
                dynamic_asn,
                source_address: password.chars().rev().collect(),
                address,
                interface,
                port,
                password,
                password_secret: SecretReference {
                    name: secret_name,
                    namespace: secret_ns,
                },
                hold_time: hold,
                keepalive_time: keepalive,
                connect_time: connect,
                ebgp_multi_hop: multihop,
                bfd_profile: bfd,
                enable_graceful_restart: gr,
                to_advertise: Advertise {
                    allowed: AllowedOutPrefixes {
                        prefixes: out_prefixes,
                        mode: out_mode,
                    },
                    next_hop: next_hop.map(|(ipv4, ipv6)| NextHop { ipv4, ipv6 }),
                    prefixes_with_local_pref: lps
                        .into_iter()
                        .map(|(prefixes, local_pref)| LocalPrefPrefixes {
                            prefixes,
                            local_pref,
                        })
                        .collect(),
                    prefixes_with_community: comms
                        .into_iter()
                        .map(|(prefixes, community)| CommunityPrefixes {
                            prefixes,
                            community,
                        })
                        .collect(),
                },
                to_receive: Receive {
                    allowed: AllowedInPrefixes {
                        prefixes: selectors
                            .into_iter()
                            .map(|(prefix, le, ge)| PrefixSelector { prefix, le, ge })
                            .collect(),
                        mode: in_mode,
                    },
                },
                disable_mp: dmp,
                dual_stack_address_family: ds,
                local_asn,
                address_families: afs,
            },
        )
}

fn evpn() -> impl Strategy<Value = EVPNConfig> {
    (
        option::of(prop_oneof![
            Just(VNIAdvertisement::All),
            Just(VNIAdvertisement::Disabled)
        ]),
        any::<bool>(),
        vec(
            (any::<u32>(), text(), vec(text(), 0..2), vec(text(), 0..2)),
            0..2,
        ),
        option::of((
            any::<u32>(),
            text(),
            vec(Just(EVPNPrefixType::Unicast), 0..2),
        )),
    )
        .prop_map(|(adv, svi, l2, l3)| EVPNConfig {
            advertise_vnis: adv,
            advertise_svi: svi,
            l2_vnis: l2
                .into_iter()
                .map(|(vni, rd, import_rts, export_rts)| L2VNI {
                    vni,
                    rd,
                    import_rts,
                    export_rts,
                })
                .collect(),
            l3_vni: l3.map(|(vni, rd, advertise_prefixes)| L3VNI {
                vni,
                rd,
                advertise_prefixes,
                ..Default::default()
            }),
        })
}

fn router() -> impl Strategy<Value = Router> {
    (
        any::<u32>(),
        text(),
        text(),
        vec(neighbor(), 0..3),
        vec(text(), 0..3),
        vec(text(), 0..2),
        option::of(evpn()),
    )
        .prop_map(
            |(asn, id, vrf, neighbors, prefixes, imports, evpn)| Router {
                asn,
                id,
                vrf,
                neighbors,
                prefixes,
                imports: imports.into_iter().map(|vrf| Import { vrf }).collect(),
                evpn,
            },
        )
}

fn bfd_profile() -> impl Strategy<Value = BFDProfile> {
    (
        text(),
        [
            option::of(any::<u32>()),
            option::of(any::<u32>()),
            option::of(any::<u32>()),
        ],
        option::of(any::<u32>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<u32>()),
    )
        .prop_map(
            |(name, [rx, tx, echo], mult, echo_mode, passive, ttl)| BFDProfile {
                name,
                receive_interval: rx,
                transmit_interval: tx,
                detect_multiplier: mult,
                echo_interval: echo,
                echo_mode,
                passive_mode: passive,
                minimum_ttl: ttl,
            },
        )
}

fn frr_configuration() -> impl Strategy<Value = FRRConfiguration> {
    (
        meta(),
        vec(router(), 0..3),
        vec(bfd_profile(), 0..2),
        (any::<i64>(), text()),
        selector(),
    )
        .prop_map(
            |(metadata, routers, bfd_profiles, (priority, config), node_selector)| {
                FRRConfiguration {
                    metadata,
                    spec: FRRConfigurationSpec {
                        bgp: BGPConfig {
                            routers,
                            bfd_profiles,
                        },
                        raw: RawConfig { priority, config },
                        node_selector,
                    },
                    ..Default::default()
                }
            },
        )
}

fn route_advertisements() -> impl Strategy<Value = RouteAdvertisements> {
    let t = prop_oneof![
        Just(NetworkSelectionType::DefaultNetwork),
        Just(NetworkSelectionType::ClusterUserDefinedNetworks),
        Just(NetworkSelectionType::PrimaryUserDefinedNetworks),
        Just(NetworkSelectionType::SecondaryUserDefinedNetworks),
        Just(NetworkSelectionType::NetworkAttachmentDefinitions),
    ];
    let ns = (
        t,
        option::of(selector()),
        option::of(selector()),
        option::of((selector(), selector())),
    )
        .prop_map(
            |(network_selection_type, cudn, pudn, sudn)| NetworkSelector {
                network_selection_type,
                cluster_user_defined_network_selector: cudn
                    .map(|network_selector| ClusterUserDefinedNetworkSelector { network_selector }),
                primary_user_defined_network_selector: pudn.map(|namespace_selector| {
                    PrimaryUserDefinedNetworkSelector { namespace_selector }
                }),
                secondary_user_defined_network_selector: sudn.clone().map(|(a, b)| {
                    SecondaryUserDefinedNetworkSelector {
                        namespace_selector: a,
                        network_selector: b,
                    }
                }),
                network_attachment_definition_selector: sudn.map(|(a, b)| {
                    NetworkAttachmentDefinitionSelector {
                        namespace_selector: b,
                        network_selector: a,
                    }
                }),
            },
        );
    let status = (
        text(),
        vec((ident(), any::<bool>(), any::<i64>(), text(), text()), 0..2),
    );
    (
        meta(),
        text(),
        vec(ns, 0..3),
        selector(),
        selector(),
        vec(
            prop_oneof![
                Just(AdvertisementType::PodNetwork),
                Just(AdvertisementType::EgressIP)
            ],
            0..3,
        ),
        status,
    )
        .prop_map(
            |(
                metadata,
                target_vrf,
                network_selectors,
                node_selector,
                frr,
                advertisements,
                (status, conds),
            )| {
                RouteAdvertisements {
                    metadata,
                    spec: RouteAdvertisementsSpec {
                        target_vrf,
                        network_selectors,
                        node_selector,
                        frr_configuration_selector: frr,
                        advertisements,
                    },
                    status: RouteAdvertisementsStatus {
                        status,
                        conditions: conds
                            .into_iter()
                            .map(
                                |(type_, ok, observed_generation, reason, message)| Condition {
                                    type_,
                                    status: if ok {
                                        ConditionStatus::True
                                    } else {
                                        ConditionStatus::False
                                    },
                                    observed_generation,
                                    last_transition_time: "2025-01-01T00:00:00Z".into(),
                                    reason,
                                    message,
                                },
                            )
                            .collect(),
                    },
                    ..Default::default()
                }
            },
        )
}

fn reload(text: &str) -> Object {
    let mut docs = load_str("rt", text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(docs.len(), 1);
    docs.remove(0).object
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn frr_configuration_round_trips(c in frr_configuration()) {
        let obj = Object::FRRConfiguration(c);
        let json = serde_json::to_string(&obj.to_json_value()).unwrap();
        prop_assert_eq!(&reload(&json), &obj);
        let yaml = serde_saphyr::to_string(&obj.to_json_value()).unwrap();
        prop_assert_eq!(&reload(&yaml), &obj);
    }

    #[test]
    fn route_advertisements_round_trip(r in route_advertisements()) {
        let obj = Object::RouteAdvertisements(r);
        let json = serde_json::to_string(&obj.to_json_value()).unwrap();
        prop_assert_eq!(&reload(&json), &obj);
        let yaml = serde_saphyr::to_string(&obj.to_json_value()).unwrap();
        prop_assert_eq!(&reload(&yaml), &obj);
    }

    #[test]
    fn durations_round_trip_through_go_text(d in duration()) {
        let s = d.to_string();
        prop_assert_eq!(s.parse::<Duration>().unwrap(), d);
    }
}

#[test]
fn yaml_lookalike_strings_round_trip() {
    let tricky = [
        "n",
        "y",
        "Y",
        "yes",
        "No",
        "on",
        "OFF",
        "true",
        "null",
        "~",
        "",
        " ",
        "1e3",
        "0x10",
        "010",
        "1:2",
        "10:100",
        "- a",
        "#x",
        "a: b",
        "'q'",
        "\"d\"",
        ".inf",
        "-.5",
        "2025-01-01",
        "!tag",
        "*alias",
        "&anchor",
        "%YAML",
        "@",
        "`",
        "{}",
        "[]",
        "a\nb",
        "\t",
    ];
    let mut c = FRRConfiguration::new("t", "ns", Default::default());
    for (i, s) in tricky.iter().enumerate() {
        c.metadata
            .annotations
            .insert(format!("k{i}"), s.to_string());
    }
    c.spec.bgp.routers.push(Router {
        asn: 1,
        vrf: "n".into(),
        id: "010".into(),
        prefixes: tricky.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    });
    let obj = Object::FRRConfiguration(c);
    let yaml = serde_saphyr::to_string(&obj.to_json_value()).unwrap();
    assert_eq!(reload(&yaml), obj, "{yaml}");
}
