//! The consultation (remiss, issue 20): opening one with a deadline, the invited and a
//! question list; the draft public while it runs (and not before); responses by an
//! organisation's representative, their replacement with history, the deadline rule and
//! late registration by the administrator; personal data absent from public bodies; the
//! summary and CSV; the adoption carrying the report, shown with the adopted version.

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

/// Personal data: must appear in no public body.
const CONTACT: &str = "Örjan Ågrensson-Testperson";
const CONTACT_EMAIL: &str = "orjan@forening.example";

fn response(org: Uuid, general: &str) -> Value {
    json!({
        "organization_id": org,
        "answers": [{"question": 1, "text": "Vi ställer oss bakom principerna."}],
        "general_comments": general,
        "comments": [{"kind": "principle", "number": 2, "text": "Självständigheten behöver förtydligas."}],
        "contact_person": {"name": CONTACT, "email": CONTACT_EMAIL}
    })
}

struct World {
    path: String,
    admin: String,
    invited: Uuid,
    other: Uuid,
}

/// A draft of Exempelby (0181) with two organisations in the register, one invited.
fn world(app: &TestApp) -> World {
    app.set_today("2026-09-01");
    let body = app.public_body("municipality", "0181");
    let admin = app.agreement_admin(body);
    let id = app.create_agreement(&admin, body, "0181", json!({}));
    World {
        path: format!("/api/v1/agreements/{id}"),
        admin,
        invited: app.create_organization("Föreningen Ängsgården", Some("802002-4280")),
        other: app.create_organization("Åby Idrottssällskap", Some("802100-1238")),
    }
}

fn open(app: &TestApp, w: &World) -> Resp {
    app.post(
        &format!("{}/consultation", w.path),
        Some(&w.admin),
        &json!({
            "opened_on": "2026-09-01",
            "response_deadline": "2026-10-31",
            "invited_organization_ids": [w.invited],
            "questions": ["Ger principerna en bra grund för samverkan?", "Vad saknas i åtagandena?"]
        }),
    )
}

e2e!(the_draft_is_public_only_while_on_consultation, |app| {
    let w = world(app);
    // A working draft stays private.
    app.get(&w.path).assert_problem(404);
    app.get(&format!("{}/consultation/responses", w.path))
        .assert_problem(404);

    let r = open(app, &w);
    assert_eq!(r.status, 200, "{}", r.text);

    let public = app.get(&w.path);
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(public.json["state"], "consultation");
    assert!(public.json["working_version"].is_null(), "{}", public.text);
    let v = &public.json["consultation_version"];
    assert_eq!(v["status"], "consultation");
    assert_eq!(v["content"]["principles"][1]["number"], 2);
    assert_eq!(v["consultation"]["response_deadline"], "2026-10-31");
    assert_eq!(
        v["consultation"]["invited"]["organization_ids"],
        json!([w.invited])
    );
    assert_eq!(v["consultation"]["questions"][1]["number"], 2);
    assert_eq!(
        public.header("cache-control"),
        Some("public, max-age=60"),
        "a public document"
    );
    let versions = app.get(&format!("{}/versions", w.path));
    assert_eq!(versions.json["items"][0]["status"], "consultation");

    // The change feed has its text's opening, publicly.
    let feed = app.get("/api/v1/changes?limit=200");
    assert!(
        feed.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| { c["type"] == "agreement.consultation_opened" && c["public"] == true }),
        "{}",
        feed.text
    );
});

