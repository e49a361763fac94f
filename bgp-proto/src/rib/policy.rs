//! Import and export hooks. The RIB calls a [`Policy`] for every route it learns or sends; the
//! route-policy crate's route maps plug in by implementing it, and closures work too.

use crate::rib::{PathAttrs, PeerInfo, Prefix};

/// What a policy decided for one route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Drop the route.
    Reject,
    /// Keep the route as is.
    Accept,
    /// Keep the route with these attributes instead.
    Modify(Box<PathAttrs>),
}

/// A route filter/transformer applied on import (from `peer`) or export (to `peer`).
pub trait Policy {
    /// Decides for `prefix` with `attrs`.
    fn apply(&self, peer: &PeerInfo, prefix: &Prefix, attrs: &PathAttrs) -> Verdict;
}

/// Accepts everything unchanged.
#[derive(Clone, Copy, Debug, Default)]
pub struct AcceptAll;

impl Policy for AcceptAll {
    fn apply(&self, _: &PeerInfo, _: &Prefix, _: &PathAttrs) -> Verdict {
        Verdict::Accept
    }
}

/// Rejects everything (FRR's default for eBGP without policy, `ebgp-requires-policy`).
#[derive(Clone, Copy, Debug, Default)]
pub struct RejectAll;

impl Policy for RejectAll {
    fn apply(&self, _: &PeerInfo, _: &Prefix, _: &PathAttrs) -> Verdict {
        Verdict::Reject
    }
}

impl<F> Policy for F
where
    F: Fn(&PeerInfo, &Prefix, &PathAttrs) -> Verdict,
{
    fn apply(&self, peer: &PeerInfo, prefix: &Prefix, attrs: &PathAttrs) -> Verdict {
        self(peer, prefix, attrs)
    }
}
