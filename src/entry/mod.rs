//! One piece of evidence: the typed view of an entry file, its id and slug
//! rules, and the TOML written for a new entry.
//!
//! Parsing is forgiving (unknown keys are allowed and kept in the file);
//! errors carry `line:col`. Nothing here touches the disk or the terminal.

mod doc;
#[cfg(test)]
mod proptests;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::links::Link;

pub use doc::EntryDoc;

/// Longest slug, in bytes, before the date prefix.
pub const MAX_SLUG: usize = 60;

/// A measured outcome, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// What was measured ("p95 checkout latency").
    pub name: String,
    /// The value before the change, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<f64>,
    /// The value after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<f64>,
    /// The unit ("s", "%", "tickets/week").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl Metric {
    /// Describes the metric for people: `p95 latency: 2.1 s → 0.8 s`.
    pub fn describe(&self) -> String {
        let unit = self
            .unit
            .as_deref()
            // `12% → 4%`, but `2.1 s → 0.8 s`.
            .map(|u| {
                if u.starts_with('%') {
                    u.to_string()
                } else {
                    format!(" {u}")
                }
            })
            .unwrap_or_default();
        let value = match (self.before, self.after) {
            (Some(b), Some(a)) => format!("{b}{unit} → {a}{unit}"),
            (None, Some(a)) => format!("{a}{unit}"),
            (Some(b), None) => format!("{b}{unit} → ?"),
            (None, None) => "?".to_string(),
        };
        format!("{}: {value}", self.name)
    }
}

/// An entry as `cv` reads it. Keys it does not know stay in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The file stem: date and slug.
    pub id: String,
    /// What was shipped.
    pub title: String,
    /// When the value reached the customer.
    #[serde(deserialize_with = "de_date")]
    pub date: NaiveDate,
    /// Framework item ids this entry claims.
    #[serde(default)]
    pub signals: Vec<String>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Who it helped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The problem it solved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The measured outcome, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// When to measure the outcome again.
    #[serde(
        default,
        deserialize_with = "de_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub remeasure: Option<NaiveDate>,
    /// Kept out of exports unless asked.
    #[serde(default)]
    pub private: bool,
    /// Measured outcomes.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Proof: commits, pull requests, URLs.
    #[serde(default)]
    pub links: Vec<Link>,
}

/// Why an entry file could not be read as an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Entry {
    /// Parses an entry file's text.
    pub fn parse(text: &str) -> Result<Entry, ParseError> {
        // A UTF-8 BOM is legal in a file written by some editors, not in TOML.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let entry: Entry = toml::from_str(body).map_err(|e| {
            let (line, column) = line_col(body, e.span().map_or(0, |s| s.start));
            ParseError {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        for (field, value) in [("id", &entry.id), ("title", &entry.title)] {
            if value.trim().is_empty() {
                let at = body.find(&format!("{field} =")).unwrap_or(0);
                let (line, column) = line_col(body, at);
                return Err(ParseError {
                    line,
                    column,
                    message: format!("`{field}` is empty"),
                });
            }
        }
        Ok(entry)
    }

    /// True when the entry carries proof: at least one link or one metric.
    ///
    /// Only proof that holds counts: a link `cv check` accepts (a full SHA,
    /// an http(s) URL) or a metric with a number. A hand-edited `url = ""`
    /// or a metric with only a name proves nothing.
    pub fn has_proof(&self) -> bool {
        self.links.iter().any(Link::is_well_formed)
            || self.metrics.iter().any(|m| {
                [m.before, m.after]
                    .into_iter()
                    .flatten()
                    .any(f64::is_finite)
            })
    }

    /// Returns the path of this entry inside the ledger (`entries/2026/<id>.toml`).
    pub fn rel_path(&self) -> String {
        rel_path(self.date, &self.id)
    }

    /// Renders a new entry file. Keys come in the order of the format reference.
    pub fn to_toml(&self) -> String {
        use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};
        let mut doc = DocumentMut::new();
        doc["id"] = value(&self.id);
        doc["title"] = value(&self.title);
        doc["date"] = value(toml_date(self.date));
        let strings = |list: &[String]| Array::from_iter(list.iter().map(String::as_str));
        if !self.signals.is_empty() {
            doc["signals"] = value(strings(&self.signals));
        }
        if !self.tags.is_empty() {
            doc["tags"] = value(strings(&self.tags));
        }
        for (key, text) in [
            ("customer", &self.customer),
            ("problem", &self.problem),
            ("outcome", &self.outcome),
            ("notes", &self.notes),
        ] {
            if let Some(text) = text {
                doc[key] = value(text.as_str());
            }
        }
        if let Some(day) = self.remeasure {
            doc["remeasure"] = value(toml_date(day));
        }
        if self.private {
            doc["private"] = value(true);
        }
        if !self.metrics.is_empty() {
            let mut tables = ArrayOfTables::new();
            for m in &self.metrics {
                let mut t = Table::new();
                t["name"] = value(&m.name);
                if let Some(v) = m.before {
                    t["before"] = value(v);
                }
                if let Some(v) = m.after {
                    t["after"] = value(v);
                }
                if let Some(u) = &m.unit {
                    t["unit"] = value(u.as_str());
                }
                tables.push(t);
            }
            doc["metrics"] = Item::ArrayOfTables(tables);
        }
        if !self.links.is_empty() {
            let mut tables = ArrayOfTables::new();
            for link in &self.links {
                tables.push(link_table(link));
            }
            doc["links"] = Item::ArrayOfTables(tables);
        }
        doc.to_string()
    }
}

