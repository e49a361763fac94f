//! From FRRConfiguration objects to the [`Config`] of one node, as frr-k8s's controller does it
//! (`internal/controller/api_to_config.go`): select the objects whose nodeSelector matches the
//! node, validate each against the others, convert and merge. Error texts are frr-k8s's.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use crd_model::{
    AllowMode, BFDProfile as CrdBfdProfile, DynamicASNMode, FRRConfiguration, Neighbor,
    PrefixSelector, Router, VNIAdvertisement,
};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::merge::{self, MergeError};
use crate::model::{
    AddressFamily, AdvertisePrefix, AdvertiseVnis, AllowedIn, AllowedOut, BfdProfile, Community,
    CommunityPrefixList, Config, EvpnConfig, FrrFamily, IncomingFilter, IpFamily, L2Vni, L3Vni,
    LocalPrefPrefixList, LogLevel, NeighborConfig, Password, PeerAsn, PrefixList, RouterConfig,
    VniProperties,
};

/// Why the FRRConfigurations of a node do not make a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError {
    /// frr-k8s's error text.
    pub message: String,
    /// `namespace/name` of the FRRConfiguration being converted, when one is to blame.
    pub config: Option<String>,
    /// True when retrying later may succeed (a referenced Secret does not exist yet).
    pub transient: bool,
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConversionError {}

impl ConversionError {
    fn new(message: impl Into<String>) -> Self {
        ConversionError {
            message: message.into(),
            config: None,
            transient: false,
        }
    }
}

impl From<MergeError> for ConversionError {
    fn from(e: MergeError) -> Self {
        ConversionError::new(e.0)
    }
}

macro_rules! bail {
    ($($arg:tt)*) => { return Err(ConversionError::new(format!($($arg)*))) };
}

/// A Kubernetes Secret (`v1/Secret`) as found in a manifest; only basic-auth secrets are used.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: crd_model::ObjectMeta,
    /// `kubernetes.io/basic-auth` for BGP passwords.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// Base64 values.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    /// Plain values (manifests may use these; the API server folds them into `data`).
    #[serde(default)]
    pub string_data: BTreeMap<String, String>,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: BTreeSet<&String> = self.data.keys().chain(self.string_data.keys()).collect();
        f.debug_struct("Secret")
            .field("name", &self.metadata.display_name())
            .field("type", &self.type_)
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

/// The Secret type holding BGP passwords.
pub const SECRET_TYPE_BASIC_AUTH: &str = "kubernetes.io/basic-auth";

impl Secret {
    /// A basic-auth secret with a password (for tests and tools).
    pub fn basic_auth(name: &str, namespace: &str, password: &str) -> Secret {
        Secret {
            api_version: "v1".into(),
            kind: "Secret".into(),
            metadata: crd_model::ObjectMeta::named(name, namespace),
            type_: SECRET_TYPE_BASIC_AUTH.into(),
            string_data: BTreeMap::from([("password".to_string(), password.to_string())]),
            ..Default::default()
        }
    }

    /// The value of `key`, from `stringData` or base64-decoded `data`.
    pub fn value(&self, key: &str) -> Option<Result<String, String>> {
        if let Some(v) = self.string_data.get(key) {
            return Some(Ok(v.clone()));
        }
        let raw = self.data.get(key)?;
        Some(
            base64_decode(raw)
                .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8".to_string()))
                .map_err(|e| format!("key {key} of secret {}: {e}", self.metadata.display_name())),
        )
    }
}

/// Standard base64 (RFC 4648 §4) with optional padding; whitespace ignored.
fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, c) in s.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return Err(format!("invalid base64 byte {c:#04x} at offset {i}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// What the controller knows about the node it renders for.
#[derive(Debug, Clone, Default)]
pub struct NodeContext {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// `hostname` line; defaults to the node name when empty.
    pub hostname: String,
    pub log_level: LogLevel,
    /// Prefixes always rejected from every neighbor (frr-k8s `--always-block`).
    pub always_block: Vec<IpNet>,
    /// False on IPv6-only nodes: routers without an id then get frr-k8s's CRC-32 fallback id.
    pub has_ipv4_address: bool,
}

/// The result of a conversion: the configuration and frr-k8s's warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub config: Config,
    pub warnings: Vec<String>,
    /// `namespace/name` of every FRRConfiguration that selected the node, in merge order.
    pub selected: Vec<String>,
}

/// Whether `config` applies to a node with these labels (empty selector = every node).
pub fn selects(config: &FRRConfiguration, labels: &BTreeMap<String, String>) -> bool {
    config.spec.node_selector.matches(labels)
}

/// FRRConfigurations indexed by node selector, so that finding the objects of one node does not
/// scan every object of the cluster (per-node objects are selected by a single label).
#[derive(Debug)]
pub struct SelectorIndex<'a> {
    /// Objects with an empty selector: every node.
    everyone: Vec<usize>,
    /// Objects whose selector has matchLabels, keyed by their first (key, value).
    by_label: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// Objects with only matchExpressions: checked one by one.
    others: Vec<usize>,
    configs: &'a [FRRConfiguration],
}

