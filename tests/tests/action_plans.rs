//! Action plans through HTTP: the lifecycle, one adopted plan per day, adoption by the
//! steering group's decision, activity references checked against the current version,
//! dated status changes, and participation by a representative for its own organisation.

use std::sync::Barrier;

use samverkan_domain::access::Role;
use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

struct Setup {
    agreement: Uuid,
    admin: String,
    base: String,
}

fn setup(app: &TestApp) -> Setup {
    app.set_today("2026-03-01");
    let body = app.public_body("municipality", "0181");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "0181", json!({}));
    Setup {
        agreement,
        admin,
        base: format!("/api/v1/agreements/{agreement}/action-plans"),
    }
}

fn draft(app: &TestApp, s: &Setup, title: &str, from: &str, to: &str) -> Resp {
    app.post(
        &s.base,
        Some(&s.admin),
        &json!({"title": title, "period_from": from, "period_to": to}),
    )
}

fn committee() -> Value {
    json!({"adopted_by": {"kind": "external_body", "name": "Kultur- och fritidsnämnden i Södertälje", "decision_date": "2026-01-20", "diary_number": "KFN 2026/0042"}, "adopted_on": "2026-02-01"})
}

fn activity(principles: Value, areas: Value) -> Value {
    json!({"title": "Dialogträff om föreningslokaler", "description": "Föreningar och förvaltning går igenom lokalbehoven.",
           "principles": principles, "development_areas": areas,
           "responsible_parties": ["Kultur- och fritidsförvaltningen", "Föreningsrådet"],
           "due_on": "2026-06-30"})
}

fn types_in_feed(app: &TestApp, token: Option<&str>) -> Vec<String> {
    let r = match token {
        Some(t) => app.get_as("/api/v1/changes?limit=200", t),
        None => app.get("/api/v1/changes?limit=200"),
    };
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["type"].as_str().map(str::to_owned))
        .filter(|t| t.starts_with("action_plan."))
        .collect()
}

