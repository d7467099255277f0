//! `cv sync` and `cv init --remote`: the ledger carried between machines
//! through any git remote, with the user's own `git` (`git_cmd.rs`) for
//! everything that talks to the remote, and the ledger's write path
//! (`write.rs`) for everything that changes the ledger.
//!
//! A sync holds the ledger's lock for its whole cycle — fetch, integrate,
//! push — so no `cv` writer lands in between. Integrating is done in memory:
//! a fast-forward when only the remote moved, else a merge commit whose
//! tree is built here, file by file (entries are separate files, so most
//! merges touch disjoint paths; an entry both sides changed is merged field
//! by field in `merge.rs`). Nothing is written until every file has merged:
//! a conflict leaves the ledger exactly as it was, both versions intact
//! (ours on the branch, theirs in the remote-tracking ref), and no merge
//! half done for the user to clean up. A push the remote rejects because it
//! moved meanwhile starts the cycle again.
//!
//! Nothing here prints; the CLI reports the [`Summary`].

pub mod git_cmd;
mod integrate;
mod join;
pub mod merge;

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use self::git_cmd::{GitCmdError, GitCommand};
use self::integrate::{
    config_problem, count_commits, count_entries, entry_diff, integrate, publish, tree_of,
};
pub use self::join::{Joining, ProfileFlags, join};
pub use self::merge::Prefer;
use super::write::Writer;
use super::{Ledger, LedgerError, Lock, refs, repo};

/// How many times a sync fetches and pushes again when the remote moved
/// between its fetch and its push.
const MAX_CYCLES: usize = 3;
/// The remote a ledger syncs with when its branch names none.
pub const DEFAULT_REMOTE: &str = "origin";

/// Why a sync (or `cv init --remote`) stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A ledger error (lock, write path, repository).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// `git` is missing, or a git command other than fetch or push failed.
    #[error(transparent)]
    Git(#[from] GitCmdError),
    /// The ledger has no remote configured.
    #[error("the ledger at {} has no remote to sync with", root.display())]
    NoRemote {
        /// The ledger.
        root: PathBuf,
    },
    /// The fetch failed: the remote is unreachable, or refused us.
    #[error("cannot fetch from `{remote}`; nothing was changed")]
    Fetch {
        /// The remote's name (or URL).
        remote: String,
        /// git's message.
        #[source]
        source: GitCmdError,
    },
    /// The push failed for a reason other than the remote having moved.
    #[error("cannot push to `{remote}`{}", pulled_note(*pulled))]
    Push {
        /// The remote's name.
        remote: String,
        /// Entries this sync brought in before the push failed.
        pulled: usize,
        /// git's message.
        #[source]
        source: GitCmdError,
    },
    /// The remote moved between fetch and push on every cycle.
    #[error(
        "`{remote}` kept moving: {MAX_CYCLES} pushes in a row were rejected because someone pushed first"
    )]
    KeptMoving {
        /// The remote's name.
        remote: String,
    },
    /// Files both sides changed in ways that do not merge.
    #[error(
        "cannot merge {tracking}: {}; nothing was changed",
        describe(conflicts)
    )]
    Conflict {
        /// The remote-tracking ref that holds the other side.
        tracking: String,
        /// Each file that does not merge.
        conflicts: Vec<Conflict>,
    },
    /// The remote's branch shares no commit with the ledger.
    #[error("{tracking} shares no history with this ledger; nothing was changed")]
    Unrelated {
        /// The remote-tracking ref.
        tracking: String,
    },
    /// The remote holds something cv does not write (a link, a submodule).
    #[error("{path} on the remote is {what}; cv syncs only regular files, so nothing was changed")]
    Unsupported {
        /// Path in the ledger.
        path: String,
        /// What it is.
        what: &'static str,
    },
    /// A file the sync must change has uncommitted changes.
    #[error(
        "{path} {}, and the sync would {}; nothing was changed",
        if *untracked { "is in the ledger's folder but not in its history" } else { "has changes that are not committed" },
        if *untracked { "put the remote's file there" } else { "change it" }
    )]
    Uncommitted {
        /// Path in the ledger.
        path: String,
        /// The file is not in HEAD at all (git: untracked).
        untracked: bool,
    },
    /// The remote's side holds a file cv will not pull: a `cv.toml` that
    /// does not parse (every command would then refuse to run, `cv sync`
    /// included, so the fix could not be pulled), or a `.gitattributes`
    /// that would make git rewrite files behind cv's back.
    #[error("cannot pull {tracking}: {problem}; nothing was changed")]
    Incoming {
        /// The remote-tracking ref.
        tracking: String,
        /// The file, e.g. `cv.toml`.
        path: String,
        /// What is wrong, naming `<tracking>:<path>:line:col` where it can.
        problem: String,
    },
    /// The ledger's own committed `cv.toml` does not parse: not pushed.
    #[error("cannot push: the ledger's {problem}{}", pulled_note(*pulled))]
    BrokenConfig {
        /// `cv.toml:line:col: message`.
        problem: String,
        /// Entries this sync brought in first.
        pulled: usize,
    },
    /// The remote has branches, but not this ledger: someone's code, or
    /// another ledger on another branch. Nothing is pushed there.
    #[error("`{remote}` ({url}) {reason}; nothing was changed")]
    ForeignRemote {
        /// The remote's name.
        remote: String,
        /// Its URL, any password hidden.
        url: String,
        /// What it holds instead, e.g. "is not a cv ledger: …".
        reason: String,
        /// The branch of a ledger found there, if any.
        ledger_branch: Option<String>,
    },
    /// `cv init --remote` into a folder that holds something.
    #[error("{} is not empty; `cv init --remote` needs a new or empty folder", path.display())]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// `cv init --remote` with a remote that has history but no `cv.toml`.
    #[error(
        "{url} is not a cv ledger: its branch `{branch}` has commits but no cv.toml; nothing was created"
    )]
    NotALedger {
        /// The remote.
        url: String,
        /// The branch looked at.
        branch: String,
    },
}

