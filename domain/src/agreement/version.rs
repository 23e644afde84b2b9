//! One version of an agreement's text, and the records of its consultation and adoption.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::AgreementField;
use super::VersionContent;
use super::limits::*;
use super::translation::{LanguageTag, VersionTranslation};
use crate::consultation::{ConsultationReport, ConsultationSetup};
use crate::error::{DomainError, Validator};

/// A version's place in the lifecycle. Only `draft` and `consultation` versions can be
/// edited; `adopted` is the version in force (at most one); `superseded` and
/// `abandoned` stay on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Consultation,
    Adopted,
    Superseded,
    Abandoned,
}

crate::enum_text::enum_text!(VersionStatus);

/// The referral round (remiss). Adoption closes it on the decision date if it is still open,
/// and may record how its responses were weighed (the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationRecord {
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    /// The deadline, the invited and the questions; `None` for a consultation recorded
    /// before they were asked for.
    setup: Option<ConsultationSetup>,
    report: Option<ConsultationReport>,
}

impl ConsultationRecord {
    pub fn opened_on(&self) -> NaiveDate {
        self.opened_on
    }

    pub fn closed_on(&self) -> Option<NaiveDate> {
        self.closed_on
    }

    pub fn setup(&self) -> Option<&ConsultationSetup> {
        self.setup.as_ref()
    }

    /// How the responses were weighed, recorded with the adoption.
    pub fn report(&self) -> Option<&ConsultationReport> {
        self.report.as_ref()
    }

    /// A stored record, read back: trusted stored data, not a way around the rules.
    pub fn restore(
        opened_on: NaiveDate,
        closed_on: Option<NaiveDate>,
        setup: Option<ConsultationSetup>,
        report: Option<ConsultationReport>,
    ) -> Self {
        Self {
            opened_on,
            closed_on,
            setup,
            report,
        }
    }
}

/// The political decision that puts a version in force, as the caller states it; an
/// operation checks it ([`AdoptionInput::validated`]) and keeps an [`AdoptionRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdoptionInput {
    /// The deciding body as the decision names it: "Kommunfullmäktige", "Kommunstyrelsen",
    /// "Regionfullmäktige".
    pub decided_by: String,
    pub decision_date: NaiveDate,
    pub diary_number: Option<String>,
    pub valid_from: NaiveDate,
    /// Last day of validity (t.o.m., inclusive); `None`: until further notice (tills vidare).
    pub valid_until: Option<NaiveDate>,
}

impl AdoptionInput {
    /// The record trimmed, or its invalid fields named (`decided_by`, `decision_date`,
    /// `valid_until`). A decision is a fact: it cannot be dated after `today`; validity may
    /// start later.
    pub fn validated(&self, today: NaiveDate) -> Result<AdoptionRecord, DomainError> {
        let mut v = Validator::new();
        let decided_by = v.text("decided_by", &self.decided_by, DECIDED_BY_MAX);
        let diary_number = v.optional_text(
            "diary_number",
            self.diary_number.as_deref(),
            DIARY_NUMBER_MAX,
        );
        if self.decision_date > today {
            v.add("decision_date", AgreementField::DecisionInFuture);
        }
        if let Some(until) = self.valid_until
            && until <= self.valid_from
        {
            v.add("valid_until", AgreementField::ValidUntilNotAfterValidFrom);
        }
        v.finish()?;
        Ok(AdoptionRecord(Self {
            decided_by: decided_by.unwrap_or_default(),
            diary_number,
            ..self.clone()
        }))
    }
}

/// The decision that put a version in force (Södertälje: "Fastställd av
/// kommunfullmäktige 2018-10-01", dnr KS 17/53, "Giltighet t.o.m: 2022-10-01"): an
/// [`AdoptionInput`] that passed its checks, read through its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptionRecord(AdoptionInput);

impl AdoptionRecord {
    pub fn decided_by(&self) -> &str {
        &self.0.decided_by
    }

    pub fn decision_date(&self) -> NaiveDate {
        self.0.decision_date
    }

    pub fn diary_number(&self) -> Option<&str> {
        self.0.diary_number.as_deref()
    }

