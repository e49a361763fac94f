//! OPEN capabilities (RFC 5492), one type per capability; unknown codes keep their bytes.
//!
//! A capability whose value is malformed is kept as [`Capability::Unknown`] rather than failing
//! the OPEN: RFC 5492 lets a speaker ignore capabilities it cannot use.

use std::fmt;

use crate::wire::codec::Reader;
use crate::wire::family::{Afi, AfiSafi, Safi};

/// Capability codes (IANA "Capability Codes").
pub mod code {
    /// Multiprotocol Extensions (RFC 4760).
    pub const MULTIPROTOCOL: u8 = 1;
    /// Route Refresh (RFC 2918).
    pub const ROUTE_REFRESH: u8 = 2;
    /// Extended Next Hop Encoding (RFC 8950).
    pub const EXTENDED_NEXT_HOP: u8 = 5;
    /// BGP Extended Message (RFC 8654).
    pub const EXTENDED_MESSAGE: u8 = 6;
    /// BGP Role (RFC 9234).
    pub const ROLE: u8 = 9;
    /// Graceful Restart (RFC 4724).
    pub const GRACEFUL_RESTART: u8 = 64;
    /// 4-octet AS number (RFC 6793).
    pub const FOUR_OCTET_AS: u8 = 65;
    /// ADD-PATH (RFC 7911).
    pub const ADD_PATH: u8 = 69;
    /// Enhanced Route Refresh (RFC 7313).
    pub const ENHANCED_ROUTE_REFRESH: u8 = 70;
    /// Long-Lived Graceful Restart (RFC 9494).
    pub const LONG_LIVED_GRACEFUL_RESTART: u8 = 71;
    /// FQDN / hostname (draft-walton-bgp-hostname-capability).
    pub const FQDN: u8 = 73;
    /// Software version (draft-abraitis-bgp-version-capability).
    pub const SOFTWARE_VERSION: u8 = 75;
}

/// One RFC 8950 tuple: NLRI of `afi`/`safi` may carry a next hop of `next_hop_afi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExtendedNextHop {
    /// NLRI AFI.
    pub afi: Afi,
    /// NLRI SAFI (two octets on the wire).
    pub safi: u16,
    /// Next hop AFI.
    pub next_hop_afi: Afi,
}

/// BGP Role values (RFC 9234 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
    /// 0: Provider.
    Provider,
    /// 1: Route Server.
    RouteServer,
    /// 2: Route Server Client.
    RouteServerClient,
    /// 3: Customer.
    Customer,
    /// 4: Lateral Peer.
    Peer,
    /// Unassigned value.
    Other(u8),
}

impl Role {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Role {
        match v {
            0 => Role::Provider,
            1 => Role::RouteServer,
            2 => Role::RouteServerClient,
            3 => Role::Customer,
            4 => Role::Peer,
            n => Role::Other(n),
        }
    }
    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Role::Provider => 0,
            Role::RouteServer => 1,
            Role::RouteServerClient => 2,
            Role::Customer => 3,
            Role::Peer => 4,
            Role::Other(n) => n,
        }
    }
    /// The role a correctly configured peer must have opposite `self` (RFC 9234 §4.2).
    pub fn expected_peer_role(self) -> Option<Role> {
        Some(match self {
            Role::Provider => Role::Customer,
            Role::Customer => Role::Provider,
            Role::RouteServer => Role::RouteServerClient,
            Role::RouteServerClient => Role::RouteServer,
            Role::Peer => Role::Peer,
            Role::Other(_) => return None,
        })
    }
}

/// Per-family Graceful Restart state (RFC 4724 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GracefulRestartFamily {
    /// The family.
    pub family: AfiSafi,
    /// Flags octet; bit 0x80 = forwarding state preserved.
    pub flags: u8,
}

impl GracefulRestartFamily {
    /// Forwarding state preserved across the restart (F bit).
    pub fn forwarding_preserved(&self) -> bool {
        self.flags & 0x80 != 0
    }
}

