//! Capability links (a link instead of a login): the domain's `CapabilityLink` as a row,
//! found by the hash of its token. The token itself is never stored.
//!
//! Functions that write expect to run inside the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use samverkan_domain::capability::{CapabilityLink, CapabilityScope, RevocationReason};
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::capability_links;
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Queryable, Selectable)]
#[diesel(table_name = capability_links)]
struct LinkRow {
    id: String,
    organization_id: String,
    agreement_id: String,
    issued_to: String,
    issued_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    revocation_reason: Option<String>,
}

impl LinkRow {
    fn into_link(self) -> StoreResult<CapabilityLink> {
        let revoked = match (self.revoked_at, self.revocation_reason) {
            (Some(at), Some(reason)) => Some((
                to_utc(at),
                RevocationReason::parse(&reason)
                    .ok_or_else(|| corrupt("capability_links.revocation_reason"))?,
            )),
            _ => None,
        };
        Ok(CapabilityLink::restore(
            parse_uuid(&self.id)?,
            CapabilityScope {
                organization_id: parse_uuid(&self.organization_id)?,
                agreement_id: parse_uuid(&self.agreement_id)?,
            },
            self.issued_to,
            to_utc(self.issued_at),
            revoked,
        ))
    }
}

/// Stores a new link under the hash of its token.
pub fn insert_link(
    conn: &mut DbConnection,
    link: &CapabilityLink,
    token_hash: &str,
) -> StoreResult<()> {
    let scope = link.scope();
    diesel::insert_into(capability_links::table)
        .values((
            capability_links::id.eq(link.id().to_string()),
            capability_links::token_hash.eq(token_hash),
            capability_links::organization_id.eq(scope.organization_id.to_string()),
            capability_links::agreement_id.eq(scope.agreement_id.to_string()),
            capability_links::issued_to.eq(link.issued_to()),
            capability_links::issued_at.eq(to_db_time(link.issued_at())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The link whose token hashes to `token_hash`, revoked or not.
pub fn link_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> StoreResult<Option<CapabilityLink>> {
    capability_links::table
        .filter(capability_links::token_hash.eq(token_hash))
        .select(LinkRow::as_select())
        .first(conn)
        .optional()?
        .map(LinkRow::into_link)
        .transpose()
}

/// The links of a scope that still work.
pub fn active_links(
    conn: &mut DbConnection,
    scope: CapabilityScope,
) -> StoreResult<Vec<CapabilityLink>> {
    capability_links::table
        .filter(capability_links::organization_id.eq(scope.organization_id.to_string()))
        .filter(capability_links::agreement_id.eq(scope.agreement_id.to_string()))
        .filter(capability_links::revoked_at.is_null())
        .order(capability_links::id)
        .select(LinkRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LinkRow::into_link)
        .collect()
}

/// Writes a link's revocation (the domain's `CapabilityLink::revoke` decided it).
pub fn save_revocation(conn: &mut DbConnection, link: &CapabilityLink) -> StoreResult<()> {
    let (at, reason) = match link.revoked() {
        Some((at, reason)) => (Some(to_db_time(at)), Some(reason.as_str())),
        None => (None, None),
    };
    diesel::update(capability_links::table.find(link.id().to_string()))
        .set((
            capability_links::revoked_at.eq(at),
            capability_links::revocation_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// The id of a link, for logs and history entries (`link:<id>`): never the token.
pub fn actor_of(id: Uuid) -> String {
    format!("link:{id}")
}
