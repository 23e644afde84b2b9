//! Agreements: drafts, the lifecycle as events, versions, the follow-up calendar and
//! renegotiation requests. Public reads show adopted and terminated agreements; drafts and
//! consultations only to their administrators (404 to everyone else).

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::DomainError;
use samverkan_domain::access::Principal;
use samverkan_domain::agreement::{
    self, Agreement, AgreementState, NewAgreement, PartiesInput, RenegotiationInput, ReportKind,
    ReportedTo, RequestingSide, ReviewInput, ReviewKind, ReviewRecord, Scope, ShownStatus, limits,
};
use samverkan_persistence::agreements::{self as store, AgreementFilter, AgreementRecord};
use samverkan_persistence::db::DbConnection;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use strum::IntoEnumIterator;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::contract::agreements::{
    AdoptionRecordInput, AgendaItem, AgreementSettings, AgreementSettingsInput, AgreementStatus,
    AgreementVersion, CivilSocietyParty, CivilSocietyPartyInput, DueItem, RenegotiationRequest,
    TerminationRecord, TerminationRecordInput, VersionContentInput, VersionTranslationInput,
};
use crate::contract::consultation::ConsultationOpened;
use crate::extract::{
    AskedLanguage, Authenticated, Caller, EventBody, Json, LangParams, NoBody, PageParams,
    municipality_filter,
};
use crate::http::{Visibility, changed, if_match_version, json_read, list_response};
use crate::idempotency::{Created, create_once};
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::schemas::{Field, RulesBetweenFields, when};
use crate::state::AppState;
use crate::workflows::accessions as accession_workflows;
use crate::workflows::agreements::load_visible;
use crate::{list_of, whole_list_of};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_agreements)
        .service(create_agreement)
        .service(agenda)
        .service(get_agreement)
        .service(edit_agreement)
        .service(open_consultation)
        .service(adopt)
        .service(terminate)
        .service(abandon)
        .service(start_revision)
        .service(adopt_revision)
        .service(abandon_revision)
        .service(list_versions)
        .service(get_version)
        .service(translate_version)
        .service(calendar)
        .service(record_review)
        .service(list_reviews)
        .service(get_review)
        .service(list_renegotiation_requests)
        .service(file_renegotiation_request)
        .service(get_renegotiation_request)
        .service(get_agreement_history)
        .service(answer_renegotiation_request)
        .service(withdraw_renegotiation_request);
}

