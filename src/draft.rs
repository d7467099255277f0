//! The one way to a new entry: fields as a person or an agent types them,
//! checked into a [`Draft`], which becomes an [`Entry`] only when it is
//! whole and valid. `cv log`, `cv harvest --pick` and `cv mcp` all go
//! through here, so a value one of them refuses, all of them refuse.
//!
//! Nothing here prompts or prints: the CLI fills a draft's gaps by asking,
//! an agent by sending fields, harvest from a commit.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::dates::{self, DateError};
use crate::entry::{self, Entry, Metric, MetricError};
use crate::framework::Framework;
use crate::git::{self, GitError, ResolvedCommit};
use crate::ids::ResolveError;
use crate::links::{self, Link, LinkError};

/// The fields of `cv log`, as typed: nothing parsed yet.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    /// What was shipped.
    pub title: Option<String>,
    /// When it reached the customer, in any form `dates::parse_day` takes.
    pub date: Option<String>,
    /// Who it helped.
    pub customer: Option<String>,
    /// The problem it solved.
    pub problem: Option<String>,
    /// The outcome, in words.
    pub outcome: Option<String>,
    /// `NAME: BEFORE -> AFTER UNIT`, each.
    pub metrics: Vec<String>,
    /// Item ids, or unambiguous parts of them.
    pub signals: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The links.
    pub links: LinkFields,
    /// Free text.
    pub notes: Option<String>,
    /// When to measure again, in any form `dates::parse_day` takes.
    pub remeasure: Option<String>,
    /// Keep out of exports.
    pub private: bool,
}

/// The link fields of `cv log` and `cv link`, as typed.
#[derive(Debug, Clone, Default)]
pub struct LinkFields {
    /// Revisions: HEAD, a short SHA, a branch.
    pub commits: Vec<String>,
    /// Where commits and PR shorthands are resolved (default: the working
    /// directory's repository).
    pub repo: Option<PathBuf>,
    /// Pull/merge requests: URLs, or `#N` / `owner/repo#N`.
    pub prs: Vec<String>,
    /// Any other URL.
    pub urls: Vec<String>,
}

impl LinkFields {
    /// True when no link was given.
    pub fn is_empty(&self) -> bool {
        self.commits.is_empty() && self.prs.is_empty() && self.urls.is_empty()
    }
}

/// Links ready to store, and the work repositories `cv.toml` should learn.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// In the order given: commits, then requests, then URLs.
    pub links: Vec<Link>,
    /// (remote URL, local path as `cv.toml` spells it) of each work
    /// repository with an https remote.
    pub repos: Vec<(String, String)>,
}

impl Resolved {
    /// Adds a resolved commit, learning its repository; a link already
    /// there is not added twice.
    pub fn add_commit(&mut self, commit: ResolvedCommit) {
        if commit.repo.starts_with("https://") {
            let pair = (commit.repo.clone(), repo_spelling(&commit.path));
            if !self.repos.contains(&pair) {
                self.repos.push(pair);
            }
        }
        self.add(Link::from(commit));
    }

    /// Adds a link unless it is already there.
    pub fn add(&mut self, link: Link) {
        if !self.links.contains(&link) {
            self.links.push(link);
        }
    }
}

impl From<ResolvedCommit> for Link {
    fn from(c: ResolvedCommit) -> Link {
        Link::Commit {
            repo: c.repo,
            sha: c.sha,
            summary: (!c.summary.is_empty()).then_some(c.summary),
        }
    }
}

/// A new entry in the making: each value present is already checked.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// What was shipped (required before it becomes an entry).
    pub title: Option<String>,
    /// When it reached the customer (default: today).
    pub date: Option<NaiveDate>,
    /// Who it helped.
    pub customer: Option<String>,
    /// The problem.
    pub problem: Option<String>,
    /// The outcome.
    pub outcome: Option<String>,
    /// Measurements.
    pub metrics: Vec<Metric>,
    /// Full item ids, without repeats.
    pub signals: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Links and the work repositories they came from.
    pub links: Resolved,
    /// Free text.
    pub notes: Option<String>,
    /// When to measure again.
    pub remeasure: Option<NaiveDate>,
    /// Keep out of exports.
    pub private: bool,
}

