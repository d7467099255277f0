//! The branch a write commits to, and how it is moved.
//!
//! HEAD is read as git reads it: a write goes to the branch HEAD names, and
//! a detached HEAD, or a HEAD naming a branch with no commits while others
//! exist, is refused rather than guessed at.
//!
//! The branch is moved the way git moves it (a `.lock` file beside the ref,
//! the reflogs appended, the lock renamed over the ref), rather than through
//! libgit2, so that a lock a killed `cv` leaves can be proven its own (see
//! `lock.rs`) and every other lock is left alone.

use std::io::Write;
use std::path::Path;

use git2::{ErrorCode, Oid, Repository, Signature};

use super::LedgerError;
use super::lock::{GIT_LOCK_WAIT, GitLock};

/// Our own name for a branch lock we hold, in the git dir.
pub const OWN_REF_LOCK: &str = "cv-ref.own";

/// The branch HEAD names, and where it points.
#[derive(Debug, Clone)]
pub struct Branch {
    /// Full ref name, `refs/heads/main`.
    pub name: String,
    /// Its commit; `None` for the unborn branch of a repository with no commits.
    pub tip: Option<Oid>,
}

/// Returns the branch a write must commit to, or why there is none.
pub fn current_branch(repo: &Repository, root: &Path) -> Result<Branch, LedgerError> {
    let git_err = |action: &str| {
        let action = action.to_string();
        move |source| LedgerError::Git {
            action,
            path: root.to_path_buf(),
            source,
        }
    };
    let head = repo.find_reference("HEAD").map_err(git_err("read HEAD"))?;
    let Some(name) = head
        .symbolic_target()
        .ok()
        .flatten()
        .filter(|name| name.starts_with("refs/heads/"))
    else {
        return Err(LedgerError::DetachedHead);
    };
    // A branch that is itself a symbolic ref (`alias -> main`) is followed,
    // as git does: the commit goes to the branch at the end of the chain.
    let mut name = name.to_string();
    for _ in 0..5 {
        match repo
            .find_reference(&name)
            .ok()
            .and_then(|r| r.symbolic_target().ok().flatten().map(str::to_string))
        {
            Some(next) if next.starts_with("refs/heads/") => name = next,
            Some(_) => return Err(LedgerError::DetachedHead),
            None => break,
        }
    }
    match repo.refname_to_id(&name) {
        Ok(tip) => Ok(Branch {
            name,
            tip: Some(tip),
        }),
        Err(e) if e.code() == ErrorCode::NotFound => {
            // Only a repository with no commits at all (the one `cv init`
            // makes, or an empty one it adopts) may get its first commit
            // here; anywhere else an unborn branch is a mistake to point out.
            let any_branch = repo
                .branches(Some(git2::BranchType::Local))
                .map_err(git_err("list branches"))?
                .next()
                .is_some();
            if any_branch {
                Err(LedgerError::UnbornBranch {
                    branch: name.trim_start_matches("refs/heads/").to_string(),
                })
            } else {
                Ok(Branch { name, tip: None })
            }
        }
        Err(e) => Err(git_err("read the branch")(e)),
    }
}

/// Whether a compare-and-swap of the branch went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// The branch now points at the new commit.
    Done,
    /// The branch had moved; nothing was changed.
    Moved,
}

/// Moves `branch` from its old tip to `new`, only if it is still there.
pub fn swap(
    repo: &Repository,
    root: &Path,
    branch: &Branch,
    new: Oid,
    who: &Signature,
    message: &str,
) -> Result<Swap, LedgerError> {
    let git_dir = repo.path();
    let common = repo.commondir();
    let ref_path = common.join(&branch.name);
    let mut lock = GitLock::acquire(
        common.join(format!("{}.lock", branch.name)),
        git_dir.join(OWN_REF_LOCK),
        GIT_LOCK_WAIT,
    )?;
    // Read again under the lock: this is the compare of compare-and-swap.
    let now = match repo.refname_to_id(&branch.name) {
        Ok(oid) => Some(oid),
        Err(e) if e.code() == ErrorCode::NotFound => None,
        Err(source) => {
            return Err(LedgerError::Git {
                action: "read the branch".into(),
                path: root.to_path_buf(),
                source,
            });
        }
    };
    if now != branch.tip {
        lock.release();
        return Ok(Swap::Moved);
    }
    lock.file()
        .write_all(format!("{new}\n").as_bytes())
        .map_err(LedgerError::io("write", &ref_path))?;
    let line = reflog_line(branch.tip, new, who, message);
    for log in [
        common.join("logs").join(&branch.name),
        git_dir.join("logs").join("HEAD"),
    ] {
        if keeps_reflog(repo, &log) {
            append(&log, &line)?;
        }
    }
    lock.commit_to(&ref_path)?;
    Ok(Swap::Done)
}

/// Whether git would append to `log`: when it exists, or when
/// `core.logAllRefUpdates` asks for new ones (its default in a repository
/// with a work tree).
fn keeps_reflog(repo: &Repository, log: &Path) -> bool {
    if log.exists() {
        return true;
    }
    match repo
        .config()
        .and_then(|c| c.get_string("core.logAllRefUpdates"))
    {
        Ok(value) => !matches!(
            value.to_ascii_lowercase().as_str(),
            "false" | "no" | "off" | "0"
        ),
        Err(_) => !repo.is_bare(),
    }
}

/// One reflog line, as git writes it.
fn reflog_line(old: Option<Oid>, new: Oid, who: &Signature, message: &str) -> String {
    let when = who.when();
    let offset = when.offset_minutes();
    let sign = if offset < 0 { '-' } else { '+' };
    let summary: String = message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "{} {new} {} <{}> {} {sign}{:02}{:02}\tcv: {summary}\n",
        old.unwrap_or(Oid::ZERO_SHA1),
        String::from_utf8_lossy(who.name_bytes()),
        String::from_utf8_lossy(who.email_bytes()),
        when.seconds(),
        offset.abs() / 60,
        offset.abs() % 60,
    )
}

fn append(log: &Path, line: &str) -> Result<(), LedgerError> {
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).map_err(LedgerError::io("create", dir))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .and_then(|mut f| f.write_all(line.as_bytes()))
        .map_err(LedgerError::io("append to", log))
}
