//! Accessions: the aggregate as a JSON document (`documents::accession`, versioned), its
//! append-only history as rows, and the columns the public signatory list pages on.
//!
//! Functions that write expect to run inside the caller's transaction.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::DomainError;
use samverkan_domain::accession::{
    Accession, AccessionRule, AccessionState, ExistingAccession, HistoryEntry, HistoryEvent,
    Signatory, SignatoryKind, SignatoryPeriod, SignatoryStatus, SignatoryTerm, merge_terms,
};
use samverkan_domain::collation::swedish_sort_key;
use uuid::Uuid;

use crate::db::{BackendKind, DbConnection, LockableTable, lock_row};
use crate::documents::{read_accession, write_accession};
use crate::error::{StoreError, StoreResult, unique_as};
use crate::page::{Page, PageRequest, like_contains};
use crate::schema::{
    accession_history, accessions, organization_municipalities, public_bodies, signatory_terms,
};
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Debug, Clone)]
pub struct AccessionRecord {
    pub accession: Accession,
    pub signatory_name: String,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = accessions)]
struct AccessionRow {
    id: String,
    signatory_name: String,
    document: String,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = accession_history)]
struct HistoryRow {
    accession_id: String,
    event: String,
    from_state: Option<String>,
    to_state: String,
    at: NaiveDateTime,
    by_sub: String,
    reason: Option<String>,
    corrects_seq: Option<i32>,
}

impl HistoryRow {
    fn into_entry(self) -> StoreResult<HistoryEntry> {
        let bad = || corrupt("accession_history");
        Ok(HistoryEntry::restore(
            HistoryEvent::parse(&self.event).ok_or_else(bad)?,
            self.from_state
                .map(|s| AccessionState::parse(&s).ok_or_else(bad))
                .transpose()?,
            AccessionState::parse(&self.to_state).ok_or_else(bad)?,
            to_utc(self.at),
            self.by_sub,
            self.reason,
        )
        .with_corrects(
            self.corrects_seq
                .map(|s| u32::try_from(s).map_err(|_| bad()))
                .transpose()?,
        ))
    }
}

fn load_records(
    conn: &mut DbConnection,
    rows: Vec<AccessionRow>,
) -> StoreResult<Vec<AccessionRecord>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut history: Vec<HistoryRow> = Vec::new();
    for chunk in ids.chunks(crate::parties::ID_CHUNK) {
        history.extend(
            accession_history::table
                .filter(accession_history::accession_id.eq_any(chunk))
                .order((accession_history::accession_id, accession_history::seq))
                .select(HistoryRow::as_select())
                .load::<HistoryRow>(conn)?,
        );
    }
    let mut by_id: std::collections::HashMap<String, Vec<HistoryEntry>> =
        std::collections::HashMap::new();
    for h in history {
        let id = h.accession_id.clone();
        by_id.entry(id).or_default().push(h.into_entry()?);
    }
    rows.into_iter()
        .map(|row| {
            let history = by_id.remove(&row.id).unwrap_or_default();
            let accession = read_accession(&row.id, &row.document, history)?;
            Ok(AccessionRecord {
                accession,
                signatory_name: row.signatory_name,
                row_version: row.row_version,
                created_at: to_utc(row.created_at),
                updated_at: to_utc(row.updated_at),
            })
        })
        .collect()
}