/// An agreement as clients see it: the current (adopted) version and, for administrators,
/// the draft being prepared.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    pub id: Uuid,
    pub owner_public_body_id: Uuid,
    pub party_public_body_ids: Vec<Uuid>,
    pub civil_society_party: CivilSocietyParty,
    pub scope: Scope,
    pub municipality_codes: Vec<String>,
    /// The stored lifecycle state; `status.status` adds the derived `expired`.
    pub state: AgreementState,
    pub status: AgreementStatus,
    pub settings: AgreementSettings,
    pub termination: Option<TerminationRecord>,
    /// Whether the agreement applies today: adopted, its `in_force_from` reached, not
    /// expired and not terminated.
    pub in_force: bool,
    /// The first day the agreement applies (the first adoption's `valid_from`); null before
    /// adoption.
    pub in_force_from: Option<NaiveDate>,
    /// The version in force today (null before the first adoption); before an adoption
    /// takes effect, the version adopted.
    pub current_version: Option<AgreementVersion>,
    /// A revision adopted for a later date: it becomes `current_version` on its
    /// `in_force_from` without anyone acting. Null when none is upcoming.
    pub next_version: Option<AgreementVersion>,
    /// The version being prepared: the first draft, or a revision in progress. Shown to the
    /// agreement's administrators only.
    pub working_version: Option<AgreementVersion>,
    /// The text on consultation (remiss), a public document while the consultation runs,
    /// with its deadline, the invited and the questions (`consultation`); null when none is
    /// open.
    pub consultation_version: Option<AgreementVersion>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AgreementView {
    fn of(record: &AgreementRecord, caller: Option<&Principal>, today: NaiveDate) -> Self {
        Self::in_language(record, caller, today, &agreement::LanguageTag::swedish())
    }

    /// The languages its shown versions can be read in (their translations').
    fn languages(&self, a: &Agreement) -> Vec<agreement::LanguageTag> {
        let mut out: Vec<agreement::LanguageTag> = Vec::new();
        for shown in [
            &self.current_version,
            &self.next_version,
            &self.working_version,
        ]
        .into_iter()
        .flatten()
        {
            for tag in a
                .version(shown.number)
                .into_iter()
                .flat_map(|v| v.languages())
            {
                if !out.contains(tag) {
                    out.push(tag.clone());
                }
            }
        }
        out
    }

    /// The view with each shown version's texts in `language` where translated.
    fn in_language(
        record: &AgreementRecord,
        caller: Option<&Principal>,
        today: NaiveDate,
        language: &agreement::LanguageTag,
    ) -> Self {
        let a = &record.agreement;
        let mut view = Self::swedish(record, caller, today);
        let runs = caller.is_some_and(|p| agreement::may_run(p, a));
        for shown in [
            &mut view.current_version,
            &mut view.next_version,
            &mut view.working_version,
            &mut view.consultation_version,
        ] {
            if let Some(mut version) = shown.take()
                && let Some(v) = a.version(version.number)
            {
                if runs {
                    version = version.with_recorders(v);
                }
                *shown = Some(version.localized(v, language));
            }
        }
        view
    }

    fn swedish(record: &AgreementRecord, caller: Option<&Principal>, today: NaiveDate) -> Self {
        let a = &record.agreement;
        let admin = caller.is_some_and(|p| agreement::may_administer(p, a));
        let current = a.version_in_force_on(today).or_else(|| a.current_version());
        Self {
            id: a.id(),
            owner_public_body_id: a.owner_public_body_id(),
            party_public_body_ids: a.party_public_body_ids().to_vec(),
            civil_society_party: a.civil_society_party().into(),
            scope: a.scope(),
            municipality_codes: a
                .municipality_codes()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            state: a.state(),
            status: a.status(today).into(),
            settings: a.settings().into(),
            termination: a.termination().map(TerminationRecord::from),
            in_force: a.applies_on(today),
            in_force_from: a.in_force_from(),
            current_version: current.map(|v| AgreementVersion::of(a, v, today)),
            next_version: a
                .next_version_after(today)
                .filter(|n| current.is_none_or(|c| c.number() != n.number()))
                .map(|v| AgreementVersion::of(a, v, today)),
            working_version: a
                .working_version()
                .filter(|_| admin)
                .map(|v| AgreementVersion::of(a, v, today)),
            consultation_version: a
                .consultation_version()
                .map(|v| AgreementVersion::of(a, v, today)),
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

list_of!(AgreementList, AgreementView);
whole_list_of!(VersionList, AgreementVersion);
whole_list_of!(DueItemList, DueItem);
whole_list_of!(RenegotiationRequestList, RenegotiationRequest);
whole_list_of!(AgendaList, AgendaItem);

/// The top-level fields of `VersionContent`, which requests carry under `content`.
const CONTENT_FIELDS: [&str; 6] = [
    "title",
    "purpose",
    "background",
    "principles",
    "commitments",
    "development_areas",
];

/// Names the field errors of the content as the request names them (`content.title`,
/// `content.principles[1].title`): the domain validates a `VersionContent` on its own.
fn content_nested(error: DomainError) -> DomainError {
    match error {
        DomainError::Invalid(errors) => DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| {
                    let head = e.field.split(['.', '[']).next().unwrap_or_default();
                    if CONTENT_FIELDS.contains(&head) {
                        e.nested_in("content")
                    } else {
                        e
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// Names every field error under `parent` (`settings.follow_up_months`).
fn nested(error: DomainError, parent: &str) -> DomainError {
    match error {
        DomainError::Invalid(errors) => {
            DomainError::Invalid(errors.into_iter().map(|e| e.nested_in(parent)).collect())
        }
        other => other,
    }
}

/// Who may apply a change, and from which version.
struct ChangeGuard {
    allowed: fn(&Principal, &Agreement) -> bool,
    /// The row version from `If-Match`, for edits made from an earlier read; `None` for
    /// events, which apply to whatever is current under the row lock.
    expected_version: Option<i64>,
}

impl ChangeGuard {
    const ADMINISTRATOR: Self = Self {
        allowed: agreement::may_administer,
        expected_version: None,
    };
}

/// Runs one change under the agreement's row lock: load, check the caller may see and
/// change it, apply the domain operation, save — all in one transaction.
async fn apply_change(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    guard: ChangeGuard,
    change: impl FnOnce(&mut DbConnection, &mut Agreement, NaiveDate, &Principal) -> ApiResult<()>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let clock = state.clock.clone();
    let (record, principal) = state
        .write(move |conn| {
            let mut record = store::get_agreement_for_update(conn, id)?;
            if !agreement::may_view(Some(&principal), &record.agreement) {
                return Err(ApiError::NotFound);
            }
            require_that((guard.allowed)(&principal, &record.agreement))?;
            if guard
                .expected_version
                .is_some_and(|v| v != record.row_version)
            {
                return Err(ApiError::PreconditionFailed);
            }
            let before = record.agreement.clone();
            change(conn, &mut record.agreement, today, &principal)?;
            crate::workflows::changes::agreement(
                conn,
                Some(&before),
                &record.agreement,
                clock.now(),
            )?;
            let saved =
                store::save_agreement(conn, &record.agreement, record.row_version, clock.now())?;
            Ok((saved, principal))
        })
        .await?;
    changed(
        &AgreementView::of(&record, Some(&principal), today),
        Some(record.row_version),
    )
}

/// A lifecycle event by the agreement's administrators.
async fn apply_event(
    state: &AppState,
    principal: Principal,
    id: Uuid,
    event: impl FnOnce(&mut Agreement, NaiveDate) -> Result<(), DomainError> + Send + 'static,
) -> ApiResult<HttpResponse> {
    apply_change(
        state,
        principal,
        id,
        ChangeGuard::ADMINISTRATOR,
        |_, a, today, _| Ok(event(a, today)?),
    )
    .await
}

// ---------------------------------------------------------------- reads

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementQuery {
    /// Only agreements this public body is a party to.
    pub public_body: Option<Uuid>,
    /// Only agreements covering this municipality (kommunkod).
    #[param(schema_with = crate::schemas::municipality_query)]
    pub municipality: Option<String>,
    /// Only agreements shown with this status today (`status.status`: `expired` included,
    /// a termination with notice still `adopted` until it takes effect).
    pub state: Option<ShownStatus>,
}

/// List agreements, oldest first.
///
/// Anonymous callers see adopted and terminated agreements; an agreement's administrators also
/// see its drafts and consultations. `?lang=` or `Accept-Language` reads each agreement's
/// texts in a recorded translation, as `get_agreement` does; `Content-Language` names the
/// languages the page's items were read in.
#[utoipa::path(
    tag = "agreements", operation_id = "list_agreements",
    params(AgreementQuery, PageParams, LangParams),
    responses((status = 200, description = "A page of agreements", body = AgreementList)),
    security((), ("bearer" = []))
)]
#[get("/agreements")]
async fn list_agreements(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    query: Query<AgreementQuery>,
    page: Query<PageParams>,
    lang: Query<LangParams>,
) -> ApiResult<HttpResponse> {
    let asked = AskedLanguage::of(&req, &lang)?;
    let page = page.page_request(&req, 1)?;
    let municipality_code = municipality_filter(query.municipality.as_deref())?;
    let today = state.today();
    let filter = AgreementFilter {
        public_body_id: query.public_body,
        municipality_code,
        status: query.state.map(|s| (s, today)),
    };
    let (page, caller) = state
        .read(move |conn| {
            Ok((
                store::list_agreements(conn, &filter, caller.as_ref(), &page)?,
                caller,
            ))
        })
        .await?;
    // Each agreement in the language asked for where it has a translation, as one read.
    let mut picked = Vec::new();
    let page = page.map(|r| {
        let swedish = AgreementView::of(&r, caller.as_ref(), today);
        let language = asked.pick(&swedish.languages(&r.agreement));
        let view = AgreementView::in_language(&r, caller.as_ref(), today, &language);
        picked.push(language);
        view
    });
    let mut response = list_response(&req, page, |items, next_cursor| AgreementList {
        items,
        next_cursor,
    })?;
    asked.headers_of_many(&mut response, &picked);
    Ok(response)
}

/// Read one agreement.
///
/// The agreement with its current version and status; its administrators also see the version
/// being prepared (`working_version`). Drafts are 404 to everyone else. Its `ETag` is what an
/// edit's `If-Match` names.
#[utoipa::path(
    tag = "agreements", operation_id = "get_agreement",
    params(("id" = Uuid, Path, description = "The agreement's id"), LangParams),
    responses((status = 200, description = "The agreement", body = AgreementView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}")]
async fn get_agreement(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    lang: Query<LangParams>,
) -> ApiResult<HttpResponse> {
    let asked = AskedLanguage::of(&req, &lang)?;
    let id = id.into_inner();
    let (record, caller) = state
        .read(move |conn| Ok((load_visible(conn, id, caller.as_ref())?, caller)))
        .await?;
    let today = state.today();
    let swedish = AgreementView::of(&record, caller.as_ref(), today);
    let picked = asked.pick(&swedish.languages(&record.agreement));
    let view = AgreementView::in_language(&record, caller.as_ref(), today, &picked);
    // The shown status depends on the date (expired); the tag's hash follows it.
    let mut response = json_read(
        &req,
        &view,
        Some(record.row_version),
        Visibility::of_agreement(&record.agreement),
        None,
    )?;
    asked.headers(&mut response, &picked);
    Ok(response)
}

/// List the agreement's versions.
///
/// Oldest first: adopted and superseded versions for everyone, drafts for the agreement's
/// administrators. Never paged.
#[utoipa::path(
    tag = "agreements", operation_id = "list_agreement_versions",
    params(("id" = Uuid, Path, description = "The agreement's id"), LangParams),
    responses((status = 200, description = "Every version the caller may see", body = VersionList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/versions")]
async fn list_versions(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    lang: Query<LangParams>,
) -> ApiResult<HttpResponse> {
    let asked = AskedLanguage::of(&req, &lang)?;
    let id = id.into_inner();
    let (record, caller) = state
        .read(move |conn| Ok((load_visible(conn, id, caller.as_ref())?, caller)))
        .await?;
    let a = &record.agreement;
    let shown: Vec<&agreement::AgreementVersion> = a
        .versions()
        .iter()
        .filter(|v| agreement::may_view_version(caller.as_ref(), a, v))
        .collect();
    let mut languages: Vec<agreement::LanguageTag> = Vec::new();
    for tag in shown.iter().flat_map(|v| v.languages()) {
        if !languages.contains(tag) {
            languages.push(tag.clone());
        }
    }
    let picked = asked.pick(&languages);
    let runs = caller.as_ref().is_some_and(|p| agreement::may_run(p, a));
    let items: Vec<AgreementVersion> = shown
        .into_iter()
        .map(|v| {
            let view = AgreementVersion::of(a, v, state.today()).localized(v, &picked);
            if runs { view.with_recorders(v) } else { view }
        })
        .collect();
    let mut response = json_read(
        &req,
        &VersionList::whole(items),
        None,
        Visibility::of_agreement(&record.agreement),
        None,
    )?;
    asked.headers(&mut response, &picked);
    Ok(response)
}

/// Read one version by its number.
///
/// Version numbers start at 1 and grow by one per revision; a draft version is 404 to all but
/// the agreement's administrators.
#[utoipa::path(
    tag = "agreements", operation_id = "get_agreement_version",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("number" = u32, Path, description = "The version number, from 1"), LangParams),
    responses((status = 200, description = "The version", body = AgreementVersion)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/versions/{number}")]
async fn get_version(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, u32)>,
    lang: Query<LangParams>,
) -> ApiResult<HttpResponse> {
    let asked = AskedLanguage::of(&req, &lang)?;
    let (id, number) = path.into_inner();
    let (record, caller) = state
        .read(move |conn| Ok((load_visible(conn, id, caller.as_ref())?, caller)))
        .await?;
    let a = &record.agreement;
    let version = a
        .version(number)
        .filter(|v| agreement::may_view_version(caller.as_ref(), a, v))
        .ok_or(ApiError::NotFound)?;
    let picked = asked.pick(version.languages());
    let mut view = AgreementVersion::of(a, version, state.today()).localized(version, &picked);
    if caller.as_ref().is_some_and(|p| agreement::may_run(p, a)) {
        view = view.with_recorders(version);
    }
    let mut response = json_read(
        &req,
        &view,
        None,
        Visibility::of_agreement(&record.agreement),
        None,
    )?;
    asked.headers(&mut response, &picked);
    Ok(response)
}

/// Record a translation of a version's public texts.
///
/// Title, purpose, principles, commitments and development areas of an adopted or superseded
/// version (409 `version_not_translatable` for a draft, a text on consultation or an abandoned
/// one), in one language other than Swedish, which stays the authoritative text (422
/// `language`: `invalid_language`, `swedish_is_the_original`). Only the title is required;
/// what is left out is read in Swedish and named in `fallback_fields`. Recording a language
/// again replaces its translation. Who recorded it and when are kept; the change feed records
/// `agreement.version_translated`. Answers the agreement.
#[utoipa::path(
    tag = "agreements", operation_id = "translate_agreement_version", request_body = VersionTranslationInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("number" = u32, Path, description = "The version number, from 1")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `language` (`invalid_language`, `swedish_is_the_original`), `title`, `purpose`, `principles[i].number` (`unknown_principle`, `duplicate`), `commitments[i].index` and `development_areas[i].index` (`out_of_range`, `duplicate`), every text (`too_long`)", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/versions/{number}/translations")]
async fn translate_version(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    path: Path<(Uuid, u32)>,
    body: Json<VersionTranslationInput>,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    let language = body.0.language.clone();
    let texts = body.0.into();
    let clock = state.clock.clone();
    apply_change(
        &state,
        p,
        id,
        ChangeGuard::ADMINISTRATOR,
        move |_, a, _, p| {
            if a.version(number).is_none() {
                return Err(ApiError::NotFound);
            }
            Ok(a.translate_version(
                number,
                agreement::TranslationInput {
                    language,
                    texts,
                    recorded_by: p.sub.clone(),
                    recorded_at: clock.now(),
                },
            )?)
        },
    )
    .await
}

/// Read the agreement's follow-up calendar.
///
/// The next follow-up, evaluation, external evaluation and revision dates derived from the
/// adoption and the cadences, each flagged `overdue` when past and not recorded as done, and
/// the next action plan (`action_plan_months` after the latest adopted plan's start). Empty
/// before adoption. Never paged.
#[utoipa::path(
    tag = "agreements", operation_id = "get_agreement_calendar",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "What is due next, by kind", body = DueItemList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/calendar")]
async fn calendar(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (record, plans) = state
        .read(move |conn| {
            let record = load_visible(conn, id, caller.as_ref())?;
            let plans: Vec<_> = samverkan_persistence::action_plans::plans_of_agreement(conn, id)?
                .into_iter()
                .map(|r| r.plan)
                .collect();
            Ok((record, plans))
        })
        .await?;
    let today = state.today();
    let mut due = record.agreement.due_items(today);
    due.extend(samverkan_domain::action_plan::next_plan_due(
        &plans,
        record.agreement.settings().action_plan_months,
        today,
    ));
    due.sort_by_key(|i| (i.due_on, i.kind));
    let items = due.into_iter().map(DueItem::from).collect();
    json_read(
        &req,
        &DueItemList::whole(items),
        None,
        Visibility::of_agreement(&record.agreement),
        None,
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// Also list items due within this many days (default 90, at most 3660).
    #[param(minimum = 0, maximum = 3660, default = 90)]
    pub horizon_days: Option<u32>,
}

/// The agenda's horizon in days when none is asked for, and the longest one (the values
/// `AgendaQuery` states).
const AGENDA_HORIZON_DEFAULT: u32 = 90;
const AGENDA_HORIZON_MAX: u32 = 3660;

/// List what is due on administered agreements.
///
/// What is due or overdue across the agreements the caller administers, soonest first (e.g. a
/// revision deadline that has passed), within `horizon_days`. Never paged.
#[utoipa::path(
    tag = "agreements", operation_id = "get_administrator_agenda",
    params(AgendaQuery),
    responses((status = 200, description = "The due items, soonest first", body = AgendaList)),
    security(("bearer" = []))
)]
#[get("/agenda")]
async fn agenda(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    query: Query<AgendaQuery>,
) -> ApiResult<HttpResponse> {
    let scope = agreement::administered_by(&principal).ok_or(ApiError::Forbidden)?;
    let horizon = query.horizon_days.unwrap_or(AGENDA_HORIZON_DEFAULT);
    if horizon > AGENDA_HORIZON_MAX {
        return Err(ApiError::bad_parameter(
            "horizon_days",
            RequestField::AtMost {
                max: AGENDA_HORIZON_MAX as usize,
            },
        ));
    }
    let records = state
        .read(move |conn| Ok(store::administered_agreements(conn, scope)?))
        .await?;
    let items: Vec<AgendaItem> = agreement::administrator_agenda(
        &principal,
        records.iter().map(|r| &r.agreement),
        state.today(),
        horizon,
    )
    .into_iter()
    .map(AgendaItem::from)
    .collect();
    json_read(
        &req,
        &AgendaList::whole(items),
        None,
        Visibility::Private,
        None,
    )
}

/// List the agreement's renegotiation requests.
///
/// The requests to renegotiate (omförhandling) filed on the agreement, oldest first. Never
/// paged.
#[utoipa::path(
    tag = "agreements", operation_id = "list_renegotiation_requests",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Every renegotiation request", body = RenegotiationRequestList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/renegotiation-requests")]
async fn list_renegotiation_requests(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let runs = caller.clone();
    let record = state
        .read(move |conn| load_visible(conn, id, caller.as_ref()))
        .await?;
    // Who filed a request is shown to those who run the agreement only: public reads carry
    // no submitter.
    let runner = runs.is_some_and(|p| agreement::may_run(&p, &record.agreement));
    let items = record
        .agreement
        .renegotiation_requests()
        .iter()
        .map(|r| RenegotiationRequest::of(r, runner))
        .collect();
    let visibility = if runner {
        Visibility::Private
    } else {
        Visibility::of_agreement(&record.agreement)
    };
    json_read(
        &req,
        &RenegotiationRequestList::whole(items),
        None,
        visibility,
        None,
    )
}

// ---------------------------------------------------------------- writes

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreementRequest {
    /// The public body whose administrators run the agreement; one of the parties.
    pub owner_public_body_id: Uuid,
    #[schema(schema_with = party_public_body_ids)]
    pub party_public_body_ids: Vec<Uuid>,
    pub civil_society_party: CivilSocietyPartyInput,
    pub scope: Scope,
    #[schema(schema_with = municipality_codes)]
    pub municipality_codes: Vec<String>,
    #[serde(default)]
    pub settings: AgreementSettingsInput,
    pub content: VersionContentInput,
}

fn party_public_body_ids() -> Field {
    Field::json(json!({
        "type": "array",
        "items": {"type": "string", "format": "uuid"},
        "minItems": 1,
        "maxItems": limits::PARTIES_MAX,
        "uniqueItems": true,
        "description": "The public bodies that are parties, the owner among them.",
    }))
}

fn municipality_codes() -> Field {
    Field::json(json!({
        "type": "array",
        "items": {"type": "string", "pattern": crate::schemas::municipality_code_pattern(), "example": "1285"},
        "minItems": 1,
        "maxItems": samverkan_domain::party::MUNICIPALITIES_MAX,
        "description": "The municipalities covered (kommunkoder; surrounding whitespace is trimmed); a regional agreement's all in one county.",
    }))
}

/// Create a draft agreement.
///
/// Creates the agreement with version 1 as a draft. Agreement administrators of the owning
/// public body, and platform administrators. The parties must exist in the register.
#[utoipa::path(
    tag = "agreements", operation_id = "create_agreement",
    request_body = NewAgreementRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses((status = 201, description = "The draft was created", body = AgreementView, headers(("Location" = String), ("ETag" = String)))),
    security(("bearer" = []))
)]
#[post("/agreements")]
async fn create_agreement(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    body: Json<NewAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    require_that(agreement::may_create_agreement(
        &principal,
        body.owner_public_body_id,
    ))?;
    let input = NewAgreement {
        parties: PartiesInput {
            owner_public_body_id: body.owner_public_body_id,
            party_public_body_ids: body.party_public_body_ids.clone(),
            civil_society_party: body.civil_society_party.clone().into(),
            scope: body.scope,
            municipality_codes: body.municipality_codes.clone(),
        },
        settings: body.settings.clone().into(),
        content: body.content.clone().into(),
    };
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &body, move |conn| {
        let a = Agreement::create(Uuid::now_v7(), input.clone()).map_err(content_nested)?;
        let record = store::insert_agreement(conn, &a, clock.now())?;
        crate::workflows::changes::agreement(conn, None, &record.agreement, clock.now())?;
        Created::new(
            format!("/api/v1/agreements/{}", a.id()),
            Some(record.row_version),
            &AgreementView::of(&record, Some(&caller), clock.today()),
        )
    })
    .await
}

