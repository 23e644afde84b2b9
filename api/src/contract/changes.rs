//! The change feed's JSON: a change and the payload of each area. A payload carries only
//! what the public views show (no contact person, no member's name, no login); the private
//! payload, for the agreement's administrators, adds what their views show (a reason).

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::accession::{AccessionState, SignatoryKind};
use samverkan_domain::agreement::{Agreement, AgreementState};
use samverkan_domain::change::ChangeType;
use samverkan_domain::steering::{MemberRole, Membership, Seat, Side};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One change: its position in the feed (increasing, never reused), its type from the
/// catalogue (`ChangeType`), when it was recorded, its agreement and its payload.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Change {
    /// Increasing in feed order; a follower resumes after the last position it processed.
    /// Positions are not dense: gaps carry no meaning.
    pub position: i64,
    /// The change's id (UUID v7); a webhook delivery carries it as `webhook-id`.
    pub id: Uuid,
    #[serde(rename = "type")]
    pub change_type: ChangeType,
    /// When the change was recorded (UTC).
    pub at: DateTime<Utc>,
    pub agreement_id: Uuid,
    /// Whether anyone may see this change.
    pub public: bool,
    /// `AgreementChangePayload` for `agreement.*`, `AccessionChangePayload` for
    /// `accession.*`, `SteeringGroupChangePayload` for `steering_group.*`,
    /// `ActionPlanChangePayload` for `action_plan.*`, `DialogueEventChangePayload` for
    /// `dialogue_event.*`, `PartnershipChangePayload` for `partnership.*`.
    pub payload: ChangePayload,
    /// For the agreement's administrators and platform administrators: what their views add
    /// (for accessions); `null` for everyone else and when there is none.
    pub private_payload: Option<ChangePrivatePayload>,
}

/// What an administrator's view adds to a change. Never a contact person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePrivatePayload {
    /// The reason recorded with an accession's transition (a rejection's, a withdrawal's);
    /// `null` when none was given.
    pub reason: Option<String>,
}

/// The payload of a change, by its type's area.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ChangePayload {
    Accession(AccessionChangePayload),
    Agreement(AgreementChangePayload),
    SteeringGroup(SteeringGroupChangePayload),
    ActionPlan(ActionPlanChangePayload),
    DialogueEvent(DialogueEventChangePayload),
    Partnership(PartnershipChangePayload),
}

/// `partnership.*`: the IOP partnership as the public register shows it (its title, state
/// and period); the register itself has the parties, contributions and decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipChangePayload {
    pub partnership_id: Uuid,
    pub state: samverkan_domain::partnership::PartnershipState,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

/// `action_plan.*`: the plan as its public view shows it, and the activity the change is
/// about. Participants are named by organisation, never by person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionPlanChangePayload {
    pub action_plan_id: Uuid,
    pub state: samverkan_domain::action_plan::PlanState,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// For `activity_added`, `activity_status_changed` and `participation_changed`.
    pub activity_id: Option<Uuid>,
    /// For `activity_added` and `activity_status_changed`: the status after the change.
    pub activity_status: Option<samverkan_domain::action_plan::ActivityStatus>,
    /// For `participation_changed`: the organisation that opted in or out, and which.
    pub organization_name: Option<String>,
    pub participating: Option<bool>,
}

/// `agreement.*`: the agreement as its public view shows it after the change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementChangePayload {
    pub agreement_id: Uuid,
    pub state: AgreementState,
    /// The title of the version in force, else of the version being prepared.
    pub title: String,
    /// The number of the adopted version; `null` before the first adoption.
    pub version: Option<u32>,
    /// When the adopted version is in force from; `null` before the first adoption.
    pub valid_from: Option<NaiveDate>,
}

impl AgreementChangePayload {
    pub fn of(a: &Agreement) -> Self {
        let current = a.current_version();
        Self {
            agreement_id: a.id(),
            state: a.state(),
            title: current
                .or(a.working_version())
                .or(a.versions().last())
                .map(|v| v.content().title.clone())
                .unwrap_or_default(),
            version: current.map(|v| v.number()),
            valid_from: current.and_then(|v| v.adoption()).map(|r| r.valid_from()),
        }
    }
}

/// `accession.*`: the signatory as the public list shows it, and the accession's state
/// after the change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessionChangePayload {
    pub accession_id: Uuid,
    pub signatory: ChangeSignatory,
    pub state: AccessionState,
    pub approved_on: Option<NaiveDate>,
    /// The day the signatory leaves (withdrawal, end); `null` while it stays.
    pub left_on: Option<NaiveDate>,
}

/// A signatory in a change: the register's organisation or public body, and its name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeSignatory {
    pub kind: SignatoryKind,
    pub id: Uuid,
    pub name: String,
}

/// `steering_group.*`: the group and what the change is about. Members are named by their
/// seat, never by name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SteeringGroupChangePayload {
    pub group_id: Uuid,
    /// For `member_appointed` and `term_ended`.
    pub membership: Option<MembershipChange>,
    /// For `meeting_planned`, `meeting_held` and `decision_recorded`.
    pub meeting_id: Option<Uuid>,
    pub meeting_date: Option<NaiveDate>,
    /// For `decision_recorded`.
    pub decision_id: Option<Uuid>,
}

/// A seat of the group, without the person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipChange {
    pub membership_id: Uuid,
    pub side: Side,
    pub seat: Seat,
    pub role: MemberRole,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
}

impl From<&Membership> for MembershipChange {
    fn from(m: &Membership) -> Self {
        Self {
            membership_id: m.id(),
            side: m.side(),
            seat: m.seat(),
            role: m.role(),
            term_start: m.term_start(),
            term_end: m.term_end(),
        }
    }
}

/// `dialogue_event.*`: the event as the public views show it. For `signatory_invited` and
/// `registration_recorded`, the signatory; for `registration_recorded` (administrators
/// only) the count. Never an attendee's name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DialogueEventChangePayload {
    pub event_id: Uuid,
    pub kind: samverkan_domain::dialogue::EventKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: samverkan_domain::dialogue::EventStatus,
    pub sequence: u32,
    pub signatory: Option<ChangeSignatory>,
    pub count: Option<u32>,
}
