//! Tests of the accession lifecycle: every transition, every named rule, both approval
//! modes, and the history's append-only discipline.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use strum::IntoEnumIterator;
use uuid::Uuid;

use super::*;
use crate::agreement::ApprovalMode;
use crate::error::DomainError;
use crate::steering::DecisionKind;

type Step = Box<dyn FnMut(&mut Accession, DateTime<Utc>) -> Result<(), DomainError>>;

const REP: &str = "rep-ängsblomman";
const ADMIN: &str = "admin-eslöv";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Noon in Sweden on the given day.
fn noon(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
        .single()
        .expect("valid instant")
}

fn now() -> DateTime<Utc> {
    noon(2024, 5, 20)
}

const AGREEMENT: Uuid = Uuid::from_u128(0xa1);
const OWNER: Uuid = Uuid::from_u128(0xb1);
const PARTY: Uuid = Uuid::from_u128(0xb2);
const ORG: Uuid = Uuid::from_u128(0xc1);
const ACCESSION: Uuid = Uuid::from_u128(0xd1);

fn statements() -> Vec<String> {
    vec![
        "Organisationen utgår från en demokratisk värdegrund.".into(),
        "Organisationen står för alla människors lika värde.".into(),
        "Organisationen gynnar samhälls- eller medlemsintresset.".into(),
    ]
}

/// Eslöv-like: board minutes, registration by the administrator.
fn registration_terms() -> AgreementTerms {
    AgreementTerms {
        agreement_id: AGREEMENT,
        owner_public_body_id: OWNER,
        party_public_body_ids: vec![OWNER, PARTY],
        in_force: true,
        in_force_from: Some(date(2018, 10, 1)),
        periods: vec![(date(2018, 10, 1), None)],
        terminated_from: None,
        version_number: 1,
        approval_mode: ApprovalMode::Registration,
        public_bodies_may_accede: false,
        accepted_channels: vec![Channel::BoardMinutes],
        eligible_municipalities: None,
        party_organization_ids: Vec::new(),
        required_statements: statements(),
    }
}

/// Blekinge-like: the form, public bodies welcome, the steering group approves.
fn steering_terms() -> AgreementTerms {
    AgreementTerms {
        approval_mode: ApprovalMode::SteeringGroup,
        public_bodies_may_accede: true,
        accepted_channels: vec![Channel::Form],
        ..registration_terms()
    }
}

fn board_decision() -> BoardDecisionInput {
    BoardDecisionInput {
        decided_on: date(2024, 5, 2),
        minutes_reference: "§ 7".into(),
        received_on: date(2024, 5, 6),
        diary_number: Some("KS 2024/0412".into()),
    }
}

fn contact() -> ContactPersonInput {
    ContactPersonInput {
        name: "Åsa Östlund".into(),
        email: "asa@angsblomman.example".into(),
        phone: Some("0413-00 00 00".into()),
    }
}

fn input() -> SubmissionInput {
    SubmissionInput {
        id: ACCESSION,
        signatory: Signatory::Organization(ORG),
        channel: Channel::BoardMinutes,
        board_decision: Some(board_decision()),
        affirmed_statements: statements(),
        contact_person: contact(),
        signatory_municipality_codes: vec!["1285".into()],
    }
}

fn form_input() -> SubmissionInput {
    SubmissionInput {
        channel: Channel::Form,
        board_decision: None,
        ..input()
    }
}

fn submitted() -> Accession {
    Accession::submit(input(), &registration_terms(), &[], REP, now()).expect("submits")
}

fn approved() -> Accession {
    let mut a = submitted();
    a.approve(
        Approval::Registration,
        &registration_terms(),
        date(2024, 5, 14),
        ADMIN,
        now(),
    )
    .expect("approves");
    a
}

fn decision(kind: DecisionKind) -> CitedDecision {
    CitedDecision {
        decision_id: Uuid::from_u128(0xe1),
        agreement_id: AGREEMENT,
        kind,
        subject_id: Some(ACCESSION),
        decided_on: date(2024, 5, 15),
        valid: true,
    }
}

fn steering_submitted() -> Accession {
    Accession::submit(form_input(), &steering_terms(), &[], REP, now()).expect("submits")
}

fn code(result: Result<impl std::fmt::Debug, DomainError>) -> &'static str {
    match result {
        Err(DomainError::Conflict { code, .. }) => code,
        other => panic!("expected a rule, got {other:?}"),
    }
}

