//! Getting a database ready: migrations, reference data, demo data. Shared by the CLI and
//! the end-to-end tests, so both start from the same state.

use samverkan_persistence::DbPool;
use samverkan_persistence::db::{get_conn, run_migrations, write_transaction};
use samverkan_persistence::parties::ensure_public_bodies;

use crate::{demo, reference};

/// Applies pending migrations and adds missing reference public bodies.
pub fn prepare_database(pool: &DbPool) -> Result<(), String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    let applied = run_migrations(&mut conn).map_err(|e| e.to_string())?;
    for version in &applied {
        log::info!("applied migration {version}");
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
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, demo::load_if_empty).map_err(|e| e.to_string())
}

/// Ends the accessions whose reconfirmation deadline has passed (`not_reconfirmed`); the
/// server runs it at start and every hour. Returns how many ended.
pub fn sweep_reconfirmations(pool: &DbPool) -> Result<usize, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    write_transaction(&mut conn, crate::routes::accessions::end_unconfirmed)
        .map_err(|e| e.to_string())
}
