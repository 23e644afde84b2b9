//! The consultation's responses (remissvar): sent by an organisation's representative until the
//! deadline, registered by the agreement's administrator from paper or e-mail (late after
//! it); read by anyone as public documents (JSON, CSV) without the contact person; counted in
//! the summary.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, post};
use samverkan_domain::access::Principal;
use samverkan_domain::accession::Signatory;
use samverkan_domain::agreement::{self, Agreement, AgreementVersion};
use samverkan_domain::consultation::{
    ConsultationResponse, Respondent, RespondentAct, ResponseSummary,
};
use samverkan_persistence::consultation::{self as store, ResponseRecord};
use samverkan_persistence::db::DbConnection;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::contract::consultation::{ConsultationResponseView, ResponseInput, ResponseSummaryView};
use crate::extract::{Authenticated, Caller, Json};
use crate::http::{Visibility, cached_read, json_read};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::whole_list_of;
use crate::workflows::agreements::load_visible;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(submit_response)
        .service(list_responses)
        .service(export_responses_csv)
        .service(summary);
}

whole_list_of!(ConsultationResponseList, ConsultationResponseView);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationQuery {
    /// The version whose consultation is read; default: the one open now, else the latest
    /// version that was on consultation.
    pub version: Option<u32>,
}

/// The version whose consultation a read is about.
fn consulted_version(a: &Agreement, asked: Option<u32>) -> ApiResult<&AgreementVersion> {
    let version = match asked {
        Some(n) => a.version(n),
        None => a.consultation_version().or_else(|| {
            a.versions()
                .iter()
                .rev()
                .find(|v| v.consultation().is_some())
        }),
    };
    version
        .filter(|v| v.consultation().is_some())
        .ok_or(ApiError::NotFound)
}

/// Who may see the contact persons: the agreement's administrators and co-administrators.
fn sees_contacts(caller: Option<&Principal>, a: &Agreement) -> bool {
    caller.is_some_and(|p| agreement::may_run(p, a))
}

struct Loaded {
    agreement: Agreement,
    version: u32,
    deadline: Option<chrono::NaiveDate>,
    setup_questions: Option<samverkan_domain::consultation::ConsultationSetup>,
    responses: Vec<ResponseRecord>,
    caller: Option<Principal>,
    /// Whether anyone may read this version (not a draft's or an abandoned revision's
    /// consultation, which only the administrators see): decides what a shared cache may keep.
    version_is_public: bool,
}

async fn load(
    state: &AppState,
    caller: Option<Principal>,
    id: Uuid,
    asked: Option<u32>,
) -> ApiResult<Loaded> {
    state
        .read(move |conn| {
            let record = load_visible(conn, id, caller.as_ref())?;
            let a = record.agreement;
            let v = consulted_version(&a, asked)?;
            // A draft's or abandoned text's consultation is the administrators' only.
            if !agreement::may_view_version(caller.as_ref(), &a, v) {
                return Err(ApiError::NotFound);
            }
            let version_is_public = agreement::may_view_version(None, &a, v);
            let setup = v.consultation().and_then(|c| c.setup()).cloned();
            let number = v.number();
            let responses = store::responses_to(conn, a.id(), number)?;
            Ok(Loaded {
                deadline: setup.as_ref().map(|s| s.response_deadline()),
                setup_questions: setup,
                version: number,
                agreement: a,
                responses,
                caller,
                version_is_public,
            })
        })
        .await
}

