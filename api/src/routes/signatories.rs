//! The public list of signatories (anslutna organisationer) of an agreement: JSON with
//! paging, CSV, statistics, and the embeddable HTML page for municipal websites. Public reads:
//! no token needed, never personal data, cached.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::NaiveDate;
use futures_util::StreamExt;
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
    /// Part of the name, case-insensitive (å, ä, ö as letters of their own, accents as
    /// their base letter). Three characters or more match anywhere in the name; one or two
    /// match the beginning of the name (an index can look up no shorter substring).
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
                &cache,
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

/// Batches of CSV a streamed export keeps ready ahead of a slow client.
const CSV_BATCHES_AHEAD: usize = 2;

/// The CSV export. A list that fits in one batch (`AppState::export_batch`) is answered whole (and cached like every
/// public read); a longer one is streamed: a producer task reads the list in keyset batches,
/// each on the blocking pool with a connection of its own that it returns before the batch
/// is queued, into a bounded channel that the response body drains. So memory holds a few
/// batches whatever the list's length, and a slow client holds no connection. A whole list's
/// entity tag is its body's; a streamed one's must be sent before the body exists: it names the data's version as this process
/// knows it (`PublicCache::data_version`, read before the first batch) and what was asked,
/// not a hash of the body. A list changed while it streams has a new version, so the next
/// request gets the new list rather than a 304.
async fn signatories_csv_response(
    req: &HttpRequest,
    state: &Data<AppState>,
    cache: &PublicCache,
    caller: Option<Principal>,
    query: SignatoryQuery,
    delimiter: Delimiter,
    headers: Headers,
) -> ApiResult<HttpResponse> {
    let as_of = query.as_of;
    let version = cache.data_version();
    let batch = state.export_batch;
    let (first_query, first_caller) = (query.clone(), caller.clone());
    let (a, (first, next)) = state
        .read(move |conn| {
            let agreement = crate::workflows::agreements::visible_agreement(
                conn,
                first_query.agreement_id,
                first_caller.as_ref(),
            )?;
            let batch = signatories::batch(conn, &first_query, None, batch)?;
            Ok((agreement, batch))
        })
        .await?;
    let visibility = Visibility::of_agreement(&a);
    let disposition = download_name(&a, as_of, "inline", "csv");
    let mut head = render::csv_head(delimiter, headers);
    head.extend_from_slice(&render::csv_rows(&rows_of(first), delimiter, headers));
    let Some(after) = next else {
        // The whole list is here: its tag is the body's, stable for as long as the list is.
        let (mut builder, not_modified) = cached_read(req, &head, None, visibility);
        builder.insert_header((header::VARY, "Accept"));
        if not_modified {
            return Ok(builder.finish());
        }
        return Ok(builder
            .content_type(render::CSV_CONTENT_TYPE)
            .insert_header((header::CONTENT_DISPOSITION, disposition))
            .body(head));
    };
    // A private answer (a draft, for its administrators) differs by caller.
    let who = match visibility {
        Visibility::Public => None,
        Visibility::Private => caller.as_ref().map(|p| p.sub.clone()),
    };
    let etag = format!(
        "\"h{}\"",
        crate::http::hash_hex(
            format!("{version}|{query:?}|{delimiter:?}|{headers:?}|{who:?}").as_bytes()
        )
    );
    let mut builder = crate::http::read_headers(&etag, visibility);
    builder.insert_header((header::VARY, "Accept"));
    if crate::http::not_modified(req, &etag) {
        builder.status(actix_web::http::StatusCode::NOT_MODIFIED);
        return Ok(builder.finish());
    }
    builder
        .content_type(render::CSV_CONTENT_TYPE)
        .insert_header((header::CONTENT_DISPOSITION, disposition));
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CSV_BATCHES_AHEAD);
    let state = state.clone();
    actix_web::rt::spawn(async move {
        let mut after = Some(after);
        while let Some(key) = after.take() {
            let query = query.clone();
            let read = state
                .read(move |conn| {
                    let (items, next) = signatories::batch(conn, &query, Some(key), batch)?;
                    Ok((
                        Bytes::from(render::csv_rows(&rows_of(items), delimiter, headers)),
                        next,
                    ))
                })
                .await;
            let item = match read {
                Ok((bytes, next)) => {
                    after = next;
                    Ok(bytes)
                }
                Err(e) => {
                    // The status is sent: the transfer is cut off (no last chunk), so the
                    // client sees an incomplete body, never a short list that looks whole.
                    log::error!("CSV export stopped: {e}");
                    Err(std::io::Error::other("the export could not be completed"))
                }
            };
            // A client that went away drops the receiver: stop reading.
            if tx.send(item).await.is_err() {
                return;
            }
        }
    });
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let body = futures_util::stream::once(async move { Ok(Bytes::from(head)) }).chain(rest);
    Ok(builder.streaming(body))
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
    pub labels: Option<String>,
    /// `headers=sv`, the same as `labels=sv` (see [`label_set`]).
    #[param(ignore)]
    pub headers: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct XlsxParams {
    /// `sv`: Swedish column headers and legal forms; default `api`.
    #[param(schema_with = header_words)]
    pub labels: Option<String>,
    /// `headers=sv`, the same as `labels=sv` (see [`label_set`]).
    #[param(ignore)]
    pub headers: Option<String>,
}

