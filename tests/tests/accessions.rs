//! Accessions and the public signatory list through HTTP.

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

struct Setup {
    agreement: Uuid,
    body: Uuid,
    admin: String,
}

fn setup(app: &TestApp, mode: &str) -> Setup {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"approval_mode": mode, "eligibility_statements": [STATEMENT]}),
    );
    Setup {
        agreement,
        body,
        admin,
    }
}

fn application(org: Uuid) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": "+46 70 000 00 00"}
    })
}

fn submit(app: &TestApp, s: &Setup, token: &str, body: &Value) -> Resp {
    app.post(
        &format!("/api/v1/agreements/{}/accessions", s.agreement),
        Some(token),
        body,
    )
}

fn approve(app: &TestApp, token: &str, id: Uuid, decision: Option<Uuid>) -> Resp {
    app.post(
        &format!("/api/v1/accessions/{id}/approval"),
        Some(token),
        &json!({"approved_on": "2024-03-01", "decision_id": decision}),
    )
}

fn names(r: &Resp) -> Vec<String> {
    let items = r.json["items"].as_array().expect("a list");
    items
        .iter()
        .map(|i| i["name"].as_str().expect("a name").to_owned())
        .collect()
}

e2e!(registration_mode_from_application_to_withdrawal, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Föreningen Ängsblomman", Some("802002-4280"));
    let rep = app.organization_rep(org);

    let mut missing = application(org);
    missing["affirmed_statements"] = json!([]);
    let r = submit(app, &s, &rep, &missing);
    assert_eq!(
        r.assert_problem(422).error_fields(),
        ["affirmed_statements"]
    );
    assert!(
        r.text.contains("demokratiska"),
        "names the missing statement: {}",
        r.text
    );

    let r = submit(app, &s, &rep, &application(org));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    assert_eq!(r.json["state"], "submitted");
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/accessions/{id}").as_str())
    );
    assert_eq!(
        submit(app, &s, &rep, &application(org))
            .assert_problem(409)
            .json["code"],
        "application_pending"
    );

    // The representative may not approve its own application.
    approve(app, &rep, id, None).assert_problem(403);
    let r = approve(app, &s.admin, id, None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["state"], "approved");
    assert_eq!(r.json["approved_version"], 1);
    approve(app, &s.admin, id, None).assert_problem(409);
    assert_eq!(
        submit(app, &s, &rep, &application(org))
            .assert_problem(409)
            .json["code"],
        "already_signatory"
    );

    app.hold_at_noon();
    // The public list: public facts only.
    let list = app.get(&format!("/api/v1/agreements/{}/signatories", s.agreement));
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(names(&list), ["Föreningen Ängsblomman"]);
    let item = &list.json["items"][0];
    assert_eq!(item["org_number"], "802002-4280");
    assert_eq!(item["signatory_since"], "2024-03-01");
    assert_eq!(item["municipality_names"][0], "Eslövs kommun");
    for private in [
        "Kontaktsson",
        "kim@forening.example",
        "+46 70",
        "ombud-",
        "submitted_by",
    ] {
        assert!(
            !list.text.contains(private),
            "{private} leaked: {}",
            list.text
        );
    }
    assert_eq!(list.header("access-control-allow-origin"), Some("*"));
    assert_eq!(list.header("cache-control"), Some("public, max-age=60"));
    let etag = list.header("etag").unwrap().to_owned();
    let cached = app.send(
        "GET",
        &format!("/api/v1/agreements/{}/signatories", s.agreement),
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(cached.status, 304);
    assert!(cached.text.is_empty());

    // Withdrawal needs the written notice; it takes effect on its date.
    // A date before the approval is a wrong value (422 naming it), not a refusal of the state.
    let early = app.post(&format!("/api/v1/accessions/{id}/withdrawal"), Some(&rep), &json!({"received_on": "2024-01-05", "reference": "Styrelseprotokoll § 3", "effective_on": "2024-01-10"}));
    assert_eq!(early.assert_problem(422).error_fields(), ["effective_on"]);
    assert_eq!(
        early.json["errors"][0]["code"],
        "withdrawal_before_approval"
    );
    let w = app.post(&format!("/api/v1/accessions/{id}/withdrawal"), Some(&rep), &json!({"received_on": "2025-05-20", "reference": "Styrelseprotokoll 2025-05-12 § 9", "effective_on": "2025-06-01"}));
    assert_eq!(w.status, 200, "{}", w.text);
    assert_eq!(w.json["state"], "withdrawn");
    let on = |date: &str, former: bool| {
        let include = if former { "&include=former" } else { "" };
        app.get(&format!(
            "/api/v1/agreements/{}/signatories?as_of={date}{include}",
            s.agreement
        ))
    };
    assert_eq!(names(&on("2025-05-31", false)), ["Föreningen Ängsblomman"]);
    assert!(names(&on("2025-06-01", false)).is_empty());
    let former = on("2025-06-01", true);
    assert_eq!(former.json["items"][0]["signatory_until"], "2025-06-01");
    // Re-joining after a withdrawal is a new accession.
    let again = submit(app, &s, &rep, &application(org));
    assert_eq!(again.status, 201, "{}", again.text);
    assert_ne!(again.id(), id);

    let history = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    let events: Vec<&str> = history.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "approved", "withdrawn"]);
    assert_eq!(
        history.json["history"][1]["by"],
        format!("processledare-{}", s.body)
    );
});

