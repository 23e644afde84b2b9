//! The stored form of an action plan (`action_plans.document`): everything but the columns
//! beside it (id, agreement, state, period), which are the row's.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use samverkan_domain::action_plan::{
    ActionPlan, Activity, ActivityStatus, AdoptingBody, Due, StatusChange,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{newer_than_known, parse, unreadable, version_of, written};
use crate::error::StoreResult;

const TABLE: &str = "action_plans";
const CURRENT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDocumentV1 {
    document_version: u32,
    title: String,
    adopted_by: Option<BodyV1>,
    adopted_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    activities: Vec<ActivityV1>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum BodyV1 {
    SteeringGroup {
        decision_id: Uuid,
        decision_date: NaiveDate,
    },
    ExternalBody {
        name: String,
        decision_date: NaiveDate,
        diary_number: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityV1 {
    id: Uuid,
    title: String,
    description: String,
    principles: Vec<u32>,
    development_areas: Vec<String>,
    responsible_parties: Vec<String>,
    due_on: Option<NaiveDate>,
    period_from: Option<NaiveDate>,
    period_to: Option<NaiveDate>,
    history: Vec<StatusChangeV1>,
    participants: BTreeSet<Uuid>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChangeV1 {
    status: String,
    on: NaiveDate,
    note: String,
    by: String,
}

pub(crate) fn write_action_plan(p: &ActionPlan) -> StoreResult<String> {
    let doc = PlanDocumentV1 {
        document_version: CURRENT,
        title: p.title.clone(),
        adopted_by: p.adopted_by.as_ref().map(|b| match b.clone() {
            AdoptingBody::SteeringGroup {
                decision_id,
                decision_date,
            } => BodyV1::SteeringGroup {
                decision_id,
                decision_date,
            },
            AdoptingBody::ExternalBody {
                name,
                decision_date,
                diary_number,
            } => BodyV1::ExternalBody {
                name,
                decision_date,
                diary_number,
            },
        }),
        adopted_on: p.adopted_on,
        closed_on: p.closed_on,
        activities: p
            .activities
            .iter()
            .map(|a| {
                let (due_on, period_from, period_to) = match a.due {
                    Due::On(d) => (Some(d), None, None),
                    Due::Period { from, to } => (None, Some(from), Some(to)),
                };
                ActivityV1 {
                    id: a.id,
                    title: a.title.clone(),
                    description: a.description.clone(),
                    principles: a.principles.clone(),
                    development_areas: a.development_areas.clone(),
                    responsible_parties: a.responsible_parties.clone(),
                    due_on,
                    period_from,
                    period_to,
                    history: a
                        .history
                        .iter()
                        .map(|c| StatusChangeV1 {
                            status: c.status.as_str().to_owned(),
                            on: c.on,
                            note: c.note.clone(),
                            by: c.by.clone(),
                        })
                        .collect(),
                    participants: a.participants.clone(),
                }
            })
            .collect(),
    };
    serde_json::to_string(&doc).map_err(written)
}

/// What the document holds of a plan.
pub(crate) struct StoredPlan {
    pub title: String,
    pub adopted_by: Option<AdoptingBody>,
    pub adopted_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub activities: Vec<Activity>,
}

/// The document of row `id`, in any version this build reads.
pub(crate) fn read_action_plan(id: &str, json: &str) -> StoreResult<StoredPlan> {
    let doc = match version_of(TABLE, id, json)? {
        1 => parse::<PlanDocumentV1>(TABLE, id, json)?,
        newer => return Err(newer_than_known(TABLE, id, newer, CURRENT)),
    };
    let bad = |what: &str| unreadable(TABLE, id, what);
    let activities = doc
        .activities
        .into_iter()
        .map(|a| {
            let due = match (a.due_on, a.period_from, a.period_to) {
                (Some(d), None, None) => Due::On(d),
                (None, Some(from), Some(to)) => Due::Period { from, to },
                _ => return Err(bad("has an activity with neither a due date nor a period")),
            };
            let history = a
                .history
                .into_iter()
                .map(|c| {
                    Ok(StatusChange {
                        status: ActivityStatus::parse(&c.status)
                            .ok_or_else(|| bad("has an unknown activity status"))?,
                        on: c.on,
                        note: c.note,
                        by: c.by,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Activity {
                id: a.id,
                title: a.title,
                description: a.description,
                principles: a.principles,
                development_areas: a.development_areas,
                responsible_parties: a.responsible_parties,
                due,
                history,
                participants: a.participants,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(StoredPlan {
        title: doc.title,
        adopted_by: doc.adopted_by.map(|b| match b {
            BodyV1::SteeringGroup {
                decision_id,
                decision_date,
            } => AdoptingBody::SteeringGroup {
                decision_id,
                decision_date,
            },
            BodyV1::ExternalBody {
                name,
                decision_date,
                diary_number,
            } => AdoptingBody::ExternalBody {
                name,
                decision_date,
                diary_number,
            },
        }),
        adopted_on: doc.adopted_on,
        closed_on: doc.closed_on,
        activities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_plan_reads_back_as_written() {
        let plan = ActionPlan {
            id: Uuid::from_u128(1),
            agreement_id: Uuid::from_u128(2),
            title: "Handlingsplan för Östra Göinge".into(),
            period_from: date(2026, 1, 1),
            period_to: date(2026, 12, 31),
            state: samverkan_domain::action_plan::PlanState::Adopted,
            adopted_by: Some(AdoptingBody::ExternalBody {
                name: "Kultur- och fritidsnämnden".into(),
                decision_date: date(2026, 1, 20),
                diary_number: "KFN 2026/0042".into(),
            }),
            adopted_on: Some(date(2026, 2, 1)),
            closed_on: None,
            activities: vec![Activity {
                id: Uuid::from_u128(3),
                title: "Dialogträff".into(),
                description: "Om lokaler för föreningslivet.".into(),
                principles: vec![1, 2],
                development_areas: vec!["Lokaler".into()],
                responsible_parties: vec!["Förvaltningen".into()],
                due: Due::Period {
                    from: date(2026, 3, 1),
                    to: date(2026, 4, 30),
                },
                history: vec![StatusChange {
                    status: ActivityStatus::Planned,
                    on: date(2026, 2, 1),
                    note: String::new(),
                    by: "handläggare-1".into(),
                }],
                participants: [Uuid::from_u128(9)].into(),
            }],
        };
        let json = write_action_plan(&plan).expect("written");
        let read = read_action_plan("1", &json).expect("read");
        assert_eq!(read.title, plan.title);
        assert_eq!(read.adopted_by, plan.adopted_by);
        assert_eq!(read.adopted_on, plan.adopted_on);
        assert_eq!(read.activities, plan.activities);
    }

    #[test]
    fn a_newer_document_is_refused_not_guessed_at() {
        assert!(read_action_plan("1", r#"{"document_version": 2}"#).is_err());
    }
}