impl<'a> SelectorIndex<'a> {
    pub fn new(configs: &'a [FRRConfiguration]) -> Self {
        let mut idx = SelectorIndex {
            everyone: Vec::new(),
            by_label: HashMap::new(),
            others: Vec::new(),
            configs,
        };
        for (i, c) in configs.iter().enumerate() {
            let sel = &c.spec.node_selector;
            if let Some((k, v)) = sel.match_labels.iter().next() {
                idx.by_label
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            } else if sel.match_expressions.is_empty() {
                idx.everyone.push(i);
            } else {
                idx.others.push(i);
            }
        }
        idx
    }

    /// The objects selecting a node with these labels, in input order.
    pub fn select(&self, labels: &BTreeMap<String, String>) -> Vec<&'a FRRConfiguration> {
        let mut hits: Vec<usize> = self.everyone.clone();
        for (k, v) in labels {
            if let Some(list) = self.by_label.get(&(k.as_str(), v.as_str())) {
                hits.extend(
                    list.iter()
                        .copied()
                        .filter(|&i| selects(&self.configs[i], labels)),
                );
            }
        }
        hits.extend(
            self.others
                .iter()
                .copied()
                .filter(|&i| selects(&self.configs[i], labels)),
        );
        hits.sort_unstable();
        hits.into_iter().map(|i| &self.configs[i]).collect()
    }

    /// [`node_config`] for one node, using the index.
    pub fn node_config(
        &self,
        node: &NodeContext,
        secrets: &[Secret],
    ) -> Result<Conversion, ConversionError> {
        node_config_from(node, self.select(&node.labels), secrets)
    }
}