e2e!(another_organisations_accession_is_not_found, |app| {
    let s = setup(app, "registration");
    let a = app.create_organization("Åby IF", None);
    let b = app.create_organization("Ängby SK", None);
    let id = submit(app, &s, &app.organization_rep(a), &application(a)).id();
    let rep_b = app.organization_rep(b);
    app.get_as(&format!("/api/v1/accessions/{id}"), &rep_b)
        .assert_problem(404);
    app.post(
        &format!("/api/v1/accessions/{id}/cancellation"),
        Some(&rep_b),
        &json!({}),
    )
    .assert_problem(404);
    app.post(
        &format!("/api/v1/accessions/{id}/withdrawal"),
        Some(&rep_b),
        &json!({"received_on": "2024-05-01", "reference": "x", "effective_on": "2024-05-01"}),
    )
    .assert_problem(404);
    approve(app, &rep_b, id, None).assert_problem(404);
    // Submitting for someone else's organisation is refused.
    submit(app, &s, &rep_b, &application(a)).assert_problem(403);
    let other_admin = app.agreement_admin(app.public_body("municipality", "1281"));
    app.get_as(&format!("/api/v1/accessions/{id}"), &other_admin)
        .assert_problem(404);
    app.get(&format!("/api/v1/accessions/{id}"))
        .assert_problem(401);
    // The applicant may cancel its own application.
    let rep_a = app.organization_rep(a);
    let r = app.post(
        &format!("/api/v1/accessions/{id}/cancellation"),
        Some(&rep_a),
        &json!({}),
    );
    assert_eq!(r.json["state"], "cancelled", "{}", r.text);
    // Contact person updates: own representative, with If-Match.
    let id = submit(app, &s, &rep_a, &application(a)).id();
    let etag = app
        .get_as(&format!("/api/v1/accessions/{id}"), &rep_a)
        .header("etag")
        .unwrap()
        .to_owned();
    let body = json!({"contact_person": {"name": "Ny Kontakt", "email": "ny@forening.example", "phone": null}});
    app.patch(
        &format!("/api/v1/accessions/{id}"),
        &rep_b,
        Some(&etag),
        &body,
    )
    .assert_problem(404);
    let r = app.patch(
        &format!("/api/v1/accessions/{id}"),
        &rep_a,
        Some(&etag),
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["contact_person"]["email"], "ny@forening.example");
    let last = r.json["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .to_string();
    assert!(
        !last.contains("ny@forening.example"),
        "no personal data in history: {last}"
    );
    app.patch(
        &format!("/api/v1/accessions/{id}"),
        &rep_a,
        Some(&etag),
        &body,
    )
    .assert_problem(412);
});

e2e!(steering_group_mode_needs_a_matching_valid_decision, |app| {
    let s = setup(app, "steering_group");
    let org = app.create_organization("Föreningen Östanvind", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    // What is cited is a value of the request: 422 at `decision_id`.
    let uncited = approve(app, &s.admin, id, None);
    assert_eq!(uncited.assert_problem(422).error_fields(), ["decision_id"]);
    assert_eq!(
        uncited.json["errors"][0]["code"],
        "steering_group_decision_required"
    );
    let unknown = approve(app, &s.admin, id, Some(Uuid::now_v7()));
    assert_eq!(
        unknown.assert_problem(422).json["errors"][0]["code"],
        "unknown_decision"
    );

    // A balanced, quorate group of one seat per side decides.
    let base = format!("/api/v1/agreements/{}/steering-group", s.agreement);
    app.post(&base, Some(&s.admin), &json!({"name": "Partnerskapet", "kind": "partnership", "ordinary_seats_per_side": 1, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}));
    let mut members = Vec::new();
    for (name, side, by) in [
        (
            "Alva Exempelsson",
            "public_sector",
            json!({"type": "public_body", "id": s.body}),
        ),
        (
            "Bror Demoberg",
            "civil_society",
            json!({"type": "network", "name": "Nätverket"}),
        ),
    ] {
        let r = app.post(&format!("{base}/memberships"), Some(&s.admin), &json!({"person_name": name, "side": side, "seat": "ordinary", "role": "member", "appointed_by": by, "term_start": "2024-01-01"}));
        assert_eq!(r.status, 201, "{}", r.text);
        members.push(r.id());
    }
    let meeting = app.post(
        &format!("{base}/meetings"),
        Some(&s.admin),
        &json!({"date": "2024-02-20", "present": members, "minutes_reference": "§ 4"}),
    );
    let decide = |kind: &str, subject: Uuid| {
        app.post(&format!("{base}/meetings/{}/decisions", meeting.id()), Some(&s.admin), &json!({"kind": kind, "subject": "Anslutning", "subject_id": subject, "text": "Beslutades."})).id()
    };
    let wrong_kind = decide("reject_accession", id);
    assert_eq!(
        approve(app, &s.admin, id, Some(wrong_kind))
            .assert_problem(422)
            .json["errors"][0]["code"],
        "decision_does_not_match"
    );
    // A decision naming no accession of this agreement is refused when it is recorded.
    let unknown = app.post(&format!("{base}/meetings/{}/decisions", meeting.id()), Some(&s.admin), &json!({"kind": "approve_accession", "subject": "Anslutning", "subject_id": Uuid::now_v7(), "text": "Beslutades."}));
    assert_eq!(unknown.assert_problem(422).error_fields(), ["subject_id"]);
    assert_eq!(unknown.json["errors"][0]["code"], "unknown_subject");
    let right = decide("approve_accession", id);
    let r = approve(app, &s.admin, id, Some(right));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["decision_id"], right.to_string());
});

e2e!(
    termination_ends_accessions_and_closes_the_agreement,
    |app| {
        let s = setup(app, "registration");
        let org = app.create_organization("Zonta-klubben", None);
        let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
        approve(app, &s.admin, id, None);
        let t = app.post(&format!("/api/v1/agreements/{}/termination", s.agreement), Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-01-10", "effective_on": "2025-02-01", "reason": "Ny regional överenskommelse."}));
        assert_eq!(t.status, 200, "{}", t.text);
        let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
        assert_eq!(a.json["state"], "ended");
        assert_eq!(a.json["end_reason"], "agreement_terminated");
        assert_eq!(a.json["ended_on"], "2025-02-01");
        let other = app.create_organization("Örkelljunga IF", None);
        let r = submit(app, &s, &app.organization_rep(other), &application(other));
        assert_eq!(r.assert_problem(409).json["code"], "agreement_not_in_force");
    }
);

e2e!(revision_carries_signatories_over, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Föreningen Åkern", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    approve(app, &s.admin, id, None);
    let base = format!("/api/v1/agreements/{}", s.agreement);
    app.post(
        &format!("{base}/revision"),
        Some(&s.admin),
        &json!({"content": agreement_content("Reviderad")}),
    );
    let r = app.post(&format!("{base}/revision/adoption"), Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-03-01", "diary_number": null, "valid_from": "2025-03-01", "valid_until": null}));
    assert_eq!(r.status, 200, "{}", r.text);
    let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(a.json["state"], "approved");
    assert_eq!(a.json["version"], 2);
    assert_eq!(a.json["approved_version"], 1);
    assert_eq!(
        a.json["history"].as_array().unwrap().last().unwrap()["event"],
        "carried_over"
    );
});

e2e!(swedish_order_and_filters_on_the_public_list, |app| {
    let s = setup(app, "registration");
    for name in [
        "Örkelljunga IF",
        "Ängby SK",
        "Zonta",
        "Åby IF",
        "abc-föreningen",
    ] {
        let org = app.create_organization(name, None);
        let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
        assert_eq!(approve(app, &s.admin, id, None).status, 200);
    }
    let path = format!("/api/v1/agreements/{}/signatories", s.agreement);
    assert_eq!(
        names(&app.get(&path)),
        [
            "abc-föreningen",
            "Zonta",
            "Åby IF",
            "Ängby SK",
            "Örkelljunga IF"
        ]
    );
    assert_eq!(names(&app.get(&format!("{path}?q=GBY"))), ["Ängby SK"]);
    assert_eq!(
        names(&app.get(&format!("{path}?municipality=1285"))).len(),
        5
    );
    assert!(names(&app.get(&format!("{path}?municipality=0181"))).is_empty());
    let first = app.get(&format!("{path}?limit=2"));
    assert_eq!(names(&first), ["abc-föreningen", "Zonta"]);
    let next = app.get(&format!(
        "{path}?limit=2&cursor={}",
        first.json["next_cursor"].as_str().unwrap()
    ));
    assert_eq!(names(&next), ["Åby IF", "Ängby SK"]);
    app.get(&format!("{path}?include=everything"))
        .assert_problem(400);
    let stats = app.get(&format!("{path}/stats"));
    assert_eq!(stats.json["signatories"], 5, "{}", stats.text);
    assert_eq!(
        stats.json["by_legal_form"][0]["key"],
        "non_profit_association"
    );
    assert_eq!(
        stats.json["by_municipality"][0],
        json!({"key": "1285", "count": 5})
    );
});

// Issue 15: `?q=` is served by an index on each backend (PostgreSQL's trigram GIN index,
// SQLite's FTS5 trigram table); both answer from the stored sort key, so the same query
// gives the same names in the same order on both — each assertion here runs on both.
e2e!(name_search_is_the_same_on_both_backends, |app| {
    let s = setup(app, "registration");
    let mut orgs = Vec::new();
    for name in [
        "Åby IF",
        "Ängby SK",
        "ÖREBRO KONSTFÖRENING",
        "Örebro schackklubb",
        "Föreningen Åkern",
        "Café Élan",
        "abc-föreningen",
        "Zonta",
        "Byalaget Åsen",
        "50%_klubben",
    ] {
        let org = app.create_organization(name, None);
        let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
        assert_eq!(approve(app, &s.admin, id, None).status, 200);
        orgs.push(org);
    }
    let path = format!("/api/v1/agreements/{}/signatories", s.agreement);
    let search = |q: &str| {
        let r = app.get(&format!("{path}?q={}", urlencoding(q)));
        assert_eq!(r.status, 200, "{q}: {}", r.text);
        names(&r)
    };
    // Three characters or more: anywhere in the name, whatever the case, å/ä/ö as letters
    // of their own and accents as their base letter.
    assert_eq!(search("ÅBY"), ["Åby IF"]);
    assert_eq!(search("åby"), ["Åby IF"]);
    assert_eq!(search("aby"), Vec::<String>::new());
    assert_eq!(
        search("örebro"),
        ["ÖREBRO KONSTFÖRENING", "Örebro schackklubb"]
    );
    assert_eq!(
        search("FÖRENING"),
        ["abc-föreningen", "Föreningen Åkern", "ÖREBRO KONSTFÖRENING"]
    );
    assert_eq!(search("forening"), Vec::<String>::new());
    assert_eq!(search("elan"), ["Café Élan"]);
    assert_eq!(search("ÉLAN"), ["Café Élan"]);
    assert_eq!(search("ngby sk"), ["Ängby SK"]);
    assert_eq!(search("%_k"), ["50%_klubben"]);
    assert_eq!(search("\"x\""), Vec::<String>::new());
    // One or two characters: the beginning of the name.
    assert_eq!(search("by"), ["Byalaget Åsen"]);
    assert_eq!(search("Å"), ["Åby IF"]);
    assert_eq!(search("ä"), ["Ängby SK"]);
    assert_eq!(search("ö"), ["ÖREBRO KONSTFÖRENING", "Örebro schackklubb"]);
    assert_eq!(search("öå"), Vec::<String>::new());
    assert_eq!(search("5"), ["50%_klubben"]);
    // Paged: the search keeps the list's order across pages.
    let first = app.get(&format!("{path}?q=rening&limit=2"));
    assert_eq!(names(&first), ["abc-föreningen", "Föreningen Åkern"]);
    let next = app.get(&format!(
        "{path}?q=rening&limit=2&cursor={}",
        first.json["next_cursor"].as_str().expect("a next page")
    ));
    assert_eq!(names(&next), ["ÖREBRO KONSTFÖRENING"]);
    // A renamed signatory is found by its new name only.
    let zonta = orgs[7];
    let rep = app.organization_rep(zonta);
    let org_path = format!("/api/v1/organizations/{zonta}");
    let etag = app
        .get_as(&org_path, &rep)
        .header("etag")
        .expect("an ETag")
        .to_owned();
    let r = app.patch(
        &org_path,
        &rep,
        Some(&etag),
        &json!({"name": "Zäta förening"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(search("zonta"), Vec::<String>::new());
    assert_eq!(search("ZÄTA"), ["Zäta förening"]);
    assert_eq!(
        search("förening"),
        [
            "abc-föreningen",
            "Föreningen Åkern",
            "Zäta förening",
            "ÖREBRO KONSTFÖRENING"
        ]
    );
    assert_eq!(search("zä"), ["Zäta förening"]);
});

/// Percent-encodes a query value (every byte outside unreserved characters).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

e2e!(fifty_concurrent_approvals_give_exactly_one, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Kapplöpningsföreningen", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|_| scope.spawn(|| approve(app, &s.admin, id, None).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(
        a.json["history"].as_array().unwrap().len(),
        2,
        "history matches state: {}",
        a.text
    );
    assert_eq!(a.json["state"], "approved");
});

e2e!(idempotent_submissions, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Föreningen Återbruk", None);
    let auth = format!("Bearer {}", app.organization_rep(org));
    let path = format!("/api/v1/agreements/{}/accessions", s.agreement);
    let send = |key: &str, body: &Value| {
        app.send(
            "POST",
            &path,
            &[("authorization", &auth), ("idempotency-key", key)],
            Some(("application/json", body.to_string().into_bytes())),
        )
    };
    let first = send("anslutning-1", &application(org));
    assert_eq!(first.status, 201, "{}", first.text);
    let retry = send("anslutning-1", &application(org));
    assert_eq!((retry.status, retry.id()), (201, first.id()));
    let mut other = application(org);
    other["channel"] = json!("written_application");
    send("anslutning-1", &other).assert_problem(422);
    let list = app.get_as(&path, &s.admin);
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
});

e2e!(csv_export_quotes_and_delimits, |app| {
    let s = setup(app, "registration");
    for name in ["Föreningen \"Citat\"", "Semi;kolon IF", "=FARLIG()"] {
        let org = app.create_organization(name, None);
        let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
        assert_eq!(approve(app, &s.admin, id, None).status, 200);
    }
    let path = format!("/api/v1/agreements/{}/signatories", s.agreement);
    // The older form, `Accept: text/csv` on the JSON list, still answers CSV, with its
    // deprecation and sunset dates (RFC 9745, RFC 8594); the CSV operation carries neither.
    let csv = app.send("GET", &path, &[("accept", "text/csv")], None);
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert_eq!(csv.header("deprecation"), Some("@1796083200"));
    assert_eq!(csv.header("sunset"), Some("Tue, 01 Jun 2027 00:00:00 GMT"));
    let exported = app.get(&format!("{path}.csv"));
    assert_eq!(exported.status, 200, "{}", exported.text);
    assert_eq!(exported.text, csv.text);
    assert_eq!(exported.header("deprecation"), None);
    assert!(
        exported
            .header("content-disposition")
            .is_some_and(|d| d.contains("filename*=UTF-8''") && d.ends_with(".csv"))
    );
    let json = app.get(&path);
    assert_eq!(json.header("deprecation"), None);
    let lines: Vec<&str> = csv.text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "name,org_number,legal_form,municipality_codes,website,signatory_since,signatory_until"
    );
    assert!(
        csv.text.contains("\"Föreningen \"\"Citat\"\"\""),
        "{}",
        csv.text
    );
    // A name cannot hold a line break (issue 13: names refuse control characters).
    assert!(
        csv.text.contains("'=FARLIG()"),
        "formula guard: {}",
        csv.text
    );
    assert!(!csv.text.contains("kim@forening.example"));
    let semi = app.get(&format!("{path}.csv?delimiter=semicolon"));
    assert!(
        semi.text.starts_with("\u{feff}name;org_number;"),
        "{}",
        semi.text
    );
    assert!(semi.text.contains("\"Semi;kolon IF\";"), "{}", semi.text);
    app.get(&format!("{path}.csv?delimiter=tab"))
        .assert_problem(400);
    let etag = semi.header("etag").unwrap().to_owned();
    let again = app.send(
        "GET",
        &format!("{path}.csv?delimiter=semicolon"),
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
});

// Issue 15: a CSV longer than one batch is streamed (chunked, no length), batch after batch
// in the list's order, with an entity tag from the data's version: the same data answers
// 304, a change answers the new list under a new tag.
e2e!(a_long_csv_is_streamed_in_order_with_a_version_tag, |app| {
    // A server of its own, restarted below: the tag names the data's version as the
    // process knows it, and a restart leaves no notice of earlier writes still to arrive.
    let mut own = TestApp::spawn(app.backend);
    let app = &mut own;
    let s = setup(app, "registration");
    let names = ["Örnen IF", "Åby IF", "Ängby SK", "abc-föreningen", "Zonta"];
    for name in names {
        let org = app.create_organization(name, None);
        let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
        assert_eq!(approve(app, &s.admin, id, None).status, 200);
    }
    assert!(names.len() as i64 > 2 * TEST_EXPORT_BATCH);
    let path = format!("/api/v1/agreements/{}/signatories.csv", s.agreement);
    app.restart();
    let csv = app.get(&path);
    assert_eq!(csv.status, 200, "{}", csv.text);
    assert_eq!(csv.header("transfer-encoding"), Some("chunked"));
    assert_eq!(csv.header("content-length"), None);
    let first_column: Vec<&str> = csv
        .text
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(
        first_column,
        [
            "name",
            "abc-föreningen",
            "Zonta",
            "Åby IF",
            "Ängby SK",
            "Örnen IF"
        ]
    );
    let etag = csv.header("etag").expect("an ETag").to_owned();
    let same = app.send("GET", &path, &[("if-none-match", &etag)], None);
    assert_eq!(same.status, 304, "{}", same.text);
    assert!(same.text.is_empty());
    // The semicolon form is another representation, under another tag.
    let semi = app.get(&format!("{path}?delimiter=semicolon"));
    assert_ne!(semi.header("etag"), Some(etag.as_str()));
    assert_eq!(semi.text.matches("\r\n").count(), names.len() + 1);
    let org = app.create_organization("Östra Kören", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    assert_eq!(approve(app, &s.admin, id, None).status, 200);
    let changed = app.send("GET", &path, &[("if-none-match", &etag)], None);
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    let last = changed.text.trim_end().rsplit("\r\n").next().unwrap();
    assert!(last.starts_with("Östra Kören,"), "{}", changed.text);
    assert_eq!(changed.text.matches("\r\n").count(), names.len() + 2);
    // A filtered export that fits in one batch is answered whole.
    let one = app.get(&format!("{path}?q=zonta"));
    assert_eq!(one.status, 200);
    assert!(
        one.header("content-length").is_some(),
        "{:?}",
        one.header("transfer-encoding")
    );
    assert_eq!(one.text.matches("\r\n").count(), 2);
});

e2e!(embeddable_page, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Föreningen <Ängsblomman> & Co", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    approve(app, &s.admin, id, None);
    let page = app.get(&format!("/embed/agreements/{}/signatories", s.agreement));
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("frame-ancestors *") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(
        page.header("x-frame-options").is_none(),
        "framing must be allowed"
    );
    assert_eq!(page.header("access-control-allow-origin"), Some("*"));
    assert!(page.text.contains("<html lang=\"sv\""));
    assert!(
        page.text
            .contains("Föreningen &#60;Ängsblomman&#62; &#38; Co"),
        "escaped"
    );
    assert!(!page.text.contains("<script"));
    assert!(!page.text.contains("kim@forening.example") && !page.text.contains("Kontaktsson"));
    let en = app.get(&format!(
        "/embed/agreements/{}/signatories?lang=en",
        s.agreement
    ));
    assert!(en.text.contains("<html lang=\"en\""));
    // Finnish is the third set of labels (issue 16).
    let fi = app.get(&format!(
        "/embed/agreements/{}/signatories?lang=fi",
        s.agreement
    ));
    assert_eq!(fi.status, 200, "{}", fi.text);
    assert!(fi.text.contains("<html lang=\"fi\""));
    // Errors are pages a visitor reads in the frame (issue 16; more in tests/tests/embed.rs).
    let bad = app.get(&format!(
        "/embed/agreements/{}/signatories?lang=de",
        s.agreement
    ));
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("<html lang=\"sv\">") && bad.text.contains("`lang`"));
    let draft = app.create_agreement(&s.admin, s.body, "1285", json!({}));
    let hidden = app.get(&format!("/embed/agreements/{draft}/signatories"));
    assert_eq!(hidden.status, 404);
    assert_eq!(
        hidden.header("content-type"),
        Some("text/html; charset=utf-8")
    );
});

e2e!(demo_signatories_fill_the_lists, |app| {
    let pool =
        samverkan_persistence::db::build_pool(&app.database_url, &Default::default()).unwrap();
    assert!(samverkan_api::setup::seed_demo(&pool).unwrap());
    let agreements = app.get("/api/v1/agreements?limit=200").json["items"]
        .as_array()
        .unwrap()
        .clone();
    let id = |code: &str| {
        agreements
            .iter()
            .find(|a| a["municipality_codes"][0] == code)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let eslov = app.get(&format!(
        "/api/v1/agreements/{}/signatories?as_of=2026-11-23",
        id("1285")
    ));
    assert_eq!(
        names(&eslov),
        ["Föreningen Ängsblomman", "Örkelljunga IF (demo)"]
    );
    let with_former = app.get(&format!(
        "/api/v1/agreements/{}/signatories?as_of=2026-11-23&include=former",
        id("1285")
    ));
    assert_eq!(names(&with_former).len(), 3);
    let blekinge = agreements
        .iter()
        .find(|a| a["scope"] == "regional")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.get(&format!("/api/v1/agreements/{blekinge}/signatories"));
    assert!(
        names(&b).contains(&"Karlskrona kommun".to_owned()),
        "{}",
        b.text
    );
    let page = app.get(&format!("/embed/agreements/{}/signatories", id("1285")));
    assert!(page.text.contains("Föreningen Ängsblomman"));
});

e2e!(unconfirmed_accessions_end_after_the_deadline, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"eligibility_statements": [STATEMENT], "reconfirmation_days": 30}),
    );
    let s = Setup {
        agreement,
        body,
        admin,
    };
    let org = app.create_organization("Föreningen Glömska", None);
    let id = submit(app, &s, &app.organization_rep(org), &application(org)).id();
    approve(app, &s.admin, id, None);
    let base = format!("/api/v1/agreements/{agreement}");
    app.post(
        &format!("{base}/revision"),
        Some(&s.admin),
        &json!({"content": agreement_content("Reviderad")}),
    );
    let r = app.post(&format!("{base}/revision/adoption"), Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2024-03-01", "diary_number": null, "valid_from": "2024-03-01", "valid_until": null}));
    assert_eq!(r.status, 200, "{}", r.text);
    let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(
        a.json["reconfirmation"]["reconfirm_by"], "2024-03-31",
        "{}",
        a.text
    );
    // Past the deadline the signatory has left, read from the dates before any sweep ran.
    let list = format!("{base}/signatories?include=former");
    let then = app.get(&format!("{list}&as_of=2024-03-31"));
    assert_eq!(
        then.json["items"][0]["signatory_until"],
        Value::Null,
        "{}",
        then.text
    );
    let after = app.get(&list);
    assert_eq!(
        after.json["items"][0]["signatory_until"], "2024-04-01",
        "{}",
        after.text
    );
    let current = app.get(&format!("{base}/signatories"));
    assert_eq!(current.json["items"], json!([]), "{}", current.text);
    let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(a.json["state"], "ended");
    let pool =
        samverkan_persistence::db::build_pool(&app.database_url, &Default::default()).unwrap();
    assert_eq!(
        samverkan_api::setup::sweep_reconfirmations(&pool, chrono::Utc::now()).unwrap(),
        1
    );
    let a = app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin);
    assert_eq!(a.json["state"], "ended");
    assert_eq!(a.json["end_reason"], "not_reconfirmed");
    assert_eq!(
        samverkan_api::setup::sweep_reconfirmations(&pool, chrono::Utc::now()).unwrap(),
        0
    );
});

