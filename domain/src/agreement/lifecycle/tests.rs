//! Tests of the agreement lifecycle: every event, every named rule, revisions and the
//! calendar dates an adoption sets.

use super::*;
use crate::agreement::testing::*;
use crate::agreement::{ApprovalMode, Commitment, CommitmentParty, RequestingSide, ReviewKind};

fn states(a: &Agreement) -> (AgreementState, Vec<(u32, VersionStatus)>) {
    (
        a.state,
        a.versions
            .iter()
            .map(|v| (v.number(), v.status()))
            .collect(),
    )
}

fn termination(on: NaiveDate) -> TerminationInput {
    TerminationInput {
        decided_by: " Kommunfullmäktige ".into(),
        decision_date: on,
        effective_on: on,
        reason: Some("Ersätts av en regional överenskommelse för hela länet.".into()),
    }
}

fn revised_content() -> VersionContent {
    let mut c = content();
    c.principles.push(principle(3, "Mångfald"));
    c.commitments.push(Commitment {
        party: CommitmentParty::CivilSociety,
        title: None,
        text: "Att ha en öppen dialog och välkomnande attityd gentemot intresserade".into(),
        principles: vec![3],
    });
    c
}

// ----- create and parties -----

#[test]
fn create_starts_a_draft_with_version_one() {
    let mut input = parties();
    input.municipality_codes = vec![" 0181".into(), "0181".into()];
    input.civil_society_party.name = " Idéburen sektor i Södertälje ".into();
    let a = Agreement::create(
        AGREEMENT,
        NewAgreement {
            parties: input,
            settings: settings(),
            content: content(),
        },
    )
    .expect("valid");
    assert_eq!(
        states(&a),
        (AgreementState::Draft, vec![(1, VersionStatus::Draft)])
    );
    assert_eq!(a.municipality_codes.len(), 1, "duplicates dropped");
    assert_eq!(a.civil_society_party.name, "Idéburen sektor i Södertälje");
    assert_eq!(a.status(today()).status, ShownStatus::Draft);
    assert!(a.current_version().is_none());
    assert_eq!(a.working_version().map(|v| v.number()), Some(1));
    assert!(a.due_items(today()).is_empty());
    assert!(!a.is_in_force(today()));
}

#[test]
fn create_names_every_invalid_field() {
    let input = NewAgreement {
        parties: PartiesInput {
            owner_public_body_id: OWNER,
            party_public_body_ids: vec![OTHER_BODY, OTHER_BODY],
            civil_society_party: CivilSocietyParty {
                kind: CivilSocietyPartyKind::Sector,
                name: "  ".into(),
                organization_id: Some(Uuid::from_u128(77)),
            },
            scope: Scope::Municipal,
            municipality_codes: vec!["0281".into()],
        },
        settings: AgreementSettings {
            follow_up_months: Some(0),
            ..settings()
        },
        content: VersionContent {
            title: String::new(),
            ..content()
        },
    };
    assert_eq!(
        invalid_fields(Agreement::create(AGREEMENT, input)),
        [
            ("party_public_body_ids[1]".into(), "duplicate"),
            ("owner_public_body_id".into(), "not_a_party"),
            ("civil_society_party.name".into(), "required"),
            ("civil_society_party.organization_id".into(), "not_allowed"),
            ("municipality_codes[0]".into(), "municipality_code"),
            ("settings.follow_up_months".into(), "out_of_range"),
            ("title".into(), "required"),
        ]
    );
}

#[test]
fn parties_and_codes_are_required() {
    let mut input = parties();
    input.party_public_body_ids.clear();
    input.municipality_codes.clear();
    let mut a = draft();
    assert_eq!(
        invalid_fields(a.edit_parties(input)),
        [
            ("party_public_body_ids".into(), "required"),
            ("municipality_codes".into(), "required"),
        ]
    );
    assert_eq!(a.party_public_body_ids, [OWNER], "unchanged");
}

/// Blekinge: Region Blekinge with Nätverket Idéburet Blekinge, covering the county.
#[test]
fn a_regional_agreement_covers_one_county() {
    let region = Uuid::from_u128(10);
    let network = Uuid::from_u128(99);
    let blekinge = PartiesInput {
        owner_public_body_id: region,
        party_public_body_ids: vec![region],
        civil_society_party: CivilSocietyParty {
            kind: CivilSocietyPartyKind::Network,
            name: "Nätverket Idéburet Blekinge".into(),
            organization_id: Some(network),
        },
        scope: Scope::Regional,
        municipality_codes: ["1083", "1060", "1082", "1081", "1080"]
            .map(String::from)
            .to_vec(),
    };
    let mut a = draft();
    a.edit_parties(blekinge.clone()).expect("valid");
    assert_eq!(a.scope, Scope::Regional);
    assert_eq!(
        a.municipality_codes
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["1060", "1080", "1081", "1082", "1083"],
        "sorted"
    );
    assert_eq!(a.civil_society_party.organization_id, Some(network));

    let mut across = blekinge;
    across.municipality_codes.push("1290".into());
    assert_eq!(
        invalid_fields(a.edit_parties(across)),
        [("municipality_codes[5]".into(), "different_county")]
    );
}

