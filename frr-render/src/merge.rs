//! Merging the routers of several FRRConfigurations into one per VRF, with frr-k8s's rules
//! (`internal/controller/merge.go`): additive only, conflicting session settings are errors,
//! values equal to FRR's defaults compare equal to unset and are then cleared, unions are sorted.

use std::collections::{BTreeMap, BTreeSet};

use ipnet::IpNet;

use crate::model::{
    AdvertiseVnis, AllowedIn, AllowedOut, CommunityPrefixList, Config, EvpnConfig, IncomingFilter,
    L2Vni, L3Vni, LocalPrefPrefixList, NeighborConfig, RouterConfig, VniProperties,
};

/// FRR's defaults: a value equal to one of these is the same as no value.
pub const DEFAULT_BGP_PORT: u16 = 179;
pub const DEFAULT_HOLD_TIME: i64 = 180;
pub const DEFAULT_KEEPALIVE_TIME: i64 = 60;
pub const DEFAULT_CONNECT_TIME: i64 = 60;

/// Why two pieces of configuration cannot be merged; the text is frr-k8s's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

macro_rules! bail {
    ($($arg:tt)*) => { return Err(MergeError(format!($($arg)*))) };
}

/// Merges `other` into `r` (same VRF). Prefixes and imports become sorted sets, neighbors are
/// merged by ID and sorted by it.
pub fn merge_routers(r: &mut RouterConfig, other: RouterConfig) -> Result<(), MergeError> {
    if r.vrf != other.vrf {
        bail!("different VRFs specified ({} != {})", r.vrf, other.vrf);
    }
    if r.my_asn != other.my_asn {
        bail!(
            "different asns ({} != {}) specified for same vrf: {}",
            r.my_asn,
            other.my_asn,
            r.vrf
        );
    }
    if let (Some(a), Some(b)) = (r.router_id, other.router_id)
        && a != b
    {
        bail!(
            "different router ids ({a} != {b}) specified for same vrf: {}",
            r.vrf
        );
    }
    if r.router_id.is_none() {
        r.router_id = other.router_id;
    }
    r.ipv4_prefixes = sorted_union(&r.ipv4_prefixes, &other.ipv4_prefixes);
    r.ipv6_prefixes = sorted_union(&r.ipv6_prefixes, &other.ipv6_prefixes);
    let vrfs: BTreeSet<String> = r.import_vrfs.drain(..).chain(other.import_vrfs).collect();
    r.import_vrfs = vrfs.into_iter().collect();
    let mine = std::mem::take(&mut r.neighbors);
    r.neighbors = merge_neighbor_lists(mine, other.neighbors)?;
    r.evpn = merge_evpn(r.evpn.take(), other.evpn).map_err(|e| {
        MergeError(format!(
            "could not merge EVPN configuration for vrf {:?}, err: {e}",
            r.vrf
        ))
    })?;
    Ok(())
}

/// The union of two prefix lists, deduplicated. Its order is numeric; [`finalize_order`] gives
/// the text order of Go's `sets.List` once, at the end, instead of formatting every prefix at
/// every merge step.
fn sorted_union(a: &[IpNet], b: &[IpNet]) -> Vec<IpNet> {
    let mut v: Vec<IpNet> = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v.sort_unstable();
    v.dedup();
    v
}

/// Sorts prefixes by their text, as Go sorts the strings of a set.
pub fn sort_like_go(prefixes: &mut [IpNet]) {
    if prefixes.len() > 1 {
        prefixes.sort_by_cached_key(|p| p.to_string());
    }
}

