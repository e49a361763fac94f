//! Routing Information Bases (RFC 4271 §3.2): Adj-RIB-In per peer, the Loc-RIB chosen by the
//! §9.1 decision process with multipath (ECMP) over equal paths, and Adj-RIB-Out per peer.
//!
//! Storage is built for full tables: one hash map per address family from prefix to its
//! candidate paths (the union of every peer's Adj-RIB-In, kept sorted best first), and path
//! attributes shared through [`Arc`] and interned, so a million prefixes from one peer cost a
//! few dozen bytes each.

mod attrs;
mod decision;
mod out;
mod policy;

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use smallvec::SmallVec;

pub use attrs::{AttrInterner, PathAttrs};
pub use decision::DecisionConfig;
pub use out::{AdjRibOut, ExportTarget, export_attrs};
pub use policy::{AcceptAll, Policy, RejectAll, Verdict};

use crate::session::role::{RouteLeak, otc_ingress};
use crate::wire::attribute::{NextHop, PathAttribute};
use crate::wire::capability::Role;
use crate::wire::family::AfiSafi;
use crate::wire::nlri::Nlri;
use crate::wire::update::Update;

/// An IPv4 or IPv6 prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Prefix {
    /// IPv4.
    V4(Ipv4Net),
    /// IPv6.
    V6(Ipv6Net),
}

impl Prefix {
    /// The unicast family of the prefix.
    pub fn family(&self) -> AfiSafi {
        match self {
            Prefix::V4(_) => AfiSafi::IPV4_UNICAST,
            Prefix::V6(_) => AfiSafi::IPV6_UNICAST,
        }
    }
}

impl From<IpNet> for Prefix {
    fn from(n: IpNet) -> Self {
        match n {
            IpNet::V4(n) => Prefix::V4(n.trunc()),
            IpNet::V6(n) => Prefix::V6(n.trunc()),
        }
    }
}

impl From<Ipv4Net> for Prefix {
    fn from(n: Ipv4Net) -> Self {
        Prefix::V4(n.trunc())
    }
}

impl From<Ipv6Net> for Prefix {
    fn from(n: Ipv6Net) -> Self {
        Prefix::V6(n.trunc())
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Prefix::V4(n) => n.fmt(f),
            Prefix::V6(n) => n.fmt(f),
        }
    }
}

/// Index of a peer in a [`Rib`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerId(pub u32);

impl PeerId {
    /// Routes originated by this speaker.
    pub const LOCAL: PeerId = PeerId(0);

    fn index(self) -> usize {
        self.0 as usize
    }
}

/// What the decision process needs to know about a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerInfo {
    /// Transport address (tie-breaker, RFC 4271 §9.1.2.2 (g)).
    pub address: IpAddr,
    /// BGP identifier.
    pub router_id: Ipv4Addr,
    /// AS of the peer.
    pub asn: u32,
    /// Same AS as ours.
    pub internal: bool,
    /// Role announced by the peer (RFC 9234), for OTC ingress checks.
    pub role: Option<Role>,
    /// The pseudo-peer of locally originated routes.
    pub local: bool,
}

impl PeerInfo {
    /// A peer with address, router id and AS; `internal` when `asn == local_as`.
    pub fn new(address: IpAddr, router_id: Ipv4Addr, asn: u32, local_as: u32) -> Self {
        PeerInfo {
            address,
            router_id,
            asn,
            internal: asn == local_as,
            role: None,
            local: false,
        }
    }
}

/// One candidate path for a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// Who sent it.
    pub peer: PeerId,
    /// ADD-PATH path identifier (0 without ADD-PATH).
    pub path_id: u32,
    /// Shared attributes.
    pub attrs: Arc<PathAttrs>,
    /// Kept from before a graceful restart, waiting for a refresh or End-of-RIB.
    pub stale: bool,
}

