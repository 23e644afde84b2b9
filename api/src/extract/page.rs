//! The query parameters lists share: `limit` and `cursor` on every list, `municipality` on
//! the lists that filter by it.

use actix_web::HttpRequest;
use samverkan_domain::scb::MunicipalityCode;
use samverkan_persistence::page::{DEFAULT_LIMIT, MAX_LIMIT, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::problem::{ApiError, RequestField};

/// `limit` and `cursor`, the same on every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (opaque; only cursors the same list returned
    /// are accepted, anything else is 400).
    #[param(min_length = 1, max_length = 2048, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

impl PageParams {
    /// `parts`: how many values the list's sort key has. The cursor must be one this server
    /// sealed for this list (its path, see `seal`).
    pub fn page_request(&self, req: &HttpRequest, parts: usize) -> Result<PageRequest, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_parameter(
                "limit",
                RequestField::Between { max: MAX_LIMIT },
            ));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                crate::http::cursor_key(req)?
                    .open(req.path(), c, parts)
                    .filter(|_| !c.is_empty())
                    .ok_or_else(|| {
                        ApiError::bad_parameter("cursor", RequestField::UnknownCursor)
                    })?,
            ),
        };
        Ok(PageRequest { limit, after })
    }
}

/// The `municipality` filter of a list: a kommunkod (400 naming the parameter otherwise).
pub fn municipality_filter(value: Option<&str>) -> Result<Option<String>, ApiError> {
    value
        .map(|m| {
            MunicipalityCode::parse(m)
                .map(String::from)
                .map_err(|e| ApiError::bad_parameter("municipality", e))
        })
        .transpose()
}
