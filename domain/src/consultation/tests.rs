use chrono::{DateTime, Utc};

use super::*;
use crate::agreement::testing::*;
use crate::agreement::{AgreementState, VersionStatus};

const ORG: Uuid = Uuid::from_u128(0x0A1);
const OTHER_ORG: Uuid = Uuid::from_u128(0x0A2);

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).expect("valid instant")
}

/// A draft on consultation from 2026-10-01, answering by 2026-11-30.
fn on_consultation(restricted: bool) -> Agreement {
    let mut a = draft();
    a.open_consultation(
        ConsultationInput {
            opened_on: date(2026, 10, 1),
            response_deadline: date(2026, 11, 30),
            invited: InvitedParties {
                organization_ids: vec![ORG],
                all_signatories: false,
            },
            questions: vec!["Fråga ett?".into(), "Fråga två?".into()],
            restricted,
        },
        date(2026, 10, 1),
    )
    .expect("opens");
    a
}

fn respondent(org: Uuid, act: RespondentAct) -> Respondent {
    Respondent {
        organization_id: org,
        organization_name: "Föreningen Ängsgården".into(),
        is_signatory: false,
        act,
        recorded_by: "rep".into(),
    }
}

fn input() -> ResponseInput {
    ResponseInput {
        received_on: None,
        answers: vec![Answer {
            question: 1,
            text: "Vi ställer oss bakom principerna.".into(),
        }],
        general_comments: Some("Bra förslag i stort.".into()),
        comments: vec![ReferenceComment {
            reference: Reference {
                kind: ReferenceKind::Principle,
                number: 2,
            },
            text: "Öppenhet behöver förtydligas.".into(),
        }],
        contact: Some(ResponseContact {
            name: "Kim Exempelsson".into(),
            email: Some("kim@exempel.se".into()),
        }),
    }
}

fn submit(
    a: &Agreement,
    existing: Option<ConsultationResponse>,
    who: Respondent,
    input: ResponseInput,
    today: NaiveDate,
) -> Result<ConsultationResponse, DomainError> {
    ConsultationResponse::submit(Uuid::from_u128(0xB1), a, existing, who, input, today, now())
}

#[test]
fn opening_sets_deadline_invited_and_questions_and_the_text_is_on_consultation() {
    let a = on_consultation(false);
    let (version, setup) = open_consultation_of(&a).expect("open");
    assert_eq!(version.status(), VersionStatus::Consultation);
    assert_eq!(setup.response_deadline(), date(2026, 11, 30));
    assert_eq!(setup.invited().organization_ids, [ORG]);
    assert_eq!(setup.questions().len(), 2);
    assert!(!setup.restricted());
    assert_eq!(a.consultation_version().map(|v| v.number()), Some(1));
}

#[test]
fn opening_checks_its_values() {
    let mut a = draft();
    let bad = ConsultationInput {
        opened_on: date(2026, 10, 1),
        response_deadline: date(2026, 10, 1),
        invited: InvitedParties {
            organization_ids: vec![ORG, ORG],
            all_signatories: true,
        },
        questions: vec![" ".into()],
        restricted: false,
    };
    assert_eq!(
        invalid_fields(a.open_consultation(bad, date(2026, 10, 1))),
        [
            ("response_deadline".into(), "not_after_opened_on"),
            ("invited.all_signatories".into(), "not_allowed"),
            ("invited.organization_ids[1]".into(), "duplicate"),
            ("questions[0]".into(), "required"),
        ]
    );
    let restricted_to_nobody = ConsultationInput {
        restricted: true,
        ..consultation(date(2026, 10, 1))
    };
    assert_eq!(
        invalid_fields(a.open_consultation(restricted_to_nobody, date(2026, 10, 1))),
        [("invited".into(), "required")]
    );
    assert_eq!(a.state(), AgreementState::Draft, "nothing changed");
}

#[test]
fn a_revision_may_invite_all_signatories_and_opening_during_a_revision_opens_its_consultation() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(content()).expect("starts");
    let all = ConsultationInput {
        invited: InvitedParties {
            organization_ids: Vec::new(),
            all_signatories: true,
        },
        restricted: true,
        ..consultation(date(2026, 10, 1))
    };
    a.open_consultation(all, today())
        .expect("routes to the revision");
    let (version, setup) = open_consultation_of(&a).expect("open");
    assert_eq!(version.number(), 2);
    assert!(setup.invites(ORG, true));
    assert!(!setup.invites(ORG, false));
    // A signatory responds to a consultation restricted to the signatories; others may not.
    let signatory = Respondent {
        is_signatory: true,
        ..respondent(OTHER_ORG, RespondentAct::Representative)
    };
    let r = submit(&a, None, signatory, input(), date(2026, 10, 5)).expect("invited");
    assert!(r.invited());
    assert_eq!(r.version_number(), 2);
    assert_eq!(
        rule(submit(
            &a,
            None,
            respondent(OTHER_ORG, RespondentAct::Representative),
            input(),
            date(2026, 10, 5)
        )),
        "not_invited"
    );
}

