//! The document as integrators' tools read it: what every operation shares, stated once, in
//! the forms client generators and linters understand (issue 10). It works on the JSON of the
//! document that utoipa built from the handlers, because some of it has no place in utoipa's
//! types (a `$ref` with sibling keywords, which narrows the shared `Problem` per operation).
//!
//! - `info` (license identifier, contact), `servers` (relative, or the configured public URL)
//!   and the root `security`: bearer, with every operation open to anyone saying so with
//!   `security: []` (openapi-python-client gives such an operation a client without a token).
//! - Shared `components/parameters` (`If-Match`, `If-None-Match`, `Idempotency-Key`, `limit`,
//!   `cursor`) and `components/headers` (`ETag`, `Cache-Control`, `Link`, `Location`) on the
//!   operations that take or send them.
//! - Rule codes as enums: `Problem.code` is a `RuleCode`, `errors[].code` a `FieldCode`, both
//!   drawn from the domain's `rules!` and `field_errors!` lists, and each operation's 409 and
//!   422 narrow them to the lists it can raise ([`super::codes`]).
//! - Tagged unions as `oneOf` of named schemas with a `discriminator` and its `mapping`.
//! - Required means present: in what only responses carry, every property the server sends
//!   as `null` when empty is required; only what it leaves out (`Problem.code`, `errors`) is
//!   optional, and never nullable.
//! - A `title` on every schema; no component that nothing uses.

use std::collections::BTreeSet;

use samverkan_persistence::page::{DEFAULT_LIMIT, MAX_LIMIT};
use serde_json::{Map, Value, json};

use super::codes;

const PARAMETERS: &str = "#/components/parameters/";
const HEADERS: &str = "#/components/headers/";
const RESPONSES: &str = "#/components/responses/";
const SCHEMAS: &str = "#/components/schemas/";

/// What `servers` says when no public URL is configured.
pub const RELATIVE_SERVER: &str = "/";

pub(super) fn finish(mut doc: Value, public_url: Option<&str>) -> Value {
    info(&mut doc, public_url);
    shared_components(&mut doc);
    operations(&mut doc);
    rule_code_enums(&mut doc);
    tagged_unions(&mut doc);
    required_means_present(&mut doc);
    titles(&mut doc);
    drop_unused_components(&mut doc);
    date_bounds(&mut doc);
    doc
}

/// Every calendar date, in requests and responses, is `YYYY-MM-DD` from 1900-01-01 to
/// 2199-12-31 (`samverkan_domain::dates`): stated as a pattern at each `format: date`.
fn date_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("date") {
                map.insert(
                    "pattern".into(),
                    Value::String(samverkan_domain::dates::PATTERN.into()),
                );
            }
            map.values_mut().for_each(date_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(date_bounds),
        _ => {}
    }
}

fn info(doc: &mut Value, public_url: Option<&str>) {
    doc["info"]["license"] = json!({"name": "EUPL-1.2", "identifier": "EUPL-1.2"});
    doc["info"]["contact"] = json!({"name": "The Samverkan project"});
    doc["servers"] = match public_url {
        Some(url) => json!([{"url": url, "description": "This server (`SAMVERKAN_PUBLIC_URL`)."}]),
        None => json!([{
            "url": RELATIVE_SERVER,
            "description": "The server that serves this document. A server with `SAMVERKAN_PUBLIC_URL` set names its public address here instead.",
        }]),
    };
    doc["security"] = json!([{ super::BEARER: [] }]);
}

