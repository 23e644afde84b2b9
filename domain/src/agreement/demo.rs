//! The five real agreements as demo data (`demo/agreements/*.json`), in a format that names
//! public bodies by SCB code so the files do not depend on database ids.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    AdoptionInput, Agreement, AgreementField, AgreementSettings, CivilSocietyParty, NewAgreement,
    PartiesInput, RevisionAdopted, Scope, VersionContent,
};
use crate::error::DomainError;

/// One demo agreement file. [`DemoAgreement::build`] runs it through the same operations
/// and validation as API requests: create, then open the consultation, then adopt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAgreement {
    /// The file name without extension, e.g. `sodertalje-2018`.
    pub slug: String,
    /// The seed the texts come from.
    pub source: String,
    /// How the seed was read where it is silent or ambiguous.
    #[serde(default)]
    pub notes: Vec<String>,
    /// SCB code (kommunkod or länskod) of the owning public body.
    pub owner_scb_code: String,
    /// SCB codes of every public body that is a party, the owner included.
    pub party_scb_codes: Vec<String>,
    pub civil_society_party: CivilSocietyParty,
    pub scope: Scope,
    pub municipality_codes: Vec<String>,
    #[serde(default)]
    pub settings: AgreementSettings,
    /// Version 1, as adopted (or, for a proposal, as proposed).
    pub content: VersionContent,
    #[serde(default)]
    pub consultation_opened_on: Option<NaiveDate>,
    /// The consultation's deadline and question list (default: three months, no questions).
    #[serde(default)]
    pub consultation: Option<DemoConsultation>,
    #[serde(default)]
    pub adoption: Option<AdoptionInput>,
    /// A revision decided on the day the demo is loaded and taking effect on 1 January of
    /// the next year, so the demo always shows an upcoming version (`next_version`).
    #[serde(default)]
    pub upcoming_revision: Option<UpcomingRevision>,
}

/// The setup of a demo agreement's consultation, and the responses it received (each as the
/// domain takes it: received on its day, a late one registered by the administrator).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConsultation {
    pub response_deadline: NaiveDate,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub responses: Vec<DemoResponse>,
}

/// An invented response (remissvar) of a demo organisation, named as in
/// `organizations.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoResponse {
    pub organization: String,
    pub received_on: NaiveDate,
    /// Registered by the administrator (paper, e-mail); otherwise sent by a representative.
    #[serde(default)]
    pub registered: bool,
    /// Answers to the questions, in order (question 1 first).
    #[serde(default)]
    pub answers: Vec<String>,
    #[serde(default)]
    pub general_comments: Option<String>,
    /// Comments on principles by number.
    #[serde(default)]
    pub principle_comments: Vec<(u32, String)>,
}

/// An invented revision of a demo agreement: version 1's text under a new title, adopted
/// on the day the demo is loaded, in force from next New Year's Day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpcomingRevision {
    pub decided_by: String,
    pub diary_number: Option<String>,
    pub title: String,
}

impl UpcomingRevision {
    /// Starts and adopts the revision on `today`, in force from 1 January next year.
    pub fn adopt(
        &self,
        agreement: &mut Agreement,
        today: NaiveDate,
    ) -> Result<RevisionAdopted, DomainError> {
        let current = agreement
            .current_version()
            .map(|v| v.content().clone())
            .ok_or(super::AgreementRule::NotAdopted {
                state: agreement.state(),
            })?;
        agreement.start_revision(VersionContent {
            title: self.title.clone(),
            ..current
        })?;
        let new_year = NaiveDate::from_ymd_opt(today.year() + 1, 1, 1).unwrap_or(today);
        agreement.adopt_revision(
            AdoptionInput {
                decided_by: self.decided_by.clone(),
                decision_date: today,
                diary_number: self.diary_number.clone(),
                valid_from: new_year,
                valid_until: None,
            },
            today,
        )
    }
}

