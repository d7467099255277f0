//! The one write path every change to the ledger goes through (SPEC §6).
//!
//! A change is made in this order, so that a crash at any point leaves
//! something the next `cv` can finish or roll back:
//!
//! 1. take the ledger's `flock` (the kernel drops it if the process dies);
//! 2. finish or roll back whatever a killed writer left (the journal);
//! 3. write the journal: the paths about to change;
//! 4. write each file to a temp file in its folder, fsync, rename, fsync the
//!    folder;
//! 5. build the commit's tree from HEAD's tree in memory (never from the
//!    index, which may hold the user's own staged work) and publish the commit
//!    with a compare-and-swap of the branch, retrying if the branch moved;
//! 6. update the index for the changed paths only, with the files' stat data,
//!    so `git status` stays clean without re-hashing the work tree;
//! 7. remove the journal.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

use git2::{ErrorCode, ObjectType, Oid, Repository, RepositoryOpenFlags, Signature, Tree};

use super::LedgerError;
use super::index;

/// The lock file, inside `.git/`. It is never deleted: `flock` is the lock,
/// the file is only its anchor, so a killed writer leaves nothing stale.
const LOCK_FILE: &str = "cv-write.lock";
/// Paths a write in progress is changing, one per line.
const JOURNAL_FILE: &str = "cv-journal";
/// How often a commit is rebuilt when the branch moved under it.
const MAX_ATTEMPTS: usize = 20;

/// One file to create, replace or delete, relative to the ledger root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path with `/` separators, e.g. `entries/2026/<id>.toml`.
    pub path: String,
    /// New content, or `None` to delete.
    pub content: Option<Vec<u8>>,
}

impl Change {
    /// Creates or replaces a file.
    pub fn put(path: impl Into<String>, content: Vec<u8>) -> Change {
        Change {
            path: path.into(),
            content: Some(content),
        }
    }

    /// Deletes a file.
    pub fn delete(path: impl Into<String>) -> Change {
        Change {
            path: path.into(),
            content: None,
        }
    }
}

/// Switches on libgit2's fsync of objects, refs and the index.
///
/// libgit2 does not fsync by default, so a commit could be lost on power
/// failure after `cv` exited 0, which SPEC §6 forbids. git2 wraps no safe
/// setter for `GIT_OPT_ENABLE_FSYNC_GITDIR`, hence the raw call.
#[allow(unsafe_code)]
pub fn enable_fsync() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        libgit2_sys::init();
        // SAFETY: git_libgit2_opts is variadic; this option takes exactly one
        // int argument, passed as c_int, and libgit2 is initialised above.
        unsafe {
            libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_ENABLE_FSYNC_GITDIR as std::ffi::c_int,
                1 as std::ffi::c_int,
            );
        }
    });
}

/// Opens the ledger's repository at exactly `root`.
///
/// No search upward (a folder inside another repository must not commit to
/// it) and no `GIT_DIR`/`GIT_WORK_TREE` from the environment: the flags leave
/// out `FROM_ENV`, so libgit2 reads neither.
pub fn open_repo(root: &Path) -> Result<Repository, LedgerError> {
    Repository::open_ext(
        root,
        RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&std::ffi::OsStr>(),
    )
    .map_err(git_err("open the repository", root))
}

/// Creates a repository at `root` with branch `main`, or adopts an existing
/// one; returns its git dir.
pub fn init_repo(root: &Path) -> Result<PathBuf, LedgerError> {
    if root.join(".git").exists() {
        return Ok(open_repo(root)?.path().to_path_buf());
    }
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main").mkdir(false);
    let repo =
        Repository::init_opts(root, &opts).map_err(git_err("initialise a repository", root))?;
    Ok(repo.path().to_path_buf())
}

/// Finishes or rolls back a write a killed `cv` left, if the journal says so.
pub fn recover_if_needed(ledger: &super::Ledger) -> Result<(), LedgerError> {
    if ledger.git_dir().join(JOURNAL_FILE).exists() {
        // Taking the lock runs the recovery.
        Writer::begin(ledger.root())?;
    }
    Ok(())
}

/// Holds the ledger's write lock; commits changes through the write path.
pub struct Writer {
    root: PathBuf,
    repo: Repository,
    // Dropping the file releases the flock.
    _lock: File,
}

impl Writer {
    /// Takes the write lock (waiting for another writer) and recovers.
    pub fn begin(root: &Path) -> Result<Writer, LedgerError> {
        enable_fsync();
        let repo = open_repo(root)?;
        let lock_path = repo.path().join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(LedgerError::io("open", &lock_path))?;
        lock.lock().map_err(LedgerError::io("lock", &lock_path))?;
        let writer = Writer {
            root: root.to_path_buf(),
            repo,
            _lock: lock,
        };
        writer.recover()?;
        Ok(writer)
    }

