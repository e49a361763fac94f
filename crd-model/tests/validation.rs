//! Every validation rule has a case that fails with the expected path and message, and a valid
//! object passes.

use crd_model::validate::{check_selector_lengths, check_timers};
use crd_model::*;

fn base() -> FRRConfiguration {
    let text = r#"
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: base, namespace: frr-k8s-system}
spec:
  bgp:
    routers:
    - asn: 64512
      prefixes: [10.100.0.0/16, "fd00:100::/48"]
      neighbors:
      - address: 192.168.111.1
        asn: 64500
        toAdvertise:
          allowed:
            prefixes: [10.100.0.0/16]
        toReceive:
          allowed:
            prefixes:
            - prefix: 172.26.0.0/16
    bfdProfiles:
    - name: fast
"#;
    match load_str("base", text).unwrap().remove(0).object {
        Object::FRRConfiguration(c) => c,
        _ => unreachable!(),
    }
}

fn ra_base() -> RouteAdvertisements {
    let text = r#"
apiVersion: k8s.ovn.org/v1
kind: RouteAdvertisements
metadata: {name: default}
spec:
  advertisements: [PodNetwork]
  nodeSelector: {}
  frrConfigurationSelector: {matchLabels: {use: default}}
  networkSelectors:
  - networkSelectionType: DefaultNetwork
"#;
    match load_str("ra", text).unwrap().remove(0).object {
        Object::RouteAdvertisements(r) => r,
        _ => unreachable!(),
    }
}

const N0: &str = "spec.bgp.routers[0].neighbors[0]";

/// Asserts the errors contain exactly one with this path whose message contains `msg`.
#[track_caller]
fn expect(errs: &[FieldError], path: &str, msg: &str) {
    let hits: Vec<_> = errs
        .iter()
        .filter(|e| e.path == path && e.message.contains(msg))
        .collect();
    assert_eq!(hits.len(), 1, "want {path}: {msg}\ngot {errs:#?}");
}

#[track_caller]
fn frr_fails(f: impl FnOnce(&mut FRRConfiguration), path: &str, msg: &str) {
    let mut c = base();
    f(&mut c);
    expect(&c.validate(), path, msg);
}

#[track_caller]
fn ra_fails(f: impl FnOnce(&mut RouteAdvertisements), path: &str, msg: &str) {
    let mut r = ra_base();
    f(&mut r);
    expect(&r.validate(), path, msg);
}

fn n0(c: &mut FRRConfiguration) -> &mut Neighbor {
    &mut c.spec.bgp.routers[0].neighbors[0]
}

fn d(s: &str) -> Option<Duration> {
    Some(s.parse().unwrap())
}

#[test]
fn bases_are_valid() {
    assert_eq!(base().validate(), vec![]);
    assert_eq!(ra_base().validate(), vec![]);
}

#[test]
fn metadata_rules() {
    frr_fails(
        |c| c.metadata.name.clear(),
        "metadata.name",
        "name or generateName is required",
    );
    frr_fails(
        |c| c.metadata.name = "Bad_Name".into(),
        "metadata.name",
        "a lowercase RFC 1123 subdomain",
    );
    frr_fails(
        |c| {
            c.metadata.labels.insert("bad key!".into(), "v".into());
        },
        "metadata.labels",
        "name part must consist of alphanumeric characters",
    );
    let mut c = base();
    c.metadata.name.clear();
    c.metadata.generate_name = "ovnk-generated-".into();
    assert_eq!(c.validate(), vec![]);
}

#[test]
fn router_rules() {
    frr_fails(
        |c| {
            let r = c.spec.bgp.routers[0].clone();
            c.spec.bgp.routers = vec![r; 51];
        },
        "spec.bgp.routers",
        "Too many: 51: must have at most 50 items",
    );
    frr_fails(
        |c| c.spec.bgp.routers[0].prefixes.push("10.0.0.0/33".into()),
        "spec.bgp.routers[0].prefixes[2]",
        "unknown ipfamily for 10.0.0.0/33",
    );
}

