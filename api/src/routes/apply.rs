//! The accession form (issue 19) at `/embed/agreements/{id}/apply`: an application without
//! an account. `GET` draws the empty form with a signed form token; `POST` checks it on
//! the server and answers the page again with each error by its field and a summary
//! linking to them (values kept), or the receipt. The application itself is the workflow
//! `applications::apply`: the domain's operations, rules and history.
//!
//! Abuse: the form token is an HMAC (the server key `form` in `server_keys`) over the
//! agreement and an expiry, not a cookie (third-party frames drop cookies); a filled
//! honeypot field is answered with the receipt and nothing is stored; the body limit and
//! the domain's input rules (control characters refused, lengths bounded) apply.

use actix_web::http::{StatusCode, header};
use actix_web::web::{Bytes, Data, Path, Query};
use actix_web::{HttpResponse, get, post};
use askama::Template;
use hmac::{Hmac, Mac};
use samverkan_domain::DomainError;
use samverkan_domain::accession::{ContactPerson, ContactPersonInput, SubmissionInput};
use samverkan_domain::agreement::{self, Agreement, ApprovalMode};
use samverkan_domain::party::{LegalForm, OrganizationFields, OrganizationInput};
use samverkan_persistence::agreements as agreement_store;
use samverkan_persistence::keys;
use sha2::Sha256;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::problem::{ApiError, ApiResult};
use crate::render::apply::{self as page, ApplyPage, Field, SummaryError};
use crate::render::embed::Lang;
use crate::state::AppState;
use crate::workflows::applications::{self, FormApplication};

/// `lang=en` for English; anything else is Swedish (a page for people: no error for it).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageLang {
    /// `sv` (default) or `en`.
    pub lang: Option<String>,
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(form).service(send);
}

/// How long a form token is accepted after the page was drawn.
pub const FORM_TOKEN_SECONDS: i64 = 2 * 3600;

fn lang_of(q: &PageLang) -> Lang {
    q.lang
        .as_deref()
        .and_then(|l| l.parse::<Lang>().ok())
        .filter(|l| *l == Lang::En)
        .unwrap_or(Lang::Sv)
}