#[test]
fn a_municipal_agreement_may_be_joint() {
    let mut input = parties();
    input.party_public_body_ids.push(OTHER_BODY);
    input.municipality_codes = vec!["0181".into(), "1285".into()];
    let mut a = draft();
    a.edit_parties(input)
        .expect("two municipalities may share an agreement");
    assert!(a.is_party(OTHER_BODY));
}

#[test]
fn parties_are_fixed_once_adopted() {
    let mut a = adopted(date(2018, 10, 1));
    assert_eq!(
        rule(a.edit_parties(parties())),
        "agreement_not_in_preparation"
    );
}

// ----- settings -----

#[test]
fn settings_change_until_the_agreement_is_closed() {
    let mut a = adopted(date(2018, 10, 1));
    let new = AgreementSettings {
        follow_up_months: Some(24),
        ..settings()
    };
    a.update_settings(new.clone())
        .expect("adopted agreements may change settings");
    assert_eq!(a.settings, new);
    assert_eq!(
        invalid_fields(a.update_settings(AgreementSettings {
            evaluation_months: Some(0),
            ..settings()
        })),
        [("evaluation_months".into(), "out_of_range")]
    );
    a.terminate(termination(date(2024, 1, 1)), today())
        .expect("terminates");
    assert_eq!(rule(a.update_settings(settings())), "agreement_closed");

    let mut abandoned = draft();
    abandoned.abandon().expect("abandons");
    assert_eq!(
        rule(abandoned.update_settings(settings())),
        "agreement_closed"
    );
}

// ----- draft, consultation, adoption -----

#[test]
fn a_draft_is_edited_until_adopted() {
    let mut a = draft();
    a.edit_draft(revised_content())
        .expect("a draft is editable");
    assert_eq!(a.versions[0].content().principles.len(), 3);
    a.open_consultation(consultation(date(2018, 6, 26)), today())
        .expect("opens");
    a.edit_draft(content())
        .expect("revised from the consultation answers");
    assert_eq!(a.versions[0].content().principles.len(), 2);

    let invalid = VersionContent {
        purpose: " ".into(),
        ..content()
    };
    assert_eq!(
        invalid_fields(a.edit_draft(invalid)),
        [("purpose".into(), "required")]
    );

    a.adopt(adoption(date(2018, 10, 1)), today())
        .expect("adopts");
    assert_eq!(rule(a.edit_draft(content())), "version_not_editable");
}

#[test]
fn consultation_opens_once_on_a_draft() {
    let mut a = draft();
    assert_eq!(
        invalid_fields(a.open_consultation(consultation(date(2026, 11, 24)), today())),
        [("opened_on".into(), "in_future")]
    );
    assert_eq!(a.state, AgreementState::Draft, "unchanged");
    a.open_consultation(consultation(date(2018, 6, 26)), today())
        .expect("opens");
    assert_eq!(
        states(&a),
        (
            AgreementState::Consultation,
            vec![(1, VersionStatus::Consultation)]
        )
    );
    assert_eq!(a.status(today()).status, ShownStatus::Consultation);
    let c = a.versions[0].consultation().expect("recorded");
    assert_eq!((c.opened_on(), c.closed_on()), (date(2018, 6, 26), None));
    assert_eq!(
        c.setup().map(|s| s.response_deadline()),
        Some(date(2018, 8, 25))
    );
    assert_eq!(
        rule(a.open_consultation(consultation(date(2018, 7, 1)), today())),
        "consultation_already_open"
    );
    a.adopt(adoption(date(2018, 10, 1)), today())
        .expect("adopts");
    assert_eq!(
        rule(a.open_consultation(consultation(date(2019, 1, 1)), today())),
        "agreement_not_draft"
    );
}

#[test]
fn adoption_from_draft() {
    let mut a = draft();
    a.adopt(adoption(date(2019, 10, 1)), today())
        .expect("no consultation is required");
    assert_eq!(
        states(&a),
        (AgreementState::Adopted, vec![(1, VersionStatus::Adopted)])
    );
    assert_eq!(a.versions[0].consultation(), None);
    assert_eq!(a.status(today()).status, ShownStatus::Adopted);
    assert!(a.is_in_force(today()));
    assert_eq!(a.current_version().map(|v| v.number()), Some(1));
    assert_eq!(
        a.first_adoption().map(|r| r.decision_date()),
        Some(date(2019, 10, 1))
    );
    assert!(a.working_version().is_none());
}

