//! Agreements: their text, settings, parties and decision records, as requests send them and
//! as clients read them.

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::accession::Channel;
use samverkan_domain::agreement::{
    self, ApprovalMode, CivilSocietyPartyKind, CommitmentParty, DueKind, EligibleArea,
    OpenDataLicence, PeriodUnit, RenegotiationOutcome, RenegotiationStatus, RequestingSide,
    ShownStatus, VersionStatus, limits,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use strum::IntoEnumIterator;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schemas::{Field, RulesBetweenFields, when};

// ---------------------------------------------------------------- the text of a version

/// The content of a version as a request sends it: what the parties adopt. The server
/// validates and normalises it (texts trimmed) before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionContentInput {
    #[schema(schema_with = content_title)]
    pub title: String,
    /// Why the agreement exists (syfte och mål). Markdown.
    #[schema(schema_with = content_purpose)]
    pub purpose: String,
    /// Background and process (bakgrund, framtagningsprocess). Markdown.
    #[serde(default)]
    #[schema(schema_with = content_background)]
    pub background: Option<String>,
    #[serde(default)]
    pub principles: Vec<Principle>,
    #[serde(default)]
    pub commitments: Vec<CommitmentInput>,
    #[serde(default)]
    pub development_areas: Vec<DevelopmentArea>,
}

/// The content of a version: what the parties adopted (or are preparing), as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct VersionContent {
    pub title: String,
    /// Why the agreement exists (syfte och mål). Markdown.
    pub purpose: String,
    /// Background and process (bakgrund, framtagningsprocess). Markdown; null when none.
    pub background: Option<String>,
    pub principles: Vec<Principle>,
    pub commitments: Vec<Commitment>,
    pub development_areas: Vec<DevelopmentArea>,
}

fn content_title() -> Field {
    Field::text(limits::TITLE_MAX, "Överenskommelse om samverkan")
}

fn content_purpose() -> Field {
    Field::text(
        limits::PURPOSE_MAX,
        "Att stärka samverkan mellan kommunen och föreningslivet.",
    )
    .described("Why the agreement exists (syfte och mål). Markdown.")
}

fn content_background() -> Field {
    Field::optional_text(limits::BACKGROUND_MAX)
        .described("Background and process (bakgrund, framtagningsprocess). Markdown.")
}

/// A numbered collaboration principle. Numbers are the agreement's own (Eslöv numbers them
/// I–VI, stored as 1–6); the list keeps the order in which the agreement presents them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    #[schema(schema_with = principle_number)]
    pub number: u32,
    #[schema(schema_with = principle_title)]
    pub title: String,
    /// Markdown.
    #[schema(schema_with = principle_description)]
    pub description: String,
}

/// Principle numbers start at 1.
fn principle_number() -> Field {
    Field::integer(1, u32::MAX)
}

fn principle_title() -> Field {
    Field::text(limits::PRINCIPLE_TITLE_MAX, "Dialog")
}

fn principle_description() -> Field {
    Field::text(
        limits::PRINCIPLE_DESCRIPTION_MAX,
        "Parterna för en öppen dialog.",
    )
    .described("Markdown.")
}

/// An undertaking by one party, or both, serving one or more principles (by number), as a
/// request sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    pub party: CommitmentParty,
    /// Lund names its commitments ("Öppna kontaktvägar"); Södertälje's are bare sentences.
    #[serde(default)]
    #[schema(schema_with = commitment_title)]
    pub title: Option<String>,
    /// Markdown.
    #[schema(schema_with = commitment_text)]
    pub text: String,
    /// The numbers of the principles it serves; may be empty (Lund's follow-up commitment
    /// names none).
    #[serde(default)]
    pub principles: Vec<u32>,
}

/// An undertaking by one party, or both, serving one or more principles (by number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Commitment {
    pub party: CommitmentParty,
    /// Lund names its commitments ("Öppna kontaktvägar"); null for a bare sentence.
    pub title: Option<String>,
    /// Markdown.
    pub text: String,
    /// The numbers of the principles it serves; may be empty.
    pub principles: Vec<u32>,
}

fn commitment_title() -> Field {
    Field::optional_text(limits::COMMITMENT_TITLE_MAX).described(
        "Lund names its commitments (\"Öppna kontaktvägar\"); Södertälje's are bare sentences.",
    )
}

fn commitment_text() -> Field {
    Field::text(
        limits::COMMITMENT_TEXT_MAX,
        "Kommunen bjuder in till dialogmöten.",
    )
    .described("Markdown.")
}

/// A focus area (utvecklingsområde): Södertälje has four.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentArea {
    #[schema(schema_with = development_area_title)]
    pub title: String,
    /// Markdown.
    #[schema(schema_with = development_area_description)]
    pub description: String,
}

fn development_area_title() -> Field {
    Field::text(limits::DEVELOPMENT_AREA_TITLE_MAX, "Mötesplatser")
}

fn development_area_description() -> Field {
    Field::text(
        limits::DEVELOPMENT_AREA_DESCRIPTION_MAX,
        "Fler öppna mötesplatser i länet.",
    )
    .described("Markdown.")
}

