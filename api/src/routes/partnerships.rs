//! IOP partnerships (idéburet offentligt partnerskap) under an agreement: proposal and
//! assessment by those who run the agreement, entry and ending by the public body's
//! administrators, and the public register of entered and ended partnerships (JSON and CSV).
//! A proposal, its assessment and a partnership not entered are for those who run the
//! agreement, the public body's administrators and the representatives of the organisations
//! involved; 404 to everyone else.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::NaiveDate;
use samverkan_domain::access::Principal;
use samverkan_domain::agreement::Agreement;
use samverkan_domain::change::ChangeType;
use samverkan_domain::partnership::{
    self, Contribution, CriterionAssessment, Decision, EntryInput, Partnership, PartnershipState,
    ProposalInput,
};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::partnerships::{self as store, PartnershipRecord};
use samverkan_persistence::{accessions, parties};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::extract::{Authenticated, Caller, Json};
use crate::http::{Visibility, cached_read, changed, json_read};
use crate::idempotency::{Created, create_once};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::whole_list_of;
use crate::workflows::agreements::visible_agreement;
use crate::workflows::changes::partnership as record_change;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(propose)
        .service(list)
        .service(export_csv)
        .service(get_one)
        .service(assess)
        .service(enter)
        .service(end)
        .service(not_enter);
}

// ---------------------------------------------------------------- views

/// One side's contribution: money, in kind, or both.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionInput {
    /// Money, as an integer number of öre (100 öre = 1 krona); null or absent: none.
    #[schema(example = 36500000, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default)]
    pub amount_ore: Option<i64>,
    /// What is contributed in kind (premises, staff time, volunteers), described.
    #[schema(example = "Lokal i Väståsskolan två kvällar i veckan")]
    #[serde(default)]
    pub in_kind: Option<String>,
}

/// One side's contribution as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContributionView {
    /// Money, in öre; null when none.
    pub amount_ore: Option<i64>,
    /// The same amount in kronor, as a decimal with two places (`365000.00`); null when none.
    #[schema(example = "365000.00")]
    pub amount_sek: Option<String>,
    /// What is contributed in kind; null when nothing.
    pub in_kind: Option<String>,
}

fn sek(ore: i64) -> String {
    format!("{}.{:02}", ore / 100, (ore % 100).abs())
}

impl From<&Contribution> for ContributionView {
    fn from(c: &Contribution) -> Self {
        Self {
            amount_ore: c.amount_ore,
            amount_sek: c.amount_ore.map(sek),
            in_kind: c.in_kind.clone(),
        }
    }
}

impl From<ContributionInput> for Contribution {
    fn from(c: ContributionInput) -> Self {
        Self {
            amount_ore: c.amount_ore,
            in_kind: c.in_kind,
        }
    }
}

/// An organisation that is a party to the partnership.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnershipOrganization {
    pub organization_id: Uuid,
    #[schema(example = "Föreningen Läxhjälpen i Kristianstad")]
    pub name: String,
    /// Whether it was a signatory of the agreement when the partnership was proposed.
    pub signatory: bool,
}

/// The public body that is a party to the partnership.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnershipPublicBody {
    pub public_body_id: Uuid,
    #[schema(example = "Kristianstads kommun")]
    pub name: String,
}

/// The decision to enter the partnership.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipDecision {
    /// The deciding body.
    #[schema(example = "Barn- och utbildningsnämnden")]
    pub body: String,
    pub date: NaiveDate,
    #[schema(example = "BUN 2026/0117")]
    pub diary_number: String,
}

/// One criterion of the agreement's list, assessed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionAssessmentEntry {
    /// The criterion's text, exactly as the agreement's `partnership_criteria` has it.
    #[schema(example = "Verksamheten sker på initiativ av den idéburna sektorn")]
    pub criterion: String,
    pub met: bool,
    /// Why it is met or not; a criterion not met needs one before the partnership can be
    /// entered.
    #[serde(default)]
    pub justification: String,
}

