//! The accession aggregate and its operations. Each operation checks everything first and
//! only then changes the accession and appends its one history entry, so a failed operation
//! leaves the accession exactly as it was.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::values::{
    AccessionState, BoardDecision, BoardDecisionInput, Channel, ContactPerson, ContactPersonInput,
    EndReason, HistoryEntry, HistoryEvent, PendingVerification, Reconfirmation, Signatory,
    Verifier, WithdrawalNotice, WithdrawalNoticeInput, field, notice_reference,
};
use super::{AccessionField, AccessionRule, REASON_MAX, STATEMENT_MAX, swedish_date};
use crate::agreement::{
    Agreement, ApprovalMode, CivilSocietyParty, CivilSocietyPartyKind, EligibleArea,
    RevisionAdopted,
};
use crate::error::{CommonField, DomainError, FieldError, Validator};
use crate::steering::{self, Decision, DecisionKind, Meeting, SteeringGroup};

mod correction;

pub use correction::{CorrectedBoardDecision, CorrectedWithdrawal, CorrectionInput};

/// The `by` of history entries that no person caused: the sweep that ends accessions whose
/// reconfirmation deadline passed.
pub const SYSTEM_ACTOR: &str = "system";

/// What the accession rules need to know about the agreement, filled in by the caller from
/// the agreement module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementTerms {
    pub agreement_id: Uuid,
    /// The public body whose administrators run the agreement; they decide on accessions.
    pub owner_public_body_id: Uuid,
    /// The public bodies that are parties to the agreement itself (the agreement's
    /// `party_public_body_ids`, owner included): they do not accede to it.
    pub party_public_body_ids: Vec<Uuid>,
    /// The agreement's `is_in_force(today)`: adopted (a revision in progress does not change
    /// that), not expired, any termination not yet effective. Drafts, agreements on
    /// consultation and terminated ones take no accessions.
    pub in_force: bool,
    /// The first day the agreement applies (its first adoption's `valid_from`): no
    /// accession is approved from an earlier date. `None` before adoption.
    pub in_force_from: Option<NaiveDate>,
    /// When the agreement applies, one period per adopted version: from its first day to
    /// its last (`None`: until further notice), ended by a termination. Whether an accession
    /// may be registered and approved is judged on its dates against these.
    pub periods: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// The first day a decided termination takes effect: accessions approved on the
    /// agreement end with it that day.
    pub terminated_from: Option<NaiveDate>,
    /// The number of the version in force; an approval records it.
    pub version_number: u32,
    pub approval_mode: ApprovalMode,
    /// Blekinge: public bodies may accede; the municipal agreements are for the sector.
    pub public_bodies_may_accede: bool,
    /// The channels the agreement takes accessions through (Eslöv, Lund: board minutes;
    /// Södertälje: at adoption, dialogue forum, written application; Blekinge: the form).
    /// A channel not listed is refused (`channel_not_accepted`).
    pub accepted_channels: Vec<Channel>,
    /// The municipalities an organisation must be active in to accede (Eslöv: Eslöv);
    /// `None`: anywhere. An organisation active in none of them is refused (`outside_area`).
    pub eligible_municipalities: Option<Vec<String>>,
    /// The organisations that are themselves a party (the civil-society network): they do not
    /// accede to their own agreement (`already_party`).
    pub party_organization_ids: Vec<Uuid>,
    /// The eligibility statements an applicant must affirm, as the agreement's settings word
    /// them (Lund: "utgår från en demokratisk värdegrund", "alla människor har ett lika
    /// värde", "gynnar samhälls- eller medlemsintresset"; Eslöv: seat or activity in the
    /// municipality).
    pub required_statements: Vec<String>,
}

impl AgreementTerms {
    /// The terms of `agreement` on `on` (today, or the historical date the demo replays):
    /// the one place that reads an agreement for the accession rules.
    pub fn of(agreement: &Agreement, on: NaiveDate) -> Self {
        Self {
            agreement_id: agreement.id(),
            owner_public_body_id: agreement.owner_public_body_id(),
            party_public_body_ids: agreement.party_public_body_ids().to_vec(),
            in_force: agreement.takes_accessions(on),
            in_force_from: agreement.in_force_from(),
            periods: agreement
                .versions()
                .iter()
                .filter_map(|v| agreement.version_in_force_period(v.number()))
                .collect(),
            terminated_from: agreement.termination().map(|t| t.effective_on()),
            version_number: agreement.current_version().map_or(0, |v| v.number()),
            approval_mode: agreement.settings().approval_mode,
            public_bodies_may_accede: agreement.settings().public_bodies_may_accede,
            accepted_channels: agreement.settings().accepted_channels.clone(),
            eligible_municipalities: match agreement.settings().eligible_area {
                EligibleArea::Anywhere => None,
                EligibleArea::AgreementMunicipalities => Some(
                    agreement
                        .municipality_codes()
                        .iter()
                        .map(|c| c.as_str().to_owned())
                        .collect(),
                ),
                EligibleArea::ListedMunicipalities => {
                    Some(agreement.settings().eligible_municipality_codes.clone())
                }
            },
            party_organization_ids: match agreement.civil_society_party() {
                CivilSocietyParty {
                    kind: CivilSocietyPartyKind::Network,
                    organization_id: Some(network),
                    ..
                } => vec![*network],
                _ => Vec::new(),
            },
            required_statements: agreement.settings().eligibility_statements.clone(),
        }
    }

