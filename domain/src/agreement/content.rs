//! The text of one version of an agreement: what the parties adopt.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::AgreementField;
use super::limits::*;
use crate::error::{DomainError, Validator};

/// Who undertakes a commitment (åtagande). Södertälje lists under each principle what
/// "Kommunen", "Idéburen sektor" and "Båda parter" undertake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CommitmentParty {
    PublicBody,
    CivilSociety,
    Both,
}

crate::enum_text::enum_text!(CommitmentParty);

/// A numbered collaboration principle. Numbers are the agreement's own (Eslöv numbers them
/// I–VI, stored as 1–6); the list keeps the order in which the agreement presents them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principle {
    pub number: u32,
    pub title: String,
    /// Markdown.
    pub description: String,
}

/// An undertaking by one party, or both, serving one or more principles (by number).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    pub party: CommitmentParty,
    /// Lund names its commitments ("Öppna kontaktvägar"); Södertälje's are bare sentences.
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown.
    pub text: String,
    /// The numbers of the principles it serves; may be empty (Lund's follow-up commitment
    /// names none).
    #[serde(default)]
    pub principles: Vec<u32>,
}

/// A focus area (utvecklingsområde): Södertälje has four.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevelopmentArea {
    pub title: String,
    /// Markdown.
    pub description: String,
}

/// The content of a version. Build it from a request and hand it to an operation
/// ([`super::Agreement::edit_draft`], …): the operation validates and normalises it (texts
/// trimmed), so unvalidated content is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionContent {
    pub title: String,
    /// Why the agreement exists (syfte och mål). Markdown.
    pub purpose: String,
    /// Background and process (bakgrund, framtagningsprocess). Markdown.
    #[serde(default)]
    pub background: Option<String>,
    #[serde(default)]
    pub principles: Vec<Principle>,
    #[serde(default)]
    pub commitments: Vec<Commitment>,
    #[serde(default)]
    pub development_areas: Vec<DevelopmentArea>,
}

impl VersionContent {
    /// The content trimmed, or every invalid field named as the request names it:
    /// `title`, `principles[1].title`, `commitments[3].principles[0]`, …
    ///
    /// A draft may still lack principles; adoption requires them
    /// ([`super::AgreementRule::NoPrinciples`]).
    pub fn validated(&self) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let title = v.text("title", &self.title, TITLE_MAX);
        let purpose = v.text("purpose", &self.purpose, PURPOSE_MAX);
        let background = v.optional_text("background", self.background.as_deref(), BACKGROUND_MAX);

        let mut principles = Vec::with_capacity(self.principles.len());
        let mut numbers = BTreeSet::new();
        if self.principles.len() > PRINCIPLES_MAX {
            v.add(
                "principles",
                AgreementField::TooManyPrinciples {
                    max: PRINCIPLES_MAX,
                },
            );
        } else {
            for (i, p) in self.principles.iter().enumerate() {
                let field = format!("principles[{i}]");
                if p.number == 0 {
                    v.add(
                        format!("{field}.number"),
                        AgreementField::PrincipleNumberOutOfRange,
                    );
                } else if !numbers.insert(p.number) {
                    v.add(
                        format!("{field}.number"),
                        AgreementField::PrincipleNumberTaken { number: p.number },
                    );
                }
                let title = v.text(&format!("{field}.title"), &p.title, PRINCIPLE_TITLE_MAX);
                let description = v.text(
                    &format!("{field}.description"),
                    &p.description,
                    PRINCIPLE_DESCRIPTION_MAX,
                );
                principles.push(Principle {
                    number: p.number,
                    title: title.unwrap_or_default(),
                    description: description.unwrap_or_default(),
                });
            }
        }

        let mut commitments = Vec::with_capacity(self.commitments.len());
        if self.commitments.len() > COMMITMENTS_MAX {
            v.add(
                "commitments",
                AgreementField::TooManyCommitments {
                    max: COMMITMENTS_MAX,
                },
            );
        } else {
            for (i, c) in self.commitments.iter().enumerate() {
                let field = format!("commitments[{i}]");
                let title = v.optional_text(
                    &format!("{field}.title"),
                    c.title.as_deref(),
                    COMMITMENT_TITLE_MAX,
                );
                let text = v.text(&format!("{field}.text"), &c.text, COMMITMENT_TEXT_MAX);
                let mut served = Vec::with_capacity(c.principles.len());
                for (j, &number) in c.principles.iter().enumerate() {
                    let field = format!("{field}.principles[{j}]");
                    if served.contains(&number) {
                        v.add(field, AgreementField::PrincipleListedTwice { number });
                    } else if !self.principles.iter().any(|p| p.number == number) {
                        v.add(field, AgreementField::UnknownPrinciple { number });
                    } else {
                        served.push(number);
                    }
                }
                commitments.push(Commitment {
                    party: c.party,
                    title,
                    text: text.unwrap_or_default(),
                    principles: served,
                });
            }
        }

