//! Steering groups: configuration, appointments and terms, composition and parity on any
//! date, meetings with attendance and quorum, decisions. Public reads follow the agreement's
//! visibility and show names, titles, sides, seats, roles and appointing parties — nothing
//! more personal (the login link `person_ref` is never published).

use crate::workflows::changes::{SteeringSubject, steering_group as record_change};
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::access::Principal;
use samverkan_domain::change::ChangeType;
use samverkan_domain::steering::{
    self, Decision, DecisionKind, DecisionRecord, GroupConfig, GroupKind, Meeting, MemberRole,
    Membership, NAME_MAX, Seat, Side, SteeringGroup,
};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::steering::{self as store, GroupRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::contract::steering::{
    Appointer, Appointment, DecisionInput, GroupConfigInput, MeetingInput, MinutesInput,
    PlannedMeetingInput, Quorum, SideComposition, default_term_months, seats_per_side,
};
use crate::extract::{Authenticated, Caller, Json, double_option};
use crate::http::{Visibility, changed, if_match_version, json_read};
use crate::idempotency::{Created, create_once};
use crate::problem::{ApiError, ApiResult};
use crate::schemas::Field;
use crate::state::AppState;
use crate::whole_list_of;
use crate::workflows::agreements::visible_agreement;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_group)
        .service(create_group)
        .service(reconfigure_group)
        .service(list_memberships)
        .service(appoint)
        .service(end_term)
        .service(list_meetings)
        .service(record_meeting)
        .service(plan_meeting)
        .service(record_minutes)
        .service(get_meeting)
        .service(record_decision);
}

// ---------------------------------------------------------------- views

/// A seat held for a term. The person's login link is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub id: Uuid,
    #[schema(example = "Kim Exempelsson")]
    pub person_name: String,
    #[schema(example = "Kommunalråd")]
    pub title: Option<String>,
    pub side: Side,
    pub seat: Seat,
    pub role: MemberRole,
    pub appointed_by: Appointer,
    pub term_start: NaiveDate,
    /// Last day in office, inclusive; null until further notice.
    pub term_end: Option<NaiveDate>,
}

impl From<&Membership> for MemberView {
    fn from(m: &Membership) -> Self {
        Self {
            id: m.id(),
            person_name: m.person_name().to_owned(),
            title: m.title().map(str::to_owned),
            side: m.side(),
            seat: m.seat(),
            role: m.role(),
            appointed_by: m.appointed_by().into(),
            term_start: m.term_start(),
            term_end: m.term_end(),
        }
    }
}

/// Who sits on the group on `as_of`, seats filled and vacant per side, and parity.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompositionView {
    pub as_of: NaiveDate,
    pub members: Vec<MemberView>,
    pub public_sector: SideComposition,
    pub civil_society: SideComposition,
    /// Equal ordinary members on both sides: the group may decide only while balanced.
    pub balanced: bool,
    pub chair: Option<Uuid>,
    pub vice_chair: Option<Uuid>,
}

