//! Steering groups through HTTP: parity, terms over time, quorum and decisions, who may
//! record them, and the race for the last free seat.

use samverkan_domain::access::Role;
use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

struct Setup {
    agreement: Uuid,
    body: Uuid,
    admin: String,
    base: String,
}

fn setup(app: &TestApp, seats: Option<u32>, deputies: bool) -> Setup {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let base = format!("/api/v1/agreements/{agreement}/steering-group");
    let r = app.post(
        &base,
        Some(&admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": seats, "deputies_allowed": deputies, "chair_and_vice_chair_from_different_sides": true, "default_term_months": null}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    Setup {
        agreement,
        body,
        admin,
        base,
    }
}

fn member(
    s: &Setup,
    name: &str,
    side: &str,
    seat: &str,
    role: &str,
    start: &str,
    end: Option<&str>,
) -> Value {
    let appointed_by = if side == "public_sector" {
        json!({"type": "public_body", "id": s.body})
    } else {
        json!({"type": "network", "name": "Eslövs idéburna nätverk"})
    };
    json!({"person_name": name, "title": "Ledamot", "side": side, "seat": seat, "role": role,
           "appointed_by": appointed_by, "term_start": start, "term_end": end})
}

fn appoint(app: &TestApp, s: &Setup, body: &Value) -> samverkan_e2e::Resp {
    app.post(&format!("{}/memberships", s.base), Some(&s.admin), body)
}

e2e!(seats_parity_and_terms_over_time, |app| {
    let s = setup(app, Some(2), false);
    let ok = |r: samverkan_e2e::Resp| {
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    };
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Alva Exempelsson",
            "public_sector",
            "ordinary",
            "chair",
            "2024-01-01",
            Some("2024-12-31"),
        ),
    ));
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Bror Demoberg",
            "public_sector",
            "ordinary",
            "member",
            "2024-01-01",
            None,
        ),
    ));
    // The public side is full for 2024: a third ordinary member is refused…
    let full = appoint(
        app,
        &s,
        &member(
            &s,
            "Cecilia Provlund",
            "public_sector",
            "ordinary",
            "member",
            "2024-06-01",
            None,
        ),
    );
    assert_eq!(full.assert_problem(409).json["code"], "seat_limit");
    // …but a term starting after the first one ends is consecutive, not overlapping.
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Cecilia Provlund",
            "public_sector",
            "ordinary",
            "member",
            "2025-01-01",
            None,
        ),
    ));
    // Each side appoints its own.
    let mut wrong = member(
        &s,
        "Dan Låtsasson",
        "civil_society",
        "ordinary",
        "member",
        "2024-01-01",
        None,
    );
    wrong["appointed_by"] = json!({"type": "public_body", "id": s.body});
    let r = appoint(app, &s, &wrong);
    assert_eq!(r.assert_problem(422).error_fields(), ["appointed_by"]);
    assert_eq!(r.json["errors"][0]["code"], "appointed_by_other_side");
    // Same-side chair and vice-chair are refused where the group says so.
    let vice = member(
        &s,
        "Elin Påhittsdotter",
        "public_sector",
        "ordinary",
        "vice_chair",
        "2024-01-01",
        None,
    );
    assert!(
        ["chair_same_side", "seat_limit"].contains(
            &appoint(app, &s, &vice).assert_problem(409).json["code"]
                .as_str()
                .unwrap()
        )
    );
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Elin Påhittsdotter",
            "civil_society",
            "ordinary",
            "vice_chair",
            "2024-01-01",
            None,
        ),
    ));
    // An adjunct never counts toward parity.
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Filip Fiktivander",
            "civil_society",
            "adjunct",
            "member",
            "2024-01-01",
            None,
        ),
    ));

    let on = |date: &str| app.get(&format!("{}?as_of={date}", s.base)).json["composition"].clone();
    let c = on("2024-03-01");
    assert_eq!(c["public_sector"]["ordinary"], 2);
    assert_eq!(c["civil_society"]["ordinary"], 1);
    assert_eq!(c["civil_society"]["vacant"], 1);
    assert_eq!(c["civil_society"]["adjuncts"], 1);
    // A vacancy leaves a group of fixed size balanced: neither side holds more than half
    // of the ordinary seats; quorum handles attendance.
    assert_eq!(c["balanced"], true);
    ok(appoint(
        app,
        &s,
        &member(
            &s,
            "Greta Exempelsson",
            "civil_society",
            "ordinary",
            "member",
            "2024-01-01",
            None,
        ),
    ));
    assert_eq!(on("2024-03-01")["balanced"], true);
    // Deputies only where the group has them.
    let dep = appoint(
        app,
        &s,
        &member(
            &s,
            "Hugo Demoberg",
            "civil_society",
            "deputy",
            "member",
            "2024-01-01",
            None,
        ),
    );
    assert_eq!(dep.assert_problem(422).error_fields(), ["seat"]);
    assert_eq!(dep.json["errors"][0]["code"], "deputies_not_allowed");
    // Public reads carry nothing personal beyond name and title.
    let text = app.get(&format!("{}/memberships", s.base)).text;
    assert!(!text.contains("person_ref"), "{text}");
    // Ending a term opens the seat from the next day.
    let members = app.get(&format!("{}/memberships", s.base)).json["items"]
        .as_array()
        .unwrap()
        .clone();
    let bror = members
        .iter()
        .find(|m| m["person_name"] == "Bror Demoberg")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app.post(
        &format!("{}/memberships/{bror}/term-end", s.base),
        Some(&s.admin),
        &json!({"last_day": "2025-06-30"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(on("2025-07-01")["public_sector"]["vacant"], 1);
    let later = app.post(
        &format!("{}/memberships/{bror}/term-end", s.base),
        Some(&s.admin),
        &json!({"last_day": "2025-12-31"}),
    );
    assert_eq!(later.assert_problem(422).error_fields(), ["last_day"]);
    assert_eq!(later.json["errors"][0]["code"], "term_already_ended");
    let missing = app.post(
        &format!("{}/memberships/{}/term-end", s.base, Uuid::now_v7()),
        Some(&s.admin),
        &json!({"last_day": "2025-12-31"}),
    );
    missing.assert_problem(404);
    assert_ne!(s.agreement, Uuid::nil());
});

e2e!(meetings_quorum_and_decisions, |app| {
    let s = setup(app, Some(2), true);
    let mut ids = Vec::new();
    for (name, side, seat, role) in [
        ("Alva Exempelsson", "public_sector", "ordinary", "chair"),
        ("Bror Demoberg", "public_sector", "ordinary", "member"),
        (
            "Cecilia Provlund",
            "civil_society",
            "ordinary",
            "vice_chair",
        ),
        ("Dan Låtsasson", "civil_society", "ordinary", "member"),
        ("Elin Påhittsdotter", "civil_society", "deputy", "member"),
        ("Filip Fiktivander", "public_sector", "adjunct", "member"),
    ] {
        let mut m = member(&s, name, side, seat, role, "2024-01-01", None);
        if name == "Cecilia Provlund" {
            m["person_ref"] = json!("ledamot-cecilia");
        }
        let r = appoint(app, &s, &m);
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.id());
    }
    let meeting = |present: Vec<Uuid>, token: &str| {
        app.post(&format!("{}/meetings", s.base), Some(token), &json!({"date": "2024-05-02", "present": present, "minutes_reference": "Protokoll 2024-05-02"}))
    };
    let decide = |meeting_id: Uuid| {
        app.post(
            &format!("{}/meetings/{meeting_id}/decisions", s.base),
            Some(&s.admin),
            &json!({"kind": "adopt_action_plan", "subject": "Handlingsplan 2024–2025", "subject_id": null, "text": "Styrgruppen antar handlingsplanen."}),
        )
    };
    // Only the adjunct and one civil-society member: not quorate (1 of 2 needed on the public side is 0).
    let thin = meeting(vec![ids[5], ids[2]], &s.admin);
    assert_eq!(thin.status, 201, "{}", thin.text);
    assert_eq!(thin.json["quorum"]["quorate"], false);
    assert_eq!(thin.json["quorum"]["public_sector"]["adjuncts_present"], 1);
    assert_eq!(
        decide(thin.id()).assert_problem(409).json["code"],
        "meeting_not_quorate"
    );
    // The deputy stands in for an absent civil-society member: quorate.
    let full = meeting(vec![ids[0], ids[4], ids[5]], &s.admin);
    assert_eq!(
        full.json["quorum"]["civil_society"]["deputies_standing_in"], 1,
        "{}",
        full.text
    );
    assert_eq!(full.json["quorum"]["quorate"], true);
    let d = decide(full.id());
    assert_eq!(d.status, 201, "{}", d.text);
    assert_eq!(d.json["kind"], "adopt_action_plan");
    let listed = app.get(&format!("{}/meetings", s.base));
    assert_eq!(
        listed.json["items"][1]["decisions"][0]["subject"],
        "Handlingsplan 2024–2025"
    );
    // A steering member records meetings of the group it sits on; another one may not.
    let seated = app.token("ledamot-cecilia", &[Role::SteeringMember], None, &[]);
    assert_eq!(meeting(vec![ids[0], ids[2]], &seated).status, 201);
    let stranger = app.token("ledamot-annan", &[Role::SteeringMember], None, &[]);
    meeting(vec![ids[0], ids[2]], &stranger).assert_problem(403);
    // Attendance must be members in office.
    let ghost = meeting(vec![Uuid::now_v7()], &s.admin);
    assert_eq!(ghost.assert_problem(422).error_fields(), ["present[0]"]);
    // A meeting is recorded once held: on or before today, never planned ahead.
    app.set_today("2024-05-01");
    let planned = meeting(vec![ids[0], ids[2]], &s.admin);
    assert_eq!(planned.assert_problem(422).error_fields(), ["date"]);
    assert_eq!(planned.json["errors"][0]["code"], "in_future");
    app.set_today("2024-05-02");
    assert_eq!(meeting(vec![ids[0], ids[2]], &s.admin).status, 201);
    app.set_today("2026-11-23");
    // A vacancy does not unbalance a group of fixed size: end a civil-society term, then
    // meet; the group decides while quorate, and not when one side is absent.
    app.post(
        &format!("{}/memberships/{}/term-end", s.base, ids[3]),
        Some(&s.admin),
        &json!({"last_day": "2024-06-30"}),
    );
    let later = app.post(&format!("{}/meetings", s.base), Some(&s.admin), &json!({"date": "2024-09-01", "present": [ids[0], ids[1], ids[2]], "minutes_reference": null}));
    assert_eq!(later.json["group_balanced"], true, "{}", later.text);
    assert_eq!(decide(later.id()).status, 201);
    let one_sided = app.post(
        &format!("{}/meetings", s.base),
        Some(&s.admin),
        &json!({"date": "2024-09-02", "present": [ids[0], ids[1]], "minutes_reference": null}),
    );
    assert_eq!(one_sided.json["group_balanced"], true, "{}", one_sided.text);
    assert_eq!(
        decide(one_sided.id()).assert_problem(409).json["code"],
        "meeting_not_quorate"
    );
});

