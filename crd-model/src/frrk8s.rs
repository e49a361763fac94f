//! frr-k8s objects (`frrk8s.metallb.io/v1beta1`): `FRRConfiguration`, `FRRNodeState`,
//! `BGPSessionState`.
//!
//! Field names and JSON tags follow upstream `api/v1beta1`. Scalars that Go declares without a
//! pointer and with `omitempty` (`asn`, `localASN`, strings, booleans) are plain values whose zero
//! means "unset", exactly as upstream; Go pointers are `Option`s. CRD defaults are applied only
//! where the API server would apply them (see [`crate::validate`]), so an unset field stays unset.

use serde::{Deserialize, Serialize};

use crate::duration::Duration;
use crate::meta::{LabelSelector, ObjectMeta, is_default, is_false, is_zero_i64, is_zero_u32};

/// `frrk8s.metallb.io`.
pub const GROUP: &str = "frrk8s.metallb.io";
/// `v1beta1`.
pub const VERSION: &str = "v1beta1";
/// `frrk8s.metallb.io/v1beta1`.
pub const API_VERSION: &str = "frrk8s.metallb.io/v1beta1";

/// Default BGP port (used when `port` is unset).
pub const DEFAULT_PORT: u16 = 179;
/// Default hold time when neither timer is set.
pub const DEFAULT_HOLD_TIME: Duration = Duration::from_secs(180);
/// Default keepalive time when neither timer is set.
pub const DEFAULT_KEEPALIVE_TIME: Duration = Duration::from_secs(60);
/// BFD defaults in milliseconds / packets (frr-k8s documents them, FRR applies them).
pub const DEFAULT_BFD_RECEIVE_INTERVAL: u32 = 300;
pub const DEFAULT_BFD_TRANSMIT_INTERVAL: u32 = 300;
pub const DEFAULT_BFD_ECHO_INTERVAL: u32 = 50;
pub const DEFAULT_BFD_DETECT_MULTIPLIER: u32 = 3;

fn frr_api_version() -> String {
    API_VERSION.to_string()
}

/// A piece of FRR configuration; frr-k8s merges every one that selects a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FRRConfiguration {
    #[serde(default = "frr_api_version")]
    pub api_version: String,
    #[serde(default = "FRRConfiguration::kind_string")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "is_default")]
    pub spec: FRRConfigurationSpec,
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: FRRConfigurationStatus,
}

impl FRRConfiguration {
    pub const KIND: &'static str = "FRRConfiguration";

    fn kind_string() -> String {
        Self::KIND.to_string()
    }

    pub fn new(
        name: impl Into<String>,
        namespace: impl Into<String>,
        spec: FRRConfigurationSpec,
    ) -> Self {
        FRRConfiguration {
            metadata: ObjectMeta::named(name, namespace),
            spec,
            ..Default::default()
        }
    }
}

impl Default for FRRConfiguration {
    fn default() -> Self {
        FRRConfiguration {
            api_version: API_VERSION.to_string(),
            kind: Self::KIND.to_string(),
            metadata: ObjectMeta::default(),
            spec: FRRConfigurationSpec::default(),
            status: FRRConfigurationStatus::default(),
        }
    }
}

/// Desired state of an `FRRConfiguration`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FRRConfigurationSpec {
    #[serde(default, skip_serializing_if = "is_default")]
    pub bgp: BGPConfig,
    /// Experimental raw FRR snippet appended to the rendered configuration.
    #[serde(default, skip_serializing_if = "is_default")]
    pub raw: RawConfig,
    /// Nodes this configuration applies to; empty selects every node.
    #[serde(default, skip_serializing_if = "is_default")]
    pub node_selector: LabelSelector,
}

/// Raw FRR configuration (unsupported upstream, for experiments).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawConfig {
    /// Higher values are appended later.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub priority: i64,
    #[serde(
        default,
        rename = "rawConfig",
        skip_serializing_if = "String::is_empty"
    )]
    pub config: String,
}

