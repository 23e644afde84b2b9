//! Renegotiation (omförhandling). Blekinge: "kan endera parten när som helst under perioden
//! påkalla omförhandling … Detta ska ske skriftligen och med skälig framförhållning."
//!
//! A request records what a party did in writing. Short notice is therefore not refused: a
//! request that arrived is a fact the other parties must see. It is flagged instead
//! ([`RenegotiationRequest::gives_notice`]), derived from the agreement's notice period.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::limits::REASON_MAX;
use super::{AdoptionRecord, Agreement, AgreementField, AgreementRule, NoticePeriod};
use crate::error::{DomainError, Validator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum RequestingSide {
    /// One of the public bodies that are parties (named by `public_body_id`).
    PublicBody,
    /// The civil-society party: the sector, or its network.
    CivilSociety,
}

crate::enum_text::enum_text!(RequestingSide);

impl RequestingSide {
    /// Whether a request by this side names the public body that files it
    /// (`public_body_id`): required for a public body, not allowed for the civil-society
    /// party.
    pub fn names_public_body(self) -> bool {
        match self {
            Self::PublicBody => true,
            Self::CivilSociety => false,
        }
    }
}

/// A party's written call for renegotiation, as the caller records it;
/// [`Agreement::file_renegotiation_request`] checks it and keeps a [`RenegotiationRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenegotiationInput {
    /// Chosen by the caller.
    pub id: Uuid,
    /// The date of the written request.
    pub filed_on: NaiveDate,
    pub requested_by: RequestingSide,
    /// Which public body, when `requested_by` is `public_body`.
    pub public_body_id: Option<Uuid>,
    pub reason: String,
    /// From when the party wants to renegotiate.
    pub requested_date: NaiveDate,
    /// Who filed it: the token's `sub` (a stable pseudonymous id, never an e-mail address).
    /// The party is `requested_by` (and `public_body_id`), one the filer acts for.
    pub filed_by: String,
}

impl RenegotiationInput {
    /// The request with its reason trimmed, or its invalid fields named: a public body must
    /// be a party to `agreement`; `filed_on` not in the future nor before the agreement was
    /// adopted; `requested_date` not before `filed_on`.
    pub fn validated(
        &self,
        agreement: &Agreement,
        today: NaiveDate,
    ) -> Result<RenegotiationRequest, DomainError> {
        let mut v = Validator::new();
        match (self.requested_by.names_public_body(), self.public_body_id) {
            (true, None) => {
                v.add("public_body_id", AgreementField::RenegotiationBodyRequired);
            }
            (true, Some(id)) if !agreement.is_party(id) => {
                v.add("public_body_id", AgreementField::RenegotiationNotAParty);
            }
            (false, Some(_)) => {
                v.add(
                    "public_body_id",
                    AgreementField::RenegotiationBodyNotAllowed,
                );
            }
            _ => {}
        }
        let reason = v.text("reason", &self.reason, REASON_MAX);
        let adopted_on = agreement
            .first_adoption()
            .map(AdoptionRecord::decision_date);
        if self.filed_on > today {
            v.add("filed_on", AgreementField::RequestInFuture);
        } else if let Some(adopted_on) = adopted_on
            && self.filed_on < adopted_on
        {
            v.add(
                "filed_on",
                AgreementField::RequestBeforeAdoption { adopted_on },
            );
        }
        if self.requested_date < self.filed_on {
            v.add("requested_date", AgreementField::RequestedBeforeFiled);
        }
        v.finish()?;
        Ok(RenegotiationRequest(
            Self {
                reason: reason.unwrap_or_default(),
                ..self.clone()
            },
            None,
        ))
    }
}

/// Where a request stands: `filed`, then `answered` by the other side or `withdrawn` by
/// the side that filed it. Both ends are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum RenegotiationStatus {
    Filed,
    Answered,
    Withdrawn,
}

crate::enum_text::enum_text!(RenegotiationStatus);

/// The other side's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum RenegotiationOutcome {
    /// The parties will renegotiate.
    Accepted,
    Declined,
}

crate::enum_text::enum_text!(RenegotiationOutcome);

/// How a filed request ended: an answer (with its outcome and decision) or a withdrawal.
/// Both record the date and who acted (the token's `sub`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenegotiationResolution {
    Answered {
        outcome: RenegotiationOutcome,
        /// The date of the decision.
        answered_on: NaiveDate,
        /// The decision, as the answering side wrote it.
        decision: String,
        answered_by: String,
    },
    Withdrawn {
        withdrawn_on: NaiveDate,
        withdrawn_by: String,
    },
}

