//! RFC 9457 problem details: the one place where every error becomes an HTTP response.
//!
//! The status follows from the kind of error alone: the domain says whether a refusal is a
//! conflict with the current state (409, its rule's `code`) or a wrong value (422, every
//! field named); no handler decides it. Title, detail and every `errors[].message` are
//! English, or Swedish when the request prefers it (`Accept-Language: sv`); codes are the
//! same in both.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use samverkan_domain::error::{Lang, Message, Text};
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

    pub fn title(self, lang: Lang) -> &'static str {
        let (en, sv) = match self {
            Self::BadRequest => ("Bad request", "Felaktig begäran"),
            Self::Unauthorized => ("Authentication required", "Inloggning krävs"),
            Self::Forbidden => ("Not allowed", "Inte tillåtet"),
            Self::NotFound => ("Not found", "Hittades inte"),
            Self::MethodNotAllowed => ("Method not allowed", "Metoden stöds inte"),
            Self::NotAcceptable => ("Not acceptable", "Formatet kan inte levereras"),
            Self::RuleViolation => (
                "A rule of the agreement forbids this",
                "En regel i överenskommelsen hindrar detta",
            ),
            Self::PreconditionFailed => ("The resource has changed", "Resursen har ändrats"),
            Self::PayloadTooLarge => ("Request body too large", "För stor begäran"),
            Self::RequestTimeout => ("Request timeout", "Begäran tog för lång tid"),
            Self::UnsupportedMediaType => ("Unsupported content type", "Innehållstypen stöds inte"),
            Self::Validation => ("Invalid input", "Ogiltiga uppgifter"),
            Self::PreconditionRequired => ("If-Match required", "If-Match krävs"),
            Self::ServiceUnavailable => ("Service unavailable", "Tjänsten är inte tillgänglig"),
            Self::Internal => ("Internal error", "Internt fel"),
        };
        lang.pick(en, sv)
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
                "The request is well-formed but the resource's current state forbids it, whatever its values: another value would not help, the state must change first. `code` names the rule (for example `already_signatory`); the operation's description in the API document lists the rules it enforces."
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
                "The request was read but some values are wrong: malformed, out of range, or contradicting a recorded fact they are checked against (an approval dated before the adoption, a withdrawal before the approval). `errors` lists every field at fault with a code and a message; the same request with those values corrected can succeed."
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
    /// The rule broken, e.g. `already_signatory`; English in every language. Present on a
    /// 409 only (absent, never null, otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Every field or parameter at fault: present on a 422, and on a 400 that names a
    /// parameter, header or field (absent, never null, otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors: Option<Vec<ProblemField>>,
    /// Identifies the request in the server's log.
    pub request_id: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The JSON path of the field or the name of the parameter, e.g. `principles[2].title`.
    pub field: String,
    /// Stable and English in every language, e.g. `before_adoption`.
    pub code: String,
    /// What is wrong, in the response's language.
    pub message: String,
}

impl ProblemField {
    fn of(e: &FieldError, lang: Lang) -> Self {
        Self {
            field: e.field.clone(),
            code: e.code.to_owned(),
            message: e.message.get(lang).to_owned(),
        }
    }
}

