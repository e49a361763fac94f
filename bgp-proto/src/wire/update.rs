//! UPDATE message (RFC 4271 §4.3) with RFC 7606 revised error handling.
//!
//! Two forms, as in smoltcp: [`UpdateView`] is a checked zero-copy view that iterates prefixes
//! and attributes straight from the bytes; [`Update`] is the owned, typed form that decodes every
//! attribute and encodes back. [`Update::decode_body`] returns the update together with the
//! non-fatal errors found (treat-as-withdraw, attribute discard, AFI/SAFI disable) so the session
//! can act on them; fatal ones come back as `Err` with the NOTIFICATION to send.

use std::fmt;
use std::net::Ipv4Addr;

use crate::wire::as_path::AsPath;
use crate::wire::attribute::{MpReach, MpUnreach, NextHop, Origin, PathAttribute, code, flags};
use crate::wire::codec::Reader;
use crate::wire::community::{Community, ExtendedCommunity, LargeCommunity};
use crate::wire::context::SessionContext;
use crate::wire::error::{Action, DecodeError, EncodeError, ErrorKind, MessageError};
use crate::wire::family::{Afi, AfiSafi, Safi};
use crate::wire::header::{self, HEADER_LEN, Header, MessageType};
use crate::wire::nlri::{Ipv4Prefix, Ipv4PrefixIter, Ipv6PrefixIter, Nlri, prefix};

/// An UPDATE message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Update {
    /// Withdrawn IPv4 unicast routes.
    pub withdrawn: Vec<Ipv4Prefix>,
    /// Path attributes in received order (malformed ones handled per RFC 7606 are left out).
    pub attributes: Vec<PathAttribute>,
    /// Announced IPv4 unicast routes.
    pub nlri: Vec<Ipv4Prefix>,
}

/// A 256-bit set of attribute type codes.
#[derive(Default, Clone, Copy)]
struct Seen([u64; 4]);

impl Seen {
    #[inline]
    fn insert(&mut self, t: u8) -> bool {
        let (w, b) = ((t >> 6) as usize, 1u64 << (t & 63));
        let fresh = self.0[w] & b == 0;
        self.0[w] |= b;
        fresh
    }
    #[inline]
    fn contains(&self, t: u8) -> bool {
        self.0[(t >> 6) as usize] & (1u64 << (t & 63)) != 0
    }
}

macro_rules! find {
    ($self:ident, $variant:ident) => {
        $self.attributes.iter().find_map(|a| match a {
            PathAttribute::$variant(v) => Some(v),
            _ => None,
        })
    };
}

impl Update {
    /// Decodes the body of an UPDATE (after the header); `base` is its offset in the message.
    ///
    /// `Ok((update, errors))`: `errors` lists malformations handled without a session reset;
    /// act on [`Action::strongest`]. `Err`: reset the session with the error's NOTIFICATION.
    pub fn decode_body(
        body: &[u8],
        base: usize,
        ctx: &SessionContext,
    ) -> Result<(Update, Vec<DecodeError>), DecodeError> {
        let mut u = Update::default();
        let mut errors = Vec::new();
        u.decode_body_into(body, base, ctx, &mut errors)?;
        Ok((u, errors))
    }

