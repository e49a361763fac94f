//! The node agent and the main job: from a cluster's manifests to each node's FRR configuration.
//!
//! - [`plan_cluster`]: the whole pipeline for one cluster, pure: the RouteAdvertisements
//!   controller's generation ([`crd_model::generate`]), then per node the selection, merge and
//!   conversion of frr-render ([`frr_render::node_config`]) and the rendered `frr.conf`.
//! - [`pipeline`]: the main job (`pipeline` binary): [`plan_cluster`] for every bundled or given
//!   scenario, files written, `vtysh -C` checks, and a readable summary.
//! - [`source`]: the node agent's manifest directory, loaded as one cluster.
//! - [`run`]: the node agent's loop (`node-agent` binary): watch, render, reload, report.
//! - [`native`]: the node agent's native mode (no FRR: the suite's own speaker).
//! - [`status`]: BGP and BFD session state read from FRR's JSON output.
//!
//! The logic is in `crd-model` and `frr-render`; this module wires them together.

pub mod native;
pub mod pipeline;
pub mod run;
pub mod source;
pub mod status;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crd_model::generate::{self, ClusterState, GenerateError, ROUTE_ADVERTISEMENTS_KEY};
use crd_model::{FRRConfiguration, Node};
use frr_render::convert::Conversion;
use frr_render::model::{AllowedIn, NeighborConfig, PeerAsn};
use frr_render::{ConversionError, NodeContext, render};

/// The pipeline's result for one cluster.
#[derive(Debug, Clone)]
pub struct ClusterPlan {
    /// Each RouteAdvertisements' outcome: `Ok(number of generated objects)` or why it is not
    /// accepted (pending or configuration error, upstream's texts).
    pub route_advertisements: BTreeMap<String, Result<usize, GenerateError>>,
    /// Generated FRRConfigurations by identity key (`ra/source/node`), named as the controller
    /// names them.
    pub generated: BTreeMap<String, FRRConfiguration>,
    /// One entry per node, in name order.
    pub nodes: Vec<NodePlan>,
}

/// The configuration of one node.
#[derive(Debug, Clone)]
pub struct NodePlan {
    pub node: String,
    /// The merged configuration and its text, or why the node's FRRConfigurations do not merge.
    pub result: Result<NodeConfig, ConversionError>,
}

/// A node's merged configuration.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub conversion: Conversion,
    /// `frr.conf`, as frr-k8s renders it.
    pub text: String,
}

/// The FRRConfigurations a node agent considers: the cluster's own plus the generated ones.
/// Generated objects already present in the input (written by a controller) are replaced by
/// the freshly generated ones, so they never count twice.
pub fn effective_configurations(
    state: &ClusterState,
    generated: &BTreeMap<String, FRRConfiguration>,
) -> Vec<FRRConfiguration> {
    let mut all: Vec<FRRConfiguration> = state
        .frr_configurations
        .iter()
        .filter(|f| !f.metadata.labels.contains_key(ROUTE_ADVERTISEMENTS_KEY))
        .cloned()
        .collect();
    all.extend(generated.values().cloned());
    all
}

/// What frr-render needs to know about a node.
pub fn node_context(node: &Node) -> NodeContext {
    // Nodes without the OVN address annotation are assumed to have IPv4 (as the demo nodes).
    let has_ipv4 = match node.primary_ifaddr() {
        Ok(Some(a)) => a.ipv4.is_some() || a.ipv6.is_none(),
        _ => true,
    };
    NodeContext {
        name: node.metadata.name.clone(),
        labels: node.metadata.labels.clone(),
        has_ipv4_address: has_ipv4,
        ..Default::default()
    }
}

/// The configuration of one node from the FRRConfigurations that apply to the cluster.
pub fn node_plan(node: &Node, configs: &[FRRConfiguration]) -> NodePlan {
    let result = frr_render::node_config(&node_context(node), configs, &[]).map(|conversion| {
        let text = render(&conversion.config);
        NodeConfig { conversion, text }
    });
    NodePlan {
        node: node.metadata.name.clone(),
        result,
    }
}

/// Runs the whole pipeline on one cluster: generation, then every node's configuration.
pub fn plan_cluster(state: &ClusterState) -> ClusterPlan {
    let gen_out = generate::generate(state);
    let mut generated = BTreeMap::new();
    let mut route_advertisements = BTreeMap::new();
    for (name, g) in &gen_out.route_advertisements {
        match &g.result {
            Ok(objects) => {
                route_advertisements.insert(name.clone(), Ok(objects.len()));
                for (key, f) in objects {
                    let mut f = f.clone();
                    if f.metadata.name.is_empty() {
                        f.metadata.name = generate::stable_name(key);
                    }
                    generated.insert(key.clone(), f);
                }
            }
            Err(e) => {
                route_advertisements.insert(name.clone(), Err(e.clone()));
            }
        }
    }
    let configs = effective_configurations(state, &generated);
    let mut nodes: Vec<&Node> = state.nodes.iter().collect();
    nodes.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let nodes = nodes.into_iter().map(|n| node_plan(n, &configs)).collect();
    ClusterPlan {
        route_advertisements,
        generated,
        nodes,
    }
}

