//! Dialogue meetings and conferences (issue 17): announced to the agreement's signatories,
//! registered for by their representatives, rescheduled or cancelled with their history,
//! followed by attendance and minutes, and published as an iCalendar feed. Public reads
//! follow the agreement's visibility and never show an attendee's name: only the registering
//! signatory's representatives and the agreement's administrators read registrations.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use samverkan_domain::access::Principal;
use samverkan_domain::accession::Signatory;
use samverkan_domain::agreement::Agreement;
use samverkan_domain::change::ChangeType;
use samverkan_domain::dialogue::{
    self, DialogueEvent, EventChange, EventInput, EventKind, EventStatus, Minutes,
};
use samverkan_persistence::accessions::{self as accession_store, SignatoryQuery};
use samverkan_persistence::dialogue::{self as store, EventRecord, Invitation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::contract::changes::ChangeSignatory;
use crate::extract::{Authenticated, Caller, Json};
use crate::http::{Visibility, cached_read, changed, json_read};
use crate::idempotency::{Created, create_once};
use crate::problem::ApiResult;
use crate::render::ical;
use crate::schemas::Field;
use crate::state::AppState;
use crate::whole_list_of;
use crate::workflows::agreements::visible_agreement;
use crate::workflows::changes::{DialogueSubject, dialogue_event as record_change};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events)
        .service(calendar)
        .service(announce)
        .service(get_event)
        .service(reschedule)
        .service(cancel)
        .service(register)
        .service(list_registrations)
        .service(record_attendance);
}

// ---------------------------------------------------------------- bodies and views

/// An event to announce. Instants are RFC 3339 in UTC; `time_zone` is how clients and the
/// iCalendar feed show them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    pub kind: EventKind,
    #[schema(schema_with = event_title)]
    pub title: String,
    #[schema(example = "2027-03-10T14:00:00Z")]
    pub starts_at: DateTime<Utc>,
    #[schema(example = "2027-03-10T16:00:00Z")]
    pub ends_at: DateTime<Utc>,
    /// The only zone is `Europe/Stockholm`.
    #[schema(example = "Europe/Stockholm")]
    pub time_zone: String,
    /// A place, or an online link (at least one).
    #[schema(schema_with = event_place)]
    pub place: Option<String>,
    #[schema(schema_with = event_link)]
    pub online_link: Option<String>,
    #[schema(schema_with = long_text)]
    pub description: Option<String>,
    /// A party of the agreement: one of its public bodies, or its civil-society network.
    pub organiser_party_id: Uuid,
    /// Places; null for no limit.
    #[schema(schema_with = capacity)]
    pub capacity: Option<u32>,
    /// No later than the start.
    pub registration_closes_at: DateTime<Utc>,
}

