//! Agreements (överenskommelser): lifecycle, versions, settings and the follow-up calendar.
//!
//! ```text
//!   ┌──────────────────────── adopt ──────────────────────┐
//!   │                                                     ▼
//! draft ──open_consultation──▶ consultation ──adopt──▶ adopted ──terminate──▶ terminated
//!   └──────────── abandon ───────────┴──▶ abandoned
//!
//! while adopted, one revision at a time (the version in force keeps applying):
//!   start_revision ──▶ draft ──open_revision_consultation──▶ consultation ──adopt_revision──▶ adopted
//!                        └──────────────── abandon_revision ──────┴──▶ abandoned (kept on record)
//!   adopting a revision turns the version it replaces into `superseded`.
//! ```
//!
//! `expired` is never stored: [`Agreement::status`] shows it for an adopted agreement whose
//! version in force has a `valid_until` before `today`. Overdue follow-ups, evaluations and
//! revisions are derived the same way by [`due_items`].
//!
//! The aggregate is [`Agreement`]: its fields are read through methods and changed only by its
//! operations, and every illegal use is an [`AgreementRule`]. What a caller hands an
//! operation is an input (`AdoptionInput`, `TerminationInput`, …); what the agreement keeps is
//! the checked record (`AdoptionRecord`, `TerminationRecord`, …). Storage reads an agreement
//! back with [`Agreement::restore`].

mod calendar;
mod content;
mod demo;
mod lifecycle;
mod permissions;
mod renegotiation;
mod settings;
mod settings_history;
mod translation;
mod version;

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Lang, Term};

pub use calendar::{
    AgendaItem, DueItem, DueKind, ReportKind, ReportedTo, ReviewInput, ReviewKind, ReviewRecord,
    add_months, administrator_agenda, due_items,
};
pub use content::{Commitment, CommitmentParty, DevelopmentArea, Principle, VersionContent};
pub use demo::{DemoAgreement, DemoConsultation, DemoResponse, UpcomingRevision};
pub use lifecycle::{
    Agreement, AgreementParts, AgreementState, AgreementStatus, CivilSocietyParty,
    CivilSocietyPartyKind, NewAgreement, PartiesInput, RevisionAdopted, Scope, ShownStatus,
    TerminationInput, TerminationRecord,
};
pub use permissions::{
    Administered, PUBLIC_STATES, RECORD_STATES, acting_for, acting_organization_ids, acts_for_side,
    administered_by, co_administers, is_publicly_visible, may_administer, may_answer_renegotiation,
    may_create_agreement, may_file_renegotiation_as, may_file_renegotiation_request,
    may_record_review, may_run, may_view, may_view_version, may_withdraw_renegotiation,
};
pub use renegotiation::{
    RenegotiationAnswer, RenegotiationInput, RenegotiationOutcome, RenegotiationRequest,
    RenegotiationResolution, RenegotiationStatus, RequestingSide,
};
pub use settings::{
    AgreementSettings, EligibleArea, FRAME_ANCESTORS_MAX, NoticePeriod, OPEN_DATA_CONTACT_MAX,
    OWNER_UNIT_MAX, PeriodUnit, frame_ancestor_origin, is_functional_mailbox,
};
pub use settings_history::{RecordedSetting, SettingsActor, SettingsChange};
pub use translation::{
    CommitmentTranslation, DevelopmentAreaTranslation, LANGUAGE_TAG_MAX, LanguageTag,
    LocalizedContent, PrincipleTranslation, SUGGESTED_LANGUAGES, SWEDISH, TranslatedTexts,
    TranslationInput, VersionTranslation, localize, pick_language,
};
pub use version::{
    AdoptionInput, AdoptionRecord, AgreementVersion, ConsultationRecord, VersionParts,
    VersionStatus,
};