fn invalid(result: Result<impl std::fmt::Debug, DomainError>) -> Vec<(String, &'static str)> {
    match result {
        Err(DomainError::Invalid(errors)) => {
            errors.into_iter().map(|e| (e.field, e.code)).collect()
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// Runs an operation that must fail and asserts that the accession did not change.
fn fails<T: std::fmt::Debug>(
    accession: &mut Accession,
    op: impl FnOnce(&mut Accession) -> Result<T, DomainError>,
) -> DomainError {
    let before = accession.clone();
    let error = op(accession).expect_err("operation must fail");
    assert_eq!(
        *accession, before,
        "a failed operation changed the accession"
    );
    error
}

fn conflict(error: DomainError) -> &'static str {
    error
        .code()
        .unwrap_or_else(|| panic!("expected a rule, got {error:?}"))
}

fn last(a: &Accession) -> &HistoryEntry {
    a.history().last().expect("history is never empty")
}

// ---- rules ----

#[test]
fn rules_become_conflicts_with_their_code_in_both_languages() {
    let e: DomainError = AccessionRule::NotSubmitted {
        state: AccessionState::Withdrawn,
    }
    .into();
    let DomainError::Conflict { code, message } = e else {
        panic!("expected a conflict")
    };
    assert_eq!(code, "accession_not_submitted");
    assert!(
        message.get(Lang::En).ends_with("this one is withdrawn"),
        "{message}"
    );
    assert!(
        message
            .get(Lang::Sv)
            .ends_with("den här är avslutad genom utträde"),
        "{}",
        message.get(Lang::Sv)
    );
}

#[test]
fn field_errors_name_the_value_in_the_messages_language() {
    let channel = AccessionField::ChannelNotAccepted {
        channel: Channel::Form,
    };
    assert_eq!(channel.code(), "channel_not_accepted");
    assert_eq!(
        channel.message(Lang::En),
        "this agreement does not take accessions through the accession form"
    );
    assert_eq!(
        channel.message(Lang::Sv),
        "överenskommelsen tar inte emot anslutningar genom anslutningsblanketten"
    );
    let early = AccessionField::WithdrawalBeforeApproval {
        approved_on: date(2024, 6, 1),
    }
    .at("effective_on");
    assert_eq!(
        (early.field.as_str(), early.code),
        ("effective_on", "withdrawal_before_approval")
    );
    assert_eq!(
        early.message.get(Lang::Sv),
        "utträdet kan inte gälla från ett datum före godkännandet av anslutningen (2024-06-01)"
    );
}

#[test]
fn every_state_and_channel_has_a_swedish_name() {
    let states = [
        AccessionState::Submitted,
        AccessionState::Approved,
        AccessionState::Rejected,
        AccessionState::Cancelled,
        AccessionState::Withdrawn,
        AccessionState::Ended,
    ];
    let channels = [
        Channel::BoardMinutes,
        Channel::Form,
        Channel::DialogueForum,
        Channel::AtAdoption,
        Channel::WrittenApplication,
    ];
    let mut swedish = std::collections::BTreeSet::new();
    for term in states
        .iter()
        .map(|s| (s.term(Lang::En), s.term(Lang::Sv)))
        .chain(
            channels
                .iter()
                .map(|c| (c.term(Lang::En), c.term(Lang::Sv))),
        )
    {
        assert_ne!(term.0, term.1);
        assert!(
            swedish.insert(term.1.into_owned()),
            "two share a Swedish name"
        );
    }
}

#[test]
fn submit_records_everything_and_starts_the_history() {
    let a = submitted();
    assert_eq!(a.state(), AccessionState::Submitted);
    assert_eq!(a.agreement_id(), AGREEMENT);
    assert_eq!(a.submitted_by(), REP);
    assert_eq!(a.submitted_at(), now());
    assert_eq!(a.affirmed_statements(), statements());
    assert_eq!(a.contact_person().name(), "Åsa Östlund");
    assert_eq!(
        a.board_decision(),
        Some(&BoardDecision::restore(board_decision()))
    );
    assert_eq!(a.approved_on(), None);
    assert_eq!(
        a.history(),
        [HistoryEntry {
            event: HistoryEvent::Submitted,
            from: None,
            to: AccessionState::Submitted,
            at: now(),
            by: REP.into(),
            reason: Some("through board_minutes".into()),
            corrects: None,
        }]
    );
}

#[test]
fn only_an_agreement_in_force_takes_accessions() {
    let terms = AgreementTerms {
        in_force: false,
        ..registration_terms()
    };
    assert_eq!(
        code(Accession::submit(input(), &terms, &[], REP, now())),
        "agreement_not_in_force"
    );
}

#[test]
fn public_bodies_only_where_allowed() {
    let kommun = Signatory::PublicBody(Uuid::from_u128(0x1290));
    let by_body = SubmissionInput {
        signatory: kommun,
        ..form_input()
    };
    let eslov = AgreementTerms {
        accepted_channels: Channel::iter().collect(),
        ..registration_terms()
    };
    assert_eq!(
        code(Accession::submit(
            by_body.clone(),
            &eslov,
            &[],
            ADMIN,
            now()
        )),
        "public_body_not_allowed"
    );
    let a = Accession::submit(by_body, &steering_terms(), &[], ADMIN, now())
        .expect("Blekinge takes public bodies");
    assert_eq!(a.signatory(), kommun);
}

#[test]
fn the_agreements_own_parties_do_not_accede() {
    for party in [OWNER, PARTY] {
        let own = SubmissionInput {
            signatory: Signatory::PublicBody(party),
            ..form_input()
        };
        assert_eq!(
            code(Accession::submit(own, &steering_terms(), &[], ADMIN, now())),
            "already_party"
        );
    }
}

#[test]
fn the_civil_society_network_does_not_accede_to_its_own_agreement() {
    let network = Uuid::from_u128(0x77);
    let terms = AgreementTerms {
        party_organization_ids: vec![network],
        ..steering_terms()
    };
    let own = SubmissionInput {
        signatory: Signatory::Organization(network),
        ..form_input()
    };
    assert_eq!(
        code(Accession::submit(own, &terms, &[], REP, now())),
        "already_party"
    );
    assert!(Accession::submit(form_input(), &terms, &[], REP, now()).is_ok());
}

#[test]
fn organisations_outside_the_area_do_not_accede() {
    let eslov = AgreementTerms {
        eligible_municipalities: Some(vec!["1285".into()]),
        ..registration_terms()
    };
    assert!(Accession::submit(input(), &eslov, &[], REP, now()).is_ok());
    let elsewhere = SubmissionInput {
        signatory_municipality_codes: vec!["1281".into()],
        ..input()
    };
    assert_eq!(
        code(Accession::submit(
            elsewhere.clone(),
            &eslov,
            &[],
            ADMIN,
            now()
        )),
        "outside_area"
    );
    assert_eq!(
        code(Accession::register_after_the_fact(
            elsewhere.clone(),
            &eslov,
            &[],
            ADMIN,
            now()
        )),
        "outside_area",
        "an administrator registering on paper is held to the same rule"
    );
    assert!(Accession::submit(elsewhere, &registration_terms(), &[], REP, now()).is_ok());
}

#[test]
fn channels_are_per_agreement() {
    assert_eq!(
        invalid(Accession::submit(
            form_input(),
            &registration_terms(),
            &[],
            REP,
            now()
        )),
        [("channel".to_owned(), "channel_not_accepted")]
    );
    let open = AgreementTerms {
        accepted_channels: Channel::iter().collect(),
        ..registration_terms()
    };
    assert!(Accession::submit(form_input(), &open, &[], REP, now()).is_ok());
    let none = AgreementTerms {
        accepted_channels: Vec::new(),
        ..registration_terms()
    };
    assert_eq!(
        invalid(Accession::submit(input(), &none, &[], REP, now())),
        [("channel".to_owned(), "channel_not_accepted")],
        "an empty list accepts nothing"
    );
}

fn existing(state: AccessionState) -> ExistingAccession {
    ExistingAccession {
        id: Uuid::from_u128(0xd0),
        agreement_id: AGREEMENT,
        signatory: Signatory::Organization(ORG),
        state,
        pending_verification: false,
    }
}

#[test]
fn one_open_accession_per_signatory_and_agreement() {
    let terms = registration_terms();
    assert_eq!(
        code(Accession::submit(
            input(),
            &terms,
            &[existing(AccessionState::Approved)],
            REP,
            now()
        )),
        "already_signatory"
    );
    assert_eq!(
        code(Accession::submit(
            input(),
            &terms,
            &[existing(AccessionState::Submitted)],
            REP,
            now()
        )),
        "application_pending"
    );
    // Approved wins over pending, whatever the order.
    assert_eq!(
        code(Accession::submit(
            input(),
            &terms,
            &[
                existing(AccessionState::Submitted),
                existing(AccessionState::Approved)
            ],
            REP,
            now()
        )),
        "already_signatory"
    );
}

#[test]
fn rejoining_after_leaving_is_a_new_accession() {
    let closed = [
        existing(AccessionState::Withdrawn),
        existing(AccessionState::Ended),
        existing(AccessionState::Rejected),
        existing(AccessionState::Cancelled),
    ];
    let again = Accession::submit(input(), &registration_terms(), &closed, REP, now())
        .expect("a new accession");
    assert_eq!(again.history().len(), 1);
    // And the withdrawn one stays withdrawn: it cannot be approved again.
    let mut old = approved();
    old.withdraw(notice(date(2024, 5, 18)), REP, now())
        .expect("withdraws");
    let e = fails(&mut old, |a| {
        a.approve(
            Approval::Registration,
            &registration_terms(),
            date(2024, 5, 20),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "accession_not_submitted");
}

#[test]
fn open_accessions_elsewhere_do_not_count() {
    let other_agreement = ExistingAccession {
        agreement_id: Uuid::from_u128(0xa2),
        ..existing(AccessionState::Approved)
    };
    let other_org = ExistingAccession {
        signatory: Signatory::Organization(Uuid::from_u128(0xc2)),
        ..existing(AccessionState::Approved)
    };
    let org_as_body = ExistingAccession {
        signatory: Signatory::PublicBody(ORG),
        ..existing(AccessionState::Approved)
    };
    assert!(
        Accession::submit(
            input(),
            &registration_terms(),
            &[other_agreement, other_org, org_as_body],
            REP,
            now()
        )
        .is_ok()
    );
}

#[test]
fn board_minutes_and_written_applications_need_the_board_decision() {
    let terms = AgreementTerms {
        accepted_channels: Channel::iter().collect(),
        ..registration_terms()
    };
    for channel in [Channel::BoardMinutes, Channel::WrittenApplication] {
        let without = SubmissionInput {
            channel,
            board_decision: None,
            ..input()
        };
        assert_eq!(
            invalid(Accession::submit(without, &terms, &[], REP, now())),
            [("board_decision".to_owned(), "required")]
        );
    }
    for channel in [Channel::Form, Channel::DialogueForum, Channel::AtAdoption] {
        let without = SubmissionInput {
            channel,
            board_decision: None,
            ..input()
        };
        let a = Accession::submit(without, &terms, &[], REP, now()).expect("no minutes needed");
        assert_eq!(a.board_decision(), None);
    }
}

#[test]
fn board_decision_dates_are_checked_against_the_swedish_date() {
    // 23:30 UTC on 19 May is 01:30 on 20 May in Sweden: a decision dated the 20th is
    // not in the future.
    let late = Utc
        .with_ymd_and_hms(2024, 5, 19, 23, 30, 0)
        .single()
        .expect("valid");
    let today = SubmissionInput {
        board_decision: Some(BoardDecisionInput {
            decided_on: date(2024, 5, 20),
            received_on: date(2024, 5, 20),
            ..board_decision()
        }),
        ..input()
    };
    assert!(Accession::submit(today, &registration_terms(), &[], REP, late).is_ok());

    let tomorrow = SubmissionInput {
        board_decision: Some(BoardDecisionInput {
            decided_on: date(2024, 5, 21),
            received_on: date(2024, 5, 20),
            ..board_decision()
        }),
        ..input()
    };
    assert_eq!(
        invalid(Accession::submit(
            tomorrow,
            &registration_terms(),
            &[],
            REP,
            late
        )),
        [
            ("board_decision.decided_on".to_owned(), "in_future"),
            ("board_decision.received_on".to_owned(), "before_decision"),
        ]
    );
}

#[test]
fn every_required_statement_must_be_affirmed() {
    let partial = SubmissionInput {
        affirmed_statements: vec![statements()[1].clone()],
        ..input()
    };
    let Err(DomainError::Invalid(errors)) =
        Accession::submit(partial, &registration_terms(), &[], REP, now())
    else {
        panic!("expected invalid input")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "affirmed_statements");
    assert_eq!(errors[0].code, "missing_statements");
    assert!(
        errors[0].message.get(Lang::En).ends_with(
            "missing: «Organisationen utgår från en demokratisk värdegrund.», \
                 «Organisationen gynnar samhälls- eller medlemsintresset.»"
        ),
        "{}",
        errors[0].message
    );
}

#[test]
fn statements_are_kept_in_the_agreements_order_and_unknown_ones_refused() {
    let shuffled = SubmissionInput {
        affirmed_statements: vec![
            " Organisationen gynnar samhälls-   eller\nmedlemsintresset. ".into(),
            statements()[1].clone(),
            statements()[0].clone(),
            statements()[1].clone(),
        ],
        ..input()
    };
    let a = Accession::submit(shuffled, &registration_terms(), &[], REP, now())
        .expect("duplicates and re-wrapped text are harmless");
    assert_eq!(a.affirmed_statements(), statements());

    let mut extra = statements();
    extra.push("Organisationen har säte i kommunen.".into());
    extra.push(" ".into());
    let with_unknown = SubmissionInput {
        affirmed_statements: extra,
        ..input()
    };
    assert_eq!(
        invalid(Accession::submit(
            with_unknown,
            &registration_terms(),
            &[],
            REP,
            now()
        )),
        [
            ("affirmed_statements[3]".to_owned(), "unknown_statement"),
            ("affirmed_statements[4]".to_owned(), "statement"),
        ]
    );
}

/// The settings allow statements of up to `STATEMENT_MAX` characters; such a statement can
/// be affirmed.
#[test]
fn a_statement_as_long_as_the_settings_allow_can_be_affirmed() {
    let long = format!("Organisationen {}", "å".repeat(STATEMENT_MAX - 15));
    assert_eq!(long.chars().count(), STATEMENT_MAX);
    let terms = AgreementTerms {
        required_statements: vec![long.clone()],
        ..registration_terms()
    };
    let input = SubmissionInput {
        affirmed_statements: vec![long.clone()],
        ..input()
    };
    let a = Accession::submit(input, &terms, &[], REP, now()).expect("submits");
    assert_eq!(a.affirmed_statements(), [long]);
}

#[test]
fn an_agreement_without_statements_requires_none() {
    let terms = AgreementTerms {
        required_statements: Vec::new(),
        ..registration_terms()
    };
    let none = SubmissionInput {
        affirmed_statements: Vec::new(),
        ..input()
    };
    assert!(Accession::submit(none, &terms, &[], REP, now()).is_ok());
}

#[test]
fn submit_reports_every_field_at_once() {
    let bad = SubmissionInput {
        board_decision: None,
        affirmed_statements: Vec::new(),
        contact_person: ContactPersonInput {
            name: "Örjan".into(),
            email: "örjan-at-exempel".into(),
            phone: None,
        },
        ..input()
    };
    assert_eq!(
        invalid(Accession::submit(
            bad,
            &registration_terms(),
            &[],
            REP,
            now()
        )),
        [
            ("board_decision".to_owned(), "required"),
            ("affirmed_statements".to_owned(), "missing_statements"),
            ("contact_person.email".to_owned(), "email"),
        ]
    );
}

// ---- approve, registration mode ----

#[test]
fn registration_approves_and_records_the_version() {
    let terms = AgreementTerms {
        version_number: 2,
        ..registration_terms()
    };
    let mut a = submitted();
    a.approve(
        Approval::Registration,
        &terms,
        date(2024, 5, 14),
        ADMIN,
        now(),
    )
    .expect("approves");
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(a.approved_on(), Some(date(2024, 5, 14)));
    assert_eq!(a.approved_version(), Some(2));
    assert_eq!(a.version(), Some(2));
    assert_eq!(a.decision_id(), None);
    assert_eq!(a.history().len(), 2);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Approved);
    assert_eq!(entry.from, Some(AccessionState::Submitted));
    assert_eq!(entry.to, AccessionState::Approved);
    assert_eq!(entry.by, ADMIN);
    assert_eq!(entry.at, now());
}

#[test]
fn registration_mode_cites_no_steering_decision() {
    let mut a = submitted();
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::SteeringGroupDecision(decision(DecisionKind::ApproveAccession)),
            &registration_terms(),
            date(2024, 5, 16),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "registration_required")]
    );
}

