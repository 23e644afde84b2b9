//! The OpenAPI document, built from the handlers (utoipa-actix-web collects every
//! `#[utoipa::path]` registered in `routes::configure`), plus the parts every operation
//! shares: the bearer scheme and the standard problem responses, the rules between fields,
//! the links from a create, and (`finish`) what client generators and linters need said in
//! their forms. [`api_document`] is what the server serves and `openapi/openapi.json` holds.

mod codes;
mod finish;

pub use finish::RELATIVE_SERVER;

use std::collections::{BTreeMap, BTreeSet};

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::link::Link;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr, Schema};
use utoipa_actix_web::AppExt;

use crate::http::IF_MATCH_PATTERN;
use crate::problem::{Problem, ProblemField};
use crate::routes;
use crate::schemas::RulesBetweenFields;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samverkan",
        description = "Open data and administration of local agreements (överenskommelser) between Swedish public bodies and the civil-society sector (idéburen sektor): agreements and their versions, the organisations that accede, steering groups, follow-ups.\n\n**First call:** with a token, `GET /api/v1/me` says who the token makes you: its roles, the public body and organisations it acts for, the agreements you administer or co-administer, your steering-group seats today and when the token expires. (`samverkan serve --demo` prints a token for each kind of user.)\n\nPublic reads need no token. Writes need `Authorization: Bearer <JWT>` with roles `platform_admin`, `agreement_admin` (acting for `public_body_id`), `steering_member` or `organization_rep` (acting for `organization_ids`). Errors are `application/problem+json` (RFC 9457): a 409 means the current state forbids the operation and names the rule in `code`; a 422 means a value is wrong, on its own or against the resource's recorded dates, and lists every such field in `errors`. Titles, details and messages are Swedish with `Accept-Language: sv`; codes are always English. Lists use keyset pagination (`limit`, `cursor`, `next_cursor`, `Link: rel=next`). Updates need `If-Match` with the ETag of the last read. No text may contain U+0000 (NUL).",
        license(name = "EUPL-1.2"),
        version = "1.0.0"
    ),
    components(schemas(Problem, ProblemField)),
    tags(
        (name = "parties", description = "The register of parties: public bodies (kommuner, regioner, länsstyrelser) and civil-society organisations (idéburna organisationer)."),
        (name = "agreements", description = "Agreements (överenskommelser): drafts, the lifecycle as events (consultation, adoption, revision, termination), versions with principles and commitments, the follow-up calendar and renegotiation requests."),
        (name = "steering", description = "Steering groups (styrgrupp, partnerskap, samverkansgrupp): seats and terms, parity on any date, meetings with quorum, decisions. A 409's `code` names the rule: `seat_limit`, `appointed_by_other_side`, `chair_same_side`, `group_unbalanced`, `meeting_not_quorate`, …"),
        (name = "action-plans", description = "Action plans (handlingsplaner) of an agreement: drafted, adopted by the steering group (citing its `adopt_action_plan` decision) or by an external body, closed; only one adopted plan covers any given day (409 `action_plan_overlaps`). Activities serve the current version's principles and development areas, move `planned` → `in_progress` → `done` / `cancelled` with dated notes, and signatories opt in voluntarily. The public sees adopted and closed plans, participants by organisation name only."),
        (name = "accessions", description = "Accessions (anslutningar) from application to signatory to withdrawal, and the public signatory list (JSON, CSV) for municipal websites and open-data users."),
        (name = "changes", description = "The change feed for integrators: every state change, in order, from a transactional outbox (see `ChangeType` for the catalogue, `AgreementChangePayload`, `AccessionChangePayload`, `SteeringGroupChangePayload`, `ActionPlanChangePayload`, `DialogueEventChangePayload` and `PartnershipChangePayload` for the payloads). Types are `area.event`; new types may be added, so clients must ignore types they do not know."),
        (name = "dialogue", description = "Dialogue meetings and conferences: announced to the agreement's signatories (an invitation each), registered for by their representatives (`event_full`, `registration_closed`), rescheduled or cancelled with their history, followed by attendance and minutes; an iCalendar feed to subscribe to. Attendee names are never public."),
        (name = "personal-data", description = "The data subject's rights (GDPR): every record that names a person, searched by e-mail, person reference or name given in the body, never in a URL. See docs/personal-data.md."),
        (name = "partnerships", description = "IOP partnerships (idéburet offentligt partnerskap) under an agreement: proposed and assessed against the agreement's criteria (`partnership_criteria`; Kristianstad's six) by its administrators and co-administrators, entered or ended by the public body's administrators (409 `assessment_incomplete`, `criterion_not_met_unjustified`), or not entered with a reason. The public register (JSON, CSV) lists the entered and ended ones with parties, period, contributions (öre, and kronor) and decision; contract documents are referenced, not stored."),
        (name = "service-accounts", description = "Service accounts for integrators with no account at the identity provider: created by platform administrators with the roles they act in, their secret shown once and stored hashed, rotated and revoked. The client exchanges its client id and secret for a ten-minute token at `POST /api/v1/oauth/token` (OAuth 2.0 client credentials, RFC 6749 §4.4), whose errors are RFC 6749 §5.2 objects. See docs/identity.md."),
        (name = "embed", description = "HTML pages for iframes on municipal websites."),
        (name = "open-data", description = "Open data for dataportal.se: the DCAT-AP-SE catalogue of the public signatory lists (Turtle, JSON-LD, RDF/XML) and the bulk download of every list and public text as one ZIP archive. See docs/open-data.md."),
        (name = "system", description = "Liveness, readiness and error explanations.")
    )
)]
pub struct BaseDoc;