/// Longest accepted texts and lists. Markdown fields are generous: the seeds' longest
/// sections are a few thousand characters.
pub mod limits {
    pub const TITLE_MAX: usize = 300;
    pub const PURPOSE_MAX: usize = 20_000;
    pub const BACKGROUND_MAX: usize = 50_000;
    pub const PRINCIPLES_MAX: usize = 30;
    pub const PRINCIPLE_TITLE_MAX: usize = 200;
    pub const PRINCIPLE_DESCRIPTION_MAX: usize = 10_000;
    pub const COMMITMENTS_MAX: usize = 300;
    pub const COMMITMENT_TITLE_MAX: usize = 200;
    pub const COMMITMENT_TEXT_MAX: usize = 5_000;
    pub const DEVELOPMENT_AREAS_MAX: usize = 30;
    pub const DEVELOPMENT_AREA_TITLE_MAX: usize = 200;
    pub const DEVELOPMENT_AREA_DESCRIPTION_MAX: usize = 10_000;
    pub const PARTY_NAME_MAX: usize = 200;
    pub const PARTIES_MAX: usize = 50;
    pub const DECIDED_BY_MAX: usize = 200;
    pub const DIARY_NUMBER_MAX: usize = 50;
    pub const REASON_MAX: usize = 5_000;
    pub const SUMMARY_MAX: usize = 20_000;
    pub const DOCUMENT_REFERENCE_MAX: usize = 500;
    pub const STATEMENTS_MAX: usize = 20;
    pub const STATEMENT_MAX: usize = 500;
    /// Cadences and intervals: up to twenty years.
    pub const MONTHS_MAX: u32 = 240;
    pub const DAYS_MAX: u32 = 3_650;
    pub const MEETINGS_PER_YEAR_MAX: u32 = 52;
}

/// How an accession becomes active (per agreement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ApprovalMode {
    /// An administrator registers the board decision it received (Eslöv, Lund, Södertälje).
    Registration,
    /// A valid decision of the agreement's steering group is required (Blekinge).
    SteeringGroup,
}

crate::enum_text::enum_text!(ApprovalMode);

/// The licence the agreement's open data (its public signatory list, as catalogued for
/// dataportal.se) is published under, chosen by its administrator. CC0 by default: DIGG
/// recommends it for public data, and the list holds names of organisations and public facts
/// only, with nothing to attribute.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum OpenDataLicence {
    /// Creative Commons Zero (public domain dedication).
    #[default]
    Cc0,
    /// Creative Commons Attribution 4.0.
    #[serde(rename = "cc_by_4_0")]
    #[strum(serialize = "cc_by_4_0")]
    CcBy40,
}

crate::enum_text::enum_text!(OpenDataLicence);

impl OpenDataLicence {
    /// The licence's URI exactly as DCAT-AP-SE asks for it: `http`, no language, the
    /// trailing slash.
    pub fn uri(self) -> &'static str {
        match self {
            Self::Cc0 => "http://creativecommons.org/publicdomain/zero/1.0/",
            Self::CcBy40 => "http://creativecommons.org/licenses/by/4.0/",
        }
    }
}

