//! The agreement aggregate: its parties, its versions and every transition between states.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::limits::*;
use super::{
    AdoptionInput, AdoptionRecord, AgreementField, AgreementRule, AgreementSettings,
    AgreementVersion, ConsultationRecord, DueItem, DueKind, RecordedSetting, RenegotiationInput,
    RenegotiationRequest, ReviewInput, ReviewRecord, SettingsActor, SettingsChange,
    TranslationInput, VersionContent, VersionStatus, VersionTranslation, due_items,
};
use crate::consultation::{
    ConsultationInput, ConsultationReport, ConsultationResponse, ConsultationRule,
    ConsultationSetup, ReportInput,
};
use crate::error::{CommonField, DomainError, FieldError, Validator};
use crate::party::PartyField;
use crate::scb::MunicipalityCode;

/// The stored lifecycle state. `expired` is not here: it is derived ([`Agreement::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum AgreementState {
    Draft,
    Consultation,
    Adopted,
    Terminated,
    Abandoned,
}

crate::enum_text::enum_text!(AgreementState);

/// The status shown to clients: the stored state, with `expired` derived from the
/// version in force and a termination counted from its effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ShownStatus {
    Draft,
    Consultation,
    Adopted,
    Expired,
    Terminated,
    Abandoned,
}

crate::enum_text::enum_text!(ShownStatus);

impl ShownStatus {
    /// The stored states an agreement shown with this status can be in
    /// ([`Agreement::status`]): `adopted` and `expired` are derived from an adopted or
    /// terminated agreement's dates, a termination with notice still reads `adopted`.
    pub fn stored_states(self) -> &'static [AgreementState] {
        match self {
            Self::Draft => &[AgreementState::Draft],
            Self::Consultation => &[AgreementState::Consultation],
            Self::Abandoned => &[AgreementState::Abandoned],
            Self::Terminated => &[AgreementState::Terminated],
            Self::Adopted | Self::Expired => &[AgreementState::Adopted, AgreementState::Terminated],
        }
    }
}

/// A municipality's agreement, or a region's (Blekinge) covering the county's
/// municipalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Scope {
    Municipal,
    Regional,
}

crate::enum_text::enum_text!(Scope);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CivilSocietyPartyKind {
    /// The sector as a whole: "Eslövs idéburna sektor", "alla organisationer/föreningar i
    /// Lund som tillhör den idéburna sektorn".
    Sector,
    /// A named network that represents the sector: "Nätverket Idéburet Blekinge".
    Network,
}

crate::enum_text::enum_text!(CivilSocietyPartyKind);

impl CivilSocietyPartyKind {
    /// Whether the party may be an organisation of the register (`organization_id`): a
    /// network is one; the sector as a whole is not.
    pub fn may_name_organization(self) -> bool {
        match self {
            Self::Sector => false,
            Self::Network => true,
        }
    }
}

/// The civil-society side of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CivilSocietyParty {
    pub kind: CivilSocietyPartyKind,
    pub name: String,
    /// A network that is in the organisation register; a sector is not one organisation.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// What a client shows as the agreement's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgreementStatus {
    pub status: ShownStatus,
    /// A new version is being drafted or consulted on while the current one applies.
    pub revision_in_progress: bool,
    /// A recorded termination that takes effect later: until then the agreement applies.
    pub terminates_on: Option<NaiveDate>,
}

/// The decision that ends an adopted agreement (Blekinge: "begära utträde ur partnerskapet"),
/// as the caller states it; [`Agreement::terminate`] checks it and keeps a
/// [`TerminationRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminationInput {
    pub decided_by: String,
    pub decision_date: NaiveDate,
    /// The first day the agreement no longer applies; on or after the decision.
    pub effective_on: NaiveDate,
    pub reason: Option<String>,
}

/// The termination of an agreement, as recorded: a [`TerminationInput`] that passed its
/// checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminationRecord(TerminationInput);

impl TerminationRecord {
    pub fn decided_by(&self) -> &str {
        &self.0.decided_by
    }

    pub fn decision_date(&self) -> NaiveDate {
        self.0.decision_date
    }

    /// The first day the agreement no longer applies.
    pub fn effective_on(&self) -> NaiveDate {
        self.0.effective_on
    }

    pub fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// A stored record, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: TerminationInput) -> Self {
        Self(stored)
    }
}

/// Who the agreement is between and what it covers, as a request sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartiesInput {
    /// The body whose agreement administrators run the agreement; one of the parties.
    pub owner_public_body_id: Uuid,
    /// Every public body that is a party (Blekinge: the region; others accede later).
    pub party_public_body_ids: Vec<Uuid>,
    pub civil_society_party: CivilSocietyParty,
    pub scope: Scope,
    /// Municipal: the municipality (or municipalities, for a joint agreement); regional:
    /// the county's municipalities it covers.
    pub municipality_codes: Vec<String>,
}