samverkan_domain::field_errors! {
    /// What the API itself finds wrong with a request before the domain sees its values:
    /// the body's form, a parameter, a header, an id that names nothing.
    pub enum RequestField {
        UnknownField { allowed: String } => "unknown_field" {
            en: "this request has no such field; it takes {allowed}",
            sv: "begäran har inget sådant fält; den tar {allowed}",
        },
        UnknownFieldNone => "unknown_field" {
            en: "this request takes no fields",
            sv: "begäran tar inga fält",
        },
        Missing => "required" {
            en: "this field is required",
            sv: "fältet måste finnas med",
        },
        Nul => "invalid_character" {
            en: "must not contain the character U+0000 (NUL)",
            sv: "får inte innehålla tecknet U+0000 (NUL)",
        },
        UnknownVariant { value: String, allowed: String } => "invalid_type" {
            en: "unknown value {value}; expected one of {allowed}",
            sv: "okänt värde {value}; tillåtna värden är {allowed}",
        },
        /// What serde says, kept as it is inside the Swedish sentence.
        WrongValue { detail: String } => "invalid_type" {
            en: "{detail}",
            sv: "ogiltigt värde ({detail})",
        },
        /// `samverkan_domain::dates`: strictly `YYYY-MM-DD`, 1900-01-01 to 2199-12-31.
        Date => "invalid_date" {
            en: "must be a date written YYYY-MM-DD, from 1900-01-01 to 2199-12-31",
            sv: "måste vara ett datum skrivet ÅÅÅÅ-MM-DD, från 1900-01-01 till 2199-12-31",
        },
        NotAUuid => "invalid_parameter" {
            en: "must be a UUID, e.g. 0196f0c1-2d3e-7abc-8def-0123456789ab",
            sv: "måste vara ett UUID, till exempel 0196f0c1-2d3e-7abc-8def-0123456789ab",
        },
        Between { max: i64 } => "invalid_parameter" {
            en: "must be between 1 and {max}",
            sv: "måste vara mellan 1 och {max}",
        },
        AtMost { max: usize } => "invalid_parameter" {
            en: "at most {max}",
            sv: "högst {max}",
        },
        AtMostCharacters { max: usize } => "invalid_parameter" {
            en: "at most {max} characters",
            sv: "högst {max} tecken",
        },
        /// The embed page's `accent`: a colour written in hex.
        Colour => "invalid_parameter" {
            en: "must be a colour written as 3 or 6 hexadecimal digits, e.g. 0b4a96",
            sv: "måste vara en färg skriven med 3 eller 6 hexadecimala siffror, till exempel 0b4a96",
        },
        /// The embed page's `accent` as link text on the page's background: under WCAG 2.1
        /// AA's 4.5:1.
        LowContrast { colour: String, ratio: String, background: String } => "insufficient_contrast" {
            en: "#{colour} has a contrast ratio of {ratio}:1 against the background #{background}; links need at least 4.5:1 (WCAG 2.1 AA)",
            sv: "#{colour} har kontrastförhållandet {ratio}:1 mot bakgrunden #{background}; länkar behöver minst 4.5:1 (WCAG 2.1 AA)",
        },
        UnknownCursor => "invalid_parameter" {
            en: "not a cursor this list returned",
            sv: "inte en markör som den här listan har lämnat ut",
        },
        OneOf { allowed: String } => "invalid_parameter" {
            en: "must be one of {allowed}",
            sv: "måste vara något av {allowed}",
        },
        IfMatch => "invalid_header" {
            en: "must be the ETag of the last read of this resource, e.g. \"v3-0123456789abcdef\"",
            sv: "måste vara ETag-värdet från den senaste läsningen av resursen, till exempel \"v3-0123456789abcdef\"",
        },
        IdempotencyKey => "invalid_header" {
            en: "must be 1–255 visible ASCII characters",
            sv: "måste vara 1–255 synliga ASCII-tecken",
        },
        IdempotencyKeyReused => "idempotency_key_reused" {
            en: "this Idempotency-Key was used with a different request; use a new key",
            sv: "den här Idempotency-Key har använts för en annan begäran; använd en ny nyckel",
        },
        UnknownDecision => "unknown_decision" {
            en: "no recorded steering-group decision with this id",
            sv: "det finns inget registrerat styrgruppsbeslut med detta id",
        },
        UnknownSignatory => "unknown_signatory" {
            en: "no such organisation or public body in the register",
            sv: "det finns ingen sådan organisation eller offentlig aktör i registret",
        },
    }
}

samverkan_domain::rules! {
    /// What the API's own state forbids.
    pub enum RequestRule {
        IdempotencyKeyInFlight => "idempotency_key_in_flight" {
            en: "a request with this Idempotency-Key is being processed; retry",
            sv: "en begäran med den här Idempotency-Key behandlas just nu; försök igen",
        },
    }
}

/// Why a request is not authenticated (401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unauthenticated {
    TokenRequired,
    HeaderUnreadable,
    NotBearer,
    Expired,
    NotYetValid,
    OtherIssuer,
    OtherAudience,
    MissingClaim,
    OtherAlgorithm,
    BadSignature,
    Malformed,
    EmptySubject,
    /// `exp - iat` (or `exp - now` without `iat`) is longer than the configured maximum.
    LivesTooLong,
    /// The token's header has `crit`: extensions this server does not implement.
    CriticalHeader,
    /// An identity provider's token names no `kid`, or one its published keys lack (after
    /// the one refetch allowed).
    UnknownKey,
    /// A service account's token whose account has been revoked (or no longer exists).
    ServiceAccountRevoked,
}

