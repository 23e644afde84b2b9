//! The change feed: a transactional outbox. `record` is the one function that writes a
//! change, in the caller's transaction, so a change exists exactly when the state change it
//! describes was committed.
//!
//! Positions never go backwards and never skip a committed change:
//! - **SQLite** has one writer at a time (`BEGIN IMMEDIATE`), so the row id
//!   (`AUTOINCREMENT`) is commit order.
//! - **PostgreSQL** writers run concurrently and a sequence would let a reader see position
//!   11 before 10 commits. The position is instead the writing transaction's id
//!   (`pg_current_xact_id()`, stored as `txid`) shifted left by 20 bits, plus the change's
//!   index within that transaction; a reader only returns changes whose `txid` is below the
//!   visibility horizon (`HORIZON`): `pg_snapshot_xmin(pg_current_snapshot())`, the oldest
//!   transaction still in progress, narrowed to this database. Every transaction below the
//!   horizon has ended, and every transaction still to commit has a `txid` at or above it,
//!   hence a larger position than anything returned. Transaction ids are shared by every
//!   database of the server, so the horizon leaves out the in-progress transactions that
//!   `pg_stat_activity` shows in *another* database (they never write this table); one it
//!   cannot place (no permission to see it, a background worker) still counts, which only
//!   delays the feed. Writers take no lock for this; a long write transaction of this
//!   database holds the feed back until it ends.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::change::ChangeType;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::changes;
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

/// The PostgreSQL visibility horizon, evaluated in the reading statement's own snapshot: the
/// oldest transaction of this database in progress (a `txid` below it has ended), else the
/// snapshot's `xmax` (every transaction so far has ended).
const HORIZON: &str = "txid < (SELECT coalesce(min(x.x), pg_snapshot_xmax(pg_current_snapshot())) \
     FROM pg_snapshot_xip(pg_current_snapshot()) AS x(x) \
     WHERE x.x::xid NOT IN (SELECT a.backend_xid FROM pg_stat_activity a \
       WHERE a.backend_xid IS NOT NULL AND a.datid IS DISTINCT FROM \
         (SELECT oid FROM pg_database WHERE datname = current_database())))";

/// Bits of a PostgreSQL position that number the changes of one transaction.
const INDEX_BITS: u32 = 20;

/// A change to record: its type, its agreement, whether anyone may see it, and the payloads
/// (JSON). `payload` carries only what the public views show; `private_payload`, for the
/// agreement's administrators, never names a contact person.
#[derive(Debug, Clone)]
pub struct NewChange {
    pub change_type: ChangeType,
    pub agreement_id: Uuid,
    pub public: bool,
    pub payload: serde_json::Value,
    pub private_payload: Option<serde_json::Value>,
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    pub position: i64,
    pub id: Uuid,
    pub change_type: ChangeType,
    pub at: DateTime<Utc>,
    pub agreement_id: Uuid,
    pub public: bool,
    pub payload: serde_json::Value,
    pub private_payload: Option<serde_json::Value>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = changes)]
struct ChangeRow {
    position: i64,
    id: String,
    change_type: String,
    at: NaiveDateTime,
    agreement_id: String,
    public: bool,
    payload: String,
    private_payload: Option<String>,
}

impl ChangeRow {
    fn into_record(self) -> StoreResult<ChangeRecord> {
        let json = |s: &str| serde_json::from_str(s).map_err(|_| corrupt("changes.payload"));
        Ok(ChangeRecord {
            position: self.position,
            id: parse_uuid(&self.id)?,
            change_type: ChangeType::parse(&self.change_type)
                .ok_or_else(|| corrupt("changes.change_type"))?,
            at: to_utc(self.at),
            agreement_id: parse_uuid(&self.agreement_id)?,
            public: self.public,
            payload: json(&self.payload)?,
            private_payload: self.private_payload.as_deref().map(json).transpose()?,
        })
    }
}