// Refusals speak the client's language: with `Accept-Language: sv` the title, the detail
// and every field message are Swedish, while codes stay English; without it, all English.
e2e!(refusals_speak_swedish_when_asked, |app| {
    let s = setup(app, "registration");
    let org = app.create_organization("Föreningen Älvdansen", None);
    let rep = app.organization_rep(org);
    let id = submit(app, &s, &rep, &application(org)).id();
    assert_eq!(approve(app, &s.admin, id, None).status, 200);
    let post = |token: &str, path: &str, body: &Value, language: Option<&str>| {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend(language.map(|l| ("accept-language", l)));
        app.send(
            "POST",
            path,
            &headers,
            Some(("application/json", body.to_string().into_bytes())),
        )
    };
    let swedish_letters = |text: &str| text.contains(['å', 'ä', 'ö']);

    // 409: the accession's state forbids approving it again.
    let approval = format!("/api/v1/accessions/{id}/approval");
    let again = json!({"approved_on": "2024-03-01", "decision_id": null});
    let sv = post(&s.admin, &approval, &again, Some("sv"));
    assert_eq!(
        sv.assert_problem(409).json["code"],
        "accession_not_submitted"
    );
    assert_eq!(
        sv.json["title"],
        "En regel i överenskommelsen hindrar detta"
    );
    assert_eq!(
        sv.json["detail"],
        "bara en inskickad anslutning kan godkännas, avslås eller återtas; den här är godkänd"
    );
    let en = post(&s.admin, &approval, &again, None);
    assert_eq!(
        en.assert_problem(409).json["code"],
        "accession_not_submitted"
    );
    assert_eq!(en.json["title"], "A rule of the agreement forbids this");
    assert_eq!(
        en.json["detail"],
        "only a submitted accession can be approved, rejected or cancelled; this one is approved"
    );
    assert!(!swedish_letters(&en.text), "{}", en.text);

    // 422: a blank reference, and a date before the approval on record.
    let withdrawal = format!("/api/v1/accessions/{id}/withdrawal");
    let early =
        json!({"received_on": "2024-01-05", "reference": " ", "effective_on": "2024-01-10"});
    let sv = post(&rep, &withdrawal, &early, Some("sv-SE, en;q=0.8"));
    assert_eq!(
        sv.assert_problem(422).error_fields(),
        ["reference", "effective_on"]
    );
    assert_eq!(sv.json["title"], "Ogiltiga uppgifter");
    assert_eq!(
        sv.json["detail"],
        "ogiltigt värde i: reference, effective_on"
    );
    assert_eq!(sv.json["errors"][0]["code"], "required");
    assert_eq!(sv.json["errors"][0]["message"], "måste fyllas i");
    assert_eq!(sv.json["errors"][1]["code"], "withdrawal_before_approval");
    assert_eq!(
        sv.json["errors"][1]["message"],
        "utträdet kan inte gälla från ett datum före godkännandet av anslutningen (2024-03-01)"
    );
    let en = post(&rep, &withdrawal, &early, Some("en-GB, sv;q=0.5"));
    assert_eq!(en.assert_problem(422).json["title"], "Invalid input");
    assert_eq!(
        en.json["detail"],
        "invalid value in: reference, effective_on"
    );
    assert_eq!(en.json["errors"][0]["message"], "must not be empty");
    assert_eq!(en.json["errors"][1]["code"], "withdrawal_before_approval");
    assert_eq!(
        en.json["errors"][1]["message"],
        "a withdrawal cannot take effect before the accession was approved (2024-03-01)"
    );
    assert!(!swedish_letters(&en.text), "{}", en.text);
    assert_eq!(
        app.get_as(&format!("/api/v1/accessions/{id}"), &s.admin)
            .json["state"],
        "approved",
        "nothing was written"
    );
});