impl CompositionView {
    fn of(group: &SteeringGroup, as_of: NaiveDate) -> Self {
        let c = group.composition(as_of);
        Self {
            as_of,
            members: c.members.iter().map(MemberView::from).collect(),
            public_sector: c.public_sector.into(),
            civil_society: c.civil_society.into(),
            balanced: c.balanced,
            chair: c.chair,
            vice_chair: c.vice_chair,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    #[schema(example = "Styrgruppen för Överenskommelsen")]
    pub name: String,
    pub kind: GroupKind,
    /// Ordinary seats per side; null means parity without a fixed size.
    pub ordinary_seats_per_side: Option<u32>,
    pub deputies_allowed: bool,
    pub chair_and_vice_chair_from_different_sides: bool,
    pub default_term_months: Option<u32>,
    pub composition: CompositionView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl GroupView {
    fn of(record: &GroupRecord, as_of: NaiveDate) -> Self {
        let g = &record.group;
        Self {
            id: g.id(),
            agreement_id: g.agreement_id(),
            name: g.config().name().to_owned(),
            kind: g.config().kind(),
            ordinary_seats_per_side: g.config().ordinary_seats_per_side(),
            deputies_allowed: g.config().deputies_allowed(),
            chair_and_vice_chair_from_different_sides: g
                .config()
                .chair_and_vice_chair_from_different_sides(),
            default_term_months: g.config().default_term_months(),
            composition: CompositionView::of(g, as_of),
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_date: NaiveDate,
    pub kind: DecisionKind,
    pub subject: String,
    /// The record the decision concerns (an accession's id for approve/reject_accession).
    pub subject_id: Option<Uuid>,
    pub text: String,
}

impl From<&DecisionRecord> for DecisionView {
    fn from(d: &DecisionRecord) -> Self {
        Self {
            id: d.id,
            meeting_id: d.meeting_id,
            meeting_date: d.meeting_date,
            kind: d.kind,
            subject: d.subject.clone(),
            subject_id: d.subject_id,
            text: d.text.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub date: NaiveDate,
    /// Planned for its date and not yet held: no attendance, no minutes and no decisions
    /// until its minutes are recorded (`POST …/meetings/{meeting_id}/minutes`).
    pub planned: bool,
    pub minutes_reference: Option<String>,
    /// Membership ids of the members present.
    pub present: Vec<Uuid>,
    /// Per side: ordinary members present, deputies standing in for absent ones, and the
    /// count required. Adjuncts never count.
    pub quorum: Quorum,
    /// Whether the group was balanced on the meeting's date.
    pub group_balanced: bool,
    pub decisions: Vec<DecisionView>,
}

impl MeetingView {
    fn of(
        group: &SteeringGroup,
        meeting: &Meeting,
        decisions: &[DecisionRecord],
    ) -> ApiResult<Self> {
        Ok(Self {
            id: meeting.id(),
            date: meeting.date(),
            planned: meeting.is_planned(),
            minutes_reference: meeting.minutes_reference().map(str::to_owned),
            present: meeting.present().to_vec(),
            quorum: group.quorum(meeting)?.into(),
            group_balanced: group.composition(meeting.date()).balanced,
            decisions: decisions
                .iter()
                .filter(|d| d.meeting_id == meeting.id())
                .map(DecisionView::from)
                .collect(),
        })
    }
}

whole_list_of!(MemberList, MemberView);
whole_list_of!(MeetingList, MeetingView);

// ---------------------------------------------------------------- loading

fn path_prefix(agreement_id: Uuid) -> String {
    format!("/api/v1/agreements/{agreement_id}/steering-group")
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The date the composition is shown for (default: today).
    #[serde(default, deserialize_with = "crate::extract::as_of")]
    pub as_of: Option<NaiveDate>,
}

// ---------------------------------------------------------------- reads

/// Read the steering group and its composition.
///
/// The agreement's steering group with its composition on `as_of` (default today): members in
/// office, ordinary seats filled and vacant per side, and whether it is balanced. Its `ETag` is
/// what a reconfiguration's `If-Match` names.
#[utoipa::path(
    tag = "steering", operation_id = "get_steering_group",
    params(("id" = Uuid, Path, description = "The agreement's id"), AsOfQuery),
    responses((status = 200, description = "The group and its composition", body = GroupView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/steering-group")]
async fn get_group(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    query: Query<AsOfQuery>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, record) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            Ok((a, store::get_group_of_agreement(conn, agreement_id)?))
        })
        .await?;
    let view = GroupView::of(&record, query.as_of.unwrap_or(state.today()));
    json_read(
        &req,
        &view,
        Some(record.row_version),
        Visibility::of_agreement(&a),
        None,
    )
}

/// List every membership of the group.
///
/// Past, present and future memberships, by term start. Never paged.
#[utoipa::path(
    tag = "steering", operation_id = "list_steering_memberships",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Every membership", body = MemberList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/steering-group/memberships")]
async fn list_memberships(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, record) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            Ok((a, store::get_group_of_agreement(conn, agreement_id)?))
        })
        .await?;
    let items = record
        .group
        .memberships()
        .iter()
        .map(MemberView::from)
        .collect();
    json_read(
        &req,
        &MemberList::whole(items),
        None,
        Visibility::of_agreement(&a),
        None,
    )
}

/// List the group's meetings.
///
/// Oldest first, each with attendance, quorum and decisions. Never paged.
#[utoipa::path(
    tag = "steering", operation_id = "list_steering_meetings",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Every meeting", body = MeetingList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/steering-group/meetings")]
