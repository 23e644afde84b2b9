//! The calendar dates the software accepts: 1900-01-01 to 2199-12-31, written strictly as
//! `YYYY-MM-DD`. Agreements, decisions and accessions are dated within living memory and
//! plans; the bounds keep every date, and every date computed from one (a deadline, a
//! calendar item), within four-digit years, which both databases order and compare alike.

use chrono::NaiveDate;

/// The earliest date accepted.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The latest date accepted.
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Whether `date` lies within [`EARLIEST`]..=[`LATEST`].
pub fn accepted(date: NaiveDate) -> bool {
    (EARLIEST..=LATEST).contains(&date)
}

/// `YYYY-MM-DD` exactly (four-digit year, two-digit month and day, a real day), within the
/// accepted range; `None` otherwise.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| accepted(*d))
}

/// The pattern of an accepted date, for the API's schemas: the years 1900–2199.
pub const PATTERN: &str = "^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strict_dates_within_the_bounds() {
        assert_eq!(parse("1900-01-01"), Some(EARLIEST));
        assert_eq!(parse("2199-12-31"), Some(LATEST));
        assert_eq!(parse("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in [
            "1899-12-31",
            "2200-01-01",
            "9999-12-31",
            "+10019-12-31",
            "2024-2-29",
            "2023-02-29",
            "2024-02-29T00:00:00",
            " 2024-02-29",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(accepted(EARLIEST) && accepted(LATEST));
        assert!(!accepted(LATEST.succ_opt().unwrap()));
        assert!(!accepted(EARLIEST.pred_opt().unwrap()));
    }

    #[test]
    fn the_pattern_says_the_same_years() {
        assert!(PATTERN.starts_with("^(19|20|21)"));
        assert_eq!(EARLIEST.to_string(), "1900-01-01");
        assert_eq!(LATEST.to_string(), "2199-12-31");
    }
}