/// The words of the downloads, from `labels`, or from `headers`, the name it was first given.
/// `headers` is accepted but not declared: a query parameter of that name is shadowed in
/// clients generated by openapi-python-client, whose request functions keep the request's
/// headers in a variable of the same name (`.ci/contract` caught it), so the contract names
/// it `labels`.
fn label_set(labels: Option<&str>, headers: Option<&str>) -> ApiResult<Headers> {
    match (labels, headers) {
        (Some(l), _) => headers_param("labels", Some(l)),
        (None, h) => headers_param("headers", h),
    }
}

/// `labels`: the values of [`Headers`], its default first.
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

fn headers_param(name: &str, value: Option<&str>) -> ApiResult<Headers> {
    match value {
        None => Ok(Headers::Api),
        Some(h) => h.parse().map_err(|_| {
            ApiError::bad_parameter(
                name,
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
/// as written (Excel opening the CSV would not). `labels=sv` for Swedish headers and legal
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
        let headers = label_set(xlsx.labels.as_deref(), xlsx.headers.as_deref())?;
        signatories_xlsx_response(&req, &state, caller, query, headers).await
    })
    .await
}

/// Export the signatories as CSV.
///
/// The whole public list (no paging) as CSV (RFC 4180, UTF-8) with a header row, in Swedish
/// alphabetical order; the same filters as the JSON list. `delimiter=semicolon` adds a UTF-8
/// byte order mark for Swedish Excel. Cells that begin with `=`, `+`, `-` or `@` are prefixed
/// with `'` against formula injection. `labels=sv` writes Swedish column headers and legal
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
        let headers = label_set(csv.labels.as_deref(), csv.headers.as_deref())?;
        signatories_csv_response(&req, &state, &cache, caller, query, delimiter, headers).await
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
    /// Show the first N current signatories (1–1000) and a link to the whole list, for a
    /// frame of fixed height.
    #[param(minimum = 1, maximum = 1000)]
    pub rows: Option<u32>,
    /// `1`: the list alone as an HTML fragment (no `<html>` or `<head>`, classes under
    /// `samverkan`, styled by `/embed/signatories.css`) for a site that includes it
    /// server-side. The theme parameters do not apply to it.
    #[param(schema_with = zero_or_one)]
    pub fragment: Option<String>,
    /// Link colour, hex (`0b4a96`); refused (422, naming the ratio) below 4.5:1 against
    /// the page's background. With `scheme=auto`, the light scheme's.
    #[param(pattern = "^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    pub accent: Option<String>,
    /// `system` (default), `serif` or `inherit-like` (the common sans-serif stack of host
    /// sites); no web fonts.
    #[param(schema_with = font_preset)]
    pub font: Option<String>,
    /// `none` leaves out the title and owner line, for a host page that shows them.
    #[param(schema_with = heading_none)]
    pub heading: Option<String>,
    /// `light` (default), `dark`, or `auto` (the reader's `prefers-color-scheme`).
    #[param(schema_with = colour_scheme)]
    pub scheme: Option<String>,
    /// `normal` (default) or `compact` (less space around each row).
    #[param(schema_with = density)]
    pub density: Option<String>,
    /// `1` adds one small inline script (allowed by its hash in the policy) that posts the
    /// page's height to the parent window: `{"type": "samverkan:height", "height": <px>}`.
    #[param(schema_with = zero_or_one)]
    pub resize: Option<String>,
}

fn enum_schema(values: &[&str], description: &str) -> RefOr<Schema> {
    schema(json!({ "type": "string", "enum": values, "description": description }))
}
fn zero_or_one() -> RefOr<Schema> {
    enum_schema(&["0", "1"], "`1` turns it on.")
}
fn font_preset() -> RefOr<Schema> {
    enum_schema(&["system", "serif", "inherit-like"], "A font stack preset.")
}
fn heading_none() -> RefOr<Schema> {
    enum_schema(
        &["none", "show"],
        "`none` leaves out the title and owner line.",
    )
}
fn colour_scheme() -> RefOr<Schema> {
    enum_schema(&["light", "dark", "auto"], "The colour scheme.")
}
fn density() -> RefOr<Schema> {
    enum_schema(&["normal", "compact"], "Space around each row.")
}

/// An embeddable HTML page of signatories.
///
/// A complete, accessible HTML page with the signatories, for an iframe on a municipal website:
/// no JavaScript (unless `resize=1`), no external resources, a strict Content-Security-Policy
/// that allows framing by any site. Drafts are 404 (an iframe carries no token). Errors are
/// small HTML pages in the page's language, not problem+json: a visitor reads them in the
/// frame. The theme parameters (`accent`, `font`, `heading`, `scheme`, `density`, `resize`)
/// are applied to the cached page at response time; they are not cache keys.
#[utoipa::path(
    tag = "embed", operation_id = "embed_signatories",
    params(("id" = Uuid, Path, description = "The agreement's id"), EmbedParams),
    responses(
        (status = 200, description = "The HTML page (or, with `fragment=1`, the list as an HTML fragment)", content_type = "text/html", body = String),
        (status = 400, description = "A parameter the page cannot take, as an HTML page naming it", content_type = "text/html", body = String),
        (status = 404, description = "No published agreement with this id, as an HTML page", content_type = "text/html", body = String),
        (status = 422, description = "An `accent` under 4.5:1 against the page's background, as an HTML page naming the ratio", content_type = "text/html", body = String),
    ),
)]
#[get("/embed/agreements/{id}/signatories")]
pub async fn embed_signatories(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    id: Result<Path<Uuid>, actix_web::Error>,
    params: Result<Query<EmbedParams>, actix_web::Error>,
) -> ApiResult<HttpResponse> {
    // The error page's language: the one asked for when it can be read, else Swedish.
    let page_lang = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_default();
    let result = match (id, params) {
        (Ok(id), Ok(params)) => embed_response(&req, &state, &cache, id.into_inner(), params).await,
        (Err(e), _) | (_, Err(e)) => Err(e
            .as_error::<ApiError>()
            .map(clone_for_page)
            .unwrap_or_else(|| {
                ApiError::bad_parameter(
                    "query",
                    RequestField::WrongValue {
                        detail: e.to_string(),
                    },
                )
            })),
    };
    match result {
        Ok(res) => Ok(res),
        Err(e) => Ok(embed_error(&e, page_lang)),
    }
}

