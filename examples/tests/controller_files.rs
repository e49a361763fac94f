//! The file-based controller on the bundled manifests and on edited copies of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crd_model::generate::stable_name;
use crd_model::{FRRConfiguration, Object, load_file};
use examples::controller::ControllerError;
use examples::controller::watch::{Options, run_once, watch};

fn manifests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests")
}

fn opts(input: &Path, out: &Path) -> Options {
    Options {
        input: input.to_path_buf(),
        out_dir: out.to_path_buf(),
        networks: None,
        egress_ips: None,
        debounce: Duration::from_millis(50),
    }
}

/// A copy of the bundled scenario 2 to edit.
fn scenario2_copy(tmp: &Path) -> PathBuf {
    let dir = tmp.join("in").join("scenario2-advertise");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(manifests().join("scenario2-advertise")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn frr_configs_in(dir: &Path) -> Vec<FRRConfiguration> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        for d in load_file(&p).unwrap() {
            assert!(
                d.validate().is_empty(),
                "{}: {:?}",
                p.display(),
                d.validate()
            );
            if let Object::FRRConfiguration(f) = d.object {
                out.push(f);
            }
        }
    }
    out
}

/// Prefixes advertised to `peer` by the configurations selecting `node`.
fn advertised_on(
    node_labels: &[(&str, &str)],
    configs: &[FRRConfiguration],
    peer: &str,
) -> BTreeSet<String> {
    let labels = node_labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    configs
        .iter()
        .filter(|c| c.spec.node_selector.matches(&labels))
        .flat_map(|c| c.spec.bgp.routers.iter())
        .flat_map(|r| r.neighbors.iter())
        .filter(|n| n.address == peer)
        .flat_map(|n| n.to_advertise.allowed.prefixes.iter().cloned())
        .collect()
}

#[test]
fn bundled_scenario2_one_config_per_node_advertising_its_pod_subnet() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let reports = run_once(&opts(&manifests(), &out)).unwrap();
    let names: Vec<&str> = reports.iter().map(|r| r.scenario.as_str()).collect();
    assert_eq!(names, ["scenario1-import", "scenario2-advertise"]);
    assert!(
        reports[0].objects.is_empty(),
        "scenario 1 has no RouteAdvertisements"
    );
    let r = &reports[1];
    assert_eq!(r.statuses["default"].status, "Accepted");
    assert_eq!(r.created.len(), 3);

    let generated = frr_configs_in(&out.join("scenario2-advertise"));
    assert_eq!(generated.len(), 3);
    for n in 1..=3 {
        let node = format!("node{n}");
        let key = format!("default/fabric-ibgp/{node}");
        let g = generated
            .iter()
            .find(|g| g.metadata.annotations["k8s.ovn.org/route-advertisements"] == key)
            .unwrap_or_else(|| panic!("no generated config for {key}"));
        assert_eq!(g.metadata.name, stable_name(&key));
        assert_eq!(g.metadata.namespace, "frr-k8s-system");
        assert_eq!(
            g.metadata.labels["k8s.ovn.org/route-advertisements"],
            "default"
        );
        assert_eq!(
            g.spec.node_selector.match_labels["kubernetes.io/hostname"],
            node
        );
        let router = &g.spec.bgp.routers[..];
        assert_eq!(router.len(), 1);
        let subnet = format!("10.100.{n}.0/24");
        assert_eq!(router[0].asn, 64512);
        assert_eq!(router[0].prefixes, std::slice::from_ref(&subnet));
        assert_eq!(router[0].neighbors.len(), 1);
        let nb = &router[0].neighbors[0];
        assert_eq!(nb.address, "192.168.111.1");
        assert_eq!(
            nb.to_advertise.allowed.prefixes,
            std::slice::from_ref(&subnet)
        );
        assert_eq!(nb.to_receive.allowed.mode, crd_model::AllowMode::All);
        assert_eq!(nb.bfd_profile, "fabric-bfd");
        assert_eq!(g.spec.bgp.bfd_profiles[0].receive_interval, Some(100));

        // with the bundled FRRConfigurations, each node advertises its /24 and the whole /16
        let mut all = frr_configs_in(&manifests().join("scenario2-advertise"));
        all.extend(generated.iter().cloned());
        let host = [("kubernetes.io/hostname", node.as_str())];
        let adv = advertised_on(&host, &all, "192.168.111.1");
        assert_eq!(
            adv,
            BTreeSet::from([subnet, "10.100.0.0/16".to_string()]),
            "{node}"
        );
    }

    // a second run changes nothing
    let again = run_once(&opts(&manifests(), &out)).unwrap();
    assert!(again[1].created.is_empty() && again[1].updated.is_empty());
    assert!(again[1].deleted.is_empty());
    assert_eq!(again[1].unchanged.len(), 3);
    let text = again[1].to_string();
    assert!(
        text.contains("RouteAdvertisements default: Accepted"),
        "{text}"
    );
    assert!(
        text.contains("neighbor 192.168.111.1 advertises 10.100.2.0/24"),
        "{text}"
    );
}

