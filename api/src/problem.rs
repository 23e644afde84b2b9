//! RFC 9457 problem details: the one place where every error becomes an HTTP response.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use samverkan_domain::{DomainError, FieldError};
use samverkan_persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The kinds of error, each answered at `/problems/<slug>` with a short explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    RuleViolation,
    PreconditionFailed,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    Validation,
    PreconditionRequired,
    ServiceUnavailable,
    Internal,
}

impl ProblemKind {
    pub const ALL: [Self; 15] = [
        Self::BadRequest,
        Self::Unauthorized,
        Self::Forbidden,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::NotAcceptable,
        Self::RuleViolation,
        Self::PreconditionFailed,
        Self::PayloadTooLarge,
        Self::RequestTimeout,
        Self::UnsupportedMediaType,
        Self::Validation,
        Self::PreconditionRequired,
        Self::ServiceUnavailable,
        Self::Internal,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::BadRequest => "bad-request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::NotAcceptable => "not-acceptable",
            Self::RuleViolation => "rule-violation",
            Self::PreconditionFailed => "precondition-failed",
            Self::PayloadTooLarge => "payload-too-large",
            Self::RequestTimeout => "request-timeout",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::Validation => "validation",
            Self::PreconditionRequired => "precondition-required",
            Self::ServiceUnavailable => "service-unavailable",
            Self::Internal => "internal",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::RuleViolation => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind an arbitrary error status maps to (for errors actix produces itself).
    pub fn for_status(status: StatusCode) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.status() == status)
            .unwrap_or(if status.is_server_error() {
                Self::Internal
            } else {
                Self::BadRequest
            })
    }

    pub fn title(self, swedish: bool) -> &'static str {
        match (self, swedish) {
            (Self::BadRequest, false) => "Bad request",
            (Self::BadRequest, true) => "Felaktig begäran",
            (Self::Unauthorized, false) => "Authentication required",
            (Self::Unauthorized, true) => "Inloggning krävs",
            (Self::Forbidden, false) => "Not allowed",
            (Self::Forbidden, true) => "Inte tillåtet",
            (Self::NotFound, false) => "Not found",
            (Self::NotFound, true) => "Hittades inte",
            (Self::MethodNotAllowed, false) => "Method not allowed",
            (Self::MethodNotAllowed, true) => "Metoden stöds inte",
            (Self::NotAcceptable, false) => "Not acceptable",
            (Self::NotAcceptable, true) => "Formatet kan inte levereras",
            (Self::RuleViolation, false) => "A rule of the agreement forbids this",
            (Self::RuleViolation, true) => "En regel i överenskommelsen hindrar detta",
            (Self::PreconditionFailed, false) => "The resource has changed",
            (Self::PreconditionFailed, true) => "Resursen har ändrats",
            (Self::PayloadTooLarge, false) => "Request body too large",
            (Self::PayloadTooLarge, true) => "För stor begäran",
            (Self::RequestTimeout, false) => "Request timeout",
            (Self::RequestTimeout, true) => "Begäran tog för lång tid",
            (Self::UnsupportedMediaType, false) => "Unsupported content type",
            (Self::UnsupportedMediaType, true) => "Innehållstypen stöds inte",
            (Self::Validation, false) => "Invalid input",
            (Self::Validation, true) => "Ogiltiga uppgifter",
            (Self::PreconditionRequired, false) => "If-Match required",
            (Self::PreconditionRequired, true) => "If-Match krävs",
            (Self::ServiceUnavailable, false) => "Service unavailable",
            (Self::ServiceUnavailable, true) => "Tjänsten är inte tillgänglig",
            (Self::Internal, false) => "Internal error",
            (Self::Internal, true) => "Internt fel",
        }
    }

    /// What `/problems/<slug>` says about this kind of error.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::BadRequest => {
                "The request could not be read: malformed JSON, a field the operation does not know (unknown fields are refused, never dropped), or a query or path parameter of the wrong form. `errors` names the parameter where one is at fault."
            }
            Self::Unauthorized => {
                "The operation needs a bearer token (Authorization: Bearer <JWT>), or the token given is missing, expired, not yet valid, badly signed or issued for another audience."
            }
            Self::Forbidden => {
                "The token is valid, but its roles do not allow this operation on this resource."
            }
            Self::NotFound => "No resource at this address, or none that the caller may see.",
            Self::MethodNotAllowed => {
                "The address exists but not with this method; the Allow header lists the methods it has."
            }
            Self::NotAcceptable => {
                "The resource cannot be represented in any of the types the Accept header asks for."
            }
            Self::RuleViolation => {
                "The request is well-formed but a rule of the domain forbids it in the resource's current state. `code` names the rule (for example `already_signatory`); the operation's description in the API document lists the rules it enforces."
            }
            Self::PreconditionFailed => {
                "The If-Match header names a version of the resource that is no longer current. Read the resource again, re-apply the change and retry with the new ETag."
            }
            Self::PayloadTooLarge => "The request body is larger than the server accepts.",
            Self::RequestTimeout => {
                "The client took too long to send the request body; the connection was closed."
            }
            Self::UnsupportedMediaType => {
                "The request body must be JSON (Content-Type: application/json)."
            }
            Self::Validation => {
                "The request was read but some values are invalid. `errors` lists every field at fault with a code and a message."
            }
            Self::PreconditionRequired => {
                "Updates need an If-Match header with the ETag of the version being changed, so that concurrent edits do not overwrite each other."
            }
            Self::ServiceUnavailable => "The database is unreachable or busy. Retry later.",
            Self::Internal => {
                "Something failed on the server. The response carries a request id; the cause is in the server's log under that id."
            }
        }
    }
}