/// Renders one link as a TOML table, in the order of the format reference.
pub fn link_table(link: &Link) -> toml_edit::Table {
    use toml_edit::value;
    let mut t = toml_edit::Table::new();
    t["kind"] = value(link.kind());
    let summary = match link {
        Link::Commit { repo, sha, summary } => {
            t["repo"] = value(repo.as_str());
            t["sha"] = value(sha.as_str());
            summary
        }
        Link::Pr { url, summary } | Link::Url { url, summary } => {
            t["url"] = value(url.as_str());
            summary
        }
    };
    if let Some(s) = summary {
        t["summary"] = value(s.as_str());
    }
    t
}

fn toml_date(day: NaiveDate) -> toml_edit::Datetime {
    use chrono::Datelike;
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            // chrono's year range is far inside u16 for any date cv accepts;
            // entries are refused before year 0 or after 9999 by `parse_iso`.
            year: u16::try_from(day.year()).unwrap_or(0),
            month: day.month() as u8,
            day: day.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

/// Returns the path of an entry file inside the ledger.
pub fn rel_path(date: NaiveDate, id: &str) -> String {
    format!("entries/{}/{id}.toml", date.format("%Y"))
}

/// Makes the slug of a title: ASCII, lowercase, runs of other characters one
/// `-`, at most [`MAX_SLUG`] bytes cut at a word boundary, `entry` if empty.
///
/// The result only ever holds `a-z`, `0-9` and `-`, so an id made from it can
/// never name a path outside `entries/`.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    if slug.len() > MAX_SLUG {
        let cut = &slug[..=MAX_SLUG];
        // Cut at the last word boundary; a single overlong word is cut hard.
        let end = match cut.rfind('-') {
            Some(i) if i > 0 => i,
            _ => MAX_SLUG,
        };
        slug.truncate(end);
    }
    if slug.is_empty() {
        "entry".to_string()
    } else {
        slug
    }
}