/// Changes to a draft: the text of the version being prepared and the settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementEdit {
    /// Replaces the working version's content (the draft, or the revision in progress).
    pub content: Option<VersionContentInput>,
    /// Replaces the settings.
    pub settings: Option<AgreementSettingsInput>,
    /// Why the settings change: required when the approval mode, the accepted channels or the
    /// eligibility rules change; recorded in the agreement's history.
    #[schema(schema_with = settings_reason)]
    pub reason: Option<String>,
}

fn settings_reason() -> Field {
    Field::nullable_text(
        limits::REASON_MAX,
        "Partnerskapet beslutade att även ansökningsformuläret ska godtas.",
    )
}

/// Edit the draft text and the settings.
///
/// Edits the version being prepared (the first draft or a revision in progress) and the
/// settings. An adopted version's text never changes: start a revision instead (409
/// `version_not_editable`). Needs `If-Match`.
#[utoipa::path(
    tag = "agreements", operation_id = "edit_agreement",
    request_body = AgreementEdit,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("If-Match" = String, Header, description = "The ETag of the last read")),
    responses(
        (status = 200, description = "The edited agreement", body = AgreementView),
        (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[patch("/agreements/{id}")]
async fn edit_agreement(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<AgreementEdit>,
) -> ApiResult<HttpResponse> {
    let guard = ChangeGuard {
        allowed: agreement::may_administer,
        expected_version: Some(if_match_version(&req)?),
    };
    let edit = body.0;
    let clock = state.clock.clone();
    apply_change(
        &state,
        principal,
        id.into_inner(),
        guard,
        move |conn, a, _, caller| {
            if let Some(settings) = edit.settings {
                let pending = samverkan_persistence::accessions::count_pending(conn, a.id())?;
                let actor = agreement::SettingsActor {
                    id: Uuid::now_v7(),
                    by: caller.sub.clone(),
                    at: clock.now(),
                    reason: edit.reason,
                };
                a.change_settings_by(settings.into(), pending, actor)
                    .map_err(|e| match e {
                        // The reason is the request's own field, not a setting's.
                        DomainError::Invalid(ref errors)
                            if errors.iter().all(|f| f.field == "reason") =>
                        {
                            e
                        }
                        e => nested(e, "settings"),
                    })?;
            }
            if let Some(content) = edit.content {
                a.edit_draft(content.into()).map_err(content_nested)?;
            }
            Ok(())
        },
    )
    .await
}

/// Send the draft or revision on consultation.
///
/// Opens the referral round (remiss) with its response deadline, the invited parties
/// (organisations, and for a revision all signatories) and an optional question list; by
/// default open to all (409 `agreement_not_draft`, `consultation_already_open`). While it
/// runs, the text is public: the agreement's view shows it as `consultation_version`, the
/// change feed records `agreement.consultation_opened`, and organisations respond at
/// `/consultation/responses`.
#[utoipa::path(
    tag = "agreements", operation_id = "open_consultation", request_body = ConsultationOpened,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `opened_on` (`in_future`), `response_deadline` (`not_after_opened_on`), `invited.all_signatories` (`not_allowed`: a first version has no signatories), `invited.organization_ids[i]` (`duplicate`, `unknown_organization`), `invited` (`required` when restricted), `questions[i]`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/consultation")]
async fn open_consultation(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<ConsultationOpened>,
) -> ApiResult<HttpResponse> {
    let input: samverkan_domain::consultation::ConsultationInput = body.0.into();
    apply_change(
        &state,
        p,
        id.into_inner(),
        ChangeGuard::ADMINISTRATOR,
        move |conn, a, today, _| {
            let mut unknown = Vec::new();
            for (i, org) in input.invited.organization_ids.iter().enumerate() {
                if !samverkan_persistence::parties::organization_exists(conn, *org)? {
                    unknown.push(
                        samverkan_domain::consultation::ConsultationField::UnknownOrganization
                            .at(format!("invited.organization_ids[{i}]")),
                    );
                }
            }
            match a.open_consultation(input, today) {
                Err(DomainError::Invalid(mut errors)) => {
                    errors.extend(unknown);
                    Err(DomainError::Invalid(errors).into())
                }
                Err(e) => Err(e.into()),
                Ok(()) if !unknown.is_empty() => Err(DomainError::Invalid(unknown).into()),
                Ok(()) => Ok(()),
            }
        },
    )
    .await
}

/// The report of an adoption request, checked against the responses to the consultation of
/// the version it adopts.
fn responses_of_working_version(
    conn: &mut DbConnection,
    a: &Agreement,
) -> ApiResult<Vec<samverkan_domain::consultation::ConsultationResponse>> {
    let Some(version) = a.working_version() else {
        return Ok(Vec::new());
    };
    Ok(
        samverkan_persistence::consultation::responses_to(conn, a.id(), version.number())?
            .into_iter()
            .map(|r| r.response)
            .collect(),
    )
}

/// Adopt the agreement.
///
/// Records the political decision that puts the agreement in force: decided by, decision date,
/// diary number, validity (409 `agreement_not_in_preparation`, `no_principles`). The decision
/// cannot precede the consultation it closes (422 `before_consultation`).
#[utoipa::path(
    tag = "agreements", operation_id = "adopt_agreement", request_body = AdoptionRecordInput,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `decision_date` (`in_future`, `before_consultation`: decided before the consultation opened), `valid_until`, `decided_by`, `diary_number`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/adoption")]
async fn adopt(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<AdoptionRecordInput>,
) -> ApiResult<HttpResponse> {
    let mut body = body.0;
    let report = body.consultation_report.take().map(Into::into);
    let record = body.into();
    apply_change(
        &state,
        p,
        id.into_inner(),
        ChangeGuard::ADMINISTRATOR,
        move |conn, a, today, _| {
            let responses = match &report {
                Some(_) => responses_of_working_version(conn, a)?,
                None => Vec::new(),
            };
            Ok(a.adopt_reporting(record, report, &responses, today)?)
        },
    )
    .await
}

/// Terminate an adopted agreement.
///
/// Ends the agreement (uppsägning) with its decision record (409 `agreement_not_adopted`). The
/// signatories' accessions end with it, in the same transaction.
#[utoipa::path(
    tag = "agreements", operation_id = "terminate_agreement", request_body = TerminationRecordInput,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `decision_date` (`in_future`, `before_adoption`: decided before the agreement was adopted), `effective_on` (`before_decision`), `decided_by`, `reason`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/termination")]
async fn terminate(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<TerminationRecordInput>,
) -> ApiResult<HttpResponse> {
    let record = body.0;
    let clock = state.clock.clone();
    // The accessions end with the agreement, in the same transaction.
    apply_change(
        &state,
        p,
        id.into_inner(),
        ChangeGuard::ADMINISTRATOR,
        move |conn, a, today, p| {
            let effective_on = record.effective_on;
            a.terminate(record.into(), today)?;
            accession_workflows::end_with_agreement(conn, a.id(), effective_on, &p.sub, clock.now())
        },
    )
    .await
}

/// Abandon a draft agreement.
///
/// Abandons a draft or consultation that will not be adopted (409
/// `agreement_not_in_preparation`).
#[utoipa::path(
    tag = "agreements", operation_id = "abandon_agreement", request_body = Option<NoBody>,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/abandonment")]
async fn abandon(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    apply_event(&state, p, id.into_inner(), |a, _| a.abandon()).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionStarted {
    pub content: VersionContentInput,
}

/// Start a revision of the agreement.
///
/// Starts a new draft version while the current one stays in force (409
/// `agreement_not_adopted`, `revision_already_in_progress`).
#[utoipa::path(
    tag = "agreements", operation_id = "start_revision", request_body = RevisionStarted,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/revision")]
async fn start_revision(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<RevisionStarted>,
) -> ApiResult<HttpResponse> {
    let content = body.0.content.into();
    apply_event(&state, p, id.into_inner(), move |a, _| {
        a.start_revision(content)
            .map(|_| ())
            .map_err(content_nested)
    })
    .await
}

/// Adopt the revision in progress.
///
/// The revision becomes current and the earlier version stays on record as superseded (409
/// `no_revision_in_progress`, `no_principles`). It cannot be decided or take effect before the
/// version it supersedes (422 `revision_predates_current`). Signatories carry over to the new
/// version, or are asked to reconfirm, in the same transaction.
#[utoipa::path(
    tag = "agreements", operation_id = "adopt_revision", request_body = AdoptionRecordInput,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `decision_date` (`in_future`, `before_consultation`, `revision_predates_current`: decided before the version it supersedes), `valid_from` (`revision_predates_current`: in force before the version it supersedes), `valid_until`, `decided_by`, `diary_number`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/revision/adoption")]
async fn adopt_revision(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<AdoptionRecordInput>,
) -> ApiResult<HttpResponse> {
    let mut body = body.0;
    let report = body.consultation_report.take().map(Into::into);
    let record = body.into();
    let clock = state.clock.clone();
    // Signatories carry over to the new version, or are asked to reconfirm.
    apply_change(
        &state,
        p,
        id.into_inner(),
        ChangeGuard::ADMINISTRATOR,
        move |conn, a, today, p| {
            let responses = match &report {
                Some(_) => responses_of_working_version(conn, a)?,
                None => Vec::new(),
            };
            let adopted = a.adopt_revision_reporting(record, report, &responses, today)?;
            accession_workflows::follow_revision(conn, a.id(), &adopted, &p.sub, clock.now())
        },
    )
    .await
}

/// Abandon the revision in progress.
///
/// The current version stays in force (409 `no_revision_in_progress`).
#[utoipa::path(
    tag = "agreements", operation_id = "abandon_revision", request_body = Option<NoBody>,
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The agreement after the change", body = AgreementView), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/revision/abandonment")]
async fn abandon_revision(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    apply_event(&state, p, id.into_inner(), |a, _| a.abandon_revision()).await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDone {
    pub kind: ReviewKind,
    pub done_on: NaiveDate,
    /// What was found, or where the report is (markdown).
    #[schema(schema_with = review_summary)]
    pub summary: String,
    /// Who it was reported to: a committee, the council, a conference.
    #[serde(default)]
    pub reported_to: Option<ReportedToInput>,
    /// Where the report is: a diary number, a document's name or address.
    #[serde(default)]
    #[schema(schema_with = document_reference)]
    pub document_reference: Option<String>,
}

/// To whom a follow-up was reported, as a request names it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportedToInput {
    pub kind: ReportKind,
    /// The body as the report names it ("Kommunstyrelsen", "Samverkanskonferensen 2025").
    #[schema(schema_with = reported_to_name)]
    pub name: String,
}

/// To whom a follow-up was reported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportedToView {
    pub kind: ReportKind,
    pub name: String,
}