async fn list_meetings(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, record, meetings, decisions) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let record = store::get_group_of_agreement(conn, agreement_id)?;
            let meetings = store::meetings_of(conn, record.group.id())?;
            let decisions = store::decisions_of(conn, record.group.id(), None)?;
            Ok((a, record, meetings, decisions))
        })
        .await?;
    let items = meetings
        .iter()
        .map(|m| MeetingView::of(&record.group, m, &decisions))
        .collect::<ApiResult<Vec<_>>>()?;
    json_read(
        &req,
        &MeetingList::whole(items),
        None,
        Visibility::of_agreement(&a),
        None,
    )
}

/// Read one meeting of the group.
///
/// The meeting with attendance, quorum and decisions.
#[utoipa::path(
    tag = "steering", operation_id = "get_steering_meeting",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("meeting_id" = Uuid, Path, description = "The meeting's id")),
    responses((status = 200, description = "The meeting", body = MeetingView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/steering-group/meetings/{meeting_id}")]
async fn get_meeting(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, meeting_id) = path.into_inner();
    let (a, record, meeting, decisions) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            let record = store::get_group_of_agreement(conn, agreement_id)?;
            let meeting = store::get_meeting(conn, record.group.id(), meeting_id)?;
            let decisions = store::decisions_of(conn, record.group.id(), Some(meeting_id))?;
            Ok((a, record, meeting, decisions))
        })
        .await?;
    let view = MeetingView::of(&record.group, &meeting, &decisions)?;
    json_read(&req, &view, None, Visibility::of_agreement(&a), None)
}

// ---------------------------------------------------------------- writes

/// Configure the agreement's steering group.
///
/// One per agreement (409 `steering_group_exists`). The agreement's administrators and platform
/// administrators.
#[utoipa::path(
    tag = "steering", operation_id = "create_steering_group",
    request_body = GroupConfigInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The group was configured", body = GroupView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The steering group's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group")]
async fn create_group(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<GroupConfigInput>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let input = body.0;
    let config = GroupConfig::parse(&input.clone().into())?;
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &input, move |conn| {
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        require_that(steering::may_configure(&caller, a.owner_public_body_id()))?;
        let group = SteeringGroup::new(Uuid::now_v7(), agreement_id, config.clone());
        let record = store::insert_group(conn, &group, clock.now())?;
        record_change(
            conn,
            ChangeType::SteeringGroupCreated,
            agreement_id,
            group.id(),
            SteeringSubject::Group,
            clock.now(),
        )?;
        Created::new(
            path_prefix(agreement_id),
            Some(record.row_version),
            &GroupView::of(&record, clock.today()),
        )
    })
    .await
}

/// Configuration fields to change; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupConfigPatch {
    #[schema(schema_with = group_name_patch)]
    pub name: Option<String>,
    pub kind: Option<GroupKind>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = seats_per_side)]
    pub ordinary_seats_per_side: Option<Option<u32>>,
    pub deputies_allowed: Option<bool>,
    pub chair_and_vice_chair_from_different_sides: Option<bool>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = default_term_months)]
    pub default_term_months: Option<Option<u32>>,
}

fn group_name_patch() -> Field {
    Field::nullable_text(NAME_MAX, "Styrgruppen för överenskommelsen")
}

