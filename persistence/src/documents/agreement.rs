//! `agreements.document`: the agreement as stored, version 1.

use chrono::NaiveDate;
use samverkan_domain::accession::Channel;
use samverkan_domain::agreement::{
    AdoptionInput, AdoptionRecord, Agreement, AgreementParts, AgreementSettings, AgreementState,
    AgreementVersion, ApprovalMode, CivilSocietyParty, CivilSocietyPartyKind, Commitment,
    CommitmentParty, ConsultationRecord, DevelopmentArea, NoticePeriod, OpenDataLicence,
    PeriodUnit, Principle, RecordedSetting, RenegotiationInput, RenegotiationOutcome,
    RenegotiationRequest, RenegotiationResolution, RequestingSide, ReviewInput, ReviewKind,
    ReviewRecord, Scope, SettingsChange, TerminationInput, TerminationRecord, VersionContent,
    VersionParts, VersionStatus,
};
use samverkan_domain::agreement::{
    CommitmentTranslation, DevelopmentAreaTranslation, EligibleArea, LanguageTag,
    PrincipleTranslation, ReportKind, ReportedTo, TranslatedTexts, VersionTranslation,
};
use samverkan_domain::consultation::{
    Assessment, ConsultationReport, ConsultationSetup, InvitedParties, Reference, ReferenceKind,
    ReportEntry,
};
use samverkan_domain::scb::MunicipalityCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{newer_than_known, parse, unreadable, version_of, written};
use crate::error::StoreResult;

const TABLE: &str = "agreements";

/// The version every agreement is written in.
const CURRENT: u32 = 1;

/// The document of `a`, in the current version.
pub(crate) fn write_agreement(a: &Agreement) -> StoreResult<String> {
    serde_json::to_string(&AgreementDocumentV1::of(a)).map_err(written)
}

/// The agreement of row `id`, from a document in any version this build reads.
pub(crate) fn read_agreement(id: &str, json: &str) -> StoreResult<Agreement> {
    let agreement = match version_of(TABLE, id, json)? {
        1 => parse::<AgreementDocumentV1>(TABLE, id, json)?.into_agreement(),
        newer => return Err(newer_than_known(TABLE, id, newer, CURRENT)),
    };
    if agreement.id().to_string() != id {
        return Err(unreadable(TABLE, id, "holds another agreement's id"));
    }
    Ok(agreement)
}

/// Version 1: the fields of the rows written before documents had versions, unchanged.
#[derive(Debug, Serialize, Deserialize)]
struct AgreementDocumentV1 {
    #[serde(default = "v1")]
    document_version: u32,
    id: Uuid,
    owner_public_body_id: Uuid,
    party_public_body_ids: Vec<Uuid>,
    civil_society_party: CivilSocietyPartyV1,
    scope: Scope,
    municipality_codes: Vec<MunicipalityCode>,
    settings: SettingsV1,
    state: AgreementState,
    termination: Option<TerminationV1>,
    versions: Vec<VersionV1>,
    reviews: Vec<ReviewV1>,
    renegotiation_requests: Vec<RenegotiationV1>,
    // Added with issue 12: the recorded settings changes, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    settings_history: Vec<SettingsChangeV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SettingsChangeV1 {
    id: Uuid,
    changed_at: chrono::DateTime<chrono::Utc>,
    changed_by: String,
    changed: Vec<RecordedSetting>,
    reason: String,
}

fn v1() -> u32 {
    1
}

#[derive(Debug, Serialize, Deserialize)]
struct CivilSocietyPartyV1 {
    kind: CivilSocietyPartyKind,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
}

