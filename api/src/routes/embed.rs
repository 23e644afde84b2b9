//! The public pages around the embeddable list (issue 16): its stylesheet on its own for
//! the `?fragment=1` list, the snippet builder at `/embed/` and the accessibility statement
//! at `/embed/accessibility`. (The list itself is `signatories::embed_signatories`.) None
//! of them has a script or loads anything from elsewhere.

use actix_web::http::header;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::{Visibility, cached_read};
use crate::problem::ApiResult;
use crate::render::{self, Lang};
use crate::state::AppState;

/// The stylesheet of the signatory list.
///
/// Every rule is under the class `samverkan`, as every class of the `?fragment=1` list is:
/// a site that includes the fragment links this stylesheet, or its own instead.
#[utoipa::path(
    tag = "embed", operation_id = "embed_stylesheet",
    responses((status = 200, description = "The list's stylesheet", content_type = "text/css", body = String)),
)]
#[get("/embed/signatories.css")]
pub async fn stylesheet(req: HttpRequest) -> HttpResponse {
    let (builder, not_modified) = cached_read(
        &req,
        render::embed::LIST_STYLE.as_bytes(),
        None,
        Visibility::Public,
    );
    let mut builder = builder;
    builder.insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if not_modified {
        return builder.finish();
    }
    builder
        .content_type("text/css; charset=utf-8")
        .body(render::embed::LIST_STYLE)
}

/// The policy of the builder and the statement: only their stylesheet, and the builder's
/// preview frame from this server; never framed themselves.
fn site_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; frame-src 'self'; img-src 'none'; base-uri 'none'; form-action 'self'",
        render::embed::site_style_hash()
    )
}

/// A public page with the caching of every public read (`ETag`, `If-None-Match`).
fn site_page(req: &HttpRequest, html: String) -> HttpResponse {
    let (mut builder, not_modified) = cached_read(req, html.as_bytes(), None, Visibility::Public);
    builder
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            format!("{}; frame-ancestors 'none'", site_policy()),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if not_modified {
        return builder.finish();
    }
    builder.content_type(render::HTML_CONTENT_TYPE).body(html)
}

/// `lang=en` for English; anything else is Swedish (a page for people: no error for it).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageLang {
    /// `sv` (default) or `en`.
    pub lang: Option<String>,
}

fn is_swedish(lang: Option<&str>) -> bool {
    lang.and_then(|l| l.parse::<Lang>().ok())
        .unwrap_or_default()
        == Lang::Sv
}

#[derive(askama::Template)]
#[template(path = "embed/accessibility.html")]
struct Statement {
    lang: &'static str,
    sv: bool,
    csp: String,
    style: &'static str,
}

/// The accessibility statement of the public pages.
///
/// The tillgänglighetsredogörelse (Swedish, or English with `lang=en`) of the embeddable
/// list, the snippet builder and itself: what they meet (WCAG 2.1 AA), how they are tested,
/// known gaps, and how to report a problem. A municipality may link to it from its own.
#[utoipa::path(
    tag = "embed", operation_id = "embed_accessibility_statement",
    params(PageLang),
    responses((status = 200, description = "The statement as an HTML page", content_type = "text/html", body = String)),
)]
#[get("/embed/accessibility")]
pub async fn accessibility(req: HttpRequest, query: Query<PageLang>) -> ApiResult<HttpResponse> {
    let sv = is_swedish(query.lang.as_deref());
    let html = askama::Template::render(&Statement {
        lang: if sv { "sv" } else { "en" },
        sv,
        csp: site_policy(),
        style: render::embed::SITE_STYLE,
    })
    .map_err(|e| crate::problem::ApiError::Internal(format!("statement: {e}")))?;
    Ok(site_page(&req, html))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuilderParams {
    /// The agreement to preview (its id); absent, the form alone.
    pub agreement: Option<String>,
    /// The builder's and the page's language: `sv` (default) or `en`.
    pub lang: Option<String>,
    /// `former`: the page lists former signatories too.
    pub include: Option<String>,
    /// How many organisations the frame shows (default 10).
    pub rows: Option<String>,
}

struct Choice {
    id: String,
    title: String,
    owner: String,
    selected: bool,
}

/// What the form shows chosen.
struct Form {
    former: bool,
    rows: u32,
    accent: String,
    font: &'static str,
    scheme: &'static str,
    compact: bool,
    no_heading: bool,
    resize: bool,
}

struct Preview {
    src: String,
    title: String,
    height: u32,
    snippet: String,
    host_script: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "embed/builder.html")]
