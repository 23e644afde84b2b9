//! The server: the middleware every request passes, the answers for unknown paths and
//! methods, the query and path error handlers, and the server itself with its cache watcher.

use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, Error, HttpMessage, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{DateTime, Utc};
use samverkan_domain::error::{Lang, Message};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::cache::{PublicCache, Watcher};
use crate::extract::{BodyTimeout, payload_config};
use crate::openapi::{RouteTable, api_doc, api_document};
use crate::problem::{ApiError, PROBLEM_JSON, RequestField, Unauthenticated};
use crate::routes;
use crate::state::AppState;

/// The id of a request: the client's `X-Request-Id` when it is sane, else a new UUID.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn request_id_of(req: &ServiceRequest) -> String {
    req.headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// The language of a request's error messages, chosen once per request: Swedish when
/// `Accept-Language` ranks Swedish above English (by weight, then by order), else English.
fn language_of(req: &HttpRequest) -> Lang {
    let Some(value) = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::En;
    };
    let mut best: Option<(f32, Lang)> = None;
    for range in value.split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let lang = match tag.split('-').next() {
            Some("sv") => Lang::Sv,
            Some("en") => Lang::En,
            _ => continue,
        };
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .unwrap_or(0.0);
        if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, lang));
        }
    }
    best.map_or(Lang::En, |(_, lang)| lang)
}

/// Every request passes here: request id in and out, one log line, and every error turned
/// into problem+json with its context — whether a handler, an extractor or actix made it.
async fn request_middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = request_id_of(&req);
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();
    let lang = language_of(req.request());
    let cache = req.app_data::<web::Data<PublicCache>>().cloned();
    let state = req.app_data::<web::Data<AppState>>();
    let now = state.map(|s| s.now());
    let today = state.map(|s| s.today());
    // HEAD is GET without the body (RFC 9110 §9.3.2): every GET route answers it.
    let head = method == Method::HEAD;
    let with_token = req.headers().contains_key(header::AUTHORIZATION);
    if head {
        req.head_mut().method = Method::GET;
    }

    // Cached public lists answer before routing (after the HEAD rewrite, so HEAD hits too).
    if let Some(cache) = &cache
        && let Some(today) = today
        && let Some(hit) = crate::cache::fast_hit(req.request(), cache, today)
    {
        // HEAD keeps the body: actix-http sends a HEAD's headers only, with the same
        // `Content-Length` as the GET (replacing the body would announce 0).
        let res = req.into_response(hit);
        return Ok(finish(
            res,
            now,
            &request_id,
            &method,
            &path,
            started,
            with_token,
        ));
    }

    // Handler and extractor errors arrive here as responses carrying their error; an `Err`
    // only comes from the framework itself and keeps its own rendering.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let res = if status.is_client_error() || status.is_server_error() {
        let error = res.response().error();
        if status.is_server_error() {
            let cause = error
                .map(ToString::to_string)
                .unwrap_or_else(|| "(no cause recorded)".into());
            log::error!("request_id={request_id} {method} {path} failed: {cause}");
        }
        let rendered = match error.and_then(|e| e.as_error::<ApiError>()) {
            Some(e) => Some(e.response_for(&path, &request_id, lang)),
            None if is_problem(res.response()) => None,
            // The embed page's errors are HTML pages a visitor reads in the frame.
            None if res
                .response()
                .extensions()
                .contains::<crate::http::VisitorErrorPage>()
                || res
                    .response()
                    .extensions()
                    .contains::<crate::http::OAuthErrorBody>() =>
            {
                None
            }
            None => {
                Some(generic_error(status, res.response()).response_for(&path, &request_id, lang))
            }
        };
        match rendered {
            Some(r) => res.into_response(r),
            None => res,
        }
    } else {
        res
    };
    // A successful write may change any public list: drop the cached ones at once (other
    // processes learn of it through the cache watcher).
    if res.status().is_success()
        && !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && let Some(cache) = &cache
    {
        cache.invalidate();
    }
    Ok(finish(
        res,
        now,
        &request_id,
        &method,
        &path,
        started,
        with_token,
    ))
}