/// A request to create an agreement: its first version starts as a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgreement {
    pub parties: PartiesInput,
    pub settings: AgreementSettings,
    pub content: VersionContent,
}

/// What adopting a revision changed, for the callers that act on it (accessions that must
/// be reconfirmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevisionAdopted {
    pub superseded_version: u32,
    pub adopted_version: u32,
    /// `settings.reconfirmation_days` after the revision took effect (or was decided, if
    /// later); `None`: accessions carry over.
    pub reconfirm_by: Option<NaiveDate>,
}

/// An agreement (överenskommelse). Its fields are read through methods and changed only
/// through its operations, each of which either succeeds completely or changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    id: Uuid,
    owner_public_body_id: Uuid,
    /// Includes the owner.
    party_public_body_ids: Vec<Uuid>,
    civil_society_party: CivilSocietyParty,
    scope: Scope,
    /// Sorted, without duplicates.
    municipality_codes: Vec<MunicipalityCode>,
    settings: AgreementSettings,
    state: AgreementState,
    termination: Option<TerminationRecord>,
    /// Ordered by number, 1 first; none is ever removed.
    versions: Vec<AgreementVersion>,
    /// Follow-ups and evaluations recorded as done, in the order recorded.
    reviews: Vec<ReviewRecord>,
    renegotiation_requests: Vec<RenegotiationRequest>,
    settings_history: Vec<SettingsChange>,
}

/// A stored agreement's parts, for [`Agreement::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementParts {
    pub id: Uuid,
    pub owner_public_body_id: Uuid,
    pub party_public_body_ids: Vec<Uuid>,
    pub civil_society_party: CivilSocietyParty,
    pub scope: Scope,
    pub municipality_codes: Vec<MunicipalityCode>,
    pub settings: AgreementSettings,
    pub state: AgreementState,
    pub termination: Option<TerminationRecord>,
    pub versions: Vec<AgreementVersion>,
    pub reviews: Vec<ReviewRecord>,
    pub renegotiation_requests: Vec<RenegotiationRequest>,
    /// Oldest first.
    pub settings_history: Vec<SettingsChange>,
}

impl Agreement {
    /// A new agreement in `draft`, with version 1 as a draft. Every invalid field is named:
    /// parties by their own names, settings under `settings.`, and the content by its own
    /// field names (`title`, `principles[1].title`), as the create request carries the
    /// content fields at its top level like a draft edit does.
    pub fn create(id: Uuid, input: NewAgreement) -> Result<Self, DomainError> {
        let parties = validate_parties(&input.parties);
        let settings = input
            .settings
            .validated()
            .map_err(|e| nest_invalid(e, "settings"));
        let content = input.content.validated();
        let (parties, settings, content) = all_valid(parties, settings, content)?;
        Ok(Self {
            id,
            owner_public_body_id: parties.owner,
            party_public_body_ids: parties.party_ids,
            civil_society_party: parties.civil_society,
            scope: parties.scope,
            municipality_codes: parties.codes,
            settings,
            state: AgreementState::Draft,
            termination: None,
            versions: vec![AgreementVersion::draft(1, content)],
            reviews: Vec::new(),
            renegotiation_requests: Vec::new(),
            settings_history: Vec::new(),
        })
    }

    /// A stored agreement, read back: trusted stored data that an earlier run of these
    /// operations produced, not a way around the rules.
    pub fn restore(parts: AgreementParts) -> Self {
        Self {
            id: parts.id,
            owner_public_body_id: parts.owner_public_body_id,
            party_public_body_ids: parts.party_public_body_ids,
            civil_society_party: parts.civil_society_party,
            scope: parts.scope,
            municipality_codes: parts.municipality_codes,
            settings: parts.settings,
            state: parts.state,
            termination: parts.termination,
            versions: parts.versions,
            reviews: parts.reviews,
            renegotiation_requests: parts.renegotiation_requests,
            settings_history: parts.settings_history,
        }
    }

    // ----- fields -----

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The public body whose agreement administrators run the agreement.
    pub fn owner_public_body_id(&self) -> Uuid {
        self.owner_public_body_id
    }

    /// Every public body that is a party, the owner included.
    pub fn party_public_body_ids(&self) -> &[Uuid] {
        &self.party_public_body_ids
    }

