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
        let timeout = req
            .app_data::<BodyTimeout>()
            .map_or(DEFAULT_BODY_TIMEOUT, |t| t.0);
        Box::pin(async move {
            // The server's client timeout covers the request head only; a body that stalls
            // would hold a worker's connection for ever.
            let bytes = actix_web::rt::time::timeout(timeout, bytes)
                .await
                .map_err(|_| ApiError::RequestTimeout)?;
            let bytes = bytes.map_err(|e| {
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

/// How long a client may take to send a request body.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

pub const DEFAULT_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Parses a JSON body, classifying errors: syntax and unknown fields → 400, wrong types and
/// missing fields → 422 naming the field. Objects are read strictly: a struct is only ever
/// read from a JSON object (serde would also take an array of its fields in order).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line X column Y"; keep the message short.
        let message = message.split(" at line ").next().unwrap_or(&message);
        ApiError::BadRequest {
            detail: format!("malformed JSON: {message}"),
            errors: vec![],
        }
    })?;
    serde_path_to_error::deserialize(strict::Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let name = rest.split('`').next().unwrap_or_default();
            // The path already ends in the unknown field's name.
            let field = if path == "." || path.is_empty() {
                name.to_owned()
            } else {
                path
            };
            return ApiError::BadRequest {
                detail: format!("unknown field `{field}`"),
                errors: vec![FieldError::new(field, "unknown_field", message)],
            };
        }
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
        } else if message == NUL_MESSAGE {
            "invalid_character"
        } else {
            "invalid_type"
        };
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    })
}

const NUL_MESSAGE: &str = "must not contain the character U+0000 (NUL)";

/// A deserializer over a parsed JSON value that reads structs from objects only; everything
/// else behaves as `serde_json::Value`'s own deserializer.
mod strict {
    use serde::de::{
        DeserializeSeed, Deserializer, EnumAccess, Error as _, IntoDeserializer, MapAccess,
        SeqAccess, Unexpected, VariantAccess, Visitor,
    };
    use serde_json::{Error, Map, Value};

    pub struct Strict(pub Value);

    /// 2^53: every integer up to here has an exact `f64`.
    const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

    fn unexpected(value: &Value) -> Unexpected<'_> {
        match value {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => Unexpected::Unsigned(u),
                (_, Some(i), _) => Unexpected::Signed(i),
                (_, _, Some(f)) => Unexpected::Float(f),
                _ => Unexpected::Other("number"),
            },
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }

    fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, Error> {
        let len = items.len();
        let mut seq = Seq(items.into_iter());
        let value = visitor.visit_seq(&mut seq)?;
        if seq.0.len() == 0 {
            Ok(value)
        } else {
            Err(Error::invalid_length(len, &"fewer elements in array"))
        }
    }

    fn visit_object<'de, V: Visitor<'de>>(
        map: Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Object {
            entries: map.into_iter(),
            value: None,
        })
    }

    impl<'de> Deserializer<'de> for Strict {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Array(items) => visit_array(items, visitor),
                Value::Object(map) => visit_object(map, visitor),
                // JSON has one kind of number: `2.0` is the integer 2 (as JSON Schema counts
                // it), so an integer field takes it; `2.5` stays a float and is refused there.
                Value::Number(n) if n.is_f64() => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() <= MAX_EXACT_INTEGER => {
                        if f >= 0.0 {
                            visitor.visit_u64(f as u64)
                        } else {
                            visitor.visit_i64(f as i64)
                        }
                    }
                    _ => Value::Number(n).deserialize_any(visitor),
                },
                // No text the API stores may hold NUL (PostgreSQL cannot).
                Value::String(s) if s.contains('\0') => Err(Error::custom(super::NUL_MESSAGE)),
                other => other.deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::Object(map) => visit_object(map, visitor),
                other => Err(Error::invalid_type(unexpected(&other), &visitor)),
            }
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::String(variant) => visitor.visit_enum(Enum {
                    variant,
                    value: None,
                }),
                Value::Object(map) if map.len() == 1 => {
                    let (variant, value) = map.into_iter().next().expect("one entry");
                    visitor.visit_enum(Enum {
                        variant,
                        value: Some(value),
                    })
                }
                other => other.deserialize_enum(name, variants, visitor),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct seq tuple tuple_struct map identifier ignored_any
        }
    }

    struct Seq(std::vec::IntoIter<Value>);

    impl<'de> SeqAccess<'de> for Seq {
        type Error = Error;

        fn next_element_seed<S: DeserializeSeed<'de>>(
            &mut self,
            seed: S,
        ) -> Result<Option<S::Value>, Error> {
            self.0
                .next()
                .map(|v| seed.deserialize(Strict(v)))
                .transpose()
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.0.len())
        }
    }

    struct Object {
        entries: serde_json::map::IntoIter,
        value: Option<Value>,
    }

    impl<'de> MapAccess<'de> for Object {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            match self.entries.next() {
                Some((key, value)) => {
                    self.value = Some(value);
                    seed.deserialize(key.into_deserializer()).map(Some)
                }
                None => Ok(None),
            }
        }

        fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
            let value = self
                .value
                .take()
                .ok_or_else(|| Error::custom("value is missing"))?;
            seed.deserialize(Strict(value))
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.entries.len())
        }
    }

    struct Enum {
        variant: String,
        value: Option<Value>,
    }

    impl<'de> EnumAccess<'de> for Enum {
        type Error = Error;
        type Variant = Variant;

        fn variant_seed<S: DeserializeSeed<'de>>(
            self,
            seed: S,
        ) -> Result<(S::Value, Variant), Error> {
            let variant = seed.deserialize(self.variant.into_deserializer())?;
            Ok((variant, Variant(self.value)))
        }
    }

    struct Variant(Option<Value>);

    impl<'de> VariantAccess<'de> for Variant {
        type Error = Error;

        fn unit_variant(self) -> Result<(), Error> {
            match self.0 {
                None | Some(Value::Null) => Ok(()),
                Some(other) => Err(Error::invalid_type(unexpected(&other), &"unit variant")),
            }
        }

        fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
            match self.0 {
                Some(value) => seed.deserialize(Strict(value)),
                None => Err(Error::invalid_type(
                    Unexpected::UnitVariant,
                    &"newtype variant",
                )),
            }
        }

        fn tuple_variant<V: Visitor<'de>>(
            self,
            _len: usize,
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Some(Value::Array(items)) => visit_array(items, visitor),
                Some(other) => Err(Error::invalid_type(unexpected(&other), &"tuple variant")),
                None => Err(Error::invalid_type(
                    Unexpected::UnitVariant,
                    &"tuple variant",
                )),
            }
        }

        fn struct_variant<V: Visitor<'de>>(
            self,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Some(Value::Object(map)) => visit_object(map, visitor),
                Some(other) => Err(Error::invalid_type(unexpected(&other), &"struct variant")),
                None => Err(Error::invalid_type(
                    Unexpected::UnitVariant,
                    &"struct variant",
                )),
            }
        }
    }
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
    /// The `next_cursor` of the previous page (opaque; only cursors the same list returned
    /// are accepted, anything else is 400).
    #[param(min_length = 1, max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
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
            Some(c) => Some(
                decode_cursor(c, parts)
                    .filter(|_| !c.is_empty())
                    .ok_or_else(|| {
                        ApiError::bad_parameter("cursor", "not a cursor this list returned")
                    })?,
            ),
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

