//! The register of parties: public bodies and organisations.

use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, Utc};
use samverkan_domain::party::{
    self, LegalForm, OrganizationFields, OrganizationInput, PublicBodyChange, PublicBodyFields,
    PublicBodyKind,
};
use samverkan_domain::scb::COUNTY_CODE_PATTERN;
use samverkan_persistence::parties::{
    self as store, OrganizationFilter, OrganizationRecord, PublicBodyFilter, PublicBodyRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require_that;
use crate::extract::{Authenticated, Caller, Json, PageParams, double_option, municipality_filter};
use crate::http::{Visibility, changed, if_match_version, json_read, list_response};
use crate::idempotency::{Created, create_once};
use crate::list_of;
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::schemas::{
    WS, county_code_pattern, municipality_code_pattern, municipality_query, optional_text, schema,
    text as text_schema, website,
};
use crate::state::AppState;

// ---------------------------------------------------------------- schemas
//
// The request schemas say exactly what `party::PublicBodyFields::parse` and
// `OrganizationFields::parse` accept, built from `crate::schemas`.

fn description() -> RefOr<Schema> {
    schema(optional_text(party::DESCRIPTION_MAX))
}

fn organization_name() -> RefOr<Schema> {
    schema(text_schema(
        false,
        party::NAME_MAX,
        "Föreningen Ängsblomman",
    ))
}

fn organization_name_patch() -> RefOr<Schema> {
    schema(text_schema(true, party::NAME_MAX, "Föreningen Ängsblomman"))
}

fn public_body_name_patch() -> RefOr<Schema> {
    schema(text_schema(
        true,
        party::NAME_MAX,
        "Blekinge Tekniska Högskola",
    ))
}

/// An optional organisation number (blank = none). The check digit cannot be said in a
/// pattern: `format: org-number` names the rule (Luhn over the first nine digits).
fn org_number() -> RefOr<Schema> {
    schema(serde_json::json!({
        "type": ["string", "null"],
        "format": "org-number",
        "pattern": format!("^[{WS}]*(?:(?:16)?[0-9]{{2}}[2-9][0-9]{{3}}-?[0-9]{{4}})?[{WS}]*$"),
        "description": "Organisationsnummer: ten digits (`NNNNNN-NNNN`, hyphen optional) or twelve starting with `16`, the last a Luhn check digit; digits 3–4 are at least 20, so a personal identity number is refused. Blank or null for none; surrounding whitespace is trimmed.",
        "example": "802002-4280",
    }))
}

fn municipality_codes(nullable: bool) -> RefOr<Schema> {
    schema(serde_json::json!({
        "type": if nullable { serde_json::json!(["array", "null"]) } else { serde_json::json!("array") },
        "maxItems": party::MUNICIPALITIES_MAX,
        "items": {"type": "string", "pattern": municipality_code_pattern()},
        "description": "Kommunkoder (four digits, the first two a county code; surrounding whitespace is trimmed); duplicates count once.",
        "example": ["1285"],
    }))
}

fn municipality_codes_new() -> RefOr<Schema> {
    municipality_codes(false)
}

fn municipality_codes_patch() -> RefOr<Schema> {
    municipality_codes(true)
}

/// Blank, a county code or a municipality code: what any kind of body may carry after a
/// change (whether it fits the kind is checked against the body: 422 `scb_code_for_kind`).
fn scb_code_patch() -> RefOr<Schema> {
    schema(serde_json::json!({
        "type": ["string", "null"],
        "pattern": format!("^[{WS}]*(?:{COUNTY_CODE_PATTERN}(?:[0-9]{{2}})?)?[{WS}]*$"),
        "description": "A kommunkod (four digits) or länskod (two digits); blank or null for none. Surrounding whitespace is trimmed.",
        "example": "1285",
    }))
}

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
    /// Organisationsnummer, `NNNNNN-NNNN`; null while none is registered (the reference
    /// municipalities and regions have none until SCB's list is loaded).
    #[schema(example = "299999-9994")]
    pub org_number: Option<String>,
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
            org_number: r.fields.org_number.map(|n| n.to_string()),
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
    #[param(max_length = 4, pattern = "^[^\\u0000]*$")]
    pub scb_code: Option<String>,
    /// Part of the name, case-insensitive.
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub q: Option<String>,
}

/// A new public body. Which SCB code it needs depends on its kind: a municipality has its
/// kommunkod, a region or county board its länskod, another body either or none.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewPublicBody {
    pub name: String,
    pub kind: PublicBodyKind,
    pub scb_code: Option<String>,
    pub website: Option<String>,
    #[serde(default)]
    pub org_number: Option<String>,
}

