//! The derived calendar: when the next follow-up, evaluation and revision are due, and
//! whether they are overdue. Nothing here is stored; it follows from the adoption records,
//! the settings, the reviews recorded as done and `today`.
//!
//! How "next" works for a cadence of n months (follow-up, evaluation):
//! - the scheduled dates are `in force since + k·n months` (k = 1, 2, …), each computed from
//!   the start rather than from the previous date, so month ends do not drift
//!   (31 Jan + 1 month = 28 Feb, + 2 months = 31 Mar);
//! - the last review of that kind counts for the scheduled date nearest to it (a follow-up
//!   a few weeks early or late still counts for that year; on a tie, the later date), and
//!   the next due date is the scheduled date after that one; with no review, the first;
//! - it is overdue once the due date has passed (due today is not yet overdue).
//!
//! So a missed year stays overdue until a review is recorded, and one late review catches
//! up rather than leaving every skipped year overdue.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::RequestingSide;
use super::limits::{DOCUMENT_REFERENCE_MAX, PARTY_NAME_MAX, SUMMARY_MAX};
use super::{AdoptionRecord, Agreement, AgreementField, AgreementSettings, may_administer};
use crate::access::Principal;
use crate::error::{DomainError, Validator};

/// A review recorded as done (uppföljning, utvärdering, extern utvärdering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ReviewKind {
    FollowUp,
    Evaluation,
    ExternalEvaluation,
}

crate::enum_text::enum_text!(ReviewKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum DueKind {
    FollowUp,
    Evaluation,
    ExternalEvaluation,
    Revision,
    /// The next action plan: `action_plan_months` after the current plan's start
    /// (`action_plan::next_plan_due`).
    ActionPlan,
    /// The open consultation's response deadline (listed while the consultation is open).
    ConsultationDeadline,
    /// The report of how the consultation's responses were weighed: due after the deadline,
    /// recorded with the adoption (listed until then).
    ConsultationReport,
}

crate::enum_text::enum_text!(DueKind);

impl From<ReviewKind> for DueKind {
    fn from(kind: ReviewKind) -> Self {
        match kind {
            ReviewKind::FollowUp => Self::FollowUp,
            ReviewKind::Evaluation => Self::Evaluation,
            ReviewKind::ExternalEvaluation => Self::ExternalEvaluation,
        }
    }
}

/// A follow-up or evaluation done (Eslöv: "Uppföljning sker årligen"), as the caller
/// reports it; [`super::Agreement::record_review`] checks it and keeps a [`ReviewRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    /// Chosen by the caller.
    pub id: Uuid,
    pub kind: ReviewKind,
    pub done_on: NaiveDate,
    /// What was found, or where the report is. Markdown.
    pub summary: String,
    /// Who recorded it: the token's `sub` (a stable pseudonymous id, never an e-mail address).
    pub recorded_by: String,
    /// The party the recorder acted for (Blekinge: the network's processledare writes the
    /// yearly follow-up for the civil-society party).
    pub acting_for: RequestingSide,
    /// Who it was reported to (Lund: "redovisas för nämnderna och kommunfullmäktige";
    /// Blekinge: the annual collaboration conference).
    pub reported_to: Option<ReportedTo>,
    /// Where the report is: a diary number, a document's name or address.
    pub document_reference: Option<String>,
}

/// To whom a follow-up was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedTo {
    pub kind: ReportKind,
    /// The body as the report names it ("Kommunstyrelsen", "Samverkanskonferensen 2025").
    pub name: String,
}

/// The kind of body a follow-up is reported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ReportKind {
    /// A committee (nämnd, kommunstyrelse, regionstyrelse).
    Committee,
    /// The council (kommunfullmäktige, regionfullmäktige).
    Council,
    /// A conference or forum of the parties (samverkanskonferens, dialogforum).
    Conference,
    Other,
}

crate::enum_text::enum_text!(ReportKind);

