//! The suite's main job, first stage: load the scenario manifests (bundled, or from a directory),
//! validate every object as the API server and the frr-k8s webhook would, and print per scenario
//! which nodes each FRRConfiguration selects, its BGP neighbors and the prefixes each one
//! receives and advertises, and what each RouteAdvertisements selects.
//!
//! Exit status: 0 when everything is valid, 1 when any manifest is invalid (every error is
//! printed, naming file, document, kind, namespace/name and field path), 2 on usage errors.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use crd_model::validate::{IpFamily, frr_configuration_warnings};
use crd_model::{
    AllowMode, Document, FRRConfiguration, LoadError, Neighbor, NetworkSelectionType, Node, Object,
    RouteAdvertisements, Router, load_str,
};

/// Load, validate and summarise FRRConfiguration / RouteAdvertisements / Node manifests.
///
/// Without an argument the two bundled demo scenarios (examples/manifests/) are used. A directory
/// argument is read instead: each subdirectory holding *.yaml, *.yml or *.json files is one
/// scenario, and files directly in the directory form a scenario named after it. A file argument
/// is a scenario of its own.
#[derive(Parser, Debug)]
#[command(name = "pipeline", version)]
struct Args {
    /// Manifest directory or file (default: the bundled scenarios).
    path: Option<PathBuf>,
}

/// The bundled scenarios: (scenario, file, contents).
const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "scenario1-import",
        "frrconfiguration.yaml",
        include_str!("../../manifests/scenario1-import/frrconfiguration.yaml"),
    ),
    (
        "scenario1-import",
        "nodes.yaml",
        include_str!("../../manifests/scenario1-import/nodes.yaml"),
    ),
    (
        "scenario2-advertise",
        "frrconfiguration.yaml",
        include_str!("../../manifests/scenario2-advertise/frrconfiguration.yaml"),
    ),
    (
        "scenario2-advertise",
        "routeadvertisements.yaml",
        include_str!("../../manifests/scenario2-advertise/routeadvertisements.yaml"),
    ),
    (
        "scenario2-advertise",
        "nodes.yaml",
        include_str!("../../manifests/scenario2-advertise/nodes.yaml"),
    ),
];

/// A scenario's sources: (name shown in messages, contents).
struct Scenario {
    name: String,
    files: Vec<(String, String)>,
}

fn bundled() -> Vec<Scenario> {
    let mut out: Vec<Scenario> = Vec::new();
    for (scenario, file, text) in BUNDLED {
        let source = format!("examples/manifests/{scenario}/{file}");
        match out.iter_mut().find(|s| s.name == *scenario) {
            Some(s) => s.files.push((source, text.to_string())),
            None => out.push(Scenario {
                name: scenario.to_string(),
                files: vec![(source, text.to_string())],
            }),
        }
    }
    out
}

fn is_manifest(p: &Path) -> bool {
    p.is_file()
        && matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        )
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: cannot read: {e}", dir.display()))?;
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    Ok(v)
}

