//! From a node's merged configuration (frr-render's model, what `frr.conf` is rendered from)
//! to what the native speaker runs: sessions, BFD sessions, originated prefixes and the
//! compiled route maps. Pure, so the FRR equivalence is testable without root.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use bgp_proto::session::PeerAs;
use frr_render::model::{BfdProfile, Config, NeighborConfig, PeerAsn};
use frr_render::policy::{policy_of, route_map_names};
use ipnet::IpNet;
use route_policy::CompiledPolicy;

/// FRR's `frr defaults traditional` timers (what frr-k8s renders when nothing is set).
pub const DEFAULT_HOLD_TIME: u16 = 180;
/// FRR's default keepalive interval (seconds).
pub const DEFAULT_KEEPALIVE: u16 = 60;
/// FRR's default connect retry (seconds).
pub const DEFAULT_CONNECT_RETRY: u64 = 120;

/// Why a configuration cannot run natively.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A neighbor cannot become a session.
    #[error("neighbor {neighbor}: {field}: {message}")]
    Neighbor {
        /// The neighbor's ID (`<addr>[-<vrf>]`).
        neighbor: String,
        /// The model field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The route maps do not compile.
    #[error("route maps: {0}")]
    Policy(String),
}

/// One BGP session as the rendered `neighbor` lines configure it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPlan {
    /// frr-k8s neighbor ID, the prefix of its route-map names.
    pub id: String,
    /// Neighbor address.
    pub address: IpAddr,
    /// TCP port (`neighbor X port`).
    pub port: u16,
    /// `remote-as`.
    pub remote_as: PeerAs,
    /// `timers` hold (seconds).
    pub hold_time: u16,
    /// `timers` keepalive (seconds); the session derives its own as hold/3 (see module docs).
    pub keepalive: u16,
    /// `timers connect`.
    pub connect_retry: Duration,
    /// `password` (TCP-MD5).
    pub password: Option<String>,
    /// `ebgp-multihop`: eBGP sessions otherwise send with TTL 1, as FRR does.
    pub ebgp_multihop: bool,
    /// `update-source`.
    pub source: Option<IpAddr>,
    /// BFD session parameters when the neighbor has a `bfd profile`.
    pub bfd: Option<BfdProfile>,
    /// Route map applied in (`<ID>-in`).
    pub import_map: String,
    /// Route map applied out (`<ID>-out`).
    pub export_map: String,
    /// Address families activated: IPv4 unicast, IPv6 unicast.
    pub ipv4: bool,
    /// See [`PeerPlan::ipv4`].
    pub ipv6: bool,
}

impl PeerPlan {
    /// Whether a change from `old` needs the session restarted (transport or OPEN parameters);
    /// anything else (route maps) is applied to the running session.
    pub fn needs_restart(&self, old: &PeerPlan) -> bool {
        let strip = |p: &PeerPlan| PeerPlan {
            bfd: None,
            ..p.clone()
        };
        strip(self) != strip(old)
    }
}

/// Everything the native speaker runs for one node.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `router bgp <asn>`.
    pub local_as: u32,
    /// `bgp router-id`, if set.
    pub router_id: Option<Ipv4Addr>,
    /// `network` statements of both families.
    pub prefixes: Vec<IpNet>,
    /// Neighbors by address.
    pub peers: BTreeMap<IpAddr, PeerPlan>,
    /// The prefix lists and route maps frr-k8s renders, compiled.
    pub policy: Arc<CompiledPolicy>,
    /// The same objects uncompiled, to tell which route maps changed on reload.
    pub source_policy: route_policy::Policy,
    /// Parts of the configuration this mode ignores (VRF routers, EVPN, raw config,
    /// unnumbered neighbors), one line each.
    pub ignored: Vec<String>,
}