    /// Whether the agreement applied on `date`.
    /// Whether an organisation active in `municipality_codes` (the register's municipalities
    /// of its seat or activity) may accede: the agreement's eligible area, if it has one.
    /// Public bodies are governed by `public_bodies_may_accede` instead.
    pub fn admits_area(
        &self,
        signatory: Signatory,
        municipality_codes: &[String],
    ) -> Result<(), AccessionRule> {
        match (&self.eligible_municipalities, signatory) {
            (Some(area), Signatory::Organization(_))
                if !municipality_codes.iter().any(|c| area.contains(c)) =>
            {
                Err(AccessionRule::OutsideArea)
            }
            _ => Ok(()),
        }
    }

    pub fn applies_on(&self, date: NaiveDate) -> bool {
        self.periods
            .iter()
            .any(|&(from, until)| from <= date && until.is_none_or(|u| date <= u))
    }

    fn accepts(&self, channel: Channel) -> bool {
        self.accepted_channels.contains(&channel)
    }

    /// Who may accede at all, checked at submission and again at approval since the
    /// agreement's setting may change in between.
    fn admits(&self, signatory: Signatory) -> Result<(), AccessionRule> {
        match signatory {
            Signatory::Organization(id) if self.party_organization_ids.contains(&id) => {
                Err(AccessionRule::AlreadyParty)
            }
            Signatory::Organization(_) => Ok(()),
            Signatory::PublicBody(id)
                if id == self.owner_public_body_id || self.party_public_body_ids.contains(&id) =>
            {
                Err(AccessionRule::AlreadyParty)
            }
            Signatory::PublicBody(_) if !self.public_bodies_may_accede => {
                Err(AccessionRule::PublicBodyNotAllowed)
            }
            Signatory::PublicBody(_) => Ok(()),
        }
    }
}

/// A recorded decision of a steering group, as the steering module knows it. The caller
/// loads it by the id the client cites; an id that names no recorded decision is invalid
/// input (422 on `decision_id`) before this module is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedDecision {
    pub decision_id: Uuid,
    /// The agreement whose steering group made the decision.
    pub agreement_id: Uuid,
    pub kind: DecisionKind,
    /// What the decision is about: for accession decisions, the accession's id.
    pub subject_id: Option<Uuid>,
    /// The date of the meeting.
    pub decided_on: NaiveDate,
    /// Whether the group was balanced and quorate at that meeting (the steering module's
    /// verdict).
    pub valid: bool,
}

impl CitedDecision {
    /// A recorded decision as an approval or rejection cites it, with the steering module's
    /// verdict on whether the group could decide at that meeting.
    pub fn of(group: &SteeringGroup, meeting: &Meeting, decision: &Decision) -> Self {
        Self {
            decision_id: decision.id(),
            agreement_id: decision.agreement_id(),
            kind: decision.kind(),
            subject_id: decision.subject_id(),
            decided_on: decision.meeting_date(),
            valid: steering::decision_is_valid(group, meeting, decision).is_ok(),
        }
    }
}

/// On what grounds an accession is approved; must match the agreement's approval mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approval {
    /// Eslöv, Lund, Södertälje: an agreement administrator registers the board decision.
    Registration,
    /// Blekinge: "Anslutning godkänns av styrgruppen".
    SteeringGroupDecision(CitedDecision),
}

/// Another accession of the same signatory, as stored; only the open ones to the same
/// agreement matter, so the caller may pass more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExistingAccession {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub signatory: Signatory,
    pub state: AccessionState,
    /// An application made without an account and not yet verified: it blocks nothing.
    pub pending_verification: bool,
}

/// An application (or an administrator's registration of one received on paper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionInput {
    /// Chosen by the caller.
    pub id: Uuid,
    pub signatory: Signatory,
    pub channel: Channel,
    pub board_decision: Option<BoardDecisionInput>,
    pub affirmed_statements: Vec<String>,
    pub contact_person: ContactPersonInput,
    /// Where the signatory has its seat or activity, as the register holds it (an
    /// organisation's `municipality_codes`): judged against the agreement's eligible area.
    pub signatory_municipality_codes: Vec<String>,
}

/// An accession (anslutning) of one signatory to one agreement.
///
/// Its fields are read through methods and changed only by the operations below. The state
/// is derived from the history (see [`Accession::state`]) so there is no status to write;
/// storage keeps `state()` beside the row only as a copy for queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accession {
    id: Uuid,
    agreement_id: Uuid,
    signatory: Signatory,
    channel: Channel,
    board_decision: Option<BoardDecision>,
    affirmed_statements: Vec<String>,
    contact_person: ContactPerson,
    submitted_by: String,
    submitted_at: DateTime<Utc>,
    approved_on: Option<NaiveDate>,
    approved_version: Option<u32>,
    version: Option<u32>,
    decision_id: Option<Uuid>,
    rejection_reason: Option<String>,
    withdrawal: Option<WithdrawalNotice>,
    ended_on: Option<NaiveDate>,
    end_reason: Option<EndReason>,
    reconfirmation: Option<Reconfirmation>,
    pending_verification: Option<PendingVerification>,
    history: Vec<HistoryEntry>,
}

