//! Configuration from the environment, read once at start and passed down (no globals).

use std::time::Duration;

pub use jsonwebtoken::Algorithm;
use samverkan_persistence::DatabaseUrl;
use samverkan_persistence::db::{BackendKind, DEFAULT_DATABASE_URL};

/// Where tokens come from: a shared secret (local use) or an identity provider's public key.
#[derive(Clone)]
pub enum JwtKey {
    Secret(Vec<u8>),
    PublicKeyPem(Vec<u8>),
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret(…)"),
            Self::PublicKeyPem(_) => f.write_str("PublicKeyPem(…)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// `None` when no key is configured: `serve` refuses to start unless `--demo`.
    pub key: Option<JwtKey>,
    pub algorithm: Algorithm,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub leeway_seconds: u64,
    /// The longest lifetime a token may have (`SAMVERKAN_JWT_MAX_LIFETIME`, seconds, default
    /// 24 h): `exp - iat`, or `exp - now` without `iat`.
    pub max_lifetime_seconds: u64,
    /// PEM private key, only for `samverkan token` with RS256/ES256.
    pub private_key_pem: Option<Vec<u8>>,
}

/// 24 hours: tokens living longer are refused (`SAMVERKAN_JWT_MAX_LIFETIME`).
pub const DEFAULT_JWT_MAX_LIFETIME: u64 = 24 * 3600;

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: DatabaseUrl,
    pub jwt: JwtSettings,
    /// Identity providers (OpenID Connect), when configured.
    pub oidc: Option<crate::oidc::OidcSettings>,
    pub body_limit: usize,
    pub workers: usize,
    pub pool_size: u32,
    pub client_request_timeout: Duration,
    /// The address clients reach this server at (`SAMVERKAN_PUBLIC_URL`), which the served
    /// OpenAPI document names as its server; `None`: the relative `/`.
    pub public_url: Option<String>,
    /// Where `GET /metrics` is served (`SAMVERKAN_METRICS_BIND`); `None`: nowhere.
    pub metrics_bind: Option<String>,
    /// `SAMVERKAN_LOG_FORMAT`: text (default) or json.
    pub log_format: crate::logging::LogFormat,
    /// How long in-flight requests may take to finish after SIGTERM
    /// (`SAMVERKAN_SHUTDOWN_GRACE`, seconds).
    pub shutdown_grace: Duration,
    /// Days an application made on the form waits for its contact person's confirmation
    /// before the sweep cancels it (`SAMVERKAN_VERIFICATION_DAYS`, default 14).
    pub verification_days: u32,
}

/// Every variable the server reads. An unknown `SAMVERKAN_*` one is warned about, naming the
/// closest of these (a typo would otherwise be silently ignored).
pub const KNOWN_VARIABLES: &[&str] = &[
    "DATABASE_URL",
    "SAMVERKAN_BIND",
    "SAMVERKAN_BODY_LIMIT",
    "SAMVERKAN_CLAIMS_MAP",
    "SAMVERKAN_CLIENT_TIMEOUT_MS",
    "SAMVERKAN_DB_POOL_SIZE",
    "SAMVERKAN_JWT_ALGORITHM",
    "SAMVERKAN_JWT_AUDIENCE",
    "SAMVERKAN_JWT_ISSUER",
    "SAMVERKAN_JWT_LEEWAY",
    "SAMVERKAN_JWT_MAX_LIFETIME",
    "SAMVERKAN_JWT_PRIVATE_KEY",
    "SAMVERKAN_JWT_PUBLIC_KEY",
    "SAMVERKAN_JWT_SECRET",
    "SAMVERKAN_LOG_FORMAT",
    "SAMVERKAN_METRICS_BIND",
    "SAMVERKAN_OIDC_ISSUER",
    "SAMVERKAN_PUBLIC_URL",
    "SAMVERKAN_SHUTDOWN_GRACE",
    "SAMVERKAN_VERIFICATION_DAYS",
    "SAMVERKAN_WORKERS",
];

