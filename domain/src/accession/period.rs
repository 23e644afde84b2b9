//! When a signatory was a party: the periods behind the public list of signatories that
//! municipal websites embed (Blekinge: "Alla organisationer som ansluter sig presenteras på
//! överenskommelsens hemsida").
//!
//! Periods are half-open: `since` is the first day as a signatory (the approval date),
//! `until` the first day no longer one (a withdrawal's effective date, or the end date).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lifecycle::Accession;
use super::values::{AccessionState, Signatory, WithdrawalNotice};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatoryPeriod {
    pub since: NaiveDate,
    /// Exclusive; `None` while the accession is approved.
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum SignatoryStatus {
    Current,
    Former,
}

crate::enum_text::enum_text!(SignatoryStatus);

impl SignatoryPeriod {
    /// The period of an accession from its stored columns: approved, withdrawn and ended
    /// accessions have one (`left_on` being the withdrawal's effective date or the end
    /// date); submitted, rejected and cancelled ones never made anyone a signatory.
    pub fn of(
        state: AccessionState,
        approved_on: Option<NaiveDate>,
        left_on: Option<NaiveDate>,
    ) -> Option<Self> {
        let since = approved_on?;
        match state {
            // An approved accession with a reconfirmation due leaves the day after the
            // deadline unless reconfirmed: known now, not when the sweep records it.
            AccessionState::Approved => Some(Self {
                since,
                until: left_on,
            }),
            AccessionState::Withdrawn | AccessionState::Ended => Some(Self {
                since,
                until: Some(left_on.unwrap_or(since)),
            }),
            AccessionState::Submitted | AccessionState::Rejected | AccessionState::Cancelled => {
                None
            }
        }
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.since <= date && self.until.is_none_or(|until| date < until)
    }

    /// Current on `as_of`, former (left on or before it), or `None` if it had not begun.
    pub fn status_on(self, as_of: NaiveDate) -> Option<SignatoryStatus> {
        if self.contains(as_of) {
            Some(SignatoryStatus::Current)
        } else if self.since <= as_of {
            Some(SignatoryStatus::Former)
        } else {
            None
        }
    }
}

impl Accession {
    /// The first day no longer a signatory: once the accession is withdrawn or ended, and
    /// while approved with a reconfirmation due, the day after its deadline (the day the
    /// sweep will record it ended, `not_reconfirmed`, unless it is reconfirmed first).
    pub fn left_on(&self) -> Option<NaiveDate> {
        match self.state() {
            AccessionState::Withdrawn => self.withdrawal().map(WithdrawalNotice::effective_on),
            AccessionState::Ended => self.ended_on(),
            AccessionState::Approved => self.reconfirmation().map(|r| {
                let after = r.reconfirm_by().succ_opt().unwrap_or(r.reconfirm_by());
                self.approved_on()
                    .map_or(after, |approved| after.max(approved))
            }),
            _ => None,
        }
    }

    /// The state as on `on`: an accession withdrawn or ended from a later date (a
    /// withdrawal with notice, a termination with notice) is still approved until then.
    pub fn state_on(&self, on: NaiveDate) -> AccessionState {
        match (self.state(), self.left_on()) {
            (AccessionState::Withdrawn | AccessionState::Ended, Some(left_on)) if left_on > on => {
                AccessionState::Approved
            }
            // Not reconfirmed by the deadline: ended, whether or not the sweep has run.
            (AccessionState::Approved, Some(left_on)) if left_on <= on => AccessionState::Ended,
            (state, _) => state,
        }
    }

    pub fn signatory_period(&self) -> Option<SignatoryPeriod> {
        SignatoryPeriod::of(self.state(), self.approved_on(), self.left_on())
    }

    pub fn is_signatory_on(&self, date: NaiveDate) -> bool {
        self.signatory_period().is_some_and(|p| p.contains(date))
    }
}

/// One line of the public list. Carries no contact person and no submitter: only who, and
/// since when (and until when, for former signatories).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicSignatory {
    pub signatory: Signatory,
    pub since: NaiveDate,
    /// For former signatories, the first day no longer a signatory. For current ones always
    /// `None`, even when a notice has set a later date: the list shows the agreement as of
    /// `as_of`.
    pub until: Option<NaiveDate>,
    pub status: SignatoryStatus,
}

/// One stretch of continuous membership of a signatory in an agreement: the periods of its
/// accessions that touch or overlap, merged ([`merge_terms`]). What the public list shows,
/// one line per term; storage keeps the merged terms as the list's projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatoryTerm {
    /// The accession whose approval began the term (the earliest, by start and then id):
    /// the term's stable identity for paging.
    pub accession_id: Uuid,
    pub signatory: Signatory,
    pub period: SignatoryPeriod,
}