#[test]
fn adoption_closes_the_consultation() {
    let mut a = draft();
    a.open_consultation(consultation(date(2018, 6, 26)), today())
        .expect("opens");
    assert_eq!(
        invalid_fields(a.adopt(adoption(date(2018, 6, 1)), today())),
        [("decision_date".into(), "before_consultation")]
    );
    a.adopt(adoption(date(2018, 10, 1)), today())
        .expect("adopts");
    assert_eq!(
        a.versions[0].consultation().and_then(|c| c.closed_on()),
        Some(date(2018, 10, 1))
    );
}

#[test]
fn adoption_validates_the_record() {
    let mut a = draft();
    let record = AdoptionInput {
        decided_by: " ".into(),
        valid_until: Some(date(2018, 9, 30)),
        ..adoption(date(2018, 10, 1))
    };
    assert_eq!(
        invalid_fields(a.adopt(record, today())),
        [
            ("decided_by".into(), "required"),
            ("valid_until".into(), "not_after_valid_from"),
        ]
    );
    assert_eq!(
        invalid_fields(a.adopt(adoption(date(2026, 11, 24)), today())),
        [("decision_date".into(), "in_future")]
    );
    assert_eq!(a.state, AgreementState::Draft, "nothing changed");
    let trimmed = AdoptionInput {
        decided_by: " Kommunfullmäktige ".into(),
        ..adoption(date(2018, 10, 1))
    };
    a.adopt(trimmed, today()).expect("adopts");
    assert_eq!(
        a.first_adoption().map(|r| r.decided_by()),
        Some("Kommunfullmäktige")
    );
}

#[test]
fn adoption_needs_principles_and_happens_once() {
    let mut a = draft();
    a.edit_draft(VersionContent {
        principles: Vec::new(),
        commitments: Vec::new(),
        ..content()
    })
    .expect("a draft may lack principles");
    assert_eq!(
        rule(a.adopt(adoption(date(2018, 10, 1)), today())),
        "no_principles"
    );
    a.edit_draft(content()).expect("edits");
    a.adopt(adoption(date(2018, 10, 1)), today())
        .expect("adopts");
    assert_eq!(
        rule(a.adopt(adoption(date(2019, 10, 1)), today())),
        "agreement_not_in_preparation"
    );
}

#[test]
fn a_draft_or_consultation_may_be_abandoned() {
    let mut a = draft();
    a.abandon().expect("abandons a draft");
    assert_eq!(
        states(&a),
        (
            AgreementState::Abandoned,
            vec![(1, VersionStatus::Abandoned)]
        )
    );
    assert_eq!(a.status(today()).status, ShownStatus::Abandoned);
    assert_eq!(rule(a.abandon()), "agreement_not_in_preparation");
    assert_eq!(rule(a.edit_draft(content())), "version_not_editable");
    assert_eq!(
        rule(a.open_consultation(consultation(date(2018, 1, 1)), today())),
        "agreement_not_draft"
    );
    assert_eq!(
        rule(a.adopt(adoption(date(2018, 1, 1)), today())),
        "agreement_not_in_preparation"
    );

    let mut b = draft();
    b.open_consultation(consultation(date(2018, 6, 26)), today())
        .expect("opens");
    b.abandon().expect("abandons a consultation");
    assert_eq!(b.state, AgreementState::Abandoned);

    let mut c = adopted(date(2018, 10, 1));
    assert_eq!(rule(c.abandon()), "agreement_not_in_preparation");
}

// ----- expiry and termination -----

#[test]
fn expiry_is_derived_from_valid_until() {
    let mut a = draft();
    a.adopt(
        AdoptionInput {
            valid_until: Some(date(2022, 10, 1)),
            ..adoption(date(2018, 10, 1))
        },
        today(),
    )
    .expect("adopts");
    assert_eq!(
        a.state,
        AgreementState::Adopted,
        "stored state stays adopted"
    );
    assert_eq!(a.status(date(2022, 10, 1)).status, ShownStatus::Adopted);
    assert!(a.is_in_force(date(2022, 10, 1)));
    assert_eq!(a.status(date(2022, 10, 2)).status, ShownStatus::Expired);
    assert!(!a.is_in_force(date(2022, 10, 2)));
}

