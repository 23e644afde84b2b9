//! The change feed (issue 14): every state change is recorded in its own transaction and
//! read in position order, public changes for anyone, the rest for administrators; the
//! long poll; and on PostgreSQL, no change is ever skipped under concurrent writers.

use std::time::{Duration, Instant};

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

fn application(org: Uuid) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": "+46 70 000 00 00"}
    })
}

fn settings() -> Value {
    json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]})
}

/// Every change after the start, following `next_cursor` page by page.
fn follow(app: &TestApp, token: Option<&str>, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/changes?limit=2{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = match token {
            Some(t) => app.get_as(&path, t),
            None => app.get(&path),
        };
        assert_eq!(r.status, 200, "{}", r.text);
        let page = r.json["items"].as_array().expect("items").clone();
        cursor = Some(
            r.json["next_cursor"]
                .as_str()
                .expect("a feed's next_cursor is never null")
                .to_owned(),
        );
        if page.is_empty() {
            return items;
        }
        items.extend(page);
    }
}

/// `samverkan_changes_held_back` on the metrics server.
fn held_back(app: &TestApp) -> f64 {
    let mut res = ureq::get(format!("{}/metrics", app.metrics_base))
        .call()
        .expect("metrics server answers");
    let text = res.body_mut().read_to_string().expect("metrics text");
    text.lines()
        .find_map(|l| l.strip_prefix("samverkan_changes_held_back "))
        .and_then(|v| v.trim().parse().ok())
        .expect("samverkan_changes_held_back")
}

fn types(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|c| c["type"].as_str().expect("type"))
        .collect()
}

fn assert_increasing(items: &[Value]) {
    let positions: Vec<i64> = items
        .iter()
        .map(|c| c["position"].as_i64().expect("position"))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "positions increase: {positions:?}"
    );
}