impl From<VersionContentInput> for agreement::VersionContent {
    fn from(c: VersionContentInput) -> Self {
        Self {
            title: c.title,
            purpose: c.purpose,
            background: c.background,
            principles: c
                .principles
                .into_iter()
                .map(|p| agreement::Principle {
                    number: p.number,
                    title: p.title,
                    description: p.description,
                })
                .collect(),
            commitments: c
                .commitments
                .into_iter()
                .map(|c| agreement::Commitment {
                    party: c.party,
                    title: c.title,
                    text: c.text,
                    principles: c.principles,
                })
                .collect(),
            development_areas: c
                .development_areas
                .into_iter()
                .map(|a| agreement::DevelopmentArea {
                    title: a.title,
                    description: a.description,
                })
                .collect(),
        }
    }
}

impl From<&agreement::VersionContent> for VersionContent {
    fn from(c: &agreement::VersionContent) -> Self {
        Self {
            title: c.title.clone(),
            purpose: c.purpose.clone(),
            background: c.background.clone(),
            principles: c
                .principles
                .iter()
                .map(|p| Principle {
                    number: p.number,
                    title: p.title.clone(),
                    description: p.description.clone(),
                })
                .collect(),
            commitments: c
                .commitments
                .iter()
                .map(|c| Commitment {
                    party: c.party,
                    title: c.title.clone(),
                    text: c.text.clone(),
                    principles: c.principles.clone(),
                })
                .collect(),
            development_areas: c
                .development_areas
                .iter()
                .map(|a| DevelopmentArea {
                    title: a.title.clone(),
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------- translations

/// A translation of a version's public texts into one language, as a request records it.
/// Only the title is required: every text left out is read in Swedish, the authoritative
/// text, and marked as a fallback. Recording a language again replaces its translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionTranslationInput {
    /// A BCP 47 language tag other than Swedish: `en`, or a national minority language
    /// (`fi` Finnish, `fit` Meänkieli, `se`/`sma`/`smj`/`sju`/`sje` Sami, `rom`/`rmf`
    /// Romani, `yi` Yiddish), or any other well-formed tag. Stored in its normal case.
    #[schema(schema_with = translation_language)]
    pub language: String,
    #[schema(schema_with = content_title)]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = translated_purpose)]
    pub purpose: Option<String>,
    /// Principles by their number.
    #[serde(default)]
    pub principles: Vec<PrincipleTranslationInput>,
    /// Commitments by their place in the version's list, from 0.
    #[serde(default)]
    pub commitments: Vec<CommitmentTranslationInput>,
    /// Development areas by their place in the version's list, from 0.
    #[serde(default)]
    pub development_areas: Vec<DevelopmentAreaTranslationInput>,
}

fn translation_language() -> Field {
    Field::json(json!({
        "type": "string",
        "minLength": 2,
        "maxLength": agreement::LANGUAGE_TAG_MAX,
        "pattern": "^[^\\u0000]*$",
        "example": "fi",
    }))
    .described("A BCP 47 language tag other than Swedish (`fi`, `fit`, `se`, `sma`, `rom`, `yi`, `en`, …).")
}

fn translated_purpose() -> Field {
    Field::optional_text(limits::PURPOSE_MAX).described("Markdown; null: read in Swedish.")
}

/// One principle's translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrincipleTranslationInput {
    /// The principle's number in the version.
    pub number: u32,
    #[serde(default)]
    #[schema(schema_with = translated_principle_title)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = translated_principle_description)]
    pub description: Option<String>,
}

fn translated_principle_title() -> Field {
    Field::optional_text(limits::PRINCIPLE_TITLE_MAX)
}

fn translated_principle_description() -> Field {
    Field::optional_text(limits::PRINCIPLE_DESCRIPTION_MAX).described("Markdown.")
}

/// One commitment's translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentTranslationInput {
    /// The commitment's place in the version's list, from 0.
    pub index: u32,
    #[serde(default)]
    #[schema(schema_with = translated_commitment_title)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = translated_commitment_text)]
    pub text: Option<String>,
}

fn translated_commitment_title() -> Field {
    Field::optional_text(limits::COMMITMENT_TITLE_MAX)
}

fn translated_commitment_text() -> Field {
    Field::optional_text(limits::COMMITMENT_TEXT_MAX).described("Markdown.")
}

/// One development area's translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentAreaTranslationInput {
    /// The area's place in the version's list, from 0.
    pub index: u32,
    #[serde(default)]
    #[schema(schema_with = translated_area_title)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = translated_area_description)]
    pub description: Option<String>,
}

fn translated_area_title() -> Field {
    Field::optional_text(limits::DEVELOPMENT_AREA_TITLE_MAX)
}

fn translated_area_description() -> Field {
    Field::optional_text(limits::DEVELOPMENT_AREA_DESCRIPTION_MAX).described("Markdown.")
}

impl From<VersionTranslationInput> for agreement::TranslatedTexts {
    fn from(t: VersionTranslationInput) -> Self {
        Self {
            title: t.title,
            purpose: t.purpose,
            principles: t
                .principles
                .into_iter()
                .map(|p| agreement::PrincipleTranslation {
                    number: p.number,
                    title: p.title,
                    description: p.description,
                })
                .collect(),
            commitments: t
                .commitments
                .into_iter()
                .map(|c| agreement::CommitmentTranslation {
                    index: c.index,
                    title: c.title,
                    text: c.text,
                })
                .collect(),
            development_areas: t
                .development_areas
                .into_iter()
                .map(|a| agreement::DevelopmentAreaTranslation {
                    index: a.index,
                    title: a.title,
                    description: a.description,
                })
                .collect(),
        }
    }
}

/// A recorded translation of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TranslationSummary {
    /// Its BCP 47 language tag, in normal case.
    pub language: String,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (the token's `sub`): shown to the agreement's administrators and
    /// co-administrators only, null for everyone else.
    pub recorded_by: Option<String>,
}

// ---------------------------------------------------------------- the framework

/// The civil-society side of the agreement, as a request names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CivilSocietyPartyInput {
    pub kind: CivilSocietyPartyKind,
    #[schema(schema_with = party_name)]
    pub name: String,
    /// A network that is in the organisation register; a sector is not one organisation.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// The civil-society side of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CivilSocietyParty {
    pub kind: CivilSocietyPartyKind,
    pub name: String,
    /// A network that is in the organisation register; null for a sector, which is not one
    /// organisation.
    pub organization_id: Option<Uuid>,
}

