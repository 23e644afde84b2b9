//! Races (issue 6), beyond the accession and seat races in `accessions.rs` and `steering.rs`:
//! concurrent edits with the same `If-Match` (one wins, the rest 412), concurrent
//! withdrawals and competing transitions (one wins, the history matches the state), and the
//! termination of an agreement while its accessions are being approved (no accession stays
//! approved on a terminated agreement).

use std::sync::Barrier;

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";

struct Setup {
    body: Uuid,
    admin: String,
    agreement: Uuid,
}

fn setup(app: &TestApp) -> Setup {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", settings());
    Setup {
        body,
        admin,
        agreement,
    }
}

fn settings() -> Value {
    json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT]})
}

fn application(org: Uuid) -> Value {
    json!({
        "signatory": {"kind": "organization", "id": org},
        "channel": "board_minutes",
        "board_decision": {"decided_on": "2024-02-01", "minutes_reference": "§ 7", "received_on": "2024-02-10", "diary_number": null},
        "affirmed_statements": [STATEMENT],
        "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
    })
}

/// A new organisation's submitted accession: (accession, representative's token).
fn submitted(app: &TestApp, agreement: Uuid, name: &str) -> (Uuid, String) {
    let org = app.create_organization(name, None);
    let rep = app.organization_rep(org);
    let r = app.post(
        &format!("/api/v1/agreements/{agreement}/accessions"),
        Some(&rep),
        &application(org),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    (r.id(), rep)
}

fn approve(app: &TestApp, admin: &str, id: Uuid) -> Resp {
    app.post(
        &format!("/api/v1/accessions/{id}/approval"),
        Some(admin),
        &json!({"approved_on": "2024-03-01", "decision_id": null}),
    )
}

fn accession(app: &TestApp, admin: &str, id: Uuid) -> Value {
    let r = app.get_as(&format!("/api/v1/accessions/{id}"), admin);
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

fn events(a: &Value) -> Vec<String> {
    a["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["event"].as_str().expect("event").to_owned())
        .collect()
}

/// The history's last entry leads to the accession's current state.
fn assert_history_ends_in_state(a: &Value) {
    let last = a["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("a history");
    assert_eq!(
        last["to"], a["state"],
        "the history ends in the current state: {a}"
    );
}

/// Runs every request at once (after a barrier) and returns the answers in order.
fn all_at_once<'a>(requests: Vec<Box<dyn Fn() -> Resp + Send + Sync + 'a>>) -> Vec<Resp> {
    let barrier = Barrier::new(requests.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = requests
            .iter()
            .map(|request| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    request()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("request thread"))
            .collect()
    })
}

fn statuses(answers: &[Resp]) -> Vec<u16> {
    answers.iter().map(|r| r.status).collect()
}

/// Sends `bodies` as PATCHes with the same `If-Match` at once: exactly one wins, the rest
/// are 412, and the resource is the winner's version.
fn race_patch(app: &TestApp, path: &str, token: &str, bodies: Vec<Value>) -> (usize, Resp) {
    let etag = app
        .get_as(path, token)
        .header("etag")
        .expect("an ETag")
        .to_owned();
    let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = bodies
        .iter()
        .map(|b| {
            let etag = etag.clone();
            Box::new(move || app.patch(path, token, Some(&etag), b))
                as Box<dyn Fn() -> Resp + Send + Sync>
        })
        .collect();
    let answers = all_at_once(requests);
    let codes = statuses(&answers);
    assert_eq!(
        codes.iter().filter(|s| **s == 200).count(),
        1,
        "{path}: exactly one edit wins: {codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|s| **s == 412).count(),
        bodies.len() - 1,
        "{path}: the others are 412: {codes:?}"
    );
    for r in answers.iter().filter(|r| r.status == 412) {
        r.assert_problem(412);
    }
    let winner = answers
        .iter()
        .position(|r| r.status == 200)
        .expect("a winner");
    let now = app.get_as(path, token);
    assert_eq!(
        now.header("etag"),
        answers[winner].header("etag"),
        "{path}: the stored version is the winner's"
    );
    let mut answers = answers;
    (winner, answers.swap_remove(winner))
}

e2e!(concurrent_edits_with_the_same_if_match, |app| {
    let s = setup(app);
    let platform = app.platform_admin();

    // An organisation's record, edited by ten clients that read the same version.
    let org = app.create_organization("Föreningen Ängsblomman", None);
    let path = format!("/api/v1/organizations/{org}");
    let bodies: Vec<Value> = (0..10)
        .map(|i| json!({"description": format!("Beskrivning nummer {i}: vi odlar ärtor i Öved.")}))
        .collect();
    let (winner, _) = race_patch(app, &path, &platform, bodies.clone());
    assert_eq!(
        app.get(&path).json["description"],
        bodies[winner]["description"]
    );

    // A draft agreement's text.
    let draft = app.create_agreement(&s.admin, s.body, "1285", settings());
    let path = format!("/api/v1/agreements/{draft}");
    let bodies: Vec<Value> = (0..8)
        .map(|i| json!({"content": agreement_content(&format!("Överenskommelse, utkast {i}"))}))
        .collect();
    let (winner, _) = race_patch(app, &path, &s.admin, bodies.clone());
    assert_eq!(
        app.get_as(&path, &s.admin).json["working_version"]["content"]["title"],
        bodies[winner]["content"]["title"]
    );

    // A steering group's configuration.
    let base = format!("/api/v1/agreements/{}/steering-group", s.agreement);
    let r = app.post(&base, Some(&s.admin), &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 5, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}));
    assert_eq!(r.status, 201, "{}", r.text);
    let bodies: Vec<Value> = (0..8)
        .map(|i| json!({"name": format!("Partnerskapet {i}")}))
        .collect();
    let (winner, _) = race_patch(app, &base, &s.admin, bodies.clone());
    assert_eq!(app.get(&base).json["name"], bodies[winner]["name"]);

    // An accession's contact person, by its representative and the administrator at once.
    let (id, rep) = submitted(app, s.agreement, "Idrottsföreningen Åsen");
    let path = format!("/api/v1/accessions/{id}");
    let bodies: Vec<Value> = (0..8)
        .map(|i| json!({"contact_person": {"name": format!("Kontakt Nummer{i}"), "email": format!("kontakt{i}@forening.example"), "phone": null}}))
        .collect();
    let etag = app
        .get_as(&path, &rep)
        .header("etag")
        .expect("etag")
        .to_owned();
    let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let token = if i % 2 == 0 {
                rep.clone()
            } else {
                s.admin.clone()
            };
            let etag = etag.clone();
            let path = path.clone();
            Box::new(move || app.patch(&path, &token, Some(&etag), b))
                as Box<dyn Fn() -> Resp + Send + Sync>
        })
        .collect();
    let answers = all_at_once(requests);
    let codes = statuses(&answers);
    assert_eq!(codes.iter().filter(|s| **s == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|s| **s == 412).count(), 7, "{codes:?}");
    let winner = codes.iter().position(|s| *s == 200).expect("winner");
    let a = accession(app, &s.admin, id);
    assert_eq!(
        a["contact_person"]["email"],
        bodies[winner]["contact_person"]["email"]
    );
    assert_eq!(
        events(&a),
        ["submitted", "contact_person_updated"],
        "one change recorded: {a}"
    );
    assert_history_ends_in_state(&a);
});

