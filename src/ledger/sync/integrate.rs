//! Integrating the remote's side, in memory: what bringing its branch
//! into ours takes (nothing, a fast-forward, or a merge commit whose tree
//! is built here file by file), and publishing it through the write path.

use std::path::Path;

use git2::{Delta, FileMode, Oid, Repository, Tree};

use super::merge::{self, Prefer};
use super::{Conflict, Integration, Renamed, SyncError};
use crate::ledger::config::Config;
use crate::ledger::files::read_if_present;
use crate::ledger::write::{Join, Writer};
use crate::ledger::{CONFIG_FILE, Change, ENTRIES_DIR, LedgerError, Lock};

/// Works out, in memory, what bringing `theirs` into `ours` takes.
pub(super) fn integrate(
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
            .map_err(LedgerError::git("compare histories", root))?
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
        Err(e) => return Err(LedgerError::git("find the common commit", root)(e).into()),
    };
    let ours_tree = tree_of(repo, ours, root)?;
    let theirs_tree = tree_of(repo, theirs, root)?;
    if base == ours {
        let changes: Vec<Change> = changes_between(repo, root, &ours_tree, &theirs_tree)?
            .into_iter()
            .map(|(path, theirs)| change_to(repo, root, path, theirs))
            .collect::<Result<_, _>>()?;
        check_incoming(&changes, shown)?;
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
                super::REMOVED_HERE
            } else {
                super::REMOVED_THERE
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
                .map_err(LedgerError::git(format!("read {path}"), root))?
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
            Ok(merged) => changes.push(Change::put(path.clone(), merged)),
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
                        changes.push(Change::put(to, text.into_bytes()));
                    }
                    None => conflicts.push(conflict(fields)),
                }
            }
            Err(fields) => conflicts.push(conflict(fields)),
        }
    }
    check_incoming(&changes, shown)?;
    Ok(Integration::Merge {
        theirs,
        changes,
        conflicts,
        renamed,
    })
}

/// Refuses changes that would leave the ledger unusable or rewritten
/// behind cv's back: a `cv.toml` removed or not parsing as a config (every
/// command, `cv sync` too, would then refuse to run), or a `.gitattributes`
/// that sets a `filter`, `ident` or `working-tree-encoding` (git would then
/// run a program on, or rewrite, the files cv writes and reads).
pub(super) fn check_incoming(changes: &[Change], shown: &str) -> Result<(), SyncError> {
    let refuse = |path: &str, problem: String| SyncError::Incoming {
        tracking: shown.to_string(),
        path: path.to_string(),
        problem,
    };
    for change in changes {
        let path = change.path.as_str();
        if path == CONFIG_FILE {
            let Some(bytes) = &change.content else {
                return Err(refuse(path, format!("it removes {CONFIG_FILE}")));
            };
            if let Some(problem) = config_problem(bytes) {
                return Err(refuse(path, format!("{shown}:{CONFIG_FILE}{problem}")));
            }
        } else if path == ".gitattributes" || path.ends_with("/.gitattributes") {
            let text = change
                .content
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if let Some((n, attr)) = rewriting_attribute(&text) {
                return Err(refuse(
                    path,
                    format!(
                        "{shown}:{path}:{n} sets `{attr}`, which makes git rewrite the ledger's files; cv pulls no filter, ident or working-tree-encoding attributes"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// What is wrong with a `cv.toml`, as `:line:column: message` (or `: …`),
/// or `None` when it parses as a config.
pub(super) fn config_problem(bytes: &[u8]) -> Option<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(": it is not UTF-8 text".to_string());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    toml::from_str::<Config>(text).err().map(|e| {
        let (line, column) = crate::entry::line_col(text, e.span().map_or(0, |s| s.start));
        format!(":{line}:{column}: {}", e.message().trim())
    })
}

/// The first attribute in a `.gitattributes` text that makes git change
/// file content on checkout or add, with its line number.
fn rewriting_attribute(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        // The pattern first (maybe quoted), then attributes; a macro
        // (`[attr]name …`) is checked the same way.
        line.split_whitespace().skip(1).find_map(|attr| {
            let name = attr.split('=').next().unwrap_or(attr);
            ["filter", "ident", "working-tree-encoding"]
                .contains(&name)
                .then(|| (i + 1, attr.to_string()))
        })
    })
}

/// The remote's entry at `path`, given the next id free on both sides
/// (`<id>-2`, `-3`…): its new path and text. `None` when it does not parse.
pub(super) fn as_next_id(
    path: &str,
    text: Option<&str>,
    ours: &Tree<'_>,
    theirs: &Tree<'_>,
    changes: &[Change],
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
pub(super) fn changes_between(
    repo: &Repository,
    root: &Path,
    from: &Tree<'_>,
    to: &Tree<'_>,
) -> Result<Vec<(String, Option<Oid>)>, SyncError> {
    let diff = repo
        .diff_tree_to_tree(Some(from), Some(to), None)
        .map_err(LedgerError::git("compare trees", root))?;
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
pub(super) fn change_to(
    repo: &Repository,
    root: &Path,
    path: String,
    blob: Option<Oid>,
) -> Result<Change, SyncError> {
    Ok(match blob {
        Some(oid) => {
            let content = repo
                .find_blob(oid)
                .map_err(LedgerError::git(format!("read {path}"), root))?
                .content()
                .to_vec();
            Change::put(path, content)
        }
        None => Change::delete(path),
    })
}

/// Publishes the integration through the write path; gives the lock back.
pub(super) fn publish(
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
                untracked: in_head.is_none(),
            });
        }
    }
    writer.publish(&changes, &message, join)?;
    Ok(writer.into_lock())
}

pub(super) fn tree_of<'r>(
    repo: &'r Repository,
    commit: Oid,
    root: &Path,
) -> Result<Tree<'r>, SyncError> {
    repo.find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(|e| LedgerError::git("read a commit's tree", root)(e).into())
}

