//! Turns the arguments several commands share (links, signals, entry ids)
//! into checked values, before anything is written.

use std::path::{Path, PathBuf};

use super::error::{self, CliError};
use crate::framework::Framework;
use crate::git;
use crate::ids;
use crate::ledger::store::Refusal;
use crate::links::{self, Link};

/// The link flags of `cv log` and `cv link`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LinkArgs {
    /// A commit that proves it: HEAD, a short SHA, a branch (can be repeated)
    #[arg(long = "commit", value_name = "REV")]
    pub commits: Vec<String>,
    /// The work repository --commit and PR shorthands are resolved in [default: the current directory's]
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// A pull/merge request: its URL, or `#N` / `owner/repo#N` in the work repository's forge (can be repeated)
    #[arg(long = "pr", value_name = "URL")]
    pub prs: Vec<String>,
    /// Any other URL: a dashboard, a ticket, a doc (can be repeated)
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
}

impl LinkArgs {
    /// True when no link flag was given.
    pub fn is_empty(&self) -> bool {
        self.commits.is_empty() && self.prs.is_empty() && self.urls.is_empty()
    }
}

/// Links ready to store, and the work repositories `cv.toml` should learn.
#[derive(Debug, Default)]
pub struct Resolved {
    /// In the order given: commits, then requests, then URLs.
    pub links: Vec<Link>,
    /// (remote URL, local path) of each work repository with an https remote.
    pub repos: Vec<(String, String)>,
}

/// Resolves every link flag; fails on the first bad one.
///
/// A commit resolved in the ledger itself (cv run inside it, or `--repo`
/// pointing at it) is refused: that is the ledger's own history, not work.
pub fn links(args: &LinkArgs, ledger: &Path) -> Result<Resolved, CliError> {
    let mut out = Resolved::default();
    let needs_repo = !args.commits.is_empty() || args.prs.iter().any(|p| !p.contains("://"));
    if args.repo.is_some() && !needs_repo {
        return Err(CliError::usage(
            "--repo only says where --commit and PR shorthands are resolved",
        )
        .hint("add --commit REV, or drop --repo"));
    }
    let repo_dir = match &args.repo {
        Some(p) => p.clone(),
        None => std::env::current_dir()?,
    };
    for rev in &args.commits {
        let c = git::resolve_commit(&repo_dir, rev)?;
        if is_ledger(&c.path, ledger) {
            return Err(ledger_commit_error(rev));
        }
        if c.repo.starts_with("https://") {
            let pair = (c.repo.clone(), repo_spelling(&c.path));
            if !out.repos.contains(&pair) {
                out.repos.push(pair);
            }
        }
        out.links.push(Link::Commit {
            repo: c.repo,
            sha: c.sha,
            summary: (!c.summary.is_empty()).then_some(c.summary),
        });
    }
    let mut remote: Option<Option<String>> = None;
    for given in &args.prs {
        let remote = remote.get_or_insert_with(|| {
            git::open_work_repo(&repo_dir)
                .ok()
                .and_then(|r| git::remote_url(&r))
        });
        out.links.push(Link::Pr {
            url: links::expand_pr(given, remote.as_deref())?,
            summary: None,
        });
    }
    for url in &args.urls {
        out.links.push(Link::Url {
            url: links::parse_url(url)?,
            summary: None,
        });
    }
    Ok(out)
}

/// True when `repo` (a work tree) is the ledger, or a worktree of it: the
/// two share their git dir's common part.
pub fn is_ledger(repo: &Path, ledger: &Path) -> bool {
    git::same_repository(repo, ledger)
}

/// The error for a commit of the ledger's own history given as proof.
pub fn ledger_commit_error(rev: &str) -> CliError {
    CliError::usage(format!(
        "'{rev}' resolves in the ledger itself: that is the ledger's own history, not your work"
    ))
    .hint("run cv from your work repository, or pass --repo PATH to it")
}