#[test]
fn approval_needs_the_agreement_still_in_force_and_admitting_the_signatory() {
    let mut a = submitted();
    let never_adopted = AgreementTerms {
        in_force: false,
        in_force_from: None,
        periods: vec![],
        ..registration_terms()
    };
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &never_adopted,
            date(2024, 5, 14),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "agreement_not_in_force");
    // Judged on the approval's date: not after the agreement ended…
    let terminated = AgreementTerms {
        in_force: false,
        periods: vec![(date(2018, 10, 1), Some(date(2024, 5, 10)))],
        terminated_from: Some(date(2024, 5, 11)),
        ..registration_terms()
    };
    assert_eq!(
        invalid(a.approve(
            Approval::Registration,
            &terminated,
            date(2024, 5, 14),
            ADMIN,
            now()
        )),
        [("approved_on".to_owned(), "outside_validity")]
    );
    // …but on a day it applied, and the accession ends with the agreement.
    let mut late = submitted();
    late.approve(
        Approval::Registration,
        &terminated,
        date(2024, 5, 10),
        ADMIN,
        now(),
    )
    .expect("registered after the fact");
    assert_eq!(late.end_reason(), Some(EndReason::AgreementTerminated));
    assert_eq!(late.ended_on(), Some(date(2024, 5, 11)));
    assert_eq!(late.state_on(date(2024, 5, 10)), AccessionState::Approved);

    let mut body = Accession::submit(
        SubmissionInput {
            signatory: Signatory::PublicBody(Uuid::from_u128(0x1082)),
            ..form_input()
        },
        &steering_terms(),
        &[],
        ADMIN,
        now(),
    )
    .expect("submits");
    let closed_to_bodies = AgreementTerms {
        public_bodies_may_accede: false,
        ..steering_terms()
    };
    let e = fails(&mut body, |a| {
        a.approve(
            Approval::SteeringGroupDecision(decision(DecisionKind::ApproveAccession)),
            &closed_to_bodies,
            date(2024, 5, 16),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "public_body_not_allowed");
}

#[test]
fn approval_date_is_checked() {
    let mut a = submitted();
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &registration_terms(),
            date(2024, 5, 21),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("approved_on".to_owned(), "in_future")]
    );
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &registration_terms(),
            date(2024, 5, 5),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("approved_on".to_owned(), "before_received")]
    );
    // A registration of old paper: approved long before it was entered here.
    let old = SubmissionInput {
        board_decision: Some(BoardDecisionInput {
            decided_on: date(2019, 10, 22),
            minutes_reference: "§ 4".into(),
            received_on: date(2019, 11, 1),
            diary_number: None,
        }),
        ..input()
    };
    let mut a = Accession::submit(old, &registration_terms(), &[], ADMIN, now()).expect("ok");
    a.approve(
        Approval::Registration,
        &registration_terms(),
        date(2019, 11, 5),
        ADMIN,
        now(),
    )
    .expect("backdated approval");
    assert_eq!(a.approved_on(), Some(date(2019, 11, 5)));
}

/// Each date rule of the lifecycle says "no later than" or "no earlier than": the boundary
/// day itself is allowed.
#[test]
fn every_date_rule_allows_its_boundary_day() {
    let today = date(2024, 5, 20);
    let terms = registration_terms();
    // Approved today, or on the very day the board decision was received (6 May).
    let mut a = submitted();
    a.approve(Approval::Registration, &terms, today, ADMIN, now())
        .expect("approved today");
    let mut b = submitted();
    b.approve(
        Approval::Registration,
        &terms,
        date(2024, 5, 6),
        ADMIN,
        now(),
    )
    .expect("approved the day the minutes came");
    // By the steering group: on the day it decided (15 May).
    let mut c = steering_submitted();
    c.approve(
        Approval::SteeringGroupDecision(decision(DecisionKind::ApproveAccession)),
        &steering_terms(),
        date(2024, 5, 15),
        ADMIN,
        now(),
    )
    .expect("approved the day the group decided");
    // A notice received today, effective the day of approval.
    a.withdraw(
        WithdrawalNoticeInput {
            received_on: today,
            reference: "Brev".into(),
            effective_on: today,
        },
        REP,
        now(),
    )
    .expect("withdraws from the first day");
    assert!(!a.is_signatory_on(today));
    // Ended on the day of its approval: a signatory for no day at all.
    b.end(
        EndReason::AgreementTerminated,
        date(2024, 5, 6),
        ADMIN,
        now(),
    )
    .expect("ends the day it began");
    assert!(!b.is_signatory_on(date(2024, 5, 6)));
}

#[test]
fn agreement_mismatch_is_refused() {
    let mut a = submitted();
    let other = AgreementTerms {
        agreement_id: Uuid::from_u128(0xa2),
        ..registration_terms()
    };
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &other,
            date(2024, 5, 14),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "agreement_mismatch");
    let e = fails(&mut a, |a| a.reject("Nej", None, &other, ADMIN, now()));
    assert_eq!(conflict(e), "agreement_mismatch");
}

#[test]
fn only_a_submitted_accession_is_approved() {
    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &registration_terms(),
            date(2024, 5, 14),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "accession_not_submitted");
}

// ---- approve and reject, steering-group mode ----

#[test]
fn steering_group_approves_by_a_matching_valid_decision() {
    let mut a = steering_submitted();
    a.approve(
        Approval::SteeringGroupDecision(decision(DecisionKind::ApproveAccession)),
        &steering_terms(),
        date(2024, 5, 15),
        ADMIN,
        now(),
    )
    .expect("approves");
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(a.decision_id(), Some(Uuid::from_u128(0xe1)));
    assert!(
        last(&a)
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("steering group decision"))
    );
}

#[test]
fn steering_group_mode_needs_a_decision() {
    let mut a = steering_submitted();
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::Registration,
            &steering_terms(),
            date(2024, 5, 15),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "steering_group_decision_required")]
    );
    let e = fails(&mut a, |a| {
        a.reject(
            "Uppfyller inte villkoren",
            None,
            &steering_terms(),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "steering_group_decision_required")]
    );
}

#[test]
fn the_cited_decision_must_match() {
    let mismatches = [
        CitedDecision {
            agreement_id: Uuid::from_u128(0xa2),
            ..decision(DecisionKind::ApproveAccession)
        },
        decision(DecisionKind::RejectAccession),
        decision(DecisionKind::AdoptActionPlan),
        CitedDecision {
            subject_id: Some(Uuid::from_u128(0xd2)),
            ..decision(DecisionKind::ApproveAccession)
        },
        CitedDecision {
            subject_id: None,
            ..decision(DecisionKind::ApproveAccession)
        },
    ];
    for cited in mismatches {
        let mut a = steering_submitted();
        let e = fails(&mut a, |a| {
            a.approve(
                Approval::SteeringGroupDecision(cited.clone()),
                &steering_terms(),
                date(2024, 5, 15),
                ADMIN,
                now(),
            )
        });
        assert_eq!(
            invalid(Err::<(), _>(e)),
            [("decision_id".to_owned(), "decision_does_not_match")],
            "{cited:?}"
        );
    }
    let mut a = steering_submitted();
    let e = fails(&mut a, |a| {
        a.reject(
            "Uppfyller inte villkoren",
            Some(decision(DecisionKind::ApproveAccession)),
            &steering_terms(),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "decision_does_not_match")]
    );
}

#[test]
fn the_cited_decision_must_be_valid() {
    let mut a = steering_submitted();
    let unbalanced = CitedDecision {
        valid: false,
        ..decision(DecisionKind::ApproveAccession)
    };
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::SteeringGroupDecision(unbalanced),
            &steering_terms(),
            date(2024, 5, 15),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "decision_not_valid")]
    );
    let e = fails(&mut a, |a| {
        a.reject(
            "Uppfyller inte villkoren",
            Some(CitedDecision {
                valid: false,
                ..decision(DecisionKind::RejectAccession)
            }),
            &steering_terms(),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "decision_not_valid")]
    );
}

#[test]
fn steering_approval_not_before_the_decision() {
    let mut a = steering_submitted();
    let e = fails(&mut a, |a| {
        a.approve(
            Approval::SteeringGroupDecision(decision(DecisionKind::ApproveAccession)),
            &steering_terms(),
            date(2024, 5, 14),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("approved_on".to_owned(), "before_decision")]
    );
}

#[test]
fn steering_group_rejects_by_a_matching_decision() {
    let mut a = steering_submitted();
    a.reject(
        " Föreningen har inte säte i Blekinge län ",
        Some(decision(DecisionKind::RejectAccession)),
        &steering_terms(),
        ADMIN,
        now(),
    )
    .expect("rejects");
    assert_eq!(a.state(), AccessionState::Rejected);
    assert_eq!(a.decision_id(), Some(Uuid::from_u128(0xe1)));
    assert_eq!(
        a.rejection_reason(),
        Some("Föreningen har inte säte i Blekinge län")
    );
}

// ---- reject, cancel ----

#[test]
fn registration_rejects_with_a_reason() {
    let mut a = submitted();
    a.reject(
        "Styrelseprotokollet saknar beslut om anslutning",
        None,
        &registration_terms(),
        ADMIN,
        now(),
    )
    .expect("rejects");
    assert_eq!(a.state(), AccessionState::Rejected);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Rejected);
    assert_eq!(entry.from, Some(AccessionState::Submitted));
    assert_eq!(
        entry.reason.as_deref(),
        Some("Styrelseprotokollet saknar beslut om anslutning")
    );
    assert_eq!(a.history().len(), 2);
}

#[test]
fn rejection_needs_a_reason_and_a_submitted_accession() {
    let mut a = submitted();
    let e = fails(&mut a, |a| {
        a.reject("  ", None, &registration_terms(), ADMIN, now())
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("reason".to_owned(), "required")]
    );
    let e = fails(&mut a, |a| {
        a.reject(
            &"ö".repeat(REASON_MAX + 1),
            None,
            &registration_terms(),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("reason".to_owned(), "too_long")]
    );
    let e = fails(&mut a, |a| {
        a.reject(
            "Dubbel",
            Some(decision(DecisionKind::RejectAccession)),
            &registration_terms(),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("decision_id".to_owned(), "registration_required")]
    );

    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.reject("För sent", None, &registration_terms(), ADMIN, now())
    });
    assert_eq!(conflict(e), "accession_not_submitted");
}

#[test]
fn the_applicant_cancels_a_submitted_accession() {
    let mut a = submitted();
    a.cancel(REP, now()).expect("cancels");
    assert_eq!(a.state(), AccessionState::Cancelled);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Cancelled);
    assert_eq!(entry.from, Some(AccessionState::Submitted));
    assert_eq!(entry.by, REP);
    for mut closed in [a, approved()] {
        let e = fails(&mut closed, |a| a.cancel(REP, now()));
        assert_eq!(conflict(e), "accession_not_submitted");
    }
}