pub(super) fn blob_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

pub(super) fn is_entry(path: &str) -> bool {
    path.starts_with(&format!("{ENTRIES_DIR}/")) && path.ends_with(".toml")
}

pub(super) fn entry_id(path: &str) -> Option<String> {
    is_entry(path).then(|| {
        path.rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".toml")
            .to_string()
    })
}

/// Entry files among `changes`, and the other files' paths.
pub(super) fn count_entries(changes: &[Change]) -> (usize, Vec<String>) {
    split_entries(changes.iter().map(|c| c.path.clone()))
}

fn split_entries(paths: impl Iterator<Item = String>) -> (usize, Vec<String>) {
    let mut entries = 0;
    let mut others = Vec::new();
    for path in paths {
        if is_entry(&path) {
            entries += 1;
        } else {
            others.push(path);
        }
    }
    others.sort();
    others.dedup();
    (entries, others)
}

/// Entry files that differ between two trees (`None`: an empty one), and
/// the other files' paths (`cv.toml`…).
pub(super) fn entry_diff(
    repo: &Repository,
    from: Option<&Tree<'_>>,
    to: &Tree<'_>,
    root: &Path,
) -> Result<(usize, Vec<String>), SyncError> {
    let diff = repo
        .diff_tree_to_tree(from, Some(to), None)
        .map_err(LedgerError::git("compare trees", root))?;
    Ok(split_entries(diff.deltas().filter_map(|d| {
        let file = if d.status() == Delta::Deleted {
            d.old_file()
        } else {
            d.new_file()
        };
        file.path().and_then(Path::to_str).map(str::to_string)
    })))
}

pub(super) fn count_commits(repo: &Repository, tip: Oid, root: &Path) -> Result<usize, SyncError> {
    let mut walk = repo
        .revwalk()
        .map_err(LedgerError::git("walk history", root))?;
    walk.push(tip)
        .map_err(LedgerError::git("walk history", root))?;
    Ok(walk.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_that_rewrite_files_are_found() {
        assert_eq!(
            rewriting_attribute("# ok\n*.md text\n*.toml filter=evil\n"),
            Some((3, "filter=evil".to_string()))
        );
        assert_eq!(
            rewriting_attribute("[attr]x ident\n"),
            Some((1, "ident".to_string()))
        );
        assert_eq!(rewriting_attribute("*.toml -ident text eol=lf\n"), None);
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
