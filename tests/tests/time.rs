//! Agreements live in time: dated events take effect on their dates, read with the server's
//! clock set by the test (never by waiting).

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

struct Setup {
    agreement: Uuid,
    admin: String,
}

/// An agreement adopted 2020-01-15, in force from 2020-02-01, with the clock on `today`.
fn setup(app: &TestApp, today: &str) -> Setup {
    app.set_today(today);
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
    );
    Setup { agreement, admin }
}

fn application(org: Uuid, received_on: &str) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": received_on, "minutes_reference": "§ 7", "received_on": received_on, "diary_number": null},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
    })
}

/// Submits and approves an accession of a new organisation; returns its id.
fn signatory(app: &TestApp, s: &Setup, name: &str, received_on: &str, approved_on: &str) -> Uuid {
    let org = app.create_organization(name, None);
    let r = app.post(
        &format!("/api/v1/agreements/{}/accessions", s.agreement),
        Some(&s.admin),
        &application(org, received_on),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let r = app.post(
        &format!("/api/v1/accessions/{id}/approval"),
        Some(&s.admin),
        &json!({"approved_on": approved_on, "decision_id": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

fn names(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|i| i["name"].as_str().expect("a name").to_owned())
        .collect()
}

e2e!(
    termination_with_notice_keeps_the_list_until_its_date,
    |app| {
        let s = setup(app, "2025-01-10");
        let id = signatory(
            app,
            &s,
            "Föreningen Ängsblomman",
            "2024-02-10",
            "2024-03-01",
        );
        let t = app.post(
        &format!("/api/v1/agreements/{}/termination", s.agreement),
        Some(&s.admin),
        &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-01-10", "effective_on": "2025-04-10", "reason": "Ersätts av en regional överenskommelse."}),
    );
        assert_eq!(t.status, 200, "{}", t.text);
        assert_eq!(t.json["status"]["status"], "adopted");
        assert_eq!(t.json["status"]["terminates_on"], "2025-04-10");
        // Until the date the accession stays approved and the agreement is run as before.
        let accession = format!("/api/v1/accessions/{id}");
        assert_eq!(app.get_as(&accession, &s.admin).json["state"], "approved");
        let review = app.post(
            &format!("/api/v1/agreements/{}/reviews", s.agreement),
            Some(&s.admin),
            &json!({"kind": "follow_up", "done_on": "2025-01-10", "summary": "Årlig uppföljning före avslutet."}),
        );
        assert_eq!(review.status, 200, "{}", review.text);
        // Once the termination is decided nobody applies; the administrator may still
        // register a paper application whose dates fall before it takes effect.
        let late = app.create_organization("Bygdegårdsföreningen Åby", None);
        let applied = app.post(
            &format!("/api/v1/agreements/{}/accessions", s.agreement),
            Some(&app.organization_rep(late)),
            &application(late, "2025-01-08"),
        );
        assert_eq!(
            applied.assert_problem(409).json["code"],
            "agreement_not_in_force"
        );
        let after = app.post(
            &format!("/api/v1/agreements/{}/accessions", s.agreement),
            Some(&s.admin),
            &application(late, "2025-04-10"),
        );
        assert_eq!(
            after.assert_problem(422).json["errors"][0]["code"],
            "outside_validity"
        );
        let paper = app.post(
            &format!("/api/v1/agreements/{}/accessions", s.agreement),
            Some(&s.admin),
            &application(late, "2025-01-08"),
        );
        assert_eq!(paper.status, 201, "{}", paper.text);
        let approved = app.post(
            &format!("/api/v1/accessions/{}/approval", paper.id()),
            Some(&s.admin),
            &json!({"approved_on": "2025-01-09", "decision_id": null}),
        );
        assert_eq!(approved.status, 200, "{}", approved.text);
        assert_eq!(approved.json["state"], "approved");
        assert_eq!(approved.json["ended_on"], "2025-04-10");
        let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
        // Read (and cached) before the date…
        assert_eq!(
            names(&app.get(&list)),
            ["Bygdegårdsföreningen Åby", "Föreningen Ängsblomman"]
        );
        app.set_today("2025-04-09");
        assert_eq!(names(&app.get(&list)).len(), 2);
        // …and gone on it, with no job having run: the cache does not outlive the midnight.
        app.set_now("2025-04-09T22:00:00Z".parse().unwrap());
        assert!(names(&app.get(&list)).is_empty());
        let a = app.get(&format!("/api/v1/agreements/{}", s.agreement));
        assert_eq!(a.json["status"]["status"], "terminated");
        assert_eq!(a.json["in_force"], false);
        let ended = app.get_as(&accession, &s.admin);
        assert_eq!(ended.json["state"], "ended");
        assert_eq!(ended.json["end_reason"], "agreement_terminated");
        assert_eq!(ended.json["ended_on"], "2025-04-10");
    }
);

e2e!(
    a_revision_adopted_for_a_later_date_takes_effect_on_it,
    |app| {
        let s = setup(app, "2026-11-23");
        let path = format!("/api/v1/agreements/{}", s.agreement);
        let r = app.post(
            &format!("{path}/revision"),
            Some(&s.admin),
            &json!({"content": agreement_content("Reviderad överenskommelse")}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app.post(&format!("{path}/revision/adoption"), Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-20", "diary_number": "KS 2026/9", "valid_from": "2027-01-01", "valid_until": null}));
        assert_eq!(r.status, 200, "{}", r.text);
        // Before the date: version 1 applies, version 2 is upcoming.
        let before = app.get(&path);
        assert_eq!(before.json["in_force"], true, "{}", before.text);
        assert_eq!(before.json["in_force_from"], "2020-02-01");
        assert_eq!(before.json["current_version"]["number"], 1);
        assert_eq!(before.json["current_version"]["status"], "adopted");
        assert_eq!(
            before.json["current_version"]["in_force_until"],
            "2026-12-31"
        );
        assert_eq!(before.json["next_version"]["number"], 2);
        assert_eq!(before.json["next_version"]["in_force_from"], "2027-01-01");
        let v1 = app.get(&format!("{path}/versions/1"));
        assert_eq!(v1.json["in_force_from"], "2020-02-01");
        assert_eq!(v1.json["in_force_until"], "2026-12-31");
        // On the date, with nobody acting: version 2 applies.
        app.set_now("2026-12-31T23:00:00Z".parse().unwrap());
        let on = app.get(&path);
        assert_eq!(on.json["current_version"]["number"], 2, "{}", on.text);
        assert_eq!(on.json["current_version"]["in_force_until"], Value::Null);
        assert_eq!(on.json["next_version"], Value::Null);
        let versions = app.get(&format!("{path}/versions"));
        assert_eq!(versions.json["items"][0]["status"], "superseded");
        assert_eq!(versions.json["items"][1]["status"], "adopted");
        app.set_today("2027-06-01");
        let after = app.get(&path);
        assert_eq!(after.json["current_version"]["number"], 2);
        assert_eq!(after.json["in_force"], true);
    }
);

e2e!(
    an_adoption_for_a_later_date_is_adopted_but_not_in_force,
    |app| {
        app.set_today("2026-11-23");
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.create_agreement(
            &admin,
            body,
            "1285",
            json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
        );
        let path = format!("/api/v1/agreements/{agreement}");
        let r = app.post(&format!("{path}/adoption"), Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-20", "diary_number": null, "valid_from": "2027-01-01", "valid_until": null}));
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["status"]["status"], "adopted");
        assert_eq!(r.json["in_force"], false);
        assert_eq!(r.json["in_force_from"], "2027-01-01");
        // Accessions may be submitted, and approved no earlier than the agreement applies.
        let s = Setup { agreement, admin };
        let org = app.create_organization("Idrottsföreningen Åsen", None);
        let sub = app.post(
            &format!("{path}/accessions"),
            Some(&s.admin),
            &application(org, "2026-11-10"),
        );
        assert_eq!(sub.status, 201, "{}", sub.text);
        let id = sub.id();
        let early = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&s.admin),
            &json!({"approved_on": "2026-11-23", "decision_id": null}),
        );
        assert_eq!(early.assert_problem(422).error_fields(), ["approved_on"]);
        assert_eq!(early.json["errors"][0]["code"], "before_in_force");
        app.set_today("2027-01-01");
        let a = app.get(&path);
        assert_eq!(a.json["in_force"], true, "{}", a.text);
        let ok = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&s.admin),
            &json!({"approved_on": "2027-01-01", "decision_id": null}),
        );
        assert_eq!(ok.status, 200, "{}", ok.text);
        let list = format!("{path}/signatories");
        assert!(names(&app.get(&format!("{list}?as_of=2026-12-31"))).is_empty());
        assert_eq!(names(&app.get(&list)), ["Idrottsföreningen Åsen"]);
    }
);

e2e!(
    the_past_is_registered_on_the_expired_demo_agreement,
    |app| {
        app.set_today("2026-11-23");
        app.load_demo();
        let admin = app.platform_admin();
        let agreements = app.get_as("/api/v1/agreements?limit=200", &admin);
        let sodertalje = agreements.json["items"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|a| a["municipality_codes"] == json!(["0181"]))
            .expect("Södertälje's agreement");
        assert_eq!(sodertalje["status"]["status"], "expired");
        // Eslöv's demo agreement has a revision adopted for next New Year's Day.
        let eslov = agreements.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["municipality_codes"] == json!(["1285"]))
            .expect("Eslöv's agreement");
        assert_eq!(eslov["current_version"]["number"], 1);
        assert_eq!(eslov["next_version"]["number"], 2);
        assert_eq!(eslov["next_version"]["in_force_from"], "2027-01-01");
        let eslov_path = format!("/api/v1/agreements/{}", eslov["id"].as_str().unwrap());
        let signatories = names(&app.get(&format!("{eslov_path}/signatories?limit=200")));
        assert!(!signatories.is_empty());
        let path = format!("/api/v1/agreements/{}", sodertalje["id"].as_str().unwrap());
        let statements: Vec<String> = sodertalje["settings"]["eligibility_statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        let org = app.create_organization("Södertälje Schacksällskap (påhittat)", None);
        let paper = |decided: &str, received: &str| {
            json!({
                "signatory": {"kind": "organization", "id": org},
                "channel": "written_application",
                "board_decision": {"decided_on": decided, "minutes_reference": "§ 5", "received_on": received, "diary_number": null},
                "affirmed_statements": statements,
                "contact_person": {"name": "Åsa Öberg", "email": "asa@schack.example", "phone": null}
            })
        };
        // Nobody applies to an expired agreement…
        let rep = app.organization_rep(org);
        let r = app.post(
            &format!("{path}/accessions"),
            Some(&rep),
            &paper("2019-03-04", "2019-03-11"),
        );
        assert_eq!(r.assert_problem(409).json["code"], "agreement_not_in_force");
        // …but the administrator registers what was decided while it applied.
        let late = app.post(
            &format!("{path}/accessions"),
            Some(&admin),
            &paper("2022-09-01", "2022-10-02"),
        );
        assert_eq!(
            late.assert_problem(422).error_fields(),
            ["board_decision.received_on"]
        );
        assert_eq!(late.json["errors"][0]["code"], "outside_validity");
        let r = app.post(
            &format!("{path}/accessions"),
            Some(&admin),
            &paper("2019-03-04", "2019-03-11"),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.id();
        let approval = format!("/api/v1/accessions/{id}/approval");
        let after_end = app.post(
            &approval,
            Some(&admin),
            &json!({"approved_on": "2022-10-02", "decision_id": null}),
        );
        assert_eq!(
            after_end.assert_problem(422).error_fields(),
            ["approved_on"]
        );
        assert_eq!(after_end.json["errors"][0]["code"], "outside_validity");
        let ok = app.post(
            &approval,
            Some(&admin),
            &json!({"approved_on": "2019-03-20", "decision_id": null}),
        );
        assert_eq!(ok.status, 200, "{}", ok.text);
        app.set_today("2027-01-01");
        let revised = app.get(&eslov_path);
        assert_eq!(
            revised.json["current_version"]["number"], 2,
            "{}",
            revised.text
        );
        assert_eq!(revised.json["next_version"], Value::Null);
        assert_eq!(
            names(&app.get(&format!("{eslov_path}/signatories?limit=200"))),
            signatories,
            "the signatories carried over"
        );
        let then = app.get(&format!("{path}/signatories?as_of=2020-01-01&limit=200"));
        assert!(
            names(&then).contains(&"Södertälje Schacksällskap (påhittat)".to_owned()),
            "{}",
            then.text
        );
    }
);

e2e!(every_date_is_bounded, |app| {
    app.set_today("2026-11-23");
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.create_agreement(&admin, body, "1285", json!({}));
    let adoption = format!("/api/v1/agreements/{agreement}/adoption");
    for (valid_from, valid_until, field) in [
        ("9999-12-31", Value::Null, "valid_from"),
        ("+10019-12-31", Value::Null, "valid_from"),
        ("1899-12-31", Value::Null, "valid_from"),
        ("2026-1-5", Value::Null, "valid_from"),
        ("2026-11-20", json!("2200-01-01"), "valid_until"),
    ] {
        let r = app.post(&adoption, Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-20", "diary_number": null, "valid_from": valid_from, "valid_until": valid_until}));
        assert_eq!(
            r.assert_problem(422).error_fields(),
            [field],
            "{valid_from}"
        );
        assert_eq!(r.json["errors"][0]["code"], "invalid_date");
    }
    let r = app.post(&adoption, Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-20", "diary_number": null, "valid_from": "2199-12-30", "valid_until": "2199-12-31"}));
    assert_eq!(r.status, 200, "{}", r.text);
    let calendar = app.get(&format!("/api/v1/agreements/{agreement}/calendar"));
    assert_eq!(calendar.status, 200, "{}", calendar.text);
    for item in calendar.json["items"].as_array().unwrap() {
        let due = item["due_on"].as_str().unwrap();
        assert!(samverkan_domain::dates::parse(due).is_some(), "{due}");
    }
});

e2e!(timestamps_are_microseconds_everywhere, |app| {
    let admin = app.platform_admin();
    let created = app.post(
        "/api/v1/organizations",
        Some(&admin),
        &json!({"name": "Föreningen Mikrosekund", "org_number": null, "legal_form": "non_profit_association", "municipality_codes": ["1285"]}),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    let read = app.get_as(&format!("/api/v1/organizations/{}", created.id()), &admin);
    assert_eq!(created.json["created_at"], read.json["created_at"]);
    // Stored in a document too (an accession's history), an instant has microseconds.
    let s = Setup {
        agreement: app.adopted_agreement(
            &app.agreement_admin(app.public_body("municipality", "1285")),
            app.public_body("municipality", "1285"),
            "1285",
            json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
        ),
        admin: app.agreement_admin(app.public_body("municipality", "1285")),
    };
    let id = signatory(
        app,
        &s,
        "Föreningen Mikrosekund II",
        "2024-02-10",
        "2024-03-01",
    );
    let accession = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    for stamp in [
        &created.json["created_at"],
        &accession.json["submitted_at"],
        &accession.json["history"][0]["at"],
        &accession.json["history"][1]["at"],
        &accession.json["updated_at"],
    ] {
        let text = stamp.as_str().expect("a timestamp");
        let fraction = text
            .trim_end_matches('Z')
            .split_once('.')
            .map_or(0, |(_, f)| f.len());
        assert!(fraction <= 6, "{text}");
    }
});

e2e!(a_bad_query_parameter_names_itself, |app| {
    let s = setup(app, "2026-11-23");
    let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
    for (query, field) in [
        ("as_of=9999-12-31", "as_of"),
        ("as_of=%2B10019-12-31", "as_of"),
        ("as_of=2024-1-5", "as_of"),
        ("as_of=1899-12-31", "as_of"),
    ] {
        let r = app.get(&format!("{list}?{query}"));
        assert_eq!(r.assert_problem(400).error_fields(), [field], "{query}");
    }
    assert_eq!(
        names(&app.get(&format!("{list}?as_of=2199-12-31"))).len(),
        0
    );
    let r = app.get("/api/v1/agreements?state=forgotten");
    assert_eq!(r.assert_problem(400).error_fields(), ["state"]);
    let r = app.get_as(
        "/api/v1/organizations?legal_form=unknown_form",
        &app.platform_admin(),
    );
    assert_eq!(r.assert_problem(400).error_fields(), ["legal_form"]);
});

e2e!(a_correction_keeps_history_and_corrects_every_view, |app| {
    let s = setup(app, "2026-11-23");
    let id = signatory(app, &s, "Föreningen Rättelse", "2024-02-10", "2024-03-01");
    let path = format!("/api/v1/accessions/{id}/corrections");
    let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
    assert_eq!(
        names(&app.get(&format!("{list}?as_of=2024-02-20"))).len(),
        0
    );
    // The correction must satisfy the approval's rules.
    let early = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 1, "approved_on": "2024-02-05", "reason": "Fel datum."}),
    );
    assert_eq!(early.assert_problem(422).error_fields(), ["approved_on"]);
    assert_eq!(early.json["errors"][0]["code"], "before_received");
    let rep = app.organization_rep(Uuid::now_v7());
    app.post(
        &path,
        Some(&rep),
        &json!({"corrects": 1, "approved_on": "2024-02-15", "reason": "Fel."}),
    )
    .assert_problem(404);
    let r = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 1, "approved_on": "2024-02-15", "reason": "Protokollet säger 15 februari."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["approved_on"], "2024-02-15");
    let history = r.json["history"].as_array().unwrap();
    let events: Vec<&str> = history
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "approved", "corrected"]);
    assert_eq!(history[2]["seq"], 2);
    assert_eq!(history[2]["corrects"], 1, "names the approval it corrects");
    assert_eq!(history[1]["corrects"], Value::Null);
    assert!(
        history[2]["reason"]
            .as_str()
            .unwrap()
            .contains("2024-03-01 → 2024-02-15")
    );
    // Every view shows the corrected fact.
    assert_eq!(
        names(&app.get(&format!("{list}?as_of=2024-02-20"))),
        ["Föreningen Rättelse"]
    );
    let listed = app.get(&list);
    assert_eq!(listed.json["items"][0]["signatory_since"], "2024-02-15");
});

e2e!(
    a_public_list_is_not_cached_past_the_swedish_midnight,
    |app| {
        let s = setup(app, "2025-04-09");
        signatory(app, &s, "Föreningen Älvsnäckan", "2024-02-10", "2024-03-01");
        let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
        // At noon a minute is far from midnight.
        let noon = app.get(&list);
        assert_eq!(names(&noon), ["Föreningen Älvsnäckan"]);
        assert_eq!(noon.header("cache-control"), Some("public, max-age=60"));
        // 30 s before midnight in Sweden (CEST: 22:00 UTC), the same day's cached answer
        // may be kept only until then.
        app.set_now("2025-04-09T21:59:30Z".parse().unwrap());
        let late = app.get(&list);
        assert_eq!(late.header("etag"), noon.header("etag"));
        assert_eq!(late.header("cache-control"), Some("public, max-age=30"));
        let again = app.get(&list);
        assert_eq!(again.header("cache-control"), Some("public, max-age=30"));
        let embed = app.get(&format!("{list}.csv"));
        assert_eq!(embed.header("cache-control"), Some("public, max-age=30"));
        let agreements = app.get("/api/v1/agreements");
        assert_eq!(
            agreements.header("cache-control"),
            Some("public, max-age=30")
        );
        // In winter (CET) midnight is 23:00 UTC.
        app.set_now("2025-12-01T22:59:30Z".parse().unwrap());
        assert_eq!(
            app.get(&list).header("cache-control"),
            Some("public, max-age=30")
        );
        app.set_now("2025-12-01T22:00:00Z".parse().unwrap());
        assert_eq!(
            app.get(&list).header("cache-control"),
            Some("public, max-age=60")
        );
    }
);

e2e!(state_filters_on_the_status_shown_today, |app| {
    // One agreement in force, one that expired on 2022-12-31, one terminating with notice.
    let s = setup(app, "2025-01-10");
    let expiring_body = app.public_body("municipality", "0181");
    let expiring_admin = app.agreement_admin(expiring_body);
    let expiring = app.create_agreement(
        &expiring_admin,
        expiring_body,
        "0181",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
    );
    let r = app.post(
            &format!("/api/v1/agreements/{expiring}/adoption"),
            Some(&expiring_admin),
            &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2018-01-15", "diary_number": "KS 2018/1", "valid_from": "2018-02-01", "valid_until": "2022-12-31"}),
        );
    assert_eq!(r.status, 200, "{}", r.text);
    let ending_body = app.public_body("municipality", "1282");
    let ending_admin = app.agreement_admin(ending_body);
    let ending = app.adopted_agreement(
        &ending_admin,
        ending_body,
        "1282",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]}),
    );
    let t = app.post(
            &format!("/api/v1/agreements/{ending}/termination"),
            Some(&ending_admin),
            &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-01-10", "effective_on": "2025-04-10", "reason": null}),
        );
    assert_eq!(t.status, 200, "{}", t.text);
    let ids = |r: &Resp| -> Vec<String> {
        assert_eq!(r.status, 200, "{}", r.text);
        let mut ids: Vec<String> = r.json["items"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|i| i["id"].as_str().expect("an id").to_owned())
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let adopted = sorted(vec![s.agreement.to_string(), ending.to_string()]);
    assert_eq!(ids(&app.get("/api/v1/agreements?state=adopted")), adopted);
    assert_eq!(
        ids(&app.get("/api/v1/agreements?state=expired")),
        [expiring.to_string()]
    );
    assert!(ids(&app.get("/api/v1/agreements?state=terminated")).is_empty());
    // Paged one at a time, the filter still fills every page.
    let first = app.get("/api/v1/agreements?state=adopted&limit=1");
    assert_eq!(ids(&first).len(), 1);
    let cursor = first.json["next_cursor"].as_str().expect("a next page");
    let second = app.get(&format!(
        "/api/v1/agreements?state=adopted&limit=1&cursor={cursor}"
    ));
    assert_eq!(ids(&second).len(), 1);
    assert_eq!(second.json["next_cursor"], Value::Null);
    // An unknown status names the parameter.
    let bad = app.get("/api/v1/agreements?state=bogus");
    assert_eq!(bad.assert_problem(400).json["errors"][0]["field"], "state");

    // Accessions: approved until the termination takes effect, ended from then.
    let es = Setup {
        agreement: ending,
        admin: ending_admin.clone(),
    };
    let _ = t;
    let org = app.create_organization("Föreningen Östanvind", None);
    let r = app.post(
        &format!("/api/v1/agreements/{ending}/accessions"),
        Some(&es.admin),
        &application(org, "2024-02-10"),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let accession = r.id();
    let r = app.post(
        &format!("/api/v1/accessions/{accession}/approval"),
        Some(&es.admin),
        &json!({"approved_on": "2024-03-01", "decision_id": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list = |state: &str| {
        ids(&app.get_as(
            &format!("/api/v1/agreements/{ending}/accessions?state={state}"),
            &es.admin,
        ))
    };
    assert_eq!(list("approved"), [accession.to_string()]);
    assert!(list("ended").is_empty());
    app.set_today("2025-04-10");
    assert!(list("approved").is_empty());
    assert_eq!(list("ended"), [accession.to_string()]);
    assert_eq!(
        ids(&app.get("/api/v1/agreements?state=terminated")),
        [ending.to_string()]
    );
    assert_eq!(
        ids(&app.get("/api/v1/agreements?state=adopted")),
        [s.agreement.to_string()]
    );
    let bad = app.get_as(
        &format!("/api/v1/agreements/{ending}/accessions?state=expired"),
        &es.admin,
    );
    assert_eq!(bad.assert_problem(400).json["errors"][0]["field"], "state");
});

/// The accession's history as (event, corrects) pairs.
fn history(r: &Resp) -> Vec<(String, Value)> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["history"]
        .as_array()
        .expect("a history")
        .iter()
        .enumerate()
        .map(|(i, e)| {
            assert_eq!(e["seq"], i, "numbered in order");
            (
                e["event"].as_str().expect("an event").to_owned(),
                e["corrects"].clone(),
            )
        })
        .collect()
}

e2e!(a_correction_corrects_the_board_decisions_dates, |app| {
    let s = setup(app, "2026-11-23");
    let id = signatory(app, &s, "Föreningen Åkerbären", "2024-02-10", "2024-03-01");
    let path = format!("/api/v1/accessions/{id}/corrections");
    // The approval on record must still follow the minutes' arrival.
    let late = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "board_decision": {"received_on": "2024-03-02"}, "reason": "Fel datum."}),
    );
    assert_eq!(
        late.assert_problem(422).error_fields(),
        ["board_decision.received_on"]
    );
    assert_eq!(late.json["errors"][0]["code"], "before_received");
    let ahead = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "board_decision": {"decided_on": "2026-11-24", "received_on": "2024-02-09"}, "reason": "Fel datum."}),
    );
    assert_eq!(
        ahead.assert_problem(422).error_fields(),
        ["board_decision.decided_on", "board_decision.received_on"]
    );
    // A value the entry did not record, an entry that records nothing to correct.
    let wrong = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "approved_on": "2024-02-20", "reason": "Fel."}),
    );
    assert_eq!(wrong.assert_problem(422).error_fields(), ["approved_on"]);
    assert_eq!(wrong.json["errors"][0]["code"], "not_in_entry");
    let missing = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 7, "approved_on": "2024-02-20", "reason": "Fel."}),
    );
    assert_eq!(missing.json["errors"][0]["code"], "unknown_entry");
    let r = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "board_decision": {"decided_on": "2024-02-01", "received_on": "2024-02-05"}, "reason": "Protokollet kom in 5 februari."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["board_decision"]["decided_on"], "2024-02-01");
    assert_eq!(r.json["board_decision"]["received_on"], "2024-02-05");
    assert_eq!(r.json["board_decision"]["minutes_reference"], "§ 7");
    assert_eq!(
        history(&r),
        [
            ("submitted".to_owned(), Value::Null),
            ("approved".to_owned(), Value::Null),
            ("corrected".to_owned(), json!(0)),
        ]
    );
    let entry = &r.json["history"][2];
    assert_eq!(
        entry["by"], r.json["history"][1]["by"],
        "the administrator's sub"
    );
    let reason = entry["reason"].as_str().unwrap();
    assert!(
        reason.contains("board_decision.received_on 2024-02-10 → 2024-02-05")
            && reason.contains("Protokollet kom in 5 februari."),
        "{reason}"
    );
    // A correction is not itself corrected: the entry it corrects is named again.
    let again = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 2, "approved_on": "2024-02-20", "reason": "Fel."}),
    );
    assert_eq!(again.json["errors"][0]["code"], "not_correctable");
    // With the minutes earlier, an earlier approval is now right.
    let r = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 1, "approved_on": "2024-02-06", "reason": "Beslutet registrerades 6 februari."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
    assert_eq!(
        names(&app.get(&format!("{list}?as_of=2024-02-06"))),
        ["Föreningen Åkerbären"]
    );
});