e2e!(
    the_feed_records_the_lifecycle_and_shows_the_public_part_to_anyone,
    |app| {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.create_agreement(&admin, body, "1285", settings());
        // A draft is nobody else's business.
        assert!(follow(app, None, "").is_empty());
        assert_eq!(types(&follow(app, Some(&admin), "")), ["agreement.created"]);
        let r = app.post(
        &format!("/api/v1/agreements/{agreement}/adoption"),
        Some(&admin),
        &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2020-01-15", "diary_number": "KS 2020/1", "valid_from": "2020-02-01", "valid_until": null}),
    );
        assert_eq!(r.status, 200, "{}", r.text);

        let org = app.create_organization("Föreningen Älvdalens Vänner", None);
        let rep = app.organization_rep(org);
        let r = app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&rep),
            &application(org),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let accession = r.id();
        let r = app.post(
            &format!("/api/v1/accessions/{accession}/approval"),
            Some(&admin),
            &json!({"approved_on": "2024-03-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);

        let public = follow(app, None, "");
        assert_eq!(types(&public), ["agreement.adopted", "accession.approved"]);
        assert_increasing(&public);
        let approved = &public[1];
        assert_eq!(approved["agreement_id"], json!(agreement));
        assert_eq!(approved["public"], json!(true));
        assert_eq!(approved["payload"]["accession_id"], json!(accession));
        assert_eq!(
            approved["payload"]["signatory"],
            json!({"kind": "organization", "id": org, "name": "Föreningen Älvdalens Vänner"})
        );
        assert_eq!(approved["payload"]["state"], "approved");
        assert_eq!(approved["payload"]["approved_on"], "2024-03-01");
        assert_eq!(approved["private_payload"], Value::Null);
        let adopted = &public[0];
        assert_eq!(adopted["payload"]["state"], "adopted");
        assert_eq!(adopted["payload"]["version"], 1);
        assert_eq!(adopted["payload"]["valid_from"], "2020-02-01");
        assert_eq!(adopted["payload"]["title"], "Överenskommelse om samverkan");
        // The contact person is personal data: in no payload, not even the administrators'.
        let all = follow(app, Some(&admin), "");
        for change in &all {
            let text = change.to_string();
            assert!(
                !text.contains("Kontaktsson") && !text.contains("kim@"),
                "{text}"
            );
        }
        assert_eq!(
            types(&all),
            [
                "agreement.created",
                "agreement.adopted",
                "accession.submitted",
                "accession.approved"
            ]
        );
        assert_increasing(&all);
        assert_eq!(
            all[3]["private_payload"],
            json!({"reason": "registered by an agreement administrator"})
        );
        // Filters by type and agreement.
        let only = follow(app, None, "&type=accession.approved");
        assert_eq!(types(&only), ["accession.approved"]);
        assert!(follow(app, None, &format!("&agreement_id={}", Uuid::now_v7())).is_empty());
        assert_eq!(
            follow(app, None, &format!("&agreement_id={agreement}")).len(),
            2
        );
        // Another body's administrator sees only public changes.
        let other = app.agreement_admin(app.public_body("municipality", "1290"));
        assert_eq!(follow(app, Some(&other), "").len(), 2);

        // A steering group's changes name seats, never people.
        let base = format!("/api/v1/agreements/{agreement}/steering-group");
        let r = app.post(
        &base,
        Some(&admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 2, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": true, "default_term_months": null}),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let r = app.post(
        &format!("{base}/memberships"),
        Some(&admin),
        &json!({"person_name": "Alva Exempelsson", "title": "Ledamot", "side": "public_sector", "seat": "ordinary", "role": "chair",
                "appointed_by": {"type": "public_body", "id": body}, "term_start": "2024-01-01", "term_end": null}),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let steering = follow(app, None, "&type=steering_group.member_appointed");
        assert_eq!(steering.len(), 1);
        assert_eq!(
            steering[0]["payload"]["membership"]["side"],
            "public_sector"
        );
        assert!(!steering[0].to_string().contains("Exempelsson"));
    }
);

e2e!(
    the_feed_refuses_what_it_cannot_read_and_is_never_cached,
    |app| {
        app.get("/api/v1/changes?wait=31").assert_problem(400);
        app.get("/api/v1/changes?cursor=AAAA").assert_problem(400);
        app.get("/api/v1/changes?type=accession.nope")
            .assert_problem(400);
        let r = app.get("/api/v1/changes");
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let admin = app.agreement_admin(app.public_body("municipality", "1281"));
        let mine = app.get_as("/api/v1/changes", &admin);
        assert_eq!(mine.status, 200, "{}", mine.text);
        assert_eq!(mine.header("access-control-allow-origin"), None);
        assert_eq!(mine.header("cache-control"), Some("no-store"));
        assert_eq!(r.json["items"], json!([]));
        // The cursor of an empty feed resumes from the start: what comes later is found.
        let cursor = r.json["next_cursor"].as_str().expect("cursor").to_owned();
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        app.adopted_agreement(&admin, body, "1285", settings());
        let r = app.get(&format!("/api/v1/changes?cursor={cursor}"));
        assert_eq!(
            types(r.json["items"].as_array().expect("items")),
            ["agreement.adopted"]
        );
        // And a cursor past it finds nothing more.
        let next = r.json["next_cursor"].as_str().expect("cursor").to_owned();
        let r = app.get(&format!("/api/v1/changes?cursor={next}"));
        assert_eq!(r.json["items"], json!([]));
        assert_eq!(r.json["next_cursor"].as_str(), Some(next.as_str()));
    }
);

e2e!(
    the_sectors_acting_organisations_follow_the_changes_of_the_agreement_they_co_administer,
    |app| {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let forum = app.create_organization("Forum för idéburna i Ösby", None);
        let forum_rep = app.organization_rep(forum);
        let mut with_forum = settings();
        with_forum["acting_organization_ids"] = json!([forum]);
        let agreement = app.create_agreement(&admin, body, "1285", with_forum);
        // The draft is the forum's business as co-administrator, and no other association's.
        let seen = follow(app, Some(&forum_rep), "");
        assert_eq!(types(&seen), ["agreement.created"]);
        assert_eq!(seen[0]["agreement_id"], json!(agreement));
        let stranger = app.organization_rep(app.create_organization("Föreningen Åsen", None));
        assert!(follow(app, Some(&stranger), "").is_empty());
        assert!(follow(app, None, "").is_empty());
    }
);

e2e!(a_long_poll_answers_as_soon_as_a_change_arrives, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let started = Instant::now();
    let r = app.get("/api/v1/changes?wait=1");
    assert!(started.elapsed() >= Duration::from_millis(900));
    let cursor = r.json["next_cursor"].as_str().expect("cursor").to_owned();
    std::thread::scope(|s| {
        let poll = s.spawn(|| {
            let started = Instant::now();
            let r = app.get_as(&format!("/api/v1/changes?wait=20&cursor={cursor}"), &admin);
            (r, started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(500));
        app.create_agreement(&admin, body, "1285", settings());
        let (r, waited) = poll.join().expect("poll");
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            types(r.json["items"].as_array().expect("items")),
            ["agreement.created"]
        );
        assert!(waited < Duration::from_secs(10), "{waited:?}");
    });
});

/// PostgreSQL: a transaction that recorded a change and has not committed holds back every
/// change after it, so a reader never passes a position that is still to commit; and a
/// follower under many concurrent writers sees every change exactly once, in order.
#[test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "PostgreSQL not tested: SAMVERKAN_TEST_POSTGRES_URL is not set"
)]
fn postgres_readers_never_skip_a_change_committed_late() {
    use samverkan_domain::change::ChangeType;
    use samverkan_persistence::changes::{NewChange, record};
    use samverkan_persistence::db::{PoolOptions, build_pool, get_conn, write_transaction};

    let app = TestApp::spawn(Backend::Postgres);
    let platform = app.platform_admin();
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.create_agreement(&admin, body, "1285", settings());
    let seen = follow(&app, Some(&platform), "");
    assert_eq!(seen.len(), 1);
    let pool = build_pool(&app.database_url, &PoolOptions::default()).expect("pool");

    // A writer that records a change and waits before committing.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let pool = pool.clone();
        let slow = s.spawn(move || {
            let mut conn = get_conn(&pool).expect("conn");
            write_transaction(&mut conn, |c| {
                record(
                    c,
                    &[NewChange {
                        change_type: ChangeType::AgreementUpdated,
                        agreement_id: agreement,
                        public: false,
                        payload: json!({"agreement_id": agreement, "state": "draft", "title": "Långsam", "version": null, "valid_from": null}),
                        private_payload: None,
                    }],
                    chrono::Utc::now(),
                )?;
                ready_tx.send(()).expect("ready");
                go_rx.recv().expect("go");
                Ok::<_, samverkan_persistence::StoreError>(())
            })
            .expect("slow writer commits");
        });
        ready_rx.recv().expect("the slow writer has recorded");
        // A later writer commits first.
        app.create_agreement(&admin, body, "1285", settings());
        let meanwhile = follow(&app, Some(&platform), "");
        assert_eq!(
            meanwhile.len(),
            1,
            "a change committed after an open one waits for it: {meanwhile:?}"
        );
        // The operator sees it: the committed change held back by the open transaction.
        assert!(held_back(&app) >= 1.0);
        go_tx.send(()).expect("go");
        slow.join().expect("slow writer");
    });
    assert_eq!(held_back(&app), 0.0);
    let after = follow(&app, Some(&platform), "");
    assert_eq!(
        types(&after),
        [
            "agreement.created",
            "agreement.updated",
            "agreement.created"
        ]
    );
    assert_eq!(after[1]["payload"]["title"], "Långsam");
    assert_increasing(&after);

    // Many writers at once, one follower: every change once, in position order.
    let writers = 6;
    let per_writer = 8;
    let mut followed: Vec<Value> = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..writers {
            s.spawn(|| {
                for _ in 0..per_writer {
                    app.create_agreement(&admin, body, "1285", settings());
                }
            });
        }
        let mut cursor = {
            let r = app.get_as("/api/v1/changes?limit=200", &platform);
            followed.extend(r.json["items"].as_array().expect("items").clone());
            r.json["next_cursor"].as_str().expect("cursor").to_owned()
        };
        let total = 3 + writers * per_writer;
        let deadline = Instant::now() + Duration::from_secs(120);
        while followed.len() < total && Instant::now() < deadline {
            let r = app.get_as(
                &format!("/api/v1/changes?limit=3&wait=1&cursor={cursor}"),
                &platform,
            );
            assert_eq!(r.status, 200, "{}", r.text);
            followed.extend(r.json["items"].as_array().expect("items").clone());
            cursor = r.json["next_cursor"].as_str().expect("cursor").to_owned();
        }
    });
    assert_increasing(&followed);
    let everything = follow(&app, Some(&platform), "");
    assert_eq!(everything.len(), 3 + writers * per_writer);
    let ids = |v: &[Value]| -> Vec<String> { v.iter().map(|c| c["id"].to_string()).collect() };
    assert_eq!(
        ids(&followed),
        ids(&everything),
        "the follower saw every change once"
    );
}

/// The catalogue in docs/integrations.md names every type of the code, and no other.
#[test]
fn the_documented_catalogue_is_the_code_s() {
    use samverkan_domain::change::ChangeType;
    use strum::IntoEnumIterator;
    let doc = include_str!("../../docs/integrations.md");
    let documented: std::collections::BTreeSet<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let code: std::collections::BTreeSet<&str> = ChangeType::iter().map(|t| t.as_str()).collect();
    assert_eq!(documented, code);
    for t in ChangeType::iter() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}`", t.as_str())))
            .expect("a row");
        assert_eq!(
            row.contains("| no |"),
            !t.is_public(),
            "the public column of {}",
            t.as_str()
        );
    }
}