/// The form of the entity tags of stored resources, `"v<row version>-<16 hex digits>"`, and so
/// of every `If-Match` this server accepts (the OpenAPI document states it as the header's
/// pattern).
pub const IF_MATCH_PATTERN: &str = r#"^(W/)?"v[0-9]{1,18}(-[0-9a-f]{16})?"$"#;

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
        .ok_or_else(|| ApiError::BadRequest {
            detail: "If-Match must be the ETag of the last read, e.g. \"v3-0123456789abcdef\""
                .into(),
            errors: vec![FieldError::new(
                "If-Match",
                "invalid_header",
                "the ETag of the last read of this resource",
            )],
        })
}

fn parse_if_match(value: &str) -> Option<i64> {
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

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        items: Vec<Inner2>,
        kind: Kind,
        note: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner2 {
        n: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Municipality,
        Region,
    }

    #[test]
    fn structs_are_read_from_objects_only() {
        // serde would read `[null]` as a struct with its fields in order; a JSON API does not.
        assert_eq!(
            field_of(&parse_json::<Body>(b"[\"a\", null]").unwrap_err()).0,
            422
        );
        assert_eq!(
            field_of(
                &parse_json::<Outer>(br#"{"items":[[1]],"kind":"region","note":null}"#)
                    .unwrap_err()
            ),
            (422, "items[0]".into())
        );
        assert_eq!(
            parse_json::<Outer>(r#"{"items":[{"n":1}],"kind":"region","note":"Ö"}"#.as_bytes())
                .unwrap(),
            Outer {
                items: vec![Inner2 { n: 1 }],
                kind: Kind::Region,
                note: Some("Ö".into()),
            }
        );
        assert_eq!(
            field_of(&parse_json::<Outer>(br#"{"items":[],"kind":"county"}"#).unwrap_err()),
            (422, "kind".into())
        );
        assert_eq!(
            field_of(
                &parse_json::<Outer>(br#"{"items":[{"n":1.5}],"kind":"region"}"#).unwrap_err()
            ),
            (422, "items[0].n".into())
        );
        assert_eq!(
            field_of(&parse_json::<Outer>(br#"{"items":[],"kind":"region","x":1}"#).unwrap_err()),
            (400, "x".into())
        );
        assert!(parse_json::<Kind>(br#""municipality""#).is_ok());
        // NUL cannot be stored (PostgreSQL refuses it in text): 422 naming the field.
        let nul = parse_json::<Body>(br#"{"name":"a\u0000b"}"#).unwrap_err();
        let problem = nul.problem(false);
        assert_eq!(problem.status, 422);
        let errors = problem.errors.unwrap();
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code.as_str()),
            ("name", "invalid_character")
        );
        // `1.0` is the integer 1; `1.5` is not an integer.
        assert_eq!(
            parse_json::<Outer>(br#"{"items":[{"n":1.0}],"kind":"region"}"#)
                .unwrap()
                .items,
            vec![Inner2 { n: 1 }]
        );
        assert_eq!(parse_json::<i64>(b"-3.0").unwrap(), -3);
        assert_eq!(parse_json::<f64>(b"2.0").unwrap(), 2.0);
        assert_eq!(
            parse_json::<u32>(b"-1.0")
                .unwrap_err()
                .problem(false)
                .status,
            422
        );
        assert_eq!(
            parse_json::<u32>(b"1e300")
                .unwrap_err()
                .problem(false)
                .status,
            422
        );
    }

    #[test]
    fn if_match_is_an_issued_etag() {
        assert_eq!(parse_if_match("\"v7\""), Some(7));
        assert_eq!(parse_if_match("\"v12-0123456789abcdef\""), Some(12));
        assert_eq!(parse_if_match("W/\"v3-0123456789abcdef\""), Some(3));
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
    fn etags() {
        assert!(etag_matches("\"v1\", \"v2\"", "\"v2\""));
        assert!(etag_matches("W/\"v2\"", "\"v2\""));
        assert!(!etag_matches("\"v3\"", "\"v2\""));
    }
}