/// Puts the merged prefix sets of a configuration in frr-k8s's order (text order). Merging
/// keeps them in numeric order; this is the last step of a conversion. Each distinct prefix of
/// a router is formatted once: neighbor lists are mostly subsets of the router's prefixes.
pub fn finalize_order(config: &mut Config) {
    for r in &mut config.routers {
        let mut all: Vec<IpNet> = r
            .ipv4_prefixes
            .iter()
            .chain(&r.ipv6_prefixes)
            .copied()
            .collect();
        for n in &r.neighbors {
            all.extend(
                n.outgoing
                    .prefixes_v4
                    .iter()
                    .chain(&n.outgoing.prefixes_v6)
                    .copied(),
            );
        }
        all.sort_unstable();
        all.dedup();
        sort_like_go(&mut all);
        // Rank of each prefix in text order, found once per element by binary search in
        // numeric order; lists are then sorted by rank (integers).
        let mut rank: Vec<(IpNet, usize)> = all
            .iter()
            .copied()
            .enumerate()
            .map(|(i, p)| (p, i))
            .collect();
        rank.sort_unstable();
        let by_rank = |v: &mut Vec<IpNet>| {
            let mut ranks: Vec<usize> = v
                .iter()
                .map(|p| {
                    rank.binary_search_by(|(q, _)| q.cmp(p))
                        .map(|i| rank[i].1)
                        .unwrap_or(usize::MAX)
                })
                .collect();
            ranks.sort_unstable();
            for (slot, r) in v.iter_mut().zip(ranks) {
                *slot = all[r];
            }
        };
        by_rank(&mut r.ipv4_prefixes);
        by_rank(&mut r.ipv6_prefixes);
        for n in &mut r.neighbors {
            by_rank(&mut n.outgoing.prefixes_v4);
            by_rank(&mut n.outgoing.prefixes_v6);
        }
    }
}

/// What frr-k8s's `validateRouterConfig` does by merging a router with itself: neighbors with
/// the same ID are merged (conflicts are errors) and sorted by ID, prefix and import sets are
/// deduplicated, every neighbor is normalized (defaults cleared, incoming filters sorted by
/// key, local-pref conflicts inside one neighbor rejected).
pub fn normalize_router(r: &mut RouterConfig) -> Result<(), MergeError> {
    let mut merged: BTreeMap<String, NeighborConfig> = BTreeMap::new();
    for n in std::mem::take(&mut r.neighbors) {
        let id = n.id();
        match merged.get_mut(&id) {
            None => {
                merged.insert(id, n);
            }
            Some(dest) => merge_into_neighbor(dest, n)?,
        }
    }
    for n in merged.values_mut() {
        if n.outgoing.local_pref_prefixes_modifiers.is_empty()
            && n.outgoing.community_prefixes_modifiers.is_empty()
        {
            // Nothing to check: the self-merge only deduplicates the prefix sets.
            n.outgoing.prefixes_v4 = sorted_union(&n.outgoing.prefixes_v4, &[]);
            n.outgoing.prefixes_v6 = sorted_union(&n.outgoing.prefixes_v6, &[]);
        } else {
            let addr = n.addr.map(|a| a.to_string()).unwrap_or_default();
            n.outgoing = merge_allowed_out(&n.outgoing, &n.outgoing).map_err(|e| {
                MergeError(format!(
                    "could not merge outgoing for neighbor {addr} vrf {}, err: {e}",
                    n.vrf_name
                ))
            })?;
        }
        n.incoming = merge_allowed_in(&n.incoming, &n.incoming);
        n.address_families.sort_unstable();
        n.address_families.dedup();
        clean_neighbor_defaults(n);
    }
    r.neighbors = merged.into_values().collect();
    r.ipv4_prefixes = sorted_union(&r.ipv4_prefixes, &[]);
    r.ipv6_prefixes = sorted_union(&r.ipv6_prefixes, &[]);
    r.import_vrfs.sort_unstable();
    r.import_vrfs.dedup();
    if let Some(e) = r.evpn.take() {
        r.evpn = merge_evpn(Some(e.clone()), Some(e)).map_err(|e| {
            MergeError(format!(
                "could not merge EVPN configuration for vrf {:?}, err: {e}",
                r.vrf
            ))
        })?;
    }
    Ok(())
}

