//! Accessions (anslutningar): the state machine from application to signatory to withdrawal.
//!
//! ```text
//! submitted ──approve──▶ approved ──withdraw──▶ withdrawn
//!     │                     └──────end────────▶ ended (agreement_terminated | not_reconfirmed)
//!     ├──reject──▶ rejected
//!     └──cancel──▶ cancelled
//! ```
//!
//! `withdrawn`, `ended`, `rejected` and `cancelled` are final: an organisation that leaves and
//! comes back does so with a new accession (a new record with its own history), so the
//! public list can show "signatory 2017–2021, 2023–".
//!
//! The aggregate is [`Accession`]; every operation on it appends exactly one
//! [`HistoryEntry`] and nothing else ever touches the history. The current state is not a
//! field: it is the `to` of the last history entry, so state and history cannot disagree.
//!
//! The operations do not take the agreement or the steering group itself but what the rules
//! need of them, as plain data drawn in one place each: [`AgreementTerms::of`] an agreement,
//! [`CitedDecision::of`] a recorded decision, and the [`ExistingAccession`]s the caller
//! loads. The agreement's events reach accessions through [`Accession::end_with_agreement`]
//! and [`Accession::follow_revision`].

mod calendar;
mod lifecycle;
mod period;
mod permissions;
mod values;

pub use calendar::swedish_date;
pub use lifecycle::{
    Accession, AccessionParts, AgreementTerms, Approval, CitedDecision, ExistingAccession,
    SYSTEM_ACTOR, SubmissionInput,
};
pub use period::{
    PublicSignatory, SignatoryPeriod, SignatoryStatus, SignatoryTerm, merge_terms,
    public_signatories,
};
pub use permissions::{
    may_approve, may_cancel, may_reconfirm, may_reject, may_submit, may_update_contact_person,
    may_view, may_withdraw,
};
pub use values::{
    AccessionState, BoardDecision, BoardDecisionInput, Channel, ContactPerson, ContactPersonInput,
    EndReason, HistoryEntry, HistoryEvent, Reconfirmation, Signatory, SignatoryKind,
    WithdrawalNotice, WithdrawalNoticeInput,
};

/// Longest accepted texts, in characters.
pub const MINUTES_REFERENCE_MAX: usize = 100;
pub const DIARY_NUMBER_MAX: usize = 50;
/// As the agreement's settings allow for an eligibility statement.
pub const STATEMENT_MAX: usize = 500;
pub const REASON_MAX: usize = 2000;
pub const NOTICE_REFERENCE_MAX: usize = 200;
pub const CONTACT_NAME_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const PHONE_MAX: usize = 30;

/// The rules an accession request can break; each becomes a 409 with its `code`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessionRule {
    /// Eslöv, Lund, Södertälje: one joins an agreement that has been adopted.
    #[error("only an agreement that is adopted and in force takes accessions")]
    AgreementNotInForce,
    #[error("the signatory already has an approved accession to this agreement")]
    AlreadySignatory,
    #[error(
        "the signatory already has a submitted accession to this agreement awaiting a decision"
    )]
    ApplicationPending,
    /// Blekinge lets public bodies accede; the municipal agreements are for the sector only.
    #[error("this agreement does not take accessions from public bodies")]
    PublicBodyNotAllowed,
    #[error("the public body is a party to the agreement itself and does not accede to it")]
    AlreadyParty,
    #[error("this agreement does not take accessions through the channel {channel}")]
    ChannelNotAccepted { channel: Channel },
    #[error("the agreement given is not the agreement of this accession")]
    AgreementMismatch,
    #[error(
        "only a submitted accession can be approved, rejected or cancelled; this one is {state}"
    )]
    NotSubmitted { state: AccessionState },
    #[error(
        "only an approved accession can be withdrawn, ended, carried over or reconfirmed; this one is {state}"
    )]
    NotApproved { state: AccessionState },
    #[error("the accession is {state}: its contact person can no longer be changed")]
    Closed { state: AccessionState },
    /// Eslöv, Lund, Södertälje: the administrator registers; no steering-group decision applies.
    #[error(
        "this agreement approves accessions by registration: an agreement administrator decides and no steering-group decision is cited"
    )]
    RegistrationRequired,
    /// Blekinge: "Anslutning godkänns av styrgruppen".
    #[error("this agreement's steering group decides on accessions: cite its recorded decision")]
    SteeringGroupDecisionRequired,
    #[error(
        "the cited decision is not a decision of this agreement's steering group of the right kind about this accession"
    )]
    DecisionDoesNotMatch,
    #[error(
        "the cited decision is not valid: the group was not balanced and quorate at that meeting"
    )]
    DecisionNotValid,
    #[error("a withdrawal cannot take effect before the accession was approved")]
    WithdrawalBeforeApproval,
    #[error("an accession cannot end before it was approved")]
    EndBeforeApproval,
    #[error("the accession is already on this version of the agreement or a later one")]
    VersionNotNewer,
    #[error("no reconfirmation has been requested for this accession")]
    NoReconfirmationPending,
    #[error("the deadline for reconfirming has passed")]
    ReconfirmationDeadlinePassed,
    #[error("the deadline for reconfirming has not passed yet")]
    ReconfirmationNotDue,
}

crate::rules!(AccessionRule {
    AgreementNotInForce => "agreement_not_in_force",
    AlreadySignatory => "already_signatory",
    ApplicationPending => "application_pending",
    PublicBodyNotAllowed => "public_body_not_allowed",
    AlreadyParty => "already_party",
    ChannelNotAccepted { channel } => "channel_not_accepted",
    AgreementMismatch => "agreement_mismatch",
    NotSubmitted { state } => "accession_not_submitted",
    NotApproved { state } => "accession_not_approved",
    Closed { state } => "accession_closed",
    RegistrationRequired => "registration_required",
    SteeringGroupDecisionRequired => "steering_group_decision_required",
    DecisionDoesNotMatch => "decision_does_not_match",
    DecisionNotValid => "decision_not_valid",
    WithdrawalBeforeApproval => "withdrawal_before_approval",
    EndBeforeApproval => "end_before_approval",
    VersionNotNewer => "version_not_newer",
    NoReconfirmationPending => "no_reconfirmation_pending",
    ReconfirmationDeadlinePassed => "reconfirmation_deadline_passed",
    ReconfirmationNotDue => "reconfirmation_not_due",
});

#[cfg(test)]
mod tests;
