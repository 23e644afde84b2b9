//! Dialogue meetings and conferences: the event as a JSON document in storage's own form
//! (`EventDocumentV1`, converted to and from the domain here and nowhere else), its
//! invitations as rows. Writes expect the caller's transaction; a change loads the event
//! under its row lock (`get_event_for_update`), so two registrations for the last places
//! are decided one after the other.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::accession::{Signatory, SignatoryKind};
use samverkan_domain::dialogue::{
    DialogueEvent, EventChange, EventInput, EventKind, EventStatus, HistoryEntry, Minutes,
    Registration,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::error::{StoreError, StoreResult};
use crate::schema::{dialogue_events, dialogue_invitations};
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Serialize, Deserialize)]
struct EventDocumentV1 {
    document_version: u32,
    kind: EventKind,
    title: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    time_zone: String,
    place: Option<String>,
    online_link: Option<String>,
    description: Option<String>,
    organiser_party_id: Uuid,
    capacity: Option<u32>,
    registration_closes_at: DateTime<Utc>,
    status: EventStatus,
    sequence: u32,
    registrations: Vec<RegistrationV1>,
    minutes: Option<MinutesV1>,
    history: Vec<HistoryV1>,
}

#[derive(Serialize, Deserialize)]
struct RegistrationV1 {
    signatory_id: Uuid,
    names: Vec<String>,
    count: u32,
    registered_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct MinutesV1 {
    attended: u32,
    summary: String,
    conclusions: Option<String>,
    document_reference: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct HistoryV1 {
    sequence: u32,
    change: EventChange,
    at: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    reason: Option<String>,
}

impl EventDocumentV1 {
    fn of(e: &DialogueEvent) -> Self {
        let d = e.details();
        Self {
            document_version: 1,
            kind: d.kind,
            title: d.title.clone(),
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            time_zone: d.time_zone.clone(),
            place: d.place.clone(),
            online_link: d.online_link.clone(),
            description: d.description.clone(),
            organiser_party_id: d.organiser_party_id,
            capacity: d.capacity,
            registration_closes_at: d.registration_closes_at,
            status: e.status(),
            sequence: e.sequence(),
            registrations: e
                .registrations()
                .iter()
                .map(|r| RegistrationV1 {
                    signatory_id: r.signatory_id,
                    names: r.names.clone(),
                    count: r.count,
                    registered_at: r.registered_at,
                })
                .collect(),
            minutes: e.minutes().map(|m| MinutesV1 {
                attended: m.attended,
                summary: m.summary.clone(),
                conclusions: m.conclusions.clone(),
                document_reference: m.document_reference.clone(),
            }),
            history: e
                .history()
                .iter()
                .map(|h| HistoryV1 {
                    sequence: h.sequence,
                    change: h.change,
                    at: h.at,
                    starts_at: h.starts_at,
                    ends_at: h.ends_at,
                    reason: h.reason.clone(),
                })
                .collect(),
        }
    }

    fn into_event(self, id: Uuid, agreement_id: Uuid, invited: Vec<Uuid>) -> DialogueEvent {
        DialogueEvent::restore(
            id,
            agreement_id,
            EventInput {
                kind: self.kind,
                title: self.title,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                time_zone: self.time_zone,
                place: self.place,
                online_link: self.online_link,
                description: self.description,
                organiser_party_id: self.organiser_party_id,
                capacity: self.capacity,
                registration_closes_at: self.registration_closes_at,
            },
            self.status,
            self.sequence,
            invited,
            self.registrations
                .into_iter()
                .map(|r| Registration {
                    signatory_id: r.signatory_id,
                    names: r.names,
                    count: r.count,
                    registered_at: r.registered_at,
                })
                .collect(),
            self.minutes.map(|m| Minutes {
                attended: m.attended,
                summary: m.summary,
                conclusions: m.conclusions,
                document_reference: m.document_reference,
            }),
            self.history
                .into_iter()
                .map(|h| HistoryEntry {
                    sequence: h.sequence,
                    change: h.change,
                    at: h.at,
                    starts_at: h.starts_at,
                    ends_at: h.ends_at,
                    reason: h.reason,
                })
                .collect(),
        )
    }
}

/// A signatory invited to an event, with its name on the announcement day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub signatory: Signatory,
    pub name: String,
    pub invited_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct EventRecord {
    pub event: DialogueEvent,
    pub invitations: Vec<Invitation>,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type EventRow = (String, String, String, i64, NaiveDateTime, NaiveDateTime);

fn document(e: &DialogueEvent) -> StoreResult<String> {
    serde_json::to_string(&EventDocumentV1::of(e))
        .map_err(|e| StoreError::Internal(format!("dialogue event document: {e}")))
}

/// Saves a newly announced event with its invitations.
pub fn insert_event(
    conn: &mut DbConnection,
    event: &DialogueEvent,
    invitations: &[Invitation],
    now: DateTime<Utc>,
) -> StoreResult<EventRecord> {
    let id = event.id().to_string();
    diesel::insert_into(dialogue_events::table)
        .values((
            dialogue_events::id.eq(&id),
            dialogue_events::agreement_id.eq(event.agreement_id().to_string()),
            dialogue_events::starts_at.eq(to_db_time(event.details().starts_at)),
            dialogue_events::document.eq(document(event)?),
            dialogue_events::row_version.eq(1_i64),
            dialogue_events::created_at.eq(to_db_time(now)),
            dialogue_events::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    for i in invitations {
        diesel::insert_into(dialogue_invitations::table)
            .values((
                dialogue_invitations::event_id.eq(&id),
                dialogue_invitations::signatory_kind.eq(i.signatory.kind().as_str()),
                dialogue_invitations::signatory_id.eq(i.signatory.id().to_string()),
                dialogue_invitations::signatory_name.eq(&i.name),
                dialogue_invitations::invited_at.eq(to_db_time(i.invited_at)),
            ))
            .execute(conn)?;
    }
    get_event(conn, event.agreement_id(), event.id())
}

/// Saves a change of the event.
pub fn update_event(
    conn: &mut DbConnection,
    event: &DialogueEvent,
    now: DateTime<Utc>,
) -> StoreResult<EventRecord> {
    diesel::update(dialogue_events::table.find(event.id().to_string()))
        .set((
            dialogue_events::starts_at.eq(to_db_time(event.details().starts_at)),
            dialogue_events::document.eq(document(event)?),
            dialogue_events::row_version.eq(dialogue_events::row_version + 1),
            dialogue_events::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    get_event(conn, event.agreement_id(), event.id())
}

fn invitations_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> StoreResult<Vec<(String, Invitation)>> {
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = dialogue_invitations::table
        .filter(dialogue_invitations::event_id.eq_any(ids))
        .order((
            dialogue_invitations::event_id,
            dialogue_invitations::signatory_name,
        ))
        .select((
            dialogue_invitations::event_id,
            dialogue_invitations::signatory_kind,
            dialogue_invitations::signatory_id,
            dialogue_invitations::signatory_name,
            dialogue_invitations::invited_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(event, kind, id, name, at)| {
            let kind =
                SignatoryKind::parse(&kind).ok_or_else(|| corrupt("dialogue_invitations"))?;
            Ok((
                event,
                Invitation {
                    signatory: Signatory::from_parts(kind, parse_uuid(&id)?),
                    name,
                    invited_at: to_utc(at),
                },
            ))
        })
        .collect()
}

fn records(conn: &mut DbConnection, rows: Vec<EventRow>) -> StoreResult<Vec<EventRecord>> {
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let mut invitations = invitations_of(conn, &ids)?;
    rows.into_iter()
        .map(|(id, agreement_id, doc, row_version, created, updated)| {
            let doc: EventDocumentV1 =
                serde_json::from_str(&doc).map_err(|_| corrupt("dialogue_events.document"))?;
            if doc.document_version != 1 {
                return Err(corrupt("dialogue_events.document_version"));
            }
            let (mine, rest): (Vec<_>, Vec<_>) =
                invitations.drain(..).partition(|(event, _)| *event == id);
            invitations = rest;
            let mine: Vec<Invitation> = mine.into_iter().map(|(_, i)| i).collect();
            let invited = mine.iter().map(|i| i.signatory.id()).collect();
            Ok(EventRecord {
                event: doc.into_event(parse_uuid(&id)?, parse_uuid(&agreement_id)?, invited),
                invitations: mine,
                row_version,
                created_at: to_utc(created),
                updated_at: to_utc(updated),
            })
        })
        .collect()
}

fn columns() -> (
    dialogue_events::id,
    dialogue_events::agreement_id,
    dialogue_events::document,
    dialogue_events::row_version,
    dialogue_events::created_at,
    dialogue_events::updated_at,
) {
    (
        dialogue_events::id,
        dialogue_events::agreement_id,
        dialogue_events::document,
        dialogue_events::row_version,
        dialogue_events::created_at,
        dialogue_events::updated_at,
    )
}

/// The agreement's events, by start.
pub fn events_of(conn: &mut DbConnection, agreement_id: Uuid) -> StoreResult<Vec<EventRecord>> {
    let rows: Vec<EventRow> = dialogue_events::table
        .filter(dialogue_events::agreement_id.eq(agreement_id.to_string()))
        .order((dialogue_events::starts_at, dialogue_events::id))
        .select(columns())
        .load(conn)?;
    records(conn, rows)
}

/// One event of the agreement (404 when it is another agreement's).
pub fn get_event(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    id: Uuid,
) -> StoreResult<EventRecord> {
    let rows: Vec<EventRow> = dialogue_events::table
        .filter(dialogue_events::id.eq(id.to_string()))
        .filter(dialogue_events::agreement_id.eq(agreement_id.to_string()))
        .select(columns())
        .load(conn)?;
    records(conn, rows)?.pop().ok_or(StoreError::NotFound)
}

/// As `get_event`, under the event's row lock.
pub fn get_event_for_update(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    id: Uuid,
) -> StoreResult<EventRecord> {
    lock_row(conn, LockableTable::DialogueEvents, &id.to_string())?;
    get_event(conn, agreement_id, id)
}