impl DemoAgreement {
    /// The agreement as the API would have built it. `public_body_id` resolves an SCB code
    /// to the id of a registered public body; an unknown code is a field error naming it.
    pub fn build(
        &self,
        id: Uuid,
        public_body_id: impl Fn(&str) -> Option<Uuid>,
        today: NaiveDate,
    ) -> Result<Agreement, DomainError> {
        let mut errors = Vec::new();
        let mut resolve = |field: String, code: &str| {
            let id = public_body_id(code);
            if id.is_none() {
                errors.push(
                    AgreementField::UnknownScbCode {
                        code: code.to_owned(),
                    }
                    .at(field),
                );
            }
            id.unwrap_or_default()
        };
        let owner = resolve("owner_scb_code".into(), &self.owner_scb_code);
        let parties: Vec<Uuid> = self
            .party_scb_codes
            .iter()
            .enumerate()
            .map(|(i, code)| resolve(format!("party_scb_codes[{i}]"), code))
            .collect();
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        let mut agreement = Agreement::create(
            id,
            NewAgreement {
                parties: PartiesInput {
                    owner_public_body_id: owner,
                    party_public_body_ids: parties,
                    civil_society_party: self.civil_society_party.clone(),
                    scope: self.scope,
                    municipality_codes: self.municipality_codes.clone(),
                },
                settings: self.settings.clone(),
                content: self.content.clone(),
            },
        )?;
        if let Some(opened_on) = self.consultation_opened_on {
            agreement.open_consultation(
                crate::consultation::ConsultationInput {
                    opened_on,
                    response_deadline: self
                        .consultation
                        .as_ref()
                        .map(|c| c.response_deadline)
                        .unwrap_or(opened_on + chrono::Days::new(90)),
                    invited: crate::consultation::InvitedParties::default(),
                    questions: self
                        .consultation
                        .as_ref()
                        .map(|c| c.questions.clone())
                        .unwrap_or_default(),
                    restricted: false,
                },
                today,
            )?;
        }
        if let Some(adoption) = &self.adoption {
            agreement.adopt(adoption.clone(), today)?;
        }
        Ok(agreement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{
        ApprovalMode, CivilSocietyPartyKind, CommitmentParty, DueKind, ShownStatus,
    };

    const FILES: [(&str, &str); 5] = [
        (
            "eslov-2019",
            include_str!("../../../demo/agreements/eslov-2019.json"),
        ),
        (
            "sodertalje-2018",
            include_str!("../../../demo/agreements/sodertalje-2018.json"),
        ),
        (
            "lund-2018",
            include_str!("../../../demo/agreements/lund-2018.json"),
        ),
        (
            "kristianstad-2016",
            include_str!("../../../demo/agreements/kristianstad-2016.json"),
        ),
        (
            "blekinge",
            include_str!("../../../demo/agreements/blekinge.json"),
        ),
    ];

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn today() -> NaiveDate {
        date(2026, 11, 23)
    }

    /// Stable test ids: the SCB code read as a number (Region Blekinge "10" is id 10).
    fn body_id(code: &str) -> Option<Uuid> {
        code.parse::<u128>().ok().map(Uuid::from_u128)
    }

    fn load(slug: &str) -> (DemoAgreement, Agreement) {
        let (_, json) = FILES.iter().find(|(s, _)| *s == slug).expect("a demo file");
        let demo: DemoAgreement = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{slug}.json does not parse: {e}"));
        let agreement = demo
            .build(Uuid::from_u128(1), body_id, today())
            .unwrap_or_else(|e| panic!("{slug}.json is not a valid agreement: {e}"));
        (demo, agreement)
    }

    fn adoption(agreement: &Agreement) -> &crate::agreement::AdoptionRecord {
        agreement
            .first_adoption()
            .expect("the demo agreement is adopted")
    }

    #[test]
    fn every_demo_file_parses_and_validates() {
        for (slug, _) in FILES {
            let (demo, agreement) = load(slug);
            assert_eq!(demo.slug, slug);
            assert_eq!(demo.source, format!("{slug}.txt"));
            assert_eq!(
                agreement.owner_public_body_id(),
                body_id(&demo.owner_scb_code).expect("known")
            );
            // Validation normalises; the files are already normal form.
            assert_eq!(
                agreement.versions()[0].content(),
                &demo.content,
                "{slug} is not trimmed"
            );
            assert_eq!(
                agreement.settings(),
                &demo.settings,
                "{slug} settings are not trimmed"
            );
            assert!(
                agreement.versions()[0]
                    .content()
                    .principles
                    .iter()
                    .enumerate()
                    .all(|(i, p)| p.number as usize == i + 1),
                "{slug}: principles numbered 1, 2, … in order"
            );
        }
    }

    #[test]
    fn sodertalje() {
        let (_, a) = load("sodertalje-2018");
        let content = &a.versions()[0].content();
        assert_eq!(content.principles.len(), 7);
        assert_eq!(content.development_areas.len(), 4);
        assert_eq!(
            content
                .development_areas
                .iter()
                .map(|d| d.title.as_str())
                .collect::<Vec<_>>(),
            [
                "Samverkan",
                "Information och delaktighet",
                "Idéburen sektors roll och ideellt engagemang",
                "Långsiktighet"
            ]
        );
        for p in &content.principles {
            assert!(
                content
                    .commitments_serving(p.number)
                    .any(|c| c.party == CommitmentParty::PublicBody)
                    && content
                        .commitments_serving(p.number)
                        .any(|c| c.party == CommitmentParty::CivilSociety),
                "Södertälje: both parties commit under principle {}",
                p.title
            );
        }
        let adopted = adoption(&a);
        assert_eq!(adopted.decided_by(), "Kommunfullmäktige");
        assert_eq!(adopted.decision_date(), date(2018, 10, 1));
        assert_eq!(adopted.diary_number(), Some("KS 17/53"));
        assert_eq!(adopted.valid_until(), Some(date(2022, 10, 1)));
        assert_eq!(a.settings().dialogue_meetings_per_year, 2);
        assert_eq!(a.status(today()).status, ShownStatus::Expired);
        let revision = a
            .due_items(today())
            .into_iter()
            .find(|i| i.kind == DueKind::Revision)
            .expect("a revision is due");
        assert_eq!(revision.due_on, date(2022, 10, 1));
        assert!(
            revision.overdue,
            "Södertälje's revision is overdue on 2026-11-23"
        );
        assert_eq!(
            a.municipality_codes()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["0181"]
        );
    }

    #[test]
    fn eslov() {
        let (_, a) = load("eslov-2019");
        let content = &a.versions()[0].content();
        assert_eq!(content.principles.len(), 6);
        assert_eq!(content.principles[0].title, "Tillit och förståelse");
        let adopted = adoption(&a);
        assert_eq!(
            (
                adopted.decided_by(),
                adopted.decision_date(),
                adopted.valid_until()
            ),
            ("Kommunstyrelsen", date(2019, 10, 1), None)
        );
        assert_eq!(a.settings().approval_mode, ApprovalMode::Registration);
        assert_eq!(a.settings().follow_up_months, Some(12));
        assert_eq!(
            a.settings().dialogue_meetings_per_year,
            1,
            "the annual experience exchange"
        );
        assert_eq!(a.civil_society_party().name, "Eslövs idéburna sektor");
        assert_eq!(a.status(today()).status, ShownStatus::Adopted);
        let follow_up = a.due_items(today());
        assert_eq!(follow_up.len(), 1);
        assert_eq!(follow_up[0].kind, DueKind::FollowUp);
        assert_eq!(follow_up[0].due_on, date(2020, 10, 1), "none recorded yet");
        assert!(follow_up[0].overdue);
    }

    #[test]
    fn lund_is_a_proposal_on_consultation() {
        let (_, a) = load("lund-2018");
        assert_eq!(a.status(today()).status, ShownStatus::Consultation);
        assert!(
            crate::agreement::is_publicly_visible(&a),
            "a remiss is a public document"
        );
        let v = &a.versions()[0];
        let setup = v.consultation().and_then(|c| c.setup()).expect("set up");
        assert_eq!(setup.response_deadline(), date(2018, 9, 28));
        assert_eq!(setup.questions().len(), 3);
        assert_eq!(
            v.consultation().map(|c| c.opened_on()),
            Some(date(2018, 6, 26))
        );
        assert_eq!(v.content().principles.len(), 6);
        assert_eq!(v.content().principles[0].title, "Integritet och oberoende");
        let titled: Vec<_> = v
            .content()
            .commitments
            .iter()
            .filter_map(|c| c.title.as_deref())
            .collect();
        for title in [
            "Öppna kontaktvägar",
            "Kunskapsökning",
            "Samverkan och dialog",
            "Informationsspridning",
            "Samhällsutveckling",
            "Gemensamma finansieringsformer",
            "Mångfald av utövare",
        ] {
            assert!(titled.contains(&title), "Lund commits to {title}");
        }
        assert_eq!(a.settings().follow_up_months, Some(48));
        assert_eq!(a.settings().action_plan_months, Some(12));
        assert_eq!(
            a.due_items(today())
                .iter()
                .map(|i| (i.kind, i.due_on))
                .collect::<Vec<_>>(),
            [
                (DueKind::ConsultationDeadline, date(2018, 9, 28)),
                (DueKind::ConsultationReport, date(2018, 9, 29)),
            ],
            "before adoption, only the consultation's deadline and report"
        );
    }

    #[test]
    fn kristianstad() {
        let (_, a) = load("kristianstad-2016");
        assert_eq!(a.versions()[0].content().principles.len(), 6);
        let adopted = adoption(&a);
        assert_eq!(
            (adopted.decided_by(), adopted.decision_date()),
            ("Kommunfullmäktige", date(2016, 3, 15))
        );
        assert_eq!(
            a.settings().external_evaluation_on,
            Some(date(2020, 12, 31))
        );
        let due = a.due_items(today());
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].kind, due[0].due_on, due[0].overdue),
            (DueKind::ExternalEvaluation, date(2020, 12, 31), true)
        );
    }

    #[test]
    fn blekinge() {
        let (_, a) = load("blekinge");
        let content = &a.versions()[0].content();
        assert_eq!(content.principles.len(), 7);
        assert_eq!(content.principles[6].title, "Innovation");
        assert_eq!(a.scope(), Scope::Regional);
        assert_eq!(a.party_public_body_ids(), [Uuid::from_u128(10)]);
        assert_eq!(
            a.municipality_codes()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["1060", "1080", "1081", "1082", "1083"]
        );
        assert_eq!(a.civil_society_party().kind, CivilSocietyPartyKind::Network);
        assert_eq!(a.civil_society_party().name, "Nätverket Idéburet Blekinge");
        assert_eq!(a.settings().approval_mode, ApprovalMode::SteeringGroup);
        assert!(a.settings().public_bodies_may_accede);
        assert_eq!(a.settings().follow_up_months, Some(12));
        let adopted = adoption(&a);
        assert_eq!(adopted.decided_by(), "Regionfullmäktige");
        assert_eq!(adopted.valid_until(), None, "tills vidare");
        assert!(a.is_in_force(today()));
    }

    #[test]
    fn eligibility_statements_come_from_the_seeds() {
        for (slug, _) in FILES {
            let (_, a) = load(slug);
            let statements = a.settings().eligibility_statements.join(" ");
            assert!(!statements.is_empty(), "{slug} has eligibility statements");
        }
        let (_, lund) = load("lund-2018");
        assert!(
            lund.settings()
                .eligibility_statements
                .iter()
                .any(|s| s.contains("lika värde"))
        );
        let (_, blekinge) = load("blekinge");
        assert!(
            blekinge
                .settings()
                .eligibility_statements
                .iter()
                .any(|s| s.contains("demokratiska värderingar"))
        );
    }

    #[test]
    fn unknown_public_bodies_are_named() {
        let (demo, _) = load("eslov-2019");
        let DomainError::Invalid(errors) = demo
            .build(Uuid::from_u128(1), |_| None, today())
            .expect_err("no bodies known")
        else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("owner_scb_code", "unknown_public_body"),
                ("party_scb_codes[0]", "unknown_public_body"),
            ]
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = FILES[0].1.replacen('{', r#"{"slgu": "x", "#, 1);
        assert!(serde_json::from_str::<DemoAgreement>(&json).is_err());
    }
}
