//! Sign-in through an identity provider (issue 22), against a real OpenID provider
//! (node-oidc-provider, started per test by the harness): discovery, verification by `kid`,
//! key rotation mid-test, the rate-limited refetch of an unknown `kid`, provider downtime
//! and a start without the provider, the claims mapping, and the refusal of `alg`
//! confusion, a wrong `iss`, a wrong `aud` and an expired token.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use samverkan_e2e::oidc::{AUDIENCE, OidcProvider, test_options};
use samverkan_e2e::*;
use serde_json::{Value, json};

const ADMIN_GROUP: &str = "8f0c2a9e-71d4-4f5b-b6a3-2e9d1c7f4a10";
const PLATFORM_WID: &str = "62e90394-69f5-4237-9190-012177145e10";
const ADMIN_OID: &str = "0d6b7a4e-2f1c-4b8e-9a37-5c1e8f2d9b01";

/// The mapping of `provider`'s tokens, Entra-style: `oid` as the subject, an app role for
/// Eslöv's processledare, a group for the steering group, a directory role for the
/// platform.
fn claims_map(provider: &OidcProvider) -> String {
    format!(
        r#"
[[issuer]]
issuer = "{issuer}"
audience = "{AUDIENCE}"
subject_claim = "oid"
name_claim = "name"

[[issuer.role]]
claim = "roles"
value = "Samverkan.Admin"
role = "agreement_admin"
public_body = "1285"

[[issuer.role]]
claim = "groups"
value = "{ADMIN_GROUP}"
role = "steering_member"

[[issuer.role]]
claim = "wids"
value = "{PLATFORM_WID}"
role = "platform_admin"
"#,
        issuer = provider.issuer
    )
}

fn me(app: &TestApp, token: &str) -> samverkan_e2e::Resp {
    app.get_as("/api/v1/me", token)
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn decode_part(token: &str, n: usize) -> Value {
    use base64::Engine;
    let part = token.split('.').nth(n).expect("part");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .expect("base64"),
    )
    .expect("json")
}

/// The genuine token with its header's `kid` (and `alg`) replaced, signature kept.
fn with_header(token: &str, header: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        parts[1],
        parts[2]
    )
}

fn assert_401(r: &samverkan_e2e::Resp, what: &str, detail: &str) {
    assert_eq!(r.status, 401, "{what}: {}", r.text);
    r.assert_problem(401);
    assert!(
        r.json["detail"]
            .as_str()
            .is_some_and(|d| d.contains(detail)),
        "{what}: expected {detail:?} in {}",
        r.text
    );
}

