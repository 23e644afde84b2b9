//! Action plans (handlingsplaner, samverkansplaner): what the parties do after adoption.
//!
//! Eslöv's samverkansplan, Södertälje's development plan, Lund's yearly action plan approved
//! by a political committee, Kristianstad's timed plan decided by the steering group and
//! Blekinge's yearly plan decided by the partnership. A plan belongs to an agreement, covers
//! a period (both days inclusive) and moves `draft` → `adopted` → `closed`, each step an
//! operation of its own. Only one adopted plan covers any given day; a new plan may be
//! drafted while the current one runs.
//!
//! An activity serves principles (by number) and development areas (by title) of the
//! agreement's current version, names its responsible parties, is due on a day or over a
//! period, and moves `planned` → `in_progress` → `done` / `cancelled` with a dated note at
//! each change. Participation is voluntary: each signatory opts itself in or out.

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Principal, Role};
use crate::agreement::{self, Agreement, VersionContent};
use crate::error::{DomainError, FieldError, Lang, Term};
use crate::steering::SteeringGroup;

/// Longest plan title, activity title, body name, diary number and responsible party.
pub const NAME_MAX: usize = 300;
/// Longest activity description and status note.
pub const TEXT_MAX: usize = 10_000;
/// Most activities in one plan, and most references or parties in one activity.
pub const ACTIVITIES_MAX: usize = 200;
pub const REFERENCES_MAX: usize = 50;

crate::rules! {
    /// What the state of a plan or its agreement forbids; each is a 409 with its `code`.
    pub enum ActionPlanRule {
        /// Only one adopted plan covers any given day.
        PlanPeriodOverlaps { from: NaiveDate, to: NaiveDate } => "action_plan_overlaps" {
            en: "another adopted action plan already covers {from} to {to}; only one adopted plan covers any given day",
            sv: "en annan antagen handlingsplan gäller redan {from}–{to}; bara en antagen plan gäller en given dag",
        },
        NotDraft { state: PlanState } => "action_plan_not_draft" {
            en: "only a draft action plan can be adopted or changed this way; this one is {state}",
            sv: "bara ett utkast till handlingsplan kan antas eller ändras så; den här är {state}",
        },
        NotAdopted { state: PlanState } => "action_plan_not_adopted" {
            en: "only an adopted action plan can be closed; this one is {state}",
            sv: "bara en antagen handlingsplan kan avslutas; den här är {state}",
        },
        PlanClosed => "action_plan_closed" {
            en: "the action plan is closed: its activities no longer change",
            sv: "handlingsplanen är avslutad: dess aktiviteter ändras inte längre",
        },
        /// `planned` → `in_progress` → `done` / `cancelled`; `planned` may also be cancelled
        /// or done directly.
        StatusTransition { from: ActivityStatus, to: ActivityStatus } => "activity_status_transition" {
            en: "an activity cannot go from {from} to {to}",
            sv: "en aktivitet kan inte gå från {from} till {to}",
        },
        UnknownActivity => "unknown_activity" {
            en: "the action plan has no such activity",
            sv: "handlingsplanen har ingen sådan aktivitet",
        },
        /// Participation is for the agreement's signatories.
        NotSignatory => "not_signatory" {
            en: "the organisation is not a current signatory of the agreement",
            sv: "organisationen är inte undertecknare av överenskommelsen i dag",
        },
        AgreementHasNoVersion => "agreement_not_adopted" {
            en: "the agreement has no adopted version whose principles an activity could serve",
            sv: "överenskommelsen har ingen antagen version vars principer en aktivitet kan tjäna",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of an action-plan request; each is a 422 naming the field.
    pub enum ActionPlanField {
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
        EndBeforeStart => "before_start" {
            en: "the period cannot end before it starts",
            sv: "perioden kan inte sluta innan den börjar",
        },
        UnknownPrinciple { number: u32 } => "unknown_principle" {
            en: "the agreement's current version has no principle number {number}",
            sv: "överenskommelsens gällande version har ingen princip nummer {number}",
        },
        UnknownDevelopmentArea { title: String } => "unknown_development_area" {
            en: "the agreement's current version has no development area titled {title}",
            sv: "överenskommelsens gällande version har inget utvecklingsområde med rubriken {title}",
        },
        DueOrPeriod => "due_or_period" {
            en: "give either a due date or a period (from and to), not both",
            sv: "ange antingen ett slutdatum eller en period (från och till), inte båda",
        },
        /// The cited steering-group decision is not a valid `adopt_action_plan` decision of
        /// this agreement's group.
        DecisionNotCited => "decision_not_cited" {
            en: "not a recorded, valid decision of kind adopt_action_plan of this agreement's steering group",
            sv: "inte ett registrerat, giltigt beslut av slaget ”anta handlingsplan” av den här överenskommelsens styrgrupp",
        },
        /// A plan is adopted on or after its decision.
        BeforeDecision { decision_date: NaiveDate } => "before_decision" {
            en: "the plan cannot be adopted before the decision of {decision_date}",
            sv: "planen kan inte antas före beslutet den {decision_date}",
        },
        StatusDateBeforeLast { last: NaiveDate } => "before_last_change" {
            en: "the last change of status was on {last}; a change cannot be dated before it",
            sv: "den senaste statusändringen var {last}; en ändring kan inte dateras före den",
        },
        InFuture => "in_future" {
            en: "cannot be in the future",
            sv: "kan inte ligga i framtiden",
        },
    }
}

macro_rules! snake_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident => $en:literal, $sv:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        #[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($v),* }

        impl Term for $name {
            fn term(&self, lang: Lang) -> Cow<'_, str> {
                Cow::Borrowed(match self { $(Self::$v => lang.pick($en, $sv)),* })
            }
        }
    };
}