/// The assessment against the agreement's criteria.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentView {
    /// In the order of the agreement's list.
    pub criteria: Vec<CriterionAssessmentEntry>,
    pub assessed_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnershipView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub state: PartnershipState,
    pub public_body: PartnershipPublicBody,
    /// The organisations, in the order proposed.
    pub organizations: Vec<PartnershipOrganization>,
    #[schema(example = "Läxhjälp i Östra stan")]
    pub title: String,
    pub purpose: String,
    /// Numbers of the principles of the agreement it realises.
    pub principles: Vec<u32>,
    pub period_from: NaiveDate,
    /// Last day of the period (inclusive).
    pub period_to: NaiveDate,
    pub public_contribution: ContributionView,
    pub organization_contribution: ContributionView,
    pub proposed_on: NaiveDate,
    /// Null until assessed.
    pub assessment: Option<AssessmentView>,
    /// Null until entered.
    pub decision: Option<PartnershipDecision>,
    pub entered_on: Option<NaiveDate>,
    /// Where the signed contract is kept (a diary number, an address); the document itself
    /// is not stored here.
    pub contract_reference: Option<String>,
    pub ended_on: Option<NaiveDate>,
    /// Why it was not entered, or why it ended; null when none was given.
    pub reason: Option<String>,
}

whole_list_of!(PartnershipList, PartnershipView);

/// Names of the parties of `items`.
struct Names {
    organizations: Vec<(Uuid, String)>,
    bodies: Vec<(Uuid, String)>,
}

fn names_of(conn: &mut DbConnection, items: &[&Partnership]) -> ApiResult<Names> {
    let mut orgs: Vec<Uuid> = items
        .iter()
        .flat_map(|p| p.organizations.iter().map(|o| o.organization_id))
        .collect();
    orgs.sort();
    orgs.dedup();
    let mut bodies: Vec<Uuid> = items.iter().map(|p| p.public_body_id).collect();
    bodies.sort();
    bodies.dedup();
    let organizations = if orgs.is_empty() {
        Vec::new()
    } else {
        parties::organizations_by_ids(conn, &orgs)?
            .into_iter()
            .map(|o| (o.id, o.fields.name))
            .collect()
    };
    let bodies = if bodies.is_empty() {
        Vec::new()
    } else {
        parties::public_bodies_by_ids(conn, &bodies)?
            .into_iter()
            .map(|b| (b.id, b.fields.name))
            .collect()
    };
    Ok(Names {
        organizations,
        bodies,
    })
}

fn name_in(names: &[(Uuid, String)], id: Uuid) -> String {
    names
        .iter()
        .find(|(n, _)| *n == id)
        .map(|(_, name)| name.clone())
        .unwrap_or_default()
}

fn view(p: &Partnership, names: &Names) -> PartnershipView {
    PartnershipView {
        id: p.id,
        agreement_id: p.agreement_id,
        state: p.state,
        public_body: PartnershipPublicBody {
            public_body_id: p.public_body_id,
            name: name_in(&names.bodies, p.public_body_id),
        },
        organizations: p
            .organizations
            .iter()
            .map(|o| PartnershipOrganization {
                organization_id: o.organization_id,
                name: name_in(&names.organizations, o.organization_id),
                signatory: o.signatory,
            })
            .collect(),
        title: p.title.clone(),
        purpose: p.purpose.clone(),
        principles: p.principles.clone(),
        period_from: p.period_from,
        period_to: p.period_to,
        public_contribution: (&p.public_contribution).into(),
        organization_contribution: (&p.organization_contribution).into(),
        proposed_on: p.proposed_on,
        assessment: p.assessment.as_ref().map(|a| AssessmentView {
            criteria: a
                .criteria
                .iter()
                .map(|c| CriterionAssessmentEntry {
                    criterion: c.criterion.clone(),
                    met: c.met,
                    justification: c.justification.clone(),
                })
                .collect(),
            assessed_on: a.assessed_on,
        }),
        decision: p.decision.as_ref().map(|d| PartnershipDecision {
            body: d.body.clone(),
            date: d.date,
            diary_number: d.diary_number.clone(),
        }),
        entered_on: p.entered_on,
        contract_reference: p.contract_reference.clone(),
        ended_on: p.ended_on,
        reason: p.reason.clone(),
    }
}

