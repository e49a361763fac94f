//! Path attributes (RFC 4271 §4.3, §5), one type per attribute; unknown ones keep their flags
//! and bytes. Decoding an attribute value yields either the typed attribute or an error whose
//! [`Action`] is the RFC 7606 reaction defined for that attribute.

pub mod mp;
pub mod other;

use std::fmt;
use std::net::Ipv4Addr;

use smallvec::SmallVec;

pub use mp::{MpReach, MpUnreach, NextHop};
pub use other::{Aggregator, Aigp, PmsiTunnel};

use crate::wire::as_path::AsPath;
use crate::wire::codec::Reader;
use crate::wire::community::{Community, ExtendedCommunity, Ipv6ExtendedCommunity, LargeCommunity};
use crate::wire::context::SessionContext;
use crate::wire::error::{Action, DecodeError, ErrorKind};

/// Attribute flag bits (RFC 4271 §4.3).
pub mod flags {
    /// Optional (else well-known).
    pub const OPTIONAL: u8 = 0x80;
    /// Transitive.
    pub const TRANSITIVE: u8 = 0x40;
    /// Partial: some speaker on the path did not recognise this optional transitive attribute.
    pub const PARTIAL: u8 = 0x20;
    /// Two-octet attribute length.
    pub const EXTENDED_LENGTH: u8 = 0x10;
}

/// Attribute type codes (IANA "BGP Path Attributes").
pub mod code {
    /// ORIGIN.
    pub const ORIGIN: u8 = 1;
    /// AS_PATH.
    pub const AS_PATH: u8 = 2;
    /// NEXT_HOP.
    pub const NEXT_HOP: u8 = 3;
    /// MULTI_EXIT_DISC.
    pub const MULTI_EXIT_DISC: u8 = 4;
    /// LOCAL_PREF.
    pub const LOCAL_PREF: u8 = 5;
    /// ATOMIC_AGGREGATE.
    pub const ATOMIC_AGGREGATE: u8 = 6;
    /// AGGREGATOR.
    pub const AGGREGATOR: u8 = 7;
    /// COMMUNITIES (RFC 1997).
    pub const COMMUNITIES: u8 = 8;
    /// ORIGINATOR_ID (RFC 4456).
    pub const ORIGINATOR_ID: u8 = 9;
    /// CLUSTER_LIST (RFC 4456).
    pub const CLUSTER_LIST: u8 = 10;
    /// MP_REACH_NLRI (RFC 4760).
    pub const MP_REACH_NLRI: u8 = 14;
    /// MP_UNREACH_NLRI (RFC 4760).
    pub const MP_UNREACH_NLRI: u8 = 15;
    /// EXTENDED COMMUNITIES (RFC 4360).
    pub const EXTENDED_COMMUNITIES: u8 = 16;
    /// AS4_PATH (RFC 6793).
    pub const AS4_PATH: u8 = 17;
    /// AS4_AGGREGATOR (RFC 6793).
    pub const AS4_AGGREGATOR: u8 = 18;
    /// PMSI_TUNNEL (RFC 6514).
    pub const PMSI_TUNNEL: u8 = 22;
    /// IPv6 Address Specific Extended Community (RFC 5701).
    pub const IPV6_EXTENDED_COMMUNITIES: u8 = 25;
    /// AIGP (RFC 7311).
    pub const AIGP: u8 = 26;
    /// LARGE_COMMUNITY (RFC 8092).
    pub const LARGE_COMMUNITIES: u8 = 32;
    /// Only to Customer (RFC 9234).
    pub const OTC: u8 = 35;
}

/// ORIGIN values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Origin {
    /// 0: IGP.
    Igp,
    /// 1: EGP.
    Egp,
    /// 2: INCOMPLETE.
    Incomplete,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Igp => "IGP",
            Origin::Egp => "EGP",
            Origin::Incomplete => "incomplete",
        })
    }
}

/// An attribute this crate does not model, kept with its flags (minus Extended Length, which
/// the encoder chooses).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnknownAttribute {
    /// Flags as received, without the Extended Length bit.
    pub flags: u8,
    /// Type code.
    pub type_code: u8,
    /// Value.
    pub value: Vec<u8>,
}