fn mac(key: &str, agreement_id: Uuid, expires: i64) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    m.update(format!("apply.{agreement_id}.{expires}").as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A token for the form of `agreement_id`, valid until `expires` (Unix seconds).
pub fn form_token(key: &str, agreement_id: Uuid, expires: i64) -> String {
    format!("{expires}.{}", mac(key, agreement_id, expires))
}

/// Whether `token` is this server's token for the form of `agreement_id`, not expired.
pub fn token_valid(key: &str, agreement_id: Uuid, token: &str, now: i64) -> bool {
    let Some((expires, tag)) = token.split_once('.') else {
        return false;
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return false;
    };
    m.update(format!("apply.{agreement_id}.{expires}").as_bytes());
    let Some(bytes) = hex_bytes(tag) else {
        return false;
    };
    m.verify_slice(&bytes).is_ok() && now <= expires
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// What the visitor typed, kept for the page.
#[derive(Debug, Default, Clone)]
struct Values {
    name: String,
    org_number: String,
    legal_form: String,
    municipality_codes: String,
    website: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    statements: Vec<String>,
    homepage: String,
    form_token: String,
}

impl Values {
    fn parse(body: &[u8]) -> Self {
        let mut v = Self::default();
        for (k, value) in url::form_urlencoded::parse(body) {
            let value = value.into_owned();
            match k.as_ref() {
                "name" => v.name = value,
                "org_number" => v.org_number = value,
                "legal_form" => v.legal_form = value,
                "municipality_codes" => v.municipality_codes = value,
                "website" => v.website = value,
                "contact_name" => v.contact_name = value,
                "contact_email" => v.contact_email = value,
                "contact_phone" => v.contact_phone = value,
                "affirmed_statements" => v.statements.push(value),
                "homepage" => v.homepage = value,
                "form_token" => v.form_token = value,
                _ => {}
            }
        }
        v
    }

    fn organization(&self) -> OrganizationInput {
        OrganizationInput {
            name: self.name.clone(),
            org_number: Some(self.org_number.clone()),
            legal_form: LegalForm::parse(&self.legal_form),
            municipality_codes: self
                .municipality_codes
                .split([',', ' '])
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            website: Some(self.website.clone()).filter(|w| !w.trim().is_empty()),
            description: None,
        }
    }

    fn contact(&self) -> ContactPersonInput {
        ContactPersonInput {
            name: self.contact_name.clone(),
            email: self.contact_email.clone(),
            phone: Some(self.contact_phone.clone()).filter(|p| !p.trim().is_empty()),
        }
    }
}

/// The form field an error of the domain names.
fn form_field(field: &str) -> &'static str {
    match field {
        "name" => "name",
        "org_number" => "org_number",
        "legal_form" => "legal_form",
        "website" => "website",
        "contact_person.name" => "contact_name",
        "contact_person.email" => "contact_email",
        "contact_person.phone" | "contact_person" => "contact_phone",
        f if f.starts_with("municipality_codes") => "municipality_codes",
        f if f.starts_with("affirmed_statements") => "affirmed_statements",
        _ => "summary",
    }
}

fn label_of(field: &str, lang: Lang) -> &'static str {
    let en = lang == Lang::En;
    match field {
        "name" => {
            if en {
                "Name of the organisation"
            } else {
                "Organisationens namn"
            }
        }
        "org_number" => {
            if en {
                "Organisation number"
            } else {
                "Organisationsnummer"
            }
        }
        "legal_form" => {
            if en {
                "Legal form"
            } else {
                "Organisationsform"
            }
        }
        "municipality_codes" => {
            if en {
                "Municipalities of activity (municipality codes)"
            } else {
                "Kommuner där ni är verksamma (kommunkoder)"
            }
        }
        "website" => {
            if en {
                "Website"
            } else {
                "Webbplats"
            }
        }
        "contact_name" => {
            if en {
                "Name"
            } else {
                "Namn"
            }
        }
        "contact_email" => {
            if en {
                "E-mail address"
            } else {
                "E-postadress"
            }
        }
        "contact_phone" => {
            if en {
                "Phone"
            } else {
                "Telefon"
            }
        }
        "affirmed_statements" => {
            if en {
                "Conditions for acceding"
            } else {
                "Villkor för anslutning"
            }
        }
        _ => {
            if en {
                "The application"
            } else {
                "Ansökan"
            }
        }
    }
}

struct Drawn {
    status: StatusCode,
    html: String,
}

fn draw(
    a: &Agreement,
    lang: Lang,
    values: &Values,
    token: String,
    errors: &[(String, String)],
    receipt: bool,
) -> Result<Drawn, ApiError> {
    let t = page::labels(lang);
    let title = a
        .current_version()
        .map(|v| v.content().title.clone())
        .unwrap_or_default();
    let error_of = |name: &str| -> Option<String> {
        let msgs: Vec<&str> = errors
            .iter()
            .filter(|(f, _)| form_field(f) == name)
            .map(|(_, m)| m.as_str())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join(" "))
    };
    let field =
        |name: &'static str, kind: &'static str, autocomplete: &'static str, value: &str| Field {
            name,
            label: label_of(name, lang),
            kind,
            autocomplete,
            value: value.to_owned(),
            error: error_of(name),
        };
    let org_fields = vec![
        field("name", "text", "organization", &values.name),
        field("org_number", "text", "off", &values.org_number),
        field(
            "municipality_codes",
            "text",
            "off",
            &values.municipality_codes,
        ),
        field("website", "url", "url", &values.website),
    ];
    let contact_fields = vec![
        field("contact_name", "text", "name", &values.contact_name),
        field("contact_email", "email", "email", &values.contact_email),
        field("contact_phone", "tel", "tel", &values.contact_phone),
    ];
    let mut summary: Vec<SummaryError> = Vec::new();
    for (f, m) in errors {
        let id = form_field(f);
        summary.push(SummaryError {
            field: if id == "summary" { "name" } else { id },
            label: label_of(id, lang),
            message: m.clone(),
        });
    }
    let statements = a
        .settings()
        .eligibility_statements
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.clone(), values.statements.iter().any(|v| v == s)))
        .collect();
    let html = ApplyPage {
        lang: lang.tag(),
        style: page::style(),
        t,
        title: &title,
        action: format!(
            "/embed/agreements/{}/apply{}",
            a.id(),
            if lang == Lang::En { "?lang=en" } else { "" }
        ),
        token,
        errors: summary,
        org_fields,
        contact_fields,
        legal_forms: page::legal_forms(lang, LegalForm::parse(&values.legal_form)),
        legal_form_error: error_of("legal_form"),
        statements,
        statements_error: error_of("affirmed_statements"),
        gdpr: t.gdpr,
        receipt: receipt.then_some(match a.settings().approval_mode {
            ApprovalMode::Registration => t.receipt_registration,
            ApprovalMode::SteeringGroup => t.receipt_steering_group,
        }),
    }
    .render()
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(Drawn { status, html })
}

