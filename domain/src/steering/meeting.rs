//! Meetings, quorum and decisions. A decision exists only if it was valid: the one way to
//! make a `Decision` is `SteeringGroup::record_decision`, which refuses it at a meeting that
//! was not quorate or of a group that was not balanced on the meeting's date.

use chrono::NaiveDate;
use uuid::Uuid;

use super::group::{Seat, Side, SteeringGroup};
use super::{
    DECISION_TEXT_MAX, DecisionKind, MINUTES_REFERENCE_MAX, SUBJECT_MAX, SteeringField,
    SteeringRule,
};
use crate::error::{CommonField, DomainError, FieldError, Validator};

/// A meeting as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    pub date: NaiveDate,
    /// Membership ids of the members present, adjuncts and deputies included.
    pub present: Vec<Uuid>,
    pub minutes_reference: Option<String>,
}

/// A recorded meeting, made by `SteeringGroup::record_meeting`; attendance is kept as
/// membership ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    id: Uuid,
    group_id: Uuid,
    date: NaiveDate,
    present: Vec<Uuid>,
    minutes_reference: Option<String>,
    /// Planned for its date, not yet held: no attendance, no minutes, no decisions.
    planned: bool,
}

impl Meeting {
    /// A stored planned meeting, read back.
    pub fn restore_planned(id: Uuid, group_id: Uuid, date: NaiveDate) -> Self {
        Self {
            id,
            group_id,
            date,
            present: Vec::new(),
            minutes_reference: None,
            planned: true,
        }
    }

    /// Planned, not yet held.
    pub fn is_planned(&self) -> bool {
        self.planned
    }

    /// A stored meeting, read back: trusted stored data, not a way around the rules.
    pub fn restore(id: Uuid, group_id: Uuid, stored: MeetingInput) -> Self {
        Self {
            id,
            group_id,
            date: stored.date,
            present: stored.present,
            minutes_reference: stored.minutes_reference,
            planned: false,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn group_id(&self) -> Uuid {
        self.group_id
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Membership ids of the members present.
    pub fn present(&self) -> &[Uuid] {
        &self.present
    }

    /// Where the minutes are (e.g. "Protokoll 2024-03-12 § 4").
    pub fn minutes_reference(&self) -> Option<&str> {
        self.minutes_reference.as_deref()
    }
}

/// One side's count at a meeting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SideQuorum {
    pub ordinary_in_office: u32,
    pub ordinary_present: u32,
    pub deputies_present: u32,
    /// Present deputies that count: at most one for each absent ordinary member of the same
    /// side. A deputy does not fill a vacant seat, only an absent member's.
    pub deputies_standing_in: u32,
    /// Present, and never counted.
    pub adjuncts_present: u32,
    /// `ordinary_present + deputies_standing_in`.
    pub voting: u32,
    /// See `GroupConfig::required_per_side`.
    pub required: u32,
    pub quorate: bool,
}

/// Whether a meeting could decide: each side separately must reach its required count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    pub date: NaiveDate,
    pub public_sector: SideQuorum,
    pub civil_society: SideQuorum,
    pub quorate: bool,
}

impl Quorum {
    pub fn side(&self, side: Side) -> &SideQuorum {
        match side {
            Side::PublicSector => &self.public_sector,
            Side::CivilSociety => &self.civil_society,
        }
    }
}

/// A decision as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionInput {
    pub kind: DecisionKind,
    /// What the decision is about, in words ("Anslutning: Föreningen Ängsblomman").
    pub subject: String,
    /// The record it concerns: required for `approve_accession` and `reject_accession` (the
    /// accession's id); optional otherwise (an action plan's or follow-up's id).
    pub subject_id: Option<Uuid>,
    /// The decision as minuted.
    pub text: String,
}

/// A decision of the group, valid when it was recorded. The fields are private so that the
/// only ways to get one are `SteeringGroup::record_decision` and `Decision::restore` (for
/// rows that `record_decision` produced); `decision_is_valid` checks it again against the
/// current records before it is relied on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    id: Uuid,
    agreement_id: Uuid,
    group_id: Uuid,
    meeting_id: Uuid,
    meeting_date: NaiveDate,
    kind: DecisionKind,
    subject: String,
    subject_id: Option<Uuid>,
    text: String,
}

/// A decision's columns, for the persistence layer only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub group_id: Uuid,
    pub meeting_id: Uuid,
    pub meeting_date: NaiveDate,
    pub kind: DecisionKind,
    pub subject: String,
    pub subject_id: Option<Uuid>,
    pub text: String,
}

impl Decision {
    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn agreement_id(&self) -> Uuid {
        self.agreement_id
    }
    pub fn group_id(&self) -> Uuid {
        self.group_id
    }
    pub fn meeting_id(&self) -> Uuid {
        self.meeting_id
    }
    pub fn meeting_date(&self) -> NaiveDate {
        self.meeting_date
    }
    pub fn kind(&self) -> DecisionKind {
        self.kind
    }
    pub fn subject(&self) -> &str {
        &self.subject
    }
    pub fn subject_id(&self) -> Option<Uuid> {
        self.subject_id
    }
    pub fn text(&self) -> &str {
        &self.text
    }

