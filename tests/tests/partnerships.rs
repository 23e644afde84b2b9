//! IOP partnerships (issue 21) through HTTP: proposal with parties recorded as signatories
//! or not, the assessment against the agreement's criteria list (a setting), entry only with
//! a complete and justified assessment and only by the public body's administrator, the
//! public register in JSON and CSV, partnerships on the signatory's public entry, the
//! representatives of the organisations involved reading their own, and the change feed.

use samverkan_e2e::*;
use serde_json::{Value, json};
use uuid::Uuid;

const STATEMENT: &str = "Vi står för demokratiska värderingar och alla människors lika värde.";
const INITIATIVE: &str = "Verksamheten sker på initiativ av den idéburna sektorn";
const FUNDING: &str =
    "Bägge parter är med och finansierar insatsen (via pengar eller andra insatser)";

struct World {
    agreement: Uuid,
    body: Uuid,
    admin: String,
    base: String,
}

fn world(app: &TestApp) -> World {
    app.set_today("2026-06-01");
    let body = app.public_body("municipality", "1290");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(
        &admin,
        body,
        "1290",
        json!({"approval_mode": "registration", "eligibility_statements": [STATEMENT],
               "partnership_criteria": [INITIATIVE, FUNDING]}),
    );
    World {
        agreement,
        body,
        admin,
        base: format!("/api/v1/agreements/{agreement}/partnerships"),
    }
}

