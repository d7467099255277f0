//! The write journal, `<git dir>/cv-journal`: what a write in flight is
//! changing, so whoever finds it after a kill can finish or undo it exactly.
//!
//! ```text
//! cv journal 1
//! pid 4242
//! branch refs/heads/main
//! commit 1f3c…                      the commit the write is publishing
//! base 77ab…                        the branch tip it was built on
//! path entries/2026/2026-11-22-cut-checkout-latency.toml
//! after 9fce…                       the blob the write puts there
//! path-saved entries/2026/2026-11-20-dunning-emails.toml
//! after deleted
//! ```
//!
//! Written after the commit object exists and before any work-tree file is
//! touched. Recovery asks one question, "is that commit on the branch?",
//! and then touches a path only where its content is provably the write's
//! own (`after`): content anyone changed since is never overwritten.
//!
//! A path's state before the write is what undoing restores: usually the
//! parent commit's version (`path`), but a file the user had changed and not
//! yet committed is saved first (`path-saved`, its bytes in
//! `cv-journal.saved/` under its position in the list), and one they had
//! deleted is recorded as absent (`path-absent`).
//!
//! The pid is for a person reading the file. A journal written by an
//! earlier `cv` holds only paths, one per line, and is still read.

use std::path::{Path, PathBuf};

use super::LedgerError;

/// The journal's file name, inside the git dir.
pub const FILE: &str = "cv-journal";
const HEADER: &str = "cv journal 1";

/// What a write in flight declared before touching the work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The writer's process id.
    pub pid: u32,
    /// The branch it was committing to (`refs/heads/main`), when known.
    pub branch: Option<String>,
    /// The commit it was publishing, when known (hex).
    pub commit: Option<String>,
    /// The branch tip the write was built on, when known (hex): the
    /// commit's parent for an ordinary write, not for a fast-forward.
    pub base: Option<String>,
    /// Paths (relative to the ledger root) it may have changed.
    pub paths: Vec<JournalPath>,
}

/// One path a write changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalPath {
    /// Relative to the ledger root.
    pub path: String,
    /// What it held before the write.
    pub before: Before,
    /// What the write puts there, when known.
    pub after: After,
}

/// What a journalled path held before the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// The parent commit's version (or nothing, where it has none).
    Branch,
    /// Nothing, although the parent commit has the file.
    Absent,
    /// Uncommitted content, saved in [`saved_path`].
    Saved,
}

/// What a journalled path holds once the write is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Not recorded (a journal of an earlier `cv`).
    Unknown,
    /// The file is deleted.
    Deleted,
    /// The file holds this blob (hex id).
    Blob(String),
}

impl Journal {
    /// Renders the journal as its file holds it.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\npid {}\n", self.pid);
        if let Some(branch) = &self.branch {
            text.push_str(&format!("branch {branch}\n"));
        }
        if let Some(commit) = &self.commit {
            text.push_str(&format!("commit {commit}\n"));
        }
        if let Some(base) = &self.base {
            text.push_str(&format!("base {base}\n"));
        }
        for p in &self.paths {
            let key = match p.before {
                Before::Branch => "path",
                Before::Absent => "path-absent",
                Before::Saved => "path-saved",
            };
            text.push_str(&format!("{key} {}\n", p.path));
            match &p.after {
                After::Unknown => {}
                After::Deleted => text.push_str("after deleted\n"),
                After::Blob(oid) => text.push_str(&format!("after {oid}\n")),
            }
        }
        text
    }

    /// Parses a journal file's text; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<Journal, String> {
        let mut lines = text.lines().filter(|l| !l.is_empty()).peekable();
        let mut journal = Journal {
            pid: 0,
            branch: None,
            commit: None,
            base: None,
            paths: Vec::new(),
        };
        if lines.peek() != Some(&HEADER) {
            // The earlier format: paths only.
            journal.paths = lines
                .map(|l| JournalPath {
                    path: l.to_string(),
                    before: Before::Branch,
                    after: After::Unknown,
                })
                .collect();
            return Ok(journal);
        }
        lines.next();
        for line in lines {
            let path = |before| JournalPath {
                path: line.split_once(' ').map_or("", |(_, p)| p).to_string(),
                before,
                after: After::Unknown,
            };
            match line.split_once(' ') {
                Some(("pid", pid)) => {
                    journal.pid = pid.parse().map_err(|_| format!("bad pid line `{line}`"))?;
                }
                Some(("branch", branch)) => journal.branch = Some(branch.to_string()),
                Some(("commit", commit)) if crate::links::is_full_sha(commit) => {
                    journal.commit = Some(commit.to_string());
                }
                Some(("base", base)) if crate::links::is_full_sha(base) => {
                    journal.base = Some(base.to_string());
                }
                Some(("path", _)) => journal.paths.push(path(Before::Branch)),
                Some(("path-absent", _)) => journal.paths.push(path(Before::Absent)),
                Some(("path-saved", _)) => journal.paths.push(path(Before::Saved)),
                Some(("after", after)) => {
                    let last = journal
                        .paths
                        .last_mut()
                        .ok_or_else(|| format!("`{line}` before any path"))?;
                    last.after = match after {
                        "deleted" => After::Deleted,
                        oid if crate::links::is_full_sha(oid) => After::Blob(oid.to_string()),
                        _ => return Err(format!("unexpected line `{line}`")),
                    };
                }
                _ => return Err(format!("unexpected line `{line}`")),
            }
        }
        Ok(journal)
    }
}

