//! Service accounts (issue 22): platform administrators create them, read them, rotate
//! their secrets and revoke them; their clients exchange a client id and secret for a
//! short-lived token at `POST /oauth/token` (RFC 6749 §4.4, client credentials). The secret
//! is answered once, when made, and stored only as its hash (`service_tokens`).
//!
//! The token endpoint answers in OAuth's own form (RFC 6749 §5.1 and §5.2), not
//! problem+json, so that any OAuth client library understands it.

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use base64::Engine;
use chrono::{DateTime, Utc};
use samverkan_domain::DomainError;
use samverkan_domain::access::Role;
use samverkan_domain::error::FieldError;
use samverkan_domain::service_account::{
    self, ServiceAccount, ServiceAccountField, ServiceAccountInput,
};
use samverkan_persistence::parties;
use samverkan_persistence::service_accounts as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::require;
use crate::extract::{Authenticated, EventBody, Json};
use crate::http::{Visibility, json_read};
use crate::problem::ApiResult;
use crate::service_tokens::{self, new_secret, secret_hash, secret_matches};
use crate::state::AppState;
use crate::whole_list_of;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create)
        .service(list)
        .service(get_one)
        .service(rotate_secret)
        .service(revoke)
        .service(token);
}

// ---------------------------------------------------------------- views

/// A new service account: its name and the roles and scopes its tokens carry (the same as
/// a token of the identity provider can).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountRequest {
    /// What the account is for: the system that uses it (not a person).
    #[schema(
        example = "Regionala föreningsnätverkets ansökningssystem",
        max_length = 200
    )]
    pub name: String,
    /// At least one role.
    pub roles: Vec<Role>,
    /// The public body an `agreement_admin` acts for (required with that role, refused
    /// without it).
    #[serde(default)]
    pub public_body_id: Option<Uuid>,
    /// The organisations an `organization_rep` acts for (required with that role, refused
    /// without it).
    #[serde(default)]
    pub organization_ids: Vec<Uuid>,
}

/// A service account (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccountView {
    /// The account's client id: its tokens' `sub` is `service:<client_id>`.
    pub client_id: Uuid,
    pub name: String,
    pub roles: Vec<Role>,
    pub public_body_id: Option<Uuid>,
    pub organization_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    /// The `sub` of the platform administrator who created it.
    pub created_by: String,
    /// When its current secret was made.
    pub secret_rotated_at: DateTime<Utc>,
    /// When it was revoked; `null` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A service account with its new secret: answered once, never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceAccountCredentials {
    /// The client id (also in `account`).
    pub client_id: Uuid,
    /// The secret: 32 bytes holding 244 random bits, base64url. Shown only in this answer; the server keeps
    /// only its hash.
    pub client_secret: String,
    pub account: ServiceAccountView,
}

whole_list_of!(ServiceAccountList, ServiceAccountView);

fn view(a: &ServiceAccount) -> ServiceAccountView {
    ServiceAccountView {
        client_id: a.client_id(),
        name: a.name().to_owned(),
        roles: a.roles().iter().copied().collect(),
        public_body_id: a.public_body_id(),
        organization_ids: a.organization_ids().iter().copied().collect(),
        created_at: a.created_at(),
        created_by: a.created_by().to_owned(),
        secret_rotated_at: a.secret_rotated_at(),
        revoked_at: a.revoked_at(),
    }
}

fn location(client_id: Uuid) -> String {
    format!("/api/v1/service-accounts/{client_id}")
}