/// A stored accession's parts, for [`Accession::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessionParts {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub signatory: Signatory,
    pub channel: Channel,
    pub board_decision: Option<BoardDecision>,
    pub affirmed_statements: Vec<String>,
    pub contact_person: ContactPerson,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub approved_on: Option<NaiveDate>,
    pub approved_version: Option<u32>,
    pub version: Option<u32>,
    pub decision_id: Option<Uuid>,
    pub rejection_reason: Option<String>,
    pub withdrawal: Option<WithdrawalNotice>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<EndReason>,
    pub reconfirmation: Option<Reconfirmation>,
    pub pending_verification: Option<PendingVerification>,
    pub history: Vec<HistoryEntry>,
}

impl Accession {
    /// A stored accession, read back: trusted stored data that these operations produced,
    /// not a way around the rules.
    pub fn restore(parts: AccessionParts) -> Self {
        Self {
            id: parts.id,
            agreement_id: parts.agreement_id,
            signatory: parts.signatory,
            channel: parts.channel,
            board_decision: parts.board_decision,
            affirmed_statements: parts.affirmed_statements,
            contact_person: parts.contact_person,
            submitted_by: parts.submitted_by,
            submitted_at: parts.submitted_at,
            approved_on: parts.approved_on,
            approved_version: parts.approved_version,
            version: parts.version,
            decision_id: parts.decision_id,
            rejection_reason: parts.rejection_reason,
            withdrawal: parts.withdrawal,
            ended_on: parts.ended_on,
            end_reason: parts.end_reason,
            reconfirmation: parts.reconfirmation,
            pending_verification: parts.pending_verification,
            history: parts.history,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn agreement_id(&self) -> Uuid {
        self.agreement_id
    }

    pub fn signatory(&self) -> Signatory {
        self.signatory
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// Present when the channel needs one, and whenever the applicant gave one.
    pub fn board_decision(&self) -> Option<&BoardDecision> {
        self.board_decision.as_ref()
    }

    /// Every statement the agreement required at submission, in the agreement's order.
    pub fn affirmed_statements(&self) -> &[String] {
        &self.affirmed_statements
    }

    /// Personal data: never in public output or in the history.
    pub fn contact_person(&self) -> &ContactPerson {
        &self.contact_person
    }

    /// The `sub` of whoever submitted it: a representative, or the administrator who
    /// registered minutes received by mail. Not public.
    pub fn submitted_by(&self) -> &str {
        &self.submitted_by
    }

    pub fn submitted_at(&self) -> DateTime<Utc> {
        self.submitted_at
    }

    /// The first day as a signatory.
    pub fn approved_on(&self) -> Option<NaiveDate> {
        self.approved_on
    }

    /// The agreement version in force at approval; never changes afterwards.
    pub fn approved_version(&self) -> Option<u32> {
        self.approved_version
    }

    /// The latest agreement version the signatory is a party to: the approved version, then
    /// the versions it was carried over to or reconfirmed.
    pub fn version(&self) -> Option<u32> {
        self.version
    }

    /// The steering-group decision an approval or rejection cited.
    pub fn decision_id(&self) -> Option<Uuid> {
        self.decision_id
    }

    /// The approval mode in force when the accession was approved: an approval is accepted
    /// only in the agreement's mode of the day (a steering-group decision cited exactly in
    /// `steering_group` mode), so the approval on record says which it was, whatever the
    /// mode is later switched to. `None` before an approval.
    pub fn approved_under(&self) -> Option<ApprovalMode> {
        self.approved_on.map(|_| {
            if self.decision_id.is_some() {
                ApprovalMode::SteeringGroup
            } else {
                ApprovalMode::Registration
            }
        })
    }

    pub fn rejection_reason(&self) -> Option<&str> {
        self.rejection_reason.as_deref()
    }

    pub fn withdrawal(&self) -> Option<&WithdrawalNotice> {
        self.withdrawal.as_ref()
    }

    /// The first day no longer a signatory, for an ended accession.
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.ended_on
    }

    pub fn end_reason(&self) -> Option<EndReason> {
        self.end_reason
    }

    /// A pending request to reconfirm a revised version.
    pub fn reconfirmation(&self) -> Option<Reconfirmation> {
        self.reconfirmation
    }

    /// Set while an application made without an account waits for its verification.
    pub fn pending_verification(&self) -> Option<PendingVerification> {
        self.pending_verification
    }

    /// Whether this is an application made without an account that is not verified yet.
    pub fn is_pending_verification(&self) -> bool {
        self.pending_verification.is_some()
    }

    /// Append-only; never empty (the submission is its first entry).
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }
}

impl Accession {
    /// Applies for (or registers) an accession.
    ///
    /// Rules first, since they make the form moot: the agreement must be in force
    /// (`agreement_not_in_force`), the signatory admitted (`public_body_not_allowed`,
    /// `already_party`), the channel accepted (`channel_not_accepted`), and the
    /// signatory must have no open accession to the agreement (`already_signatory`,
    /// `application_pending`; a withdrawn, ended, rejected or cancelled one does not
    /// count, so re-joining is a new accession). Then the fields, all reported at once:
    /// the board decision when the channel needs one, dated no later than today (Swedish
    /// date) and received no earlier than decided; every required statement affirmed
    /// (`affirmed_statements`, naming the missing ones; unknown ones are refused at
    /// `affirmed_statements[i]`); the contact person.
    pub fn submit(
        input: SubmissionInput,
        terms: &AgreementTerms,
        existing: &[ExistingAccession],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if !terms.in_force {
            return Err(AccessionRule::AgreementNotInForce.into());
        }
        Self::open(input, terms, existing, by, now, None)
    }

