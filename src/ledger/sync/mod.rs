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
pub mod merge;

use std::path::{Path, PathBuf};

use git2::{Delta, FileMode, Oid, Repository, Tree};

use self::git_cmd::{GitCmdError, GitCommand};
pub use self::merge::Prefer;
use super::files::read_if_present;
use super::write::{Join, Writer};
use super::{CONFIG_FILE, ENTRIES_DIR, Ledger, LedgerError, Lock, Profile, refs, repo};

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
        "{path} has changes that are not committed, and the sync would change it; nothing was changed"
    )]
    Uncommitted {
        /// Path in the ledger.
        path: String,
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
            " (the {n} {} pulled are in the ledger)",
            plural(n, "entry", "entries")
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
        let theirs = repo.refname_to_id(&tracking).ok();
        if cycle == 1 {
            (summary.ahead, summary.behind) = match theirs {
                Some(t) => repo
                    .graph_ahead_behind(ours, t)
                    .map_err(git_err("count commits", root))?,
                None => (count_commits(&repo, ours, root)?, 0),
            };
        }
        let integration = match theirs {
            Some(theirs) => integrate(&repo, root, ours, theirs, options.prefer, &shown)?,
            None => Integration::Nothing,
        };
        let ours_tree = tree_of(&repo, ours, root)?;
        let (pulled, merged, conflicts, renamed) = match &integration {
            Integration::Nothing => (0, false, Vec::new(), Vec::new()),
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
        if options.dry_run {
            summary.pulled = pulled;
            summary.merged = merged;
            summary.conflicts = conflicts;
            // Entries changed on our side since the common commit.
            let base = match theirs {
                Some(t) => repo.merge_base(ours, t).ok(),
                None => None,
            };
            let base_tree = base.map(|b| tree_of(&repo, b, root)).transpose()?;
            summary.pushed = entry_diff(&repo, base_tree.as_ref(), &ours_tree, root)?;
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
        summary.merged |= merged;
        let repo = repo::open_repo(root)?;
        let now = refs::current_branch(&repo, root)?.tip.unwrap_or(ours);
        if Some(now) == theirs {
            // Nothing of ours the remote lacks.
            return Ok(summary);
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
                summary.pushed = pushed;
                return Ok(summary);
            }
            Err(PushError::Rejected) => continue,
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
    config
        .get_string(&format!("remote.{DEFAULT_REMOTE}.url"))
        .ok()
        .map(|_| DEFAULT_REMOTE.to_string())
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
        Err(GitCmdError::Failed { stdout, .. })
            if stdout.lines().any(|l| {
                // `--porcelain`: `!<TAB>from:to<TAB>[rejected] (fetch first)`;
                // a hook's refusal is `[remote rejected]`, not this.
                l.starts_with('!') && l.contains("\t[rejected]")
            }) =>
        {
            Err(PushError::Rejected)
        }
        Err(e) => Err(PushError::Failed(e)),
    }
}

/// Works out, in memory, what bringing `theirs` into `ours` takes.
fn integrate(
    repo: &Repository,
    root: &Path,
    ours: Oid,
    theirs: Oid,
    prefer: Option<Prefer>,
    shown: &str,
) -> Result<Integration, SyncError> {
    if ours == theirs
        || repo
            .graph_descendant_of(ours, theirs)
            .map_err(git_err("compare histories", root))?
    {
        return Ok(Integration::Nothing);
    }
    let base = match repo.merge_base(ours, theirs) {
        Ok(base) => base,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            return Err(SyncError::Unrelated {
                tracking: shown.to_string(),
            });
        }
        Err(e) => return Err(git_err("find the common commit", root)(e).into()),
    };
    let ours_tree = tree_of(repo, ours, root)?;
    let theirs_tree = tree_of(repo, theirs, root)?;
    if base == ours {
        let changes = changes_between(repo, root, &ours_tree, &theirs_tree)?
            .into_iter()
            .map(|(path, theirs)| change_to(repo, root, path, theirs))
            .collect::<Result<_, _>>()?;
        return Ok(Integration::FastForward { theirs, changes });
    }
    let base_tree = tree_of(repo, base, root)?;
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    let mut renamed = Vec::new();
    for (path, t) in changes_between(repo, root, &base_tree, &theirs_tree)? {
        let o = blob_at(&ours_tree, &path);
        let b = blob_at(&base_tree, &path);
        if o == t {
            continue;
        }
        if o == b {
            changes.push(change_to(repo, root, path, t)?);
            continue;
        }
        // Both sides changed the file.
        let conflict = |fields: Vec<String>| Conflict {
            id: entry_id(&path),
            path: path.clone(),
            fields,
        };
        let (Some(o), Some(t)) = (o, t) else {
            let what = if o.is_none() {
                "removed here, changed there"
            } else {
                "changed here, removed there"
            };
            match prefer {
                Some(Prefer::Local) => {}
                Some(Prefer::Remote) => changes.push(change_to(repo, root, path.clone(), t)?),
                None => conflicts.push(conflict(vec![what.to_string()])),
            }
            continue;
        };
        let bytes = |oid: Oid| -> Result<Vec<u8>, SyncError> {
            Ok(repo
                .find_blob(oid)
                .map_err(git_err(format!("read {path}"), root))?
                .content()
                .to_vec())
        };
        let (ours_bytes, theirs_bytes) = (bytes(o)?, bytes(t)?);
        // A base that is not text counts as none: every difference between
        // the sides is then a change on both.
        let base_text = b
            .map(bytes)
            .transpose()?
            .and_then(|b| String::from_utf8(b).ok());
        let texts = (
            std::str::from_utf8(&ours_bytes).ok(),
            std::str::from_utf8(&theirs_bytes).ok(),
        );
        let merged = match texts {
            (Some(ours_text), Some(theirs_text)) if path.ends_with(".toml") => {
                merge::merge_toml(base_text.as_deref(), ours_text, theirs_text, prefer)
                    .map(String::into_bytes)
            }
            // Not TOML, or not text: no field to merge by; a side is chosen
            // whole, or it is a conflict.
            _ => match prefer {
                Some(Prefer::Local) => Ok(ours_bytes.clone()),
                Some(Prefer::Remote) => Ok(theirs_bytes.clone()),
                None => Err(vec!["its content".to_string()]),
            },
        };
        match merged {
            Ok(merged) if merged == ours_bytes => {}
            Ok(merged)
                if merged != theirs_bytes
                    && is_entry(&path)
                    && std::str::from_utf8(&merged)
                        .map_or(true, |m| crate::entry::Entry::parse(m).is_err()) =>
            {
                conflicts.push(conflict(vec![
                    "the merged entry would not be valid".to_string(),
                ]));
            }
            Ok(merged) => changes.push(super::Change::put(path.clone(), merged)),
            Err(fields) if b.is_none() && is_entry(&path) => {
                // Both sides logged an entry under the same id (the same
                // title on the same day) and they differ: two entries, the
                // remote's under the next free id, rather than a stop.
                match as_next_id(&path, texts.1, &ours_tree, &theirs_tree, &changes) {
                    Some((to, text)) => {
                        renamed.push(Renamed {
                            from: path.clone(),
                            to: to.clone(),
                        });
                        changes.push(super::Change::put(to, text.into_bytes()));
                    }
                    None => conflicts.push(conflict(fields)),
                }
            }
            Err(fields) => conflicts.push(conflict(fields)),
        }
    }
    Ok(Integration::Merge {
        theirs,
        changes,
        conflicts,
        renamed,
    })
}

