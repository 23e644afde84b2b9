//! Two equal parties (issue 12): the Blekinge agreement enacted from scratch, as its text
//! says. Nätverket Idéburet Blekinge appoints its own representatives and writes the
//! yearly follow-up; the Region appoints its own; the partnership approves accessions, and
//! its seated members read what they decide on.

use samverkan_domain::access::Role;
use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

struct Blekinge {
    region: Uuid,
    network: Uuid,
    region_admin: String,
    network_rep: String,
    path: String,
}

fn member(name: &str, person_ref: &str, side: &str, appointed_by: Value) -> Value {
    json!({
        "person_name": name,
        "person_ref": person_ref,
        "title": null,
        "side": side,
        "seat": "ordinary",
        "role": "member",
        "appointed_by": appointed_by,
        "term_start": "2024-01-01",
        "term_end": null
    })
}

/// The Blekinge agreement as a draft: the Region and the network, approval by the
/// partnership, accession by the form, public bodies welcome.
fn draft(app: &TestApp) -> Blekinge {
    let region = app.public_body("region", "10");
    let region_admin = app.agreement_admin(region);
    let network = app.create_organization("Nätverket Idéburet Blekinge", None);
    let network_rep = app.token(
        "nib-processledare",
        &[Role::OrganizationRep],
        None,
        &[network],
    );
    let r = app.post(
        "/api/v1/agreements",
        Some(&region_admin),
        &json!({
            "owner_public_body_id": region,
            "party_public_body_ids": [region],
            "civil_society_party": {"kind": "network", "name": "Nätverket Idéburet Blekinge", "organization_id": network},
            "scope": "regional",
            "municipality_codes": ["1080", "1081", "1082"],
            "settings": {
                "approval_mode": "steering_group",
                "public_bodies_may_accede": true,
                "accepted_channels": ["form"],
                "follow_up_months": 12
            },
            "content": agreement_content("Överenskommelse om samverkan i Blekinge")
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    Blekinge {
        region,
        network,
        region_admin,
        network_rep,
        path: format!("/api/v1/agreements/{}", r.id()),
    }
}

e2e!(the_network_acts_for_the_sector_in_blekinge, |app| {
    app.set_today("2024-03-01");
    let b = draft(app);
    // The network reads the draft it negotiates; a stranger does not learn it exists.
    assert_eq!(app.get_as(&b.path, &b.network_rep).status, 200);
    let stranger = app.organization_rep(Uuid::now_v7());
    app.get_as(&b.path, &stranger).assert_problem(404);
    // The network does not adopt for the Region.
    let adoption = json!({"decided_by": "Regionfullmäktige", "decision_date": "2024-01-01", "diary_number": null, "valid_from": "2024-01-01", "valid_until": null});
    app.post(
        &format!("{}/adoption", b.path),
        Some(&b.network_rep),
        &adoption,
    )
    .assert_problem(403);
    let r = app.post(
        &format!("{}/adoption", b.path),
        Some(&b.region_admin),
        &adoption,
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // The partnership: two ordinary seats per side.
    let group = format!("{}/steering-group", b.path);
    let r = app.post(
        &group,
        Some(&b.region_admin),
        &json!({"name": "Partnerskapet", "kind": "partnership", "ordinary_seats_per_side": 2, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let seats = format!("{group}/memberships");
    let by_region = json!({"type": "public_body", "id": b.region});
    let by_network = json!({"type": "organization", "id": b.network});
    // Each side appoints its own members.
    for (name, sub) in [
        ("Regionrådet Åsa", "region-asa"),
        ("Tjänstepersonen Örjan", "region-orjan"),
    ] {
        let r = app.post(
            &seats,
            Some(&b.region_admin),
            &member(name, sub, "public_sector", by_region.clone()),
        );
        assert_eq!(r.status, 201, "{}", r.text);
    }
    app.post(
        &seats,
        Some(&b.region_admin),
        &member(
            "Ordföranden i nätverket",
            "nib-ordf",
            "civil_society",
            by_network.clone(),
        ),
    )
    .assert_problem(403);
    app.post(
        &seats,
        Some(&b.network_rep),
        &member(
            "Regionens egen",
            "region-egen",
            "public_sector",
            by_region.clone(),
        ),
    )
    .assert_problem(403);
    let mut sector_members = Vec::new();
    for (name, sub) in [
        ("Ordföranden i nätverket", "nib-ordf"),
        ("Ledamoten Ängström", "nib-ledamot"),
    ] {
        let r = app.post(
            &seats,
            Some(&b.network_rep),
            &member(name, sub, "civil_society", by_network.clone()),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        sector_members.push(r.id());
    }
    // Ending a term follows the same rule: the Region does not end the network's terms.
    let term_end = format!("{seats}/{}/term-end", sector_members[1]);
    app.post(
        &term_end,
        Some(&b.region_admin),
        &json!({"last_day": "2025-12-31"}),
    )
    .assert_problem(403);
    let r = app.post(
        &term_end,
        Some(&b.network_rep),
        &json!({"last_day": "2025-12-31"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // The network's processledare records the yearly follow-up.
    app.set_today("2025-01-20");
    let r = app.post(
        &format!("{}/reviews", b.path),
        Some(&b.network_rep),
        &json!({
            "kind": "follow_up",
            "done_on": "2025-01-15",
            "summary": "Årlig uppföljning presenterad på samverkanskonferensen.",
            "reported_to": {"kind": "conference", "name": "Samverkanskonferensen 2025"},
            "document_reference": "Uppföljningsrapport 2024, Nätverket Idéburet Blekinge"
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let location = r.header("location").unwrap().to_owned();
    assert_eq!(location, format!("{}/reviews/{}", b.path, r.id()));
    // The follow-up can be read back, with who recorded it and for which party.
    let read = app.get_as(&location, &b.region_admin);
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["recorded_by"], "nib-processledare");
    assert_eq!(read.json["acting_for"], "civil_society");
    assert_eq!(read.json["reported_to"]["kind"], "conference");
    assert_eq!(
        read.json["summary"],
        "Årlig uppföljning presenterad på samverkanskonferensen."
    );
    let listed = app.get_as(&format!("{}/reviews", b.path), &b.network_rep);
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
    // And integrators hear of it: the change feed has the review's change.
    let agreement_id = b.path.rsplit('/').next().unwrap();
    let feed = app.get_as(
        &format!("/api/v1/changes?type=agreement.review_recorded&agreement_id={agreement_id}"),
        &b.region_admin,
    );
    assert_eq!(feed.status, 200, "{}", feed.text);
    assert_eq!(
        feed.json["items"].as_array().unwrap().len(),
        1,
        "{}",
        feed.text
    );
    app.get(&format!("{}/reviews", b.path)).assert_problem(401);
    app.post(
        &format!("{}/reviews", b.path),
        Some(&stranger),
        &json!({"kind": "follow_up", "done_on": "2025-01-15", "summary": "Obehörig."}),
    )
    .assert_problem(403);

    // A party does not accede to its own agreement, the network no more than the Region.
    let accessions = format!("{}/accessions", b.path);
    let contact = json!({"name": "Kim Exempelsson", "email": "kim@exempel.example", "phone": "0455-00 00 00"});
    let own = app.post(
        &accessions,
        Some(&b.network_rep),
        &json!({"signatory": {"kind": "organization", "id": b.network}, "channel": "form", "board_decision": null, "affirmed_statements": [], "contact_person": contact}),
    );
    assert_eq!(own.assert_problem(409).json["code"], "already_party");
    // Blekinge takes the form, not board minutes.
    let club = app.create_organization("Blekinge Läsecirkelförbund", None);
    let club_rep = app.organization_rep(club);
    let minutes = app.post(
        &accessions,
        Some(&club_rep),
        &json!({"signatory": {"kind": "organization", "id": club}, "channel": "board_minutes", "board_decision": {"decided_on": "2025-01-10", "minutes_reference": "§ 4", "received_on": "2025-01-12", "diary_number": null}, "affirmed_statements": [], "contact_person": contact}),
    );
    assert_eq!(
        minutes.assert_problem(422).json["errors"][0]["code"],
        "channel_not_accepted"
    );
    let applied = app.post(
        &accessions,
        Some(&club_rep),
        &json!({"signatory": {"kind": "organization", "id": club}, "channel": "form", "board_decision": null, "affirmed_statements": [], "contact_person": contact}),
    );
    assert_eq!(applied.status, 201, "{}", applied.text);
    let application = format!("/api/v1/accessions/{}", applied.id());

    // A seated member of the partnership reads the pending application, without the
    // contact person: the settings do not give the group the contacts.
    let seated = app.token("nib-ordf", &[Role::SteeringMember], None, &[]);
    let read = app.get_as(&application, &seated);
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["signatory_name"], "Blekinge Läsecirkelförbund");
    assert!(read.json["contact_person"].is_null(), "{}", read.text);
    let listed = app.get_as(&accessions, &seated);
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 1);
    assert!(listed.json["items"][0]["contact_person"].is_null());
    // A steering-member token without a seat sees nothing, whatever body it names.
    let unseated = app.token(
        "annan-ledamot",
        &[Role::SteeringMember],
        Some(b.region),
        &[],
    );
    app.get_as(&application, &unseated).assert_problem(404);
    app.get_as(&accessions, &unseated).assert_problem(403);
    // Approval is a joint matter: the network sees the administrators' list, contacts included.
    let joint = app.get_as(&accessions, &b.network_rep);
    assert_eq!(joint.status, 200, "{}", joint.text);
    assert_eq!(
        joint.json["items"][0]["contact_person"]["name"],
        "Kim Exempelsson"
    );

    // The approval mode does not switch while the application awaits the partnership.
    let current = app.get_as(&b.path, &b.region_admin);
    let etag = current.header("etag").unwrap().to_owned();
    let switch = app.patch(
        &b.path,
        &b.region_admin,
        Some(&etag),
        &json!({"settings": {"approval_mode": "registration", "public_bodies_may_accede": true, "accepted_channels": ["form"], "follow_up_months": 12}}),
    );
    assert_eq!(switch.assert_problem(409).json["code"], "decisions_pending");

    // Renegotiation: each party files for itself.
    let renegotiate = format!("{}/renegotiation-requests", b.path);
    let request = |side: &str, body: Option<Uuid>| json!({"filed_on": "2025-01-20", "requested_by": side, "public_body_id": body, "reason": "Nya förutsättningar för samverkan.", "requested_date": "2025-06-01"});
    app.post(
        &renegotiate,
        Some(&b.network_rep),
        &request("public_body", Some(b.region)),
    )
    .assert_problem(403);
    app.post(
        &renegotiate,
        Some(&b.region_admin),
        &request("civil_society", None),
    )
    .assert_problem(403);
    let r = app.post(
        &renegotiate,
        Some(&b.network_rep),
        &request("civil_society", None),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "filed");
    assert_eq!(r.json["filed_by"], "nib-processledare");
    let filed = r.header("location").expect("a Location").to_owned();
    assert_eq!(filed, format!("{renegotiate}/{}", r.id()));
    // Every act records its actor: the filer's `sub`, shown to those who run the agreement,
    // never on the public list.
    let run = app.get_as(&renegotiate, &b.region_admin);
    assert_eq!(run.json["items"][0]["filed_by"], "nib-processledare");
    assert_eq!(run.json["items"][0]["requested_by"], "civil_society");
    let public = app.get(&renegotiate);
    assert!(
        public.json["items"][0]["filed_by"].is_null(),
        "{}",
        public.text
    );

    // The request's life: the other side answers it, the filing side may withdraw it, and
    // each act names its actor.
    let answer = format!("{filed}/answer");
    let accepted = json!({"outcome": "accepted", "answered_on": "2025-01-20", "decision": "Regionstyrelsen beslutar att inleda omförhandling under våren."});
    // The network does not answer its own request; the Region does not withdraw it.
    app.post(&answer, Some(&b.network_rep), &accepted)
        .assert_problem(403);
    app.post(
        &format!("{filed}/withdrawal"),
        Some(&b.region_admin),
        &json!({"withdrawn_on": "2025-01-20"}),
    )
    .assert_problem(403);
    let early = app.post(
        &answer,
        Some(&b.region_admin),
        &json!({"outcome": "declined", "answered_on": "2025-01-19", "decision": " "}),
    );
    assert_eq!(
        early.assert_problem(422).error_fields(),
        ["decision", "answered_on"]
    );
    let r = app.post(&answer, Some(&b.region_admin), &accepted);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "answered");
    assert_eq!(r.json["outcome"], "accepted");
    assert_eq!(r.json["answered_on"], "2025-01-20");
    assert_eq!(r.json["answered_by"], format!("processledare-{}", b.region));
    let again = app.post(&answer, Some(&b.region_admin), &accepted);
    assert_eq!(
        again.assert_problem(409).json["code"],
        "renegotiation_not_filed"
    );
    app.post(
        &format!("{filed}/withdrawal"),
        Some(&b.network_rep),
        &json!({"withdrawn_on": "2025-01-20"}),
    )
    .assert_problem(409);
    // Read back: the decision is public, who answered is for those who run the agreement.
    let read = app.get_as(&filed, &b.network_rep);
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(
        read.json["decision"],
        "Regionstyrelsen beslutar att inleda omförhandling under våren."
    );
    assert_eq!(read.json["answered_by"], r.json["answered_by"]);
    let public = app.get(&filed);
    assert_eq!(public.json["status"], "answered", "{}", public.text);
    assert!(public.json["answered_by"].is_null(), "{}", public.text);
    // A second request, withdrawn by the network that filed it.
    let second = app.post(
        &renegotiate,
        Some(&b.network_rep),
        &request("civil_society", None),
    );
    assert_eq!(second.status, 201, "{}", second.text);
    let withdrawn = app.post(
        &format!("{renegotiate}/{}/withdrawal", second.id()),
        Some(&b.network_rep),
        &json!({"withdrawn_on": "2025-01-20"}),
    );
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.json["status"], "withdrawn");
    assert_eq!(withdrawn.json["withdrawn_by"], "nib-processledare");
    let statuses: Vec<Value> = app.get(&renegotiate).json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("answered"), json!("withdrawn")]);

    // The partnership rejects the application; the reason stays private on the accession and
    // the public meeting records carry the decision, not the reason.
    let members: Vec<Value> = app.get(&seats).json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    let meeting = app.post(
        &format!("{group}/meetings"),
        Some(&b.region_admin),
        &json!({"date": "2025-01-20", "present": members, "minutes_reference": "Protokoll 2025-01-20 § 3"}),
    );
    assert_eq!(meeting.status, 201, "{}", meeting.text);
    let decision = app.post(
        &format!("{group}/meetings/{}/decisions", meeting.id()),
        Some(&b.region_admin),
        &json!({"kind": "reject_accession", "subject": "Anslutning", "subject_id": applied.id(), "text": "Partnerskapet avslår ansökan."}),
    );
    assert_eq!(decision.status, 201, "{}", decision.text);
    let private_reason = "Styrelsens protokoll saknar underskrift av ordföranden Åsa Ödmark.";
    let rejected = app.post(
        &format!("{application}/rejection"),
        Some(&b.region_admin),
        &json!({"reason": private_reason, "decision_id": decision.id()}),
    );
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json["rejection_reason"], private_reason);
    for path in [
        format!("{group}/meetings"),
        format!("{group}/meetings/{}", meeting.id()),
    ] {
        let public = app.get(&path);
        assert_eq!(public.status, 200, "{}", public.text);
        assert!(
            public.text.contains("Partnerskapet avslår ansökan."),
            "{}",
            public.text
        );
        assert!(!public.text.contains("underskrift"), "{}", public.text);
        assert!(
            !public.text.contains("kim@exempel.example"),
            "{}",
            public.text
        );
    }
});

e2e!(
    organisations_acting_for_the_sector_are_named_publicly_and_co_administer,
    |app| {
        let body = app.public_body("municipality", "1285");
        let admin = app.agreement_admin(body);
        let forum = app.create_organization("Eslövs idéburna forum", None);
        let forum_rep = app.organization_rep(forum);
        let agreement = app.adopted_agreement(
        &admin,
        body,
        "1285",
        json!({"acting_organization_ids": [forum], "eligible_area": "agreement_municipalities", "accepted_channels": ["board_minutes"]}),
    );
        let path = format!("/api/v1/agreements/{agreement}");
        // Shown publicly.
        let public = app.get(&path);
        assert_eq!(
            public.json["settings"]["acting_organization_ids"][0],
            forum.to_string()
        );
        assert_eq!(
            public.json["settings"]["eligible_area"],
            "agreement_municipalities"
        );
        // The forum appoints the sector's members; the municipality no longer does.
        let group = format!("{path}/steering-group");
        let r = app.post(
        &group,
        Some(&admin),
        &json!({"name": "Styrgruppen", "kind": "steering_group", "ordinary_seats_per_side": 5, "deputies_allowed": false, "chair_and_vice_chair_from_different_sides": false, "default_term_months": null}),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let seat = member(
            "Forumets ledamot",
            "forum-ledamot",
            "civil_society",
            json!({"type": "organization", "id": forum}),
        );
        app.post(&format!("{group}/memberships"), Some(&admin), &seat)
            .assert_problem(403);
        let r = app.post(&format!("{group}/memberships"), Some(&forum_rep), &seat);
        assert_eq!(r.status, 201, "{}", r.text);

        // Eslöv takes organisations active in Eslöv only, the administrator's paper
        // registrations included.
        let elsewhere = app.post(
        "/api/v1/organizations",
        Some(&app.platform_admin()),
        &json!({"name": "Lunds Körsällskap", "org_number": null, "legal_form": "non_profit_association", "municipality_codes": ["1281"]}),
    );
        assert_eq!(elsewhere.status, 201, "{}", elsewhere.text);
        let r = app.post(
        &format!("{path}/accessions"),
        Some(&admin),
        &json!({"signatory": {"kind": "organization", "id": elsewhere.id()}, "channel": "board_minutes", "board_decision": {"decided_on": "2026-01-10", "minutes_reference": "§ 4", "received_on": "2026-01-12", "diary_number": null}, "affirmed_statements": [], "contact_person": {"name": "Kim Exempelsson", "email": "kim@exempel.example", "phone": null}}),
    );
        assert_eq!(r.assert_problem(409).json["code"], "outside_area");
    }
);

e2e!(
    the_municipality_filter_lists_public_body_signatories_too,
    |app| {
        let region = app.public_body("region", "10");
        let admin = app.agreement_admin(region);
        let r = app.post(
        "/api/v1/agreements",
        Some(&admin),
        &json!({
            "owner_public_body_id": region,
            "party_public_body_ids": [region],
            "civil_society_party": {"kind": "sector", "name": "Den idéburna sektorn i Blekinge"},
            "scope": "regional",
            "municipality_codes": ["1080", "1081"],
            "settings": {"public_bodies_may_accede": true},
            "content": agreement_content("Regional överenskommelse")
        }),
    );
        assert_eq!(r.status, 201, "{}", r.text);
        let agreement = r.id();
        let adopted = app.post(
        &format!("/api/v1/agreements/{agreement}/adoption"),
        Some(&admin),
        &json!({"decided_by": "Regionfullmäktige", "decision_date": "2020-01-15", "diary_number": null, "valid_from": "2020-02-01", "valid_until": null}),
    );
        assert_eq!(adopted.status, 200, "{}", adopted.text);
        let karlskrona = app.public_body("municipality", "1080");
        let submitted = app.post(
        &format!("/api/v1/agreements/{agreement}/accessions"),
        Some(&app.agreement_admin(karlskrona)),
        &json!({"signatory": {"kind": "public_body", "id": karlskrona}, "channel": "form", "board_decision": null, "affirmed_statements": [], "contact_person": {"name": "Kim Exempelsson", "email": "kim@exempel.example", "phone": null}}),
    );
        assert_eq!(submitted.status, 201, "{}", submitted.text);
        let approved = app.post(
            &format!("/api/v1/accessions/{}/approval", submitted.id()),
            Some(&admin),
            &json!({"approved_on": "2024-03-01", "decision_id": null}),
        );
        assert_eq!(approved.status, 200, "{}", approved.text);
        assert_eq!(approved.json["approved_under"], "registration");
        let list = format!("/api/v1/agreements/{agreement}/signatories");
        let here = app.get(&format!("{list}?municipality=1080"));
        assert_eq!(
            here.json["items"].as_array().unwrap().len(),
            1,
            "{}",
            here.text
        );
        let elsewhere = app.get(&format!("{list}?municipality=1081"));
        assert!(elsewhere.json["items"].as_array().unwrap().is_empty());
        let csv = app.get(&format!("{list}.csv?municipality=1080"));
        assert_eq!(csv.status, 200, "{}", csv.text);
        assert!(csv.text.contains("Karlskrona"), "{}", csv.text);
    }
);

// Settings changes are events: a change of the approval mode, the accepted channels or the
// eligibility rules needs a reason and is listed in the agreement's history, with who, when,
// what and why, for the administrators and co-administrators.
e2e!(settings_changes_are_recorded_in_the_history, |app| {
    app.set_today("2024-02-15");
    let b = draft(app);
    let history = format!("{}/history", b.path);
    let settings = |channels: Value, public_bodies: bool, months: u32| json!({"approval_mode": "steering_group", "public_bodies_may_accede": public_bodies, "accepted_channels": channels, "follow_up_months": months});
    let etag = |app: &TestApp| {
        app.get_as(&b.path, &b.region_admin)
            .header("etag")
            .unwrap()
            .to_owned()
    };
    // Without a reason, a change of the accepted channels is refused, naming the field.
    let r = app.patch(
        &b.path,
        &b.region_admin,
        Some(&etag(app)),
        &json!({"settings": settings(json!(["form", "board_minutes"]), true, 12)}),
    );
    assert_eq!(r.assert_problem(422).error_fields(), ["reason"]);
    let r = app.patch(
        &b.path,
        &b.region_admin,
        Some(&etag(app)),
        &json!({"settings": settings(json!(["form", "board_minutes"]), true, 12), "reason": "Partnerskapet godtar även styrelseprotokoll från föreningar på Öland."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // The calendar is no recorded setting: no reason needed, no entry.
    let r = app.patch(
        &b.path,
        &b.region_admin,
        Some(&etag(app)),
        &json!({"settings": settings(json!(["form", "board_minutes"]), true, 6)}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    app.set_today("2024-02-20");
    let r = app.patch(
        &b.path,
        &b.region_admin,
        Some(&etag(app)),
        &json!({"settings": settings(json!(["form", "board_minutes"]), false, 6), "reason": "Offentliga aktörer är redan parter i överenskommelsen."}),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    // The co-administrator reads it, a page at a time.
    let first = app.get_as(&format!("{history}?limit=1"), &b.network_rep);
    assert_eq!(first.status, 200, "{}", first.text);
    let items = first.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["changed"], json!(["accepted_channels"]));
    assert_eq!(
        items[0]["changed_by"],
        format!("processledare-{}", b.region)
    );
    assert_eq!(items[0]["changed_at"], "2024-02-15T12:00:00Z");
    assert_eq!(
        items[0]["reason"],
        "Partnerskapet godtar även styrelseprotokoll från föreningar på Öland."
    );
    let cursor = first.json["next_cursor"].as_str().expect("a next page");
    let second = app.get_as(
        &format!("{history}?limit=1&cursor={cursor}"),
        &b.network_rep,
    );
    assert_eq!(second.status, 200, "{}", second.text);
    assert_eq!(second.json["items"][0]["changed"], json!(["eligibility"]));
    assert_eq!(
        second.json["items"][0]["changed_at"],
        "2024-02-20T12:00:00Z"
    );
    assert!(second.json["next_cursor"].is_null(), "{}", second.text);
    let all = app.get_as(&history, &b.region_admin);
    assert_eq!(
        all.json["items"].as_array().unwrap().len(),
        2,
        "{}",
        all.text
    );

    // Nobody else: the draft's existence does not leak; anonymous callers authenticate.
    let stranger = app.organization_rep(Uuid::now_v7());
    app.get_as(&history, &stranger).assert_problem(404);
    app.get(&history).assert_problem(401);
    let other_admin = app.agreement_admin(app.public_body("municipality", "1281"));
    app.get_as(&history, &other_admin).assert_problem(404);
});
