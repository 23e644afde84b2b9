//! The public list of signatories: loaded from the merged terms (`persistence::accessions::
//! signatories`, whose meaning the domain's `SignatoryTerm::listed_on` defines), filled
//! with the register's public details, and counted for the statistics.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use samverkan_domain::access::Principal;
use samverkan_domain::accession::{Signatory, SignatoryStatus};
use samverkan_domain::agreement::Agreement;
use samverkan_domain::party::{LegalForm, PublicBodyKind, SignatoryForm};
use samverkan_persistence::accessions::{self as store, SignatoryLine, SignatoryQuery};
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::page::{Page, PageRequest, decode_cursor};
use samverkan_persistence::parties;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::problem::ApiResult;
use crate::render::SignatoryRow;
use crate::workflows::agreements::visible_agreement;

/// One signatory on the public list: public facts only, never contact persons or who
/// submitted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatoryView {
    pub signatory: Signatory,
    #[schema(example = "Föreningen Ängsblomman")]
    pub name: String,
    pub org_number: Option<String>,
    /// The organisation's legal form; null for a public body.
    pub legal_form: Option<LegalForm>,
    /// For a public body that acceded (Blekinge): its kind.
    pub public_body_kind: Option<PublicBodyKind>,
    pub municipality_codes: Vec<String>,
    pub municipality_names: Vec<String>,
    pub website: Option<String>,
    /// The first day as a signatory.
    pub signatory_since: NaiveDate,
    /// For former signatories, the first day no longer a signatory.
    pub signatory_until: Option<NaiveDate>,
    /// The IOP partnerships under this agreement it is a party to, entered or ended (the
    /// public register's), by period.
    pub partnerships: Vec<SignatoryPartnership>,
}

/// An IOP partnership on a signatory's public entry; the register
/// (`GET /agreements/{id}/partnerships/{partnership_id}`) has the rest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignatoryPartnership {
    pub partnership_id: Uuid,
    #[schema(example = "Läxhjälp i Östra stan")]
    pub title: String,
    pub state: samverkan_domain::partnership::PartnershipState,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

crate::list_of!(SignatoryList, SignatoryView);

/// A line of the list with its status on the list's date.
#[derive(Debug, Clone)]
pub struct Listed {
    pub status: SignatoryStatus,
    pub view: SignatoryView,
}

/// One page (or, with `page: None`, all) of the public list of an agreement the caller may
/// see, with the agreement.
pub fn load(
    conn: &mut DbConnection,
    query: &SignatoryQuery,
    caller: Option<&Principal>,
    page: Option<&PageRequest>,
) -> ApiResult<(Agreement, Page<Listed>)> {
    let agreement = visible_agreement(conn, query.agreement_id, caller)?;
    let lines = store::signatories(conn, query, page)?;
    let next_cursor = lines.next_cursor.clone();
    let items = views(conn, query.agreement_id, lines.items)?;
    Ok((agreement, Page { items, next_cursor }))
}

/// The lines after `after` (the key of the last line of the batch before; `None` for the
/// first), at most `limit`, with the key of the last when more follow: a streamed export
/// reads the list this way, one connection per batch. The agreement's visibility is the
/// caller's to check once, with the first batch (`load`).
pub fn batch(
    conn: &mut DbConnection,
    query: &SignatoryQuery,
    after: Option<Vec<String>>,
    limit: i64,
) -> ApiResult<(Vec<Listed>, Option<Vec<String>>)> {
    let lines = store::signatories(conn, query, Some(&PageRequest { limit, after }))?;
    let next = match lines.next_cursor.as_deref() {
        None => None,
        Some(cursor) => Some(decode_cursor(cursor, 2).ok_or_else(|| {
            crate::problem::ApiError::Internal("a list key that does not read back".into())
        })?),
    };
    Ok((views(conn, query.agreement_id, lines.items)?, next))
}