#[test]
fn a_response_is_marked_invited_or_not_and_open_consultations_take_anyone() {
    let a = on_consultation(false);
    let invited = submit(
        &a,
        None,
        respondent(ORG, RespondentAct::Representative),
        input(),
        date(2026, 10, 10),
    )
    .expect("accepted");
    assert!(invited.invited());
    assert_eq!(invited.current().received_on, date(2026, 10, 10));
    assert!(!invited.current().late);
    let uninvited = submit(
        &a,
        None,
        respondent(OTHER_ORG, RespondentAct::Representative),
        input(),
        date(2026, 10, 10),
    )
    .expect("open to all");
    assert!(!uninvited.invited());
}

#[test]
fn not_invited_only_where_restricted() {
    let a = on_consultation(true);
    assert_eq!(
        rule(submit(
            &a,
            None,
            respondent(OTHER_ORG, RespondentAct::Representative),
            input(),
            date(2026, 10, 10)
        )),
        "not_invited"
    );
    assert_eq!(
        rule(submit(
            &a,
            None,
            respondent(OTHER_ORG, RespondentAct::Administrator),
            input(),
            date(2026, 10, 10)
        )),
        "not_invited"
    );
}

#[test]
fn after_the_deadline_only_an_administrator_registers_and_it_is_late() {
    let a = on_consultation(false);
    // The deadline day itself is open.
    assert!(
        submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Representative),
            input(),
            date(2026, 11, 30)
        )
        .is_ok()
    );
    assert_eq!(
        rule(submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Representative),
            input(),
            date(2026, 12, 1)
        )),
        "consultation_closed"
    );
    let late = submit(
        &a,
        None,
        respondent(ORG, RespondentAct::Administrator),
        ResponseInput {
            received_on: Some(date(2026, 12, 2)),
            ..input()
        },
        date(2026, 12, 3),
    )
    .expect("registered");
    assert!(late.current().late);
    assert_eq!(late.current().act, RespondentAct::Administrator);
    // A paper response received in time and registered later is not late.
    let in_time = submit(
        &a,
        None,
        respondent(ORG, RespondentAct::Administrator),
        ResponseInput {
            received_on: Some(date(2026, 11, 28)),
            ..input()
        },
        date(2026, 12, 3),
    )
    .expect("registered");
    assert!(!in_time.current().late);
    assert_eq!(
        invalid_fields(submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Administrator),
            ResponseInput {
                received_on: Some(date(2026, 9, 1)),
                ..input()
            },
            date(2026, 12, 3),
        )),
        [("received_on".into(), "before_opened_on")]
    );
}

#[test]
fn a_second_response_replaces_the_first_and_keeps_it_in_the_history() {
    let a = on_consultation(false);
    let who = || respondent(ORG, RespondentAct::Representative);
    let first = submit(&a, None, who(), input(), date(2026, 10, 10)).expect("first");
    let second = submit(
        &a,
        Some(first.clone()),
        who(),
        ResponseInput {
            general_comments: Some("Vi har ändrat oss.".into()),
            ..input()
        },
        date(2026, 11, 1),
    )
    .expect("replaces");
    assert_eq!(second.id(), first.id());
    assert_eq!(
        second.current().general_comments.as_deref(),
        Some("Vi har ändrat oss.")
    );
    assert_eq!(second.history(), [first.current().clone()]);
    assert_eq!(
        rule(submit(&a, Some(second), who(), input(), date(2026, 12, 1))),
        "consultation_closed"
    );
}

#[test]
fn comments_refer_to_principles_and_commitments_that_exist() {
    let a = on_consultation(false);
    let comment = |kind, number| ReferenceComment {
        reference: Reference { kind, number },
        text: "Synpunkt.".into(),
    };
    let bad = ResponseInput {
        answers: vec![
            Answer {
                question: 3,
                text: "Svar.".into(),
            },
            Answer {
                question: 1,
                text: "Svar.".into(),
            },
            Answer {
                question: 1,
                text: "Svar igen.".into(),
            },
        ],
        comments: vec![
            comment(ReferenceKind::Principle, 7),
            comment(ReferenceKind::Commitment, 2),
            comment(ReferenceKind::Commitment, 3),
        ],
        ..input()
    };
    assert_eq!(
        invalid_fields(submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Representative),
            bad,
            date(2026, 10, 10)
        )),
        [
            ("answers[0].question".into(), "unknown_question"),
            ("answers[2].question".into(), "duplicate"),
            ("comments[0].number".into(), "unknown_principle"),
            ("comments[2].number".into(), "unknown_principle"),
        ]
    );
    assert_eq!(
        invalid_fields(submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Representative),
            ResponseInput::default(),
            date(2026, 10, 10)
        )),
        [("general_comments".into(), "required")]
    );
}

#[test]
fn no_response_without_an_open_consultation() {
    let a = draft();
    assert_eq!(
        rule(submit(
            &a,
            None,
            respondent(ORG, RespondentAct::Representative),
            input(),
            today()
        )),
        "consultation_not_open"
    );
}