#[derive(Clone, Debug, Default)]
struct Dest {
    /// Candidates, best first.
    paths: SmallVec<[Path; 1]>,
    /// How many of the first `paths` are selected (best plus multipath); 0 when none.
    selected: u8,
}

/// Counters of one UPDATE applied to the RIB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyStats {
    /// Routes added or replaced.
    pub announced: usize,
    /// Routes removed.
    pub withdrawn: usize,
    /// Routes refused by import policy, AS_PATH loop detection or OTC leak checks.
    pub rejected: usize,
}

/// RIB configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RibConfig {
    /// Local AS.
    pub local_as: u32,
    /// Local BGP identifier.
    pub router_id: Ipv4Addr,
    /// Decision process options.
    pub decision: DecisionConfig,
    /// Record prefixes whose selection changed (for Adj-RIB-Out and FIB consumers).
    pub track_changes: bool,
}

impl RibConfig {
    /// Defaults: local preference 100, 8-way multipath, change tracking on.
    pub fn new(local_as: u32, router_id: Ipv4Addr) -> Self {
        RibConfig {
            local_as,
            router_id,
            decision: DecisionConfig::default(),
            track_changes: true,
        }
    }
}

/// Adj-RIBs-In and Loc-RIB of a speaker.
#[derive(Debug)]
pub struct Rib {
    config: RibConfig,
    peers: Vec<PeerInfo>,
    adj_in_count: Vec<usize>,
    v4: HashMap<Ipv4Net, Dest>,
    v6: HashMap<Ipv6Net, Dest>,
    interner: AttrInterner,
    changes: Vec<Prefix>,
}

trait Key: Copy + Eq + Hash + Into<Prefix> {}
impl Key for Ipv4Net {}
impl Key for Ipv6Net {}

/// Inserts or replaces (peer, path_id) in `dest`, re-sorts and reselects; true when the
/// selection changed.
fn dest_upsert(
    cfg: &DecisionConfig,
    peers: &[PeerInfo],
    dest: &mut Dest,
    path: Path,
) -> (bool, bool) {
    let before = selection_key(dest);
    let mut added = true;
    if let Some(p) = dest
        .paths
        .iter_mut()
        .find(|p| p.peer == path.peer && p.path_id == path.path_id)
    {
        *p = path;
        added = false;
    } else {
        dest.paths.push(path);
    }
    (added, reselect(cfg, peers, dest, before))
}

fn selection_key(dest: &Dest) -> SelKey {
    dest.paths[..(dest.selected as usize).min(dest.paths.len())]
        .iter()
        .map(|p| (p.peer, p.path_id, Arc::as_ptr(&p.attrs)))
        .collect()
}

type SelKey = SmallVec<[(PeerId, u32, *const PathAttrs); 2]>;

fn reselect(cfg: &DecisionConfig, peers: &[PeerInfo], dest: &mut Dest, before: SelKey) -> bool {
    if dest.paths.len() > 1 {
        dest.paths
            .sort_by(|a, b| decision::compare(cfg, peers, a, b));
    }
    let mut n = usize::from(!dest.paths.is_empty());
    if n == 1 && cfg.max_paths > 1 {
        let best = &dest.paths[0];
        let mut seen: SmallVec<[PeerId; 4]> = SmallVec::new();
        seen.push(best.peer);
        for p in dest.paths.iter().skip(1) {
            if n >= cfg.max_paths
                || decision::compare_multipath(cfg, peers, best, p) != std::cmp::Ordering::Equal
            {
                break;
            }
            // Multipath over paths from different peers (distinct next hops).
            if seen.contains(&p.peer) {
                break;
            }
            seen.push(p.peer);
            n += 1;
        }
    }
    dest.selected = n.min(u8::MAX as usize) as u8;
    before != selection_key(dest)
}

