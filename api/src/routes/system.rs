//! Liveness, readiness and the explanations behind problem `type` URIs.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use samverkan_persistence::db::has_pending_migrations;
use serde::Serialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::problem::{ApiError, ApiResult, ProblemKind};
use crate::state::AppState;

/// The kinds of problem, each by the last segment of its `type` (the schema of
/// `/problems/{kind}`).
pub struct ProblemKindSlug;

impl PartialSchema for ProblemKindSlug {
    fn schema() -> RefOr<Schema> {
        let slugs: Vec<&str> = ProblemKind::ALL.iter().map(|k| k.slug()).collect();
        crate::schemas::schema(serde_json::json!({
            "type": "string",
            "enum": slugs,
            "description": "A kind of problem: the last segment of a problem's `type`.",
        }))
    }
}

impl ToSchema for ProblemKindSlug {
    fn name() -> std::borrow::Cow<'static, str> {
        "ProblemKind".into()
    }
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the process is up (health) or the database is reachable and migrated (ready).
    pub status: &'static str,
}

/// Whether the server can serve, with the state of each identity provider's keys.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ok`; `degraded` when an identity provider cannot be reached and the keys fetched from
    /// it before still verify its tokens.
    pub status: &'static str,
    /// The configured identity providers (`SAMVERKAN_OIDC_ISSUER`); empty without them.
    pub identity_providers: Vec<crate::oidc::ProviderStatus>,
}

/// Check that the process is up.
///
/// Liveness: answers 200 while the process runs, without touching the database.
#[utoipa::path(tag = "system", operation_id = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Health { status: "ok" })
}

/// Check that the server can serve.
///
/// Readiness: the database is reachable, every migration is applied and the storage can be
/// written (not a read-only file, file system or PostgreSQL, nor a full disk), and every
/// configured identity provider's keys have been fetched once; 503 otherwise. A provider
/// that cannot be reached after that makes the answer `degraded`, still 200: the keys
/// fetched before verify its tokens.
#[utoipa::path(tag = "system", operation_id = "ready", responses((status = 200, description = "Ready to serve (`degraded`: an identity provider cannot be reached; its keys fetched before still verify)", body = Readiness), (status = 503, description = "Not ready: the database is unreachable, migrations are pending, the storage cannot be written, or an identity provider's keys have not been fetched yet", content_type = "application/problem+json", body = crate::problem::Problem)))]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let (pending, writable) = state
        .read(|conn| {
            Ok((
                has_pending_migrations(conn)?,
                samverkan_persistence::db::can_write(conn)?,
            ))
        })
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    if pending {
        return Err(ApiError::Unavailable(
            "migrations pending: run `samverkan migrate`".into(),
        ));
    }
    if !writable {
        return Err(ApiError::Unavailable(
            "the storage cannot be written (read-only file or file system, a full disk, or a read-only or standby PostgreSQL)".into(),
        ));
    }
    let identity_providers = state
        .auth
        .oidc()
        .map(|oidc| oidc.status())
        .unwrap_or_default();
    let waiting: Vec<&str> = identity_providers
        .iter()
        .filter(|p| p.status == "unavailable")
        .map(|p| p.issuer.as_str())
        .collect();
    if !waiting.is_empty() {
        return Err(ApiError::ProviderUnavailable(format!(
            "the keys of identity provider {} have not been fetched yet (retrying)",
            waiting.join(", ")
        )));
    }
    let status = if identity_providers.iter().any(|p| p.status != "ok") {
        "degraded"
    } else {
        "ok"
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(Readiness {
            status,
            identity_providers,
        }))
}

/// Explain a kind of error.
///
/// The `type` of every problem response points here: a short HTML page, in Swedish and in
/// English, on what the error means and what to do next.
#[utoipa::path(
    tag = "system",
    operation_id = "explain_problem",
    params(("kind" = inline(ProblemKindSlug), Path, description = "The last segment of a problem `type`, e.g. `validation`.")),
    responses((status = 200, description = "A short HTML explanation", content_type = "text/html", body = String))
)]
#[get("/problems/{kind}")]
pub async fn problem_explanation(kind: web::Path<String>) -> ApiResult<HttpResponse> {
    let kind = ProblemKind::from_slug(&kind).ok_or(ApiError::NotFound)?;
    let html = crate::problem_pages::page(kind);
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(html))
}