/// Merges two neighbor lists of one router by neighbor ID; the result is sorted by ID.
pub fn merge_neighbor_lists(
    first: Vec<NeighborConfig>,
    other: Vec<NeighborConfig>,
) -> Result<Vec<NeighborConfig>, MergeError> {
    let mut merged: BTreeMap<String, NeighborConfig> = BTreeMap::new();
    for n in first.into_iter().chain(other) {
        let id = n.id();
        match merged.get_mut(&id) {
            None => {
                merged.insert(id, n);
            }
            Some(dest) => merge_into_neighbor(dest, n)?,
        }
    }
    Ok(merged.into_values().collect())
}

/// Merges `src` into `dest` (same ID), then clears values equal to FRR's defaults.
pub fn merge_into_neighbor(
    dest: &mut NeighborConfig,
    src: NeighborConfig,
) -> Result<(), MergeError> {
    neighbors_compatible(dest, &src)?;
    if dest.bfd_profile.is_empty() {
        dest.bfd_profile = src.bfd_profile.clone();
    }
    let addr = src.addr.map(|a| a.to_string()).unwrap_or_default();
    dest.outgoing = merge_allowed_out(&dest.outgoing, &src.outgoing).map_err(|e| {
        MergeError(format!(
            "could not merge outgoing for neighbor {addr} vrf {}, err: {e}",
            src.vrf_name
        ))
    })?;
    dest.incoming = merge_allowed_in(&dest.incoming, &src.incoming);
    let afs: BTreeSet<_> = dest
        .address_families
        .drain(..)
        .chain(src.address_families)
        .collect();
    dest.address_families = afs.into_iter().collect();
    clean_neighbor_defaults(dest);
    Ok(())
}

/// Unsets any value equal to FRR's default, so that "179" and "unset" render the same.
pub fn clean_neighbor_defaults(n: &mut NeighborConfig) {
    if n.port == Some(DEFAULT_BGP_PORT) {
        n.port = None;
    }
    if n.hold_time == Some(DEFAULT_HOLD_TIME) {
        n.hold_time = None;
    }
    if n.keepalive_time == Some(DEFAULT_KEEPALIVE_TIME) {
        n.keepalive_time = None;
    }
    if n.connect_time == Some(DEFAULT_CONNECT_TIME) {
        n.connect_time = None;
    }
}

/// Equal, or one unset and the other equal to the default.
fn opt_eq<T: PartialEq + Copy>(a: Option<T>, b: Option<T>, default: T) -> bool {
    a.unwrap_or(default) == b.unwrap_or(default)
}

fn neighbors_compatible(n1: &NeighborConfig, n2: &NeighborConfig) -> Result<(), MergeError> {
    let key = n1.id();
    if key != n2.id() {
        bail!(
            "only neighbors with same ID ({key}, {}) are compatible for merging",
            n2.id()
        );
    }
    if n1.asn != n2.asn {
        bail!("multiple asns specified for {key}");
    }
    if !opt_eq(n1.port, n2.port, DEFAULT_BGP_PORT) {
        bail!("multiple ports specified for {key}");
    }
    if n1.src_addr != n2.src_addr {
        bail!("multiple source addresses specified for {key}");
    }
    if n1.password != n2.password {
        bail!("multiple passwords specified for {key}");
    }
    if !n1.bfd_profile.is_empty() && !n2.bfd_profile.is_empty() && n1.bfd_profile != n2.bfd_profile
    {
        bail!("multiple bfd profiles specified for {key}");
    }
    if n1.ebgp_multi_hop != n2.ebgp_multi_hop {
        bail!("conflicting ebgp-multihop specified for {key}");
    }
    if n1.ip_family != n2.ip_family {
        bail!("conflicting advertiseDualStack specified for {key}");
    }
    if !opt_eq(n1.hold_time, n2.hold_time, DEFAULT_HOLD_TIME) {
        bail!("multiple hold times specified for {key}");
    }
    if !opt_eq(n1.keepalive_time, n2.keepalive_time, DEFAULT_KEEPALIVE_TIME) {
        bail!("multiple keepalive times specified for {key}");
    }
    if !opt_eq(n1.connect_time, n2.connect_time, DEFAULT_CONNECT_TIME) {
        bail!("multiple connect times specified for {key}");
    }
    if n1.local_asn != n2.local_asn {
        bail!("multiple localASNs specified for {key}");
    }
    if let (Some(a), Some(b)) = (n1.outgoing.next_hop_v4, n2.outgoing.next_hop_v4)
        && a != b
    {
        bail!("multiple ipv4 next hops ({a} != {b}) specified for {key}");
    }
    if let (Some(a), Some(b)) = (n1.outgoing.next_hop_v6, n2.outgoing.next_hop_v6)
        && a != b
    {
        bail!("multiple ipv6 next hops ({a} != {b}) specified for {key}");
    }
    Ok(())
}

