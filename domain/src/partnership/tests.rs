use super::*;
use crate::access::Role;
use crate::agreement::testing::{OTHER_BODY, OWNER, adopted, date, invalid_fields, rule, today};

const ORG: Uuid = Uuid::from_u128(0x0A);
const OUTSIDER: Uuid = Uuid::from_u128(0x0B);

fn criteria() -> Vec<String> {
    vec![
        "Verksamheten sker på initiativ av den idéburna sektorn".into(),
        "Bägge parter är med och finansierar insatsen".into(),
    ]
}

fn input() -> ProposalInput {
    ProposalInput {
        public_body_id: OWNER,
        organization_ids: vec![ORG, OUTSIDER],
        title: "  Läxhjälp i Östra stan  ".into(),
        purpose: "Barn och unga får stöd med skolarbetet.".into(),
        principles: vec![1],
        period_from: date(2027, 1, 1),
        period_to: date(2028, 6, 30),
        public_contribution: Contribution {
            amount_ore: Some(36_500_000),
            in_kind: Some("Lokal i Väståsskolan".into()),
        },
        organization_contribution: Contribution {
            amount_ore: None,
            in_kind: Some("Ideella läxhjälpare".into()),
        },
    }
}

fn proposed() -> Partnership {
    let a = adopted(date(2026, 1, 1));
    let content = a.current_version().map(|v| v.content().clone());
    Partnership::propose(
        Uuid::from_u128(1),
        &a,
        input(),
        content.as_ref(),
        &[ORG].into(),
        today(),
    )
    .expect("a valid proposal")
}

fn met(c: &str) -> CriterionAssessment {
    CriterionAssessment {
        criterion: c.into(),
        met: true,
        justification: "Föreningen tog initiativet.".into(),
    }
}

fn entry() -> EntryInput {
    EntryInput {
        decision: Decision {
            body: "Barn- och utbildningsnämnden".into(),
            date: date(2026, 11, 1),
            diary_number: "BUN 2026/0117".into(),
        },
        entered_on: date(2026, 11, 10),
        contract_reference: Some("Diarium BUN 2026/0117-4".into()),
    }
}

#[test]
fn a_proposal_records_which_organisations_are_signatories() {
    let p = proposed();
    assert_eq!(p.state, PartnershipState::Proposed);
    assert_eq!(p.title, "Läxhjälp i Östra stan");
    assert_eq!(
        p.organizations,
        vec![
            OrganizationParty {
                organization_id: ORG,
                signatory: true
            },
            OrganizationParty {
                organization_id: OUTSIDER,
                signatory: false
            },
        ]
    );
    assert!(!p.is_public());
}

#[test]
fn a_proposal_checks_every_field_at_once() {
    let a = adopted(date(2026, 1, 1));
    let content = a.current_version().map(|v| v.content().clone());
    let bad = ProposalInput {
        public_body_id: OTHER_BODY,
        organization_ids: vec![ORG, ORG],
        title: " ".into(),
        principles: vec![99],
        period_to: date(2026, 1, 1),
        public_contribution: Contribution::default(),
        organization_contribution: Contribution {
            amount_ore: Some(-1),
            in_kind: None,
        },
        ..input()
    };
    let fields = invalid_fields(Partnership::propose(
        Uuid::from_u128(1),
        &a,
        bad,
        content.as_ref(),
        &BTreeSet::new(),
        today(),
    ));
    let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "title",
            "public_body_id",
            "organization_ids[1]",
            "principles[0]",
            "period_to",
            "public_contribution",
            "organization_contribution.amount_ore"
        ]
    );
}

#[test]
fn entry_needs_a_complete_and_justified_assessment() {
    let list = criteria();
    let mut p = proposed();
    // Not before an assessment.
    assert_eq!(
        rule(p.clone().enter(entry(), &list, today())),
        "partnership_transition"
    );
    p.assess(vec![met(&list[0])], &list, today(), "handläggare")
        .expect("a partial assessment is recorded");
    assert_eq!(p.state, PartnershipState::Assessed);
    assert_eq!(
        rule(p.clone().enter(entry(), &list, today())),
        "assessment_incomplete"
    );
    let not_met = CriterionAssessment {
        criterion: list[1].clone(),
        met: false,
        justification: "  ".into(),
    };
    p.assess(vec![not_met.clone(), met(&list[0])], &list, today(), "x")
        .expect("recorded");
    // Kept in the list's order.
    let recorded = &p.assessment.as_ref().expect("assessed").criteria;
    assert_eq!(recorded[0].criterion, list[0]);
    assert_eq!(
        rule(p.clone().enter(entry(), &list, today())),
        "criterion_not_met_unjustified"
    );
    let justified = CriterionAssessment {
        justification: "Kommunen bidrar med lokal i stället för pengar.".into(),
        ..not_met
    };
    p.assess(vec![met(&list[0]), justified], &list, today(), "x")
        .expect("recorded");
    p.enter(entry(), &list, today()).expect("entered");
    assert_eq!(p.state, PartnershipState::Entered);
    assert!(p.is_public());
    // A criterion added to the list after entry does not undo it; ending does not look.
    p.end(date(2026, 11, 20), None, today()).expect("ended");
    assert_eq!(p.state, PartnershipState::Ended);
    assert_eq!(
        rule(p.clone().end(today(), None, today())),
        "partnership_transition"
    );
}