e2e!(
    a_registration_on_the_wrong_organisation_is_corrected,
    |app| {
        let s = setup(app, "2026-11-23");
        let id = signatory(app, &s, "Föreningen Fönstret", "2024-02-10", "2024-03-01");
        let right = app.create_organization("Föreningen Östergården", None);
        let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
        let path = format!("/api/v1/accessions/{id}/corrections");
        assert_eq!(names(&app.get(&list)), ["Föreningen Fönstret"]);
        let wrong: Uuid = serde_json::from_value(
            app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin)
                .json["signatory"]["id"]
                .clone(),
        )
        .unwrap();
        // The right organisation must exist and must not already be a signatory.
        let unknown = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "signatory": {"kind": "organization", "id": Uuid::now_v7()}, "reason": "Fel förening."}),
    );
        assert_eq!(unknown.assert_problem(422).error_fields(), ["signatory.id"]);
        let taken = signatory(app, &s, "Föreningen Älgen", "2024-02-10", "2024-03-01");
        let taken_org = app
            .get_as(&format!("/api/v1/accessions/{taken}"), &s.admin)
            .json["signatory"]["id"]
            .clone();
        let conflict = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "signatory": {"kind": "organization", "id": taken_org}, "reason": "Fel förening."}),
    );
        assert_eq!(
            conflict.assert_problem(409).json["code"],
            "already_signatory"
        );
        let r = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 0, "signatory": {"kind": "organization", "id": right}, "reason": "Registrerad på fel förening; protokollet är Östergårdens."}),
    );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["signatory"]["id"], right.to_string());
        assert_eq!(r.json["signatory_name"], "Föreningen Östergården");
        assert_eq!(r.json["state"], "approved");
        assert_eq!(r.json["approved_on"], "2024-03-01");
        assert_eq!(
            history(&r),
            [
                ("submitted".to_owned(), Value::Null),
                ("approved".to_owned(), Value::Null),
                ("corrected".to_owned(), json!(0)),
            ]
        );
        // Every view names the right organisation, for every date; the wrong one is gone.
        assert_eq!(
            names(&app.get(&list)),
            ["Föreningen Älgen", "Föreningen Östergården"]
        );
        assert_eq!(
            names(&app.get(&format!("{list}?as_of=2024-03-01&include=former"))),
            ["Föreningen Älgen", "Föreningen Östergården"]
        );
        let stats = app.get(&format!("{list}/stats"));
        assert_eq!(stats.json["signatories"], 2, "{}", stats.text);
        // The wrong organisation's representative no longer sees the accession; the right one's
        // does.
        app.get_as(
            &format!("/api/v1/accessions/{id}"),
            &app.organization_rep(wrong),
        )
        .assert_problem(404);
        assert_eq!(
            app.get_as(
                &format!("/api/v1/accessions/{id}"),
                &app.organization_rep(right)
            )
            .status,
            200
        );
    }
);