/// [`node_config`] and [`render`](crate::render()) for many nodes at once, spread over `threads`
/// threads (nodes are independent). Results are in the order of `nodes`.
pub fn render_nodes(
    nodes: &[NodeContext],
    configs: &[FRRConfiguration],
    secrets: &[Secret],
    threads: usize,
) -> Vec<Result<(Conversion, String), ConversionError>> {
    let index = SelectorIndex::new(configs);
    let one = |n: &NodeContext| {
        index.node_config(n, secrets).map(|c| {
            let text = crate::render::render(&c.config);
            (c, text)
        })
    };
    let threads = threads.clamp(1, nodes.len().max(1));
    if threads == 1 {
        return nodes.iter().map(one).collect();
    }
    let chunk = nodes.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = nodes
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Selects, validates, converts and merges everything that applies to one node.
///
/// The objects are taken in (namespace, name) order, as listed by the Kubernetes API; the
/// result does not depend on the order of `configs`.
pub fn node_config(
    node: &NodeContext,
    configs: &[FRRConfiguration],
    secrets: &[Secret],
) -> Result<Conversion, ConversionError> {
    let selected: Vec<&FRRConfiguration> = configs
        .iter()
        .filter(|c| selects(c, &node.labels))
        .collect();
    node_config_from(node, selected, secrets)
}

fn node_config_from(
    node: &NodeContext,
    mut selected: Vec<&FRRConfiguration>,
    secrets: &[Secret],
) -> Result<Conversion, ConversionError> {
    selected.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    let mut conv = api_to_frr(&selected, secrets, &node.always_block)?;
    conv.config.loglevel = node.log_level;
    conv.config.hostname = if node.hostname.is_empty() {
        node.name.clone()
    } else {
        node.hostname.clone()
    };
    if !node.has_ipv4_address {
        let id = fallback_router_id(&conv.config.hostname);
        for r in &mut conv.config.routers {
            if r.router_id.is_none() {
                r.router_id = Some(id);
            }
        }
    }
    Ok(conv)
}

/// frr-k8s's router id for nodes without IPv4: the CRC-32 (IEEE) of the hostname, little-endian.
pub fn fallback_router_id(hostname: &str) -> Ipv4Addr {
    let mut crc = 0xffff_ffffu32;
    for b in hostname.bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    Ipv4Addr::from((!crc).to_le_bytes())
}

/// Converts and merges FRRConfigurations in the given order (frr-k8s `apiToFRR`).
pub fn api_to_frr(
    configs: &[&FRRConfiguration],
    secrets: &[Secret],
    always_block: &[IpNet],
) -> Result<Conversion, ConversionError> {
    let mut routers: BTreeMap<String, RouterConfig> = BTreeMap::new();
    let mut all_profiles: BTreeMap<String, BfdProfile> = BTreeMap::new();
    let mut raws: Vec<(i64, String, String)> = Vec::new();
    let mut warnings = Vec::new();
    let secrets = SecretIndex::new(secrets);
    let always_block: Vec<IncomingFilter> = always_block
        .iter()
        .map(|p| {
            let mut f = IncomingFilter::new(p.trunc());
            f.le = u32::from(p.max_prefix_len());
            f
        })
        .collect();

    for cfg in configs {
        let name = cfg.metadata.display_name();
        let in_config = |mut e: ConversionError| {
            e.config = Some(name.clone());
            e
        };
        if !cfg.spec.raw.config.is_empty() {
            raws.push((
                cfg.spec.raw.priority,
                cfg.metadata.name.clone(),
                cfg.spec.raw.config.clone(),
            ));
        }
        let mut profiles: HashMap<String, BfdProfile> = HashMap::new();
        for b in &cfg.spec.bgp.bfd_profiles {
            let p = bfd_profile(b);
            if profiles.contains_key(&p.name) {
                return Err(in_config(ConversionError::new(format!(
                    "duplicate bfd profile name {} in config {}",
                    p.name, cfg.metadata.name
                ))));
            }
            profiles.insert(p.name.clone(), p.clone());
            match all_profiles.get(&p.name) {
                Some(old) if *old != p => {
                    return Err(in_config(ConversionError::new(format!(
                        "duplicate bfd profile name {} with different values for config {}",
                        p.name, cfg.metadata.name
                    ))));
                }
                Some(_) => {}
                None => {
                    all_profiles.insert(p.name.clone(), p);
                }
            }
        }

        let prefixes_by_vrf: HashMap<&str, &[String]> = cfg
            .spec
            .bgp
            .routers
            .iter()
            .map(|r| (r.vrf.as_str(), r.prefixes.as_slice()))
            .collect();
        for r in &cfg.spec.bgp.routers {
            let router = convert_router(
                r,
                &prefixes_by_vrf,
                &always_block,
                &secrets,
                &profiles,
                &mut warnings,
            )
            .map_err(in_config)?;
            match routers.get_mut(&r.vrf) {
                None => {
                    routers.insert(r.vrf.clone(), router);
                }
                Some(curr) => {
                    merge::merge_routers(curr, router).map_err(|e| in_config(e.into()))?
                }
            }
        }
    }

    raws.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut extra = String::new();
    for (_, _, text) in &raws {
        extra.push_str(text);
        extra.push('\n');
    }
    let mut config = Config {
        loglevel: LogLevel::default(),
        hostname: String::new(),
        routers: routers.into_values().collect(),
        bfd_profiles: all_profiles.into_values().collect(),
        extra_config: extra,
    };
    merge::finalize_order(&mut config);
    Ok(Conversion {
        config,
        warnings,
        selected: configs.iter().map(|c| c.metadata.display_name()).collect(),
    })
}

fn bfd_profile(b: &CrdBfdProfile) -> BfdProfile {
    BfdProfile {
        name: b.name.clone(),
        receive_interval: b.receive_interval,
        transmit_interval: b.transmit_interval,
        detect_multiplier: b.detect_multiplier,
        echo_interval: b.echo_interval,
        echo_mode: b.echo_mode.unwrap_or(false),
        passive_mode: b.passive_mode.unwrap_or(false),
        minimum_ttl: b.minimum_ttl,
    }
}

fn parse_prefix(p: &str) -> Result<IpNet, ConversionError> {
    p.parse::<IpNet>()
        .map_err(|_| ConversionError::new(format!("unknown ipfamily for {p}")))
}

/// Go's `%s` of a string slice: `[a b c]`.
fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

fn convert_router(
    r: &Router,
    prefixes_by_vrf: &HashMap<&str, &[String]>,
    always_block: &[IncomingFilter],
    secrets: &SecretIndex,
    profiles: &HashMap<String, BfdProfile>,
    warnings: &mut Vec<String>,
) -> Result<RouterConfig, ConversionError> {
    let own: Vec<IpNet> = r
        .prefixes
        .iter()
        .map(|p| parse_prefix(p))
        .collect::<Result<_, _>>()?;
    for i in &r.imports {
        if i.vrf != "default" && !prefixes_by_vrf.contains_key(i.vrf.as_str()) {
            bail!(
                "router {}-{} imports vrf {} which is not defined",
                r.asn,
                r.vrf,
                i.vrf
            );
        }
    }
    // Prefixes a neighbor may be given: the router's own and those of the VRFs it imports.
    let mut all_prefixes: Vec<String> = r.prefixes.clone();
    for i in &r.imports {
        let vrf = if i.vrf == "default" {
            ""
        } else {
            i.vrf.as_str()
        };
        match prefixes_by_vrf.get(vrf) {
            Some(p) => all_prefixes.extend(p.iter().cloned()),
            None => bail!("vrf {vrf} not found in prefixes in router"),
        }
    }
    validate_outgoing(&all_prefixes, r)?;
    // Keep the text with the parsed prefix: frr-k8s compares and sorts the texts.
    let list: Vec<(&str, IpNet)> = all_prefixes
        .iter()
        .map(|p| parse_prefix(p).map(|n| (p.as_str(), n)))
        .collect::<Result<_, _>>()?;
    let all_nets = RouterPrefixes {
        by_text: list.iter().copied().collect(),
        list,
    };

    let mut out = RouterConfig {
        my_asn: r.asn,
        router_id: None,
        neighbors: Vec::new(),
        vrf: r.vrf.clone(),
        ipv4_prefixes: own
            .iter()
            .filter(|p| matches!(p, IpNet::V4(_)))
            .copied()
            .collect(),
        ipv6_prefixes: own
            .iter()
            .filter(|p| matches!(p, IpNet::V6(_)))
            .copied()
            .collect(),
        import_vrfs: r.imports.iter().map(|i| i.vrf.clone()).collect(),
        evpn: r.evpn.as_ref().map(evpn),
    };
    if !r.id.is_empty() {
        out.router_id = Some(r.id.parse().map_err(|_| {
            ConversionError::new(format!(
                "invalid router id {} for router {}-{}",
                r.id, r.asn, r.vrf
            ))
        })?);
    }
    for n in &r.neighbors {
        let conv = convert_neighbor(n, r, &all_nets, always_block, secrets, profiles, warnings)
            .map_err(|mut e| {
                e.message = format!(
                    "failed to process neighbor {} for router {}-{}: {}",
                    neighbor_name(n),
                    r.asn,
                    r.vrf,
                    e.message
                );
                e
            })?;
        out.neighbors.push(conv);
    }
    // frr-k8s validates a router by merging it with itself (`validateRouterConfig`), which
    // also normalizes it.
    merge::normalize_router(&mut out)?;
    Ok(out)
}

fn validate_outgoing(prefixes_in_router: &[String], r: &Router) -> Result<(), ConversionError> {
    let set: BTreeSet<&str> = prefixes_in_router.iter().map(String::as_str).collect();
    for n in &r.neighbors {
        if n.to_advertise.allowed.mode == AllowMode::All {
            continue;
        }
        for p in &n.to_advertise.allowed.prefixes {
            if !set.contains(p.as_str()) {
                bail!(
                    "trying to advertise non configured prefix {p} to neighbor {}, vrf {}",
                    neighbor_name(n),
                    r.vrf
                );
            }
        }
        let mut lp_for: HashMap<&str, u32> = HashMap::new();
        for lp in &n.to_advertise.prefixes_with_local_pref {
            for p in &lp.prefixes {
                if p.parse::<IpNet>().is_err() {
                    bail!(
                        "unknown ipfamily for prefix {p} associated to localpref {}",
                        lp.local_pref
                    );
                }
                if let Some(existing) = lp_for.get(p.as_str())
                    && *existing != lp.local_pref
                {
                    bail!(
                        "prefix {} is configured with both local preference {existing} and {}",
                        go_list(&lp.prefixes),
                        lp.local_pref
                    );
                }
                lp_for.insert(p, lp.local_pref);
            }
        }
        for c in &n.to_advertise.prefixes_with_community {
            for p in &c.prefixes {
                if p.parse::<IpNet>().is_err() {
                    bail!(
                        "invalid prefixes {} for community {}, err: unknown ipfamily for {p}",
                        go_list(&c.prefixes),
                        c.community
                    );
                }
            }
        }
    }
    Ok(())
}

fn asn_for(n: &Neighbor) -> String {
    match n.dynamic_asn {
        Some(m) => m.as_str().to_string(),
        None => n.asn.to_string(),
    }
}

/// frr-k8s's neighbor label `<asn>@<address or interface>`.
pub fn neighbor_name(n: &Neighbor) -> String {
    format!("{}@{}", asn_for(n), n.peer())
}

fn convert_neighbor(
    n: &Neighbor,
    r: &Router,
    router_prefixes: &RouterPrefixes,
    always_block: &[IncomingFilter],
    secrets: &SecretIndex,
    profiles: &HashMap<String, BfdProfile>,
    warnings: &mut Vec<String>,
) -> Result<NeighborConfig, ConversionError> {
    let name = neighbor_name(n);
    if n.address.is_empty() && n.interface.is_empty() {
        bail!(
            "neighbor with ASN {} has no address and no interface",
            asn_for(n)
        );
    }
    if !n.address.is_empty() && !n.interface.is_empty() {
        bail!("neighbor {name} has both Address and Interface specified");
    }
    let mut addr = None;
    let mut family = IpFamily::Dual;
    if !n.address.is_empty() {
        let a: IpAddr = n.address.parse().map_err(|_| {
            ConversionError::new(format!(
                "failed to find ipfamily for {}, the address is not an IP address",
                n.address
            ))
        })?;
        addr = Some(a);
        family = IpFamily::of_addr(&a);
    }
    if !n.bfd_profile.is_empty() && !profiles.contains_key(&n.bfd_profile) {
        bail!(
            "neighbor {name} referencing non existing BFDProfile {}",
            n.bfd_profile
        );
    }
    let asn = match (n.asn, n.dynamic_asn) {
        (0, None) => bail!("neighbor {name} has no ASN or DynamicASN specified"),
        (a, Some(_)) if a != 0 => bail!("neighbor {name} has both ASN and DynamicASN specified"),
        (_, Some(DynamicASNMode::Internal)) => PeerAsn::Internal,
        (_, Some(DynamicASNMode::External)) => PeerAsn::External,
        (a, None) => PeerAsn::Number(a),
    };
    let ibgp = asn == PeerAsn::Internal || asn == PeerAsn::Number(r.asn);
    if n.local_asn != 0 && ibgp {
        bail!("neighbor {name}: localASN is not supported for iBGP sessions");
    }
    if n.disable_mp {
        warnings.push(format!(
            "neighbor {name}: disableMP is deprecated and has no effect"
        ));
    }
    if n.enable_graceful_restart {
        warnings.push(format!(
            "neighbor {name}: a graceful restart change takes effect on the next session restart"
        ));
    }
    if !n.interface.is_empty() || n.dual_stack_address_family {
        family = IpFamily::Dual;
    }
    let src_addr = if n.source_address.is_empty() {
        None
    } else {
        Some(n.source_address.parse().map_err(|_| {
            ConversionError::new(format!(
                "invalid source address {} for neighbor {name}",
                n.source_address
            ))
        })?)
    };

    let mut res = NeighborConfig {
        ip_family: family,
        name: name.clone(),
        asn,
        src_addr,
        addr,
        iface: n.interface.clone(),
        port: n.port,
        hold_time: None,
        keepalive_time: None,
        connect_time: n.connect_time.map(|d| d.as_secs() as i64),
        password: Password::default(),
        bfd_profile: n.bfd_profile.clone(),
        graceful_restart: n.enable_graceful_restart,
        ebgp_multi_hop: n.ebgp_multi_hop,
        local_asn: n.local_asn,
        vrf_name: r.vrf.clone(),
        incoming: AllowedIn::default(),
        outgoing: AllowedOut::default(),
        always_block: always_block.to_vec(),
        address_families: n
            .address_families
            .iter()
            .map(|f| match f {
                crd_model::AddressFamily::Unicast => AddressFamily::Unicast,
                crd_model::AddressFamily::Evpn => AddressFamily::Evpn,
            })
            .collect(),
    };
    (res.hold_time, res.keepalive_time) = parse_timers(n).map_err(|e| {
        ConversionError::new(format!("invalid timers for neighbor {name}, err: {e}"))
    })?;
    res.password = Password(password_for(n, &name, secrets)?);
    res.outgoing = to_advertise(&res, n, router_prefixes)?;
    res.incoming = to_receive(n)?;
    Ok(res)
}

fn parse_timers(n: &Neighbor) -> Result<(Option<i64>, Option<i64>), String> {
    let (ht, ka) = match (n.hold_time, n.keepalive_time) {
        (None, None) => return Ok((None, None)),
        (Some(h), Some(k)) => (h, k),
        _ => {
            return Err("one of KeepaliveTime/HoldTime specified, both must be set or none".into());
        }
    };
    let whole = ht.as_secs();
    if whole != 0 && whole < 3 {
        return Err(format!(
            "invalid hold time {:?}: must be 0 or >=3s",
            ht.to_string()
        ));
    }
    if ka.0 > ht.0 {
        return Err(format!(
            "invalid keepaliveTime {:?}, must be lower than holdTime {:?}",
            ka.to_string(),
            ht.to_string()
        ));
    }
    Ok((Some(ht.as_secs() as i64), Some(ka.as_secs() as i64)))
}

struct SecretIndex<'a> {
    by_name: HashMap<&'a str, Vec<&'a Secret>>,
}

