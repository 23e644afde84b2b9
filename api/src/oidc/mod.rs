//! Sign-in through identity providers (OpenID Connect): for each configured issuer, its
//! discovery document and published keys (JWKS), kept fresh by a background thread and
//! verified by `kid`; its tokens mapped to Samverkan's caller by the claims mapping
//! (`mapping`, `SAMVERKAN_CLAIMS_MAP`).
//!
//! - The keys are cached for the JWKS response's HTTP lifetime, bounded to
//!   [`OidcOptions::cache_min`]..[`OidcOptions::cache_max`] (1 minute to 24 hours).
//! - A token naming a `kid` the cache lacks triggers one refetch, at most once per
//!   [`OidcOptions::refetch_interval`] per issuer, so that a flood of invented `kid`s cannot
//!   make the server hammer the provider. The refetch runs on the blocking pool, never on an
//!   actix worker (`extract`).
//! - An unreachable provider is not a configuration error: the server starts, `/ready`
//!   answers 503 until the issuer's first keys arrive, and the thread retries with backoff.
//!   Later failures keep the keys it has (`/ready` says `degraded`, and the log says why).

use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, SubsecRound, Utc};
use jsonwebtoken::{Validation, decode, decode_header};
use samverkan_domain::access::Principal;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub mod keys;
pub mod mapping;

use keys::KeySet;
use mapping::IssuerMapping;

use crate::problem::{ApiError, Unauthenticated};

/// The identity providers trusted (`SAMVERKAN_OIDC_ISSUER`, one or more issuers separated
/// by spaces or commas) and how their tokens map to callers (`SAMVERKAN_CLAIMS_MAP`, the
/// path of a TOML file, `oidc::mapping`). Each issuer must have its table in the file, and
/// the file names no other.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub claims_map_path: String,
    pub claims_map: mapping::ClaimsMap,
}

impl OidcSettings {
    /// From the values of `SAMVERKAN_OIDC_ISSUER` and `SAMVERKAN_CLAIMS_MAP` (`config`).
    pub fn from_values(
        issuers: Option<String>,
        path: Option<String>,
    ) -> Result<Option<Self>, String> {
        let (issuers, path) = match (issuers, path) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err("SAMVERKAN_OIDC_ISSUER needs SAMVERKAN_CLAIMS_MAP: the file that maps each issuer's tokens to roles (docs/identity.md)".into());
            }
            (None, Some(_)) => {
                return Err("SAMVERKAN_CLAIMS_MAP is set without SAMVERKAN_OIDC_ISSUER: name the issuers to trust".into());
            }
            (Some(i), Some(p)) => (i, p),
        };
        let text = std::fs::read_to_string(path.trim())
            .map_err(|e| format!("SAMVERKAN_CLAIMS_MAP: cannot read {path:?}: {e}"))?;
        let claims_map = mapping::ClaimsMap::parse(&text)
            .map_err(|e| format!("SAMVERKAN_CLAIMS_MAP ({path}): {e}"))?;
        let listed: Vec<&str> = issuers
            .split([' ', ',', '\n'])
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        for issuer in &listed {
            if !claims_map.issuers.iter().any(|m| m.issuer == *issuer) {
                return Err(format!(
                    "SAMVERKAN_OIDC_ISSUER: {issuer:?} has no [[issuer]] table in SAMVERKAN_CLAIMS_MAP ({path})"
                ));
            }
        }
        if let Some(extra) = claims_map
            .issuers
            .iter()
            .find(|m| !listed.contains(&m.issuer.as_str()))
        {
            return Err(format!(
                "SAMVERKAN_CLAIMS_MAP ({path}): issuer {:?} is not in SAMVERKAN_OIDC_ISSUER",
                extra.issuer
            ));
        }
        Ok(Some(Self {
            claims_map_path: path,
            claims_map,
        }))
    }
}

