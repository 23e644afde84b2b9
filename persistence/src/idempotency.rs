//! Stored responses of creating POSTs, so that a retried request (same caller, same
//! `Idempotency-Key`) gets the original answer instead of a second resource.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::idempotency_keys;
use crate::to_db_time;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

type Row = (String, i32, Option<String>, Option<String>, String);

/// Claims `(caller, key)` for the rest of the caller's write transaction, before it looks the
/// key up or does the work: a concurrent request with the same key waits here until this
/// transaction ends, and then finds its stored response. PostgreSQL: a transaction-scoped
/// advisory lock on the key's hash; SQLite: nothing to do, its write transactions
/// (`BEGIN IMMEDIATE`) already run one at a time.
pub fn claim(conn: &mut DbConnection, caller: &str, key: &str) -> StoreResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text AS claimed")
            .bind::<diesel::sql_types::Text, _>(format!("idempotency\n{caller}\n{key}"))
            .execute(pg)?;
    }
    Ok(())
}

pub fn lookup(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
) -> StoreResult<Option<StoredResponse>> {
    let row: Option<Row> = idempotency_keys::table
        .filter(idempotency_keys::caller.eq(caller))
        .filter(idempotency_keys::key.eq(key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::response_status,
            idempotency_keys::response_location,
            idempotency_keys::response_etag,
            idempotency_keys::response_body,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(request_hash, status, location, etag, body)| StoredResponse {
            request_hash,
            status: u16::try_from(status).unwrap_or(200),
            location,
            etag,
            body,
        },
    ))
}

/// Stores the response in the same transaction as the write it answers. `Ok(false)` when a
/// concurrent request stored the key first: the caller must roll back and replay.
pub fn store(
    conn: &mut DbConnection,
    caller: &str,
    key: &str,
    response: &StoredResponse,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::caller.eq(caller),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(&response.request_hash),
            idempotency_keys::response_status.eq(i32::from(response.status)),
            idempotency_keys::response_location.eq(&response.location),
            idempotency_keys::response_etag.eq(&response.etag),
            idempotency_keys::response_body.eq(&response.body),
            idempotency_keys::created_at.eq(to_db_time(now)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if crate::error::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
