//! The stored forms of the aggregates kept as JSON documents (`agreements.document`,
//! `accessions.document`, `action_plans.document`): storage's own serialised types,
//! converted to and from the domain's types here and nowhere else. The domain's aggregates
//! have no serde of their own, so renaming a field in the domain cannot silently change what
//! is stored, and what is stored cannot change the API's JSON. Value enums (states, kinds,
//! channels) are written as their stored text, the same text their columns hold (`enum_text`
//! in the domain).
//!
//! # Versions
//!
//! Every document carries a `document_version`. Documents written before versions existed
//! have none: they are version 1, whose fields are exactly what those rows hold (a unit test
//! reads such rows, kept in `fixtures/`). A document is always written in the current
//! version and read in whatever version it is in.
//!
//! # Migrating a stored form
//!
//! When a document must change shape (a field renamed, split or given a new meaning):
//! 1. add `AgreementDocumentV2` beside `AgreementDocumentV1`, with its own nested types where
//!    they change, and make it the version written (`CURRENT`);
//! 2. keep `AgreementDocumentV1` as it is and add `impl From<AgreementDocumentV1> for
//!    AgreementDocumentV2`: the upgrade, a pure function tested on a V1 fixture;
//! 3. in `read`, dispatch on `document_version`: 1 → parse V1 and upgrade, 2 → parse V2.
//!
//! Old rows are then upgraded on every read and rewritten as V2 on their next save; a bulk
//! rewrite is an optimisation, never a precondition (no downtime, no migration that must
//! parse every row). A row whose `document_version` is newer than this build reads (a rolled
//! back binary) is refused, never guessed at.
//!
//! # Unreadable documents
//!
//! A document that does not parse is a bug or a manual edit, never the client's fault: the
//! error is logged at error level with the table, the row id and serde's path and message,
//! and the request answers 500 "internal error" with its request id (the cause stays in the
//! log).

mod accession;
mod action_plan;
mod agreement;
mod partnership;

pub(crate) use accession::{read_accession, write_accession};
pub(crate) use action_plan::{read_action_plan, write_action_plan};
pub(crate) use agreement::{read_agreement, write_agreement};
pub(crate) use partnership::{read_partnership, write_partnership};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{StoreError, StoreResult};

/// The `document_version` of a document, 1 when it has none (written before versions).
fn version_of(table: &'static str, id: &str, json: &str) -> StoreResult<u32> {
    #[derive(Deserialize)]
    struct Header {
        #[serde(default = "first")]
        document_version: u32,
    }
    fn first() -> u32 {
        1
    }
    Ok(parse::<Header>(table, id, json)?.document_version)
}

/// The document parsed as `T`, or the unreadable-document error naming where it failed.
fn parse<T: DeserializeOwned>(table: &'static str, id: &str, json: &str) -> StoreResult<T> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de)
        .map_err(|e| unreadable(table, id, &format!("at `{}`: {}", e.path(), e.inner())))
}

fn newer_than_known(table: &'static str, id: &str, version: u32, current: u32) -> StoreError {
    unreadable(
        table,
        id,
        &format!("document_version {version} is newer than this build reads ({current})"),
    )
}

/// Logs an unreadable document (table, row, what serde said) and returns the error that
/// becomes a 500 with the request id.
fn unreadable(table: &'static str, id: &str, detail: &str) -> StoreError {
    let message = format!("unreadable document in {table} row {id} {detail}");
    log::error!(target: "samverkan::storage", "{message}");
    StoreError::Internal(message)
}

fn written(e: serde_json::Error) -> StoreError {
    StoreError::Internal(format!("a document could not be written: {e}"))
}
