//! Who is calling, and what each role may do in general. Rules that depend on a resource
//! (whose agreement, which organisation) live beside that resource's module and take a
//! `Principal`, so that every handler asks the same question the same way.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Runs the platform: may do everything.
    PlatformAdmin,
    /// The agreement administrator (processledare) of one public body.
    AgreementAdmin,
    /// Sits on a steering group; may record its meetings and decisions.
    SteeringMember,
    /// Acts for one or more organisations: applies, updates contact persons, withdraws.
    OrganizationRep,
}

crate::enum_text::enum_text!(Role);

/// The authenticated caller, as the token describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The token's subject; recorded as "who" in every history entry.
    pub sub: String,
    pub name: Option<String>,
    pub roles: BTreeSet<Role>,
    /// The public body an `agreement_admin` acts for.
    pub public_body_id: Option<Uuid>,
    /// The organisations an `organization_rep` acts for.
    pub organization_ids: BTreeSet<Uuid>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_platform_admin(&self) -> bool {
        self.has(Role::PlatformAdmin)
    }

    /// An agreement administrator acting for this public body (or a platform admin).
    pub fn administers_public_body(&self, public_body_id: Uuid) -> bool {
        self.is_platform_admin()
            || (self.has(Role::AgreementAdmin) && self.public_body_id == Some(public_body_id))
    }

    /// Any agreement administrator or platform admin, whatever body they act for.
    pub fn is_administrator(&self) -> bool {
        self.is_platform_admin()
            || (self.has(Role::AgreementAdmin) && self.public_body_id.is_some())
    }

    /// A token's public body must be in the register: one naming a body that is not
    /// (`registered` false) acts for no body at all, so every write that needs one is refused.
    pub fn with_registered_body(mut self, registered: bool) -> Self {
        if !registered {
            self.public_body_id = None;
        }
        self
    }

    /// A representative of this organisation.
    pub fn represents(&self, organization_id: Uuid) -> bool {
        self.has(Role::OrganizationRep) && self.organization_ids.contains(&organization_id)
    }
}

/// Why a caller may not do something: the API answers 403, or 404 where the caller must not
/// learn that the resource exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    Forbidden,
    Hidden,
}

pub type Access = Result<(), Denied>;

pub fn allow_if(condition: bool) -> Access {
    if condition {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub fn principal(roles: &[Role]) -> Principal {
        Principal {
            sub: "test".into(),
            name: None,
            roles: roles.iter().copied().collect(),
            public_body_id: None,
            organization_ids: BTreeSet::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::principal;
    use super::*;

    #[test]
    fn agreement_admin_acts_only_for_its_body() {
        let body = Uuid::from_u128(1);
        let mut p = principal(&[Role::AgreementAdmin]);
        assert!(!p.administers_public_body(body), "no body in token");
        p.public_body_id = Some(body);
        assert!(p.administers_public_body(body));
        assert!(!p.administers_public_body(Uuid::from_u128(2)));
    }

    #[test]
    fn platform_admin_administers_everything_but_represents_nobody() {
        let p = principal(&[Role::PlatformAdmin]);
        assert!(p.administers_public_body(Uuid::from_u128(7)));
        assert!(!p.represents(Uuid::from_u128(7)));
    }

    fn admin_of(body: Option<Uuid>) -> Principal {
        Principal {
            public_body_id: body,
            ..principal(&[Role::AgreementAdmin])
        }
    }

    fn rep_of(organization: Uuid) -> Principal {
        Principal {
            organization_ids: [organization].into(),
            ..principal(&[Role::OrganizationRep])
        }
    }

    #[test]
    fn administrators_are_platform_admins_and_agreement_admins_acting_for_a_body() {
        assert!(principal(&[Role::PlatformAdmin]).is_administrator());
        assert!(admin_of(Some(Uuid::from_u128(1))).is_administrator());
        // The role alone is not enough: a token that names no body administers nothing.
        assert!(!admin_of(None).is_administrator());
        assert!(!principal(&[Role::SteeringMember]).is_administrator());
        assert!(!rep_of(Uuid::from_u128(1)).is_administrator());
        assert!(!principal(&[]).is_administrator());
    }

    #[test]
    fn only_the_platform_admin_role_makes_a_platform_admin() {
        assert!(principal(&[Role::PlatformAdmin]).is_platform_admin());
        for role in [
            Role::AgreementAdmin,
            Role::SteeringMember,
            Role::OrganizationRep,
        ] {
            assert!(!principal(&[role]).is_platform_admin(), "{role:?}");
            assert!(principal(&[role]).has(role));
            assert!(!principal(&[role]).has(Role::PlatformAdmin));
        }
    }

    #[test]
    fn a_public_body_id_without_the_role_administers_nothing() {
        let body = Uuid::from_u128(1);
        let p = Principal {
            public_body_id: Some(body),
            ..principal(&[Role::OrganizationRep])
        };
        assert!(!p.administers_public_body(body));
        assert!(!p.is_administrator());
    }

    #[test]
    fn a_representative_represents_only_the_organisations_in_the_token_and_only_with_the_role() {
        let org = Uuid::from_u128(5);
        assert!(rep_of(org).represents(org));
        assert!(!rep_of(org).represents(Uuid::from_u128(6)));
        let without_role = Principal {
            organization_ids: [org].into(),
            ..principal(&[Role::SteeringMember])
        };
        assert!(!without_role.represents(org));
    }

    #[test]
    fn allow_if_forbids_what_is_not_allowed() {
        assert_eq!(allow_if(true), Ok(()));
        assert_eq!(allow_if(false), Err(Denied::Forbidden));
    }

    #[test]
    fn roles_round_trip() {
        for r in <Role as strum::IntoEnumIterator>::iter() {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
        // The names are the tokens' claim values: snake_case, as the identity provider sends.
        assert_eq!(Role::OrganizationRep.as_str(), "organization_rep");
        assert_eq!(Role::parse("platform_admin"), Some(Role::PlatformAdmin));
    }
}
