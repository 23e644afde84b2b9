//! The catalogue of changes: every state change the system records in its change feed
//! (`GET /api/v1/changes`) and delivers to webhook subscriptions, as `area.event`.
//!
//! The catalogue grows by adding a variant (a new text is not a breaking change: clients
//! must tolerate unknown types). Which changes a given operation makes is decided here, from
//! the aggregate before and after it, so every caller that saves an aggregate records the
//! same changes.

use serde::{Deserialize, Serialize};

use crate::accession::HistoryEvent;
use crate::agreement::{Agreement, AgreementState, RenegotiationStatus};

/// A change's type: its text is `area.event` (`accession.approved`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
pub enum ChangeType {
    /// A draft agreement was created (never public).
    #[serde(rename = "agreement.created")]
    #[strum(serialize = "agreement.created")]
    AgreementCreated,
    /// The agreement's editable content or settings were changed.
    #[serde(rename = "agreement.updated")]
    #[strum(serialize = "agreement.updated")]
    AgreementUpdated,
    #[serde(rename = "agreement.consultation_opened")]
    #[strum(serialize = "agreement.consultation_opened")]
    AgreementConsultationOpened,
    /// The first version was adopted: the agreement becomes public.
    #[serde(rename = "agreement.adopted")]
    #[strum(serialize = "agreement.adopted")]
    AgreementAdopted,
    #[serde(rename = "agreement.terminated")]
    #[strum(serialize = "agreement.terminated")]
    AgreementTerminated,
    #[serde(rename = "agreement.abandoned")]
    #[strum(serialize = "agreement.abandoned")]
    AgreementAbandoned,
    #[serde(rename = "agreement.revision_started")]
    #[strum(serialize = "agreement.revision_started")]
    AgreementRevisionStarted,
    /// A revised version was adopted and supersedes the one before it.
    #[serde(rename = "agreement.version_adopted")]
    #[strum(serialize = "agreement.version_adopted")]
    AgreementVersionAdopted,
    /// A translation of a version's public texts was recorded (or replaced).
    #[serde(rename = "agreement.version_translated")]
    #[strum(serialize = "agreement.version_translated")]
    AgreementVersionTranslated,
    #[serde(rename = "agreement.revision_abandoned")]
    #[strum(serialize = "agreement.revision_abandoned")]
    AgreementRevisionAbandoned,
    #[serde(rename = "agreement.review_recorded")]
    #[strum(serialize = "agreement.review_recorded")]
    AgreementReviewRecorded,
    #[serde(rename = "agreement.renegotiation_requested")]
    #[strum(serialize = "agreement.renegotiation_requested")]
    AgreementRenegotiationRequested,
    /// The other side answered a renegotiation request (accepted or declined).
    #[serde(rename = "agreement.renegotiation_answered")]
    #[strum(serialize = "agreement.renegotiation_answered")]
    AgreementRenegotiationAnswered,
    /// The side that filed a renegotiation request withdrew it.
    #[serde(rename = "agreement.renegotiation_withdrawn")]
    #[strum(serialize = "agreement.renegotiation_withdrawn")]
    AgreementRenegotiationWithdrawn,
    #[serde(rename = "accession.submitted")]
    #[strum(serialize = "accession.submitted")]
    AccessionSubmitted,
    /// The signatory joins the public list.
    #[serde(rename = "accession.approved")]
    #[strum(serialize = "accession.approved")]
    AccessionApproved,
    #[serde(rename = "accession.rejected")]
    #[strum(serialize = "accession.rejected")]
    AccessionRejected,
    #[serde(rename = "accession.cancelled")]
    #[strum(serialize = "accession.cancelled")]
    AccessionCancelled,
    #[serde(rename = "accession.withdrawn")]
    #[strum(serialize = "accession.withdrawn")]
    AccessionWithdrawn,
    /// The accession ended with the agreement or an unmet reconfirmation.
    #[serde(rename = "accession.ended")]
    #[strum(serialize = "accession.ended")]
    AccessionEnded,
    #[serde(rename = "accession.carried_over")]
    #[strum(serialize = "accession.carried_over")]
    AccessionCarriedOver,
    #[serde(rename = "accession.reconfirmation_requested")]
    #[strum(serialize = "accession.reconfirmation_requested")]
    AccessionReconfirmationRequested,
    #[serde(rename = "accession.reconfirmed")]
    #[strum(serialize = "accession.reconfirmed")]
    AccessionReconfirmed,
    /// The contact person changed (the payload never names the person).
    #[serde(rename = "accession.contact_person_updated")]
    #[strum(serialize = "accession.contact_person_updated")]
    AccessionContactPersonUpdated,
    #[serde(rename = "accession.corrected")]
    #[strum(serialize = "accession.corrected")]
    AccessionCorrected,
    #[serde(rename = "accession.signatory_renamed")]
    #[strum(serialize = "accession.signatory_renamed")]
    AccessionSignatoryRenamed,
    #[serde(rename = "accession.verified")]
    #[strum(serialize = "accession.verified")]
    AccessionVerified,
    #[serde(rename = "accession.verification_expired")]
    #[strum(serialize = "accession.verification_expired")]
    AccessionVerificationExpired,
    #[serde(rename = "steering_group.created")]
    #[strum(serialize = "steering_group.created")]
    SteeringGroupCreated,
    #[serde(rename = "steering_group.reconfigured")]
    #[strum(serialize = "steering_group.reconfigured")]
    SteeringGroupReconfigured,
    #[serde(rename = "steering_group.member_appointed")]
    #[strum(serialize = "steering_group.member_appointed")]
    SteeringGroupMemberAppointed,
    #[serde(rename = "steering_group.term_ended")]
    #[strum(serialize = "steering_group.term_ended")]
    SteeringGroupTermEnded,
    #[serde(rename = "steering_group.meeting_planned")]
    #[strum(serialize = "steering_group.meeting_planned")]
    SteeringGroupMeetingPlanned,
    #[serde(rename = "steering_group.meeting_held")]
    #[strum(serialize = "steering_group.meeting_held")]
    SteeringGroupMeetingHeld,
    #[serde(rename = "steering_group.decision_recorded")]
    #[strum(serialize = "steering_group.decision_recorded")]
    SteeringGroupDecisionRecorded,
    /// A draft action plan was created (never public).
    #[serde(rename = "action_plan.drafted")]
    #[strum(serialize = "action_plan.drafted")]
    ActionPlanDrafted,
    #[serde(rename = "action_plan.adopted")]
    #[strum(serialize = "action_plan.adopted")]
    ActionPlanAdopted,
    #[serde(rename = "action_plan.closed")]
    #[strum(serialize = "action_plan.closed")]
    ActionPlanClosed,
    /// An activity was added to a plan (public once the plan is adopted).
    #[serde(rename = "action_plan.activity_added")]
    #[strum(serialize = "action_plan.activity_added")]
    ActionPlanActivityAdded,
    #[serde(rename = "action_plan.activity_status_changed")]
    #[strum(serialize = "action_plan.activity_status_changed")]
    ActionPlanActivityStatusChanged,
    /// A signatory opted in or out of an activity.
    #[serde(rename = "action_plan.participation_changed")]
    #[strum(serialize = "action_plan.participation_changed")]
    ActionPlanParticipationChanged,
    /// A dialogue meeting or conference was announced (issue 17).
    #[serde(rename = "dialogue_event.announced")]
    #[strum(serialize = "dialogue_event.announced")]
    DialogueEventAnnounced,
    /// One signatory was invited to an announced event (one change per invitation).
    #[serde(rename = "dialogue_event.signatory_invited")]
    #[strum(serialize = "dialogue_event.signatory_invited")]
    DialogueEventSignatoryInvited,
    #[serde(rename = "dialogue_event.rescheduled")]
    #[strum(serialize = "dialogue_event.rescheduled")]
    DialogueEventRescheduled,
    #[serde(rename = "dialogue_event.cancelled")]
    #[strum(serialize = "dialogue_event.cancelled")]
    DialogueEventCancelled,
    /// A signatory registered attendees (for administrators: the count, never the names).
    #[serde(rename = "dialogue_event.registration_recorded")]
    #[strum(serialize = "dialogue_event.registration_recorded")]
    DialogueEventRegistrationRecorded,
    #[serde(rename = "dialogue_event.attendance_recorded")]
    #[strum(serialize = "dialogue_event.attendance_recorded")]
    DialogueEventAttendanceRecorded,
    /// An IOP partnership was proposed (for those who run the agreement, not public).
    #[serde(rename = "partnership.proposed")]
    #[strum(serialize = "partnership.proposed")]
    PartnershipProposed,
    /// A proposed partnership's assessment against the criteria was recorded (not public).
    #[serde(rename = "partnership.assessed")]
    #[strum(serialize = "partnership.assessed")]
    PartnershipAssessed,
    /// The public body entered the partnership: it joins the public register.
    #[serde(rename = "partnership.entered")]
    #[strum(serialize = "partnership.entered")]
    PartnershipEntered,
    #[serde(rename = "partnership.ended")]
    #[strum(serialize = "partnership.ended")]
    PartnershipEnded,
    /// A proposed or assessed partnership was not entered (not public).
    #[serde(rename = "partnership.not_entered")]
    #[strum(serialize = "partnership.not_entered")]
    PartnershipNotEntered,
}