e2e!(concurrent_withdrawals_give_exactly_one, |app| {
    let s = setup(app);
    let (id, rep) = submitted(app, s.agreement, "Föreningen Östanvind");
    assert_eq!(approve(app, &s.admin, id).status, 200);
    let path = format!("/api/v1/accessions/{id}/withdrawal");
    let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = (0..20)
        .map(|i| {
            // The representative sends the notice, and the administrator registers the
            // same notice received on paper.
            let token = if i % 2 == 0 {
                rep.clone()
            } else {
                s.admin.clone()
            };
            let path = path.clone();
            Box::new(move || {
                app.post(&path, Some(&token), &json!({"received_on": "2025-05-20", "reference": format!("Styrelseprotokoll § {i}"), "effective_on": "2025-06-01"}))
            }) as Box<dyn Fn() -> Resp + Send + Sync>
        })
        .collect();
    let answers = all_at_once(requests);
    let codes = statuses(&answers);
    assert_eq!(codes.iter().filter(|s| **s == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|s| **s == 409).count(), 19, "{codes:?}");
    for r in answers.iter().filter(|r| r.status == 409) {
        r.assert_problem(409);
    }
    let a = accession(app, &s.admin, id);
    assert_eq!(a["state"], "withdrawn");
    assert_eq!(events(&a), ["submitted", "approved", "withdrawn"], "{a}");
    assert_history_ends_in_state(&a);
    let winner = answers.iter().find(|r| r.status == 200).expect("winner");
    assert_eq!(a["withdrawal"], winner.json["withdrawal"]);
    let list = app.get(&format!(
        "/api/v1/agreements/{}/signatories?as_of=2025-06-01",
        s.agreement
    ));
    assert_eq!(list.json["items"], json!([]), "{}", list.text);
});

