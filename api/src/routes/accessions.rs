//! Accessions (anslutningar): applications, decisions, withdrawals, reconfirmations.
//!
//! Representatives submit, cancel and withdraw for their own organisations; administrators of
//! the agreement's public body register paper applications, approve and reject; in
//! `steering_group` mode approval and rejection cite a recorded, valid decision of the
//! agreement's steering group. Another organisation's accession is 404 to a representative.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::access::Principal;
use samverkan_domain::accession::{
    self, Accession, AccessionState, AgreementTerms, Approval, Channel, CitedDecision,
    CorrectionInput, EndReason, REASON_MAX, Readers, Sight, Signatory, SubmissionInput,
    swedish_date,
};
use samverkan_domain::agreement::{self, Agreement, ApprovalMode};
use samverkan_domain::steering::Decision;
use samverkan_persistence::accessions::{self as store, AccessionRecord};
use samverkan_persistence::agreements as agreement_store;
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{parties, steering as steering_store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::{require, require_that};
use crate::contract::accessions::{
    BoardDecision, BoardDecisionInput, ContactPerson, ContactPersonInput, CorrectedBoardDecision,
    CorrectedWithdrawal, HistoryEntry, Reconfirmation, WithdrawalNotice,
};
use crate::extract::{Authenticated, EventBody, Json, NoBody, PageParams};
use crate::http::{Visibility, changed, if_match_version, json_read, next_link};
use crate::idempotency::{Created, create_once};
use crate::list_of;
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::schemas::Field;
use crate::state::AppState;
use crate::workflows::accessions::agreement_of_accession_locked;
use crate::workflows::agreements::visible_agreement;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(submit)
        .service(list_for_administrators)
        .service(get_accession)
        .service(update_contact_person)
        .service(approve)
        .service(correct)
        .service(reject)
        .service(cancel)
        .service(verify)
        .service(withdraw)
        .service(reconfirm);
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
    /// The contact person (personal data); `null` for a reader who does not handle
    /// contacts (a seated steering member, unless the agreement's settings say the group
    /// handles contacts).
    pub contact_person: Option<ContactPerson>,
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
    /// The approval mode in force when it was approved; null before an approval.
    pub approved_under: Option<ApprovalMode>,
    pub rejection_reason: Option<String>,
    pub withdrawal: Option<WithdrawalNotice>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub reconfirmation: Option<Reconfirmation>,
    /// An application made without an account (the form) that waits for its contact person
    /// to confirm the e-mail address, or for an administrator to verify it by hand: it is
    /// not approved meanwhile, blocks no other application, and is cancelled after
    /// `verify_by`. `null` otherwise.
    pub pending_verification: Option<PendingVerificationView>,
    /// Every transition: from, to, when, who, why. Append-only.
    pub history: Vec<HistoryEntry>,
    pub updated_at: DateTime<Utc>,
}

/// An application waiting for its verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingVerificationView {
    /// The last day it can be verified; the day after, it is cancelled.
    pub verify_by: NaiveDate,
}

impl AccessionView {
    /// The accession as on `today`: until a withdrawal or termination takes effect, it is
    /// still `approved`.
    fn of(r: &AccessionRecord, today: NaiveDate) -> Self {
        Self {
            state: r.accession.state_on(today),
            ..Self::from(r)
        }
    }

    /// The accession as this reader may see it.
    fn seen(self, sight: Sight) -> Self {
        match sight {
            Sight::WithContact => self,
            Sight::WithoutContact => Self {
                contact_person: None,
                ..self
            },
        }
    }
}