#[test]
fn neighbor_identity_rules() {
    frr_fails(
        |c| n0(c).asn = 0,
        &format!("{N0}.asn"),
        "neighbor 0@192.168.111.1 has no ASN or DynamicASN specified",
    );
    frr_fails(
        |c| n0(c).dynamic_asn = Some(DynamicASNMode::External),
        &format!("{N0}.dynamicASN"),
        "neighbor 64500@192.168.111.1 has both ASN and DynamicASN specified",
    );
    frr_fails(
        |c| n0(c).address.clear(),
        &format!("{N0}.address"),
        "neighbor with ASN 64500 has no address and no interface",
    );
    frr_fails(
        |c| n0(c).interface = "eth1".into(),
        &format!("{N0}.interface"),
        "neighbor 64500@192.168.111.1 has both Address and Interface specified",
    );
    frr_fails(
        |c| n0(c).address = "192.168.111.300".into(),
        &format!("{N0}.address"),
        "failed to find ipfamily for 192.168.111.300",
    );
    // an unnumbered neighbor with dynamic ASN is fine
    let mut c = base();
    n0(&mut c).address.clear();
    n0(&mut c).interface = "eth1".into();
    n0(&mut c).asn = 0;
    n0(&mut c).dynamic_asn = Some(DynamicASNMode::External);
    assert_eq!(c.validate(), vec![]);
}

#[test]
fn neighbor_session_rules() {
    frr_fails(
        |c| n0(c).port = Some(20000),
        &format!("{N0}.port"),
        "Invalid value: 20000: should be less than or equal to 16384",
    );
    frr_fails(
        |c| {
            n0(c).password = "secret".into();
            n0(c).password_secret.name = "s".into();
        },
        &format!("{N0}.password"),
        "neighbor 64500@192.168.111.1 specifies both cleartext password and secret ref",
    );
    frr_fails(
        |c| n0(c).bfd_profile = "slow".into(),
        &format!("{N0}.bfdProfile"),
        "neighbor 64500@192.168.111.1 referencing non existing BFDProfile slow",
    );
    frr_fails(
        |c| {
            n0(c).asn = 64512;
            n0(c).local_asn = 65000;
        },
        &format!("{N0}.localASN"),
        "neighbor 64512@192.168.111.1: localASN is not supported for iBGP sessions",
    );
    frr_fails(
        |c| {
            n0(c).asn = 0;
            n0(c).dynamic_asn = Some(DynamicASNMode::Internal);
            n0(c).local_asn = 65000;
        },
        &format!("{N0}.localASN"),
        "localASN is not supported for iBGP sessions",
    );
    let mut c = base();
    n0(&mut c).local_asn = 65000; // eBGP: allowed
    assert_eq!(c.validate(), vec![]);
    frr_fails(
        |c| n0(c).address_families = vec![AddressFamily::Unicast; 3],
        &format!("{N0}.addressFamilies"),
        "Too many: 3: must have at most 2 items",
    );
}

#[test]
fn timer_rules() {
    frr_fails(
        |c| n0(c).hold_time = d("90s"),
        &format!("{N0}.keepaliveTime"),
        "one of KeepaliveTime/HoldTime specified, both must be set or none",
    );
    frr_fails(
        |c| n0(c).keepalive_time = d("30s"),
        &format!("{N0}.holdTime"),
        "one of KeepaliveTime/HoldTime specified, both must be set or none",
    );
    frr_fails(
        |c| {
            n0(c).hold_time = d("2s");
            n0(c).keepalive_time = d("1s");
        },
        &format!("{N0}.holdTime"),
        r#"invalid hold time "2s": must be 0 or >=3s"#,
    );
    frr_fails(
        |c| {
            n0(c).hold_time = d("90s");
            n0(c).keepalive_time = d("2m");
        },
        &format!("{N0}.keepaliveTime"),
        r#"invalid keepaliveTime "2m0s", must be lower than holdTime "1m30s""#,
    );
    assert_eq!(check_timers(d("0s"), d("0s")), Ok(()));
    assert_eq!(
        check_timers(d("500ms"), d("100ms")),
        Ok(()),
        "rounds to 0s like upstream"
    );
    assert_eq!(check_timers(d("3s"), d("3s")), Ok(()));
    frr_fails(
        |c| n0(c).connect_time = d("0s"),
        &format!("{N0}.connectTime"),
        "connect time should be between 1 seconds to 65535",
    );
    frr_fails(
        |c| n0(c).connect_time = d("65536s"),
        &format!("{N0}.connectTime"),
        "connect time should be between 1 seconds to 65535",
    );
    frr_fails(
        |c| n0(c).connect_time = d("1500ms"),
        &format!("{N0}.connectTime"),
        "connect time should contain a whole number of seconds",
    );
}