impl PartialSchema for NewPublicBody {
    fn schema() -> RefOr<Schema> {
        let variant = |title: &str, kinds: &[&str], scb_code: serde_json::Value, required: bool| {
            let mut required_fields = vec!["name", "kind"];
            if required {
                required_fields.push("scb_code");
            }
            serde_json::json!({
                "title": title,
                "type": "object",
                "required": required_fields,
                "properties": {
                    "name": text_schema(false, party::NAME_MAX, "Blekinge Tekniska Högskola"),
                    "kind": {"type": "string", "enum": kinds},
                    "scb_code": scb_code,
                    "website": website(),
                    "org_number": serde_json::to_value(org_number()).expect("json"),
                },
                "additionalProperties": false,
            })
        };
        schema(serde_json::json!({
            "description": "A new public body. A municipality has its kommunkod (four digits), a region or county board its länskod (two digits); another body (a university, an agency) either or none.",
            "oneOf": [
                variant(
                    "NewMunicipality",
                    &["municipality"],
                    serde_json::json!({"type": "string", "pattern": municipality_code_pattern(), "description": "The kommunkod: four digits; surrounding whitespace is trimmed.", "example": "1285"}),
                    true,
                ),
                variant(
                    "NewRegionalPublicBody",
                    &["region", "county_board"],
                    serde_json::json!({"type": "string", "pattern": county_code_pattern(), "description": "The länskod: two digits; surrounding whitespace is trimmed.", "example": "10"}),
                    true,
                ),
                variant(
                    "NewOtherPublicBody",
                    &["other"],
                    serde_json::to_value(scb_code_patch()).expect("json"),
                    false,
                ),
            ],
        }))
    }
}

impl ToSchema for NewPublicBody {}

/// Fields to change; absent fields stay as they are, `null` clears an optional one (`null`
/// for `name` or `kind` keeps them). The SCB code must fit the kind the body has after the
/// change (422 `scb_code_for_kind`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicBodyPatch {
    #[schema(schema_with = public_body_name_patch)]
    pub name: Option<String>,
    pub kind: Option<PublicBodyKind>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = scb_code_patch)]
    pub scb_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = website)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = org_number)]
    pub org_number: Option<Option<String>>,
}

fn limit_text(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::bad_parameter(
            field,
            RequestField::AtMostCharacters { max },
        )),
        Some(v) if v.contains('\0') => Err(ApiError::bad_parameter(field, RequestField::Nul)),
        _ => Ok(()),
    }
}

/// List public bodies in Swedish order.
///
/// Municipalities (kommuner), regions, county administrative boards and other public actors,
/// in Swedish alphabetical order (å, ä, ö after z). Sweden's 290 municipalities and 21 regions
/// are always present.
#[utoipa::path(
    tag = "parties",
    operation_id = "list_public_bodies",
    params(PublicBodyQuery, PageParams),
    responses((status = 200, description = "A page of public bodies", body = PublicBodyList)),
    security((), ("bearer" = []))
)]
#[get("/public-bodies")]
async fn list_public_bodies(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    query: Query<PublicBodyQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page_request(&req, 2)?;
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

/// Read one public body.
///
/// The public body with its SCB code and website. Its `ETag` is what an update's `If-Match`
/// names.
#[utoipa::path(
    tag = "parties",
    operation_id = "get_public_body",
    params(("id" = Uuid, Path, description = "The public body's id")),
    responses((status = 200, description = "The public body", body = PublicBodyView)),
    security((), ("bearer" = []))
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

/// Add a public body to the register.
///
/// A university, a county board, a new municipality after a merger. Platform administrators
/// only. One body per kind and SCB code (409 `scb_code_taken`) and per organisation number
/// (409 `org_number_taken`); a municipality's, region's or county board's organisation
/// number begins with 2 (422 `public_sector_org_number`).
#[utoipa::path(
    tag = "parties",
    operation_id = "create_public_body",
    request_body = NewPublicBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The public body was added", body = PublicBodyView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Another public body of this kind has the SCB code", content_type = "application/problem+json", body = crate::problem::Problem)
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
    )?
    .with_org_number(body.org_number.as_deref())?;
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &body, move |conn| {
        let record = store::insert_public_body(conn, Uuid::now_v7(), &fields, clock.now())?;
        Created::new(
            format!("/api/v1/public-bodies/{}", record.id),
            Some(record.row_version),
            &PublicBodyView::from(record),
        )
    })
    .await
}