e2e!(plan_lifecycle_and_one_adopted_plan_per_day, |app| {
    let s = setup(app);
    let first = draft(app, &s, "Handlingsplan 2026", "2026-01-01", "2026-12-31");
    assert_eq!(first.status, 201, "{}", first.text);
    let first_id = first.id();
    assert_eq!(
        first.header("location"),
        Some(format!("{}/{first_id}", s.base).as_str())
    );
    assert_eq!(first.json["state"], "draft");
    // A draft is its editors' alone.
    assert_eq!(app.get(&s.base).json["items"], json!([]));
    app.get(&format!("{}/{first_id}", s.base))
        .assert_problem(404);
    let own = app.get_as(&s.base, &s.admin);
    assert_eq!(own.json["items"][0]["id"], json!(first_id));

    // Closing a draft is refused by its state; a period backwards is a wrong value.
    let close = |id: Uuid, on: &str| {
        app.post(
            &format!("{}/{id}/closure", s.base),
            Some(&s.admin),
            &json!({"closed_on": on}),
        )
    };
    assert_eq!(
        close(first_id, "2026-03-01").assert_problem(409).json["code"],
        "action_plan_not_adopted"
    );
    let backwards = draft(app, &s, "Baklänges", "2026-12-31", "2026-01-01");
    assert_eq!(backwards.assert_problem(422).error_fields(), ["period_to"]);

    let adopt = |id: Uuid, body: &Value| {
        app.post(&format!("{}/{id}/adoption", s.base), Some(&s.admin), body)
    };
    let adopted = adopt(first_id, &committee());
    assert_eq!(adopted.status, 200, "{}", adopted.text);
    assert_eq!(adopted.json["state"], "adopted");
    assert_eq!(adopted.json["adopted_by"]["kind"], "external_body");
    assert_eq!(adopted.json["adopted_by"]["diary_number"], "KFN 2026/0042");
    assert_eq!(
        adopt(first_id, &committee()).assert_problem(409).json["code"],
        "action_plan_not_draft"
    );
    let public = app.get(&format!("{}/{first_id}", s.base));
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(public.json["state"], "adopted");

    // The next plan may be drafted while this one runs, but not adopted over its days:
    // it overlaps on 2026-12-31.
    let next = draft(app, &s, "Handlingsplan 2027", "2026-12-31", "2027-12-31");
    assert_eq!(next.status, 201, "{}", next.text);
    let overlap = adopt(next.id(), &committee());
    assert_eq!(
        overlap.assert_problem(409).json["code"],
        "action_plan_overlaps"
    );
    // The day after the current plan's last is free.
    let following = draft(app, &s, "Handlingsplan 2027", "2027-01-01", "2027-12-31");
    assert_eq!(adopt(following.id(), &committee()).status, 200);
    // Once the current plan is closed, its days are free.
    let closed = close(first_id, "2026-03-01");
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(closed.json["closed_on"], "2026-03-01");
    let replacement = draft(app, &s, "Reviderad plan 2026", "2026-03-01", "2026-12-31");
    assert_eq!(adopt(replacement.id(), &committee()).status, 200);
    // Adoption dated before its decision, or ahead of today: values to correct.
    let early = draft(app, &s, "Plan 2028", "2028-01-01", "2028-12-31");
    let mut before_decision = committee();
    before_decision["adopted_on"] = json!("2026-01-10");
    assert_eq!(
        adopt(early.id(), &before_decision)
            .assert_problem(422)
            .error_fields(),
        ["adopted_on"]
    );

    // The feed: every change for the administrator, the drafting never for the public.
    let all = types_in_feed(app, Some(&s.admin));
    assert_eq!(
        all.iter().filter(|t| *t == "action_plan.drafted").count(),
        5
    );
    assert_eq!(
        all.iter().filter(|t| *t == "action_plan.adopted").count(),
        3
    );
    assert_eq!(all.iter().filter(|t| *t == "action_plan.closed").count(), 1);
    let public_feed = types_in_feed(app, None);
    assert!(!public_feed.iter().any(|t| t == "action_plan.drafted"));
    assert_eq!(
        public_feed
            .iter()
            .filter(|t| *t == "action_plan.adopted")
            .count(),
        3
    );

    // Others may not draft.
    let stranger_body = app.public_body("municipality", "0180");
    let stranger = app.agreement_admin(stranger_body);
    let r = app.post(
        &s.base,
        Some(&stranger),
        &json!({"title": "Främmande plan", "period_from": "2026-01-01", "period_to": "2026-12-31"}),
    );
    r.assert_problem(403);
});