#[test]
fn termination_ends_an_adopted_agreement() {
    let mut a = adopted(date(2018, 10, 1));
    a.terminate(termination(date(2024, 5, 20)), today())
        .expect("terminates");
    assert_eq!(
        states(&a),
        (
            AgreementState::Terminated,
            vec![(1, VersionStatus::Adopted)]
        )
    );
    let t = a.termination.as_ref().expect("recorded");
    assert_eq!(t.decided_by(), "Kommunfullmäktige", "trimmed");
    assert_eq!(
        a.status(today()),
        AgreementStatus {
            status: ShownStatus::Terminated,
            revision_in_progress: false,
            terminates_on: None
        }
    );
    assert!(!a.is_in_force(today()));
    assert!(a.due_items(today()).is_empty());
    assert_eq!(
        a.current_version().map(|v| v.number()),
        Some(1),
        "the last text stays"
    );
    assert_eq!(
        rule(a.terminate(termination(date(2024, 6, 1)), today())),
        "agreement_not_adopted"
    );
    assert_eq!(rule(a.start_revision(content())), "agreement_not_adopted");

    let mut d = draft();
    assert_eq!(
        rule(d.terminate(termination(date(2024, 5, 20)), today())),
        "agreement_not_adopted"
    );
}

#[test]
fn termination_counts_from_its_effective_date() {
    let mut a = adopted(date(2018, 10, 1));
    let record = TerminationInput {
        effective_on: date(2027, 1, 1),
        ..termination(date(2026, 11, 1))
    };
    a.terminate(record, today()).expect("terminates");
    assert_eq!(
        a.status(today()),
        AgreementStatus {
            status: ShownStatus::Adopted,
            revision_in_progress: false,
            terminates_on: Some(date(2027, 1, 1))
        }
    );
    assert!(a.is_in_force(date(2026, 12, 31)));
    assert_eq!(a.status(date(2027, 1, 1)).status, ShownStatus::Terminated);
}

#[test]
fn termination_record_is_validated() {
    let mut a = adopted(date(2018, 10, 1));
    let record = TerminationInput {
        decided_by: String::new(),
        decision_date: date(2018, 9, 1),
        effective_on: date(2018, 8, 1),
        reason: None,
    };
    assert_eq!(
        invalid_fields(a.terminate(record, today())),
        [
            ("decided_by".into(), "required"),
            ("decision_date".into(), "before_adoption"),
            ("effective_on".into(), "before_decision"),
        ]
    );
    assert_eq!(
        invalid_fields(a.terminate(termination(date(2026, 11, 24)), today())),
        [("decision_date".into(), "in_future")]
    );
    assert_eq!(a.state, AgreementState::Adopted, "nothing changed");
}

#[test]
fn termination_abandons_a_revision_in_progress() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(revised_content()).expect("starts");
    a.terminate(termination(date(2024, 5, 20)), today())
        .expect("terminates");
    assert_eq!(
        states(&a),
        (
            AgreementState::Terminated,
            vec![(1, VersionStatus::Adopted), (2, VersionStatus::Abandoned)]
        )
    );
    assert!(!a.status(today()).revision_in_progress);
}

// ----- revisions -----

#[test]
fn a_revision_is_drafted_while_the_current_version_applies() {
    let mut a = adopted(date(2018, 10, 1));
    assert_eq!(
        rule(a.edit_draft(revised_content())),
        "version_not_editable"
    );
    assert_eq!(a.start_revision(revised_content()).expect("starts"), 2);
    assert_eq!(
        states(&a),
        (
            AgreementState::Adopted,
            vec![(1, VersionStatus::Adopted), (2, VersionStatus::Draft)]
        )
    );
    let status = a.status(today());
    assert_eq!(status.status, ShownStatus::Adopted);
    assert!(status.revision_in_progress);
    assert_eq!(
        a.current_version().map(|v| v.content().principles.len()),
        Some(2)
    );
    assert_eq!(a.revision().map(|v| v.number()), Some(2));
    assert_eq!(
        rule(a.start_revision(content())),
        "revision_already_in_progress"
    );

    a.edit_draft(content())
        .expect("edit_draft edits the revision");
    assert_eq!(a.versions[1].content(), &content());
    assert_eq!(
        a.versions[0].content(),
        &content().validated().expect("valid")
    );
}

#[test]
fn revisions_need_an_adopted_agreement() {
    let mut a = draft();
    assert_eq!(rule(a.start_revision(content())), "agreement_not_adopted");
    assert_eq!(rule(a.abandon_revision()), "agreement_not_adopted");
    assert_eq!(
        rule(a.adopt_revision(adoption(date(2022, 10, 1)), today())),
        "agreement_not_adopted"
    );
    let mut b = adopted(date(2018, 10, 1));
    assert_eq!(rule(b.abandon_revision()), "no_revision_in_progress");
    assert_eq!(
        rule(b.open_revision_consultation(consultation(date(2022, 1, 1)), today())),
        "no_revision_in_progress"
    );
    assert_eq!(
        rule(b.adopt_revision(adoption(date(2022, 10, 1)), today())),
        "no_revision_in_progress"
    );
    let invalid = VersionContent {
        title: String::new(),
        ..content()
    };
    assert_eq!(
        invalid_fields(b.start_revision(invalid)),
        [("title".into(), "required")]
    );
    assert_eq!(b.versions.len(), 1, "nothing started");
}

