//! OVN-Kubernetes objects: `RouteAdvertisements` (`k8s.ovn.org/v1`, cluster-scoped, short name
//! `ra`) and the few `Node` fields its controller reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::meta::{Condition, LabelSelector, ObjectMeta, is_default};

/// `k8s.ovn.org`.
pub const GROUP: &str = "k8s.ovn.org";
/// `v1`.
pub const VERSION: &str = "v1";
/// `k8s.ovn.org/v1`.
pub const API_VERSION: &str = "k8s.ovn.org/v1";

/// Node annotation with the node's pod subnets per network.
pub const NODE_SUBNETS_ANNOTATION: &str = "k8s.ovn.org/node-subnets";
/// Node annotation with the node's primary interface addresses.
pub const NODE_PRIMARY_IFADDR_ANNOTATION: &str = "k8s.ovn.org/node-primary-ifaddr";
/// Label/annotation key the controller puts on FRRConfigurations it generates.
pub const ROUTE_ADVERTISEMENTS_KEY: &str = "k8s.ovn.org/route-advertisements";

fn ovn_api_version() -> String {
    API_VERSION.to_string()
}

/// Which routes of which networks to advertise through which FRRConfigurations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteAdvertisements {
    #[serde(default = "ovn_api_version")]
    pub api_version: String,
    #[serde(default = "RouteAdvertisements::kind_string")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: RouteAdvertisementsSpec,
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: RouteAdvertisementsStatus,
}

impl RouteAdvertisements {
    pub const KIND: &'static str = "RouteAdvertisements";
    fn kind_string() -> String {
        Self::KIND.to_string()
    }

    pub fn new(name: impl Into<String>, spec: RouteAdvertisementsSpec) -> Self {
        RouteAdvertisements {
            metadata: ObjectMeta::named(name, ""),
            spec,
            ..Default::default()
        }
    }
}

impl Default for RouteAdvertisements {
    fn default() -> Self {
        RouteAdvertisements {
            api_version: API_VERSION.to_string(),
            kind: Self::KIND.to_string(),
            metadata: ObjectMeta::default(),
            spec: RouteAdvertisementsSpec::default(),
            status: RouteAdvertisementsStatus::default(),
        }
    }
}

/// Desired state of a `RouteAdvertisements`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-validations" = [
    {"rule": "(!has(self.nodeSelector.matchLabels) && !has(self.nodeSelector.matchExpressions)) || !('PodNetwork' in self.advertisements)", "message": "If 'PodNetwork' is selected for advertisement, a 'nodeSelector' can't be specified as it needs to be advertised on all nodes"},
    {"rule": "!self.networkSelectors.exists(i, i.networkSelectionType != 'DefaultNetwork' && i.networkSelectionType != 'ClusterUserDefinedNetworks')", "message": "Only DefaultNetwork or ClusterUserDefinedNetworks can be selected"}
])))]
pub struct RouteAdvertisementsSpec {
    /// `""` (default VRF), `"auto"` (each network's VRF) or a router's VRF name.
    #[serde(
        default,
        rename = "targetVRF",
        skip_serializing_if = "String::is_empty"
    )]
    pub target_vrf: String,
    /// 1..=5 selectors, unique by type.
    #[cfg_attr(feature = "kube", schemars(length(min = 1, max = 5), extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["networkSelectionType"])))]
    pub network_selectors: Vec<NetworkSelector>,
    /// Required; must be empty when advertising `PodNetwork`.
    pub node_selector: LabelSelector,
    /// Required; selects the FRRConfigurations the generated ones are based on.
    #[serde(rename = "frrConfigurationSelector")]
    pub frr_configuration_selector: LabelSelector,
    /// 1..=2 unique entries.
    #[cfg_attr(feature = "kube", schemars(length(min = 1, max = 2), extend("x-kubernetes-validations" = [{"rule": "self.all(x, self.exists_one(y, x == y))"}])))]
    pub advertisements: Vec<AdvertisementType>,
}

impl RouteAdvertisementsSpec {
    /// `targetVRF: auto`.
    pub fn target_vrf_is_auto(&self) -> bool {
        self.target_vrf == "auto"
    }
}

/// What is advertised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
pub enum AdvertisementType {
    PodNetwork,
    EgressIP,
}

