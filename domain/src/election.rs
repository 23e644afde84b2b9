//! The sector electing its members of the steering group (issue 21).
//!
//! In national practice the sector's half of the group is elected by the acceded
//! organisations at a forum or conference, one vote per organisation. An election belongs
//! to a dialogue event of kind `forum` or `conference`, fills a number of civil-society
//! seats for a term, and runs a nomination period and then a voting period:
//!
//! - **Nomination.** A representative of an acceded organisation (a signatory) nominates a
//!   person who acts for an acceded organisation (`nominee_not_eligible` otherwise). The
//!   candidate's details (contact) are personal data: voters and the public see the name
//!   only, and the public only once the nomination period has closed.
//! - **Electorate.** One vote per signatory organisation approved at the start of the voting
//!   period (the signatories of its first day); no other organisation votes (`not_a_voter`).
//! - **Ballot.** Up to as many candidates as there are seats (`too_many_choices`), each at
//!   most once; cast by the organisation's representative and changeable until the period
//!   closes (`voting_closed`).
//! - **Secrecy.** Storage keeps who took part apart from what the ballots say; the two are
//!   linked only until the period closes (so a ballot can be changed) and the link is
//!   removed when the count is recorded. See `samverkan_persistence::elections`.
//! - **Count.** Approval voting ([`approval_count`]): each candidate gets one vote per
//!   ballot naming it; the seats go to the most voted, ties at the last seat broken by lot
//!   with a recorded seed (the same ballots and seed always give the same result). Only a
//!   candidate with at least one vote is elected. The elected are appointed to the group's
//!   civil-society seats, `appointed_by` the election.

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dialogue::EventKind;
use crate::error::{DomainError, FieldError, Lang, Term};

/// Most seats one election fills, and most candidates it takes.
pub const SEATS_MAX: u32 = 50;
pub const CANDIDATES_MAX: usize = 200;
/// Longest name and contact of a candidate.
pub const NAME_MAX: usize = 200;

crate::rules! {
    /// What an election's periods and electorate forbid; each is a 409 with its `code`.
    pub enum ElectionRule {
        EventNotForum => "event_not_forum_or_conference" {
            en: "an election belongs to a dialogue event of kind forum or conference",
            sv: "ett val hör till ett dialogevenemang av slaget forum eller konferens",
        },
        NominationClosed => "nomination_closed" {
            en: "nominations are taken only during the nomination period",
            sv: "nomineringar tas bara emot under nomineringsperioden",
        },
        /// The nominee must act for an acceded organisation.
        NomineeNotEligible => "nominee_not_eligible" {
            en: "the nominee must act for an organisation that has acceded to the agreement",
            sv: "den nominerade måste företräda en organisation som har anslutit sig till överenskommelsen",
        },
        NominatorNotAcceded => "nominator_not_acceded" {
            en: "only an acceded organisation nominates",
            sv: "bara en ansluten organisation nominerar",
        },
        TooManyCandidates { max: usize } => "too_many_candidates" {
            en: "an election takes at most {max} candidates",
            sv: "ett val tar emot högst {max} kandidater",
        },
        /// One vote per signatory organisation approved at the start of the voting period.
        NotAVoter => "not_a_voter" {
            en: "the organisation was not a signatory at the start of the voting period and has no vote",
            sv: "organisationen var inte undertecknare när röstningsperioden började och har ingen röst",
        },
        VotingNotOpen => "voting_not_open" {
            en: "the voting period has not started",
            sv: "röstningsperioden har inte börjat",
        },
        VotingClosed => "voting_closed" {
            en: "the voting period has closed",
            sv: "röstningsperioden har stängt",
        },
        TooManyChoices { seats: u32 } => "too_many_choices" {
            en: "a ballot names at most as many candidates as there are seats ({seats})",
            sv: "en valsedel tar upp högst lika många kandidater som det finns platser ({seats})",
        },
        VotingStillOpen => "voting_still_open" {
            en: "the votes are counted after the voting period has closed",
            sv: "rösterna räknas först när röstningsperioden har stängt",
        },
        AlreadyCounted => "election_counted" {
            en: "the election has been counted",
            sv: "valet är redan räknat",
        },
        ElectionNotMode => "steering_group_not_elected" {
            en: "the steering group's civil-society side is appointed, not elected",
            sv: "styrgruppens idéburna sida utses, den väljs inte",
        },
    }
}