fn shared_components(doc: &mut Value) {
    let components = &mut doc["components"];
    components["headers"] = json!({
        "ETag": {
            "description": "The entity tag of this representation: `\"v<version>-<hash>\"` for a stored resource (send it as `If-Match` to change the resource), `\"h<hash>\"` for lists and other derived views. Send it as `If-None-Match` to revalidate.",
            "schema": {"type": "string", "example": "\"v3-0123456789abcdef\""},
        },
        "CacheControl": {
            "description": "`public, max-age=60` for open data (less in the last minute before midnight in Sweden, when what is shown as of today may change: never past it), `private, no-cache` for what depends on the caller, `no-store` for the answer to a change.",
            "schema": {"type": "string", "example": "public, max-age=60"},
        },
        "Link": {
            "description": "`<path?…&cursor=…>; rel=\"next\"` while there is a next page (RFC 8288); absent on the last page.",
            "schema": {"type": "string"},
        },
        "Location": {
            "description": "The path of the created resource.",
            "schema": {"type": "string", "format": "uri-reference"},
        },
    });
    components["responses"]["NotModified"] = json!({
        "description": "Not modified: the ETag in `If-None-Match` is still current. No body.",
        "headers": {
            "ETag": {"$ref": format!("{HEADERS}ETag")},
            "Cache-Control": {"$ref": format!("{HEADERS}CacheControl")},
        },
    });
    let mut parameters = json!({
        "IfNoneMatch": {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of earlier reads: 304 Not Modified without a body when one of them is still current.",
            "schema": {"type": "string", "example": "\"h0123456789abcdef\""},
        },
    });
    // The others take the schema the handlers state (`PageParams`, `http::IF_MATCH_PATTERN`,
    // `idempotency`), with one description for every operation.
    for (key, name, description) in [
        (
            "IfMatch",
            "If-Match",
            "The ETag of the last read of this resource: the change applies only to that version (412 when it is no longer current, 428 when missing).",
        ),
        (
            "IdempotencyKey",
            "Idempotency-Key",
            "Makes a retried create safe: the same key with the same body replays the original 201; with another body it is refused (422 `idempotency_key_reused`).",
        ),
        ("Limit", "limit", "Items per page, 1–200 (default 50)."),
        (
            "Cursor",
            "cursor",
            "The `next_cursor` of the previous page: opaque, and only cursors the same list returned are accepted (400 otherwise).",
        ),
    ] {
        let Some(mut found) = inline_parameters(doc).find(|p| p["name"] == name).cloned() else {
            continue;
        };
        found["description"] = description.into();
        parameters[key] = found;
    }
    parameters["Limit"]["schema"]["default"] = DEFAULT_LIMIT.into();
    parameters["Limit"]["schema"]["maximum"] = MAX_LIMIT.into();
    doc["components"]["parameters"] = parameters;
}

fn inline_parameters(doc: &Value) -> impl Iterator<Item = &Value> {
    doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op["parameters"].as_array())
        .flatten()
}

fn reference(prefix: &str, name: &str) -> Value {
    json!({ "$ref": format!("{prefix}{name}") })
}

/// The shared parameter a parameter of this name becomes.
fn shared_parameter(name: &str) -> Option<&'static str> {
    match name {
        "If-Match" => Some("IfMatch"),
        "Idempotency-Key" => Some("IdempotencyKey"),
        "limit" => Some("Limit"),
        "cursor" => Some("Cursor"),
        _ => None,
    }
}

fn operations(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            operation(path, method, op);
        }
    }
}

fn operation(path: &str, method: &str, op: &mut Value) {
    let op_id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let tag = op["tags"][0].as_str().unwrap_or_default().to_owned();
    // Who may call it: a bearer token (the root's requirement, stated on the operation too),
    // or anyone. An operation that also reads a token when one is sent refuses a bad one.
    let security = op["security"].as_array().cloned();
    let optional_token = security
        .as_ref()
        .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(Map::is_empty)));
    if security.is_none() || optional_token {
        op["security"] = json!([]);
    }
    if optional_token {
        op["responses"]["401"] = reference(RESPONSES, "Unauthorized");
        let description = op["description"].as_str().unwrap_or_default().to_owned();
        op["description"] = format!(
            "{description}\n\nOpen to anyone: no token is needed. A token that is sent must be valid (401 otherwise), and its roles count."
        )
        .trim_start()
        .into();
    }

    // Shared parameters by reference; conditional reads take `If-None-Match`.
    let reads = method == "get" && (path.starts_with("/api/") || path.starts_with("/embed/"));
    let mut params: Vec<Value> = op["parameters"].as_array().cloned().unwrap_or_default();
    for p in params.iter_mut() {
        if let Some(shared) = p["name"].as_str().and_then(shared_parameter) {
            *p = reference(PARAMETERS, shared);
        }
    }
    let paged = params
        .iter()
        .any(|p| p["$ref"] == format!("{PARAMETERS}Cursor"));
    let keyed = params
        .iter()
        .any(|p| p["$ref"] == format!("{PARAMETERS}IdempotencyKey"));
    if reads {
        params.push(reference(PARAMETERS, "IfNoneMatch"));
        op["responses"]["304"] = reference(RESPONSES, "NotModified");
    }
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }

    // A create with an `Idempotency-Key` can meet another request with the same key still
    // in progress (409 `idempotency_key_in_flight`, after one retry on the server).
    if keyed && op["responses"].get("409").is_none() {
        op["responses"]["409"] = json!({
            "description": "Another request with this Idempotency-Key is being processed; retry",
            "content": {"application/problem+json": {"schema": reference(SCHEMAS, "Problem")}},
        });
    }

    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        match status.as_str() {
            "200" | "201" => success_headers(response, method, path, paged),
            "409" => {
                let rules = codes::rule_codes(&op_id, &tag, keyed);
                narrow(response, json!({"code": {"enum": rules}}));
            }
            "422" => {
                let fields = codes::field_codes(&tag);
                narrow(
                    response,
                    json!({"errors": {"items": {"properties": {"code": {"enum": fields}}}}}),
                );
            }
            _ => {}
        }
    }
}

