//! Imported best routes in the kernel of the current network namespace, protocol `bgp` (186),
//! one multipath route per prefix. Routes are written with `ip route` (iproute2) run as a
//! child process: the child inherits the calling thread's network namespace, so the speaker's
//! runtime must run on a thread inside that namespace (a current-thread runtime).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::process::Command;

use ipnet::IpNet;

/// `rtm_protocol` of BGP routes (`/etc/iproute2/rt_protos`: `bgp`).
pub const RTPROT_BGP: u8 = 186;
/// FRR's kernel metric for BGP routes.
pub const METRIC: u32 = 20;

/// Arguments of `ip` installing `prefix` via `next_hops` (one ECMP route; replaces what
/// the kernel has for the prefix with the same metric).
pub fn replace_args(prefix: IpNet, next_hops: &[IpAddr]) -> Vec<String> {
    let fam = if matches!(prefix, IpNet::V4(_)) {
        "-4"
    } else {
        "-6"
    };
    let mut a: Vec<String> = [fam, "route", "replace"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.push(prefix.to_string());
    a.extend([
        "proto".into(),
        RTPROT_BGP.to_string(),
        "metric".into(),
        METRIC.to_string(),
    ]);
    for nh in next_hops {
        a.push("nexthop".into());
        a.push("via".into());
        if nh.is_ipv6() != matches!(prefix, IpNet::V6(_)) {
            // RFC 8950: an IPv4 route through an IPv6 next hop.
            a.push(if nh.is_ipv6() { "inet6" } else { "inet" }.into());
        }
        a.push(nh.to_string());
    }
    a
}

/// Arguments of `ip` removing our route for `prefix`.
pub fn delete_args(prefix: IpNet) -> Vec<String> {
    let fam = if matches!(prefix, IpNet::V4(_)) {
        "-4"
    } else {
        "-6"
    };
    vec![
        fam.into(),
        "route".into(),
        "del".into(),
        prefix.to_string(),
        "proto".into(),
        RTPROT_BGP.to_string(),
        "metric".into(),
        METRIC.to_string(),
    ]
}

/// Where route changes go: the kernel, or a recorder in tests.
pub trait RouteSink {
    /// Runs `ip` with `args`; an error text when it fails.
    fn ip(&mut self, args: &[String]) -> Result<(), String>;
}

/// Runs `ip` (iproute2).
#[derive(Debug, Default)]
pub struct IpCommand;

impl RouteSink for IpCommand {
    fn ip(&mut self, args: &[String]) -> Result<(), String> {
        let out = Command::new("ip")
            .args(args)
            .output()
            .map_err(|e| format!("ip {}: {e}", args.join(" ")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ip {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

/// What we installed: prefix → next hops (sorted), so only changes reach the kernel.
#[derive(Debug, Default)]
pub struct Fib {
    installed: BTreeMap<IpNet, Vec<IpAddr>>,
}

/// A change made to the kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FibChange {
    /// Installed or replaced with these next hops.
    Installed(IpNet, Vec<IpAddr>),
    /// Removed.
    Removed(IpNet),
}

impl Fib {
    /// The installed routes.
    pub fn routes(&self) -> &BTreeMap<IpNet, Vec<IpAddr>> {
        &self.installed
    }

    /// Makes the kernel hold `next_hops` for `prefix` (none: no route). Returns the change, if any.
    pub fn set(
        &mut self,
        sink: &mut impl RouteSink,
        prefix: IpNet,
        mut next_hops: Vec<IpAddr>,
    ) -> Result<Option<FibChange>, String> {
        next_hops.sort();
        next_hops.dedup();
        if next_hops.is_empty() {
            if self.installed.remove(&prefix).is_none() {
                return Ok(None);
            }
            sink.ip(&delete_args(prefix))?;
            return Ok(Some(FibChange::Removed(prefix)));
        }
        if self.installed.get(&prefix) == Some(&next_hops) {
            return Ok(None);
        }
        sink.ip(&replace_args(prefix, &next_hops))?;
        self.installed.insert(prefix, next_hops.clone());
        Ok(Some(FibChange::Installed(prefix, next_hops)))
    }

    /// Removes every route we installed (shutdown).
    pub fn clear(&mut self, sink: &mut impl RouteSink) -> Vec<FibChange> {
        let mut out = Vec::new();
        for prefix in std::mem::take(&mut self.installed).into_keys() {
            if let Err(e) = sink.ip(&delete_args(prefix)) {
                tracing::warn!("{e}");
            }
            out.push(FibChange::Removed(prefix));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Record(Vec<String>);
    impl RouteSink for Record {
        fn ip(&mut self, args: &[String]) -> Result<(), String> {
            self.0.push(args.join(" "));
            Ok(())
        }
    }

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ecmp_route_command() {
        let a = replace_args(
            net("10.100.0.0/16"),
            &[
                ip("192.168.111.11"),
                ip("192.168.111.12"),
                ip("192.168.111.13"),
            ],
        );
        assert_eq!(
            a.join(" "),
            "-4 route replace 10.100.0.0/16 proto 186 metric 20 nexthop via 192.168.111.11 \
             nexthop via 192.168.111.12 nexthop via 192.168.111.13"
        );
        let a = replace_args(net("172.26.0.0/16"), &[ip("fd00:111::1")]);
        assert_eq!(
            a.join(" "),
            "-4 route replace 172.26.0.0/16 proto 186 metric 20 nexthop via inet6 fd00:111::1"
        );
        assert_eq!(
            delete_args(net("fd00:1::/64")).join(" "),
            "-6 route del fd00:1::/64 proto 186 metric 20"
        );
    }

    #[test]
    fn fib_only_sends_changes() {
        let mut fib = Fib::default();
        let mut r = Record::default();
        let p = net("172.26.0.0/16");
        assert_eq!(
            fib.set(&mut r, p, vec![ip("192.168.111.1")]).unwrap(),
            Some(FibChange::Installed(p, vec![ip("192.168.111.1")]))
        );
        // Same next hops in another order: nothing to do.
        assert_eq!(
            fib.set(&mut r, p, vec![ip("192.168.111.1"), ip("192.168.111.1")])
                .unwrap(),
            None
        );
        assert_eq!(r.0.len(), 1);
        fib.set(&mut r, p, vec![ip("192.168.111.2"), ip("192.168.111.1")])
            .unwrap();
        assert!(
            r.0[1].ends_with("nexthop via 192.168.111.1 nexthop via 192.168.111.2"),
            "{}",
            r.0[1]
        );
        assert_eq!(
            fib.set(&mut r, p, vec![]).unwrap(),
            Some(FibChange::Removed(p))
        );
        assert_eq!(fib.set(&mut r, p, vec![]).unwrap(), None);
        assert_eq!(r.0.len(), 3);
        fib.set(&mut r, net("10.0.0.0/8"), vec![ip("1.1.1.1")])
            .unwrap();
        assert_eq!(
            fib.clear(&mut r),
            vec![FibChange::Removed(net("10.0.0.0/8"))]
        );
        assert!(fib.routes().is_empty());
        assert_eq!(
            r.0.last().unwrap(),
            "-4 route del 10.0.0.0/8 proto 186 metric 20"
        );
    }
}