    pub fn civil_society_party(&self) -> &CivilSocietyParty {
        &self.civil_society_party
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Sorted, without duplicates.
    pub fn municipality_codes(&self) -> &[MunicipalityCode] {
        &self.municipality_codes
    }

    pub fn settings(&self) -> &AgreementSettings {
        &self.settings
    }

    /// The stored lifecycle state ([`Agreement::status`] adds what is derived).
    pub fn state(&self) -> AgreementState {
        self.state
    }

    pub fn termination(&self) -> Option<&TerminationRecord> {
        self.termination.as_ref()
    }

    /// Every version, 1 first; none is ever removed.
    pub fn versions(&self) -> &[AgreementVersion] {
        &self.versions
    }

    /// Follow-ups and evaluations recorded as done, in the order recorded.
    pub fn reviews(&self) -> &[ReviewRecord] {
        &self.reviews
    }

    pub fn renegotiation_requests(&self) -> &[RenegotiationRequest] {
        &self.renegotiation_requests
    }

    /// The recorded changes of the settings, oldest first.
    pub fn settings_history(&self) -> &[SettingsChange] {
        &self.settings_history
    }

    // ----- queries -----

    /// The status to show on `today`, with `expired` derived: adopted, and the version in
    /// force has a `valid_until` before today.
    pub fn status(&self, today: NaiveDate) -> AgreementStatus {
        let expired = self
            .version_in_force_on(today)
            .or_else(|| self.current_version())
            .and_then(AgreementVersion::adoption)
            .is_some_and(|a| a.has_expired(today));
        let pending_termination = self
            .termination
            .as_ref()
            .filter(|t| self.state == AgreementState::Terminated && t.effective_on() > today)
            .map(TerminationRecord::effective_on);
        let status = match self.state {
            AgreementState::Draft => ShownStatus::Draft,
            AgreementState::Consultation => ShownStatus::Consultation,
            AgreementState::Abandoned => ShownStatus::Abandoned,
            AgreementState::Terminated if pending_termination.is_none() => ShownStatus::Terminated,
            AgreementState::Adopted | AgreementState::Terminated if expired => ShownStatus::Expired,
            AgreementState::Adopted | AgreementState::Terminated => ShownStatus::Adopted,
        };
        AgreementStatus {
            status,
            revision_in_progress: self.revision().is_some(),
            terminates_on: pending_termination,
        }
    }

    /// The agreement applies on `today`: adopted, its validity not ended and any termination
    /// not yet effective. A `valid_from` later than today does not matter: Södertälje takes
    /// accessions "i anslutning till att den har antagits".
    pub fn is_in_force(&self, today: NaiveDate) -> bool {
        self.status(today).status == ShownStatus::Adopted
    }

    /// The agreement's text applies on `on`: adopted, the first version's `valid_from`
    /// reached, not expired and any termination not yet effective. Unlike
    /// [`Agreement::is_in_force`] an adoption taking effect later does not count.
    pub fn applies_on(&self, on: NaiveDate) -> bool {
        self.is_in_force(on) && self.version_in_force_on(on).is_some()
    }

    /// The first day the agreement applies (or will apply): the first adoption's
    /// `valid_from`. `None` before adoption.
    pub fn in_force_from(&self) -> Option<NaiveDate> {
        self.first_adoption().map(AdoptionRecord::valid_from)
    }

    /// The versions that were adopted (in force, superseded, or taking effect later) with
    /// their adoption.
    fn adopted_versions(&self) -> impl Iterator<Item = (&AgreementVersion, &AdoptionRecord)> {
        self.versions
            .iter()
            .filter(|v| {
                matches!(
                    v.status(),
                    VersionStatus::Adopted | VersionStatus::Superseded
                )
            })
            .filter_map(|v| v.adoption().map(|a| (v, a)))
    }

    /// The version whose text applies on `on`, by date and without anyone acting: of the
    /// adopted versions, the one that took effect last on or before `on`. `None` before the
    /// first takes effect. A revision adopted for a later date leaves the version before it
    /// in force until then.
    pub fn version_in_force_on(&self, on: NaiveDate) -> Option<&AgreementVersion> {
        self.adopted_versions()
            .filter(|(_, a)| a.valid_from() <= on)
            .max_by_key(|(v, a)| (a.valid_from(), v.number()))
            .map(|(v, _)| v)
    }

    /// An adopted version that takes effect after `on` (a revision adopted in advance).
    pub fn next_version_after(&self, on: NaiveDate) -> Option<&AgreementVersion> {
        self.adopted_versions()
            .filter(|(_, a)| a.valid_from() > on)
            .min_by_key(|(v, a)| (a.valid_from(), v.number()))
            .map(|(v, _)| v)
    }

    /// When version `number`'s text applies: from its `valid_from` to the last day before
    /// the next version takes effect, before a termination takes effect, or its own
    /// `valid_until`, whichever comes first (`None`: until further notice). `None` for a
    /// version that was never adopted.
    pub fn version_in_force_period(&self, number: u32) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let (_, adoption) = self
            .adopted_versions()
            .find(|(v, _)| v.number() == number)?;
        let from = adoption.valid_from();
        let next = self
            .adopted_versions()
            .filter(|(v, a)| v.number() != number && a.valid_from() > from)
            .map(|(_, a)| a.valid_from())
            .min();
        let until = [
            next.and_then(|d| d.pred_opt()),
            self.termination
                .as_ref()
                .and_then(|t| t.effective_on().pred_opt()),
            adoption.valid_until(),
        ]
        .into_iter()
        .flatten()
        .min();
        Some((from, until))
    }