/// The other side's answer, as the caller records it; checked by
/// [`RenegotiationRequest::answer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenegotiationAnswer {
    pub outcome: RenegotiationOutcome,
    pub answered_on: NaiveDate,
    pub decision: String,
    /// Who answered: the token's `sub`.
    pub answered_by: String,
}

/// A call for renegotiation as filed: a [`RenegotiationInput`] that passed its checks, and
/// how it ended, if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenegotiationRequest(RenegotiationInput, Option<RenegotiationResolution>);

impl RenegotiationRequest {
    pub fn id(&self) -> Uuid {
        self.0.id
    }

    pub fn status(&self) -> RenegotiationStatus {
        match self.1 {
            None => RenegotiationStatus::Filed,
            Some(RenegotiationResolution::Answered { .. }) => RenegotiationStatus::Answered,
            Some(RenegotiationResolution::Withdrawn { .. }) => RenegotiationStatus::Withdrawn,
        }
    }

    /// How it ended; `None` while it is filed.
    pub fn resolution(&self) -> Option<&RenegotiationResolution> {
        self.1.as_ref()
    }

    fn require_filed(&self) -> Result<(), DomainError> {
        match self.status() {
            RenegotiationStatus::Filed => Ok(()),
            status => Err(AgreementRule::RenegotiationNotFiled { status }.into()),
        }
    }

    /// The other side answers (the caller checks who: [`super::may_answer_renegotiation`]):
    /// only a filed request (409 `renegotiation_not_filed`); the decision is required and
    /// dated neither in the future nor before the request was filed.
    pub fn answer(
        &mut self,
        answer: RenegotiationAnswer,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_filed()?;
        let mut v = Validator::new();
        let decision = v.text("decision", &answer.decision, REASON_MAX);
        self.check_date(&mut v, "answered_on", answer.answered_on, today);
        v.finish()?;
        self.1 = Some(RenegotiationResolution::Answered {
            outcome: answer.outcome,
            answered_on: answer.answered_on,
            decision: decision.unwrap_or_default(),
            answered_by: answer.answered_by,
        });
        Ok(())
    }

    /// The side that filed it withdraws it (the caller checks who:
    /// [`super::may_withdraw_renegotiation`]): only a filed request (409
    /// `renegotiation_not_filed`), dated neither in the future nor before it was filed.
    pub fn withdraw(
        &mut self,
        withdrawn_on: NaiveDate,
        withdrawn_by: String,
        today: NaiveDate,
    ) -> Result<(), DomainError> {
        self.require_filed()?;
        let mut v = Validator::new();
        self.check_date(&mut v, "withdrawn_on", withdrawn_on, today);
        v.finish()?;
        self.1 = Some(RenegotiationResolution::Withdrawn {
            withdrawn_on,
            withdrawn_by,
        });
        Ok(())
    }

    fn check_date(&self, v: &mut Validator, field: &'static str, on: NaiveDate, today: NaiveDate) {
        if on > today {
            v.add(field, AgreementField::RequestInFuture);
        } else if on < self.0.filed_on {
            v.add(
                field,
                AgreementField::BeforeRequestFiled {
                    filed_on: self.0.filed_on,
                },
            );
        }
    }

    /// The date of the written request.
    pub fn filed_on(&self) -> NaiveDate {
        self.0.filed_on
    }

    pub fn requested_by(&self) -> RequestingSide {
        self.0.requested_by
    }

    /// Which public body, when `requested_by` is `public_body`.
    pub fn public_body_id(&self) -> Option<Uuid> {
        self.0.public_body_id
    }

    pub fn reason(&self) -> &str {
        &self.0.reason
    }

    /// From when the party wants to renegotiate.
    pub fn requested_date(&self) -> NaiveDate {
        self.0.requested_date
    }

    /// Who filed it (the token's `sub`); empty for requests filed before issue 12.
    pub fn filed_by(&self) -> &str {
        &self.0.filed_by
    }

    /// A stored request, read back: trusted stored data, not a way around the rules.
    pub fn restore(stored: RenegotiationInput) -> Self {
        Self(stored, None)
    }