/// One neighbor of a node's configuration, as a newcomer reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighborSummary {
    /// Peer address or interface.
    pub peer: String,
    /// Router ASN / peer ASN ("internal", "external" for dynamic ASNs).
    pub local_asn: u32,
    pub peer_asn: String,
    /// VRF, empty for the default VRF.
    pub vrf: String,
    /// `None` when every prefix is accepted; otherwise the accepted prefixes (with le/ge).
    pub imports: Option<Vec<String>>,
    /// Advertised prefixes.
    pub advertises: Vec<String>,
    pub bfd_profile: String,
}

fn peer_asn_text(a: &PeerAsn) -> String {
    match a {
        PeerAsn::Number(n) => n.to_string(),
        PeerAsn::Internal => "internal".into(),
        PeerAsn::External => "external".into(),
    }
}

fn imports_of(incoming: &AllowedIn) -> Option<Vec<String>> {
    if incoming.all {
        return None;
    }
    Some(
        incoming
            .prefixes_v4
            .iter()
            .chain(&incoming.prefixes_v6)
            .map(|f| {
                let mut s = f.prefix.to_string();
                if f.ge != 0 {
                    let _ = write!(s, " ge {}", f.ge);
                }
                if f.le != 0 {
                    let _ = write!(s, " le {}", f.le);
                }
                s
            })
            .collect(),
    )
}

fn neighbor_summary(local_asn: u32, vrf: &str, n: &NeighborConfig) -> NeighborSummary {
    NeighborSummary {
        peer: n.peer(),
        local_asn,
        peer_asn: peer_asn_text(&n.asn),
        vrf: vrf.to_string(),
        imports: imports_of(&n.incoming),
        advertises: n
            .outgoing
            .prefixes_v4
            .iter()
            .chain(&n.outgoing.prefixes_v6)
            .map(|p| p.to_string())
            .collect(),
        bfd_profile: n.bfd_profile.clone(),
    }
}

impl NodeConfig {
    /// Every neighbor of every router.
    pub fn neighbors(&self) -> Vec<NeighborSummary> {
        self.conversion
            .config
            .routers
            .iter()
            .flat_map(|r| {
                r.neighbors
                    .iter()
                    .map(move |n| neighbor_summary(r.my_asn, &r.vrf, n))
            })
            .collect()
    }

    /// The prefixes some neighbor advertises, deduplicated in first-seen order.
    pub fn advertised(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in self.neighbors() {
            for p in n.advertises {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> Node {
        let mut n = Node::new(name);
        n.metadata
            .labels
            .insert("kubernetes.io/hostname".into(), name.into());
        n
    }

    #[test]
    fn generated_objects_in_the_input_do_not_count_twice() {
        let text = include_str!("../../manifests/scenario2-advertise/frrconfiguration.yaml");
        let docs = crd_model::load_str("f.yaml", text).unwrap();
        let mut state = ClusterState::from_objects(docs.into_iter().map(|d| d.object));
        let mut stale = state.frr_configurations[0].clone();
        stale.metadata.name = "ovnk-generated-xxxxx".into();
        stale
            .metadata
            .labels
            .insert(ROUTE_ADVERTISEMENTS_KEY.into(), "default".into());
        state.frr_configurations.push(stale);
        let eff = effective_configurations(&state, &BTreeMap::new());
        assert_eq!(eff.len(), 2);
        assert!(eff.iter().all(|f| !f.metadata.name.starts_with("ovnk-")));
    }

    #[test]
    fn conflicting_configurations_give_a_node_error() {
        let a = "apiVersion: frrk8s.metallb.io/v1beta1\nkind: FRRConfiguration\nmetadata: {name: a, namespace: x}\nspec:\n  bgp:\n    routers:\n    - asn: 64512\n      neighbors:\n      - {address: 192.168.111.1, asn: 64500}\n";
        let b = a.replace("name: a", "name: b").replace("64500", "64501");
        let mut configs = Vec::new();
        for (f, t) in [("a.yaml", a.to_string()), ("b.yaml", b)] {
            for d in crd_model::load_str(f, &t).unwrap() {
                if let crd_model::Object::FRRConfiguration(c) = d.object {
                    configs.push(c);
                }
            }
        }
        let plan = node_plan(&node("node1"), &configs);
        let err = plan.result.unwrap_err();
        assert!(err.message.contains("192.168.111.1"), "{err}");
    }
}