    /// Whether the agreement takes new accessions (and approvals of pending ones) on `today`:
    /// in force, and no termination decided — not even one that takes effect later.
    pub fn takes_accessions(&self, today: NaiveDate) -> bool {
        self.state == AgreementState::Adopted && self.is_in_force(today)
    }

    pub fn is_party(&self, public_body_id: Uuid) -> bool {
        self.party_public_body_ids.contains(&public_body_id)
    }

    pub fn version(&self, number: u32) -> Option<&AgreementVersion> {
        self.versions.iter().find(|v| v.number() == number)
    }

    /// The adopted version: in force, or the last one in force for a terminated agreement.
    pub fn current_version(&self) -> Option<&AgreementVersion> {
        self.versions
            .iter()
            .find(|v| v.status() == VersionStatus::Adopted)
    }

    /// The draft or consultation version of a revision in progress.
    pub fn revision(&self) -> Option<&AgreementVersion> {
        if self.state != AgreementState::Adopted {
            return None;
        }
        self.versions.iter().find(|v| v.is_editable())
    }

    /// The version an edit would change: the first text while the agreement is being
    /// prepared, the revision while one is in progress.
    pub fn working_version(&self) -> Option<&AgreementVersion> {
        self.working_index().map(|i| &self.versions[i])
    }

    /// The decision that first put the agreement in force.
    pub fn first_adoption(&self) -> Option<&AdoptionRecord> {
        self.versions.iter().find_map(AgreementVersion::adoption)
    }

    /// The due and overdue follow-ups, evaluations and revision of an adopted agreement
    /// (see [`due_items`]); nothing for any other state.
    /// An open consultation adds its response deadline and, the day after, the report of
    /// how the responses were weighed (due until the adoption records it; neither is ever
    /// overdue: the consultation ends with a decision, not on a date).
    pub fn due_items(&self, today: NaiveDate) -> Vec<DueItem> {
        let mut items = self.consultation_items();
        if self.state == AgreementState::Adopted {
            let current = self.current_version().and_then(AgreementVersion::adoption);
            if let (Some(first), Some(current)) = (self.first_adoption(), current) {
                items.extend(due_items(
                    first,
                    current,
                    &self.settings,
                    &self.reviews,
                    today,
                ));
            }
        }
        items.sort_by_key(|i| i.due_on);
        items
    }

    fn consultation_items(&self) -> Vec<DueItem> {
        let Some(setup) = self
            .consultation_version()
            .and_then(|v| v.consultation())
            .and_then(|c| c.setup())
        else {
            return Vec::new();
        };
        let deadline = setup.response_deadline();
        let mut items = vec![DueItem {
            kind: DueKind::ConsultationDeadline,
            due_on: deadline,
            overdue: false,
            last_done_on: None,
        }];
        if let Some(report_due) = deadline.succ_opt() {
            items.push(DueItem {
                kind: DueKind::ConsultationReport,
                due_on: report_due,
                overdue: false,
                last_done_on: None,
            });
        }
        items
    }

    // ----- operations on the framework -----

    /// Parties and scope are what the first decision is about: they change only before it.
    pub fn edit_parties(&mut self, input: PartiesInput) -> Result<(), DomainError> {
        self.require_in_preparation()?;
        let parties = validate_parties(&input)?;
        self.owner_public_body_id = parties.owner;
        self.party_public_body_ids = parties.party_ids;
        self.civil_society_party = parties.civil_society;
        self.scope = parties.scope;
        self.municipality_codes = parties.codes;
        Ok(())
    }

    /// Settings are how the agreement is run, not what was decided: they may change at any
    /// time until the agreement is terminated or abandoned.
    pub fn update_settings(&mut self, settings: AgreementSettings) -> Result<(), DomainError> {
        self.change_settings(settings, 0)
    }