e2e!(
    a_withdrawal_date_is_corrected_and_every_view_follows,
    |app| {
        let s = setup(app, "2025-01-10");
        let id = signatory(app, &s, "Föreningen Ädelstenen", "2024-02-10", "2024-03-01");
        let r = app.post(
        &format!("/api/v1/accessions/{id}/withdrawal"),
        Some(&s.admin),
        &json!({"received_on": "2025-01-08", "reference": "Styrelseprotokoll 2025-01-07 § 4", "effective_on": "2025-06-30"}),
    );
        assert_eq!(r.status, 200, "{}", r.text);
        let path = format!("/api/v1/accessions/{id}/corrections");
        let before = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 2, "withdrawal": {"received_on": "2025-01-11", "effective_on": "2024-02-29"}, "reason": "Fel datum."}),
    );
        assert_eq!(
            before.assert_problem(422).error_fields(),
            ["withdrawal.received_on", "withdrawal.effective_on"]
        );
        assert_eq!(
            before.json["errors"][1]["code"],
            "withdrawal_before_approval"
        );
        let r = app.post(
        &path,
        Some(&s.admin),
        &json!({"corrects": 2, "withdrawal": {"effective_on": "2025-03-31"}, "reason": "Utträdet gäller från 31 mars enligt beskedet."}),
    );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["withdrawal"]["effective_on"], "2025-03-31");
        assert_eq!(r.json["withdrawal"]["received_on"], "2025-01-08");
        assert_eq!(
            history(&r)[3],
            ("corrected".to_owned(), json!(2)),
            "names the withdrawal"
        );
        let list = format!("/api/v1/agreements/{}/signatories", s.agreement);
        let accessions = |state: &str| {
            let r = app.get_as(
                &format!(
                    "/api/v1/agreements/{}/accessions?state={state}",
                    s.agreement
                ),
                &s.admin,
            );
            assert_eq!(r.status, 200, "{}", r.text);
            r.json["items"].as_array().unwrap().len()
        };
        assert_eq!(
            names(&app.get(&format!("{list}?as_of=2025-03-30"))),
            ["Föreningen Ädelstenen"]
        );
        assert!(names(&app.get(&format!("{list}?as_of=2025-03-31"))).is_empty());
        assert_eq!(accessions("approved"), 1);
        app.set_today("2025-03-31");
        assert!(
            names(&app.get(&list)).is_empty(),
            "gone on the corrected date"
        );
        assert_eq!(accessions("approved"), 0);
        assert_eq!(accessions("withdrawn"), 1);
    }
);