/// Resolves `--signal` values to full item ids, without repeats.
pub fn signals(framework: &Framework, given: &[String]) -> Result<Vec<String>, CliError> {
    let mut ids: Vec<String> = Vec::new();
    for g in given {
        let item = framework.resolve_item(g).map_err(|e| {
            // A suggestion that is a focus or derived item was not matched
            // on purpose: say why, so the full id is a choice.
            let closed = match &e {
                ids::ResolveError::Unknown { closest, .. } => closest
                    .first()
                    .and_then(|id| framework.item(id))
                    .is_some_and(|item| item.needs_full_id()),
                ids::ResolveError::Ambiguous { .. } => false,
            };
            let error = error::resolve_error("signal", e);
            let error = if closed {
                error.hint("habits, questions, struggles, feedback, focus and derived items count toward no readiness, so only their full id records one")
            } else {
                error
            };
            error.hint("`cv levels LEVEL` lists every item id")
        })?;
        if !ids.contains(&item.id) {
            ids.push(item.id.clone());
        }
    }
    Ok(ids)
}

/// Resolves a typed entry id to (id, path) from the file names alone.
///
/// An entry's id is its file stem (`cv check` reports any that differ), so
/// nothing is parsed: `link`, `edit` and `rm` read only the entry they change.
/// A `*.toml` path cv will not read (a link, a FIFO…) resolves too, so `rm`
/// can remove it; [`readable_entry`] refuses it instead.
pub fn entry(ledger: &crate::ledger::Ledger, given: &str) -> Result<(String, String), CliError> {
    resolve_entry(ledger, given).map(|(id, path, _)| (id, path))
}

/// Resolves a typed entry id like [`entry`], for a command that reads the
/// entry: one cv will not read is an error naming the file and why.
pub fn readable_entry(
    ledger: &crate::ledger::Ledger,
    given: &str,
) -> Result<(String, String), CliError> {
    match resolve_entry(ledger, given)? {
        (_, path, Some(refusal)) => Err(refused(&path, refusal)),
        // The listing knows a file's type, not its size: ask the file.
        (id, path, None) => match crate::ledger::store::entry_file_refusal(ledger.root(), &path)? {
            Some((path, refusal)) => Err(refused(&path, refusal)),
            None => Ok((id, path)),
        },
    }
}

/// The error for an entry file cv will not read: its path, why, and how to fix it.
pub fn refused(path: &str, refusal: Refusal) -> CliError {
    CliError::usage(format!("{path}:1:1: {refusal}")).hint(refusal.hint())
}

fn resolve_entry(
    ledger: &crate::ledger::Ledger,
    given: &str,
) -> Result<(String, String, Option<Refusal>), CliError> {
    let listing = crate::ledger::store::list_entries(ledger.root())?;
    let refused_files = listing
        .refused
        .iter()
        .filter(|b| b.path.ends_with(".toml"))
        .filter_map(|b| Some((b.path.as_str(), Some(b.refusal?))));
    let files: Vec<(&str, Option<Refusal>)> = listing
        .files
        .iter()
        .map(|rel| (rel.as_str(), None))
        .chain(refused_files)
        .collect();
    let stem = |rel: &str| -> String {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        name.strip_suffix(".toml").unwrap_or(name).to_string()
    };
    let ids: Vec<String> = files.iter().map(|(rel, _)| stem(rel)).collect();
    // Resolve among distinct ids (a duplicated one is one candidate, not
    // two), then insist it names one file.
    let mut unique: Vec<&str> = ids.iter().map(String::as_str).collect();
    unique.sort_unstable();
    unique.dedup();
    let chosen = ids::resolve(given, unique.iter().copied()).map_err(|e| {
        let error = error::resolve_error("entry", e).hint("`cv list --long` shows every entry id");
        // An entry behind a folder cv does not read cannot be found; say so.
        if listing.refused.iter().any(|b| !b.path.ends_with(".toml")) {
            error.hint("cv skips some folders under entries/; `cv check` names them")
        } else {
            error
        }
    })?;
    let id = unique[chosen];
    let holders: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] == id).collect();
    if let [index] = holders[..] {
        let (path, refusal) = files[index];
        return Ok((id.to_string(), path.to_string(), refusal));
    }
    let paths: Vec<&str> = holders.iter().map(|&i| files[i].0).collect();
    Err(CliError::usage(format!(
        "entry '{id}' is in {} files: {}",
        paths.len(),
        paths.join(", ")
    ))
    .hint("an id names one entry: rename or remove all but one of them (`cv check` reports duplicate ids)"))
}

/// How a work repository's path is written in `cv.toml` `[repos]`.
pub fn repo_spelling(path: &Path) -> String {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    crate::ledger::config::Repos::spelling(path, home.as_deref())
}
