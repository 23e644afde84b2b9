//! The public list of signatories (anslutna organisationer) of an agreement: JSON with
//! paging, CSV, statistics, and the embeddable HTML page for municipal websites. Public reads:
//! no token needed, never personal data, cached.

use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::NaiveDate;
use samverkan_domain::access::Principal;
use samverkan_domain::agreement::Agreement;
use samverkan_persistence::accessions::SignatoryQuery;
use samverkan_persistence::page::{Page, PageRequest};
use samverkan_persistence::parties;
use serde::Deserialize;
use serde_json::json;
use strum::IntoEnumIterator;
use utoipa::IntoParams;
use utoipa::openapi::{RefOr, Schema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::cache::{self, PublicCache, serve_cached};
use crate::extract::{Caller, PageParams, municipality_filter};
use crate::http::{Visibility, cached_read, json_read, next_link, wants_csv, wants_xlsx};
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::render::{self, Delimiter, EmbedPage, Headers, Lang};
use crate::schemas::schema;
use crate::state::AppState;
use crate::workflows::signatories::{self, Listed, SignatoryList, SignatoryStats, rows_of};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(export_csv)
        .service(export_xlsx)
        .service(stats);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignatoryParams {
    /// The date the list is shown for (default: today).
    #[serde(default, deserialize_with = "crate::extract::as_of")]
    pub as_of: Option<NaiveDate>,
    /// `former` adds former signatories with the date they left; absent, only current ones.
    #[param(schema_with = include_former)]
    pub include: Option<String>,
    /// Part of the name, case-insensitive.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only signatories with seat or activity in this municipality (kommunkod).
    #[param(schema_with = crate::schemas::municipality_query)]
    pub municipality: Option<String>,
}

/// `include`: the one value it takes (absent: current signatories only).
fn include_former() -> RefOr<Schema> {
    schema(json!({
        "type": "string",
        "enum": ["former"],
        "description": "`former` adds former signatories with the date they left; absent, only current ones.",
    }))
}

/// `delimiter`: the values of [`Delimiter`], its default first.
fn delimiter() -> RefOr<Schema> {
    let values: Vec<&'static str> = Delimiter::iter().map(Into::into).collect();
    let default: &'static str = Delimiter::default().into();
    schema(json!({
        "type": "string",
        "enum": values,
        "default": default,
        "description": "`semicolon` for Swedish Excel (then with a UTF-8 byte order mark).",
    }))
}

/// `lang`: the values of the page's [`Lang`], with its default.
fn page_lang() -> RefOr<Schema> {
    let values: Vec<&'static str> = Lang::iter().map(Into::into).collect();
    let default: &'static str = Lang::default().into();
    schema(json!({
        "type": "string",
        "enum": values,
        "default": default,
        "description": "The language of the page's labels.",
    }))
}

impl SignatoryParams {
    pub fn query(&self, agreement_id: Uuid, today: NaiveDate) -> ApiResult<SignatoryQuery> {
        let include_former = match self.include.as_deref() {
            None => false,
            Some("former") => true,
            Some(_) => {
                return Err(ApiError::bad_parameter(
                    "include",
                    RequestField::OneOf {
                        allowed: "`former`".into(),
                    },
                ));
            }
        };
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 200) {
            return Err(ApiError::bad_parameter(
                "q",
                RequestField::AtMostCharacters { max: 200 },
            ));
        }
        if self.q.as_deref().is_some_and(|q| q.contains('\0')) {
            return Err(ApiError::bad_parameter("q", RequestField::Nul));
        }
        let municipality_code = municipality_filter(self.municipality.as_deref())?;
        Ok(SignatoryQuery {
            agreement_id,
            as_of: self.as_of.unwrap_or(today),
            include_former,
            q: self.q.clone().filter(|q| !q.trim().is_empty()),
            municipality_code,
        })
    }
}

/// Loads one page (or, with `page: None`, all) of the public list on the blocking pool.
async fn load(
    state: &AppState,
    caller: Option<Principal>,
    query: SignatoryQuery,
    page: Option<PageRequest>,
) -> ApiResult<(Agreement, Page<Listed>)> {
    state
        .read(move |conn| signatories::load(conn, &query, caller.as_ref(), page.as_ref()))
        .await
}

