//! The main job on the bundled manifests: per-node results of both scenarios, and the files.

use examples::agent::pipeline::{Check, Options, bundled, load_texts, run};

fn run_bundled() -> (tempfile::TempDir, examples::agent::pipeline::PipelineReport) {
    let out = tempfile::tempdir().unwrap();
    let scenarios = bundled().expect("bundled manifests are valid");
    let report = run(
        &scenarios,
        &Options {
            out_dir: out.path().to_path_buf(),
            vtysh: true,
        },
    )
    .unwrap();
    (out, report)
}

#[test]
fn scenario1_every_node_imports_only_the_provider_network() {
    let (_out, report) = run_bundled();
    assert!(report.errors().is_empty(), "{:?}", report.errors());
    let s = report.scenario("scenario1-import").unwrap();
    assert_eq!(s.nodes.len(), 3);
    for n in 1..=3 {
        let c = s.node(&format!("node{n}")).unwrap();
        let nbs = c.neighbors();
        let peers: Vec<&str> = nbs.iter().map(|n| n.peer.as_str()).collect();
        assert_eq!(peers, ["192.168.111.1", "fd00:111::1"]);
        for nb in &nbs {
            assert_eq!(nb.peer_asn, "64500");
            assert_eq!(nb.local_asn, 64512);
            assert_eq!(
                nb.imports.as_deref(),
                Some(&["172.26.0.0/16".to_string()][..])
            );
            assert!(nb.advertises.is_empty(), "{nb:?}");
        }
        assert!(c.text.contains("permit 172.26.0.0/16"), "{}", c.text);
        assert!(!c.text.contains("172.27."), "{}", c.text);
    }
}

#[test]
fn scenario2_node_n_advertises_its_subnet_and_the_whole_network() {
    let (_out, report) = run_bundled();
    let s = report.scenario("scenario2-advertise").unwrap();
    assert_eq!(s.plan.generated.len(), 3);
    assert_eq!(
        s.plan.route_advertisements["default"].as_ref().ok(),
        Some(&3)
    );
    for n in 1..=3 {
        let c = s.node(&format!("node{n}")).unwrap();
        let mut adv = c.advertised();
        adv.sort();
        assert_eq!(
            adv,
            ["10.100.0.0/16".to_string(), format!("10.100.{n}.0/24")]
        );
        let nbs = c.neighbors();
        assert_eq!(nbs.len(), 1);
        assert_eq!(nbs[0].peer, "192.168.111.1");
        assert_eq!(nbs[0].peer_asn, "64512");
        assert_eq!(nbs[0].imports, None, "mode all");
        assert_eq!(nbs[0].bfd_profile, "fabric-bfd");
        // no other node's subnet
        for m in (1..=3).filter(|m| *m != n) {
            assert!(!c.text.contains(&format!("10.100.{m}.0/24")));
        }
        assert!(
            c.conversion
                .selected
                .iter()
                .any(|x| x.contains("ovnk-generated-"))
        );
    }
}

#[test]
fn files_are_written_and_checked_and_the_summary_names_them() {
    let (out, report) = run_bundled();
    for s in &report.scenarios {
        for n in &s.nodes {
            let (c, path, check) = n.result.as_ref().unwrap();
            assert!(path.starts_with(out.path()));
            assert_eq!(std::fs::read_to_string(path).unwrap(), c.text);
            if report.vtysh_checked {
                assert_eq!(*check, Check::Valid, "{}", path.display());
            } else {
                assert_eq!(*check, Check::NotChecked);
            }
        }
    }
    let gen_dir = out.path().join("scenario2-advertise/generated");
    assert_eq!(std::fs::read_dir(&gen_dir).unwrap().count(), 3);
    let text = report.to_string();
    assert!(text.contains("node2: "), "{text}");
    assert!(text.contains("imports:    only 172.26.0.0/16"), "{text}");
    assert!(
        text.contains("advertises: 10.100.0.0/16, 10.100.2.0/24"),
        "{text}"
    );
    assert!(
        text.contains("RouteAdvertisements default: Accepted, generated 3"),
        "{text}"
    );
    assert!(
        text.contains(
            &out.path()
                .join("scenario1-import/node3/frr.conf")
                .display()
                .to_string()
        )
    );
}

#[test]
fn invalid_manifests_name_file_object_and_field() {
    let bad = include_str!("../manifests/scenario1-import/frrconfiguration.yaml").replacen(
        "asn: 64500",
        "asn: 64500\n        holdTime: 2s",
        1,
    );
    let err = load_texts(&[("s", "f.yaml", &bad)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("examples/manifests/s/f.yaml"), "{err}");
    assert!(
        err.contains("FRRConfiguration frr-k8s-system/import-provider"),
        "{err}"
    );
    assert!(err.contains("keepaliveTime"), "{err}");
}

#[test]
fn conflicting_configurations_fail_that_node_only() {
    let a = "apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: a, namespace: x}\nspec:\n  nodeSelector: {matchLabels: {kubernetes.io/hostname: node1}}\n  bgp:\n    routers:\n    - asn: 64512\n      neighbors:\n      - {address: 192.168.111.1, asn: 64500}\n";
    let b = a
        .replace("name: a", "name: b")
        .replace("asn: 64500", "asn: 64501");
    let nodes = include_str!("../manifests/scenario1-import/nodes.yaml");
    let scenarios = load_texts(&[
        ("s", "a.yaml", a),
        ("s", "b.yaml", &b),
        ("s", "n.yaml", nodes),
    ])
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = run(
        &scenarios,
        &Options {
            out_dir: out.path().to_path_buf(),
            vtysh: false,
        },
    )
    .unwrap();
    let errors = report.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("s/node1: "), "{errors:?}");
    assert!(!out.path().join("s/node1/frr.conf").exists());
    assert!(out.path().join("s/node2/frr.conf").exists());
    assert!(report.to_string().contains("node1: NO CONFIGURATION"));
}
