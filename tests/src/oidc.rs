//! A real OpenID provider for the tests: node-oidc-provider (OpenID Certified), run by Node
//! from `tests/oidc-provider/` (`npm ci` there installs the pinned version; `.ci/run` does).
//! The tests obtain genuine tokens from it with the client-credentials grant, rotate its
//! keys, and stop and restart it (`provider.mjs` describes its clients and test endpoints).
//!
//! Without Node or the installed package the tests that need it are compiled `#[ignore]`d
//! with the reason (`cfg(oidc_tests)`, from `build.rs`), and `.ci/run` fails on that reason;
//! under CI (`CI` set) they are never ignored, and fail naming the missing piece.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use samverkan_api::auth::Authenticator;
use samverkan_api::oidc::mapping::ClaimsMap;
use samverkan_api::oidc::{Oidc, OidcOptions, OidcSettings};
use samverkan_persistence::db::{PoolOptions, build_pool};
use serde_json::Value;
use uuid::Uuid;

use crate::{Backend, TestApp, jwt_settings};

/// The folder of the provider's script and its pinned package.
pub fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc-provider")
}

/// The audience the provider's tokens carry unless a client names another `resource`.
pub const AUDIENCE: &str = "api://samverkan";

/// A running provider; stopped when dropped.
pub struct OidcProvider {
    pub issuer: String,
    pub port: u16,
    state: PathBuf,
    child: Option<Child>,
    agent: ureq::Agent,
}

fn node() -> String {
    std::env::var("SAMVERKAN_TEST_NODE")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "node".to_owned())
}

fn spawn(port: u16, state: &std::path::Path) -> (Child, u16) {
    let dir = provider_dir();
    assert!(
        dir.join("node_modules/oidc-provider/package.json")
            .is_file(),
        "node-oidc-provider is not installed: run `npm ci --prefix tests/oidc-provider` (.ci/run does)"
    );
    let mut child = Command::new(node())
        .arg(dir.join("provider.mjs"))
        .args(["--port", &port.to_string(), "--state"])
        .arg(state)
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create(state.with_extension("log"))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        )
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run Node ({}) for the OpenID provider: {e}", node()));
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    // Generous: a loaded CI machine starts Node slowly. What the provider wrote to stderr is
    // in the failure, so a provider that cannot start says why.
    let line = rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| {
            let said = std::fs::read_to_string(state.with_extension("log")).unwrap_or_default();
            panic!("the OpenID provider did not start within 120 s; it wrote: {said}")
        });
    let port = line
        .trim()
        .strip_prefix("listening ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the OpenID provider said {line:?}"));
    (child, port)
}

impl OidcProvider {
    /// A provider with fresh keys (an RSA and a P-256 key) on a free port.
    pub fn start() -> Self {
        let state = std::env::temp_dir().join(format!("samverkan-oidc-{}.json", Uuid::new_v4()));
        Self::start_with_state(state)
    }

    /// A provider on a free port serving the keys of `other` (another issuer with the same
    /// keys: its tokens verify with them, and carry another `iss`).
    pub fn with_keys_of(other: &Self) -> Self {
        let state = std::env::temp_dir().join(format!("samverkan-oidc-{}.json", Uuid::new_v4()));
        std::fs::copy(&other.state, &state).expect("copy the provider's keys");
        Self::start_with_state(state)
    }

    fn start_with_state(state: PathBuf) -> Self {
        let (child, port) = spawn(0, &state);
        Self {
            issuer: format!("http://127.0.0.1:{port}"),
            port,
            state,
            child: Some(child),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .new_agent(),
        }
    }

    /// A client's access token for the default audience.
    pub fn token(&self, client: &str) -> String {
        self.token_for(client, None)
    }

    /// A client's access token (client credentials, RFC 6749 §4.4), for `resource` when
    /// given (RFC 8707: it becomes the token's `aud`).
    pub fn token_for(&self, client: &str, resource: Option<&str>) -> String {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(r) = resource {
            form.push(("resource", r));
        }
        use base64::Engine;
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{client}:hemligt-{client}"));
        let mut r = self
            .agent
            .post(format!("{}/token", self.issuer))
            .header("authorization", format!("Basic {basic}"))
            .send_form(form)
            .expect("token request");
        let body: Value = r.body_mut().read_json().expect("token response");
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access token for {client}: {body}"))
            .to_owned()
    }

    fn admin(&self, method: &str, path: &str) -> Value {
        let url = format!("{}/admin/{path}", self.issuer);
        let mut r = match method {
            "POST" => self.agent.post(&url).send_empty(),
            _ => self.agent.get(&url).call(),
        }
        .expect("provider admin");
        r.body_mut().read_json().expect("admin answer")
    }