// ---- withdraw ----

fn notice(effective_on: NaiveDate) -> WithdrawalNoticeInput {
    WithdrawalNoticeInput {
        received_on: date(2024, 5, 18),
        reference: " Styrelseprotokoll 2024-05-16 § 9 ".into(),
        effective_on,
    }
}

#[test]
fn a_signatory_withdraws_on_written_notice() {
    let mut a = approved();
    a.withdraw(notice(date(2024, 12, 31)), REP, now())
        .expect("withdraws");
    assert_eq!(a.state(), AccessionState::Withdrawn);
    let w = a.withdrawal().expect("notice kept");
    assert_eq!(w.reference(), "Styrelseprotokoll 2024-05-16 § 9");
    assert_eq!(w.effective_on(), date(2024, 12, 31));
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Withdrawn);
    assert_eq!(entry.from, Some(AccessionState::Approved));
    assert_eq!(
        entry.reason.as_deref(),
        Some(
            "written notice Styrelseprotokoll 2024-05-16 § 9 received 2024-05-18, effective 2024-12-31"
        )
    );
    // Still a signatory until the notice takes effect.
    assert!(a.is_signatory_on(date(2024, 12, 30)));
    assert!(!a.is_signatory_on(date(2024, 12, 31)));
}

#[test]
fn withdrawal_takes_effect_no_earlier_than_the_approval() {
    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.withdraw(notice(date(2024, 5, 13)), REP, now())
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("effective_on".to_owned(), "withdrawal_before_approval")]
    );
    a.withdraw(notice(date(2024, 5, 14)), REP, now())
        .expect("the day of approval is allowed");
}

#[test]
fn withdrawal_notice_fields_are_checked() {
    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.withdraw(
            WithdrawalNoticeInput {
                received_on: date(2024, 5, 21),
                reference: " ".into(),
                effective_on: date(2024, 6, 1),
            },
            REP,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [
            ("reference".to_owned(), "required"),
            ("received_on".to_owned(), "in_future"),
        ]
    );
}

#[test]
fn only_an_approved_accession_is_withdrawn() {
    let mut a = submitted();
    let e = fails(&mut a, |a| a.withdraw(notice(date(2024, 6, 1)), REP, now()));
    assert_eq!(conflict(e), "accession_not_approved");
    let mut a = approved();
    a.withdraw(notice(date(2024, 6, 1)), REP, now())
        .expect("once");
    let e = fails(&mut a, |a| a.withdraw(notice(date(2024, 6, 1)), REP, now()));
    assert_eq!(conflict(e), "accession_not_approved");
}

// ---- end ----

#[test]
fn termination_ends_an_approved_accession() {
    let mut a = approved();
    a.end(
        EndReason::AgreementTerminated,
        date(2025, 1, 1),
        ADMIN,
        now(),
    )
    .expect("ends");
    assert_eq!(a.state(), AccessionState::Ended);
    assert_eq!(a.end_reason(), Some(EndReason::AgreementTerminated));
    assert_eq!(a.ended_on(), Some(date(2025, 1, 1)));
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Ended);
    assert_eq!(entry.reason.as_deref(), Some("agreement_terminated"));
    let e = fails(&mut a, |a| {
        a.end(
            EndReason::AgreementTerminated,
            date(2025, 1, 1),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "accession_not_approved");
}

#[test]
fn end_rules() {
    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.end(
            EndReason::AgreementTerminated,
            date(2024, 5, 1),
            ADMIN,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("ended_on".to_owned(), "end_before_approval")]
    );
    let e = fails(&mut a, |a| {
        a.end(EndReason::NotReconfirmed, date(2025, 1, 1), ADMIN, now())
    });
    assert_eq!(conflict(e), "no_reconfirmation_pending");
    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("requests");
    let e = fails(&mut a, |a| {
        a.end(EndReason::NotReconfirmed, date(2024, 8, 31), ADMIN, now())
    });
    assert_eq!(conflict(e), "reconfirmation_not_due");
    let mut s = submitted();
    let e = fails(&mut s, |a| {
        a.end(
            EndReason::AgreementTerminated,
            date(2025, 1, 1),
            ADMIN,
            now(),
        )
    });
    assert_eq!(conflict(e), "accession_not_approved");
}

// ---- revision: carry over, reconfirm ----

#[test]
fn carry_over_records_the_new_version_without_changing_state() {
    let mut a = approved();
    a.carry_over(2, ADMIN, now()).expect("carries over");
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(a.version(), Some(2));
    assert_eq!(a.approved_version(), Some(1));
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::CarriedOver);
    assert_eq!(entry.from, Some(AccessionState::Approved));
    assert_eq!(entry.to, AccessionState::Approved);
    assert_eq!(entry.reason.as_deref(), Some("carried over to version 2"));
    let e = fails(&mut a, |a| a.carry_over(2, ADMIN, now()));
    assert_eq!(conflict(e), "version_not_newer");
    let e = fails(&mut submitted(), |a| a.carry_over(2, ADMIN, now()));
    assert_eq!(conflict(e), "accession_not_approved");
}

#[test]
fn reconfirmation_by_the_deadline_keeps_the_signatory() {
    let mut a = approved();
    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("requests");
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(
        a.reconfirmation(),
        Some(Reconfirmation {
            version: 2,
            reconfirm_by: date(2024, 8, 31)
        })
    );
    assert_eq!(last(&a).event, HistoryEvent::ReconfirmationRequested);
    assert_eq!(
        last(&a).reason.as_deref(),
        Some("version 2, reconfirm by 2024-08-31")
    );
    assert!(!a.is_past_reconfirmation(date(2024, 8, 31)));
    assert!(a.is_past_reconfirmation(date(2024, 9, 1)));

    a.reconfirm(REP, noon(2024, 8, 31))
        .expect("on the last day");
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(a.version(), Some(2));
    assert_eq!(a.reconfirmation(), None);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Reconfirmed);
    assert_eq!(entry.by, REP);
    assert_eq!(entry.reason.as_deref(), Some("version 2"));
    assert!(!a.is_past_reconfirmation(date(2024, 9, 1)));
    let e = fails(&mut a, |a| a.reconfirm(REP, noon(2024, 9, 1)));
    assert_eq!(conflict(e), "no_reconfirmation_pending");
}

#[test]
fn without_reconfirmation_the_accession_ends_the_day_after_the_deadline() {
    let mut a = approved();
    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("requests");
    let e = fails(&mut a, |a| a.end_unconfirmed(noon(2024, 8, 31)));
    assert_eq!(conflict(e), "reconfirmation_not_due");
    let e = fails(&mut a, |a| a.reconfirm(REP, noon(2024, 9, 1)));
    assert_eq!(conflict(e), "reconfirmation_deadline_passed");

    // The sweep runs late; the end date is still the day after the deadline.
    a.end_unconfirmed(noon(2024, 9, 10)).expect("ends");
    assert_eq!(a.state(), AccessionState::Ended);
    assert_eq!(a.end_reason(), Some(EndReason::NotReconfirmed));
    assert_eq!(a.ended_on(), Some(date(2024, 9, 1)));
    assert_eq!(a.reconfirmation(), None);
    let entry = last(&a);
    assert_eq!(entry.by, SYSTEM_ACTOR);
    assert_eq!(entry.reason.as_deref(), Some("not_reconfirmed"));
    assert!(a.is_signatory_on(date(2024, 8, 31)));
    assert!(!a.is_signatory_on(date(2024, 9, 1)));
}

#[test]
fn a_deadline_already_past_ends_the_accession_at_the_next_sweep() {
    let mut a = approved();
    a.request_reconfirmation(2, date(2024, 5, 17), ADMIN, now())
        .expect("a late registration of the revision is taken as it is");
    let e = fails(&mut a, |a| a.reconfirm(REP, now()));
    assert_eq!(conflict(e), "reconfirmation_deadline_passed");
    a.end_unconfirmed(now()).expect("ends");
    assert_eq!(a.ended_on(), Some(date(2024, 5, 18)));

    // A deadline before the approval itself never ends it before it began.
    let mut b = approved();
    b.request_reconfirmation(2, date(2024, 5, 1), ADMIN, now())
        .expect("requests");
    b.end_unconfirmed(now()).expect("ends");
    assert_eq!(b.ended_on(), b.approved_on());
}

#[test]
fn reconfirmation_rules() {
    let mut a = approved();
    let e = fails(&mut a, |a| a.end_unconfirmed(noon(2024, 9, 10)));
    assert_eq!(conflict(e), "no_reconfirmation_pending");
    let e = fails(&mut a, |a| a.reconfirm(REP, now()));
    assert_eq!(conflict(e), "no_reconfirmation_pending");
    let e = fails(&mut a, |a| {
        a.request_reconfirmation(1, date(2024, 8, 31), ADMIN, now())
    });
    assert_eq!(conflict(e), "version_not_newer");

    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("requests");
    let e = fails(&mut a, |a| {
        a.request_reconfirmation(2, date(2024, 9, 30), ADMIN, now())
    });
    assert_eq!(conflict(e), "version_not_newer");
    let e = fails(&mut a, |a| a.carry_over(2, ADMIN, now()));
    assert_eq!(conflict(e), "version_not_newer");
    // A later revision replaces the pending request.
    a.request_reconfirmation(3, date(2024, 9, 30), ADMIN, now())
        .expect("replaces");
    assert_eq!(a.reconfirmation().map(|r| r.version), Some(3));

    for mut other in [submitted(), {
        let mut w = approved();
        w.withdraw(notice(date(2024, 6, 1)), REP, now())
            .expect("withdraws");
        w
    }] {
        let e = fails(&mut other, |a| {
            a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        });
        assert_eq!(conflict(e), "accession_not_approved");
        let e = fails(&mut other, |a| a.reconfirm(REP, now()));
        assert_eq!(conflict(e), "accession_not_approved");
        let e = fails(&mut other, |a| a.end_unconfirmed(now()));
        assert_eq!(conflict(e), "accession_not_approved");
    }
}

#[test]
fn withdrawal_clears_a_pending_reconfirmation() {
    let mut a = approved();
    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("requests");
    a.withdraw(notice(date(2024, 6, 1)), REP, now())
        .expect("withdraws");
    assert_eq!(a.reconfirmation(), None);
    assert!(!a.is_past_reconfirmation(date(2024, 9, 1)));
}

// ---- contact person ----