/// A path attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PathAttribute {
    /// ORIGIN (1).
    Origin(Origin),
    /// AS_PATH (2), in the session's AS width.
    AsPath(AsPath),
    /// NEXT_HOP (3).
    NextHop(Ipv4Addr),
    /// MULTI_EXIT_DISC (4).
    MultiExitDisc(u32),
    /// LOCAL_PREF (5).
    LocalPref(u32),
    /// ATOMIC_AGGREGATE (6).
    AtomicAggregate,
    /// AGGREGATOR (7), in the session's AS width.
    Aggregator(Aggregator),
    /// COMMUNITIES (8).
    Communities(SmallVec<[Community; 4]>),
    /// ORIGINATOR_ID (9).
    OriginatorId(Ipv4Addr),
    /// CLUSTER_LIST (10).
    ClusterList(Vec<Ipv4Addr>),
    /// MP_REACH_NLRI (14).
    MpReach(MpReach),
    /// MP_UNREACH_NLRI (15).
    MpUnreach(MpUnreach),
    /// EXTENDED COMMUNITIES (16).
    ExtendedCommunities(Vec<ExtendedCommunity>),
    /// AS4_PATH (17).
    As4Path(AsPath),
    /// AS4_AGGREGATOR (18).
    As4Aggregator(Aggregator),
    /// PMSI_TUNNEL (22).
    PmsiTunnel(PmsiTunnel),
    /// IPv6 Address Specific Extended Community (25).
    Ipv6ExtendedCommunities(Vec<Ipv6ExtendedCommunity>),
    /// AIGP (26).
    Aigp(Aigp),
    /// LARGE_COMMUNITY (32).
    LargeCommunities(Vec<LargeCommunity>),
    /// Only to Customer (35): the AS that set it.
    Otc(u32),
    /// Anything else.
    Unknown(UnknownAttribute),
}

/// Flags (optional/transitive bits) each known attribute must carry, and the RFC 7606 action for
/// a malformed instance.
fn spec(type_code: u8) -> Option<(u8, Reaction)> {
    use code::*;
    const WK: u8 = flags::TRANSITIVE;
    const ON: u8 = flags::OPTIONAL;
    const OT: u8 = flags::OPTIONAL | flags::TRANSITIVE;
    let taw = Reaction::TreatAsWithdraw;
    let discard = Reaction::AttributeDiscard;
    Some(match type_code {
        ORIGIN | AS_PATH | NEXT_HOP | LOCAL_PREF => (WK, taw),
        ATOMIC_AGGREGATE => (WK, discard),
        MULTI_EXIT_DISC | ORIGINATOR_ID | CLUSTER_LIST => (ON, taw),
        AGGREGATOR | AS4_AGGREGATOR | AS4_PATH => (OT, discard),
        COMMUNITIES
        | EXTENDED_COMMUNITIES
        | IPV6_EXTENDED_COMMUNITIES
        | LARGE_COMMUNITIES
        | OTC
        | PMSI_TUNNEL => (OT, taw),
        AIGP => (ON, discard),
        MP_REACH_NLRI | MP_UNREACH_NLRI => (ON, Reaction::OptionalAttributeError),
        _ => return None,
    })
}

/// [`Action`] without data, cheap to carry on the decoding fast path.
#[derive(Clone, Copy)]
enum Reaction {
    TreatAsWithdraw,
    AttributeDiscard,
    OptionalAttributeError,
}

/// Builds the located error of a malformed attribute (off the fast path).
#[cold]
#[inline(never)]
fn attr_error(
    kind: ErrorKind,
    at: usize,
    reaction: Reaction,
    attr_flags: u8,
    type_code: u8,
    value: &[u8],
) -> DecodeError {
    let action = match reaction {
        Reaction::TreatAsWithdraw => Action::TreatAsWithdraw,
        Reaction::AttributeDiscard => Action::AttributeDiscard,
        Reaction::OptionalAttributeError => Action::SessionReset {
            code: 3,
            subcode: 9,
            data: attr_data(attr_flags, type_code, value),
        },
    };
    DecodeError::new(kind, at, action).in_attribute(type_code)
}

