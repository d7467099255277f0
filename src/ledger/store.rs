//! Reading entries. Broken files are returned beside the good ones, never
//! dropped, so every command can warn about them and go on.
//!
//! Reads the work tree, parsing on two threads (the floor in SPEC §7 is a
//! two-thread parse). Reading blobs from the object store when the work tree
//! matches HEAD, for the cold-cache target, plugs in behind the same
//! [`Entries`] result.

use std::path::Path;

use crate::entry::{Entry, ParseError};

use super::{ENTRIES_DIR, LedgerError};

/// An entry (or what a command keeps of it) and where it lives.
#[derive(Debug, Clone)]
pub struct StoredEntry<T = Entry> {
    /// Path relative to the ledger root, with `/` separators.
    pub path: String,
    /// The parsed entry, or the part of it the caller kept.
    pub entry: T,
}

/// An entry file that could not be read as an entry.
#[derive(Debug, Clone)]
pub struct Broken {
    /// Path relative to the ledger root, with `/` separators.
    pub path: String,
    /// Where and why it is broken.
    pub error: ParseError,
}

/// Every entry of a ledger and every broken file.
#[derive(Debug, Clone)]
pub struct Entries<T = Entry> {
    /// Good entries (newest first from [`read_worktree`]; unordered from
    /// [`read_worktree_as`]).
    pub entries: Vec<StoredEntry<T>>,
    /// Broken files, by path.
    pub broken: Vec<Broken>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries {
            entries: Vec::new(),
            broken: Vec::new(),
        }
    }
}

/// Lists the entry files under `entries/<year>/`, sorted by relative path.
pub fn entry_files(root: &Path) -> Result<Vec<String>, LedgerError> {
    let mut files: Vec<String> = list(root)?.into_iter().map(|(_, rel)| rel).collect();
    files.sort_unstable();
    Ok(files)
}

/// Lists the entry files in the order cheapest to read: by inode number,
/// so that a cold read walks the inode tables forward instead of hopping
/// (directory order is hash order).
fn entry_files_by_inode(root: &Path) -> Result<Vec<String>, LedgerError> {
    let mut files = list(root)?;
    files.sort_unstable();
    Ok(files.into_iter().map(|(_, rel)| rel).collect())
}

/// (inode number where the platform has one, path relative to the ledger).
fn list(root: &Path) -> Result<Vec<(u64, String)>, LedgerError> {
    let dir = root.join(ENTRIES_DIR);
    let mut files = Vec::new();
    let years = match std::fs::read_dir(&dir) {
        Ok(years) => years,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => return Err(LedgerError::io("read", &dir)(e)),
    };
    for year in years {
        let year = year.map_err(LedgerError::io("read", &dir))?;
        if !year
            .file_type()
            .map_err(LedgerError::io("read", year.path()))?
            .is_dir()
        {
            continue;
        }
        let year_name = year.file_name().to_string_lossy().into_owned();
        let year_dir = year.path();
        for file in std::fs::read_dir(&year_dir).map_err(LedgerError::io("read", &year_dir))? {
            let file = file.map_err(LedgerError::io("read", &year_dir))?;
            let name = file.file_name();
            let name = name.to_string_lossy();
            // Hidden files are editors' swap files and cv's own temp files.
            if name.ends_with(".toml") && !name.starts_with('.') {
                // Built from the listing, not from the path: comparing and
                // splitting 100,000 paths component by component was a tenth
                // of a large report's time.
                #[cfg(unix)]
                let ino = std::os::unix::fs::DirEntryExt::ino(&file);
                #[cfg(not(unix))]
                let ino = 0;
                files.push((ino, format!("{ENTRIES_DIR}/{year_name}/{name}")));
            }
        }
    }
    Ok(files)
}

/// Reads and parses every entry file of the work tree, newest first.
pub fn read_worktree(root: &Path, git_dir: &Path) -> Result<Entries, LedgerError> {
    let mut all = read_worktree_as(root, git_dir, Some)?;
    all.entries.sort_by(|a, b| {
        b.entry
            .date
            .cmp(&a.entry.date)
            .then_with(|| b.entry.id.cmp(&a.entry.id))
    });
    Ok(all)
}

