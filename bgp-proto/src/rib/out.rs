//! Adj-RIB-Out (RFC 4271 §3.2, §9.2): per peer, what we advertise, and the UPDATEs that bring
//! the peer from what it has to what it should have.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::rib::{PathAttrs, PeerId, PeerInfo, Policy, Prefix, Rib, Verdict};
use crate::session::role::otc_egress;
use crate::wire::as_path::{AsPath, AsPathSegment, SegmentType};
use crate::wire::attribute::{NextHop, PathAttribute, code};
use crate::wire::capability::Role;
use crate::wire::context::SessionContext;
use crate::wire::error::EncodeError;
use crate::wire::family::{Afi, AfiSafi};
use crate::wire::nlri::{Ipv4Prefix, Ipv6Prefix, Nlri};
use crate::wire::update::Update;

/// The peer routes are exported to, and how (RFC 4271 §5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTarget {
    /// The peer in the [`Rib`] (routes it sent are not sent back).
    pub peer: PeerId,
    /// Its information (role, AS, iBGP/eBGP).
    pub info: PeerInfo,
    /// Local AS, prepended towards eBGP peers.
    pub local_as: u32,
    /// Our address towards the peer for IPv4 next hops (next-hop-self).
    pub next_hop_v4: Option<Ipv4Addr>,
    /// Our address towards the peer for IPv6 next hops, and for IPv4 routes when extended
    /// next hop (RFC 8950) is negotiated and no IPv4 address is set.
    pub next_hop_v6: Option<Ipv6Addr>,
    /// LOCAL_PREF sent to iBGP peers when the path has none.
    pub default_local_pref: u32,
}

/// The attributes sent to `target` for a path with `attrs` learnt from `from` (RFC 4271
/// §5.1.2–§5.1.5, RFC 9234 §5.1), or `None` when the route must not be sent.
pub fn export_attrs(
    attrs: &PathAttrs,
    from: &PeerInfo,
    target: &ExportTarget,
    v6_prefix: bool,
) -> Option<PathAttrs> {
    let to = &target.info;
    if !to.internal && to.role.is_some() {
        otc_egress(to.role.unwrap_or(Role::Peer), target.local_as, attrs.otc())?;
    }
    let mut out = PathAttrs {
        attributes: attrs
            .attributes
            .iter()
            .filter_map(PathAttribute::readvertised)
            .collect(),
        next_hop: attrs.next_hop.clone(),
        weight: 0,
    };
    if let (Some(role), false) = (to.role, to.internal)
        && let Some(Some(v)) = otc_egress(role, target.local_as, attrs.otc())
    {
        out.set(PathAttribute::Otc(v));
    }
    let self_v4 = target.next_hop_v4.map(NextHop::Ipv4);
    let self_v6 = target.next_hop_v6.map(NextHop::Ipv6);
    let self_nh = if v6_prefix {
        self_v6.clone()
    } else {
        self_v4.clone().or(self_v6.clone())
    };
    if to.internal {
        if out.as_path().is_none() {
            out.set(PathAttribute::AsPath(AsPath::default()));
        }
        if out.local_pref().is_none() {
            out.set(PathAttribute::LocalPref(target.default_local_pref));
        }
        if from.local || matches!(out.next_hop, NextHop::Raw(_)) {
            out.next_hop = self_nh?;
        }
    } else {
        out.remove(code::LOCAL_PREF);
        out.remove(code::ORIGINATOR_ID);
        out.remove(code::CLUSTER_LIST);
        if !from.local {
            // RFC 4271 §5.1.4: a MED learnt from another AS is not passed on.
            out.remove(code::MULTI_EXIT_DISC);
        }
        let mut path = out.as_path().cloned().unwrap_or_default();
        prepend(&mut path, target.local_as);
        out.set(PathAttribute::AsPath(path));
        out.next_hop = self_nh?;
    }
    if out.get(code::ORIGIN).is_none() {
        out.set(PathAttribute::Origin(crate::wire::attribute::Origin::Igp));
    }
    Some(out)
}

