//! Getting a database ready: migrations, reference data, demo data. Shared by the CLI and
//! the end-to-end tests, so both start from the same state.

use chrono::{DateTime, Utc};
use samverkan_persistence::DbPool;
use samverkan_persistence::accessions::rebuild_signatory_terms;
use samverkan_persistence::db::{get_conn, run_migrations, write_transaction};
use samverkan_persistence::parties::ensure_public_bodies;

use crate::workflows::accessions::end_unconfirmed;
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
/// (`not_reconfirmed`); the server runs it at start and every hour. Returns how many ended.
pub fn sweep_reconfirmations(pool: &DbPool, now: DateTime<Utc>) -> Result<usize, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, |conn| end_unconfirmed(conn, now)).map_err(|e| e.to_string())
}
