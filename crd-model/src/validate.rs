//! Single-object validation equivalent to upstream's CRD schema markers (ranges, enums, list
//! sizes, formats), CEL rules, and the frr-k8s webhook/conversion checks that concern one object.
//! Every error of an object is reported, each with its field path; messages are upstream's text
//! where upstream has one.
//!
//! Checks that need several objects (merging the FRRConfigurations of a node, imports of VRFs
//! defined elsewhere, secrets) are not here; see the crate docs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::duration::Duration;
use crate::frrk8s::{
    AddressFamily, AllowMode, BFDProfile, DynamicASNMode, EVPNConfig, FRRConfiguration, Neighbor,
    Router,
};
use crate::meta::{LabelSelector, LabelSelectorOperator, ObjectMeta};
use crate::ovnk::{AdvertisementType, NetworkSelectionType, NetworkSelector, RouteAdvertisements};

/// Routers per FRRConfiguration (CRD `MaxItems`).
pub const MAX_ROUTERS: usize = 50;
/// L2 VNIs per router (CRD `MaxItems`).
pub const MAX_L2_VNIS: usize = 10;
/// Route targets per list (CRD `MaxItems`).
pub const MAX_ROUTE_TARGETS: usize = 100;
/// Largest VXLAN network identifier.
pub const MAX_VNI: u32 = 16_777_215;

/// One validation problem: the field path inside the object and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for FieldError {}

struct Errs(Vec<FieldError>);

impl Errs {
    /// Records an error once (per-family checks can find the same problem twice).
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let e = FieldError {
            path: path.into(),
            message: message.into(),
        };
        if !self.0.contains(&e) {
            self.0.push(e);
        }
    }

    fn range(&mut self, path: &str, v: u64, min: u64, max: u64) {
        if v < min {
            self.push(
                path,
                format!("Invalid value: {v}: should be greater than or equal to {min}"),
            );
        } else if v > max {
            self.push(
                path,
                format!("Invalid value: {v}: should be less than or equal to {max}"),
            );
        }
    }

    fn max_items(&mut self, path: &str, len: usize, max: usize) {
        if len > max {
            self.push(
                path,
                format!("Too many: {len}: must have at most {max} items"),
            );
        }
    }

    fn min_items(&mut self, path: &str, len: usize, min: usize) {
        if len < min {
            self.push(
                path,
                format!("Invalid value: {len}: should have at least {min} items"),
            );
        }
    }
}

/// Parses a CIDR the way Go's `net.ParseCIDR` accepts it (host bits allowed).
pub fn parse_cidr(s: &str) -> Option<IpNet> {
    let (addr, len) = s.split_once('/')?;
    if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let addr: IpAddr = addr.parse().ok()?;
    IpNet::new(addr, len.parse().ok()?).ok()
}

/// Address family of a prefix or address, as frr-k8s names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpFamily {
    IPv4,
    IPv6,
}

impl IpFamily {
    pub fn as_str(self) -> &'static str {
        match self {
            IpFamily::IPv4 => "ipv4",
            IpFamily::IPv6 => "ipv6",
        }
    }

    pub fn of_addr(a: &IpAddr) -> Self {
        match a {
            IpAddr::V4(_) => IpFamily::IPv4,
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => IpFamily::IPv4,
            IpAddr::V6(_) => IpFamily::IPv6,
        }
    }

    /// Family of a CIDR string, `None` when it does not parse.
    pub fn of_cidr(s: &str) -> Option<Self> {
        parse_cidr(s).map(|n| Self::of_addr(&n.addr()))
    }
}

/// A BGP community in frr-k8s syntax: `a:b` (16-bit halves) or `large:a:b:c` (32-bit parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Community {
    Standard(u16, u16),
    Large(u32, u32, u32),
}

impl Community {
    /// Parses with frr-k8s's rules and error texts.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.as_slice() {
            [a, b] => {
                let a = a
                    .parse::<u16>()
                    .map_err(|_| format!("invalid community value: invalid section {a:?}"))?;
                let b = b
                    .parse::<u16>()
                    .map_err(|_| format!("invalid community value: invalid section {b:?}"))?;
                Ok(Community::Standard(a, b))
            }
            [marker, a, b, c] => {
                if *marker != "large" {
                    return Err(
                        "invalid community value: invalid marker for large community".into(),
                    );
                }
                let p = |x: &str| {
                    x.parse::<u32>()
                        .map_err(|_| format!("invalid community value: invalid section {x:?}"))
                };
                Ok(Community::Large(p(a)?, p(b)?, p(c)?))
            }
            _ => Err(format!("invalid community format: {s}")),
        }
    }

    pub fn is_large(&self) -> bool {
        matches!(self, Community::Large(..))
    }
}