fn prepend(path: &mut AsPath, asn: u32) {
    match path.segments.first_mut() {
        Some(s) if s.segment_type == SegmentType::AsSequence && s.asns.len() < 255 => {
            s.asns.insert(0, asn)
        }
        _ => path.segments.insert(0, AsPathSegment::sequence([asn])),
    }
}

/// What one peer has been sent and what it should be sent next.
#[derive(Debug)]
pub struct AdjRibOut {
    target: ExportTarget,
    sent: HashMap<Prefix, Arc<PathAttrs>>,
    pending: HashMap<Prefix, Option<Arc<PathAttrs>>>,
    /// Exported form of a source attribute set (the source `Arc` is kept to pin its address).
    cache: HashMap<(usize, bool), CachedExport>,
}

/// A source attribute set and its exported form (`None`: not exported).
type CachedExport = (Arc<PathAttrs>, Option<Arc<PathAttrs>>);

/// Routes sharing one exported attribute set: IPv4 and IPv6 prefixes.
type Group = (Arc<PathAttrs>, Vec<Ipv4Prefix>, Vec<Ipv6Prefix>);

impl AdjRibOut {
    /// An empty Adj-RIB-Out towards `target`.
    pub fn new(target: ExportTarget) -> Self {
        AdjRibOut {
            target,
            sent: HashMap::new(),
            pending: HashMap::new(),
            cache: HashMap::new(),
        }
    }

    /// The export target.
    pub fn target(&self) -> &ExportTarget {
        &self.target
    }

    /// Replaces the target's information (after the session is re-established).
    pub fn set_target(&mut self, target: ExportTarget) {
        self.target = target;
        self.cache.clear();
    }

    /// Routes the peer has.
    pub fn len(&self) -> usize {
        self.sent.len()
    }

