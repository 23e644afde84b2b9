use chrono::TimeZone;
use proptest::prelude::*;

use super::*;
use crate::agreement::testing::{date, invalid_fields, rule};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, day, hour, 0, 0)
        .single()
        .expect("valid instant")
}

fn input() -> ElectionInput {
    ElectionInput {
        event_id: Uuid::from_u128(0xE),
        seats: 2,
        term_start: date(2027, 1, 1),
        term_end: Some(date(2028, 12, 31)),
        nomination_opens_at: at(1, 8),
        nomination_closes_at: at(10, 8),
        voting_opens_at: at(20, 8),
        voting_closes_at: at(20, 18),
    }
}

fn election() -> Election {
    Election::create(
        Uuid::from_u128(1),
        Uuid::from_u128(2),
        Uuid::from_u128(3),
        EventKind::Forum,
        input(),
    )
    .expect("valid")
}

const A: Uuid = Uuid::from_u128(0xA);
const B: Uuid = Uuid::from_u128(0xB);
const C: Uuid = Uuid::from_u128(0xC);

fn nominee(org: Uuid) -> NominationInput {
    NominationInput {
        person_name: "Åsa Öberg-Testperson".into(),
        contact: Some("asa@forening.example".into()),
        organization_id: org,
    }
}

#[test]
fn an_election_belongs_to_a_forum_or_conference_with_periods_in_order() {
    assert_eq!(
        rule(Election::create(
            Uuid::nil(),
            Uuid::nil(),
            Uuid::nil(),
            EventKind::DialogueMeeting,
            input()
        )),
        "event_not_forum_or_conference"
    );
    let mut bad = input();
    bad.seats = 0;
    bad.voting_opens_at = at(5, 8);
    bad.term_end = Some(date(2026, 1, 1));
    let fields = invalid_fields(Election::create(
        Uuid::nil(),
        Uuid::nil(),
        Uuid::nil(),
        EventKind::Conference,
        bad,
    ));
    assert_eq!(
        fields,
        [
            ("seats".to_owned(), "seats_out_of_range"),
            ("term_end".to_owned(), "before_start"),
            ("voting_opens_at".to_owned(), "out_of_order"),
        ]
    );
}

#[test]
fn nomination_needs_the_period_and_acceded_organisations() {
    let mut e = election();
    let acceded: BTreeSet<Uuid> = [A, B].into();
    assert_eq!(
        rule(
            e.clone()
                .nominate(Uuid::nil(), nominee(A), A, &acceded, at(1, 7))
        ),
        "nomination_closed"
    );
    assert_eq!(
        rule(
            e.clone()
                .nominate(Uuid::nil(), nominee(C), A, &acceded, at(2, 8))
        ),
        "nominee_not_eligible"
    );
    assert_eq!(
        rule(
            e.clone()
                .nominate(Uuid::nil(), nominee(A), C, &acceded, at(2, 8))
        ),
        "nominator_not_acceded"
    );
    e.nominate(Uuid::from_u128(0x100), nominee(B), A, &acceded, at(2, 8))
        .expect("nominated");
    assert!(!e.candidates_public(at(9, 8)));
    assert!(e.candidates_public(at(10, 8)));
    assert_eq!(
        rule(e.nominate(Uuid::nil(), nominee(A), A, &acceded, at(10, 8))),
        "nomination_closed"
    );
}

#[test]
fn a_ballot_is_checked_against_the_period_the_electorate_and_the_seats() {
    let mut e = election();
    let acceded: BTreeSet<Uuid> = [A, B, C].into();
    let ids: Vec<Uuid> = (1..=3).map(|i| Uuid::from_u128(0x100 + i)).collect();
    for id in &ids {
        e.nominate(*id, nominee(A), A, &acceded, at(2, 8))
            .expect("nominated");
    }
    let electorate: BTreeSet<Uuid> = [A, B].into();
    assert_eq!(
        rule(e.check_ballot(A, &ids[..1], &electorate, at(20, 7))),
        "voting_not_open"
    );
    assert_eq!(
        rule(e.check_ballot(C, &ids[..1], &electorate, at(20, 9))),
        "not_a_voter"
    );
    assert_eq!(
        rule(e.check_ballot(A, &ids, &electorate, at(20, 9))),
        "too_many_choices"
    );
    assert_eq!(
        invalid_fields(e.check_ballot(A, &[ids[0], ids[0]], &electorate, at(20, 9))),
        [("choices[1]".to_owned(), "listed_twice")]
    );
    assert_eq!(
        e.check_ballot(A, &[ids[1], ids[0]], &electorate, at(20, 9))
            .expect("valid"),
        [ids[0], ids[1]]
    );
    // An empty ballot is a valid (blank) vote.
    assert!(e.check_ballot(A, &[], &electorate, at(20, 9)).is_ok());
    assert_eq!(
        rule(e.check_ballot(A, &ids[..1], &electorate, at(20, 18))),
        "voting_closed"
    );
}

