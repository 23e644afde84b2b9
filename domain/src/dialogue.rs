//! Dialogue meetings and conferences (issue 17): the events an agreement asks its parties to
//! hold (Södertälje's dialogue meetings, Eslöv's experience exchange, Blekinge's conference).
//!
//! An event is announced to the agreement's signatories of the announcement day (one
//! invitation each, decided by the caller from the public list and kept by storage), takes
//! registrations from the invited signatories until registration closes and while places
//! remain, can be rescheduled or cancelled, and is followed by its attendance and minutes.
//! Every change bumps `sequence`, which the iCalendar feed publishes as `SEQUENCE`, and is
//! kept in `history`. Attendee names are personal data: the aggregate keeps them for the
//! registering signatory and the administrators; public views show counts only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, Validator};

pub const TITLE_MAX: usize = 200;
pub const PLACE_MAX: usize = 300;
pub const LINK_MAX: usize = 500;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const NAME_MAX: usize = 200;
pub const ATTENDEES_MAX: u32 = 10_000;
pub const REASON_MAX: usize = 1_000;
pub const REFERENCE_MAX: usize = 300;
/// The one time zone events are shown in: the agreements are Swedish.
pub const TIME_ZONE: &str = "Europe/Stockholm";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    DialogueMeeting,
    ExperienceExchange,
    Conference,
    Forum,
}

crate::enum_text::enum_text!(EventKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum EventStatus {
    Scheduled,
    Cancelled,
    /// Attendance and minutes were recorded.
    Held,
}

crate::enum_text::enum_text!(EventStatus);

/// What the history records of each change (the sequence number it gave the event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum EventChange {
    Announced,
    Rescheduled,
    Cancelled,
    RegistrationRecorded,
    AttendanceRecorded,
}

crate::enum_text::enum_text!(EventChange);

crate::rules! {
    /// What the state of a dialogue event forbids; each is a 409 with its `code`.
    pub enum DialogueRule {
        EventFull { capacity: u32, remaining: u32 } => "event_full" {
            en: "the event is full: {remaining} of its {capacity} places remain",
            sv: "evenemanget är fullt: {remaining} av dess {capacity} platser återstår",
        },
        RegistrationClosed => "registration_closed" {
            en: "registration for this event has closed",
            sv: "anmälan till evenemanget har stängt",
        },
        EventCancelled => "event_cancelled" {
            en: "the event is cancelled",
            sv: "evenemanget är inställt",
        },
        EventAlreadyHeld => "event_already_held" {
            en: "the event's attendance and minutes are already recorded",
            sv: "evenemangets närvaro och minnesanteckningar är redan registrerade",
        },
        EventNotEnded => "event_not_ended" {
            en: "attendance and minutes are recorded after the event has ended",
            sv: "närvaro och minnesanteckningar registreras när evenemanget är slut",
        },
        NotInvited => "not_invited" {
            en: "this signatory was not invited to the event (invitations go to the signatories of the announcement day)",
            sv: "undertecknaren är inte inbjuden till evenemanget (inbjudan går till dem som var undertecknare den dag det annonserades)",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of a dialogue-event request; each is a 422.
    pub enum DialogueField {
        EndNotAfterStart => "before_start" {
            en: "the event must end after it starts",
            sv: "evenemanget måste sluta efter att det börjar",
        },
        PlaceOrLinkRequired => "required" {
            en: "give a place or an online link",
            sv: "ange en plats eller en länk till mötet",
        },
        NotHttps => "not_https" {
            en: "must be an https:// link",
            sv: "måste vara en https://-länk",
        },
        UnknownTimeZone => "unknown_time_zone" {
            en: "the only time zone is Europe/Stockholm",
            sv: "den enda tidszonen är Europe/Stockholm",
        },
        ClosesAfterStart => "after_start" {
            en: "registration closes no later than the event starts",
            sv: "anmälan stänger senast när evenemanget börjar",
        },
        OutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max}",
            sv: "måste vara mellan 1 och {max}",
        },
        FewerThanNames => "fewer_than_names" {
            en: "the count cannot be smaller than the number of names given",
            sv: "antalet kan inte vara mindre än antalet namn",
        },
        NotAParty => "not_a_party" {
            en: "the organiser is a party of the agreement: one of its public bodies or its civil-society party's organisation",
            sv: "arrangören är en part i överenskommelsen: en av dess offentliga aktörer eller den idéburna partens organisation",
        },
        InstantOutOfRange => "out_of_range" {
            en: "must lie between 1900-01-01 and 2199-12-31 (UTC)",
            sv: "måste ligga mellan 1900-01-01 och 2199-12-31 (UTC)",
        },
        InPast => "in_past" {
            en: "the event cannot start in the past",
            sv: "evenemanget kan inte börja i det förflutna",
        },
    }
}