fn pulled_note(pulled: usize) -> String {
    match pulled {
        0 => String::new(),
        n => format!(
            " (the {n} {} pulled {} in the ledger)",
            plural(n, "entry", "entries"),
            plural(n, "is", "are")
        ),
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn describe(conflicts: &[Conflict]) -> String {
    let files: Vec<String> = conflicts
        .iter()
        .map(|c| format!("{} ({})", c.path, c.fields.join(", ")))
        .collect();
    format!("both sides changed {}", files.join("; "))
}

/// What a file removed on one side and changed on the other says in its
/// `fields`.
pub const REMOVED_THERE: &str = "changed here, removed there";
/// The other way round.
pub const REMOVED_HERE: &str = "removed here, changed there";

impl Conflict {
    /// Whether one side removed the file (so `fields` says that, not
    /// which fields).
    pub fn is_removal(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f == REMOVED_THERE || f == REMOVED_HERE)
    }
}

/// One file both sides changed in ways that do not merge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    /// Path in the ledger, e.g. `entries/2026/<id>.toml`.
    pub path: String,
    /// The entry's id, when the file is an entry.
    pub id: Option<String>,
    /// The fields both changed differently, or what happened to the file.
    pub fields: Vec<String>,
}

/// An entry both sides logged under the same id, differently: the remote's
/// is kept under the next free id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Renamed {
    /// The path both sides used.
    pub from: String,
    /// Where the remote's entry is now.
    pub to: String,
}

/// What `cv sync` is asked to do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Which side wins a field both sides changed differently.
    pub prefer: Option<Prefer>,
    /// Fetch and report; change nothing else.
    pub dry_run: bool,
    /// git may ask for a password or passphrase at the terminal.
    pub interactive: bool,
}

/// What a sync did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// The remote's name.
    pub remote: String,
    /// The remote's branch synced with (short name).
    pub branch: String,
    /// Entry files added, changed or removed in the ledger by the sync.
    pub pulled: usize,
    /// Entry files the remote got from the ledger.
    pub pushed: usize,
    /// Other files (`cv.toml`…) changed in the ledger by the sync.
    pub pulled_other: Vec<String>,
    /// Other files (`cv.toml`…) the remote got from the ledger.
    pub pushed_other: Vec<String>,
    /// Commits the ledger had that the remote lacked, before the sync.
    pub ahead: usize,
    /// Commits the remote had that the ledger lacked, before the sync.
    pub behind: usize,
    /// Whether a merge commit was made (or would be).
    pub merged: bool,
    /// Files that would not merge (a dry run reports them; a sync stops).
    pub conflicts: Vec<Conflict>,
    /// Entries both sides logged under one id, the remote's kept under a
    /// new one.
    pub renamed: Vec<Renamed>,
    /// Fetch-and-push cycles it took (a rejected push starts another).
    pub cycles: usize,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// When a sync last succeeded here (UTC, RFC 3339), if one has; for a
    /// real sync, now.
    pub last_sync: Option<String>,
}

