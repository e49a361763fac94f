//! Kubernetes objects of the ingress stack: frr-k8s `FRRConfiguration` (`frrk8s.metallb.io/v1beta1`)
//! and OVN-Kubernetes `RouteAdvertisements` (`k8s.ovn.org/v1`), with the JSON shape of upstream,
//! Kubernetes durations and label selection.
//!
//! The public types are the same with and without the `kube` feature, so crates that only need
//! the data (rendering, the controller logic) build without Kubernetes dependencies.
//!
//! ```
//! use crd_model::{Duration, LabelSelector};
//! use std::collections::BTreeMap;
//!
//! let hold: Duration = "1m30s".parse().unwrap();
//! assert_eq!(hold.as_secs(), 90);
//! assert_eq!(Duration::from_secs(180).to_string(), "3m0s");
//!
//! let sel = LabelSelector::from_labels([("role", "worker")]);
//! let labels = BTreeMap::from([("role".to_string(), "worker".to_string())]);
//! assert!(sel.matches(&labels));
//! assert!(LabelSelector::default().matches(&BTreeMap::new()));
//! ```
#![forbid(unsafe_code)]
// Type names mirror upstream Go names (FRRConfiguration, BFDProfile, L2VNI).
#![allow(clippy::upper_case_acronyms)]

pub mod duration;
pub mod frrk8s;
pub mod generate;
pub mod load;
pub mod meta;
pub mod ovnk;
pub mod validate;
#[cfg(feature = "kube")]
pub mod kube;

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