oidc_e2e!(
    discovery_verification_by_kid_and_the_claims_mapping,
    |app| {
        let provider = OidcProvider::start();
        app.restart_with_oidc(&claims_map(&provider), test_options());
        let ready = app.wait_ready("ok", Duration::from_secs(20));
        assert_eq!(ready.status, 200, "{}", ready.text);
        assert_eq!(
            ready.json["identity_providers"][0]["issuer"],
            provider.issuer
        );
        assert_eq!(ready.json["identity_providers"][0]["status"], "ok");
        // The provider publishes an RSA and a P-256 key; both are usable.
        assert_eq!(ready.json["identity_providers"][0]["keys"], 2);
        assert!(ready.json["identity_providers"][0]["error"].is_null());

        // An app role for a body named by its SCB code: Eslöv's processledare, subject `oid`.
        let eslov = app.public_body("municipality", "1285");
        let admin = provider.token("kommunadmin");
        let header = decode_part(&admin, 0);
        assert_eq!(header["alg"], "RS256");
        assert!(header["kid"].as_str().is_some());
        let r = me(app, &admin);
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            r.json["sub"], ADMIN_OID,
            "the stable id, not the client or an e-mail"
        );
        assert_eq!(r.json["name"], "Åsa Processledare");
        assert_eq!(r.json["roles"], json!(["agreement_admin"]));
        assert_eq!(r.json["public_body"]["id"], eslov.to_string());
        // It acts for Eslöv: it creates an agreement of Eslöv, and the history names its `oid`.
        let agreement = app.create_agreement(&admin, eslov, "1285", json!({}));
        let r = app.get_as(&format!("/api/v1/agreements/{agreement}"), &admin);
        assert_eq!(r.status, 200, "{}", r.text);
        let lund = app.public_body("municipality", "1281");
        let r = app.post(
            "/api/v1/agreements",
            Some(&admin),
            &json!({
                "owner_public_body_id": lund, "party_public_body_ids": [lund],
                "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
                "scope": "municipal", "municipality_codes": ["1281"], "settings": {},
                "content": agreement_content("Lunds överenskommelse")
            }),
        );
        assert_eq!(r.status, 403, "not for another body: {}", r.text);

        // A group, signed with the provider's P-256 key (ES256).
        let member = provider.token("styrgrupp");
        assert_eq!(decode_part(&member, 0)["alg"], "ES256");
        let r = me(app, &member);
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["roles"], json!(["steering_member"]));
        assert!(r.json["public_body"].is_null());

        // A directory role id (`wids`): the platform administrator writes the register.
        let platform = provider.token("plattform");
        let r = app.post(
            "/api/v1/organizations",
            Some(&platform),
            &json!({"name": "Föreningen Ölandsbro", "legal_form": "other"}),
        );
        assert_eq!(r.status, 201, "{}", r.text);

        // Signed in, mapped to no role: public reads as anyone, writes 403.
        let nobody = provider.token("utan_roll");
        let r = me(app, &nobody);
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["roles"], json!([]));
        assert_eq!(app.get_as("/api/v1/organizations", &nobody).status, 200);
        let r = app.post(
            "/api/v1/organizations",
            Some(&nobody),
            &json!({"name": "Föreningen Åkerby", "legal_form": "other"}),
        );
        r.assert_problem(403);

        // The static key still works beside the provider.
        let r = me(app, &app.platform_admin());
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["roles"], json!(["platform_admin"]));
    }
);

oidc_e2e!(
    alg_confusion_wrong_issuer_wrong_audience_and_expired_are_refused,
    |app| {
        let provider = OidcProvider::start();
        app.restart_with_oidc(&claims_map(&provider), test_options());
        assert_eq!(app.wait_ready("ok", Duration::from_secs(20)).status, 200);
        let genuine = provider.token("kommunadmin");
        assert_eq!(me(app, &genuine).status, 200);
        let claims = decode_part(&genuine, 1);
        let kid = decode_part(&genuine, 0)["kid"]
            .as_str()
            .expect("kid")
            .to_owned();
        let rsa = provider.jwks()["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|k| k["kid"] == kid.as_str())
            .expect("the signing key is published")
            .clone();

        // HS256 "signed" with the provider's public key as the secret, naming its kid: the
        // classic confusion, in the forms a library might take the key in.
        for (form, secret) in [
            ("the JWK", rsa.to_string().into_bytes()),
            (
                "the modulus",
                rsa["n"].as_str().expect("n").as_bytes().to_vec(),
            ),
        ] {
            let mut header = Header::new(Algorithm::HS256);
            header.kid = Some(kid.clone());
            let forged =
                encode(&header, &claims, &EncodingKey::from_secret(&secret)).expect("encode");
            assert_401(&me(app, &forged), form, "another algorithm");
        }
        // alg none, and an ES256 header on the RSA key.
        let none = format!(
            "{}.{}.",
            b64(json!({"alg": "none", "kid": kid}).to_string().as_bytes()),
            genuine.split('.').nth(1).expect("payload")
        );
        assert_eq!(me(app, &none).status, 401, "alg none");
        let es = with_header(
            &genuine,
            &json!({"alg": "ES256", "kid": kid, "typ": "at+jwt"}),
        );
        assert_401(
            &me(app, &es),
            "ES256 header on an RSA key",
            "another algorithm",
        );
        // A payload changed under the genuine signature.
        let mut raised = claims.clone();
        raised["wids"] = json!([PLATFORM_WID]);
        let parts: Vec<&str> = genuine.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64(raised.to_string().as_bytes()),
            parts[2]
        );
        assert_401(&me(app, &tampered), "tampered", "signature");

        // Another issuer, with the very same keys: its token verifies under them, but names
        // an issuer this server does not trust.
        let other = OidcProvider::with_keys_of(&provider);
        let foreign = other.token("plattform");
        assert_eq!(
            decode_part(&foreign, 0)["kid"],
            decode_part(&provider.token("plattform"), 0)["kid"]
        );
        assert_401(&me(app, &foreign), "another issuer", "another issuer");
        let r = app.post(
            "/api/v1/organizations",
            Some(&foreign),
            &json!({"name": "Föreningen Främling", "legal_form": "other"}),
        );
        r.assert_problem(401);

        // Another audience (RFC 8707 resource): a token for another API.
        let elsewhere = provider.token_for("plattform", Some("https://annat-api.exempel.se"));
        assert_eq!(
            decode_part(&elsewhere, 1)["aud"],
            "https://annat-api.exempel.se"
        );
        assert_401(&me(app, &elsewhere), "another audience", "another audience");

        // Expired: a client whose tokens live one second (leeway zero in this test).
        let short = provider.token("kortlivad");
        assert_eq!(me(app, &short).status, 200, "valid at first");
        std::thread::sleep(Duration::from_millis(2100));
        assert_401(&me(app, &short), "expired", "expired");
    }
);

