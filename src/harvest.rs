//! `cv harvest`: the user's commits that no entry links yet, grouped by the
//! pull or merge request their messages name. Pure over `git::WorkRepo`'s
//! walk: commits in, proposals out.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::git::{AuthoredCommit, WorkRepo};
use crate::links::pr_number_from_message;

/// One unlinked commit, as `cv harvest --json` prints it (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Harvested {
    /// Full SHA.
    pub sha: String,
    /// Commit date.
    pub date: NaiveDate,
    /// Summary line.
    pub summary: String,
    /// The author's email.
    pub author: String,
    /// The repository (remote URL, else path).
    pub repo: String,
    /// The pull/merge request its message names, if any.
    pub pr: Option<u64>,
    /// The text of a `Customer-Value:` trailer: a proposed outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_value: Option<String>,
}

/// The commits of `found` no entry links (`linked` holds linked SHAs),
/// newest first, with their PR and trailer read.
pub fn unlinked(
    found: Vec<AuthoredCommit>,
    repo: &str,
    linked: &BTreeSet<String>,
) -> Vec<Harvested> {
    found
        .into_iter()
        .filter(|c| !linked.contains(&c.sha.to_ascii_lowercase()))
        .map(|c| Harvested {
            pr: pr_number_from_message(&c.message),
            customer_value: WorkRepo::customer_value_trailer(&c.message),
            sha: c.sha,
            date: c.date,
            summary: c.summary,
            author: c.author,
            repo: repo.to_string(),
        })
        .collect()
}

/// Groups of harvested commits: one per pull request (in the order its
/// newest commit appears), then one per commit that names none.
pub fn groups(commits: &[Harvested]) -> Vec<Vec<&Harvested>> {
    let mut out: Vec<Vec<&Harvested>> = Vec::new();
    for c in commits {
        let same = out
            .iter_mut()
            .find(|g| c.pr.is_some() && g[0].pr == c.pr && g[0].repo == c.repo);
        match same {
            Some(group) => group.push(c),
            None => out.push(vec![c]),
        }
    }
    out
}