#[test]
fn contact_person_changes_without_personal_data_in_the_history() {
    let mut a = submitted();
    let new = ContactPersonInput {
        name: "Märta Ödqvist".into(),
        email: "marta@angsblomman.example".into(),
        phone: None,
    };
    a.update_contact_person(&new, REP, now()).expect("updates");
    assert_eq!(a.contact_person().name(), "Märta Ödqvist");
    assert_eq!(a.state(), AccessionState::Submitted);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::ContactPersonUpdated);
    assert_eq!(entry.from, Some(AccessionState::Submitted));
    assert_eq!(entry.to, AccessionState::Submitted);
    assert_eq!(entry.reason, None);

    let mut b = approved();
    b.update_contact_person(&new, ADMIN, now())
        .expect("updates");
    assert_eq!(last(&b).to, AccessionState::Approved);
    let all = format!("{:?}", b.history());
    assert!(!all.contains("Märta") && !all.contains("marta@") && !all.contains("Åsa"));
}

#[test]
fn contact_person_is_validated_and_closed_accessions_refuse_it() {
    let mut a = approved();
    let e = fails(&mut a, |a| {
        a.update_contact_person(
            &ContactPersonInput {
                name: "Märta".into(),
                email: "marta".into(),
                phone: Some("07x".into()),
            },
            REP,
            now(),
        )
    });
    assert_eq!(
        invalid(Err::<(), _>(e)),
        [("email".to_owned(), "email"), ("phone".to_owned(), "phone")]
    );
    a.withdraw(notice(date(2024, 6, 1)), REP, now())
        .expect("withdraws");
    let e = fails(&mut a, |a| a.update_contact_person(&contact(), REP, now()));
    assert_eq!(conflict(e), "accession_closed");
    let mut c = submitted();
    c.cancel(REP, now()).expect("cancels");
    let e = fails(&mut c, |a| a.update_contact_person(&contact(), REP, now()));
    assert_eq!(conflict(e), "accession_closed");
}

// ---- the history as a whole ----

#[test]
fn every_operation_appends_exactly_one_entry_and_never_rewrites() {
    let mut a = submitted();
    let mut t = now();
    let mut steps: Vec<Step> = vec![
        Box::new(|a, t| a.update_contact_person(&contact(), REP, t)),
        Box::new(|a, t| {
            a.approve(
                Approval::Registration,
                &registration_terms(),
                date(2024, 5, 14),
                ADMIN,
                t,
            )
        }),
        Box::new(|a, t| a.carry_over(2, ADMIN, t)),
        Box::new(|a, t| a.request_reconfirmation(3, date(2024, 12, 31), ADMIN, t)),
        Box::new(|a, t| a.reconfirm(REP, t)),
        Box::new(|a, t| a.update_contact_person(&contact(), ADMIN, t)),
        Box::new(|a, t| a.withdraw(notice(date(2025, 1, 1)), REP, t)),
    ];
    for step in &mut steps {
        let before = a.history().to_vec();
        t += Duration::minutes(5);
        step(&mut a, t).expect("step succeeds");
        assert_eq!(a.history().len(), before.len() + 1);
        assert_eq!(a.history()[..before.len()], before[..], "history rewritten");
        assert_eq!(last(&a).at, t);
        assert_eq!(last(&a).from, Some(before.last().expect("non-empty").to));
    }
    let events: Vec<_> = a.history().iter().map(|e| e.event).collect();
    assert_eq!(
        events,
        [
            HistoryEvent::Submitted,
            HistoryEvent::ContactPersonUpdated,
            HistoryEvent::Approved,
            HistoryEvent::CarriedOver,
            HistoryEvent::ReconfirmationRequested,
            HistoryEvent::Reconfirmed,
            HistoryEvent::ContactPersonUpdated,
            HistoryEvent::Withdrawn,
        ]
    );
    assert_eq!(a.version(), Some(3));
    assert_eq!(a.approved_version(), Some(1));
}

// ---------------------------------------------------------------- what the agreement's events drive

#[test]
fn terms_are_read_from_the_agreement() {
    use crate::agreement::testing;

    let mut agreement = testing::adopted(date(2018, 10, 1));
    agreement
        .update_settings(crate::agreement::AgreementSettings {
            public_bodies_may_accede: true,
            eligibility_statements: statements(),
            ..agreement.settings().clone()
        })
        .expect("valid settings");
    let terms = AgreementTerms::of(&agreement, date(2024, 5, 20));
    assert_eq!(
        terms,
        AgreementTerms {
            agreement_id: agreement.id(),
            owner_public_body_id: testing::OWNER,
            party_public_body_ids: vec![testing::OWNER],
            in_force: true,
            in_force_from: Some(date(2018, 10, 1)),
            periods: vec![(date(2018, 10, 1), None)],
            terminated_from: None,
            version_number: 1,
            approval_mode: ApprovalMode::Registration,
            public_bodies_may_accede: true,
            accepted_channels: Channel::iter().collect(),
            eligible_municipalities: None,
            party_organization_ids: Vec::new(),
            required_statements: statements(),
        }
    );
    assert!(!AgreementTerms::of(&testing::draft(), date(2024, 5, 20)).in_force);
    // Until an agreement names its channels, each one is accepted.
    for channel in Channel::iter() {
        let submission = SubmissionInput { channel, ..input() };
        let terms = AgreementTerms {
            agreement_id: AGREEMENT,
            ..terms.clone()
        };
        assert_ne!(
            Accession::submit(submission, &terms, &[], REP, now())
                .err()
                .and_then(|e| e.code()),
            Some("channel_not_accepted"),
            "{channel}"
        );
    }
}

#[test]
fn termination_ends_an_accession_on_its_effective_date_never_before_the_approval() {
    let mut a = approved();
    a.end_with_agreement(date(2024, 12, 31), ADMIN, now())
        .expect("ends");
    assert_eq!(a.state(), AccessionState::Ended);
    assert_eq!(a.ended_on(), Some(date(2024, 12, 31)));
    assert_eq!(a.end_reason(), Some(EndReason::AgreementTerminated));
    assert_eq!(last(&a).by, ADMIN);

    // Approved after the termination was decided, before it took effect.
    let mut late = approved();
    late.end_with_agreement(date(2024, 5, 1), ADMIN, now())
        .expect("ends");
    assert_eq!(
        late.ended_on(),
        late.approved_on(),
        "clamped to the approval"
    );
    assert!(late.signatory_period().is_some());

    let e = fails(&mut submitted(), |a| {
        a.end_with_agreement(date(2024, 12, 31), ADMIN, now())
    });
    assert_eq!(conflict(e), "accession_not_approved");
}

#[test]
fn a_revision_carries_over_or_asks_to_reconfirm_and_skips_what_is_already_on_it() {
    use crate::agreement::RevisionAdopted;

    let carry = RevisionAdopted {
        superseded_version: 1,
        adopted_version: 2,
        reconfirm_by: None,
    };
    let mut a = approved();
    assert_eq!(a.follow_revision(&carry, ADMIN, now()), Ok(true));
    assert_eq!(a.version(), Some(2));
    assert_eq!(last(&a).event, HistoryEvent::CarriedOver);
    let entries = a.history().len();
    assert_eq!(
        a.follow_revision(&carry, ADMIN, now()),
        Ok(false),
        "already on version 2"
    );
    assert_eq!(a.history().len(), entries, "nothing recorded");

    let reconfirm = RevisionAdopted {
        superseded_version: 2,
        adopted_version: 3,
        reconfirm_by: Some(date(2024, 8, 31)),
    };
    assert_eq!(a.follow_revision(&reconfirm, ADMIN, now()), Ok(true));
    assert_eq!(a.version(), Some(2), "on version 2 until reconfirmed");
    assert_eq!(
        a.reconfirmation(),
        Some(Reconfirmation {
            version: 3,
            reconfirm_by: date(2024, 8, 31)
        })
    );

    let e = fails(&mut submitted(), |a| {
        a.follow_revision(&carry, ADMIN, now()).map(|_| ())
    });
    assert_eq!(conflict(e), "accession_not_approved");
}

