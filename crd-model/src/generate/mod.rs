//! The RouteAdvertisements controller of OVN-Kubernetes (cluster manager, v1.1.0 behaviour) as
//! pure functions: from RouteAdvertisements, FRRConfigurations, Nodes, networks and EgressIP
//! assignments to the FRRConfigurations it generates per node and the `Accepted` status of each
//! RouteAdvertisements; then a [`plan`](reconcile::plan) of creates, updates and deletes against
//! the generated objects that exist.
//!
//! ```
//! use crd_model::generate::{ClusterState, generate};
//! use crd_model::{load_str, Object};
//!
//! let docs = load_str("demo.yaml", r#"
//! apiVersion: k8s.ovn.org/v1
//! kind: RouteAdvertisements
//! metadata: {name: default}
//! spec:
//!   advertisements: [PodNetwork]
//!   networkSelectors: [{networkSelectionType: DefaultNetwork}]
//!   nodeSelector: {}
//!   frrConfigurationSelector: {matchLabels: {use: ra}}
//! ---
//! apiVersion: frrk8s.metallb.io/v1beta1
//! kind: FRRConfiguration
//! metadata: {name: fabric, namespace: frr-k8s-system, labels: {use: ra}}
//! spec:
//!   bgp:
//!     routers:
//!     - asn: 64512
//!       neighbors: [{address: 192.168.111.1, asn: 64512}]
//! ---
//! apiVersion: v1
//! kind: Node
//! metadata:
//!   name: node1
//!   annotations: {k8s.ovn.org/node-subnets: '{"default":"10.100.1.0/24"}'}
//! "#).unwrap();
//! let state = ClusterState::from_objects(docs.into_iter().map(|d| d.object));
//! let out = generate(&state);
//! let ra = &out.route_advertisements["default"];
//! let generated = ra.result.as_ref().unwrap();
//! let frr = &generated["default/fabric/node1"];
//! assert_eq!(frr.spec.bgp.routers[0].prefixes, ["10.100.1.0/24"]);
//! assert_eq!(frr.metadata.generate_name, "ovnk-generated-");
//! ```

mod error;
mod frr;
pub mod naming;
pub mod network;
pub mod reconcile;
pub mod status;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use error::{GenerateError, Reason};
pub use naming::stable_name;
pub use network::{NetworkRole, Topology, UserDefinedNetwork};
pub use reconcile::{ObjectRef, Plan, Update, plan};
pub use status::{ACCEPTED_MESSAGE, accepted_condition, needs_status_update};

use crate::frrk8s::FRRConfiguration;
use crate::load::Object;
use crate::ovnk::{AdvertisementType, Node, RouteAdvertisements};

/// `generateName` of generated FRRConfigurations; sources with this name prefix are ignored.
pub const GENERATE_NAME: &str = "ovnk-generated-";
/// Field manager upstream uses when writing generated objects and statuses.
pub const FIELD_MANAGER: &str = "clustermanager-routeadvertisements-controller";
/// Node label the generated FRRConfigurations select their node by.
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
pub use crate::ovnk::ROUTE_ADVERTISEMENTS_KEY;

/// An EgressIP assigned to a node, attributed to the network serving the EgressIP's namespaces.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EgressIPAssignment {
    /// The EgressIP object's name (for messages only).
    #[serde(default)]
    pub name: String,
    pub node: String,
    /// Address without mask; advertised as a /32 or /128.
    pub egress_ip: String,
    /// Network name (`default` or `cluster_udn_<name>`).
    #[serde(default = "default_network_name")]
    pub network: String,
}

fn default_network_name() -> String {
    network::DEFAULT_NETWORK.to_string()
}

/// Everything the generation reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterState {
    pub route_advertisements: Vec<RouteAdvertisements>,
    /// All FRRConfigurations of all namespaces, generated ones included (they are skipped as
    /// sources).
    pub frr_configurations: Vec<FRRConfiguration>,
    pub nodes: Vec<Node>,
    /// ClusterUserDefinedNetworks.
    pub networks: Vec<UserDefinedNetwork>,
    pub egress_ips: Vec<EgressIPAssignment>,
    /// Cluster subnets of the default network (only needed if it were layer 2).
    pub default_network_subnets: Vec<String>,
}

impl ClusterState {
    /// Sorts loaded objects into a state; kinds the generation does not read are ignored.
    pub fn from_objects(objects: impl IntoIterator<Item = Object>) -> Self {
        let mut s = ClusterState::default();
        for o in objects {
            match o {
                Object::RouteAdvertisements(ra) => s.route_advertisements.push(ra),
                Object::FRRConfiguration(f) => s.frr_configurations.push(f),
                Object::Node(n) => s.nodes.push(n),
                Object::FRRNodeState(_) | Object::BGPSessionState(_) => {}
            }
        }
        s
    }
}

