//! Service accounts: a client id and secret for an integrator with no account at the
//! municipality's identity provider (a regional network's system). A platform administrator
//! creates one with the roles it acts in; the client exchanges its credentials for a
//! short-lived token (OAuth 2.0 client credentials, RFC 6749 §4.4). The secret can be
//! rotated (the old one stops working at once) and the account revoked (no further token,
//! and the tokens already issued are refused).
//!
//! The secret itself is the API's: this aggregate never sees it, only when it was last
//! rotated.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::{Principal, Role, allow_if};
use crate::error::{DomainError, Validator};

crate::rules! {
    /// What a service account's state forbids; each is a 409 with its `code`.
    pub enum ServiceAccountRule {
        Revoked => "service_account_revoked" {
            en: "the service account has been revoked",
            sv: "tjänstekontot har återkallats",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with a new service account; each is a 422.
    pub enum ServiceAccountField {
        NoRole => "no_role" {
            en: "give the account at least one role",
            sv: "ge kontot minst en roll",
        },
        BodyRequired => "required_for_agreement_admin" {
            en: "an agreement_admin acts for a public body: give its id",
            sv: "en agreement_admin företräder en offentlig aktör: ange dess id",
        },
        BodyWithoutRole => "needs_agreement_admin" {
            en: "only an agreement_admin acts for a public body",
            sv: "bara en agreement_admin företräder en offentlig aktör",
        },
        OrganizationsRequired => "required_for_organization_rep" {
            en: "an organization_rep acts for at least one organisation",
            sv: "en organization_rep företräder minst en organisation",
        },
        OrganizationsWithoutRole => "needs_organization_rep" {
            en: "only an organization_rep acts for organisations",
            sv: "bara en organization_rep företräder organisationer",
        },
        UnknownPublicBody => "unknown_public_body" {
            en: "no public body with this id is in the register",
            sv: "ingen offentlig aktör med detta id finns i registret",
        },
        UnknownOrganization => "unknown_organization" {
            en: "no organisation with this id is in the register",
            sv: "ingen organisation med detta id finns i registret",
        },
    }
}

/// The longest name of a service account.
pub const NAME_MAX: usize = 200;

/// The prefix of a service account's `sub`: `service:<client_id>`.
pub const SUBJECT_PREFIX: &str = "service:";

/// What a new account asks for: the same roles and scopes a JWT caller can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccountInput {
    pub name: String,
    pub roles: Vec<Role>,
    pub public_body_id: Option<Uuid>,
    pub organization_ids: Vec<Uuid>,
}

/// A service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    client_id: Uuid,
    name: String,
    roles: BTreeSet<Role>,
    public_body_id: Option<Uuid>,
    organization_ids: BTreeSet<Uuid>,
    created_at: DateTime<Utc>,
    /// The `sub` of the platform administrator who created it.
    created_by: String,
    secret_rotated_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

/// Who may create, read, rotate and revoke service accounts: platform administrators only.
pub fn may_manage(principal: &Principal) -> crate::access::Access {
    allow_if(principal.is_platform_admin())
}

impl ServiceAccount {
    /// A new account (its first secret is made now). 422 names each wrong field: the
    /// name, no role, a public body without `agreement_admin` (or the reverse), organisations
    /// without `organization_rep` (or the reverse), a role or organisation listed twice.
    pub fn create(
        client_id: Uuid,
        input: ServiceAccountInput,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let name = v.line("name", &input.name, NAME_MAX);
        let mut roles = BTreeSet::new();
        for (i, role) in input.roles.iter().enumerate() {
            if !roles.insert(*role) {
                v.add(
                    format!("roles[{i}]"),
                    crate::error::CommonField::ListedTwice,
                );
            }
        }
        if input.roles.is_empty() {
            v.add("roles", ServiceAccountField::NoRole);
        }
        match (
            roles.contains(&Role::AgreementAdmin),
            input.public_body_id.is_some(),
        ) {
            (true, false) => v.add("public_body_id", ServiceAccountField::BodyRequired),
            (false, true) => v.add("public_body_id", ServiceAccountField::BodyWithoutRole),
            _ => {}
        }
        let mut organization_ids = BTreeSet::new();
        for (i, id) in input.organization_ids.iter().enumerate() {
            if !organization_ids.insert(*id) {
                v.add(
                    format!("organization_ids[{i}]"),
                    crate::error::CommonField::ListedTwice,
                );
            }
        }
        match (
            roles.contains(&Role::OrganizationRep),
            input.organization_ids.is_empty(),
        ) {
            (true, true) => v.add(
                "organization_ids",
                ServiceAccountField::OrganizationsRequired,
            ),
            (false, false) => v.add(
                "organization_ids",
                ServiceAccountField::OrganizationsWithoutRole,
            ),
            _ => {}
        }
        v.finish()?;
        Ok(Self {
            client_id,
            name: name.unwrap_or_default(),
            roles,
            public_body_id: input.public_body_id,
            organization_ids,
            created_at: now,
            created_by: created_by.to_owned(),
            secret_rotated_at: now,
            revoked_at: None,
        })
    }

    /// A stored account, read back: trusted stored data, not a way around the rules.
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        client_id: Uuid,
        name: String,
        roles: BTreeSet<Role>,
        public_body_id: Option<Uuid>,
        organization_ids: BTreeSet<Uuid>,
        created_at: DateTime<Utc>,
        created_by: String,
        secret_rotated_at: DateTime<Utc>,
        revoked_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            client_id,
            name,
            roles,
            public_body_id,
            organization_ids,
            created_at,
            created_by,
            secret_rotated_at,
            revoked_at,
        }
    }

    pub fn client_id(&self) -> Uuid {
        self.client_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn roles(&self) -> &BTreeSet<Role> {
        &self.roles
    }

    pub fn public_body_id(&self) -> Option<Uuid> {
        self.public_body_id
    }

    pub fn organization_ids(&self) -> &BTreeSet<Uuid> {
        &self.organization_ids
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    pub fn created_by(&self) -> &str {
        &self.created_by
    }

    pub fn secret_rotated_at(&self) -> DateTime<Utc> {
        self.secret_rotated_at
    }

    pub fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.revoked_at
    }

    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// The `sub` of its tokens: `service:<client_id>`, recorded as the actor of its acts.
    pub fn subject(&self) -> String {
        subject_of(self.client_id)
    }

    /// Whether it may obtain a token now (`service_account_revoked` once revoked).
    pub fn may_obtain_token(&self) -> Result<(), ServiceAccountRule> {
        if self.revoked_at.is_some() {
            return Err(ServiceAccountRule::Revoked);
        }
        Ok(())
    }

    /// The caller its tokens describe.
    pub fn principal(&self) -> Principal {
        Principal {
            sub: self.subject(),
            name: Some(self.name.clone()),
            roles: self.roles.clone(),
            public_body_id: self.public_body_id,
            organization_ids: self.organization_ids.clone(),
        }
    }

    /// A new secret replaces the old one, which stops working at once
    /// (`service_account_revoked` once revoked).
    pub fn rotate_secret(&mut self, now: DateTime<Utc>) -> Result<(), ServiceAccountRule> {
        self.may_obtain_token()?;
        self.secret_rotated_at = now;
        Ok(())
    }

    /// Stops the account for good: no further token, and those issued are refused
    /// (`service_account_revoked` if it already is).
    pub fn revoke(&mut self, now: DateTime<Utc>) -> Result<(), ServiceAccountRule> {
        self.may_obtain_token()?;
        self.revoked_at = Some(now);
        Ok(())
    }
}

