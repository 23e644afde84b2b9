//! Who may see and run an agreement. Drafts and texts on consultation are working papers of
//! the owning body; what was adopted (and later terminated) is public record.

use uuid::Uuid;

use super::{
    Agreement, AgreementState, AgreementVersion, CivilSocietyPartyKind, RenegotiationRequest,
    RequestingSide,
};
use crate::access::Principal;
use crate::steering::Side;

/// The states in which an agreement is public: adopted, later terminated, and a draft on
/// consultation (a remiss is a public document: anyone may read it and respond). Drafts before
/// the consultation and abandoned drafts are working papers of the owning body. Storage
/// filters lists with this constant, so the rule and the query cannot drift apart.
pub const PUBLIC_STATES: [AgreementState; 3] = [
    AgreementState::Consultation,
    AgreementState::Adopted,
    AgreementState::Terminated,
];

/// The states in which an agreement is public record with a signatory list: adopted, and
/// later terminated. The open-data catalogue describes these.
pub const RECORD_STATES: [AgreementState; 2] =
    [AgreementState::Adopted, AgreementState::Terminated];

/// The agreements a caller administers: every one (platform administrators) or those of the
/// public body an agreement administrator acts for. Lists and the agenda are scoped with it;
/// [`may_administer`] asks it of one agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Administered {
    All,
    OwnedBy(Uuid),
}

impl Administered {
    pub fn covers(self, agreement: &Agreement) -> bool {
        match self {
            Self::All => true,
            Self::OwnedBy(owner) => agreement.owner_public_body_id() == owner,
        }
    }
}

/// What the caller administers; `None` for a caller who administers no agreement.
pub fn administered_by(principal: &Principal) -> Option<Administered> {
    if principal.is_platform_admin() {
        Some(Administered::All)
    } else {
        principal
            .public_body_id
            .filter(|&body| principal.administers_public_body(body))
            .map(Administered::OwnedBy)
    }
}

/// Agreement administrators of the body that will own it, and platform administrators.
pub fn may_create_agreement(principal: &Principal, owner_public_body_id: Uuid) -> bool {
    principal.administers_public_body(owner_public_body_id)
}

/// Edit drafts, adopt, revise, terminate, record reviews, change settings: the owning
/// body's agreement administrators and platform administrators. Other parties (Blekinge's
/// acceding municipalities) do not run the agreement.
pub fn may_administer(principal: &Principal, agreement: &Agreement) -> bool {
    administered_by(principal).is_some_and(|scope| scope.covers(agreement))
}

/// The organisations that act for the civil-society party: the network when the party is
/// one (Blekinge: Nätverket Idéburet Blekinge), or the organisations the agreement's
/// administrator names for the sector as a whole (`settings.acting_organization_ids`).
pub fn acting_organization_ids(agreement: &Agreement) -> Vec<Uuid> {
    let party = agreement.civil_society_party();
    match (party.kind, party.organization_id) {
        (CivilSocietyPartyKind::Network, Some(network)) => vec![network],
        (CivilSocietyPartyKind::Network, None) => Vec::new(),
        (CivilSocietyPartyKind::Sector, _) => agreement.settings().acting_organization_ids.clone(),
    }
}

/// The co-administrators of an agreement: the representatives of the organisations that act
/// for the civil-society party. They run the sector's side: appoint and end the terms of
/// the sector's members of the steering group, record follow-ups, file renegotiation
/// requests as the civil-society party, read drafts and consultations, and see the
/// accession lists when approval is a joint matter (steering-group mode). They neither
/// appoint the public side's members nor adopt for the public body.
pub fn co_administers(principal: &Principal, agreement: &Agreement) -> bool {
    acting_organization_ids(agreement)
        .into_iter()
        .any(|org| principal.represents(org))
}

/// Administrators and co-administrators: who reads drafts, versions being prepared and the
/// agreement's history of settings changes.
pub fn may_run(principal: &Principal, agreement: &Agreement) -> bool {
    may_administer(principal, agreement) || co_administers(principal, agreement)
}

/// Who acts for `side` of the agreement, in the steering group above all (each side appoints
/// its own members): the public side by the owning body's administrators; the civil-society
/// side by its co-administrators, or, while no organisation acts for the sector, by the
/// administrators registering what the sector decided. Platform administrators act for both.
pub fn acts_for_side(principal: &Principal, agreement: &Agreement, side: Side) -> bool {
    if principal.is_platform_admin() {
        return true;
    }
    match side {
        Side::PublicSector => may_administer(principal, agreement),
        Side::CivilSociety => {
            co_administers(principal, agreement)
                || (acting_organization_ids(agreement).is_empty()
                    && may_administer(principal, agreement))
        }
    }
}

