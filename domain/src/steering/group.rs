//! The group's configuration, its memberships and their terms: who sits on the group on
//! which day, and whether the two sides are in balance.

use std::fmt;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{NAME_MAX, SEATS_MAX, SteeringField, SteeringRule, TERM_MONTHS_MAX};
use crate::collation::swedish_sort_key;
use crate::error::{DomainError, Validator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum GroupKind {
    /// Styrgrupp (Eslöv, Kristianstad).
    SteeringGroup,
    /// Partnerskap (Blekinge).
    Partnership,
    /// Samverkansgrupp (Södertälje).
    CollaborationGroup,
}

crate::enum_text::enum_text!(GroupKind);

/// The two parties of every agreement; each member sits on exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Side {
    PublicSector,
    CivilSociety,
}

crate::enum_text::enum_text!(Side);

impl Side {
    pub fn other(self) -> Self {
        match self {
            Self::PublicSector => Self::CivilSociety,
            Self::CivilSociety => Self::PublicSector,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PublicSector => "public-sector",
            Self::CivilSociety => "civil-society",
        })
    }
}

/// Ordinarie, ersättare, adjungerad. Only ordinary seats count for parity, quorum and votes;
/// a deputy counts only while standing in for an absent ordinary member of its side; an
/// adjunct attends without a vote (Blekinge's adjunct seats) and never counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum Seat {
    Ordinary,
    Deputy,
    Adjunct,
}

crate::enum_text::enum_text!(Seat);

/// Ordförande, vice ordförande, ledamot. The chair and vice-chair hold ordinary seats: a
/// deputy only stands in and an adjunct has no vote, so neither can lead the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum MemberRole {
    Chair,
    ViceChair,
    Member,
}

crate::enum_text::enum_text!(MemberRole);

impl MemberRole {
    /// The chair and the vice-chair hold ordinary seats: a deputy only stands in and an
    /// adjunct has no vote, so neither can lead the group.
    pub fn requires_ordinary_seat(self) -> bool {
        match self {
            Self::Chair | Self::ViceChair => true,
            Self::Member => false,
        }
    }
}

/// Who appointed a member; stored as `AppointerKind::as_str()` plus an id or a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Appointer {
    /// A kommun, region or other public body of the register.
    PublicBody { id: Uuid },
    /// An organisation of the register.
    Organization { id: Uuid },
    /// A named body of the sector that is not in the register, such as a regional network
    /// (Blekinge: "Den idéburna sektorn företräds av Nätverket Idéburet Blekinge").
    Network { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum AppointerKind {
    PublicBody,
    Organization,
    Network,
}

crate::enum_text::enum_text!(AppointerKind);

impl Appointer {
    pub fn kind(&self) -> AppointerKind {
        match self {
            Self::PublicBody { .. } => AppointerKind::PublicBody,
            Self::Organization { .. } => AppointerKind::Organization,
            Self::Network { .. } => AppointerKind::Network,
        }
    }

    /// The side this appointer may appoint to: a public body appoints public-sector seats,
    /// the sector (organisation or network) civil-society seats.
    pub fn side(&self) -> Side {
        match self {
            Self::PublicBody { .. } => Side::PublicSector,
            Self::Organization { .. } | Self::Network { .. } => Side::CivilSociety,
        }
    }

    pub fn id(&self) -> Option<Uuid> {
        match self {
            Self::PublicBody { id } | Self::Organization { id } => Some(*id),
            Self::Network { .. } => None,
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Network { name } => Some(name),
            _ => None,
        }
    }

    /// Rebuilds a stored appointer; `None` when the columns do not fit the kind.
    pub fn restore(kind: AppointerKind, id: Option<Uuid>, name: Option<String>) -> Option<Self> {
        match kind {
            AppointerKind::PublicBody => id.map(|id| Self::PublicBody { id }),
            AppointerKind::Organization => id.map(|id| Self::Organization { id }),
            AppointerKind::Network => name.map(|name| Self::Network { name }),
        }
    }
}

/// The configuration as a client sends it, checked by `GroupConfig::parse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfigInput {
    pub name: String,
    pub kind: GroupKind,
    pub ordinary_seats_per_side: Option<u32>,
    pub deputies_allowed: bool,
    pub chair_and_vice_chair_from_different_sides: bool,
    pub default_term_months: Option<u32>,
}

/// A validated configuration: a [`GroupConfigInput`] that passed `GroupConfig::parse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig(GroupConfigInput);