struct Builder {
    lang: &'static str,
    sv: bool,
    csp: String,
    style: &'static str,
    agreements: Vec<Choice>,
    form: Form,
    error: Option<String>,
    preview: Option<Preview>,
}

/// The frame's height for `rows` organisations in the table layout (from 800 px wide):
/// the heading, the summary and the table head, 42 px a row, the "whole list" line.
pub fn frame_height(rows: u32, former: bool, no_heading: bool) -> u32 {
    let head = if no_heading { 150 } else { 240 };
    head + 42 * rows + if former { 160 } else { 0 }
}

/// The snippet builder.
///
/// A page where a website editor picks a published agreement and the page's options,
/// previews the list and copies the iframe code (with `title`, `loading="lazy"` and a
/// height for the number of rows) and, with `resize=1`, the host page's script. A plain
/// form: no script, no external resources. It takes the embed page's own parameters.
#[utoipa::path(
    tag = "embed", operation_id = "embed_snippet_builder",
    params(BuilderParams),
    responses((status = 200, description = "The builder as an HTML page", content_type = "text/html", body = String)),
)]
#[get("/embed")]
pub async fn snippet_builder(
    req: HttpRequest,
    state: Data<AppState>,
    params: Query<BuilderParams>,
) -> ApiResult<HttpResponse> {
    use samverkan_persistence::agreements::{AgreementFilter, list_agreements};
    use samverkan_persistence::page::PageRequest;

    let sv = is_swedish(params.lang.as_deref());
    let lang = if sv { Lang::Sv } else { Lang::En };
    let records = state
        .read(|conn| {
            let page = list_agreements(
                conn,
                &AgreementFilter {
                    public_body_id: None,
                    municipality_code: None,
                    status: None,
                },
                None,
                &PageRequest::first(200),
            )?;
            let owners: Vec<uuid::Uuid> = page
                .items
                .iter()
                .map(|r| r.agreement.owner_public_body_id())
                .collect();
            let bodies = samverkan_persistence::parties::public_bodies_by_ids(conn, &owners)?;
            Ok((page.items, bodies))
        })
        .await?;
    let (records, bodies) = records;
    let chosen = params
        .agreement
        .as_deref()
        .and_then(|a| a.parse::<uuid::Uuid>().ok())
        .filter(|id| records.iter().any(|r| r.agreement.id() == *id));
    let mut agreements: Vec<Choice> = records
        .iter()
        .map(|r| {
            let a = &r.agreement;
            Choice {
                id: a.id().to_string(),
                title: a
                    .current_version()
                    .map(|v| v.content().title.clone())
                    .unwrap_or_default(),
                owner: bodies
                    .iter()
                    .find(|b| b.id == a.owner_public_body_id())
                    .map(|b| b.fields.name.clone())
                    .unwrap_or_default(),
                selected: Some(a.id()) == chosen,
            }
        })
        .collect();
    agreements.sort_by(|a, b| a.owner.cmp(&b.owner).then(a.title.cmp(&b.title)));

    // The embed page's own parameters, read and checked as the page reads them.
    let presentation = render::theme::Presentation::from_query(req.query_string());
    let accent_text: String =
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k == "accent")
            .map(|(_, v)| v)
            .next_back()
            .unwrap_or_default();
    let rows = params
        .rows
        .as_deref()
        .and_then(|r| r.parse::<u32>().ok())
        .filter(|r| (1..=1000).contains(r));
    let former = params.include.as_deref() == Some("former");
    let problem_lang = if sv {
        samverkan_domain::error::Lang::Sv
    } else {
        samverkan_domain::error::Lang::En
    };
    let mut error = None;
    if params.rows.as_deref().is_some_and(|r| !r.is_empty()) && rows.is_none() {
        error = Some(if sv {
            "Antalet organisationer måste vara mellan 1 och 1000.".to_owned()
        } else {
            "The number of organisations must be between 1 and 1000.".to_owned()
        });
    }
    let p = match &presentation {
        Ok(p) => p.clone(),
        Err(bad) => {
            error = Some(bad.message(problem_lang));
            Default::default()
        }
    };
    let rows = rows.unwrap_or(10);
    let form = Form {
        former,
        rows,
        accent: accent_text.chars().take(7).collect(),
        font: match p.font {
            render::theme::Font::System => "system",
            render::theme::Font::Serif => "serif",
            render::theme::Font::InheritLike => "inherit-like",
        },
        scheme: match p.scheme {
            render::theme::Scheme::Light => "light",
            render::theme::Scheme::Dark => "dark",
            render::theme::Scheme::Auto => "auto",
        },
        compact: p.compact,
        no_heading: p.no_heading,
        resize: p.resize,
    };
    let preview = match (chosen, &error) {
        (Some(id), None) => {
            let mut pairs: Vec<(&str, String)> = vec![("lang", lang.tag().to_owned())];
            if former {
                pairs.push(("include", "former".into()));
            }
            pairs.push(("rows", rows.to_string()));
            if let Some(accent) = p.accent {
                pairs.push(("accent", accent.hex()));
            }
            if form.font != "system" {
                pairs.push(("font", form.font.into()));
            }
            if form.scheme != "light" {
                pairs.push(("scheme", form.scheme.into()));
            }
            if p.compact {
                pairs.push(("density", "compact".into()));
            }
            if p.no_heading {
                pairs.push(("heading", "none".into()));
            }
            if p.resize {
                pairs.push(("resize", "1".into()));
            }
            let path = format!(
                "/embed/agreements/{id}/signatories?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            );
            let info = req.connection_info();
            let origin = format!("{}://{}", info.scheme(), info.host());
            let title = format!(
                "{} – {}",
                if sv {
                    "Anslutna organisationer"
                } else {
                    "Signatories"
                },
                agreements
                    .iter()
                    .find(|c| c.selected)
                    .map(|c| c.title.as_str())
                    .unwrap_or_default()
            );
            let height = frame_height(rows, former, p.no_heading);
            let snippet = format!(
                "<iframe src=\"{}\" title=\"{}\" loading=\"lazy\" width=\"100%\" height=\"{height}\" style=\"border:0\"></iframe>",
                html_attr(&format!("{origin}{path}")),
                html_attr(&title),
            );
            Some(Preview {
                src: path,
                title,
                height,
                snippet,
                host_script: p
                    .resize
                    .then(|| RESIZE_SNIPPET.replace("SAMVERKAN_ORIGIN", &origin)),
            })
        }
        _ => None,
    };
    let html = askama::Template::render(&Builder {
        lang: lang.tag(),
        sv,
        csp: site_policy(),
        style: render::embed::SITE_STYLE,
        agreements,
        form,
        error,
        preview,
    })
    .map_err(|e| crate::problem::ApiError::Internal(format!("builder: {e}")))?;
    Ok(site_page(&req, html))
}

/// The host page's script for `resize=1`, as the builder shows it (and `.ci/browser` runs it).
pub const RESIZE_SNIPPET: &str = include_str!("../../templates/embed/resize-snippet.js");

/// Text for a double-quoted HTML attribute inside the snippet (which the template then
/// escapes once more, as the text of a `<textarea>`).
fn html_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `/embed/`, the address editors are given: to the builder at `/embed` with the same
/// query (a path with a trailing slash is not in the document: linters refuse it).
pub async fn builder_redirect(req: HttpRequest) -> HttpResponse {
    let location = match req.query_string() {
        "" => "/embed".to_owned(),
        q => format!("/embed?{q}"),
    };
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, location))
        .finish()
}