/// What the error page needs of an extractor's error: its status and wording.
fn clone_for_page(e: &ApiError) -> ApiError {
    match e {
        ApiError::BadRequest { detail, errors } => ApiError::BadRequest {
            detail: detail.clone(),
            errors: errors.clone(),
        },
        ApiError::NotFound => ApiError::NotFound,
        other => ApiError::Internal(other.to_string()),
    }
}

/// The error as a small HTML page in the page's language, with the error's status. A
/// server error is logged as every other one is (the request middleware sees the status).
fn embed_error(e: &ApiError, lang: Lang) -> HttpResponse {
    use actix_web::ResponseError as _;
    let status = e.status_code();
    let problem_lang = lang.problem_lang();
    let detail = match e {
        ApiError::Validation(errors) if !errors.is_empty() => match problem_lang {
            samverkan_domain::error::Lang::Sv => format!(
                "parametern `{}`: {}",
                errors[0].field,
                errors[0].message.get(problem_lang)
            ),
            samverkan_domain::error::Lang::En => format!(
                "parameter `{}`: {}",
                errors[0].field,
                errors[0].message.get(problem_lang)
            ),
        },
        _ => e.problem(problem_lang).detail,
    };
    if status.is_server_error() {
        log::error!("embed page failed: {e}");
    }
    let html = render::embed::embed_error_html(lang, status.as_u16(), Some(&detail))
        .unwrap_or_else(|_| detail.clone());
    let mut builder = HttpResponse::build(status);
    for (name, value) in render::embed_headers() {
        builder.insert_header((name, value));
    }
    let mut res = builder
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type(render::HTML_CONTENT_TYPE)
        .body(html);
    res.extensions_mut().insert(crate::http::VisitorErrorPage);
    res
}