/// Returns the id for an entry: `<date>-<slug>`, with `-2`, `-3`… appended
/// until `taken` says the id is free.
pub fn unique_id(date: NaiveDate, title: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    let base = format!("{}-{}", date.format("%Y-%m-%d"), slugify(title));
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// Why `text` cannot be stored in a field, if it cannot: control characters
/// (terminal escapes, NUL) would reach every terminal that shows the entry,
/// and a one-line field (`one_line`: the title, which is also a commit
/// subject) may not hold a line break.
pub fn text_problem(field: &str, text: &str, one_line: bool) -> Option<String> {
    let bad = text
        .chars()
        .find(|&c| c.is_control() && (one_line || !matches!(c, '\n' | '\t')))?;
    Some(if bad == '\n' || bad == '\r' {
        format!("the {field} is one line; it holds a line break")
    } else {
        format!(
            "the {field} holds a control character (U+{:04X})",
            u32::from(bad)
        )
    })
}

/// The date an id starts with (`2026-11-22-…`), if it starts with one.
pub fn id_date(id: &str) -> Option<NaiveDate> {
    let prefix = id.get(..10)?;
    if id.len() > 10 && id.as_bytes().get(10) != Some(&b'-') {
        return None;
    }
    NaiveDate::parse_from_str(prefix, "%Y-%m-%d").ok()
}

/// True for a string that is safe as an entry id and file stem.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Why a metric argument was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a metric: {why}")]
pub struct MetricError {
    /// What the user typed.
    pub given: String,
    /// What is wrong with it.
    pub why: &'static str,
}

/// The form `--metric` takes, for errors and hints.
pub const METRIC_FORM: &str = "NAME: BEFORE -> AFTER UNIT, e.g. 'p95 latency: 2.1 -> 0.8 s'";

/// Parses `NAME: BEFORE -> AFTER UNIT` (SPEC §4), `->` or `→`, either
/// number optional (`NAME: -> 0.8 s`), or `NAME: VALUE UNIT`.
///
/// Exact or refused, never a different value: numbers are plain decimals
/// with a dot (`2.1`, `-3`, `1e3`), so `2,1` (a decimal comma, or a
/// thousands separator: which one cannot be known), `0x10`, `NaN`, `1e400`
/// and a second number where the unit goes are errors. The unit may follow
/// either number, glued (`2.1s`) or spaced; given on both sides it must be
/// the same.
pub fn parse_metric(input: &str) -> Result<Metric, MetricError> {
    let err = |why| MetricError {
        given: input.to_string(),
        why,
    };
    // One line of plain text: a control character (a line break, an escape
    // sequence) would be stored in the name or unit and printed raw.
    if input.chars().any(char::is_control) {
        return Err(err(
            "it holds a control character (a line break, a tab, an escape)",
        ));
    }
    let (name, values) = split_name(input).ok_or_else(|| err("there is no ':' after the name"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(err("the name before ':' is empty"));
    }
    let values = values.replace('\u{2192}', "->");
    let mut sides = values.split("->");
    let (before, after) = match (sides.next(), sides.next(), sides.next()) {
        (Some(after), None, None) => (None, Some(after)),
        (Some(before), Some(after), None) => (Some(before), Some(after)),
        _ => return Err(err("there is more than one arrow")),
    };
    let before = before
        .map(|b| value_and_unit(b, "before the arrow").map_err(err))
        .transpose()?
        .flatten();
    let after = after
        .map(|a| value_and_unit(a, "after the arrow").map_err(err))
        .transpose()?
        .flatten();
    if before.is_none() && after.is_none() {
        return Err(err("there is no number"));
    }
    // Without an arrow, a number in the unit is a change written some
    // other way (`1200 to 300`, `1200 => 300`): which value is which cannot
    // be known, so it is refused rather than stored as one value.
    let arrowless_unit = match (&before, &after) {
        (None, Some((_, Some(unit)))) if !values.contains("->") => Some(unit),
        _ => None,
    };
    if arrowless_unit.is_some_and(|unit| {
        unit.split_whitespace().any(|word| {
            word.trim_matches(|c: char| !c.is_ascii_digit())
                .parse::<f64>()
                .is_ok()
        })
    }) {
        return Err(err(
            "a second number follows the value: write a change as BEFORE -> AFTER",
        ));
    }
    let unit = match (
        before.as_ref().and_then(|b| b.1.clone()),
        after.as_ref().and_then(|a| a.1.clone()),
    ) {
        (Some(b), Some(a)) if a != b => {
            return Err(err(
                "the units before and after the arrow differ; give both in one unit",
            ));
        }
        (b, a) => a.or(b),
    };
    Ok(Metric {
        name: name.to_string(),
        before: before.map(|b| b.0),
        after: after.map(|a| a.0),
        unit,
    })
}

/// Splits `NAME: VALUES` at the colon that ends the name: the last `: `
/// (a colon and a space) whose name part holds no arrow, so both
/// `API: errors: 1200 -> 30` (named `API: errors`) and `x: 2 -> 1 ms (p: 95)`
/// (named `x`) read as written; without any `: `, the last colon.
fn split_name(input: &str) -> Option<(&str, &str)> {
    let has_arrow = |s: &str| s.contains("->") || s.contains('\u{2192}');
    let spaced = input
        .match_indices(':')
        .map(|(at, _)| at)
        .filter(|&at| input[at + 1..].starts_with(char::is_whitespace))
        .rfind(|&at| !has_arrow(&input[..at]));
    let at = spaced.or_else(|| input.rfind(':'))?;
    Some((&input[..at], &input[at + 1..]))
}

/// Reads one side of a metric: nothing, or a number and an optional unit.
fn value_and_unit(
    side: &str,
    which: &'static str,
) -> Result<Option<(f64, Option<String>)>, &'static str> {
    let side = side.trim();
    if side.is_empty() {
        return Ok(None);
    }
    let bytes = side.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    let digits_from = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let mut digits = end - digits_from;
    if bytes.get(end) == Some(&b'.') {
        end += 1;
        let from = end;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        digits += end - from;
    }
    if digits == 0 {
        return Err(match which {
            "before the arrow" => "the value before the arrow is not a number",
            _ => "the value after the arrow is not a number",
        });
    }
    // An exponent only when digits follow it: `2e` is a number and a unit.
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut at = end + 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        if bytes.get(at).is_some_and(u8::is_ascii_digit) {
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            end = at;
        }
    }
    let number: f64 = side[..end]
        .parse()
        .map_err(|_| "a number is not written as a plain decimal")?;
    if !number.is_finite() {
        return Err("a number is out of range");
    }
    // Exactly, or not at all: a value that rounds to zero (`1e-400`), or has
    // more significant digits than a stored number keeps (more than 15:
    // `9007199254740993` would come back as …992), is refused.
    let mantissa = side[..end]
        .split(['e', 'E'])
        .next()
        .unwrap_or("")
        .trim_start_matches(['-', '+']);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0');
    let significant = if mantissa.contains('.') {
        significant
    } else {
        significant.trim_end_matches('0')
    };
    if number == 0.0 && !significant.is_empty() {
        return Err("a number is too small to store exactly");
    }
    if significant.trim_end_matches('0').len() > 15 {
        return Err("a number has more digits than can be stored exactly (15 at most)");
    }
    let rest = &side[end..];
    let unit = rest.trim();
    if let Some(first) = unit.chars().next() {
        if first == ',' {
            return Err(
                "a number has a comma: write decimals with a dot (2.1) and no thousands separators",
            );
        }
        if first.is_numeric() || matches!(first, '.' | '+' | '-' | '\u{2212}') {
            return Err("there is a second number where the unit goes");
        }
        // `1e+`, `1 e5`: an exponent written wrong, not a unit.
        let word = unit.split_whitespace().next().unwrap_or("");
        let exponent = word
            .strip_prefix(['e', 'E'])
            .map(|r| r.trim_start_matches(['+', '-']))
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()));
        if exponent {
            return Err("a number's exponent is not written as 1e5 or 3e-2");
        }
        // Glued to the number, a unit with digits is a number in another
        // notation (`0x10`, `1_000`), not a unit.
        let glued = !rest.starts_with(char::is_whitespace);
        if glued && (unit.chars().any(|c| c.is_ascii_digit()) || first == '_') {
            return Err("a number is not written as a plain decimal");
        }
    }
    Ok(Some((number, (!unit.is_empty()).then(|| unit.to_string()))))
}