/// The headers a success sends: every read its `ETag` and `Cache-Control` (a paged list also
/// `Link`), every change its new `ETag` and `Cache-Control: no-store`, a create `Location`.
fn success_headers(response: &mut Value, method: &str, path: &str, paged: bool) {
    let declared: Map<String, Value> = response["headers"].as_object().cloned().unwrap_or_default();
    let mut headers = Map::new();
    let api = path.starts_with("/api/") || path.starts_with("/embed/");
    let shared = |name: &str| reference(HEADERS, name);
    match method {
        "get" if api => {
            headers.insert("ETag".into(), shared("ETag"));
            headers.insert("Cache-Control".into(), shared("CacheControl"));
            if paged {
                headers.insert("Link".into(), shared("Link"));
            }
        }
        "get" => {
            headers.insert("Cache-Control".into(), shared("CacheControl"));
        }
        _ => {
            if declared.contains_key("Location") {
                headers.insert("Location".into(), shared("Location"));
            }
            if declared.contains_key("ETag") || !declared.contains_key("Location") {
                headers.insert("ETag".into(), shared("ETag"));
            }
            if !declared.contains_key("Location") {
                headers.insert("Cache-Control".into(), shared("CacheControl"));
            }
        }
    }
    for (name, header) in declared {
        if !["ETag", "Location", "Cache-Control", "Link"].contains(&name.as_str()) {
            headers.insert(name, header);
        }
    }
    response["headers"] = Value::Object(headers);
}

/// The response's problem, narrowed for this operation: the shared `Problem` by reference
/// with the operation's own enums beside it (JSON Schema 2020-12 applies both; generators
/// keep the one `Problem` type). A shared response is copied in first.
fn narrow(response: &mut Value, properties: Value) {
    if let Some(target) = response["$ref"].as_str() {
        let name = target.trim_start_matches(RESPONSES);
        *response = json!({
            "description": shared_response_description(name),
            "content": {"application/problem+json": {"schema": reference(SCHEMAS, "Problem")}},
        });
    }
    response["content"]["application/problem+json"]["schema"] = json!({
        "$ref": format!("{SCHEMAS}Problem"),
        "properties": properties,
    });
}

fn shared_response_description(name: &str) -> &'static str {
    match name {
        "Validation" => {
            "Invalid values, on their own or against the resource's recorded facts; `errors` names every field at fault"
        }
        _ => "See `type`",
    }
}

/// `RuleCode` and `FieldCode`: every code a problem can carry, from every list of rules and
/// field errors.
fn rule_code_enums(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    schemas["RuleCode"] = json!({
        "type": "string",
        "description": "The rule a 409 names (`rules!` lists of the domain, the register and the API); stable and English in every language. Each operation's 409 lists the codes it can give.",
        "enum": codes::all_rule_codes(),
    });
    schemas["FieldCode"] = json!({
        "type": "string",
        "description": "What is wrong with a field or parameter (`field_errors!` lists); stable and English in every language. Each operation's 422 lists the codes it can give.",
        "enum": codes::all_field_codes(),
    });
    let code_description = schemas["Problem"]["properties"]["code"]["description"].clone();
    schemas["Problem"]["properties"]["code"] = json!({
        "$ref": format!("{SCHEMAS}RuleCode"),
        "description": code_description,
    });
    let field_description = schemas["ProblemField"]["properties"]["code"]["description"].clone();
    schemas["ProblemField"]["properties"]["code"] = json!({
        "$ref": format!("{SCHEMAS}FieldCode"),
        "description": field_description,
    });
}

