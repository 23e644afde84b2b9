//! Demo data for `serve --demo` and `seed-demo`, loaded only into an empty database. The
//! data are the files under `demo/` (see `demo/README.md` for their format), compiled into
//! the binary so that `serve --demo` needs no working directory. Loading replays the
//! history through the domain's own operations and the persistence functions the API uses:
//! organisations are parsed and registered, agreements created, consulted on and adopted,
//! groups appointed member by member, accessions submitted, decided on, approved and
//! withdrawn on their dates. A file the domain refuses stops the load with the domain's
//! error, so the demo cannot hold what the API would not accept.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::accession::{
    Accession, AgreementTerms, Approval, BoardDecisionInput, Channel, CitedDecision,
    ContactPersonInput, Signatory, SubmissionInput, WithdrawalNoticeInput, swedish_date,
};
use samverkan_domain::agreement::{Agreement, ApprovalMode, DemoAgreement, UpcomingRevision};
use samverkan_domain::party::{LegalForm, OrganizationFields, OrganizationInput, PublicBodyKind};
use samverkan_domain::steering::{
    Appointer, Appointment, DecisionInput, DecisionKind, GroupConfig, GroupConfigInput, GroupKind,
    MeetingInput, MemberRole, Seat, Side, SteeringGroup,
};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{accessions, agreements, parties, steering as steering_store};
use serde::Deserialize;
use serde::de::IgnoredAny;
use uuid::Uuid;

use samverkan_domain::access::Role;

use crate::auth::TokenRequest;
use crate::problem::ApiError;

/// The register of invented organisations: `demo/organizations.json`.
pub const DEMO_ORGANIZATIONS: &str = include_str!("../../demo/organizations.json");

/// The files of one demo agreement: the agreement itself (one of the five real agreements
/// of `../shared/seeds/`), its steering group and its signatories.
#[derive(Debug, Clone, Copy)]
pub struct DemoFiles {
    pub slug: &'static str,
    pub agreement: &'static str,
    pub steering: &'static str,
    pub signatories: &'static str,
}

macro_rules! demo_files {
    ($($slug:literal),* $(,)?) => {
        [$(DemoFiles {
            slug: $slug,
            agreement: include_str!(concat!("../../demo/agreements/", $slug, ".json")),
            steering: include_str!(concat!("../../demo/steering/", $slug, ".json")),
            signatories: include_str!(concat!("../../demo/signatories/", $slug, ".json")),
        }),*]
    };
}

/// Every demo agreement, in the order they are loaded.
pub const DEMO_AGREEMENTS: [DemoFiles; 5] = demo_files![
    "eslov-2019",
    "sodertalje-2018",
    "lund-2018",
    "kristianstad-2016",
    "blekinge",
];

/// Who records the demo's history.
const BY: &str = "demo";

// ---------------------------------------------------------------------------------------
// The file formats (documented in demo/README.md). Every struct refuses unknown fields, so
// that a misspelt key is an error instead of a silently missing value.
// ---------------------------------------------------------------------------------------

