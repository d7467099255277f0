//! Ledger validation as data: every problem `cv check` reports, each with
//! its file, line and column, a kind and a hint. Also validates one entry's
//! text, which is how `cv edit` checks a draft. Nothing here prints.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::entry::{self, Entry};
use crate::framework::Framework;
use crate::ids::ResolveError;
use crate::ledger::store::Refusal;
use crate::links::{self, Link};

/// What kind of problem a finding is; the JSON's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Not valid TOML, a missing required field, or a wrong type.
    Parse,
    /// `cv.toml` or the framework file is broken.
    Config,
    /// A signal id no framework item has.
    UnknownSignal,
    /// A signal id written short, matching several items.
    AmbiguousSignal,
    /// Two files with the same id.
    DuplicateId,
    /// `id` differs from the file name.
    IdMismatch,
    /// The id's date is not the entry's date.
    IdDate,
    /// The file is not in the folder of its date's year.
    WrongFolder,
    /// A date after today.
    FutureDate,
    /// A date before 1970-01-01.
    EarlyDate,
    /// A metric without a name, or with a value that is not a number.
    BadMetric,
    /// `private` where it does nothing (in a link or metric table, or
    /// spelt with capitals): the entry is not private as its author meant.
    MisplacedPrivate,
    /// A link whose SHA, URL or repository is malformed.
    BadLink,
    /// A path under `entries/` cv does not read: a link, a FIFO, a folder
    /// named `*.toml`, a file over 1 MB (issue 6).
    Skipped,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path relative to the ledger.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The kind of problem.
    pub kind: Kind,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Checks one entry file's text; `rel` is its path in the ledger.
pub fn check_entry(text: &str, rel: &str, framework: &Framework, today: NaiveDate) -> Vec<Finding> {
    check_text(text, rel, framework, today).0
}