    pub fn valid_from(&self) -> NaiveDate {
        self.0.valid_from
    }

    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.0.valid_until
    }

    /// Whether the validity period has ended (`valid_until` is inclusive).
    pub fn has_expired(&self, today: NaiveDate) -> bool {
        self.0.valid_until.is_some_and(|until| until < today)
    }

    /// A stored record, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: AdoptionInput) -> Self {
        Self(stored)
    }
}

/// One version of the agreement's text with its consultation and adoption. Changed only by
/// the agreement's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementVersion {
    number: u32,
    status: VersionStatus,
    content: VersionContent,
    consultation: Option<ConsultationRecord>,
    adoption: Option<AdoptionRecord>,
    superseded_on: Option<NaiveDate>,
    /// Ordered by language tag; at most one per language, never Swedish.
    translations: Vec<VersionTranslation>,
}

/// A stored version's parts, for [`AgreementVersion::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionParts {
    pub number: u32,
    pub status: VersionStatus,
    pub content: VersionContent,
    pub consultation: Option<ConsultationRecord>,
    pub adoption: Option<AdoptionRecord>,
    pub superseded_on: Option<NaiveDate>,
    pub translations: Vec<VersionTranslation>,
}

impl AgreementVersion {
    pub(super) fn draft(number: u32, content: VersionContent) -> Self {
        Self {
            number,
            status: VersionStatus::Draft,
            content,
            consultation: None,
            adoption: None,
            superseded_on: None,
            translations: Vec::new(),
        }
    }

    /// A stored version, read back: trusted stored data, not a way around the rules.
    pub fn restore(parts: VersionParts) -> Self {
        Self {
            number: parts.number,
            status: parts.status,
            content: parts.content,
            consultation: parts.consultation,
            adoption: parts.adoption,
            superseded_on: parts.superseded_on,
            translations: parts.translations,
        }
    }

    /// 1 for the first text, then one more per revision.
    pub fn number(&self) -> u32 {
        self.number
    }

    pub fn status(&self) -> VersionStatus {
        self.status
    }

    pub fn content(&self) -> &VersionContent {
        &self.content
    }

    pub fn consultation(&self) -> Option<&ConsultationRecord> {
        self.consultation.as_ref()
    }

    pub fn adoption(&self) -> Option<&AdoptionRecord> {
        self.adoption.as_ref()
    }

    /// The day the next version took effect, for a superseded version.
    pub fn superseded_on(&self) -> Option<NaiveDate> {
        self.superseded_on
    }

    /// The recorded translations of the text, ordered by language tag.
    pub fn translations(&self) -> &[VersionTranslation] {
        &self.translations
    }

    pub fn translation(&self, language: &LanguageTag) -> Option<&VersionTranslation> {
        self.translations.iter().find(|t| t.language() == language)
    }

    /// The languages the text can be read in: Swedish, then every translation's.
    pub fn languages(&self) -> impl Iterator<Item = &LanguageTag> + Clone {
        self.translations.iter().map(VersionTranslation::language)
    }

    /// Draft and consultation texts are still being worked on.
    pub fn is_editable(&self) -> bool {
        matches!(
            self.status,
            VersionStatus::Draft | VersionStatus::Consultation
        )
    }

    /// A text on consultation is a public document (remiss) while the consultation runs.
    pub fn is_on_consultation(&self) -> bool {
        self.status == VersionStatus::Consultation
    }

    /// Texts that were adopted are public record; drafts and abandoned texts are not.
    pub fn is_publicly_visible(&self) -> bool {
        matches!(
            self.status,
            VersionStatus::Adopted | VersionStatus::Superseded
        )
    }

    // The steps of the agreement's operations, which check the rules before taking them.

    pub(super) fn replace_content(&mut self, content: VersionContent) {
        self.content = content;
    }

    pub(super) fn open_consultation(&mut self, opened_on: NaiveDate, setup: ConsultationSetup) {
        self.status = VersionStatus::Consultation;
        self.consultation = Some(ConsultationRecord {
            opened_on,
            closed_on: None,
            setup: Some(setup),
            report: None,
        });
    }

