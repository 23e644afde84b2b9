//! The steering-group rules walked over time, and properties over random appointments.

use chrono::NaiveDate;
use strum::IntoEnumIterator;
use uuid::Uuid;

use super::*;
use crate::access::Role;
use crate::access::testing::principal;
use crate::error::{DomainError, Lang};

const ESLOVS_KOMMUN: Uuid = Uuid::from_u128(0x1285);
const REGION_BLEKINGE: Uuid = Uuid::from_u128(0x10);
const LANSSTYRELSEN: Uuid = Uuid::from_u128(0x1010);
const KARLSKRONA: Uuid = Uuid::from_u128(0x1080);
const ANGSBLOMMAN: Uuid = Uuid::from_u128(0xA1);
const NETWORK: &str = "Nätverket Idéburet Blekinge";

/// The same meeting under another id or in another group.
fn elsewhere(m: &Meeting, id: Uuid, group_id: Uuid) -> Meeting {
    Meeting::restore(
        id,
        group_id,
        MeetingInput {
            date: m.date(),
            present: m.present().to_vec(),
            minutes_reference: m.minutes_reference().map(str::to_owned),
        },
    )
}

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn config_input(seats: Option<u32>) -> GroupConfigInput {
    GroupConfigInput {
        name: "Styrgruppen för överenskommelsen i Eslöv".into(),
        kind: GroupKind::SteeringGroup,
        ordinary_seats_per_side: seats,
        deputies_allowed: true,
        chair_and_vice_chair_from_different_sides: false,
        default_term_months: None,
    }
}

fn group_with(input: GroupConfigInput) -> SteeringGroup {
    let config = GroupConfig::parse(&input).expect("valid configuration");
    SteeringGroup::new(Uuid::from_u128(0x600), Uuid::from_u128(0xA6), config)
}

fn group(seats: Option<u32>) -> SteeringGroup {
    group_with(config_input(seats))
}

fn own_appointer(side: Side) -> Appointer {
    match side {
        Side::PublicSector => Appointer::PublicBody { id: ESLOVS_KOMMUN },
        Side::CivilSociety => Appointer::Organization { id: ANGSBLOMMAN },
    }
}

fn member(name: &str, side: Side, start: &str, end: Option<&str>) -> Appointment {
    Appointment {
        person_name: name.into(),
        person_ref: None,
        title: None,
        side,
        seat: Seat::Ordinary,
        role: MemberRole::Member,
        appointed_by: own_appointer(side),
        term_start: d(start),
        term_end: end.map(d),
    }
}

fn with_seat(mut a: Appointment, seat: Seat) -> Appointment {
    a.seat = seat;
    a
}

fn with_role(mut a: Appointment, role: MemberRole) -> Appointment {
    a.role = role;
    a
}

/// Appoints with the next free id and returns it.
fn seat(g: &mut SteeringGroup, a: Appointment) -> Uuid {
    let id = next_id(g);
    g.appoint(id, &a).expect("appointment accepted");
    id
}

fn next_id(g: &SteeringGroup) -> Uuid {
    Uuid::from_u128(1000 + g.memberships().len() as u128)
}

fn try_seat(g: &mut SteeringGroup, a: Appointment) -> Result<Uuid, DomainError> {
    let id = next_id(g);
    g.appoint(id, &a).map(|m| m.id())
}

fn code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> &'static str {
    r.expect_err("expected a broken rule")
        .code()
        .expect("a rule, not invalid input")
}

fn fields<T: std::fmt::Debug>(r: Result<T, DomainError>) -> Vec<(String, &'static str)> {
    match r.expect_err("expected invalid input") {
        DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected invalid input, got {other}"),
    }
}

fn f(field: &str, code: &'static str) -> (String, &'static str) {
    (field.to_owned(), code)
}

/// A group of `seats` per side, full on both sides from 2024-01-01 until further notice.
fn full_group(seats: u32) -> (SteeringGroup, Vec<Uuid>, Vec<Uuid>) {
    let mut g = group(Some(seats));
    let public = (0..seats)
        .map(|i| {
            seat(
                &mut g,
                member(
                    &format!("Kommunpolitiker {i}"),
                    Side::PublicSector,
                    "2024-01-01",
                    None,
                ),
            )
        })
        .collect();
    let civil = (0..seats)
        .map(|i| {
            seat(
                &mut g,
                member(
                    &format!("Föreningsföreträdare {i}"),
                    Side::CivilSociety,
                    "2024-01-01",
                    None,
                ),
            )
        })
        .collect();
    (g, public, civil)
}

/// The day the tests' meetings are recorded: after every meeting they hold.
const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");

fn meeting(g: &SteeringGroup, date: &str, present: &[Uuid]) -> Meeting {
    g.record_meeting(
        Uuid::from_u128(0x3000 + present.len() as u128),
        &MeetingInput {
            date: d(date),
            present: present.to_vec(),
            minutes_reference: Some(format!("Protokoll {date} § 3")),
        },
        TODAY,
    )
    .expect("meeting recorded")
}

fn approve(subject: Uuid) -> DecisionInput {
    DecisionInput {
        kind: DecisionKind::ApproveAccession,
        subject: "Anslutning: Föreningen Ängsblomman".into(),
        subject_id: Some(subject),
        text: "Styrgruppen godkänner föreningens anslutning till överenskommelsen.".into(),
    }
}

// ---- configuration -------------------------------------------------------------------

#[test]
fn configuration_is_validated_field_by_field() {
    let mut input = config_input(Some(0));
    input.name = "   ".into();
    input.default_term_months = Some(0);
    assert_eq!(
        fields(GroupConfig::parse(&input)),
        [
            f("name", "required"),
            f("ordinary_seats_per_side", "out_of_range"),
            f("default_term_months", "out_of_range"),
        ]
    );
    input = config_input(Some(51));
    input.default_term_months = Some(121);
    assert_eq!(
        fields(GroupConfig::parse(&input)),
        [
            f("ordinary_seats_per_side", "out_of_range"),
            f("default_term_months", "out_of_range"),
        ]
    );
    let mut input = config_input(Some(50));
    input.name = "  Partnerskapet för överenskommelsen i Blekinge ".into();
    input.default_term_months = Some(120);
    let config = GroupConfig::parse(&input).expect("bounds are inclusive");
    assert_eq!(
        config.name(),
        "Partnerskapet för överenskommelsen i Blekinge"
    );
    assert!(GroupConfig::parse(&config_input(Some(1))).is_ok());
    assert!(GroupConfig::parse(&config_input(None)).is_ok());
}

#[test]
fn each_side_has_the_other() {
    for s in Side::iter() {
        assert_eq!(s.other().other(), s);
        assert_ne!(s.other(), s);
    }
}

#[test]
fn appointers_in_storage() {
    let network = Appointer::Network {
        name: NETWORK.into(),
    };
    let body = Appointer::PublicBody {
        id: REGION_BLEKINGE,
    };
    for a in [
        network.clone(),
        body,
        Appointer::Organization { id: ANGSBLOMMAN },
    ] {
        let restored = Appointer::restore(a.kind(), a.id(), a.name().map(str::to_owned));
        assert_eq!(restored, Some(a));
    }
    assert_eq!(
        Appointer::restore(AppointerKind::Network, Some(ANGSBLOMMAN), None),
        None
    );
    assert_eq!(
        Appointer::restore(AppointerKind::PublicBody, None, Some("x".into())),
        None
    );
}

#[test]
fn rule_codes_are_distinct_and_messages_readable() {
    let date = d("2024-03-01");
    let rules = [
        SteeringRule::SeatLimit {
            side: Side::PublicSector,
            seats: 5,
            date,
        },
        SteeringRule::PersonAlreadySeated {
            name: "Åsa Öberg".into(),
            date,
        },
        SteeringRule::DeputiesNotAllowed,
        SteeringRule::ChairTaken { date },
        SteeringRule::ViceChairTaken { date },
        SteeringRule::ChairSameSide {
            side: Side::PublicSector,
            date,
        },
        SteeringRule::UnknownMembership,
        SteeringRule::GroupUnbalanced {
            date,
            public_sector: 5,
            civil_society: 4,
        },
        SteeringRule::MeetingNotQuorate { date },
        SteeringRule::AttendanceOutOfOffice { date },
        SteeringRule::NotOfThisGroup,
    ];
    let mut codes: Vec<_> = rules.iter().map(SteeringRule::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), rules.len());
    assert_eq!(
        rules[0].to_string(),
        "the public-sector side already holds all its 5 ordinary seats on 2024-03-01, within the new term"
    );
    assert_eq!(
        rules[0].message(Lang::Sv),
        "offentlig sektor har redan alla sina 5 ordinarie platser den 2024-03-01, inom den nya mandatperioden"
    );
    let DomainError::Conflict { code, message } = DomainError::from(rules[7].clone()) else {
        panic!("a rule is a conflict")
    };
    assert_eq!(code, "group_unbalanced");
    assert!(
        message
            .get(Lang::En)
            .contains("5 ordinary members from the public sector, 4 from civil society")
    );
    assert!(
        message
            .get(Lang::Sv)
            .contains("5 ordinarie ledamöter från offentlig sektor, 4 från idéburen sektor")
    );
    assert_eq!(
        SteeringField::AppointedByOtherSide {
            side: Side::CivilSociety
        }
        .message(Lang::Sv),
        "en plats för idéburen sektor utses av den egna sidan: offentlig sektor av en offentlig aktör, idéburen sektor av sektorn själv (en organisation eller ett nätverk)"
    );
    assert_eq!(
        SteeringField::DecisionNotCited {
            kind: DecisionKind::ApproveAccession
        }
        .message(Lang::En),
        "the cited decision is not a decision of kind approve_accession about this subject in this agreement"
    );
}