impl fmt::Display for Community {
    /// FRR form: `a:b` or `a:b:c` (without the `large:` marker), as upstream prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Community::Standard(a, b) => write!(f, "{a}:{b}"),
            Community::Large(a, b, c) => write!(f, "{a}:{b}:{c}"),
        }
    }
}

/// frr-k8s's neighbor label in messages: `ASN@address`.
pub fn neighbor_name(n: &Neighbor) -> String {
    let asn = match n.dynamic_asn {
        Some(d) if n.asn == 0 => d.as_str().to_string(),
        _ => n.asn.to_string(),
    };
    format!("{asn}@{}", n.peer())
}

fn quoted(d: &Duration) -> String {
    format!("{:?}", d.to_string())
}

/// frr-k8s's hold/keepalive rules. Returns the error text, if any.
pub fn check_timers(hold: Option<Duration>, keepalive: Option<Duration>) -> Result<(), String> {
    match (hold, keepalive) {
        (None, None) => Ok(()),
        (Some(_), None) | (None, Some(_)) => {
            Err("one of KeepaliveTime/HoldTime specified, both must be set or none".into())
        }
        (Some(h), Some(k)) => {
            let whole = h.as_secs();
            if whole != 0 && whole < 3 {
                return Err(format!(
                    "invalid hold time {}: must be 0 or >=3s",
                    quoted(&h)
                ));
            }
            if k > h {
                return Err(format!(
                    "invalid keepaliveTime {}, must be lower than holdTime {}",
                    quoted(&k),
                    quoted(&h)
                ));
            }
            Ok(())
        }
    }
}

/// Validates a label selector like apimachinery's `ValidateLabelSelector`.
pub fn validate_label_selector(sel: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut e = Errs(Vec::new());
    label_selector(&mut e, sel, path);
    e.0
}