#[test]
fn a_cited_decision_carries_the_groups_verdict() {
    use crate::steering::{
        Appointer, Appointment, DecisionInput, GroupConfig, GroupConfigInput, GroupKind,
        MeetingInput, MemberRole, Seat, Side, SteeringGroup,
    };

    let config = GroupConfig::parse(&GroupConfigInput {
        name: "Partnerskapet".into(),
        kind: GroupKind::Partnership,
        ordinary_seats_per_side: Some(1),
        deputies_allowed: false,
        chair_and_vice_chair_from_different_sides: false,
        default_term_months: None,
    })
    .expect("valid configuration");
    let mut group = SteeringGroup::new(Uuid::from_u128(0x600), AGREEMENT, config);
    let member = |name: &str, side: Side| Appointment {
        person_name: name.into(),
        person_ref: None,
        title: None,
        side,
        seat: Seat::Ordinary,
        role: MemberRole::Member,
        appointed_by: match side {
            Side::PublicSector => Appointer::PublicBody { id: OWNER },
            Side::CivilSociety => Appointer::Organization { id: ORG },
        },
        term_start: date(2024, 1, 1),
        term_end: None,
    };
    let public = Uuid::from_u128(0x601);
    let civil = Uuid::from_u128(0x602);
    group
        .appoint(public, &member("Åke Exempelsson", Side::PublicSector))
        .expect("appointed");
    group
        .appoint(civil, &member("Greta Påhittsdotter", Side::CivilSociety))
        .expect("appointed");
    let meeting = group
        .record_meeting(
            Uuid::from_u128(0x700),
            &MeetingInput {
                date: date(2024, 5, 15),
                present: vec![public, civil],
                minutes_reference: None,
            },
            date(2024, 5, 15),
        )
        .expect("meeting");
    let recorded = group
        .record_decision(
            &meeting,
            Uuid::from_u128(0xe1),
            &DecisionInput {
                kind: DecisionKind::ApproveAccession,
                subject: "Anslutning: Föreningen Ängsblomman".into(),
                subject_id: Some(ACCESSION),
                text: "Partnerskapet godkänner anslutningen.".into(),
            },
        )
        .expect("decision");
    assert_eq!(
        CitedDecision::of(&group, &meeting, &recorded),
        decision(DecisionKind::ApproveAccession)
    );

    // A resignation entered late: the group was not balanced at the meeting after all.
    group.end_term(civil, date(2024, 5, 1)).expect("term ended");
    assert!(!CitedDecision::of(&group, &meeting, &recorded).valid);
}
// ---- properties ----

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// One operation a client or the sweep may attempt, with dates in days from the day the
    /// operation runs.
    #[derive(Debug, Clone)]
    enum Op {
        Approve { on: i64 },
        Reject { blank_reason: bool },
        Cancel,
        Withdraw { effective: i64, received: i64 },
        Terminate { on: i64 },
        EndNotReconfirmed { on: i64 },
        CarryOver { version: u32 },
        RequestReconfirmation { version: u32, by: i64 },
        Reconfirm,
        Sweep,
        UpdateContactPerson { valid: bool },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (-30i64..3).prop_map(|on| Op::Approve { on }),
            any::<bool>().prop_map(|blank_reason| Op::Reject { blank_reason }),
            Just(Op::Cancel),
            (-30i64..30, -2i64..2).prop_map(|(effective, received)| Op::Withdraw {
                effective,
                received
            }),
            (-30i64..30).prop_map(|on| Op::Terminate { on }),
            (-30i64..30).prop_map(|on| Op::EndNotReconfirmed { on }),
            (0u32..5).prop_map(|version| Op::CarryOver { version }),
            (0u32..5, -5i64..15)
                .prop_map(|(version, by)| Op::RequestReconfirmation { version, by }),
            Just(Op::Reconfirm),
            Just(Op::Sweep),
            any::<bool>().prop_map(|valid| Op::UpdateContactPerson { valid }),
        ]
    }

    fn apply(a: &mut Accession, op: &Op, t: DateTime<Utc>) -> Result<(), DomainError> {
        let today = swedish_date(t);
        let day = |offset: i64| today + Duration::days(offset);
        let terms = registration_terms();
        match op {
            Op::Approve { on } => a.approve(Approval::Registration, &terms, day(*on), ADMIN, t),
            Op::Reject { blank_reason } => {
                let reason = if *blank_reason { " " } else { "Ej idéburen" };
                a.reject(reason, None, &terms, ADMIN, t)
            }
            Op::Cancel => a.cancel(REP, t),
            Op::Withdraw {
                effective,
                received,
            } => a.withdraw(
                WithdrawalNoticeInput {
                    received_on: day(*received),
                    reference: "Styrelseprotokoll § 9".into(),
                    effective_on: day(*effective),
                },
                REP,
                t,
            ),
            Op::Terminate { on } => a.end(EndReason::AgreementTerminated, day(*on), ADMIN, t),
            Op::EndNotReconfirmed { on } => {
                a.end(EndReason::NotReconfirmed, day(*on), SYSTEM_ACTOR, t)
            }
            Op::CarryOver { version } => a.carry_over(*version, ADMIN, t),
            Op::RequestReconfirmation { version, by } => {
                a.request_reconfirmation(*version, day(*by), ADMIN, t)
            }
            Op::Reconfirm => a.reconfirm(REP, t),
            Op::Sweep => a.end_unconfirmed(t),
            Op::UpdateContactPerson { valid } => {
                let input = if *valid {
                    contact()
                } else {
                    ContactPersonInput {
                        email: "inte en adress".into(),
                        ..contact()
                    }
                };
                a.update_contact_person(&input, REP, t)
            }
        }
    }

    /// The state machine of the module's documentation, replayed from the history alone:
    /// the state each entry leads to, or the first entry the machine does not allow.
    fn replay(history: &[HistoryEntry]) -> Result<AccessionState, String> {
        use AccessionState as S;
        use HistoryEvent as E;
        let mut state: Option<AccessionState> = None;
        for entry in history {
            let next = match (state, entry.event) {
                (None, E::Submitted) => S::Submitted,
                (Some(S::Submitted), E::Approved) => S::Approved,
                (Some(S::Submitted), E::Rejected) => S::Rejected,
                (Some(S::Submitted), E::Cancelled) => S::Cancelled,
                (Some(S::Approved), E::Withdrawn) => S::Withdrawn,
                (Some(S::Approved), E::Ended) => S::Ended,
                (
                    Some(S::Approved),
                    E::CarriedOver | E::ReconfirmationRequested | E::Reconfirmed,
                ) => S::Approved,
                (Some(s @ (S::Submitted | S::Approved)), E::ContactPersonUpdated) => s,
                (from, event) => return Err(format!("{event:?} is not allowed from {from:?}")),
            };
            if entry.from != state || entry.to != next {
                return Err(format!("{entry:?} does not follow from {state:?}"));
            }
            state = Some(next);
        }
        state.ok_or_else(|| "empty history".to_owned())
    }

    fn happened(a: &Accession, event: HistoryEvent) -> bool {
        a.history().iter().any(|e| e.event == event)
    }

    /// Whether a reconfirmation request is still open by the history: requested, and not
    /// answered, withdrawn or ended since.
    fn reconfirmation_pending(a: &Accession) -> bool {
        a.history()
            .iter()
            .rev()
            .find_map(|e| match e.event {
                HistoryEvent::ReconfirmationRequested => Some(true),
                HistoryEvent::Reconfirmed | HistoryEvent::Withdrawn | HistoryEvent::Ended => {
                    Some(false)
                }
                _ => None,
            })
            .unwrap_or(false)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever a client attempts, in whatever order: a refused operation changes
        /// nothing, an accepted one appends exactly one entry, replaying the history through
        /// the state machine gives the state, and the recorded facts agree with the history.
        #[test]
        fn the_history_always_replays_to_the_state(
            ops in prop::collection::vec((op(), 0i64..20), 0..25),
        ) {
            let mut a = submitted();
            let mut t = now();
            for (op, days_later) in &ops {
                t += Duration::days(*days_later) + Duration::minutes(1);
                let before = a.clone();
                match apply(&mut a, op, t) {
                    Err(_) => prop_assert_eq!(&a, &before, "refused {:?} changed the accession", op),
                    Ok(()) => {
                        prop_assert_eq!(a.history().len(), before.history().len() + 1, "{:?}", op);
                        prop_assert_eq!(&a.history()[..before.history().len()], before.history());
                        prop_assert_eq!(last(&a).at, t);
                        if before.approved_version().is_some() {
                            prop_assert_eq!(a.approved_version(), before.approved_version(), "the approved version changed");
                        }
                        prop_assert!(a.version() >= before.version(), "the version went back");
                    }
                }
                prop_assert_eq!(replay(a.history()), Ok(a.state()));
                prop_assert_eq!(a.approved_on().is_some(), happened(&a, HistoryEvent::Approved));
                prop_assert_eq!(a.approved_version().is_some(), a.approved_on().is_some());
                prop_assert_eq!(a.rejection_reason().is_some(), happened(&a, HistoryEvent::Rejected));
                prop_assert_eq!(a.withdrawal().is_some(), happened(&a, HistoryEvent::Withdrawn));
                prop_assert_eq!(a.ended_on().is_some(), happened(&a, HistoryEvent::Ended));
                prop_assert_eq!(a.end_reason().is_some(), a.ended_on().is_some());
                prop_assert_eq!(a.reconfirmation().is_some(), reconfirmation_pending(&a));
                if let (Some(approved), Some(ended)) = (a.approved_on(), a.ended_on()) {
                    prop_assert!(ended >= approved, "ended before it was approved");
                }
                if let (Some(approved), Some(w)) = (a.approved_on(), a.withdrawal()) {
                    prop_assert!(w.effective_on() >= approved, "left before it was approved");
                }
                if let Some(approved) = a.approved_on() {
                    prop_assert!(approved <= swedish_date(t), "approved from a future date");
                }
            }
        }
    }
}

#[test]
fn no_approval_before_the_agreement_is_in_force() {
    let terms = AgreementTerms {
        in_force_from: Some(date(2024, 5, 15)),
        ..registration_terms()
    };
    let mut a = Accession::submit(input(), &terms, &[], REP, now()).expect("submits");
    assert_eq!(
        invalid(a.approve(
            Approval::Registration,
            &terms,
            date(2024, 5, 14),
            ADMIN,
            now()
        )),
        [("approved_on".to_owned(), "before_in_force")]
    );
    a.approve(
        Approval::Registration,
        &terms,
        date(2024, 5, 15),
        ADMIN,
        now(),
    )
    .expect("approves on the first day");
}

#[test]
fn an_accession_ending_later_is_approved_until_then() {
    let mut a = approved();
    a.end_with_agreement(date(2024, 8, 1), ADMIN, now())
        .expect("ends with the agreement");
    assert_eq!(a.state(), AccessionState::Ended);
    assert_eq!(a.state_on(date(2024, 7, 31)), AccessionState::Approved);
    assert_eq!(a.state_on(date(2024, 8, 1)), AccessionState::Ended);
}

#[test]
fn the_past_is_registered_on_the_accessions_dates() {
    let expired = AgreementTerms {
        in_force: false,
        periods: vec![(date(2018, 10, 1), Some(date(2022, 10, 1)))],
        ..registration_terms()
    };
    let in_time = SubmissionInput {
        board_decision: Some(BoardDecisionInput {
            decided_on: date(2019, 3, 4),
            received_on: date(2019, 3, 11),
            ..board_decision()
        }),
        ..input()
    };
    assert_eq!(
        code(Accession::submit(
            in_time.clone(),
            &expired,
            &[],
            ADMIN,
            now()
        )),
        "agreement_not_in_force",
        "nobody applies to an expired agreement"
    );
    Accession::register_after_the_fact(in_time.clone(), &expired, &[], ADMIN, now())
        .expect("registered after the fact");
    let too_late = SubmissionInput {
        board_decision: Some(BoardDecisionInput {
            decided_on: date(2022, 9, 1),
            received_on: date(2022, 10, 2),
            ..board_decision()
        }),
        ..input()
    };
    assert_eq!(
        invalid(Accession::register_after_the_fact(
            too_late,
            &expired,
            &[],
            ADMIN,
            now()
        )),
        [("board_decision.received_on".to_owned(), "outside_validity")]
    );
    let without_minutes = SubmissionInput {
        board_decision: None,
        ..form_input()
    };
    assert_eq!(
        code(Accession::register_after_the_fact(
            without_minutes,
            &expired,
            &[],
            ADMIN,
            now()
        )),
        "agreement_not_in_force"
    );
}

#[test]
fn an_unconfirmed_signatory_leaves_after_the_deadline_without_the_sweep() {
    let mut a = approved();
    a.request_reconfirmation(2, date(2024, 8, 31), ADMIN, now())
        .expect("asked to reconfirm");
    assert_eq!(a.left_on(), Some(date(2024, 9, 1)));
    assert_eq!(a.state_on(date(2024, 8, 31)), AccessionState::Approved);
    assert_eq!(a.state_on(date(2024, 9, 1)), AccessionState::Ended);
    assert!(a.is_signatory_on(date(2024, 8, 31)));
    assert!(!a.is_signatory_on(date(2024, 9, 1)));
    a.reconfirm(REP, now()).expect("reconfirms");
    assert_eq!(a.left_on(), None);
    assert!(a.is_signatory_on(date(2024, 9, 1)));
}

