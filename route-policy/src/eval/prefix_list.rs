//! Prefix lists compiled to a multibit trie with per-length answer profiles.
//!
//! The root is a table indexed by the first [`ROOT_BITS`] bits (8 for small lists); below it, nodes
//! consume [`STRIDE`] bits each. Each entry `P/len` with its length range `[lo, hi]` (FRR's ge/le
//! rules) belongs to the level that holds length `len` and is expanded over the slots its
//! remaining bits cover. A slot does not keep its entries: it keeps a *profile*, the answer of
//! those entries for every route length `L` (the lowest-seq entry whose range holds `L`), as one
//! `u32` per length: `rank << 1 | permit`, where `rank` orders entries by seq, and `u32::MAX` when
//! none holds `L`. Slots with the same entries share a profile.
//!
//! A lookup walks the route's own bits (one root slot, then at most
//! `(route_len - root_bits) / STRIDE + 1` nodes) and takes the minimum of the visited slots'
//! profile values at the route's length: the lowest-seq covering entry, which is the one FRR's
//! first-match scan in seq order finds. No per-slot candidate scan, no branch on candidates.

use std::collections::HashMap;

use ipnet::IpNet;

use crate::model::{Action, Afi, PrefixList, PrefixMatcher};

/// Bits consumed per trie level below the root.
const STRIDE: u32 = 4;
const FANOUT: usize = 1 << STRIDE;
/// Bits indexing the root table of large lists (one load replaces three levels while the root and
/// its profiles stay small enough to remain cached);
/// small lists use [`SMALL_ROOT_BITS`] to stay small.
const ROOT_BITS: u32 = 12;
const SMALL_ROOT_BITS: u32 = 8;
/// Lists with at least this many entries get the large root.
const LARGE_LIST: usize = 512;
/// Profile value when no entry holds the length.
const NO_MATCH: u32 = u32::MAX;

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Child node index (0: none; the root is never a child).
    child: u32,
    /// Profile index (0: the empty profile, all [`NO_MATCH`]).
    profile: u32,
}

/// An entry as the compiler places it: seq rank, length range, action.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Cand {
    rank: u32,
    lo: u8,
    hi: u8,
    permit: bool,
}

/// A prefix list ready for fast lookups.
#[derive(Clone)]
pub struct CompiledPrefixList {
    afi: Afi,
    empty: bool,
    root_bits: u32,
    root: Vec<Slot>,
    nodes: Vec<[Slot; FANOUT]>,
    /// Profiles, `max_len + 1` values each.
    profiles: Vec<u32>,
}

impl std::fmt::Debug for CompiledPrefixList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledPrefixList")
            .field("afi", &self.afi)
            .field("nodes", &(self.nodes.len() + 1))
            .field(
                "profiles",
                &(self.profiles.len() / (usize::from(self.afi.max_len()) + 1)),
            )
            .finish()
    }
}

/// Address bits left-aligned in a u128 (IPv4 in the top 32 bits).
#[inline]
fn bits(p: &IpNet) -> u128 {
    match p {
        IpNet::V4(n) => u128::from(u32::from(n.network())) << 96,
        IpNet::V6(n) => u128::from(n.network()),
    }
}

#[inline]
fn root_index(addr: u128, root_bits: u32) -> usize {
    (addr >> (128 - root_bits)) as usize
}

#[inline]
fn nibble(addr: u128, depth: u32) -> usize {
    if depth >= 128 {
        0
    } else {
        ((addr >> (128 - STRIDE - depth)) as usize) & (FANOUT - 1)
    }
}

type TmpSlot = (u32, Vec<Cand>);