crate::rules! {
    /// What the state of an agreement forbids; each is a 409 with its `code`.
    pub enum AgreementRule {
        /// The referral round (remiss) is on a draft (Eslöv: "förslag … för remiss").
        NotDraft { state: AgreementState } => "agreement_not_draft" {
            en: "only a draft agreement can be sent on consultation; this one is {state} (a revision has its own consultation)",
            sv: "bara ett utkast kan skickas på remiss; den här överenskommelsen är {state} (en revidering har en egen remiss)",
        },
        ConsultationAlreadyOpen => "consultation_already_open" {
            en: "the consultation on this draft is already open",
            sv: "utkastet är redan ute på remiss",
        },
        NotInPreparation { state: AgreementState } => "agreement_not_in_preparation" {
            en: "only a draft or an agreement on consultation can be adopted, abandoned or have its parties changed; this one is {state}",
            sv: "bara ett utkast eller en överenskommelse på remiss kan antas, avbrytas eller få nya parter; den här är {state}",
        },
        NotAdopted { state: AgreementState } => "agreement_not_adopted" {
            en: "only an adopted agreement can be revised, terminated, followed up or renegotiated; this one is {state}",
            sv: "bara en antagen överenskommelse kan revideras, sägas upp, följas upp eller omförhandlas; den här är {state}",
        },
        Closed { state: AgreementState } => "agreement_closed" {
            en: "the agreement is {state}: it can no longer be changed",
            sv: "överenskommelsen är {state}: den kan inte längre ändras",
        },
        /// An adopted text is what was decided: changing it takes a revision.
        VersionNotEditable => "version_not_editable" {
            en: "there is no draft to edit: an adopted version's text cannot change, start a revision instead",
            sv: "det finns inget utkast att ändra: en antagen versions text ändras inte, påbörja en revidering i stället",
        },
        RevisionAlreadyInProgress => "revision_already_in_progress" {
            en: "a revision of this agreement is already in progress",
            sv: "en revidering av överenskommelsen pågår redan",
        },
        NoRevisionInProgress => "no_revision_in_progress" {
            en: "no revision of this agreement is in progress",
            sv: "ingen revidering av överenskommelsen pågår",
        },
        /// Switching to `registration` and back would bypass the steering group unseen.
        DecisionsPending { count: u64 } => "decisions_pending" {
            en: "the approval mode cannot change while {count} accession(s) await a decision",
            sv: "sättet att godkänna anslutningar kan inte ändras medan {count} anslutning(ar) väntar på beslut",
        },
        /// An answer or a withdrawal ends a request; neither can follow the other.
        RenegotiationNotFiled { status: RenegotiationStatus } => "renegotiation_not_filed" {
            en: "only a filed renegotiation request can be answered or withdrawn; this one is {status}",
            sv: "bara en inlämnad begäran om omförhandling kan besvaras eller återkallas; den här är {status}",
        },
        /// Swedish is the authoritative text; a translation is of a text that no longer
        /// changes.
        VersionNotTranslatable { number: u32, status: VersionStatus } => "version_not_translatable" {
            en: "only an adopted or superseded version can be translated; version {number} is {status}",
            sv: "bara en antagen eller ersatt version kan översättas; version {number} är {status}",
        },
        /// Every seed is built on its principles (six or seven).
        NoPrinciples => "no_principles" {
            en: "an agreement cannot be adopted without at least one principle",
            sv: "en överenskommelse kan inte antas utan minst en princip",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of an agreement request, alone or against the
    /// agreement's recorded dates (its adoption, its consultation, the version in force);
    /// each is a 422 naming the field.
    pub enum AgreementField {
        PartiesRequired => "required" {
            en: "an agreement has at least one public body as a party",
            sv: "en överenskommelse har minst en offentlig aktör som part",
        },
        TooManyParties { max: usize } => "too_many" {
            en: "at most {max} public bodies",
            sv: "högst {max} offentliga aktörer",
        },
        PartyListedTwice => "duplicate" {
            en: "this public body is already listed",
            sv: "den offentliga aktören finns redan med i listan",
        },
        OwnerNotAParty => "not_a_party" {
            en: "the owning public body must be one of the parties",
            sv: "den ansvariga offentliga aktören måste vara en av parterna",
        },
        UnknownPublicBody => "unknown_public_body" {
            en: "no such public body in the register",
            sv: "det finns ingen sådan offentlig aktör i registret",
        },
        UnknownScbCode { code: String } => "unknown_public_body" {
            en: "no public body has SCB code {code}",
            sv: "ingen offentlig aktör har SCB-koden {code}",
        },
        SectorIsNoOrganization => "not_allowed" {
            en: "the sector as a whole is not one organisation: only a network has an organisation id",
            sv: "den idéburna sektorn som helhet är inte en organisation: bara ett nätverk har ett organisations-id",
        },
        AreaNotListed => "not_allowed" {
            en: "municipalities are listed only when eligible_area is listed_municipalities",
            sv: "kommuner anges bara när eligible_area är listed_municipalities",
        },
        TooManyMunicipalities { max: usize } => "too_many" {
            en: "at most {max} municipalities",
            sv: "högst {max} kommuner",
        },
        MunicipalitiesRequired => "required" {
            en: "an agreement covers at least one municipality",
            sv: "en överenskommelse gäller minst en kommun",
        },
        DifferentCounty { county: String } => "different_county" {
            en: "a regional agreement covers one county; this code is not in county {county}",
            sv: "en regional överenskommelse gäller ett län; koden ligger inte i län {county}",
        },
        TooManyPrinciples { max: usize } => "too_many" {
            en: "at most {max} principles",
            sv: "högst {max} principer",
        },
        PrincipleNumberOutOfRange => "out_of_range" {
            en: "principle numbers start at 1",
            sv: "principernas nummer börjar på 1",
        },
        PrincipleNumberTaken { number: u32 } => "duplicate" {
            en: "another principle already has number {number}",
            sv: "en annan princip har redan nummer {number}",
        },
        TooManyCommitments { max: usize } => "too_many" {
            en: "at most {max} commitments",
            sv: "högst {max} åtaganden",
        },
        PrincipleListedTwice { number: u32 } => "duplicate" {
            en: "principle {number} is listed twice",
            sv: "princip {number} finns med två gånger",
        },
        UnknownPrinciple { number: u32 } => "unknown_principle" {
            en: "this version has no principle number {number}",
            sv: "den här versionen har ingen princip med nummer {number}",
        },
        TooManyDevelopmentAreas { max: usize } => "too_many" {
            en: "at most {max} development areas",
            sv: "högst {max} utvecklingsområden",
        },
        TooManyStatements { max: usize } => "too_many" {
            en: "at most {max} statements",
            sv: "högst {max} villkor",
        },
        StatementListedTwice => "duplicate" {
            en: "the same statement is listed twice",
            sv: "samma villkor finns med två gånger",
        },
        MonthsOutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max} months",
            sv: "måste vara mellan 1 och {max} månader",
        },
        DaysOutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max} days",
            sv: "måste vara mellan 1 och {max} dagar",
        },
        /// An origin that may frame the embed page: `https://www.kommun.se`, with an optional
        /// port and `*.` for every subdomain; no path.
        NotAnOrigin => "invalid_origin" {
            en: "must be a web origin such as https://www.kommun.se (scheme and host, an optional port, no path)",
            sv: "måste vara ett webbursprung som https://www.kommun.se (schema och värd, valfri port, ingen sökväg)",
        },
        TooManyOrigins { max: usize } => "too_many" {
            en: "at most {max} origins",
            sv: "högst {max} ursprung",
        },
        /// A contact point that has the form of a person's address (`förnamn.efternamn@…`):
        /// it must be a functional mailbox (`settings::is_functional_mailbox`).
        PersonalAddress => "personal_address" {
            en: "must be a functional mailbox (samverkan@kommun.se), not a person's address (förnamn.efternamn@…); join words with - instead",
            sv: "måste vara en funktionsbrevlåda (samverkan@kommun.se), inte en persons adress (förnamn.efternamn@…); binda ihop ord med - i stället",
        },
        /// The open-data contact is a functional mailbox (`overenskommelse@kommun.se`).
        OpenDataContactNotAMailbox => "email" {
            en: "must be an e-mail address (a functional mailbox, not a person's)",
            sv: "måste vara en e-postadress (en funktionsbrevlåda, inte en persons)",
        },
        MeetingsOutOfRange { max: u32 } => "out_of_range" {
            en: "must be between 1 and {max} meetings",
            sv: "måste vara mellan 1 och {max} möten",
        },
        InvalidLanguage => "invalid_language" {
            en: "must be a BCP 47 language tag (fi, fit, se, sma, rom, yi, en …)",
            sv: "måste vara en språktagg enligt BCP 47 (fi, fit, se, sma, rom, yi, en …)",
        },
        SwedishIsTheOriginal => "swedish_is_the_original" {
            en: "the Swedish text is the original, not a translation",
            sv: "den svenska texten är originalet, inte en översättning",
        },
        NoSuchItem { index: u32, count: usize } => "out_of_range" {
            en: "there is no item {index} here: the version has {count} (counted from 0)",
            sv: "det finns ingen post {index} här: versionen har {count} (räknat från 0)",
        },
        ItemListedTwice { index: u32 } => "duplicate" {
            en: "item {index} is translated twice",
            sv: "post {index} är översatt två gånger",
        },
        DecisionInFuture => "in_future" {
            en: "a decision cannot be dated in the future",
            sv: "ett beslut kan inte vara daterat i framtiden",
        },
        ValidUntilNotAfterValidFrom => "not_after_valid_from" {
            en: "the last day of validity must be after valid_from",
            sv: "sista giltighetsdagen måste ligga efter valid_from",
        },
        /// Checked against the open consultation (remiss) on record.
        DecisionBeforeConsultation { opened_on: NaiveDate } => "before_consultation" {
            en: "the decision cannot precede the consultation opened on {opened_on}",
            sv: "beslutet kan inte fattas före remissen som öppnades {opened_on}",
        },
        /// Checked against the version in force.
        RevisionDecidedBeforeCurrent { decided_on: NaiveDate } => "revision_predates_current" {
            en: "a revision cannot be decided before the version it supersedes was decided ({decided_on})",
            sv: "en revidering kan inte beslutas före beslutet om versionen den ersätter ({decided_on})",
        },
        /// Checked against the version in force.
        RevisionValidBeforeCurrent { valid_from: NaiveDate } => "revision_predates_current" {
            en: "a revision cannot take effect before the version it supersedes took effect ({valid_from})",
            sv: "en revidering kan inte börja gälla före versionen den ersätter ({valid_from})",
        },
        /// Checked against the adoption on record.
        TerminationBeforeAdoption { adopted_on: NaiveDate } => "before_adoption" {
            en: "the agreement cannot be terminated before it was adopted ({adopted_on})",
            sv: "överenskommelsen kan inte sägas upp före antagandet ({adopted_on})",
        },
        TerminationBeforeDecision => "before_decision" {
            en: "a termination cannot take effect before it was decided",
            sv: "en uppsägning kan inte gälla från ett datum före beslutet om den",
        },
        ReviewInFuture => "in_future" {
            en: "a review cannot be recorded as done in the future",
            sv: "en uppföljning kan inte registreras som gjord i framtiden",
        },
        /// Checked against the adoption on record.
        ReviewBeforeAdoption { adopted_on: NaiveDate } => "before_adoption" {
            en: "a review cannot be done before the agreement was adopted ({adopted_on})",
            sv: "en uppföljning kan inte vara gjord före antagandet av överenskommelsen ({adopted_on})",
        },
        RenegotiationBodyRequired => "required" {
            en: "name the public body that requests renegotiation",
            sv: "ange vilken offentlig aktör som begär omförhandling",
        },
        /// Checked against the agreement's parties.
        RenegotiationNotAParty => "not_a_party" {
            en: "only a party to the agreement can call for renegotiation",
            sv: "bara en part i överenskommelsen kan begära omförhandling",
        },
        RenegotiationBodyNotAllowed => "not_allowed" {
            en: "a request by the civil-society party names no public body",
            sv: "en begäran från den idéburna parten anger ingen offentlig aktör",
        },
        RequestInFuture => "in_future" {
            en: "a request cannot be dated in the future",
            sv: "en begäran kan inte vara daterad i framtiden",
        },
        /// Checked against the adoption on record.
        RequestBeforeAdoption { adopted_on: NaiveDate } => "before_adoption" {
            en: "renegotiation can be called for only once the agreement is adopted ({adopted_on})",
            sv: "omförhandling kan begäras först när överenskommelsen är antagen ({adopted_on})",
        },
        /// Checked against the request's date.
        BeforeRequestFiled { filed_on: NaiveDate } => "before_filed_on" {
            en: "cannot be dated before the request was filed ({filed_on})",
            sv: "kan inte dateras före begäran lämnades in ({filed_on})",
        },
        RequestedBeforeFiled => "before_filed_on" {
            en: "renegotiation cannot be requested from a date before the request",
            sv: "omförhandling kan inte begäras från ett datum före begäran",
        },
    }
}