#[test]
fn advertise_rules() {
    let adv = format!("{N0}.toAdvertise");
    frr_fails(
        |c| {
            n0(c)
                .to_advertise
                .allowed
                .prefixes
                .push("10.200.0.0/16".into())
        },
        &format!("{adv}.allowed.prefixes[1]"),
        "trying to advertise non configured prefix 10.200.0.0/16 to neighbor 64500@192.168.111.1, vrf ",
    );
    frr_fails(
        |c| n0(c).to_advertise.allowed.prefixes.push("nonsense".into()),
        &format!("{adv}.allowed.prefixes[1]"),
        "trying to advertise non configured prefix nonsense",
    );
    let lp = |prefixes: &[&str], local_pref| LocalPrefPrefixes {
        prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        local_pref,
    };
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_local_pref =
                vec![lp(&["10.100.0.0/16"], 100), lp(&["10.100.0.0/16"], 200)]
        },
        &format!("{adv}.withLocalPref[1].prefixes[0]"),
        "prefix [10.100.0.0/16] is configured with both local preference 100 and 200",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_local_pref =
                vec![lp(&["10.100.0.0/16"], 100), lp(&[], 100)]
        },
        &format!("{adv}.withLocalPref[1].localPref"),
        "local preference 100 is already defined",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_local_pref =
                vec![lp(&["10.100.0.0/16", "10.100.0.0/16"], 100)]
        },
        &format!("{adv}.withLocalPref[0].prefixes[1]"),
        "prefix 10.100.0.0/16 is already defined for local preference 100",
    );
    frr_fails(
        |c| {
            c.spec.bgp.routers[0].prefixes.push("10.200.0.0/16".into());
            n0(c).to_advertise.prefixes_with_local_pref = vec![lp(&["10.200.0.0/16"], 100)];
        },
        &format!("{adv}.withLocalPref[0].prefixes[0]"),
        "localPref 100 associated to non existing prefix 10.200.0.0/16",
    );
    frr_fails(
        |c| n0(c).to_advertise.prefixes_with_local_pref = vec![lp(&[], 100)],
        &format!("{adv}.withLocalPref[0].prefixes"),
        "should have at least 1 items",
    );
    frr_fails(
        |c| n0(c).to_advertise.prefixes_with_local_pref = vec![lp(&["10.100.0.0"], 100)],
        &format!("{adv}.withLocalPref[0].prefixes[0]"),
        "unknown ipfamily for prefix 10.100.0.0 associated to localpref 100",
    );
    // a prefix of a family the session does not carry is ignored, as upstream filters by family
    let mut c = base();
    n0(&mut c).to_advertise.prefixes_with_local_pref = vec![lp(&["fd00:100::/48"], 100)];
    assert_eq!(c.validate(), vec![]);

    let comm = |community: &str, prefixes: &[&str]| CommunityPrefixes {
        prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        community: community.to_string(),
    };
    frr_fails(
        |c| {
            c.spec.bgp.routers[0].prefixes.push("10.200.0.0/16".into());
            n0(c).to_advertise.prefixes_with_community = vec![comm("10:100", &["10.200.0.0/16"])];
        },
        &format!("{adv}.withCommunity[0].prefixes[0]"),
        "prefix 10.200.0.0/16 is advertised for community 10:100 but it's not in the advertisement list of the neighbor",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_community = vec![
                comm("10:100", &["10.100.0.0/16"]),
                comm("10:100", &["10.100.0.0/16"]),
            ]
        },
        &format!("{adv}.withCommunity[1].community"),
        "community 10:100 is already defined",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_community =
                vec![comm("large:1:2:3", &["10.100.0.0/16", "10.100.0.0/16"])]
        },
        &format!("{adv}.withCommunity[0].prefixes[1]"),
        "prefix 10.100.0.0/16 is already defined for community 1:2:3",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.prefixes_with_community =
                vec![comm("10:100", &["10.100.0.0/16", "bogus"])]
        },
        &format!("{adv}.withCommunity[0].prefixes"),
        "invalid prefixes [10.100.0.0/16 bogus] for community 10:100, err: unknown ipfamily for bogus",
    );
    for (bad, why) in [
        ("12345", "invalid community format: 12345"),
        (
            "12345:12345:12345",
            "invalid community format: 12345:12345:12345",
        ),
        ("70000:1", "invalid community value: invalid section"),
        (
            "larg:1:2:3",
            "invalid community value: invalid marker for large community",
        ),
        (
            "large:1:wrong:3",
            "invalid community value: invalid section",
        ),
    ] {
        frr_fails(
            |c| n0(c).to_advertise.prefixes_with_community = vec![comm(bad, &["10.100.0.0/16"])],
            &format!("{adv}.withCommunity[0].community"),
            &format!("invalid community {bad}, err: {why}"),
        );
    }
    // mode all: every router prefix of the session's families may carry a community; a
    // dual-stack session carries the IPv6 prefix, whose community is printed FRR's way
    let mut c = base();
    n0(&mut c).to_advertise.allowed.mode = AllowMode::All;
    n0(&mut c).to_advertise.allowed.prefixes.clear();
    n0(&mut c).to_advertise.prefixes_with_community = vec![comm("large:1:2:3", &["fd00:100::/48"])];
    assert_eq!(c.validate(), vec![]);
    n0(&mut c).dual_stack_address_family = true;
    assert_eq!(c.validate(), vec![]);
    n0(&mut c).to_advertise.prefixes_with_community = vec![comm("large:1:2:3", &["fd00:200::/48"])];
    expect(
        &c.validate(),
        &format!("{adv}.withCommunity[0].prefixes[0]"),
        "prefix fd00:200::/48 is advertised for community 1:2:3 but it's not in the advertisement list of the neighbor",
    );

    frr_fails(
        |c| {
            n0(c).to_advertise.next_hop = Some(NextHop {
                ipv4: String::new(),
                ipv6: "fd00::1".into(),
            })
        },
        &format!("{adv}.nextHop.ipv6"),
        "is not enabled for that address family",
    );
    frr_fails(
        |c| {
            n0(c).to_advertise.next_hop = Some(NextHop {
                ipv4: "fd00::1".into(),
                ipv6: String::new(),
            })
        },
        &format!("{adv}.nextHop.ipv4"),
        "must be an ipv4 address",
    );
    let mut c = base();
    n0(&mut c).dual_stack_address_family = true;
    n0(&mut c).to_advertise.next_hop = Some(NextHop {
        ipv4: "192.168.111.11".into(),
        ipv6: "fd00:111::11".into(),
    });
    assert_eq!(c.validate(), vec![]);
}