fn read(p: &Path) -> Result<(String, String), String> {
    let text =
        std::fs::read_to_string(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
    Ok((p.display().to_string(), text))
}

fn from_path(path: &Path) -> Result<Vec<Scenario>, String> {
    let name_of = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    if path.is_file() {
        return Ok(vec![Scenario {
            name: name_of(path),
            files: vec![read(path)?],
        }]);
    }
    if !path.is_dir() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    let mut scenarios = Vec::new();
    let mut top = Vec::new();
    for entry in sorted_entries(path)? {
        if entry.is_dir() {
            let files: Vec<_> = sorted_entries(&entry)?
                .into_iter()
                .filter(|p| is_manifest(p))
                .map(|p| read(&p))
                .collect::<Result<_, _>>()?;
            if !files.is_empty() {
                scenarios.push(Scenario {
                    name: name_of(&entry),
                    files,
                });
            }
        } else if is_manifest(&entry) {
            top.push(read(&entry)?);
        }
    }
    if !top.is_empty() {
        scenarios.insert(
            0,
            Scenario {
                name: name_of(path),
                files: top,
            },
        );
    }
    if scenarios.is_empty() {
        return Err(format!(
            "{}: no *.yaml, *.yml or *.json manifests found",
            path.display()
        ));
    }
    Ok(scenarios)
}

/// Loads and validates a scenario; all errors, or the documents and warnings.
fn load_scenario(s: &Scenario) -> Result<(Vec<Document>, Vec<String>), Vec<LoadError>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (source, text) in &s.files {
        match load_str(source, text) {
            Ok(mut d) => docs.append(&mut d),
            Err(e) => errors.extend(e.0),
        }
    }
    let mut warnings = Vec::new();
    for d in &docs {
        errors.extend(d.validate());
        if let Object::FRRConfiguration(c) = &d.object {
            for w in frr_configuration_warnings(c) {
                warnings.push(d.locate(w).to_string());
            }
        }
    }
    if errors.is_empty() {
        Ok((docs, warnings))
    } else {
        Err(errors)
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn session_kind(r: &Router, n: &Neighbor) -> &'static str {
    match n.dynamic_asn {
        Some(crd_model::DynamicASNMode::Internal) => "iBGP",
        Some(crd_model::DynamicASNMode::External) => "eBGP",
        None if n.asn == r.asn => "iBGP",
        None => "eBGP",
    }
}

fn receive_text(n: &Neighbor) -> String {
    let allowed = &n.to_receive.allowed;
    match allowed.mode {
        AllowMode::All => "everything (mode all)".into(),
        AllowMode::Filtered if allowed.prefixes.is_empty() => {
            "nothing (filtered, no prefixes)".into()
        }
        AllowMode::Filtered => {
            let items: Vec<String> = allowed
                .prefixes
                .iter()
                .map(|p| {
                    let mut s = p.prefix.clone();
                    if p.le != 0 {
                        let _ = write!(s, " le {}", p.le);
                    }
                    if p.ge != 0 {
                        let _ = write!(s, " ge {}", p.ge);
                    }
                    s
                })
                .collect();
            format!("only {}", items.join(", "))
        }
    }
}

fn advertise_text(r: &Router, n: &Neighbor) -> String {
    let adv = &n.to_advertise;
    let prefixes: Vec<String> = match adv.allowed.mode {
        AllowMode::All => r.prefixes.clone(),
        AllowMode::Filtered => adv.allowed.prefixes.clone(),
    };
    let mut s = match (adv.allowed.mode, prefixes.is_empty()) {
        (_, true) => "nothing".to_string(),
        (AllowMode::All, false) => format!("all router prefixes: {}", prefixes.join(", ")),
        (AllowMode::Filtered, false) => prefixes.join(", "),
    };
    for lp in &adv.prefixes_with_local_pref {
        let _ = write!(
            s,
            "; local-pref {} on {}",
            lp.local_pref,
            lp.prefixes.join(", ")
        );
    }
    for c in &adv.prefixes_with_community {
        let _ = write!(
            s,
            "; community {} on {}",
            c.community,
            c.prefixes.join(", ")
        );
    }
    if let Some(nh) = &adv.next_hop {
        let hops: Vec<&str> = [nh.ipv4.as_str(), nh.ipv6.as_str()]
            .into_iter()
            .filter(|h| !h.is_empty())
            .collect();
        let _ = write!(s, "; next hop {}", hops.join(", "));
    }
    s
}

fn session_text(n: &Neighbor) -> String {
    let mut parts = vec![format!("port {}", n.effective_port())];
    match (n.hold_time, n.keepalive_time) {
        (Some(h), Some(k)) => parts.push(format!("hold {h}, keepalive {k}")),
        _ => parts.push("hold 3m0s, keepalive 1m0s (defaults)".into()),
    }
    if let Some(c) = n.connect_time {
        parts.push(format!("connect {c}"));
    }
    if !n.bfd_profile.is_empty() {
        parts.push(format!("BFD profile {}", n.bfd_profile));
    }
    if n.ebgp_multi_hop {
        parts.push("multihop".into());
    }
    if n.enable_graceful_restart {
        parts.push("graceful restart".into());
    }
    if !n.password.is_empty() || !n.password_secret.name.is_empty() {
        parts.push("TCP MD5 password".into());
    }
    if n.dual_stack_address_family {
        parts.push("dual-stack".into());
    }
    if n.local_asn != 0 {
        parts.push(format!("local-as {}", n.local_asn));
    }
    parts.join(", ")
}

fn describe_frr(out: &mut String, d: &Document, c: &FRRConfiguration, nodes: &[&Node]) {
    let _ = writeln!(
        out,
        "  FRRConfiguration {}  ({}, document {})",
        c.metadata.display_name(),
        d.source,
        d.index
    );
    let selected: Vec<String> = nodes
        .iter()
        .filter(|n| c.spec.node_selector.matches(&n.metadata.labels))
        .map(|n| n.metadata.name.clone())
        .collect();
    let how = if c.spec.node_selector.is_empty() {
        "empty nodeSelector: every node"
    } else {
        "by nodeSelector"
    };
    let _ = writeln!(out, "    nodes: {} ({how})", list(&selected));
    for r in &c.spec.bgp.routers {
        let vrf = if r.vrf.is_empty() {
            "default VRF".to_string()
        } else {
            format!("VRF {}", r.vrf)
        };
        let _ = writeln!(
            out,
            "    router AS {} in the {vrf}, originates {}",
            r.asn,
            list(&r.prefixes)
        );
        if !r.imports.is_empty() {
            let imports: Vec<String> = r.imports.iter().map(|i| i.vrf.clone()).collect();
            let _ = writeln!(out, "      imports VRFs {}", imports.join(", "));
        }
        for n in &r.neighbors {
            let family = n
                .address
                .parse()
                .ok()
                .map(|a| IpFamily::of_addr(&a).as_str())
                .unwrap_or("unnumbered");
            let asn = match n.dynamic_asn {
                Some(d) if n.asn == 0 => d.as_str().to_string(),
                _ => n.asn.to_string(),
            };
            let _ = writeln!(
                out,
                "      neighbor {} AS {asn} ({}, {family})",
                n.peer(),
                session_kind(r, n)
            );
            let _ = writeln!(out, "        receive:   {}", receive_text(n));
            let _ = writeln!(out, "        advertise: {}", advertise_text(r, n));
            let _ = writeln!(out, "        session:   {}", session_text(n));
        }
    }
    for p in &c.spec.bgp.bfd_profiles {
        let ms = |v: Option<u32>, d: u32| v.unwrap_or(d);
        let _ = writeln!(
            out,
            "    BFD profile {}: receive {} ms, transmit {} ms, multiplier {}",
            p.name,
            ms(
                p.receive_interval,
                crd_model::frrk8s::DEFAULT_BFD_RECEIVE_INTERVAL
            ),
            ms(
                p.transmit_interval,
                crd_model::frrk8s::DEFAULT_BFD_TRANSMIT_INTERVAL
            ),
            ms(
                p.detect_multiplier,
                crd_model::frrk8s::DEFAULT_BFD_DETECT_MULTIPLIER
            ),
        );
    }
    if !c.spec.raw.config.is_empty() {
        let _ = writeln!(
            out,
            "    raw FRR config: {} lines (priority {})",
            c.spec.raw.config.lines().count(),
            c.spec.raw.priority
        );
    }
}

fn describe_ra(
    out: &mut String,
    d: &Document,
    ra: &RouteAdvertisements,
    nodes: &[&Node],
    frrs: &[&FRRConfiguration],
) {
    let s = &ra.spec;
    let _ = writeln!(
        out,
        "  RouteAdvertisements {}  ({}, document {})",
        ra.metadata.display_name(),
        d.source,
        d.index
    );
    let what: Vec<&str> = s.advertisements.iter().map(|a| a.as_str()).collect();
    let networks: Vec<&str> = s
        .network_selectors
        .iter()
        .map(|n| n.network_selection_type.as_str())
        .collect();
    let vrf = match s.target_vrf.as_str() {
        "" => "the default VRF".to_string(),
        "auto" => "each network's own VRF".to_string(),
        v => format!("VRF {v}"),
    };
    let _ = writeln!(
        out,
        "    advertises {} of {} in {vrf}",
        what.join(" and "),
        networks.join(", ")
    );
    let selected_nodes: Vec<&Node> = nodes
        .iter()
        .copied()
        .filter(|n| s.node_selector.matches(&n.metadata.labels))
        .collect();
    let names: Vec<String> = selected_nodes
        .iter()
        .map(|n| n.metadata.name.clone())
        .collect();
    let _ = writeln!(out, "    nodes: {}", list(&names));
    let sources: Vec<String> = frrs
        .iter()
        .filter(|c| !c.metadata.name.starts_with("ovnk-generated-"))
        .filter(|c| s.frr_configuration_selector.matches(&c.metadata.labels))
        .map(|c| c.metadata.display_name())
        .collect();
    let _ = writeln!(
        out,
        "    FRRConfigurations used as templates: {}",
        list(&sources)
    );
    let default_network = s
        .network_selectors
        .iter()
        .any(|n| n.network_selection_type == NetworkSelectionType::DefaultNetwork);
    if default_network
        && s.advertisements
            .contains(&crd_model::AdvertisementType::PodNetwork)
    {
        for n in &selected_nodes {
            let subnets = match n.node_subnets() {
                Ok(Some(m)) => m.get("default").map(|v| v.join(", ")).unwrap_or_else(|| {
                    "no subnet for network \"default\" in k8s.ovn.org/node-subnets".into()
                }),
                Ok(None) => "waiting for the k8s.ovn.org/node-subnets annotation".into(),
                Err(e) => format!("unreadable annotation: {e}"),
            };
            let _ = writeln!(out, "      {}: pod subnet {subnets}", n.metadata.name);
        }
    }
}

fn describe_scenario(name: &str, docs: &[Document], warnings: &[String]) -> String {
    let mut out = String::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in docs {
        *counts.entry(d.object.kind()).or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(
        out,
        "== {name}: {} objects ({})",
        docs.len(),
        counts.join(", ")
    );
    let nodes: Vec<&Node> = docs
        .iter()
        .filter_map(|d| match &d.object {
            Object::Node(n) => Some(n),
            _ => None,
        })
        .collect();
    let frrs: Vec<&FRRConfiguration> = docs
        .iter()
        .filter_map(|d| match &d.object {
            Object::FRRConfiguration(c) => Some(c),
            _ => None,
        })
        .collect();
    if !nodes.is_empty() {
        let _ = writeln!(out, "  Nodes");
        for n in &nodes {
            let labels: Vec<String> = n
                .metadata
                .labels
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(out, "    {}  labels {}", n.metadata.name, list(&labels));
        }
    }
    for d in docs {
        match &d.object {
            Object::FRRConfiguration(c) => describe_frr(&mut out, d, c, &nodes),
            Object::RouteAdvertisements(ra) => describe_ra(&mut out, d, ra, &nodes, &frrs),
            Object::FRRNodeState(s) => {
                let _ = writeln!(
                    out,
                    "  FRRNodeState {}: conversion {:?}, reload {:?}",
                    s.metadata.display_name(),
                    s.status.last_conversion_result,
                    s.status.last_reload_result
                );
            }
            Object::BGPSessionState(s) => {
                let _ = writeln!(
                    out,
                    "  BGPSessionState {}: node {} peer {} BGP {} BFD {}",
                    s.metadata.display_name(),
                    s.status.node,
                    s.status.peer,
                    s.status.bgp_status,
                    s.status.bfd_status
                );
            }
            Object::Node(_) => {}
        }
    }
    for w in warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    out
}

fn main() -> ExitCode {
    let args = Args::parse();
    let scenarios = match &args.path {
        None => bundled(),
        Some(p) => match from_path(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut failed = false;
    let mut first = true;
    for s in &scenarios {
        if !first {
            println!();
        }
        first = false;
        match load_scenario(s) {
            Ok((docs, warnings)) => print!("{}", describe_scenario(&s.name, &docs, &warnings)),
            Err(errors) => {
                failed = true;
                let n = errors.len();
                println!(
                    "== {}: INVALID ({n} error{})",
                    s.name,
                    if n == 1 { "" } else { "s" }
                );
                // keep the errors next to their heading when both streams go to a terminal
                let _ = std::io::Write::flush(&mut std::io::stdout());
                for e in errors {
                    eprintln!("error: {e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_scenarios_are_valid_and_summarised() {
        let scenarios = bundled();
        assert_eq!(scenarios.len(), 2);
        let (docs, warnings) = load_scenario(&scenarios[0]).unwrap();
        assert!(warnings.is_empty());
        let text = describe_scenario(&scenarios[0].name, &docs, &warnings);
        assert!(
            text.contains("== scenario1-import: 4 objects (1 FRRConfiguration, 3 Node)"),
            "{text}"
        );
        assert!(text.contains("nodes: node1, node2, node3"), "{text}");
        assert!(
            text.contains("neighbor 192.168.111.1 AS 64500 (eBGP, ipv4)"),
            "{text}"
        );
        assert!(
            text.contains("neighbor fd00:111::1 AS 64500 (eBGP, ipv6)"),
            "{text}"
        );
        assert!(text.contains("receive:   only 172.26.0.0/16"), "{text}");

        let (docs, warnings) = load_scenario(&scenarios[1]).unwrap();
        let text = describe_scenario(&scenarios[1].name, &docs, &warnings);
        assert!(
            text.contains("(2 FRRConfiguration, 3 Node, 1 RouteAdvertisements)"),
            "{text}"
        );
        assert!(
            text.contains("neighbor 192.168.111.1 AS 64512 (iBGP, ipv4)"),
            "{text}"
        );
        assert!(text.contains("receive:   everything (mode all)"), "{text}");
        assert!(text.contains("advertise: 10.100.0.0/16"), "{text}");
        assert!(
            text.contains("BFD profile fabric-bfd: receive 100 ms, transmit 100 ms, multiplier 3"),
            "{text}"
        );
        assert!(
            text.contains("FRRConfigurations used as templates: frr-k8s-system/fabric-ibgp\n"),
            "{text}"
        );
        for n in 1..=3 {
            assert!(
                text.contains(&format!("node{n}: pod subnet 10.100.{n}.0/24")),
                "{text}"
            );
        }
    }

    #[test]
    fn invalid_manifests_report_every_error_with_location() {
        let bad = Scenario {
            name: "bad".into(),
            files: vec![
                (
                    "a.yaml".into(),
                    BUNDLED[0]
                        .2
                        .replacen("asn: 64500", "asn: 64500\n        holdTime: 2s", 1),
                ),
                (
                    "b.yaml".into(),
                    "apiVersion: v1\nkind: Node\nmetadata: {name: x, color: red}\n".into(),
                ),
            ],
        };
        let errors = load_scenario(&bad).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 2, "{text:#?}");
        assert!(
            text[0].starts_with("b.yaml:1: document 0, Node x: metadata.color: unknown field"),
            "{text:#?}"
        );
        assert_eq!(
            text[1],
            "a.yaml:3: document 0, FRRConfiguration frr-k8s-system/import-provider: spec.bgp.routers[0].neighbors[0].keepaliveTime: one of KeepaliveTime/HoldTime specified, both must be set or none",
        );
    }

    #[test]
    fn directory_layout_is_one_scenario_per_subdirectory() {
        let dir = std::env::temp_dir().join(format!("pipeline-test-{}", std::process::id()));
        let sub = dir.join("s1");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("x.yaml"), BUNDLED[1].2).unwrap();
        std::fs::write(sub.join("ignored.txt"), "not a manifest").unwrap();
        std::fs::write(
            dir.join("top.json"),
            "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"t\"}}",
        )
        .unwrap();
        let scenarios = from_path(&dir).unwrap();
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names[1], "s1");
        assert_eq!(scenarios[0].files.len(), 1);
        assert_eq!(scenarios[1].files.len(), 1);
        assert!(from_path(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
