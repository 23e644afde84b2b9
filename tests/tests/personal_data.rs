//! Personal data (issue 24): the right of access finds a contact person on three
//! accessions and in a steering group, with where each record came from and why it is kept,
//! searched by a body and never by URL, in the agreements the caller administers only.

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const ASA: &str = "Åsa Lindqvist";
const ASA_EMAIL: &str = "asa.lindqvist@forening.example";

fn registration(org: Uuid, name: &str, email: &str) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
        "affirmed_statements": [],
        "contact_person": {"name": name, "email": email, "phone": "+46 70 000 00 00"}
    })
}

fn search(app: &TestApp, token: Option<&str>, body: &Value) -> Resp {
    app.post("/api/v1/personal-data/search", token, body)
}

fn kinds(r: &Resp) -> Vec<String> {
    let mut kinds: Vec<String> = r.json["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["kind"].as_str().expect("kind").to_owned())
        .collect();
    kinds.sort();
    kinds
}

e2e!(
    access_finds_a_contact_person_on_three_accessions_and_in_a_group,
    |app| {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
        let mut accessions = Vec::new();
        for name in [
            "Föreningen Gläntan",
            "Idrottsklubben Ökna",
            "Kulturföreningen Åkern",
        ] {
            let org = app.create_organization(name, None);
            let r = app.post(
                &format!("/api/v1/agreements/{agreement}/accessions"),
                Some(&admin),
                &registration(org, ASA, ASA_EMAIL),
            );
            assert_eq!(r.status, 201, "{}", r.text);
            accessions.push(r.id());
        }
        let other = app.create_organization("Hembygdsföreningen Östra", None);
        let r = app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&admin),
            &registration(other, "Per Persson", "per@forening.example"),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let group = format!("/api/v1/agreements/{agreement}/steering-group");
        let r = app.post(
        &group,
        Some(&admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 3, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": true, "default_term_months": null}),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let r = app.post(
        &format!("{group}/memberships"),
        Some(&admin),
        &json!({"person_name": ASA, "person_ref": "asa-sub-1", "title": "Ordförande", "side": "civil_society", "seat": "ordinary", "role": "member",
                "appointed_by": {"type": "network", "name": "Eslövs idéburna nätverk"}, "term_start": "2024-01-01", "term_end": null}),
    );
        assert_eq!(r.status, 201, "{}", r.text);

        // By e-mail (any case) and person reference: three contact persons and the seat.
        let r = search(
            app,
            Some(&admin),
            &json!({"email": "ASA.Lindqvist@forening.example", "person_ref": "asa-sub-1"}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            kinds(&r),
            [
                "accession_contact_person",
                "accession_contact_person",
                "accession_contact_person",
                "steering_group_member"
            ]
        );
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let records = r.json["records"].as_array().expect("records");
        let mut resources: Vec<String> = records
            .iter()
            .filter(|r| r["kind"] == "accession_contact_person")
            .map(|r| r["resource"].as_str().expect("resource").to_owned())
            .collect();
        resources.sort();
        let mut expected: Vec<String> = accessions
            .iter()
            .map(|id| format!("/api/v1/accessions/{id}"))
            .collect();
        expected.sort();
        assert_eq!(resources, expected);
        for record in records {
            assert_eq!(record["agreement_id"], json!(agreement));
            assert!(!record["source"].as_str().expect("source").is_empty());
            assert!(!record["purpose"].as_str().expect("purpose").is_empty());
            assert_eq!(record["data"]["name"], ASA);
            if record["kind"] == "accession_contact_person" {
                assert_eq!(record["data"]["email"], ASA_EMAIL);
                assert_eq!(record["public_record"], false);
                assert_eq!(record["matched_on"], json!(["email"]));
            } else {
                assert_eq!(record["data"]["person_ref"], "asa-sub-1");
                assert_eq!(record["data"]["title"], "Ordförande");
                assert_eq!(record["public_record"], true);
                assert_eq!(record["from"], "2024-01-01");
            }
        }
        // By name, in lower case: the same four; another person is never among them.
        let r = search(app, Some(&admin), &json!({"name": "åsa lindqvist"}));
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["records"].as_array().expect("records").len(), 4);
        assert!(!r.text.contains("Per Persson"));
        // The platform administrator finds them too; another body's administrator nothing.
        let r = search(
            app,
            Some(&app.platform_admin()),
            &json!({"email": ASA_EMAIL}),
        );
        assert_eq!(kinds(&r).len(), 3, "{}", r.text);
        let lund = app.public_body("municipality", "1281");
        let r = search(
            app,
            Some(&app.agreement_admin(lund)),
            &json!({"email": ASA_EMAIL}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["records"], json!([]));
        // Only administrators; something to search by; the body's fields only.
        search(
            app,
            Some(&app.organization_rep(other)),
            &json!({"email": ASA_EMAIL}),
        )
        .assert_problem(403);
        search(app, None, &json!({"email": ASA_EMAIL})).assert_problem(401);
        let r = search(app, Some(&admin), &json!({}));
        r.assert_problem(422);
        assert_eq!(r.error_fields(), ["email"]);
        search(app, Some(&admin), &json!({"email": " "})).assert_problem(422);
        search(app, Some(&admin), &json!({"personnummer": "19700101-0000"})).assert_problem(400);
    }
);