pub fn base_doc() -> OpenApiDoc {
    BaseDoc::openapi()
}

/// The document in utoipa's types: every operation with its shared responses, rules between
/// fields and links. The route table reads it; clients get [`api_document`].
pub fn api_doc() -> OpenApiDoc {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(base_doc())
        .configure(routes::configure)
        .split_for_parts();
    add_shared_parts(&mut doc);
    constrain_shared_headers(&mut doc);
    add_rules_between_fields(&mut doc);
    add_links(&mut doc);
    doc
}

/// The complete document: what `/api-docs/openapi.json` serves and `openapi/openapi.json`
/// holds (with `public_url: None`, where `servers` is the relative `/`).
pub fn api_document(public_url: Option<&str>) -> serde_json::Value {
    let doc = serde_json::to_value(api_doc()).expect("the document serializes");
    finish::finish(doc, public_url)
}

/// [`api_document`] as the committed file holds it.
pub fn api_document_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&api_document(None)).expect("the document serializes");
    text.push('\n');
    text
}

pub const BEARER: &str = "bearer";

/// The OAuth token endpoint (`routes::service_accounts::token`).
pub const OAUTH_TOKEN_PATH: &str = "/api/v1/oauth/token";

fn operations_mut(item: &mut utoipa::openapi::PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("POST", item.post.as_mut()),
        ("PUT", item.put.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("DELETE", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

/// The error responses every operation can give, added in one place so that no operation
/// forgets one: 400 and 500/503 always; 401/403 where a token is needed; 404 where the path
/// names a resource; 413/415/422 where a body is read; 412/428 on updates. (304 on reads
/// comes with `If-None-Match` in `finish`.)
fn add_shared_parts(doc: &mut OpenApiDoc) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        BEARER.to_owned(),
        RefOr::T(SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "A JWT from the identity provider (or `samverkan token` locally).",
                ))
                .build(),
        )),
    );
    let shared: [(&str, &str); 11] = [
        (
            "BadRequest",
            "Malformed JSON, an unknown field, or a query or path parameter of the wrong form.",
        ),
        (
            "Unauthorized",
            "No token, or a token that is expired, not yet valid, badly signed or meant for another issuer or audience.",
        ),
        (
            "Forbidden",
            "The token's roles do not allow this operation on this resource.",
        ),
        ("NotFound", "No such resource, or none the caller may see."),
        (
            "PreconditionFailed",
            "If-Match does not name the current version.",
        ),
        (
            "PayloadTooLarge",
            "The request body exceeds the configured limit (64 KiB by default).",
        ),
        ("UnsupportedMediaType", "The request body is not JSON."),
        (
            "Validation",
            "Invalid values, on their own or against the resource's recorded facts (a date before the adoption); `errors` names every field at fault.",
        ),
        ("PreconditionRequired", "If-Match is missing."),
        (
            "Internal",
            "Internal error; the response carries the request id for the log.",
        ),
        ("Unavailable", "The database is unavailable or busy; retry."),
    ];
    for (name, description) in shared {
        components
            .responses
            .insert(name.to_owned(), RefOr::T(problem_response(description)));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let names_resource = path.contains('{');
        let is_api = path.starts_with("/api/");
        for (method, op) in operations_mut(item) {
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |status: &str, name: &str| {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            };
            // Any operation that reads parameters or a body can find them malformed; any but
            // liveness and the static explanations reads the database.
            let has_input =
                op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
            if is_api || (has_input && !path.starts_with("/problems/")) {
                add("400", "BadRequest");
            }
            add("500", "Internal");
            if path != "/health" && !path.starts_with("/problems/") {
                add("503", "Unavailable");
            }
            if secured {
                add("401", "Unauthorized");
                add("403", "Forbidden");
            }
            if names_resource {
                add("404", "NotFound");
            }
            // The token endpoint reads a form and answers RFC 6749 errors, not problems.
            let reads_body = op.request_body.is_some() && path != OAUTH_TOKEN_PATH;
            if reads_body {
                add("413", "PayloadTooLarge");
                add("415", "UnsupportedMediaType");
                add("422", "Validation");
            }
            if method == "PATCH" {
                add("412", "PreconditionFailed");
                add("428", "PreconditionRequired");
            }
        }
    }
}