/// Every field has a default, as the settings always had in storage.
#[derive(Debug, Serialize, Deserialize)]
#[serde(default)]
struct SettingsV1 {
    approval_mode: ApprovalMode,
    public_bodies_may_accede: bool,
    eligibility_statements: Vec<String>,
    follow_up_months: Option<u32>,
    evaluation_months: Option<u32>,
    external_evaluation_on: Option<NaiveDate>,
    revision_interval_months: Option<u32>,
    revision_deadline: Option<NaiveDate>,
    action_plan_months: Option<u32>,
    dialogue_meetings_per_year: u32,
    renegotiation_notice: Option<NoticePeriodV1>,
    reconfirmation_days: Option<u32>,
    /// Added with issue 14; documents written before it read the default (CC0, no contact).
    open_data_licence: OpenDataLicence,
    open_data_contact_email: Option<String>,
    /// Added with issue 16; documents written before it read none (any site may frame).
    embed_frame_ancestors: Vec<String>,
    // Added with issue 18; a document without them names neither.
    contact_point: Option<String>,
    owner_unit: Option<String>,
    // Added with issue 12; a document without them reads the defaults (every channel,
    // anywhere, contacts not the group's, nobody named to act for the sector).
    accepted_channels: Vec<Channel>,
    eligible_area: EligibleArea,
    eligible_municipality_codes: Vec<String>,
    group_handles_contacts: bool,
    acting_organization_ids: Vec<Uuid>,
    // Added with issue 21; a document without it names no criteria.
    partnership_criteria: Vec<String>,
}

