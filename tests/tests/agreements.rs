//! Agreements through HTTP: the lifecycle, visibility of drafts, illegal transitions,
//! concurrent edits, the calendar and the demo load.

use samverkan_e2e::*;
use serde_json::{Value, json};

fn content(title: &str) -> Value {
    json!({
        "title": title,
        "purpose": "Att stärka samverkan mellan kommunen och den idéburna sektorn.",
        "background": "Framtagen gemensamt under året.",
        "principles": [
            {"number": 1, "title": "Dialog", "description": "Parterna för en öppen dialog."},
            {"number": 2, "title": "Självständighet och oberoende", "description": "Föreningarnas självständighet respekteras."}
        ],
        "commitments": [
            {"party": "public_body", "title": "Information", "text": "Kommunen informerar i god tid.", "principles": [1]},
            {"party": "civil_society", "title": "Förankring", "text": "Sektorn förankrar i sina nätverk.", "principles": [1, 2]}
        ],
        "development_areas": []
    })
}

fn create_draft(app: &TestApp, admin: &str, body_id: uuid::Uuid) -> Value {
    let r = app.post(
        "/api/v1/agreements",
        Some(admin),
        &json!({
            "owner_public_body_id": body_id,
            "party_public_body_ids": [body_id],
            "civil_society_party": {"kind": "sector", "name": "Eslövs idéburna sektor"},
            "scope": "municipal",
            "municipality_codes": ["1285"],
            "settings": {"approval_mode": "registration", "follow_up_months": 12},
            "content": content("Överenskommelse för samverkan i Eslöv")
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json
}

e2e!(agreement_lifecycle_and_visibility, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let draft = create_draft(app, &admin, body);
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(draft["state"], "draft");
    let path = format!("/api/v1/agreements/{id}");

    // A draft is the administrators' business only.
    app.get(&path).assert_problem(404);
    let other_admin = app.agreement_admin(app.public_body("municipality", "1281"));
    app.get_as(&path, &other_admin).assert_problem(404);
    assert!(
        app.get("/api/v1/agreements").json["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get_as(&path, &admin).json["working_version"]["number"],
        1
    );

    // Illegal transitions name their rule; nothing changes.
    let r = app.post(&format!("{path}/termination"), Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2020-01-01", "effective_on": "2020-01-01", "reason": "x"}));
    assert_eq!(r.assert_problem(409).json["code"], "agreement_not_adopted");
    app.post(
        &format!("{path}/revision"),
        Some(&admin),
        &json!({"content": content("Ny")}),
    )
    .assert_problem(409);
    app.post(
        &format!("{path}/consultation"),
        Some(&other_admin),
        &json!({"opened_on": "2019-05-01", "response_deadline": "2019-08-01"}),
    )
    .assert_problem(404);

    let r = app.post(
        &format!("{path}/consultation"),
        Some(&admin),
        &json!({"opened_on": "2019-05-01", "response_deadline": "2019-08-01"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["state"], "consultation");
    let r = app.post(
        &format!("{path}/adoption"),
        Some(&admin),
        &json!({"decided_by": "Kommunstyrelsen", "decision_date": "2019-10-01", "diary_number": "KS 2019/123", "valid_from": "2019-10-01", "valid_until": null}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["state"], "adopted");
    assert_eq!(
        r.json["current_version"]["adoption"]["decided_by"],
        "Kommunstyrelsen"
    );

    // Now public, to anyone, with caching headers.
    let public = app.get(&path);
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(
        public.json["current_version"]["content"]["principles"][1]["title"],
        "Självständighet och oberoende"
    );
    assert_eq!(public.header("access-control-allow-origin"), Some("*"));
    assert!(public.json["working_version"].is_null());
    let listed = app.get("/api/v1/agreements?municipality=1285");
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/v1/agreements?municipality=1281").json["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // An adopted text never changes: edits go to a revision.
    let etag = app.get_as(&path, &admin).header("etag").unwrap().to_owned();
    let r = app.patch(
        &path,
        &admin,
        Some(&etag),
        &json!({"content": content("Ändrad")}),
    );
    assert_eq!(r.assert_problem(409).json["code"], "version_not_editable");
    let r = app.post(
        &format!("{path}/revision"),
        Some(&admin),
        &json!({"content": content("Reviderad överenskommelse")}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"]["revision_in_progress"], true);
    app.post(
        &format!("{path}/revision"),
        Some(&admin),
        &json!({"content": content("Igen")}),
    )
    .assert_problem(409);
    let versions = app.get(&format!("{path}/versions"));
    assert_eq!(
        versions.json["items"].as_array().unwrap().len(),
        1,
        "the revision draft is not public"
    );
    app.get(&format!("{path}/versions/2")).assert_problem(404);
    // Dates checked against the version in force are wrong values (422 naming each field),
    // not refusals of the state: the same request with later dates succeeds below.
    let r = app.post(
        &format!("{path}/revision/adoption"),
        Some(&admin),
        &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2019-09-01", "diary_number": null, "valid_from": "2019-09-01", "valid_until": null}),
    );
    assert_eq!(
        r.assert_problem(422).error_fields(),
        ["decision_date", "valid_from"]
    );
    assert_eq!(r.json["errors"][0]["code"], "revision_predates_current");
    let r = app.post(
        &format!("{path}/revision/adoption"),
        Some(&admin),
        &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2023-10-01", "diary_number": null, "valid_from": "2023-10-01", "valid_until": "2027-10-01"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["current_version"]["number"], 2);
    let v1 = app.get(&format!("{path}/versions/1"));
    assert_eq!(v1.json["status"], "superseded");
    assert_eq!(
        app.get(&format!("{path}/versions")).json["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The calendar derives from the adoption; a recorded follow-up moves it on.
    let cal = app.get(&format!("{path}/calendar"));
    assert_eq!(cal.status, 200, "{}", cal.text);
    let follow_up = cal.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "follow_up")
        .cloned()
        .unwrap();
    assert_eq!(follow_up["overdue"], true);
    let r = app.post(&format!("{path}/reviews"), Some(&admin), &json!({"kind": "follow_up", "done_on": "2026-10-01", "summary": "Årlig uppföljning genomförd."}));
    assert_eq!(r.status, 201, "{}", r.text);
    let cal = app.get(&format!("{path}/calendar"));
    let follow_up = cal.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "follow_up")
        .cloned()
        .unwrap();
    assert_eq!(follow_up["overdue"], false, "{follow_up}");

    // Renegotiation requests are recorded and visible; the municipality files for itself,
    // never "as the sector".
    let as_sector = json!({"filed_on": "2026-11-01", "requested_by": "civil_society", "public_body_id": null, "reason": "Ändrade förutsättningar för föreningslivet.", "requested_date": "2027-03-01"});
    app.post(
        &format!("{path}/renegotiation-requests"),
        Some(&admin),
        &as_sector,
    )
    .assert_problem(403);
    let r = app.post(
        &format!("{path}/renegotiation-requests"),
        Some(&admin),
        &json!({"filed_on": "2026-11-01", "requested_by": "public_body", "public_body_id": body, "reason": "Ändrade förutsättningar för föreningslivet.", "requested_date": "2027-03-01"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "filed");
    let requests = app.get(&format!("{path}/renegotiation-requests"));
    assert_eq!(
        requests.json["items"][0]["reason"],
        "Ändrade förutsättningar för föreningslivet."
    );

    let early = app.post(&format!("{path}/termination"), Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2019-09-30", "effective_on": "2019-09-29", "reason": "För tidigt."}));
    assert_eq!(
        early.assert_problem(422).error_fields(),
        ["decision_date", "effective_on"]
    );
    assert_eq!(early.json["errors"][0]["code"], "before_adoption");
    assert_eq!(early.json["errors"][1]["code"], "before_decision");
    let r = app.post(&format!("{path}/termination"), Some(&admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2026-11-01", "effective_on": "2026-11-02", "reason": "Ersätts av regional överenskommelse."}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["state"], "terminated");
    app.post(&format!("{path}/adoption"), Some(&admin), &json!({"decided_by": "KF", "decision_date": "2026-11-03", "diary_number": null, "valid_from": "2026-11-03", "valid_until": null}))
        .assert_problem(409);
});

e2e!(agreement_edits_need_a_current_if_match, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let draft = create_draft(app, &admin, body);
    let path = format!("/api/v1/agreements/{}", draft["id"].as_str().unwrap());
    let etag = app.get_as(&path, &admin).header("etag").unwrap().to_owned();
    app.patch(
        &path,
        &admin,
        None,
        &json!({"content": content("Ny titel")}),
    )
    .assert_problem(428);
    let r = app.patch(
        &path,
        &admin,
        Some(&etag),
        &json!({"content": content("Ny titel")}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["working_version"]["content"]["title"], "Ny titel");
    app.patch(
        &path,
        &admin,
        Some(&etag),
        &json!({"content": content("Krock")}),
    )
    .assert_problem(412);
    let bad = app.patch(&path, &admin, Some(r.header("etag").unwrap()), &json!({"content": {"title": "", "purpose": "", "background": "", "principles": [{"number": 1, "title": "A", "description": "B"}], "commitments": [{"party": "both", "title": "C", "text": "D", "principles": [9]}], "development_areas": []}}));
    bad.assert_problem(422);
    assert!(
        bad.error_fields().iter().any(|f| f.contains("principles")),
        "{}",
        bad.text
    );
    let ghost = uuid::Uuid::now_v7();
    let unknown = app.post(
        "/api/v1/agreements",
        Some(&app.platform_admin()),
        &json!({"owner_public_body_id": body, "party_public_body_ids": [body, ghost], "civil_society_party": {"kind": "sector", "name": "X"}, "scope": "municipal", "municipality_codes": ["1285"], "content": content("X")}),
    );
    assert_eq!(
        unknown.assert_problem(422).error_fields(),
        ["party_public_body_ids[1]"]
    );
    let rep = app.organization_rep(app.create_organization("Föreningen Åkern", None));
    app.post("/api/v1/agreements", Some(&rep), &json!({"owner_public_body_id": body, "party_public_body_ids": [body], "civil_society_party": {"kind": "sector", "name": "X"}, "scope": "municipal", "municipality_codes": ["1285"], "content": content("X")}))
        .assert_problem(403);
});

e2e!(demo_agreements_load_as_in_the_seeds, |app| {
    let pool =
        samverkan_persistence::db::build_pool(&app.database_url, &Default::default()).unwrap();
    assert!(samverkan_api::setup::seed_demo(&pool).unwrap());
    assert!(
        !samverkan_api::setup::seed_demo(&pool).unwrap(),
        "only into an empty database"
    );
    let list = app.get("/api/v1/agreements?limit=200");
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        5,
        "Lund's proposal is public, as a draft on consultation: {}",
        list.text
    );
    let lund = items
        .iter()
        .find(|a| a["municipality_codes"] == json!(["1281"]))
        .expect("Lund");
    assert_eq!(lund["state"], "consultation");
    assert_eq!(
        lund["consultation_version"]["consultation"]["response_deadline"],
        "2018-09-28"
    );
    let lund_responses = app.get(&format!(
        "/api/v1/agreements/{}/consultation/responses",
        lund["id"].as_str().unwrap()
    ));
    let lund_responses = lund_responses.json["items"].as_array().unwrap();
    assert_eq!(lund_responses.len(), 3, "three responses");
    assert_eq!(
        lund_responses.iter().filter(|r| r["late"] == true).count(),
        1,
        "one of them late"
    );
    let sodertalje = items
        .iter()
        .find(|a| a["municipality_codes"] == json!(["0181"]))
        .expect("Södertälje");
    let v = &sodertalje["current_version"];
    assert_eq!(v["adoption"]["diary_number"], "KS 17/53");
    assert_eq!(v["adoption"]["decision_date"], "2018-10-01");
    assert_eq!(v["content"]["principles"].as_array().unwrap().len(), 7);
    assert_eq!(
        v["content"]["development_areas"].as_array().unwrap().len(),
        4
    );
    assert_eq!(sodertalje["status"]["status"], "expired");
    let cal = app.get(&format!(
        "/api/v1/agreements/{}/calendar",
        sodertalje["id"].as_str().unwrap()
    ));
    let revision = cal.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "revision")
        .cloned()
        .unwrap();
    assert_eq!(
        (revision["due_on"].as_str(), revision["overdue"].as_bool()),
        (Some("2022-10-01"), Some(true))
    );
    let admin = app.agreement_admin(app.public_body("municipality", "0181"));
    let agenda = app.get_as("/api/v1/agenda", &admin);
    assert_eq!(agenda.status, 200, "{}", agenda.text);
    // The agenda is a list like every other, read whole, and revalidates like every read.
    assert!(agenda.json["items"].is_array(), "{}", agenda.text);
    assert_eq!(
        agenda.json.get("next_cursor"),
        Some(&Value::Null),
        "{}",
        agenda.text
    );
    let etag = agenda.header("etag").expect("an ETag").to_owned();
    let again = app.send(
        "GET",
        "/api/v1/agenda",
        &[
            ("authorization", &format!("Bearer {admin}")),
            ("if-none-match", &etag),
        ],
        None,
    );
    assert_eq!(again.status, 304, "{}", again.text);
    assert!(
        agenda.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "revision" && i["overdue"] == true),
        "{}",
        agenda.text
    );
    let blekinge = items
        .iter()
        .find(|a| a["scope"] == "regional")
        .expect("Blekinge");
    assert_eq!(blekinge["settings"]["approval_mode"], "steering_group");
    assert_eq!(
        blekinge["current_version"]["content"]["principles"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    let lund_admin = app.agreement_admin(app.public_body("municipality", "1281"));
    let own = app.get_as("/api/v1/agreements?municipality=1281", &lund_admin);
    assert_eq!(own.json["items"][0]["state"], "consultation");
    app.get_as(
        "/api/v1/agenda",
        &app.organization_rep(uuid::Uuid::now_v7()),
    )
    .assert_problem(403);
});

e2e!(any_party_may_file_a_renegotiation_request, |app| {
    let region = app.public_body("region", "10");
    let admin = app.agreement_admin(region);
    let network = app.create_organization("Nätverket Idéburet Exempellän", None);
    let r = app.post(
        "/api/v1/agreements",
        Some(&admin),
        &json!({
            "owner_public_body_id": region,
            "party_public_body_ids": [region],
            "civil_society_party": {"kind": "network", "name": "Nätverket Idéburet Exempellän", "organization_id": network},
            "scope": "regional",
            "municipality_codes": ["1080", "1081"],
            "content": content("Överenskommelse i Blekinge")
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!("/api/v1/agreements/{}", r.id());
    let adopted = app.post(&format!("{path}/adoption"), Some(&admin), &json!({"decided_by": "Regionfullmäktige", "decision_date": "2021-06-01", "diary_number": null, "valid_from": "2021-06-01", "valid_until": null}));
    assert_eq!(adopted.status, 200, "{}", adopted.text);
    let request = json!({"filed_on": "2026-10-01", "requested_by": "civil_society", "public_body_id": null, "reason": "Sektorn vill se över principerna.", "requested_date": "2027-01-01"});
    let by_network = app.post(
        &format!("{path}/renegotiation-requests"),
        Some(&app.organization_rep(network)),
        &request,
    );
    assert_eq!(
        by_network.status, 201,
        "the civil-society party files it: {}",
        by_network.text
    );
    let outsider = app.organization_rep(app.create_organization("Annan förening", None));
    app.post(
        &format!("{path}/renegotiation-requests"),
        Some(&outsider),
        &request,
    )
    .assert_problem(403);
    let listed = app.get(&format!("{path}/renegotiation-requests"));
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
});

// The stored document carries its version; a row written before versions existed still
// reads the same; a document that no longer parses is a 500 with the request id and no cause
// (the cause, with the table, row and place, goes to the log).
e2e!(
    stored_documents_are_versioned_and_an_unreadable_one_is_an_internal_error,
    |app| {
        use diesel::prelude::*;
        use samverkan_persistence::schema::agreements;

        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let id = app.adopted_agreement(&admin, body, "1285", json!({"follow_up_months": 12}));
        let path = format!("/api/v1/agreements/{id}");
        let before = app.get_as(&path, &admin);
        assert_eq!(before.status, 200, "{}", before.text);

        let pool =
            samverkan_persistence::db::build_pool(&app.database_url, &Default::default()).unwrap();
        let mut conn = samverkan_persistence::db::get_conn(&pool).unwrap();
        let stored: String = agreements::table
            .find(id.to_string())
            .select(agreements::document)
            .first(&mut conn)
            .unwrap();
        let mut document: Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(document["document_version"], 1);
        let mut store = |document: &Value| {
            diesel::update(agreements::table.find(id.to_string()))
                .set(agreements::document.eq(document.to_string()))
                .execute(&mut conn)
                .unwrap();
        };

        document.as_object_mut().unwrap().remove("document_version");
        store(&document);
        let unversioned = app.get_as(&path, &admin);
        assert_eq!(unversioned.status, 200, "{}", unversioned.text);
        assert_eq!(
            unversioned.json, before.json,
            "an unversioned row reads as version 1"
        );

        document["versions"][0]["status"] = "in_force".into();
        store(&document);
        let broken = app.get_as(&path, &admin);
        broken.assert_problem(500);
        assert_eq!(broken.json["detail"], "internal error", "{}", broken.text);
        for cause in ["in_force", "document", "versions[", "row "] {
            assert!(
                !broken.text.contains(cause),
                "{cause} leaks: {}",
                broken.text
            );
        }
    }
);