#[test]
fn a_revision_has_its_own_consultation() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(revised_content()).expect("starts");
    assert_eq!(
        invalid_fields(a.open_revision_consultation(consultation(date(2026, 12, 1)), today())),
        [("opened_on".into(), "in_future")]
    );
    a.open_revision_consultation(consultation(date(2022, 3, 1)), today())
        .expect("opens");
    assert_eq!(a.versions[1].status(), VersionStatus::Consultation);
    assert_eq!(a.state, AgreementState::Adopted);
    assert_eq!(
        rule(a.open_revision_consultation(consultation(date(2022, 3, 2)), today())),
        "consultation_already_open"
    );
    assert_eq!(
        rule(a.open_consultation(consultation(date(2022, 3, 2)), today())),
        "consultation_already_open",
        "during a revision, opening a consultation opens the revision's"
    );
    a.edit_draft(revised_content())
        .expect("a revision on consultation is editable");
    assert_eq!(
        invalid_fields(a.adopt_revision(adoption(date(2022, 2, 1)), today())),
        [("decision_date".into(), "before_consultation")]
    );
    a.adopt_revision(adoption(date(2022, 9, 26)), today())
        .expect("adopts");
    assert_eq!(
        a.versions[1].consultation().and_then(|c| c.closed_on()),
        Some(date(2022, 9, 26))
    );
}

#[test]
fn adopting_a_revision_supersedes_the_current_version() {
    let mut a = draft();
    a.update_settings(AgreementSettings {
        reconfirmation_days: Some(90),
        ..settings()
    })
    .expect("valid settings");
    a.adopt(
        AdoptionInput {
            valid_until: Some(date(2022, 10, 1)),
            ..adoption(date(2018, 10, 1))
        },
        today(),
    )
    .expect("adopts");
    assert_eq!(a.status(today()).status, ShownStatus::Expired);
    a.start_revision(revised_content())
        .expect("an expired agreement may be revised");
    let revision = AdoptionInput {
        decision_date: date(2026, 10, 5),
        valid_from: date(2027, 1, 1),
        valid_until: Some(date(2030, 12, 31)),
        ..adoption(date(2026, 10, 5))
    };
    let adopted = a.adopt_revision(revision, today()).expect("adopts");
    assert_eq!(
        adopted,
        RevisionAdopted {
            superseded_version: 1,
            adopted_version: 2,
            reconfirm_by: Some(date(2027, 4, 1)),
        }
    );
    assert_eq!(
        states(&a),
        (
            AgreementState::Adopted,
            vec![(1, VersionStatus::Superseded), (2, VersionStatus::Adopted)]
        )
    );
    assert_eq!(a.versions[0].superseded_on(), Some(date(2027, 1, 1)));
    assert!(
        a.versions[0].adoption().is_some(),
        "the old decision stays on record"
    );
    assert_eq!(a.current_version().map(|v| v.number()), Some(2));
    assert_eq!(
        a.first_adoption().map(|r| r.decision_date()),
        Some(date(2018, 10, 1))
    );
    assert_eq!(
        a.status(today()).status,
        ShownStatus::Expired,
        "version 1 applies, expired, until the revision takes effect"
    );
    assert_eq!(
        a.status(date(2027, 1, 1)),
        AgreementStatus {
            status: ShownStatus::Adopted,
            revision_in_progress: false,
            terminates_on: None
        },
        "no longer expired once the revision takes effect"
    );
    assert_eq!(a.start_revision(content()).expect("the next revision"), 3);
    // Every text stays on record under its number.
    assert_eq!(
        [1, 2, 3, 4].map(|n| a.version(n).map(|v| v.status())),
        [
            Some(VersionStatus::Superseded),
            Some(VersionStatus::Adopted),
            Some(VersionStatus::Draft),
            None
        ]
    );
}

#[test]
fn carried_over_accessions_need_no_reconfirmation() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(revised_content()).expect("starts");
    let adopted = a
        .adopt_revision(adoption(date(2022, 10, 1)), today())
        .expect("adopts");
    assert_eq!(adopted.reconfirm_by, None);
}

#[test]
fn a_revision_cannot_predate_the_current_version() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(revised_content()).expect("starts");
    let backdated = AdoptionInput {
        valid_from: date(2018, 9, 1),
        ..adoption(date(2022, 10, 1))
    };
    assert_eq!(
        invalid_fields(a.adopt_revision(backdated, today())),
        [("valid_from".into(), "revision_predates_current")]
    );
    assert_eq!(
        invalid_fields(a.adopt_revision(adoption(date(2018, 9, 30)), today())),
        [
            ("decision_date".into(), "revision_predates_current"),
            ("valid_from".into(), "revision_predates_current")
        ]
    );
    assert_eq!(
        a.versions[0].status(),
        VersionStatus::Adopted,
        "nothing changed"
    );
    a.adopt_revision(adoption(date(2018, 10, 1)), today())
        .expect("the same day is not before");
}