/// Change the steering group's configuration.
///
/// Every membership, past ones included, must still satisfy the rules under the new
/// configuration (409 `seat_limit`, `deputies_not_allowed`, `chair_same_side`). Needs
/// `If-Match`.
#[utoipa::path(
    tag = "steering", operation_id = "reconfigure_steering_group",
    request_body = GroupConfigPatch,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("If-Match" = String, Header, description = "The ETag of the last read")),
    responses(
        (status = 200, description = "The reconfigured group", body = GroupView),
        (status = 409, description = "The steering group's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[patch("/agreements/{id}/steering-group")]
async fn reconfigure_group(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<GroupConfigPatch>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let expected = if_match_version(&req)?;
    let patch = body.0;
    let clock = state.clock.clone();
    let record = state
        .write(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            require_that(steering::may_configure(
                &principal,
                a.owner_public_body_id(),
            ))?;
            let mut record = store::get_group_for_update(conn, agreement_id)?;
            if record.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let c = record.group.config().to_input();
            let config = GroupConfig::parse(&steering::GroupConfigInput {
                name: patch.name.unwrap_or(c.name),
                kind: patch.kind.unwrap_or(c.kind),
                ordinary_seats_per_side: patch
                    .ordinary_seats_per_side
                    .unwrap_or(c.ordinary_seats_per_side),
                deputies_allowed: patch.deputies_allowed.unwrap_or(c.deputies_allowed),
                chair_and_vice_chair_from_different_sides: patch
                    .chair_and_vice_chair_from_different_sides
                    .unwrap_or(c.chair_and_vice_chair_from_different_sides),
                default_term_months: patch.default_term_months.unwrap_or(c.default_term_months),
            })?;
            record
                .group
                .reconfigure(config)
                .map_err(samverkan_domain::DomainError::from)?;
            record_change(
                conn,
                ChangeType::SteeringGroupReconfigured,
                agreement_id,
                record.group.id(),
                SteeringSubject::Group,
                clock.now(),
            )?;
            Ok(store::update_config(
                conn,
                &record.group,
                expected,
                clock.now(),
            )?)
        })
        .await?;
    changed(
        &GroupView::of(&record, state.today()),
        Some(record.row_version),
    )
}

/// Appoint a member for a term.
///
/// Each side appoints its own: a public-sector seat by a public body, a civil-society seat by
/// an organisation or network (422 `appointed_by_other_side` at `appointed_by`); deputies only
/// where the group has them (422 `deputies_not_allowed` at `seat`). With a fixed size a side
/// never holds more ordinary members than its seats on any day of the new term (409
/// `seat_limit`); a person holds one seat at a time (`person_already_seated`); one chair and
/// one vice-chair at a time (`chair_taken`, `vice_chair_taken`), from different sides where the
/// group requires it (`chair_same_side`). Adjuncts never count toward parity, quorum or votes.
#[utoipa::path(
    tag = "steering", operation_id = "appoint_steering_member",
    request_body = Appointment,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The member was appointed", body = MemberView, headers(("Location" = String))),
        (status = 409, description = "The steering group's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "Invalid values; `errors` names each field: `appointed_by` (`appointed_by_other_side`), `seat` (`deputies_not_allowed`), `role` (`ordinary_seat_required`), `term_end` (`before_start`), `person_name`, …", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/memberships")]
async fn appoint(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<Appointment>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let appointment = body.0;
    let caller = principal.clone();
    let request = appointment.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        let appointment: steering::Appointment = appointment.clone().into();
        require_that(steering::may_appoint(&caller, &a, appointment.side))?;
        let mut record = store::get_group_for_update(conn, agreement_id)?;
        let membership = record.group.appoint(Uuid::now_v7(), &appointment)?.clone();
        store::insert_membership(conn, record.group.id(), &membership, clock.now())?;
        record_change(
            conn,
            ChangeType::SteeringGroupMemberAppointed,
            agreement_id,
            record.group.id(),
            SteeringSubject::Membership(&membership),
            clock.now(),
        )?;
        Created::new(
            format!(
                "{}/memberships/{}",
                path_prefix(agreement_id),
                membership.id()
            ),
            None,
            &MemberView::from(&membership),
        )
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermEnd {
    /// The member's last day in office (inclusive). A term can be shortened, not extended.
    pub last_day: NaiveDate,
}

/// End a member's term on a date.
///
/// A term can be brought forward, not extended (a later end is a new appointment: 422
/// `term_already_ended`), nor end before it began (422 `before_start`).
#[utoipa::path(
    tag = "steering", operation_id = "end_steering_term",
    request_body = TermEnd,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("membership_id" = Uuid, Path, description = "The membership's id")),
    responses(
        (status = 200, description = "The membership with its new last day", body = MemberView),
        (status = 422, description = "Invalid values; `errors` names the field: `last_day` (`term_already_ended`: after the term's recorded end, `before_start`: before the term began)", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/memberships/{membership_id}/term-end")]
async fn end_term(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<TermEnd>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, membership_id) = path.into_inner();
    let last_day = body.0.last_day;
    let clock = state.clock.clone();
    let member = state
        .write(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let mut record = store::get_group_for_update(conn, agreement_id)?;
            let Some(side) = record.group.membership(membership_id).map(|m| m.side()) else {
                return Err(ApiError::NotFound);
            };
            require_that(steering::may_appoint(&principal, &a, side))?;
            let m = record.group.end_term(membership_id, last_day)?.clone();
            store::set_term_end(conn, m.id(), m.term_end())?;
            record_change(
                conn,
                ChangeType::SteeringGroupTermEnded,
                agreement_id,
                record.group.id(),
                SteeringSubject::Membership(&m),
                clock.now(),
            )?;
            Ok(m)
        })
        .await?;
    let view = MemberView::from(&member);
    changed(&view, None)
}

