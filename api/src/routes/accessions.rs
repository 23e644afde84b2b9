//! Accessions (anslutningar) and the public signatory list.
//!
//! Representatives submit, cancel and withdraw for their own organisations; administrators of
//! the agreement's public body register paper applications, approve and reject; in
//! `steering_group` mode approval and rejection cite a recorded, valid decision of the
//! agreement's steering group. Another organisation's accession is 404 to a representative.

use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::access::Principal;
use samverkan_domain::accession::{
    self, Accession, AccessionState, AgreementTerms, Approval, BoardDecision, Channel,
    CitedDecision, ContactPerson, ContactPersonInput, EndReason, HistoryEntry, Reconfirmation,
    Signatory, SubmissionInput, WithdrawalNotice, swedish_date,
};
use samverkan_domain::agreement::{self, Agreement};
use samverkan_domain::party::{LegalForm, PublicBodyKind};
use samverkan_domain::scb::MunicipalityCode;
use samverkan_domain::steering::{self, Decision};
use samverkan_persistence::accessions::{
    self as store, AccessionRecord, SignatoryLine, SignatoryQuery,
};
use samverkan_persistence::agreements as agreement_store;
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::page::Page;
use samverkan_persistence::{parties, steering as steering_store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Authenticated, Caller, require, require_that};
use crate::cache::{PublicCache, serve_cached};
use crate::http::{
    Json, PageParams, Visibility, cached_read, changed, if_match_version, json_read, next_link,
};
use crate::idempotency::{Created, create_once};
use crate::list_of;
use crate::problem::{ApiError, ApiResult};
use crate::render::{self, Delimiter, EmbedPage, Lang, SignatoryRow};
use crate::routes::agreements::{visibility_of, visible_agreement};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(submit)
        .service(list_for_administrators)
        .service(get_accession)
        .service(update_contact_person)
        .service(approve)
        .service(reject)
        .service(cancel)
        .service(withdraw)
        .service(reconfirm)
        .service(signatories)
        .service(signatories_csv)
        .service(signatory_stats);
}

fn today() -> NaiveDate {
    swedish_date(Utc::now())
}

// ---------------------------------------------------------------- views

/// An accession as its administrators and the organisation's representatives see it,
/// personal data included. Never on a public endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessionView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub signatory: Signatory,
    pub signatory_name: String,
    pub state: AccessionState,
    pub channel: Channel,
    pub board_decision: Option<BoardDecision>,
    pub affirmed_statements: Vec<String>,
    pub contact_person: ContactPerson,
    /// The `sub` of whoever submitted or registered it.
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub approved_on: Option<NaiveDate>,
    /// The agreement version in force when it was approved.
    pub approved_version: Option<u32>,
    /// The latest version the signatory is a party to (after carry-overs and reconfirmations).
    pub version: Option<u32>,
    /// The steering-group decision an approval or rejection cited.
    pub decision_id: Option<Uuid>,
    pub rejection_reason: Option<String>,
    pub withdrawal: Option<WithdrawalNotice>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub reconfirmation: Option<Reconfirmation>,
    /// Every transition: from, to, when, who, why. Append-only.
    pub history: Vec<HistoryEntry>,
    pub updated_at: DateTime<Utc>,
}

impl From<&AccessionRecord> for AccessionView {
    fn from(r: &AccessionRecord) -> Self {
        let a = &r.accession;
        Self {
            id: a.id,
            agreement_id: a.agreement_id,
            signatory: a.signatory,
            signatory_name: r.signatory_name.clone(),
            state: a.state(),
            channel: a.channel,
            board_decision: a.board_decision.clone(),
            affirmed_statements: a.affirmed_statements.clone(),
            contact_person: a.contact_person.clone(),
            submitted_by: a.submitted_by.clone(),
            submitted_at: a.submitted_at,
            approved_on: a.approved_on,
            approved_version: a.approved_version,
            version: a.version,
            decision_id: a.decision_id,
            rejection_reason: a.rejection_reason.clone(),
            withdrawal: a.withdrawal.clone(),
            ended_on: a.ended_on,
            end_reason: a.end_reason,
            reconfirmation: a.reconfirmation,
            history: a.history.clone(),
            updated_at: r.updated_at,
        }
    }
}

list_of!(AccessionList, AccessionView);