impl Unauthenticated {
    /// Why the JWT verifier refused a token, as the 401 says it.
    pub fn of_jwt_error(e: &jsonwebtoken::errors::Error) -> Self {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => Self::Expired,
            ErrorKind::ImmatureSignature => Self::NotYetValid,
            ErrorKind::InvalidIssuer => Self::OtherIssuer,
            ErrorKind::InvalidAudience => Self::OtherAudience,
            ErrorKind::MissingRequiredClaim(_) => Self::MissingClaim,
            ErrorKind::InvalidAlgorithm => Self::OtherAlgorithm,
            ErrorKind::InvalidSignature => Self::BadSignature,
            _ => Self::Malformed,
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        let (en, sv) = match self {
            Self::TokenRequired => (
                "this operation needs a bearer token",
                "åtgärden kräver en bearer-token",
            ),
            Self::HeaderUnreadable => (
                "the Authorization header is not readable",
                "Authorization-huvudet går inte att läsa",
            ),
            Self::NotBearer => (
                "use Authorization: Bearer <token>",
                "använd Authorization: Bearer <token>",
            ),
            Self::Expired => ("the token has expired", "tokenen har gått ut"),
            Self::NotYetValid => ("the token is not valid yet", "tokenen gäller inte än"),
            Self::OtherIssuer => (
                "the token was issued by another issuer",
                "tokenen är utfärdad av en annan utfärdare",
            ),
            Self::OtherAudience => (
                "the token is meant for another audience",
                "tokenen är avsedd för en annan mottagare",
            ),
            Self::MissingClaim => (
                "the token lacks a required claim (exp, sub)",
                "tokenen saknar ett obligatoriskt anspråk (exp, sub)",
            ),
            Self::OtherAlgorithm => (
                "the token is signed with another algorithm",
                "tokenen är signerad med en annan algoritm",
            ),
            Self::BadSignature => (
                "the token's signature does not verify",
                "tokenens signatur stämmer inte",
            ),
            Self::Malformed => ("the token is malformed", "tokenen är felaktigt utformad"),
            Self::EmptySubject => (
                "the token's subject is empty",
                "tokenen saknar subjekt (sub)",
            ),
            Self::LivesTooLong => (
                "the token's lifetime is longer than this server accepts",
                "tokenens livslängd är längre än servern godtar",
            ),
            Self::CriticalHeader => (
                "the token's header names critical extensions (crit) this server does not implement",
                "tokenens huvud kräver tillägg (crit) som servern inte har",
            ),
            Self::UnknownKey => (
                "the token's signing key (kid) is not among its issuer's published keys",
                "tokenens signeringsnyckel (kid) finns inte bland utfärdarens publicerade nycklar",
            ),
            Self::ServiceAccountRevoked => (
                "the token's service account has been revoked",
                "tokenens tjänstekonto har återkallats",
            ),
        };
        lang.pick(en, sv)
    }
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest {
        detail: Message,
        errors: Vec<FieldError>,
    },
    #[error("{}", .0.message(Lang::En))]
    Unauthorized(Unauthenticated),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed(String),
    #[error("not acceptable")]
    NotAcceptable,
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: Message,
    },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("If-Match required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("request timeout")]
    RequestTimeout,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// An identity provider's keys have never been fetched (it has not been reached since
    /// the server started): its tokens cannot be verified yet.
    #[error("identity provider unavailable: {0}")]
    ProviderUnavailable(String),
    /// The cause goes to the log; the client sees only "internal error" and the request id.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    /// A query or path parameter of the wrong form (400), named with `invalid_parameter`
    /// whatever the reason.
    pub fn bad_parameter(field: &str, error: impl Text) -> Self {
        let error = FieldError {
            code: "invalid_parameter",
            ..FieldError::new(field, &error)
        };
        Self::BadRequest {
            detail: Message::new(
                format!("parameter `{field}`: {}", error.message.get(Lang::En)),
                format!("parametern `{field}`: {}", error.message.get(Lang::Sv)),
            ),
            errors: vec![error],
        }
    }

    /// A request header of the wrong form (400).
    pub fn bad_header(name: &str, error: impl Text) -> Self {
        let error = FieldError::new(name, &error);
        Self::BadRequest {
            detail: Message::new(
                format!("header `{name}`: {}", error.message.get(Lang::En)),
                format!("huvudet `{name}`: {}", error.message.get(Lang::Sv)),
            ),
            errors: vec![error],
        }
    }

    /// A request body that cannot be read at all (400), with the reason if there is one.
    pub fn unreadable_body(reason: Option<&str>) -> Self {
        let detail = match reason {
            None => Message::new(
                "the request body could not be read",
                "begärans innehåll gick inte att läsa",
            ),
            Some(reason) => Message::new(
                format!("malformed JSON: {reason}"),
                format!("felaktig JSON ({reason})"),
            ),
        };
        Self::BadRequest {
            detail,
            errors: Vec::new(),
        }
    }

    /// A field of the body that the operation does not know (400).
    pub fn unknown_field(field: String, error: RequestField) -> Self {
        Self::BadRequest {
            detail: Message::new(
                format!("unknown field `{field}`"),
                format!("okänt fält `{field}`"),
            ),
            errors: vec![error.at(field)],
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
            Self::UnsupportedMediaType => ProblemKind::UnsupportedMediaType,
            Self::Validation(_) => ProblemKind::Validation,
            Self::Unavailable(_) | Self::ProviderUnavailable(_) => ProblemKind::ServiceUnavailable,
            Self::Internal(_) => ProblemKind::Internal,
        }
    }

    /// What went wrong, in `lang`.
    fn detail(&self, lang: Lang) -> String {
        let fixed = |en: &'static str, sv: &'static str| lang.pick(en, sv).to_owned();
        match self {
            Self::BadRequest { detail, .. }
            | Self::Conflict {
                message: detail, ..
            } => detail.get(lang).to_owned(),
            Self::Unauthorized(why) => why.message(lang).to_owned(),
            Self::Forbidden => fixed(
                "the token's roles do not allow this operation on this resource",
                "tokenens roller tillåter inte den här åtgärden på resursen",
            ),
            Self::NotFound => fixed("no such resource", "resursen finns inte"),
            Self::MethodNotAllowed(allow) => lang.pick(
                format!("this address allows {allow}"),
                format!("adressen tillåter {allow}"),
            ),
            Self::NotAcceptable => fixed(
                "supported: application/json, or the types the operation documents (text/csv; text/turtle, application/ld+json, application/rdf+xml)",
                "det som stöds: application/json, eller de typer åtgärden anger (text/csv; text/turtle, application/ld+json, application/rdf+xml)",
            ),
            Self::PreconditionFailed => fixed(
                "the If-Match header does not name the current version; read the resource again",
                "If-Match anger inte den aktuella versionen; läs resursen på nytt",
            ),
            Self::PreconditionRequired => fixed(
                "send If-Match with the ETag from the last read of this resource",
                "skicka If-Match med ETag-värdet från den senaste läsningen av resursen",
            ),
            Self::PayloadTooLarge => fixed(
                "the request body exceeds the configured limit",
                "begärans innehåll är större än servern tar emot",
            ),
            Self::RequestTimeout => fixed(
                "the request body did not arrive in time",
                "begärans innehåll kom inte fram i tid",
            ),
            Self::UnsupportedMediaType => fixed(
                "the request body must be JSON: send Content-Type: application/json",
                "begärans innehåll måste vara JSON: skicka Content-Type: application/json",
            ),
            Self::Validation(errors) => {
                let fields: Vec<&str> = errors
                    .iter()
                    .map(|e| match e.field.as_str() {
                        "" => lang.pick("the request body", "begärans innehåll"),
                        field => field,
                    })
                    .collect();
                let fields = fields.join(", ");
                lang.pick(
                    format!("invalid value in: {fields}"),
                    format!("ogiltigt värde i: {fields}"),
                )
            }
            Self::ProviderUnavailable(_) => fixed(
                "the identity provider's signing keys have not been fetched yet; retry later",
                "identitetsleverantörens signeringsnycklar har inte hämtats än; försök igen senare",
            ),
            Self::Unavailable(_) => fixed(
                "the database is unavailable or busy; retry later",
                "databasen är inte tillgänglig eller upptagen; försök igen senare",
            ),
            Self::Internal(_) => fixed("internal error", "internt fel"),
        }
    }

    /// The problem body in `lang`, without request context (filled in by `response_for`).
    pub fn problem(&self, lang: Lang) -> Problem {
        let kind = self.kind();
        let errors = match self {
            Self::Validation(errors) => Some(errors),
            Self::BadRequest { errors, .. } if !errors.is_empty() => Some(errors),
            _ => None,
        };
        Problem {
            type_: format!("/problems/{}", kind.slug()),
            title: kind.title(lang).to_owned(),
            status: kind.status().as_u16(),
            detail: self.detail(lang),
            instance: String::new(),
            code: match self {
                Self::Conflict { code, .. } => Some((*code).to_owned()),
                _ => None,
            },
            errors: errors.map(|errors| errors.iter().map(|e| ProblemField::of(e, lang)).collect()),
            request_id: String::new(),
        }
    }
}

