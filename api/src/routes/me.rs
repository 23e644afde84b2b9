//! `GET /me`: who the token says the caller is, with the names and the things it acts on,
//! so that a new user learns at once which roles and ids a token carries.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web::Data};
use chrono::{DateTime, Utc};
use samverkan_domain::access::{Principal, Role};
use samverkan_domain::accession::AccessionState;
use samverkan_domain::agreement::{Administered, administered_by};
use samverkan_domain::steering::{Seat, Side};
use samverkan_persistence::{agreements, parties, steering};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::extract::{Caller, TokenExpiry};
use crate::problem::{ApiError, ApiResult, Unauthenticated};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me);
}

/// A party the token acts for, with its registered name.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedParty {
    pub id: Uuid,
    pub name: String,
}

/// An agreement the caller runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunAgreement {
    pub id: Uuid,
    pub title: String,
}

/// A seat the caller holds today.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldSeat {
    /// The steering group.
    pub group_id: Uuid,
    pub group_name: String,
    pub agreement_id: Uuid,
    pub side: Side,
    pub seat: Seat,
}

/// An open accession of an organisation the caller acts for.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnAccession {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub organization_id: Uuid,
    /// `submitted` or `approved`.
    pub state: AccessionState,
}

/// The caller as its token describes it, and what that lets it act on today.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The token's subject: recorded as "who" in every history entry.
    pub sub: String,
    /// The token's `name`, if any.
    pub name: Option<String>,
    /// The roles this server knows (others in the token are ignored).
    pub roles: Vec<Role>,
    /// The public body an `agreement_admin` acts for; `null` without one, or when the
    /// token names a body that is not in the register (it then acts for none).
    pub public_body: Option<NamedParty>,
    /// The token's `public_body_id` as sent, also when it is not in the register.
    pub public_body_id: Option<Uuid>,
    /// The organisations an `organization_rep` acts for that are in the register, by name.
    pub organizations: Vec<NamedParty>,
    /// The token's `organization_ids` that are not in the register.
    pub unknown_organization_ids: Vec<Uuid>,
    /// `platform_admin`: administers every agreement (they are not listed in
    /// `administers`).
    pub administers_all: bool,
    /// The agreements an `agreement_admin` administers (its body owns them).
    pub administers: Vec<RunAgreement>,
    /// The agreements an `organization_rep` co-administers (its organisation acts for the
    /// civil-society party).
    pub co_administers: Vec<RunAgreement>,
    /// The open (submitted or approved) accessions of the organisations in
    /// `organizations`: what a representative changes the contact person of, withdraws or
    /// cancels.
    pub accessions: Vec<OwnAccession>,
    /// The steering-group seats the caller (`sub`, as a member's `person_ref`) holds today.
    pub seats: Vec<HeldSeat>,
    /// When the token expires (UTC).
    pub token_expires_at: DateTime<Utc>,
}

/// Who am I.
///
/// The first call to make with a token: its subject and roles, the public body and
/// organisations it acts for (with names, and the ids the register lacks), the agreements
/// it administers or co-administers, the open accessions of its organisations, the
/// steering-group seats it holds today and when it expires. Any valid token; 401 without
/// one. Never cached (`no-store`).
#[utoipa::path(
    tag = "system", operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = Me),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
async fn me(
    req: HttpRequest,
    state: Data<AppState>,
    // Not `Authenticated`: that forgets a `public_body_id` the register lacks, which the
    // caller is told here.
    Caller(caller): Caller,
) -> ApiResult<HttpResponse> {
    let principal = caller.ok_or(ApiError::Unauthorized(Unauthenticated::TokenRequired))?;
    let exp = req
        .extensions()
        .get::<TokenExpiry>()
        .map(|e| e.0)
        .ok_or_else(|| ApiError::Internal("token expiry missing".into()))?;
    let token_expires_at = i64::try_from(exp)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let today = state.today();
    let me = state
        .read(move |conn| {
            let public_body = match principal.public_body_id {
                Some(id) => parties::public_bodies_by_ids(conn, &[id])?
                    .pop()
                    .map(|body| NamedParty {
                        id,
                        name: body.fields.name,
                    }),
                None => None,
            };
            let wanted: Vec<Uuid> = principal.organization_ids.iter().copied().collect();
            let mut organizations: Vec<NamedParty> = parties::organizations_by_ids(conn, &wanted)?
                .into_iter()
                .map(|o| NamedParty {
                    id: o.id,
                    name: o.fields.name,
                })
                .collect();
            organizations.sort_by_key(|o| o.id);
            let unknown_organization_ids = wanted
                .into_iter()
                .filter(|id| !organizations.iter().any(|o| o.id == *id))
                .collect();
            // A body that is not registered administers nothing (as `Authenticated` says).
            let acting = principal
                .clone()
                .with_registered_body(public_body.is_some());
            let scope = administered_by(&acting);
            let run = |r: &agreements::AgreementRecord| RunAgreement {
                id: r.agreement.id(),
                title: agreements::title_of(&r.agreement),
            };
            let administers = match scope {
                Some(owned @ Administered::OwnedBy(_)) => {
                    agreements::administered_agreements(conn, owned)?
                        .iter()
                        .map(run)
                        .collect()
                }
                _ => Vec::new(),
            };
            let co_administers =
                crate::workflows::agreements::co_administered_by(conn, &principal)?
                    .iter()
                    .map(run)
                    .collect();
            let accessions = if principal.has(Role::OrganizationRep) {
                let ids: Vec<Uuid> = organizations.iter().map(|o| o.id).collect();
                samverkan_persistence::accessions::open_accessions_of(conn, &ids)?
                    .into_iter()
                    .map(|a| OwnAccession {
                        id: a.id,
                        agreement_id: a.agreement_id,
                        organization_id: a.organization_id,
                        state: a.state,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let seats = seats_of(conn, &principal, today)?;
            Ok(Me {
                sub: principal.sub.clone(),
                name: principal.name.clone(),
                roles: principal.roles.iter().copied().collect(),
                public_body,
                public_body_id: principal.public_body_id,
                organizations,
                unknown_organization_ids,
                administers_all: principal.is_platform_admin(),
                administers,
                co_administers,
                accessions,
                seats,
                token_expires_at,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(me))
}

/// The seats held on `today` by the account `sub`, whatever the token's roles (a
/// `steering_member` needs one to act, and a caller without the role learns it has one).
fn seats_of(
    conn: &mut samverkan_persistence::DbConnection,
    principal: &Principal,
    today: chrono::NaiveDate,
) -> ApiResult<Vec<HeldSeat>> {
    let mut seats = Vec::new();
    for record in steering::groups_with_member(conn, &principal.sub)? {
        let group = &record.group;
        for m in group
            .in_office(today)
            .filter(|m| m.person_ref() == Some(principal.sub.as_str()))
        {
            seats.push(HeldSeat {
                group_id: group.id(),
                group_name: group.config().name().to_owned(),
                agreement_id: group.agreement_id(),
                side: m.side(),
                seat: m.seat(),
            });
        }
    }
    Ok(seats)
}
