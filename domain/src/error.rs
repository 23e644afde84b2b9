//! How the domain refuses, and what it says, in English and Swedish.
//!
//! A refusal is of one of two kinds, and the kind alone decides the HTTP status (the API
//! maps it in one place):
//! - [`DomainError::Conflict`]: the current state forbids the operation, whatever the
//!   request's values (approving a withdrawn accession, a second open accession). Named by
//!   the rule's `code`; 409.
//! - [`DomainError::Invalid`]: a value of the request is wrong — malformed, out of range, or
//!   contradicting a recorded fact it is checked against (an approval dated before the
//!   adoption, a withdrawal before the approval, a cited decision about another accession).
//!   Every field at fault is named; 422.
//!
//! Each module lists its rules once with [`rules!`] and what can be wrong with its values
//! with [`field_errors!`]: each entry has its stable English `code` and its message in
//! English and Swedish, with the entry's fields interpolated in the message's language
//! (`{state}` is "withdrawn" in one and "avslutad genom utträde" in the other). Both texts
//! are required by the macros' syntax and checked at compile time: neither may be empty,
//! they may not be equal, and they must name the same fields.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;

/// The languages the domain speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Sv,
}

impl Lang {
    /// One of two texts, by language.
    pub fn pick<T>(self, en: T, sv: T) -> T {
        match self {
            Self::En => en,
            Self::Sv => sv,
        }
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    en: String,
    sv: String,
}

impl Message {
    pub fn new(en: impl Into<String>, sv: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            sv: sv.into(),
        }
    }

    /// What a rule or field error says, in both languages.
    pub fn of(text: &(impl Text + ?Sized)) -> Self {
        Self::new(text.message(Lang::En), text.message(Lang::Sv))
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.sv)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A refusal with a stable code and a message in either language: a rule, or what is
/// wrong with a value. [`rules!`] and [`field_errors!`] implement it.
pub trait Text {
    /// Stable snake_case name, e.g. `already_signatory`; the same in every language.
    fn code(&self) -> &'static str;
    fn message(&self, lang: Lang) -> String;
}

/// A rule of the domain: breaking it is a [`DomainError::Conflict`].
pub trait Rule: Text {}

/// One entry of a list of rules or field errors as written, for the checks over all texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub code: &'static str,
    pub en: &'static str,
    pub sv: &'static str,
}

/// Every text of one list of rules or field errors.
pub trait Catalogue {
    const TEMPLATES: &'static [Template];
    /// The list's codes in order, one per entry (field errors may repeat one): what the
    /// OpenAPI document offers as the enum of a problem's `code` or `errors[].code`.
    const CODES: &'static [&'static str];
}

/// A value shown inside a message, in the message's language: a state by its Swedish name
/// in the Swedish text; a date or a number as it is.
pub trait Term {
    fn term(&self, lang: Lang) -> Cow<'_, str>;
}

impl<T: Term + ?Sized> Term for &T {
    fn term(&self, lang: Lang) -> Cow<'_, str> {
        (**self).term(lang)
    }
}

impl Term for str {
    fn term(&self, _: Lang) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl Term for String {
    fn term(&self, _: Lang) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! displayed_terms {
    ($($ty:ty),*) => {$(
        impl Term for $ty {
            fn term(&self, _: Lang) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
// ISO dates read the same in both languages (Swedish official usage writes 2024-03-12).
displayed_terms!(NaiveDate, u32, u64, usize, i64);

/// Shows a [`Term`] in a language; the macros wrap every interpolated field in it.
pub struct In<'a, T: ?Sized>(pub &'a T, pub Lang);

impl<T: Term + ?Sized> fmt::Display for In<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.term(self.1))
    }
}

/// One invalid field: `field` is the JSON path as the client sent it (`org_number`,
/// `principles[2].title`), `code` a stable machine-readable reason, `message` what is wrong
/// in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: Message,
}

impl FieldError {
    pub fn new(field: impl Into<String>, error: &(impl Text + ?Sized)) -> Self {
        Self {
            field: field.into(),
            code: error.code(),
            message: Message::of(error),
        }
    }

