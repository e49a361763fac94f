//! Building one generated FRRConfiguration from a source FRRConfiguration for one node.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::error::GenerateError;
use super::network::{DEFAULT_NETWORK, SelectedNetworks, Topology};
use super::{EgressIPAssignment, GENERATE_NAME, HOSTNAME_LABEL, ROUTE_ADVERTISEMENTS_KEY};
use crate::frrk8s::{Advertise, AllowMode, AllowedOutPrefixes, FRRConfiguration, Import, Router};
use crate::meta::{LabelSelector, ObjectMeta};
use crate::ovnk::{NODE_SUBNETS_ANNOTATION, Node, RouteAdvertisements};
use crate::validate::{IpFamily, parse_cidr};

/// What one node advertises: per selected network, and all together (sorted, deduplicated).
pub(crate) struct HostPrefixes {
    pub per_network: BTreeMap<String, Vec<String>>,
    pub all: Vec<String>,
}

/// Gathers the node's prefixes per selected network: its host subnets (layer 3) or the whole
/// network subnets (layer 2) when advertising the pod network, plus its EgressIPs.
pub(crate) fn node_prefixes(
    node: &Node,
    selected: &SelectedNetworks,
    pods: bool,
    eips: bool,
    egress_ips: &[EgressIPAssignment],
) -> Result<HostPrefixes, GenerateError> {
    let node_name = node.metadata.name.as_str();
    // parsed lazily, once: only layer-3 pod networks need the annotation
    let mut annotation: Option<Result<BTreeMap<String, Vec<String>>, String>> = None;
    let mut per_network = BTreeMap::new();
    let mut all = BTreeSet::new();
    for net in &selected.networks {
        let mut prefixes: Vec<String> = Vec::new();
        if pods {
            if net.topology == Topology::Layer2 {
                if net.subnets.is_empty() {
                    return Err(GenerateError::config("no layer2 subnets found"));
                }
                prefixes.extend(net.subnets.iter().cloned());
            } else {
                let parsed = annotation.get_or_insert_with(|| host_subnets(node));
                let wait = |cause: Option<&str>| {
                    let mut d = format!(
                        "will wait for subnet annotation to be set for node {node_name:?} and \
                         network {:?}",
                        net.name
                    );
                    if let Some(c) = cause {
                        d.push_str(": configuration error: waiting for subnet annotation to be set for node ");
                        d.push_str(&format!("{node_name:?}: {c}"));
                    }
                    GenerateError::config(d)
                };
                match parsed {
                    Err(cause) => return Err(wait(Some(cause))),
                    Ok(map) => match map.get(&net.name) {
                        Some(s) if !s.is_empty() => prefixes.extend(s.iter().cloned()),
                        _ => return Err(wait(None)),
                    },
                }
            }
        }
        if eips {
            let mut seen = BTreeSet::new();
            for e in egress_ips
                .iter()
                .filter(|e| e.node == node_name && e.network == net.name && !e.egress_ip.is_empty())
            {
                let mask = if e.egress_ip.contains(':') {
                    "/128"
                } else {
                    "/32"
                };
                if seen.insert(format!("{}{mask}", e.egress_ip)) {
                    prefixes.push(format!("{}{mask}", e.egress_ip));
                }
            }
        }
        all.extend(prefixes.iter().cloned());
        prefixes.sort();
        per_network.insert(net.name.clone(), prefixes);
    }
    Ok(HostPrefixes {
        per_network,
        all: all.into_iter().collect(),
    })
}

/// The node-subnets annotation with every CIDR checked; the error is the cause text.
fn host_subnets(node: &Node) -> Result<BTreeMap<String, Vec<String>>, String> {
    let map = match node.node_subnets() {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Err(format!(
                "could not find {NODE_SUBNETS_ANNOTATION:?} annotation"
            ));
        }
        Err(e) => {
            return Err(format!(
                "failed to parse {NODE_SUBNETS_ANNOTATION:?} annotation: {}",
                e.reason
            ));
        }
    };
    for (net, subnets) in &map {
        for s in subnets {
            if parse_cidr(s).is_none() {
                return Err(format!(
                    "failed to parse {NODE_SUBNETS_ANNOTATION:?} annotation: network {net:?}: invalid CIDR {s:?}"
                ));
            }
        }
    }
    Ok(map)
}

/// The node's own addresses (no mask) from `k8s.ovn.org/node-primary-ifaddr`; neighbors with
/// these addresses are the node itself and are left out. Without the annotation nothing is
/// left out.
pub(crate) fn own_addresses(node: &Node) -> Result<Vec<String>, GenerateError> {
    let addr = node.primary_ifaddr().map_err(|e| {
        GenerateError::internal(format!(
            "failed to get node {} primary interface address annotation: {}",
            node.metadata.name, e.reason
        ))
    })?;
    let Some(addr) = addr else {
        return Ok(Vec::new());
    };
    Ok([addr.ipv4, addr.ipv6]
        .into_iter()
        .flatten()
        .map(|a| {
            a.split_once('/')
                .map_or(a.as_str(), |(ip, _)| ip)
                .to_string()
        })
        .filter(|a| !a.is_empty())
        .collect())
}