e2e!(steering_group_adopts_by_a_valid_decision, |app| {
    let s = setup(app);
    let group = format!("/api/v1/agreements/{}/steering-group", s.agreement);
    let r = app.post(
        &group,
        Some(&s.admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 1, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let body_id: Uuid = serde_json::from_value(
        app.get(&format!("/api/v1/agreements/{}", s.agreement)).json["owner_public_body_id"]
            .clone(),
    )
    .expect("owner");
    let mut members = Vec::new();
    for (name, side, by) in [
        (
            "Åsa Exempelsson",
            "public_sector",
            json!({"type": "public_body", "id": body_id}),
        ),
        (
            "Örjan Provsson",
            "civil_society",
            json!({"type": "network", "name": "Idéburna nätverket"}),
        ),
    ] {
        let r = app.post(
            &format!("{group}/memberships"),
            Some(&s.admin),
            &json!({"person_name": name, "title": "Ledamot", "side": side, "seat": "ordinary", "role": "member", "appointed_by": by, "term_start": "2025-01-01", "term_end": null}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        members.push(r.id());
    }
    let meeting = app.post(
        &format!("{group}/meetings"),
        Some(&s.admin),
        &json!({"date": "2026-01-20", "present": members, "minutes_reference": "Protokoll 2026-01-20"}),
    );
    assert_eq!(meeting.status, 201, "{}", meeting.text);
    let decide = |kind: &str| {
        let r = app.post(
            &format!("{group}/meetings/{}/decisions", meeting.id()),
            Some(&s.admin),
            &json!({"kind": kind, "subject": "Handlingsplan 2026", "subject_id": null, "text": "Styrgruppen antar handlingsplanen."}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    };
    let adopting = decide("adopt_action_plan");
    let other = decide("other");
    let plan = draft(app, &s, "Handlingsplan 2026", "2026-01-01", "2026-12-31").id();
    let adopt = |decision: Uuid| {
        app.post(
            &format!("{}/{plan}/adoption", s.base),
            Some(&s.admin),
            &json!({"adopted_by": {"kind": "steering_group", "decision_id": decision}, "adopted_on": "2026-01-20"}),
        )
    };
    assert_eq!(
        adopt(other).assert_problem(422).error_fields(),
        ["adopted_by.decision_id"]
    );
    assert_eq!(
        adopt(Uuid::now_v7()).assert_problem(422).error_fields(),
        ["adopted_by.decision_id"]
    );
    let ok = adopt(adopting);
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json["adopted_by"]["kind"], "steering_group");
    assert_eq!(ok.json["adopted_by"]["decision_id"], json!(adopting));
    assert_eq!(ok.json["adopted_by"]["decision_date"], "2026-01-20");
});

e2e!(activity_references_and_status_changes, |app| {
    let s = setup(app);
    let plan = draft(app, &s, "Handlingsplan 2026", "2026-01-01", "2026-12-31").id();
    let activities = format!("{}/{plan}/activities", s.base);
    // The test agreement has principles 1 and 2 and no development areas.
    let bad = app.post(
        &activities,
        Some(&s.admin),
        &activity(json!([1, 7]), json!(["Lokaler"])),
    );
    assert_eq!(
        bad.assert_problem(422).error_fields(),
        ["principles[1]", "development_areas[0]"]
    );
    assert_eq!(bad.json["errors"][0]["code"], "unknown_principle");
    assert_eq!(bad.json["errors"][1]["code"], "unknown_development_area");
    let mut both = activity(json!([1]), json!([]));
    both["period_from"] = json!("2026-04-01");
    both["period_to"] = json!("2026-05-01");
    assert_eq!(
        app.post(&activities, Some(&s.admin), &both)
            .assert_problem(422)
            .error_fields(),
        ["due_on"]
    );
    // A retry with the same Idempotency-Key adds nothing more.
    let auth = format!("Bearer {}", s.admin);
    let body = serde_json::to_vec(&activity(json!([1, 2]), json!([]))).expect("json");
    let send = || {
        app.send(
            "POST",
            &activities,
            &[
                ("authorization", auth.as_str()),
                ("idempotency-key", "aktivitet-1"),
            ],
            Some(("application/json", body.clone())),
        )
    };
    let added = send();
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(send().text, added.text);
    assert_eq!(added.json["activities"].as_array().map(Vec::len), Some(1));
    let now = app.get_as(&format!("{}/{plan}", s.base), &s.admin);
    assert_eq!(now.json["activities"].as_array().map(Vec::len), Some(1));
    let act = &added.json["activities"][0];
    assert_eq!(act["status"], "planned");
    assert_eq!(act["principles"], json!([1, 2]));
    let activity_id = act["id"].as_str().expect("id").to_owned();
    let status = |to: &str, on: &str, note: &str| {
        app.post(
            &format!("{activities}/{activity_id}/status-changes"),
            Some(&s.admin),
            &json!({"status": to, "on": on, "note": note}),
        )
    };
    let started = status("in_progress", "2026-03-01", "Första träffen är bokad.");
    assert_eq!(started.status, 200, "{}", started.text);
    assert_eq!(
        status("planned", "2026-03-01", "Tillbaka")
            .assert_problem(409)
            .json["code"],
        "activity_status_transition"
    );
    assert_eq!(
        status("done", "2026-02-01", "För tidigt")
            .assert_problem(422)
            .error_fields(),
        ["on"]
    );
    // An activity the plan does not have is an unknown path id.
    app.post(
        &format!("{activities}/{}/status-changes", Uuid::now_v7()),
        Some(&s.admin),
        &json!({"status": "done", "on": "2026-03-01", "note": "Okänd"}),
    )
    .assert_problem(404);
    let done = status("done", "2026-03-01", "Träffen hölls med 14 föreningar.");
    assert_eq!(done.status, 200, "{}", done.text);
    let history = &done.json["activities"][0]["history"];
    assert_eq!(history.as_array().map(Vec::len), Some(3));
    assert_eq!(history[2]["status"], "done");
    assert_eq!(history[2]["on"], "2026-03-01");
    assert_eq!(history[2]["note"], "Träffen hölls med 14 föreningar.");
    // Who recorded it is not shown.
    assert!(history[2].get("by").is_none());
    let feed = types_in_feed(app, Some(&s.admin));
    assert_eq!(
        feed.iter()
            .filter(|t| *t == "action_plan.activity_status_changed")
            .count(),
        2
    );
    assert!(feed.iter().any(|t| t == "action_plan.activity_added"));
});

e2e!(
    participation_by_a_representative_for_its_own_organisation_only,
    |app| {
        let s = setup(app);
        let mut orgs = Vec::new();
        for (name, number) in [
            ("Föreningen Ängsblomman", "802002-4280"),
            ("Idrottsföreningen Östra Hörnet", "802003-4321"),
        ] {
            let org = app.create_organization(name, Some(number));
            let rep = app.organization_rep(org);
            let r = app.post(
            &format!("/api/v1/agreements/{}/accessions", s.agreement),
            Some(&rep),
            &json!({
                "signatory": {"kind": "organization", "id": org},
                "channel": "board_minutes",
                "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
                "affirmed_statements": [],
                "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
            }),
        );
            assert_eq!(r.status, 201, "{}", r.text);
            let approved = app.post(
                &format!("/api/v1/accessions/{}/approval", r.id()),
                Some(&s.admin),
                &json!({"approved_on": "2024-03-01", "decision_id": null}),
            );
            assert_eq!(approved.status, 200, "{}", approved.text);
            orgs.push((org, rep));
        }
        let outsider = app.create_organization("Kören Åskväder", None);
        let outsider_rep = app.organization_rep(outsider);

        let plan = draft(app, &s, "Handlingsplan 2026", "2026-01-01", "2026-12-31").id();
        assert_eq!(
            app.post(
                &format!("{}/{plan}/adoption", s.base),
                Some(&s.admin),
                &committee()
            )
            .status,
            200
        );
        let activities = format!("{}/{plan}/activities", s.base);
        // A representative does not edit the plan.
        app.post(
            &activities,
            Some(&orgs[0].1),
            &activity(json!([1]), json!([])),
        )
        .assert_problem(403);
        let added = app.post(
            &activities,
            Some(&s.admin),
            &activity(json!([1]), json!([])),
        );
        assert_eq!(added.status, 201, "{}", added.text);
        let activity_id = added.json["activities"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let participation = format!("{activities}/{activity_id}/participation");
        let opt = |token: &str, org: Uuid, on: bool| {
            app.post(
                &participation,
                Some(token),
                &json!({"organization_id": org, "participating": on}),
            )
        };
        // Its own organisation: yes; another: 403.
        let own = opt(&orgs[0].1, orgs[0].0, true);
        assert_eq!(own.status, 200, "{}", own.text);
        opt(&orgs[0].1, orgs[1].0, true).assert_problem(403);
        // The administrator on the other's behalf.
        assert_eq!(opt(&s.admin, orgs[1].0, true).status, 200);
        // An organisation that is not a signatory cannot take part.
        assert_eq!(
            opt(&outsider_rep, outsider, true).assert_problem(409).json["code"],
            "not_signatory"
        );
        // The public sees organisation names only.
        let public = app.get(&format!("{}/{plan}", s.base));
        assert_eq!(public.status, 200, "{}", public.text);
        assert_eq!(
            public.json["activities"][0]["participants"],
            json!(["Föreningen Ängsblomman", "Idrottsföreningen Östra Hörnet"])
        );
        assert!(!public.text.contains(&orgs[0].0.to_string()));
        // Opting out.
        let out = opt(&orgs[1].1, orgs[1].0, false);
        assert_eq!(out.status, 200, "{}", out.text);
        assert_eq!(
            out.json["activities"][0]["participants"],
            json!(["Föreningen Ängsblomman"])
        );
        let feed = types_in_feed(app, None);
        assert_eq!(
            feed.iter()
                .filter(|t| *t == "action_plan.participation_changed")
                .count(),
            3
        );
        // A steering member without a seat is no editor either.
        let member = app.token("ingen-plats", &[Role::SteeringMember], None, &[]);
        app.post(&activities, Some(&member), &activity(json!([1]), json!([])))
            .assert_problem(403);
    }
);

e2e!(
    concurrent_adoptions_of_overlapping_plans_give_exactly_one,
    |app| {
        let s = setup(app);
        // Eight drafts that all cover 2026-06-30, adopted at once: the agreement's row lock
        // decides them one after the other, so exactly one is adopted.
        let plans: Vec<Uuid> = (0..8)
            .map(|i| {
                let from = format!("2026-0{}-01", i % 6 + 1);
                draft(app, &s, &format!("Förslag nr {i}"), &from, "2026-12-31").id()
            })
            .collect();
        let barrier = Barrier::new(plans.len());
        let answers: Vec<Resp> = std::thread::scope(|scope| {
            let handles: Vec<_> = plans
                .iter()
                .map(|plan| {
                    let barrier = &barrier;
                    let s = &s;
                    scope.spawn(move || {
                        barrier.wait();
                        app.post(
                            &format!("{}/{plan}/adoption", s.base),
                            Some(&s.admin),
                            &committee(),
                        )
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("request thread"))
                .collect()
        });
        let adopted = answers.iter().filter(|r| r.status == 200).count();
        assert_eq!(
            adopted,
            1,
            "{:?}",
            answers.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        for r in answers.iter().filter(|r| r.status != 200) {
            assert_eq!(r.assert_problem(409).json["code"], "action_plan_overlaps");
        }
        let listed = app.get(&s.base);
        assert_eq!(listed.json["items"].as_array().map(Vec::len), Some(1));
    }
);

e2e!(the_calendar_shows_when_the_next_plan_is_due, |app| {
    app.set_today("2026-03-01");
    let body = app.public_body("municipality", "0181");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "0181", json!({"action_plan_months": 12}));
    let s = Setup {
        agreement,
        admin,
        base: format!("/api/v1/agreements/{agreement}/action-plans"),
    };
    let calendar = format!("/api/v1/agreements/{agreement}/calendar");
    let plan_items = |r: &Resp| -> Vec<Value> {
        r.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["kind"] == "action_plan")
            .cloned()
            .collect()
    };
    // A draft is not a plan in force: nothing is due yet.
    let plan = draft(app, &s, "Handlingsplan 2026", "2026-01-01", "2026-12-31").id();
    assert_eq!(plan_items(&app.get(&calendar)), Vec::<Value>::new());
    let adopted = app.post(
        &format!("{}/{plan}/adoption", s.base),
        Some(&s.admin),
        &committee(),
    );
    assert_eq!(adopted.status, 200, "{}", adopted.text);
    let due = plan_items(&app.get(&calendar));
    assert_eq!(
        due,
        vec![
            json!({"kind": "action_plan", "due_on": "2027-01-01", "overdue": false, "last_done_on": "2026-02-01"})
        ]
    );
    app.set_today("2027-01-02");
    assert_eq!(plan_items(&app.get(&calendar))[0]["overdue"], true);
});