    /// A new RSA key signs from now on; the old ones stay published. The new key's `kid`.
    pub fn rotate(&self) -> String {
        self.admin("POST", "rotate")["kids"][0]
            .as_str()
            .expect("kid")
            .to_owned()
    }

    /// Only the newest keys stay published.
    pub fn retire_old_keys(&self) {
        self.admin("POST", "retire");
    }

    /// How many times the provider answered its JWKS.
    pub fn jwks_requests(&self) -> u64 {
        self.admin("GET", "stats")["jwks"].as_u64().expect("count")
    }

    /// The published keys.
    pub fn jwks(&self) -> Value {
        let mut r = self
            .agent
            .get(format!("{}/jwks", self.issuer))
            .call()
            .expect("jwks");
        r.body_mut().read_json().expect("jwks json")
    }

    /// Stops the provider (connections refused from now on).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same keys.
    pub fn restart(&mut self) {
        self.stop();
        let (child, port) = spawn(self.port, &self.state);
        assert_eq!(port, self.port);
        self.child = Some(child);
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_file(&self.state);
        let _ = std::fs::remove_file(self.state.with_extension("log"));
    }
}

/// The options tests use: production's, with a leeway of zero (an expired token is refused
/// at once) and the times given.
pub fn test_options() -> OidcOptions {
    OidcOptions {
        leeway_seconds: 0,
        retry_min: Duration::from_millis(200),
        retry_max: Duration::from_secs(1),
        http_timeout: Duration::from_secs(5),
        ..OidcOptions::default()
    }
}

impl TestApp {
    /// Checks a claims mapping against this app's register and starts its key thread, as
    /// `serve` does at start.
    pub fn prepare_oidc(
        &self,
        claims_map: &str,
        options: OidcOptions,
    ) -> Result<Arc<Oidc>, String> {
        let settings = OidcSettings {
            claims_map_path: "claims-map.toml".into(),
            claims_map: ClaimsMap::parse(claims_map)?,
        };
        let pool = build_pool(&self.database_url, &PoolOptions::default()).expect("pool");
        samverkan_api::oidc::prepare(&settings, &pool, options)
    }

    /// Restarts the server on the same database trusting the identity providers of
    /// `claims_map` beside the static test key (which `token()` keeps minting with).
    pub fn restart_with_oidc(&mut self, claims_map: &str, options: OidcOptions) {
        let oidc = self
            .prepare_oidc(claims_map, options)
            .expect("claims mapping");
        self.restart_with(&jwt_settings(), move |mut state| {
            state.auth =
                Authenticator::with_providers(&jwt_settings(), Some(oidc)).expect("authenticator");
            state
        });
    }

    /// Waits until `/ready` answers `status` (`ok`, `degraded`) or the HTTP status 503
    /// (`"503"`), at most `within`; the last answer.
    pub fn wait_ready(&self, status: &str, within: Duration) -> crate::Resp {
        let until = std::time::Instant::now() + within;
        loop {
            let r = self.get("/ready");
            let matched = if status == "503" {
                r.status == 503
            } else {
                r.status == 200 && r.json["status"] == status
            };
            if matched || std::time::Instant::now() > until {
                return r;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Runs `body` against a fresh app on `backend` (for `oidc_e2e!`).
pub fn with_oidc_app(backend: Backend, body: impl FnOnce(&mut TestApp)) {
    body(&mut TestApp::spawn(backend));
}

/// Like `e2e!`, for tests that need the OpenID provider: each half is also ignored, with the
/// reason, when it is not installed (`cfg(oidc_tests)`), and gets the app mutably (the test
/// restarts it with its providers).
#[macro_export]
macro_rules! oidc_e2e {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            #[cfg_attr(
                not(oidc_tests),
                ignore = "OIDC provider not installed: run npm ci --prefix tests/oidc-provider"
            )]
            fn sqlite() {
                $crate::oidc::with_oidc_app($crate::Backend::Sqlite, |$app| $body);
            }

            #[test]
            #[cfg_attr(
                not(postgres_tests),
                ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
            )]
            #[cfg_attr(
                all(postgres_tests, not(oidc_tests)),
                ignore = "OIDC provider not installed: run npm ci --prefix tests/oidc-provider"
            )]
            fn postgres() {
                $crate::oidc::with_oidc_app($crate::Backend::Postgres, |$app| $body);
            }
        }
    };
}