// ---- appointments: input ---------------------------------------------------------------

#[test]
fn appointment_input_is_validated_field_by_field() {
    let mut g = group(Some(5));
    let mut a = member("  ", Side::CivilSociety, "2024-01-01", Some("2023-12-31"));
    a.title = Some("x".repeat(201));
    a.appointed_by = Appointer::Network { name: " ".into() };
    a.seat = Seat::Adjunct;
    a.role = MemberRole::Chair;
    assert_eq!(
        fields(try_seat(&mut g, a)),
        [
            f("person_name", "required"),
            f("title", "too_long"),
            f("appointed_by.name", "required"),
            f("role", "ordinary_seat_required"),
            f("term_end", "before_start"),
        ]
    );
    let deputy_vice = with_role(
        with_seat(
            member("Örjan Åberg", Side::PublicSector, "2024-01-01", None),
            Seat::Deputy,
        ),
        MemberRole::ViceChair,
    );
    assert_eq!(
        fields(try_seat(&mut g, deputy_vice)),
        [f("role", "ordinary_seat_required")]
    );
    assert!(g.memberships().is_empty(), "nothing invalid is stored");
}

#[test]
fn texts_are_trimmed_and_a_one_day_term_is_allowed() {
    let mut g = group(Some(5));
    let mut a = member(
        "  Märta Ängström ",
        Side::CivilSociety,
        "2024-06-01",
        Some("2024-06-01"),
    );
    a.title = Some(" ordförande i Föreningen Ängsblomman ".into());
    a.person_ref = Some("  ".into());
    a.appointed_by = Appointer::Network {
        name: format!(" {NETWORK} "),
    };
    let id = seat(&mut g, a);
    let m = g.membership(id).expect("stored");
    assert_eq!(m.person_name(), "Märta Ängström");
    assert_eq!(m.title(), Some("ordförande i Föreningen Ängsblomman"));
    assert_eq!(m.person_ref(), None, "a blank reference is no reference");
    assert_eq!(m.appointed_by().name(), Some(NETWORK));
    assert!(m.in_office_on(d("2024-06-01")));
    assert!(!m.in_office_on(d("2024-06-02")));
    assert!(!m.in_office_on(d("2024-05-31")));
}

#[test]
fn a_term_without_end_gets_the_default_length_or_runs_until_further_notice() {
    let mut input = config_input(Some(5));
    input.default_term_months = Some(24);
    let mut g = group_with(input);
    let two_years = seat(
        &mut g,
        member("Åke Ödman", Side::PublicSector, "2024-01-01", None),
    );
    assert_eq!(
        g.membership(two_years).and_then(|m| m.term_end()),
        Some(d("2025-12-31"))
    );
    let explicit = seat(
        &mut g,
        member(
            "Eva Älv",
            Side::PublicSector,
            "2024-01-01",
            Some("2024-12-31"),
        ),
    );
    assert_eq!(
        g.membership(explicit).and_then(|m| m.term_end()),
        Some(d("2024-12-31"))
    );
    assert_eq!(
        g.config().default_term_end(d("2024-01-31")),
        Some(d("2026-01-30"))
    );
    let one_month = GroupConfig::restore(GroupConfigInput {
        default_term_months: Some(1),
        ..g.config().to_input()
    });
    // One month from 31 January reaches 29 February (chrono keeps to the month's end), less a day.
    assert_eq!(
        one_month.default_term_end(d("2024-01-31")),
        Some(d("2024-02-28"))
    );

    let mut open = group(Some(5));
    let id = seat(
        &mut open,
        member("Åke Ödman", Side::PublicSector, "2024-01-01", None),
    );
    assert_eq!(open.membership(id).and_then(|m| m.term_end()), None);
    assert!(
        open.membership(id)
            .is_some_and(|m| m.in_office_on(d("2099-12-31")))
    );
}

// ---- appointments: rules ---------------------------------------------------------------

#[test]
fn seat_limit_over_overlapping_and_consecutive_terms() {
    // Eslöv: ten members, five appointed by the municipality and five by the sector.
    let mut g = group(Some(5));
    for i in 1..=4 {
        seat(
            &mut g,
            member(
                &format!("Kommunalråd {i}"),
                Side::PublicSector,
                "2020-01-01",
                None,
            ),
        );
    }
    let leaving = seat(
        &mut g,
        member(
            "Östen Åkesson",
            Side::PublicSector,
            "2020-01-01",
            Some("2021-12-31"),
        ),
    );

    let sixth = |start| member("Ärla Björk", Side::PublicSector, start, None);
    let err = try_seat(&mut g, sixth("2021-06-01")).expect_err("a sixth member overlaps");
    assert_eq!(err.code(), Some("seat_limit"));
    assert!(err.to_string().contains("2021-06-01"), "{err}");
    // The end is inclusive: on Östen's last day there is no room yet.
    assert_eq!(code(try_seat(&mut g, sixth("2021-12-31"))), "seat_limit");
    // A term that starts after another has ended does not overlap it.
    let successor = seat(&mut g, sixth("2022-01-01"));

    // The other side, deputies and adjuncts are not counted against the public seats.
    for i in 1..=5 {
        seat(
            &mut g,
            member(
                &format!("Föreningsordförande {i}"),
                Side::CivilSociety,
                "2020-01-01",
                None,
            ),
        );
    }
    seat(
        &mut g,
        with_seat(
            member("Ersättare Lind", Side::PublicSector, "2020-01-01", None),
            Seat::Deputy,
        ),
    );
    seat(
        &mut g,
        with_seat(
            member("Adjungerad Ek", Side::PublicSector, "2020-01-01", None),
            Seat::Adjunct,
        ),
    );
    assert_eq!(
        code(try_seat(
            &mut g,
            member("Sjätte Föreningen", Side::CivilSociety, "2030-01-01", None)
        )),
        "seat_limit"
    );

    let c = g.composition(d("2021-12-31"));
    assert_eq!(c.public_sector.ordinary, 5);
    assert!(c.members.iter().any(|m| m.id() == leaving));
    let c = g.composition(d("2022-01-01"));
    assert_eq!(c.public_sector.ordinary, 5);
    assert!(c.members.iter().any(|m| m.id() == successor));
    assert!(!c.members.iter().any(|m| m.id() == leaving));
}

#[test]
fn seat_limit_counts_each_day_not_every_overlapping_term() {
    let mut g = group(Some(2));
    let side = Side::CivilSociety;
    seat(
        &mut g,
        member("Anna", side, "2024-01-01", Some("2024-03-31")),
    );
    seat(
        &mut g,
        member("Bertil", side, "2024-05-01", Some("2024-07-31")),
    );
    // Two terms overlap this one, but never on the same day: at most two in office.
    seat(
        &mut g,
        member("Cecilia", side, "2024-01-01", Some("2024-12-31")),
    );
    // April has only Cecilia.
    seat(
        &mut g,
        member("David", side, "2024-04-01", Some("2024-04-30")),
    );

    let err = try_seat(
        &mut g,
        member("Erik", side, "2024-03-15", Some("2024-04-15")),
    )
    .expect_err("Anna and Cecilia fill March");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::SeatLimit {
            side,
            seats: 2,
            date: d("2024-03-15")
        })
    );
    let err = try_seat(
        &mut g,
        member("Erik", side, "2024-04-01", Some("2024-04-01")),
    )
    .expect_err("David and Cecilia fill April");
    assert!(err.to_string().contains("2024-04-01"));
    // The first full day is reported, even when the term starts on a free day.
    let err = try_seat(&mut g, member("Erik", side, "2025-01-01", None));
    assert!(err.is_ok(), "nobody after 2024");
    seat(&mut g, member("Gustav", side, "2025-02-01", None));
    // December has Cecilia, January Erik, February Erik and Gustav.
    let err = try_seat(
        &mut g,
        member("Fredrik", side, "2024-12-01", Some("2025-06-01")),
    )
    .expect_err("full from February");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::SeatLimit {
            side,
            seats: 2,
            date: d("2025-02-01")
        })
    );
    assert!(
        try_seat(
            &mut g,
            member("Fredrik", side, "2024-12-01", Some("2025-01-31"))
        )
        .is_ok()
    );
}