#[test]
fn a_criterion_added_after_the_assessment_must_be_assessed_too() {
    let mut list = criteria();
    let mut p = proposed();
    p.assess(list.iter().map(|c| met(c)).collect(), &list, today(), "x")
        .expect("recorded");
    list.push("Det finns inte en marknad att vårda".into());
    assert_eq!(p.unassessed(&list), [list[2].as_str()]);
    assert_eq!(
        rule(p.enter(entry(), &list, today())),
        "assessment_incomplete"
    );
}

#[test]
fn an_assessment_names_only_listed_criteria_once() {
    let list = criteria();
    let mut p = proposed();
    let fields = invalid_fields(p.assess(
        vec![met("Något annat"), met(&list[0]), met(&list[0])],
        &list,
        today(),
        "x",
    ));
    assert_eq!(
        fields,
        [
            ("criteria[0].criterion".to_owned(), "unknown_criterion"),
            ("criteria[2].criterion".to_owned(), "listed_twice")
        ]
    );
}

#[test]
fn not_entered_needs_a_reason_and_is_final() {
    let mut p = proposed();
    assert_eq!(
        invalid_fields(p.not_enter(" ".into())),
        [("reason".to_owned(), "required")]
    );
    p.not_enter("Verksamheten är en upphandlingsbar tjänst.".into())
        .expect("not entered");
    assert_eq!(p.state, PartnershipState::NotEntered);
    assert_eq!(
        rule(p.assess(Vec::new(), &[], today(), "x")),
        "partnership_transition"
    );
}

#[test]
fn entry_dates_are_checked() {
    let list: Vec<String> = Vec::new();
    let mut p = proposed();
    p.assess(Vec::new(), &list, today(), "x")
        .expect("nothing to assess");
    let mut e = entry();
    e.decision.date = date(2027, 1, 1);
    e.entered_on = date(2026, 1, 1);
    assert_eq!(
        invalid_fields(p.enter(e, &list, today())),
        [
            ("decision.date".to_owned(), "in_future"),
            ("entered_on".to_owned(), "before_start")
        ]
    );
}

#[test]
fn the_public_money_is_spread_over_the_years_and_sums_to_the_amount() {
    let p = proposed();
    let per_year = p.public_money_per_year();
    assert_eq!(per_year.len(), 2);
    assert_eq!(per_year[0].0, 2027);
    // 365 of 547 days fall in 2027 (2028 is a leap year).
    assert_eq!(per_year[0].1, 36_500_000 * 365 / 547);
    assert_eq!(per_year.iter().map(|(_, a)| a).sum::<i64>(), 36_500_000);
}

#[test]
fn who_acts_on_a_partnership() {
    let a = adopted(date(2026, 1, 1));
    let p = proposed();
    let admin = Principal {
        sub: "a".into(),
        name: None,
        roles: [Role::AgreementAdmin].into(),
        public_body_id: Some(OWNER),
        organization_ids: BTreeSet::new(),
    };
    let other_admin = Principal {
        public_body_id: Some(OTHER_BODY),
        ..admin.clone()
    };
    let rep = Principal {
        roles: [Role::OrganizationRep].into(),
        public_body_id: None,
        organization_ids: [OUTSIDER].into(),
        ..admin.clone()
    };
    let stranger = Principal {
        organization_ids: [Uuid::from_u128(0xFF)].into(),
        ..rep.clone()
    };
    assert!(may_run(&admin, &a) && may_enter(&admin, &p));
    assert!(!may_run(&other_admin, &a) && !may_enter(&other_admin, &p));
    assert!(may_read_all(&rep, &a, &p) && !may_run(&rep, &a) && !may_enter(&rep, &p));
    assert!(!may_read_all(&stranger, &a, &p));
}
