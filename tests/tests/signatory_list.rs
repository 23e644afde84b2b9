//! The public list's query means what the domain says: over random accession histories,
//! the list read from storage (the merged terms and the SQL predicate) equals
//! `accession::public_signatories` over the accessions, on both backends, and paging through
//! it gives the whole list in Swedish order.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use samverkan_domain::accession::{
    Accession, AccessionState, AgreementTerms, Approval, Channel, ContactPersonInput,
    PublicSignatory, Signatory, SubmissionInput, WithdrawalNoticeInput, public_signatories,
};
use samverkan_domain::collation::swedish_sort_key;
use samverkan_e2e::*;
use samverkan_persistence::accessions::{self as store, SignatoryQuery};
use samverkan_persistence::db::{DbConnection, build_pool, get_conn, write_transaction};
use samverkan_persistence::page::{Page, PageRequest};
use samverkan_persistence::{StoreError, agreements};
use serde_json::json;
use uuid::Uuid;

const BY: &str = "egenskapstest";

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 3, 1).expect("a date") + Days::new(u64::from(n))
}

/// Every operation happens "now", after all the dates the histories use.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 11, 0, 0)
        .single()
        .expect("an instant")
}

/// One step of a history: what to do to a signatory's open accession (or to start one).
#[derive(Debug, Clone, Copy)]
enum Step {
    Submit,
    Approve(u32),
    Reject,
    Cancel,
    /// Withdraw, effective this many days after the approval (0: on the approval day).
    Withdraw(u32),
    /// End with the agreement, this many days after the approval.
    End(u32),
}

fn steps() -> impl Strategy<Value = Vec<(usize, Step)>> {
    let step = prop_oneof![
        3 => Just(Step::Submit),
        3 => (0u32..300).prop_map(Step::Approve),
        1 => Just(Step::Reject),
        1 => Just(Step::Cancel),
        2 => (0u32..200).prop_map(Step::Withdraw),
        1 => (0u32..200).prop_map(Step::End),
    ];
    proptest::collection::vec((0usize..4, step), 0..24)
}

/// Applies one step in its own write transaction, through the domain's operations and the
/// storage functions the API uses; steps that do not apply to the accession as it is do
/// nothing.
fn apply(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    signatory: Signatory,
    name: &str,
    step: Step,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        let agreement = agreements::get_agreement(conn, agreement_id)?.agreement;
        let terms = AgreementTerms::of(&agreement, now().date_naive());
        let existing = store::existing_for(conn, agreement_id, signatory)?;
        let open = existing.iter().find(|e| e.state.is_open()).copied();
        match (step, open) {
            (Step::Submit, None) => {
                let accession = Accession::submit(
                    SubmissionInput {
                        id: Uuid::now_v7(),
                        signatory,
                        channel: Channel::Form,
                        board_decision: None,
                        affirmed_statements: vec![],
                        contact_person: ContactPersonInput {
                            name: "Kim Exempelsson".into(),
                            email: "kim@exempel.example".into(),
                            phone: None,
                        },
                        signatory_municipality_codes: Vec::new(),
                    },
                    &terms,
                    &existing,
                    BY,
                    now(),
                )?;
                store::insert_accession(conn, &accession, name, now())?;
            }
            (_, Some(open)) => {
                let before = store::get_accession_for_update(conn, open.id)?;
                let mut a = before.accession.clone();
                let approved_on = a.approved_on();
                let changed = match (step, a.state(), approved_on) {
                    (Step::Approve(d), AccessionState::Submitted, _) => {
                        a.approve(Approval::Registration, &terms, day(d), BY, now())?;
                        true
                    }
                    (Step::Reject, AccessionState::Submitted, _) => {
                        a.reject("Uppfyller inte villkoren.", None, &terms, BY, now())?;
                        true
                    }
                    (Step::Cancel, AccessionState::Submitted, _) => {
                        a.cancel(BY, now())?;
                        true
                    }
                    (Step::Withdraw(k), AccessionState::Approved, Some(on)) => {
                        a.withdraw(
                            WithdrawalNoticeInput {
                                received_on: on,
                                reference: "Styrelseprotokoll § 4".into(),
                                effective_on: on + Days::new(u64::from(k)),
                            },
                            BY,
                            now(),
                        )?;
                        true
                    }
                    (Step::End(k), AccessionState::Approved, Some(on)) => {
                        a.end_with_agreement(on + Days::new(u64::from(k)), BY, now())?;
                        true
                    }
                    _ => false,
                };
                if changed {
                    store::save_accession(conn, &before, &a, now())?;
                }
            }
            (_, None) => {}
        }
        Ok(())
    })
}