/// The NOTIFICATION data for an attribute error: the attribute as received.
fn attr_data(flags: u8, type_code: u8, value: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(value.len() + 4);
    d.push(flags);
    d.push(type_code);
    if flags & flags::EXTENDED_LENGTH != 0 {
        d.extend_from_slice(&(value.len() as u16).to_be_bytes());
    } else {
        d.push(value.len() as u8);
    }
    d.extend_from_slice(value);
    d
}

impl PathAttribute {
    /// The type code.
    pub fn type_code(&self) -> u8 {
        use PathAttribute::*;
        match self {
            Origin(_) => code::ORIGIN,
            AsPath(_) => code::AS_PATH,
            NextHop(_) => code::NEXT_HOP,
            MultiExitDisc(_) => code::MULTI_EXIT_DISC,
            LocalPref(_) => code::LOCAL_PREF,
            AtomicAggregate => code::ATOMIC_AGGREGATE,
            Aggregator(_) => code::AGGREGATOR,
            Communities(_) => code::COMMUNITIES,
            OriginatorId(_) => code::ORIGINATOR_ID,
            ClusterList(_) => code::CLUSTER_LIST,
            MpReach(_) => code::MP_REACH_NLRI,
            MpUnreach(_) => code::MP_UNREACH_NLRI,
            ExtendedCommunities(_) => code::EXTENDED_COMMUNITIES,
            As4Path(_) => code::AS4_PATH,
            As4Aggregator(_) => code::AS4_AGGREGATOR,
            PmsiTunnel(_) => code::PMSI_TUNNEL,
            Ipv6ExtendedCommunities(_) => code::IPV6_EXTENDED_COMMUNITIES,
            Aigp(_) => code::AIGP,
            LargeCommunities(_) => code::LARGE_COMMUNITIES,
            Otc(_) => code::OTC,
            Unknown(u) => u.type_code,
        }
    }

    /// Flags written by the encoder (without Extended Length).
    pub fn flags(&self) -> u8 {
        match self {
            PathAttribute::Unknown(u) => u.flags & !flags::EXTENDED_LENGTH,
            a => spec(a.type_code()).map_or(flags::OPTIONAL | flags::TRANSITIVE, |s| s.0),
        }
    }

    /// Decodes one attribute value. `offset` is the message offset of the attribute's first
    /// octet (its flags). Malformations carry the attribute's RFC 7606 action; an unrecognised
    /// well-known attribute resets the session (RFC 4271 §6.3).
    pub fn decode(
        attr_flags: u8,
        type_code: u8,
        value: &[u8],
        offset: usize,
        ctx: &SessionContext,
    ) -> Result<PathAttribute, DecodeError> {
        let mut v = Vec::with_capacity(1);
        Self::decode_into(attr_flags, type_code, value, offset, ctx, &mut v)?;
        v.pop().ok_or_else(|| {
            DecodeError::new(
                ErrorKind::Invalid {
                    field: "attribute",
                    reason: "not decoded",
                },
                offset,
                Action::reset(3, 1),
            )
        })
    }

