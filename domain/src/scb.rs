//! SCB codes: how Statistics Sweden numbers counties (län) and municipalities (kommuner).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The 21 county codes in use since 1998 (02, 11, 15 and 16 were merged away).
pub const COUNTY_CODES: [&str; 21] = [
    "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20",
    "21", "22", "23", "24", "25",
];

pub fn is_county_code(code: &str) -> bool {
    COUNTY_CODES.contains(&code)
}

/// A municipality code (kommunkod): four digits, the first two a county code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a municipality code is four digits, e.g. 1285");
        }
        if !is_county_code(&s[..2]) {
            return Err("the first two digits of a municipality code must be a county code");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        Self::parse(input).map_err(|m| FieldError::new(field, "municipality_code", m))
    }

    pub fn county_code(&self) -> &str {
        &self.0[..2]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = &'static str;
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
