//! The calendar day in Sweden for an instant, so that "not in the future" means the same
//! thing at 00:30 in Karlshamn as at noon, without a time-zone database.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

/// The date in Sweden (CET, UTC+1; CEST, UTC+2 from the last Sunday of March 01:00 UTC to
/// the last Sunday of October 01:00 UTC, the EU rule Sweden follows).
///
/// Dates in requests (board decisions, notices, approvals) are Swedish calendar dates; using
/// the UTC date instead would refuse a decision dated today for the first hours of each day.
pub fn swedish_date(now: DateTime<Utc>) -> NaiveDate {
    let year = now.year();
    let switch =
        |month| last_sunday(year, month).and_time(NaiveTime::MIN).and_utc() + Duration::hours(1);
    let offset = if now >= switch(3) && now < switch(10) {
        2
    } else {
        1
    };
    (now + Duration::hours(offset)).date_naive()
}

/// The instant the next Swedish day begins: midnight in Sweden after `now`. Whatever is shown
/// "as of today" may change then, so nothing computed for today may be kept past it.
///
/// Sweden switches between CET and CEST at 01:00 UTC, never at midnight, so midnight is at
/// 22:00 or 23:00 UTC the day before: the earlier of the two whose Swedish date is tomorrow.
pub fn next_swedish_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = swedish_date(now);
    let Some(tomorrow) = today.succ_opt() else {
        return DateTime::<Utc>::MAX_UTC;
    };
    let midnight = tomorrow.and_time(NaiveTime::MIN).and_utc();
    [2, 1]
        .into_iter()
        .map(|offset| midnight - Duration::hours(offset))
        .find(|t| swedish_date(*t) == tomorrow)
        .unwrap_or(midnight)
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    // Both March and October have 31 days, and every year has them.
    let last = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or(NaiveDate::MIN);
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid instant")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn winter_is_utc_plus_one() {
        assert_eq!(swedish_date(at(2024, 1, 15, 22, 59)), date(2024, 1, 15));
        assert_eq!(swedish_date(at(2024, 1, 15, 23, 0)), date(2024, 1, 16));
        assert_eq!(swedish_date(at(2023, 12, 31, 23, 30)), date(2024, 1, 1));
    }

    #[test]
    fn summer_is_utc_plus_two() {
        assert_eq!(swedish_date(at(2024, 6, 15, 21, 59)), date(2024, 6, 15));
        assert_eq!(swedish_date(at(2024, 6, 15, 22, 0)), date(2024, 6, 16));
    }

    #[test]
    fn switches_on_the_last_sundays_of_march_and_october() {
        assert_eq!(last_sunday(2024, 3), date(2024, 3, 31));
        assert_eq!(last_sunday(2024, 10), date(2024, 10, 27));
        assert_eq!(last_sunday(2025, 3), date(2025, 3, 30));
        // 2024-03-30 22:30 UTC is still winter time: 23:30 on the 30th in Sweden.
        assert_eq!(swedish_date(at(2024, 3, 30, 22, 30)), date(2024, 3, 30));
        // 2024-10-26 22:30 UTC is still summer time: 00:30 on the 27th in Sweden.
        assert_eq!(swedish_date(at(2024, 10, 26, 22, 30)), date(2024, 10, 27));
        // 2024-10-27 22:30 UTC is winter time again: 23:30 on the 27th.
        assert_eq!(swedish_date(at(2024, 10, 27, 22, 30)), date(2024, 10, 27));
    }

    #[test]
    fn the_next_swedish_midnight_follows_the_offset_of_the_season() {
        // Winter: midnight is 23:00 UTC the day before.
        assert_eq!(
            next_swedish_midnight(at(2024, 1, 15, 12, 0)),
            at(2024, 1, 15, 23, 0)
        );
        assert_eq!(
            next_swedish_midnight(at(2024, 1, 15, 22, 59)),
            at(2024, 1, 15, 23, 0)
        );
        // At midnight itself the next one is a day later.
        assert_eq!(
            next_swedish_midnight(at(2024, 1, 15, 23, 0)),
            at(2024, 1, 16, 23, 0)
        );
        // Summer: 22:00 UTC.
        assert_eq!(
            next_swedish_midnight(at(2024, 6, 15, 21, 59)),
            at(2024, 6, 15, 22, 0)
        );
        // The night the clocks go forward (2024-03-31 01:00 UTC): the 30th still ends at
        // 23:00 UTC, the 31st at 22:00 UTC.
        assert_eq!(
            next_swedish_midnight(at(2024, 3, 30, 12, 0)),
            at(2024, 3, 30, 23, 0)
        );
        assert_eq!(
            next_swedish_midnight(at(2024, 3, 31, 12, 0)),
            at(2024, 3, 31, 22, 0)
        );
        // And back (2024-10-27 01:00 UTC): the 27th ends at 23:00 UTC.
        assert_eq!(
            next_swedish_midnight(at(2024, 10, 27, 12, 0)),
            at(2024, 10, 27, 23, 0)
        );
    }
}
