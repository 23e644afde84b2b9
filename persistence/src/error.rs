//! The persistence layer's one error type. Database messages never leave this crate in a
//! response: `Internal` carries them to the log only.

use samverkan_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A domain rule or validation failed (including unique violations translated into the
    /// domain's words, e.g. `already_signatory`).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The resource changed since the client's `If-Match`.
    #[error("precondition failed")]
    Stale,
    /// The database is unreachable or busy: the request may succeed when retried.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("internal storage error: {0}")]
    Internal(String),
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            Error::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            // Storage that cannot take the write (read-only, full, failing, a standby): the
            // request may succeed later, elsewhere or after an operator's fix.
            Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            Error::DatabaseError(_, ref info) if is_storage_failure(info.message()) => {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

/// Messages of storage that cannot write, from SQLite (`SQLITE_READONLY`, `SQLITE_IOERR`,
/// `SQLITE_FULL`, `SQLITE_CANTOPEN`) and PostgreSQL (a full disk, a standby).
fn is_storage_failure(message: &str) -> bool {
    [
        "readonly database",
        "disk I/O error",
        "database or disk is full",
        "unable to open database file",
        "No space left on device",
        "could not extend file",
        "read-only transaction",
        "recovery is in progress",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// Whether a diesel error is a unique violation (on either backend), for adapters that turn
/// it into the domain's own error.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Turns a unique violation into `domain`, passing other errors through.
pub fn unique_as(e: diesel::result::Error, domain: impl FnOnce() -> DomainError) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Domain(domain())
    } else {
        e.into()
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
