//! `accessions.document`: the accession as stored, version 2 (version 1 and the
//! `pending_verification` marker of an application made without an account). Its history is
//! not in the document: it lives in the append-only `accession_history` rows.

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::accession::{
    Accession, AccessionParts, BoardDecision, BoardDecisionInput, Channel, ContactPerson,
    ContactPersonInput, EndReason, HistoryEntry, PendingVerification, Reconfirmation, Signatory,
    WithdrawalNotice, WithdrawalNoticeInput,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{newer_than_known, parse, unreadable, version_of, written};
use crate::error::StoreResult;

const TABLE: &str = "accessions";

/// The version every accession is written in.
const CURRENT: u32 = 2;

/// The document of `a` (without its history), in the current version.
pub(crate) fn write_accession(a: &Accession) -> StoreResult<String> {
    serde_json::to_string(&AccessionDocumentV2::of(a)).map_err(written)
}

/// The accession of row `id`, from a document in any version this build reads and its
/// history from the history rows.
pub(crate) fn read_accession(
    id: &str,
    json: &str,
    history: Vec<HistoryEntry>,
) -> StoreResult<Accession> {
    let accession = match version_of(TABLE, id, json)? {
        1 => AccessionDocumentV2::from(parse::<AccessionDocumentV1>(TABLE, id, json)?)
            .into_accession(history),
        2 => parse::<AccessionDocumentV2>(TABLE, id, json)?.into_accession(history),
        newer => return Err(newer_than_known(TABLE, id, newer, CURRENT)),
    };
    if accession.id().to_string() != id {
        return Err(unreadable(TABLE, id, "holds another accession's id"));
    }
    if accession.history().is_empty() {
        return Err(unreadable(TABLE, id, "has no history rows"));
    }
    Ok(accession)
}

/// Version 1: the fields of the rows written before documents had versions, unchanged.
#[derive(Debug, Serialize, Deserialize)]
struct AccessionDocumentV1 {
    #[serde(default = "v1")]
    document_version: u32,
    id: Uuid,
    agreement_id: Uuid,
    signatory: SignatoryV1,
    channel: Channel,
    board_decision: Option<BoardDecisionV1>,
    affirmed_statements: Vec<String>,
    contact_person: ContactPersonV1,
    submitted_by: String,
    submitted_at: DateTime<Utc>,
    approved_on: Option<NaiveDate>,
    approved_version: Option<u32>,
    version: Option<u32>,
    decision_id: Option<Uuid>,
    rejection_reason: Option<String>,
    withdrawal: Option<WithdrawalV1>,
    ended_on: Option<NaiveDate>,
    end_reason: Option<EndReason>,
    reconfirmation: Option<ReconfirmationV1>,
}

fn v1() -> u32 {
    1
}

/// Version 2: version 1's fields (its `document_version` now 2) and the marker of an
/// application made without an account that waits for its verification.
#[derive(Debug, Serialize, Deserialize)]
struct AccessionDocumentV2 {
    #[serde(flatten)]
    base: AccessionDocumentV1,
    pending_verification: Option<PendingVerificationV2>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct PendingVerificationV2 {
    verify_by: NaiveDate,
}

/// The upgrade: no accession written in version 1 waited for a verification.
impl From<AccessionDocumentV1> for AccessionDocumentV2 {
    fn from(base: AccessionDocumentV1) -> Self {
        Self {
            base: AccessionDocumentV1 {
                document_version: 2,
                ..base
            },
            pending_verification: None,
        }
    }
}

impl AccessionDocumentV2 {
    fn of(a: &Accession) -> Self {
        Self {
            base: AccessionDocumentV1 {
                document_version: 2,
                ..AccessionDocumentV1::of(a)
            },
            pending_verification: a.pending_verification().map(|p| PendingVerificationV2 {
                verify_by: p.verify_by(),
            }),
        }
    }

    fn into_accession(self, history: Vec<HistoryEntry>) -> Accession {
        let pending = self
            .pending_verification
            .map(|p| PendingVerification::restore(p.verify_by));
        self.base.into_accession(history, pending)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
enum SignatoryV1 {
    Organization(Uuid),
    PublicBody(Uuid),
}

#[derive(Debug, Serialize, Deserialize)]
struct BoardDecisionV1 {
    decided_on: NaiveDate,
    minutes_reference: String,
    received_on: NaiveDate,
    diary_number: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ContactPersonV1 {
    name: String,
    email: String,
    phone: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WithdrawalV1 {
    received_on: NaiveDate,
    reference: String,
    effective_on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct ReconfirmationV1 {
    version: u32,
    reconfirm_by: NaiveDate,
}

impl AccessionDocumentV1 {
    fn of(a: &Accession) -> Self {
        let contact = a.contact_person();
        Self {
            document_version: 1,
            id: a.id(),
            agreement_id: a.agreement_id(),
            signatory: match a.signatory() {
                Signatory::Organization(id) => SignatoryV1::Organization(id),
                Signatory::PublicBody(id) => SignatoryV1::PublicBody(id),
            },
            channel: a.channel(),
            board_decision: a.board_decision().map(|d| BoardDecisionV1 {
                decided_on: d.decided_on(),
                minutes_reference: d.minutes_reference().to_owned(),
                received_on: d.received_on(),
                diary_number: d.diary_number().map(str::to_owned),
            }),
            affirmed_statements: a.affirmed_statements().to_vec(),
            contact_person: ContactPersonV1 {
                name: contact.name().to_owned(),
                email: contact.email().to_owned(),
                phone: contact.phone().map(str::to_owned),
            },
            submitted_by: a.submitted_by().to_owned(),
            submitted_at: a.submitted_at(),
            approved_on: a.approved_on(),
            approved_version: a.approved_version(),
            version: a.version(),
            decision_id: a.decision_id(),
            rejection_reason: a.rejection_reason().map(str::to_owned),
            withdrawal: a.withdrawal().map(|w| WithdrawalV1 {
                received_on: w.received_on(),
                reference: w.reference().to_owned(),
                effective_on: w.effective_on(),
            }),
            ended_on: a.ended_on(),
            end_reason: a.end_reason(),
            reconfirmation: a.reconfirmation().map(|r| ReconfirmationV1 {
                version: r.version(),
                reconfirm_by: r.reconfirm_by(),
            }),
        }
    }

    fn into_accession(
        self,
        history: Vec<HistoryEntry>,
        pending_verification: Option<PendingVerification>,
    ) -> Accession {
        let contact = self.contact_person;
        Accession::restore(AccessionParts {
            id: self.id,
            agreement_id: self.agreement_id,
            signatory: match self.signatory {
                SignatoryV1::Organization(id) => Signatory::Organization(id),
                SignatoryV1::PublicBody(id) => Signatory::PublicBody(id),
            },
            channel: self.channel,
            board_decision: self.board_decision.map(|d| {
                BoardDecision::restore(BoardDecisionInput {
                    decided_on: d.decided_on,
                    minutes_reference: d.minutes_reference,
                    received_on: d.received_on,
                    diary_number: d.diary_number,
                })
            }),
            affirmed_statements: self.affirmed_statements,
            contact_person: ContactPerson::restore(ContactPersonInput {
                name: contact.name,
                email: contact.email,
                phone: contact.phone,
            }),
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            approved_on: self.approved_on,
            approved_version: self.approved_version,
            version: self.version,
            decision_id: self.decision_id,
            rejection_reason: self.rejection_reason,
            withdrawal: self.withdrawal.map(|w| {
                WithdrawalNotice::restore(WithdrawalNoticeInput {
                    received_on: w.received_on,
                    reference: w.reference,
                    effective_on: w.effective_on,
                })
            }),
            ended_on: self.ended_on,
            end_reason: self.end_reason,
            reconfirmation: self
                .reconfirmation
                .map(|r| Reconfirmation::restore(r.version, r.reconfirm_by)),
            pending_verification,
            history,
        })
    }
}

#[cfg(test)]
mod tests {
    use samverkan_domain::accession::{AccessionState, HistoryEvent};

    use super::*;
    use crate::error::StoreError;

    const WITHDRAWN: &str = include_str!("fixtures/accession-unversioned-withdrawn.json");
    const ENDED: &str = include_str!("fixtures/accession-unversioned-ended.json");

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn history(to: AccessionState) -> Vec<HistoryEntry> {
        let at = "2024-05-20T10:00:00Z".parse().expect("an instant");
        vec![
            HistoryEntry::restore(
                HistoryEvent::Submitted,
                None,
                AccessionState::Submitted,
                at,
                "rep".into(),
                None,
            ),
            HistoryEntry::restore(
                HistoryEvent::Approved,
                Some(AccessionState::Submitted),
                to,
                at,
                "admin".into(),
                None,
            ),
        ]
    }

    /// Rows written before documents had versions read as version 1, every field in place.
    #[test]
    fn documents_without_a_version_read_as_version_1() {
        let id = "00000000-0000-0000-0000-0000000000d1";
        let a = read_accession(id, WITHDRAWN, history(AccessionState::Withdrawn)).expect("reads");
        assert_eq!(a.state(), AccessionState::Withdrawn);
        assert_eq!(
            a.signatory(),
            Signatory::Organization(Uuid::from_u128(0xC1))
        );
        assert_eq!(a.channel(), Channel::BoardMinutes);
        let board = a.board_decision().expect("given");
        assert_eq!(board.minutes_reference(), "§ 7");
        assert_eq!(board.diary_number(), Some("KS 2024/0412"));
        assert_eq!(a.contact_person().name(), "Åsa Östlund");
        assert_eq!(a.contact_person().phone(), Some("+46 70-000 00 00"));
        assert_eq!(a.approved_on(), Some(date(2024, 5, 10)));
        assert_eq!(a.version(), Some(2), "reconfirmed for version 2");
        let notice = a.withdrawal().expect("withdrawn");
        assert_eq!(notice.reference(), "Protokoll § 3");
        assert_eq!(a.left_on(), Some(date(2024, 12, 31)));

        let id = "00000000-0000-0000-0000-0000000000d2";
        let a = read_accession(id, ENDED, history(AccessionState::Ended)).expect("reads");
        assert_eq!(a.end_reason(), Some(EndReason::AgreementTerminated));
        assert_eq!(a.ended_on(), Some(date(2024, 6, 1)));
        assert_eq!(a.contact_person().phone(), None);
        assert_eq!(
            a.board_decision().and_then(BoardDecision::diary_number),
            None
        );
    }

    #[test]
    fn documents_round_trip_in_the_current_version() {
        let id = "00000000-0000-0000-0000-0000000000d1";
        let a = read_accession(id, WITHDRAWN, history(AccessionState::Withdrawn)).expect("reads");
        let written = write_accession(&a).expect("writes");
        let value: serde_json::Value = serde_json::from_str(&written).expect("json");
        assert_eq!(value["document_version"], CURRENT);
        assert!(
            value.get("history").is_none(),
            "the history has its own rows"
        );
        let back = read_accession(id, &written, a.history().to_vec()).expect("reads");
        assert_eq!(back, a);
    }

    #[test]
    fn version_1_upgrades_to_version_2_without_a_pending_verification() {
        let v1: AccessionDocumentV1 = serde_json::from_str(ENDED).expect("parses");
        let v2 = AccessionDocumentV2::from(v1);
        assert_eq!(v2.base.document_version, 2);
        assert!(v2.pending_verification.is_none());
    }

    #[test]
    fn an_unreadable_document_names_the_row_and_the_place() {
        let id = "00000000-0000-0000-0000-0000000000d2";
        let mut value: serde_json::Value = serde_json::from_str(ENDED).expect("json");
        value["contact_person"]["email"] = 7.into();
        let Err(StoreError::Internal(message)) =
            read_accession(id, &value.to_string(), history(AccessionState::Ended))
        else {
            panic!("a number for an e-mail is refused")
        };
        assert!(message.contains("accessions row"), "{message}");
        assert!(message.contains(id), "{message}");
        assert!(message.contains("contact_person.email"), "{message}");
    }
}