/// Checks one entry's text; also returns the entry when it parses, so the
/// ledger-wide checks do not parse it again.
fn check_text(
    text: &str,
    rel: &str,
    framework: &Framework,
    today: NaiveDate,
) -> (Vec<Finding>, Option<Entry>) {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let entry = match Entry::parse(body) {
        Ok(entry) => entry,
        Err(e) => {
            return (vec![Finding {
                file: rel.to_string(),
                line: e.line,
                column: e.column,
                kind: Kind::Parse,
                message: e.message,
                hint: "fix the TOML (`cv edit ID` opens it and re-checks it); docs/format.md lists every key".to_string(),
            }], None);
        }
    };
    let spans = Spans::new(body);
    let mut out = Vec::new();
    let mut add = |at: (usize, usize), kind, message: String, hint: String| {
        out.push(Finding {
            file: rel.to_string(),
            line: at.0,
            column: at.1,
            kind,
            message,
            hint,
        });
    };

    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".toml");
    if entry.id != stem {
        add(
            spans.at(&["id"]),
            Kind::IdMismatch,
            format!("id '{}' does not match the file name '{stem}'", entry.id),
            format!("make them equal: id = \"{stem}\", or rename the file"),
        );
    } else if !entry::is_valid_id(&entry.id) {
        add(
            spans.at(&["id"]),
            Kind::IdMismatch,
            format!(
                "id '{}' has characters other than a-z, 0-9 and '-'",
                entry.id
            ),
            "ids are the date and a lowercase slug of the title".to_string(),
        );
    }
    if entry::id_date(&entry.id).is_none() && entry.id == stem {
        add(
            spans.at(&["id"]),
            Kind::IdDate,
            format!("the id '{}' does not start with a date", entry.id),
            format!(
                "an id is the entry's date and a slug of its title, e.g. {}-{}",
                entry.date,
                entry::slugify(&entry.title)
            ),
        );
    }
    if let Some(day) = entry::id_date(&entry.id)
        && day != entry.date
    {
        add(
            spans.at(&["date"]),
            Kind::IdDate,
            format!(
                "the id carries the date {day} but the entry is dated {}",
                entry.date
            ),
            format!(
                "`cv edit {}` and save: it takes the id of its date (or set date = {day})",
                entry.id
            ),
        );
    }
    let year = entry.date.format("%Y").to_string();
    if rel.split('/').nth(1).is_some_and(|folder| folder != year) {
        add(
            spans.at(&["date"]),
            Kind::WrongFolder,
            format!(
                "dated {} but filed under {}",
                entry.date,
                rel.rsplit_once('/').map_or(rel, |(d, _)| d)
            ),
            format!("move it to {}", entry::rel_path(entry.date, stem)),
        );
    }
    if let Some(problem) = crate::dates::entry_date_problem(entry.date, today) {
        add(
            spans.at(&["date"]),
            if entry.date > today {
                Kind::FutureDate
            } else {
                Kind::EarlyDate
            },
            format!("date {problem}"),
            "an entry records value that already reached the customer, on the day it shipped"
                .to_string(),
        );
    }
    for (i, signal) in entry.signals.iter().enumerate() {
        if framework.item(signal).is_some() {
            continue;
        }
        let at = spans.at_index("signals", i);
        match framework.resolve_item(signal) {
            Ok(item) => add(
                at,
                Kind::UnknownSignal,
                format!("'{signal}' is not a full item id, so it counts for nothing"),
                format!("write \"{}\"", item.id),
            ),
            Err(ResolveError::Ambiguous { candidates, .. }) => add(
                at,
                Kind::AmbiguousSignal,
                format!("'{signal}' matches several items"),
                format!("write one of: {}", candidates.join(", ")),
            ),
            Err(ResolveError::Unknown { closest, .. }) => add(
                at,
                Kind::UnknownSignal,
                format!("'{signal}' names no item of the framework"),
                if closest.is_empty() {
                    "`cv levels LEVEL` lists every item id".to_string()
                } else {
                    format!("did you mean {}?", closest.join(" or "))
                },
            ),
        }
    }
    // A `private = true` appended at the end of a file lands in the last
    // [[links]] table; `Private` is another key. Either way the entry goes
    // into every export: say so.
    if let Ok(table) = body.parse::<toml::Table>() {
        let mut misplaced = Vec::new();
        for (key, _) in table.iter() {
            if key != "private" && key.eq_ignore_ascii_case("private") {
                misplaced.push((
                    vec![key.clone()],
                    format!("'{key}' is not the key 'private'"),
                ));
            }
        }
        for array in ["links", "metrics"] {
            if let Some(toml::Value::Array(items)) = table.get(array) {
                for (i, item) in items.iter().enumerate() {
                    if item
                        .as_table()
                        .is_some_and(|t| t.keys().any(|k| k.eq_ignore_ascii_case("private")))
                    {
                        misplaced.push((
                            vec![array.to_string(), i.to_string()],
                            format!(
                                "'private' is inside [[{array}]] number {}, where it does nothing",
                                i + 1
                            ),
                        ));
                    }
                }
            }
        }
        for (at, message) in misplaced {
            let span = if at.len() == 2 {
                spans.at_index(&at[0], at[1].parse().unwrap_or(0))
            } else {
                spans.at(&[at[0].as_str()])
            };
            add(
                span,
                Kind::MisplacedPrivate,
                format!("{message}: the entry is not private"),
                "write `private = true` near the top of the file, before any [[links]] or [[metrics]]".to_string(),
            );
        }
    }
    for (i, metric) in entry.metrics.iter().enumerate() {
        let not_a_number = [metric.before, metric.after]
            .into_iter()
            .flatten()
            .any(|v| !v.is_finite());
        let problem = if metric.name.trim().is_empty() {
            Some("a metric has no name".to_string())
        } else if not_a_number {
            Some(format!(
                "metric '{}' has a value that is not a number",
                metric.name
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            add(
                spans.at_index("metrics", i),
                Kind::BadMetric,
                problem,
                "a metric is name, before, after (plain numbers) and unit; see docs/format.md"
                    .to_string(),
            );
        }
    }
    for (i, link) in entry.links.iter().enumerate() {
        if let Some(problem) = link_problem(link) {
            add(
                spans.at_index("links", i),
                Kind::BadLink,
                problem,
                "see docs/format.md for link keys".to_string(),
            );
        }
    }
    (out, Some(entry))
}

fn link_problem(link: &Link) -> Option<String> {
    match link {
        Link::Commit { repo, sha, .. } => {
            if !crate::links::is_full_sha(sha) {
                Some(format!("commit sha '{sha}' is not a full 40-character SHA"))
            } else if repo.trim().is_empty() {
                Some("commit link has an empty repo".to_string())
            } else {
                None
            }
        }
        Link::Pr { url, .. } => links::parse_pr_url(url).err().map(|e| e.to_string()),
        Link::Url { url, .. } => links::parse_url(url).err().map(|e| e.to_string()),
    }
}

/// Checks the whole ledger: every entry file's text, and ids across files.
///
/// `files` are (path relative to the ledger, bytes).
pub fn check_ledger<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    framework: &Framework,
    today: NaiveDate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (rel, bytes) in files {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
                let (line, column) = entry::line_col(valid, valid.len());
                out.push(Finding {
                    file: rel.to_string(),
                    line,
                    column,
                    kind: Kind::Parse,
                    message: "the file is not valid UTF-8".to_string(),
                    hint: "save it as UTF-8".to_string(),
                });
                continue;
            }
        };
        let (findings, entry) = check_text(text, rel, framework, today);
        out.extend(findings);
        if let Some(entry) = entry {
            if let Some(first) = seen.get(&entry.id) {
                let (line, column) = Spans::new(text).at(&["id"]);
                out.push(Finding {
                    file: rel.to_string(),
                    line,
                    column,
                    kind: Kind::DuplicateId,
                    message: format!("id '{}' is also used by {first}", entry.id),
                    hint: "give one of them another id (and file name)".to_string(),
                });
            } else {
                seen.insert(entry.id, rel.to_string());
            }
        }
    }
    out.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    out
}

