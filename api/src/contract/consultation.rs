//! The consultation (remiss): the request that opens one, the responses (remissvar) and the
//! report of how they were weighed. A response's public view names the organisation and holds
//! its text; the contact person is in the view for the agreement's administrators only.

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::consultation::{self as domain, Assessment, ReferenceKind, RespondentAct};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Opens the referral round (remiss) on the draft, or on the revision in progress.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationOpened {
    /// The day the referral round opened; not in the future.
    pub opened_on: NaiveDate,
    /// The last day a response is accepted (inclusive); after `opened_on`. Later responses are
    /// registered by the administrator and marked late.
    pub response_deadline: NaiveDate,
    /// Organisations of the register invited to respond.
    #[serde(default)]
    pub invited_organization_ids: Vec<Uuid>,
    /// Invite every organisation that is a signatory (a revision's consultation only).
    #[serde(default)]
    pub invite_all_signatories: bool,
    /// The questions respondents answer, numbered from 1 in this order.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Only the invited may respond; by default the consultation is open to all.
    #[serde(default)]
    pub restricted: bool,
}

impl From<ConsultationOpened> for domain::ConsultationInput {
    fn from(c: ConsultationOpened) -> Self {
        Self {
            opened_on: c.opened_on,
            response_deadline: c.response_deadline,
            invited: domain::InvitedParties {
                organization_ids: c.invited_organization_ids,
                all_signatories: c.invite_all_signatories,
            },
            questions: c.questions,
            restricted: c.restricted,
        }
    }
}

/// Who is invited to respond.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InvitedParties {
    pub organization_ids: Vec<Uuid>,
    /// Every organisation that is a signatory is invited (a revision's consultation).
    pub all_signatories: bool,
}

/// One question of the consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Question {
    /// From 1.
    pub number: u32,
    pub text: String,
}

/// What a comment is about: a principle by its number, or a commitment by its place in the
/// text (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub number: u32,
}

impl From<Reference> for domain::Reference {
    fn from(r: Reference) -> Self {
        Self {
            kind: r.kind,
            number: r.number,
        }
    }
}

impl From<domain::Reference> for Reference {
    fn from(r: domain::Reference) -> Self {
        Self {
            kind: r.kind,
            number: r.number,
        }
    }
}

/// One entry of the consultation report, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportEntry {
    /// The response weighed; `null` for an entry on a principle or commitment as a whole.
    pub response_id: Option<Uuid>,
    /// The principle or commitment weighed; with `response_id`, that response's comment on
    /// it.
    pub reference: Option<Reference>,
    pub assessment: Option<Assessment>,
    /// How it was weighed (free text).
    pub text: String,
}

/// How the consultation's responses were weighed, as recorded with the adoption; public
/// with the adopted version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsultationReport {
    pub summary: Option<String>,
    pub entries: Vec<ReportEntry>,
}

/// One entry of the consultation report, as a request sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEntryInput {
    /// The response weighed; `null` for an entry on a principle or commitment as a whole.
    #[serde(default)]
    pub response_id: Option<Uuid>,
    /// The principle or commitment weighed; with `response_id`, that response's comment on
    /// it.
    #[serde(default)]
    pub reference: Option<Reference>,
    /// Required with `reference`.
    #[serde(default)]
    pub assessment: Option<Assessment>,
    /// How it was weighed (free text).
    pub text: String,
}

/// How the consultation's responses were weighed (remissammanställning), as the adoption
/// request sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationReportInput {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub entries: Vec<ReportEntryInput>,
}

impl From<ConsultationReportInput> for domain::ReportInput {
    fn from(r: ConsultationReportInput) -> Self {
        Self {
            summary: r.summary,
            entries: r
                .entries
                .into_iter()
                .map(|e| domain::ReportEntry {
                    response_id: e.response_id,
                    reference: e.reference.map(Into::into),
                    assessment: e.assessment,
                    text: e.text,
                })
                .collect(),
        }
    }
}