/// An answer that holds a secret: never stored by any cache.
fn with_secret(
    mut builder: actix_web::HttpResponseBuilder,
    body: &ServiceAccountCredentials,
) -> HttpResponse {
    builder
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

// ---------------------------------------------------------------- management

/// Create a service account.
///
/// By platform administrators. The answer holds the client secret, shown this once (the
/// server keeps only its hash): store it at once. 422 names each wrong field: `name`,
/// `roles` (`no_role`, `duplicate`), `public_body_id` (`required_for_agreement_admin`,
/// `needs_agreement_admin`, `unknown_public_body`), `organization_ids`
/// (`required_for_organization_rep`, `needs_organization_rep`, `duplicate`,
/// `unknown_organization`). Not retried by `Idempotency-Key`: a stored answer would keep
/// the secret.
#[utoipa::path(
    tag = "service-accounts", operation_id = "create_service_account",
    request_body = ServiceAccountRequest,
    responses(
        (status = 201, description = "The account and its secret (shown once)", body = ServiceAccountCredentials, headers(("Location" = String))),
        (status = 422, description = "Invalid values; `errors` names each field", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/service-accounts")]
async fn create(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    body: Json<ServiceAccountRequest>,
) -> ApiResult<HttpResponse> {
    require(service_account::may_manage(&principal))?;
    let request = body.0;
    let now = state.now();
    let (account, secret) = state
        .write(move |conn| {
            let account = ServiceAccount::create(
                Uuid::now_v7(),
                ServiceAccountInput {
                    name: request.name,
                    roles: request.roles,
                    public_body_id: request.public_body_id,
                    organization_ids: request.organization_ids.clone(),
                },
                &principal.sub,
                now,
            )?;
            let mut unknown: Vec<FieldError> = Vec::new();
            if let Some(body) = account.public_body_id()
                && !parties::public_body_exists(conn, body)?
            {
                unknown.push(ServiceAccountField::UnknownPublicBody.at("public_body_id"));
            }
            let known: Vec<Uuid> = parties::organizations_by_ids(conn, &request.organization_ids)?
                .into_iter()
                .map(|o| o.id)
                .collect();
            for (i, id) in request.organization_ids.iter().enumerate() {
                if !known.contains(id) {
                    unknown.push(
                        ServiceAccountField::UnknownOrganization
                            .at(format!("organization_ids[{i}]")),
                    );
                }
            }
            if !unknown.is_empty() {
                return Err(DomainError::Invalid(unknown).into());
            }
            let secret = new_secret();
            store::insert_account(conn, &account, &secret_hash(&secret))?;
            Ok((account, secret))
        })
        .await?;
    log::info!(client_id:% = account.client_id(), by = account.created_by(); "service account created");
    let body = ServiceAccountCredentials {
        client_id: account.client_id(),
        client_secret: secret,
        account: view(&account),
    };
    let mut builder = HttpResponse::Created();
    builder.insert_header((header::LOCATION, location(account.client_id())));
    Ok(with_secret(builder, &body))
}

/// List the service accounts.
///
/// By platform administrators: every account, revoked ones too, oldest first; never a
/// secret. Never paged.
#[utoipa::path(
    tag = "service-accounts", operation_id = "list_service_accounts",
    responses((status = 200, description = "The accounts", body = ServiceAccountList)),
    security(("bearer" = []))
)]
#[get("/service-accounts")]
async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
) -> ApiResult<HttpResponse> {
    require(service_account::may_manage(&principal))?;
    let accounts = state.read(|conn| Ok(store::all_accounts(conn)?)).await?;
    let list = ServiceAccountList::whole(accounts.iter().map(view).collect());
    json_read(&req, &list, None, Visibility::Private, None)
}

/// Read a service account.
///
/// By platform administrators; never its secret.
#[utoipa::path(
    tag = "service-accounts", operation_id = "get_service_account",
    params(("client_id" = Uuid, Path, description = "The account's client id")),
    responses((status = 200, description = "The account", body = ServiceAccountView)),
    security(("bearer" = []))
)]
#[get("/service-accounts/{client_id}")]
async fn get_one(
    req: HttpRequest,
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    client_id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    require(service_account::may_manage(&principal))?;
    let client_id = client_id.into_inner();
    let stored = state
        .read(move |conn| Ok(store::get_account(conn, client_id)?))
        .await?;
    json_read(
        &req,
        &view(&stored.account),
        None,
        Visibility::Private,
        None,
    )
}

/// Rotate a service account's secret.
///
/// By platform administrators. A new secret replaces the old one, which stops working at
/// once; the new one is in this answer only. Tokens already issued stay valid until they
/// expire (at most ten minutes); revoke the account to stop them. 409
/// `service_account_revoked` once revoked.
#[utoipa::path(
    tag = "service-accounts", operation_id = "rotate_service_account_secret",
    request_body = Option<crate::extract::NoBody>,
    params(("client_id" = Uuid, Path, description = "The account's client id")),
    responses(
        (status = 200, description = "The account and its new secret (shown once)", body = ServiceAccountCredentials),
        (status = 409, description = "The account is revoked; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/service-accounts/{client_id}/secret-rotation")]
