//! The write journal, `<git dir>/cv-journal`: what a write in flight is
//! changing, so whoever finds it after a kill can finish or undo it.
//!
//! ```text
//! cv journal 1
//! pid 4242
//! branch refs/heads/main
//! path entries/2026/2026-11-22-cut-checkout-latency.toml
//! path-saved entries/2026/2026-11-20-dunning-emails.toml
//! ```
//!
//! A path's state before the write is what undoing it restores: usually the
//! branch's version (`path`), but a file the user had changed and not yet
//! committed is saved first (`path-saved`, its bytes in `cv-journal.saved/`
//! under its position in the list), and one they had deleted is recorded
//! as absent (`path-absent`), so a failed write never costs them that work.
//!
//! The pid is for a person reading the file; the proof that a lock is a
//! dead writer's is the lock itself (see `lock.rs`). A journal written by
//! an earlier `cv` holds only paths, one per line, and is still read.

use std::path::{Path, PathBuf};

use super::LedgerError;

/// The journal's file name, inside the git dir.
pub const FILE: &str = "cv-journal";
const HEADER: &str = "cv journal 1";

/// What a write in flight declared before touching anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The writer's process id.
    pub pid: u32,
    /// The branch it was committing to (`refs/heads/main`), when known.
    pub branch: Option<String>,
    /// Paths (relative to the ledger root) it may have changed, and what
    /// each held before.
    pub paths: Vec<(String, Before)>,
}

/// What a journalled path held before the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// The branch's version (or nothing, where the branch has none).
    Branch,
    /// Nothing, although the branch has the file.
    Absent,
    /// Uncommitted content, saved in [`saved_path`].
    Saved,
}

impl Journal {
    /// Renders the journal as its file holds it.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\npid {}\n", self.pid);
        if let Some(branch) = &self.branch {
            text.push_str(&format!("branch {branch}\n"));
        }
        for (path, before) in &self.paths {
            let key = match before {
                Before::Branch => "path",
                Before::Absent => "path-absent",
                Before::Saved => "path-saved",
            };
            text.push_str(&format!("{key} {path}\n"));
        }
        text
    }

    /// Parses a journal file's text; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<Journal, String> {
        let mut lines = text.lines().filter(|l| !l.is_empty()).peekable();
        let mut journal = Journal {
            pid: 0,
            branch: None,
            paths: Vec::new(),
        };
        if lines.peek() != Some(&HEADER) {
            // The earlier format: paths only.
            journal.paths = lines.map(|l| (l.to_string(), Before::Branch)).collect();
            return Ok(journal);
        }
        lines.next();
        for line in lines {
            match line.split_once(' ') {
                Some(("pid", pid)) => {
                    journal.pid = pid.parse().map_err(|_| format!("bad pid line `{line}`"))?;
                }
                Some(("branch", branch)) => journal.branch = Some(branch.to_string()),
                Some(("path", path)) => journal.paths.push((path.to_string(), Before::Branch)),
                Some(("path-absent", path)) => {
                    journal.paths.push((path.to_string(), Before::Absent));
                }
                Some(("path-saved", path)) => journal.paths.push((path.to_string(), Before::Saved)),
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

/// Reads the journal, if there is one.
pub fn read(git_dir: &Path) -> Result<Option<Result<Journal, String>>, LedgerError> {
    let file = path(git_dir);
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
        let journal = Journal {
            pid: 42,
            branch: Some("refs/heads/main".into()),
            paths: vec![
                ("entries/2026/a.toml".into(), Before::Branch),
                ("entries/2026/b.toml".into(), Before::Saved),
                ("cv.toml".into(), Before::Absent),
            ],
        };
        assert_eq!(Journal::parse(&journal.to_text()), Ok(journal));
        let old = Journal::parse("entries/2026/a.toml\n").expect("old format");
        assert_eq!(
            old.paths,
            [("entries/2026/a.toml".to_string(), Before::Branch)]
        );
        assert_eq!(old.branch, None);
        assert!(Journal::parse("cv journal 1\nrm -rf /\n").is_err());
    }
}