#[test]
fn the_count_comes_after_the_voting_period_and_once() {
    let mut e = election();
    let acceded: BTreeSet<Uuid> = [A].into();
    e.nominate(Uuid::from_u128(0x101), nominee(A), A, &acceded, at(2, 8))
        .expect("nominated");
    assert_eq!(
        rule(e.clone().count(&[], 3, 7, at(20, 9))),
        "voting_still_open"
    );
    let count = e
        .count(&[vec![Uuid::from_u128(0x101)]], 3, 7, at(20, 18))
        .expect("counted")
        .clone();
    assert_eq!(count.elected, [Uuid::from_u128(0x101)]);
    assert_eq!((count.ballots, count.electorate, count.seed), (1, 3, 7));
    assert_eq!(e.phase(at(21, 0)), ElectionPhase::Counted);
    assert_eq!(rule(e.count(&[], 3, 7, at(21, 0))), "election_counted");
}

#[test]
fn a_tie_at_the_last_seat_is_decided_by_the_lot_of_the_seed() {
    let (x, y, z) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
    let ballots = vec![vec![x, y], vec![x, z]];
    let mut winners = BTreeSet::new();
    for seed in 0..64 {
        let (tallies, elected, by_lot) = approval_count(&[x, y, z], &ballots, 2, seed);
        assert_eq!(elected[0], x);
        assert!(by_lot);
        assert_eq!(tallies[0].votes, 2);
        winners.insert(elected[1]);
        // The same seed, the same result.
        assert_eq!(approval_count(&[x, y, z], &ballots, 2, seed).1, elected);
    }
    // Over many seeds the lot gives the seat to each of the tied candidates.
    assert_eq!(winners, [y, z].into());
}

fn candidates(n: usize) -> Vec<Uuid> {
    (0..n)
        .map(|i| Uuid::from_u128(0x1000 + i as u128))
        .collect()
}

proptest! {
    /// For random ballots the count is right (each candidate's votes are the ballots naming
    /// it; the elected have at least as many votes as anyone not elected; as many are
    /// elected as there are seats and candidates with votes) and deterministic for a seed
    /// (also when the ballots come in another order).
    #[test]
    fn the_count_is_correct_and_deterministic_for_a_seed(
        n in 1usize..8,
        seats in 1usize..5,
        raw in proptest::collection::vec(proptest::collection::vec(0usize..8, 0..5), 0..40),
        seed in any::<u64>(),
    ) {
        let ids = candidates(n);
        let ballots: Vec<Vec<Uuid>> = raw
            .iter()
            .map(|b| {
                let mut chosen: Vec<Uuid> = b.iter().filter(|i| **i < n).map(|i| ids[*i]).collect();
                chosen.sort();
                chosen.dedup();
                chosen.truncate(seats);
                chosen
            })
            .collect();
        let (tallies, elected, by_lot) = approval_count(&ids, &ballots, seats, seed);
        prop_assert_eq!(tallies.len(), n);
        for t in &tallies {
            let expected = ballots.iter().filter(|b| b.contains(&t.candidate_id)).count();
            prop_assert_eq!(t.votes as usize, expected);
        }
        let with_votes = tallies.iter().filter(|t| t.votes > 0).count();
        prop_assert_eq!(elected.len(), seats.min(with_votes));
        let votes_of = |c: &Uuid| tallies.iter().find(|t| t.candidate_id == *c).map(|t| t.votes).unwrap_or(0);
        let min_elected = elected.iter().map(votes_of).min();
        for t in tallies.iter().filter(|t| !elected.contains(&t.candidate_id)) {
            if let Some(m) = min_elected {
                prop_assert!(t.votes <= m);
            }
        }
        if by_lot {
            let last = elected.last().map(votes_of);
            prop_assert!(tallies.iter().any(|t| !elected.contains(&t.candidate_id) && Some(t.votes) == last));
        }
        // Deterministic for a seed, whatever order the ballots are read in.
        let mut reversed = ballots.clone();
        reversed.reverse();
        prop_assert_eq!(approval_count(&ids, &reversed, seats, seed), (tallies.clone(), elected.clone(), by_lot));
        prop_assert_eq!(approval_count(&ids, &ballots, seats, seed), (tallies, elected, by_lot));
    }
}