/// Graceful Restart capability (RFC 4724 §3, RFC 8538 §2 for the N bit).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GracefulRestart {
    /// The 4 restart flag bits (0x8 = Restart State R, 0x4 = Notification N).
    pub restart_flags: u8,
    /// Restart time in seconds (12 bits).
    pub restart_time: u16,
    /// Families whose state is preserved.
    pub families: Vec<GracefulRestartFamily>,
}

impl GracefulRestart {
    /// R bit: the speaker has restarted.
    pub fn restart_state(&self) -> bool {
        self.restart_flags & 0x8 != 0
    }
    /// N bit: graceful restart also applies to NOTIFICATIONs (RFC 8538).
    pub fn notification(&self) -> bool {
        self.restart_flags & 0x4 != 0
    }
}

/// ADD-PATH direction (RFC 7911 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AddPathMode {
    /// 1: able to receive multiple paths.
    Receive,
    /// 2: able to send multiple paths.
    Send,
    /// 3: both.
    Both,
    /// Any other value (to be ignored per RFC 7911).
    Other(u8),
}

impl AddPathMode {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            1 => AddPathMode::Receive,
            2 => AddPathMode::Send,
            3 => AddPathMode::Both,
            n => AddPathMode::Other(n),
        }
    }
    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            AddPathMode::Receive => 1,
            AddPathMode::Send => 2,
            AddPathMode::Both => 3,
            AddPathMode::Other(n) => n,
        }
    }
    /// Includes receiving.
    pub fn can_receive(self) -> bool {
        matches!(self, AddPathMode::Receive | AddPathMode::Both)
    }
    /// Includes sending.
    pub fn can_send(self) -> bool {
        matches!(self, AddPathMode::Send | AddPathMode::Both)
    }
}

/// One ADD-PATH tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AddPathFamily {
    /// The family.
    pub family: AfiSafi,
    /// Send/receive.
    pub mode: AddPathMode,
}

/// One Long-Lived Graceful Restart tuple (RFC 9494 §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LlgrFamily {
    /// The family.
    pub family: AfiSafi,
    /// Flags (0x80 = forwarding state preserved).
    pub flags: u8,
    /// Long-lived stale time in seconds (24 bits).
    pub stale_time: u32,
}

/// A capability advertised in OPEN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Capability {
    /// 1: Multiprotocol Extensions for one family.
    Multiprotocol(AfiSafi),
    /// 2: Route Refresh.
    RouteRefresh,
    /// 5: Extended Next Hop Encoding.
    ExtendedNextHop(Vec<ExtendedNextHop>),
    /// 6: Extended Message (65535-octet messages).
    ExtendedMessage,
    /// 9: BGP Role.
    Role(Role),
    /// 64: Graceful Restart.
    GracefulRestart(GracefulRestart),
    /// 65: 4-octet AS number: the speaker's real AS.
    FourOctetAs(u32),
    /// 69: ADD-PATH.
    AddPath(Vec<AddPathFamily>),
    /// 70: Enhanced Route Refresh.
    EnhancedRouteRefresh,
    /// 71: Long-Lived Graceful Restart.
    LongLivedGracefulRestart(Vec<LlgrFamily>),
    /// 73: hostname and domain name.
    Fqdn {
        /// Host name.
        hostname: String,
        /// Domain name (often empty).
        domain: String,
    },
    /// 75: software version string.
    SoftwareVersion(String),
    /// Any other code, or a known code with a value this crate could not parse.
    Unknown {
        /// Capability code.
        code: u8,
        /// Raw value.
        value: Vec<u8>,
    },
}

fn afi_safi(r: &mut Reader<'_>) -> Option<AfiSafi> {
    let afi = Afi(r.u16("AFI").ok()?);
    let safi = Safi(r.u8("SAFI").ok()?);
    Some(AfiSafi::new(afi, safi))
}

fn string_of(b: &[u8]) -> Option<String> {
    String::from_utf8(b.to_vec()).ok()
}

