//! The conventions every response shares: lists with their `Link`, ETags, If-Match and the
//! caching of public reads.

use std::hash::{Hash, Hasher};

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use samverkan_domain::agreement::{self, Agreement};
use samverkan_persistence::page::Page;
use serde::Serialize;

use crate::problem::{ApiError, ApiResult, RequestField};

/// Declares the envelope `{items, next_cursor}` of a paged list (a collection of its own:
/// the register, agreements, accessions, the signatory list) for one item type, under its own
/// schema name (`OrganizationList`). Its operation takes `limit` and `cursor` (`PageParams`)
/// and sends `Link: rel="next"`.
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

/// Declares the envelope of a list that is never paged: a part of one resource (an
/// agreement's versions, calendar and renegotiation requests; a steering group's memberships
/// and meetings) or a computed set (the administrator's agenda), always read whole. It is a
/// list like every other, `{items, next_cursor}`, with `next_cursor` always `null`.
#[macro_export]
macro_rules! whole_list_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            /// Every item: this list is never paged.
            pub items: Vec<$item>,
            /// Always `null`: the whole list is in `items`.
            pub next_cursor: Option<String>,
        }

        impl $name {
            /// The whole list, as one last page.
            pub fn whole(items: Vec<$item>) -> Self {
                Self {
                    items,
                    next_cursor: None,
                }
            }
        }
    };
}

/// Whether the client asks for CSV first (`Accept: text/csv`), where a list offers it.
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().starts_with("text/csv"))
}

/// Whether the client asks for an Excel workbook first (`Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`), where a list offers it.
pub fn wants_xlsx(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().starts_with(crate::render::XLSX_CONTENT_TYPE))
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
        t == "*" || base_tag(t).trim_start_matches("W/") == etag
    })
}

/// The form of the entity tags of stored resources, `"v<row version>-<16 hex digits>"`, and so
/// of every `If-Match` this server accepts (the OpenAPI document states it as the header's
/// pattern).
/// A tag of a compressed representation carries its coding (`-gzip`, `-br`), which is ignored.
pub const IF_MATCH_PATTERN: &str = r#"^(W/)?"v[0-9]{1,18}(-[0-9a-f]{16})?(-(gzip|br))?"$"#;

/// For `PATCH`: the row version the client read, from `If-Match`: 428 when missing, 400 when
/// it is not an entity tag of the form this server issues (see `IF_MATCH_PATTERN`; `*` is
/// refused too: an update names the version it was made from), and the version otherwise,
/// which the handler compares (412 when it is not the current one).
pub fn if_match_version(req: &HttpRequest) -> Result<i64, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    value
        .to_str()
        .ok()
        .and_then(|v| parse_if_match(v.trim()))
        .ok_or_else(|| ApiError::bad_header("If-Match", RequestField::IfMatch))
}

fn parse_if_match(value: &str) -> Option<i64> {
    let value = base_tag(value);
    let value = value.as_ref();
    let inner = value
        .strip_prefix("W/")
        .unwrap_or(value)
        .strip_prefix("\"v")?
        .strip_suffix('"')?;
    let (version, hash) = match inner.split_once('-') {
        Some((version, hash)) => (version, Some(hash)),
        None => (inner, None),
    };
    let digits_ok =
        (1..=18).contains(&version.len()) && version.bytes().all(|b| b.is_ascii_digit());
    let hash_ok = hash.is_none_or(|h| {
        h.len() == 16
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    (digits_ok && hash_ok)
        .then(|| version.parse().ok())
        .flatten()
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
    if not_modified(req, &etag) {
        builder.status(StatusCode::NOT_MODIFIED);
        return (builder, true);
    }
    (builder, false)
}

/// Whether a `GET`'s `If-None-Match` names `etag` (then the answer is 304 without a body).
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    req.method() == Method::GET
        && req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|inm| etag_matches(inm, etag))
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

/// The codings a tag may carry as its suffix (`compression`).
pub const CODINGS: [&str; 2] = ["br", "gzip"];

/// A received entity tag without the coding suffix this server adds: `"h1-gzip"` is `"h1"`.
/// `W/` is kept; anything else is returned as it is.
pub fn base_tag(tag: &str) -> std::borrow::Cow<'_, str> {
    for coding in CODINGS {
        let suffix = format!("-{coding}\"");
        if let Some(head) = tag.strip_suffix(&suffix) {
            return std::borrow::Cow::Owned(format!("{head}\""));
        }
    }
    std::borrow::Cow::Borrowed(tag)
}

/// Adds `name` to the answer's `Vary`, as one header: the names already there (from one
/// header or several) joined with it. Shared caches differ in how they read several `Vary`
/// headers (nginx's `proxy_cache` keys on one of them only), so there is always one.
pub fn add_vary(headers: &mut header::HeaderMap, name: &str) {
    let mut names: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if names.iter().any(|p| p == "*") {
        return;
    }
    if !names.iter().any(|p| p.eq_ignore_ascii_case(name)) {
        names.push(name.to_owned());
    }
    if let Ok(v) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, v);
    }
}