impl GroupConfig {
    pub fn parse(input: &GroupConfigInput) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let name = v.text("name", &input.name, NAME_MAX);
        if let Some(seats) = input.ordinary_seats_per_side
            && !(1..=SEATS_MAX).contains(&seats)
        {
            v.add(
                "ordinary_seats_per_side",
                SteeringField::SeatsOutOfRange { max: SEATS_MAX },
            );
        }
        if let Some(months) = input.default_term_months
            && !(1..=TERM_MONTHS_MAX).contains(&months)
        {
            v.add(
                "default_term_months",
                SteeringField::TermMonthsOutOfRange {
                    max: TERM_MONTHS_MAX,
                },
            );
        }
        v.finish()?;
        Ok(Self(GroupConfigInput {
            name: name.unwrap_or_default(),
            ..input.clone()
        }))
    }

    /// A stored configuration, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: GroupConfigInput) -> Self {
        Self(stored)
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub fn kind(&self) -> GroupKind {
        self.0.kind
    }

    /// Ordinary seats on each side (Eslöv and Kristianstad: 5, "10 ledamöter varav hälften
    /// utses av kommunen och hälften representerar den idéburna sektorn"). `None`: parity
    /// without a fixed size (Blekinge: "en jämn fördelning av ordinarie representanter").
    pub fn ordinary_seats_per_side(&self) -> Option<u32> {
        self.0.ordinary_seats_per_side
    }

    /// Whether the group has deputies (ersättare).
    pub fn deputies_allowed(&self) -> bool {
        self.0.deputies_allowed
    }

    /// When set, the chair and the vice-chair in office at the same time come from
    /// different sides.
    pub fn chair_and_vice_chair_from_different_sides(&self) -> bool {
        self.0.chair_and_vice_chair_from_different_sides
    }

    /// The length of a term when an appointment gives no end; `None`: terms without an end
    /// run until further notice.
    pub fn default_term_months(&self) -> Option<u32> {
        self.0.default_term_months
    }

    /// The configuration as an input, to change some of it and parse it again.
    pub fn to_input(&self) -> GroupConfigInput {
        self.0.clone()
    }

    /// The last day of a default-length term starting on `start`: two years from
    /// 2024-01-01 end on 2025-12-31. A start late in a month ends at the shorter month's
    /// end less a day (one month from 2024-01-31: 2024-02-28).
    pub fn default_term_end(&self, start: NaiveDate) -> Option<NaiveDate> {
        let months = self.0.default_term_months?;
        start
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
    }

    /// How many voting members a side needs at a meeting: at least half, rounded up, of its
    /// seats (5 seats: 3; 4 seats: 2), or without a fixed size of its ordinary members in
    /// office. Never fewer than one, so a side with nobody in office cannot be quorate.
    pub fn required_per_side(&self, ordinary_in_office: u32) -> u32 {
        let base = self.0.ordinary_seats_per_side.unwrap_or(ordinary_in_office);
        base.div_ceil(2).max(1)
    }
}

/// An appointment as a client sends it, checked against the group by
/// `SteeringGroup::appoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub person_name: String,
    /// See `Membership::person_ref`.
    pub person_ref: Option<String>,
    pub title: Option<String>,
    pub side: Side,
    pub seat: Seat,
    pub role: MemberRole,
    pub appointed_by: Appointer,
    pub term_start: NaiveDate,
    /// Last day in office, inclusive. `None`: the group's default term length, or until
    /// further notice when the group has none.
    pub term_end: Option<NaiveDate>,
}

/// One person's seat in the group for one term. The rules that keep the set of memberships
/// consistent live in `SteeringGroup`, which alone makes and changes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    id: Uuid,
    person_name: String,
    person_ref: Option<String>,
    title: Option<String>,
    side: Side,
    seat: Seat,
    role: MemberRole,
    appointed_by: Appointer,
    term_start: NaiveDate,
    term_end: Option<NaiveDate>,
}

