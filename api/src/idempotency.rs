//! `Idempotency-Key` on creating POSTs: a retry with the same key and body gets the original
//! response; the same key with another body is refused. The stored response is written in
//! the same transaction as the resource it describes.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::idempotency::{StoredResponse, claim, lookup, store};
use serde::Serialize;

use crate::http::{etag_for, hash_hex};
use crate::problem::{ApiError, ApiResult, RequestField, RequestRule};
use crate::state::AppState;

pub const HEADER: &str = "Idempotency-Key";

/// What a create produced: where it lives, its row version (for the ETag) and its body.
pub struct Created {
    pub location: String,
    pub row_version: Option<i64>,
    pub body: String,
}

impl Created {
    pub fn new<T: Serialize>(
        location: String,
        row_version: Option<i64>,
        view: &T,
    ) -> ApiResult<Self> {
        Ok(Self {
            location,
            row_version,
            body: serde_json::to_string(view).map_err(|e| ApiError::Internal(e.to_string()))?,
        })
    }
}

fn key_of(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(v) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = v.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_header(HEADER, RequestField::IdempotencyKey));
    }
    Ok(Some(key.to_owned()))
}

fn respond(stored: StoredResponse) -> HttpResponse {
    let StoredResponse {
        status,
        location,
        etag,
        body,
        ..
    } = stored;
    let (location, etag) = (location.as_deref(), etag.as_deref());
    let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED));
    if let Some(l) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        res.insert_header((header::LOCATION, l));
    }
    if let Some(e) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        res.insert_header((header::ETAG, e));
    }
    res.insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(body)
}

/// A replay goes only to a caller who may still make the request: the operation runs again,
/// its authorisation included, and is rolled back (a savepoint). A refusal of the caller —
/// 401, 403, or 404 for what they may not see — is the answer then; anything else (the
/// rules refusing a second resource, or success) lets the original response be replayed.
fn rehearse<F>(conn: &mut DbConnection, create: &F) -> Option<ApiError>
where
    F: Fn(&mut DbConnection) -> ApiResult<Created>,
{
    use diesel::Connection;
    let mut refusal = None;
    let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
        if let Err(e) = create(c)
            && matches!(
                e,
                ApiError::Forbidden | ApiError::NotFound | ApiError::Unauthorized(_)
            )
        {
            refusal = Some(e);
        }
        Err(diesel::result::Error::RollbackTransaction)
    });
    refusal
}

/// Runs `create` in a write transaction, once per (caller, key) when the client sent a key.
pub async fn create_once<B, F>(
    state: &AppState,
    req: &HttpRequest,
    caller: &str,
    request: &B,
    create: F,
) -> ApiResult<HttpResponse>
where
    B: Serialize,
    F: Fn(&mut DbConnection) -> ApiResult<Created> + Send + Sync + Clone + 'static,
{
    let key = key_of(req)?;
    let request_hash = {
        let mut bytes = format!("{} {}\n", req.method(), req.path()).into_bytes();
        bytes.extend(serde_json::to_vec(request).map_err(|e| ApiError::Internal(e.to_string()))?);
        hash_hex(&bytes)
    };
    let caller = caller.to_owned();
    // Two concurrent first tries with one key: the loser's insert of the key fails and rolls
    // back its whole write; its second round finds the winner's response and replays it.
    for round in 0..2 {
        let (key, caller, request_hash, create) = (
            key.clone(),
            caller.clone(),
            request_hash.clone(),
            create.clone(),
        );
        let clock = state.clock.clone();
        let result = state
            .write(move |conn| {
                // The key is claimed before anything else: identical concurrent requests wait
                // for the first and then replay its response.
                if let Some(key) = &key {
                    claim(conn, &caller, key)?;
                }
                if let Some(key) = &key
                    && let Some(stored) = lookup(conn, &caller, key)?
                {
                    if stored.request_hash != request_hash {
                        return Err(ApiError::Validation(vec![
                            RequestField::IdempotencyKeyReused.at(HEADER),
                        ]));
                    }
                    if let Some(refusal) = rehearse(conn, &create) {
                        return Err(refusal);
                    }
                    return Ok(stored);
                }
                let created = create(conn)?;
                let stored = StoredResponse {
                    request_hash,
                    status: 201,
                    etag: Some(etag_for(created.row_version, created.body.as_bytes())),
                    location: Some(created.location),
                    body: created.body,
                };
                if let Some(key) = &key
                    && !store(conn, &caller, key, &stored, clock.now())?
                {
                    return Err(RequestRule::IdempotencyKeyInFlight.into());
                }
                Ok(stored)
            })
            .await
            .map(respond);
        match result {
            Err(ApiError::Conflict {
                code: "idempotency_key_in_flight",
                ..
            }) if round == 0 => continue,
            other => return other,
        }
    }
    Err(ApiError::Unavailable("idempotency key contention".into()))
}