/// Reads and parses every entry file, keeping only what `keep` returns.
///
/// Each entry is fully parsed and validated (so broken files are reported
/// the same way by every command), then reduced at once: a report over
/// 100,000 entries holds 100,000 small records, not 100,000 entries.
pub fn read_worktree_as<T, F>(
    root: &Path,
    git_dir: &Path,
    keep: F,
) -> Result<Entries<T>, LedgerError>
where
    T: Send,
    F: Fn(Entry) -> Option<T> + Sync,
{
    let files = entry_files_by_inode(root)?;
    // Twice the cores, at most four: parsing is CPU-bound, but a cold read
    // waits on the disk, and more reads in flight overlap those waits
    // (cold, 100,000 entries: ~2.8 s with two threads, ~2.4 s with four).
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 2)
        .clamp(2, 4);
    let chunk = files.len().div_ceil(threads).max(1);
    let shared = Shared::default();
    let results: Vec<Result<Entries<T>, LedgerError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let keep = &keep;
                let shared = &shared;
                scope.spawn(move || read_files(root, git_dir, part, &keep, shared))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Ok(Entries::default())))
            .collect()
    });
    let mut all = Entries::default();
    for part in results {
        let part = part?;
        all.entries.extend(part.entries);
        all.broken.extend(part.broken);
    }
    all.broken.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}

fn read_files<T>(
    root: &Path,
    git_dir: &Path,
    files: &[String],
    keep: &(dyn Fn(Entry) -> Option<T> + Sync),
    shared: &Shared,
) -> Result<Entries<T>, LedgerError> {
    let mut out = Entries::default();
    let mut bytes = Vec::new();
    let mut opener = Opener::new(root, git_dir, shared);
    for rel in files {
        bytes.clear();
        opener.read(rel, &mut bytes)?;
        match parse_bytes(&bytes) {
            Ok(entry) => {
                if let Some(kept) = keep(entry) {
                    out.entries.push(StoredEntry {
                        path: rel.clone(),
                        entry: kept,
                    });
                }
            }
            Err(error) => out.broken.push(Broken {
                path: rel.clone(),
                error,
            }),
        }
    }
    Ok(out)
}

/// Reads entry files for one thread.
///
/// Files are opened relative to their year folder (`openat`), so the kernel
/// resolves one name per file instead of the whole path. On Linux a file
/// that is not in the page cache is read from the object store instead,
/// when the index vouches for it (see `blobs.rs`).
struct Opener<'a> {
    root: &'a Path,
    #[cfg(unix)]
    dir: Option<(String, rustix::fd::OwnedFd)>,
    #[cfg(target_os = "linux")]
    cold: ColdReader<'a>,
}