    /// Applies without an account, through the agreement's form: a submission (same rules,
    /// same history) on channel `form`, marked [`PendingVerification`] until the
    /// `verify_by` day, `verification_days` after today. The one-open-accession rule is not
    /// checked here but at [`Accession::verify`]: an unverified application proves nothing
    /// about who sent it, so it neither blocks another application of the organisation nor
    /// is blocked by one, and the answer reveals nothing about the organisation's other
    /// applications.
    pub fn apply_without_account(
        input: SubmissionInput,
        terms: &AgreementTerms,
        verification_days: u32,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if !terms.in_force {
            return Err(AccessionRule::AgreementNotInForce.into());
        }
        let today = swedish_date(now);
        let verify_by = today
            .checked_add_days(chrono::Days::new(u64::from(verification_days)))
            .unwrap_or(NaiveDate::MAX);
        let input = SubmissionInput {
            channel: Channel::Form,
            ..input
        };
        Self::open(
            input,
            terms,
            &[],
            by,
            now,
            Some(PendingVerification { verify_by }),
        )
    }

    /// Verifies an application made without an account: its contact person confirmed the
    /// e-mail address, or an administrator verified it by hand (`by` is who). Only a
    /// submitted application still pending (`accession_not_pending_verification`) and
    /// within its time (`verification_expired`); from now on it counts as open, so the
    /// organisation must have no other open, verified accession to the agreement
    /// (`already_signatory`, `application_pending`).
    pub fn verify(
        &mut self,
        how: Verifier,
        existing: &[ExistingAccession],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.expect_submitted()?;
        let pending = self
            .pending_verification
            .ok_or(AccessionRule::NotPendingVerification)?;
        if swedish_date(now) > pending.verify_by {
            return Err(AccessionRule::VerificationExpired.into());
        }
        let terms_agreement = self.agreement_id;
        let others: Vec<ExistingAccession> = existing
            .iter()
            .copied()
            .filter(|e| e.agreement_id == terms_agreement)
            .collect();
        check_open_among(self.signatory, self.id, &others)?;
        self.pending_verification = None;
        let reason = match how {
            Verifier::EmailConfirmation => "e-mail address confirmed by the contact person",
            Verifier::Administrator => "verified by hand by an agreement administrator",
        };
        self.record(
            HistoryEvent::Verified,
            AccessionState::Submitted,
            by,
            Some(reason.to_owned()),
            now,
        );
        Ok(())
    }

    /// Whether an application made without an account was not verified by its day: the
    /// sweep calls [`Accession::expire_unverified`] for these.
    pub fn is_past_verification(&self, today: NaiveDate) -> bool {
        self.state() == AccessionState::Submitted
            && self
                .pending_verification
                .is_some_and(|p| today > p.verify_by)
    }

    /// The sweep: an application not verified by its day is cancelled, by the system.
    pub fn expire_unverified(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.expect_submitted()?;
        let pending = self
            .pending_verification
            .ok_or(AccessionRule::NotPendingVerification)?;
        if swedish_date(now) <= pending.verify_by {
            return Err(AccessionRule::VerificationNotDue.into());
        }
        self.record(
            HistoryEvent::VerificationExpired,
            AccessionState::Cancelled,
            SYSTEM_ACTOR,
            Some(format!("not verified by {}", pending.verify_by)),
            now,
        );
        Ok(())
    }

    /// An agreement administrator registers an accession after the fact (Södertälje's
    /// signatories of 2018–2022, from paper; a paper application that arrived before a
    /// termination took effect). While the agreement takes accessions this is a
    /// submission; otherwise the board decision is required and its dates (decided and
    /// received) must lie within the agreement's validity (`outside_validity`), judged on
    /// those dates, not on today. An agreement never adopted takes none
    /// (`agreement_not_in_force`).
    pub fn register_after_the_fact(
        input: SubmissionInput,
        terms: &AgreementTerms,
        existing: &[ExistingAccession],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        if terms.in_force {
            return Self::submit(input, terms, existing, by, now);
        }
        let Some(board) = input
            .board_decision
            .as_ref()
            .filter(|_| !terms.periods.is_empty())
        else {
            return Err(AccessionRule::AgreementNotInForce.into());
        };
        let mut v = Validator::new();
        check_board_dates_in_validity(&mut v, terms, board.decided_on, board.received_on);
        v.finish()?;
        Self::open(input, terms, existing, by, now, None)
    }

