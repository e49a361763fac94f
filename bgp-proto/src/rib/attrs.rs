//! Path attributes as stored in the RIB: one shared (`Arc`) value per distinct attribute set,
//! so a full table of a million prefixes holds only as many attribute sets as the peer sent.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use crate::wire::as_path::AsPath;
use crate::wire::attribute::{NextHop, Origin, PathAttribute, code};

/// The attributes of a path, without the NLRI-carrying ones (NEXT_HOP and MP_REACH/UNREACH
/// are folded into [`PathAttrs::next_hop`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathAttrs {
    /// Attributes in type-code order.
    pub attributes: Vec<PathAttribute>,
    /// The next hop (IPv4 NEXT_HOP or the MP_REACH_NLRI next hop).
    pub next_hop: NextHop,
    /// Local weight (not a BGP attribute; set by import policy, FRR `set weight`).
    pub weight: u32,
}

macro_rules! find {
    ($self:ident, $variant:ident) => {
        $self.attributes.iter().find_map(|a| match a {
            PathAttribute::$variant(v) => Some(v),
            _ => None,
        })
    };
}

impl PathAttrs {
    /// Attributes from `attributes` (NEXT_HOP and MP attributes are dropped; use `next_hop`).
    pub fn new(attributes: impl IntoIterator<Item = PathAttribute>, next_hop: NextHop) -> Self {
        let mut attributes: Vec<PathAttribute> = attributes
            .into_iter()
            .filter(|a| {
                !matches!(
                    a.type_code(),
                    code::NEXT_HOP | code::MP_REACH_NLRI | code::MP_UNREACH_NLRI
                )
            })
            .collect();
        attributes.sort_by_key(|a| a.type_code());
        PathAttrs {
            attributes,
            next_hop,
            weight: 0,
        }
    }

    /// ORIGIN (INCOMPLETE when missing, the least preferred).
    pub fn origin(&self) -> Origin {
        find!(self, Origin).copied().unwrap_or(Origin::Incomplete)
    }

    /// AS_PATH.
    pub fn as_path(&self) -> Option<&AsPath> {
        find!(self, AsPath)
    }

    /// LOCAL_PREF.
    pub fn local_pref(&self) -> Option<u32> {
        find!(self, LocalPref).copied()
    }

    /// MULTI_EXIT_DISC.
    pub fn med(&self) -> Option<u32> {
        find!(self, MultiExitDisc).copied()
    }

    /// ORIGINATOR_ID (RFC 4456).
    pub fn originator_id(&self) -> Option<Ipv4Addr> {
        find!(self, OriginatorId).copied()
    }

    /// OTC (RFC 9234).
    pub fn otc(&self) -> Option<u32> {
        find!(self, Otc).copied()
    }

    /// The attribute with `type_code`.
    pub fn get(&self, type_code: u8) -> Option<&PathAttribute> {
        self.attributes.iter().find(|a| a.type_code() == type_code)
    }

    /// Replaces (or inserts) the attribute of the same type, keeping type-code order.
    pub fn set(&mut self, attr: PathAttribute) {
        let t = attr.type_code();
        match self.attributes.binary_search_by_key(&t, |a| a.type_code()) {
            Ok(i) => self.attributes[i] = attr,
            Err(i) => self.attributes.insert(i, attr),
        }
    }

    /// Removes the attribute with `type_code`.
    pub fn remove(&mut self, type_code: u8) {
        self.attributes.retain(|a| a.type_code() != type_code);
    }

    /// The next hop as an IP address (the global one for RFC 2545 pairs).
    pub fn next_hop_ip(&self) -> Option<IpAddr> {
        match &self.next_hop {
            NextHop::Ipv4(a) => Some(IpAddr::V4(*a)),
            NextHop::Ipv6(a) | NextHop::Ipv6LinkLocal(a, _) => Some(IpAddr::V6(*a)),
            NextHop::Raw(_) => None,
        }
    }
}

/// Interning table: equal attribute sets share one allocation.
#[derive(Debug, Default)]
pub struct AttrInterner {
    set: HashSet<Arc<PathAttrs>>,
    gc_at: usize,
}

impl AttrInterner {
    /// The shared copy of `attrs`.
    pub fn intern(&mut self, attrs: PathAttrs) -> Arc<PathAttrs> {
        if let Some(a) = self.set.get(&attrs) {
            return a.clone();
        }
        if self.set.len() >= self.gc_at.max(1024) {
            self.gc();
        }
        let a = Arc::new(attrs);
        self.set.insert(a.clone());
        a
    }

    /// Shares an already allocated value.
    pub fn intern_arc(&mut self, attrs: Arc<PathAttrs>) -> Arc<PathAttrs> {
        if let Some(a) = self.set.get(&attrs) {
            return a.clone();
        }
        self.set.insert(attrs.clone());
        attrs
    }

    /// Drops attribute sets no route uses any more.
    pub fn gc(&mut self) {
        self.set.retain(|a| Arc::strong_count(a) > 1);
        self.gc_at = self.set.len() * 2;
    }

    /// Distinct attribute sets held.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}