/// How the ledger and the remote's branch relate, and what integrating
/// the remote's side takes.
enum Integration {
    /// Nothing to pull.
    Nothing,
    /// Only the remote moved: the branch moves to its tip.
    FastForward {
        theirs: Oid,
        changes: Vec<super::Change>,
    },
    /// Both moved: a merge commit with these changes to our tree.
    Merge {
        theirs: Oid,
        changes: Vec<super::Change>,
        conflicts: Vec<Conflict>,
        renamed: Vec<Renamed>,
    },
}

/// Where the time of the last successful sync is kept, in the git dir.
const LAST_SYNC_FILE: &str = "cv-last-sync";

/// Fetches, integrates and pushes, under the ledger's lock; see the module.
pub fn sync(ledger: &Ledger, options: &Options) -> Result<Summary, SyncError> {
    let stamp = ledger.git_dir().join(LAST_SYNC_FILE);
    let mut summary = cycle(ledger, options)?;
    if summary.dry_run {
        summary.last_sync = std::fs::read_to_string(&stamp)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok());
    } else {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        // Only a report: a sync that succeeded is not undone when this fails.
        let _ = super::files::write_durably(&stamp, format!("{now}\n").as_bytes());
        summary.last_sync = Some(now);
    }
    Ok(summary)
}

