//! Backup and restore (issue 24): `samverkan export` / `samverkan import` round-trip the demo
//! database SQLite → PostgreSQL → SQLite with every public and administrator view unchanged,
//! and every table of the schema is covered by the export and the personal-data register.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use samverkan_api::backup;
use samverkan_e2e::*;
use samverkan_persistence::backup::{NOT_EXPORTED, TABLES, catalogue_tables};
use samverkan_persistence::db::{DatabaseUrl, PoolOptions, build_pool, get_conn};
use samverkan_persistence::personal_data::REGISTER;
use serde_json::Value;
use uuid::Uuid;

fn pool(url: &DatabaseUrl) -> samverkan_persistence::DbPool {
    build_pool(
        url,
        &PoolOptions {
            max_size: 2,
            ..PoolOptions::default()
        },
    )
    .expect("pool")
}

fn archive_path() -> PathBuf {
    std::env::temp_dir().join(format!("samverkan-backup-{}.zip", Uuid::new_v4().simple()))
}

/// Every page of a list (`limit=200`, following `next_cursor`), each page kept as a view.
fn list(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    views: &mut BTreeMap<String, (u16, String)>,
) -> Vec<Value> {
    let mut items = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{sep}limit=200");
    for _ in 0..100 {
        let r = read(app, &url, token, views);
        let Some(page) = r.get("items").and_then(Value::as_array) else {
            return items;
        };
        items.extend(page.iter().cloned());
        match r.get("next_cursor").and_then(Value::as_str) {
            Some(cursor) => url = format!("{path}{sep}limit=200&cursor={cursor}"),
            None => break,
        }
    }
    items
}

/// One view, recorded by caller and path: its status and its body.
fn read(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    views: &mut BTreeMap<String, (u16, String)>,
) -> Value {
    let r = match token {
        Some(t) => app.get_as(path, t),
        None => app.get(path),
    };
    let who = if token.is_some() {
        "admin"
    } else {
        "anonymous"
    };
    // The server's own address differs between the servers compared.
    let mut text = r.text.replace(&app.base, "http://samverkan.test");
    // A problem names its request, which differs too.
    if let Ok(Value::Object(mut problem)) = serde_json::from_str::<Value>(&text)
        && problem.remove("request_id").is_some()
    {
        text = Value::Object(problem).to_string();
    }
    views.insert(format!("{who} {path}"), (r.status, text));
    r.json
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// Every public and administrator view of the database behind `app`: the lists, each
/// resource they name, and each agreement's sub-resources, read anonymously and as the
/// platform administrator (`admin`: one token for every server compared, so `/me` agrees).
fn every_view(app: &TestApp, admin: &str) -> BTreeMap<String, (u16, String)> {
    let mut views = BTreeMap::new();
    for token in [None, Some(admin)] {
        let v = &mut views;
        for path in ["/api/v1/catalog", "/api/v1/agenda", "/api/v1/me"] {
            read(app, path, token, v);
        }
        list(app, "/api/v1/changes", token, v);
        for id in ids(&list(app, "/api/v1/public-bodies", token, v)) {
            read(app, &format!("/api/v1/public-bodies/{id}"), token, v);
        }
        for id in ids(&list(app, "/api/v1/organizations", token, v)) {
            read(app, &format!("/api/v1/organizations/{id}"), token, v);
        }
        for a in ids(&list(app, "/api/v1/agreements", token, v)) {
            let base = format!("/api/v1/agreements/{a}");
            for sub in [
                "",
                "/history",
                "/signatories",
                "/signatories.csv",
                "/signatories/stats",
                "/steering-group",
                "/steering-group/memberships",
                "/calendar",
                "/dialogue-events.ics",
            ] {
                read(app, &format!("{base}{sub}"), token, v);
            }
            for id in ids(&list(app, &format!("{base}/accessions"), token, v)) {
                read(app, &format!("/api/v1/accessions/{id}"), token, v);
            }
            for (sub, key) in [
                ("action-plans", "id"),
                ("reviews", "id"),
                ("renegotiation-requests", "id"),
                ("steering-group/meetings", "id"),
                ("versions", "number"),
            ] {
                let items = list(app, &format!("{base}/{sub}"), token, v);
                for item in items {
                    if let Some(k) = item.get(key) {
                        let k = k.as_str().map_or_else(|| k.to_string(), str::to_owned);
                        read(app, &format!("{base}/{sub}/{k}"), token, v);
                    }
                }
            }
            for id in ids(&list(app, &format!("{base}/dialogue-events"), token, v)) {
                read(app, &format!("{base}/dialogue-events/{id}"), token, v);
                list(
                    app,
                    &format!("{base}/dialogue-events/{id}/registrations"),
                    token,
                    v,
                );
            }
        }
    }
    views
}

fn assert_same_views(
    before: &BTreeMap<String, (u16, String)>,
    after: &BTreeMap<String, (u16, String)>,
    what: &str,
) {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "{what}: the same views"
    );
    for (key, (status, text)) in before {
        let (status_after, text_after) = &after[key];
        assert_eq!(status, status_after, "{what}: {key}");
        if text != text_after {
            let at = text
                .chars()
                .zip(text_after.chars())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let excerpt =
                |t: &str| -> String { t.chars().skip(at.saturating_sub(80)).take(160).collect() };
            panic!(
                "{what}: {key} differs at character {at}:\n before: {}\n after:  {}",
                excerpt(text),
                excerpt(text_after)
            );
        }
    }
}

