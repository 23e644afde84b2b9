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
}
