//! IOP partnerships (idéburet offentligt partnerskap) under an agreement.
//!
//! Kristianstad's agreement says when an IOP is possible (six criteria) and when one should
//! be entered; Eslöv calls for IOP guidelines; Lund and Södertälje name partnership as a form
//! of collaboration. An IOP belongs to an agreement and is a contract between one public body
//! (the agreement's owner or another of its public-body parties) and one or more
//! organisations, each recorded as a signatory of the agreement or not on the day it was
//! proposed. It realises principles of the agreement's current version, runs over a period,
//! and both sides contribute: money as an integer number of öre, in kind (described), or
//! both.
//!
//! `proposed` → `assessed` → `entered` → `ended`, or `proposed`/`assessed` → `not_entered`
//! with a reason. The assessment records, for each criterion of the agreement's list
//! (`AgreementSettings::partnership_criteria`), whether it is met and why; it may be recorded
//! again until entry. Entry needs a complete assessment (every criterion of the list as it is
//! on the day of entry) in which every criterion not met carries a written justification.
//! Contract documents are referenced (`contract_reference`), never stored.

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Principal;
use crate::agreement::{self, Agreement, VersionContent};
use crate::error::{DomainError, FieldError, Lang, Term};

/// Longest title, body name, diary number, contract reference and criterion text.
pub const NAME_MAX: usize = 500;
/// Longest purpose, in-kind description, justification and reason.
pub const TEXT_MAX: usize = 10_000;
/// Most organisations in one partnership ("en eller möjligen några"), and most principles.
pub const PARTIES_MAX: usize = 20;
/// The largest contribution in öre (ten thousand million kronor): an amount beyond it is a
/// typing error, and sums of many stay far from `i64::MAX`.
pub const AMOUNT_MAX_ORE: i64 = 1_000_000_000_000;

crate::rules! {
    /// What the state of a partnership forbids; each is a 409 with its `code`.
    pub enum PartnershipRule {
        /// `proposed` → `assessed` → `entered` → `ended`; `not_entered` from before entry.
        Transition { from: PartnershipState, to: PartnershipState } => "partnership_transition" {
            en: "a partnership cannot go from {from} to {to}",
            sv: "ett partnerskap kan inte gå från {from} till {to}",
        },
        /// Entry needs an assessment of every criterion of the agreement's list.
        AssessmentIncomplete { missing: usize } => "assessment_incomplete" {
            en: "the assessment is not complete: {missing} of the agreement's criteria are not assessed",
            sv: "bedömningen är inte fullständig: {missing} av överenskommelsens kriterier är inte bedömda",
        },
        /// A criterion assessed as not met needs a written justification to proceed.
        CriterionNotMetUnjustified { criterion: String } => "criterion_not_met_unjustified" {
            en: "the criterion \"{criterion}\" is assessed as not met without a written justification",
            sv: "kriteriet ”{criterion}” är bedömt som inte uppfyllt utan skriftlig motivering",
        },
        AgreementHasNoVersion => "agreement_not_adopted" {
            en: "the agreement has no adopted version whose principles a partnership could realise",
            sv: "överenskommelsen har ingen antagen version vars principer ett partnerskap kan förverkliga",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of a partnership request; each is a 422 naming the field.
    pub enum PartnershipField {
        Required => "required" {
            en: "must not be empty",
            sv: "får inte vara tom",
        },
        TooLong { max: usize } => "too_long" {
            en: "must be at most {max} characters",
            sv: "får vara högst {max} tecken",
        },
        TooMany { max: usize } => "too_many" {
            en: "at most {max} entries",
            sv: "högst {max} poster",
        },
        ListedTwice => "listed_twice" {
            en: "listed more than once",
            sv: "finns med mer än en gång",
        },
        EndBeforeStart => "before_start" {
            en: "cannot be before the start",
            sv: "kan inte ligga före början",
        },
        UnknownPrinciple { number: u32 } => "unknown_principle" {
            en: "the agreement's current version has no principle number {number}",
            sv: "överenskommelsens gällande version har ingen princip nummer {number}",
        },
        NotAParty => "not_a_party" {
            en: "not a public body that is a party to the agreement",
            sv: "inte en offentlig aktör som är part i överenskommelsen",
        },
        NoContribution => "no_contribution" {
            en: "give an amount in öre, an in-kind description, or both",
            sv: "ange ett belopp i öre, en beskrivning av insatsen i annat än pengar, eller båda",
        },
        AmountOutOfRange { max: i64 } => "amount_out_of_range" {
            en: "must be between 0 and {max} öre",
            sv: "måste vara mellan 0 och {max} öre",
        },
        UnknownCriterion => "unknown_criterion" {
            en: "not a criterion of the agreement's list",
            sv: "inte ett kriterium i överenskommelsens lista",
        },
        InFuture => "in_future" {
            en: "cannot be in the future",
            sv: "kan inte ligga i framtiden",
        },
        UnknownOrganization => "unknown_organization" {
            en: "no organisation in the register has this id",
            sv: "ingen organisation i registret har detta id",
        },
    }
}

/// Where a partnership is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum PartnershipState {
    Proposed,
    Assessed,
    Entered,
    Ended,
    NotEntered,
}
crate::enum_text::enum_text!(PartnershipState);

impl Term for PartnershipState {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Proposed => lang.pick("proposed", "föreslaget"),
            Self::Assessed => lang.pick("assessed", "bedömt"),
            Self::Entered => lang.pick("entered", "ingånget"),
            Self::Ended => lang.pick("ended", "avslutat"),
            Self::NotEntered => lang.pick("not entered", "inte ingånget"),
        })
    }
}