/// Who reads the agreement's accessions, for this caller: its group is loaded only when
/// the caller is a steering member.
fn readers(
    conn: &mut DbConnection,
    principal: &Principal,
    a: &Agreement,
    today: NaiveDate,
) -> ApiResult<Readers> {
    let group = if principal.has(samverkan_domain::access::Role::SteeringMember) {
        match steering_store::get_group_of_agreement(conn, a.id()) {
            Ok(g) => Some(g.group),
            Err(samverkan_persistence::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    Ok(Readers::of(principal, a, group.as_ref(), today))
}

impl From<&AccessionRecord> for AccessionView {
    fn from(r: &AccessionRecord) -> Self {
        let a = &r.accession;
        Self {
            id: a.id(),
            agreement_id: a.agreement_id(),
            signatory: a.signatory(),
            signatory_name: r.signatory_name.clone(),
            state: a.state(),
            channel: a.channel(),
            board_decision: a.board_decision().map(BoardDecision::from),
            affirmed_statements: a.affirmed_statements().to_vec(),
            contact_person: Some(a.contact_person().into()),
            submitted_by: a.submitted_by().to_owned(),
            submitted_at: a.submitted_at(),
            approved_on: a.approved_on(),
            approved_version: a.approved_version(),
            version: a.version(),
            decision_id: a.decision_id(),
            approved_under: a.approved_under(),
            rejection_reason: a.rejection_reason().map(str::to_owned),
            withdrawal: a.withdrawal().map(WithdrawalNotice::from),
            ended_on: a.ended_on(),
            end_reason: a.end_reason(),
            reconfirmation: a.reconfirmation().map(Reconfirmation::from),
            pending_verification: a
                .pending_verification()
                .filter(|_| a.state() == AccessionState::Submitted)
                .map(|p| PendingVerificationView {
                    verify_by: p.verify_by(),
                }),
            history: a
                .history()
                .iter()
                .enumerate()
                .map(|(seq, e)| HistoryEntry::numbered(seq, e))
                .collect(),
            updated_at: r.updated_at,
        }
    }
}

list_of!(AccessionList, AccessionView);

/// The name the public list shows for a signatory and the municipalities it is active in,
/// from the register (422 `unknown_signatory` at `signatory.id` when it is not in it).
fn signatory_of_register(
    conn: &mut DbConnection,
    signatory: Signatory,
) -> ApiResult<(String, Vec<String>)> {
    let not_found =
        || ApiError::Validation(vec![RequestField::UnknownSignatory.at("signatory.id")]);
    match signatory {
        Signatory::Organization(id) => parties::organizations_by_ids(conn, &[id])?
            .pop()
            .map(|o| {
                let codes = o
                    .fields
                    .municipality_codes
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect();
                (o.fields.name, codes)
            })
            .ok_or_else(not_found),
        Signatory::PublicBody(id) => parties::public_bodies_by_ids(conn, &[id])?
            .pop()
            .map(|b| {
                let codes = b.fields.municipality_code().map(str::to_owned);
                (b.fields.name, codes.into_iter().collect())
            })
            .ok_or_else(not_found),
    }
}

/// Looks up a cited steering-group decision and whether it was valid (balanced and quorate).
fn cited_decision(conn: &mut DbConnection, decision_id: Uuid) -> ApiResult<CitedDecision> {
    let unknown = || ApiError::Validation(vec![RequestField::UnknownDecision.at("decision_id")]);
    let record = match steering_store::get_decision(conn, decision_id) {
        Err(samverkan_persistence::StoreError::NotFound) => return Err(unknown()),
        other => other?,
    };
    let group = steering_store::get_group_of_agreement(conn, record.agreement_id)?.group;
    let meeting = steering_store::get_meeting(conn, record.group_id, record.meeting_id)?;
    Ok(CitedDecision::of(
        &group,
        &meeting,
        &Decision::restore(record),
    ))
}

/// Runs one transition under the accession's row lock, in one transaction: load the
/// accession and its agreement, check who may act (404 when the caller may not see it), apply
/// the domain operation, save with its history entry.
async fn transition(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    allowed: fn(&Principal, Uuid, Signatory) -> samverkan_domain::access::Access,
    change: impl FnOnce(
        &mut DbConnection,
        &mut Accession,
        &Agreement,
        &Principal,
        DateTime<Utc>,
    ) -> ApiResult<()>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let record = state
        .write(move |conn| {
            let a = agreement_of_accession_locked(conn, id)?;
            let before = store::get_accession_for_update(conn, id)?;
            require(allowed(
                &principal,
                a.owner_public_body_id(),
                before.accession.signatory(),
            ))?;
            let now = clock.now();
            let mut accession = before.accession.clone();
            change(conn, &mut accession, &a, &principal, now)?;
            Ok(store::save_accession(conn, &before, &accession, now)?)
        })
        .await?;
    changed(
        &AccessionView::of(&record, state.today()),
        Some(record.row_version),
    )
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
    pub board_decision: Option<BoardDecisionInput>,
    /// Every eligibility statement the agreement requires, word for word.
    #[serde(default)]
    pub affirmed_statements: Vec<String>,
    /// The signatory's contact person for the agreement (personal data, never public).
    pub contact_person: ContactPersonInput,
}

/// Apply to accede to an agreement.
///
/// Submits an application to accede (a representative for its own organisation), or registers
/// one received on paper (the agreement's administrators). The agreement's state and the
/// signatory's other accessions can forbid it (409: `agreement_not_in_force`,
/// `already_signatory`, `application_pending`, `public_body_not_allowed`, `already_party`).
/// Values are 422 naming the field: a channel the agreement does not accept
/// (`channel_not_accepted`), a signatory not in the register (`unknown_signatory`), every
/// required statement affirmed (`missing_statements`). Re-joining after a withdrawal is a new
/// accession.
#[utoipa::path(
    tag = "accessions", operation_id = "submit_accession",
    request_body = SubmissionRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses(
        (status = 201, description = "The accession was submitted", body = AccessionView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field: `channel` (`channel_not_accepted`), `signatory.id` (`unknown_signatory`: no such organisation or public body in the register), `board_decision…`, `affirmed_statements` (`missing_statements`, `unknown_statement`), `contact_person…`", content_type = "application/problem+json", body = crate::problem::Problem)
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
        board_decision: request.board_decision.clone().map(Into::into),
        affirmed_statements: request.affirmed_statements.clone(),
        contact_person: request.contact_person.clone().into(),
        signatory_municipality_codes: Vec::new(),
    };
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        // Submissions to one agreement run side by side under a share lock of its row (a
        // termination or revision, which locks it exclusively, waits for them, and they for
        // it). Two submissions of one signatory both pass the domain's check then; the
        // unique partial index `accessions_one_open` lets the first commit and gives the
        // other the domain's `application_pending` (`insert_accession`).
        let a = agreement_store::get_agreement_shared(conn, agreement_id)?.agreement;
        if !agreement::may_view(Some(&caller), &a) {
            return Err(ApiError::NotFound);
        }
        require(accession::may_submit(
            &caller,
            a.owner_public_body_id(),
            input.signatory,
        ))?;
        let (name, signatory_municipality_codes) = signatory_of_register(conn, input.signatory)?;
        let existing = store::existing_for(conn, agreement_id, input.signatory)?;
        let now = clock.now();
        let submission = SubmissionInput {
            id: Uuid::now_v7(),
            signatory_municipality_codes,
            ..input.clone()
        };
        // An agreement administrator registers what was decided on paper, judged on its
        // dates; anyone else applies to an agreement that takes accessions today.
        let open = if agreement::may_administer(&caller, &a) {
            Accession::register_after_the_fact
        } else {
            Accession::submit
        };
        let accession = open(
            submission,
            &AgreementTerms::of(&a, swedish_date(now)),
            &existing,
            &caller.sub,
            now,
        )?;
        let record = store::insert_accession(conn, &accession, &name, now)?;
        Created::new(
            format!("/api/v1/accessions/{}", accession.id()),
            Some(record.row_version),
            &AccessionView::of(&record, clock.today()),
        )
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessionQuery {
    /// Only accessions shown in this state today (`state`: a withdrawal or end from a later
    /// date still reads `approved`).
    pub state: Option<AccessionState>,
}

/// List the agreement's accessions.
///
/// For the agreement's administrators: applications waiting for a decision first, then the
/// rest, oldest first; contact persons included.
#[utoipa::path(
    tag = "accessions", operation_id = "list_accessions",
    params(("id" = Uuid, Path, description = "The agreement's id"), AccessionQuery, PageParams),
    responses((status = 200, description = "A page of accessions", body = AccessionList)),
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
    let page = page.page_request(&req, 2)?;
    let today = state.today();
    let filter = query.state.map(|s| (s, today));
    let (page, sights) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let readers = readers(conn, &principal, &a, today)?;
            require_that(readers.may_list(&principal))?;
            // A seated steering member reads what awaits the group's decision, nothing else.
            let filter = match filter {
                _ if readers.may_list_all(&principal) => filter,
                None | Some((AccessionState::Submitted, _)) => {
                    Some((AccessionState::Submitted, today))
                }
                Some(_) => {
                    let none = samverkan_persistence::page::Page {
                        items: Vec::new(),
                        next_cursor: None,
                    };
                    return Ok((none, Vec::new()));
                }
            };
            let page = store::list_for_administrators(conn, agreement_id, filter, &page)?;
            let sights = page
                .items
                .iter()
                .map(|r| {
                    accession::sight(
                        &principal,
                        &readers,
                        r.accession.signatory(),
                        r.accession.state_on(today),
                    )
                    .ok()
                })
                .collect::<Vec<_>>();
            Ok((page, sights))
        })
        .await?;
    let page = crate::http::seal(&req, page)?;
    let link = next_link(&req, page.next_cursor.as_deref());
    let body = AccessionList {
        items: page
            .items
            .iter()
            .zip(sights)
            .filter_map(|(r, sight)| Some(AccessionView::of(r, today).seen(sight?)))
            .collect(),
        next_cursor: page.next_cursor,
    };
    json_read(&req, &body, None, Visibility::Private, link)
}

/// Read one accession with its history.
///
/// The agreement's administrators and the signatory's representatives; 404 to everyone else.
/// Its `ETag` is what an update's `If-Match` names.
#[utoipa::path(
    tag = "accessions", operation_id = "get_accession",
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession", body = AccessionView)),
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
    let today = state.today();
    let (record, sight) = state
        .read(move |conn| {
            let record = store::get_accession(conn, id)?;
            let a =
                agreement_store::get_agreement(conn, record.accession.agreement_id())?.agreement;
            let readers = readers(conn, &principal, &a, today)?;
            let sight = accession::sight(
                &principal,
                &readers,
                record.accession.signatory(),
                record.accession.state_on(today),
            )
            .map_err(crate::auth::denied)?;
            Ok((record, sight))
        })
        .await?;
    json_read(
        &req,
        &AccessionView::of(&record, today).seen(sight),
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

/// Replace the accession's contact person.
///
/// The organisation's representatives and the agreement's administrators. Needs `If-Match`. The
/// history records that it changed, not the data (409 `accession_closed`).
#[utoipa::path(
    tag = "accessions", operation_id = "update_accession_contact_person",
    request_body = AccessionUpdate,
    params(("id" = Uuid, Path, description = "The accession's id"), ("If-Match" = String, Header, description = "The ETag of the last read")),
    responses((status = 200, description = "The accession with its new contact person", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
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
    let contact = body.0.contact_person.into();
    let id = id.into_inner();
    let clock = state.clock.clone();
    let record = state
        .write(move |conn| {
            let a = agreement_of_accession_locked(conn, id)?;
            let before = store::get_accession_for_update(conn, id)?;
            require(accession::may_update_contact_person(
                &principal,
                a.owner_public_body_id(),
                before.accession.signatory(),
            ))?;
            if before.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let now = clock.now();
            let mut changed = before.accession.clone();
            changed.update_contact_person(&contact, &principal.sub, now)?;
            // A link sent to the former contact person stops working.
            crate::workflows::applications::revoke_outdated_links(conn, &changed, now)?;
            Ok(store::save_accession(conn, &before, &changed, now)?)
        })
        .await?;
    changed(
        &AccessionView::of(&record, state.today()),
        Some(record.row_version),
    )
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

/// Approve a submitted accession.
///
/// The organisation becomes a signatory. In `registration` mode an administrator approves; in
/// `steering_group` mode the approval cites a valid decision of the agreement's group whose
/// kind and subject match (409 `accession_not_submitted`, `agreement_not_in_force`). What is
/// cited is a value (422 at `decision_id`: `steering_group_decision_required`,
/// `registration_required`, `decision_does_not_match`, `decision_not_valid`).
#[utoipa::path(
    tag = "accessions", operation_id = "approve_accession", request_body = ApprovalRequest,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `approved_on` (`in_future`, `before_received`: before the board decision was received, `before_decision`: before the steering group decided), `decision_id` (`unknown_decision`, `steering_group_decision_required`, `registration_required`, `decision_does_not_match`, `decision_not_valid`)", content_type = "application/problem+json", body = crate::problem::Problem)),
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
        move |conn, acc, a, p, now| {
            let approval = match b.decision_id {
                None => Approval::Registration,
                Some(d) => Approval::SteeringGroupDecision(cited_decision(conn, d)?),
            };
            Ok(acc.approve(
                approval,
                &AgreementTerms::of(a, swedish_date(now)),
                b.approved_on,
                &p.sub,
                now,
            )?)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"corrects": 1, "approved_on": "2024-03-05", "reason": "Registrerad med fel datum; protokollet säger 5 mars."}))]
pub struct CorrectionRequest {
    /// The `seq` of the history entry corrected: the submission (`board_decision`,
    /// `signatory`), the approval (`approved_on`) or the withdrawal (`withdrawal`).
    #[schema(minimum = 0)]
    pub corrects: u32,
    /// Why the recorded values were wrong.
    #[schema(schema_with = correction_reason)]
    pub reason: String,
    /// The right date of the approval.
    pub approved_on: Option<NaiveDate>,
    /// The right dates of the board decision (decided, received).
    pub board_decision: Option<CorrectedBoardDecision>,
    /// The organisation (or public body) the registration should have named.
    pub signatory: Option<Signatory>,
    /// The right dates of the written notice of leaving.
    pub withdrawal: Option<CorrectedWithdrawal>,
}

fn correction_reason() -> Field {
    Field::text(REASON_MAX, "Registrerad med fel datum.")
}

/// Correct a recorded fact of an accession.
///
/// A correction event: names the history entry it corrects by its `seq` (`corrects`), gives
/// the right values and the reason, and is appended to the history as a `corrected` entry
/// whose `corrects` is that `seq`, whose `reason` lists each value recorded → right, and
/// whose `by` is the caller; the corrected entry stays as it was. Every view (the
/// accession, the public list, `as_of`, the statistics, `?state=`) shows the corrected
/// facts. What can be corrected: the submission's `board_decision` dates and its
/// `signatory` (a registration made on the wrong organisation: the public list follows, for
/// both), the approval's `approved_on`, the withdrawal's `withdrawal` dates. The corrected
/// facts pass every rule the corrected event had to pass: 409 `already_signatory`,
/// `application_pending` (the right organisation already has an open accession to the
/// agreement), `public_body_not_allowed`, `already_party`; 422 at `corrects`
/// (`unknown_entry`, `not_correctable`, `nothing_corrected`), at a value the entry did not
/// record (`not_in_entry`), at `approved_on` (`in_future`, `before_in_force`,
/// `outside_validity`, `before_received`, `before_decision`, `after_left`), at
/// `board_decision.decided_on`/`received_on` (`in_future`, `before_decision`,
/// `outside_validity`, `before_received`: an approval on record precedes it), at
/// `withdrawal.received_on` (`in_future`) and `withdrawal.effective_on`
/// (`withdrawal_before_approval`), at `signatory.id` (`unknown_signatory`), at `reason`.
#[utoipa::path(
    tag = "accessions", operation_id = "correct_accession", request_body = CorrectionRequest,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the correction", body = AccessionView), (status = 409, description = "The corrected facts break a rule of the corrected event; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `corrects`, `approved_on`, `board_decision.decided_on`, `board_decision.received_on`, `signatory.id`, `withdrawal.received_on`, `withdrawal.effective_on`, `reason`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/corrections")]
async fn correct(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_approve,
        move |conn, acc, a, p, now| {
            let decision = acc
                .decision_id()
                .map(|d| cited_decision(conn, d))
                .transpose()?;
            let (existing, signatory_municipality_codes) = match b.signatory {
                Some(signatory) => {
                    let (_, codes) = signatory_of_register(conn, signatory)?;
                    (
                        store::existing_for(conn, acc.agreement_id(), signatory)?,
                        codes,
                    )
                }
                None => (Vec::new(), Vec::new()),
            };
            let input = CorrectionInput {
                corrects: b.corrects,
                reason: b.reason,
                approved_on: b.approved_on,
                board_decision: b.board_decision.map(Into::into),
                signatory: b.signatory,
                signatory_municipality_codes,
                withdrawal: b.withdrawal.map(Into::into),
            };
            Ok(acc.correct(
                input,
                &AgreementTerms::of(a, swedish_date(now)),
                decision.as_ref(),
                &existing,
                &p.sub,
                now,
            )?)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectionRequest {
    #[schema(schema_with = rejection_reason)]
    pub reason: String,
    /// In `steering_group` mode: the recorded `reject_accession` decision.
    pub decision_id: Option<Uuid>,
}

fn rejection_reason() -> Field {
    Field::text(REASON_MAX, "Föreningen uppfyller inte kriterierna.")
}

/// Reject a submitted accession.
///
/// Rejects with a reason; in `steering_group` mode the rejection cites the group's decision, as
/// for an approval (409 `accession_not_submitted`).
#[utoipa::path(
    tag = "accessions", operation_id = "reject_accession", request_body = RejectionRequest,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `reason`, `decision_id` (`unknown_decision`, `steering_group_decision_required`, `registration_required`, `decision_does_not_match`, `decision_not_valid`)", content_type = "application/problem+json", body = crate::problem::Problem)),
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
        move |conn, acc, a, p, now| {
            let decision = b.decision_id.map(|d| cited_decision(conn, d)).transpose()?;
            Ok(acc.reject(
                &b.reason,
                decision,
                &AgreementTerms::of(a, swedish_date(now)),
                &p.sub,
                now,
            )?)
        },
    )
    .await
}

/// Cancel a submitted application.
///
/// The applicant withdraws the application before a decision (409 `accession_not_submitted`).
#[utoipa::path(
    tag = "accessions", operation_id = "cancel_accession", request_body = Option<NoBody>,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/cancellation")]
async fn cancel(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_cancel,
        |_, acc, _, p, now| Ok(acc.cancel(&p.sub, now)?),
    )
    .await
}