/// The steering group of a visible agreement, locked for a new meeting on `date`, once the
/// caller may record (or plan) a meeting on that date: the preamble of recording and
/// planning a meeting.
fn group_for_meeting(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    caller: &Principal,
    date: NaiveDate,
) -> ApiResult<GroupRecord> {
    let a = visible_agreement(conn, agreement_id, Some(caller))?;
    let record = store::get_group_for_update(conn, agreement_id)?;
    require_that(steering::may_record_meeting(
        caller,
        a.owner_public_body_id(),
        &record.group,
        date,
    ))?;
    Ok(record)
}

/// Record a meeting with its attendance.
///
/// Present ids must be members in office on the date. The agreement's administrators, and a
/// `steering_member` who sits on the group on that date.
#[utoipa::path(
    tag = "steering", operation_id = "record_steering_meeting",
    request_body = MeetingInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses((status = 201, description = "The meeting was recorded", body = MeetingView, headers(("Location" = String)))),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/meetings")]
async fn record_meeting(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<MeetingInput>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let input = body.0;
    let caller = principal.clone();
    let request = input.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let record = group_for_meeting(conn, agreement_id, &caller, input.date)?;
        let input: samverkan_domain::steering::MeetingInput = input.clone().into();
        let meeting = record
            .group
            .record_meeting(Uuid::now_v7(), &input, clock.today())?;
        store::insert_meeting(conn, &meeting, clock.now())?;
        record_change(
            conn,
            ChangeType::SteeringGroupMeetingHeld,
            agreement_id,
            record.group.id(),
            SteeringSubject::Meeting(&meeting),
            clock.now(),
        )?;
        Created::new(
            format!("{}/meetings/{}", path_prefix(agreement_id), meeting.id()),
            None,
            &MeetingView::of(&record.group, &meeting, &[])?,
        )
    })
    .await
}

/// Plan a meeting.
///
/// A meeting the group will hold, dated today or later (422 `date`: `planned_in_past`). It
/// holds no decisions (409 `meeting_not_held`) until its minutes mark it held. The same people
/// who may record a meeting on that date.
#[utoipa::path(
    tag = "steering", operation_id = "plan_steering_meeting",
    request_body = PlannedMeetingInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses((status = 201, description = "The meeting was planned", body = MeetingView, headers(("Location" = String)))),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/planned-meetings")]
async fn plan_meeting(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<PlannedMeetingInput>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let input = body.0;
    let caller = principal.clone();
    let request = input.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let record = group_for_meeting(conn, agreement_id, &caller, input.date)?;
        let meeting = record
            .group
            .plan_meeting(Uuid::now_v7(), input.date, clock.today())?;
        store::insert_meeting(conn, &meeting, clock.now())?;
        record_change(
            conn,
            ChangeType::SteeringGroupMeetingPlanned,
            agreement_id,
            record.group.id(),
            SteeringSubject::Meeting(&meeting),
            clock.now(),
        )?;
        Created::new(
            format!("{}/meetings/{}", path_prefix(agreement_id), meeting.id()),
            None,
            &MeetingView::of(&record.group, &meeting, &[])?,
        )
    })
    .await
}