fn party_name() -> Field {
    Field::text(limits::PARTY_NAME_MAX, "Idéburen sektor i Älvsby")
}

impl RulesBetweenFields for CivilSocietyPartyInput {
    /// `CivilSocietyPartyKind::may_name_organization`.
    fn rules() -> Vec<Value> {
        let kinds: Vec<&'static str> = CivilSocietyPartyKind::iter()
            .filter(|k| !k.may_name_organization())
            .map(CivilSocietyPartyKind::as_str)
            .collect();
        vec![when(
            "kind",
            &kinds,
            json!({"properties": {"organization_id": {"type": "null"}}}),
        )]
    }
}

impl From<CivilSocietyPartyInput> for agreement::CivilSocietyParty {
    fn from(p: CivilSocietyPartyInput) -> Self {
        Self {
            kind: p.kind,
            name: p.name,
            organization_id: p.organization_id,
        }
    }
}

impl From<&agreement::CivilSocietyParty> for CivilSocietyParty {
    fn from(p: &agreement::CivilSocietyParty) -> Self {
        Self {
            kind: p.kind,
            name: p.name.clone(),
            organization_id: p.organization_id,
        }
    }
}

/// A notice period, e.g. three months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticePeriod {
    #[schema(schema_with = notice_amount)]
    pub amount: u32,
    pub unit: PeriodUnit,
}

/// The longest notice in any unit; a shorter unit's limit is a rule between the fields.
fn longest_notice() -> u32 {
    PeriodUnit::iter()
        .map(PeriodUnit::max_amount)
        .max()
        .unwrap_or(0)
}

fn notice_amount() -> Field {
    Field::integer(1, longest_notice())
}

impl RulesBetweenFields for NoticePeriod {
    /// `PeriodUnit::max_amount`, for each unit whose limit is below the longest.
    fn rules() -> Vec<Value> {
        PeriodUnit::iter()
            .filter(|u| u.max_amount() < longest_notice())
            .map(|u| {
                when(
                    "unit",
                    &[u.as_str()],
                    json!({"properties": {"amount": {"maximum": u.max_amount()}}}),
                )
            })
            .collect()
    }
}

