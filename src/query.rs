//! One selection of entries and one window of dates, shared by the commands
//! that pick entries (`list`, `report`; later `due`, `diff --evidence`,
//! `harvest`), so each reads `--since`/`--until` and the filters the same way.

use chrono::NaiveDate;

use crate::dates::{self, DateError};
use crate::entry::Entry;
use crate::level::LevelId;
use crate::readiness::Window;

/// Why a selection could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A date that does not parse.
    #[error(transparent)]
    Date(#[from] DateError),
    /// `--since` after `--until`.
    #[error("the window starts ({since}) after it ends ({until})")]
    Inverted {
        /// The first day asked for.
        since: NaiveDate,
        /// The last day asked for.
        until: NaiveDate,
    },
}

/// The days a command looks at; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// First day, inclusive.
    pub since: Option<NaiveDate>,
    /// Last day, inclusive.
    pub until: Option<NaiveDate>,
}

impl Range {
    /// Reads `--since` and `--until` as typed (a period is its first day as
    /// `--since`, its last as `--until`: see [`dates::PERIODS`]); an inverted
    /// range is an error.
    pub fn parse(
        since: Option<&str>,
        until: Option<&str>,
        today: NaiveDate,
    ) -> Result<Range, QueryError> {
        let range = Range {
            since: since.map(|d| dates::parse_since(d, today)).transpose()?,
            until: until.map(|d| dates::parse_until(d, today)).transpose()?,
        };
        match (range.since, range.until) {
            (Some(since), Some(until)) if since > until => {
                Err(QueryError::Inverted { since, until })
            }
            _ => Ok(range),
        }
    }

    /// Closes the range into a report's window: `until` defaults to
    /// `default_until`, `since` to the 365 days ending there.
    pub fn window(&self, default_until: NaiveDate) -> Result<Window, QueryError> {
        let until = self.until.unwrap_or(default_until);
        let since = self.since.unwrap_or(Window::year_ending(until).since);
        if since > until {
            return Err(QueryError::Inverted { since, until });
        }
        Ok(Window { since, until })
    }

    /// True when `day` is inside the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| s <= day) && self.until.is_none_or(|u| day <= u)
    }
}

/// Which entries a command shows.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The days.
    pub range: Range,
    /// Only entries listing this item: its full id and any id it had before
    /// a rename (an entry may still list that one).
    pub signal: Option<Vec<String>>,
    /// Only entries with this tag (case-insensitive).
    pub tag: Option<String>,
    /// Only entries listing an item of this level.
    pub level: Option<LevelId>,
    /// Keep entries marked `private` (exports leave them out by default).
    pub include_private: bool,
}

impl Query {
    /// True when `entry` is selected.
    pub fn matches(&self, entry: &Entry) -> bool {
        let level_prefix = self.level.map(|l| format!("{l}."));
        self.range.contains(entry.date)
            && (self.include_private || !entry.private)
            && self
                .signal
                .as_ref()
                .is_none_or(|ids| entry.signals.iter().any(|s| ids.contains(s)))
            && self
                .tag
                .as_ref()
                .is_none_or(|t| entry.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
            && level_prefix
                .as_ref()
                .is_none_or(|p| entry.signals.iter().any(|id| id.starts_with(p.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn an_inverted_range_is_an_error_and_periods_close_both_ends() {
        let today = day("2026-11-22");
        assert!(matches!(
            Range::parse(Some("2026-11-01"), Some("2026-10-01"), today),
            Err(QueryError::Inverted { .. })
        ));
        let q = Range::parse(Some("last quarter"), Some("last quarter"), today).expect("range");
        assert_eq!(
            (q.since, q.until),
            (Some(day("2026-07-01")), Some(day("2026-09-30")))
        );
        let w = Range::default().window(today).expect("window");
        assert_eq!((w.since, w.until), (day("2025-11-23"), today));
        assert!(
            Range::parse(Some("2027-01-01"), None, today)
                .expect("open")
                .window(today)
                .is_err()
        );
    }
}