impl Rib {
    /// An empty RIB; [`PeerId::LOCAL`] is registered for locally originated routes.
    pub fn new(config: RibConfig) -> Rib {
        let local = PeerInfo {
            address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            router_id: config.router_id,
            asn: config.local_as,
            internal: false,
            role: None,
            local: true,
        };
        Rib {
            config,
            peers: vec![local],
            adj_in_count: vec![0],
            v4: HashMap::new(),
            v6: HashMap::new(),
            interner: AttrInterner::default(),
            changes: Vec::new(),
        }
    }

    /// Configuration.
    pub fn config(&self) -> &RibConfig {
        &self.config
    }

    /// Registers a peer.
    pub fn add_peer(&mut self, info: PeerInfo) -> PeerId {
        self.peers.push(info);
        self.adj_in_count.push(0);
        PeerId((self.peers.len() - 1) as u32)
    }

    /// The peer's information.
    pub fn peer(&self, id: PeerId) -> &PeerInfo {
        &self.peers[id.index()]
    }

    /// Updates a peer's information (router id and AS learnt on each Established).
    pub fn set_peer(&mut self, id: PeerId, info: PeerInfo) {
        self.peers[id.index()] = info;
    }

    /// Shares `attrs` with equal attribute sets already stored.
    pub fn intern(&mut self, attrs: PathAttrs) -> Arc<PathAttrs> {
        self.interner.intern(attrs)
    }

    /// Distinct attribute sets stored.
    pub fn attribute_sets(&self) -> usize {
        self.interner.len()
    }

    /// Number of prefixes with at least one path.
    pub fn len(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// True when no prefix is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Routes in the Adj-RIB-In of `peer` (after import policy).
    pub fn adj_rib_in_len(&self, peer: PeerId) -> usize {
        self.adj_in_count.get(peer.index()).copied().unwrap_or(0)
    }

    /// The Adj-RIB-In of `peer`: its paths, in no particular order.
    pub fn adj_rib_in(&self, peer: PeerId) -> impl Iterator<Item = (Prefix, &Path)> + '_ {
        let v4 = self.v4.iter().flat_map(move |(k, d)| {
            d.paths
                .iter()
                .filter(move |p| p.peer == peer)
                .map(move |p| (Prefix::V4(*k), p))
        });
        let v6 = self.v6.iter().flat_map(move |(k, d)| {
            d.paths
                .iter()
                .filter(move |p| p.peer == peer)
                .map(move |p| (Prefix::V6(*k), p))
        });
        v4.chain(v6)
    }

    fn dest(&self, prefix: &Prefix) -> Option<&Dest> {
        match prefix {
            Prefix::V4(n) => self.v4.get(n),
            Prefix::V6(n) => self.v6.get(n),
        }
    }

    /// Every candidate path of `prefix`, best first.
    pub fn paths(&self, prefix: &Prefix) -> &[Path] {
        self.dest(prefix).map_or(&[], |d| &d.paths)
    }

    /// The best path of `prefix`.
    pub fn best(&self, prefix: &Prefix) -> Option<&Path> {
        self.multipath(prefix).first()
    }

    /// The selected paths of `prefix` (best first, then equal-cost multipaths).
    pub fn multipath(&self, prefix: &Prefix) -> &[Path] {
        self.dest(prefix)
            .map_or(&[], |d| &d.paths[..d.selected as usize])
    }

