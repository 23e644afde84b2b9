//! The published contract and the two schemas stay what the code says.

use samverkan_e2e::*;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_openapi_document_matches_the_code() {
    let generated = samverkan_api::openapi::api_doc()
        .to_pretty_json()
        .expect("json");
    assert!(
        generated.trim() == COMMITTED.trim(),
        "openapi/openapi.json is out of date. Regenerate it with:\n  cargo run -q -p samverkan-api --bin samverkan -- openapi > openapi/openapi.json"
    );
}

#[test]
fn served_document_is_the_committed_one() {
    with_app(Backend::Sqlite, |app| {
        let served = app.get("/api-docs/openapi.json");
        assert_eq!(served.status, 200);
        let committed: serde_json::Value = serde_json::from_str(COMMITTED).expect("committed json");
        assert_eq!(served.json, committed);
        assert_eq!(
            app.get("/docs/").status,
            200,
            "Swagger UI is served from the binary"
        );
    });
}

#[test]
fn every_operation_has_an_id_a_tag_and_documented_errors() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).expect("json");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let name = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{name}: operationId");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{name}: tag"
            );
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{name}: 500");
            if op.get("security").is_some() {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{name}: 401/403"
                );
            }
        }
    }
}

#[test]
fn domain_crate_has_no_io_dependencies() {
    let manifest = include_str!("../../domain/Cargo.toml");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|s| s.split("\n[").next())
        .expect("dependencies section");
    let names: Vec<&str> = deps
        .lines()
        .filter_map(|l| l.split(['=', '.']).next())
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    for name in &names {
        assert!(
            ["serde", "chrono", "uuid", "thiserror", "utoipa"].contains(name),
            "the domain crate must stay free of I/O: unexpected dependency {name}"
        );
    }
}

/// Both backends end with the same tables and columns.
#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
)]
fn both_backends_have_the_same_schema() {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    #[derive(QueryableByName, Debug)]
    struct Col {
        #[diesel(sql_type = Text)]
        t: String,
        #[diesel(sql_type = Text)]
        c: String,
    }

    let pg = TestApp::spawn(Backend::Postgres);
    let lite = TestApp::spawn(Backend::Sqlite);
    let pg_url = match &pg.database_url {
        samverkan_persistence::DatabaseUrl::Postgres(u) => u.clone(),
        other => panic!("{other:?}"),
    };
    let mut pgc = diesel::pg::PgConnection::establish(&pg_url).expect("pg");
    let mut pg_cols: Vec<(String, String)> = diesel::sql_query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' ORDER BY 1, 2",
    )
    .load::<Col>(&mut pgc)
    .expect("pg columns")
    .into_iter()
    .map(|c| (c.t, c.c))
    .collect();
    let path = lite
        .database_url
        .sqlite_path()
        .expect("path")
        .display()
        .to_string();
    let mut sc = diesel::sqlite::SqliteConnection::establish(&path).expect("sqlite");
    let mut lite_cols: Vec<(String, String)> = diesel::sql_query(
        "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' ORDER BY 1, 2",
    )
    .load::<Col>(&mut sc)
    .expect("sqlite columns")
    .into_iter()
    .map(|c| (c.t, c.c))
    .collect();
    pg_cols.sort();
    lite_cols.sort();
    assert!(!pg_cols.is_empty());
    assert_eq!(pg_cols, lite_cols);
}
