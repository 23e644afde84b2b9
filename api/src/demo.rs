//! Demo data for `serve --demo` and `seed-demo`: invented organisations (no real persons,
//! no real organisation numbers), loaded only into an empty database.

use chrono::NaiveDate;
use chrono::Utc;
use samverkan_domain::accession::{
    Accession, AgreementTerms, Approval, BoardDecision, Channel, CitedDecision, ContactPersonInput,
    Signatory, SubmissionInput, WithdrawalNotice, swedish_date,
};
use samverkan_domain::agreement::ApprovalMode;
use samverkan_domain::agreement::DemoAgreement;
use samverkan_domain::party::{LegalForm, OrganizationFields, OrganizationInput, PublicBodyKind};
use samverkan_domain::steering::{
    Appointer, Appointment, GroupConfig, GroupConfigInput, GroupKind, MemberRole, Seat, Side,
    SteeringGroup,
};
use samverkan_domain::steering::{DecisionInput, DecisionKind, MeetingInput};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{accessions, agreements, parties, steering};
use std::collections::HashMap;
use uuid::Uuid;

use crate::problem::ApiError;

/// (name, organisation number, legal form, municipality codes, description). The numbers
/// are made up, with valid check digits.
type DemoOrganization = (
    &'static str,
    Option<&'static str>,
    LegalForm,
    &'static [&'static str],
    &'static str,
);

pub const DEMO_ORGANIZATIONS: &[DemoOrganization] = &[
    (
        "Föreningen Ängsblomman",
        Some("802002-4280"),
        LegalForm::NonProfitAssociation,
        &["1285"],
        "Naturvård och ängsslåtter för alla åldrar.",
    ),
    (
        "Åby Idrottssällskap",
        Some("802100-1238"),
        LegalForm::NonProfitAssociation,
        &["1285", "1281"],
        "Fotboll, friidrott och öppen träning.",
    ),
    (
        "Ölandsbrons Kooperativ för Återbruk",
        Some("769600-1002"),
        LegalForm::EconomicAssociation,
        &["0181"],
        "Återbruk och arbetsträning.",
    ),
    (
        "Stiftelsen Östra Gårdens Minne",
        Some("802300-0048"),
        LegalForm::Foundation,
        &["1290"],
        "Kulturarv och lokalhistoria.",
    ),
    (
        "Blekinge Läsecirkelförbund",
        None,
        LegalForm::NonProfitAssociation,
        &["1080", "1081", "1082"],
        "Studiecirklar och läsfrämjande.",
    ),
    (
        "Zonta-klubben Exempelstad",
        Some("802480-0008"),
        LegalForm::NonProfitAssociation,
        &["1281"],
        "Påverkansarbete för kvinnors rättigheter.",
    ),
    (
        "Örkelljunga IF (demo)",
        Some("802500-0004"),
        LegalForm::NonProfitAssociation,
        &["1285"],
        "Ett påhittat idrottssällskap för demonstration.",
    ),
    (
        "Fria Församlingen i Söderby",
        Some("252000-0007"),
        LegalForm::ReligiousCommunity,
        &["0181"],
        "Öppen verksamhet för barn och unga.",
    ),
];

/// The five real agreements of `../shared/seeds/`, as data files.
pub const DEMO_AGREEMENTS: [&str; 5] = [
    include_str!("../../demo/agreements/eslov-2019.json"),
    include_str!("../../demo/agreements/sodertalje-2018.json"),
    include_str!("../../demo/agreements/lund-2018.json"),
    include_str!("../../demo/agreements/kristianstad-2016.json"),
    include_str!("../../demo/agreements/blekinge.json"),
];