fn view_of(conn: &mut DbConnection, p: &Partnership) -> ApiResult<PartnershipView> {
    let names = names_of(conn, &[p])?;
    Ok(view(p, &names))
}

fn location(agreement_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/agreements/{agreement_id}/partnerships/{id}")
}

/// Whether the caller sees `p`: anyone once it is in the register, else only those who may
/// read all of it.
fn sees(caller: Option<&Principal>, a: &Agreement, p: &Partnership) -> bool {
    p.is_public() || caller.is_some_and(|c| partnership::may_read_all(c, a, p))
}

/// One change of one partnership under its row lock, in the write transaction.
async fn transition(
    state: &AppState,
    principal: Principal,
    agreement_id: Uuid,
    id: Uuid,
    change: impl FnOnce(&Principal, &Agreement, &mut Partnership, NaiveDate) -> ApiResult<ChangeType>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let (record, view) = state
        .write(move |conn| {
            let today = clock.today();
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let before = store::get_partnership_for_update(conn, agreement_id, id)?;
            if !sees(Some(&principal), &a, &before.partnership) {
                return Err(ApiError::NotFound);
            }
            let mut p = before.partnership.clone();
            let change_type = change(&principal, &a, &mut p, today)?;
            let now = clock.now();
            let saved = store::save_partnership(conn, &p, before.row_version, now)?;
            record_change(conn, change_type, &saved.partnership, now)?;
            let view = view_of(conn, &saved.partnership)?;
            Ok((saved, view))
        })
        .await?;
    changed(&view, Some(record.row_version))
}

// ---------------------------------------------------------------- proposal and reads

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalRequest {
    /// The public body that is the party: the agreement's owner or another of its
    /// public-body parties.
    pub public_body_id: Uuid,
    /// One or a few organisations, signatories of the agreement or not.
    pub organization_ids: Vec<Uuid>,
    #[schema(example = "Läxhjälp i Östra stan")]
    pub title: String,
    #[schema(
        example = "Barn och unga i Östra stan får stöd med skolarbetet av ideella läxhjälpare."
    )]
    pub purpose: String,
    /// Numbers of principles of the agreement's current version it realises.
    pub principles: Vec<u32>,
    pub period_from: NaiveDate,
    /// Last day of the period (inclusive).
    pub period_to: NaiveDate,
    pub public_contribution: ContributionInput,
    pub organization_contribution: ContributionInput,
}

/// Propose an IOP partnership.
///
/// By the agreement's administrators and co-administrators. It starts `proposed`. Each
/// organisation is recorded as a signatory of the agreement or not (as of today). 422 names
/// each wrong value: `unknown_principle` (not in the current version), `not_a_party` (a
/// public body that is no party to the agreement), `no_contribution` (neither money nor
/// in kind), `before_start`.
#[utoipa::path(
    tag = "partnerships", operation_id = "propose_partnership",
    request_body = ProposalRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses(
        (status = 201, description = "The partnership was proposed", body = PartnershipView, headers(("Location" = String))),
        (status = 409, description = "The agreement has no adopted version; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/partnerships")]