e2e!(approve_reject_and_cancel_race_to_one_outcome, |app| {
    let s = setup(app);
    for round in 0..3 {
        let (id, rep) = submitted(app, s.agreement, &format!("Tävlingsföreningen {round}"));
        let approval = format!("/api/v1/accessions/{id}/approval");
        let rejection = format!("/api/v1/accessions/{id}/rejection");
        let cancellation = format!("/api/v1/accessions/{id}/cancellation");
        let mut requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = Vec::new();
        for _ in 0..4 {
            requests.push(Box::new(|| {
                app.post(
                    &approval,
                    Some(&s.admin),
                    &json!({"approved_on": "2024-03-01", "decision_id": null}),
                )
            }));
            requests.push(Box::new(|| {
                app.post(
                    &rejection,
                    Some(&s.admin),
                    &json!({"reason": "Verksamheten ligger utanför kommunen.", "decision_id": null}),
                )
            }));
            requests.push(Box::new(|| app.post(&cancellation, Some(&rep), &json!({}))));
        }
        let answers = all_at_once(requests);
        let codes = statuses(&answers);
        assert_eq!(codes.iter().filter(|s| **s == 200).count(), 1, "{codes:?}");
        assert_eq!(codes.iter().filter(|s| **s == 409).count(), 11, "{codes:?}");
        let winner = answers.iter().find(|r| r.status == 200).expect("winner");
        let a = accession(app, &s.admin, id);
        assert_eq!(a["state"], winner.json["state"], "{a}");
        assert!(
            ["approved", "rejected", "cancelled"].contains(&a["state"].as_str().expect("state"))
        );
        assert_eq!(
            a["history"].as_array().expect("history").len(),
            2,
            "one transition recorded: {a}"
        );
        assert_history_ends_in_state(&a);
    }
});