    /// A stored request with how it ended, read back.
    pub fn restore_resolved(
        stored: RenegotiationInput,
        resolution: Option<RenegotiationResolution>,
    ) -> Self {
        Self(stored, resolution)
    }

    /// The first date that `notice` allows; `None` when no notice period is set.
    pub fn earliest_date(&self, notice: Option<NoticePeriod>) -> Option<NaiveDate> {
        notice.and_then(|n| n.after(self.0.filed_on))
    }

    /// Whether the requested date respects the agreement's notice period (always, without
    /// one: Blekinge's "skälig framförhållning" is for the parties to judge).
    pub fn gives_notice(&self, notice: Option<NoticePeriod>) -> bool {
        self.earliest_date(notice)
            .is_none_or(|earliest| self.0.requested_date >= earliest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::testing::*;
    use crate::agreement::{AgreementSettings, PeriodUnit};

    fn request() -> RenegotiationInput {
        RenegotiationInput {
            id: Uuid::from_u128(900),
            filed_on: date(2025, 3, 3),
            requested_by: RequestingSide::CivilSociety,
            public_body_id: None,
            reason: " Åtagandena om dialogträffar har inte uppfyllts under året. ".into(),
            requested_date: date(2025, 6, 2),
            filed_by: "nätverkets-processledare".into(),
        }
    }

    #[test]
    fn any_party_may_call_for_renegotiation() {
        let mut a = adopted(date(2018, 10, 1));
        a.file_renegotiation_request(request(), today())
            .expect("the civil-society party may");
        let by_municipality = RenegotiationInput {
            id: Uuid::from_u128(901),
            requested_by: RequestingSide::PublicBody,
            public_body_id: Some(OWNER),
            ..request()
        };
        a.file_renegotiation_request(by_municipality, today())
            .expect("a public body that is a party may");
        assert_eq!(a.renegotiation_requests().len(), 2);
        assert_eq!(
            a.renegotiation_requests()[0].reason(),
            "Åtagandena om dialogträffar har inte uppfyllts under året."
        );
    }

    #[test]
    fn only_adopted_agreements_are_renegotiated() {
        let mut a = draft();
        assert_eq!(
            rule(a.file_renegotiation_request(request(), today())),
            "agreement_not_adopted"
        );
    }

    #[test]
    fn request_fields_are_checked() {
        let mut a = adopted(date(2018, 10, 1));
        let outsider = RenegotiationInput {
            requested_by: RequestingSide::PublicBody,
            public_body_id: Some(OTHER_BODY),
            reason: String::new(),
            filed_on: date(2018, 9, 1),
            requested_date: date(2018, 8, 1),
            ..request()
        };
        assert_eq!(
            invalid_fields(a.file_renegotiation_request(outsider, today())),
            [
                ("public_body_id".into(), "not_a_party"),
                ("reason".into(), "required"),
                ("filed_on".into(), "before_adoption"),
                ("requested_date".into(), "before_filed_on"),
            ]
        );
        let unnamed = RenegotiationInput {
            requested_by: RequestingSide::PublicBody,
            public_body_id: None,
            filed_on: date(2026, 11, 24),
            requested_date: date(2027, 1, 1),
            ..request()
        };
        assert_eq!(
            invalid_fields(a.file_renegotiation_request(unnamed, today())),
            [
                ("public_body_id".into(), "required"),
                ("filed_on".into(), "in_future"),
            ]
        );
        let civil_society_with_body = RenegotiationInput {
            public_body_id: Some(OWNER),
            ..request()
        };
        assert_eq!(
            invalid_fields(a.file_renegotiation_request(civil_society_with_body, today())),
            [("public_body_id".into(), "not_allowed")]
        );
        assert!(a.renegotiation_requests().is_empty());
    }

    /// From the day of adoption to today, both included; renegotiation may be asked for
    /// from the day of the request.
    #[test]
    fn a_request_may_be_filed_from_the_day_of_adoption_until_today() {
        let mut a = adopted(date(2018, 10, 1));
        let on_adoption_day = RenegotiationInput {
            filed_on: date(2018, 10, 1),
            requested_date: date(2018, 10, 1),
            ..request()
        };
        a.file_renegotiation_request(on_adoption_day, today())
            .expect("filed on the day of adoption");
        let today_request = RenegotiationInput {
            id: Uuid::from_u128(902),
            filed_on: today(),
            requested_date: today(),
            ..request()
        };
        a.file_renegotiation_request(today_request, today())
            .expect("filed today");
        assert_eq!(a.renegotiation_requests().len(), 2);
    }

    fn req(a: &mut Agreement, id: Uuid) -> &mut RenegotiationRequest {
        a.renegotiation_request_mut(id).expect("on record")
    }

    fn answer_of(on: NaiveDate) -> RenegotiationAnswer {
        RenegotiationAnswer {
            outcome: RenegotiationOutcome::Accepted,
            answered_on: on,
            decision: " Regionstyrelsen beslutar att inleda omförhandling. ".into(),
            answered_by: "regionens-handläggare".into(),
        }
    }

    #[test]
    fn a_filed_request_is_answered_once() {
        let mut a = adopted(date(2018, 10, 1));
        a.file_renegotiation_request(request(), today())
            .expect("filed");
        let id = request().id;
        assert_eq!(
            invalid_fields(req(&mut a, id).answer(
                RenegotiationAnswer {
                    decision: String::new(),
                    ..answer_of(date(2025, 3, 2))
                },
                today()
            )),
            [
                ("decision".into(), "required"),
                ("answered_on".into(), "before_filed_on"),
            ]
        );
        assert_eq!(
            invalid_fields(req(&mut a, id).answer(answer_of(date(2026, 12, 1)), today())),
            [("answered_on".into(), "in_future")]
        );
        req(&mut a, id)
            .answer(answer_of(date(2025, 4, 1)), today())
            .expect("answered");
        let r = &a.renegotiation_requests()[0];
        assert_eq!(r.status(), RenegotiationStatus::Answered);
        assert!(matches!(
            r.resolution(),
            Some(RenegotiationResolution::Answered { decision, outcome: RenegotiationOutcome::Accepted, .. })
                if decision == "Regionstyrelsen beslutar att inleda omförhandling."
        ));
        assert_eq!(
            rule(req(&mut a, id).answer(answer_of(date(2025, 4, 2)), today())),
            "renegotiation_not_filed"
        );
        assert_eq!(
            rule(req(&mut a, id).withdraw(date(2025, 4, 2), "x".into(), today())),
            "renegotiation_not_filed"
        );
    }

    #[test]
    fn the_filer_withdraws_a_filed_request() {
        let mut a = adopted(date(2018, 10, 1));
        a.file_renegotiation_request(request(), today())
            .expect("filed");
        let id = request().id;
        assert_eq!(
            invalid_fields(req(&mut a, id).withdraw(
                date(2025, 1, 1),
                "nätverkets-processledare".into(),
                today()
            )),
            [("withdrawn_on".into(), "before_filed_on")]
        );
        req(&mut a, id)
            .withdraw(date(2025, 5, 1), "nätverkets-processledare".into(), today())
            .expect("withdrawn");
        assert_eq!(
            a.renegotiation_requests()[0].status(),
            RenegotiationStatus::Withdrawn
        );
        assert_eq!(
            rule(req(&mut a, id).answer(answer_of(date(2025, 5, 2)), today())),
            "renegotiation_not_filed"
        );
        assert!(a.renegotiation_request_mut(Uuid::from_u128(4711)).is_none());
    }

    /// Short notice is recorded and flagged, not refused.
    #[test]
    fn notice_is_flagged_not_refused() {
        let mut a = adopted(date(2018, 10, 1));
        a.update_settings(AgreementSettings {
            renegotiation_notice: Some(NoticePeriod {
                amount: 3,
                unit: PeriodUnit::Months,
            }),
            ..settings()
        })
        .expect("valid");
        let short = RenegotiationInput {
            requested_date: date(2025, 6, 2),
            ..request()
        };
        a.file_renegotiation_request(short.clone(), today())
            .expect("recorded");
        let notice = a.settings().renegotiation_notice;
        let short = RenegotiationRequest::restore(short);
        assert_eq!(short.earliest_date(notice), Some(date(2025, 6, 3)));
        assert!(!short.gives_notice(notice));
        let enough = RenegotiationInput {
            requested_date: date(2025, 6, 3),
            ..request()
        };
        assert!(RenegotiationRequest::restore(enough).gives_notice(notice));
        assert!(short.gives_notice(None), "without a fixed period, any date");
        let days = Some(NoticePeriod {
            amount: 30,
            unit: PeriodUnit::Days,
        });
        assert_eq!(short.earliest_date(days), Some(date(2025, 4, 2)));
        assert!(short.gives_notice(days));
    }
}
