//! Action plans: drafts, adoption by the steering group or an external body, closure,
//! activities with their statuses, and voluntary participation. The public reads the
//! adopted and closed plans with their activities and statuses, participants by
//! organisation name only; drafts are for the plan's editors (administrators,
//! co-administrators and seated steering members), 404 to everyone else.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::NaiveDate;
use samverkan_domain::access::Principal;
use samverkan_domain::action_plan::{
    self, ActionPlan, Activity, ActivityInput, ActivityStatus, AdoptingBody, Due, PlanInput,
    PlanState, StatusChange,
};
use samverkan_domain::agreement::Agreement;
use samverkan_domain::change::ChangeType;
use samverkan_domain::steering::{Decision, SteeringGroup, decision_is_valid};
use samverkan_persistence::action_plans::{self as store, PlanRecord};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{StoreError, accessions, parties, steering};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::extract::{Authenticated, Caller, Json};
use crate::http::{Visibility, changed, json_read};
use crate::idempotency::{Created, create_once};
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::state::AppState;
use crate::whole_list_of;
use crate::workflows::agreements::visible_agreement;
use crate::workflows::changes::{PlanSubject, action_plan as record_change};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan)
        .service(list_plans)
        .service(get_plan)
        .service(adopt_plan)
        .service(close_plan)
        .service(add_activity)
        .service(change_activity_status)
        .service(set_participation);
}

// ---------------------------------------------------------------- views

/// The body that adopted a plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdoptedBy {
    /// The agreement's steering group, by its recorded, valid decision of kind
    /// `adopt_action_plan`, taken at a meeting on `decision_date`.
    SteeringGroup {
        decision_id: Uuid,
        decision_date: NaiveDate,
    },
    /// A body outside the agreement, such as a municipal committee.
    ExternalBody {
        #[schema(example = "Kultur- och fritidsnämnden")]
        name: String,
        decision_date: NaiveDate,
        #[schema(example = "KFN 2026/0042")]
        diary_number: String,
    },
}

/// The body adopting a plan, as a request names it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AdoptedByInput {
    /// The agreement's steering group, citing its recorded, valid decision of kind
    /// `adopt_action_plan` (its meeting's date is the decision date).
    SteeringGroup { decision_id: Uuid },
    /// A body outside the agreement, such as a municipal committee.
    ExternalBody {
        #[schema(example = "Kultur- och fritidsnämnden")]
        name: String,
        decision_date: NaiveDate,
        #[schema(example = "KFN 2026/0042")]
        diary_number: String,
    },
}

impl From<&AdoptingBody> for AdoptedBy {
    fn from(b: &AdoptingBody) -> Self {
        match b.clone() {
            AdoptingBody::SteeringGroup {
                decision_id,
                decision_date,
            } => Self::SteeringGroup {
                decision_id,
                decision_date,
            },
            AdoptingBody::ExternalBody {
                name,
                decision_date,
                diary_number,
            } => Self::ExternalBody {
                name,
                decision_date,
                diary_number,
            },
        }
    }
}

/// One change of an activity's status, with its date and note.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeView {
    pub status: ActivityStatus,
    pub on: NaiveDate,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    /// Numbers of the principles of the agreement's current version it serves.
    pub principles: Vec<u32>,
    /// Titles of the development areas of the agreement's current version it serves.
    pub development_areas: Vec<String>,
    pub responsible_parties: Vec<String>,
    /// Due on this day; `null` when it runs over a period.
    pub due_on: Option<NaiveDate>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub status: ActivityStatus,
    /// Every status it has had, oldest first.
    pub history: Vec<StatusChangeView>,
    /// The names of the organisations that opted in, in Swedish order.
    pub participants: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionPlanView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    #[schema(example = "Handlingsplan 2027")]
    pub title: String,
    /// First day the plan covers.
    pub period_from: NaiveDate,
    /// Last day the plan covers (inclusive).
    pub period_to: NaiveDate,
    pub state: PlanState,
    pub adopted_by: Option<AdoptedBy>,
    pub adopted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub activities: Vec<ActivityView>,
}