    fn open(
        input: SubmissionInput,
        terms: &AgreementTerms,
        existing: &[ExistingAccession],
        by: &str,
        now: DateTime<Utc>,
        pending_verification: Option<PendingVerification>,
    ) -> Result<Self, DomainError> {
        terms.admits(input.signatory)?;
        terms.admits_area(input.signatory, &input.signatory_municipality_codes)?;
        if pending_verification.is_none() {
            check_no_other_open(terms, input.signatory, input.id, existing)?;
        }

        let today = swedish_date(now);
        let mut v = Validator::new();
        if !terms.accepts(input.channel) {
            v.add(
                "channel",
                AccessionField::ChannelNotAccepted {
                    channel: input.channel,
                },
            );
        }
        let board_decision = match &input.board_decision {
            Some(decision) => decision.validate(&mut v, "board_decision", today),
            None => {
                if input.channel.needs_board_decision() {
                    v.add(
                        "board_decision",
                        AccessionField::BoardDecisionRequired {
                            channel: input.channel,
                        },
                    );
                }
                None
            }
        };
        let affirmed_statements = affirmed_statements(
            &mut v,
            &input.affirmed_statements,
            &terms.required_statements,
        );
        let contact_person =
            ContactPerson::validate(&mut v, "contact_person", &input.contact_person);
        v.finish()?;
        let Some(contact_person) = contact_person else {
            return Err(DomainError::invalid(
                "contact_person",
                AccessionField::ContactPersonRequired,
            ));
        };

        Ok(Self {
            id: input.id,
            agreement_id: terms.agreement_id,
            signatory: input.signatory,
            channel: input.channel,
            board_decision,
            affirmed_statements,
            contact_person,
            submitted_by: by.to_owned(),
            submitted_at: now,
            approved_on: None,
            approved_version: None,
            version: None,
            decision_id: None,
            rejection_reason: None,
            withdrawal: None,
            ended_on: None,
            end_reason: None,
            reconfirmation: None,
            pending_verification,
            history: vec![HistoryEntry {
                event: HistoryEvent::Submitted,
                from: None,
                to: AccessionState::Submitted,
                at: now,
                by: by.to_owned(),
                reason: Some(format!("through {}", input.channel)),
                corrects: None,
            }],
        })
    }

    /// The current state: where the last history entry led.
    pub fn state(&self) -> AccessionState {
        self.history
            .last()
            .map_or(AccessionState::Submitted, |entry| entry.to)
    }

    /// Makes the signatory a party from `approved_on` (no later than today, no earlier than
    /// the minutes were received or the steering group decided).
    ///
    /// In `registration` mode the approval is a [`Approval::Registration`] (the caller has
    /// checked with [`super::may_approve`] that `by` administers the agreement); in
    /// `steering_group` mode it cites a valid `approve_accession` decision of this
    /// agreement's group about this accession (Blekinge). The agreement must still be in
    /// force and still admit the signatory. Records the version in force.
    pub fn approve(
        &mut self,
        approval: Approval,
        terms: &AgreementTerms,
        approved_on: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.check_agreement(terms)?;
        self.expect_submitted()?;
        if self.pending_verification.is_some() {
            return Err(AccessionRule::PendingVerification.into());
        }
        if terms.periods.is_empty() {
            return Err(AccessionRule::AgreementNotInForce.into());
        }
        terms.admits(self.signatory)?;
        let decision = match approval {
            Approval::Registration => None,
            Approval::SteeringGroupDecision(decision) => Some(decision),
        };

        let mut v = Validator::new();
        if let Err(e) = self.check_basis(
            terms.approval_mode,
            decision.as_ref(),
            DecisionKind::ApproveAccession,
        ) {
            v.push(e);
        }
        self.check_approval_date(&mut v, terms, decision.as_ref(), approved_on, now);
        v.finish()?;

        let reason = match &decision {
            None => "registered by an agreement administrator".to_owned(),
            Some(d) => format!(
                "steering group decision {} of {}",
                d.decision_id, d.decided_on
            ),
        };
        self.approved_on = Some(approved_on);
        self.approved_version = Some(terms.version_number);
        self.version = Some(terms.version_number);
        self.decision_id = decision.map(|d| d.decision_id);
        self.record(
            HistoryEvent::Approved,
            AccessionState::Approved,
            by,
            Some(reason),
            now,
        );
        // Approved on an agreement whose termination is decided: it ends with the agreement.
        if let Some(effective_on) = terms.terminated_from {
            self.end_with_agreement(effective_on, by, now)?;
        }
        Ok(())
    }

    /// The checks of an approval's date, shared by the approval and its correction.
    fn check_approval_date(
        &self,
        v: &mut Validator,
        terms: &AgreementTerms,
        decision: Option<&CitedDecision>,
        approved_on: NaiveDate,
        now: DateTime<Utc>,
    ) {
        if approved_on > swedish_date(now) {
            v.add("approved_on", AccessionField::ApprovalInFuture);
        }
        match terms.in_force_from {
            Some(in_force_from) if approved_on < in_force_from => v.add(
                "approved_on",
                AccessionField::ApprovalBeforeInForce { in_force_from },
            ),
            _ if !terms.applies_on(approved_on) => v.add(
                "approved_on",
                AccessionField::OutsideValidity { date: approved_on },
            ),
            _ => {}
        }
        if let Some(board) = &self.board_decision
            && approved_on < board.received_on()
        {
            v.add(
                "approved_on",
                AccessionField::ApprovalBeforeReceived {
                    received_on: board.received_on(),
                },
            );
        }
        if let Some(d) = decision
            && approved_on < d.decided_on
        {
            v.add(
                "approved_on",
                AccessionField::ApprovalBeforeDecision {
                    decided_on: d.decided_on,
                },
            );
        }
    }