/// Send or register a consultation response.
///
/// One response per organisation and consultation: a second one replaces the first until the
/// deadline, which stays in `history`. An organisation's representative responds for it until
/// the deadline (409 `consultation_closed` after); the agreement's administrator registers a
/// paper or e-mail response with the day it was received, accepted after the deadline and
/// marked `late`. A consultation restricted to the invited refuses others (409
/// `not_invited`); one open to all marks a response from an organisation not invited
/// (`invited: false`). Comments refer to principles (by number) and commitments (by place)
/// that exist (422 `unknown_principle`). Answers the response with the contact person.
#[utoipa::path(
    tag = "agreements", operation_id = "submit_consultation_response", request_body = ResponseInput,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses(
        (status = 200, description = "The response, replacing the organisation's earlier one", body = ConsultationResponseView),
        (status = 201, description = "The response", body = ConsultationResponseView),
        (status = 409, description = "The consultation's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field: `organization_id` (`unknown_organization`), `received_on` (`in_future`, `before_opened_on`), `answers[i].question` (`unknown_question`, `duplicate`), `comments[i].number` (`unknown_principle`), texts (`required`, `too_long`), `contact_person.email` (`email`), `general_comments` (`required`: an empty response)", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/consultation/responses")]
async fn submit_response(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<ResponseInput>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (organization_id, input) = body.0.into_domain();
    let today = state.today();
    let now = state.clock.now();
    let (record, created) = state
        .write(move |conn| {
            store::lock_agreement(conn, id)?;
            let a = load_visible(conn, id, Some(&p))?.agreement;
            let act = respondent_act(&p, &a, organization_id)?;
            let respondent = respondent(conn, &a, organization_id, act, &p.sub)?;
            let version = a.consultation_version().map(|v| v.number()).ok_or(
                samverkan_domain::DomainError::from(
                    samverkan_domain::consultation::ConsultationRule::NotOpen,
                ),
            )?;
            let existing =
                store::response_of(conn, id, version, organization_id)?.map(|r| r.response);
            let created = existing.is_none();
            let response = ConsultationResponse::submit(
                Uuid::now_v7(),
                &a,
                existing,
                respondent,
                input,
                today,
                now,
            )?;
            Ok((store::save_response(conn, &response, now)?, created))
        })
        .await?;
    let view = ConsultationResponseView::of(&record.response, record.updated_at, true);
    let bytes = serde_json::to_vec(&view).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut builder = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    if created {
        builder.insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/agreements/{id}/consultation/responses"),
        ));
    }
    Ok(builder
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(bytes))
}