/// Variables of this repository's harnesses and clients, and of the build, not of the
/// server: never warned about.
const FOREIGN_VARIABLES: &[&str] = &["SAMVERKAN_GIT_COMMIT", "SAMVERKAN_TOKEN", "SAMVERKAN_URL"];
const FOREIGN_PREFIXES: &[&str] = &["SAMVERKAN_TEST_", "SAMVERKAN_FUZZ_", "SAMVERKAN_CONTRACT_"];

/// A warning for each `SAMVERKAN_*` name that the server does not read, naming the closest
/// known one.
pub fn unknown_variable_warnings<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| {
            n.starts_with("SAMVERKAN_")
                && !KNOWN_VARIABLES.contains(n)
                && !FOREIGN_VARIABLES.contains(n)
                && !FOREIGN_PREFIXES.iter().any(|p| n.starts_with(p))
        })
        .map(|n| {
            let closest = KNOWN_VARIABLES
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(n, a)
                        .partial_cmp(&strsim::jaro_winkler(n, b))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .copied()
                .unwrap_or("SAMVERKAN_BIND");
            format!("{n} is not a setting of samverkan (ignored); did you mean {closest}?")
        })
        .collect()
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The environment, abstracted so that tests pass their own map.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn parse_number<T: std::str::FromStr>(env: &dyn Env, name: &str, default: T) -> Result<T, String> {
    match env.var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: expected a number, got {v:?}")),
    }
}

/// Reads a PEM value given inline or as a path to a file.
fn pem_value(name: &str, value: String) -> Result<Vec<u8>, String> {
    if value.trim_start().starts_with("-----BEGIN") {
        Ok(value.into_bytes())
    } else {
        std::fs::read(value.trim())
            .map_err(|e| format!("{name}: cannot read PEM file {value:?}: {e}"))
    }
}

impl Settings {
    pub fn from_env(env: &dyn Env) -> Result<Self, String> {
        let database_url = DatabaseUrl::parse(
            &env.var("DATABASE_URL")
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
        )?;
        let secret = env.var("SAMVERKAN_JWT_SECRET");
        let public_key = env.var("SAMVERKAN_JWT_PUBLIC_KEY");
        let key = match (secret, public_key) {
            (Some(_), Some(_)) => {
                return Err(
                    "SAMVERKAN_JWT_SECRET and SAMVERKAN_JWT_PUBLIC_KEY are both set; configure one"
                        .into(),
                );
            }
            (Some(s), None) => {
                if s.len() < 32 {
                    return Err("SAMVERKAN_JWT_SECRET: use at least 32 characters".into());
                }
                Some(JwtKey::Secret(s.into_bytes()))
            }
            (None, Some(pem)) => Some(JwtKey::PublicKeyPem(pem_value(
                "SAMVERKAN_JWT_PUBLIC_KEY",
                pem,
            )?)),
            (None, None) => None,
        };
        let algorithm = match env.var("SAMVERKAN_JWT_ALGORITHM").as_deref() {
            None => match key {
                Some(JwtKey::PublicKeyPem(_)) => Algorithm::RS256,
                _ => Algorithm::HS256,
            },
            Some("HS256") => Algorithm::HS256,
            Some("RS256") => Algorithm::RS256,
            Some("ES256") => Algorithm::ES256,
            Some(other) => {
                return Err(format!(
                    "SAMVERKAN_JWT_ALGORITHM: {other:?} is not one of HS256, RS256, ES256"
                ));
            }
        };
        match (&key, algorithm) {
            (Some(JwtKey::Secret(_)), Algorithm::HS256)
            | (Some(JwtKey::PublicKeyPem(_)), Algorithm::RS256 | Algorithm::ES256)
            | (None, _) => {}
            _ => {
                return Err(
                    "SAMVERKAN_JWT_ALGORITHM: HS256 goes with SAMVERKAN_JWT_SECRET, RS256/ES256 with SAMVERKAN_JWT_PUBLIC_KEY".into(),
                );
            }
        }
        let private_key_pem = env
            .var("SAMVERKAN_JWT_PRIVATE_KEY")
            .map(|v| pem_value("SAMVERKAN_JWT_PRIVATE_KEY", v))
            .transpose()?;
        let public_url = env
            .var("SAMVERKAN_PUBLIC_URL")
            .map(|v| public_url(&v))
            .transpose()?;
        let body_limit = parse_number(env, "SAMVERKAN_BODY_LIMIT", DEFAULT_BODY_LIMIT)?;
        if body_limit < 1024 {
            return Err("SAMVERKAN_BODY_LIMIT: at least 1024 bytes".into());
        }
        let backend = database_url.backend();
        let oidc = crate::oidc::OidcSettings::from_values(
            env.var("SAMVERKAN_OIDC_ISSUER"),
            env.var("SAMVERKAN_CLAIMS_MAP"),
        )?;
        Ok(Self {
            oidc,
            bind: env
                .var("SAMVERKAN_BIND")
                .unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            database_url,
            jwt: JwtSettings {
                key,
                algorithm,
                issuer: env.var("SAMVERKAN_JWT_ISSUER"),
                audience: env.var("SAMVERKAN_JWT_AUDIENCE"),
                leeway_seconds: parse_number(env, "SAMVERKAN_JWT_LEEWAY", 30)?,
                max_lifetime_seconds: parse_number(
                    env,
                    "SAMVERKAN_JWT_MAX_LIFETIME",
                    DEFAULT_JWT_MAX_LIFETIME,
                )?,
                private_key_pem,
            },
            body_limit,
            workers: parse_number(env, "SAMVERKAN_WORKERS", 2)?,
            pool_size: parse_number(env, "SAMVERKAN_DB_POOL_SIZE", default_pool_size(backend))?,
            client_request_timeout: Duration::from_millis(parse_number(
                env,
                "SAMVERKAN_CLIENT_TIMEOUT_MS",
                5000,
            )?),
            public_url,
            metrics_bind: env.var("SAMVERKAN_METRICS_BIND"),
            log_format: env
                .var("SAMVERKAN_LOG_FORMAT")
                .map(|v| crate::logging::LogFormat::parse(&v))
                .transpose()?
                .unwrap_or_default(),
            shutdown_grace: Duration::from_secs(parse_number(env, "SAMVERKAN_SHUTDOWN_GRACE", 10)?),
            verification_days: match parse_number(
                env,
                "SAMVERKAN_VERIFICATION_DAYS",
                samverkan_domain::accession::DEFAULT_VERIFICATION_DAYS,
            )? {
                days @ 1..=365 => days,
                _ => return Err("SAMVERKAN_VERIFICATION_DAYS: from 1 to 365 days".into()),
            },
        })
    }