#[test]
fn the_adoption_carries_the_report_checked_against_the_responses() {
    let mut a = on_consultation(false);
    let r = submit(
        &a,
        None,
        respondent(ORG, RespondentAct::Representative),
        input(),
        date(2026, 10, 10),
    )
    .expect("accepted");
    let principle = |number| {
        Some(Reference {
            kind: ReferenceKind::Principle,
            number,
        })
    };
    let bad = ReportInput {
        summary: Some("Remissvaren har beaktats.".into()),
        entries: vec![
            ReportEntry {
                response_id: Some(Uuid::from_u128(0xFFFF)),
                reference: None,
                assessment: None,
                text: "Okänt svar.".into(),
            },
            ReportEntry {
                response_id: Some(r.id()),
                reference: principle(1),
                assessment: Some(Assessment::Accepted),
                text: "Kommenterades inte.".into(),
            },
            ReportEntry {
                response_id: None,
                reference: principle(9),
                assessment: None,
                text: "Finns inte.".into(),
            },
            ReportEntry {
                response_id: None,
                reference: None,
                assessment: None,
                text: "Om ingenting.".into(),
            },
        ],
    };
    assert_eq!(
        invalid_fields(a.adopt_reporting(
            adoption(date(2026, 12, 10)),
            Some(bad),
            std::slice::from_ref(&r),
            date(2026, 12, 10)
        )),
        [
            (
                "consultation_report.entries[0].response_id".into(),
                "unknown_response"
            ),
            (
                "consultation_report.entries[1].number".into(),
                "no_such_comment"
            ),
            (
                "consultation_report.entries[2].number".into(),
                "unknown_principle"
            ),
            (
                "consultation_report.entries[2].assessment".into(),
                "required"
            ),
            ("consultation_report.entries[3]".into(), "required"),
        ]
    );
    let good = ReportInput {
        summary: Some("Remissvaren har beaktats.".into()),
        entries: vec![
            ReportEntry {
                response_id: Some(r.id()),
                reference: principle(2),
                assessment: Some(Assessment::Partly),
                text: "Principen om öppenhet har förtydligats delvis.".into(),
            },
            ReportEntry {
                response_id: Some(r.id()),
                reference: None,
                assessment: None,
                text: "Svaret i övrigt har beaktats.".into(),
            },
        ],
    };
    a.adopt_reporting(
        adoption(date(2026, 12, 10)),
        Some(good),
        std::slice::from_ref(&r),
        date(2026, 12, 10),
    )
    .expect("adopts");
    let c = a.versions()[0].consultation().expect("kept");
    assert_eq!(c.closed_on(), Some(date(2026, 12, 10)));
    let report = c.report().expect("carried");
    assert_eq!(report.entries().len(), 2);
    assert_eq!(report.entries()[0].assessment, Some(Assessment::Partly));
}

#[test]
fn a_report_needs_a_consultation() {
    let mut a = draft();
    assert_eq!(
        rule(a.adopt_reporting(
            adoption(date(2026, 1, 10)),
            Some(ReportInput::default()),
            &[],
            today()
        )),
        "no_consultation"
    );
}

#[test]
fn the_summary_counts_by_respondent_question_and_principle() {
    let a = on_consultation(false);
    let (_, setup) = open_consultation_of(&a).expect("open");
    let one = submit(
        &a,
        None,
        respondent(ORG, RespondentAct::Representative),
        input(),
        date(2026, 10, 10),
    )
    .expect("one");
    let two = ConsultationResponse::submit(
        Uuid::from_u128(0xB2),
        &a,
        None,
        respondent(OTHER_ORG, RespondentAct::Administrator),
        ResponseInput {
            received_on: Some(date(2026, 12, 2)),
            answers: Vec::new(),
            ..input()
        },
        date(2026, 12, 3),
        now(),
    )
    .expect("two");
    let s = ResponseSummary::of(Some(setup), &[one, two]);
    assert_eq!(
        (
            s.total,
            s.invited,
            s.not_invited,
            s.registered_by_administrator,
            s.late
        ),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(
        s.answers_per_question.into_iter().collect::<Vec<_>>(),
        [(1, 1), (2, 0)]
    );
    assert_eq!(
        s.comments_per_reference.into_iter().collect::<Vec<_>>(),
        [(
            Reference {
                kind: ReferenceKind::Principle,
                number: 2
            },
            2
        )]
    );
}

#[test]
fn the_calendar_shows_the_deadline_and_the_report_due_after_it_until_adoption() {
    use crate::agreement::DueKind;
    let mut a = on_consultation(false);
    let items: Vec<_> = a
        .due_items(date(2026, 10, 1))
        .into_iter()
        .map(|i| (i.kind, i.due_on, i.overdue))
        .collect();
    assert_eq!(
        items,
        [
            (DueKind::ConsultationDeadline, date(2026, 11, 30), false),
            (DueKind::ConsultationReport, date(2026, 12, 1), false),
        ]
    );
    a.adopt(adoption(date(2026, 12, 10)), date(2026, 12, 10))
        .expect("adopts");
    assert!(a.due_items(date(2026, 12, 10)).iter().all(|i| !matches!(
        i.kind,
        DueKind::ConsultationDeadline | DueKind::ConsultationReport
    )));
}
