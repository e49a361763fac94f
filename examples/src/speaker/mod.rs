//! A BGP speaker on tokio: the transport around [`bgp_proto::session::Session`] and
//! [`bgp_proto::rib::Rib`]. Used by the `bgp-speaker` binary, the interop tests and (later)
//! the node agent.
//!
//! One task owns every session, the RIB and the Adj-RIBs-Out; per-connection tasks only move
//! bytes. [`run`] takes a [`SpeakerConfig`], a channel for [`SpeakerEvent`]s and a command
//! channel ([`Command`]) and returns after a graceful shutdown (Cease to every peer).

mod runner;
pub mod socket;
pub(crate) mod stream;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use bgp_proto::session::PeerAs;
use ipnet::IpNet;
use serde::Serialize;

pub use runner::run;
pub use socket::SocketSecurity;

/// One configured neighbor (or a range of dynamic neighbors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerConfig {
    /// The neighbor's address; for a dynamic range, any address of [`PeerConfig::range`].
    pub address: IpAddr,
    /// Accept connections from any address in this range (frr-k8s dynamic neighbors); the
    /// speaker never connects to them.
    pub range: Option<IpNet>,
    /// TCP port of the neighbor (179).
    pub port: u16,
    /// Expected AS.
    pub remote_as: PeerAs,
    /// Only accept connections.
    pub passive: bool,
    /// Proposed hold time, seconds.
    pub hold_time: u16,
    /// Seconds between connection attempts.
    pub connect_retry: Duration,
    /// GTSM and TCP-MD5.
    pub security: SocketSecurity,
    /// Source address for outgoing connections.
    pub local_address: Option<IpAddr>,
    /// Offer ADD-PATH send/receive for IPv4 and IPv6 unicast.
    pub add_path: bool,
    /// Offer extended next hop (IPv4 NLRI with IPv6 next hop, RFC 8950).
    pub extended_next_hop: bool,
    /// Offer IPv6 unicast (IPv4 unicast is always offered).
    pub ipv6: bool,
    /// Offer Graceful Restart (receiving speaker) with this restart time.
    pub graceful_restart: Option<u16>,
    /// IPv6 next hop to send for IPv6 routes when the session runs over IPv4.
    pub next_hop_v6: Option<Ipv6Addr>,
}

impl PeerConfig {
    /// A neighbor at `address` in `remote_as`, with defaults (port 179, hold time 90 s,
    /// IPv4 and IPv6 unicast).
    pub fn new(address: IpAddr, remote_as: PeerAs) -> Self {
        PeerConfig {
            address,
            range: None,
            port: 179,
            remote_as,
            passive: false,
            hold_time: 90,
            connect_retry: Duration::from_secs(5),
            security: SocketSecurity::default(),
            local_address: None,
            add_path: false,
            extended_next_hop: false,
            ipv6: true,
            graceful_restart: None,
            next_hop_v6: None,
        }
    }
}

/// What to print about received routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RouteReport {
    /// One event per announced or withdrawn prefix.
    #[default]
    All,
    /// Only End-of-RIB and periodic counts.
    Summary,
}

/// Speaker configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerConfig {
    /// Local AS.
    pub local_as: u32,
    /// BGP identifier.
    pub router_id: Ipv4Addr,
    /// Addresses to accept connections on (empty: connect only).
    pub listen: Vec<SocketAddr>,
    /// Neighbors.
    pub peers: Vec<PeerConfig>,
    /// Prefixes to originate.
    pub announce: Vec<IpNet>,
    /// Route events to report.
    pub routes: RouteReport,
    /// Shutdown communication sent in the Cease NOTIFICATION (RFC 9003).
    pub shutdown_message: String,
}

/// Commands to a running speaker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Originate prefixes.
    Announce(Vec<IpNet>),
    /// Stop originating prefixes.
    Withdraw(Vec<IpNet>),
    /// Cease every session with this message and return.
    Shutdown(String),
}