/// The result for one RouteAdvertisements.
#[derive(Debug, Clone, PartialEq)]
pub struct RaGeneration {
    /// `metadata.generation` of the RouteAdvertisements (for `observedGeneration`).
    pub generation: i64,
    /// Generated FRRConfigurations keyed by their identity annotation `ra/source/node`, or why
    /// the RouteAdvertisements is not accepted.
    pub result: Result<BTreeMap<String, FRRConfiguration>, GenerateError>,
}

/// The result for all RouteAdvertisements, keyed by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generated {
    pub route_advertisements: BTreeMap<String, RaGeneration>,
}

impl Generated {
    /// All generated FRRConfigurations of accepted RouteAdvertisements, by identity key.
    pub fn desired(&self) -> impl Iterator<Item = (&str, &FRRConfiguration)> {
        self.route_advertisements
            .values()
            .filter_map(|g| g.result.as_ref().ok())
            .flat_map(|m| m.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

/// Runs the generation for every RouteAdvertisements of `state`.
pub fn generate(state: &ClusterState) -> Generated {
    let mut out = Generated::default();
    for ra in &state.route_advertisements {
        out.route_advertisements.insert(
            ra.metadata.name.clone(),
            RaGeneration {
                generation: ra.metadata.generation,
                result: generate_one(state, ra),
            },
        );
    }
    out
}

/// Generates the FRRConfigurations of one RouteAdvertisements.
pub fn generate_one(
    state: &ClusterState,
    ra: &RouteAdvertisements,
) -> Result<BTreeMap<String, FRRConfiguration>, GenerateError> {
    let spec = &ra.spec;
    let adv: BTreeSet<AdvertisementType> = spec.advertisements.iter().copied().collect();
    let pods = adv.contains(&AdvertisementType::PodNetwork);
    let eips = adv.contains(&AdvertisementType::EgressIP);
    if eips && spec.target_vrf_is_auto() {
        return Err(GenerateError::config(
            "advertising EgressIP not supported with TargetVRF set to 'auto'",
        ));
    }

    let selected = network::select_networks(
        &spec.network_selectors,
        &state.default_network_subnets,
        &state.networks,
        eips,
    )?;

    if !spec.node_selector.is_empty() && pods {
        return Err(GenerateError::config(
            "node selector has to select all nodes if pod network is advertised",
        ));
    }
    let mut nodes: Vec<&Node> = state
        .nodes
        .iter()
        .filter(|n| spec.node_selector.matches(&n.metadata.labels))
        .collect();
    if nodes.is_empty() {
        return Err(GenerateError::pending("no nodes selected"));
    }
    nodes.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));

    let mut sources: Vec<&FRRConfiguration> = state
        .frr_configurations
        .iter()
        .filter(|f| spec.frr_configuration_selector.matches(&f.metadata.labels))
        .collect();
    if sources.is_empty() {
        return Err(GenerateError::pending("no FRRConfigurations selected"));
    }
    sources.retain(|f| !f.metadata.name.starts_with(GENERATE_NAME));
    sources.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });

    let mut generated = BTreeMap::new();
    for node in nodes {
        let node_name = node.metadata.name.as_str();
        let node_sources: Vec<&FRRConfiguration> = sources
            .iter()
            .copied()
            .filter(|f| f.spec.node_selector.matches(&node.metadata.labels))
            .collect();

        let host = frr::node_prefixes(node, &selected, pods, eips, &state.egress_ips)?;
        if host.all.is_empty() {
            continue;
        }
        let own = frr::own_addresses(node)?;

        let mut matched_networks = BTreeSet::new();
        for source in node_sources {
            let routers =
                frr::routers_for(ra, source, &selected, &host, &own, &mut matched_networks)?;
            if routers.is_empty() {
                return Err(GenerateError::config(format!(
                    "FRRConfiguration {:?} selected for node {:?} has no VRF matching the \
                     RouteAdvertisements target VRF or any selected network",
                    source.metadata.name, node_name
                )));
            }
            let (key, frr) = frr::generated_object(ra, source, node_name, routers);
            generated.insert(key, frr);
        }
        if spec.target_vrf_is_auto()
            && !selected
                .networks
                .iter()
                .all(|n| matched_networks.contains(&n.name))
        {
            return Err(GenerateError::config(format!(
                "selected FRRConfigurations for node {node_name:?} don't match all selected \
                 networks with target VRF 'auto'"
            )));
        }
    }
    Ok(generated)
}

/// Identity key `ra/source/node` of a generated FRRConfiguration (its annotation value).
pub fn identity_key(ra: &str, source: &str, node: &str) -> String {
    format!("{ra}/{source}/{node}")
}
