//! The register of parties: public bodies and organisations.
//!
//! Functions that write expect to run inside the caller's transaction
//! (`db::write_transaction`): one request, one transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use samverkan_domain::DomainError;
use samverkan_domain::collation::swedish_sort_key;
use samverkan_domain::org_number::OrgNumber;
use samverkan_domain::party::{LegalForm, OrganizationFields, PublicBodyFields, PublicBodyKind};
use samverkan_domain::scb::MunicipalityCode;
use uuid::Uuid;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult, unique_as};
use crate::page::{Page, PageRequest, like_contains};
use crate::schema::{
    organization_changes, organization_municipalities, organizations, public_bodies,
};
use crate::{corrupt, parse_uuid, to_db_time, to_utc};

samverkan_domain::rules! {
    /// Rules of the register that only the database can check (uniqueness): another record
    /// holds the value, so they are conflicts with the stored state.
    pub enum RegisterRule {
        OrgNumberTaken { org_number: String } => "org_number_taken" {
            en: "an organisation with organisation number {org_number} is already registered",
            sv: "en organisation med organisationsnummer {org_number} finns redan i registret",
        },
        PublicBodyOrgNumberTaken { org_number: String } => "org_number_taken" {
            en: "a public body with organisation number {org_number} is already registered",
            sv: "en offentlig aktör med organisationsnummer {org_number} finns redan i registret",
        },
        ScbCodeTaken { scb_code: String } => "scb_code_taken" {
            en: "a public body of this kind with SCB code {scb_code} is already registered",
            sv: "en offentlig aktör av den här typen med SCB-kod {scb_code} finns redan i registret",
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBodyRecord {
    pub id: Uuid,
    pub fields: PublicBodyFields,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRecord {
    pub id: Uuid,
    pub fields: OrganizationFields,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Created by an application made without an account that is not verified yet: out of
    /// the public register until one of its applications is.
    pub pending_verification: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = public_bodies)]
struct PublicBodyRow {
    id: String,
    name: String,
    sort_key: String,
    kind: String,
    scb_code: Option<String>,
    website: Option<String>,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    org_number: Option<String>,
}

impl PublicBodyRow {
    fn into_record(self) -> StoreResult<PublicBodyRecord> {
        Ok(PublicBodyRecord {
            id: parse_uuid(&self.id)?,
            fields: PublicBodyFields {
                name: self.name,
                kind: PublicBodyKind::parse(&self.kind)
                    .ok_or_else(|| corrupt("public_bodies.kind"))?,
                scb_code: self.scb_code,
                website: self.website,
                org_number: self
                    .org_number
                    .map(|n| OrgNumber::parse(&n).map_err(|_| corrupt("public_bodies.org_number")))
                    .transpose()?,
            },
            row_version: self.row_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: String,
    name: String,
    sort_key: String,
    org_number: Option<String>,
    legal_form: String,
    website: Option<String>,
    description: Option<String>,
    row_version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    pending_verification: bool,
}

impl OrganizationRow {
    fn into_record(self, codes: Vec<String>) -> StoreResult<OrganizationRecord> {
        let municipality_codes = codes
            .iter()
            .map(|c| MunicipalityCode::parse(c).map_err(|_| corrupt("organization_municipalities")))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(OrganizationRecord {
            id: parse_uuid(&self.id)?,
            fields: OrganizationFields {
                name: self.name,
                org_number: self
                    .org_number
                    .map(|n| OrgNumber::parse(&n).map_err(|_| corrupt("organizations.org_number")))
                    .transpose()?,
                legal_form: LegalForm::parse(&self.legal_form)
                    .ok_or_else(|| corrupt("organizations.legal_form"))?,
                municipality_codes,
                website: self.website,
                description: self.description,
            },
            row_version: self.row_version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
            pending_verification: self.pending_verification,
        })
    }
}

// ---------------------------------------------------------------- public bodies

#[derive(Debug, Clone, Default)]
pub struct PublicBodyFilter {
    pub kind: Option<PublicBodyKind>,
    pub scb_code: Option<String>,
    pub q: Option<String>,
}

pub fn insert_public_body(
    conn: &mut DbConnection,
    id: Uuid,
    fields: &PublicBodyFields,
    now: DateTime<Utc>,
) -> StoreResult<PublicBodyRecord> {
    let now_db = to_db_time(now);
    diesel::insert_into(public_bodies::table)
        .values((
            public_bodies::id.eq(id.to_string()),
            public_bodies::name.eq(&fields.name),
            public_bodies::sort_key.eq(swedish_sort_key(&fields.name)),
            public_bodies::kind.eq(fields.kind.as_str()),
            public_bodies::scb_code.eq(&fields.scb_code),
            public_bodies::website.eq(&fields.website),
            public_bodies::org_number.eq(org_number_text(fields)),
            public_bodies::row_version.eq(1),
            public_bodies::created_at.eq(now_db),
            public_bodies::updated_at.eq(now_db),
        ))
        .execute(conn)
        .map_err(|e| public_body_taken(e, fields))?;
    get_public_body(conn, id)
}

fn org_number_text(fields: &PublicBodyFields) -> Option<String> {
    fields.org_number.as_ref().map(|n| n.as_str().to_owned())
}

/// A unique violation on `public_bodies` as the rule it breaks: the organisation number's
/// index (named by PostgreSQL's constraint, by SQLite's message) or the SCB code's.
fn public_body_taken(e: diesel::result::Error, fields: &PublicBodyFields) -> StoreError {
    let on_org_number = match &e {
        diesel::result::Error::DatabaseError(_, info) => info
            .constraint_name()
            .unwrap_or(info.message())
            .contains("org_number"),
        _ => false,
    };
    unique_as(e, || {
        if on_org_number {
            RegisterRule::PublicBodyOrgNumberTaken {
                org_number: org_number_text(fields).unwrap_or_default(),
            }
            .into()
        } else {
            RegisterRule::ScbCodeTaken {
                scb_code: fields.scb_code.clone().unwrap_or_default(),
            }
            .into()
        }
    })
}

pub fn get_public_body(conn: &mut DbConnection, id: Uuid) -> StoreResult<PublicBodyRecord> {
    public_bodies::table
        .find(id.to_string())
        .select(PublicBodyRow::as_select())
        .first(conn)?
        .into_record()
}

pub fn find_public_body_by_code(
    conn: &mut DbConnection,
    kind: PublicBodyKind,
    scb_code: &str,
) -> StoreResult<Option<PublicBodyRecord>> {
    public_bodies::table
        .filter(public_bodies::kind.eq(kind.as_str()))
        .filter(public_bodies::scb_code.eq(scb_code))
        .select(PublicBodyRow::as_select())
        .first(conn)
        .optional()?
        .map(PublicBodyRow::into_record)
        .transpose()
}

pub fn public_body_exists(conn: &mut DbConnection, id: Uuid) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        public_bodies::table.find(id.to_string()),
    ))
    .get_result(conn)?)
}

pub fn list_public_bodies(
    conn: &mut DbConnection,
    filter: &PublicBodyFilter,
    page: &PageRequest,
) -> StoreResult<Page<PublicBodyRecord>> {
    let mut query = public_bodies::table
        .select(PublicBodyRow::as_select())
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(public_bodies::kind.eq(kind.as_str()));
    }
    if let Some(code) = &filter.scb_code {
        query = query.filter(public_bodies::scb_code.eq(code.clone()));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            public_bodies::sort_key
                .like(like_contains(&swedish_sort_key(q)))
                .escape('\\'),
        );
    }
    let rows: Page<PublicBodyRow> = crate::load_page_by_name!(conn, query, public_bodies, page)?;
    rows.try_map(PublicBodyRow::into_record)
}