    /// The Loc-RIB: every prefix with its selected paths.
    pub fn loc_rib(&self) -> impl Iterator<Item = (Prefix, &[Path])> + '_ {
        let v4 = self
            .v4
            .iter()
            .map(|(k, d)| (Prefix::V4(*k), &d.paths[..d.selected as usize]));
        let v6 = self
            .v6
            .iter()
            .map(|(k, d)| (Prefix::V6(*k), &d.paths[..d.selected as usize]));
        v4.chain(v6)
    }

    /// Prefixes whose selection changed since the last call.
    pub fn take_changes(&mut self) -> Vec<Prefix> {
        std::mem::take(&mut self.changes)
    }

    fn upsert<K: Key>(
        map: &mut HashMap<K, Dest>,
        cfg: &RibConfig,
        peers: &[PeerInfo],
        changes: &mut Vec<Prefix>,
        key: K,
        path: Path,
    ) -> bool {
        let dest = map.entry(key).or_default();
        let (added, changed) = dest_upsert(&cfg.decision, peers, dest, path);
        if changed && cfg.track_changes {
            changes.push(key.into());
        }
        added
    }

    fn remove<K: Key>(
        map: &mut HashMap<K, Dest>,
        cfg: &RibConfig,
        peers: &[PeerInfo],
        changes: &mut Vec<Prefix>,
        key: K,
        peer: PeerId,
        path_id: u32,
    ) -> bool {
        let Some(dest) = map.get_mut(&key) else {
            return false;
        };
        let Some(i) = dest
            .paths
            .iter()
            .position(|p| p.peer == peer && p.path_id == path_id)
        else {
            return false;
        };
        let before = selection_key(dest);
        dest.paths.remove(i);
        let changed = reselect(&cfg.decision, peers, dest, before);
        if dest.paths.is_empty() {
            map.remove(&key);
        }
        if changed && cfg.track_changes {
            changes.push(key.into());
        }
        true
    }

    /// Adds or replaces the path (`peer`, `path_id`) of `prefix`. Returns true when the path
    /// is new (not a replacement).
    pub fn insert(
        &mut self,
        peer: PeerId,
        prefix: Prefix,
        path_id: u32,
        attrs: Arc<PathAttrs>,
    ) -> bool {
        let path = Path {
            peer,
            path_id,
            attrs,
            stale: false,
        };
        let added = match prefix {
            Prefix::V4(n) => Self::upsert(
                &mut self.v4,
                &self.config,
                &self.peers,
                &mut self.changes,
                n,
                path,
            ),
            Prefix::V6(n) => Self::upsert(
                &mut self.v6,
                &self.config,
                &self.peers,
                &mut self.changes,
                n,
                path,
            ),
        };
        if added {
            self.adj_in_count[peer.index()] += 1;
        }
        added
    }

    /// Removes the path (`peer`, `path_id`) of `prefix`; true when it existed.
    pub fn remove_path(&mut self, peer: PeerId, prefix: Prefix, path_id: u32) -> bool {
        let removed = match prefix {
            Prefix::V4(n) => Self::remove(
                &mut self.v4,
                &self.config,
                &self.peers,
                &mut self.changes,
                n,
                peer,
                path_id,
            ),
            Prefix::V6(n) => Self::remove(
                &mut self.v6,
                &self.config,
                &self.peers,
                &mut self.changes,
                n,
                peer,
                path_id,
            ),
        };
        if removed {
            self.adj_in_count[peer.index()] -= 1;
        }
        removed
    }

    /// Originates `prefix` locally (weight 32768 as in FRR, so it wins over learnt paths).
    pub fn originate(&mut self, prefix: Prefix, mut attrs: PathAttrs) -> bool {
        attrs.weight = 32768;
        let a = self.intern(attrs);
        self.insert(PeerId::LOCAL, prefix, 0, a)
    }

    /// Applies a received UPDATE from `peer`: withdrawals, then announcements through the
    /// import `policy` and the RFC 9234 OTC ingress check. With `treat_as_withdraw` (RFC 7606)
    /// every announced prefix is withdrawn instead.
    pub fn apply_update(
        &mut self,
        peer: PeerId,
        update: &Update,
        treat_as_withdraw: bool,
        policy: &impl Policy,
    ) -> ApplyStats {
        let mut stats = ApplyStats::default();
        let routes = RouteChanges::from_update(update);
        for (p, id) in routes.withdrawn.iter().chain(
            treat_as_withdraw
                .then_some(routes.announced.iter().flat_map(|(_, v)| v.iter()))
                .into_iter()
                .flatten(),
        ) {
            if self.remove_path(peer, *p, *id) {
                stats.withdrawn += 1;
            }
        }
        if treat_as_withdraw {
            return stats;
        }
        let info = self.peers[peer.index()].clone();
        let local_as = self.config.local_as;
        for (attrs, prefixes) in routes.announced {
            let mut attrs = attrs;
            // RFC 4271 §9.1.2: a path with our own AS in AS_PATH is a loop (eBGP).
            let looped = !info.internal
                && !info.local
                && attrs
                    .as_path()
                    .is_some_and(|p| p.asns().any(|a| a == local_as));
            if looped {
                for (p, id) in &prefixes {
                    stats.rejected += 1;
                    if self.remove_path(peer, *p, *id) {
                        stats.withdrawn += 1;
                    }
                }
                continue;
            }
            // RFC 9234 §5 ingress OTC procedure for eBGP peers with a role.
            if let (Some(role), false) = (info.role, info.internal) {
                match otc_ingress(role, info.asn, attrs.otc()) {
                    Err(RouteLeak) => {
                        for (p, id) in &prefixes {
                            stats.rejected += 1;
                            if self.remove_path(peer, *p, *id) {
                                stats.withdrawn += 1;
                            }
                        }
                        continue;
                    }
                    Ok(Some(v)) if attrs.otc() != Some(v) => attrs.set(PathAttribute::Otc(v)),
                    Ok(_) => {}
                }
            }
            let shared = self.intern(attrs);
            for (p, id) in prefixes {
                let chosen = match policy.apply(&info, &p, &shared) {
                    Verdict::Accept => shared.clone(),
                    Verdict::Modify(a) => self.intern(*a),
                    Verdict::Reject => {
                        stats.rejected += 1;
                        if self.remove_path(peer, p, id) {
                            stats.withdrawn += 1;
                        }
                        continue;
                    }
                };
                self.insert(peer, p, id, chosen);
                stats.announced += 1;
            }
        }
        stats
    }

    /// Removes every path of `peer` (session down without Graceful Restart); returns how many.
    pub fn peer_down(&mut self, peer: PeerId) -> usize {
        self.retain_paths(peer, |_| false)
    }

    /// Marks the paths of `peer` in `families` stale (RFC 4724 §4.2); they lose against fresh
    /// paths and go at [`Rib::sweep_stale`].
    pub fn mark_stale(&mut self, peer: PeerId, families: &[AfiSafi]) -> usize {
        let mut n = 0;
        let v4 = families.contains(&AfiSafi::IPV4_UNICAST);
        let v6 = families.contains(&AfiSafi::IPV6_UNICAST);
        let cfg = self.config.decision;
        for (fam, on) in [(0, v4), (1, v6)] {
            if !on {
                continue;
            }
            let mut touch = |d: &mut Dest| {
                let before = selection_key(d);
                let mut hit = false;
                for p in d.paths.iter_mut().filter(|p| p.peer == peer) {
                    p.stale = true;
                    hit = true;
                    n += 1;
                }
                if hit {
                    reselect(&cfg, &self.peers, d, before);
                }
            };
            if fam == 0 {
                self.v4.values_mut().for_each(&mut touch);
            } else {
                self.v6.values_mut().for_each(&mut touch);
            }
        }
        n
    }

    /// Removes the stale paths of `peer` in `family` (End-of-RIB received or restart timer
    /// expired); returns how many.
    pub fn sweep_stale(&mut self, peer: PeerId, family: AfiSafi) -> usize {
        let want_v4 = family == AfiSafi::IPV4_UNICAST;
        let want_v6 = family == AfiSafi::IPV6_UNICAST;
        self.retain_filtered(peer, want_v4, want_v6, |p| !p.stale)
    }

    fn retain_paths(&mut self, peer: PeerId, keep: impl Fn(&Path) -> bool) -> usize {
        self.retain_filtered(peer, true, true, keep)
    }

    fn retain_filtered(
        &mut self,
        peer: PeerId,
        v4: bool,
        v6: bool,
        keep: impl Fn(&Path) -> bool,
    ) -> usize {
        fn go<K: Key>(
            map: &mut HashMap<K, Dest>,
            cfg: &RibConfig,
            peers: &[PeerInfo],
            changes: &mut Vec<Prefix>,
            peer: PeerId,
            keep: &impl Fn(&Path) -> bool,
        ) -> usize {
            let mut removed = 0;
            map.retain(|k, d| {
                let sel = selection_key(d);
                let before = d.paths.len();
                d.paths.retain(|p| p.peer != peer || keep(p));
                if d.paths.len() != before {
                    removed += before - d.paths.len();
                    if reselect(&cfg.decision, peers, d, sel) && cfg.track_changes {
                        changes.push((*k).into());
                    }
                }
                !d.paths.is_empty()
            });
            removed
        }
        let mut n = 0;
        if v4 {
            n += go(
                &mut self.v4,
                &self.config,
                &self.peers,
                &mut self.changes,
                peer,
                &keep,
            );
        }
        if v6 {
            n += go(
                &mut self.v6,
                &self.config,
                &self.peers,
                &mut self.changes,
                peer,
                &keep,
            );
        }
        self.adj_in_count[peer.index()] -= n;
        if n > 0 {
            self.interner.gc();
        }
        n
    }
}