#[test]
fn a_revision_needs_principles() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(VersionContent {
        principles: Vec::new(),
        commitments: Vec::new(),
        ..content()
    })
    .expect("starts");
    assert_eq!(
        rule(a.adopt_revision(adoption(date(2022, 10, 1)), today())),
        "no_principles"
    );
}

#[test]
fn an_abandoned_revision_stays_on_record() {
    let mut a = adopted(date(2018, 10, 1));
    a.start_revision(revised_content()).expect("starts");
    a.abandon_revision().expect("abandons");
    assert_eq!(
        states(&a),
        (
            AgreementState::Adopted,
            vec![(1, VersionStatus::Adopted), (2, VersionStatus::Abandoned)]
        )
    );
    assert!(!a.status(today()).revision_in_progress);
    assert_eq!(rule(a.abandon_revision()), "no_revision_in_progress");
    assert_eq!(a.start_revision(content()).expect("a new one"), 3);
}

// ----- reviews -----

#[test]
fn reviews_are_recorded_on_adopted_agreements() {
    let mut d = draft();
    let review = ReviewInput {
        id: Uuid::from_u128(500),
        kind: ReviewKind::FollowUp,
        done_on: date(2019, 10, 15),
        summary: " Årlig uppföljning redovisad för kommunstyrelsen. ".into(),
        recorded_by: "processledare".into(),
        acting_for: RequestingSide::PublicBody,
        reported_to: None,
        document_reference: None,
    };
    assert_eq!(
        rule(d.record_review(review.clone(), today())),
        "agreement_not_adopted"
    );

    let mut a = adopted(date(2018, 10, 1));
    a.record_review(review.clone(), today()).expect("records");
    assert_eq!(a.reviews.len(), 1);
    assert_eq!(
        a.reviews[0].summary(),
        "Årlig uppföljning redovisad för kommunstyrelsen."
    );

    let bad = ReviewInput {
        done_on: date(2018, 9, 30),
        summary: String::new(),
        ..review.clone()
    };
    assert_eq!(
        invalid_fields(a.record_review(bad, today())),
        [
            ("summary".into(), "required"),
            ("done_on".into(), "before_adoption"),
        ]
    );
    let future = ReviewInput {
        done_on: date(2026, 11, 24),
        ..review
    };
    assert_eq!(
        invalid_fields(a.record_review(future, today())),
        [("done_on".into(), "in_future")]
    );
    assert_eq!(a.reviews.len(), 1, "nothing more recorded");
}

/// A consultation opened today is not in the future.
#[test]
fn a_consultation_may_open_today() {
    let mut a = draft();
    a.open_consultation(consultation(today()), today())
        .expect("opens today");
    assert_eq!(a.status(today()).status, ShownStatus::Consultation);
}

/// A decision may follow a consultation opened the same day ("not before it opened").
#[test]
fn adoption_may_be_decided_on_the_day_the_consultation_opened() {
    let mut a = draft();
    a.open_consultation(consultation(date(2018, 6, 26)), today())
        .expect("opens");
    a.adopt(adoption(date(2018, 6, 26)), today())
        .expect("adopted the day it opened");
    assert_eq!(
        a.versions()[0].consultation().and_then(|c| c.closed_on()),
        Some(date(2018, 6, 26))
    );
}

/// "Not before it was adopted" and "not before it was decided": the same day is allowed.
#[test]
fn termination_may_be_decided_and_take_effect_on_the_day_of_adoption() {
    let mut a = adopted(date(2018, 10, 1));
    a.terminate(termination(date(2018, 10, 1)), today())
        .expect("terminated the day it was adopted");
    assert_eq!(a.status(date(2018, 10, 1)).status, ShownStatus::Terminated);
}

#[test]
fn a_termination_reason_is_kept_trimmed_and_a_blank_one_is_none() {
    let mut a = adopted(date(2018, 10, 1));
    let record = TerminationInput {
        reason: Some("  Ersätts av en regional överenskommelse.  ".into()),
        ..termination(date(2024, 5, 20))
    };
    a.terminate(record, today()).expect("terminates");
    assert_eq!(
        a.termination().and_then(|t| t.reason()),
        Some("Ersätts av en regional överenskommelse.")
    );
    let mut b = adopted(date(2018, 10, 1));
    let blank = TerminationInput {
        reason: Some("  ".into()),
        ..termination(date(2024, 5, 20))
    };
    b.terminate(blank, today()).expect("terminates");
    assert_eq!(b.termination().and_then(|t| t.reason()), None);
}

