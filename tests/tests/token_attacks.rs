//! Token attacks (issue 6): `alg: none`, an HS256 token signed with the RS256 public key,
//! expired, not yet valid, wrong `iss`, wrong `aud`, a tampered payload, no `exp` — every one
//! is a 401 problem document, and none reaches a handler: a write sent with it changes
//! nothing, and a public read sent with it is refused as well.
//!
//! Each server also accepts a well-formed token with the same claims (the control), so that
//! every refusal is owed to the attack alone.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use samverkan_api::config::{JwtKey, JwtSettings};
use samverkan_e2e::*;
use serde_json::{Value, json};

const RS_PUBLIC: &[u8] = include_bytes!("../../api/tests/fixtures/rs256-test-public.pem");
const RS_PRIVATE: &[u8] = include_bytes!("../../api/tests/fixtures/rs256-test-private.pem");
const ISSUER: &str = "https://idp.exempel.se";
const AUDIENCE: &str = "samverkan";

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// A platform administrator's claims, valid for ten minutes: what an attacker wants.
fn claims() -> Value {
    json!({"sub": "angripare-1", "roles": ["platform_admin"], "exp": now() + 600, "iat": now()})
}

/// `claims()` with the issuer and audience the RS256 server requires.
fn addressed() -> Value {
    let mut c = claims();
    c["iss"] = json!(ISSUER);
    c["aud"] = json!(AUDIENCE);
    c
}

fn with(mut c: Value, key: &str, value: Value) -> Value {
    c[key] = value;
    c
}

fn without(mut c: Value, key: &str) -> Value {
    c.as_object_mut().expect("claims").remove(key);
    c
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("encode")
}

fn rs256(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::RS256),
        claims,
        &EncodingKey::from_rsa_pem(RS_PRIVATE).expect("private key"),
    )
    .expect("encode")
}

