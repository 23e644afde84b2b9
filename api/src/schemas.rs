//! JSON Schemas for values the domain checks the same way wherever they occur, so that each
//! request schema says exactly what the server accepts: texts are trimmed with Rust's notion
//! of whitespace (`str::trim`) and must not be blank, optional texts count blank as absent,
//! codes are SCB codes. Use them with `#[schema(schema_with = …)]` or `#[param(schema_with =
//! …)]`. CI's contract fuzzing holds document and server to each other in both directions.

use samverkan_domain::scb::COUNTY_CODE_PATTERN;
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
        "description": "An http:// or https:// address; blank or null for none.",
        "example": "https://angsblomman.example",
    }))
}