/// The rule for shared caches, applied to every answer of a `GET` (or `HEAD`) in the
/// middleware, whatever produced it: a read can differ by caller (an administrator's list
/// holds drafts), so every one carries `Vary: Authorization`; one computed for a caller who
/// sent a token is `private` (never `public`, whatever its handler chose) and not open to
/// every origin: CORS `*` is for anonymous public reads only.
pub fn guard_shared_caches(headers: &mut header::HeaderMap, with_token: bool) {
    add_vary(headers, "Authorization");
    if !with_token {
        return;
    }
    let shared = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| {
            !v.split(',')
                .any(|d| matches!(d.trim(), "private" | "no-store"))
        });
    if shared {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
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

impl Visibility {
    /// Reads of a public agreement (and of what hangs off it) are public and cacheable; a
    /// draft's only go to its administrators.
    pub fn of_agreement(a: &Agreement) -> Self {
        if agreement::is_publicly_visible(a) {
            Self::Public
        } else {
            Self::Private
        }
    }
}

pub fn cursor_key(
    req: &HttpRequest,
) -> Result<actix_web::web::Data<samverkan_persistence::page::CursorKey>, ApiError> {
    req.app_data::<actix_web::web::Data<samverkan_persistence::page::CursorKey>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("no cursor key in the app data".into()))
}

/// A page as it leaves the server: its `next_cursor` sealed for this list (the request's
/// path) with the server's key.
pub fn seal<T>(req: &HttpRequest, mut page: Page<T>) -> Result<Page<T>, ApiError> {
    if let Some(cursor) = page.next_cursor.take() {
        page.next_cursor = Some(cursor_key(req)?.seal(req.path(), &cursor));
    }
    Ok(page)
}

/// A page as a public list response, with `Link`.
pub fn list_response<T, L: Serialize>(
    req: &HttpRequest,
    page: Page<T>,
    envelope: impl FnOnce(Vec<T>, Option<String>) -> L,
) -> ApiResult<HttpResponse> {
    let page = seal(req, page)?;
    let link = next_link(req, page.next_cursor.as_deref());
    json_read(
        req,
        &envelope(page.items, page.next_cursor),
        None,
        Visibility::Public,
        link,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_is_an_issued_etag() {
        assert_eq!(parse_if_match("\"v7\""), Some(7));
        assert_eq!(parse_if_match("\"v12-0123456789abcdef\""), Some(12));
        assert_eq!(parse_if_match("W/\"v3-0123456789abcdef\""), Some(3));
        assert_eq!(parse_if_match("\"v3-0123456789abcdef-gzip\""), Some(3));
        assert_eq!(parse_if_match("\"v4-br\""), Some(4));
        for bad in [
            "*",
            "",
            "v7",
            "\"v\"",
            "\"v+7\"",
            "\"v7-\"",
            "\"v7-0123456789ABCDEF\"",
            "\"h0123456789abcdef\"",
            "\"v1234567890123456789\"",
            "\"v1\", \"v2\"",
        ] {
            assert_eq!(parse_if_match(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_read_for_a_token_is_never_shared() {
        let mut h = header::HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        let mut anonymous = h.clone();
        guard_shared_caches(&mut anonymous, false);
        assert_eq!(
            anonymous.get(header::CACHE_CONTROL).unwrap(),
            "public, max-age=60"
        );
        assert_eq!(anonymous.get(header::VARY).unwrap(), "Authorization");
        assert!(anonymous.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        guard_shared_caches(&mut h, true);
        assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "private, no-cache");
        assert_eq!(h.get(header::VARY).unwrap(), "Authorization");
        assert!(!h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        let mut stored = header::HeaderMap::new();
        stored.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        stored.insert(header::VARY, HeaderValue::from_static("Accept"));
        guard_shared_caches(&mut stored, true);
        assert_eq!(stored.get(header::CACHE_CONTROL).unwrap(), "no-store");
        assert_eq!(stored.get(header::VARY).unwrap(), "Accept, Authorization");
    }

    #[test]
    fn vary_is_one_header_of_every_name() {
        let mut h = header::HeaderMap::new();
        h.append(header::VARY, HeaderValue::from_static("Accept"));
        h.append(
            header::VARY,
            HeaderValue::from_static("accept-encoding, Accept-Language"),
        );
        add_vary(&mut h, "Accept-Encoding");
        add_vary(&mut h, "Authorization");
        let all: Vec<_> = h.get_all(header::VARY).collect();
        assert_eq!(
            all,
            ["Accept, accept-encoding, Accept-Language, Authorization"]
        );
        let mut star = header::HeaderMap::new();
        star.insert(header::VARY, HeaderValue::from_static("*"));
        add_vary(&mut star, "Authorization");
        assert_eq!(star.get(header::VARY).unwrap(), "*");
    }

    #[test]
    fn etags() {
        assert!(etag_matches("\"v1\", \"v2\"", "\"v2\""));
        assert!(etag_matches("W/\"v2\"", "\"v2\""));
        assert!(!etag_matches("\"v3\"", "\"v2\""));
    }
}

/// Marks an error response that is an HTML page for a visitor (the embed page's), which
/// the request middleware leaves as it is instead of rendering it as problem+json.
#[derive(Debug, Clone, Copy)]
pub struct VisitorErrorPage;

/// Marks an error response of the OAuth token endpoint: an RFC 6749 §5.2 object, which the
/// request middleware leaves as it is.
#[derive(Debug, Clone, Copy)]
pub struct OAuthErrorBody;
