//! The CLI's one error type, its exit codes, and the one printer.
//!
//! Each core error type is mapped to a kind (failure or bad input) once, in a
//! `From` impl, with the hints a user needs to fix it.

use std::io::Write;

use crate::dates::DateError;
use crate::diff::DiffError;
use crate::entry::MetricError;
use crate::git::GitError;
use crate::ids::ResolveError;
use crate::ledger::LedgerError;
use crate::links::LinkError;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command failed, or `cv check` found problems.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: bad usage or bad input; nothing was changed.
pub const EXIT_USAGE: u8 = 2;

/// Whether the user or the world is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Something failed (I/O, git, a broken file): exit 1.
    Failure,
    /// The arguments or input were wrong: exit 2.
    Usage,
    /// stdout was closed by the reader (`cv list | head`): exit 0 quietly.
    BrokenPipe,
    /// Exit 1 with nothing more to print (`cv check` printed its findings).
    Quiet,
}

/// An error ready to print: one message, its causes, and hints.
#[derive(Debug)]
pub struct CliError {
    /// Exit-code class.
    pub kind: Kind,
    /// The `error:` line.
    pub message: String,
    /// `caused by:` lines, outermost first.
    pub causes: Vec<String>,
    /// `hint:` lines.
    pub hints: Vec<String>,
}

impl CliError {
    /// A bad-input error (exit 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            kind: Kind::Usage,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// A failure (exit 1).
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            kind: Kind::Failure,
            ..CliError::usage(message)
        }
    }

    /// A failure whose explanation was already printed (exit 1, no `error:` line).
    pub fn quiet_failure() -> CliError {
        CliError {
            kind: Kind::Quiet,
            ..CliError::failure("")
        }
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hints.push(hint.into());
        self
    }

    fn from_source(kind: Kind, error: &dyn std::error::Error) -> CliError {
        let mut causes = Vec::new();
        let mut source = error.source();
        while let Some(cause) = source {
            // libgit2's Display appends `; class=Repository (6); code=NotFound
            // (-3)`: its internals, not something a user can act on.
            let text = match cause.downcast_ref::<git2::Error>() {
                Some(git) => plain_git_message(git),
                None => cause.to_string(),
            };
            if !causes.contains(&text) {
                causes.push(text);
            }
            source = cause.source();
        }
        CliError {
            kind,
            message: error.to_string(),
            causes,
            hints: Vec::new(),
        }
    }

    /// Drops the `caused by:` lines, where the message already says it all.
    fn without_causes(mut self) -> CliError {
        self.causes.clear();
        self
    }

    /// Returns the process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Failure | Kind::Quiet => EXIT_FAILURE,
            Kind::Usage => EXIT_USAGE,
            Kind::BrokenPipe => EXIT_OK,
        }
    }

    /// Renders the error as the lines the CLI prints: `error:`, then
    /// `caused by:`, then `hint:`, each ending in a newline. `cv mcp` sends
    /// the same text as a tool's error result.
    pub fn render(&self) -> String {
        let mut text = format!("error: {}\n", self.message);
        for cause in &self.causes {
            text.push_str(&format!("caused by: {cause}\n"));
        }
        for hint in &self.hints {
            text.push_str(&format!("hint: {hint}\n"));
        }
        text
    }

    /// Prints the error to stderr: `error:`, then `caused by:`, then `hint:`.
    pub fn print(&self) {
        if matches!(self.kind, Kind::BrokenPipe | Kind::Quiet) {
            return;
        }
        let _ = std::io::stderr().lock().write_all(self.render().as_bytes());
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CliError {
                kind: Kind::BrokenPipe,
                ..CliError::failure("broken pipe")
            };
        }
        CliError::from_source(Kind::Failure, &e)
    }
}

