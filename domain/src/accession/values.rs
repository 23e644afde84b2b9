//! The values an accession is made of: who joins, how, on which board decision, who the
//! contact person is, and the history entries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    AccessionField, CONTACT_NAME_MAX, DIARY_NUMBER_MAX, EMAIL_MAX, MINUTES_REFERENCE_MAX,
    NOTICE_REFERENCE_MAX, PHONE_MAX,
};
use crate::error::{DomainError, Validator};

/// `prefix.name`, or `name` at the top level of a request.
pub(super) fn field(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Who accedes: an organisation of the sector, or a public body where the agreement allows
/// it (Blekinge: "Idéburna organisationer … samt offentliga aktörer, kan ansluta sig").
///
/// JSON: `{"kind": "organization", "id": "…"}`; stored as `SignatoryKind::as_str` + id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(
    tag = "kind",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Signatory {
    Organization(Uuid),
    PublicBody(Uuid),
}

impl Signatory {
    pub fn kind(self) -> SignatoryKind {
        match self {
            Self::Organization(_) => SignatoryKind::Organization,
            Self::PublicBody(_) => SignatoryKind::PublicBody,
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Self::Organization(id) | Self::PublicBody(id) => id,
        }
    }

    /// Rebuilds a signatory from its stored kind and id.
    pub fn from_parts(kind: SignatoryKind, id: Uuid) -> Self {
        match kind {
            SignatoryKind::Organization => Self::Organization(id),
            SignatoryKind::PublicBody => Self::PublicBody(id),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum SignatoryKind {
    Organization,
    PublicBody,
}

crate::enum_text::enum_text!(SignatoryKind);

/// How the accession reached the public body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    /// Eslöv, Lund: "skicka in ett styrelseprotokoll med beslut om att … ansluta sig".
    BoardMinutes,
    /// Blekinge: the accession form (anslutningsblankett) on the agreement's website.
    Form,
    /// Södertälje: signing at the annual dialogue forum.
    DialogueForum,
    /// Södertälje: signing "i anslutning till att den har antagits".
    AtAdoption,
    /// Södertälje: "genom en skriftlig ansökan".
    WrittenApplication,
}

crate::enum_text::enum_text!(Channel);

impl Channel {
    /// Whether the accession must carry the signatory's board decision.
    ///
    /// Board minutes are the board decision (Eslöv, Lund). A written application arrives on
    /// paper from the organisation as a body, so, as with minutes, the administrator needs
    /// the decision that mandates it. The form (Blekinge), the dialogue forum and signing at
    /// adoption (Södertälje) are signed in person or online by someone acting for the
    /// organisation, and the seeds ask for no minutes there; a board decision given anyway
    /// is checked and kept.
    pub fn needs_board_decision(self) -> bool {
        matches!(self, Self::BoardMinutes | Self::WrittenApplication)
    }
}

/// The signatory's own decision to join (styrelsebeslut): Lund "Anslutning sker genom att
/// föreningar/organisationer fattar ett styrelsebeslut och skickar in beslutet", as the
/// applicant states it; the submission checks it and keeps a [`BoardDecision`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardDecisionInput {
    /// The date of the board meeting.
    pub decided_on: NaiveDate,
    /// Where in the minutes, e.g. `§ 7`.
    pub minutes_reference: String,
    /// When the public body received the minutes.
    pub received_on: NaiveDate,
    /// The public body's diary number (diarienummer), once it has registered the minutes.
    pub diary_number: Option<String>,
}

impl BoardDecisionInput {
    /// Checks the decision against the Swedish date `today` and returns it with its texts
    /// trimmed (a blank diary number becomes `None`). Errors are named under `prefix`.
    pub fn validate(
        &self,
        v: &mut Validator,
        prefix: &str,
        today: NaiveDate,
    ) -> Option<BoardDecision> {
        // Dates leave no `Option` behind, so collect locally to know whether all passed.
        let mut local = Validator::new();
        let minutes_reference = local.text(
            &field(prefix, "minutes_reference"),
            &self.minutes_reference,
            MINUTES_REFERENCE_MAX,
        );
        let diary_number = local.optional_text(
            &field(prefix, "diary_number"),
            self.diary_number.as_deref(),
            DIARY_NUMBER_MAX,
        );
        if self.decided_on > today {
            local.add(
                field(prefix, "decided_on"),
                AccessionField::BoardDecisionInFuture,
            );
        }
        if self.received_on > today {
            local.add(
                field(prefix, "received_on"),
                AccessionField::MinutesReceivedInFuture,
            );
        } else if self.received_on < self.decided_on {
            local.add(
                field(prefix, "received_on"),
                AccessionField::MinutesBeforeBoardDecision,
            );
        }
        if !local.is_empty() {
            for error in local.into_errors() {
                v.push(error);
            }
            return None;
        }
        Some(BoardDecision(BoardDecisionInput {
            decided_on: self.decided_on,
            minutes_reference: minutes_reference?,
            received_on: self.received_on,
            diary_number,
        }))
    }
}

/// The board decision of an accession, as recorded: a [`BoardDecisionInput`] that passed its
/// checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardDecision(BoardDecisionInput);

impl BoardDecision {
    /// The date of the board meeting.
    pub fn decided_on(&self) -> NaiveDate {
        self.0.decided_on
    }

    /// Where in the minutes, e.g. `§ 7`.
    pub fn minutes_reference(&self) -> &str {
        &self.0.minutes_reference
    }

    /// When the public body received the minutes.
    pub fn received_on(&self) -> NaiveDate {
        self.0.received_on
    }

    /// The public body's diary number (diarienummer), once it has registered the minutes.
    pub fn diary_number(&self) -> Option<&str> {
        self.0.diary_number.as_deref()
    }

    /// A stored record, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: BoardDecisionInput) -> Self {
        Self(stored)
    }
}

/// The contact person as the client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPersonInput {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// The person the signatory names as its link to the agreement (Blekinge: "Varje signerande
/// organisation utser en kontaktperson"). Personal data: shown to administrators and the
/// signatory's own representatives, never in the public list or in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPerson {
    name: String,
    email: String,
    /// Optional: many small associations are reached by e-mail only.
    phone: Option<String>,
}

