//! The ledger's boundary on the write side: a path `cv` writes or deletes
//! must be a regular file in real folders inside the ledger.
//!
//! A clone can carry `entries/` as a symlink to anywhere, and a user can
//! leave a file where a year folder goes; following either would write or
//! delete outside the ledger. Checked with `lstat` on every component
//! before anything is written.

use std::path::Path;

use super::LedgerError;

/// Refuses `rel` (a checked relative path) unless each folder on the way is
/// a real folder or absent, and the file itself a regular file or absent.
pub fn check(root: &Path, rel: &str) -> Result<(), LedgerError> {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut here = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        here.push(part);
        let last = i + 1 == parts.len();
        let meta = match std::fs::symlink_metadata(&here) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(LedgerError::io("inspect", &here)(e)),
        };
        let kind = meta.file_type();
        let what = if kind.is_symlink() {
            Some("a symbolic link")
        } else if last && !kind.is_file() {
            Some(if kind.is_dir() {
                "a folder"
            } else {
                "not a regular file"
            })
        } else if !last && !kind.is_dir() {
            Some("not a folder")
        } else if !last && std::fs::symlink_metadata(here.join(".git")).is_ok() {
            // A submodule or a nested repository: its files belong to
            // another repository, and its gitlink would be overwritten.
            Some("another git repository (a submodule?)")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(LedgerError::Boundary {
                path: parts[..=i].join("/"),
                what,
            });
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn symlinks_and_misplaced_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("ledger");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        let rel = "entries/2026/a.toml";
        check(&root, rel).expect("nothing there yet is fine");

        std::os::unix::fs::symlink(&outside, root.join("entries")).expect("symlink");
        let err = check(&root, rel).expect_err("symlinked entries/");
        assert!(matches!(err, LedgerError::Boundary { ref path, .. } if path == "entries"));

        std::fs::remove_file(root.join("entries")).expect("rm");
        std::fs::create_dir_all(root.join("entries")).expect("mkdir");
        std::fs::write(root.join("entries/2026"), "").expect("file");
        let err = check(&root, rel).expect_err("a file where the year folder goes");
        assert!(
            matches!(err, LedgerError::Boundary { ref path, what: "not a folder" } if path == "entries/2026")
        );

        std::fs::remove_file(root.join("entries/2026")).expect("rm");
        std::fs::create_dir_all(root.join("entries/2026/.git")).expect("a nested repository");
        assert!(check(&root, rel).is_err());
        std::fs::remove_dir(root.join("entries/2026/.git")).expect("rm");
        std::fs::create_dir_all(root.join(rel)).expect("a folder named like the entry");
        assert!(check(&root, rel).is_err());
    }
}
