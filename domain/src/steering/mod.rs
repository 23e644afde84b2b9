//! Steering groups (styrgrupp, partnerskap, samverkansgrupp): seats, parity, quorum, decisions.
//!
//! The joint body that runs an agreement. Eslöv and Kristianstad: a steering group of 10,
//! half appointed by the municipality, half representing the sector. Blekinge: a partnership
//! with an even distribution of ordinary representatives, the sector represented by its
//! regional network, adjunct seats for other public actors, and the power to approve
//! accessions. Södertälje: an interim collaboration group that sets its own working forms.
//!
//! - `group`: the configuration, appointments and terms, and the composition on any date.
//! - `meeting`: meetings, quorum, and decisions (which exist only when they were valid).
//! - `permissions`: who may configure the group and who may record its meetings.
//!
//! Dates: a term runs from `term_start` to `term_end` **inclusive** (the last day in office,
//! like "t.o.m." in a Swedish decision); `term_end: None` means until further notice. A term
//! ending 2024-12-31 and one starting 2025-01-01 are consecutive and never overlap; a term
//! ending on the day another starts overlaps it on that day.

mod group;
mod meeting;
mod permissions;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use group::{
    Appointer, AppointerKind, Appointment, Composition, GroupConfig, GroupConfigInput, GroupKind,
    MemberRole, Membership, Seat, Side, SideComposition, SteeringGroup,
};
pub use meeting::{
    Decision, DecisionInput, DecisionRecord, Meeting, MeetingInput, Quorum, SideQuorum,
    decision_is_valid,
};
pub use permissions::{may_configure, may_record_decision, may_record_meeting};

/// Longest group name, person name, title, person reference and network name.
pub const NAME_MAX: usize = 200;
/// Most ordinary seats per side a group may configure.
pub const SEATS_MAX: u32 = 50;
/// Longest default term, in months.
pub const TERM_MONTHS_MAX: u32 = 120;
/// Longest minutes reference (e.g. "Protokoll 2024-03-12 § 4").
pub const MINUTES_REFERENCE_MAX: usize = 200;
/// Longest decision subject.
pub const SUBJECT_MAX: usize = 300;
/// Longest decision text.
pub const DECISION_TEXT_MAX: usize = 10_000;

/// Every rule of the steering group, each a 409 with its `code` when broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SteeringRule {
    /// With a fixed size, a side never holds more ordinary members than its seats on any day.
    #[error(
        "the {side} side already holds all its {seats} ordinary seats on {date}, within the new term"
    )]
    SeatLimit {
        side: Side,
        seats: u32,
        date: NaiveDate,
    },
    /// Each party appoints its own representatives (Blekinge: "Representanterna utses av
    /// respektive part").
    #[error("{}", side.appointed_by_rule())]
    AppointedByOtherSide { side: Side },
    /// A person holds one seat in a group at a time.
    #[error(
        "{name} already holds a seat in this group on {date}; a person holds one seat at a time"
    )]
    PersonAlreadySeated { name: String, date: NaiveDate },
    #[error("this group has no deputies (ersättare)")]
    DeputiesNotAllowed,
    #[error("the group already has a chair on {date}")]
    ChairTaken { date: NaiveDate },
    #[error("the group already has a vice-chair on {date}")]
    ViceChairTaken { date: NaiveDate },
    /// Only when the group's configuration asks for it.
    #[error("the chair and the vice-chair must come from different sides (both {side} on {date})")]
    ChairSameSide { side: Side, date: NaiveDate },
    /// A term can be shortened, not extended: a later end is a new appointment.
    #[error("the term already ends on {last_day}; to serve longer, appoint the member again")]
    TermAlreadyEnded { last_day: NaiveDate },
    #[error("there is no such membership in this group")]
    UnknownMembership,
    /// Decisions need equal ordinary members per side on the meeting date.
    #[error(
        "the group is not balanced on {date}: {public_sector} ordinary members from the public sector, {civil_society} from civil society"
    )]
    GroupUnbalanced {
        date: NaiveDate,
        public_sector: u32,
        civil_society: u32,
    },
    #[error(
        "the meeting on {date} was not quorate: each side needs at least half of its seats filled by present ordinary members or deputies standing in"
    )]
    MeetingNotQuorate { date: NaiveDate },
    /// The memberships were corrected after the meeting so that someone recorded as present
    /// was not in office on its date: the meeting's quorum can no longer be established.
    #[error(
        "a member recorded as present on {date} was not in office on that date according to the current records"
    )]
    AttendanceOutOfOffice { date: NaiveDate },
    #[error("the meeting or decision belongs to another steering group")]
    NotOfThisGroup,
    /// The decision cited for an accession (or another subject) is about something else.
    #[error("the cited decision is not a {kind} decision about this subject in this agreement")]
    DecisionNotCited { kind: &'static str },
}

crate::rules!(SteeringRule {
    SeatLimit { side, seats, date } => "seat_limit",
    AppointedByOtherSide { side } => "appointed_by_other_side",
    PersonAlreadySeated { name, date } => "person_already_seated",
    DeputiesNotAllowed => "deputies_not_allowed",
    ChairTaken { date } => "chair_taken",
    ViceChairTaken { date } => "vice_chair_taken",
    ChairSameSide { side, date } => "chair_same_side",
    TermAlreadyEnded { last_day } => "term_already_ended",
    UnknownMembership => "unknown_membership",
    GroupUnbalanced { date, public_sector, civil_society } => "group_unbalanced",
    MeetingNotQuorate { date } => "meeting_not_quorate",
    AttendanceOutOfOffice { date } => "attendance_out_of_office",
    NotOfThisGroup => "not_of_this_group",
    DecisionNotCited { kind } => "decision_not_cited",
});

/// What a recorded decision of the group is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum DecisionKind {
    ApproveAccession,
    RejectAccession,
    AdoptActionPlan,
    ApproveFollowUp,
    Other,
}

crate::enum_text::enum_text!(DecisionKind);

impl DecisionKind {
    /// Whether the decision names the record it concerns (`subject_id`): a decision on an
    /// accession names the accession.
    pub fn requires_subject_id(self) -> bool {
        match self {
            Self::ApproveAccession | Self::RejectAccession => true,
            Self::AdoptActionPlan | Self::ApproveFollowUp | Self::Other => false,
        }
    }
}