e2e!(visibility_and_permissions, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let draft = app.create_agreement(&admin, body, "1285", json!({}));
    let base = format!("/api/v1/agreements/{draft}/steering-group");
    let config = json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 5, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": 24});
    assert_eq!(app.post(&base, Some(&admin), &config).status, 201);
    app.get(&base).assert_problem(404);
    assert_eq!(app.get_as(&base, &admin).status, 200);
    let other = app.agreement_admin(app.public_body("municipality", "1281"));
    app.post(&format!("{base}/memberships"), Some(&other), &json!({"person_name": "X", "side": "public_sector", "seat": "ordinary", "role": "member", "appointed_by": {"type": "public_body", "id": body}, "term_start": "2024-01-01"}))
        .assert_problem(404);
    assert_eq!(
        app.post(&base, Some(&admin), &config)
            .assert_problem(409)
            .json["code"],
        "steering_group_exists"
    );
    let etag = app.get_as(&base, &admin).header("etag").unwrap().to_owned();
    app.patch(&base, &admin, None, &json!({"name": "Nytt namn"}))
        .assert_problem(428);
    let r = app.patch(
        &base,
        &admin,
        Some(&etag),
        &json!({"name": "Styrgruppen för samverkan"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    app.patch(&base, &admin, Some(&etag), &json!({"name": "Gammal"}))
        .assert_problem(412);
    let shrink = app.patch(
        &base,
        &admin,
        Some(r.header("etag").unwrap()),
        &json!({"ordinary_seats_per_side": 0}),
    );
    shrink.assert_problem(422);
});

e2e!(two_appointments_race_for_the_last_seat, |app| {
    let s = setup(app, Some(1), false);
    let bodies: Vec<Value> = [
        "Alva Exempelsson",
        "Bror Demoberg",
        "Cecilia Provlund",
        "Dan Låtsasson",
    ]
    .iter()
    .map(|n| {
        member(
            &s,
            n,
            "public_sector",
            "ordinary",
            "member",
            "2024-01-01",
            None,
        )
    })
    .collect();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = bodies
            .iter()
            .map(|b| scope.spawn(|| appoint(app, &s, b).status))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        3,
        "{statuses:?}"
    );
    let c = app.get(&s.base).json["composition"].clone();
    assert_eq!(c["public_sector"]["ordinary"], 1);
});

e2e!(demo_groups_follow_the_seeds, |app| {
    let pool =
        samverkan_persistence::db::build_pool(&app.database_url, &Default::default()).unwrap();
    assert!(samverkan_api::setup::seed_demo(&pool).unwrap());
    let agreements = app.get("/api/v1/agreements?limit=200").json["items"]
        .as_array()
        .unwrap()
        .clone();
    let find = |code: &str| {
        agreements
            .iter()
            .find(|a| a["municipality_codes"][0] == code)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let eslov = app.get(&format!(
        "/api/v1/agreements/{}/steering-group",
        find("1285")
    ));
    assert_eq!(eslov.status, 200, "{}", eslov.text);
    assert_eq!(eslov.json["ordinary_seats_per_side"], 5);
    assert_eq!(eslov.json["composition"]["public_sector"]["ordinary"], 5);
    assert_eq!(eslov.json["composition"]["civil_society"]["ordinary"], 5);
    assert_eq!(eslov.json["composition"]["balanced"], true);
    let sodertalje = app.get(&format!(
        "/api/v1/agreements/{}/steering-group",
        find("0181")
    ));
    assert_eq!(sodertalje.json["kind"], "collaboration_group");
    assert!(sodertalje.json["ordinary_seats_per_side"].is_null());
    let blekinge = agreements
        .iter()
        .find(|a| a["scope"] == "regional")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.get(&format!("/api/v1/agreements/{blekinge}/steering-group"));
    assert_eq!(b.json["kind"], "partnership");
    assert_eq!(b.json["composition"]["public_sector"]["adjuncts"], 2);
    assert_eq!(b.json["composition"]["balanced"], true);
});

e2e!(
    a_planned_meeting_decides_once_its_minutes_mark_it_held,
    |app| {
        app.set_today("2025-03-01");
        let s = setup(app, Some(1), false);
        let mut ids = Vec::new();
        for (name, side, role) in [
            ("Åsa Exempelsson", "public_sector", "chair"),
            ("Örjan Provlund", "civil_society", "vice_chair"),
        ] {
            let r = appoint(
                app,
                &s,
                &member(&s, name, side, "ordinary", role, "2024-01-01", None),
            );
            assert_eq!(r.status, 201, "{}", r.text);
            ids.push(r.id());
        }
        let plan = |date: &str| {
            app.post(
                &format!("{}/planned-meetings", s.base),
                Some(&s.admin),
                &json!({"date": date}),
            )
        };
        let past = plan("2025-02-28");
        assert_eq!(past.assert_problem(422).json["errors"][0]["field"], "date");
        assert_eq!(past.json["errors"][0]["code"], "planned_in_past");
        let planned = plan("2025-03-12");
        assert_eq!(planned.status, 201, "{}", planned.text);
        assert_eq!(planned.json["planned"], true);
        assert_eq!(planned.json["present"], json!([]));
        let id = planned.id();
        let decide = || {
            app.post(
            &format!("{}/meetings/{id}/decisions", s.base),
            Some(&s.admin),
            &json!({"kind": "adopt_action_plan", "subject": "Handlingsplan 2025–2026", "subject_id": null, "text": "Styrgruppen antar handlingsplanen för året."}),
        )
        };
        assert_eq!(
            decide().assert_problem(409).json["code"],
            "meeting_not_held"
        );
        let minutes = || {
            app.post(
                &format!("{}/meetings/{id}/minutes", s.base),
                Some(&s.admin),
                &json!({"present": ids, "minutes_reference": "Protokoll 2025-03-12 § 2"}),
            )
        };
        assert_eq!(
            minutes().assert_problem(409).json["code"],
            "meeting_date_not_reached"
        );
        // Held on its date: minutes, attendance and then decisions.
        app.set_today("2025-03-12");
        let held = minutes();
        assert_eq!(held.status, 200, "{}", held.text);
        assert_eq!(held.json["planned"], false);
        assert_eq!(held.json["quorum"]["quorate"], true);
        assert_eq!(held.json["minutes_reference"], "Protokoll 2025-03-12 § 2");
        assert_eq!(decide().status, 201);
        assert_eq!(
            minutes().assert_problem(409).json["code"],
            "meeting_already_held"
        );
        let read = app.get(&format!("{}/meetings/{id}", s.base));
        assert_eq!(read.json["planned"], false);
        assert_eq!(read.json["present"].as_array().map(Vec::len), Some(2));
        assert_eq!(read.json["decisions"].as_array().map(Vec::len), Some(1));
    }
);
