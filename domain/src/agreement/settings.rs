//! How each agreement is run: the seeds differ, so each difference is a setting.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use strum::IntoEnumIterator;
use uuid::Uuid;

use super::limits::*;
use super::{AgreementField, ApprovalMode, OpenDataLicence, add_months};
use crate::accession::Channel;
use crate::error::{CommonField, DomainError, Validator};
use crate::scb::MunicipalityCode;

/// Where an organisation must be active to accede (Eslöv: "har sitt säte eller bedriver
/// verksamhet i Eslövs kommun"), judged on the municipalities of activity the register holds
/// for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum EligibleArea {
    /// Any organisation, wherever it is active.
    Anywhere,
    /// Active in one of the agreement's own municipalities (`municipality_codes`).
    AgreementMunicipalities,
    /// Active in one of the municipalities listed in `eligible_municipality_codes`.
    ListedMunicipalities,
}

crate::enum_text::enum_text!(EligibleArea);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum PeriodUnit {
    Days,
    Months,
}

crate::enum_text::enum_text!(PeriodUnit);

impl PeriodUnit {
    /// The longest notice period in this unit: twenty years, like every interval.
    pub fn max_amount(self) -> u32 {
        match self {
            Self::Days => DAYS_MAX,
            Self::Months => MONTHS_MAX,
        }
    }
}

/// A notice period, e.g. three months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePeriod {
    pub amount: u32,
    pub unit: PeriodUnit,
}

impl NoticePeriod {
    /// The first date that gives this much notice from `date` (months clamp to month ends).
    pub fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            PeriodUnit::Days => date.checked_add_days(Days::new(u64::from(self.amount))),
            PeriodUnit::Months => add_months(date, self.amount),
        }
    }
}

/// Settings per agreement. Every field has a default so a request may send only what it
/// sets; [`AgreementSettings::validated`] checks ranges. Cadences count from the date the
/// agreement came into force (see [`super::due_items`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct AgreementSettings {
    /// Eslöv, Lund, Södertälje: registration; Blekinge: the steering group approves.
    pub approval_mode: ApprovalMode,
    /// Blekinge: "offentliga aktörer … kan ansluta sig"; the municipal agreements: no.
    pub public_bodies_may_accede: bool,
    /// The channels the agreement takes accessions through (Eslöv, Lund: board minutes;
    /// Södertälje: at adoption, dialogue forum, written application; Blekinge: the form).
    /// Every channel by default.
    pub accepted_channels: Vec<Channel>,
    /// Where an organisation must be active to accede (Eslöv: in Eslöv).
    pub eligible_area: EligibleArea,
    /// The municipalities of `listed_municipalities`; empty for the other areas.
    pub eligible_municipality_codes: Vec<String>,
    /// Whether the steering group handles the signatories' contacts: its seated members then
    /// see the contact person of an application they decide on.
    pub group_handles_contacts: bool,
    /// Where the civil-society party is the sector as a whole (Eslöv, Lund, Södertälje):
    /// the organisations that act for it (a local umbrella network or forum). Their
    /// representatives co-administer the agreement for the sector's side. Public. Empty for
    /// a network party, which acts for itself.
    pub acting_organization_ids: Vec<Uuid>,
    /// What an applicant affirms, in the agreement's language (Lund: "utgår från en
    /// demokratisk värdegrund, att alla människor har ett lika värde …").
    pub eligibility_statements: Vec<String>,
    /// Follow-up (uppföljning) every n months: Eslöv, Södertälje, Blekinge 12; Lund 48.
    pub follow_up_months: Option<u32>,
    /// Evaluation (utvärdering) every n months.
    pub evaluation_months: Option<u32>,
    /// A one-off external evaluation: Kristianstad "extern utvärdering skall ske 2020".
    pub external_evaluation_on: Option<NaiveDate>,
    /// Revision every n months from the version's `valid_from` (Södertälje: every four years).
    pub revision_interval_months: Option<u32>,
    /// Revision no later than (Södertälje: "revidering senast 2022-10-01"). Applies to the
    /// version in force when it was set: a deadline on or before the current version's
    /// `valid_from` was met by adopting it.
    pub revision_deadline: Option<NaiveDate>,
    /// How often the action plan (handlingsplan, verksamhetsplan, utvecklingsplan) is
    /// followed up and renewed: Lund and Blekinge 12, Södertälje 24. Kept for the action-plan
    /// module; not part of the agreement's own calendar.
    pub action_plan_months: Option<u32>,
    /// Meetings with the signatories the public body must call each year (Södertälje:
    /// dialogue meetings at least twice; Eslöv: the annual experience exchange; Blekinge:
    /// the annual conference). 0: none required.
    pub dialogue_meetings_per_year: u32,
    /// Notice a party gives when calling for renegotiation. `None`: "skälig framförhållning"
    /// (Blekinge) without a fixed period.
    pub renegotiation_notice: Option<NoticePeriod>,
    /// When a revised version is adopted, accessions carry over (`None`) or must be
    /// reconfirmed within this many days of it taking effect.
    pub reconfirmation_days: Option<u32>,
    /// The licence of the agreement's open data (the public signatory list in the DCAT
    /// catalogue and the bulk download).
    pub open_data_licence: OpenDataLicence,
    /// The functional mailbox the open-data catalogue names as the list's contact point
    /// (`overenskommelse@kommun.se`, never a person's address). `None`: the catalogue names
    /// no contact point for the list.
    pub open_data_contact_email: Option<String>,
    /// The agreement's contact point: a functional mailbox (`samverkan@kommun.se`), never a
    /// person's address ([`is_functional_mailbox`]). Public.
    pub contact_point: Option<String>,
    /// The unit of the owning body that owns the document (Kommunledningskontoret,
    /// Regionstaben). Public.
    pub owner_unit: Option<String>,
    /// The sites that may show the agreement's embed page in a frame, as origins
    /// (`https://www.eslov.se`, `https://*.eslov.se`): the page's CSP `frame-ancestors`.
    /// Empty (the default): any site may.
    pub embed_frame_ancestors: Vec<String>,
    /// The criteria an IOP (idéburet offentligt partnerskap) is assessed against before it
    /// is entered, in the agreement's language (Kristianstad: six, from "Verksamheten sker
    /// på initiativ av den idéburna sektorn" to "Verksamheten inte detaljregleras från den
    /// offentliga enheten"). Empty (the default): no criteria to assess. Public.
    pub partnership_criteria: Vec<String>,
}