    /// True when `path` exists in HEAD or in the work tree.
    pub fn path_taken(&self, path: &str) -> Result<bool, LedgerError> {
        if self.root.join(path).exists() {
            return Ok(true);
        }
        Ok(match self.head_tree()? {
            Some(tree) => tree.get_path(Path::new(path)).is_ok(),
            None => false,
        })
    }

    /// Returns the content of `path` in HEAD, if it is there.
    pub fn head_content(&self, path: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        let Some(tree) = self.head_tree()? else {
            return Ok(None);
        };
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(git_err(format!("read {path} from HEAD"), &self.root))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Applies `changes` as exactly one commit with `message`; returns its id.
    pub fn commit(&mut self, changes: &[Change], message: &str) -> Result<Oid, LedgerError> {
        for change in changes {
            check_path(&change.path)?;
        }
        self.write_journal(changes)?;
        match self.apply(changes, message) {
            Ok(commit) => {
                self.clear_journal()?;
                Ok(commit)
            }
            Err(e) => {
                // Put the work tree back as HEAD has it now, so a failed
                // command changes nothing; if even that fails, the journal
                // stays and the next cv command finishes the job.
                let _ = self.restore_journalled(false);
                Err(e)
            }
        }
    }

    /// Steps 4 to 6 of the write path: files, commit, index.
    fn apply(&self, changes: &[Change], message: &str) -> Result<Oid, LedgerError> {
        for change in changes {
            match &change.content {
                Some(bytes) => write_durably(&self.root.join(&change.path), bytes)?,
                None => remove_durably(&self.root.join(&change.path))?,
            }
        }
        let mut blobs = Vec::with_capacity(changes.len());
        for change in changes {
            let oid = match &change.content {
                Some(bytes) => Some(
                    self.repo
                        .blob(bytes)
                        .map_err(git_err("write a blob", &self.root))?,
                ),
                None => None,
            };
            blobs.push((change.path.clone(), oid));
        }
        let commit = self.publish(&blobs, message)?;
        self.update_index(&blobs)?;
        Ok(commit)
    }

    fn publish(&self, blobs: &[(String, Option<Oid>)], message: &str) -> Result<Oid, LedgerError> {
        let root = &self.root;
        let branch = self.branch_ref()?;
        let signature = self.signature()?;
        let mut locked = None;
        for _ in 0..MAX_ATTEMPTS {
            let head = match self.repo.refname_to_id(&branch) {
                Ok(oid) => Some(oid),
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(git_err("read the branch", root)(e)),
            };
            let parent = head
                .map(|oid| self.repo.find_commit(oid))
                .transpose()
                .map_err(git_err("read HEAD", root))?;
            let mut tree = parent
                .as_ref()
                .map(|c| c.tree())
                .transpose()
                .map_err(git_err("read HEAD's tree", root))?;
            for (path, blob) in blobs {
                let parts: Vec<&str> = path.split('/').collect();
                let oid = match update_tree(&self.repo, tree.as_ref(), &parts, *blob)
                    .map_err(git_err(format!("build the tree for {path}"), root))?
                {
                    Some(oid) => oid,
                    None => self
                        .repo
                        .treebuilder(None)
                        .and_then(|b| b.write())
                        .map_err(git_err("write an empty tree", root))?,
                };
                tree = Some(
                    self.repo
                        .find_tree(oid)
                        .map_err(git_err("read the new tree", root))?,
                );
            }
            let Some(tree) = tree else {
                return Err(LedgerError::Contended);
            };
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            let commit = self
                .repo
                .commit(None, &signature, &signature, message, &tree, &parents)
                .map_err(git_err("create the commit", root))?;
            let reflog = format!("cv: {message}");
            // The compare-and-swap: only move the branch if it is still where
            // this commit's parent says. Someone else's commit (plain git
            // outside the lock) makes it fail, and the tree is rebuilt.
            let swapped = match head {
                Some(old) => self
                    .repo
                    .reference_matching(&branch, commit, true, old, &reflog),
                None => self.repo.reference(&branch, commit, false, &reflog),
            };
            match swapped {
                Ok(_) => return Ok(commit),
                Err(e) if e.code() == ErrorCode::Locked => {
                    // Another git process holds the branch's lock: wait a
                    // little, as git itself does, then give up with its name.
                    locked = Some(e);
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => {
                    continue;
                }
                Err(e) => return Err(git_err("move the branch", root)(e)),
            }
        }
        match locked {
            Some(e) => Err(git_err(
                format!("move {branch}: another git process holds its lock"),
                root,
            )(e)),
            None => Err(LedgerError::Contended),
        }
    }

    fn branch_ref(&self) -> Result<String, LedgerError> {
        let head = self
            .repo
            .find_reference("HEAD")
            .map_err(git_err("read HEAD", &self.root))?;
        Ok(head
            .symbolic_target()
            .ok()
            .flatten()
            .unwrap_or("refs/heads/main")
            .to_string())
    }

    /// The repository's `user.name`/`user.email`, else a neutral `cv` identity.
    fn signature(&self) -> Result<Signature<'static>, LedgerError> {
        self.repo
            .signature()
            .or_else(|_| Signature::now("cv", "cv@localhost"))
            .map(|s| s.to_owned())
            .map_err(git_err("make a commit signature", &self.root))
    }

    fn head_tree(&self) -> Result<Option<Tree<'_>>, LedgerError> {
        match self.repo.head() {
            Ok(head) => head
                .peel_to_tree()
                .map(Some)
                .map_err(git_err("read HEAD's tree", &self.root)),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(git_err("read HEAD", &self.root)(e)),
        }
    }