    /// The same error reported under a parent field (`org_number` → `organizations[0].org_number`).
    pub fn nested_in(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() {
            parent.to_owned()
        } else if self.field.starts_with('[') {
            format!("{parent}{}", self.field)
        } else {
            format!("{parent}.{}", self.field)
        };
        self
    }
}

crate::field_errors! {
    /// What any text can get wrong.
    pub enum CommonField {
        Required => "required" {
            en: "must not be empty",
            sv: "måste fyllas i",
        },
        TooLong { max: usize } => "too_long" {
            en: "must be at most {max} characters",
            sv: "får vara högst {max} tecken långt",
        },
        InFuture => "in_future" {
            en: "cannot be in the future",
            sv: "kan inte ligga i framtiden",
        },
        ListedTwice => "duplicate" {
            en: "listed twice",
            sv: "finns redan med i listan",
        },
        ControlCharacter => "control_character" {
            en: "must not contain control characters, direction overrides, or invisible characters at its start or end",
            sv: "får inte innehålla styrtecken, tecken som vänder skrivriktningen eller osynliga tecken först eller sist",
        },
    }
}

/// Whether a text the register shows (public pages, CSV, embedded lists) holds a character
/// that does not belong there: a C0 control (a line break or tab is allowed where
/// `line_breaks` says so), DEL or a C1 control, a bidirectional override or isolate (U+202A–
/// U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C), or a zero-width character
/// (U+200B–U+200D, U+2060, U+FEFF) at its start or end, where it is invisible and makes two
/// names look the same.
pub fn has_unshowable_character(text: &str, line_breaks: bool) -> bool {
    const ZERO_WIDTH: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];
    let control = text.chars().any(|c| match c {
        '\t' | '\n' | '\r' => !line_breaks,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        '\u{200E}' | '\u{200F}' | '\u{061C}' => true,
        _ => false,
    });
    let edges = text.chars().next().into_iter().chain(text.chars().last());
    control || edges.into_iter().any(|c| ZERO_WIDTH.contains(&c))
}

/// Collects field errors so that a client learns every problem of a request at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn add(&mut self, field: impl Into<String>, error: impl Text) {
        self.errors.push(FieldError::new(field, &error));
    }

    /// Keeps the value of a successful parse, records the error of a failed one.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    /// Requires a non-blank text of at most `max` characters, with no character it cannot
    /// show (`has_unshowable_character`; line breaks and tabs allowed); returns it trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        self.checked_text(field, value, max, true)
    }

    /// A name, or any other text of one line: as `text`, and no line break or tab either.
    pub fn line(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        self.checked_text(field, value, max, false)
    }

    fn checked_text(
        &mut self,
        field: &str,
        value: &str,
        max: usize,
        line_breaks: bool,
    ) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, CommonField::Required);
            None
        } else if trimmed.chars().count() > max {
            self.add(field, CommonField::TooLong { max });
            None
        } else if has_unshowable_character(trimmed, line_breaks) {
            self.add(field, CommonField::ControlCharacter);
            None
        } else {
            Some(trimmed.to_owned())
        }
    }

    /// An optional text: blank means absent.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        match value.map(str::trim) {
            None | Some("") => None,
            Some(v) => self.text(field, v, max),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.errors))
        }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value of the request is wrong; every offending field is named (422).
    Invalid(Vec<FieldError>),
    /// The current state forbids the operation; `code` names the rule (409).
    Conflict {
        code: &'static str,
        message: Message,
    },
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, error: impl Text) -> Self {
        Self::Invalid(vec![FieldError::new(field, &error)])
    }

    pub fn rule(rule: &(impl Rule + ?Sized)) -> Self {
        Self::Conflict {
            code: rule.code(),
            message: Message::of(rule),
        }
    }

    /// The rule code for a conflict, `None` for invalid input.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Conflict { code, .. } => Some(code),
            Self::Invalid(_) => None,
        }
    }

    /// The invalid fields with their codes, `(field, code)`; empty for a conflict.
    pub fn fields(&self) -> Vec<(&str, &'static str)> {
        match self {
            Self::Invalid(errors) => errors.iter().map(|e| (e.field.as_str(), e.code)).collect(),
            Self::Conflict { .. } => Vec::new(),
        }
    }
}

