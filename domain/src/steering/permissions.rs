//! Who may change a steering group. Reading is open data; these are the writes.

use chrono::NaiveDate;
use uuid::Uuid;

use super::group::{Side, SteeringGroup};
use super::meeting::Meeting;
use crate::access::{Principal, Role};
use crate::agreement::Agreement;

/// Configure the group, appoint members and end terms: the administrators of the public body
/// that owns the agreement, and platform administrators.
pub fn may_configure(principal: &Principal, owner_public_body_id: Uuid) -> bool {
    principal.administers_public_body(owner_public_body_id)
}

/// Appoint a member to `side`, or end the term of one who sits on it: whoever acts for that
/// side of the agreement. Each side appoints its own members: the public side by the owning
/// body's administrators, the civil-society side by the organisations acting for the sector
/// (`agreement::acts_for_side`), so `appointed_by_other_side` holds for who acts, not only
/// for the label in the body.
pub fn may_appoint(principal: &Principal, agreement: &Agreement, side: Side) -> bool {
    crate::agreement::acts_for_side(principal, agreement, side)
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
