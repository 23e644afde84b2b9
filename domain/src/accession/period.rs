//! When a signatory was a party: the periods behind the public list of signatories that
//! municipal websites embed (Blekinge: "Alla organisationer som ansluter sig presenteras på
//! överenskommelsens hemsida").
//!
//! Periods are half-open: `since` is the first day as a signatory (the approval date),
//! `until` the first day no longer one (a withdrawal's effective date, or the end date).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::lifecycle::Accession;
use super::values::{AccessionState, Signatory};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatoryPeriod {
    pub since: NaiveDate,
    /// Exclusive; `None` while the accession is approved.
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignatoryStatus {
    Current,
    Former,
}

impl SignatoryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Former => "former",
        }
    }
}

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
            AccessionState::Approved => Some(Self { since, until: None }),
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
    /// The first day no longer a signatory, once the accession is withdrawn or ended.
    pub fn left_on(&self) -> Option<NaiveDate> {
        match self.state() {
            AccessionState::Withdrawn => self.withdrawal.as_ref().map(|w| w.effective_on),
            AccessionState::Ended => self.ended_on,
            _ => None,
        }
    }

    pub fn signatory_period(&self) -> Option<SignatoryPeriod> {
        SignatoryPeriod::of(self.state(), self.approved_on, self.left_on())
    }

    pub fn is_signatory_on(&self, date: NaiveDate) -> bool {
        self.signatory_period().is_some_and(|p| p.contains(date))
    }
}

/// One line of the public list. Carries no contact person and no submitter: only who, and
/// since when (and until when, for former signatories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSignatory {
    pub signatory: Signatory,
    pub since: NaiveDate,
    /// For former signatories, the first day no longer a signatory. For current ones always
    /// `None`, even when a notice has set a later date: the list shows the agreement as of
    /// `as_of`.
    pub until: Option<NaiveDate>,
    pub status: SignatoryStatus,
}

/// The signatories as of `as_of`: current ones, and with `include_former` also those who
/// had left by then ("signatory 2017–2021").
///
/// A signatory's periods that touch or overlap (re-joined the day it left, or approved again
/// while a notice had yet to take effect) are merged into one, so a continuous membership is
/// one line. Ordered by `since`, then signatory; the API re-sorts by name.
pub fn public_signatories(
    periods: impl IntoIterator<Item = (Signatory, SignatoryPeriod)>,
    as_of: NaiveDate,
    include_former: bool,
) -> Vec<PublicSignatory> {
    let mut periods: Vec<(Signatory, SignatoryPeriod)> = periods
        .into_iter()
        .filter(|(_, p)| p.since <= as_of)
        .collect();
    periods.sort_by_key(|(s, p)| (*s, p.since));

    let mut merged: Vec<(Signatory, SignatoryPeriod)> = Vec::new();
    for (signatory, period) in periods {
        match merged.last_mut() {
            Some((s, current))
                if *s == signatory && current.until.is_none_or(|u| period.since <= u) =>
            {
                current.until = match (current.until, period.until) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => merged.push((signatory, period)),
        }
    }

    let mut list: Vec<PublicSignatory> = merged
        .into_iter()
        .filter_map(|(signatory, period)| match period.status_on(as_of)? {
            SignatoryStatus::Current => Some(PublicSignatory {
                signatory,
                since: period.since,
                until: None,
                status: SignatoryStatus::Current,
            }),
            SignatoryStatus::Former if include_former => Some(PublicSignatory {
                signatory,
                since: period.since,
                until: period.until,
                status: SignatoryStatus::Former,
            }),
            SignatoryStatus::Former => None,
        })
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
        let now = public_signatories(periods, date(2024, 1, 1), false);
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
        let with_former = public_signatories(periods, date(2024, 1, 1), true);
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
        let then = public_signatories(periods, date(2020, 1, 1), true);
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
        let list = public_signatories(periods, date(2024, 1, 1), true);
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
        let current = public_signatories(periods, date(2024, 1, 1), false);
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
        let list = public_signatories(periods, date(2024, 1, 1), true);
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
        assert!(public_signatories(periods, date(2024, 1, 1), false).is_empty());
    }

    #[test]
    fn periods_that_begin_after_as_of_are_left_out() {
        let periods = [(A, period(date(2025, 1, 1), None))];
        assert!(public_signatories(periods, date(2024, 12, 31), true).is_empty());
    }

    #[test]
    fn public_lines_carry_no_personal_data() {
        let json = serde_json::to_value(PublicSignatory {
            signatory: A,
            since: date(2017, 3, 1),
            until: Some(date(2021, 6, 30)),
            status: SignatoryStatus::Former,
        })
        .expect("serialises");
        let mut keys: Vec<_> = json.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["signatory", "since", "status", "until"]);
    }
}