impl AdvertisementType {
    pub fn as_str(self) -> &'static str {
        match self {
            AdvertisementType::PodNetwork => "PodNetwork",
            AdvertisementType::EgressIP => "EgressIP",
        }
    }
}

/// One set of networks, discriminated by `networkSelectionType`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-validations" = [
    {"rule": "!has(self.networkSelectionType) ? true : has(self.clusterUserDefinedNetworkSelector) ? self.networkSelectionType == 'ClusterUserDefinedNetworks' : self.networkSelectionType != 'ClusterUserDefinedNetworks'", "message": "Inconsistent selector: both networkSelectionType ClusterUserDefinedNetworks and clusterUserDefinedNetworkSelector have to be set or neither"},
    {"rule": "!has(self.networkSelectionType) ? true : has(self.primaryUserDefinedNetworkSelector) ? self.networkSelectionType == 'PrimaryUserDefinedNetworks' : self.networkSelectionType != 'PrimaryUserDefinedNetworks'", "message": "Inconsistent selector: both networkSelectionType PrimaryUserDefinedNetworks and primaryUserDefinedNetworkSelector have to be set or neither"},
    {"rule": "!has(self.networkSelectionType) ? true : has(self.secondaryUserDefinedNetworkSelector) ? self.networkSelectionType == 'SecondaryUserDefinedNetworks' : self.networkSelectionType != 'SecondaryUserDefinedNetworks'", "message": "Inconsistent selector: both networkSelectionType SecondaryUserDefinedNetworks and secondaryUserDefinedNetworkSelector have to be set or neither"},
    {"rule": "!has(self.networkSelectionType) ? true : has(self.networkAttachmentDefinitionSelector) ? self.networkSelectionType == 'NetworkAttachmentDefinitions' : self.networkSelectionType != 'NetworkAttachmentDefinitions'", "message": "Inconsistent selector: both networkSelectionType NetworkAttachmentDefinitions and networkAttachmentDefinitionSelector have to be set or neither"}
])))]
pub struct NetworkSelector {
    pub network_selection_type: NetworkSelectionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_user_defined_network_selector: Option<ClusterUserDefinedNetworkSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_user_defined_network_selector: Option<PrimaryUserDefinedNetworkSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_user_defined_network_selector: Option<SecondaryUserDefinedNetworkSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_attachment_definition_selector: Option<NetworkAttachmentDefinitionSelector>,
}

impl NetworkSelector {
    /// `{networkSelectionType: DefaultNetwork}`.
    pub fn default_network() -> Self {
        NetworkSelector::default()
    }
}

/// The kinds of networks a selector can pick.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
pub enum NetworkSelectionType {
    #[default]
    DefaultNetwork,
    ClusterUserDefinedNetworks,
    PrimaryUserDefinedNetworks,
    SecondaryUserDefinedNetworks,
    NetworkAttachmentDefinitions,
}

impl NetworkSelectionType {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkSelectionType::DefaultNetwork => "DefaultNetwork",
            NetworkSelectionType::ClusterUserDefinedNetworks => "ClusterUserDefinedNetworks",
            NetworkSelectionType::PrimaryUserDefinedNetworks => "PrimaryUserDefinedNetworks",
            NetworkSelectionType::SecondaryUserDefinedNetworks => "SecondaryUserDefinedNetworks",
            NetworkSelectionType::NetworkAttachmentDefinitions => "NetworkAttachmentDefinitions",
        }
    }
}

/// Selects ClusterUserDefinedNetworks by label.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterUserDefinedNetworkSelector {
    pub network_selector: LabelSelector,
}

/// Selects primary UserDefinedNetworks by the namespaces they serve.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrimaryUserDefinedNetworkSelector {
    pub namespace_selector: LabelSelector,
}

/// Selects secondary UserDefinedNetworks by namespace and label.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecondaryUserDefinedNetworkSelector {
    pub namespace_selector: LabelSelector,
    pub network_selector: LabelSelector,
}

/// Selects networks of NetworkAttachmentDefinitions by namespace and label.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkAttachmentDefinitionSelector {
    pub namespace_selector: LabelSelector,
    pub network_selector: LabelSelector,
}