    /// The effective configuration, one `NAME=value` a line, secrets masked
    /// (`samverkan check-config`).
    pub fn describe(&self) -> String {
        let masked = |set: bool| if set { "(set, masked)" } else { "(not set)" };
        let jwt_key = match &self.jwt.key {
            Some(JwtKey::Secret(_)) => "SAMVERKAN_JWT_SECRET=(set, masked)".to_owned(),
            Some(JwtKey::PublicKeyPem(pem)) => {
                format!("SAMVERKAN_JWT_PUBLIC_KEY=(PEM, {} bytes)", pem.len())
            }
            None => "SAMVERKAN_JWT_SECRET=(not set: serve needs a key or --demo)".to_owned(),
        };
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".into());
        [
            format!("DATABASE_URL={}", self.database_url.describe()),
            format!("SAMVERKAN_BIND={}", self.bind),
            format!("SAMVERKAN_PUBLIC_URL={}", opt(&self.public_url)),
            format!("SAMVERKAN_METRICS_BIND={}", opt(&self.metrics_bind)),
            format!("SAMVERKAN_LOG_FORMAT={}", self.log_format.as_str()),
            format!("SAMVERKAN_SHUTDOWN_GRACE={}", self.shutdown_grace.as_secs()),
            format!("SAMVERKAN_VERIFICATION_DAYS={}", self.verification_days),
            format!("SAMVERKAN_WORKERS={}", self.workers),
            format!("SAMVERKAN_DB_POOL_SIZE={}", self.pool_size),
            format!("SAMVERKAN_BODY_LIMIT={}", self.body_limit),
            format!(
                "SAMVERKAN_CLIENT_TIMEOUT_MS={}",
                self.client_request_timeout.as_millis()
            ),
            jwt_key,
            format!("SAMVERKAN_JWT_ALGORITHM={:?}", self.jwt.algorithm),
            format!("SAMVERKAN_JWT_ISSUER={}", opt(&self.jwt.issuer)),
            format!("SAMVERKAN_JWT_AUDIENCE={}", opt(&self.jwt.audience)),
            format!("SAMVERKAN_JWT_LEEWAY={}", self.jwt.leeway_seconds),
            format!(
                "SAMVERKAN_JWT_PRIVATE_KEY={}",
                masked(self.jwt.private_key_pem.is_some())
            ),
            format!(
                "SAMVERKAN_OIDC_ISSUER={}",
                self.oidc.as_ref().map_or_else(
                    || "(not set)".to_owned(),
                    |o| o
                        .claims_map
                        .issuers
                        .iter()
                        .map(|i| i.issuer.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            ),
            format!(
                "SAMVERKAN_CLAIMS_MAP={}",
                opt(&self.oidc.as_ref().map(|o| o.claims_map_path.clone()))
            ),
        ]
        .join("\n")
    }
}

/// `SAMVERKAN_PUBLIC_URL`: an absolute http(s) address without query or fragment; a trailing
/// `/` is dropped (the document's paths begin with one).
fn public_url(value: &str) -> Result<String, String> {
    let url = value.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.contains(['?', '#'])
                && !rest.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(url.to_owned())
        }
        _ => Err(format!(
            "SAMVERKAN_PUBLIC_URL: expected an http:// or https:// address such as https://samverkan.example.se, got {value:?}"
        )),
    }
}