/// An error response (RFC 9457 problem details).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference identifying the kind of error; the server answers it with an explanation.
    #[schema(example = "/problems/validation")]
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request path the error occurred on.
    pub instance: String,
    /// The domain rule broken (409 only), e.g. `already_signatory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Every field or parameter at fault (422, and 400 for parameters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    /// Identifies the request in the server's log.
    pub request_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The JSON path of the field or the name of the parameter, e.g. `principles[2].title`.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<&FieldError> for ProblemField {
    fn from(e: &FieldError) -> Self {
        Self {
            field: e.field.clone(),
            code: e.code.to_owned(),
            message: e.message.clone(),
        }
    }
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed(String),
    #[error("not acceptable")]
    NotAcceptable,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("If-Match required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("request timeout")]
    RequestTimeout,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The cause goes to the log; the client sees only "internal error" and the request id.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_parameter(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            detail: format!("parameter `{field}`: {message}"),
            errors: vec![FieldError::new(field, "invalid_parameter", message)],
        }
    }

    pub fn kind(&self) -> ProblemKind {
        match self {
            Self::BadRequest { .. } => ProblemKind::BadRequest,
            Self::Unauthorized(_) => ProblemKind::Unauthorized,
            Self::Forbidden => ProblemKind::Forbidden,
            Self::NotFound => ProblemKind::NotFound,
            Self::MethodNotAllowed(_) => ProblemKind::MethodNotAllowed,
            Self::NotAcceptable => ProblemKind::NotAcceptable,
            Self::Conflict { .. } => ProblemKind::RuleViolation,
            Self::PreconditionFailed => ProblemKind::PreconditionFailed,
            Self::PreconditionRequired => ProblemKind::PreconditionRequired,
            Self::PayloadTooLarge => ProblemKind::PayloadTooLarge,
            Self::RequestTimeout => ProblemKind::RequestTimeout,
            Self::UnsupportedMediaType(_) => ProblemKind::UnsupportedMediaType,
            Self::Validation(_) => ProblemKind::Validation,
            Self::Unavailable(_) => ProblemKind::ServiceUnavailable,
            Self::Internal(_) => ProblemKind::Internal,
        }
    }

    /// The problem body, without request context (filled in by `problem_response`).
    pub fn problem(&self, swedish: bool) -> Problem {
        let kind = self.kind();
        let detail = match self {
            Self::BadRequest { detail, .. } => detail.clone(),
            Self::Unauthorized(d) => d.clone(),
            Self::Forbidden => {
                "the token's roles do not allow this operation on this resource".into()
            }
            Self::NotFound => "no such resource".into(),
            Self::MethodNotAllowed(allow) => format!("this address allows {allow}"),
            Self::NotAcceptable => {
                "supported: application/json (and text/csv where documented)".into()
            }
            Self::Conflict { message, .. } => message.clone(),
            Self::PreconditionFailed => {
                "the If-Match header does not name the current version; read the resource again"
                    .into()
            }
            Self::PreconditionRequired => {
                "send If-Match with the ETag from the last read of this resource".into()
            }
            Self::PayloadTooLarge => "the request body exceeds the configured limit".into(),
            Self::RequestTimeout => "the request body did not arrive in time".into(),
            Self::UnsupportedMediaType(d) => d.clone(),
            Self::Validation(errors) => {
                let fields: Vec<&str> = errors
                    .iter()
                    .map(|e| match e.field.as_str() {
                        "" => "the request body",
                        field => field,
                    })
                    .collect();
                format!("invalid value in: {}", fields.join(", "))
            }
            Self::Unavailable(_) => "the database is unavailable or busy; retry later".into(),
            Self::Internal(_) => "internal error".into(),
        };
        let errors = match self {
            Self::Validation(errors) => Some(errors.iter().map(ProblemField::from).collect()),
            Self::BadRequest { errors, .. } if !errors.is_empty() => {
                Some(errors.iter().map(ProblemField::from).collect())
            }
            _ => None,
        };
        Problem {
            type_: format!("/problems/{}", kind.slug()),
            title: kind.title(swedish).to_owned(),
            status: kind.status().as_u16(),
            detail,
            instance: String::new(),
            code: match self {
                Self::Conflict { code, .. } => Some((*code).to_owned()),
                _ => None,
            },
            errors,
            request_id: String::new(),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => Self::Validation(errors),
            DomainError::Conflict { code, message } => Self::Conflict { code, message },
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Domain(d) => d.into(),
            StoreError::Stale => Self::PreconditionFailed,
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::Migration(m) | StoreError::Internal(m) => Self::Internal(m),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Field errors that the stored state causes rather than the request's form (a date before
/// the recorded adoption or consultation, a public body that is not a party): when every
/// error of a refusal is one of `codes`, the request was well-formed and the answer is 409
/// with the first rule's code; with other field errors, 422 lists them all.
pub fn state_rules(codes: &'static [&'static str]) -> impl Fn(DomainError) -> DomainError {
    move |error| match error {
        DomainError::Invalid(errors)
            if !errors.is_empty() && errors.iter().all(|e| codes.contains(&e.code)) =>
        {
            let first = &errors[0];
            DomainError::Conflict {
                code: first.code,
                message: format!("{}: {}", first.field, first.message),
            }
        }
        other => other,
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().status()
    }

    /// A bare rendering; the request middleware re-renders every error with its context
    /// (instance, request id, language) before it leaves the server.
    fn error_response(&self) -> HttpResponse {
        render(self.problem(false), self.allow())
    }
}

impl ApiError {
    fn allow(&self) -> Option<&str> {
        match self {
            Self::MethodNotAllowed(allow) => Some(allow),
            _ => None,
        }
    }

    /// The response for this error on a given request.
    pub fn response_for(&self, instance: &str, request_id: &str, swedish: bool) -> HttpResponse {
        let mut problem = self.problem(swedish);
        problem.instance = instance.to_owned();
        problem.request_id = request_id.to_owned();
        render(problem, self.allow())
    }
}

fn render(problem: Problem, allow: Option<&str>) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
    builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    if status == StatusCode::UNAUTHORIZED {
        builder.insert_header((
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"samverkan\""),
        ));
    }
    if let Some(allow) = allow
        && let Ok(v) = HeaderValue::from_str(allow)
    {
        builder.insert_header((header::ALLOW, v));
    }
    builder.body(serde_json::to_vec(&problem).unwrap_or_default())
}

pub type ApiResult<T> = Result<T, ApiError>;