/// What an event is: everything an announcement names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    pub kind: EventKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub description: Option<String>,
    /// A party of the agreement (checked by the caller against the agreement).
    pub organiser_party_id: Uuid,
    pub capacity: Option<u32>,
    pub registration_closes_at: DateTime<Utc>,
}

fn check_schedule(
    v: &mut Validator,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    let mut in_range = true;
    for (field, at) in [
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("registration_closes_at", closes_at),
    ] {
        if !crate::dates::accepted(at.date_naive()) {
            v.push(DialogueField::InstantOutOfRange.at(field));
            in_range = false;
        }
    }
    if !in_range {
        return;
    }
    if ends_at <= starts_at {
        v.push(DialogueField::EndNotAfterStart.at("ends_at"));
    }
    if closes_at > starts_at {
        v.push(DialogueField::ClosesAfterStart.at("registration_closes_at"));
    }
    if starts_at < now {
        v.push(DialogueField::InPast.at("starts_at"));
    }
}

impl EventInput {
    /// The checked input, texts trimmed; the organiser one of `parties` (`parties_of`).
    pub fn parse(self, parties: &[Uuid], now: DateTime<Utc>) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        if !parties.contains(&self.organiser_party_id) {
            v.push(DialogueField::NotAParty.at("organiser_party_id"));
        }
        let title = v.line("title", &self.title, TITLE_MAX);
        let place = v.optional_text("place", self.place.as_deref(), PLACE_MAX);
        let online_link = v.optional_text("online_link", self.online_link.as_deref(), LINK_MAX);
        if let Some(link) = &online_link
            && (!link.starts_with("https://") || link.contains(char::is_whitespace))
        {
            v.push(DialogueField::NotHttps.at("online_link"));
        }
        let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
        if blank(&self.place) && blank(&self.online_link) {
            v.push(DialogueField::PlaceOrLinkRequired.at("place"));
        }
        let description =
            v.optional_text("description", self.description.as_deref(), DESCRIPTION_MAX);
        if self.time_zone != TIME_ZONE {
            v.push(DialogueField::UnknownTimeZone.at("time_zone"));
        }
        if let Some(c) = self.capacity
            && !(1..=ATTENDEES_MAX).contains(&c)
        {
            v.push(DialogueField::OutOfRange { max: ATTENDEES_MAX }.at("capacity"));
        }
        check_schedule(
            &mut v,
            self.starts_at,
            self.ends_at,
            self.registration_closes_at,
            now,
        );
        v.finish()?;
        Ok(Self {
            title: title.unwrap_or_default(),
            place,
            online_link,
            description,
            ..self
        })
    }
}

/// A signatory's registration: the names are personal data, never public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub signatory_id: Uuid,
    pub names: Vec<String>,
    pub count: u32,
    pub registered_at: DateTime<Utc>,
}

/// What was recorded after the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub attended: u32,
    pub summary: String,
    pub conclusions: Option<String>,
    pub document_reference: Option<String>,
}

impl Minutes {
    pub fn parse(self) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        if self.attended > ATTENDEES_MAX {
            v.push(DialogueField::OutOfRange { max: ATTENDEES_MAX }.at("attended"));
        }
        let summary = v.text("summary", &self.summary, DESCRIPTION_MAX);
        let conclusions =
            v.optional_text("conclusions", self.conclusions.as_deref(), DESCRIPTION_MAX);
        let document_reference = v.optional_text(
            "document_reference",
            self.document_reference.as_deref(),
            REFERENCE_MAX,
        );
        v.finish()?;
        Ok(Self {
            attended: self.attended,
            summary: summary.unwrap_or_default(),
            conclusions,
            document_reference,
        })
    }
}

/// One change of the event, with the schedule it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub sequence: u32,
    pub change: EventChange,
    pub at: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueEvent {
    id: Uuid,
    agreement_id: Uuid,
    details: EventInput,
    status: EventStatus,
    sequence: u32,
    invited: Vec<Uuid>,
    registrations: Vec<Registration>,
    minutes: Option<Minutes>,
    history: Vec<HistoryEntry>,
}

