//! What the two OPENs negotiated and the codec must know: AS number width, ADD-PATH per family
//! and direction, the maximum message size and extended next hops.
//!
//! The context is an explicit value passed to every decode and encode, never a global or a
//! guess (RFC 6793 §4, RFC 7911 §5, RFC 8654 §3, RFC 8950 §4).

use smallvec::SmallVec;

use crate::wire::capability::{Capability, ExtendedNextHop};
use crate::wire::family::AfiSafi;
use crate::wire::header::{MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN};
use crate::wire::open::Open;

/// Negotiated session parameters, from the local speaker's point of view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SessionContext {
    /// Both sides announced the 4-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet ASNs.
    pub four_octet_as: bool,
    /// Both sides announced extended messages: UPDATE, NOTIFICATION and ROUTE-REFRESH may be
    /// 65535 octets long.
    pub extended_message: bool,
    /// Families whose received NLRI carry ADD-PATH path identifiers.
    pub add_path_receive: SmallVec<[AfiSafi; 4]>,
    /// Families whose sent NLRI carry ADD-PATH path identifiers.
    pub add_path_send: SmallVec<[AfiSafi; 4]>,
    /// RFC 8950 tuples announced by both sides.
    pub extended_next_hop: SmallVec<[ExtendedNextHop; 2]>,
}

impl SessionContext {
    /// A 4-octet AS session without other options, the common case of modern speakers.
    pub fn four_octet() -> Self {
        SessionContext {
            four_octet_as: true,
            ..Default::default()
        }
    }

    /// What `local` (our OPEN) and `remote` (the peer's OPEN) negotiated.
    pub fn negotiate(local: &Open, remote: &Open) -> Self {
        let both = |code| local.has_capability(code) && remote.has_capability(code);
        let mut ctx = SessionContext {
            four_octet_as: both(crate::wire::capability::code::FOUR_OCTET_AS),
            extended_message: both(crate::wire::capability::code::EXTENDED_MESSAGE),
            ..Default::default()
        };
        for l in local.add_path() {
            for r in remote.add_path().filter(|r| r.family == l.family) {
                if l.mode.can_receive()
                    && r.mode.can_send()
                    && !ctx.add_path_receive.contains(&l.family)
                {
                    ctx.add_path_receive.push(l.family);
                }
                if l.mode.can_send()
                    && r.mode.can_receive()
                    && !ctx.add_path_send.contains(&l.family)
                {
                    ctx.add_path_send.push(l.family);
                }
            }
        }
        let enh = |o: &Open| -> Vec<ExtendedNextHop> {
            o.capabilities
                .iter()
                .flat_map(|c| match c {
                    Capability::ExtendedNextHop(v) => v.as_slice(),
                    _ => &[],
                })
                .copied()
                .collect()
        };
        let theirs = enh(remote);
        for e in enh(local) {
            if theirs.contains(&e) && !ctx.extended_next_hop.contains(&e) {
                ctx.extended_next_hop.push(e);
            }
        }
        ctx
    }

    /// The context the peer uses for the same session: send and receive swapped.
    pub fn mirrored(&self) -> Self {
        SessionContext {
            add_path_receive: self.add_path_send.clone(),
            add_path_send: self.add_path_receive.clone(),
            ..self.clone()
        }
    }

    /// Largest message allowed (4096, or 65535 with RFC 8654).
    pub fn max_message_len(&self) -> usize {
        if self.extended_message {
            MAX_EXTENDED_MESSAGE_LEN
        } else {
            MAX_MESSAGE_LEN
        }
    }

    /// Received NLRI of `family` carry path identifiers.
    #[inline]
    pub fn add_path_rx(&self, family: AfiSafi) -> bool {
        !self.add_path_receive.is_empty() && self.add_path_receive.contains(&family)
    }

    /// Sent NLRI of `family` carry path identifiers.
    #[inline]
    pub fn add_path_tx(&self, family: AfiSafi) -> bool {
        !self.add_path_send.is_empty() && self.add_path_send.contains(&family)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::capability::{AddPathFamily, AddPathMode};
    use crate::wire::family::{Afi, Safi};
    use std::net::Ipv4Addr;

    fn open(caps: Vec<Capability>) -> Open {
        Open::new(65001, 90, Ipv4Addr::new(1, 1, 1, 1), caps)
    }

    #[test]
    fn negotiation_intersects_capabilities() {
        let fam = AfiSafi::IPV4_UNICAST;
        let v6 = AfiSafi::IPV6_UNICAST;
        let enh = ExtendedNextHop {
            afi: Afi::IPV4,
            safi: 1,
            next_hop_afi: Afi::IPV6,
        };
        let local = open(vec![
            Capability::FourOctetAs(65001),
            Capability::ExtendedMessage,
            Capability::AddPath(vec![
                AddPathFamily {
                    family: fam,
                    mode: AddPathMode::Both,
                },
                AddPathFamily {
                    family: v6,
                    mode: AddPathMode::Receive,
                },
            ]),
            Capability::ExtendedNextHop(vec![enh]),
        ]);
        let remote = open(vec![
            Capability::FourOctetAs(65002),
            Capability::AddPath(vec![
                AddPathFamily {
                    family: fam,
                    mode: AddPathMode::Receive,
                },
                AddPathFamily {
                    family: v6,
                    mode: AddPathMode::Send,
                },
            ]),
            Capability::ExtendedNextHop(vec![enh]),
        ]);
        let ctx = SessionContext::negotiate(&local, &remote);
        assert!(ctx.four_octet_as);
        assert!(!ctx.extended_message, "only one side announced it");
        assert_eq!(ctx.max_message_len(), 4096);
        assert!(ctx.add_path_tx(fam) && !ctx.add_path_rx(fam));
        assert!(ctx.add_path_rx(v6) && !ctx.add_path_tx(v6));
        assert_eq!(ctx.extended_next_hop.as_slice(), &[enh]);
        let peer = SessionContext::negotiate(&remote, &local);
        assert_eq!(peer, ctx.mirrored());
        assert!(!ctx.add_path_rx(AfiSafi::new(Afi::IPV4, Safi::MULTICAST)));
    }
}
