//! Rendering a [`Config`] to the text FRR reads, byte for byte what frr-k8s's templates produce
//! (`internal/frr/templates/*.tmpl`), including their blank and space-only lines, so that diffs
//! against frr-k8s output and its goldens are empty.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::{
    AddressFamily, AdvertisePrefix, AdvertiseVnis, BfdProfile, Community, Config, IncomingFilter,
    IpFamily, LogLevel, NeighborConfig, PrefixList, RouterConfig,
};

/// The `debug` lines frr-k8s adds at the `debugging` log level.
const DEBUG_LINES: [&str; 13] = [
    "debug zebra events",
    "debug zebra nht",
    "debug zebra kernel",
    "debug zebra rib",
    "debug zebra nexthop",
    "debug bgp neighbor-events",
    "debug bgp updates",
    "debug bgp keepalives",
    "debug bgp nht",
    "debug bgp zebra",
    "debug bfd network",
    "debug bfd peer",
    "debug bfd zebra",
];

/// Renders the whole configuration file.
pub fn render(config: &Config) -> String {
    let mut r = Renderer {
        out: String::with_capacity(4096),
        counters: HashMap::new(),
    };
    r.file(config);
    r.out
}

/// The per-render counters (frr-k8s's `counter` template function): one sequence per name,
/// so prefix-list seqs run per list and route-map entries per neighbor ID.
struct Renderer {
    out: String,
    counters: HashMap<String, u32>,
}

impl Renderer {
    fn next(&mut self, key: &str) -> u32 {
        if let Some(c) = self.counters.get_mut(key) {
            *c += 1;
            return *c;
        }
        self.counters.insert(key.to_string(), 1);
        1
    }