/// Fills public details of the list's lines from the register, in one query per table.
fn views(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    lines: Vec<SignatoryLine>,
) -> ApiResult<Vec<Listed>> {
    let registered = samverkan_persistence::partnerships::partnerships_of_agreement(
        conn,
        agreement_id,
        &samverkan_domain::partnership::PartnershipState::REGISTERED,
    )?;
    let partnerships_of = |signatory: Signatory| -> Vec<SignatoryPartnership> {
        let Signatory::Organization(org) = signatory else {
            return Vec::new();
        };
        registered
            .iter()
            .map(|r| &r.partnership)
            .filter(|p| p.involves(org))
            .map(|p| SignatoryPartnership {
                partnership_id: p.id,
                title: p.title.clone(),
                state: p.state,
                period_from: p.period_from,
                period_to: p.period_to,
            })
            .collect()
    };
    let (mut org_ids, mut body_ids) = (Vec::new(), Vec::new());
    for l in &lines {
        match l.signatory {
            Signatory::Organization(id) => org_ids.push(id),
            Signatory::PublicBody(id) => body_ids.push(id),
        }
    }
    let orgs: HashMap<Uuid, _> = parties::listed_organizations_by_ids(conn, &org_ids)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let bodies: HashMap<Uuid, _> = parties::public_bodies_by_ids(conn, &body_ids)?
        .into_iter()
        .map(|b| (b.id, b.fields))
        .collect();
    let mut codes: Vec<String> = orgs
        .values()
        .flat_map(|o| o.municipality_codes.iter().cloned())
        .chain(
            bodies
                .values()
                .filter_map(|b| b.municipality_code().map(str::to_owned)),
        )
        .collect();
    codes.sort();
    codes.dedup();
    let names = parties::municipality_names(conn, &codes)?;
    let name_of = |c: &String| names.get(c).cloned().unwrap_or_else(|| c.clone());
    Ok(lines
        .into_iter()
        .map(|l| {
            let (org_number, legal_form, kind, municipality_codes, website) = match l.signatory {
                Signatory::Organization(id) => match orgs.get(&id) {
                    Some(o) => (
                        o.org_number.as_ref().map(ToString::to_string),
                        Some(o.legal_form),
                        None,
                        o.municipality_codes.clone(),
                        o.website.clone(),
                    ),
                    None => (None, None, None, vec![], None),
                },
                Signatory::PublicBody(id) => match bodies.get(&id) {
                    Some(b) => (
                        None,
                        None,
                        Some(b.kind),
                        b.municipality_code()
                            .map(str::to_owned)
                            .into_iter()
                            .collect(),
                        b.website.clone(),
                    ),
                    None => (None, None, None, vec![], None),
                },
            };
            Listed {
                status: l.status,
                view: SignatoryView {
                    signatory: l.signatory,
                    name: l.name,
                    org_number,
                    legal_form,
                    public_body_kind: kind,
                    municipality_names: municipality_codes.iter().map(name_of).collect(),
                    municipality_codes,
                    website,
                    signatory_since: l.since,
                    signatory_until: l.until,
                    partnerships: partnerships_of(l.signatory),
                },
            }
        })
        .collect())
}

/// The public list as the renderers (CSV, the embeddable page) take it.
pub fn rows_of(items: Vec<Listed>) -> Vec<SignatoryRow> {
    items
        .into_iter()
        .map(|Listed { view: s, .. }| SignatoryRow {
            name: s.name,
            org_number: s.org_number,
            legal_form: s.legal_form,
            municipality_codes: s.municipality_codes,
            municipality_names: s.municipality_names,
            website: s.website,
            since: s.signatory_since,
            until: s.signatory_until,
        })
        .collect()
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CountBy {
    pub key: String,
    pub count: u32,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct YearCount {
    pub year: i32,
    pub joined: u32,
    pub left: u32,
}

/// Signatory statistics.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SignatoryStats {
    pub as_of: NaiveDate,
    pub signatories: u32,
    /// Current signatories by legal form (`public_body` for public bodies).
    pub by_legal_form: Vec<CountBy>,
    /// Current signatories by municipality code (an organisation active in several counts in
    /// each).
    pub by_municipality: Vec<CountBy>,
    /// Accessions approved and signatories leaving, per calendar year.
    pub per_year: Vec<YearCount>,
}

impl SignatoryStats {
    /// Counts the whole list with former signatories, as of `as_of`: current ones by form
    /// and municipality, and every term's start and end by year.
    pub fn of(as_of: NaiveDate, list: &[Listed]) -> Self {
        let mut forms: BTreeMap<&'static str, u32> = BTreeMap::new();
        let mut municipalities: BTreeMap<&str, u32> = BTreeMap::new();
        let mut years: BTreeMap<i32, (u32, u32)> = BTreeMap::new();
        let mut current = 0;
        for Listed { status, view } in list {
            years.entry(view.signatory_since.year()).or_default().0 += 1;
            if let Some(until) = view.signatory_until {
                years.entry(until.year()).or_default().1 += 1;
            }
            if *status != SignatoryStatus::Current {
                continue;
            }
            current += 1;
            *forms
                .entry(SignatoryForm::of(view.legal_form).as_str())
                .or_default() += 1;
            for c in &view.municipality_codes {
                *municipalities.entry(c).or_default() += 1;
            }
        }
        let counts = |m: BTreeMap<&str, u32>| {
            m.into_iter()
                .map(|(key, count)| CountBy {
                    key: key.to_owned(),
                    count,
                })
                .collect()
        };
        Self {
            as_of,
            signatories: current,
            by_legal_form: counts(forms),
            by_municipality: counts(municipalities),
            per_year: years
                .into_iter()
                .map(|(year, (joined, left))| YearCount { year, joined, left })
                .collect(),
        }
    }
}