fn respond(d: Drawn) -> HttpResponse {
    let policy = format!(
        "default-src 'none'; style-src {}; img-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *",
        crate::render::embed::style_hash()
    );
    let mut res = HttpResponse::build(d.status)
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(crate::render::HTML_CONTENT_TYPE)
        .body(d.html);
    // The page with its errors is what the visitor reads, not a problem document.
    res.extensions_mut().insert(crate::http::VisitorErrorPage);
    res
}

async fn load(state: &AppState, id: Uuid) -> ApiResult<(Agreement, String)> {
    let (a, key) = state
        .read(move |conn| {
            let a = agreement_store::get_agreement(conn, id)?.agreement;
            let key = keys::read_key(conn, "form")?;
            Ok((a, key))
        })
        .await?;
    if !agreement::may_view(None, &a) {
        return Err(ApiError::NotFound);
    }
    let key = key.ok_or_else(|| ApiError::Internal("the form key is missing".into()))?;
    Ok((a, key))
}

/// The accession form.
///
/// An accessible HTML page (no script) in Swedish, or English with `?lang=en`, for an
/// organisation to apply without an account; it can be framed like the signatory list.
#[utoipa::path(
    tag = "embed", operation_id = "embed_apply_form",
    params(("id" = Uuid, Path, description = "The agreement's id"), PageLang),
    responses(
        (status = 200, description = "The form", content_type = "text/html", body = String),
        (status = 404, description = "No such agreement, or not public", content_type = "application/problem+json", body = crate::problem::Problem)
    ),
)]
#[get("/embed/agreements/{id}/apply")]
async fn form(
    state: Data<AppState>,
    id: Path<Uuid>,
    q: Query<PageLang>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (a, key) = load(&state, id).await?;
    let expires = state.clock.now().timestamp() + FORM_TOKEN_SECONDS;
    let drawn = draw(
        &a,
        lang_of(&q),
        &Values::default(),
        form_token(&key, id, expires),
        &[],
        false,
    )?;
    Ok(respond(drawn))
}

/// The fields the accession form sends (`application/x-www-form-urlencoded`), as its page
/// names them; read by `Values::parse`, which keeps every value to draw the page again.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ApplicationForm {
    /// The organisation's name.
    name: Option<String>,
    /// The organisation number (`NNNNNN-NNNN`, Luhn-checked).
    org_number: Option<String>,
    /// The legal form (`ideell_forening`, `stiftelse`, …).
    legal_form: Option<String>,
    /// Municipality codes of activity (SCB), separated by commas or spaces.
    municipality_codes: Option<String>,
    /// The organisation's website.
    website: Option<String>,
    /// The contact person's name.
    contact_name: Option<String>,
    /// The contact person's e-mail address.
    contact_email: Option<String>,
    /// The contact person's phone number.
    contact_phone: Option<String>,
    /// One per eligibility statement affirmed (the field repeated).
    affirmed_statements: Option<Vec<String>>,
    /// Left empty by people (a field hidden from them); a filled one stores nothing.
    homepage: Option<String>,
    /// The signed token the page was drawn with (valid two hours).
    form_token: Option<String>,
}

