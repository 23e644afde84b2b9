//! What happens to accessions when their agreement changes, and the sweep of accessions not
//! reconfirmed in time. Each runs in the transaction of the event that causes it.

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use samverkan_domain::accession::swedish_date;
use samverkan_domain::agreement::{Agreement, RevisionAdopted};
use samverkan_persistence::accessions as store;
use samverkan_persistence::agreements as agreement_store;
use samverkan_persistence::db::DbConnection;
use uuid::Uuid;

use crate::problem::ApiResult;

/// The accession's agreement, its row share-locked first: transitions of different
/// accessions run side by side, but never beside a termination or a revision adoption of
/// the agreement, which lock it exclusively (the same order everywhere: agreement, then
/// accession, so no deadlock).
pub fn agreement_of_accession_locked(
    conn: &mut DbConnection,
    accession_id: Uuid,
) -> ApiResult<Agreement> {
    Ok(agreement_store::get_agreement_of_accession_shared(conn, accession_id)?.agreement)
}

/// The agreement was terminated: every approved accession ends with it
/// (`Accession::end_with_agreement`).
pub fn end_with_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    effective_on: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for before in store::approved_of(conn, agreement_id)? {
        let mut a = before.accession.clone();
        a.end_with_agreement(effective_on, by, now)?;
        store::save_accession(conn, &before, &a, now)?;
    }
    Ok(())
}

/// A revision was adopted: approved accessions carry over to it, or are asked to reconfirm
/// (`Accession::follow_revision`).
pub fn follow_revision(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    revision: &RevisionAdopted,
    by: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for before in store::approved_of(conn, agreement_id)? {
        let mut a = before.accession.clone();
        if a.follow_revision(revision, by, now)? {
            store::save_accession(conn, &before, &a, now)?;
        }
    }
    Ok(())
}

/// The sweep: ends every accession whose reconfirmation deadline has passed
/// (`not_reconfirmed`). Returns how many ended.
pub fn end_unconfirmed(conn: &mut DbConnection, now: DateTime<Utc>) -> ApiResult<usize> {
    let today = swedish_date(now);
    let mut ended = 0;
    for id in store::past_reconfirmation(conn, today)? {
        agreement_of_accession_locked(conn, id)?;
        let before = store::get_accession_for_update(conn, id)?;
        if !before.accession.is_past_reconfirmation(today) {
            continue; // reconfirmed or ended meanwhile
        }
        let mut a = before.accession.clone();
        a.end_unconfirmed(now)?;
        store::save_accession(conn, &before, &a, now)?;
        ended += 1;
    }
    Ok(ended)
}
