//! The register of parties: public bodies and organisations.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, Utc};
use samverkan_domain::party::{
    self, LegalForm, OrganizationFields, OrganizationInput, PublicBodyFields, PublicBodyKind,
};
use samverkan_domain::scb::MunicipalityCode;
use samverkan_persistence::page::Page;
use samverkan_persistence::parties::{
    self as store, OrganizationFilter, OrganizationRecord, PublicBodyFilter, PublicBodyRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Authenticated, Caller, require_that};
use crate::http::{
    Json, PageParams, Visibility, changed, double_option, if_match_version, json_read, next_link,
};
use crate::idempotency::{Created, create_once};
use crate::list_of;
use crate::problem::{ApiError, ApiResult};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_public_bodies)
        .service(get_public_body)
        .service(create_public_body)
        .service(update_public_body)
        .service(list_organizations)
        .service(get_organization)
        .service(create_organization)
        .service(update_organization);
}

// ---------------------------------------------------------------- public bodies

/// A public body: a municipality (kommun), region, county administrative board (länsstyrelse)
/// or another public actor.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicBodyView {
    pub id: Uuid,
    #[schema(example = "Eslövs kommun")]
    pub name: String,
    pub kind: PublicBodyKind,
    /// SCB code: kommunkod (4 digits) for a municipality, länskod (2 digits) for a region or
    /// county board; may be null for `other`.
    #[schema(example = "1285")]
    pub scb_code: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PublicBodyRecord> for PublicBodyView {
    fn from(r: PublicBodyRecord) -> Self {
        Self {
            id: r.id,
            name: r.fields.name,
            kind: r.fields.kind,
            scb_code: r.fields.scb_code,
            website: r.fields.website,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

list_of!(PublicBodyList, PublicBodyView);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicBodyQuery {
    /// Only bodies of this kind.
    pub kind: Option<PublicBodyKind>,
    /// Only the body with this SCB code.
    #[param(max_length = 4)]
    pub scb_code: Option<String>,
    /// Part of the name, case-insensitive.
    #[param(max_length = 200)]
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPublicBody {
    #[schema(
        example = "Blekinge Tekniska Högskola",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    pub kind: PublicBodyKind,
    pub scb_code: Option<String>,
    pub website: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicBodyPatch {
    pub name: Option<String>,
    pub kind: Option<PublicBodyKind>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub scb_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
}

fn limit_text(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::bad_parameter(
            field,
            format!("at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

/// Lists public bodies in Swedish alphabetical order. Sweden's 290 municipalities and 21
/// regions are always present.
#[utoipa::path(
    tag = "parties",
    operation_id = "list_public_bodies",
    params(PublicBodyQuery, PageParams),
    responses((status = 200, body = PublicBodyList))
)]
#[get("/public-bodies")]
async fn list_public_bodies(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    query: Query<PublicBodyQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page_request(2)?;
    limit_text("q", query.q.as_deref(), 200)?;
    limit_text("scb_code", query.scb_code.as_deref(), 4)?;
    let filter = PublicBodyFilter {
        kind: query.kind,
        scb_code: query.scb_code.clone(),
        q: query.q.clone().filter(|q| !q.trim().is_empty()),
    };
    let page = state
        .read(move |conn| Ok(store::list_public_bodies(conn, &filter, &page)?))
        .await?;
    list_response(
        &req,
        page.map(PublicBodyView::from),
        |items, next_cursor| PublicBodyList { items, next_cursor },
    )
}

/// One public body.
#[utoipa::path(
    tag = "parties",
    operation_id = "get_public_body",
    params(("id" = Uuid, Path, description = "The public body's id")),
    responses((status = 200, body = PublicBodyView, headers(("ETag" = String))))
)]
#[get("/public-bodies/{id}")]
async fn get_public_body(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let record = state
        .read(move |conn| Ok(store::get_public_body(conn, id)?))
        .await?;
    let row_version = record.row_version;
    json_read(
        &req,
        &PublicBodyView::from(record),
        Some(row_version),
        Visibility::Public,
        None,
    )
}

/// Adds a public body (a university, a county board, a new municipality after a merger).
/// Platform administrators only. Rule: `scb_code_taken` — one body per kind and SCB code.
#[utoipa::path(
    tag = "parties",
    operation_id = "create_public_body",
    request_body = NewPublicBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, body = PublicBodyView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "A rule forbids this; `code` names it", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/public-bodies")]
async fn create_public_body(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    body: Json<NewPublicBody>,
) -> ApiResult<HttpResponse> {
    require_that(party::may_write_public_body(&principal))?;
    let body = body.0;
    let fields = PublicBodyFields::parse(
        &body.name,
        body.kind,
        body.scb_code.as_deref(),
        body.website.as_deref(),
    )?;
    create_once(&state, &req, &principal.sub, &body, move |conn| {
        let record = store::insert_public_body(conn, Uuid::now_v7(), &fields, Utc::now())?;
        Created::new(
            format!("/api/v1/public-bodies/{}", record.id),
            Some(record.row_version),
            &PublicBodyView::from(record),
        )
    })
    .await
}

/// Changes a public body. Platform administrators only; needs `If-Match`.
#[utoipa::path(
    tag = "parties",
    operation_id = "update_public_body",
    request_body = PublicBodyPatch,
    params(
        ("id" = Uuid, Path, description = "The public body's id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed")
    ),
    responses(
        (status = 200, body = PublicBodyView, headers(("ETag" = String))),
        (status = 409, description = "A rule forbids this; `code` names it", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[patch("/public-bodies/{id}")]
async fn update_public_body(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<PublicBodyPatch>,
) -> ApiResult<HttpResponse> {
    require_that(party::may_write_public_body(&principal))?;
    let id = id.into_inner();
    let expected = if_match_version(&req)?;
    let patch = body.0;
    let record = state
        .write(move |conn| {
            let current = store::get_public_body(conn, id)?;
            if current.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let c = current.fields;
            let fields = PublicBodyFields::parse(
                patch.name.as_deref().unwrap_or(&c.name),
                patch.kind.unwrap_or(c.kind),
                patch.scb_code.clone().unwrap_or(c.scb_code).as_deref(),
                patch.website.clone().unwrap_or(c.website).as_deref(),
            )?;
            Ok(store::update_public_body(
                conn,
                id,
                expected,
                &fields,
                Utc::now(),
            )?)
        })
        .await?;
    changed(
        &PublicBodyView::from(record.clone()),
        Some(record.row_version),
    )
}

// ---------------------------------------------------------------- organisations

/// A civil-society organisation (idéburen organisation): an association, cooperative,
/// foundation or religious community.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: Uuid,
    #[schema(example = "Föreningen Ängsblomman")]
    pub name: String,
    /// Organisationsnummer, `NNNNNN-NNNN`; null when the organisation has none.
    #[schema(example = "802002-4280")]
    pub org_number: Option<String>,
    pub legal_form: LegalForm,
    /// Municipalities (kommunkod) where the organisation has its seat or activity.
    pub municipality_codes: Vec<String>,
    pub website: Option<String>,
    /// A short public description.
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrganizationRecord> for OrganizationView {
    fn from(r: OrganizationRecord) -> Self {
        Self {
            id: r.id,
            name: r.fields.name,
            org_number: r.fields.org_number.map(|n| n.to_string()),
            legal_form: r.fields.legal_form,
            municipality_codes: r
                .fields
                .municipality_codes
                .into_iter()
                .map(String::from)
                .collect(),
            website: r.fields.website,
            description: r.fields.description,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

list_of!(OrganizationList, OrganizationView);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationQuery {
    /// Part of the name, case-insensitive (å, ä, ö as letters of their own).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only organisations with seat or activity in this municipality (kommunkod).
    #[param(pattern = "^[0-9]{4}$")]
    pub municipality: Option<String>,
    pub legal_form: Option<LegalForm>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    #[schema(example = "Föreningen Ängsblomman", min_length = 1, max_length = 200)]
    pub name: String,
    /// Ten digits (`NNNNNN-NNNN`, hyphen optional) or twelve starting with `16`; a personal
    /// identity number is refused.
    #[schema(example = "802002-4280")]
    pub org_number: Option<String>,
    pub legal_form: LegalForm,
    #[serde(default)]
    #[schema(example = json!(["1285"]))]
    pub municipality_codes: Vec<String>,
    pub website: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub org_number: Option<Option<String>>,
    pub legal_form: Option<LegalForm>,
    pub municipality_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// Lists organisations in Swedish alphabetical order (å, ä, ö after z).
#[utoipa::path(
    tag = "parties",
    operation_id = "list_organizations",
    params(OrganizationQuery, PageParams),
    responses((status = 200, body = OrganizationList))
)]
#[get("/organizations")]
async fn list_organizations(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    query: Query<OrganizationQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page_request(2)?;
    limit_text("q", query.q.as_deref(), 200)?;
    let municipality_code = query
        .municipality
        .as_deref()
        .map(|m| {
            MunicipalityCode::parse(m)
                .map(String::from)
                .map_err(|e| ApiError::bad_parameter("municipality", e))
        })
        .transpose()?;
    let filter = OrganizationFilter {
        q: query.q.clone().filter(|q| !q.trim().is_empty()),
        municipality_code,
        legal_form: query.legal_form,
    };
    let page = state
        .read(move |conn| Ok(store::list_organizations(conn, &filter, &page)?))
        .await?;
    list_response(
        &req,
        page.map(OrganizationView::from),
        |items, next_cursor| OrganizationList { items, next_cursor },
    )
}

/// One organisation.
#[utoipa::path(
    tag = "parties",
    operation_id = "get_organization",
    params(("id" = Uuid, Path, description = "The organisation's id")),
    responses((status = 200, body = OrganizationView, headers(("ETag" = String))))
)]
#[get("/organizations/{id}")]
async fn get_organization(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let record = state
        .read(move |conn| Ok(store::get_organization(conn, id)?))
        .await?;
    let row_version = record.row_version;
    json_read(
        &req,
        &OrganizationView::from(record),
        Some(row_version),
        Visibility::Public,
        None,
    )
}

/// Registers an organisation. Platform and agreement administrators (an organisation's
/// representatives get its id from the identity provider and then edit its record).
/// Rule: `org_number_taken` — an organisation number is registered once.
#[utoipa::path(
    tag = "parties",
    operation_id = "create_organization",
    request_body = NewOrganization,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, body = OrganizationView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "A rule forbids this; `code` names it", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/organizations")]
async fn create_organization(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    body: Json<NewOrganization>,
) -> ApiResult<HttpResponse> {
    require_that(party::may_create_organization(&principal))?;
    let body = body.0;
    let fields = OrganizationFields::parse(&OrganizationInput {
        name: body.name.clone(),
        org_number: body.org_number.clone(),
        legal_form: Some(body.legal_form),
        municipality_codes: body.municipality_codes.clone(),
        website: body.website.clone(),
        description: body.description.clone(),
    })?;
    create_once(&state, &req, &principal.sub, &body, move |conn| {
        let record = store::insert_organization(conn, Uuid::now_v7(), &fields, Utc::now())?;
        Created::new(
            format!("/api/v1/organizations/{}", record.id),
            Some(record.row_version),
            &OrganizationView::from(record),
        )
    })
    .await
}

/// Changes an organisation's record. Administrators, and the organisation's own
/// representatives. Needs `If-Match`. Rule: `org_number_taken`.
#[utoipa::path(
    tag = "parties",
    operation_id = "update_organization",
    request_body = OrganizationPatch,
    params(
        ("id" = Uuid, Path, description = "The organisation's id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed")
    ),
    responses(
        (status = 200, body = OrganizationView, headers(("ETag" = String))),
        (status = 409, description = "A rule forbids this; `code` names it", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[patch("/organizations/{id}")]
async fn update_organization(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    id: Path<Uuid>,
    body: Json<OrganizationPatch>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    require_that(party::may_update_organization(&principal, id))?;
    let expected = if_match_version(&req)?;
    let patch = body.0;
    let record = state
        .write(move |conn| {
            let current = store::get_organization(conn, id)?;
            if current.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let c = current.fields;
            let fields = OrganizationFields::parse(&OrganizationInput {
                name: patch.name.clone().unwrap_or(c.name),
                org_number: patch
                    .org_number
                    .clone()
                    .unwrap_or_else(|| c.org_number.map(|n| n.to_string())),
                legal_form: Some(patch.legal_form.unwrap_or(c.legal_form)),
                municipality_codes: patch.municipality_codes.clone().unwrap_or_else(|| {
                    c.municipality_codes.into_iter().map(String::from).collect()
                }),
                website: patch.website.clone().unwrap_or(c.website),
                description: patch.description.clone().unwrap_or(c.description),
            })?;
            Ok(store::update_organization(
                conn,
                id,
                expected,
                &fields,
                Utc::now(),
            )?)
        })
        .await?;
    changed(
        &OrganizationView::from(record.clone()),
        Some(record.row_version),
    )
}

/// A page as a list response, with `Link` and public caching.
pub fn list_response<T, L: Serialize>(
    req: &HttpRequest,
    page: Page<T>,
    envelope: impl FnOnce(Vec<T>, Option<String>) -> L,
) -> ApiResult<HttpResponse> {
    let link = next_link(req, page.next_cursor.as_deref());
    json_read(
        req,
        &envelope(page.items, page.next_cursor),
        None,
        Visibility::Public,
        link,
    )
}