impl ReviewInput {
    /// The record with its summary trimmed. `done_on` cannot be in the future nor before the
    /// agreement was first adopted (`adopted_on`).
    pub fn validated(
        &self,
        adopted_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<ReviewRecord, DomainError> {
        let mut v = Validator::new();
        let summary = v.text("summary", &self.summary, SUMMARY_MAX);
        let reported_to = self.reported_to.as_ref().and_then(|r| {
            v.line("reported_to.name", &r.name, PARTY_NAME_MAX)
                .map(|name| ReportedTo { kind: r.kind, name })
        });
        let document_reference = v.optional_text(
            "document_reference",
            self.document_reference.as_deref(),
            DOCUMENT_REFERENCE_MAX,
        );
        if self.done_on > today {
            v.add("done_on", AgreementField::ReviewInFuture);
        } else if self.done_on < adopted_on {
            v.add(
                "done_on",
                AgreementField::ReviewBeforeAdoption { adopted_on },
            );
        }
        v.finish()?;
        Ok(ReviewRecord(Self {
            summary: summary.unwrap_or_default(),
            reported_to,
            document_reference,
            ..self.clone()
        }))
    }
}

/// A follow-up or evaluation recorded as done: a [`ReviewInput`] that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord(ReviewInput);

impl ReviewRecord {
    pub fn id(&self) -> Uuid {
        self.0.id
    }

    pub fn kind(&self) -> ReviewKind {
        self.0.kind
    }

    pub fn done_on(&self) -> NaiveDate {
        self.0.done_on
    }

    pub fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Who recorded it (the token's `sub`); empty for reviews recorded before issue 12.
    pub fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }

    pub fn acting_for(&self) -> RequestingSide {
        self.0.acting_for
    }

    pub fn reported_to(&self) -> Option<&ReportedTo> {
        self.0.reported_to.as_ref()
    }

    pub fn document_reference(&self) -> Option<&str> {
        self.0.document_reference.as_deref()
    }

    /// A stored record, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: ReviewInput) -> Self {
        Self(stored)
    }
}

/// One thing due on an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    /// `due_on` has passed and it has not been recorded as done.
    pub overdue: bool,
    /// The last review of this kind; `None` for revisions.
    pub last_done_on: Option<NaiveDate>,
}

/// One due item on one of an administrator's agreements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgendaItem {
    pub agreement_id: Uuid,
    pub item: DueItem,
}

/// `date` plus `months` calendar months, clamped to the month's last day
/// (2020-02-29 + 12 = 2021-02-28; 2019-01-31 + 1 = 2019-02-28). `None` past year 262 143.
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// The due items of an adopted agreement on `today`, sorted by due date.
///
/// - `follow_up`, `evaluation`: by cadence from `first.valid_from()` (when the agreement came
///   into force: a revision changes the text, not the rhythm of its follow-up), as the
///   module documentation describes.
/// - `external_evaluation`: the fixed date, until an external evaluation is recorded in its
///   year or later (Kristianstad's "2020" is stored as 2020-12-31; one done during 2020
///   fulfils it). Once done, it is no longer listed.
/// - `revision`: the earliest of the revision deadline (if after the current version's
///   `valid_from`: earlier deadlines were met by adopting it), `current.valid_from()` + the
///   revision interval, and `current.valid_until` (a version that lapses needs its successor
///   by then). Södertälje: 2018-10-01 + 48 months = deadline = valid until = 2022-10-01.
///   Adopting a revision is what clears it.
pub fn due_items(
    first: &AdoptionRecord,
    current: &AdoptionRecord,
    settings: &AgreementSettings,
    reviews: &[ReviewRecord],
    today: NaiveDate,
) -> Vec<DueItem> {
    let last_done = |kind: ReviewKind| {
        reviews
            .iter()
            .filter(|r| r.kind() == kind)
            .map(ReviewRecord::done_on)
            .max()
    };
    let mut items = Vec::new();
    let mut push = |kind: DueKind, due_on: NaiveDate, last_done_on: Option<NaiveDate>| {
        // Beyond the last date the software accepts nothing is planned: the calendar never
        // shows a date outside `dates`' range.
        if !crate::dates::accepted(due_on) {
            return;
        }
        items.push(DueItem {
            kind,
            due_on,
            overdue: due_on < today,
            last_done_on,
        });
    };

    let cadences = [
        (ReviewKind::FollowUp, settings.follow_up_months),
        (ReviewKind::Evaluation, settings.evaluation_months),
    ];
    for (kind, months) in cadences {
        if let Some(months) = months.filter(|&m| m > 0) {
            let last = last_done(kind);
            if let Some(due) = next_periodic(first.valid_from(), months, last) {
                push(kind.into(), due, last);
            }
        }
    }

    if let Some(date) = settings.external_evaluation_on {
        let last = last_done(ReviewKind::ExternalEvaluation);
        let done = reviews.iter().any(|r| {
            r.kind() == ReviewKind::ExternalEvaluation && r.done_on().year() >= date.year()
        });
        if !done {
            push(DueKind::ExternalEvaluation, date, last);
        }
    }

    let revision = [
        settings
            .revision_deadline
            .filter(|&deadline| deadline > current.valid_from()),
        settings
            .revision_interval_months
            .filter(|&m| m > 0)
            .and_then(|m| add_months(current.valid_from(), m)),
        current.valid_until(),
    ]
    .into_iter()
    .flatten()
    .min();
    if let Some(due) = revision {
        push(DueKind::Revision, due, None);
    }

    items.sort_by_key(|i| (i.due_on, i.kind));
    items
}