impl ContactPerson {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// A stored contact person, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: ContactPersonInput) -> Self {
        Self {
            name: stored.name,
            email: stored.email,
            phone: stored.phone,
        }
    }

    /// Validates a contact person sent at the top level of a request (`name`, `email`,
    /// `phone`).
    pub fn parse(input: &ContactPersonInput) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let contact = Self::validate(&mut v, "", input);
        v.finish()?;
        contact.ok_or_else(|| DomainError::Invalid(Vec::new()))
    }

    /// Validates into `v`, naming fields under `prefix` (`contact_person.email`).
    pub fn validate(v: &mut Validator, prefix: &str, input: &ContactPersonInput) -> Option<Self> {
        let name = v.text(&field(prefix, "name"), &input.name, CONTACT_NAME_MAX);
        let email = v
            .text(&field(prefix, "email"), &input.email, EMAIL_MAX)
            .and_then(|email| {
                if is_email(&email) {
                    Some(email)
                } else {
                    v.add(field(prefix, "email"), AccessionField::Email);
                    None
                }
            });
        let phone = v
            .optional_text(&field(prefix, "phone"), input.phone.as_deref(), PHONE_MAX)
            .and_then(|phone| {
                if is_phone(&phone) {
                    Some(phone)
                } else {
                    v.add(field(prefix, "phone"), AccessionField::Phone);
                    None
                }
            });
        let phone_ok =
            input.phone.as_deref().is_none_or(|p| p.trim().is_empty()) || phone.is_some();
        match (name, email, phone_ok) {
            (Some(name), Some(email), true) => Some(Self { name, email, phone }),
            _ => None,
        }
    }
}

/// A shape check, not a deliverability check: `local@domain.tld`, one `@`, no spaces, a
/// domain of dot-separated labels (Swedish letters allowed, as in IDN domains).
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

/// Digits, spaces and hyphens, an optional leading `+`; 7 to 15 digits (E.164's maximum),
/// so `0454-73 00 00` and `+46 454 73 00 00` pass.
fn is_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        && body.starts_with(|c: char| c.is_ascii_digit())
        && (7..=15).contains(&digits)
}

