//! The node agent without FRR daemons: it watches a manifest directory and keeps the node's
//! `frr.conf` equal to what the current manifests give; deleting a file removes its effect,
//! restoring it restores it, and an invalid file leaves the last good configuration.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use examples::agent::run::{AgentOptions, plan_node, run};
use examples::agent::source::load_dir;
use examples::lab::wait_until;

const S2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/manifests/scenario2-advertise");

fn copy(to: &Path) {
    for f in [
        "frrconfiguration.yaml",
        "nodes.yaml",
        "routeadvertisements.yaml",
    ] {
        std::fs::copy(Path::new(S2).join(f), to.join(f)).unwrap();
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn plan_node_includes_generated_objects() {
    let state = load_dir(Path::new(S2)).unwrap();
    let c = plan_node(&state, "node2").result.unwrap();
    assert!(c.text.contains("network 10.100.2.0/24"), "{}", c.text);
    assert!(c.text.contains("network 10.100.0.0/16"));
    assert!(!c.text.contains("10.100.1.0/24"));
    // a node the manifests do not list still gets what selects every node
    let c = plan_node(&state, "node9").result.unwrap();
    assert!(c.text.contains("network 10.100.0.0/16"));
    assert!(!c.text.contains("10.100.9."));
}

#[test]
fn agent_follows_deletes_restores_and_keeps_last_good() {
    let dir = tempfile::tempdir().unwrap();
    let manifests = dir.path().join("m");
    std::fs::create_dir(&manifests).unwrap();
    copy(&manifests);
    let out = dir.path().join("node1/frr.conf");
    let status = dir.path().join("node1/status.json");
    let opts = AgentOptions {
        node: "node1".into(),
        manifests: manifests.clone(),
        out: out.clone(),
        reload: false,
        vty_socket_dir: None,
        work_dir: dir.path().join("work"),
        debounce: Duration::from_millis(50),
        status_file: Some(status.clone()),
        status_interval: Duration::from_millis(200),
        once: false,
        native: false,
    };
    let (stop_tx, stop_rx) = mpsc::channel();
    let agent = std::thread::spawn(move || run(&opts, Some(stop_rx)));
    let t = Duration::from_secs(10);

    assert!(
        wait_until(t, || read(&out).contains("network 10.100.1.0/24")),
        "{}",
        read(&out)
    );
    assert!(read(&out).contains("network 10.100.0.0/16"));

    // delete the RouteAdvertisements: the node's own subnet goes, the /16 stays
    let ra = manifests.join("routeadvertisements.yaml");
    let saved = read(&ra);
    std::fs::remove_file(&ra).unwrap();
    assert!(
        wait_until(t, || !read(&out).contains("10.100.1.0/24")),
        "{}",
        read(&out)
    );
    assert!(read(&out).contains("network 10.100.0.0/16"));

    // an invalid file: nothing changes, the status says why
    let bad = manifests.join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: x, namespace: y}\nspec: {bgp: {routers: [{asn: 0}]}}\n",
    )
    .unwrap();
    assert!(
        wait_until(t, || read(&status).contains("bad.yaml")),
        "{}",
        read(&status)
    );
    let before = read(&out);
    assert!(before.contains("network 10.100.0.0/16"));
    std::fs::remove_file(&bad).unwrap();

    // restore: back as before
    std::fs::write(&ra, saved).unwrap();
    assert!(
        wait_until(t, || read(&out).contains("network 10.100.1.0/24")),
        "{}",
        read(&out)
    );
    let st: serde_json::Value = serde_json::from_str(&read(&status)).unwrap();
    assert_eq!(st["node"], "node1");
    assert_eq!(
        st["frrNodeState"]["status"]["lastConversionResult"],
        "success"
    );

    stop_tx.send(()).unwrap();
    agent.join().unwrap().unwrap();
}