/// The remote's entry at `path`, given the next id free on both sides
/// (`<id>-2`, `-3`…): its new path and text. `None` when it does not parse.
fn as_next_id(
    path: &str,
    text: Option<&str>,
    ours: &Tree<'_>,
    theirs: &Tree<'_>,
    changes: &[super::Change],
) -> Option<(String, String)> {
    let id = entry_id(path)?;
    let dir = path.rsplit_once('/')?.0;
    let mut doc = crate::entry::EntryDoc::parse(text?).ok()?;
    (2..1000).find_map(|n| {
        let candidate = format!("{id}-{n}");
        let to = format!("{dir}/{candidate}.toml");
        let free = blob_at(ours, &to).is_none()
            && blob_at(theirs, &to).is_none()
            && !changes.iter().any(|c| c.path == to);
        free.then(|| {
            doc.set_id(&candidate);
            (to, doc.to_text())
        })
    })
}

/// The paths that differ between two trees, each with its blob in `to`
/// (`None`: not there). Refuses anything but regular files in `to`.
fn changes_between(
    repo: &Repository,
    root: &Path,
    from: &Tree<'_>,
    to: &Tree<'_>,
) -> Result<Vec<(String, Option<Oid>)>, SyncError> {
    let diff = repo
        .diff_tree_to_tree(Some(from), Some(to), None)
        .map_err(git_err("compare trees", root))?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let file = match delta.status() {
            Delta::Deleted => delta.old_file(),
            _ => delta.new_file(),
        };
        let path = file
            .path()
            .and_then(Path::to_str)
            .ok_or(SyncError::Unsupported {
                path: String::from_utf8_lossy(file.path_bytes().unwrap_or_default()).into_owned(),
                what: "a path that is not UTF-8",
            })?
            .to_string();
        if delta.status() == Delta::Deleted {
            out.push((path, None));
            continue;
        }
        let what = match delta.new_file().mode() {
            FileMode::Blob => None,
            FileMode::BlobExecutable => Some("an executable file"),
            FileMode::Link => Some("a symbolic link"),
            FileMode::Commit => Some("a submodule"),
            _ => Some("not a file"),
        };
        if let Some(what) = what {
            return Err(SyncError::Unsupported { path, what });
        }
        out.push((path, Some(delta.new_file().id())));
    }
    Ok(out)
}