/// The routes of one UPDATE, grouped by attribute set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteChanges {
    /// Withdrawn (prefix, path id).
    pub withdrawn: Vec<(Prefix, u32)>,
    /// Announced routes and their attributes (one group per next hop / family).
    pub announced: Vec<(PathAttrs, Vec<(Prefix, u32)>)>,
}

impl RouteChanges {
    /// Extracts IPv4/IPv6 unicast routes from `update` (other families are ignored).
    pub fn from_update(update: &Update) -> RouteChanges {
        let mut rc = RouteChanges::default();
        rc.withdrawn.extend(
            update
                .withdrawn
                .iter()
                .map(|p| (Prefix::V4(p.prefix), p.path_id.unwrap_or(0))),
        );
        let push_nlri = |nlri: &Nlri, out: &mut Vec<(Prefix, u32)>| match nlri {
            Nlri::Ipv4(v) => out.extend(
                v.iter()
                    .map(|p| (Prefix::V4(p.prefix), p.path_id.unwrap_or(0))),
            ),
            Nlri::Ipv6(v) => out.extend(
                v.iter()
                    .map(|p| (Prefix::V6(p.prefix), p.path_id.unwrap_or(0))),
            ),
            _ => {}
        };
        if let Some(mp) = update.mp_unreach()
            && mp.family.safi == crate::wire::family::Safi::UNICAST
        {
            push_nlri(&mp.withdrawn, &mut rc.withdrawn);
        }
        if !update.nlri.is_empty() {
            let nh = update
                .next_hop()
                .map_or(NextHop::Raw(Vec::new()), NextHop::Ipv4);
            let prefixes = update
                .nlri
                .iter()
                .map(|p| (Prefix::V4(p.prefix), p.path_id.unwrap_or(0)))
                .collect();
            rc.announced.push((
                PathAttrs::new(update.attributes.iter().cloned(), nh),
                prefixes,
            ));
        }
        if let Some(mp) = update.mp_reach()
            && mp.family.safi == crate::wire::family::Safi::UNICAST
        {
            let mut prefixes = Vec::new();
            push_nlri(&mp.nlri, &mut prefixes);
            if !prefixes.is_empty() {
                rc.announced.push((
                    PathAttrs::new(update.attributes.iter().cloned(), mp.next_hop.clone()),
                    prefixes,
                ));
            }
        }
        rc
    }
}