#[test]
fn an_open_term_holds_its_seat_until_it_is_ended() {
    let mut g = group(Some(1));
    let first = seat(
        &mut g,
        member("Göran Ås", Side::PublicSector, "2024-01-01", None),
    );
    let later = member("Hanna Öst", Side::PublicSector, "2030-01-01", None);
    assert_eq!(code(try_seat(&mut g, later.clone())), "seat_limit");
    g.end_term(first, d("2029-12-31")).expect("ended");
    assert!(try_seat(&mut g, later).is_ok());
}

#[test]
fn without_a_fixed_size_any_number_may_sit_but_balance_decides() {
    let mut g = group(None);
    for i in 0..7 {
        seat(
            &mut g,
            member(
                &format!("Tjänsteperson {i}"),
                Side::PublicSector,
                "2024-01-01",
                None,
            ),
        );
    }
    let c = g.composition(d("2024-01-01"));
    assert_eq!(c.public_sector.ordinary, 7);
    assert_eq!(c.public_sector.seats, None);
    assert_eq!(c.public_sector.vacant, None);
    assert!(!c.balanced);
}

#[test]
fn each_side_is_appointed_by_itself() {
    let mut g = group(Some(5));
    let mut a = member("Ingrid Åström", Side::PublicSector, "2024-01-01", None);
    a.appointed_by = Appointer::Organization { id: ANGSBLOMMAN };
    let wrong = [f("appointed_by", "appointed_by_other_side")];
    assert_eq!(fields(try_seat(&mut g, a.clone())), wrong);
    a.appointed_by = Appointer::Network {
        name: NETWORK.into(),
    };
    assert_eq!(fields(try_seat(&mut g, a.clone())), wrong);
    a.appointed_by = Appointer::PublicBody {
        id: REGION_BLEKINGE,
    };
    assert!(try_seat(&mut g, a).is_ok());

    let mut c = member("Jonas Ärlig", Side::CivilSociety, "2024-01-01", None);
    c.appointed_by = Appointer::PublicBody { id: ESLOVS_KOMMUN };
    let err = try_seat(&mut g, c.clone()).expect_err("the municipality cannot appoint the sector");
    assert_eq!(err.fields(), [("appointed_by", "appointed_by_other_side")]);
    assert!(
        err.to_string()
            .contains("a civil-society seat is appointed by its own side")
    );
    // Adjuncts too sit on a side and are appointed by it.
    let adjunct = with_seat(c.clone(), Seat::Adjunct);
    assert_eq!(fields(try_seat(&mut g, adjunct)), wrong);
    c.appointed_by = Appointer::Network {
        name: NETWORK.into(),
    };
    assert!(try_seat(&mut g, c).is_ok());
}

#[test]
fn a_person_holds_one_seat_at_a_time() {
    let mut g = group(Some(5));
    seat(
        &mut g,
        member(
            "Åsa Öberg",
            Side::CivilSociety,
            "2024-01-01",
            Some("2024-12-31"),
        ),
    );
    let same = |start, seat_kind| {
        with_seat(
            member("  åsa   ÖBERG ", Side::CivilSociety, start, None),
            seat_kind,
        )
    };
    let err = try_seat(&mut g, same("2024-06-01", Seat::Deputy)).expect_err("same person");
    assert_eq!(err.code(), Some("person_already_seated"));
    assert_eq!(
        code(try_seat(&mut g, same("2024-12-31", Seat::Ordinary))),
        "person_already_seated"
    );
    // On the other side, too: one person, one seat.
    let mut other_side = member("Åsa Öberg", Side::PublicSector, "2024-03-01", None);
    other_side.seat = Seat::Adjunct;
    assert_eq!(code(try_seat(&mut g, other_side)), "person_already_seated");
    // A new term right after the last one is fine (re-appointment).
    assert!(try_seat(&mut g, same("2025-01-01", Seat::Ordinary)).is_ok());
}

#[test]
fn person_refs_tell_namesakes_apart_and_follow_a_changed_name() {
    let mut g = group(Some(5));
    let mut first = member("Karin Lund", Side::PublicSector, "2024-01-01", None);
    first.person_ref = Some("sub-karin-1".into());
    seat(&mut g, first);
    let mut namesake = member("Karin Lund", Side::CivilSociety, "2024-01-01", None);
    namesake.person_ref = Some("sub-karin-2".into());
    assert!(
        try_seat(&mut g, namesake).is_ok(),
        "two people may share a name"
    );
    let mut renamed = member("Karin Lund Öhman", Side::PublicSector, "2024-06-01", None);
    renamed.seat = Seat::Deputy;
    renamed.person_ref = Some("sub-karin-1".into());
    assert_eq!(code(try_seat(&mut g, renamed)), "person_already_seated");
    // Without a ref on one side, the name decides.
    let unlinked = with_seat(
        member("karin lund", Side::PublicSector, "2024-06-01", None),
        Seat::Deputy,
    );
    assert_eq!(code(try_seat(&mut g, unlinked)), "person_already_seated");
}

#[test]
fn deputies_only_when_the_group_has_them() {
    let mut input = config_input(Some(5));
    input.deputies_allowed = false;
    let mut g = group_with(input);
    let deputy = with_seat(
        member("Lars Ödqvist", Side::PublicSector, "2024-01-01", None),
        Seat::Deputy,
    );
    let err = try_seat(&mut g, deputy).expect_err("no deputies");
    assert_eq!(err.fields(), [("seat", "deputies_not_allowed")]);
    assert!(err.to_string().contains("ersättare"));
    assert!(
        try_seat(
            &mut g,
            with_seat(
                member("Lars Ödqvist", Side::PublicSector, "2024-01-01", None),
                Seat::Adjunct
            )
        )
        .is_ok()
    );
}

#[test]
fn one_chair_and_one_vice_chair_at_a_time() {
    let mut g = group(Some(5));
    let chair =
        |name, side, start, end| with_role(member(name, side, start, end), MemberRole::Chair);
    let vice =
        |name, side, start, end| with_role(member(name, side, start, end), MemberRole::ViceChair);
    seat(
        &mut g,
        chair(
            "Maria Ängel",
            Side::PublicSector,
            "2024-01-01",
            Some("2025-12-31"),
        ),
    );
    let err = try_seat(
        &mut g,
        chair("Nils Åhl", Side::CivilSociety, "2025-06-01", None),
    )
    .expect_err("chair taken");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::ChairTaken {
            date: d("2025-06-01")
        })
    );
    assert!(
        try_seat(
            &mut g,
            chair("Nils Åhl", Side::CivilSociety, "2026-01-01", None)
        )
        .is_ok()
    );
    seat(
        &mut g,
        vice(
            "Olle Öhrn",
            Side::CivilSociety,
            "2024-01-01",
            Some("2025-12-31"),
        ),
    );
    assert_eq!(
        code(try_seat(
            &mut g,
            vice("Pia Älmhult", Side::PublicSector, "2024-02-01", None)
        )),
        "vice_chair_taken"
    );
    // Without the chair rule, both may come from the same side.
    assert!(
        try_seat(
            &mut g,
            vice("Pia Älmhult", Side::CivilSociety, "2026-01-01", None)
        )
        .is_ok()
    );
    let c = g.composition(d("2026-01-01"));
    assert_eq!(
        c.members.iter().map(|m| m.role()).collect::<Vec<_>>(),
        [MemberRole::Chair, MemberRole::ViceChair]
    );
    assert!(c.chair.is_some() && c.vice_chair.is_some());
}

#[test]
fn chair_and_vice_chair_from_different_sides_when_the_group_says_so() {
    let mut input = config_input(Some(5));
    input.chair_and_vice_chair_from_different_sides = true;
    let mut g = group_with(input);
    seat(
        &mut g,
        with_role(
            member(
                "Rut Åkerlund",
                Side::PublicSector,
                "2024-01-01",
                Some("2024-12-31"),
            ),
            MemberRole::Chair,
        ),
    );
    let vice = |side, start| {
        with_role(
            member("Sven Öhman", side, start, None),
            MemberRole::ViceChair,
        )
    };
    let err = try_seat(&mut g, vice(Side::PublicSector, "2024-06-01")).expect_err("same side");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::ChairSameSide {
            side: Side::PublicSector,
            date: d("2024-06-01")
        })
    );
    // After the chair's term the same side may hold the vice-chair.
    assert!(try_seat(&mut g, vice(Side::PublicSector, "2025-01-01")).is_ok());
    // The rule also holds in the other order: a chair from the vice-chair's side.
    let chair = with_role(
        member("Tove Ärnström", Side::PublicSector, "2025-01-01", None),
        MemberRole::Chair,
    );
    assert_eq!(code(try_seat(&mut g, chair)), "chair_same_side");
    let chair = with_role(
        member("Tove Ärnström", Side::CivilSociety, "2025-01-01", None),
        MemberRole::Chair,
    );
    assert!(try_seat(&mut g, chair).is_ok());
}