fn review_summary() -> Field {
    Field::text(limits::SUMMARY_MAX, "Uppföljningen är gjord och redovisad.")
        .described("What was found, or where the report is (markdown).")
}

fn document_reference() -> Field {
    Field::optional_text(limits::DOCUMENT_REFERENCE_MAX)
        .described("Where the report is: a diary number, a document's name or address.")
}

fn reported_to_name() -> Field {
    Field::text(limits::PARTY_NAME_MAX, "Samverkanskonferensen 2025")
        .described("The body as the report names it.")
}

/// A follow-up or evaluation recorded as done: the agreement's one follow-up resource.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub kind: ReviewKind,
    /// The date it was done.
    pub done_on: NaiveDate,
    pub summary: String,
    /// Who recorded it: the token's `sub` (a stable pseudonymous id); null for reviews
    /// recorded before this was kept.
    pub recorded_by: Option<String>,
    /// The party the recorder acted for.
    pub acting_for: RequestingSide,
    pub reported_to: Option<ReportedToView>,
    pub document_reference: Option<String>,
}

impl ReviewView {
    fn of(agreement_id: Uuid, r: &ReviewRecord) -> Self {
        Self {
            id: r.id(),
            agreement_id,
            kind: r.kind(),
            done_on: r.done_on(),
            summary: r.summary().to_owned(),
            recorded_by: Some(r.recorded_by().to_owned()).filter(|s| !s.is_empty()),
            acting_for: r.acting_for(),
            reported_to: r.reported_to().map(|t| ReportedToView {
                kind: t.kind,
                name: t.name.clone(),
            }),
            document_reference: r.document_reference().map(str::to_owned),
        }
    }
}