/// Where an accession is in its life. `submitted` and `approved` are open: at most one open
/// accession per signatory and agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum AccessionState {
    Submitted,
    /// The signatory is a party to the agreement.
    Approved,
    Rejected,
    Cancelled,
    Withdrawn,
    Ended,
}

crate::enum_text::enum_text!(AccessionState);

impl AccessionState {
    /// Submitted or approved: the states that block a second accession.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::Approved)
    }

    /// Every open state: an organisation with an accession in one is a signatory or an
    /// applicant of its agreement.
    pub fn open_states() -> impl Iterator<Item = Self> {
        use strum::IntoEnumIterator;
        Self::iter().filter(|s| s.is_open())
    }
}

/// Why an approved accession ended without the signatory withdrawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum EndReason {
    /// The agreement itself was terminated (Blekinge: "begära utträde ur partnerskapet").
    AgreementTerminated,
    /// A revision asked signatories to reconfirm and this one did not by the deadline.
    NotReconfirmed,
}

crate::enum_text::enum_text!(EndReason);

/// The formal written notice of leaving: Lund "skicka in ett styrelseprotokoll om att
/// föreningen inte längre vill vara ansluten"; Blekinge "styrgruppen ska meddelas formellt och
/// skriftligen". As the caller states it; [`super::Accession::withdraw`] checks it and keeps
/// a [`WithdrawalNotice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalNoticeInput {
    /// When the public body received the notice.
    pub received_on: NaiveDate,
    /// The notice's reference: a minutes paragraph, a letter's date, a diary number.
    pub reference: String,
    /// The first day on which the organisation is no longer a signatory. May lie in the
    /// future (a notice "per 31 december"): the signatory stays on the public list until then.
    pub effective_on: NaiveDate,
}

/// The written notice of an accession that was withdrawn: a [`WithdrawalNoticeInput`] that
/// passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalNotice(pub(super) WithdrawalNoticeInput);

impl WithdrawalNotice {
    /// When the public body received the notice.
    pub fn received_on(&self) -> NaiveDate {
        self.0.received_on
    }

    /// The notice's reference: a minutes paragraph, a letter's date, a diary number.
    pub fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The first day on which the organisation is no longer a signatory.
    pub fn effective_on(&self) -> NaiveDate {
        self.0.effective_on
    }

    /// A stored notice, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: WithdrawalNoticeInput) -> Self {
        Self(stored)
    }
}

/// A revision's request that this signatory reconfirm, instead of being carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconfirmation {
    pub(super) version: u32,
    pub(super) reconfirm_by: NaiveDate,
}

impl Reconfirmation {
    /// The revised version to reconfirm.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The last day on which the signatory may reconfirm; from the day after, it has ended.
    pub fn reconfirm_by(&self) -> NaiveDate {
        self.reconfirm_by
    }

    /// A stored request, read back: trusted stored data, not a way around the rules.
    pub fn restore(version: u32, reconfirm_by: NaiveDate) -> Self {
        Self {
            version,
            reconfirm_by,
        }
    }
}

/// An application made without an account (the form), until its contact person confirms
/// the e-mail address or an administrator verifies it by hand. It does not block another
/// application of the same organisation (anyone could otherwise squat on a number), is not
/// approved while pending, and is cancelled by the sweep after `verify_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingVerification {
    pub(super) verify_by: NaiveDate,
}

impl PendingVerification {
    /// The last day the application can be verified; from the day after, it has expired.
    pub fn verify_by(&self) -> NaiveDate {
        self.verify_by
    }

    /// A stored marker, read back: trusted stored data, not a way around the rules.
    pub fn restore(verify_by: NaiveDate) -> Self {
        Self { verify_by }
    }
}

/// How a pending application was verified; the history entry's `by` says who.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verifier {
    /// The contact person followed the confirmation link sent to the given address.
    EmailConfirmation,
    /// An agreement administrator verified it by hand (they called the association).
    Administrator,
}

