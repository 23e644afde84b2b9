//! The agreement aggregate: its parties, its versions and every transition between states.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::limits::*;
use super::{
    AdoptionRecord, AgreementRule, AgreementSettings, AgreementVersion, ConsultationRecord,
    DueItem, RenegotiationRequest, ReviewRecord, VersionContent, VersionStatus, due_items,
    stored_enum,
};
use crate::error::{DomainError, FieldError, Validator};
use crate::scb::MunicipalityCode;

stored_enum! {
    /// The stored lifecycle state. `expired` is not here: it is derived ([`Agreement::status`]).
    pub enum AgreementState {
        Draft = "draft",
        Consultation = "consultation",
        Adopted = "adopted",
        Terminated = "terminated",
        Abandoned = "abandoned",
    }
}

stored_enum! {
    /// The status shown to clients: the stored state, with `expired` derived from the
    /// version in force and a termination counted from its effective date.
    pub enum ShownStatus {
        Draft = "draft",
        Consultation = "consultation",
        Adopted = "adopted",
        Expired = "expired",
        Terminated = "terminated",
        Abandoned = "abandoned",
    }
}

stored_enum! {
    /// A municipality's agreement, or a region's (Blekinge) covering the county's
    /// municipalities.
    pub enum Scope {
        Municipal = "municipal",
        Regional = "regional",
    }
}

stored_enum! {
    pub enum CivilSocietyPartyKind {
        /// The sector as a whole: "Eslövs idéburna sektor", "alla organisationer/föreningar i
        /// Lund som tillhör den idéburna sektorn".
        Sector = "sector",
        /// A named network that represents the sector: "Nätverket Idéburet Blekinge".
        Network = "network",
    }
}

/// The civil-society side of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CivilSocietyParty {
    pub kind: CivilSocietyPartyKind,
    pub name: String,
    /// A network that is in the organisation register; a sector is not one organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
}

/// What a client shows as the agreement's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementStatus {
    pub status: ShownStatus,
    /// A new version is being drafted or consulted on while the current one applies.
    pub revision_in_progress: bool,
    /// A recorded termination that takes effect later: until then the agreement applies.
    pub terminates_on: Option<NaiveDate>,
}

/// The decision that ends an adopted agreement (Blekinge: "begära utträde ur partnerskapet").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TerminationRecord {
    pub decided_by: String,
    pub decision_date: NaiveDate,
    /// The first day the agreement no longer applies; on or after the decision.
    pub effective_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
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