/// Verify an application by hand.
///
/// An agreement administrator verifies an application made without an account (the form), in place
/// of its contact person's e-mail confirmation (they called the association); the history
/// records who. From now on it counts as open: 409 `accession_not_pending_verification`,
/// `verification_expired`, or `already_signatory`/`application_pending` when the
/// organisation has another open accession to the agreement.
#[utoipa::path(
    tag = "accessions", operation_id = "verify_accession", request_body = Option<NoBody>,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/verification")]
async fn verify(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_verify,
        |conn, acc, _, p, now| {
            crate::workflows::applications::verify(
                conn,
                acc,
                accession::Verifier::Administrator,
                &p.sub,
                now,
            )
        },
    )
    .await
}

/// Withdraw from the agreement (utträde).
///
/// Records the written notice: the date it was received, its reference (e.g. the board minutes'
/// §) and the date it takes effect, not before the approval. The representatives, or the
/// administrators registering a notice received on paper (409 `accession_not_approved`; a date
/// before the approval is 422 `withdrawal_before_approval` at `effective_on`).
#[utoipa::path(
    tag = "accessions", operation_id = "withdraw_accession", request_body = WithdrawalNotice,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `effective_on` (`withdrawal_before_approval`: before the accession was approved), `received_on` (`in_future`), `reference`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/withdrawal")]
async fn withdraw(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<WithdrawalNotice>,
) -> ApiResult<HttpResponse> {
    let notice = body.0.into();
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_withdraw,
        move |_, acc, _, p, now| Ok(acc.withdraw(notice, &p.sub, now)?),
    )
    .await
}

/// Reconfirm the accession after a revision.
///
/// Reconfirms the accession for a revised version of the agreement, before the deadline (409
/// `no_reconfirmation_pending`, `reconfirmation_deadline_passed`).
#[utoipa::path(
    tag = "accessions", operation_id = "reconfirm_accession", request_body = Option<NoBody>,
    params(("id" = Uuid, Path, description = "The accession's id")),
    responses((status = 200, description = "The accession after the transition", body = AccessionView), (status = 409, description = "The state of the accession, its agreement or the signatory's other accessions forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/accessions/{id}/reconfirmation")]
async fn reconfirm(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    transition(
        &state,
        p,
        id.into_inner(),
        accession::may_reconfirm,
        |_, acc, _, p, now| Ok(acc.reconfirm(&p.sub, now)?),
    )
    .await
}
