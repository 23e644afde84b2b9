//! Who may do what with an accession. Each function takes the caller, the public body that
//! owns the accession's agreement and the signatory, and answers the same way for every
//! handler: `Denied::Hidden` (404) to anyone who may not see the accession at all, so a
//! representative learns nothing about another organisation's accession;
//! `Denied::Forbidden` (403) to someone who sees it but may not do this.
//!
//! The public list of signatories needs no permission: it is open data without personal
//! data ([`super::public_signatories`]).

use chrono::NaiveDate;
use uuid::Uuid;

use super::values::{AccessionState, Signatory};
use crate::access::{Access, Denied, Principal, Role, allow_if};
use crate::agreement::{self, Agreement, ApprovalMode};
use crate::steering::SteeringGroup;

/// Acting for the signatory itself: a representative of the organisation, or for a public
/// body (Blekinge) an administrator of that body.
fn acts_for(principal: &Principal, signatory: Signatory) -> bool {
    match signatory {
        Signatory::Organization(id) => principal.represents(id),
        Signatory::PublicBody(id) => principal.administers_public_body(id),
    }
}

fn administers(principal: &Principal, owner_public_body_id: Uuid) -> bool {
    principal.administers_public_body(owner_public_body_id)
}

/// Act on the accession, and see it with its contact person: the administrators of the
/// agreement's owner and the signatory's own representatives. Who else may read it is
/// [`sight`].
pub fn may_view(principal: &Principal, owner_public_body_id: Uuid, signatory: Signatory) -> Access {
    if administers(principal, owner_public_body_id) || acts_for(principal, signatory) {
        Ok(())
    } else {
        Err(Denied::Hidden)
    }
}

/// How much of an accession a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything, the contact person included.
    WithContact,
    /// Everything but the contact person (personal data the reader does not handle).
    WithoutContact,
}

/// What the read rules need to know of the agreement and its group, for one caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readers {
    pub owner_public_body_id: Uuid,
    /// The caller co-administers the agreement for the civil-society party.
    pub co_administers: bool,
    /// Approval is the steering group's (a joint matter of both parties).
    pub steering_group_mode: bool,
    /// The caller is a `steering_member` holding a seat on the agreement's group today.
    pub seated_today: bool,
    /// The agreement's settings say the group handles the signatories' contacts.
    pub group_handles_contacts: bool,
}

impl Readers {
    /// The read context of `agreement` for `principal` on `today`; `group` is the agreement's
    /// steering group, if it has one.
    pub fn of(
        principal: &Principal,
        agreement: &Agreement,
        group: Option<&SteeringGroup>,
        today: NaiveDate,
    ) -> Self {
        Self {
            owner_public_body_id: agreement.owner_public_body_id(),
            co_administers: agreement::co_administers(principal, agreement),
            steering_group_mode: agreement.settings().approval_mode == ApprovalMode::SteeringGroup,
            seated_today: principal.has(Role::SteeringMember)
                && group.is_some_and(|g| g.sits_on(&principal.sub, today)),
            group_handles_contacts: agreement.settings().group_handles_contacts,
        }
    }

    /// Whether the caller sees the agreement's list of accessions at all (then each one
    /// through [`sight`]).
    pub fn may_list(&self, principal: &Principal) -> bool {
        self.may_list_all(principal) || self.seated_today
    }

    /// Whether the caller sees every accession of the list, whatever its state: the
    /// administrators, and the co-administrators when approval is a joint matter.
    pub fn may_list_all(&self, principal: &Principal) -> bool {
        administers(principal, self.owner_public_body_id)
            || (self.co_administers && self.steering_group_mode)
    }
}

/// Read an accession: its administrators and its own signatory see all of it; the
/// co-administrators too when approval is the steering group's (steering-group mode). A
/// `steering_member` seated on the group today sees what awaits the group's decision
/// (`submitted`: the applicant, the board decision, the affirmed statements), the contact
/// person only where the group handles contacts. A steering member without a seat, whatever
/// body the token names, sees nothing beyond the public views.
pub fn sight(
    principal: &Principal,
    readers: &Readers,
    signatory: Signatory,
    state: AccessionState,
) -> Result<Sight, Denied> {
    if may_view(principal, readers.owner_public_body_id, signatory).is_ok()
        || (readers.co_administers && readers.steering_group_mode)
    {
        Ok(Sight::WithContact)
    } else if readers.seated_today && state == AccessionState::Submitted {
        Ok(if readers.group_handles_contacts {
            Sight::WithContact
        } else {
            Sight::WithoutContact
        })
    } else {
        Err(Denied::Hidden)
    }
}