e2e!(
    termination_while_accessions_are_approved_leaves_none_approved,
    |app| {
        let s = setup(app);
        // Several rounds, each a fresh agreement with many pending applications, to give
        // the interleaving a chance to land in every order.
        for round in 0..4 {
            let agreement = app.adopted_agreement(&s.admin, s.body, "1285", settings());
            let pending: Vec<Uuid> = (0..16)
                .map(|i| submitted(app, agreement, &format!("Föreningen {round}-{i} i Ölme")).0)
                .collect();
            let termination = format!("/api/v1/agreements/{agreement}/termination");
            let mut requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = pending
                .iter()
                .map(|id| {
                    let id = *id;
                    let admin = &s.admin;
                    Box::new(move || approve(app, admin, id)) as Box<dyn Fn() -> Resp + Send + Sync>
                })
                .collect();
            // The termination goes out in the middle of the approvals.
            let at = (round * 5) % pending.len();
            requests.insert(
                at,
                Box::new(|| {
                    app.post(&termination, Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-01-10", "effective_on": "2025-02-01", "reason": "Ersätts av en regional överenskommelse."}))
                }),
            );
            let answers = all_at_once(requests);
            let terminated = &answers[at];
            assert_eq!(terminated.status, 200, "{}", terminated.text);
            assert_eq!(terminated.json["state"], "terminated");
            let approvals: Vec<&Resp> = answers
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, r)| r)
                .collect();
            let mut approved_then_ended = 0;
            for (id, answer) in pending.iter().zip(&approvals) {
                let a = accession(app, &s.admin, *id);
                assert_ne!(
                    a["state"], "approved",
                    "round {round}: an accession stays approved on a terminated agreement \
                     (approval answered {}): {a}",
                    answer.status
                );
                assert_history_ends_in_state(&a);
                match answer.status {
                    // Approved before the termination: ended with the agreement.
                    200 => {
                        approved_then_ended += 1;
                        assert_eq!(a["state"], "ended", "{a}");
                        assert_eq!(a["end_reason"], "agreement_terminated", "{a}");
                        assert_eq!(events(&a), ["submitted", "approved", "ended"], "{a}");
                    }
                    // Refused after it: still an application, nothing recorded.
                    409 => {
                        assert_eq!(answer.json["code"], "agreement_not_in_force");
                        assert_eq!(a["state"], "submitted", "{a}");
                        assert_eq!(events(&a), ["submitted"], "{a}");
                    }
                    other => panic!("round {round}: approval answered {other}: {}", answer.text),
                }
            }
            let list = app.get(&format!("/api/v1/agreements/{agreement}/signatories"));
            assert_eq!(list.json["items"], json!([]), "{}", list.text);
            eprintln!(
                "round {round}: {approved_then_ended} of {} approvals landed before the termination",
                pending.len()
            );
        }
    }
);

e2e!(
    revision_adoption_while_accessions_are_approved_carries_every_one_over,
    |app| {
        let s = setup(app);
        for round in 0..3 {
            let agreement = app.adopted_agreement(&s.admin, s.body, "1285", settings());
            let base = format!("/api/v1/agreements/{agreement}");
            let r = app.post(
                &format!("{base}/revision"),
                Some(&s.admin),
                &json!({"content": agreement_content("Reviderad överenskommelse")}),
            );
            assert_eq!(r.status, 200, "{}", r.text);
            let pending: Vec<Uuid> = (0..16)
                .map(|i| {
                    submitted(
                        app,
                        agreement,
                        &format!("Föreningen {round}-{i} i Ängelholm"),
                    )
                    .0
                })
                .collect();
            let adoption = format!("{base}/revision/adoption");
            let mut requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = pending
                .iter()
                .map(|id| {
                    let id = *id;
                    let admin = &s.admin;
                    Box::new(move || approve(app, admin, id)) as Box<dyn Fn() -> Resp + Send + Sync>
                })
                .collect();
            let at = (round * 5) % pending.len();
            requests.insert(
                at,
                Box::new(|| {
                    app.post(&adoption, Some(&s.admin), &json!({"decided_by": "Kommunfullmäktige", "decision_date": "2025-03-01", "diary_number": null, "valid_from": "2025-03-01", "valid_until": null}))
                }),
            );
            let answers = all_at_once(requests);
            assert_eq!(answers[at].status, 200, "{}", answers[at].text);
            assert_eq!(answers[at].json["current_version"]["number"], 2);
            let approvals = answers
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != at)
                .map(|(_, r)| r);
            for (id, answer) in pending.iter().zip(approvals) {
                assert_eq!(answer.status, 200, "{}", answer.text);
                let a = accession(app, &s.admin, *id);
                assert_eq!(a["state"], "approved", "{a}");
                assert_eq!(
                    a["version"], 2,
                    "round {round}: an approved accession is left on the superseded version \
                     (neither approved under version 2 nor carried over): {a}"
                );
                assert_history_ends_in_state(&a);
            }
        }
    }
);

