//! Steering groups: configuration, memberships, meetings with attendance, decisions.
//!
//! Functions that write expect to run inside the caller's transaction. A change to the
//! memberships loads the whole group under its row lock (`get_group_for_update`), so that two
//! appointments to the last free seat are decided one after the other.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::DomainError;
use samverkan_domain::steering::{
    Appointer, AppointerKind, Appointment, DecisionKind, DecisionRecord, GroupConfig,
    GroupConfigInput, GroupKind, Meeting, MeetingInput, MemberRole, Membership, Seat, Side,
    SteeringGroup,
};
use uuid::Uuid;

use crate::db::{DbConnection, LockableTable, lock_row};
use crate::error::{StoreError, StoreResult, unique_as};
use crate::schema::{
    steering_attendance, steering_decisions, steering_groups, steering_meetings,
    steering_memberships,
};
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

#[derive(Debug, Clone)]
pub struct GroupRecord {
    pub group: SteeringGroup,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = steering_groups)]
struct GroupRow {
    id: String,
    agreement_id: String,
    name: String,
    kind: String,
    ordinary_seats_per_side: Option<i32>,
    deputies_allowed: bool,
    chair_and_vice_chair_from_different_sides: bool,
    default_term_months: Option<i32>,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = steering_memberships)]
struct MembershipRow {
    id: String,
    person_name: String,
    person_ref: Option<String>,
    title: Option<String>,
    side: String,
    seat: String,
    role: String,
    appointer_kind: String,
    appointer_id: Option<String>,
    appointer_name: Option<String>,
    term_start: NaiveDate,
    term_end: Option<NaiveDate>,
}

impl MembershipRow {
    fn into_membership(self) -> StoreResult<Membership> {
        let bad = || corrupt("steering_memberships");
        let appointer_id = self.appointer_id.as_deref().map(parse_uuid).transpose()?;
        Ok(Membership::restore(
            parse_uuid(&self.id)?,
            Appointment {
                person_name: self.person_name,
                person_ref: self.person_ref,
                title: self.title,
                side: Side::parse(&self.side).ok_or_else(bad)?,
                seat: Seat::parse(&self.seat).ok_or_else(bad)?,
                role: MemberRole::parse(&self.role).ok_or_else(bad)?,
                appointed_by: Appointer::restore(
                    AppointerKind::parse(&self.appointer_kind).ok_or_else(bad)?,
                    appointer_id,
                    self.appointer_name,
                )
                .ok_or_else(bad)?,
                term_start: self.term_start,
                term_end: self.term_end,
            },
        ))
    }
}

fn to_u32(v: Option<i32>) -> StoreResult<Option<u32>> {
    v.map(|n| u32::try_from(n).map_err(|_| corrupt("steering_groups")))
        .transpose()
}

fn to_i32(v: Option<u32>) -> Option<i32> {
    v.and_then(|n| i32::try_from(n).ok())
}

samverkan_domain::rules! {
    /// What only the database can tell about steering groups.
    pub enum GroupStorageRule {
        GroupExists => "steering_group_exists" {
            en: "this agreement already has a steering group; change its configuration instead",
            sv: "överenskommelsen har redan en styrgrupp; ändra dess inställningar i stället",
        },
    }
}

pub fn insert_group(
    conn: &mut DbConnection,
    group: &SteeringGroup,
    now: DateTime<Utc>,
) -> StoreResult<GroupRecord> {
    let c = group.config();
    let now_db = to_db_time(now);
    diesel::insert_into(steering_groups::table)
        .values((
            steering_groups::id.eq(group.id().to_string()),
            steering_groups::agreement_id.eq(group.agreement_id().to_string()),
            steering_groups::name.eq(c.name()),
            steering_groups::kind.eq(c.kind().as_str()),
            steering_groups::ordinary_seats_per_side.eq(to_i32(c.ordinary_seats_per_side())),
            steering_groups::deputies_allowed.eq(c.deputies_allowed()),
            steering_groups::chair_and_vice_chair_from_different_sides
                .eq(c.chair_and_vice_chair_from_different_sides()),
            steering_groups::default_term_months.eq(to_i32(c.default_term_months())),
            steering_groups::row_version.eq(1),
            steering_groups::created_at.eq(now_db),
            steering_groups::updated_at.eq(now_db),
        ))
        .execute(conn)
        .map_err(|e| unique_as(e, || DomainError::from(GroupStorageRule::GroupExists)))?;
    for m in group.memberships() {
        insert_membership(conn, group.id(), m, now)?;
    }
    get_group_of_agreement(conn, group.agreement_id())
}