/// Send the accession form.
///
/// Checks the form on the server. Answers the page again with each error by its field and
/// a summary linking to them (422), or the receipt (200). A valid application creates an
/// accession `submitted` through `form`, pending verification until its contact person
/// confirms the e-mail address.
#[utoipa::path(
    tag = "embed", operation_id = "embed_apply_send",
    params(("id" = Uuid, Path, description = "The agreement's id"), PageLang),
    request_body(content = ApplicationForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The receipt", content_type = "text/html", body = String),
        (status = 404, description = "No such agreement, or not public", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 422, description = "The form again, with its errors", content_type = "text/html", body = String)
    ),
)]
#[post("/embed/agreements/{id}/apply")]
async fn send(
    state: Data<AppState>,
    id: Path<Uuid>,
    q: Query<PageLang>,
    body: Bytes,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let lang = lang_of(&q);
    let plang = lang.problem_lang();
    let (a, key) = load(&state, id).await?;
    let now = state.clock.now();
    let values = Values::parse(&body);
    let fresh = form_token(&key, id, now.timestamp() + FORM_TOKEN_SECONDS);
    if !values.homepage.is_empty() {
        log::info!("accession form: honeypot filled, nothing stored");
        return Ok(respond(draw(
            &a,
            lang,
            &Values::default(),
            fresh,
            &[],
            true,
        )?));
    }
    if !token_valid(&key, id, &values.form_token, now.timestamp()) {
        let errors = vec![(
            "form".to_owned(),
            page::labels(lang).token_expired.to_owned(),
        )];
        return Ok(respond(draw(&a, lang, &values, fresh, &errors, false)?));
    }
    // Every field's error at once: the organisation and the contact person first.
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut collect = |e: DomainError, parent: Option<&str>| {
        if let DomainError::Invalid(list) = e {
            for f in list {
                let f = match parent {
                    Some(p) => f.nested_in(p),
                    None => f,
                };
                errors.push((f.field.clone(), f.message.get(plang).to_owned()));
            }
        }
    };
    if values.org_number.trim().is_empty() {
        collect(
            DomainError::invalid("org_number", samverkan_domain::error::CommonField::Required),
            None,
        );
    }
    if let Err(e) = OrganizationFields::parse(&values.organization()) {
        collect(e, None);
    }
    if let Err(e) = ContactPerson::parse(&values.contact()) {
        collect(e, Some("contact_person"));
    }
    if !errors.is_empty() {
        return Ok(respond(draw(&a, lang, &values, fresh, &errors, false)?));
    }
    let application = FormApplication {
        organization: values.organization(),
        submission: SubmissionInput {
            id: Uuid::nil(),
            signatory: samverkan_domain::accession::Signatory::Organization(Uuid::nil()),
            channel: samverkan_domain::accession::Channel::Form,
            board_decision: None,
            affirmed_statements: values.statements.clone(),
            contact_person: values.contact(),
            signatory_municipality_codes: Vec::new(),
        },
    };
    let days = state.verification_days;
    let result = state
        .write(move |conn| applications::apply(conn, id, application, days, now))
        .await;
    match result {
        Ok(_) => Ok(respond(draw(
            &a,
            lang,
            &Values::default(),
            fresh,
            &[],
            true,
        )?)),
        Err(ApiError::Validation(list)) => {
            let errors: Vec<(String, String)> = list
                .into_iter()
                .map(|f| (f.field.clone(), f.message.get(plang).to_owned()))
                .collect();
            Ok(respond(draw(&a, lang, &values, fresh, &errors, false)?))
        }
        Err(ApiError::Conflict { message, .. }) => {
            let errors = vec![("form".to_owned(), message.get(plang).to_owned())];
            Ok(respond(draw(&a, lang, &values, fresh, &errors, false)?))
        }
        Err(e) => Err(e),
    }
}