fn cycle(ledger: &Ledger, options: &Options) -> Result<Summary, SyncError> {
    let root = ledger.root();
    let git = Git {
        root,
        git_dir: ledger.git_dir(),
        interactive: options.interactive,
    };
    let repo = repo::open_repo(root)?;
    let lock = Lock::acquire(repo.commondir())?;
    // Finishes what a killed cv left, and refuses a merge or rebase the
    // user has in progress, before anything is fetched.
    let mut lock = Writer::begin_locked(root, lock)?.into_lock();
    let branch = refs::current_branch(&repo, root)?;
    let short = branch
        .name
        .strip_prefix("refs/heads/")
        .unwrap_or(&branch.name)
        .to_string();
    let remote = remote_of(&repo, &short).ok_or_else(|| SyncError::NoRemote {
        root: root.to_path_buf(),
    })?;
    // The remote's branch: the one ours tracks (`branch.<name>.merge`, as
    // `git pull` reads it), else the same name.
    let upstream = repo
        .config()
        .and_then(|c| c.get_string(&format!("branch.{short}.merge")))
        .ok()
        .and_then(|m| m.strip_prefix("refs/heads/").map(str::to_string))
        .unwrap_or_else(|| short.clone());
    let tracking = format!("refs/remotes/{remote}/{upstream}");
    let shown = format!("{remote}/{upstream}");
    let mut summary = Summary {
        remote: remote.clone(),
        branch: upstream.clone(),
        dry_run: options.dry_run,
        ..Summary::default()
    };
    for cycle in 1..=MAX_CYCLES {
        summary.cycles = cycle;
        fetch(&git, &remote)?;
        // Opened afresh: the fetch wrote refs and objects behind libgit2.
        let repo = repo::open_repo(root)?;
        let ours = refs::current_branch(&repo, root)?
            .tip
            .ok_or_else(|| SyncError::Unrelated {
                tracking: shown.clone(),
            })?;
        refuse_foreign(&repo, root, &remote, &upstream, ours)?;
        let theirs = repo.refname_to_id(&tracking).ok();
        if cycle == 1 {
            (summary.ahead, summary.behind) = match theirs {
                Some(t) => repo
                    .graph_ahead_behind(ours, t)
                    .map_err(LedgerError::git("count commits", root))?,
                None => (count_commits(&repo, ours, root)?, 0),
            };
        }
        let integration = match theirs {
            Some(theirs) => integrate(&repo, root, ours, theirs, options.prefer, &shown)?,
            None => Integration::Nothing,
        };
        let ours_tree = tree_of(&repo, ours, root)?;
        let (pulled, merged, conflicts, renamed) = match &integration {
            Integration::Nothing => ((0, Vec::new()), false, Vec::new(), Vec::new()),
            Integration::FastForward { changes, .. } => {
                (count_entries(changes), false, Vec::new(), Vec::new())
            }
            Integration::Merge {
                changes,
                conflicts,
                renamed,
                ..
            } => (
                count_entries(changes),
                true,
                conflicts.clone(),
                renamed.clone(),
            ),
        };
        summary.renamed = renamed;
        let (pulled, pulled_other) = pulled;
        if options.dry_run {
            summary.pulled = pulled;
            summary.pulled_other = pulled_other;
            summary.merged = merged;
            summary.conflicts = conflicts;
            // Entries changed on our side since the common commit.
            let base = match theirs {
                Some(t) => repo.merge_base(ours, t).ok(),
                None => None,
            };
            let base_tree = base.map(|b| tree_of(&repo, b, root)).transpose()?;
            (summary.pushed, summary.pushed_other) =
                entry_diff(&repo, base_tree.as_ref(), &ours_tree, root)?;
            return Ok(summary);
        }
        if !conflicts.is_empty() {
            return Err(SyncError::Conflict {
                tracking: shown,
                conflicts,
            });
        }
        lock = publish(root, lock, ours, integration, &shown)?;
        summary.pulled += pulled;
        summary.pulled_other.extend(pulled_other);
        summary.pulled_other.sort();
        summary.pulled_other.dedup();
        summary.merged |= merged;
        let repo = repo::open_repo(root)?;
        let now = refs::current_branch(&repo, root)?.tip.unwrap_or(ours);
        if Some(now) == theirs {
            // Nothing of ours the remote lacks.
            return Ok(summary);
        }
        // A broken cv.toml (committed by hand or by a plain `git pull`) is
        // not spread: a sync runs with it, so a fix can be pulled, but
        // pushes nothing until it parses.
        let config = tree_of(&repo, now, root)?
            .get_path(Path::new(super::CONFIG_FILE))
            .ok()
            .and_then(|e| repo.find_blob(e.id()).ok().map(|b| b.content().to_vec()));
        if let Some(problem) = config.as_deref().and_then(config_problem) {
            return Err(SyncError::BrokenConfig {
                problem: format!("{}{problem}", super::CONFIG_FILE),
                pulled: summary.pulled,
            });
        }
        let pushed = entry_diff(
            &repo,
            theirs
                .map(|t| tree_of(&repo, t, root))
                .transpose()?
                .as_ref(),
            &tree_of(&repo, now, root)?,
            root,
        )?;
        match push(
            &git,
            &remote,
            &branch.name,
            &format!("refs/heads/{upstream}"),
        ) {
            Ok(()) => {
                (summary.pushed, summary.pushed_other) = pushed;
                track_if_untracked(&repo, &branch.name, &remote, &upstream);
                return Ok(summary);
            }
            Err(PushError::Rejected) => {
                pause_before_retry(cycle);
                continue;
            }
            Err(PushError::Failed(source)) => {
                return Err(SyncError::Push {
                    remote,
                    pulled: summary.pulled,
                    source,
                });
            }
        }
    }
    drop(lock);
    Err(SyncError::KeptMoving { remote })
}