#[test]
fn import_rules() {
    frr_fails(
        |c| {
            c.spec.bgp.routers[0]
                .imports
                .push(Import { vrf: "red".into() })
        },
        "spec.bgp.routers[0].imports[0].vrf",
        "router 64512- imports vrf red which is not defined",
    );
    // a VRF defined in the same configuration may be imported, and its prefixes advertised
    let mut c = base();
    c.spec.bgp.routers.push(Router {
        asn: 64512,
        vrf: "red".into(),
        prefixes: vec!["10.50.0.0/16".into()],
        imports: vec![Import {
            vrf: "default".into(),
        }],
        ..Default::default()
    });
    c.spec.bgp.routers[0]
        .imports
        .push(Import { vrf: "red".into() });
    n0(&mut c)
        .to_advertise
        .allowed
        .prefixes
        .push("10.50.0.0/16".into());
    assert_eq!(c.validate(), vec![]);
}

#[test]
fn receive_rules() {
    let sel = |prefix: &str, le, ge| PrefixSelector {
        prefix: prefix.into(),
        le,
        ge,
    };
    let p = format!("{N0}.toReceive.allowed.prefixes[0]");
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("10.0.0.0/8", 24, 28)],
        &p,
        "invalid selector lengths: ge 28 is bigger than le 24",
    );
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("10.0.0.0/16", 8, 0)],
        &p,
        "invalid selector lengths: cidr mask 16 is bigger than le 8",
    );
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("10.0.0.0/16", 0, 8)],
        &p,
        "invalid selector lengths: cidr mask 16 is bigger than ge 8",
    );
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("10.0.0.0/16", 129, 0)],
        &format!("{p}.le"),
        "Invalid value: 129: should be less than or equal to 128",
    );
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("10.0.0.0/16", 0, 200)],
        &format!("{p}.ge"),
        "Invalid value: 200: should be less than or equal to 128",
    );
    frr_fails(
        |c| n0(c).to_receive.allowed.prefixes = vec![sel("not-a-prefix", 0, 0)],
        &format!("{p}.prefix"),
        "failed to parse prefix not-a-prefix",
    );
    assert_eq!(check_selector_lengths(16, 32, 24), Ok(()));
    assert_eq!(check_selector_lengths(24, 24, 24), Ok(()));
}

