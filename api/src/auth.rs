//! Bearer JWT verification. The algorithm is pinned by configuration, so a token can never
//! choose how it is verified (`alg: none`, HS256-with-the-public-key and friends fail here).
//! The extractors that read the token from a request are in `extract`.

use std::collections::BTreeSet;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use samverkan_domain::access::{Principal, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{JwtKey, JwtSettings};
use crate::oidc::{Oidc, Verified};
use crate::problem::{ApiError, Unauthenticated};

/// The claims Samverkan reads. Unknown roles are ignored, so an identity provider may issue
/// roles of other systems in the same token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_body_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organization_ids: Vec<Uuid>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

impl Claims {
    pub fn into_principal(self) -> Principal {
        Principal {
            sub: self.sub,
            name: self.name,
            roles: self.roles.iter().filter_map(|r| Role::parse(r)).collect(),
            public_body_id: self.public_body_id,
            organization_ids: self.organization_ids.into_iter().collect::<BTreeSet<_>>(),
        }
    }
}

/// Verifies tokens; built once from the configuration: a static key (a shared secret or one
/// public key), the identity providers of `oidc`, or both. A token names its issuer in
/// `iss`; one of a configured provider is verified by that provider's keys, any other by
/// the static key.
pub struct Authenticator {
    /// `None` with identity providers only.
    key: Option<DecodingKey>,
    validation: Validation,
    oidc: Option<Arc<Oidc>>,
    /// Present when this server can also mint tokens (HS256 secret, or a private key).
    encoding: Option<(EncodingKey, Algorithm)>,
    issuer: Option<String>,
    audience: Option<String>,
    max_lifetime_seconds: u64,
}

/// Whether the token's header names critical extensions (`crit`, RFC 7515 §4.1.11): this
/// server implements none, so such a token must be refused (an unreadable header is left to
/// the verifier, which refuses it as malformed).
fn has_crit_header(token: &str) -> bool {
    use base64::Engine;
    let Some(header) = token.split('.').next() else {
        return false;
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|h| h.get("crit").is_some())
}

impl Authenticator {
    pub fn new(settings: &JwtSettings) -> Result<Self, String> {
        Self::with_providers(settings, None)
    }

    /// A verifier of the static key of `settings` (if any) and of the identity providers of
    /// `oidc` (if any); at least one of them.
    pub fn with_providers(settings: &JwtSettings, oidc: Option<Arc<Oidc>>) -> Result<Self, String> {
        let key = match (&settings.key, &oidc) {
            (Some(key), _) => Some(key),
            (None, Some(_)) => None,
            (None, None) => {
                return Err(
                    "no JWT key configured: set SAMVERKAN_JWT_SECRET or SAMVERKAN_JWT_PUBLIC_KEY, or SAMVERKAN_OIDC_ISSUER"
                        .into(),
                );
            }
        };
        let (decoding, encoding) = match key {
            None => (None, None),
            Some(key) => {
                let (decoding, encoding) = Self::static_key(settings, key)?;
                (Some(decoding), encoding)
            }
        };
        let mut validation = Validation::new(settings.algorithm);
        validation.leeway = settings.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.required_spec_claims = ["exp", "sub"].iter().map(|s| (*s).to_owned()).collect();
        match &settings.issuer {
            Some(iss) => {
                validation.set_issuer(&[iss]);
                validation.required_spec_claims.insert("iss".into());
            }
            None => validation.iss = None,
        }
        match &settings.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                validation.required_spec_claims.insert("aud".into());
            }
            None => validation.validate_aud = false,
        }
        Ok(Self {
            key: decoding,
            validation,
            oidc,
            encoding,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            max_lifetime_seconds: settings.max_lifetime_seconds,
        })
    }

    /// The identity providers, when configured.
    pub fn oidc(&self) -> Option<&Arc<Oidc>> {
        self.oidc.as_ref()
    }

    #[allow(clippy::type_complexity)]
    fn static_key(
        settings: &JwtSettings,
        key: &JwtKey,
    ) -> Result<(DecodingKey, Option<(EncodingKey, Algorithm)>), String> {
        Ok(match key {
            JwtKey::Secret(secret) => (
                DecodingKey::from_secret(secret),
                Some((EncodingKey::from_secret(secret), Algorithm::HS256)),
            ),
            JwtKey::PublicKeyPem(pem) => {
                let decoding = match settings.algorithm {
                    Algorithm::ES256 => DecodingKey::from_ec_pem(pem),
                    _ => DecodingKey::from_rsa_pem(pem),
                }
                .map_err(|e| format!("SAMVERKAN_JWT_PUBLIC_KEY: {e}"))?;
                let encoding = match &settings.private_key_pem {
                    None => None,
                    Some(pem) => Some((
                        match settings.algorithm {
                            Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
                            _ => EncodingKey::from_rsa_pem(pem),
                        }
                        .map_err(|e| format!("SAMVERKAN_JWT_PRIVATE_KEY: {e}"))?,
                        settings.algorithm,
                    )),
                };
                (decoding, encoding)
            }
        })
    }

    pub fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        self.verify_with_expiry(token)
            .map(|(principal, _)| principal)
    }

    /// [`Authenticator::verify`], with the token's `exp` (seconds since the epoch).
    /// Without refetching an identity provider's keys: a `kid` they lack is refused.
    pub fn verify_with_expiry(&self, token: &str) -> Result<(Principal, u64), ApiError> {
        match self.attempt(token) {
            Attempt::Done(result) => result,
            Attempt::Refetch(..) => Err(ApiError::Unauthorized(Unauthenticated::UnknownKey)),
        }
    }

    /// Verifies a token with what is at hand; a token of an identity provider whose `kid`
    /// the cached keys lack asks for a refetch when one is allowed now
    /// ([`Oidc::claim_refetch`]): the caller runs [`refetch_and_verify`] off the actix
    /// worker.
    pub fn attempt(&self, token: &str) -> Attempt {
        if has_crit_header(token) {
            return Attempt::Done(Err(ApiError::Unauthorized(Unauthenticated::CriticalHeader)));
        }
        let issuer = self
            .oidc
            .as_ref()
            .and_then(|_| crate::oidc::unverified_issuer(token));
        if let Some(oidc) = &self.oidc
            && let Some(index) = issuer.as_deref().and_then(|iss| oidc.issuer_index(iss))
        {
            return match oidc.verify(index, token) {
                Ok(Verified::Ok(principal, exp)) => Attempt::Done(Ok((principal, exp))),
                Ok(Verified::UnknownKey) if oidc.claim_refetch(index) => {
                    Attempt::Refetch(oidc.clone(), index)
                }
                Ok(Verified::UnknownKey) => {
                    Attempt::Done(Err(ApiError::Unauthorized(Unauthenticated::UnknownKey)))
                }
                Err(e) => Attempt::Done(Err(e)),
            };
        }
        let result = self.verify_static(token);
        // A token naming an issuer that is neither a provider nor the static key's: say so,
        // rather than how the static key refused it.
        if issuer.is_some() && result.is_err() {
            return Attempt::Done(Err(ApiError::Unauthorized(Unauthenticated::OtherIssuer)));
        }
        Attempt::Done(result)
    }

    fn verify_static(&self, token: &str) -> Result<(Principal, u64), ApiError> {
        let Some(key) = &self.key else {
            // Only identity providers are configured, and the token names none of them.
            return Err(ApiError::Unauthorized(Unauthenticated::OtherIssuer));
        };
        let data = decode::<Claims>(token, key, &self.validation)
            .map_err(|e| ApiError::Unauthorized(Unauthenticated::of_jwt_error(&e)))?;
        if data.claims.sub.trim().is_empty() {
            return Err(ApiError::Unauthorized(Unauthenticated::EmptySubject));
        }
        let from = data
            .claims
            .iat
            .unwrap_or_else(jsonwebtoken::get_current_timestamp);
        if data.claims.exp.saturating_sub(from) > self.max_lifetime_seconds {
            return Err(ApiError::Unauthorized(Unauthenticated::LivesTooLong));
        }
        let exp = data.claims.exp;
        Ok((data.claims.into_principal(), exp))
    }

    /// Mints a token (for `samverkan token` and for tests).
    pub fn mint(&self, request: &TokenRequest) -> Result<String, String> {
        let (key, algorithm) = self.encoding.as_ref().ok_or(
            "this configuration cannot mint tokens: set SAMVERKAN_JWT_SECRET, or SAMVERKAN_JWT_PRIVATE_KEY with the public key",
        )?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: request.sub.clone(),
            name: request.name.clone(),
            roles: request
                .roles
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            public_body_id: request.public_body_id,
            organization_ids: request.organization_ids.clone(),
            exp: now + request.ttl_seconds,
            iat: Some(now),
            nbf: None,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        encode(&Header::new(*algorithm), &claims, key).map_err(|e| e.to_string())
    }
}

