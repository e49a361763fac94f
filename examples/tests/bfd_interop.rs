//! `bfd-session` (bfd-proto's sans-IO session + the tokio transport) against FRR 8.4 bfdd in
//! network namespaces.
//!
//! - single hop IPv4 and IPv6, multihop IPv4: both sides come Up; then the path is cut without
//!   touching any endpoint's carrier (bridge down / router forwarding off, so only the BFD
//!   timers can notice) and both sides must detect it within Detect Mult × interval + 10 %.
//!   The measured times are printed.
//! - authentication: FRR 8.4 bfdd has no authentication configuration at all and discards
//!   every control packet with the A bit set, so an authenticated session with FRR never
//!   comes Up; the test pins that down (FRR counts the packets, stays down) and checks all
//!   five authentication types between two `bfd-session` processes instead.
//!
//! Skips without root/FRR (fails with REQUIRE_INTEROP=1), see `examples::lab`.

use std::time::{Duration, Instant};

use examples::bfd::wall_clock;
use examples::lab::{FrrDaemon, FrrRouter, Lab, Need, Netns, Proc, wait_for};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_bfd-session");
/// Timers of every session here: 100 ms × 3.
const INTERVAL_MS: u64 = 100;
const MULT: u64 = 3;
/// Detect Mult × interval + 10 %.
const DETECT_BUDGET_US: u128 = (MULT * INTERVAL_MS * 1000 * 110 / 100) as u128;

fn frr_config(bfd_peers: &str) -> String {
    format!(
        "frr defaults traditional\ndebug bfd peer\ndebug bfd network\n!\nbfd\n{bfd_peers}exit\n!\n"
    )
}

fn frr_peer(header: &str) -> String {
    format!(
        " {header}\n  receive-interval {INTERVAL_MS}\n  transmit-interval {INTERVAL_MS}\n  detect-multiplier {MULT}\n exit\n"
    )
}

/// Starts `bfd-session` in `ns` with debug logs.
fn start_ours(ns: &Netns, args: &[&str]) -> Proc {
    let ms = INTERVAL_MS.to_string();
    let mult = MULT.to_string();
    let mut all = vec![
        "env",
        "RUST_LOG=debug",
        BIN,
        "--receive-interval",
        &ms,
        "--transmit-interval",
        &ms,
        "--detect-multiplier",
        &mult,
    ];
    all.extend_from_slice(args);
    ns.spawn("bfd-session", &all)
}

/// The JSON state-change lines printed so far.
fn changes(p: &Proc) -> Vec<Value> {
    p.log()
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn wait_change(p: &Proc, after_us: u128, to: &str, timeout: Duration) -> Value {
    wait_for(timeout, || {
        changes(p).into_iter().find(|c| {
            c["to"] == to
                && c["ts_us"]
                    .as_u64()
                    .is_some_and(|t| u128::from(t) >= after_us)
        })
    })
    .unwrap_or_else(|| {
        panic!(
            "bfd-session did not go {to} within {timeout:?}\n{}",
            p.log_tail(40)
        )
    })
}

/// Microseconds since the epoch of an FRR log line's "YYYY/MM/DD HH:MM:SS.ffffff" prefix
/// (FRR logs local time; the lab machines run in UTC).
fn frr_log_time_us(line: &str) -> Option<u128> {
    let (date, rest) = line.split_once(' ')?;
    let time = rest.get(..15)?;
    let d: Vec<i64> = date
        .split('/')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let (hms, frac) = time.split_once('.')?;
    let t: Vec<i64> = hms
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let (y, m, day) = (d[0] - i64::from(d[1] <= 2), d[1], d[2]);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2];
    Some(secs as u128 * 1_000_000 + frac.parse::<u128>().ok()?)
}

/// The daemons' `--log file:` target keeps one-second timestamps; a second log file configured
/// with microsecond precision gives the detection timestamps.
fn precise_log(frr: &FrrRouter) -> std::path::PathBuf {
    frr.dir().join("precise.log")
}

fn start_frr(ns: &Netns, peers: &str) -> FrrRouter {
    let frr = FrrRouter::start(ns, &[FrrDaemon::Bfdd], &frr_config(peers));
    frr.configure(&format!(
        "log timestamp precision 6\nlog file {} debugging\n",
        precise_log(&frr).display()
    ));
    frr
}