/// Settings per agreement, as a request sets them. Every field has a default so a request may
/// send only what it sets; the agreement checks the ranges. Cadences count from the date the
/// agreement came into force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct AgreementSettingsInput {
    /// Eslöv, Lund, Södertälje: registration; Blekinge: the steering group approves.
    pub approval_mode: ApprovalMode,
    /// Blekinge: "offentliga aktörer … kan ansluta sig"; the municipal agreements: no.
    pub public_bodies_may_accede: bool,
    /// What an applicant affirms, in the agreement's language (Lund: "utgår från en
    /// demokratisk värdegrund, att alla människor har ett lika värde …").
    #[schema(schema_with = eligibility_statements)]
    pub eligibility_statements: Vec<String>,
    /// Follow-up (uppföljning) every n months: Eslöv, Södertälje, Blekinge 12; Lund 48.
    #[schema(schema_with = follow_up_months)]
    pub follow_up_months: Option<u32>,
    /// Evaluation (utvärdering) every n months.
    #[schema(schema_with = evaluation_months)]
    pub evaluation_months: Option<u32>,
    /// A one-off external evaluation: Kristianstad "extern utvärdering skall ske 2020".
    pub external_evaluation_on: Option<NaiveDate>,
    /// Revision every n months from the version's `valid_from` (Södertälje: every four years).
    #[schema(schema_with = revision_interval_months)]
    pub revision_interval_months: Option<u32>,
    /// Revision no later than (Södertälje: "revidering senast 2022-10-01"). Applies to the
    /// version in force when it was set: a deadline on or before the current version's
    /// `valid_from` was met by adopting it.
    pub revision_deadline: Option<NaiveDate>,
    /// How often the action plan (handlingsplan, verksamhetsplan, utvecklingsplan) is
    /// followed up and renewed: Lund and Blekinge 12, Södertälje 24. Kept for the action-plan
    /// module; not part of the agreement's own calendar.
    #[schema(schema_with = action_plan_months)]
    pub action_plan_months: Option<u32>,
    /// Meetings with the signatories the public body must call each year (Södertälje:
    /// dialogue meetings at least twice; Eslöv: the annual experience exchange; Blekinge:
    /// the annual conference). 0: none required.
    #[schema(schema_with = dialogue_meetings_per_year)]
    pub dialogue_meetings_per_year: u32,
    /// Notice a party gives when calling for renegotiation. `None`: "skälig framförhållning"
    /// (Blekinge) without a fixed period.
    pub renegotiation_notice: Option<NoticePeriod>,
    /// When a revised version is adopted, accessions carry over (`None`) or must be
    /// reconfirmed within this many days of it taking effect.
    #[schema(schema_with = reconfirmation_days)]
    pub reconfirmation_days: Option<u32>,
    /// The channels the agreement takes accessions through (Eslöv, Lund: board minutes;
    /// Södertälje: at adoption, dialogue forum, written application; Blekinge: the form).
    /// Every channel by default; at least one.
    pub accepted_channels: Vec<Channel>,
    /// Where an organisation must be active to accede: anywhere, in the agreement's own
    /// municipalities (Eslöv), or in those of `eligible_municipality_codes`.
    pub eligible_area: EligibleArea,
    /// The municipalities (kommunkod) of `listed_municipalities`; empty otherwise.
    pub eligible_municipality_codes: Vec<String>,
    /// The steering group handles the signatories' contacts: its seated members see the
    /// contact person of an application awaiting their decision.
    pub group_handles_contacts: bool,
    /// Where the civil-society party is the sector as a whole: the organisations of the
    /// register that act for it (an umbrella network, a forum). Their representatives
    /// co-administer the agreement for the sector's side. Empty for a network party.
    pub acting_organization_ids: Vec<Uuid>,
    /// The criteria an IOP (idéburet offentligt partnerskap) is assessed against before it
    /// is entered, in the agreement's language (Kristianstad's six); empty: none. At most
    /// 20, each at most 500 characters, none twice.
    #[schema(schema_with = partnership_criteria)]
    pub partnership_criteria: Vec<String>,
    /// The licence of the agreement's open data (the public signatory list in the DCAT-AP-SE
    /// catalogue and the bulk download): `cc0` (the default) or `cc_by_4_0`.
    pub open_data_licence: OpenDataLicence,
    /// The functional mailbox the open-data catalogue names as the list's contact point
    /// (`overenskommelse@kommun.se`), never a person's address; null: no contact point.
    #[schema(schema_with = open_data_contact_email)]
    pub open_data_contact_email: Option<String>,
    /// The agreement's contact point, public: a functional mailbox (`samverkan@kommun.se`),
    /// never a person's address (`förnamn.efternamn@…` is refused: join words with `-`).
    #[schema(schema_with = contact_point)]
    pub contact_point: Option<String>,
    /// The unit of the owning body that owns the document (Kommunledningskontoret), public.
    #[schema(schema_with = owner_unit)]
    pub owner_unit: Option<String>,
    /// The sites that may show the agreement's embed page in a frame, as origins
    /// (`https://www.eslov.se`, `https://*.eslov.se`): the page's Content-Security-Policy
    /// `frame-ancestors`. Empty (the default): any site may.
    #[schema(schema_with = embed_frame_ancestors)]
    pub embed_frame_ancestors: Vec<String>,
}

fn embed_frame_ancestors() -> Field {
    Field::json(json!({
        "type": "array",
        "maxItems": agreement::FRAME_ANCESTORS_MAX,
        "items": {
            "type": "string",
            "maxLength": 280,
            "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$",
            "example": "https://www.eslov.se",
        },
    }))
    .described(
        "The sites that may show the agreement's embed page in a frame, as origins\n(`https://www.eslov.se`, `https://*.eslov.se`): the page's Content-Security-Policy\n`frame-ancestors`. Empty (the default): any site may.",
    )
}

fn contact_point() -> Field {
    Field::json(crate::schemas::optional_text(agreement::OPEN_DATA_CONTACT_MAX))
    .described(
        "The agreement's contact point, public: a functional mailbox (`samverkan@kommun.se`),\nnever a person's address (`förnamn.efternamn@…` is refused: join words with `-`).",
    )
}

fn owner_unit() -> Field {
    Field::json(crate::schemas::optional_text(agreement::OWNER_UNIT_MAX)).described(
        "The unit of the owning body that owns the document (Kommunledningskontoret), public.",
    )
}

fn open_data_contact_email() -> Field {
    Field::json(crate::schemas::optional_text(agreement::OPEN_DATA_CONTACT_MAX))
    .described(
        "The functional mailbox the open-data catalogue names as the list's contact point\n(`overenskommelse@kommun.se`), never a person's address; null: no contact point.",
    )
}

fn eligibility_statements() -> Field {
    Field::json(json!({
        "type": "array",
        "items": crate::schemas::text(
            false,
            limits::STATEMENT_MAX,
            "Föreningen arbetar utifrån demokratiska värderingar.",
        ),
        "maxItems": limits::STATEMENTS_MAX,
        "uniqueItems": true,
    }))
    .described(
        "What an applicant affirms, in the agreement's language (Lund: \"utgår från en\ndemokratisk värdegrund, att alla människor har ett lika värde …\").",
    )
}

