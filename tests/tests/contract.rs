//! The published contract and the two schemas stay what the code says.

use samverkan_e2e::*;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_openapi_document_matches_the_code() {
    let generated = samverkan_api::openapi::api_document_text();
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
            let security = op["security"].as_array().expect("security on every operation");
            if !security.is_empty() {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{name}: 401/403"
                );
            }
            if !["/health", "/ready"].contains(&path.as_str()) {
                assert!(
                    responses.keys().any(|s| s.starts_with('4')),
                    "{name}: a 4xx (redocly.yaml exempts only /health and /ready)"
                );
            }
            // A summary of 3–8 words, and the prose in the description.
            let summary = op["summary"].as_str().unwrap_or_default();
            let words = summary.split_whitespace().count();
            assert!((3..=8).contains(&words), "{name}: summary {summary:?}");
            assert!(
                op["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name}: description"
            );
            for (status, response) in responses {
                assert!(
                    response.get("$ref").is_some() || response["description"].is_string(),
                    "{name} {status}: description"
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
            ["serde", "chrono", "uuid", "thiserror", "strum", "utoipa"].contains(name),
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

// ---------------------------------------------------------------- the API crate's shape

/// Every `.rs` file of the API library below `dir`, as (path relative to `api/src`, text).
fn api_sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/src");
    for entry in std::fs::read_dir(dir).expect("api/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            api_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(&root)
                .expect("below api/src")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).expect("readable")));
        }
    }
}

/// The top-level modules a source names through `crate::…` paths, `use` groups included.
/// Comment lines are skipped; `$crate` (macros) does not count.
fn crate_paths(source: &str) -> Vec<String> {
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let preceded_by_dollar = rest[..at].ends_with('$');
        let after = &rest[at + "crate::".len()..];
        rest = after;
        if preceded_by_dollar {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            found.push(ident(&item));
        } else {
            found.push(ident(after));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

#[test]
fn the_api_modules_import_each_other_without_a_cycle() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/src");
    let mut sources = Vec::new();
    api_sources(&root, &mut sources);
    let top = |path: &str| -> String {
        path.split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned()
    };
    let modules: std::collections::BTreeSet<String> = sources
        .iter()
        .map(|(p, _)| top(p))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        std::collections::BTreeMap::new();
    for (path, source) in &sources {
        let from = top(path);
        if !modules.contains(&from) {
            continue; // the crate roots
        }
        for to in crate_paths(source) {
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert!(
        edges.get("routes").is_some_and(|e| e.contains("workflows")),
        "the parser sees the imports: {edges:?}"
    );
    // Depth-first search; a module met again on the current path closes a cycle.
    fn visit(
        module: &str,
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut cycle = path[start..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in edges.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    for module in &modules {
        if let Some(cycle) = visit(module, &edges, &mut Vec::new(), &mut done) {
            panic!(
                "the API's modules import each other in a circle: {}",
                cycle.join(" → ")
            );
        }
    }
}

#[test]
fn route_modules_do_not_import_each_other_and_workflows_know_no_http() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/src");
    let mut sources = Vec::new();
    api_sources(&root, &mut sources);
    let mut routes = 0;
    let mut workflows = 0;
    for (path, source) in &sources {
        let code: Vec<&str> = source
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        if let Some(name) = path.strip_prefix("routes/")
            && name != "mod.rs"
        {
            routes += 1;
            for line in &code {
                assert!(
                    !line.contains("crate::routes") && !line.contains("super::"),
                    "{path} reaches into another route module: {line}"
                );
            }
        }
        if path.starts_with("workflows/") {
            workflows += 1;
            assert!(
                !code.iter().any(|l| l.contains("actix"))
                    && !crate_paths(source).iter().any(|m| {
                        ["state", "server", "extract", "http", "routes", "cache"]
                            .contains(&m.as_str())
                    }),
                "{path} must know nothing of HTTP"
            );
        }
    }
    assert!(routes >= 5 && workflows >= 3, "found the modules");
}