/// Connections for requests when `SAMVERKAN_DB_POOL_SIZE` is not set, sized to the work
/// each backend can do at once. PostgreSQL: a write spends most of its time waiting for its
/// commit to reach the disk, and commits of concurrent transactions are flushed together, so
/// more connections than cores keep the disk's flushes full (32, well within PostgreSQL's
/// default `max_connections` of 100 for two instances). SQLite: one writer at a time, and
/// readers are CPU-bound, so a few per core are enough (8).
pub fn default_pool_size(backend: BackendKind) -> u32 {
    match backend {
        BackendKind::Postgres => 32,
        BackendKind::Sqlite => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let s = Settings::from_env(&[("X", "y")]).unwrap();
        assert_eq!(s.bind, DEFAULT_BIND);
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("samverkan.db".into()));
        assert!(s.jwt.key.is_none());
        assert_eq!(s.body_limit, 65536);
    }

    #[test]
    fn public_url_is_an_absolute_address_without_its_trailing_slash() {
        let s = Settings::from_env(&[("SAMVERKAN_PUBLIC_URL", "https://samverkan.example.se/")])
            .unwrap();
        assert_eq!(
            s.public_url.as_deref(),
            Some("https://samverkan.example.se")
        );
        let s = Settings::from_env(&[("SAMVERKAN_PUBLIC_URL", "http://127.0.0.1:8080/samverkan")])
            .unwrap();
        assert_eq!(
            s.public_url.as_deref(),
            Some("http://127.0.0.1:8080/samverkan")
        );
        assert_eq!(Settings::from_env(&[("X", "y")]).unwrap().public_url, None);
        for bad in [
            "samverkan.example.se",
            "ftp://x",
            "https://",
            "https://x?y=1",
            "https://a b",
        ] {
            let e = Settings::from_env(&[("SAMVERKAN_PUBLIC_URL", bad)]).unwrap_err();
            assert!(e.starts_with("SAMVERKAN_PUBLIC_URL"), "{bad}: {e}");
        }
    }

    #[test]
    fn unknown_variables_are_warned_about_naming_the_closest_known_one() {
        let w = unknown_variable_warnings([
            "SAMVERKAN_METRIC_BIND",
            "SAMVERKAN_BIND",
            "SAMVERKAN_TEST_POSTGRES_URL",
            "SAMVERKAN_FUZZ_SEED",
            "SAMVERKAN_TOKEN",
            "PATH",
        ]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("SAMVERKAN_METRIC_BIND "), "{}", w[0]);
        assert!(
            w[0].ends_with("did you mean SAMVERKAN_METRICS_BIND?"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn the_effective_configuration_masks_secrets() {
        let s = Settings::from_env(&[
            (
                "SAMVERKAN_JWT_SECRET",
                "hemligt-hemligt-hemligt-hemligt-åäö",
            ),
            (
                "DATABASE_URL",
                "postgres://samverkan:lösenord@db:5432/samverkan",
            ),
            ("SAMVERKAN_METRICS_BIND", "127.0.0.1:9100"),
        ])
        .unwrap();
        let text = s.describe();
        assert!(!text.contains("hemligt"), "{text}");
        assert!(!text.contains("lösenord"), "{text}");
        assert!(
            text.contains("SAMVERKAN_METRICS_BIND=127.0.0.1:9100"),
            "{text}"
        );
        assert!(
            text.contains("SAMVERKAN_JWT_SECRET=(set, masked)"),
            "{text}"
        );
    }

    #[test]
    fn operations_settings() {
        let s = Settings::from_env(&[("X", "y")]).unwrap();
        assert_eq!(s.metrics_bind, None);
        assert_eq!(s.shutdown_grace, Duration::from_secs(10));
        assert_eq!(s.log_format, crate::logging::LogFormat::Text);
        let e = Settings::from_env(&[("SAMVERKAN_SHUTDOWN_GRACE", "soon")]).unwrap_err();
        assert!(e.starts_with("SAMVERKAN_SHUTDOWN_GRACE"), "{e}");
        let e = Settings::from_env(&[("SAMVERKAN_LOG_FORMAT", "xml")]).unwrap_err();
        assert!(e.starts_with("SAMVERKAN_LOG_FORMAT"), "{e}");
    }

    #[test]
    fn identity_providers_need_their_mapping_and_every_issuer_its_table() {
        let e =
            Settings::from_env(&[("SAMVERKAN_OIDC_ISSUER", "https://idp.exempel.se")]).unwrap_err();
        assert!(e.contains("needs SAMVERKAN_CLAIMS_MAP"), "{e}");
        let file = std::env::temp_dir().join(format!("claims-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(
            &file,
            "[[issuer]]\nissuer = \"https://idp.exempel.se\"\naudience = \"samverkan\"\n",
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let ok = Settings::from_env(&[
            ("SAMVERKAN_OIDC_ISSUER", "https://idp.exempel.se"),
            ("SAMVERKAN_CLAIMS_MAP", path),
        ])
        .unwrap();
        assert!(
            ok.describe()
                .contains("SAMVERKAN_OIDC_ISSUER=https://idp.exempel.se")
        );
        let e = Settings::from_env(&[
            (
                "SAMVERKAN_OIDC_ISSUER",
                "https://idp.exempel.se https://annan.exempel.se",
            ),
            ("SAMVERKAN_CLAIMS_MAP", path),
        ])
        .unwrap_err();
        assert!(
            e.contains("\"https://annan.exempel.se\" has no [[issuer]] table"),
            "{e}"
        );
        let e = Settings::from_env(&[
            ("SAMVERKAN_OIDC_ISSUER", "https://annan.exempel.se"),
            ("SAMVERKAN_CLAIMS_MAP", path),
        ])
        .unwrap_err();
        assert!(e.contains("has no [[issuer]] table"), "{e}");
        let _ = std::fs::remove_file(&file);
    }

    #[test]
    fn refuses_unknown_scheme_naming_the_variable() {
        let e = Settings::from_env(&[("DATABASE_URL", "mysql://x/y")]).unwrap_err();
        assert!(e.starts_with("DATABASE_URL"), "{e}");
    }

    #[test]
    fn refuses_short_secret_and_mismatched_algorithm() {
        assert!(Settings::from_env(&[("SAMVERKAN_JWT_SECRET", "short")]).is_err());
        let e = Settings::from_env(&[
            ("SAMVERKAN_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("SAMVERKAN_JWT_ALGORITHM", "RS256"),
        ])
        .unwrap_err();
        assert!(e.starts_with("SAMVERKAN_JWT_ALGORITHM"), "{e}");
    }
}