    /// Turns the application down, with a reason the applicant reads. In `steering_group`
    /// mode the rejection cites a valid `reject_accession` decision about this accession;
    /// in `registration` mode the administrator decides and cites none.
    pub fn reject(
        &mut self,
        reason: &str,
        decision: Option<CitedDecision>,
        terms: &AgreementTerms,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.check_agreement(terms)?;
        self.expect_submitted()?;
        let mut v = Validator::new();
        if let Err(e) = self.check_basis(
            terms.approval_mode,
            decision.as_ref(),
            DecisionKind::RejectAccession,
        ) {
            v.push(e);
        }
        let reason = v.text("reason", reason, REASON_MAX);
        v.finish()?;
        let Some(reason) = reason else {
            return Err(DomainError::invalid("reason", CommonField::Required));
        };
        self.rejection_reason = Some(reason.clone());
        self.decision_id = decision.map(|d| d.decision_id);
        self.record(
            HistoryEvent::Rejected,
            AccessionState::Rejected,
            by,
            Some(reason),
            now,
        );
        Ok(())
    }

    /// The applicant takes back an application not yet decided.
    pub fn cancel(&mut self, by: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.expect_submitted()?;
        self.record(
            HistoryEvent::Cancelled,
            AccessionState::Cancelled,
            by,
            None,
            now,
        );
        Ok(())
    }

    /// The signatory leaves on its written notice (Lund: board minutes; Blekinge: formal
    /// written notice to the steering group). The notice cannot take effect before the
    /// approval (`withdrawal_before_approval`); it may take effect later than today.
    pub fn withdraw(
        &mut self,
        notice: WithdrawalNoticeInput,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let approved_on = self.expect_approved()?;
        let mut v = Validator::new();
        let reference = notice_reference(&mut v, &notice.reference);
        check_notice_dates(
            &mut v,
            "",
            notice.received_on,
            notice.effective_on,
            approved_on,
            swedish_date(now),
        );
        v.finish()?;
        let Some(reference) = reference else {
            return Err(DomainError::invalid("reference", CommonField::Required));
        };
        let reason = format!(
            "written notice {reference} received {}, effective {}",
            notice.received_on, notice.effective_on
        );
        self.withdrawal = Some(WithdrawalNotice(WithdrawalNoticeInput {
            reference,
            ..notice
        }));
        self.reconfirmation = None;
        self.record(
            HistoryEvent::Withdrawn,
            AccessionState::Withdrawn,
            by,
            Some(reason),
            now,
        );
        Ok(())
    }

    /// Ends an approved accession without the signatory leaving: `on` is the first day it is
    /// no longer a signatory. With `agreement_terminated`, called for each approved
    /// accession when the agreement is terminated (`by` is whoever terminated it); with
    /// `not_reconfirmed`, only after the reconfirmation deadline (see
    /// [`Accession::end_unconfirmed`]).
    pub fn end(
        &mut self,
        reason: EndReason,
        on: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let approved_on = self.expect_approved()?;
        if on < approved_on {
            return Err(DomainError::invalid(
                "ended_on",
                AccessionField::EndBeforeApproval { approved_on },
            ));
        }
        if reason == EndReason::NotReconfirmed {
            let pending = self
                .reconfirmation
                .ok_or(AccessionRule::NoReconfirmationPending)?;
            if on <= pending.reconfirm_by {
                return Err(AccessionRule::ReconfirmationNotDue.into());
            }
        }
        self.ended_on = Some(on);
        self.end_reason = Some(reason);
        self.reconfirmation = None;
        self.record(
            HistoryEvent::Ended,
            AccessionState::Ended,
            by,
            Some(reason.as_str().to_owned()),
            now,
        );
        Ok(())
    }

    /// The agreement was terminated, effective `effective_on`: the accession ends with
    /// `agreement_terminated` that day, or on its approval day if it was approved later
    /// (approved after the termination was decided but before it took effect), since no
    /// accession ends before it began.
    pub fn end_with_agreement(
        &mut self,
        effective_on: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let approved_on = self.expect_approved()?;
        self.end(
            EndReason::AgreementTerminated,
            effective_on.max(approved_on),
            by,
            now,
        )
    }

    /// A revision of the agreement was adopted: the signatory carries over to the new
    /// version, or is asked to reconfirm by the revision's deadline, as the agreement says.
    /// An accession already on that version or a later one is left as it is (`false`).
    pub fn follow_revision(
        &mut self,
        revision: &RevisionAdopted,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        if self.version.is_some_and(|v| v >= revision.adopted_version) {
            return Ok(false);
        }
        match revision.reconfirm_by {
            None => self.carry_over(revision.adopted_version, by, now)?,
            Some(deadline) => {
                self.request_reconfirmation(revision.adopted_version, deadline, by, now)?;
            }
        }
        Ok(true)
    }

    /// Whether the reconfirmation deadline has passed on `today`: the sweep calls
    /// [`Accession::end_unconfirmed`] for these.
    pub fn is_past_reconfirmation(&self, today: NaiveDate) -> bool {
        self.state() == AccessionState::Approved
            && self.reconfirmation.is_some_and(|r| today > r.reconfirm_by)
    }