/// How the key cache behaves; production's are the defaults, tests shorten them.
#[derive(Debug, Clone)]
pub struct OidcOptions {
    /// The shortest a JWKS response is cached, whatever its headers say (1 minute).
    pub cache_min: Duration,
    /// The longest (24 hours).
    pub cache_max: Duration,
    /// At most one refetch for an unknown `kid` per issuer in this time (1 minute).
    pub refetch_interval: Duration,
    /// The first retry after a failed fetch; doubled after each failure up to `retry_max`.
    pub retry_min: Duration,
    pub retry_max: Duration,
    /// Each HTTP request to a provider.
    pub http_timeout: Duration,
    /// Clock skew allowed on `exp`/`nbf` (`SAMVERKAN_JWT_LEEWAY`).
    pub leeway_seconds: u64,
    /// The longest lifetime a token may have (`SAMVERKAN_JWT_MAX_LIFETIME`).
    pub max_lifetime_seconds: u64,
}

impl Default for OidcOptions {
    fn default() -> Self {
        Self {
            cache_min: Duration::from_secs(60),
            cache_max: Duration::from_secs(24 * 3600),
            refetch_interval: Duration::from_secs(60),
            retry_min: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            http_timeout: Duration::from_secs(10),
            leeway_seconds: 30,
            // `config::DEFAULT_JWT_MAX_LIFETIME` (this module does not import the config).
            max_lifetime_seconds: 24 * 3600,
        }
    }
}

#[derive(Default)]
struct KeyState {
    keys: Option<Arc<KeySet>>,
    /// When the keys were last fetched (wall clock, for `/ready`).
    fetched_at: Option<SystemTime>,
    /// The cached keys are fresh until then.
    fresh_until: Option<Instant>,
    /// After a failure: the next attempt.
    retry_at: Option<Instant>,
    failures: u32,
    last_error: Option<String>,
    last_refetch: Option<Instant>,
}

struct Issuer {
    mapping: IssuerMapping,
    state: RwLock<KeyState>,
}

/// Every configured issuer with its keys; shared by the server's workers and its refresh
/// thread.
pub struct Oidc {
    issuers: Vec<Issuer>,
    options: OidcOptions,
    agent: ureq::Agent,
}

/// What verifying a token of an issuer came to.
pub enum Verified {
    Ok(Principal, u64),
    /// The token names a `kid` the cached keys lack: the caller may refetch
    /// ([`Oidc::claim_refetch`], then [`Oidc::refresh`]) and try once more.
    UnknownKey,
}

/// An issuer's state as `/ready` reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderStatus {
    pub issuer: String,
    /// `ok`: keys fresh; `degraded`: the last fetch failed, the keys fetched before still
    /// verify; `unavailable`: no keys fetched yet.
    pub status: &'static str,
    /// How many usable signing keys are cached.
    pub keys: usize,
    /// When the keys were last fetched (to the second).
    pub fetched_at: Option<DateTime<Utc>>,
    /// Why the last fetch failed, while it does.
    pub error: Option<String>,
}

/// The `iss` of a token, read before it is verified, to pick the issuer that verifies it.
pub fn unverified_issuer(token: &str) -> Option<String> {
    jsonwebtoken::dangerous::insecure_decode_claims::<Map<String, Value>>(token)
        .ok()?
        .get("iss")?
        .as_str()
        .map(str::to_owned)
}

