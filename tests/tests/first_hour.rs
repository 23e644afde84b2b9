//! The first hour of every kind of user (issue 18): the demo's key kept in its database,
//! `samverkan token` refusing what would only ever be refused, a ready token per role that
//! `GET /me` explains, and event POSTs that take no body.

use std::collections::HashMap;

use clap::Parser;
use samverkan_api::cli::{Cli, Command, TokenArgs, mint_token};
use samverkan_api::config::{Env, JwtKey, JwtSettings, Settings};
use samverkan_api::setup;
use samverkan_e2e::*;
use samverkan_persistence::db::{PoolOptions, build_pool};
use serde_json::{Value, json};
use uuid::Uuid;

struct MapEnv(HashMap<&'static str, String>);

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// What `samverkan token` reads: the test's database and no configured key.
fn settings_of(app: &TestApp) -> Settings {
    let mut settings = Settings::from_env(&MapEnv(HashMap::new())).expect("settings");
    settings.database_url = app.database_url.clone();
    settings
}

/// A line of the demo's tokens file as the shell would split it (single quotes only).
fn token_args(line: &str) -> TokenArgs {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    words.push(word);
    match Cli::try_parse_from(&words)
        .expect("the command parses")
        .command
    {
        Command::Token(args) => args,
        other => panic!("not a token command: {other:?}"),
    }
}

fn args(roles: &[&str], public_body: Option<Uuid>, organizations: &[Uuid]) -> TokenArgs {
    TokenArgs {
        sub: "ny-anvandare".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        name: None,
        public_body,
        organizations: organizations.to_vec(),
        ttl: "1h".into(),
    }
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| {
            v.get("name")
                .or_else(|| v.get("title"))
                .or_else(|| v.get("group_name"))
                .and_then(Value::as_str)
                .expect("a name")
        })
        .collect()
}

fn demo_tokens_and_me(backend: Backend) {
    let mut app = TestApp::spawn(backend);
    app.load_demo();
    let settings = settings_of(&app);
    let pool = build_pool(&app.database_url, &PoolOptions::default()).expect("pool");

    // Before `serve --demo` has made its key, there is nothing to sign with.
    let e = mint_token(&settings, &args(&["platform_admin"], None, &[])).expect_err("refused");
    assert!(e.contains("serve --demo"), "{e}");

    let secret = setup::demo_jwt_secret(&pool).expect("demo key");
    assert!(secret.len() >= 64);
    assert_eq!(
        setup::demo_jwt_secret(&pool).expect("again"),
        secret,
        "made once"
    );
    assert_eq!(
        setup::stored_demo_jwt_secret(&pool).expect("read"),
        Some(secret.clone())
    );
    app.restart_with_jwt(&JwtSettings {
        key: Some(JwtKey::Secret(secret)),
        algorithm: samverkan_api::config::Algorithm::HS256,
        issuer: None,
        audience: None,
        leeway_seconds: 5,
        max_lifetime_seconds: samverkan_api::config::DEFAULT_JWT_MAX_LIFETIME,
        private_key_pem: None,
    });

    // Roles that need an id refuse to mint without it; ids the database lacks are named.
    let e = mint_token(&settings, &args(&["agreement_admin"], None, &[])).expect_err("refused");
    assert!(e.contains("--public-body"), "{e}");
    let e = mint_token(&settings, &args(&["organization_rep"], None, &[])).expect_err("refused");
    assert!(e.contains("--organization"), "{e}");
    let typo = Uuid::now_v7();
    let e =
        mint_token(&settings, &args(&["agreement_admin"], Some(typo), &[])).expect_err("refused");
    assert!(
        e.contains(&format!("--public-body {typo}: no public body")),
        "{e}"
    );
    let e =
        mint_token(&settings, &args(&["organization_rep"], None, &[typo])).expect_err("refused");
    assert!(
        e.contains(&format!("--organization {typo}: no organisation")),
        "{e}"
    );
    let mut too_long = args(&["platform_admin"], None, &[]);
    too_long.ttl = "2d".into();
    let e = mint_token(&settings, &too_long).expect_err("refused");
    assert!(e.contains("SAMVERKAN_JWT_MAX_LIFETIME"), "{e}");

    // Every identity's command (the demo's tokens file) mints a token `GET /me` explains.
    let identities = setup::demo_identities(&pool).expect("identities");
    assert_eq!(identities.len(), 6);
    let mut me = HashMap::new();
    for identity in &identities {
        let token = mint_token(&settings, &token_args(&identity.command("1h"))).expect("mint");
        let r = app.get_as("/api/v1/me", &token);
        assert_eq!(r.status, 200, "{}: {}", identity.who, r.text);
        assert_eq!(r.json["sub"], identity.sub);
        let mut roles: Vec<samverkan_domain::access::Role> = identity.roles.clone();
        roles.sort();
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        assert_eq!(r.json["roles"], json!(roles));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let expires = chrono::DateTime::parse_from_rfc3339(
            r.json["token_expires_at"].as_str().expect("expiry"),
        )
        .expect("RFC 3339");
        let left = expires.timestamp() - chrono::Utc::now().timestamp();
        assert!((3500..=3600).contains(&left), "expires in {left} s");
        me.insert(identity.sub, r.json);
    }
    let platform = &me["demo-admin"];
    assert_eq!(platform["administers_all"], true);
    let eslov = &me["demo-processledare-eslov"];
    assert_eq!(eslov["public_body"]["name"], "Eslövs kommun");
    assert_eq!(eslov["administers"].as_array().map(Vec::len), Some(1));
    assert_eq!(eslov["administers_all"], false);
    let region = &me["demo-processledare-blekinge"];
    assert_eq!(region["public_body"]["name"], "Region Blekinge");
    assert_eq!(region["administers"].as_array().map(Vec::len), Some(1));
    let network = &me["demo-samordnare-nib"];
    assert_eq!(
        names(&network["organizations"]),
        ["Nätverket Idéburet Blekinge"]
    );
    assert_eq!(network["co_administers"].as_array().map(Vec::len), Some(1));
    assert_eq!(network["administers"], json!([]));
    assert_eq!(
        names(&network["seats"]),
        ["Partnerskapet för Överenskommelsen i Blekinge"]
    );
    let member = &me["demo-styrgrupp-eslov"];
    assert_eq!(
        names(&member["seats"]),
        ["Styrgruppen för Överenskommelsen i Eslöv"]
    );
    assert_eq!(member["seats"][0]["side"], "public_sector");
    let association = &me["demo-ombud-angsblomman"];
    assert_eq!(
        names(&association["organizations"]),
        ["Föreningen Ängsblomman"]
    );
    assert_eq!(association["co_administers"], json!([]));
    assert_eq!(association["seats"], json!([]));

    // A token naming ids the register lacks still answers, and says so.
    let stray = app.token(
        "vilse",
        &[samverkan_domain::access::Role::OrganizationRep],
        Some(typo),
        &[typo],
    );
    let r = app.get_as("/api/v1/me", &stray);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["public_body"], Value::Null);
    assert_eq!(r.json["public_body_id"], typo.to_string());
    assert_eq!(r.json["unknown_organization_ids"], json!([typo]));

    // Anonymous callers are asked for a token.
    let r = app.get("/api/v1/me");
    r.assert_problem(401);
    assert!(
        r.header("www-authenticate")
            .unwrap_or_default()
            .starts_with("Bearer")
    );
}