whole_list_of!(ActionPlanList, ActionPlanView);

/// Organisation names by id, for the participants.
fn names_of(conn: &mut DbConnection, plans: &[&ActionPlan]) -> ApiResult<Vec<(Uuid, String)>> {
    let mut ids: Vec<Uuid> = plans
        .iter()
        .flat_map(|p| p.activities.iter())
        .flat_map(|a| a.participants.iter().copied())
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(parties::organizations_by_ids(conn, &ids)?
        .into_iter()
        .map(|o| (o.id, o.fields.name))
        .collect())
}

fn activity_view(a: &Activity, names: &[(Uuid, String)]) -> ActivityView {
    let (due_on, period_from, period_to) = match a.due {
        Due::On(d) => (Some(d), None, None),
        Due::Period { from, to } => (None, Some(from), Some(to)),
    };
    let mut participants: Vec<String> = a
        .participants
        .iter()
        .filter_map(|id| {
            names
                .iter()
                .find(|(n, _)| n == id)
                .map(|(_, name)| name.clone())
        })
        .collect();
    participants.sort_by_cached_key(|n| samverkan_domain::collation::swedish_sort_key(n));
    ActivityView {
        id: a.id,
        title: a.title.clone(),
        description: a.description.clone(),
        principles: a.principles.clone(),
        development_areas: a.development_areas.clone(),
        responsible_parties: a.responsible_parties.clone(),
        due_on,
        period_from,
        period_to,
        status: a.status(),
        history: a
            .history
            .iter()
            .map(|c| StatusChangeView {
                status: c.status,
                on: c.on,
                note: c.note.clone(),
            })
            .collect(),
        participants,
    }
}

fn plan_view(p: &ActionPlan, names: &[(Uuid, String)]) -> ActionPlanView {
    ActionPlanView {
        id: p.id,
        agreement_id: p.agreement_id,
        title: p.title.clone(),
        period_from: p.period_from,
        period_to: p.period_to,
        state: p.state,
        adopted_by: p.adopted_by.as_ref().map(AdoptedBy::from),
        adopted_on: p.adopted_on,
        closed_on: p.closed_on,
        activities: p
            .activities
            .iter()
            .map(|a| activity_view(a, names))
            .collect(),
    }
}

fn view_of(conn: &mut DbConnection, p: &ActionPlan) -> ApiResult<ActionPlanView> {
    let names = names_of(conn, &[p])?;
    Ok(plan_view(p, &names))
}

// ---------------------------------------------------------------- loading and access

fn location(agreement_id: Uuid, plan_id: Uuid) -> String {
    format!("/api/v1/agreements/{agreement_id}/action-plans/{plan_id}")
}