e2e!(
    opening_checks_deadline_invited_and_a_revision_routes,
    |app| {
        let w = world(app);
        let r = app.post(
        &format!("{}/consultation", w.path),
        Some(&w.admin),
        &json!({"opened_on": "2026-09-01", "response_deadline": "2026-09-01", "invite_all_signatories": true, "invited_organization_ids": [Uuid::now_v7()]}),
    );
        r.assert_problem(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "invited.all_signatories",
                "invited.organization_ids[0]",
                "response_deadline"
            ]
        );

        // A revision's consultation: `POST /consultation` during a revision opens it.
        app.set_today("2026-09-01");
        let body = app.public_body("municipality", "1281");
        let admin = app.agreement_admin(body);
        let id = app.adopted_agreement(&admin, body, "1281", json!({}));
        let path = format!("/api/v1/agreements/{id}");
        let r = app.post(
            &format!("{path}/revision"),
            Some(&admin),
            &json!({"content": agreement_content("Reviderad överenskommelse")}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(
            app.get(&path).json["consultation_version"].is_null(),
            "a draft revision is private"
        );
        let r = app.post(
        &format!("{path}/consultation"),
        Some(&admin),
        &json!({"opened_on": "2026-09-01", "response_deadline": "2026-10-01", "invite_all_signatories": true, "restricted": true}),
    );
        assert_eq!(r.status, 200, "{}", r.text);
        let public = app.get(&path);
        assert_eq!(public.json["consultation_version"]["number"], 2);
        assert_eq!(
            public.json["consultation_version"]["consultation"]["invited"]["all_signatories"],
            true
        );
        assert_eq!(public.json["current_version"]["number"], 1);
        // Restricted to the signatories: an organisation that is none is not invited.
        let org = app.create_organization("Föreningen Utanför", None);
        let r = app.post(
            &format!("{path}/consultation/responses"),
            Some(&app.organization_rep(org)),
            &response(org, "Synpunkter."),
        );
        assert_eq!(r.assert_problem(409).json["code"], "not_invited");
    }
);

e2e!(a_response_its_replacement_and_the_deadline, |app| {
    let w = world(app);
    assert_eq!(open(app, &w).status, 200);
    let responses = format!("{}/consultation/responses", w.path);
    let rep = app.organization_rep(w.invited);

    app.set_today("2026-09-15");
    let r = app.post(
        &responses,
        Some(&rep),
        &response(w.invited, "Första svaret."),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["invited"], true);
    assert_eq!(r.json["received_on"], "2026-09-15");
    assert_eq!(r.json["late"], false);
    assert_eq!(r.json["registered_by"], "representative");
    assert_eq!(r.json["contact_person"]["name"], CONTACT);
    let first_id = r.id();

    // A representative responds only for its own organisation.
    app.post(&responses, Some(&rep), &response(w.other, "Inte vår."))
        .assert_problem(403);
    // Unknown principle.
    let mut bad = response(w.invited, "x");
    bad["comments"][0]["number"] = json!(9);
    let r = app.post(&responses, Some(&rep), &bad);
    r.assert_problem(422);
    assert_eq!(r.json["errors"][0]["code"], "unknown_principle");
    assert_eq!(r.error_fields(), ["comments[0].number"]);

    // The second response replaces the first and keeps it.
    app.set_today("2026-10-31");
    let r = app.post(
        &responses,
        Some(&rep),
        &response(w.invited, "Andra svaret."),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.id(), first_id);
    assert_eq!(r.json["general_comments"], "Andra svaret.");
    assert_eq!(r.json["history"][0]["general_comments"], "Första svaret.");

    // Not invited, but open to all: accepted and marked.
    let other_rep = app.organization_rep(w.other);
    let r = app.post(
        &responses,
        Some(&other_rep),
        &response(w.other, "Vi vill också svara."),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["invited"], false);

    // After the deadline: closed to representatives; the administrator registers, late.
    app.set_today("2026-11-02");
    let r = app.post(
        &responses,
        Some(&other_rep),
        &response(w.other, "För sent."),
    );
    assert_eq!(r.assert_problem(409).json["code"], "consultation_closed");
    let paper = app.create_organization("Stiftelsen Östra Gårdens Minne", None);
    // A text that a spreadsheet would run as a formula, as the public may type one.
    let mut letter = response(paper, "=SUMMA(1;2) inkom per brev.");
    letter["received_on"] = json!("2026-11-01");
    let r = app.post(&responses, Some(&w.admin), &letter);
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["late"], true);
    assert_eq!(r.json["registered_by"], "administrator");

    // The list: public documents, in order, without the contact person.
    let list = app.get(&responses);
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["organization_name"], "Föreningen Ängsgården");
    assert!(items.iter().all(|i| i["contact_person"].is_null()));
    // The administrator sees it.
    let own = app.get_as(&responses, &w.admin);
    assert_eq!(
        own.json["items"][0]["contact_person"]["email"],
        CONTACT_EMAIL
    );
    assert_eq!(own.header("cache-control"), Some("private, no-cache"));

    // Summary.
    let s = app.get(&format!("{}/consultation/summary", w.path));
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.json["total"], 3);
    assert_eq!(
        s.json["by_respondent"],
        json!({"invited": 1, "not_invited": 2, "registered_by_administrator": 1, "late": 1})
    );
    assert_eq!(
        s.json["by_question"],
        json!([{"question": 1, "answers": 3}, {"question": 2, "answers": 0}])
    );
    assert_eq!(
        s.json["by_reference"],
        json!([{"kind": "principle", "number": 2, "responses": 3}])
    );

    // CSV: one row per response, never the contact person.
    let csv = app.get(&format!("{}/consultation/responses.csv", w.path));
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(csv.text.lines().count(), 4, "{}", csv.text);
    assert!(csv.text.contains("Åby Idrottssällskap"));
    assert!(csv.text.contains("principle 2"));
    assert!(
        csv.text.contains(",'=SUMMA(1;2) inkom per brev.,"),
        "{}",
        csv.text
    );
    assert!(!csv.text.contains(",=SUMMA"), "{}", csv.text);

    // Personal data is in no public body.
    for body in [
        &list.text,
        &s.text,
        &csv.text,
        &app.get(&w.path).text,
        &app.get("/api/v1/changes?limit=200").text,
    ] {
        assert!(!body.contains(CONTACT), "{body}");
        assert!(!body.contains(CONTACT_EMAIL), "{body}");
    }
});