/// What [`Authenticator::attempt`] came to.
pub enum Attempt {
    Done(Result<(Principal, u64), ApiError>),
    /// Refetch this issuer's keys (blocking), then verify again: [`refetch_and_verify`].
    Refetch(Arc<Oidc>, usize),
}

/// Refetches issuer `index`'s keys and verifies the token once more (blocking: run it on the
/// blocking pool). A `kid` still unknown is refused.
pub fn refetch_and_verify(
    oidc: &Oidc,
    index: usize,
    token: &str,
) -> Result<(Principal, u64), ApiError> {
    oidc.refresh(index);
    match oidc.verify(index, token)? {
        Verified::Ok(principal, exp) => Ok((principal, exp)),
        Verified::UnknownKey => Err(ApiError::Unauthorized(Unauthenticated::UnknownKey)),
    }
}

#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub sub: String,
    pub name: Option<String>,
    pub roles: Vec<Role>,
    pub public_body_id: Option<Uuid>,
    pub organization_ids: Vec<Uuid>,
    pub ttl_seconds: u64,
}

/// Turns a domain permission answer into 403 (or 404 where the caller must not learn that
/// the resource exists).
pub fn require(access: samverkan_domain::access::Access) -> Result<(), ApiError> {
    access.map_err(denied)
}

