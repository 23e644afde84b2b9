//! The stored form of an IOP partnership (`partnerships.document`): everything but the
//! columns beside it (id, agreement, public body, state, period), which are the row's.

use chrono::NaiveDate;
use samverkan_domain::partnership::{
    Assessment, Contribution, CriterionAssessment, Decision, OrganizationParty,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{newer_than_known, parse, version_of, written};
use crate::error::StoreResult;

const TABLE: &str = "partnerships";
const CURRENT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnershipDocumentV1 {
    document_version: u32,
    organizations: Vec<OrganizationV1>,
    title: String,
    purpose: String,
    principles: Vec<u32>,
    public_contribution: ContributionV1,
    organization_contribution: ContributionV1,
    proposed_on: NaiveDate,
    assessment: Option<AssessmentV1>,
    decision: Option<DecisionV1>,
    entered_on: Option<NaiveDate>,
    contract_reference: Option<String>,
    ended_on: Option<NaiveDate>,
    reason: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationV1 {
    organization_id: Uuid,
    signatory: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionV1 {
    amount_ore: Option<i64>,
    in_kind: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssessmentV1 {
    criteria: Vec<CriterionV1>,
    assessed_on: NaiveDate,
    by: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionV1 {
    criterion: String,
    met: bool,
    justification: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionV1 {
    body: String,
    date: NaiveDate,
    diary_number: String,
}

/// What the document holds of a partnership.
pub(crate) struct StoredPartnership {
    pub organizations: Vec<OrganizationParty>,
    pub title: String,
    pub purpose: String,
    pub principles: Vec<u32>,
    pub public_contribution: Contribution,
    pub organization_contribution: Contribution,
    pub proposed_on: NaiveDate,
    pub assessment: Option<Assessment>,
    pub decision: Option<Decision>,
    pub entered_on: Option<NaiveDate>,
    pub contract_reference: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

fn contribution_v1(c: &Contribution) -> ContributionV1 {
    ContributionV1 {
        amount_ore: c.amount_ore,
        in_kind: c.in_kind.clone(),
    }
}

fn contribution(c: ContributionV1) -> Contribution {
    Contribution {
        amount_ore: c.amount_ore,
        in_kind: c.in_kind,
    }
}

pub(crate) fn write_partnership(
    p: &samverkan_domain::partnership::Partnership,
) -> StoreResult<String> {
    let doc = PartnershipDocumentV1 {
        document_version: CURRENT,
        organizations: p
            .organizations
            .iter()
            .map(|o| OrganizationV1 {
                organization_id: o.organization_id,
                signatory: o.signatory,
            })
            .collect(),
        title: p.title.clone(),
        purpose: p.purpose.clone(),
        principles: p.principles.clone(),
        public_contribution: contribution_v1(&p.public_contribution),
        organization_contribution: contribution_v1(&p.organization_contribution),
        proposed_on: p.proposed_on,
        assessment: p.assessment.as_ref().map(|a| AssessmentV1 {
            criteria: a
                .criteria
                .iter()
                .map(|c| CriterionV1 {
                    criterion: c.criterion.clone(),
                    met: c.met,
                    justification: c.justification.clone(),
                })
                .collect(),
            assessed_on: a.assessed_on,
            by: a.by.clone(),
        }),
        decision: p.decision.as_ref().map(|d| DecisionV1 {
            body: d.body.clone(),
            date: d.date,
            diary_number: d.diary_number.clone(),
        }),
        entered_on: p.entered_on,
        contract_reference: p.contract_reference.clone(),
        ended_on: p.ended_on,
        reason: p.reason.clone(),
    };
    serde_json::to_string(&doc).map_err(written)
}

/// The document of row `id`, in any version this build reads.
pub(crate) fn read_partnership(id: &str, json: &str) -> StoreResult<StoredPartnership> {
    let doc = match version_of(TABLE, id, json)? {
        1 => parse::<PartnershipDocumentV1>(TABLE, id, json)?,
        newer => return Err(newer_than_known(TABLE, id, newer, CURRENT)),
    };
    Ok(StoredPartnership {
        organizations: doc
            .organizations
            .into_iter()
            .map(|o| OrganizationParty {
                organization_id: o.organization_id,
                signatory: o.signatory,
            })
            .collect(),
        title: doc.title,
        purpose: doc.purpose,
        principles: doc.principles,
        public_contribution: contribution(doc.public_contribution),
        organization_contribution: contribution(doc.organization_contribution),
        proposed_on: doc.proposed_on,
        assessment: doc.assessment.map(|a| Assessment {
            criteria: a
                .criteria
                .into_iter()
                .map(|c| CriterionAssessment {
                    criterion: c.criterion,
                    met: c.met,
                    justification: c.justification,
                })
                .collect(),
            assessed_on: a.assessed_on,
            by: a.by,
        }),
        decision: doc.decision.map(|d| Decision {
            body: d.body,
            date: d.date,
            diary_number: d.diary_number,
        }),
        entered_on: doc.entered_on,
        contract_reference: doc.contract_reference,
        ended_on: doc.ended_on,
        reason: doc.reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partnership_reads_back_as_written() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let p = samverkan_domain::partnership::Partnership {
            id: Uuid::from_u128(1),
            agreement_id: Uuid::from_u128(2),
            public_body_id: Uuid::from_u128(3),
            organizations: vec![OrganizationParty {
                organization_id: Uuid::from_u128(4),
                signatory: true,
            }],
            title: "Läxhjälp i Östra stan".into(),
            purpose: "Stöd med skolarbetet.".into(),
            principles: vec![1, 3],
            period_from: date(2027, 1, 1),
            period_to: date(2027, 12, 31),
            public_contribution: Contribution {
                amount_ore: Some(12_345_600),
                in_kind: None,
            },
            organization_contribution: Contribution {
                amount_ore: None,
                in_kind: Some("Ideella läxhjälpare".into()),
            },
            state: samverkan_domain::partnership::PartnershipState::Entered,
            proposed_on: date(2026, 10, 1),
            assessment: Some(Assessment {
                criteria: vec![CriterionAssessment {
                    criterion: "Initiativet kommer från sektorn".into(),
                    met: false,
                    justification: "Gemensamt initiativ.".into(),
                }],
                assessed_on: date(2026, 10, 2),
                by: "handläggare".into(),
            }),
            decision: Some(Decision {
                body: "Barn- och utbildningsnämnden".into(),
                date: date(2026, 11, 1),
                diary_number: "BUN 2026/0117".into(),
            }),
            entered_on: Some(date(2026, 11, 2)),
            contract_reference: Some("BUN 2026/0117-4".into()),
            ended_on: None,
            reason: None,
        };
        let json = write_partnership(&p).expect("written");
        let read = read_partnership("1", &json).expect("read");
        assert_eq!(read.organizations, p.organizations);
        assert_eq!(read.assessment, p.assessment);
        assert_eq!(read.decision, p.decision);
        assert_eq!(read.public_contribution, p.public_contribution);
        assert_eq!(read.organization_contribution, p.organization_contribution);
        assert_eq!(read.contract_reference, p.contract_reference);
        assert!(read_partnership("1", r#"{"document_version": 2}"#).is_err());
    }
}