/// Records changes in the caller's (write) transaction, in the order given, at `now`.
pub fn record(
    conn: &mut DbConnection,
    changes: &[NewChange],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    use diesel::sql_types::{Bool, Nullable, Text, Timestamp};
    let at = to_db_time(now);
    for c in changes {
        let id = Uuid::now_v7().to_string();
        let payload = c.payload.to_string();
        let private = c.private_payload.as_ref().map(|p| p.to_string());
        match conn {
            DbConnection::Postgresql(pg) => {
                diesel::sql_query(format!(
                    "INSERT INTO changes \
                     (position, id, change_type, at, agreement_id, public, payload, private_payload) \
                     VALUES ((pg_current_xact_id()::text::bigint << {INDEX_BITS}) \
                       + (SELECT count(*) FROM changes WHERE txid = pg_current_xact_id()), \
                       $1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind::<Text, _>(&id)
                .bind::<Text, _>(c.change_type.as_str())
                .bind::<Timestamp, _>(at)
                .bind::<Text, _>(c.agreement_id.to_string())
                .bind::<Bool, _>(c.public)
                .bind::<Text, _>(&payload)
                .bind::<Nullable<Text>, _>(private.as_deref())
                .execute(pg)?;
            }
            DbConnection::Sqlite(_) => {
                diesel::insert_into(changes::table)
                    .values((
                        changes::id.eq(&id),
                        changes::change_type.eq(c.change_type.as_str()),
                        changes::at.eq(at),
                        changes::agreement_id.eq(c.agreement_id.to_string()),
                        changes::public.eq(c.public),
                        changes::payload.eq(&payload),
                        changes::private_payload.eq(private.as_deref()),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Which changes a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: public changes only.
    Public,
    /// Public changes, and every change of these agreements (their administrators).
    Administrator(Vec<Uuid>),
    /// Every change (a platform administrator, the webhook worker).
    All,
}

/// What a reader asks for.
#[derive(Debug, Clone)]
pub struct ChangeQuery {
    /// Changes after this position (0 from the start).
    pub after: i64,
    pub limit: i64,
    pub types: Vec<ChangeType>,
    pub agreement_ids: Vec<Uuid>,
    pub audience: Audience,
}

/// The changes after `query.after` in position order, up to the visibility horizon on
/// PostgreSQL (module documentation), at most `limit` of them.
pub fn list(conn: &mut DbConnection, query: &ChangeQuery) -> StoreResult<Vec<ChangeRecord>> {
    let mut q = changes::table
        .filter(changes::position.gt(query.after))
        .select(ChangeRow::as_select())
        .into_boxed();
    if matches!(conn, DbConnection::Postgresql(_)) {
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(HORIZON));
    }
    if !query.types.is_empty() {
        q = q.filter(changes::change_type.eq_any(query.types.iter().map(|t| t.as_str())));
    }
    if !query.agreement_ids.is_empty() {
        q = q.filter(
            changes::agreement_id.eq_any(query.agreement_ids.iter().map(|a| a.to_string())),
        );
    }
    match &query.audience {
        Audience::All => {}
        Audience::Public => q = q.filter(changes::public.eq(true)),
        Audience::Administrator(ids) => {
            let ids: Vec<String> = ids.iter().map(|a| a.to_string()).collect();
            q = q.filter(
                changes::public
                    .eq(true)
                    .or(changes::agreement_id.eq_any(ids)),
            );
        }
    }
    q.order(changes::position.asc())
        .limit(query.limit)
        .load::<ChangeRow>(conn)?
        .into_iter()
        .map(ChangeRow::into_record)
        .collect()
}

/// The last position a reader may see now (0 when there is none): where a follower that
/// wants only what happens from now on starts.
pub fn head(conn: &mut DbConnection) -> StoreResult<i64> {
    let mut q = changes::table
        .select(diesel::dsl::max(changes::position))
        .into_boxed();
    if matches!(conn, DbConnection::Postgresql(_)) {
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(HORIZON));
    }
    Ok(q.first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// One change by id.
pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<ChangeRecord> {
    changes::table
        .filter(changes::id.eq(id.to_string()))
        .select(ChangeRow::as_select())
        .first::<ChangeRow>(conn)
        .optional()?
        .ok_or(StoreError::NotFound)?
        .into_record()
}

/// Whether the agreement is public now (`PUBLIC_STATES`), read from its state column: a
/// change of an agreement nobody else may see is never public.
pub fn agreement_is_public(conn: &mut DbConnection, agreement_id: Uuid) -> StoreResult<bool> {
    use crate::schema::agreements;
    use samverkan_domain::agreement::{AgreementState, PUBLIC_STATES};
    let state: String = agreements::table
        .find(agreement_id.to_string())
        .select(agreements::state)
        .first(conn)?;
    let state = AgreementState::parse(&state).ok_or_else(|| corrupt("agreements.state"))?;
    Ok(PUBLIC_STATES.contains(&state))
}

/// The changes an accession's new history entries (from `from_seq` on) record: one per
/// entry, its type from the entry's event. The payload is what the public list shows of a
/// signatory; the private payload adds the entry's reason. Neither names a contact person.
pub(crate) fn record_accession_history(
    conn: &mut DbConnection,
    a: &samverkan_domain::accession::Accession,
    signatory_name: &str,
    from_seq: usize,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let entries = &a.history()[from_seq.min(a.history().len())..];
    if entries.is_empty() {
        return Ok(());
    }
    let agreement_public = agreement_is_public(conn, a.agreement_id())?;
    let changes: Vec<NewChange> = entries
        .iter()
        .map(|entry| {
            let change_type = ChangeType::of_history(entry.event());
            NewChange {
                change_type,
                agreement_id: a.agreement_id(),
                public: agreement_public && change_type.is_public(),
                payload: serde_json::json!({
                    "accession_id": a.id(),
                    "signatory": {
                        "kind": a.signatory().kind().as_str(),
                        "id": a.signatory().id(),
                        "name": signatory_name,
                    },
                    "state": entry.to().as_str(),
                    "approved_on": a.approved_on(),
                    "left_on": a.left_on(),
                }),
                private_payload: Some(serde_json::json!({ "reason": entry.reason() })),
            }
        })
        .collect();
    record(conn, &changes, now)
}

/// Committed changes a reader cannot see yet because an older transaction of this database
/// is still open (PostgreSQL; always none on SQLite), and the age of the oldest in seconds
/// at `now`: a feed held back by a long or stuck transaction.
pub fn held_back(conn: &mut DbConnection, now: DateTime<Utc>) -> StoreResult<(i64, i64)> {
    if !matches!(conn, DbConnection::Postgresql(_)) {
        return Ok((0, 0));
    }
    let (count, oldest): (i64, Option<NaiveDateTime>) = changes::table
        .filter(diesel::dsl::not(
            diesel::dsl::sql::<diesel::sql_types::Bool>(HORIZON),
        ))
        .select((diesel::dsl::count_star(), diesel::dsl::min(changes::at)))
        .first(conn)?;
    let age = oldest.map_or(0, |at| (to_db_time(now) - at).num_seconds().max(0));
    Ok((count, age))
}