pub fn update_public_body(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i64,
    fields: &PublicBodyFields,
    now: DateTime<Utc>,
    by: &str,
) -> StoreResult<PublicBodyRecord> {
    let n = diesel::update(
        public_bodies::table
            .filter(public_bodies::id.eq(id.to_string()))
            .filter(public_bodies::row_version.eq(expected_version)),
    )
    .set((
        public_bodies::name.eq(&fields.name),
        public_bodies::sort_key.eq(swedish_sort_key(&fields.name)),
        public_bodies::kind.eq(fields.kind.as_str()),
        public_bodies::scb_code.eq(&fields.scb_code),
        public_bodies::website.eq(&fields.website),
        public_bodies::org_number.eq(org_number_text(fields)),
        public_bodies::row_version.eq(public_bodies::row_version + 1),
        public_bodies::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)
    .map_err(|e| public_body_taken(e, fields))?;
    if n == 0 {
        get_public_body(conn, id)?;
        return Err(StoreError::Stale);
    }
    crate::accessions::rename_signatory(conn, id, &fields.name, now, by)?;
    get_public_body(conn, id)
}

/// Inserts the reference public bodies that are missing (matched by kind and SCB code);
/// returns how many were added. Never changes a body an administrator has edited.
pub fn ensure_public_bodies(
    conn: &mut DbConnection,
    bodies: &[PublicBodyFields],
    now: DateTime<Utc>,
    mut new_id: impl FnMut() -> Uuid,
) -> StoreResult<usize> {
    let existing: Vec<(String, Option<String>)> = public_bodies::table
        .select((public_bodies::kind, public_bodies::scb_code))
        .load(conn)?;
    let mut added = 0;
    for body in bodies {
        let known = existing
            .iter()
            .any(|(k, c)| k == body.kind.as_str() && c.as_deref() == body.scb_code.as_deref());
        if !known {
            insert_public_body(conn, new_id(), body, now)?;
            added += 1;
        }
    }
    Ok(added)
}

// ---------------------------------------------------------------- organisations

#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub q: Option<String>,
    pub municipality_code: Option<String>,
    pub legal_form: Option<LegalForm>,
}

