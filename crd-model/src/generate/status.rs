//! The `Accepted` condition and status string of a RouteAdvertisements.

use super::error::GenerateError;
use crate::meta::{Condition, ConditionStatus};
use crate::ovnk::{CONDITION_ACCEPTED, RouteAdvertisements, RouteAdvertisementsStatus};

/// Condition message when the RouteAdvertisements is accepted.
pub const ACCEPTED_MESSAGE: &str = "ovn-kubernetes cluster-manager validated the resource and requested the necessary configuration changes";

/// The status to apply: `Accepted` or `Not Accepted: <error>`, with one `Accepted` condition.
/// `now` is the RFC 3339 transition time.
pub fn accepted_condition(
    result: Result<(), &GenerateError>,
    generation: i64,
    now: &str,
) -> RouteAdvertisementsStatus {
    let (status, cstatus, reason, message) = match result {
        Ok(()) => (
            "Accepted".to_string(),
            ConditionStatus::True,
            "Accepted",
            ACCEPTED_MESSAGE.to_string(),
        ),
        Err(e) => (
            format!("Not Accepted: {e}"),
            ConditionStatus::False,
            e.reason.as_str(),
            e.to_string(),
        ),
    };
    RouteAdvertisementsStatus {
        status,
        conditions: vec![Condition {
            type_: CONDITION_ACCEPTED.to_string(),
            status: cstatus,
            observed_generation: generation,
            last_transition_time: now.to_string(),
            reason: reason.to_string(),
            message,
        }],
    }
}

/// Whether upstream re-applies the status: no `Accepted` condition yet, another generation
/// observed, acceptance flipped, or generated objects changed.
pub fn needs_status_update(ra: &RouteAdvertisements, accepted: bool, had_updates: bool) -> bool {
    let Some(c) = ra
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == CONDITION_ACCEPTED)
    else {
        return true;
    };
    c.observed_generation != ra.metadata.generation
        || accepted != (c.status == ConditionStatus::True)
        || had_updates
}