crate::field_errors! {
    /// What can be wrong with the values of an election request; each is a 422 naming the field.
    pub enum ElectionField {
        Required => "required" {
            en: "must not be empty",
            sv: "får inte vara tom",
        },
        TooLong { max: usize } => "too_long" {
            en: "must be at most {max} characters",
            sv: "får vara högst {max} tecken",
        },
        SeatsOutOfRange { max: u32 } => "seats_out_of_range" {
            en: "must be between 1 and {max}",
            sv: "måste vara mellan 1 och {max}",
        },
        OutOfOrder => "out_of_order" {
            en: "the periods run in order: nomination opens, closes, then voting opens and closes",
            sv: "perioderna följer på varandra: nomineringen öppnar och stänger, sedan öppnar och stänger röstningen",
        },
        BeforeStart => "before_start" {
            en: "cannot be before the start",
            sv: "kan inte ligga före början",
        },
        UnknownCandidate => "unknown_candidate" {
            en: "not a candidate of this election",
            sv: "inte en kandidat i det här valet",
        },
        ListedTwice => "listed_twice" {
            en: "listed more than once",
            sv: "finns med mer än en gång",
        },
    }
}

/// Where an election is, at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ElectionPhase {
    /// Before the nomination period.
    Announced,
    Nomination,
    /// Nominations closed, voting not yet open.
    Candidates,
    Voting,
    /// Voting closed, the count not yet recorded.
    Closed,
    Counted,
}

impl Term for ElectionPhase {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Announced => lang.pick("announced", "utlyst"),
            Self::Nomination => lang.pick("nomination", "nominering"),
            Self::Candidates => lang.pick("candidates", "kandidater klara"),
            Self::Voting => lang.pick("voting", "röstning"),
            Self::Closed => lang.pick("closed", "stängt"),
            Self::Counted => lang.pick("counted", "räknat"),
        })
    }
}

/// What a request gives for a new election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionInput {
    pub event_id: Uuid,
    pub seats: u32,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
    pub nomination_opens_at: DateTime<Utc>,
    pub nomination_closes_at: DateTime<Utc>,
    pub voting_opens_at: DateTime<Utc>,
    pub voting_closes_at: DateTime<Utc>,
}

/// A nominated person. `contact` is personal data: only the election's administrators and
/// the nominating organisation's representatives see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub person_name: String,
    pub contact: Option<String>,
    /// The acceded organisation the candidate acts for.
    pub organization_id: Uuid,
    /// The acceded organisation whose representative nominated.
    pub nominated_by: Uuid,
    pub nominated_at: DateTime<Utc>,
}

/// A nomination as a request gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationInput {
    pub person_name: String,
    pub contact: Option<String>,
    pub organization_id: Uuid,
}

/// One candidate's votes in the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub candidate_id: Uuid,
    pub votes: u32,
    /// The candidate's place in the lot drawn with the seed (0 first): decides between
    /// candidates with equal votes.
    pub lot: u32,
}

/// The recorded count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The method, named: `approval_voting`.
    pub method: String,
    /// The seed of the lot, as recorded (decimal).
    pub seed: u64,
    /// Every candidate, most votes first, then by lot.
    pub tallies: Vec<Tally>,
    /// The elected, in the order of `tallies`.
    pub elected: Vec<Uuid>,
    /// Whether the lot decided a seat (a tie at the last seat).
    pub decided_by_lot: bool,
    pub ballots: u32,
    pub electorate: u32,
    pub counted_at: DateTime<Utc>,
}

pub const METHOD: &str = "approval_voting";

/// An election, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    pub id: Uuid,
    pub agreement_id: Uuid,
    pub group_id: Uuid,
    pub event_id: Uuid,
    pub seats: u32,
    pub term_start: NaiveDate,
    pub term_end: Option<NaiveDate>,
    pub nomination_opens_at: DateTime<Utc>,
    pub nomination_closes_at: DateTime<Utc>,
    pub voting_opens_at: DateTime<Utc>,
    pub voting_closes_at: DateTime<Utc>,
    pub candidates: Vec<Candidate>,
    pub count: Option<Count>,
}