/// What happened in a history entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum HistoryEvent {
    Submitted,
    Approved,
    Rejected,
    Cancelled,
    Withdrawn,
    Ended,
    /// A revised version was adopted and the accession carried over to it.
    CarriedOver,
    ReconfirmationRequested,
    Reconfirmed,
    ContactPersonUpdated,
    /// A recorded fact was wrong (an approval date): the right value, the reason and who
    /// corrected it, appended; the corrected entry stays as it was.
    Corrected,
    /// The signatory's name changed in the register; the entry's `reason` is the name it had
    /// until then, so the history keeps the name at the time.
    SignatoryRenamed,
    /// An application made without an account (the form) was verified: its contact person
    /// confirmed the e-mail address, or an administrator verified it by hand (`by` says who).
    Verified,
    /// An application made without an account was not verified in time; it is cancelled.
    VerificationExpired,
}

crate::enum_text::enum_text!(HistoryEvent);

/// One line of the append-only history. Events that do not change the state (carry-over,
/// reconfirmation, contact person) have `from == Some(to)`. Only the accession's operations
/// write one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub(super) event: HistoryEvent,
    pub(super) from: Option<AccessionState>,
    pub(super) to: AccessionState,
    pub(super) at: DateTime<Utc>,
    pub(super) by: String,
    pub(super) reason: Option<String>,
    /// A correction's reference: the number (position in the history, from 0) of the entry
    /// it corrects. `None` for every other event.
    pub(super) corrects: Option<u32>,
}

impl HistoryEntry {
    pub fn event(&self) -> HistoryEvent {
        self.event
    }

    /// `None` only for the first entry, the submission.
    pub fn from(&self) -> Option<AccessionState> {
        self.from
    }

    pub fn to(&self) -> AccessionState {
        self.to
    }

    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The caller's `sub`, or [`super::SYSTEM_ACTOR`] for the deadline sweep.
    pub fn by(&self) -> &str {
        &self.by
    }

    /// Why, in words: a rejection's reason, the notice's reference, the version carried over
    /// to. Never personal data.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// For a `corrected` entry, the number of the entry it corrects (its position in the
    /// history, counted from 0, as `seq` shows it).
    pub fn corrects(&self) -> Option<u32> {
        self.corrects
    }

    /// A stored correction's reference, read back (see [`HistoryEntry::corrects`]).
    pub fn with_corrects(mut self, corrects: Option<u32>) -> Self {
        self.corrects = corrects;
        self
    }

    /// A stored entry, read back: trusted stored data, not a way around the rules.
    /// The register renamed the signatory: the accession's state is unchanged, and the entry
    /// keeps `former_name`, the name every earlier entry was made under.
    pub fn signatory_renamed(
        state: AccessionState,
        former_name: &str,
        at: DateTime<Utc>,
        by: &str,
    ) -> Self {
        Self {
            event: HistoryEvent::SignatoryRenamed,
            from: Some(state),
            to: state,
            at,
            by: by.to_owned(),
            reason: Some(former_name.to_owned()),
            corrects: None,
        }
    }

    pub fn restore(
        event: HistoryEvent,
        from: Option<AccessionState>,
        to: AccessionState,
        at: DateTime<Utc>,
        by: String,
        reason: Option<String>,
    ) -> Self {
        Self {
            event,
            from,
            to,
            at,
            by,
            reason,
            corrects: None,
        }
    }
}

