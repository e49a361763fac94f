//! Address families (AFI, RFC 4760 §3) and subsequent address families (SAFI).

use std::fmt;

/// Address Family Identifier (IANA "Address Family Numbers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Afi(pub u16);

impl Afi {
    /// IP version 4.
    pub const IPV4: Afi = Afi(1);
    /// IP version 6.
    pub const IPV6: Afi = Afi(2);
    /// Layer-2 VPN (EVPN, RFC 7432).
    pub const L2VPN: Afi = Afi(25);
}

impl fmt::Display for Afi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Afi::IPV4 => f.write_str("ipv4"),
            Afi::IPV6 => f.write_str("ipv6"),
            Afi::L2VPN => f.write_str("l2vpn"),
            Afi(n) => write!(f, "afi-{n}"),
        }
    }
}

/// Subsequent Address Family Identifier (IANA "SAFI Values").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Safi(pub u8);

impl Safi {
    /// Unicast forwarding.
    pub const UNICAST: Safi = Safi(1);
    /// Multicast forwarding (RPF).
    pub const MULTICAST: Safi = Safi(2);
    /// NLRI with MPLS labels (RFC 8277).
    pub const LABELED_UNICAST: Safi = Safi(4);
    /// BGP EVPN (RFC 7432).
    pub const EVPN: Safi = Safi(70);
    /// MPLS-labeled VPN address (RFC 4364, RFC 4659).
    pub const MPLS_VPN: Safi = Safi(128);
    /// Flow specification (RFC 8955).
    pub const FLOWSPEC: Safi = Safi(133);
}

impl fmt::Display for Safi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Safi::UNICAST => f.write_str("unicast"),
            Safi::MULTICAST => f.write_str("multicast"),
            Safi::LABELED_UNICAST => f.write_str("labeled-unicast"),
            Safi::EVPN => f.write_str("evpn"),
            Safi::MPLS_VPN => f.write_str("vpn"),
            Safi::FLOWSPEC => f.write_str("flowspec"),
            Safi(n) => write!(f, "safi-{n}"),
        }
    }
}

/// An (AFI, SAFI) pair: the unit capabilities and ADD-PATH are negotiated per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AfiSafi {
    /// Address family.
    pub afi: Afi,
    /// Subsequent address family.
    pub safi: Safi,
}

impl AfiSafi {
    /// A pair.
    pub const fn new(afi: Afi, safi: Safi) -> Self {
        AfiSafi { afi, safi }
    }
    /// IPv4 unicast, the family of the plain UPDATE fields.
    pub const IPV4_UNICAST: AfiSafi = AfiSafi::new(Afi::IPV4, Safi::UNICAST);
    /// IPv6 unicast.
    pub const IPV6_UNICAST: AfiSafi = AfiSafi::new(Afi::IPV6, Safi::UNICAST);
    /// L2VPN EVPN.
    pub const L2VPN_EVPN: AfiSafi = AfiSafi::new(Afi::L2VPN, Safi::EVPN);
}

impl fmt::Display for AfiSafi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.afi, self.safi)
    }
}
