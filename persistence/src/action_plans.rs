//! Action plans: the plan with its activities is one JSON document in `action_plans`, in
//! storage's own serialised form (`documents::action_plan`), beside the columns lists use.
//!
//! Functions that write expect to run inside the caller's transaction. Adoption loads the
//! agreement's plans under the agreement's row lock (`plans_of_agreement_for_update`), so two
//! adoptions of overlapping plans are decided one after the other.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::action_plan::{ActionPlan, PlanState};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::documents::{read_action_plan, write_action_plan};
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
        let stored = read_action_plan(&self.id, &self.document)?;
        Ok(PlanRecord {
            plan: ActionPlan {
                id: crate::parse_uuid(&self.id)?,
                agreement_id: crate::parse_uuid(&self.agreement_id)?,
                title: stored.title,
                period_from: self.period_from,
                period_to: self.period_to,
                state: PlanState::parse(&self.state)
                    .ok_or_else(|| corrupt("action_plans.state"))?,
                adopted_by: stored.adopted_by,
                adopted_on: stored.adopted_on,
                closed_on: stored.closed_on,
                activities: stored.activities,
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
            action_plans::document.eq(write_action_plan(plan)?),
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
        action_plans::document.eq(write_action_plan(plan)?),
        action_plans::row_version.eq(expected_version + 1),
        action_plans::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    get_plan(conn, plan.agreement_id, plan.id)
}