/// Converts a byte offset in `text` to a 1-based line and column (in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Toml(dt) => {
            if dt.time.is_some() || dt.offset.is_some() {
                return Err(serde::de::Error::custom(
                    "expected a date like 2026-11-22, without a time",
                ));
            }
            dt.to_string()
        }
        Raw::Text(s) => s,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a date like 2026-11-22")))
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    de_date(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Cut checkout latency for EU shoppers"),
            "cut-checkout-latency-for-eu-shoppers"
        );
        assert_eq!(
            slugify("Crème brûlée: 50% faster!"),
            "creme-brulee-50-faster"
        );
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("???"), "entry");
        assert_eq!(slugify(""), "entry");
        let long = slugify(&"word ".repeat(30));
        assert!(
            long.len() <= MAX_SLUG && !long.ends_with('-') && long.ends_with("word"),
            "{long}"
        );
        assert_eq!(slugify(&"x".repeat(80)).len(), MAX_SLUG);
    }

    #[test]
    fn ids_get_a_suffix_on_collision() {
        let taken = ["2026-11-22-ship-it", "2026-11-22-ship-it-2"];
        let id = unique_id(day("2026-11-22"), "Ship it", |c| taken.contains(&c));
        assert_eq!(id, "2026-11-22-ship-it-3");
        assert!(is_valid_id(&id));
        assert!(!is_valid_id("../x"));
    }

    #[test]
    fn metrics() {
        let m = parse_metric("p95 checkout latency: 2.1 -> 0.8 s").expect("parses");
        assert_eq!(
            (m.name.as_str(), m.before, m.after, m.unit.as_deref()),
            ("p95 checkout latency", Some(2.1), Some(0.8), Some("s"))
        );
        let m = parse_metric("API: errors: 1200 -> 30/day").expect("parses");
        assert_eq!(
            (m.name.as_str(), m.before, m.after, m.unit.as_deref()),
            ("API: errors", Some(1200.0), Some(30.0), Some("/day"))
        );
        let m = parse_metric("NPS: 41").expect("parses");
        assert_eq!((m.before, m.after, m.unit), (None, Some(41.0), None));
        for bad in ["no colon", ": 1 -> 2", "x: fast -> slow", "x: ->", "x: inf"] {
            assert!(parse_metric(bad).is_err(), "{bad}");
        }
    }

    /// Issue 7: every form SPEC §4 names is stored exactly, and everything
    /// else is refused, never stored as a different value.
    #[test]
    fn metrics_are_exact_or_refused() {
        let parts = |s: &str| {
            let m = parse_metric(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            (m.before, m.after, m.unit)
        };
        let s = || Some("s".to_string());
        assert_eq!(parts("p95: 2.1 → 0.8 s"), (Some(2.1), Some(0.8), s()));
        assert_eq!(parts("p95: 2.1 s -> 0.8 s"), (Some(2.1), Some(0.8), s()));
        assert_eq!(parts("p95: 2.1s->0.8s"), (Some(2.1), Some(0.8), s()));
        assert_eq!(parts("p95: -> 0.8 s"), (None, Some(0.8), s()));
        assert_eq!(parts("p95: 2.1 s ->"), (Some(2.1), None, s()));
        assert_eq!(parts("x: 1e5 -> 3e-2 s"), (Some(100000.0), Some(0.03), s()));
        assert_eq!(
            parts("x: -3 -> +4.5 %"),
            (Some(-3.0), Some(4.5), Some("%".into()))
        );
        assert_eq!(parts("x: .5 -> 2"), (Some(0.5), Some(2.0), None));
        assert_eq!(
            parts("speed: 2 -> 5x"),
            (Some(2.0), Some(5.0), Some("x".into()))
        );
        for bad in [
            "p95: 2,1 -> 0,8 s",
            "x: 0x10",
            "x: 1e400",
            "x: 2 1 s",
            "x: NaN",
            "x: 1 -> 2 -> 3",
            "x: 2.1 s -> 800 ms",
            "x: 1_000",
            "x: 1.2.3",
            "errors: 1200 to 300",
            "errors: 1200 => 300",
            "p95: 2.1 ⇒ 0.8 s",
            "build time: 1:30 -> 0:45 min",
            "d: 5 \u{2212}3 C",
            "x: 2 \u{663} s",
            "x: 1e-400",
            "x: 9007199254740993",
            "x: 123456789012345678901",
            "x: 1e+ -> 2",
            "x: 1 e5",
            "x: .5 -> 2e",
        ] {
            assert!(parse_metric(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn written_entries_parse_back() {
        let entry = Entry {
            id: "2026-11-22-ship-it".into(),
            title: "Ship \"it\"".into(),
            date: day("2026-11-22"),
            signals: vec!["mid.signal.defines-success-criteria".into()],
            tags: vec![],
            customer: Some("EU shoppers".into()),
            problem: None,
            outcome: Some("p95 0.8 s".into()),
            notes: None,
            remeasure: Some(day("2026-12-20")),
            private: false,
            metrics: vec![parse_metric("p95: 2.1 -> 0.8 s").expect("metric")],
            links: vec![Link::Pr {
                url: "https://github.com/a/b/pull/1".into(),
                summary: None,
            }],
        };
        let text = entry.to_toml();
        assert!(text.contains("date = 2026-11-22\n"), "{text}");
        assert!(text.contains("[[links]]\nkind = \"pr\""), "{text}");
        assert_eq!(Entry::parse(&text).expect("parses back"), entry);
    }

    #[test]
    fn parse_errors_have_a_location() {
        let err = Entry::parse("id = \"a\"\ntitle = \"t\"\ndate = 2026-13-01\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let err = Entry::parse("id = \"a\"\ntitle = \"\"\ndate = 2026-11-01\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        let err = Entry::parse("id = \"a\"\ndate = 2026-11-01\n").unwrap_err();
        assert!(err.message.contains("title"), "{err}");
        assert!(Entry::parse("\u{feff}id = \"a\"\ntitle = \"t\"\ndate = 2026-11-01\r\n").is_ok());
    }
}
