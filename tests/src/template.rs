//! One migrated database per build, copied for every test.
//!
//! Migrating and loading the 311 reference public bodies takes about a second on PostgreSQL;
//! copying a prepared database takes a few milliseconds. So the first test of a run
//! prepares a template and every test gets a fresh copy of it: SQLite a copied file,
//! PostgreSQL `CREATE DATABASE … TEMPLATE …`.
//!
//! A template is named after `SAMVERKAN_TEST_TEMPLATE_KEY`, the build script's fingerprint
//! of the migrations, the reference data and the code that writes them, so it is shared by
//! every test binary of a build (and by later runs while that code is unchanged), and a
//! change to any of them prepares a new one. Templates of other fingerprints are removed
//! once they are an hour old; a test whose template vanished under it prepares it again.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use samverkan_api::setup::prepare_database;
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{DatabaseUrl, PoolOptions, build_pool, get_conn};
use uuid::Uuid;

use crate::with_database;

const KEY: &str = env!("SAMVERKAN_TEST_TEMPLATE_KEY");
/// Templates of another fingerprint (older code, another worktree) are removed after this:
/// every edit of the code makes a new one, and a run that still needs an old one simply
/// prepares it again.
const STALE_TEMPLATE: Duration = Duration::from_secs(3600);
/// A template build that has not been renamed into place by then was abandoned.
const STALE_BUILD: Duration = Duration::from_secs(3600);
/// Serialises template builds across processes sharing a PostgreSQL server.
const BUILD_LOCK: i64 = 0x5341_4d56_4b54_504c;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Migrates `url` and loads the reference data, exactly as a server's first start does.
fn prepare(url: &DatabaseUrl) -> DbPool {
    let pool = build_pool(
        url,
        &PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )
    .expect("pool for the template");
    prepare_database(&pool).expect("migrate the template");
    pool
}

// ---------------------------------------------------------------- SQLite

static SQLITE_TEMPLATE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Writes a fresh copy of the prepared SQLite database to `target`.
pub(crate) fn copy_sqlite(target: &Path) {
    let template = {
        let mut cached = SQLITE_TEMPLATE
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match cached.as_ref() {
            Some(path) if path.is_file() => path.clone(),
            _ => cached.insert(sqlite_template()).clone(),
        }
    };
    std::fs::copy(&template, target).unwrap_or_else(|e| {
        panic!(
            "copy the SQLite template {} to {}: {e}",
            template.display(),
            target.display()
        )
    });
}

fn sqlite_template() -> PathBuf {
    let dir = std::env::temp_dir().join("samverkan-test-templates");
    std::fs::create_dir_all(&dir).expect("template directory");
    let path = dir.join(format!("{KEY}.db"));
    if path.is_file() {
        // Marks it as in use, so that another worktree does not remove it as stale.
        let _ = std::fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
        return path;
    }
    remove_stale_sqlite(&dir);
    let work = dir.join(format!("{KEY}.{}.build", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&work).expect("template build directory");
    let built = work.join("template.db");
    {
        let pool = prepare(&DatabaseUrl::Sqlite(work.join("prepare.db")));
        // A consistent, self-contained copy: nothing left behind in a -wal file.
        let target = built.display().to_string().replace('\'', "''");
        get_conn(&pool)
            .expect("connection")
            .batch_execute(&format!("VACUUM INTO '{target}'"))
            .expect("VACUUM INTO the template");
    }
    // Atomic: a process racing us renames an equivalent file over ours, never half a file.
    std::fs::rename(&built, &path).expect("move the template into place");
    let _ = std::fs::remove_dir_all(&work);
    path
}

fn remove_stale_sqlite(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .unwrap_or_default();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "build") && age > STALE_BUILD {
            let _ = std::fs::remove_dir_all(&path);
        } else if path.extension().is_some_and(|e| e == "db") && age > STALE_TEMPLATE {
            let _ = std::fs::remove_file(&path);
        }
    }
}

// ---------------------------------------------------------------- PostgreSQL

static POSTGRES_TEMPLATE: Mutex<Option<String>> = Mutex::new(None);

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Creates the database `name` as a copy of the prepared template. `admin` is a connection
/// to another database of the same server (`admin_url`).
pub(crate) fn create_postgres(admin: &mut PgConnection, admin_url: &str, name: &str) {
    let mut template = postgres_template(admin, admin_url, false);
    for attempt in 0..2 {
        // Concurrent copies of one template are fine: no session ever connects to it
        // (connections to it are disallowed), which is what CREATE DATABASE requires.
        match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(admin)
        {
            Ok(_) => return,
            // Removed as stale by a run of other code: prepare it again, once.
            Err(e) if attempt == 0 && e.to_string().contains("does not exist") => {
                template = postgres_template(admin, admin_url, true);
            }
            Err(e) => panic!("create the test database {name} from {template}: {e}"),
        }
    }
}

fn postgres_template(admin: &mut PgConnection, admin_url: &str, rebuild: bool) -> String {
    let mut cached = POSTGRES_TEMPLATE
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(name) = cached.as_ref().filter(|_| !rebuild) {
        return name.clone();
    }
    // A session-level lock: released when the connection closes, even if we panic.
    admin
        .batch_execute(&format!("SELECT pg_advisory_lock({BUILD_LOCK})"))
        .expect("template lock");
    let name = find_or_build_postgres(admin, admin_url);
    admin
        .batch_execute(&format!("SELECT pg_advisory_unlock({BUILD_LOCK})"))
        .expect("template unlock");
    cached.insert(name).clone()
}

fn find_or_build_postgres(admin: &mut PgConnection, admin_url: &str) -> String {
    let ours = format!("samverkan_tpl_{KEY}_");
    let existing: Vec<String> = diesel::sql_query(
        "SELECT datname::text AS name FROM pg_database WHERE datname LIKE 'samverkan\\_tpl%'",
    )
    .load::<Name>(admin)
    .expect("list templates")
    .into_iter()
    .map(|n| n.name)
    .collect();
    if let Some(found) = existing.iter().find(|n| n.starts_with(&ours)) {
        return found.clone();
    }
    let now = now_secs();
    for other in &existing {
        let built = other
            .rsplit('_')
            .next()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        let age = Duration::from_secs(now.saturating_sub(built));
        let stale = if other.starts_with("samverkan_tplbuild_") {
            age > STALE_BUILD
        } else {
            age > STALE_TEMPLATE
        };
        if stale {
            // Best effort: another run may be copying it right now, then it stays.
            let _ = admin
                .batch_execute(&format!("ALTER DATABASE {other} WITH IS_TEMPLATE false"))
                .and_then(|()| admin.batch_execute(&format!("DROP DATABASE IF EXISTS {other}")));
        }
    }
    // Built under a temporary name and renamed when complete, so that a crash mid-build
    // never leaves a half-prepared database under the template's name.
    let building = format!("samverkan_tplbuild_{}_{now}", Uuid::new_v4().simple());
    diesel::sql_query(format!("CREATE DATABASE {building}"))
        .execute(admin)
        .expect("create the template database");
    drop(prepare(&DatabaseUrl::Postgres(with_database(
        admin_url, &building,
    ))));
    let template = format!("{ours}{now}");
    // Renaming needs the pool's sessions gone; PostgreSQL waits a few seconds for them.
    admin
        .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
        .and_then(|()| {
            admin.batch_execute(&format!(
                "ALTER DATABASE {template} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
            ))
        })
        .expect("turn the prepared database into the template");
    template
}