    /// Like [`decode`](Self::decode), appending to `out`: values are built in place, which
    /// keeps UPDATE decoding free of large moves.
    pub(crate) fn decode_into(
        attr_flags: u8,
        type_code: u8,
        value: &[u8],
        offset: usize,
        ctx: &SessionContext,
        out: &mut Vec<PathAttribute>,
    ) -> Result<(), DecodeError> {
        let hdr = if attr_flags & flags::EXTENDED_LENGTH != 0 {
            4
        } else {
            3
        };
        let Some((expected, action)) = spec(type_code) else {
            if attr_flags & flags::OPTIONAL == 0 {
                return Err(DecodeError::new(
                    ErrorKind::UnrecognizedWellKnown,
                    offset,
                    Action::SessionReset {
                        code: 3,
                        subcode: 2,
                        data: attr_data(attr_flags, type_code, value),
                    },
                )
                .in_attribute(type_code));
            }
            out.push(PathAttribute::Unknown(UnknownAttribute {
                flags: attr_flags & !flags::EXTENDED_LENGTH,
                type_code,
                value: value.to_vec(),
            }));
            return Ok(());
        };
        let located = move |kind: ErrorKind, at: usize| {
            attr_error(kind, at, action, attr_flags, type_code, value)
        };
        if attr_flags & (flags::OPTIONAL | flags::TRANSITIVE) != expected {
            return Err(located(
                ErrorKind::AttributeFlags { flags: attr_flags },
                offset,
            ));
        }
        let len_err = move || {
            located(
                ErrorKind::AttributeLength {
                    length: value.len() as u16,
                },
                offset,
            )
        };
        let fixed = move |n: usize| {
            if value.len() == n {
                Ok(())
            } else {
                Err(len_err())
            }
        };
        let multiple = move |n: usize| {
            if !value.is_empty() && value.len().is_multiple_of(n) {
                Ok(())
            } else {
                Err(len_err())
            }
        };
        let u32v = || u32::from_be_bytes([value[0], value[1], value[2], value[3]]);
        let ip = || Ipv4Addr::new(value[0], value[1], value[2], value[3]);
        let mut r = Reader::new(value, offset + hdr, (3, 9));
        // Reader errors get the attribute's own action.
        let relocate = move |e: DecodeError| {
            let at = e.offset;
            located(e.kind, at)
        };
        use PathAttribute as P;
        let a = match type_code {
            code::ORIGIN => {
                fixed(1)?;
                let o = match value[0] {
                    0 => Origin::Igp,
                    1 => Origin::Egp,
                    2 => Origin::Incomplete,
                    v => return Err(located(ErrorKind::InvalidOrigin { value: v }, offset + hdr)),
                };
                push_origin(out, o);
                return Ok(());
            }
            code::AS_PATH | code::AS4_PATH => {
                let four = type_code == code::AS4_PATH || ctx.four_octet_as;
                return push_as_path(out, type_code == code::AS4_PATH, &mut r, four)
                    .map_err(relocate);
            }
            code::NEXT_HOP => {
                fixed(4)?;
                let nh = ip();
                // RFC 7606 §7.3 / RFC 4271 §6.3: syntactically invalid addresses.
                if nh.is_unspecified() || nh.is_broadcast() || nh.is_multicast() {
                    return Err(located(ErrorKind::InvalidNextHop, offset + hdr));
                }
                push_next_hop(out, nh);
                return Ok(());
            }
            code::MULTI_EXIT_DISC => {
                fixed(4)?;
                push_med(out, u32v());
                return Ok(());
            }
            code::LOCAL_PREF => {
                fixed(4)?;
                push_local_pref(out, u32v());
                return Ok(());
            }
            code::ATOMIC_AGGREGATE => {
                fixed(0)?;
                P::AtomicAggregate
            }
            code::AGGREGATOR => {
                if ctx.four_octet_as {
                    fixed(8)?;
                    P::Aggregator(Aggregator {
                        asn: u32v(),
                        address: Ipv4Addr::new(value[4], value[5], value[6], value[7]),
                    })
                } else {
                    fixed(6)?;
                    P::Aggregator(Aggregator {
                        asn: u16::from_be_bytes([value[0], value[1]]) as u32,
                        address: Ipv4Addr::new(value[2], value[3], value[4], value[5]),
                    })
                }
            }
            code::AS4_AGGREGATOR => {
                fixed(8)?;
                P::As4Aggregator(Aggregator {
                    asn: u32v(),
                    address: Ipv4Addr::new(value[4], value[5], value[6], value[7]),
                })
            }
            code::COMMUNITIES => {
                multiple(4)?;
                push_communities(out, value);
                return Ok(());
            }
            code::ORIGINATOR_ID => {
                fixed(4)?;
                P::OriginatorId(ip())
            }
            code::CLUSTER_LIST => {
                multiple(4)?;
                P::ClusterList(
                    value
                        .chunks_exact(4)
                        .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                        .collect(),
                )
            }
            code::MP_REACH_NLRI => {
                let mut r = Reader::new(value, offset + hdr, (3, 9));
                P::MpReach(
                    MpReach::decode(&mut r, |f| ctx.add_path_rx(f))
                        .map_err(|e| mp_error(e, attr_flags, type_code, value))?,
                )
            }
            code::MP_UNREACH_NLRI => {
                let mut r = Reader::new(value, offset + hdr, (3, 9));
                P::MpUnreach(
                    MpUnreach::decode(&mut r, |f| ctx.add_path_rx(f))
                        .map_err(|e| mp_error(e, attr_flags, type_code, value))?,
                )
            }
            code::EXTENDED_COMMUNITIES => {
                multiple(8)?;
                P::ExtendedCommunities(
                    value
                        .chunks_exact(8)
                        .map(|c| {
                            ExtendedCommunity::from_bytes([
                                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                            ])
                        })
                        .collect(),
                )
            }
            code::PMSI_TUNNEL => P::PmsiTunnel(PmsiTunnel::decode(&mut r).map_err(relocate)?),
            code::IPV6_EXTENDED_COMMUNITIES => {
                multiple(20)?;
                P::Ipv6ExtendedCommunities(
                    value
                        .chunks_exact(20)
                        .map(|c| {
                            let mut b = [0u8; 20];
                            b.copy_from_slice(c);
                            Ipv6ExtendedCommunity::from_bytes(&b)
                        })
                        .collect(),
                )
            }
            code::AIGP => P::Aigp(Aigp::decode(&mut r).map_err(relocate)?),
            code::LARGE_COMMUNITIES => {
                multiple(12)?;
                P::LargeCommunities(
                    value
                        .chunks_exact(12)
                        .map(|c| {
                            let mut b = [0u8; 12];
                            b.copy_from_slice(c);
                            LargeCommunity::from_bytes(&b)
                        })
                        .collect(),
                )
            }
            code::OTC => {
                fixed(4)?;
                P::Otc(u32v())
            }
            _ => P::Unknown(UnknownAttribute {
                flags: attr_flags & !flags::EXTENDED_LENGTH,
                type_code,
                value: value.to_vec(),
            }),
        };
        out.push(a);
        Ok(())
    }