oidc_e2e!(keys_rotate_mid_test, |app| {
    let provider = OidcProvider::start();
    let options = samverkan_api::oidc::OidcOptions {
        cache_min: Duration::from_secs(1),
        ..test_options()
    };
    app.restart_with_oidc(&claims_map(&provider), options);
    assert_eq!(app.wait_ready("ok", Duration::from_secs(20)).status, 200);
    let old = provider.token("kommunadmin");
    assert_eq!(me(app, &old).status, 200);

    // The provider rotates: a new key signs from now on, the old one stays published.
    let fetched = provider.jwks_requests();
    let new_kid = provider.rotate();
    let new = provider.token("kommunadmin");
    assert_eq!(decode_part(&new, 0)["kid"], new_kid.as_str());
    // The new token works at once (its unknown kid refetches the keys)…
    let r = me(app, &new);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        provider.jwks_requests() > fetched,
        "the keys were fetched again"
    );
    // …and the old one keeps working while its key is published.
    assert_eq!(me(app, &old).status, 200);

    // The old key is withdrawn: once the cache has expired, its tokens are refused.
    provider.retire_old_keys();
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let r = me(app, &old);
        if r.status == 401 {
            assert_401(&r, "a withdrawn key", "kid");
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "the withdrawn key still verifies"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(me(app, &new).status, 200);
});

oidc_e2e!(an_unknown_kid_refetches_once_not_per_token, |app| {
    let provider = OidcProvider::start();
    app.restart_with_oidc(&claims_map(&provider), test_options());
    assert_eq!(app.wait_ready("ok", Duration::from_secs(20)).status, 200);
    let genuine = provider.token("kommunadmin");
    assert_eq!(me(app, &genuine).status, 200);
    let before = provider.jwks_requests();
    // A flood of invented kids: one refetch (the first), then refused from the cache.
    for n in 0..25 {
        let bogus = with_header(
            &genuine,
            &json!({"alg": "RS256", "typ": "at+jwt", "kid": format!("påhittad-{n}")}),
        );
        assert_401(&me(app, &bogus), "an invented kid", "kid");
    }
    assert_eq!(
        provider.jwks_requests() - before,
        1,
        "one refetch for 25 unknown kids"
    );
    // Genuine tokens are not affected.
    assert_eq!(me(app, &genuine).status, 200);
});