fn group_of(conn: &mut DbConnection, agreement_id: Uuid) -> ApiResult<Option<SteeringGroup>> {
    match steering::get_group_of_agreement(conn, agreement_id) {
        Ok(g) => Ok(Some(g.group)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn may_edit(
    conn: &mut DbConnection,
    caller: Option<&Principal>,
    a: &Agreement,
    today: NaiveDate,
) -> ApiResult<bool> {
    let Some(principal) = caller else {
        return Ok(false);
    };
    let group = group_of(conn, a.id())?;
    Ok(action_plan::may_edit(principal, a, group.as_ref(), today))
}

/// The agreement and whether the caller edits its plans (403 for a write otherwise).
fn editable_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    caller: &Principal,
    today: NaiveDate,
) -> ApiResult<Agreement> {
    let a = visible_agreement(conn, agreement_id, Some(caller))?;
    require_that(may_edit(conn, Some(caller), &a, today)?)?;
    Ok(a)
}

/// One change of one plan under the agreement's row lock, in the write transaction: load
/// the plan and the agreement's other plans, apply the domain operation, save, record the
/// change.
async fn transition(
    state: &AppState,
    principal: Principal,
    agreement_id: Uuid,
    plan_id: Uuid,
    change: impl FnOnce(
        &mut DbConnection,
        &Agreement,
        &mut ActionPlan,
        &[ActionPlan],
        NaiveDate,
    ) -> ApiResult<(ChangeType, Option<Uuid>)>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let clock = state.clock.clone();
    let (record, view) = state
        .write(move |conn| {
            let today = clock.today();
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let plans = store::plans_of_agreement_for_update(conn, agreement_id)?;
            let Some(before) = plans.iter().find(|r| r.plan.id == plan_id).cloned() else {
                return Err(ApiError::NotFound);
            };
            let others: Vec<ActionPlan> = plans.into_iter().map(|r| r.plan).collect();
            let mut plan = before.plan.clone();
            let (change_type, activity) = change(conn, &a, &mut plan, &others, today)?;
            let now = clock.now();
            let saved = store::save_plan(conn, &plan, before.row_version, now)?;
            let subject = activity.map_or(PlanSubject::Plan, PlanSubject::Activity);
            record_change(conn, change_type, &saved.plan, subject, now)?;
            let view = view_of(conn, &saved.plan)?;
            Ok((saved, view))
        })
        .await?;
    changed(&view, Some(record.row_version))
}

/// An activity named in the path exists in the plan, else 404 like any unknown path id.
fn require_activity(plan: &ActionPlan, activity_id: Uuid) -> ApiResult<()> {
    if plan.activities.iter().any(|a| a.id == activity_id) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn edit_only(
    conn: &mut DbConnection,
    principal: &Principal,
    a: &Agreement,
    today: NaiveDate,
) -> ApiResult<()> {
    require_that(may_edit(conn, Some(principal), a, today)?)
}

// ---------------------------------------------------------------- drafting and reads

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    #[schema(example = "Handlingsplan 2027")]
    pub title: String,
    pub period_from: NaiveDate,
    /// Last day the plan covers (inclusive).
    pub period_to: NaiveDate,
}

/// Draft an action plan.
///
/// A new plan in `draft`, for the agreement's administrators, co-administrators and seated
/// steering members. A plan may be drafted while another is adopted for the same days; only
/// adoption is limited to one plan per day. 422 names a missing `title` or a `period_to`
/// before `period_from`.
#[utoipa::path(
    tag = "action-plans", operation_id = "create_action_plan",
    request_body = PlanRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses(
        (status = 201, description = "The draft was created", body = ActionPlanView, headers(("Location" = String))),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans")]
async fn create_plan(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<PlanRequest>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let request = body.0;
    let input = request.clone();
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let today = clock.today();
        editable_agreement(conn, agreement_id, &caller, today)?;
        let plan = ActionPlan::draft(
            Uuid::now_v7(),
            agreement_id,
            PlanInput {
                title: input.title.clone(),
                period_from: input.period_from,
                period_to: input.period_to,
            },
        )?;
        let now = clock.now();
        let saved = store::insert_plan(conn, &plan, now)?;
        record_change(
            conn,
            ChangeType::ActionPlanDrafted,
            &saved.plan,
            PlanSubject::Plan,
            now,
        )?;
        Created::new(
            location(agreement_id, plan.id),
            Some(saved.row_version),
            &view_of(conn, &saved.plan)?,
        )
    })
    .await
}

/// List the agreement's action plans.
///
/// By period. The public sees the adopted and closed plans; the plan's editors see the
/// drafts too. Never paged.
#[utoipa::path(
    tag = "action-plans", operation_id = "list_action_plans",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The plans", body = ActionPlanList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/action-plans")]