impl Default for SettingsV1 {
    fn default() -> Self {
        Self::of(&AgreementSettings::default())
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct NoticePeriodV1 {
    amount: u32,
    unit: PeriodUnit,
}

#[derive(Debug, Serialize, Deserialize)]
struct TerminationV1 {
    decided_by: String,
    decision_date: NaiveDate,
    effective_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct VersionV1 {
    number: u32,
    status: VersionStatus,
    content: ContentV1,
    consultation: Option<ConsultationV1>,
    adoption: Option<AdoptionV1>,
    superseded_on: Option<NaiveDate>,
    // Added with issue 16: translations of the public texts, by language tag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    translations: Vec<TranslationV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TranslationV1 {
    language: String,
    recorded_by: String,
    recorded_at: chrono::DateTime<chrono::Utc>,
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    principles: Vec<PrincipleTranslationV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    commitments: Vec<CommitmentTranslationV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    development_areas: Vec<DevelopmentAreaTranslationV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PrincipleTranslationV1 {
    number: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommitmentTranslationV1 {
    index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DevelopmentAreaTranslationV1 {
    index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl TranslationV1 {
    fn of(t: &VersionTranslation) -> Self {
        let x = t.texts();
        Self {
            language: t.language().as_str().to_owned(),
            recorded_by: t.recorded_by().to_owned(),
            recorded_at: t.recorded_at(),
            title: x.title.clone(),
            purpose: x.purpose.clone(),
            principles: x
                .principles
                .iter()
                .map(|p| PrincipleTranslationV1 {
                    number: p.number,
                    title: p.title.clone(),
                    description: p.description.clone(),
                })
                .collect(),
            commitments: x
                .commitments
                .iter()
                .map(|c| CommitmentTranslationV1 {
                    index: c.index,
                    title: c.title.clone(),
                    text: c.text.clone(),
                })
                .collect(),
            development_areas: x
                .development_areas
                .iter()
                .map(|a| DevelopmentAreaTranslationV1 {
                    index: a.index,
                    title: a.title.clone(),
                    description: a.description.clone(),
                })
                .collect(),
        }
    }

    fn restore(self) -> VersionTranslation {
        VersionTranslation::restore(
            LanguageTag::restore(self.language),
            TranslatedTexts {
                title: self.title,
                purpose: self.purpose,
                principles: self
                    .principles
                    .into_iter()
                    .map(|p| PrincipleTranslation {
                        number: p.number,
                        title: p.title,
                        description: p.description,
                    })
                    .collect(),
                commitments: self
                    .commitments
                    .into_iter()
                    .map(|c| CommitmentTranslation {
                        index: c.index,
                        title: c.title,
                        text: c.text,
                    })
                    .collect(),
                development_areas: self
                    .development_areas
                    .into_iter()
                    .map(|a| DevelopmentAreaTranslation {
                        index: a.index,
                        title: a.title,
                        description: a.description,
                    })
                    .collect(),
            },
            self.recorded_by,
            self.recorded_at,
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct ContentV1 {
    title: String,
    purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    background: Option<String>,
    #[serde(default)]
    principles: Vec<PrincipleV1>,
    #[serde(default)]
    commitments: Vec<CommitmentV1>,
    #[serde(default)]
    development_areas: Vec<DevelopmentAreaV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PrincipleV1 {
    number: u32,
    title: String,
    description: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommitmentV1 {
    party: CommitmentParty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    text: String,
    #[serde(default)]
    principles: Vec<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DevelopmentAreaV1 {
    title: String,
    description: String,
}

/// The consultation; `setup` and `report` were added to version 1 as optional fields
/// (issue 20): a row written before them reads as a consultation without a deadline.
#[derive(Debug, Serialize, Deserialize)]
struct ConsultationV1 {
    opened_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    setup: Option<ConsultationSetupV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    report: Option<ConsultationReportV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ConsultationSetupV1 {
    response_deadline: NaiveDate,
    invited_organization_ids: Vec<Uuid>,
    all_signatories: bool,
    questions: Vec<String>,
    restricted: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct ConsultationReportV1 {
    summary: Option<String>,
    entries: Vec<ReportEntryV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ReportEntryV1 {
    response_id: Option<Uuid>,
    reference_kind: Option<ReferenceKind>,
    reference_number: Option<u32>,
    assessment: Option<Assessment>,
    text: String,
}

impl ConsultationV1 {
    fn of(c: &ConsultationRecord) -> Self {
        Self {
            opened_on: c.opened_on(),
            closed_on: c.closed_on(),
            setup: c.setup().map(|s| ConsultationSetupV1 {
                response_deadline: s.response_deadline(),
                invited_organization_ids: s.invited().organization_ids.clone(),
                all_signatories: s.invited().all_signatories,
                questions: s.questions().to_vec(),
                restricted: s.restricted(),
            }),
            report: c.report().map(|r| ConsultationReportV1 {
                summary: r.summary().map(str::to_owned),
                entries: r
                    .entries()
                    .iter()
                    .map(|e| ReportEntryV1 {
                        response_id: e.response_id,
                        reference_kind: e.reference.map(|r| r.kind),
                        reference_number: e.reference.map(|r| r.number),
                        assessment: e.assessment,
                        text: e.text.clone(),
                    })
                    .collect(),
            }),
        }
    }

    fn into_record(self) -> ConsultationRecord {
        ConsultationRecord::restore(
            self.opened_on,
            self.closed_on,
            self.setup.map(|s| {
                ConsultationSetup::restore(
                    s.response_deadline,
                    InvitedParties {
                        organization_ids: s.invited_organization_ids,
                        all_signatories: s.all_signatories,
                    },
                    s.questions,
                    s.restricted,
                )
            }),
            self.report.map(|r| {
                ConsultationReport::restore(
                    r.summary,
                    r.entries
                        .into_iter()
                        .map(|e| ReportEntry {
                            response_id: e.response_id,
                            reference: e
                                .reference_kind
                                .zip(e.reference_number)
                                .map(|(kind, number)| Reference { kind, number }),
                            assessment: e.assessment,
                            text: e.text,
                        })
                        .collect(),
                )
            }),
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AdoptionV1 {
    decided_by: String,
    decision_date: NaiveDate,
    diary_number: Option<String>,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ReviewV1 {
    id: Uuid,
    kind: ReviewKind,
    done_on: NaiveDate,
    summary: String,
    // Added with issue 12; a review recorded before reads no recorder, the public body's side.
    #[serde(default)]
    recorded_by: String,
    #[serde(default = "public_body_side")]
    acting_for: RequestingSide,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported_to: Option<ReportedToV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    document_reference: Option<String>,
}

fn public_body_side() -> RequestingSide {
    RequestingSide::PublicBody
}

#[derive(Debug, Serialize, Deserialize)]
struct ReportedToV1 {
    kind: ReportKind,
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct RenegotiationV1 {
    id: Uuid,
    filed_on: NaiveDate,
    requested_by: RequestingSide,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_body_id: Option<Uuid>,
    reason: String,
    requested_date: NaiveDate,
    // Added with issue 12; empty for a request filed before.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    filed_by: String,
    // Added with issue 12: how the request ended; absent while it is filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resolution: Option<ResolutionV1>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum ResolutionV1 {
    Answered {
        outcome: RenegotiationOutcome,
        answered_on: NaiveDate,
        decision: String,
        answered_by: String,
    },
    Withdrawn {
        withdrawn_on: NaiveDate,
        withdrawn_by: String,
    },
}

// ---------------------------------------------------------------- from the domain

impl AgreementDocumentV1 {
    fn of(a: &Agreement) -> Self {
        let party = a.civil_society_party();
        Self {
            document_version: 1,
            id: a.id(),
            owner_public_body_id: a.owner_public_body_id(),
            party_public_body_ids: a.party_public_body_ids().to_vec(),
            civil_society_party: CivilSocietyPartyV1 {
                kind: party.kind,
                name: party.name.clone(),
                organization_id: party.organization_id,
            },
            scope: a.scope(),
            municipality_codes: a.municipality_codes().to_vec(),
            settings: SettingsV1::of(a.settings()),
            state: a.state(),
            termination: a.termination().map(|t| TerminationV1 {
                decided_by: t.decided_by().to_owned(),
                decision_date: t.decision_date(),
                effective_on: t.effective_on(),
                reason: t.reason().map(str::to_owned),
            }),
            versions: a.versions().iter().map(VersionV1::of).collect(),
            reviews: a
                .reviews()
                .iter()
                .map(|r| ReviewV1 {
                    id: r.id(),
                    kind: r.kind(),
                    done_on: r.done_on(),
                    summary: r.summary().to_owned(),
                    recorded_by: r.recorded_by().to_owned(),
                    acting_for: r.acting_for(),
                    reported_to: r.reported_to().map(|t| ReportedToV1 {
                        kind: t.kind,
                        name: t.name.clone(),
                    }),
                    document_reference: r.document_reference().map(str::to_owned),
                })
                .collect(),
            renegotiation_requests: a
                .renegotiation_requests()
                .iter()
                .map(|r| RenegotiationV1 {
                    id: r.id(),
                    filed_on: r.filed_on(),
                    requested_by: r.requested_by(),
                    public_body_id: r.public_body_id(),
                    reason: r.reason().to_owned(),
                    requested_date: r.requested_date(),
                    filed_by: r.filed_by().to_owned(),
                    resolution: r.resolution().map(|x| match x.clone() {
                        RenegotiationResolution::Answered {
                            outcome,
                            answered_on,
                            decision,
                            answered_by,
                        } => ResolutionV1::Answered {
                            outcome,
                            answered_on,
                            decision,
                            answered_by,
                        },
                        RenegotiationResolution::Withdrawn {
                            withdrawn_on,
                            withdrawn_by,
                        } => ResolutionV1::Withdrawn {
                            withdrawn_on,
                            withdrawn_by,
                        },
                    }),
                })
                .collect(),
            settings_history: a
                .settings_history()
                .iter()
                .map(|c| SettingsChangeV1 {
                    id: c.id,
                    changed_at: c.changed_at,
                    changed_by: c.changed_by.clone(),
                    changed: c.changed.clone(),
                    reason: c.reason.clone(),
                })
                .collect(),
        }
    }
}

impl SettingsV1 {
    fn of(s: &AgreementSettings) -> Self {
        Self {
            approval_mode: s.approval_mode,
            public_bodies_may_accede: s.public_bodies_may_accede,
            eligibility_statements: s.eligibility_statements.clone(),
            follow_up_months: s.follow_up_months,
            evaluation_months: s.evaluation_months,
            external_evaluation_on: s.external_evaluation_on,
            revision_interval_months: s.revision_interval_months,
            revision_deadline: s.revision_deadline,
            action_plan_months: s.action_plan_months,
            dialogue_meetings_per_year: s.dialogue_meetings_per_year,
            renegotiation_notice: s.renegotiation_notice.map(|n| NoticePeriodV1 {
                amount: n.amount,
                unit: n.unit,
            }),
            reconfirmation_days: s.reconfirmation_days,
            open_data_licence: s.open_data_licence,
            open_data_contact_email: s.open_data_contact_email.clone(),
            embed_frame_ancestors: s.embed_frame_ancestors.clone(),
            contact_point: s.contact_point.clone(),
            owner_unit: s.owner_unit.clone(),
            accepted_channels: s.accepted_channels.clone(),
            eligible_area: s.eligible_area,
            eligible_municipality_codes: s.eligible_municipality_codes.clone(),
            group_handles_contacts: s.group_handles_contacts,
            acting_organization_ids: s.acting_organization_ids.clone(),
            partnership_criteria: s.partnership_criteria.clone(),
        }
    }
}

impl VersionV1 {
    fn of(v: &AgreementVersion) -> Self {
        let c = v.content();
        Self {
            number: v.number(),
            status: v.status(),
            content: ContentV1 {
                title: c.title.clone(),
                purpose: c.purpose.clone(),
                background: c.background.clone(),
                principles: c
                    .principles
                    .iter()
                    .map(|p| PrincipleV1 {
                        number: p.number,
                        title: p.title.clone(),
                        description: p.description.clone(),
                    })
                    .collect(),
                commitments: c
                    .commitments
                    .iter()
                    .map(|c| CommitmentV1 {
                        party: c.party,
                        title: c.title.clone(),
                        text: c.text.clone(),
                        principles: c.principles.clone(),
                    })
                    .collect(),
                development_areas: c
                    .development_areas
                    .iter()
                    .map(|a| DevelopmentAreaV1 {
                        title: a.title.clone(),
                        description: a.description.clone(),
                    })
                    .collect(),
            },
            consultation: v.consultation().map(ConsultationV1::of),
            adoption: v.adoption().map(|a| AdoptionV1 {
                decided_by: a.decided_by().to_owned(),
                decision_date: a.decision_date(),
                diary_number: a.diary_number().map(str::to_owned),
                valid_from: a.valid_from(),
                valid_until: a.valid_until(),
            }),
            superseded_on: v.superseded_on(),
            translations: v.translations().iter().map(TranslationV1::of).collect(),
        }
    }
}

// ---------------------------------------------------------------- to the domain

impl AgreementDocumentV1 {
    fn into_agreement(self) -> Agreement {
        let party = self.civil_society_party;
        let s = self.settings;
        Agreement::restore(AgreementParts {
            id: self.id,
            owner_public_body_id: self.owner_public_body_id,
            party_public_body_ids: self.party_public_body_ids,
            civil_society_party: CivilSocietyParty {
                kind: party.kind,
                name: party.name,
                organization_id: party.organization_id,
            },
            scope: self.scope,
            municipality_codes: self.municipality_codes,
            settings: AgreementSettings {
                approval_mode: s.approval_mode,
                public_bodies_may_accede: s.public_bodies_may_accede,
                eligibility_statements: s.eligibility_statements,
                follow_up_months: s.follow_up_months,
                evaluation_months: s.evaluation_months,
                external_evaluation_on: s.external_evaluation_on,
                revision_interval_months: s.revision_interval_months,
                revision_deadline: s.revision_deadline,
                action_plan_months: s.action_plan_months,
                dialogue_meetings_per_year: s.dialogue_meetings_per_year,
                renegotiation_notice: s.renegotiation_notice.map(|n| NoticePeriod {
                    amount: n.amount,
                    unit: n.unit,
                }),
                reconfirmation_days: s.reconfirmation_days,
                open_data_licence: s.open_data_licence,
                open_data_contact_email: s.open_data_contact_email,
                embed_frame_ancestors: s.embed_frame_ancestors,
                contact_point: s.contact_point,
                owner_unit: s.owner_unit,
                accepted_channels: s.accepted_channels,
                eligible_area: s.eligible_area,
                eligible_municipality_codes: s.eligible_municipality_codes,
                group_handles_contacts: s.group_handles_contacts,
                acting_organization_ids: s.acting_organization_ids,
                partnership_criteria: s.partnership_criteria,
            },
            state: self.state,
            termination: self.termination.map(|t| {
                TerminationRecord::restore(TerminationInput {
                    decided_by: t.decided_by,
                    decision_date: t.decision_date,
                    effective_on: t.effective_on,
                    reason: t.reason,
                })
            }),
            versions: self.versions.into_iter().map(VersionV1::restore).collect(),
            reviews: self
                .reviews
                .into_iter()
                .map(|r| {
                    ReviewRecord::restore(ReviewInput {
                        id: r.id,
                        kind: r.kind,
                        done_on: r.done_on,
                        summary: r.summary,
                        recorded_by: r.recorded_by,
                        acting_for: r.acting_for,
                        reported_to: r.reported_to.map(|t| ReportedTo {
                            kind: t.kind,
                            name: t.name,
                        }),
                        document_reference: r.document_reference,
                    })
                })
                .collect(),
            renegotiation_requests: self
                .renegotiation_requests
                .into_iter()
                .map(|r| {
                    RenegotiationRequest::restore_resolved(
                        RenegotiationInput {
                            id: r.id,
                            filed_on: r.filed_on,
                            requested_by: r.requested_by,
                            public_body_id: r.public_body_id,
                            reason: r.reason,
                            requested_date: r.requested_date,
                            filed_by: r.filed_by,
                        },
                        r.resolution.map(|x| match x {
                            ResolutionV1::Answered {
                                outcome,
                                answered_on,
                                decision,
                                answered_by,
                            } => RenegotiationResolution::Answered {
                                outcome,
                                answered_on,
                                decision,
                                answered_by,
                            },
                            ResolutionV1::Withdrawn {
                                withdrawn_on,
                                withdrawn_by,
                            } => RenegotiationResolution::Withdrawn {
                                withdrawn_on,
                                withdrawn_by,
                            },
                        }),
                    )
                })
                .collect(),
            settings_history: self
                .settings_history
                .into_iter()
                .map(|c| SettingsChange {
                    id: c.id,
                    changed_at: c.changed_at,
                    changed_by: c.changed_by,
                    changed: c.changed,
                    reason: c.reason,
                })
                .collect(),
        })
    }
}

impl VersionV1 {
    fn restore(self) -> AgreementVersion {
        let c = self.content;
        AgreementVersion::restore(VersionParts {
            number: self.number,
            status: self.status,
            content: VersionContent {
                title: c.title,
                purpose: c.purpose,
                background: c.background,
                principles: c
                    .principles
                    .into_iter()
                    .map(|p| Principle {
                        number: p.number,
                        title: p.title,
                        description: p.description,
                    })
                    .collect(),
                commitments: c
                    .commitments
                    .into_iter()
                    .map(|c| Commitment {
                        party: c.party,
                        title: c.title,
                        text: c.text,
                        principles: c.principles,
                    })
                    .collect(),
                development_areas: c
                    .development_areas
                    .into_iter()
                    .map(|a| DevelopmentArea {
                        title: a.title,
                        description: a.description,
                    })
                    .collect(),
            },
            consultation: self.consultation.map(ConsultationV1::into_record),
            adoption: self.adoption.map(|a| {
                AdoptionRecord::restore(AdoptionInput {
                    decided_by: a.decided_by,
                    decision_date: a.decision_date,
                    diary_number: a.diary_number,
                    valid_from: a.valid_from,
                    valid_until: a.valid_until,
                })
            }),
            superseded_on: self.superseded_on,
            translations: self
                .translations
                .into_iter()
                .map(TranslationV1::restore)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::StoreError;

    const UNVERSIONED: &str = include_str!("fixtures/agreement-unversioned.json");
    const ID: &str = "00000000-0000-0000-0000-00000000000a";

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    /// A row written before documents had versions (no `document_version`) reads as
    /// version 1, every field in place.
    #[test]
    fn a_document_without_a_version_reads_as_version_1() {
        let a = read_agreement(ID, UNVERSIONED).expect("reads");
        assert_eq!(a.id().to_string(), ID);
        assert_eq!(a.state(), AgreementState::Terminated);
        assert_eq!(a.civil_society_party().name, "Nätverket Idéburet Åby");
        assert_eq!(
            a.civil_society_party().organization_id,
            Some(Uuid::from_u128(0x99))
        );
        assert_eq!(
            a.municipality_codes()
                .iter()
                .map(MunicipalityCode::as_str)
                .collect::<Vec<_>>(),
            ["0181"]
        );
        assert_eq!(a.settings().reconfirmation_days, Some(60));
        assert_eq!(
            a.settings().renegotiation_notice,
            Some(NoticePeriod {
                amount: 3,
                unit: PeriodUnit::Months
            })
        );
        let statuses: Vec<_> = a.versions().iter().map(AgreementVersion::status).collect();
        assert_eq!(
            statuses,
            [
                VersionStatus::Superseded,
                VersionStatus::Adopted,
                VersionStatus::Abandoned
            ]
        );
        let first = &a.versions()[0];
        assert_eq!(
            first.consultation().map(|c| c.closed_on()),
            Some(Some(date(2018, 10, 1)))
        );
        assert_eq!(first.superseded_on(), Some(date(2022, 10, 1)));
        let adoption = first.adoption().expect("adopted");
        assert_eq!(adoption.decided_by(), "Kommunfullmäktige");
        assert_eq!(adoption.diary_number(), Some("KS 17/53"));
        assert_eq!(adoption.valid_until(), Some(date(2022, 10, 1)));
        assert_eq!(first.content().title, "Överenskommelse för Åby");
        assert_eq!(first.content().commitments[0].principles, [1]);
        let termination = a.termination().expect("terminated");
        assert_eq!(termination.effective_on(), date(2024, 3, 1));
        assert_eq!(termination.reason(), Some("Ny överenskommelse."));
        assert_eq!(a.reviews()[0].kind(), ReviewKind::FollowUp);
        assert_eq!(
            a.renegotiation_requests()[0].requested_by(),
            RequestingSide::PublicBody
        );
    }

    /// Written in the current version, read back the same.
    #[test]
    fn documents_round_trip_in_the_current_version() {
        let a = read_agreement(ID, UNVERSIONED).expect("reads");
        let written = write_agreement(&a).expect("writes");
        let value: serde_json::Value = serde_json::from_str(&written).expect("json");
        assert_eq!(value["document_version"], CURRENT);
        assert_eq!(read_agreement(ID, &written).expect("reads"), a);
    }

    #[test]
    fn an_unreadable_document_names_the_row_and_the_place() {
        let mut value: serde_json::Value = serde_json::from_str(UNVERSIONED).expect("json");
        value["versions"][1]["status"] = "in_force".into();
        let Err(StoreError::Internal(message)) = read_agreement(ID, &value.to_string()) else {
            panic!("a bad status is refused")
        };
        assert!(message.contains("agreements row"), "{message}");
        assert!(message.contains(ID), "{message}");
        assert!(message.contains("versions[1].status"), "{message}");

        value["versions"][1]["status"] = "adopted".into();
        value["document_version"] = 2.into();
        let Err(StoreError::Internal(message)) = read_agreement(ID, &value.to_string()) else {
            panic!("a newer version is refused")
        };
        assert!(message.contains("document_version 2"), "{message}");

        let Err(StoreError::Internal(message)) =
            read_agreement("00000000-0000-0000-0000-00000000000b", UNVERSIONED)
        else {
            panic!("another row's document is refused")
        };
        assert!(message.contains("another agreement's id"), "{message}");
    }
}