/// Apply: a representative for its own organisation (form, written application), or an
/// administrator of the agreement's owner registering minutes received on paper for any
/// organisation (Eslöv, Lund: "skicka in ett styrelseprotokoll"). Nothing exists yet to
/// hide, and the register of organisations is public, so a refusal is 403.
pub fn may_submit(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    allow_if(administers(principal, owner_public_body_id) || acts_for(principal, signatory))
}

/// Approve: the administrators of the agreement's owner, in both modes; in `steering_group`
/// mode they register the group's decision, which the approval must cite.
pub fn may_approve(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_view(principal, owner_public_body_id, signatory)?;
    allow_if(administers(principal, owner_public_body_id))
}

/// Verify by hand an application made without an account (they called the association):
/// as approve, an administrator of the agreement's owner.
pub fn may_verify(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_approve(principal, owner_public_body_id, signatory)
}

/// Reject: as approve.
pub fn may_reject(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_approve(principal, owner_public_body_id, signatory)
}

/// Cancel an application: the applicant's side only (and platform administrators);
/// administrators of the agreement reject instead, with a reason.
pub fn may_cancel(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_view(principal, owner_public_body_id, signatory)?;
    allow_if(acts_for(principal, signatory) || principal.is_platform_admin())
}

/// Withdraw: the signatory's representative, or an administrator of the agreement's owner
/// registering a written notice it received (Lund: minutes sent in; Blekinge: notice to the
/// steering group).
pub fn may_withdraw(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_view(principal, owner_public_body_id, signatory)?;
    allow_if(acts_for(principal, signatory) || administers(principal, owner_public_body_id))
}

/// Reconfirm for a revised version: as withdraw, the signatory's own side, or an
/// administrator of the agreement's owner registering a confirmation received on paper.
pub fn may_reconfirm(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_withdraw(principal, owner_public_body_id, signatory)
}