#[test]
fn bfd_rules() {
    let p = "spec.bgp.bfdProfiles[0]";
    frr_fails(
        |c| {
            c.spec
                .bgp
                .bfd_profiles
                .push(c.spec.bgp.bfd_profiles[0].clone())
        },
        "spec.bgp.bfdProfiles[1].name",
        "duplicate bfd profile name fast in config base",
    );
    type Case = (&'static str, fn(&mut BFDProfile), &'static str);
    let cases: [Case; 8] = [
        (
            "receiveInterval",
            |b| b.receive_interval = Some(9),
            "should be greater than or equal to 10",
        ),
        (
            "receiveInterval",
            |b| b.receive_interval = Some(60001),
            "should be less than or equal to 60000",
        ),
        (
            "transmitInterval",
            |b| b.transmit_interval = Some(5),
            "should be greater than or equal to 10",
        ),
        (
            "echoInterval",
            |b| b.echo_interval = Some(70000),
            "should be less than or equal to 60000",
        ),
        (
            "detectMultiplier",
            |b| b.detect_multiplier = Some(1),
            "should be greater than or equal to 2",
        ),
        (
            "detectMultiplier",
            |b| b.detect_multiplier = Some(256),
            "should be less than or equal to 255",
        ),
        (
            "minimumTtl",
            |b| b.minimum_ttl = Some(0),
            "should be greater than or equal to 1",
        ),
        (
            "minimumTtl",
            |b| b.minimum_ttl = Some(255),
            "should be less than or equal to 254",
        ),
    ];
    for (field, f, msg) in cases {
        frr_fails(
            |c| f(&mut c.spec.bgp.bfd_profiles[0]),
            &format!("{p}.{field}"),
            msg,
        );
    }
}

