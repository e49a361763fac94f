//! TCP sockets for BGP: GTSM (RFC 5082: send with TTL 255, drop anything that arrives with
//! less) and TCP-MD5 signatures (RFC 2385), both set with `setsockopt` before connect/listen.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// Per-peer transport security.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SocketSecurity {
    /// GTSM: TTL/hop limit 255 on sent packets and a minimum of 255 on received ones.
    pub ttl_security: bool,
    /// TCP-MD5 password.
    pub password: Option<String>,
}

fn setsockopt<T>(
    fd: &impl AsRawFd,
    level: libc::c_int,
    name: libc::c_int,
    value: &T,
) -> io::Result<()> {
    // SAFETY: `value` is a valid, initialised T for the duration of the call and its size is
    // passed as the option length; the fd is owned by the caller's socket.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Sends with TTL (hop limit) 255 and refuses segments that arrive with less (RFC 5082 §3).
pub fn set_gtsm(fd: &impl AsRawFd, v6: bool) -> io::Result<()> {
    let ttl: libc::c_int = 255;
    if v6 {
        setsockopt(fd, libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS, &ttl)?;
        setsockopt(fd, libc::IPPROTO_IPV6, libc::IPV6_MINHOPCOUNT, &ttl)
    } else {
        setsockopt(fd, libc::IPPROTO_IP, libc::IP_TTL, &ttl)?;
        setsockopt(fd, libc::IPPROTO_IP, libc::IP_MINTTL, &ttl)
    }
}

/// `struct tcp_md5sig` of linux/tcp.h.
#[repr(C)]
struct TcpMd5Sig {
    addr: libc::sockaddr_storage,
    flags: u8,
    prefixlen: u8,
    keylen: u16,
    ifindex: libc::c_int,
    key: [u8; 80],
}

/// Installs (or with `None` removes) the TCP-MD5 key for `peer` on the socket.
pub fn set_md5(fd: &impl AsRawFd, peer: IpAddr, password: Option<&str>) -> io::Result<()> {
    let key = password.unwrap_or("").as_bytes();
    if key.len() > 80 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "TCP-MD5 password longer than 80 bytes",
        ));
    }
    // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
    let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    match peer {
        IpAddr::V4(a) => {
            // SAFETY: sockaddr_in fits in sockaddr_storage, which is suitably aligned.
            let sin = unsafe { &mut *(&raw mut addr).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from_ne_bytes(a.octets());
        }
        IpAddr::V6(a) => {
            // SAFETY: as above for sockaddr_in6.
            let sin6 = unsafe { &mut *(&raw mut addr).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_addr.s6_addr = a.octets();
        }
    }
    let mut sig = TcpMd5Sig {
        addr,
        flags: 0,
        prefixlen: 0,
        keylen: key.len() as u16,
        ifindex: 0,
        key: [0; 80],
    };
    sig.key[..key.len()].copy_from_slice(key);
    setsockopt(fd, libc::IPPROTO_TCP, libc::TCP_MD5SIG, &sig)
}

/// Connects to `peer` from `local` (if set) with the given security, within `timeout`.
pub async fn connect(
    peer: SocketAddr,
    local: Option<IpAddr>,
    sec: &SocketSecurity,
    timeout: Duration,
) -> io::Result<TcpStream> {
    let sock = if peer.is_ipv6() {
        TcpSocket::new_v6()?
    } else {
        TcpSocket::new_v4()?
    };
    if sec.ttl_security {
        set_gtsm(&sock, peer.is_ipv6())?;
    }
    if let Some(p) = &sec.password {
        set_md5(&sock, peer.ip(), Some(p))?;
    }
    if let Some(l) = local {
        sock.bind(SocketAddr::new(l, 0))?;
    }
    let stream = tokio::time::timeout(timeout, sock.connect(peer))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// A listening socket on `addr` with TCP-MD5 keys for `keys` (peer address, password).
pub fn listen(addr: SocketAddr, keys: &[(IpAddr, String)]) -> io::Result<TcpListener> {
    let sock = if addr.is_ipv6() {
        TcpSocket::new_v6()?
    } else {
        TcpSocket::new_v4()?
    };
    sock.set_reuseaddr(true)?;
    if addr.is_ipv6() {
        // One socket per family: v4-mapped addresses would hide IPv4 peers' real family.
        let only: libc::c_int = 1;
        setsockopt(&sock, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, &only)?;
    }
    for (peer, pw) in keys {
        if peer.is_ipv6() == addr.is_ipv6() {
            set_md5(&sock, *peer, Some(pw))?;
        }
    }
    sock.bind(addr)?;
    sock.listen(128)
}