/// `demo/organizations.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationsFile {
    /// For the people who edit the file; the loader does not read them.
    #[serde(default, rename = "notes")]
    _notes: IgnoredAny,
    organizations: Vec<OrganizationEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationEntry {
    name: String,
    org_number: Option<String>,
    legal_form: LegalForm,
    municipality_codes: Vec<String>,
    #[serde(default)]
    website: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// `demo/steering/<slug>.json`: the group's configuration, its members and its meetings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SteeringFile {
    agreement: String,
    /// For the people who edit the file; the loader does not read them.
    #[serde(default, rename = "notes")]
    _notes: IgnoredAny,
    name: String,
    kind: GroupKind,
    ordinary_seats_per_side: Option<u32>,
    deputies_allowed: bool,
    chair_and_vice_chair_from_different_sides: bool,
    #[serde(default)]
    default_term_months: Option<u32>,
    members: Vec<MemberEntry>,
    #[serde(default)]
    meetings: Vec<MeetingEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberEntry {
    person_name: String,
    /// The `sub` of the member's account (`person_ref`): the demo's steering-member token.
    #[serde(default)]
    person_ref: Option<String>,
    #[serde(default)]
    title: Option<String>,
    side: Side,
    seat: Seat,
    role: MemberRole,
    appointed_by: AppointedBy,
    term_start: NaiveDate,
    #[serde(default)]
    term_end: Option<NaiveDate>,
}

/// `"owner"` (the agreement's owning public body) or `{"network": "<name>"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum AppointedBy {
    Owner,
    Network(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingEntry {
    date: NaiveDate,
    #[serde(default)]
    minutes_reference: Option<String>,
    present: Present,
    #[serde(default)]
    decisions: Vec<DecisionEntry>,
}

/// `"all_in_office"`, or the names of the members present.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Present {
    Everyone(AllInOffice),
    Named(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AllInOffice {
    AllInOffice,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionEntry {
    kind: DecisionKind,
    /// The accession the decision is about (it is then the decision's `subject_id`, and an
    /// `approve_accession` decision is what approves it).
    #[serde(default)]
    accession_of: Option<SignatoryRef>,
    subject: String,
    text: String,
}

/// A signatory: an organisation of `organizations.json` by name, or a municipality by its
/// SCB code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum SignatoryRef {
    Organization(String),
    Municipality(String),
}

/// `demo/signatories/<slug>.json`: the accessions to the agreement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatoriesFile {
    agreement: String,
    /// For the people who edit the file; the loader does not read them.
    #[serde(default, rename = "notes")]
    _notes: IgnoredAny,
    accessions: Vec<AccessionEntry>,
    /// IOP partnerships under the agreement (issue 21), entered on their dates after the
    /// accessions are loaded.
    #[serde(default)]
    partnerships: Vec<PartnershipEntry>,
}

/// An IOP partnership of the demo: proposed, assessed against the agreement's criteria (one
/// entry per criterion, in the list's order) and entered by the owning body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnershipEntry {
    organizations: Vec<String>,
    title: String,
    purpose: String,
    principles: Vec<u32>,
    period_from: NaiveDate,
    period_to: NaiveDate,
    public_contribution: ContributionEntry,
    organization_contribution: ContributionEntry,
    proposed_on: NaiveDate,
    assessed_on: NaiveDate,
    assessment: Vec<CriterionEntry>,
    decision: PartnershipDecisionEntry,
    entered_on: NaiveDate,
    contract_reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContributionEntry {
    amount_ore: Option<i64>,
    in_kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionEntry {
    met: bool,
    justification: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnershipDecisionEntry {
    body: String,
    date: NaiveDate,
    diary_number: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessionEntry {
    signatory: SignatoryRef,
    channel: Channel,
    #[serde(default)]
    board_decision: Option<BoardDecisionEntry>,
    contact_person: ContactEntry,
    /// `None`: still waiting for a decision. In steering-group mode, the date of the
    /// meeting whose `approve_accession` decision names this signatory.
    approved_on: Option<NaiveDate>,
    #[serde(default)]
    withdrawal: Option<WithdrawalEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoardDecisionEntry {
    decided_on: NaiveDate,
    minutes_reference: String,
    received_on: NaiveDate,
    #[serde(default)]
    diary_number: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactEntry {
    name: String,
    email: String,
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WithdrawalEntry {
    received_on: NaiveDate,
    reference: String,
    effective_on: NaiveDate,
}

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Who may act in the demo
// ---------------------------------------------------------------------------------------

/// The demo's steering-group member with a seat (Eslöv's group, `person_ref` in
/// `demo/steering/eslov-2019.json`).
pub const DEMO_STEERING_MEMBER_SUB: &str = "demo-styrgrupp-eslov";

/// Nätverket Idéburet Blekinge's coordinator, who also sits on the partnership for the
/// network (`person_ref` in `demo/steering/blekinge.json`).
pub const DEMO_COORDINATOR_SUB: &str = "demo-samordnare-nib";

/// One ready identity of the demo: what `serve --demo` mints a token for and prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoIdentity {
    /// Who this is, for the table (English).
    pub who: &'static str,
    pub sub: &'static str,
    pub name: &'static str,
    pub roles: Vec<Role>,
    /// The public body an `agreement_admin` acts for: id and name.
    pub public_body: Option<(Uuid, String)>,
    /// The organisation an `organization_rep` acts for: id and name.
    pub organization: Option<(Uuid, String)>,
}

impl DemoIdentity {
    pub fn token_request(&self, ttl_seconds: u64) -> TokenRequest {
        TokenRequest {
            sub: self.sub.to_owned(),
            name: Some(self.name.to_owned()),
            roles: self.roles.clone(),
            public_body_id: self.public_body.as_ref().map(|(id, _)| *id),
            organization_ids: self.organization.iter().map(|(id, _)| *id).collect(),
            ttl_seconds,
        }
    }

    /// What the token acts for, for the table.
    pub fn acts_for(&self) -> String {
        match (&self.public_body, &self.organization) {
            (Some((_, body)), _) => body.clone(),
            (None, Some((_, organization))) if self.roles.contains(&Role::SteeringMember) => {
                format!("{organization}, with a seat on its agreement's group")
            }
            (None, Some((_, organization))) => organization.clone(),
            (None, None) if self.roles.contains(&Role::SteeringMember) => {
                "a seat on Styrgruppen för Överenskommelsen i Eslöv".into()
            }
            (None, None) => "everything".into(),
        }
    }

    /// The `samverkan token …` command that mints this identity's token again.
    pub fn command(&self, ttl: &str) -> String {
        let mut line = format!("samverkan token --sub {} --name '{}'", self.sub, self.name);
        for role in &self.roles {
            line.push_str(&format!(" --role {}", role.as_str()));
        }
        if let Some((id, _)) = &self.public_body {
            line.push_str(&format!(" --public-body {id}"));
        }
        if let Some((id, _)) = &self.organization {
            line.push_str(&format!(" --organization {id}"));
        }
        line.push_str(&format!(" --ttl {ttl}"));
        line
    }
}

/// The demo's identities, one per kind of user, with the ids of this database: the platform
/// administrator, Eslöv's process leader, Region Blekinge's administrator, Nätverket
/// Idéburet Blekinge's coordinator, a seated member of Eslöv's steering group and the
/// representative of Föreningen Ängsblomman. An error when the demo data is not loaded.
pub fn identities(conn: &mut DbConnection) -> Result<Vec<DemoIdentity>, ApiError> {
    let mut body = |kind, code: &str| -> Result<(Uuid, String), ApiError> {
        parties::find_public_body_by_code(conn, kind, code)?
            .map(|b| (b.id, b.fields.name))
            .ok_or_else(|| bad(format_args!("no public body with SCB code {code}")))
    };
    let eslov = body(PublicBodyKind::Municipality, "1285")?;
    let blekinge = body(PublicBodyKind::Region, "10")?;
    let mut organization = |name: &str| -> Result<(Uuid, String), ApiError> {
        parties::organization_id_by_name(conn, name)?
            .map(|id| (id, name.to_owned()))
            .ok_or_else(|| {
                bad(format_args!(
                    "no organisation named {name}: demo data not loaded"
                ))
            })
    };
    let network = organization("Nätverket Idéburet Blekinge")?;
    let association = organization("Föreningen Ängsblomman")?;
    let identity = |who, sub, name, roles: &[Role]| DemoIdentity {
        who,
        sub,
        name,
        roles: roles.to_vec(),
        public_body: None,
        organization: None,
    };
    Ok(vec![
        identity(
            "Platform administrator",
            "demo-admin",
            "Demo Administratör",
            &[Role::PlatformAdmin],
        ),
        DemoIdentity {
            public_body: Some(eslov),
            ..identity(
                "Process leader (processledare), Eslöv",
                "demo-processledare-eslov",
                "Processledare Eslöv (demo)",
                &[Role::AgreementAdmin],
            )
        },
        DemoIdentity {
            public_body: Some(blekinge),
            ..identity(
                "Administrator, Region Blekinge",
                "demo-processledare-blekinge",
                "Processledare Region Blekinge (demo)",
                &[Role::AgreementAdmin],
            )
        },
        DemoIdentity {
            organization: Some(network),
            ..identity(
                "Coordinator, Nätverket Idéburet Blekinge (also on the partnership)",
                DEMO_COORDINATOR_SUB,
                "Alva Påhittsdotter",
                &[Role::OrganizationRep, Role::SteeringMember],
            )
        },
        identity(
            "Steering-group member, Eslöv",
            DEMO_STEERING_MEMBER_SUB,
            "Bror Låtsasson",
            &[Role::SteeringMember],
        ),
        DemoIdentity {
            organization: Some(association),
            ..identity(
                "Association representative, Föreningen Ängsblomman",
                "demo-ombud-angsblomman",
                "Styrelseledamot Föreningen Ängsblomman (demo)",
                &[Role::OrganizationRep],
            )
        },
    ])
}

fn bad(what: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("demo data: {what}"))
}

fn parse<'a, T: Deserialize<'a>>(file: &str, text: &'a str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| bad(format_args!("{file}: {e}")))
}

/// Loads the demo data if the database holds no organisations and no agreements yet;
/// returns whether it did.
pub fn load_if_empty(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<bool, ApiError> {
    if parties::count_organizations(conn)? > 0 || agreements::count_agreements(conn)? > 0 {
        return Ok(false);
    }
    let today = swedish_date(now);
    let organizations = load_organizations(conn, now)?;
    for files in DEMO_AGREEMENTS {
        let (agreement, upcoming) = load_agreement(conn, &files, &organizations, today, now)?;
        let steering: SteeringFile =
            parse(&format!("steering/{}.json", files.slug), files.steering)?;
        let signatories: SignatoriesFile = parse(
            &format!("signatories/{}.json", files.slug),
            files.signatories,
        )?;
        for (file, named) in [
            ("steering", &steering.agreement),
            ("signatories", &signatories.agreement),
        ] {
            if *named != files.slug {
                return Err(bad(format_args!(
                    "{file}/{}.json names agreement {named}",
                    files.slug
                )));
            }
        }
        let group = load_group(conn, &steering, &agreement, now)?;
        let mut ctx = AgreementLoad {
            conn,
            agreement: &agreement,
            organizations: &organizations,
            now,
        };
        ctx.load_accessions(&signatories, &group, &steering.meetings)?;
        ctx.load_partnerships(&signatories.partnerships, today)?;
        if let Some(revision) = upcoming {
            adopt_upcoming_revision(conn, agreement.id(), &revision, today, now)?;
        }
    }
    Ok(true)
}

/// Adopts the file's upcoming revision as `POST …/revision/adoption` would: the signatories
/// follow it.
fn adopt_upcoming_revision(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    revision: &UpcomingRevision,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut record = agreements::get_agreement_for_update(conn, agreement_id)?;
    let adopted = revision.adopt(&mut record.agreement, today)?;
    agreements::save_agreement(conn, &record.agreement, record.row_version, now)?;
    crate::workflows::accessions::follow_revision(conn, agreement_id, &adopted, BY, now)
}

/// Registers the organisations; returns each one's id and registered name by file name.
fn load_organizations(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<HashMap<String, (Uuid, String)>, ApiError> {
    let file: OrganizationsFile = parse("organizations.json", DEMO_ORGANIZATIONS)?;
    let mut registered = HashMap::new();
    for entry in file.organizations {
        let fields = OrganizationFields::parse(&OrganizationInput {
            name: entry.name.clone(),
            org_number: entry.org_number,
            legal_form: Some(entry.legal_form),
            municipality_codes: entry.municipality_codes,
            website: entry.website,
            description: entry.description,
        })?;
        let record = parties::insert_organization(conn, Uuid::now_v7(), &fields, now)?;
        if registered
            .insert(entry.name.clone(), (record.id, record.fields.name))
            .is_some()
        {
            return Err(bad(format_args!("organisation {} twice", entry.name)));
        }
    }
    Ok(registered)
}

/// Creates, consults on and adopts the agreement as its file says, and stores it.
/// A network named as the civil-society party that is also in `organizations.json` is
/// that organisation (Nätverket Idéburet Blekinge), so its representatives co-administer.
fn load_agreement(
    conn: &mut DbConnection,
    files: &DemoFiles,
    organizations: &HashMap<String, (Uuid, String)>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Agreement, Option<UpcomingRevision>), ApiError> {
    let mut demo: DemoAgreement =
        parse(&format!("agreements/{}.json", files.slug), files.agreement)?;
    let party = &mut demo.civil_society_party;
    if party.kind.may_name_organization() && party.organization_id.is_none() {
        party.organization_id = organizations.get(&party.name).map(|(id, _)| *id);
    }
    if demo.slug != files.slug {
        return Err(bad(format_args!(
            "agreements/{}.json has slug {}",
            files.slug, demo.slug
        )));
    }
    let mut ids = HashMap::new();
    for code in std::iter::once(&demo.owner_scb_code).chain(demo.party_scb_codes.iter()) {
        if let Some(body) = parties::find_public_body_by_code(conn, body_kind(code), code)? {
            ids.insert(code.clone(), body.id);
        }
    }
    let agreement = demo.build(Uuid::now_v7(), |code| ids.get(code).copied(), today)?;
    agreements::insert_agreement(conn, &agreement, now)?;
    if let Some(consultation) = &demo.consultation {
        load_responses(conn, &agreement, consultation, organizations, now)?;
    }
    Ok((agreement, demo.upcoming_revision))
}

/// The consultation's responses, each sent on its day: by the organisation's representative,
/// or registered by the administrator from a letter (late after the deadline).
fn load_responses(
    conn: &mut DbConnection,
    agreement: &Agreement,
    consultation: &samverkan_domain::agreement::DemoConsultation,
    organizations: &HashMap<String, (Uuid, String)>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use samverkan_domain::consultation::{
        Answer, ConsultationResponse, Reference, ReferenceComment, ReferenceKind, Respondent,
        RespondentAct, ResponseInput,
    };
    for r in &consultation.responses {
        let (id, name) = organizations
            .get(&r.organization)
            .ok_or_else(|| bad(format_args!("unknown organisation {}", r.organization)))?;
        let act = if r.registered {
            RespondentAct::Administrator
        } else {
            RespondentAct::Representative
        };
        let response = ConsultationResponse::submit(
            Uuid::now_v7(),
            agreement,
            None,
            Respondent {
                organization_id: *id,
                organization_name: name.clone(),
                is_signatory: false,
                act,
                recorded_by: BY.to_owned(),
            },
            ResponseInput {
                received_on: Some(r.received_on),
                answers: r
                    .answers
                    .iter()
                    .enumerate()
                    .map(|(i, text)| Answer {
                        question: i as u32 + 1,
                        text: text.clone(),
                    })
                    .collect(),
                general_comments: r.general_comments.clone(),
                comments: r
                    .principle_comments
                    .iter()
                    .map(|(number, text)| ReferenceComment {
                        reference: Reference {
                            kind: ReferenceKind::Principle,
                            number: *number,
                        },
                        text: text.clone(),
                    })
                    .collect(),
                contact: None,
            },
            r.received_on,
            now,
        )?;
        samverkan_persistence::consultation::save_response(conn, &response, now)?;
    }
    Ok(())
}

fn body_kind(code: &str) -> PublicBodyKind {
    if samverkan_domain::scb::is_county_code(code) {
        PublicBodyKind::Region
    } else {
        PublicBodyKind::Municipality
    }
}

/// Sets up the group and appoints its members one by one, then stores it. Meetings come
/// later, with the accessions they decide on.
fn load_group(
    conn: &mut DbConnection,
    file: &SteeringFile,
    agreement: &Agreement,
    now: DateTime<Utc>,
) -> Result<SteeringGroup, ApiError> {
    let config = GroupConfig::parse(&GroupConfigInput {
        name: file.name.clone(),
        kind: file.kind,
        ordinary_seats_per_side: file.ordinary_seats_per_side,
        deputies_allowed: file.deputies_allowed,
        chair_and_vice_chair_from_different_sides: file.chair_and_vice_chair_from_different_sides,
        default_term_months: file.default_term_months,
    })?;
    let mut group = SteeringGroup::new(Uuid::now_v7(), agreement.id(), config);
    for member in &file.members {
        group.appoint(
            Uuid::now_v7(),
            &Appointment {
                person_name: member.person_name.clone(),
                person_ref: member.person_ref.clone(),
                title: member.title.clone(),
                side: member.side,
                seat: member.seat,
                role: member.role,
                appointed_by: match &member.appointed_by {
                    AppointedBy::Owner => Appointer::PublicBody {
                        id: agreement.owner_public_body_id(),
                    },
                    AppointedBy::Network(name) => Appointer::Network { name: name.clone() },
                },
                term_start: member.term_start,
                term_end: member.term_end,
            },
        )?;
    }
    steering_store::insert_group(conn, &group, now)?;
    Ok(group)
}

/// What loading one agreement's accessions needs.
struct AgreementLoad<'a> {
    conn: &'a mut DbConnection,
    agreement: &'a Agreement,
    organizations: &'a HashMap<String, (Uuid, String)>,
    now: DateTime<Utc>,
}

impl AgreementLoad<'_> {
    /// Submits every accession, records the group's meetings and decisions (which cite the
    /// submitted accessions), then approves and withdraws each accession on its dates and
    /// stores it.
    fn load_accessions(
        &mut self,
        file: &SignatoriesFile,
        group: &SteeringGroup,
        meetings: &[MeetingEntry],
    ) -> Result<(), ApiError> {
        let mut submitted = Vec::with_capacity(file.accessions.len());
        for entry in &file.accessions {
            let (signatory, name) = self.signatory(&entry.signatory)?;
            if submitted
                .iter()
                .any(|(e, _, _): &(&AccessionEntry, _, _)| e.signatory == entry.signatory)
            {
                return Err(bad(format_args!("{:?} accedes twice", entry.signatory)));
            }
            let accession = self.submit(entry, signatory)?;
            submitted.push((entry, accession, name));
        }
        let ids: HashMap<&SignatoryRef, Uuid> = submitted
            .iter()
            .map(|(e, a, _)| (&e.signatory, a.id()))
            .collect();
        let approvals = self.record_meetings(group, meetings, &ids)?;
        for (entry, mut accession, name) in submitted {
            self.approve_and_withdraw(entry, &mut accession, &approvals)?;
            accessions::insert_accession(self.conn, &accession, &name, self.now)?;
        }
        Ok(())
    }

    /// Proposes, assesses and enters each partnership through the domain's operations, as
    /// the API would, each on its own date, recording the changes.
    fn load_partnerships(
        &mut self,
        entries: &[PartnershipEntry],
        today: NaiveDate,
    ) -> Result<(), ApiError> {
        use samverkan_domain::partnership as iop;
        let criteria = self.agreement.settings().partnership_criteria.clone();
        for e in entries {
            let mut organization_ids = Vec::with_capacity(e.organizations.len());
            for name in &e.organizations {
                let (id, _) = self
                    .organizations
                    .get(name)
                    .cloned()
                    .ok_or_else(|| bad(format_args!("no organisation {name}")))?;
                organization_ids.push(id);
            }
            let signatories = accessions::organizations_signatory_on(
                self.conn,
                self.agreement.id(),
                e.proposed_on,
            )?
            .into_iter()
            .collect();
            let contribution = |c: &ContributionEntry| iop::Contribution {
                amount_ore: c.amount_ore,
                in_kind: c.in_kind.clone(),
            };
            let mut p = iop::Partnership::propose(
                Uuid::now_v7(),
                self.agreement,
                iop::ProposalInput {
                    public_body_id: self.agreement.owner_public_body_id(),
                    organization_ids,
                    title: e.title.clone(),
                    purpose: e.purpose.clone(),
                    principles: e.principles.clone(),
                    period_from: e.period_from,
                    period_to: e.period_to,
                    public_contribution: contribution(&e.public_contribution),
                    organization_contribution: contribution(&e.organization_contribution),
                },
                self.agreement.current_version().map(|v| v.content()),
                &signatories,
                e.proposed_on,
            )?;
            if e.assessment.len() != criteria.len() {
                return Err(bad(format_args!(
                    "partnership {} assesses {} criteria of {}",
                    e.title,
                    e.assessment.len(),
                    criteria.len()
                )));
            }
            let assessed = criteria
                .iter()
                .zip(&e.assessment)
                .map(|(c, a)| iop::CriterionAssessment {
                    criterion: c.clone(),
                    met: a.met,
                    justification: a.justification.clone(),
                })
                .collect();
            p.assess(assessed, &criteria, e.assessed_on, BY)?;
            p.enter(
                iop::EntryInput {
                    decision: iop::Decision {
                        body: e.decision.body.clone(),
                        date: e.decision.date,
                        diary_number: e.decision.diary_number.clone(),
                    },
                    entered_on: e.entered_on,
                    contract_reference: e.contract_reference.clone(),
                },
                &criteria,
                today,
            )?;
            let saved =
                samverkan_persistence::partnerships::insert_partnership(self.conn, &p, self.now)?;
            crate::workflows::changes::partnership(
                self.conn,
                samverkan_domain::change::ChangeType::PartnershipEntered,
                &saved.partnership,
                self.now,
            )?;
        }
        Ok(())
    }

    /// The signatory and the name the public list shows for it, from the register.
    fn signatory(&mut self, r: &SignatoryRef) -> Result<(Signatory, String), ApiError> {
        match r {
            SignatoryRef::Organization(name) => {
                let (id, name) = self
                    .organizations
                    .get(name)
                    .cloned()
                    .ok_or_else(|| bad(format_args!("no organisation {name}")))?;
                Ok((Signatory::Organization(id), name))
            }
            SignatoryRef::Municipality(code) => {
                let body = parties::find_public_body_by_code(
                    self.conn,
                    PublicBodyKind::Municipality,
                    code,
                )?
                .ok_or_else(|| bad(format_args!("no municipality {code}")))?;
                Ok((Signatory::PublicBody(body.id), body.fields.name))
            }
        }
    }

    /// The agreement's terms as on the day the accession was decided: the demo replays
    /// history, and the agreement was in force then (Södertälje's has since expired, and
    /// its signatories stay on record).
    fn terms_on(&self, entry: &AccessionEntry) -> samverkan_domain::accession::AgreementTerms {
        let decided_on = entry
            .board_decision
            .as_ref()
            .map_or(swedish_date(self.now), |d| d.decided_on);
        let on = entry
            .approved_on
            .unwrap_or(decided_on)
            .min(swedish_date(self.now));
        AgreementTerms::of(self.agreement, on)
    }

    fn submit(
        &mut self,
        entry: &AccessionEntry,
        signatory: Signatory,
    ) -> Result<Accession, ApiError> {
        let signatory_municipality_codes = match signatory {
            Signatory::Organization(id) => parties::organizations_by_ids(self.conn, &[id])?
                .into_iter()
                .flat_map(|o| o.fields.municipality_codes)
                .map(|c| c.as_str().to_owned())
                .collect(),
            Signatory::PublicBody(id) => parties::public_bodies_by_ids(self.conn, &[id])?
                .into_iter()
                .filter_map(|b| b.fields.municipality_code().map(str::to_owned))
                .collect(),
        };
        Ok(Accession::submit(
            SubmissionInput {
                id: Uuid::now_v7(),
                signatory,
                channel: entry.channel,
                board_decision: entry.board_decision.as_ref().map(|d| BoardDecisionInput {
                    decided_on: d.decided_on,
                    minutes_reference: d.minutes_reference.clone(),
                    received_on: d.received_on,
                    diary_number: d.diary_number.clone(),
                }),
                affirmed_statements: self.agreement.settings().eligibility_statements.clone(),
                contact_person: ContactPersonInput {
                    name: entry.contact_person.name.clone(),
                    email: entry.contact_person.email.clone(),
                    phone: entry.contact_person.phone.clone(),
                },
                signatory_municipality_codes,
            },
            &self.terms_on(entry),
            &[],
            BY,
            self.now,
        )?)
    }

    /// Records each meeting and its decisions as the API does, in the order of the file;
    /// returns the approving decisions by the signatory they approve.
    fn record_meetings(
        &mut self,
        group: &SteeringGroup,
        meetings: &[MeetingEntry],
        accession_ids: &HashMap<&SignatoryRef, Uuid>,
    ) -> Result<HashMap<SignatoryRef, CitedDecision>, ApiError> {
        let mut approvals = HashMap::new();
        for entry in meetings {
            let present = match &entry.present {
                Present::Everyone(AllInOffice::AllInOffice) => {
                    group.in_office(entry.date).map(|m| m.id()).collect()
                }
                Present::Named(names) => names
                    .iter()
                    .map(|name| {
                        group
                            .in_office(entry.date)
                            .find(|m| m.person_name() == *name)
                            .map(|m| m.id())
                            .ok_or_else(|| {
                                bad(format_args!("{name} is not in office on {}", entry.date))
                            })
                    })
                    .collect::<Result<_, _>>()?,
            };
            let meeting = group.record_meeting(
                Uuid::now_v7(),
                &MeetingInput {
                    date: entry.date,
                    present,
                    minutes_reference: entry.minutes_reference.clone(),
                },
                swedish_date(self.now),
            )?;
            steering_store::insert_meeting(self.conn, &meeting, self.now)?;
            for d in &entry.decisions {
                let subject_id = match &d.accession_of {
                    Some(r) => Some(*accession_ids.get(r).ok_or_else(|| {
                        bad(format_args!("a decision about {r:?}, who has not acceded"))
                    })?),
                    None => None,
                };
                let decision = group.record_decision(
                    &meeting,
                    Uuid::now_v7(),
                    &DecisionInput {
                        kind: d.kind,
                        subject: d.subject.clone(),
                        subject_id,
                        text: d.text.clone(),
                    },
                )?;
                steering_store::insert_decision(self.conn, &decision.to_record(), self.now)?;
                if let (DecisionKind::ApproveAccession, Some(r)) = (d.kind, &d.accession_of) {
                    let cited = CitedDecision::of(group, &meeting, &decision);
                    approvals.insert(r.clone(), cited);
                }
            }
        }
        Ok(approvals)
    }

    fn approve_and_withdraw(
        &self,
        entry: &AccessionEntry,
        accession: &mut Accession,
        approvals: &HashMap<SignatoryRef, CitedDecision>,
    ) -> Result<(), ApiError> {
        let terms = self.terms_on(entry);
        if let Some(approved_on) = entry.approved_on {
            let approval = match self.agreement.settings().approval_mode {
                ApprovalMode::SteeringGroup => {
                    let cited = approvals.get(&entry.signatory).cloned().ok_or_else(|| {
                        bad(format_args!(
                            "no approve_accession decision for {:?} in the steering file",
                            entry.signatory
                        ))
                    })?;
                    if cited.decided_on != approved_on {
                        return Err(bad(format_args!(
                            "{:?} is approved on {approved_on}, its decision is of {}",
                            entry.signatory, cited.decided_on
                        )));
                    }
                    Approval::SteeringGroupDecision(cited)
                }
                _ => Approval::Registration,
            };
            accession.approve(approval, &terms, approved_on, BY, self.now)?;
        }
        if let Some(w) = &entry.withdrawal {
            accession.withdraw(
                WithdrawalNoticeInput {
                    received_on: w.received_on,
                    reference: w.reference.clone(),
                    effective_on: w.effective_on,
                },
                BY,
                self.now,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steering_file(files: &DemoFiles) -> SteeringFile {
        parse(files.slug, files.steering).expect("the steering file parses")
    }

    fn signatories_file(files: &DemoFiles) -> SignatoriesFile {
        parse(files.slug, files.signatories).expect("the signatories file parses")
    }

    #[test]
    fn every_file_in_demo_is_loaded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo");
        for dir in ["agreements", "steering", "signatories"] {
            let mut on_disk: Vec<String> = std::fs::read_dir(root.join(dir))
                .expect("the demo directory")
                .map(|e| {
                    e.expect("an entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            on_disk.sort();
            let mut listed: Vec<String> = DEMO_AGREEMENTS
                .iter()
                .map(|f| format!("{}.json", f.slug))
                .collect();
            listed.sort();
            assert_eq!(on_disk, listed, "demo/{dir}");
        }
    }

    #[test]
    fn organisations_are_valid() {
        let file: OrganizationsFile =
            parse("organizations.json", DEMO_ORGANIZATIONS).expect("it parses");
        assert!(!file.organizations.is_empty());
        for entry in file.organizations {
            let parsed = OrganizationFields::parse(&OrganizationInput {
                name: entry.name.clone(),
                org_number: entry.org_number,
                legal_form: Some(entry.legal_form),
                municipality_codes: entry.municipality_codes,
                website: entry.website,
                description: entry.description,
            });
            assert!(parsed.is_ok(), "{}: {parsed:?}", entry.name);
        }
    }

    #[test]
    fn files_name_their_agreement_and_known_signatories() {
        let file: OrganizationsFile =
            parse("organizations.json", DEMO_ORGANIZATIONS).expect("it parses");
        let names: Vec<&str> = file.organizations.iter().map(|o| o.name.as_str()).collect();
        for files in &DEMO_AGREEMENTS {
            let steering = steering_file(files);
            let signatories = signatories_file(files);
            assert_eq!(steering.agreement, files.slug);
            assert_eq!(signatories.agreement, files.slug);
            let refs = signatories.accessions.iter().map(|a| &a.signatory).chain(
                steering
                    .meetings
                    .iter()
                    .flat_map(|m| &m.decisions)
                    .filter_map(|d| d.accession_of.as_ref()),
            );
            for r in refs {
                match r {
                    SignatoryRef::Organization(n) => {
                        assert!(names.contains(&n.as_str()), "{}: {n}", files.slug)
                    }
                    SignatoryRef::Municipality(code) => {
                        assert!(code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()))
                    }
                }
            }
        }
    }

    #[test]
    fn groups_are_valid_and_balanced() {
        for files in &DEMO_AGREEMENTS {
            let file = steering_file(files);
            let config = GroupConfig::parse(&GroupConfigInput {
                name: file.name.clone(),
                kind: file.kind,
                ordinary_seats_per_side: file.ordinary_seats_per_side,
                deputies_allowed: file.deputies_allowed,
                chair_and_vice_chair_from_different_sides: file
                    .chair_and_vice_chair_from_different_sides,
                default_term_months: file.default_term_months,
            })
            .unwrap_or_else(|e| panic!("{}: {e}", files.slug));
            let owner = Uuid::from_u128(1);
            let mut group = SteeringGroup::new(Uuid::from_u128(2), Uuid::from_u128(3), config);
            for (i, m) in file.members.iter().enumerate() {
                let appointed_by = match &m.appointed_by {
                    AppointedBy::Owner => Appointer::PublicBody { id: owner },
                    AppointedBy::Network(name) => Appointer::Network { name: name.clone() },
                };
                group
                    .appoint(
                        Uuid::from_u128(100 + i as u128),
                        &Appointment {
                            person_name: m.person_name.clone(),
                            person_ref: None,
                            title: m.title.clone(),
                            side: m.side,
                            seat: m.seat,
                            role: m.role,
                            appointed_by,
                            term_start: m.term_start,
                            term_end: m.term_end,
                        },
                    )
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", files.slug, m.person_name));
            }
            let ordinary = |side| {
                file.members
                    .iter()
                    .filter(|m| m.side == side && m.seat == Seat::Ordinary)
                    .count()
            };
            assert_eq!(
                ordinary(Side::PublicSector),
                ordinary(Side::CivilSociety),
                "{}: equal seats on both sides",
                files.slug
            );
        }
    }
}