impl Membership {
    /// A stored membership, read back: trusted stored data, not a way around the rules. The
    /// appointment's `term_end` is taken as stored (no default term applied).
    pub fn restore(id: Uuid, stored: Appointment) -> Self {
        Self {
            id,
            person_name: stored.person_name,
            person_ref: stored.person_ref,
            title: stored.title,
            side: stored.side,
            seat: stored.seat,
            role: stored.role,
            appointed_by: stored.appointed_by,
            term_start: stored.term_start,
            term_end: stored.term_end,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn person_name(&self) -> &str {
        &self.person_name
    }

    /// Links the member to an account: the `sub` of the member's token, so that a
    /// `steering_member` may record the meetings of the groups it sits on. Also the person's
    /// identity for "one seat at a time" (see `is_same_person`). An internal link, never
    /// published.
    pub fn person_ref(&self) -> Option<&str> {
        self.person_ref.as_deref()
    }

    /// "Kommunalråd", "ordförande i Föreningen Ängsblomman".
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub fn side(&self) -> Side {
        self.side
    }

    pub fn seat(&self) -> Seat {
        self.seat
    }

    pub fn role(&self) -> MemberRole {
        self.role
    }

    pub fn appointed_by(&self) -> &Appointer {
        &self.appointed_by
    }

    pub fn term_start(&self) -> NaiveDate {
        self.term_start
    }

    /// Last day in office, inclusive; `None` until further notice.
    pub fn term_end(&self) -> Option<NaiveDate> {
        self.term_end
    }

    pub fn in_office_on(&self, date: NaiveDate) -> bool {
        self.term_start <= date && self.term_end.is_none_or(|end| date <= end)
    }

    /// Whether the term shares at least one day with `start..=end` (`end: None`: open).
    pub fn overlaps(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        self.term_start <= end.unwrap_or(NaiveDate::MAX)
            && start <= self.term_end.unwrap_or(NaiveDate::MAX)
    }

    /// The same person: when both memberships carry a `person_ref`, the refs decide (two
    /// people may share a name); otherwise the names, compared without regard to case and
    /// spacing ("Åsa  Öberg" is "åsa öberg").
    pub fn is_same_person(&self, other: &Membership) -> bool {
        match (&self.person_ref, &other.person_ref) {
            (Some(a), Some(b)) => a == b,
            _ => person_key(&self.person_name) == person_key(&other.person_name),
        }
    }
}

fn person_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The group as the rules see it: its configuration and every membership, past, present and
/// future. Read through its methods; changed only through its operations. Not serialised:
/// the API shows the configuration and compositions, never the raw set (which holds the
/// unpublished `person_ref`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SteeringGroup {
    id: Uuid,
    agreement_id: Uuid,
    config: GroupConfig,
    memberships: Vec<Membership>,
}

/// One side of the group on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideComposition {
    /// The configured ordinary seats; `None` without a fixed size.
    pub seats: Option<u32>,
    /// Ordinary members in office.
    pub ordinary: u32,
    /// Seats without an ordinary member; `None` without a fixed size.
    pub vacant: Option<u32>,
    pub deputies: u32,
    pub adjuncts: u32,
}

/// Who sits on the group on `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    pub date: NaiveDate,
    /// Members in office: by side, seat (ordinary, deputy, adjunct), role, then name in
    /// Swedish order.
    pub members: Vec<Membership>,
    pub public_sector: SideComposition,
    pub civil_society: SideComposition,
    /// Equal numbers of ordinary members on both sides (whatever the fixed size): a vacancy
    /// on one side unbalances the group until it is filled.
    pub balanced: bool,
    pub chair: Option<Uuid>,
    pub vice_chair: Option<Uuid>,
}

impl Composition {
    pub fn side(&self, side: Side) -> &SideComposition {
        match side {
            Side::PublicSector => &self.public_sector,
            Side::CivilSociety => &self.civil_society,
        }
    }
}

impl SteeringGroup {
    pub fn new(id: Uuid, agreement_id: Uuid, config: GroupConfig) -> Self {
        Self {
            id,
            agreement_id,
            config,
            memberships: Vec::new(),
        }
    }