/// The agreement's group with every membership, past and future.
pub fn get_group_of_agreement(
    conn: &mut DbConnection,
    agreement_id: Uuid,
) -> StoreResult<GroupRecord> {
    let row: GroupRow = steering_groups::table
        .filter(steering_groups::agreement_id.eq(agreement_id.to_string()))
        .select(GroupRow::as_select())
        .first(conn)?;
    let memberships = steering_memberships::table
        .filter(steering_memberships::group_id.eq(&row.id))
        .order((steering_memberships::term_start, steering_memberships::id))
        .select(MembershipRow::as_select())
        .load::<MembershipRow>(conn)?
        .into_iter()
        .map(MembershipRow::into_membership)
        .collect::<StoreResult<Vec<_>>>()?;
    let config = GroupConfig::restore(GroupConfigInput {
        name: row.name,
        kind: GroupKind::parse(&row.kind).ok_or_else(|| corrupt("steering_groups.kind"))?,
        ordinary_seats_per_side: to_u32(row.ordinary_seats_per_side)?,
        deputies_allowed: row.deputies_allowed,
        chair_and_vice_chair_from_different_sides: row.chair_and_vice_chair_from_different_sides,
        default_term_months: to_u32(row.default_term_months)?,
    });
    Ok(GroupRecord {
        group: SteeringGroup::restore(
            parse_uuid(&row.id)?,
            parse_uuid(&row.agreement_id)?,
            config,
            memberships,
        ),
        row_version: row.row_version,
        created_at: to_utc(row.created_at),
        updated_at: to_utc(row.updated_at),
    })
}

/// Loads the group for a change, holding its row lock until the transaction ends.
pub fn get_group_for_update(
    conn: &mut DbConnection,
    agreement_id: Uuid,
) -> StoreResult<GroupRecord> {
    let id: String = steering_groups::table
        .filter(steering_groups::agreement_id.eq(agreement_id.to_string()))
        .select(steering_groups::id)
        .first(conn)?;
    lock_row(conn, LockableTable::SteeringGroups, &id)?;
    get_group_of_agreement(conn, agreement_id)
}