#[test]
fn evpn_rules() {
    fn evpn_router(c: &mut FRRConfiguration) -> &mut EVPNConfig {
        c.spec.bgp.routers[0]
            .evpn
            .get_or_insert_with(Default::default)
    }
    let e = "spec.bgp.routers[0].evpn";
    frr_fails(
        |c| evpn_router(c).advertise_vnis = Some(VNIAdvertisement::All),
        &format!("{e}.advertiseVNIs"),
        "advertiseVNIs can only be provided for router instances with EVPN neighbors",
    );
    let l2 = |vni, rd: &str| L2VNI {
        vni,
        rd: rd.into(),
        ..Default::default()
    };
    frr_fails(
        |c| evpn_router(c).l2_vnis = vec![l2(1, "")],
        &format!("{e}.l2vnis"),
        "l2vnis can only be provided for router instances with EVPN neighbors",
    );
    let with_evpn_neighbor = |c: &mut FRRConfiguration| {
        n0(c).address_families = vec![AddressFamily::Unicast, AddressFamily::Evpn];
    };
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            evpn_router(c).l2_vnis = vec![l2(1, ""); 11];
        },
        &format!("{e}.l2vnis"),
        "Too many: 11: must have at most 10 items",
    );
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            evpn_router(c).l2_vnis = vec![l2(16_777_216, "")];
        },
        &format!("{e}.l2vnis[0].vni"),
        "should be less than or equal to 16777215",
    );
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            evpn_router(c).l2_vnis = vec![l2(0, "")];
        },
        &format!("{e}.l2vnis[0].vni"),
        "should be greater than or equal to 1",
    );
    for (rd, msg) in [
        ("65000", "RD must contain exactly one colon"),
        ("1:2:3", "RD must contain exactly one colon"),
        (
            "192.0.2.1:70000",
            "RD with IPv4 administrator must have format A.B.C.D:MN where MN <= 65535",
        ),
        ("192.0.2:1", "RD with IPv4 administrator"),
        (
            "65000:4294967296",
            "RD with 2-byte ASN administrator must have format EF:OPQR",
        ),
        (
            "4200000000:70000",
            "RD with 4-byte ASN administrator must have format GHJK:MN",
        ),
    ] {
        frr_fails(
            |c| {
                with_evpn_neighbor(c);
                evpn_router(c).l2_vnis = vec![l2(1, rd)];
            },
            &format!("{e}.l2vnis[0].rd"),
            msg,
        );
    }
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            let mut v = l2(1, "65000:1");
            v.export_rts = vec!["*:100".into()];
            evpn_router(c).l2_vnis = vec![v];
        },
        &format!("{e}.l2vnis[0].exportRTs[0]"),
        "RT must have format",
    );
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            let mut v = l2(1, "65000:1");
            v.import_rts = vec!["*:4294967296".into()];
            evpn_router(c).l2_vnis = vec![v];
        },
        &format!("{e}.l2vnis[0].importRTs[0]"),
        "RT with wildcard administrator must have format *:OPQR where OPQR <= 4294967295",
    );
    frr_fails(
        |c| {
            with_evpn_neighbor(c);
            let mut v = l2(1, "65000:1");
            v.import_rts = vec!["1:1".into(); 101];
            evpn_router(c).l2_vnis = vec![v];
        },
        &format!("{e}.l2vnis[0].importRTs"),
        "Too many: 101: must have at most 100 items",
    );
    frr_fails(
        |c| {
            evpn_router(c).l3_vni = Some(L3VNI {
                vni: 2000,
                advertise_prefixes: vec![EVPNPrefixType::Unicast],
                ..Default::default()
            })
        },
        &format!("{e}.l3vni"),
        "l3vni can only be provided for router instances with no neighbors",
    );
    frr_fails(
        |c| {
            c.spec.bgp.routers[0].neighbors.clear();
            evpn_router(c).l3_vni = Some(L3VNI {
                vni: 2000,
                ..Default::default()
            })
        },
        &format!("{e}.l3vni.advertisePrefixes"),
        "Required value",
    );
}

#[test]
fn node_selector_rules() {
    let req = |op, values: &[&str]| LabelSelectorRequirement {
        key: "zone".into(),
        operator: op,
        values: values.iter().map(|s| s.to_string()).collect(),
    };
    frr_fails(
        |c| c.spec.node_selector.match_expressions = vec![req(LabelSelectorOperator::In, &[])],
        "spec.nodeSelector.matchExpressions[0].values",
        "must be specified when `operator` is 'In' or 'NotIn'",
    );
    frr_fails(
        |c| {
            c.spec.node_selector.match_expressions =
                vec![req(LabelSelectorOperator::Exists, &["a"])]
        },
        "spec.nodeSelector.matchExpressions[0].values",
        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    );
    frr_fails(
        |c| {
            c.spec
                .node_selector
                .match_labels
                .insert("zone".into(), "-bad".into());
        },
        "spec.nodeSelector.matchLabels",
        "a valid label must be an empty string",
    );
}