// Issue 13: anonymous requests with random unknown parameters and random `q=` cannot grow
// the public cache past its bounds. Unknown parameters make no entries at all (the key holds
// the recognised parameters only); distinct `q` values make entries up to `MAX_ENTRIES`,
// and the bytes counted (keys, headers, bodies) stay within `MAX_BYTES`.
e2e!(
    a_flood_of_cache_busting_queries_stays_within_the_cache_bounds,
    |app| {
        use samverkan_api::cache::{MAX_BYTES, MAX_ENTRIES};
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
        let list = format!("/api/v1/agreements/{agreement}/signatories");
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut word = |len: usize| -> String {
            (0..len)
                .map(|_| char::from(b'a' + (next() % 26) as u8))
                .collect()
        };
        for _ in 0..100 {
            let path = format!("{list}?{}={}&q=%C3%A5ker", word(12), word(400));
            assert_eq!(app.get(&path).status, 200, "{path}");
        }
        let (entries, _) = app.cache.usage();
        assert!(
            entries <= 1,
            "unknown parameters made {entries} entries of one list"
        );
        for i in 0..2000 {
            let q = word(1 + i % 150);
            let path = match i % 3 {
                0 => format!("{list}?q={q}&{}={}", word(8), word(300)),
                1 => format!("{list}.csv?{}={}&q={q}", word(8), word(300)),
                _ => format!("{list}?q={q}&limit={}&{}=1", 1 + i % 200, word(20)),
            };
            let r = app.get(&path);
            assert_eq!(r.status, 200, "{path}: {}", r.text);
            let (entries, bytes) = app.cache.usage();
            assert!(
                entries <= MAX_ENTRIES && bytes <= MAX_BYTES,
                "after {i} requests: {entries} entries, {bytes} bytes"
            );
        }
        let (entries, _) = app.cache.usage();
        assert!(entries > 0, "the flood was cached at all");
    }
);

// Issue 13: thirty identical submissions with one `Idempotency-Key` at once all get the one
// original response (PostgreSQL gave some of them 409 `application_pending`: the key was
// only stored after the work). One accession exists.
e2e!(
    identical_submissions_with_one_idempotency_key_all_get_the_original,
    |app| {
        let s = setup(app);
        for round in 0..2 {
            let org = app.create_organization(&format!("Föreningen Samtidig {round}"), None);
            let auth = format!("Bearer {}", app.organization_rep(org));
            let path = format!("/api/v1/agreements/{}/accessions", s.agreement);
            let body = application(org).to_string();
            let key = format!("samtidig-{round}");
            let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = (0..30)
                .map(|_| {
                    let (auth, path, body, key) =
                        (auth.clone(), path.clone(), body.clone(), key.clone());
                    Box::new(move || {
                        app.send(
                            "POST",
                            &path,
                            &[("authorization", &auth), ("idempotency-key", &key)],
                            Some(("application/json", body.clone().into_bytes())),
                        )
                    }) as Box<dyn Fn() -> Resp + Send + Sync>
                })
                .collect();
            let answers = all_at_once(requests);
            assert!(
                answers.iter().all(|r| r.status == 201),
                "round {round}: {:?} {}",
                statuses(&answers),
                answers
                    .iter()
                    .find(|r| r.status != 201)
                    .map_or("", |r| r.text.as_str())
            );
            let first = answers[0].id();
            assert!(
                answers
                    .iter()
                    .all(|r| r.id() == first && r.text == answers[0].text)
            );
            let listed = app.get_as(&format!("{path}?limit=200"), &s.admin);
            let mine = listed.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["signatory"]["id"] == json!(org))
                .count();
            assert_eq!(mine, 1, "one accession: {}", listed.text);
        }
    }
);