whole_list_of!(ReviewList, ReviewView);

/// Record a follow-up or evaluation.
///
/// Records a follow-up or evaluation as done, with who recorded it and for which party; the
/// calendar then moves on to the next date (409 `agreement_not_adopted`). The agreement's
/// administrators and co-administrators (the organisations acting for the civil-society
/// party: Blekinge's network writes the yearly follow-up).
#[utoipa::path(
    tag = "agreements", operation_id = "record_review", request_body = ReviewDone,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses((status = 201, description = "The review was recorded", body = ReviewView, headers(("Location" = String))), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `done_on` (`in_future`, `before_adoption`: done before the agreement was adopted), `summary`, `reported_to.name`, `document_reference`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/reviews")]
async fn record_review(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<ReviewDone>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let b = body.0;
    let caller = principal.clone();
    let clock = state.clock.clone();
    let reported_to = b.reported_to.clone();
    let (kind, done_on, summary, reference) = (
        b.kind,
        b.done_on,
        b.summary.clone(),
        b.document_reference.clone(),
    );
    create_once(&state, &req, &principal.sub, &b, move |conn| {
        let mut record = store::get_agreement_for_update(conn, agreement_id)?;
        if !agreement::may_view(Some(&caller), &record.agreement) {
            return Err(ApiError::NotFound);
        }
        require_that(agreement::may_record_review(&caller, &record.agreement))?;
        let review = ReviewInput {
            id: Uuid::now_v7(),
            kind,
            done_on,
            summary: summary.clone(),
            recorded_by: caller.sub.clone(),
            acting_for: agreement::acting_for(&caller, &record.agreement),
            reported_to: reported_to.clone().map(|t| ReportedTo {
                kind: t.kind,
                name: t.name,
            }),
            document_reference: reference.clone(),
        };
        let review_id = review.id;
        let before = record.agreement.clone();
        record.agreement.record_review(review, clock.today())?;
        crate::workflows::changes::agreement(conn, Some(&before), &record.agreement, clock.now())?;
        store::save_agreement(conn, &record.agreement, record.row_version, clock.now())?;
        let saved = record
            .agreement
            .reviews()
            .iter()
            .find(|r| r.id() == review_id)
            .ok_or_else(|| ApiError::Internal("the recorded review is missing".into()))?;
        Created::new(
            format!("/api/v1/agreements/{agreement_id}/reviews/{review_id}"),
            None,
            &ReviewView::of(agreement_id, saved),
        )
    })
    .await
}

/// The agreement, for a caller who runs it (administrators and co-administrators).
fn load_run(
    conn: &mut DbConnection,
    id: Uuid,
    caller: &Principal,
) -> ApiResult<samverkan_persistence::agreements::AgreementRecord> {
    let record = load_visible(conn, id, Some(caller))?;
    require_that(agreement::may_run(caller, &record.agreement))?;
    Ok(record)
}

/// List the agreement's follow-ups and evaluations.
///
/// Every review recorded, oldest first, with who recorded it, for which party and to whom it
/// was reported. The agreement's administrators and co-administrators. Never paged.
#[utoipa::path(
    tag = "agreements", operation_id = "list_reviews",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Every review", body = ReviewList)),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/reviews")]
