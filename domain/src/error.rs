//! The two ways a request can break the domain: invalid input (each field named) and a
//! broken rule (named by a stable `code`). The API maps the first to 422 and the second to
//! 409 in one place; nothing else in the domain knows about HTTP.

use std::fmt;

/// One invalid field: `field` is the JSON path as the client sent it (`org_number`,
/// `principles[2].title`), `code` a stable machine-readable reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
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

    pub fn add(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.errors.push(FieldError::new(field, code, message));
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

    /// Requires a non-blank text of at most `max` characters; returns it trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, "required", "must not be empty");
            None
        } else if trimmed.chars().count() > max {
            self.add(
                field,
                "too_long",
                format!("must be at most {max} characters"),
            );
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

/// A domain rule a request would break. Each module has its own enum of rules; this trait
/// lets the API layer turn any of them into a 409 with the rule's `code`.
pub trait Rule: fmt::Display + fmt::Debug {
    /// Stable snake_case name of the rule, e.g. `already_signatory`.
    fn code(&self) -> &'static str;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// The input is malformed or incomplete; every offending field is named.
    Invalid(Vec<FieldError>),
    /// The input is well-formed but the current state forbids it.
    Conflict { code: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn rule(rule: &impl Rule) -> Self {
        Self::Conflict {
            code: rule.code(),
            message: rule.to_string(),
        }
    }

    /// The rule code for a conflict, `None` for invalid input.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Conflict { code, .. } => Some(code),
            Self::Invalid(_) => None,
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

/// Implements `Rule` and `From<…> for DomainError` for a module's rule enum, so each module
/// lists its rules once, with their codes, in one place.
#[macro_export]
macro_rules! rules {
    ($ty:ty { $($variant:ident $( { $($field:ident),* $(,)? } )? => $code:literal),* $(,)? }) => {
        impl $crate::error::Rule for $ty {
            fn code(&self) -> &'static str {
                match self {
                    // `{ .. }` matches unit, tuple and struct variants alike.
                    $( Self::$variant { .. } => $code, )*
                }
            }
        }
        impl From<$ty> for $crate::error::DomainError {
            fn from(rule: $ty) -> Self {
                $crate::error::DomainError::rule(&rule)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_collects_every_error() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "  ", 10), None);
        assert_eq!(v.text("title", "abcdefghijk", 10), None);
        assert_eq!(v.text("ok", " Förening ", 10).as_deref(), Some("Förening"));
        let DomainError::Invalid(errors) = v.finish().unwrap_err() else {
            panic!("expected invalid")
        };
        assert_eq!(errors.len(), 2);
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("name", "required")
        );
        assert_eq!(
            (errors[1].field.as_str(), errors[1].code),
            ("title", "too_long")
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
        let e = FieldError::new("org_number", "checksum", "x").nested_in("organizations[0]");
        assert_eq!(e.field, "organizations[0].org_number");
        let e = FieldError::new("[1]", "x", "x").nested_in("statements");
        assert_eq!(e.field, "statements[1]");
    }
}
