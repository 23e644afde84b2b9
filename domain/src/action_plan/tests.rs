use std::collections::BTreeSet;

use uuid::Uuid;

use super::*;
use crate::agreement::testing::{AGREEMENT, content, date};

fn plan(id: u128, from: NaiveDate, to: NaiveDate) -> ActionPlan {
    ActionPlan::draft(
        Uuid::from_u128(id),
        AGREEMENT,
        PlanInput {
            title: "Handlingsplan för samverkan".into(),
            period_from: from,
            period_to: to,
        },
    )
    .expect("valid draft")
}

fn committee() -> AdoptingBody {
    AdoptingBody::ExternalBody {
        name: "Kultur- och fritidsnämnden i Exempelby".into(),
        decision_date: date(2026, 1, 15),
        diary_number: "KFN 2026/0042".into(),
    }
}

fn code(e: DomainError) -> String {
    match e {
        DomainError::Conflict { code, .. } => code.to_owned(),
        DomainError::Invalid(errors) => errors
            .iter()
            .map(|f| format!("{}:{}", f.field, f.code))
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn activity() -> ActivityInput {
    ActivityInput {
        title: "Gemensam dialogträff om lokaler".into(),
        description: "Föreningar och förvaltning går igenom lokalbehoven.".into(),
        principles: vec![1],
        development_areas: vec![],
        responsible_parties: vec!["Kultur- och fritidsförvaltningen".into()],
        due_on: Some(date(2026, 6, 30)),
        period_from: None,
        period_to: None,
    }
}

#[test]
fn a_draft_needs_a_title_and_a_period_in_order() {
    let err = ActionPlan::draft(
        Uuid::from_u128(1),
        AGREEMENT,
        PlanInput {
            title: "  ".into(),
            period_from: date(2026, 12, 31),
            period_to: date(2026, 1, 1),
        },
    )
    .unwrap_err();
    assert_eq!(code(err), "title:required,period_to:before_start");
}

#[test]
fn lifecycle_draft_adopted_closed() {
    let mut p = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    assert!(!p.is_public(), "a draft stays with its editors");
    assert_eq!(
        code(p.close(date(2026, 3, 1), date(2026, 3, 1)).unwrap_err()),
        "action_plan_not_adopted"
    );
    p.adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &[])
        .expect("adopted");
    assert_eq!(p.state, PlanState::Adopted);
    assert!(p.is_public());
    assert_eq!(
        code(
            p.adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &[])
                .unwrap_err()
        ),
        "action_plan_not_draft"
    );
    p.close(date(2026, 12, 31), date(2027, 1, 2))
        .expect("closed");
    assert_eq!(p.state, PlanState::Closed);
    assert!(p.is_public(), "a closed plan stays on the record");
    assert_eq!(
        code(
            p.add_activity(
                Uuid::from_u128(9),
                activity(),
                Some(&content()),
                date(2027, 1, 2),
                "x"
            )
            .map(|_| ())
            .unwrap_err()
        ),
        "action_plan_closed"
    );
}

#[test]
fn adoption_is_dated_on_or_after_the_decision_and_not_ahead() {
    let mut p = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    assert_eq!(
        code(
            p.adopt(committee(), date(2026, 1, 10), date(2026, 2, 1), &[])
                .unwrap_err()
        ),
        "adopted_on:before_decision"
    );
    assert_eq!(
        code(
            p.adopt(committee(), date(2026, 3, 10), date(2026, 2, 1), &[])
                .unwrap_err()
        ),
        "adopted_on:in_future"
    );
}

#[test]
fn only_one_adopted_plan_covers_a_day_but_drafts_may_overlap() {
    let mut current = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    current
        .adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &[])
        .expect("adopted");
    let mut next = plan(2, date(2026, 12, 31), date(2027, 12, 31));
    let others = vec![current.clone()];
    assert_eq!(
        code(
            next.adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &others)
                .unwrap_err()
        ),
        "action_plan_overlaps"
    );
    let mut following = plan(3, date(2027, 1, 1), date(2027, 12, 31));
    following
        .adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &others)
        .expect("the day after the current plan ends is free");
    // A closed plan no longer holds its days.
    current
        .close(date(2026, 6, 30), date(2026, 7, 1))
        .expect("closed");
    next.adopt(committee(), date(2026, 1, 20), date(2026, 7, 1), &[current])
        .expect("adopted once the other is closed");
}