async fn list_plans(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let today = state.today();
    let (a, editor, list) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let editor = may_edit(conn, caller.as_ref(), &a, today)?;
            let records: Vec<PlanRecord> = store::plans_of_agreement(conn, agreement_id)?
                .into_iter()
                .filter(|r| editor || r.plan.is_public())
                .collect();
            let plans: Vec<&ActionPlan> = records.iter().map(|r| &r.plan).collect();
            let names = names_of(conn, &plans)?;
            let items = plans.iter().map(|p| plan_view(p, &names)).collect();
            Ok((a, editor, ActionPlanList::whole(items)))
        })
        .await?;
    let visibility = if editor {
        Visibility::Private
    } else {
        Visibility::of_agreement(&a)
    };
    json_read(&req, &list, None, visibility, None)
}

/// Read one action plan.
///
/// With its activities, their statuses and the names of the organisations taking part. A
/// draft is 404 to anyone but its editors.
#[utoipa::path(
    tag = "action-plans", operation_id = "get_action_plan",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id")),
    responses((status = 200, description = "The plan", body = ActionPlanView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/action-plans/{plan_id}")]
async fn get_plan(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id) = path.into_inner();
    let today = state.today();
    let (a, editor, record, view) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let record = store::get_plan(conn, agreement_id, plan_id)?;
            let editor = may_edit(conn, caller.as_ref(), &a, today)?;
            if !record.plan.is_public() && !editor {
                return Err(ApiError::NotFound);
            }
            let view = view_of(conn, &record.plan)?;
            Ok((a, editor, record, view))
        })
        .await?;
    let visibility = if editor {
        Visibility::Private
    } else {
        Visibility::of_agreement(&a)
    };
    json_read(&req, &view, Some(record.row_version), visibility, None)
}

// ---------------------------------------------------------------- adoption and closure

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionRequest {
    /// The steering group citing its decision, or an external body.
    pub adopted_by: AdoptedByInput,
    /// The day the plan was adopted: on or after the decision, not after today.
    pub adopted_on: NaiveDate,
}

/// Adopt a draft action plan.
///
/// By the steering group, citing its recorded decision of kind `adopt_action_plan` that was
/// valid (balanced and quorate; 422 `decision_not_cited` at `adopted_by.decision_id`
/// otherwise), or by an external body with its name, decision date and diary number. Only one
/// adopted plan covers any given day: 409 `action_plan_overlaps` when another adopted plan
/// covers one of its days; 409 `action_plan_not_draft` when it is not a draft.
#[utoipa::path(
    tag = "action-plans", operation_id = "adopt_action_plan",
    request_body = AdoptionRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan, adopted", body = ActionPlanView),
        (status = 409, description = "The plan's state or another adopted plan forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans/{plan_id}/adoption")]
async fn adopt_plan(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<AdoptionRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id) = path.into_inner();
    let request = body.0;
    let caller = principal.clone();
    transition(
        &state,
        principal,
        agreement_id,
        plan_id,
        move |conn, a, plan, others, today| {
            edit_only(conn, &caller, a, today)?;
            let body = match request.adopted_by {
                AdoptedByInput::SteeringGroup { decision_id } => {
                    cited_decision(conn, agreement_id, decision_id)?
                }
                AdoptedByInput::ExternalBody {
                    name,
                    decision_date,
                    diary_number,
                } => AdoptingBody::ExternalBody {
                    name,
                    decision_date,
                    diary_number,
                },
            };
            plan.adopt(body, request.adopted_on, today, others)?;
            Ok((ChangeType::ActionPlanAdopted, None))
        },
    )
    .await
}