/// The request headers every operation reads the same way (`http::if_match_version`,
/// `idempotency`) get one schema, stated here once, so that no operation documents a looser
/// header than the server accepts.
fn constrain_shared_headers(doc: &mut OpenApiDoc) {
    let if_match: RefOr<Schema> = serde_json::from_value(serde_json::json!({
        "type": "string",
        "pattern": IF_MATCH_PATTERN,
        "example": "\"v3-0123456789abcdef\"",
    }))
    .expect("a valid schema");
    let idempotency_key: RefOr<Schema> = serde_json::from_value(serde_json::json!({
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[!-~]+$",
        "description": "1–255 visible ASCII characters, new for each request (a UUID does). The same key with the same body replays the original 201; with another body it is refused (422).",
    }))
    .expect("a valid schema");
    for item in doc.paths.paths.values_mut() {
        for (_, op) in operations_mut(item) {
            for param in op.parameters.iter_mut().flatten() {
                let RefOr::T(param) = param else { continue };
                if !matches!(param.parameter_in, ParameterIn::Header) {
                    continue;
                }
                if param.name.eq_ignore_ascii_case("If-Match") {
                    param.schema = Some(if_match.clone());
                } else if param.name.eq_ignore_ascii_case(crate::idempotency::HEADER) {
                    param.schema = Some(idempotency_key.clone());
                }
            }
        }
    }
}

/// The rules between fields of the request bodies that have them ([`RulesBetweenFields`],
/// generated from the domain's predicates beside each type), as `allOf` branches of the
/// type's own schema: utoipa's derive has no place for `if`/`then`.
fn add_rules_between_fields(doc: &mut OpenApiDoc) {
    use crate::contract::{agreements, steering};
    use crate::routes::agreements::RenegotiationFiled;

    fn rules<T: RulesBetweenFields>() -> (String, Vec<serde_json::Value>) {
        (T::name().into_owned(), T::rules())
    }
    let all = [
        rules::<agreements::CivilSocietyPartyInput>(),
        rules::<agreements::NoticePeriod>(),
        rules::<steering::Appointment>(),
        rules::<RenegotiationFiled>(),
        rules::<steering::DecisionInput>(),
    ];
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (name, rules) in all {
        let schema = components
            .schemas
            .get_mut(&name)
            .unwrap_or_else(|| panic!("no schema {name} in the document"));
        let mut value = serde_json::to_value(&*schema).expect("a schema serializes");
        let all_of = value
            .as_object_mut()
            .expect("an object schema")
            .entry("allOf")
            .or_insert_with(|| serde_json::json!([]));
        all_of.as_array_mut().expect("an array").extend(rules);
        *schema = crate::schemas::schema(value);
    }
}

/// The `$ref` of the JSON body schema a response has for `status`.
fn body_schema_ref(op: &Operation, status: &str) -> Option<String> {
    let RefOr::T(response) = op.responses.responses.get(status)? else {
        return None;
    };
    let RefOr::T(content) = response.content.get("application/json")? else {
        return None;
    };
    match content.schema.as_ref()? {
        RefOr::Ref(r) => Some(r.ref_location.clone()),
        RefOr::T(_) => None,
    }
}

fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// OpenAPI links from every create (a `POST` answering 201) to the operations on what it
/// created, so that a client can follow them and CI's stateful fuzzing chains create → read
/// → update → events. The created resource lives at `<create path>/{x}`, or at the path whose
/// `GET` answers the same schema as the create; the created `id` fills its last path
/// parameter, the other path parameters pass through from the create's own path, and an
/// update gets `If-Match` from the create's `ETag`.
fn add_links(doc: &mut OpenApiDoc) {
    let mut resource_paths_by_schema: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        if path.ends_with('}')
            && let Some(schema) = item.get.as_ref().and_then(|op| body_schema_ref(op, "200"))
        {
            resource_paths_by_schema
                .entry(schema)
                .or_default()
                .push(path.clone());
        }
    }
    let all_paths: Vec<String> = doc.paths.paths.keys().cloned().collect();
    // (create path, links to add to its 201 response)
    let mut planned: Vec<(String, BTreeMap<String, Link>)> = Vec::new();
    for (create_path, item) in &doc.paths.paths {
        let Some(create) = item.post.as_ref() else {
            continue;
        };
        if !create.responses.responses.contains_key("201") {
            continue;
        }
        let own_params: BTreeSet<&str> = path_params(create_path).into_iter().collect();
        let mut resources: BTreeSet<String> = BTreeSet::new();
        let prefix = format!("{create_path}/{{");
        for path in &all_paths {
            if let Some(rest) = path.strip_prefix(&prefix)
                && let Some(end) = rest.find('}')
            {
                resources.insert(format!("{create_path}/{{{}}}", &rest[..end]));
            }
        }
        if let Some(schema) = body_schema_ref(create, "201") {
            resources.extend(
                resource_paths_by_schema
                    .get(&schema)
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
        }
        let mut links = BTreeMap::new();
        for resource in &resources {
            let params = path_params(resource);
            let Some((created, outer)) = params.split_last() else {
                continue;
            };
            if !outer.iter().all(|p| own_params.contains(p)) {
                continue;
            }
            for path in &all_paths {
                let Some(rest) = path.strip_prefix(resource.as_str()) else {
                    continue;
                };
                if !(rest.is_empty() || rest.starts_with('/')) || rest.contains('{') {
                    continue;
                }
                let target = &doc.paths.paths[path];
                for (method, op) in [
                    ("GET", target.get.as_ref()),
                    ("POST", target.post.as_ref()),
                    ("PUT", target.put.as_ref()),
                    ("PATCH", target.patch.as_ref()),
                    ("DELETE", target.delete.as_ref()),
                ] {
                    let Some(op) = op else { continue };
                    let Some(operation_id) = op.operation_id.clone() else {
                        continue;
                    };
                    let mut parameters = BTreeMap::new();
                    parameters.insert(
                        format!("path.{created}"),
                        serde_json::json!("$response.body#/id"),
                    );
                    for p in outer {
                        parameters.insert(
                            format!("path.{p}"),
                            serde_json::json!(format!("$request.path.{p}")),
                        );
                    }
                    let takes_if_match = op.parameters.iter().flatten().any(
                        |p| matches!(p, RefOr::T(p) if p.name.eq_ignore_ascii_case("If-Match")),
                    );
                    if method == "PATCH" && takes_if_match {
                        parameters.insert(
                            "header.If-Match".to_owned(),
                            serde_json::json!("$response.header.ETag"),
                        );
                    }
                    let mut link = Link::default();
                    link.operation_id = operation_id.clone();
                    link.parameters = parameters;
                    link.description = format!("{method} {path} on the created resource");
                    links.insert(operation_id, link);
                }
            }
        }
        if !links.is_empty() {
            planned.push((create_path.clone(), links));
        }
    }
    for (path, links) in planned {
        let Some(create) = doc.paths.paths.get_mut(&path).and_then(|i| i.post.as_mut()) else {
            continue;
        };
        if let Some(RefOr::T(response)) = create.responses.responses.get_mut("201") {
            response
                .links
                .extend(links.into_iter().map(|(name, link)| (name, RefOr::T(link))));
        }
    }
}

/// Which methods each path template has, for 405 with `Allow`.
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<&'static str>)>,
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApiDoc) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (path.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        Self { routes }
    }

    pub fn methods_for(&self, path: &str) -> Option<Vec<&'static str>> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut found: BTreeMap<&'static str, ()> = BTreeMap::new();
        for (template, methods) in &self.routes {
            let matches = template.len() == parts.len()
                && template
                    .iter()
                    .zip(&parts)
                    .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p);
            if matches {
                found.extend(methods.iter().map(|m| (*m, ())));
            }
        }
        (!found.is_empty()).then(|| found.into_keys().collect())
    }
}