        let mut development_areas = Vec::with_capacity(self.development_areas.len());
        if self.development_areas.len() > DEVELOPMENT_AREAS_MAX {
            v.add(
                "development_areas",
                AgreementField::TooManyDevelopmentAreas {
                    max: DEVELOPMENT_AREAS_MAX,
                },
            );
        } else {
            for (i, a) in self.development_areas.iter().enumerate() {
                let field = format!("development_areas[{i}]");
                let title = v.text(
                    &format!("{field}.title"),
                    &a.title,
                    DEVELOPMENT_AREA_TITLE_MAX,
                );
                let description = v.text(
                    &format!("{field}.description"),
                    &a.description,
                    DEVELOPMENT_AREA_DESCRIPTION_MAX,
                );
                development_areas.push(DevelopmentArea {
                    title: title.unwrap_or_default(),
                    description: description.unwrap_or_default(),
                });
            }
        }

        v.finish()?;
        Ok(Self {
            title: title.unwrap_or_default(),
            purpose: purpose.unwrap_or_default(),
            background,
            principles,
            commitments,
            development_areas,
        })
    }

    pub fn principle(&self, number: u32) -> Option<&Principle> {
        self.principles.iter().find(|p| p.number == number)
    }

    /// The commitments that serve a principle, in the agreement's order.
    pub fn commitments_serving(&self, number: u32) -> impl Iterator<Item = &Commitment> {
        self.commitments
            .iter()
            .filter(move |c| c.principles.contains(&number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::testing::{content, principle};

    fn errors(content: &VersionContent) -> Vec<(String, &'static str)> {
        match content.validated() {
            Err(DomainError::Invalid(errors)) => {
                errors.into_iter().map(|e| (e.field, e.code)).collect()
            }
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn valid_content_is_trimmed() {
        let mut c = content();
        c.title = "  Överenskommelsen för Östra Ån  ".into();
        c.background = Some("   ".into());
        c.commitments[0].title = Some(" Öppna kontaktvägar ".into());
        let v = c.validated().expect("valid");
        assert_eq!(v.title, "Överenskommelsen för Östra Ån");
        assert_eq!(v.background, None, "blank background is absent");
        assert_eq!(
            v.commitments[0].title.as_deref(),
            Some("Öppna kontaktvägar")
        );
        assert_eq!(v.commitments[1].principles, [2, 1], "order kept");
    }

    #[test]
    fn every_invalid_field_is_named() {
        let mut c = content();
        c.title = " ".into();
        c.purpose = "å".repeat(PURPOSE_MAX + 1);
        c.principles[1].number = 1;
        c.principles[1].title = String::new();
        c.principles.push(principle(0, "Mångfald"));
        c.commitments[0].principles = vec![1, 1, 9];
        c.commitments[1].text = "\n".into();
        c.development_areas[0].description = String::new();
        assert_eq!(
            errors(&c),
            [
                ("title".into(), "required"),
                ("purpose".into(), "too_long"),
                ("principles[1].number".into(), "duplicate"),
                ("principles[1].title".into(), "required"),
                ("principles[2].number".into(), "out_of_range"),
                ("commitments[0].principles[1]".into(), "duplicate"),
                ("commitments[0].principles[2]".into(), "unknown_principle"),
                ("commitments[1].text".into(), "required"),
                // Principle 2 was renumbered, so the reference to it no longer resolves.
                ("commitments[1].principles[0]".into(), "unknown_principle"),
                ("development_areas[0].description".into(), "required"),
            ]
        );
    }

    #[test]
    fn lists_have_limits() {
        let mut c = content();
        c.principles = (1..=PRINCIPLES_MAX as u32 + 1)
            .map(|n| principle(n, "Dialog"))
            .collect();
        c.commitments.clear();
        c.development_areas = vec![c.development_areas[0].clone(); DEVELOPMENT_AREAS_MAX + 1];
        assert_eq!(
            errors(&c),
            [
                ("principles".into(), "too_many"),
                ("development_areas".into(), "too_many"),
            ]
        );
    }

    #[test]
    fn lists_may_be_filled_to_their_limits() {
        let mut c = content();
        c.principles = (1..=PRINCIPLES_MAX as u32)
            .map(|n| principle(n, "Dialog"))
            .collect();
        c.commitments = vec![c.commitments[0].clone(); COMMITMENTS_MAX];
        c.development_areas = vec![c.development_areas[0].clone(); DEVELOPMENT_AREAS_MAX];
        let v = c.validated().expect("full lists are valid");
        assert_eq!(v.principles.len(), PRINCIPLES_MAX);
        assert_eq!(v.commitments.len(), COMMITMENTS_MAX);
        assert_eq!(v.development_areas.len(), DEVELOPMENT_AREAS_MAX);
        c.commitments.push(c.commitments[0].clone());
        assert_eq!(errors(&c), [("commitments".into(), "too_many")]);
    }

    #[test]
    fn a_draft_may_lack_principles() {
        let c = VersionContent {
            title: "Utkast".into(),
            purpose: "Syftet skrivs senare.".into(),
            ..VersionContent::default()
        };
        assert!(c.validated().is_ok());
    }

    #[test]
    fn commitments_by_principle() {
        let c = content();
        assert_eq!(
            c.principle(2).map(|p| p.title.as_str()),
            Some("Öppenhet och insyn")
        );
        assert_eq!(c.commitments_serving(1).count(), 2);
        assert_eq!(c.commitments_serving(2).count(), 1);
        assert_eq!(c.commitments_serving(3).count(), 0);
    }
}