#[test]
fn activity_references_exist_in_the_current_version() {
    let mut p = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    let c = content();
    let mut input = activity();
    input.principles = vec![1, 99];
    input.development_areas = vec![c.development_areas[0].title.clone(), "Okänt område".into()];
    assert_eq!(
        code(
            p.add_activity(Uuid::from_u128(9), input, Some(&c), date(2026, 2, 1), "x")
                .map(|_| ())
                .unwrap_err()
        ),
        "principles[1]:unknown_principle,development_areas[1]:unknown_development_area"
    );
    let mut both = activity();
    both.period_from = Some(date(2026, 3, 1));
    both.period_to = Some(date(2026, 4, 1));
    assert_eq!(
        code(
            p.add_activity(Uuid::from_u128(9), both, Some(&c), date(2026, 2, 1), "x")
                .map(|_| ())
                .unwrap_err()
        ),
        "due_on:due_or_period"
    );
    assert_eq!(
        code(
            p.add_activity(Uuid::from_u128(9), activity(), None, date(2026, 2, 1), "x")
                .map(|_| ())
                .unwrap_err()
        ),
        "agreement_not_adopted"
    );
}

#[test]
fn activity_status_moves_forward_with_dated_notes() {
    let mut p = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    let id = Uuid::from_u128(9);
    p.add_activity(id, activity(), Some(&content()), date(2026, 2, 1), "x")
        .expect("added");
    let change = |status, on: NaiveDate, note: &str| StatusChange {
        status,
        on,
        note: note.into(),
        by: "handläggare".into(),
    };
    p.change_activity_status(
        id,
        change(ActivityStatus::InProgress, date(2026, 3, 1), "Start"),
        date(2026, 3, 1),
    )
    .expect("in progress");
    assert_eq!(
        code(
            p.change_activity_status(
                id,
                change(ActivityStatus::Planned, date(2026, 3, 2), "Åter"),
                date(2026, 3, 2)
            )
            .unwrap_err()
        ),
        "activity_status_transition"
    );
    assert_eq!(
        code(
            p.change_activity_status(
                id,
                change(ActivityStatus::Done, date(2026, 2, 20), "Klar"),
                date(2026, 3, 2)
            )
            .unwrap_err()
        ),
        "on:before_last_change"
    );
    assert_eq!(
        code(
            p.change_activity_status(
                id,
                change(ActivityStatus::Done, date(2026, 3, 2), " "),
                date(2026, 3, 2)
            )
            .unwrap_err()
        ),
        "note:required"
    );
    p.change_activity_status(
        id,
        change(ActivityStatus::Done, date(2026, 3, 2), "Genomförd"),
        date(2026, 3, 2),
    )
    .expect("done");
    assert_eq!(p.activities[0].status(), ActivityStatus::Done);
    assert_eq!(p.activities[0].history.len(), 3);
    assert_eq!(
        code(
            p.change_activity_status(
                id,
                change(ActivityStatus::Cancelled, date(2026, 3, 3), "Nej"),
                date(2026, 3, 3)
            )
            .unwrap_err()
        ),
        "activity_status_transition"
    );
}

#[test]
fn participation_is_for_signatories_and_can_be_withdrawn() {
    let mut p = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    let id = Uuid::from_u128(9);
    p.add_activity(id, activity(), Some(&content()), date(2026, 2, 1), "x")
        .expect("added");
    let org = Uuid::from_u128(77);
    let signatories: BTreeSet<Uuid> = [org].into();
    assert_eq!(
        code(
            p.set_participation(id, Uuid::from_u128(78), true, &signatories)
                .unwrap_err()
        ),
        "not_signatory"
    );
    assert!(
        p.set_participation(id, org, true, &signatories)
            .expect("in")
    );
    assert!(
        !p.set_participation(id, org, true, &signatories)
            .expect("again")
    );
    assert!(
        p.set_participation(id, org, false, &signatories)
            .expect("out")
    );
    assert!(p.activities[0].participants.is_empty());
    assert_eq!(
        code(
            p.set_participation(Uuid::from_u128(10), org, true, &signatories)
                .unwrap_err()
        ),
        "unknown_activity"
    );
}

#[test]
fn the_next_plan_is_due_months_after_the_latest_adopted_plan_starts() {
    let mut current = plan(1, date(2026, 1, 1), date(2026, 12, 31));
    let draft_only = plan(2, date(2027, 1, 1), date(2027, 12, 31));
    assert_eq!(
        next_plan_due(&[current.clone()], Some(12), date(2026, 3, 1)),
        None,
        "nothing before a first plan is adopted"
    );
    current
        .adopt(committee(), date(2026, 1, 20), date(2026, 2, 1), &[])
        .expect("adopted");
    let plans = [current, draft_only];
    let due = next_plan_due(&plans, Some(12), date(2026, 3, 1)).expect("due");
    assert_eq!(due.kind, crate::agreement::DueKind::ActionPlan);
    assert_eq!(due.due_on, date(2027, 1, 1));
    assert!(!due.overdue);
    assert_eq!(due.last_done_on, Some(date(2026, 1, 20)));
    assert!(
        next_plan_due(&plans, Some(12), date(2027, 1, 2))
            .expect("due")
            .overdue
    );
    assert_eq!(next_plan_due(&plans, None, date(2026, 3, 1)), None);
}