/// The journal's path in `git_dir`.
pub fn path(git_dir: &Path) -> PathBuf {
    git_dir.join(FILE)
}

/// The folder that holds the uncommitted content a write saved.
pub fn saved_dir(git_dir: &Path) -> PathBuf {
    git_dir.join("cv-journal.saved")
}

/// Where the `i`th journalled path's saved content is.
pub fn saved_path(git_dir: &Path, i: usize) -> PathBuf {
    saved_dir(git_dir).join(i.to_string())
}

/// Reads the journal, if there is one. Anything but a small regular file
/// there (a FIFO would hang every command) is a journal that cannot be
/// resolved.
pub fn read(git_dir: &Path) -> Result<Option<Result<Journal, String>>, LedgerError> {
    let file = path(git_dir);
    match std::fs::symlink_metadata(&file) {
        Ok(meta) if !meta.is_file() => {
            return Ok(Some(Err("it is not a regular file".to_string())));
        }
        Ok(meta) if meta.len() > super::store::MAX_ENTRY_BYTES => {
            return Ok(Some(Err(
                "it is larger than any journal cv writes".to_string()
            )));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LedgerError::io("read", &file)(e)),
    }
    match std::fs::read(&file) {
        Ok(bytes) => Ok(Some(
            String::from_utf8(bytes)
                .map_err(|_| "it is not text".to_string())
                .and_then(|text| Journal::parse(&text)),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LedgerError::io("read", &file)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_the_earlier_format() {
        let oid = "9fceb02d0ae598e95dc970b74767f19372d61af8".to_string();
        let journal = Journal {
            pid: 42,
            branch: Some("refs/heads/main".into()),
            commit: Some(oid.clone()),
            base: Some(oid.clone()),
            paths: vec![
                JournalPath {
                    path: "entries/2026/a.toml".into(),
                    before: Before::Branch,
                    after: After::Blob(oid),
                },
                JournalPath {
                    path: "entries/2026/b.toml".into(),
                    before: Before::Saved,
                    after: After::Deleted,
                },
                JournalPath {
                    path: "cv.toml".into(),
                    before: Before::Absent,
                    after: After::Unknown,
                },
            ],
        };
        assert_eq!(Journal::parse(&journal.to_text()), Ok(journal));
        let old = Journal::parse("entries/2026/a.toml\n").expect("old format");
        assert_eq!(old.paths[0].path, "entries/2026/a.toml");
        assert_eq!(old.paths[0].after, After::Unknown);
        assert!(Journal::parse("cv journal 1\nrm -rf /\n").is_err());
        assert!(Journal::parse("cv journal 1\nafter deleted\n").is_err());
    }
}
