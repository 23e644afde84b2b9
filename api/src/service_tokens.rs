//! The tokens of service accounts (issue 22): minted at `POST /api/v1/oauth/token` for a
//! client id and secret, and verified beside the other modes of `auth`.
//!
//! A token is an HS256 JWT signed with the server key `service_token` (in `server_keys`,
//! made by its migration, shared by every instance), issued by [`ISSUER`], with `sub` =
//! `service:<client_id>`, the account's roles and scopes, and a lifetime of
//! [`TOKEN_SECONDS`]. Verifying one also reads the account: a revoked account's tokens are
//! refused at once, not only when they expire. Time is the server's clock (`AppState`).
//!
//! Secrets are 32 bytes (two UUID v4s: 244 random bits), base64url; only their SHA-256 is
//! stored (a secret that random needs no salt or slow hash) and compared in constant time.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use samverkan_domain::access::Principal;
use samverkan_domain::service_account::{ServiceAccount, client_id_of_subject};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{keys, service_accounts as store};

use crate::auth::Claims;
use crate::problem::{ApiError, Unauthenticated};

/// The `iss` of service-account tokens: tokens naming it are verified here.
pub const ISSUER: &str = "urn:samverkan:service-accounts";

/// How long a token lives: ten minutes.
pub const TOKEN_SECONDS: u64 = 600;

/// The name of the signing key in `server_keys`.
pub const KEY_NAME: &str = "service_token";

/// Seconds of clock skew tolerated between instances.
const LEEWAY_SECONDS: u64 = 30;

/// A new secret: 32 random bytes, base64url without padding.
pub fn new_secret() -> String {
    crate::workflows::applications::new_token()
}

/// The stored form of a secret: its SHA-256 in hex.
pub fn secret_hash(secret: &str) -> String {
    crate::workflows::applications::token_hash(secret)
}

/// Whether `secret` hashes to `stored`, compared in constant time.
pub fn secret_matches(secret: &str, stored: &str) -> bool {
    let presented = secret_hash(secret);
    presented.len() == stored.len()
        && presented
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn signing_key(conn: &mut DbConnection) -> Result<String, ApiError> {
    keys::read_key(conn, KEY_NAME)?
        .ok_or_else(|| ApiError::Internal("the service-token key is missing".into()))
}

/// Whether a token names the service-account issuer (unverified: only to choose how to
/// verify it).
pub fn is_service_token(token: &str) -> bool {
    crate::oidc::unverified_issuer(token).as_deref() == Some(ISSUER)
}

/// Mints a token for `account` at `now` (seconds since the epoch): the token and its
/// lifetime in seconds.
pub fn mint(
    conn: &mut DbConnection,
    account: &ServiceAccount,
    now: u64,
) -> Result<(String, u64), ApiError> {
    let key = signing_key(conn)?;
    let principal = account.principal();
    let claims = Claims {
        sub: principal.sub,
        name: principal.name,
        roles: principal
            .roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        public_body_id: principal.public_body_id,
        organization_ids: principal.organization_ids.into_iter().collect(),
        exp: now + TOKEN_SECONDS,
        iat: Some(now),
        nbf: None,
        iss: Some(ISSUER.to_owned()),
        aud: None,
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(key.as_bytes()),
    )
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((token, TOKEN_SECONDS))
}

/// Verifies a service-account token at `now` (seconds since the epoch): its signature,
/// issuer and lifetime, and that its account still exists and is not revoked. The caller is
/// the account as stored now.
pub fn verify(
    conn: &mut DbConnection,
    token: &str,
    now: u64,
) -> Result<(Principal, u64), ApiError> {
    let key = signing_key(conn)?;
    let mut validation = Validation::new(Algorithm::HS256);
    // Expiry is checked against the server's clock below, not the system's.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.set_issuer(&[ISSUER]);
    validation.required_spec_claims = ["exp", "sub", "iss"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let data = decode::<Claims>(
        token,
        &DecodingKey::from_secret(key.as_bytes()),
        &validation,
    )
    .map_err(|e| ApiError::Unauthorized(Unauthenticated::of_jwt_error(&e)))?;
    let claims = data.claims;
    if claims.exp.saturating_add(LEEWAY_SECONDS) <= now {
        return Err(ApiError::Unauthorized(Unauthenticated::Expired));
    }
    if claims.exp.saturating_sub(claims.iat.unwrap_or(now)) > TOKEN_SECONDS {
        return Err(ApiError::Unauthorized(Unauthenticated::LivesTooLong));
    }
    let client_id = client_id_of_subject(&claims.sub)
        .ok_or(ApiError::Unauthorized(Unauthenticated::Malformed))?;
    let account = store::find_account(conn, client_id)?
        .map(|s| s.account)
        .filter(ServiceAccount::is_active)
        .ok_or(ApiError::Unauthorized(
            Unauthenticated::ServiceAccountRevoked,
        ))?;
    Ok((account.principal(), claims.exp))
}