/// A decision is a fact of today or earlier: today itself is allowed.
#[test]
fn termination_may_be_decided_today() {
    let mut a = adopted(date(2018, 10, 1));
    a.terminate(termination(today()), today())
        .expect("decided today");
    assert!(!a.is_in_force(today()));
}

/// A review done today, or on the day of adoption, may be recorded.
#[test]
fn a_review_may_be_recorded_from_the_day_of_adoption_until_today() {
    let mut a = adopted(date(2018, 10, 1));
    for (n, done_on) in [date(2018, 10, 1), today()].into_iter().enumerate() {
        let review = ReviewInput {
            id: Uuid::from_u128(510 + n as u128),
            kind: ReviewKind::FollowUp,
            done_on,
            summary: "Uppföljning i samverkansrådet.".into(),
            recorded_by: "processledare".into(),
            acting_for: RequestingSide::PublicBody,
            reported_to: None,
            document_reference: None,
        };
        a.record_review(review, today())
            .unwrap_or_else(|e| panic!("done {done_on}: {e}"));
    }
    assert_eq!(a.reviews().len(), 2);
}

// ----- dated events take effect on their dates -----

#[test]
fn an_adoption_for_a_later_date_is_adopted_but_not_yet_in_force() {
    let mut a = draft();
    let from = date(2027, 1, 1);
    a.adopt(
        AdoptionInput {
            valid_from: from,
            ..adoption(today())
        },
        today(),
    )
    .expect("adopts in advance");
    assert_eq!(a.status(today()).status, ShownStatus::Adopted);
    assert_eq!(a.in_force_from(), Some(from));
    assert!(!a.applies_on(today()));
    assert!(!a.applies_on(date(2026, 12, 31)));
    assert!(a.applies_on(from));
    assert!(a.version_in_force_on(date(2026, 12, 31)).is_none());
    assert_eq!(a.version_in_force_on(from).map(|v| v.number()), Some(1));
    assert_eq!(a.next_version_after(today()).map(|v| v.number()), Some(1));
    assert!(a.next_version_after(from).is_none());
}

#[test]
fn a_revision_for_a_later_date_takes_effect_on_it_without_anyone_acting() {
    let mut a = adopted(date(2022, 1, 10));
    a.start_revision(revised_content()).expect("starts");
    let from = date(2027, 1, 1);
    a.adopt_revision(
        AdoptionInput {
            valid_from: from,
            ..adoption(today())
        },
        today(),
    )
    .expect("adopts the revision in advance");
    let before = date(2026, 12, 31);
    assert_eq!(a.version_in_force_on(before).map(|v| v.number()), Some(1));
    assert_eq!(a.version_in_force_on(from).map(|v| v.number()), Some(2));
    assert_eq!(a.next_version_after(before).map(|v| v.number()), Some(2));
    assert!(a.next_version_after(from).is_none());
    assert_eq!(
        a.version_in_force_period(1),
        Some((date(2022, 1, 10), Some(before)))
    );
    assert_eq!(a.version_in_force_period(2), Some((from, None)));
    assert!(a.applies_on(before) && a.applies_on(from));
    // A termination ends the version in force on the day before it takes effect.
    a.terminate(
        TerminationInput {
            effective_on: date(2028, 1, 1),
            ..termination(today())
        },
        today(),
    )
    .expect("terminates with notice");
    assert_eq!(
        a.version_in_force_period(2),
        Some((from, Some(date(2027, 12, 31))))
    );
    assert!(a.applies_on(date(2027, 12, 31)));
    assert!(!a.applies_on(date(2028, 1, 1)));
    assert!(a.version_in_force_period(3).is_none());
}

#[test]
fn reviews_are_recorded_until_a_termination_takes_effect() {
    let review = ReviewInput {
        id: Uuid::from_u128(501),
        kind: ReviewKind::FollowUp,
        done_on: date(2026, 11, 20),
        summary: "Årlig uppföljning.".into(),
        recorded_by: "processledare".into(),
        acting_for: RequestingSide::PublicBody,
        reported_to: None,
        document_reference: None,
    };
    let mut a = adopted(date(2018, 10, 1));
    a.terminate(
        TerminationInput {
            effective_on: date(2027, 2, 23),
            ..termination(today())
        },
        today(),
    )
    .expect("terminates with notice");
    a.record_review(review.clone(), today())
        .expect("recorded while the termination is pending");
    let on_the_day = ReviewInput {
        id: Uuid::from_u128(502),
        ..review
    };
    assert_eq!(
        rule(a.record_review(on_the_day, date(2027, 2, 23))),
        "agreement_not_adopted"
    );
}

