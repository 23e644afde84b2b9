//! The server's named secrets in `server_keys` (the table the cursor key lives in): read one,
//! or make it once. Shared by every process on the same database, so a key made by one
//! (`serve --demo`) is the key of the next (`samverkan token`).

use diesel::prelude::*;

use crate::schema::server_keys::dsl as k;
use crate::{DbConnection, StoreResult};

/// The secret named `name`, if the database holds one.
pub fn read_key(conn: &mut DbConnection, name: &str) -> StoreResult<Option<String>> {
    Ok(k::server_keys
        .filter(k::name.eq(name))
        .select(k::secret)
        .first(conn)
        .optional()?)
}

/// The secret named `name`: the stored one, or `candidate` stored now when there is none.
/// Run it in a write transaction: on SQLite that serialises it; on PostgreSQL a second
/// process storing the same name at the same moment fails on the primary key rather than
/// overwriting the first one's key.
pub fn ensure_key(conn: &mut DbConnection, name: &str, candidate: &str) -> StoreResult<String> {
    if let Some(secret) = read_key(conn, name)? {
        return Ok(secret);
    }
    diesel::insert_into(k::server_keys)
        .values((k::name.eq(name), k::secret.eq(candidate)))
        .execute(conn)?;
    Ok(candidate.to_owned())
}