impl<'a> SecretIndex<'a> {
    fn new(secrets: &'a [Secret]) -> Self {
        let mut by_name: HashMap<&str, Vec<&Secret>> = HashMap::new();
        for s in secrets {
            by_name.entry(s.metadata.name.as_str()).or_default().push(s);
        }
        SecretIndex { by_name }
    }

    fn get(&self, name: &str, namespace: &str) -> Option<&'a Secret> {
        let all = self.by_name.get(name)?;
        all.iter()
            .copied()
            .find(|s| namespace.is_empty() || s.metadata.namespace == namespace)
    }
}

fn password_for(
    n: &Neighbor,
    name: &str,
    secrets: &SecretIndex,
) -> Result<String, ConversionError> {
    let reference = &n.password_secret;
    if !n.password.is_empty() && !reference.name.is_empty() {
        bail!("neighbor {name} specifies both cleartext password and secret ref");
    }
    if !n.password.is_empty() {
        return Ok(n.password.clone());
    }
    if reference.name.is_empty() {
        return Ok(String::new());
    }
    let Some(secret) = secrets.get(&reference.name, &reference.namespace) else {
        return Err(ConversionError {
            message: format!("secret {} not found for neighbor {name}", reference.name),
            config: None,
            transient: true,
        });
    };
    if secret.type_ != SECRET_TYPE_BASIC_AUTH {
        bail!(
            "secret type mismatch on {:?}/{:?}, type {SECRET_TYPE_BASIC_AUTH:?} is expected ",
            secret.metadata.namespace,
            secret.metadata.name
        );
    }
    match secret.value("password") {
        None => bail!(
            "password field not specified in the secret {:?}/{:?}",
            secret.metadata.namespace,
            secret.metadata.name
        ),
        Some(Err(e)) => bail!("{e}"),
        Some(Ok(p)) => Ok(p),
    }
}

