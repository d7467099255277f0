//! The one write path every change to the ledger goes through (SPEC §6).
//!
//! The ledger is also the user's git repository: editors run `git status`
//! in it on every keystroke, and people commit in it. So a write takes the
//! locks git takes, in git's order, and exit status tells the truth: a write
//! that returned `Ok` is in the branch; one that returned `Err` changed
//! nothing. In order:
//!
//! 1. take the ledger's `flock` (`lock.rs`; the kernel drops it if the
//!    process dies) and finish or undo whatever a killed writer left;
//! 2. check every path against the ledger's boundary (`boundary.rs`) and
//!    find the branch HEAD names (`refs.rs`);
//! 3. write the journal: the branch and the paths about to change;
//! 4. take git's `index.lock`, as `git commit` does, and hold it until the
//!    new index is in place, so no `git status` or `git commit` can read or
//!    write the index in between;
//! 5. write each file to a temp file in its folder, fsync, rename, fsync the
//!    folder;
//! 6. build the commit's tree from the branch's tree in memory (never from
//!    the index, which may hold the user's own staged work) and move the
//!    branch by compare-and-swap under its `.lock`, rebuilding if it moved;
//!    this is the commit point;
//! 7. splice the changed paths into the index, with the files' stat data, and
//!    rename `index.lock` over the index;
//! 8. remove the journal.
//!
//! A failure before step 6 undoes steps 3 to 5 at once. A kill at any point
//! leaves the journal, and the next `cv` finishes (the branch moved) or
//! undoes (it did not) the write, removing only the locks it can prove the
//! dead writer took.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;

use git2::{ErrorCode, ObjectType, Oid, Repository, RepositoryOpenFlags, Signature, Tree};

use super::journal::{self, Before, Journal};
use super::lock::{GIT_LOCK_WAIT, GitLock, Lock};
use super::refs::{self, Branch, Swap};
use super::{LedgerError, boundary, index};

/// Our own name for the `index.lock` we hold, in the git dir (`lock.rs`).
const OWN_INDEX_LOCK: &str = "cv-index.own";
/// Where the libgit2 fallback builds an index it then copies into the lock.
const FALLBACK_INDEX: &str = "cv-index.fallback";
/// How often a commit is rebuilt when the branch moved under it.
const MAX_ATTEMPTS: usize = 20;

/// Each changed path and its new blob (`None`: deleted).
type Blobs = Vec<(String, Option<Oid>)>;

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

/// Finishes or undoes a write a killed `cv` left, if the journal says so.
///
/// For reading commands: a journal that cannot be resolved is returned as
/// the error, for the caller to warn about, and reading goes on.
pub fn recover_if_needed(ledger: &super::Ledger) -> Result<(), LedgerError> {
    if journal::path(ledger.git_dir()).exists() {
        // Taking the lock runs the recovery.
        Writer::begin(ledger.root())?;
    }
    Ok(())
}

/// Holds the ledger's write lock; commits changes through the write path.
pub struct Writer {
    root: PathBuf,
    repo: Repository,
    _lock: Lock,
}