    /// [`decode_body`](Self::decode_body) into `self` (expected empty), filling the vectors in
    /// place so no decoded value is moved through return values on the hot path. On `Err`,
    /// `self` holds whatever was decoded before the fatal error.
    pub(crate) fn decode_body_into(
        &mut self,
        body: &[u8],
        base: usize,
        ctx: &SessionContext,
        errors: &mut Vec<DecodeError>,
    ) -> Result<(), DecodeError> {
        let mut r = Reader::new(body, base, (3, 1));
        let wlen = r.u16("withdrawn routes length")? as usize;
        let mut wr = r.sub(wlen, "withdrawn routes")?;
        let alen = r.u16("total path attribute length")? as usize;
        let ar = r.sub(alen, "path attributes")?;
        let nlri_off = r.offset();
        let nlri_bytes = r.rest();
        let add_path = ctx.add_path_rx(AfiSafi::IPV4_UNICAST);

        if wlen != 0 {
            self.withdrawn.reserve(wlen / 4);
            prefix::decode_ipv4(&mut wr, add_path, &mut self.withdrawn)?;
        }

        let mut seen = Seen::default();
        decode_attributes(ar, ctx, &mut seen, errors, &mut self.attributes)?;

        if !nlri_bytes.is_empty() {
            // At most one prefix per octet; /24s (4 octets each) are the common case.
            let n = nlri_bytes.len().div_ceil(4);
            if self.nlri.capacity() == 0 {
                self.nlri = Vec::with_capacity(n);
            } else {
                self.nlri.reserve(n);
            }
            let mut nr = Reader::new(nlri_bytes, nlri_off, (3, 10));
            prefix::decode_ipv4(&mut nr, add_path, &mut self.nlri)?;
        }

        // RFC 7606 §3(d): well-known mandatory attributes are only required with reachable NLRI.
        let announces = !self.nlri.is_empty()
            || (seen.contains(code::MP_REACH_NLRI)
                && self
                    .attributes
                    .iter()
                    .any(|a| matches!(a, PathAttribute::MpReach(m) if !m.nlri.is_empty())));
        if announces {
            let mut need: &[u8] = &[code::ORIGIN, code::AS_PATH, code::NEXT_HOP];
            if self.nlri.is_empty() {
                need = &need[..2];
            }
            for &t in need {
                if !seen.contains(t) {
                    errors.push(
                        DecodeError::new(
                            ErrorKind::MissingWellKnown { type_code: t },
                            base + 2 + wlen,
                            Action::TreatAsWithdraw,
                        )
                        .in_attribute(t),
                    );
                }
            }
        }
        Ok(())
    }

    /// Decodes a whole UPDATE message (header included).
    pub fn decode(
        msg: &[u8],
        ctx: &SessionContext,
    ) -> Result<(Update, Vec<DecodeError>), MessageError> {
        let h = Header::parse(msg, ctx.max_message_len())?;
        if h.message_type != MessageType::Update {
            return Err(DecodeError::new(
                ErrorKind::BadMessageType {
                    message_type: h.message_type as u8,
                },
                18,
                Action::reset(1, 3),
            )
            .into());
        }
        let len = h.length as usize;
        if msg.len() < len {
            return Err(MessageError::Incomplete { needed: len });
        }
        Ok(Update::decode_body(&msg[HEADER_LEN..len], HEADER_LEN, ctx)?)
    }

    /// Appends the whole message. Path ids are written for families with ADD-PATH send.
    pub fn encode(&self, ctx: &SessionContext, out: &mut Vec<u8>) {
        let add_path = ctx.add_path_tx(AfiSafi::IPV4_UNICAST);
        out.reserve(self.encoded_len(ctx));
        let start = header::begin(out, MessageType::Update);
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        self.withdrawn.iter().for_each(|p| p.encode(add_path, out));
        let wlen = out.len() - at - 2;
        crate::wire::codec::patch_u16(out, at, wlen.min(u16::MAX as usize) as u16);
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        self.attributes.iter().for_each(|a| a.encode(ctx, out));
        let alen = out.len() - at - 2;
        crate::wire::codec::patch_u16(out, at, alen.min(u16::MAX as usize) as u16);
        self.nlri.iter().for_each(|p| p.encode(add_path, out));
        header::finish(out, start);
    }

    /// Total message length when encoded for `ctx`.
    pub fn encoded_len(&self, ctx: &SessionContext) -> usize {
        let add_path = ctx.add_path_tx(AfiSafi::IPV4_UNICAST);
        let w: usize = self.withdrawn.iter().map(|p| p.encoded_len(add_path)).sum();
        let n: usize = self.nlri.iter().map(|p| p.encoded_len(add_path)).sum();
        let a: usize = self.attributes.iter().map(|a| a.encoded_len(ctx)).sum();
        HEADER_LEN + 4 + w + a + n
    }

