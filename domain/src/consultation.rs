//! The consultation (remiss) on a draft (issue 20): what opening one sets (a response
//! deadline, the invited parties, a numbered question list, whether it is open to all), the
//! responses (remissvar) organisations send, and the report of how they were weighed that
//! the adoption carries.
//!
//! The consultation itself is part of the agreement's version ([`crate::agreement::Agreement::open_consultation`],
//! `open_revision_consultation`); a response is an aggregate of its own,
//! [`ConsultationResponse`], one per organisation and consultation, replaced until the
//! deadline with its earlier texts kept in `history`. Who responds is a [`Respondent`]: the
//! organisation and how it acts ([`RespondentAct`]), decided by the caller (a representative's
//! token today; an account-less capability link can map to the same act), never a token.
//!
//! A response is a public document (the organisation's name and its text); the contact
//! person it names is for the agreement's administrators only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::agreement::{Agreement, AgreementVersion, VersionContent};
use crate::error::{CommonField, DomainError, Validator};

pub const QUESTIONS_MAX: usize = 50;
pub const QUESTION_MAX: usize = 2_000;
pub const INVITED_MAX: usize = 500;
pub const ANSWER_MAX: usize = 20_000;
pub const COMMENTS_MAX: usize = 200;
pub const COMMENT_MAX: usize = 20_000;
pub const GENERAL_COMMENTS_MAX: usize = 50_000;
pub const CONTACT_NAME_MAX: usize = 200;
pub const CONTACT_EMAIL_MAX: usize = 254;
pub const REPORT_SUMMARY_MAX: usize = 50_000;
pub const REPORT_ENTRIES_MAX: usize = 1_000;
pub const REPORT_TEXT_MAX: usize = 20_000;

