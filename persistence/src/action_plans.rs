//! Action plans: the plan with its activities is one JSON document in `action_plans`, in
//! storage's own serialised form (see `documents`), beside the columns lists use.
//!
//! Functions that write expect to run inside the caller's transaction. Adoption loads the
//! agreement's plans under the agreement's row lock (`plans_of_agreement_for_update`), so two
//! adoptions of overlapping plans are decided one after the other.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::action_plan::{
    ActionPlan, Activity, ActivityStatus, AdoptingBody, Due, PlanState, StatusChange,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::error::{StoreError, StoreResult};
use crate::schema::action_plans;
use crate::{corrupt, to_db_time, to_utc};

#[derive(Debug, Clone)]
pub struct PlanRecord {
    pub plan: ActionPlan,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const DOCUMENT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDocumentV1 {
    document_version: u32,
    title: String,
    adopted_by: Option<BodyV1>,
    adopted_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    activities: Vec<ActivityV1>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum BodyV1 {
    SteeringGroup {
        decision_id: Uuid,
        decision_date: NaiveDate,
    },
    ExternalBody {
        name: String,
        decision_date: NaiveDate,
        diary_number: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityV1 {
    id: Uuid,
    title: String,
    description: String,
    principles: Vec<u32>,
    development_areas: Vec<String>,
    responsible_parties: Vec<String>,
    due_on: Option<NaiveDate>,
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    history: Vec<StatusChangeV1>,
    participants: BTreeSet<Uuid>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChangeV1 {
    status: String,
    on: NaiveDate,
    note: String,
    by: String,
}

fn write_document(p: &ActionPlan) -> StoreResult<String> {
    let doc = PlanDocumentV1 {
        document_version: DOCUMENT_VERSION,
        title: p.title.clone(),
        adopted_by: p.adopted_by.as_ref().map(|b| match b.clone() {
            AdoptingBody::SteeringGroup {
                decision_id,
                decision_date,
            } => BodyV1::SteeringGroup {
                decision_id,
                decision_date,
            },
            AdoptingBody::ExternalBody {
                name,
                decision_date,
                diary_number,
            } => BodyV1::ExternalBody {
                name,
                decision_date,
                diary_number,
            },
        }),
        adopted_on: p.adopted_on,
        closed_on: p.closed_on,
        activities: p
            .activities
            .iter()
            .map(|a| {
                let (due_on, period_from, period_to) = match a.due {
                    Due::On(d) => (Some(d), None, None),
                    Due::Period { from, to } => (None, Some(from), Some(to)),
                };
                ActivityV1 {
                    id: a.id,
                    title: a.title.clone(),
                    description: a.description.clone(),
                    principles: a.principles.clone(),
                    development_areas: a.development_areas.clone(),
                    responsible_parties: a.responsible_parties.clone(),
                    due_on,
                    period_from,
                    period_to,
                    history: a
                        .history
                        .iter()
                        .map(|c| StatusChangeV1 {
                            status: c.status.as_str().to_owned(),
                            on: c.on,
                            note: c.note.clone(),
                            by: c.by.clone(),
                        })
                        .collect(),
                    participants: a.participants.clone(),
                }
            })
            .collect(),
    };
    serde_json::to_string(&doc).map_err(|e| StoreError::Internal(format!("action plan: {e}")))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = action_plans)]
struct PlanRow {
    id: String,
    agreement_id: String,
    state: String,
    period_from: NaiveDate,
    period_to: NaiveDate,
    document: String,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PlanRow {
    fn into_record(self) -> StoreResult<PlanRecord> {
        let bad = || corrupt("action_plans.document");
        let doc: PlanDocumentV1 = serde_json::from_str(&self.document).map_err(|e| {
            log::error!(target: "samverkan::storage", "unreadable document in action_plans, row {}: {e}", self.id);
            bad()
        })?;
        if doc.document_version != DOCUMENT_VERSION {
            return Err(bad());
        }
        let activities = doc
            .activities
            .into_iter()
            .map(|a| {
                let due = match (a.due_on, a.period_from, a.period_to) {
                    (Some(d), None, None) => Due::On(d),
                    (None, Some(from), Some(to)) => Due::Period { from, to },
                    _ => return Err(bad()),
                };
                let history = a
                    .history
                    .into_iter()
                    .map(|c| {
                        Ok(StatusChange {
                            status: ActivityStatus::parse(&c.status).ok_or_else(bad)?,
                            on: c.on,
                            note: c.note,
                            by: c.by,
                        })
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok(Activity {
                    id: a.id,
                    title: a.title,
                    description: a.description,
                    principles: a.principles,
                    development_areas: a.development_areas,
                    responsible_parties: a.responsible_parties,
                    due,
                    history,
                    participants: a.participants,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(PlanRecord {
            plan: ActionPlan {
                id: crate::parse_uuid(&self.id)?,
                agreement_id: crate::parse_uuid(&self.agreement_id)?,
                title: doc.title,
                period_from: self.period_from,
                period_to: self.period_to,
                state: PlanState::parse(&self.state).ok_or_else(bad)?,
                adopted_by: doc.adopted_by.map(|b| match b {
                    BodyV1::SteeringGroup {
                        decision_id,
                        decision_date,
                    } => AdoptingBody::SteeringGroup {
                        decision_id,
                        decision_date,
                    },
                    BodyV1::ExternalBody {
                        name,
                        decision_date,
                        diary_number,
                    } => AdoptingBody::ExternalBody {
                        name,
                        decision_date,
                        diary_number,
                    },
                }),
                adopted_on: doc.adopted_on,
                closed_on: doc.closed_on,
                activities,
            },
            row_version: self.row_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

pub fn insert_plan(
    conn: &mut DbConnection,
    plan: &ActionPlan,
    now: DateTime<Utc>,
) -> StoreResult<PlanRecord> {
    let now_db = to_db_time(now);
    diesel::insert_into(action_plans::table)
        .values((
            action_plans::id.eq(plan.id.to_string()),
            action_plans::agreement_id.eq(plan.agreement_id.to_string()),
            action_plans::state.eq(plan.state.as_str()),
            action_plans::period_from.eq(plan.period_from),
            action_plans::period_to.eq(plan.period_to),
            action_plans::document.eq(write_document(plan)?),
            action_plans::row_version.eq(1),
            action_plans::created_at.eq(now_db),
            action_plans::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    get_plan(conn, plan.agreement_id, plan.id)
}

/// One plan of the agreement (`NotFound` when it belongs to another).
pub fn get_plan(conn: &mut DbConnection, agreement_id: Uuid, id: Uuid) -> StoreResult<PlanRecord> {
    action_plans::table
        .filter(action_plans::id.eq(id.to_string()))
        .filter(action_plans::agreement_id.eq(agreement_id.to_string()))
        .select(PlanRow::as_select())
        .first::<PlanRow>(conn)?
        .into_record()
}

/// Every plan of the agreement, by period, then id.
pub fn plans_of_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
) -> StoreResult<Vec<PlanRecord>> {
    action_plans::table
        .filter(action_plans::agreement_id.eq(agreement_id.to_string()))
        .order((action_plans::period_from, action_plans::id))
        .select(PlanRow::as_select())
        .load::<PlanRow>(conn)?
        .into_iter()
        .map(PlanRow::into_record)
        .collect()
}

/// The agreement's plans, holding the agreement's row lock until the transaction ends: a
/// change to one plan that depends on the others (adoption) is decided after any other.
pub fn plans_of_agreement_for_update(
    conn: &mut DbConnection,
    agreement_id: Uuid,
) -> StoreResult<Vec<PlanRecord>> {
    lock_row(conn, LockableTable::Agreements, &agreement_id.to_string())?;
    plans_of_agreement(conn, agreement_id)
}

/// Saves a changed plan; `expected_version` is the version it was loaded at.
pub fn save_plan(
    conn: &mut DbConnection,
    plan: &ActionPlan,
    expected_version: i64,
    now: DateTime<Utc>,
) -> StoreResult<PlanRecord> {
    let n = diesel::update(
        action_plans::table
            .filter(action_plans::id.eq(plan.id.to_string()))
            .filter(action_plans::row_version.eq(expected_version)),
    )
    .set((
        action_plans::state.eq(plan.state.as_str()),
        action_plans::period_from.eq(plan.period_from),
        action_plans::period_to.eq(plan.period_to),
        action_plans::document.eq(write_document(plan)?),
        action_plans::row_version.eq(expected_version + 1),
        action_plans::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    get_plan(conn, plan.agreement_id, plan.id)
}
