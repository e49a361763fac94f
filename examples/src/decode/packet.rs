//! Link layer → IP → TCP: finds the TCP segment inside a captured frame without trusting any
//! length field (Ethernet with VLAN tags, Linux SLL/SLL2, BSD loopback, raw IPv4/IPv6).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// pcap link types this module understands (LINKTYPE_* values of the tcpdump registry).
pub mod linktype {
    /// BSD loopback: 4-octet address family in host byte order.
    pub const NULL: u32 = 0;
    /// Ethernet II.
    pub const ETHERNET: u32 = 1;
    /// Raw IP (some BSDs).
    pub const RAW_BSD: u32 = 12;
    /// OpenBSD loopback: 4-octet address family in network byte order.
    pub const LOOP: u32 = 108;
    /// Raw IP.
    pub const RAW: u32 = 101;
    /// Linux "cooked" capture v1.
    pub const LINUX_SLL: u32 = 113;
    /// Raw IPv4.
    pub const IPV4: u32 = 228;
    /// Raw IPv6.
    pub const IPV6: u32 = 229;
    /// Linux "cooked" capture v2.
    pub const LINUX_SLL2: u32 = 276;
}

/// TCP flag bits.
pub mod tcp_flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// ACK.
    pub const ACK: u8 = 0x10;
}

/// A TCP segment found in a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpSegment<'a> {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Sequence number of the first payload octet (of the SYN itself when SYN is set).
    pub seq: u32,
    /// TCP flags (low 8 bits).
    pub flags: u8,
    /// Payload, cut to the IP length (Ethernet padding removed).
    pub payload: &'a [u8],
    /// The frame was cut short by the capture's snap length: part of the payload is missing.
    pub truncated: bool,
}

/// Why a frame holds no usable TCP segment (frames that are simply not TCP are `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameSkip {
    /// A link type this tool cannot read.
    UnsupportedLinkType(u32),
    /// Not IPv4/IPv6, not TCP, or an IP fragment.
    NotTcp,
    /// A header is cut short.
    Truncated,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The network-layer (IP) bytes of a frame.
fn network_layer(linktype: u32, frame: &[u8]) -> Result<&[u8], FrameSkip> {
    const ETH_IPV4: u16 = 0x0800;
    const ETH_IPV6: u16 = 0x86dd;
    let ip_ethertype = |et: u16, rest| {
        if et == ETH_IPV4 || et == ETH_IPV6 {
            Ok(rest)
        } else {
            Err(FrameSkip::NotTcp)
        }
    };
    match linktype {
        linktype::ETHERNET => {
            let mut off = 12;
            let mut et = be16(frame, off).ok_or(FrameSkip::Truncated)?;
            // 802.1Q / 802.1ad tags, at most a few.
            let mut tags = 0;
            while (et == 0x8100 || et == 0x88a8 || et == 0x9100) && tags < 4 {
                off += 4;
                tags += 1;
                et = be16(frame, off).ok_or(FrameSkip::Truncated)?;
            }
            let rest = frame.get(off + 2..).ok_or(FrameSkip::Truncated)?;
            ip_ethertype(et, rest)
        }
        linktype::LINUX_SLL => {
            let et = be16(frame, 14).ok_or(FrameSkip::Truncated)?;
            let rest = frame.get(16..).ok_or(FrameSkip::Truncated)?;
            ip_ethertype(et, rest)
        }
        linktype::LINUX_SLL2 => {
            let et = be16(frame, 0).ok_or(FrameSkip::Truncated)?;
            let rest = frame.get(20..).ok_or(FrameSkip::Truncated)?;
            ip_ethertype(et, rest)
        }
        linktype::NULL | linktype::LOOP => frame.get(4..).ok_or(FrameSkip::Truncated),
        linktype::RAW | linktype::RAW_BSD | linktype::IPV4 | linktype::IPV6 => Ok(frame),
        t => Err(FrameSkip::UnsupportedLinkType(t)),
    }
}