/// Something the speaker did or learnt, printed as one JSON line by `bgp-speaker`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SpeakerEvent {
    /// Accepting connections.
    Listening {
        /// Local address.
        address: SocketAddr,
    },
    /// A session changed state.
    State {
        /// Neighbor address.
        peer: IpAddr,
        /// Previous state.
        from: String,
        /// New state.
        to: String,
    },
    /// A session is Established.
    Established {
        /// Neighbor address.
        peer: IpAddr,
        /// Its AS.
        peer_as: u32,
        /// Its BGP identifier.
        router_id: Ipv4Addr,
        /// Negotiated hold time.
        hold_time: u16,
        /// Common families.
        families: Vec<String>,
        /// Families we receive with ADD-PATH path identifiers.
        add_path_receive: Vec<String>,
        /// Families we send with ADD-PATH path identifiers.
        add_path_send: Vec<String>,
        /// RFC 8950 extended next hop negotiated.
        extended_next_hop: bool,
        /// RFC 6793 4-octet AS negotiated.
        four_octet_as: bool,
        /// RFC 8654 extended messages negotiated.
        extended_message: bool,
        /// Peer's hostname (FQDN capability).
        hostname: Option<String>,
    },
    /// A route was received (after import checks).
    Route {
        /// Neighbor address.
        peer: IpAddr,
        /// The prefix.
        prefix: String,
        /// ADD-PATH path identifier (0 without).
        path_id: u32,
        /// Next hop.
        next_hop: String,
        /// AS path, FRR style.
        as_path: String,
        /// ORIGIN.
        origin: String,
        /// MED.
        med: Option<u32>,
        /// LOCAL_PREF.
        local_pref: Option<u32>,
        /// Communities.
        communities: Vec<String>,
    },
    /// A route was withdrawn.
    Withdraw {
        /// Neighbor address.
        peer: IpAddr,
        /// The prefix.
        prefix: String,
        /// ADD-PATH path identifier.
        path_id: u32,
    },
    /// RFC 7606 treat-as-withdraw: the UPDATE's routes were withdrawn, the session stays up.
    TreatAsWithdraw {
        /// Neighbor address.
        peer: IpAddr,
        /// Prefixes withdrawn because of it.
        prefixes: Vec<String>,
        /// The malformation.
        error: String,
    },
    /// The neighbor finished its initial table for a family.
    EndOfRib {
        /// Neighbor address.
        peer: IpAddr,
        /// Family.
        family: String,
        /// Routes held from that neighbor.
        routes: usize,
    },
    /// Routes held from a neighbor (printed every 100 000 routes in summary mode).
    RouteCount {
        /// Neighbor address.
        peer: IpAddr,
        /// Routes held.
        routes: usize,
    },
    /// We sent a NOTIFICATION.
    NotificationSent {
        /// Neighbor address.
        peer: IpAddr,
        /// Code.
        code: u8,
        /// Subcode.
        subcode: u8,
        /// Code/subcode names.
        name: String,
        /// RFC 9003 shutdown communication.
        message: Option<String>,
    },
    /// The neighbor sent a NOTIFICATION.
    NotificationReceived {
        /// Neighbor address.
        peer: IpAddr,
        /// Code.
        code: u8,
        /// Subcode.
        subcode: u8,
        /// Code/subcode names.
        name: String,
        /// RFC 9003 shutdown communication.
        message: Option<String>,
    },
    /// An Established session went down.
    Down {
        /// Neighbor address.
        peer: IpAddr,
        /// Why.
        reason: String,
        /// Routes kept stale for Graceful Restart.
        stale_routes: usize,
        /// Routes removed.
        removed_routes: usize,
    },
    /// A connection attempt failed.
    ConnectFailed {
        /// Neighbor address.
        peer: IpAddr,
        /// OS error.
        error: String,
    },
    /// The speaker stopped.
    Stopped,
}
