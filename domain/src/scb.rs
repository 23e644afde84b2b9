//! SCB codes: how Statistics Sweden numbers counties (län) and municipalities (kommuner).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The 21 county codes in use since 1998 (02, 11, 15 and 16 were merged away).
pub const COUNTY_CODES: [&str; 21] = [
    "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20",
    "21", "22", "23", "24", "25",
];

/// [`COUNTY_CODES`] as a regular-expression group, for the JSON Schemas of codes (a test
/// keeps the two equal).
pub const COUNTY_CODE_PATTERN: &str =
    "(?:01|03|04|05|06|07|08|09|10|12|13|14|17|18|19|20|21|22|23|24|25)";

pub fn is_county_code(code: &str) -> bool {
    COUNTY_CODES.contains(&code)
}

/// Whether a stored code is a municipality code (kommunkod), as opposed to a county code:
/// exactly what [`MunicipalityCode::parse`] reads, with nothing to trim.
pub fn is_municipality_code(code: &str) -> bool {
    MunicipalityCode::parse(code).is_ok_and(|c| c.as_str() == code)
}

crate::field_errors! {
    /// What is wrong with a municipality code.
    pub enum ScbCodeError {
        FourDigits => "municipality_code" {
            en: "a municipality code is four digits, e.g. 1285",
            sv: "en kommunkod har fyra siffror, till exempel 1285",
        },
        NoSuchCounty => "municipality_code" {
            en: "the first two digits of a municipality code must be a county code",
            sv: "en kommunkods två första siffror måste vara en länskod",
        },
    }
}

/// A municipality code (kommunkod): four digits, the first two a county code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    pub fn parse(input: &str) -> Result<Self, ScbCodeError> {
        let s = input.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScbCodeError::FourDigits);
        }
        if !is_county_code(&s[..2]) {
            return Err(ScbCodeError::NoSuchCounty);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        Self::parse(input).map_err(|e| e.at(field))
    }

    pub fn county_code(&self) -> &str {
        &self.0[..2]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = ScbCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MunicipalityCode> for String {
    fn from(value: MunicipalityCode) -> Self {
        value.0
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_one_counties() {
        assert_eq!(COUNTY_CODES.len(), 21);
        for gone in ["00", "02", "11", "15", "16", "26"] {
            assert!(!is_county_code(gone), "{gone}");
        }
    }

    #[test]
    fn the_county_pattern_is_the_list_of_county_codes() {
        let listed: Vec<&str> = COUNTY_CODE_PATTERN
            .strip_prefix("(?:")
            .and_then(|p| p.strip_suffix(')'))
            .expect("a group")
            .split('|')
            .collect();
        assert_eq!(listed, COUNTY_CODES);
    }

    #[test]
    fn municipality_and_county_codes_are_told_apart() {
        assert!(is_municipality_code("1285"));
        assert!(is_municipality_code("0181"));
        for not in ["10", "12", " 1285", "1185", "12855", "", "abcd"] {
            assert!(!is_municipality_code(not), "{not:?}");
        }
    }

    #[test]
    fn municipality_codes_travel_as_plain_strings_and_are_checked_when_read() {
        let code = MunicipalityCode::parse("1285").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"1285\"");
        assert_eq!(code.to_string(), "1285");
        assert_eq!(String::from(code.clone()), "1285");
        assert_eq!(
            serde_json::from_str::<MunicipalityCode>("\"1285\"").unwrap(),
            code
        );
        assert!(serde_json::from_str::<MunicipalityCode>("\"0281\"").is_err());
        let error = MunicipalityCode::parse_field("municipality_codes[1]", "12").unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("municipality_codes[1]", "municipality_code")
        );
    }

    #[test]
    fn municipality_codes() {
        assert_eq!(MunicipalityCode::parse("1285").unwrap().county_code(), "12");
        assert_eq!(MunicipalityCode::parse(" 0181 ").unwrap().as_str(), "0181");
        for bad in ["128", "12855", "1185", "abcd", "0281", ""] {
            assert!(MunicipalityCode::parse(bad).is_err(), "{bad}");
        }
    }
}