    /// [`Agreement::change_settings`] as an act: a change of the approval mode, the accepted
    /// channels or the eligibility rules needs a `reason` (422 `reason` `required`) and is
    /// recorded in the history with who, when, what and why.
    pub fn change_settings_by(
        &mut self,
        settings: AgreementSettings,
        pending_decisions: u64,
        actor: SettingsActor,
    ) -> Result<(), DomainError> {
        let before = self.settings.clone();
        let reason = match actor.reason.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => {
                let mut v = Validator::new();
                let reason = v.text("reason", r, REASON_MAX);
                v.finish()?;
                reason
            }
            _ => None,
        };
        self.change_settings(settings, pending_decisions)?;
        let changed = RecordedSetting::changed(&before, &self.settings);
        if changed.is_empty() {
            return Ok(());
        }
        let Some(reason) = reason else {
            self.settings = before;
            let mut v = Validator::new();
            v.add("reason", CommonField::Required);
            return v.finish();
        };
        self.settings_history.push(SettingsChange {
            id: actor.id,
            changed_at: actor.at,
            changed_by: actor.by,
            changed,
            reason,
        });
        Ok(())
    }

    /// [`Agreement::update_settings`], knowing how many accessions await a decision: the
    /// approval mode cannot be switched while any does (`decisions_pending`), or switching to
    /// `registration` and back would let an administrator bypass the steering group.
    pub fn change_settings(
        &mut self,
        settings: AgreementSettings,
        pending_decisions: u64,
    ) -> Result<(), DomainError> {
        if matches!(
            self.state,
            AgreementState::Terminated | AgreementState::Abandoned
        ) {
            return Err(AgreementRule::Closed { state: self.state }.into());
        }
        let settings = settings.validated()?;
        if settings.approval_mode != self.settings.approval_mode && pending_decisions > 0 {
            return Err(AgreementRule::DecisionsPending {
                count: pending_decisions,
            }
            .into());
        }
        self.settings = settings;
        Ok(())
    }

    // ----- operations on the text -----

    /// Replaces the text of the working version (a draft, a text on consultation, or the
    /// revision in progress). An adopted text never changes.
    pub fn edit_draft(&mut self, content: VersionContent) -> Result<(), DomainError> {
        let index = self
            .working_index()
            .ok_or(AgreementRule::VersionNotEditable)?;
        self.versions[index].replace_content(content.validated()?);
        Ok(())
    }

    /// Sends the draft on referral (remiss) with its deadline, invited parties and questions.
    /// While adopted, the revision in progress is what goes on consultation
    /// ([`Agreement::open_revision_consultation`]).
    pub fn open_consultation(
        &mut self,
        input: ConsultationInput,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        match self.state {
            AgreementState::Draft => {}
            AgreementState::Consultation => {
                return Err(AgreementRule::ConsultationAlreadyOpen.into());
            }
            AgreementState::Adopted if self.revision_index().is_some() => {
                return self.open_revision_consultation(input, today);
            }
            state => return Err(AgreementRule::NotDraft { state }.into()),
        }
        let setup = validate_consultation(&input, false, today)?;
        self.versions[0].open_consultation(input.opened_on, setup);
        self.state = AgreementState::Consultation;
        Ok(())
    }

    /// The version on consultation: the first text while the agreement is on consultation,
    /// or the revision on consultation. A public document while it runs.
    pub fn consultation_version(&self) -> Option<&AgreementVersion> {
        self.working_version().filter(|v| v.is_on_consultation())
    }

    /// Puts the first version in force, from draft or consultation (the seeds went through a
    /// referral round, but the software does not require one); closes the consultation on
    /// the decision date if it is still open.
    pub fn adopt(&mut self, record: AdoptionInput, today: NaiveDate) -> Result<(), DomainError> {
        self.adopt_reporting(record, None, &[], today)
    }

    /// [`Agreement::adopt`] with the report of how the consultation's `responses` were
    /// weighed (see [`ConsultationReport::validated`]); 409 `no_consultation` for a report
    /// on a version that was never on consultation.
    pub fn adopt_reporting(
        &mut self,
        record: AdoptionInput,
        report: Option<ReportInput>,
        responses: &[ConsultationResponse],
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_in_preparation()?;
        let version = &self.versions[0];
        if version.content().principles.is_empty() {
            return Err(AgreementRule::NoPrinciples.into());
        }
        let report = checked_report(version, report, responses)?;
        let record = validate_adoption(&record, version.consultation(), None, today)?;
        self.versions[0].adopt(record, report);
        self.state = AgreementState::Adopted;
        Ok(())
    }

    /// Drops an agreement that was never adopted; it stays on record for its administrators.
    pub fn abandon(&mut self) -> Result<(), DomainError> {
        self.require_in_preparation()?;
        self.versions[0].abandon();
        self.state = AgreementState::Abandoned;
        Ok(())
    }

    /// Ends an adopted agreement. A revision in progress is abandoned with it: a terminated
    /// agreement has no next text, and refusing would only make the caller abandon it first.
    pub fn terminate(
        &mut self,
        record: TerminationInput,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted()?;
        let adopted_on = self.first_adoption().map(AdoptionRecord::decision_date);
        let mut v = Validator::new();
        let decided_by = v.text("decided_by", &record.decided_by, DECIDED_BY_MAX);
        let reason = v.optional_text("reason", record.reason.as_deref(), REASON_MAX);
        if record.decision_date > today {
            v.add("decision_date", AgreementField::DecisionInFuture);
        } else if let Some(adopted_on) = adopted_on
            && record.decision_date < adopted_on
        {
            v.add(
                "decision_date",
                AgreementField::TerminationBeforeAdoption { adopted_on },
            );
        }
        if record.effective_on < record.decision_date {
            v.add("effective_on", AgreementField::TerminationBeforeDecision);
        }
        v.finish()?;
        if let Some(index) = self.revision_index() {
            self.versions[index].abandon();
        }
        self.termination = Some(TerminationRecord(TerminationInput {
            decided_by: decided_by.unwrap_or_default(),
            reason,
            ..record
        }));
        self.state = AgreementState::Terminated;
        Ok(())
    }

    // ----- revisions -----

    /// Starts a new version as a draft while the current one stays in force. Returns its
    /// number. An expired agreement may be revised: that is how it comes back into force.
    pub fn start_revision(&mut self, content: VersionContent) -> Result<u32, DomainError> {
        self.require_adopted()?;
        if self.revision_index().is_some() {
            return Err(AgreementRule::RevisionAlreadyInProgress.into());
        }
        let content = content.validated()?;
        let number = self.versions.iter().map(|v| v.number()).max().unwrap_or(0) + 1;
        self.versions.push(AgreementVersion::draft(number, content));
        Ok(number)
    }

    /// Sends the revision in progress on consultation; a revision may invite all signatories.
    pub fn open_revision_consultation(
        &mut self,
        input: ConsultationInput,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        let index = self.require_revision()?;
        if self.versions[index].status() == VersionStatus::Consultation {
            return Err(AgreementRule::ConsultationAlreadyOpen.into());
        }
        let setup = validate_consultation(&input, true, today)?;
        self.versions[index].open_consultation(input.opened_on, setup);
        Ok(())
    }

    /// Puts the revision in force; the version it replaces stays on record as superseded
    /// from the revision's `valid_from`. The revision cannot be decided or take effect
    /// before the current version was.
    pub fn adopt_revision(
        &mut self,
        record: AdoptionInput,
        today: NaiveDate,
    ) -> Result<RevisionAdopted, DomainError> {
        self.adopt_revision_reporting(record, None, &[], today)
    }

    /// [`Agreement::adopt_revision`] with the report of how its consultation's responses
    /// were weighed.
    pub fn adopt_revision_reporting(
        &mut self,
        record: AdoptionInput,
        report: Option<ReportInput>,
        responses: &[ConsultationResponse],
        today: NaiveDate,
    ) -> Result<RevisionAdopted, DomainError> {
        let index = self.require_revision()?;
        let revision = &self.versions[index];
        if revision.content().principles.is_empty() {
            return Err(AgreementRule::NoPrinciples.into());
        }
        let report = checked_report(revision, report, responses)?;
        let current_index = self
            .versions
            .iter()
            .position(|v| v.status() == VersionStatus::Adopted);
        let current = current_index.and_then(|i| self.versions[i].adoption());
        let record = validate_adoption(&record, revision.consultation(), current, today)?;
        let reconfirm_by = self.settings.reconfirmation_days.and_then(|days| {
            record
                .valid_from()
                .max(record.decision_date())
                .checked_add_days(Days::new(u64::from(days)))
        });
        let mut superseded_version = 0;
        if let Some(i) = current_index {
            let superseded = &mut self.versions[i];
            superseded.supersede(record.valid_from());
            superseded_version = superseded.number();
        }
        let revision = &mut self.versions[index];
        revision.adopt(record, report);
        Ok(RevisionAdopted {
            superseded_version,
            adopted_version: revision.number(),
            reconfirm_by,
        })
    }

    /// Drops the revision in progress; it stays on record, and a new one may be started.
    pub fn abandon_revision(&mut self) -> Result<(), DomainError> {
        let index = self.require_revision()?;
        self.versions[index].abandon();
        Ok(())
    }

    // ----- translations -----

    /// Records a translation of version `number`'s public texts (see
    /// [`VersionTranslation`]): only an adopted or superseded text, which no longer changes,
    /// is translated; a second translation into a language replaces the first.
    pub fn translate_version(
        &mut self,
        number: u32,
        input: TranslationInput,
    ) -> Result<(), DomainError> {
        let Some(index) = self.versions.iter().position(|v| v.number() == number) else {
            return Err(DomainError::invalid(
                "number",
                AgreementField::NoSuchItem {
                    index: number,
                    count: self.versions.len(),
                },
            ));
        };
        let version = &self.versions[index];
        if !version.is_publicly_visible() {
            return Err(AgreementRule::VersionNotTranslatable {
                number,
                status: version.status(),
            }
            .into());
        }
        let translation = VersionTranslation::validated(input, version.content())?;
        self.versions[index].record_translation(translation);
        Ok(())
    }

    // ----- follow-up and renegotiation -----

    /// Records a follow-up or evaluation as done (see [`ReviewInput::validated`]).
    pub fn record_review(
        &mut self,
        review: ReviewInput,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted_or_terminating(today)?;
        let adopted_on = self
            .first_adoption()
            .map(AdoptionRecord::decision_date)
            .ok_or(AgreementRule::NotAdopted { state: self.state })?;
        let review = review.validated(adopted_on, today)?;
        self.reviews.push(review);
        Ok(())
    }

    /// Records a party's written call for renegotiation (see
    /// [`RenegotiationInput::validated`]); it is shown with the agreement.
    pub fn file_renegotiation_request(
        &mut self,
        request: RenegotiationInput,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted()?;
        let request = request.validated(self, today)?;
        self.renegotiation_requests.push(request);
        Ok(())
    }

    /// A request on record, to answer or withdraw it.
    pub fn renegotiation_request_mut(&mut self, id: Uuid) -> Option<&mut RenegotiationRequest> {
        self.renegotiation_requests
            .iter_mut()
            .find(|r| r.id() == id)
    }

    // ----- helpers -----

    fn working_index(&self) -> Option<usize> {
        match self.state {
            AgreementState::Draft | AgreementState::Consultation => Some(0),
            AgreementState::Adopted => self.revision_index(),
            AgreementState::Terminated | AgreementState::Abandoned => None,
        }
    }

    fn revision_index(&self) -> Option<usize> {
        if self.state != AgreementState::Adopted {
            return None;
        }
        self.versions.iter().position(AgreementVersion::is_editable)
    }

    fn require_in_preparation(&self) -> Result<(), AgreementRule> {
        match self.state {
            AgreementState::Draft | AgreementState::Consultation => Ok(()),
            state => Err(AgreementRule::NotInPreparation { state }),
        }
    }

    fn require_adopted(&self) -> Result<(), AgreementRule> {
        match self.state {
            AgreementState::Adopted => Ok(()),
            state => Err(AgreementRule::NotAdopted { state }),
        }
    }

    /// Adopted, or terminated with the termination not yet in effect: until then the
    /// agreement is run as before (reviews recorded, meetings held).
    fn require_adopted_or_terminating(&self, today: NaiveDate) -> Result<(), AgreementRule> {
        match self.state {
            AgreementState::Terminated
                if self
                    .termination
                    .as_ref()
                    .is_some_and(|t| t.effective_on() > today) =>
            {
                Ok(())
            }
            _ => self.require_adopted(),
        }
    }

    fn require_revision(&self) -> Result<usize, AgreementRule> {
        self.require_adopted()?;
        self.revision_index()
            .ok_or(AgreementRule::NoRevisionInProgress)
    }
}

