//! [`RouteAttrs`] for bgp-proto's RIB attributes (feature `bgp-proto`), so a speaker built on
//! bgp-proto applies the same route maps as FRR.

use std::borrow::Cow;
use std::net::IpAddr;

use bgp_proto::rib::PathAttrs;
use bgp_proto::wire::as_path::{AsPath as WireAsPath, AsPathSegment, SegmentType};
use bgp_proto::wire::attribute::{NextHop, Origin as WireOrigin, PathAttribute};
use bgp_proto::wire::community::{
    Community as WireCommunity, ExtendedCommunity, LargeCommunity as WireLarge,
};
use ipnet::IpNet;

use crate::model::{Community, ExtCommunity, LargeCommunity, Origin};
use crate::route::{AsPath, AsSegment, RouteAttrs, SegmentKind};

/// A prefix with its bgp-proto attributes and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpRoute {
    /// NLRI prefix.
    pub prefix: IpNet,
    /// Attributes (changed in place by set clauses).
    pub attrs: PathAttrs,
    /// Peer address (`None`: locally originated).
    pub peer: Option<IpAddr>,
    /// Peer AS.
    pub peer_asn: Option<u32>,
}

fn to_kind(t: SegmentType) -> SegmentKind {
    match t {
        SegmentType::AsSequence => SegmentKind::Sequence,
        SegmentType::AsSet => SegmentKind::Set,
        SegmentType::AsConfedSequence => SegmentKind::ConfedSequence,
        SegmentType::AsConfedSet => SegmentKind::ConfedSet,
    }
}

fn from_kind(k: SegmentKind) -> SegmentType {
    match k {
        SegmentKind::Sequence => SegmentType::AsSequence,
        SegmentKind::Set => SegmentType::AsSet,
        SegmentKind::ConfedSequence => SegmentType::AsConfedSequence,
        SegmentKind::ConfedSet => SegmentType::AsConfedSet,
    }
}

impl RouteAttrs for BgpRoute {
    fn prefix(&self) -> IpNet {
        self.prefix
    }

    fn next_hop(&self) -> Option<IpAddr> {
        self.attrs.next_hop_ip()
    }

    fn set_next_hop(&mut self, nh: IpAddr) {
        self.attrs.next_hop = match (nh, &self.attrs.next_hop) {
            (IpAddr::V4(a), _) => NextHop::Ipv4(a),
            (IpAddr::V6(a), NextHop::Ipv6LinkLocal(_, ll)) => {
                NextHop::Ipv6LinkLocal(a, std::net::Ipv6Addr::from(ll.octets()))
            }
            (IpAddr::V6(a), _) => NextHop::Ipv6(a),
        };
    }