fn restore_into_empty(backend: Backend, archive: &std::path::Path) -> TestApp {
    let database = TestApp::fresh_database(backend, false);
    let restored = backup::import(&pool(&database.url), archive).expect("restore");
    assert!(restored.rows > 300, "{} rows", restored.rows);
    TestApp::spawn_on(database)
}

#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
)]
fn the_demo_database_round_trips_sqlite_postgres_sqlite_with_every_view_unchanged() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 30, 12, 0, 0)
        .single()
        .expect("now");
    let source = TestApp::spawn(Backend::Sqlite);
    source.set_now(now);
    source.load_demo();
    let admin = source.platform_admin();
    let before = every_view(&source, &admin);
    assert!(before.len() > 100, "{} views", before.len());
    assert!(
        before.values().filter(|(s, _)| *s == 200).count() > 100,
        "most views answer"
    );

    let first = archive_path();
    let manifest = backup::export(&pool(&source.database_url), &first, now).expect("export");
    assert_eq!(manifest.source_backend, "sqlite");
    assert_eq!(
        manifest.schema_version,
        manifest.migrations.last().cloned().unwrap_or_default()
    );
    let on_postgres = restore_into_empty(Backend::Postgres, &first);
    on_postgres.set_now(now);
    assert_same_views(
        &before,
        &every_view(&on_postgres, &admin),
        "SQLite → PostgreSQL",
    );

    let second = archive_path();
    let from_postgres = backup::export(&pool(&on_postgres.database_url), &second, now)
        .expect("export from PostgreSQL");
    assert_eq!(from_postgres.source_backend, "postgres");
    // The portable form: the same rows give the same bytes from either backend.
    assert_eq!(
        manifest.tables, from_postgres.tables,
        "every table file equal"
    );
    let back = restore_into_empty(Backend::Sqlite, &second);
    back.set_now(now);
    assert_same_views(&before, &every_view(&back, &admin), "PostgreSQL → SQLite");
    let _ = std::fs::remove_file(first);
    let _ = std::fs::remove_file(second);
}

e2e!(
    a_restore_refuses_a_database_holding_data_and_a_damaged_archive,
    |app| {
        app.load_demo();
        let file = archive_path();
        backup::export(&pool(&app.database_url), &file, Utc::now()).expect("export");
        // Never over an existing backup.
        let again = backup::export(&pool(&app.database_url), &file, Utc::now()).unwrap_err();
        assert!(again.contains("exists"), "{again}");
        // The exported database itself holds data.
        let why = backup::import(&pool(&app.database_url), &file).unwrap_err();
        assert!(why.contains("not empty"), "{why}");
        assert!(why.contains("agreements ("), "{why}");

        // A row changed after the export: the checksum no longer holds, and nothing stays.
        let damaged = archive_path();
        {
            let mut archive =
                zip::ZipArchive::new(std::fs::File::open(&file).expect("open")).expect("zip");
            let mut out = zip::ZipWriter::new(std::fs::File::create(&damaged).expect("create"));
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).expect("entry");
                let name = entry.name().to_owned();
                let mut text = String::new();
                std::io::Read::read_to_string(&mut entry, &mut text).expect("read");
                if name == "tables/organizations.jsonl" {
                    text = text.replacen("\"name\":\"", "\"name\":\"Ändrad ", 1);
                }
                out.start_file(name, zip::write::SimpleFileOptions::default())
                    .expect("entry");
                std::io::Write::write_all(&mut out, text.as_bytes()).expect("write");
            }
            out.finish().expect("finish");
        }
        let database = TestApp::fresh_database(app.backend, false);
        let target = pool(&database.url);
        let why = backup::import(&target, &damaged).unwrap_err();
        assert!(why.contains("damaged"), "{why}");
        let mut conn = get_conn(&target).expect("conn");
        for table in TABLES.iter().filter(|t| **t != "server_keys") {
            assert_eq!(
                samverkan_persistence::backup::count_rows(&mut conn, table).expect("count"),
                0,
                "{table}: all or nothing"
            );
        }
        drop(conn);
        drop(target);
        // The undamaged archive restores into the same empty database.
        let restored = backup::import(&pool(&database.url), &file).expect("restore");
        assert_eq!(
            restored.rows,
            restored.manifest.tables.iter().map(|t| t.rows).sum::<u64>()
        );
        let copy = TestApp::spawn_on(database);
        let agreements = copy.get("/api/v1/agreements");
        assert_eq!(agreements.json, app.get("/api/v1/agreements").json);
        let _ = std::fs::remove_file(file);
        let _ = std::fs::remove_file(damaged);
    }
);

// Every table of the schema is in the export (or derived from one that is) and in the
// personal-data register (docs/personal-data.md): a new table fails here until it is added
// to `samverkan_persistence::backup` and `samverkan_persistence::personal_data::REGISTER`.
e2e!(
    every_table_is_exported_and_in_the_personal_data_register,
    |app| {
        let mut conn = get_conn(&pool(&app.database_url)).expect("conn");
        let tables = catalogue_tables(&mut conn).expect("catalogue");
        assert!(tables.len() >= TABLES.len(), "{tables:?}");
        for table in &tables {
            assert!(
                TABLES.contains(&table.as_str()) || NOT_EXPORTED.iter().any(|(t, _)| t == table),
                "table {table} is not exported: add it to samverkan_persistence::backup"
            );
            assert!(
                REGISTER.iter().any(|r| r.table == table),
                "table {table} is not in the personal-data register: add it to samverkan_persistence::personal_data::REGISTER and docs/personal-data.md"
            );
        }
        for table in TABLES {
            assert!(
                tables.iter().any(|t| t == table),
                "{table} is exported but not in the database"
            );
        }
    }
);