/// The cited decision as the adopting body, when it is a valid `adopt_action_plan`
/// decision of this agreement's group.
fn cited_decision(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    decision_id: Uuid,
) -> ApiResult<AdoptingBody> {
    let unknown = || {
        ApiError::Validation(vec![
            RequestField::UnknownDecision.at("adopted_by.decision_id"),
        ])
    };
    let record = match steering::get_decision(conn, decision_id) {
        Err(StoreError::NotFound) => return Err(unknown()),
        other => other?,
    };
    if record.agreement_id != agreement_id {
        return Err(unknown());
    }
    let group = steering::get_group_of_agreement(conn, agreement_id)?.group;
    let meeting = steering::get_meeting(conn, record.group_id, record.meeting_id)?;
    let decision = Decision::restore(record);
    let valid = decision_is_valid(&group, &meeting, &decision).is_ok();
    Ok(action_plan::check_steering_decision(
        agreement_id,
        &decision,
        valid,
    )?)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureRequest {
    /// The day the plan was closed: not before its adoption, not after today.
    pub closed_on: NaiveDate,
}

/// Close an adopted action plan.
///
/// Its activities no longer change, and its days are free for another plan's adoption.
/// 409 `action_plan_not_adopted` unless it is adopted.
#[utoipa::path(
    tag = "action-plans", operation_id = "close_action_plan",
    request_body = ClosureRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan, closed", body = ActionPlanView),
        (status = 409, description = "The plan's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans/{plan_id}/closure")]
async fn close_plan(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<ClosureRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id) = path.into_inner();
    let closed_on = body.0.closed_on;
    let caller = principal.clone();
    transition(
        &state,
        principal,
        agreement_id,
        plan_id,
        move |conn, a, plan, _, today| {
            edit_only(conn, &caller, a, today)?;
            plan.close(closed_on, today)?;
            Ok((ChangeType::ActionPlanClosed, None))
        },
    )
    .await
}

// ---------------------------------------------------------------- activities

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityRequest {
    #[schema(example = "Gemensam dialogträff om lokaler")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Numbers of principles of the agreement's current version.
    #[serde(default)]
    pub principles: Vec<u32>,
    /// Titles of development areas of the agreement's current version.
    #[serde(default)]
    pub development_areas: Vec<String>,
    #[serde(default)]
    pub responsible_parties: Vec<String>,
    /// A due date, or else `period_from` and `period_to`.
    pub due_on: Option<NaiveDate>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
}

/// Add an activity to a plan.
///
/// It starts `planned`. Its principles and development areas must exist in the agreement's
/// current version (422 `unknown_principle` / `unknown_development_area` naming the entry);
/// a due date or a period, not both (422 `due_or_period`). 409 `action_plan_closed` on a
/// closed plan.
#[utoipa::path(
    tag = "action-plans", operation_id = "add_action_plan_activity",
    request_body = ActivityRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id"), ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body returns the original response")),
    responses(
        (status = 201, description = "The plan with the activity added", body = ActionPlanView, headers(("Location" = String))),
        (status = 409, description = "The plan's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans/{plan_id}/activities")]
async fn add_activity(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<ActivityRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id) = path.into_inner();
    let request = body.0;
    let r = request.clone();
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let today = clock.today();
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        let before = store::plans_of_agreement_for_update(conn, agreement_id)?
            .into_iter()
            .find(|p| p.plan.id == plan_id)
            .ok_or(ApiError::NotFound)?;
        edit_only(conn, &caller, &a, today)?;
        let content = a.current_version().map(|v| v.content());
        let id = Uuid::now_v7();
        let mut plan = before.plan.clone();
        let r = r.clone();
        plan.add_activity(
            id,
            ActivityInput {
                title: r.title,
                description: r.description,
                principles: r.principles,
                development_areas: r.development_areas,
                responsible_parties: r.responsible_parties,
                due_on: r.due_on,
                period_from: r.period_from,
                period_to: r.period_to,
            },
            content,
            today,
            &caller.sub,
        )?;
        let now = clock.now();
        let saved = store::save_plan(conn, &plan, before.row_version, now)?;
        record_change(
            conn,
            ChangeType::ActionPlanActivityAdded,
            &saved.plan,
            PlanSubject::Activity(id),
            now,
        )?;
        Created::new(
            location(agreement_id, plan_id),
            Some(saved.row_version),
            &view_of(conn, &saved.plan)?,
        )
    })
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    /// `in_progress`, `done` or `cancelled`.
    pub status: ActivityStatus,
    /// The day of the change: not before the last change, not after today.
    pub on: NaiveDate,
    /// What happened.
    pub note: String,
}