    /// The message as a new vector; fails when it exceeds the negotiated maximum size.
    pub fn to_bytes(&self, ctx: &SessionContext) -> Result<Vec<u8>, EncodeError> {
        let len = self.encoded_len(ctx);
        if len > ctx.max_message_len() {
            return Err(EncodeError::TooLong {
                length: len,
                max: ctx.max_message_len(),
            });
        }
        let mut v = Vec::with_capacity(len);
        self.encode(ctx, &mut v);
        Ok(v)
    }

    /// The attribute with `type_code`.
    pub fn attribute(&self, type_code: u8) -> Option<&PathAttribute> {
        self.attributes.iter().find(|a| a.type_code() == type_code)
    }
    /// ORIGIN.
    pub fn origin(&self) -> Option<Origin> {
        find!(self, Origin).copied()
    }
    /// AS_PATH.
    pub fn as_path(&self) -> Option<&AsPath> {
        find!(self, AsPath)
    }
    /// AS4_PATH.
    pub fn as4_path(&self) -> Option<&AsPath> {
        find!(self, As4Path)
    }
    /// The true AS path: AS_PATH merged with AS4_PATH on 2-octet sessions (RFC 6793 §4.2.3).
    pub fn effective_as_path(&self, ctx: &SessionContext) -> Option<AsPath> {
        let p = self.as_path()?;
        match (ctx.four_octet_as, self.as4_path()) {
            (false, Some(p4)) => Some(AsPath::merge_as4(p, p4)),
            _ => Some(p.clone()),
        }
    }
    /// NEXT_HOP.
    pub fn next_hop(&self) -> Option<Ipv4Addr> {
        find!(self, NextHop).copied()
    }
    /// MULTI_EXIT_DISC.
    pub fn med(&self) -> Option<u32> {
        find!(self, MultiExitDisc).copied()
    }
    /// LOCAL_PREF.
    pub fn local_pref(&self) -> Option<u32> {
        find!(self, LocalPref).copied()
    }
    /// COMMUNITIES.
    pub fn communities(&self) -> &[Community] {
        find!(self, Communities).map_or(&[], |c| c.as_slice())
    }
    /// EXTENDED COMMUNITIES.
    pub fn extended_communities(&self) -> &[ExtendedCommunity] {
        find!(self, ExtendedCommunities).map_or(&[], |c| c.as_slice())
    }
    /// LARGE_COMMUNITY.
    pub fn large_communities(&self) -> &[LargeCommunity] {
        find!(self, LargeCommunities).map_or(&[], |c| c.as_slice())
    }
    /// MP_REACH_NLRI.
    pub fn mp_reach(&self) -> Option<&MpReach> {
        find!(self, MpReach)
    }
    /// MP_UNREACH_NLRI.
    pub fn mp_unreach(&self) -> Option<&MpUnreach> {
        find!(self, MpUnreach)
    }

    /// The family whose End-of-RIB marker this is (RFC 4724 §2): an empty UPDATE for IPv4
    /// unicast, or an UPDATE holding only an empty MP_UNREACH_NLRI.
    pub fn end_of_rib(&self) -> Option<AfiSafi> {
        if !self.withdrawn.is_empty() || !self.nlri.is_empty() {
            return None;
        }
        match self.attributes.as_slice() {
            [] => Some(AfiSafi::IPV4_UNICAST),
            [PathAttribute::MpUnreach(m)] if m.withdrawn.is_empty() => Some(m.family),
            _ => None,
        }
    }

    /// The End-of-RIB marker for `family`.
    pub fn end_of_rib_marker(family: AfiSafi) -> Update {
        if family == AfiSafi::IPV4_UNICAST {
            return Update::default();
        }
        Update {
            attributes: vec![PathAttribute::MpUnreach(MpUnreach {
                family,
                withdrawn: Nlri::empty_for(family),
            })],
            ..Default::default()
        }
    }