#[test]
fn deleting_the_route_advertisements_deletes_generated_files_and_restoring_recreates() {
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario2_copy(tmp.path());
    let out = tmp.path().join("out");
    let o = opts(input.parent().unwrap(), &out);
    run_once(&o).unwrap();
    let ra = input.join("routeadvertisements.yaml");
    let saved = std::fs::read_to_string(&ra).unwrap();
    std::fs::remove_file(&ra).unwrap();
    let r = run_once(&o).unwrap();
    assert_eq!(r[0].deleted.len(), 3);
    assert!(frr_configs_in(&out.join("scenario2-advertise")).is_empty());
    std::fs::write(&ra, saved).unwrap();
    let r = run_once(&o).unwrap();
    assert_eq!(r[0].created.len(), 3);
}

#[test]
fn pending_and_configuration_errors_in_status() {
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario2_copy(tmp.path());
    let out = tmp.path().join("out");
    let o = opts(&input, &out);
    run_once(&o).unwrap();

    // node subnet annotation missing on node2: configuration error, files left as they are
    let nodes = input.join("nodes.yaml");
    let text = std::fs::read_to_string(&nodes).unwrap();
    let edited = text.replace(
        "k8s.ovn.org/node-subnets: '{\"default\":[\"10.100.2.0/24\"]}'",
        "k8s.ovn.org/node-subnets: '{}'",
    );
    assert_ne!(text, edited);
    std::fs::write(&nodes, &edited).unwrap();
    let r = run_once(&o).unwrap();
    assert_eq!(
        r[0].statuses["default"].status,
        "Not Accepted: configuration error: will wait for subnet annotation to be set for node \"node2\" and network \"default\""
    );
    assert_eq!(
        r[0].statuses["default"].conditions[0].reason,
        "ConfigurationError"
    );
    assert!(r[0].deleted.is_empty() && r[0].updated.is_empty());
    assert_eq!(r[0].objects.len(), 3, "kept");

    // no nodes at all: pending, generated objects removed
    std::fs::remove_file(&nodes).unwrap();
    let r = run_once(&o).unwrap();
    assert_eq!(
        r[0].statuses["default"].status,
        "Not Accepted: configuration pending: no nodes selected"
    );
    assert_eq!(r[0].deleted.len(), 3);
}

#[test]
fn invalid_input_names_file_object_and_field_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario2_copy(tmp.path());
    let out = tmp.path().join("out");
    let o = opts(&input, &out);
    run_once(&o).unwrap();
    let before = frr_configs_in(&out.join("scenario2-advertise"));

    let frr = input.join("frrconfiguration.yaml");
    let text = std::fs::read_to_string(&frr).unwrap();
    std::fs::write(
        &frr,
        text.replacen("receiveInterval: 100", "receiveInterval: 5", 1),
    )
    .unwrap();
    let err = run_once(&o).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ControllerError::Load(_)), "{msg}");
    assert!(msg.contains("frrconfiguration.yaml"), "{msg}");
    assert!(msg.contains("frr-k8s-system/fabric-ibgp"), "{msg}");
    assert!(
        msg.contains("spec.bgp.bfdProfiles[0].receiveInterval"),
        "{msg}"
    );
    assert_eq!(frr_configs_in(&out.join("scenario2-advertise")), before);

    // a YAML syntax error is located too
    std::fs::write(&frr, "apiVersion: [\n").unwrap();
    let msg = run_once(&o).unwrap_err().to_string();
    assert!(msg.contains("frrconfiguration.yaml"), "{msg}");
}

