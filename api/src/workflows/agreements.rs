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
pub fn visible_agreement(
    conn: &mut DbConnection,
    id: Uuid,
    caller: Option<&Principal>,
) -> ApiResult<Agreement> {
    Ok(load_visible(conn, id, caller)?.agreement)
}
