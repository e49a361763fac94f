//! BGP Role (RFC 9234): the OPEN check and the Only-to-Customer (OTC) rules that prevent
//! route leaks on ingress (§5) and egress (§5.1).

use crate::wire::capability::Role;

/// The pairs of (local, remote) roles RFC 9234 §4.2 allows.
pub fn roles_match(local: Role, remote: Role) -> bool {
    local.expected_peer_role() == Some(remote)
}

/// A route RFC 9234 §5 marks as a leak: it must not be considered for best path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteLeak;

/// Ingress OTC procedure (RFC 9234 §5) for a route received from an eBGP peer whose role (as
/// announced by the peer) is `remote_role`, with AS `remote_as` and OTC attribute `otc`.
///
/// Returns the OTC value the route must carry afterwards (added when absent from a Provider,
/// Peer or Route Server), or [`RouteLeak`].
pub fn otc_ingress(
    remote_role: Role,
    remote_as: u32,
    otc: Option<u32>,
) -> Result<Option<u32>, RouteLeak> {
    match (remote_role, otc) {
        (Role::Customer | Role::RouteServerClient, Some(_)) => Err(RouteLeak),
        (Role::Peer, Some(v)) if v != remote_as => Err(RouteLeak),
        (Role::Provider | Role::Peer | Role::RouteServer, None) => Ok(Some(remote_as)),
        (_, v) => Ok(v),
    }
}

/// Egress OTC procedure (RFC 9234 §5.1) towards a peer whose role is `remote_role`.
///
/// Returns `None` when the route must not be sent (it carries OTC and the peer is a
/// Provider, Peer or Route Server), else the OTC value to send (added as `local_as` towards
/// Customers, Peers and Route Server clients).
pub fn otc_egress(remote_role: Role, local_as: u32, otc: Option<u32>) -> Option<Option<u32>> {
    match (remote_role, otc) {
        (Role::Provider | Role::Peer | Role::RouteServer, Some(_)) => None,
        (Role::Customer | Role::Peer | Role::RouteServerClient, None) => Some(Some(local_as)),
        (_, v) => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_pairs() {
        assert!(roles_match(Role::Provider, Role::Customer));
        assert!(roles_match(Role::Customer, Role::Provider));
        assert!(roles_match(Role::Peer, Role::Peer));
        assert!(roles_match(Role::RouteServer, Role::RouteServerClient));
        assert!(!roles_match(Role::Provider, Role::Provider));
        assert!(!roles_match(Role::Peer, Role::Customer));
    }

    #[test]
    fn otc_ingress_rules() {
        assert_eq!(otc_ingress(Role::Customer, 1, Some(5)), Err(RouteLeak));
        assert_eq!(otc_ingress(Role::Customer, 1, None), Ok(None));
        assert_eq!(otc_ingress(Role::Peer, 1, Some(5)), Err(RouteLeak));
        assert_eq!(otc_ingress(Role::Peer, 1, Some(1)), Ok(Some(1)));
        assert_eq!(otc_ingress(Role::Provider, 7, None), Ok(Some(7)));
        assert_eq!(otc_ingress(Role::Provider, 7, Some(3)), Ok(Some(3)));
    }

    #[test]
    fn otc_egress_rules() {
        assert_eq!(otc_egress(Role::Provider, 9, Some(1)), None);
        assert_eq!(otc_egress(Role::Provider, 9, None), Some(None));
        assert_eq!(otc_egress(Role::Customer, 9, None), Some(Some(9)));
        assert_eq!(otc_egress(Role::Customer, 9, Some(1)), Some(Some(1)));
        assert_eq!(otc_egress(Role::Peer, 9, Some(1)), None);
    }
}
