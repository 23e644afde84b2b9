//! Steering groups: configurations, appointments, meetings and decisions as requests send
//! them, and the counts of a group and a meeting as clients read them.

use chrono::NaiveDate;
use samverkan_domain::steering::{
    self, DECISION_TEXT_MAX, DecisionKind, GroupKind, MINUTES_REFERENCE_MAX, MemberRole, NAME_MAX,
    SEATS_MAX, SUBJECT_MAX, Seat, Side, TERM_MONTHS_MAX,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use strum::IntoEnumIterator;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schemas::{Field, RulesBetweenFields, when};

/// Who appointed a member. JSON: `{"type": "public_body", "id": "…"}`,
/// `{"type": "organization", "id": "…"}` or `{"type": "network", "name": "…"}`; stored as
/// `AppointerKind::as_str()` plus an id or a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Appointer {
    /// A kommun, region or other public body of the register.
    PublicBody { id: Uuid },
    /// An organisation of the register.
    Organization { id: Uuid },
    /// A named body of the sector that is not in the register, such as a regional network
    /// (Blekinge: "Den idéburna sektorn företräds av Nätverket Idéburet Blekinge").
    Network {
        #[schema(schema_with = network_name)]
        name: String,
    },
}

fn network_name() -> Field {
    Field::text(NAME_MAX, "Nätverket Idéburet Exempellän")
}

impl From<Appointer> for steering::Appointer {
    fn from(a: Appointer) -> Self {
        match a {
            Appointer::PublicBody { id } => Self::PublicBody { id },
            Appointer::Organization { id } => Self::Organization { id },
            Appointer::Network { name } => Self::Network { name },
        }
    }
}

impl From<&steering::Appointer> for Appointer {
    fn from(a: &steering::Appointer) -> Self {
        match a {
            steering::Appointer::PublicBody { id } => Self::PublicBody { id: *id },
            steering::Appointer::Organization { id } => Self::Organization { id: *id },
            steering::Appointer::Network { name } => Self::Network { name: name.clone() },
        }
    }
}

/// The configuration as a client sends it, checked by `GroupConfig::parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupConfigInput {
    #[schema(schema_with = group_name)]
    pub name: String,
    pub kind: GroupKind,
    #[schema(schema_with = seats_per_side)]
    pub ordinary_seats_per_side: Option<u32>,
    pub deputies_allowed: bool,
    pub chair_and_vice_chair_from_different_sides: bool,
    #[schema(schema_with = default_term_months)]
    pub default_term_months: Option<u32>,
}

pub fn group_name() -> Field {
    Field::text(NAME_MAX, "Styrgruppen för överenskommelsen")
}

pub fn seats_per_side() -> Field {
    Field::optional_integer(1, SEATS_MAX)
}

pub fn default_term_months() -> Field {
    Field::optional_integer(1, TERM_MONTHS_MAX)
}

impl From<GroupConfigInput> for steering::GroupConfigInput {
    fn from(c: GroupConfigInput) -> Self {
        Self {
            name: c.name,
            kind: c.kind,
            ordinary_seats_per_side: c.ordinary_seats_per_side,
            deputies_allowed: c.deputies_allowed,
            chair_and_vice_chair_from_different_sides: c.chair_and_vice_chair_from_different_sides,
            default_term_months: c.default_term_months,
        }
    }
}

/// An appointment as a client sends it, checked against the group by
/// `SteeringGroup::appoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "person_name": "Åsa Exempelsson",
    "side": "civil_society",
    "seat": "ordinary",
    "role": "chair",
    "appointed_by": {"type": "network", "name": "Nätverket Idéburet Exempellän"},
    "term_start": "2026-01-01",
}))]
pub struct Appointment {
    #[schema(schema_with = person_name)]
    pub person_name: String,
    /// See `Membership::person_ref`.
    #[serde(default)]
    #[schema(schema_with = person_ref)]
    pub person_ref: Option<String>,
    #[serde(default)]
    #[schema(schema_with = member_title)]
    pub title: Option<String>,
    pub side: Side,
    pub seat: Seat,
    pub role: MemberRole,
    pub appointed_by: Appointer,
    pub term_start: NaiveDate,
    /// Last day in office, inclusive. `None`: the group's default term length, or until
    /// further notice when the group has none.
    #[serde(default)]
    pub term_end: Option<NaiveDate>,
}

fn person_name() -> Field {
    Field::text(NAME_MAX, "Åsa Exempelsson")
}

fn person_ref() -> Field {
    Field::optional_text(NAME_MAX).described("See `Membership::person_ref`.")
}

fn member_title() -> Field {
    Field::optional_text(NAME_MAX)
}

impl RulesBetweenFields for Appointment {
    /// `MemberRole::requires_ordinary_seat`.
    fn rules() -> Vec<Value> {
        let roles: Vec<&'static str> = MemberRole::iter()
            .filter(|r| r.requires_ordinary_seat())
            .map(MemberRole::as_str)
            .collect();
        vec![when(
            "role",
            &roles,
            json!({"properties": {"seat": {"const": Seat::Ordinary.as_str()}}}),
        )]
    }
}

impl From<Appointment> for steering::Appointment {
    fn from(a: Appointment) -> Self {
        Self {
            person_name: a.person_name,
            person_ref: a.person_ref,
            title: a.title,
            side: a.side,
            seat: a.seat,
            role: a.role,
            appointed_by: a.appointed_by.into(),
            term_start: a.term_start,
            term_end: a.term_end,
        }
    }
}

