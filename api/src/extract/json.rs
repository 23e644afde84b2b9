//! Request bodies, read strictly: JSON content type, size limit, time limit, unknown
//! fields refused, and errors naming the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::{Bytes, PayloadConfig};
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::{ApiError, RequestField};

/// A JSON request body, read strictly: JSON content type, size limit, unknown fields
/// refused (every request type has `deny_unknown_fields`), and errors naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !content_type_is_json(req) {
            return Box::pin(async { Err(ApiError::UnsupportedMediaType) });
        }
        let bytes = read_body(req, payload);
        Box::pin(async move { parse_json(&bytes.await?).map(Json) })
    }
}

fn content_type_is_json(req: &HttpRequest) -> bool {
    req.headers()
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
        .unwrap_or(false)
}

/// The body, within the configured limit and the body timeout.
fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<Bytes, ApiError>> + 'static {
    let bytes = Bytes::from_request(req, payload);
    let timeout = req
        .app_data::<BodyTimeout>()
        .map_or(DEFAULT_BODY_TIMEOUT, |t| t.0);
    async move {
        // The server's client timeout covers the request head only; a body that stalls
        // would hold a worker's connection for ever.
        let bytes = actix_web::rt::time::timeout(timeout, bytes)
            .await
            .map_err(|_| ApiError::RequestTimeout)?;
        bytes.map_err(|e| {
            use actix_web::error::PayloadError;
            match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
                _ if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::PayloadTooLarge
                }
                _ => ApiError::unreadable_body(None),
            }
        })
    }
}

/// The body of an event that carries no data: none at all (whatever the `Content-Type`),
/// or the JSON object `{}` read as strictly as any other body. A client that sends a bare
/// `POST …/reconfirmation` means the same as one that sends `{}`.
pub struct EventBody;

