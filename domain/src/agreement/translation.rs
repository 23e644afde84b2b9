//! Translations of a version's public texts (issue 16). Swedish is the authoritative text:
//! a translation is recorded on an adopted (or superseded) version, whose text no longer
//! changes, for one language, with who recorded it and when. A translation may be partial;
//! a reader who asks for its language gets the Swedish text wherever it has none, and is
//! told which fields fell back.

use chrono::{DateTime, Utc};

use super::limits::*;
use super::{AgreementField, VersionContent};
use crate::error::{DomainError, Validator};

/// The authoritative language of every agreement's text.
pub const SWEDISH: &str = "sv";

/// The languages an agreement is expected to be translated into: English and the national
/// minority languages (Finnish, Meänkieli, the Sami languages, Romani, Yiddish). Any other
/// well-formed BCP 47 tag is accepted as well.
pub const SUGGESTED_LANGUAGES: [&str; 11] = [
    "en", "fi", "fit", "se", "sma", "smj", "sju", "sje", "rom", "rmf", "yi",
];

/// RFC 5646 asks implementations to handle tags of at least 35 characters; nothing longer is
/// needed for a language, a script and a region.
pub const LANGUAGE_TAG_MAX: usize = 35;

/// A well-formed BCP 47 language tag (RFC 5646), in its normal case (`sv`, `se-Latn-NO`,
/// `sma`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// The tag in its normal case, or why it is not one (`invalid_language`). Nothing is
    /// trimmed: a tag is a code, and the contract states its length as sent.
    pub fn parse(raw: &str) -> Result<Self, AgreementField> {
        if raw.is_empty() || raw.len() > LANGUAGE_TAG_MAX {
            return Err(AgreementField::InvalidLanguage);
        }
        oxilangtag::LanguageTag::parse_and_normalize(raw)
            .map(|t| Self(t.into_inner()))
            .map_err(|_| AgreementField::InvalidLanguage)
    }

    pub fn swedish() -> Self {
        Self(SWEDISH.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Swedish in any region or script (`sv`, `sv-FI`): the authoritative text.
    pub fn is_swedish(&self) -> bool {
        self.primary().eq_ignore_ascii_case(SWEDISH)
    }

    fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// A stored tag, read back: trusted stored data.
    pub fn restore(stored: String) -> Self {
        Self(stored)
    }
}

impl std::fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The translation of one principle, named by its number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrincipleTranslation {
    pub number: u32,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The translation of one commitment, named by its place in the version's list (from 0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitmentTranslation {
    pub index: u32,
    pub title: Option<String>,
    pub text: Option<String>,
}

/// The translation of one development area, named by its place in the list (from 0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DevelopmentAreaTranslation {
    pub index: u32,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The translated texts of a version: the title always, the rest where translated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TranslatedTexts {
    pub title: String,
    pub purpose: Option<String>,
    pub principles: Vec<PrincipleTranslation>,
    pub commitments: Vec<CommitmentTranslation>,
    pub development_areas: Vec<DevelopmentAreaTranslation>,
}

/// A translation as the caller states it; [`super::Agreement::translate_version`] checks it
/// against the version it translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationInput {
    pub language: String,
    pub texts: TranslatedTexts,
    /// The token's `sub`.
    pub recorded_by: String,
    /// When (the caller's clock: the domain reads none).
    pub recorded_at: DateTime<Utc>,
}

/// A recorded translation of one version into one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTranslation {
    language: LanguageTag,
    texts: TranslatedTexts,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

impl VersionTranslation {
    pub fn language(&self) -> &LanguageTag {
        &self.language
    }

    pub fn texts(&self) -> &TranslatedTexts {
        &self.texts
    }