impl<'a> Opener<'a> {
    fn new(root: &'a Path, git_dir: &'a Path, shared: &'a Shared) -> Opener<'a> {
        let _ = (shared, git_dir);
        Opener {
            root,
            #[cfg(unix)]
            dir: None,
            #[cfg(target_os = "linux")]
            cold: ColdReader {
                root,
                git_dir,
                view: &shared.view,
                repo: None,
                nowait: true,
                assume_cold: std::env::var_os(ASSUME_COLD_VAR).is_some_and(|v| !v.is_empty()),
            },
        }
    }

    fn read(&mut self, rel: &str, bytes: &mut Vec<u8>) -> Result<(), LedgerError> {
        use std::io::Read;
        let path = || self.root.join(rel);
        #[cfg(unix)]
        if let Some((folder, name)) = rel.rsplit_once('/') {
            use rustix::fs::{Mode, OFlags};
            if self.dir.as_ref().is_none_or(|(open, _)| open != folder) {
                let dir = rustix::fs::open(
                    self.root.join(folder),
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(|e| LedgerError::io("open", self.root.join(folder))(e.into()))?;
                self.dir = Some((folder.to_string(), dir));
            }
            if let Some((_, dir)) = &self.dir {
                let fd =
                    rustix::fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
                        .map_err(|e| LedgerError::io("read", path())(e.into()))?;
                let mut file = std::fs::File::from(fd);
                #[cfg(target_os = "linux")]
                if self
                    .cold
                    .read_cached_or_blob(&file, rel, bytes)
                    .map_err(LedgerError::io("read", path()))?
                {
                    return Ok(());
                }
                file.read_to_end(bytes)
                    .map_err(LedgerError::io("read", path()))?;
                return Ok(());
            }
        }
        std::fs::File::open(path())
            .and_then(|mut f| f.read_to_end(bytes))
            .map_err(LedgerError::io("read", path()))?;
        Ok(())
    }
}

/// What the reading threads share: the index, loaded by the first thread
/// that meets a file outside the page cache (never, when the cache is warm).
#[derive(Default)]
struct Shared {
    #[cfg(target_os = "linux")]
    view: std::sync::OnceLock<Option<super::blobs::IndexView>>,
}

#[cfg(target_os = "linux")]
struct ColdReader<'a> {
    root: &'a Path,
    git_dir: &'a Path,
    view: &'a std::sync::OnceLock<Option<super::blobs::IndexView>>,
    /// Opened on first use, per thread (a Repository is not Sync).
    repo: Option<Option<git2::Repository>>,
    /// `CV_ASSUME_COLD` is set.
    assume_cold: bool,
    /// False once the kernel says it cannot read without waiting.
    nowait: bool,
}

/// Set to read every file the index vouches for from the object store, as
/// on a cold cache: for tests and diagnostics (the page cache cannot be
/// dropped without privileges).
pub const ASSUME_COLD_VAR: &str = "CV_ASSUME_COLD";

#[cfg(target_os = "linux")]
impl ColdReader<'_> {
    /// Fills `bytes` from the page cache without waiting, or else from the
    /// object store when the index vouches for the file. Returns false (and
    /// leaves `bytes` empty) when the caller must read the file itself.
    fn read_cached_or_blob(
        &mut self,
        file: &std::fs::File,
        rel: &str,
        bytes: &mut Vec<u8>,
    ) -> std::io::Result<bool> {
        use rustix::io::{Errno, ReadWriteFlags};
        if !self.nowait {
            return Ok(false);
        }
        let st = rustix::fs::fstat(file)?;
        if !self.assume_cold {
            let size = usize::try_from(st.st_size).unwrap_or(0);
            bytes.resize(size, 0);
            match rustix::io::preadv2(
                file,
                &mut [std::io::IoSliceMut::new(bytes)],
                0,
                ReadWriteFlags::NOWAIT,
            ) {
                Ok(n) if n == size => return Ok(true),
                Ok(_) | Err(Errno::AGAIN) => {}
                Err(Errno::OPNOTSUPP | Errno::INVAL | Errno::NOSYS) => {
                    self.nowait = false;
                    bytes.clear();
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            }
        }
        bytes.clear();
        let (root, git_dir) = (self.root, self.git_dir);
        let view = self
            .view
            .get_or_init(|| super::blobs::IndexView::load(git_dir));
        let Some(oid) = view.as_ref().and_then(|v| v.trusted_oid(rel, &st)) else {
            return Ok(false);
        };
        let repo = self
            .repo
            .get_or_insert_with(|| super::write::open_repo(root).ok());
        let Some(repo) = repo else { return Ok(false) };
        match repo
            .odb()
            .and_then(|odb| odb.read(oid).map(|o| o.data().to_vec()))
        {
            Ok(data) => {
                bytes.extend_from_slice(&data);
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }
}

/// Parses an entry file's bytes; invalid UTF-8 is a parse error at its offset.
pub fn parse_bytes(bytes: &[u8]) -> Result<Entry, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Entry::parse(text),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let (line, column) = crate::entry::line_col(valid, valid.len());
            Err(ParseError {
                line,
                column,
                message: "the file is not valid UTF-8".to_string(),
            })
        }
    }
}
