//! Open data for dataportal.se (issue 14): the DCAT-AP-SE catalogue of every public
//! agreement's signatory list, and the bulk download of the lists and the agreements' public
//! texts. Public reads, never personal data, cached like the lists (every write clears them).

use actix_web::http::header;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::cache::{self, PublicCache, serve_cached};
use crate::http::{Visibility, cached_read};
use crate::problem::{ApiError, ApiResult};
use crate::render::archive::{ZIP_CONTENT_TYPE, zip_archive};
use crate::render::dcat::{self, RdfFormat};
use crate::state::AppState;
use crate::workflows::open_data;

/// The bulk download: a ZIP archive (deflate).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct OpenDataArchive(pub Vec<u8>);

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(catalog).service(open_data_zip);
}

/// The server's public address: `SAMVERKAN_PUBLIC_URL`, else the scheme and host the
/// request came with.
fn base_of(req: &HttpRequest, state: &AppState) -> String {
    match &state.public_url {
        Some(url) => url.clone(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    /// Only the lists of agreements this public body owns, with it as the catalogue's
    /// publisher: the address a municipality or region registers with dataportal.se.
    pub public_body: Option<Uuid>,
}

/// The open-data catalogue (DCAT-AP-SE).
///
/// Every public agreement's list of signatories as a `dcat:Dataset` in a `dcat:Catalog`, with
/// the properties DCAT-AP-SE (the profile dataportal.se harvests) makes mandatory or
/// recommends: titles and descriptions in Swedish and English, the public body as publisher,
/// the contact point (the agreement's functional mailbox, when set), the licence the
/// administrator chose, the theme `GOVE`, the municipality or region covered, the update
/// frequency, and distributions for JSON, CSV and the embeddable page. RDF, negotiated by
/// `Accept`: `text/turtle` (the default, also for `*/*` or no `Accept`), `application/ld+json`
/// or `application/rdf+xml`; any other type is 406. `public_body` narrows it to one public
/// body's agreements (404 when no such body is in the register). Cacheable (`ETag`, 304).
#[utoipa::path(
    tag = "open-data", operation_id = "get_catalog",
    params(CatalogParams),
    responses(
        (status = 200, description = "The catalogue as RDF", content(
            (String = "text/turtle"),
            (String = "application/ld+json"),
            (String = "application/rdf+xml"),
        )),
        (status = 404, description = "No public body with this id in the register", content_type = "application/problem+json", body = crate::problem::Problem),
        (status = 406, description = "The Accept header names none of the RDF types served", content_type = "application/problem+json", body = crate::problem::Problem),
    ),
    security(())
)]
#[get("/catalog")]
async fn catalog(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
    params: Query<CatalogParams>,
) -> ApiResult<HttpResponse> {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let format = RdfFormat::negotiate(accept).ok_or(ApiError::NotAcceptable)?;
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let base = base_of(&req, &state);
        let public_body = params.public_body;
        let info = state
            .read(move |conn| open_data::catalog(conn, base, public_body))
            .await?;
        let bytes = dcat::catalog(&info, format)
            .map_err(|e| ApiError::Internal(format!("catalogue: {e}")))?;
        let (mut builder, not_modified) = cached_read(&req, &bytes, None, Visibility::Public);
        builder.insert_header((header::VARY, "Accept"));
        if not_modified {
            return Ok(builder.finish());
        }
        Ok(builder.content_type(format.content_type()).body(bytes))
    })
    .await
}

/// Download all open data as one ZIP archive.
///
/// Every public agreement's list of signatories as CSV (today's list, the same CSV as
/// `export_signatories_csv`) and its public texts as JSON (the adopted versions, as the API
/// shows them), with `agreements.json` (the index) and a `README.txt`. Built from the stored
/// data when asked and kept until the next write (or midnight); its `ETag` is the hash of
/// the bytes, so `If-None-Match` answers 304 until something changes.
#[utoipa::path(
    tag = "open-data", operation_id = "download_open_data",
    responses(
        (status = 200, description = "The archive", content_type = "application/zip", body = OpenDataArchive, headers(("Content-Disposition" = String, description = "`attachment; filename=\"open-data.zip\"`"))),
    ),
    security(())
)]
#[get("/open-data.zip")]
async fn open_data_zip(
    req: HttpRequest,
    state: Data<AppState>,
    cache: Data<PublicCache>,
) -> ApiResult<HttpResponse> {
    let today = state.today();
    let key = cache::key_for(&req, today);
    serve_cached(&req, &cache, key, async {
        let base = base_of(&req, &state);
        let entries = state
            .read(move |conn| open_data::archive_entries(conn, &base, today))
            .await?;
        let bytes = actix_web::web::block(move || zip_archive(&entries, today))
            .await
            .map_err(|e| ApiError::Internal(format!("archive: {e}")))?
            .map_err(|e| ApiError::Internal(format!("archive: {e}")))?;
        let (builder, not_modified) = cached_read(&req, &bytes, None, Visibility::Public);
        let mut builder = builder;
        if not_modified {
            return Ok(builder.finish());
        }
        Ok(builder
            .content_type(ZIP_CONTENT_TYPE)
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"open-data.zip\"",
            ))
            .body(bytes))
    })
    .await
}