async fn list_reviews(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let record = state
        .read(move |conn| load_run(conn, id, &principal))
        .await?;
    let items = record
        .agreement
        .reviews()
        .iter()
        .map(|r| ReviewView::of(id, r))
        .collect();
    json_read(
        &req,
        &ReviewList::whole(items),
        None,
        Visibility::Private,
        None,
    )
}

/// Read one follow-up or evaluation.
///
/// The agreement's administrators and co-administrators.
#[utoipa::path(
    tag = "agreements", operation_id = "get_review",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("review_id" = Uuid, Path, description = "The review's id")),
    responses((status = 200, description = "The review", body = ReviewView)),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/reviews/{review_id}")]
async fn get_review(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, review_id) = path.into_inner();
    let record = state
        .read(move |conn| load_run(conn, id, &principal))
        .await?;
    let review = record
        .agreement
        .reviews()
        .iter()
        .find(|r| r.id() == review_id)
        .ok_or(ApiError::NotFound)?;
    json_read(
        &req,
        &ReviewView::of(id, review),
        None,
        Visibility::Private,
        None,
    )
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "filed_on": "2026-02-02",
    "requested_by": "civil_society",
    "reason": "Förändrade förutsättningar för föreningslivet.",
    "requested_date": "2026-09-01",
}))]
pub struct RenegotiationFiled {
    pub filed_on: NaiveDate,
    pub requested_by: RequestingSide,
    /// Which public body asks, when `requested_by` is `public_body`.
    pub public_body_id: Option<Uuid>,
    #[schema(schema_with = renegotiation_reason)]
    pub reason: String,
    pub requested_date: NaiveDate,
}