    /// Value length when encoded for `ctx`.
    pub fn value_len(&self, ctx: &SessionContext) -> usize {
        use PathAttribute as P;
        match self {
            P::Origin(_) => 1,
            P::AsPath(p) => p.encoded_len(ctx.four_octet_as),
            P::NextHop(_)
            | P::MultiExitDisc(_)
            | P::LocalPref(_)
            | P::OriginatorId(_)
            | P::Otc(_) => 4,
            P::AtomicAggregate => 0,
            P::Aggregator(_) => {
                if ctx.four_octet_as {
                    8
                } else {
                    6
                }
            }
            P::As4Aggregator(_) => 8,
            P::Communities(c) => 4 * c.len(),
            P::ClusterList(c) => 4 * c.len(),
            P::MpReach(m) => m.encoded_len(ctx.add_path_tx(m.family)),
            P::MpUnreach(m) => m.encoded_len(ctx.add_path_tx(m.family)),
            P::ExtendedCommunities(c) => 8 * c.len(),
            P::As4Path(p) => p.encoded_len(true),
            P::PmsiTunnel(p) => p.encoded_len(),
            P::Ipv6ExtendedCommunities(c) => 20 * c.len(),
            P::Aigp(a) => a.encoded_len(),
            P::LargeCommunities(c) => 12 * c.len(),
            P::Unknown(u) => u.value.len(),
        }
    }

    /// Whole attribute length (header included).
    pub fn encoded_len(&self, ctx: &SessionContext) -> usize {
        let v = self.value_len(ctx);
        v + if v > 255 { 4 } else { 3 }
    }