    fn s(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn file(&mut self, c: &Config) {
        let _ = write!(
            self.out,
            "log stdout {}\nlog timestamp precision 3",
            c.loglevel.as_str()
        );
        if c.loglevel == LogLevel::Debugging {
            for line in DEBUG_LINES {
                self.s("\n");
                self.s(line);
            }
        }
        let _ = write!(
            self.out,
            "\nhostname {}\nip nht resolve-via-default\nipv6 nht resolve-via-default",
            c.hostname
        );
        for router in &c.routers {
            for n in &router.neighbors {
                self.s("\n");
                self.filters(n);
            }
        }
        for router in &c.routers {
            if let Some(l3) = router.evpn.as_ref().and_then(|e| e.l3_vni.as_ref())
                && !router.vrf.is_empty()
            {
                let _ = write!(
                    self.out,
                    "\n\nvrf {}\n  vni {}\nexit-vrf",
                    router.vrf, l3.vni
                );
            }
        }
        self.s("\n\n");
        for router in &c.routers {
            self.router(router);
        }
        if !c.bfd_profiles.is_empty() {
            self.s("\nbfd");
            for p in &c.bfd_profiles {
                self.bfd_profile(p);
            }
        }
        if !c.extra_config.is_empty() {
            self.s("\n");
            self.s(&c.extra_config);
        }
        self.s("\n");
    }

    fn prefix_list_line(&mut self, family: &str, name: &str, action: impl std::fmt::Display) {
        let seq = self.next(name);
        let _ = write!(self.out, "\n{family} prefix-list {name} seq {seq} {action}");
    }

    /// An allowed-prefixes list: `deny any` when empty, else one `permit` per prefix. The
    /// counter is looked up once for the whole block.
    fn prefix_list_block(&mut self, family: &str, name: &str, prefixes: &[ipnet::IpNet]) {
        if prefixes.is_empty() {
            self.prefix_list_line(family, name, "deny any");
            return;
        }
        let mut seq = self.counters.get(name).copied().unwrap_or(0);
        for p in prefixes {
            seq += 1;
            let _ = write!(
                self.out,
                "\n{family} prefix-list {name} seq {seq} permit {p}"
            );
        }
        self.counters.insert(name.to_string(), seq);
    }

    fn filter_line(&mut self, name: &str, f: &IncomingFilter) {
        let seq = self.next(name);
        let kw = f.ip_family.keyword().as_str();
        let _ = write!(self.out, "\n{kw} prefix-list {name} seq {seq} permit ");
        match crate::policy::filter_matcher(f) {
            // route-policy's matcher with frr-k8s's option: `le` before `ge`.
            Some(m) => {
                let text = route_policy::render::render_prefix_matcher(
                    &m,
                    &route_policy::RenderOptions::frr_k8s(),
                );
                self.s(&text);
            }
            // Lengths FRR cannot hold: written as given (FRR rejects the line).
            None => {
                let _ = write!(self.out, "{}", f.prefix);
                if f.le != 0 {
                    let _ = write!(self.out, " le {}", f.le);
                }
                if f.ge != 0 {
                    let _ = write!(self.out, " ge {}", f.ge);
                }
            }
        }
    }

    /// Prefix lists and route maps of one neighbor (`filters.tmpl`).
    fn filters(&mut self, n: &NeighborConfig) {
        let id = n.id();
        let out = &n.outgoing;

        // Local-pref and community modifiers, sorted together by list name.
        let mut modifiers: Vec<(&PrefixList, String)> = Vec::new();
        for m in &out.local_pref_prefixes_modifiers {
            modifiers.push((&m.list, format!("set local-preference {}", m.local_pref)));
        }
        for m in &out.community_prefixes_modifiers {
            let set = match m.community {
                Community::Standard(..) => {
                    format!("set community {} additive", m.community.value())
                }
                Community::Large(..) => {
                    format!("set large-community {} additive", m.community.value())
                }
            };
            modifiers.push((&m.list, set));
        }
        modifiers.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        for (list, set) in modifiers {
            let fam = list.ip_family.as_str();
            for p in list.sorted_prefixes() {
                self.prefix_list_line(fam, &list.name, format_args!("permit {p}"));
            }
            let seq = self.next(&id);
            let _ = write!(
                self.out,
                "\n\nroute-map {id}-out permit {seq}\n  match {fam} address prefix-list {}\n  {set}\n  on-match next\n",
                list.name
            );
        }

        self.s("\n\n");
        let allowed_v4 = format!("{id}-allowed-ipv4");
        self.prefix_list_block("ip", &allowed_v4, &out.prefixes_v4);
        self.s("\n\n");
        let allowed_v6 = format!("{id}-allowed-ipv6");
        self.prefix_list_block("ipv6", &allowed_v6, &out.prefixes_v6);
        let seq = self.next(&id);
        let _ = write!(
            self.out,
            "\n\nroute-map {id}-out permit {seq}\n  match ip address prefix-list {allowed_v4}"
        );
        if let Some(nh) = out.next_hop_v4 {
            let _ = write!(self.out, "\n  set ip next-hop {nh}");
        }
        let seq = self.next(&id);
        let _ = write!(
            self.out,
            "\n\nroute-map {id}-out permit {seq}\n  match ipv6 address prefix-list {allowed_v6}"
        );
        if let Some(nh) = out.next_hop_v6 {
            let _ = write!(self.out, "\n  set ipv6 next-hop global {nh}");
        }
        self.s("\n\n\n\n");

        let inpl = format!("{id}-inpl-{}", n.ip_family.as_str());
        let incoming = &n.incoming;
        for f in incoming.prefixes_v4.iter().chain(&incoming.prefixes_v6) {
            self.filter_line(&inpl, f);
        }
        if incoming.all {
            self.prefix_list_line("ip", &inpl, "permit any");
            self.prefix_list_line("ipv6", &inpl, "permit any");
            self.s("\n");
        } else {
            self.s("\n");
            if incoming.prefixes_v4.is_empty() {
                self.prefix_list_line("ip", &inpl, "deny any");
            }
            self.s("\n");
            if incoming.prefixes_v6.is_empty() {
                self.prefix_list_line("ipv6", &inpl, "deny any");
            }
        }
        if !n.always_block.is_empty() {
            let denied = format!("{id}-denied-inpl-{}", n.ip_family.as_str());
            self.s("\n\n");
            for f in &n.always_block {
                self.filter_line(&denied, f);
            }
            let a = self.next(&id);
            let b = self.next(&id);
            let _ = write!(
                self.out,
                "\n\nroute-map {id}-in deny {a}\n  match ip address prefix-list {denied}\nroute-map {id}-in deny {b}\n  match ipv6 address prefix-list {denied}"
            );
        }
        let a = self.next(&id);
        let b = self.next(&id);
        let _ = write!(
            self.out,
            "\nroute-map {id}-in permit {a}\n  match ip address prefix-list {inpl}\nroute-map {id}-in permit {b}\n  match ipv6 address prefix-list {inpl}"
        );
    }

    fn router(&mut self, r: &RouterConfig) {
        let _ = write!(self.out, "router bgp {}", r.my_asn);
        if !r.vrf.is_empty() {
            let _ = write!(self.out, " vrf {}", r.vrf);
        }
        self.s(
            "\n  no bgp ebgp-requires-policy\n  no bgp network import-check\n  no bgp default ipv4-unicast\n  bgp graceful-restart preserve-fw-state\n",
        );
        if let Some(id) = r.router_id {
            let _ = write!(self.out, "\n  bgp router-id {id}");
        }
        if !r.import_vrfs.is_empty() {
            for fam in ["ipv4", "ipv6"] {
                let _ = write!(self.out, "\n  address-family {fam} unicast");
                for v in &r.import_vrfs {
                    let _ = write!(self.out, "\n    import vrf {v}");
                }
                self.s("\n  exit-address-family");
            }
        }
        for n in &r.neighbors {
            self.session(n, r.my_asn);
        }
        for n in &r.neighbors {
            self.s("\n");
            for fam in [IpFamily::Ipv4, IpFamily::Ipv6] {
                if n.unicast_active(fam) {
                    let p = n.peer();
                    let id = n.id();
                    let _ = write!(
                        self.out,
                        "\n  address-family {} unicast\n    neighbor {p} activate\n    neighbor {p} route-map {id}-in in\n    neighbor {p} route-map {id}-out out\n  exit-address-family",
                        fam.as_str()
                    );
                }
            }
        }
        for (fam, prefixes) in [("ipv4", &r.ipv4_prefixes), ("ipv6", &r.ipv6_prefixes)] {
            if !prefixes.is_empty() {
                let _ = write!(self.out, "\n  address-family {fam} unicast");
                for p in prefixes {
                    let _ = write!(self.out, "\n    network {p}");
                }
                self.s("\n  exit-address-family\n");
            }
        }
        if r.evpn.is_some() {
            self.evpn(r);
        }
        self.s("\n");
    }

    /// Session lines of one neighbor (`neighborsession.tmpl`).
    fn session(&mut self, n: &NeighborConfig, my_asn: u32) {
        let p = n.peer();
        if !n.iface.is_empty() {
            let _ = write!(self.out, "\n  neighbor {p} interface remote-as {}", n.asn);
        } else {
            let _ = write!(self.out, "\n  neighbor {p} remote-as {}", n.asn);
        }
        if n.ebgp_multi_hop {
            let _ = write!(self.out, "\n  neighbor {p} ebgp-multihop");
        }
        if n.local_asn != 0 {
            let _ = write!(
                self.out,
                "\n  neighbor {p} local-as {} no-prepend replace-as",
                n.local_asn
            );
        }
        self.s("\n  ");
        if let Some(port) = n.port {
            let _ = write!(self.out, "neighbor {p} port {port}");
        }
        self.s("\n  ");
        if let (Some(hold), Some(keepalive)) = (n.hold_time, n.keepalive_time) {
            let _ = write!(self.out, "\n  neighbor {p} timers {keepalive} {hold}");
        }
        if let Some(connect) = n.connect_time {
            let _ = write!(self.out, "\n  neighbor {p} timers connect {connect}");
        }
        self.s("\n  ");
        if !n.password.is_empty() {
            let _ = write!(self.out, "neighbor {p} password {}", n.password.expose());
        }
        self.s("\n  ");
        if let Some(src) = n.src_addr {
            let _ = write!(self.out, "neighbor {p} update-source {src}");
        }
        if n.graceful_restart {
            let _ = write!(self.out, "\n  neighbor {p} graceful-restart");
        }
        if !n.bfd_profile.is_empty() {
            let _ = write!(
                self.out,
                "\n  neighbor {p} bfd\n  neighbor {p} bfd profile {}",
                n.bfd_profile
            );
        }
        if n.disable_connected_check(my_asn) {
            let addr = n.addr.map(|a| a.to_string()).unwrap_or_default();
            let _ = write!(self.out, "\n  neighbor {addr} disable-connected-check");
        }
    }

    /// The `address-family l2vpn evpn` block (`evpn.tmpl`).
    fn evpn(&mut self, r: &RouterConfig) {
        let Some(e) = &r.evpn else { return };
        self.s("\n  address-family l2vpn evpn");
        for n in &r.neighbors {
            if n.address_families.contains(&AddressFamily::Evpn) {
                let _ = write!(self.out, "\n    neighbor {} activate", n.peer());
            }
        }
        if e.advertise_vnis == Some(AdvertiseVnis::All) {
            self.s("\n    advertise-all-vni");
        }
        if e.advertise_svi {
            self.s("\n    advertise-svi-ip");
        }
        for l2 in &e.l2_vnis {
            if l2.props.is_empty() {
                continue;
            }
            let _ = write!(self.out, "\n    vni {}", l2.vni);
            if !l2.props.rd.is_empty() {
                let _ = write!(self.out, "\n      rd {}", l2.props.rd);
            }
            for rt in &l2.props.import_rts {
                let _ = write!(self.out, "\n      route-target import {rt}");
            }
            for rt in &l2.props.export_rts {
                let _ = write!(self.out, "\n      route-target export {rt}");
            }
            self.s("\n    exit-vni");
        }
        if let Some(l3) = &e.l3_vni {
            for a in &l3.advertise_prefixes {
                match a {
                    AdvertisePrefix::Unicast => {
                        self.s("\n    advertise ipv4 unicast\n    advertise ipv6 unicast")
                    }
                }
            }
            if !l3.props.rd.is_empty() {
                let _ = write!(self.out, "\n    rd {}", l3.props.rd);
            }
            for rt in &l3.props.import_rts {
                let _ = write!(self.out, "\n    route-target import {rt}");
            }
            for rt in &l3.props.export_rts {
                let _ = write!(self.out, "\n    route-target export {rt}");
            }
        }
        self.s("\n  exit-address-family\n");
    }

    fn bfd_profile(&mut self, p: &BfdProfile) {
        let _ = write!(self.out, "\n  profile {}\n    ", p.name);
        if let Some(v) = p.receive_interval {
            let _ = write!(self.out, "receive-interval {v}\n    ");
        }
        if let Some(v) = p.transmit_interval {
            let _ = write!(self.out, "transmit-interval {v}\n    ");
        }
        if let Some(v) = p.detect_multiplier {
            let _ = write!(self.out, "detect-multiplier {v}\n    ");
        }
        if p.echo_mode {
            self.s("echo-mode\n    ");
        }
        if let Some(v) = p.echo_interval {
            let _ = write!(
                self.out,
                "echo transmit-interval {v}\n    echo receive-interval {v}\n    "
            );
        }
        if p.passive_mode {
            self.s("passive-mode\n    ");
        }
        if let Some(v) = p.minimum_ttl {
            let _ = write!(self.out, "minimum-ttl {v}\n    ");
        }
    }
}