impl From<EventBody> for EventInput {
    fn from(b: EventBody) -> Self {
        Self {
            kind: b.kind,
            title: b.title,
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            time_zone: b.time_zone,
            place: b.place,
            online_link: b.online_link,
            description: b.description,
            organiser_party_id: b.organiser_party_id,
            capacity: b.capacity,
            registration_closes_at: b.registration_closes_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MinutesView {
    pub attended: u32,
    pub summary: String,
    pub conclusions: Option<String>,
    pub document_reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventHistoryView {
    pub sequence: u32,
    pub change: EventChange,
    pub at: DateTime<Utc>,
    /// The schedule the change left.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// A dialogue event as anyone may read it: counts, never attendee names.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub kind: EventKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub description: Option<String>,
    pub organiser_party_id: Uuid,
    pub capacity: Option<u32>,
    pub registration_closes_at: DateTime<Utc>,
    pub status: EventStatus,
    /// Bumped by every change; the iCalendar feed's `SEQUENCE`.
    pub sequence: u32,
    /// Places taken by all registrations.
    pub registered: u32,
    /// The signatories of the announcement day, each invited once.
    pub invited: Vec<ChangeSignatory>,
    pub minutes: Option<MinutesView>,
    pub history: Vec<EventHistoryView>,
}

fn signatory_view(i: &Invitation) -> ChangeSignatory {
    ChangeSignatory {
        kind: i.signatory.kind(),
        id: i.signatory.id(),
        name: i.name.clone(),
    }
}

impl EventView {
    fn of(r: &EventRecord) -> Self {
        let e = &r.event;
        let d = e.details();
        Self {
            id: e.id(),
            agreement_id: e.agreement_id(),
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
            registered: e.registered_count(),
            invited: r.invitations.iter().map(signatory_view).collect(),
            minutes: e.minutes().map(|m| MinutesView {
                attended: m.attended,
                summary: m.summary.clone(),
                conclusions: m.conclusions.clone(),
                document_reference: m.document_reference.clone(),
            }),
            history: e
                .history()
                .iter()
                .map(|h| EventHistoryView {
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
}

whole_list_of!(EventList, EventView);

/// A signatory's registration: names are personal data, shown only to the signatory's
/// representatives and the agreement's administrators.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub signatory: ChangeSignatory,
    pub names: Vec<String>,
    pub count: u32,
    pub registered_at: DateTime<Utc>,
}

whole_list_of!(RegistrationList, RegistrationView);

fn registrations(r: &EventRecord, shown: impl Fn(&Signatory) -> bool) -> Vec<RegistrationView> {
    r.event
        .registrations()
        .iter()
        .filter_map(|reg| {
            let inv = r
                .invitations
                .iter()
                .find(|i| i.signatory.id() == reg.signatory_id)?;
            shown(&inv.signatory).then(|| RegistrationView {
                signatory: signatory_view(inv),
                names: reg.names.clone(),
                count: reg.count,
                registered_at: reg.registered_at,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub registration_closes_at: DateTime<Utc>,
    #[schema(schema_with = reason)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[schema(schema_with = reason)]
    pub reason: Option<String>,
}

/// Attendees a signatory registers; a new registration replaces the signatory's last.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    /// An invited signatory the caller acts for.
    pub signatory_id: Uuid,
    /// Names of attendees (personal data: never public). May be fewer than `count`.
    #[schema(example = json!(["Alva Åberg"]))]
    pub names: Vec<String>,
    #[schema(schema_with = attendee_count)]
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    #[schema(schema_with = attended)]
    pub attended: u32,
    #[schema(schema_with = summary)]
    pub summary: String,
    /// Decisions or conclusions.
    #[schema(schema_with = long_text)]
    pub conclusions: Option<String>,
    /// Where the minutes are kept (a diary number or document name).
    #[schema(schema_with = document_reference)]
    pub document_reference: Option<String>,
}

// Each constraint from the domain's constant.
fn event_title() -> Field {
    Field::text(dialogue::TITLE_MAX, "Dialogmöte om föreningsbidragen")
}
fn event_place() -> Field {
    Field::optional_text(dialogue::PLACE_MAX)
}
fn event_link() -> Field {
    Field::optional_text(dialogue::LINK_MAX).described("An https:// link to the online meeting.")
}
fn long_text() -> Field {
    Field::optional_text(dialogue::DESCRIPTION_MAX)
}
fn reason() -> Field {
    Field::optional_text(dialogue::REASON_MAX)
}
fn capacity() -> Field {
    Field::optional_integer(1, dialogue::ATTENDEES_MAX)
}
fn attendee_count() -> Field {
    Field::integer(1, dialogue::ATTENDEES_MAX)
}
fn attended() -> Field {
    Field::integer(0, dialogue::ATTENDEES_MAX)
}
fn summary() -> Field {
    Field::text(
        dialogue::DESCRIPTION_MAX,
        "Vi delade erfarenheter av lokalbokning.",
    )
}
fn document_reference() -> Field {
    Field::optional_text(dialogue::REFERENCE_MAX)
}

fn path_of(agreement_id: Uuid, event_id: Uuid) -> String {
    format!("/api/v1/agreements/{agreement_id}/dialogue-events/{event_id}")
}

// ---------------------------------------------------------------- reads

/// List the agreement's dialogue events.
///
/// Every event, cancelled ones included, by start; never paged. Counts of registrations,
/// never names.
#[utoipa::path(
    tag = "dialogue", operation_id = "list_dialogue_events",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "Every event", body = EventList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/dialogue-events")]
async fn list_events(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, events) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            Ok((a, store::events_of(conn, agreement_id)?))
        })
        .await?;
    let items = events.iter().map(EventView::of).collect();
    json_read(
        &req,
        &EventList::whole(items),
        None,
        Visibility::of_agreement(&a),
        None,
    )
}

/// The agreement's dialogue events as an iCalendar feed.
///
/// RFC 5545 (`text/calendar`) for calendar apps to subscribe to: one `VEVENT` per event, its
/// `UID` stable across changes, `SEQUENCE` the event's sequence, `STATUS:CANCELLED` for a
/// cancelled event, times in UTC. No attendee names.
#[utoipa::path(
    tag = "dialogue", operation_id = "dialogue_events_calendar",
    params(("id" = Uuid, Path, description = "The agreement's id")),
    responses((status = 200, description = "The calendar", content_type = "text/calendar", body = String)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/dialogue-events.ics")]
async fn calendar(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let (a, events) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            Ok((a, store::events_of(conn, agreement_id)?))
        })
        .await?;
    let events: Vec<&DialogueEvent> = events.iter().map(|r| &r.event).collect();
    let body = ical::calendar(&title_of(&a), &events);
    let (mut builder, not_modified) =
        cached_read(&req, body.as_bytes(), None, Visibility::of_agreement(&a));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type("text/calendar; charset=utf-8")
        .body(body))
}

fn title_of(a: &Agreement) -> String {
    a.current_version()
        .map(|v| v.content().title.clone())
        .unwrap_or_default()
}

/// Read one dialogue event.
#[utoipa::path(
    tag = "dialogue", operation_id = "get_dialogue_event",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses((status = 200, description = "The event", body = EventView)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/dialogue-events/{event_id}")]
async fn get_event(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let (a, record) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, caller.as_ref())?;
            Ok((a, store::get_event(conn, agreement_id, event_id)?))
        })
        .await?;
    json_read(
        &req,
        &EventView::of(&record),
        Some(record.row_version),
        Visibility::of_agreement(&a),
        None,
    )
}

/// Read an event's registrations, with attendee names.
///
/// The agreement's administrators and co-administrators read all; a signatory's
/// representative reads its own signatory's. Never cached by shared caches.
#[utoipa::path(
    tag = "dialogue", operation_id = "list_dialogue_registrations",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses((status = 200, description = "The registrations the caller may read", body = RegistrationList)),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/dialogue-events/{event_id}/registrations")]
async fn list_registrations(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let caller = principal.clone();
    let (a, record) = state
        .read(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&caller))?;
            Ok((a, store::get_event(conn, agreement_id, event_id)?))
        })
        .await?;
    let all = dialogue::may_organise(&principal, &a);
    let items = registrations(&record, |s| all || dialogue::may_register(&principal, *s));
    json_read(
        &req,
        &RegistrationList::whole(items),
        None,
        Visibility::Private,
        None,
    )
}