/// BGP part of the spec.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BGPConfig {
    /// One router per VRF (at most 50).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 50)))]
    pub routers: Vec<Router>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bfd_profiles: Vec<BFDProfile>,
}

/// A BGP router instance (`router bgp ASN [vrf VRF]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Router {
    /// Local AS number (required).
    #[cfg_attr(feature = "kube", schemars(range(min = 0, max = 4_294_967_295u32)))]
    pub asn: u32,
    /// BGP router ID.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Host VRF; empty is the default VRF.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vrf: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neighbors: Vec<Neighbor>,
    /// Prefixes this router originates (`network` statements).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
    /// VRFs whose routes are imported into this router.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Import>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evpn: Option<EVPNConfig>,
}

/// A VRF imported into a router.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Import {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vrf: String,
}

/// A BGP neighbor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Neighbor {
    /// Remote AS number; 0 means unset. Exactly one of `asn` and `dynamic_asn`.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    #[cfg_attr(feature = "kube", schemars(range(min = 0, max = 4_294_967_295u32)))]
    pub asn: u32,
    #[serde(
        default,
        rename = "dynamicASN",
        skip_serializing_if = "Option::is_none"
    )]
    pub dynamic_asn: Option<DynamicASNMode>,
    /// Source address or interface for the session (JSON name is lowercase upstream).
    #[serde(
        default,
        rename = "sourceaddress",
        skip_serializing_if = "String::is_empty"
    )]
    pub source_address: String,
    /// Peer IP. Exactly one of `address` and `interface`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// Interface for unnumbered peering (forces both address families).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interface: String,
    /// Port to dial; unset means 179.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(range(min = 0, max = 16_384)))]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub password: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub password_secret: SecretReference,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_time: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_time: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-validations" = [
        {"rule": "duration(self).getSeconds() >= 1 && duration(self).getSeconds() <= 65535", "message": "connect time should be between 1 seconds to 65535"},
        {"rule": "duration(self).getMilliseconds() % 1000 == 0", "message": "connect time should contain a whole number of seconds"}
    ])))]
    pub connect_time: Option<Duration>,
    #[serde(default, rename = "ebgpMultiHop", skip_serializing_if = "is_false")]
    pub ebgp_multi_hop: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bfd_profile: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub enable_graceful_restart: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    pub to_advertise: Advertise,
    #[serde(default, skip_serializing_if = "is_default")]
    pub to_receive: Receive,
    /// Deprecated and ignored upstream (a warning only).
    #[serde(default, rename = "disableMP", skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "kube", schemars(extend("default" = false)))]
    pub disable_mp: bool,
    /// Enable the other address family too (IPv4 over IPv6 sessions and vice versa).
    #[serde(default, skip_serializing_if = "is_false")]
    #[cfg_attr(feature = "kube", schemars(extend("default" = false)))]
    pub dual_stack_address_family: bool,
    /// `local-as N no-prepend replace-as`; 0 means unset. eBGP only.
    #[serde(default, rename = "localASN", skip_serializing_if = "is_zero_u32")]
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 4_294_967_295u32)))]
    pub local_asn: u32,
    /// Address families to activate; empty means the CRD default `[unicast]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 2), extend("default" = ["unicast"])))]
    pub address_families: Vec<AddressFamily>,
}

impl Neighbor {
    /// The address or the interface, whichever identifies the peer.
    pub fn peer(&self) -> &str {
        if self.address.is_empty() {
            &self.interface
        } else {
            &self.address
        }
    }

    /// `addressFamilies` with the CRD default `[unicast]` applied.
    pub fn effective_address_families(&self) -> Vec<AddressFamily> {
        if self.address_families.is_empty() {
            vec![AddressFamily::Unicast]
        } else {
            self.address_families.clone()
        }
    }

    /// Port with the default 179 applied.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    /// (hold, keepalive) with FRR's defaults (180 s, 60 s) when neither is set. Upstream
    /// requires both or neither; if only one is set it is returned with the other's default.
    pub fn effective_timers(&self) -> (Duration, Duration) {
        (
            self.hold_time.unwrap_or(DEFAULT_HOLD_TIME),
            self.keepalive_time.unwrap_or(DEFAULT_KEEPALIVE_TIME),
        )
    }