/// How the caller responds for `organization_id`: as its representative, or as the
/// agreement's administrator registering a received response; 403 otherwise. A capability
/// link would map to `Representative` for its organisation here.
fn respondent_act(p: &Principal, a: &Agreement, organization_id: Uuid) -> ApiResult<RespondentAct> {
    if p.represents(organization_id) {
        Ok(RespondentAct::Representative)
    } else if agreement::may_administer(p, a) {
        Ok(RespondentAct::Administrator)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The respondent as the domain takes it: the register's name and whether it is a signatory.
fn respondent(
    conn: &mut DbConnection,
    a: &Agreement,
    organization_id: Uuid,
    act: RespondentAct,
    recorded_by: &str,
) -> ApiResult<Respondent> {
    let organization = match samverkan_persistence::parties::get_organization(conn, organization_id)
    {
        Ok(o) => o,
        Err(samverkan_persistence::StoreError::NotFound) => {
            return Err(samverkan_domain::DomainError::invalid(
                "organization_id",
                samverkan_domain::consultation::ConsultationField::UnknownOrganization,
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let is_signatory = samverkan_persistence::accessions::approved_of(conn, a.id())?
        .iter()
        .any(|r| r.accession.signatory() == Signatory::Organization(organization_id));
    Ok(Respondent {
        organization_id,
        organization_name: organization.fields.name.clone(),
        is_signatory,
        act,
        recorded_by: recorded_by.to_owned(),
    })
}

/// List the responses to the consultation.
///
/// Public documents while the consultation's text is public: each organisation's name and its
/// text, in the order first received, with the texts it replaced. The contact person is shown
/// to the agreement's administrators only (`null` for everyone else). CSV is
/// `export_consultation_responses_csv`.
#[utoipa::path(
    tag = "agreements", operation_id = "list_consultation_responses",
    params(("id" = Uuid, Path, description = "The agreement's id"), ConsultationQuery),
    responses((status = 200, description = "Every response", body = ConsultationResponseList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/consultation/responses")]
async fn list_responses(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    query: Query<ConsultationQuery>,
) -> ApiResult<HttpResponse> {
    let l = load(&state, caller, id.into_inner(), query.version).await?;
    let contacts = sees_contacts(l.caller.as_ref(), &l.agreement);
    let items = l
        .responses
        .iter()
        .map(|r| ConsultationResponseView::of(&r.response, r.updated_at, contacts))
        .collect();
    json_read(
        &req,
        &ConsultationResponseList::whole(items),
        None,
        visibility(&l),
        None,
    )
}

fn visibility(l: &Loaded) -> Visibility {
    if !l.version_is_public || sees_contacts(l.caller.as_ref(), &l.agreement) {
        Visibility::Private
    } else {
        Visibility::of_agreement(&l.agreement)
    }
}

/// Export the responses as CSV.
///
/// One row per response: organisation, invited, received, late, registered by, general
/// comments, the answers (`question N`) and the comments (`principle N`, `commitment N`).
/// Never the contact person.
#[utoipa::path(
    tag = "agreements", operation_id = "export_consultation_responses_csv",
    params(("id" = Uuid, Path, description = "The agreement's id"), ConsultationQuery),
    responses((status = 200, description = "The responses as CSV", content_type = "text/csv", body = String)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/consultation/responses.csv")]
async fn export_responses_csv(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    query: Query<ConsultationQuery>,
) -> ApiResult<HttpResponse> {
    let l = load(&state, caller, id.into_inner(), query.version).await?;
    let questions = l
        .setup_questions
        .as_ref()
        .map_or(0, |s| s.questions().len());
    let mut references: Vec<samverkan_domain::consultation::Reference> = l
        .responses
        .iter()
        .flat_map(|r| r.response.current().comments.iter().map(|c| c.reference))
        .collect();
    references.sort();
    references.dedup();
    let mut head: Vec<String> = [
        "organization_id",
        "organization_name",
        "invited",
        "received_on",
        "late",
        "registered_by",
        "general_comments",
    ]
    .map(str::to_owned)
    .to_vec();
    head.extend((1..=questions).map(|n| format!("question {n}")));
    head.extend(
        references
            .iter()
            .map(|r| format!("{} {}", r.kind.as_str(), r.number)),
    );
    let mut rows = Vec::with_capacity(l.responses.len());
    for r in &l.responses {
        let t = r.response.current();
        let mut row: Vec<String> = vec![
            r.response.organization_id().to_string(),
            r.response.organization_name().to_owned(),
            r.response.invited().to_string(),
            t.received_on.to_string(),
            t.late.to_string(),
            t.act.as_str().to_owned(),
            t.general_comments.clone().unwrap_or_default(),
        ];
        row.extend((1..=questions as u32).map(|n| {
            t.answers
                .iter()
                .find(|a| a.question == n)
                .map(|a| a.text.clone())
                .unwrap_or_default()
        }));
        row.extend(references.iter().map(|reference| {
            t.comments
                .iter()
                .filter(|c| c.reference == *reference)
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
                .join("\n")
        }));
        rows.push(row);
    }
    // The texts are the public's own: the list's writer keeps a cell from starting a formula.
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let bytes = crate::render::csv::table_csv(&head, &rows);
    // Never the contact persons, so it is public whenever the version is.
    let visibility = if l.version_is_public {
        Visibility::of_agreement(&l.agreement)
    } else {
        Visibility::Private
    };
    let (builder, not_modified) = cached_read(&req, &bytes, None, visibility);
    let mut builder = builder;
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type(crate::render::csv::CSV_CONTENT_TYPE)
        .body(bytes))
}

/// Count the responses.
///
/// By respondent type (invited, not invited, registered by the administrator, late), by
/// question (how many answered each) and by principle or commitment commented on.
#[utoipa::path(
    tag = "agreements", operation_id = "get_consultation_summary",
    params(("id" = Uuid, Path, description = "The agreement's id"), ConsultationQuery),
    responses((status = 200, description = "The counts", body = ResponseSummaryView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/consultation/summary")]
async fn summary(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    query: Query<ConsultationQuery>,
) -> ApiResult<HttpResponse> {
    let l = load(&state, caller, id.into_inner(), query.version).await?;
    let responses: Vec<ConsultationResponse> =
        l.responses.iter().map(|r| r.response.clone()).collect();
    let s = ResponseSummary::of(l.setup_questions.as_ref(), &responses);
    let view = ResponseSummaryView::of(l.agreement.id(), l.version, l.deadline, s);
    let visibility = if l.version_is_public {
        Visibility::of_agreement(&l.agreement)
    } else {
        Visibility::Private
    };
    json_read(&req, &view, None, visibility, None)
}