/// Change the contact person: the signatory's representative and the agreement's
/// administrators.
pub fn may_update_contact_person(
    principal: &Principal,
    owner_public_body_id: Uuid,
    signatory: Signatory,
) -> Access {
    may_withdraw(principal, owner_public_body_id, signatory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::testing::principal;

    const OWNER: Uuid = Uuid::from_u128(0xb1);
    const OTHER_BODY: Uuid = Uuid::from_u128(0xb2);
    const ORG: Uuid = Uuid::from_u128(0xc1);
    const OTHER_ORG: Uuid = Uuid::from_u128(0xc2);
    const SIGNATORY: Signatory = Signatory::Organization(ORG);

    type Check = fn(&Principal, Uuid, Signatory) -> Access;

    const CHECKS: [(&str, Check); 7] = [
        ("view", may_view),
        ("approve", may_approve),
        ("reject", may_reject),
        ("cancel", may_cancel),
        ("withdraw", may_withdraw),
        ("reconfirm", may_reconfirm),
        ("update_contact_person", may_update_contact_person),
    ];

    fn admin_of(body: Uuid) -> Principal {
        let mut p = principal(&[Role::AgreementAdmin]);
        p.public_body_id = Some(body);
        p
    }

    fn rep_of(org: Uuid) -> Principal {
        let mut p = principal(&[Role::OrganizationRep]);
        p.organization_ids.insert(org);
        p
    }

    fn answers(p: &Principal, signatory: Signatory) -> Vec<(&'static str, Access)> {
        CHECKS
            .iter()
            .map(|(name, check)| (*name, check(p, OWNER, signatory)))
            .collect()
    }

    fn expect(p: &Principal, signatory: Signatory, allowed: &[&str], otherwise: Denied) {
        for (name, answer) in answers(p, signatory) {
            let want = if allowed.contains(&name) {
                Ok(())
            } else {
                Err(otherwise)
            };
            assert_eq!(answer, want, "{name} for {p:?}");
        }
    }

    #[test]
    fn another_organisations_accession_is_hidden_from_a_representative() {
        expect(&rep_of(OTHER_ORG), SIGNATORY, &[], Denied::Hidden);
        assert_eq!(
            may_submit(&rep_of(OTHER_ORG), OWNER, SIGNATORY),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn the_representative_submits_cancels_withdraws_and_updates_its_own() {
        let rep = rep_of(ORG);
        expect(
            &rep,
            SIGNATORY,
            &[
                "view",
                "cancel",
                "withdraw",
                "reconfirm",
                "update_contact_person",
            ],
            Denied::Forbidden,
        );
        assert_eq!(may_submit(&rep, OWNER, SIGNATORY), Ok(()));
    }

    #[test]
    fn the_owners_administrator_registers_approves_rejects_and_withdraws() {
        let admin = admin_of(OWNER);
        expect(
            &admin,
            SIGNATORY,
            &[
                "view",
                "approve",
                "reject",
                "withdraw",
                "reconfirm",
                "update_contact_person",
            ],
            Denied::Forbidden,
        );
        assert_eq!(may_submit(&admin, OWNER, SIGNATORY), Ok(()));
    }

    #[test]
    fn another_bodys_administrator_sees_nothing() {
        let admin = admin_of(OTHER_BODY);
        expect(&admin, SIGNATORY, &[], Denied::Hidden);
        assert_eq!(may_submit(&admin, OWNER, SIGNATORY), Err(Denied::Forbidden));
        // An admin role without a body in the token acts for nobody.
        expect(
            &principal(&[Role::AgreementAdmin]),
            SIGNATORY,
            &[],
            Denied::Hidden,
        );
    }

    #[test]
    fn a_public_body_signatory_acts_through_its_own_administrator() {
        let kommun = Signatory::PublicBody(OTHER_BODY);
        let admin = admin_of(OTHER_BODY);
        expect(
            &admin,
            kommun,
            &[
                "view",
                "cancel",
                "withdraw",
                "reconfirm",
                "update_contact_person",
            ],
            Denied::Forbidden,
        );
        assert_eq!(may_submit(&admin, OWNER, kommun), Ok(()));
        expect(&rep_of(ORG), kommun, &[], Denied::Hidden);
    }

    fn readers(seated_today: bool, group_handles_contacts: bool) -> Readers {
        Readers {
            owner_public_body_id: OWNER,
            co_administers: false,
            steering_group_mode: true,
            seated_today,
            group_handles_contacts,
        }
    }

    #[test]
    fn a_seated_steering_member_reads_what_awaits_the_group() {
        let mut member = principal(&[Role::SteeringMember]);
        member.public_body_id = Some(OWNER);
        let pending = AccessionState::Submitted;
        assert_eq!(
            sight(&member, &readers(true, false), SIGNATORY, pending),
            Ok(Sight::WithoutContact)
        );
        assert_eq!(
            sight(&member, &readers(true, true), SIGNATORY, pending),
            Ok(Sight::WithContact)
        );
        assert_eq!(
            sight(
                &member,
                &readers(true, true),
                SIGNATORY,
                AccessionState::Approved
            ),
            Err(Denied::Hidden),
            "decided accessions are not the group's to read"
        );
        assert_eq!(
            sight(&member, &readers(false, true), SIGNATORY, pending),
            Err(Denied::Hidden),
            "without a seat, the body in the token gives nothing"
        );
        assert!(readers(true, false).may_list(&member));
        assert!(!readers(false, false).may_list(&member));
    }

    #[test]
    fn co_administrators_read_the_lists_only_when_approval_is_joint() {
        let network_rep = rep_of(OTHER_ORG);
        let joint = Readers {
            co_administers: true,
            ..readers(false, false)
        };
        assert!(joint.may_list(&network_rep));
        assert_eq!(
            sight(&network_rep, &joint, SIGNATORY, AccessionState::Approved),
            Ok(Sight::WithContact)
        );
        let registration = Readers {
            steering_group_mode: false,
            ..joint
        };
        assert!(!registration.may_list(&network_rep));
        assert_eq!(
            sight(
                &network_rep,
                &registration,
                SIGNATORY,
                AccessionState::Submitted
            ),
            Err(Denied::Hidden)
        );
    }

    #[test]
    fn steering_members_of_the_owner_do_not_act() {
        let mut member = principal(&[Role::SteeringMember]);
        member.public_body_id = Some(OWNER);
        expect(&member, SIGNATORY, &[], Denied::Hidden);
        assert_eq!(
            may_submit(&member, OWNER, SIGNATORY),
            Err(Denied::Forbidden)
        );
        let elsewhere = principal(&[Role::SteeringMember]);
        expect(&elsewhere, SIGNATORY, &[], Denied::Hidden);
    }

    #[test]
    fn platform_admin_may_do_everything() {
        let p = principal(&[Role::PlatformAdmin]);
        expect(
            &p,
            SIGNATORY,
            &[
                "view",
                "approve",
                "reject",
                "cancel",
                "withdraw",
                "reconfirm",
                "update_contact_person",
            ],
            Denied::Forbidden,
        );
        assert_eq!(may_submit(&p, OWNER, SIGNATORY), Ok(()));
    }

    #[test]
    fn anonymous_callers_see_nothing() {
        let nobody = principal(&[]);
        expect(&nobody, SIGNATORY, &[], Denied::Hidden);
        assert_eq!(
            may_submit(&nobody, OWNER, SIGNATORY),
            Err(Denied::Forbidden)
        );
    }
}