async fn propose(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<ProposalRequest>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let request = body.0;
    let input = request.clone();
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let today = clock.today();
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        require_that(partnership::may_run(&caller, &a))?;
        let signatories = accessions::approved_of(conn, agreement_id)?
            .into_iter()
            .filter(|r| r.accession.is_signatory_on(today))
            .map(|r| r.accession.signatory().id())
            .collect();
        let input = input.clone();
        let p = Partnership::propose(
            Uuid::now_v7(),
            &a,
            ProposalInput {
                public_body_id: input.public_body_id,
                organization_ids: input.organization_ids,
                title: input.title,
                purpose: input.purpose,
                principles: input.principles,
                period_from: input.period_from,
                period_to: input.period_to,
                public_contribution: input.public_contribution.into(),
                organization_contribution: input.organization_contribution.into(),
            },
            a.current_version().map(|v| v.content()),
            &signatories,
            today,
        )?;
        let unknown: Vec<Uuid> = {
            let ids: Vec<Uuid> = p.organizations.iter().map(|o| o.organization_id).collect();
            let known: Vec<Uuid> = parties::organizations_by_ids(conn, &ids)?
                .into_iter()
                .map(|o| o.id)
                .collect();
            ids.into_iter().filter(|i| !known.contains(i)).collect()
        };
        if let Some(first) = unknown.first() {
            let i = p
                .organizations
                .iter()
                .position(|o| o.organization_id == *first)
                .unwrap_or(0);
            return Err(samverkan_domain::DomainError::Invalid(vec![
                partnership::PartnershipField::UnknownOrganization
                    .at(format!("organization_ids[{i}]")),
            ])
            .into());
        }
        let now = clock.now();
        let saved = store::insert_partnership(conn, &p, now)?;
        record_change(
            conn,
            ChangeType::PartnershipProposed,
            &saved.partnership,
            now,
        )?;
        Created::new(
            location(agreement_id, p.id),
            Some(saved.row_version),
            &view_of(conn, &saved.partnership)?,
        )
    })
    .await
}

/// The partnerships the caller sees, and whether that is more than the public register.
fn visible_list(
    conn: &mut DbConnection,
    caller: Option<&Principal>,
    a: &Agreement,
) -> ApiResult<(Vec<PartnershipRecord>, bool)> {
    let all = store::partnerships_of_agreement(conn, a.id(), &[])?;
    let mut more = false;
    let items = all
        .into_iter()
        .filter(|r| {
            let public = r.partnership.is_public();
            let seen = sees(caller, a, &r.partnership);
            more |= seen && !public;
            seen
        })
        .collect();
    let runs = caller.is_some_and(|c| partnership::may_run(c, a));
    Ok((items, more || runs))
}

/// List the agreement's IOP partnerships.
///
/// The public register: every entered and ended partnership, by period, with its parties,
/// period, contributions and decision. Those who run the agreement, the public body's
/// administrators and the organisations' representatives also see the proposed, assessed
/// and not entered ones they may read. Never paged. As CSV: `export_partnerships_csv`.
#[utoipa::path(
    tag = "partnerships", operation_id = "list_partnerships",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The partnerships", body = PartnershipList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/partnerships")]
async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, more, list) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let (records, more) = visible_list(conn, caller.as_ref(), &a)?;
            let items: Vec<&Partnership> = records.iter().map(|r| &r.partnership).collect();
            let names = names_of(conn, &items)?;
            let views = items.iter().map(|p| view(p, &names)).collect();
            Ok((a, more, PartnershipList::whole(views)))
        })
        .await?;
    let visibility = if more {
        Visibility::Private
    } else {
        Visibility::of_agreement(&a)
    };
    json_read(&req, &list, None, visibility, None)
}

const CSV_HEADER: [&str; 19] = [
    "id",
    "state",
    "title",
    "public_body",
    "organizations",
    "signatory_organizations",
    "principles",
    "period_from",
    "period_to",
    "public_contribution_sek",
    "public_contribution_in_kind",
    "organization_contribution_sek",
    "organization_contribution_in_kind",
    "decision_body",
    "decision_date",
    "diary_number",
    "entered_on",
    "ended_on",
    "contract_reference",
];

fn csv_row(v: &PartnershipView) -> Vec<String> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let names = |signatories_only: bool| {
        v.organizations
            .iter()
            .filter(|o| !signatories_only || o.signatory)
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    vec![
        v.id.to_string(),
        v.state.to_string(),
        v.title.clone(),
        v.public_body.name.clone(),
        names(false),
        names(true),
        v.principles
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("; "),
        v.period_from.to_string(),
        v.period_to.to_string(),
        opt(&v.public_contribution.amount_sek),
        opt(&v.public_contribution.in_kind),
        opt(&v.organization_contribution.amount_sek),
        opt(&v.organization_contribution.in_kind),
        v.decision
            .as_ref()
            .map(|d| d.body.clone())
            .unwrap_or_default(),
        date(v.decision.as_ref().map(|d| d.date)),
        v.decision
            .as_ref()
            .map(|d| d.diary_number.clone())
            .unwrap_or_default(),
        date(v.entered_on),
        date(v.ended_on),
        opt(&v.contract_reference),
    ]
}