struct ValidParties {
    owner: Uuid,
    party_ids: Vec<Uuid>,
    civil_society: CivilSocietyParty,
    scope: Scope,
    codes: Vec<MunicipalityCode>,
}

fn validate_parties(input: &PartiesInput) -> Result<ValidParties, DomainError> {
    let mut v = Validator::new();
    let ids = &input.party_public_body_ids;
    if ids.is_empty() {
        v.add("party_public_body_ids", AgreementField::PartiesRequired);
    } else if ids.len() > PARTIES_MAX {
        v.add(
            "party_public_body_ids",
            AgreementField::TooManyParties { max: PARTIES_MAX },
        );
    } else {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(id) {
                v.add(
                    format!("party_public_body_ids[{i}]"),
                    AgreementField::PartyListedTwice,
                );
            }
        }
        if !ids.contains(&input.owner_public_body_id) {
            v.add("owner_public_body_id", AgreementField::OwnerNotAParty);
        }
    }

    let party = &input.civil_society_party;
    let name = v.text("civil_society_party.name", &party.name, PARTY_NAME_MAX);
    if !party.kind.may_name_organization() && party.organization_id.is_some() {
        v.add(
            "civil_society_party.organization_id",
            AgreementField::SectorIsNoOrganization,
        );
    }

    let mut codes: Vec<MunicipalityCode> = Vec::new();
    if input.municipality_codes.is_empty() {
        v.add("municipality_codes", AgreementField::MunicipalitiesRequired);
    } else if input.municipality_codes.len() > crate::party::MUNICIPALITIES_MAX {
        v.add(
            "municipality_codes",
            PartyField::TooManyMunicipalities {
                max: crate::party::MUNICIPALITIES_MAX,
            },
        );
    } else {
        let mut county: Option<String> = None;
        for (i, raw) in input.municipality_codes.iter().enumerate() {
            let field = format!("municipality_codes[{i}]");
            let Some(code) = v.check(MunicipalityCode::parse_field(&field, raw)) else {
                continue;
            };
            if input.scope == Scope::Regional {
                match &county {
                    None => county = Some(code.county_code().to_owned()),
                    Some(c) if c != code.county_code() => {
                        v.add(field, AgreementField::DifferentCounty { county: c.clone() })
                    }
                    Some(_) => {}
                }
            }
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes.sort();
    }

    v.finish()?;
    Ok(ValidParties {
        owner: input.owner_public_body_id,
        party_ids: ids.clone(),
        civil_society: CivilSocietyParty {
            kind: party.kind,
            name: name.unwrap_or_default(),
            organization_id: party.organization_id,
        },
        scope: input.scope,
        codes,
    })
}