fn has_family(n: &NeighborConfig, f: IpFamily) -> bool {
    n.ip_family == IpFamily::Dual || n.ip_family == f
}

/// The prefixes a router may advertise (its own and imported ones): texts with parsed values.
struct RouterPrefixes<'a> {
    list: Vec<(&'a str, IpNet)>,
    by_text: HashMap<&'a str, IpNet>,
}

/// The prefixes a neighbor advertises, per family, keyed by their text (sorted as Go sorts
/// strings). Allowed prefixes are looked up among the router's (validated before), so each
/// text is parsed once per router.
fn advertised<'a>(
    n: &'a Neighbor,
    router_prefixes: &RouterPrefixes<'a>,
) -> (BTreeMap<&'a str, IpNet>, BTreeMap<&'a str, IpNet>) {
    let mut v4 = BTreeMap::new();
    let mut v6 = BTreeMap::new();
    let mut add = |text: &'a str, p: IpNet| match p {
        IpNet::V4(_) => {
            v4.insert(text, p);
        }
        IpNet::V6(_) => {
            v6.insert(text, p);
        }
    };
    if n.to_advertise.allowed.mode == AllowMode::All {
        for (text, p) in &router_prefixes.list {
            add(text, *p);
        }
    } else {
        for p in &n.to_advertise.allowed.prefixes {
            let known = router_prefixes.by_text.get(p.as_str()).copied();
            if let Some(net) = known.or_else(|| p.parse().ok()) {
                add(p.as_str(), net);
            }
        }
    }
    (v4, v6)
}