    fn as_path(&self) -> Cow<'_, AsPath> {
        let segments = self
            .attrs
            .as_path()
            .map(|p| {
                p.segments
                    .iter()
                    .map(|s| AsSegment {
                        kind: to_kind(s.segment_type),
                        asns: s.asns.to_vec(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Cow::Owned(AsPath { segments })
    }

    fn set_as_path(&mut self, path: AsPath) {
        let wire = WireAsPath {
            segments: path
                .segments
                .iter()
                .map(|s| AsPathSegment {
                    segment_type: from_kind(s.kind),
                    asns: s.asns.iter().copied().collect(),
                })
                .collect(),
        };
        self.attrs.set(PathAttribute::AsPath(wire));
    }

    fn communities(&self) -> Cow<'_, [Community]> {
        let v = self.attrs.attributes.iter().find_map(|a| match a {
            PathAttribute::Communities(c) => Some(c.iter().map(|c| Community(c.0)).collect()),
            _ => None,
        });
        Cow::Owned(v.unwrap_or_default())
    }

    fn set_communities(&mut self, values: Vec<Community>) {
        if values.is_empty() {
            self.attrs
                .attributes
                .retain(|a| !matches!(a, PathAttribute::Communities(_)));
        } else {
            self.attrs.set(PathAttribute::Communities(
                values.iter().map(|c| WireCommunity(c.0)).collect(),
            ));
        }
    }

    fn large_communities(&self) -> Cow<'_, [LargeCommunity]> {
        let v = self.attrs.attributes.iter().find_map(|a| match a {
            PathAttribute::LargeCommunities(c) => Some(
                c.iter()
                    .map(|c| LargeCommunity::new(c.global_admin, c.local_data1, c.local_data2))
                    .collect(),
            ),
            _ => None,
        });
        Cow::Owned(v.unwrap_or_default())
    }

    fn set_large_communities(&mut self, values: Vec<LargeCommunity>) {
        if values.is_empty() {
            self.attrs
                .attributes
                .retain(|a| !matches!(a, PathAttribute::LargeCommunities(_)));
        } else {
            self.attrs.set(PathAttribute::LargeCommunities(
                values
                    .iter()
                    .map(|c| WireLarge {
                        global_admin: c.global,
                        local_data1: c.local1,
                        local_data2: c.local2,
                    })
                    .collect(),
            ));
        }
    }

    fn ext_communities(&self) -> Cow<'_, [ExtCommunity]> {
        let v = self.attrs.attributes.iter().find_map(|a| match a {
            PathAttribute::ExtendedCommunities(c) => Some(
                c.iter()
                    .map(|e: &ExtendedCommunity| ExtCommunity(e.to_bytes()))
                    .collect(),
            ),
            _ => None,
        });
        Cow::Owned(v.unwrap_or_default())
    }

    fn local_pref(&self) -> Option<u32> {
        self.attrs.local_pref()
    }

    fn set_local_pref(&mut self, v: u32) {
        self.attrs.set(PathAttribute::LocalPref(v));
    }

    fn med(&self) -> Option<u32> {
        self.attrs.med()
    }

    fn set_med(&mut self, v: u32) {
        self.attrs.set(PathAttribute::MultiExitDisc(v));
    }

    fn origin(&self) -> Origin {
        match self.attrs.origin() {
            WireOrigin::Igp => Origin::Igp,
            WireOrigin::Egp => Origin::Egp,
            WireOrigin::Incomplete => Origin::Incomplete,
        }
    }

    fn set_origin(&mut self, o: Origin) {
        self.attrs.set(PathAttribute::Origin(match o {
            Origin::Igp => WireOrigin::Igp,
            Origin::Egp => WireOrigin::Egp,
            Origin::Incomplete => WireOrigin::Incomplete,
        }));
    }

    fn weight(&self) -> u32 {
        self.attrs.weight
    }

    fn set_weight(&mut self, w: u32) {
        self.attrs.weight = w;
    }

    fn peer_address(&self) -> Option<IpAddr> {
        self.peer
    }

    fn peer_asn(&self) -> Option<u32> {
        self.peer_asn
    }
}

/// A route map as bgp-proto's RIB import/export [`Policy`](bgp_proto::rib::Policy): permit keeps
/// the route (with the attributes the sets produced), deny rejects it, a route map that does not
/// exist rejects everything (as FRR does).
#[derive(Debug, Clone)]
pub struct RouteMapPolicy {
    policy: std::sync::Arc<crate::eval::CompiledPolicy>,
    map: Option<crate::eval::RouteMapId>,
}

impl RouteMapPolicy {
    /// Route map `name` of `policy`.
    pub fn new(policy: std::sync::Arc<crate::eval::CompiledPolicy>, name: &str) -> Self {
        let map = policy.route_map_id(name);
        RouteMapPolicy { policy, map }
    }
}

impl bgp_proto::rib::Policy for RouteMapPolicy {
    fn apply(
        &self,
        peer: &bgp_proto::rib::PeerInfo,
        prefix: &bgp_proto::rib::Prefix,
        attrs: &PathAttrs,
    ) -> bgp_proto::rib::Verdict {
        use bgp_proto::rib::Verdict;
        let Some(map) = self.map else {
            return Verdict::Reject;
        };
        let prefix = match prefix {
            bgp_proto::rib::Prefix::V4(p) => IpNet::V4(*p),
            bgp_proto::rib::Prefix::V6(p) => IpNet::V6(*p),
        };
        let mut route = BgpRoute {
            prefix,
            attrs: attrs.clone(),
            peer: (!peer.local).then_some(peer.address),
            peer_asn: Some(peer.asn),
        };
        match self.policy.apply_id(map, &mut route) {
            crate::model::Action::Deny => Verdict::Reject,
            crate::model::Action::Permit if route.attrs == *attrs => Verdict::Accept,
            crate::model::Action::Permit => Verdict::Modify(Box::new(route.attrs)),
        }
    }
}