impl From<FieldError> for DomainError {
    fn from(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(errors) => {
                write!(f, "invalid input:")?;
                for e in errors {
                    write!(f, " {}: {};", e.field, e.message)?;
                }
                Ok(())
            }
            Self::Conflict { code, message } => write!(f, "{code}: {message}"),
        }
    }
}

impl std::error::Error for DomainError {}

/// The compile-time check of one entry's texts (see [`rules!`]): both present, not the same
/// text, and naming the same `{fields}`.
pub const fn check_texts(en: &str, sv: &str) {
    assert!(
        !en.is_empty() && !sv.is_empty(),
        "a message must exist in English and in Swedish"
    );
    assert!(
        !same_bytes(en.as_bytes(), sv.as_bytes()),
        "the Swedish message is the English one: translate it"
    );
    assert!(
        placeholders_within(en.as_bytes(), sv.as_bytes())
            && placeholders_within(sv.as_bytes(), en.as_bytes()),
        "the English and Swedish messages must interpolate the same fields"
    );
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Every `{name}` of `a` occurs in `b`.
const fn placeholders_within(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if a[i] == b'{' {
            let mut end = i + 1;
            while end < a.len() && a[end] != b'}' {
                end += 1;
            }
            if !contains(b, a, i, end + 1) {
                return false;
            }
            i = end;
        }
        i += 1;
    }
    true
}

/// Whether `haystack` contains `needle[from..to]`.
const fn contains(haystack: &[u8], needle: &[u8], from: usize, to: usize) -> bool {
    let len = to - from;
    if len > haystack.len() {
        return false;
    }
    let mut start = 0;
    while start + len <= haystack.len() {
        let mut k = 0;
        while k < len && haystack[start + k] == needle[from + k] {
            k += 1;
        }
        if k == len {
            return true;
        }
        start += 1;
    }
    false
}