/// Loads the demo data if the database holds no organisations and no agreements yet;
/// returns whether it did.
pub fn load_if_empty(conn: &mut DbConnection) -> Result<bool, ApiError> {
    if parties::count_organizations(conn)? > 0 || agreements::count_agreements(conn)? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let today = samverkan_domain::accession::swedish_date(now);
    let mut organizations = HashMap::new();
    for (name, number, form, codes, description) in DEMO_ORGANIZATIONS {
        let fields = OrganizationFields::parse(&OrganizationInput {
            name: (*name).to_owned(),
            org_number: number.map(str::to_owned),
            legal_form: Some(*form),
            municipality_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            website: None,
            description: Some((*description).to_owned()),
        })?;
        let record = parties::insert_organization(conn, Uuid::now_v7(), &fields, now)?;
        organizations.insert(*name, (record.id, record.fields.name));
    }
    for file in DEMO_AGREEMENTS {
        let demo: DemoAgreement = serde_json::from_str(file)
            .map_err(|e| ApiError::Internal(format!("demo agreement: {e}")))?;
        let mut ids = HashMap::new();
        for code in std::iter::once(&demo.owner_scb_code).chain(demo.party_scb_codes.iter()) {
            if let Some(body) = parties::find_public_body_by_code(conn, body_kind(code), code)? {
                ids.insert(code.clone(), body.id);
            }
        }
        let agreement = demo.build(Uuid::now_v7(), |code| ids.get(code).copied(), today)?;
        agreements::insert_agreement(conn, &agreement, now)?;
        let group = match DEMO_GROUPS.iter().find(|g| g.slug == demo.slug) {
            Some(plan) => Some(load_group(conn, plan, &agreement, now)?),
            None => None,
        };
        for plan in DEMO_ACCESSIONS.iter().filter(|a| a.slug == demo.slug) {
            let (signatory, name) = match plan.signatory {
                DemoSignatory::Organization(n) => {
                    let (id, name) = organizations
                        .get(n)
                        .cloned()
                        .ok_or_else(|| ApiError::Internal(format!("demo: no organisation {n}")))?;
                    (Signatory::Organization(id), name)
                }
                DemoSignatory::Municipality(code) => {
                    let body = parties::find_public_body_by_code(
                        conn,
                        PublicBodyKind::Municipality,
                        code,
                    )?
                    .ok_or_else(|| ApiError::Internal(format!("demo: no municipality {code}")))?;
                    (Signatory::PublicBody(body.id), body.fields.name)
                }
            };
            load_accession(
                conn,
                plan,
                &agreement,
                group.as_ref(),
                signatory,
                &name,
                now,
            )?;
        }
    }
    Ok(true)
}

fn body_kind(code: &str) -> PublicBodyKind {
    if samverkan_domain::scb::is_county_code(code) {
        PublicBodyKind::Region
    } else {
        PublicBodyKind::Municipality
    }
}

/// How each demo agreement's group is made up (the seeds' rules, invented people).
struct DemoGroup {
    slug: &'static str,
    name: &'static str,
    kind: GroupKind,
    seats_per_side: Option<u32>,
    /// Ordinary members appointed on each side.
    ordinary_per_side: usize,
    /// Adjunct seats on the public side (Blekinge: länsstyrelsen, kommuner, akademin).
    adjuncts: &'static [&'static str],
    deputies: bool,
    /// Who appoints the civil-society side.
    sector_appointer: &'static str,
}

const DEMO_GROUPS: [DemoGroup; 5] = [
    DemoGroup {
        slug: "eslov-2019",
        name: "Styrgruppen för Överenskommelsen i Eslöv",
        kind: GroupKind::SteeringGroup,
        seats_per_side: Some(5),
        ordinary_per_side: 5,
        adjuncts: &[],
        deputies: false,
        sector_appointer: "Eslövs idéburna sektor",
    },
    DemoGroup {
        slug: "kristianstad-2016",
        name: "Styrgruppen för Överenskommelsen i Kristianstad",
        kind: GroupKind::SteeringGroup,
        seats_per_side: Some(5),
        ordinary_per_side: 5,
        adjuncts: &[],
        deputies: false,
        sector_appointer: "Den idéburna sektorn i Kristianstad",
    },
    DemoGroup {
        slug: "blekinge",
        name: "Partnerskapet för Överenskommelsen i Blekinge",
        kind: GroupKind::Partnership,
        seats_per_side: None,
        ordinary_per_side: 4,
        adjuncts: &["Adjungerad för akademin", "Adjungerad för kommunerna"],
        deputies: true,
        sector_appointer: "Nätverket Idéburet Blekinge",
    },
    DemoGroup {
        slug: "sodertalje-2018",
        name: "Interimistiska samverkansgruppen i Södertälje",
        kind: GroupKind::CollaborationGroup,
        seats_per_side: None,
        ordinary_per_side: 3,
        adjuncts: &[],
        deputies: false,
        sector_appointer: "Idéburna organisationer i Södertälje",
    },
    DemoGroup {
        slug: "lund-2018",
        name: "Samverkansgruppen i Lund",
        kind: GroupKind::CollaborationGroup,
        seats_per_side: None,
        ordinary_per_side: 3,
        adjuncts: &[],
        deputies: false,
        sector_appointer: "Idéburna organisationer i Lund",
    },
];

/// Invented names: Swedish first names with made-up surnames, so that no real person is
/// named.
const FIRST_NAMES: [&str; 12] = [
    "Alva", "Bror", "Cecilia", "Dan", "Elin", "Filip", "Greta", "Hugo", "Ingrid", "Jonas", "Karin",
    "Åke",
];
const SURNAMES: [&str; 6] = [
    "Exempelsson",
    "Påhittsdotter",
    "Demoberg",
    "Provlund",
    "Fiktivander",
    "Låtsasson",
];

