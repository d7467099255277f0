//! Entry content from the git object store, for files that are not in the
//! page cache (Linux).
//!
//! Why: cold, 100,000 small entry files cost ~8 s of random reads, while the
//! same blobs sit in one packfile that reads in a fraction of a second (SPEC
//! §7 asks for under 2 s). A file's blob is used only when git itself would
//! call the file unchanged: its stat data still matches its index entry and
//! it is not racily clean (modified within the index's own timestamp).
//! Warm files are read directly, which is faster than inflating blobs.

use std::collections::HashMap;
use std::path::Path;

use super::index::{self, Stat};

/// The index's view of the work tree: which blob each unchanged file holds.
pub struct IndexView {
    records: HashMap<String, ([u8; 20], Stat)>,
    /// The index file's own mtime: a file modified at or after it may have
    /// changed without its stat data showing it ("racy git").
    index_mtime: (i64, i64),
}

impl IndexView {
    /// Reads `<git_dir>/index`; `None` when there is none or it cannot be trusted.
    ///
    /// Also asks the kernel to start reading the packfiles: blobs are read
    /// in the work tree's order, which is random within a pack, and one
    /// sequential read ahead of them is far cheaper than faulting in pages.
    pub fn load(git_dir: &Path) -> Option<IndexView> {
        prefetch_packs(git_dir);
        let (bytes, meta) = read_regular(&git_dir.join("index"))?;
        let records = index::records(&bytes)?
            .into_iter()
            .filter(|r| r.path.starts_with("entries/"))
            .map(|r| (r.path, (r.oid, r.stat)))
            .collect();
        Some(IndexView {
            records,
            #[allow(clippy::unnecessary_cast)] // platform-dependent field types
            index_mtime: (meta.st_mtime as i64, meta.st_mtime_nsec as i64),
        })
    }

    /// Returns the blob id of `rel` if the file is unchanged since git saw it.
    pub fn trusted_oid(&self, rel: &str, st: &rustix::fs::Stat) -> Option<git2::Oid> {
        let (oid, recorded) = self.records.get(rel)?;
        // The index keeps 32-bit fields; compare the way git truncates.
        let unchanged = recorded.size == st.st_size as u32
            && recorded.mtime == (st.st_mtime as u32, st.st_mtime_nsec as u32)
            && recorded.ctime == (st.st_ctime as u32, st.st_ctime_nsec as u32)
            && recorded.ino == st.st_ino as u32;
        // st_mtime's type differs between platforms (i32 on some 32-bit ones).
        #[allow(clippy::unnecessary_cast)]
        let racy = (st.st_mtime as i64, st.st_mtime_nsec as i64) >= self.index_mtime;
        if unchanged && !racy {
            git2::Oid::from_bytes(oid).ok()
        } else {
            None
        }
    }
}

/// Opening flags under the git dir, as for entry files (see `store.rs`): a
/// FIFO or device where the index or a pack should be must not block cv.
const FLAGS: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::NOFOLLOW)
    .union(rustix::fs::OFlags::NONBLOCK)
    .union(rustix::fs::OFlags::NOCTTY)
    .union(rustix::fs::OFlags::CLOEXEC);

/// Reads a regular file whole, with the stat of what was read (one open,
/// one fstat); `None` for anything else. The index has no cap: it grows
/// with the ledger, and git wrote it, not a clone.
fn read_regular(path: &Path) -> Option<(Vec<u8>, rustix::fs::Stat)> {
    use std::io::Read;
    let fd = rustix::fs::open(path, FLAGS, rustix::fs::Mode::empty()).ok()?;
    let st = rustix::fs::fstat(&fd).ok()?;
    if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(st.st_size).unwrap_or(0));
    std::fs::File::from(fd).read_to_end(&mut bytes).ok()?;
    Some((bytes, st))
}

fn prefetch_packs(git_dir: &Path) {
    let Ok(packs) = std::fs::read_dir(git_dir.join("objects/pack")) else {
        return;
    };
    for pack in packs.flatten() {
        if pack.path().extension().is_some_and(|e| e == "pack")
            && let Ok(file) = rustix::fs::open(pack.path(), FLAGS, rustix::fs::Mode::empty())
        {
            // Advice only: a failure changes nothing but speed.
            let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    use crate::ledger::test_git as git;

    fn stat(path: &Path) -> rustix::fs::Stat {
        rustix::fs::stat(path).expect("stat")
    }

    #[test]
    fn only_files_git_would_call_unchanged_are_trusted() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let rel = "entries/2026/a.toml";
        let file = root.join(rel);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, "id = \"a\"\n").expect("write");
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "one"]);

        // Written in the same instant as the index: racily clean, not trusted.
        let view = IndexView::load(&root.join(".git")).expect("index");
        let fresh = stat(&file);
        if (fresh.st_mtime as i64, fresh.st_mtime_nsec as i64) >= view.index_mtime {
            assert_eq!(view.trusted_oid(rel, &fresh), None);
        }

        // Age the file and let git record its stat data again: now trusted.
        Command::new("touch")
            .args(["-d", "2026-01-01 00:00:00"])
            .arg(&file)
            .status()
            .expect("touch");
        git(root, &["update-index", "--refresh"]);
        let view = IndexView::load(&root.join(".git")).expect("index");
        let oid = view
            .trusted_oid(rel, &stat(&file))
            .expect("unchanged file is trusted");
        assert_eq!(
            oid.to_string(),
            git(root, &["rev-parse", &format!(":{rel}")]).trim()
        );
        assert_eq!(
            view.trusted_oid("entries/2026/unknown.toml", &stat(&file)),
            None
        );

        // Any edit changes size, mtime or ctime: not trusted any more.
        std::fs::write(&file, "id = \"b\"\n").expect("edit, same size");
        assert_eq!(view.trusted_oid(rel, &stat(&file)), None);
    }
}