snake_enum!(
    /// Where a plan is in its life.
    PlanState {
        Draft => "draft", "utkast",
        Adopted => "adopted", "antagen",
        Closed => "closed", "avslutad",
    }
);
crate::enum_text::enum_text!(PlanState);

snake_enum!(
    /// Where an activity is.
    ActivityStatus {
        Planned => "planned", "planerad",
        InProgress => "in_progress", "pågående",
        Done => "done", "genomförd",
        Cancelled => "cancelled", "inställd",
    }
);
crate::enum_text::enum_text!(ActivityStatus);

/// The body that adopted a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdoptingBody {
    /// The agreement's steering group, by a recorded valid decision of kind
    /// `adopt_action_plan` (Kristianstad, Blekinge).
    SteeringGroup {
        decision_id: Uuid,
        decision_date: NaiveDate,
    },
    /// A body outside the agreement (Lund: a political committee).
    ExternalBody {
        name: String,
        decision_date: NaiveDate,
        diary_number: String,
    },
}

impl AdoptingBody {
    pub fn decision_date(&self) -> NaiveDate {
        match self {
            Self::SteeringGroup { decision_date, .. }
            | Self::ExternalBody { decision_date, .. } => *decision_date,
        }
    }
}

/// A change of an activity's status, with its date and note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: ActivityStatus,
    pub on: NaiveDate,
    pub note: String,
    /// The token subject who recorded it.
    pub by: String,
}

/// When an activity is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    On(NaiveDate),
    Period { from: NaiveDate, to: NaiveDate },
}

/// What a request gives for a new activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub title: String,
    pub description: String,
    pub principles: Vec<u32>,
    pub development_areas: Vec<String>,
    pub responsible_parties: Vec<String>,
    pub due_on: Option<NaiveDate>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub principles: Vec<u32>,
    pub development_areas: Vec<String>,
    pub responsible_parties: Vec<String>,
    pub due: Due,
    /// Every status the activity has had, oldest first; the first is `planned`.
    pub history: Vec<StatusChange>,
    /// The organisations that opted in.
    pub participants: BTreeSet<Uuid>,
}

impl Activity {
    pub fn status(&self) -> ActivityStatus {
        self.history
            .last()
            .map_or(ActivityStatus::Planned, |c| c.status)
    }
}

/// What a request gives for a new plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