#[test]
fn demo_tokens_and_me_sqlite() {
    demo_tokens_and_me(Backend::Sqlite);
}

#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
)]
fn demo_tokens_and_me_postgres() {
    demo_tokens_and_me(Backend::Postgres);
}

e2e!(events_without_content_take_no_body, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let auth = format!("Bearer {admin}");
    let abandon = |headers: &[(&str, &str)], content: Option<(&str, Vec<u8>)>| {
        let id = app.create_agreement(&admin, body, "1285", json!({}));
        let mut all = vec![("authorization", auth.as_str())];
        all.extend_from_slice(headers);
        let r = app.send(
            "POST",
            &format!("/api/v1/agreements/{id}/abandonment"),
            &all,
            content,
        );
        (id, r)
    };
    // No body and no Content-Type: a bare POST.
    let (id, r) = abandon(&[], None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["id"], id.to_string());
    assert_eq!(r.json["status"]["status"], "abandoned");
    // An empty body with any Content-Type, and `{}` as JSON.
    let (_, r) = abandon(&[], Some(("text/plain", Vec::new())));
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, r) = abandon(&[], Some(("application/json", b"{}".to_vec())));
    assert_eq!(r.status, 200, "{}", r.text);
    // Content is still read strictly: an unknown field is 400, a non-JSON body 415, and
    // nothing is abandoned.
    let (id, r) = abandon(
        &[],
        Some(("application/json", br#"{"reason": "x"}"#.to_vec())),
    );
    r.assert_problem(400);
    let (id2, r2) = abandon(&[], Some(("text/plain", b"hej".to_vec())));
    r2.assert_problem(415);
    for id in [id, id2] {
        let r = app.get_as(&format!("/api/v1/agreements/{id}"), &admin);
        assert_eq!(r.json["status"]["status"], "draft");
    }
});

e2e!(problem_pages_explain_in_swedish_and_english, |app| {
    for (kind, sv, en) in [
        ("forbidden", "GET /api/v1/me", "GET /api/v1/me"),
        ("rule-violation", "Vad du kan göra", "What to do next"),
        ("validation", "Ogiltiga uppgifter", "some values are wrong"),
    ] {
        let r = app.get(&format!("/problems/{kind}"));
        assert_eq!(r.status, 200, "{kind}");
        assert!(
            r.header("content-type")
                .unwrap_or_default()
                .starts_with("text/html")
        );
        let (swedish, english) = r
            .text
            .split_once("<section lang=\"en\">")
            .expect("an English section after the Swedish one");
        assert!(swedish.contains("<section lang=\"sv\">"), "{kind}");
        assert!(swedish.contains(sv), "{kind}: {swedish}");
        assert!(english.contains(en), "{kind}: {english}");
    }
    app.get("/problems/no-such-kind").assert_problem(404);
});