    /// The sweep: a signatory that did not reconfirm by the deadline has ended from the day
    /// after it, however late the sweep runs (but never before its approval).
    pub fn end_unconfirmed(&mut self, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.expect_approved()?;
        let pending = self
            .reconfirmation
            .ok_or(AccessionRule::NoReconfirmationPending)?;
        if swedish_date(now) <= pending.reconfirm_by {
            return Err(AccessionRule::ReconfirmationNotDue.into());
        }
        let approved_on = self.approved_on.unwrap_or(pending.reconfirm_by);
        let first_day_out = pending
            .reconfirm_by
            .succ_opt()
            .unwrap_or(pending.reconfirm_by)
            .max(approved_on);
        self.end(EndReason::NotReconfirmed, first_day_out, SYSTEM_ACTOR, now)
    }

    /// A revised version of the agreement was adopted and, by the agreement's setting,
    /// signatories carry over to it; the state stays `approved`.
    pub fn carry_over(
        &mut self,
        new_version: u32,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.expect_approved()?;
        self.expect_newer(new_version)?;
        self.version = Some(new_version);
        self.record(
            HistoryEvent::CarriedOver,
            AccessionState::Approved,
            by,
            Some(format!("carried over to version {new_version}")),
            now,
        );
        Ok(())
    }

    /// A revised version was adopted and the agreement's setting asks signatories to
    /// reconfirm: the accession stays approved until `reconfirm_by` (inclusive; the
    /// agreement's `RevisionAdopted::reconfirm_by`) and then ends unless reconfirmed. A
    /// deadline already past (a revision registered late) is taken as it is: the sweep ends
    /// the accession at once. A later revision's request replaces a pending one.
    pub fn request_reconfirmation(
        &mut self,
        new_version: u32,
        reconfirm_by: NaiveDate,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        self.expect_approved()?;
        self.expect_newer(new_version)?;
        self.reconfirmation = Some(Reconfirmation {
            version: new_version,
            reconfirm_by,
        });
        self.record(
            HistoryEvent::ReconfirmationRequested,
            AccessionState::Approved,
            by,
            Some(format!(
                "version {new_version}, reconfirm by {reconfirm_by}"
            )),
            now,
        );
        Ok(())
    }

    /// The signatory confirms it stays a party to the revised version, by the deadline.
    pub fn reconfirm(&mut self, by: &str, now: DateTime<Utc>) -> Result<(), DomainError> {
        self.expect_approved()?;
        let pending = self
            .reconfirmation
            .ok_or(AccessionRule::NoReconfirmationPending)?;
        if swedish_date(now) > pending.reconfirm_by {
            return Err(AccessionRule::ReconfirmationDeadlinePassed.into());
        }
        self.version = Some(
            self.version
                .map_or(pending.version, |v| v.max(pending.version)),
        );
        self.reconfirmation = None;
        self.record(
            HistoryEvent::Reconfirmed,
            AccessionState::Approved,
            by,
            Some(format!("version {}", pending.version)),
            now,
        );
        Ok(())
    }

    /// Names a new contact person (Blekinge: each signatory names one), while the accession
    /// is submitted or approved. Fields are named at the top level (`name`, `email`,
    /// `phone`). The history records that it changed, never the person.
    pub fn update_contact_person(
        &mut self,
        input: &ContactPersonInput,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let state = self.state();
        if !state.is_open() {
            return Err(AccessionRule::Closed { state }.into());
        }
        self.contact_person = ContactPerson::parse(input)?;
        self.record(HistoryEvent::ContactPersonUpdated, state, by, None, now);
        Ok(())
    }

    fn record(
        &mut self,
        event: HistoryEvent,
        to: AccessionState,
        by: &str,
        reason: Option<String>,
        now: DateTime<Utc>,
    ) {
        let from = Some(self.state());
        self.history.push(HistoryEntry {
            event,
            from,
            to,
            at: now,
            by: by.to_owned(),
            reason,
            corrects: None,
        });
    }

    fn check_agreement(&self, terms: &AgreementTerms) -> Result<(), AccessionRule> {
        if terms.agreement_id == self.agreement_id {
            Ok(())
        } else {
            Err(AccessionRule::AgreementMismatch)
        }
    }

    fn expect_submitted(&self) -> Result<(), AccessionRule> {
        match self.state() {
            AccessionState::Submitted => Ok(()),
            state => Err(AccessionRule::NotSubmitted { state }),
        }
    }

    /// The approval date of an approved accession.
    fn expect_approved(&self) -> Result<NaiveDate, AccessionRule> {
        match (self.state(), self.approved_on) {
            (AccessionState::Approved, Some(on)) => Ok(on),
            (state, _) => Err(AccessionRule::NotApproved { state }),
        }
    }

    fn expect_newer(&self, new_version: u32) -> Result<(), AccessionRule> {
        let current = self
            .version
            .into_iter()
            .chain(self.reconfirmation.map(|r| r.version))
            .max();
        if current.is_some_and(|v| new_version <= v) {
            Err(AccessionRule::VersionNotNewer)
        } else {
            Ok(())
        }
    }