/// A refusal as the API answers it: 403, or 404 where the resource stays hidden.
pub fn denied(denied: samverkan_domain::access::Denied) -> ApiError {
    use samverkan_domain::access::Denied;
    match denied {
        Denied::Forbidden => ApiError::Forbidden,
        Denied::Hidden => ApiError::NotFound,
    }
}

/// Shorthand for a yes/no permission.
pub fn require_that(allowed: bool) -> Result<(), ApiError> {
    if allowed {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> JwtSettings {
        JwtSettings {
            key: Some(JwtKey::Secret(b"0123456789abcdef0123456789abcdef".to_vec())),
            algorithm: Algorithm::HS256,
            issuer: Some("https://idp.example".into()),
            audience: Some("samverkan".into()),
            leeway_seconds: 0,
            max_lifetime_seconds: crate::config::DEFAULT_JWT_MAX_LIFETIME,
            private_key_pem: None,
        }
    }

    fn request() -> TokenRequest {
        TokenRequest {
            sub: "processledare-1".into(),
            name: Some("Åsa Exempel".into()),
            roles: vec![Role::AgreementAdmin, Role::OrganizationRep],
            public_body_id: Some(Uuid::from_u128(5)),
            organization_ids: vec![Uuid::from_u128(9)],
            ttl_seconds: 60,
        }
    }

    #[test]
    fn minted_tokens_verify() {
        let auth = Authenticator::new(&settings()).unwrap();
        let p = auth.verify(&auth.mint(&request()).unwrap()).unwrap();
        assert_eq!(p.sub, "processledare-1");
        assert!(p.has(Role::AgreementAdmin) && p.has(Role::OrganizationRep));
        assert_eq!(p.public_body_id, Some(Uuid::from_u128(5)));
        assert!(p.represents(Uuid::from_u128(9)));
    }

    const RS_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/rs256-test-private.pem");
    const RS_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/rs256-test-public.pem");

    fn rs256() -> JwtSettings {
        JwtSettings {
            key: Some(JwtKey::PublicKeyPem(RS_PUBLIC.to_vec())),
            algorithm: Algorithm::RS256,
            issuer: None,
            audience: None,
            leeway_seconds: 0,
            max_lifetime_seconds: crate::config::DEFAULT_JWT_MAX_LIFETIME,
            private_key_pem: Some(RS_PRIVATE.to_vec()),
        }
    }

    #[test]
    fn rs256_tokens_verify_with_the_public_key() {
        let auth = Authenticator::new(&rs256()).unwrap();
        let p = auth.verify(&auth.mint(&request()).unwrap()).unwrap();
        assert_eq!(p.sub, "processledare-1");
    }

    #[test]
    fn the_algorithm_is_pinned() {
        // An HS256 token "signed" with the RS256 public key as secret: the classic confusion.
        let forged = Authenticator::new(&JwtSettings {
            key: Some(JwtKey::Secret(RS_PUBLIC.to_vec())),
            ..settings()
        })
        .unwrap()
        .mint(&request())
        .unwrap();
        assert!(
            Authenticator::new(&rs256())
                .unwrap()
                .verify(&forged)
                .is_err()
        );
        // alg: none.
        let none = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            forged.split('.').nth(1).unwrap()
        );
        assert!(
            Authenticator::new(&settings())
                .unwrap()
                .verify(&none)
                .is_err()
        );
        assert!(Authenticator::new(&rs256()).unwrap().verify(&none).is_err());
    }

    #[test]
    fn expired_and_tampered_tokens_are_refused() {
        let auth = Authenticator::new(&settings()).unwrap();
        let claims = Claims {
            sub: "x".into(),
            name: None,
            roles: vec![],
            public_body_id: None,
            organization_ids: vec![],
            exp: 1_000_000,
            iat: None,
            nbf: None,
            iss: Some("https://idp.example".into()),
            aud: Some("samverkan".into()),
        };
        let expired = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap();
        assert!(matches!(
            auth.verify(&expired),
            Err(ApiError::Unauthorized(Unauthenticated::Expired))
        ));
        let token = auth.mint(&request()).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replace('A', "B");
        assert!(auth.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn wrong_issuer_or_audience_is_refused() {
        let minted = Authenticator::new(&settings())
            .unwrap()
            .mint(&request())
            .unwrap();
        let mut other = settings();
        other.issuer = Some("https://other.example".into());
        assert!(Authenticator::new(&other).unwrap().verify(&minted).is_err());
        let mut other = settings();
        other.audience = Some("other".into());
        assert!(Authenticator::new(&other).unwrap().verify(&minted).is_err());
    }
}