/// The notice reference, trimmed; errors under `reference`.
pub(super) fn notice_reference(v: &mut Validator, reference: &str) -> Option<String> {
    v.text("reference", reference, NOTICE_REFERENCE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn fields(result: Result<ContactPerson, DomainError>) -> Vec<(String, &'static str)> {
        match result {
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn signatory_json_names_its_kind() {
        let id = Uuid::from_u128(5);
        let json = serde_json::to_value(Signatory::PublicBody(id)).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"kind": "public_body", "id": id.to_string()})
        );
        let back: Signatory = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, Signatory::PublicBody(id));
        assert_eq!(
            Signatory::from_parts(SignatoryKind::Organization, id),
            Signatory::Organization(id)
        );
        assert_eq!(
            Signatory::Organization(id).kind(),
            SignatoryKind::Organization
        );
        assert_eq!(Signatory::Organization(id).id(), id);
    }

    #[test]
    fn which_channels_need_a_board_decision() {
        let needing: Vec<_> = Channel::iter()
            .filter(|c| c.needs_board_decision())
            .collect();
        assert_eq!(
            needing,
            [Channel::BoardMinutes, Channel::WrittenApplication]
        );
    }

    #[test]
    fn only_submitted_and_approved_are_open() {
        let open: Vec<_> = AccessionState::iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [AccessionState::Submitted, AccessionState::Approved]);
    }

    #[test]
    fn contact_person_is_trimmed() {
        let c = ContactPerson::parse(&ContactPersonInput {
            name: "  Åsa Östlund ".into(),
            email: " asa.ostlund@angsblomman.example ".into(),
            phone: Some(" +46 70-000 00 00 ".into()),
        })
        .expect("valid");
        assert_eq!(c.name(), "Åsa Östlund");
        assert_eq!(c.email(), "asa.ostlund@angsblomman.example");
        assert_eq!(c.phone(), Some("+46 70-000 00 00"));
    }

    #[test]
    fn contact_person_phone_is_optional() {
        let c = ContactPerson::parse(&ContactPersonInput {
            name: "Örjan Ängqvist".into(),
            email: "orjan@föreningen-ängen.example".into(),
            phone: Some("  ".into()),
        })
        .expect("valid");
        assert_eq!(c.phone(), None);
    }

    #[test]
    fn contact_person_reports_every_field() {
        assert_eq!(
            fields(ContactPerson::parse(&ContactPersonInput {
                name: " ".into(),
                email: "inte en adress".into(),
                phone: Some("ring mig".into()),
            })),
            [
                ("name".to_owned(), "required"),
                ("email".to_owned(), "email"),
                ("phone".to_owned(), "phone"),
            ]
        );
        assert_eq!(
            fields(ContactPerson::parse(&ContactPersonInput {
                name: "Å".repeat(CONTACT_NAME_MAX + 1),
                email: String::new(),
                phone: Some("1".repeat(PHONE_MAX + 1)),
            })),
            [
                ("name".to_owned(), "too_long"),
                ("email".to_owned(), "required"),
                ("phone".to_owned(), "too_long"),
            ]
        );
    }

    #[test]
    fn email_shapes() {
        for ok in [
            "a@b.se",
            "förnamn.efternamn@förening.example",
            "info+anslutning@idéburet.example",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.se",
            "a@@b.se",
            "a b@c.se",
            "a@b..se",
            "a@-b.se",
            "a@b.s",
            "a@b.s3",
            ".a@b.se",
            "a..b@c.se",
            "<a>@b.se",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phone_shapes() {
        for ok in [
            "0454-73 00 00",
            "+46 454 73 00 00",
            "08-123 45",
            "0700000000",
        ] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in [
            "123456",
            "++46 70 000 00 00",
            "46+70",
            "070 (000) 00",
            "0700 000 000 000 000 0",
            "-0700000000",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn board_decision_dates() {
        let today = date(2024, 5, 20);
        let good = BoardDecisionInput {
            decided_on: date(2024, 5, 2),
            minutes_reference: " § 7 ".into(),
            received_on: today,
            diary_number: Some(" ".into()),
        };
        let mut v = Validator::new();
        let checked = good
            .validate(&mut v, "board_decision", today)
            .expect("valid");
        assert!(v.is_empty());
        assert_eq!(checked.minutes_reference(), "§ 7");
        assert_eq!(checked.diary_number(), None);

        let mut v = Validator::new();
        let future = BoardDecisionInput {
            decided_on: date(2024, 5, 21),
            minutes_reference: "".into(),
            received_on: date(2024, 5, 22),
            diary_number: Some("KS 2024/1234".into()),
        };
        assert_eq!(future.validate(&mut v, "board_decision", today), None);
        let errors: Vec<_> = v
            .into_errors()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                ("board_decision.minutes_reference".to_owned(), "required"),
                ("board_decision.decided_on".to_owned(), "in_future"),
                ("board_decision.received_on".to_owned(), "in_future"),
            ]
        );

        let mut v = Validator::new();
        let received_early = BoardDecisionInput {
            decided_on: date(2024, 5, 10),
            minutes_reference: "§ 12".into(),
            received_on: date(2024, 5, 9),
            diary_number: None,
        };
        assert_eq!(received_early.validate(&mut v, "", today), None);
        let errors = v.into_errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("received_on", "before_decision")
        );
    }
}
