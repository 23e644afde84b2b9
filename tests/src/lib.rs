//! The end-to-end harness: a fresh server with a fresh database per test, spoken to over
//! HTTP like any client. Every test body runs on SQLite, and on PostgreSQL when
//! `SAMVERKAN_TEST_POSTGRES_URL` is set (each test in a database of its own, dropped after).
//! Without it the PostgreSQL tests are reported as ignored, never as passed. Each test's
//! database is a copy of one migrated template (`template`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use chrono::{DateTime, NaiveDate, NaiveTime, SubsecRound, TimeZone, Utc};
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use samverkan_api::auth::{Authenticator, TokenRequest};
use samverkan_api::config::{JwtKey, JwtSettings};
use samverkan_api::metrics::metrics_server;
use samverkan_api::server::server;
use samverkan_api::state::{AppState, Clock};
use samverkan_domain::access::Role;
use samverkan_persistence::DbPool;
use samverkan_persistence::db::{DatabaseUrl, PoolOptions, build_pool};
use serde_json::Value;
use uuid::Uuid;

pub mod oidc;
mod template;

pub const TEST_SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const POSTGRES_ENV: &str = "SAMVERKAN_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `body` against a fresh app on the given backend.
pub fn with_app(backend: Backend, body: impl FnOnce(&TestApp)) {
    body(&TestApp::spawn(backend));
}

/// Declares a test that runs the same body on both backends. The PostgreSQL half is
/// `#[ignore]`d, with the reason, when `SAMVERKAN_TEST_POSTGRES_URL` was not set at build
/// time (`cfg(postgres_tests)`, from `build.rs`). A test of its own that needs PostgreSQL
/// carries the same attribute:
///
/// ```text
/// #[test]
/// #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set")]
/// fn postgres() { … }
/// ```
///
/// `.ci/run` fails when any test is ignored for that reason.
#[macro_export]
macro_rules! e2e {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                $crate::with_app($crate::Backend::Sqlite, |$app| $body);
            }

            #[test]
            #[cfg_attr(
                not(postgres_tests),
                ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
            )]
            fn postgres() {
                $crate::with_app($crate::Backend::Postgres, |$app| $body);
            }
        }
    };
}

/// The PostgreSQL server's URL. A PostgreSQL test that runs without it (built with the
/// variable and run without, or run with `--ignored`) fails rather than passing unrun.
pub fn postgres_admin_url() -> String {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| {
            panic!("{POSTGRES_ENV} is not set: this test needs a PostgreSQL server (see README)")
        })
}

/// The test's clock: the system's until a test sets it, then that instant until it is set
/// again. Only the harness builds one; production's `AppState` has the system clock.
#[derive(Debug, Clone, Default)]
pub struct TestClock(Arc<Mutex<Option<DateTime<Utc>>>>);

impl TestClock {
    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(Utc::now)
            .trunc_subsecs(6)
    }
}

pub struct TestApp {
    pub base: String,
    /// The metrics server's address (`GET {metrics_base}/metrics`).
    pub metrics_base: String,
    /// The server's clock; `set_today`/`set_now` move it.
    pub clock: TestClock,
    pub backend: Backend,
    pub database_url: DatabaseUrl,
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    auth: Authenticator,
    agent: ureq::Agent,
    cleanup: Cleanup,
    /// The server's cache of public lists, to observe its bounds.
    pub cache: std::sync::Arc<samverkan_api::cache::PublicCache>,
}

/// A test's own database, before a server runs on it (`TestApp::fresh_database`).
pub struct TestDatabase {
    pub backend: Backend,
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

pub(crate) fn jwt_settings() -> JwtSettings {
    JwtSettings {
        key: Some(JwtKey::Secret(TEST_SECRET.to_vec())),
        algorithm: jsonwebtoken_alg(),
        issuer: None,
        audience: None,
        leeway_seconds: 5,
        max_lifetime_seconds: samverkan_api::config::DEFAULT_JWT_MAX_LIFETIME,
        private_key_pem: None,
    }
}

fn jsonwebtoken_alg() -> samverkan_api::config::Algorithm {
    samverkan_api::config::Algorithm::HS256
}

/// The admin URL with another database name (`postgres://u@h:p/db?x` → `…/name?x`).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (prefix, _) = base.rsplit_once('/').unwrap_or((base, ""));
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Rows per batch of a streamed export in tests (`AppState::export_batch`).
pub const TEST_EXPORT_BATCH: i64 = 2;

impl TestApp {
    /// A server on a fresh copy of the migrated template database of `backend`.
    pub fn spawn(backend: Backend) -> Self {
        Self::spawn_on(Self::fresh_database(backend, true))
    }

