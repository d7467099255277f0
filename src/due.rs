//! Which entries' outcomes should be measured again (SPEC §4 `cv due`): an
//! explicit `remeasure` date that has come, or an outcome told in words
//! only, with no metric, more than 30 days ago. Pure: entries and today in,
//! a list out.

use chrono::NaiveDate;
use serde::Serialize;

use crate::entry::Entry;

/// How long an outcome without a metric may stand before it is due.
pub const UNMEASURED_DAYS: i64 = 30;

/// One entry due for re-measurement, as `cv due --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The entry's id.
    pub id: String,
    /// What was shipped.
    pub title: String,
    /// When it reached the customer.
    pub date: NaiveDate,
    /// When it asked to be measured again, if it did.
    pub remeasure: Option<NaiveDate>,
    /// Why it is due, in words.
    pub reason: String,
    /// The day it became due: its remeasure date, or 30 days after it
    /// shipped for an outcome without a metric.
    pub since: NaiveDate,
}

/// Why `entry` is due on `today`, if it is.
pub fn reason(entry: &Entry, today: NaiveDate) -> Option<String> {
    due_since(entry, today).map(|(reason, _)| reason)
}

/// Why `entry` is due on `today`, and since when, if it is.
fn due_since(entry: &Entry, today: NaiveDate) -> Option<(String, NaiveDate)> {
    if let Some(day) = entry.remeasure
        && day <= today
    {
        let reason = if day == today {
            "remeasure is today".to_string()
        } else {
            format!("remeasure was {day}")
        };
        return Some((reason, day));
    }
    let age = (today - entry.date).num_days();
    if entry.outcome.is_some() && entry.metrics.is_empty() && age > UNMEASURED_DAYS {
        let since = entry.date + chrono::Days::new(UNMEASURED_DAYS as u64);
        return Some((
            format!("its outcome has no metric, {age} days after it shipped"),
            since,
        ));
    }
    None
}

/// The entries due on `today`, the longest overdue first.
pub fn due<'a>(entries: impl IntoIterator<Item = &'a Entry>, today: NaiveDate) -> Vec<Due> {
    let mut out: Vec<Due> = entries
        .into_iter()
        .filter_map(|e| {
            due_since(e, today).map(|(reason, since)| Due {
                id: e.id.clone(),
                title: e.title.clone(),
                date: e.date,
                remeasure: e.remeasure,
                reason,
                since,
            })
        })
        .collect();
    // The longest overdue first.
    out.sort_by(|a, b| (a.since, &a.id).cmp(&(b.since, &b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn entry(id: &str, date: &str) -> Entry {
        Entry::parse(&format!("id = \"{id}\"\ntitle = \"{id}\"\ndate = {date}\n")).expect("entry")
    }

    #[test]
    fn remeasure_dates_and_unmeasured_outcomes_are_due() {
        let today = day("2026-11-22");
        let mut asked = entry("2026-10-01-asked", "2026-10-01");
        asked.remeasure = Some(day("2026-11-20"));
        let mut later = entry("2026-10-01-later", "2026-10-01");
        later.remeasure = Some(day("2026-12-20"));
        let mut words = entry("2026-09-01-words", "2026-09-01");
        words.outcome = Some("customers happier".into());
        let mut recent = entry("2026-11-10-recent", "2026-11-10");
        recent.outcome = Some("too soon to tell".into());
        let mut measured = entry("2026-01-01-measured", "2026-01-01");
        measured.outcome = Some("p95 down".into());
        measured
            .metrics
            .push(crate::entry::parse_metric("p95: 2 -> 1 s").expect("metric"));
        let found = due([&asked, &later, &words, &recent, &measured], today);
        let ids: Vec<&str> = found.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["2026-09-01-words", "2026-10-01-asked"]);
        assert_eq!(found[1].reason, "remeasure was 2026-11-20");
        assert!(found[0].reason.contains("82 days"), "{}", found[0].reason);
    }
}
