//! The arguments several commands share: the link flags (checked by the
//! core's `draft`), and entry ids resolved to files before anything is written.

use std::path::PathBuf;

use super::error::{self, CliError};
use crate::draft::LinkFields;
use crate::ids;
use crate::ledger::store::Refusal;

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

    /// The flags as the core's link fields.
    pub fn fields(&self) -> LinkFields {
        LinkFields {
            commits: self.commits.clone(),
            repo: self.repo.clone(),
            prs: self.prs.clone(),
            urls: self.urls.clone(),
        }
    }
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
