//! Agreements (överenskommelser): lifecycle, versions, settings and the follow-up calendar.
//!
//! ```text
//!   ┌──────────────────────── adopt ──────────────────────┐
//!   │                                                     ▼
//! draft ──open_consultation──▶ consultation ──adopt──▶ adopted ──terminate──▶ terminated
//!   └──────────── abandon ───────────┴──▶ abandoned
//!
//! while adopted, one revision at a time (the version in force keeps applying):
//!   start_revision ──▶ draft ──open_revision_consultation──▶ consultation ──adopt_revision──▶ adopted
//!                        └──────────────── abandon_revision ──────┴──▶ abandoned (kept on record)
//!   adopting a revision turns the version it replaces into `superseded`.
//! ```
//!
//! `expired` is never stored: [`Agreement::status`] shows it for an adopted agreement whose
//! version in force has a `valid_until` before `today`. Overdue follow-ups, evaluations and
//! revisions are derived the same way by [`due_items`].
//!
//! The aggregate is [`Agreement`]: its fields are read through methods and changed only by its
//! operations, and every illegal use is an [`AgreementRule`]. What a caller hands an
//! operation is an input (`AdoptionInput`, `TerminationInput`, …); what the agreement keeps is
//! the checked record (`AdoptionRecord`, `TerminationRecord`, …). Storage reads an agreement
//! back with [`Agreement::restore`].

mod calendar;
mod content;
mod demo;
mod lifecycle;
mod permissions;
mod renegotiation;
mod settings;
mod version;

use serde::{Deserialize, Serialize};

pub use calendar::{
    AgendaItem, DueItem, DueKind, ReviewInput, ReviewKind, ReviewRecord, add_months,
    administrator_agenda, due_items,
};
pub use content::{Commitment, CommitmentParty, DevelopmentArea, Principle, VersionContent};
pub use demo::DemoAgreement;
pub use lifecycle::{
    Agreement, AgreementParts, AgreementState, AgreementStatus, CivilSocietyParty,
    CivilSocietyPartyKind, NewAgreement, PartiesInput, RevisionAdopted, Scope, ShownStatus,
    TerminationInput, TerminationRecord,
};
pub use permissions::{
    Administered, PUBLIC_STATES, administered_by, is_publicly_visible, may_administer,
    may_create_agreement, may_file_renegotiation_request, may_view, may_view_version,
};
pub use renegotiation::{RenegotiationInput, RenegotiationRequest, RequestingSide};
pub use settings::{AgreementSettings, NoticePeriod, PeriodUnit};
pub use version::{
    AdoptionInput, AdoptionRecord, AgreementVersion, ConsultationRecord, VersionParts,
    VersionStatus,
};

/// Longest accepted texts and lists. Markdown fields are generous: the seeds' longest
/// sections are a few thousand characters.
pub mod limits {
    pub const TITLE_MAX: usize = 300;
    pub const PURPOSE_MAX: usize = 20_000;
    pub const BACKGROUND_MAX: usize = 50_000;
    pub const PRINCIPLES_MAX: usize = 30;
    pub const PRINCIPLE_TITLE_MAX: usize = 200;
    pub const PRINCIPLE_DESCRIPTION_MAX: usize = 10_000;
    pub const COMMITMENTS_MAX: usize = 300;
    pub const COMMITMENT_TITLE_MAX: usize = 200;
    pub const COMMITMENT_TEXT_MAX: usize = 5_000;
    pub const DEVELOPMENT_AREAS_MAX: usize = 30;
    pub const DEVELOPMENT_AREA_TITLE_MAX: usize = 200;
    pub const DEVELOPMENT_AREA_DESCRIPTION_MAX: usize = 10_000;
    pub const PARTY_NAME_MAX: usize = 200;
    pub const PARTIES_MAX: usize = 50;
    pub const DECIDED_BY_MAX: usize = 200;
    pub const DIARY_NUMBER_MAX: usize = 50;
    pub const REASON_MAX: usize = 5_000;
    pub const SUMMARY_MAX: usize = 20_000;
    pub const STATEMENTS_MAX: usize = 20;
    pub const STATEMENT_MAX: usize = 500;
    /// Cadences and intervals: up to twenty years.
    pub const MONTHS_MAX: u32 = 240;
    pub const DAYS_MAX: u32 = 3_650;
    pub const MEETINGS_PER_YEAR_MAX: u32 = 52;
}

/// How an accession becomes active (per agreement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ApprovalMode {
    /// An administrator registers the board decision it received (Eslöv, Lund, Södertälje).
    Registration,
    /// A valid decision of the agreement's steering group is required (Blekinge).
    SteeringGroup,
}

crate::enum_text::enum_text!(ApprovalMode);

/// The rules an agreement operation can break; each becomes a 409 with its `code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementRule {
    /// The referral round (remiss) is on a draft (Eslöv: "förslag … för remiss").
    #[error(
        "only a draft agreement can be sent on consultation; this one is {state} (a revision has its own consultation)"
    )]
    NotDraft { state: AgreementState },
    #[error("the consultation on this draft is already open")]
    ConsultationAlreadyOpen,
    #[error(
        "only a draft or an agreement on consultation can be adopted, abandoned or have its parties changed; this one is {state}"
    )]
    NotInPreparation { state: AgreementState },
    #[error(
        "only an adopted agreement can be revised, terminated, followed up or renegotiated; this one is {state}"
    )]
    NotAdopted { state: AgreementState },
    #[error("the agreement is {state}: it can no longer be changed")]
    Closed { state: AgreementState },
    /// An adopted text is what was decided: changing it takes a revision.
    #[error(
        "there is no draft to edit: an adopted version's text cannot change, start a revision instead"
    )]
    VersionNotEditable,
    #[error("a revision of this agreement is already in progress")]
    RevisionAlreadyInProgress,
    #[error("no revision of this agreement is in progress")]
    NoRevisionInProgress,
    /// Every seed is built on its principles (six or seven).
    #[error("an agreement cannot be adopted without at least one principle")]
    NoPrinciples,
    #[error(
        "a revision cannot be decided or take effect before the version it supersedes was decided or took effect"
    )]
    RevisionPredatesCurrent,
}