    /// A database of its own: a copy of the migrated template when `migrated`, else one with
    /// nothing in it at all (what `samverkan import` restores into).
    pub fn fresh_database(backend: Backend, migrated: bool) -> TestDatabase {
        let (database_url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir()
                    .join(format!("samverkan-test-{}", Uuid::new_v4().simple()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let file = dir.join("test.db");
                if migrated {
                    template::copy_sqlite(&file);
                }
                (DatabaseUrl::Sqlite(file), Cleanup::SqliteDir(dir))
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("samverkan_test_{}", Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!("{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {e}")
                });
                if migrated {
                    template::create_postgres(&mut admin, &admin_url, &name);
                } else {
                    diesel::sql_query(format!("CREATE DATABASE {name}"))
                        .execute(&mut admin)
                        .expect("create an empty database");
                }
                let url =
                    DatabaseUrl::parse(&with_database(&admin_url, &name)).expect("postgres url");
                (url, Cleanup::PostgresDatabase { admin_url, name })
            }
        };
        TestDatabase {
            backend,
            url: database_url,
            cleanup,
        }
    }

    /// A server on `database` (removed when the server is dropped).
    pub fn spawn_on(database: TestDatabase) -> Self {
        let TestDatabase {
            backend,
            url: database_url,
            cleanup,
        } = database;
        let pool = build_pool(
            &database_url,
            &PoolOptions {
                max_size: 6,
                ..PoolOptions::default()
            },
        )
        .expect("pool");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let clock = TestClock::default();
        let state = AppState::new(
            pool,
            Authenticator::new(&jwt_settings()).expect("auth"),
            64 * 1024,
        )
        .with_clock(Arc::new(clock.clone()))
        // Exports of more than a few rows stream, so every CSV test goes through batches.
        .with_export_batch(TEST_EXPORT_BATCH);
        // The metrics on a port of their own, as `SAMVERKAN_METRICS_BIND` gives in production.
        let metrics_listener = TcpListener::bind("127.0.0.1:0").expect("bind metrics");
        let metrics_port = metrics_listener.local_addr().expect("addr").port();
        let metrics = state.metrics.clone();
        let metrics_pool = state.pool.clone();
        let cache = state.cache.clone();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let metrics_srv = metrics_server(metrics_listener, metrics, metrics_pool)
                    .expect("metrics server");
                let metrics_handle = metrics_srv.handle();
                actix_web::rt::spawn(metrics_srv);
                let srv = server(listener, state, 2, Duration::from_secs(3)).expect("server");
                tx.send(srv.handle()).expect("handle");
                let _ = srv.await;
                metrics_handle.stop(false).await;
            });
        });
        let handle = rx.recv().expect("server started");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Self {
            base: format!("http://127.0.0.1:{port}"),
            metrics_base: format!("http://127.0.0.1:{metrics_port}"),
            clock,
            backend,
            database_url,
            handle,
            thread: Some(thread),
            auth: Authenticator::new(&jwt_settings()).expect("auth"),
            agent,
            cleanup,
            cache,
        }
    }

    /// Sets the server's clock to this instant.
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.clock.set(now);
    }

    /// Sets the server's clock to noon UTC of `date` (the same date in Sweden), or to
    /// `time` in UTC with [`TestApp::set_now`] for the hours around midnight.
    pub fn set_today(&self, date: &str) {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a YYYY-MM-DD date");
        let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"));
        self.set_now(Utc.from_utc_datetime(&noon));
    }

    /// Holds the server's clock at noon of its current Swedish day: today stays, and no
    /// public reply's `max-age` is shortened by a midnight a minute away.
    pub fn hold_at_noon(&self) {
        let today = self.clock.today();
        self.set_today(&today.format("%Y-%m-%d").to_string());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    // ------------------------------------------------------------ tokens

    pub fn token(
        &self,
        sub: &str,
        roles: &[Role],
        public_body: Option<Uuid>,
        organizations: &[Uuid],
    ) -> String {
        self.auth
            .mint(&TokenRequest {
                sub: sub.to_owned(),
                name: None,
                roles: roles.to_vec(),
                public_body_id: public_body,
                organization_ids: organizations.to_vec(),
                ttl_seconds: 600,
            })
            .expect("mint")
    }

    pub fn platform_admin(&self) -> String {
        self.token("plattform-admin", &[Role::PlatformAdmin], None, &[])
    }

    pub fn agreement_admin(&self, public_body: Uuid) -> String {
        self.token(
            &format!("processledare-{public_body}"),
            &[Role::AgreementAdmin],
            Some(public_body),
            &[],
        )
    }

    pub fn organization_rep(&self, organization: Uuid) -> String {
        self.token(
            &format!("ombud-{organization}"),
            &[Role::OrganizationRep],
            None,
            &[organization],
        )
    }

    // ------------------------------------------------------------ requests

    /// Sends any request; `body` is sent as is with `content_type` when given.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Resp {
        let uri = self.url(path);
        let mut builder = ureq::http::Request::builder().method(method).uri(&uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let (request, bytes) = match body {
            Some((ct, bytes)) => (builder.header("content-type", ct), bytes),
            None => (builder, Vec::new()),
        };
        let request = request.body(bytes).expect("request");
        let response = self
            .agent
            .run(request)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        Resp::read(response)
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, &[], None)
    }

    pub fn get_as(&self, path: &str, token: &str) -> Resp {
        self.send(
            "GET",
            path,
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        self.send(
            "POST",
            path,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    pub fn patch(&self, path: &str, token: &str, if_match: Option<&str>, body: &Value) -> Resp {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(m) = if_match {
            headers.push(("if-match", m));
        }
        self.send(
            "PATCH",
            path,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    /// Creates an organisation as platform admin and returns its id.
    pub fn create_organization(&self, name: &str, org_number: Option<&str>) -> Uuid {
        let r = self.post(
            "/api/v1/organizations",
            Some(&self.platform_admin()),
            &serde_json::json!({"name": name, "org_number": org_number, "legal_form": "non_profit_association", "municipality_codes": ["1285"]}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    }

    /// Creates a service account as platform admin with `body` (name, roles, scopes):
    /// its client id and secret.
    pub fn service_account(&self, body: &Value) -> (String, String) {
        let r = self.post(
            "/api/v1/service-accounts",
            Some(&self.platform_admin()),
            body,
        );
        assert_eq!(r.status, 201, "{}", r.text);
        (
            r.json["client_id"].as_str().expect("client_id").to_owned(),
            r.json["client_secret"]
                .as_str()
                .expect("client_secret")
                .to_owned(),
        )
    }

    /// A token request (client credentials) with the credentials in the form.
    pub fn client_credentials(&self, client_id: &str, secret: &str) -> Resp {
        let form =
            format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}");
        self.send(
            "POST",
            "/api/v1/oauth/token",
            &[],
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
        )
    }

    /// The id of a reference public body by kind and SCB code.
    pub fn public_body(&self, kind: &str, scb_code: &str) -> Uuid {
        let r = self.get(&format!(
            "/api/v1/public-bodies?kind={kind}&scb_code={scb_code}"
        ));
        assert_eq!(r.status, 200, "{}", r.text);
        Uuid::parse_str(r.json["items"][0]["id"].as_str().expect("public body")).expect("uuid")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let stop = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        });
        let _ = stop.join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub json: Value,
}

impl Resp {
    fn read(mut response: ureq::http::Response<ureq::Body>) -> Self {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            text,
            json,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn id(&self) -> Uuid {
        Uuid::parse_str(
            self.json["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no id in {}", self.text)),
        )
        .expect("uuid")
    }

    /// Asserts a problem response of this status, naming `code` (409) or a field (422).
    pub fn assert_problem(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.json["status"], status);
        assert!(
            self.json["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/"))
        );
        assert!(
            self.json["request_id"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        self
    }

    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

// ---------------------------------------------------------------- shared fixtures

/// A valid version text with two principles and a commitment per side.
pub fn agreement_content(title: &str) -> Value {
    serde_json::json!({
        "title": title,
        "purpose": "Att stärka samverkan mellan kommunen och den idéburna sektorn.",
        "background": "Framtagen gemensamt under året.",
        "principles": [
            {"number": 1, "title": "Dialog", "description": "Parterna för en öppen dialog."},
            {"number": 2, "title": "Självständighet och oberoende", "description": "Föreningarnas självständighet respekteras."}
        ],
        "commitments": [
            {"party": "public_body", "title": "Information", "text": "Kommunen informerar i god tid.", "principles": [1]},
            {"party": "civil_society", "title": "Förankring", "text": "Sektorn förankrar i sina nätverk.", "principles": [1, 2]}
        ],
        "development_areas": []
    })
}

impl TestApp {
    /// Creates a draft agreement of a municipality (by SCB code) with these settings.
    pub fn create_agreement(&self, admin: &str, body: Uuid, code: &str, settings: Value) -> Uuid {
        let r = self.post(
            "/api/v1/agreements",
            Some(admin),
            &serde_json::json!({
                "owner_public_body_id": body,
                "party_public_body_ids": [body],
                "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
                "scope": "municipal",
                "municipality_codes": [code],
                "settings": settings,
                "content": agreement_content("Överenskommelse om samverkan")
            }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    }

    /// Creates and adopts an agreement; returns its id.
    pub fn adopted_agreement(&self, admin: &str, body: Uuid, code: &str, settings: Value) -> Uuid {
        let id = self.create_agreement(admin, body, code, settings);
        let r = self.post(
            &format!("/api/v1/agreements/{id}/adoption"),
            Some(admin),
            &serde_json::json!({"decided_by": "Kommunfullmäktige", "decision_date": "2020-01-15", "diary_number": "KS 2020/1", "valid_from": "2020-02-01", "valid_until": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        id
    }
}

// ---------------------------------------------------------------- other JWT configurations

impl TestApp {
    /// Like `spawn`, on a fresh database, but the server verifies tokens with `jwt` (an
    /// RS256 public key, a required issuer or audience…); `token()` then mints with `jwt`
    /// where it can (a secret, or a private key).
    pub fn spawn_with_jwt(backend: Backend, jwt: &JwtSettings) -> Self {
        Self::spawn_with(backend, jwt, |state| state)
    }

    /// A server whose served OpenAPI document names `public_url` (`SAMVERKAN_PUBLIC_URL`).
    pub fn spawn_with_public_url(backend: Backend, public_url: &str) -> Self {
        let url = public_url.to_owned();
        Self::spawn_with(backend, &jwt_settings(), move |state| {
            state.with_public_url(Some(url))
        })
    }

    /// A server with other token settings, its state adjusted by `configure`.
    pub fn spawn_with(
        backend: Backend,
        jwt: &JwtSettings,
        configure: impl FnOnce(AppState) -> AppState + Send + 'static,
    ) -> Self {
        let mut app = Self::spawn(backend);
        app.restart_with(jwt, configure);
        app
    }

    /// Restarts the server on a pool of `max_size` connections that waits at most `wait`
    /// for one, and returns that pool, so that a test can hold its connections.
    pub fn restart_with_pool(&mut self, max_size: u32, wait: Duration) -> DbPool {
        let pool = build_pool(
            &self.database_url,
            &PoolOptions {
                max_size,
                connection_timeout: wait,
            },
        )
        .expect("pool");
        let served = pool.clone();
        self.restart_with(&jwt_settings(), move |mut state| {
            state.pool = served;
            state
        });
        pool
    }

    /// Restarts the server on the same database, verifying tokens with `jwt` (the key
    /// `serve --demo` keeps in the database, say); `token()` then mints with `jwt`.
    pub fn restart_with_jwt(&mut self, jwt: &JwtSettings) {
        self.restart_with(jwt, |state| state);
    }

    /// Stops the server and starts a new one on the same database (a restart, or another
    /// instance taking over).
    pub fn restart(&mut self) {
        self.restart_with(&jwt_settings(), |state| state);
    }

    pub(crate) fn restart_with(
        &mut self,
        jwt: &JwtSettings,
        configure: impl FnOnce(AppState) -> AppState + Send + 'static,
    ) {
        let app = self;
        // Stop the server and serve the same database with the (other) settings.
        let old = app.handle.clone();
        let _ = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(old.stop(false));
        })
        .join();
        if let Some(t) = app.thread.take() {
            let _ = t.join();
        }
        let pool = build_pool(
            &app.database_url,
            &PoolOptions {
                max_size: 6,
                ..PoolOptions::default()
            },
        )
        .expect("pool");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = configure(
            AppState::new(pool, Authenticator::new(jwt).expect("auth"), 64 * 1024)
                .with_clock(Arc::new(app.clock.clone()))
                .with_export_batch(TEST_EXPORT_BATCH),
        );
        // The metrics on a port of their own, as `SAMVERKAN_METRICS_BIND` gives in production.
        let metrics_listener = TcpListener::bind("127.0.0.1:0").expect("bind metrics");
        let metrics_port = metrics_listener.local_addr().expect("addr").port();
        let metrics = state.metrics.clone();
        let metrics_pool = state.pool.clone();
        app.cache = state.cache.clone();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let metrics_srv = metrics_server(metrics_listener, metrics, metrics_pool)
                    .expect("metrics server");
                let metrics_handle = metrics_srv.handle();
                actix_web::rt::spawn(metrics_srv);
                let srv = server(listener, state, 2, Duration::from_secs(3)).expect("server");
                tx.send(srv.handle()).expect("handle");
                let _ = srv.await;
                metrics_handle.stop(false).await;
            });
        });
        app.handle = rx.recv().expect("server started");
        app.thread = Some(thread);
        app.base = format!("http://127.0.0.1:{port}");
        app.metrics_base = format!("http://127.0.0.1:{metrics_port}");
        app.auth = Authenticator::new(jwt).expect("auth");
    }

    /// Loads the demo data (the five agreements, their signatories and steering groups), as
    /// `serve --demo` does.
    pub fn load_demo(&self) {
        let pool = build_pool(&self.database_url, &PoolOptions::default()).expect("pool");
        assert!(
            samverkan_api::setup::seed_demo_at(&pool, self.clock.now()).expect("demo data"),
            "the database was empty"
        );
    }

    /// `host:port` of the server, for raw TCP clients.
    pub fn socket_addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}
