//! Connection collision detection (RFC 4271 §6.8): when two connections to the same peer
//! both reach OpenConfirm (or one is Established), the BGP identifiers decide which survives.

use std::net::Ipv4Addr;

/// Which side opened a TCP connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initiator {
    /// We connected to the peer.
    Local,
    /// The peer connected to us.
    Remote,
}

/// The connection to keep after a collision (§6.8): the one initiated by the speaker with the
/// higher BGP identifier (compared as 4-octet unsigned integers).
pub fn resolve_collision(local_id: Ipv4Addr, remote_id: Ipv4Addr) -> Initiator {
    if u32::from(local_id) < u32::from(remote_id) {
        Initiator::Remote
    } else {
        Initiator::Local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_identifier_keeps_its_connection() {
        let lo = Ipv4Addr::new(1, 1, 1, 1);
        let hi = Ipv4Addr::new(10, 0, 0, 1);
        assert_eq!(resolve_collision(lo, hi), Initiator::Remote);
        assert_eq!(resolve_collision(hi, lo), Initiator::Local);
        // Compared as integers, not bytewise strings.
        assert_eq!(
            resolve_collision(Ipv4Addr::new(9, 255, 255, 255), Ipv4Addr::new(10, 0, 0, 0)),
            Initiator::Remote
        );
    }
}
