//! The conventions every endpoint shares: reading JSON bodies strictly, lists with keyset
//! pagination, ETags, If-Match and the caching of public reads.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{Bytes, PayloadConfig};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use samverkan_domain::FieldError;
use samverkan_persistence::page::{DEFAULT_LIMIT, MAX_LIMIT, PageRequest, decode_cursor};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::problem::ApiError;

/// A JSON request body, read strictly: JSON content type, size limit, unknown fields
/// refused (every request type has `deny_unknown_fields`), and errors naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json"
                    || (essence.starts_with("application/") && essence.ends_with("+json"))
            })
            .unwrap_or(false);
        if !content_type_ok {
            return Box::pin(async {
                Err(ApiError::UnsupportedMediaType(
                    "the request body must be JSON: send Content-Type: application/json".into(),
                ))
            });
        }
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| {
                use actix_web::error::PayloadError;
                match e.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                    _ if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE => {
                        ApiError::PayloadTooLarge
                    }
                    _ => ApiError::BadRequest {
                        detail: "the request body could not be read".into(),
                        errors: vec![],
                    },
                }
            })?;
            parse_json(&bytes).map(Json)
        })
    }
}

/// Parses a JSON body, classifying errors: syntax and unknown fields → 400, wrong types and
/// missing fields → 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.to_string();
            // serde_json appends " at line X column Y"; the field path says more.
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => {
                    if let Some(rest) = message.strip_prefix("unknown field `") {
                        let name = rest.split('`').next().unwrap_or_default();
                        // The path already ends in the unknown field's name.
                        let field = if path == "." || path.is_empty() {
                            name.to_owned()
                        } else {
                            path
                        };
                        ApiError::BadRequest {
                            detail: format!("unknown field `{field}`"),
                            errors: vec![FieldError::new(field, "unknown_field", message)],
                        }
                    } else {
                        let field = match message.strip_prefix("missing field `") {
                            Some(rest) => {
                                let name = rest.split('`').next().unwrap_or_default();
                                if path == "." {
                                    name.to_owned()
                                } else {
                                    format!("{path}.{name}")
                                }
                            }
                            None if path == "." => String::new(),
                            None => path,
                        };
                        let code = if message.starts_with("missing field") {
                            "required"
                        } else {
                            "invalid_type"
                        };
                        ApiError::Validation(vec![FieldError::new(field, code, message)])
                    }
                }
                _ => ApiError::BadRequest {
                    detail: format!("malformed JSON: {message}"),
                    errors: vec![],
                },
            });
        }
    };
    de.end().map_err(|_| ApiError::BadRequest {
        detail: "malformed JSON: trailing characters after the value".into(),
        errors: vec![],
    })?;
    Ok(value)
}

/// The configured body limit, enforced while reading.
pub fn payload_config(limit: usize) -> PayloadConfig {
    PayloadConfig::new(limit)
}

/// `limit` and `cursor`, the same on every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 2048)]
    pub cursor: Option<String>,
}

impl PageParams {
    /// `parts`: how many values the list's sort key has.
    pub fn page_request(&self, parts: usize) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_parameter(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(decode_cursor(c, parts).ok_or_else(|| {
                ApiError::bad_parameter("cursor", "not a cursor this list returned")
            })?),
        };
        Ok(PageRequest { limit, after })
    }
}

/// Declares the list envelope `{items, next_cursor}` for one item type, under its own schema
/// name (`OrganizationList`), the same shape everywhere.
#[macro_export]
macro_rules! list_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            pub next_cursor: Option<String>,
        }
    };
}

/// The `Link: <…>; rel="next"` header for a list response.
pub fn next_link(req: &HttpRequest, next_cursor: Option<&str>) -> Option<String> {
    let cursor = next_cursor?;
    let mut pairs: Vec<(String, String)> = url_query_pairs(req.query_string())
        .into_iter()
        .filter(|(k, _)| k != "cursor")
        .collect();
    pairs.push(("cursor".into(), cursor.to_owned()));
    let query = serde_urlencoded::to_string(&pairs).ok()?;
    Some(format!("<{}?{}>; rel=\"next\"", req.path(), query))
}

fn url_query_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default()
}

/// A stable hash of some bytes, as 16 hex digits.
pub fn hash_hex(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The entity tag of a representation: `"v<row version>-<hash>"` for a stored resource (the
/// version part is what `If-Match` compares; the hash changes with anything derived, such as
/// a status that depends on the date), `"h<hash>"` for lists and other derived views.
pub fn etag_for(row_version: Option<i64>, bytes: &[u8]) -> String {
    match row_version {
        Some(v) => format!("\"v{v}-{}\"", hash_hex(bytes)),
        None => format!("\"h{}\"", hash_hex(bytes)),
    }
}

fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t.trim_start_matches("W/") == etag
    })
}