/// The one mapping of the domain's refusals: its kind is the status.
impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => Self::Validation(errors),
            DomainError::Conflict { code, message } => Self::Conflict { code, message },
        }
    }
}

impl From<RequestRule> for ApiError {
    fn from(rule: RequestRule) -> Self {
        DomainError::from(rule).into()
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
        render(self.problem(Lang::En), self.allow())
    }
}

impl ApiError {
    fn allow(&self) -> Option<&str> {
        match self {
            Self::MethodNotAllowed(allow) => Some(allow),
            _ => None,
        }
    }

    /// The response for this error on a given request, in the language it prefers.
    pub fn response_for(&self, instance: &str, request_id: &str, lang: Lang) -> HttpResponse {
        let mut problem = self.problem(lang);
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

#[cfg(test)]
mod tests {
    use samverkan_domain::accession::AccessionRule;
    use samverkan_domain::error::CommonField;

    use super::*;

    fn every_kind_of_error() -> Vec<ApiError> {
        let mut errors = vec![
            ApiError::bad_parameter("limit", RequestField::Between { max: 200 }),
            ApiError::bad_header("If-Match", RequestField::IfMatch),
            ApiError::unreadable_body(None),
            ApiError::unreadable_body(Some("EOF while parsing an object")),
            ApiError::unknown_field("x".into(), RequestField::UnknownFieldNone),
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::MethodNotAllowed("GET, POST".into()),
            ApiError::NotAcceptable,
            DomainError::from(AccessionRule::AgreementNotInForce).into(),
            RequestRule::IdempotencyKeyInFlight.into(),
            ApiError::PreconditionFailed,
            ApiError::PreconditionRequired,
            ApiError::PayloadTooLarge,
            ApiError::RequestTimeout,
            ApiError::UnsupportedMediaType,
            ApiError::Validation(vec![CommonField::Required.at("name")]),
            ApiError::Validation(vec![RequestField::Missing.at("")]),
            ApiError::Unavailable("pool timed out".into()),
            ApiError::Internal("boom".into()),
        ];
        errors.extend(
            [
                Unauthenticated::TokenRequired,
                Unauthenticated::HeaderUnreadable,
                Unauthenticated::NotBearer,
                Unauthenticated::Expired,
                Unauthenticated::NotYetValid,
                Unauthenticated::OtherIssuer,
                Unauthenticated::OtherAudience,
                Unauthenticated::MissingClaim,
                Unauthenticated::OtherAlgorithm,
                Unauthenticated::BadSignature,
                Unauthenticated::Malformed,
                Unauthenticated::EmptySubject,
                Unauthenticated::LivesTooLong,
                Unauthenticated::CriticalHeader,
                Unauthenticated::ServiceAccountRevoked,
            ]
            .map(ApiError::Unauthorized),
        );
        errors
    }

    /// Every problem the API gives has its title, detail and field messages in English and
    /// in Swedish, and the same status and codes in both.
    #[test]
    fn every_problem_speaks_english_and_swedish() {
        for error in every_kind_of_error() {
            let (en, sv) = (error.problem(Lang::En), error.problem(Lang::Sv));
            assert_eq!((en.status, &en.code), (sv.status, &sv.code), "{error:?}");
            assert_ne!(en.title, sv.title, "{error:?}");
            assert_ne!(en.detail, sv.detail, "{error:?}");
            assert!(!en.detail.is_empty() && !sv.detail.is_empty(), "{error:?}");
            let fields = |p: &Problem| {
                p.errors
                    .iter()
                    .flatten()
                    .map(|e| (e.field.clone(), e.code.clone(), e.message.clone()))
                    .collect::<Vec<_>>()
            };
            for (en, sv) in fields(&en).into_iter().zip(fields(&sv)) {
                assert_eq!((&en.0, &en.1), (&sv.0, &sv.1), "{error:?}");
                assert_ne!(en.2, sv.2, "{error:?}");
            }
        }
        for kind in ProblemKind::ALL {
            assert_ne!(kind.title(Lang::En), kind.title(Lang::Sv), "{kind:?}");
        }
    }

    #[test]
    fn the_domains_kind_is_the_status() {
        let conflict = ApiError::from(DomainError::from(AccessionRule::AlreadySignatory));
        assert_eq!(conflict.problem(Lang::En).status, 409);
        assert_eq!(
            conflict.problem(Lang::Sv).code.as_deref(),
            Some("already_signatory")
        );
        let invalid = ApiError::from(DomainError::invalid("name", CommonField::Required));
        let problem = invalid.problem(Lang::Sv);
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, None);
        assert_eq!(problem.detail, "ogiltigt värde i: name");
        assert_eq!(problem.errors.expect("fields")[0].message, "måste fyllas i");
    }
}