fn invalid(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

impl Election {
    /// A new election at `event` (of kind `event_kind`), for the agreement's group.
    pub fn create(
        id: Uuid,
        agreement_id: Uuid,
        group_id: Uuid,
        event_kind: EventKind,
        input: ElectionInput,
    ) -> Result<Self, DomainError> {
        if !matches!(event_kind, EventKind::Forum | EventKind::Conference) {
            return Err(ElectionRule::EventNotForum.into());
        }
        let mut errors = Vec::new();
        if !(1..=SEATS_MAX).contains(&input.seats) {
            errors.push(ElectionField::SeatsOutOfRange { max: SEATS_MAX }.at("seats"));
        }
        if input.term_end.is_some_and(|e| e < input.term_start) {
            errors.push(ElectionField::BeforeStart.at("term_end"));
        }
        for (field, earlier, later) in [
            (
                "nomination_closes_at",
                input.nomination_opens_at,
                input.nomination_closes_at,
            ),
            (
                "voting_opens_at",
                input.nomination_closes_at,
                input.voting_opens_at,
            ),
            (
                "voting_closes_at",
                input.voting_opens_at,
                input.voting_closes_at,
            ),
        ] {
            let strictly = field != "voting_opens_at";
            if later < earlier || (strictly && later == earlier) {
                errors.push(ElectionField::OutOfOrder.at(field));
            }
        }
        invalid(errors)?;
        Ok(Self {
            id,
            agreement_id,
            group_id,
            event_id: input.event_id,
            seats: input.seats,
            term_start: input.term_start,
            term_end: input.term_end,
            nomination_opens_at: input.nomination_opens_at,
            nomination_closes_at: input.nomination_closes_at,
            voting_opens_at: input.voting_opens_at,
            voting_closes_at: input.voting_closes_at,
            candidates: Vec::new(),
            count: None,
        })
    }

    pub fn phase(&self, now: DateTime<Utc>) -> ElectionPhase {
        if self.count.is_some() {
            ElectionPhase::Counted
        } else if now < self.nomination_opens_at {
            ElectionPhase::Announced
        } else if now < self.nomination_closes_at {
            ElectionPhase::Nomination
        } else if now < self.voting_opens_at {
            ElectionPhase::Candidates
        } else if now < self.voting_closes_at {
            ElectionPhase::Voting
        } else {
            ElectionPhase::Closed
        }
    }

    /// Whether the public sees the candidates' names: once the nomination period has closed.
    pub fn candidates_public(&self, now: DateTime<Utc>) -> bool {
        now >= self.nomination_closes_at
    }

    /// The day whose signatories make up the electorate: the voting period's first day
    /// (UTC date of its opening; the caller passes the Swedish date of it).
    pub fn voting_opens_at(&self) -> DateTime<Utc> {
        self.voting_opens_at
    }

    /// Nominate a person, by `nominated_by` (an acceded organisation), during the nomination
    /// period; `acceded` are the agreement's signatories at `now`.
    pub fn nominate(
        &mut self,
        id: Uuid,
        input: NominationInput,
        nominated_by: Uuid,
        acceded: &BTreeSet<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<&Candidate, DomainError> {
        if self.phase(now) != ElectionPhase::Nomination {
            return Err(ElectionRule::NominationClosed.into());
        }
        if !acceded.contains(&nominated_by) {
            return Err(ElectionRule::NominatorNotAcceded.into());
        }
        if !acceded.contains(&input.organization_id) {
            return Err(ElectionRule::NomineeNotEligible.into());
        }
        if self.candidates.len() >= CANDIDATES_MAX {
            return Err(ElectionRule::TooManyCandidates {
                max: CANDIDATES_MAX,
            }
            .into());
        }
        let mut errors = Vec::new();
        let name = input.person_name.trim();
        if name.is_empty() {
            errors.push(ElectionField::Required.at("person_name"));
        } else if name.chars().count() > NAME_MAX {
            errors.push(ElectionField::TooLong { max: NAME_MAX }.at("person_name"));
        }
        let contact = input
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if contact.is_some_and(|c| c.chars().count() > NAME_MAX) {
            errors.push(ElectionField::TooLong { max: NAME_MAX }.at("contact"));
        }
        invalid(errors)?;
        self.candidates.push(Candidate {
            id,
            person_name: name.to_owned(),
            contact: contact.map(str::to_owned),
            organization_id: input.organization_id,
            nominated_by,
            nominated_at: now,
        });
        Ok(self.candidates.last().expect("just pushed"))
    }

    /// Check a ballot of `voter` at `now`: in the voting period, by a member of the
    /// `electorate`, naming at most `seats` candidates of this election, each once. Returns
    /// the choices in a canonical order (sorted), so the stored ballot says nothing about
    /// the order they were given in.
    pub fn check_ballot(
        &self,
        voter: Uuid,
        choices: &[Uuid],
        electorate: &BTreeSet<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>, DomainError> {
        match self.phase(now) {
            ElectionPhase::Voting => {}
            ElectionPhase::Closed | ElectionPhase::Counted => {
                return Err(ElectionRule::VotingClosed.into());
            }
            _ => return Err(ElectionRule::VotingNotOpen.into()),
        }
        if !electorate.contains(&voter) {
            return Err(ElectionRule::NotAVoter.into());
        }
        if choices.len() > self.seats as usize {
            return Err(ElectionRule::TooManyChoices { seats: self.seats }.into());
        }
        let mut errors = Vec::new();
        for (i, c) in choices.iter().enumerate() {
            if !self.candidates.iter().any(|k| k.id == *c) {
                errors.push(ElectionField::UnknownCandidate.at(format!("choices[{i}]")));
            } else if choices[..i].contains(c) {
                errors.push(ElectionField::ListedTwice.at(format!("choices[{i}]")));
            }
        }
        invalid(errors)?;
        let mut sorted = choices.to_vec();
        sorted.sort();
        Ok(sorted)
    }

    /// Count `ballots` after the voting period with the lot's `seed`, and record the count.
    pub fn count(
        &mut self,
        ballots: &[Vec<Uuid>],
        electorate: u32,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<&Count, DomainError> {
        match self.phase(now) {
            ElectionPhase::Closed => {}
            ElectionPhase::Counted => return Err(ElectionRule::AlreadyCounted.into()),
            _ => return Err(ElectionRule::VotingStillOpen.into()),
        }
        let ids: Vec<Uuid> = self.candidates.iter().map(|c| c.id).collect();
        let (tallies, elected, decided_by_lot) =
            approval_count(&ids, ballots, self.seats as usize, seed);
        self.count = Some(Count {
            method: METHOD.to_owned(),
            seed,
            tallies,
            elected,
            decided_by_lot,
            ballots: u32::try_from(ballots.len()).unwrap_or(u32::MAX),
            electorate,
            counted_at: now,
        });
        Ok(self.count.as_ref().expect("just set"))
    }
}

/// SplitMix64: a small, fixed mixing function, so the lot is the same on every platform
/// and in every version (it is part of what the recorded seed means).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A candidate's lot number for `seed`: a function of the seed and the candidate's id only.
pub fn lot_key(seed: u64, candidate: Uuid) -> u64 {
    let (hi, lo) = candidate.as_u64_pair();
    mix(seed ^ mix(hi ^ mix(lo)))
}

/// Approval voting: one vote per ballot naming a candidate (names of no candidate are
/// ignored, a name twice on a ballot counts once); candidates ordered by votes, then by the
/// lot drawn with `seed`; the first `seats` with at least one vote are elected. Returns the
/// tallies in that order, the elected, and whether the lot decided a seat.
pub fn approval_count(
    candidates: &[Uuid],
    ballots: &[Vec<Uuid>],
    seats: usize,
    seed: u64,
) -> (Vec<Tally>, Vec<Uuid>, bool) {
    let mut votes: BTreeMap<Uuid, u32> = candidates.iter().map(|c| (*c, 0)).collect();
    for ballot in ballots {
        let named: BTreeSet<&Uuid> = ballot.iter().collect();
        for c in named {
            if let Some(v) = votes.get_mut(c) {
                *v += 1;
            }
        }
    }
    let mut by_lot: Vec<Uuid> = votes.keys().copied().collect();
    by_lot.sort_by_key(|c| (lot_key(seed, *c), *c));
    let lot_of = |c: &Uuid| {
        u32::try_from(by_lot.iter().position(|x| x == c).unwrap_or(0)).unwrap_or(u32::MAX)
    };
    let mut tallies: Vec<Tally> = votes
        .iter()
        .map(|(c, v)| Tally {
            candidate_id: *c,
            votes: *v,
            lot: lot_of(c),
        })
        .collect();
    tallies.sort_by_key(|t| (std::cmp::Reverse(t.votes), t.lot));
    let elected: Vec<Uuid> = tallies
        .iter()
        .filter(|t| t.votes > 0)
        .take(seats)
        .map(|t| t.candidate_id)
        .collect();
    // The lot decided a seat when the last elected ties with the first not elected.
    let decided_by_lot = elected.len() == seats
        && seats > 0
        && tallies
            .get(seats)
            .zip(tallies.get(seats - 1))
            .is_some_and(|(out, last)| out.votes == last.votes && out.votes > 0);
    (tallies, elected, decided_by_lot)
}

/// Who creates elections and records their count: those who act for the civil-society
/// side of the agreement (its co-administrators; its administrators while no organisation
/// acts for the sector).
pub fn may_run(
    principal: &crate::access::Principal,
    agreement: &crate::agreement::Agreement,
) -> bool {
    crate::agreement::acts_for_side(principal, agreement, crate::steering::Side::CivilSociety)
}