/// A union whose every alternative is an inline object carrying the same tag property (the
/// serde tag, a string of fixed values) becomes a `oneOf` of named schemas with a
/// `discriminator`. A variant is named by its `title` where the code gives one, else
/// `<Tag value><Union>` (`OrganizationSignatory`).
fn tagged_unions(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let mut extracted = Vec::new();
    for (union, schema) in schemas.iter_mut() {
        let Some(variants) = schema["oneOf"].as_array() else {
            continue;
        };
        let Some(tag) = union_tag(variants) else {
            continue;
        };
        let mut refs = Vec::new();
        let mut mapping = Map::new();
        for variant in variants {
            let values: Vec<String> = variant["properties"][&tag]["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let name = variant["title"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{}{union}", pascal(&values[0])));
            let target = format!("{SCHEMAS}{name}");
            for value in values {
                mapping.insert(value, target.clone().into());
            }
            refs.push(json!({ "$ref": target }));
            extracted.push((name, variant.clone()));
        }
        schema["oneOf"] = Value::Array(refs);
        schema["discriminator"] = json!({"propertyName": tag, "mapping": mapping});
    }
    for (name, mut variant) in extracted {
        variant["title"] = name.clone().into();
        // Every tagged object refuses fields it does not know (400 naming them), in a request
        // as at the top level; the contract says so, or a schema-valid body would be refused.
        if variant.get("additionalProperties").is_none() {
            variant["additionalProperties"] = false.into();
        }
        schemas.insert(name, variant);
    }
}

/// The property every alternative requires with a fixed set of string values.
fn union_tag(variants: &[Value]) -> Option<String> {
    let first = variants.first()?;
    let mut candidates = first["properties"].as_object()?.keys();
    candidates
        .find(|name| {
            variants.iter().all(|v| {
                v["$ref"].is_null()
                    && v["properties"][name.as_str()]["enum"].is_array()
                    && v["required"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|n| n == name.as_str()))
            })
        })
        .cloned()
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The names of the component schemas a value refers to, directly or through others.
fn closure(doc: &Value, roots: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            refs_in(&doc["components"]["schemas"][&name], &mut todo);
        }
    }
    seen
}

fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str)
                && let Some(name) = target.strip_prefix(SCHEMAS)
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// The component schemas requests and responses carry (each with what they refer to).
pub(super) fn request_and_response_schemas(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for item in doc["paths"].as_object().into_iter().flat_map(Map::values) {
        for op in item.as_object().into_iter().flat_map(Map::values) {
            refs_in(&op["requestBody"], &mut request_roots);
            refs_in(&op["responses"], &mut response_roots);
        }
    }
    refs_in(&doc["components"]["responses"], &mut response_roots);
    (closure(doc, request_roots), closure(doc, response_roots))
}

fn is_nullable(schema: &Value) -> bool {
    let null_type = |t: &Value| t == "null";
    schema["type"]
        .as_array()
        .is_some_and(|t| t.iter().any(null_type))
        || schema["oneOf"]
            .as_array()
            .is_some_and(|alts| alts.iter().any(|a| null_type(&a["type"])))
}

/// What only responses carry lists every nullable property as required: the server sends
/// every field, `null` when empty. A property that may be absent is one the server leaves
/// out, and is then never nullable (`Problem.code`).
fn required_means_present(doc: &mut Value) {
    let (requests, responses) = request_and_response_schemas(doc);
    for name in responses.difference(&requests) {
        require_nullable(&mut doc["components"]["schemas"][name]);
    }
}

fn require_nullable(schema: &mut Value) {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let nullable: Vec<String> = properties
            .iter()
            .filter(|(_, s)| is_nullable(s))
            .map(|(name, _)| name.clone())
            .collect();
        let mut required: Vec<Value> = schema
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for name in nullable {
            if !required.iter().any(|r| r == name.as_str()) {
                required.push(name.into());
            }
        }
        schema["required"] = Value::Array(required);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get_mut(key).and_then(Value::as_array_mut) {
            parts.iter_mut().for_each(require_nullable);
        }
    }
}

fn titles(doc: &mut Value) {
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            if schema.get("title").is_none() {
                schema["title"] = name.clone().into();
            }
        }
    }
}

/// Drops the shared responses and schemas that no operation uses, until none is left over.
fn drop_unused_components(doc: &mut Value) {
    loop {
        let mut used = Vec::new();
        refs_in(&doc["paths"], &mut used);
        let mut used_responses = Vec::new();
        collect_refs(&doc["paths"], RESPONSES, &mut used_responses);
        let mut removed = false;
        if let Some(responses) = doc["components"]["responses"].as_object_mut() {
            let before = responses.len();
            responses.retain(|name, _| used_responses.contains(name));
            removed |= responses.len() != before;
        }
        refs_in(&doc["components"]["responses"], &mut used);
        let live = closure(doc, used);
        if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
            let before = schemas.len();
            schemas.retain(|name, _| live.contains(name));
            removed |= schemas.len() != before;
        }
        if !removed {
            break;
        }
    }
}

fn collect_refs(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|t| t.strip_prefix(prefix))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, prefix, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, prefix, out)),
        _ => {}
    }
}