impl Capability {
    /// The capability code.
    pub fn code(&self) -> u8 {
        match self {
            Capability::Multiprotocol(_) => code::MULTIPROTOCOL,
            Capability::RouteRefresh => code::ROUTE_REFRESH,
            Capability::ExtendedNextHop(_) => code::EXTENDED_NEXT_HOP,
            Capability::ExtendedMessage => code::EXTENDED_MESSAGE,
            Capability::Role(_) => code::ROLE,
            Capability::GracefulRestart(_) => code::GRACEFUL_RESTART,
            Capability::FourOctetAs(_) => code::FOUR_OCTET_AS,
            Capability::AddPath(_) => code::ADD_PATH,
            Capability::EnhancedRouteRefresh => code::ENHANCED_ROUTE_REFRESH,
            Capability::LongLivedGracefulRestart(_) => code::LONG_LIVED_GRACEFUL_RESTART,
            Capability::Fqdn { .. } => code::FQDN,
            Capability::SoftwareVersion(_) => code::SOFTWARE_VERSION,
            Capability::Unknown { code, .. } => *code,
        }
    }

    /// Parses one capability value; a value that does not parse becomes `Unknown`.
    pub fn from_value(code: u8, value: &[u8]) -> Capability {
        Self::parse_value(code, value).unwrap_or_else(|| Capability::Unknown {
            code,
            value: value.to_vec(),
        })
    }

