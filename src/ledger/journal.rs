//! The write journal, `<git dir>/cv-journal`: what a write in flight is
//! changing, so whoever finds it after a kill can finish or undo it.
//!
//! ```text
//! cv journal 1
//! pid 4242
//! branch refs/heads/main
//! path entries/2026/2026-11-22-cut-checkout-latency.toml
//! ```
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
    /// Paths (relative to the ledger root) it may have changed.
    pub paths: Vec<String>,
}

impl Journal {
    /// Renders the journal as its file holds it.
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\npid {}\n", self.pid);
        if let Some(branch) = &self.branch {
            text.push_str(&format!("branch {branch}\n"));
        }
        for path in &self.paths {
            text.push_str(&format!("path {path}\n"));
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
            journal.paths = lines.map(str::to_string).collect();
            return Ok(journal);
        }
        lines.next();
        for line in lines {
            match line.split_once(' ') {
                Some(("pid", pid)) => {
                    journal.pid = pid.parse().map_err(|_| format!("bad pid line `{line}`"))?;
                }
                Some(("branch", branch)) => journal.branch = Some(branch.to_string()),
                Some(("path", path)) => journal.paths.push(path.to_string()),
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
            paths: vec!["entries/2026/a.toml".into(), "cv.toml".into()],
        };
        assert_eq!(Journal::parse(&journal.to_text()), Ok(journal));
        let old = Journal::parse("entries/2026/a.toml\n").expect("old format");
        assert_eq!(old.paths, ["entries/2026/a.toml"]);
        assert_eq!(old.branch, None);
        assert!(Journal::parse("cv journal 1\nrm -rf /\n").is_err());
    }
}