impl FromRequest for EventBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = content_type_is_json(req);
        let bytes = read_body(req, payload);
        Box::pin(async move {
            let bytes = bytes.await?;
            if bytes.is_empty() {
                return Ok(EventBody);
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            parse_json::<NoBody>(&bytes).map(|_| EventBody)
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
    let value: serde_json::Value = serde_json::from_slice::<unique::Unique>(bytes)
        .map(|u| u.0)
        .map_err(|e| {
            let message = e.to_string();
            // serde_json appends " at line X column Y"; keep the message short.
            let message = message.split(" at line ").next().unwrap_or(&message);
            ApiError::unreadable_body(Some(message))
        })?;
    serde_path_to_error::deserialize(strict::Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            let name = rest.split('`').next().unwrap_or_default();
            // The path usually ends in the unknown field's name already; inside an
            // internally tagged object (`appointed_by`) it ends at the object.
            let field = if path == "." || path.is_empty() {
                name.to_owned()
            } else if path.rsplit('.').next() == Some(name) {
                path
            } else {
                format!("{path}.{name}")
            };
            // serde: "unknown field `x`, expected one of `a`, `b`" (or "expected `a`", or
            // "there are no fields").
            let allowed = rest
                .split_once(", expected ")
                .map(|(_, allowed)| serde_list(allowed));
            let error = match allowed {
                Some(allowed) => RequestField::UnknownField { allowed },
                None => RequestField::UnknownFieldNone,
            };
            return ApiError::unknown_field(field, error);
        }
        // An adjacently tagged object (`signatory`) with a key other than its tag and its
        // content: serde says `invalid value: string "x", expected "kind" or "id"`.
        if let Some(rest) = message.strip_prefix("invalid value: string \"")
            && let Some((name, expected)) = rest.split_once("\", expected \"")
            && path.rsplit('.').next() == Some(name)
        {
            let allowed = format!(
                "`{}`",
                expected.trim_end_matches('"').replace("\" or \"", "`, `")
            );
            return ApiError::unknown_field(path, RequestField::UnknownField { allowed });
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
        let error = if message.starts_with("missing field") {
            RequestField::Missing
        } else if message == NUL_MESSAGE {
            RequestField::Nul
        } else if message == DATE_MESSAGE {
            RequestField::Date
        } else if let Some(rest) = message.strip_prefix("unknown variant ")
            && let Some((value, allowed)) = rest.split_once(", expected ")
        {
            RequestField::UnknownVariant {
                value: value.to_owned(),
                allowed: serde_list(allowed),
            }
        } else {
            RequestField::WrongValue { detail: message }
        };
        ApiError::Validation(vec![error.at(field)])
    })
}

/// serde's list of expected names (`` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``)
/// as a plain list that reads in any language: `` `a`, `b` ``.
fn serde_list(expected: &str) -> String {
    expected
        .strip_prefix("one of ")
        .unwrap_or(expected)
        .replace("` or `", "`, `")
}

/// A date field's value that is not a date the API accepts ([`samverkan_domain::dates`]).
const DATE_MESSAGE: &str = "must be a date written YYYY-MM-DD, from 1900-01-01 to 2199-12-31";

const NUL_MESSAGE: &str = "must not contain the character U+0000 (NUL)";

/// A JSON value read with every object's keys unique: a duplicate key is an unreadable body
/// (400), not "the last one wins" (RFC 8259 leaves it open; a proxy and this server could
/// read two different requests from the same bytes).
mod unique {
    use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    pub struct Unique(pub Value);

    impl<'de> Deserialize<'de> for Unique {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(UniqueVisitor).map(Unique)
        }
    }

    struct UniqueVisitor;

    impl<'de> Visitor<'de> for UniqueVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            Unique::deserialize(d).map(|u| u.0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Unique(v)) = seq.next_element()? {
                items.push(v);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut object = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let Unique(value) = map.next_value()?;
                if object.contains_key(&key) {
                    return Err(A::Error::custom(format!("duplicate key `{key}`")));
                }
                object.insert(key, value);
            }
            Ok(Value::Object(object))
        }
    }
}

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

    /// Whether the value is read as a `chrono::NaiveDate` (its visitor says so; a unit test
    /// holds the text to chrono's).
    pub(super) fn is_date_visitor<'de, V: Visitor<'de>>(visitor: &V) -> bool {
        format!("{}", visitor as &dyn serde::de::Expected) == "a formatted date string"
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
                // A date is `YYYY-MM-DD` within the accepted range and nothing else: chrono
                // alone would also take a sign, a fifth year digit or single-digit months
                // (`+10000-01-01`, `2026-1-1`).
                Value::String(s)
                    if is_date_visitor(&visitor)
                        && samverkan_domain::dates::parse(&s).is_none() =>
                {
                    Err(Error::custom(super::DATE_MESSAGE))
                }
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

// The body of an event that carries no data (`{}`): still JSON, still strict. (A plain
// comment: a doc comment would become the schema's description.)
#[derive(Debug, Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}

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
    use samverkan_domain::error::Lang;

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
        let p = e.problem(Lang::En);
        (
            p.status,
            p.errors.map(|e| e[0].field.clone()).unwrap_or_default(),
        )
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Dated {
        on: chrono::NaiveDate,
        until: Option<chrono::NaiveDate>,
    }

    #[test]
    fn dates_are_yyyy_mm_dd_only() {
        let ok = parse_json::<Dated>(br#"{"on": "2026-01-31", "until": "2199-12-31"}"#).unwrap();
        assert_eq!(ok.on.to_string(), "2026-01-31");
        for bad in [
            "+10000-01-01",
            "-0001-01-01",
            "2026-1-1",
            "+2026-01-01",
            "02026-01-01",
        ] {
            let body = format!(r#"{{"on": "2026-01-01", "until": "{bad}"}}"#);
            let e = parse_json::<Dated>(body.as_bytes()).unwrap_err();
            assert_eq!(field_of(&e), (422, "until".to_owned()), "{bad}");
        }
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let e = parse_json::<Body>(br#"{"name": "a", "name": "b"}"#).unwrap_err();
        assert_eq!(field_of(&e).0, 400);
        let e = parse_json::<Body>(br#"{"name": "a", "inner": {"n": 1, "n": 2}}"#).unwrap_err();
        assert_eq!(field_of(&e).0, 400);
        let fine = parse_json::<Body>(br#"{"name": "a", "inner": {"n": 1}}"#).unwrap();
        assert_eq!(fine.name, "a");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct DatedNote {
        on: chrono::NaiveDate,
        until: Option<chrono::NaiveDate>,
        note: Option<String>,
    }

    #[test]
    fn every_date_is_strict_and_bounded() {
        let ok = parse_json::<DatedNote>(
            br#"{"on": "1900-01-01", "until": "2199-12-31", "note": "+10019-12-31"}"#,
        );
        assert!(ok.is_ok(), "{ok:?}");
        for (body, field) in [
            (r#"{"on": "9999-12-31", "until": null, "note": null}"#, "on"),
            (
                r#"{"on": "+10019-12-31", "until": null, "note": null}"#,
                "on",
            ),
            (
                r#"{"on": "2024-01-01", "until": "2200-01-01", "note": null}"#,
                "until",
            ),
            (r#"{"on": "1899-12-31", "until": null, "note": null}"#, "on"),
            (r#"{"on": "2024-1-5", "until": null, "note": null}"#, "on"),
        ] {
            let e = parse_json::<DatedNote>(body.as_bytes()).unwrap_err();
            assert_eq!(field_of(&e), (422, field.to_owned()), "{body}");
            assert_eq!(e.problem(Lang::En).errors.unwrap()[0].code, "invalid_date");
        }
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
    fn body_errors_speak_english_and_swedish() {
        let messages = |e: ApiError| {
            [Lang::En, Lang::Sv].map(|lang| {
                let p = e.problem(lang);
                let error = &p.errors.expect("a field error")[0];
                (error.code.clone(), error.message.clone(), p.detail)
            })
        };
        let [en, sv] =
            messages(parse_json::<Outer>(br#"{"items":[],"kind":"county"}"#).unwrap_err());
        assert_eq!(en.0, "invalid_type");
        assert_eq!(
            en.1,
            "unknown value `county`; expected one of `municipality`, `region`"
        );
        assert_eq!(
            sv.1,
            "okänt värde `county`; tillåtna värden är `municipality`, `region`"
        );
        assert_eq!(sv.2, "ogiltigt värde i: kind");
        let [en, sv] = messages(parse_json::<Body>(br#"{"name":"a","x":1}"#).unwrap_err());
        assert_eq!(en.0, "unknown_field");
        assert_eq!(
            en.1,
            "this request has no such field; it takes `name`, `inner`"
        );
        assert_eq!(
            sv.1,
            "begäran har inget sådant fält; den tar `name`, `inner`"
        );
        assert_eq!(
            (en.2.as_str(), sv.2.as_str()),
            ("unknown field `x`", "okänt fält `x`")
        );
        let [en, sv] = messages(parse_json::<Body>(br#"{}"#).unwrap_err());
        assert_eq!((en.0.as_str(), sv.0.as_str()), ("required", "required"));
        assert_eq!(sv.1, "fältet måste finnas med");
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
        let problem = nul.problem(Lang::En);
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
                .problem(Lang::En)
                .status,
            422
        );
        assert_eq!(
            parse_json::<u32>(b"1e300")
                .unwrap_err()
                .problem(Lang::En)
                .status,
            422
        );
    }
}