/// Unions the advertised prefixes and the modifier lists of one neighbor.
pub fn merge_allowed_out(r: &AllowedOut, other: &AllowedOut) -> Result<AllowedOut, MergeError> {
    let mut local_pref_for: BTreeMap<IpNet, u32> = BTreeMap::new();
    for l in &r.local_pref_prefixes_modifiers {
        for p in &l.list.prefixes {
            local_pref_for.insert(*p, l.local_pref);
        }
    }
    for l in &other.local_pref_prefixes_modifiers {
        for p in &l.list.prefixes {
            if let Some(existing) = local_pref_for.get(p)
                && *existing != l.local_pref
            {
                bail!(
                    "multiple local prefs ({existing} != {}) specified for prefix {p}",
                    l.local_pref
                );
            }
        }
    }
    let mut lp: BTreeMap<String, LocalPrefPrefixList> = BTreeMap::new();
    for l in r
        .local_pref_prefixes_modifiers
        .iter()
        .chain(&other.local_pref_prefixes_modifiers)
    {
        let key = format!("{}-{}", l.local_pref, l.list.ip_family.as_str());
        match lp.get_mut(&key) {
            None => {
                lp.insert(key, l.clone());
            }
            Some(into) => into.list.prefixes.extend(l.list.prefixes.iter().copied()),
        }
    }
    let mut comm: BTreeMap<String, CommunityPrefixList> = BTreeMap::new();
    for c in r
        .community_prefixes_modifiers
        .iter()
        .chain(&other.community_prefixes_modifiers)
    {
        let key = format!("{}-{}", c.community, c.list.ip_family.as_str());
        match comm.get_mut(&key) {
            None => {
                comm.insert(key, c.clone());
            }
            Some(into) => into.list.prefixes.extend(c.list.prefixes.iter().copied()),
        }
    }
    Ok(AllowedOut {
        prefixes_v4: sorted_union(&r.prefixes_v4, &other.prefixes_v4),
        prefixes_v6: sorted_union(&r.prefixes_v6, &other.prefixes_v6),
        next_hop_v4: r.next_hop_v4.or(other.next_hop_v4),
        next_hop_v6: r.next_hop_v6.or(other.next_hop_v6),
        local_pref_prefixes_modifiers: lp.into_values().collect(),
        community_prefixes_modifiers: comm.into_values().collect(),
    })
}

/// `all` wins; otherwise filters are deduplicated by prefix+le+ge and sorted by that key.
pub fn merge_allowed_in(r: &AllowedIn, other: &AllowedIn) -> AllowedIn {
    if r.all || other.all {
        return AllowedIn {
            all: true,
            ..Default::default()
        };
    }
    AllowedIn {
        all: false,
        prefixes_v4: merge_incoming_filters(&r.prefixes_v4, &other.prefixes_v4),
        prefixes_v6: merge_incoming_filters(&r.prefixes_v6, &other.prefixes_v6),
    }
}

fn merge_incoming_filters(a: &[IncomingFilter], b: &[IncomingFilter]) -> Vec<IncomingFilter> {
    let map: BTreeMap<String, IncomingFilter> = a
        .iter()
        .chain(b)
        .map(|f| (f.merge_key(), f.clone()))
        .collect();
    map.into_values().collect()
}