/// The register of IOP partnerships as CSV.
///
/// The entered and ended partnerships (whoever asks), one row each, with a header row:
/// parties (organisations joined by `; `), principles, period, contributions in kronor
/// (`365000.00`) and in kind, and the decision. Contract documents are referenced, not
/// stored.
#[utoipa::path(
    tag = "partnerships", operation_id = "export_partnerships_csv",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The register as CSV with a header row", content_type = "text/csv", body = String)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/partnerships.csv")]
async fn export_csv(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, rows) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let records = store::partnerships_of_agreement(
                conn,
                agreement_id,
                &PartnershipState::REGISTERED,
            )?;
            let items: Vec<&Partnership> = records.iter().map(|r| &r.partnership).collect();
            let names = names_of(conn, &items)?;
            let rows: Vec<Vec<String>> = items.iter().map(|p| csv_row(&view(p, &names))).collect();
            Ok((a, rows))
        })
        .await?;
    let body = crate::render::csv::table_csv(&CSV_HEADER, &rows);
    let (mut builder, not_modified) = cached_read(&req, &body, None, Visibility::of_agreement(&a));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type(crate::render::CSV_CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"partnerships.csv\"",
        ))
        .body(body))
}

/// Read one IOP partnership.
///
/// An entered or ended one is public; any other is 404 but to those who run the agreement,
/// the public body's administrators and the representatives of its organisations.
#[utoipa::path(
    tag = "partnerships", operation_id = "get_partnership",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("partnership_id" = Uuid, Path, description = "The partnership's id")),
    responses((status = 200, description = "The partnership", body = PartnershipView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/partnerships/{partnership_id}")]
async fn get_one(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, id) = path.into_inner();
    let (a, record, view) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let record = store::get_partnership(conn, agreement_id, id)?;
            if !sees(caller.as_ref(), &a, &record.partnership) {
                return Err(ApiError::NotFound);
            }
            let view = view_of(conn, &record.partnership)?;
            Ok((a, record, view))
        })
        .await?;
    let visibility = if record.partnership.is_public() {
        Visibility::of_agreement(&a)
    } else {
        Visibility::Private
    };
    json_read(&req, &view, Some(record.row_version), visibility, None)
}

// ---------------------------------------------------------------- assessment, entry, end

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// Criteria of the agreement's `partnership_criteria`, each at most once; it may cover
    /// only some of them, and replaces any assessment recorded before.
    pub criteria: Vec<CriterionAssessmentEntry>,
}

/// Record the assessment against the agreement's criteria.
///
/// By the agreement's administrators and co-administrators, while the partnership is
/// `proposed` or `assessed`; it becomes `assessed`. 422 `unknown_criterion` or
/// `listed_twice` at `criteria[i].criterion`. 409 `partnership_transition` in another state.
#[utoipa::path(
    tag = "partnerships", operation_id = "assess_partnership",
    request_body = AssessmentRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("partnership_id" = Uuid, Path, description = "The partnership's id")),
    responses(
        (status = 200, description = "The partnership, assessed", body = PartnershipView),
        (status = 409, description = "The partnership's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/partnerships/{partnership_id}/assessment")]