fn demo_name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[i % FIRST_NAMES.len()],
        SURNAMES[(i / 2 + i) % SURNAMES.len()]
    )
}

fn load_group(
    conn: &mut DbConnection,
    plan: &DemoGroup,
    agreement: &samverkan_domain::agreement::Agreement,
    now: chrono::DateTime<Utc>,
) -> Result<SteeringGroup, ApiError> {
    let config = GroupConfig::parse(&GroupConfigInput {
        name: plan.name.into(),
        kind: plan.kind,
        ordinary_seats_per_side: plan.seats_per_side,
        deputies_allowed: plan.deputies,
        chair_and_vice_chair_from_different_sides: true,
        default_term_months: None,
    })?;
    let mut group = SteeringGroup::new(Uuid::now_v7(), agreement.id, config);
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    // Until further notice, so that the demo keeps a full group whatever the date.
    let end = None;
    let owner = Appointer::PublicBody {
        id: agreement.owner_public_body_id,
    };
    let sector = Appointer::Network {
        name: plan.sector_appointer.into(),
    };
    let mut n = plan.slug.len();
    for side in [Side::PublicSector, Side::CivilSociety] {
        for i in 0..plan.ordinary_per_side {
            let role = match (side, i) {
                (Side::PublicSector, 0) => MemberRole::Chair,
                (Side::CivilSociety, 0) => MemberRole::ViceChair,
                _ => MemberRole::Member,
            };
            let title = match side {
                Side::PublicSector if i == 0 => "Kommunalråd",
                Side::PublicSector => "Tjänsteperson",
                Side::CivilSociety => "Förtroendevald i idéburen organisation",
            };
            n += 1;
            group.appoint(
                Uuid::now_v7(),
                &Appointment {
                    person_name: demo_name(n),
                    person_ref: None,
                    title: Some(title.into()),
                    side,
                    seat: Seat::Ordinary,
                    role,
                    appointed_by: if side == Side::PublicSector {
                        owner.clone()
                    } else {
                        sector.clone()
                    },
                    term_start: start,
                    term_end: end,
                },
            )?;
        }
    }
    for title in plan.adjuncts {
        n += 1;
        group.appoint(
            Uuid::now_v7(),
            &Appointment {
                person_name: demo_name(n),
                person_ref: None,
                title: Some((*title).into()),
                side: Side::PublicSector,
                seat: Seat::Adjunct,
                role: MemberRole::Member,
                appointed_by: owner.clone(),
                term_start: start,
                term_end: end,
            },
        )?;
    }
    steering::insert_group(conn, &group, now)?;
    Ok(group)
}