/// Where a draft's relative values are read: today, the ledger (whose own
/// commits are no proof) and the directory commits are resolved in.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// Today.
    pub today: NaiveDate,
    /// The ledger's folder.
    pub ledger: &'a Path,
    /// The working directory: its repository is the default for commits.
    pub cwd: &'a Path,
}

/// Why fields cannot become an entry. Each names the value at fault.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// No title at all.
    #[error("a title is required")]
    NoTitle,
    /// A title of spaces.
    #[error("the title is empty")]
    EmptyTitle,
    /// A title of punctuation.
    #[error("the title '{0}' has no letters or digits")]
    TitleWithoutWords(String),
    /// Control characters and the like in a text field.
    #[error("{0}")]
    Text(String),
    /// A date that does not parse.
    #[error(transparent)]
    Date(#[from] DateError),
    /// A date an entry cannot have (the future, before 1970).
    #[error("{0}")]
    EntryDate(String),
    /// A metric that does not parse exactly.
    #[error(transparent)]
    Metric(#[from] MetricError),
    /// A signal that names no item, or several.
    #[error("{}", signal_message(.error))]
    Signal {
        /// What resolution found.
        error: ResolveError,
        /// The closest item needs its full id (a habit, a question…).
        needs_full_id: bool,
    },
    /// A PR or URL that is not one.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// A repository or revision that cannot be read.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A commit of the ledger's own history given as proof.
    #[error("'{0}' resolves in the ledger itself: that is the ledger's own history, not your work")]
    LedgerCommit(String),
    /// A repository given with nothing to resolve in it.
    #[error("--repo only says where --commit and PR shorthands are resolved")]
    RepoWithoutRevision,
}

fn signal_message(e: &ResolveError) -> String {
    match e {
        ResolveError::Ambiguous { given, .. } => format!("signal '{given}' is ambiguous"),
        ResolveError::Unknown { given, .. } => format!("unknown signal '{given}'"),
    }
}

impl Draft {
    /// Parses and checks every field given; fields not given stay empty,
    /// for a prompt (or the defaults of [`Draft::into_entry`]) to fill.
    pub fn new(fields: &Fields, framework: &Framework, place: Place) -> Result<Draft, DraftError> {
        let title = match &fields.title {
            Some(t) => Some(check_title(t)?),
            None => None,
        };
        check_texts(&[
            ("customer", fields.customer.as_deref(), true),
            ("problem", fields.problem.as_deref(), false),
            ("outcome", fields.outcome.as_deref(), false),
            ("notes", fields.notes.as_deref(), false),
        ])?;
        for tag in &fields.tags {
            check_texts(&[("tag", Some(tag), true)])?;
        }
        let date = match &fields.date {
            Some(d) => Some(check_date(dates::parse_day(d, place.today)?, place.today)?),
            None => None,
        };
        let remeasure = fields
            .remeasure
            .as_deref()
            .map(|d| dates::parse_day(d, place.today))
            .transpose()?;
        let metrics = fields
            .metrics
            .iter()
            .map(|m| entry::parse_metric(m))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Draft {
            title,
            date,
            customer: non_empty(fields.customer.as_deref()),
            problem: non_empty(fields.problem.as_deref()),
            outcome: non_empty(fields.outcome.as_deref()),
            metrics,
            signals: resolve_signals(framework, &fields.signals)?,
            tags: fields
                .tags
                .iter()
                .filter_map(|t| non_empty(Some(t)))
                .collect(),
            links: resolve_links(&fields.links, place)?,
            notes: non_empty(fields.notes.as_deref()),
            remeasure,
            private: fields.private,
        })
    }

    /// The entry this draft describes, and the work repositories
    /// `cv.toml` should learn. Checks again what a prompt or a harvested
    /// commit may have set: the title, the date.
    pub fn into_entry(
        self,
        today: NaiveDate,
    ) -> Result<(Entry, Vec<(String, String)>), DraftError> {
        let title = check_title(self.title.as_deref().ok_or(DraftError::NoTitle)?)?;
        let date = check_date(self.date.unwrap_or(today), today)?;
        check_texts(&[
            ("customer", self.customer.as_deref(), true),
            ("problem", self.problem.as_deref(), false),
            ("outcome", self.outcome.as_deref(), false),
        ])?;
        let entry = Entry {
            id: String::new(),
            title,
            date,
            signals: self.signals,
            tags: self.tags,
            customer: self.customer,
            problem: self.problem,
            outcome: self.outcome,
            notes: self.notes,
            remeasure: self.remeasure,
            private: self.private,
            metrics: self.metrics,
            links: self.links.links,
        };
        Ok((entry, self.links.repos))
    }
}