/// The agreement's terms as the accession rules need them, on `today` (the demo passes the
/// historical date it replays).
pub fn terms_of(a: &Agreement, today: NaiveDate) -> AgreementTerms {
    AgreementTerms {
        agreement_id: a.id,
        owner_public_body_id: a.owner_public_body_id,
        party_public_body_ids: a.party_public_body_ids.clone(),
        in_force: a.takes_accessions(today),
        version_number: a.current_version().map_or(0, |v| v.number),
        approval_mode: a.settings.approval_mode,
        public_bodies_may_accede: a.settings.public_bodies_may_accede,
        accepted_channels: Vec::new(),
        required_statements: a.settings.eligibility_statements.clone(),
    }
}

/// The name the public list shows for a signatory, from the register (409
/// `unknown_signatory` when the signatory is not in it).
fn signatory_name(conn: &mut DbConnection, signatory: Signatory) -> ApiResult<String> {
    let not_found = || ApiError::Conflict {
        code: "unknown_signatory",
        message: "no such organisation or public body in the register".to_owned(),
    };
    match signatory {
        Signatory::Organization(id) => parties::organizations_by_ids(conn, &[id])?
            .pop()
            .map(|o| o.fields.name)
            .ok_or_else(not_found),
        Signatory::PublicBody(id) => parties::public_bodies_by_ids(conn, &[id])?
            .pop()
            .map(|b| b.fields.name)
            .ok_or_else(not_found),
    }
}

/// Looks up a cited steering-group decision and whether it was valid (balanced and quorate).
fn cited_decision(conn: &mut DbConnection, decision_id: Uuid) -> ApiResult<CitedDecision> {
    let unknown = || {
        ApiError::Validation(vec![samverkan_domain::FieldError::new(
            "decision_id",
            "unknown_decision",
            "no recorded steering-group decision with this id",
        )])
    };
    let record = match steering_store::get_decision(conn, decision_id) {
        Err(samverkan_persistence::StoreError::NotFound) => return Err(unknown()),
        other => other?,
    };
    let group = steering_store::get_group_of_agreement(conn, record.agreement_id)?.group;
    let meeting = steering_store::get_meeting(conn, record.group_id, record.meeting_id)?;
    let decision = Decision::restore(record);
    Ok(CitedDecision {
        decision_id: decision.id(),
        agreement_id: decision.agreement_id(),
        kind: decision.kind(),
        subject_id: decision.subject_id(),
        decided_on: decision.meeting_date(),
        valid: steering::decision_is_valid(&group, &meeting, &decision).is_ok(),
    })
}

/// The accession's agreement, its row share-locked first: transitions of different
/// accessions run side by side, but never beside a termination or a revision adoption of
/// the agreement, which lock it exclusively (the same order everywhere: agreement, then
/// accession, so no deadlock).
fn agreement_of_accession_locked(
    conn: &mut DbConnection,
    accession_id: Uuid,
) -> ApiResult<Agreement> {
    let agreement_id = store::agreement_of(conn, accession_id)?;
    Ok(agreement_store::get_agreement_shared(conn, agreement_id)?.agreement)
}

/// Runs one transition under the accession's row lock, in one transaction: load the
/// accession and its agreement, check who may act (404 when the caller may not see it), apply
/// the domain operation, save with its history entry.
async fn transition(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    allowed: fn(&Principal, Uuid, Signatory) -> samverkan_domain::access::Access,
    change: impl FnOnce(&mut DbConnection, &mut Accession, &Agreement, &Principal) -> ApiResult<()>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let record = state
        .write(move |conn| {
            let a = agreement_of_accession_locked(conn, id)?;
            let before = store::get_accession_for_update(conn, id)?;
            require(allowed(
                &principal,
                a.owner_public_body_id,
                before.accession.signatory,
            ))?;
            let mut accession = before.accession.clone();
            change(conn, &mut accession, &a, &principal)?;
            Ok(store::save_accession(
                conn,
                &before,
                &accession,
                Utc::now(),
            )?)
        })
        .await?;
    changed(&AccessionView::from(&record), Some(record.row_version))
}

// ---------------------------------------------------------------- submission and reads

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// `{"kind": "organization", "id": …}`, or `{"kind": "public_body", "id": …}` where the
    /// agreement lets public bodies accede.
    pub signatory: Signatory,
    pub channel: Channel,
    /// The board's decision to join: needed for `board_minutes` and `written_application`.
    pub board_decision: Option<BoardDecision>,
    /// Every eligibility statement the agreement requires, word for word.
    #[serde(default)]
    pub affirmed_statements: Vec<String>,
    /// The signatory's contact person for the agreement (personal data, never public).
    pub contact_person: ContactPersonInput,
}