fn to_advertise<'a>(
    nc: &NeighborConfig,
    n: &'a Neighbor,
    router_prefixes: &RouterPrefixes<'a>,
) -> Result<AllowedOut, ConversionError> {
    let families: &[IpFamily] = match nc.ip_family {
        IpFamily::Dual => &[IpFamily::Ipv4, IpFamily::Ipv6],
        IpFamily::Ipv4 => &[IpFamily::Ipv4],
        IpFamily::Ipv6 => &[IpFamily::Ipv6],
    };
    let (v4, v6) = advertised(n, router_prefixes);
    let mut out = AllowedOut::default();
    if has_family(nc, IpFamily::Ipv4) {
        out.prefixes_v4 = v4.values().copied().collect();
    }
    if has_family(nc, IpFamily::Ipv6) {
        out.prefixes_v6 = v6.values().copied().collect();
    }
    if let Some(nh) = &n.to_advertise.next_hop {
        if !nh.ipv4.is_empty() {
            match nh.ipv4.parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => out.next_hop_v4 = Some(a),
                _ => bail!(
                    "prefix {} is not compatible with the ipfamily ipv4",
                    nh.ipv4
                ),
            }
        }
        if !nh.ipv6.is_empty() {
            match nh.ipv6.parse::<IpAddr>() {
                Ok(IpAddr::V6(a)) => out.next_hop_v6 = Some(a),
                _ => bail!(
                    "prefix {} is not compatible with the ipfamily ipv6",
                    nh.ipv6
                ),
            }
        }
    }
    let id = nc.id();
    let mut lp_lists: BTreeMap<String, LocalPrefPrefixList> = BTreeMap::new();
    let mut comm_lists: BTreeMap<String, CommunityPrefixList> = BTreeMap::new();
    for &family in families {
        let advertised = if family == IpFamily::Ipv4 { &v4 } else { &v6 };
        let frr = family.keyword();
        local_pref_lists(&mut lp_lists, &id, n, family, frr, advertised).map_err(|e| {
            ConversionError::new(format!(
                "failed to process local pref for neighbor {}, err: {e}",
                nc.name
            ))
        })?;
        community_lists(&mut comm_lists, &id, n, family, frr, advertised).map_err(|e| {
            ConversionError::new(format!(
                "failed to process local pref for neighbor {}, err: {e}",
                nc.name
            ))
        })?;
    }
    out.local_pref_prefixes_modifiers = lp_lists.into_values().collect();
    out.community_prefixes_modifiers = comm_lists.into_values().collect();
    Ok(out)
}