// ---------------------------------------------------------------- writes

/// Announce a dialogue event.
///
/// Invites every signatory of the agreement on the announcement day (one invitation each,
/// each published in the change feed as `dialogue_event.signatory_invited`). The agreement's
/// administrators and co-administrators.
#[utoipa::path(
    tag = "dialogue", operation_id = "announce_dialogue_event",
    request_body = EventBody,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The event was announced", body = EventView, headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "Invalid values; `errors` names each field: `ends_at` (`before_start`), `registration_closes_at` (`after_start`), `place` (`required`), `time_zone`, `organiser_party_id` (`not_a_party`), …", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/dialogue-events")]
async fn announce(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<EventBody>,
) -> ApiResult<HttpResponse> {
    let agreement_id = id.into_inner();
    let input = body.0;
    let request = input.clone();
    let caller = principal.clone();
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &request, move |conn| {
        let a = visible_agreement(conn, agreement_id, Some(&caller))?;
        require_that(dialogue::may_organise(&caller, &a))?;
        let (now, today) = (clock.now(), clock.today());
        let lines = accession_store::signatories(
            conn,
            &SignatoryQuery {
                agreement_id,
                as_of: today,
                include_former: false,
                q: None,
                municipality_code: None,
            },
            None,
        )?
        .items;
        // One invitation per signatory, however many lines of the list name it.
        let mut seen = std::collections::HashSet::new();
        let invitations: Vec<Invitation> = lines
            .into_iter()
            .filter(|l| seen.insert(l.signatory.id()))
            .map(|l| Invitation {
                signatory: l.signatory,
                name: l.name,
                invited_at: now,
            })
            .collect();
        let event = DialogueEvent::announce(
            Uuid::now_v7(),
            &a,
            EventInput::from(input.clone()),
            invitations.iter().map(|i| i.signatory.id()).collect(),
            now,
        )?;
        let record = store::insert_event(conn, &event, &invitations, now)?;
        record_change(
            conn,
            ChangeType::DialogueEventAnnounced,
            &event,
            DialogueSubject::Event,
            now,
        )?;
        for i in &record.invitations {
            record_change(
                conn,
                ChangeType::DialogueEventSignatoryInvited,
                &event,
                DialogueSubject::Signatory(signatory_view(i), None),
                now,
            )?;
        }
        Created::new(
            path_of(agreement_id, event.id()),
            Some(record.row_version),
            &EventView::of(&record),
        )
    })
    .await
}