fn family_of_addr(addr: &str) -> IpFamily {
    match addr.parse::<IpAddr>() {
        Ok(a) => IpFamily::of_addr(&a),
        // upstream tests the neighbor address for IPv6; anything else (an interface
        // neighbor has none) counts as IPv4
        Err(_) => IpFamily::IPv4,
    }
}

/// The routers of the generated FRRConfiguration: the source routers whose VRF matches, with
/// prefixes, neighbors' advertisements and VRF imports replaced. Records the networks whose VRF
/// matched a router in `matched`.
pub(crate) fn routers_for(
    ra: &RouteAdvertisements,
    source: &FRRConfiguration,
    selected: &SelectedNetworks,
    host: &HostPrefixes,
    own: &[String],
    matched: &mut BTreeSet<String>,
) -> Result<Vec<Router>, GenerateError> {
    let target_vrf = ra.spec.target_vrf.as_str();
    let mut routers: Vec<Router> = Vec::new();
    let empty: Vec<String> = Vec::new();
    for router in &source.spec.bgp.routers {
        let network_of = |vrf: &str| {
            selected
                .network_of_vrf
                .get(vrf)
                .cloned()
                .unwrap_or_default()
        };
        let per_network = |net: &str| host.per_network.get(net).unwrap_or(&empty);
        let (matched_vrf, matched_network, prefixes): (String, String, &Vec<String>) =
            match (target_vrf, router.vrf.as_str()) {
                ("auto", "") => (
                    String::new(),
                    DEFAULT_NETWORK.to_string(),
                    per_network(DEFAULT_NETWORK),
                ),
                ("auto", vrf) => {
                    let net = network_of(vrf);
                    let p = per_network(&net);
                    (vrf.to_string(), net, p)
                }
                ("", _) => (String::new(), DEFAULT_NETWORK.to_string(), &host.all),
                (t, _) => (t.to_string(), network_of(t), &host.all),
            };
        if matched_vrf != router.vrf || prefixes.is_empty() {
            continue;
        }
        matched.insert(matched_network);

        let mut out = router.clone();
        out.prefixes = prefixes.clone();
        out.neighbors = Vec::with_capacity(router.neighbors.len());
        for neighbor in &router.neighbors {
            if !neighbor.address.is_empty() && own.contains(&neighbor.address) {
                continue;
            }
            if neighbor.dual_stack_address_family {
                return Err(GenerateError::config(format!(
                    "DualStackAddressFamily==true not supported, seen on FRRConfiguration {}/{} \
                     neighbor {}",
                    source.metadata.namespace, source.metadata.name, neighbor.address
                )));
            }
            let family = family_of_addr(&neighbor.address);
            let advertise: Vec<String> = prefixes
                .iter()
                .filter(|p| IpFamily::of_cidr(p) == Some(family))
                .cloned()
                .collect();
            if advertise.is_empty() {
                continue;
            }
            let mut n = neighbor.clone();
            n.to_advertise = Advertise {
                allowed: AllowedOutPrefixes {
                    prefixes: advertise,
                    mode: AllowMode::Filtered,
                },
                ..Advertise::default()
            };
            out.neighbors.push(n);
        }
        if out.neighbors.is_empty() {
            continue;
        }
        routers.push(out);
        let index = routers.len() - 1;

        // VRFs stay isolated with 'auto'; otherwise leak between the target VRF and every other
        // selected network's VRF, both ways ("default" names the default VRF in imports).
        if target_vrf == "auto" {
            continue;
        }
        let matched_vrf = if matched_vrf.is_empty() {
            DEFAULT_NETWORK.to_string()
        } else {
            matched_vrf
        };
        for vrf in &selected.vrfs {
            if *vrf == matched_vrf {
                continue;
            }
            routers[index].imports.push(Import { vrf: vrf.clone() });
            routers.push(Router {
                asn: router.asn,
                id: router.id.clone(),
                vrf: if vrf == DEFAULT_NETWORK {
                    String::new()
                } else {
                    vrf.clone()
                },
                imports: vec![Import {
                    vrf: matched_vrf.clone(),
                }],
                ..Router::default()
            });
        }
    }
    Ok(routers)
}

/// The generated object: the source spec with routers replaced and pinned to the node.
pub(crate) fn generated_object(
    ra: &RouteAdvertisements,
    source: &FRRConfiguration,
    node: &str,
    routers: Vec<Router>,
) -> (String, FRRConfiguration) {
    let key = super::identity_key(&ra.metadata.name, &source.metadata.name, node);
    let mut spec = source.spec.clone();
    spec.bgp.routers = routers;
    spec.node_selector = LabelSelector::from_labels([(HOSTNAME_LABEL, node)]);
    let frr = FRRConfiguration {
        metadata: ObjectMeta {
            generate_name: GENERATE_NAME.to_string(),
            namespace: source.metadata.namespace.clone(),
            labels: [(
                ROUTE_ADVERTISEMENTS_KEY.to_string(),
                ra.metadata.name.clone(),
            )]
            .into(),
            annotations: [(ROUTE_ADVERTISEMENTS_KEY.to_string(), key.clone())].into(),
            ..ObjectMeta::default()
        },
        spec,
        ..FRRConfiguration::default()
    };
    (key, frr)
}