/// The `sub` of a service account's tokens.
pub fn subject_of(client_id: Uuid) -> String {
    format!("{SUBJECT_PREFIX}{client_id}")
}

/// The client id a `sub` of the form `service:<client_id>` names.
pub fn client_id_of_subject(sub: &str) -> Option<Uuid> {
    sub.strip_prefix(SUBJECT_PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::testing::principal;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap()
    }

    fn input() -> ServiceAccountInput {
        ServiceAccountInput {
            name: "Regionalt nätverk för föreningsstöd".into(),
            roles: vec![Role::AgreementAdmin],
            public_body_id: Some(Uuid::from_u128(5)),
            organization_ids: vec![],
        }
    }

    fn fields(e: DomainError) -> Vec<(String, &'static str)> {
        match e {
            DomainError::Invalid(errors) => errors
                .into_iter()
                .map(|e| (e.field.clone(), e.code))
                .collect(),
            DomainError::Conflict { code, .. } => vec![("".into(), code)],
        }
    }

    #[test]
    fn an_account_acts_in_its_roles_as_service_client_id() {
        let a = ServiceAccount::create(Uuid::from_u128(1), input(), "admin-1", now()).unwrap();
        let p = a.principal();
        assert_eq!(p.sub, format!("service:{}", Uuid::from_u128(1)));
        assert!(p.administers_public_body(Uuid::from_u128(5)));
        assert!(!p.is_platform_admin());
        assert_eq!(client_id_of_subject(&p.sub), Some(Uuid::from_u128(1)));
        assert_eq!(client_id_of_subject("processledare-1"), None);
        assert_eq!(a.created_by(), "admin-1");
        assert!(a.may_obtain_token().is_ok());
    }

    #[test]
    fn roles_and_scopes_must_fit_together() {
        let e = ServiceAccount::create(
            Uuid::from_u128(1),
            ServiceAccountInput {
                name: "  ".into(),
                roles: vec![],
                public_body_id: Some(Uuid::from_u128(5)),
                organization_ids: vec![Uuid::from_u128(9)],
            },
            "a",
            now(),
        )
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("name".into(), "required"),
                ("roles".into(), "no_role"),
                ("public_body_id".into(), "needs_agreement_admin"),
                ("organization_ids".into(), "needs_organization_rep"),
            ]
        );
        let e = ServiceAccount::create(
            Uuid::from_u128(1),
            ServiceAccountInput {
                name: "Föreningsportalen".into(),
                roles: vec![
                    Role::AgreementAdmin,
                    Role::OrganizationRep,
                    Role::AgreementAdmin,
                ],
                public_body_id: None,
                organization_ids: vec![Uuid::from_u128(9), Uuid::from_u128(9)],
            },
            "a",
            now(),
        )
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("roles[2]".into(), "duplicate"),
                ("public_body_id".into(), "required_for_agreement_admin"),
                ("organization_ids[1]".into(), "duplicate"),
            ]
        );
    }

    #[test]
    fn a_revoked_account_gets_no_token_and_no_new_secret() {
        let mut a = ServiceAccount::create(Uuid::from_u128(1), input(), "a", now()).unwrap();
        let later = now() + chrono::Duration::hours(1);
        a.rotate_secret(later).unwrap();
        assert_eq!(a.secret_rotated_at(), later);
        a.revoke(later).unwrap();
        assert!(!a.is_active());
        assert_eq!(a.may_obtain_token(), Err(ServiceAccountRule::Revoked));
        assert_eq!(a.rotate_secret(later), Err(ServiceAccountRule::Revoked));
        assert_eq!(a.revoke(later), Err(ServiceAccountRule::Revoked));
    }

    #[test]
    fn only_platform_admins_manage_service_accounts() {
        assert!(may_manage(&principal(&[Role::PlatformAdmin])).is_ok());
        assert!(may_manage(&principal(&[Role::AgreementAdmin])).is_err());
        assert!(may_manage(&principal(&[Role::SteeringMember, Role::OrganizationRep])).is_err());
    }
}