#[test]
fn rules_are_checked_in_a_fixed_order() {
    let mut input = config_input(Some(1));
    input.deputies_allowed = false;
    let mut g = group_with(input);
    seat(
        &mut g,
        with_role(
            member("Ulla Åberg", Side::PublicSector, "2024-01-01", None),
            MemberRole::Chair,
        ),
    );
    // Breaks seat_limit, chair_taken, person_already_seated and appointed_by_other_side: a
    // wrong value of the appointment (422) comes before what the group's state forbids.
    let mut a = with_role(
        member("Ulla Åberg", Side::PublicSector, "2024-01-01", None),
        MemberRole::Chair,
    );
    a.appointed_by = Appointer::Organization { id: ANGSBLOMMAN };
    assert_eq!(
        fields(try_seat(&mut g, a.clone())),
        [f("appointed_by", "appointed_by_other_side")]
    );
    a.appointed_by = own_appointer(Side::PublicSector);
    assert_eq!(code(try_seat(&mut g, a.clone())), "person_already_seated");
    a.person_name = "Viktor Öst".into();
    assert_eq!(code(try_seat(&mut g, a.clone())), "chair_taken");
    a.role = MemberRole::Member;
    assert_eq!(code(try_seat(&mut g, a.clone())), "seat_limit");
    a.seat = Seat::Deputy;
    assert_eq!(
        fields(try_seat(&mut g, a)),
        [f("seat", "deputies_not_allowed")]
    );
}

// ---- ending terms and reconfiguring -----------------------------------------------------

#[test]
fn ending_a_term() {
    let mut g = group(Some(5));
    let id = seat(
        &mut g,
        member(
            "Yvonne Åman",
            Side::CivilSociety,
            "2024-01-01",
            Some("2026-12-31"),
        ),
    );
    assert_eq!(
        fields(g.end_term(id, d("2023-12-31"))),
        [f("last_day", "before_start")]
    );
    assert_eq!(
        code(g.end_term(Uuid::from_u128(0xDEAD), d("2025-01-01"))),
        "unknown_membership"
    );
    // A resignation brings the planned end forward.
    let m = g.end_term(id, d("2025-03-31")).expect("shortened");
    assert_eq!(m.term_end(), Some(d("2025-03-31")));
    // The same end again is a no-op; a later one is a new appointment.
    assert!(g.end_term(id, d("2025-03-31")).is_ok());
    let err = g.end_term(id, d("2025-04-30")).expect_err("cannot extend");
    assert_eq!(
        err,
        DomainError::invalid(
            "last_day",
            SteeringField::TermAlreadyEnded {
                last_day: d("2025-03-31")
            }
        )
    );
    // A one-day term: the last day may be the first.
    assert!(g.end_term(id, d("2024-01-01")).is_ok());
    assert!(
        !g.membership(id)
            .is_some_and(|m| m.in_office_on(d("2024-01-02")))
    );
}

#[test]
fn reconfiguring_applies_to_the_whole_history() {
    let mut g = group(Some(5));
    for i in 0..5 {
        seat(
            &mut g,
            member(
                &format!("Politiker {i}"),
                Side::PublicSector,
                "2020-01-01",
                Some("2023-12-31"),
            ),
        );
    }
    for i in 0..4 {
        seat(
            &mut g,
            member(
                &format!("Ny politiker {i}"),
                Side::PublicSector,
                "2024-01-01",
                None,
            ),
        );
    }
    let deputy = seat(
        &mut g,
        with_seat(
            member("Ersättare Åkesson", Side::CivilSociety, "2024-01-01", None),
            Seat::Deputy,
        ),
    );
    seat(
        &mut g,
        with_role(
            member("Zara Öhlund", Side::CivilSociety, "2024-01-01", None),
            MemberRole::Chair,
        ),
    );
    seat(
        &mut g,
        with_role(
            member("Ärling Ås", Side::CivilSociety, "2024-01-01", None),
            MemberRole::ViceChair,
        ),
    );
    let before = g.config().clone();

    let smaller = GroupConfig::restore(GroupConfigInput {
        ordinary_seats_per_side: Some(4),
        ..before.to_input()
    });
    assert_eq!(
        g.reconfigure(smaller).map_err(|r| r.code()),
        Err("seat_limit"),
        "five sat in 2020-2023"
    );
    let no_deputies = GroupConfig::restore(GroupConfigInput {
        deputies_allowed: false,
        ..before.to_input()
    });
    assert_eq!(
        g.reconfigure(no_deputies).map_err(|r| r.code()),
        Err("deputies_not_allowed")
    );
    let chair_rule = GroupConfig::restore(GroupConfigInput {
        chair_and_vice_chair_from_different_sides: true,
        ..before.to_input()
    });
    assert_eq!(
        g.reconfigure(chair_rule).map_err(|r| r.code()),
        Err("chair_same_side")
    );
    assert_eq!(
        g.config(),
        &before,
        "a refused configuration changes nothing"
    );

    g.end_term(deputy, d("2024-01-01")).expect("ended");
    let renamed = GroupConfig::restore(GroupConfigInput {
        name: "Styrgruppen för samverkan i Eslöv".into(),
        ordinary_seats_per_side: Some(6),
        default_term_months: Some(48),
        ..before.to_input()
    });
    g.reconfigure(renamed.clone())
        .expect("every membership fits");
    assert_eq!(g.config(), &renamed);
    assert_eq!(g.composition(d("2024-06-01")).public_sector.vacant, Some(2));
}

// ---- composition ------------------------------------------------------------------------

#[test]
fn composition_over_time_with_a_vacancy() {
    let (mut g, _public, civil) = full_group(5);
    let day = |s| g.composition(d(s));
    let c = day("2024-01-01");
    assert!(c.balanced);
    assert_eq!(
        c.civil_society,
        SideComposition {
            seats: Some(5),
            ordinary: 5,
            vacant: Some(0),
            deputies: 0,
            adjuncts: 0
        }
    );
    assert!(day("2023-12-31").members.is_empty());

    // A civil-society member resigns at the end of March; the seat stands vacant in April.
    g.end_term(civil[0], d("2024-03-31")).expect("ended");
    seat(
        &mut g,
        with_seat(
            member("Ersättare Ödberg", Side::CivilSociety, "2024-01-01", None),
            Seat::Deputy,
        ),
    );
    seat(
        &mut g,
        with_seat(
            member(
                "Länsstyrelsens representant",
                Side::PublicSector,
                "2024-01-01",
                None,
            ),
            Seat::Adjunct,
        ),
    );
    let april = g.composition(d("2024-04-15"));
    assert!(!april.balanced, "4 against 5 is not parity");
    assert_eq!(
        april.civil_society,
        SideComposition {
            seats: Some(5),
            ordinary: 4,
            vacant: Some(1),
            deputies: 1,
            adjuncts: 0
        }
    );
    assert_eq!(april.public_sector.adjuncts, 1);
    assert_eq!(
        april.public_sector.ordinary, 5,
        "adjuncts are not ordinary members"
    );
    assert_eq!(april.members.len(), 11);
    assert!(g.composition(d("2024-03-31")).balanced);

    seat(
        &mut g,
        member("Fylld Plats", Side::CivilSociety, "2024-05-01", None),
    );
    assert!(!g.composition(d("2024-04-30")).balanced);
    let may = g.composition(d("2024-05-01"));
    assert!(may.balanced);
    assert_eq!(may.civil_society.vacant, Some(0));
}

#[test]
fn members_are_listed_by_side_seat_role_and_swedish_name() {
    let mut g = group(Some(5));
    seat(
        &mut g,
        member("Örjan", Side::CivilSociety, "2024-01-01", None),
    );
    seat(
        &mut g,
        member("Åke", Side::CivilSociety, "2024-01-01", None),
    );
    seat(
        &mut g,
        member("Zäta", Side::CivilSociety, "2024-01-01", None),
    );
    seat(
        &mut g,
        with_seat(
            member("Adam", Side::CivilSociety, "2024-01-01", None),
            Seat::Adjunct,
        ),
    );
    seat(
        &mut g,
        with_role(
            member("Ängla", Side::CivilSociety, "2024-01-01", None),
            MemberRole::Chair,
        ),
    );
    seat(
        &mut g,
        member("Östen", Side::PublicSector, "2024-01-01", None),
    );
    let names: Vec<_> = g
        .composition(d("2024-01-01"))
        .members
        .iter()
        .map(|m| m.person_name().to_owned())
        .collect();
    assert_eq!(names, ["Östen", "Ängla", "Zäta", "Åke", "Örjan", "Adam"]);
}