crate::rules! {
    /// What the state of a consultation forbids; each is a 409 with its `code`.
    pub enum ConsultationRule {
        NotOpen => "consultation_not_open" {
            en: "no consultation on this agreement is open for responses",
            sv: "ingen remiss om överenskommelsen tar emot svar",
        },
        /// After the deadline only an administrator registers a response (marked late).
        Closed { deadline: NaiveDate } => "consultation_closed" {
            en: "the consultation closed on {deadline}: a late response can only be registered by the agreement's administrator",
            sv: "remissen stängde {deadline}: ett sent remissvar kan bara registreras av överenskommelsens administratör",
        },
        /// Only for consultations restricted to the invited (the default is open to all).
        NotInvited => "not_invited" {
            en: "this consultation is restricted to the invited, and this organisation is not invited",
            sv: "remissen är begränsad till de inbjudna, och organisationen är inte inbjuden",
        },
        NoConsultation => "no_consultation" {
            en: "the version was not on consultation: there is nothing to report on",
            sv: "versionen har inte varit på remiss: det finns ingen remiss att redovisa",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of a consultation request; each is a 422.
    pub enum ConsultationField {
        DeadlineNotAfterOpening => "not_after_opened_on" {
            en: "the response deadline must be after the day the consultation opens",
            sv: "sista svarsdag måste ligga efter dagen remissen öppnas",
        },
        TooMany { max: usize } => "too_many" {
            en: "at most {max}",
            sv: "högst {max}",
        },
        NoSignatoriesYet => "not_allowed" {
            en: "a first version has no signatories yet: only a revision's consultation can invite all signatories",
            sv: "en första version har inga undertecknare ännu: bara en reviderings remiss kan bjuda in alla undertecknare",
        },
        InvitedRequired => "required" {
            en: "a consultation restricted to the invited must invite someone",
            sv: "en remiss som är begränsad till de inbjudna måste bjuda in någon",
        },
        /// A comment (or a report entry) refers to a principle or commitment the text has not.
        UnknownPrinciple { kind: &'static str, number: u32 } => "unknown_principle" {
            en: "the text has no {kind} number {number}",
            sv: "texten har ingen {kind} med nummer {number}",
        },
        UnknownQuestion { number: u32 } => "unknown_question" {
            en: "the consultation has no question number {number}",
            sv: "remissen har ingen fråga med nummer {number}",
        },
        UnknownResponse => "unknown_response" {
            en: "no response to this consultation has this id",
            sv: "inget remissvar på den här remissen har detta id",
        },
        NoSuchComment => "no_such_comment" {
            en: "the response has no comment on this principle or commitment",
            sv: "remissvaret har ingen kommentar om den här principen eller det här åtagandet",
        },
        ResponseOrReferenceRequired => "required" {
            en: "name the response or the principle or commitment the entry weighs",
            sv: "ange vilket remissvar eller vilken princip eller vilket åtagande posten gäller",
        },
        AssessmentRequired => "required" {
            en: "a comment on a principle or commitment is weighed as accepted, partly or not_accepted",
            sv: "en kommentar om en princip eller ett åtagande bedöms som accepted, partly eller not_accepted",
        },
        BeforeOpening { opened_on: NaiveDate } => "before_opened_on" {
            en: "cannot be before the consultation opened ({opened_on})",
            sv: "kan inte ligga före remissens öppnande ({opened_on})",
        },
        NotAnEmail => "email" {
            en: "must be an e-mail address",
            sv: "måste vara en e-postadress",
        },
        UnknownOrganization => "unknown_organization" {
            en: "no such organisation in the register",
            sv: "det finns ingen sådan organisation i registret",
        },
        EmptyResponse => "required" {
            en: "a response answers a question, comments generally or comments on a principle or commitment",
            sv: "ett remissvar besvarar en fråga, lämnar allmänna synpunkter eller kommenterar en princip eller ett åtagande",
        },
    }
}

/// Who is invited to respond: organisations of the register, and for a revision every
/// organisation that is a signatory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitedParties {
    /// Sorted, without duplicates.
    pub organization_ids: Vec<Uuid>,
    pub all_signatories: bool,
}

/// What opening a consultation sets, as the caller states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationInput {
    pub opened_on: NaiveDate,
    /// The last day a response is accepted (inclusive).
    pub response_deadline: NaiveDate,
    pub invited: InvitedParties,
    /// Numbered from 1 in this order.
    pub questions: Vec<String>,
    /// Only the invited may respond; `false` (the default): open to all.
    pub restricted: bool,
}

/// A consultation's setup as recorded: a [`ConsultationInput`] that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationSetup {
    response_deadline: NaiveDate,
    invited: InvitedParties,
    questions: Vec<String>,
    restricted: bool,
}

impl ConsultationSetup {
    /// The input checked, for a first version (`revision == false`, where there are no
    /// signatories to invite) or a revision.
    pub fn validated(input: &ConsultationInput, revision: bool) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        if input.response_deadline <= input.opened_on {
            v.add(
                "response_deadline",
                ConsultationField::DeadlineNotAfterOpening,
            );
        }
        if input.invited.all_signatories && !revision {
            v.add(
                "invited.all_signatories",
                ConsultationField::NoSignatoriesYet,
            );
        }
        let ids = &input.invited.organization_ids;
        if ids.len() > INVITED_MAX {
            v.add(
                "invited.organization_ids",
                ConsultationField::TooMany { max: INVITED_MAX },
            );
        }
        let mut seen = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(*id) {
                v.add(
                    format!("invited.organization_ids[{i}]"),
                    CommonField::ListedTwice,
                );
            }
        }
        if input.restricted && ids.is_empty() && !input.invited.all_signatories {
            v.add("invited", ConsultationField::InvitedRequired);
        }
        let mut questions = Vec::new();
        if input.questions.len() > QUESTIONS_MAX {
            v.add(
                "questions",
                ConsultationField::TooMany { max: QUESTIONS_MAX },
            );
        } else {
            for (i, q) in input.questions.iter().enumerate() {
                if let Some(q) = v.text(&format!("questions[{i}]"), q, QUESTION_MAX) {
                    questions.push(q);
                }
            }
        }
        v.finish()?;
        Ok(Self {
            response_deadline: input.response_deadline,
            invited: InvitedParties {
                organization_ids: seen.into_iter().collect(),
                all_signatories: input.invited.all_signatories,
            },
            questions,
            restricted: input.restricted,
        })
    }

    pub fn response_deadline(&self) -> NaiveDate {
        self.response_deadline
    }

    pub fn invited(&self) -> &InvitedParties {
        &self.invited
    }

    /// Question `n` is `questions()[n - 1]`.
    pub fn questions(&self) -> &[String] {
        &self.questions
    }

    pub fn restricted(&self) -> bool {
        self.restricted
    }

    /// Whether the organisation is invited: named, or a signatory when all are invited.
    pub fn invites(&self, organization_id: Uuid, is_signatory: bool) -> bool {
        self.invited.organization_ids.contains(&organization_id)
            || (self.invited.all_signatories && is_signatory)
    }

    /// Whether a response is accepted on `on` without an administrator registering it.
    pub fn is_open_on(&self, on: NaiveDate) -> bool {
        on <= self.response_deadline
    }

    /// A stored setup, read back: trusted stored data, not a way around the rules.
    pub fn restore(
        response_deadline: NaiveDate,
        invited: InvitedParties,
        questions: Vec<String>,
        restricted: bool,
    ) -> Self {
        Self {
            response_deadline,
            invited,
            questions,
            restricted,
        }
    }
}