e2e!(state_lists_follow_a_withdrawal_with_notice, |app| {
    let s = setup(app, "2025-01-10");
    let id = signatory(
        app,
        &s,
        "Föreningen Vågbrytaren",
        "2024-02-10",
        "2024-03-01",
    );
    let r = app.post(
        &format!("/api/v1/accessions/{id}/withdrawal"),
        Some(&s.admin),
        &json!({"received_on": "2025-01-10", "reference": "Brev från styrelsen", "effective_on": "2025-06-30"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let list = |state: &str| -> Vec<String> {
        let r = app.get_as(
            &format!(
                "/api/v1/agreements/{}/accessions?state={state}",
                s.agreement
            ),
            &s.admin,
        );
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let me = [id.to_string()];
    // Approved until the notice takes effect…
    assert_eq!(list("approved"), me);
    assert!(list("withdrawn").is_empty());
    app.set_today("2025-06-29");
    assert_eq!(list("approved"), me);
    assert!(list("withdrawn").is_empty());
    // …withdrawn from its date.
    app.set_today("2025-06-30");
    assert!(list("approved").is_empty());
    assert_eq!(list("withdrawn"), me);
    assert_eq!(
        app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin)
            .json["state"],
        "withdrawn"
    );
});

e2e!(state_lists_follow_a_passed_reconfirmation_deadline, |app| {
    app.set_today("2024-02-20");
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT], "reconfirmation_days": 30}),
    );
    let s = Setup { agreement, admin };
    let id = signatory(app, &s, "Föreningen Glömskan", "2024-02-10", "2024-02-15");
    let base = format!("/api/v1/agreements/{agreement}");
    app.set_today("2024-03-01");
    let r = app.post(
        &format!("{base}/revision"),
        Some(&s.admin),
        &json!({"content": agreement_content("Reviderad överenskommelse")}),
    );
    assert!(r.status < 300, "{}", r.text);
    let r = app.post(&format!("{base}/revision/adoption"), Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2024-03-01", "diary_number": null, "valid_from": "2024-03-01", "valid_until": null}));
    assert_eq!(r.status, 200, "{}", r.text);
    let accession = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(
        accession.json["reconfirmation"]["reconfirm_by"],
        "2024-03-31"
    );
    let list = |state: &str| -> usize {
        let r = app.get_as(&format!("{base}/accessions?state={state}"), &s.admin);
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["items"].as_array().unwrap().len()
    };
    // Approved through the deadline, with no sweep run…
    app.set_today("2024-03-31");
    assert_eq!((list("approved"), list("ended")), (1, 0));
    // …and ended the day after it.
    app.set_today("2024-04-01");
    assert_eq!((list("approved"), list("ended")), (0, 1));
    assert_eq!(
        app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin)
            .json["state"],
        "ended"
    );
});