    /// A stored decision, read back. Only rows written from `record_decision` may be given
    /// here.
    pub fn restore(record: DecisionRecord) -> Self {
        Self {
            id: record.id,
            agreement_id: record.agreement_id,
            group_id: record.group_id,
            meeting_id: record.meeting_id,
            meeting_date: record.meeting_date,
            kind: record.kind,
            subject: record.subject,
            subject_id: record.subject_id,
            text: record.text,
        }
    }

    pub fn to_record(&self) -> DecisionRecord {
        DecisionRecord {
            id: self.id,
            agreement_id: self.agreement_id,
            group_id: self.group_id,
            meeting_id: self.meeting_id,
            meeting_date: self.meeting_date,
            kind: self.kind,
            subject: self.subject.clone(),
            subject_id: self.subject_id,
            text: self.text.clone(),
        }
    }

    /// That the decision is the one a caller cites: of this agreement, of this kind, about
    /// this record (Blekinge: the steering group approves accessions, so an accession's
    /// approval cites an `approve_accession` decision with the accession's id).
    pub fn require_citation(
        &self,
        agreement_id: Uuid,
        kind: DecisionKind,
        subject_id: Uuid,
    ) -> Result<(), FieldError> {
        if self.agreement_id == agreement_id
            && self.kind == kind
            && self.subject_id == Some(subject_id)
        {
            Ok(())
        } else {
            Err(SteeringField::DecisionNotCited { kind }.at("decision_id"))
        }
    }
}

impl DecisionInput {
    /// A decision on an accession names one of this agreement's accessions:
    /// `subject_agreement` is the agreement of the accession `subject_id` names (`None`: no
    /// accession has that id); another is 422 `unknown_subject` at `subject_id`, when the
    /// decision is recorded rather than when an approval cites it.
    pub fn require_known_subject(
        &self,
        agreement_id: Uuid,
        subject_agreement: Option<Uuid>,
    ) -> Result<(), DomainError> {
        if self.kind.requires_subject_id()
            && self.subject_id.is_some()
            && subject_agreement != Some(agreement_id)
        {
            return Err(DomainError::invalid(
                "subject_id",
                SteeringField::UnknownSubject,
            ));
        }
        Ok(())
    }
}

impl SteeringGroup {
    /// Records a meeting once held: dated no later than `today` (`date`: `in_future`; a
    /// meeting ahead is planned instead, [`SteeringGroup::plan_meeting`]), and every present
    /// id a member in office on the date (`present[i]`: `unknown_member`, `not_in_office`,
    /// `duplicate`). A meeting without quorum is still recorded; it just cannot decide.
    pub fn record_meeting(
        &self,
        id: Uuid,
        input: &MeetingInput,
        today: NaiveDate,
    ) -> Result<Meeting, DomainError> {
        if input.date > today {
            return Err(DomainError::invalid("date", SteeringField::MeetingInFuture));
        }
        let mut v = Validator::new();
        let minutes_reference = v.optional_text(
            "minutes_reference",
            input.minutes_reference.as_deref(),
            MINUTES_REFERENCE_MAX,
        );
        let (_, attendance_errors) = self.tally(input.date, &input.present);
        for e in attendance_errors {
            v.push(e);
        }
        v.finish()?;
        Ok(Meeting {
            id,
            group_id: self.id(),
            date: input.date,
            present: input.present.clone(),
            minutes_reference,
            planned: false,
        })
    }