impl From<LedgerError> for CliError {
    fn from(e: LedgerError) -> CliError {
        let hint = match &e {
            LedgerError::NotFound { path } => Some(match crate::ledger::sync::interrupted_join(path) {
                // A `cv init --remote` that was stopped midway: `cv init`
                // would make a new, unrelated ledger there.
                Some(url) => format!(
                    "an interrupted `cv init --remote` left it: run it again (`cv init --remote {url} {}`)",
                    path.display()
                ),
                None => "run `cv init` to create a ledger there, or point --ledger (or CV_LEDGER) at an existing one".to_string(),
            }),
            LedgerError::NotAFolder { .. } => Some("point --ledger (or CV_LEDGER) at a folder".to_string()),
            LedgerError::AlreadyExists { .. } => Some("use that ledger as it is, or choose another folder".to_string()),
            LedgerError::WorkRepository { .. } => Some("nothing was changed; give cv a folder of its own, e.g. `cv init ~/.local/share/cv`".to_string()),
            LedgerError::InsideRepository { .. } => Some("nothing was changed; give cv a folder outside that repository (or one it ignores)".to_string()),
            LedgerError::Config { .. } => Some("fix cv.toml by hand; see docs/format.md for its keys".to_string()),
            LedgerError::Framework(_) => Some("fix the framework file named in cv.toml [framework] path (docs/framework.md has its schema), or remove that line to use the built-in framework".to_string()),
            LedgerError::BrokenEntry { path, .. } => {
                let id = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".toml");
                Some(format!("fix the entry first: `cv edit {id}`; nothing was changed"))
            }
            LedgerError::Contended => Some("try again; another program keeps committing to the ledger".to_string()),
            LedgerError::LockHeld { path } => Some(format!(
                "nothing was changed; if no git command is running in the ledger, one that crashed left the lock: remove it (`rm {}`) and try again",
                path.display()
            )),
            LedgerError::DetachedHead => Some("switch the ledger back to its branch (`git switch main` in the ledger), then try again; nothing was changed".to_string()),
            LedgerError::UnbornBranch { .. } => Some("switch the ledger to the branch that holds your entries (`git switch main` in the ledger); nothing was changed".to_string()),
            LedgerError::Boundary { .. } => Some("cv never writes through a link or over a misplaced file: make it a real folder (or move the file away), then try again; nothing was changed".to_string()),
            LedgerError::Journal { path, .. } => Some(format!(
                "make the files it names look as you want them, then delete {}; reading commands keep working meanwhile",
                path.display()
            )),
            LedgerError::NeverCommitted { .. } | LedgerError::Uncommitted { .. } => Some(
                "commit it first (`git add` and `git commit` in the ledger), or pass --force to lose it".to_string(),
            ),
            LedgerError::UnsupportedIndex { .. } => Some("nothing was changed; `git update-index --no-split-index` (or `git sparse-checkout disable`) in the ledger makes the index one cv can update".to_string()),
            LedgerError::Filtered { .. } => Some("nothing was changed; remove the filter for entries/ and cv.toml in .gitattributes to let cv write them".to_string()),
            LedgerError::TooLarge { .. } => Some("keep long text in a linked document (--url) and the entry short".to_string()),
            LedgerError::OperationInProgress { finish, abort, .. } => Some(format!(
                "in the ledger, resolve the conflicts and run `{finish}`, or run `{abort}` to go back; then run cv again"
            )),
            LedgerError::EntryGone { .. } => Some("`cv list` shows what the ledger holds now".to_string()),
            _ => None,
        };
        // A broken entry is bad input to the command that must change it.
        let kind = match e {
            LedgerError::BrokenEntry { .. }
            | LedgerError::WorkRepository { .. }
            | LedgerError::InsideRepository { .. }
            | LedgerError::Boundary { .. }
            | LedgerError::TooLarge { .. }
            | LedgerError::NeverCommitted { .. }
            | LedgerError::Uncommitted { .. } => Kind::Usage,
            _ => Kind::Failure,
        };
        let mut error = CliError::from_source(kind, &e);
        error.hints.extend(hint);
        error
    }
}

impl From<GitError> for CliError {
    fn from(e: GitError) -> CliError {
        let hint = match &e {
            GitError::NotARepo { .. } => {
                "pass --repo PATH to a work repository, or run cv from inside one"
            }
            GitError::UnknownRevision { .. } => {
                "give a commit SHA, a branch or HEAD that exists in that repository"
            }
            GitError::Walk { .. } => {
                // libgit2's reason (a missing object, a bad header) is the news.
                return CliError::from_source(Kind::Failure, &e).hint(
                    "`git fsck` in that repository names what is broken; cv reads nothing past it",
                );
            }
        };
        // The message names the path or revision; libgit2's own wording of
        // the same thing would only repeat it.
        CliError::from_source(Kind::Usage, &e)
            .without_causes()
            .hint(hint)
    }
}

/// A libgit2 error as a plain sentence: its message, without libgit2's
/// class and code.
fn plain_git_message(e: &git2::Error) -> String {
    let message = e.message().trim().trim_end_matches('.');
    if message.is_empty() {
        "git reported an error".to_string()
    } else {
        message.to_string()
    }
}