/// The scheduled date after the one the last review counts for (see the module docs).
fn next_periodic(
    anchor: NaiveDate,
    months: u32,
    last_done: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let scheduled = |k: u32| add_months(anchor, months.checked_mul(k)?);
    let Some(done) = last_done else {
        return scheduled(1);
    };
    let mut k = 0;
    loop {
        let previous = scheduled(k)?;
        let next = scheduled(k + 1)?;
        if next > done {
            let counts_for = if done - previous < next - done {
                k
            } else {
                k + 1
            };
            return scheduled(counts_for + 1);
        }
        k += 1;
    }
}

/// What is due or overdue across the agreements `principal` administers: every overdue
/// item, and those due within `horizon_days` of `today`; soonest first.
pub fn administrator_agenda<'a>(
    principal: &Principal,
    agreements: impl IntoIterator<Item = &'a Agreement>,
    today: NaiveDate,
    horizon_days: u32,
) -> Vec<AgendaItem> {
    let until = today
        .checked_add_days(chrono::Days::new(u64::from(horizon_days)))
        .unwrap_or(NaiveDate::MAX);
    let mut agenda: Vec<AgendaItem> = agreements
        .into_iter()
        .filter(|a| may_administer(principal, a))
        .flat_map(|a| {
            a.due_items(today)
                .into_iter()
                .filter(|i| i.due_on <= until)
                .map(|item| AgendaItem {
                    agreement_id: a.id(),
                    item,
                })
        })
        .collect();
    agenda.sort_by_key(|a| (a.item.due_on, a.agreement_id, a.item.kind));
    agenda
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::access::testing::principal;
    use crate::agreement::testing::*;
    use crate::agreement::{AdoptionInput, NewAgreement, PartiesInput};

    fn review(kind: ReviewKind, done_on: NaiveDate) -> ReviewRecord {
        ReviewRecord::restore(review_input(kind, done_on))
    }

    fn review_input(kind: ReviewKind, done_on: NaiveDate) -> ReviewInput {
        ReviewInput {
            id: Uuid::from_u128(u128::from(done_on.num_days_from_ce().unsigned_abs())),
            kind,
            done_on,
            summary: "Uppföljningen är gjord och redovisad.".into(),
            recorded_by: "processledare".into(),
            acting_for: RequestingSide::PublicBody,
            reported_to: None,
            document_reference: None,
        }
    }

    fn every(months: u32) -> AgreementSettings {
        AgreementSettings {
            follow_up_months: Some(months),
            ..AgreementSettings::default()
        }
    }

    #[test]
    fn nothing_is_planned_beyond_the_last_accepted_date() {
        let from = date(2199, 6, 1);
        let items = due_items(
            &adoption_record(from),
            &adoption_record(from),
            &every(12),
            &[],
            date(2199, 7, 1),
        );
        assert!(items.is_empty(), "{items:?}");
        let items = due_items(
            &adoption_record(date(2198, 6, 1)),
            &adoption_record(date(2198, 6, 1)),
            &every(12),
            &[],
            date(2198, 7, 1),
        );
        assert_eq!(items.len(), 1);
    }

    /// The due follow-up with reviews done on `done`, for an agreement in force from `from`.
    fn next_follow_up(
        from: NaiveDate,
        months: u32,
        done: &[NaiveDate],
        today: NaiveDate,
    ) -> DueItem {
        let reviews: Vec<_> = done
            .iter()
            .map(|&d| review(ReviewKind::FollowUp, d))
            .collect();
        let items = due_items(
            &adoption_record(from),
            &adoption_record(from),
            &every(months),
            &reviews,
            today,
        );
        assert_eq!(items.len(), 1, "{items:?}");
        items[0]
    }

    #[test]
    fn months_clamp_to_month_ends() {
        assert_eq!(add_months(date(2020, 2, 29), 12), Some(date(2021, 2, 28)));
        assert_eq!(add_months(date(2019, 1, 31), 1), Some(date(2019, 2, 28)));
        assert_eq!(add_months(date(2020, 1, 31), 1), Some(date(2020, 2, 29)));
        assert_eq!(add_months(date(2019, 1, 31), 2), Some(date(2019, 3, 31)));
        assert_eq!(add_months(date(2020, 2, 29), 48), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2018, 10, 1), 48), Some(date(2022, 10, 1)));
        assert_eq!(add_months(NaiveDate::MAX, 1), None);
    }

    #[test]
    fn first_follow_up_after_a_leap_day_adoption() {
        let due = next_follow_up(date(2020, 2, 29), 12, &[], date(2021, 2, 28));
        assert_eq!(
            due,
            DueItem {
                kind: DueKind::FollowUp,
                due_on: date(2021, 2, 28),
                overdue: false,
                last_done_on: None
            },
            "due today is not overdue"
        );
        assert!(next_follow_up(date(2020, 2, 29), 12, &[], date(2021, 3, 1)).overdue);
    }

    #[test]
    fn a_monthly_schedule_does_not_drift_at_month_ends() {
        let from = date(2019, 1, 31);
        assert_eq!(next_follow_up(from, 1, &[], from).due_on, date(2019, 2, 28));
        let after_february = next_follow_up(from, 1, &[date(2019, 2, 28)], date(2019, 3, 1));
        assert_eq!(after_february.due_on, date(2019, 3, 31), "not 2019-03-28");
        assert_eq!(after_february.last_done_on, Some(date(2019, 2, 28)));
    }

    #[test]
    fn a_review_counts_for_the_nearest_scheduled_date() {
        let from = date(2019, 10, 1);
        let today = date(2020, 12, 1);
        for (done, next) in [
            (date(2020, 9, 20), date(2021, 10, 1)),  // a little early
            (date(2020, 10, 1), date(2021, 10, 1)),  // on the day
            (date(2020, 11, 15), date(2021, 10, 1)), // a little late
            (date(2019, 12, 1), date(2020, 10, 1)),  // soon after adoption: not the annual one
        ] {
            let due = next_follow_up(from, 12, &[done], today);
            assert_eq!(due.due_on, next, "done {done}");
            assert_eq!(due.last_done_on, Some(done));
        }
        // Exactly between two scheduled dates (2020-04-01 is 183 days from both): the later.
        let midway = next_follow_up(date(2019, 10, 1), 12, &[date(2020, 4, 1)], today);
        assert_eq!(midway.due_on, date(2021, 10, 1));
    }

    #[test]
    fn a_missed_year_stays_overdue_until_a_review_catches_up() {
        let from = date(2019, 10, 1);
        let missed = next_follow_up(from, 12, &[date(2020, 10, 5)], date(2022, 3, 1));
        assert_eq!((missed.due_on, missed.overdue), (date(2021, 10, 1), true));
        let caught_up = next_follow_up(
            from,
            12,
            &[date(2020, 10, 5), date(2023, 1, 10)],
            date(2023, 2, 1),
        );
        assert_eq!(
            (caught_up.due_on, caught_up.overdue),
            (date(2023, 10, 1), false),
            "one late follow-up counts for the nearest year, not for every missed one"
        );
        let order_does_not_matter = next_follow_up(
            from,
            12,
            &[date(2023, 1, 10), date(2020, 10, 5)],
            date(2023, 2, 1),
        );
        assert_eq!(order_does_not_matter.due_on, date(2023, 10, 1));
    }

    #[test]
    fn follow_up_and_evaluation_are_counted_separately() {
        let from = date(2016, 3, 15);
        let settings = AgreementSettings {
            follow_up_months: Some(12),
            evaluation_months: Some(48),
            ..AgreementSettings::default()
        };
        let reviews = [
            review(ReviewKind::FollowUp, date(2020, 3, 10)),
            review(ReviewKind::Evaluation, date(2020, 4, 1)),
        ];
        let items = due_items(
            &adoption_record(from),
            &adoption_record(from),
            &settings,
            &reviews,
            date(2021, 1, 1),
        );
        assert_eq!(
            items,
            [
                DueItem {
                    kind: DueKind::FollowUp,
                    due_on: date(2021, 3, 15),
                    overdue: false,
                    last_done_on: Some(date(2020, 3, 10)),
                },
                DueItem {
                    kind: DueKind::Evaluation,
                    due_on: date(2024, 3, 15),
                    overdue: false,
                    last_done_on: Some(date(2020, 4, 1)),
                },
            ]
        );
    }

    /// Kristianstad: "extern utvärdering skall ske 2020".
    #[test]
    fn an_external_evaluation_is_due_once() {
        let from = date(2016, 3, 15);
        let settings = AgreementSettings {
            external_evaluation_on: Some(date(2020, 12, 31)),
            ..AgreementSettings::default()
        };
        let due = |reviews: &[ReviewRecord], today| {
            due_items(
                &adoption_record(from),
                &adoption_record(from),
                &settings,
                reviews,
                today,
            )
        };
        assert_eq!(
            due(&[], date(2020, 6, 1)),
            [DueItem {
                kind: DueKind::ExternalEvaluation,
                due_on: date(2020, 12, 31),
                overdue: false,
                last_done_on: None
            }]
        );
        assert!(due(&[], today())[0].overdue);
        let too_early = [review(ReviewKind::ExternalEvaluation, date(2019, 12, 1))];
        assert_eq!(
            due(&too_early, today())[0].last_done_on,
            Some(date(2019, 12, 1))
        );
        let other_kind = [review(ReviewKind::Evaluation, date(2020, 5, 1))];
        assert_eq!(
            due(&other_kind, today()).len(),
            1,
            "an internal evaluation does not count"
        );
        for done in [date(2020, 1, 2), date(2021, 4, 1)] {
            let done = [review(ReviewKind::ExternalEvaluation, done)];
            assert!(due(&done, today()).is_empty(), "done in or after 2020");
        }
    }

    /// A revision deadline on the day the current version came into force was met by
    /// adopting that version.
    #[test]
    fn a_revision_deadline_met_by_the_current_version_is_not_due() {
        let from = date(2022, 10, 1);
        let settings = AgreementSettings {
            revision_deadline: Some(from),
            ..AgreementSettings::default()
        };
        let record = adoption(from).validated(today()).expect("a valid adoption");
        let items = due_items(&record, &record, &settings, &[], today());
        assert!(items.is_empty(), "{items:?}");
    }

    /// Södertälje: valid until 2022-10-01, revised every four years, by 2022-10-01.
    #[test]
    fn sodertalje_revision_is_overdue() {
        let current = AdoptionRecord::restore(AdoptionInput {
            valid_until: Some(date(2022, 10, 1)),
            ..adoption(date(2018, 10, 1))
        });
        let settings = AgreementSettings {
            follow_up_months: Some(12),
            revision_interval_months: Some(48),
            revision_deadline: Some(date(2022, 10, 1)),
            ..AgreementSettings::default()
        };
        let items = due_items(&current, &current, &settings, &[], today());
        assert_eq!(
            items,
            [
                DueItem {
                    kind: DueKind::FollowUp,
                    due_on: date(2019, 10, 1),
                    overdue: true,
                    last_done_on: None
                },
                DueItem {
                    kind: DueKind::Revision,
                    due_on: date(2022, 10, 1),
                    overdue: true,
                    last_done_on: None
                },
            ]
        );
    }

    #[test]
    fn revision_due_is_the_earliest_of_deadline_interval_and_validity() {
        let current = adoption_record(date(2018, 10, 1));
        let revision_due = |settings: AgreementSettings, current: &AdoptionRecord| {
            due_items(current, current, &settings, &[], date(2019, 1, 1))
                .into_iter()
                .find(|i| i.kind == DueKind::Revision)
                .map(|i| i.due_on)
        };
        assert_eq!(revision_due(AgreementSettings::default(), &current), None);
        let interval = AgreementSettings {
            revision_interval_months: Some(48),
            ..AgreementSettings::default()
        };
        assert_eq!(
            revision_due(interval.clone(), &current),
            Some(date(2022, 10, 1))
        );
        let earlier_deadline = AgreementSettings {
            revision_deadline: Some(date(2021, 6, 30)),
            ..interval.clone()
        };
        assert_eq!(
            revision_due(earlier_deadline, &current),
            Some(date(2021, 6, 30))
        );
        let met_deadline = AgreementSettings {
            revision_deadline: Some(date(2018, 10, 1)),
            ..interval.clone()
        };
        assert_eq!(
            revision_due(met_deadline, &current),
            Some(date(2022, 10, 1)),
            "a deadline on or before the version's start was met by adopting it"
        );
        let lapsing = AdoptionRecord::restore(AdoptionInput {
            valid_until: Some(date(2020, 12, 31)),
            ..adoption(date(2018, 10, 1))
        });
        assert_eq!(revision_due(interval, &lapsing), Some(date(2020, 12, 31)));
        assert_eq!(
            revision_due(AgreementSettings::default(), &lapsing),
            Some(date(2020, 12, 31))
        );
    }

    #[test]
    fn a_revision_restarts_the_revision_clock_but_not_the_follow_up() {
        let mut a = adopted(date(2018, 10, 1));
        a.record_review(
            review_input(ReviewKind::FollowUp, date(2021, 10, 4)),
            today(),
        )
        .expect("records");
        a.start_revision(content()).expect("starts");
        a.adopt_revision(adoption(date(2022, 11, 7)), today())
            .expect("adopts");
        let items = a.due_items(date(2023, 1, 1));
        assert_eq!(
            items,
            [
                DueItem {
                    kind: DueKind::FollowUp,
                    due_on: date(2022, 10, 1),
                    overdue: true,
                    last_done_on: Some(date(2021, 10, 4)),
                },
                DueItem {
                    kind: DueKind::Revision,
                    due_on: date(2026, 11, 7),
                    overdue: false,
                    last_done_on: None,
                },
            ]
        );
    }

    #[test]
    fn administrators_see_what_is_due_on_their_agreements() {
        let mut sodertalje = draft();
        sodertalje
            .adopt(
                AdoptionInput {
                    valid_until: Some(date(2022, 10, 1)),
                    ..adoption(date(2018, 10, 1))
                },
                today(),
            )
            .expect("adopts");
        sodertalje
            .record_review(
                review_input(ReviewKind::FollowUp, date(2026, 10, 1)),
                today(),
            )
            .expect("records");
        let mut eslov = Agreement::create(
            Uuid::from_u128(0xE),
            NewAgreement {
                parties: PartiesInput {
                    owner_public_body_id: OTHER_BODY,
                    party_public_body_ids: vec![OTHER_BODY],
                    ..parties()
                },
                settings: AgreementSettings {
                    revision_interval_months: None,
                    ..settings()
                },
                content: content(),
            },
        )
        .expect("a valid agreement");
        eslov
            .adopt(adoption(date(2019, 12, 1)), today())
            .expect("adopts");
        let still_a_draft =
            Agreement::create(Uuid::from_u128(0xD), new_agreement()).expect("a valid agreement");
        let agreements = [sodertalje, eslov, still_a_draft];

        let mut admin = principal(&[Role::AgreementAdmin]);
        admin.public_body_id = Some(OWNER);
        let agenda = administrator_agenda(&admin, &agreements, today(), 30);
        assert_eq!(
            agenda
                .iter()
                .map(|a| (a.agreement_id, a.item.kind, a.item.due_on, a.item.overdue))
                .collect::<Vec<_>>(),
            [(AGREEMENT, DueKind::Revision, date(2022, 10, 1), true)],
            "the next follow-up (2027-10-01) is beyond the horizon; the other body's agreement is not shown"
        );

        let platform = principal(&[Role::PlatformAdmin]);
        let everything = administrator_agenda(&platform, &agreements, today(), 3650);
        assert_eq!(
            everything
                .iter()
                .map(|a| (a.agreement_id, a.item.kind, a.item.due_on))
                .collect::<Vec<_>>(),
            [
                (Uuid::from_u128(0xE), DueKind::FollowUp, date(2020, 12, 1)),
                (AGREEMENT, DueKind::Revision, date(2022, 10, 1)),
                (AGREEMENT, DueKind::FollowUp, date(2027, 10, 1)),
            ],
            "soonest first; drafts have nothing due"
        );
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn day(offset: u32) -> NaiveDate {
            date(2000, 1, 1) + chrono::Days::new(u64::from(offset))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Whatever the dates, the next due date is a scheduled date after the last
            /// review, and no more than one and a half periods after it.
            #[test]
            fn the_next_due_date_is_the_next_scheduled_one(
                anchor in 0u32..20_000,
                months in 1u32..=60,
                done_after in 0u32..10_000,
            ) {
                let anchor = day(anchor);
                let done = anchor + chrono::Days::new(u64::from(done_after));
                let next = next_periodic(anchor, months, Some(done)).expect("in range");
                prop_assert!(next > done);
                let scheduled = (1..).map(|k| add_months(anchor, months * k).expect("in range"));
                prop_assert!(scheduled.take_while(|d| *d <= next).any(|d| d == next));
                // Month ends clamp (31 Jan + 1 month = 28 Feb), which can shift a scheduled
                // date by up to three days against the same span counted from `done`.
                let latest = add_months(done, months + months.div_ceil(2)).expect("in range")
                    + chrono::Days::new(3);
                prop_assert!(next <= latest, "{next} after {latest}");
            }

            /// A review can only push the due date later, never earlier.
            #[test]
            fn recording_a_review_never_brings_the_due_date_forward(
                anchor in 0u32..20_000,
                months in 1u32..=60,
                first in 0u32..5_000,
                gap in 0u32..5_000,
            ) {
                let anchor = day(anchor);
                let earlier = anchor + chrono::Days::new(u64::from(first));
                let later = earlier + chrono::Days::new(u64::from(gap));
                let before = next_periodic(anchor, months, Some(earlier)).expect("in range");
                let after = next_periodic(anchor, months, Some(later)).expect("in range");
                prop_assert!(after >= before);
                prop_assert!(next_periodic(anchor, months, None).expect("in range") <= before);
            }
        }
    }
}