impl SignatoryTerm {
    /// The line the term makes on the public list on `as_of`: current while the period
    /// contains the date, former once it has ended (only with `include_former`), nothing
    /// before it began. In SQL over a stored term, with `since`/`until` its period:
    /// `since <= as_of AND (include_former OR until IS NULL OR until > as_of)`.
    pub fn listed_on(&self, as_of: NaiveDate, include_former: bool) -> Option<PublicSignatory> {
        let (until, status) = match self.period.status_on(as_of)? {
            SignatoryStatus::Current => (None, SignatoryStatus::Current),
            SignatoryStatus::Former if include_former => {
                (self.period.until, SignatoryStatus::Former)
            }
            SignatoryStatus::Former => return None,
        };
        Some(PublicSignatory {
            signatory: self.signatory,
            since: self.period.since,
            until,
            status,
        })
    }
}

impl Accession {
    /// The accession's own term, before merging with the signatory's other accessions.
    pub fn signatory_term(&self) -> Option<SignatoryTerm> {
        Some(SignatoryTerm {
            accession_id: self.id(),
            signatory: self.signatory(),
            period: self.signatory_period()?,
        })
    }
}

/// Merges each signatory's terms that touch or overlap (re-joined the day it left, or
/// approved again while a withdrawal notice had yet to take effect) into one, so that a
/// continuous membership is one line. Terms of different agreements must not be mixed.
/// Ordered by signatory, then start.
pub fn merge_terms(terms: impl IntoIterator<Item = SignatoryTerm>) -> Vec<SignatoryTerm> {
    let mut terms: Vec<SignatoryTerm> = terms.into_iter().collect();
    terms.sort_by_key(|t| (t.signatory, t.period.since, t.accession_id));
    let mut merged: Vec<SignatoryTerm> = Vec::new();
    for term in terms {
        match merged.last_mut() {
            Some(current)
                if current.signatory == term.signatory
                    && current.period.until.is_none_or(|u| term.period.since <= u) =>
            {
                current.period.until = match (current.period.until, term.period.until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push(term),
        }
    }
    merged
}

/// The signatories as of `as_of`: current ones, and with `include_former` also those who
/// had left by then ("signatory 2017–2021"), one line per merged term ([`merge_terms`],
/// [`SignatoryTerm::listed_on`]). Ordered by `since`, then signatory; the API sorts by name.
pub fn public_signatories(
    terms: impl IntoIterator<Item = SignatoryTerm>,
    as_of: NaiveDate,
    include_former: bool,
) -> Vec<PublicSignatory> {
    let mut list: Vec<PublicSignatory> = merge_terms(terms)
        .iter()
        .filter_map(|t| t.listed_on(as_of, include_former))
        .collect();
    list.sort_by_key(|p| (p.since, p.signatory));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn period(since: NaiveDate, until: Option<NaiveDate>) -> SignatoryPeriod {
        SignatoryPeriod { since, until }
    }

    /// Each period as the term of an accession of its own.
    fn terms(
        periods: impl IntoIterator<Item = (Signatory, SignatoryPeriod)>,
    ) -> Vec<SignatoryTerm> {
        periods
            .into_iter()
            .zip(100u128..)
            .map(|((signatory, period), id)| SignatoryTerm {
                accession_id: Uuid::from_u128(id),
                signatory,
                period,
            })
            .collect()
    }

    const A: Signatory = Signatory::Organization(Uuid::from_u128(1));
    const B: Signatory = Signatory::Organization(Uuid::from_u128(2));
    const K: Signatory = Signatory::PublicBody(Uuid::from_u128(3));

    #[test]
    fn periods_from_stored_columns() {
        let approved = date(2017, 3, 1);
        let left = date(2021, 6, 30);
        assert_eq!(
            SignatoryPeriod::of(AccessionState::Approved, Some(approved), None),
            Some(period(approved, None))
        );
        for state in [AccessionState::Withdrawn, AccessionState::Ended] {
            assert_eq!(
                SignatoryPeriod::of(state, Some(approved), Some(left)),
                Some(period(approved, Some(left)))
            );
        }
        for state in [
            AccessionState::Submitted,
            AccessionState::Rejected,
            AccessionState::Cancelled,
        ] {
            assert_eq!(SignatoryPeriod::of(state, Some(approved), None), None);
        }
        assert_eq!(
            SignatoryPeriod::of(AccessionState::Approved, None, None),
            None
        );
    }

    #[test]
    fn half_open_membership() {
        let p = period(date(2017, 3, 1), Some(date(2021, 6, 30)));
        assert!(!p.contains(date(2017, 2, 28)));
        assert!(p.contains(date(2017, 3, 1)));
        assert!(p.contains(date(2021, 6, 29)));
        assert!(!p.contains(date(2021, 6, 30)));
        assert_eq!(p.status_on(date(2017, 2, 28)), None);
        assert_eq!(
            p.status_on(date(2019, 1, 1)),
            Some(SignatoryStatus::Current)
        );
        assert_eq!(
            p.status_on(date(2021, 6, 30)),
            Some(SignatoryStatus::Former)
        );
        assert_eq!(
            period(date(2017, 3, 1), None).status_on(date(2030, 1, 1)),
            Some(SignatoryStatus::Current)
        );
    }

    #[test]
    fn list_as_of_a_date() {
        let periods = [
            (A, period(date(2017, 3, 1), Some(date(2021, 6, 30)))),
            (B, period(date(2019, 11, 5), None)),
            (K, period(date(2023, 1, 10), None)),
        ];
        let now = public_signatories(terms(periods), date(2024, 1, 1), false);
        assert_eq!(
            now,
            [
                PublicSignatory {
                    signatory: B,
                    since: date(2019, 11, 5),
                    until: None,
                    status: SignatoryStatus::Current
                },
                PublicSignatory {
                    signatory: K,
                    since: date(2023, 1, 10),
                    until: None,
                    status: SignatoryStatus::Current
                },
            ]
        );
        let with_former = public_signatories(terms(periods), date(2024, 1, 1), true);
        assert_eq!(with_former.len(), 3);
        assert_eq!(
            with_former[0],
            PublicSignatory {
                signatory: A,
                since: date(2017, 3, 1),
                until: Some(date(2021, 6, 30)),
                status: SignatoryStatus::Former
            }
        );
        // In 2020, A was a signatory and K not yet; the later withdrawal is not shown.
        let then = public_signatories(terms(periods), date(2020, 1, 1), true);
        assert_eq!(
            then.iter()
                .map(|p| (p.signatory, p.until))
                .collect::<Vec<_>>(),
            [(A, None), (B, None)]
        );
    }

    #[test]
    fn rejoining_shows_as_two_periods_and_continuity_as_one() {
        let periods = [
            (A, period(date(2017, 3, 1), Some(date(2021, 6, 30)))),
            (A, period(date(2023, 2, 1), None)),
            (B, period(date(2018, 1, 1), Some(date(2020, 1, 1)))),
            (B, period(date(2020, 1, 1), Some(date(2022, 1, 1)))),
            (B, period(date(2021, 5, 1), None)),
        ];
        let list = public_signatories(terms(periods), date(2024, 1, 1), true);
        assert_eq!(
            list.iter()
                .map(|p| (p.signatory, p.since, p.until, p.status))
                .collect::<Vec<_>>(),
            [
                (
                    A,
                    date(2017, 3, 1),
                    Some(date(2021, 6, 30)),
                    SignatoryStatus::Former
                ),
                (B, date(2018, 1, 1), None, SignatoryStatus::Current),
                (A, date(2023, 2, 1), None, SignatoryStatus::Current),
            ]
        );
        let current = public_signatories(terms(periods), date(2024, 1, 1), false);
        assert_eq!(current.len(), 2);
    }

    /// Two ended periods that overlap (approved again while a notice had yet to take
    /// effect, then left for good) are one former membership, until the later end.
    #[test]
    fn overlapping_former_periods_end_with_the_later_one() {
        let periods = [
            (A, period(date(2017, 3, 1), Some(date(2019, 6, 1)))),
            (A, period(date(2019, 3, 1), Some(date(2021, 1, 1)))),
        ];
        let list = public_signatories(terms(periods), date(2024, 1, 1), true);
        assert_eq!(
            list.iter()
                .map(|p| (p.since, p.until, p.status))
                .collect::<Vec<_>>(),
            [(
                date(2017, 3, 1),
                Some(date(2021, 1, 1)),
                SignatoryStatus::Former
            )]
        );
        assert!(public_signatories(terms(periods), date(2024, 1, 1), false).is_empty());
    }

    #[test]
    fn periods_that_begin_after_as_of_are_left_out() {
        let periods = [(A, period(date(2025, 1, 1), None))];
        assert!(public_signatories(terms(periods), date(2024, 12, 31), true).is_empty());
    }

    #[test]
    fn a_merged_term_keeps_the_accession_that_began_it() {
        let merged = merge_terms(terms([
            (A, period(date(2023, 2, 1), None)),
            (A, period(date(2017, 3, 1), Some(date(2023, 2, 1)))),
            (B, period(date(2019, 1, 1), Some(date(2020, 1, 1)))),
        ]));
        assert_eq!(
            merged,
            [
                SignatoryTerm {
                    accession_id: Uuid::from_u128(101),
                    signatory: A,
                    period: period(date(2017, 3, 1), None),
                },
                SignatoryTerm {
                    accession_id: Uuid::from_u128(102),
                    signatory: B,
                    period: period(date(2019, 1, 1), Some(date(2020, 1, 1))),
                },
            ]
        );
    }

    #[test]
    fn a_withdrawal_effective_on_the_approval_day_is_a_former_term_of_no_days() {
        let term = terms([(A, period(date(2024, 3, 1), Some(date(2024, 3, 1))))])[0];
        assert_eq!(term.listed_on(date(2024, 2, 29), true), None);
        assert_eq!(term.listed_on(date(2024, 3, 1), false), None);
        assert_eq!(
            term.listed_on(date(2024, 3, 1), true).map(|l| l.status),
            Some(SignatoryStatus::Former)
        );
    }

    mod properties {
        use std::collections::BTreeSet;

        use proptest::prelude::*;

        use super::*;

        const HORIZON: u32 = 120;

        fn day(n: u32) -> NaiveDate {
            date(2020, 1, 1) + chrono::Days::new(u64::from(n))
        }

        /// Up to eight periods of three signatories, each at least a day long, some open.
        fn periods() -> impl Strategy<Value = Vec<(Signatory, SignatoryPeriod)>> {
            let signatory = prop_oneof![Just(A), Just(B), Just(K)];
            let one = (signatory, 0u32..80, proptest::option::of(1u32..30)).prop_map(
                |(s, start, length)| (s, period(day(start), length.map(|l| day(start + l)))),
            );
            proptest::collection::vec(one, 0..8)
        }

        /// The list by its definition, day by day: a signatory is a member on a day when one
        /// of its accessions' periods contains it; a line is a maximal run of member days.
        fn by_days(
            periods: &[(Signatory, SignatoryPeriod)],
            as_of: NaiveDate,
            include_former: bool,
        ) -> BTreeSet<(Signatory, NaiveDate, Option<NaiveDate>, SignatoryStatus)> {
            let mut lines = BTreeSet::new();
            for s in [A, B, K] {
                let member = |n: u32| {
                    periods
                        .iter()
                        .any(|(who, p)| *who == s && p.contains(day(n)))
                };
                let mut n = 0;
                while n < HORIZON {
                    if !member(n) {
                        n += 1;
                        continue;
                    }
                    let start = n;
                    while n < HORIZON && member(n) {
                        n += 1;
                    }
                    let until = (n < HORIZON).then(|| day(n));
                    let run = period(day(start), until);
                    match run.status_on(as_of) {
                        Some(SignatoryStatus::Current) => {
                            lines.insert((s, run.since, None, SignatoryStatus::Current));
                        }
                        Some(SignatoryStatus::Former) if include_former => {
                            lines.insert((s, run.since, until, SignatoryStatus::Former));
                        }
                        _ => {}
                    }
                }
            }
            lines
        }

        proptest! {
            #[test]
            fn the_list_is_the_runs_of_membership(
                periods in periods(),
                as_of in (0u32..100).prop_map(day),
                include_former in any::<bool>(),
            ) {
                let list = public_signatories(terms(periods.clone()), as_of, include_former);
                let lines: BTreeSet<_> = list
                    .iter()
                    .map(|l| (l.signatory, l.since, l.until, l.status))
                    .collect();
                prop_assert_eq!(lines.len(), list.len(), "no line twice");
                prop_assert_eq!(lines, by_days(&periods, as_of, include_former));
            }

            #[test]
            fn a_signatory_is_current_at_most_once(
                periods in periods(),
                as_of in (0u32..100).prop_map(day),
            ) {
                let current: Vec<Signatory> = public_signatories(terms(periods.clone()), as_of, false)
                    .iter()
                    .map(|l| l.signatory)
                    .collect();
                let distinct: BTreeSet<_> = current.iter().copied().collect();
                prop_assert_eq!(current.len(), distinct.len());
                let members: BTreeSet<_> = periods
                    .iter()
                    .filter(|(_, p)| p.contains(as_of))
                    .map(|(s, _)| *s)
                    .collect();
                prop_assert_eq!(distinct, members);
            }
        }
    }
}
