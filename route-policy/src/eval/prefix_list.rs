//! Prefix lists compiled to a multibit trie.
//!
//! Each entry `P/len` with its length range `[lo, hi]` (FRR's ge/le rules) is stored in the trie
//! node at depth `len` rounded down to a multiple of [`STRIDE`], expanded over the slots its
//! remaining `len % STRIDE` bits cover. Each slot keeps its candidates sorted by `seq`. A lookup
//! walks the route's own bits, at most `route_len / STRIDE + 1` nodes, and keeps the lowest
//! sequence number whose range contains the route's length: the same entry FRR's first-match
//! scan in `seq` order finds.

use ipnet::IpNet;

use crate::model::{Action, Afi, PrefixList};

/// Bits consumed per trie level.
const STRIDE: u32 = 4;
const FANOUT: usize = 1 << STRIDE;

#[derive(Clone, Copy, Default)]
struct Slot {
    /// Child node index (0: none; the root is never a child).
    child: u32,
    /// Candidates `cands[start..start + len]`, sorted by seq.
    start: u32,
    len: u32,
}

#[derive(Clone, Copy)]
struct Cand {
    seq: u32,
    lo: u8,
    hi: u8,
    permit: bool,
}

/// A prefix list ready for fast lookups.
#[derive(Clone)]
pub struct CompiledPrefixList {
    afi: Afi,
    empty: bool,
    nodes: Vec<[Slot; FANOUT]>,
    cands: Vec<Cand>,
}

impl std::fmt::Debug for CompiledPrefixList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledPrefixList")
            .field("afi", &self.afi)
            .field("nodes", &self.nodes.len())
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
        let mut tmp: Vec<[(u32, Vec<Cand>); FANOUT]> = vec![Default::default()];
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
            let target = (plen / STRIDE) * STRIDE;
            let mut node = 0usize;
            let mut d = 0;
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
        let mut nodes = Vec::with_capacity(tmp.len());
        let mut cands = Vec::new();
        for n in tmp {
            let mut out = [Slot::default(); FANOUT];
            for (i, (child, mut cs)) in n.into_iter().enumerate() {
                cs.sort_by_key(|c| c.seq);
                out[i] = Slot {
                    child,
                    start: cands.len() as u32,
                    len: cs.len() as u32,
                };
                cands.extend(cs);
            }
            nodes.push(out);
        }
        CompiledPrefixList {
            afi: list.afi,
            empty: list.entries.is_empty(),
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
        let len = prefix.prefix_len();
        let mut best_seq = u32::MAX;
        let mut best = false;
        let mut found = false;
        let mut node = 0usize;
        let mut d = 0u32;
        loop {
            let slot = self.nodes[node][nibble(addr, d)];
            let cs = &self.cands[slot.start as usize..(slot.start + slot.len) as usize];
            for c in cs {
                if found && c.seq >= best_seq {
                    break;
                }
                if c.lo <= len && len <= c.hi {
                    best_seq = c.seq;
                    best = c.permit;
                    found = true;
                    break;
                }
            }
            if slot.child == 0 || d + STRIDE > u32::from(len) {
                break;
            }
            node = slot.child as usize;
            d += STRIDE;
        }
        if found && best {
            Action::Permit
        } else {
            Action::Deny
        }
    }
}