/// Refuses a remote that has branches but does not hold this ledger: its
/// branch `upstream` is missing or holds no `cv.toml`, and no branch of it
/// shares history with ours. Pushing there would put a private ledger into
/// someone's code repository, or a second, unrelated ledger beside one. An
/// empty remote (no branches) is fine: it receives the ledger.
fn refuse_foreign(
    repo: &Repository,
    root: &Path,
    remote: &str,
    upstream: &str,
    ours: Oid,
) -> Result<(), SyncError> {
    let prefix = format!("refs/remotes/{remote}/");
    let branches: Vec<(String, Oid)> = repo
        .references_glob(&format!("{prefix}*"))
        .map_err(LedgerError::git("list the remote's branches", root))?
        .filter_map(Result::ok)
        .filter_map(|r| {
            let name = r.name().ok()?.strip_prefix(&prefix)?.to_string();
            (name != "HEAD").then_some((name, r.target()?))
        })
        .collect();
    let holds_ledger = |tip: Oid| {
        tree_of(repo, tip, root).is_ok_and(|t| t.get_path(Path::new(super::CONFIG_FILE)).is_ok())
    };
    let url = repo
        .config()
        .and_then(|c| c.get_string(&format!("remote.{remote}.url")))
        .map(|u| redact_url(&u))
        .unwrap_or_else(|_| remote.to_string());
    let refuse = |reason: String, ledger_branch: Option<String>| SyncError::ForeignRemote {
        remote: remote.to_string(),
        url: url.clone(),
        reason,
        ledger_branch,
    };
    if let Some((_, tip)) = branches.iter().find(|(b, _)| b == upstream) {
        if holds_ledger(*tip) {
            return Ok(());
        }
        let unrelated = *tip != ours && repo.merge_base(ours, *tip).is_err();
        return Err(refuse(
            format!(
                "is not a cv ledger: its branch `{upstream}` holds no cv.toml{}",
                if unrelated {
                    " and shares no history with this ledger"
                } else {
                    ""
                }
            ),
            None,
        ));
    }
    // Our branch is not there yet: fine on an empty remote, or one that
    // holds this ledger (shared history) under another branch.
    if branches.is_empty()
        || branches
            .iter()
            .any(|(_, tip)| *tip == ours || repo.merge_base(ours, *tip).is_ok())
    {
        return Ok(());
    }
    Err(match branches.iter().find(|(_, tip)| holds_ledger(*tip)) {
        Some((other, _)) => refuse(
            format!(
                "holds another cv ledger, on branch `{other}`, and this ledger syncs branch `{upstream}`"
            ),
            Some(other.clone()),
        ),
        None => refuse(
            format!(
                "is not a cv ledger: it has branches ({}) but no `{upstream}`, and none holds a cv.toml",
                branches
                    .iter()
                    .map(|(b, _)| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ),
    })
}

/// A remote's URL for messages: any password in it replaced by `***`
/// (`ssh://ada:***@host/…`); the user name is kept, it says whose.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            if parsed.set_password(Some("***")).is_ok() {
                parsed.to_string()
            } else {
                url.to_string()
            }
        }
        _ => url.to_string(),
    }
}

/// The remote the branch tracks (`branch.<name>.remote`), else `origin`
/// when there is one.
fn remote_of(repo: &Repository, branch: &str) -> Option<String> {
    let config = repo.config().ok()?;
    if let Ok(remote) = config.get_string(&format!("branch.{branch}.remote"))
        && remote != "."
        && !remote.is_empty()
    {
        return Some(remote);
    }
    if config
        .get_string(&format!("remote.{DEFAULT_REMOTE}.url"))
        .is_ok()
    {
        return Some(DEFAULT_REMOTE.to_string());
    }
    // One remote under another name is the one, as for `git push` of a
    // repository with a single remote.
    let remotes = repo.remotes().ok()?;
    let names: Vec<&str> = remotes.iter().filter_map(|n| n.ok().flatten()).collect();
    match names[..] {
        [only] => Some(only.to_string()),
        _ => None,
    }
}

/// After a first push, makes the branch track what it pushed to, as
/// `git push -u` would, so plain `git pull` and `git status` in the ledger
/// know its remote. A branch that tracks something already is left alone;
/// this is a convenience, so a failure to write the config is not an error.
fn track_if_untracked(repo: &Repository, branch: &str, remote: &str, upstream: &str) {
    let Ok(mut config) = repo.config() else {
        return;
    };
    let branch = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    let upstream = upstream.strip_prefix("refs/heads/").unwrap_or(upstream);
    let merge = format!("branch.{branch}.merge");
    if config.get_string(&merge).is_ok() {
        return;
    }
    let _ = config
        .set_str(&format!("branch.{branch}.remote"), remote)
        .and_then(|()| config.set_str(&merge, &format!("refs/heads/{upstream}")));
}