/// What a comment is about: a principle by its number, or a commitment by its place in the
/// text (numbered from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ReferenceKind {
    Principle,
    Commitment,
}

crate::enum_text::enum_text!(ReferenceKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    pub kind: ReferenceKind,
    pub number: u32,
}

impl Reference {
    /// Whether the text has what the reference names.
    pub fn exists_in(self, content: &VersionContent) -> bool {
        match self.kind {
            ReferenceKind::Principle => content.principles.iter().any(|p| p.number == self.number),
            ReferenceKind::Commitment => {
                self.number >= 1 && (self.number as usize) <= content.commitments.len()
            }
        }
    }

    fn checked(self, v: &mut Validator, field: &str, content: &VersionContent) {
        if !self.exists_in(content) {
            v.add(
                field,
                ConsultationField::UnknownPrinciple {
                    kind: match self.kind {
                        ReferenceKind::Principle => "principle",
                        ReferenceKind::Commitment => "commitment",
                    },
                    number: self.number,
                },
            );
        }
    }
}

/// An answer to question `question` (numbered from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question: u32,
    pub text: String,
}

/// A comment on one principle or commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceComment {
    pub reference: Reference,
    pub text: String,
}

/// The person to contact about a response: personal data, never public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseContact {
    pub name: String,
    pub email: Option<String>,
}

/// A response as the caller sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseInput {
    /// The day the response was received: an administrator registering a paper or e-mail
    /// response names it; a representative's response is received today (`None`).
    pub received_on: Option<NaiveDate>,
    pub answers: Vec<Answer>,
    pub general_comments: Option<String>,
    pub comments: Vec<ReferenceComment>,
    pub contact: Option<ResponseContact>,
}

/// How the respondent acts. A capability link (an account-less bearer of the organisation's
/// link) acts as its representative would: it maps to [`RespondentAct::Representative`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum RespondentAct {
    /// The organisation's own representative, until the deadline.
    Representative,
    /// The agreement's administrator registering a paper or e-mail response; accepted after
    /// the deadline, marked late.
    Administrator,
}

crate::enum_text::enum_text!(RespondentAct);

/// Who responds for which organisation, as the caller (API, capability link) established it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respondent {
    pub organization_id: Uuid,
    /// The register's name of the organisation on the day.
    pub organization_name: String,
    /// An active signatory of the agreement (counts as invited when all signatories are).
    pub is_signatory: bool,
    pub act: RespondentAct,
    /// Who recorded it (the token's `sub`, or the link's id).
    pub recorded_by: String,
}