    /// Whether this is an iBGP session of a router with AS `router_asn`.
    pub fn is_ibgp(&self, router_asn: u32) -> bool {
        match self.dynamic_asn {
            Some(DynamicASNMode::Internal) => true,
            Some(DynamicASNMode::External) => false,
            None => self.asn == router_asn,
        }
    }
}

impl BFDProfile {
    /// Receive interval in ms, FRR's default (300) when unset.
    pub fn effective_receive_interval(&self) -> u32 {
        self.receive_interval
            .unwrap_or(DEFAULT_BFD_RECEIVE_INTERVAL)
    }

    /// Transmit interval in ms, FRR's default (300) when unset.
    pub fn effective_transmit_interval(&self) -> u32 {
        self.transmit_interval
            .unwrap_or(DEFAULT_BFD_TRANSMIT_INTERVAL)
    }

    /// Echo interval in ms, FRR's default (50) when unset.
    pub fn effective_echo_interval(&self) -> u32 {
        self.echo_interval.unwrap_or(DEFAULT_BFD_ECHO_INTERVAL)
    }

    /// Detection multiplier, FRR's default (3) when unset.
    pub fn effective_detect_multiplier(&self) -> u32 {
        self.detect_multiplier
            .unwrap_or(DEFAULT_BFD_DETECT_MULTIPLIER)
    }
}

/// `dynamicASN`: let FRR accept the peer's AS by session type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DynamicASNMode {
    Internal,
    External,
}

impl DynamicASNMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DynamicASNMode::Internal => "internal",
            DynamicASNMode::External => "external",
        }
    }
}

/// Neighbor address families (`unicast`, `evpn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum AddressFamily {
    Unicast,
    Evpn,
}

/// Reference to a `kubernetes.io/basic-auth` secret holding key `password`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-map-type" = "atomic")))]
pub struct SecretReference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

/// What to advertise to a neighbor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Advertise {
    #[serde(default, skip_serializing_if = "is_default")]
    pub allowed: AllowedOutPrefixes,
    /// Next hop to set on advertised routes, per family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_hop: Option<NextHop>,
    #[serde(
        default,
        rename = "withLocalPref",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub prefixes_with_local_pref: Vec<LocalPrefPrefixes>,
    #[serde(
        default,
        rename = "withCommunity",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub prefixes_with_community: Vec<CommunityPrefixes>,
}

/// Per-family next hop for advertised routes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NextHop {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv4: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ipv6: String,
}

/// What to accept from a neighbor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Receive {
    #[serde(default, skip_serializing_if = "is_default")]
    pub allowed: AllowedInPrefixes,
}

/// `filtered` (only the listed prefixes, the default) or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum AllowMode {
    All,
    #[default]
    Filtered,
}

impl AllowMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowMode::All => "all",
            AllowMode::Filtered => "filtered",
        }
    }
}

/// Prefixes allowed out; they must be among the router's prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowedOutPrefixes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<String>,
    /// Absent in JSON means the CRD default, `filtered`, which is also omitted on output.
    #[serde(default, skip_serializing_if = "is_default")]
    #[cfg_attr(feature = "kube", schemars(extend("default" = "filtered")))]
    pub mode: AllowMode,
}

/// Prefix selectors allowed in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AllowedInPrefixes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes: Vec<PrefixSelector>,
    /// Absent in JSON means the CRD default, `filtered`, which is also omitted on output.
    #[serde(default, skip_serializing_if = "is_default")]
    #[cfg_attr(feature = "kube", schemars(extend("default" = "filtered")))]
    pub mode: AllowMode,
}

/// A prefix with optional `le`/`ge` length bounds (0 means unset).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrefixSelector {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "kube", schemars(extend("format" = "cidr")))]
    pub prefix: String,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 128)))]
    pub le: u32,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 128)))]
    pub ge: u32,
}