fn renegotiation_reason() -> Field {
    Field::text(
        limits::REASON_MAX,
        "Förändrade förutsättningar för föreningslivet.",
    )
}

impl RulesBetweenFields for RenegotiationFiled {
    /// `RequestingSide::names_public_body`: required for the sides that name one, absent for
    /// the others.
    fn rules() -> Vec<Value> {
        let naming: Vec<&'static str> = RequestingSide::iter()
            .filter(|s| s.names_public_body())
            .map(RequestingSide::as_str)
            .collect();
        let mut rule = when(
            "requested_by",
            &naming,
            json!({"required": ["public_body_id"], "properties": {"public_body_id": {"type": "string"}}}),
        );
        rule["else"] = json!({"properties": {"public_body_id": {"type": "null"}}});
        vec![rule]
    }
}

/// File a request to renegotiate.
///
/// Records a written request to renegotiate (omförhandling), with who filed it (the token's
/// `sub`). Any party may file one for itself: the administrators of a party public body, or
/// the co-administrators for the civil-society party (403 when the caller does not act for
/// the party named); platform administrators record requests received on paper (409
/// `agreement_not_adopted`). The request starts `filed`.
#[utoipa::path(
    tag = "agreements", operation_id = "file_renegotiation_request", request_body = RenegotiationFiled,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses((status = 201, description = "The request was filed", body = RenegotiationRequest, headers(("Location" = String))), (status = 409, description = "The agreement's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `public_body_id` (`required`, `not_a_party`: the public body is not a party, `not_allowed`), `filed_on` (`in_future`, `before_adoption`: filed before the agreement was adopted), `requested_date` (`before_filed_on`), `reason`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/renegotiation-requests")]
async fn file_renegotiation_request(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    id: Path<Uuid>,
    body: Json<RenegotiationFiled>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let b = body.0;
    let caller = p.clone();
    let clock = state.clock.clone();
    let filed = b.clone();
    create_once(&state, &req, &p.sub, &b, move |conn| {
        let b = filed.clone();
        let mut record = store::get_agreement_for_update(conn, agreement_id)?;
        if !agreement::may_view(Some(&caller), &record.agreement) {
            return Err(ApiError::NotFound);
        }
        require_that(agreement::may_file_renegotiation_request(
            &caller,
            &record.agreement,
        ))?;
        // The party named must be one the caller acts for.
        require_that(agreement::may_file_renegotiation_as(
            &caller,
            &record.agreement,
            b.requested_by,
            b.public_body_id,
        ))?;
        let request = RenegotiationInput {
            id: Uuid::now_v7(),
            filed_on: b.filed_on,
            requested_by: b.requested_by,
            public_body_id: b.public_body_id,
            reason: b.reason,
            requested_date: b.requested_date,
            filed_by: caller.sub.clone(),
        };
        let request_id = request.id;
        let before = record.agreement.clone();
        record
            .agreement
            .file_renegotiation_request(request, clock.today())?;
        crate::workflows::changes::agreement(conn, Some(&before), &record.agreement, clock.now())?;
        store::save_agreement(conn, &record.agreement, record.row_version, clock.now())?;
        let saved = record
            .agreement
            .renegotiation_requests()
            .iter()
            .find(|r| r.id() == request_id)
            .ok_or_else(|| ApiError::Internal("the filed request is missing".into()))?;
        Created::new(
            format!("/api/v1/agreements/{agreement_id}/renegotiation-requests/{request_id}"),
            None,
            &RenegotiationRequest::of(saved, true),
        )
    })
    .await
}

/// One recorded change of the settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsChangeView {
    pub id: Uuid,
    /// When the settings changed.
    pub changed_at: DateTime<Utc>,
    /// Who changed them: the token's `sub`.
    pub changed_by: String,
    /// What changed.
    pub changed: Vec<agreement::RecordedSetting>,
    /// Why, as given with the change.
    pub reason: String,
}

list_of!(AgreementHistory, SettingsChangeView);

/// The agreement's history of settings changes.
///
/// Every change of the approval mode, the accepted channels or the eligibility rules, with
/// who, when, what and why, oldest first. The agreement's administrators and
/// co-administrators.
#[utoipa::path(
    tag = "agreements", operation_id = "get_agreement_history",
    params(("id" = Uuid, Path, description = "The agreement's id"), PageParams),
    responses((status = 200, description = "A page of the history", body = AgreementHistory)),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/history")]
