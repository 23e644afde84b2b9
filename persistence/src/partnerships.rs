//! IOP partnerships: each one a JSON document in `partnerships`, in storage's own
//! serialised form (`documents::partnership`), beside the columns the register uses.
//!
//! Functions that write expect to run inside the caller's transaction; a change loads the
//! partnership with its row locked (`get_partnership_for_update`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::partnership::{Partnership, PartnershipState};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::documents::{read_partnership, write_partnership};
use crate::error::{StoreError, StoreResult};
use crate::schema::partnerships;
use crate::{corrupt, to_db_time, to_utc};

#[derive(Debug, Clone)]
pub struct PartnershipRecord {
    pub partnership: Partnership,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partnerships)]
struct PartnershipRow {
    id: String,
    agreement_id: String,
    public_body_id: String,
    state: String,
    period_from: NaiveDate,
    period_to: NaiveDate,
    document: String,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PartnershipRow {
    fn into_record(self) -> StoreResult<PartnershipRecord> {
        let s = read_partnership(&self.id, &self.document)?;
        Ok(PartnershipRecord {
            partnership: Partnership {
                id: crate::parse_uuid(&self.id)?,
                agreement_id: crate::parse_uuid(&self.agreement_id)?,
                public_body_id: crate::parse_uuid(&self.public_body_id)?,
                organizations: s.organizations,
                title: s.title,
                purpose: s.purpose,
                principles: s.principles,
                period_from: self.period_from,
                period_to: self.period_to,
                public_contribution: s.public_contribution,
                organization_contribution: s.organization_contribution,
                state: PartnershipState::parse(&self.state)
                    .ok_or_else(|| corrupt("partnerships.state"))?,
                proposed_on: s.proposed_on,
                assessment: s.assessment,
                decision: s.decision,
                entered_on: s.entered_on,
                contract_reference: s.contract_reference,
                ended_on: s.ended_on,
                reason: s.reason,
            },
            row_version: self.row_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

pub fn insert_partnership(
    conn: &mut DbConnection,
    p: &Partnership,
    now: DateTime<Utc>,
) -> StoreResult<PartnershipRecord> {
    let now_db = to_db_time(now);
    diesel::insert_into(partnerships::table)
        .values((
            partnerships::id.eq(p.id.to_string()),
            partnerships::agreement_id.eq(p.agreement_id.to_string()),
            partnerships::public_body_id.eq(p.public_body_id.to_string()),
            partnerships::state.eq(p.state.as_str()),
            partnerships::period_from.eq(p.period_from),
            partnerships::period_to.eq(p.period_to),
            partnerships::document.eq(write_partnership(p)?),
            partnerships::row_version.eq(1),
            partnerships::created_at.eq(now_db),
            partnerships::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    get_partnership(conn, p.agreement_id, p.id)
}

/// One partnership of the agreement (`NotFound` when it belongs to another).
pub fn get_partnership(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    id: Uuid,
) -> StoreResult<PartnershipRecord> {
    partnerships::table
        .filter(partnerships::id.eq(id.to_string()))
        .filter(partnerships::agreement_id.eq(agreement_id.to_string()))
        .select(PartnershipRow::as_select())
        .first::<PartnershipRow>(conn)?
        .into_record()
}

/// One partnership with its row locked until the transaction ends.
pub fn get_partnership_for_update(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    id: Uuid,
) -> StoreResult<PartnershipRecord> {
    // Existence first, so an unknown id is 404 rather than a lock on nothing.
    get_partnership(conn, agreement_id, id)?;
    lock_row(conn, LockableTable::Partnerships, &id.to_string())?;
    get_partnership(conn, agreement_id, id)
}

/// The agreement's partnerships, by period, then id; `states` empty means every state.
pub fn partnerships_of_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    states: &[PartnershipState],
) -> StoreResult<Vec<PartnershipRecord>> {
    let mut q = partnerships::table
        .filter(partnerships::agreement_id.eq(agreement_id.to_string()))
        .into_boxed();
    if !states.is_empty() {
        q = q.filter(partnerships::state.eq_any(states.iter().map(|s| s.as_str())));
    }
    q.order((partnerships::period_from, partnerships::id))
        .select(PartnershipRow::as_select())
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(PartnershipRow::into_record)
        .collect()
}

/// Saves a changed partnership; `expected_version` is the version it was loaded at.
pub fn save_partnership(
    conn: &mut DbConnection,
    p: &Partnership,
    expected_version: i64,
    now: DateTime<Utc>,
) -> StoreResult<PartnershipRecord> {
    let n = diesel::update(
        partnerships::table
            .filter(partnerships::id.eq(p.id.to_string()))
            .filter(partnerships::row_version.eq(expected_version)),
    )
    .set((
        partnerships::state.eq(p.state.as_str()),
        partnerships::document.eq(write_partnership(p)?),
        partnerships::row_version.eq(expected_version + 1),
        partnerships::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    get_partnership(conn, p.agreement_id, p.id)
}