#[test]
fn layer2_network_and_egress_ips_from_extra_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario2_copy(tmp.path());
    // select a layer-2 CUDN too, with the default network
    let ra = input.join("routeadvertisements.yaml");
    let text = std::fs::read_to_string(&ra).unwrap();
    let edited = text.replace(
        "  - networkSelectionType: DefaultNetwork\n",
        "  - networkSelectionType: DefaultNetwork\n  - networkSelectionType: ClusterUserDefinedNetworks\n    clusterUserDefinedNetworkSelector:\n      networkSelector:\n        matchLabels: {advertise: \"yes\"}\n",
    );
    assert_ne!(text, edited);
    std::fs::write(&ra, edited).unwrap();
    let networks = tmp.path().join("networks.yaml");
    std::fs::write(
        &networks,
        "- name: vms\n  labels: {advertise: \"yes\"}\n  topology: layer2\n  subnets: [10.200.0.0/16]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let mut o = opts(&input, &out);
    o.networks = Some(networks.clone());
    let r = run_once(&o).unwrap();
    assert_eq!(r[0].statuses["default"].status, "Accepted");
    let g = &r[0].objects["default/fabric-ibgp/node1"].1;
    assert_eq!(
        g.spec.bgp.routers[0].prefixes,
        ["10.100.1.0/24", "10.200.0.0/16"]
    );
    assert_eq!(g.spec.bgp.routers[0].imports[0].vrf, "vms");
    assert_eq!(g.spec.bgp.routers[1].vrf, "vms");

    std::fs::write(&networks, "- name: vms\n  subnets: [not-a-cidr]\n").unwrap();
    let msg = run_once(&o).unwrap_err().to_string();
    assert!(
        msg.contains("networks.yaml") && msg.contains("invalid CIDR"),
        "{msg}"
    );
}

#[test]
fn watch_regenerates_on_change_and_removes_obsolete_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario2_copy(tmp.path());
    let out = tmp.path().join("out");
    let o = opts(&input, &out);
    let (stop_tx, stop_rx) = mpsc::channel();
    let (run_tx, run_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        watch(&o, stop_rx, |r| {
            let _ = run_tx.send(r.map_err(|e| e.to_string()));
        })
    });
    let first = run_rx
        .recv_timeout(Duration::from_secs(10))
        .unwrap()
        .unwrap();
    assert_eq!(first[0].created.len(), 3);

    // node1 gets another subnet
    let nodes = input.join("nodes.yaml");
    let text = std::fs::read_to_string(&nodes).unwrap();
    std::fs::write(&nodes, text.replace("10.100.1.0/24", "10.100.9.0/24")).unwrap();
    let key = "default/fabric-ibgp/node1";
    let file = out
        .join("scenario2-advertise")
        .join(format!("{}.yaml", stable_name(key)));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = std::fs::read_to_string(&file).unwrap_or_default();
        if now.contains("10.100.9.0/24") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no regeneration after the change"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // the RouteAdvertisements goes away: every generated file goes
    std::fs::remove_file(input.join("routeadvertisements.yaml")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !frr_configs_in(&out.join("scenario2-advertise")).is_empty() {
        assert!(Instant::now() < deadline, "generated files not removed");
        std::thread::sleep(Duration::from_millis(50));
    }
    stop_tx.send(()).unwrap();
    handle.join().unwrap().unwrap();
}

#[test]
fn binary_help_and_bundled_run() {
    let exe = env!("CARGO_BIN_EXE_controller");
    let help = std::process::Command::new(exe)
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--watch") && text.contains("--out"), "{text}");

    let tmp = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(exe)
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("RouteAdvertisements default: Accepted"),
        "{stdout}"
    );

    let bad = std::process::Command::new(exe)
        .arg(tmp.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("missing"));
}