    /// Splits an IPv4 unicast announcement into UPDATEs that each fit the negotiated maximum
    /// size; every UPDATE carries `attributes`.
    pub fn split_announce(
        ctx: &SessionContext,
        attributes: &[PathAttribute],
        nlri: &[Ipv4Prefix],
    ) -> Result<Vec<Update>, EncodeError> {
        let add_path = ctx.add_path_tx(AfiSafi::IPV4_UNICAST);
        let attr_len: usize = attributes.iter().map(|a| a.encoded_len(ctx)).sum();
        let room = room(ctx, attr_len)?;
        Ok(chunk(nlri, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(|nlri| Update {
                withdrawn: Vec::new(),
                attributes: attributes.to_vec(),
                nlri,
            })
            .collect())
    }

    /// Splits IPv4 unicast withdrawals into UPDATEs that each fit.
    pub fn split_withdraw(
        ctx: &SessionContext,
        withdrawn: &[Ipv4Prefix],
    ) -> Result<Vec<Update>, EncodeError> {
        let add_path = ctx.add_path_tx(AfiSafi::IPV4_UNICAST);
        Ok(
            chunk(withdrawn, room(ctx, 0)?, |p| p.encoded_len(add_path))?
                .into_iter()
                .map(|withdrawn| Update {
                    withdrawn,
                    ..Default::default()
                })
                .collect(),
        )
    }

    /// Splits an announcement of any family into UPDATEs with one MP_REACH_NLRI each, plus
    /// `attributes`.
    pub fn split_mp_announce(
        ctx: &SessionContext,
        attributes: &[PathAttribute],
        family: AfiSafi,
        next_hop: NextHop,
        nlri: &Nlri,
    ) -> Result<Vec<Update>, EncodeError> {
        let attr_len: usize = attributes.iter().map(|a| a.encoded_len(ctx)).sum();
        let fixed = 4 + 5 + next_hop.encoded_len(family.safi);
        let room = room(ctx, attr_len + fixed)?;
        Ok(split_nlri(nlri, room, ctx.add_path_tx(family))?
            .into_iter()
            .map(|nlri| {
                let mut attrs = Vec::with_capacity(attributes.len() + 1);
                attrs.push(PathAttribute::MpReach(MpReach {
                    family,
                    next_hop: next_hop.clone(),
                    nlri,
                }));
                attrs.extend_from_slice(attributes);
                Update {
                    attributes: attrs,
                    ..Default::default()
                }
            })
            .collect())
    }

    /// Splits withdrawals of any family into UPDATEs with one MP_UNREACH_NLRI each.
    pub fn split_mp_withdraw(
        ctx: &SessionContext,
        family: AfiSafi,
        nlri: &Nlri,
    ) -> Result<Vec<Update>, EncodeError> {
        let room = room(ctx, 4 + 3)?;
        Ok(split_nlri(nlri, room, ctx.add_path_tx(family))?
            .into_iter()
            .map(|withdrawn| Update {
                attributes: vec![PathAttribute::MpUnreach(MpUnreach { family, withdrawn })],
                ..Default::default()
            })
            .collect())
    }

    /// Number of routes announced (IPv4 NLRI plus MP_REACH_NLRI).
    pub fn announced_len(&self) -> usize {
        self.nlri.len() + self.mp_reach().map_or(0, |m| m.nlri.len())
    }

    /// Number of routes withdrawn (withdrawn routes plus MP_UNREACH_NLRI).
    pub fn withdrawn_len(&self) -> usize {
        self.withdrawn.len() + self.mp_unreach().map_or(0, |m| m.withdrawn.len())
    }
}

/// Decodes every attribute of `ar` into `attributes`.
fn decode_attributes(
    mut ar: Reader<'_>,
    ctx: &SessionContext,
    seen: &mut Seen,
    errors: &mut Vec<DecodeError>,
    attributes: &mut Vec<PathAttribute>,
) -> Result<(), DecodeError> {
    if !ar.is_empty() && attributes.capacity() == 0 {
        // `with_capacity` allocates directly; `reserve` goes through the growth path.
        *attributes = Vec::with_capacity(8);
    }
    while !ar.is_empty() {
        let off = ar.offset();
        let rem = ar.remaining();
        // RFC 7606 §4: too few octets for a header, or a length overrunning the attributes:
        // treat-as-withdraw, and the total length still locates the NLRI.
        let overrun = |kind| DecodeError::new(kind, off, Action::TreatAsWithdraw);
        let fl = ar.peek_u8().unwrap_or(0);
        let hdr = if fl & flags::EXTENDED_LENGTH != 0 {
            4
        } else {
            3
        };
        if rem < hdr {
            errors.push(overrun(ErrorKind::Truncated {
                field: "attribute header",
                needed: hdr,
                available: rem,
            }));
            break;
        }
        let fl = ar.u8("attribute flags")?;
        let t = ar.u8("attribute type")?;
        let len = if hdr == 4 {
            ar.u16("attribute length")? as usize
        } else {
            ar.u8("attribute length")? as usize
        };
        if len > ar.remaining() {
            errors.push(overrun(ErrorKind::AttributeLength { length: len as u16 }).in_attribute(t));
            break;
        }
        let value = ar.take(len, "attribute value")?;
        if !seen.insert(t) {
            // RFC 7606 §3(g): repeated MP attributes reset the session; other repeats are
            // discarded.
            if t == code::MP_REACH_NLRI || t == code::MP_UNREACH_NLRI {
                return Err(DecodeError::new(
                    ErrorKind::DuplicateAttribute,
                    off,
                    Action::reset(3, 1),
                )
                .in_attribute(t));
            }
            errors.push(
                DecodeError::new(ErrorKind::DuplicateAttribute, off, Action::AttributeDiscard)
                    .in_attribute(t),
            );
            continue;
        }
        match PathAttribute::decode_into(fl, t, value, off, ctx, attributes) {
            Ok(()) => {}
            Err(e) if matches!(e.action, Action::SessionReset { .. }) => return Err(e),
            Err(e) => errors.push(e),
        }
    }
    Ok(())
}

/// Bytes left for NLRI once the header, both length fields and `fixed` attribute bytes are in.
fn room(ctx: &SessionContext, fixed: usize) -> Result<usize, EncodeError> {
    let max = ctx.max_message_len();
    let used = HEADER_LEN + 4 + fixed;
    if used >= max {
        return Err(EncodeError::TooLong { length: used, max });
    }
    Ok(max - used)
}

/// Greedy packing of `items` into groups of at most `room` encoded bytes.
fn chunk<T: Clone>(
    items: &[T],
    room: usize,
    size: impl Fn(&T) -> usize,
) -> Result<Vec<Vec<T>>, EncodeError> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut used = 0;
    for it in items {
        let s = size(it);
        if s > room {
            return Err(EncodeError::TooLong {
                length: s,
                max: room,
            });
        }
        if used + s > room {
            out.push(std::mem::take(&mut cur));
            used = 0;
        }
        cur.push(it.clone());
        used += s;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn split_nlri(nlri: &Nlri, room: usize, add_path: bool) -> Result<Vec<Nlri>, EncodeError> {
    Ok(match nlri {
        Nlri::Ipv4(v) => chunk(v, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(Nlri::Ipv4)
            .collect(),
        Nlri::Ipv6(v) => chunk(v, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(Nlri::Ipv6)
            .collect(),
        Nlri::Labeled(v) => chunk(v, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(Nlri::Labeled)
            .collect(),
        Nlri::Vpn(v) => chunk(v, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(Nlri::Vpn)
            .collect(),
        Nlri::Evpn(v) => chunk(v, room, |p| p.encoded_len(add_path))?
            .into_iter()
            .map(Nlri::Evpn)
            .collect(),
        Nlri::Raw(b) if b.len() <= room => vec![Nlri::Raw(b.clone())],
        Nlri::Raw(b) => {
            return Err(EncodeError::TooLong {
                length: b.len(),
                max: room,
            });
        }
    })
}

impl fmt::Display for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(fam) = self.end_of_rib() {
            return write!(f, "UPDATE End-of-RIB {fam}");
        }
        f.write_str("UPDATE")?;
        if !self.withdrawn.is_empty() {
            f.write_str(" withdrawn")?;
            for p in &self.withdrawn {
                write!(f, " {p}")?;
            }
        }
        for a in &self.attributes {
            write!(f, ", {a}")?;
        }
        if !self.nlri.is_empty() {
            f.write_str(", nlri")?;
            for p in &self.nlri {
                write!(f, " {p}")?;
            }
        }
        Ok(())
    }
}

/// One attribute as found in the message, undecoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawAttribute<'a> {
    /// Flags.
    pub flags: u8,
    /// Type code.
    pub type_code: u8,
    /// Value octets.
    pub value: &'a [u8],
    /// Message offset of the flags octet.
    pub offset: usize,
}

impl RawAttribute<'_> {
    /// Decodes the value into a typed attribute.
    pub fn decode(&self, ctx: &SessionContext) -> Result<PathAttribute, DecodeError> {
        PathAttribute::decode(self.flags, self.type_code, self.value, self.offset, ctx)
    }
}

/// Iterator over the attributes of a checked [`UpdateView`].
#[derive(Clone, Debug)]
pub struct RawAttributeIter<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Iterator for RawAttributeIter<'a> {
    type Item = RawAttribute<'a>;
    #[inline]
    fn next(&mut self) -> Option<RawAttribute<'a>> {
        let d = self.data;
        let p = self.pos;
        let fl = *d.get(p)?;
        let type_code = *d.get(p + 1)?;
        let (len, hdr) = if fl & flags::EXTENDED_LENGTH != 0 {
            (
                u16::from_be_bytes([*d.get(p + 2)?, *d.get(p + 3)?]) as usize,
                4,
            )
        } else {
            (*d.get(p + 2)? as usize, 3)
        };
        let value = d.get(p + hdr..p + hdr + len)?;
        self.pos = p + hdr + len;
        Some(RawAttribute {
            flags: fl,
            type_code,
            value,
            offset: self.base + p,
        })
    }
}