/// Record a planned meeting's minutes.
///
/// Marks the planned meeting held, with its attendance and minutes: on or after its date (409
/// `meeting_date_not_reached`), once (409 `meeting_already_held`); present ids must be members
/// in office on the date. Decisions can then be recorded at it.
#[utoipa::path(
    tag = "steering", operation_id = "record_steering_minutes",
    request_body = MinutesInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("meeting_id" = Uuid, Path, description = "The meeting's id")),
    responses(
        (status = 200, description = "The meeting, now held", body = MeetingView),
        (status = 409, description = "The steering group's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/meetings/{meeting_id}/minutes")]
async fn record_minutes(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<MinutesInput>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, meeting_id) = path.into_inner();
    let input = body.0;
    let clock = state.clock.clone();
    let view = state
        .write(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let record = store::get_group_for_update(conn, agreement_id)?;
            let planned = store::get_meeting(conn, record.group.id(), meeting_id)?;
            require_that(steering::may_record_decision(
                &principal,
                a.owner_public_body_id(),
                &record.group,
                &planned,
            ))?;
            let held = record.group.hold_meeting(
                &planned,
                &input.present,
                input.minutes_reference.as_deref(),
                clock.today(),
            )?;
            store::hold_meeting(conn, &held)?;
            record_change(
                conn,
                ChangeType::SteeringGroupMeetingHeld,
                agreement_id,
                record.group.id(),
                SteeringSubject::Meeting(&held),
                clock.now(),
            )?;
            MeetingView::of(&record.group, &held, &[])
        })
        .await?;
    changed(&view, None)
}

/// Record a decision taken at a meeting.
///
/// Valid only when the group was balanced on the meeting's date (409 `group_unbalanced`) and
/// the meeting was quorate (409 `meeting_not_quorate`): for each side, the present ordinary
/// members plus deputies standing in for absent ordinary members of that side reach at least
/// half of the side's seats (without a fixed size, half of its ordinary members in office).
/// `approve_accession` and `reject_accession` decisions name the accession as `subject_id`.
#[utoipa::path(
    tag = "steering", operation_id = "record_steering_decision",
    request_body = DecisionInput,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("meeting_id" = Uuid, Path, description = "The meeting's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The decision was recorded", body = DecisionView, headers(("Location" = String))),
        (status = 409, description = "The steering group's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/steering-group/meetings/{meeting_id}/decisions")]
async fn record_decision(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<DecisionInput>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, meeting_id) = path.into_inner();
    let input = body.0;
    let caller = principal.clone();
    let request = input.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        let record = store::get_group_for_update(conn, agreement_id)?;
        let meeting = store::get_meeting(conn, record.group.id(), meeting_id)?;
        require_that(steering::may_record_decision(
            &caller,
            a.owner_public_body_id(),
            &record.group,
            &meeting,
        ))?;
        let input: samverkan_domain::steering::DecisionInput = input.clone().into();
        let subject_agreement = match input.subject_id {
            Some(id) => match samverkan_persistence::accessions::agreement_of(conn, id) {
                Ok(agreement) => Some(agreement),
                Err(samverkan_persistence::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        input.require_known_subject(agreement_id, subject_agreement)?;
        let decision: Decision = record
            .group
            .record_decision(&meeting, Uuid::now_v7(), &input)?;
        let stored = decision.to_record();
        store::insert_decision(conn, &stored, clock.now())?;
        record_change(
            conn,
            ChangeType::SteeringGroupDecisionRecorded,
            agreement_id,
            record.group.id(),
            SteeringSubject::Decision {
                meeting: &meeting,
                decision_id: stored.id,
            },
            clock.now(),
        )?;
        Created::new(
            format!("{}/meetings/{}", path_prefix(agreement_id), meeting_id),
            None,
            &DecisionView::from(&stored),
        )
    })
    .await
}