    pub fn recorded_by(&self) -> &str {
        &self.recorded_by
    }

    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }

    /// A stored translation, read back: trusted stored data, not a way around the rules.
    pub fn restore(
        language: LanguageTag,
        texts: TranslatedTexts,
        recorded_by: String,
        recorded_at: DateTime<Utc>,
    ) -> Self {
        Self {
            language,
            texts,
            recorded_by,
            recorded_at,
        }
    }

    /// The input checked against the content it translates: a well-formed language other
    /// than Swedish, texts within the original's limits, and every principle, commitment and
    /// development area it names present in the original, each named once.
    pub(super) fn validated(
        input: TranslationInput,
        original: &VersionContent,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let language = match LanguageTag::parse(&input.language) {
            Ok(tag) if tag.is_swedish() => {
                v.add("language", AgreementField::SwedishIsTheOriginal);
                None
            }
            Ok(tag) => Some(tag),
            Err(e) => {
                v.add("language", e);
                None
            }
        };
        let t = &input.texts;
        let title = v.text("title", &t.title, TITLE_MAX);
        let purpose = v.optional_text("purpose", t.purpose.as_deref(), PURPOSE_MAX);

        let mut principles: Vec<PrincipleTranslation> = Vec::new();
        if t.principles.len() > PRINCIPLES_MAX {
            v.add(
                "principles",
                AgreementField::TooManyPrinciples {
                    max: PRINCIPLES_MAX,
                },
            );
        } else {
            for (i, p) in t.principles.iter().enumerate() {
                let field = format!("principles[{i}]");
                if original.principle(p.number).is_none() {
                    v.add(
                        format!("{field}.number"),
                        AgreementField::UnknownPrinciple { number: p.number },
                    );
                } else if principles.iter().any(|q| q.number == p.number) {
                    v.add(
                        format!("{field}.number"),
                        AgreementField::PrincipleListedTwice { number: p.number },
                    );
                }
                principles.push(PrincipleTranslation {
                    number: p.number,
                    title: v.optional_text(
                        &format!("{field}.title"),
                        p.title.as_deref(),
                        PRINCIPLE_TITLE_MAX,
                    ),
                    description: v.optional_text(
                        &format!("{field}.description"),
                        p.description.as_deref(),
                        PRINCIPLE_DESCRIPTION_MAX,
                    ),
                });
            }
        }

        let mut commitments: Vec<CommitmentTranslation> = Vec::new();
        if t.commitments.len() > COMMITMENTS_MAX {
            v.add(
                "commitments",
                AgreementField::TooManyCommitments {
                    max: COMMITMENTS_MAX,
                },
            );
        } else {
            for (i, c) in t.commitments.iter().enumerate() {
                let field = format!("commitments[{i}]");
                check_index(
                    &mut v,
                    &field,
                    c.index,
                    original.commitments.len(),
                    commitments.iter().any(|d| d.index == c.index),
                );
                commitments.push(CommitmentTranslation {
                    index: c.index,
                    title: v.optional_text(
                        &format!("{field}.title"),
                        c.title.as_deref(),
                        COMMITMENT_TITLE_MAX,
                    ),
                    text: v.optional_text(
                        &format!("{field}.text"),
                        c.text.as_deref(),
                        COMMITMENT_TEXT_MAX,
                    ),
                });
            }
        }

        let mut development_areas: Vec<DevelopmentAreaTranslation> = Vec::new();
        if t.development_areas.len() > DEVELOPMENT_AREAS_MAX {
            v.add(
                "development_areas",
                AgreementField::TooManyDevelopmentAreas {
                    max: DEVELOPMENT_AREAS_MAX,
                },
            );
        } else {
            for (i, a) in t.development_areas.iter().enumerate() {
                let field = format!("development_areas[{i}]");
                check_index(
                    &mut v,
                    &field,
                    a.index,
                    original.development_areas.len(),
                    development_areas.iter().any(|d| d.index == a.index),
                );
                development_areas.push(DevelopmentAreaTranslation {
                    index: a.index,
                    title: v.optional_text(
                        &format!("{field}.title"),
                        a.title.as_deref(),
                        DEVELOPMENT_AREA_TITLE_MAX,
                    ),
                    description: v.optional_text(
                        &format!("{field}.description"),
                        a.description.as_deref(),
                        DEVELOPMENT_AREA_DESCRIPTION_MAX,
                    ),
                });
            }
        }

        v.finish()?;
        Ok(Self {
            language: language.unwrap_or_else(LanguageTag::swedish),
            texts: TranslatedTexts {
                title: title.unwrap_or_default(),
                purpose,
                principles,
                commitments,
                development_areas,
            },
            recorded_by: input.recorded_by,
            recorded_at: input.recorded_at,
        })
    }
}