/// The list as storage gives it, whole and page by page (which must agree).
fn stored_list(
    conn: &mut DbConnection,
    query: &SignatoryQuery,
) -> Result<Vec<PublicSignatory>, TestCaseError> {
    let whole =
        store::signatories(conn, query, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page: Page<_> = store::signatories(
            conn,
            query,
            Some(&PageRequest {
                limit: 2,
                after: after.take(),
            }),
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        paged.extend(page.items);
        match page.next_cursor {
            Some(c) => {
                after = samverkan_persistence::page::decode_cursor(&c, 2);
                prop_assert!(after.is_some(), "a cursor the list reads back");
            }
            None => break,
        }
    }
    prop_assert_eq!(&paged, &whole.items, "pages make up the whole list");
    let keys: Vec<(String, Uuid)> = whole
        .items
        .iter()
        .map(|l| (swedish_sort_key(&l.name), l.accession_id))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    prop_assert_eq!(keys, sorted, "Swedish order");
    Ok(whole
        .items
        .into_iter()
        .map(|l| PublicSignatory {
            signatory: l.signatory,
            since: l.since,
            until: l.until,
            status: l.status,
        })
        .collect())
}

fn sorted(mut list: Vec<PublicSignatory>) -> Vec<PublicSignatory> {
    list.sort_by_key(|l| (l.signatory, l.since));
    list
}

e2e!(the_stored_list_is_the_domains_list, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let names = ["Åby IF", "Ängsblommans vänner", "Örkelljunga läsecirkel"];
    let mut signatories: Vec<(Signatory, String)> = names
        .iter()
        .map(|n| {
            (
                Signatory::Organization(app.create_organization(n, None)),
                (*n).to_owned(),
            )
        })
        .collect();
    signatories.push((
        Signatory::PublicBody(app.public_body("municipality", "1080")),
        "Karlskrona kommun".to_owned(),
    ));
    let pool = build_pool(&app.database_url, &Default::default()).expect("pool");
    let mut runner = TestRunner::new(Config {
        cases: 40,
        failure_persistence: None,
        ..Config::default()
    });
    let dates = proptest::collection::vec((0u32..520).prop_map(day), 4);
    runner
        .run(&(steps(), dates), |(steps, dates)| {
            let mut conn = get_conn(&pool).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let agreement = app.adopted_agreement(
                &admin,
                body,
                "1285",
                json!({"public_bodies_may_accede": true}),
            );
            for (who, step) in steps {
                let (signatory, name) = &signatories[who];
                apply(&mut conn, agreement, *signatory, name, step)
                    .map_err(|e| TestCaseError::fail(format!("{step:?}: {e}")))?;
            }
            let accessions = store::list_for_administrators(
                &mut conn,
                agreement,
                None,
                &PageRequest::first(200),
            )
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .items;
            let terms: Vec<_> = accessions
                .iter()
                .filter_map(|r| r.accession.signatory_term())
                .collect();
            // Random dates, and every date where a line begins or ends (and the day before).
            let mut dates = dates;
            for t in &terms {
                for d in std::iter::once(t.period.since).chain(t.period.until) {
                    dates.extend(d.pred_opt());
                    dates.push(d);
                }
            }
            dates.sort();
            dates.dedup();
            for as_of in dates {
                for include_former in [false, true] {
                    let query = SignatoryQuery {
                        agreement_id: agreement,
                        as_of,
                        include_former,
                        q: None,
                        municipality_code: None,
                    };
                    let stored = sorted(stored_list(&mut conn, &query)?);
                    let domain = sorted(public_signatories(
                        terms.iter().copied(),
                        as_of,
                        include_former,
                    ));
                    prop_assert_eq!(
                        stored,
                        domain,
                        "as of {} (former: {})",
                        as_of,
                        include_former
                    );
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
});

// Over HTTP: a signatory approved again while its withdrawal had yet to take effect stays
// one line, since its first approval; the projection rebuilt from the accessions (what the
// migration's backfill does) is the same list.
e2e!(a_continuous_membership_is_one_line, |app| {
    let body = app.public_body("municipality", "1285");
    let admin = app.agreement_admin(body);
    let agreement = app.adopted_agreement(&admin, body, "1285", json!({}));
    let org = app.create_organization("Föreningen Ängsblomman", None);
    let rep = app.organization_rep(org);
    let apply = || {
        let r = app.post(
            &format!("/api/v1/agreements/{agreement}/accessions"),
            Some(&rep),
            &json!({
                "signatory": {"kind": "organization", "id": org}, "channel": "form",
                "board_decision": null, "affirmed_statements": [],
                "contact_person": {"name": "Kim Exempelsson", "email": "kim@exempel.example", "phone": null}
            }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.id()
    };
    let approve = |id: Uuid, on: &str| {
        let r = app.post(
            &format!("/api/v1/accessions/{id}/approval"),
            Some(&admin),
            &json!({"approved_on": on, "decision_id": null}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    };
    let first = apply();
    approve(first, "2021-01-01");
    let r = app.post(
        &format!("/api/v1/accessions/{first}/withdrawal"),
        Some(&rep),
        &json!({"received_on": "2024-01-10", "reference": "Styrelseprotokoll § 4", "effective_on": "2024-06-30"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let second = apply();
    approve(second, "2024-03-01");

    let list = |query: &str| {
        let r = app.get(&format!(
            "/api/v1/agreements/{agreement}/signatories?{query}"
        ));
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["items"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|i| {
                (
                    i["signatory_since"].as_str().unwrap_or_default().to_owned(),
                    i["signatory_until"].as_str().map(str::to_owned),
                )
            })
            .collect::<Vec<_>>()
    };
    let one_line = vec![("2021-01-01".to_owned(), None)];
    assert_eq!(
        list("as_of=2024-04-01"),
        one_line,
        "not twice while both run"
    );
    assert_eq!(list("as_of=2025-01-01&include=former"), one_line);
    assert_eq!(list("as_of=2020-12-31&include=former"), vec![]);

    let pool = build_pool(&app.database_url, &Default::default()).expect("pool");
    let mut conn = get_conn(&pool).expect("connection");
    let terms = write_transaction(&mut conn, store::rebuild_signatory_terms).expect("rebuilt");
    assert_eq!(terms, 1);
    assert_eq!(
        list("as_of=2024-04-01&include=former&x=after-rebuild"),
        one_line
    );
});