/// Observed state: `status` is `Accepted` or `Not Accepted: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteAdvertisementsStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"])))]
    pub conditions: Vec<Condition>,
}

/// Condition type set by the controller.
pub const CONDITION_ACCEPTED: &str = "Accepted";

/// A Kubernetes `Node`, reduced to what the RouteAdvertisements controller reads: labels and the
/// OVN annotations. `spec` and `status` are kept opaque so `kubectl get node -o yaml` dumps load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Node {
    #[serde(default = "Node::api_version_string")]
    pub api_version: String,
    #[serde(default = "Node::kind_string")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            api_version: "v1".to_string(),
            kind: Self::KIND.to_string(),
            metadata: ObjectMeta::default(),
            spec: None,
            status: None,
        }
    }
}

/// Node addresses from `k8s.ovn.org/node-primary-ifaddr` (`{"ipv4":"a/b","ipv6":"c/d"}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrimaryIfAddr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<String>,
}

/// A node annotation that is missing or not of the documented JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("node {node:?}: annotation {annotation}: {reason}")]
pub struct AnnotationError {
    pub node: String,
    pub annotation: &'static str,
    pub reason: String,
}

impl Node {
    pub const KIND: &'static str = "Node";
    fn kind_string() -> String {
        Self::KIND.to_string()
    }
    fn api_version_string() -> String {
        "v1".to_string()
    }

    pub fn new(name: impl Into<String>) -> Self {
        Node {
            metadata: ObjectMeta::named(name, ""),
            ..Default::default()
        }
    }

    /// `k8s.ovn.org/node-subnets`: network name to subnets. Each value may be one CIDR string
    /// or a list of them. `Ok(None)` when the annotation is absent.
    pub fn node_subnets(&self) -> Result<Option<BTreeMap<String, Vec<String>>>, AnnotationError> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        let Some(text) = self.metadata.annotations.get(NODE_SUBNETS_ANNOTATION) else {
            return Ok(None);
        };
        let parsed: BTreeMap<String, OneOrMany> =
            serde_json::from_str(text).map_err(|e| AnnotationError {
                node: self.metadata.name.clone(),
                annotation: NODE_SUBNETS_ANNOTATION,
                reason: e.to_string(),
            })?;
        Ok(Some(
            parsed
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        OneOrMany::One(s) => vec![s],
                        OneOrMany::Many(v) => v,
                    };
                    (k, v)
                })
                .collect(),
        ))
    }

    /// `k8s.ovn.org/node-primary-ifaddr`. `Ok(None)` when the annotation is absent.
    pub fn primary_ifaddr(&self) -> Result<Option<PrimaryIfAddr>, AnnotationError> {
        let Some(text) = self
            .metadata
            .annotations
            .get(NODE_PRIMARY_IFADDR_ANNOTATION)
        else {
            return Ok(None);
        };
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| AnnotationError {
                node: self.metadata.name.clone(),
                annotation: NODE_PRIMARY_IFADDR_ANNOTATION,
                reason: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_annotations() {
        let mut n = Node::new("node1");
        assert_eq!(n.node_subnets().unwrap(), None);
        n.metadata.annotations.insert(
            NODE_SUBNETS_ANNOTATION.into(),
            r#"{"default":"10.100.1.0/24","blue":["10.1.0.0/24","fd01::/64"]}"#.into(),
        );
        n.metadata.annotations.insert(
            NODE_PRIMARY_IFADDR_ANNOTATION.into(),
            r#"{"ipv4":"192.168.111.11/24","ipv6":"fd00:111::11/64"}"#.into(),
        );
        let subnets = n.node_subnets().unwrap().unwrap();
        assert_eq!(subnets["default"], vec!["10.100.1.0/24"]);
        assert_eq!(subnets["blue"], vec!["10.1.0.0/24", "fd01::/64"]);
        let addr = n.primary_ifaddr().unwrap().unwrap();
        assert_eq!(addr.ipv4.as_deref(), Some("192.168.111.11/24"));
        n.metadata
            .annotations
            .insert(NODE_SUBNETS_ANNOTATION.into(), "{not json".into());
        let err = n.node_subnets().unwrap_err();
        assert!(err.to_string().contains("node-subnets"), "{err}");
    }
}