fn check_index(v: &mut Validator, field: &str, index: u32, len: usize, taken: bool) {
    let field = format!("{field}.index");
    if usize::try_from(index).map_or(true, |i| i >= len) {
        v.add(field, AgreementField::NoSuchItem { index, count: len });
    } else if taken {
        v.add(field, AgreementField::ItemListedTwice { index });
    }
}

/// A version's content in the language a reader asked for: the translation where it has a
/// text, Swedish elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizedContent {
    /// The language of the translated texts; Swedish when no translation was used.
    pub language: LanguageTag,
    pub content: VersionContent,
    /// The fields shown in Swedish because the translation has no text for them, named as
    /// the content names them (`purpose`, `principles[1].description`, …). Empty for Swedish.
    pub fallback: Vec<String>,
}

/// `original` in `translation`'s language, with every field it lacks kept in Swedish and
/// named in `fallback`. The background is not among the translated texts: shown, it is
/// always a fallback.
pub fn localize(original: &VersionContent, translation: &VersionTranslation) -> LocalizedContent {
    let t = &translation.texts;
    let mut content = original.clone();
    let mut fallback = Vec::new();
    content.title = t.title.clone();
    match &t.purpose {
        Some(p) => content.purpose = p.clone(),
        None => fallback.push("purpose".to_owned()),
    }
    if content.background.is_some() {
        fallback.push("background".to_owned());
    }
    for (i, p) in content.principles.iter_mut().enumerate() {
        let found = t.principles.iter().find(|q| q.number == p.number);
        let field = format!("principles[{i}]");
        translate(
            &mut p.title,
            found.and_then(|q| q.title.as_ref()),
            &format!("{field}.title"),
            &mut fallback,
        );
        translate(
            &mut p.description,
            found.and_then(|q| q.description.as_ref()),
            &format!("{field}.description"),
            &mut fallback,
        );
    }
    for (i, c) in content.commitments.iter_mut().enumerate() {
        let found = t
            .commitments
            .iter()
            .find(|d| usize::try_from(d.index).is_ok_and(|x| x == i));
        let field = format!("commitments[{i}]");
        if c.title.is_some() {
            match found.and_then(|d| d.title.as_ref()) {
                Some(title) => c.title = Some(title.clone()),
                None => fallback.push(format!("{field}.title")),
            }
        }
        translate(
            &mut c.text,
            found.and_then(|d| d.text.as_ref()),
            &format!("{field}.text"),
            &mut fallback,
        );
    }
    for (i, a) in content.development_areas.iter_mut().enumerate() {
        let found = t
            .development_areas
            .iter()
            .find(|d| usize::try_from(d.index).is_ok_and(|x| x == i));
        let field = format!("development_areas[{i}]");
        translate(
            &mut a.title,
            found.and_then(|d| d.title.as_ref()),
            &format!("{field}.title"),
            &mut fallback,
        );
        translate(
            &mut a.description,
            found.and_then(|d| d.description.as_ref()),
            &format!("{field}.description"),
            &mut fallback,
        );
    }
    LocalizedContent {
        language: translation.language.clone(),
        content,
        fallback,
    }
}

fn translate(text: &mut String, translated: Option<&String>, field: &str, fell: &mut Vec<String>) {
    match translated {
        Some(t) => t.clone_into(text),
        None => fell.push(field.to_owned()),
    }
}