/// Saves a new configuration; `expected_version` from `If-Match`.
pub fn update_config(
    conn: &mut DbConnection,
    group: &SteeringGroup,
    expected_version: i64,
    now: DateTime<Utc>,
) -> StoreResult<GroupRecord> {
    let c = group.config();
    let n = diesel::update(
        steering_groups::table
            .filter(steering_groups::id.eq(group.id().to_string()))
            .filter(steering_groups::row_version.eq(expected_version)),
    )
    .set((
        steering_groups::name.eq(c.name()),
        steering_groups::kind.eq(c.kind().as_str()),
        steering_groups::ordinary_seats_per_side.eq(to_i32(c.ordinary_seats_per_side())),
        steering_groups::deputies_allowed.eq(c.deputies_allowed()),
        steering_groups::chair_and_vice_chair_from_different_sides
            .eq(c.chair_and_vice_chair_from_different_sides()),
        steering_groups::default_term_months.eq(to_i32(c.default_term_months())),
        steering_groups::row_version.eq(steering_groups::row_version + 1),
        steering_groups::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    get_group_of_agreement(conn, group.agreement_id())
}

pub fn insert_membership(
    conn: &mut DbConnection,
    group_id: Uuid,
    m: &Membership,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(steering_memberships::table)
        .values((
            steering_memberships::id.eq(m.id().to_string()),
            steering_memberships::group_id.eq(group_id.to_string()),
            steering_memberships::person_name.eq(m.person_name()),
            steering_memberships::person_ref.eq(m.person_ref()),
            steering_memberships::title.eq(m.title()),
            steering_memberships::side.eq(m.side().as_str()),
            steering_memberships::seat.eq(m.seat().as_str()),
            steering_memberships::role.eq(m.role().as_str()),
            steering_memberships::appointer_kind.eq(m.appointed_by().kind().as_str()),
            steering_memberships::appointer_id.eq(m.appointed_by().id().map(|id| id.to_string())),
            steering_memberships::appointer_name.eq(m.appointed_by().name()),
            steering_memberships::term_start.eq(m.term_start()),
            steering_memberships::term_end.eq(m.term_end()),
            steering_memberships::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_term_end(
    conn: &mut DbConnection,
    membership_id: Uuid,
    term_end: Option<NaiveDate>,
) -> StoreResult<()> {
    diesel::update(steering_memberships::table.find(membership_id.to_string()))
        .set(steering_memberships::term_end.eq(term_end))
        .execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------- meetings

pub fn insert_meeting(conn: &mut DbConnection, m: &Meeting, now: DateTime<Utc>) -> StoreResult<()> {
    diesel::insert_into(steering_meetings::table)
        .values((
            steering_meetings::id.eq(m.id().to_string()),
            steering_meetings::group_id.eq(m.group_id().to_string()),
            steering_meetings::date.eq(m.date()),
            steering_meetings::minutes_reference.eq(m.minutes_reference()),
            steering_meetings::created_at.eq(to_db_time(now)),
            steering_meetings::planned.eq(m.is_planned()),
        ))
        .execute(conn)?;
    insert_attendance(conn, m)
}

/// A planned meeting marked held: its minutes and attendance.
pub fn hold_meeting(conn: &mut DbConnection, m: &Meeting) -> StoreResult<()> {
    let updated = diesel::update(
        steering_meetings::table
            .filter(steering_meetings::id.eq(m.id().to_string()))
            .filter(steering_meetings::planned.eq(true)),
    )
    .set((
        steering_meetings::planned.eq(false),
        steering_meetings::minutes_reference.eq(m.minutes_reference()),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Err(StoreError::NotFound);
    }
    insert_attendance(conn, m)
}

fn insert_attendance(conn: &mut DbConnection, m: &Meeting) -> StoreResult<()> {
    for present in m.present() {
        diesel::insert_into(steering_attendance::table)
            .values((
                steering_attendance::meeting_id.eq(m.id().to_string()),
                steering_attendance::membership_id.eq(present.to_string()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn meetings_where(
    conn: &mut DbConnection,
    group_id: Uuid,
    only: Option<Uuid>,
) -> StoreResult<Vec<Meeting>> {
    let mut query = steering_meetings::table
        .filter(steering_meetings::group_id.eq(group_id.to_string()))
        .select((
            steering_meetings::id,
            steering_meetings::date,
            steering_meetings::minutes_reference,
            steering_meetings::planned,
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(steering_meetings::id.eq(id.to_string()));
    }
    let rows: Vec<(String, NaiveDate, Option<String>, bool)> = query
        .order((steering_meetings::date, steering_meetings::id))
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let attendance: Vec<(String, String)> = steering_attendance::table
        .filter(steering_attendance::meeting_id.eq_any(&ids))
        .select((
            steering_attendance::meeting_id,
            steering_attendance::membership_id,
        ))
        .order((
            steering_attendance::meeting_id,
            steering_attendance::membership_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, date, minutes_reference, planned)| {
            if planned {
                return Ok(Meeting::restore_planned(parse_uuid(&id)?, group_id, date));
            }
            let present = attendance
                .iter()
                .filter(|(m, _)| *m == id)
                .map(|(_, p)| parse_uuid(p))
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Meeting::restore(
                parse_uuid(&id)?,
                group_id,
                MeetingInput {
                    date,
                    present,
                    minutes_reference,
                },
            ))
        })
        .collect()
}

/// Every meeting of the group, oldest first.
pub fn meetings_of(conn: &mut DbConnection, group_id: Uuid) -> StoreResult<Vec<Meeting>> {
    meetings_where(conn, group_id, None)
}

pub fn get_meeting(conn: &mut DbConnection, group_id: Uuid, id: Uuid) -> StoreResult<Meeting> {
    meetings_where(conn, group_id, Some(id))?
        .pop()
        .ok_or(StoreError::NotFound)
}

// ---------------------------------------------------------------- decisions

pub fn insert_decision(
    conn: &mut DbConnection,
    d: &DecisionRecord,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::insert_into(steering_decisions::table)
        .values((
            steering_decisions::id.eq(d.id.to_string()),
            steering_decisions::group_id.eq(d.group_id.to_string()),
            steering_decisions::agreement_id.eq(d.agreement_id.to_string()),
            steering_decisions::meeting_id.eq(d.meeting_id.to_string()),
            steering_decisions::kind.eq(d.kind.as_str()),
            steering_decisions::subject.eq(&d.subject),
            steering_decisions::subject_id.eq(d.subject_id.map(|id| id.to_string())),
            steering_decisions::text.eq(&d.text),
            steering_decisions::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

type DecisionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

fn decision_of(row: DecisionRow, meeting_date: NaiveDate) -> StoreResult<DecisionRecord> {
    let (id, group_id, agreement_id, meeting_id, kind, subject, subject_id, text) = row;
    Ok(DecisionRecord {
        id: parse_uuid(&id)?,
        agreement_id: parse_uuid(&agreement_id)?,
        group_id: parse_uuid(&group_id)?,
        meeting_id: parse_uuid(&meeting_id)?,
        meeting_date,
        kind: DecisionKind::parse(&kind).ok_or_else(|| corrupt("steering_decisions.kind"))?,
        subject,
        subject_id: subject_id.as_deref().map(parse_uuid).transpose()?,
        text,
    })
}

/// Decisions of the group (or of one meeting), in the order they were recorded.
pub fn decisions_of(
    conn: &mut DbConnection,
    group_id: Uuid,
    meeting: Option<Uuid>,
) -> StoreResult<Vec<DecisionRecord>> {
    let mut query = steering_decisions::table
        .inner_join(
            steering_meetings::table.on(steering_meetings::id.eq(steering_decisions::meeting_id)),
        )
        .filter(steering_decisions::group_id.eq(group_id.to_string()))
        .select((
            (
                steering_decisions::id,
                steering_decisions::group_id,
                steering_decisions::agreement_id,
                steering_decisions::meeting_id,
                steering_decisions::kind,
                steering_decisions::subject,
                steering_decisions::subject_id,
                steering_decisions::text,
            ),
            steering_meetings::date,
        ))
        .into_boxed();
    if let Some(m) = meeting {
        query = query.filter(steering_decisions::meeting_id.eq(m.to_string()));
    }
    query
        .order(steering_decisions::id)
        .load::<(DecisionRow, NaiveDate)>(conn)?
        .into_iter()
        .map(|(row, date)| decision_of(row, date))
        .collect()
}

/// One decision by id, wherever it was taken (accessions cite decisions by id).
pub fn get_decision(conn: &mut DbConnection, id: Uuid) -> StoreResult<DecisionRecord> {
    let (row, date) = steering_decisions::table
        .inner_join(
            steering_meetings::table.on(steering_meetings::id.eq(steering_decisions::meeting_id)),
        )
        .filter(steering_decisions::id.eq(id.to_string()))
        .select((
            (
                steering_decisions::id,
                steering_decisions::group_id,
                steering_decisions::agreement_id,
                steering_decisions::meeting_id,
                steering_decisions::kind,
                steering_decisions::subject,
                steering_decisions::subject_id,
                steering_decisions::text,
            ),
            steering_meetings::date,
        ))
        .first::<(DecisionRow, NaiveDate)>(conn)?;
    decision_of(row, date)
}

/// The groups in which the account `person_ref` holds or held a membership, whole (the
/// caller decides which seat counts on which date).
pub fn groups_with_member(
    conn: &mut DbConnection,
    person_ref: &str,
) -> StoreResult<Vec<GroupRecord>> {
    let agreement_ids: Vec<String> = steering_groups::table
        .filter(
            steering_groups::id.eq_any(
                steering_memberships::table
                    .filter(steering_memberships::person_ref.eq(person_ref))
                    .select(steering_memberships::group_id),
            ),
        )
        .order(steering_groups::id.asc())
        .select(steering_groups::agreement_id)
        .load(conn)?;
    agreement_ids
        .iter()
        .map(|id| get_group_of_agreement(conn, parse_uuid(id)?))
        .collect()
}