#[test]
fn all_errors_are_reported_at_once() {
    let mut c = base();
    n0(&mut c).port = Some(20000);
    n0(&mut c).hold_time = d("1s");
    n0(&mut c).keepalive_time = d("1s");
    c.spec.bgp.bfd_profiles[0].detect_multiplier = Some(1);
    c.metadata.name = "UPPER".into();
    assert_eq!(c.validate().len(), 4, "{:#?}", c.validate());
}

#[test]
fn route_advertisements_rules() {
    use NetworkSelectionType as T;
    ra_fails(
        |r| r.spec.network_selectors.clear(),
        "spec.networkSelectors",
        "should have at least 1 items",
    );
    ra_fails(
        |r| r.spec.network_selectors = (0..6).map(|_| NetworkSelector::default_network()).collect(),
        "spec.networkSelectors",
        "Too many: 6: must have at most 5 items",
    );
    ra_fails(
        |r| {
            r.spec
                .network_selectors
                .push(NetworkSelector::default_network())
        },
        "spec.networkSelectors[1]",
        r#"Duplicate value: {"networkSelectionType":"DefaultNetwork"}"#,
    );
    ra_fails(
        |r| r.spec.network_selectors[0].network_selection_type = T::ClusterUserDefinedNetworks,
        "spec.networkSelectors[0]",
        "Inconsistent selector: both networkSelectionType ClusterUserDefinedNetworks and clusterUserDefinedNetworkSelector have to be set or neither",
    );
    ra_fails(
        |r| {
            r.spec.network_selectors[0].cluster_user_defined_network_selector =
                Some(Default::default())
        },
        "spec.networkSelectors[0]",
        "Inconsistent selector: both networkSelectionType ClusterUserDefinedNetworks and clusterUserDefinedNetworkSelector have to be set or neither",
    );
    ra_fails(
        |r| {
            r.spec.network_selectors[0].network_selection_type = T::PrimaryUserDefinedNetworks;
            r.spec.network_selectors[0].primary_user_defined_network_selector =
                Some(Default::default());
        },
        "spec",
        "Only DefaultNetwork or ClusterUserDefinedNetworks can be selected",
    );
    for (t, field) in [
        (
            T::PrimaryUserDefinedNetworks,
            "primaryUserDefinedNetworkSelector",
        ),
        (
            T::SecondaryUserDefinedNetworks,
            "secondaryUserDefinedNetworkSelector",
        ),
        (
            T::NetworkAttachmentDefinitions,
            "networkAttachmentDefinitionSelector",
        ),
    ] {
        ra_fails(
            |r| r.spec.network_selectors[0].network_selection_type = t,
            "spec.networkSelectors[0]",
            &format!(
                "Inconsistent selector: both networkSelectionType {} and {field} have to be set or neither",
                t.as_str()
            ),
        );
    }
    ra_fails(
        |r| r.spec.advertisements.clear(),
        "spec.advertisements",
        "should have at least 1 items",
    );
    ra_fails(
        |r| r.spec.advertisements = vec![AdvertisementType::EgressIP; 2],
        "spec.advertisements",
        "failed rule: self.all(x, self.exists_one(y, x == y))",
    );
    ra_fails(
        |r| {
            r.spec.advertisements = vec![
                AdvertisementType::PodNetwork,
                AdvertisementType::EgressIP,
                AdvertisementType::PodNetwork,
            ]
        },
        "spec.advertisements",
        "Too many: 3: must have at most 2 items",
    );
    ra_fails(
        |r| r.spec.node_selector = LabelSelector::from_labels([("a", "b")]),
        "spec",
        "If 'PodNetwork' is selected for advertisement, a 'nodeSelector' can't be specified as it needs to be advertised on all nodes",
    );
    // EgressIP alone may select nodes
    let mut r = ra_base();
    r.spec.advertisements = vec![AdvertisementType::EgressIP];
    r.spec.node_selector = LabelSelector::from_labels([("egress", "bgp")]);
    assert_eq!(r.validate(), vec![]);
    ra_fails(
        |r| {
            r.spec
                .frr_configuration_selector
                .match_labels
                .insert("x".into(), "a b".into());
        },
        "spec.frrConfigurationSelector.matchLabels",
        "a valid label must be an empty string",
    );
    ra_fails(
        |r| r.metadata.name.clear(),
        "metadata.name",
        "name or generateName is required",
    );
}

