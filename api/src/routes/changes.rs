//! The change feed: every recorded change in position order, with a long-poll option.

use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse, get};
use samverkan_domain::access::Principal;
use samverkan_domain::agreement::{Administered, administered_by};
use samverkan_domain::change::ChangeType;
use samverkan_persistence::changes::{self as store, Audience, ChangeQuery, ChangeRecord};
use samverkan_persistence::page::{Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::contract::changes::{Change, ChangePayload};
use crate::extract::{Caller, PageParams};
use crate::list_of;
use crate::problem::{ApiError, ApiResult, RequestField};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_changes);
}

/// The longest a long-poll waits, in seconds.
pub const MAX_WAIT_SECONDS: u64 = 30;
/// How often a long-poll looks again; no connection is held in between.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

list_of!(ChangeList, Change);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeFeedQuery {
    /// Only changes of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub change_type: Option<ChangeType>,
    /// Only changes of this agreement.
    pub agreement_id: Option<Uuid>,
    /// Seconds to wait for a change when there is none after the cursor yet (long poll,
    /// 0–30, default 0): the answer comes as soon as one is recorded, or empty at the end.
    #[param(minimum = 0, maximum = 30, default = 0)]
    pub wait: Option<u64>,
}

/// Who sees what: anonymous callers and callers who run no agreement see public changes;
/// an agreement's administrators and co-administrators (the civil-society party's
/// representatives, `co_administers`) also every change of the agreements they run, and
/// platform administrators every change. `co_administered` comes from
/// `co_administered_by`, read once per request.
fn audience_of(
    conn: &mut samverkan_persistence::DbConnection,
    caller: Option<&Principal>,
    co_administered: &[Uuid],
) -> ApiResult<Audience> {
    let Some(principal) = caller else {
        return Ok(Audience::Public);
    };
    let scope = administered_by(principal);
    if matches!(scope, Some(Administered::All)) {
        return Ok(Audience::All);
    }
    let mut run = co_administered.to_vec();
    if let Some(scope) = scope {
        run.extend(
            samverkan_persistence::agreements::administered_agreements(conn, scope)?
                .into_iter()
                .map(|r| r.agreement.id()),
        );
    }
    Ok(if run.is_empty() {
        Audience::Public
    } else {
        Audience::Administrator(run)
    })
}

/// The agreements an organisation's representative co-administers. Who does is written in
/// each agreement (its civil-society party, the organisations named to act for the sector),
/// so the domain judges each one: read once per request, not on every look of a long poll.
fn co_administered_by(
    conn: &mut samverkan_persistence::DbConnection,
    caller: Option<&Principal>,
) -> ApiResult<Vec<Uuid>> {
    let Some(principal) = caller else {
        return Ok(Vec::new());
    };
    Ok(
        crate::workflows::agreements::co_administered_by(conn, principal)?
            .iter()
            .map(|r| r.agreement.id())
            .collect(),
    )
}

fn view(record: ChangeRecord, audience: &Audience) -> ApiResult<Change> {
    let payload: ChangePayload = serde_json::from_value(record.payload)
        .map_err(|e| ApiError::Internal(format!("stored change payload: {e}")))?;
    let private = match audience {
        Audience::Public => false,
        Audience::All => true,
        Audience::Administrator(ids) => ids.contains(&record.agreement_id),
    };
    Ok(Change {
        position: record.position,
        id: record.id,
        change_type: record.change_type,
        at: record.at,
        agreement_id: record.agreement_id,
        public: record.public,
        payload,
        private_payload: record
            .private_payload
            .filter(|_| private)
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| ApiError::Internal(format!("stored private payload: {e}")))?,
    })
}

/// Follow the change feed.
///
/// Every state change (agreement lifecycle, version adoption, accession transitions,
/// steering-group appointments, term ends, meetings and decisions) is recorded in the
/// transaction that makes it, and appears here in position order: positions only increase,
/// and a change never appears before one with a smaller position that is still to commit.
/// Start without `cursor` (from the beginning) and pass each answer's `next_cursor` to get
/// what follows; `next_cursor` is never `null` (a feed has no last page): an empty `items`
/// means caught up, and `wait` (up to 30 s) then answers as soon as something arrives.
///
/// Anonymous callers see public changes only (of public agreements, of the kinds the public
/// views show). An agreement's administrators also see the other changes of the agreements
/// they administer, with their `private_payload`; platform administrators see everything.
/// A token is read when sent (401 when it is invalid). Never cached.
#[utoipa::path(
    tag = "changes", operation_id = "list_changes",
    params(ChangeFeedQuery, PageParams),
    responses((status = 200, description = "The changes after the cursor", body = ChangeList)),
    security((), ("bearer" = []))
)]
#[get("/changes")]
async fn list_changes(
    req: HttpRequest,
    state: Data<AppState>,
    Caller(caller): Caller,
    query: Query<ChangeFeedQuery>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let PageRequest { limit, after } = page.page_request(&req, 1)?;
    let after = match after.as_deref() {
        None => 0,
        Some([position]) => position
            .parse::<i64>()
            .map_err(|_| ApiError::bad_parameter("cursor", RequestField::UnknownCursor))?,
        Some(_) => {
            return Err(ApiError::bad_parameter(
                "cursor",
                RequestField::UnknownCursor,
            ));
        }
    };
    let wait = query.wait.unwrap_or(0);
    if wait > MAX_WAIT_SECONDS {
        return Err(ApiError::bad_parameter(
            "wait",
            RequestField::AtMost {
                max: MAX_WAIT_SECONDS as usize,
            },
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(wait);
    let anonymous = caller.is_none();
    let types: Vec<ChangeType> = query.change_type.into_iter().collect();
    let agreement_ids: Vec<Uuid> = query.agreement_id.into_iter().collect();
    let co_administered = {
        let caller = caller.clone();
        state
            .read(move |conn| co_administered_by(conn, caller.as_ref()))
            .await?
    };
    let (records, audience) = loop {
        let caller = caller.clone();
        let co_administered = co_administered.clone();
        let (types, agreement_ids) = (types.clone(), agreement_ids.clone());
        // The audience is read again on every look: an agreement created meanwhile is the
        // administrator's at once.
        let (records, audience) = state
            .read(move |conn| {
                let audience = audience_of(conn, caller.as_ref(), &co_administered)?;
                let feed = ChangeQuery {
                    after,
                    limit,
                    types,
                    agreement_ids,
                    audience,
                };
                Ok((store::list(conn, &feed)?, feed.audience))
            })
            .await?;
        if !records.is_empty() || Instant::now() >= deadline {
            break (records, audience);
        }
        // The connection went back to the pool: a waiting follower holds none.
        actix_web::rt::time::sleep(POLL_INTERVAL.min(deadline - Instant::now())).await;
    };
    let last = records.last().map_or(after, |r| r.position);
    let items = records
        .into_iter()
        .map(|r| view(r, &audience))
        .collect::<ApiResult<Vec<_>>>()?;
    let cursor = crate::http::cursor_key(&req)?.seal(
        req.path(),
        &samverkan_persistence::page::encode_cursor(&[last.to_string()]),
    );
    let link = crate::http::next_link(&req, Some(&cursor));
    let page: Page<Change> = Page {
        items,
        next_cursor: Some(cursor),
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    response.insert_header((header::VARY, "Authorization"));
    if anonymous {
        // Public changes, readable by a browser app on any origin (never an authenticated
        // answer: it may hold an administrator's changes).
        response.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
        response.insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "Link"));
    }
    if let Some(link) = link {
        response.insert_header((header::LINK, link));
    }
    Ok(response.json(ChangeList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