/// A checked zero-copy view of an UPDATE.
///
/// [`UpdateView::new`] checks the framing once: field lengths, every attribute header, the
/// syntax of the withdrawn and NLRI prefixes and of IP prefixes inside MP attributes. After that
/// iterators read without allocating. It is stricter than [`Update::decode_body`]: framing
/// problems that RFC 7606 lets a receiver survive are errors here.
#[derive(Clone, Copy, Debug)]
pub struct UpdateView<'a> {
    withdrawn: &'a [u8],
    attributes: &'a [u8],
    nlri: &'a [u8],
    attr_base: usize,
    add_path_v4: bool,
    add_path_mp_reach: bool,
    add_path_mp_unreach: bool,
}

/// Zero-copy MP_REACH_NLRI.
#[derive(Clone, Copy, Debug)]
pub struct MpReachView<'a> {
    /// The family.
    pub family: AfiSafi,
    /// Next hop octets as sent.
    pub next_hop: &'a [u8],
    /// NLRI octets.
    pub nlri: &'a [u8],
    add_path: bool,
}

/// Zero-copy MP_UNREACH_NLRI.
#[derive(Clone, Copy, Debug)]
pub struct MpUnreachView<'a> {
    /// The family.
    pub family: AfiSafi,
    /// Withdrawn NLRI octets.
    pub withdrawn: &'a [u8],
    add_path: bool,
}

