//! `samverkan export` and `samverkan import` (issue 24): the whole database as one portable
//! archive, restorable into an empty database of either backend.
//!
//! The archive is a ZIP file:
//! - `manifest.json` — the format, the schema version (the last migration applied) and the
//!   full list of applied migrations, the backend it came from, when it was written, and per
//!   table its file, row count and SHA-256;
//! - `tables/<table>.jsonl` — one JSON object per row, in primary-key order, in the portable
//!   form of `samverkan_persistence::backup` (the same from SQLite and PostgreSQL).
//!
//! The export reads one snapshot (`backup::read_snapshot`), so it is consistent while the
//! server keeps writing. The import migrates the target, refuses unless it has exactly the
//! archive's migrations and holds no data, and inserts every row in one write transaction:
//! the restore is whole or not at all.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use samverkan_persistence::DbPool;
use samverkan_persistence::backup::{self, REPLACED_ON_RESTORE, TABLES};
use samverkan_persistence::db::{BackendKind, get_conn, run_migrations, write_transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The `format` of every archive's manifest.
pub const FORMAT: &str = "samverkan-backup";
/// The version of the archive's layout (not of the schema): a reader refuses others.
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
/// Rows read per query while exporting.
const EXPORT_BATCH: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The `samverkan` that wrote the archive.
    pub samverkan_version: String,
    /// The last migration applied to the exported database.
    pub schema_version: String,
    /// Every migration applied, oldest first: a restore needs exactly these.
    pub migrations: Vec<String>,
    /// `sqlite` or `postgres`.
    pub source_backend: String,
    pub exported_at: DateTime<Utc>,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    pub rows: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn backend_name(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Postgres => "postgres",
        BackendKind::Sqlite => "sqlite",
    }
}

/// Writes the archive of the database of `pool` to `path` (created; an existing file is
/// refused, so a backup is never overwritten by accident). Returns its manifest.
pub fn export(pool: &DbPool, path: &Path, now: DateTime<Utc>) -> Result<Manifest, String> {
    let file = File::options()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let result = export_to(pool, BufWriter::new(file), now);
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

fn export_to<W: Write + Seek>(
    pool: &DbPool,
    out: W,
    now: DateTime<Utc>,
) -> Result<Manifest, String> {
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    let source_backend = backend_name(conn.backend()).to_owned();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let mut zip = ZipWriter::new(out);
    let (migrations, tables) = backup::read_snapshot(&mut conn, |conn| {
        let migrations = backup::applied_migrations(conn)?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for &table in TABLES {
            let file = format!("tables/{table}.jsonl");
            zip.start_file(file.as_str(), options)
                .map_err(|e| samverkan_persistence::StoreError::Internal(e.to_string()))?;
            let mut hash = Sha256::new();
            let rows = backup::export_table(conn, table, EXPORT_BATCH, &mut |line| {
                hash.update(line.as_bytes());
                hash.update(b"\n");
                zip.write_all(line.as_bytes())?;
                zip.write_all(b"\n")
            })?;
            tables.push(TableEntry {
                name: table.to_owned(),
                file,
                rows,
                sha256: hex(&hash.finalize()),
            });
        }
        Ok((migrations, tables))
    })
    .map_err(|e| format!("cannot read the database: {e}"))?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        samverkan_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: migrations.last().cloned().unwrap_or_default(),
        migrations,
        source_backend,
        exported_at: now,
        tables,
    };
    zip.start_file(MANIFEST, options)
        .map_err(|e| e.to_string())?;
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    zip.write_all(&text).map_err(|e| e.to_string())?;
    zip.finish()
        .map_err(|e| e.to_string())?
        .flush()
        .map_err(|e| e.to_string())?;
    Ok(manifest)
}

