//! How each agreement is run: the seeds differ, so each difference is a setting.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::limits::*;
use super::{AgreementField, ApprovalMode, OpenDataLicence, add_months};
use crate::error::{DomainError, Validator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum PeriodUnit {
    Days,
    Months,
}

crate::enum_text::enum_text!(PeriodUnit);

impl PeriodUnit {
    /// The longest notice period in this unit: twenty years, like every interval.
    pub fn max_amount(self) -> u32 {
        match self {
            Self::Days => DAYS_MAX,
            Self::Months => MONTHS_MAX,
        }
    }
}

/// A notice period, e.g. three months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePeriod {
    pub amount: u32,
    pub unit: PeriodUnit,
}

impl NoticePeriod {
    /// The first date that gives this much notice from `date` (months clamp to month ends).
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            PeriodUnit::Days => date.checked_add_days(Days::new(u64::from(self.amount))),
            PeriodUnit::Months => add_months(date, self.amount),
        }
    }
}

/// Settings per agreement. Every field has a default so a request may send only what it
/// sets; [`AgreementSettings::validated`] checks ranges. Cadences count from the date the
/// agreement came into force (see [`super::due_items`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct AgreementSettings {
    /// Eslöv, Lund, Södertälje: registration; Blekinge: the steering group approves.
    pub approval_mode: ApprovalMode,
    /// Blekinge: "offentliga aktörer … kan ansluta sig"; the municipal agreements: no.
    pub public_bodies_may_accede: bool,
    /// What an applicant affirms, in the agreement's language (Lund: "utgår från en
    /// demokratisk värdegrund, att alla människor har ett lika värde …").
    pub eligibility_statements: Vec<String>,
    /// Follow-up (uppföljning) every n months: Eslöv, Södertälje, Blekinge 12; Lund 48.
    pub follow_up_months: Option<u32>,
    /// Evaluation (utvärdering) every n months.
    pub evaluation_months: Option<u32>,
    /// A one-off external evaluation: Kristianstad "extern utvärdering skall ske 2020".
    pub external_evaluation_on: Option<NaiveDate>,
    /// Revision every n months from the version's `valid_from` (Södertälje: every four years).
    pub revision_interval_months: Option<u32>,
    /// Revision no later than (Södertälje: "revidering senast 2022-10-01"). Applies to the
    /// version in force when it was set: a deadline on or before the current version's
    /// `valid_from` was met by adopting it.
    pub revision_deadline: Option<NaiveDate>,
    /// How often the action plan (handlingsplan, verksamhetsplan, utvecklingsplan) is
    /// followed up and renewed: Lund and Blekinge 12, Södertälje 24. Kept for the action-plan
    /// module; not part of the agreement's own calendar.
    pub action_plan_months: Option<u32>,
    /// Meetings with the signatories the public body must call each year (Södertälje:
    /// dialogue meetings at least twice; Eslöv: the annual experience exchange; Blekinge:
    /// the annual conference). 0: none required.
    pub dialogue_meetings_per_year: u32,
    /// Notice a party gives when calling for renegotiation. `None`: "skälig framförhållning"
    /// (Blekinge) without a fixed period.
    pub renegotiation_notice: Option<NoticePeriod>,
    /// When a revised version is adopted, accessions carry over (`None`) or must be
    /// reconfirmed within this many days of it taking effect.
    pub reconfirmation_days: Option<u32>,
    /// The licence of the agreement's open data (the public signatory list in the DCAT
    /// catalogue and the bulk download).
    pub open_data_licence: OpenDataLicence,
    /// The functional mailbox the open-data catalogue names as the list's contact point
    /// (`overenskommelse@kommun.se`, never a person's address). `None`: the catalogue names
    /// no contact point for the list.
    pub open_data_contact_email: Option<String>,
}

/// The longest open-data contact address (RFC 5321's path limit).
pub const OPEN_DATA_CONTACT_MAX: usize = 254;

impl Default for AgreementSettings {
    fn default() -> Self {
        Self {
            approval_mode: ApprovalMode::Registration,
            public_bodies_may_accede: false,
            eligibility_statements: Vec::new(),
            follow_up_months: None,
            evaluation_months: None,
            external_evaluation_on: None,
            revision_interval_months: None,
            revision_deadline: None,
            action_plan_months: None,
            dialogue_meetings_per_year: 0,
            renegotiation_notice: None,
            reconfirmation_days: None,
            open_data_licence: OpenDataLicence::Cc0,
            open_data_contact_email: None,
        }
    }
}