/// Waits for bfdd's "state-change: [... peer:PEER ...] up -> down" debug line after `after_us`.
fn wait_frr_down(frr: &FrrRouter, peer: &str, after_us: u128, timeout: Duration) -> (u128, String) {
    let path = precise_log(frr);
    wait_for(timeout, || {
        let log = std::fs::read_to_string(&path).ok()?;
        log.lines().find_map(|l| {
            let t = frr_log_time_us(l)?;
            (t >= after_us
                && l.contains("state-change")
                && l.contains(&format!("peer:{peer} "))
                && l.contains("up -> down"))
            .then(|| (t, l.to_string()))
        })
    })
    .unwrap_or_else(|| {
        panic!(
            "FRR did not log {peer} up -> down\n{}",
            frr.log_tail(FrrDaemon::Bfdd, 30)
        )
    })
}

/// Both sides Up, then `cut()` and measure who notices when.
fn up_then_cut(
    test: &str,
    frr: &FrrRouter,
    ours: &Proc,
    frr_peer: &str,
    probe: impl FnOnce(),
    cut: impl FnOnce(),
    heal: impl FnOnce(),
) {
    let up = wait_change(ours, 0, "Up", Duration::from_secs(15));
    frr.wait_bfd_status(frr_peer, "up", Duration::from_secs(10));
    println!("{test}: Up ({}), FRR peer {frr_peer} up", up["ts"]);
    // Let both Poll Sequences (slow → fast timers) finish before measuring.
    std::thread::sleep(Duration::from_secs(2));
    let peers = frr.bfd_peers_json();
    let p = peers
        .as_array()
        .and_then(|a| a.iter().find(|p| p["peer"] == frr_peer))
        .cloned()
        .unwrap_or_default();
    assert_eq!(p["status"], "up", "{p}");
    assert_eq!(
        p["remote-transmit-interval"], INTERVAL_MS,
        "FRR sees our timers: {p}"
    );
    assert_eq!(p["remote-detect-multiplier"], MULT, "{p}");
    // Going Up changed our Desired Min TX (1 s -> 100 ms): our Poll was answered by FRR's Final.
    assert!(
        ours.log().contains("BFD poll sequence complete"),
        "{}",
        ours.log_tail(20)
    );

    // Anything the caller wants to check while Up, then the measured cut.
    probe();
    let (_, before) = wall_clock();
    cut();
    let (_, after) = wall_clock();
    let down = wait_change(ours, before, "Down", Duration::from_secs(5));
    assert_eq!(
        down["diagnostic"], "Control Detection Time Expired",
        "{down}"
    );
    // The cut took effect somewhere in [before, after]: each detection time lies in
    // [t - after, t - before]. The budget must hold for the part we can be sure of (t - after,
    // with the cut certainly in place); both bounds are printed.
    let ours_t = u128::from(down["ts_us"].as_u64().unwrap());
    let (frr_t, line) = wait_frr_down(frr, frr_peer, before, Duration::from_secs(5));
    let ms = |a: u128, b: u128| a.saturating_sub(b) as f64 / 1e3;
    println!(
        "{test}: path cut (cut command took {:.1} ms); bfd-session detected after {:.1}..{:.1} ms, \
         FRR after {:.1}..{:.1} ms (budget {:.1} ms = {MULT} x {INTERVAL_MS} ms + 10 %)\n  FRR: {line}",
        ms(after, before),
        ms(ours_t, after),
        ms(ours_t, before),
        ms(frr_t, after),
        ms(frr_t, before),
        DETECT_BUDGET_US as f64 / 1e3
    );
    assert!(
        line.contains("control-expired"),
        "FRR went down by its timer: {line}"
    );
    assert!(
        ours_t.saturating_sub(after) <= DETECT_BUDGET_US,
        "{test}: we detected too late"
    );
    assert!(
        frr_t.saturating_sub(after) <= DETECT_BUDGET_US,
        "{test}: FRR detected too late"
    );
    // The path was up when cut, so nothing can notice before most of a detection time.
    assert!(
        ours_t.saturating_sub(before) >= 150_000 && frr_t.saturating_sub(before) >= 150_000,
        "{test}: suspiciously early detection"
    );

    let (_, healed) = wall_clock();
    heal();
    wait_change(ours, healed, "Up", Duration::from_secs(15));
    frr.wait_bfd_status(frr_peer, "up", Duration::from_secs(10));
}