/// Submits an application to accede (a representative for its own organisation), or
/// registers one received on paper (the agreement's administrators). Rules:
/// `agreement_not_in_force`, `already_signatory`, `application_pending`,
/// `public_body_not_allowed`, `already_party`; every required statement must be affirmed
/// (422 naming the missing ones). Re-joining after a withdrawal is a new accession.
#[utoipa::path(
    tag = "accessions", operation_id = "submit_accession",
    request_body = SubmissionRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses(
        (status = 201, body = AccessionView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Rules: `agreement_not_in_force`, `already_signatory`, `application_pending`, `public_body_not_allowed`, `already_party`, `unknown_signatory` (no such organisation or public body in the register)", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/accessions")]
async fn submit(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<SubmissionRequest>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let request = body.0;
    let caller = principal.clone();
    let input = SubmissionInput {
        id: Uuid::nil(),
        signatory: request.signatory,
        channel: request.channel,
        board_decision: request.board_decision.clone(),
        affirmed_statements: request.affirmed_statements.clone(),
        contact_person: request.contact_person.clone(),
    };
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        // Submissions to one agreement queue on its row, so the one-open-accession rule is
        // decided in order (the unique index stays the backstop).
        let a = agreement_store::get_agreement_for_update(conn, agreement_id)?.agreement;
        if !agreement::may_view(Some(&caller), &a) {
            return Err(ApiError::NotFound);
        }
        require(accession::may_submit(
            &caller,
            a.owner_public_body_id,
            input.signatory,
        ))?;
        let name = signatory_name(conn, input.signatory)?;
        let existing = store::existing_for(conn, agreement_id, input.signatory)?;
        let now = Utc::now();
        let submission = SubmissionInput {
            id: Uuid::now_v7(),
            ..input.clone()
        };
        let accession = Accession::submit(
            submission,
            &terms_of(&a, swedish_date(now)),
            &existing,
            &caller.sub,
            now,
        )?;
        let record = store::insert_accession(conn, &accession, &name, now)?;
        Created::new(
            format!("/api/v1/accessions/{}", accession.id),
            Some(record.row_version),
            &AccessionView::from(&record),
        )
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessionQuery {
    /// Only accessions in this state.
    pub state: Option<AccessionState>,
}

/// The agreement's accessions for its administrators: applications waiting for a decision
/// first, then the rest, oldest first.
#[utoipa::path(
    tag = "accessions", operation_id = "list_accessions",
    params(("id" = Uuid, Path, description = "The agreement's id"), AccessionQuery, PageParams),
    responses((status = 200, body = AccessionList)),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/accessions")]
async fn list_for_administrators(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    query: Query<AccessionQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let page = page.page_request(2)?;
    let filter = query.state;
    let page = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            require_that(agreement::may_administer(&principal, &a))?;
            Ok(store::list_for_administrators(
                conn,
                agreement_id,
                filter,
                &page,
            )?)
        })
        .await?;
    let link = next_link(&req, page.next_cursor.as_deref());
    let body = AccessionList {
        items: page.items.iter().map(AccessionView::from).collect(),
        next_cursor: page.next_cursor,
    };
    json_read(&req, &body, None, Visibility::Private, link)
}