/// Prefixes advertised with a local preference.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalPrefPrefixes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(min = 1), extend("format" = "cidr")))]
    pub prefixes: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub local_pref: u32,
}

/// Prefixes advertised with a (standard `a:b` or `large:a:b:c`) community.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommunityPrefixes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(min = 1), extend("format" = "cidr")))]
    pub prefixes: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub community: String,
}

/// A BFD profile referenced by neighbors. Unset values are FRR's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BFDProfile {
    pub name: String,
    /// Milliseconds, 10..=60000 (FRR default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(range(min = 10, max = 60_000)))]
    pub receive_interval: Option<u32>,
    /// Milliseconds, 10..=60000 (FRR default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(range(min = 10, max = 60_000)))]
    pub transmit_interval: Option<u32>,
    /// 2..=255 (FRR default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(range(min = 2, max = 255)))]
    pub detect_multiplier: Option<u32>,
    /// Milliseconds, 10..=60000 (FRR default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "kube", schemars(range(min = 10, max = 60_000)))]
    pub echo_interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_mode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passive_mode: Option<bool>,
    /// 1..=254, multi-hop sessions only.
    #[serde(
        default,
        rename = "minimumTtl",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 254)))]
    pub minimum_ttl: Option<u32>,
}

/// EVPN settings of a router.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EVPNConfig {
    #[serde(
        default,
        rename = "advertiseVNIs",
        skip_serializing_if = "Option::is_none"
    )]
    pub advertise_vnis: Option<VNIAdvertisement>,
    #[serde(default, rename = "advertiseSVI", skip_serializing_if = "is_false")]
    pub advertise_svi: bool,
    /// At most 10.
    #[serde(default, rename = "l2vnis", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 10)))]
    pub l2_vnis: Vec<L2VNI>,
    #[serde(default, rename = "l3vni", skip_serializing_if = "Option::is_none")]
    pub l3_vni: Option<L3VNI>,
}

/// `Disabled` or `All` (`advertise-all-vni`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
pub enum VNIAdvertisement {
    Disabled,
    All,
}

/// A layer-2 VNI (MAC-VRF).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct L2VNI {
    /// 1..=16777215.
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 16_777_215)))]
    pub vni: u32,
    /// Route distinguisher `ASN:NN` or `A.B.C.D:NN`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-validations" = [
        {"rule": "self.split(':').size() == 2", "message": "RD must contain exactly one colon"},
        {"rule": "!self.split(':')[0].contains('.') || (self.split(':')[0].isIP() && uint(self.split(':')[1]) <= 65535u)", "message": "RD with IPv4 administrator must have format A.B.C.D:MN where MN <= 65535"},
        {"rule": "self.split(':')[0].contains('.') || uint(self.split(':')[0]) <= 65535u || uint(self.split(':')[1]) <= 65535u", "message": "RD with 4-byte ASN administrator must have format GHJK:MN where GHJK <= 4294967295 and MN <= 65535"},
        {"rule": "self.split(':')[0].contains('.') || uint(self.split(':')[0]) > 65535u || uint(self.split(':')[1]) <= 4294967295u", "message": "RD with 2-byte ASN administrator must have format EF:OPQR where EF <= 65535 and OPQR <= 4294967295"}
    ])))]
    pub rd: String,
    /// Import route targets; `*:NN` allowed. At most 100.
    #[serde(default, rename = "importRTs", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 100)))]
    pub import_rts: Vec<String>,
    /// Export route targets. At most 100.
    #[serde(default, rename = "exportRTs", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 100)))]
    pub export_rts: Vec<String>,
}