fn local_pref_lists(
    into: &mut BTreeMap<String, LocalPrefPrefixList>,
    id: &str,
    n: &Neighbor,
    family: IpFamily,
    frr: FrrFamily,
    advertised: &BTreeMap<&str, IpNet>,
) -> Result<(), String> {
    for lp in &n.to_advertise.prefixes_with_local_pref {
        let key = format!("{}-{}", lp.local_pref, frr.as_str());
        if into.contains_key(&key) {
            return Err(format!(
                "local preference {} is already defined",
                lp.local_pref
            ));
        }
        let mut list = LocalPrefPrefixList {
            list: PrefixList {
                name: format!("{id}-{}-{}-localpref-prefixes", lp.local_pref, frr.as_str()),
                ip_family: frr,
                prefixes: Default::default(),
            },
            local_pref: lp.local_pref,
        };
        for p in &lp.prefixes {
            let Ok(net) = p.parse::<IpNet>() else {
                continue;
            };
            if IpFamily::of(&net) != family {
                continue;
            }
            if !advertised.contains_key(p.as_str()) {
                return Err(format!(
                    "localPref {} associated to non existing prefix {p}",
                    lp.local_pref
                ));
            }
            if !list.list.prefixes.insert(net) {
                return Err(format!(
                    "prefix {p} is already defined for local preference {}",
                    lp.local_pref
                ));
            }
        }
        into.insert(key, list);
    }
    Ok(())
}