/// Runs one operation on an event under its lock, saves it and records its change.
async fn change_event<F>(
    state: &AppState,
    principal: Principal,
    agreement_id: Uuid,
    event_id: Uuid,
    change_type: ChangeType,
    operate: F,
) -> ApiResult<EventRecord>
where
    F: FnOnce(
            &Principal,
            &Agreement,
            &mut EventRecord,
            DateTime<Utc>,
        ) -> ApiResult<DialogueSubject>
        + Send
        + 'static,
{
    let clock = state.clock.clone();
    state
        .write(move |conn| {
            let a = visible_agreement(conn, agreement_id, Some(&principal))?;
            let mut record = store::get_event_for_update(conn, agreement_id, event_id)?;
            let now = clock.now();
            let subject = operate(&principal, &a, &mut record, now)?;
            let saved = store::update_event(conn, &record.event, now)?;
            record_change(conn, change_type, &saved.event, subject, now)?;
            Ok(saved)
        })
        .await
}

/// Reschedule a dialogue event.
///
/// Moves the event (registrations stay), bumps its sequence and keeps the old schedule in
/// its history. The agreement's administrators and co-administrators. 409 `event_cancelled`,
/// `event_already_held`.
#[utoipa::path(
    tag = "dialogue", operation_id = "reschedule_dialogue_event",
    request_body = RescheduleBody,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The rescheduled event", body = EventView),
        (status = 409, description = "The event's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/dialogue-events/{event_id}/rescheduling")]
async fn reschedule(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<RescheduleBody>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let b = body.0;
    let record = change_event(
        &state,
        principal,
        agreement_id,
        event_id,
        ChangeType::DialogueEventRescheduled,
        move |caller, a, record, now| {
            require_that(dialogue::may_organise(caller, a))?;
            record.event.reschedule(
                b.starts_at,
                b.ends_at,
                b.registration_closes_at,
                b.reason.as_deref(),
                now,
            )?;
            Ok(DialogueSubject::Event)
        },
    )
    .await?;
    changed(&EventView::of(&record), Some(record.row_version))
}

/// Cancel a dialogue event.
///
/// The event stays, with its history, as `cancelled` (the iCalendar feed's
/// `STATUS:CANCELLED`). The agreement's administrators and co-administrators.
#[utoipa::path(
    tag = "dialogue", operation_id = "cancel_dialogue_event",
    request_body = CancelBody,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The cancelled event", body = EventView),
        (status = 409, description = "The event's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/dialogue-events/{event_id}/cancellation")]