/// Change an activity's status.
///
/// `planned` → `in_progress` → `done` / `cancelled` (a planned activity may also be done or
/// cancelled directly), each with a dated note. 409 `activity_status_transition` otherwise.
#[utoipa::path(
    tag = "action-plans", operation_id = "change_action_plan_activity_status",
    request_body = StatusChangeRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id")),
    responses(
        (status = 200, description = "The plan after the change", body = ActionPlanView),
        (status = 409, description = "The activity's or plan's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans/{plan_id}/activities/{activity_id}/status-changes")]
async fn change_activity_status(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid, Uuid)>,
    body: Json<StatusChangeRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id, activity_id) = path.into_inner();
    let r = body.0;
    let caller = principal.clone();
    transition(
        &state,
        principal,
        agreement_id,
        plan_id,
        move |conn, a, plan, _, today| {
            edit_only(conn, &caller, a, today)?;
            require_activity(plan, activity_id)?;
            plan.change_activity_status(
                activity_id,
                StatusChange {
                    status: r.status,
                    on: r.on,
                    note: r.note,
                    by: caller.sub.clone(),
                },
                today,
            )?;
            Ok((
                ChangeType::ActionPlanActivityStatusChanged,
                Some(activity_id),
            ))
        },
    )
    .await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipationRequest {
    /// The signatory organisation opting in or out.
    pub organization_id: Uuid,
    pub participating: bool,
}

/// Opt an organisation in or out.
///
/// Participation is voluntary: a representative of a current signatory organisation opts
/// its own organisation in or out (403 for another organisation), and the agreement's
/// administrators may do it on its behalf. 409 `not_signatory` for an organisation that is
/// not a current signatory.
#[utoipa::path(
    tag = "action-plans", operation_id = "set_action_plan_participation",
    request_body = ParticipationRequest,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("plan_id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id")),
    responses(
        (status = 200, description = "The plan after the change", body = ActionPlanView),
        (status = 409, description = "The plan's state or the organisation's membership forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/action-plans/{plan_id}/activities/{activity_id}/participation")]
async fn set_participation(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid, Uuid)>,
    body: Json<ParticipationRequest>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, plan_id, activity_id) = path.into_inner();
    let r = body.0;
    let clock = state.clock.clone();
    let (record, view) = state
        .write(move |conn| {
            let today = clock.today();
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            require_that(action_plan::may_set_participation(
                &principal,
                &a,
                r.organization_id,
            ))?;
            let plans = store::plans_of_agreement_for_update(conn, agreement_id)?;
            let Some(before) = plans.into_iter().find(|p| p.plan.id == plan_id) else {
                return Err(ApiError::NotFound);
            };
            let signatories = accessions::approved_of(conn, agreement_id)?
                .into_iter()
                .filter(|r| r.accession.is_signatory_on(today))
                .map(|r| r.accession.signatory().id())
                .collect();
            require_activity(&before.plan, activity_id)?;
            let mut plan = before.plan.clone();
            let changed_any = plan.set_participation(
                activity_id,
                r.organization_id,
                r.participating,
                &signatories,
            )?;
            if !changed_any {
                let view = view_of(conn, &before.plan)?;
                return Ok((before, view));
            }
            let now = clock.now();
            let saved = store::save_plan(conn, &plan, before.row_version, now)?;
            let name = parties::organizations_by_ids(conn, &[r.organization_id])?
                .pop()
                .map(|o| o.fields.name)
                .unwrap_or_default();
            record_change(
                conn,
                ChangeType::ActionPlanParticipationChanged,
                &saved.plan,
                PlanSubject::Participation {
                    activity_id,
                    organization_name: &name,
                    participating: r.participating,
                },
                now,
            )?;
            let view = view_of(conn, &saved.plan)?;
            Ok((saved, view))
        })
        .await?;
    changed(&view, Some(record.row_version))
}