async fn embed_response(
    req: &HttpRequest,
    state: &AppState,
    cache: &PublicCache,
    id: Uuid,
    params: Query<EmbedParams>,
) -> ApiResult<HttpResponse> {
    let presentation =
        render::theme::Presentation::from_query(req.query_string()).map_err(|bad| {
            // A colour of the right form that fails AA is a value the rules refuse (422),
            // not a malformed one (400).
            if matches!(bad.error, RequestField::LowContrast { .. }) {
                ApiError::Validation(vec![samverkan_domain::FieldError::new(
                    bad.name, &bad.error,
                )])
            } else {
                ApiError::bad_parameter(bad.name, bad.error)
            }
        })?;
    let fragment = match params.fragment.as_deref() {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "fragment",
                RequestField::OneOf {
                    allowed: "`0`, `1`".into(),
                },
            ));
        }
    };
    let show_rows = match params.rows {
        None => None,
        Some(n @ 1..=1000) => Some(n as usize),
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "rows",
                RequestField::Between { max: 1000 },
            ));
        }
    };
    let today = state.today();
    let key = cache::key_for(req, today);
    let base = serve_cached(req, cache, key, async {
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
        let query = shown.query(id, today)?;
        let (as_of, include_former) = (query.as_of, query.include_former);
        // The page is public: drafts are 404 whoever asks (an iframe carries no token).
        let (a, all) = load(state, None, query, None).await?;
        // The title in the page's language where the version has a translation in it.
        let version = a.current_version();
        let translated = samverkan_domain::agreement::LanguageTag::parse(lang.tag())
            .ok()
            .and_then(|tag| version.and_then(|v| v.translation(&tag)));
        let (title, title_lang) = match translated {
            Some(t) => (t.texts().title.clone(), lang.tag()),
            None => (
                version
                    .map(|v| v.content().title.clone())
                    .unwrap_or_default(),
                "sv",
            ),
        };
        let owner_id = a.owner_public_body_id();
        let owner = state
            .read(move |conn| Ok(parties::public_bodies_by_ids(conn, &[owner_id])?))
            .await?
            .pop()
            .map(|b| b.fields.name)
            .unwrap_or_default();
        let policy =
            render::embed::content_security_policy_for(&a.settings().embed_frame_ancestors);
        let rows = rows_of(all.items);
        let whole_list_href = whole_list_href(&params);
        let page = EmbedPage {
            agreement_title: &title,
            agreement_title_lang: title_lang,
            public_body_name: &owner,
            as_of,
            include_former,
            rows: &rows,
            lang,
            show_rows,
            whole_list_href: &whole_list_href,
        };
        let html = if fragment {
            render::embed::embed_fragment(&page)
        } else {
            render::embed_html(&page)
        }
        .map_err(|e| ApiError::Internal(format!("embed page: {e}")))?;
        let (mut builder, not_modified) =
            cached_read(req, html.as_bytes(), None, Visibility::Public);
        for (name, value) in render::embed_headers() {
            builder.insert_header((name, value));
        }
        // The sites the agreement's administrator allows to frame it, if named.
        builder.insert_header((header::CONTENT_SECURITY_POLICY, policy));
        if not_modified {
            return Ok(builder.finish());
        }
        Ok(builder.content_type(render::HTML_CONTENT_TYPE).body(html))
    })
    .await?;
    if fragment || presentation.is_plain() || base.status() != actix_web::http::StatusCode::OK {
        return Ok(base);
    }
    present(req, base, &presentation).await
}