#[test]
fn warnings_for_deprecated_fields() {
    let mut c = base();
    n0(&mut c).disable_mp = true;
    let w = crd_model::validate::frr_configuration_warnings(&c);
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("disableMP is deprecated"));
    assert!(c.validate().is_empty(), "a warning is not an error");
}

#[test]
fn crd_defaults_apply_only_address_families() {
    let mut c = base();
    let before = c.clone();
    c.apply_crd_defaults();
    assert_eq!(n0(&mut c).address_families, vec![AddressFamily::Unicast]);
    assert_eq!(
        n0(&mut c).port,
        None,
        "port stays unset (179 is not a CRD default)"
    );
    assert_eq!(n0(&mut c).hold_time, None);
    assert_ne!(c, before);
    assert_eq!(n0(&mut c).effective_port(), 179);
}

#[test]
fn located_errors_name_file_document_object_and_field() {
    let text = r#"
apiVersion: v1
kind: Node
metadata: {name: node1}
---
apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: {name: bad, namespace: ns}
spec:
  bgp:
    routers:
    - asn: 64512
      neighbors:
      - address: 10.0.0.1
        asn: 64500
        port: 20000
"#;
    let err = load_and_validate_str("bad.yaml", text).unwrap_err();
    assert_eq!(err.0.len(), 1);
    let e = &err.0[0];
    assert_eq!(e.source, "bad.yaml");
    assert_eq!(e.document, Some(1));
    assert_eq!(e.line, Some(6));
    assert_eq!(e.kind.as_deref(), Some("FRRConfiguration"));
    assert_eq!(e.object.as_deref(), Some("ns/bad"));
    assert_eq!(e.path, "spec.bgp.routers[0].neighbors[0].port");
    assert_eq!(
        e.to_string(),
        "bad.yaml:6: document 1, FRRConfiguration ns/bad: spec.bgp.routers[0].neighbors[0].port: Invalid value: 20000: should be less than or equal to 16384"
    );
}

#[test]
fn route_distinguishers_and_targets_like_upstream_crd_tests() {
    use crd_model::validate::{check_route_distinguisher as rd, check_route_target as rt};
    for ok in [
        "4294967295:100",
        "100:4294967295",
        "192.0.2.1:100",
        "65000:1000",
    ] {
        assert_eq!(rd(ok), Ok(()), "{ok}");
    }
    for bad in [
        "invalid",
        "65000:abc",
        "nocolon",
        "abc:100",
        "70000:70000",
        "192.0.2.1:70000",
    ] {
        assert!(rd(bad).is_err(), "{bad}");
    }
    for ok in ["*:100", "4294967295:100", "192.0.2.1:100"] {
        assert_eq!(rt(ok, true), Ok(()), "{ok}");
    }
    assert_eq!(rt("100:4294967295", false), Ok(()));
    for (bad, import) in [
        ("*:100", false),
        ("nocolon", false),
        ("nocolon", true),
        ("65000:abc", true),
        ("65000:abc", false),
        ("abc:100", true),
        ("abc:100", false),
        ("*:abc", true),
        ("70000:70000", true),
        ("192.0.2.1:70000", false),
    ] {
        assert!(rt(bad, import).is_err(), "{bad} import={import}");
    }
}