impl AgreementSettings {
    /// The settings with statements trimmed, or every invalid field named
    /// (`follow_up_months`, `eligibility_statements[2]`, `renegotiation_notice.amount`).
    pub fn validated(&self) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let mut statements: Vec<String> = Vec::with_capacity(self.eligibility_statements.len());
        if self.eligibility_statements.len() > STATEMENTS_MAX {
            v.add(
                "eligibility_statements",
                AgreementField::TooManyStatements {
                    max: STATEMENTS_MAX,
                },
            );
        } else {
            for (i, s) in self.eligibility_statements.iter().enumerate() {
                let field = format!("eligibility_statements[{i}]");
                if let Some(s) = v.text(&field, s, STATEMENT_MAX) {
                    if statements.contains(&s) {
                        v.add(field, AgreementField::StatementListedTwice);
                    } else {
                        statements.push(s);
                    }
                }
            }
        }
        let months_fields = [
            ("follow_up_months", self.follow_up_months),
            ("evaluation_months", self.evaluation_months),
            ("revision_interval_months", self.revision_interval_months),
            ("action_plan_months", self.action_plan_months),
        ];
        let months = || AgreementField::MonthsOutOfRange { max: MONTHS_MAX };
        let days = || AgreementField::DaysOutOfRange { max: DAYS_MAX };
        for (field, value) in months_fields {
            in_range(&mut v, field, value, MONTHS_MAX, months());
        }
        in_range(
            &mut v,
            "dialogue_meetings_per_year",
            Some(self.dialogue_meetings_per_year).filter(|&n| n > 0),
            MEETINGS_PER_YEAR_MAX,
            AgreementField::MeetingsOutOfRange {
                max: MEETINGS_PER_YEAR_MAX,
            },
        );
        if let Some(notice) = self.renegotiation_notice {
            let error = match notice.unit {
                PeriodUnit::Days => days(),
                PeriodUnit::Months => months(),
            };
            in_range(
                &mut v,
                "renegotiation_notice.amount",
                Some(notice.amount),
                notice.unit.max_amount(),
                error,
            );
        }
        in_range(
            &mut v,
            "reconfirmation_days",
            self.reconfirmation_days,
            DAYS_MAX,
            days(),
        );
        let contact = v
            .optional_text(
                "open_data_contact_email",
                self.open_data_contact_email.as_deref(),
                OPEN_DATA_CONTACT_MAX,
            )
            .and_then(|email| {
                if crate::accession::is_email(&email) {
                    Some(email)
                } else {
                    v.add(
                        "open_data_contact_email",
                        AgreementField::OpenDataContactNotAMailbox,
                    );
                    None
                }
            });
        v.finish()?;
        Ok(Self {
            eligibility_statements: statements,
            open_data_contact_email: contact,
            ..self.clone()
        })
    }
}

fn in_range(v: &mut Validator, field: &str, value: Option<u32>, max: u32, error: AgreementField) {
    if let Some(n) = value
        && !(1..=max).contains(&n)
    {
        v.add(field, error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn defaults_are_valid_and_json_may_omit_everything() {
        let s: AgreementSettings = serde_json::from_str("{}").expect("parses");
        assert_eq!(s, AgreementSettings::default());
        assert_eq!(s.validated().expect("valid"), s);
    }

    #[test]
    fn statements_are_trimmed_and_ranges_checked() {
        let s = AgreementSettings {
            eligibility_statements: vec![
                " Organisationen står för allas lika värde. ".into(),
                "Organisationen står för allas lika värde.".into(),
                "  ".into(),
            ],
            follow_up_months: Some(0),
            evaluation_months: Some(MONTHS_MAX + 1),
            revision_interval_months: Some(48),
            dialogue_meetings_per_year: 53,
            renegotiation_notice: Some(NoticePeriod {
                amount: 0,
                unit: PeriodUnit::Days,
            }),
            reconfirmation_days: Some(DAYS_MAX + 1),
            ..AgreementSettings::default()
        };
        let DomainError::Invalid(errors) = s.validated().expect_err("invalid") else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("eligibility_statements[1]", "duplicate"),
                ("eligibility_statements[2]", "required"),
                ("follow_up_months", "out_of_range"),
                ("evaluation_months", "out_of_range"),
                ("dialogue_meetings_per_year", "out_of_range"),
                ("renegotiation_notice.amount", "out_of_range"),
                ("reconfirmation_days", "out_of_range"),
            ]
        );

        let ok = AgreementSettings {
            eligibility_statements: vec![" Organisationen står för allas lika värde. ".into()],
            ..AgreementSettings::default()
        };
        assert_eq!(
            ok.validated().expect("valid").eligibility_statements,
            ["Organisationen står för allas lika värde."]
        );
    }

    #[test]
    fn the_open_data_contact_is_a_trimmed_mailbox() {
        let s = AgreementSettings {
            open_data_contact_email: Some(" overenskommelse@ängby.example ".into()),
            open_data_licence: OpenDataLicence::CcBy40,
            ..AgreementSettings::default()
        };
        let valid = s.validated().expect("valid");
        assert_eq!(
            valid.open_data_contact_email.as_deref(),
            Some("overenskommelse@ängby.example")
        );
        assert_eq!(
            valid.open_data_licence.uri(),
            "http://creativecommons.org/licenses/by/4.0/"
        );
        let blank = AgreementSettings {
            open_data_contact_email: Some("  ".into()),
            ..AgreementSettings::default()
        };
        assert_eq!(
            blank.validated().expect("valid").open_data_contact_email,
            None
        );
        let bad = AgreementSettings {
            open_data_contact_email: Some("Öppna data-gruppen".into()),
            ..AgreementSettings::default()
        };
        let DomainError::Invalid(errors) = bad.validated().expect_err("invalid") else {
            panic!("expected invalid")
        };
        assert_eq!(errors[0].field, "open_data_contact_email");
        assert_eq!(errors[0].code, "email");
        assert_eq!(
            AgreementSettings::default().open_data_licence.uri(),
            "http://creativecommons.org/publicdomain/zero/1.0/"
        );
    }

    #[test]
    fn too_many_statements() {
        let s = AgreementSettings {
            eligibility_statements: (0..=STATEMENTS_MAX)
                .map(|i| format!("Påstående {i}"))
                .collect(),
            ..AgreementSettings::default()
        };
        assert!(s.validated().is_err());
    }

    #[test]
    fn notice_periods() {
        let three_months = NoticePeriod {
            amount: 3,
            unit: PeriodUnit::Months,
        };
        assert_eq!(
            three_months.after(date(2023, 11, 30)),
            Some(date(2024, 2, 29))
        );
        let thirty_days = NoticePeriod {
            amount: 30,
            unit: PeriodUnit::Days,
        };
        assert_eq!(thirty_days.after(date(2024, 2, 1)), Some(date(2024, 3, 2)));
    }
}