    /// The approval mode decides who decides: an administrator alone, or the steering group
    /// by a valid decision of the right kind about this very accession. What is cited (or
    /// not) is a value of the request, so a mismatch is an error at `decision_id`.
    fn check_basis(
        &self,
        mode: ApprovalMode,
        decision: Option<&CitedDecision>,
        kind: DecisionKind,
    ) -> Result<(), FieldError> {
        let error = match (mode, decision) {
            (ApprovalMode::Registration, None) => return Ok(()),
            (ApprovalMode::Registration, Some(_)) => AccessionField::RegistrationRequired,
            (ApprovalMode::SteeringGroup, None) => AccessionField::SteeringGroupDecisionRequired,
            (ApprovalMode::SteeringGroup, Some(d)) => {
                if d.agreement_id != self.agreement_id
                    || d.kind != kind
                    || d.subject_id != Some(self.id)
                {
                    AccessionField::DecisionDoesNotMatch
                } else if !d.valid {
                    AccessionField::DecisionNotValid
                } else {
                    return Ok(());
                }
            }
        };
        Err(error.at("decision_id"))
    }
}

/// The signatory has no other open accession to the agreement (`already_signatory`,
/// `application_pending`; a withdrawn, ended, rejected or cancelled one does not count).
/// Checked when an accession is opened and when a correction moves one to another signatory.
fn check_no_other_open(
    terms: &AgreementTerms,
    signatory: Signatory,
    id: Uuid,
    existing: &[ExistingAccession],
) -> Result<(), AccessionRule> {
    let same_agreement: Vec<ExistingAccession> = existing
        .iter()
        .copied()
        .filter(|e| e.agreement_id == terms.agreement_id)
        .collect();
    check_open_among(signatory, id, &same_agreement)
}

/// The rule of [`check_no_other_open`] over accessions already narrowed to one agreement. An
/// application still pending verification does not count: it proves nothing yet.
fn check_open_among(
    signatory: Signatory,
    id: Uuid,
    existing: &[ExistingAccession],
) -> Result<(), AccessionRule> {
    let open = existing.iter().filter(|e| {
        e.signatory == signatory && e.id != id && e.state.is_open() && !e.pending_verification
    });
    let mut pending = false;
    for e in open {
        if e.state == AccessionState::Approved {
            return Err(AccessionRule::AlreadySignatory);
        }
        pending = true;
    }
    if pending {
        Err(AccessionRule::ApplicationPending)
    } else {
        Ok(())
    }
}

/// A board decision registered after the fact: both its dates lie within the agreement's
/// validity (`outside_validity`). Checked at registration and when a correction changes them.
fn check_board_dates_in_validity(
    v: &mut Validator,
    terms: &AgreementTerms,
    decided_on: NaiveDate,
    received_on: NaiveDate,
) {
    for (field, date) in [
        ("board_decision.decided_on", decided_on),
        ("board_decision.received_on", received_on),
    ] {
        if !terms.applies_on(date) {
            v.add(field, AccessionField::OutsideValidity { date });
        }
    }
}

/// A written notice of leaving: received no later than `today`, effective no earlier than the
/// approval. Errors are named under `prefix` (empty at the top level). Checked at the
/// withdrawal and when a correction changes its dates.
fn check_notice_dates(
    v: &mut Validator,
    prefix: &str,
    received_on: NaiveDate,
    effective_on: NaiveDate,
    approved_on: NaiveDate,
    today: NaiveDate,
) {
    if received_on > today {
        v.add(
            field(prefix, "received_on"),
            AccessionField::NoticeReceivedInFuture,
        );
    }
    if effective_on < approved_on {
        v.add(
            field(prefix, "effective_on"),
            AccessionField::WithdrawalBeforeApproval { approved_on },
        );
    }
}

/// Statements compare with surrounding space trimmed and inner runs of space collapsed, so
/// a client that re-wraps the agreement's wording still matches it.
fn normalized(statement: &str) -> String {
    statement.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The affirmed statements as the agreement words them and in its order, or errors naming
/// the missing ones (at `affirmed_statements`) and the unknown ones (at
/// `affirmed_statements[i]`).
fn affirmed_statements(v: &mut Validator, affirmed: &[String], required: &[String]) -> Vec<String> {
    let affirmed: Vec<String> = affirmed.iter().map(|s| normalized(s)).collect();
    let mut known = true;
    for (i, statement) in affirmed.iter().enumerate() {
        if statement.is_empty() || statement.chars().count() > STATEMENT_MAX {
            v.add(
                format!("affirmed_statements[{i}]"),
                AccessionField::Statement,
            );
            known = false;
        } else if !required.iter().any(|r| normalized(r) == *statement) {
            v.add(
                format!("affirmed_statements[{i}]"),
                AccessionField::UnknownStatement {
                    statement: statement.clone(),
                },
            );
            known = false;
        }
    }
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !affirmed.contains(&normalized(r)))
        .map(|r| format!("«{}»", normalized(r)))
        .collect();
    if !missing.is_empty() {
        v.add(
            "affirmed_statements",
            AccessionField::MissingStatements {
                missing: missing.join(", "),
            },
        );
    }
    if known && missing.is_empty() {
        required.to_vec()
    } else {
        Vec::new()
    }
}