/// Base64url without padding, as JWTs use it.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A token with no signature under the given `alg` header.
fn unsigned(alg: &str, claims: &Value) -> String {
    format!(
        "{}.{}.",
        b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// A genuine token whose payload is swapped for `claims`, keeping header and signature.
fn tampered(genuine: &str, claims: &Value) -> String {
    let parts: Vec<&str> = genuine.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS compact token");
    format!(
        "{}.{}.{}",
        parts[0],
        b64(claims.to_string().as_bytes()),
        parts[2]
    )
}

fn organisation_names(app: &TestApp) -> Vec<String> {
    let r = app.get("/api/v1/organizations?limit=200");
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_owned())
        .collect()
}

fn new_organisation(name: &str) -> Value {
    json!({"name": format!("Inkräktarföreningen {name}"), "legal_form": "other"})
}

/// The well-formed token is accepted: a write goes through.
fn assert_accepted(app: &TestApp, token: &str) {
    let r = app.post(
        "/api/v1/organizations",
        Some(token),
        &new_organisation("kontroll"),
    );
    assert_eq!(r.status, 201, "the control token must pass: {}", r.text);
}

/// The token is refused with a 401 problem everywhere, and no write happens.
fn assert_refused(app: &TestApp, attack: &str, token: &str) {
    let before = organisation_names(app);
    let r = app.post(
        "/api/v1/organizations",
        Some(token),
        &new_organisation(attack),
    );
    assert_eq!(r.status, 401, "{attack}: {}", r.text);
    r.assert_problem(401);
    assert!(
        r.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer")),
        "{attack}: WWW-Authenticate"
    );
    assert!(
        !r.text.contains("angripare"),
        "{attack}: the refusal echoes no claims: {}",
        r.text
    );
    // A protected read and a public read with the token are refused as well.
    app.get_as("/api/v1/agenda", token).assert_problem(401);
    app.get_as("/api/v1/organizations", token)
        .assert_problem(401);
    assert_eq!(
        organisation_names(app),
        before,
        "{attack}: the write reached a handler"
    );
}

e2e!(hs256_server_refuses_forged_and_stale_tokens, |app| {
    let secret = TEST_SECRET;
    let good = hs256(&claims(), secret);
    assert_accepted(app, &good);
    let past = now() - 3600;
    let attacks = [
        ("alg none", unsigned("none", &claims())),
        ("alg None", unsigned("None", &claims())),
        (
            "alg none with the genuine signature",
            format!(
                "{}.{}",
                unsigned("none", &claims()).trim_end_matches('.'),
                good.rsplit('.').next().expect("signature")
            ),
        ),
        (
            "signature stripped",
            format!("{}.", good.rsplit_once('.').expect("signature").0),
        ),
        (
            "another secret",
            hs256(&claims(), b"another-secret-another-secret-!!"),
        ),
        ("RS256-signed at an HS256 server", rs256(&claims())),
        (
            "expired",
            hs256(&with(claims(), "exp", json!(past)), secret),
        ),
        (
            "not yet valid",
            hs256(&with(claims(), "nbf", json!(now() + 3600)), secret),
        ),
        ("missing exp", hs256(&without(claims(), "exp"), secret)),
        (
            "exp as a string",
            hs256(&with(claims(), "exp", json!("9999999999")), secret),
        ),
        ("missing sub", hs256(&without(claims(), "sub"), secret)),
        (
            "empty sub",
            hs256(&with(claims(), "sub", json!(" ")), secret),
        ),
        (
            "tampered payload",
            tampered(
                &hs256(
                    &json!({"sub": "angripare-1", "roles": ["organization_rep"], "exp": now() + 600}),
                    secret,
                ),
                &claims(),
            ),
        ),
        ("garbage", "inte.en.token".to_owned()),
        ("two parts", "eyJhbGciOiJIUzI1NiJ9.e30".to_owned()),
    ];
    for (attack, token) in &attacks {
        assert_refused(app, attack, token);
    }
    // The scheme must be Bearer, and a token must follow it.
    for header in [
        format!("Basic {good}"),
        "Bearer ".to_owned(),
        "Bearer".to_owned(),
        good.clone(),
    ] {
        let r = app.send(
            "POST",
            "/api/v1/organizations",
            &[("authorization", &header)],
            Some((
                "application/json",
                new_organisation("schema").to_string().into_bytes(),
            )),
        );
        r.assert_problem(401);
    }
    assert!(
        !organisation_names(app)
            .iter()
            .any(|n| n != "Inkräktarföreningen kontroll"),
        "only the control's write landed"
    );
});

fn rs256_settings() -> JwtSettings {
    JwtSettings {
        key: Some(JwtKey::PublicKeyPem(RS_PUBLIC.to_vec())),
        algorithm: samverkan_api::config::Algorithm::RS256,
        issuer: Some(ISSUER.to_owned()),
        audience: Some(AUDIENCE.to_owned()),
        leeway_seconds: 5,
        max_lifetime_seconds: samverkan_api::config::DEFAULT_JWT_MAX_LIFETIME,
        private_key_pem: Some(RS_PRIVATE.to_vec()),
    }
}

mod rs256_server_refuses_forged_misaddressed_and_stale_tokens {
    use super::*;

    fn run(backend: Backend) {
        let app = &TestApp::spawn_with_jwt(backend, &rs256_settings());
        let good = rs256(&addressed());
        assert_accepted(app, &good);
        let public_pem = std::str::from_utf8(RS_PUBLIC).expect("pem");
        let attacks = [
            // The classic confusion: the public key, known to all, used as an HMAC secret.
            (
                "HS256 signed with the public key",
                hs256(&addressed(), RS_PUBLIC),
            ),
            (
                "HS256 signed with the trimmed public key",
                hs256(&addressed(), public_pem.trim().as_bytes()),
            ),
            ("alg none", unsigned("none", &addressed())),
            (
                "wrong iss",
                rs256(&with(
                    addressed(),
                    "iss",
                    json!("https://idp.angripare.example"),
                )),
            ),
            ("missing iss", rs256(&without(addressed(), "iss"))),
            (
                "wrong aud",
                rs256(&with(addressed(), "aud", json!("annan-tjanst"))),
            ),
            (
                "aud list without ours",
                rs256(&with(addressed(), "aud", json!(["annan-tjanst", "tredje"]))),
            ),
            ("missing aud", rs256(&without(addressed(), "aud"))),
            (
                "expired",
                rs256(&with(addressed(), "exp", json!(now() - 3600))),
            ),
            (
                "not yet valid",
                rs256(&with(addressed(), "nbf", json!(now() + 3600))),
            ),
            ("missing exp", rs256(&without(addressed(), "exp"))),
            (
                "tampered payload",
                tampered(
                    &rs256(&with(addressed(), "roles", json!(["organization_rep"]))),
                    &addressed(),
                ),
            ),
        ];
        for (attack, token) in &attacks {
            assert_refused(app, attack, token);
        }
        // Within the leeway an expiry just past is still accepted (clock skew), beyond it not.
        assert_accepted(app, &rs256(&with(addressed(), "exp", json!(now() - 1))));
    }

    #[test]
    fn sqlite() {
        run(Backend::Sqlite);
    }

    #[test]
    #[cfg_attr(
        not(postgres_tests),
        ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
    )]
    fn postgres() {
        run(Backend::Postgres);
    }
}

// Issue 13: a token living longer than the configured maximum (24 h by default:
// `exp - iat`, or `exp - now` without `iat`) is refused, and so is one whose header names
// critical extensions (`crit`), which this server implements none of.
e2e!(long_lived_and_critical_tokens_are_refused, |app| {
    let path = "/api/v1/agenda";
    let call = |token: &str| {
        app.send(
            "GET",
            path,
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
    };
    let day = 24 * 3600;
    let fine = with(claims(), "exp", json!(now() + day - 60));
    assert_eq!(call(&hs256(&fine, TEST_SECRET)).status, 200);
    for (what, c) in [
        (
            "exp - iat past a day",
            with(claims(), "exp", json!(now() + day + 120)),
        ),
        (
            "a year, issued long ago",
            with(
                with(claims(), "iat", json!(now() - 300 * day)),
                "exp",
                json!(now() + 600),
            ),
        ),
        (
            "no iat, exp two days away",
            with(without(claims(), "iat"), "exp", json!(now() + 2 * day)),
        ),
    ] {
        let r = call(&hs256(&c, TEST_SECRET));
        r.assert_problem(401);
        assert!(r.text.contains("lifetime"), "{what}: {}", r.text);
    }
    let header = b64(br#"{"alg":"HS256","typ":"JWT","crit":["exp"]}"#);
    let payload = b64(claims().to_string().as_bytes());
    let message = format!("{header}.{payload}");
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(TEST_SECRET),
        Algorithm::HS256,
    )
    .expect("sign");
    let r = call(&format!("{message}.{signature}"));
    r.assert_problem(401);
    assert!(r.text.contains("crit"), "{}", r.text);
});