    /// Plans a meeting: dated today or later (`date`: `planned_in_past`), with no attendance
    /// and no minutes; it holds no decisions until [`SteeringGroup::hold_meeting`].
    pub fn plan_meeting(
        &self,
        id: Uuid,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<Meeting, DomainError> {
        if date < today {
            return Err(DomainError::invalid("date", SteeringField::PlannedInPast));
        }
        Ok(Meeting::restore_planned(id, self.id(), date))
    }

    /// Marks a planned meeting held, with its attendance and minutes: on or after its date
    /// (409 `meeting_date_not_reached`), once (409 `meeting_already_held`), the attendance
    /// checked as for any recorded meeting.
    pub fn hold_meeting(
        &self,
        planned: &Meeting,
        present: &[Uuid],
        minutes_reference: Option<&str>,
        today: NaiveDate,
    ) -> Result<Meeting, DomainError> {
        if planned.group_id != self.id() {
            return Err(SteeringRule::NotOfThisGroup.into());
        }
        if !planned.planned {
            return Err(SteeringRule::MeetingAlreadyHeld { date: planned.date }.into());
        }
        if planned.date > today {
            return Err(SteeringRule::MeetingDateNotReached { date: planned.date }.into());
        }
        self.record_meeting(
            planned.id,
            &MeetingInput {
                date: planned.date,
                present: present.to_vec(),
                minutes_reference: minutes_reference.map(str::to_owned),
            },
            today,
        )
    }

    /// Counts each side at the meeting. A present member is checked against the current
    /// records (field errors `present[i]` when it was not in office on the date).
    pub fn quorum(&self, meeting: &Meeting) -> Result<Quorum, DomainError> {
        if meeting.group_id != self.id() {
            return Err(SteeringRule::NotOfThisGroup.into());
        }
        let (quorum, errors) = self.tally(meeting.date, &meeting.present);
        if errors.is_empty() {
            Ok(quorum)
        } else {
            Err(DomainError::Invalid(errors))
        }
    }

    /// Records a decision at a meeting: the input first (422), then whether the group was
    /// balanced on the meeting's date (`group_unbalanced`) and the meeting quorate
    /// (`meeting_not_quorate`).
    pub fn record_decision(
        &self,
        meeting: &Meeting,
        id: Uuid,
        input: &DecisionInput,
    ) -> Result<Decision, DomainError> {
        let mut v = Validator::new();
        let subject = v.text("subject", &input.subject, SUBJECT_MAX);
        let text = v.text("text", &input.text, DECISION_TEXT_MAX);
        if input.kind.requires_subject_id() && input.subject_id.is_none() {
            v.add("subject_id", SteeringField::DecisionSubjectRequired);
        }
        v.finish()?;
        self.check_decidable(meeting)?;
        Ok(Decision {
            id,
            agreement_id: self.agreement_id(),
            group_id: self.id(),
            meeting_id: meeting.id,
            meeting_date: meeting.date,
            kind: input.kind,
            subject: subject.unwrap_or_default(),
            subject_id: input.subject_id,
            text: text.unwrap_or_default(),
        })
    }

    fn check_decidable(&self, meeting: &Meeting) -> Result<(), SteeringRule> {
        if meeting.group_id != self.id() {
            return Err(SteeringRule::NotOfThisGroup);
        }
        if meeting.planned {
            return Err(SteeringRule::MeetingNotHeld { date: meeting.date });
        }
        let composition = self.composition(meeting.date);
        if !composition.balanced {
            return Err(SteeringRule::GroupUnbalanced {
                date: meeting.date,
                public_sector: composition.public_sector.ordinary,
                civil_society: composition.civil_society.ordinary,
            });
        }
        let (quorum, errors) = self.tally(meeting.date, &meeting.present);
        if !errors.is_empty() {
            return Err(SteeringRule::AttendanceOutOfOffice { date: meeting.date });
        }
        if !quorum.quorate {
            return Err(SteeringRule::MeetingNotQuorate { date: meeting.date });
        }
        Ok(())
    }

    /// The quorum of `present` on `date`, and a field error for each id that does not count
    /// because it is unknown, out of office or repeated.
    fn tally(&self, date: NaiveDate, present: &[Uuid]) -> (Quorum, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut counts = [SideQuorum::default(), SideQuorum::default()];
        let index = |side: Side| match side {
            Side::PublicSector => 0,
            Side::CivilSociety => 1,
        };
        for m in self.in_office(date).filter(|m| m.seat() == Seat::Ordinary) {
            counts[index(m.side())].ordinary_in_office += 1;
        }
        for (i, id) in present.iter().enumerate() {
            let field = format!("present[{i}]");
            if present[..i].contains(id) {
                errors.push(CommonField::ListedTwice.at(field));
                continue;
            }
            let Some(m) = self.membership(*id) else {
                errors.push(SteeringField::UnknownMember.at(field));
                continue;
            };
            if !m.in_office_on(date) {
                errors.push(
                    SteeringField::NotInOffice {
                        name: m.person_name().to_owned(),
                        date,
                    }
                    .at(field),
                );
                continue;
            }
            let side = &mut counts[index(m.side())];
            match m.seat() {
                Seat::Ordinary => side.ordinary_present += 1,
                Seat::Deputy => side.deputies_present += 1,
                Seat::Adjunct => side.adjuncts_present += 1,
            }
        }
        for side in &mut counts {
            let absent = side
                .ordinary_in_office
                .saturating_sub(side.ordinary_present);
            side.deputies_standing_in = side.deputies_present.min(absent);
            side.voting = side.ordinary_present + side.deputies_standing_in;
            side.required = self.config().required_per_side(side.ordinary_in_office);
            side.quorate = side.voting >= side.required;
        }
        let [public_sector, civil_society] = counts;
        let quorum = Quorum {
            date,
            quorate: public_sector.quorate && civil_society.quorate,
            public_sector,
            civil_society,
        };
        (quorum, errors)
    }
}

/// Whether a stored decision is valid against the group's current records: it belongs to
/// this group, meeting and agreement, and on the meeting's date the group was balanced and
/// the meeting quorate. The accession module calls this (with `Decision::require_citation`)
/// before it relies on a decision, so that a correction of the memberships after the
/// meeting (an appointment or a resignation entered late) is taken into account.
pub fn decision_is_valid(
    group: &SteeringGroup,
    meeting: &Meeting,
    decision: &Decision,
) -> Result<(), SteeringRule> {
    if decision.group_id != group.id()
        || decision.agreement_id != group.agreement_id()
        || decision.meeting_id != meeting.id
        || decision.meeting_date != meeting.date
    {
        return Err(SteeringRule::NotOfThisGroup);
    }
    group.check_decidable(meeting)
}