fn label_selector(e: &mut Errs, sel: &LabelSelector, path: &str) {
    for (k, v) in &sel.match_labels {
        let p = format!("{path}.matchLabels");
        if let Err(m) = check_label_key(k) {
            e.push(&p, format!("Invalid value: {k:?}: {m}"));
        }
        if let Err(m) = check_label_value(v) {
            e.push(&p, format!("Invalid value: {v:?}: {m}"));
        }
    }
    for (i, r) in sel.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        if let Err(m) = check_label_key(&r.key) {
            e.push(
                format!("{p}.key"),
                format!("Invalid value: {:?}: {m}", r.key),
            );
        }
        match r.operator {
            LabelSelectorOperator::In | LabelSelectorOperator::NotIn => {
                if r.values.is_empty() {
                    e.push(
                        format!("{p}.values"),
                        "Required value: must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            LabelSelectorOperator::Exists | LabelSelectorOperator::DoesNotExist => {
                if !r.values.is_empty() {
                    e.push(
                        format!("{p}.values"),
                        "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
        }
        for (j, v) in r.values.iter().enumerate() {
            if let Err(m) = check_label_value(v) {
                e.push(
                    format!("{p}.values[{j}]"),
                    format!("Invalid value: {v:?}: {m}"),
                );
            }
        }
    }
}

const NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

fn check_name_part(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("name part must be non-empty".into());
    }
    if s.len() > 63 {
        return Err("name part must be no more than 63 characters".into());
    }
    let b = s.as_bytes();
    let ok_inner = b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    if !ok_inner || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Err(NAME_MSG.into());
    }
    Ok(())
}

fn check_dns_subdomain(s: &str) -> Result<(), String> {
    const MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    if s.len() > 253 {
        return Err("must be no more than 253 characters".into());
    }
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty()
        || !b.iter().all(|c| alnum(c) || matches!(c, b'-' | b'.'))
        || !alnum(&b[0])
        || !alnum(&b[b.len() - 1])
        || s.split('.')
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(MSG.into());
    }
    Ok(())
}

/// A qualified name: `[prefix/]name` with a DNS-subdomain prefix.
fn check_label_key(k: &str) -> Result<(), String> {
    match k.split_once('/') {
        Some((prefix, name)) => {
            check_dns_subdomain(prefix).map_err(|m| format!("prefix part {m}"))?;
            check_name_part(name)
        }
        None => check_name_part(k),
    }
}

fn check_label_value(v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    if v.len() > 63 {
        return Err("must be no more than 63 characters".into());
    }
    check_name_part(v).map_err(|_| {
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character".to_string()
    })
}

fn metadata(e: &mut Errs, m: &ObjectMeta) {
    if m.name.is_empty() && m.generate_name.is_empty() {
        e.push(
            "metadata.name",
            "Required value: name or generateName is required",
        );
    }
    if !m.name.is_empty()
        && let Err(msg) = check_dns_subdomain(&m.name)
    {
        e.push(
            "metadata.name",
            format!("Invalid value: {:?}: {msg}", m.name),
        );
    }
    if !m.namespace.is_empty()
        && let Err(msg) = check_dns_subdomain(&m.namespace)
    {
        e.push(
            "metadata.namespace",
            format!("Invalid value: {:?}: {msg}", m.namespace),
        );
    }
    for k in m.labels.keys() {
        if let Err(msg) = check_label_key(k) {
            e.push("metadata.labels", format!("Invalid value: {k:?}: {msg}"));
        }
    }
    for (k, v) in &m.labels {
        if let Err(msg) = check_label_value(v) {
            e.push(
                format!("metadata.labels.{k}"),
                format!("Invalid value: {v:?}: {msg}"),
            );
        }
    }
}

/// Validates one `FRRConfiguration`; an empty result means valid.
pub fn validate_frr_configuration(c: &FRRConfiguration) -> Vec<FieldError> {
    let mut e = Errs(Vec::new());
    metadata(&mut e, &c.metadata);
    label_selector(&mut e, &c.spec.node_selector, "spec.nodeSelector");

    let bgp = &c.spec.bgp;
    e.max_items("spec.bgp.routers", bgp.routers.len(), MAX_ROUTERS);

    let mut profiles = BTreeSet::new();
    for (i, p) in bgp.bfd_profiles.iter().enumerate() {
        let path = format!("spec.bgp.bfdProfiles[{i}]");
        if !profiles.insert(p.name.as_str()) {
            e.push(
                format!("{path}.name"),
                format!(
                    "duplicate bfd profile name {} in config {}",
                    p.name, c.metadata.name
                ),
            );
        }
        bfd_profile(&mut e, p, &path);
    }

    // as upstream: a later router of the same VRF replaces an earlier one here
    let vrf_prefixes: BTreeMap<&str, &[String]> = bgp
        .routers
        .iter()
        .map(|r| (r.vrf.as_str(), r.prefixes.as_slice()))
        .collect();
    for (i, r) in bgp.routers.iter().enumerate() {
        router(
            &mut e,
            r,
            &format!("spec.bgp.routers[{i}]"),
            &profiles,
            &vrf_prefixes,
        );
    }
    e.0
}

fn bfd_profile(e: &mut Errs, p: &BFDProfile, path: &str) {
    let ms = |e: &mut Errs, f: &str, v: Option<u32>| {
        if let Some(v) = v {
            e.range(&format!("{path}.{f}"), v.into(), 10, 60_000);
        }
    };
    ms(e, "receiveInterval", p.receive_interval);
    ms(e, "transmitInterval", p.transmit_interval);
    ms(e, "echoInterval", p.echo_interval);
    if let Some(v) = p.detect_multiplier {
        e.range(&format!("{path}.detectMultiplier"), v.into(), 2, 255);
    }
    if let Some(v) = p.minimum_ttl {
        e.range(&format!("{path}.minimumTtl"), v.into(), 1, 254);
    }
}

fn router(
    e: &mut Errs,
    r: &Router,
    path: &str,
    profiles: &BTreeSet<&str>,
    vrf_prefixes: &BTreeMap<&str, &[String]>,
) {
    // Router prefixes must parse; their families decide what neighbors may advertise.
    for (i, p) in r.prefixes.iter().enumerate() {
        if parse_cidr(p).is_none() {
            e.push(
                format!("{path}.prefixes[{i}]"),
                format!("unknown ipfamily for {p}"),
            );
        }
    }
    // Imported VRFs must be routers of this same configuration ("default" is always there);
    // their prefixes may be advertised too.
    let mut all_prefixes: Vec<&str> = r.prefixes.iter().map(String::as_str).collect();
    for (i, imp) in r.imports.iter().enumerate() {
        let vrf = if imp.vrf == "default" {
            ""
        } else {
            imp.vrf.as_str()
        };
        match vrf_prefixes.get(vrf) {
            Some(prefixes) => all_prefixes.extend(prefixes.iter().map(String::as_str)),
            None if imp.vrf != "default" => e.push(
                format!("{path}.imports[{i}].vrf"),
                format!(
                    "router {}-{} imports vrf {} which is not defined",
                    r.asn, r.vrf, imp.vrf
                ),
            ),
            None => {}
        }
    }
    for (i, n) in r.neighbors.iter().enumerate() {
        neighbor(
            e,
            r,
            n,
            &format!("{path}.neighbors[{i}]"),
            profiles,
            &all_prefixes,
        );
    }
    if let Some(evpn) = &r.evpn {
        evpn_config(e, r, evpn, &format!("{path}.evpn"));
    }
}

fn neighbor(
    e: &mut Errs,
    r: &Router,
    n: &Neighbor,
    path: &str,
    profiles: &BTreeSet<&str>,
    router_prefixes: &[&str],
) {
    let name = neighbor_name(n);
    let p = |f: &str| format!("{path}.{f}");

    // exactly one of asn / dynamicASN
    match (n.asn != 0, n.dynamic_asn.is_some()) {
        (false, false) => e.push(
            p("asn"),
            format!("neighbor {name} has no ASN or DynamicASN specified"),
        ),
        (true, true) => e.push(
            p("dynamicASN"),
            format!("neighbor {name} has both ASN and DynamicASN specified"),
        ),
        _ => {}
    }
    // exactly one of address / interface
    let mut family = None;
    match (n.address.is_empty(), n.interface.is_empty()) {
        (true, true) => {
            let asn = match n.dynamic_asn {
                Some(d) if n.asn == 0 => d.as_str().to_string(),
                _ => n.asn.to_string(),
            };
            e.push(
                p("address"),
                format!("neighbor with ASN {asn} has no address and no interface"),
            )
        }
        (false, false) => e.push(
            p("interface"),
            format!("neighbor {name} has both Address and Interface specified"),
        ),
        (false, true) => match n.address.parse::<IpAddr>() {
            Ok(a) => family = Some(IpFamily::of_addr(&a)),
            Err(err) => e.push(
                p("address"),
                format!("failed to find ipfamily for {}, {err}", n.address),
            ),
        },
        (true, false) => {}
    }

    if let Some(port) = n.port {
        e.range(&p("port"), port.into(), 0, 16_384);
    }
    if !n.password.is_empty() && !n.password_secret.name.is_empty() {
        e.push(
            p("password"),
            format!("neighbor {name} specifies both cleartext password and secret ref"),
        );
    }
    if let Err(m) = check_timers(n.hold_time, n.keepalive_time) {
        // name the field that is missing or wrong
        let field = match (n.hold_time, n.keepalive_time) {
            (Some(_), None) => "keepaliveTime",
            (Some(h), Some(_)) if h.as_secs() == 0 || h.as_secs() >= 3 => "keepaliveTime",
            _ => "holdTime",
        };
        e.push(p(field), m);
    }
    if let Some(ct) = n.connect_time {
        let secs = ct.as_secs();
        if !(1..=65_535).contains(&secs) {
            e.push(
                p("connectTime"),
                "connect time should be between 1 seconds to 65535",
            );
        }
        if ct.as_std().subsec_millis() != 0 || ct.as_std().subsec_nanos() % 1_000_000 != 0 {
            e.push(
                p("connectTime"),
                "connect time should contain a whole number of seconds",
            );
        }
    }
    if !n.bfd_profile.is_empty() && !profiles.contains(n.bfd_profile.as_str()) {
        e.push(
            p("bfdProfile"),
            format!(
                "neighbor {name} referencing non existing BFDProfile {}",
                n.bfd_profile
            ),
        );
    }
    if n.local_asn != 0 {
        let ibgp =
            n.dynamic_asn == Some(DynamicASNMode::Internal) || (n.asn != 0 && n.asn == r.asn);
        if ibgp {
            e.push(
                p("localASN"),
                format!("neighbor {name}: localASN is not supported for iBGP sessions"),
            );
        }
    }
    e.max_items(&p("addressFamilies"), n.address_families.len(), 2);

    // toAdvertise: the families the session carries (both for unnumbered or dual-stack)
    let adv = &n.to_advertise;
    let families: Vec<IpFamily> = if !n.interface.is_empty() || n.dual_stack_address_family {
        vec![IpFamily::IPv4, IpFamily::IPv6]
    } else {
        family.into_iter().collect()
    };
    let go_list = |v: &[String]| format!("[{}]", v.join(" "));
    if adv.allowed.mode == AllowMode::Filtered {
        for (i, pfx) in adv.allowed.prefixes.iter().enumerate() {
            if !router_prefixes.contains(&pfx.as_str()) {
                e.push(
                    p(&format!("toAdvertise.allowed.prefixes[{i}]")),
                    format!(
                        "trying to advertise non configured prefix {pfx} to neighbor {name}, vrf {}",
                        r.vrf
                    ),
                );
            }
        }
        let mut local_pref_of: BTreeMap<&str, u32> = BTreeMap::new();
        for (i, lp) in adv.prefixes_with_local_pref.iter().enumerate() {
            for (j, pfx) in lp.prefixes.iter().enumerate() {
                let fp = p(&format!("toAdvertise.withLocalPref[{i}].prefixes[{j}]"));
                if parse_cidr(pfx).is_none() {
                    e.push(
                        fp,
                        format!(
                            "unknown ipfamily for prefix {pfx} associated to localpref {}",
                            lp.local_pref
                        ),
                    );
                    continue;
                }
                match local_pref_of.insert(pfx, lp.local_pref) {
                    Some(prev) if prev != lp.local_pref => e.push(
                        fp,
                        format!(
                            "prefix {} is configured with both local preference {prev} and {}",
                            go_list(&lp.prefixes),
                            lp.local_pref
                        ),
                    ),
                    _ => {}
                }
            }
        }
        for (i, cp) in adv.prefixes_with_community.iter().enumerate() {
            if let Some(bad) = cp.prefixes.iter().find(|x| parse_cidr(x).is_none()) {
                e.push(
                    p(&format!("toAdvertise.withCommunity[{i}].prefixes")),
                    format!(
                        "invalid prefixes {} for community {}, err: unknown ipfamily for {bad}",
                        go_list(&cp.prefixes),
                        cp.community
                    ),
                );
            }
        }
    }
    for (i, lp) in adv.prefixes_with_local_pref.iter().enumerate() {
        e.min_items(
            &p(&format!("toAdvertise.withLocalPref[{i}].prefixes")),
            lp.prefixes.len(),
            1,
        );
    }
    for (i, cp) in adv.prefixes_with_community.iter().enumerate() {
        e.min_items(
            &p(&format!("toAdvertise.withCommunity[{i}].prefixes")),
            cp.prefixes.len(),
            1,
        );
        if let Err(m) = Community::parse(&cp.community) {
            e.push(
                p(&format!("toAdvertise.withCommunity[{i}].community")),
                format!("invalid community {}, err: {m}", cp.community),
            );
        }
    }
    for fam in &families {
        let of_family = |x: &&str| IpFamily::of_cidr(x) == Some(*fam);
        let allowed: BTreeSet<&str> = match adv.allowed.mode {
            AllowMode::All => router_prefixes.iter().copied().filter(of_family).collect(),
            AllowMode::Filtered => adv
                .allowed
                .prefixes
                .iter()
                .map(String::as_str)
                .filter(of_family)
                .collect(),
        };
        let mut local_prefs = BTreeSet::new();
        for (i, lp) in adv.prefixes_with_local_pref.iter().enumerate() {
            let lpath = p(&format!("toAdvertise.withLocalPref[{i}]"));
            if !local_prefs.insert(lp.local_pref) {
                e.push(
                    format!("{lpath}.localPref"),
                    format!("local preference {} is already defined", lp.local_pref),
                );
                continue;
            }
            let mut seen = BTreeSet::new();
            for (j, pfx) in lp.prefixes.iter().enumerate() {
                if !of_family(&pfx.as_str()) {
                    continue;
                }
                let fp = format!("{lpath}.prefixes[{j}]");
                if !allowed.contains(pfx.as_str()) {
                    e.push(
                        fp,
                        format!(
                            "localPref {} associated to non existing prefix {pfx}",
                            lp.local_pref
                        ),
                    );
                } else if !seen.insert(pfx.as_str()) {
                    e.push(
                        fp,
                        format!(
                            "prefix {pfx} is already defined for local preference {}",
                            lp.local_pref
                        ),
                    );
                }
            }
        }
        let mut communities = BTreeSet::new();
        for (i, cp) in adv.prefixes_with_community.iter().enumerate() {
            let Ok(c) = Community::parse(&cp.community) else {
                continue;
            };
            let cpath = p(&format!("toAdvertise.withCommunity[{i}]"));
            if !communities.insert(c) {
                e.push(
                    format!("{cpath}.community"),
                    format!("community {} is already defined", cp.community),
                );
                continue;
            }
            let mut seen = BTreeSet::new();
            for (j, pfx) in cp.prefixes.iter().enumerate() {
                if !of_family(&pfx.as_str()) {
                    continue;
                }
                let fp = format!("{cpath}.prefixes[{j}]");
                if !allowed.contains(pfx.as_str()) {
                    e.push(
                        fp,
                        format!(
                            "prefix {pfx} is advertised for community {c} but it's not in the advertisement list of the neighbor"
                        ),
                    );
                } else if !seen.insert(pfx.as_str()) {
                    e.push(
                        fp,
                        format!("prefix {pfx} is already defined for community {c}"),
                    );
                }
            }
        }
    }
    if let Some(nh) = &adv.next_hop {
        let check = |e: &mut Errs, field: &str, v: &str, want: IpFamily| {
            if v.is_empty() {
                return;
            }
            let fp = p(&format!("toAdvertise.nextHop.{field}"));
            match v.parse::<IpAddr>() {
                Ok(a) if IpFamily::of_addr(&a) == want => {
                    if family.is_some() && !families.contains(&want) {
                        e.push(
                            fp,
                            format!(
                                "next hop {v} is {} but neighbor {name} is not enabled for that address family",
                                want.as_str()
                            ),
                        );
                    }
                }
                _ => e.push(
                    fp,
                    format!(
                        "invalid next hop {v:?}: must be an {} address",
                        want.as_str()
                    ),
                ),
            }
        };
        check(e, "ipv4", &nh.ipv4, IpFamily::IPv4);
        check(e, "ipv6", &nh.ipv6, IpFamily::IPv6);
    }

    // toReceive
    for (i, sel) in n.to_receive.allowed.prefixes.iter().enumerate() {
        let spath = p(&format!("toReceive.allowed.prefixes[{i}]"));
        if sel.le != 0 {
            e.range(&format!("{spath}.le"), sel.le.into(), 1, 128);
        }
        if sel.ge != 0 {
            e.range(&format!("{spath}.ge"), sel.ge.into(), 1, 128);
        }
        let Some(net) = parse_cidr(&sel.prefix) else {
            e.push(
                format!("{spath}.prefix"),
                format!(
                    "failed to parse prefix {}: invalid CIDR address: {}",
                    sel.prefix, sel.prefix
                ),
            );
            continue;
        };
        if let Err(m) = check_selector_lengths(net.prefix_len().into(), sel.le, sel.ge) {
            e.push(&spath, m);
        }
    }
}

/// frr-k8s's `mask <= ge <= le` rule for receive selectors (0 = unset).
pub fn check_selector_lengths(mask: u32, le: u32, ge: u32) -> Result<(), String> {
    if ge == 0 && le == 0 {
        return Ok(());
    }
    if le > 0 && ge > le {
        return Err(format!(
            "invalid selector lengths: ge {ge} is bigger than le {le}"
        ));
    }
    if le > 0 && mask > le {
        return Err(format!(
            "invalid selector lengths: cidr mask {mask} is bigger than le {le}"
        ));
    }
    if ge > 0 && mask > ge {
        return Err(format!(
            "invalid selector lengths: cidr mask {mask} is bigger than ge {ge}"
        ));
    }
    Ok(())
}

fn evpn_config(e: &mut Errs, r: &Router, evpn: &EVPNConfig, path: &str) {
    let has_evpn_neighbor = r
        .neighbors
        .iter()
        .any(|n| n.address_families.contains(&AddressFamily::Evpn));
    if evpn.advertise_vnis.is_some() && !has_evpn_neighbor {
        e.push(
            format!("{path}.advertiseVNIs"),
            "advertiseVNIs can only be provided for router instances with EVPN neighbors",
        );
    }
    if !evpn.l2_vnis.is_empty() && !has_evpn_neighbor {
        e.push(
            format!("{path}.l2vnis"),
            "l2vnis can only be provided for router instances with EVPN neighbors",
        );
    }
    e.max_items(&format!("{path}.l2vnis"), evpn.l2_vnis.len(), MAX_L2_VNIS);
    for (i, v) in evpn.l2_vnis.iter().enumerate() {
        vni(
            e,
            v.vni,
            &v.rd,
            &v.import_rts,
            &v.export_rts,
            &format!("{path}.l2vnis[{i}]"),
        );
    }
    if let Some(l3) = &evpn.l3_vni {
        let lpath = format!("{path}.l3vni");
        if !r.neighbors.is_empty() {
            e.push(
                &lpath,
                "l3vni can only be provided for router instances with no neighbors",
            );
        }
        vni(e, l3.vni, &l3.rd, &l3.import_rts, &l3.export_rts, &lpath);
        let ap = format!("{lpath}.advertisePrefixes");
        if l3.advertise_prefixes.is_empty() {
            e.push(ap, "Required value");
        } else {
            e.max_items(&ap, l3.advertise_prefixes.len(), 1);
        }
    }
}

fn vni(e: &mut Errs, id: u32, rd: &str, import: &[String], export: &[String], path: &str) {
    e.range(&format!("{path}.vni"), id.into(), 1, MAX_VNI.into());
    if !rd.is_empty()
        && let Err(m) = check_route_distinguisher(rd)
    {
        e.push(format!("{path}.rd"), m);
    }
    e.max_items(
        &format!("{path}.importRTs"),
        import.len(),
        MAX_ROUTE_TARGETS,
    );
    e.max_items(
        &format!("{path}.exportRTs"),
        export.len(),
        MAX_ROUTE_TARGETS,
    );
    for (i, rt) in import.iter().enumerate() {
        if let Err(m) = check_route_target(rt, true) {
            e.push(format!("{path}.importRTs[{i}]"), m);
        }
    }
    for (i, rt) in export.iter().enumerate() {
        if let Err(m) = check_route_target(rt, false) {
            e.push(format!("{path}.exportRTs[{i}]"), m);
        }
    }
}

fn admin_value(what: &str, s: &str, wildcard: bool) -> Result<(), String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [admin, value] = parts.as_slice() else {
        return Err(format!("{what} must contain exactly one colon"));
    };
    let num = |x: &str| x.parse::<u64>().ok();
    if wildcard && *admin == "*" {
        return match num(value) {
            Some(v) if v <= u64::from(u32::MAX) => Ok(()),
            _ => Err(format!(
                "{what} with wildcard administrator must have format *:OPQR where OPQR <= 4294967295"
            )),
        };
    }
    if admin.contains('.') {
        let ok =
            admin.parse::<std::net::Ipv4Addr>().is_ok() && num(value).is_some_and(|v| v <= 65_535);
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "{what} with IPv4 administrator must have format A.B.C.D:MN where MN <= 65535"
            ))
        };
    }
    match (num(admin), num(value)) {
        (Some(a), Some(v)) if a <= 65_535 => {
            if v <= u64::from(u32::MAX) {
                Ok(())
            } else {
                Err(format!(
                    "{what} with 2-byte ASN administrator must have format EF:OPQR where EF <= 65535 and OPQR <= 4294967295"
                ))
            }
        }
        (Some(a), Some(v)) if a <= u64::from(u32::MAX) && v <= 65_535 => Ok(()),
        (Some(a), _) if a > 65_535 => Err(format!(
            "{what} with 4-byte ASN administrator must have format GHJK:MN where GHJK <= 4294967295 and MN <= 65535"
        )),
        _ => Err(format!(
            "{what} must have format A.B.C.D:MN, EF:OPQR or GHJK:MN with decimal numbers"
        )),
    }
}

