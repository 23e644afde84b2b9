//! Demo data for `serve --demo` and `seed-demo`: invented organisations (no real persons,
//! no real organisation numbers), loaded only into an empty database.

use chrono::Utc;
use samverkan_domain::party::{LegalForm, OrganizationFields, OrganizationInput};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::parties;
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

/// Loads the demo data if the database holds no organisations yet; returns whether it did.
pub fn load_if_empty(conn: &mut DbConnection) -> Result<bool, ApiError> {
    if parties::count_organizations(conn)? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
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