// Issue 13: a replay re-checks authorisation. The same subject whose token no longer
// represents the organisation gets a refusal, not the stored response.
e2e!(
    a_replay_goes_only_to_a_caller_who_may_still_make_the_request,
    |app| {
        let s = setup(app);
        let org = app.create_organization("Föreningen Återkallad", None);
        let path = format!("/api/v1/agreements/{}/accessions", s.agreement);
        let body = application(org).to_string().into_bytes();
        let send = |token: &str| {
            app.send(
                "POST",
                &path,
                &[
                    ("authorization", &format!("Bearer {token}")),
                    ("idempotency-key", "aterkallad-1"),
                ],
                Some(("application/json", body.clone())),
            )
        };
        let sub = format!("ombud-{org}");
        let rep = app.token(
            &sub,
            &[samverkan_domain::access::Role::OrganizationRep],
            None,
            &[org],
        );
        let first = send(&rep);
        assert_eq!(first.status, 201, "{}", first.text);
        let replay = send(&rep);
        assert_eq!((replay.status, replay.id()), (201, first.id()));
        let revoked = app.token(
            &sub,
            &[samverkan_domain::access::Role::OrganizationRep],
            None,
            &[],
        );
        let r = send(&revoked);
        assert_eq!(r.status, 403, "{}", r.text);
    }
);

e2e!(renames_racing_approvals_keep_one_history, |app| {
    // Issue 13: a rename numbers its history entry after the accession's last one; an
    // approval at the same moment must neither take the same number (a 500) nor be written
    // over. Twenty-four organisations are renamed by their representatives while the
    // administrator approves their accessions, all at once.
    let s = setup(app);
    let names: Vec<String> = (0..24)
        .map(|i| format!("Föreningen Älvsådran {i}"))
        .collect();
    let cases: Vec<(Uuid, Uuid, String, String)> = names
        .iter()
        .map(|name| {
            let org = app.create_organization(name, None);
            let rep = app.organization_rep(org);
            let r = app.post(
                &format!("/api/v1/agreements/{}/accessions", s.agreement),
                Some(&rep),
                &application(org),
            );
            assert_eq!(r.status, 201, "{}", r.text);
            let path = format!("/api/v1/organizations/{org}");
            let etag = app
                .get_as(&path, &rep)
                .header("etag")
                .expect("an ETag")
                .to_owned();
            (org, r.id(), rep, etag)
        })
        .collect();
    let mut requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = Vec::new();
    for (i, (org, id, rep, etag)) in cases.iter().enumerate() {
        let path = format!("/api/v1/organizations/{org}");
        let body = json!({"name": format!("Föreningen Ödesböl {i}")});
        requests.push(Box::new(move || app.patch(&path, rep, Some(etag), &body)));
        let admin = &s.admin;
        requests.push(Box::new(move || approve(app, admin, *id)));
    }
    let answers = all_at_once(requests);
    for r in &answers {
        assert_eq!(r.status, 200, "no rename or approval fails: {}", r.text);
    }
    for (i, (_, id, _, _)) in cases.iter().enumerate() {
        let a = accession(app, &s.admin, *id);
        assert_eq!(a["state"], "approved", "{a}");
        let mut seen = events(&a);
        seen.sort();
        assert_eq!(
            seen,
            ["approved", "signatory_renamed", "submitted"],
            "each change recorded once: {a}"
        );
        let history = a["history"].as_array().expect("history");
        for pair in history.windows(2) {
            assert_eq!(
                pair[1]["from"], pair[0]["to"],
                "each entry starts where the one before ended: {a}"
            );
        }
        let renamed = history
            .iter()
            .find(|h| h["event"] == "signatory_renamed")
            .expect("the rename");
        assert_eq!(renamed["reason"], names[i].as_str(), "the name at the time");
        assert_history_ends_in_state(&a);
    }
});