fn org_number_taken(fields: &OrganizationFields) -> DomainError {
    RegisterRule::OrgNumberTaken {
        org_number: fields
            .org_number
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
    .into()
}

pub fn insert_organization(
    conn: &mut DbConnection,
    id: Uuid,
    fields: &OrganizationFields,
    now: DateTime<Utc>,
) -> StoreResult<OrganizationRecord> {
    insert_organization_as(conn, id, fields, false, now)
}

/// An organisation created by an application made without an account: out of the public
/// register (`pending_verification`) until [`mark_organization_verified`].
pub fn insert_unverified_organization(
    conn: &mut DbConnection,
    id: Uuid,
    fields: &OrganizationFields,
    now: DateTime<Utc>,
) -> StoreResult<OrganizationRecord> {
    insert_organization_as(conn, id, fields, true, now)
}

/// One of the organisation's applications was verified: it joins the public register.
pub fn mark_organization_verified(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    diesel::update(organizations::table.find(id.to_string()))
        .set(organizations::pending_verification.eq(false))
        .execute(conn)?;
    Ok(())
}

/// The organisation with this number, if the register holds one.
pub fn organization_by_org_number(
    conn: &mut DbConnection,
    number: &OrgNumber,
) -> StoreResult<Option<OrganizationRecord>> {
    let row = organizations::table
        .filter(organizations::org_number.eq(number.as_str()))
        .select(OrganizationRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(row) => Ok(attach_codes(conn, vec![row])?.pop()),
    }
}

fn insert_organization_as(
    conn: &mut DbConnection,
    id: Uuid,
    fields: &OrganizationFields,
    pending_verification: bool,
    now: DateTime<Utc>,
) -> StoreResult<OrganizationRecord> {
    let now_db = to_db_time(now);
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(id.to_string()),
            organizations::name.eq(&fields.name),
            organizations::sort_key.eq(swedish_sort_key(&fields.name)),
            organizations::org_number.eq(fields.org_number.as_ref().map(|n| n.as_str().to_owned())),
            organizations::legal_form.eq(fields.legal_form.as_str()),
            organizations::website.eq(&fields.website),
            organizations::description.eq(&fields.description),
            organizations::row_version.eq(1),
            organizations::created_at.eq(now_db),
            organizations::updated_at.eq(now_db),
            organizations::pending_verification.eq(pending_verification),
        ))
        .execute(conn)
        .map_err(|e| unique_as(e, || org_number_taken(fields)))?;
    replace_municipalities(conn, id, &fields.municipality_codes)?;
    get_organization(conn, id)
}