/// List an agreement's signatories.
///
/// The public list of signatories (anslutna organisationer) on `as_of` (default today), in
/// Swedish alphabetical order (å, ä, ö after z); with `include=former` also those who have
/// left. Never contact persons. Cacheable (`ETag`, 304), open to any origin. The whole list as
/// CSV is `export_signatories_csv`; `Accept: text/csv` on this path is deprecated (it answers
/// with `Deprecation` and `Sunset` headers) and goes on the `Sunset` date.
#[utoipa::path(
    tag = "accessions", operation_id = "list_signatories",
    params(("id" = Uuid, Path, description = "The agreement's id"), SignatoryParams, PageParams),
    responses((status = 200, description = "A page of signatories", body = SignatoryList)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories")]
async fn list(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<SignatoryParams>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let query = params.query(id.into_inner(), today)?;
        if wants_xlsx(&req) {
            return signatories_xlsx_response(&req, &state, caller, query, Headers::Api).await;
        }
        if wants_csv(&req) {
            let mut res = signatories_csv_response(
                &req,
                &state,
                caller,
                query,
                Delimiter::Comma,
                Headers::Api,
            )
            .await?;
            deprecate_csv_negotiation(&mut res);
            return Ok(res);
        }
        let page = page.page_request(&req, 2)?;
        let (a, page) = load(&state, caller, query, Some(page)).await?;
        let page = crate::http::seal(&req, page)?;
        let link = next_link(&req, page.next_cursor.as_deref());
        let visibility = Visibility::of_agreement(&a);
        let body = SignatoryList {
            items: page.items.into_iter().map(|l| l.view).collect(),
            next_cursor: page.next_cursor,
        };
        let mut res = json_read(&req, &body, None, visibility, link)?;
        res.headers_mut()
            .insert(header::VARY, header::HeaderValue::from_static("Accept"));
        Ok(res)
    })
    .await
}

/// Count the signatories.
///
/// Counts by legal form and municipality, and joined and left per year, on `as_of` (default
/// today).
#[utoipa::path(
    tag = "accessions", operation_id = "signatory_stats",
    params(("id" = Uuid, Path, description = "The agreement's id"), ("as_of" = Option<NaiveDate>, Query, description = "Default: today")),
    responses((status = 200, description = "The counts", body = SignatoryStats)),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories/stats")]
async fn stats(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<AsOf>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let as_of = params.as_of.unwrap_or(today);
        let query = SignatoryQuery {
            agreement_id: id.into_inner(),
            as_of,
            include_former: true,
            q: None,
            municipality_code: None,
        };
        let (a, all) = load(&state, caller, query, None).await?;
        let stats = SignatoryStats::of(as_of, &all.items);
        json_read(&req, &stats, None, Visibility::of_agreement(&a), None)
    })
    .await
}

/// `Accept: text/csv` on the JSON list, the form CSV had before it became an operation of its
/// own: deprecated since 2026-12-01 (`Deprecation`, RFC 9745) and served until its sunset six
/// months later (`Sunset`, RFC 8594), as docs/conventions.md promises for a deprecated form.
pub const CSV_NEGOTIATION_DEPRECATED: &str = "@1796083200";
pub const CSV_NEGOTIATION_SUNSET: &str = "Tue, 01 Jun 2027 00:00:00 GMT";

fn deprecate_csv_negotiation(res: &mut HttpResponse) {
    let headers = res.headers_mut();
    headers.insert(
        header::HeaderName::from_static("deprecation"),
        header::HeaderValue::from_static(CSV_NEGOTIATION_DEPRECATED),
    );
    headers.insert(
        header::HeaderName::from_static("sunset"),
        header::HeaderValue::from_static(CSV_NEGOTIATION_SUNSET),
    );
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    #[serde(default, deserialize_with = "crate::extract::as_of")]
    pub as_of: Option<NaiveDate>,
}

// ---------------------------------------------------------------- CSV and the embeddable page

async fn signatories_csv_response(
    req: &HttpRequest,
    state: &AppState,
    caller: Option<Principal>,
    query: SignatoryQuery,
    delimiter: Delimiter,
    headers: Headers,
) -> ApiResult<HttpResponse> {
    let as_of = query.as_of;
    let (a, all) = load(state, caller, query, None).await?;
    let bytes = render::signatories_csv_with(&rows_of(all.items), delimiter, headers);
    let (mut builder, not_modified) = cached_read(req, &bytes, None, Visibility::of_agreement(&a));
    builder.insert_header((header::VARY, "Accept"));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type(render::CSV_CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            download_name(&a, as_of, "inline", "csv"),
        ))
        .body(bytes))
}

