//! Accessions: the records an application carries and gathers, as requests send them and as
//! the signatory's representatives and the agreement's administrators read them.

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::accession::{
    self, AccessionState, CONTACT_NAME_MAX, DIARY_NUMBER_MAX, HistoryEvent, MINUTES_REFERENCE_MAX,
    NOTICE_REFERENCE_MAX,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::schemas::Field;

/// The signatory's own decision to join (styrelsebeslut), as a request sends it: Lund
/// "Anslutning sker genom att föreningar/organisationer fattar ett styrelsebeslut och skickar
/// in beslutet".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardDecisionInput {
    /// The date of the board meeting.
    pub decided_on: NaiveDate,
    /// Where in the minutes, e.g. `§ 7`.
    #[schema(schema_with = minutes_reference)]
    pub minutes_reference: String,
    /// When the public body received the minutes.
    pub received_on: NaiveDate,
    /// The public body's diary number (diarienummer), once it has registered the minutes.
    #[schema(schema_with = diary_number)]
    pub diary_number: Option<String>,
}

/// The signatory's own decision to join (styrelsebeslut), as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BoardDecision {
    /// The date of the board meeting.
    pub decided_on: NaiveDate,
    /// Where in the minutes, e.g. `§ 7`.
    pub minutes_reference: String,
    /// When the public body received the minutes.
    pub received_on: NaiveDate,
    /// The public body's diary number (diarienummer); null until it has registered the minutes.
    pub diary_number: Option<String>,
}

fn minutes_reference() -> Field {
    Field::text(MINUTES_REFERENCE_MAX, "Styrelseprotokoll 2026-03-04 § 7")
        .described("Where in the minutes, e.g. `§ 7`.")
}

fn diary_number() -> Field {
    Field::optional_text(DIARY_NUMBER_MAX).described(
        "The public body's diary number (diarienummer), once it has registered the minutes.",
    )
}

impl From<BoardDecisionInput> for accession::BoardDecisionInput {
    fn from(d: BoardDecisionInput) -> Self {
        Self {
            decided_on: d.decided_on,
            minutes_reference: d.minutes_reference,
            received_on: d.received_on,
            diary_number: d.diary_number,
        }
    }
}

impl From<&accession::BoardDecision> for BoardDecision {
    fn from(d: &accession::BoardDecision) -> Self {
        Self {
            decided_on: d.decided_on(),
            minutes_reference: d.minutes_reference().to_owned(),
            received_on: d.received_on(),
            diary_number: d.diary_number().map(str::to_owned),
        }
    }
}

/// The contact person as the client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPersonInput {
    #[schema(schema_with = contact_name)]
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

fn contact_name() -> Field {
    Field::text(CONTACT_NAME_MAX, "Örjan Påhittad")
}

impl From<ContactPersonInput> for accession::ContactPersonInput {
    fn from(c: ContactPersonInput) -> Self {
        Self {
            name: c.name,
            email: c.email,
            phone: c.phone,
        }
    }
}

/// The person the signatory names as its link to the agreement (Blekinge: "Varje signerande
/// organisation utser en kontaktperson"). Personal data: shown to administrators and the
/// signatory's own representatives, never in the public list or in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ContactPerson {
    pub name: String,
    pub email: String,
    /// Optional: many small associations are reached by e-mail only.
    pub phone: Option<String>,
}

impl From<&accession::ContactPerson> for ContactPerson {
    fn from(c: &accession::ContactPerson) -> Self {
        Self {
            name: c.name().to_owned(),
            email: c.email().to_owned(),
            phone: c.phone().map(str::to_owned),
        }
    }
}

/// The formal written notice of leaving: Lund "skicka in ett styrelseprotokoll om att
/// föreningen inte längre vill vara ansluten"; Blekinge "styrgruppen ska meddelas formellt och
/// skriftligen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalNotice {
    /// When the public body received the notice.
    pub received_on: NaiveDate,
    /// The notice's reference: a minutes paragraph, a letter's date, a diary number.
    #[schema(schema_with = notice_reference)]
    pub reference: String,
    /// The first day on which the organisation is no longer a signatory. May lie in the
    /// future (a notice "per 31 december"): the signatory stays on the public list until then.
    pub effective_on: NaiveDate,
}

