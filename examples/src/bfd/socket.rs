//! UDP sockets for BFD: TTL/hop limit 255 on send (RFC 5881 §5), and the received TTL/hop limit
//! read from `IP_RECVTTL` / `IPV6_RECVHOPLIMIT` ancillary data so single-hop packets that
//! crossed a router can be refused.

use std::io;
use std::mem::{MaybeUninit, size_of};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd as _, RawFd};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::Interest;
use tokio::net::UdpSocket;

/// Single-hop control packets (RFC 5881 §4).
pub const SINGLE_HOP_PORT: u16 = 3784;
/// Multihop control packets (RFC 5883 §5).
pub const MULTI_HOP_PORT: u16 = 4784;
/// Source ports of control packets (RFC 5881 §4, RFC 5883 §5).
pub const SOURCE_PORTS: std::ops::RangeInclusive<u16> = 49152..=65535;
/// TTL / hop limit of every packet we send.
pub const SEND_TTL: u32 = 255;

/// One received datagram.
#[derive(Debug, Clone, Copy)]
pub struct Received {
    /// Octets written to the buffer.
    pub len: usize,
    /// Sender address and port.
    pub from: SocketAddr,
    /// IP TTL / IPv6 hop limit, when the kernel reported it.
    pub ttl: Option<u8>,
}

fn domain(addr: &IpAddr) -> Domain {
    if addr.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    }
}

/// The receive socket for `port` and one address family: bound to the wildcard address, with
/// TTL/hop-limit reporting on.
pub fn bind_receiver(ipv6: bool, port: u16) -> io::Result<UdpSocket> {
    let (domain, addr): (Domain, SocketAddr) = if ipv6 {
        (Domain::IPV6, (Ipv6Addr::UNSPECIFIED, port).into())
    } else {
        (Domain::IPV4, (Ipv4Addr::UNSPECIFIED, port).into())
    };
    let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_address(true)?;
    if ipv6 {
        s.set_only_v6(true)?;
        s.set_recv_hoplimit_v6(true)?;
    } else {
        set_recv_ttl_v4(&s)?;
    }
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    UdpSocket::from_std(s.into())
}

