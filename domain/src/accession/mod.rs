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
//! [`HistoryEntry`] and nothing else ever touches the history. A wrong fact is set right by
//! a correction event ([`Accession::correct`]), which names the entry it corrects by its
//! number and passes that event's own checks; the corrected entry stays. The current state is not a
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

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::error::{Lang, Term};

pub use calendar::{next_swedish_midnight, swedish_date};
pub use lifecycle::{
    Accession, AccessionParts, AgreementTerms, Approval, CitedDecision, CorrectedBoardDecision,
    CorrectedWithdrawal, CorrectionInput, ExistingAccession, SYSTEM_ACTOR, SubmissionInput,
};
pub use period::{
    PublicSignatory, SignatoryPeriod, SignatoryStatus, SignatoryTerm, merge_terms,
    public_signatories,
};
pub use permissions::{
    Readers, Sight, may_approve, may_cancel, may_reconfirm, may_reject, may_submit,
    may_update_contact_person, may_verify, may_view, may_withdraw, sight,
};
pub(crate) use values::is_email;
pub use values::{
    AccessionState, BoardDecision, BoardDecisionInput, Channel, ContactPerson, ContactPersonInput,
    EndReason, HistoryEntry, HistoryEvent, PendingVerification, Reconfirmation, Signatory,
    SignatoryKind, Verifier, WithdrawalNotice, WithdrawalNoticeInput,
};

/// How many days an application made without an account waits for its verification before
/// the sweep cancels it, unless the server's setting says otherwise.
pub const DEFAULT_VERIFICATION_DAYS: u32 = 14;

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