/// `Content-Disposition` of a download of the list (RFC 6266): named after the agreement's
/// title and the list's date, `filename*` in UTF-8 (RFC 8187) with an ASCII `filename` for
/// the few clients that read no other.
fn download_name(a: &Agreement, as_of: NaiveDate, disposition: &str, extension: &str) -> String {
    let title = a
        .version_in_force_on(as_of)
        .or_else(|| a.current_version())
        .map(|v| v.content().title.as_str())
        .unwrap_or_default();
    // What no file system takes, and what a header cannot hold, becomes a space.
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut name: String = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() > 100 {
        name = name
            .chars()
            .take(100)
            .collect::<String>()
            .trim_end()
            .to_owned();
    }
    let full = if name.is_empty() {
        format!("signatories {as_of}.{extension}")
    } else {
        format!("{name} {as_of}.{extension}")
    };
    let mut encoded = String::with_capacity(full.len() * 3);
    for b in full.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!(
        "{disposition}; filename=\"signatories-{as_of}.{extension}\"; filename*=UTF-8''{encoded}"
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvParams {
    /// `semicolon` for Swedish Excel (then with a UTF-8 byte order mark); default `comma`.
    #[param(schema_with = delimiter)]
    pub delimiter: Option<String>,
    /// `sv`: Swedish column headers and legal forms, for people; default `api`.
    #[param(schema_with = header_words)]
    pub headers: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct XlsxParams {
    /// `sv`: Swedish column headers and legal forms; default `api`.
    #[param(schema_with = header_words)]
    pub headers: Option<String>,
}

/// `headers`: the values of [`Headers`], its default first.
fn header_words() -> RefOr<Schema> {
    let values: Vec<&'static str> = Headers::iter().map(Into::into).collect();
    let default: &'static str = Headers::default().into();
    schema(json!({
        "type": "string",
        "enum": values,
        "default": default,
        "description": "`sv`: Swedish column headers and Swedish labels of the legal forms, for people; `api`: the API's names and values, for programs.",
    }))
}

fn headers_param(value: Option<&str>) -> ApiResult<Headers> {
    match value {
        None => Ok(Headers::Api),
        Some(h) => h.parse().map_err(|_| {
            ApiError::bad_parameter(
                "headers",
                RequestField::OneOf {
                    allowed: "`api`, `sv`".into(),
                },
            )
        }),
    }
}

async fn signatories_xlsx_response(
    req: &HttpRequest,
    state: &AppState,
    caller: Option<Principal>,
    query: SignatoryQuery,
    headers: Headers,
) -> ApiResult<HttpResponse> {
    let as_of = query.as_of;
    let (a, all) = load(state, caller, query, None).await?;
    let bytes = render::signatories_xlsx(&rows_of(all.items), headers, as_of)
        .map_err(|e| ApiError::Internal(format!("xlsx: {e}")))?;
    let (mut builder, not_modified) = cached_read(req, &bytes, None, Visibility::of_agreement(&a));
    builder.insert_header((header::VARY, "Accept"));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder
        .content_type(render::XLSX_CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            download_name(&a, as_of, "attachment", "xlsx"),
        ))
        .body(bytes))
}

/// The signatory list as an Excel workbook (Office Open XML).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SignatoryWorkbook(pub Vec<u8>);

/// Export the signatories as an Excel workbook.
///
/// The whole public list (no paging) as XLSX, with the same filters and columns as the CSV:
/// one sheet, a bold header row that stays in view, column widths, and every cell typed as
/// text, so that Excel keeps a kommunkod's leading zero (`0181`) and an organisation number
/// as written (Excel opening the CSV would not). `headers=sv` for Swedish headers and legal
/// forms. `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` on
/// `list_signatories` answers the same workbook. Named after the agreement and the date.
#[utoipa::path(
    tag = "accessions", operation_id = "export_signatories_xlsx",
    params(("id" = Uuid, Path, description = "The agreement's id"), SignatoryParams, XlsxParams),
    responses((status = 200, description = "The whole list as a workbook with a header row", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = SignatoryWorkbook, headers(("Content-Disposition" = String, description = "`attachment; filename=\"signatories-<date>.xlsx\"; filename*=UTF-8''<agreement title> <date>.xlsx`")))),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories.xlsx")]
async fn export_xlsx(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<SignatoryParams>,
    xlsx: Query<XlsxParams>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let query = params.query(id.into_inner(), today)?;
        let headers = headers_param(xlsx.headers.as_deref())?;
        signatories_xlsx_response(&req, &state, caller, query, headers).await
    })
    .await
}