impl From<&domain::ConsultationReport> for ConsultationReport {
    fn from(r: &domain::ConsultationReport) -> Self {
        Self {
            summary: r.summary().map(str::to_owned),
            entries: r
                .entries()
                .iter()
                .map(|e| ReportEntry {
                    response_id: e.response_id,
                    reference: e.reference.map(Into::into),
                    assessment: e.assessment,
                    text: e.text.clone(),
                })
                .collect(),
        }
    }
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question's number, from 1.
    pub question: u32,
    pub text: String,
}

/// A comment on one principle or commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceComment {
    pub kind: ReferenceKind,
    pub number: u32,
    pub text: String,
}

/// The person to contact about a response: never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ResponseContact {
    pub name: String,
    pub email: Option<String>,
}

/// The person to contact about a response, as sent: never public.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseContactInput {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// A response (remissvar) as sent. A second response of the organisation replaces the first
/// until the deadline; the first is kept in the history.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// The organisation responding: one the caller represents, or, for the agreement's
    /// administrator registering a paper or e-mail response, any organisation of the register.
    pub organization_id: Uuid,
    /// The day a registered response was received (administrators only; default today). A
    /// representative's response is received today.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    #[serde(default)]
    pub answers: Vec<Answer>,
    #[serde(default)]
    pub general_comments: Option<String>,
    #[serde(default)]
    pub comments: Vec<ReferenceComment>,
    #[serde(default)]
    pub contact_person: Option<ResponseContactInput>,
}

impl ResponseInput {
    pub fn into_domain(self) -> (Uuid, domain::ResponseInput) {
        (
            self.organization_id,
            domain::ResponseInput {
                received_on: self.received_on,
                answers: self
                    .answers
                    .into_iter()
                    .map(|a| domain::Answer {
                        question: a.question,
                        text: a.text,
                    })
                    .collect(),
                general_comments: self.general_comments,
                comments: self
                    .comments
                    .into_iter()
                    .map(|c| domain::ReferenceComment {
                        reference: domain::Reference {
                            kind: c.kind,
                            number: c.number,
                        },
                        text: c.text,
                    })
                    .collect(),
                contact: self.contact_person.map(|c| domain::ResponseContact {
                    name: c.name,
                    email: c.email,
                }),
            },
        )
    }
}

/// One text of a response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResponseText {
    pub received_on: NaiveDate,
    /// Received after the deadline (registered by the administrator).
    pub late: bool,
    /// `representative`: sent by the organisation; `administrator`: registered from paper or
    /// e-mail.
    pub registered_by: RespondentAct,
    pub answers: Vec<Answer>,
    pub general_comments: Option<String>,
    pub comments: Vec<ReferenceComment>,
}

impl From<&domain::ResponseText> for ResponseText {
    fn from(t: &domain::ResponseText) -> Self {
        Self {
            received_on: t.received_on,
            late: t.late,
            registered_by: t.act,
            answers: t
                .answers
                .iter()
                .map(|a| Answer {
                    question: a.question,
                    text: a.text.clone(),
                })
                .collect(),
            general_comments: t.general_comments.clone(),
            comments: t
                .comments
                .iter()
                .map(|c| ReferenceComment {
                    kind: c.reference.kind,
                    number: c.reference.number,
                    text: c.text.clone(),
                })
                .collect(),
        }
    }
}

/// A response (remissvar): a public document — the organisation's name and its text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsultationResponseView {
    pub id: Uuid,
    pub agreement_id: Uuid,
    /// The version on consultation it answers.
    pub version: u32,
    pub organization_id: Uuid,
    pub organization_name: String,
    /// The organisation was invited; `false` marks a response from one that was not.
    pub invited: bool,
    #[serde(flatten)]
    pub text: ResponseText,
    /// The texts it replaced, oldest first.
    pub history: Vec<ResponseText>,
    /// The contact person: for the agreement's administrators and co-administrators (and in
    /// the answer to whoever sent the response); always `null` in public reads.
    pub contact_person: Option<ResponseContact>,
    pub updated_at: DateTime<Utc>,
}