/// A meeting as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    pub date: NaiveDate,
    /// Membership ids of the members present, adjuncts and deputies included.
    pub present: Vec<Uuid>,
    #[serde(default)]
    #[schema(schema_with = meeting_minutes_reference)]
    pub minutes_reference: Option<String>,
}

/// A meeting the group plans ahead: only its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedMeetingInput {
    /// Today or later.
    pub date: NaiveDate,
}

/// The minutes of a planned meeting, once held on its date: who was present, and where the
/// minutes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    /// Membership ids of the members present, adjuncts and deputies included.
    pub present: Vec<Uuid>,
    #[serde(default)]
    #[schema(schema_with = meeting_minutes_reference)]
    pub minutes_reference: Option<String>,
}

fn meeting_minutes_reference() -> Field {
    Field::optional_text(MINUTES_REFERENCE_MAX)
}

impl From<MeetingInput> for steering::MeetingInput {
    fn from(m: MeetingInput) -> Self {
        Self {
            date: m.date,
            present: m.present,
            minutes_reference: m.minutes_reference,
        }
    }
}

/// A decision as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "other",
    "subject": "Handlingsplan 2026–2027",
    "text": "Styrgruppen antar handlingsplanen för föreningslivet i Älvby.",
}))]
pub struct DecisionInput {
    pub kind: DecisionKind,
    /// What the decision is about, in words ("Anslutning: Föreningen Ängsblomman").
    #[schema(schema_with = decision_subject)]
    pub subject: String,
    /// The record it concerns: required for `approve_accession` and `reject_accession` (the
    /// accession's id); optional otherwise (an action plan's or follow-up's id).
    #[serde(default)]
    pub subject_id: Option<Uuid>,
    /// The decision as minuted.
    #[schema(schema_with = decision_text)]
    pub text: String,
}

fn decision_subject() -> Field {
    Field::text(SUBJECT_MAX, "Anslutning: Föreningen Ängsblomman")
        .described("What the decision is about, in words (\"Anslutning: Föreningen Ängsblomman\").")
}

fn decision_text() -> Field {
    Field::text(DECISION_TEXT_MAX, "Styrgruppen godkänner anslutningen.")
        .described("The decision as minuted.")
}

impl RulesBetweenFields for DecisionInput {
    /// `DecisionKind::requires_subject_id`.
    fn rules() -> Vec<Value> {
        let kinds: Vec<&'static str> = DecisionKind::iter()
            .filter(|k| k.requires_subject_id())
            .map(DecisionKind::as_str)
            .collect();
        vec![when(
            "kind",
            &kinds,
            json!({"required": ["subject_id"], "properties": {"subject_id": {"type": "string"}}}),
        )]
    }
}

impl From<DecisionInput> for steering::DecisionInput {
    fn from(d: DecisionInput) -> Self {
        Self {
            kind: d.kind,
            subject: d.subject,
            subject_id: d.subject_id,
            text: d.text,
        }
    }
}

/// One side of the group on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SideComposition {
    /// The configured ordinary seats; `None` without a fixed size.
    pub seats: Option<u32>,
    /// Ordinary members in office.
    pub ordinary: u32,
    /// Seats without an ordinary member; `None` without a fixed size.
    pub vacant: Option<u32>,
    pub deputies: u32,
    pub adjuncts: u32,
}

impl From<steering::SideComposition> for SideComposition {
    fn from(s: steering::SideComposition) -> Self {
        Self {
            seats: s.seats,
            ordinary: s.ordinary,
            vacant: s.vacant,
            deputies: s.deputies,
            adjuncts: s.adjuncts,
        }
    }
}

/// One side's count at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SideQuorum {
    pub ordinary_in_office: u32,
    pub ordinary_present: u32,
    pub deputies_present: u32,
    /// Present deputies that count: at most one for each absent ordinary member of the same
    /// side. A deputy does not fill a vacant seat, only an absent member's.
    pub deputies_standing_in: u32,
    /// Present, and never counted.
    pub adjuncts_present: u32,
    /// `ordinary_present + deputies_standing_in`.
    pub voting: u32,
    /// See `GroupConfig::required_per_side`.
    pub required: u32,
    pub quorate: bool,
}

impl From<steering::SideQuorum> for SideQuorum {
    fn from(s: steering::SideQuorum) -> Self {
        Self {
            ordinary_in_office: s.ordinary_in_office,
            ordinary_present: s.ordinary_present,
            deputies_present: s.deputies_present,
            deputies_standing_in: s.deputies_standing_in,
            adjuncts_present: s.adjuncts_present,
            voting: s.voting,
            required: s.required,
            quorate: s.quorate,
        }
    }
}

/// Whether a meeting could decide: each side separately must reach its required count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Quorum {
    pub date: NaiveDate,
    pub public_sector: SideQuorum,
    pub civil_society: SideQuorum,
    pub quorate: bool,
}

impl From<steering::Quorum> for Quorum {
    fn from(q: steering::Quorum) -> Self {
        Self {
            date: q.date,
            public_sector: q.public_sector.into(),
            civil_society: q.civil_society.into(),
            quorate: q.quorate,
        }
    }
}