    /// Appends the attribute (flags, type, length, value); Extended Length is set when the
    /// value exceeds 255 octets.
    pub fn encode(&self, ctx: &SessionContext, out: &mut Vec<u8>) {
        use PathAttribute as P;
        let len = self.value_len(ctx).min(u16::MAX as usize);
        let ext = len > 255;
        out.push(self.flags() | if ext { flags::EXTENDED_LENGTH } else { 0 });
        out.push(self.type_code());
        if ext {
            out.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            out.push(len as u8);
        }
        match self {
            P::Origin(o) => out.push(*o as u8),
            P::AsPath(p) => p.encode(ctx.four_octet_as, out),
            P::NextHop(a) | P::OriginatorId(a) => out.extend_from_slice(&a.octets()),
            P::MultiExitDisc(v) | P::LocalPref(v) | P::Otc(v) => {
                out.extend_from_slice(&v.to_be_bytes())
            }
            P::AtomicAggregate => {}
            P::Aggregator(a) => {
                if ctx.four_octet_as {
                    out.extend_from_slice(&a.asn.to_be_bytes());
                } else {
                    let asn = u16::try_from(a.asn).unwrap_or(crate::wire::open::AS_TRANS);
                    out.extend_from_slice(&asn.to_be_bytes());
                }
                out.extend_from_slice(&a.address.octets());
            }
            P::As4Aggregator(a) => {
                out.extend_from_slice(&a.asn.to_be_bytes());
                out.extend_from_slice(&a.address.octets());
            }
            P::Communities(c) => c
                .iter()
                .for_each(|c| out.extend_from_slice(&c.0.to_be_bytes())),
            P::ClusterList(c) => c.iter().for_each(|a| out.extend_from_slice(&a.octets())),
            P::MpReach(m) => m.encode(ctx.add_path_tx(m.family), out),
            P::MpUnreach(m) => m.encode(ctx.add_path_tx(m.family), out),
            P::ExtendedCommunities(c) => {
                c.iter().for_each(|c| out.extend_from_slice(&c.to_bytes()))
            }
            P::As4Path(p) => p.encode(true, out),
            P::PmsiTunnel(p) => p.encode(out),
            P::Ipv6ExtendedCommunities(c) => {
                c.iter().for_each(|c| out.extend_from_slice(&c.to_bytes()))
            }
            P::Aigp(a) => a.encode(out),
            P::LargeCommunities(c) => c.iter().for_each(|c| out.extend_from_slice(&c.to_bytes())),
            P::Unknown(u) => out.extend_from_slice(&u.value[..len]),
        }
    }

    /// The attribute as it must be passed on to other peers (RFC 4271 §5, §9.1.2.2): unknown
    /// optional transitive attributes get the Partial bit; unknown optional non-transitive ones
    /// are dropped (`None`); known attributes pass unchanged.
    pub fn readvertised(&self) -> Option<PathAttribute> {
        match self {
            PathAttribute::Unknown(u) if u.flags & flags::TRANSITIVE != 0 => {
                Some(PathAttribute::Unknown(UnknownAttribute {
                    flags: u.flags | flags::PARTIAL,
                    ..u.clone()
                }))
            }
            PathAttribute::Unknown(_) => None,
            a => Some(a.clone()),
        }
    }
}

// Pushes of the common attributes. `Vec::push(value)` builds the 80-octet enum in a stack
// temporary (kept in memory for the unwind path of the growth call) and copies it with wide
// loads right after narrow stores: a store-forwarding stall per attribute. Growing first and
// pushing only when the capacity is known to suffice lets the variant be written straight
// into the vector.

/// Appends `f()`, written in place.
#[inline(always)]
fn push_in_place(out: &mut Vec<PathAttribute>, f: impl FnOnce() -> PathAttribute) {
    if out.len() == out.capacity() {
        out.reserve(1);
    }
    // Always true after `reserve`; the check removes the growth path from `push`.
    if out.len() < out.capacity() {
        out.push(f());
    }
}

#[inline]
fn push_origin(out: &mut Vec<PathAttribute>, o: Origin) {
    push_in_place(out, || PathAttribute::Origin(o));
}

#[inline]
fn push_next_hop(out: &mut Vec<PathAttribute>, a: Ipv4Addr) {
    push_in_place(out, || PathAttribute::NextHop(a));
}

#[inline]
fn push_med(out: &mut Vec<PathAttribute>, v: u32) {
    push_in_place(out, || PathAttribute::MultiExitDisc(v));
}