impl Oidc {
    /// The issuers, with no keys yet, and the thread that fetches and refreshes them (it
    /// ends when the last `Arc` is dropped).
    pub fn start(mappings: Vec<IssuerMapping>, options: OidcOptions) -> Result<Arc<Self>, String> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(options.http_timeout))
            .http_status_as_error(false)
            .max_redirects(3)
            .user_agent("samverkan")
            .build()
            .new_agent();
        let oidc = Arc::new(Self {
            issuers: mappings
                .into_iter()
                .map(|mapping| Issuer {
                    mapping,
                    state: RwLock::default(),
                })
                .collect(),
            options,
            agent,
        });
        let weak = Arc::downgrade(&oidc);
        std::thread::Builder::new()
            .name("oidc-keys".into())
            .spawn(move || refresh_loop(&weak))
            .map_err(|e| format!("cannot start the identity provider key thread: {e}"))?;
        Ok(oidc)
    }

    pub fn issuer_index(&self, iss: &str) -> Option<usize> {
        self.issuers.iter().position(|i| i.mapping.issuer == iss)
    }

    pub fn options(&self) -> &OidcOptions {
        &self.options
    }

    /// Verifies a token of issuer `index` with its cached keys: the `kid` names the key, the
    /// key's algorithms bound the header's `alg`, `iss`, `aud` and `exp` are required.
    pub fn verify(&self, index: usize, token: &str) -> Result<Verified, ApiError> {
        let issuer = self
            .issuers
            .get(index)
            .ok_or(ApiError::Unauthorized(Unauthenticated::OtherIssuer))?;
        let header =
            decode_header(token).map_err(|_| ApiError::Unauthorized(Unauthenticated::Malformed))?;
        let kid = header
            .kid
            .ok_or(ApiError::Unauthorized(Unauthenticated::UnknownKey))?;
        let keys = read(&issuer.state).keys.clone().ok_or_else(|| {
            ApiError::ProviderUnavailable(format!(
                "the keys of identity provider {} have not been fetched yet",
                issuer.mapping.issuer
            ))
        })?;
        let Some(key) = keys.find(&kid) else {
            return Ok(Verified::UnknownKey);
        };
        if !key.algorithms.contains(&header.alg) {
            return Err(ApiError::Unauthorized(Unauthenticated::OtherAlgorithm));
        }
        let mut validation = Validation::new(header.alg);
        validation.algorithms = key.algorithms.clone();
        validation.leeway = self.options.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.required_spec_claims = ["exp", "iss", "aud"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        validation.set_issuer(&[&issuer.mapping.issuer]);
        validation.set_audience(&issuer.mapping.audiences);
        let data = decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|e| ApiError::Unauthorized(Unauthenticated::of_jwt_error(&e)))?;
        let claims = data.claims;
        let exp = claims
            .get("exp")
            .and_then(Value::as_u64)
            .ok_or(ApiError::Unauthorized(Unauthenticated::MissingClaim))?;
        let from = claims
            .get("iat")
            .and_then(Value::as_u64)
            .unwrap_or_else(jsonwebtoken::get_current_timestamp);
        if exp.saturating_sub(from) > self.options.max_lifetime_seconds {
            return Err(ApiError::Unauthorized(Unauthenticated::LivesTooLong));
        }
        let principal = issuer
            .mapping
            .principal(&claims)
            .map_err(ApiError::Unauthorized)?;
        Ok(Verified::Ok(principal, exp))
    }

    /// Whether an unknown `kid` may refetch issuer `index`'s keys now (at most once per
    /// `refetch_interval`); a yes uses up the turn.
    pub fn claim_refetch(&self, index: usize) -> bool {
        let Some(issuer) = self.issuers.get(index) else {
            return false;
        };
        let mut state = write(&issuer.state);
        let now = Instant::now();
        match state.last_refetch {
            Some(at) if now.duration_since(at) < self.options.refetch_interval => false,
            _ => {
                state.last_refetch = Some(now);
                true
            }
        }
    }

    /// Fetches issuer `index`'s discovery document and keys now (blocking: the refresh
    /// thread, or the blocking pool). A failure keeps the keys it had.
    pub fn refresh(&self, index: usize) {
        let Some(issuer) = self.issuers.get(index) else {
            return;
        };
        let result = self.fetch(&issuer.mapping.issuer);
        let now = Instant::now();
        let mut state = write(&issuer.state);
        match result {
            Ok((keys, lifetime)) => {
                if state.last_error.is_some() || state.keys.is_none() {
                    log::info!(
                        "identity provider {}: {} signing keys fetched",
                        issuer.mapping.issuer,
                        keys.keys.len()
                    );
                }
                state.keys = Some(Arc::new(keys));
                state.fetched_at = Some(SystemTime::now());
                state.fresh_until = Some(now + lifetime);
                state.retry_at = None;
                state.failures = 0;
                state.last_error = None;
            }
            Err(why) => {
                state.failures = state.failures.saturating_add(1);
                let backoff = self
                    .options
                    .retry_min
                    .saturating_mul(1 << state.failures.saturating_sub(1).min(16))
                    .min(self.options.retry_max);
                state.retry_at = Some(now + backoff);
                log::warn!(
                    "identity provider {}: cannot fetch its keys ({why}); {}, next attempt in {} s",
                    issuer.mapping.issuer,
                    if state.keys.is_some() {
                        "the keys fetched before still verify"
                    } else {
                        "its tokens cannot be verified until then"
                    },
                    backoff.as_secs_f32()
                );
                state.last_error = Some(why);
            }
        }
    }

    fn get_json(&self, url: &str) -> Result<(Value, Option<String>), String> {
        let mut response = self
            .agent
            .get(url)
            .header("accept", "application/json")
            .call()
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(format!("{url}: HTTP {status}"));
        }
        let cache_control = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .map_err(|e| format!("{url}: {e}"))?;
        let json = serde_json::from_str(&body).map_err(|e| format!("{url}: not JSON: {e}"))?;
        Ok((json, cache_control))
    }

    /// Discovery (OpenID Connect Discovery 1.0 §4), then the JWKS it names.
    fn fetch(&self, issuer: &str) -> Result<(KeySet, Duration), String> {
        let discovery_url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let (discovery, _) = self.get_json(&discovery_url)?;
        // §4.3: the document's issuer must be the one asked for.
        if discovery.get("issuer").and_then(Value::as_str) != Some(issuer) {
            return Err(format!(
                "{discovery_url}: its `issuer` is not {issuer:?} (§4.3 of OpenID Connect Discovery)"
            ));
        }
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{discovery_url}: no jwks_uri"))?
            .to_owned();
        let (jwks, cache_control) = self.get_json(&jwks_uri)?;
        let keys = KeySet::from_jwks(&jwks).map_err(|e| format!("{jwks_uri}: {e}"))?;
        if keys.keys.is_empty() {
            return Err(format!(
                "{jwks_uri}: no usable signing key (RS256, PS256 or ES256 with a kid)"
            ));
        }
        let lifetime = Duration::from_secs(keys::max_age(cache_control.as_deref()).unwrap_or(0))
            .clamp(self.options.cache_min, self.options.cache_max);
        Ok((keys, lifetime))
    }

    /// Every issuer's state, for `/ready`.
    pub fn status(&self) -> Vec<ProviderStatus> {
        self.issuers
            .iter()
            .map(|issuer| {
                let state = read(&issuer.state);
                let status = match (&state.keys, &state.last_error) {
                    (None, _) => "unavailable",
                    (Some(_), Some(_)) => "degraded",
                    (Some(_), None) => "ok",
                };
                ProviderStatus {
                    issuer: issuer.mapping.issuer.clone(),
                    status,
                    keys: state.keys.as_ref().map_or(0, |k| k.keys.len()),
                    fetched_at: state
                        .fetched_at
                        .map(|t| DateTime::<Utc>::from(t).trunc_subsecs(0)),
                    error: state.last_error.clone(),
                }
            })
            .collect()
    }

    /// The issuers whose keys are due: never fetched, stale, or a retry that is due.
    fn due(&self, now: Instant) -> (Vec<usize>, Option<Instant>) {
        let mut due = Vec::new();
        let mut next: Option<Instant> = None;
        for (index, issuer) in self.issuers.iter().enumerate() {
            let state = read(&issuer.state);
            let at = match (state.retry_at, state.fresh_until) {
                (Some(retry), _) => Some(retry),
                (None, fresh) => fresh,
            };
            match at {
                Some(at) if at > now => next = Some(next.map_or(at, |n| n.min(at))),
                _ => due.push(index),
            }
        }
        (due, next)
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fetches what is due, then sleeps until the next is, in steps short enough to notice the
/// server's end (the last `Arc` dropped).
fn refresh_loop(oidc: &Weak<Oidc>) {
    const STEP: Duration = Duration::from_millis(200);
    loop {
        let Some(strong) = oidc.upgrade() else {
            return;
        };
        let (due, next) = strong.due(Instant::now());
        for index in due {
            strong.refresh(index);
        }
        let (_, next_after) = strong.due(Instant::now());
        drop(strong);
        let wait = next_after
            .or(next)
            .map_or(STEP, |at| at.saturating_duration_since(Instant::now()))
            .min(STEP);
        std::thread::sleep(wait.max(Duration::from_millis(10)));
    }
}

/// The configured identity providers, their mapping's bodies and organisations found in the
/// register of `pool` (an error names the rule that names one the register lacks), with the
/// thread that fetches their keys started. Fetching is not awaited: a provider that cannot
/// be reached is not a configuration error (`/ready` says so).
pub fn prepare(
    settings: &OidcSettings,
    pool: &samverkan_persistence::DbPool,
    options: OidcOptions,
) -> Result<Arc<Oidc>, String> {
    use mapping::PartyRef;
    use samverkan_persistence::parties;
    let prefix = |e: String| format!("SAMVERKAN_CLAIMS_MAP ({}): {e}", settings.claims_map_path);
    let mut conn = samverkan_persistence::db::get_conn(pool)
        .map_err(|e| format!("cannot check SAMVERKAN_CLAIMS_MAP against the register: {e}"))?;
    let conn = &mut *conn;
    let one = |ids: Vec<uuid::Uuid>, what: &PartyRef| match ids.as_slice() {
        [] => Ok(None),
        [id] => Ok(Some(*id)),
        _ => Err(format!(
            "{what} names {} parties of the register; name the one meant by its id",
            ids.len()
        )),
    };
    let mut bodies = |r: &PartyRef| -> Result<Option<uuid::Uuid>, String> {
        let store = |e: samverkan_persistence::StoreError| e.to_string();
        match r {
            PartyRef::Id(id) => Ok(parties::public_body_exists(conn, *id)
                .map_err(store)?
                .then_some(*id)),
            PartyRef::ScbCode(code) => one(
                parties::public_body_ids_named(conn, Some(code), None).map_err(store)?,
                r,
            ),
            PartyRef::OrgNumber(number) => one(
                parties::public_body_ids_named(conn, None, Some(number)).map_err(store)?,
                r,
            ),
        }
    };
    let mut body_ids = Vec::new();
    // Two passes over one connection: the bodies, then the organisations.
    let claims_map = settings.claims_map.clone();
    let mut organizations_wanted = Vec::new();
    for issuer in &claims_map.issuers {
        for rule in &issuer.rules {
            if let Some(r) = &rule.public_body {
                body_ids.push((r.clone(), bodies(r).map_err(prefix)?));
            }
            organizations_wanted.extend(rule.organizations.iter().cloned());
        }
    }
    let mut organization_ids = Vec::new();
    for r in organizations_wanted {
        let store = |e: samverkan_persistence::StoreError| e.to_string();
        let found = match &r {
            PartyRef::Id(id) => parties::organization_exists(conn, *id)
                .map_err(store)
                .map_err(prefix)?
                .then_some(*id),
            PartyRef::OrgNumber(number) => one(
                parties::organization_ids_by_org_number(conn, number)
                    .map_err(store)
                    .map_err(prefix)?,
                &r,
            )
            .map_err(prefix)?,
            PartyRef::ScbCode(_) => None,
        };
        organization_ids.push((r, found));
    }
    let lookup = |table: &[(PartyRef, Option<uuid::Uuid>)], r: &PartyRef| {
        Ok(table.iter().find(|(k, _)| k == r).and_then(|(_, v)| *v))
    };
    let mappings = claims_map
        .resolve(|r| lookup(&body_ids, r), |r| lookup(&organization_ids, r))
        .map_err(prefix)?;
    Oidc::start(mappings, options)
}