/// Returns the finding for a path cv would not read, at line 1, column 1.
pub fn skipped(path: &str, refusal: Refusal) -> Finding {
    Finding {
        file: path.to_string(),
        line: 1,
        column: 1,
        kind: Kind::Skipped,
        message: refusal.to_string(),
        hint: refusal.hint().to_string(),
    }
}

/// Where values sit in a TOML text, for locating findings.
struct Spans<'a> {
    text: &'a str,
    doc: Option<toml_edit::Document<&'a str>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Spans<'a> {
        Spans {
            text,
            doc: toml_edit::Document::parse(text).ok(),
        }
    }

    fn position(&self, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
        span.map_or((1, 1), |s| entry::line_col(self.text, s.start))
    }

    /// The value of a top-level key, or (1, 1).
    fn at(&self, path: &[&str]) -> (usize, usize) {
        let Some(doc) = &self.doc else { return (1, 1) };
        let mut item = doc.as_item();
        for key in path {
            match item.get(key) {
                Some(next) => item = next,
                None => return (1, 1),
            }
        }
        self.position(item.span())
    }

    /// Element `i` of a top-level array or array of tables.
    fn at_index(&self, key: &str, i: usize) -> (usize, usize) {
        let Some(doc) = &self.doc else { return (1, 1) };
        match doc.get(key) {
            Some(toml_edit::Item::Value(toml_edit::Value::Array(array))) => {
                self.position(array.get(i).and_then(|v| v.span()).or_else(|| array.span()))
            }
            Some(toml_edit::Item::ArrayOfTables(tables)) => {
                let table = tables.get(i);
                // A [[links]] table's own span starts at its first key.
                let first_key = table.and_then(|t| t.iter().next().map(|(k, _)| k.to_string()));
                let span = table.and_then(|t| {
                    first_key
                        .and_then(|k| t.key(&k))
                        .and_then(|k| k.span())
                        .or_else(|| t.span())
                });
                self.position(span)
            }
            _ => self.at(&[key]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn every_kind_of_problem_has_a_location() {
        let fw = Framework::builtin().expect("builtin");
        let text = r#"id = "2026-11-20-other"
title = "Something"
date = 2027-01-01
signals = ["mid.signal.defines-success-criteria", "customer-value", "no-such-thing"]

[[links]]
kind = "commit"
repo = "https://github.com/acme/shop"
sha = "abc123"
"#;
        let findings = check_entry(
            text,
            "entries/2026/2026-11-20-thing.toml",
            &fw,
            day("2026-11-22"),
        );
        let summary: Vec<(Kind, usize, usize)> = findings
            .iter()
            .map(|f| (f.kind, f.line, f.column))
            .collect();
        assert_eq!(
            summary,
            [
                (Kind::IdMismatch, 1, 6),
                (Kind::IdDate, 3, 8),
                (Kind::WrongFolder, 3, 8),
                (Kind::FutureDate, 3, 8),
                (Kind::AmbiguousSignal, 4, 51),
                (Kind::UnknownSignal, 4, 69),
                (Kind::BadLink, 7, 1),
            ]
        );
        assert!(
            findings[4]
                .hint
                .contains("senior.behavior.mentors-on-customer-value"),
            "{:?}",
            findings[4]
        );
    }

    #[test]
    fn a_syntax_error_is_one_parse_finding() {
        let fw = Framework::builtin().expect("builtin");
        let findings = check_entry(
            "id = \"x\"\ntitle = \n",
            "entries/2026/x.toml",
            &fw,
            day("2026-11-22"),
        );
        assert_eq!(findings.len(), 1);
        assert_eq!((findings[0].kind, findings[0].line), (Kind::Parse, 2));
    }

    #[test]
    fn duplicate_ids_across_files() {
        let fw = Framework::builtin().expect("builtin");
        let a = b"id = \"2026-11-01-a\"\ntitle = \"A\"\ndate = 2026-11-01\n".as_slice();
        let findings = check_ledger(
            [
                ("entries/2026/2026-11-01-a.toml", a),
                ("entries/2025/2026-11-01-a.toml", a),
            ],
            &fw,
            day("2026-11-22"),
        );
        let kinds: Vec<Kind> = findings.iter().map(|f| f.kind).collect();
        assert!(kinds.contains(&Kind::DuplicateId), "{findings:?}");
        assert!(kinds.contains(&Kind::WrongFolder), "{findings:?}");
    }
}