/// The change that makes `path` hold `blob` (or be gone).
fn change_to(
    repo: &Repository,
    root: &Path,
    path: String,
    blob: Option<Oid>,
) -> Result<super::Change, SyncError> {
    Ok(match blob {
        Some(oid) => {
            let content = repo
                .find_blob(oid)
                .map_err(git_err(format!("read {path}"), root))?
                .content()
                .to_vec();
            super::Change::put(path, content)
        }
        None => super::Change::delete(path),
    })
}

/// Publishes the integration through the write path; gives the lock back.
fn publish(
    root: &Path,
    lock: Lock,
    ours: Oid,
    integration: Integration,
    shown: &str,
) -> Result<Lock, SyncError> {
    let (changes, join, message) = match integration {
        Integration::Nothing => return Ok(lock),
        Integration::FastForward { theirs, changes } => (
            changes,
            Join::FastForward { ours, theirs },
            format!("sync: fast-forward to {shown}"),
        ),
        Integration::Merge {
            theirs, changes, ..
        } => (
            changes,
            Join::Merge { ours, theirs },
            format!("sync: merge {shown}"),
        ),
    };
    let mut writer = Writer::begin_locked(root, lock)?;
    // Never overwrite what the user has not committed: a file the sync
    // changes must be in the work tree as it is in HEAD.
    for change in &changes {
        let on_disk = read_if_present(&root.join(&change.path))?;
        let in_head = writer.head_content(&change.path)?;
        let dirty = match (&on_disk, &in_head) {
            (None, None) => false,
            (Some(_), None) => true,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => a != b && writer.has_uncommitted_changes(&change.path)?,
        };
        if dirty {
            return Err(SyncError::Uncommitted {
                path: change.path.clone(),
            });
        }
    }
    writer.publish(&changes, &message, join)?;
    Ok(writer.into_lock())
}

fn tree_of<'r>(repo: &'r Repository, commit: Oid, root: &Path) -> Result<Tree<'r>, SyncError> {
    repo.find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| git_err("read a commit's tree", root)(e).into())
}

fn blob_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

fn is_entry(path: &str) -> bool {
    path.starts_with(&format!("{ENTRIES_DIR}/")) && path.ends_with(".toml")
}

fn entry_id(path: &str) -> Option<String> {
    is_entry(path).then(|| {
        path.rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".toml")
            .to_string()
    })
}

fn count_entries(changes: &[super::Change]) -> usize {
    changes.iter().filter(|c| is_entry(&c.path)).count()
}

