//! Backup and restore, table by table (issue 24): every table of `schema` as rows of a
//! portable JSON form, the same on both backends — ids and documents as text, timestamps as
//! `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC, no zone), dates as `YYYY-MM-DD`, booleans as `true`/
//! `false` — so an export of SQLite restores into PostgreSQL and back.
//!
//! `TABLES` lists the tables in an order that respects every foreign key (a restore inserts
//! in it). A new table is one more line in `backup_tables!` below; the coverage test
//! (`tests/tests/backup.rs`) enumerates the database's own catalogue and fails for a table
//! neither here nor in `NOT_EXPORTED`.
//!
//! What the archive is (the file, its manifest) is the API crate's `backup`; this module
//! reads and writes rows, in the caller's transaction.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};

/// Tables of the database that are not exported, with the reason: each is derived from
/// exported tables and rebuilt when they are restored.
pub const NOT_EXPORTED: &[(&str, &str)] = &[(
    "signatory_terms_search",
    "SQLite's trigram index of signatory_terms (FTS5), kept in step by triggers on insert",
)];

/// A row of an archive this version cannot restore into `table`.
fn bad_row(table: &str, line: u64, why: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("{table}, line {line}: {why}"))
}

macro_rules! backup_tables {
    ($( $table:ident ($($key:ident),+) { $($col:ident : $ty:ty),* $(,)? } )*) => {
        /// Every exported table, parents before children.
        pub const TABLES: &[&str] = &[$(stringify!($table)),*];

        mod rows {
            use chrono::{NaiveDate, NaiveDateTime};
            use serde::{Deserialize, Serialize};
            $(
                #[allow(non_camel_case_types)]
                #[derive(diesel::Queryable, diesel::Selectable, diesel::Insertable, Serialize, Deserialize)]
                #[diesel(table_name = crate::schema::$table)]
                #[diesel(treat_none_as_default_value = false)]
                #[serde(deny_unknown_fields)]
                pub struct $table {
                    $(pub $col: $ty,)*
                }
            )*
        }

        /// Writes every row of `table` as one JSON line each through `line`, in primary-key
        /// order, `batch` rows per query; returns how many. Run it in one read transaction
        /// for a consistent snapshot (`read_snapshot`).
        pub fn export_table(
            conn: &mut DbConnection,
            table: &str,
            batch: i64,
            line: &mut dyn FnMut(&str) -> std::io::Result<()>,
        ) -> StoreResult<u64> {
            let batch = batch.max(1);
            match table {
                $(
                    stringify!($table) => {
                        use crate::schema::$table::dsl as t;
                        let mut written = 0u64;
                        loop {
                            let offset = i64::try_from(written).unwrap_or(i64::MAX);
                            let page: Vec<rows::$table> = t::$table
                                .select(rows::$table::as_select())
                                .order(($(t::$key.asc(),)+))
                                .limit(batch)
                                .offset(offset)
                                .load(conn)?;
                            for row in &page {
                                let text = serde_json::to_string(row)
                                    .map_err(|e| StoreError::Internal(e.to_string()))?;
                                line(&text).map_err(|e| StoreError::Internal(e.to_string()))?;
                            }
                            written += page.len() as u64;
                            if (page.len() as i64) < batch {
                                return Ok(written);
                            }
                        }
                    }
                )*
                other => Err(StoreError::Internal(format!("no table {other} to export"))),
            }
        }

        /// Inserts one exported row (`text`, line `line` of its file) into `table`.
        pub fn import_row(
            conn: &mut DbConnection,
            table: &str,
            line: u64,
            text: &str,
        ) -> StoreResult<()> {
            match table {
                $(
                    stringify!($table) => {
                        let row: rows::$table =
                            serde_json::from_str(text).map_err(|e| bad_row(table, line, e))?;
                        diesel::insert_into(crate::schema::$table::table)
                            .values(&row)
                            .execute(conn)?;
                        Ok(())
                    }
                )*
                other => Err(StoreError::Internal(format!("no table {other} to import into"))),
            }
        }

        /// How many rows `table` holds.
        pub fn count_rows(conn: &mut DbConnection, table: &str) -> StoreResult<i64> {
            match table {
                $(
                    stringify!($table) => Ok(crate::schema::$table::table.count().get_result(conn)?),
                )*
                other => Err(StoreError::Internal(format!("no table {other}"))),
            }
        }
    };
}