/// us(eth0) — wire(br0) — frr(eth0): a bridge in between, so "link down" (br0 down) stops
/// forwarding while both endpoints keep their carrier and only BFD can tell.
fn single_hop(test: &str, v6: bool) {
    let Some(lab) = Lab::new(test, &[Need::Frr]) else {
        return;
    };
    let us = lab.netns("us");
    let frr_ns = lab.netns("frr");
    let wire = lab.netns("wire");
    wire.bridge("br0");
    lab.link(&us, "eth0", &wire, "p-us");
    lab.link(&frr_ns, "eth0", &wire, "p-frr");
    wire.attach("p-us", "br0");
    wire.attach("p-frr", "br0");
    let (ours_ip, frr_ip, plen) = if v6 {
        ("fd00:10::2", "fd00:10::1", 64)
    } else {
        ("10.0.10.2", "10.0.10.1", 24)
    };
    us.addr_add("eth0", &format!("{ours_ip}/{plen}"));
    frr_ns.addr_add("eth0", &format!("{frr_ip}/{plen}"));
    assert!(
        us.wait_ping(frr_ip, Duration::from_secs(5)),
        "no connectivity"
    );

    let frr = start_frr(
        &frr_ns,
        &frr_peer(&format!("peer {ours_ip} interface eth0")),
    );
    let ours = start_ours(
        &us,
        &["--peer", frr_ip, "--local", ours_ip, "--interface", "eth0"],
    );
    let frr_ip_owned = frr_ip.to_string();
    let ours_ip_owned = ours_ip.to_string();
    up_then_cut(
        test,
        &frr,
        &ours,
        ours_ip,
        || {
            // A forged AdminDown from FRR's address but with TTL 254 (as if it had crossed a
            // router) must be discarded by our TTL check, not take us Down.
            frr_ns.run_in(move || send_with_ttl(&frr_ip_owned, &ours_ip_owned, 254));
            std::thread::sleep(Duration::from_millis(200));
            assert_eq!(
                changes(&ours).last().map(|c| c["to"].clone()),
                Some("Up".into())
            );
        },
        || {
            wire.ip(&["link", "set", "br0", "down"]);
        },
        || {
            wire.ip(&["link", "set", "br0", "up"]);
        },
    );
    let log = ours.log();
    assert!(
        log.contains("received TTL/hop limit 254, minimum 255"),
        "the TTL-254 packet was discarded for its TTL:\n{log}"
    );
    assert_eq!(
        log.matches("received TTL/hop limit").count(),
        1,
        "FRR's own packets all arrive with TTL 255"
    );
}

/// Sends an AdminDown control packet from `from` to `to`:3784 with IP TTL / hop limit `ttl`.
fn send_with_ttl(from: &str, to: &str, ttl: u32) {
    use bfd_proto::wire::Repr;
    use bfd_proto::{Diagnostic, State};
    use socket2::{Domain, Socket, Type};
    let from: std::net::IpAddr = from.parse().unwrap();
    let to: std::net::IpAddr = to.parse().unwrap();
    let repr = Repr {
        diagnostic: Diagnostic::AdministrativelyDown,
        state: State::AdminDown,
        poll: false,
        final_: false,
        control_plane_independent: false,
        demand: false,
        detect_mult: 3,
        my_discriminator: 0x7777,
        your_discriminator: 0,
        desired_min_tx_interval: 1_000_000,
        required_min_rx_interval: 100_000,
        required_min_echo_rx_interval: 0,
        auth: None,
    };
    let domain = if from.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let s = Socket::new(domain, Type::DGRAM, None).unwrap();
    if from.is_ipv4() {
        s.set_ttl_v4(ttl).unwrap();
    } else {
        s.set_unicast_hops_v6(ttl).unwrap();
    }
    s.bind(&std::net::SocketAddr::new(from, 49998).into())
        .unwrap();
    s.send_to(
        &repr.to_bytes(),
        &std::net::SocketAddr::new(to, 3784).into(),
    )
    .unwrap();
}

