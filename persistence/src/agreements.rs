//! Agreements: the aggregate stored as one JSON document (`documents::agreement`, versioned),
//! with the columns lists need.
//!
//! Functions that write expect to run inside the caller's transaction.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::access::Principal;
use samverkan_domain::agreement::{
    Administered, Agreement, AgreementField, AgreementState, PUBLIC_STATES, RECORD_STATES,
    ShownStatus, administered_by,
};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::documents::{read_agreement, write_agreement};
use crate::error::{StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::parties::public_body_exists;
use crate::schema::{agreement_municipalities, agreement_parties, agreements};
use crate::{to_db_time, to_utc};
use samverkan_domain::Validator;

#[derive(Debug, Clone)]
pub struct AgreementRecord {
    pub agreement: Agreement,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = agreements)]
struct AgreementRow {
    id: String,
    document: String,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl AgreementRow {
    fn into_record(self) -> StoreResult<AgreementRecord> {
        let agreement = read_agreement(&self.id, &self.document)?;
        Ok(AgreementRecord {
            agreement,
            row_version: self.row_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

/// The title lists show: the version in force, else the one being prepared, else (an
/// abandoned draft) the last one there was.
pub fn title_of(a: &Agreement) -> String {
    a.current_version()
        .or_else(|| a.working_version())
        .or_else(|| a.versions().last())
        .map(|v| v.content().title.clone())
        .unwrap_or_default()
}

fn write_children(conn: &mut DbConnection, a: &Agreement) -> StoreResult<()> {
    let id = a.id().to_string();
    diesel::delete(agreement_parties::table.filter(agreement_parties::agreement_id.eq(&id)))
        .execute(conn)?;
    diesel::delete(
        agreement_municipalities::table.filter(agreement_municipalities::agreement_id.eq(&id)),
    )
    .execute(conn)?;
    for party in a.party_public_body_ids() {
        diesel::insert_into(agreement_parties::table)
            .values((
                agreement_parties::agreement_id.eq(&id),
                agreement_parties::public_body_id.eq(party.to_string()),
            ))
            .execute(conn)?;
    }
    for code in a.municipality_codes() {
        diesel::insert_into(agreement_municipalities::table)
            .values((
                agreement_municipalities::agreement_id.eq(&id),
                agreement_municipalities::municipality_code.eq(code.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a new agreement. Its parties must be in the register: a missing one is the
/// client's mistake (422 naming it), not a foreign-key failure.
pub fn insert_agreement(
    conn: &mut DbConnection,
    a: &Agreement,
    now: DateTime<Utc>,
) -> StoreResult<AgreementRecord> {
    let mut v = Validator::new();
    for (i, party) in a.party_public_body_ids().iter().enumerate() {
        if !public_body_exists(conn, *party)? {
            v.add(
                format!("party_public_body_ids[{i}]"),
                AgreementField::UnknownPublicBody,
            );
        }
    }
    v.finish()?;
    let now_db = to_db_time(now);
    diesel::insert_into(agreements::table)
        .values((
            agreements::id.eq(a.id().to_string()),
            agreements::owner_public_body_id.eq(a.owner_public_body_id().to_string()),
            agreements::state.eq(a.state().as_str()),
            agreements::scope.eq(a.scope().as_str()),
            agreements::title.eq(title_of(a)),
            agreements::document.eq(write_agreement(a)?),
            agreements::row_version.eq(1),
            agreements::created_at.eq(now_db),
            agreements::updated_at.eq(now_db),
        ))
        .execute(conn)?;
    write_children(conn, a)?;
    get_agreement(conn, a.id())
}

pub fn get_agreement(conn: &mut DbConnection, id: Uuid) -> StoreResult<AgreementRecord> {
    agreements::table
        .find(id.to_string())
        .select(AgreementRow::as_select())
        .first(conn)?
        .into_record()
}

/// Loads an agreement for a change, locking its row until the transaction ends (one
/// statement: `SELECT … FOR UPDATE` on PostgreSQL; SQLite's immediate transaction already
/// serialises writers).
pub fn get_agreement_for_update(conn: &mut DbConnection, id: Uuid) -> StoreResult<AgreementRecord> {
    // The query is written per backend: its select clause is typed by it.
    match conn {
        DbConnection::Postgresql(pg) => agreements::table
            .find(id.to_string())
            .select(AgreementRow::as_select())
            .for_update()
            .first(pg)?,
        DbConnection::Sqlite(lite) => agreements::table
            .find(id.to_string())
            .select(AgreementRow::as_select())
            .first(lite)?,
    }
    .into_record()
}

/// Loads an agreement that a change elsewhere depends on (a submission to it, an
/// accession's transition), share-locking its row in the same statement (`FOR SHARE`):
/// such changes run side by side, and changes of the agreement itself (termination,
/// revision), which lock it exclusively, wait until they commit.
pub fn get_agreement_shared(conn: &mut DbConnection, id: Uuid) -> StoreResult<AgreementRecord> {
    // The query is written per backend: its select clause is typed by it.
    match conn {
        DbConnection::Postgresql(pg) => agreements::table
            .find(id.to_string())
            .select(AgreementRow::as_select())
            .for_share()
            .first(pg)?,
        DbConnection::Sqlite(lite) => agreements::table
            .find(id.to_string())
            .select(AgreementRow::as_select())
            .first(lite)?,
    }
    .into_record()
}

/// The agreement of an accession, share-locked as `get_agreement_shared` does, found and
/// loaded in one statement.
pub fn get_agreement_of_accession_shared(
    conn: &mut DbConnection,
    accession_id: Uuid,
) -> StoreResult<AgreementRecord> {
    let of_accession = crate::schema::accessions::table
        .find(accession_id.to_string())
        .select(crate::schema::accessions::agreement_id);
    // The query is written per backend: its select clause is typed by it.
    match conn {
        DbConnection::Postgresql(pg) => agreements::table
            .filter(agreements::id.eq_any(of_accession))
            .select(AgreementRow::as_select())
            .for_share()
            .first(pg)?,
        DbConnection::Sqlite(lite) => agreements::table
            .filter(agreements::id.eq_any(of_accession))
            .select(AgreementRow::as_select())
            .first(lite)?,
    }
    .into_record()
}

/// Saves a changed aggregate. `expected_version` guards edits made from an earlier read
/// (`If-Match`); transitions pass the version they loaded under the row lock.
pub fn save_agreement(
    conn: &mut DbConnection,
    a: &Agreement,
    expected_version: i64,
    now: DateTime<Utc>,
) -> StoreResult<AgreementRecord> {
    let n = diesel::update(
        agreements::table
            .filter(agreements::id.eq(a.id().to_string()))
            .filter(agreements::row_version.eq(expected_version)),
    )
    .set((
        agreements::owner_public_body_id.eq(a.owner_public_body_id().to_string()),
        agreements::state.eq(a.state().as_str()),
        agreements::scope.eq(a.scope().as_str()),
        agreements::title.eq(title_of(a)),
        agreements::document.eq(write_agreement(a)?),
        agreements::row_version.eq(agreements::row_version + 1),
        agreements::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        get_agreement(conn, a.id())?;
        return Err(StoreError::Stale);
    }
    write_children(conn, a)?;
    get_agreement(conn, a.id())
}

#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    pub public_body_id: Option<Uuid>,
    pub municipality_code: Option<String>,
    /// Only agreements shown with this status on the date: the status is derived from the
    /// stored dates, so the candidates are narrowed in SQL by their stored state and judged
    /// by the domain ([`Agreement::status`]) after loading.
    pub status: Option<(ShownStatus, NaiveDate)>,
}

/// Agreements the caller may see (`agreement::may_view`), in SQL: the public states, and
/// whatever the caller administers.
pub fn list_agreements(
    conn: &mut DbConnection,
    filter: &AgreementFilter,
    caller: Option<&Principal>,
    page: &PageRequest,
) -> StoreResult<Page<AgreementRecord>> {
    let load = |conn: &mut DbConnection,
                after: Option<&String>,
                limit: i64|
     -> StoreResult<Vec<AgreementRow>> {
        let mut query = agreements::table
            .select(AgreementRow::as_select())
            .into_boxed();
        let public = PUBLIC_STATES.map(AgreementState::as_str);
        match caller.and_then(administered_by) {
            Some(Administered::All) => {}
            Some(Administered::OwnedBy(own)) => {
                query = query.filter(
                    agreements::state
                        .eq_any(public)
                        .or(agreements::owner_public_body_id.eq(own.to_string())),
                );
            }
            None => query = query.filter(agreements::state.eq_any(public)),
        }
        if let Some((status, _)) = filter.status {
            let stored: Vec<&str> = status.stored_states().iter().map(|s| s.as_str()).collect();
            query = query.filter(agreements::state.eq_any(stored));
        }
        if let Some(body) = filter.public_body_id {
            query = query.filter(
                agreements::id.eq_any(
                    agreement_parties::table
                        .filter(agreement_parties::public_body_id.eq(body.to_string()))
                        .select(agreement_parties::agreement_id),
                ),
            );
        }
        if let Some(code) = &filter.municipality_code {
            query = query.filter(
                agreements::id.eq_any(
                    agreement_municipalities::table
                        .filter(agreement_municipalities::municipality_code.eq(code.clone()))
                        .select(agreement_municipalities::agreement_id),
                ),
            );
        }
        if let Some(after) = after {
            query = query.filter(agreements::id.gt(after.clone()));
        }
        Ok(query.order(agreements::id.asc()).limit(limit).load(conn)?)
    };
    let after = match page.after.as_deref() {
        Some([after]) => Some(after.clone()),
        _ => None,
    };
    let Some((status, on)) = filter.status else {
        let rows = load(conn, after.as_ref(), page.limit + 1)?;
        let page_rows = Page::from_rows(rows, page.limit, |r| vec![r.id.clone()]);
        return Ok(Page {
            items: page_rows
                .items
                .into_iter()
                .map(AgreementRow::into_record)
                .collect::<StoreResult<Vec<_>>>()?,
            next_cursor: page_rows.next_cursor,
        });
    };
    // Read on in id order until the page (and one more, for the cursor) is full of
    // agreements shown with the status on the date.
    let mut matched: Vec<AgreementRecord> = Vec::new();
    let mut after = after;
    let batch = page.limit + 1;
    'read: loop {
        let rows = load(conn, after.as_ref(), batch)?;
        let read = rows.len() as i64;
        for row in rows {
            after = Some(row.id.clone());
            let record = row.into_record()?;
            if record.agreement.status(on).status == status {
                matched.push(record);
                if matched.len() as i64 > page.limit {
                    break 'read;
                }
            }
        }
        if read < batch {
            break;
        }
    }
    Ok(Page::from_rows(matched, page.limit, |r| {
        vec![r.agreement.id().to_string()]
    }))
}

/// Every agreement in an administrator's scope (for the agenda).
pub fn administered_agreements(
    conn: &mut DbConnection,
    scope: Administered,
) -> StoreResult<Vec<AgreementRecord>> {
    let mut query = agreements::table
        .select(AgreementRow::as_select())
        .into_boxed();
    if let Administered::OwnedBy(owner) = scope {
        query = query.filter(agreements::owner_public_body_id.eq(owner.to_string()));
    }
    query
        .order(agreements::id.asc())
        .load::<AgreementRow>(conn)?
        .into_iter()
        .map(AgreementRow::into_record)
        .collect()
}

pub fn count_agreements(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(agreements::table.count().get_result(conn)?)
}

/// Every agreement on public record (`RECORD_STATES`: adopted or terminated, not a draft on
/// consultation), in id order; with `owner`, only those that public body owns. The open-data
/// catalogue and the bulk download list them.
pub fn public_agreements(
    conn: &mut DbConnection,
    owner: Option<Uuid>,
) -> StoreResult<Vec<AgreementRecord>> {
    let public = RECORD_STATES.map(AgreementState::as_str);
    let mut query = agreements::table
        .select(AgreementRow::as_select())
        .filter(agreements::state.eq_any(public))
        .into_boxed();
    if let Some(owner) = owner {
        query = query.filter(agreements::owner_public_body_id.eq(owner.to_string()));
    }
    query
        .order(agreements::id.asc())
        .load::<AgreementRow>(conn)?
        .into_iter()
        .map(AgreementRow::into_record)
        .collect()
}