backup_tables! {
    public_bodies (id) {
        id: String, name: String, sort_key: String, kind: String, scb_code: Option<String>,
        website: Option<String>, row_version: i64, created_at: NaiveDateTime,
        updated_at: NaiveDateTime, org_number: Option<String>,
    }
    organizations (id) {
        id: String, name: String, sort_key: String, org_number: Option<String>,
        legal_form: String, website: Option<String>, description: Option<String>,
        row_version: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime,
        pending_verification: bool,
    }
    organization_municipalities (organization_id, municipality_code) {
        organization_id: String, municipality_code: String,
    }
    organization_changes (organization_id, row_version) {
        organization_id: String, row_version: i64, changed_at: NaiveDateTime, changed_by: String,
    }
    agreements (id) {
        id: String, owner_public_body_id: String, state: String, scope: String, title: String,
        document: String, row_version: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime,
    }
    agreement_parties (agreement_id, public_body_id) {
        agreement_id: String, public_body_id: String,
    }
    agreement_municipalities (agreement_id, municipality_code) {
        agreement_id: String, municipality_code: String,
    }
    steering_groups (id) {
        id: String, agreement_id: String, name: String, kind: String,
        ordinary_seats_per_side: Option<i32>, deputies_allowed: bool,
        chair_and_vice_chair_from_different_sides: bool, default_term_months: Option<i32>,
        row_version: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime,
    }
    steering_memberships (id) {
        id: String, group_id: String, person_name: String, person_ref: Option<String>,
        title: Option<String>, side: String, seat: String, role: String, appointer_kind: String,
        appointer_id: Option<String>, appointer_name: Option<String>, term_start: NaiveDate,
        term_end: Option<NaiveDate>, created_at: NaiveDateTime,
    }
    steering_meetings (id) {
        id: String, group_id: String, date: NaiveDate, minutes_reference: Option<String>,
        created_at: NaiveDateTime, planned: bool,
    }
    steering_attendance (meeting_id, membership_id) {
        meeting_id: String, membership_id: String,
    }
    steering_decisions (id) {
        id: String, group_id: String, agreement_id: String, meeting_id: String, kind: String,
        subject: String, subject_id: Option<String>, text: String, created_at: NaiveDateTime,
    }
    accessions (id) {
        id: String, agreement_id: String, signatory_kind: String, signatory_id: String,
        organization_id: Option<String>, public_body_id: Option<String>,
        signatory_name: String, signatory_sort_key: String, state: String,
        approved_on: Option<NaiveDate>, left_on: Option<NaiveDate>,
        reconfirm_by: Option<NaiveDate>, document: String, row_version: i64,
        created_at: NaiveDateTime, updated_at: NaiveDateTime, verify_by: Option<NaiveDate>,
    }
    accession_history (accession_id, seq) {
        accession_id: String, seq: i32, event: String, from_state: Option<String>,
        to_state: String, at: NaiveDateTime, by_sub: String, reason: Option<String>,
        corrects_seq: Option<i32>,
    }
    signatory_terms (id) {
        id: String, agreement_id: String, signatory_kind: String, signatory_id: String,
        organization_id: Option<String>, signatory_name: String, signatory_sort_key: String,
        since: NaiveDate, until: Option<NaiveDate>,
    }
    dialogue_events (id) {
        id: String, agreement_id: String, starts_at: NaiveDateTime, document: String,
        row_version: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime,
    }
    dialogue_invitations (event_id, signatory_id) {
        event_id: String, signatory_kind: String, signatory_id: String, signatory_name: String,
        invited_at: NaiveDateTime,
    }
    action_plans (id) {
        id: String, agreement_id: String, state: String, period_from: NaiveDate,
        period_to: NaiveDate, document: String, row_version: i64, created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    consultation_responses (id) {
        id: String, agreement_id: String, version_number: i32, organization_id: String,
        document: String, row_version: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime,
    }
    capability_links (id) {
        id: String, token_hash: String, organization_id: String, agreement_id: String,
        issued_to: String, issued_at: NaiveDateTime, revoked_at: Option<NaiveDateTime>,
        revocation_reason: Option<String>,
    }
    service_accounts (client_id) {
        client_id: String, name: String, roles: String, public_body_id: Option<String>,
        organization_ids: String, secret_hash: String, created_at: NaiveDateTime,
        created_by: String, secret_rotated_at: NaiveDateTime, revoked_at: Option<NaiveDateTime>,
    }
    partnerships (id) {
        id: String, agreement_id: String, public_body_id: String, state: String,
        period_from: NaiveDate, period_to: NaiveDate, document: String, row_version: i64,
        created_at: NaiveDateTime, updated_at: NaiveDateTime,
    }
    changes (position) {
        position: i64, id: String, change_type: String, at: NaiveDateTime, agreement_id: String,
        public: bool, payload: String, private_payload: Option<String>,
    }
    idempotency_keys (caller, key) {
        caller: String, key: String, request_hash: String, response_status: i32,
        response_location: Option<String>, response_etag: Option<String>,
        response_body: String, created_at: NaiveDateTime,
    }
    server_keys (name) {
        name: String, secret: String,
    }
}

/// Tables a restore replaces rather than fills: the migrations make their rows (the cursor
/// key), and the archive's take their place so cursors and tokens stay valid.
pub const REPLACED_ON_RESTORE: &[&str] = &["server_keys"];

/// Runs `f` in one read-only transaction that sees a single snapshot of the whole database:
/// `REPEATABLE READ` on PostgreSQL, a deferred transaction (a WAL read snapshot from its
/// first read) on SQLite. Writers go on meanwhile; the transaction is rolled back at the end.
pub fn read_snapshot<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?,
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )?,
    }
    let result = f(conn);
    <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(conn)?;
    result
}