impl Writer {
    /// Takes the write lock (waiting for another writer) and recovers.
    pub fn begin(root: &Path) -> Result<Writer, LedgerError> {
        enable_fsync();
        let repo = open_repo(root)?;
        let lock = Lock::acquire(repo.commondir())?;
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
        if std::fs::symlink_metadata(self.root.join(path)).is_ok() {
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
        self.content_in(&tree, path)
    }

    /// Applies `changes` as exactly one commit with `message`; returns its id.
    ///
    /// `Ok` means the commit is on the branch HEAD names; `Err` means the
    /// ledger (branch, work tree, index) is as it was.
    pub fn commit(&mut self, changes: &[Change], message: &str) -> Result<Oid, LedgerError> {
        for change in changes {
            check_path(&change.path)?;
            boundary::check(&self.root, &change.path)?;
        }
        let branch = refs::current_branch(&self.repo, &self.root)?;
        let journal = self.write_journal(&branch, changes)?;
        let journal_path = journal::path(self.repo.path());
        let published = GitLock::acquire(
            self.repo.path().join("index.lock"),
            self.repo.path().join(OWN_INDEX_LOCK),
            GIT_LOCK_WAIT,
        )
        .and_then(|index_lock| {
            self.publish(changes, &branch, message)
                .map(|(commit, blobs)| (commit, blobs, index_lock))
        });
        match published {
            Ok((commit, blobs, index_lock)) => {
                // Committed: whatever happens now, the command succeeded. An
                // index that could not be written keeps the journal, and the
                // next cv command brings the index up to date.
                if self.update_index(index_lock, &blobs).is_ok() {
                    let _ = remove_durably(&journal_path);
                }
                Ok(commit)
            }
            Err(e) => {
                // Nothing was committed: put the work tree back as the branch
                // has it. If even that fails the journal stays, and writes
                // refuse until it is resolved.
                let _ = self.undo(&journal, false);
                Err(e)
            }
        }
    }

    /// Step 3: the journal, after saving any uncommitted content of the
    /// paths about to change (see `journal.rs`).
    fn write_journal(&self, branch: &Branch, changes: &[Change]) -> Result<Journal, LedgerError> {
        let git_dir = self.repo.path();
        let tree = match branch.tip {
            Some(tip) => Some(
                self.repo
                    .find_commit(tip)
                    .and_then(|c| c.tree())
                    .map_err(git_err("read HEAD's tree", &self.root))?,
            ),
            None => None,
        };
        let saved = journal::saved_dir(git_dir);
        if saved.exists() {
            std::fs::remove_dir_all(&saved).map_err(LedgerError::io("remove", &saved))?;
        }
        let mut paths = Vec::with_capacity(changes.len());
        for (i, change) in changes.iter().enumerate() {
            let in_branch = match &tree {
                Some(tree) => self.content_in(tree, &change.path)?,
                None => None,
            };
            let file = self.root.join(&change.path);
            let on_disk = match std::fs::read(&file) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(LedgerError::io("read", &file)(e)),
            };
            let before = match on_disk {
                _ if on_disk == in_branch => Before::Branch,
                None => Before::Absent,
                Some(bytes) => {
                    write_durably(&journal::saved_path(git_dir, i), &bytes)?;
                    Before::Saved
                }
            };
            paths.push((change.path.clone(), before));
        }
        let journal = Journal {
            pid: std::process::id(),
            branch: Some(branch.name.clone()),
            paths,
        };
        write_durably(&journal::path(git_dir), journal.to_text().as_bytes())?;
        Ok(journal)
    }

    /// Steps 5 and 6: the files, then the commit and the branch.
    fn publish(
        &self,
        changes: &[Change],
        branch: &Branch,
        message: &str,
    ) -> Result<(Oid, Blobs), LedgerError> {
        let root = &self.root;
        for change in changes {
            match &change.content {
                Some(bytes) => write_durably(&root.join(&change.path), bytes)?,
                None => remove_durably(&root.join(&change.path))?,
            }
        }
        let mut blobs = Vec::with_capacity(changes.len());
        for change in changes {
            let oid = match &change.content {
                Some(bytes) => Some(
                    self.repo
                        .blob(bytes)
                        .map_err(git_err("write a blob", root))?,
                ),
                None => None,
            };
            blobs.push((change.path.clone(), oid));
        }
        let signature = self.signature()?;
        let mut branch = branch.clone();
        for _ in 0..MAX_ATTEMPTS {
            let parent = branch
                .tip
                .map(|oid| self.repo.find_commit(oid))
                .transpose()
                .map_err(git_err("read HEAD", root))?;
            let base = parent
                .as_ref()
                .map(|c| c.tree())
                .transpose()
                .map_err(git_err("read HEAD's tree", root))?;
            let tree = self.build_tree(base.as_ref(), &blobs)?;
            if base.as_ref().map(Tree::id) == Some(tree.id()) {
                return Err(LedgerError::NothingToCommit);
            }
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            let commit = self
                .repo
                .commit(None, &signature, &signature, message, &tree, &parents)
                .map_err(git_err("create the commit", root))?;
            match refs::swap(&self.repo, root, &branch, commit, &signature, message)? {
                Swap::Done => return Ok((commit, blobs)),
                // Someone committed in between (plain git, which does not
                // take our lock): build again on top of their commit.
                Swap::Moved => branch = refs::current_branch(&self.repo, root)?,
            }
        }
        Err(LedgerError::Contended)
    }