/// The stored form of a plan, for `ActionPlan::restore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPlan {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub title: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub state: PlanState,
    pub adopted_by: Option<AdoptingBody>,
    pub adopted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub activities: Vec<Activity>,
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize, required: bool) {
    if required && value.trim().is_empty() {
        errors.push(ActionPlanField::Required.at(field));
    } else if value.chars().count() > max {
        errors.push(ActionPlanField::TooLong { max }.at(field));
    }
}

fn invalid(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

impl ActionPlan {
    /// A new draft plan for the agreement.
    pub fn draft(id: Uuid, agreement_id: Uuid, input: PlanInput) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        text(&mut errors, "title", &input.title, NAME_MAX, true);
        if input.period_to < input.period_from {
            errors.push(ActionPlanField::EndBeforeStart.at("period_to"));
        }
        invalid(errors)?;
        Ok(Self {
            id,
            agreement_id,
            title: input.title.trim().to_owned(),
            period_from: input.period_from,
            period_to: input.period_to,
            state: PlanState::Draft,
            adopted_by: None,
            adopted_on: None,
            closed_on: None,
            activities: Vec::new(),
        })
    }

    /// Whether the public sees the plan: once adopted (and after closing). A draft, and what
    /// is done to it, stays with the plan's editors ([`may_edit`]).
    pub fn is_public(&self) -> bool {
        self.state != PlanState::Draft
    }

    /// Whether the plan covers `day` (both ends inclusive).
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.period_from <= day && day <= self.period_to
    }

    fn overlaps(&self, other: &Self) -> bool {
        self.period_from <= other.period_to && other.period_from <= self.period_to
    }

    /// Adopt the draft by `body`, on `on`: no other adopted plan of the agreement may cover
    /// any of its days (`others` are the agreement's other plans). A steering-group body
    /// is checked by the caller with [`check_steering_decision`] first.
    pub fn adopt(
        &mut self,
        body: AdoptingBody,
        on: NaiveDate,
        today: NaiveDate,
        others: &[ActionPlan],
    ) -> Result<(), DomainError> {
        if self.state != PlanState::Draft {
            return Err(ActionPlanRule::NotDraft { state: self.state }.into());
        }
        let mut errors = Vec::new();
        if let AdoptingBody::ExternalBody {
            name, diary_number, ..
        } = &body
        {
            text(&mut errors, "adopted_by.name", name, NAME_MAX, true);
            text(
                &mut errors,
                "adopted_by.diary_number",
                diary_number,
                NAME_MAX,
                true,
            );
        }
        if on > today {
            errors.push(ActionPlanField::InFuture.at("adopted_on"));
        } else if on < body.decision_date() {
            errors.push(
                ActionPlanField::BeforeDecision {
                    decision_date: body.decision_date(),
                }
                .at("adopted_on"),
            );
        }
        invalid(errors)?;
        if let Some(other) = others
            .iter()
            .find(|o| o.id != self.id && o.state == PlanState::Adopted && o.overlaps(self))
        {
            return Err(ActionPlanRule::PlanPeriodOverlaps {
                from: other.period_from,
                to: other.period_to,
            }
            .into());
        }
        self.adopted_by = Some(match body {
            AdoptingBody::ExternalBody {
                name,
                decision_date,
                diary_number,
            } => AdoptingBody::ExternalBody {
                name: name.trim().to_owned(),
                decision_date,
                diary_number: diary_number.trim().to_owned(),
            },
            b => b,
        });
        self.adopted_on = Some(on);
        self.state = PlanState::Adopted;
        Ok(())
    }

    /// Close the adopted plan on `on`: it no longer counts against another plan's days
    /// from then, and its activities no longer change.
    pub fn close(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        if self.state != PlanState::Adopted {
            return Err(ActionPlanRule::NotAdopted { state: self.state }.into());
        }
        if on > today {
            return Err(DomainError::Invalid(vec![
                ActionPlanField::InFuture.at("closed_on"),
            ]));
        }
        if self.adopted_on.is_some_and(|a| on < a) {
            return Err(DomainError::Invalid(vec![
                ActionPlanField::EndBeforeStart.at("closed_on"),
            ]));
        }
        self.closed_on = Some(on);
        self.state = PlanState::Closed;
        Ok(())
    }

    fn require_open(&self) -> Result<(), DomainError> {
        if self.state == PlanState::Closed {
            Err(ActionPlanRule::PlanClosed.into())
        } else {
            Ok(())
        }
    }

    /// Add an activity whose references exist in `content` (the agreement's current
    /// version); it starts `planned`, dated `today`.
    pub fn add_activity(
        &mut self,
        id: Uuid,
        input: ActivityInput,
        content: Option<&VersionContent>,
        today: NaiveDate,
        by: &str,
    ) -> Result<&Activity, DomainError> {
        self.require_open()?;
        let Some(content) = content else {
            return Err(ActionPlanRule::AgreementHasNoVersion.into());
        };
        let mut errors = Vec::new();
        text(&mut errors, "title", &input.title, NAME_MAX, true);
        text(
            &mut errors,
            "description",
            &input.description,
            TEXT_MAX,
            false,
        );
        if self.activities.len() >= ACTIVITIES_MAX {
            errors.push(
                ActionPlanField::TooMany {
                    max: ACTIVITIES_MAX,
                }
                .at("activities"),
            );
        }
        for (field, len) in [
            ("principles", input.principles.len()),
            ("development_areas", input.development_areas.len()),
            ("responsible_parties", input.responsible_parties.len()),
        ] {
            if len > REFERENCES_MAX {
                errors.push(
                    ActionPlanField::TooMany {
                        max: REFERENCES_MAX,
                    }
                    .at(field),
                );
            }
        }
        for (i, &number) in input.principles.iter().enumerate() {
            if content.principle(number).is_none() {
                errors.push(
                    ActionPlanField::UnknownPrinciple { number }.at(format!("principles[{i}]")),
                );
            }
        }
        for (i, title) in input.development_areas.iter().enumerate() {
            if !content.development_areas.iter().any(|a| a.title == *title) {
                errors.push(
                    ActionPlanField::UnknownDevelopmentArea {
                        title: title.clone(),
                    }
                    .at(format!("development_areas[{i}]")),
                );
            }
        }
        for (i, party) in input.responsible_parties.iter().enumerate() {
            text(
                &mut errors,
                &format!("responsible_parties[{i}]"),
                party,
                NAME_MAX,
                true,
            );
        }
        let due = match (input.due_on, input.period_from, input.period_to) {
            (Some(d), None, None) => Some(Due::On(d)),
            (None, Some(from), Some(to)) => {
                if to < from {
                    errors.push(ActionPlanField::EndBeforeStart.at("period_to"));
                }
                Some(Due::Period { from, to })
            }
            _ => {
                errors.push(ActionPlanField::DueOrPeriod.at("due_on"));
                None
            }
        };
        invalid(errors)?;
        let due = due.expect("checked above");
        self.activities.push(Activity {
            id,
            title: input.title.trim().to_owned(),
            description: input.description,
            principles: input.principles,
            development_areas: input.development_areas,
            responsible_parties: input
                .responsible_parties
                .iter()
                .map(|p| p.trim().to_owned())
                .collect(),
            due,
            history: vec![StatusChange {
                status: ActivityStatus::Planned,
                on: today,
                note: String::new(),
                by: by.to_owned(),
            }],
            participants: BTreeSet::new(),
        });
        Ok(self.activities.last().expect("just pushed"))
    }

    fn activity_mut(&mut self, activity_id: Uuid) -> Result<&mut Activity, DomainError> {
        self.require_open()?;
        self.activities
            .iter_mut()
            .find(|a| a.id == activity_id)
            .ok_or_else(|| ActionPlanRule::UnknownActivity.into())
    }

    /// Move an activity to `to`, dated `on` with `note`.
    pub fn change_activity_status(
        &mut self,
        activity_id: Uuid,
        change: StatusChange,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        let activity = self.activity_mut(activity_id)?;
        let from = activity.status();
        let allowed = matches!(
            (from, change.status),
            (ActivityStatus::Planned, ActivityStatus::InProgress)
                | (
                    ActivityStatus::Planned | ActivityStatus::InProgress,
                    ActivityStatus::Done | ActivityStatus::Cancelled
                )
        );
        if !allowed {
            return Err(ActionPlanRule::StatusTransition {
                from,
                to: change.status,
            }
            .into());
        }
        let mut errors = Vec::new();
        text(&mut errors, "note", &change.note, TEXT_MAX, true);
        let last = activity.history.last().map(|c| c.on);
        if change.on > today {
            errors.push(ActionPlanField::InFuture.at("on"));
        } else if let Some(last) = last.filter(|l| change.on < *l) {
            errors.push(ActionPlanField::StatusDateBeforeLast { last }.at("on"));
        }
        invalid(errors)?;
        activity.history.push(StatusChange {
            note: change.note.trim().to_owned(),
            ..change
        });
        Ok(())
    }

    /// Opt `organization_id` in or out of an activity (`signatories` are the agreement's
    /// current signatories). Returns whether anything changed.
    pub fn set_participation(
        &mut self,
        activity_id: Uuid,
        organization_id: Uuid,
        participating: bool,
        signatories: &BTreeSet<Uuid>,
    ) -> Result<bool, DomainError> {
        let activity = self.activity_mut(activity_id)?;
        if participating && !signatories.contains(&organization_id) {
            return Err(ActionPlanRule::NotSignatory.into());
        }
        Ok(if participating {
            activity.participants.insert(organization_id)
        } else {
            activity.participants.remove(&organization_id)
        })
    }
}