/// One accession with its history. The agreement's administrators and the signatory's
/// representatives; 404 to everyone else.
#[utoipa::path(
    tag = "accessions", operation_id = "get_accession",
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView, headers(("ETag" = String)))),
    security(("bearer" = []))
)]
#[get("/accessions/{id}")]
async fn get_accession(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let record = state
        .read(move |conn| {
            let record = store::get_accession(conn, id)?;
            let a = agreement_store::get_agreement(conn, record.accession.agreement_id)?.agreement;
            require(accession::may_view(
                &principal,
                a.owner_public_body_id,
                record.accession.signatory,
            ))?;
            Ok(record)
        })
        .await?;
    json_read(
        &req,
        &AccessionView::from(&record),
        Some(record.row_version),
        Visibility::Private,
        None,
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessionUpdate {
    /// The signatory's new contact person.
    pub contact_person: ContactPersonInput,
}

/// Replaces the contact person (the organisation's representatives and the agreement's
/// administrators). Needs `If-Match`. The history records that it changed, not the data.
#[utoipa::path(
    tag = "accessions", operation_id = "update_accession_contact_person",
    request_body = AccessionUpdate,
    params(("id" = Uuid, Path, description = "The accession's id"), ("If-Match" = String, Header, description = "The ETag of the last read")),
    responses((status = 200, body = AccessionView, headers(("ETag" = String))), (status = 409, description = "Rule: `accession_closed`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[patch("/accessions/{id}")]
async fn update_contact_person(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<AccessionUpdate>,
) -> ApiResult<HttpResponse> {
    let expected = if_match_version(&req)?;
    let contact = body.0.contact_person;
    let id = id.into_inner();
    let record = state
        .write(move |conn| {
            let a = agreement_of_accession_locked(conn, id)?;
            let before = store::get_accession_for_update(conn, id)?;
            require(accession::may_update_contact_person(
                &principal,
                a.owner_public_body_id,
                before.accession.signatory,
            ))?;
            if before.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let mut changed = before.accession.clone();
            changed.update_contact_person(&contact, &principal.sub, Utc::now())?;
            Ok(store::save_accession(conn, &before, &changed, Utc::now())?)
        })
        .await?;
    changed(&AccessionView::from(&record), Some(record.row_version))
}

// ---------------------------------------------------------------- transitions

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// The first day as a signatory.
    pub approved_on: NaiveDate,
    /// In `steering_group` mode: the recorded `approve_accession` decision naming this
    /// accession as its subject.
    pub decision_id: Option<Uuid>,
}

/// Approves a submitted accession: the organisation becomes a signatory. In `registration`
/// mode an administrator approves; in `steering_group` mode the approval cites a valid
/// decision of the agreement's group whose kind and subject match. Rules:
/// `accession_not_submitted`, `agreement_not_in_force`, `steering_group_decision_required`,
/// `decision_does_not_match`, `decision_not_valid`.
#[utoipa::path(
    tag = "accessions", operation_id = "approve_accession", request_body = ApprovalRequest,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView), (status = 409, description = "A rule of the accession forbids this now; `code` names it (`before_received`, `before_decision`: approved before the board decision was received or the steering group decided)", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/approval")]
async fn approve(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<ApprovalRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_approve,
        move |conn, acc, a, p| {
            let approval = match b.decision_id {
                None => Approval::Registration,
                Some(d) => Approval::SteeringGroupDecision(cited_decision(conn, d)?),
            };
            let now = Utc::now();
            Ok(acc
                .approve(
                    approval,
                    &terms_of(a, swedish_date(now)),
                    b.approved_on,
                    &p.sub,
                    now,
                )
                .map_err(crate::routes::agreements::state_rules(&[
                    "before_received",
                    "before_decision",
                ]))?)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectionRequest {
    pub reason: String,
    /// In `steering_group` mode: the recorded `reject_accession` decision.
    pub decision_id: Option<Uuid>,
}

/// Rejects a submitted accession, with a reason. Rules as for approval.
#[utoipa::path(
    tag = "accessions", operation_id = "reject_accession", request_body = RejectionRequest,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView), (status = 409, description = "A rule of the accession forbids this now; `code` names it", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/rejection")]
async fn reject(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<RejectionRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_reject,
        move |conn, acc, a, p| {
            let decision = b.decision_id.map(|d| cited_decision(conn, d)).transpose()?;
            let now = Utc::now();
            Ok(acc.reject(
                &b.reason,
                decision,
                &terms_of(a, swedish_date(now)),
                &p.sub,
                now,
            )?)
        },
    )
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}

/// Cancels a submitted application (the applicant). Rules: `accession_not_submitted`.
#[utoipa::path(
    tag = "accessions", operation_id = "cancel_accession", request_body = NoBody,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView), (status = 409, description = "Rule: `accession_not_submitted`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/cancellation")]
async fn cancel(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: Json<NoBody>,
) -> ApiResult<HttpResponse> {
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_cancel,
        |_, acc, _, p| Ok(acc.cancel(&p.sub, Utc::now())?),
    )
    .await
}

/// Withdraws (utträde) with the written notice: the date it was received, its reference
/// (e.g. the board minutes' §) and the date it takes effect, not before the approval. The
/// representatives, or the administrators registering a notice received on paper. Rules:
/// `accession_not_approved`, `withdrawal_before_approval`.
#[utoipa::path(
    tag = "accessions", operation_id = "withdraw_accession", request_body = WithdrawalNotice,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView), (status = 409, description = "Rules: `accession_not_approved`, `withdrawal_before_approval`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/withdrawal")]
async fn withdraw(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<WithdrawalNotice>,
) -> ApiResult<HttpResponse> {
    let notice = body.0;
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_withdraw,
        move |_, acc, _, p| Ok(acc.withdraw(notice, &p.sub, Utc::now())?),
    )
    .await
}