async fn rotate_secret(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    client_id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    require(service_account::may_manage(&principal))?;
    let client_id = client_id.into_inner();
    let now = state.now();
    let (account, secret) = state
        .write(move |conn| {
            let mut account = store::get_account(conn, client_id)?.account;
            account.rotate_secret(now).map_err(DomainError::from)?;
            let secret = new_secret();
            store::save_account(conn, &account, Some(&secret_hash(&secret)))?;
            Ok((account, secret))
        })
        .await?;
    log::info!(client_id:% = client_id, by = principal.sub.as_str(); "service account secret rotated");
    let body = ServiceAccountCredentials {
        client_id,
        client_secret: secret,
        account: view(&account),
    };
    Ok(with_secret(HttpResponse::Ok(), &body))
}

/// Revoke a service account.
///
/// By platform administrators, for good: every further token request is refused, and so
/// are the tokens it was already given. 409 `service_account_revoked` if it already is.
#[utoipa::path(
    tag = "service-accounts", operation_id = "revoke_service_account",
    request_body = Option<crate::extract::NoBody>,
    params(("client_id" = Uuid, Path, description = "The account's client id")),
    responses(
        (status = 200, description = "The account, revoked", body = ServiceAccountView),
        (status = 409, description = "The account is already revoked; `code` names the rule", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
    security(("bearer" = []))
)]
#[post("/service-accounts/{client_id}/revocation")]
async fn revoke(
    state: Data<AppState>,
    Authenticated(principal): Authenticated,
    client_id: Path<Uuid>,
    _body: EventBody,
) -> ApiResult<HttpResponse> {
    require(service_account::may_manage(&principal))?;
    let client_id = client_id.into_inner();
    let now = state.now();
    let account = state
        .write(move |conn| {
            let mut account = store::get_account(conn, client_id)?.account;
            account.revoke(now).map_err(DomainError::from)?;
            store::save_account(conn, &account, None)?;
            Ok(account)
        })
        .await?;
    log::info!(client_id:% = client_id, by = principal.sub.as_str(); "service account revoked");
    crate::http::changed(&view(&account), None)
}

// ---------------------------------------------------------------- token endpoint

/// A token, as RFC 6749 §5.1 answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT: use it as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds the token lives (600).
    #[schema(example = 600)]
    pub expires_in: u64,
}

/// An error of the token endpoint, as RFC 6749 §5.2 answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenError {
    /// `invalid_request`, `invalid_client` or `unsupported_grant_type`.
    #[schema(example = "invalid_client")]
    pub error: String,
    /// What was wrong, in English.
    pub error_description: String,
}

/// The form a token request is sent as (`application/x-www-form-urlencoded`).
/// The schema admits no other parameters: a repeated one, known or not, is refused
/// (`invalid_request`, RFC 6749 §3.2), and others are not read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TokenRequestForm {
    /// `client_credentials`, the one grant served (any other is `unsupported_grant_type`).
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    grant_type: String,
    /// The client id, when not sent by HTTP Basic.
    client_id: Option<String>,
    /// The client secret, when not sent by HTTP Basic.
    client_secret: Option<String>,
}

enum Refusal {
    InvalidRequest(&'static str),
    InvalidClient(&'static str),
    UnsupportedGrantType,
}

impl Refusal {
    fn respond(&self) -> HttpResponse {
        let (mut builder, error, description) = match self {
            Self::InvalidRequest(d) => (HttpResponse::BadRequest(), "invalid_request", *d),
            Self::InvalidClient(d) => {
                let mut b = HttpResponse::Unauthorized();
                b.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"samverkan\""));
                (b, "invalid_client", *d)
            }
            Self::UnsupportedGrantType => (
                HttpResponse::BadRequest(),
                "unsupported_grant_type",
                "the only grant type is client_credentials",
            ),
        };
        let mut res = builder
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(TokenError {
                error: error.to_owned(),
                error_description: description.to_owned(),
            });
        res.extensions_mut().insert(crate::http::OAuthErrorBody);
        res
    }
}

/// One component of HTTP Basic credentials, form-decoded (RFC 6749 §2.3.1).
fn form_decoded(component: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("v={}", component.replace('&', "%26")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

/// The client id and secret of HTTP Basic, if the request sends `Authorization: Basic`.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, Refusal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| bad_basic())?;
    // Another scheme (a bearer token) is no client authentication: the form's count.
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad_basic)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad_basic)?;
    Ok(Some((
        form_decoded(id).ok_or_else(bad_basic)?,
        form_decoded(secret).ok_or_else(bad_basic)?,
    )))
}

fn bad_basic() -> Refusal {
    Refusal::InvalidClient("the Basic credentials are not readable")
}