    /// True when the peer has no route from us.
    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
    }

    /// Changes not yet encoded.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// What the peer has for `prefix`.
    pub fn advertised(&self, prefix: &Prefix) -> Option<&Arc<PathAttrs>> {
        self.sent.get(prefix)
    }

    /// Forgets what was sent (the session went down); the next [`AdjRibOut::sync_all`]
    /// re-advertises everything.
    pub fn reset(&mut self) {
        self.sent.clear();
        self.pending.clear();
        self.cache.clear();
    }

    /// Recomputes the export of `prefixes` from the Loc-RIB through `policy`.
    pub fn sync(&mut self, rib: &Rib, prefixes: &[Prefix], policy: &impl Policy) {
        for p in prefixes {
            let want = self.export_one(rib, p, policy);
            self.stage(*p, want);
        }
    }

    /// Recomputes the export of the whole Loc-RIB (initial advertisement).
    pub fn sync_all(&mut self, rib: &Rib, policy: &impl Policy) {
        let prefixes: Vec<Prefix> = rib.loc_rib().map(|(p, _)| p).collect();
        self.sync(rib, &prefixes, policy);
        let gone: Vec<Prefix> = self
            .sent
            .keys()
            .filter(|p| rib.best(p).is_none())
            .copied()
            .collect();
        for p in gone {
            self.stage(p, None);
        }
    }

    fn stage(&mut self, prefix: Prefix, want: Option<Arc<PathAttrs>>) {
        let same = match (&want, self.sent.get(&prefix)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            (None, None) => true,
            _ => false,
        };
        if same {
            self.pending.remove(&prefix);
        } else {
            self.pending.insert(prefix, want);
        }
    }

    fn export_one(
        &mut self,
        rib: &Rib,
        prefix: &Prefix,
        policy: &impl Policy,
    ) -> Option<Arc<PathAttrs>> {
        let best = rib.best(prefix)?;
        if best.peer == self.target.peer {
            return None;
        }
        let from = rib.peer(best.peer);
        if from.internal && self.target.info.internal {
            // No route reflection: iBGP-learnt routes stay within the iBGP mesh.
            return None;
        }
        let v6 = matches!(prefix, Prefix::V6(_));
        let key = (Arc::as_ptr(&best.attrs) as usize, v6);
        let exported = match self.cache.get(&key) {
            Some((_, e)) => e.clone(),
            None => {
                let e = export_attrs(&best.attrs, from, &self.target, v6).map(Arc::new);
                self.cache.insert(key, (best.attrs.clone(), e.clone()));
                e
            }
        }?;
        match policy.apply(&self.target.info, prefix, &exported) {
            Verdict::Accept => Some(exported),
            Verdict::Modify(a) => Some(Arc::new(*a)),
            Verdict::Reject => None,
        }
    }

    /// Encodes every pending change as UPDATE messages for `ctx` (split to its maximum
    /// message size), appends them to `out` and marks them sent.
    pub fn encode(
        &mut self,
        ctx: &SessionContext,
        out: &mut Vec<u8>,
    ) -> Result<usize, EncodeError> {
        let mut withdraw_v4 = Vec::new();
        let mut withdraw_v6 = Vec::new();
        let mut groups: HashMap<usize, Group> = HashMap::new();
        let mut order = Vec::new();
        for (prefix, want) in self.pending.drain() {
            match want {
                None => {
                    if self.sent.remove(&prefix).is_some() {
                        match prefix {
                            Prefix::V4(n) => withdraw_v4.push(Ipv4Prefix::new(n)),
                            Prefix::V6(n) => withdraw_v6.push(Ipv6Prefix::new(n)),
                        }
                    }
                }
                Some(a) => {
                    let k = Arc::as_ptr(&a) as usize;
                    let g = groups.entry(k).or_insert_with(|| {
                        order.push(k);
                        (a.clone(), Vec::new(), Vec::new())
                    });
                    match prefix {
                        Prefix::V4(n) => g.1.push(Ipv4Prefix::new(n)),
                        Prefix::V6(n) => g.2.push(Ipv6Prefix::new(n)),
                    }
                    self.sent.insert(prefix, a);
                }
            }
        }
        let mut updates: Vec<Update> = Vec::new();
        if !withdraw_v4.is_empty() {
            updates.extend(Update::split_withdraw(ctx, &withdraw_v4)?);
        }
        if !withdraw_v6.is_empty() {
            updates.extend(Update::split_mp_withdraw(
                ctx,
                AfiSafi::IPV6_UNICAST,
                &Nlri::Ipv6(withdraw_v6),
            )?);
        }
        let mut messages = 0;
        for u in updates.drain(..) {
            u.encode(ctx, out);
            messages += 1;
        }
        for k in order {
            let (attrs, v4, v6) = groups.remove(&k).expect("group");
            if !v4.is_empty() {
                match &attrs.next_hop {
                    NextHop::Ipv4(nh) => {
                        let mut list = attrs.attributes.clone();
                        let at = list.partition_point(|a| a.type_code() < code::NEXT_HOP);
                        list.insert(at, PathAttribute::NextHop(*nh));
                        updates.extend(Update::split_announce(ctx, &list, &v4)?);
                    }
                    nh => updates.extend(Update::split_mp_announce(
                        ctx,
                        &attrs.attributes,
                        AfiSafi::new(Afi::IPV4, crate::wire::family::Safi::UNICAST),
                        nh.clone(),
                        &Nlri::Ipv4(v4),
                    )?),
                }
            }
            if !v6.is_empty() {
                updates.extend(Update::split_mp_announce(
                    ctx,
                    &attrs.attributes,
                    AfiSafi::IPV6_UNICAST,
                    attrs.next_hop.clone(),
                    &Nlri::Ipv6(v6),
                )?);
            }
            for u in updates.drain(..) {
                u.encode(ctx, out);
                messages += 1;
            }
        }
        Ok(messages)
    }
}