/// Entry files that differ between two trees (`None`: an empty one).
fn entry_diff(
    repo: &Repository,
    from: Option<&Tree<'_>>,
    to: &Tree<'_>,
    root: &Path,
) -> Result<usize, SyncError> {
    let diff = repo
        .diff_tree_to_tree(from, Some(to), None)
        .map_err(git_err("compare trees", root))?;
    Ok(diff
        .deltas()
        .filter(|d| {
            let file = if d.status() == Delta::Deleted {
                d.old_file()
            } else {
                d.new_file()
            };
            file.path().and_then(Path::to_str).is_some_and(is_entry)
        })
        .count())
}

fn count_commits(repo: &Repository, tip: Oid, root: &Path) -> Result<usize, SyncError> {
    let mut walk = repo.revwalk().map_err(git_err("walk history", root))?;
    walk.push(tip).map_err(git_err("walk history", root))?;
    Ok(walk.count())
}

fn git_err(action: impl Into<String>, root: &Path) -> impl FnOnce(git2::Error) -> LedgerError {
    let action = action.into();
    let path = root.to_path_buf();
    move |source| LedgerError::Git {
        action,
        path,
        source,
    }
}

/// Changes to the profile that `cv init --remote` applies to a cloned
/// ledger, where they differ from its `cv.toml`.
#[derive(Debug, Clone, Default)]
pub struct ProfileFlags {
    /// `--name`.
    pub name: Option<String>,
    /// `--email`s: added to the ledger's list where missing.
    pub emails: Vec<String>,
    /// `--level`.
    pub level: Option<crate::level::LevelId>,
    /// `--target`.
    pub target: Option<crate::level::LevelId>,
}

/// A `cv init --remote` under way: the folder holds a repository with the
/// remote fetched. Dropped without finishing, it removes what it created,
/// so a refused or failed init leaves nothing behind.
pub struct Joining {
    root: PathBuf,
    created_root: bool,
    git_dir: PathBuf,
    url: String,
    interactive: bool,
    /// The remote's ledger branch and its tip, when it holds a ledger.
    found: Option<(String, Oid)>,
    done: bool,
}

/// Starts `cv init --remote URL` at `root`: creates the repository, adds
/// `origin`, fetches, and finds out whether the remote is empty or holds a
/// ledger. A remote with history but no `cv.toml` is refused.
pub fn join(root: &Path, url: &str, interactive: bool) -> Result<Joining, SyncError> {
    if root.exists() {
        if !root.is_dir() {
            return Err(LedgerError::NotAFolder {
                path: root.to_path_buf(),
            }
            .into());
        }
        let mut children = std::fs::read_dir(root).map_err(LedgerError::io("read", root))?;
        if children.next().is_some() {
            return Err(SyncError::NotEmpty {
                path: root.to_path_buf(),
            });
        }
    }
    super::refuse_foreign_repository(root)?;
    let created_root = !root.exists();
    super::create_private_dir(root)?;
    let mut joining = Joining {
        root: root.to_path_buf(),
        created_root,
        git_dir: PathBuf::new(),
        url: url.to_string(),
        interactive,
        found: None,
        done: false,
    };
    joining.git_dir = repo::init_repo(root)?;
    let git = joining.git();
    // A relative path names a folder from where cv was run; the ledger's
    // config keeps it absolute, as `git clone` does.
    let url = match std::fs::canonicalize(url) {
        Ok(path) if Path::new(url).is_relative() => path.to_string_lossy().into_owned(),
        _ => url.to_string(),
    };
    git.cmd("remote")
        .args(["add", "--", DEFAULT_REMOTE, &url])
        .run()?;
    fetch(&git, DEFAULT_REMOTE)?;
    let repo = repo::open_repo(root)?;
    let prefix = format!("refs/remotes/{DEFAULT_REMOTE}/");
    let mut branches: Vec<(String, Oid)> = repo
        .references_glob(&format!("{prefix}*"))
        .map_err(git_err("list the remote's branches", root))?
        .filter_map(Result::ok)
        .filter_map(|r| {
            Some((
                r.name().ok()?.strip_prefix(&prefix)?.to_string(),
                r.target()?,
            ))
        })
        .collect();
    if branches.is_empty() {
        return Ok(joining);
    }
    branches.sort();
    let head = remote_head(&git);
    let pick = |name: &str| branches.iter().find(|(b, _)| b == name).cloned();
    let chosen = head
        .as_deref()
        .and_then(pick)
        .or_else(|| pick("main"))
        .or_else(|| pick("master"))
        .unwrap_or_else(|| branches[0].clone());
    let tree = tree_of(&repo, chosen.1, root)?;
    if tree.get_path(Path::new(CONFIG_FILE)).is_err() {
        return Err(SyncError::NotALedger {
            url: url.to_string(),
            branch: chosen.0,
        });
    }
    joining.found = Some(chosen);
    Ok(joining)
}