/// The state on any date, read from the whole history, equals the state of the agreement
/// built from only the events that had taken effect by that date: what is dated in advance
/// changes nothing before its day, and nothing needs to run on it.
mod on_any_date {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Dated {
        decided: NaiveDate,
        takes_effect: NaiveDate,
    }

    fn history() -> impl Strategy<Value = (Dated, Vec<Dated>, Option<Dated>)> {
        let start = date(2010, 1, 1);
        (
            0u64..400,
            0u64..400,
            proptest::collection::vec((1u64..300, 0u64..400), 0..4),
            proptest::option::of((0u64..300, 0u64..500)),
        )
            .prop_map(move |(a0, f0, revisions, end)| {
                let adoption = Dated {
                    decided: start + Days::new(a0),
                    takes_effect: start + Days::new(a0 + f0),
                };
                let mut last = adoption.clone();
                let mut dated = Vec::new();
                for (delta, lag) in revisions {
                    let decided = last.decided + Days::new(delta);
                    let takes_effect = last.takes_effect.max(decided) + Days::new(lag);
                    last = Dated {
                        decided,
                        takes_effect,
                    };
                    dated.push(last.clone());
                }
                let termination = end.map(|(d, e)| {
                    let decided = last.decided + Days::new(d);
                    Dated {
                        decided,
                        takes_effect: decided + Days::new(e),
                    }
                });
                (adoption, dated, termination)
            })
    }

    /// The agreement after the events that took effect by `by` (all of them: `None`).
    fn replay(
        adoption: &Dated,
        revisions: &[Dated],
        termination: Option<&Dated>,
        by: Option<NaiveDate>,
    ) -> Agreement {
        let effective = |d: &Dated| by.is_none_or(|by| d.takes_effect <= by);
        let mut a = draft();
        if !effective(adoption) {
            return a;
        }
        a.adopt(
            AdoptionInput {
                valid_from: adoption.takes_effect,
                ..super::adoption(adoption.decided)
            },
            today(),
        )
        .expect("adopts");
        for r in revisions.iter().filter(|r| effective(r)) {
            a.start_revision(revised_content()).expect("starts");
            a.adopt_revision(
                AdoptionInput {
                    valid_from: r.takes_effect,
                    ..super::adoption(r.decided)
                },
                today(),
            )
            .expect("adopts the revision");
        }
        if let Some(t) = termination.filter(|t| effective(t)) {
            a.terminate(
                TerminationInput {
                    effective_on: t.takes_effect,
                    ..termination_input(t.decided)
                },
                today(),
            )
            .expect("terminates");
        }
        a
    }

    fn termination_input(on: NaiveDate) -> TerminationInput {
        super::termination(on)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn the_state_on_a_date_follows_from_the_events_in_effect_by_then(
            (adoption, revisions, termination) in history(),
            offset in 0u64..3000,
        ) {
            let on = date(2009, 6, 1) + Days::new(offset);
            let whole = replay(&adoption, &revisions, termination.as_ref(), None);
            let then = replay(&adoption, &revisions, termination.as_ref(), Some(on));
            prop_assert_eq!(whole.applies_on(on), then.applies_on(on));
            prop_assert_eq!(
                whole.version_in_force_on(on).map(|v| v.number()),
                then.version_in_force_on(on).map(|v| v.number())
            );
            let shown = |a: &Agreement| match a.status(on).status {
                // Before its adoption takes effect an agreement is adopted but not in force;
                // the replay, which has no adoption yet, holds a draft.
                ShownStatus::Adopted if !a.applies_on(on) => None,
                ShownStatus::Draft => None,
                s => Some(s),
            };
            // Before the adoption takes effect the replay has no agreement in force to end
            // (a termination may take effect before the agreement ever applied).
            if on >= adoption.takes_effect {
                prop_assert_eq!(shown(&whole), shown(&then));
            }
            // A list filtered by the shown status narrows by these stored states first.
            for a in [&whole, &then] {
                prop_assert!(a.status(on).status.stored_states().contains(&a.state()));
            }
        }
    }
}

#[test]
fn the_approval_mode_does_not_change_while_decisions_are_pending() {
    let mut a = adopted(date(2018, 10, 1));
    let joint = AgreementSettings {
        approval_mode: ApprovalMode::SteeringGroup,
        ..a.settings().clone()
    };
    assert_eq!(
        rule(a.change_settings(joint.clone(), 2)),
        "decisions_pending"
    );
    assert_eq!(a.settings().approval_mode, ApprovalMode::Registration);
    a.change_settings(joint.clone(), 0)
        .expect("nothing pending");
    let other = AgreementSettings {
        follow_up_months: Some(24),
        ..joint
    };
    a.change_settings(other, 3)
        .expect("other settings change while decisions are pending");
}