impl Term for RenegotiationStatus {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Filed => lang.pick("filed", "inlämnad"),
            Self::Answered => lang.pick("answered", "besvarad"),
            Self::Withdrawn => lang.pick("withdrawn", "återkallad"),
        })
    }
}

impl Term for VersionStatus {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Draft => lang.pick("a draft", "ett utkast"),
            Self::Consultation => lang.pick("on consultation", "på remiss"),
            Self::Adopted => lang.pick("adopted", "antagen"),
            Self::Superseded => lang.pick("superseded", "ersatt"),
            Self::Abandoned => lang.pick("abandoned", "avbruten"),
        })
    }
}

impl Term for AgreementState {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Draft => lang.pick("draft", "ett utkast"),
            Self::Consultation => lang.pick("on consultation", "på remiss"),
            Self::Adopted => lang.pick("adopted", "antagen"),
            Self::Terminated => lang.pick("terminated", "uppsagd"),
            Self::Abandoned => lang.pick("abandoned", "avbruten"),
        })
    }
}

/// Fixtures shared by the agreement tests: a Södertälje-like municipal agreement.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;
    use uuid::Uuid;

    use super::*;
    use crate::error::DomainError;

    pub const AGREEMENT: Uuid = Uuid::from_u128(0xA);
    pub const OWNER: Uuid = Uuid::from_u128(181);
    pub const OTHER_BODY: Uuid = Uuid::from_u128(1285);

    pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    pub fn today() -> NaiveDate {
        date(2026, 11, 23)
    }

    pub fn principle(number: u32, title: &str) -> Principle {
        Principle {
            number,
            title: title.into(),
            description: format!(
                "Principen om {} är vägledande för samverkan.",
                title.to_lowercase()
            ),
        }
    }

    pub fn content() -> VersionContent {
        VersionContent {
            title: "Samverkansöverenskommelse mellan idéburen sektor och Exempelby kommun".into(),
            purpose: "Att skapa gemensamma förhållningssätt och tydliggöra rollerna.".into(),
            background: Some("Framtagen i en dialogprocess med föreningslivet.".into()),
            principles: vec![
                principle(1, "Långsiktighet"),
                principle(2, "Öppenhet och insyn"),
            ],
            commitments: vec![
                Commitment {
                    party: CommitmentParty::PublicBody,
                    title: None,
                    text: "Att se till att överenskommelsen följs upp årligen".into(),
                    principles: vec![1],
                },
                Commitment {
                    party: CommitmentParty::Both,
                    title: None,
                    text: "Att sprida information om överenskommelsen".into(),
                    principles: vec![2, 1],
                },
            ],
            development_areas: vec![DevelopmentArea {
                title: "Långsiktighet".into(),
                description: "Vi vill hålla överenskommelsen levande.".into(),
            }],
        }
    }

    pub fn parties() -> PartiesInput {
        PartiesInput {
            owner_public_body_id: OWNER,
            party_public_body_ids: vec![OWNER],
            civil_society_party: CivilSocietyParty {
                kind: CivilSocietyPartyKind::Sector,
                name: "Idéburen sektor i Södertälje".into(),
                organization_id: None,
            },
            scope: Scope::Municipal,
            municipality_codes: vec!["0181".into()],
        }
    }

    pub fn settings() -> AgreementSettings {
        AgreementSettings {
            follow_up_months: Some(12),
            revision_interval_months: Some(48),
            dialogue_meetings_per_year: 2,
            ..AgreementSettings::default()
        }
    }

    pub fn new_agreement() -> NewAgreement {
        NewAgreement {
            parties: parties(),
            settings: settings(),
            content: content(),
        }
    }

    pub fn draft() -> Agreement {
        Agreement::create(AGREEMENT, new_agreement()).expect("a valid agreement")
    }

    /// A consultation opened on `on`, open to all, answering by two months later, with two
    /// questions.
    pub fn consultation(on: NaiveDate) -> crate::consultation::ConsultationInput {
        crate::consultation::ConsultationInput {
            opened_on: on,
            response_deadline: on + chrono::Days::new(60),
            invited: crate::consultation::InvitedParties::default(),
            questions: vec![
                "Hur ser ni på förslagets principer?".into(),
                "Vilka åtaganden saknas?".into(),
            ],
            restricted: false,
        }
    }

    /// Kommunfullmäktige's decision on `on`, valid from that day until further notice.
    pub fn adoption_record(on: NaiveDate) -> AdoptionRecord {
        AdoptionRecord::restore(adoption(on))
    }

    /// Kommunfullmäktige's decision on `on`, valid from that day until further notice.
    pub fn adoption(on: NaiveDate) -> AdoptionInput {
        AdoptionInput {
            decided_by: "Kommunfullmäktige".into(),
            decision_date: on,
            diary_number: Some("KS 17/53".into()),
            valid_from: on,
            valid_until: None,
        }
    }

    pub fn adopted(on: NaiveDate) -> Agreement {
        let mut a = draft();
        a.adopt(adoption(on), today()).expect("adopts");
        a
    }

    /// The field and code of each error of an invalid request.
    pub fn invalid_fields(
        result: Result<impl std::fmt::Debug, DomainError>,
    ) -> Vec<(String, &'static str)> {
        match result {
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    /// The rule code of a refused operation.
    pub fn rule(result: Result<impl std::fmt::Debug, DomainError>) -> &'static str {
        match result {
            Err(DomainError::Conflict { code, .. }) => code,
            other => panic!("expected a broken rule, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DomainError;

    #[test]
    fn rules_become_conflicts_with_their_code() {
        let rule = AgreementRule::NotDraft {
            state: AgreementState::Adopted,
        };
        assert_eq!(rule.code(), "agreement_not_draft");
        let DomainError::Conflict { code, message } = DomainError::from(rule) else {
            panic!("a rule is a conflict")
        };
        assert_eq!(code, "agreement_not_draft");
        assert!(
            message
                .get(Lang::En)
                .ends_with("this one is adopted (a revision has its own consultation)"),
            "{message}"
        );
        assert!(
            message.get(Lang::Sv).starts_with(
                "bara ett utkast kan skickas på remiss; den här överenskommelsen är antagen"
            ),
            "{}",
            message.get(Lang::Sv)
        );
        assert_eq!(
            AgreementRule::RevisionAlreadyInProgress.code(),
            "revision_already_in_progress"
        );
    }
}