impl CompiledPrefixList {
    /// Compile a prefix list.
    pub fn new(list: &PrefixList) -> Self {
        let root_bits = if list.entries.len() >= LARGE_LIST {
            ROOT_BITS
        } else {
            SMALL_ROOT_BITS
        };
        let max_len = list.afi.max_len();
        // Rank entries by seq; a stable sort keeps list order among equal seqs, as the oracle does.
        let mut order: Vec<usize> = (0..list.entries.len()).collect();
        order.sort_by_key(|&i| list.entries[i].seq);
        let mut root: Vec<TmpSlot> = vec![Default::default(); 1 << root_bits];
        // Index 0 is a placeholder so that child 0 means "none".
        let mut tmp: Vec<[TmpSlot; FANOUT]> = vec![Default::default()];
        for (rank, &i) in order.iter().enumerate() {
            let e = &list.entries[i];
            let (addr, plen) = match &e.matcher {
                PrefixMatcher::Any => (0u128, 0u32),
                PrefixMatcher::Prefix { prefix, .. } => {
                    if Afi::of(prefix) != list.afi {
                        continue;
                    }
                    (bits(prefix), u32::from(prefix.prefix_len()))
                }
            };
            // A route shorter than the entry's prefix is never covered by it.
            let (lo, hi) = e.matcher.len_range(list.afi);
            let lo = lo.max(plen as u8);
            let hi = hi.min(max_len);
            if lo > hi {
                continue;
            }
            let cand = Cand {
                rank: rank as u32,
                lo,
                hi,
                permit: e.action == Action::Permit,
            };
            if plen < root_bits {
                let span = 1usize << (root_bits - plen);
                let base = root_index(addr, root_bits) & !(span - 1);
                for slot in &mut root[base..base + span] {
                    slot.1.push(cand);
                }
                continue;
            }
            let target = root_bits + ((plen - root_bits) / STRIDE) * STRIDE;
            let ri = root_index(addr, root_bits);
            let mut node = if root[ri].0 == 0 {
                tmp.push(Default::default());
                root[ri].0 = (tmp.len() - 1) as u32;
                tmp.len() - 1
            } else {
                root[ri].0 as usize
            };
            let mut d = root_bits;
            while d < target {
                let nb = nibble(addr, d);
                let child = tmp[node][nb].0;
                node = if child == 0 {
                    tmp.push(Default::default());
                    let idx = tmp.len() - 1;
                    tmp[node][nb].0 = idx as u32;
                    idx
                } else {
                    child as usize
                };
                d += STRIDE;
            }
            let k = plen - target;
            let span = 1usize << (STRIDE - k);
            let base = nibble(addr, target) & !(span - 1);
            for slot in &mut tmp[node][base..base + span] {
                slot.1.push(cand);
            }
        }
        let width = usize::from(max_len) + 1;
        let mut profiles = vec![NO_MATCH; width];
        // Candidates are pushed in rank order, so equal sets are equal vectors.
        let mut seen: HashMap<Vec<Cand>, u32> = HashMap::new();
        let mut flatten = |(child, cs): TmpSlot| {
            if cs.is_empty() {
                return Slot { child, profile: 0 };
            }
            let next = (profiles.len() / width) as u32;
            let profile = *seen.entry(cs).or_insert_with_key(|cs| {
                let base = profiles.len();
                profiles.resize(base + width, NO_MATCH);
                // Lowest rank first: each length takes the first candidate holding it.
                for c in cs.iter().rev() {
                    let v = c.rank << 1 | u32::from(c.permit);
                    for p in &mut profiles[base + usize::from(c.lo)..=base + usize::from(c.hi)] {
                        *p = v;
                    }
                }
                next
            });
            Slot { child, profile }
        };
        let root: Vec<Slot> = root.into_iter().map(&mut flatten).collect();
        let nodes: Vec<[Slot; FANOUT]> = tmp
            .into_iter()
            .map(|n| {
                let mut out = [Slot::default(); FANOUT];
                for (o, ts) in out.iter_mut().zip(n) {
                    *o = flatten(ts);
                }
                out
            })
            .collect();
        CompiledPrefixList {
            afi: list.afi,
            empty: list.entries.is_empty(),
            root_bits,
            root,
            nodes,
            profiles,
        }
    }

    /// Family of the list.
    pub fn afi(&self) -> Afi {
        self.afi
    }

    /// FRR `prefix_list_apply`: the action of the first entry (by seq) matching `prefix`; deny when
    /// none matches; permit for a list without entries.
    #[inline]
    pub fn apply(&self, prefix: &IpNet) -> Action {
        if self.empty {
            return Action::Permit;
        }
        if Afi::of(prefix) != self.afi {
            return Action::Deny;
        }
        let addr = bits(prefix);
        let len = u32::from(prefix.prefix_len());
        let width = usize::from(self.afi.max_len()) + 1;
        let at = |slot: &Slot| self.profiles[slot.profile as usize * width + len as usize];
        let slot = &self.root[root_index(addr, self.root_bits)];
        let mut best = at(slot);
        let mut child = slot.child;
        let mut d = self.root_bits;
        // Nodes at depth d hold entries of length >= d: none can match a shorter route.
        while child != 0 && d <= len {
            let slot = &self.nodes[child as usize][nibble(addr, d)];
            best = best.min(at(slot));
            child = slot.child;
            d += STRIDE;
        }
        if best & 1 == 1 && best != NO_MATCH {
            Action::Permit
        } else {
            Action::Deny
        }
    }
}