/// Reconfirms the accession for a revised version of the agreement, before the deadline.
/// Rules: `no_reconfirmation_pending`, `reconfirmation_deadline_passed`.
#[utoipa::path(
    tag = "accessions", operation_id = "reconfirm_accession", request_body = NoBody,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, body = AccessionView), (status = 409, description = "Rules: `no_reconfirmation_pending`, `reconfirmation_deadline_passed`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/reconfirmation")]
async fn reconfirm(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: Json<NoBody>,
) -> ApiResult<HttpResponse> {
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_withdraw,
        |_, acc, _, p| Ok(acc.reconfirm(&p.sub, Utc::now())?),
    )
    .await
}

// ---------------------------------------------------------------- effects of agreement events

/// The agreement was terminated: every approved accession ends with `agreement_terminated`
/// on the day the termination takes effect. Runs in the termination's transaction.
pub fn end_with_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    effective_on: NaiveDate,
    by: &str,
) -> ApiResult<()> {
    let now = Utc::now();
    for before in store::approved_of(conn, agreement_id)? {
        let mut a = before.accession.clone();
        let on = effective_on.max(a.approved_on.unwrap_or(effective_on));
        a.end(EndReason::AgreementTerminated, on, by, now)?;
        store::save_accession(conn, &before, &a, now)?;
    }
    Ok(())
}

/// A revised version was adopted: approved accessions carry over to it, or are asked to
/// reconfirm by a deadline where the agreement says so. Runs in the adoption's transaction.
pub fn follow_revision(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    adopted_version: u32,
    reconfirm_by: Option<NaiveDate>,
    by: &str,
) -> ApiResult<()> {
    let now = Utc::now();
    for before in store::approved_of(conn, agreement_id)? {
        let mut a = before.accession.clone();
        if a.version.is_some_and(|v| v >= adopted_version) {
            continue;
        }
        match reconfirm_by {
            None => a.carry_over(adopted_version, by, now)?,
            Some(deadline) => a.request_reconfirmation(adopted_version, deadline, by, now)?,
        }
        store::save_accession(conn, &before, &a, now)?;
    }
    Ok(())
}

/// Ends every accession whose reconfirmation deadline has passed (`not_reconfirmed`).
/// Returns how many ended. Called at start and periodically by the server.
pub fn end_unconfirmed(conn: &mut DbConnection) -> ApiResult<usize> {
    let now = Utc::now();
    let mut ended = 0;
    for id in store::past_reconfirmation(conn, swedish_date(now))? {
        agreement_of_accession_locked(conn, id)?;
        let before = store::get_accession_for_update(conn, id)?;
        if !before.accession.is_past_reconfirmation(swedish_date(now)) {
            continue; // reconfirmed or ended meanwhile
        }
        let mut a = before.accession.clone();
        a.end_unconfirmed(now)?;
        store::save_accession(conn, &before, &a, now)?;
        ended += 1;
    }
    Ok(ended)
}

// ---------------------------------------------------------------- the public list

/// One signatory on the public list: public facts only, never contact persons or who
/// submitted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatoryView {
    pub signatory: Signatory,
    #[schema(example = "Föreningen Ängsblomman")]
    pub name: String,
    pub org_number: Option<String>,
    /// The organisation's legal form; null for a public body.
    pub legal_form: Option<LegalForm>,
    /// For a public body that acceded (Blekinge): its kind.
    pub public_body_kind: Option<PublicBodyKind>,
    pub municipality_codes: Vec<String>,
    pub municipality_names: Vec<String>,
    pub website: Option<String>,
    /// The first day as a signatory.
    pub signatory_since: NaiveDate,
    /// For former signatories, the first day no longer a signatory.
    pub signatory_until: Option<NaiveDate>,
}

list_of!(SignatoryList, SignatoryView);

