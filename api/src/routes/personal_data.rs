//! The data subject's right of access (GDPR art. 15, issue 24): every record that names a
//! person, with where it came from and why it is kept (`docs/personal-data.md`).
//!
//! The person is named in the body, never in the URL (which ends up in logs). Platform
//! administrators search everything; an agreement's administrators the agreements of their
//! public body.

use actix_web::web::Data;
use actix_web::{HttpResponse, post};
use chrono::NaiveDate;
use samverkan_domain::agreement::administered_by;
use samverkan_persistence::{accessions as accession_store, agreements, dialogue, steering};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::extract::{Authenticated, Json};
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

/// Who to look for: at least one of the three. E-mail and name compare without regard to
/// case; the person reference exactly.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonalDataSearch {
    /// An e-mail address (contact persons). Any length is searched (the body limit bounds
    /// it): a value longer than any stored one simply matches nothing.
    pub email: Option<String>,
    /// The person reference of a steering-group member (the identity provider's `sub`).
    pub person_ref: Option<String>,
    /// A full name (contact persons, steering-group members, registrations to dialogue
    /// events).
    pub name: Option<String>,
}

/// The kind of record.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonalDataKind {
    AccessionContactPerson,
    SteeringGroupMember,
    DialogueEventRegistration,
}

/// The personal data a record holds.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct PersonalDataValues {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub title: Option<String>,
    pub person_ref: Option<String>,
}

/// One record naming the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataRecord {
    pub kind: PersonalDataKind,
    pub agreement_id: Uuid,
    /// Where the record is read in this API.
    pub resource: String,
    /// Where the data came from.
    pub source: String,
    /// Why it is kept (the purpose and its legal basis).
    pub purpose: String,
    /// Whether it is a public record (allmän handling) kept under the archive rules.
    pub public_record: bool,
    /// Which of the search's fields matched.
    pub matched_on: Vec<String>,
    pub data: PersonalDataValues,
    /// Dates the record covers (a member's term; an event's day).
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// Every record naming the person, in the agreements the caller administers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataReport {
    pub records: Vec<PersonalDataRecord>,
}

fn same(a: &str, b: Option<&String>) -> bool {
    b.is_some_and(|b| a.trim().to_lowercase() == b.trim().to_lowercase())
}

const CONTACT_SOURCE: &str = "named by the signatory as its contact person when it applied, or by the agreement's administrators when they registered its paper application";
const CONTACT_PURPOSE: &str = "to reach the signatory about the agreement (public task, GDPR art. 6(1)(e)); not a public record, erasable, and erased after the retention period once the accession has ended";
const MEMBER_SOURCE: &str =
    "the appointing party's decision, recorded by the agreement's administrators";
const MEMBER_PURPOSE: &str = "the steering group's composition is a public record (allmän handling), kept under the archive rules (GDPR art. 17(3)(b))";
const REGISTRATION_SOURCE: &str = "registered by the signatory's representative for the event";
const REGISTRATION_PURPOSE: &str = "to plan the event (public task, GDPR art. 6(1)(e)); not a public record, erasable, and erased after the retention period once the event has passed";