fn partnership_criteria() -> Field {
    Field::json(json!({
        "type": "array",
        "items": crate::schemas::text(
            false,
            limits::STATEMENT_MAX,
            "Verksamheten sker på initiativ av den idéburna sektorn",
        ),
        "maxItems": limits::STATEMENTS_MAX,
        "uniqueItems": true,
    }))
    .described(
        "The criteria an IOP (idéburet offentligt partnerskap) is assessed against before it\nis entered, in the agreement's language (Kristianstad's six); empty (the default): none.",
    )
}

fn months(description: &str) -> Field {
    Field::optional_integer(1, limits::MONTHS_MAX).described(description)
}

fn follow_up_months() -> Field {
    months("Follow-up (uppföljning) every n months: Eslöv, Södertälje, Blekinge 12; Lund 48.")
}

fn evaluation_months() -> Field {
    months("Evaluation (utvärdering) every n months.")
}

fn revision_interval_months() -> Field {
    months(
        "Revision every n months from the version's `valid_from` (Södertälje: every four years).",
    )
}

fn action_plan_months() -> Field {
    months(
        "How often the action plan (handlingsplan, verksamhetsplan, utvecklingsplan) is\nfollowed up and renewed: Lund and Blekinge 12, Södertälje 24. Kept for the action-plan\nmodule; not part of the agreement's own calendar.",
    )
}

fn dialogue_meetings_per_year() -> Field {
    Field::integer(0, limits::MEETINGS_PER_YEAR_MAX).described(
        "Meetings with the signatories the public body must call each year (Södertälje:\ndialogue meetings at least twice; Eslöv: the annual experience exchange; Blekinge:\nthe annual conference). 0: none required.",
    )
}

fn reconfirmation_days() -> Field {
    Field::optional_integer(1, limits::DAYS_MAX).described(
        "When a revised version is adopted, accessions carry over (`None`) or must be\nreconfirmed within this many days of it taking effect.",
    )
}

/// Settings per agreement. Cadences count from the date the agreement came into force; a
/// null cadence or date is not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementSettings {
    /// Eslöv, Lund, Södertälje: registration; Blekinge: the steering group approves.
    pub approval_mode: ApprovalMode,
    /// Blekinge: "offentliga aktörer … kan ansluta sig"; the municipal agreements: no.
    pub public_bodies_may_accede: bool,
    /// What an applicant affirms, in the agreement's language.
    pub eligibility_statements: Vec<String>,
    /// Follow-up (uppföljning) every n months.
    pub follow_up_months: Option<u32>,
    /// Evaluation (utvärdering) every n months.
    pub evaluation_months: Option<u32>,
    /// A one-off external evaluation.
    pub external_evaluation_on: Option<NaiveDate>,
    /// Revision every n months from the version's `valid_from`.
    pub revision_interval_months: Option<u32>,
    /// Revision no later than this date.
    pub revision_deadline: Option<NaiveDate>,
    /// How often the action plan is followed up and renewed, in months.
    pub action_plan_months: Option<u32>,
    /// Meetings with the signatories the public body must call each year; 0: none required.
    pub dialogue_meetings_per_year: u32,
    /// Notice a party gives when calling for renegotiation; null: without a fixed period.
    pub renegotiation_notice: Option<NoticePeriod>,
    /// Days signatories have to reconfirm after a revision takes effect; null: they carry over.
    pub reconfirmation_days: Option<u32>,
    /// The licence of the agreement's open data.
    pub open_data_licence: OpenDataLicence,
    /// The functional mailbox named as the open data's contact point; null: none.
    pub open_data_contact_email: Option<String>,
    /// The origins that may frame the embed page; empty: any site.
    pub embed_frame_ancestors: Vec<String>,
    /// The agreement's contact point: a functional mailbox; null: none named.
    pub contact_point: Option<String>,
    /// The unit of the owning body that owns the document; null: none named.
    pub owner_unit: Option<String>,
    /// The channels the agreement takes accessions through.
    pub accepted_channels: Vec<Channel>,
    /// Where an organisation must be active to accede.
    pub eligible_area: EligibleArea,
    /// The municipalities of `listed_municipalities`; empty otherwise.
    pub eligible_municipality_codes: Vec<String>,
    /// Whether the steering group handles the signatories' contacts.
    pub group_handles_contacts: bool,
    /// The organisations that act for the sector as a whole (public).
    pub acting_organization_ids: Vec<Uuid>,
    /// The criteria an IOP is assessed against before it is entered.
    pub partnership_criteria: Vec<String>,
}

impl Default for AgreementSettingsInput {
    fn default() -> Self {
        let s = agreement::AgreementSettings::default();
        Self {
            approval_mode: s.approval_mode,
            public_bodies_may_accede: s.public_bodies_may_accede,
            eligibility_statements: s.eligibility_statements,
            follow_up_months: s.follow_up_months,
            evaluation_months: s.evaluation_months,
            external_evaluation_on: s.external_evaluation_on,
            revision_interval_months: s.revision_interval_months,
            revision_deadline: s.revision_deadline,
            action_plan_months: s.action_plan_months,
            dialogue_meetings_per_year: s.dialogue_meetings_per_year,
            renegotiation_notice: s.renegotiation_notice.map(|n| NoticePeriod {
                amount: n.amount,
                unit: n.unit,
            }),
            reconfirmation_days: s.reconfirmation_days,
            open_data_licence: s.open_data_licence,
            open_data_contact_email: s.open_data_contact_email.clone(),
            embed_frame_ancestors: s.embed_frame_ancestors.clone(),
            contact_point: s.contact_point.clone(),
            owner_unit: s.owner_unit.clone(),
            accepted_channels: s.accepted_channels.clone(),
            eligible_area: s.eligible_area,
            eligible_municipality_codes: s.eligible_municipality_codes.clone(),
            group_handles_contacts: s.group_handles_contacts,
            acting_organization_ids: s.acting_organization_ids.clone(),
            partnership_criteria: s.partnership_criteria.clone(),
        }
    }
}

