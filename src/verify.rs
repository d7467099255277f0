//! `cv verify`: does the evidence still hold? Every commit link whose
//! repository is on this machine (a path, or a remote URL `[repos]` maps to
//! a path) is checked: it exists, a local branch reaches it, and no later
//! commit reverts it. Reads work repositories only, through `git::WorkRepo`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::entry::Entry;
use crate::git::{CommitState, WorkRepo};
use crate::ledger::Config;
use crate::ledger::config::Repos;
use crate::links::Link;

/// What became of one commit link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The commit holds.
    Ok,
    /// Not in its repository, or reachable from no branch.
    Missing,
    /// Reverted by a later commit.
    Reverted,
    /// Its repository is not on this machine.
    NotCheckable,
}

/// One commit link checked, as `cv verify --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The entry that cites it.
    pub entry: String,
    /// The repository, as the link names it.
    pub repo: String,
    /// The commit.
    pub sha: String,
    /// What became of it.
    pub status: Status,
    /// Why, in words: which case of missing, the reverting commit, where
    /// the repository was looked for.
    pub reason: String,
}

/// What the last `cv verify` on this machine found: the report and the
/// packet say it, so a reverted commit is not shown as proof unremarked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The day it ran.
    pub on: NaiveDate,
    /// How many links it could check (their repository on this machine).
    pub checked: usize,
    /// Those that no longer hold: missing or reverted.
    pub failing: Vec<Check>,
}

impl Verification {
    /// The summary of `checks` made on `on`.
    pub fn of(on: NaiveDate, checks: &[Check]) -> Verification {
        Verification {
            on,
            checked: checks
                .iter()
                .filter(|c| c.status != Status::NotCheckable)
                .count(),
            failing: checks
                .iter()
                .filter(|c| matches!(c.status, Status::Missing | Status::Reverted))
                .cloned()
                .collect(),
        }
    }
}

/// Checks every commit link of `entries`.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    config: &Config,
    home: Option<&Path>,
) -> Vec<Check> {
    let mut repos: HashMap<PathBuf, Option<WorkRepo>> = HashMap::new();
    let mut out = Vec::new();
    for entry in entries {
        for link in &entry.links {
            let Link::Commit { repo, sha, .. } = link else {
                continue;
            };
            let local = if repo.starts_with('/') {
                Some(PathBuf::from(repo))
            } else {
                Repos::path_of(config, repo, home)
            };
            let (status, reason) = match local {
                None => (
                    Status::NotCheckable,
                    "cv.toml [repos] names no local path for this repository".to_string(),
                ),
                Some(path) => match repos
                    .entry(path.clone())
                    .or_insert_with(|| WorkRepo::open(&path).ok())
                {
                    None => (
                        Status::NotCheckable,
                        format!("no git repository at {}", path.display()),
                    ),
                    Some(work) => match work.state(sha) {
                        CommitState::Ok => (Status::Ok, "reachable from a branch".to_string()),
                        CommitState::NotFound if !crate::links::is_full_sha(sha) => (
                            Status::Missing,
                            "not a full 40-hex SHA (`cv check` names the entry)".to_string(),
                        ),
                        CommitState::NotFound => {
                            (Status::Missing, "not in the repository".to_string())
                        }
                        CommitState::Unreachable => {
                            (Status::Missing, "no local branch reaches it".to_string())
                        }
                        CommitState::Reverted { by } => {
                            (Status::Reverted, format!("reverted by {by}"))
                        }
                        CommitState::Unreadable { why } => (
                            Status::NotCheckable,
                            format!("cannot read {}'s branches: {why}", path.display()),
                        ),
                    },
                },
            };
            out.push(Check {
                entry: entry.id.clone(),
                repo: repo.clone(),
                sha: sha.clone(),
                status,
                reason,
            });
        }
    }
    out
}
