//! Service accounts (issue 22) through HTTP: a platform administrator creates one with the
//! roles it acts in and sees its secret once; the client exchanges its credentials for a
//! short-lived token (OAuth 2.0 client credentials, RFC 6749 §4.4), by HTTP Basic or in the
//! form; the token's roles allow what they allow and nothing more; rotation retires the old
//! secret, revocation every further token and the tokens already issued; errors are RFC 6749
//! §5.2 objects.

use base64::Engine;
use chrono::{TimeZone, Utc};
use samverkan_e2e::*;
use serde_json::{Value, json};

const TOKEN: &str = "/api/v1/oauth/token";

fn form(app: &TestApp, headers: &[(&str, &str)], body: &str) -> Resp {
    app.send(
        "POST",
        TOKEN,
        headers,
        Some((
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        )),
    )
}

fn basic(client_id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
    )
}

/// An RFC 6749 §5.2 error of this status and `error`, never stored by a cache.
fn assert_oauth_error(r: &Resp, status: u16, error: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.json["error"], error, "{}", r.text);
    assert!(r.json["error_description"].is_string(), "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    if status == 401 {
        assert!(
            r.header("www-authenticate")
                .is_some_and(|v| v.starts_with("Basic")),
            "{:?}",
            r.headers
        );
    }
}

fn access_token(r: &Resp) -> String {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.json["token_type"], "Bearer");
    assert_eq!(r.json["expires_in"], 600);
    r.json["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

fn new_agreement(body: uuid::Uuid) -> Value {
    json!({
        "owner_public_body_id": body,
        "party_public_body_ids": [body],
        "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn"},
        "scope": "municipal",
        "municipality_codes": ["1285"],
        "settings": {"approval_mode": "registration", "eligibility_statements": ["Vi står för alla människors lika värde."]},
        "content": agreement_content("Överenskommelse för Östra Ljungby")
    })
}

e2e!(a_service_account_acts_in_its_roles_and_no_others, |app| {
    app.set_now(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap());
    let eslov = app.public_body("municipality", "1285");
    let lund = app.public_body("municipality", "1281");
    let r = app.post(
            "/api/v1/service-accounts",
            Some(&app.platform_admin()),
            &json!({"name": "Regionala föreningsnätverkets system", "roles": ["agreement_admin"], "public_body_id": eslov}),
        );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let client_id = r.json["client_id"].as_str().unwrap().to_owned();
    let secret = r.json["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/service-accounts/{client_id}").as_str())
    );
    // 32 random bytes, base64url.
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&secret)
        .unwrap();
    assert_eq!(bytes.len(), 32);
    assert_eq!(r.json["account"]["roles"], json!(["agreement_admin"]));
    assert_eq!(r.json["account"]["created_by"], "plattform-admin");

    // By HTTP Basic and in the form alike.
    let by_basic = access_token(&form(
        app,
        &[("authorization", &basic(&client_id, &secret))],
        "grant_type=client_credentials",
    ));
    let token = access_token(&app.client_credentials(&client_id, &secret));
    assert_eq!(app.get_as("/api/v1/me", &by_basic).status, 200);

    // Who the token makes it.
    let me = app.get_as("/api/v1/me", &token);
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["sub"], format!("service:{client_id}"));
    assert_eq!(me.json["roles"], json!(["agreement_admin"]));
    assert_eq!(me.json["public_body"]["id"], eslov.to_string());

    // A write its roles allow: an agreement of its own body, recorded as its act.
    let r = app.post("/api/v1/agreements", Some(&token), &new_agreement(eslov));
    assert_eq!(r.status, 201, "{}", r.text);
    // Writes they do not: another body's agreement, a public body of the register.
    app.post("/api/v1/agreements", Some(&token), &new_agreement(lund))
        .assert_problem(403);
    app.post(
        "/api/v1/public-bodies",
        Some(&token),
        &json!({"name": "Exempelhögskolan i Åhus", "kind": "other"}),
    )
    .assert_problem(403);
    // Nor does it manage service accounts.
    app.get_as("/api/v1/service-accounts", &token)
        .assert_problem(403);

    // The token lives ten minutes by the server's clock.
    app.set_now(Utc.with_ymd_and_hms(2026, 12, 2, 9, 11, 0).unwrap());
    app.get_as("/api/v1/me", &token).assert_problem(401);
});

e2e!(
    wrong_credentials_and_malformed_requests_are_refused_as_rfc_6749_says,
    |app| {
        let (client_id, secret) = app
            .service_account(&json!({"name": "Föreningsportalen", "roles": ["steering_member"]}));
        // A wrong secret, an unknown client, a client id that is no id: invalid_client.
        let wrong = app.client_credentials(&client_id, "fel-hemlighet");
        assert_oauth_error(&wrong, 401, "invalid_client");
        assert_oauth_error(
            &app.client_credentials(&uuid::Uuid::now_v7().to_string(), &secret),
            401,
            "invalid_client",
        );
        assert_oauth_error(
            &app.client_credentials("ingen-klient", &secret),
            401,
            "invalid_client",
        );
        assert_oauth_error(
            &form(
                app,
                &[("authorization", &basic(&client_id, "fel"))],
                "grant_type=client_credentials",
            ),
            401,
            "invalid_client",
        );
        // No client authentication at all.
        assert_oauth_error(
            &form(app, &[], "grant_type=client_credentials"),
            401,
            "invalid_client",
        );
        // Another grant type, none, a repeated parameter, both ways of authenticating, JSON.
        assert_oauth_error(
            &form(
                app,
                &[],
                &format!("grant_type=password&client_id={client_id}&client_secret={secret}"),
            ),
            400,
            "unsupported_grant_type",
        );
        assert_oauth_error(
            &form(
                app,
                &[],
                &format!("client_id={client_id}&client_secret={secret}"),
            ),
            400,
            "invalid_request",
        );
        assert_oauth_error(
            &form(
                app,
                &[],
                &format!(
                    "grant_type=client_credentials&grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
                ),
            ),
            400,
            "invalid_request",
        );
        assert_oauth_error(
            &form(
                app,
                &[("authorization", &basic(&client_id, &secret))],
                &format!("grant_type=client_credentials&client_secret={secret}"),
            ),
            400,
            "invalid_request",
        );
        assert_oauth_error(
            &app.post(
                TOKEN,
                None,
                &json!({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}),
            ),
            400,
            "invalid_request",
        );
        // The right ones still work.
        access_token(&app.client_credentials(&client_id, &secret));
    }
);