/// One text of a response: the current one, or an earlier one it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseText {
    pub received_on: NaiveDate,
    pub late: bool,
    pub act: RespondentAct,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub answers: Vec<Answer>,
    pub general_comments: Option<String>,
    pub comments: Vec<ReferenceComment>,
    pub contact: Option<ResponseContact>,
}

/// A response (remissvar) of one organisation to one consultation: the text in force and the
/// earlier texts it replaced, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationResponse {
    id: Uuid,
    agreement_id: Uuid,
    version_number: u32,
    organization_id: Uuid,
    organization_name: String,
    invited: bool,
    current: ResponseText,
    history: Vec<ResponseText>,
}

/// A stored response's parts, for [`ConsultationResponse::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseParts {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub version_number: u32,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub invited: bool,
    pub current: ResponseText,
    pub history: Vec<ResponseText>,
}

/// The version on consultation that takes responses: the first text while the agreement is
/// on consultation, or a revision on consultation.
pub fn open_consultation_of(
    agreement: &Agreement,
) -> Option<(&AgreementVersion, &ConsultationSetup)> {
    let version = agreement.consultation_version()?;
    let setup = version.consultation()?.setup()?;
    Some((version, setup))
}

impl ConsultationResponse {
    /// A new response, or — with `existing`, the organisation's response to the same
    /// consultation — its replacement, which keeps the text it replaces in the history.
    pub fn submit(
        id: Uuid,
        agreement: &Agreement,
        existing: Option<Self>,
        respondent: Respondent,
        input: ResponseInput,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let (version, setup) = open_consultation_of(agreement).ok_or(ConsultationRule::NotOpen)?;
        let opened_on = version
            .consultation()
            .map(|c| c.opened_on())
            .unwrap_or(today);
        let deadline = setup.response_deadline();
        let received_on = match respondent.act {
            RespondentAct::Representative => today,
            RespondentAct::Administrator => input.received_on.unwrap_or(today),
        };
        if respondent.act == RespondentAct::Representative && !setup.is_open_on(today) {
            return Err(ConsultationRule::Closed { deadline }.into());
        }
        let invited = setup.invites(respondent.organization_id, respondent.is_signatory);
        if setup.restricted() && !invited {
            return Err(ConsultationRule::NotInvited.into());
        }
        let mut v = Validator::new();
        if received_on > today {
            v.add("received_on", CommonField::InFuture);
        } else if received_on < opened_on {
            v.add(
                "received_on",
                ConsultationField::BeforeOpening { opened_on },
            );
        }
        let text = validate_text(&mut v, &input, setup, version.content());
        v.finish()?;
        let current = ResponseText {
            received_on,
            late: received_on > deadline,
            act: respondent.act,
            recorded_by: respondent.recorded_by,
            recorded_at: now,
            answers: text.answers,
            general_comments: text.general_comments,
            comments: text.comments,
            contact: text.contact,
        };
        Ok(match existing {
            Some(mut earlier) => {
                let replaced = std::mem::replace(&mut earlier.current, current);
                earlier.history.push(replaced);
                earlier.organization_name = respondent.organization_name;
                earlier.invited = invited;
                earlier
            }
            None => Self {
                id,
                agreement_id: agreement.id(),
                version_number: version.number(),
                organization_id: respondent.organization_id,
                organization_name: respondent.organization_name,
                invited,
                current,
                history: Vec::new(),
            },
        })
    }