impl From<AgreementSettingsInput> for agreement::AgreementSettings {
    fn from(s: AgreementSettingsInput) -> Self {
        Self {
            approval_mode: s.approval_mode,
            public_bodies_may_accede: s.public_bodies_may_accede,
            eligibility_statements: s.eligibility_statements,
            follow_up_months: s.follow_up_months,
            evaluation_months: s.evaluation_months,
            external_evaluation_on: s.external_evaluation_on,
            revision_interval_months: s.revision_interval_months,
            revision_deadline: s.revision_deadline,
            action_plan_months: s.action_plan_months,
            dialogue_meetings_per_year: s.dialogue_meetings_per_year,
            renegotiation_notice: s.renegotiation_notice.map(|n| agreement::NoticePeriod {
                amount: n.amount,
                unit: n.unit,
            }),
            reconfirmation_days: s.reconfirmation_days,
            open_data_licence: s.open_data_licence,
            open_data_contact_email: s.open_data_contact_email.clone(),
            embed_frame_ancestors: s.embed_frame_ancestors.clone(),
            contact_point: s.contact_point.clone(),
            owner_unit: s.owner_unit.clone(),
            accepted_channels: s.accepted_channels.clone(),
            eligible_area: s.eligible_area,
            eligible_municipality_codes: s.eligible_municipality_codes.clone(),
            group_handles_contacts: s.group_handles_contacts,
            acting_organization_ids: s.acting_organization_ids.clone(),
            partnership_criteria: s.partnership_criteria.clone(),
        }
    }
}

impl From<&agreement::AgreementSettings> for AgreementSettings {
    fn from(s: &agreement::AgreementSettings) -> Self {
        Self {
            approval_mode: s.approval_mode,
            public_bodies_may_accede: s.public_bodies_may_accede,
            eligibility_statements: s.eligibility_statements.clone(),
            follow_up_months: s.follow_up_months,
            evaluation_months: s.evaluation_months,
            external_evaluation_on: s.external_evaluation_on,
            revision_interval_months: s.revision_interval_months,
            revision_deadline: s.revision_deadline,
            action_plan_months: s.action_plan_months,
            dialogue_meetings_per_year: s.dialogue_meetings_per_year,
            renegotiation_notice: s.renegotiation_notice.map(|n| NoticePeriod {
                amount: n.amount,
                unit: n.unit,
            }),
            reconfirmation_days: s.reconfirmation_days,
            open_data_licence: s.open_data_licence,
            open_data_contact_email: s.open_data_contact_email.clone(),
            embed_frame_ancestors: s.embed_frame_ancestors.clone(),
            contact_point: s.contact_point.clone(),
            owner_unit: s.owner_unit.clone(),
            accepted_channels: s.accepted_channels.clone(),
            eligible_area: s.eligible_area,
            eligible_municipality_codes: s.eligible_municipality_codes.clone(),
            group_handles_contacts: s.group_handles_contacts,
            acting_organization_ids: s.acting_organization_ids.clone(),
            partnership_criteria: s.partnership_criteria.clone(),
        }
    }
}

// ---------------------------------------------------------------- decisions

/// The political decision that puts a version in force, as a request records it
/// (Södertälje: "Fastställd av kommunfullmäktige 2018-10-01", dnr KS 17/53, "Giltighet t.o.m:
/// 2022-10-01").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionRecordInput {
    /// The deciding body as the decision names it: "Kommunfullmäktige", "Kommunstyrelsen",
    /// "Regionfullmäktige".
    #[schema(schema_with = adoption_decided_by)]
    pub decided_by: String,
    pub decision_date: NaiveDate,
    #[schema(schema_with = adoption_diary_number)]
    pub diary_number: Option<String>,
    pub valid_from: NaiveDate,
    /// Last day of validity (t.o.m., inclusive); `None`: until further notice (tills vidare).
    pub valid_until: Option<NaiveDate>,
    /// How the consultation's responses were weighed (remissammanställning); only for a
    /// version that was on consultation (409 `no_consultation`). Public with the version.
    #[serde(default)]
    pub consultation_report: Option<super::consultation::ConsultationReportInput>,
}

/// The political decision that put a version in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AdoptionRecord {
    /// The deciding body as the decision names it: "Kommunfullmäktige", "Kommunstyrelsen".
    pub decided_by: String,
    pub decision_date: NaiveDate,
    /// The diary number (diarienummer); null when none was recorded.
    pub diary_number: Option<String>,
    pub valid_from: NaiveDate,
    /// Last day of validity (t.o.m., inclusive); null: until further notice (tills vidare).
    pub valid_until: Option<NaiveDate>,
}

