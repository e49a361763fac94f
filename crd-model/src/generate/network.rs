//! The networks a RouteAdvertisements can select: the cluster default network and
//! ClusterUserDefinedNetworks (CUDNs), reduced to what route generation needs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::error::GenerateError;
use crate::meta::LabelSelector;
use crate::ovnk::{NetworkSelectionType, NetworkSelector};

/// Name of the cluster default network (also its VRF name when importing).
pub const DEFAULT_NETWORK: &str = "default";
/// Prefix of the network name OVN-Kubernetes gives a ClusterUserDefinedNetwork.
pub const CUDN_PREFIX: &str = "cluster_udn_";
/// Longest Linux VRF (interface) name.
pub const MAX_VRF_NAME_LEN: usize = 15;

/// Network topology (`layer3` has a subnet per node, `layer2` one subnet across all nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Topology {
    #[default]
    Layer3,
    Layer2,
    Localnet,
}

impl Topology {
    pub fn as_str(self) -> &'static str {
        match self {
            Topology::Layer3 => "layer3",
            Topology::Layer2 => "layer2",
            Topology::Localnet => "localnet",
        }
    }
}

/// Whether the network is a namespace's primary network or an additional one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum NetworkRole {
    #[default]
    Primary,
    Secondary,
}

/// A ClusterUserDefinedNetwork as the generation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserDefinedNetwork {
    /// The CUDN object's name; the OVN network is `cluster_udn_<name>`.
    pub name: String,
    /// The CUDN's labels, matched by `clusterUserDefinedNetworkSelector.networkSelector`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub topology: Topology,
    #[serde(default)]
    pub role: NetworkRole,
    /// Network CIDRs (a layer-2 network advertises these from every node).
    #[serde(default)]
    pub subnets: Vec<String>,
    /// OVN network id, used for the VRF name when the CUDN name is too long for one.
    #[serde(default)]
    pub network_id: u32,
}

impl UserDefinedNetwork {
    /// `cluster_udn_<name>`, the key of the network in node annotations.
    pub fn network_name(&self) -> String {
        format!("{CUDN_PREFIX}{}", self.name)
    }

    /// The network's VRF: the CUDN name when it fits a Linux interface name, else
    /// `mp<id>-udn-vrf`.
    pub fn vrf_name(&self) -> String {
        if self.name.len() <= MAX_VRF_NAME_LEN {
            self.name.clone()
        } else {
            format!("mp{}-udn-vrf", self.network_id)
        }
    }
}

/// One selected network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SelectedNetwork {
    pub name: String,
    pub vrf: String,
    pub topology: Topology,
    /// Sorted network CIDRs.
    pub subnets: Vec<String>,
}

/// The networks one RouteAdvertisements selects, in upstream's orderings.
#[derive(Debug, Clone, Default)]
pub(crate) struct SelectedNetworks {
    /// Sorted by network name.
    pub networks: Vec<SelectedNetwork>,
    /// Sorted VRF names.
    pub vrfs: Vec<String>,
    /// VRF name to network name.
    pub network_of_vrf: BTreeMap<String, String>,
}

/// Candidate networks in selection order, before validation.
struct Candidate<'a> {
    name: String,
    vrf: String,
    topology: Topology,
    role: NetworkRole,
    subnets: &'a [String],
}

/// Resolves `spec.networkSelectors` against the known networks and validates them as upstream
/// does (primary networks of layer-3 or layer-2 topology, one network per VRF).
pub(crate) fn select_networks(
    selectors: &[NetworkSelector],
    default_subnets: &[String],
    udns: &[UserDefinedNetwork],
    egress_ip: bool,
) -> Result<SelectedNetworks, GenerateError> {
    let mut candidates = Vec::new();
    for sel in selectors {
        match sel.network_selection_type {
            NetworkSelectionType::DefaultNetwork => candidates.push(Candidate {
                name: DEFAULT_NETWORK.to_string(),
                vrf: DEFAULT_NETWORK.to_string(),
                topology: Topology::Layer3,
                role: NetworkRole::Primary,
                subnets: default_subnets,
            }),
            NetworkSelectionType::ClusterUserDefinedNetworks => {
                let Some(cudn) = &sel.cluster_user_defined_network_selector else {
                    return Err(GenerateError::config(
                        "Inconsistent selector: both networkSelectionType ClusterUserDefinedNetworks \
                         and clusterUserDefinedNetworkSelector have to be set or neither",
                    ));
                };
                let selector: &LabelSelector = &cudn.network_selector;
                let mut matched: Vec<&UserDefinedNetwork> = udns
                    .iter()
                    .filter(|u| selector.matches(&u.labels))
                    .collect();
                matched.sort_by(|a, b| a.name.cmp(&b.name));
                candidates.extend(matched.into_iter().map(|u| Candidate {
                    name: u.network_name(),
                    vrf: u.vrf_name(),
                    topology: u.topology,
                    role: u.role,
                    subnets: &u.subnets,
                }));
            }
            other => {
                return Err(GenerateError::config(format!(
                    "unsupported network selection type {}",
                    other.as_str()
                )));
            }
        }
    }
    if candidates.is_empty() {
        return Err(GenerateError::pending("no networks selected"));
    }

    let mut seen = BTreeSet::new();
    let mut out = SelectedNetworks::default();
    for c in candidates {
        if !seen.insert(c.name.clone()) {
            continue;
        }
        if c.role != NetworkRole::Primary {
            return Err(GenerateError::config(format!(
                "selected network {:?} is not the default nor a primary network",
                c.name
            )));
        }
        if !matches!(c.topology, Topology::Layer3 | Topology::Layer2) {
            return Err(GenerateError::config(format!(
                "selected network {:?} has unsupported topology {:?}",
                c.name,
                c.topology.as_str()
            )));
        }
        if egress_ip && c.topology == Topology::Layer2 {
            return Err(GenerateError::config(format!(
                "EgressIP advertisement is currently not supported for Layer2 networks, network: {}",
                c.name
            )));
        }
        if let Some(other) = out.network_of_vrf.get(&c.vrf)
            && *other != c.name
        {
            return Err(GenerateError::config(format!(
                "vrf {:?} found to be mapped to multiple networks [{} {}]",
                c.vrf, other, c.name
            )));
        }
        out.network_of_vrf.insert(c.vrf.clone(), c.name.clone());
        out.vrfs.push(c.vrf.clone());
        let mut subnets = c.subnets.to_vec();
        subnets.sort();
        out.networks.push(SelectedNetwork {
            name: c.name,
            vrf: c.vrf,
            topology: c.topology,
            subnets,
        });
    }
    out.vrfs.sort();
    out.networks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