/// Change a public body's record.
///
/// Platform administrators only; needs `If-Match`. One organisation number per body (409
/// `org_number_taken`; 422 `public_sector_org_number` as on create). One body per kind and SCB code (409
/// `scb_code_taken`). After the change a municipality has a kommunkod and a region or county
/// board a länskod (422 `scb_code_for_kind` at `scb_code`, or at `kind` when only the kind
/// was sent).
#[utoipa::path(
    tag = "parties",
    operation_id = "update_public_body",
    request_body = PublicBodyPatch,
    params(
        ("id" = Uuid, Path, description = "The public body's id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed")
    ),
    responses(
        (status = 200, description = "The changed public body", body = PublicBodyView),
        (status = 409, description = "Another public body of this kind has the SCB code", content_type = "application/problem+json", body = crate::problem::Problem)
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
    let change = PublicBodyChange {
        name: patch.name,
        kind: patch.kind,
        scb_code: patch.scb_code,
        website: patch.website,
        org_number: patch.org_number,
    };
    change.check()?;
    let clock = state.clock.clone();
    let record = state
        .write(move |conn| {
            let current = store::get_public_body(conn, id)?;
            if current.row_version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let fields = current.fields.changed(&change)?;
            Ok(store::update_public_body(
                conn,
                id,
                expected,
                &fields,
                clock.now(),
                &principal.sub,
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
    #[param(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub q: Option<String>,
    /// Only organisations with seat or activity in this municipality (kommunkod).
    #[param(schema_with = municipality_query)]
    pub municipality: Option<String>,
    pub legal_form: Option<LegalForm>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    #[schema(schema_with = organization_name)]
    pub name: String,
    #[schema(schema_with = org_number)]
    pub org_number: Option<String>,
    pub legal_form: LegalForm,
    #[serde(default)]
    #[schema(schema_with = municipality_codes_new)]
    pub municipality_codes: Vec<String>,
    #[schema(schema_with = website)]
    pub website: Option<String>,
    /// A short public description; blank or null for none.
    #[schema(schema_with = description)]
    pub description: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPatch {
    #[schema(schema_with = organization_name_patch)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = org_number)]
    pub org_number: Option<Option<String>>,
    pub legal_form: Option<LegalForm>,
    #[schema(schema_with = municipality_codes_patch)]
    pub municipality_codes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = website)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[schema(schema_with = description)]
    pub description: Option<Option<String>>,
}

/// List organisations in Swedish order.
///
/// The register's civil-society organisations (idéburna organisationer), in Swedish
/// alphabetical order (å, ä, ö after z), filtered by name, municipality or legal form.
#[utoipa::path(
    tag = "parties",
    operation_id = "list_organizations",
    params(OrganizationQuery, PageParams),
    responses((status = 200, description = "A page of organisations", body = OrganizationList)),
    security((), ("bearer" = []))
)]
#[get("/organizations")]
async fn list_organizations(
    req: HttpRequest,
    state: Data<AppState>,
    _caller: Caller,
    query: Query<OrganizationQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.page_request(&req, 2)?;
    limit_text("q", query.q.as_deref(), 200)?;
    let municipality_code = municipality_filter(query.municipality.as_deref())?;
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

/// Read one organisation.
///
/// The organisation's public record. Its `ETag` is what an update's `If-Match` names.
#[utoipa::path(
    tag = "parties",
    operation_id = "get_organization",
    params(("id" = Uuid, Path, description = "The organisation's id")),
    responses((status = 200, description = "The organisation", body = OrganizationView)),
    security((), ("bearer" = []))
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
    // Created by an application not verified yet: out of the public register.
    if record.pending_verification {
        return Err(ApiError::NotFound);
    }
    let row_version = record.row_version;
    json_read(
        &req,
        &OrganizationView::from(record),
        Some(row_version),
        Visibility::Public,
        None,
    )
}

/// Register an organisation.
///
/// Platform and agreement administrators (an organisation's representatives get its id from
/// the identity provider and then edit its record). An organisation number is registered once
/// (409 `org_number_taken`).
#[utoipa::path(
    tag = "parties",
    operation_id = "create_organization",
    request_body = NewOrganization,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the original response")),
    responses(
        (status = 201, description = "The organisation was registered", body = OrganizationView, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Another organisation has the organisation number", content_type = "application/problem+json", body = crate::problem::Problem)
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
    let clock = state.clock.clone();
    create_once(&state, &req, &principal.sub, &body, move |conn| {
        let record = store::insert_organization(conn, Uuid::now_v7(), &fields, clock.now())?;
        Created::new(
            format!("/api/v1/organizations/{}", record.id),
            Some(record.row_version),
            &OrganizationView::from(record),
        )
    })
    .await
}

/// Change an organisation's record.
///
/// Administrators, and the organisation's own representatives. Needs `If-Match`. An
/// organisation number is registered once (409 `org_number_taken`).
#[utoipa::path(
    tag = "parties",
    operation_id = "update_organization",
    request_body = OrganizationPatch,
    params(
        ("id" = Uuid, Path, description = "The organisation's id"),
        ("If-Match" = String, Header, description = "The ETag of the version being changed")
    ),
    responses(
        (status = 200, description = "The changed organisation", body = OrganizationView),
        (status = 409, description = "Another organisation has the organisation number", content_type = "application/problem+json", body = crate::problem::Problem)
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
    // Who may at all (the full rule needs the organisation's agreements, read below).
    require_that(principal.is_administrator() || principal.represents(id))?;
    let expected = if_match_version(&req)?;
    let patch = body.0;
    let clock = state.clock.clone();
    let record = state
        .write(move |conn| {
            let bodies = store::bodies_of_agreements_of(conn, id)?;
            require_that(party::may_update_organization(&principal, id, &bodies))?;
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
                clock.now(),
                &principal.sub,
            )?)
        })
        .await?;
    changed(
        &OrganizationView::from(record.clone()),
        Some(record.row_version),
    )
}