crate::rules!(AgreementRule {
    NotDraft { state } => "agreement_not_draft",
    ConsultationAlreadyOpen => "consultation_already_open",
    NotInPreparation { state } => "agreement_not_in_preparation",
    NotAdopted { state } => "agreement_not_adopted",
    Closed { state } => "agreement_closed",
    VersionNotEditable => "version_not_editable",
    RevisionAlreadyInProgress => "revision_already_in_progress",
    NoRevisionInProgress => "no_revision_in_progress",
    NoPrinciples => "no_principles",
    RevisionPredatesCurrent => "revision_predates_current",
});

/// Fixtures shared by the agreement tests: a Södertälje-like municipal agreement.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;
    use crate::error::DomainError;

    pub const AGREEMENT: Uuid = Uuid::from_u128(0xA);
    pub const OWNER: Uuid = Uuid::from_u128(181);
    pub const OTHER_BODY: Uuid = Uuid::from_u128(1285);

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    pub fn today() -> NaiveDate {
        date(2026, 11, 23)
    }

    pub fn principle(number: u32, title: &str) -> Principle {
        Principle {
            number,
            title: title.into(),
            description: format!(
                "Principen om {} är vägledande för samverkan.",
                title.to_lowercase()
            ),
        }
    }

    pub fn content() -> VersionContent {
        VersionContent {
            title: "Samverkansöverenskommelse mellan idéburen sektor och Exempelby kommun".into(),
            purpose: "Att skapa gemensamma förhållningssätt och tydliggöra rollerna.".into(),
            background: Some("Framtagen i en dialogprocess med föreningslivet.".into()),
            principles: vec![
                principle(1, "Långsiktighet"),
                principle(2, "Öppenhet och insyn"),
            ],
            commitments: vec![
                Commitment {
                    party: CommitmentParty::PublicBody,
                    title: None,
                    text: "Att se till att överenskommelsen följs upp årligen".into(),
                    principles: vec![1],
                },
                Commitment {
                    party: CommitmentParty::Both,
                    title: None,
                    text: "Att sprida information om överenskommelsen".into(),
                    principles: vec![2, 1],
                },
            ],
            development_areas: vec![DevelopmentArea {
                title: "Långsiktighet".into(),
                description: "Vi vill hålla överenskommelsen levande.".into(),
            }],
        }
    }

    pub fn parties() -> PartiesInput {
        PartiesInput {
            owner_public_body_id: OWNER,
            party_public_body_ids: vec![OWNER],
            civil_society_party: CivilSocietyParty {
                kind: CivilSocietyPartyKind::Sector,
                name: "Idéburen sektor i Södertälje".into(),
                organization_id: None,
            },
            scope: Scope::Municipal,
            municipality_codes: vec!["0181".into()],
        }
    }

    pub fn settings() -> AgreementSettings {
        AgreementSettings {
            follow_up_months: Some(12),
            revision_interval_months: Some(48),
            dialogue_meetings_per_year: 2,
            ..AgreementSettings::default()
        }
    }

    pub fn new_agreement() -> NewAgreement {
        NewAgreement {
            parties: parties(),
            settings: settings(),
            content: content(),
        }
    }

    pub fn draft() -> Agreement {
        Agreement::create(AGREEMENT, new_agreement()).expect("a valid agreement")
    }

    /// Kommunfullmäktige's decision on `on`, valid from that day until further notice.
    pub fn adoption_record(on: NaiveDate) -> AdoptionRecord {
        AdoptionRecord::restore(adoption(on))
    }

    /// Kommunfullmäktige's decision on `on`, valid from that day until further notice.
    pub fn adoption(on: NaiveDate) -> AdoptionInput {
        AdoptionInput {
            decided_by: "Kommunfullmäktige".into(),
            decision_date: on,
            diary_number: Some("KS 17/53".into()),
            valid_from: on,
            valid_until: None,
        }
    }

    pub fn adopted(on: NaiveDate) -> Agreement {
        let mut a = draft();
        a.adopt(adoption(on), today()).expect("adopts");
        a
    }

    /// The field and code of each error of an invalid request.
    pub fn invalid_fields(
        result: Result<impl std::fmt::Debug, DomainError>,
    ) -> Vec<(String, &'static str)> {
        match result {
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    /// The rule code of a refused operation.
    pub fn rule(result: Result<impl std::fmt::Debug, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a broken rule, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{DomainError, Rule};

    #[test]
    fn rules_become_conflicts_with_their_code() {
        let rule = AgreementRule::NotDraft {
            state: AgreementState::Adopted,
        };
        assert_eq!(rule.code(), "agreement_not_draft");
        let DomainError::Conflict { code, message } = DomainError::from(rule) else {
            panic!("a rule is a conflict")
        };
        assert_eq!(code, "agreement_not_draft");
        assert!(message.contains("adopted"), "{message}");
        assert_eq!(
            AgreementRule::RevisionAlreadyInProgress.code(),
            "revision_already_in_progress"
        );
    }
}