/// The branch the remote's HEAD names, if it says.
fn remote_head(git: &Git<'_>) -> Option<String> {
    let out = git
        .cmd("ls-remote")
        .args(["--symref", "--", DEFAULT_REMOTE, "HEAD"])
        .run()
        .ok()?;
    out.lines()
        .find_map(|l| l.strip_prefix("ref: refs/heads/"))
        .and_then(|rest| rest.split('\t').next())
        .map(str::to_string)
}

impl Joining {
    fn git(&self) -> Git<'_> {
        Git {
            root: &self.root,
            git_dir: &self.git_dir,
            interactive: self.interactive,
        }
    }

    /// Whether the remote already holds a ledger (to clone) or is empty.
    pub fn remote_has_ledger(&self) -> bool {
        self.found.is_some()
    }

    /// The remote is empty: creates the ledger and pushes it there.
    pub fn create(mut self, profile: &Profile) -> Result<Ledger, SyncError> {
        let ledger = Ledger::init(&self.root, profile)?;
        let repo = repo::open_repo(&self.root)?;
        let branch = refs::current_branch(&repo, &self.root)?;
        push(&self.git(), DEFAULT_REMOTE, &branch.name, &branch.name).map_err(|e| {
            SyncError::Push {
                remote: DEFAULT_REMOTE.to_string(),
                pulled: 0,
                source: match e {
                    PushError::Failed(e) => e,
                    PushError::Rejected => GitCmdError::Failed {
                        command: "push".into(),
                        message: "someone pushed to it meanwhile; run `cv init --remote` again"
                            .into(),
                        stdout: String::new(),
                    },
                },
            }
        })?;
        self.track(&repo, &branch.name)?;
        self.done = true;
        Ok(ledger)
    }

    /// The remote holds a ledger: checks it out here, then applies `flags`
    /// where they differ from its profile, as one commit. Returns the
    /// ledger and the profile fields changed.
    pub fn clone_ledger(
        mut self,
        flags: &ProfileFlags,
    ) -> Result<(Ledger, Vec<&'static str>), SyncError> {
        let Some((branch, tip)) = self.found.clone() else {
            return Err(SyncError::NotALedger {
                url: self.url.clone(),
                branch: String::new(),
            });
        };
        let root = self.root.clone();
        let repo = repo::open_repo(&root)?;
        let name = format!("refs/heads/{branch}");
        repo.reference(&name, tip, false, &format!("cv init: from {}", self.url))
            .and_then(|_| repo.set_head(&name))
            .map_err(git_err("create the branch", &root))?;
        let mut checkout = git2::build::CheckoutBuilder::new();
        checkout.force();
        repo.checkout_head(Some(&mut checkout))
            .map_err(git_err("check out the ledger", &root))?;
        self.track(&repo, &name)?;
        let ledger = Ledger::open(&root)?;
        let text = super::read_settings_file(&root.join(CONFIG_FILE))?;
        let mut changed = Vec::new();
        if let Some((updated, fields)) = apply_profile(&text, flags) {
            let message = format!("init: {} on this machine", fields.join(", "));
            ledger.write(&message, &[], |_| {
                Ok((
                    vec![super::Change::put(CONFIG_FILE, updated.into_bytes())],
                    (),
                ))
            })?;
            changed = fields;
        }
        self.done = true;
        Ok((Ledger::open(&root)?, changed))
    }

    /// Makes the branch track the remote's, so plain `git pull`/`git push`
    /// in the ledger work as after `git clone`.
    fn track(&self, repo: &Repository, branch: &str) -> Result<(), SyncError> {
        let short = branch.strip_prefix("refs/heads/").unwrap_or(branch);
        let mut config = repo
            .config()
            .map_err(git_err("open the ledger's git config", &self.root))?;
        config
            .set_str(&format!("branch.{short}.remote"), DEFAULT_REMOTE)
            .and_then(|_| config.set_str(&format!("branch.{short}.merge"), branch))
            .map_err(git_err("set the branch's upstream", &self.root))?;
        Ok(())
    }
}

