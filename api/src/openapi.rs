//! The OpenAPI document, built from the handlers (utoipa-actix-web collects every
//! `#[utoipa::path]` registered in `routes::configure`), plus the parts every operation
//! shares: the bearer scheme and the standard problem responses.

use std::collections::BTreeMap;

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as OpenApiDoc, Ref, RefOr};
use utoipa_actix_web::AppExt;

use crate::problem::{Problem, ProblemField};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samverkan",
        description = "Open data and administration of local agreements (överenskommelser) between Swedish public bodies and the civil-society sector (idéburen sektor): agreements and their versions, the organisations that accede, steering groups, follow-ups.\n\nPublic reads need no token. Writes need `Authorization: Bearer <JWT>` with roles `platform_admin`, `agreement_admin` (acting for `public_body_id`), `steering_member` or `organization_rep` (acting for `organization_ids`). Errors are `application/problem+json` (RFC 9457); a 409 names the broken rule in `code`, a 422 lists every invalid field in `errors`. Lists use keyset pagination (`limit`, `cursor`, `next_cursor`, `Link: rel=next`). Updates need `If-Match` with the ETag of the last read.",
        license(name = "EUPL-1.2"),
        version = "1.0.0"
    ),
    components(schemas(Problem, ProblemField)),
    tags(
        (name = "parties", description = "The register of parties: public bodies (kommuner, regioner, länsstyrelser) and civil-society organisations (idéburna organisationer)."),
        (name = "agreements", description = "Agreements (överenskommelser): drafts, the lifecycle as events (consultation, adoption, revision, termination), versions with principles and commitments, the follow-up calendar and renegotiation requests."),
        (name = "steering", description = "Steering groups (styrgrupp, partnerskap, samverkansgrupp): seats and terms, parity on any date, meetings with quorum, decisions. A 409's `code` names the rule: `seat_limit`, `appointed_by_other_side`, `chair_same_side`, `group_unbalanced`, `meeting_not_quorate`, …"),
        (name = "accessions", description = "Accessions (anslutningar) from application to signatory to withdrawal, and the public signatory list (JSON, CSV) for municipal websites and open-data users."),
        (name = "embed", description = "HTML pages for iframes on municipal websites."),
        (name = "system", description = "Liveness, readiness and error explanations.")
    )
)]
pub struct BaseDoc;

pub fn base_doc() -> OpenApiDoc {
    BaseDoc::openapi()
}

/// The complete document: what `/api-docs/openapi.json` serves and `openapi/openapi.json`
/// holds.
pub fn api_doc() -> OpenApiDoc {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(base_doc())
        .configure(routes::configure)
        .split_for_parts();
    add_shared_parts(&mut doc);
    doc
}

pub const BEARER: &str = "bearer";

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
/// names a resource; 413/415/422 where a body is read; 412/428 on updates; 304 on reads.
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
    let shared: [(&str, &str); 14] = [
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
            "Conflict",
            "A domain rule forbids this in the resource's current state; `code` names the rule.",
        ),
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
            "Invalid values; `errors` names every field at fault.",
        ),
        ("PreconditionRequired", "If-Match is missing."),
        (
            "Internal",
            "Internal error; the response carries the request id for the log.",
        ),
        ("Unavailable", "The database is unavailable or busy; retry."),
        (
            "MethodNotAllowed",
            "The path exists, but not with this method.",
        ),
        (
            "NotAcceptable",
            "The requested representation is not available.",
        ),
    ];
    for (name, description) in shared {
        components
            .responses
            .insert(name.to_owned(), RefOr::T(problem_response(description)));
    }
    let not_modified = RefOr::T(
        ResponseBuilder::new()
            .description("Not modified: the ETag in If-None-Match is current.")
            .build(),
    );
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
            if is_api {
                add("400", "BadRequest");
            }
            add("500", "Internal");
            if is_api {
                add("503", "Unavailable");
            }
            if secured {
                add("401", "Unauthorized");
                add("403", "Forbidden");
            }
            if names_resource {
                add("404", "NotFound");
            }
            let reads_body = op.request_body.is_some();
            if reads_body {
                add("413", "PayloadTooLarge");
                add("415", "UnsupportedMediaType");
                add("422", "Validation");
            }
            if method == "PATCH" {
                add("412", "PreconditionFailed");
                add("428", "PreconditionRequired");
            }
            if method == "GET" && is_api {
                op.responses
                    .responses
                    .entry("304".to_owned())
                    .or_insert_with(|| not_modified.clone());
            }
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