e2e!(an_agreement_names_its_contact_point_and_owner_unit, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let create = |settings: Value| {
        app.post(
            "/api/v1/agreements",
            Some(&admin),
            &json!({
                "owner_public_body_id": body,
                "party_public_body_ids": [body],
                "civil_society_party": {"kind": "sector", "name": "Eslövs idéburna sektor"},
                "scope": "municipal",
                "municipality_codes": ["1285"],
                "settings": settings,
                "content": agreement_content("Överenskommelse om samverkan")
            }),
        )
    };
    // A person's address is refused, in Swedish when asked, naming the field.
    let r = app.send(
        "POST",
        "/api/v1/agreements",
        &[
            ("authorization", &format!("Bearer {admin}")),
            ("accept-language", "sv"),
        ],
        Some((
            "application/json",
            json!({
                "owner_public_body_id": body,
                "party_public_body_ids": [body],
                "civil_society_party": {"kind": "sector", "name": "Eslövs idéburna sektor"},
                "scope": "municipal",
                "municipality_codes": ["1285"],
                "settings": {"contact_point": "anna.svensson@eslov.example"},
                "content": agreement_content("Överenskommelse om samverkan")
            })
            .to_string()
            .into_bytes(),
        )),
    );
    r.assert_problem(422);
    assert_eq!(
        r.json["errors"][0]["field"], "settings.contact_point",
        "{}",
        r.text
    );
    assert_eq!(r.json["errors"][0]["code"], "personal_address");
    assert!(
        r.json["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("måste vara en funktionsbrevlåda"),
        "{}",
        r.text
    );
    let r = create(json!({"contact_point": "Ängagården"}));
    r.assert_problem(422);
    assert_eq!(r.json["errors"][0]["code"], "email");
    // A functional mailbox and the owning unit are kept and public.
    let r = create(json!({
        "contact_point": " samverkan@eslov.example ",
        "owner_unit": "Kommunledningskontoret"
    }));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let r = app.post(
        &format!("/api/v1/agreements/{id}/adoption"),
        Some(&admin),
        &json!({"decided_by": "Kommunstyrelsen", "decision_date": "2020-01-15", "diary_number": null, "valid_from": "2020-02-01", "valid_until": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let public = app.get(&format!("/api/v1/agreements/{id}"));
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(
        public.json["settings"]["contact_point"],
        "samverkan@eslov.example"
    );
    assert_eq!(
        public.json["settings"]["owner_unit"],
        "Kommunledningskontoret"
    );
});

e2e!(public_bodies_carry_an_organisation_number, |app| {
    let admin = app.platform_admin();
    let eslov = app.public_body("municipality", "1285");
    let path = format!("/api/v1/public-bodies/{eslov}");
    // The reference bodies have none: SCB's list is not in the repository.
    let read = app.get(&path);
    assert_eq!(read.json["org_number"], Value::Null, "{}", read.text);
    let patch = |number: &str| {
        let etag = app.get(&path).header("etag").expect("etag").to_owned();
        app.patch(&path, &admin, Some(&etag), &json!({"org_number": number}))
    };
    // Invented numbers with valid check digits, not any body's real one.
    let r = patch("2999999994");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["org_number"], "299999-9994");
    assert_eq!(app.get(&path).json["org_number"], "299999-9994");
    // Validated as organisations' are, and of group 2 for a municipality.
    let r = patch("299999-9995");
    r.assert_problem(422);
    assert_eq!(r.error_fields(), ["org_number"]);
    let r = patch("802002-4280");
    r.assert_problem(422);
    assert_eq!(r.json["errors"][0]["code"], "public_sector_org_number");
    // One body per number, on either backend's unique index.
    let r = app.post(
        "/api/v1/public-bodies",
        Some(&admin),
        &json!({"name": "Exempelhögskolan", "kind": "other", "org_number": "299999-9994"}),
    );
    assert_eq!(
        r.assert_problem(409).json["code"],
        "org_number_taken",
        "{}",
        r.text
    );
    let r = app.post(
        "/api/v1/public-bodies",
        Some(&admin),
        &json!({"name": "Exempelhögskolan", "kind": "other", "org_number": "802002-4280"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["org_number"], "802002-4280");
    // Cleared with null.
    let etag = app.get(&path).header("etag").expect("etag").to_owned();
    let r = app.patch(&path, &admin, Some(&etag), &json!({"org_number": null}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["org_number"], Value::Null);
});