/// The address of `origin` when `path` holds a repository with no commit
/// and no cv.toml but an `origin`: what a stopped `cv init --remote`
/// leaves. Its password, if any, hidden.
pub fn interrupted_join(path: &std::path::Path) -> Option<String> {
    if path.join(crate::ledger::CONFIG_FILE).exists() {
        return None;
    }
    let repo = git2::Repository::open(path.join(".git")).ok()?;
    if repo.head().is_ok() {
        return None;
    }
    let url = repo.config().ok()?.get_string("remote.origin.url").ok()?;
    Some(redact_url(&url))
}

/// The ledger's repository, for running the user's `git` on it.
struct Git<'a> {
    root: &'a Path,
    git_dir: &'a Path,
    interactive: bool,
}

impl Git<'_> {
    fn cmd(&self, subcommand: &str) -> GitCommand {
        GitCommand::new(self.git_dir, subcommand, self.interactive).current_dir(self.root)
    }
}

/// Fetches every branch of `remote` into its remote-tracking refs.
fn fetch(git: &Git<'_>, remote: &str) -> Result<(), SyncError> {
    // Every branch, not just ours: an empty remote then fetches nothing
    // instead of failing on a missing branch. `--prune` drops the tracking
    // ref of a branch deleted there; no tags, which the ledger never uses.
    git.cmd("fetch")
        .args([
            "--quiet",
            "--prune",
            "--no-tags",
            "--no-write-fetch-head",
            "--",
            remote,
        ])
        .arg(format!("+refs/heads/*:refs/remotes/{remote}/*"))
        .run()
        .map(|_| ())
        .map_err(|source| match source {
            GitCmdError::NotInstalled { .. } => SyncError::Git(source),
            _ => SyncError::Fetch {
                remote: remote.to_string(),
                source,
            },
        })
}

enum PushError {
    /// The remote's branch moved since the fetch (non-fast-forward).
    Rejected,
    Failed(GitCmdError),
}

/// Pushes `branch` to `to` on `remote`, fast-forward only.
fn push(git: &Git<'_>, remote: &str, branch: &str, to: &str) -> Result<(), PushError> {
    let result = git
        .cmd("push")
        .args(["--porcelain", "--", remote])
        .arg(format!("{branch}:{to}"))
        .run();
    match result {
        Ok(_) => Ok(()),
        Err(GitCmdError::Failed {
            ref stdout,
            ref message,
            ..
        }) if moved_meanwhile(stdout, message) => Err(PushError::Rejected),
        Err(e) => Err(PushError::Failed(e)),
    }
}

/// Whether a failed push failed because the remote's branch moved since
/// the fetch: someone pushed first (`[rejected] (fetch first)`), or pushed
/// at the same moment, so the remote could not lock or compare-and-swap
/// the ref (`[remote rejected] (failed to update ref)`, `cannot lock ref`,
/// `incorrect old value`). A hook's refusal is `[remote rejected]` with
/// its own reason, and is not retried.
fn moved_meanwhile(stdout: &str, message: &str) -> bool {
    const RACES: &[&str] = &[
        "failed to update ref",
        "cannot lock ref",
        "incorrect old value",
        "failed to lock",
    ];
    let race = |text: &str| RACES.iter().any(|r| text.contains(r));
    // `--porcelain`: `!<TAB>from:to<TAB>[rejected] (fetch first)`.
    stdout.lines().any(|l| {
        l.starts_with('!')
            && (l.contains("\t[rejected]") || (l.contains("\t[remote rejected]") && race(l)))
    }) || race(message)
}

/// A short pause before another cycle, different for each process, so two
/// syncs that collided on the remote do not collide again in step.
fn pause_before_retry(cycle: usize) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = u64::from((nanos ^ std::process::id().wrapping_mul(2_654_435_761)) % 150);
    let cycle = u64::try_from(cycle).unwrap_or(1);
    std::thread::sleep(std::time::Duration::from_millis(cycle * 50 + jitter));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_an_address_is_hidden_and_nothing_else_changes() {
        assert_eq!(
            redact_url("ssh://ada:hunter2@host/x.git"),
            "ssh://ada:***@host/x.git"
        );
        assert_eq!(
            redact_url("https://ada:p%40ss@git.example/a/b"),
            "https://ada:***@git.example/a/b"
        );
        for kept in [
            "git@github.com:ada/cv.git",
            "ssh://ada@host/x.git",
            "/srv/cv.git",
            "../remote.git",
        ] {
            assert_eq!(redact_url(kept), kept);
        }
    }
}