e2e!(the_adoption_carries_the_report, |app| {
    let w = world(app);
    assert_eq!(open(app, &w).status, 200);
    let responses = format!("{}/consultation/responses", w.path);
    app.set_today("2026-09-15");
    let r = app.post(
        &responses,
        Some(&app.organization_rep(w.invited)),
        &response(w.invited, "Svar."),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let response_id = r.id();

    app.set_today("2026-11-20");
    let adoption = |report: Value| json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-20", "diary_number": "KS 2026/77", "valid_from": "2026-12-01", "valid_until": null, "consultation_report": report});
    // An entry on a comment the response did not make, and one on no principle.
    let r = app.post(
        &format!("{}/adoption", w.path),
        Some(&w.admin),
        &adoption(json!({"entries": [
            {"response_id": response_id, "reference": {"kind": "principle", "number": 1}, "assessment": "accepted", "text": "x"},
            {"reference": {"kind": "commitment", "number": 5}, "assessment": "partly", "text": "y"}
        ]})),
    );
    r.assert_problem(422);
    assert_eq!(
        r.error_fields(),
        [
            "consultation_report.entries[0].number",
            "consultation_report.entries[1].number"
        ]
    );
    let r = app.post(
        &format!("{}/adoption", w.path),
        Some(&w.admin),
        &adoption(json!({
            "summary": "Remissvaren har vägts in i den slutliga texten.",
            "entries": [
                {"response_id": response_id, "reference": {"kind": "principle", "number": 2}, "assessment": "partly", "text": "Principen har förtydligats delvis."},
                {"response_id": response_id, "text": "Svaret har i övrigt beaktats."}
            ]
        })),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // The adopted version shows the consultation that preceded it, with the report, publicly.
    let public = app.get(&format!("{}/versions/1", w.path));
    assert_eq!(public.status, 200, "{}", public.text);
    let c = &public.json["consultation"];
    assert_eq!(c["opened_on"], "2026-09-01");
    assert_eq!(c["closed_on"], "2026-11-20");
    assert_eq!(c["response_deadline"], "2026-10-31");
    assert_eq!(c["report"]["entries"][0]["assessment"], "partly");
    assert_eq!(
        c["report"]["summary"],
        "Remissvaren har vägts in i den slutliga texten."
    );
    assert!(app.get(&w.path).json["consultation_version"].is_null());
    // The responses stay readable after adoption.
    let list = app.get(&responses);
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
    // No more responses.
    let r = app.post(
        &responses,
        Some(&w.admin),
        &response(w.other, "Efter beslutet."),
    );
    assert_eq!(r.assert_problem(409).json["code"], "consultation_not_open");
});
