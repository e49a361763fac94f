//! Session state read from FRR's JSON output (`show bgp neighbors json`, `show bfd peers json`),
//! and the agent's status report (an `FRRNodeState` equivalent plus the sessions).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use serde_json::Value;

/// One BGP session as FRR reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpSession {
    pub peer: String,
    /// `Established`, `Active`, `Connect`, ...
    pub state: String,
    pub remote_as: Option<u64>,
    /// Milliseconds since the session came up (only when established).
    pub up_msec: Option<u64>,
    /// Prefixes accepted from the peer (IPv4 + IPv6 unicast).
    pub accepted_prefixes: u64,
}

/// One BFD session as FRR reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BfdPeer {
    pub peer: String,
    /// `up`, `down`, `init`, `shutdown`.
    pub status: String,
    pub receive_interval_ms: Option<u64>,
    pub transmit_interval_ms: Option<u64>,
    pub detect_multiplier: Option<u64>,
}

/// Parses `show bgp neighbors json` (an object keyed by peer).
pub fn parse_bgp_neighbors(v: &Value) -> Vec<BgpSession> {
    let Some(map) = v.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, n)| n.is_object() && n.get("bgpState").is_some())
        .map(|(peer, n)| {
            let accepted = n
                .get("addressFamilyInfo")
                .and_then(Value::as_object)
                .map(|afs| {
                    afs.values()
                        .filter_map(|a| a.get("acceptedPrefixCounter").and_then(Value::as_u64))
                        .sum()
                })
                .unwrap_or(0);
            let state = n
                .get("bgpState")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            BgpSession {
                peer: peer.clone(),
                up_msec: (state == "Established")
                    .then(|| n.get("bgpTimerUpMsec").and_then(Value::as_u64))
                    .flatten(),
                state,
                remote_as: n.get("remoteAs").and_then(Value::as_u64),
                accepted_prefixes: accepted,
            }
        })
        .collect()
}

/// Parses `show bfd peers json` (an array of peers).
pub fn parse_bfd_peers(v: &Value) -> Vec<BfdPeer> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .map(|p| BfdPeer {
            peer: p
                .get("peer")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            status: p
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            receive_interval_ms: p.get("receive-interval").and_then(Value::as_u64),
            transmit_interval_ms: p.get("transmit-interval").and_then(Value::as_u64),
            detect_multiplier: p.get("detect-multiplier").and_then(Value::as_u64),
        })
        .collect()
}

/// Runs `vtysh -c CMD` against the daemons whose vty sockets are in `vty_socket_dir`.
#[derive(Debug, Clone)]
pub struct Vtysh {
    pub vtysh: PathBuf,
    pub vty_socket_dir: Option<PathBuf>,
    /// Directory holding a `vtysh.conf` (an empty one keeps the host's out).
    pub config_dir: Option<PathBuf>,
}

impl Vtysh {
    pub fn new(vty_socket_dir: Option<&Path>, config_dir: Option<&Path>) -> Self {
        Vtysh {
            vtysh: frr_render::vtysh::vtysh_path(),
            vty_socket_dir: vty_socket_dir.map(Path::to_path_buf),
            config_dir: config_dir.map(Path::to_path_buf),
        }
    }

    /// The JSON output of `cmd`, or why it could not be had.
    pub fn json(&self, cmd: &str) -> Result<Value, String> {
        let mut c = Command::new(&self.vtysh);
        if let Some(d) = &self.vty_socket_dir {
            c.arg("--vty_socket").arg(d);
        }
        if let Some(d) = &self.config_dir {
            c.arg("--config_dir").arg(d);
        }
        let out = c
            .arg("-c")
            .arg(cmd)
            .output()
            .map_err(|e| format!("running {}: {e}", self.vtysh.display()))?;
        if !out.status.success() {
            return Err(format!(
                "vtysh -c '{cmd}' exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| format!("vtysh -c '{cmd}': not JSON: {e}"))
    }

    pub fn bgp_sessions(&self) -> Result<Vec<BgpSession>, String> {
        // every VRF: `show bgp vrf all neighbors json` nests by VRF name
        let v = self.json("show bgp vrf all neighbors json")?;
        let mut out = Vec::new();
        if let Some(vrfs) = v.as_object() {
            for vrf in vrfs.values() {
                out.extend(parse_bgp_neighbors(vrf));
            }
        }
        Ok(out)
    }

    pub fn bfd_peers(&self) -> Result<Vec<BfdPeer>, String> {
        Ok(parse_bfd_peers(&self.json("show bfd peers json")?))
    }
}

/// What the node agent reports (`--status FILE`): the `FRRNodeState` it would publish, whether
/// the manifests loaded, and the sessions FRR reports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentStatus {
    pub node: String,
    /// `success` or why the manifests did not load (the last good ones stay in effect).
    pub last_load_result: String,
    pub frr_node_state: crd_model::FRRNodeState,
    /// The FRRConfigurations merged into the node's configuration.
    pub selected: Vec<String>,
    pub bgp: Vec<BgpSession>,
    pub bfd: Vec<BfdPeer>,
    /// Why sessions could not be read (FRR not running, no --reload), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_frr_neighbor_and_bfd_json() {
        let v: Value = serde_json::from_str(
            r#"{"192.168.111.1":{"remoteAs":64500,"bgpState":"Established","bgpTimerUpMsec":5000,
                "addressFamilyInfo":{"ipv4Unicast":{"acceptedPrefixCounter":1}}},
                "fd00:111::1":{"remoteAs":64500,"bgpState":"Active"}}"#,
        )
        .unwrap();
        let s = parse_bgp_neighbors(&v);
        assert_eq!(s.len(), 2);
        let a = s.iter().find(|x| x.peer == "192.168.111.1").unwrap();
        assert_eq!(a.state, "Established");
        assert_eq!(a.up_msec, Some(5000));
        assert_eq!(a.accepted_prefixes, 1);
        let b = s.iter().find(|x| x.peer == "fd00:111::1").unwrap();
        assert_eq!(b.up_msec, None);

        let v: Value = serde_json::from_str(
            r#"[{"peer":"192.168.111.1","status":"up","receive-interval":100,"transmit-interval":100,"detect-multiplier":3}]"#,
        )
        .unwrap();
        let p = parse_bfd_peers(&v);
        assert_eq!(p[0].status, "up");
        assert_eq!(p[0].detect_multiplier, Some(3));
        assert!(parse_bfd_peers(&Value::Null).is_empty());
    }
}