crate::rules! {
    /// What the state of an accession, its agreement or the signatory's other accessions
    /// forbids; each is a 409 with its `code`.
    pub enum AccessionRule {
        /// Eslöv, Lund, Södertälje: one joins an agreement that has been adopted.
        AgreementNotInForce => "agreement_not_in_force" {
            en: "only an agreement that is adopted and in force takes accessions",
            sv: "bara en antagen överenskommelse som gäller tar emot anslutningar",
        },
        AlreadySignatory => "already_signatory" {
            en: "the signatory already has an approved accession to this agreement",
            sv: "organisationen är redan ansluten till överenskommelsen",
        },
        ApplicationPending => "application_pending" {
            en: "the signatory already has a submitted accession to this agreement awaiting a decision",
            sv: "det finns redan en inskickad anslutning till överenskommelsen som väntar på beslut",
        },
        /// Blekinge lets public bodies accede; the municipal agreements are for the sector only.
        PublicBodyNotAllowed => "public_body_not_allowed" {
            en: "this agreement does not take accessions from public bodies",
            sv: "offentliga aktörer kan inte ansluta sig till den här överenskommelsen",
        },
        AlreadyParty => "already_party" {
            en: "the signatory is a party to the agreement itself and does not accede to it",
            sv: "den här parten är själv part i överenskommelsen och ansluter sig inte till den",
        },
        /// Eslöv: "organisationer som har sitt säte eller bedriver verksamhet i Eslövs kommun".
        OutsideArea => "outside_area" {
            en: "the organisation is not active in any municipality this agreement takes accessions from",
            sv: "organisationen är inte verksam i någon kommun som överenskommelsen tar emot anslutningar från",
        },
        AgreementMismatch => "agreement_mismatch" {
            en: "the agreement given is not the agreement of this accession",
            sv: "den angivna överenskommelsen är inte den här anslutningens överenskommelse",
        },
        NotSubmitted { state: AccessionState } => "accession_not_submitted" {
            en: "only a submitted accession can be approved, rejected or cancelled; this one is {state}",
            sv: "bara en inskickad anslutning kan godkännas, avslås eller återtas; den här är {state}",
        },
        NotApproved { state: AccessionState } => "accession_not_approved" {
            en: "only an approved accession can be withdrawn, ended, carried over or reconfirmed; this one is {state}",
            sv: "bara en godkänd anslutning kan avslutas, föras över eller bekräftas på nytt; den här är {state}",
        },
        Closed { state: AccessionState } => "accession_closed" {
            en: "the accession is {state}: its contact person can no longer be changed",
            sv: "anslutningen är {state}: kontaktpersonen kan inte längre ändras",
        },
        VersionNotNewer => "version_not_newer" {
            en: "the accession is already on this version of the agreement or a later one",
            sv: "anslutningen gäller redan den här versionen av överenskommelsen eller en senare",
        },
        NoReconfirmationPending => "no_reconfirmation_pending" {
            en: "no reconfirmation has been requested for this accession",
            sv: "anslutningen har inte ombetts att bekräftas på nytt",
        },
        ReconfirmationDeadlinePassed => "reconfirmation_deadline_passed" {
            en: "the deadline for reconfirming has passed",
            sv: "sista dagen för att bekräfta anslutningen på nytt har passerats",
        },
        /// An application made without an account is decided only once verified.
        PendingVerification => "accession_pending_verification" {
            en: "the application has not been verified yet: its contact person confirms the e-mail address, or an agreement administrator verifies it by hand",
            sv: "ansökan är inte verifierad än: kontaktpersonen bekräftar e-postadressen, eller så verifierar processledaren den för hand",
        },
        NotPendingVerification => "accession_not_pending_verification" {
            en: "the accession is not an application waiting for verification",
            sv: "anslutningen är inte en ansökan som väntar på verifiering",
        },
        VerificationExpired => "verification_expired" {
            en: "the time to verify this application has passed; apply again",
            sv: "tiden för att verifiera ansökan har gått ut; ansök på nytt",
        },
        VerificationNotDue => "verification_not_due" {
            en: "the time to verify this application has not passed yet",
            sv: "tiden för att verifiera ansökan har inte gått ut än",
        },
        ReconfirmationNotDue => "reconfirmation_not_due" {
            en: "the deadline for reconfirming has not passed yet",
            sv: "sista dagen för att bekräfta anslutningen på nytt har inte passerats än",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of an accession request, alone or against the
    /// facts on record (the approval, the board decision, the agreement's terms); each is a
    /// 422 naming the field.
    pub enum AccessionField {
        ChannelNotAccepted { channel: Channel } => "channel_not_accepted" {
            en: "this agreement does not take accessions through {channel}",
            sv: "överenskommelsen tar inte emot anslutningar genom {channel}",
        },
        BoardDecisionRequired { channel: Channel } => "required" {
            en: "an accession through {channel} needs the board decision to join (date, minutes reference, date received)",
            sv: "en anslutning genom {channel} behöver styrelsens beslut om att ansluta sig (datum, paragraf i protokollet, mottagningsdatum)",
        },
        ContactPersonRequired => "required" {
            en: "a contact person is required",
            sv: "en kontaktperson måste anges",
        },
        BoardDecisionInFuture => "in_future" {
            en: "the board decision cannot be dated in the future",
            sv: "styrelsebeslutet kan inte vara daterat i framtiden",
        },
        MinutesReceivedInFuture => "in_future" {
            en: "the minutes cannot have been received in the future",
            sv: "protokollet kan inte ha kommit in i framtiden",
        },
        MinutesBeforeBoardDecision => "before_decision" {
            en: "the minutes cannot have been received before the board decided",
            sv: "protokollet kan inte ha kommit in innan styrelsen fattade beslutet",
        },
        Email => "email" {
            en: "must be an e-mail address such as namn@forening.se",
            sv: "måste vara en e-postadress, till exempel namn@forening.se",
        },
        Phone => "phone" {
            en: "must be 7–15 digits, with spaces, hyphens and a leading + allowed",
            sv: "måste vara 7–15 siffror; mellanslag, bindestreck och ett inledande + går bra",
        },
        Statement => "statement" {
            en: "must be one of the agreement's eligibility statements, word for word",
            sv: "måste vara ett av överenskommelsens villkor för anslutning, ordagrant",
        },
        UnknownStatement { statement: String } => "unknown_statement" {
            en: "«{statement}» is not an eligibility statement of this agreement",
            sv: "«{statement}» är inte ett av överenskommelsens villkor för anslutning",
        },
        MissingStatements { missing: String } => "missing_statements" {
            en: "every statement the agreement requires must be affirmed; missing: {missing}",
            sv: "alla villkor som överenskommelsen kräver måste bekräftas; saknas: {missing}",
        },
        ApprovalInFuture => "in_future" {
            en: "an accession cannot be approved from a future date",
            sv: "en anslutning kan inte godkännas från ett datum i framtiden",
        },
        /// Checked against the agreement: an adoption may take effect after its decision.
        ApprovalBeforeInForce { in_force_from: NaiveDate } => "before_in_force" {
            en: "an accession cannot be approved before the agreement is in force ({in_force_from})",
            sv: "en anslutning kan inte godkännas innan överenskommelsen gäller ({in_force_from})",
        },
        /// Checked against the agreement's validity: its versions' periods in force, ended
        /// by a termination.
        OutsideValidity { date: NaiveDate } => "outside_validity" {
            en: "the agreement did not apply on {date}: every date of an accession lies within the agreement's validity",
            sv: "överenskommelsen gällde inte {date}: en anslutnings alla datum ligger inom överenskommelsens giltighet",
        },
        /// A correction names an entry of this accession's history by its number.
        UnknownEntry { seq: u32 } => "unknown_entry" {
            en: "the accession's history has no entry {seq}",
            sv: "anslutningens historik har ingen post {seq}",
        },
        /// Corrections change what a submission, an approval or a withdrawal recorded.
        NotCorrectable { event: HistoryEvent } => "not_correctable" {
            en: "a {event} entry records no fact a correction can change: name the submitted, approved or withdrawn entry",
            sv: "en post av slaget {event} innehåller inget som kan rättas: ange posten för inskickad, godkänd eller utträde",
        },
        /// A value given that the corrected entry did not record.
        NotInEntry { event: HistoryEvent } => "not_in_entry" {
            en: "the corrected entry ({event}) did not record this value",
            sv: "den rättade posten ({event}) innehåller inte det här värdet",
        },
        NothingCorrected => "nothing_corrected" {
            en: "the correction gives no value that differs from the recorded one",
            sv: "rättelsen anger inget värde som skiljer sig från det registrerade",
        },
        /// A corrected approval date still precedes the day the signatory left.
        CorrectionAfterLeaving { left_on: NaiveDate } => "after_left" {
            en: "the signatory left on {left_on}; it cannot have been approved on or after that day",
            sv: "undertecknaren lämnade {left_on}; den kan inte ha godkänts den dagen eller senare",
        },
        /// Checked against the board decision on record.
        ApprovalBeforeReceived { received_on: NaiveDate } => "before_received" {
            en: "an accession cannot be approved before its board decision was received ({received_on})",
            sv: "anslutningen kan inte godkännas före den dag styrelsebeslutet kom in ({received_on})",
        },
        /// Checked against the cited decision of the steering group.
        ApprovalBeforeDecision { decided_on: NaiveDate } => "before_decision" {
            en: "an accession cannot be approved before the steering group decided ({decided_on})",
            sv: "anslutningen kan inte godkännas före styrgruppens beslut ({decided_on})",
        },
        /// Eslöv, Lund, Södertälje: the administrator registers; no steering-group decision applies.
        RegistrationRequired => "registration_required" {
            en: "this agreement approves accessions by registration: an agreement administrator decides and no steering-group decision is cited",
            sv: "i den här överenskommelsen registrerar processledaren anslutningar: inget styrgruppsbeslut ska anges",
        },
        /// Blekinge: "Anslutning godkänns av styrgruppen".
        SteeringGroupDecisionRequired => "steering_group_decision_required" {
            en: "this agreement's steering group decides on accessions: cite its recorded decision",
            sv: "i den här överenskommelsen beslutar styrgruppen om anslutningar: ange styrgruppens beslut",
        },
        DecisionDoesNotMatch => "decision_does_not_match" {
            en: "the cited decision is not a decision of this agreement's steering group of the right kind about this accession",
            sv: "beslutet är inte ett beslut av rätt slag om den här anslutningen från överenskommelsens styrgrupp",
        },
        DecisionNotValid => "decision_not_valid" {
            en: "the cited decision is not valid: the group was not balanced and quorate at that meeting",
            sv: "beslutet är inte giltigt: vid det mötet hade gruppen inte lika många ordinarie ledamöter från båda sidor, eller var den inte beslutför",
        },
        /// Checked against the approval on record.
        WithdrawalBeforeApproval { approved_on: NaiveDate } => "withdrawal_before_approval" {
            en: "a withdrawal cannot take effect before the accession was approved ({approved_on})",
            sv: "utträdet kan inte gälla från ett datum före godkännandet av anslutningen ({approved_on})",
        },
        NoticeReceivedInFuture => "in_future" {
            en: "the notice cannot have been received in the future",
            sv: "beskedet om utträde kan inte ha kommit in i framtiden",
        },
        EndBeforeApproval { approved_on: NaiveDate } => "end_before_approval" {
            en: "an accession cannot end before it was approved ({approved_on})",
            sv: "en anslutning kan inte avslutas före godkännandet ({approved_on})",
        },
    }
}

impl Term for AccessionState {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Submitted => lang.pick("submitted", "inskickad"),
            Self::Approved => lang.pick("approved", "godkänd"),
            Self::Rejected => lang.pick("rejected", "avslagen"),
            Self::Cancelled => lang.pick("cancelled", "återtagen"),
            Self::Withdrawn => lang.pick("withdrawn", "avslutad genom utträde"),
            Self::Ended => lang.pick("ended", "avslutad"),
        })
    }
}