    /// Puts the version in force; a consultation still open closes on the decision date and
    /// keeps the report of how its responses were weighed.
    pub(super) fn adopt(&mut self, record: AdoptionRecord, report: Option<ConsultationReport>) {
        if let Some(c) = &mut self.consultation {
            if c.closed_on.is_none() {
                c.closed_on = Some(record.decision_date());
            }
            if report.is_some() {
                c.report = report;
            }
        }
        self.status = VersionStatus::Adopted;
        self.adoption = Some(record);
    }

    pub(super) fn supersede(&mut self, on: NaiveDate) {
        self.status = VersionStatus::Superseded;
        self.superseded_on = Some(on);
    }

    /// Records a translation, replacing the one of its language if there is one.
    pub(super) fn record_translation(&mut self, translation: VersionTranslation) {
        self.translations
            .retain(|t| t.language() != translation.language());
        self.translations.push(translation);
        self.translations
            .sort_by(|a, b| a.language().cmp(b.language()));
    }

    pub(super) fn abandon(&mut self) {
        self.status = VersionStatus::Abandoned;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn record() -> AdoptionInput {
        AdoptionInput {
            decided_by: " Kommunfullmäktige ".into(),
            decision_date: date(2018, 10, 1),
            diary_number: Some(" KS 17/53 ".into()),
            valid_from: date(2018, 10, 1),
            valid_until: Some(date(2022, 10, 1)),
        }
    }

    #[test]
    fn adoption_record_is_trimmed() {
        let r = record().validated(date(2026, 11, 23)).expect("valid");
        assert_eq!(r.decided_by(), "Kommunfullmäktige");
        assert_eq!(r.diary_number(), Some("KS 17/53"));
        let mut blank = record();
        blank.diary_number = Some(" ".into());
        assert_eq!(
            blank
                .validated(date(2026, 11, 23))
                .expect("valid")
                .diary_number(),
            None
        );
    }

    #[test]
    fn adoption_record_errors() {
        let r = AdoptionInput {
            decided_by: String::new(),
            decision_date: date(2026, 11, 24),
            diary_number: Some("Ö".repeat(DIARY_NUMBER_MAX + 1)),
            valid_from: date(2026, 12, 1),
            valid_until: Some(date(2026, 12, 1)),
        };
        let DomainError::Invalid(errors) = r.validated(date(2026, 11, 23)).expect_err("invalid")
        else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("decided_by", "required"),
                ("diary_number", "too_long"),
                ("decision_date", "in_future"),
                ("valid_until", "not_after_valid_from"),
            ]
        );
    }

    /// A council may adopt and register on the same day; a validity of one day is a
    /// validity (`valid_until` is the last day, inclusive).
    #[test]
    fn an_adoption_decided_today_and_valid_for_one_day_is_valid() {
        let today = date(2026, 11, 23);
        let r = AdoptionInput {
            decision_date: today,
            valid_from: today,
            valid_until: Some(date(2026, 11, 24)),
            ..record()
        };
        assert!(r.validated(today).is_ok());
    }

    #[test]
    fn validity_is_inclusive() {
        let r = AdoptionRecord::restore(record());
        assert!(!r.has_expired(date(2022, 10, 1)), "t.o.m. the last day");
        assert!(r.has_expired(date(2022, 10, 2)));
        let until_further_notice = AdoptionRecord::restore(AdoptionInput {
            valid_until: None,
            ..record()
        });
        assert!(!until_further_notice.has_expired(date(2999, 1, 1)));
    }

    #[test]
    fn editable_and_public_versions() {
        let mut v = AgreementVersion::draft(1, VersionContent::default());
        for (status, editable, public) in [
            (VersionStatus::Draft, true, false),
            (VersionStatus::Consultation, true, false),
            (VersionStatus::Adopted, false, true),
            (VersionStatus::Superseded, false, true),
            (VersionStatus::Abandoned, false, false),
        ] {
            v.status = status;
            assert_eq!(v.is_editable(), editable, "{status}");
            assert_eq!(v.is_publicly_visible(), public, "{status}");
        }
    }
}