#[inline]
fn push_local_pref(out: &mut Vec<PathAttribute>, v: u32) {
    push_in_place(out, || PathAttribute::LocalPref(v));
}

/// Appends COMMUNITIES decoded from `value` (a multiple of 4 octets) in place.
#[inline]
fn push_communities(out: &mut Vec<PathAttribute>, value: &[u8]) {
    push_in_place(out, || PathAttribute::Communities(SmallVec::new()));
    if let Some(PathAttribute::Communities(v)) = out.last_mut() {
        v.extend(
            value
                .chunks_exact(4)
                .map(|c| Community(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))),
        );
    }
}

/// Appends AS_PATH (or AS4_PATH) decoded from `r` in place; nothing is left on error.
#[inline]
fn push_as_path(
    out: &mut Vec<PathAttribute>,
    as4: bool,
    r: &mut Reader<'_>,
    four_octet: bool,
) -> Result<(), DecodeError> {
    push_in_place(out, || {
        if as4 {
            PathAttribute::As4Path(AsPath::default())
        } else {
            PathAttribute::AsPath(AsPath::default())
        }
    });
    let res = match out.last_mut() {
        Some(PathAttribute::AsPath(p) | PathAttribute::As4Path(p)) => p.decode_into(r, four_octet),
        _ => Ok(()),
    };
    if res.is_err() {
        out.pop();
    }
    res
}

/// MP attribute errors found before the family was known reset the session with Optional
/// Attribute Error and the attribute as data (RFC 7606 §7.11); later ones disable the family.
fn mp_error(e: DecodeError, attr_flags: u8, type_code: u8, value: &[u8]) -> DecodeError {
    let e = e.in_attribute(type_code);
    match e.action {
        Action::SessionReset { code, subcode, .. } => DecodeError {
            action: Action::SessionReset {
                code,
                subcode,
                data: attr_data(attr_flags, type_code, value),
            },
            ..e
        },
        _ => e,
    }
}

impl fmt::Display for PathAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use PathAttribute as P;
        fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, v: &[T]) -> fmt::Result {
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{x}")?;
            }
            Ok(())
        }
        match self {
            P::Origin(o) => write!(f, "origin {o}"),
            P::AsPath(p) => write!(f, "as-path {p}"),
            P::NextHop(a) => write!(f, "next-hop {a}"),
            P::MultiExitDisc(v) => write!(f, "metric {v}"),
            P::LocalPref(v) => write!(f, "local-pref {v}"),
            P::AtomicAggregate => f.write_str("atomic-aggregate"),
            P::Aggregator(a) => write!(f, "aggregator {a}"),
            P::Communities(c) => {
                f.write_str("community ")?;
                list(f, c)
            }
            P::OriginatorId(a) => write!(f, "originator-id {a}"),
            P::ClusterList(c) => {
                f.write_str("cluster-list ")?;
                list(f, c)
            }
            P::MpReach(m) => write!(
                f,
                "mp-reach {} next-hop {} nlri {}",
                m.family, m.next_hop, m.nlri
            ),
            P::MpUnreach(m) => write!(f, "mp-unreach {} withdrawn {}", m.family, m.withdrawn),
            P::ExtendedCommunities(c) => {
                f.write_str("extcommunity ")?;
                list(f, c)
            }
            P::As4Path(p) => write!(f, "as4-path {p}"),
            P::As4Aggregator(a) => write!(f, "as4-aggregator {a}"),
            P::PmsiTunnel(p) => write!(f, "pmsi-tunnel type {} label {}", p.tunnel_type, p.label),
            P::Ipv6ExtendedCommunities(c) => {
                f.write_str("ipv6-extcommunity ")?;
                list(f, c)
            }
            P::Aigp(a) => write!(f, "aigp {}", a.metric),
            P::LargeCommunities(c) => {
                f.write_str("large-community ")?;
                list(f, c)
            }
            P::Otc(a) => write!(f, "otc {a}"),
            P::Unknown(u) => write!(
                f,
                "attribute {} flags {:#04x} ({} bytes)",
                u.type_code,
                u.flags,
                u.value.len()
            ),
        }
    }
}