/// The party a caller who runs the agreement acts for: the civil-society party for a
/// co-administrator who does not administer it, the public body otherwise.
pub fn acting_for(principal: &Principal, agreement: &Agreement) -> RequestingSide {
    if co_administers(principal, agreement) && !may_administer(principal, agreement) {
        RequestingSide::CivilSociety
    } else {
        RequestingSide::PublicBody
    }
}

/// Record a follow-up or evaluation: the administrators and the co-administrators (Blekinge:
/// the network's processledare writes the yearly follow-up).
pub fn may_record_review(principal: &Principal, agreement: &Agreement) -> bool {
    may_run(principal, agreement)
}

/// Whether the caller acts for the party a renegotiation request names: for a public body,
/// an administrator of that body; for the civil-society party, a co-administrator. Platform
/// administrators record requests received on paper for any party.
pub fn may_file_renegotiation_as(
    principal: &Principal,
    agreement: &Agreement,
    side: RequestingSide,
    public_body_id: Option<Uuid>,
) -> bool {
    if principal.is_platform_admin() {
        return true;
    }
    match side {
        // A request that names no body, or one that is no party, is the request's own error
        // (422 on `public_body_id`), not the caller's.
        RequestingSide::PublicBody => public_body_id
            .is_none_or(|id| !agreement.is_party(id) || principal.administers_public_body(id)),
        RequestingSide::CivilSociety => co_administers(principal, agreement),
    }
}

/// Who answers a renegotiation request: the other side, the one the request was not filed
/// for. A request by a public body is answered for the civil-society party (its
/// co-administrators, or the administrators registering the sector's answer while no
/// organisation acts for it); one by the civil-society party by the public body's
/// administrators. Platform administrators record answers received on paper.
pub fn may_answer_renegotiation(
    principal: &Principal,
    agreement: &Agreement,
    request: &RenegotiationRequest,
) -> bool {
    match request.requested_by() {
        RequestingSide::PublicBody => acts_for_side(principal, agreement, Side::CivilSociety),
        RequestingSide::CivilSociety => acts_for_side(principal, agreement, Side::PublicSector),
    }
}

/// Who withdraws a renegotiation request: the side that filed it, as
/// [`may_file_renegotiation_as`] the party it names.
pub fn may_withdraw_renegotiation(
    principal: &Principal,
    agreement: &Agreement,
    request: &RenegotiationRequest,
) -> bool {
    may_file_renegotiation_as(
        principal,
        agreement,
        request.requested_by(),
        request.public_body_id(),
    )
}

/// Adopted and terminated agreements and drafts on consultation are public; other drafts
/// and abandoned drafts are not.
pub fn is_publicly_visible(agreement: &Agreement) -> bool {
    PUBLIC_STATES.contains(&agreement.state())
}

/// Anyone sees a public agreement; only its administrators and co-administrators see the
/// others (the API answers
/// 404, so that a draft's existence does not leak).
pub fn may_view(principal: Option<&Principal>, agreement: &Agreement) -> bool {
    is_publicly_visible(agreement) || principal.is_some_and(|p| may_run(p, agreement))
}

/// The adopted and superseded texts of a public agreement are public, and so is a text on
/// consultation; a draft revision or an abandoned text only for its administrators.
pub fn may_view_version(
    principal: Option<&Principal>,
    agreement: &Agreement,
    version: &AgreementVersion,
) -> bool {
    (is_publicly_visible(agreement)
        && (version.is_publicly_visible() || version.is_on_consultation()))
        || principal.is_some_and(|p| may_run(p, agreement))
}

