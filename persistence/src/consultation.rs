//! Consultation responses (remissvar): each as a JSON document in storage's own form
//! (`ResponseDocumentV1`, converted to and from the domain here and nowhere else), one row per
//! organisation and consultation (the unique index `consultation_responses_one_per_organization`).
//! A response is written under the agreement's row lock (`lock_agreement`), so that two
//! submissions of one organisation are decided one after the other: the second replaces the
//! first and keeps it in the history.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::consultation::ReferenceKind;
use samverkan_domain::consultation::{
    Answer, ConsultationResponse, Reference, ReferenceComment, RespondentAct, ResponseContact,
    ResponseParts, ResponseText,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::error::{StoreError, StoreResult};
use crate::schema::consultation_responses as responses;
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Serialize, Deserialize)]
struct ResponseDocumentV1 {
    document_version: u32,
    organization_name: String,
    invited: bool,
    current: TextV1,
    history: Vec<TextV1>,
}

#[derive(Serialize, Deserialize)]
struct TextV1 {
    received_on: NaiveDate,
    late: bool,
    act: RespondentAct,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
    answers: Vec<AnswerV1>,
    general_comments: Option<String>,
    comments: Vec<CommentV1>,
    contact: Option<ContactV1>,
}

#[derive(Serialize, Deserialize)]
struct AnswerV1 {
    question: u32,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct CommentV1 {
    kind: ReferenceKind,
    number: u32,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct ContactV1 {
    name: String,
    email: Option<String>,
}

impl TextV1 {
    fn of(t: &ResponseText) -> Self {
        Self {
            received_on: t.received_on,
            late: t.late,
            act: t.act,
            recorded_by: t.recorded_by.clone(),
            recorded_at: t.recorded_at,
            answers: t
                .answers
                .iter()
                .map(|a| AnswerV1 {
                    question: a.question,
                    text: a.text.clone(),
                })
                .collect(),
            general_comments: t.general_comments.clone(),
            comments: t
                .comments
                .iter()
                .map(|c| CommentV1 {
                    kind: c.reference.kind,
                    number: c.reference.number,
                    text: c.text.clone(),
                })
                .collect(),
            contact: t.contact.as_ref().map(|c| ContactV1 {
                name: c.name.clone(),
                email: c.email.clone(),
            }),
        }
    }

    fn into_text(self) -> ResponseText {
        ResponseText {
            received_on: self.received_on,
            late: self.late,
            act: self.act,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
            answers: self
                .answers
                .into_iter()
                .map(|a| Answer {
                    question: a.question,
                    text: a.text,
                })
                .collect(),
            general_comments: self.general_comments,
            comments: self
                .comments
                .into_iter()
                .map(|c| ReferenceComment {
                    reference: Reference {
                        kind: c.kind,
                        number: c.number,
                    },
                    text: c.text,
                })
                .collect(),
            contact: self.contact.map(|c| ResponseContact {
                name: c.name,
                email: c.email,
            }),
        }
    }
}

fn document(r: &ConsultationResponse) -> StoreResult<String> {
    serde_json::to_string(&ResponseDocumentV1 {
        document_version: 1,
        organization_name: r.organization_name().to_owned(),
        invited: r.invited(),
        current: TextV1::of(r.current()),
        history: r.history().iter().map(TextV1::of).collect(),
    })
    .map_err(|e| StoreError::Internal(format!("consultation response document: {e}")))
}

/// A response as stored, with its row's bookkeeping.
#[derive(Debug, Clone)]
pub struct ResponseRecord {
    pub response: ConsultationResponse,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

type ResponseRow = (
    String,
    String,
    i32,
    String,
    String,
    i64,
    NaiveDateTime,
    NaiveDateTime,
);

fn record(row: ResponseRow) -> StoreResult<ResponseRecord> {
    let (id, agreement_id, version, organization_id, doc, row_version, created, updated) = row;
    let doc: ResponseDocumentV1 =
        serde_json::from_str(&doc).map_err(|_| corrupt("consultation_responses.document"))?;
    if doc.document_version != 1 {
        return Err(corrupt("consultation_responses.document_version"));
    }
    Ok(ResponseRecord {
        response: ConsultationResponse::restore(ResponseParts {
            id: parse_uuid(&id)?,
            agreement_id: parse_uuid(&agreement_id)?,
            version_number: u32::try_from(version)
                .map_err(|_| corrupt("consultation_responses.version_number"))?,
            organization_id: parse_uuid(&organization_id)?,
            organization_name: doc.organization_name,
            invited: doc.invited,
            current: doc.current.into_text(),
            history: doc.history.into_iter().map(TextV1::into_text).collect(),
        }),
        row_version,
        created_at: to_utc(created),
        updated_at: to_utc(updated),
    })
}

fn columns() -> (
    responses::id,
    responses::agreement_id,
    responses::version_number,
    responses::organization_id,
    responses::document,
    responses::row_version,
    responses::created_at,
    responses::updated_at,
) {
    (
        responses::id,
        responses::agreement_id,
        responses::version_number,
        responses::organization_id,
        responses::document,
        responses::row_version,
        responses::created_at,
        responses::updated_at,
    )
}

fn version_i32(version_number: u32) -> StoreResult<i32> {
    i32::try_from(version_number).map_err(|_| StoreError::NotFound)
}

/// Takes the agreement's row lock, under which responses to its consultations are written.
pub fn lock_agreement(conn: &mut DbConnection, agreement_id: Uuid) -> StoreResult<()> {
    lock_row(conn, LockableTable::Agreements, &agreement_id.to_string())?;
    Ok(())
}

/// The responses to version `version_number`'s consultation, in the order first received
/// (ids are UUID v7).
pub fn responses_to(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    version_number: u32,
) -> StoreResult<Vec<ResponseRecord>> {
    let rows: Vec<ResponseRow> = responses::table
        .filter(responses::agreement_id.eq(agreement_id.to_string()))
        .filter(responses::version_number.eq(version_i32(version_number)?))
        .order(responses::id)
        .select(columns())
        .load(conn)?;
    rows.into_iter().map(record).collect()
}

/// The organisation's response to the consultation, if it sent one.
pub fn response_of(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    version_number: u32,
    organization_id: Uuid,
) -> StoreResult<Option<ResponseRecord>> {
    let row: Option<ResponseRow> = responses::table
        .filter(responses::agreement_id.eq(agreement_id.to_string()))
        .filter(responses::version_number.eq(version_i32(version_number)?))
        .filter(responses::organization_id.eq(organization_id.to_string()))
        .select(columns())
        .first(conn)
        .optional()?;
    row.map(record).transpose()
}

/// Saves a new response, or the replacement of one (same id, one more in the history).
pub fn save_response(
    conn: &mut DbConnection,
    r: &ConsultationResponse,
    now: DateTime<Utc>,
) -> StoreResult<ResponseRecord> {
    let id = r.id().to_string();
    let doc = document(r)?;
    if r.history().is_empty() {
        diesel::insert_into(responses::table)
            .values((
                responses::id.eq(&id),
                responses::agreement_id.eq(r.agreement_id().to_string()),
                responses::version_number.eq(version_i32(r.version_number())?),
                responses::organization_id.eq(r.organization_id().to_string()),
                responses::document.eq(doc),
                responses::row_version.eq(1_i64),
                responses::created_at.eq(to_db_time(now)),
                responses::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    } else {
        diesel::update(responses::table.find(&id))
            .set((
                responses::document.eq(doc),
                responses::row_version.eq(responses::row_version + 1),
                responses::updated_at.eq(to_db_time(now)),
            ))
            .execute(conn)?;
    }
    let row: ResponseRow = responses::table.find(&id).select(columns()).first(conn)?;
    record(row)
}
