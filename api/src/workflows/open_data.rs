//! Open data for dataportal.se (issue 14): what the DCAT-AP-SE catalogue describes and what
//! the bulk download holds, read in one transaction: every public agreement (`PUBLIC_STATES`),
//! its owner (the publisher) and the places it covers, and for the download each one's
//! public signatory list and public texts.

use std::collections::HashMap;

use chrono::NaiveDate;
use samverkan_domain::agreement::{Agreement, VersionStatus};
use samverkan_persistence::accessions::SignatoryQuery;
use samverkan_persistence::agreements as store;
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::parties::{self, PublicBodyRecord};
use serde::Serialize;
use uuid::Uuid;

use crate::contract::agreements::AgreementVersion;
use crate::problem::{ApiError, ApiResult};
use crate::render::dcat::{CatalogInfo, DatasetInfo, Place, PublisherInfo};
use crate::render::{self, Delimiter};
use crate::workflows::signatories::{self, rows_of};

/// One public agreement with what the catalogue says of it.
struct Listed {
    agreement: Agreement,
    dataset: DatasetInfo,
}

fn publisher_of(b: &PublicBodyRecord) -> PublisherInfo {
    PublisherInfo {
        id: b.id,
        name: b.fields.name.clone(),
        kind: b.fields.kind,
        scb_code: b.fields.scb_code.clone(),
        // The register holds no organisation numbers of public bodies yet: the publisher's
        // IRI comes from its SCB code (docs/open-data.md).
        org_number: None,
        website: b.fields.website.clone(),
    }
}

/// The public agreements (of `owner`, when given) with their publishers and places.
fn listed(conn: &mut DbConnection, owner: Option<Uuid>) -> ApiResult<Vec<Listed>> {
    let records = store::public_agreements(conn, owner)?;
    let mut ids: Vec<Uuid> = records
        .iter()
        .map(|r| r.agreement.owner_public_body_id())
        .collect();
    ids.sort();
    ids.dedup();
    let bodies: HashMap<Uuid, PublicBodyRecord> = parties::public_bodies_by_ids(conn, &ids)?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let mut codes: Vec<String> = records
        .iter()
        .flat_map(|r| r.agreement.municipality_codes().iter())
        .map(|c| c.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let names = parties::municipality_names(conn, &codes)?;
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let a = record.agreement;
        let Some(owner) = bodies.get(&a.owner_public_body_id()) else {
            return Err(ApiError::Internal(format!(
                "agreement {} names a public body not in the register",
                a.id()
            )));
        };
        // The body's own area when it has an SCB code (a municipality, or a region's
        // county), else the municipalities the agreement covers.
        let places = match &owner.fields.scb_code {
            Some(code) => vec![Place {
                scb_code: code.clone(),
                name: names
                    .get(code)
                    .cloned()
                    .unwrap_or_else(|| owner.fields.name.clone()),
            }],
            None => a
                .municipality_codes()
                .iter()
                .map(|c| Place {
                    scb_code: c.as_str().to_owned(),
                    name: names
                        .get(c.as_str())
                        .cloned()
                        .unwrap_or_else(|| c.as_str().to_owned()),
                })
                .collect(),
        };
        let title = a
            .current_version()
            .map(|v| v.content().title.clone())
            .unwrap_or_default();
        let settings = a.settings();
        let dataset = DatasetInfo {
            agreement_id: a.id(),
            agreement_title: title,
            publisher: publisher_of(owner),
            places,
            licence: settings.open_data_licence,
            contact_email: settings.open_data_contact_email.clone(),
            issued: a.in_force_from(),
            ended: a.termination().map(|t| t.effective_on()),
        };
        out.push(Listed {
            agreement: a,
            dataset,
        });
    }
    Ok(out)
}

/// What the catalogue describes: the public agreements (of `public_body`, when given; 404
/// when no such body is in the register).
pub fn catalog(
    conn: &mut DbConnection,
    base: String,
    public_body: Option<Uuid>,
) -> ApiResult<CatalogInfo> {
    let publisher = match public_body {
        Some(id) => Some(publisher_of(&parties::get_public_body(conn, id)?)),
        None => None,
    };
    let datasets = listed(conn, public_body)?
        .into_iter()
        .map(|l| l.dataset)
        .collect();
    Ok(CatalogInfo {
        base,
        publisher,
        datasets,
    })
}

/// An agreement's public texts as the bulk download holds them: the adopted versions
/// (in force, superseded, or adopted for a later date) as the API shows them.
#[derive(Debug, Serialize)]
struct PublicTexts {
    id: Uuid,
    publisher: String,
    publisher_scb_code: Option<String>,
    municipality_codes: Vec<String>,
    licence: &'static str,
    versions: Vec<AgreementVersion>,
}

/// The README at the top of the archive.
const README: &str = include_str!("open_data_readme.txt");

/// The files of the bulk download for `today`: a README, `agreements.json` (the index) and
/// per public agreement `{id}/signatories.csv` (the export's CSV, today's list) and
/// `{id}/agreement.json` (its public texts).
pub fn archive_entries(
    conn: &mut DbConnection,
    base: &str,
    today: NaiveDate,
) -> ApiResult<Vec<(String, Vec<u8>)>> {
    let listed = listed(conn, None)?;
    let mut entries = vec![(
        "README.txt".to_owned(),
        README
            .replace("{base}", base)
            .replace("{today}", &today.to_string())
            .into_bytes(),
    )];
    let mut index = Vec::with_capacity(listed.len());
    for Listed { agreement, dataset } in listed {
        let id = agreement.id();
        let query = SignatoryQuery {
            agreement_id: id,
            as_of: today,
            include_former: false,
            q: None,
            municipality_code: None,
        };
        let (_, all) = signatories::load(conn, &query, None, None)?;
        let count = all.items.len();
        let csv = render::signatories_csv(&rows_of(all.items), Delimiter::Comma);
        let versions: Vec<AgreementVersion> = agreement
            .versions()
            .iter()
            .filter(|v| {
                v.adoption().is_some()
                    && matches!(
                        v.status(),
                        VersionStatus::Adopted | VersionStatus::Superseded
                    )
            })
            .map(|v| AgreementVersion::of(&agreement, v, today))
            .collect();
        let texts = PublicTexts {
            id,
            publisher: dataset.publisher.name.clone(),
            publisher_scb_code: dataset.publisher.scb_code.clone(),
            municipality_codes: agreement
                .municipality_codes()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            licence: dataset.licence.as_str(),
            versions,
        };
        index.push(serde_json::json!({
            "id": id,
            "title": dataset.agreement_title,
            "publisher": dataset.publisher.name,
            "licence": dataset.licence.uri(),
            "signatories": count,
            "signatories_csv": format!("{id}/signatories.csv"),
            "agreement_json": format!("{id}/agreement.json"),
        }));
        entries.push((format!("{id}/signatories.csv"), csv));
        entries.push((
            format!("{id}/agreement.json"),
            serde_json::to_vec_pretty(&texts).map_err(|e| ApiError::Internal(e.to_string()))?,
        ));
    }
    let index = serde_json::json!({ "as_of": today, "agreements": index });
    entries.insert(
        1,
        (
            "agreements.json".to_owned(),
            serde_json::to_vec_pretty(&index).map_err(|e| ApiError::Internal(e.to_string()))?,
        ),
    );
    Ok(entries)
}