    fn parse_value(c: u8, value: &[u8]) -> Option<Capability> {
        let mut r = Reader::new(value, 0, (2, 0));
        let cap = match c {
            code::MULTIPROTOCOL => {
                let afi = Afi(r.u16("AFI").ok()?);
                r.u8("reserved").ok()?;
                let safi = Safi(r.u8("SAFI").ok()?);
                Capability::Multiprotocol(AfiSafi::new(afi, safi))
            }
            code::ROUTE_REFRESH => Capability::RouteRefresh,
            code::EXTENDED_NEXT_HOP => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    v.push(ExtendedNextHop {
                        afi: Afi(r.u16("NLRI AFI").ok()?),
                        safi: r.u16("NLRI SAFI").ok()?,
                        next_hop_afi: Afi(r.u16("next hop AFI").ok()?),
                    });
                }
                Capability::ExtendedNextHop(v)
            }
            code::EXTENDED_MESSAGE => Capability::ExtendedMessage,
            code::ROLE => Capability::Role(Role::from_u8(r.u8("role").ok()?)),
            code::GRACEFUL_RESTART => {
                let w = r.u16("restart flags and time").ok()?;
                let mut families = Vec::new();
                while !r.is_empty() {
                    let family = afi_safi(&mut r)?;
                    families.push(GracefulRestartFamily {
                        family,
                        flags: r.u8("flags").ok()?,
                    });
                }
                Capability::GracefulRestart(GracefulRestart {
                    restart_flags: (w >> 12) as u8,
                    restart_time: w & 0x0fff,
                    families,
                })
            }
            code::FOUR_OCTET_AS => Capability::FourOctetAs(r.u32("AS").ok()?),
            code::ADD_PATH => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    let family = afi_safi(&mut r)?;
                    v.push(AddPathFamily {
                        family,
                        mode: AddPathMode::from_u8(r.u8("mode").ok()?),
                    });
                }
                Capability::AddPath(v)
            }
            code::ENHANCED_ROUTE_REFRESH => Capability::EnhancedRouteRefresh,
            code::LONG_LIVED_GRACEFUL_RESTART => {
                let mut v = Vec::new();
                while !r.is_empty() {
                    let family = afi_safi(&mut r)?;
                    let flags = r.u8("flags").ok()?;
                    let stale_time = r.u24("stale time").ok()?;
                    v.push(LlgrFamily {
                        family,
                        flags,
                        stale_time,
                    });
                }
                Capability::LongLivedGracefulRestart(v)
            }
            code::FQDN => {
                let n = r.u8("hostname length").ok()? as usize;
                let hostname = string_of(r.take(n, "hostname").ok()?)?;
                // Some speakers omit the domain entirely.
                let domain = if r.is_empty() {
                    return Some(Capability::Unknown {
                        code: c,
                        value: value.to_vec(),
                    });
                } else {
                    let n = r.u8("domain length").ok()? as usize;
                    string_of(r.take(n, "domain").ok()?)?
                };
                Capability::Fqdn { hostname, domain }
            }
            code::SOFTWARE_VERSION => {
                let n = r.u8("version length").ok()? as usize;
                Capability::SoftwareVersion(string_of(r.take(n, "version").ok()?)?)
            }
            _ => return None,
        };
        r.is_empty().then_some(cap)
    }

    /// Length of the value (without code and length octets).
    pub fn value_len(&self) -> usize {
        match self {
            Capability::Multiprotocol(_) => 4,
            Capability::RouteRefresh
            | Capability::ExtendedMessage
            | Capability::EnhancedRouteRefresh => 0,
            Capability::ExtendedNextHop(v) => 6 * v.len(),
            Capability::Role(_) => 1,
            Capability::GracefulRestart(g) => 2 + 4 * g.families.len(),
            Capability::FourOctetAs(_) => 4,
            Capability::AddPath(v) => 4 * v.len(),
            Capability::LongLivedGracefulRestart(v) => 7 * v.len(),
            Capability::Fqdn { hostname, domain } => 2 + hostname.len() + domain.len(),
            Capability::SoftwareVersion(s) => 1 + s.len(),
            Capability::Unknown { value, .. } => value.len(),
        }
        .min(255)
    }

    /// Appends code, length and value (values are clipped to the 255-octet length field).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(self.code());
        out.push(self.value_len() as u8);
        let start = out.len();
        match self {
            Capability::Multiprotocol(f) => {
                out.extend_from_slice(&f.afi.0.to_be_bytes());
                out.push(0);
                out.push(f.safi.0);
            }
            Capability::RouteRefresh
            | Capability::ExtendedMessage
            | Capability::EnhancedRouteRefresh => {}
            Capability::ExtendedNextHop(v) => {
                for e in v {
                    out.extend_from_slice(&e.afi.0.to_be_bytes());
                    out.extend_from_slice(&e.safi.to_be_bytes());
                    out.extend_from_slice(&e.next_hop_afi.0.to_be_bytes());
                }
            }
            Capability::Role(r) => out.push(r.to_u8()),
            Capability::GracefulRestart(g) => {
                let w = ((g.restart_flags as u16 & 0xf) << 12) | (g.restart_time & 0x0fff);
                out.extend_from_slice(&w.to_be_bytes());
                for f in &g.families {
                    out.extend_from_slice(&f.family.afi.0.to_be_bytes());
                    out.push(f.family.safi.0);
                    out.push(f.flags);
                }
            }
            Capability::FourOctetAs(asn) => out.extend_from_slice(&asn.to_be_bytes()),
            Capability::AddPath(v) => {
                for e in v {
                    out.extend_from_slice(&e.family.afi.0.to_be_bytes());
                    out.push(e.family.safi.0);
                    out.push(e.mode.to_u8());
                }
            }
            Capability::LongLivedGracefulRestart(v) => {
                for e in v {
                    out.extend_from_slice(&e.family.afi.0.to_be_bytes());
                    out.push(e.family.safi.0);
                    out.push(e.flags);
                    out.extend_from_slice(&e.stale_time.to_be_bytes()[1..]);
                }
            }
            Capability::Fqdn { hostname, domain } => {
                let h = &hostname.as_bytes()[..hostname.len().min(253)];
                let d = &domain.as_bytes()[..domain.len().min(253 - h.len())];
                out.push(h.len() as u8);
                out.extend_from_slice(h);
                out.push(d.len() as u8);
                out.extend_from_slice(d);
            }
            Capability::SoftwareVersion(s) => {
                let s = &s.as_bytes()[..s.len().min(254)];
                out.push(s.len() as u8);
                out.extend_from_slice(s);
            }
            Capability::Unknown { value, .. } => out.extend_from_slice(value),
        }
        out.truncate(start + self.value_len());
    }

    /// Bytes [`encode`](Self::encode) appends.
    pub fn encoded_len(&self) -> usize {
        2 + self.value_len()
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::Multiprotocol(fam) => write!(f, "multiprotocol {fam}"),
            Capability::RouteRefresh => f.write_str("route-refresh"),
            Capability::ExtendedNextHop(v) => {
                f.write_str("extended-nexthop")?;
                for e in v {
                    write!(f, " {}/{}->{}", e.afi, e.safi, e.next_hop_afi)?;
                }
                Ok(())
            }
            Capability::ExtendedMessage => f.write_str("extended-message"),
            Capability::Role(r) => write!(f, "role {r:?}"),
            Capability::GracefulRestart(g) => {
                write!(
                    f,
                    "graceful-restart time {} flags {:#x}",
                    g.restart_time, g.restart_flags
                )
            }
            Capability::FourOctetAs(a) => write!(f, "4-octet-as {a}"),
            Capability::AddPath(v) => {
                f.write_str("add-path")?;
                for e in v {
                    write!(f, " {} {:?}", e.family, e.mode)?;
                }
                Ok(())
            }
            Capability::EnhancedRouteRefresh => f.write_str("enhanced-route-refresh"),
            Capability::LongLivedGracefulRestart(v) => write!(f, "llgr ({} families)", v.len()),
            Capability::Fqdn { hostname, domain } => {
                write!(f, "hostname {hostname} domain {domain}")
            }
            Capability::SoftwareVersion(s) => write!(f, "software-version {s}"),
            Capability::Unknown { code, value } => {
                write!(f, "capability {code} ({} bytes)", value.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(c: Capability) {
        let mut v = Vec::new();
        c.encode(&mut v);
        assert_eq!(v.len(), c.encoded_len());
        assert_eq!(v[1] as usize, v.len() - 2);
        assert_eq!(Capability::from_value(v[0], &v[2..]), c);
    }

    #[test]
    fn every_capability_round_trips() {
        let fam = AfiSafi::IPV6_UNICAST;
        for c in [
            Capability::Multiprotocol(fam),
            Capability::RouteRefresh,
            Capability::ExtendedNextHop(vec![ExtendedNextHop {
                afi: Afi::IPV4,
                safi: 1,
                next_hop_afi: Afi::IPV6,
            }]),
            Capability::ExtendedMessage,
            Capability::Role(Role::Customer),
            Capability::GracefulRestart(GracefulRestart {
                restart_flags: 0xc,
                restart_time: 120,
                families: vec![GracefulRestartFamily {
                    family: fam,
                    flags: 0x80,
                }],
            }),
            Capability::FourOctetAs(4_200_000_000),
            Capability::AddPath(vec![AddPathFamily {
                family: fam,
                mode: AddPathMode::Both,
            }]),
            Capability::EnhancedRouteRefresh,
            Capability::LongLivedGracefulRestart(vec![LlgrFamily {
                family: fam,
                flags: 0x80,
                stale_time: 0x00ab_cdef,
            }]),
            Capability::Fqdn {
                hostname: "node-1".into(),
                domain: "example.net".into(),
            },
            Capability::SoftwareVersion("FRRouting/8.4".into()),
            Capability::Unknown {
                code: 128,
                value: vec![],
            },
        ] {
            roundtrip(c);
        }
    }

    #[test]
    fn graceful_restart_bits_from_rfc_layout() {
        // R and N set, restart time 120, IPv4 unicast with F bit.
        let c = Capability::from_value(64, &[0xc0, 0x78, 0, 1, 1, 0x80]);
        let Capability::GracefulRestart(g) = c else {
            panic!("{c:?}")
        };
        assert!(g.restart_state() && g.notification());
        assert_eq!(g.restart_time, 120);
        assert!(g.families[0].forwarding_preserved());
    }

    #[test]
    fn malformed_known_capability_is_kept_as_unknown() {
        assert_eq!(
            Capability::from_value(65, &[0, 1]),
            Capability::Unknown {
                code: 65,
                value: vec![0, 1]
            }
        );
        assert_eq!(
            Capability::from_value(1, &[0, 1, 0, 1, 9]),
            Capability::Unknown {
                code: 1,
                value: vec![0, 1, 0, 1, 9]
            }
        );
    }
}