/// The whole list's address for `?rows=`: this page with the parameters that choose the
/// list and its look, without `rows` (relative, so it stays on this server).
fn whole_list_href(params: &EmbedParams) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let as_of = params.as_of.map(|d| d.to_string());
    for (k, v) in [
        ("lang", params.lang.as_deref()),
        ("include", params.include.as_deref()),
        ("as_of", as_of.as_deref()),
        ("accent", params.accent.as_deref()),
        ("font", params.font.as_deref()),
        ("heading", params.heading.as_deref()),
        ("scheme", params.scheme.as_deref()),
        ("density", params.density.as_deref()),
        ("resize", params.resize.as_deref()),
    ] {
        if let Some(v) = v {
            pairs.push((k, v));
        }
    }
    format!(
        "?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The cached base page with the presentation applied: its own policy and its own ETag
/// (the base's, with the presentation's hash), so that a revalidation of a themed page
/// never matches the base page or another theme.
async fn present(
    req: &HttpRequest,
    base: HttpResponse,
    presentation: &render::theme::Presentation,
) -> ApiResult<HttpResponse> {
    let (head, body) = base.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let html = std::str::from_utf8(&bytes).map_err(|e| ApiError::Internal(e.to_string()))?;
    let frame_ancestors = head
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|csp| csp.rsplit_once("frame-ancestors "))
        .map_or("*", |(_, sources)| sources)
        .to_owned();
    let (html, policy) = render::embed::present(html, presentation, &frame_ancestors);
    let base_etag = head
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("\"\"");
    let themed = crate::http::etag_for(None, html.as_bytes());
    let etag = format!(
        "{}-{}\"",
        base_etag.trim_end_matches('"'),
        themed
            .trim_matches('"')
            .chars()
            .take(12)
            .collect::<String>()
    );
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|inm| {
            inm.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let mut builder = HttpResponse::build(if not_modified {
        actix_web::http::StatusCode::NOT_MODIFIED
    } else {
        actix_web::http::StatusCode::OK
    });
    for (name, value) in head.headers() {
        if name != header::ETAG
            && name != header::CONTENT_SECURITY_POLICY
            && name != header::CONTENT_LENGTH
        {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    builder.insert_header((header::ETAG, etag));
    builder.insert_header((header::CONTENT_SECURITY_POLICY, policy));
    if not_modified {
        return Ok(builder.finish());
    }
    Ok(builder.body(html))
}