impl DialogueEvent {
    /// Announces an event of `agreement`, inviting `signatories` (the agreement's
    /// signatories on the announcement day, each once).
    pub fn announce(
        id: Uuid,
        agreement: &crate::agreement::Agreement,
        input: EventInput,
        signatories: Vec<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        Self::announce_for(
            id,
            agreement.id(),
            &parties_of(agreement),
            input,
            signatories,
            now,
        )
    }

    /// `announce`, with the agreement given by its id and parties.
    pub fn announce_for(
        id: Uuid,
        agreement_id: Uuid,
        parties: &[Uuid],
        input: EventInput,
        signatories: Vec<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let details = input.parse(parties, now)?;
        let mut invited = signatories;
        invited.sort();
        invited.dedup();
        let mut event = Self {
            id,
            agreement_id,
            details,
            status: EventStatus::Scheduled,
            sequence: 0,
            invited,
            registrations: Vec::new(),
            minutes: None,
            history: Vec::new(),
        };
        event.log(EventChange::Announced, now, None);
        Ok(event)
    }

    /// Storage's rebuild of a saved event (trusted data).
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        id: Uuid,
        agreement_id: Uuid,
        details: EventInput,
        status: EventStatus,
        sequence: u32,
        invited: Vec<Uuid>,
        registrations: Vec<Registration>,
        minutes: Option<Minutes>,
        history: Vec<HistoryEntry>,
    ) -> Self {
        Self {
            id,
            agreement_id,
            details,
            status,
            sequence,
            invited,
            registrations,
            minutes,
            history,
        }
    }

    fn log(&mut self, change: EventChange, at: DateTime<Utc>, reason: Option<String>) {
        if !self.history.is_empty() {
            self.sequence += 1;
        }
        self.history.push(HistoryEntry {
            sequence: self.sequence,
            change,
            at,
            starts_at: self.details.starts_at,
            ends_at: self.details.ends_at,
            reason,
        });
    }

    fn require_open(&self) -> Result<(), DomainError> {
        match self.status {
            EventStatus::Scheduled => Ok(()),
            EventStatus::Cancelled => Err(DialogueRule::EventCancelled.into()),
            EventStatus::Held => Err(DialogueRule::EventAlreadyHeld.into()),
        }
    }

    /// Moves the event; registrations stay.
    pub fn reschedule(
        &mut self,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        registration_closes_at: DateTime<Utc>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let mut v = Validator::new();
        check_schedule(&mut v, starts_at, ends_at, registration_closes_at, now);
        let reason = v.optional_text("reason", reason, REASON_MAX);
        v.finish()?;
        self.require_open()?;
        self.details.starts_at = starts_at;
        self.details.ends_at = ends_at;
        self.details.registration_closes_at = registration_closes_at;
        self.log(EventChange::Rescheduled, now, reason);
        Ok(())
    }

    pub fn cancel(&mut self, reason: Option<&str>, now: DateTime<Utc>) -> Result<(), DomainError> {
        let mut v = Validator::new();
        let reason = v.optional_text("reason", reason, REASON_MAX);
        v.finish()?;
        self.require_open()?;
        self.status = EventStatus::Cancelled;
        self.log(EventChange::Cancelled, now, reason);
        Ok(())
    }

    /// Registers (or replaces) an invited signatory's attendees.
    pub fn register(
        &mut self,
        signatory_id: Uuid,
        names: &[String],
        count: u32,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let mut v = Validator::new();
        let names: Vec<String> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| v.line(&format!("names[{i}]"), n, NAME_MAX))
            .collect();
        if !(1..=ATTENDEES_MAX).contains(&count) {
            v.push(DialogueField::OutOfRange { max: ATTENDEES_MAX }.at("count"));
        } else if (count as usize) < names.len() {
            v.push(DialogueField::FewerThanNames.at("count"));
        }
        v.finish()?;
        self.require_open()?;
        if now >= self.details.registration_closes_at {
            return Err(DialogueRule::RegistrationClosed.into());
        }
        if !self.invited.contains(&signatory_id) {
            return Err(DialogueRule::NotInvited.into());
        }
        if let Some(capacity) = self.details.capacity {
            let others = self
                .registrations
                .iter()
                .filter(|r| r.signatory_id != signatory_id)
                .fold(0_u32, |sum, r| sum.saturating_add(r.count));
            if others.saturating_add(count) > capacity {
                return Err(DialogueRule::EventFull {
                    capacity,
                    remaining: capacity.saturating_sub(others),
                }
                .into());
            }
        }
        self.registrations
            .retain(|r| r.signatory_id != signatory_id);
        self.registrations.push(Registration {
            signatory_id,
            names,
            count,
            registered_at: now,
        });
        self.log(EventChange::RegistrationRecorded, now, None);
        Ok(())
    }

    /// Records attendance and minutes once the event has ended.
    pub fn record_attendance(
        &mut self,
        minutes: Minutes,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let minutes = minutes.parse()?;
        self.require_open()?;
        if now < self.details.ends_at {
            return Err(DialogueRule::EventNotEnded.into());
        }
        self.minutes = Some(minutes);
        self.status = EventStatus::Held;
        self.log(EventChange::AttendanceRecorded, now, None);
        Ok(())
    }

    pub fn id(&self) -> Uuid {
        self.id
    }
    pub fn agreement_id(&self) -> Uuid {
        self.agreement_id
    }
    pub fn details(&self) -> &EventInput {
        &self.details
    }
    pub fn status(&self) -> EventStatus {
        self.status
    }
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
    pub fn invited(&self) -> &[Uuid] {
        &self.invited
    }
    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }
    pub fn minutes(&self) -> Option<&Minutes> {
        self.minutes.as_ref()
    }
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }
    /// Places taken by every registration.
    pub fn registered_count(&self) -> u32 {
        self.registrations
            .iter()
            .fold(0, |sum, r| sum.saturating_add(r.count))
    }
}

