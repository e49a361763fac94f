//! The FRR configuration model: what frr-k8s's `internal/frr.Config` holds, typed.
//!
//! Field names are the snake_case Go field names, so a model serialized to JSON is the same file
//! shape as the frr-k8s golden fixtures (`*.input.json`): an absent key is the Go zero value, and an
//! empty string stands for "no address" where Go uses one.

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole FRR configuration for one node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// FRR log level (`log stdout <level>`).
    #[serde(default)]
    pub loglevel: LogLevel,
    /// Node name (`hostname <h>`).
    #[serde(default)]
    pub hostname: String,
    /// One `router bgp` instance per VRF, default VRF first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routers: Vec<RouterConfig>,
    /// BFD profiles, rendered under `bfd`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bfd_profiles: Vec<BfdProfile>,
    /// Raw FRR text appended at the end (the experimental `spec.raw` of FRRConfigurations).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub extra_config: String,
}

/// FRR log levels as written in `log stdout <level>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Emergencies,
    Alerts,
    Critical,
    Errors,
    Warnings,
    Notifications,
    #[default]
    Informational,
    /// Also turns on the 13 `debug …` lines frr-k8s emits.
    Debugging,
}

impl LogLevel {
    /// The keyword FRR reads.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Emergencies => "emergencies",
            LogLevel::Alerts => "alerts",
            LogLevel::Critical => "critical",
            LogLevel::Errors => "errors",
            LogLevel::Warnings => "warnings",
            LogLevel::Notifications => "notifications",
            LogLevel::Informational => "informational",
            LogLevel::Debugging => "debugging",
        }
    }

    /// frr-k8s's mapping from its own log levels (`all`, `debug`, `info`, `warn`, `error`, `none`).
    pub fn from_frrk8s(level: &str) -> LogLevel {
        match level {
            "all" | "debug" => LogLevel::Debugging,
            "warn" => LogLevel::Warnings,
            "error" => LogLevel::Errors,
            "none" => LogLevel::Emergencies,
            _ => LogLevel::Informational,
        }
    }
}

/// One BGP instance (`router bgp <asn> [vrf <vrf>]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterConfig {
    pub my_asn: u32,
    /// `bgp router-id`; `""` in JSON means none.
    #[serde(default, with = "opt_addr", skip_serializing_if = "Option::is_none")]
    pub router_id: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub neighbors: Vec<NeighborConfig>,
    /// VRF name; empty = default VRF.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vrf: String,
    /// Networks originated in the ipv4 unicast AF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4_prefixes: Vec<IpNet>,
    /// Networks originated in the ipv6 unicast AF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_prefixes: Vec<IpNet>,
    /// VRFs whose routes are leaked into this one (`default` allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_vrfs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evpn: Option<EvpnConfig>,
}

/// Session address family of a neighbor; also the suffix of its `-inpl-` list names.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum IpFamily {
    #[default]
    Ipv4,
    Ipv6,
    /// Both unicast AFs activated (unnumbered peers, `dualStackAddressFamily`).
    Dual,
}

impl IpFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            IpFamily::Ipv4 => "ipv4",
            IpFamily::Ipv6 => "ipv6",
            IpFamily::Dual => "dual",
        }
    }

    /// The family of one prefix.
    pub fn of(net: &IpNet) -> IpFamily {
        match net {
            IpNet::V4(_) => IpFamily::Ipv4,
            IpNet::V6(_) => IpFamily::Ipv6,
        }
    }

    /// The family of one address.
    pub fn of_addr(addr: &IpAddr) -> IpFamily {
        match addr {
            IpAddr::V4(_) => IpFamily::Ipv4,
            IpAddr::V6(_) => IpFamily::Ipv6,
        }
    }

    /// The FRR keyword of the prefix-list family (`ip` or `ipv6`).
    pub fn keyword(self) -> FrrFamily {
        if self == IpFamily::Ipv6 {
            FrrFamily::Ipv6
        } else {
            FrrFamily::Ip
        }
    }
}

/// The FRR keyword of a prefix-list family: `ip prefix-list` / `ipv6 prefix-list`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum FrrFamily {
    #[default]
    Ip,
    Ipv6,
}

impl FrrFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            FrrFamily::Ip => "ip",
            FrrFamily::Ipv6 => "ipv6",
        }
    }
}

/// The peer AS: a number, or FRR's `internal`/`external` (frr-k8s `dynamicASN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerAsn {
    Number(u32),
    Internal,
    External,
}

impl Default for PeerAsn {
    fn default() -> Self {
        PeerAsn::Number(0)
    }
}

impl fmt::Display for PeerAsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerAsn::Number(n) => write!(f, "{n}"),
            PeerAsn::Internal => f.write_str("internal"),
            PeerAsn::External => f.write_str("external"),
        }
    }
}

