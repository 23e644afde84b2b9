//! Capability links: a link instead of a login.
//!
//! The associations that apply through an agreement's form have no account and no identity
//! provider. Their contact person receives a link carrying a random token (the API stores
//! only its hash, and logs only the link's id). The link is scoped to one organisation and
//! one agreement: it reaches that organisation's accessions to that agreement and nothing
//! else, and it is revoked when the contact person changes (the new contact person gets a
//! new link) or when a new link is requested. It is not a JWT and has no lifetime cap: it
//! lives until revoked.
//!
//! The same scope lets the organisation take part where the agreement invites it (later:
//! consultation responses, event registrations, votes): whatever accepts a link asks
//! [`CapabilityLink::scope`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accession::{Accession, Signatory};

crate::rules! {
    /// What a capability link's state forbids; each is a 409 with its `code`.
    pub enum CapabilityRule {
        /// Links are for organisations; public bodies have accounts.
        NotAnOrganization => "link_not_for_public_body" {
            en: "capability links are issued to organisations only",
            sv: "länkar i stället för inloggning ges bara till organisationer",
        },
        AlreadyRevoked => "link_revoked" {
            en: "the link has already been revoked",
            sv: "länken har redan återkallats",
        },
    }
}

/// Why a link stopped working.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[strum(serialize_all = "snake_case")]
pub enum RevocationReason {
    /// The contact person changed: the link was sent to the former one.
    ContactPersonChanged,
    /// A new link was requested for the same scope and contact person.
    Replaced,
    /// An administrator revoked it.
    Revoked,
}

crate::enum_text::enum_text!(RevocationReason);

/// What a link reaches: one organisation's dealings with one agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CapabilityScope {
    pub organization_id: Uuid,
    pub agreement_id: Uuid,
}

/// A capability link (the token itself is the API's: only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityLink {
    id: Uuid,
    scope: CapabilityScope,
    /// The contact person's e-mail address the link was sent to. Personal data.
    issued_to: String,
    issued_at: DateTime<Utc>,
    revoked: Option<(DateTime<Utc>, RevocationReason)>,
}

impl CapabilityLink {
    /// A new link for the organisation of `accession` and its agreement, sent to the
    /// accession's contact person (`link_not_for_public_body` for a public body).
    pub fn issue(
        id: Uuid,
        accession: &Accession,
        now: DateTime<Utc>,
    ) -> Result<Self, CapabilityRule> {
        let Signatory::Organization(organization_id) = accession.signatory() else {
            return Err(CapabilityRule::NotAnOrganization);
        };
        Ok(Self {
            id,
            scope: CapabilityScope {
                organization_id,
                agreement_id: accession.agreement_id(),
            },
            issued_to: accession.contact_person().email().to_owned(),
            issued_at: now,
            revoked: None,
        })
    }

    /// A stored link, read back: trusted stored data, not a way around the rules.
    pub fn restore(
        id: Uuid,
        scope: CapabilityScope,
        issued_to: String,
        issued_at: DateTime<Utc>,
        revoked: Option<(DateTime<Utc>, RevocationReason)>,
    ) -> Self {
        Self {
            id,
            scope,
            issued_to,
            issued_at,
            revoked,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn scope(&self) -> CapabilityScope {
        self.scope
    }

    pub fn issued_to(&self) -> &str {
        &self.issued_to
    }

    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    pub fn revoked(&self) -> Option<(DateTime<Utc>, RevocationReason)> {
        self.revoked
    }

    pub fn is_active(&self) -> bool {
        self.revoked.is_none()
    }

    /// Whether the link gives access to `accession`: active, and the accession is its
    /// organisation's accession to its agreement. Anything else is answered as if the
    /// accession did not exist.
    pub fn reaches(&self, accession: &Accession) -> bool {
        self.is_active()
            && accession.agreement_id() == self.scope.agreement_id
            && accession.signatory() == Signatory::Organization(self.scope.organization_id)
    }

    /// Whether the link was sent to someone who is no longer the accession's contact
    /// person: such a link is revoked with [`RevocationReason::ContactPersonChanged`].
    pub fn outdated_by(&self, accession: &Accession) -> bool {
        self.reaches(accession)
            && !self
                .issued_to
                .eq_ignore_ascii_case(accession.contact_person().email())
    }

    /// Stops the link from working (`link_revoked` if it already has).
    pub fn revoke(
        &mut self,
        reason: RevocationReason,
        now: DateTime<Utc>,
    ) -> Result<(), CapabilityRule> {
        if self.revoked.is_some() {
            return Err(CapabilityRule::AlreadyRevoked);
        }
        self.revoked = Some((now, reason));
        Ok(())
    }
}

/// A new link is asked for by organisation number and e-mail address: the accession it is
/// sent for is the organisation's latest open one to the agreement whose contact person has
/// that address (compared without regard to ASCII case). `None` when nothing matches; the
/// caller answers the same either way, so the answer reveals nothing.
pub fn accession_for_new_link<'a>(
    accessions: &'a [Accession],
    scope: CapabilityScope,
    email: &str,
) -> Option<&'a Accession> {
    let email = email.trim();
    accessions
        .iter()
        .filter(|a| {
            a.agreement_id() == scope.agreement_id
                && a.signatory() == Signatory::Organization(scope.organization_id)
                && a.state().is_open()
                && a.contact_person().email().eq_ignore_ascii_case(email)
        })
        .max_by_key(|a| a.submitted_at())
}