/// A layer-3 VNI (IP-VRF).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct L3VNI {
    /// 1..=16777215.
    #[cfg_attr(feature = "kube", schemars(range(min = 1, max = 16_777_215)))]
    pub vni: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-validations" = [
        {"rule": "self.split(':').size() == 2", "message": "RD must contain exactly one colon"},
        {"rule": "!self.split(':')[0].contains('.') || (self.split(':')[0].isIP() && uint(self.split(':')[1]) <= 65535u)", "message": "RD with IPv4 administrator must have format A.B.C.D:MN where MN <= 65535"},
        {"rule": "self.split(':')[0].contains('.') || uint(self.split(':')[0]) <= 65535u || uint(self.split(':')[1]) <= 65535u", "message": "RD with 4-byte ASN administrator must have format GHJK:MN where GHJK <= 4294967295 and MN <= 65535"},
        {"rule": "self.split(':')[0].contains('.') || uint(self.split(':')[0]) > 65535u || uint(self.split(':')[1]) <= 4294967295u", "message": "RD with 2-byte ASN administrator must have format EF:OPQR where EF <= 65535 and OPQR <= 4294967295"}
    ])))]
    pub rd: String,
    #[serde(default, rename = "importRTs", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 100)))]
    pub import_rts: Vec<String>,
    #[serde(default, rename = "exportRTs", skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "kube", schemars(length(max = 100)))]
    pub export_rts: Vec<String>,
    /// Exactly one entry, `unicast` (advertised as type-5 routes). Required upstream.
    #[serde(default)]
    #[cfg_attr(feature = "kube", schemars(length(min = 1, max = 1)))]
    pub advertise_prefixes: Vec<EVPNPrefixType>,
}

/// What an L3 VNI advertises as type-5 routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum EVPNPrefixType {
    Unicast,
}

/// Always empty upstream.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FRRConfigurationStatus {}

/// Status of the FRR instance of one node (cluster-scoped, named after the node).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FRRNodeState {
    #[serde(default = "frr_api_version")]
    pub api_version: String,
    #[serde(default = "FRRNodeState::kind_string")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "is_default")]
    pub spec: EmptySpec,
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: FRRNodeStateStatus,
}

impl FRRNodeState {
    pub const KIND: &'static str = "FRRNodeState";
    fn kind_string() -> String {
        Self::KIND.to_string()
    }
}

impl Default for FRRNodeState {
    fn default() -> Self {
        FRRNodeState {
            api_version: API_VERSION.to_string(),
            kind: Self::KIND.to_string(),
            metadata: ObjectMeta::default(),
            spec: EmptySpec::default(),
            status: FRRNodeStateStatus::default(),
        }
    }
}

/// An empty spec (`{}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EmptySpec {}

/// Observed FRR state of a node.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FRRNodeStateStatus {
    /// FRR's running configuration.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub running_config: String,
    /// `success` or the error of the last API-to-FRR conversion.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_conversion_result: String,
    /// `success` or the error of the last reload.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_reload_result: String,
}

/// Status of one BGP session of one node (namespaced; labels `frrk8s.metallb.io/{node,peer,vrf}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BGPSessionState {
    #[serde(default = "frr_api_version")]
    pub api_version: String,
    #[serde(default = "BGPSessionState::kind_string")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "is_default")]
    pub spec: EmptySpec,
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: BGPSessionStateStatus,
}

impl BGPSessionState {
    pub const KIND: &'static str = "BGPSessionState";
    /// Label keys upstream sets on these objects.
    pub const LABEL_NODE: &'static str = "frrk8s.metallb.io/node";
    pub const LABEL_PEER: &'static str = "frrk8s.metallb.io/peer";
    pub const LABEL_VRF: &'static str = "frrk8s.metallb.io/vrf";
    fn kind_string() -> String {
        Self::KIND.to_string()
    }
}

impl Default for BGPSessionState {
    fn default() -> Self {
        BGPSessionState {
            api_version: API_VERSION.to_string(),
            kind: Self::KIND.to_string(),
            metadata: ObjectMeta::default(),
            spec: EmptySpec::default(),
            status: BGPSessionStateStatus::default(),
        }
    }
}

/// Observed BGP/BFD state of one session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BGPSessionStateStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bgp_status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bfd_status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub node: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub peer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vrf: String,
}