fn replace_municipalities(
    conn: &mut DbConnection,
    id: Uuid,
    codes: &[MunicipalityCode],
) -> StoreResult<()> {
    diesel::delete(
        organization_municipalities::table
            .filter(organization_municipalities::organization_id.eq(id.to_string())),
    )
    .execute(conn)?;
    for code in codes {
        diesel::insert_into(organization_municipalities::table)
            .values((
                organization_municipalities::organization_id.eq(id.to_string()),
                organization_municipalities::municipality_code.eq(code.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn municipality_codes_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let mut all = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        all.extend(municipality_codes_of_chunk(conn, chunk)?);
    }
    Ok(all)
}

/// Lookups by many ids go in chunks: SQLite limits the parameters of one statement.
pub const ID_CHUNK: usize = 1000;

fn municipality_codes_of_chunk(
    conn: &mut DbConnection,
    ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    Ok(organization_municipalities::table
        .filter(organization_municipalities::organization_id.eq_any(ids))
        .select((
            organization_municipalities::organization_id,
            organization_municipalities::municipality_code,
        ))
        .order((
            organization_municipalities::organization_id,
            organization_municipalities::municipality_code,
        ))
        .load(conn)?)
}

fn attach_codes(
    conn: &mut DbConnection,
    rows: Vec<OrganizationRow>,
) -> StoreResult<Vec<OrganizationRecord>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut codes: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (organization, code) in municipality_codes_of(conn, &ids)? {
        codes.entry(organization).or_default().push(code);
    }
    rows.into_iter()
        .map(|row| {
            let mine = codes.remove(&row.id).unwrap_or_default();
            row.into_record(mine)
        })
        .collect()
}

pub fn get_organization(conn: &mut DbConnection, id: Uuid) -> StoreResult<OrganizationRecord> {
    let row = organizations::table
        .find(id.to_string())
        .select(OrganizationRow::as_select())
        .first(conn)?;
    attach_codes(conn, vec![row])?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub fn organization_exists(conn: &mut DbConnection, id: Uuid) -> StoreResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        organizations::table.find(id.to_string()),
    ))
    .get_result(conn)?)
}

pub fn list_organizations(
    conn: &mut DbConnection,
    filter: &OrganizationFilter,
    page: &PageRequest,
) -> StoreResult<Page<OrganizationRecord>> {
    let mut query = organizations::table
        .select(OrganizationRow::as_select())
        .filter(organizations::pending_verification.eq(false))
        .into_boxed();
    if let Some(q) = &filter.q {
        query = query.filter(
            organizations::sort_key
                .like(like_contains(&swedish_sort_key(q)))
                .escape('\\'),
        );
    }
    if let Some(form) = filter.legal_form {
        query = query.filter(organizations::legal_form.eq(form.as_str()));
    }
    if let Some(code) = &filter.municipality_code {
        query = query.filter(
            organizations::id.eq_any(
                organization_municipalities::table
                    .filter(organization_municipalities::municipality_code.eq(code.clone()))
                    .select(organization_municipalities::organization_id),
            ),
        );
    }
    let rows: Page<OrganizationRow> = crate::load_page_by_name!(conn, query, organizations, page)?;
    Ok(Page {
        items: attach_codes(conn, rows.items)?,
        next_cursor: rows.next_cursor,
    })
}

