//! Applying without an account (issue 19): an application through the agreement's form,
//! its verification (the contact person's confirmation, or an administrator by hand), the
//! sweep of applications not verified in time, and the capability link sent with it.
//!
//! Everything goes through the domain's operations (`Accession::apply_without_account`,
//! `Accession::verify`, `Accession::expire_unverified`) and the same storage as the API: the
//! form adds no shortcut around the rules or the history.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use samverkan_domain::DomainError;
use samverkan_domain::accession::{
    Accession, AgreementTerms, Signatory, SubmissionInput, Verifier, swedish_date,
};
use samverkan_domain::agreement;
use samverkan_domain::capability::{CapabilityLink, RevocationReason};
use samverkan_domain::party::{OrganizationFields, OrganizationInput};
use samverkan_persistence::accessions::{self as store, AccessionRecord};
use samverkan_persistence::agreements as agreement_store;
use samverkan_persistence::capability as link_store;
use samverkan_persistence::db::DbConnection;
use samverkan_persistence::parties;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::problem::{ApiError, ApiResult};

/// What the form sends, checked field by field by the domain.
#[derive(Debug, Clone)]
pub struct FormApplication {
    pub organization: OrganizationInput,
    pub submission: SubmissionInput,
}

/// A new capability link: the token (only in the mail; never stored or logged) and the
/// stored link.
pub struct IssuedLink {
    pub token: String,
    pub link: CapabilityLink,
}

/// A random token, URL-safe: 32 bytes from two UUID v4s, so 244 random bits (the version
/// and variant bits of each are fixed).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token: its SHA-256 in hex. A 256-bit random token needs no salt or
/// slow hash; the hash only keeps a copy of the database from granting access.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Issues a link for `accession`'s organisation and agreement and stores its hash.
pub fn issue_link(
    conn: &mut DbConnection,
    accession: &Accession,
    now: DateTime<Utc>,
) -> ApiResult<IssuedLink> {
    let link = CapabilityLink::issue(Uuid::now_v7(), accession, now).map_err(DomainError::from)?;
    let token = new_token();
    link_store::insert_link(conn, &link, &token_hash(&token))?;
    Ok(IssuedLink { token, link })
}

/// The link a bearer token names, if it still works.
pub fn active_link(conn: &mut DbConnection, token: &str) -> ApiResult<Option<CapabilityLink>> {
    Ok(link_store::link_by_token_hash(conn, &token_hash(token))?.filter(CapabilityLink::is_active))
}

/// Revokes the links of the accession's scope sent to a former contact person.
pub fn revoke_outdated_links(
    conn: &mut DbConnection,
    accession: &Accession,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    let Signatory::Organization(organization_id) = accession.signatory() else {
        return Ok(0);
    };
    let scope = samverkan_domain::capability::CapabilityScope {
        organization_id,
        agreement_id: accession.agreement_id(),
    };
    let mut revoked = 0;
    for mut link in link_store::active_links(conn, scope)? {
        if link.outdated_by(accession) {
            link.revoke(RevocationReason::ContactPersonChanged, now)
                .map_err(DomainError::from)?;
            link_store::save_revocation(conn, &link)?;
            log::info!(link_id:% = link.id(); "capability link revoked: contact person changed");
            revoked += 1;
        }
    }
    Ok(revoked)
}

/// An application through the form of agreement `agreement_id`: the organisation from the
/// register by its number (used as it is, never changed), or created out of the public
/// register when the number is not in it; then the accession, `pending_verification`, and
/// a capability link for its contact person. A 404 for an agreement that is not public.
pub fn apply(
    conn: &mut DbConnection,
    agreement_id: Uuid,
    application: FormApplication,
    verification_days: u32,
    now: DateTime<Utc>,
) -> ApiResult<(AccessionRecord, IssuedLink)> {
    let a = agreement_store::get_agreement_shared(conn, agreement_id)?.agreement;
    if !agreement::may_view(None, &a) {
        return Err(ApiError::NotFound);
    }
    let fields = OrganizationFields::parse(&application.organization)?;
    let Some(number) = fields.org_number.clone() else {
        return Err(ApiError::from(DomainError::invalid(
            "org_number",
            samverkan_domain::error::CommonField::Required,
        )));
    };
    let organization = match parties::organization_by_org_number(conn, &number)? {
        Some(existing) => existing,
        None => parties::insert_unverified_organization(conn, Uuid::now_v7(), &fields, now)?,
    };
    let codes = organization
        .fields
        .municipality_codes
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    let input = SubmissionInput {
        id: Uuid::now_v7(),
        signatory: Signatory::Organization(organization.id),
        signatory_municipality_codes: codes,
        ..application.submission
    };
    let accession = Accession::apply_without_account(
        input,
        &AgreementTerms::of(&a, swedish_date(now)),
        verification_days,
        FORM_ACTOR,
        now,
    )?;
    let record = store::insert_accession(conn, &accession, &organization.fields.name, now)?;
    let issued = issue_link(conn, &accession, now)?;
    log::info!(
        accession_id:% = accession.id(), link_id:% = issued.link.id();
        "application through the form"
    );
    Ok((record, issued))
}

/// The `by` of a submission through the form: no account stands behind it.
pub const FORM_ACTOR: &str = "form";

/// Verifies a pending application (the contact person's confirmation through `link`, or an
/// administrator by hand): the domain's rule, and the organisation it created joins the
/// public register.
pub fn verify(
    conn: &mut DbConnection,
    accession: &mut Accession,
    how: Verifier,
    by: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let existing = store::existing_for(conn, accession.agreement_id(), accession.signatory())?;
    accession.verify(how, &existing, by, now)?;
    if let Signatory::Organization(id) = accession.signatory() {
        parties::mark_organization_verified(conn, id)?;
    }
    Ok(())
}

/// The sweep: cancels every application made without an account that was not verified by
/// its day. Returns how many.
pub fn expire_unverified(conn: &mut DbConnection, now: DateTime<Utc>) -> ApiResult<usize> {
    let today = swedish_date(now);
    let mut expired = 0;
    for id in store::past_verification(conn, today)? {
        super::accessions::agreement_of_accession_locked(conn, id)?;
        let before = store::get_accession_for_update(conn, id)?;
        if !before.accession.is_past_verification(today) {
            continue; // verified or decided meanwhile
        }
        let mut a = before.accession.clone();
        a.expire_unverified(now)?;
        store::save_accession(conn, &before, &a, now)?;
        expired += 1;
    }
    Ok(expired)
}