    pub fn restore(parts: ResponseParts) -> Self {
        Self {
            id: parts.id,
            agreement_id: parts.agreement_id,
            version_number: parts.version_number,
            organization_id: parts.organization_id,
            organization_name: parts.organization_name,
            invited: parts.invited,
            current: parts.current,
            history: parts.history,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn agreement_id(&self) -> Uuid {
        self.agreement_id
    }

    pub fn version_number(&self) -> u32 {
        self.version_number
    }

    pub fn organization_id(&self) -> Uuid {
        self.organization_id
    }

    pub fn organization_name(&self) -> &str {
        &self.organization_name
    }

    /// Invited when it (last) responded; a response from an organisation not invited is
    /// marked so.
    pub fn invited(&self) -> bool {
        self.invited
    }

    /// The text in force.
    pub fn current(&self) -> &ResponseText {
        &self.current
    }

    /// The texts it replaced, oldest first.
    pub fn history(&self) -> &[ResponseText] {
        &self.history
    }

    /// Whether it comments on `reference`.
    pub fn comments_on(&self, reference: Reference) -> bool {
        self.current
            .comments
            .iter()
            .any(|c| c.reference == reference)
    }
}

struct ValidText {
    answers: Vec<Answer>,
    general_comments: Option<String>,
    comments: Vec<ReferenceComment>,
    contact: Option<ResponseContact>,
}

fn validate_text(
    v: &mut Validator,
    input: &ResponseInput,
    setup: &ConsultationSetup,
    content: &VersionContent,
) -> ValidText {
    let mut answers = Vec::new();
    let mut asked = BTreeSet::new();
    let question_count = setup.questions().len();
    for (i, a) in input.answers.iter().enumerate() {
        let field = format!("answers[{i}]");
        if a.question == 0 || a.question as usize > question_count {
            v.add(
                format!("{field}.question"),
                ConsultationField::UnknownQuestion { number: a.question },
            );
        } else if !asked.insert(a.question) {
            v.add(format!("{field}.question"), CommonField::ListedTwice);
        }
        if let Some(text) = v.text(&format!("{field}.text"), &a.text, ANSWER_MAX) {
            answers.push(Answer {
                question: a.question,
                text,
            });
        }
    }
    answers.sort_by_key(|a| a.question);
    let general_comments = v.optional_text(
        "general_comments",
        input.general_comments.as_deref(),
        GENERAL_COMMENTS_MAX,
    );
    let mut comments = Vec::new();
    if input.comments.len() > COMMENTS_MAX {
        v.add("comments", ConsultationField::TooMany { max: COMMENTS_MAX });
    } else {
        for (i, c) in input.comments.iter().enumerate() {
            let field = format!("comments[{i}]");
            c.reference.checked(v, &format!("{field}.number"), content);
            if let Some(text) = v.text(&format!("{field}.text"), &c.text, COMMENT_MAX) {
                comments.push(ReferenceComment {
                    reference: c.reference,
                    text,
                });
            }
        }
    }
    let contact = input.contact.as_ref().and_then(|c| {
        let name = v.line("contact.name", &c.name, CONTACT_NAME_MAX);
        let email = match c.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => {
                let e = v.line("contact.email", e, CONTACT_EMAIL_MAX);
                match e {
                    Some(e) if is_email(&e) => Some(e),
                    Some(_) => {
                        v.add("contact.email", ConsultationField::NotAnEmail);
                        None
                    }
                    None => None,
                }
            }
        };
        name.map(|name| ResponseContact { name, email })
    });
    if input.answers.is_empty()
        && general_comments.is_none()
        && input.comments.is_empty()
        && v.is_empty()
    {
        v.add("general_comments", ConsultationField::EmptyResponse);
    }
    ValidText {
        answers,
        general_comments,
        comments,
        contact,
    }
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

/// How a comment was weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Assessment {
    Accepted,
    Partly,
    NotAccepted,
}

crate::enum_text::enum_text!(Assessment);

/// One entry of the report: how a response, a principle or commitment, or one response's
/// comment on one, was weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportEntry {
    pub response_id: Option<Uuid>,
    pub reference: Option<Reference>,
    /// Required when the entry names a principle or commitment.
    pub assessment: Option<Assessment>,
    pub text: String,
}

/// The consultation report (remissammanställning) as the adoption states it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportInput {
    pub summary: Option<String>,
    pub entries: Vec<ReportEntry>,
}

/// The report as recorded with the adopted version: a [`ReportInput`] that passed its
/// checks. Public with the adopted version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationReport {
    summary: Option<String>,
    entries: Vec<ReportEntry>,
}

