//! Connections, the pool, migrations and transactions over both backends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::StoreError;

pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// One connection type over both backends; every query in this crate is written once
/// against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Postgres,
    Sqlite,
}

/// A validated `DATABASE_URL`. The scheme picks the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A file path (or `:memory:`), without the `sqlite://` prefix.
    Sqlite(PathBuf),
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://samverkan.db";

impl DatabaseUrl {
    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://PATH` and a bare path ending in
    /// `.db`. A SQLite file whose directory does not exist is refused here, at start, rather
    /// than as a confusing error on the first request.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if url.ends_with(".db") && !url.contains("://") {
            url
        } else {
            return Err(format!(
                "DATABASE_URL: unsupported value {url:?}; use postgres://…, postgresql://…, sqlite://PATH or a path ending in .db"
            ));
        };
        if path.is_empty() {
            return Err(
                "DATABASE_URL: sqlite:// needs a file path, e.g. sqlite://samverkan.db".into(),
            );
        }
        if path == ":memory:" {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        let file = PathBuf::from(path);
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(format!(
                "DATABASE_URL: the directory {} of the SQLite file does not exist",
                dir.display()
            ));
        }
        Ok(Self::Sqlite(file))
    }

    pub fn backend(&self) -> BackendKind {
        match self {
            Self::Postgres(_) => BackendKind::Postgres,
            Self::Sqlite(_) => BackendKind::Sqlite,
        }
    }

    /// The URL diesel connects to (credentials included; never log this).
    fn connection_string(&self) -> String {
        match self {
            Self::Postgres(url) => url.clone(),
            Self::Sqlite(path) => path.display().to_string(),
        }
    }

    /// A description safe for logs: the backend and the file, never a password.
    pub fn describe(&self) -> String {
        match self {
            Self::Postgres(url) => {
                let host = url
                    .split_once('@')
                    .map(|(_, h)| h)
                    .or_else(|| url.split_once("://").map(|(_, h)| h))
                    .unwrap_or_default();
                format!(
                    "PostgreSQL at {}",
                    host.split('?').next().unwrap_or_default()
                )
            }
            Self::Sqlite(path) => format!("SQLite file {}", path.display()),
        }
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(p) => Some(p),
            Self::Postgres(_) => None,
        }
    }
}