oidc_e2e!(provider_downtime_keeps_the_keys_and_degrades_ready, |app| {
    let mut provider = OidcProvider::start();
    let options = samverkan_api::oidc::OidcOptions {
        cache_min: Duration::from_secs(1),
        ..test_options()
    };
    app.restart_with_oidc(&claims_map(&provider), options);
    assert_eq!(app.wait_ready("ok", Duration::from_secs(20)).status, 200);
    let token = provider.token("kommunadmin");
    assert_eq!(me(app, &token).status, 200);

    provider.stop();
    // The next refresh fails: still ready, degraded, saying why; the cached keys verify.
    let r = app.wait_ready("degraded", Duration::from_secs(10));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "degraded", "{}", r.text);
    let p = &r.json["identity_providers"][0];
    assert_eq!(p["status"], "degraded");
    assert!(
        p["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{}",
        r.text
    );
    assert!(p["fetched_at"].is_string());
    assert_eq!(p["keys"], 2);
    let r = me(app, &token);
    assert_eq!(r.status, 200, "cached keys still verify: {}", r.text);

    // Back up: the retry with backoff finds it again.
    provider.restart();
    let r = app.wait_ready("ok", Duration::from_secs(15));
    assert_eq!(r.json["status"], "ok", "{}", r.text);
    assert_eq!(me(app, &provider.token("kommunadmin")).status, 200);
});

oidc_e2e!(
    the_server_starts_without_its_provider_and_is_ready_once_it_answers,
    |app| {
        let mut provider = OidcProvider::start();
        provider.stop();
        app.restart_with_oidc(&claims_map(&provider), test_options());
        // Serving, but not ready: no keys yet.
        assert_eq!(app.get("/health").status, 200);
        assert_eq!(app.get("/api/v1/organizations").status, 200);
        let r = app.wait_ready("503", Duration::from_secs(5));
        r.assert_problem(503);
        assert!(
            r.json["detail"]
                .as_str()
                .is_some_and(|d| d.contains("identity provider")),
            "{}",
            r.text
        );
        std::thread::sleep(Duration::from_millis(600));
        r.assert_problem(503);

        provider.restart();
        let r = app.wait_ready("ok", Duration::from_secs(15));
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(me(app, &provider.token("kommunadmin")).status, 200);
    }
);

e2e!(
    the_mapping_is_checked_against_the_register_at_start,
    |app| {
        let map = |public_body: &str, role: &str| {
            format!(
                "[[issuer]]\nissuer = \"https://login.microsoftonline.com/0a1b2c3d-0000-4000-8000-000000000001/v2.0\"\naudience = \"api://samverkan\"\nsubject_claim = \"oid\"\n\n[[issuer.role]]\nclaim = \"roles\"\nvalue = \"Samverkan.Admin\"\nrole = \"{role}\"\npublic_body = \"{public_body}\"\n"
            )
        };
        let options = test_options;
        // A body by SCB code, by organisation number and by id: each found.
        let eslov = app.public_body("municipality", "1285");
        for name in ["1285".to_owned(), eslov.to_string()] {
            assert!(
                app.prepare_oidc(&map(&name, "agreement_admin"), options())
                    .is_ok(),
                "{name}"
            );
        }
        // A body that is not in the register, an unknown role: refused at start, saying which.
        let e = app
            .prepare_oidc(&map("9999", "agreement_admin"), options())
            .err()
            .expect("refused");
        assert!(e.contains("public body 9999 is not in the register"), "{e}");
        assert!(e.contains("role rule 1"), "{e}");
        let e = app
            .prepare_oidc(&map("1285", "kommunchef"), options())
            .err()
            .expect("refused");
        assert!(e.contains("unknown role \"kommunchef\""), "{e}");
        let e = app
            .prepare_oidc(
                &map(&uuid::Uuid::nil().to_string(), "agreement_admin"),
                options(),
            )
            .err()
            .expect("refused");
        assert!(e.contains("not in the register"), "{e}");
    }
);