/// Fills public details of the list's lines from the register, in one query per table.
pub fn signatory_views(
    conn: &mut DbConnection,
    lines: Vec<SignatoryLine>,
) -> ApiResult<Vec<SignatoryView>> {
    let org_ids: Vec<Uuid> = lines
        .iter()
        .filter_map(|l| match l.signatory {
            Signatory::Organization(id) => Some(id),
            Signatory::PublicBody(_) => None,
        })
        .collect();
    let body_ids: Vec<Uuid> = lines
        .iter()
        .filter_map(|l| match l.signatory {
            Signatory::PublicBody(id) => Some(id),
            Signatory::Organization(_) => None,
        })
        .collect();
    let orgs: std::collections::HashMap<Uuid, _> = parties::organizations_by_ids(conn, &org_ids)?
        .into_iter()
        .map(|o| (o.id, o.fields))
        .collect();
    let bodies: std::collections::HashMap<Uuid, _> =
        parties::public_bodies_by_ids(conn, &body_ids)?
            .into_iter()
            .map(|b| (b.id, b.fields))
            .collect();
    let mut codes: Vec<String> = orgs
        .values()
        .flat_map(|o| o.municipality_codes.iter().map(|c| c.as_str().to_owned()))
        .chain(
            bodies
                .values()
                .filter(|b| b.kind == PublicBodyKind::Municipality)
                .filter_map(|b| b.scb_code.clone()),
        )
        .collect();
    codes.sort();
    codes.dedup();
    let names = parties::municipality_names(conn, &codes)?;
    let name_of = |c: &String| names.get(c).cloned().unwrap_or_else(|| c.clone());
    Ok(lines
        .into_iter()
        .map(|l| {
            let (org_number, legal_form, kind, municipality_codes, website) = match l.signatory {
                Signatory::Organization(id) => match orgs.get(&id) {
                    Some(o) => (
                        o.org_number.as_ref().map(ToString::to_string),
                        Some(o.legal_form),
                        None,
                        o.municipality_codes
                            .iter()
                            .map(|c| c.as_str().to_owned())
                            .collect::<Vec<_>>(),
                        o.website.clone(),
                    ),
                    None => (None, None, None, vec![], None),
                },
                Signatory::PublicBody(id) => match bodies.get(&id) {
                    Some(b) => (
                        None,
                        None,
                        Some(b.kind),
                        b.scb_code
                            .iter()
                            .filter(|c| c.len() == 4)
                            .cloned()
                            .collect(),
                        b.website.clone(),
                    ),
                    None => (None, None, None, vec![], None),
                },
            };
            SignatoryView {
                signatory: l.signatory,
                name: l.name,
                org_number,
                legal_form,
                public_body_kind: kind,
                municipality_names: municipality_codes.iter().map(name_of).collect(),
                municipality_codes,
                website,
                signatory_since: l.since,
                signatory_until: l.until,
            }
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignatoryParams {
    /// The date the list is shown for (default: today).
    pub as_of: Option<NaiveDate>,
    /// `former` adds former signatories with the date they left.
    #[param(pattern = "^former$")]
    pub include: Option<String>,
    /// Part of the name, case-insensitive.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only signatories with seat or activity in this municipality (kommunkod).
    #[param(schema_with = crate::openapi::schemas::municipality_query)]
    pub municipality: Option<String>,
}

impl SignatoryParams {
    pub fn query(&self, agreement_id: Uuid) -> ApiResult<SignatoryQuery> {
        let include_former = match self.include.as_deref() {
            None => false,
            Some("former") => true,
            Some(_) => {
                return Err(ApiError::bad_parameter(
                    "include",
                    "the only value is `former`",
                ));
            }
        };
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            return Err(ApiError::bad_parameter("q", "at most 200 characters"));
        }
        let municipality_code = self
            .municipality
            .as_deref()
            .map(|m| {
                MunicipalityCode::parse(m)
                    .map(String::from)
                    .map_err(|e| ApiError::bad_parameter("municipality", e))
            })
            .transpose()?;
        Ok(SignatoryQuery {
            agreement_id,
            as_of: self.as_of.unwrap_or_else(today),
            include_former,
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            municipality_code,
        })
    }
}

/// Loads one page (or, with `page: None`, all) of the public list of a visible agreement.
pub async fn load_signatories(
    state: &AppState,
    caller: Option<Principal>,
    query: SignatoryQuery,
    page: Option<samverkan_persistence::page::PageRequest>,
) -> ApiResult<(Agreement, Page<SignatoryView>)> {
    state
        .read(move |conn| {
            let a = visible_agreement(conn, query.agreement_id, caller.as_ref())?;
            let lines = store::signatories(conn, &query, page.as_ref())?;
            let next_cursor = lines.next_cursor.clone();
            let items = signatory_views(conn, lines.items)?;
            Ok((a, Page { items, next_cursor }))
        })
        .await
}

/// The public list of signatories (anslutna organisationer) on `as_of` (default today), in
/// Swedish alphabetical order (å, ä, ö after z), with `include=former` also those who have
/// left. No token needed; never contact persons. Cacheable (`ETag`, 304), open to any origin.
#[utoipa::path(
    tag = "accessions", operation_id = "list_signatories",
    params(("id" = Uuid, Path, description = "The agreement's id"), SignatoryParams, PageParams),
    responses((status = 200, description = "The list; `Accept: text/csv` gives the whole list as CSV (RFC 4180, UTF-8)", content(
        (SignatoryList = "application/json"),
        (String = "text/csv")
    ))),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories")]
async fn signatories(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<SignatoryParams>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let key = crate::cache::key_for(&req);
    serve_cached(&req, &cache, key, async {
        let query = params.query(id.into_inner())?;
        if wants_csv(&req) {
            return signatories_csv_response(&req, &state, caller, query, Delimiter::Comma).await;
        }
        let page = page.page_request(2)?;
        let (a, page) = load_signatories(&state, caller, query, Some(page)).await?;
        let link = next_link(&req, page.next_cursor.as_deref());
        let visibility = visibility_of(&a);
        let body = SignatoryList {
            items: page.items,
            next_cursor: page.next_cursor,
        };
        let mut res = json_read(&req, &body, None, visibility, link)?;
        res.headers_mut()
            .insert(header::VARY, header::HeaderValue::from_static("Accept"));
        Ok(res)
    })
    .await
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CountBy {
    pub key: String,
    pub count: u32,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct YearCount {
    pub year: i32,
    pub joined: u32,
    pub left: u32,
}

/// Signatory statistics.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SignatoryStats {
    pub as_of: NaiveDate,
    pub signatories: u32,
    /// Current signatories by legal form (`public_body` for public bodies).
    pub by_legal_form: Vec<CountBy>,
    /// Current signatories by municipality code (an organisation active in several counts in
    /// each).
    pub by_municipality: Vec<CountBy>,
    /// Accessions approved and signatories leaving, per calendar year.
    pub per_year: Vec<YearCount>,
}

/// Counts by legal form and municipality, and joined and left per year. Public.
#[utoipa::path(
    tag = "accessions", operation_id = "signatory_stats",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("as_of" = Option<NaiveDate>, Query, description = "Default: today")),
    responses((status = 200, body = SignatoryStats)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories/stats")]
async fn signatory_stats(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<AsOf>,
) -> ApiResult<HttpResponse> {
    let key = crate::cache::key_for(&req);
    serve_cached(&req, &cache, key, async {
        let as_of = params.as_of.unwrap_or_else(today);
        let query = SignatoryQuery {
            agreement_id: id.into_inner(),
            as_of,
            include_former: true,
            q: None,
            municipality_code: None,
        };
        let (a, all) = load_signatories(&state, caller, query, None).await?;
        use std::collections::BTreeMap;
        let mut forms: BTreeMap<String, u32> = BTreeMap::new();
        let mut municipalities: BTreeMap<String, u32> = BTreeMap::new();
        let mut years: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
        let mut current = 0;
        for s in &all.items {
            use chrono::Datelike;
            years.entry(s.signatory_since.year()).or_default().0 += 1;
            if let Some(until) = s.signatory_until {
                years.entry(until.year()).or_default().1 += 1;
                continue;
            }
            current += 1;
            let form = s.legal_form.map_or("public_body", LegalForm::as_str);
            *forms.entry(form.to_owned()).or_default() += 1;
            for c in &s.municipality_codes {
                *municipalities.entry(c.clone()).or_default() += 1;
            }
        }
        let stats = SignatoryStats {
            as_of,
            signatories: current,
            by_legal_form: forms
                .into_iter()
                .map(|(key, count)| CountBy { key, count })
                .collect(),
            by_municipality: municipalities
                .into_iter()
                .map(|(key, count)| CountBy { key, count })
                .collect(),
            per_year: years
                .into_iter()
                .map(|(year, (joined, left))| YearCount { year, joined, left })
                .collect(),
        };
        let visibility = visibility_of(&a);
        json_read(&req, &stats, None, visibility, None)
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    pub as_of: Option<NaiveDate>,
}

// ---------------------------------------------------------------- CSV and the embeddable page

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().starts_with("text/csv"))
}

/// The public list as the renderers take it.
fn rows_of(items: Vec<SignatoryView>) -> Vec<SignatoryRow> {
    items
        .into_iter()
        .map(|s| SignatoryRow {
            name: s.name,
            org_number: s.org_number,
            legal_form: s.legal_form,
            municipality_codes: s.municipality_codes,
            municipality_names: s.municipality_names,
            website: s.website,
            since: s.signatory_since,
            until: s.signatory_until,
        })
        .collect()
}

async fn signatories_csv_response(
    req: &HttpRequest,
    state: &AppState,
    caller: Option<Principal>,
    query: SignatoryQuery,
    delimiter: Delimiter,
) -> ApiResult<HttpResponse> {
    let (a, all) = load_signatories(state, caller, query, None).await?;
    let bytes = render::signatories_csv(&rows_of(all.items), delimiter);
    let (mut builder, not_modified) = cached_read(req, &bytes, None, visibility_of(&a));
    builder.insert_header((header::VARY, "Accept"));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type(render::CSV_CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"signatories.csv\"",
        ))
        .body(bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvParams {
    /// `semicolon` for Swedish Excel (then with a UTF-8 byte order mark); default `comma`.
    #[param(pattern = "^(comma|semicolon)$")]
    pub delimiter: Option<String>,
}

/// The whole public list as CSV (RFC 4180, UTF-8), in Swedish alphabetical order.
#[utoipa::path(
    tag = "accessions", operation_id = "export_signatories_csv",
    params(("id" = Uuid, Path, description = "The agreement's id"), SignatoryParams, CsvParams),
    responses((status = 200, description = "CSV with a header row", content_type = "text/csv", body = String)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories.csv")]
async fn signatories_csv(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<SignatoryParams>,
    csv: Query<CsvParams>,
) -> ApiResult<HttpResponse> {
    let key = crate::cache::key_for(&req);
    serve_cached(&req, &cache, key, async {
        let query = params.query(id.into_inner())?;
        let delimiter = match csv.delimiter.as_deref() {
            None => Delimiter::Comma,
            Some(d) => Delimiter::parse(d)
                .ok_or_else(|| ApiError::bad_parameter("delimiter", "`comma` or `semicolon`"))?,
        };
        signatories_csv_response(&req, &state, caller, query, delimiter).await
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmbedParams {
    /// The date the list is shown for (default: today).
    pub as_of: Option<NaiveDate>,
    /// `former` adds former signatories.
    #[param(pattern = "^former$")]
    pub include: Option<String>,
    /// Labels in Swedish (`sv`, default) or English (`en`).
    #[param(pattern = "^(sv|en)$")]
    pub lang: Option<String>,
}

/// A complete, accessible HTML page with the signatories, for an iframe on a municipal
/// website: no JavaScript, no external resources, a strict Content-Security-Policy that
/// allows framing by any site.
#[utoipa::path(
    tag = "embed", operation_id = "embed_signatories",
    params(("id" = Uuid, Path, description = "The agreement's id"), EmbedParams),
    responses((status = 200, description = "The page", content_type = "text/html", body = String)),
)]
#[get("/embed/agreements/{id}/signatories")]
pub async fn embed_signatories(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    id: Path<Uuid>,
    params: Query<EmbedParams>,
) -> ApiResult<HttpResponse> {
    let key = crate::cache::key_for(&req);
    serve_cached(&req, &cache, key, async {
        let lang = match params.lang.as_deref() {
            None => Lang::Sv,
            Some(l) => {
                Lang::parse(l).ok_or_else(|| ApiError::bad_parameter("lang", "`sv` or `en`"))?
            }
        };
        let list = SignatoryParams {
            as_of: params.as_of,
            include: params.include.clone(),
            q: None,
            municipality: None,
        };
        let query = list.query(id.into_inner())?;
        let (as_of, include_former) = (query.as_of, query.include_former);
        // The page is public: drafts are 404 whoever asks (an iframe carries no token).
        let (a, all) = load_signatories(&state, None, query, None).await?;
        let title = a
            .current_version()
            .map(|v| v.content.title.clone())
            .unwrap_or_default();
        let owner_id = a.owner_public_body_id;
        let owner = state
            .read(move |conn| Ok(parties::public_bodies_by_ids(conn, &[owner_id])?))
            .await?
            .pop()
            .map(|b| b.fields.name)
            .unwrap_or_default();
        let rows = rows_of(all.items);
        let html = render::embed_html(&EmbedPage {
            agreement_title: &title,
            public_body_name: &owner,
            as_of,
            include_former,
            rows: &rows,
            lang,
        })
        .map_err(|e| ApiError::Internal(format!("embed page: {e}")))?;
        let (mut builder, not_modified) =
            cached_read(&req, html.as_bytes(), None, Visibility::Public);
        for (name, value) in render::embed_headers() {
            builder.insert_header((name, value));
        }
        if not_modified {
            return Ok(builder.finish());
        }
        Ok(builder.content_type(render::HTML_CONTENT_TYPE).body(html))
    })
    .await
}
