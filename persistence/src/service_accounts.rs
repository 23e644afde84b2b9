//! Service accounts: the domain's `ServiceAccount` as a row, with the hash of its current
//! secret. The secret itself is never stored.
//!
//! Functions that write expect to run inside the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use samverkan_domain::access::Role;
use samverkan_domain::service_account::ServiceAccount;

use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::service_accounts as sa;
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Queryable, Selectable)]
#[diesel(table_name = sa)]
struct AccountRow {
    client_id: String,
    name: String,
    roles: String,
    public_body_id: Option<String>,
    organization_ids: String,
    secret_hash: String,
    created_at: NaiveDateTime,
    created_by: String,
    secret_rotated_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
}

/// A stored account and the hash of its current secret.
pub struct StoredAccount {
    pub account: ServiceAccount,
    pub secret_hash: String,
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').filter(|s| !s.is_empty())
}

impl AccountRow {
    fn into_stored(self) -> StoreResult<StoredAccount> {
        let roles = list(&self.roles)
            .map(|r| Role::parse(r).ok_or_else(|| corrupt("service_accounts.roles")))
            .collect::<StoreResult<_>>()?;
        let organization_ids = list(&self.organization_ids)
            .map(parse_uuid)
            .collect::<StoreResult<_>>()?;
        Ok(StoredAccount {
            account: ServiceAccount::restore(
                parse_uuid(&self.client_id)?,
                self.name,
                roles,
                self.public_body_id.as_deref().map(parse_uuid).transpose()?,
                organization_ids,
                to_utc(self.created_at),
                self.created_by,
                to_utc(self.secret_rotated_at),
                self.revoked_at.map(to_utc),
            ),
            secret_hash: self.secret_hash,
        })
    }
}

fn joined<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Stores a new account under the hash of its first secret.
pub fn insert_account(
    conn: &mut DbConnection,
    account: &ServiceAccount,
    secret_hash: &str,
) -> StoreResult<()> {
    diesel::insert_into(sa::table)
        .values((
            sa::client_id.eq(account.client_id().to_string()),
            sa::name.eq(account.name()),
            sa::roles.eq(joined(account.roles().iter().map(|r| r.as_str()))),
            sa::public_body_id.eq(account.public_body_id().map(|id| id.to_string())),
            sa::organization_ids.eq(joined(account.organization_ids())),
            sa::secret_hash.eq(secret_hash),
            sa::created_at.eq(to_db_time(account.created_at())),
            sa::created_by.eq(account.created_by()),
            sa::secret_rotated_at.eq(to_db_time(account.secret_rotated_at())),
            sa::revoked_at.eq(account.revoked_at().map(to_db_time)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account `client_id`, revoked or not (`NotFound` without one).
pub fn get_account(conn: &mut DbConnection, client_id: Uuid) -> StoreResult<StoredAccount> {
    find_account(conn, client_id)?.ok_or(StoreError::NotFound)
}

/// The account `client_id`, if there is one.
pub fn find_account(
    conn: &mut DbConnection,
    client_id: Uuid,
) -> StoreResult<Option<StoredAccount>> {
    sa::table
        .find(client_id.to_string())
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?
        .map(AccountRow::into_stored)
        .transpose()
}

/// Every account, oldest first (client ids are UUID v7).
pub fn all_accounts(conn: &mut DbConnection) -> StoreResult<Vec<ServiceAccount>> {
    sa::table
        .order(sa::client_id)
        .select(AccountRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| row.into_stored().map(|s| s.account))
        .collect()
}

/// Writes a rotation or revocation the domain decided; `secret_hash` replaces the stored
/// one when given. Both act on an account that is not revoked, so the row is written only
/// while it still is not: a rotation racing a revocation on PostgreSQL (read without a lock)
/// can then never write `revoked_at` back to null; the loser gets `service_account_revoked`.
pub fn save_account(
    conn: &mut DbConnection,
    account: &ServiceAccount,
    secret_hash: Option<&str>,
) -> StoreResult<()> {
    let still_active = sa::table
        .filter(sa::client_id.eq(account.client_id().to_string()))
        .filter(sa::revoked_at.is_null());
    let written = match secret_hash {
        Some(hash) => diesel::update(still_active)
            .set((
                sa::secret_rotated_at.eq(to_db_time(account.secret_rotated_at())),
                sa::revoked_at.eq(account.revoked_at().map(to_db_time)),
                sa::secret_hash.eq(hash),
            ))
            .execute(conn)?,
        None => diesel::update(still_active)
            .set((
                sa::secret_rotated_at.eq(to_db_time(account.secret_rotated_at())),
                sa::revoked_at.eq(account.revoked_at().map(to_db_time)),
            ))
            .execute(conn)?,
    };
    if written == 0 {
        return Err(samverkan_domain::error::DomainError::from(
            samverkan_domain::service_account::ServiceAccountRule::Revoked,
        )
        .into());
    }
    Ok(())
}
