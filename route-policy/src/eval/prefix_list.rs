//! Prefix lists compiled to a multibit trie.
//!
//! The root is a table indexed by the first [`ROOT_BITS`] bits (8 for small lists); below it, nodes consume
//! [`STRIDE`] bits each. Each entry `P/len` with its length range `[lo, hi]` (FRR's ge/le rules)
//! is stored in the level that holds length `len`, expanded over the slots its remaining bits
//! cover. Each slot keeps its candidates sorted by `seq`. A lookup walks the route's own bits
//! (one root slot, then at most `(route_len - root_bits) / STRIDE + 1` nodes) and keeps the
//! lowest sequence number whose range contains the route's length: the same entry FRR's
//! first-match scan in `seq` order finds.

use ipnet::IpNet;

use crate::model::{Action, Afi, PrefixList};

/// Bits consumed per trie level below the root.
const STRIDE: u32 = 4;
const FANOUT: usize = 1 << STRIDE;
/// Bits indexing the root table of large lists (one load replaces the four densest levels);
/// small lists use [`SMALL_ROOT_BITS`] to stay small.
const ROOT_BITS: u32 = 16;
const SMALL_ROOT_BITS: u32 = 8;
/// Lists with at least this many entries get the large root.
const LARGE_LIST: usize = 512;

#[derive(Clone, Copy)]
struct Slot {
    /// Child node index (0: none; the root is never a child).
    child: u32,
    /// The lowest-seq candidate, inline to save a memory access ([`Cand::NONE`] if none).
    first: Cand,
    /// Further candidates `cands[start..start + len]`, sorted by seq.
    start: u32,
    len: u32,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            child: 0,
            first: Cand::NONE,
            start: 0,
            len: 0,
        }
    }
}

#[derive(Clone, Copy)]
struct Cand {
    seq: u32,
    lo: u8,
    hi: u8,
    permit: bool,
}

impl Cand {
    /// Matches no length (`lo > hi`).
    const NONE: Cand = Cand {
        seq: u32::MAX,
        lo: u8::MAX,
        hi: 0,
        permit: false,
    };
}

/// A prefix list ready for fast lookups.
#[derive(Clone)]
pub struct CompiledPrefixList {
    afi: Afi,
    empty: bool,
    root_bits: u32,
    root: Vec<Slot>,
    nodes: Vec<[Slot; FANOUT]>,
    cands: Vec<Cand>,
}

impl std::fmt::Debug for CompiledPrefixList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledPrefixList")
            .field("afi", &self.afi)
            .field("nodes", &(self.nodes.len() + 1))
            .field("candidates", &self.cands.len())
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

impl CompiledPrefixList {
    /// Compile a prefix list.
    pub fn new(list: &PrefixList) -> Self {
        type TmpSlot = (u32, Vec<Cand>);
        let root_bits = if list.entries.len() >= LARGE_LIST {
            ROOT_BITS
        } else {
            SMALL_ROOT_BITS
        };
        let mut root: Vec<TmpSlot> = vec![Default::default(); 1 << root_bits];
        // Index 0 is a placeholder so that child 0 means "none".
        let mut tmp: Vec<[TmpSlot; FANOUT]> = vec![Default::default()];
        for e in &list.entries {
            let (lo, hi) = e.matcher.len_range(list.afi);
            if lo > hi {
                continue;
            }
            let (addr, plen) = match &e.matcher {
                crate::model::PrefixMatcher::Any => (0u128, 0u32),
                crate::model::PrefixMatcher::Prefix { prefix, .. } => {
                    if Afi::of(prefix) != list.afi {
                        continue;
                    }
                    (bits(prefix), u32::from(prefix.prefix_len()))
                }
            };
            let cand = Cand {
                seq: e.seq,
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
        let mut cands = Vec::new();
        let mut flatten = |(child, mut cs): TmpSlot| {
            cs.sort_by_key(|c| c.seq);
            let first = cs.first().copied().unwrap_or(Cand::NONE);
            let rest = cs.get(1..).unwrap_or(&[]);
            let s = Slot {
                child,
                first,
                start: cands.len() as u32,
                len: rest.len() as u32,
            };
            cands.extend_from_slice(rest);
            s
        };
        let root: Vec<Slot> = root.into_iter().map(&mut flatten).collect();
        let nodes: Vec<[Slot; FANOUT]> = tmp
            .into_iter()
            .map(|n| {
                let mut out = [Slot::default(); FANOUT];
                for (i, ts) in n.into_iter().enumerate() {
                    out[i] = flatten(ts);
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
            cands,
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
        let mut best_seq = u32::MAX;
        let mut best = false;
        let mut found = false;
        let mut check = |slot: &Slot| {
            let c = slot.first;
            if found && c.seq >= best_seq {
                return; // every candidate of the slot comes later
            }
            if u32::from(c.lo) <= len && len <= u32::from(c.hi) {
                best_seq = c.seq;
                best = c.permit;
                found = true;
                return;
            }
            if slot.len == 0 {
                return;
            }
            for c in &self.cands[slot.start as usize..(slot.start + slot.len) as usize] {
                if found && c.seq >= best_seq {
                    break;
                }
                if u32::from(c.lo) <= len && len <= u32::from(c.hi) {
                    best_seq = c.seq;
                    best = c.permit;
                    found = true;
                    break;
                }
            }
        };
        let slot = &self.root[root_index(addr, self.root_bits)];
        check(slot);
        let mut child = slot.child;
        let mut d = self.root_bits;
        // Nodes at depth d hold entries of length >= d: none can match a shorter route.
        while child != 0 && d <= len {
            let slot = &self.nodes[child as usize][nibble(addr, d)];
            check(slot);
            child = slot.child;
            d += STRIDE;
        }
        if found && best {
            Action::Permit
        } else {
            Action::Deny
        }
    }
}