fn finish(
    mut res: ServiceResponse<BoxBody>,
    now: Option<DateTime<Utc>>,
    request_id: &str,
    method: &Method,
    path: &str,
    started: Instant,
    with_token: bool,
) -> ServiceResponse<BoxBody> {
    if matches!(*method, Method::GET | Method::HEAD) {
        crate::http::guard_shared_caches(res.headers_mut(), with_token);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        res.headers_mut().insert(X_REQUEST_ID.clone(), v);
    }
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(now) = now {
        cap_at_midnight(&mut res, now);
    }
    // Unavailable (a pool that timed out, storage that cannot write): say when to retry.
    if res.status() == StatusCode::SERVICE_UNAVAILABLE
        && !res.headers().contains_key(header::RETRY_AFTER)
    {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    // The route template, never the raw path: one series per route, and no ids in labels.
    // A cache hit answered before routing brings its own (see `cache::CachedRoute`).
    let cached_route = res
        .request()
        .extensions()
        .get::<crate::cache::CachedRoute>()
        .map(|r| r.0.clone());
    let route = cached_route.or_else(|| res.request().match_pattern());
    if let Some(state) = res.request().app_data::<web::Data<AppState>>() {
        state
            .metrics
            .request(route.as_deref(), method.as_str(), status, elapsed);
    }
    let sub = res
        .request()
        .extensions()
        .get::<crate::logging::CallerSub>()
        .map(|s| s.0.clone());
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    log::info!(
        target: "samverkan::request",
        request_id = request_id,
        method = method.as_str(),
        route = route.as_deref().unwrap_or(crate::metrics::UNMATCHED_ROUTE),
        status = status,
        duration_ms = (duration_ms * 10.0).round() / 10.0,
        sub = sub.as_deref().unwrap_or("-");
        "{method} {path} {status} {duration_ms:.1}ms request_id={request_id}"
    );
    res
}

/// A public read shows things as of the Swedish day, and may change at midnight: its
/// `max-age` never reaches past the next one (also on cache hits, whose stored header was
/// written earlier in the day).
fn cap_at_midnight(res: &mut ServiceResponse<BoxBody>, now: DateTime<Utc>) {
    let Some(max_age) = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("public, max-age="))
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return;
    };
    let left = (samverkan_domain::accession::next_swedish_midnight(now) - now).num_seconds();
    let capped = max_age.min(left.max(0));
    if capped < max_age
        && let Ok(v) = HeaderValue::from_str(&format!("public, max-age={capped}"))
    {
        res.headers_mut().insert(header::CACHE_CONTROL, v);
    }
}

fn is_problem(res: &HttpResponse) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON))
}

/// Errors made by actix itself (extractors we do not own, protocol errors), by status.
fn generic_error(status: StatusCode, res: &HttpResponse) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(
            res.headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized(Unauthenticated::TokenRequired),
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        s if s.is_server_error() => ApiError::Internal(format!("status {s}")),
        _ => ApiError::BadRequest {
            detail: Message::new(
                "the request could not be read",
                "begäran gick inte att läsa",
            ),
            errors: vec![],
        },
    }
}

/// Unknown paths get 404; known paths with another method get 405 with `Allow`; `OPTIONS`
/// on a public read answers the CORS preflight.
async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let Some(methods) = routes.methods_for(req.path()) else {
        return Err(ApiError::NotFound);
    };
    let allow = methods.join(", ");
    if req.method() == Method::OPTIONS {
        let mut res = HttpResponse::NoContent();
        res.insert_header((header::ALLOW, allow.clone()));
        if methods.contains(&"GET") {
            res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET"))
                .insert_header((
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "Accept, Accept-Language, If-None-Match",
                ))
                .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"));
        }
        return Ok(res.finish());
    }
    Err(ApiError::MethodNotAllowed(allow))
}