fn append_history(conn: &mut DbConnection, a: &Accession, from_seq: usize) -> StoreResult<()> {
    for (seq, entry) in a.history().iter().enumerate().skip(from_seq) {
        diesel::insert_into(accession_history::table)
            .values((
                accession_history::accession_id.eq(a.id().to_string()),
                accession_history::seq
                    .eq(i32::try_from(seq).map_err(|_| corrupt("history length"))?),
                accession_history::event.eq(entry.event().as_str()),
                accession_history::from_state.eq(entry.from().map(AccessionState::as_str)),
                accession_history::to_state.eq(entry.to().as_str()),
                accession_history::at.eq(to_db_time(entry.at())),
                accession_history::by_sub.eq(entry.by()),
                accession_history::reason.eq(entry.reason()),
                accession_history::corrects_seq.eq(entry
                    .corrects()
                    .map(i32::try_from)
                    .transpose()
                    .map_err(|_| corrupt("history length"))?),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts a submitted accession with its first history entry. The unique partial index is
/// the backstop for two concurrent submissions of one signatory: the loser gets the domain's
/// `application_pending`, never a database error.
pub fn insert_accession(
    conn: &mut DbConnection,
    a: &Accession,
    signatory_name: &str,
    now: DateTime<Utc>,
) -> StoreResult<AccessionRecord> {
    let now_db = to_db_time(now);
    let (organization_id, public_body_id) = match a.signatory() {
        Signatory::Organization(id) => (Some(id.to_string()), None),
        Signatory::PublicBody(id) => (None, Some(id.to_string())),
    };
    diesel::insert_into(accessions::table)
        .values((
            accessions::id.eq(a.id().to_string()),
            accessions::agreement_id.eq(a.agreement_id().to_string()),
            accessions::signatory_kind.eq(a.signatory().kind().as_str()),
            accessions::signatory_id.eq(a.signatory().id().to_string()),
            accessions::organization_id.eq(organization_id),
            accessions::public_body_id.eq(public_body_id),
            accessions::signatory_name.eq(signatory_name),
            accessions::signatory_sort_key.eq(swedish_sort_key(signatory_name)),
            accessions::state.eq(a.state().as_str()),
            accessions::approved_on.eq(a.approved_on()),
            accessions::left_on.eq(a.left_on()),
            accessions::reconfirm_by.eq(a.reconfirmation().map(|r| r.reconfirm_by())),
            accessions::verify_by.eq(verify_by(a)),
            accessions::document.eq(write_accession(a)?),
            accessions::row_version.eq(1),
            accessions::created_at.eq(now_db),
            accessions::updated_at.eq(now_db),
        ))
        .execute(conn)
        .map_err(|e| unique_as(e, || DomainError::from(AccessionRule::ApplicationPending)))?;
    append_history(conn, a, 0)?;
    crate::changes::record_accession_history(conn, a, signatory_name, 0, now)?;
    refresh_terms(conn, a.agreement_id(), a.signatory())?;
    get_accession(conn, a.id())
}

/// The `verify_by` column: the last day of an application still waiting for its
/// verification while it is submitted; it then counts as not open for the unique index.
fn verify_by(a: &Accession) -> Option<NaiveDate> {
    a.pending_verification()
        .filter(|_| a.state() == AccessionState::Submitted)
        .map(|p| p.verify_by())
}

pub fn get_accession(conn: &mut DbConnection, id: Uuid) -> StoreResult<AccessionRecord> {
    let row = accessions::table
        .find(id.to_string())
        .select(AccessionRow::as_select())
        .first(conn)?;
    load_records(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Loads an accession for a transition, holding its row lock until the transaction ends
/// (locked and read in one statement on PostgreSQL).
pub fn get_accession_for_update(conn: &mut DbConnection, id: Uuid) -> StoreResult<AccessionRecord> {
    // The query is written per backend: its select clause is typed by it.
    let row = match conn {
        DbConnection::Postgresql(pg) => accessions::table
            .find(id.to_string())
            .select(AccessionRow::as_select())
            .for_update()
            .first(pg)?,
        DbConnection::Sqlite(lite) => accessions::table
            .find(id.to_string())
            .select(AccessionRow::as_select())
            .first(lite)?,
    };
    load_records(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The agreement an accession belongs to.
pub fn agreement_of(conn: &mut DbConnection, accession_id: Uuid) -> StoreResult<Uuid> {
    let id: String = accessions::table
        .find(accession_id.to_string())
        .select(accessions::agreement_id)
        .first(conn)?;
    parse_uuid(&id)
}

/// Saves a transition: the new document and columns, and the history entries it appended.
pub fn save_accession(
    conn: &mut DbConnection,
    before: &AccessionRecord,
    a: &Accession,
    now: DateTime<Utc>,
) -> StoreResult<AccessionRecord> {
    let n = diesel::update(
        accessions::table
            .filter(accessions::id.eq(a.id().to_string()))
            .filter(accessions::row_version.eq(before.row_version)),
    )
    .set((
        accessions::state.eq(a.state().as_str()),
        accessions::approved_on.eq(a.approved_on()),
        accessions::left_on.eq(a.left_on()),
        accessions::reconfirm_by.eq(a.reconfirmation().map(|r| r.reconfirm_by())),
        accessions::verify_by.eq(verify_by(a)),
        accessions::document.eq(write_accession(a)?),
        accessions::row_version.eq(accessions::row_version + 1),
        accessions::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)
    // A verification makes an application count as open: the unique partial index is the
    // backstop for a concurrent verification or submission of the same signatory.
    .map_err(|e| unique_as(e, || DomainError::from(AccessionRule::ApplicationPending)))?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    let moved_from = before.accession.signatory();
    if moved_from != a.signatory() {
        move_to_signatory(conn, a)?;
    }
    append_history(conn, a, before.accession.history().len())?;
    // The name as stored now: a correction may have moved the accession to another signatory.
    let signatory_name: String = if moved_from == a.signatory() {
        before.signatory_name.clone()
    } else {
        accessions::table
            .find(a.id().to_string())
            .select(accessions::signatory_name)
            .first(conn)?
    };
    crate::changes::record_accession_history(
        conn,
        a,
        &signatory_name,
        before.accession.history().len(),
        now,
    )?;
    if moved_from != a.signatory() {
        refresh_terms(conn, a.agreement_id(), moved_from)?;
    }
    refresh_terms(conn, a.agreement_id(), a.signatory())?;
    // What was just written, without reading it back (two round trips fewer per write).
    Ok(AccessionRecord {
        accession: a.clone(),
        signatory_name,
        row_version: before.row_version + 1,
        created_at: before.created_at,
        updated_at: to_utc(to_db_time(now)),
    })
}

/// A correction moved the accession to another signatory (a registration made on the wrong
/// organisation): its signatory columns and name follow, from the register. The unique
/// partial index is the backstop for a concurrent accession of the new signatory: the loser
/// gets the domain's rule, never a database error.
fn move_to_signatory(conn: &mut DbConnection, a: &Accession) -> StoreResult<()> {
    let signatory = a.signatory();
    let name = match signatory {
        Signatory::Organization(id) => crate::parties::organizations_by_ids(conn, &[id])?
            .pop()
            .map(|o| o.fields.name),
        Signatory::PublicBody(id) => crate::parties::public_bodies_by_ids(conn, &[id])?
            .pop()
            .map(|b| b.fields.name),
    }
    .ok_or(StoreError::NotFound)?;
    let (organization_id, public_body_id) = match signatory {
        Signatory::Organization(id) => (Some(id.to_string()), None),
        Signatory::PublicBody(id) => (None, Some(id.to_string())),
    };
    let rule = if a.state() == AccessionState::Approved {
        AccessionRule::AlreadySignatory
    } else {
        AccessionRule::ApplicationPending
    };
    diesel::update(accessions::table.filter(accessions::id.eq(a.id().to_string())))
        .set((
            accessions::signatory_kind.eq(signatory.kind().as_str()),
            accessions::signatory_id.eq(signatory.id().to_string()),
            accessions::organization_id.eq(organization_id),
            accessions::public_body_id.eq(public_body_id),
            accessions::signatory_name.eq(&name),
            accessions::signatory_sort_key.eq(swedish_sort_key(&name)),
        ))
        .execute(conn)
        .map_err(|e| unique_as(e, || DomainError::from(rule)))?;
    Ok(())
}

/// The ids of every accession to `agreement_id`, oldest first (the right of access reads
/// each contact person).
pub fn accession_ids_of(conn: &mut DbConnection, agreement_id: Uuid) -> StoreResult<Vec<Uuid>> {
    accessions::table
        .filter(accessions::agreement_id.eq(agreement_id.to_string()))
        .order(accessions::id.asc())
        .select(accessions::id)
        .load::<String>(conn)?
        .iter()
        .map(|id| parse_uuid(id))
        .collect()
}

/// The signatory's accessions to this agreement, for the one-open-accession rule.
/// How many accessions to the agreement await a decision (`submitted`): the approval mode
/// does not change while any does.
pub fn count_pending(conn: &mut DbConnection, agreement_id: Uuid) -> StoreResult<u64> {
    let n: i64 = accessions::table
        .filter(accessions::agreement_id.eq(agreement_id.to_string()))
        .filter(accessions::state.eq(AccessionState::Submitted.as_str()))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub fn existing_for(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    signatory: Signatory,
) -> StoreResult<Vec<ExistingAccession>> {
    let rows: Vec<(String, String, Option<NaiveDate>)> = accessions::table
        .filter(accessions::agreement_id.eq(agreement_id.to_string()))
        .filter(accessions::signatory_id.eq(signatory.id().to_string()))
        .select((accessions::id, accessions::state, accessions::verify_by))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, state, verify_by)| {
            Ok(ExistingAccession {
                id: parse_uuid(&id)?,
                agreement_id,
                signatory,
                state: AccessionState::parse(&state).ok_or_else(|| corrupt("accessions.state"))?,
                pending_verification: verify_by.is_some(),
            })
        })
        .collect()
}

/// Accessions of an agreement for its administrators: applications waiting for a decision
/// first, then applications made without an account still waiting for their verification,
/// then the rest, each oldest first. The cursor holds the group (0 waiting, 1 waiting for
/// verification, 2 other) and the last id.
pub fn list_for_administrators(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    state: Option<(AccessionState, NaiveDate)>,
    page: &PageRequest,
) -> StoreResult<Page<AccessionRecord>> {
    let (mut group, mut after) = match page.after.as_deref() {
        Some([g, id]) => (
            match g.as_str() {
                "1" => 1,
                "2" => 2,
                _ => 0,
            },
            Some(id.clone()),
        ),
        _ => (0, None),
    };
    let mut found: Vec<(u8, AccessionRow)> = Vec::new();
    while group <= 2 && found.len() as i64 <= page.limit {
        let waiting = AccessionState::Submitted.as_str();
        let mut query = accessions::table
            .filter(accessions::agreement_id.eq(agreement_id.to_string()))
            .select(AccessionRow::as_select())
            .into_boxed();
        query = match group {
            0 => query
                .filter(accessions::state.eq(waiting))
                .filter(accessions::verify_by.is_null()),
            1 => query
                .filter(accessions::state.eq(waiting))
                .filter(accessions::verify_by.is_not_null()),
            _ => query.filter(accessions::state.ne(waiting)),
        };
        // The state shown on the date (`Accession::state_on`), in SQL on the stored dates: a
        // withdrawal or end from a later date still reads approved; an approval whose
        // reconfirmation deadline has passed (`left_on` reached) reads ended.
        if let Some((shown, on)) = state {
            let approved = AccessionState::Approved.as_str();
            let withdrawn = AccessionState::Withdrawn.as_str();
            let ended = AccessionState::Ended.as_str();
            query = match shown {
                AccessionState::Approved => query.filter(
                    accessions::state
                        .eq(approved)
                        .and(accessions::left_on.is_null())
                        .or(accessions::state
                            .eq_any([approved, withdrawn, ended])
                            .and(accessions::left_on.gt(on).assume_not_null())),
                ),
                AccessionState::Ended => query.filter(
                    accessions::state
                        .eq(ended)
                        .and(accessions::left_on.is_null())
                        .or(accessions::state
                            .eq_any([approved, ended])
                            .and(accessions::left_on.le(on).assume_not_null())),
                ),
                AccessionState::Withdrawn => query.filter(
                    accessions::state.eq(withdrawn).and(
                        accessions::left_on
                            .is_null()
                            .or(accessions::left_on.le(on).assume_not_null()),
                    ),
                ),
                other => query.filter(accessions::state.eq(other.as_str())),
            };
        }
        if let Some(id) = &after {
            query = query.filter(accessions::id.gt(id.clone()));
        }
        let want = page.limit + 1 - found.len() as i64;
        let rows: Vec<AccessionRow> = query.order(accessions::id.asc()).limit(want).load(conn)?;
        found.extend(rows.into_iter().map(|r| (group, r)));
        group += 1;
        after = None;
    }
    let page_rows = Page::from_rows(found, page.limit, |(g, r)| {
        vec![g.to_string(), r.id.clone()]
    });
    let rows = page_rows.items.into_iter().map(|(_, r)| r).collect();
    Ok(Page {
        items: load_records(conn, rows)?,
        next_cursor: page_rows.next_cursor,
    })
}

/// Approved accessions of an agreement (for termination and revisions).
pub fn approved_of(
    conn: &mut DbConnection,
    agreement_id: Uuid,
) -> StoreResult<Vec<AccessionRecord>> {
    let rows = accessions::table
        .filter(accessions::agreement_id.eq(agreement_id.to_string()))
        .filter(accessions::state.eq(AccessionState::Approved.as_str()))
        .order(accessions::id)
        .select(AccessionRow::as_select())
        .load(conn)?;
    load_records(conn, rows)
}

/// Ids of applications made without an account whose time to be verified has passed.
pub fn past_verification(conn: &mut DbConnection, today: NaiveDate) -> StoreResult<Vec<Uuid>> {
    let ids: Vec<String> = accessions::table
        .filter(accessions::state.eq(AccessionState::Submitted.as_str()))
        .filter(accessions::verify_by.lt(today))
        .select(accessions::id)
        .load(conn)?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}

/// The organisation's accessions to the agreement, newest first (a new capability link is
/// sent for one of them).
pub fn of_organization_and_agreement(
    conn: &mut DbConnection,
    organization_id: Uuid,
    agreement_id: Uuid,
) -> StoreResult<Vec<AccessionRecord>> {
    let rows = accessions::table
        .filter(accessions::agreement_id.eq(agreement_id.to_string()))
        .filter(accessions::organization_id.eq(organization_id.to_string()))
        .order(accessions::id.desc())
        .select(AccessionRow::as_select())
        .load(conn)?;
    load_records(conn, rows)
}

/// Ids of approved accessions whose reconfirmation deadline has passed.
pub fn past_reconfirmation(conn: &mut DbConnection, today: NaiveDate) -> StoreResult<Vec<Uuid>> {
    let ids: Vec<String> = accessions::table
        .filter(accessions::state.eq(AccessionState::Approved.as_str()))
        .filter(accessions::reconfirm_by.lt(today))
        .select(accessions::id)
        .load(conn)?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}

/// Keeps the list's names in step when an organisation is renamed.
/// The register renamed a signatory: its accessions and list rows take the new name, and
/// each accession whose name changes gets a history entry keeping the former name
/// (`HistoryEntry::signatory_renamed`), the name at the time of its earlier entries.
pub fn rename_signatory(
    conn: &mut DbConnection,
    signatory_id: Uuid,
    name: &str,
    now: DateTime<Utc>,
    by: &str,
) -> StoreResult<()> {
    // Each history entry's number is the accession's last number plus one, so the rows are
    // locked first (in id order, as every multi-row lock here is taken) and read after: a
    // transition racing this rename waits, and neither takes the other's number or acts on
    // a state the other has already left.
    let ids: Vec<String> = accessions::table
        .filter(accessions::signatory_id.eq(signatory_id.to_string()))
        .order(accessions::id)
        .select(accessions::id)
        .load(conn)?;
    for id in &ids {
        lock_row(conn, LockableTable::Accessions, id)?;
    }
    let renamed: Vec<(String, String, String)> = accessions::table
        .filter(accessions::signatory_id.eq(signatory_id.to_string()))
        .filter(accessions::signatory_name.ne(name))
        .select((
            accessions::id,
            accessions::signatory_name,
            accessions::state,
        ))
        .load(conn)?;
    let renamed_ids: Vec<String> = renamed.iter().map(|(id, _, _)| id.clone()).collect();
    for (id, former, state) in renamed {
        let state = AccessionState::parse(&state).ok_or_else(|| corrupt("accessions.state"))?;
        let entry = HistoryEntry::signatory_renamed(state, &former, now, by);
        let seq: Option<i32> = accession_history::table
            .filter(accession_history::accession_id.eq(&id))
            .select(diesel::dsl::max(accession_history::seq))
            .first(conn)?;
        diesel::insert_into(accession_history::table)
            .values((
                accession_history::accession_id.eq(&id),
                accession_history::seq.eq(seq.map_or(0, |s| s + 1)),
                accession_history::event.eq(entry.event().as_str()),
                accession_history::from_state.eq(entry.from().map(AccessionState::as_str)),
                accession_history::to_state.eq(entry.to().as_str()),
                accession_history::at.eq(to_db_time(entry.at())),
                accession_history::by_sub.eq(entry.by()),
                accession_history::reason.eq(entry.reason()),
            ))
            .execute(conn)?;
    }
    diesel::update(accessions::table.filter(accessions::signatory_id.eq(signatory_id.to_string())))
        .set((
            accessions::signatory_name.eq(name),
            accessions::signatory_sort_key.eq(swedish_sort_key(name)),
        ))
        .execute(conn)?;
    diesel::update(
        signatory_terms::table.filter(signatory_terms::signatory_id.eq(signatory_id.to_string())),
    )
    .set((
        signatory_terms::signatory_name.eq(name),
        signatory_terms::signatory_sort_key.eq(swedish_sort_key(name)),
    ))
    .execute(conn)?;
    for id in renamed_ids {
        let record = get_accession(conn, parse_uuid(&id)?)?;
        let last = record.accession.history().len().saturating_sub(1);
        crate::changes::record_accession_history(conn, &record.accession, name, last, now)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- the list's projection

/// What a signatory's terms are made of: an accession's columns.
#[derive(Queryable, Selectable)]
#[diesel(table_name = accessions)]
struct TermSource {
    id: String,
    agreement_id: String,
    signatory_kind: String,
    signatory_id: String,
    organization_id: Option<String>,
    signatory_name: String,
    signatory_sort_key: String,
    state: String,
    approved_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
}

impl TermSource {
    /// The accession's own term, by the domain's rule of which states make a signatory.
    fn term(&self) -> StoreResult<Option<SignatoryTerm>> {
        let state =
            AccessionState::parse(&self.state).ok_or_else(|| corrupt("accessions.state"))?;
        let Some(period) = SignatoryPeriod::of(state, self.approved_on, self.left_on) else {
            return Ok(None);
        };
        let kind = SignatoryKind::parse(&self.signatory_kind)
            .ok_or_else(|| corrupt("accessions.signatory_kind"))?;
        Ok(Some(SignatoryTerm {
            accession_id: parse_uuid(&self.id)?,
            signatory: Signatory::from_parts(kind, parse_uuid(&self.signatory_id)?),
            period,
        }))
    }
}

/// Writes the merged terms of `sources`, which must be all the accessions of the signatories
/// they name, each of one agreement.
fn insert_terms(conn: &mut DbConnection, sources: &[TermSource]) -> StoreResult<()> {
    let mut by_agreement: std::collections::BTreeMap<&str, Vec<SignatoryTerm>> =
        std::collections::BTreeMap::new();
    let mut by_id: std::collections::HashMap<Uuid, &TermSource> = std::collections::HashMap::new();
    for source in sources {
        if let Some(term) = source.term()? {
            by_agreement
                .entry(source.agreement_id.as_str())
                .or_default()
                .push(term);
            by_id.insert(term.accession_id, source);
        }
    }
    for terms in by_agreement.into_values() {
        for term in merge_terms(terms) {
            let source = by_id
                .get(&term.accession_id)
                .ok_or_else(|| corrupt("signatory_terms"))?;
            diesel::insert_into(signatory_terms::table)
                .values((
                    signatory_terms::id.eq(&source.id),
                    signatory_terms::agreement_id.eq(&source.agreement_id),
                    signatory_terms::signatory_kind.eq(&source.signatory_kind),
                    signatory_terms::signatory_id.eq(&source.signatory_id),
                    signatory_terms::organization_id.eq(&source.organization_id),
                    signatory_terms::signatory_name.eq(&source.signatory_name),
                    signatory_terms::signatory_sort_key.eq(&source.signatory_sort_key),
                    signatory_terms::since.eq(term.period.since),
                    signatory_terms::until.eq(term.period.until),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Rewrites the terms of one signatory in one agreement from all its accessions there:
/// called with every accession save, in its transaction.
fn refresh_terms(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    signatory: Signatory,
) -> StoreResult<()> {
    let (agreement_id, signatory_id) = (agreement_id.to_string(), signatory.id().to_string());
    diesel::delete(
        signatory_terms::table
            .filter(signatory_terms::agreement_id.eq(&agreement_id))
            .filter(signatory_terms::signatory_id.eq(&signatory_id)),
    )
    .execute(conn)?;
    let sources: Vec<TermSource> = accessions::table
        .filter(accessions::agreement_id.eq(&agreement_id))
        .filter(accessions::signatory_id.eq(&signatory_id))
        .select(TermSource::as_select())
        .load(conn)?;
    insert_terms(conn, &sources)
}

/// Rebuilds the whole projection (and, on SQLite, its search index) from the accessions:
/// after the migration that created it, or to repair it. Returns how many terms there are.
pub fn rebuild_signatory_terms(conn: &mut DbConnection) -> StoreResult<usize> {
    diesel::delete(signatory_terms::table).execute(conn)?;
    let sources: Vec<TermSource> = accessions::table
        .select(TermSource::as_select())
        .load(conn)?;
    insert_terms(conn, &sources)?;
    if conn.backend() == BackendKind::Sqlite {
        // The search index by rowid, from the rows as they are now (its triggers followed
        // the rewrite, but a VACUUM may have renumbered the rows they deleted).
        diesel::sql_query(
            "INSERT INTO signatory_terms_search (signatory_terms_search) VALUES ('rebuild')",
        )
        .execute(conn)?;
    }
    let count: i64 = signatory_terms::table.count().get_result(conn)?;
    usize::try_from(count).map_err(|_| corrupt("signatory_terms count"))
}

// ---------------------------------------------------------------- the public list

/// How `?q=` finds names. A trigram index answers substrings of at least three characters;
/// a shorter query has no trigram to look up, so it matches the beginning of the name,
/// by a range on the sort key (indexed, and the same on both backends).
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameSearch {
    Substring,
    /// Keys from the needle up to (not including) `after`: exactly those that start with it.
    Prefix {
        after: String,
    },
}

/// The fewest characters a trigram index can look up.
const TRIGRAM: usize = 3;

impl NameSearch {
    /// `needle` is the query's sort key (`swedish_sort_key`).
    fn of(needle: &str) -> Self {
        if needle.chars().count() >= TRIGRAM {
            return Self::Substring;
        }
        Self::Prefix {
            after: prefix_end(needle),
        }
    }
}

/// The least string greater than every string that starts with `prefix` (in code point
/// order, which is the byte order both backends compare the key in): the prefix with its last
/// character raised by one. A last character that cannot be raised is dropped and the one
/// before raised; an empty result stands for "no upper bound" and is never reached by a
/// non-empty key made of characters below `char::MAX`.
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

/// An FTS5 string literal: the text in double quotes, a quote doubled.
fn fts5_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// One line of the public list: who, since when, until when (former signatories).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatoryLine {
    /// The accession that began the signatory's term (the line's identity in the cursor).
    pub accession_id: Uuid,
    pub signatory: Signatory,
    pub name: String,
    pub since: NaiveDate,
    /// The first day no longer a signatory; `None` for current signatories.
    pub until: Option<NaiveDate>,
    pub status: SignatoryStatus,
}

#[derive(Debug, Clone)]
pub struct SignatoryQuery {
    pub agreement_id: Uuid,
    pub as_of: NaiveDate,
    pub include_former: bool,
    pub q: Option<String>,
    pub municipality_code: Option<String>,
}

type LineRow = (
    String,
    String,
    String,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
);

/// The signatories on `as_of` in Swedish order; with `include_former` also those who had
/// left by then. `page: None` gives the whole list (CSV export). Reads the merged terms
/// with the predicate of `SignatoryTerm::listed_on`; each line is then drawn by it.
pub fn signatories(
    conn: &mut DbConnection,
    query: &SignatoryQuery,
    page: Option<&PageRequest>,
) -> StoreResult<Page<SignatoryLine>> {
    let mut q = signatory_terms::table
        .filter(signatory_terms::agreement_id.eq(query.agreement_id.to_string()))
        .filter(signatory_terms::since.le(query.as_of))
        .select((
            signatory_terms::id,
            signatory_terms::signatory_kind,
            signatory_terms::signatory_id,
            signatory_terms::signatory_name,
            signatory_terms::signatory_sort_key,
            signatory_terms::since,
            signatory_terms::until,
        ))
        .into_boxed();
    if !query.include_former {
        q = q.filter(
            signatory_terms::until
                .is_null()
                .or(signatory_terms::until.gt(query.as_of)),
        );
    }
    if let Some(text) = &query.q {
        let needle = swedish_sort_key(text);
        q = match (NameSearch::of(&needle), conn.backend()) {
            // Both compare the stored sort key, so both give the same rows; the order is the
            // list's own below.
            (NameSearch::Substring, BackendKind::Postgres) => q.filter(
                // Served by the trigram GIN index `signatory_terms_search`.
                signatory_terms::signatory_sort_key
                    .like(like_contains(&needle))
                    .escape('\\'),
            ),
            (NameSearch::Substring, BackendKind::Sqlite) => q.filter(
                // Served by the FTS5 trigram table `signatory_terms_search`: a quoted phrase
                // of trigrams matches exactly the keys holding it as a substring.
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "signatory_terms.rowid IN (SELECT rowid FROM signatory_terms_search \
                     WHERE signatory_terms_search MATCH ",
                )
                .bind::<diesel::sql_types::Text, _>(fts5_phrase(&needle))
                .sql(")"),
            ),
            (NameSearch::Prefix { after }, _) => q.filter(
                // A range on the list's own index (`signatory_terms_list`).
                signatory_terms::signatory_sort_key
                    .ge(needle.clone())
                    .and(signatory_terms::signatory_sort_key.lt(after)),
            ),
        };
    }
    if let Some(code) = &query.municipality_code {
        // Organisations active in the municipality, and public-body signatories that are it
        // (or are seated there by their SCB code), as the statistics count them.
        let bodies = public_bodies::table
            .filter(public_bodies::scb_code.eq(code.clone()))
            .select(public_bodies::id);
        q = q.filter(
            signatory_terms::organization_id
                .eq_any(
                    organization_municipalities::table
                        .filter(organization_municipalities::municipality_code.eq(code.clone()))
                        .select(organization_municipalities::organization_id.nullable()),
                )
                .or(signatory_terms::signatory_kind
                    .eq(SignatoryKind::PublicBody.as_str())
                    .and(signatory_terms::signatory_id.eq_any(bodies))
                    .nullable()),
        );
    }
    let limit = page.map_or(i64::MAX, |p| p.limit);
    if let Some([key, id]) = page.and_then(|p| p.after.as_deref()) {
        q = q.filter(
            signatory_terms::signatory_sort_key.gt(key.clone()).or(
                signatory_terms::signatory_sort_key
                    .eq(key.clone())
                    .and(signatory_terms::id.gt(id.clone())),
            ),
        );
    }
    let mut q = q.order((
        signatory_terms::signatory_sort_key.asc(),
        signatory_terms::id.asc(),
    ));
    if page.is_some() {
        q = q.limit(limit + 1);
    }
    let rows: Vec<LineRow> = q.load(conn)?;
    let page_rows = Page::from_rows(rows, limit, |r| vec![r.4.clone(), r.0.clone()]);
    page_rows.try_map(|(id, kind, signatory_id, name, _, since, until)| {
        let kind =
            SignatoryKind::parse(&kind).ok_or_else(|| corrupt("signatory_terms.signatory_kind"))?;
        let term = SignatoryTerm {
            accession_id: parse_uuid(&id)?,
            signatory: Signatory::from_parts(kind, parse_uuid(&signatory_id)?),
            period: SignatoryPeriod { since, until },
        };
        let line = term
            .listed_on(query.as_of, query.include_former)
            .ok_or_else(|| {
                StoreError::Internal("the signatory list query and the domain disagree".into())
            })?;
        Ok(SignatoryLine {
            accession_id: term.accession_id,
            signatory: line.signatory,
            name,
            since: line.since,
            until: line.until,
            status: line.status,
        })
    })
}

/// An accession as `GET /me` lists it for the organisations a caller acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAccession {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub organization_id: Uuid,
    pub state: AccessionState,
}

/// The open accessions (submitted or approved) of these organisations, oldest first.
pub fn open_accessions_of(
    conn: &mut DbConnection,
    organization_ids: &[Uuid],
) -> StoreResult<Vec<OwnAccession>> {
    let ids: Vec<String> = organization_ids.iter().map(Uuid::to_string).collect();
    let open = [
        AccessionState::Submitted.as_str(),
        AccessionState::Approved.as_str(),
    ];
    let rows: Vec<(String, String, Option<String>, String)> = accessions::table
        .filter(accessions::organization_id.eq_any(&ids))
        .filter(accessions::state.eq_any(open))
        .order(accessions::id.asc())
        .select((
            accessions::id,
            accessions::agreement_id,
            accessions::organization_id,
            accessions::state,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, agreement_id, organization_id, state)| {
            Ok(OwnAccession {
                id: parse_uuid(&id)?,
                agreement_id: parse_uuid(&agreement_id)?,
                organization_id: parse_uuid(
                    organization_id
                        .as_deref()
                        .ok_or_else(|| corrupt("accessions.organization_id"))?,
                )?,
                state: AccessionState::parse(&state).ok_or_else(|| corrupt("accessions.state"))?,
            })
        })
        .collect()
}

/// The organisations that are signatories of the agreement on `date` (the public list's
/// meaning, `SignatoryTerm::listed_on`): an election's electorate is those of the first
/// day of its voting period.
pub fn organizations_signatory_on(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    date: NaiveDate,
) -> StoreResult<Vec<Uuid>> {
    use crate::schema::signatory_terms as t;
    let ids: Vec<String> = t::table
        .filter(t::agreement_id.eq(agreement_id.to_string()))
        .filter(t::since.le(date))
        .filter(t::until.is_null().or(t::until.gt(date)))
        .filter(
            t::signatory_kind.eq(samverkan_domain::accession::SignatoryKind::Organization.as_str()),
        )
        .select(t::signatory_id)
        .load(conn)?;
    let mut out: Vec<Uuid> = ids
        .iter()
        .map(|s| parse_uuid(s))
        .collect::<StoreResult<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_characters_search_substrings_fewer_a_prefix() {
        assert_eq!(NameSearch::of("{by"), NameSearch::Substring);
        assert_eq!(NameSearch::of("ab c"), NameSearch::Substring);
        assert_eq!(
            NameSearch::of("{b"),
            NameSearch::Prefix { after: "{c".into() }
        );
        assert_eq!(
            NameSearch::of("}"),
            NameSearch::Prefix { after: "~".into() }
        );
    }

    #[test]
    fn the_prefix_range_holds_exactly_the_keys_that_start_with_it() {
        for prefix in ["a", "ab", "}", "~ß", "z\u{d7ff}"] {
            let end = prefix_end(prefix);
            for key in [
                prefix.to_owned(),
                format!("{prefix}a"),
                format!("{prefix}\u{10ffff}"),
            ] {
                assert!(
                    key.as_str() >= prefix && key < end,
                    "{key:?} in [{prefix:?}, {end:?})"
                );
            }
            let next = end.clone();
            assert!(!next.starts_with(prefix), "{next:?}");
        }
        // U+D7FF is followed by U+E000: surrogates are not characters.
        assert_eq!(prefix_end("z\u{d7ff}"), "z\u{e000}");
        assert_eq!(prefix_end("a\u{10ffff}"), "b");
    }

    #[test]
    fn fts5_phrases_quote_quotes() {
        assert_eq!(fts5_phrase("a\"b"), "\"a\"\"b\"");
    }
}