impl FromStr for PeerAsn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "internal" => Ok(PeerAsn::Internal),
            "external" => Ok(PeerAsn::External),
            n => n.parse::<u32>().map(PeerAsn::Number).map_err(|_| {
                format!("invalid peer ASN {n:?}: want a 32-bit number, internal or external")
            }),
        }
    }
}

impl Serialize for PeerAsn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PeerAsn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A TCP MD5 password. `Debug` never shows it; serialization does (the model file is what FRR reads).
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl Password {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("<redacted>")
        }
    }
}

/// Address families a neighbor takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AddressFamily {
    Unicast,
    Evpn,
}

/// One BGP peer of a router.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeighborConfig {
    pub ip_family: IpFamily,
    /// Label `<asn>@<addr or iface>`; not rendered.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub asn: PeerAsn,
    /// `update-source`.
    #[serde(default, with = "opt_addr", skip_serializing_if = "Option::is_none")]
    pub src_addr: Option<IpAddr>,
    /// Peer address; none for an unnumbered (interface) peer.
    #[serde(default, with = "opt_addr", skip_serializing_if = "Option::is_none")]
    pub addr: Option<IpAddr>,
    /// Unnumbered interface; overrides `addr` as the peer name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub iface: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_time: Option<i64>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_time: Option<i64>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Password::is_empty")]
    pub password: Password,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bfd_profile: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub graceful_restart: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ebgp_multi_hop: bool,
    /// `local-as N no-prepend replace-as`; 0 = none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub local_asn: u32,
    /// VRF of the owning router; suffixes the neighbor ID.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vrf_name: String,
    #[serde(default)]
    pub incoming: AllowedIn,
    #[serde(default)]
    pub outgoing: AllowedOut,
    /// Prefixes always rejected, whatever `incoming` says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub always_block: Vec<IncomingFilter>,
    /// Empty means unicast only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address_families: Vec<AddressFamily>,
}

impl NeighborConfig {
    /// The peer as FRR names it: the interface when unnumbered, else the address.
    pub fn peer(&self) -> String {
        if !self.iface.is_empty() {
            self.iface.clone()
        } else {
            self.addr.map(|a| a.to_string()).unwrap_or_default()
        }
    }

    /// frr-k8s's neighbor ID: the peer plus `-<vrf>` when in a VRF; prefix of every filter name.
    pub fn id(&self) -> String {
        let peer = self.peer();
        if self.vrf_name.is_empty() {
            peer
        } else {
            format!("{peer}-{}", self.vrf_name)
        }
    }

    /// Whether the unicast AF of `family` (ipv4/ipv6) is activated for this neighbor.
    pub fn unicast_active(&self, family: IpFamily) -> bool {
        let unicast = self.address_families.is_empty()
            || self.address_families.contains(&AddressFamily::Unicast);
        unicast && (self.ip_family == family || self.ip_family == IpFamily::Dual)
    }

    /// frr-k8s emits `disable-connected-check` for single-hop IPv6 eBGP peers.
    pub fn disable_connected_check(&self, my_asn: u32) -> bool {
        if self.ip_family != IpFamily::Ipv6 || self.ebgp_multi_hop {
            return false;
        }
        if !self.iface.is_empty() {
            return true;
        }
        match self.asn {
            PeerAsn::External => true,
            PeerAsn::Internal => false,
            PeerAsn::Number(n) => n != my_asn,
        }
    }
}

/// What a neighbor accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedIn {
    #[serde(default, skip_serializing_if = "is_false")]
    pub all: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes_v4: Vec<IncomingFilter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes_v6: Vec<IncomingFilter>,
}

/// One accepted (or always-blocked) prefix with optional length range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncomingFilter {
    pub ip_family: IpFamily,
    pub prefix: IpNet,
    /// 0 = none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub le: u32,
    /// 0 = none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ge: u32,
}

impl IncomingFilter {
    pub fn new(prefix: IpNet) -> Self {
        IncomingFilter {
            ip_family: IpFamily::of(&prefix),
            prefix,
            le: 0,
            ge: 0,
        }
    }

    /// frr-k8s's merge key: prefix, le and ge concatenated (`fmt.Sprintf("%s%d%d")`).
    pub fn merge_key(&self) -> String {
        format!("{}{}{}", self.prefix, self.le, self.ge)
    }
}

/// What a neighbor advertises.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedOut {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes_v4: Vec<IpNet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefixes_v6: Vec<IpNet>,
    #[serde(default, with = "opt_addr", skip_serializing_if = "Option::is_none")]
    pub next_hop_v4: Option<Ipv4Addr>,
    #[serde(default, with = "opt_addr", skip_serializing_if = "Option::is_none")]
    pub next_hop_v6: Option<Ipv6Addr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_pref_prefixes_modifiers: Vec<LocalPrefPrefixList>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub community_prefixes_modifiers: Vec<CommunityPrefixList>,
}

