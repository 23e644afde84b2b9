//! Getting a database ready: migrations, reference data, demo data. Shared by the CLI and
//! the end-to-end tests, so both start from the same state.

use chrono::{DateTime, Utc};
use samverkan_persistence::DbPool;
use samverkan_persistence::accessions::rebuild_signatory_terms;
use samverkan_persistence::db::{get_conn, run_migrations, write_transaction};
use samverkan_persistence::parties::ensure_public_bodies;

use crate::workflows::accessions::end_unconfirmed;
use crate::workflows::applications::expire_unverified;
use crate::{demo, reference};

/// The migration that adds the projection of the public list: the accessions stored before
/// it are projected once it has run (by the domain's merge, not in SQL).
const SIGNATORY_TERMS_MIGRATION: &str = "2026-11-23-000006";

/// Applies pending migrations, fills what a migration added, and adds missing reference
/// public bodies.
pub fn prepare_database(pool: &DbPool) -> Result<(), String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
    for version in &applied {
        log::info!("applied migration {version}");
    }
    if applied
        .iter()
        .any(|v| v.starts_with(SIGNATORY_TERMS_MIGRATION))
    {
        let terms =
            write_transaction(&mut conn, rebuild_signatory_terms).map_err(|e| e.to_string())?;
        log::info!("projected {terms} signatory terms");
    }
    let bodies = reference::public_bodies()?;
    let added = write_transaction(&mut conn, |conn| {
        ensure_public_bodies(conn, &bodies, chrono::Utc::now(), uuid::Uuid::now_v7)
    })
    .map_err(|e| e.to_string())?;
    if added > 0 {
        log::info!("added {added} reference public bodies");
    }
    Ok(())
}

/// Loads the demo data into an empty database; returns whether it did.
pub fn seed_demo(pool: &DbPool) -> Result<bool, String> {
    seed_demo_at(pool, chrono::Utc::now())
}

/// [`seed_demo`] as on `now` (a test's clock): the demo's upcoming revision is dated from it.
pub fn seed_demo_at(pool: &DbPool, now: DateTime<Utc>) -> Result<bool, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, |conn| demo::load_if_empty(conn, now)).map_err(|e| e.to_string())
}

/// Ends the accessions whose reconfirmation deadline had passed at `now`
/// (`not_reconfirmed`) and cancels the applications made without an account that were not
/// verified in time; the server runs it at start and every hour. Returns how many changed.
pub fn sweep_reconfirmations(pool: &DbPool, now: DateTime<Utc>) -> Result<usize, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, |conn| {
        Ok::<_, crate::problem::ApiError>(
            end_unconfirmed(conn, now)? + expire_unverified(conn, now)?,
        )
    })
    .map_err(|e| e.to_string())
}

/// The name of the demo's signing key in `server_keys`.
pub const DEMO_JWT_KEY: &str = "demo_jwt";

/// The HS256 secret `serve --demo` signs with when no key is configured: kept in the demo
/// database itself (made on first use), so that `samverkan token` against the same
/// `DATABASE_URL` mints tokens this server accepts, and they survive a restart.
pub fn demo_jwt_secret(pool: &DbPool) -> Result<Vec<u8>, String> {
    let candidate = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, |conn| {
        samverkan_persistence::keys::ensure_key(conn, DEMO_JWT_KEY, &candidate)
    })
    .map(String::into_bytes)
    .map_err(|e| format!("cannot store the demo's signing key: {e}"))
}

/// The demo's signing key, if `serve --demo` made one in this database (never makes one).
pub fn stored_demo_jwt_secret(pool: &DbPool) -> Result<Option<Vec<u8>>, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    samverkan_persistence::keys::read_key(&mut conn, DEMO_JWT_KEY)
        .map(|key| key.map(String::into_bytes))
        .map_err(|e| e.to_string())
}

/// The demo's identities with this database's ids (`demo::identities`).
pub fn demo_identities(pool: &DbPool) -> Result<Vec<demo::DemoIdentity>, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    demo::identities(&mut conn).map_err(|e| e.to_string())
}

/// The ids a token would name that the database does not hold: `--public-body` and each
/// `--organization`, as messages for the command line.
pub fn unknown_token_ids(
    pool: &DbPool,
    public_body: Option<uuid::Uuid>,
    organizations: &[uuid::Uuid],
) -> Result<Vec<String>, String> {
    use samverkan_persistence::parties::{organization_exists, public_body_exists};
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    let mut unknown = Vec::new();
    if let Some(id) = public_body
        && !public_body_exists(&mut conn, id).map_err(|e| e.to_string())?
    {
        unknown.push(format!(
            "--public-body {id}: no public body with this id (GET /api/v1/public-bodies lists them)"
        ));
    }
    for &id in organizations {
        if !organization_exists(&mut conn, id).map_err(|e| e.to_string())? {
            unknown.push(format!(
                "--organization {id}: no organisation with this id (GET /api/v1/organizations lists them)"
            ));
        }
    }
    Ok(unknown)
}