enum DemoSignatory {
    Organization(&'static str),
    Municipality(&'static str),
}

/// One demo accession: who, when it was decided and approved, and how it ends (if at all).
struct DemoAccession {
    slug: &'static str,
    signatory: DemoSignatory,
    /// Board decision date; received a week later.
    decided_on: (i32, u32, u32),
    /// `None`: still waiting for a decision.
    approved_on: Option<(i32, u32, u32)>,
    /// Withdrawal effective date.
    withdrawn_on: Option<(i32, u32, u32)>,
}

const DEMO_ACCESSIONS: [DemoAccession; 9] = [
    DemoAccession {
        slug: "eslov-2019",
        signatory: DemoSignatory::Organization("Föreningen Ängsblomman"),
        decided_on: (2019, 11, 12),
        approved_on: Some((2019, 12, 1)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "eslov-2019",
        signatory: DemoSignatory::Organization("Åby Idrottssällskap"),
        decided_on: (2020, 2, 3),
        approved_on: Some((2020, 3, 1)),
        withdrawn_on: Some((2023, 1, 1)),
    },
    DemoAccession {
        slug: "eslov-2019",
        signatory: DemoSignatory::Organization("Örkelljunga IF (demo)"),
        decided_on: (2021, 4, 20),
        approved_on: Some((2021, 5, 15)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "eslov-2019",
        signatory: DemoSignatory::Organization("Zonta-klubben Exempelstad"),
        decided_on: (2026, 10, 5),
        approved_on: None,
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "sodertalje-2018",
        signatory: DemoSignatory::Organization("Ölandsbrons Kooperativ för Återbruk"),
        decided_on: (2018, 11, 2),
        approved_on: Some((2018, 12, 1)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "sodertalje-2018",
        signatory: DemoSignatory::Organization("Fria Församlingen i Söderby"),
        decided_on: (2019, 3, 10),
        approved_on: Some((2019, 4, 1)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "kristianstad-2016",
        signatory: DemoSignatory::Organization("Stiftelsen Östra Gårdens Minne"),
        decided_on: (2016, 5, 2),
        approved_on: Some((2016, 6, 1)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "blekinge",
        signatory: DemoSignatory::Organization("Blekinge Läsecirkelförbund"),
        decided_on: (2023, 2, 14),
        approved_on: Some((2023, 3, 20)),
        withdrawn_on: None,
    },
    DemoAccession {
        slug: "blekinge",
        signatory: DemoSignatory::Municipality("1080"),
        decided_on: (2023, 2, 20),
        approved_on: Some((2023, 3, 20)),
        withdrawn_on: None,
    },
];

fn date((y, m, d): (i32, u32, u32)) -> Result<NaiveDate, ApiError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::Internal("demo: bad date".into()))
}

/// Submits, approves and maybe withdraws one demo accession through the domain's own
/// operations (in steering-group mode with a recorded decision of the demo group).
fn load_accession(
    conn: &mut DbConnection,
    plan: &DemoAccession,
    agreement: &samverkan_domain::agreement::Agreement,
    group: Option<&SteeringGroup>,
    signatory: Signatory,
    name: &str,
    now: chrono::DateTime<Utc>,
) -> Result<(), ApiError> {
    const BY: &str = "demo";
    let today = swedish_date(now);
    let decided_on = date(plan.decided_on)?;
    // The demo replays history: the agreement was in force when the board decided
    // (Södertälje's has since expired, and its signatories stay on record).
    let on = plan.approved_on.map_or(Ok(decided_on), date)?.min(today);
    let terms = AgreementTerms::of(agreement, on);
    let mut accession = Accession::submit(
        SubmissionInput {
            id: Uuid::now_v7(),
            signatory,
            channel: Channel::BoardMinutes,
            board_decision: Some(BoardDecision {
                decided_on,
                minutes_reference: "§ 7".into(),
                received_on: decided_on + chrono::Days::new(7),
                diary_number: None,
            }),
            affirmed_statements: agreement.settings.eligibility_statements.clone(),
            contact_person: ContactPersonInput {
                name: "Kontaktperson Exempel".into(),
                email: "kontakt@forening.example".into(),
                phone: None,
            },
        },
        &terms,
        &[],
        BY,
        now,
    )?;
    if let Some(approved) = plan.approved_on {
        let approved_on = date(approved)?;
        let approval = match (agreement.settings.approval_mode, group) {
            (ApprovalMode::SteeringGroup, Some(group)) => Approval::SteeringGroupDecision(
                demo_decision(conn, group, accession.id, name, approved_on, now)?,
            ),
            _ => Approval::Registration,
        };
        accession.approve(approval, &terms, approved_on, BY, now)?;
    }
    if let Some(withdrawn) = plan.withdrawn_on {
        let effective_on = date(withdrawn)?;
        accession.withdraw(
            WithdrawalNotice {
                received_on: effective_on - chrono::Days::new(30),
                reference: "Styrelseprotokoll § 3".into(),
                effective_on,
            },
            BY,
            now,
        )?;
    }
    accessions::insert_accession(conn, &accession, name, now)?;
    Ok(())
}

/// A meeting of the whole group on `on` that approves the accession.
fn demo_decision(
    conn: &mut DbConnection,
    group: &SteeringGroup,
    accession_id: Uuid,
    name: &str,
    on: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Result<CitedDecision, ApiError> {
    let present = group.in_office(on).map(|m| m.id).collect();
    let meeting = group.record_meeting(
        Uuid::now_v7(),
        &MeetingInput {
            date: on,
            present,
            minutes_reference: Some(format!("Protokoll {on}")),
        },
    )?;
    steering::insert_meeting(conn, &meeting, now)?;
    let decision = group.record_decision(
        &meeting,
        Uuid::now_v7(),
        &DecisionInput {
            kind: DecisionKind::ApproveAccession,
            subject: format!("Anslutning: {name}"),
            subject_id: Some(accession_id),
            text: "Partnerskapet godkänner anslutningen.".into(),
        },
    )?;
    steering::insert_decision(conn, &decision.to_record(), now)?;
    Ok(CitedDecision::of(group, &meeting, &decision))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_organizations_are_valid() {
        for (name, number, form, codes, _) in DEMO_ORGANIZATIONS {
            let parsed = OrganizationFields::parse(&OrganizationInput {
                name: (*name).to_owned(),
                org_number: number.map(str::to_owned),
                legal_form: Some(*form),
                municipality_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
                website: None,
                description: None,
            });
            assert!(parsed.is_ok(), "{name}: {parsed:?}");
        }
    }
}