// ---- meetings and quorum ------------------------------------------------------------------

#[test]
fn at_least_half_of_the_seats_rounded_up() {
    // Five seats: three needed.
    let (g, public, civil) = full_group(5);
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..3], &civil[..3]].concat(),
        ))
        .expect("q");
    assert_eq!((q.public_sector.required, q.civil_society.required), (3, 3));
    assert!(q.quorate);
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &civil[..5]].concat(),
        ))
        .expect("q");
    assert!(!q.public_sector.quorate && q.civil_society.quorate && !q.quorate);
    assert_eq!(q.public_sector.voting, 2);

    // Four seats: two needed.
    let (g, public, civil) = full_group(4);
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &civil[..2]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.required, 2);
    assert!(q.quorate);
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &civil[..1]].concat(),
        ))
        .expect("q");
    assert!(!q.quorate);

    assert_eq!(
        g.config().required_per_side(0),
        2,
        "a fixed size counts seats, not members"
    );
}

#[test]
fn a_deputy_stands_in_for_an_absent_member_of_its_own_side() {
    let (mut g, public, civil) = full_group(5);
    let public_deputy = seat(
        &mut g,
        with_seat(
            member("Ersättare Åhman", Side::PublicSector, "2024-01-01", None),
            Seat::Deputy,
        ),
    );
    let civil_deputy = seat(
        &mut g,
        with_seat(
            member("Ersättare Örn", Side::CivilSociety, "2024-01-01", None),
            Seat::Deputy,
        ),
    );

    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &[public_deputy], &civil[..3]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.deputies_standing_in, 1);
    assert_eq!(q.public_sector.voting, 3);
    assert!(q.quorate, "two members and a deputy make three");

    // The other side's deputy does not stand in for a public-sector member.
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &[civil_deputy], &civil[..3]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.voting, 2);
    assert_eq!(q.civil_society.deputies_present, 1);
    assert_eq!(q.civil_society.deputies_standing_in, 1);
    assert!(!q.quorate);

    // With everyone present a deputy has nobody to stand in for.
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..], &[public_deputy], &civil[..]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.deputies_present, 1);
    assert_eq!(q.public_sector.deputies_standing_in, 0);
    assert_eq!(q.public_sector.voting, 5);
}

#[test]
fn a_deputy_does_not_fill_a_vacant_seat() {
    let (mut g, public, civil) = full_group(5);
    for id in &public[..3] {
        g.end_term(*id, d("2024-03-31")).expect("ended");
    }
    let deputies: Vec<Uuid> = (0..3)
        .map(|i| {
            seat(
                &mut g,
                with_seat(
                    member(
                        &format!("Ersättare {i}"),
                        Side::PublicSector,
                        "2024-01-01",
                        None,
                    ),
                    Seat::Deputy,
                ),
            )
        })
        .collect();
    // Two public members in office, both absent, three deputies present: two stand in.
    let q = g
        .quorum(&meeting(
            &g,
            "2024-04-10",
            &[&deputies[..], &civil[..]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.ordinary_in_office, 2);
    assert_eq!(q.public_sector.deputies_standing_in, 2);
    assert_eq!(q.public_sector.required, 3);
    assert!(!q.quorate);
}

#[test]
fn an_adjunct_never_counts() {
    let (mut g, public, civil) = full_group(5);
    let adjuncts: Vec<Uuid> = [
        ("Länsstyrelsen i Blekinge län", LANSSTYRELSEN),
        ("Karlskrona kommun", KARLSKRONA),
        ("Blekinge Tekniska Högskola", Uuid::from_u128(0xB7)),
    ]
    .into_iter()
    .map(|(body, id)| {
        let mut a = with_seat(
            member(
                &format!("Representant för {body}"),
                Side::PublicSector,
                "2024-01-01",
                None,
            ),
            Seat::Adjunct,
        );
        a.appointed_by = Appointer::PublicBody { id };
        seat(&mut g, a)
    })
    .collect();
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &adjuncts[..], &civil[..]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.adjuncts_present, 3);
    assert_eq!(q.public_sector.voting, 2);
    assert!(!q.quorate);
    let c = g.composition(d("2024-02-01"));
    assert!(c.balanced, "adjuncts do not upset parity");
    assert_eq!(c.public_sector.adjuncts, 3);
}

#[test]
fn without_a_fixed_size_half_of_the_members_in_office() {
    let mut g = group(None);
    let public: Vec<Uuid> = (0..3)
        .map(|i| {
            seat(
                &mut g,
                member(
                    &format!("Regionråd {i}"),
                    Side::PublicSector,
                    "2024-01-01",
                    None,
                ),
            )
        })
        .collect();
    let civil: Vec<Uuid> = (0..3)
        .map(|i| {
            seat(
                &mut g,
                member(
                    &format!("Nätverksledamot {i}"),
                    Side::CivilSociety,
                    "2024-01-01",
                    None,
                ),
            )
        })
        .collect();
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..2], &civil[..2]].concat(),
        ))
        .expect("q");
    assert_eq!(q.public_sector.required, 2);
    assert!(q.quorate);
    let q = g
        .quorum(&meeting(
            &g,
            "2024-02-01",
            &[&public[..1], &civil[..3]].concat(),
        ))
        .expect("q");
    assert!(!q.quorate);
    // Nobody in office: nobody can be quorate.
    let q = g.quorum(&meeting(&g, "2023-06-01", &[])).expect("q");
    assert_eq!(q.public_sector.required, 1);
    assert!(!q.quorate);
}

#[test]
fn present_members_must_be_in_office_on_the_meeting_date() {
    let (mut g, public, civil) = full_group(5);
    let gone = seat(
        &mut g,
        with_seat(
            member(
                "Avgången Ödling",
                Side::PublicSector,
                "2023-01-01",
                Some("2023-12-31"),
            ),
            Seat::Deputy,
        ),
    );
    let future = seat(
        &mut g,
        with_seat(
            member("Kommande Åström", Side::CivilSociety, "2024-06-01", None),
            Seat::Deputy,
        ),
    );
    let input = MeetingInput {
        date: d("2024-02-01"),
        present: vec![
            public[0],
            gone,
            Uuid::from_u128(0xBAD),
            future,
            public[0],
            civil[0],
        ],
        minutes_reference: Some("x".repeat(201)),
    };
    assert_eq!(
        fields(g.record_meeting(Uuid::from_u128(0x3001), &input, TODAY)),
        [
            f("minutes_reference", "too_long"),
            f("present[1]", "not_in_office"),
            f("present[2]", "unknown_member"),
            f("present[3]", "not_in_office"),
            f("present[4]", "duplicate"),
        ]
    );
    // A meeting recorded earlier but no longer matching the records is refused by `quorum`.
    let stale = Meeting::restore(
        Uuid::from_u128(0x3002),
        g.id(),
        MeetingInput {
            date: d("2024-02-01"),
            present: vec![civil[0], gone],
            minutes_reference: None,
        },
    );
    assert_eq!(fields(g.quorum(&stale)), [f("present[1]", "not_in_office")]);
    let other = elsewhere(&stale, stale.id(), Uuid::from_u128(0x999));
    assert_eq!(code(g.quorum(&other)), "not_of_this_group");
}

#[test]
fn a_meeting_without_quorum_is_still_recorded() {
    let (g, public, _) = full_group(5);
    let m = g
        .record_meeting(
            Uuid::from_u128(0x3003),
            &MeetingInput {
                date: d("2024-09-12"),
                present: vec![public[0]],
                minutes_reference: Some("  ".into()),
            },
            TODAY,
        )
        .expect("recorded");
    assert_eq!(m.group_id(), g.id());
    assert_eq!(m.minutes_reference(), None);
    assert!(!g.quorum(&m).expect("q").quorate);
}

// ---- decisions -----------------------------------------------------------------------------