/// Search personal data (right of access).
///
/// Returns every record that names the person — contact persons of accessions,
/// steering-group members, registrations to dialogue events — with where each came from and
/// why it is kept. The person is given in the body (never in a URL, which ends up in logs):
/// at least one of `email`, `person_ref`, `name` (422 `required` at `email` otherwise).
/// Platform administrators search every agreement; an agreement's administrators those of
/// their public body; anyone else 403.
#[utoipa::path(
    tag = "personal-data", operation_id = "search_personal_data",
    request_body = PersonalDataSearch,
    responses(
        (status = 200, description = "Every record naming the person", body = PersonalDataReport),
        (status = 422, description = "No field to search by; `errors` names `email`", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/personal-data/search")]
async fn search(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    body: Json<PersonalDataSearch>,
) -> ApiResult<HttpResponse> {
    let query = body.0;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&query.email) && blank(&query.person_ref) && blank(&query.name) {
        return Err(ApiError::Validation(vec![
            RequestField::Missing.at("email"),
        ]));
    }
    let Some(scope) = administered_by(&principal) else {
        return Err(ApiError::Forbidden);
    };
    let records = state
        .read(move |conn| {
            let mut records = Vec::new();
            for a in agreements::administered_agreements(conn, scope)? {
                let agreement_id = a.agreement.id();
                for id in accession_store::accession_ids_of(conn, agreement_id)? {
                    let r = accession_store::get_accession(conn, id)?;
                    let c = r.accession.contact_person();
                    let mut matched = Vec::new();
                    if same(c.email(), query.email.as_ref()) {
                        matched.push("email".to_owned());
                    }
                    if same(c.name(), query.name.as_ref()) {
                        matched.push("name".to_owned());
                    }
                    if matched.is_empty() {
                        continue;
                    }
                    records.push(PersonalDataRecord {
                        kind: PersonalDataKind::AccessionContactPerson,
                        agreement_id,
                        resource: format!("/api/v1/accessions/{id}"),
                        source: CONTACT_SOURCE.to_owned(),
                        purpose: CONTACT_PURPOSE.to_owned(),
                        public_record: false,
                        matched_on: matched,
                        data: PersonalDataValues {
                            name: c.name().to_owned(),
                            email: Some(c.email().to_owned()),
                            phone: c.phone().map(str::to_owned),
                            ..PersonalDataValues::default()
                        },
                        from: r.accession.approved_on(),
                        until: r.accession.ended_on(),
                    });
                }
                match steering::get_group_of_agreement(conn, agreement_id) {
                    Ok(g) => {
                        for m in g.group.memberships() {
                            let mut matched = Vec::new();
                            if m.person_ref().is_some_and(|r| {
                                query.person_ref.as_deref().is_some_and(|q| q.trim() == r)
                            }) {
                                matched.push("person_ref".to_owned());
                            }
                            if same(m.person_name(), query.name.as_ref()) {
                                matched.push("name".to_owned());
                            }
                            if matched.is_empty() {
                                continue;
                            }
                            records.push(PersonalDataRecord {
                                kind: PersonalDataKind::SteeringGroupMember,
                                agreement_id,
                                resource: format!(
                                    "/api/v1/agreements/{agreement_id}/steering-group/memberships"
                                ),
                                source: MEMBER_SOURCE.to_owned(),
                                purpose: MEMBER_PURPOSE.to_owned(),
                                public_record: true,
                                matched_on: matched,
                                data: PersonalDataValues {
                                    name: m.person_name().to_owned(),
                                    title: m.title().map(str::to_owned),
                                    person_ref: m.person_ref().map(str::to_owned),
                                    ..PersonalDataValues::default()
                                },
                                from: Some(m.term_start()),
                                until: m.term_end(),
                            });
                        }
                    }
                    Err(samverkan_persistence::StoreError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
                if query.name.is_some() {
                    for e in dialogue::events_of(conn, agreement_id)? {
                        let event = &e.event;
                        for registration in event.registrations() {
                            for name in &registration.names {
                                if !same(name, query.name.as_ref()) {
                                    continue;
                                }
                                records.push(PersonalDataRecord {
                                    kind: PersonalDataKind::DialogueEventRegistration,
                                    agreement_id,
                                    resource: format!(
                                        "/api/v1/agreements/{agreement_id}/dialogue-events/{}/registrations",
                                        event.id()
                                    ),
                                    source: REGISTRATION_SOURCE.to_owned(),
                                    purpose: REGISTRATION_PURPOSE.to_owned(),
                                    public_record: false,
                                    matched_on: vec!["name".to_owned()],
                                    data: PersonalDataValues {
                                        name: name.clone(),
                                        ..PersonalDataValues::default()
                                    },
                                    from: None,
                                    until: None,
                                });
                            }
                        }
                    }
                }
            }
            Ok(records)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(PersonalDataReport { records }))
}