/// A new organisation, approved as a signatory when `signatory`: (org, its rep).
fn organization(app: &TestApp, w: &World, name: &str, signatory: bool) -> (Uuid, String) {
    let org = app.create_organization(name, None);
    let rep = app.organization_rep(org);
    if signatory {
        let r = app.post(
            &format!("/api/v1/agreements/{}/accessions", w.agreement),
            Some(&rep),
            &json!({
                "signatory": {"kind": "organization", "id": org},
                "channel": "board_minutes",
                "board_decision": {"decided_on": "2026-02-01", "minutes_reference": "§ 7", "received_on": "2026-02-10", "diary_number": null},
                "affirmed_statements": [STATEMENT],
                "contact_person": {"name": "Kim Kontaktsson", "email": "kim@forening.example", "phone": null}
            }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let r = app.post(
            &format!("/api/v1/accessions/{}/approval", r.id()),
            Some(&w.admin),
            &json!({"approved_on": "2026-03-01", "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    (org, rep)
}

fn proposal(w: &World, orgs: &[Uuid]) -> Value {
    json!({
        "public_body_id": w.body,
        "organization_ids": orgs,
        "title": "Läxhjälp i Östra stan",
        "purpose": "Barn och unga i Östra stan får stöd med skolarbetet av ideella läxhjälpare.",
        "principles": [1],
        "period_from": "2027-01-01",
        "period_to": "2027-12-31",
        "public_contribution": {"amount_ore": 36_500_050, "in_kind": "Lokal i Väståsskolan"},
        "organization_contribution": {"in_kind": "Ideella läxhjälpare två kvällar i veckan"}
    })
}

fn entry() -> Value {
    json!({"decision": {"body": "Barn- och utbildningsnämnden", "date": "2026-05-20", "diary_number": "BUN 2026/0117"},
           "entered_on": "2026-05-25", "contract_reference": "BUN 2026/0117-4"})
}

fn feed_types(app: &TestApp, token: Option<&str>) -> Vec<String> {
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
        .filter(|t| t.starts_with("partnership."))
        .collect()
}

e2e!(
    an_iop_from_proposal_through_assessment_to_the_register,
    |app| {
        let w = world(app);
        let (member, member_rep) = organization(app, &w, "Föreningen Läxhjälpen", true);
        let (outsider, outsider_rep) = organization(app, &w, "Studieförbundet Ädelsten", false);
        let (_, stranger_rep) = organization(app, &w, "Främlingsföreningen", true);

        // Only those who run the agreement propose.
        app.post(&w.base, Some(&member_rep), &proposal(&w, &[member]))
            .assert_problem(403);
        let r = app.post(&w.base, Some(&w.admin), &proposal(&w, &[member, outsider]));
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.id();
        let one = format!("{}/{id}", w.base);
        assert_eq!(r.header("location"), Some(one.as_str()));
        assert_eq!(r.json["state"], "proposed");
        assert_eq!(r.json["organizations"][0]["signatory"], true);
        assert_eq!(r.json["organizations"][1]["signatory"], false);
        assert_eq!(
            r.json["organizations"][1]["name"],
            "Studieförbundet Ädelsten"
        );
        assert_eq!(r.json["public_contribution"]["amount_ore"], 36_500_050);
        assert_eq!(r.json["public_contribution"]["amount_sek"], "365000.50");
        assert_eq!(
            r.json["organization_contribution"]["amount_ore"],
            Value::Null
        );

        // A proposal is not public: 404 to the public and to an uninvolved representative, the
        // involved organisations' representatives read it.
        app.get(&one).assert_problem(404);
        app.get_as(&one, &stranger_rep).assert_problem(404);
        assert_eq!(app.get_as(&one, &outsider_rep).status, 200);
        assert_eq!(app.get(&w.base).json["items"], json!([]));
        assert_eq!(
            app.get_as(&w.base, &member_rep).json["items"][0]["id"],
            json!(id)
        );

        // Wrong values, every field at once.
        let mut bad = proposal(&w, &[member, member]);
        bad["principles"] = json!([42]);
        bad["period_to"] = json!("2026-12-31");
        bad["organization_contribution"] = json!({});
        let fields = app
            .post(&w.base, Some(&w.admin), &bad)
            .assert_problem(422)
            .error_fields();
        assert_eq!(
            fields,
            [
                "organization_ids[1]",
                "principles[0]",
                "period_to",
                "organization_contribution"
            ]
        );
        let unknown = app.post(&w.base, Some(&w.admin), &proposal(&w, &[Uuid::now_v7()]));
        assert_eq!(
            unknown.assert_problem(422).error_fields(),
            ["organization_ids[0]"]
        );

        // Entry before an assessment: refused by the state.
        let enter = |token: &str| app.post(&format!("{one}/entry"), Some(token), &entry());
        assert_eq!(
            enter(&w.admin).assert_problem(409).json["code"],
            "partnership_transition"
        );
        // A partial assessment is recorded, but entry needs it complete.
        let assess = |criteria: Value| {
            app.post(
                &format!("{one}/assessment"),
                Some(&w.admin),
                &json!({ "criteria": criteria }),
            )
        };
        let r = assess(
            json!([{"criterion": INITIATIVE, "met": true, "justification": "Föreningen kom med idén."}]),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["state"], "assessed");
        assert_eq!(
            enter(&w.admin).assert_problem(409).json["code"],
            "assessment_incomplete"
        );
        // A criterion not in the list is a wrong value.
        assert_eq!(
            assess(json!([{"criterion": "Något annat", "met": true}]))
                .assert_problem(422)
                .error_fields(),
            ["criteria[0].criterion"]
        );
        // Not met and not justified: cannot proceed.
        let r = assess(
            json!([{"criterion": FUNDING, "met": false}, {"criterion": INITIATIVE, "met": true, "justification": "Föreningen kom med idén."}]),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["assessment"]["criteria"][0]["criterion"], INITIATIVE);
        let refused = enter(&w.admin);
        assert_eq!(
            refused.assert_problem(409).json["code"],
            "criterion_not_met_unjustified"
        );
        let r = assess(json!([
            {"criterion": INITIATIVE, "met": true, "justification": "Föreningen kom med idén."},
            {"criterion": FUNDING, "met": false, "justification": "Föreningen bidrar med ideellt arbete, inte pengar; det räcker här."}
        ]));
        assert_eq!(r.status, 200, "{}", r.text);

        // Only the public body's administrator enters: not a co-administrator, not a rep, not
        // another body's administrator.
        enter(&member_rep).assert_problem(403);
        let other_body = app.public_body("municipality", "1291");
        let other_admin = app.agreement_admin(other_body);
        // Another body's administrator does not even see the proposal.
        enter(&other_admin).assert_problem(404);
        let entered = enter(&w.admin);
        assert_eq!(entered.status, 200, "{}", entered.text);
        assert_eq!(entered.json["state"], "entered");
        assert_eq!(entered.json["decision"]["diary_number"], "BUN 2026/0117");
        assert_eq!(entered.json["contract_reference"], "BUN 2026/0117-4");

        // The public register.
        let public = app.get(&w.base);
        assert_eq!(public.status, 200, "{}", public.text);
        assert_eq!(public.json["items"][0]["id"], json!(id));
        assert_eq!(
            public.json["items"][0]["public_body"]["public_body_id"],
            json!(w.body)
        );
        assert!(public.header("access-control-allow-origin").is_some());
        let csv = app.get(&format!("{}.csv", w.base));
        assert_eq!(csv.status, 200, "{}", csv.text);
        assert!(
            csv.header("content-type")
                .is_some_and(|t| t.starts_with("text/csv"))
        );
        let mut lines = csv.text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|h| h.starts_with("id,state,title,public_body,organizations"))
        );
        let row = lines.next().expect("one partnership");
        assert!(row.contains("Läxhjälp i Östra stan"), "{row}");
        assert!(
            row.contains("Föreningen Läxhjälpen; Studieförbundet Ädelsten"),
            "{row}"
        );
        assert!(row.contains("365000.50"), "{row}");
        assert!(row.contains("BUN 2026/0117"), "{row}");
        assert_eq!(lines.next(), None);

        // On the signatory's public entry.
        let list = app.get(&format!("/api/v1/agreements/{}/signatories", w.agreement));
        let entry_of = |name: &str| {
            list.json["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|s| s["name"] == name)
                .cloned()
                .expect("listed")
        };
        assert_eq!(
            entry_of("Föreningen Läxhjälpen")["partnerships"][0]["partnership_id"],
            json!(id)
        );
        assert_eq!(entry_of("Främlingsföreningen")["partnerships"], json!([]));

        // Ending: the public body's administrator, after entry; it stays in the register.
        let end = |body: Value| app.post(&format!("{one}/ending"), Some(&w.admin), &body);
        assert_eq!(
            end(json!({"ended_on": "2026-05-01"}))
                .assert_problem(422)
                .error_fields(),
            ["ended_on"]
        );
        let ended = end(
            json!({"ended_on": "2026-06-01", "reason": "Verksamheten flyttade till Västra stan."}),
        );
        assert_eq!(ended.status, 200, "{}", ended.text);
        assert_eq!(app.get(&w.base).json["items"][0]["state"], "ended");
        assert_eq!(
            end(json!({"ended_on": "2026-06-01"}))
                .assert_problem(409)
                .json["code"],
            "partnership_transition"
        );

        // The feed: only entry and ending are public.
        assert_eq!(
            feed_types(app, None),
            ["partnership.entered", "partnership.ended"]
        );
        assert_eq!(
            feed_types(app, Some(&w.admin)),
            [
                "partnership.proposed",
                "partnership.assessed",
                "partnership.assessed",
                "partnership.assessed",
                "partnership.entered",
                "partnership.ended"
            ]
        );
    }
);

e2e!(
    a_partnership_not_entered_needs_a_reason_and_stays_private,
    |app| {
        let w = world(app);
        let (member, _) = organization(app, &w, "Föreningen Ängsblomman", true);
        let r = app.post(&w.base, Some(&w.admin), &proposal(&w, &[member]));
        assert_eq!(r.status, 201, "{}", r.text);
        let one = format!("{}/{}", w.base, r.id());
        let not_enter = |reason: &str| {
            app.post(
                &format!("{one}/non-entry"),
                Some(&w.admin),
                &json!({ "reason": reason }),
            )
        };
        assert_eq!(
            not_enter("  ").assert_problem(422).error_fields(),
            ["reason"]
        );
        let r = not_enter("Det finns en marknad för tjänsten; den ska upphandlas.");
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["state"], "not_entered");
        assert_eq!(
            r.json["reason"],
            "Det finns en marknad för tjänsten; den ska upphandlas."
        );
        app.get(&one).assert_problem(404);
        assert_eq!(app.get(&w.base).json["items"], json!([]));
        assert_eq!(
            app.post(
                &format!("{one}/assessment"),
                Some(&w.admin),
                &json!({"criteria": []})
            )
            .assert_problem(409)
            .json["code"],
            "partnership_transition"
        );
        assert!(feed_types(app, None).is_empty());
    }
);

e2e!(
    the_criteria_are_an_agreement_setting_and_entry_follows_the_list_of_the_day,
    |app| {
        let w = world(app);
        let (member, _) = organization(app, &w, "Föreningen Ängsblomman", true);
        let r = app.post(&w.base, Some(&w.admin), &proposal(&w, &[member]));
        let one = format!("{}/{}", w.base, r.id());
        let all_met = json!({"criteria": [
        {"criterion": INITIATIVE, "met": true, "justification": "Ja."},
        {"criterion": FUNDING, "met": true, "justification": "Ja."}]});
        assert_eq!(
            app.post(&format!("{one}/assessment"), Some(&w.admin), &all_met)
                .status,
            200
        );
        // A criterion added to the list after the assessment must be assessed before entry.
        let agreement = app.get_as(&format!("/api/v1/agreements/{}", w.agreement), &w.admin);
        assert_eq!(
            agreement.json["settings"]["partnership_criteria"],
            json!([INITIATIVE, FUNDING])
        );
        let mut settings = agreement.json["settings"].clone();
        settings["partnership_criteria"] =
            json!([INITIATIVE, FUNDING, "Det finns inte en marknad att vårda"]);
        let etag = agreement.header("etag").expect("etag").to_owned();
        let r = app.patch(
            &format!("/api/v1/agreements/{}", w.agreement),
            &w.admin,
            Some(&etag),
            &json!({ "settings": settings }),
        );
        assert!(r.status == 200, "{} {}", r.status, r.text);
        assert_eq!(
            app.post(&format!("{one}/entry"), Some(&w.admin), &entry())
                .assert_problem(409)
                .json["code"],
            "assessment_incomplete"
        );
        // A criterion listed twice in the settings is a wrong value.
        let agreement = app.get_as(&format!("/api/v1/agreements/{}", w.agreement), &w.admin);
        let mut twice = agreement.json["settings"].clone();
        twice["partnership_criteria"] = json!([INITIATIVE, INITIATIVE]);
        let r = app.patch(
            &format!("/api/v1/agreements/{}", w.agreement),
            &w.admin,
            agreement.header("etag"),
            &json!({ "settings": twice }),
        );
        assert_eq!(
            r.assert_problem(422).error_fields(),
            ["settings.partnership_criteria[1]"]
        );
    }
);

e2e!(
    the_demo_records_kristianstads_criteria_and_an_entered_iop,
    |app| {
        app.load_demo();
        let agreements = app.get("/api/v1/agreements?limit=50");
        let kristianstad = agreements.json["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|a| {
                a["settings"]["partnership_criteria"]
                    .as_array()
                    .is_some_and(|c| c.len() == 6)
            })
            .and_then(|a| a["id"].as_str())
            .expect("Kristianstad's agreement lists six criteria")
            .to_owned();
        let register = app.get(&format!("/api/v1/agreements/{kristianstad}/partnerships"));
        assert_eq!(register.status, 200, "{}", register.text);
        let iop = &register.json["items"][0];
        assert_eq!(iop["title"], "Mötesplats Östra Gården");
        assert_eq!(iop["state"], "entered");
        assert_eq!(iop["organizations"][0]["signatory"], true);
        assert_eq!(
            iop["assessment"]["criteria"].as_array().map(Vec::len),
            Some(6)
        );
        assert_eq!(iop["public_contribution"]["amount_sek"], "450000.00");
    }
);