fn seconds(
    n: &NeighborConfig,
    field: &'static str,
    v: Option<i64>,
    default: u64,
) -> Result<u64, PlanError> {
    match v {
        None => Ok(default),
        Some(s) if (0..=65535).contains(&s) => Ok(s as u64),
        Some(s) => Err(PlanError::Neighbor {
            neighbor: n.id(),
            field,
            message: format!("{s} is outside 0..=65535 seconds"),
        }),
    }
}

/// Builds the plan of `config`'s default-VRF router. Without one (no FRRConfiguration selects
/// the node) the plan is empty: no sessions, no routes, `local_as` 0.
pub fn plan(config: &Config) -> Result<Plan, PlanError> {
    let mut ignored = Vec::new();
    let empty = frr_render::model::RouterConfig::default();
    let router = config
        .routers
        .iter()
        .find(|r| r.vrf.is_empty())
        .unwrap_or(&empty);
    for r in config.routers.iter().filter(|r| !r.vrf.is_empty()) {
        ignored.push(format!(
            "router bgp {} vrf {}: VRFs are not run natively",
            r.my_asn, r.vrf
        ));
    }
    if router.evpn.is_some() {
        ignored.push("address-family l2vpn evpn: not run natively".into());
    }
    if !router.import_vrfs.is_empty() {
        ignored.push("import vrf: not run natively".into());
    }
    if !config.extra_config.is_empty() {
        ignored.push("raw FRR configuration: not run natively".into());
    }
    let mut peers = BTreeMap::new();
    for n in &router.neighbors {
        let Some(address) = n.addr.filter(|_| n.iface.is_empty()) else {
            ignored.push(format!(
                "neighbor {}: unnumbered peers are not run natively",
                n.peer()
            ));
            continue;
        };
        let remote_as = match n.asn {
            PeerAsn::Number(a) => PeerAs::Asn(a),
            PeerAsn::Internal => PeerAs::Internal,
            PeerAsn::External => PeerAs::External,
        };
        let hold = seconds(n, "hold_time", n.hold_time, u64::from(DEFAULT_HOLD_TIME))?;
        let keepalive = seconds(
            n,
            "keepalive_time",
            n.keepalive_time,
            u64::from(DEFAULT_KEEPALIVE),
        )?;
        let connect = seconds(n, "connect_time", n.connect_time, DEFAULT_CONNECT_RETRY)?;
        let bfd = if n.bfd_profile.is_empty() {
            None
        } else {
            Some(
                config
                    .bfd_profiles
                    .iter()
                    .find(|p| p.name == n.bfd_profile)
                    .cloned()
                    .ok_or_else(|| PlanError::Neighbor {
                        neighbor: n.id(),
                        field: "bfd_profile",
                        message: format!("profile {:?} is not defined", n.bfd_profile),
                    })?,
            )
        };
        let (import_map, export_map) = route_map_names(n);
        let family = frr_render::model::IpFamily::of_addr(&address);
        let (ipv4, ipv6) = if family == frr_render::model::IpFamily::Ipv6 {
            (
                n.unicast_active(frr_render::model::IpFamily::Ipv4)
                    || n.ip_family == frr_render::model::IpFamily::Dual,
                n.unicast_active(frr_render::model::IpFamily::Ipv6),
            )
        } else {
            (
                n.unicast_active(frr_render::model::IpFamily::Ipv4),
                n.unicast_active(frr_render::model::IpFamily::Ipv6),
            )
        };
        peers.insert(
            address,
            PeerPlan {
                id: n.id(),
                address,
                port: n.port.unwrap_or(179),
                remote_as,
                hold_time: hold as u16,
                keepalive: keepalive as u16,
                connect_retry: Duration::from_secs(connect.max(1)),
                password: (!n.password.is_empty()).then(|| n.password.expose().to_string()),
                ebgp_multihop: n.ebgp_multi_hop,
                source: n.src_addr,
                bfd,
                import_map,
                export_map,
                ipv4,
                ipv6,
            },
        );
    }
    let source_policy = policy_of(config);
    let policy =
        CompiledPolicy::new(&source_policy).map_err(|e| PlanError::Policy(e.to_string()))?;
    let mut prefixes: Vec<IpNet> = router.ipv4_prefixes.clone();
    prefixes.extend(router.ipv6_prefixes.iter().copied());
    prefixes.sort();
    prefixes.dedup();
    Ok(Plan {
        local_as: router.my_asn,
        router_id: router.router_id,
        prefixes,
        peers,
        policy: Arc::new(policy),
        source_policy,
        ignored,
    })
}