/// Route distinguisher syntax (EVPN CEL rules).
pub fn check_route_distinguisher(s: &str) -> Result<(), String> {
    admin_value("RD", s, false)
}

/// Route target syntax (EVPN CEL rules); `*:N` only for imports.
pub fn check_route_target(s: &str, import: bool) -> Result<(), String> {
    admin_value("RT", s, import)
}

/// Non-fatal notes upstream returns as warnings.
pub fn frr_configuration_warnings(c: &FRRConfiguration) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (i, r) in c.spec.bgp.routers.iter().enumerate() {
        for (j, n) in r.neighbors.iter().enumerate() {
            let path = format!("spec.bgp.routers[{i}].neighbors[{j}]");
            if n.disable_mp {
                out.push(FieldError {
                    path: format!("{path}.disableMP"),
                    message: "disableMP is deprecated and has no effect, use dualStackAddressFamily instead".into(),
                });
            }
            if n.enable_graceful_restart {
                out.push(FieldError {
                    path: format!("{path}.enableGracefulRestart"),
                    message:
                        "a graceful restart change takes effect the next time the session restarts"
                            .into(),
                });
            }
        }
    }
    out
}

/// Validates one `RouteAdvertisements`; an empty result means valid.
pub fn validate_route_advertisements(ra: &RouteAdvertisements) -> Vec<FieldError> {
    let mut e = Errs(Vec::new());
    metadata(&mut e, &ra.metadata);
    let s = &ra.spec;

    let ns = "spec.networkSelectors";
    e.min_items(ns, s.network_selectors.len(), 1);
    e.max_items(ns, s.network_selectors.len(), 5);
    let mut seen = BTreeSet::new();
    for (i, sel) in s.network_selectors.iter().enumerate() {
        let path = format!("{ns}[{i}]");
        if !seen.insert(sel.network_selection_type) {
            e.push(
                &path,
                format!(
                    "Duplicate value: {{\"networkSelectionType\":\"{}\"}}",
                    sel.network_selection_type.as_str()
                ),
            );
        }
        network_selector(&mut e, sel, &path);
    }
    if s.network_selectors.iter().any(|n| {
        !matches!(
            n.network_selection_type,
            NetworkSelectionType::DefaultNetwork | NetworkSelectionType::ClusterUserDefinedNetworks
        )
    }) {
        e.push(
            "spec",
            "Only DefaultNetwork or ClusterUserDefinedNetworks can be selected",
        );
    }

    label_selector(&mut e, &s.node_selector, "spec.nodeSelector");
    label_selector(
        &mut e,
        &s.frr_configuration_selector,
        "spec.frrConfigurationSelector",
    );

    let adv = "spec.advertisements";
    e.min_items(adv, s.advertisements.len(), 1);
    e.max_items(adv, s.advertisements.len(), 2);
    let unique: BTreeSet<AdvertisementType> = s.advertisements.iter().copied().collect();
    if unique.len() != s.advertisements.len() {
        e.push(
            adv,
            "Invalid value: \"array\": failed rule: self.all(x, self.exists_one(y, x == y))",
        );
    }
    if s.advertisements.contains(&AdvertisementType::PodNetwork) && !s.node_selector.is_empty() {
        e.push(
            "spec",
            "If 'PodNetwork' is selected for advertisement, a 'nodeSelector' can't be specified as it needs to be advertised on all nodes",
        );
    }
    e.0
}