/// What a token request asks for: the client's id and secret, or why it is refused.
fn read_request(req: &HttpRequest, body: &[u8]) -> Result<(String, String), Refusal> {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(Refusal::InvalidRequest(
            "send the request as application/x-www-form-urlencoded",
        ));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| Refusal::InvalidRequest("the form is not readable"))?;
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in &pairs {
        if !seen.insert(name.as_str()) {
            return Err(Refusal::InvalidRequest(
                "a parameter is sent more than once",
            ));
        }
    }
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match field("grant_type").as_deref() {
        None | Some("") => return Err(Refusal::InvalidRequest("grant_type is missing")),
        Some("client_credentials") => {}
        Some(_) => return Err(Refusal::UnsupportedGrantType),
    }
    let basic = basic_credentials(req)?;
    match (basic, field("client_id"), field("client_secret")) {
        (Some(_), _, Some(_)) => Err(Refusal::InvalidRequest(
            "send the client's credentials one way only: HTTP Basic or the form",
        )),
        (Some((id, _)), Some(form_id), None) if form_id != id => Err(Refusal::InvalidRequest(
            "the client_id of the form differs from the one of HTTP Basic",
        )),
        (Some(credentials), _, None) => Ok(credentials),
        (None, Some(id), Some(secret)) => Ok((id, secret)),
        (None, _, _) => Err(Refusal::InvalidClient(
            "authenticate the client: HTTP Basic, or client_id and client_secret in the form",
        )),
    }
}

/// Obtain a token (OAuth 2.0 client credentials).
///
/// RFC 6749 §4.4: a service account exchanges its client id and secret for a token of ten
/// minutes carrying its roles (`sub` = `service:<client_id>`). The body is
/// `application/x-www-form-urlencoded` with `grant_type=client_credentials`; the
/// credentials come by HTTP Basic (preferred) or as `client_id` and `client_secret` in the
/// body (RFC 6749 §2.3.1), never both. Errors are RFC 6749 §5.2 objects, not problem+json:
/// `invalid_client` (401, with `WWW-Authenticate`: unknown client, wrong secret, revoked
/// account), `invalid_request` and `unsupported_grant_type` (400). Every answer is
/// `Cache-Control: no-store`. Each request is logged by client id, never the secret.
#[utoipa::path(
    tag = "service-accounts", operation_id = "oauth_token",
    request_body(content = TokenRequestForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token", body = TokenResponse, headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, description = "`invalid_request` or `unsupported_grant_type`", body = TokenError),
        (status = 401, description = "`invalid_client`", body = TokenError, headers(("WWW-Authenticate" = String, description = "Basic realm=\"samverkan\"")))
    )
)]
#[post("/oauth/token")]
async fn token(req: HttpRequest, state: Data<AppState>, body: Bytes) -> HttpResponse {
    let (client_id, secret) = match read_request(&req, &body) {
        Ok(credentials) => credentials,
        Err(refusal) => return refusal.respond(),
    };
    let Ok(id) = Uuid::parse_str(&client_id) else {
        // Not the value: a client that swapped id and secret would put its secret in the log.
        log::info!(client_id_length = client_id.len(); "service token refused: the client id is not a UUID");
        return Refusal::InvalidClient("unknown client, or wrong secret").respond();
    };
    let now = u64::try_from(state.now().timestamp()).unwrap_or(0);
    let outcome = state
        .read(move |conn| {
            let Some(stored) = store::find_account(conn, id)? else {
                return Ok(Err("unknown client"));
            };
            if !secret_matches(&secret, &stored.secret_hash) {
                return Ok(Err("wrong secret"));
            }
            if stored.account.may_obtain_token().is_err() {
                return Ok(Err("revoked"));
            }
            Ok(Ok(service_tokens::mint(conn, &stored.account, now)?))
        })
        .await;
    match outcome {
        Ok(Ok((access_token, expires_in))) => {
            log::info!(client_id:% = id; "service token issued");
            HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .insert_header((header::PRAGMA, "no-cache"))
                .json(TokenResponse {
                    access_token,
                    token_type: "Bearer".into(),
                    expires_in,
                })
        }
        Ok(Err("revoked")) => {
            log::info!(client_id:% = id; "service token refused: account revoked");
            Refusal::InvalidClient("the service account has been revoked").respond()
        }
        Ok(Err(why)) => {
            log::info!(client_id:% = id, reason = why; "service token refused");
            Refusal::InvalidClient("unknown client, or wrong secret").respond()
        }
        // Through actix's error, so that the middleware logs the cause and answers as for
        // every other error.
        Err(e) => HttpResponse::from_error(e),
    }
}