impl Drop for Joining {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // The folder was new or empty: everything in it is ours to remove.
        if self.created_root {
            let _ = std::fs::remove_dir_all(&self.root);
        } else if let Ok(children) = std::fs::read_dir(&self.root) {
            for child in children.filter_map(Result::ok) {
                let path = child.path();
                let _ = match child.file_type() {
                    Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
                    _ => std::fs::remove_file(&path),
                };
            }
        }
    }
}

/// `cv.toml`'s text with `flags` applied to `[profile]`, and the fields
/// that changed; `None` when nothing differs.
fn apply_profile(text: &str, flags: &ProfileFlags) -> Option<(String, Vec<&'static str>)> {
    let mut doc = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .parse::<toml_edit::DocumentMut>()
        .ok()?;
    let profile = doc.get_mut("profile")?.as_table_like_mut()?;
    let mut changed = Vec::new();
    let mut set = |key: &'static str, value: &str| {
        if profile.get(key).and_then(|v| v.as_str()) != Some(value) {
            profile.insert(key, toml_edit::value(value));
            changed.push(key);
        }
    };
    if let Some(name) = &flags.name {
        set("name", name);
    }
    if let Some(level) = flags.level {
        set("level", &level.to_string());
    }
    if let Some(target) = flags.target {
        set("target", &target.to_string());
    }
    let missing: Vec<&String> = {
        let have: Vec<&str> = profile
            .get("emails")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        flags
            .emails
            .iter()
            .filter(|e| !have.contains(&e.as_str()))
            .collect()
    };
    if !missing.is_empty() {
        match profile.get_mut("emails").and_then(|v| v.as_array_mut()) {
            Some(array) => missing.into_iter().for_each(|e| array.push(e.as_str())),
            None => {
                let array: toml_edit::Array = missing.into_iter().map(String::as_str).collect();
                profile.insert("emails", toml_edit::value(array));
            }
        }
        changed.push("emails");
    }
    (!changed.is_empty()).then(|| (doc.to_string(), changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::LevelId;

    const CONFIG: &str = "\
[profile]
name = \"Ada\"  # from the laptop
emails = [\"ada@home.example\"]
level = \"mid\"
";

    #[test]
    fn profile_flags_change_only_what_differs_and_add_emails() {
        let same = ProfileFlags {
            name: Some("Ada".into()),
            emails: vec!["ada@home.example".into()],
            level: Some(LevelId::Mid),
            target: None,
        };
        assert_eq!(apply_profile(CONFIG, &same), None);
        let other = ProfileFlags {
            emails: vec!["ada@work.example".into()],
            level: Some(LevelId::Senior),
            ..ProfileFlags::default()
        };
        let (text, fields) = apply_profile(CONFIG, &other).expect("changed");
        assert_eq!(fields, ["level", "emails"]);
        assert!(text.contains("# from the laptop"), "{text}");
        assert!(
            text.contains("[\"ada@home.example\", \"ada@work.example\"]"),
            "{text}"
        );
        assert!(text.contains("level = \"senior\""), "{text}");
    }

    #[test]
    fn entry_paths_are_told_from_other_files() {
        assert_eq!(
            entry_id("entries/2026/2026-11-22-a.toml").as_deref(),
            Some("2026-11-22-a")
        );
        assert_eq!(entry_id("cv.toml"), None);
        assert_eq!(entry_id("entries/notes.md"), None);
    }
}