/// The language to answer in, of `available` (Swedish always is), for a reader's
/// preferences in order (`?lang=` alone, or `Accept-Language`'s ranges by weight): the first
/// preference that names an available language exactly or by a prefix of its subtags
/// (RFC 4647 lookup: `fi-FI` finds `fi`), or that an available tag extends (`se` finds
/// `se-NO`). `*` and no match at all give Swedish.
pub fn pick_language<'a>(
    preferences: &[&str],
    available: impl IntoIterator<Item = &'a LanguageTag> + Clone,
) -> LanguageTag {
    for preference in preferences {
        let wanted = preference.trim().to_ascii_lowercase();
        if wanted.is_empty() || wanted == "*" {
            return LanguageTag::swedish();
        }
        if wanted.split('-').next() == Some(SWEDISH) {
            return LanguageTag::swedish();
        }
        let mut range = wanted.as_str();
        loop {
            if let Some(tag) = available
                .clone()
                .into_iter()
                .find(|t| t.as_str().eq_ignore_ascii_case(range))
            {
                return tag.clone();
            }
            match range.rfind('-') {
                Some(cut) => range = &range[..cut],
                None => break,
            }
        }
        if let Some(tag) = available.clone().into_iter().find(|t| {
            t.as_str()
                .to_ascii_lowercase()
                .strip_prefix(&wanted)
                .is_some_and(|rest| rest.starts_with('-'))
        }) {
            return tag.clone();
        }
    }
    LanguageTag::swedish()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::agreement::testing::*;
    use crate::agreement::{VersionStatus, limits};

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
    }

    fn finnish() -> TranslationInput {
        TranslationInput {
            language: "FI".into(),
            texts: TranslatedTexts {
                title: " Yhteistyösopimus ".into(),
                purpose: Some("Luoda yhteiset toimintatavat.".into()),
                principles: vec![PrincipleTranslation {
                    number: 2,
                    title: Some("Avoimuus".into()),
                    description: None,
                }],
                commitments: vec![CommitmentTranslation {
                    index: 1,
                    title: None,
                    text: Some("Levittää tietoa sopimuksesta".into()),
                }],
                development_areas: vec![],
            },
            recorded_by: "handläggare-åsa".into(),
            recorded_at: at(),
        }
    }

    #[test]
    fn tags_are_checked_and_normalised() {
        assert_eq!(
            LanguageTag::parse("se-latn-no").unwrap().as_str(),
            "se-Latn-NO"
        );
        assert_eq!(LanguageTag::parse("FIT").unwrap().as_str(), "fit");
        for tag in SUGGESTED_LANGUAGES {
            assert_eq!(LanguageTag::parse(tag).unwrap().as_str(), tag);
        }
        for bad in [
            "",
            "f",
            " fi",
            "fi_FI",
            "en--GB",
            "ä",
            "toolonglanguage",
            &"a-".repeat(20),
        ] {
            assert_eq!(
                LanguageTag::parse(bad),
                Err(AgreementField::InvalidLanguage),
                "{bad}"
            );
        }
        assert!(LanguageTag::parse("sv-FI").unwrap().is_swedish());
        assert!(!LanguageTag::parse("se").unwrap().is_swedish());
    }

    #[test]
    fn an_adopted_version_is_translated_and_the_record_says_who_and_when() {
        let mut a = adopted(date(2026, 1, 15));
        let before = a.clone();
        a.translate_version(1, finnish()).expect("translates");
        assert_eq!(
            crate::change::ChangeType::of_agreement(&before, &a),
            [crate::change::ChangeType::AgreementVersionTranslated]
        );
        let v = a.version(1).unwrap();
        let [t] = v.translations() else {
            panic!("one translation")
        };
        assert_eq!(t.language().as_str(), "fi");
        assert_eq!(t.texts().title, "Yhteistyösopimus");
        assert_eq!(t.recorded_by(), "handläggare-åsa");
        assert_eq!(t.recorded_at(), at());
        // Recorded again, the translation replaces the one before.
        let mut again = finnish();
        again.language = "fi".into();
        again.texts.purpose = None;
        a.translate_version(1, again).expect("translates again");
        let [t] = a.version(1).unwrap().translations() else {
            panic!("still one")
        };
        assert_eq!(t.texts().purpose, None);
    }

    #[test]
    fn only_an_adopted_text_is_translated() {
        let mut d = draft();
        assert_eq!(
            rule(d.translate_version(1, finnish())),
            "version_not_translatable"
        );
        let mut a = adopted(date(2026, 1, 15));
        a.start_revision(content()).expect("revision");
        assert_eq!(
            rule(a.translate_version(2, finnish())),
            "version_not_translatable"
        );
        assert_eq!(a.version(2).map(|v| v.status()), Some(VersionStatus::Draft));
    }

    #[test]
    fn every_wrong_value_is_named() {
        let mut a = adopted(date(2026, 1, 15));
        let mut t = finnish();
        t.language = "sv-FI".into();
        t.texts.title = " ".into();
        t.texts.purpose = Some("å".repeat(limits::PURPOSE_MAX + 1));
        t.texts.principles.push(PrincipleTranslation {
            number: 2,
            ..Default::default()
        });
        t.texts.principles.push(PrincipleTranslation {
            number: 7,
            ..Default::default()
        });
        t.texts.commitments.push(CommitmentTranslation {
            index: 2,
            ..Default::default()
        });
        t.texts.commitments.push(CommitmentTranslation {
            index: 1,
            ..Default::default()
        });
        assert_eq!(
            invalid_fields(a.translate_version(1, t)),
            [
                ("language".into(), "swedish_is_the_original"),
                ("title".into(), "required"),
                ("purpose".into(), "too_long"),
                ("principles[1].number".into(), "duplicate"),
                ("principles[2].number".into(), "unknown_principle"),
                ("commitments[1].index".into(), "out_of_range"),
                ("commitments[2].index".into(), "duplicate"),
            ]
        );
        let mut bad = finnish();
        bad.language = "fi_FI".into();
        assert_eq!(
            invalid_fields(a.translate_version(1, bad)),
            [("language".into(), "invalid_language")]
        );
        assert!(a.version(1).unwrap().translations().is_empty());
    }

    #[test]
    fn a_partial_translation_falls_back_to_swedish_and_says_where() {
        let mut a = adopted(date(2026, 1, 15));
        a.translate_version(1, finnish()).expect("translates");
        let v = a.version(1).unwrap();
        let l = localize(v.content(), &v.translations()[0]);
        assert_eq!(l.language.as_str(), "fi");
        assert_eq!(l.content.title, "Yhteistyösopimus");
        assert_eq!(l.content.principles[1].title, "Avoimuus");
        assert_eq!(l.content.principles[0].title, "Långsiktighet");
        assert_eq!(
            l.content.commitments[1].text,
            "Levittää tietoa sopimuksesta"
        );
        assert_eq!(
            l.fallback,
            [
                "background",
                "principles[0].title",
                "principles[0].description",
                "principles[1].description",
                "commitments[0].text",
                "development_areas[0].title",
                "development_areas[0].description",
            ]
        );
    }

    #[test]
    fn the_language_is_picked_from_what_exists() {
        let fi = LanguageTag::parse("fi").unwrap();
        let se = LanguageTag::parse("se-NO").unwrap();
        let available = [&fi, &se];
        let pick = |p: &[&str]| pick_language(p, available).as_str().to_owned();
        assert_eq!(pick(&["fi"]), "fi");
        assert_eq!(pick(&["fi-FI"]), "fi");
        assert_eq!(pick(&["se"]), "se-NO");
        assert_eq!(pick(&["de", "fi"]), "fi");
        assert_eq!(pick(&["sv-SE", "fi"]), "sv", "Swedish first wins");
        assert_eq!(pick(&["de"]), "sv");
        assert_eq!(pick(&["*"]), "sv");
        assert_eq!(pick(&[]), "sv");
    }
}