async fn cancel(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<CancelBody>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let b = body.0;
    let record = change_event(
        &state,
        principal,
        agreement_id,
        event_id,
        ChangeType::DialogueEventCancelled,
        move |caller, a, record, now| {
            require_that(dialogue::may_organise(caller, a))?;
            record.event.cancel(b.reason.as_deref(), now)?;
            Ok(DialogueSubject::Event)
        },
    )
    .await?;
    changed(&EventView::of(&record), Some(record.row_version))
}

/// Register a signatory's attendees.
///
/// A representative of an invited signatory (or an administrator of the public body that
/// is one) registers its attendees: names and count. A new registration replaces the last.
/// 409 `event_full` when the count would exceed the places left, `registration_closed` from
/// the closing instant, `not_invited`, `event_cancelled`. The answer names the attendees;
/// the public views and the change feed never do.
#[utoipa::path(
    tag = "dialogue", operation_id = "register_for_dialogue_event",
    request_body = RegistrationBody,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The signatory's registration", body = RegistrationView),
        (status = 409, description = "The event's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/dialogue-events/{event_id}/registrations")]
async fn register(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<RegistrationBody>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let b = body.0;
    let signatory_id = b.signatory_id;
    let record = change_event(
        &state,
        principal,
        agreement_id,
        event_id,
        ChangeType::DialogueEventRegistrationRecorded,
        move |caller, _a, record, now| {
            let invitation = record
                .invitations
                .iter()
                .find(|i| i.signatory.id() == b.signatory_id)
                .cloned();
            match &invitation {
                Some(i) => require_that(dialogue::may_register(caller, i.signatory))?,
                // Anyone acting for the id learns it was not invited; others are refused.
                None => require_that(
                    dialogue::may_register(caller, Signatory::Organization(b.signatory_id))
                        || dialogue::may_register(caller, Signatory::PublicBody(b.signatory_id)),
                )?,
            }
            record
                .event
                .register(b.signatory_id, &b.names, b.count, now)?;
            let invitation = invitation.ok_or_else(|| {
                crate::problem::ApiError::Internal("a registration without invitation".into())
            })?;
            Ok(DialogueSubject::Signatory(
                signatory_view(&invitation),
                Some(b.count),
            ))
        },
    )
    .await?;
    let view = registrations(&record, |s| s.id() == signatory_id)
        .into_iter()
        .next()
        .ok_or_else(|| crate::problem::ApiError::Internal("the saved registration".into()))?;
    changed(&view, None)
}

/// Record an event's attendance and minutes.
///
/// After the event has ended (409 `event_not_ended`), once (`event_already_held`): how
/// many attended, a summary, the decisions or conclusions and where the minutes are kept.
/// The agreement's administrators and co-administrators.
#[utoipa::path(
    tag = "dialogue", operation_id = "record_dialogue_attendance",
    request_body = AttendanceBody,
    params(("id" = Uuid, Path, description = "The agreement's id"), ("event_id" = Uuid, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The held event", body = EventView),
        (status = 409, description = "The event's state forbids this; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/dialogue-events/{event_id}/attendance")]
async fn record_attendance(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    path: Path<(Uuid, Uuid)>,
    body: Json<AttendanceBody>,
) -> ApiResult<HttpResponse> {
    let (agreement_id, event_id) = path.into_inner();
    let b = body.0;
    let record = change_event(
        &state,
        principal,
        agreement_id,
        event_id,
        ChangeType::DialogueEventAttendanceRecorded,
        move |caller, a, record, now| {
            require_that(dialogue::may_organise(caller, a))?;
            record.event.record_attendance(
                Minutes {
                    attended: b.attended,
                    summary: b.summary,
                    conclusions: b.conclusions,
                    document_reference: b.document_reference,
                },
                now,
            )?;
            Ok(DialogueSubject::Event)
        },
    )
    .await?;
    changed(&EventView::of(&record), Some(record.row_version))
}