#[test]
fn single_hop_ipv4_up_and_detection() {
    single_hop("bfd_single_hop_v4", false);
}

#[test]
fn single_hop_ipv6_up_and_detection() {
    single_hop("bfd_single_hop_v6", true);
}

/// us — router — frr: multihop over one routed hop (TTL 254 on arrival, minimum TTL 254).
/// The cut is the router's forwarding switched off.
#[test]
fn multihop_ipv4_up_and_detection() {
    let test = "bfd_multihop_v4";
    let Some(lab) = Lab::new(test, &[Need::Frr]) else {
        return;
    };
    let us = lab.netns("us");
    let router = lab.netns("router");
    let frr_ns = lab.netns("frr");
    lab.link(&us, "eth0", &router, "eth0");
    lab.link(&router, "eth1", &frr_ns, "eth0");
    us.addr_add("eth0", "10.0.1.2/24");
    router.addr_add("eth0", "10.0.1.1/24");
    router.addr_add("eth1", "10.0.2.1/24");
    frr_ns.addr_add("eth0", "10.0.2.2/24");
    router.enable_forwarding();
    us.route_add("10.0.2.0/24 via 10.0.1.1");
    frr_ns.route_add("10.0.1.0/24 via 10.0.2.1");
    assert!(
        us.wait_ping("10.0.2.2", Duration::from_secs(5)),
        "no routed connectivity"
    );

    let frr = start_frr(
        &frr_ns,
        &frr_peer("peer 10.0.1.2 multihop local-address 10.0.2.2"),
    );
    let ours = start_ours(
        &us,
        &[
            "--multihop",
            "--peer",
            "10.0.2.2",
            "--local",
            "10.0.1.2",
            "--minimum-ttl",
            "254",
        ],
    );
    up_then_cut(
        test,
        &frr,
        &ours,
        "10.0.1.2",
        || {},
        || router.sysctl("net.ipv4.ip_forward", "0"),
        || router.sysctl("net.ipv4.ip_forward", "1"),
    );
    // FRR slows its timers while Up: it runs a Poll Sequence, we answer with Final and adopt
    // them (our TX = max(ours 100, FRR's RX 200); detection = 3 x max(our RX 100, FRR TX 200)).
    frr.configure(
        "bfd\n peer 10.0.1.2 multihop local-address 10.0.2.2\n  receive-interval 200\n  transmit-interval 200\n exit\nexit\n",
    );
    assert!(
        wait_for(Duration::from_secs(5), || {
            let log = ours.log();
            log.lines()
                .any(|l| l.contains("tx_interval_ms=200") && l.contains("detection_time_ms=600"))
                .then_some(())
        })
        .is_some(),
        "we did not adopt FRR's new timers:\n{}",
        ours.log_tail(30)
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(frr.bfd_peer_status("10.0.1.2").as_deref(), Some("up"));
    assert_eq!(
        changes(&ours).last().map(|c| c["to"].clone()),
        Some("Up".into())
    );
    println!("{test}: FRR changed its timers to 200 ms while Up; Poll/Final done, still Up");
    let p = frr.vtysh_json("show bfd peers json");
    let p = p
        .as_array()
        .and_then(|a| a.iter().find(|p| p["peer"] == "10.0.1.2"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(p["multihop"], true, "{p}");
}

/// A direct link us(eth0) — frr(eth0) with a plain FRR single-hop peer.
fn direct(lab: &Lab) -> (Netns, FrrRouter) {
    let us = lab.netns("us");
    let frr_ns = lab.netns("frr");
    lab.link(&us, "eth0", &frr_ns, "eth0");
    us.addr_add("eth0", "10.0.20.2/24");
    frr_ns.addr_add("eth0", "10.0.20.1/24");
    let frr = start_frr(&frr_ns, &frr_peer("peer 10.0.20.2 interface eth0"));
    (us, frr)
}

/// What FRR 8.4 bfdd does with authentication, pinned down:
///
/// - it cannot be configured: there is no `authentication` command under `bfd / peer`;
/// - it never sends an Authentication Section (A bit clear);
/// - it does not verify received ones: a packet with the A bit and a Keyed SHA1 section whose
///   hash is garbage is processed like an unauthenticated one (bfdd goes Down -> Init).
///
/// So no authentication type interoperates: with auth configured on our side FRR accepts our
/// packets (unverified) and reaches Init, while we discard FRR's unauthenticated packets
/// (§6.8.6: A bit clear but authentication in use) and stay Down.
#[test]
fn frr_ignores_authentication() {
    let test = "bfd_frr_auth";
    let Some(lab) = Lab::new(test, &[Need::Frr]) else {
        return;
    };
    let (us, frr) = direct(&lab);
    let out = frr.vtysh_output(&[
        "configure terminal",
        "bfd",
        "peer 10.0.20.2 interface eth0",
        "authentication simple",
    ]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Unknown command"),
        "FRR accepted an auth command: {text}"
    );
    assert_eq!(frr.bfd_peer_status("10.0.20.2").as_deref(), Some("down"));

    // One hand-made Down packet with a Keyed SHA1 section and an all-zero (wrong) hash.
    let bogus_discr = 0x00c0_ffee;
    us.run_in(move || send_bogus_sha1(bogus_discr));
    assert!(
        wait_for(Duration::from_secs(3), || (frr
            .bfd_peer_status("10.0.20.2")
            .as_deref()
            == Some("init"))
        .then_some(()))
        .is_some(),
        "FRR did not act on the unverifiable packet: {:?}",
        frr.bfd_peer_status("10.0.20.2")
    );
    let peers = frr.bfd_peers_json();
    let p = peers
        .as_array()
        .and_then(|a| a.iter().find(|p| p["peer"] == "10.0.20.2"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        p["remote-id"], bogus_discr,
        "FRR took the discriminator from it: {p}"
    );
    println!(
        "{test}: FRR accepted a Keyed SHA1 packet with a zero hash: status init, remote-id {:#x}",
        bogus_discr
    );

    for (auth_type, key) in [("simple", "secret"), ("keyed-sha1", "sha1-secret-key")] {
        let before = counters(&frr, "10.0.20.2");
        let ours = start_ours(
            &us,
            &[
                "--peer",
                "10.0.20.1",
                "--auth-type",
                auth_type,
                "--auth-key",
                key,
            ],
        );
        // 4 s: several Down packets at the 1 s slow rate, and FRR's replies.
        std::thread::sleep(Duration::from_secs(4));
        let after = counters(&frr, "10.0.20.2");
        let status = frr.bfd_peer_status("10.0.20.2");
        let log = ours.log();
        ours.kill();
        println!(
            "{test}: {auth_type}: FRR status {status:?}, FRR control packets in {before} -> {after}"
        );
        assert!(
            after > before,
            "{auth_type}: our packets reached bfdd ({before} -> {after})"
        );
        assert_eq!(
            status.as_deref(),
            Some("init"),
            "{auth_type}: FRR processes our packets but cannot reach Up"
        );
        assert!(
            !changes_in(&log).iter().any(|c| c["to"] == "Up"),
            "{auth_type}: we came Up without auth"
        );
        assert!(
            log.contains("A bit at offset 1 is clear but the session requires"),
            "{auth_type}: FRR sends no authentication and we discard it:\n{log}"
        );
    }
    // Without authentication the same pair comes Up: only authentication was in the way.
    let ours = start_ours(&us, &["--peer", "10.0.20.1"]);
    wait_change(&ours, 0, "Up", Duration::from_secs(15));
    frr.wait_bfd_status("10.0.20.2", "up", Duration::from_secs(10));
    // SIGTERM: bfd-session signs off with AdminDown (§6.8.16) and FRR records why.
    ours.kill();
    frr.wait_bfd_status("10.0.20.2", "down", Duration::from_secs(2));
    let peers = frr.bfd_peers_json();
    let p = peers
        .as_array()
        .and_then(|a| a.iter().find(|p| p["peer"] == "10.0.20.2"))
        .cloned()
        .unwrap_or_default();
    assert!(
        p["remote-diagnostic"]
            .as_str()
            .is_some_and(|d| d.contains("admin")),
        "FRR saw our AdminDown: {p}"
    );
}

/// Sends one Down control packet with an unsigned Keyed SHA1 section to 10.0.20.1:3784 with
/// TTL 255 (runs inside the `us` namespace).
fn send_bogus_sha1(my_discriminator: u32) {
    use bfd_proto::wire::Repr;
    use bfd_proto::wire::auth::{AuthKey, AuthSection, AuthType};
    use bfd_proto::{Diagnostic, State};
    let key = AuthKey::new(AuthType::KeyedSha1, 1, b"anything").unwrap();
    let repr = Repr {
        diagnostic: Diagnostic::NoDiagnostic,
        state: State::Down,
        poll: false,
        final_: false,
        control_plane_independent: false,
        demand: false,
        detect_mult: 3,
        my_discriminator,
        your_discriminator: 0,
        desired_min_tx_interval: 1_000_000,
        required_min_rx_interval: 100_000,
        required_min_echo_rx_interval: 0,
        auth: Some(AuthSection::unsigned(&key, 1)),
    };
    let bytes = repr.to_bytes();
    assert_eq!(
        (bytes.len(), bytes[1] & 0x04, &bytes[32..52]),
        (52, 0x04, &[0u8; 20][..])
    );
    let sock = std::net::UdpSocket::bind("10.0.20.2:49999").unwrap();
    sock.set_ttl(255).unwrap();
    sock.send_to(&bytes, "10.0.20.1:3784").unwrap();
}

fn changes_in(log: &str) -> Vec<Value> {
    log.lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// bfdd's received-control-packet counter for `peer`.
fn counters(frr: &FrrRouter, peer: &str) -> u64 {
    let v = frr.vtysh_json(&format!(
        "show bfd peer {peer} interface eth0 counters json"
    ));
    v["control-packet-input"]
        .as_u64()
        .unwrap_or_else(|| panic!("no counters: {v}"))
}

/// All five authentication types between two `bfd-session` processes over real sockets
/// (FRR 8.4 cannot take part, see above): Up within a few seconds, and a wrong key never.
#[test]
fn authentication_between_two_bfd_sessions() {
    let test = "bfd_auth_self";
    let Some(lab) = Lab::new(test, &[]) else {
        return;
    };
    let a = lab.netns("a");
    let b = lab.netns("b");
    lab.link(&a, "eth0", &b, "eth0");
    a.addr_add("eth0", "10.0.30.1/24");
    b.addr_add("eth0", "10.0.30.2/24");
    for (auth_type, key) in [
        ("simple", "pw"),
        ("keyed-md5", "md5-secret"),
        ("meticulous-keyed-md5", "md5-secret"),
        ("keyed-sha1", "sha1-secret-key"),
        ("meticulous-keyed-sha1", "sha1-secret-key"),
    ] {
        let start = Instant::now();
        let pa = start_ours(
            &a,
            &[
                "--peer",
                "10.0.30.2",
                "--auth-type",
                auth_type,
                "--auth-key",
                key,
            ],
        );
        let pb = start_ours(
            &b,
            &[
                "--peer",
                "10.0.30.1",
                "--auth-type",
                auth_type,
                "--auth-key",
                key,
            ],
        );
        wait_change(&pa, 0, "Up", Duration::from_secs(10));
        wait_change(&pb, 0, "Up", Duration::from_secs(10));
        // And it stays Up through the fast timers (sequence numbers keep verifying).
        std::thread::sleep(Duration::from_secs(2));
        for p in [&pa, &pb] {
            let c = changes(p);
            assert_eq!(
                c.last().map(|c| c["to"].clone()),
                Some("Up".into()),
                "{auth_type}: {c:?}"
            );
        }
        println!("{test}: {auth_type}: both Up after {:?}", start.elapsed());
        pa.kill();
        pb.kill();
    }
    let pa = start_ours(
        &a,
        &[
            "--peer",
            "10.0.30.2",
            "--auth-type",
            "keyed-sha1",
            "--auth-key",
            "one",
        ],
    );
    let pb = start_ours(
        &b,
        &[
            "--peer",
            "10.0.30.1",
            "--auth-type",
            "keyed-sha1",
            "--auth-key",
            "two",
        ],
    );
    std::thread::sleep(Duration::from_secs(4));
    for p in [&pa, &pb] {
        assert!(
            changes(p).iter().all(|c| c["to"] != "Up"),
            "mismatched keys came Up"
        );
        assert!(
            p.log()
                .contains("Keyed SHA1 digest at offset 32 does not verify"),
            "{}",
            p.log_tail(20)
        );
    }
}
