//! JSON Schemas for values the domain checks the same way wherever they occur, so that each
//! request schema says exactly what the server accepts: texts are trimmed with Rust's notion
//! of whitespace (`str::trim`) and must not be blank, optional texts count blank as absent,
//! codes are SCB codes. Use them with `#[schema(schema_with = …)]` or `#[param(schema_with =
//! …)]`, through a small function beside the field that names the domain's limit (utoipa's
//! own `max_length`, `maximum` take literals only), so a changed limit changes the contract
//! by itself. Rules between fields are [`RulesBetweenFields`]. CI's contract fuzzing holds
//! document and server to each other in both directions.

use samverkan_domain::scb::COUNTY_CODE_PATTERN;
use serde_json::{Value, json};
use utoipa::openapi::{RefOr, Schema};

/// The characters `str::trim` removes (Unicode `White_Space`), as a regex class body.
pub const WS: &str =
    r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

pub fn schema(value: serde_json::Value) -> RefOr<Schema> {
    serde_json::from_value(value).expect("a valid schema")
}

/// A text the domain reads with `Validator::text`: not blank, at most `max` characters.
pub fn text(nullable: bool, max: usize, example: &str) -> serde_json::Value {
    serde_json::json!({
        "type": if nullable { serde_json::json!(["string", "null"]) } else { serde_json::json!("string") },
        "minLength": 1,
        "maxLength": max,
        "pattern": format!("^[^\\u0000]*[^{WS}\\u0000][^\\u0000]*$"),
        "description": "Not blank; surrounding whitespace is trimmed.",
        "example": example,
    })
}

/// An optional text (`Validator::optional_text`): blank or null for none, at most `max`
/// characters.
pub fn optional_text(max: usize) -> serde_json::Value {
    serde_json::json!({
        "type": ["string", "null"],
        "maxLength": max,
        "pattern": NO_NUL,
    })
}

/// Any text the API reads: no NUL (U+0000), which no text column can hold.
pub const NO_NUL: &str = "^[^\\u0000]*$";

/// A kommunkod, as `MunicipalityCode::parse` reads it.
pub fn municipality_code_pattern() -> String {
    format!("^[{WS}]*{COUNTY_CODE_PATTERN}[0-9]{{2}}[{WS}]*$")
}

/// A länskod, as `scb::is_county_code` reads it (after trimming).
pub fn county_code_pattern() -> String {
    format!("^[{WS}]*{COUNTY_CODE_PATTERN}[{WS}]*$")
}

/// The `municipality` filter of a list.
pub fn municipality_query() -> RefOr<Schema> {
    schema(serde_json::json!({
        "type": "string",
        "pattern": municipality_code_pattern(),
        "description": "A kommunkod: four digits, the first two a county code. Surrounding whitespace is trimmed.",
        "example": "1285",
    }))
}

/// An optional http(s) address, as `party::website_field` reads it (blank = none).
pub fn website() -> RefOr<Schema> {
    let bad = format!(r#"{WS}\u0000-\u001f\u007f-\u009f<>""#);
    schema(serde_json::json!({
        "type": ["string", "null"],
        "maxLength": samverkan_domain::party::WEBSITE_MAX,
        "pattern": format!("^[{WS}]*(?:https?://[^{bad}/?#][^{bad}]*[{WS}]*)?$"),
        "description": "An http:// or https:// address; blank or null for none. Surrounding whitespace is trimmed.",
        "example": "https://angsblomman.example",
    }))
}

/// A field's schema, stated from the domain's limits; `From` makes it what
/// `#[schema(schema_with = …)]` expects.
#[derive(Debug, Clone)]
pub struct Field(Value);

impl Field {
    /// A required text (`Validator::text`): not blank, at most `max` characters.
    pub fn text(max: usize, example: &str) -> Self {
        Self(text(false, max, example))
    }

    /// A text a patch may leave out or send as `null` (which keeps it), else as
    /// [`Field::text`].
    pub fn nullable_text(max: usize, example: &str) -> Self {
        Self(text(true, max, example))
    }

    /// An optional text (`Validator::optional_text`): blank or null for none.
    pub fn optional_text(max: usize) -> Self {
        Self(optional_text(max))
    }

    /// A whole number in `min..=max`, as a `u32` field reads it.
    pub fn integer(min: u32, max: u32) -> Self {
        Self(json!({"type": "integer", "format": "int32", "minimum": min, "maximum": max}))
    }

    /// [`Field::integer`], or null for none.
    pub fn optional_integer(min: u32, max: u32) -> Self {
        Self(
            json!({"type": ["integer", "null"], "format": "int32", "minimum": min, "maximum": max}),
        )
    }

    /// Any other schema, written out.
    pub fn json(value: Value) -> Self {
        Self(value)
    }

    /// The field's description (utoipa does not carry a doc comment into `schema_with`).
    pub fn described(mut self, description: &str) -> Self {
        self.0["description"] = description.into();
        self
    }
}

impl From<Field> for RefOr<Schema> {
    fn from(field: Field) -> Self {
        schema(field.0)
    }
}

/// Rules between the fields of a request body, as JSON Schema `if`/`then` branches, each
/// generated from the one domain predicate the server applies (`MemberRole::
/// requires_ordinary_seat`, `PeriodUnit::max_amount`, …), so the document states what a 422
/// would say and a changed rule changes it by itself. utoipa's derive has no place for them:
/// `openapi` adds them to the type's schema as `allOf` branches.
pub trait RulesBetweenFields: utoipa::ToSchema {
    fn rules() -> Vec<Value>;
}

/// `if` the string property `field` is present and one of `values` (the stored texts of an
/// enum's variants), `then` … . One value is a `const`, several an `enum`.
pub fn when(field: &str, values: &[&'static str], then: Value) -> Value {
    let condition = match values {
        [one] => json!({"const": one}),
        many => json!({"enum": many}),
    };
    json!({
        "if": {"required": [field], "properties": {field: condition}},
        "then": then,
    })
}
