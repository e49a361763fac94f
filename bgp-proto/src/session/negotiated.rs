//! What both OPENs agreed on (RFC 4271 §4.2, RFC 5492) and the OPEN checks of RFC 4271 §6.2
//! and RFC 9234 §4.2 that come with it.

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::session::config::Config;
use crate::session::role::roles_match;
use crate::wire::capability::{GracefulRestart, Role, code};
use crate::wire::context::SessionContext;
use crate::wire::family::AfiSafi;
use crate::wire::notification::Notification;
use crate::wire::open::Open;

/// The negotiated parameters of an established session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Negotiated {
    /// The peer's AS (from the 4-octet AS capability when present).
    pub peer_as: u32,
    /// The peer's BGP identifier.
    pub peer_router_id: Ipv4Addr,
    /// Peer in our AS (iBGP).
    pub internal: bool,
    /// Hold time: the smaller of both proposals, 0 = no keepalives.
    pub hold_time: u16,
    /// Families both sides announced (IPv4 unicast implied when the peer announced none,
    /// RFC 4760 §8).
    pub families: Vec<AfiSafi>,
    /// Codec parameters (4-octet AS, ADD-PATH, extended message, extended next hop).
    pub context: SessionContext,
    /// Both sides support ROUTE-REFRESH.
    pub route_refresh: bool,
    /// Both sides support enhanced route refresh (RFC 7313).
    pub enhanced_route_refresh: bool,
    /// Role the peer announced (RFC 9234).
    pub peer_role: Option<Role>,
    /// Graceful Restart capability of the peer, when we offered it too.
    pub peer_graceful_restart: Option<GracefulRestart>,
    /// Both sides set the N bit: NOTIFICATIONs other than Hard Reset are graceful (RFC 8538).
    pub graceful_notification: bool,
    /// Hostname from the peer's FQDN capability.
    pub peer_hostname: Option<String>,
    /// The peer's OPEN as received.
    pub remote_open: Open,
}

impl Negotiated {
    /// Keepalive interval: a third of the hold time (RFC 4271 §10), `None` when hold time is 0.
    pub fn keepalive_interval(&self) -> Option<Duration> {
        (self.hold_time != 0).then(|| Duration::from_secs(self.hold_time as u64) / 3)
    }
}

/// Checks the peer's OPEN against the configuration (RFC 4271 §6.2, RFC 6286, RFC 9234 §4.2)
/// and computes the negotiated parameters, or returns the NOTIFICATION to send.
pub fn negotiate(config: &Config, local: &Open, remote: &Open) -> Result<Negotiated, Notification> {
    let peer_as = remote.asn();
    if !config.peer_as.accepts(config.local_as, peer_as) {
        let data = if peer_as <= u16::MAX as u32 {
            (peer_as as u16).to_be_bytes().to_vec()
        } else {
            peer_as.to_be_bytes().to_vec()
        };
        return Err(Notification::new(2, 2, data));
    }
    let internal = peer_as == config.local_as;
    if remote.bgp_identifier == config.router_id && internal {
        return Err(Notification::new(
            2,
            3,
            remote.bgp_identifier.octets().to_vec(),
        ));
    }
    if remote.hold_time != 0 && remote.hold_time < config.min_hold_time {
        return Err(Notification::new(
            2,
            6,
            remote.hold_time.to_be_bytes().to_vec(),
        ));
    }
    let mut peer_role = None;
    if !internal {
        if let Some(local_role) = config.role {
            let mut roles = remote.capabilities.iter().filter_map(|c| match c {
                crate::wire::capability::Capability::Role(r) => Some(*r),
                _ => None,
            });
            peer_role = roles.next();
            let conflicting = roles.any(|r| Some(r) != peer_role);
            let mismatch = match peer_role {
                Some(r) => conflicting || !roles_match(local_role, r),
                None => config.strict_role,
            };
            if mismatch {
                // RFC 9234 §4.2: Role Mismatch.
                return Err(Notification::new(2, 11, Vec::new()));
            }
        } else {
            peer_role = remote.role();
        }
    }
    let hold_time = config.hold_time.min(remote.hold_time);
    let mut remote_families: Vec<AfiSafi> = remote.multiprotocol().collect();
    if remote_families.is_empty() {
        remote_families.push(AfiSafi::IPV4_UNICAST);
    }
    let families = config
        .families
        .iter()
        .copied()
        .filter(|f| remote_families.contains(f))
        .collect();
    let both = |c| local.has_capability(c) && remote.has_capability(c);
    let peer_graceful_restart = local
        .graceful_restart()
        .and(remote.graceful_restart())
        .cloned();
    let graceful_notification = matches!(
        (local.graceful_restart(), remote.graceful_restart()),
        (Some(a), Some(b)) if a.notification() && b.notification()
    );
    Ok(Negotiated {
        peer_as,
        peer_router_id: remote.bgp_identifier,
        internal,
        hold_time,
        families,
        context: SessionContext::negotiate(local, remote),
        route_refresh: both(code::ROUTE_REFRESH),
        enhanced_route_refresh: both(code::ENHANCED_ROUTE_REFRESH),
        peer_role,
        peer_graceful_restart,
        graceful_notification,
        peer_hostname: remote.hostname().map(str::to_owned),
        remote_open: remote.clone(),
    })
}