/// Errors from actix's own query and path extractors, as 400 naming the parameter.
fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, req| {
        let message = err.to_string();
        let message = message
            .strip_prefix("Query deserialize error: ")
            .unwrap_or(&message)
            .to_owned();
        // serde names the field of a missing or self-describing error; an unknown enum
        // value (`state`, `legal_form`) is named by the parameter that carries it.
        let variant = message
            .strip_prefix("unknown variant `")
            .and_then(|rest| rest.split('`').next());
        let carrying = variant.and_then(|value| {
            web::Query::<Vec<(String, String)>>::from_query(req.query_string())
                .ok()?
                .0
                .into_iter()
                .find(|(_, v)| v == value)
                .map(|(k, _)| k)
        });
        let field = carrying.unwrap_or_else(|| {
            message
                .split('`')
                .nth(1)
                .filter(|_| message.contains("field `"))
                .unwrap_or("query")
                .to_owned()
        });
        // The errors the API words itself are given in the caller's language; only what
        // serde alone knows (a number out of range, …) keeps serde's English inside.
        let reason = if message.contains(crate::extract::DATE_PARAMETER_RULE) {
            RequestField::Date
        } else if let (Some(value), Some((_, allowed))) =
            (variant, message.split_once("expected one of "))
        {
            RequestField::UnknownVariant {
                value: format!("`{value}`"),
                allowed: allowed.to_owned(),
            }
        } else {
            RequestField::WrongValue { detail: message }
        };
        ApiError::bad_parameter(&field, reason).into()
    })
}

/// `/docs` without the slash: to Swagger UI at `/docs/`.
async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|_, _| ApiError::bad_parameter("id", RequestField::NotAUuid).into())
}

/// A server on its way: await it to run it until it stops. It owns the watcher of its
/// cache, which stops with it.
pub struct Running {
    server: Server,
    _watcher: Watcher,
}

impl Running {
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }
}

impl Future for Running {
    type Output = std::io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.server).poll(cx)
    }
}

/// Builds the server on a bound listener (tests bind port 0), with the default shutdown
/// grace of 10 seconds.
pub fn server(
    listener: TcpListener,
    state: AppState,
    workers: usize,
    client_request_timeout: std::time::Duration,
) -> std::io::Result<Running> {
    server_with_grace(
        listener,
        state,
        workers,
        client_request_timeout,
        std::time::Duration::from_secs(10),
    )
}

/// `server`, with the time in-flight requests get to finish once SIGTERM (or SIGINT) stops
/// the server from accepting connections.
pub fn server_with_grace(
    listener: TcpListener,
    state: AppState,
    workers: usize,
    client_request_timeout: std::time::Duration,
    shutdown_grace: std::time::Duration,
) -> std::io::Result<Running> {
    let cache: web::Data<PublicCache> = web::Data::from(state.cache.clone());
    let watcher = crate::cache::spawn_watcher(
        state.pool.clone(),
        Arc::downgrade(&cache.clone().into_inner()),
    );
    state
        .metrics
        .watch_cache(Arc::downgrade(&cache.clone().into_inner()));
    // The cursor key is the database's (made by a migration): every instance shares it.
    let cursor_key = {
        let mut conn = state.pool.get().map_err(std::io::Error::other)?;
        samverkan_persistence::page::load_cursor_key(&mut conn)
            .map_err(|e| std::io::Error::other(format!("cannot read the cursor key: {e}")))?
    };
    let cursor_key = web::Data::new(cursor_key);
    let state = web::Data::new(state);
    let routes = web::Data::new(RouteTable::from_openapi(&api_doc()));
    let document = api_document(state.public_url.as_deref());
    let body_limit = state.body_limit;
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .openapi(crate::openapi::base_doc())
            .configure(routes::configure)
            .split_for_parts();
        app.app_data(state.clone())
            .app_data(cache.clone())
            .app_data(cursor_key.clone())
            .app_data(BodyTimeout(client_request_timeout))
            .app_data(routes.clone())
            .app_data(payload_config(body_limit))
            .app_data(query_config())
            .app_data(path_config())
            // No validator: Swagger UI would send the document's address to
            // validator.swagger.io and show a broken badge offline.
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .external_url_unchecked("/api-docs/openapi.json", document.clone())
                    .config(utoipa_swagger_ui::Config::default().validator_url("none")),
            )
            .route("/docs", web::get().to(docs_redirect))
            .route(
                "/embed/",
                web::get().to(crate::routes::embed::builder_redirect),
            )
            .default_service(web::to(fallback))
            .wrap(from_fn(request_middleware))
            .wrap(actix_web::middleware::Compress::default())
            .wrap(from_fn(crate::compression::coding_policy))
    })
    .workers(workers.max(1))
    .client_request_timeout(client_request_timeout)
    .client_disconnect_timeout(std::time::Duration::from_secs(2))
    .shutdown_timeout(shutdown_grace.as_secs())
    .listen(listener)?
    .run();
    Ok(Running {
        server,
        _watcher: watcher,
    })
}