impl Term for HistoryEvent {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Submitted => lang.pick("submitted", "inskickad"),
            Self::Approved => lang.pick("approved", "godkänd"),
            Self::Rejected => lang.pick("rejected", "avslagen"),
            Self::Cancelled => lang.pick("cancelled", "återtagen"),
            Self::Withdrawn => lang.pick("withdrawn", "utträde"),
            Self::Ended => lang.pick("ended", "avslutad"),
            Self::CarriedOver => lang.pick("carried_over", "överförd"),
            Self::ReconfirmationRequested => {
                lang.pick("reconfirmation_requested", "ombedd att bekräfta")
            }
            Self::Reconfirmed => lang.pick("reconfirmed", "bekräftad"),
            Self::ContactPersonUpdated => lang.pick("contact_person_updated", "ny kontaktperson"),
            Self::Corrected => lang.pick("corrected", "rättelse"),
            Self::SignatoryRenamed => lang.pick("signatory_renamed", "namnbyte"),
            Self::Verified => lang.pick("verified", "verifierad"),
            Self::VerificationExpired => lang.pick("verification_expired", "inte verifierad i tid"),
        })
    }
}

impl Term for Channel {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::BoardMinutes => lang.pick("board minutes", "styrelseprotokoll"),
            Self::Form => lang.pick("the accession form", "anslutningsblanketten"),
            Self::DialogueForum => lang.pick("the dialogue forum", "dialogforumet"),
            Self::AtAdoption => lang.pick("signing at adoption", "undertecknande vid antagandet"),
            Self::WrittenApplication => lang.pick("a written application", "skriftlig ansökan"),
        })
    }
}

#[cfg(test)]
mod tests;
