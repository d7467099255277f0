//! Date expressions users type: `2026-11-22`, `today`, `3 days ago`, `last monday`…
//!
//! Pure: every function takes "today" as an argument, so tests and the
//! `CV_TODAY` override see the same calendar.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// Why a date expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not a form `cv` understands.
    #[error("'{0}' is not a date")]
    Unrecognised(String),
    /// Well-formed but no such day (`2026-02-30`).
    #[error("'{0}' is not a day of the calendar")]
    Impossible(String),
}

/// The earliest date an entry may carry. Earlier ones are typing or
/// arithmetic slips (`1000000 days ago`), and would file the entry under a
/// year folder such as `entries/-0712/`.
pub const EARLIEST_ENTRY_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Why a day cannot be an entry's date, if it cannot: in the future, or
/// before [`EARLIEST_ENTRY_DATE`].
pub fn entry_date_problem(date: NaiveDate, today: NaiveDate) -> Option<String> {
    if date > today {
        Some(format!("{date} is in the future"))
    } else if date < EARLIEST_ENTRY_DATE {
        Some(format!("{date} is before {EARLIEST_ENTRY_DATE}"))
    } else {
        None
    }
}

/// The forms accepted, for hints.
pub const FORMS: &str = "YYYY-MM-DD, today, yesterday, N days ago, last monday … last sunday";

/// The extra forms accepted for the start of a window, for hints.
pub const SINCE_FORMS: &str = "last week, last month, last quarter, last year";

/// Parses a day: `YYYY-MM-DD`, `today`, `yesterday`, `N days ago`, `last <weekday>`.
pub fn parse_day(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let s = input.trim().to_ascii_lowercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.as_str() {
        "today" => return Ok(today),
        "yesterday" => return Ok(today - Days::new(1)),
        _ => {}
    }
    if let Some(n) = s
        .strip_suffix(" days ago")
        .or_else(|| s.strip_suffix(" day ago"))
    {
        let n: u64 = n
            .parse()
            .map_err(|_| DateError::Unrecognised(input.to_string()))?;
        return today
            .checked_sub_days(Days::new(n))
            .ok_or_else(|| DateError::Impossible(input.to_string()));
    }
    if let Some(day) = s.strip_prefix("last ")
        && let Ok(weekday) = day.parse::<Weekday>()
    {
        // The most recent such weekday strictly before today.
        let back =
            (today.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday() - 1) % 7
                + 1;
        return Ok(today - Days::new(u64::from(back)));
    }
    parse_iso(input)
}

/// Parses the start of a window: every form of [`parse_day`], plus
/// `last week`, `last month`, `last quarter` and `last year`, counted back from today.
pub fn parse_since(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let s = input.trim().to_ascii_lowercase();
    let back = match s.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "last week" => Some(today - Days::new(7)),
        "last month" => today.checked_sub_months(Months::new(1)),
        "last quarter" => today.checked_sub_months(Months::new(3)),
        "last year" => today.checked_sub_months(Months::new(12)),
        _ => None,
    };
    match back {
        Some(day) => Ok(day),
        None => parse_day(input, today),
    }
}

fn parse_iso(input: &str) -> Result<NaiveDate, DateError> {
    let s = input.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err(DateError::Unrecognised(input.to_string()));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DateError::Impossible(input.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn relative_days() {
        let today = day("2026-11-22"); // a Sunday
        assert_eq!(parse_day("today", today), Ok(today));
        assert_eq!(parse_day("Yesterday", today), Ok(day("2026-11-21")));
        assert_eq!(parse_day("3 days ago", today), Ok(day("2026-11-19")));
        assert_eq!(parse_day("last monday", today), Ok(day("2026-11-16")));
        assert_eq!(parse_day("last saturday", today), Ok(day("2026-11-21")));
        assert_eq!(parse_day("last sunday", today), Ok(day("2026-11-15")));
        assert_eq!(parse_day("2026-02-28", today), Ok(day("2026-02-28")));
    }

    #[test]
    fn windows() {
        let today = day("2026-11-22");
        assert_eq!(parse_since("last week", today), Ok(day("2026-11-15")));
        assert_eq!(parse_since("last month", today), Ok(day("2026-10-22")));
        assert_eq!(parse_since("last quarter", today), Ok(day("2026-08-22")));
        assert_eq!(parse_since("last year", today), Ok(day("2025-11-22")));
        assert_eq!(parse_since("2026-01-01", today), Ok(day("2026-01-01")));
    }

    #[test]
    fn bad_dates() {
        let today = day("2026-11-22");
        assert!(matches!(
            parse_day("2026-02-30", today),
            Err(DateError::Impossible(_))
        ));
        for bad in [
            "",
            "tomorrow",
            "22/11/2026",
            "2026-1-2",
            "x days ago",
            "last week",
        ] {
            assert!(
                matches!(parse_day(bad, today), Err(DateError::Unrecognised(_))),
                "{bad}"
            );
        }
    }
}