impl ConsultationReport {
    /// The report checked against the text adopted and the consultation's responses: every
    /// response named is one of them, every principle or commitment exists, an entry on a
    /// principle or commitment is weighed, and an entry on one response's comment names a
    /// comment that response made. Field names are under `consultation_report`.
    pub fn validated(
        input: ReportInput,
        content: &VersionContent,
        responses: &[ConsultationResponse],
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let summary = v.optional_text(
            "consultation_report.summary",
            input.summary.as_deref(),
            REPORT_SUMMARY_MAX,
        );
        let mut entries = Vec::new();
        if input.entries.len() > REPORT_ENTRIES_MAX {
            v.add(
                "consultation_report.entries",
                ConsultationField::TooMany {
                    max: REPORT_ENTRIES_MAX,
                },
            );
        } else {
            for (i, e) in input.entries.into_iter().enumerate() {
                let field = format!("consultation_report.entries[{i}]");
                let response = e
                    .response_id
                    .map(|id| (id, responses.iter().find(|r| r.id() == id)));
                if let Some((_, None)) = response {
                    v.add(
                        format!("{field}.response_id"),
                        ConsultationField::UnknownResponse,
                    );
                }
                match e.reference {
                    None if e.response_id.is_none() => v.add(
                        field.clone(),
                        ConsultationField::ResponseOrReferenceRequired,
                    ),
                    None => {}
                    Some(reference) => {
                        if !reference.exists_in(content) {
                            reference.checked(&mut v, &format!("{field}.number"), content);
                        } else if let Some((_, Some(r))) = response
                            && !r.comments_on(reference)
                        {
                            v.add(format!("{field}.number"), ConsultationField::NoSuchComment);
                        }
                        if e.assessment.is_none() {
                            v.add(
                                format!("{field}.assessment"),
                                ConsultationField::AssessmentRequired,
                            );
                        }
                    }
                }
                if let Some(text) = v.text(&format!("{field}.text"), &e.text, REPORT_TEXT_MAX) {
                    entries.push(ReportEntry { text, ..e });
                }
            }
        }
        v.finish()?;
        Ok(Self { summary, entries })
    }

    pub fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    pub fn entries(&self) -> &[ReportEntry] {
        &self.entries
    }

    pub fn restore(summary: Option<String>, entries: Vec<ReportEntry>) -> Self {
        Self { summary, entries }
    }
}

/// The counts of a consultation's responses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseSummary {
    pub total: u32,
    pub invited: u32,
    pub not_invited: u32,
    /// Registered by an administrator (paper, e-mail).
    pub registered_by_administrator: u32,
    pub late: u32,
    /// Per question number (every question, 0 when unanswered): how many answered it.
    pub answers_per_question: BTreeMap<u32, u32>,
    /// Per principle or commitment commented on: how many responses did.
    pub comments_per_reference: BTreeMap<Reference, u32>,
}

impl ResponseSummary {
    pub fn of(setup: Option<&ConsultationSetup>, responses: &[ConsultationResponse]) -> Self {
        let mut s = Self::default();
        for n in 1..=setup.map_or(0, |s| s.questions().len()) {
            s.answers_per_question.insert(n as u32, 0);
        }
        for r in responses {
            s.total += 1;
            if r.invited() {
                s.invited += 1;
            } else {
                s.not_invited += 1;
            }
            let text = r.current();
            if text.act == RespondentAct::Administrator {
                s.registered_by_administrator += 1;
            }
            if text.late {
                s.late += 1;
            }
            for a in &text.answers {
                *s.answers_per_question.entry(a.question).or_default() += 1;
            }
            let referenced: BTreeSet<Reference> =
                text.comments.iter().map(|c| c.reference).collect();
            for reference in referenced {
                *s.comments_per_reference.entry(reference).or_default() += 1;
            }
        }
        s
    }
}

#[cfg(test)]
mod tests;