/// Each (field, text, one line only) given is plain text, or the first
/// that is not says why.
fn check_texts(texts: &[(&str, Option<&str>, bool)]) -> Result<(), DraftError> {
    for &(field, value, one_line) in texts {
        if let Some(problem) = value.and_then(|v| entry::text_problem(field, v, one_line)) {
            return Err(DraftError::Text(problem));
        }
    }
    Ok(())
}

/// The title trimmed, or why an entry cannot have it.
pub fn check_title(title: &str) -> Result<String, DraftError> {
    if title.trim().is_empty() {
        return Err(DraftError::EmptyTitle);
    }
    if !title.chars().any(char::is_alphanumeric) {
        return Err(DraftError::TitleWithoutWords(title.to_string()));
    }
    if let Some(problem) = entry::text_problem("title", title, true) {
        return Err(DraftError::Text(problem));
    }
    Ok(title.trim().to_string())
}

/// The date, or why an entry cannot have it (the future, before 1970).
pub fn check_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DraftError> {
    match dates::entry_date_problem(date, today) {
        Some(problem) => Err(DraftError::EntryDate(problem)),
        None => Ok(date),
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Resolves signals to full item ids, without repeats.
pub fn resolve_signals(framework: &Framework, given: &[String]) -> Result<Vec<String>, DraftError> {
    let mut ids: Vec<String> = Vec::new();
    for g in given {
        let item = framework.resolve_item(g).map_err(|error| {
            // A suggestion that is a focus or derived item was not matched
            // on purpose: the error says so, so the full id is a choice.
            let needs_full_id = match &error {
                ResolveError::Unknown { closest, .. } => closest
                    .first()
                    .and_then(|id| framework.item(id))
                    .is_some_and(|item| item.needs_full_id()),
                ResolveError::Ambiguous { .. } => false,
            };
            DraftError::Signal {
                error,
                needs_full_id,
            }
        })?;
        if !ids.contains(&item.id) {
            ids.push(item.id.clone());
        }
    }
    Ok(ids)
}

/// Resolves every link field; fails on the first bad one.
///
/// A commit resolved in the ledger itself (cv run inside it, or `repo`
/// pointing at it) is refused: that is the ledger's own history, not work.
pub fn resolve_links(fields: &LinkFields, place: Place) -> Result<Resolved, DraftError> {
    let mut out = Resolved::default();
    let needs_repo = !fields.commits.is_empty() || fields.prs.iter().any(|p| !p.contains("://"));
    if fields.repo.is_some() && !needs_repo {
        return Err(DraftError::RepoWithoutRevision);
    }
    let repo_dir = fields.repo.as_deref().unwrap_or(place.cwd);
    for rev in &fields.commits {
        let commit = git::resolve_commit(repo_dir, rev)?;
        if git::same_repository(&commit.path, place.ledger) {
            return Err(DraftError::LedgerCommit(rev.clone()));
        }
        out.add_commit(commit);
    }
    let shorthand = fields.prs.iter().any(|p| !p.contains("://"));
    if shorthand
        && git::WorkRepo::discover(repo_dir)
            .is_ok_and(|work| git::same_repository(&work.root(), place.ledger))
    {
        // The ledger's own remote is no forge of the user's work.
        let given = fields.prs.iter().find(|p| !p.contains("://"));
        return Err(DraftError::LedgerCommit(given.cloned().unwrap_or_default()));
    }
    let mut remote: Option<Option<String>> = None;
    for given in &fields.prs {
        let remote = remote.get_or_insert_with(|| {
            git::WorkRepo::discover(repo_dir)
                .ok()
                .and_then(|r| r.remote_url())
        });
        out.add(Link::Pr {
            url: links::expand_pr(given, remote.as_deref())?,
            summary: None,
        });
    }
    for url in &fields.urls {
        out.add(Link::Url {
            url: links::parse_url(url)?,
            summary: None,
        });
    }
    Ok(out)
}

/// How a work repository's path is written in `cv.toml` `[repos]`.
pub fn repo_spelling(path: &Path) -> String {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    crate::ledger::config::Repos::spelling(path, home.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(today: NaiveDate) -> Place<'static> {
        Place {
            today,
            ledger: Path::new("/nonexistent-ledger"),
            cwd: Path::new("/nonexistent-cwd"),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn fields_become_an_entry_with_ids_resolved_and_text_trimmed() {
        let framework = Framework::builtin().expect("built-in framework");
        let fields = Fields {
            title: Some("  Cut checkout latency ".into()),
            date: Some("yesterday".into()),
            customer: Some(" ".into()),
            metrics: vec!["p95: 2.1 -> 0.8 s".into()],
            signals: vec![
                "defines-success-criteria".into(),
                "mid.signal.defines-success-criteria".into(),
            ],
            tags: vec!["perf".into(), "".into()],
            ..Fields::default()
        };
        let today = day("2026-11-22");
        let draft = Draft::new(&fields, &framework, place(today)).expect("valid fields");
        let (entry, repos) = draft.into_entry(today).expect("a whole draft");
        assert_eq!(entry.title, "Cut checkout latency");
        assert_eq!(entry.date, day("2026-11-21"));
        assert_eq!(entry.customer, None);
        assert_eq!(entry.signals, ["mid.signal.defines-success-criteria"]);
        assert_eq!(entry.tags, ["perf"]);
        assert_eq!(entry.metrics.len(), 1);
        assert!(repos.is_empty());
    }

    #[test]
    fn a_draft_refuses_what_an_entry_cannot_hold() {
        let framework = Framework::builtin().expect("built-in framework");
        let today = day("2026-11-22");
        let with = |f: Fields| Draft::new(&f, &framework, place(today)).map(|_| ());
        let future = with(Fields {
            date: Some("2026-11-23".into()),
            ..Fields::default()
        });
        assert!(
            matches!(future, Err(DraftError::EntryDate(_))),
            "{future:?}"
        );
        let unknown = with(Fields {
            signals: vec!["no-such-signal-anywhere".into()],
            ..Fields::default()
        });
        assert!(
            matches!(unknown, Err(DraftError::Signal { .. })),
            "{unknown:?}"
        );
        let comma = with(Fields {
            metrics: vec!["p95: 2,1 -> 0.8 s".into()],
            ..Fields::default()
        });
        assert!(matches!(comma, Err(DraftError::Metric(_))), "{comma:?}");
        let escape = with(Fields {
            tags: vec!["a\u{1b}[31mb".into()],
            ..Fields::default()
        });
        assert!(matches!(escape, Err(DraftError::Text(_))), "{escape:?}");
        let unit = with(Fields {
            metrics: vec!["p95: 1 -> 2 s\nx".into()],
            ..Fields::default()
        });
        assert!(matches!(unit, Err(DraftError::Metric(_))), "{unit:?}");
        let dots = with(Fields {
            title: Some("...".into()),
            ..Fields::default()
        });
        assert!(
            matches!(dots, Err(DraftError::TitleWithoutWords(_))),
            "{dots:?}"
        );
        // A draft filled by hand (a prompt, a harvested commit) is checked
        // again on its way to an entry.
        let untitled = Draft::default().into_entry(today);
        assert!(matches!(untitled, Err(DraftError::NoTitle)), "{untitled:?}");
        let tomorrow = Draft {
            title: Some("Ship it".into()),
            date: Some(day("2026-11-23")),
            ..Draft::default()
        }
        .into_entry(today);
        assert!(
            matches!(tomorrow, Err(DraftError::EntryDate(_))),
            "{tomorrow:?}"
        );
    }
}