fn community_lists(
    into: &mut BTreeMap<String, CommunityPrefixList>,
    id: &str,
    n: &Neighbor,
    family: IpFamily,
    frr: FrrFamily,
    advertised: &BTreeMap<&str, IpNet>,
) -> Result<(), String> {
    for c in &n.to_advertise.prefixes_with_community {
        let community: Community = c
            .community
            .parse()
            .map_err(|e| format!("invalid community {}, err: {e}", c.community))?;
        let key = format!("{community}-{}", frr.as_str());
        if into.contains_key(&key) {
            return Err(format!("community {} is already defined", c.community));
        }
        let name = if community.is_large() {
            format!(
                "{id}-large:{}-{}-community-prefixes",
                community.value(),
                frr.as_str()
            )
        } else {
            format!(
                "{id}-{}-{}-community-prefixes",
                community.value(),
                frr.as_str()
            )
        };
        let mut list = CommunityPrefixList {
            list: PrefixList {
                name,
                ip_family: frr,
                prefixes: Default::default(),
            },
            community,
        };
        for p in &c.prefixes {
            let Ok(net) = p.parse::<IpNet>() else {
                continue;
            };
            if IpFamily::of(&net) != family {
                continue;
            }
            if !advertised.contains_key(p.as_str()) {
                return Err(format!(
                    "prefix {p} is advertised for community {} but it's not in the advertisement list of the neighbor",
                    community.value()
                ));
            }
            if !list.list.prefixes.insert(net) {
                return Err(format!(
                    "prefix {p} is already defined for community {}",
                    community.value()
                ));
            }
        }
        into.insert(key, list);
    }
    Ok(())
}

fn to_receive(n: &Neighbor) -> Result<AllowedIn, ConversionError> {
    let mut res = AllowedIn::default();
    if n.to_receive.allowed.mode == AllowMode::All {
        res.all = true;
        return Ok(res);
    }
    for s in &n.to_receive.allowed.prefixes {
        let f = filter_for_selector(s)?;
        if f.ip_family == IpFamily::Ipv4 {
            res.prefixes_v4.push(f);
        } else {
            res.prefixes_v6.push(f);
        }
    }
    let key = |f: &IncomingFilter| (f.prefix.to_string(), f.le, f.ge);
    res.prefixes_v4.sort_by_key(key);
    res.prefixes_v6.sort_by_key(key);
    Ok(res)
}

fn filter_for_selector(s: &PrefixSelector) -> Result<IncomingFilter, ConversionError> {
    let net: IpNet = s.prefix.parse().map_err(|_| {
        ConversionError::new(format!(
            "failed to parse prefix {}: invalid CIDR address: {}",
            s.prefix, s.prefix
        ))
    })?;
    let mask = u32::from(net.prefix_len());
    let (le, ge) = (s.le, s.ge);
    if le > 0 && ge > le {
        bail!("invalid selector lengths: ge {ge} is bigger than le {le}");
    }
    if le > 0 && mask > le {
        bail!("invalid selector lengths: cidr mask {mask} is bigger than le {le}");
    }
    if ge > 0 && mask > ge {
        bail!("invalid selector lengths: cidr mask {mask} is bigger than ge {ge}");
    }
    Ok(IncomingFilter {
        ip_family: IpFamily::of(&net),
        prefix: net,
        le,
        ge,
    })
}

fn evpn(e: &crd_model::EVPNConfig) -> EvpnConfig {
    EvpnConfig {
        advertise_vnis: e.advertise_vnis.map(|v| match v {
            VNIAdvertisement::All => AdvertiseVnis::All,
            VNIAdvertisement::Disabled => AdvertiseVnis::Disabled,
        }),
        advertise_svi: e.advertise_svi,
        l2_vnis: e
            .l2_vnis
            .iter()
            .map(|l| L2Vni {
                vni: l.vni,
                props: VniProperties {
                    rd: l.rd.clone(),
                    import_rts: l.import_rts.clone(),
                    export_rts: l.export_rts.clone(),
                },
            })
            .collect(),
        l3_vni: e.l3_vni.as_ref().map(|l| L3Vni {
            vni: l.vni,
            props: VniProperties {
                rd: l.rd.clone(),
                import_rts: l.import_rts.clone(),
                export_rts: l.export_rts.clone(),
            },
            advertise_prefixes: l
                .advertise_prefixes
                .iter()
                .map(|_| AdvertisePrefix::Unicast)
                .collect(),
        }),
    }
}