crate::enum_text::enum_text!(ChangeType);

impl ChangeType {
    /// Whether anyone may see a change of this type once its agreement is public. Changes
    /// of a public agreement that the public views do not show (applications that are not
    /// yet decided, a renegotiation request, a contact person) are for its administrators.
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            Self::AgreementCreated
                | Self::AgreementAbandoned
                | Self::AgreementRevisionStarted
                | Self::AgreementRevisionAbandoned
                | Self::AgreementRenegotiationRequested
                | Self::AgreementRenegotiationAnswered
                | Self::AgreementRenegotiationWithdrawn
                | Self::AccessionSubmitted
                | Self::AccessionRejected
                | Self::AccessionCancelled
                | Self::AccessionReconfirmationRequested
                | Self::AccessionContactPersonUpdated
                | Self::AccessionVerified
                | Self::AccessionVerificationExpired
                | Self::ActionPlanDrafted
                | Self::DialogueEventRegistrationRecorded
                | Self::PartnershipProposed
                | Self::PartnershipAssessed
                | Self::PartnershipNotEntered
        )
    }

    /// The change an accession's history entry records.
    pub fn of_history(event: HistoryEvent) -> Self {
        match event {
            HistoryEvent::Submitted => Self::AccessionSubmitted,
            HistoryEvent::Approved => Self::AccessionApproved,
            HistoryEvent::Rejected => Self::AccessionRejected,
            HistoryEvent::Cancelled => Self::AccessionCancelled,
            HistoryEvent::Withdrawn => Self::AccessionWithdrawn,
            HistoryEvent::Ended => Self::AccessionEnded,
            HistoryEvent::CarriedOver => Self::AccessionCarriedOver,
            HistoryEvent::ReconfirmationRequested => Self::AccessionReconfirmationRequested,
            HistoryEvent::Reconfirmed => Self::AccessionReconfirmed,
            HistoryEvent::ContactPersonUpdated => Self::AccessionContactPersonUpdated,
            HistoryEvent::Corrected => Self::AccessionCorrected,
            HistoryEvent::SignatoryRenamed => Self::AccessionSignatoryRenamed,
            HistoryEvent::Verified => Self::AccessionVerified,
            HistoryEvent::VerificationExpired => Self::AccessionVerificationExpired,
        }
    }

    /// The changes one operation made to an agreement, from the aggregate before and after
    /// it. An operation that changed none of the lifecycle's facts edited the agreement.
    pub fn of_agreement(before: &Agreement, after: &Agreement) -> Vec<Self> {
        let mut changes = Vec::new();
        if before.state() != after.state() {
            changes.push(match after.state() {
                AgreementState::Draft => Self::AgreementUpdated,
                AgreementState::Consultation => Self::AgreementConsultationOpened,
                AgreementState::Adopted => Self::AgreementAdopted,
                AgreementState::Terminated => Self::AgreementTerminated,
                AgreementState::Abandoned => Self::AgreementAbandoned,
            });
        } else if before.termination().is_none() && after.termination().is_some() {
            // A termination with notice: decided now, the state follows on its date.
            changes.push(Self::AgreementTerminated);
        }
        let number = |a: &Agreement| a.current_version().map(|v| v.number());
        let revising = |a: &Agreement| a.revision().is_some();
        if before.state() == after.state() && number(before) != number(after) {
            changes.push(Self::AgreementVersionAdopted);
        } else if !revising(before) && revising(after) {
            changes.push(Self::AgreementRevisionStarted);
        } else if before.state() == after.state()
            && before.consultation_version().is_none()
            && after.consultation_version().is_some()
        {
            // A revision's consultation: the state stays `adopted`.
            changes.push(Self::AgreementConsultationOpened);
        } else if revising(before) && !revising(after) && number(before) == number(after) {
            changes.push(Self::AgreementRevisionAbandoned);
        }
        let translations = |a: &Agreement| {
            a.versions()
                .iter()
                .map(|v| v.translations().to_vec())
                .collect::<Vec<_>>()
        };
        if translations(before) != translations(after) {
            changes.push(Self::AgreementVersionTranslated);
        }
        if after.reviews().len() > before.reviews().len() {
            changes.push(Self::AgreementReviewRecorded);
        }
        if after.renegotiation_requests().len() > before.renegotiation_requests().len() {
            changes.push(Self::AgreementRenegotiationRequested);
        }
        let count = |a: &Agreement, status: RenegotiationStatus| {
            a.renegotiation_requests()
                .iter()
                .filter(|r| r.status() == status)
                .count()
        };
        if count(after, RenegotiationStatus::Answered)
            > count(before, RenegotiationStatus::Answered)
        {
            changes.push(Self::AgreementRenegotiationAnswered);
        }
        if count(after, RenegotiationStatus::Withdrawn)
            > count(before, RenegotiationStatus::Withdrawn)
        {
            changes.push(Self::AgreementRenegotiationWithdrawn);
        }
        if changes.is_empty() {
            changes.push(Self::AgreementUpdated);
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn every_type_is_area_dot_event_and_reads_back() {
        for t in ChangeType::iter() {
            let text = t.as_str();
            let (area, event) = text.split_once('.').expect("area.event");
            assert!(
                [
                    "agreement",
                    "accession",
                    "steering_group",
                    "action_plan",
                    "dialogue_event",
                    "partnership",
                    "election",
                ]
                .contains(&area),
                "{text}"
            );
            assert!(
                event.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text}"
            );
            assert_eq!(ChangeType::parse(text), Some(t));
            assert_eq!(
                serde_json::to_string(&t).expect("serializes"),
                format!("\"{text}\"")
            );
        }
        assert_eq!(ChangeType::parse("accession.nope"), None);
    }

    #[test]
    fn every_history_event_is_a_change_of_its_own() {
        let mut seen = std::collections::HashSet::new();
        for e in HistoryEvent::iter() {
            let t = ChangeType::of_history(e);
            assert!(t.as_str().starts_with("accession."));
            assert_eq!(t.as_str(), format!("accession.{}", e.as_str()));
            assert!(seen.insert(t));
        }
    }

    #[test]
    fn what_the_public_list_shows_is_public_and_applications_are_not() {
        assert!(ChangeType::AccessionApproved.is_public());
        assert!(ChangeType::AccessionWithdrawn.is_public());
        assert!(ChangeType::AccessionEnded.is_public());
        assert!(ChangeType::AgreementVersionAdopted.is_public());
        assert!(ChangeType::AgreementAdopted.is_public());
        assert!(!ChangeType::AccessionSubmitted.is_public());
        assert!(!ChangeType::AccessionRejected.is_public());
        assert!(!ChangeType::AccessionContactPersonUpdated.is_public());
        assert!(!ChangeType::AgreementCreated.is_public());
    }
}