impl From<DateError> for CliError {
    fn from(e: DateError) -> CliError {
        CliError::from_source(Kind::Usage, &e)
            .hint(format!("dates are written {}", crate::dates::FORMS))
            .hint(crate::dates::PERIODS)
    }
}

impl From<crate::query::QueryError> for CliError {
    fn from(e: crate::query::QueryError) -> CliError {
        match e {
            crate::query::QueryError::Date(e) => e.into(),
            e @ crate::query::QueryError::Inverted { .. } => CliError::from_source(Kind::Usage, &e)
                .hint("--since is the first day and --until the last; swap them"),
        }
    }
}

impl From<MetricError> for CliError {
    fn from(e: MetricError) -> CliError {
        CliError::from_source(Kind::Usage, &e)
            .hint(format!("write a metric as {}", crate::entry::METRIC_FORM))
    }
}

impl From<LinkError> for CliError {
    fn from(e: LinkError) -> CliError {
        let hint = match e {
            LinkError::NotPr(_) => {
                "give the request's web address, e.g. https://github.com/acme/shop/pull/4312 or https://gitlab.com/g/r/-/merge_requests/7"
            }
            LinkError::NotUrl(_) => "give a full address starting with https://",
            LinkError::NoRemote(_) => {
                "run cv inside the work repository (or pass --repo PATH), or give the full URL"
            }
        };
        CliError::from_source(Kind::Usage, &e).hint(hint)
    }
}

impl From<DiffError> for CliError {
    fn from(e: DiffError) -> CliError {
        CliError::from_source(Kind::Usage, &e)
            .hint("put the lower level first, e.g. `cv diff mid senior`")
    }
}

impl From<crate::level::UnknownLevel> for CliError {
    fn from(e: crate::level::UnknownLevel) -> CliError {
        CliError::from_source(Kind::Usage, &e)
            .hint("levels are early, mid, senior, staff, principal (or 1-5, L1-L5, early-career, mid-level)")
    }
}

impl From<crate::framework::FrameworkError> for CliError {
    fn from(e: crate::framework::FrameworkError) -> CliError {
        CliError::from_source(Kind::Failure, &e)
            .hint("fix the framework file named in cv.toml [framework] path")
    }
}

impl From<crate::draft::DraftError> for CliError {
    fn from(e: crate::draft::DraftError) -> CliError {
        use crate::draft::DraftError as D;
        match e {
            D::NoTitle => CliError::usage("a title is required")
                .hint("pass --title 'What you shipped' (cv asks for it when run at a terminal)"),
            D::EmptyTitle => {
                CliError::usage("the title is empty").hint("pass --title 'What you shipped'")
            }
            e @ D::TitleWithoutWords(_) => CliError::usage(e.to_string())
                .hint("say what you shipped, e.g. --title 'Cut checkout latency'"),
            D::Text(problem) => {
                CliError::usage(problem).hint("type plain text; nothing was written")
            }
            D::Date(e) => e.into(),
            D::EntryDate(problem) => CliError::usage(problem).hint(
                "an entry records value that already reached the customer: give the day it shipped",
            ),
            D::Metric(e) => e.into(),
            D::Signal {
                error,
                needs_full_id,
            } => {
                let error = resolve_error("signal", error);
                let error = if needs_full_id {
                    error.hint("habits, questions, struggles, feedback, focus and derived items count toward no readiness, so only their full id records one")
                } else {
                    error
                };
                error.hint("`cv levels LEVEL` lists every item id")
            }
            D::Link(e) => e.into(),
            D::Git(e) => e.into(),
            e @ D::LedgerCommit(_) => CliError::usage(e.to_string())
                .hint("run cv from your work repository, or pass --repo PATH to it"),
            e @ D::RepoWithoutRevision => {
                CliError::usage(e.to_string()).hint("add --commit REV, or drop --repo")
            }
        }
    }
}

/// Maps an id resolution error, naming what kind of id was looked up.
pub fn resolve_error(what: &str, e: ResolveError) -> CliError {
    match e {
        ResolveError::Ambiguous { given, candidates } => {
            CliError::usage(format!("{what} '{given}' is ambiguous"))
                .hint(format!("it matches: {}", candidates.join(", ")))
        }
        ResolveError::Unknown { given, closest } => {
            let error = CliError::usage(format!("unknown {what} '{given}'"));
            if closest.is_empty() {
                error
            } else {
                error.hint(format!("did you mean {}?", closest.join(" or ")))
            }
        }
    }
}