/// Reads the manifest of the archive at `path` and checks its format.
pub fn read_manifest<R: Read + Seek>(archive: &mut ZipArchive<R>) -> Result<Manifest, String> {
    let entry = archive
        .by_name(MANIFEST)
        .map_err(|_| format!("not a Samverkan backup: no {MANIFEST}"))?;
    let manifest: Manifest = serde_json::from_reader(entry)
        .map_err(|e| format!("not a Samverkan backup: {MANIFEST}: {e}"))?;
    if manifest.format != FORMAT || manifest.format_version != FORMAT_VERSION {
        return Err(format!(
            "{MANIFEST}: format {} version {}; this samverkan reads {FORMAT} version {FORMAT_VERSION}",
            manifest.format, manifest.format_version
        ));
    }
    let names: Vec<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    if names != TABLES {
        return Err(format!(
            "the archive holds the tables {names:?}; this samverkan restores {TABLES:?}: use the samverkan version that wrote it ({})",
            manifest.samverkan_version
        ));
    }
    Ok(manifest)
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub manifest: Manifest,
    pub rows: u64,
    /// What the operator should know (the change feed's positions, see `feed_behind`).
    pub warnings: Vec<String>,
}

/// Restores the archive at `path` into the database of `pool`, which must hold no data:
/// migrates it, checks that its migrations are the archive's, and inserts every table in
/// one transaction (all of it, or nothing on any error).
pub fn import(pool: &DbPool, path: &Path) -> Result<Restored, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive = ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("{}: not a ZIP archive: {e}", path.display()))?;
    let manifest = read_manifest(&mut archive)?;
    let mut conn = get_conn(pool).map_err(|e| e.to_string())?;
    run_migrations(&mut conn).map_err(|e| e.to_string())?;
    let applied = backup::applied_migrations(&mut conn).map_err(|e| e.to_string())?;
    if applied != manifest.migrations {
        return Err(format!(
            "the archive's schema is {} ({} migrations); this database is at {} ({} migrations): restore with the samverkan version that wrote it ({})",
            manifest.schema_version,
            manifest.migrations.len(),
            applied.last().map_or("none", String::as_str),
            applied.len(),
            manifest.samverkan_version
        ));
    }
    let rows = write_transaction(&mut conn, |conn| -> Result<u64, Refused> {
        let mut holding = Vec::new();
        for &table in TABLES {
            if REPLACED_ON_RESTORE.contains(&table) {
                continue;
            }
            let n = backup::count_rows(conn, table).map_err(|e| Refused(e.to_string()))?;
            if n > 0 {
                holding.push(format!("{table} ({n} rows)"));
            }
        }
        if !holding.is_empty() {
            return Err(Refused(format!(
                "the database is not empty: {}. Restore into a new, empty database (run `samverkan import` before `migrate` or `serve`, which load reference data)",
                holding.join(", ")
            )));
        }
        backup::clear_replaced(conn).map_err(|e| Refused(e.to_string()))?;
        let mut total = 0;
        for entry in &manifest.tables {
            let file = archive
                .by_name(&entry.file)
                .map_err(|e| Refused(format!("{}: {e}", entry.file)))?;
            let mut hash = Sha256::new();
            let mut count = 0u64;
            for line in BufReader::new(file).lines() {
                let line = line.map_err(|e| Refused(format!("{}: {e}", entry.file)))?;
                hash.update(line.as_bytes());
                hash.update(b"\n");
                count += 1;
                backup::import_row(conn, &entry.name, count, &line)
                    .map_err(|e| Refused(format!("{}: {e}", entry.file)))?;
            }
            if count != entry.rows || hex(&hash.finalize()) != entry.sha256 {
                return Err(Refused(format!(
                    "{}: {count} rows or its checksum differ from the manifest's {}: the archive is damaged",
                    entry.file, entry.rows
                )));
            }
            total += count;
        }
        Ok(total)
    })
    .map_err(|Refused(why)| why)?;
    let mut warnings = Vec::new();
    if backup::feed_ahead_of_transactions(&mut conn).map_err(|e| e.to_string())? {
        warnings.push(
            "the change feed's positions come from a PostgreSQL server further on in its transaction ids than this one: changes recorded from now on get lower positions, so feed readers should start again from the beginning (GET /api/v1/changes without `after`)".to_owned(),
        );
    }
    Ok(Restored {
        manifest,
        rows,
        warnings,
    })
}

/// Why a restore stopped (its transaction rolled back).
struct Refused(String);

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Self(e.to_string())
    }
}