/// For `PATCH`: the row version the client read, from `If-Match` (428 when missing, 412
/// when it names no version this server issued).
pub fn if_match_version(req: &HttpRequest) -> Result<i64, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::PreconditionFailed)?
        .trim();
    // `"v7"`, or `"v7-20261123"` where the representation also depends on the date.
    value
        .trim_start_matches("W/")
        .strip_prefix("\"v")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.split('-').next())
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or(ApiError::PreconditionFailed)
}

/// How a response may be cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Open data: cacheable by anyone, readable from any origin.
    Public,
    /// Depends on the caller (drafts, personal data): never stored by shared caches.
    Private,
}

/// A JSON read with an ETag, answering `If-None-Match` with 304. `row_version` for a stored
/// resource (its ETag then also serves `If-Match`), `None` for lists and derived views.
pub fn json_read<T: Serialize>(
    req: &HttpRequest,
    body: &T,
    row_version: Option<i64>,
    visibility: Visibility,
    link: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (mut builder, not_modified) = cached_read(req, &bytes, row_version, visibility);
    if let Some(link) = link
        && let Ok(v) = HeaderValue::from_str(&link)
    {
        builder.insert_header((header::LINK, v));
    }
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder.content_type("application/json").body(bytes))
}

/// The response head of any read of `bytes` (JSON, CSV, HTML): ETag and caching, with the
/// status already 304 — and `true` returned, so the caller sends no body — when
/// `If-None-Match` names the current tag.
pub fn cached_read(
    req: &HttpRequest,
    bytes: &[u8],
    row_version: Option<i64>,
    visibility: Visibility,
) -> (HttpResponseBuilder, bool) {
    let etag = etag_for(row_version, bytes);
    let mut builder = read_headers(&etag, visibility);
    if req.method() == Method::GET
        && let Some(inm) = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        && etag_matches(inm, &etag)
    {
        builder.status(StatusCode::NOT_MODIFIED);
        return (builder, true);
    }
    (builder, false)
}

/// The headers of a read: ETag and caching per visibility (CORS open on public reads only).
pub fn read_headers(etag: &str, visibility: Visibility) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    if let Ok(v) = HeaderValue::from_str(etag) {
        builder.insert_header((header::ETAG, v));
    }
    match visibility {
        Visibility::Public => {
            builder.insert_header((header::CACHE_CONTROL, "public, max-age=60"));
            builder.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
            builder.insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag, Link"));
        }
        Visibility::Private => {
            builder.insert_header((header::CACHE_CONTROL, "private, no-cache"));
            builder.insert_header((header::VARY, "Authorization"));
        }
    }
    builder
}

/// `200 OK` after a change, with the new ETag (the same one a read would give).
pub fn changed<T: Serialize>(body: &T, row_version: Option<i64>) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_for(row_version, &bytes)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("application/json")
        .body(bytes))
}

/// Reads an optional patch value: absent → keep, `null` → clear, value → set.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    fn field_of(e: &ApiError) -> (u16, String) {
        let p = e.problem(false);
        (
            p.status,
            p.errors.map(|e| e[0].field.clone()).unwrap_or_default(),
        )
    }

    #[test]
    fn json_errors_are_classified() {
        assert_eq!(field_of(&parse_json::<Body>(b"{").unwrap_err()).0, 400);
        assert_eq!(
            field_of(&parse_json::<Body>(br#"{"name":"a","x":1}"#).unwrap_err()),
            (400, "x".into())
        );
        assert_eq!(
            field_of(&parse_json::<Body>(br#"{"name":"a","inner":{"n":1,"y":2}}"#).unwrap_err()),
            (400, "inner.y".into())
        );
        assert_eq!(
            field_of(&parse_json::<Body>(br#"{}"#).unwrap_err()),
            (422, "name".into())
        );
        assert_eq!(
            field_of(&parse_json::<Body>(br#"{"name":"a","inner":{"n":"x"}}"#).unwrap_err()),
            (422, "inner.n".into())
        );
        assert_eq!(
            field_of(&parse_json::<Body>(br#"{"name":"a"} x"#).unwrap_err()).0,
            400
        );
        let deep = "[".repeat(10_000);
        assert_eq!(
            field_of(&parse_json::<serde_json::Value>(deep.as_bytes()).unwrap_err()).0,
            400
        );
        assert!(parse_json::<Body>("{\"name\":\"Åby\"}".as_bytes()).is_ok());
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"v1\", \"v2\"", "\"v2\""));
        assert!(etag_matches("W/\"v2\"", "\"v2\""));
        assert!(!etag_matches("\"v3\"", "\"v2\""));
    }
}