/// A correction of the entry numbered `corrects`, with nothing yet to change.
fn correction(corrects: u32, reason: &str) -> CorrectionInput {
    CorrectionInput {
        corrects,
        reason: reason.into(),
        approved_on: None,
        board_decision: None,
        signatory: None,
        signatory_municipality_codes: Vec::new(),
        withdrawal: None,
    }
}

fn approval_date(on: NaiveDate, reason: &str) -> CorrectionInput {
    CorrectionInput {
        approved_on: Some(on),
        ..correction(1, reason)
    }
}

fn correct(a: &mut Accession, input: CorrectionInput) -> Result<(), DomainError> {
    a.correct(input, &registration_terms(), None, &[], ADMIN, now())
}

#[test]
fn a_correction_appends_and_satisfies_the_approvals_rules() {
    let mut a = approved();
    let before = a.history().len();
    assert_eq!(
        invalid(
            fails(&mut a, |a| correct(
                a,
                approval_date(date(2024, 5, 21), " ")
            ))
            .into_result()
        ),
        [
            ("reason".to_owned(), "required"),
            ("approved_on".to_owned(), "in_future")
        ]
    );
    assert_eq!(
        invalid(correct(
            &mut a,
            approval_date(date(2024, 5, 5), "Fel datum.")
        )),
        [("approved_on".to_owned(), "before_received")],
        "the minutes came in on 2024-05-06"
    );
    correct(
        &mut a,
        approval_date(date(2024, 5, 10), "Protokollet säger 10 maj."),
    )
    .expect("corrected");
    assert_eq!(a.approved_on(), Some(date(2024, 5, 10)));
    assert_eq!(a.history().len(), before + 1, "appended, nothing rewritten");
    assert_eq!(a.history()[before - 1].event, HistoryEvent::Approved);
    let entry = last(&a);
    assert_eq!(entry.event, HistoryEvent::Corrected);
    assert_eq!(
        entry.corrects(),
        Some(1),
        "names the approval by its number"
    );
    assert_eq!(entry.by, ADMIN);
    assert!(
        entry
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("approved_on 2024-05-14 → 2024-05-10")
                && r.contains("Protokollet säger 10 maj."))
    );
    assert_eq!(a.state(), AccessionState::Approved);
    assert!(a.is_signatory_on(date(2024, 5, 10)));
    // Never a signatory after leaving.
    a.withdraw(
        WithdrawalNoticeInput {
            received_on: date(2024, 5, 15),
            reference: "Brev".into(),
            effective_on: date(2024, 5, 16),
        },
        REP,
        now(),
    )
    .expect("withdraws");
    assert_eq!(
        invalid(correct(&mut a, approval_date(date(2024, 5, 17), "Fel."))),
        [("approved_on".to_owned(), "after_left")]
    );
    assert_eq!(
        invalid(correct(
            &mut submitted(),
            approval_date(date(2024, 5, 10), "Fel.")
        )),
        [("corrects".to_owned(), "unknown_entry")],
        "a submitted accession has no entry 1"
    );
}

trait IntoResult {
    fn into_result(self) -> Result<(), DomainError>;
}

impl IntoResult for DomainError {
    fn into_result(self) -> Result<(), DomainError> {
        Err(self)
    }
}

#[test]
fn a_correction_names_an_entry_that_recorded_the_values() {
    let mut a = approved();
    a.carry_over(2, ADMIN, now()).expect("carried over");
    assert_eq!(
        invalid(
            fails(&mut a, |a| correct(
                a,
                CorrectionInput {
                    approved_on: Some(date(2024, 5, 10)),
                    ..correction(2, "Fel.")
                }
            ))
            .into_result()
        ),
        [("corrects".to_owned(), "not_correctable")],
        "a carry-over records no fact a correction changes"
    );
    assert_eq!(
        invalid(correct(
            &mut a,
            CorrectionInput {
                approved_on: Some(date(2024, 5, 10)),
                withdrawal: Some(CorrectedWithdrawal::default()),
                ..correction(0, "Fel.")
            }
        )),
        [
            ("approved_on".to_owned(), "not_in_entry"),
            ("withdrawal".to_owned(), "not_in_entry")
        ],
        "the submission recorded neither"
    );
    assert_eq!(
        invalid(correct(&mut a, approval_date(date(2024, 5, 14), "Samma."))),
        [("corrects".to_owned(), "nothing_corrected")]
    );
    assert_eq!(
        invalid(correct(&mut a, correction(99, "Fel."))),
        [("corrects".to_owned(), "unknown_entry")]
    );
    let mut form = steering_submitted();
    assert_eq!(
        invalid(form.correct(
            CorrectionInput {
                board_decision: Some(CorrectedBoardDecision {
                    received_on: Some(date(2024, 5, 7)),
                    ..Default::default()
                }),
                ..correction(0, "Fel.")
            },
            &steering_terms(),
            None,
            &[],
            ADMIN,
            now()
        )),
        [("board_decision".to_owned(), "not_in_entry")],
        "an application through the form recorded no board decision"
    );
}

#[test]
fn a_corrected_board_decision_passes_the_submissions_rules() {
    let mut a = approved();
    let board = |decided_on, received_on| CorrectionInput {
        board_decision: Some(CorrectedBoardDecision {
            decided_on,
            received_on,
        }),
        ..correction(0, "Protokollet kom in en annan dag.")
    };
    assert_eq!(
        invalid(
            fails(&mut a, |a| correct(
                a,
                board(Some(date(2024, 5, 21)), Some(date(2024, 5, 1)))
            ))
            .into_result()
        ),
        [
            ("board_decision.decided_on".to_owned(), "in_future"),
            ("board_decision.received_on".to_owned(), "before_decision")
        ]
    );
    assert_eq!(
        invalid(correct(&mut a, board(None, Some(date(2024, 5, 15))))),
        [("board_decision.received_on".to_owned(), "before_received")],
        "approved on 2024-05-14: the minutes cannot have come in after"
    );
    correct(
        &mut a,
        board(Some(date(2024, 4, 30)), Some(date(2024, 5, 3))),
    )
    .expect("corrected");
    let recorded = a.board_decision().expect("kept");
    assert_eq!(recorded.decided_on(), date(2024, 4, 30));
    assert_eq!(recorded.received_on(), date(2024, 5, 3));
    assert_eq!(recorded.minutes_reference(), "§ 7", "the rest stays");
    assert_eq!(last(&a).corrects(), Some(0));
    assert!(last(&a).reason().is_some_and(|r| {
        r.contains("board_decision.decided_on 2024-05-02 → 2024-04-30")
            && r.contains("board_decision.received_on 2024-05-06 → 2024-05-03")
    }));
    assert_eq!(a.history()[0].event, HistoryEvent::Submitted, "kept");

    // Registered after the fact on an agreement no longer in force: within its validity.
    let ended = AgreementTerms {
        in_force: false,
        periods: vec![(date(2018, 10, 1), Some(date(2024, 5, 31)))],
        ..registration_terms()
    };
    let mut late = approved();
    assert_eq!(
        invalid(late.correct(
            board(Some(date(2018, 9, 1)), None),
            &ended,
            None,
            &[],
            ADMIN,
            now()
        )),
        [("board_decision.decided_on".to_owned(), "outside_validity")]
    );
}

#[test]
fn a_registration_on_the_wrong_organisation_moves_to_the_right_one() {
    const RIGHT: Uuid = Uuid::from_u128(0xc2);
    let mut a = approved();
    let to = |signatory| CorrectionInput {
        signatory: Some(signatory),
        ..correction(0, "Registrerad på fel förening.")
    };
    let other_open = |state| ExistingAccession {
        id: Uuid::from_u128(0xd2),
        agreement_id: AGREEMENT,
        signatory: Signatory::Organization(RIGHT),
        state,
        pending_verification: false,
    };
    for (state, rule) in [
        (AccessionState::Approved, "already_signatory"),
        (AccessionState::Submitted, "application_pending"),
    ] {
        assert_eq!(
            conflict(fails(&mut a, |a| a.correct(
                to(Signatory::Organization(RIGHT)),
                &registration_terms(),
                None,
                &[other_open(state)],
                ADMIN,
                now()
            ))),
            rule
        );
    }
    assert_eq!(
        code(correct(&mut a, to(Signatory::PublicBody(PARTY)))),
        "already_party"
    );
    assert_eq!(
        code(correct(
            &mut a,
            to(Signatory::PublicBody(Uuid::from_u128(0xb9)))
        )),
        "public_body_not_allowed"
    );
    a.correct(
        to(Signatory::Organization(RIGHT)),
        &registration_terms(),
        None,
        &[ExistingAccession {
            state: AccessionState::Withdrawn,
            ..other_open(AccessionState::Withdrawn)
        }],
        ADMIN,
        now(),
    )
    .expect("a closed accession of the right organisation does not count");
    assert_eq!(a.signatory(), Signatory::Organization(RIGHT));
    assert_eq!(a.state(), AccessionState::Approved);
    assert_eq!(a.approved_on(), Some(date(2024, 5, 14)), "the rest stays");
    assert_eq!(last(&a).corrects(), Some(0));
    assert_eq!(last(&a).by(), ADMIN);
}

#[test]
fn a_corrected_withdrawal_passes_the_withdrawals_rules() {
    let mut a = approved();
    a.withdraw(
        WithdrawalNoticeInput {
            received_on: date(2024, 5, 15),
            reference: "Brev 15 maj".into(),
            effective_on: date(2024, 6, 30),
        },
        REP,
        now(),
    )
    .expect("withdraws");
    let notice = |received_on, effective_on| CorrectionInput {
        withdrawal: Some(CorrectedWithdrawal {
            received_on,
            effective_on,
        }),
        ..correction(2, "Utträdet gäller från årsskiftet.")
    };
    assert_eq!(
        invalid(
            fails(&mut a, |a| correct(
                a,
                notice(Some(date(2024, 5, 21)), Some(date(2024, 5, 13)))
            ))
            .into_result()
        ),
        [
            ("withdrawal.received_on".to_owned(), "in_future"),
            (
                "withdrawal.effective_on".to_owned(),
                "withdrawal_before_approval"
            )
        ]
    );
    correct(&mut a, notice(None, Some(date(2024, 12, 31)))).expect("corrected");
    let recorded = a.withdrawal().expect("kept");
    assert_eq!(recorded.effective_on(), date(2024, 12, 31));
    assert_eq!(recorded.received_on(), date(2024, 5, 15));
    assert_eq!(recorded.reference(), "Brev 15 maj");
    assert_eq!(a.left_on(), Some(date(2024, 12, 31)));
    assert!(a.is_signatory_on(date(2024, 12, 30)));
    assert!(!a.is_signatory_on(date(2024, 12, 31)));
    assert_eq!(last(&a).corrects(), Some(2));
    assert_eq!(a.state(), AccessionState::Withdrawn);
}