/// The most origins an agreement may name as its embed page's frame ancestors.
pub const FRAME_ANCESTORS_MAX: usize = 20;
/// The longest origin (a host name is at most 253 characters).
const ORIGIN_MAX: usize = 280;

/// The origin as CSP's `frame-ancestors` takes it, lowercased and without a trailing
/// slash: `http(s)://`, a host name (optionally `*.` and a name), an optional port, nothing
/// else. `None` when it is not one.
pub fn frame_ancestor_origin(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/').to_ascii_lowercase();
    if t.len() > ORIGIN_MAX {
        return None;
    }
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if let Some(p) = port
        && (p.is_empty()
            || p.len() > 5
            || !p.bytes().all(|b| b.is_ascii_digit())
            || p.parse::<u32>().ok()? > 65535)
    {
        return None;
    }
    let name = host.strip_prefix("*.").unwrap_or(host);
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    (!name.is_empty() && name.split('.').all(label_ok)).then_some(t)
}

/// The longest open-data contact address (RFC 5321's path limit); also the contact
/// point's.
pub const OPEN_DATA_CONTACT_MAX: usize = 254;

/// The longest name of the unit that owns the agreement.
pub const OWNER_UNIT_MAX: usize = 200;

/// Whether an e-mail address can be a functional mailbox rather than a person's. A person's
/// address in Swedish public bodies is almost always `förnamn.efternamn@…` (or with a middle
/// name or initial, `anna.k.svensson@…`): a local part of two or three words of letters
/// (hyphens allowed inside a name) joined by dots. Such an address is refused; a functional
/// mailbox is one word or words joined by `-` or `_` (`samverkan@…`,
/// `ideburen-sektor@…`, `kontakt_center@…`), or carries a digit (`ks2019@…`). The rule
/// cannot know every name, so it errs on the side of refusing the common personal form: a
/// functional mailbox that happens to look like one is written with `-` instead.
pub fn is_functional_mailbox(email: &str) -> bool {
    let local = email.rsplit_once('@').map_or(email, |(local, _)| local);
    let parts: Vec<&str> = local.split('.').collect();
    let name_like = |part: &&str| {
        !part.is_empty()
            && !part.starts_with('-')
            && !part.ends_with('-')
            && part.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    !((2..=3).contains(&parts.len()) && parts.iter().all(name_like))
}

impl Default for AgreementSettings {
    fn default() -> Self {
        Self {
            approval_mode: ApprovalMode::Registration,
            public_bodies_may_accede: false,
            accepted_channels: Channel::iter().collect(),
            eligible_area: EligibleArea::Anywhere,
            eligible_municipality_codes: Vec::new(),
            group_handles_contacts: false,
            acting_organization_ids: Vec::new(),
            eligibility_statements: Vec::new(),
            follow_up_months: None,
            evaluation_months: None,
            external_evaluation_on: None,
            revision_interval_months: None,
            revision_deadline: None,
            action_plan_months: None,
            dialogue_meetings_per_year: 0,
            renegotiation_notice: None,
            reconfirmation_days: None,
            open_data_licence: OpenDataLicence::Cc0,
            open_data_contact_email: None,
            embed_frame_ancestors: Vec::new(),
            contact_point: None,
            owner_unit: None,
            partnership_criteria: Vec::new(),
        }
    }
}

impl AgreementSettings {
    /// The settings with statements trimmed, or every invalid field named
    /// (`follow_up_months`, `eligibility_statements[2]`, `renegotiation_notice.amount`).
    pub fn validated(&self) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let mut statements: Vec<String> = Vec::with_capacity(self.eligibility_statements.len());
        if self.eligibility_statements.len() > STATEMENTS_MAX {
            v.add(
                "eligibility_statements",
                AgreementField::TooManyStatements {
                    max: STATEMENTS_MAX,
                },
            );
        } else {
            for (i, s) in self.eligibility_statements.iter().enumerate() {
                let field = format!("eligibility_statements[{i}]");
                if let Some(s) = v.text(&field, s, STATEMENT_MAX) {
                    if statements.contains(&s) {
                        v.add(field, AgreementField::StatementListedTwice);
                    } else {
                        statements.push(s);
                    }
                }
            }
        }
        let mut criteria: Vec<String> = Vec::with_capacity(self.partnership_criteria.len());
        if self.partnership_criteria.len() > STATEMENTS_MAX {
            v.add(
                "partnership_criteria",
                AgreementField::TooManyStatements {
                    max: STATEMENTS_MAX,
                },
            );
        } else {
            for (i, c) in self.partnership_criteria.iter().enumerate() {
                let field = format!("partnership_criteria[{i}]");
                if let Some(c) = v.text(&field, c, STATEMENT_MAX) {
                    if criteria.contains(&c) {
                        v.add(field, AgreementField::StatementListedTwice);
                    } else {
                        criteria.push(c);
                    }
                }
            }
        }
        let months_fields = [
            ("follow_up_months", self.follow_up_months),
            ("evaluation_months", self.evaluation_months),
            ("revision_interval_months", self.revision_interval_months),
            ("action_plan_months", self.action_plan_months),
        ];
        let months = || AgreementField::MonthsOutOfRange { max: MONTHS_MAX };
        let days = || AgreementField::DaysOutOfRange { max: DAYS_MAX };
        for (field, value) in months_fields {
            in_range(&mut v, field, value, MONTHS_MAX, months());
        }
        in_range(
            &mut v,
            "dialogue_meetings_per_year",
            Some(self.dialogue_meetings_per_year).filter(|&n| n > 0),
            MEETINGS_PER_YEAR_MAX,
            AgreementField::MeetingsOutOfRange {
                max: MEETINGS_PER_YEAR_MAX,
            },
        );
        if let Some(notice) = self.renegotiation_notice {
            let error = match notice.unit {
                PeriodUnit::Days => days(),
                PeriodUnit::Months => months(),
            };
            in_range(
                &mut v,
                "renegotiation_notice.amount",
                Some(notice.amount),
                notice.unit.max_amount(),
                error,
            );
        }
        in_range(
            &mut v,
            "reconfirmation_days",
            self.reconfirmation_days,
            DAYS_MAX,
            days(),
        );
        let contact = v
            .optional_text(
                "open_data_contact_email",
                self.open_data_contact_email.as_deref(),
                OPEN_DATA_CONTACT_MAX,
            )
            .and_then(|email| {
                if crate::accession::is_email(&email) {
                    Some(email)
                } else {
                    v.add(
                        "open_data_contact_email",
                        AgreementField::OpenDataContactNotAMailbox,
                    );
                    None
                }
            });
        let contact_point = v
            .optional_text(
                "contact_point",
                self.contact_point.as_deref(),
                OPEN_DATA_CONTACT_MAX,
            )
            .and_then(|email| {
                if !crate::accession::is_email(&email) {
                    v.add("contact_point", AgreementField::OpenDataContactNotAMailbox);
                    None
                } else if !is_functional_mailbox(&email) {
                    v.add("contact_point", AgreementField::PersonalAddress);
                    None
                } else {
                    Some(email)
                }
            });
        let owner_unit = v.optional_text("owner_unit", self.owner_unit.as_deref(), OWNER_UNIT_MAX);
        if self.accepted_channels.is_empty() {
            v.add("accepted_channels", CommonField::Required);
        }
        for (i, c) in self.accepted_channels.iter().enumerate() {
            if self.accepted_channels[..i].contains(c) {
                v.add(format!("accepted_channels[{i}]"), CommonField::ListedTwice);
            }
        }
        let listed = self.eligible_area == EligibleArea::ListedMunicipalities;
        if listed && self.eligible_municipality_codes.is_empty() {
            v.add(
                "eligible_municipality_codes",
                AgreementField::MunicipalitiesRequired,
            );
        } else if !listed && !self.eligible_municipality_codes.is_empty() {
            v.add("eligible_municipality_codes", AgreementField::AreaNotListed);
        }
        if self.eligible_municipality_codes.len() > PARTIES_MAX {
            v.add(
                "eligible_municipality_codes",
                AgreementField::TooManyMunicipalities { max: PARTIES_MAX },
            );
        }
        let mut codes: Vec<String> = Vec::new();
        for (i, c) in self.eligible_municipality_codes.iter().enumerate() {
            let field = format!("eligible_municipality_codes[{i}]");
            match MunicipalityCode::parse(c.trim()) {
                Err(e) => v.push(e.at(field)),
                Ok(c) if codes.iter().any(|k| k == c.as_str()) => {
                    v.add(field, CommonField::ListedTwice);
                }
                Ok(c) => codes.push(c.as_str().to_owned()),
            }
        }
        if self.acting_organization_ids.len() > PARTIES_MAX {
            v.add(
                "acting_organization_ids",
                AgreementField::TooManyParties { max: PARTIES_MAX },
            );
        }
        for (i, id) in self.acting_organization_ids.iter().enumerate() {
            if self.acting_organization_ids[..i].contains(id) {
                v.add(
                    format!("acting_organization_ids[{i}]"),
                    CommonField::ListedTwice,
                );
            }
        }
        if self.embed_frame_ancestors.len() > FRAME_ANCESTORS_MAX {
            v.add(
                "embed_frame_ancestors",
                AgreementField::TooManyOrigins {
                    max: FRAME_ANCESTORS_MAX,
                },
            );
        }
        let mut origins: Vec<String> = Vec::new();
        for (i, o) in self.embed_frame_ancestors.iter().enumerate() {
            let field = format!("embed_frame_ancestors[{i}]");
            match frame_ancestor_origin(o) {
                None => v.add(field, AgreementField::NotAnOrigin),
                Some(o) if origins.contains(&o) => v.add(field, CommonField::ListedTwice),
                Some(o) => origins.push(o),
            }
        }
        v.finish()?;
        Ok(Self {
            eligibility_statements: statements,
            partnership_criteria: criteria,
            open_data_contact_email: contact,
            contact_point,
            owner_unit,
            eligible_municipality_codes: codes,
            embed_frame_ancestors: origins,
            ..self.clone()
        })
    }
}