/// SQLite pragmas for every pooled connection: WAL for concurrent readers, foreign keys on
/// (off by default in SQLite), and a busy timeout so writers queue instead of failing.
#[derive(Debug, Clone, Copy)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        let sql = match conn {
            DbConnection::Sqlite(_) => {
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            }
            DbConnection::Postgresql(_) => "SET TIME ZONE 'UTC'",
        };
        conn.batch_execute(sql)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        // Sized for a small machine: enough to keep two cores busy while some requests wait
        // on I/O, small enough that SQLite writers don't pile up.
        Self {
            max_size: 8,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

pub fn build_pool(url: &DatabaseUrl, options: &PoolOptions) -> Result<DbPool, StoreError> {
    let manager = ConnectionManager::<DbConnection>::new(url.connection_string());
    Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        .connection_timeout(options.connection_timeout)
        // A broken connection is noticed by diesel (`is_broken`); a `SELECT 1` before every
        // checkout would add a round trip to every request.
        .test_on_check_out(false)
        .connection_customizer(Box::new(ConnectionSetup))
        .build(manager)
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

pub fn get_conn(pool: &DbPool) -> Result<PooledConn, StoreError> {
    pool.get()
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

impl DbConnection {
    pub fn backend(&self) -> BackendKind {
        match self {
            Self::Postgresql(_) => BackendKind::Postgres,
            Self::Sqlite(_) => BackendKind::Sqlite,
        }
    }
}

fn migration_error(e: Box<dyn std::error::Error + Send + Sync>) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// Applies pending migrations; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(migration_error)?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Whether every embedded migration has been applied (for `/ready`).
pub fn has_pending_migrations(conn: &mut DbConnection) -> Result<bool, StoreError> {
    match conn {
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    }
    .map_err(migration_error)
}

#[derive(diesel::QueryableByName)]
struct ReadOnly {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    read_only: bool,
}

#[derive(diesel::QueryableByName)]
struct DatabaseFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// Whether the storage can take a write, found without writing and without waiting behind
/// writers: PostgreSQL neither in recovery (a standby) nor read-only
/// (`default_transaction_read_only`); SQLite's database file, and its WAL and shared-memory
/// files, open for writing (a read-only or immutable file, or a read-only file system, do
/// not) — a lock held by a writer is no answer here, so a busy database counts as writable.
/// A SQLite file system with less than `MIN_FREE_BYTES` available is full (`has_room`).
pub fn can_write(conn: &mut DbConnection) -> Result<bool, StoreError> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Postgresql(pg) => {
            let r: ReadOnly = diesel::sql_query(
                "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS read_only",
            )
            .get_result(pg)?;
            Ok(!r.read_only)
        }
        DbConnection::Sqlite(lite) => {
            let files: Vec<DatabaseFile> =
                diesel::sql_query("SELECT name, file FROM pragma_database_list").load(lite)?;
            let Some(main) = files.into_iter().find(|f| f.name == "main") else {
                return Ok(true);
            };
            if main.file.is_empty() {
                return Ok(true); // in memory
            }
            let writable = |path: &str| !Path::new(path).exists() || may_write(Path::new(path));
            Ok(writable(&main.file)
                && writable(&format!("{}-wal", main.file))
                && writable(&format!("{}-shm", main.file))
                && available_bytes(Path::new(&main.file)).is_none_or(has_room))
        }
    }
}

/// Whether this process may write `path` (`access(2)`: permissions, an immutable file, a
/// read-only file system), asked without opening it. Opening and closing a descriptor of a
/// file SQLite has open would release every POSIX lock this process holds on it — SQLite's
/// locks included ("How To Corrupt An SQLite Database File", §2.2) — and the next writers
/// fail with "disk I/O error" or worse.
#[cfg(unix)]
fn may_write(path: &Path) -> bool {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
}

#[cfg(not(unix))]
fn may_write(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
}

/// The least free space on SQLite's file system for the server to count as able to write:
/// below it a write can fail half-way ("database or disk is full"), and a checkpoint of the
/// WAL needs room too. Small on purpose: it warns of a full disk, it does not manage quotas.
pub const MIN_FREE_BYTES: u64 = 16 * 1024 * 1024;

/// Whether a file system with `available` bytes free (for an unprivileged writer) has room
/// for writes: at least `MIN_FREE_BYTES`.
pub fn has_room(available: u64) -> bool {
    available >= MIN_FREE_BYTES
}

/// Bytes available to an unprivileged writer on the file system holding `path`; `None` when
/// it cannot be found out (then the other checks decide, rather than a guess).
#[cfg(unix)]
fn available_bytes(path: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(path).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn available_bytes(_path: &Path) -> Option<u64> {
    None
}

/// The PostgreSQL channel every write transaction notifies on commit, so that other server
/// processes drop cached public responses.
pub const CHANGES_CHANNEL: &str = "samverkan_changes";

/// Runs `f` in a transaction that holds the write lock from its first statement.
///
/// SQLite: `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of both
/// reading and then one failing to upgrade its lock. PostgreSQL: a plain transaction; rows a
/// state change depends on are locked with `SELECT … FOR UPDATE` (see `lock_row`).
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn).and_then(|value| {
        if let DbConnection::Postgresql(pg) = conn {
            // Delivered to listeners only if the transaction commits.
            pg.batch_execute(&format!("NOTIFY {CHANGES_CHANNEL}"))?;
        }
        Ok(value)
    });
    match result {
        Ok(value) => {
            match <DbConnection as TransactionManager<DbConnection>>::commit_transaction(conn) {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ =
                        <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(
                            conn,
                        );
                    Err(e.into())
                }
            }
        }
        Err(e) => {
            <DbConnection as TransactionManager<DbConnection>>::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Locks one row for the rest of the transaction on PostgreSQL; on SQLite the immediate
/// transaction already serialises writers.
pub fn lock_row(
    conn: &mut DbConnection,
    table: LockableTable,
    id: &str,
) -> diesel::QueryResult<()> {
    use diesel::prelude::*;
    if let DbConnection::Postgresql(pg) = conn {
        let sql = format!("SELECT 1 FROM {} WHERE id = $1 FOR UPDATE", table.name());
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Like `lock_row`, but shared: many holders at once, none beside an exclusive lock.
pub fn lock_row_shared(
    conn: &mut DbConnection,
    table: LockableTable,
    id: &str,
) -> diesel::QueryResult<()> {
    use diesel::prelude::*;
    if let DbConnection::Postgresql(pg) = conn {
        let sql = format!("SELECT 1 FROM {} WHERE id = $1 FOR SHARE", table.name());
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Tables whose rows a state change locks (a closed set, so no SQL is built from input).
#[derive(Debug, Clone, Copy)]
pub enum LockableTable {
    Organizations,
    PublicBodies,
    Agreements,
    SteeringGroups,
    Accessions,
    DialogueEvents,
    Partnerships,
}

impl LockableTable {
    fn name(self) -> &'static str {
        match self {
            Self::Organizations => "organizations",
            Self::PublicBodies => "public_bodies",
            Self::Agreements => "agreements",
            Self::SteeringGroups => "steering_groups",
            Self::Accessions => "accessions",
            Self::DialogueEvents => "dialogue_events",
            Self::Partnerships => "partnerships",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_system_below_the_minimum_free_space_is_full() {
        assert!(!has_room(0));
        assert!(!has_room(MIN_FREE_BYTES - 1));
        assert!(has_room(MIN_FREE_BYTES));
        assert!(has_room(u64::MAX));
    }

    #[cfg(unix)]
    #[test]
    fn the_free_space_of_a_real_file_system_is_found() {
        let dir = std::env::temp_dir();
        assert!(available_bytes(&dir).is_some());
        assert!(available_bytes(Path::new("/no/such/directory/samverkan")).is_none());
    }

    #[test]
    fn database_urls() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db").unwrap().backend(),
            BackendKind::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            BackendKind::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://samverkan.db").unwrap(),
            DatabaseUrl::Sqlite("samverkan.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("x.db").unwrap(),
            DatabaseUrl::Sqlite("x.db".into())
        );
        let err = DatabaseUrl::parse("mysql://h/db").unwrap_err();
        assert!(err.starts_with("DATABASE_URL:"), "{err}");
        let err = DatabaseUrl::parse("sqlite:///no/such/dir/x.db").unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn describe_hides_password() {
        let d = DatabaseUrl::parse("postgres://user:secret@db:5432/samverkan?sslmode=disable")
            .unwrap()
            .describe();
        assert!(!d.contains("secret"), "{d}");
        assert_eq!(d, "PostgreSQL at db:5432/samverkan");
    }
}