/// An agreement (överenskommelse). Plain data for the persistence layer; change it only
/// through its operations, each of which either succeeds completely or changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: Uuid,
    pub owner_public_body_id: Uuid,
    /// Includes the owner.
    pub party_public_body_ids: Vec<Uuid>,
    pub civil_society_party: CivilSocietyParty,
    pub scope: Scope,
    /// Sorted, without duplicates.
    pub municipality_codes: Vec<MunicipalityCode>,
    pub settings: AgreementSettings,
    pub state: AgreementState,
    pub termination: Option<TerminationRecord>,
    /// Ordered by number, 1 first; none is ever removed.
    pub versions: Vec<AgreementVersion>,
    /// Follow-ups and evaluations recorded as done, in the order recorded.
    pub reviews: Vec<ReviewRecord>,
    pub renegotiation_requests: Vec<RenegotiationRequest>,
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
        })
    }

    // ----- queries -----

    /// The status to show on `today`, with `expired` derived: adopted, and the version in
    /// force has a `valid_until` before today.
    pub fn status(&self, today: NaiveDate) -> AgreementStatus {
        let expired = self
            .current_version()
            .and_then(|v| v.adoption.as_ref())
            .is_some_and(|a| a.has_expired(today));
        let pending_termination = self
            .termination
            .as_ref()
            .filter(|t| self.state == AgreementState::Terminated && t.effective_on > today)
            .map(|t| t.effective_on);
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

    /// Whether the agreement takes new accessions (and approvals of pending ones) on `today`:
    /// in force, and no termination decided — not even one that takes effect later.
    pub fn takes_accessions(&self, today: NaiveDate) -> bool {
        self.state == AgreementState::Adopted && self.is_in_force(today)
    }

    pub fn is_party(&self, public_body_id: Uuid) -> bool {
        self.party_public_body_ids.contains(&public_body_id)
    }

    pub fn version(&self, number: u32) -> Option<&AgreementVersion> {
        self.versions.iter().find(|v| v.number == number)
    }

    /// The adopted version: in force, or the last one in force for a terminated agreement.
    pub fn current_version(&self) -> Option<&AgreementVersion> {
        self.versions
            .iter()
            .find(|v| v.status == VersionStatus::Adopted)
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
        self.versions.iter().find_map(|v| v.adoption.as_ref())
    }

    /// The due and overdue follow-ups, evaluations and revision of an adopted agreement
    /// (see [`due_items`]); nothing for any other state.
    pub fn due_items(&self, today: NaiveDate) -> Vec<DueItem> {
        if self.state != AgreementState::Adopted {
            return Vec::new();
        }
        let current = self.current_version().and_then(|v| v.adoption.as_ref());
        match (self.first_adoption(), current) {
            (Some(first), Some(current)) => {
                due_items(first, current, &self.settings, &self.reviews, today)
            }
            _ => Vec::new(),
        }
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
        if matches!(
            self.state,
            AgreementState::Terminated | AgreementState::Abandoned
        ) {
            return Err(AgreementRule::Closed { state: self.state }.into());
        }
        self.settings = settings.validated()?;
        Ok(())
    }

    // ----- operations on the text -----

    /// Replaces the text of the working version (a draft, a text on consultation, or the
    /// revision in progress). An adopted text never changes.
    pub fn edit_draft(&mut self, content: VersionContent) -> Result<(), DomainError> {
        let index = self
            .working_index()
            .ok_or(AgreementRule::VersionNotEditable)?;
        self.versions[index].content = content.validated()?;
        Ok(())
    }

    /// Sends the draft on referral (remiss).
    pub fn open_consultation(
        &mut self,
        opened_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        match self.state {
            AgreementState::Draft => {}
            AgreementState::Consultation => {
                return Err(AgreementRule::ConsultationAlreadyOpen.into());
            }
            state => return Err(AgreementRule::NotDraft { state }.into()),
        }
        not_in_future("opened_on", opened_on, today)?;
        let version = &mut self.versions[0];
        version.status = VersionStatus::Consultation;
        version.consultation = Some(ConsultationRecord {
            opened_on,
            closed_on: None,
        });
        self.state = AgreementState::Consultation;
        Ok(())
    }

    /// Puts the first version in force, from draft or consultation (the seeds went through a
    /// referral round, but the software does not require one); closes the consultation on
    /// the decision date if it is still open.
    pub fn adopt(&mut self, record: AdoptionRecord, today: NaiveDate) -> Result<(), DomainError> {
        self.require_in_preparation()?;
        let version = &self.versions[0];
        if version.content.principles.is_empty() {
            return Err(AgreementRule::NoPrinciples.into());
        }
        let record = validate_adoption(&record, version.consultation.as_ref(), today)?;
        let version = &mut self.versions[0];
        close_consultation(version, record.decision_date);
        version.status = VersionStatus::Adopted;
        version.adoption = Some(record);
        self.state = AgreementState::Adopted;
        Ok(())
    }

    /// Drops an agreement that was never adopted; it stays on record for its administrators.
    pub fn abandon(&mut self) -> Result<(), DomainError> {
        self.require_in_preparation()?;
        self.versions[0].status = VersionStatus::Abandoned;
        self.state = AgreementState::Abandoned;
        Ok(())
    }

    /// Ends an adopted agreement. A revision in progress is abandoned with it: a terminated
    /// agreement has no next text, and refusing would only make the caller abandon it first.
    pub fn terminate(
        &mut self,
        record: TerminationRecord,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted()?;
        let adopted_on = self.first_adoption().map(|a| a.decision_date);
        let mut v = Validator::new();
        let decided_by = v.text("decided_by", &record.decided_by, DECIDED_BY_MAX);
        let reason = v.optional_text("reason", record.reason.as_deref(), REASON_MAX);
        if record.decision_date > today {
            v.add(
                "decision_date",
                "in_future",
                "a decision cannot be dated in the future",
            );
        } else if adopted_on.is_some_and(|adopted| record.decision_date < adopted) {
            v.add(
                "decision_date",
                "before_adoption",
                "the agreement cannot be terminated before it was adopted",
            );
        }
        if record.effective_on < record.decision_date {
            v.add(
                "effective_on",
                "before_decision",
                "a termination cannot take effect before it was decided",
            );
        }
        v.finish()?;
        if let Some(index) = self.revision_index() {
            self.versions[index].status = VersionStatus::Abandoned;
        }
        self.termination = Some(TerminationRecord {
            decided_by: decided_by.unwrap_or_default(),
            reason,
            ..record
        });
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
        let number = self.versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
        self.versions.push(AgreementVersion::draft(number, content));
        Ok(number)
    }

    pub fn open_revision_consultation(
        &mut self,
        opened_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        let index = self.require_revision()?;
        if self.versions[index].status == VersionStatus::Consultation {
            return Err(AgreementRule::ConsultationAlreadyOpen.into());
        }
        not_in_future("opened_on", opened_on, today)?;
        let version = &mut self.versions[index];
        version.status = VersionStatus::Consultation;
        version.consultation = Some(ConsultationRecord {
            opened_on,
            closed_on: None,
        });
        Ok(())
    }

    /// Puts the revision in force; the version it replaces stays on record as superseded
    /// from the revision's `valid_from`. The revision cannot be decided or take effect
    /// before the current version was.
    pub fn adopt_revision(
        &mut self,
        record: AdoptionRecord,
        today: NaiveDate,
    ) -> Result<RevisionAdopted, DomainError> {
        let index = self.require_revision()?;
        let revision = &self.versions[index];
        if revision.content.principles.is_empty() {
            return Err(AgreementRule::NoPrinciples.into());
        }
        let record = validate_adoption(&record, revision.consultation.as_ref(), today)?;
        let current_index = self
            .versions
            .iter()
            .position(|v| v.status == VersionStatus::Adopted);
        if let Some(current) = current_index.and_then(|i| self.versions[i].adoption.as_ref())
            && (record.decision_date < current.decision_date
                || record.valid_from < current.valid_from)
        {
            return Err(AgreementRule::RevisionPredatesCurrent.into());
        }
        let reconfirm_by = self.settings.reconfirmation_days.and_then(|days| {
            record
                .valid_from
                .max(record.decision_date)
                .checked_add_days(Days::new(u64::from(days)))
        });
        let mut superseded_version = 0;
        if let Some(i) = current_index {
            let superseded = &mut self.versions[i];
            superseded.status = VersionStatus::Superseded;
            superseded.superseded_on = Some(record.valid_from);
            superseded_version = superseded.number;
        }
        let revision = &mut self.versions[index];
        close_consultation(revision, record.decision_date);
        revision.status = VersionStatus::Adopted;
        revision.adoption = Some(record);
        Ok(RevisionAdopted {
            superseded_version,
            adopted_version: revision.number,
            reconfirm_by,
        })
    }

    /// Drops the revision in progress; it stays on record, and a new one may be started.
    pub fn abandon_revision(&mut self) -> Result<(), DomainError> {
        let index = self.require_revision()?;
        self.versions[index].status = VersionStatus::Abandoned;
        Ok(())
    }

    // ----- follow-up and renegotiation -----

    /// Records a follow-up or evaluation as done (see [`ReviewRecord::validated`]).
    pub fn record_review(
        &mut self,
        review: ReviewRecord,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted()?;
        let adopted_on = self
            .first_adoption()
            .map(|a| a.decision_date)
            .ok_or(AgreementRule::NotAdopted { state: self.state })?;
        let review = review.validated(adopted_on, today)?;
        self.reviews.push(review);
        Ok(())
    }

    /// Records a party's written call for renegotiation (see
    /// [`RenegotiationRequest::validated`]); it is shown with the agreement.
    pub fn file_renegotiation_request(
        &mut self,
        request: RenegotiationRequest,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_adopted()?;
        let request = request.validated(self, today)?;
        self.renegotiation_requests.push(request);
        Ok(())
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
        v.add(
            "party_public_body_ids",
            "required",
            "an agreement has at least one public body as a party",
        );
    } else if ids.len() > PARTIES_MAX {
        v.add(
            "party_public_body_ids",
            "too_many",
            format!("at most {PARTIES_MAX} public bodies"),
        );
    } else {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(id) {
                v.add(
                    format!("party_public_body_ids[{i}]"),
                    "duplicate",
                    "this public body is already listed",
                );
            }
        }
        if !ids.contains(&input.owner_public_body_id) {
            v.add(
                "owner_public_body_id",
                "not_a_party",
                "the owning public body must be one of the parties",
            );
        }
    }

    let party = &input.civil_society_party;
    let name = v.text("civil_society_party.name", &party.name, PARTY_NAME_MAX);
    if party.kind == CivilSocietyPartyKind::Sector && party.organization_id.is_some() {
        v.add(
            "civil_society_party.organization_id",
            "not_allowed",
            "the sector as a whole is not one organisation: only a network has an organisation id",
        );
    }

    let mut codes: Vec<MunicipalityCode> = Vec::new();
    if input.municipality_codes.is_empty() {
        v.add(
            "municipality_codes",
            "required",
            "an agreement covers at least one municipality",
        );
    } else if input.municipality_codes.len() > crate::party::MUNICIPALITIES_MAX {
        v.add(
            "municipality_codes",
            "too_many",
            "at most 290 municipalities",
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
                    Some(c) if c != code.county_code() => v.add(
                        field,
                        "different_county",
                        format!(
                            "a regional agreement covers one county; this code is not in county {c}"
                        ),
                    ),
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

fn not_in_future(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if date > today {
        Err(DomainError::invalid(
            field,
            "in_future",
            "cannot be in the future",
        ))
    } else {
        Ok(())
    }
}

fn validate_adoption(
    record: &AdoptionRecord,
    consultation: Option<&ConsultationRecord>,
    today: NaiveDate,
) -> Result<AdoptionRecord, DomainError> {
    let before_consultation = consultation
        .filter(|c| record.decision_date < c.opened_on)
        .map(|c| {
            FieldError::new(
                "decision_date",
                "before_consultation",
                format!(
                    "the decision cannot precede the consultation opened on {}",
                    c.opened_on
                ),
            )
        });
    match (record.validated(today), before_consultation) {
        (Ok(record), None) => Ok(record),
        (Ok(_), Some(error)) => Err(error.into()),
        (Err(DomainError::Invalid(mut errors)), error) => {
            errors.extend(error);
            Err(DomainError::Invalid(errors))
        }
        (Err(conflict), _) => Err(conflict),
    }
}

fn close_consultation(version: &mut AgreementVersion, on: NaiveDate) {
    if let Some(c) = &mut version.consultation
        && c.closed_on.is_none()
    {
        c.closed_on = Some(on);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::testing::*;
    use crate::agreement::{Commitment, CommitmentParty, ReviewKind};

    fn states(a: &Agreement) -> (AgreementState, Vec<(u32, VersionStatus)>) {
        (
            a.state,
            a.versions.iter().map(|v| (v.number, v.status)).collect(),
        )
    }

    fn termination(on: NaiveDate) -> TerminationRecord {
        TerminationRecord {
            decided_by: " Kommunfullmäktige ".into(),
            decision_date: on,
            effective_on: on,
            reason: Some("Ersätts av en regional överenskommelse för hela länet.".into()),
        }
    }

    fn revised_content() -> VersionContent {
        let mut c = content();
        c.principles.push(principle(3, "Mångfald"));
        c.commitments.push(Commitment {
            party: CommitmentParty::CivilSociety,
            title: None,
            text: "Att ha en öppen dialog och välkomnande attityd gentemot intresserade".into(),
            principles: vec![3],
        });
        c
    }

    // ----- create and parties -----

    #[test]
    fn create_starts_a_draft_with_version_one() {
        let mut input = parties();
        input.municipality_codes = vec![" 0181".into(), "0181".into()];
        input.civil_society_party.name = " Idéburen sektor i Södertälje ".into();
        let a = Agreement::create(
            AGREEMENT,
            NewAgreement {
                parties: input,
                settings: settings(),
                content: content(),
            },
        )
        .expect("valid");
        assert_eq!(
            states(&a),
            (AgreementState::Draft, vec![(1, VersionStatus::Draft)])
        );
        assert_eq!(a.municipality_codes.len(), 1, "duplicates dropped");
        assert_eq!(a.civil_society_party.name, "Idéburen sektor i Södertälje");
        assert_eq!(a.status(today()).status, ShownStatus::Draft);
        assert!(a.current_version().is_none());
        assert_eq!(a.working_version().map(|v| v.number), Some(1));
        assert!(a.due_items(today()).is_empty());
        assert!(!a.is_in_force(today()));
    }

    #[test]
    fn create_names_every_invalid_field() {
        let input = NewAgreement {
            parties: PartiesInput {
                owner_public_body_id: OWNER,
                party_public_body_ids: vec![OTHER_BODY, OTHER_BODY],
                civil_society_party: CivilSocietyParty {
                    kind: CivilSocietyPartyKind::Sector,
                    name: "  ".into(),
                    organization_id: Some(Uuid::from_u128(77)),
                },
                scope: Scope::Municipal,
                municipality_codes: vec!["0281".into()],
            },
            settings: AgreementSettings {
                follow_up_months: Some(0),
                ..settings()
            },
            content: VersionContent {
                title: String::new(),
                ..content()
            },
        };
        assert_eq!(
            invalid_fields(Agreement::create(AGREEMENT, input)),
            [
                ("party_public_body_ids[1]".into(), "duplicate"),
                ("owner_public_body_id".into(), "not_a_party"),
                ("civil_society_party.name".into(), "required"),
                ("civil_society_party.organization_id".into(), "not_allowed"),
                ("municipality_codes[0]".into(), "municipality_code"),
                ("settings.follow_up_months".into(), "out_of_range"),
                ("title".into(), "required"),
            ]
        );
    }

    #[test]
    fn parties_and_codes_are_required() {
        let mut input = parties();
        input.party_public_body_ids.clear();
        input.municipality_codes.clear();
        let mut a = draft();
        assert_eq!(
            invalid_fields(a.edit_parties(input)),
            [
                ("party_public_body_ids".into(), "required"),
                ("municipality_codes".into(), "required"),
            ]
        );
        assert_eq!(a.party_public_body_ids, [OWNER], "unchanged");
    }

    /// Blekinge: Region Blekinge with Nätverket Idéburet Blekinge, covering the county.
    #[test]
    fn a_regional_agreement_covers_one_county() {
        let region = Uuid::from_u128(10);
        let network = Uuid::from_u128(99);
        let blekinge = PartiesInput {
            owner_public_body_id: region,
            party_public_body_ids: vec![region],
            civil_society_party: CivilSocietyParty {
                kind: CivilSocietyPartyKind::Network,
                name: "Nätverket Idéburet Blekinge".into(),
                organization_id: Some(network),
            },
            scope: Scope::Regional,
            municipality_codes: ["1083", "1060", "1082", "1081", "1080"]
                .map(String::from)
                .to_vec(),
        };
        let mut a = draft();
        a.edit_parties(blekinge.clone()).expect("valid");
        assert_eq!(a.scope, Scope::Regional);
        assert_eq!(
            a.municipality_codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            ["1060", "1080", "1081", "1082", "1083"],
            "sorted"
        );
        assert_eq!(a.civil_society_party.organization_id, Some(network));

        let mut across = blekinge;
        across.municipality_codes.push("1290".into());
        assert_eq!(
            invalid_fields(a.edit_parties(across)),
            [("municipality_codes[5]".into(), "different_county")]
        );
    }

    #[test]
    fn a_municipal_agreement_may_be_joint() {
        let mut input = parties();
        input.party_public_body_ids.push(OTHER_BODY);
        input.municipality_codes = vec!["0181".into(), "1285".into()];
        let mut a = draft();
        a.edit_parties(input)
            .expect("two municipalities may share an agreement");
        assert!(a.is_party(OTHER_BODY));
    }

    #[test]
    fn parties_are_fixed_once_adopted() {
        let mut a = adopted(date(2018, 10, 1));
        assert_eq!(
            rule(a.edit_parties(parties())),
            "agreement_not_in_preparation"
        );
    }

    // ----- settings -----

    #[test]
    fn settings_change_until_the_agreement_is_closed() {
        let mut a = adopted(date(2018, 10, 1));
        let new = AgreementSettings {
            follow_up_months: Some(24),
            ..settings()
        };
        a.update_settings(new.clone())
            .expect("adopted agreements may change settings");
        assert_eq!(a.settings, new);
        assert_eq!(
            invalid_fields(a.update_settings(AgreementSettings {
                evaluation_months: Some(0),
                ..settings()
            })),
            [("evaluation_months".into(), "out_of_range")]
        );
        a.terminate(termination(date(2024, 1, 1)), today())
            .expect("terminates");
        assert_eq!(rule(a.update_settings(settings())), "agreement_closed");

        let mut abandoned = draft();
        abandoned.abandon().expect("abandons");
        assert_eq!(
            rule(abandoned.update_settings(settings())),
            "agreement_closed"
        );
    }

    // ----- draft, consultation, adoption -----

    #[test]
    fn a_draft_is_edited_until_adopted() {
        let mut a = draft();
        a.edit_draft(revised_content())
            .expect("a draft is editable");
        assert_eq!(a.versions[0].content.principles.len(), 3);
        a.open_consultation(date(2018, 6, 26), today())
            .expect("opens");
        a.edit_draft(content())
            .expect("revised from the consultation answers");
        assert_eq!(a.versions[0].content.principles.len(), 2);

        let invalid = VersionContent {
            purpose: " ".into(),
            ..content()
        };
        assert_eq!(
            invalid_fields(a.edit_draft(invalid)),
            [("purpose".into(), "required")]
        );

        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        assert_eq!(rule(a.edit_draft(content())), "version_not_editable");
    }

    #[test]
    fn consultation_opens_once_on_a_draft() {
        let mut a = draft();
        assert_eq!(
            invalid_fields(a.open_consultation(date(2026, 11, 24), today())),
            [("opened_on".into(), "in_future")]
        );
        assert_eq!(a.state, AgreementState::Draft, "unchanged");
        a.open_consultation(date(2018, 6, 26), today())
            .expect("opens");
        assert_eq!(
            states(&a),
            (
                AgreementState::Consultation,
                vec![(1, VersionStatus::Consultation)]
            )
        );
        assert_eq!(a.status(today()).status, ShownStatus::Consultation);
        assert_eq!(
            a.versions[0].consultation,
            Some(ConsultationRecord {
                opened_on: date(2018, 6, 26),
                closed_on: None
            })
        );
        assert_eq!(
            rule(a.open_consultation(date(2018, 7, 1), today())),
            "consultation_already_open"
        );
        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        assert_eq!(
            rule(a.open_consultation(date(2019, 1, 1), today())),
            "agreement_not_draft"
        );
    }

    /// A consultation opened today is not in the future.
    #[test]
    fn a_consultation_may_open_today() {
        let mut a = draft();
        a.open_consultation(today(), today()).expect("opens today");
        assert_eq!(a.status(today()).status, ShownStatus::Consultation);
    }

    #[test]
    fn adoption_from_draft() {
        let mut a = draft();
        a.adopt(adoption(date(2019, 10, 1)), today())
            .expect("no consultation is required");
        assert_eq!(
            states(&a),
            (AgreementState::Adopted, vec![(1, VersionStatus::Adopted)])
        );
        assert_eq!(a.versions[0].consultation, None);
        assert_eq!(a.status(today()).status, ShownStatus::Adopted);
        assert!(a.is_in_force(today()));
        assert_eq!(a.current_version().map(|v| v.number), Some(1));
        assert_eq!(
            a.first_adoption().map(|r| r.decision_date),
            Some(date(2019, 10, 1))
        );
        assert!(a.working_version().is_none());
    }

    #[test]
    fn adoption_closes_the_consultation() {
        let mut a = draft();
        a.open_consultation(date(2018, 6, 26), today())
            .expect("opens");
        assert_eq!(
            invalid_fields(a.adopt(adoption(date(2018, 6, 1)), today())),
            [("decision_date".into(), "before_consultation")]
        );
        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        assert_eq!(
            a.versions[0].consultation.and_then(|c| c.closed_on),
            Some(date(2018, 10, 1))
        );
    }

    /// A decision may follow a consultation opened the same day ("not before it opened").
    #[test]
    fn adoption_may_be_decided_on_the_day_the_consultation_opened() {
        let mut a = draft();
        a.open_consultation(date(2018, 6, 26), today())
            .expect("opens");
        a.adopt(adoption(date(2018, 6, 26)), today())
            .expect("adopted the day it opened");
        assert_eq!(
            a.versions[0].consultation.and_then(|c| c.closed_on),
            Some(date(2018, 6, 26))
        );
    }

    #[test]
    fn adoption_validates_the_record() {
        let mut a = draft();
        let record = AdoptionRecord {
            decided_by: " ".into(),
            valid_until: Some(date(2018, 9, 30)),
            ..adoption(date(2018, 10, 1))
        };
        assert_eq!(
            invalid_fields(a.adopt(record, today())),
            [
                ("decided_by".into(), "required"),
                ("valid_until".into(), "not_after_valid_from"),
            ]
        );
        assert_eq!(
            invalid_fields(a.adopt(adoption(date(2026, 11, 24)), today())),
            [("decision_date".into(), "in_future")]
        );
        assert_eq!(a.state, AgreementState::Draft, "nothing changed");
        let trimmed = AdoptionRecord {
            decided_by: " Kommunfullmäktige ".into(),
            ..adoption(date(2018, 10, 1))
        };
        a.adopt(trimmed, today()).expect("adopts");
        assert_eq!(
            a.first_adoption().map(|r| r.decided_by.as_str()),
            Some("Kommunfullmäktige")
        );
    }

    #[test]
    fn adoption_needs_principles_and_happens_once() {
        let mut a = draft();
        a.edit_draft(VersionContent {
            principles: Vec::new(),
            commitments: Vec::new(),
            ..content()
        })
        .expect("a draft may lack principles");
        assert_eq!(
            rule(a.adopt(adoption(date(2018, 10, 1)), today())),
            "no_principles"
        );
        a.edit_draft(content()).expect("edits");
        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        assert_eq!(
            rule(a.adopt(adoption(date(2019, 10, 1)), today())),
            "agreement_not_in_preparation"
        );
    }

    #[test]
    fn a_draft_or_consultation_may_be_abandoned() {
        let mut a = draft();
        a.abandon().expect("abandons a draft");
        assert_eq!(
            states(&a),
            (
                AgreementState::Abandoned,
                vec![(1, VersionStatus::Abandoned)]
            )
        );
        assert_eq!(a.status(today()).status, ShownStatus::Abandoned);
        assert_eq!(rule(a.abandon()), "agreement_not_in_preparation");
        assert_eq!(rule(a.edit_draft(content())), "version_not_editable");
        assert_eq!(
            rule(a.open_consultation(date(2018, 1, 1), today())),
            "agreement_not_draft"
        );
        assert_eq!(
            rule(a.adopt(adoption(date(2018, 1, 1)), today())),
            "agreement_not_in_preparation"
        );

        let mut b = draft();
        b.open_consultation(date(2018, 6, 26), today())
            .expect("opens");
        b.abandon().expect("abandons a consultation");
        assert_eq!(b.state, AgreementState::Abandoned);

        let mut c = adopted(date(2018, 10, 1));
        assert_eq!(rule(c.abandon()), "agreement_not_in_preparation");
    }

    // ----- expiry and termination -----

    #[test]
    fn expiry_is_derived_from_valid_until() {
        let mut a = draft();
        a.adopt(
            AdoptionRecord {
                valid_until: Some(date(2022, 10, 1)),
                ..adoption(date(2018, 10, 1))
            },
            today(),
        )
        .expect("adopts");
        assert_eq!(
            a.state,
            AgreementState::Adopted,
            "stored state stays adopted"
        );
        assert_eq!(a.status(date(2022, 10, 1)).status, ShownStatus::Adopted);
        assert!(a.is_in_force(date(2022, 10, 1)));
        assert_eq!(a.status(date(2022, 10, 2)).status, ShownStatus::Expired);
        assert!(!a.is_in_force(date(2022, 10, 2)));
    }

    #[test]
    fn termination_ends_an_adopted_agreement() {
        let mut a = adopted(date(2018, 10, 1));
        a.terminate(termination(date(2024, 5, 20)), today())
            .expect("terminates");
        assert_eq!(
            states(&a),
            (
                AgreementState::Terminated,
                vec![(1, VersionStatus::Adopted)]
            )
        );
        let t = a.termination.as_ref().expect("recorded");
        assert_eq!(t.decided_by, "Kommunfullmäktige", "trimmed");
        assert_eq!(
            a.status(today()),
            AgreementStatus {
                status: ShownStatus::Terminated,
                revision_in_progress: false,
                terminates_on: None
            }
        );
        assert!(!a.is_in_force(today()));
        assert!(a.due_items(today()).is_empty());
        assert_eq!(
            a.current_version().map(|v| v.number),
            Some(1),
            "the last text stays"
        );
        assert_eq!(
            rule(a.terminate(termination(date(2024, 6, 1)), today())),
            "agreement_not_adopted"
        );
        assert_eq!(rule(a.start_revision(content())), "agreement_not_adopted");

        let mut d = draft();
        assert_eq!(
            rule(d.terminate(termination(date(2024, 5, 20)), today())),
            "agreement_not_adopted"
        );
    }

    #[test]
    fn termination_counts_from_its_effective_date() {
        let mut a = adopted(date(2018, 10, 1));
        let record = TerminationRecord {
            effective_on: date(2027, 1, 1),
            ..termination(date(2026, 11, 1))
        };
        a.terminate(record, today()).expect("terminates");
        assert_eq!(
            a.status(today()),
            AgreementStatus {
                status: ShownStatus::Adopted,
                revision_in_progress: false,
                terminates_on: Some(date(2027, 1, 1))
            }
        );
        assert!(a.is_in_force(date(2026, 12, 31)));
        assert_eq!(a.status(date(2027, 1, 1)).status, ShownStatus::Terminated);
    }

    /// "Not before it was adopted" and "not before it was decided": the same day is allowed.
    #[test]
    fn termination_may_be_decided_and_take_effect_on_the_day_of_adoption() {
        let mut a = adopted(date(2018, 10, 1));
        a.terminate(termination(date(2018, 10, 1)), today())
            .expect("terminated the day it was adopted");
        assert_eq!(a.status(date(2018, 10, 1)).status, ShownStatus::Terminated);
    }

    #[test]
    fn a_termination_reason_is_kept_trimmed_and_a_blank_one_is_none() {
        let mut a = adopted(date(2018, 10, 1));
        let record = TerminationRecord {
            reason: Some("  Ersätts av en regional överenskommelse.  ".into()),
            ..termination(date(2024, 5, 20))
        };
        a.terminate(record, today()).expect("terminates");
        assert_eq!(
            a.termination.as_ref().and_then(|t| t.reason.as_deref()),
            Some("Ersätts av en regional överenskommelse.")
        );
        let mut b = adopted(date(2018, 10, 1));
        let blank = TerminationRecord {
            reason: Some("  ".into()),
            ..termination(date(2024, 5, 20))
        };
        b.terminate(blank, today()).expect("terminates");
        assert_eq!(b.termination.and_then(|t| t.reason), None);
    }

    /// A decision is a fact of today or earlier: today itself is allowed.
    #[test]
    fn termination_may_be_decided_today() {
        let mut a = adopted(date(2018, 10, 1));
        a.terminate(termination(today()), today())
            .expect("decided today");
        assert!(!a.is_in_force(today()));
    }

    #[test]
    fn termination_record_is_validated() {
        let mut a = adopted(date(2018, 10, 1));
        let record = TerminationRecord {
            decided_by: String::new(),
            decision_date: date(2018, 9, 1),
            effective_on: date(2018, 8, 1),
            reason: None,
        };
        assert_eq!(
            invalid_fields(a.terminate(record, today())),
            [
                ("decided_by".into(), "required"),
                ("decision_date".into(), "before_adoption"),
                ("effective_on".into(), "before_decision"),
            ]
        );
        assert_eq!(
            invalid_fields(a.terminate(termination(date(2026, 11, 24)), today())),
            [("decision_date".into(), "in_future")]
        );
        assert_eq!(a.state, AgreementState::Adopted, "nothing changed");
    }

    #[test]
    fn termination_abandons_a_revision_in_progress() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(revised_content()).expect("starts");
        a.terminate(termination(date(2024, 5, 20)), today())
            .expect("terminates");
        assert_eq!(
            states(&a),
            (
                AgreementState::Terminated,
                vec![(1, VersionStatus::Adopted), (2, VersionStatus::Abandoned)]
            )
        );
        assert!(!a.status(today()).revision_in_progress);
    }

    // ----- revisions -----

    #[test]
    fn a_revision_is_drafted_while_the_current_version_applies() {
        let mut a = adopted(date(2018, 10, 1));
        assert_eq!(
            rule(a.edit_draft(revised_content())),
            "version_not_editable"
        );
        assert_eq!(a.start_revision(revised_content()).expect("starts"), 2);
        assert_eq!(
            states(&a),
            (
                AgreementState::Adopted,
                vec![(1, VersionStatus::Adopted), (2, VersionStatus::Draft)]
            )
        );
        let status = a.status(today());
        assert_eq!(status.status, ShownStatus::Adopted);
        assert!(status.revision_in_progress);
        assert_eq!(
            a.current_version().map(|v| v.content.principles.len()),
            Some(2)
        );
        assert_eq!(a.revision().map(|v| v.number), Some(2));
        assert_eq!(
            rule(a.start_revision(content())),
            "revision_already_in_progress"
        );

        a.edit_draft(content())
            .expect("edit_draft edits the revision");
        assert_eq!(a.versions[1].content, content());
        assert_eq!(a.versions[0].content, content().validated().expect("valid"));
    }

    #[test]
    fn revisions_need_an_adopted_agreement() {
        let mut a = draft();
        assert_eq!(rule(a.start_revision(content())), "agreement_not_adopted");
        assert_eq!(rule(a.abandon_revision()), "agreement_not_adopted");
        assert_eq!(
            rule(a.adopt_revision(adoption(date(2022, 10, 1)), today())),
            "agreement_not_adopted"
        );
        let mut b = adopted(date(2018, 10, 1));
        assert_eq!(rule(b.abandon_revision()), "no_revision_in_progress");
        assert_eq!(
            rule(b.open_revision_consultation(date(2022, 1, 1), today())),
            "no_revision_in_progress"
        );
        assert_eq!(
            rule(b.adopt_revision(adoption(date(2022, 10, 1)), today())),
            "no_revision_in_progress"
        );
        let invalid = VersionContent {
            title: String::new(),
            ..content()
        };
        assert_eq!(
            invalid_fields(b.start_revision(invalid)),
            [("title".into(), "required")]
        );
        assert_eq!(b.versions.len(), 1, "nothing started");
    }

    #[test]
    fn a_revision_has_its_own_consultation() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(revised_content()).expect("starts");
        assert_eq!(
            invalid_fields(a.open_revision_consultation(date(2026, 12, 1), today())),
            [("opened_on".into(), "in_future")]
        );
        a.open_revision_consultation(date(2022, 3, 1), today())
            .expect("opens");
        assert_eq!(a.versions[1].status, VersionStatus::Consultation);
        assert_eq!(a.state, AgreementState::Adopted);
        assert_eq!(
            rule(a.open_revision_consultation(date(2022, 3, 2), today())),
            "consultation_already_open"
        );
        assert_eq!(
            rule(a.open_consultation(date(2022, 3, 2), today())),
            "agreement_not_draft"
        );
        a.edit_draft(revised_content())
            .expect("a revision on consultation is editable");
        assert_eq!(
            invalid_fields(a.adopt_revision(adoption(date(2022, 2, 1)), today())),
            [("decision_date".into(), "before_consultation")]
        );
        a.adopt_revision(adoption(date(2022, 9, 26)), today())
            .expect("adopts");
        assert_eq!(
            a.versions[1].consultation.and_then(|c| c.closed_on),
            Some(date(2022, 9, 26))
        );
    }

    #[test]
    fn adopting_a_revision_supersedes_the_current_version() {
        let mut a = draft();
        a.update_settings(AgreementSettings {
            reconfirmation_days: Some(90),
            ..settings()
        })
        .expect("valid settings");
        a.adopt(
            AdoptionRecord {
                valid_until: Some(date(2022, 10, 1)),
                ..adoption(date(2018, 10, 1))
            },
            today(),
        )
        .expect("adopts");
        assert_eq!(a.status(today()).status, ShownStatus::Expired);
        a.start_revision(revised_content())
            .expect("an expired agreement may be revised");
        let revision = AdoptionRecord {
            decision_date: date(2026, 10, 5),
            valid_from: date(2027, 1, 1),
            valid_until: Some(date(2030, 12, 31)),
            ..adoption(date(2026, 10, 5))
        };
        let adopted = a.adopt_revision(revision, today()).expect("adopts");
        assert_eq!(
            adopted,
            RevisionAdopted {
                superseded_version: 1,
                adopted_version: 2,
                reconfirm_by: Some(date(2027, 4, 1)),
            }
        );
        assert_eq!(
            states(&a),
            (
                AgreementState::Adopted,
                vec![(1, VersionStatus::Superseded), (2, VersionStatus::Adopted)]
            )
        );
        assert_eq!(a.versions[0].superseded_on, Some(date(2027, 1, 1)));
        assert!(
            a.versions[0].adoption.is_some(),
            "the old decision stays on record"
        );
        assert_eq!(a.current_version().map(|v| v.number), Some(2));
        assert_eq!(
            a.first_adoption().map(|r| r.decision_date),
            Some(date(2018, 10, 1))
        );
        assert_eq!(
            a.status(today()),
            AgreementStatus {
                status: ShownStatus::Adopted,
                revision_in_progress: false,
                terminates_on: None
            },
            "no longer expired"
        );
        assert_eq!(a.start_revision(content()).expect("the next revision"), 3);
        // Every text stays on record under its number.
        assert_eq!(
            [1, 2, 3, 4].map(|n| a.version(n).map(|v| v.status)),
            [
                Some(VersionStatus::Superseded),
                Some(VersionStatus::Adopted),
                Some(VersionStatus::Draft),
                None
            ]
        );
    }

    #[test]
    fn carried_over_accessions_need_no_reconfirmation() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(revised_content()).expect("starts");
        let adopted = a
            .adopt_revision(adoption(date(2022, 10, 1)), today())
            .expect("adopts");
        assert_eq!(adopted.reconfirm_by, None);
    }

    #[test]
    fn a_revision_cannot_predate_the_current_version() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(revised_content()).expect("starts");
        let backdated = AdoptionRecord {
            valid_from: date(2018, 9, 1),
            ..adoption(date(2022, 10, 1))
        };
        assert_eq!(
            rule(a.adopt_revision(backdated, today())),
            "revision_predates_current"
        );
        assert_eq!(
            rule(a.adopt_revision(adoption(date(2018, 9, 30)), today())),
            "revision_predates_current"
        );
        assert_eq!(
            a.versions[0].status,
            VersionStatus::Adopted,
            "nothing changed"
        );
        a.adopt_revision(adoption(date(2018, 10, 1)), today())
            .expect("the same day is not before");
    }

    #[test]
    fn a_revision_needs_principles() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(VersionContent {
            principles: Vec::new(),
            commitments: Vec::new(),
            ..content()
        })
        .expect("starts");
        assert_eq!(
            rule(a.adopt_revision(adoption(date(2022, 10, 1)), today())),
            "no_principles"
        );
    }

    #[test]
    fn an_abandoned_revision_stays_on_record() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(revised_content()).expect("starts");
        a.abandon_revision().expect("abandons");
        assert_eq!(
            states(&a),
            (
                AgreementState::Adopted,
                vec![(1, VersionStatus::Adopted), (2, VersionStatus::Abandoned)]
            )
        );
        assert!(!a.status(today()).revision_in_progress);
        assert_eq!(rule(a.abandon_revision()), "no_revision_in_progress");
        assert_eq!(a.start_revision(content()).expect("a new one"), 3);
    }

    // ----- reviews -----

    #[test]
    fn reviews_are_recorded_on_adopted_agreements() {
        let mut d = draft();
        let review = ReviewRecord {
            id: Uuid::from_u128(500),
            kind: ReviewKind::FollowUp,
            done_on: date(2019, 10, 15),
            summary: " Årlig uppföljning redovisad för kommunstyrelsen. ".into(),
        };
        assert_eq!(
            rule(d.record_review(review.clone(), today())),
            "agreement_not_adopted"
        );

        let mut a = adopted(date(2018, 10, 1));
        a.record_review(review.clone(), today()).expect("records");
        assert_eq!(a.reviews.len(), 1);
        assert_eq!(
            a.reviews[0].summary,
            "Årlig uppföljning redovisad för kommunstyrelsen."
        );

        let bad = ReviewRecord {
            done_on: date(2018, 9, 30),
            summary: String::new(),
            ..review.clone()
        };
        assert_eq!(
            invalid_fields(a.record_review(bad, today())),
            [
                ("summary".into(), "required"),
                ("done_on".into(), "before_adoption"),
            ]
        );
        let future = ReviewRecord {
            done_on: date(2026, 11, 24),
            ..review
        };
        assert_eq!(
            invalid_fields(a.record_review(future, today())),
            [("done_on".into(), "in_future")]
        );
        assert_eq!(a.reviews.len(), 1, "nothing more recorded");
    }

    /// A review done today, or on the day of adoption, may be recorded.
    #[test]
    fn a_review_may_be_recorded_from_the_day_of_adoption_until_today() {
        let mut a = adopted(date(2018, 10, 1));
        for (n, done_on) in [date(2018, 10, 1), today()].into_iter().enumerate() {
            let review = ReviewRecord {
                id: Uuid::from_u128(510 + n as u128),
                kind: ReviewKind::FollowUp,
                done_on,
                summary: "Uppföljning i samverkansrådet.".into(),
            };
            a.record_review(review, today())
                .unwrap_or_else(|e| panic!("done {done_on}: {e}"));
        }
        assert_eq!(a.reviews.len(), 2);
    }
}