fn adoption_decided_by() -> Field {
    Field::text(limits::DECIDED_BY_MAX, "Kommunfullmäktige").described(
        "The deciding body as the decision names it: \"Kommunfullmäktige\", \"Kommunstyrelsen\",\n\"Regionfullmäktige\".",
    )
}

fn adoption_diary_number() -> Field {
    Field::optional_text(limits::DIARY_NUMBER_MAX)
}

impl From<AdoptionRecordInput> for agreement::AdoptionInput {
    fn from(r: AdoptionRecordInput) -> Self {
        Self {
            decided_by: r.decided_by,
            decision_date: r.decision_date,
            diary_number: r.diary_number,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
        }
    }
}

impl From<&agreement::AdoptionRecord> for AdoptionRecord {
    fn from(r: &agreement::AdoptionRecord) -> Self {
        Self {
            decided_by: r.decided_by().to_owned(),
            decision_date: r.decision_date(),
            diary_number: r.diary_number().map(str::to_owned),
            valid_from: r.valid_from(),
            valid_until: r.valid_until(),
        }
    }
}

/// The decision that ends an adopted agreement, as a request records it (Blekinge: "begära
/// utträde ur partnerskapet").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminationRecordInput {
    #[schema(schema_with = termination_decided_by)]
    pub decided_by: String,
    pub decision_date: NaiveDate,
    /// The first day the agreement no longer applies; on or after the decision.
    pub effective_on: NaiveDate,
    #[serde(default)]
    #[schema(schema_with = termination_reason)]
    pub reason: Option<String>,
}

/// The decision that ended (or will end) an adopted agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TerminationRecord {
    pub decided_by: String,
    pub decision_date: NaiveDate,
    /// The first day the agreement no longer applies; on or after the decision.
    pub effective_on: NaiveDate,
    /// Why, in words; null when none was recorded.
    pub reason: Option<String>,
}

fn termination_decided_by() -> Field {
    Field::text(limits::DECIDED_BY_MAX, "Kommunstyrelsen")
}

fn termination_reason() -> Field {
    Field::optional_text(limits::REASON_MAX)
}

impl From<TerminationRecordInput> for agreement::TerminationInput {
    fn from(r: TerminationRecordInput) -> Self {
        Self {
            decided_by: r.decided_by,
            decision_date: r.decision_date,
            effective_on: r.effective_on,
            reason: r.reason,
        }
    }
}

impl From<&agreement::TerminationRecord> for TerminationRecord {
    fn from(r: &agreement::TerminationRecord) -> Self {
        Self {
            decided_by: r.decided_by().to_owned(),
            decision_date: r.decision_date(),
            effective_on: r.effective_on(),
            reason: r.reason().map(str::to_owned),
        }
    }
}

// ---------------------------------------------------------------- views

pub use super::consultation::ConsultationRecord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementVersion {
    /// 1 for the first text, then one more per revision.
    pub number: u32,
    pub status: VersionStatus,
    pub content: VersionContent,
    pub consultation: Option<ConsultationRecord>,
    pub adoption: Option<AdoptionRecord>,
    /// The day the next version took effect, for a superseded version.
    pub superseded_on: Option<NaiveDate>,
    /// The first day this version's text applies (its adoption's `valid_from`); null for a
    /// version never adopted.
    pub in_force_from: Option<NaiveDate>,
    /// The last day it applies: the day before the next version takes effect, before a
    /// termination takes effect, or its `valid_until`; null while no end is set.
    pub in_force_until: Option<NaiveDate>,
    /// The language of `content`'s texts: `sv` (the authoritative text) unless a translation
    /// was asked for (`?lang=`, `Accept-Language`) and one is recorded.
    pub language: String,
    /// The fields of `content` shown in Swedish because the translation has no text for
    /// them, named as in `content` (`purpose`, `principles[0].description`); empty when
    /// `language` is `sv`.
    pub fallback_fields: Vec<String>,
    /// The translations recorded, by language tag.
    pub translations: Vec<TranslationSummary>,
}

impl AgreementVersion {
    /// Version `v` of agreement `a` as on `today`: the version whose text applies today is
    /// `adopted`, even when a revision adopted for a later date has been recorded.
    pub fn of(a: &agreement::Agreement, v: &agreement::AgreementVersion, today: NaiveDate) -> Self {
        let period = a.version_in_force_period(v.number());
        let in_force_today = a
            .version_in_force_on(today)
            .is_some_and(|f| f.number() == v.number());
        Self {
            status: if in_force_today {
                VersionStatus::Adopted
            } else {
                v.status()
            },
            in_force_from: period.map(|(from, _)| from),
            in_force_until: period.and_then(|(_, until)| until),
            ..Self::from(v)
        }
    }
}

impl AgreementVersion {
    /// The view with who recorded each translation, for those who may see it
    /// (`agreement::may_run`).
    pub fn with_recorders(mut self, v: &agreement::AgreementVersion) -> Self {
        for (summary, t) in self.translations.iter_mut().zip(v.translations()) {
            summary.recorded_by = Some(t.recorded_by().to_owned());
        }
        self
    }

    /// The view's texts in `language` where version `v` has a translation into it (see
    /// `agreement::localize`); Swedish, unchanged, otherwise.
    pub fn localized(
        mut self,
        v: &agreement::AgreementVersion,
        language: &agreement::LanguageTag,
    ) -> Self {
        if let Some(t) = v.translation(language) {
            let l = agreement::localize(v.content(), t);
            self.content = (&l.content).into();
            self.language = l.language.as_str().to_owned();
            self.fallback_fields = l.fallback;
        }
        self
    }
}

