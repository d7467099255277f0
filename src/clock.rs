//! Where "today" comes from: the local calendar, or `CV_TODAY` for tests and
//! reproducible reports (the precedent is jj's `JJ_TIMESTAMP`).

use chrono::NaiveDate;

/// The variable that fixes today's date, as `YYYY-MM-DD`.
pub const TODAY_VAR: &str = "CV_TODAY";

/// Returns today's date: `CV_TODAY` if set and valid, else the local date.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var(TODAY_VAR) {
        Ok(value) if !value.is_empty() => NaiveDate::parse_from_str(&value, "%Y-%m-%d")
            .map_err(|_| format!("{TODAY_VAR}='{value}' is not a date like 2026-11-22")),
        _ => Ok(chrono::Local::now().date_naive()),
    }
}