/// Finds the TCP segment in `frame` of link type `linktype`.
pub fn tcp_segment(linktype: u32, frame: &[u8]) -> Result<TcpSegment<'_>, FrameSkip> {
    let ip = network_layer(linktype, frame)?;
    let version = ip.first().ok_or(FrameSkip::Truncated)? >> 4;
    let (src, dst, l4, cut) = match version {
        4 => {
            let ihl = (ip[0] & 0x0f) as usize * 4;
            let total = be16(ip, 2).ok_or(FrameSkip::Truncated)? as usize;
            if ihl < 20 || total < ihl || ip.len() < ihl {
                return Err(FrameSkip::Truncated);
            }
            if ip.get(9) != Some(&6) {
                return Err(FrameSkip::NotTcp);
            }
            let frag = be16(ip, 6).ok_or(FrameSkip::Truncated)?;
            // More-fragments set or a non-zero fragment offset: not reassembled here.
            if frag & 0x3fff != 0 {
                return Err(FrameSkip::NotTcp);
            }
            let a = |at: usize| Ipv4Addr::new(ip[at], ip[at + 1], ip[at + 2], ip[at + 3]);
            let end = total.min(ip.len());
            (
                IpAddr::V4(a(12)),
                IpAddr::V4(a(16)),
                &ip[ihl..end],
                total > ip.len(),
            )
        }
        6 => {
            if ip.len() < 40 {
                return Err(FrameSkip::Truncated);
            }
            let plen = be16(ip, 4).ok_or(FrameSkip::Truncated)? as usize;
            let a = |at: usize| {
                let mut o = [0u8; 16];
                o.copy_from_slice(&ip[at..at + 16]);
                Ipv6Addr::from(o)
            };
            let end = (40 + plen).min(ip.len());
            let cut = 40 + plen > ip.len();
            let mut next = ip[6];
            let mut at = 40;
            // Walk extension headers: hop-by-hop, routing, destination options (fragments and
            // anything else end the walk).
            let mut hops = 0;
            while matches!(next, 0 | 43 | 60) && hops < 8 {
                let nh = *ip.get(at).ok_or(FrameSkip::Truncated)?;
                let len = (*ip.get(at + 1).ok_or(FrameSkip::Truncated)? as usize + 1) * 8;
                next = nh;
                at += len;
                hops += 1;
            }
            if next != 6 {
                return Err(FrameSkip::NotTcp);
            }
            let l4 = ip.get(at..end).ok_or(FrameSkip::Truncated)?;
            (IpAddr::V6(a(8)), IpAddr::V6(a(24)), l4, cut)
        }
        _ => return Err(FrameSkip::NotTcp),
    };
    let sport = be16(l4, 0).ok_or(FrameSkip::Truncated)?;
    let dport = be16(l4, 2).ok_or(FrameSkip::Truncated)?;
    let seq = be32(l4, 4).ok_or(FrameSkip::Truncated)?;
    let doff = (*l4.get(12).ok_or(FrameSkip::Truncated)? >> 4) as usize * 4;
    let flags = *l4.get(13).ok_or(FrameSkip::Truncated)?;
    if doff < 20 {
        return Err(FrameSkip::Truncated);
    }
    let payload = l4.get(doff..).ok_or(FrameSkip::Truncated)?;
    Ok(TcpSegment {
        src: SocketAddr::new(src, sport),
        dst: SocketAddr::new(dst, dport),
        seq,
        flags,
        payload,
        truncated: cut,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ipv4_tcp(payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        let total = (20 + 20 + payload.len()) as u16;
        f.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&[
            0x9c, 0x40, 0, 179, 0, 0, 0, 7, 0, 0, 0, 0, 0x50, 0x18, 0, 0, 0, 0, 0, 0,
        ]);
        f.extend_from_slice(payload);
        f.extend_from_slice(&[0; 6]); // Ethernet padding
        f
    }

    #[test]
    fn ethernet_ipv4_tcp_payload_without_padding() {
        let f = ipv4_tcp(b"hello");
        let s = tcp_segment(linktype::ETHERNET, &f).unwrap();
        assert_eq!(s.payload, b"hello");
        assert_eq!(s.src.to_string(), "10.0.0.1:40000");
        assert_eq!(s.dst.port(), 179);
        assert_eq!(s.seq, 7);
        assert!(!s.truncated);
    }

    #[test]
    fn every_prefix_of_a_frame_is_handled() {
        let f = ipv4_tcp(b"hello");
        for n in 0..f.len() {
            let _ = tcp_segment(linktype::ETHERNET, &f[..n]);
            let _ = tcp_segment(linktype::LINUX_SLL2, &f[..n]);
            let _ = tcp_segment(linktype::RAW, &f[14..14 + n.min(f.len() - 14)]);
        }
        let cut = tcp_segment(linktype::ETHERNET, &f[..f.len() - 8]).unwrap();
        assert!(cut.truncated);
        assert_eq!(
            tcp_segment(999, &f),
            Err(FrameSkip::UnsupportedLinkType(999))
        );
    }
}