/// Updates an organisation's record and records who changed it, and when
/// (`organization_changes`); a rename is entered in its accessions' history with the former
/// name.
pub fn update_organization(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: i64,
    fields: &OrganizationFields,
    now: DateTime<Utc>,
    by: &str,
) -> StoreResult<OrganizationRecord> {
    let n = diesel::update(
        organizations::table
            .filter(organizations::id.eq(id.to_string()))
            .filter(organizations::row_version.eq(expected_version)),
    )
    .set((
        organizations::name.eq(&fields.name),
        organizations::sort_key.eq(swedish_sort_key(&fields.name)),
        organizations::org_number.eq(fields.org_number.as_ref().map(|n| n.as_str().to_owned())),
        organizations::legal_form.eq(fields.legal_form.as_str()),
        organizations::website.eq(&fields.website),
        organizations::description.eq(&fields.description),
        organizations::row_version.eq(organizations::row_version + 1),
        organizations::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)
    .map_err(|e| unique_as(e, || org_number_taken(fields)))?;
    if n == 0 {
        get_organization(conn, id)?;
        return Err(StoreError::Stale);
    }
    replace_municipalities(conn, id, &fields.municipality_codes)?;
    crate::accessions::rename_signatory(conn, id, &fields.name, now, by)?;
    diesel::insert_into(organization_changes::table)
        .values((
            organization_changes::organization_id.eq(id.to_string()),
            organization_changes::row_version.eq(expected_version + 1),
            organization_changes::changed_at.eq(to_db_time(now)),
            organization_changes::changed_by.eq(by),
        ))
        .execute(conn)?;
    get_organization(conn, id)
}

/// Who last changed an organisation's record, and when (`None`: never changed).
pub fn last_organization_change(
    conn: &mut DbConnection,
    id: Uuid,
) -> StoreResult<Option<(String, DateTime<Utc>)>> {
    Ok(organization_changes::table
        .filter(organization_changes::organization_id.eq(id.to_string()))
        .order(organization_changes::row_version.desc())
        .select((
            organization_changes::changed_by,
            organization_changes::changed_at,
        ))
        .first::<(String, NaiveDateTime)>(conn)
        .optional()?
        .map(|(by, at)| (by, to_utc(at))))
}

/// The public bodies party to the agreements an organisation is a signatory or applicant of
/// (an accession in a state `AccessionState::is_open` counts): whose administrators may edit
/// its record (`party::may_update_organization`).
pub fn bodies_of_agreements_of(
    conn: &mut DbConnection,
    organization: Uuid,
) -> StoreResult<Vec<Uuid>> {
    use crate::schema::{accessions, agreement_parties};
    use samverkan_domain::accession::AccessionState;
    let open: Vec<&str> = AccessionState::open_states()
        .map(AccessionState::as_str)
        .collect();
    let agreements: Vec<String> = accessions::table
        .filter(accessions::organization_id.eq(organization.to_string()))
        .filter(accessions::state.eq_any(open))
        .select(accessions::agreement_id)
        .distinct()
        .load(conn)?;
    let mut bodies: Vec<String> = Vec::new();
    for chunk in agreements.chunks(ID_CHUNK) {
        bodies.extend(
            agreement_parties::table
                .filter(agreement_parties::agreement_id.eq_any(chunk))
                .select(agreement_parties::public_body_id)
                .load::<String>(conn)?,
        );
    }
    bodies.sort();
    bodies.dedup();
    bodies.iter().map(|b| parse_uuid(b)).collect()
}

/// Organisations by id, in no particular order (ids not found are left out).
pub fn organizations_by_ids(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> StoreResult<Vec<OrganizationRecord>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut rows: Vec<OrganizationRow> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        rows.extend(
            organizations::table
                .filter(organizations::id.eq_any(chunk))
                .select(OrganizationRow::as_select())
                .load::<OrganizationRow>(conn)?,
        );
    }
    attach_codes(conn, rows)
}