/// The tables the database itself holds (its catalogue), without the migration tool's own
/// and SQLite's internal and FTS shadow tables: what the coverage test compares `TABLES`
/// and the personal-data register with.
pub fn catalogue_tables(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS name FROM sqlite_master m WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND NOT EXISTS ( \
               SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' \
               AND m.name IN (v.name || '_data', v.name || '_idx', v.name || '_content', \
                              v.name || '_docsize', v.name || '_config')) ORDER BY 1"
        }
        DbConnection::Postgresql(_) => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    let names: Vec<Name> = diesel::sql_query(sql).load(conn)?;
    Ok(names
        .into_iter()
        .map(|n| n.name)
        .filter(|n| n != "__diesel_schema_migrations")
        .collect())
}

/// The migrations applied to this database, oldest first (the archive's schema version is
/// the list; a restore needs the same). Read from the migration tool's table, so it works in
/// a read-only snapshot.
pub fn applied_migrations(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let versions: Vec<Version> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations ORDER BY version")
            .load(conn)?;
    Ok(versions.into_iter().map(|v| v.version).collect())
}

/// Whether the restored change feed holds positions above the ones this PostgreSQL server
/// will give (its transaction id shifted, see `changes`): an archive of another PostgreSQL
/// server further on. Never on SQLite, whose positions continue from the largest.
pub fn feed_ahead_of_transactions(conn: &mut DbConnection) -> StoreResult<bool> {
    #[derive(QueryableByName)]
    struct Ahead {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ahead: bool,
    }
    match conn {
        DbConnection::Sqlite(_) => Ok(false),
        DbConnection::Postgresql(pg) => {
            let r: Ahead = diesel::sql_query(
                "SELECT coalesce(max(position), 0) >= (pg_snapshot_xmax(pg_current_snapshot())::text::bigint << 20) AS ahead FROM changes",
            )
            .get_result(pg)?;
            Ok(r.ahead)
        }
    }
}

/// Empties the tables a restore replaces (`REPLACED_ON_RESTORE`), in the restoring
/// transaction.
pub fn clear_replaced(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::delete(crate::schema::server_keys::table).execute(conn)?;
    Ok(())
}