fn merge_evpn(
    a: Option<EvpnConfig>,
    b: Option<EvpnConfig>,
) -> Result<Option<EvpnConfig>, MergeError> {
    let (a, b) = match (a, b) {
        (None, b) => return Ok(b),
        (a, None) => return Ok(a),
        (Some(a), Some(b)) => (a, b),
    };
    let disabled = AdvertiseVnis::Disabled;
    if !opt_eq(a.advertise_vnis, b.advertise_vnis, disabled) {
        let name = |v: Option<AdvertiseVnis>| match v.unwrap_or(disabled) {
            AdvertiseVnis::All => "All",
            AdvertiseVnis::Disabled => "Disabled",
        };
        bail!(
            "different advertiseVNIs ({:?} != {:?})",
            name(a.advertise_vnis),
            name(b.advertise_vnis)
        );
    }
    if a.advertise_svi != b.advertise_svi {
        bail!(
            "different advertiseSVI ({} != {})",
            a.advertise_svi,
            b.advertise_svi
        );
    }
    let l2_vnis = merge_l2_vnis(a.l2_vnis, b.l2_vnis)?;
    let l3_vni = merge_l3_vnis(a.l3_vni, b.l3_vni)?;
    Ok(Some(EvpnConfig {
        advertise_vnis: a.advertise_vnis.or(b.advertise_vnis),
        advertise_svi: a.advertise_svi,
        l2_vnis,
        l3_vni,
    }))
}

fn merge_l2_vnis(a: Vec<L2Vni>, b: Vec<L2Vni>) -> Result<Vec<L2Vni>, MergeError> {
    if a.is_empty() {
        return Ok(b);
    }
    if b.is_empty() {
        return Ok(a);
    }
    let mut by_vni: BTreeMap<u32, L2Vni> = a.into_iter().map(|v| (v.vni, v)).collect();
    for v in b {
        match by_vni.get_mut(&v.vni) {
            None => {
                by_vni.insert(v.vni, v);
            }
            Some(existing) => {
                existing.props = merge_vni_properties(&existing.props, &v.props).map_err(|e| {
                    MergeError(format!("could not merge l2vni {}, err: {e}", v.vni))
                })?;
            }
        }
    }
    // Go sorts the map by its key formatted as a string.
    let mut out: Vec<L2Vni> = by_vni.into_values().collect();
    out.sort_by_key(|v| v.vni.to_string());
    Ok(out)
}

fn merge_l3_vnis(a: Option<L3Vni>, b: Option<L3Vni>) -> Result<Option<L3Vni>, MergeError> {
    let (a, b) = match (a, b) {
        (None, b) => return Ok(b),
        (a, None) => return Ok(a),
        (Some(a), Some(b)) => (a, b),
    };
    if a.vni != b.vni {
        bail!("different l3vni numbers ({} != {})", a.vni, b.vni);
    }
    let props = merge_vni_properties(&a.props, &b.props)?;
    let adv: BTreeSet<_> = a
        .advertise_prefixes
        .into_iter()
        .chain(b.advertise_prefixes)
        .collect();
    Ok(Some(L3Vni {
        vni: a.vni,
        props,
        advertise_prefixes: adv.into_iter().collect(),
    }))
}

fn merge_vni_properties(a: &VniProperties, b: &VniProperties) -> Result<VniProperties, MergeError> {
    if !a.rd.is_empty() && !b.rd.is_empty() && a.rd != b.rd {
        bail!("different RD values ({} != {})", a.rd, b.rd);
    }
    if a.import_rts.is_empty() != b.import_rts.is_empty() {
        bail!("conflicting import route targets: mixing implicit and explicit route targets");
    }
    if a.export_rts.is_empty() != b.export_rts.is_empty() {
        bail!("conflicting export route targets: mixing implicit and explicit route targets");
    }
    let rts = |x: &[String], y: &[String]| -> Vec<String> {
        let s: BTreeSet<String> = x.iter().chain(y).cloned().collect();
        s.into_iter().collect()
    };
    Ok(VniProperties {
        rd: if a.rd.is_empty() {
            b.rd.clone()
        } else {
            a.rd.clone()
        },
        import_rts: rts(&a.import_rts, &b.import_rts),
        export_rts: rts(&a.export_rts, &b.export_rts),
    })
}