/// What the public list of signatories shows of an organisation (`organizations_by_ids`
/// without the name, description, version and times the list does not show).
#[derive(Debug, Clone)]
pub struct ListedOrganization {
    pub id: Uuid,
    pub org_number: Option<OrgNumber>,
    pub legal_form: LegalForm,
    pub municipality_codes: Vec<String>,
    pub website: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct ListedOrganizationRow {
    id: String,
    org_number: Option<String>,
    legal_form: String,
    website: Option<String>,
}

/// The listed details of organisations by id, in no particular order: the public list's
/// lookup, which reads only the columns it shows (a list of thousands, as the embeddable
/// page and the CSV export read it, spent most of its time reading whole organisations).
pub fn listed_organizations_by_ids(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> StoreResult<Vec<ListedOrganization>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut rows: Vec<ListedOrganizationRow> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        rows.extend(
            organizations::table
                .filter(organizations::id.eq_any(chunk))
                .select(ListedOrganizationRow::as_select())
                .load::<ListedOrganizationRow>(conn)?,
        );
    }
    let mut codes: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for (organization, code) in municipality_codes_of(conn, &ids)? {
        codes.entry(organization).or_default().push(code);
    }
    rows.into_iter()
        .map(|row| {
            Ok(ListedOrganization {
                id: parse_uuid(&row.id)?,
                org_number: row
                    .org_number
                    .map(|n| OrgNumber::parse(&n).map_err(|_| corrupt("organizations.org_number")))
                    .transpose()?,
                legal_form: LegalForm::parse(&row.legal_form)
                    .ok_or_else(|| corrupt("organizations.legal_form"))?,
                municipality_codes: codes.remove(&row.id).unwrap_or_default(),
                website: row.website,
            })
        })
        .collect()
}

/// Public bodies by id, in no particular order.
pub fn public_bodies_by_ids(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> StoreResult<Vec<PublicBodyRecord>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut records = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        for row in public_bodies::table
            .filter(public_bodies::id.eq_any(chunk))
            .select(PublicBodyRow::as_select())
            .load::<PublicBodyRow>(conn)?
        {
            records.push(row.into_record()?);
        }
    }
    Ok(records)
}

/// Municipality names by kommunkod, for the codes given.
pub fn municipality_names(
    conn: &mut DbConnection,
    codes: &[String],
) -> StoreResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(Option<String>, String)> = public_bodies::table
        .filter(public_bodies::kind.eq(PublicBodyKind::Municipality.as_str()))
        .filter(public_bodies::scb_code.eq_any(codes))
        .select((public_bodies::scb_code, public_bodies::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, n)| c.map(|c| (c, n)))
        .collect())
}

pub fn count_organizations(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// The id of the organisation registered under exactly this name (the demo names its
/// organisations by name), the first by id should there be several.
pub fn organization_id_by_name(conn: &mut DbConnection, name: &str) -> StoreResult<Option<Uuid>> {
    organizations::table
        .filter(organizations::name.eq(name))
        .order(organizations::id.asc())
        .select(organizations::id)
        .first::<String>(conn)
        .optional()?
        .map(|id| crate::parse_uuid(&id))
        .transpose()
}

/// The public bodies a claims mapping names by SCB code or by organisation number (any
/// kind; more than one means the name is ambiguous).
pub fn public_body_ids_named(
    conn: &mut DbConnection,
    scb_code: Option<&str>,
    org_number: Option<&str>,
) -> StoreResult<Vec<Uuid>> {
    let mut query = public_bodies::table.select(public_bodies::id).into_boxed();
    if let Some(code) = scb_code {
        query = query.filter(public_bodies::scb_code.eq(code.to_owned()));
    }
    if let Some(number) = org_number {
        query = query.filter(public_bodies::org_number.eq(number.to_owned()));
    }
    let ids: Vec<String> = query.order(public_bodies::id).load(conn)?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}

/// The organisations with this organisation number.
pub fn organization_ids_by_org_number(
    conn: &mut DbConnection,
    org_number: &str,
) -> StoreResult<Vec<Uuid>> {
    let ids: Vec<String> = organizations::table
        .filter(organizations::org_number.eq(org_number))
        .select(organizations::id)
        .order(organizations::id)
        .load(conn)?;
    ids.iter().map(|id| parse_uuid(id)).collect()
}
