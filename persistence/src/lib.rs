//! Storage for Samverkan: one set of diesel queries over PostgreSQL and SQLite.
//!
//! Every state change runs in `db::write_transaction`; the database enforces what it can
//! (foreign keys, unique partial indexes, checks) and this crate turns its refusals into the
//! domain's errors.

pub mod accessions;
pub mod action_plans;
pub mod agreements;
pub mod backup;
pub mod capability;
pub mod changes;
pub mod consultation;
pub mod db;
pub mod dialogue;
mod documents;
pub mod error;
pub mod idempotency;
pub mod keys;
pub mod page;
pub mod parties;
pub mod partnerships;
pub mod personal_data;
pub mod schema;
pub mod service_accounts;
pub mod steering;

pub use db::{DatabaseUrl, DbConnection, DbPool};
pub use error::{StoreError, StoreResult};

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

/// Timestamps are stored as UTC without zone, truncated to microseconds so that both
/// backends give back exactly what was written.
pub fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    t.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(t)
        .naive_utc()
}

pub fn to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub(crate) fn parse_uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|_| corrupt("uuid"))
}

/// A stored value this version cannot read: a bug or a manual edit, never the client's fault.
pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Internal(format!("unreadable stored value in {what}"))
}