fn in_range(v: &mut Validator, field: &str, value: Option<u32>, max: u32, error: AgreementField) {
    if let Some(n) = value
        && !(1..=max).contains(&n)
    {
        v.add(field, error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn frame_ancestors_are_origins_and_nothing_else() {
        for (text, origin) in [
            ("https://www.eslov.se", "https://www.eslov.se"),
            ("  HTTPS://WWW.Eslov.SE/ ", "https://www.eslov.se"),
            ("https://*.eslov.se", "https://*.eslov.se"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://xn--hr-ula.se", "https://xn--hr-ula.se"),
        ] {
            assert_eq!(
                frame_ancestor_origin(text).as_deref(),
                Some(origin),
                "{text}"
            );
        }
        for bad in [
            "",
            "www.eslov.se",
            "https://",
            "https://www.eslov.se/sida",
            "https://www.eslov.se?a=1",
            "https://www.eslov.se:99999",
            "https://www.eslov.se:",
            "https://www.eslov.se; script-src *",
            "https://eslöv.se",
            "javascript:alert(1)",
            "ftp://www.eslov.se",
            "https://*",
            "https://-eslov.se",
            "'self'",
            "*",
            "https://www.eslov.se 'unsafe-inline'",
        ] {
            assert_eq!(frame_ancestor_origin(bad), None, "{bad:?}");
        }
        let s = AgreementSettings {
            embed_frame_ancestors: vec![
                "https://www.eslov.se/".into(),
                "https://WWW.ESLOV.SE".into(),
                "eslov.se".into(),
            ],
            ..AgreementSettings::default()
        };
        let fields = match s.validated() {
            Err(DomainError::Invalid(errors)) => errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields,
            [
                ("embed_frame_ancestors[1]".to_owned(), "duplicate"),
                ("embed_frame_ancestors[2]".to_owned(), "invalid_origin"),
            ]
        );
        let ok = AgreementSettings {
            embed_frame_ancestors: vec![" https://www.eslov.se/ ".into()],
            ..AgreementSettings::default()
        };
        assert_eq!(
            ok.validated().expect("valid").embed_frame_ancestors,
            ["https://www.eslov.se"]
        );
        let many = AgreementSettings {
            embed_frame_ancestors: (0..=FRAME_ANCESTORS_MAX)
                .map(|i| format!("https://s{i}.kommun.se"))
                .collect(),
            ..AgreementSettings::default()
        };
        assert!(many.validated().is_err());
    }

    #[test]
    fn defaults_are_valid_and_json_may_omit_everything() {
        let s: AgreementSettings = serde_json::from_str("{}").expect("parses");
        assert_eq!(s, AgreementSettings::default());
        assert_eq!(s.validated().expect("valid"), s);
    }

    #[test]
    fn statements_are_trimmed_and_ranges_checked() {
        let s = AgreementSettings {
            eligibility_statements: vec![
                " Organisationen står för allas lika värde. ".into(),
                "Organisationen står för allas lika värde.".into(),
                "  ".into(),
            ],
            follow_up_months: Some(0),
            evaluation_months: Some(MONTHS_MAX + 1),
            revision_interval_months: Some(48),
            dialogue_meetings_per_year: 53,
            renegotiation_notice: Some(NoticePeriod {
                amount: 0,
                unit: PeriodUnit::Days,
            }),
            reconfirmation_days: Some(DAYS_MAX + 1),
            ..AgreementSettings::default()
        };
        let DomainError::Invalid(errors) = s.validated().expect_err("invalid") else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("eligibility_statements[1]", "duplicate"),
                ("eligibility_statements[2]", "required"),
                ("follow_up_months", "out_of_range"),
                ("evaluation_months", "out_of_range"),
                ("dialogue_meetings_per_year", "out_of_range"),
                ("renegotiation_notice.amount", "out_of_range"),
                ("reconfirmation_days", "out_of_range"),
            ]
        );

        let ok = AgreementSettings {
            eligibility_statements: vec![" Organisationen står för allas lika värde. ".into()],
            ..AgreementSettings::default()
        };
        assert_eq!(
            ok.validated().expect("valid").eligibility_statements,
            ["Organisationen står för allas lika värde."]
        );
    }

    #[test]
    fn the_open_data_contact_is_a_trimmed_mailbox() {
        let s = AgreementSettings {
            open_data_contact_email: Some(" overenskommelse@ängby.example ".into()),
            open_data_licence: OpenDataLicence::CcBy40,
            ..AgreementSettings::default()
        };
        let valid = s.validated().expect("valid");
        assert_eq!(
            valid.open_data_contact_email.as_deref(),
            Some("overenskommelse@ängby.example")
        );
        assert_eq!(
            valid.open_data_licence.uri(),
            "http://creativecommons.org/licenses/by/4.0/"
        );
        let blank = AgreementSettings {
            open_data_contact_email: Some("  ".into()),
            ..AgreementSettings::default()
        };
        assert_eq!(
            blank.validated().expect("valid").open_data_contact_email,
            None
        );
        let bad = AgreementSettings {
            open_data_contact_email: Some("Öppna data-gruppen".into()),
            ..AgreementSettings::default()
        };
        let DomainError::Invalid(errors) = bad.validated().expect_err("invalid") else {
            panic!("expected invalid")
        };
        assert_eq!(errors[0].field, "open_data_contact_email");
        assert_eq!(errors[0].code, "email");
        assert_eq!(
            AgreementSettings::default().open_data_licence.uri(),
            "http://creativecommons.org/publicdomain/zero/1.0/"
        );
    }

    #[test]
    fn too_many_statements() {
        let s = AgreementSettings {
            eligibility_statements: (0..=STATEMENTS_MAX)
                .map(|i| format!("Påstående {i}"))
                .collect(),
            ..AgreementSettings::default()
        };
        assert!(s.validated().is_err());
    }

    #[test]
    fn notice_periods() {
        let three_months = NoticePeriod {
            amount: 3,
            unit: PeriodUnit::Months,
        };
        assert_eq!(
            three_months.after(date(2023, 11, 30)),
            Some(date(2024, 2, 29))
        );
        let thirty_days = NoticePeriod {
            amount: 30,
            unit: PeriodUnit::Days,
        };
        assert_eq!(thirty_days.after(date(2024, 2, 1)), Some(date(2024, 3, 2)));
    }
}

#[cfg(test)]
mod contact_point_tests {
    use super::*;

    #[test]
    fn a_functional_mailbox_is_not_a_persons_address() {
        for functional in [
            "samverkan@eslov.example",
            "ideburen-sektor@eslov.example",
            "kontakt_center@region.example",
            "ks2019.samverkan@kommun.example",
            "a.b.c.d@kommun.example",
        ] {
            assert!(is_functional_mailbox(functional), "{functional}");
        }
        for personal in [
            "anna.svensson@eslov.example",
            "anna-karin.öberg@eslov.example",
            "per.k.ångström@region.example",
        ] {
            assert!(!is_functional_mailbox(personal), "{personal}");
        }
    }

    #[test]
    fn the_contact_point_is_checked_and_the_unit_trimmed() {
        let settings = AgreementSettings {
            contact_point: Some(" samverkan@eslov.example ".into()),
            owner_unit: Some(" Kommunledningskontoret ".into()),
            ..AgreementSettings::default()
        };
        let valid = settings.validated().expect("valid");
        assert_eq!(
            valid.contact_point.as_deref(),
            Some("samverkan@eslov.example")
        );
        assert_eq!(valid.owner_unit.as_deref(), Some("Kommunledningskontoret"));
        for (address, code) in [
            ("anna.svensson@eslov.example", "personal_address"),
            ("Samverkansgruppen", "email"),
        ] {
            let DomainError::Invalid(errors) = AgreementSettings {
                contact_point: Some(address.into()),
                ..AgreementSettings::default()
            }
            .validated()
            .expect_err("refused") else {
                panic!("a field error")
            };
            assert_eq!(errors[0].field, "contact_point");
            assert_eq!(errors[0].code, code, "{address}");
        }
    }
}
