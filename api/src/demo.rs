//! Demo data for `serve --demo` and `seed-demo`: invented organisations (no real persons,
//! no real organisation numbers), loaded only into an empty database.

use chrono::Utc;
use samverkan_domain::agreement::DemoAgreement;
use samverkan_domain::party::{LegalForm, OrganizationFields, OrganizationInput, PublicBodyKind};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::{agreements, parties};
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
    for file in DEMO_AGREEMENTS {
        let demo: DemoAgreement = serde_json::from_str(file)
            .map_err(|e| ApiError::Internal(format!("demo agreement: {e}")))?;
        let mut ids = std::collections::HashMap::new();
        for code in std::iter::once(&demo.owner_scb_code).chain(demo.party_scb_codes.iter()) {
            let kind = if code.len() == 2 {
                PublicBodyKind::Region
            } else {
                PublicBodyKind::Municipality
            };
            if let Some(body) = parties::find_public_body_by_code(conn, kind, code)? {
                ids.insert(code.clone(), body.id);
            }
        }
        let agreement = demo.build(Uuid::now_v7(), |code| ids.get(code).copied(), today)?;
        agreements::insert_agreement(conn, &agreement, now)?;
    }
    for (name, number, form, codes, description) in DEMO_ORGANIZATIONS {
        let fields = OrganizationFields::parse(&OrganizationInput {
            name: (*name).to_owned(),
            org_number: number.map(str::to_owned),
            legal_form: Some(*form),
            municipality_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            website: None,
            description: Some((*description).to_owned()),
        })?;
        parties::insert_organization(conn, Uuid::now_v7(), &fields, now)?;
    }
    Ok(true)
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
