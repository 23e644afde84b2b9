//! Who may change a steering group. Reading is open data; these are the writes.

use chrono::NaiveDate;
use uuid::Uuid;

use super::group::SteeringGroup;
use super::meeting::Meeting;
use crate::access::{Principal, Role};

/// Configure the group, appoint members and end terms: the administrators of the public body
/// that owns the agreement, and platform administrators.
pub fn may_configure(principal: &Principal, owner_public_body_id: Uuid) -> bool {
    principal.administers_public_body(owner_public_body_id)
}

/// Record a meeting held on `date`: whoever may configure the group, and a `steering_member`
/// who sits on the group on that date. The token is linked to a seat by its `sub` being the
/// membership's `person_ref`; any seat counts (ordinary, deputy or adjunct), since keeping
/// the minutes is not a vote.
pub fn may_record_meeting(
    principal: &Principal,
    owner_public_body_id: Uuid,
    group: &SteeringGroup,
    date: NaiveDate,
) -> bool {
    may_configure(principal, owner_public_body_id)
        || (principal.has(Role::SteeringMember) && group.sits_on(&principal.sub, date))
}

/// Record a decision at `meeting`: the same people who may record that meeting.
pub fn may_record_decision(
    principal: &Principal,
    owner_public_body_id: Uuid,
    group: &SteeringGroup,
    meeting: &Meeting,
) -> bool {
    may_record_meeting(principal, owner_public_body_id, group, meeting.date())
}
