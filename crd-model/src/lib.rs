//! Kubernetes objects of the ingress stack: frr-k8s `FRRConfiguration` (`frrk8s.metallb.io/v1beta1`,
//! with `FRRNodeState` and `BGPSessionState`) and OVN-Kubernetes `RouteAdvertisements`
//! (`k8s.ovn.org/v1`), with upstream's JSON shape, Kubernetes durations and label selection.
//!
//! - [`load`]: single- and multi-document YAML and JSON, dispatched on `apiVersion`/`kind`;
//!   unknown fields and wrong types are errors naming file, document, line, object and field path.
//! - [`validate`]: upstream's CRD schema markers, CEL rules and frr-k8s's single-object webhook
//!   checks, every error of an object at once, with upstream's messages.
//! - [`meta`]: `ObjectMeta`, `LabelSelector` (with [`LabelSelector::matches`]) and `Condition`.
//! - feature `kube`: `FRRConfiguration::crd()` / `RouteAdvertisements::crd()` and conversions
//!   to k8s-openapi and kube-rs types.
//!
//! The public types are the same with and without the `kube` feature (features stay additive),
//! so crates that only need the data build without Kubernetes dependencies.
//!
//! ```
//! use crd_model::{Duration, LabelSelector, Object, load_str};
//! use std::collections::BTreeMap;
//!
//! let docs = load_str("frr.yaml", r#"
//! apiVersion: frrk8s.metallb.io/v1beta1
//! kind: FRRConfiguration
//! metadata: {name: import, namespace: frr-k8s-system}
//! spec:
//!   bgp:
//!     routers:
//!     - asn: 64512
//!       neighbors:
//!       - address: 192.168.111.1
//!         asn: 64500
//!         holdTime: 90s
//!         keepaliveTime: 30s
//!         toReceive: {allowed: {prefixes: [{prefix: 172.26.0.0/16}]}}
//! "#).unwrap();
//! let Object::FRRConfiguration(c) = &docs[0].object else { unreachable!() };
//! assert!(c.validate().is_empty());
//! let n = &c.spec.bgp.routers[0].neighbors[0];
//! assert_eq!(n.hold_time, Some(Duration::from_secs(90)));
//! assert_eq!(n.effective_port(), 179);
//!
//! let hold: Duration = "1m30s".parse().unwrap();
//! assert_eq!(hold.to_string(), "1m30s");
//! assert_eq!(Duration::from_secs(180).to_string(), "3m0s");
//!
//! let sel = LabelSelector::from_labels([("role", "worker")]);
//! let labels = BTreeMap::from([("role".to_string(), "worker".to_string())]);
//! assert!(sel.matches(&labels));
//! assert!(LabelSelector::default().matches(&BTreeMap::new()));
//!
//! let err = load_str("bad.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: a, labls: {}}\n")
//!     .unwrap_err();
//! assert!(err.to_string().starts_with("bad.yaml:1: document 0, Node a: metadata.labls: unknown field"));
//! ```
#![forbid(unsafe_code)]
// Type names mirror upstream Go names (FRRConfiguration, BFDProfile, L2VNI).
#![allow(clippy::upper_case_acronyms)]

pub mod duration;
pub mod frrk8s;
pub mod generate;
#[cfg(feature = "kube")]
pub mod kube;
pub mod load;
pub mod meta;
pub mod ovnk;
pub mod validate;

pub use duration::{Duration, DurationError};
pub use frrk8s::{
    AddressFamily, Advertise, AllowMode, AllowedInPrefixes, AllowedOutPrefixes, BFDProfile,
    BGPConfig, BGPSessionState, BGPSessionStateStatus, CommunityPrefixes, DynamicASNMode,
    EVPNConfig, EVPNPrefixType, EmptySpec, FRRConfiguration, FRRConfigurationSpec,
    FRRConfigurationStatus, FRRNodeState, FRRNodeStateStatus, Import, L2VNI, L3VNI,
    LocalPrefPrefixes, Neighbor, NextHop, PrefixSelector, RawConfig, Receive, Router,
    SecretReference, VNIAdvertisement,
};
pub use load::{
    Document, LoadError, LoadErrors, Object, load_and_validate_str, load_file, load_str,
};
pub use meta::{
    Condition, ConditionStatus, LabelSelector, LabelSelectorOperator, LabelSelectorRequirement,
    ObjectMeta, OwnerReference,
};
pub use ovnk::{
    AdvertisementType, AnnotationError, ClusterUserDefinedNetworkSelector,
    NetworkAttachmentDefinitionSelector, NetworkSelectionType, NetworkSelector, Node,
    PrimaryIfAddr, PrimaryUserDefinedNetworkSelector, RouteAdvertisements, RouteAdvertisementsSpec,
    RouteAdvertisementsStatus, SecondaryUserDefinedNetworkSelector,
};
pub use validate::{Community, FieldError, IpFamily};