    /// Brings the index up to date for the changed paths only.
    ///
    /// The fast path splices entries into the index file (`index.rs`); an
    /// index it does not handle is updated through libgit2 instead.
    fn update_index(&self, blobs: &[(String, Option<Oid>)]) -> Result<(), LedgerError> {
        #[cfg(unix)]
        {
            let mut updates = Vec::with_capacity(blobs.len());
            for (path, blob) in blobs {
                updates.push(match blob {
                    Some(oid) => index::Update::Put {
                        path: path.clone(),
                        oid: oid_bytes(*oid),
                        stat: stat_of(&self.root.join(path))?,
                    },
                    None => index::Update::Remove { path: path.clone() },
                });
            }
            let git_dir = self.repo.path();
            match index::apply(git_dir, &updates)
                .map_err(LedgerError::io("update", git_dir.join("index")))?
            {
                index::Outcome::Done => return Ok(()),
                index::Outcome::Unsupported => {}
            }
        }
        self.update_index_with_libgit2(blobs)
    }

    fn update_index_with_libgit2(
        &self,
        blobs: &[(String, Option<Oid>)],
    ) -> Result<(), LedgerError> {
        let root = &self.root;
        let mut index = self.repo.index().map_err(git_err("read the index", root))?;
        for (path, blob) in blobs {
            match blob {
                Some(oid) => {
                    let entry = index_entry(&root.join(path), path, *oid)?;
                    index
                        .add(&entry)
                        .map_err(git_err(format!("add {path} to the index"), root))?;
                }
                None => {
                    if index.get_path(Path::new(path), 0).is_some() {
                        index
                            .remove_path(Path::new(path))
                            .map_err(git_err(format!("remove {path} from the index"), root))?;
                    }
                }
            }
        }
        index.write().map_err(git_err("write the index", root))
    }

    fn journal_path(&self) -> PathBuf {
        self.repo.path().join(JOURNAL_FILE)
    }

    fn write_journal(&self, changes: &[Change]) -> Result<(), LedgerError> {
        let text: String = changes.iter().map(|c| format!("{}\n", c.path)).collect();
        write_durably(&self.journal_path(), text.as_bytes())
    }

    fn clear_journal(&self) -> Result<(), LedgerError> {
        remove_durably(&self.journal_path())
    }

    /// Brings each journalled path to agree with HEAD, then the index.
    ///
    /// A path whose work-tree content already equals HEAD's was committed
    /// before the kill: only the index is left to do. Any other was not: the
    /// work tree goes back to HEAD's content (or the file is removed).
    fn recover(&self) -> Result<(), LedgerError> {
        self.restore_journalled(true)
    }

    /// Does the work of [`Writer::recover`]; `stale_locks` also removes git
    /// lock files a killed writer may have left, which is only right when the
    /// journal belongs to a dead process (not when rolling back our own failed
    /// write, where another git process may hold them).
    fn restore_journalled(&self, stale_locks: bool) -> Result<(), LedgerError> {
        let journal = self.journal_path();
        let text = match std::fs::read_to_string(&journal) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(LedgerError::io("read", &journal)(e)),
        };
        // A writer killed inside libgit2 can leave these behind; we hold the
        // ledger's lock and the journal says a cv write was in flight.
        if stale_locks {
            for stale in ["index.lock", "HEAD.lock"] {
                let _ = std::fs::remove_file(self.repo.path().join(stale));
            }
            if let Ok(branch) = self.branch_ref() {
                let _ = std::fs::remove_file(self.repo.path().join(format!("{branch}.lock")));
            }
        }
        let mut blobs = Vec::new();
        for path in text.lines().filter(|l| !l.is_empty()) {
            if check_path(path).is_err() {
                continue;
            }
            let file = self.root.join(path);
            let _ = std::fs::remove_file(temp_path(&file));
            let in_head = self.head_content(path)?;
            let in_tree = match std::fs::read(&file) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(LedgerError::io("read", &file)(e)),
            };
            if in_head != in_tree {
                match &in_head {
                    Some(bytes) => write_durably(&file, bytes)?,
                    None => remove_durably(&file)?,
                }
            }
            let oid = match &in_head {
                Some(bytes) => Some(
                    Oid::hash_object(ObjectType::Blob, bytes)
                        .map_err(git_err("hash a blob", &self.root))?,
                ),
                None => None,
            };
            blobs.push((path.to_string(), oid));
        }
        self.update_index(&blobs)?;
        self.clear_journal()
    }
}

