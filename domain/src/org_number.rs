//! Swedish organisation numbers (organisationsnummer).

use std::fmt;

use crate::error::FieldError;

/// A verified organisation number, always held in the form `NNNNNN-NNNN`.
///
/// Accepted input: ten digits, or twelve with the century-like prefix `16` that the Swedish
/// Tax Agency uses for legal persons, with or without the hyphen. Digits three and four are
/// at least 20 for legal persons; anything lower is a month, i.e. a personal identity number,
/// and is refused so that nobody's personnummer ends up in an open register.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgNumber(String);

crate::field_errors! {
    /// What is wrong with an organisation number.
    pub enum OrgNumberError {
        Format => "format" {
            en: "must be ten digits (NNNNNN-NNNN), or twelve starting with 16, hyphen optional",
            sv: "måste vara tio siffror (NNNNNN-NNNN), eller tolv som börjar med 16, med eller utan bindestreck",
        },
        PersonalIdentityNumber => "personal_identity_number" {
            en: "looks like a personal identity number (digits 3–4 below 20); give the organisation's number, or none",
            sv: "ser ut som ett personnummer (siffra 3–4 under 20); ange organisationens nummer, eller inget",
        },
        Checksum => "checksum" {
            en: "the check digit does not match (Luhn over the first nine digits)",
            sv: "kontrollsiffran stämmer inte (Luhn över de nio första siffrorna)",
        },
    }
}

impl OrgNumber {
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let s = input.trim();
        let digits: String = match s.len() {
            10 | 12 if s.bytes().all(|b| b.is_ascii_digit()) => s.to_owned(),
            11 | 13 if s.as_bytes()[s.len() - 5] == b'-' => {
                let (head, tail) = s.split_at(s.len() - 5);
                let joined = format!("{head}{}", &tail[1..]);
                if !joined.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(OrgNumberError::Format);
                }
                joined
            }
            _ => return Err(OrgNumberError::Format),
        };
        let ten = match digits.len() {
            12 if digits.starts_with("16") => &digits[2..],
            10 => &digits[..],
            _ => return Err(OrgNumberError::Format),
        };
        let d: Vec<u32> = ten.bytes().map(|b| u32::from(b - b'0')).collect();
        if d[2] * 10 + d[3] < 20 {
            return Err(OrgNumberError::PersonalIdentityNumber);
        }
        if luhn_check_digit(&d[..9]) != d[9] {
            return Err(OrgNumberError::Checksum);
        }
        Ok(Self(format!("{}-{}", &ten[..6], &ten[6..])))
    }

    /// Parses the value of a request field, naming the field in the error.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        Self::parse(input).map_err(|e| e.at(field))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn (mod 10) check digit over `digits`, weights 2,1,2,1,… from the left.