e2e!(
    rotation_retires_the_old_secret_and_revocation_stops_every_token,
    |app| {
        let org = app.create_organization("Föreningen Älvdansen", None);
        let (client_id, first) = app.service_account(
            &json!({"name": "Älvdansens medlemssystem", "roles": ["organization_rep"], "organization_ids": [org]}),
        );
        let platform = app.platform_admin();
        let base = format!("/api/v1/service-accounts/{client_id}");
        let issued = access_token(&app.client_credentials(&client_id, &first));

        let r = app.post(
            &format!("{base}/secret-rotation"),
            Some(&platform),
            &json!({}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let second = r.json["client_secret"].as_str().unwrap().to_owned();
        assert_ne!(first, second);
        assert_oauth_error(
            &app.client_credentials(&client_id, &first),
            401,
            "invalid_client",
        );
        let token = access_token(&app.client_credentials(&client_id, &second));
        // A token issued before the rotation lives out its ten minutes.
        assert_eq!(app.get_as("/api/v1/me", &issued).status, 200);

        let r = app.post(&format!("{base}/revocation"), Some(&platform), &json!({}));
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.json["revoked_at"].is_string(), "{}", r.text);
        assert!(r.json.get("client_secret").is_none());
        // No further token; the ones issued are refused at once.
        assert_oauth_error(
            &app.client_credentials(&client_id, &second),
            401,
            "invalid_client",
        );
        for t in [&token, &issued] {
            let r = app.get_as("/api/v1/me", t);
            r.assert_problem(401);
            assert!(
                r.json["detail"].as_str().unwrap().contains("revoked"),
                "{}",
                r.text
            );
        }
        // A revoked account gets no new secret, and is revoked once.
        app.post(
            &format!("{base}/secret-rotation"),
            Some(&platform),
            &json!({}),
        )
        .assert_problem(409);
        let r = app.post(&format!("{base}/revocation"), Some(&platform), &json!({}));
        r.assert_problem(409);
        assert_eq!(r.json["code"], "service_account_revoked");
    }
);

e2e!(
    only_platform_admins_manage_accounts_and_no_read_shows_a_secret,
    |app| {
        let eslov = app.public_body("municipality", "1285");
        let (client_id, secret) = app.service_account(
            &json!({"name": "Kommunens ärendesystem", "roles": ["agreement_admin"], "public_body_id": eslov}),
        );
        let platform = app.platform_admin();
        let list = app.get_as("/api/v1/service-accounts", &platform);
        assert_eq!(list.status, 200, "{}", list.text);
        assert_eq!(list.json["items"][0]["client_id"], client_id);
        assert_eq!(list.json["items"][0]["name"], "Kommunens ärendesystem");
        let one = app.get_as(&format!("/api/v1/service-accounts/{client_id}"), &platform);
        assert_eq!(one.status, 200, "{}", one.text);
        assert!(one.json["revoked_at"].is_null());
        for r in [&list, &one] {
            assert!(!r.text.contains(&secret), "{}", r.text);
            assert!(!r.text.contains("secret_hash") && !r.text.contains("client_secret"));
        }
        app.get_as(
            &format!("/api/v1/service-accounts/{}", uuid::Uuid::now_v7()),
            &platform,
        )
        .assert_problem(404);

        // Nobody else manages them, not even an agreement administrator.
        let admin = app.agreement_admin(eslov);
        let create = json!({"name": "Egen integration", "roles": ["platform_admin"]});
        app.post("/api/v1/service-accounts", Some(&admin), &create)
            .assert_problem(403);
        app.post("/api/v1/service-accounts", None, &create)
            .assert_problem(401);
        app.get_as("/api/v1/service-accounts", &admin)
            .assert_problem(403);
        app.get_as(&format!("/api/v1/service-accounts/{client_id}"), &admin)
            .assert_problem(403);
        app.post(
            &format!("/api/v1/service-accounts/{client_id}/secret-rotation"),
            Some(&admin),
            &json!({}),
        )
        .assert_problem(403);
        app.post(
            &format!("/api/v1/service-accounts/{client_id}/revocation"),
            Some(&admin),
            &json!({}),
        )
        .assert_problem(403);
        // The account still works.
        access_token(&app.client_credentials(&client_id, &secret));

        // Roles and scopes must fit together, and name what is in the register.
        let r = app.post(
            "/api/v1/service-accounts",
            Some(&platform),
            &json!({"name": " ", "roles": [], "organization_ids": [uuid::Uuid::now_v7()]}),
        );
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["name", "roles", "organization_ids"]);
        let r = app.post(
            "/api/v1/service-accounts",
            Some(&platform),
            &json!({"name": "Okänd kommun", "roles": ["agreement_admin", "organization_rep"], "public_body_id": uuid::Uuid::now_v7(), "organization_ids": [uuid::Uuid::now_v7()]}),
        );
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["public_body_id", "organization_ids[0]"]);
    }
);