#[test]
fn a_decision_at_a_quorate_meeting_of_a_balanced_group() {
    let (g, public, civil) = full_group(5);
    let m = meeting(&g, "2024-03-12", &[&public[..3], &civil[..4]].concat());
    let accession = Uuid::from_u128(0xACC);
    let decision = g
        .record_decision(&m, Uuid::from_u128(0xDEC), &approve(accession))
        .expect("decided");
    assert_eq!(decision.id(), Uuid::from_u128(0xDEC));
    assert_eq!(decision.agreement_id(), g.agreement_id());
    assert_eq!(decision.group_id(), g.id());
    assert_eq!(decision.meeting_id(), m.id());
    assert_eq!(decision.meeting_date(), d("2024-03-12"));
    assert_eq!(decision.kind(), DecisionKind::ApproveAccession);
    assert_eq!(decision.subject(), "Anslutning: Föreningen Ängsblomman");
    assert_eq!(decision.subject_id(), Some(accession));
    assert!(decision.text().starts_with("Styrgruppen godkänner"));

    assert_eq!(decision_is_valid(&g, &m, &decision), Ok(()));
    assert_eq!(
        decision.require_citation(g.agreement_id(), DecisionKind::ApproveAccession, accession),
        Ok(())
    );
    for (agreement, kind, subject) in [
        (g.agreement_id(), DecisionKind::RejectAccession, accession),
        (
            g.agreement_id(),
            DecisionKind::ApproveAccession,
            Uuid::from_u128(0xACD),
        ),
        (
            Uuid::from_u128(0xA7),
            DecisionKind::ApproveAccession,
            accession,
        ),
    ] {
        assert_eq!(
            decision
                .require_citation(agreement, kind, subject)
                .map_err(|e| (e.field, e.code)),
            Err(("decision_id".to_owned(), "decision_not_cited"))
        );
    }

    let restored = Decision::restore(decision.to_record());
    assert_eq!(restored, decision);
}

#[test]
fn decision_input_is_validated() {
    let (g, public, civil) = full_group(5);
    let m = meeting(&g, "2024-03-12", &[&public[..], &civil[..]].concat());
    let input = DecisionInput {
        kind: DecisionKind::RejectAccession,
        subject: " ".into(),
        subject_id: None,
        text: "".into(),
    };
    assert_eq!(
        fields(g.record_decision(&m, Uuid::from_u128(1), &input)),
        [
            f("subject", "required"),
            f("text", "required"),
            f("subject_id", "required"),
        ]
    );
    let plan = DecisionInput {
        kind: DecisionKind::AdoptActionPlan,
        subject: "Handlingsplan 2024–2025".into(),
        subject_id: None,
        text: "Styrgruppen fastställer handlingsplanen för 2024–2025.".into(),
    };
    let decision = g
        .record_decision(&m, Uuid::from_u128(2), &plan)
        .expect("no subject id needed");
    assert_eq!(decision.subject_id(), None);
}

#[test]
fn no_decision_at_an_unbalanced_or_inquorate_meeting() {
    let (mut g, public, civil) = full_group(5);
    let accession = Uuid::from_u128(0xACC);
    // Not quorate: only two from the public sector.
    let thin = meeting(&g, "2024-02-01", &[&public[..2], &civil[..]].concat());
    let err = g
        .record_decision(&thin, Uuid::from_u128(1), &approve(accession))
        .expect_err("not quorate");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::MeetingNotQuorate {
            date: d("2024-02-01")
        })
    );

    // Unbalanced: a civil-society seat is vacant from April. Balance is checked first, even
    // when the meeting is also inquorate.
    g.end_term(civil[4], d("2024-03-31")).expect("ended");
    let full_house = meeting(&g, "2024-04-10", &[&public[..], &civil[..4]].concat());
    let err = g
        .record_decision(&full_house, Uuid::from_u128(2), &approve(accession))
        .expect_err("unbalanced");
    assert_eq!(
        err,
        DomainError::from(SteeringRule::GroupUnbalanced {
            date: d("2024-04-10"),
            public_sector: 5,
            civil_society: 4
        })
    );
    let empty = meeting(&g, "2024-04-10", &[]);
    assert_eq!(
        code(g.record_decision(&empty, Uuid::from_u128(3), &approve(accession))),
        "group_unbalanced"
    );

    let other_group = elsewhere(&thin, thin.id(), Uuid::from_u128(0x601));
    assert_eq!(
        code(g.record_decision(&other_group, Uuid::from_u128(4), &approve(accession))),
        "not_of_this_group"
    );
}

#[test]
fn a_decision_is_checked_again_against_corrected_records() {
    let (mut g, public, civil) = full_group(5);
    let m = meeting(&g, "2024-03-12", &[&public[..3], &civil[..3]].concat());
    let decision = g
        .record_decision(&m, Uuid::from_u128(0xDEC), &approve(Uuid::from_u128(0xACC)))
        .expect("decided");

    // Another meeting's or group's decision is not this meeting's.
    let other_meeting = elsewhere(&m, Uuid::from_u128(0x3999), m.group_id());
    assert_eq!(
        decision_is_valid(&g, &other_meeting, &decision).map_err(|r| r.code()),
        Err("not_of_this_group")
    );
    let other_group = SteeringGroup::restore(
        g.id(),
        Uuid::from_u128(0xA7),
        g.config().clone(),
        g.memberships().to_vec(),
    );
    assert_eq!(
        decision_is_valid(&other_group, &m, &decision).map_err(|r| r.code()),
        Err("not_of_this_group")
    );

    // Resignations entered late, dated before the meeting, one of them of someone recorded
    // present: still four against four, but the attendance no longer matches the records.
    let mut corrected = g.clone();
    corrected
        .end_term(public[0], d("2024-02-29"))
        .expect("ended");
    corrected
        .end_term(civil[4], d("2024-02-29"))
        .expect("ended");
    assert_eq!(
        decision_is_valid(&corrected, &m, &decision),
        Err(SteeringRule::AttendanceOutOfOffice {
            date: d("2024-03-12")
        })
    );
    // A late resignation of someone absent leaves the public side with four, the sector with five.
    g.end_term(public[4], d("2024-02-29")).expect("ended");
    assert_eq!(
        decision_is_valid(&g, &m, &decision).map_err(|r| r.code()),
        Err("group_unbalanced")
    );
}

// ---- permissions --------------------------------------------------------------------------

#[test]
fn who_may_configure_and_record() {
    let (mut g, _, _) = full_group(5);
    let mut linked = member(
        "Birgitta Ådahl",
        Side::CivilSociety,
        "2024-01-01",
        Some("2024-12-31"),
    );
    linked.person_ref = Some("sub-birgitta".into());
    linked.seat = Seat::Deputy;
    seat(&mut g, linked);

    let mut admin = principal(&[Role::AgreementAdmin]);
    admin.public_body_id = Some(ESLOVS_KOMMUN);
    let mut other_admin = principal(&[Role::AgreementAdmin]);
    other_admin.public_body_id = Some(REGION_BLEKINGE);
    let platform = principal(&[Role::PlatformAdmin]);
    let mut member_token = principal(&[Role::SteeringMember]);
    member_token.sub = "sub-birgitta".into();
    let mut stranger = principal(&[Role::SteeringMember]);
    stranger.sub = "sub-someone-else".into();
    let mut rep = principal(&[Role::OrganizationRep]);
    rep.sub = "sub-birgitta".into();
    rep.organization_ids.insert(ANGSBLOMMAN);

    assert!(may_configure(&admin, ESLOVS_KOMMUN));
    assert!(may_configure(&platform, ESLOVS_KOMMUN));
    assert!(!may_configure(&other_admin, ESLOVS_KOMMUN));
    assert!(
        !may_configure(&member_token, ESLOVS_KOMMUN),
        "members do not appoint"
    );
    assert!(!may_configure(&rep, ESLOVS_KOMMUN));

    let in_term = d("2024-06-01");
    assert!(may_record_meeting(&admin, ESLOVS_KOMMUN, &g, in_term));
    assert!(may_record_meeting(&platform, ESLOVS_KOMMUN, &g, in_term));
    assert!(!may_record_meeting(
        &other_admin,
        ESLOVS_KOMMUN,
        &g,
        in_term
    ));
    assert!(may_record_meeting(
        &member_token,
        ESLOVS_KOMMUN,
        &g,
        in_term
    ));
    assert!(
        !may_record_meeting(&member_token, ESLOVS_KOMMUN, &g, d("2025-01-01")),
        "after the term"
    );
    assert!(!may_record_meeting(&stranger, ESLOVS_KOMMUN, &g, in_term));
    assert!(
        !may_record_meeting(&rep, ESLOVS_KOMMUN, &g, in_term),
        "the role is needed too"
    );

    let m = meeting(&g, "2024-06-01", &[]);
    assert!(may_record_decision(&member_token, ESLOVS_KOMMUN, &g, &m));
    let late = meeting(&g, "2025-02-01", &[]);
    assert!(!may_record_decision(
        &member_token,
        ESLOVS_KOMMUN,
        &g,
        &late
    ));
    assert!(may_record_decision(&admin, ESLOVS_KOMMUN, &g, &late));
}

// ---- a walk through Blekinge's partnership -------------------------------------------------