fn set_recv_ttl_v4(s: &Socket) -> io::Result<()> {
    let on: libc::c_int = 1;
    // SAFETY: valid fd, pointer to a live c_int with its exact size.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_RECVTTL,
            (&raw const on).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// A send socket for one session: bound to `local` (or the wildcard) and a free source port
/// in 49152–65535, TTL/hop limit 255, optionally bound to `interface` (SO_BINDTODEVICE).
/// Connected to `peer` so replies' routing and the source address are fixed.
pub fn bind_sender(
    local: Option<IpAddr>,
    peer: SocketAddr,
    interface: Option<&str>,
    seed: u64,
) -> io::Result<UdpSocket> {
    let ip = local.unwrap_or(if peer.is_ipv4() {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    });
    let span = u64::from(SOURCE_PORTS.end() - SOURCE_PORTS.start()) + 1;
    let mut last_err = None;
    for attempt in 0..64u64 {
        let port =
            SOURCE_PORTS.start() + ((seed.wrapping_add(attempt.wrapping_mul(7919))) % span) as u16;
        let s = Socket::new(domain(&ip), Type::DGRAM, Some(Protocol::UDP))?;
        if ip.is_ipv4() {
            s.set_ttl_v4(SEND_TTL)?;
        } else {
            s.set_only_v6(true)?;
            s.set_unicast_hops_v6(SEND_TTL)?;
        }
        if let Some(dev) = interface {
            s.bind_device(Some(dev.as_bytes()))?;
        }
        s.set_nonblocking(true)?;
        let addr: SocketAddr = match ip {
            IpAddr::V4(a) => SocketAddrV4::new(a, port).into(),
            IpAddr::V6(a) => SocketAddrV6::new(a, port, 0, 0).into(),
        };
        match s.bind(&addr.into()) {
            Ok(()) => {
                s.connect(&peer.into())?;
                return UdpSocket::from_std(s.into());
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free source port")))
}

/// Receives one datagram with its TTL / hop limit.
pub async fn recv_with_ttl(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<Received> {
    let fd = socket.as_raw_fd();
    socket
        .async_io(Interest::READABLE, || recvmsg_ttl(fd, buf))
        .await
}

fn recvmsg_ttl(fd: RawFd, buf: &mut [u8]) -> io::Result<Received> {
    let mut name = MaybeUninit::<libc::sockaddr_storage>::zeroed();
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // u64 array: cmsghdr alignment.
    let mut control = [0u64; 16];
    // SAFETY: msghdr is plain data; all-zero is a valid (empty) value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = name.as_mut_ptr().cast();
    msg.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = size_of_val(&control) as _;
    // SAFETY: every pointer in msg refers to a live local buffer of the stated size.
    let n = unsafe { libc::recvmsg(fd, &raw mut msg, libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut ttl = None;
    // SAFETY: the CMSG_* helpers walk msg_control within msg_controllen as set by the kernel.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
        while !cmsg.is_null() {
            let c = &*cmsg;
            let is_ttl = (c.cmsg_level == libc::IPPROTO_IP && c.cmsg_type == libc::IP_TTL)
                || (c.cmsg_level == libc::IPPROTO_IPV6 && c.cmsg_type == libc::IPV6_HOPLIMIT);
            if is_ttl
                && c.cmsg_len as usize >= libc::CMSG_LEN(size_of::<libc::c_int>() as u32) as usize
            {
                let v = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>());
                ttl = u8::try_from(v).ok();
            }
            cmsg = libc::CMSG_NXTHDR(&raw const msg, cmsg);
        }
    }
    // SAFETY: the kernel wrote a sockaddr of msg_namelen bytes into name.
    let from = unsafe { sockaddr_to_std(name.as_ptr(), msg.msg_namelen) }
        .ok_or_else(|| io::Error::other("recvmsg: unsupported source address family"))?;
    Ok(Received {
        len: n as usize,
        from,
        ttl,
    })
}

/// # Safety
/// `ptr` must point to an initialised sockaddr of at least `len` bytes.
unsafe fn sockaddr_to_std(
    ptr: *const libc::sockaddr_storage,
    len: libc::socklen_t,
) -> Option<SocketAddr> {
    // SAFETY: guaranteed by the caller; the family decides which layout is read.
    unsafe {
        match i32::from((*ptr).ss_family) {
            libc::AF_INET if len as usize >= size_of::<libc::sockaddr_in>() => {
                let a = &*ptr.cast::<libc::sockaddr_in>();
                Some(SocketAddr::from((
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                )))
            }
            libc::AF_INET6 if len as usize >= size_of::<libc::sockaddr_in6>() => {
                let a = &*ptr.cast::<libc::sockaddr_in6>();
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(a.sin6_addr.s6_addr),
                    u16::from_be(a.sin6_port),
                    a.sin6_flowinfo,
                    a.sin6_scope_id,
                )))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loopback: the TTL we set on send is the TTL reported on receive.
    #[tokio::test]
    async fn ttl_255_round_trip_on_loopback() {
        // An ephemeral receive port (the real one, 3784, needs root and may be taken).
        let rx = bind_receiver(false, 0).unwrap();
        let port = rx.local_addr().unwrap().port();
        let tx = bind_sender(
            Some(Ipv4Addr::LOCALHOST.into()),
            (Ipv4Addr::LOCALHOST, port).into(),
            None,
            1234,
        )
        .unwrap();
        let src = tx.local_addr().unwrap();
        assert!(SOURCE_PORTS.contains(&src.port()), "{src}");
        tx.send(b"hello").await.unwrap();
        let mut buf = [0u8; 64];
        let r = recv_with_ttl(&rx, &mut buf).await.unwrap();
        assert_eq!(&buf[..r.len], b"hello");
        assert_eq!(r.from, src);
        assert_eq!(r.ttl, Some(255));
    }

    #[tokio::test]
    async fn hop_limit_255_round_trip_on_ipv6_loopback() {
        let Ok(rx) = bind_receiver(true, 0) else {
            return;
        }; // no IPv6 in this environment
        let port = rx.local_addr().unwrap().port();
        let tx = bind_sender(
            Some(Ipv6Addr::LOCALHOST.into()),
            (Ipv6Addr::LOCALHOST, port).into(),
            None,
            99,
        )
        .unwrap();
        tx.send(b"v6").await.unwrap();
        let mut buf = [0u8; 64];
        let r = recv_with_ttl(&rx, &mut buf).await.unwrap();
        assert_eq!((&buf[..r.len], r.ttl), (&b"v6"[..], Some(255)));
    }
}
