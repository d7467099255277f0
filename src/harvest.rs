//! `cv harvest`: the user's commits that no entry links yet, grouped by the
//! pull or merge request their messages name. Pure over `git::WorkRepo`'s
//! walk: commits in, proposals out.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::draft::{Draft, Resolved};
use crate::git::{AuthoredCommit, MergedIn, WorkRepo};
use crate::links::{self, Link, pr_number_from_message};

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
    /// The work repository's folder on this machine: what `cv log --repo`
    /// takes to resolve the commit.
    pub path: PathBuf,
    /// The pull/merge request its message names, if any.
    pub pr: Option<u64>,
    /// The text of a `Customer-Value:` trailer: a proposed outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_value: Option<String>,
    /// The commit time (seconds since the epoch), to order a day's commits.
    #[serde(skip)]
    pub time: i64,
    /// The whole message, for a proposed title.
    #[serde(skip)]
    pub message: String,
    /// The merge that brought it in, when its own message names no request.
    #[serde(skip)]
    pub merged_in: Option<MergedIn>,
}

/// The commits of `found` no entry links (`linked` holds linked SHAs),
/// newest first, with their PR and trailer read. A commit whose message
/// names no request takes the one it was merged in (`merged`, from
/// [`WorkRepo::merged_requests`]).
pub fn unlinked(
    found: Vec<AuthoredCommit>,
    repo: &str,
    path: &Path,
    linked: &BTreeSet<String>,
    merged: &HashMap<String, MergedIn>,
) -> Vec<Harvested> {
    found
        .into_iter()
        .filter(|c| !linked.contains(&c.sha.to_ascii_lowercase()))
        .map(|c| {
            let own = pr_number_from_message(&c.message);
            let merged_in = match own {
                Some(_) => None,
                None => merged.get(&c.sha).cloned(),
            };
            Harvested {
                pr: own.or(merged_in.as_ref().map(|m| m.pr)),
                merged_in,
                customer_value: WorkRepo::customer_value_trailer(&c.message),
                sha: c.sha,
                date: c.date,
                time: c.time,
                summary: c.summary,
                author: c.author,
                message: c.message,
                repo: repo.to_string(),
                path: path.to_path_buf(),
            }
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

/// A `cv log` draft for one group: its title (the request's, else the
/// newest commit's), the day it landed, every commit and the request as
/// links, and a `Customer-Value:` trailer as the outcome. What a commit
/// cannot say (who it helped, the signals) stays empty, for the user.
pub fn draft(group: &[&Harvested]) -> Draft {
    let mut links = Resolved::default();
    for c in group {
        links.add(Link::Commit {
            repo: c.repo.clone(),
            sha: c.sha.clone(),
            summary: (!c.summary.is_empty()).then(|| c.summary.clone()),
        });
        if c.repo.starts_with("https://") {
            let pair = (c.repo.clone(), crate::draft::repo_spelling(&c.path));
            if !links.repos.contains(&pair) {
                links.repos.push(pair);
            }
        }
    }
    let first = group.first();
    if let Some(url) = first
        .and_then(|c| Some((c.pr?, &c.repo)))
        .and_then(|(n, repo)| links::expand_pr(&format!("#{n}"), Some(repo)).ok())
        .filter(|url| is_request_of(url, group))
    {
        links.add(Link::Pr { url, summary: None });
    }
    Draft {
        title: proposed_title(group),
        // The day it landed: the merge's, when someone merged it later.
        date: group
            .iter()
            .flat_map(|c| [Some(c.date), c.merged_in.as_ref().map(|m| m.date)])
            .flatten()
            .max(),
        outcome: group.iter().find_map(|c| c.customer_value.clone()),
        links,
        ..Draft::default()
    }
}

/// On GitLab, `#N` is an issue and a merge request is `!N`: a GitLab
/// request link stands only where a message says `See merge request`.
fn is_request_of(url: &str, group: &[&Harvested]) -> bool {
    !url.contains("/-/merge_requests/")
        || group.iter().any(|c| {
            c.message.contains("See merge request")
                || c.merged_in
                    .as_ref()
                    .is_some_and(|m| m.message.contains("See merge request"))
        })
}

/// The title a group proposes: a squash merge's summary without its
/// `(#N)`, else the request title a merge commit carries in its body
/// (as GitHub writes it), else the newest commit's summary.
pub fn proposed_title(group: &[&Harvested]) -> Option<String> {
    let squash = group.iter().find_map(|c| {
        let n = c.pr?;
        let title = c.summary.strip_suffix(&format!("(#{n})"))?.trim_end();
        (!title.is_empty()).then(|| title.to_string())
    });
    // The merge commit in the group, else the one that brought the group's
    // branch commits in (someone else may have merged it).
    let merge_body = || {
        group
            .iter()
            .find_map(|c| merge_title(&c.message))
            .or_else(|| {
                group
                    .iter()
                    .find_map(|c| merge_title(&c.merged_in.as_ref()?.message))
            })
    };
    let newest_change = || {
        group
            .iter()
            .find(|c| !is_merge_summary(&c.summary))
            .or(group.first())
            .map(|c| c.summary.clone())
    };
    squash
        .or_else(merge_body)
        .or_else(newest_change)
        .filter(|t| !t.trim().is_empty())
}

/// The request title GitHub writes under a merge commit's summary.
fn merge_title(message: &str) -> Option<String> {
    let mut lines = message.lines();
    if !is_merge_summary(lines.next()?) {
        return None;
    }
    let body = lines.map(str::trim).find(|l| !l.is_empty())?;
    // A trailer or git's own text is not a title.
    (!body.contains(": ") && !body.starts_with("See merge request")).then(|| body.to_string())
}

fn is_merge_summary(summary: &str) -> bool {
    [
        "Merge pull request",
        "Merge branch",
        "Merge remote-tracking branch",
    ]
    .iter()
    .any(|p| summary.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(sha: &str, summary: &str, message: &str, pr: Option<u64>) -> Harvested {
        Harvested {
            sha: sha.repeat(40),
            date: "2026-10-01".parse().expect("date"),
            summary: summary.to_string(),
            author: "ada@example.com".to_string(),
            repo: "https://github.com/acme/shop".to_string(),
            pr,
            customer_value: None,
            message: message.to_string(),
            merged_in: None,
            time: 0,
            path: PathBuf::from("/src/shop"),
        }
    }

    #[test]
    fn a_group_proposes_the_requests_title() {
        let squash = commit("a", "Typo-tolerant search (#12)", "", Some(12));
        assert_eq!(
            proposed_title(&[&squash]).as_deref(),
            Some("Typo-tolerant search")
        );
        let merge = commit(
            "b",
            "Merge pull request #15 from ada/filters",
            "Merge pull request #15 from ada/filters\n\nFilter results by price\n",
            Some(15),
        );
        let work = commit("c", "Add a price filter", "Add a price filter", Some(15));
        assert_eq!(
            proposed_title(&[&merge, &work]).as_deref(),
            Some("Filter results by price")
        );
        // A merge whose body is only a trailer: the branch's newest commit.
        let bare = commit(
            "d",
            "Merge branch 'filters'",
            "Merge branch 'filters'\n\nSigned-off-by: Ada <ada@example.com>\n",
            None,
        );
        assert_eq!(
            proposed_title(&[&bare, &work]).as_deref(),
            Some("Add a price filter")
        );
    }

    #[test]
    fn a_groups_draft_links_every_commit_and_the_request() {
        let mut merge = commit("b", "Merge pull request #15 from ada/filters", "", Some(15));
        merge.date = "2026-10-04".parse().expect("date");
        let mut work = commit("c", "Add a price filter", "", Some(15));
        work.customer_value = Some("a third of searches use it".to_string());
        let draft = draft(&[&merge, &work]);
        assert_eq!(draft.date, Some("2026-10-04".parse().expect("date")));
        assert_eq!(draft.outcome.as_deref(), Some("a third of searches use it"));
        assert_eq!(draft.links.links.len(), 3, "{:?}", draft.links.links);
        assert!(draft.links.links.contains(&Link::Pr {
            url: "https://github.com/acme/shop/pull/15".to_string(),
            summary: None
        }));
        assert_eq!(draft.links.repos.len(), 1);
    }
}