/// The field errors of a nested validation under their parent field (`settings.…`).
fn nest_invalid(error: DomainError, parent: &str) -> DomainError {
    match error {
        DomainError::Invalid(errors) => {
            DomainError::Invalid(errors.into_iter().map(|e| e.nested_in(parent)).collect())
        }
        other => other,
    }
}

/// The three values, or every field error of all three (a conflict wins).
fn all_valid<A, B, C>(
    a: Result<A, DomainError>,
    b: Result<B, DomainError>,
    c: Result<C, DomainError>,
) -> Result<(A, B, C), DomainError> {
    match (a, b, c) {
        (Ok(a), Ok(b), Ok(c)) => Ok((a, b, c)),
        (a, b, c) => {
            let mut errors = Vec::new();
            for error in [a.err(), b.err(), c.err()].into_iter().flatten() {
                match error {
                    DomainError::Invalid(e) => errors.extend(e),
                    conflict => return Err(conflict),
                }
            }
            Err(DomainError::Invalid(errors))
        }
    }
}

/// The consultation's opening day (not in the future) and its setup, every error at once.
fn validate_consultation(
    input: &ConsultationInput,
    revision: bool,
    today: NaiveDate,
) -> Result<ConsultationSetup, DomainError> {
    let opened = not_in_future("opened_on", input.opened_on, today);
    match (opened, ConsultationSetup::validated(input, revision)) {
        (Ok(()), Ok(setup)) => Ok(setup),
        (Err(DomainError::Invalid(mut a)), Err(DomainError::Invalid(b))) => {
            a.extend(b);
            Err(DomainError::Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// The report checked against the version's text and its consultation's responses.
fn checked_report(
    version: &AgreementVersion,
    report: Option<ReportInput>,
    responses: &[ConsultationResponse],
) -> Result<Option<ConsultationReport>, DomainError> {
    let Some(report) = report else {
        return Ok(None);
    };
    if version.consultation().is_none() {
        return Err(ConsultationRule::NoConsultation.into());
    }
    let own: Vec<ConsultationResponse> = responses
        .iter()
        .filter(|r| r.version_number() == version.number())
        .cloned()
        .collect();
    ConsultationReport::validated(report, version.content(), &own).map(Some)
}

fn not_in_future(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if date > today {
        Err(DomainError::invalid(field, CommonField::InFuture))
    } else {
        Ok(())
    }
}

/// The adoption record on its own, then against the recorded dates it follows: the
/// consultation it closes and, for a revision, the adoption of the version it supersedes.
fn validate_adoption(
    record: &AdoptionInput,
    consultation: Option<&ConsultationRecord>,
    current: Option<&AdoptionRecord>,
    today: NaiveDate,
) -> Result<AdoptionRecord, DomainError> {
    let mut against_record: Vec<FieldError> = Vec::new();
    if let Some(c) = consultation
        && record.decision_date < c.opened_on()
    {
        against_record.push(
            AgreementField::DecisionBeforeConsultation {
                opened_on: c.opened_on(),
            }
            .at("decision_date"),
        );
    }
    if let Some(current) = current {
        if record.decision_date < current.decision_date() {
            against_record.push(
                AgreementField::RevisionDecidedBeforeCurrent {
                    decided_on: current.decision_date(),
                }
                .at("decision_date"),
            );
        }
        if record.valid_from < current.valid_from() {
            against_record.push(
                AgreementField::RevisionValidBeforeCurrent {
                    valid_from: current.valid_from(),
                }
                .at("valid_from"),
            );
        }
    }
    match (record.validated(today), against_record.is_empty()) {
        (Ok(record), true) => Ok(record),
        (Ok(_), false) => Err(DomainError::Invalid(against_record)),
        (Err(DomainError::Invalid(mut errors)), _) => {
            errors.extend(against_record);
            Err(DomainError::Invalid(errors))
        }
        (Err(conflict), _) => Err(conflict),
    }
}

#[cfg(test)]
mod tests;