/// A named prefix list of one FRR family; its prefixes are a set, rendered in text byte order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub name: String,
    pub ip_family: FrrFamily,
    #[serde(default)]
    pub prefixes: BTreeSet<IpNet>,
}

impl PrefixList {
    /// The prefixes in the order frr-k8s renders them (Go `sets.List`: by string).
    pub fn sorted_prefixes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.prefixes.iter().map(|p| p.to_string()).collect();
        v.sort_unstable();
        v
    }
}

/// Prefixes advertised with a LOCAL_PREF.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalPrefPrefixList {
    #[serde(flatten)]
    pub list: PrefixList,
    pub local_pref: u32,
}

/// Prefixes advertised with a (standard or large) community added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityPrefixList {
    #[serde(flatten)]
    pub list: PrefixList,
    pub community: Community,
}

/// A BGP community as frr-k8s writes it: `A:B` (RFC 1997) or `large:A:B:C` (RFC 8092).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Community {
    Standard(u16, u16),
    Large(u32, u32, u32),
}

impl Default for Community {
    fn default() -> Self {
        Community::Standard(0, 0)
    }
}

impl Community {
    /// The value FRR's `set community`/`set large-community` takes (no `large:` marker).
    pub fn value(&self) -> String {
        match self {
            Community::Standard(a, b) => format!("{a}:{b}"),
            Community::Large(a, b, c) => format!("{a}:{b}:{c}"),
        }
    }

    pub fn is_large(&self) -> bool {
        matches!(self, Community::Large(..))
    }
}

impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Community::Standard(a, b) => write!(f, "{a}:{b}"),
            Community::Large(a, b, c) => write!(f, "large:{a}:{b}:{c}"),
        }
    }
}

/// Why a community string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid community value {value:?}: {reason}")]
pub struct CommunityError {
    pub value: String,
    pub reason: &'static str,
}

impl FromStr for Community {
    type Err = CommunityError;
    fn from_str(s: &str) -> Result<Self, CommunityError> {
        let err = |reason| CommunityError {
            value: s.to_string(),
            reason,
        };
        if let Some(rest) = s.strip_prefix("large:") {
            let parts: Vec<&str> = rest.split(':').collect();
            if parts.len() != 3 {
                return Err(err("a large community has the form large:A:B:C"));
            }
            let mut v = [0u32; 3];
            for (slot, p) in v.iter_mut().zip(&parts) {
                *slot = p
                    .parse()
                    .map_err(|_| err("each part of a large community is a 32-bit number"))?;
            }
            return Ok(Community::Large(v[0], v[1], v[2]));
        }
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() != 2 {
            return Err(err("a community has the form A:B (or large:A:B:C)"));
        }
        let a = parts[0]
            .parse()
            .map_err(|_| err("each part of a community is a 16-bit number"))?;
        let b = parts[1]
            .parse()
            .map_err(|_| err("each part of a community is a 16-bit number"))?;
        Ok(Community::Standard(a, b))
    }
}

impl Serialize for Community {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Community {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A BFD profile (`bfd` / `profile <name>`); intervals in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BfdProfile {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive_interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmit_interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_multiplier: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_interval: Option<u32>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub echo_mode: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub passive_mode: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_ttl: Option<u32>,
}

/// EVPN settings of a router (`address-family l2vpn evpn`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvpnConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertise_vnis: Option<AdvertiseVnis>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub advertise_svi: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub l2_vnis: Vec<L2Vni>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l3_vni: Option<L3Vni>,
}

/// `advertiseVNIs` of the EVPN config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AdvertiseVnis {
    All,
    Disabled,
}

/// RD and route targets of a VNI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VniProperties {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rd: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub import_rts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub export_rts: Vec<String>,
}

impl VniProperties {
    pub fn is_empty(&self) -> bool {
        self.rd.is_empty() && self.import_rts.is_empty() && self.export_rts.is_empty()
    }
}

/// An L2 VNI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct L2Vni {
    pub vni: u32,
    #[serde(flatten)]
    pub props: VniProperties,
}

/// The L3 VNI of a VRF router.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct L3Vni {
    pub vni: u32,
    #[serde(flatten)]
    pub props: VniProperties,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advertise_prefixes: Vec<AdvertisePrefix>,
}

/// Prefix types an L3 VNI advertises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AdvertisePrefix {
    Unicast,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `Option<address>` as a string where `""` means none (how the Go model writes "unset").
mod opt_addr {
    use super::*;

    pub fn serialize<T: fmt::Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(a) => s.collect_str(a),
            None => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: fmt::Display,
        D: Deserializer<'de>,
    {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}")))
    }
}