impl ConsultationResponseView {
    /// The view; `with_contact` for those who may see the contact person.
    pub fn of(
        r: &domain::ConsultationResponse,
        updated_at: DateTime<Utc>,
        with_contact: bool,
    ) -> Self {
        Self {
            id: r.id(),
            agreement_id: r.agreement_id(),
            version: r.version_number(),
            organization_id: r.organization_id(),
            organization_name: r.organization_name().to_owned(),
            invited: r.invited(),
            text: r.current().into(),
            history: r.history().iter().map(ResponseText::from).collect(),
            contact_person: r
                .current()
                .contact
                .as_ref()
                .filter(|_| with_contact)
                .map(|c| ResponseContact {
                    name: c.name.clone(),
                    email: c.email.clone(),
                }),
            updated_at,
        }
    }
}

/// How many answered one question.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionCount {
    pub question: u32,
    pub answers: u32,
}

/// How many responses commented on one principle or commitment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferenceCount {
    pub kind: ReferenceKind,
    pub number: u32,
    pub responses: u32,
}

/// The responses counted by respondent, by question and by principle or commitment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResponseSummaryView {
    pub agreement_id: Uuid,
    pub version: u32,
    pub response_deadline: Option<NaiveDate>,
    pub total: u32,
    pub by_respondent: RespondentCounts,
    pub by_question: Vec<QuestionCount>,
    pub by_reference: Vec<ReferenceCount>,
}

/// The responses by respondent type.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RespondentCounts {
    pub invited: u32,
    pub not_invited: u32,
    /// Registered by the administrator from paper or e-mail.
    pub registered_by_administrator: u32,
    pub late: u32,
}

impl ResponseSummaryView {
    pub fn of(
        agreement_id: Uuid,
        version: u32,
        deadline: Option<NaiveDate>,
        s: domain::ResponseSummary,
    ) -> Self {
        Self {
            agreement_id,
            version,
            response_deadline: deadline,
            total: s.total,
            by_respondent: RespondentCounts {
                invited: s.invited,
                not_invited: s.not_invited,
                registered_by_administrator: s.registered_by_administrator,
                late: s.late,
            },
            by_question: s
                .answers_per_question
                .into_iter()
                .map(|(question, answers)| QuestionCount { question, answers })
                .collect(),
            by_reference: s
                .comments_per_reference
                .into_iter()
                .map(|(r, responses)| ReferenceCount {
                    kind: r.kind,
                    number: r.number,
                    responses,
                })
                .collect(),
        }
    }
}

/// The consultation a version went through: when, until when, whom it invited, what it asked
/// and, once adopted, how the responses were weighed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsultationRecord {
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The last day responses are accepted; null for a consultation recorded without one.
    pub response_deadline: Option<NaiveDate>,
    pub invited: Option<InvitedParties>,
    pub questions: Vec<Question>,
    /// Only the invited may respond.
    pub restricted: bool,
    /// How the responses were weighed, recorded with the adoption; null before.
    pub report: Option<ConsultationReport>,
}

impl From<&samverkan_domain::agreement::ConsultationRecord> for ConsultationRecord {
    fn from(c: &samverkan_domain::agreement::ConsultationRecord) -> Self {
        let setup = c.setup();
        Self {
            opened_on: c.opened_on(),
            closed_on: c.closed_on(),
            response_deadline: setup.map(|s| s.response_deadline()),
            invited: setup.map(|s| InvitedParties {
                organization_ids: s.invited().organization_ids.clone(),
                all_signatories: s.invited().all_signatories,
            }),
            questions: setup
                .map(|s| {
                    s.questions()
                        .iter()
                        .enumerate()
                        .map(|(i, text)| Question {
                            number: i as u32 + 1,
                            text: text.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            restricted: setup.is_some_and(|s| s.restricted()),
            report: c.report().map(ConsultationReport::from),
        }
    }
}