fn is_ip_family(f: AfiSafi, afi: Afi) -> bool {
    f.afi == afi && (f.safi == Safi::UNICAST || f.safi == Safi::MULTICAST)
}

impl<'a> MpReachView<'a> {
    /// IPv4 prefixes (empty unless the family is IPv4 unicast/multicast).
    pub fn ipv4_prefixes(&self) -> Ipv4PrefixIter<'a> {
        Ipv4PrefixIter::new(
            if is_ip_family(self.family, Afi::IPV4) {
                self.nlri
            } else {
                &[]
            },
            self.add_path,
        )
    }
    /// IPv6 prefixes (empty unless the family is IPv6 unicast/multicast).
    pub fn ipv6_prefixes(&self) -> Ipv6PrefixIter<'a> {
        Ipv6PrefixIter::new(
            if is_ip_family(self.family, Afi::IPV6) {
                self.nlri
            } else {
                &[]
            },
            self.add_path,
        )
    }
    /// The typed next hop.
    pub fn next_hop(&self) -> NextHop {
        NextHop::from_bytes(self.family.safi, self.next_hop)
    }
}

impl<'a> MpUnreachView<'a> {
    /// IPv4 prefixes (empty unless the family is IPv4 unicast/multicast).
    pub fn ipv4_prefixes(&self) -> Ipv4PrefixIter<'a> {
        Ipv4PrefixIter::new(
            if is_ip_family(self.family, Afi::IPV4) {
                self.withdrawn
            } else {
                &[]
            },
            self.add_path,
        )
    }
    /// IPv6 prefixes (empty unless the family is IPv6 unicast/multicast).
    pub fn ipv6_prefixes(&self) -> Ipv6PrefixIter<'a> {
        Ipv6PrefixIter::new(
            if is_ip_family(self.family, Afi::IPV6) {
                self.withdrawn
            } else {
                &[]
            },
            self.add_path,
        )
    }
}