    /// A stored group, read back: trusted stored data, not a way around the rules.
    pub fn restore(
        id: Uuid,
        agreement_id: Uuid,
        config: GroupConfig,
        memberships: Vec<Membership>,
    ) -> Self {
        Self {
            id,
            agreement_id,
            config,
            memberships,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The agreement the group runs; a group belongs to one agreement.
    pub fn agreement_id(&self) -> Uuid {
        self.agreement_id
    }

    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// Every membership, past, present and future.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    pub fn membership(&self, id: Uuid) -> Option<&Membership> {
        self.memberships.iter().find(|m| m.id == id)
    }

    pub fn in_office(&self, date: NaiveDate) -> impl Iterator<Item = &Membership> {
        self.memberships
            .iter()
            .filter(move |m| m.in_office_on(date))
    }

    /// Whether the account `sub` (a token's subject) holds any seat, including deputy and
    /// adjunct seats, on `date` (see `Membership::person_ref`).
    pub fn sits_on(&self, sub: &str, date: NaiveDate) -> bool {
        self.in_office(date)
            .any(|m| m.person_ref.as_deref() == Some(sub))
    }

    /// Appoints a member: validates the input (422 naming the field) and then checks every
    /// rule against the memberships already there (409 with the rule's code). Without an
    /// end, the term gets the group's default length, if any.
    pub fn appoint(
        &mut self,
        id: Uuid,
        appointment: &Appointment,
    ) -> Result<&Membership, DomainError> {
        let membership = self.admit(id, appointment)?;
        self.memberships.push(membership);
        Ok(&self.memberships[self.memberships.len() - 1])
    }

    /// What `appoint` would add, without adding it.
    pub fn admit(&self, id: Uuid, appointment: &Appointment) -> Result<Membership, DomainError> {
        let membership = self.validate(id, appointment)?;
        self.check_rules(&membership)?;
        Ok(membership)
    }

    fn validate(&self, id: Uuid, a: &Appointment) -> Result<Membership, DomainError> {
        let mut v = Validator::new();
        let person_name = v.text("person_name", &a.person_name, NAME_MAX);
        let person_ref = v.optional_text("person_ref", a.person_ref.as_deref(), NAME_MAX);
        let title = v.optional_text("title", a.title.as_deref(), NAME_MAX);
        let appointed_by = match &a.appointed_by {
            Appointer::Network { name } => v
                .text("appointed_by.name", name, NAME_MAX)
                .map(|name| Appointer::Network { name }),
            other => Some(other.clone()),
        };
        if a.role.requires_ordinary_seat() && a.seat != Seat::Ordinary {
            v.add("role", SteeringField::OrdinarySeatRequired);
        }
        if a.seat == Seat::Deputy && !self.config.deputies_allowed() {
            v.add("seat", SteeringField::DeputiesNotAllowed);
        }
        if a.appointed_by.side() != a.side {
            v.add(
                "appointed_by",
                SteeringField::AppointedByOtherSide { side: a.side },
            );
        }
        let term_end = a
            .term_end
            .or_else(|| self.config.default_term_end(a.term_start));
        if let Some(end) = a.term_end
            && end < a.term_start
        {
            v.add("term_end", SteeringField::TermEndBeforeStart);
        }
        v.finish()?;
        Ok(Membership {
            id,
            person_name: person_name.unwrap_or_default(),
            person_ref,
            title,
            side: a.side,
            seat: a.seat,
            role: a.role,
            appointed_by: appointed_by.unwrap_or_else(|| a.appointed_by.clone()),
            term_start: a.term_start,
            term_end,
        })
    }

    /// Every rule for adding `new` to the memberships there, in a fixed order so that the
    /// client always hears about the same rule first. (An appointment's own values, its
    /// seat and who appoints it, are checked before, in `validate`; a new configuration
    /// meets its deputies here.)
    fn check_rules(&self, new: &Membership) -> Result<(), SteeringRule> {
        if new.seat == Seat::Deputy && !self.config.deputies_allowed() {
            return Err(SteeringRule::DeputiesNotAllowed);
        }
        let overlapping: Vec<&Membership> = self
            .memberships
            .iter()
            .filter(|m| m.overlaps(new.term_start, new.term_end))
            .collect();
        let first_shared_day = |m: &Membership| m.term_start.max(new.term_start);
        if let Some(m) = overlapping.iter().find(|m| m.is_same_person(new)) {
            return Err(SteeringRule::PersonAlreadySeated {
                name: new.person_name.clone(),
                date: first_shared_day(m),
            });
        }
        if new.role != MemberRole::Member {
            if let Some(m) = overlapping.iter().find(|m| m.role == new.role) {
                let date = first_shared_day(m);
                return Err(match new.role {
                    MemberRole::Chair => SteeringRule::ChairTaken { date },
                    _ => SteeringRule::ViceChairTaken { date },
                });
            }
            if self.config.chair_and_vice_chair_from_different_sides()
                && let Some(m) = overlapping.iter().find(|m| {
                    m.role != MemberRole::Member && m.role != new.role && m.side == new.side
                })
            {
                return Err(SteeringRule::ChairSameSide {
                    side: new.side,
                    date: first_shared_day(m),
                });
            }
        }
        if new.seat == Seat::Ordinary
            && let Some(seats) = self.config.ordinary_seats_per_side()
            && let Some(date) = self.first_full_day(new.side, seats, new.term_start, new.term_end)
        {
            return Err(SteeringRule::SeatLimit {
                side: new.side,
                seats,
                date,
            });
        }
        Ok(())
    }

    /// The first day within `start..=end` on which `side` already has `seats` (or more)
    /// ordinary members in office, by a sweep over the terms' start and leave events rather
    /// than day by day: the count changes only on the day a term starts and on the day after
    /// one ends.
    fn first_full_day(
        &self,
        side: Side,
        seats: u32,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        // (day, -1 leave | +1 join): sorting puts a leave before a join on the same day, so
        // consecutive terms never count twice.
        let mut events: Vec<(NaiveDate, i32)> = Vec::new();
        for m in self
            .memberships
            .iter()
            .filter(|m| m.seat == Seat::Ordinary && m.side == side && m.overlaps(start, end))
        {
            events.push((m.term_start.max(start), 1));
            if let Some(left) = m.term_end.and_then(|e| e.succ_opt()) {
                events.push((left, -1));
            }
        }
        events.sort_unstable();
        let mut in_office: i64 = 0;
        for (day, change) in events {
            in_office += i64::from(change);
            // Joins happen only inside the window, so a full count is always inside it.
            if change > 0 && in_office >= i64::from(seats) {
                return Some(day);
            }
        }
        None
    }

    /// Ends a term: `last_day` is the member's last day in office. A planned end may be
    /// brought forward (a resignation); a term is never extended here, since serving longer
    /// is a new appointment that must pass the rules again. Ending on the current end again
    /// changes nothing.
    pub fn end_term(
        &mut self,
        membership_id: Uuid,
        last_day: NaiveDate,
    ) -> Result<&Membership, DomainError> {
        let membership = self
            .memberships
            .iter_mut()
            .find(|m| m.id == membership_id)
            .ok_or(SteeringRule::UnknownMembership)?;
        if last_day < membership.term_start {
            return Err(DomainError::invalid(
                "last_day",
                SteeringField::LastDayBeforeStart {
                    term_start: membership.term_start,
                },
            ));
        }
        if let Some(current) = membership.term_end
            && current < last_day
        {
            return Err(DomainError::invalid(
                "last_day",
                SteeringField::TermAlreadyEnded { last_day: current },
            ));
        }
        membership.term_end = Some(last_day);
        Ok(membership)
    }

    /// Changes the configuration. The configuration is not dated: it applies to the group's
    /// whole history, so every membership, past ones included, must satisfy it (fewer seats
    /// than a side ever held, no deputies while a deputy was ever appointed, or the chair
    /// rule where chair and vice-chair once shared a side are refused with that rule).
    pub fn reconfigure(&mut self, config: GroupConfig) -> Result<(), SteeringRule> {
        let mut candidate = SteeringGroup::new(self.id, self.agreement_id, config);
        // The rules are about sets of terms, so the order of re-admission does not matter:
        // the whole set passes exactly when every membership passes against the others.
        for m in &self.memberships {
            candidate.check_rules(m)?;
            candidate.memberships.push(m.clone());
        }
        self.config = candidate.config;
        Ok(())
    }

    /// Who sits on the group on `date`, seats filled and vacant per side, and balance.
    pub fn composition(&self, date: NaiveDate) -> Composition {
        let mut members: Vec<Membership> = self.in_office(date).cloned().collect();
        members.sort_by_cached_key(|m| (m.side, m.seat, m.role, swedish_sort_key(&m.person_name)));
        let side = |side: Side| {
            let count = |seat: Seat| {
                let n = members
                    .iter()
                    .filter(|m| m.side == side && m.seat == seat)
                    .count();
                u32::try_from(n).unwrap_or(u32::MAX)
            };
            let seats = self.config.ordinary_seats_per_side();
            let ordinary = count(Seat::Ordinary);
            SideComposition {
                seats,
                ordinary,
                vacant: seats.map(|s| s.saturating_sub(ordinary)),
                deputies: count(Seat::Deputy),
                adjuncts: count(Seat::Adjunct),
            }
        };
        let public_sector = side(Side::PublicSector);
        let civil_society = side(Side::CivilSociety);
        let holder = |role: MemberRole| members.iter().find(|m| m.role == role).map(|m| m.id);
        Composition {
            date,
            // With a fixed size, neither side may hold more than half of the ordinary seats
            // (a vacancy does not unbalance it: quorum handles attendance); without one,
            // the sides must hold as many ordinary seats each.
            balanced: match self.config.ordinary_seats_per_side() {
                Some(seats) => public_sector.ordinary <= seats && civil_society.ordinary <= seats,
                None => public_sector.ordinary == civil_society.ordinary,
            },
            chair: holder(MemberRole::Chair),
            vice_chair: holder(MemberRole::ViceChair),
            public_sector,
            civil_society,
            members,
        }
    }
}