#[test]
fn blekinge_partnership_over_a_year() {
    // Blekinge: an even distribution of ordinary representatives without a fixed size; the
    // sector represented by its regional network, the region by politicians and officials;
    // adjunct seats for the county administrative board and the municipalities.
    let mut g = group_with(GroupConfigInput {
        name: "Partnerskapet för överenskommelsen i Blekinge".into(),
        kind: GroupKind::Partnership,
        ordinary_seats_per_side: None,
        deputies_allowed: true,
        chair_and_vice_chair_from_different_sides: true,
        default_term_months: Some(24),
    });
    let network = || Appointer::Network {
        name: NETWORK.into(),
    };
    let region = || Appointer::PublicBody {
        id: REGION_BLEKINGE,
    };
    let appoint =
        |g: &mut SteeringGroup, name: &str, title: &str, side, seat_kind, role, by: Appointer| {
            seat(
                g,
                Appointment {
                    person_name: name.into(),
                    person_ref: None,
                    title: Some(title.into()),
                    side,
                    seat: seat_kind,
                    role,
                    appointed_by: by,
                    term_start: d("2024-01-01"),
                    term_end: None,
                },
            )
        };
    use MemberRole::{Chair, Member, ViceChair};
    use Seat::{Adjunct, Deputy, Ordinary};
    use Side::{CivilSociety, PublicSector};
    let c1 = appoint(
        &mut g,
        "Åsa Nätverksdóttir",
        "ordförande i Nätverket Idéburet Blekinge",
        CivilSociety,
        Ordinary,
        Chair,
        network(),
    );
    let c2 = appoint(
        &mut g,
        "Björn Föreningsson",
        "verksamhetsledare",
        CivilSociety,
        Ordinary,
        Member,
        network(),
    );
    let c3 = appoint(
        &mut g,
        "Cilla Idéström",
        "styrelseledamot",
        CivilSociety,
        Ordinary,
        Member,
        network(),
    );
    let cd = appoint(
        &mut g,
        "Dragan Ersättare",
        "ersättare för nätverket",
        CivilSociety,
        Deputy,
        Member,
        network(),
    );
    let p1 = appoint(
        &mut g,
        "Elin Regionråd",
        "ordförande i regionala utvecklingsnämnden",
        PublicSector,
        Ordinary,
        ViceChair,
        region(),
    );
    let p2 = appoint(
        &mut g,
        "Fredrik Vårdsson",
        "ledamot i hälso- och sjukvårdsnämnden",
        PublicSector,
        Ordinary,
        Member,
        region(),
    );
    let p3 = appoint(
        &mut g,
        "Gunilla Tjänsteperson",
        "utvecklingsstrateg",
        PublicSector,
        Ordinary,
        Member,
        region(),
    );
    let a1 = appoint(
        &mut g,
        "Hassan Länsson",
        "Länsstyrelsen i Blekinge län",
        PublicSector,
        Adjunct,
        Member,
        Appointer::PublicBody { id: LANSSTYRELSEN },
    );
    let a2 = appoint(
        &mut g,
        "Ingela Kommunsdotter",
        "Karlskrona kommun",
        PublicSector,
        Adjunct,
        Member,
        Appointer::PublicBody { id: KARLSKRONA },
    );
    assert_eq!(
        g.membership(c1).and_then(|m| m.term_end()),
        Some(d("2025-12-31"))
    );

    // February: the deputy stands in for the absent Cilla; the adjuncts attend without counting.
    let february = meeting(&g, "2024-02-14", &[c1, c2, cd, p1, p2, a1, a2]);
    let q = g.quorum(&february).expect("q");
    assert_eq!((q.civil_society.required, q.civil_society.voting), (2, 3));
    assert_eq!((q.public_sector.required, q.public_sector.voting), (2, 2));
    assert_eq!(q.public_sector.adjuncts_present, 2);
    let accession = Uuid::from_u128(0xACC);
    let decision = g
        .record_decision(&february, Uuid::from_u128(0xDEC), &approve(accession))
        .expect("Blekinge: the partnership approves accessions");
    assert_eq!(decision_is_valid(&g, &february, &decision), Ok(()));

    // A regional politician leaves at the end of May: three against two.
    g.end_term(p2, d("2024-05-31")).expect("ended");
    let june = meeting(&g, "2024-06-12", &[c1, c2, c3, p1, p3]);
    assert_eq!(
        code(g.record_decision(&june, Uuid::from_u128(0xDED), &approve(accession))),
        "group_unbalanced"
    );
    assert_eq!(
        decision_is_valid(&g, &february, &decision),
        Ok(()),
        "February stands"
    );

    // The region appoints a successor from August; the network's vice-chair candidate would
    // break the chair rule, the region's does not.
    let mut successor = Appointment {
        person_name: "Johanna Nämndsdotter".into(),
        person_ref: Some("sub-johanna".into()),
        title: Some("ledamot i regionala utvecklingsnämnden".into()),
        side: PublicSector,
        seat: Ordinary,
        role: Member,
        appointed_by: region(),
        term_start: d("2024-08-01"),
        term_end: None,
    };
    let _p4 = seat(&mut g, successor.clone());
    assert_eq!(
        code(try_seat(&mut g, {
            successor.person_name = "Kalle Nätverkare".into();
            successor.person_ref = None;
            successor.side = CivilSociety;
            successor.appointed_by = network();
            successor.role = ViceChair;
            successor
        })),
        "vice_chair_taken"
    );
    let september = meeting(&g, "2024-09-18", &[c1, c3, p1, p3]);
    assert!(
        g.record_decision(&september, Uuid::from_u128(0xDEE), &approve(accession))
            .is_ok()
    );
    let c = g.composition(d("2024-09-18"));
    assert!(c.balanced);
    assert_eq!((c.public_sector.ordinary, c.public_sector.adjuncts), (3, 2));
    assert_eq!((c.civil_society.ordinary, c.civil_society.deputies), (3, 1));
    assert_eq!(c.chair, Some(c1));
    assert_eq!(c.vice_chair, Some(p1));
    assert!(may_record_meeting(
        &{
            let mut p = principal(&[Role::SteeringMember]);
            p.sub = "sub-johanna".into();
            p
        },
        REGION_BLEKINGE,
        &g,
        d("2024-09-18")
    ));
}

// ---- properties --------------------------------------------------------------------------

mod properties {
    use proptest::prelude::*;

    use super::*;

    const HORIZON_DAYS: u64 = 3 * 366;

    fn base() -> NaiveDate {
        d("2023-01-01")
    }

    fn day(offset: u64) -> NaiveDate {
        base() + chrono::Days::new(offset)
    }

    #[derive(Debug, Clone)]
    enum Op {
        Appoint {
            person: u8,
            linked: bool,
            side: Side,
            seat: Seat,
            role: MemberRole,
            wrong_appointer: bool,
            start: u64,
            length: Option<u64>,
        },
        End {
            pick: usize,
            after: u64,
        },
    }

    fn side() -> impl Strategy<Value = Side> {
        prop_oneof![Just(Side::PublicSector), Just(Side::CivilSociety)]
    }

    fn op() -> impl Strategy<Value = Op> {
        let appoint = (
            (0u8..20, any::<bool>(), side()),
            prop_oneof![4 => Just(Seat::Ordinary), 1 => Just(Seat::Deputy), 1 => Just(Seat::Adjunct)],
            prop_oneof![1 => Just(MemberRole::Chair), 1 => Just(MemberRole::ViceChair), 5 => Just(MemberRole::Member)],
            prop::bool::weighted(0.05),
            0..HORIZON_DAYS,
            prop::option::weighted(0.8, 0u64..500),
        )
            .prop_map(|((person, linked, side), seat, role, wrong_appointer, start, length)| Op::Appoint {
                person,
                linked,
                side,
                seat,
                role,
                wrong_appointer,
                start,
                length,
            });
        let end = (any::<usize>(), 0u64..400).prop_map(|(pick, after)| Op::End { pick, after });
        prop_oneof![5 => appoint, 1 => end]
    }

    fn config() -> impl Strategy<Value = GroupConfigInput> {
        (
            prop::option::weighted(0.85, 1u32..=4),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(seats, deputies_allowed, chair_rule)| GroupConfigInput {
                name: "Samverkansgruppen i Södertälje".into(),
                kind: GroupKind::CollaborationGroup,
                ordinary_seats_per_side: seats,
                deputies_allowed,
                chair_and_vice_chair_from_different_sides: chair_rule,
                default_term_months: None,
            })
    }

    /// Ordinary members of `side` in office on `date`, counted the slow way.
    fn ordinary_on(g: &SteeringGroup, side: Side, date: NaiveDate) -> u32 {
        g.memberships()
            .iter()
            .filter(|m| m.seat() == Seat::Ordinary && m.side() == side && m.in_office_on(date))
            .count() as u32
    }