fn mp_split(value: &[u8], reach: bool) -> Option<(AfiSafi, &[u8], &[u8])> {
    let afi = Afi(u16::from_be_bytes([*value.first()?, *value.get(1)?]));
    let safi = Safi(*value.get(2)?);
    let fam = AfiSafi::new(afi, safi);
    if !reach {
        return Some((fam, &[], &value[3..]));
    }
    let nhl = *value.get(3)? as usize;
    let nh = value.get(4..4 + nhl)?;
    let nlri = value.get(5 + nhl..)?;
    Some((fam, nh, nlri))
}

impl<'a> UpdateView<'a> {
    /// Checks a whole UPDATE message (header included).
    pub fn new(msg: &'a [u8], ctx: &SessionContext) -> Result<Self, MessageError> {
        let h = Header::parse(msg, ctx.max_message_len())?;
        if h.message_type != MessageType::Update {
            return Err(DecodeError::new(
                ErrorKind::BadMessageType {
                    message_type: h.message_type as u8,
                },
                18,
                Action::reset(1, 3),
            )
            .into());
        }
        let len = h.length as usize;
        if msg.len() < len {
            return Err(MessageError::Incomplete { needed: len });
        }
        Ok(Self::from_body(&msg[HEADER_LEN..len], HEADER_LEN, ctx)?)
    }

    /// Checks an UPDATE body whose first octet is at message offset `base`.
    pub fn from_body(
        body: &'a [u8],
        base: usize,
        ctx: &SessionContext,
    ) -> Result<Self, DecodeError> {
        let mut r = Reader::new(body, base, (3, 1));
        let wlen = r.u16("withdrawn routes length")? as usize;
        let w_off = r.offset();
        let withdrawn = r.take(wlen, "withdrawn routes")?;
        let alen = r.u16("total path attribute length")? as usize;
        let attr_base = r.offset();
        let attributes = r.take(alen, "path attributes")?;
        let n_off = r.offset();
        let nlri = r.rest();
        let add_path_v4 = ctx.add_path_rx(AfiSafi::IPV4_UNICAST);
        prefix::validate(withdrawn, add_path_v4, 32, w_off, (3, 10))?;
        prefix::validate(nlri, add_path_v4, 32, n_off, (3, 10))?;
        let mut view = UpdateView {
            withdrawn,
            attributes,
            nlri,
            attr_base,
            add_path_v4,
            add_path_mp_reach: false,
            add_path_mp_unreach: false,
        };
        // Every attribute header must frame exactly the attribute bytes.
        let mut it = view.attributes();
        let mut consumed = 0;
        for a in &mut it {
            consumed = a.offset - attr_base
                + a.value.len()
                + if a.flags & flags::EXTENDED_LENGTH != 0 {
                    4
                } else {
                    3
                };
            if a.type_code == code::MP_REACH_NLRI || a.type_code == code::MP_UNREACH_NLRI {
                let reach = a.type_code == code::MP_REACH_NLRI;
                let bad = || {
                    DecodeError::new(
                        ErrorKind::Invalid {
                            field: "MP attribute",
                            reason: "malformed",
                        },
                        a.offset,
                        Action::reset(3, 9),
                    )
                    .in_attribute(a.type_code)
                };
                let (fam, _, n) = mp_split(a.value, reach).ok_or_else(bad)?;
                let ap = ctx.add_path_rx(fam);
                if reach {
                    view.add_path_mp_reach = ap;
                } else {
                    view.add_path_mp_unreach = ap;
                }
                if is_ip_family(fam, Afi::IPV4) {
                    prefix::validate(n, ap, 32, a.offset, (3, 9))?;
                } else if is_ip_family(fam, Afi::IPV6) {
                    prefix::validate(n, ap, 128, a.offset, (3, 9))?;
                }
            }
        }
        if consumed != attributes.len() {
            return Err(DecodeError::new(
                ErrorKind::Invalid {
                    field: "path attributes",
                    reason: "attribute overruns the attribute field",
                },
                attr_base + consumed,
                Action::reset(3, 1),
            ));
        }
        Ok(view)
    }