// ---- applications made without an account (the form) ----

fn form_terms() -> AgreementTerms {
    AgreementTerms {
        accepted_channels: vec![Channel::Form],
        ..registration_terms()
    }
}

fn unverified() -> Accession {
    Accession::apply_without_account(
        form_input(),
        &form_terms(),
        DEFAULT_VERIFICATION_DAYS,
        "form",
        now(),
    )
    .expect("applies")
}

#[test]
fn an_application_without_an_account_is_a_form_submission_pending_verification() {
    let a = Accession::apply_without_account(
        SubmissionInput {
            channel: Channel::BoardMinutes,
            ..form_input()
        },
        &form_terms(),
        14,
        "form",
        now(),
    )
    .expect("applies");
    assert_eq!(a.state(), AccessionState::Submitted);
    assert_eq!(a.channel(), Channel::Form, "always through the form");
    assert!(a.is_pending_verification());
    assert_eq!(
        a.pending_verification().map(|p| p.verify_by()),
        Some(date(2024, 6, 3))
    );
    assert_eq!(a.history().len(), 1);
    assert_eq!(last(&a).event(), HistoryEvent::Submitted);
    assert!(!submitted().is_pending_verification());
}

#[test]
fn an_application_without_an_account_follows_the_submission_rules() {
    let not_in_force = AgreementTerms {
        in_force: false,
        ..form_terms()
    };
    assert_eq!(
        code(Accession::apply_without_account(
            form_input(),
            &not_in_force,
            14,
            "form",
            now()
        )),
        "agreement_not_in_force"
    );
    assert_eq!(
        invalid(Accession::apply_without_account(
            form_input(),
            &registration_terms(),
            14,
            "form",
            now()
        )),
        [("channel".to_owned(), "channel_not_accepted")]
    );
    assert_eq!(
        invalid(Accession::apply_without_account(
            SubmissionInput {
                affirmed_statements: Vec::new(),
                ..form_input()
            },
            &form_terms(),
            14,
            "form",
            now()
        )),
        [("affirmed_statements".to_owned(), "missing_statements")]
    );
}

#[test]
fn an_unverified_application_neither_blocks_nor_is_blocked() {
    let pending = ExistingAccession {
        pending_verification: true,
        ..existing(AccessionState::Submitted)
    };
    Accession::submit(input(), &registration_terms(), &[pending], REP, now())
        .expect("a pending application does not block one made with an account");
    Accession::apply_without_account(form_input(), &form_terms(), 14, "form", now())
        .expect("nor does an approved accession block an unverified application");
}

#[test]
fn verification_by_email_or_by_hand_is_recorded_with_who() {
    let mut a = unverified();
    a.verify(Verifier::EmailConfirmation, &[], "link:0001", now())
        .expect("verifies");
    assert!(!a.is_pending_verification());
    assert_eq!(a.state(), AccessionState::Submitted);
    let entry = last(&a);
    assert_eq!(entry.event(), HistoryEvent::Verified);
    assert_eq!(entry.by(), "link:0001");
    assert_eq!(
        entry.reason(),
        Some("e-mail address confirmed by the contact person")
    );
    assert_eq!(
        conflict(fails(&mut a, |a| a.verify(
            Verifier::Administrator,
            &[],
            ADMIN,
            now()
        ))),
        "accession_not_pending_verification"
    );

    let mut b = unverified();
    b.verify(Verifier::Administrator, &[], ADMIN, now())
        .expect("verifies by hand");
    assert_eq!(last(&b).by(), ADMIN);
    assert_eq!(
        last(&b).reason(),
        Some("verified by hand by an agreement administrator")
    );
}

#[test]
fn verification_checks_the_one_open_accession_rule() {
    let other = |state, pending_verification| ExistingAccession {
        id: Uuid::from_u128(0xd9),
        pending_verification,
        ..existing(state)
    };
    for (state, rule) in [
        (AccessionState::Approved, "already_signatory"),
        (AccessionState::Submitted, "application_pending"),
    ] {
        let mut a = unverified();
        assert_eq!(
            conflict(fails(&mut a, |a| a.verify(
                Verifier::EmailConfirmation,
                &[other(state, false)],
                "link",
                now()
            ))),
            rule
        );
    }
    let mut a = unverified();
    a.verify(
        Verifier::EmailConfirmation,
        &[
            other(AccessionState::Submitted, true),
            ExistingAccession {
                agreement_id: Uuid::from_u128(0xa9),
                ..other(AccessionState::Approved, false)
            },
        ],
        "link",
        now(),
    )
    .expect("another unverified one, or one elsewhere, does not count");
}

#[test]
fn an_unverified_application_is_not_approved_but_may_be_rejected_or_cancelled() {
    let mut a = unverified();
    assert_eq!(
        conflict(fails(&mut a, |a| a.approve(
            Approval::Registration,
            &form_terms(),
            date(2024, 5, 20),
            ADMIN,
            now()
        ))),
        "accession_pending_verification"
    );
    a.reject(
        "Föreningen är inte verksam i kommunen.",
        None,
        &form_terms(),
        ADMIN,
        now(),
    )
    .expect("rejects");
    assert_eq!(a.state(), AccessionState::Rejected);
    let mut b = unverified();
    b.verify(Verifier::Administrator, &[], ADMIN, now())
        .expect("verifies");
    b.approve(
        Approval::Registration,
        &form_terms(),
        date(2024, 5, 20),
        ADMIN,
        now(),
    )
    .expect("approved once verified");
}

#[test]
fn an_unverified_application_expires_the_day_after_its_last_day() {
    let mut a = unverified();
    let last_day = date(2024, 6, 3);
    assert!(!a.is_past_verification(last_day));
    assert!(a.is_past_verification(date(2024, 6, 4)));
    assert_eq!(
        conflict(fails(&mut a, |a| a.expire_unverified(noon(2024, 6, 3)))),
        "verification_not_due"
    );
    let mut late = a.clone();
    assert_eq!(
        conflict(fails(&mut late, |a| a.verify(
            Verifier::EmailConfirmation,
            &[],
            "link",
            noon(2024, 6, 4)
        ))),
        "verification_expired"
    );
    a.verify(Verifier::EmailConfirmation, &[], "link", noon(2024, 6, 3))
        .expect("the last day still verifies");
    assert!(
        !a.is_past_verification(date(2024, 7, 1)),
        "verified: no expiry"
    );

    let mut b = unverified();
    b.expire_unverified(noon(2024, 6, 4)).expect("expires");
    assert_eq!(b.state(), AccessionState::Cancelled);
    assert_eq!(last(&b).event(), HistoryEvent::VerificationExpired);
    assert_eq!(last(&b).by(), SYSTEM_ACTOR);
    assert!(
        !b.is_past_verification(date(2024, 7, 1)),
        "closed: swept once"
    );
    assert!(!submitted().is_past_verification(date(2030, 1, 1)));
}

// ---- capability links ----

mod links {
    use super::*;
    use crate::capability::{
        CapabilityLink, CapabilityScope, RevocationReason, accession_for_new_link,
    };

    const LINK: Uuid = Uuid::from_u128(0xe1);

    #[test]
    fn a_link_reaches_its_organisations_accessions_to_its_agreement_only() {
        let a = unverified();
        let link = CapabilityLink::issue(LINK, &a, now()).expect("issues");
        assert_eq!(
            link.scope(),
            CapabilityScope {
                organization_id: ORG,
                agreement_id: AGREEMENT
            }
        );
        assert_eq!(link.issued_to(), "asa@angsblomman.example");
        assert!(link.reaches(&a));
        let elsewhere = Accession::apply_without_account(
            form_input(),
            &AgreementTerms {
                agreement_id: Uuid::from_u128(0xa7),
                ..form_terms()
            },
            14,
            "form",
            now(),
        )
        .expect("applies");
        assert!(!link.reaches(&elsewhere), "another agreement");
        let other_org = Accession::apply_without_account(
            SubmissionInput {
                id: Uuid::from_u128(0xd7),
                signatory: Signatory::Organization(Uuid::from_u128(0xc7)),
                ..form_input()
            },
            &form_terms(),
            14,
            "form",
            now(),
        )
        .expect("applies");
        assert!(!link.reaches(&other_org), "another organisation");
    }

    #[test]
    fn a_link_is_for_organisations_only() {
        let body = Accession::submit(
            SubmissionInput {
                signatory: Signatory::PublicBody(Uuid::from_u128(0xb7)),
                ..form_input()
            },
            &steering_terms(),
            &[],
            REP,
            now(),
        )
        .expect("a public body accedes to Blekinge");
        assert_eq!(
            CapabilityLink::issue(LINK, &body, now()).map(|_| ()),
            Err(crate::capability::CapabilityRule::NotAnOrganization)
        );
    }

    #[test]
    fn a_new_contact_person_outdates_the_link_and_revoking_stops_it() {
        let mut a = unverified();
        let mut link = CapabilityLink::issue(LINK, &a, now()).expect("issues");
        assert!(!link.outdated_by(&a));
        a.update_contact_person(
            &ContactPersonInput {
                name: "Örjan Ängqvist".into(),
                email: "orjan@angsblomman.example".into(),
                phone: None,
            },
            "link",
            now(),
        )
        .expect("updates");
        assert!(link.outdated_by(&a));
        link.revoke(RevocationReason::ContactPersonChanged, now())
            .expect("revokes");
        assert!(!link.reaches(&a));
        assert!(!link.outdated_by(&a), "a revoked link is no longer asked");
        assert_eq!(
            link.revoke(RevocationReason::Replaced, now()),
            Err(crate::capability::CapabilityRule::AlreadyRevoked)
        );
    }

    #[test]
    fn a_new_link_goes_to_the_latest_open_accession_with_that_address() {
        let scope = CapabilityScope {
            organization_id: ORG,
            agreement_id: AGREEMENT,
        };
        let mut cancelled = unverified();
        cancelled
            .expire_unverified(noon(2024, 6, 10))
            .expect("expires");
        let open = unverified();
        let list = [cancelled, open.clone()];
        assert_eq!(
            accession_for_new_link(&list, scope, " ASA@angsblomman.example "),
            Some(&open)
        );
        assert_eq!(
            accession_for_new_link(&list, scope, "någon@annan.example"),
            None
        );
        assert_eq!(
            accession_for_new_link(&list[..1], scope, "asa@angsblomman.example"),
            None
        );
    }
}
