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

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Lang, Term};

pub use group::{
    Appointer, AppointerKind, Appointment, Composition, GroupConfig, GroupConfigInput, GroupKind,
    MemberRole, Membership, Seat, Side, SideComposition, SteeringGroup,
};
pub use meeting::{
    Decision, DecisionInput, DecisionRecord, Meeting, MeetingInput, Quorum, SideQuorum,
    decision_is_valid,
};
pub use permissions::{may_appoint, may_configure, may_record_decision, may_record_meeting};

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

crate::rules! {
    /// What the state of the steering group forbids; each is a 409 with its `code`.
    pub enum SteeringRule {
        /// With a fixed size, a side never holds more ordinary members than its seats on any day.
        SeatLimit { side: Side, seats: u32, date: NaiveDate } => "seat_limit" {
            en: "the {side} side already holds all its {seats} ordinary seats on {date}, within the new term",
            sv: "{side} har redan alla sina {seats} ordinarie platser den {date}, inom den nya mandatperioden",
        },
        /// A person holds one seat in a group at a time.
        PersonAlreadySeated { name: String, date: NaiveDate } => "person_already_seated" {
            en: "{name} already holds a seat in this group on {date}; a person holds one seat at a time",
            sv: "{name} har redan en plats i gruppen den {date}; en person har bara en plats åt gången",
        },
        /// A configuration applies to the group's whole history (see `reconfigure`).
        DeputiesNotAllowed => "deputies_not_allowed" {
            en: "deputies (ersättare) have been appointed to this group, so it cannot be configured without them",
            sv: "gruppen har haft ersättare och kan därför inte ställas in utan ersättare",
        },
        ChairTaken { date: NaiveDate } => "chair_taken" {
            en: "the group already has a chair on {date}",
            sv: "gruppen har redan en ordförande den {date}",
        },
        ViceChairTaken { date: NaiveDate } => "vice_chair_taken" {
            en: "the group already has a vice-chair on {date}",
            sv: "gruppen har redan en vice ordförande den {date}",
        },
        /// Only when the group's configuration asks for it.
        ChairSameSide { side: Side, date: NaiveDate } => "chair_same_side" {
            en: "the chair and the vice-chair must come from different sides (both {side} on {date})",
            sv: "ordförande och vice ordförande måste komma från olika sidor (båda från {side} den {date})",
        },
        UnknownMembership => "unknown_membership" {
            en: "there is no such membership in this group",
            sv: "gruppen har ingen sådan ledamot",
        },
        /// Decisions need equal ordinary members per side on the meeting date.
        GroupUnbalanced { date: NaiveDate, public_sector: u32, civil_society: u32 } => "group_unbalanced" {
            en: "the group is not balanced on {date}: {public_sector} ordinary members from the public sector, {civil_society} from civil society",
            sv: "gruppen är inte jämnt fördelad den {date}: {public_sector} ordinarie ledamöter från offentlig sektor, {civil_society} från idéburen sektor",
        },
        MeetingNotQuorate { date: NaiveDate } => "meeting_not_quorate" {
            en: "the meeting on {date} was not quorate: each side needs at least half of its seats filled by present ordinary members or deputies standing in",
            sv: "mötet den {date} var inte beslutfört: varje sida behöver minst hälften av sina platser besatta av närvarande ordinarie ledamöter eller tjänstgörande ersättare",
        },
        /// The memberships were corrected after the meeting so that someone recorded as present
        /// was not in office on its date: the meeting's quorum can no longer be established.
        AttendanceOutOfOffice { date: NaiveDate } => "attendance_out_of_office" {
            en: "a member recorded as present on {date} was not in office on that date according to the current records",
            sv: "en ledamot som är antecknad som närvarande den {date} satt enligt nuvarande uppgifter inte i gruppen den dagen",
        },
        /// A planned meeting holds no decisions until its minutes mark it held.
        MeetingNotHeld { date: NaiveDate } => "meeting_not_held" {
            en: "the meeting on {date} is planned, not held: record its minutes first",
            sv: "mötet den {date} är planerat och inte hållet: registrera protokollet först",
        },
        /// Only a planned meeting is marked held, once.
        MeetingAlreadyHeld { date: NaiveDate } => "meeting_already_held" {
            en: "the meeting on {date} is already recorded as held",
            sv: "mötet den {date} är redan registrerat som hållet",
        },
        /// A planned meeting is held on its date: its minutes are recorded on or after it.
        MeetingDateNotReached { date: NaiveDate } => "meeting_date_not_reached" {
            en: "the meeting is planned for {date}: its minutes are recorded on or after that day",
            sv: "mötet är planerat till {date}: protokollet registreras den dagen eller senare",
        },
        NotOfThisGroup => "not_of_this_group" {
            en: "the meeting or decision belongs to another steering group",
            sv: "mötet eller beslutet hör till en annan styrgrupp",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of a steering-group request, alone or against the
    /// group's configuration and recorded terms; each is a 422 naming the field.
    pub enum SteeringField {
        SeatsOutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max}, or null for parity without a fixed size",
            sv: "måste vara mellan 1 och {max}, eller null för lika många per sida utan fast storlek",
        },
        TermMonthsOutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max} months, or null",
            sv: "måste vara mellan 1 och {max} månader, eller null",
        },
        OrdinarySeatRequired => "ordinary_seat_required" {
            en: "the chair and the vice-chair hold ordinary seats",
            sv: "ordförande och vice ordförande har ordinarie platser",
        },
        /// Each party appoints its own representatives (Blekinge: "Representanterna utses av
        /// respektive part").
        AppointedByOtherSide { side: Side } => "appointed_by_other_side" {
            en: "a {side} seat is appointed by its own side: a public-sector seat by a public body, a civil-society seat by the sector (an organisation or a network)",
            sv: "en plats för {side} utses av den egna sidan: offentlig sektor av en offentlig aktör, idéburen sektor av sektorn själv (en organisation eller ett nätverk)",
        },
        /// Checked against the group's configuration.
        DeputiesNotAllowed => "deputies_not_allowed" {
            en: "this group has no deputies (ersättare)",
            sv: "gruppen har inga ersättare",
        },
        TermEndBeforeStart => "before_start" {
            en: "the last day of the term cannot be before its first",
            sv: "mandatperiodens sista dag kan inte ligga före dess första",
        },
        /// Checked against the term on record.
        LastDayBeforeStart { term_start: NaiveDate } => "before_start" {
            en: "the term started on {term_start}; it cannot end before that",
            sv: "mandatperioden började {term_start}; den kan inte sluta före det",
        },
        /// A term can be shortened, not extended: a later end is a new appointment.
        TermAlreadyEnded { last_day: NaiveDate } => "term_already_ended" {
            en: "the term already ends on {last_day}; to serve longer, appoint the member again",
            sv: "mandatperioden slutar redan {last_day}; för att sitta längre utses ledamoten på nytt",
        },
        UnknownMember => "unknown_member" {
            en: "not a membership of this group",
            sv: "inte en ledamot i den här gruppen",
        },
        NotInOffice { name: String, date: NaiveDate } => "not_in_office" {
            en: "{name} was not in office on {date}",
            sv: "{name} satt inte i gruppen den {date}",
        },
        /// Meetings are recorded once held; a planned meeting is not one.
        MeetingInFuture => "in_future" {
            en: "a meeting is recorded once held: its date cannot be in the future",
            sv: "ett möte registreras när det har hållits: datumet kan inte ligga i framtiden",
        },
        /// A planned meeting lies ahead: planned for today or later.
        PlannedInPast => "planned_in_past" {
            en: "a planned meeting lies ahead: its date cannot be before today (record a past meeting as held)",
            sv: "ett planerat möte ligger framåt i tiden: datumet kan inte vara före i dag (registrera ett hållet möte i stället)",
        },
        /// Checked against the records: a decision on an accession names one of this
        /// agreement's accessions.
        UnknownSubject => "unknown_subject" {
            en: "names no accession of this agreement",
            sv: "anger ingen anslutning till den här överenskommelsen",
        },
        DecisionSubjectRequired => "required" {
            en: "a decision on an accession names the accession's id",
            sv: "ett beslut om en anslutning anger anslutningens id",
        },
        /// The decision cited for an accession (or another subject) is about something else.
        DecisionNotCited { kind: DecisionKind } => "decision_not_cited" {
            en: "the cited decision is not a decision of kind {kind} about this subject in this agreement",
            sv: "beslutet är inte ett beslut av slaget {kind} om detta i den här överenskommelsen",
        },
    }
}

impl Term for Side {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::PublicSector => lang.pick("public-sector", "offentlig sektor"),
            Self::CivilSociety => lang.pick("civil-society", "idéburen sektor"),
        })
    }
}

impl Term for DecisionKind {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::ApproveAccession => lang.pick("approve_accession", "”godkänna anslutning”"),
            Self::RejectAccession => lang.pick("reject_accession", "”avslå anslutning”"),
            Self::AdoptActionPlan => lang.pick("adopt_action_plan", "”anta handlingsplan”"),
            Self::ApproveFollowUp => lang.pick("approve_follow_up", "”godkänna uppföljning”"),
            Self::Other => lang.pick("other", "”annat”"),
        })
    }
}

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