/// When the next plan is due: `months` after the start of the latest plan adopted (in force
/// or closed), overdue once that day has passed; nothing before a first plan is adopted or
/// without a cadence. Its `last_done_on` is the latest plan's adoption.
pub fn next_plan_due(
    plans: &[ActionPlan],
    months: Option<u32>,
    today: NaiveDate,
) -> Option<agreement::DueItem> {
    let months = months.filter(|&m| m > 0)?;
    let latest = plans
        .iter()
        .filter(|p| p.state != PlanState::Draft)
        .max_by_key(|p| (p.period_from, p.id))?;
    let due_on =
        agreement::add_months(latest.period_from, months).filter(|d| crate::dates::accepted(*d))?;
    Some(agreement::DueItem {
        kind: agreement::DueKind::ActionPlan,
        due_on,
        overdue: due_on < today,
        last_done_on: latest.adopted_on,
    })
}

/// Whether a cited steering-group decision may adopt a plan: of this agreement's group,
/// of kind `adopt_action_plan`, and valid (balanced and quorate) on the current records.
pub fn check_steering_decision(
    agreement_id: Uuid,
    decision: &crate::steering::Decision,
    valid: bool,
) -> Result<AdoptingBody, DomainError> {
    if decision.agreement_id() != agreement_id
        || decision.kind() != crate::steering::DecisionKind::AdoptActionPlan
        || !valid
    {
        return Err(DomainError::Invalid(vec![
            ActionPlanField::DecisionNotCited.at("adopted_by.decision_id"),
        ]));
    }
    Ok(AdoptingBody::SteeringGroup {
        decision_id: decision.id(),
        decision_date: decision.meeting_date(),
    })
}

/// Who edits an agreement's plans: its administrators, co-administrators, and the members
/// seated on its steering group today.
pub fn may_edit(
    principal: &Principal,
    agreement: &Agreement,
    group: Option<&SteeringGroup>,
    today: NaiveDate,
) -> bool {
    agreement::may_run(principal, agreement)
        || (principal.has(Role::SteeringMember)
            && group.is_some_and(|g| g.sits_on(&principal.sub, today)))
}

/// Who opts `organization_id` in or out: its own representatives, and the agreement's
/// administrators on its behalf.
pub fn may_set_participation(
    principal: &Principal,
    agreement: &Agreement,
    organization_id: Uuid,
) -> bool {
    principal.represents(organization_id) || agreement::may_administer(principal, agreement)
}