/// Export the signatories as CSV.
///
/// The whole public list (no paging) as CSV (RFC 4180, UTF-8) with a header row, in Swedish
/// alphabetical order; the same filters as the JSON list. `delimiter=semicolon` adds a UTF-8
/// byte order mark for Swedish Excel. Cells that begin with `=`, `+`, `-` or `@` are prefixed
/// with `'` against formula injection. `headers=sv` writes Swedish column headers and legal
/// forms, for people. Excel opening a CSV file reads a kommunkod `0181` as the number 181
/// (and the one form it would keep, `="0181"`, is a formula the guard refuses): for Excel,
/// take `export_signatories_xlsx`. Named after the agreement and the date.
#[utoipa::path(
    tag = "accessions", operation_id = "export_signatories_csv",
    params(("id" = Uuid, Path, description = "The agreement's id"), SignatoryParams, CsvParams),
    responses((status = 200, description = "The whole list as CSV with a header row", content_type = "text/csv", body = String, headers(("Content-Disposition" = String, description = "`inline; filename=\"signatories-<date>.csv\"; filename*=UTF-8''<agreement title> <date>.csv`")))),
    security((), ("bearer" = []))
)]
#[get("/agreements/{id}/signatories.csv")]
async fn export_csv(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    Caller(caller): Caller,
    id: Path<Uuid>,
    params: Query<SignatoryParams>,
    csv: Query<CsvParams>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let query = params.query(id.into_inner(), today)?;
        let delimiter = match csv.delimiter.as_deref() {
            None => Delimiter::Comma,
            Some(d) => d.parse().map_err(|_| {
                ApiError::bad_parameter(
                    "delimiter",
                    RequestField::OneOf {
                        allowed: "`comma`, `semicolon`".into(),
                    },
                )
            })?,
        };
        let headers = headers_param(csv.headers.as_deref())?;
        signatories_csv_response(&req, &state, caller, query, delimiter, headers).await
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmbedParams {
    /// The date the list is shown for (default: today).
    #[serde(default, deserialize_with = "crate::extract::as_of")]
    pub as_of: Option<NaiveDate>,
    /// `former` adds former signatories; absent, only current ones.
    #[param(schema_with = include_former)]
    pub include: Option<String>,
    /// Labels in Swedish (`sv`, default), English (`en`) or Finnish (`fi`).
    #[param(schema_with = page_lang)]
    pub lang: Option<String>,
}

/// An embeddable HTML page of signatories.
///
/// A complete, accessible HTML page with the signatories, for an iframe on a municipal website:
/// no JavaScript, no external resources, a strict Content-Security-Policy that allows framing
/// by any site. Drafts are 404 (an iframe carries no token).
#[utoipa::path(
    tag = "embed", operation_id = "embed_signatories",
    params(("id" = Uuid, Path, description = "The agreement's id"), EmbedParams),
    responses((status = 200, description = "The HTML page", content_type = "text/html", body = String)),
)]
#[get("/embed/agreements/{id}/signatories")]
pub async fn embed_signatories(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    id: Path<Uuid>,
    params: Query<EmbedParams>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let lang = match params.lang.as_deref() {
            None => Lang::Sv,
            Some(l) => l.parse().map_err(|_| {
                ApiError::bad_parameter(
                    "lang",
                    RequestField::OneOf {
                        allowed: "`sv`, `en`, `fi`".into(),
                    },
                )
            })?,
        };
        let shown = SignatoryParams {
            as_of: params.as_of,
            include: params.include.clone(),
            q: None,
            municipality: None,
        };
        let query = shown.query(id.into_inner(), today)?;
        let (as_of, include_former) = (query.as_of, query.include_former);
        // The page is public: drafts are 404 whoever asks (an iframe carries no token).
        let (a, all) = load(&state, None, query, None).await?;
        let title = a
            .current_version()
            .map(|v| v.content().title.clone())
            .unwrap_or_default();
        let owner_id = a.owner_public_body_id();
        let owner = state
            .read(move |conn| Ok(parties::public_bodies_by_ids(conn, &[owner_id])?))
            .await?
            .pop()
            .map(|b| b.fields.name)
            .unwrap_or_default();
        let rows = rows_of(all.items);
        let html = render::embed_html(&EmbedPage {
            agreement_title: &title,
            public_body_name: &owner,
            as_of,
            include_former,
            rows: &rows,
            lang,
        })
        .map_err(|e| ApiError::Internal(format!("embed page: {e}")))?;
        let (mut builder, not_modified) =
            cached_read(&req, html.as_bytes(), None, Visibility::Public);
        for (name, value) in render::embed_headers() {
            builder.insert_header((name, value));
        }
        if not_modified {
            return Ok(builder.finish());
        }
        Ok(builder.content_type(render::HTML_CONTENT_TYPE).body(html))
    })
    .await
}