    /// The days on which the set of members in office can change: every start and every
    /// day after an end. Checking these checks every day.
    fn change_days(g: &SteeringGroup) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = g
            .memberships()
            .iter()
            .flat_map(|m| {
                [
                    Some(m.term_start()),
                    m.term_end().and_then(|e| e.succ_opt()),
                ]
            })
            .flatten()
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    fn assert_rules_hold_on(g: &SteeringGroup, date: NaiveDate) {
        let c = g.composition(date);
        if let Some(seats) = g.config().ordinary_seats_per_side() {
            for side in Side::iter() {
                assert!(
                    c.side(side).ordinary <= seats,
                    "{side} over {seats} on {date}"
                );
            }
        }
        let chairs: Vec<_> = c
            .members
            .iter()
            .filter(|m| m.role() == MemberRole::Chair)
            .collect();
        let vices: Vec<_> = c
            .members
            .iter()
            .filter(|m| m.role() == MemberRole::ViceChair)
            .collect();
        assert!(
            chairs.len() <= 1 && vices.len() <= 1,
            "two chairs on {date}"
        );
        if g.config().chair_and_vice_chair_from_different_sides()
            && let (Some(chair), Some(vice)) = (chairs.first(), vices.first())
        {
            assert_ne!(chair.side(), vice.side(), "chair rule broken on {date}");
        }
        for (i, a) in c.members.iter().enumerate() {
            assert!(
                !c.members[..i].iter().any(|b| a.is_same_person(b)),
                "two seats on {date}"
            );
            assert_eq!(a.appointed_by().side(), a.side());
            assert!(g.config().deputies_allowed() || a.seat() != Seat::Deputy);
            assert!(a.role() == MemberRole::Member || a.seat() == Seat::Ordinary);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn accepted_appointments_never_break_seat_limit(
            input in config(),
            ops in prop::collection::vec(op(), 0..=30),
        ) {
            let mut g = group_with(input);
            for (n, op) in ops.into_iter().enumerate() {
                match op {
                    Op::Appoint { person, linked, side, seat, role, wrong_appointer, start, length } => {
                        let term_start = day(start);
                        let term_end = length.map(|l| day(start + l));
                        let appointment = Appointment {
                            person_name: format!("Person {person} Åberg"),
                            person_ref: linked.then(|| format!("sub-{person}")),
                            title: None,
                            side,
                            seat,
                            role,
                            appointed_by: own_appointer(if wrong_appointer { side.other() } else { side }),
                            term_start,
                            term_end,
                        };
                        let before = g.memberships().len();
                        match g.appoint(Uuid::from_u128(n as u128 + 1), &appointment) {
                            Ok(_) => prop_assert_eq!(g.memberships().len(), before + 1),
                            Err(DomainError::Conflict { code: "seat_limit", .. }) => {
                                // The sweep agrees with counting day by day: the reported day
                                // is the first full day of the new term.
                                let seats = g.config().ordinary_seats_per_side().expect("fixed size");
                                let Err(DomainError::Conflict { message, .. }) = g.admit(Uuid::nil(), &appointment) else {
                                    panic!("same answer twice")
                                };
                                let first_full = std::iter::successors(Some(term_start), |d| d.succ_opt())
                                    .take_while(|d| term_end.is_none_or(|e| *d <= e))
                                    .find(|d| ordinary_on(&g, side, *d) >= seats)
                                    .expect("a full day within the term");
                                prop_assert!(message.get(Lang::En).contains(&first_full.to_string()), "{} vs {}", message, first_full);
                                prop_assert_eq!(g.memberships().len(), before);
                            }
                            Err(_) => prop_assert_eq!(g.memberships().len(), before),
                        }
                        // Accepted ordinary terms within a fixed size fit on every day.
                        if let (Seat::Ordinary, Some(seats), true) =
                            (seat, g.config().ordinary_seats_per_side(), g.memberships().len() > before)
                        {
                            for d in change_days(&g) {
                                prop_assert!(ordinary_on(&g, side, d) <= seats);
                            }
                        }
                    }
                    Op::End { pick, after } => {
                        if g.memberships().is_empty() {
                            continue;
                        }
                        let m = &g.memberships()[pick % g.memberships().len()];
                        let (id, start, current) = (m.id(), m.term_start(), m.term_end());
                        let last_day = start + chrono::Days::new(after);
                        match g.end_term(id, last_day) {
                            Ok(m) => prop_assert_eq!(m.term_end(), Some(last_day)),
                            Err(e) => {
                                prop_assert_eq!(e.fields(), vec![("last_day", "term_already_ended")]);
                                prop_assert!(current.is_some_and(|c| c < last_day));
                            }
                        }
                    }
                }
            }
            // Every day of the range, as the composition shows it.
            if let Some(seats) = g.config().ordinary_seats_per_side() {
                for offset in 0..HORIZON_DAYS + 500 {
                    let c = g.composition(day(offset));
                    prop_assert!(c.public_sector.ordinary <= seats);
                    prop_assert!(c.civil_society.ordinary <= seats);
                }
            }
            for d in change_days(&g) {
                assert_rules_hold_on(&g, d);
            }
            // The configuration still admits every membership it holds.
            let config = g.config().clone();
            prop_assert!(g.reconfigure(config).is_ok());
        }
    }
}

#[test]
fn meetings_are_recorded_once_held() {
    let (g, public, _) = full_group(5);
    let input = MeetingInput {
        date: d("2024-05-02"),
        present: vec![public[0], Uuid::from_u128(0xbad)],
        minutes_reference: None,
    };
    assert_eq!(
        fields(g.record_meeting(Uuid::from_u128(0x3004), &input, d("2024-05-01"))),
        [f("date", "in_future")],
        "a meeting ahead is planned, not recorded"
    );
    let held = MeetingInput {
        present: vec![public[0]],
        ..input
    };
    g.record_meeting(Uuid::from_u128(0x3004), &held, d("2024-05-02"))
        .expect("held today");
}

#[test]
fn a_decision_on_an_accession_names_one_of_this_agreement() {
    let agreement = Uuid::from_u128(0xa1);
    let decision = approve(Uuid::from_u128(0xd1));
    decision
        .require_known_subject(agreement, Some(agreement))
        .expect("an accession of this agreement");
    for subject_agreement in [None, Some(Uuid::from_u128(0xa2))] {
        assert_eq!(
            fields(decision.require_known_subject(agreement, subject_agreement)),
            [f("subject_id", "unknown_subject")]
        );
    }
    let plan = DecisionInput {
        kind: DecisionKind::AdoptActionPlan,
        subject_id: Some(Uuid::from_u128(0xe1)),
        ..approve(Uuid::from_u128(0xd1))
    };
    plan.require_known_subject(agreement, None)
        .expect("only decisions on accessions name an accession");
}

#[test]
fn a_planned_meeting_holds_no_decisions_until_its_minutes_mark_it_held() {
    let (g, public, civil) = full_group(5);
    let today = d("2024-03-01");
    assert_eq!(
        fields(g.plan_meeting(Uuid::from_u128(0x4001), d("2024-02-29"), today)),
        [f("date", "planned_in_past")]
    );
    let planned = g
        .plan_meeting(Uuid::from_u128(0x4001), d("2024-03-12"), today)
        .expect("planned");
    assert!(planned.is_planned());
    assert!(planned.present().is_empty());
    let code = |e: DomainError| e.code().map(str::to_owned);
    assert_eq!(
        g.record_decision(
            &planned,
            Uuid::from_u128(0xDEC),
            &approve(Uuid::from_u128(1))
        )
        .map_err(code)
        .err(),
        Some(Some("meeting_not_held".to_owned()))
    );
    let present = [&public[..3], &civil[..4]].concat();
    assert_eq!(
        g.hold_meeting(&planned, &present, Some("Protokoll § 1"), d("2024-03-11"))
            .map_err(code)
            .err(),
        Some(Some("meeting_date_not_reached".to_owned()))
    );
    let held = g
        .hold_meeting(&planned, &present, Some("Protokoll § 1"), d("2024-03-12"))
        .expect("held on its date");
    assert!(!held.is_planned());
    assert_eq!(held.id(), planned.id());
    assert_eq!(held.date(), d("2024-03-12"));
    assert_eq!(held.minutes_reference(), Some("Protokoll § 1"));
    g.record_decision(&held, Uuid::from_u128(0xDEC), &approve(Uuid::from_u128(1)))
        .expect("decided once held");
    assert_eq!(
        g.hold_meeting(&held, &present, None, d("2024-03-13"))
            .map_err(code)
            .err(),
        Some(Some("meeting_already_held".to_owned()))
    );
    // The attendance is checked as for any meeting.
    assert_eq!(
        fields(g.hold_meeting(&planned, &[Uuid::from_u128(0xBAD)], None, d("2024-03-12"))),
        [f("present[0]", "unknown_member")]
    );
}