// Issue 15: submissions to one agreement share-lock its row and run side by side, so the
// one-open-accession rule between two submissions of one signatory is the unique partial
// index's: of eight at once, one is created and the rest get the domain's 409, never a 500.
e2e!(
    simultaneous_submissions_of_one_signatory_give_one_accession,
    |app| {
        let s = setup(app);
        for round in 0..3 {
            let org = app.create_organization(&format!("Föreningen Ivrig {round} i Åmål"), None);
            let rep = app.organization_rep(org);
            let submission = format!("/api/v1/agreements/{}/accessions", s.agreement);
            let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = (0..8)
                .map(|_| {
                    let (submission, rep) = (submission.clone(), rep.clone());
                    Box::new(move || app.post(&submission, Some(&rep), &application(org)))
                        as Box<dyn Fn() -> Resp + Send + Sync>
                })
                .collect();
            let answers = all_at_once(requests);
            let mut codes = statuses(&answers);
            codes.sort_unstable();
            assert_eq!(
                codes,
                [201, 409, 409, 409, 409, 409, 409, 409],
                "round {round}"
            );
            for loser in answers.iter().filter(|r| r.status == 409) {
                assert_eq!(
                    loser.assert_problem(409).json["code"],
                    "application_pending",
                    "{}",
                    loser.text
                );
            }
            let waiting = app.get_as(
                &format!(
                    "/api/v1/agreements/{}/accessions?state=submitted&limit=100",
                    s.agreement
                ),
                &s.admin,
            );
            let of_org = waiting.json["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|a| a["signatory"]["id"] == org.to_string())
                .count();
            assert_eq!(of_org, 1, "round {round}: {}", waiting.text);
        }
    }
);

e2e!(
    a_correction_racing_a_submission_leaves_one_open_accession,
    |app| {
        let s = setup(app);
        for round in 0..4 {
            let (id, _) = submitted(app, s.agreement, &format!("Föreningen Förväxlad {round}"));
            assert_eq!(approve(app, &s.admin, id).status, 200);
            let right = app.create_organization(&format!("Föreningen Rättvänd {round}"), None);
            let rep = app.organization_rep(right);
            let correction = format!("/api/v1/accessions/{id}/corrections");
            let submission = format!("/api/v1/agreements/{}/accessions", s.agreement);
            let admin = s.admin.clone();
            let requests: Vec<Box<dyn Fn() -> Resp + Send + Sync>> = vec![
                Box::new(move || {
                    app.post(&correction, Some(&admin), &json!({"corrects": 0, "signatory": {"kind": "organization", "id": right}, "reason": "Registrerad på fel förening."}))
                }),
                Box::new(move || app.post(&submission, Some(&rep), &application(right))),
            ];
            let answers = all_at_once(requests);
            let codes = statuses(&answers);
            assert!(
                matches!(codes.as_slice(), [200, 409] | [409, 201]),
                "one wins, the other is the domain's 409: {codes:?}"
            );
            let loser = answers.iter().find(|r| r.status == 409).expect("a loser");
            let code = loser.assert_problem(409).json["code"].clone();
            assert!(
                code == "already_signatory" || code == "application_pending",
                "{}",
                loser.text
            );
            let open = app.get_as(
                &format!(
                    "/api/v1/agreements/{}/accessions?state=approved&limit=100",
                    s.agreement
                ),
                &s.admin,
            );
            let waiting = app.get_as(
                &format!(
                    "/api/v1/agreements/{}/accessions?state=submitted&limit=100",
                    s.agreement
                ),
                &s.admin,
            );
            let of_right = |r: &Resp| {
                r.json["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .filter(|a| a["signatory"]["id"] == right.to_string())
                    .count()
            };
            assert_eq!(of_right(&open) + of_right(&waiting), 1, "round {round}");
        }
    }
);
