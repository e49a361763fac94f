//! What the local speaker offers and expects of one peer.

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::wire::capability::{
    AddPathFamily, Capability, ExtendedNextHop, GracefulRestart, GracefulRestartFamily, Role,
};
use crate::wire::family::AfiSafi;
use crate::wire::open::Open;

/// The AS the peer must announce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PeerAs {
    /// Exactly this AS.
    Asn(u32),
    /// Our own AS (frr-k8s `dynamicASN: internal`).
    Internal,
    /// Any AS but ours (frr-k8s `dynamicASN: external`).
    External,
    /// Any AS (dynamic peers whose AS is learnt from the OPEN).
    Any,
}

impl PeerAs {
    /// True when `asn` is acceptable for a local speaker in `local_as`.
    pub fn accepts(self, local_as: u32, asn: u32) -> bool {
        match self {
            PeerAs::Asn(a) => a == asn,
            PeerAs::Internal => asn == local_as,
            PeerAs::External => asn != local_as,
            PeerAs::Any => true,
        }
    }
}

/// Graceful Restart as offered by the local speaker (RFC 4724, RFC 8538).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GracefulRestartConfig {
    /// Restart time announced to the peer, seconds (12 bits).
    pub restart_time: u16,
    /// Announce the N bit: NOTIFICATIONs other than Hard Reset keep routes (RFC 8538).
    pub notification: bool,
    /// Families for which we preserve forwarding state (F bit).
    pub forwarding_preserved: bool,
}

/// Session configuration. [`Config::new`] gives RFC defaults; adjust fields as needed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Config {
    /// Local AS.
    pub local_as: u32,
    /// Local BGP identifier.
    pub router_id: Ipv4Addr,
    /// The AS the peer must announce.
    pub peer_as: PeerAs,
    /// Hold time proposed, seconds (0 or at least 3).
    pub hold_time: u16,
    /// Smallest hold time accepted from the peer (besides 0, which disables keepalives).
    pub min_hold_time: u16,
    /// Hold time while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes).
    pub open_hold_time: Duration,
    /// ConnectRetry timer (RFC 4271 §10: 120 s).
    pub connect_retry_time: Duration,
    /// Delay before an automatic restart after the session went down (RFC 4271 §8.1.1
    /// IdleHoldTimer). `None` disables automatic restart.
    pub idle_hold_time: Option<Duration>,
    /// Wait for the peer to connect instead of connecting (RFC 4271 §8.1.1 PassiveTcpEstablishment).
    pub passive: bool,
    /// Multiprotocol families offered (RFC 4760).
    pub families: Vec<AfiSafi>,
    /// ADD-PATH tuples offered (RFC 7911).
    pub add_path: Vec<AddPathFamily>,
    /// Offer extended messages (RFC 8654).
    pub extended_message: bool,
    /// Extended next hop tuples offered (RFC 8950).
    pub extended_next_hop: Vec<ExtendedNextHop>,
    /// Our BGP Role (RFC 9234), announced when set.
    pub role: Option<Role>,
    /// Refuse peers that do not announce a role (RFC 9234 strict mode).
    pub strict_role: bool,
    /// Offer Graceful Restart (receiving-speaker procedures).
    pub graceful_restart: Option<GracefulRestartConfig>,
    /// Offer route refresh (RFC 2918) and enhanced route refresh (RFC 7313).
    pub route_refresh: bool,
    /// Hostname and domain for the FQDN capability.
    pub fqdn: Option<(String, String)>,
    /// Offer the 4-octet AS capability (RFC 6793); only turn off to test old peers.
    pub four_octet_as: bool,
    /// Seed of the jitter generator (RFC 4271 §10).
    pub seed: u64,
}

impl Config {
    /// IPv4 unicast, hold time 90 s, route refresh, 4-octet AS, active.
    pub fn new(local_as: u32, router_id: Ipv4Addr, peer_as: PeerAs) -> Self {
        Config {
            local_as,
            router_id,
            peer_as,
            hold_time: 90,
            min_hold_time: 3,
            open_hold_time: Duration::from_secs(240),
            connect_retry_time: Duration::from_secs(120),
            idle_hold_time: Some(Duration::from_secs(5)),
            passive: false,
            families: vec![AfiSafi::IPV4_UNICAST],
            add_path: Vec::new(),
            extended_message: false,
            extended_next_hop: Vec::new(),
            role: None,
            strict_role: false,
            graceful_restart: None,
            route_refresh: true,
            fqdn: None,
            four_octet_as: true,
            seed: 0,
        }
    }

    /// The OPEN this configuration sends.
    pub fn open(&self) -> Open {
        let mut caps: Vec<Capability> = self
            .families
            .iter()
            .map(|f| Capability::Multiprotocol(*f))
            .collect();
        if self.route_refresh {
            caps.push(Capability::RouteRefresh);
            caps.push(Capability::EnhancedRouteRefresh);
        }
        if !self.extended_next_hop.is_empty() {
            caps.push(Capability::ExtendedNextHop(self.extended_next_hop.clone()));
        }
        if self.extended_message {
            caps.push(Capability::ExtendedMessage);
        }
        if let Some(r) = self.role {
            caps.push(Capability::Role(r));
        }
        if let Some(gr) = &self.graceful_restart {
            let flags = if gr.forwarding_preserved { 0x80 } else { 0 };
            caps.push(Capability::GracefulRestart(GracefulRestart {
                restart_flags: if gr.notification { 0x4 } else { 0 },
                restart_time: gr.restart_time.min(4095),
                families: self
                    .families
                    .iter()
                    .map(|f| GracefulRestartFamily { family: *f, flags })
                    .collect(),
            }));
        }
        if self.four_octet_as {
            caps.push(Capability::FourOctetAs(self.local_as));
        }
        if !self.add_path.is_empty() {
            caps.push(Capability::AddPath(self.add_path.clone()));
        }
        if let Some((h, d)) = &self.fqdn {
            caps.push(Capability::Fqdn {
                hostname: h.clone(),
                domain: d.clone(),
            });
        }
        Open::new(self.local_as, self.hold_time, self.router_id, caps)
    }
}
