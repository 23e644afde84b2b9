//! The changes an operation records in the change feed (`samverkan_persistence::changes`),
//! in its own transaction. Accessions record theirs where their history is written (storage);
//! agreements and steering groups here, from the aggregate as the operation left it. The
//! payloads are the `contract::changes` schemas: only what the public views show.

use chrono::{DateTime, Utc};
use samverkan_domain::agreement::{Agreement, is_publicly_visible};
use samverkan_domain::change::ChangeType;
use samverkan_domain::dialogue::DialogueEvent;
use samverkan_domain::steering::{Meeting, Membership};
use samverkan_persistence::changes::{self as store, NewChange};
use samverkan_persistence::db::DbConnection;
use uuid::Uuid;

use crate::contract::changes::{
    ActionPlanChangePayload, AgreementChangePayload, ChangeSignatory, DialogueEventChangePayload,
    PartnershipChangePayload, SteeringGroupChangePayload,
};
use crate::problem::{ApiError, ApiResult};
use samverkan_domain::action_plan::ActionPlan;

fn json<T: serde::Serialize>(value: &T) -> ApiResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(format!("change payload: {e}")))
}

/// The changes of an agreement operation: `before` is `None` for a new agreement.
pub fn agreement(
    conn: &mut DbConnection,
    before: Option<&Agreement>,
    after: &Agreement,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let types = match before {
        Some(before) => ChangeType::of_agreement(before, after),
        None => vec![ChangeType::AgreementCreated],
    };
    let payload = json(&AgreementChangePayload::of(after))?;
    let public = is_publicly_visible(after);
    let changes: Vec<NewChange> = types
        .into_iter()
        .map(|change_type| NewChange {
            change_type,
            agreement_id: after.id(),
            public: public && change_type.is_public(),
            payload: payload.clone(),
            private_payload: None,
        })
        .collect();
    Ok(store::record(conn, &changes, now)?)
}

/// What a steering-group change is about.
pub enum SteeringSubject<'a> {
    Group,
    Membership(&'a Membership),
    Meeting(&'a Meeting),
    Decision {
        meeting: &'a Meeting,
        decision_id: Uuid,
    },
}

/// A change of the agreement's steering group.
pub fn steering_group(
    conn: &mut DbConnection,
    change_type: ChangeType,
    agreement_id: Uuid,
    group_id: Uuid,
    subject: SteeringSubject<'_>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut payload = SteeringGroupChangePayload {
        group_id,
        membership: None,
        meeting_id: None,
        meeting_date: None,
        decision_id: None,
    };
    match subject {
        SteeringSubject::Group => {}
        SteeringSubject::Membership(m) => payload.membership = Some(m.into()),
        SteeringSubject::Meeting(m) => {
            payload.meeting_id = Some(m.id());
            payload.meeting_date = Some(m.date());
        }
        SteeringSubject::Decision {
            meeting,
            decision_id,
        } => {
            payload.meeting_id = Some(meeting.id());
            payload.meeting_date = Some(meeting.date());
            payload.decision_id = Some(decision_id);
        }
    }
    let public = store::agreement_is_public(conn, agreement_id)? && change_type.is_public();
    let change = NewChange {
        change_type,
        agreement_id,
        public,
        payload: json(&payload)?,
        private_payload: None,
    };
    Ok(store::record(conn, &[change], now)?)
}

/// What an action-plan change is about beside the plan.
pub enum PlanSubject<'a> {
    Plan,
    Activity(Uuid),
    Participation {
        activity_id: Uuid,
        organization_name: &'a str,
        participating: bool,
    },
}

/// A change of an action plan: public once the plan is adopted and the agreement public
/// (a draft and what is done to it stay with its editors).
pub fn action_plan(
    conn: &mut DbConnection,
    change_type: ChangeType,
    plan: &ActionPlan,
    subject: PlanSubject<'_>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut payload = ActionPlanChangePayload {
        action_plan_id: plan.id,
        state: plan.state,
        title: plan.title.clone(),
        period_from: plan.period_from,
        period_to: plan.period_to,
        activity_id: None,
        activity_status: None,
        organization_name: None,
        participating: None,
    };
    let status_of = |id: Uuid| {
        plan.activities
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.status())
    };
    match subject {
        PlanSubject::Plan => {}
        PlanSubject::Activity(id) => {
            payload.activity_id = Some(id);
            payload.activity_status = status_of(id);
        }
        PlanSubject::Participation {
            activity_id,
            organization_name,
            participating,
        } => {
            payload.activity_id = Some(activity_id);
            payload.organization_name = Some(organization_name.to_owned());
            payload.participating = Some(participating);
        }
    }
    let public = plan.is_public()
        && change_type.is_public()
        && store::agreement_is_public(conn, plan.agreement_id)?;
    let change = NewChange {
        change_type,
        agreement_id: plan.agreement_id,
        public,
        payload: json(&payload)?,
        private_payload: None,
    };
    Ok(store::record(conn, &[change], now)?)
}

/// What a dialogue-event change is about: the event, or one signatory of it (an invitation;
/// a registration with its count).
pub enum DialogueSubject {
    Event,
    Signatory(ChangeSignatory, Option<u32>),
}

/// A change of one of the agreement's dialogue events.
pub fn dialogue_event(
    conn: &mut DbConnection,
    change_type: ChangeType,
    event: &DialogueEvent,
    subject: DialogueSubject,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let d = event.details();
    let (signatory, count) = match subject {
        DialogueSubject::Event => (None, None),
        DialogueSubject::Signatory(s, count) => (Some(s), count),
    };
    let payload = DialogueEventChangePayload {
        event_id: event.id(),
        kind: d.kind,
        title: d.title.clone(),
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        status: event.status(),
        sequence: event.sequence(),
        signatory,
        count,
    };
    let agreement_id = event.agreement_id();
    let public = store::agreement_is_public(conn, agreement_id)? && change_type.is_public();
    let change = NewChange {
        change_type,
        agreement_id,
        public,
        payload: json(&payload)?,
        private_payload: None,
    };
    Ok(store::record(conn, &[change], now)?)
}

/// A change of an IOP partnership: public once it is entered (or ended) and the agreement
/// public; a proposal, its assessment and a decision not to enter stay with those who run
/// the agreement.
pub fn partnership(
    conn: &mut DbConnection,
    change_type: ChangeType,
    p: &samverkan_domain::partnership::Partnership,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let payload = PartnershipChangePayload {
        partnership_id: p.id,
        state: p.state,
        title: p.title.clone(),
        period_from: p.period_from,
        period_to: p.period_to,
    };
    let public = p.is_public()
        && change_type.is_public()
        && store::agreement_is_public(conn, p.agreement_id)?;
    let change = NewChange {
        change_type,
        agreement_id: p.agreement_id,
        public,
        payload: json(&payload)?,
        private_payload: None,
    };
    Ok(store::record(conn, &[change], now)?)
}