impl PartnershipState {
    /// The states the public register lists.
    pub const REGISTERED: [Self; 2] = [Self::Entered, Self::Ended];

    pub fn is_registered(self) -> bool {
        Self::REGISTERED.contains(&self)
    }
}

/// One side's contribution: money (öre), in kind (described), or both.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contribution {
    pub amount_ore: Option<i64>,
    pub in_kind: Option<String>,
}

/// An organisation party, recorded as a signatory of the agreement or not when proposed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationParty {
    pub organization_id: Uuid,
    pub signatory: bool,
}

/// The decision to enter: the deciding body, its date and diary number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub body: String,
    pub date: NaiveDate,
    pub diary_number: String,
}

/// One criterion's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionAssessment {
    /// The criterion's text, as the agreement's list had it when assessed.
    pub criterion: String,
    pub met: bool,
    /// Why it is (not) met; required to proceed when not met.
    pub justification: String,
}

/// The assessment as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub criteria: Vec<CriterionAssessment>,
    pub assessed_on: NaiveDate,
    /// The token subject who recorded it.
    pub by: String,
}

/// What a request gives for a new partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalInput {
    pub public_body_id: Uuid,
    pub organization_ids: Vec<Uuid>,
    pub title: String,
    pub purpose: String,
    pub principles: Vec<u32>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub public_contribution: Contribution,
    pub organization_contribution: Contribution,
}

/// The recorded entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInput {
    pub decision: Decision,
    pub entered_on: NaiveDate,
    /// Where the signed contract is kept (a diary number, an address); never the document.
    pub contract_reference: Option<String>,
}

/// A partnership, as stored (`restore` is building one of these from storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub public_body_id: Uuid,
    pub organizations: Vec<OrganizationParty>,
    pub title: String,
    pub purpose: String,
    pub principles: Vec<u32>,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub public_contribution: Contribution,
    pub organization_contribution: Contribution,
    pub state: PartnershipState,
    pub proposed_on: NaiveDate,
    pub assessment: Option<Assessment>,
    pub decision: Option<Decision>,
    pub entered_on: Option<NaiveDate>,
    pub contract_reference: Option<String>,
    pub ended_on: Option<NaiveDate>,
    /// Why it ended early, or why it was not entered.
    pub reason: Option<String>,
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    if required && value.trim().is_empty() {
        errors.push(PartnershipField::Required.at(field));
    } else if value.chars().count() > max {
        errors.push(PartnershipField::TooLong { max }.at(field));
    }
}