pub fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = if i % 2 == 0 { d * 2 } else { d };
            p / 10 + p % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_all_accepted_forms() {
        // 802002-4280 is a made-up number with a valid check digit.
        for input in [
            "802002-4280",
            "8020024280",
            "16802002-4280",
            "168020024280",
            " 802002-4280 ",
        ] {
            assert_eq!(
                OrgNumber::parse(input).unwrap().as_str(),
                "802002-4280",
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_bad_check_digit() {
        assert_eq!(
            OrgNumber::parse("802002-4281"),
            Err(OrgNumberError::Checksum)
        );
    }

    #[test]
    fn refuses_personal_identity_numbers() {
        // 19 in the month position: a person born in the (nonexistent) 19th month is still a
        // person-shaped number; anything below 20 is refused before the checksum.
        assert_eq!(
            OrgNumber::parse("811218-9876"),
            Err(OrgNumberError::PersonalIdentityNumber)
        );
        assert_eq!(
            OrgNumber::parse("801901-0000"),
            Err(OrgNumberError::PersonalIdentityNumber)
        );
    }

    #[test]
    fn refuses_malformed_input() {
        for input in [
            "",
            "12345",
            "80200-24280",
            "802002_4280",
            "18802002-4280",
            "802002-428a",
            "80200242800",
            "802002--4280",
            "٨٠٢٠٠٢-٤٢٨٠",
        ] {
            assert_eq!(
                OrgNumber::parse(input),
                Err(OrgNumberError::Format),
                "{input}"
            );
        }
    }

    #[test]
    fn each_refusal_tells_the_client_what_an_org_number_must_be() {
        let field = |e: OrgNumberError| e.at("organizations[0].org_number");
        let format = field(OrgNumberError::Format);
        assert_eq!(
            (format.field.as_str(), format.code),
            ("organizations[0].org_number", "format")
        );
        assert!(
            format.message.to_string().contains("NNNNNN-NNNN"),
            "{}",
            format.message
        );
        let person = field(OrgNumberError::PersonalIdentityNumber);
        assert_eq!(person.code, "personal_identity_number");
        assert!(
            person
                .message
                .to_string()
                .contains("personal identity number")
        );
        let checksum = field(OrgNumberError::Checksum);
        assert_eq!(checksum.code, "checksum");
        assert!(checksum.message.to_string().contains("Luhn"));
    }

    #[test]
    fn luhn_matches_known_values() {
        assert_eq!(luhn_check_digit(&[8, 0, 2, 0, 0, 2, 4, 2, 8]), 0);
        // 2+2+6+4+(1+0)+6+(1+4)+8+(1+8) = 43 → 7
        assert_eq!(luhn_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9]), 7);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// The textbook Luhn test, written independently of `luhn_check_digit`: from the
        /// right, every second digit doubled (its digits summed), the total a multiple of 10.
        fn passes_luhn(digits: &[u32]) -> bool {
            let sum: u32 = digits
                .iter()
                .rev()
                .enumerate()
                .map(|(i, &d)| match (i % 2, d * 2) {
                    (0, _) => d,
                    (_, doubled) if doubled > 9 => doubled - 9,
                    (_, doubled) => doubled,
                })
                .sum();
            sum.is_multiple_of(10)
        }

        fn text(digits: &[u32]) -> String {
            digits
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap_or('?'))
                .collect()
        }

        /// The nine digits before the check digit of a legal person's number: digits three
        /// and four (the "month") at least 20.
        fn legal_person() -> impl Strategy<Value = Vec<u32>> {
            (
                prop::collection::vec(0u32..10, 2),
                20u32..100,
                prop::collection::vec(0u32..10, 5),
            )
                .prop_map(|(head, month, tail)| {
                    let mut d = head;
                    d.extend([month / 10, month % 10]);
                    d.extend(tail);
                    d
                })
        }

        fn with_check_digit(nine: &[u32]) -> Vec<u32> {
            let mut ten = nine.to_vec();
            ten.push(luhn_check_digit(nine));
            ten
        }

        proptest! {
            #[test]
            fn the_check_digit_makes_the_number_pass_the_luhn_test(nine in prop::collection::vec(0u32..10, 9)) {
                let check = luhn_check_digit(&nine);
                prop_assert!(check < 10);
                for other in 0..10 {
                    let mut ten = nine.clone();
                    ten.push(other);
                    prop_assert_eq!(passes_luhn(&ten), other == check);
                }
            }

            #[test]
            fn every_accepted_form_normalises_to_nnnnnn_nnnn(nine in legal_person(), pad in " {0,2}") {
                let digits = text(&with_check_digit(&nine));
                let canonical = format!("{}-{}", &digits[..6], &digits[6..]);
                for form in [
                    digits.clone(),
                    canonical.clone(),
                    format!("16{digits}"),
                    format!("16{canonical}"),
                    format!("{pad}{canonical}{pad}"),
                ] {
                    let parsed = OrgNumber::parse(&form);
                    prop_assert_eq!(parsed.as_ref().map(OrgNumber::as_str), Ok(canonical.as_str()), "{}", form);
                    // The normal form parses to itself.
                    let parsed = parsed.unwrap_or_else(|e| panic!("{e:?}"));
                    prop_assert_eq!(OrgNumber::parse(parsed.as_str()), Ok(parsed.clone()));
                    prop_assert_eq!(parsed.to_string(), canonical.clone());
                }
            }

            #[test]
            fn a_mistyped_digit_is_always_caught(nine in legal_person(), position in 0usize..10, typo in 1u32..10) {
                let mut ten = with_check_digit(&nine);
                ten[position] = (ten[position] + typo) % 10;
                let result = OrgNumber::parse(&text(&ten));
                // A typo in the "month" may also make it look like a personal identity number.
                prop_assert!(
                    matches!(result, Err(OrgNumberError::Checksum | OrgNumberError::PersonalIdentityNumber)),
                    "{:?} accepted", ten
                );
            }

            #[test]
            fn a_month_below_20_is_a_person_whatever_the_check_digit(
                head in prop::collection::vec(0u32..10, 2),
                month in 0u32..20,
                tail in prop::collection::vec(0u32..10, 6),
            ) {
                let mut ten = head;
                ten.extend([month / 10, month % 10]);
                ten.extend(tail);
                prop_assert_eq!(OrgNumber::parse(&text(&ten)), Err(OrgNumberError::PersonalIdentityNumber));
            }

            #[test]
            fn anything_but_the_accepted_forms_is_a_format_error(input in "[0-9-]{0,14}") {
                let digits = input.bytes().filter(u8::is_ascii_digit).count();
                let shape_ok = match input.len() {
                    10 | 12 => digits == input.len(),
                    11 | 13 => input.as_bytes()[input.len() - 5] == b'-' && digits == input.len() - 1,
                    _ => false,
                };
                let prefix_ok = digits == 10 || input.starts_with("16");
                if !(shape_ok && prefix_ok) {
                    prop_assert_eq!(OrgNumber::parse(&input), Err(OrgNumberError::Format));
                }
            }
        }
    }
}