/// What a reload changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDiff {
    /// The local AS or router ID changed: every session restarts.
    pub restart_all: bool,
    /// New neighbors.
    pub added: Vec<IpAddr>,
    /// Neighbors gone (their sessions are stopped with a Cease).
    pub removed: Vec<IpAddr>,
    /// Neighbors whose session parameters changed (restarted).
    pub restarted: Vec<IpAddr>,
    /// Neighbors whose BFD profile changed (or appeared/disappeared).
    pub bfd_changed: Vec<IpAddr>,
    /// Neighbors whose `-in` route map changed (routes re-evaluated).
    pub import_changed: Vec<IpAddr>,
    /// Neighbors whose `-out` route map changed (advertisements re-evaluated).
    pub export_changed: Vec<IpAddr>,
    /// Originated prefixes to add.
    pub originate: Vec<IpNet>,
    /// Originated prefixes to withdraw.
    pub withdraw: Vec<IpNet>,
}

impl PlanDiff {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        *self == PlanDiff::default()
    }
}

/// The route map `name` and every prefix list it matches on, rendered in FRR's text: two
/// route maps behave the same when these texts are equal.
fn map_text(policy: &route_policy::Policy, name: &str) -> String {
    let Some(map) = policy.route_maps.iter().find(|m| m.name == name) else {
        return String::new();
    };
    let lists: Vec<&str> = map
        .entries
        .iter()
        .flat_map(|e| &e.matches)
        .filter_map(|m| match m {
            route_policy::Match::IpAddressPrefixList(l)
            | route_policy::Match::Ipv6AddressPrefixList(l) => Some(l.as_str()),
            _ => None,
        })
        .collect();
    let p = route_policy::Policy {
        route_maps: vec![map.clone()],
        prefix_lists: policy
            .prefix_lists
            .iter()
            .filter(|l| lists.contains(&l.name.as_str()))
            .cloned()
            .collect(),
        ..Default::default()
    };
    route_policy::render(&p, &route_policy::RenderOptions::default())
}

/// Compares two plans.
pub fn diff(old: &Plan, new: &Plan) -> PlanDiff {
    let mut d = PlanDiff {
        restart_all: old.local_as != new.local_as || old.router_id != new.router_id,
        ..Default::default()
    };
    for (addr, p) in &new.peers {
        match old.peers.get(addr) {
            None => d.added.push(*addr),
            Some(o) => {
                if d.restart_all || p.needs_restart(o) {
                    d.restarted.push(*addr);
                }
                if p.bfd != o.bfd {
                    d.bfd_changed.push(*addr);
                }
                if map_text(&old.source_policy, &o.import_map)
                    != map_text(&new.source_policy, &p.import_map)
                {
                    d.import_changed.push(*addr);
                }
                if map_text(&old.source_policy, &o.export_map)
                    != map_text(&new.source_policy, &p.export_map)
                {
                    d.export_changed.push(*addr);
                }
            }
        }
    }
    d.removed = old
        .peers
        .keys()
        .filter(|a| !new.peers.contains_key(a))
        .copied()
        .collect();
    d.originate = new
        .prefixes
        .iter()
        .filter(|p| !old.prefixes.contains(p))
        .copied()
        .collect();
    d.withdraw = old
        .prefixes
        .iter()
        .filter(|p| !new.prefixes.contains(p))
        .copied()
        .collect();
    d
}