fn notice_reference() -> Field {
    Field::text(NOTICE_REFERENCE_MAX, "Styrelseprotokoll 2026-05-12 § 3")
        .described("The notice's reference: a minutes paragraph, a letter's date, a diary number.")
}

impl From<WithdrawalNotice> for accession::WithdrawalNoticeInput {
    fn from(n: WithdrawalNotice) -> Self {
        Self {
            received_on: n.received_on,
            reference: n.reference,
            effective_on: n.effective_on,
        }
    }
}

impl From<&accession::WithdrawalNotice> for WithdrawalNotice {
    fn from(n: &accession::WithdrawalNotice) -> Self {
        Self {
            received_on: n.received_on(),
            reference: n.reference().to_owned(),
            effective_on: n.effective_on(),
        }
    }
}

/// A revision's request that this signatory reconfirm, instead of being carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reconfirmation {
    /// The revised version to reconfirm.
    pub version: u32,
    /// The last day on which the signatory may reconfirm; from the day after, it has ended.
    pub reconfirm_by: NaiveDate,
}

impl From<accession::Reconfirmation> for Reconfirmation {
    fn from(r: accession::Reconfirmation) -> Self {
        Self {
            version: r.version(),
            reconfirm_by: r.reconfirm_by(),
        }
    }
}

/// One line of the append-only history. Events that do not change the state (carry-over,
/// reconfirmation, contact person) have `from == Some(to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// The entry's number: its position in the history, from 0 (the submission). Never
    /// changes; a correction names the entry it corrects by it.
    pub seq: u32,
    pub event: HistoryEvent,
    /// `None` only for the first entry, the submission.
    pub from: Option<AccessionState>,
    pub to: AccessionState,
    pub at: DateTime<Utc>,
    /// The caller's `sub`, or `system` for the deadline sweep.
    pub by: String,
    /// Why, in words: a rejection's reason, the notice's reference, the version carried over
    /// to; for a correction, each value recorded → right and the reason given. Never
    /// personal data.
    pub reason: Option<String>,
    /// For a `corrected` entry, the `seq` of the entry it corrects; `null` otherwise.
    pub corrects: Option<u32>,
}

impl HistoryEntry {
    /// The entry numbered `seq` of an accession's history.
    pub fn numbered(seq: usize, e: &accession::HistoryEntry) -> Self {
        Self {
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            event: e.event(),
            from: e.from(),
            to: e.to(),
            at: e.at(),
            by: e.by().to_owned(),
            reason: e.reason().map(str::to_owned),
            corrects: e.corrects(),
        }
    }
}

/// The right dates of the board decision a submission recorded, in a correction; a date left
/// out stays as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectedBoardDecision {
    /// The date of the board meeting.
    pub decided_on: Option<NaiveDate>,
    /// When the public body received the minutes.
    pub received_on: Option<NaiveDate>,
}

impl From<CorrectedBoardDecision> for accession::CorrectedBoardDecision {
    fn from(c: CorrectedBoardDecision) -> Self {
        Self {
            decided_on: c.decided_on,
            received_on: c.received_on,
        }
    }
}

/// The right dates of a withdrawal's written notice, in a correction; a date left out stays
/// as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectedWithdrawal {
    /// When the public body received the notice.
    pub received_on: Option<NaiveDate>,
    /// The first day no longer a signatory.
    pub effective_on: Option<NaiveDate>,
}

impl From<CorrectedWithdrawal> for accession::CorrectedWithdrawal {
    fn from(c: CorrectedWithdrawal) -> Self {
        Self {
            received_on: c.received_on,
            effective_on: c.effective_on,
        }
    }
}
