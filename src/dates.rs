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

/// The forms accepted, for hints and `--help`.
pub const FORMS: &str = "YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, \
last monday … last sunday, last week|month|quarter|year";

/// How the period forms are read, for `--help` and `docs/`.
pub const PERIODS: &str = "`last week|month|quarter|year` is the previous calendar \
week (Monday to Sunday), month, quarter or year: as --since its first day, as --until its \
last day, as an entry's date its first day";

/// Which end of a named period a form stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Start,
    End,
}

/// Parses a day: any of [`FORMS`]; a period (`last month`) gives its first day.
pub fn parse_day(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    parse(input, today, Edge::Start)
}

/// Parses the start of a window: any of [`FORMS`]; a period gives its first day.
pub fn parse_since(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    parse(input, today, Edge::Start)
}

/// Parses the end of a window: any of [`FORMS`]; a period gives its last day,
/// so `--since 'last quarter' --until 'last quarter'` is exactly that quarter.
pub fn parse_until(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    parse(input, today, Edge::End)
}

fn parse(input: &str, today: NaiveDate, edge: Edge) -> Result<NaiveDate, DateError> {
    let s = input.trim().to_ascii_lowercase();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let impossible = || DateError::Impossible(input.to_string());
    match s.as_str() {
        "today" => return Ok(today),
        "yesterday" => return Ok(today - Days::new(1)),
        _ => {}
    }
    if let Some(rest) = s.strip_suffix(" ago") {
        let (n, unit) = rest
            .split_once(' ')
            .ok_or_else(|| DateError::Unrecognised(input.to_string()))?;
        let n: u32 = n
            .parse()
            .map_err(|_| DateError::Unrecognised(input.to_string()))?;
        let day = match unit {
            "day" | "days" => today.checked_sub_days(Days::new(u64::from(n))),
            "week" | "weeks" => today.checked_sub_days(Days::new(7 * u64::from(n))),
            "month" | "months" => today.checked_sub_months(Months::new(n)),
            "year" | "years" => n
                .checked_mul(12)
                .and_then(|m| today.checked_sub_months(Months::new(m))),
            _ => return Err(DateError::Unrecognised(input.to_string())),
        };
        return day.ok_or_else(impossible);
    }
    if let Some(what) = s.strip_prefix("last ") {
        if let Ok(weekday) = what.parse::<Weekday>() {
            // The most recent such weekday strictly before today.
            let back =
                (today.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday() - 1)
                    % 7
                    + 1;
            return Ok(today - Days::new(u64::from(back)));
        }
        let (start, end) = match what {
            "week" => {
                let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
                (monday - Days::new(7), monday - Days::new(1))
            }
            "month" => {
                let first = today.with_day(1).ok_or_else(impossible)?;
                let start = first
                    .checked_sub_months(Months::new(1))
                    .ok_or_else(impossible)?;
                (start, first - Days::new(1))
            }
            "quarter" => {
                let this = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)
                    .ok_or_else(impossible)?;
                let start = this
                    .checked_sub_months(Months::new(3))
                    .ok_or_else(impossible)?;
                (start, this - Days::new(1))
            }
            "year" => (
                NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).ok_or_else(impossible)?,
                NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).ok_or_else(impossible)?,
            ),
            _ => return Err(DateError::Unrecognised(input.to_string())),
        };
        return Ok(match edge {
            Edge::Start => start,
            Edge::End => end,
        });
    }
    parse_iso(input)
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

    /// Issue 7: periods are calendar periods, read the same way by
    /// --since, --until and an entry's date.
    #[test]
    fn periods_are_calendar_periods() {
        let today = day("2026-11-22"); // a Sunday, in Q4
        let both = |s| {
            (
                parse_since(s, today).expect(s),
                parse_until(s, today).expect(s),
            )
        };
        assert_eq!(both("last week"), (day("2026-11-09"), day("2026-11-15")));
        assert_eq!(both("last month"), (day("2026-10-01"), day("2026-10-31")));
        assert_eq!(both("last quarter"), (day("2026-07-01"), day("2026-09-30")));
        assert_eq!(both("last year"), (day("2025-01-01"), day("2025-12-31")));
        assert_eq!(parse_day("last month", today), Ok(day("2026-10-01")));
        assert_eq!(parse_since("2026-01-01", today), Ok(day("2026-01-01")));
        let jan = day("2026-01-15");
        assert_eq!(parse_since("last quarter", jan), Ok(day("2025-10-01")));
        assert_eq!(parse_until("last month", jan), Ok(day("2025-12-31")));
    }

    #[test]
    fn rolling_forms() {
        let today = day("2026-11-22");
        assert_eq!(parse_day("2 weeks ago", today), Ok(day("2026-11-08")));
        assert_eq!(parse_day("1 week ago", today), Ok(day("2026-11-15")));
        assert_eq!(parse_day("3 months ago", today), Ok(day("2026-08-22")));
        assert_eq!(parse_day("1 year ago", today), Ok(day("2025-11-22")));
        assert!(matches!(
            parse_day("99999999 years ago", today),
            Err(DateError::Impossible(_))
        ));
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
            "3 fortnights ago",
            "last decade",
        ] {
            assert!(
                matches!(parse_day(bad, today), Err(DateError::Unrecognised(_))),
                "{bad}"
            );
        }
    }
}