fn invalid(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn contribution(errors: &mut Vec<FieldError>, field: &str, c: &Contribution) -> Contribution {
    let in_kind = trimmed(c.in_kind.clone());
    if c.amount_ore.is_none() && in_kind.is_none() {
        errors.push(PartnershipField::NoContribution.at(field));
    }
    if let Some(a) = c.amount_ore
        && !(0..=AMOUNT_MAX_ORE).contains(&a)
    {
        errors.push(
            PartnershipField::AmountOutOfRange {
                max: AMOUNT_MAX_ORE,
            }
            .at(format!("{field}.amount_ore")),
        );
    }
    if let Some(k) = &in_kind
        && k.chars().count() > TEXT_MAX
    {
        errors.push(PartnershipField::TooLong { max: TEXT_MAX }.at(format!("{field}.in_kind")));
    }
    Contribution {
        amount_ore: c.amount_ore,
        in_kind,
    }
}

impl Partnership {
    /// A new proposed partnership under `agreement`, whose principles must exist in its
    /// current version (`content`); `signatories` are the agreement's signatories today,
    /// so each organisation is recorded as one or not.
    pub fn propose(
        id: Uuid,
        agreement: &Agreement,
        input: ProposalInput,
        content: Option<&VersionContent>,
        signatories: &BTreeSet<Uuid>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let Some(content) = content else {
            return Err(PartnershipRule::AgreementHasNoVersion.into());
        };
        let mut errors = Vec::new();
        text(&mut errors, "title", &input.title, NAME_MAX, true);
        text(&mut errors, "purpose", &input.purpose, TEXT_MAX, true);
        if !agreement.is_party(input.public_body_id) {
            errors.push(PartnershipField::NotAParty.at("public_body_id"));
        }
        if input.organization_ids.is_empty() {
            errors.push(PartnershipField::Required.at("organization_ids"));
        } else if input.organization_ids.len() > PARTIES_MAX {
            errors.push(PartnershipField::TooMany { max: PARTIES_MAX }.at("organization_ids"));
        }
        for (i, id) in input.organization_ids.iter().enumerate() {
            if input.organization_ids[..i].contains(id) {
                errors.push(PartnershipField::ListedTwice.at(format!("organization_ids[{i}]")));
            }
        }
        if input.principles.is_empty() {
            errors.push(PartnershipField::Required.at("principles"));
        } else if input.principles.len() > PARTIES_MAX {
            errors.push(PartnershipField::TooMany { max: PARTIES_MAX }.at("principles"));
        }
        for (i, &number) in input.principles.iter().enumerate() {
            if content.principle(number).is_none() {
                errors.push(
                    PartnershipField::UnknownPrinciple { number }.at(format!("principles[{i}]")),
                );
            } else if input.principles[..i].contains(&number) {
                errors.push(PartnershipField::ListedTwice.at(format!("principles[{i}]")));
            }
        }
        if input.period_to < input.period_from {
            errors.push(PartnershipField::EndBeforeStart.at("period_to"));
        }
        let public_contribution = contribution(
            &mut errors,
            "public_contribution",
            &input.public_contribution,
        );
        let organization_contribution = contribution(
            &mut errors,
            "organization_contribution",
            &input.organization_contribution,
        );
        invalid(errors)?;
        Ok(Self {
            id,
            agreement_id: agreement.id(),
            public_body_id: input.public_body_id,
            organizations: input
                .organization_ids
                .iter()
                .map(|&organization_id| OrganizationParty {
                    organization_id,
                    signatory: signatories.contains(&organization_id),
                })
                .collect(),
            title: input.title.trim().to_owned(),
            purpose: input.purpose.trim().to_owned(),
            principles: input.principles,
            period_from: input.period_from,
            period_to: input.period_to,
            public_contribution,
            organization_contribution,
            state: PartnershipState::Proposed,
            proposed_on: today,
            assessment: None,
            decision: None,
            entered_on: None,
            contract_reference: None,
            ended_on: None,
            reason: None,
        })
    }

    fn transition(&self, to: PartnershipState) -> Result<(), DomainError> {
        use PartnershipState::*;
        let allowed = matches!(
            (self.state, to),
            (Proposed | Assessed, Assessed | NotEntered) | (Assessed, Entered) | (Entered, Ended)
        );
        if allowed {
            Ok(())
        } else {
            Err(PartnershipRule::Transition {
                from: self.state,
                to,
            }
            .into())
        }
    }

    /// Whether the public register lists it: entered or ended.
    pub fn is_public(&self) -> bool {
        self.state.is_registered()
    }

    /// Whether `organization_id` is one of its parties.
    pub fn involves(&self, organization_id: Uuid) -> bool {
        self.organizations
            .iter()
            .any(|o| o.organization_id == organization_id)
    }

    /// Record the assessment against `criteria` (the agreement's list): each entry must name
    /// a criterion of the list, once. It may cover only some criteria, and may be recorded
    /// again until entry; it replaces the one before.
    pub fn assess(
        &mut self,
        entries: Vec<CriterionAssessment>,
        criteria: &[String],
        today: NaiveDate,
        by: &str,
    ) -> Result<(), DomainError> {
        self.transition(PartnershipState::Assessed)?;
        let mut errors = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let field = format!("criteria[{i}]");
            if !criteria.contains(&e.criterion) {
                errors.push(PartnershipField::UnknownCriterion.at(format!("{field}.criterion")));
            } else if entries[..i].iter().any(|o| o.criterion == e.criterion) {
                errors.push(PartnershipField::ListedTwice.at(format!("{field}.criterion")));
            }
            text(
                &mut errors,
                &format!("{field}.justification"),
                &e.justification,
                TEXT_MAX,
                false,
            );
        }
        invalid(errors)?;
        // In the list's order, so a reader sees the criteria as the agreement lists them.
        let mut recorded: Vec<CriterionAssessment> = entries
            .into_iter()
            .map(|e| CriterionAssessment {
                justification: e.justification.trim().to_owned(),
                ..e
            })
            .collect();
        recorded.sort_by_key(|e| criteria.iter().position(|c| *c == e.criterion));
        self.assessment = Some(Assessment {
            criteria: recorded,
            assessed_on: today,
            by: by.to_owned(),
        });
        self.state = PartnershipState::Assessed;
        Ok(())
    }

    /// The criteria of `criteria` (the agreement's list today) the assessment does not cover.
    pub fn unassessed<'a>(&self, criteria: &'a [String]) -> Vec<&'a str> {
        criteria
            .iter()
            .filter(|c| {
                !self
                    .assessment
                    .as_ref()
                    .is_some_and(|a| a.criteria.iter().any(|e| e.criterion == **c))
            })
            .map(String::as_str)
            .collect()
    }

    /// Enter the assessed partnership, by the public body's decision: the assessment must
    /// cover every criterion of `criteria` (the agreement's list today), and each criterion
    /// not met must be justified in writing.
    pub fn enter(
        &mut self,
        input: EntryInput,
        criteria: &[String],
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.transition(PartnershipState::Entered)?;
        let missing = self.unassessed(criteria).len();
        if missing > 0 {
            return Err(PartnershipRule::AssessmentIncomplete { missing }.into());
        }
        if let Some(unjustified) = self.assessment.as_ref().and_then(|a| {
            a.criteria
                .iter()
                .find(|e| !e.met && e.justification.trim().is_empty())
        }) {
            return Err(PartnershipRule::CriterionNotMetUnjustified {
                criterion: unjustified.criterion.clone(),
            }
            .into());
        }
        let mut errors = Vec::new();
        text(
            &mut errors,
            "decision.body",
            &input.decision.body,
            NAME_MAX,
            true,
        );
        text(
            &mut errors,
            "decision.diary_number",
            &input.decision.diary_number,
            NAME_MAX,
            true,
        );
        if let Some(r) = &input.contract_reference {
            text(&mut errors, "contract_reference", r, NAME_MAX, false);
        }
        if input.decision.date > today {
            errors.push(PartnershipField::InFuture.at("decision.date"));
        }
        if input.entered_on > today {
            errors.push(PartnershipField::InFuture.at("entered_on"));
        } else if input.entered_on < input.decision.date {
            errors.push(PartnershipField::EndBeforeStart.at("entered_on"));
        }
        invalid(errors)?;
        self.decision = Some(Decision {
            body: input.decision.body.trim().to_owned(),
            date: input.decision.date,
            diary_number: input.decision.diary_number.trim().to_owned(),
        });
        self.entered_on = Some(input.entered_on);
        self.contract_reference = trimmed(input.contract_reference);
        self.state = PartnershipState::Entered;
        Ok(())
    }

    /// End the entered partnership on `on` (at the end of its period, or early with a reason).
    pub fn end(
        &mut self,
        on: NaiveDate,
        reason: Option<String>,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.transition(PartnershipState::Ended)?;
        let mut errors = Vec::new();
        if on > today {
            errors.push(PartnershipField::InFuture.at("ended_on"));
        } else if self.entered_on.is_some_and(|e| on < e) {
            errors.push(PartnershipField::EndBeforeStart.at("ended_on"));
        }
        if let Some(r) = &reason {
            text(&mut errors, "reason", r, TEXT_MAX, false);
        }
        invalid(errors)?;
        self.ended_on = Some(on);
        self.reason = trimmed(reason);
        self.state = PartnershipState::Ended;
        Ok(())
    }

    /// Record that the partnership is not entered, with the reason.
    pub fn not_enter(&mut self, reason: String) -> Result<(), DomainError> {
        self.transition(PartnershipState::NotEntered)?;
        let mut errors = Vec::new();
        text(&mut errors, "reason", &reason, TEXT_MAX, true);
        invalid(errors)?;
        self.reason = Some(reason.trim().to_owned());
        self.state = PartnershipState::NotEntered;
        Ok(())
    }

    /// The public contribution in öre per calendar year of the period, spread over its days
    /// (a yearly report's total); remainders go to the last year so the sum is the amount.
    pub fn public_money_per_year(&self) -> Vec<(i32, i64)> {
        let Some(amount) = self.public_contribution.amount_ore else {
            return Vec::new();
        };
        let total_days = (self.period_to - self.period_from).num_days() + 1;
        let mut out = Vec::new();
        let mut given = 0i64;
        for year in self.period_from.year()..=self.period_to.year() {
            let start = self
                .period_from
                .max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(self.period_from));
            let end = self
                .period_to
                .min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(self.period_to));
            let days = (end - start).num_days() + 1;
            let share = if year == self.period_to.year() {
                amount - given
            } else {
                i64::try_from(i128::from(amount) * i128::from(days) / i128::from(total_days))
                    .unwrap_or(0)
            };
            given += share;
            out.push((year, share));
        }
        out
    }
}

/// Who proposes and assesses: the agreement's administrators and co-administrators (who,
/// like the public body's administrators, may also record that a partnership is not entered).
pub fn may_run(principal: &Principal, agreement: &Agreement) -> bool {
    agreement::may_run(principal, agreement)
}

/// Who enters and ends a partnership: the administrators of its public body (and platform
/// administrators).
pub fn may_enter(principal: &Principal, partnership: &Partnership) -> bool {
    principal.administers_public_body(partnership.public_body_id)
}

/// Who reads a partnership in every state, with its assessment: those who run the
/// agreement, the public body's administrators, and the representatives of its organisations.
pub fn may_read_all(
    principal: &Principal,
    agreement: &Agreement,
    partnership: &Partnership,
) -> bool {
    may_run(principal, agreement)
        || may_enter(principal, partnership)
        || partnership
            .organizations
            .iter()
            .any(|o| principal.represents(o.organization_id))
}