async fn get_agreement_history(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let page = page.page_request(&req, 1)?;
    let after = match page.after.as_deref() {
        None => None,
        Some([key]) => Some(
            key.parse::<Uuid>()
                .map_err(|_| ApiError::bad_parameter("cursor", RequestField::UnknownCursor))?,
        ),
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "cursor",
                RequestField::UnknownCursor,
            ));
        }
    };
    let record = state
        .read(move |conn| load_run(conn, id, &principal))
        .await?;
    let limit = usize::try_from(page.limit).unwrap_or(0);
    let rows: Vec<SettingsChangeView> = record
        .agreement
        .settings_history()
        .iter()
        .filter(|c| after.is_none_or(|after| c.id > after))
        .take(limit + 1)
        .map(|c| SettingsChangeView {
            id: c.id,
            changed_at: c.changed_at,
            changed_by: c.changed_by.clone(),
            changed: c.changed.clone(),
            reason: c.reason.clone(),
        })
        .collect();
    let page = crate::http::seal(
        &req,
        samverkan_persistence::page::Page::from_rows(rows, page.limit, |c| vec![c.id.to_string()]),
    )?;
    let link = crate::http::next_link(&req, page.next_cursor.as_deref());
    json_read(
        &req,
        &AgreementHistory {
            items: page.items,
            next_cursor: page.next_cursor,
        },
        None,
        Visibility::Private,
        link,
    )
}

/// Read one renegotiation request.
///
/// Public for a public agreement, as the list is; who acted is shown to those who run the
/// agreement only.
#[utoipa::path(
    tag = "agreements", operation_id = "get_renegotiation_request",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("request_id" = Uuid, Path, description = "The request's id")),
    responses((status = 200, description = "The request", body = RenegotiationRequest)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/renegotiation-requests/{request_id}")]
async fn get_renegotiation_request(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, request_id) = path.into_inner();
    let runs = caller.clone();
    let record = state
        .read(move |conn| load_visible(conn, id, caller.as_ref()))
        .await?;
    let runner = runs.is_some_and(|p| agreement::may_run(&p, &record.agreement));
    let request = record
        .agreement
        .renegotiation_requests()
        .iter()
        .find(|r| r.id() == request_id)
        .ok_or(ApiError::NotFound)?;
    let visibility = if runner {
        Visibility::Private
    } else {
        Visibility::of_agreement(&record.agreement)
    };
    json_read(
        &req,
        &RenegotiationRequest::of(request, runner),
        None,
        visibility,
        None,
    )
}

/// Ends a filed renegotiation request under the agreement's row lock: `allowed` says who may
/// (403 otherwise), `end` is the domain operation; answers 200 with the request.
async fn end_renegotiation_request(
    state: &AppState,
    caller: Principal,
    agreement_id: Uuid,
    request_id: Uuid,
    allowed: fn(&Principal, &Agreement, &agreement::RenegotiationRequest) -> bool,
    end: impl FnOnce(&mut agreement::RenegotiationRequest, &str, NaiveDate) -> Result<(), DomainError>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let view = state
        .write(move |conn| {
            let mut record = store::get_agreement_for_update(conn, agreement_id)?;
            if !agreement::may_view(Some(&caller), &record.agreement) {
                return Err(ApiError::NotFound);
            }
            let before = record.agreement.clone();
            let agreement_now = record.agreement.clone();
            let request = record
                .agreement
                .renegotiation_request_mut(request_id)
                .ok_or(ApiError::NotFound)?;
            require_that(allowed(&caller, &agreement_now, request))?;
            end(request, &caller.sub, clock.today())?;
            let view = RenegotiationRequest::of(request, true);
            crate::workflows::changes::agreement(
                conn,
                Some(&before),
                &record.agreement,
                clock.now(),
            )?;
            store::save_agreement(conn, &record.agreement, record.row_version, clock.now())?;
            Ok(view)
        })
        .await?;
    changed(&view, None)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "accepted",
    "answered_on": "2026-03-02",
    "decision": "Regionstyrelsen beslutar att inleda omförhandling under hösten.",
}))]
pub struct RenegotiationAnswered {
    pub outcome: agreement::RenegotiationOutcome,
    /// The date of the decision.
    pub answered_on: NaiveDate,
    /// The decision, as the answering side wrote it.
    #[schema(schema_with = renegotiation_reason)]
    pub decision: String,
}

/// Answer a renegotiation request.
///
/// The other side answers a filed request, accepting or declining it, with the date and the
/// decision: a request by a public body is answered for the civil-society party (its
/// co-administrators), one by the civil-society party by the public body's administrators;
/// platform administrators record answers received on paper (403 otherwise). Only a filed
/// request (409 `renegotiation_not_filed`).
#[utoipa::path(
    tag = "agreements", operation_id = "answer_renegotiation_request", request_body = RenegotiationAnswered,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("request_id" = Uuid, Path, description = "The request's id")),
    responses((status = 200, description = "The request, answered", body = RenegotiationRequest), (status = 409, description = "The request is no longer filed; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `answered_on` (`in_future`, `before_filed_on`), `decision`", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/renegotiation-requests/{request_id}/answer")]
async fn answer_renegotiation_request(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<RenegotiationAnswered>,
) -> ApiResult<HttpResponse> {
    let (id, request_id) = path.into_inner();
    let b = body.0;
    end_renegotiation_request(
        &state,
        p,
        id,
        request_id,
        agreement::may_answer_renegotiation,
        move |r, sub, today| {
            r.answer(
                agreement::RenegotiationAnswer {
                    outcome: b.outcome,
                    answered_on: b.answered_on,
                    decision: b.decision,
                    answered_by: sub.to_owned(),
                },
                today,
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"withdrawn_on": "2026-03-02"}))]
pub struct RenegotiationWithdrawn {
    /// The date of the withdrawal.
    pub withdrawn_on: NaiveDate,
}

/// Withdraw a renegotiation request.
///
/// The side that filed a request withdraws it (403 otherwise; platform administrators record
/// withdrawals received on paper). Only a filed request (409 `renegotiation_not_filed`).
#[utoipa::path(
    tag = "agreements", operation_id = "withdraw_renegotiation_request", request_body = RenegotiationWithdrawn,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("request_id" = Uuid, Path, description = "The request's id")),
    responses((status = 200, description = "The request, withdrawn", body = RenegotiationRequest), (status = 409, description = "The request is no longer filed; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem), (status = 422, description = "Invalid values; `errors` names each field: `withdrawn_on` (`in_future`, `before_filed_on`)", content_type = "application/problem+json", body = crate::problem::Problem)),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/renegotiation-requests/{request_id}/withdrawal")]
async fn withdraw_renegotiation_request(
    state: Data<AppState>,
    Authenticated(p): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<RenegotiationWithdrawn>,
) -> ApiResult<HttpResponse> {
    let (id, request_id) = path.into_inner();
    let withdrawn_on = body.0.withdrawn_on;
    end_renegotiation_request(
        &state,
        p,
        id,
        request_id,
        agreement::may_withdraw_renegotiation,
        move |r, sub, today| r.withdraw(withdrawn_on, sub.to_owned(), today),
    )
    .await
}