/// A call for renegotiation comes from a party: the administrators of any public body that
/// is a party, or the co-administrators for the civil-society party; platform administrators
/// record requests received on paper. Which party a request may name is
/// [`may_file_renegotiation_as`].
pub fn may_file_renegotiation_request(principal: &Principal, agreement: &Agreement) -> bool {
    agreement
        .party_public_body_ids()
        .iter()
        .any(|&id| principal.administers_public_body(id))
        || co_administers(principal, agreement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::access::testing::principal;
    use crate::agreement::testing::*;
    use crate::agreement::{
        CivilSocietyParty, CivilSocietyPartyKind, NewAgreement, PartiesInput, TerminationInput,
    };
    use strum::IntoEnumIterator;

    /// An adopted agreement between these parties.
    fn with_parties(party_public_body_ids: Vec<Uuid>, civil: CivilSocietyParty) -> Agreement {
        let mut a = Agreement::create(
            AGREEMENT,
            NewAgreement {
                parties: PartiesInput {
                    party_public_body_ids,
                    civil_society_party: civil,
                    ..parties()
                },
                ..new_agreement()
            },
        )
        .expect("a valid agreement");
        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        a
    }

    /// An agreement brought to `state` by the operations.
    fn in_state(state: AgreementState) -> Agreement {
        let mut a = draft();
        match state {
            AgreementState::Draft => {}
            AgreementState::Consultation => a
                .open_consultation(consultation(date(2018, 6, 26)), today())
                .expect("opens"),
            AgreementState::Adopted => a = adopted(date(2018, 10, 1)),
            AgreementState::Terminated => {
                a = adopted(date(2018, 10, 1));
                a.terminate(
                    TerminationInput {
                        decided_by: "Kommunfullmäktige".into(),
                        decision_date: date(2024, 1, 1),
                        effective_on: date(2024, 1, 1),
                        reason: None,
                    },
                    today(),
                )
                .expect("terminates");
            }
            AgreementState::Abandoned => a.abandon().expect("abandons"),
        }
        a
    }

    fn admin_of(body: Uuid) -> Principal {
        let mut p = principal(&[Role::AgreementAdmin]);
        p.public_body_id = Some(body);
        p
    }

    #[test]
    fn the_owning_body_administers() {
        let a = draft();
        assert!(may_create_agreement(&admin_of(OWNER), OWNER));
        assert!(!may_create_agreement(&admin_of(OTHER_BODY), OWNER));
        assert!(may_administer(&admin_of(OWNER), &a));
        assert!(!may_administer(&admin_of(OTHER_BODY), &a));
        assert!(may_administer(&principal(&[Role::PlatformAdmin]), &a));
        let mut rep = principal(&[Role::OrganizationRep]);
        rep.organization_ids.insert(Uuid::from_u128(5));
        assert!(!may_administer(&rep, &a));
        assert!(!may_create_agreement(&rep, OWNER));

        let joint = with_parties(vec![OWNER, OTHER_BODY], parties().civil_society_party);
        assert!(
            !may_administer(&admin_of(OTHER_BODY), &joint),
            "another party does not run the agreement"
        );
    }

    #[test]
    fn administrators_are_scoped_to_their_own_body() {
        assert_eq!(
            administered_by(&principal(&[Role::PlatformAdmin])),
            Some(Administered::All)
        );
        assert_eq!(
            administered_by(&admin_of(OWNER)),
            Some(Administered::OwnedBy(OWNER))
        );
        assert_eq!(
            administered_by(&principal(&[Role::AgreementAdmin])),
            None,
            "an administrator without a body in the token administers nothing"
        );
        let mut member = principal(&[Role::SteeringMember]);
        member.public_body_id = Some(OWNER);
        assert_eq!(administered_by(&member), None);
        let a = draft();
        assert!(Administered::All.covers(&a));
        assert!(Administered::OwnedBy(OWNER).covers(&a));
        assert!(!Administered::OwnedBy(OTHER_BODY).covers(&a));
    }

    #[test]
    fn public_states_are_consultation_adopted_and_terminated() {
        for state in AgreementState::iter() {
            let a = in_state(state);
            assert_eq!(a.state(), state);
            assert_eq!(
                is_publicly_visible(&a),
                matches!(
                    state,
                    AgreementState::Consultation
                        | AgreementState::Adopted
                        | AgreementState::Terminated
                ),
                "{state}"
            );
        }
    }

    #[test]
    fn drafts_before_the_consultation_are_not_public() {
        let owner = admin_of(OWNER);
        let stranger = admin_of(OTHER_BODY);
        let mut a = draft();
        assert!(!is_publicly_visible(&a));
        assert!(!may_view(None, &a));
        assert!(!may_view(Some(&stranger), &a));
        assert!(may_view(Some(&owner), &a));

        a.open_consultation(consultation(date(2018, 6, 26)), today())
            .expect("opens");
        assert!(is_publicly_visible(&a), "a remiss is a public document");
        assert!(may_view(None, &a));
        assert!(may_view_version(None, &a, &a.versions()[0]));

        a.adopt(adoption(date(2018, 10, 1)), today())
            .expect("adopts");
        assert!(is_publicly_visible(&a));
        assert!(may_view(None, &a));

        a.terminate(
            TerminationInput {
                decided_by: "Kommunfullmäktige".into(),
                decision_date: date(2024, 1, 1),
                effective_on: date(2024, 1, 1),
                reason: None,
            },
            today(),
        )
        .expect("terminates");
        assert!(is_publicly_visible(&a));

        let mut abandoned = draft();
        abandoned.abandon().expect("abandons");
        assert!(!is_publicly_visible(&abandoned));
        assert!(may_view(Some(&owner), &abandoned));
    }

    #[test]
    fn a_revision_in_progress_is_not_public() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(content()).expect("starts");
        let (first, revision) = (&a.versions()[0], &a.versions()[1]);
        assert!(may_view_version(None, &a, first));
        assert!(!may_view_version(None, &a, revision));
        assert!(may_view_version(Some(&admin_of(OWNER)), &a, revision));
        assert!(!may_view_version(Some(&admin_of(OTHER_BODY)), &a, revision));

        a.adopt_revision(adoption(date(2022, 10, 1)), today())
            .expect("adopts");
        assert!(
            may_view_version(None, &a, &a.versions()[0]),
            "superseded stays public"
        );
        assert!(may_view_version(None, &a, &a.versions()[1]));

        let d = draft();
        assert!(!may_view_version(None, &d, &d.versions()[0]));
    }

    #[test]
    fn a_revision_on_consultation_is_public() {
        let mut a = adopted(date(2018, 10, 1));
        a.start_revision(content()).expect("starts");
        a.open_revision_consultation(consultation(date(2022, 1, 1)), today())
            .expect("opens");
        assert!(may_view_version(None, &a, &a.versions()[1]));
        a.abandon_revision().expect("abandons");
        assert!(!may_view_version(None, &a, &a.versions()[1]));
    }

    #[test]
    fn parties_file_renegotiation_requests() {
        let a = with_parties(vec![OWNER, OTHER_BODY], parties().civil_society_party);
        assert!(may_file_renegotiation_request(&admin_of(OWNER), &a));
        assert!(may_file_renegotiation_request(&admin_of(OTHER_BODY), &a));
        assert!(!may_file_renegotiation_request(
            &admin_of(Uuid::from_u128(3)),
            &a
        ));
        assert!(may_file_renegotiation_request(
            &principal(&[Role::PlatformAdmin]),
            &a
        ));

        let network = Uuid::from_u128(99);
        let mut rep = principal(&[Role::OrganizationRep]);
        rep.organization_ids.insert(network);
        assert!(
            !may_file_renegotiation_request(&rep, &a),
            "the sector is not one organisation"
        );
        let represented = with_parties(
            vec![OWNER],
            CivilSocietyParty {
                kind: CivilSocietyPartyKind::Network,
                name: "Nätverket Idéburet Exempelby".into(),
                organization_id: Some(network),
            },
        );
        assert!(may_file_renegotiation_request(&rep, &represented));
    }

    #[test]
    fn the_network_co_administers_for_the_sectors_side() {
        let network = Uuid::from_u128(99);
        let mut rep = principal(&[Role::OrganizationRep]);
        rep.organization_ids.insert(network);
        let blekinge = with_parties(
            vec![OWNER, OTHER_BODY],
            CivilSocietyParty {
                kind: CivilSocietyPartyKind::Network,
                name: "Nätverket Idéburet Exempellän".into(),
                organization_id: Some(network),
            },
        );
        assert!(co_administers(&rep, &blekinge));
        assert!(may_record_review(&rep, &blekinge));
        assert!(
            !may_administer(&rep, &blekinge),
            "no adoption for the public body"
        );
        assert!(acts_for_side(&rep, &blekinge, Side::CivilSociety));
        assert!(!acts_for_side(&rep, &blekinge, Side::PublicSector));
        let region = admin_of(OWNER);
        assert!(acts_for_side(&region, &blekinge, Side::PublicSector));
        assert!(
            !acts_for_side(&region, &blekinge, Side::CivilSociety),
            "the network appoints its own members"
        );
        assert!(may_file_renegotiation_as(
            &rep,
            &blekinge,
            RequestingSide::CivilSociety,
            None
        ));
        assert!(!may_file_renegotiation_as(
            &rep,
            &blekinge,
            RequestingSide::PublicBody,
            Some(OWNER)
        ));
        assert!(!may_file_renegotiation_as(
            &region,
            &blekinge,
            RequestingSide::CivilSociety,
            None
        ));
        assert!(may_file_renegotiation_as(
            &region,
            &blekinge,
            RequestingSide::PublicBody,
            Some(OWNER)
        ));
        assert!(!may_file_renegotiation_as(
            &region,
            &blekinge,
            RequestingSide::PublicBody,
            Some(OTHER_BODY)
        ));

        let mut draft = draft();
        assert!(!may_view(Some(&rep), &draft));
        let mut settings = draft.settings().clone();
        settings.acting_organization_ids = vec![network];
        draft.update_settings(settings).expect("valid");
        assert!(
            may_view(Some(&rep), &draft),
            "the sector's acting organisation reads drafts"
        );
        assert!(acts_for_side(&rep, &draft, Side::CivilSociety));
        assert!(!acts_for_side(&admin_of(OWNER), &draft, Side::CivilSociety));
        let plain = adopted(date(2018, 10, 1));
        assert!(
            acts_for_side(&admin_of(OWNER), &plain, Side::CivilSociety),
            "while nobody acts for the sector, the administrator registers its appointments"
        );
    }
}
