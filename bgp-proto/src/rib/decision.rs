//! The RFC 4271 §9.1.2 decision process, in FRR's order, and multipath equality.

use std::cmp::Ordering;
use std::net::IpAddr;

use crate::rib::{Path, PeerInfo};
use crate::wire::attribute::Origin;

/// Options of the decision process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecisionConfig {
    /// LOCAL_PREF assumed when absent (FRR `bgp default local-preference`).
    pub default_local_pref: u32,
    /// Compare MED between paths from different neighbor ASes (`bgp always-compare-med`).
    pub always_compare_med: bool,
    /// Most paths installed for one prefix (ECMP); 1 disables multipath.
    pub max_paths: usize,
}

impl Default for DecisionConfig {
    fn default() -> Self {
        DecisionConfig {
            default_local_pref: 100,
            always_compare_med: false,
            max_paths: 8,
        }
    }
}

fn origin_rank(o: Origin) -> u8 {
    match o {
        Origin::Igp => 0,
        Origin::Egp => 1,
        Origin::Incomplete => 2,
    }
}

fn addr_key(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u32::from(v) as u128,
        IpAddr::V6(v) => u128::from(v),
    }
}

/// Steps up to and including eBGP over iBGP: the part multipath paths must tie on.
pub(crate) fn compare_multipath(
    cfg: &DecisionConfig,
    peers: &[PeerInfo],
    a: &Path,
    b: &Path,
) -> Ordering {
    let (pa, pb) = (&peers[a.peer.index()], &peers[b.peer.index()]);
    let (x, y) = (&*a.attrs, &*b.attrs);
    // Stale paths (Graceful Restart) lose against fresh ones.
    b.stale
        .cmp(&a.stale)
        // 1. Highest weight.
        .then(y.weight.cmp(&x.weight))
        // 2. Highest LOCAL_PREF.
        .then_with(|| {
            let lp = |p: &crate::rib::PathAttrs| p.local_pref().unwrap_or(cfg.default_local_pref);
            lp(y).cmp(&lp(x))
        })
        // 3. Locally originated.
        .then(pb.local.cmp(&pa.local))
        // 4. Shortest AS_PATH.
        .then_with(|| {
            let len = |p: &crate::rib::PathAttrs| p.as_path().map_or(0, |a| a.path_len());
            len(x).cmp(&len(y))
        })
        // 5. Lowest ORIGIN.
        .then_with(|| origin_rank(x.origin()).cmp(&origin_rank(y.origin())))
        // 6. Lowest MED, between paths from the same neighbor AS unless always-compare.
        .then_with(|| {
            let neighbor = |p: &crate::rib::PathAttrs, peer: &PeerInfo| {
                p.as_path()
                    .and_then(|a| a.first_asn())
                    .unwrap_or(if peer.internal { 0 } else { peer.asn })
            };
            if cfg.always_compare_med || neighbor(x, pa) == neighbor(y, pb) {
                x.med().unwrap_or(0).cmp(&y.med().unwrap_or(0))
            } else {
                Ordering::Equal
            }
        })
        // 7. eBGP over iBGP.
        .then(pa.internal.cmp(&pb.internal))
}

/// The full order: `Less` means `a` is better.
pub(crate) fn compare(cfg: &DecisionConfig, peers: &[PeerInfo], a: &Path, b: &Path) -> Ordering {
    let (pa, pb) = (&peers[a.peer.index()], &peers[b.peer.index()]);
    compare_multipath(cfg, peers, a, b)
        // 9. Lowest router id (ORIGINATOR_ID when reflected).
        .then_with(|| {
            let id = |p: &Path, peer: &PeerInfo| {
                u32::from(p.attrs.originator_id().unwrap_or(peer.router_id))
            };
            id(a, pa).cmp(&id(b, pb))
        })
        // 10. Lowest peer address.
        .then_with(|| addr_key(pa.address).cmp(&addr_key(pb.address)))
        .then(a.path_id.cmp(&b.path_id))
}