    /// `base` with each of `blobs` put in (or removed), written as trees.
    fn build_tree<'r>(
        &'r self,
        base: Option<&Tree<'r>>,
        blobs: &[(String, Option<Oid>)],
    ) -> Result<Tree<'r>, LedgerError> {
        let root = &self.root;
        let mut tree: Option<Tree<'r>> = base.cloned();
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
        match tree {
            Some(tree) => Ok(tree),
            None => self
                .repo
                .treebuilder(None)
                .and_then(|b| b.write())
                .and_then(|oid| self.repo.find_tree(oid))
                .map_err(git_err("write an empty tree", root)),
        }
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

    fn content_in(&self, tree: &Tree<'_>, path: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(git_err(format!("read {path} from HEAD"), &self.root))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Step 7: the changed paths into the index, through the lock we hold.
    ///
    /// The index is read only now, under the lock: a `git status` that
    /// rewrote it a moment ago is seen, not overwritten. The fast path
    /// splices entries into the file (`index.rs`); an index it does not
    /// handle is updated through libgit2 instead.
    fn update_index(
        &self,
        mut lock: GitLock,
        blobs: &[(String, Option<Oid>)],
    ) -> Result<(), LedgerError> {
        let git_dir = self.repo.path();
        let path = git_dir.join("index");
        let old = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(LedgerError::io("read", &path)(e)),
        };
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
        let new = match index::rewrite(old.as_deref(), &updates) {
            Some(bytes) => bytes,
            None => self.index_with_libgit2(old.as_deref(), blobs)?,
        };
        lock.file()
            .write_all(&new)
            .map_err(LedgerError::io("write", git_dir.join("index.lock")))?;
        lock.commit_to(&path)
    }

    /// The new index built by libgit2, for index formats `index.rs` leaves
    /// alone. libgit2 writes an index only through its own `<file>.lock`, so
    /// it works on a copy, whose bytes then go into the lock we hold.
    fn index_with_libgit2(
        &self,
        old: Option<&[u8]>,
        blobs: &[(String, Option<Oid>)],
    ) -> Result<Vec<u8>, LedgerError> {
        let root = &self.root;
        let work = self.repo.path().join(FALLBACK_INDEX);
        let _ = std::fs::remove_file(&work);
        if let Some(old) = old {
            std::fs::write(&work, old).map_err(LedgerError::io("write", &work))?;
        }
        let built = (|| {
            let mut index = git2::Index::open(&work).map_err(git_err("read the index", root))?;
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
            index.write().map_err(git_err("write the index", root))?;
            std::fs::read(&work).map_err(LedgerError::io("read", &work))
        })();
        let _ = std::fs::remove_file(&work);
        built
    }

    /// Resolves a journal a killed writer left, if there is one.
    fn recover(&self) -> Result<(), LedgerError> {
        let git_dir = self.repo.path();
        let Some(parsed) = journal::read(git_dir)? else {
            return Ok(());
        };
        let journal = parsed.map_err(|reason| LedgerError::Journal {
            path: journal::path(git_dir),
            reason,
        })?;
        self.undo(&journal, true)
    }

    /// Brings each journalled path to agree with the branch, then the index,
    /// and removes the journal.
    ///
    /// A path whose work-tree content already equals the branch's was
    /// committed: only the index is left to do. Any other was not: the work
    /// tree goes back to the branch's content (or the file is removed). Of
    /// git's locks, only those provably taken by the writer are removed.
    ///
    /// `after_kill`: the writer may have died after its commit, before the
    /// index; a writer undoing its own failure knows it did not get there,
    /// and leaves the index (and any lock on it) alone.
    fn undo(&self, journal: &Journal, after_kill: bool) -> Result<(), LedgerError> {
        let git_dir = self.repo.path();
        let gone = |lock: &Path, own: &Path| {
            super::lock::remove_if_own(lock, own).map_err(LedgerError::io("remove", lock))
        };
        gone(&git_dir.join("index.lock"), &git_dir.join(OWN_INDEX_LOCK))?;
        let own_ref = git_dir.join(refs::OWN_REF_LOCK);
        match &journal.branch {
            Some(branch) if check_ref_name(branch) => gone(
                &self.repo.commondir().join(format!("{branch}.lock")),
                &own_ref,
            )?,
            _ => gone(&own_ref, &own_ref).map(|_| false)?,
        };
        let _ = std::fs::remove_file(git_dir.join(FALLBACK_INDEX));
        let head = self.head_tree()?;
        let mut blobs = Vec::new();
        for (i, (path, before)) in journal.paths.iter().enumerate() {
            // A path that could not be ours, or leads through a link, is
            // never written: undoing must not write outside the ledger.
            if check_path(path).is_err() || boundary::check(&self.root, path).is_err() {
                continue;
            }
            let file = self.root.join(path);
            let _ = std::fs::remove_file(temp_path(&file));
            let in_head = match &head {
                Some(tree) => self.content_in(tree, path)?,
                None => None,
            };
            let in_tree = match std::fs::read(&file) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(LedgerError::io("read", &file)(e)),
            };
            if in_tree != in_head {
                // Not committed: back to what the path held before. Where
                // that was the user's uncommitted work, the index was never
                // touched and is left as it is.
                let restore = match before {
                    Before::Branch => in_head.clone(),
                    Before::Absent => None,
                    Before::Saved => {
                        let saved = journal::saved_path(git_dir, i);
                        Some(std::fs::read(&saved).map_err(LedgerError::io("read", &saved))?)
                    }
                };
                match &restore {
                    Some(bytes) => write_durably(&file, bytes)?,
                    None => remove_durably(&file)?,
                }
                if *before != Before::Branch {
                    continue;
                }
            }
            let oid = match &in_head {
                Some(bytes) => Some(
                    Oid::hash_object(ObjectType::Blob, bytes)
                        .map_err(git_err("hash a blob", &self.root))?,
                ),
                None => None,
            };
            blobs.push((path.clone(), oid));
        }
        if after_kill && !blobs.is_empty() {
            let lock = GitLock::acquire(
                git_dir.join("index.lock"),
                git_dir.join(OWN_INDEX_LOCK),
                GIT_LOCK_WAIT,
            )?;
            self.update_index(lock, &blobs)?;
        }
        remove_durably(&journal::path(git_dir))?;
        let saved = journal::saved_dir(git_dir);
        match std::fs::remove_dir_all(&saved) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(LedgerError::io("remove", &saved)(e))
            }
            _ => Ok(()),
        }
    }
}

/// True for a branch name a journal may hold: under `refs/heads/`, no
/// component that could climb out of the git dir.
fn check_ref_name(name: &str) -> bool {
    name.strip_prefix("refs/heads/")
        .is_some_and(|rest| check_path(rest).is_ok())
}
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

pub(crate) fn remove_durably(file: &Path) -> Result<(), LedgerError> {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(LedgerError::io("remove", file)(e)),
    }
    sync_dir(file.parent().unwrap_or(Path::new(".")))
}

pub(crate) fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
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
