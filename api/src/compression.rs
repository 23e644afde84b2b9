//! Compression of public reads (issue 16): `Accept-Encoding: br` or `gzip` on an anonymous
//! `GET`/`HEAD` is answered compressed by actix's `Compress`, which this middleware wraps.
//!
//! - **What is compressed.** Only anonymous reads: a request with a token, or any write,
//!   reaches `Compress` without `Accept-Encoding` (responses that hold personal data are never
//!   compressed next to what a caller sent, the BREACH pattern). The request's header is
//!   narrowed to the one coding chosen here (`br` before `gzip`, by the client's weights), so
//!   `Compress` never answers its own 406 nor picks `deflate` or `zstd`: a header that
//!   accepts neither is read as `identity`.
//! - **ETags per coding.** A compressed representation is other bytes than the identity one,
//!   so its strong `ETag` differs: the coding is appended inside the quotes (`"h…-gzip"`,
//!   `"v3-…-br"`). Every comparison of a tag the server receives (`If-None-Match`, the
//!   cache's hits, `If-Match`) first drops such a suffix ([`crate::http::base_tag`]), so a client that
//!   holds a compressed representation's tag still gets its 304 and can still update; a 304
//!   repeats the tag the client sent.
//! - **Already compressed.** The ZIP archive and the XLSX workbook (a ZIP too) are sent as
//!   they are: deflating them again costs time and saves nothing.
//! - **Vary.** Every read says `Vary: Accept-Encoding`, compressed or not.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use crate::http::{CODINGS, base_tag};

/// The one coding to answer with, of what the request accepts.
fn chosen(req: &ServiceRequest) -> ContentEncoding {
    let Some(accept) = req.get_header::<AcceptEncoding>() else {
        return ContentEncoding::Identity;
    };
    let offered = [Encoding::identity(), Encoding::brotli(), Encoding::gzip()];
    match accept.negotiate(offered.iter()) {
        Some(Encoding::Known(c)) if c == ContentEncoding::Brotli || c == ContentEncoding::Gzip => c,
        _ => ContentEncoding::Identity,
    }
}

/// Outside `Compress`: narrows `Accept-Encoding`, then tags the answer per coding.
pub async fn coding_policy(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    let path = req.path();
    let workbook_first = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().starts_with(crate::render::XLSX_CONTENT_TYPE));
    let zipped = path.ends_with(".zip") || path.ends_with(".xlsx") || workbook_first;
    let coding = if read && anonymous && !zipped {
        chosen(&req)
    } else {
        ContentEncoding::Identity
    };
    let if_none_match: Vec<String> = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').map(|t| t.trim().to_owned()).collect())
        .unwrap_or_default();
    match coding {
        ContentEncoding::Identity => {
            req.headers_mut().remove(header::ACCEPT_ENCODING);
        }
        c => {
            req.headers_mut()
                .insert(header::ACCEPT_ENCODING, c.to_header_value());
        }
    }
    let mut res = next.call(req).await?;
    if !read {
        return Ok(res);
    }
    let headers = res.headers_mut();
    let applied = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(etag) = etag {
        let tagged = match (&applied, res.status()) {
            (Some(coding), _) if CODINGS.contains(&coding.as_str()) => {
                etag.strip_suffix('"').map(|h| format!("{h}-{coding}\""))
            }
            // A 304 repeats the tag the client holds, coding suffix and all.
            (_, StatusCode::NOT_MODIFIED) if coding != ContentEncoding::Identity => if_none_match
                .iter()
                .find(|t| *t != &etag && base_tag(t) == etag.as_str())
                .cloned(),
            _ => None,
        };
        if let Some(tagged) = tagged
            && let Ok(v) = HeaderValue::from_str(&tagged)
        {
            res.headers_mut().insert(header::ETAG, v);
        }
    }
    crate::http::add_vary(res.headers_mut(), "Accept-Encoding");
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coding_suffix_is_dropped_before_comparing() {
        assert_eq!(base_tag("\"h0123-gzip\""), "\"h0123\"");
        assert_eq!(
            base_tag("W/\"v3-0123456789abcdef-br\""),
            "W/\"v3-0123456789abcdef\""
        );
        assert_eq!(
            base_tag("\"v3-0123456789abcdef\""),
            "\"v3-0123456789abcdef\""
        );
        assert_eq!(base_tag("\"h1-zstd\""), "\"h1-zstd\"");
    }
}