    /// Withdrawn IPv4 prefixes.
    #[inline]
    pub fn withdrawn(&self) -> Ipv4PrefixIter<'a> {
        Ipv4PrefixIter::new(self.withdrawn, self.add_path_v4)
    }

    /// Announced IPv4 prefixes.
    #[inline]
    pub fn nlri(&self) -> Ipv4PrefixIter<'a> {
        Ipv4PrefixIter::new(self.nlri, self.add_path_v4)
    }

    /// Raw path attributes.
    #[inline]
    pub fn attributes(&self) -> RawAttributeIter<'a> {
        RawAttributeIter {
            data: self.attributes,
            pos: 0,
            base: self.attr_base,
        }
    }

    /// The first attribute with `type_code`.
    pub fn attribute(&self, type_code: u8) -> Option<RawAttribute<'a>> {
        self.attributes().find(|a| a.type_code == type_code)
    }

    /// MP_REACH_NLRI.
    pub fn mp_reach(&self) -> Option<MpReachView<'a>> {
        let a = self.attribute(code::MP_REACH_NLRI)?;
        let (family, next_hop, nlri) = mp_split(a.value, true)?;
        Some(MpReachView {
            family,
            next_hop,
            nlri,
            add_path: self.add_path_mp_reach,
        })
    }

    /// MP_UNREACH_NLRI.
    pub fn mp_unreach(&self) -> Option<MpUnreachView<'a>> {
        let a = self.attribute(code::MP_UNREACH_NLRI)?;
        let (family, _, withdrawn) = mp_split(a.value, false)?;
        Some(MpUnreachView {
            family,
            withdrawn,
            add_path: self.add_path_mp_unreach,
        })
    }

    /// The family whose End-of-RIB marker this is.
    pub fn end_of_rib(&self) -> Option<AfiSafi> {
        if !self.withdrawn.is_empty() || !self.nlri.is_empty() {
            return None;
        }
        if self.attributes.is_empty() {
            return Some(AfiSafi::IPV4_UNICAST);
        }
        let mut it = self.attributes();
        let a = it.next()?;
        if it.next().is_some() || a.type_code != code::MP_UNREACH_NLRI || a.value.len() != 3 {
            return None;
        }
        mp_split(a.value, false).map(|(f, _, _)| f)
    }

    /// Decodes into the owned form (same as [`Update::decode_body`] on the same bytes).
    pub fn to_owned_update(&self, ctx: &SessionContext) -> (Update, Vec<DecodeError>) {
        let mut errors = Vec::new();
        let mut seen = Seen::default();
        let r = Reader::new(self.attributes, self.attr_base, (3, 1));
        let mut attributes = Vec::new();
        if let Err(e) = decode_attributes(r, ctx, &mut seen, &mut errors, &mut attributes) {
            errors.push(e);
            attributes = Vec::new();
        }
        (
            Update {
                withdrawn: self.withdrawn().collect(),
                attributes,
                nlri: self.nlri().collect(),
            },
            errors,
        )
    }
}