/// Replaces `parts` in `base` with `blob` (or removes it); returns the new
/// tree's id, or `None` when the tree became empty.
fn update_tree(
    repo: &Repository,
    base: Option<&Tree>,
    parts: &[&str],
    blob: Option<Oid>,
) -> Result<Option<Oid>, git2::Error> {
    let Some((first, rest)) = parts.split_first() else {
        return Ok(base.map(Tree::id));
    };
    let mut builder = repo.treebuilder(base)?;
    let child = if rest.is_empty() {
        blob.map(|oid| (oid, 0o100644))
    } else {
        let sub = match builder.get(first)? {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => {
                Some(repo.find_tree(entry.id())?)
            }
            _ => None,
        };
        update_tree(repo, sub.as_ref(), rest, blob)?.map(|oid| (oid, 0o040000))
    };
    match child {
        Some((oid, mode)) => {
            builder.insert(first, oid, mode)?;
        }
        None => {
            if builder.get(first)?.is_some() {
                builder.remove(first)?;
            }
        }
    }
    if builder.is_empty() {
        return Ok(None);
    }
    builder.write().map(Some)
}

/// Refuses a path that could leave the ledger or land inside `.git`.
fn check_path(path: &str) -> Result<(), LedgerError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == ".." || p.eq_ignore_ascii_case(".git"));
    if bad {
        return Err(LedgerError::Io {
            action: "write outside the ledger",
            path: PathBuf::from(path),
            source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
        });
    }
    Ok(())
}

fn temp_path(file: &Path) -> PathBuf {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!(".{name}.cv-tmp"))
}

/// Writes `bytes` to `file` atomically and durably: temp file, fsync,
/// rename, fsync of the folder.
pub fn write_durably(file: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(LedgerError::io("create", dir))?;
    let temp = temp_path(file);
    let mut out = File::create(&temp).map_err(LedgerError::io("create", &temp))?;
    out.write_all(bytes)
        .map_err(LedgerError::io("write", &temp))?;
    out.sync_all().map_err(LedgerError::io("sync", &temp))?;
    drop(out);
    std::fs::rename(&temp, file).map_err(LedgerError::io("rename into place", file))?;
    sync_dir(dir)
}

fn remove_durably(file: &Path) -> Result<(), LedgerError> {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(LedgerError::io("remove", file)(e)),
    }
    sync_dir(file.parent().unwrap_or(Path::new(".")))
}

fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    // A rename is only durable once its folder is; Windows cannot open a
    // folder for syncing, and NTFS journals renames itself.
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(LedgerError::io("sync", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn oid_bytes(oid: Oid) -> [u8; 20] {
    let mut bytes = [0; 20];
    bytes.copy_from_slice(&oid.as_bytes()[..20]);
    bytes
}

/// Reads a file's stat data as the index stores it.
#[cfg(unix)]
fn stat_of(file: &Path) -> Result<index::Stat, LedgerError> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(file).map_err(LedgerError::io("stat", file))?;
    // The index stores 32-bit fields; git truncates the same way.
    Ok(index::Stat {
        ctime: (meta.ctime() as u32, meta.ctime_nsec() as u32),
        mtime: (meta.mtime() as u32, meta.mtime_nsec() as u32),
        dev: meta.dev() as u32,
        ino: meta.ino() as u32,
        mode: if meta.mode() & 0o111 != 0 {
            0o100755
        } else {
            0o100644
        },
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.size() as u32,
    })
}

#[cfg(unix)]
fn index_entry(file: &Path, path: &str, oid: Oid) -> Result<git2::IndexEntry, LedgerError> {
    let stat = stat_of(file)?;
    let time = |(secs, nanos): (u32, u32)| git2::IndexTime::new(secs as i32, nanos);
    Ok(git2::IndexEntry {
        ctime: time(stat.ctime),
        mtime: time(stat.mtime),
        dev: stat.dev,
        ino: stat.ino,
        mode: stat.mode,
        uid: stat.uid,
        gid: stat.gid,
        file_size: stat.size,
        id: oid,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}

#[cfg(not(unix))]
fn index_entry(file: &Path, path: &str, oid: Oid) -> Result<git2::IndexEntry, LedgerError> {
    let meta = std::fs::metadata(file).map_err(LedgerError::io("stat", file))?;
    Ok(git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: meta.len() as u32,
        id: oid,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
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