impl From<&agreement::AgreementVersion> for AgreementVersion {
    fn from(v: &agreement::AgreementVersion) -> Self {
        Self {
            in_force_from: None,
            in_force_until: None,
            number: v.number(),
            status: v.status(),
            content: v.content().into(),
            consultation: v.consultation().map(ConsultationRecord::from),
            adoption: v.adoption().map(AdoptionRecord::from),
            superseded_on: v.superseded_on(),
            language: agreement::SWEDISH.to_owned(),
            fallback_fields: Vec::new(),
            translations: v
                .translations()
                .iter()
                .map(|t| TranslationSummary {
                    language: t.language().as_str().to_owned(),
                    recorded_at: t.recorded_at(),
                    recorded_by: None,
                })
                .collect(),
        }
    }
}

/// What a client shows as the agreement's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementStatus {
    pub status: ShownStatus,
    /// A new version is being drafted or consulted on while the current one applies.
    pub revision_in_progress: bool,
    /// A recorded termination that takes effect later: until then the agreement applies.
    pub terminates_on: Option<NaiveDate>,
}

impl From<agreement::AgreementStatus> for AgreementStatus {
    fn from(s: agreement::AgreementStatus) -> Self {
        Self {
            status: s.status,
            revision_in_progress: s.revision_in_progress,
            terminates_on: s.terminates_on,
        }
    }
}

/// One thing due on an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DueItem {
    pub kind: DueKind,
    pub due_on: NaiveDate,
    /// `due_on` has passed and it has not been recorded as done.
    pub overdue: bool,
    /// The last review of this kind; `None` for revisions.
    pub last_done_on: Option<NaiveDate>,
}

impl From<agreement::DueItem> for DueItem {
    fn from(i: agreement::DueItem) -> Self {
        Self {
            kind: i.kind,
            due_on: i.due_on,
            overdue: i.overdue,
            last_done_on: i.last_done_on,
        }
    }
}

/// One due item on one of an administrator's agreements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgendaItem {
    pub agreement_id: Uuid,
    #[serde(flatten)]
    pub item: DueItem,
}

impl From<agreement::AgendaItem> for AgendaItem {
    fn from(a: agreement::AgendaItem) -> Self {
        Self {
            agreement_id: a.agreement_id,
            item: a.item.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RenegotiationRequest {
    pub id: Uuid,
    /// The date of the written request.
    pub filed_on: NaiveDate,
    pub requested_by: RequestingSide,
    /// Which public body, when `requested_by` is `public_body`; null otherwise.
    pub public_body_id: Option<Uuid>,
    pub reason: String,
    /// From when the party wants to renegotiate.
    pub requested_date: NaiveDate,
    /// Who filed it: the token's `sub`, shown to the agreement's administrators and
    /// co-administrators only; null otherwise and for requests filed before this was kept.
    pub filed_by: Option<String>,
    /// `filed`, then `answered` by the other side or `withdrawn` by the side that filed it.
    pub status: RenegotiationStatus,
    /// The answer's outcome, when `answered`.
    pub outcome: Option<RenegotiationOutcome>,
    /// The date of the answer, when `answered`.
    pub answered_on: Option<NaiveDate>,
    /// The answering side's decision, when `answered`.
    pub decision: Option<String>,
    /// Who answered (the token's `sub`), shown as `filed_by` is.
    pub answered_by: Option<String>,
    /// The date of the withdrawal, when `withdrawn`.
    pub withdrawn_on: Option<NaiveDate>,
    /// Who withdrew it (the token's `sub`), shown as `filed_by` is.
    pub withdrawn_by: Option<String>,
}

impl RenegotiationRequest {
    /// The request; who acted (`filed_by`, `answered_by`, `withdrawn_by`) only for those who
    /// run the agreement (`runner`).
    pub fn of(r: &agreement::RenegotiationRequest, runner: bool) -> Self {
        let actor = |s: &str| Some(s.to_owned()).filter(|s| runner && !s.is_empty());
        let mut view = Self {
            id: r.id(),
            filed_on: r.filed_on(),
            requested_by: r.requested_by(),
            public_body_id: r.public_body_id(),
            reason: r.reason().to_owned(),
            requested_date: r.requested_date(),
            filed_by: actor(r.filed_by()),
            status: r.status(),
            outcome: None,
            answered_on: None,
            decision: None,
            answered_by: None,
            withdrawn_on: None,
            withdrawn_by: None,
        };
        match r.resolution() {
            None => {}
            Some(agreement::RenegotiationResolution::Answered {
                outcome,
                answered_on,
                decision,
                answered_by,
            }) => {
                view.outcome = Some(*outcome);
                view.answered_on = Some(*answered_on);
                view.decision = Some(decision.clone());
                view.answered_by = actor(answered_by);
            }
            Some(agreement::RenegotiationResolution::Withdrawn {
                withdrawn_on,
                withdrawn_by,
            }) => {
                view.withdrawn_on = Some(*withdrawn_on);
                view.withdrawn_by = actor(withdrawn_by);
            }
        }
        view
    }
}