/// Who may organise an event of `agreement`: a public body that is a party, or the
/// organisation (a network) that is its civil-society party.
pub fn parties_of(agreement: &crate::agreement::Agreement) -> Vec<Uuid> {
    let mut parties = agreement.party_public_body_ids().to_vec();
    parties.extend(agreement.civil_society_party().organization_id);
    parties
}

/// Who registers a signatory's attendees and reads its registration: the organisation's
/// representative, an administrator of the public body, or a platform administrator.
pub fn may_register(
    principal: &crate::access::Principal,
    signatory: crate::accession::Signatory,
) -> bool {
    use crate::accession::Signatory;
    match signatory {
        Signatory::Organization(id) => principal.is_platform_admin() || principal.represents(id),
        Signatory::PublicBody(id) => principal.administers_public_body(id),
    }
}

/// Who announces, moves, cancels and records an event: the agreement's administrators and
/// co-administrators (`agreement::may_run`).
pub use crate::agreement::may_run as may_organise;

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, h, 0, 0).unwrap()
    }

    fn input(capacity: Option<u32>) -> EventInput {
        EventInput {
            kind: EventKind::DialogueMeeting,
            title: " Dialogmöte om föreningsbidrag ".into(),
            starts_at: at(14),
            ends_at: at(16),
            time_zone: TIME_ZONE.into(),
            place: Some("Stadshuset, Sal Åsa".into()),
            online_link: None,
            description: None,
            organiser_party_id: ORGANISER,
            capacity,
            registration_closes_at: at(12),
        }
    }

    const ORGANISER: Uuid = Uuid::from_u128(9);
    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);

    fn event(capacity: Option<u32>) -> DialogueEvent {
        DialogueEvent::announce_for(
            Uuid::from_u128(7),
            Uuid::from_u128(8),
            &[ORGANISER],
            input(capacity),
            vec![B, A, A],
            at(8),
        )
        .expect("announced")
    }

    fn code(e: DomainError) -> &'static str {
        e.code().expect("a rule")
    }

    #[test]
    fn announcing_invites_each_signatory_once_and_trims() {
        let e = event(None);
        assert_eq!(e.invited(), &[A, B]);
        assert_eq!(e.details().title, "Dialogmöte om föreningsbidrag");
        assert_eq!(e.sequence(), 0);
        assert_eq!(e.history().len(), 1);
    }

    #[test]
    fn a_bad_schedule_names_its_fields() {
        let mut i = input(Some(0));
        i.ends_at = at(13);
        i.registration_closes_at = at(15);
        i.place = None;
        i.time_zone = "Europe/Oslo".into();
        i.organiser_party_id = A;
        let e =
            DialogueEvent::announce_for(Uuid::nil(), Uuid::nil(), &[ORGANISER], i, vec![], at(8))
                .unwrap_err();
        let fields: Vec<_> = e.fields().into_iter().map(|(f, _)| f.to_owned()).collect();
        for f in [
            "ends_at",
            "registration_closes_at",
            "place",
            "time_zone",
            "capacity",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f}: {fields:?}");
        }
    }

    #[test]
    fn instants_outside_the_accepted_dates_are_refused() {
        let mut i = input(None);
        i.ends_at = Utc.with_ymd_and_hms(2300, 1, 1, 0, 0, 0).unwrap();
        let e =
            DialogueEvent::announce_for(Uuid::nil(), Uuid::nil(), &[ORGANISER], i, vec![], at(8))
                .unwrap_err();
        assert_eq!(e.fields(), [("ends_at", "out_of_range")]);
    }

    #[test]
    fn capacity_counts_places_and_a_new_registration_replaces_the_old() {
        let mut e = event(Some(3));
        e.register(A, &["Alva Åberg".into()], 2, at(9)).unwrap();
        assert_eq!(
            code(e.register(B, &[], 2, at(9)).unwrap_err()),
            "event_full"
        );
        e.register(B, &[], 1, at(9)).unwrap();
        e.register(A, &[], 1, at(10)).unwrap();
        assert_eq!(e.registered_count(), 2);
        assert_eq!(e.sequence(), 3);
    }

    #[test]
    fn registration_closes_and_only_the_invited_register() {
        let mut e = event(None);
        assert_eq!(
            code(e.register(Uuid::from_u128(3), &[], 1, at(9)).unwrap_err()),
            "not_invited"
        );
        assert_eq!(
            code(e.register(A, &[], 1, at(12)).unwrap_err()),
            "registration_closed"
        );
        assert!(e.register(A, &["x".into(), "y".into()], 1, at(9)).is_err());
    }

    #[test]
    fn reschedule_and_cancel_keep_history_and_bump_the_sequence() {
        let mut e = event(None);
        e.reschedule(at(15), at(17), at(13), Some("Lokalen byggs om"), at(9))
            .unwrap();
        e.cancel(None, at(10)).unwrap();
        assert_eq!(e.status(), EventStatus::Cancelled);
        assert_eq!(e.sequence(), 2);
        assert_eq!(e.history()[0].starts_at, at(14));
        assert_eq!(e.history()[1].starts_at, at(15));
        assert_eq!(code(e.cancel(None, at(11)).unwrap_err()), "event_cancelled");
        assert_eq!(
            code(e.register(A, &[], 1, at(11)).unwrap_err()),
            "event_cancelled"
        );
    }

    #[test]
    fn a_representative_registers_for_its_own_organisation_only() {
        use crate::access::{Role, testing::principal};
        use crate::accession::Signatory;
        let mut rep = principal(&[Role::OrganizationRep]);
        rep.organization_ids.insert(A);
        assert!(may_register(&rep, Signatory::Organization(A)));
        assert!(!may_register(&rep, Signatory::Organization(B)));
        assert!(!may_register(&rep, Signatory::PublicBody(A)));
        let mut admin = principal(&[Role::AgreementAdmin]);
        admin.public_body_id = Some(B);
        assert!(may_register(&admin, Signatory::PublicBody(B)));
        assert!(!may_register(&admin, Signatory::Organization(A)));
        assert!(may_register(
            &principal(&[Role::PlatformAdmin]),
            Signatory::Organization(A)
        ));
    }

    #[test]
    fn attendance_is_recorded_after_the_end_once() {
        let mut e = event(None);
        let minutes = Minutes {
            attended: 12,
            summary: "Vi talade om lokaler.".into(),
            conclusions: None,
            document_reference: Some("Dnr KS 2026/12".into()),
        };
        assert_eq!(
            code(e.record_attendance(minutes.clone(), at(15)).unwrap_err()),
            "event_not_ended"
        );
        e.record_attendance(minutes.clone(), at(16)).unwrap();
        assert_eq!(e.status(), EventStatus::Held);
        assert_eq!(
            code(e.record_attendance(minutes, at(17)).unwrap_err()),
            "event_already_held"
        );
    }
}
