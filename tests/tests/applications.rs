//! Applying without an account (issue 19): the accession form, the `pending_verification`
//! marker, verification by hand, expiry by the sweep, and the register kept clean.

use samverkan_e2e::*;
use serde_json::json;
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

struct Setup {
    agreement: Uuid,
    admin: String,
}

fn setup(app: &TestApp) -> Setup {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"approval_mode": "registration", "accepted_channels": ["form", "board_minutes"], "eligibility_statements": [STATEMENT]}),
    );
    Setup { agreement, admin }
}

fn form_path(s: &Setup) -> String {
    format!("/embed/agreements/{}/apply", s.agreement)
}

/// The signed token of a freshly drawn form.
fn form_token(app: &TestApp, s: &Setup) -> String {
    let page = app.get(&form_path(s));
    assert_eq!(page.status, 200, "{}", page.text);
    let start = page
        .text
        .find("name=\"form_token\" value=\"")
        .expect("the form carries a token")
        + "name=\"form_token\" value=\"".len();
    let end = page.text[start..].find('"').expect("end of the value") + start;
    page.text[start..end].to_owned()
}

fn encode(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Resp {
    app.send(
        "POST",
        path,
        &[],
        Some(("application/x-www-form-urlencoded", encode(fields))),
    )
}

fn apply(app: &TestApp, s: &Setup, name: &str, number: &str, email: &str) -> Resp {
    let token = form_token(app, s);
    post_form(
        app,
        &form_path(s),
        &[
            ("form_token", &token),
            ("homepage", ""),
            ("name", name),
            ("org_number", number),
            ("legal_form", "non_profit_association"),
            ("municipality_codes", "1285"),
            ("website", ""),
            ("affirmed_statements", STATEMENT),
            ("contact_name", "Åsa Östlund"),
            ("contact_email", email),
            ("contact_phone", "0413-00 00 00"),
        ],
    )
}

fn accessions(app: &TestApp, s: &Setup) -> Vec<serde_json::Value> {
    let r = app.get_as(
        &format!("/api/v1/agreements/{}/accessions", s.agreement),
        &s.admin,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"].as_array().expect("a list").clone()
}

e2e!(the_form_in_swedish_and_english, |app| {
    let s = setup(app);
    let sv = app.get(&form_path(&s));
    assert_eq!(sv.status, 200);
    assert!(sv.text.contains("<html lang=\"sv\">"), "{}", sv.text);
    assert!(sv.text.contains("Organisationsnummer"));
    assert!(
        sv.text.contains(STATEMENT),
        "the agreement's exact statement"
    );
    assert!(sv.text.contains("Personuppgiftsansvarig"));
    assert!(!sv.text.contains("<script"), "works without a script");
    assert_eq!(sv.header("cache-control"), Some("no-store"));
    assert!(
        sv.header("content-security-policy")
            .is_some_and(|p| p.contains("form-action 'self'"))
    );
    let en = app.get(&format!("{}?lang=en", form_path(&s)));
    assert!(en.text.contains("<html lang=\"en\">"));
    assert!(en.text.contains("Organisation number"));
    assert!(en.text.contains("action=\"/embed/agreements/"));
    assert!(en.text.contains("apply?lang=en\""));
    assert_eq!(
        app.get(&format!("/embed/agreements/{}/apply", Uuid::now_v7()))
            .status,
        404
    );
});

e2e!(errors_are_shown_by_their_fields_and_values_kept, |app| {
    let s = setup(app);
    let token = form_token(app, &s);
    let r = post_form(
        app,
        &form_path(&s),
        &[
            ("form_token", &token),
            ("name", "Föreningen Ängsblomman"),
            ("org_number", "802412-3451"),
            ("legal_form", ""),
            ("contact_name", "Åsa Östlund"),
            ("contact_email", "inte-en-adress"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("<title>Fel: "), "the title says so");
    assert!(r.text.contains("role=\"alert\""));
    for id in ["org_number", "legal_form", "contact_email"] {
        assert!(
            r.text.contains(&format!("href=\"#{id}\"")),
            "the summary links to {id}: {}",
            r.text
        );
        assert!(r.text.contains(&format!("id=\"{id}-error\"")), "{id}");
    }
    assert!(r.text.contains("value=\"Föreningen Ängsblomman\""), "kept");
    assert!(r.text.contains("value=\"inte-en-adress\""), "kept");
    assert!(accessions(app, &s).is_empty(), "nothing stored");
});

e2e!(
    an_expired_or_forged_token_and_the_honeypot_store_nothing,
    |app| {
        let s = setup(app);
        let token = form_token(app, &s);
        app.set_now(chrono::Utc::now() + chrono::Duration::hours(3));
        let r = post_form(
            app,
            &form_path(&s),
            &[("form_token", &token), ("name", "Föreningen Ängsblomman")],
        );
        assert_eq!(r.status, 422);
        assert!(r.text.contains("Formuläret har gått ut"), "{}", r.text);
        assert!(r.text.contains("value=\"Föreningen Ängsblomman\""), "kept");

        let r = post_form(
            app,
            &form_path(&s),
            &[("form_token", "9999999999.00"), ("name", "X")],
        );
        assert_eq!(r.status, 422, "a forged token");

        let token = form_token(app, &s);
        let r = post_form(
            app,
            &form_path(&s),
            &[
                ("form_token", &token),
                ("homepage", "http://spam.example"),
                ("name", "Spam"),
            ],
        );
        assert_eq!(r.status, 200, "a bot sees a receipt");
        assert!(accessions(app, &s).is_empty(), "and nothing is stored");
    }
);

e2e!(
    an_application_waits_for_verification_and_blocks_nothing,
    |app| {
        let s = setup(app);
        app.set_today("2026-06-01");
        let r = apply(
            app,
            &s,
            "Föreningen Ängsblomman",
            "802412-3450",
            "asa@angsblomman.example",
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("Tack, ansökan är mottagen"));
        assert!(r.text.contains("registrerar anslutningen inom några dagar"));

        let list = accessions(app, &s);
        assert_eq!(list.len(), 1);
        let a = &list[0];
        assert_eq!(a["state"], "submitted");
        assert_eq!(a["channel"], "form");
        assert_eq!(a["submitted_by"], "form");
        assert!(a["pending_verification"]["verify_by"].is_string(), "{a}");
        let id: Uuid = a["id"].as_str().expect("an id").parse().expect("uuid");
        let org: Uuid = a["signatory"]["id"]
            .as_str()
            .expect("an org")
            .parse()
            .expect("uuid");

        // The organisation it created stays out of the public register.
        let register = app.get("/api/v1/organizations?q=%C3%84ngsblomman");
        assert_eq!(register.json["items"].as_array().map(Vec::len), Some(0));
        assert_eq!(app.get(&format!("/api/v1/organizations/{org}")).status, 404);

        // Not approved while pending.
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&s.admin),
            &json!({"approved_on": "2026-06-01", "decision_id": null}),
        );
        assert_eq!(
            r.assert_problem(409).json["code"],
            "accession_pending_verification"
        );

        // A second application of the same number is not blocked, and a representative with an
        // account is not blocked either.
        let r = apply(
            app,
            &s,
            "Föreningen Ängsblomman",
            "802412-3450",
            "annan@angsblomman.example",
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let rep = app.organization_rep(org);
        let r = app.post(
        &format!("/api/v1/agreements/{}/accessions", s.agreement),
        Some(&rep),
        &json!({
            "signatory": {"kind": "organization", "id": org},
            "channel": "form",
            "affirmed_statements": [STATEMENT],
            "contact_person": {"name": "Åsa Östlund", "email": "asa@angsblomman.example", "phone": null}
        }),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let verified_one = r.id();

        // The admin list: the ready application first, then the two waiting for verification.
        let list = accessions(app, &s);
        assert_eq!(list.len(), 3);
        assert_eq!(list[0]["id"], verified_one.to_string());
        assert!(list[0]["pending_verification"].is_null());
        assert!(list[1]["pending_verification"].is_object());
        assert!(list[2]["pending_verification"].is_object());

        // Verifying one by hand now meets the open application.
        let r = app.post(
            &format!("/api/v1/accessions/{id}/verification"),
            Some(&s.admin),
            &json!({}),
        );
        assert_eq!(r.assert_problem(409).json["code"], "application_pending");
        let r = app.post(
            &format!("/api/v1/accessions/{verified_one}/cancellation"),
            Some(&rep),
            &json!({}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app.post(
            &format!("/api/v1/accessions/{id}/verification"),
            Some(&s.admin),
            &json!({}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.json["pending_verification"].is_null());
        let last = r.json["history"]
            .as_array()
            .and_then(|h| h.last())
            .cloned()
            .expect("history");
        assert_eq!(last["event"], "verified");
        assert_ne!(last["by"], "form", "the administrator who verified: {last}");
        assert_eq!(
            last["reason"],
            "verified by hand by an agreement administrator"
        );
        let register = app.get("/api/v1/organizations?q=%C3%84ngsblomman");
        assert_eq!(
            register.json["items"].as_array().map(Vec::len),
            Some(1),
            "verified: listed"
        );
        assert_eq!(app.get(&format!("/api/v1/organizations/{org}")).status, 200);

        let r = app.post(
            &format!("/api/v1/accessions/{id}/verification"),
            Some(&s.admin),
            &json!({}),
        );
        assert_eq!(
            r.assert_problem(409).json["code"],
            "accession_not_pending_verification"
        );
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&s.admin),
            &json!({"approved_on": "2026-06-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "approved once verified: {}", r.text);
    }
);

e2e!(an_existing_organisation_is_used_as_it_is, |app| {
    let s = setup(app);
    let org = app.create_organization("Föreningen Ängsblomman", Some("802498-7656"));
    let r = apply(
        app,
        &s,
        "Ängsblomman (nytt namn)",
        "802498-7656",
        "asa@angsblomman.example",
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list = accessions(app, &s);
    assert_eq!(list[0]["signatory"]["id"], org.to_string());
    assert_eq!(
        list[0]["signatory_name"], "Föreningen Ängsblomman",
        "not changed"
    );
    let got = app.get(&format!("/api/v1/organizations/{org}"));
    assert_eq!(got.json["name"], "Föreningen Ängsblomman");
});

e2e!(the_sweep_cancels_applications_not_verified_in_time, |app| {
    let s = setup(app);
    app.set_today("2026-03-02");
    let r = apply(
        app,
        &s,
        "Föreningen Ängsblomman",
        "817601-2345",
        "asa@angsblomman.example",
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list = accessions(app, &s);
    assert_eq!(list[0]["pending_verification"]["verify_by"], "2026-03-16");
    let pool = samverkan_persistence::db::build_pool(&app.database_url, &Default::default())
        .expect("a pool");
    let noon = |d: &str| -> chrono::DateTime<chrono::Utc> {
        format!("{d}T11:00:00Z").parse().expect("an instant")
    };
    app.set_today("2026-03-16");
    assert_eq!(
        samverkan_api::setup::sweep_reconfirmations(&pool, noon("2026-03-16")).expect("sweeps"),
        0,
        "the last day still counts"
    );
    app.set_today("2026-03-17");
    assert_eq!(
        samverkan_api::setup::sweep_reconfirmations(&pool, noon("2026-03-17")).expect("sweeps"),
        1
    );
    let list = accessions(app, &s);
    assert_eq!(list[0]["state"], "cancelled");
    let last = list[0]["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .expect("history");
    assert_eq!(last["event"], "verification_expired");
    assert_eq!(last["by"], "system");
});