async fn assess(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<AssessmentRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, id) = path.into_inner();
    let request = body.0;
    transition(
        &state,
        principal,
        agreement_id,
        id,
        move |caller, a, p, today| {
            require_that(partnership::may_run(caller, a))?;
            let entries = request
                .criteria
                .into_iter()
                .map(|c| CriterionAssessment {
                    criterion: c.criterion,
                    met: c.met,
                    justification: c.justification,
                })
                .collect();
            p.assess(
                entries,
                &a.settings().partnership_criteria,
                today,
                &caller.sub,
            )?;
            Ok(ChangeType::PartnershipAssessed)
        },
    )
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    /// The public body's decision to enter.
    pub decision: PartnershipDecision,
    /// The day it was entered: on or after the decision, not after today.
    pub entered_on: NaiveDate,
    /// Where the signed contract is kept (a diary number, an address).
    #[serde(default)]
    pub contract_reference: Option<String>,
}

/// Enter an assessed partnership.
///
/// By the administrators of the partnership's public body. The assessment must cover every
/// criterion of the agreement's list as it is today (409 `assessment_incomplete`), and every
/// criterion not met must carry a written justification (409
/// `criterion_not_met_unjustified`). The partnership joins the public register.
#[utoipa::path(
    tag = "partnerships", operation_id = "enter_partnership",
    request_body = EntryRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("partnership_id" = Uuid, Path, description = "The partnership's id")),
    responses(
        (status = 200, description = "The partnership, entered", body = PartnershipView),
        (status = 409, description = "The state or the assessment forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/partnerships/{partnership_id}/entry")]
async fn enter(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<EntryRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, id) = path.into_inner();
    let r = body.0;
    transition(
        &state,
        principal,
        agreement_id,
        id,
        move |caller, a, p, today| {
            require_that(partnership::may_enter(caller, p))?;
            p.enter(
                EntryInput {
                    decision: Decision {
                        body: r.decision.body,
                        date: r.decision.date,
                        diary_number: r.decision.diary_number,
                    },
                    entered_on: r.entered_on,
                    contract_reference: r.contract_reference,
                },
                &a.settings().partnership_criteria,
                today,
            )?;
            Ok(ChangeType::PartnershipEntered)
        },
    )
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndingRequest {
    /// The day it ended: not before its entry, not after today.
    pub ended_on: NaiveDate,
    /// Why, when it ended before its period.
    #[serde(default)]
    pub reason: Option<String>,
}

/// End an entered partnership.
///
/// By the administrators of the partnership's public body. It stays in the register as
/// `ended`. 409 `partnership_transition` unless it is entered.
#[utoipa::path(
    tag = "partnerships", operation_id = "end_partnership",
    request_body = EndingRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("partnership_id" = Uuid, Path, description = "The partnership's id")),
    responses(
        (status = 200, description = "The partnership, ended", body = PartnershipView),
        (status = 409, description = "The partnership's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/partnerships/{partnership_id}/ending")]
async fn end(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<EndingRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, id) = path.into_inner();
    let r = body.0;
    transition(
        &state,
        principal,
        agreement_id,
        id,
        move |caller, _, p, today| {
            require_that(partnership::may_enter(caller, p))?;
            p.end(r.ended_on, r.reason, today)?;
            Ok(ChangeType::PartnershipEnded)
        },
    )
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NonEntryRequest {
    /// Why the partnership is not entered.
    pub reason: String,
}

/// Record that a partnership is not entered.
///
/// By those who run the agreement or the public body's administrators, while it is
/// `proposed` or `assessed`; the reason is required. 409 `partnership_transition` otherwise.
#[utoipa::path(
    tag = "partnerships", operation_id = "not_enter_partnership",
    request_body = NonEntryRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("partnership_id" = Uuid, Path, description = "The partnership's id")),
    responses(
        (status = 200, description = "The partnership, not entered", body = PartnershipView),
        (status = 409, description = "The partnership's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/partnerships/{partnership_id}/non-entry")]
async fn not_enter(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<NonEntryRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, id) = path.into_inner();
    let r = body.0;
    transition(
        &state,
        principal,
        agreement_id,
        id,
        move |caller, a, p, _| {
            require_that(partnership::may_run(caller, a) || partnership::may_enter(caller, p))?;
            p.not_enter(r.reason)?;
            Ok(ChangeType::PartnershipNotEntered)
        },
    )
    .await
}
