//! What handlers take from a request, read the same way everywhere: the caller (from the
//! bearer token), strict JSON bodies and list paging. Every refusal is an `ApiError`.

use futures_util::FutureExt;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use samverkan_domain::access::Principal;

use crate::auth::{Attempt, refetch_and_verify};
use crate::problem::{ApiError, Unauthenticated};
use crate::state::AppState;

mod json;
mod language;
mod page;

pub use json::{
    BodyTimeout, DEFAULT_BODY_TIMEOUT, EventBody, Json, NoBody, double_option, parse_json,
    payload_config,
};
pub use language::{AskedLanguage, LangParams};
pub use page::{PageParams, municipality_filter};

/// What a date query parameter's error says, so that the query error handler can answer it in
/// the caller's language (`RequestField::Date`).
pub const DATE_PARAMETER_RULE: &str =
    "must be a date written YYYY-MM-DD, from 1900-01-01 to 2199-12-31";

/// The query parameter `as_of`: a date the API accepts (`samverkan_domain::dates`:
/// strictly `YYYY-MM-DD`, 1900-01-01 to 2199-12-31); the 400 names `as_of` otherwise.
pub fn as_of<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<chrono::NaiveDate>, D::Error> {
    use serde::Deserialize;
    use serde::de::Error;
    Option::<String>::deserialize(d)?
        .map(|text| {
            samverkan_domain::dates::parse(&text).ok_or_else(|| {
                D::Error::custom(format_args!("field `as_of`: {DATE_PARAMETER_RULE}"))
            })
        })
        .transpose()
}

/// When the verified token of the request expires (`exp`, seconds since the epoch), put on
/// the request by the token extractors for `GET /me`.
#[derive(Debug, Clone, Copy)]
pub struct TokenExpiry(pub u64);

fn bearer_token(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized(Unauthenticated::HeaderUnreadable))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim()))
        }
        _ => Err(ApiError::Unauthorized(Unauthenticated::NotBearer)),
    }
}

/// The verified caller of a request, if it sent a token. A token of an identity provider
/// whose `kid` the cached keys lack refetches them (when allowed) on the blocking pool.
async fn principal_of(req: HttpRequest) -> Result<Option<Principal>, ApiError> {
    let Some(token) = bearer_token(&req)?.map(str::to_owned) else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let (principal, exp) = if crate::service_tokens::is_service_token(&token) {
        let now = u64::try_from(state.now().timestamp()).unwrap_or(0);
        state
            .read(move |conn| crate::service_tokens::verify(conn, &token, now))
            .await?
    } else {
        match state.auth.attempt(&token) {
            Attempt::Done(result) => result?,
            Attempt::Refetch(oidc, index) => {
                web::block(move || refetch_and_verify(&oidc, index, &token)).await??
            }
        }
    };
    // For the request's log line: who asked (never the token).
    req.extensions_mut()
        .insert(crate::logging::CallerSub(principal.sub.clone()));
    req.extensions_mut().insert(TokenExpiry(exp));
    Ok(Some(principal))
}

/// The caller of a public operation: anonymous, or authenticated (a token that is sent must
/// be valid, even where none is needed, so that a client learns of an expired token at once).
pub struct Caller(pub Option<Principal>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(principal_of(req.clone()).map(|r| r.map(Caller)))
    }
}

/// The caller of a protected operation: 401 without a valid token. Whether the principal may
/// act on the resource is then decided by the domain's rules (`require`).
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    /// A token's `public_body_id` must name a body of the register; one that does not acts
    /// for no body (`Principal::with_registered_body`), so writes that need one are 403.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = principal_of(req.clone());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let principal = principal
                .await?
                .ok_or(ApiError::Unauthorized(Unauthenticated::TokenRequired))?;
            let (Some(body), Some(state)) = (principal.public_body_id, state) else {
                return Ok(Authenticated(principal));
            };
            let registered = state
                .read(move |conn| {
                    Ok(samverkan_persistence::parties::public_body_exists(
                        conn, body,
                    )?)
                })
                .await?;
            Ok(Authenticated(principal.with_registered_body(registered)))
        })
    }
}