fn network_selector(e: &mut Errs, sel: &NetworkSelector, path: &str) {
    use NetworkSelectionType as T;
    let t = sel.network_selection_type;
    let rules = [
        (
            sel.cluster_user_defined_network_selector.is_some(),
            T::ClusterUserDefinedNetworks,
            "clusterUserDefinedNetworkSelector",
        ),
        (
            sel.primary_user_defined_network_selector.is_some(),
            T::PrimaryUserDefinedNetworks,
            "primaryUserDefinedNetworkSelector",
        ),
        (
            sel.secondary_user_defined_network_selector.is_some(),
            T::SecondaryUserDefinedNetworks,
            "secondaryUserDefinedNetworkSelector",
        ),
        (
            sel.network_attachment_definition_selector.is_some(),
            T::NetworkAttachmentDefinitions,
            "networkAttachmentDefinitionSelector",
        ),
    ];
    for (present, want, field) in rules {
        if present != (t == want) {
            e.push(
                path,
                format!(
                    "Inconsistent selector: both networkSelectionType {} and {field} have to be set or neither",
                    want.as_str()
                ),
            );
        }
    }
    if let Some(c) = &sel.cluster_user_defined_network_selector {
        label_selector(
            e,
            &c.network_selector,
            &format!("{path}.clusterUserDefinedNetworkSelector.networkSelector"),
        );
    }
    if let Some(p) = &sel.primary_user_defined_network_selector {
        label_selector(
            e,
            &p.namespace_selector,
            &format!("{path}.primaryUserDefinedNetworkSelector.namespaceSelector"),
        );
    }
    if let Some(s) = &sel.secondary_user_defined_network_selector {
        let p = format!("{path}.secondaryUserDefinedNetworkSelector");
        label_selector(e, &s.namespace_selector, &format!("{p}.namespaceSelector"));
        label_selector(e, &s.network_selector, &format!("{p}.networkSelector"));
    }
    if let Some(s) = &sel.network_attachment_definition_selector {
        let p = format!("{path}.networkAttachmentDefinitionSelector");
        label_selector(e, &s.namespace_selector, &format!("{p}.namespaceSelector"));
        label_selector(e, &s.network_selector, &format!("{p}.networkSelector"));
    }
}

impl FRRConfiguration {
    /// Single-object validation; see [`validate_frr_configuration`].
    pub fn validate(&self) -> Vec<FieldError> {
        validate_frr_configuration(self)
    }

    /// Applies the CRD defaults the API server would add on admission: `addressFamilies:
    /// [unicast]` on every neighbor without one (`mode: filtered`, `disableMP: false` and
    /// `dualStackAddressFamily: false` are already what an absent field means here). Port, timers
    /// and BFD intervals are not CRD defaults upstream and stay unset.
    pub fn apply_crd_defaults(&mut self) {
        for r in &mut self.spec.bgp.routers {
            for n in &mut r.neighbors {
                if n.address_families.is_empty() {
                    n.address_families.push(AddressFamily::Unicast);
                }
            }
        }
    }
}

impl RouteAdvertisements {
    /// Single-object validation; see [`validate_route_advertisements`].
    pub fn validate(&self) -> Vec<FieldError> {
        validate_route_advertisements(self)
    }
}
