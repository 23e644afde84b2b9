//! Dialogue meetings and conferences (issue 17): invitations for exactly the signatories of
//! the announcement day, registrations by a signatory's own representative with capacity and
//! closing time, attendee names in no public body and no public change, and the iCalendar
//! feed (stable UID, SEQUENCE, STATUS:CANCELLED, escaped text), which an independent parser
//! reads when one is at hand (`.ci/ical` provides Python's `icalendar`).

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";
/// Personal data: must appear in no public body.
const ATTENDEE: &str = "Örjan Ågrensson-Testperson";

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

struct World {
    agreement: Uuid,
    body: Uuid,
    admin: String,
}

fn world(app: &TestApp) -> World {
    app.set_today("2026-06-01");
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", settings());
    World {
        agreement,
        body,
        admin,
    }
}

/// A new organisation's accession, approved on `approved_on` unless `None`: (org, its rep,
/// the accession).
fn member(app: &TestApp, w: &World, name: &str, approved_on: Option<&str>) -> (Uuid, String, Uuid) {
    let org = app.create_organization(name, None);
    let rep = app.organization_rep(org);
    let r = app.post(
        &format!("/api/v1/agreements/{}/accessions", w.agreement),
        Some(&rep),
        &application(org),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let accession = r.id();
    if let Some(date) = approved_on {
        let r = app.post(
            &format!("/api/v1/accessions/{accession}/approval"),
            Some(&w.admin),
            &json!({"approved_on": date, "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    (org, rep, accession)
}

fn event(w: &World, title: &str, day: u32, capacity: Option<u32>) -> Value {
    json!({
        "kind": "dialogue_meeting",
        "title": title,
        "starts_at": format!("2026-09-{day:02}T13:00:00Z"),
        "ends_at": format!("2026-09-{day:02}T15:30:00Z"),
        "time_zone": "Europe/Stockholm",
        "place": "Medborgarhuset, sal Ängen",
        "online_link": null,
        "description": "Vi samtalar om lokaler, bidrag och\nfrivilligas villkor.",
        "organiser_party_id": w.body,
        "capacity": capacity,
        "registration_closes_at": format!("2026-09-{:02}T12:00:00Z", day - 1)
    })
}

fn announce(app: &TestApp, w: &World, body: &Value) -> Value {
    let r = app.post(
        &format!("/api/v1/agreements/{}/dialogue-events", w.agreement),
        Some(&w.admin),
        body,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json
}

/// Every change of the feed, as `token` sees it.
fn feed(app: &TestApp, token: Option<&str>) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/v1/changes?limit=100".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = match token {
            Some(t) => app.get_as(&path, t),
            None => app.get(&path),
        };
        assert_eq!(r.status, 200, "{}", r.text);
        let page = r.json["items"].as_array().expect("items").clone();
        cursor = r.json["next_cursor"].as_str().map(str::to_owned);
        if page.is_empty() {
            return items;
        }
        items.extend(page);
    }
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

e2e!(
    invitations_go_to_exactly_the_signatories_of_the_announcement_day,
    |app| {
        let w = world(app);
        let (a, _, _) = member(app, &w, "Föreningen Åkerbären", Some("2024-03-01"));
        let (b, _, _) = member(app, &w, "Idrottsföreningen Älven", Some("2025-01-10"));
        // Applied, not approved: not a signatory.
        let (_, c_rep, c_accession) = member(app, &w, "Körföreningen Östan", None);
        // Approved, then withdrawn before the announcement.
        let (_, d_rep, d_accession) = member(app, &w, "Schackklubben Örnen", Some("2024-03-01"));
        let r = app.post(
        &format!("/api/v1/accessions/{d_accession}/withdrawal"),
        Some(&d_rep),
        &json!({"received_on": "2026-04-20", "reference": "Styrelseprotokoll § 4", "effective_on": "2026-05-01"}),
    );
        assert_eq!(r.status, 200, "{}", r.text);

        let e = announce(app, &w, &event(&w, "Dialogmöte om lokaler", 10, None));
        let mut expected = vec![a.to_string(), b.to_string()];
        expected.sort();
        assert_eq!(ids(&e["invited"]), expected);
        let event_id = e["id"].as_str().expect("id").to_owned();
        assert_eq!(e["sequence"], 0);
        assert_eq!(e["status"], "scheduled");

        // One public change for the announcement and one per invitation, in its transaction.
        let public = feed(app, None);
        let announced: Vec<&Value> = public
            .iter()
            .filter(|c| c["type"] == "dialogue_event.announced")
            .collect();
        assert_eq!(announced.len(), 1);
        assert_eq!(announced[0]["payload"]["event_id"], event_id.as_str());
        let mut invited: Vec<String> = public
            .iter()
            .filter(|c| c["type"] == "dialogue_event.signatory_invited")
            .map(|c| {
                assert_eq!(c["payload"]["event_id"], event_id.as_str());
                c["payload"]["signatory"]["id"]
                    .as_str()
                    .expect("id")
                    .to_owned()
            })
            .collect();
        invited.sort();
        assert_eq!(invited, expected);

        // Approved after the announcement: a signatory now, but not invited to this event.
        let r = app.post(
            &format!("/api/v1/accessions/{c_accession}/approval"),
            Some(&w.admin),
            &json!({"approved_on": "2026-06-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let c = r.json["signatory"]["id"].clone();
        let r = app.post(
            &format!(
                "/api/v1/agreements/{}/dialogue-events/{event_id}/registrations",
                w.agreement
            ),
            Some(&c_rep),
            &json!({"signatory_id": c, "names": [], "count": 1}),
        );
        assert_eq!(r.assert_problem(409).json["code"], "not_invited");
        // The next event invites it.
        let next = announce(app, &w, &event(&w, "Dialogmöte om bidrag", 20, None));
        assert_eq!(next["invited"].as_array().expect("invited").len(), 3);
        // Values are checked field by field.
        let mut bad = event(&w, "Dialogmöte", 22, Some(0));
        bad["ends_at"] = json!("2026-09-22T12:00:00Z");
        bad["organiser_party_id"] = json!(c);
        bad["time_zone"] = json!("Europe/Oslo");
        let r = app.post(
            &format!("/api/v1/agreements/{}/dialogue-events", w.agreement),
            Some(&w.admin),
            &bad,
        );
        let mut fields = r.assert_problem(422).error_fields();
        fields.sort();
        assert_eq!(
            fields,
            ["capacity", "ends_at", "organiser_party_id", "time_zone"],
            "{}",
            r.text
        );
        // Only the agreement's administrators announce.
        let r = app.post(
            &format!("/api/v1/agreements/{}/dialogue-events", w.agreement),
            Some(&c_rep),
            &event(&w, "Dialogmöte", 21, None),
        );
        r.assert_problem(403);
    }
);

e2e!(
    attendee_names_are_in_no_public_body_and_a_full_event_says_so,
    |app| {
        let w = world(app);
        let (a, a_rep, _) = member(app, &w, "Föreningen Åkerbären", Some("2024-03-01"));
        let (b, b_rep, _) = member(app, &w, "Idrottsföreningen Älven", Some("2024-03-01"));
        let e = announce(app, &w, &event(&w, "Erfarenhetsutbyte", 10, Some(3)));
        let id = e["id"].as_str().expect("id").to_owned();
        let base = format!("/api/v1/agreements/{}/dialogue-events", w.agreement);
        let registrations = format!("{base}/{id}/registrations");

        let r = app.post(
            &registrations,
            Some(&a_rep),
            &json!({"signatory_id": a, "names": [ATTENDEE], "count": 2}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["names"], json!([ATTENDEE]));
        assert_eq!(r.json["count"], 2);
        // A representative registers for its own organisation only.
        app.post(
            &registrations,
            Some(&b_rep),
            &json!({"signatory_id": a, "names": [], "count": 1}),
        )
        .assert_problem(403);
        // Two more would exceed the three places.
        let r = app.post(
            &registrations,
            Some(&b_rep),
            &json!({"signatory_id": b, "names": [], "count": 2}),
        );
        assert_eq!(r.assert_problem(409).json["code"], "event_full");
        let r = app.post(
            &registrations,
            Some(&b_rep),
            &json!({"signatory_id": b, "names": ["Britt Bäckström"], "count": 1}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        let r = app.get(&format!("{base}/{id}"));
        assert_eq!(r.json["registered"], 3);

        // Each representative reads its own organisation's names; the administrator all.
        let r = app.get_as(&registrations, &b_rep);
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["items"].as_array().expect("items").len(), 1);
        assert!(!r.text.contains(ATTENDEE), "{}", r.text);
        let r = app.get_as(&registrations, &w.admin);
        assert_eq!(r.json["items"].as_array().expect("items").len(), 2);
        assert!(r.text.contains(ATTENDEE));
        assert_eq!(r.header("cache-control"), Some("private, no-cache"));

        // Registration closes at its instant.
        app.set_now("2026-09-09T12:00:00Z".parse().expect("instant"));
        let r = app.post(
            &registrations,
            Some(&a_rep),
            &json!({"signatory_id": a, "names": [], "count": 1}),
        );
        assert_eq!(r.assert_problem(409).json["code"], "registration_closed");
        // Attendance and minutes once it has ended.
        let attendance = format!("{base}/{id}/attendance");
        let minutes = json!({"attended": 3, "summary": "Vi delade erfarenheter av lokalbokning.", "conclusions": "Nästa möte i vår.", "document_reference": "Minnesanteckningar 2026-09-10"});
        let r = app.post(&attendance, Some(&w.admin), &minutes);
        assert_eq!(r.assert_problem(409).json["code"], "event_not_ended");
        app.set_now("2026-09-10T16:00:00Z".parse().expect("instant"));
        let r = app.post(&attendance, Some(&w.admin), &minutes);
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["status"], "held");
        assert_eq!(r.json["minutes"]["attended"], 3);

        // No public body names an attendee, nor the anonymous change feed, nor the
        // administrators' view of the feed.
        for path in [
            base.clone(),
            format!("{base}/{id}"),
            format!("{base}.ics"),
            "/api/v1/changes?limit=100".to_owned(),
        ] {
            let r = app.get(&path);
            assert_eq!(r.status, 200, "{path}: {}", r.text);
            assert!(!r.text.contains(ATTENDEE), "{path}: {}", r.text);
            assert!(!r.text.contains("Britt"), "{path}: {}", r.text);
        }
        let all = feed(app, Some(&w.admin));
        assert!(
            all.iter()
                .any(|c| c["type"] == "dialogue_event.registration_recorded")
        );
        let public = feed(app, None);
        assert!(
            public
                .iter()
                .all(|c| c["type"] != "dialogue_event.registration_recorded")
        );
        assert!(
            public
                .iter()
                .any(|c| c["type"] == "dialogue_event.attendance_recorded")
        );
        for c in all.iter().chain(&public) {
            assert!(!c.to_string().contains(ATTENDEE), "{c}");
        }
    }
);

/// The VEVENT of `uid` in `ics`, unfolded.
fn vevent(ics: &str, uid: &str) -> String {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT\r\n")
        .find(|e| e.contains(&format!("UID:{uid}\r\n")))
        .unwrap_or_else(|| panic!("no event {uid} in {ics}"))
        .to_owned()
}

/// A Python with the `icalendar` package: `SAMVERKAN_ICAL_PYTHON` (set by `.ci/ical`, which
/// then requires it to work), or `python3` when it has the package.
fn ical_python() -> Option<(String, bool)> {
    if let Ok(p) = std::env::var("SAMVERKAN_ICAL_PYTHON") {
        return Some((p, true));
    }
    let ok = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| ("python3".to_owned(), false))
}

const PARSE: &str = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for e in cal.walk('VEVENT'):
    out.append({
        'uid': str(e['UID']),
        'sequence': int(e['SEQUENCE']),
        'status': str(e['STATUS']),
        'summary': str(e['SUMMARY']),
        'location': str(e.get('LOCATION', '')),
        'description': str(e.get('DESCRIPTION', '')),
        'start': e.decoded('DTSTART').isoformat(),
        'end': e.decoded('DTEND').isoformat(),
    })
print(json.dumps(out))
"#;

e2e!(cancellation_and_rescheduling_show_in_the_calendar, |app| {
    let w = world(app);
    member(app, &w, "Föreningen Åkerbären", Some("2024-03-01"));
    let title = "Dialog; lokaler, bidrag \\ villkor";
    let moved = announce(app, &w, &event(&w, title, 10, None));
    let called_off = announce(app, &w, &event(&w, "Konferens om föreningsliv", 17, None));
    let base = format!("/api/v1/agreements/{}/dialogue-events", w.agreement);
    let (moved_id, off_id) = (
        moved["id"].as_str().expect("id").to_owned(),
        called_off["id"].as_str().expect("id").to_owned(),
    );
    let (moved_uid, off_uid) = (
        format!("{moved_id}@samverkan"),
        format!("{off_id}@samverkan"),
    );

    let before = app.get(&format!("{base}.ics"));
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(
        before.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let first = vevent(&before.text, &moved_uid);
    assert!(first.contains("SEQUENCE:0\r\n"), "{first}");
    assert!(first.contains("STATUS:CONFIRMED\r\n"), "{first}");
    assert!(first.contains("DTSTART:20260910T130000Z\r\n"), "{first}");
    assert!(
        first.contains("SUMMARY:Dialog\\; lokaler\\, bidrag \\\\ villkor\r\n"),
        "{first}"
    );
    assert!(
        first.contains("DESCRIPTION:Vi samtalar om lokaler\\, bidrag och\\nfrivilligas"),
        "{first}"
    );

    let r = app.post(
        &format!("{base}/{moved_id}/rescheduling"),
        Some(&w.admin),
        &json!({"starts_at": "2026-09-11T08:00:00Z", "ends_at": "2026-09-11T10:00:00Z", "registration_closes_at": "2026-09-10T08:00:00Z", "reason": "Lokalen är upptagen."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["sequence"], 1);
    assert_eq!(r.json["history"][0]["starts_at"], "2026-09-10T13:00:00Z");
    assert_eq!(r.json["history"][1]["change"], "rescheduled");
    let r = app.post(
        &format!("{base}/{off_id}/cancellation"),
        Some(&w.admin),
        &json!({"reason": "För få anmälda."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "cancelled");
    app.post(
        &format!("{base}/{off_id}/cancellation"),
        Some(&w.admin),
        &json!({"reason": null}),
    )
    .assert_problem(409);

    let after = app.get(&format!("{base}.ics"));
    let moved_event = vevent(&after.text, &moved_uid);
    assert!(moved_event.contains("SEQUENCE:1\r\n"), "{moved_event}");
    assert!(
        moved_event.contains("DTSTART:20260911T080000Z\r\n"),
        "{moved_event}"
    );
    let off_event = vevent(&after.text, &off_uid);
    assert!(off_event.contains("SEQUENCE:1\r\n"), "{off_event}");
    assert!(off_event.contains("STATUS:CANCELLED\r\n"), "{off_event}");
    assert!(
        after.text.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        after.text
    );
    assert!(after.text.ends_with("END:VCALENDAR\r\n"), "{}", after.text);
    assert!(after.text.contains("\r\nVERSION:2.0\r\n"), "{}", after.text);
    // The feed's public changes follow the events.
    let types: Vec<String> = feed(app, None)
        .iter()
        .map(|c| c["type"].as_str().expect("type").to_owned())
        .collect();
    assert!(types.contains(&"dialogue_event.rescheduled".to_owned()));
    assert!(types.contains(&"dialogue_event.cancelled".to_owned()));

    // An independent parser reads the feed back as written.
    let Some((python, required)) = ical_python() else {
        eprintln!(
            "no Python with icalendar: the feed was not parsed independently (.ci/ical does)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("samverkan-ical-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("events.ics");
    std::fs::write(&file, after.text.as_bytes()).expect("write the feed");
    let out = std::process::Command::new(&python)
        .args(["-c", PARSE])
        .arg(&file)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) if required || !o.stderr.is_empty() => panic!(
            "the independent parser refused the feed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        other => panic!("{python}: {other:?}"),
    };
    let parsed: Value = serde_json::from_slice(&out.stdout).expect("the parser's JSON");
    let find = |uid: &str| {
        parsed
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["uid"] == uid)
            .unwrap_or_else(|| panic!("{uid} in {parsed}"))
            .clone()
    };
    let m = find(&moved_uid);
    assert_eq!(m["sequence"], 1);
    assert_eq!(m["summary"], title);
    assert_eq!(m["status"], "CONFIRMED");
    assert_eq!(m["start"], "2026-09-11T08:00:00+00:00");
    assert_eq!(m["location"], "Medborgarhuset, sal Ängen");
    assert_eq!(
        m["description"],
        "Vi samtalar om lokaler, bidrag och\nfrivilligas villkor."
    );
    let o = find(&off_uid);
    assert_eq!(o["status"], "CANCELLED");
    assert_eq!(o["sequence"], 1);
});
