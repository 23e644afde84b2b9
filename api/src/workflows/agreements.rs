//! Loading an agreement for a caller.

use samverkan_domain::access::Principal;
use samverkan_domain::agreement::{self, Agreement};
use samverkan_persistence::agreements::{self as store, AgreementRecord};
use samverkan_persistence::db::DbConnection;
use uuid::Uuid;

use crate::problem::{ApiError, ApiResult};

/// Loads an agreement the caller may see; not found otherwise (drafts are not announced).
pub fn load_visible(
    conn: &mut DbConnection,
    id: Uuid,
    caller: Option<&Principal>,
) -> ApiResult<AgreementRecord> {
    let record = store::get_agreement(conn, id)?;
    if !agreement::may_view(caller, &record.agreement) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

/// The agreement itself, if the caller may see it.
/// The agreements a caller co-administers for the civil-society party
/// (`agreement::co_administers`): none unless it represents an organisation.
pub fn co_administered_by(
    conn: &mut DbConnection,
    principal: &Principal,
) -> ApiResult<Vec<AgreementRecord>> {
    if !principal.has(samverkan_domain::access::Role::OrganizationRep)
        || principal.organization_ids.is_empty()
    {
        return Ok(Vec::new());
    }
    Ok(
        store::administered_agreements(conn, agreement::Administered::All)?
            .into_iter()
            .filter(|r| agreement::co_administers(principal, &r.agreement))
            .collect(),
    )
}

pub fn visible_agreement(
    conn: &mut DbConnection,
    id: Uuid,
    caller: Option<&Principal>,
) -> ApiResult<Agreement> {
    Ok(load_visible(conn, id, caller)?.agreement)
}