/// Declares a module's rules once: the enum, each variant's code and its message in English
/// and Swedish (the variant's fields interpolated by name). Breaking one is a
/// [`DomainError::Conflict`] (409): use it when the current state forbids the operation,
/// and [`field_errors!`] when a value of the request is wrong.
///
/// ```ignore
/// rules! {
///     /// The rules an accession request can break.
///     pub enum AccessionRule {
///         NotApproved { state: AccessionState } => "accession_not_approved" {
///             en: "only an approved accession can be withdrawn; this one is {state}",
///             sv: "bara en godkänd anslutning kan avslutas; den här är {state}",
///         },
///     }
/// }
/// ```
#[macro_export]
macro_rules! rules {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({ $($field:ident : $fty:ty),* $(,)? })? => $code:literal {
                    en: $en:literal,
                    sv: $sv:literal $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $crate::__catalogue! {
            $(#[$meta])*
            $vis enum $name {
                $( $(#[$vmeta])* $variant $({ $($field : $fty),* })? => $code { en: $en, sv: $sv } ),*
            }
        }
        impl $crate::error::Rule for $name {}
        impl ::std::convert::From<$name> for $crate::error::DomainError {
            fn from(rule: $name) -> Self {
                $crate::error::DomainError::rule(&rule)
            }
        }
    };
}

/// Declares what can be wrong with a module's values, like [`rules!`]: the enum, each
/// variant's code (several variants may share one, `required`, with their own messages) and
/// its message in English and Swedish. `error.at("field")` is the [`FieldError`] naming the
/// field; a [`DomainError::Invalid`] (422).
#[macro_export]
macro_rules! field_errors {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({ $($field:ident : $fty:ty),* $(,)? })? => $code:literal {
                    en: $en:literal,
                    sv: $sv:literal $(,)?
                }
            ),* $(,)?
        }
    ) => {
        $crate::__catalogue! {
            $(#[$meta])*
            $vis enum $name {
                $( $(#[$vmeta])* $variant $({ $($field : $fty),* })? => $code { en: $en, sv: $sv } ),*
            }
        }
        impl $name {
            /// This error at `field` (the request's JSON path).
            pub fn at(&self, field: impl ::std::convert::Into<String>) -> $crate::error::FieldError {
                $crate::error::FieldError::new(field, self)
            }
        }
    };
}

/// What [`rules!`] and [`field_errors!`] share: the enum, `code`, `message` in either
/// language, the templates, `Display` (English) and the compile-time check of the texts.
#[doc(hidden)]
#[macro_export]
macro_rules! __catalogue {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({ $($field:ident : $fty:ty),* })? => $code:literal {
                    en: $en:literal, sv: $sv:literal
                }
            ),*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant $({ $($field : $fty),* })? ),*
        }

        impl $name {
            /// Stable snake_case code, the same in every language.
            pub fn code(&self) -> &'static str {
                match self {
                    // `{ .. }` matches unit and struct variants alike.
                    $( Self::$variant { .. } => $code, )*
                }
            }

            /// The message in `lang`, with the variant's fields in that language.
            #[allow(unused_variables)]
            pub fn message(&self, lang: $crate::error::Lang) -> String {
                match self {
                    $(
                        Self::$variant $({ $($field),* })? => {
                            $($( let $field = $crate::error::In($field, lang); )*)?
                            match lang {
                                $crate::error::Lang::En => format!($en),
                                $crate::error::Lang::Sv => format!($sv),
                            }
                        }
                    )*
                }
            }
        }

        impl $crate::error::Text for $name {
            fn code(&self) -> &'static str {
                $name::code(self)
            }
            fn message(&self, lang: $crate::error::Lang) -> String {
                $name::message(self, lang)
            }
        }

        impl $crate::error::Catalogue for $name {
            const TEMPLATES: &'static [$crate::error::Template] = &[
                $( $crate::error::Template { code: $code, en: $en, sv: $sv } ),*
            ];
            const CODES: &'static [&'static str] = &[$($code),*];
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.message($crate::error::Lang::En))
            }
        }

        impl ::std::error::Error for $name {}

        $( const _: () = $crate::error::check_texts($en, $sv); )*
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn texts_refuse_what_cannot_be_shown() {
        let mut v = super::Validator::new();
        assert_eq!(
            v.line("name", " Föreningen Åkerö ", 200).as_deref(),
            Some("Föreningen Åkerö")
        );
        assert_eq!(
            v.text("text", "rad ett\nrad två\tflik", 200).as_deref(),
            Some("rad ett\nrad två\tflik")
        );
        assert!(v.is_empty());
        for bad in [
            "a\u{0}b",
            "a\u{1F}b",
            "a\u{7F}b",
            "a\u{85}b",
            "a\u{9F}b",
            "evil\u{202E}gpj.exe",
            "a\u{2066}b",
            "a\u{200F}b",
            "\u{200B}Eslöv",
            "Eslöv\u{FEFF}",
            "\u{2060}x",
        ] {
            let mut v = super::Validator::new();
            assert_eq!(v.text("name", bad, 200), None, "{bad:?}");
            assert_eq!(v.into_errors()[0].code, "control_character", "{bad:?}");
        }
        for line_break in ["a\nb", "a\tb", "a\rb"] {
            let mut v = super::Validator::new();
            assert_eq!(v.line("name", line_break, 200), None, "{line_break:?}");
        }
        // A zero-width joiner inside a name (emoji sequences, some scripts) is kept.
        assert!(!super::has_unshowable_character("a\u{200D}b", false));
    }

    use super::*;

    #[test]
    fn validator_collects_every_error() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "  ", 10), None);
        assert_eq!(v.text("title", "abcdefghijk", 10), None);
        assert_eq!(v.text("ok", " Förening ", 10).as_deref(), Some("Förening"));
        let error = v.finish().unwrap_err();
        assert_eq!(
            error.fields(),
            [("name", "required"), ("title", "too_long")]
        );
        let DomainError::Invalid(errors) = error else {
            panic!("expected invalid")
        };
        assert_eq!(
            errors[1].message.get(Lang::En),
            "must be at most 10 characters"
        );
        assert_eq!(
            errors[1].message.get(Lang::Sv),
            "får vara högst 10 tecken långt"
        );
    }

    #[test]
    fn a_text_limit_counts_characters_and_includes_the_limit() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "Åsa Ö", 5).as_deref(), Some("Åsa Ö"));
        assert_eq!(
            v.optional_text("note", Some(" ÅÄÖåä "), 5).as_deref(),
            Some("ÅÄÖåä")
        );
        assert_eq!(v.optional_text("note", Some("  "), 5), None);
        assert!(v.is_empty());
        assert_eq!(v.text("name", "Åsa Öx", 5), None);
        assert_eq!(v.into_errors()[0].code, "too_long");
    }

    #[test]
    fn nested_field_paths() {
        let e = CommonField::Required
            .at("org_number")
            .nested_in("organizations[0]");
        assert_eq!(e.field, "organizations[0].org_number");
        let e = CommonField::ListedTwice.at("[1]").nested_in("statements");
        assert_eq!(e.field, "statements[1]");
    }

    #[test]
    fn texts_are_checked_for_both_languages_and_the_same_fields() {
        assert!(placeholders_within(b"on {date}", b"den {date}"));
        assert!(!placeholders_within(b"on {date}", b"den {day}"));
        assert!(placeholders_within(b"no fields", b"inga"));
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
        assert!(contains(b"xx{max}", b"{max}", 0, 5));
        assert!(!contains(b"{ma", b"{max}", 0, 5));
    }

    /// Every rule and field error of the domain has an English and a Swedish text, different
    /// from each other, naming the same fields; rule codes are unique across the domain. (The
    /// macros refuse a missing or equal text at compile time; this states it over the whole
    /// domain, and is the list a new catalogue joins.)
    #[test]
    fn every_rule_and_field_error_speaks_english_and_swedish() {
        let rules: &[&[Template]] = &[
            crate::accession::AccessionRule::TEMPLATES,
            crate::agreement::AgreementRule::TEMPLATES,
            crate::steering::SteeringRule::TEMPLATES,
        ];
        let fields: &[&[Template]] = &[
            CommonField::TEMPLATES,
            crate::accession::AccessionField::TEMPLATES,
            crate::agreement::AgreementField::TEMPLATES,
            crate::steering::SteeringField::TEMPLATES,
            crate::party::PartyField::TEMPLATES,
            crate::org_number::OrgNumberError::TEMPLATES,
            crate::scb::ScbCodeError::TEMPLATES,
        ];
        let mut rule_codes = Vec::new();
        for t in rules.iter().chain(fields).flat_map(|c| c.iter()) {
            assert!(!t.en.trim().is_empty(), "{}: no English text", t.code);
            assert!(!t.sv.trim().is_empty(), "{}: no Swedish text", t.code);
            assert_ne!(
                t.en, t.sv,
                "{}: the Swedish text is the English one",
                t.code
            );
            assert!(
                t.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}: codes are English snake_case",
                t.code
            );
            assert!(
                placeholders_within(t.en.as_bytes(), t.sv.as_bytes())
                    && placeholders_within(t.sv.as_bytes(), t.en.as_bytes()),
                "{}: both texts must name the same fields",
                t.code
            );
        }
        for t in rules.iter().flat_map(|c| c.iter()) {
            assert!(!rule_codes.contains(&t.code), "{}: rule code twice", t.code);
            rule_codes.push(t.code);
        }
    }
}
