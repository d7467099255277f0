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

use std::io::Write;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, ObjectType, Oid, Repository, Signature, Tree};

use super::files::{read_if_present, remove_durably, temp_path, write_durably};
use super::journal::{self, After, Before, Journal, JournalPath};
use super::lock::{GIT_LOCK_WAIT, GitLock, Lock};
use super::refs::{self, Branch, Swap};
use super::repo::{enable_fsync, open_repo};
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

/// Finishes or undoes a write a killed `cv` left, if there is one.
///
/// For reading commands: a journal that cannot be resolved is returned as
/// the error, for the caller to warn about, and reading goes on.
pub fn recover_if_needed(ledger: &super::Ledger) -> Result<(), LedgerError> {
    let git_dir = ledger.git_dir();
    // A journal, or a git lock a killed writer took before writing one.
    let left = journal::path(git_dir).exists()
        || std::fs::symlink_metadata(git_dir.join(OWN_INDEX_LOCK)).is_ok();
    if left {
        // Taking the lock runs the recovery.
        Writer::begin(ledger.root())?;
    }
    Ok(())
}

/// Holds the ledger's write lock; commits changes through the write path.
pub struct Writer {
    root: PathBuf,
    repo: Repository,
    lock: Lock,
}

/// How a write's commit joins the branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// A new commit on top of the branch: every ordinary write.
    Commit,
    /// A merge commit of the branch at `ours` and `theirs` (`cv sync`):
    /// the changes turn `ours`'s tree into the merged tree.
    Merge {
        /// The branch tip the changes were computed against.
        ours: Oid,
        /// The other parent.
        theirs: Oid,
    },
    /// The branch moves from `ours` to its descendant `theirs`, no new
    /// commit (`cv sync`): the changes turn `ours`'s tree into `theirs`'s.
    FastForward {
        /// The branch tip the changes were computed against.
        ours: Oid,
        /// Where the branch goes.
        theirs: Oid,
    },
}

/// A change ready to publish: its new blob (`None`: deleted).
struct Planned<'c> {
    change: &'c Change,
    blob: Option<Oid>,
}

impl Writer {
    /// Takes the write lock (waiting for another writer) and recovers.
    pub fn begin(root: &Path) -> Result<Writer, LedgerError> {
        enable_fsync();
        let repo = open_repo(root)?;
        let lock = Lock::acquire(repo.commondir())?;
        Writer::begin_locked(root, lock)
    }

    /// Like [`Writer::begin`], with the ledger's lock already held (by
    /// `cv sync`, across fetch, merge and push); [`Writer::into_lock`] gives
    /// it back.
    pub fn begin_locked(root: &Path, lock: Lock) -> Result<Writer, LedgerError> {
        enable_fsync();
        let repo = open_repo(root)?;
        let writer = Writer {
            root: root.to_path_buf(),
            repo,
            lock,
        };
        writer.recover()?;
        refuse_operation_in_progress(writer.repo.path())?;
        Ok(writer)
    }

    /// Ends the write, keeping the ledger's lock held.
    pub fn into_lock(self) -> Lock {
        self.lock
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

    /// The first free entry id for `date` and a slug of `text` (`-2`, `-3`…
    /// on collision), free in HEAD and in the work tree; `own` is the path
    /// of the entry being renamed, which does not count as taken.
    pub fn free_id(
        &self,
        date: chrono::NaiveDate,
        text: &str,
        own: Option<&str>,
    ) -> Result<String, LedgerError> {
        let mut failure = None;
        let id = crate::entry::unique_id(date, text, |candidate| {
            let path = crate::entry::rel_path(date, candidate);
            Some(path.as_str()) != own
                && self.path_taken(&path).unwrap_or_else(|e| {
                    // "Free", so the search stops here; the error is returned.
                    failure = Some(e);
                    false
                })
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(id),
        }
    }

    /// Returns the content of `path` in HEAD, if it is there.
    pub fn head_content(&self, path: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        let Some(tree) = self.head_tree()? else {
            return Ok(None);
        };
        self.content_in(&tree, path)
    }

    /// True when `path` in the work tree differs from HEAD as git sees it:
    /// through the repository's attributes (line endings, filters).
    pub fn has_uncommitted_changes(&self, path: &str) -> Result<bool, LedgerError> {
        let status = self
            .repo
            .status_file(Path::new(path))
            .map_err(LedgerError::git(
                format!("read the status of {path}"),
                &self.root,
            ))?;
        Ok(status.intersects(
            git2::Status::WT_MODIFIED
                | git2::Status::WT_TYPECHANGE
                | git2::Status::INDEX_MODIFIED
                | git2::Status::INDEX_TYPECHANGE,
        ))
    }

    /// Applies `changes` as exactly one commit with `message`; returns its id.
    ///
    /// `Ok` means the commit is on the branch HEAD names; `Err` means the
    /// ledger (branch, work tree, index) is as it was.
    pub fn commit(&mut self, changes: &[Change], message: &str) -> Result<Oid, LedgerError> {
        self.publish(changes, message, Join::Commit)
    }

    /// Applies `changes` and moves the branch as `join` says; returns the
    /// commit the branch now points at. The same steps, journal and
    /// guarantees as [`Writer::commit`].
    pub fn publish(
        &mut self,
        changes: &[Change],
        message: &str,
        join: Join,
    ) -> Result<Oid, LedgerError> {
        for change in changes {
            check_path(&change.path)?;
            boundary::check(&self.root, &change.path)?;
            self.refuse_filtered(&change.path)?;
            // Never write a file cv itself would then refuse to read.
            let size = change.content.as_ref().map_or(0, Vec::len) as u64;
            if size > super::store::MAX_ENTRY_BYTES {
                return Err(LedgerError::TooLarge {
                    path: change.path.clone(),
                    size,
                });
            }
        }
        let git_dir = self.repo.path().to_path_buf();
        // Step 4 first: while cv holds index.lock, no git command can switch
        // branches or commit, so HEAD read now stays true until the end.
        let index_lock = GitLock::acquire(
            git_dir.join("index.lock"),
            git_dir.join(OWN_INDEX_LOCK),
            GIT_LOCK_WAIT,
        )?;
        let mut branch = refs::current_branch(&self.repo, &self.root)?;
        if let Join::Merge { ours, .. } | Join::FastForward { ours, .. } = join
            && branch.tip != Some(ours)
        {
            // The changes were computed against `ours`: the branch moved.
            return Err(LedgerError::Contended);
        }
        let planned = self.plan(changes)?;
        let signature = self.signature()?;
        let mut commit = self.make_commit(&branch, &planned, message, &signature, join)?;
        let mut journal = self.write_journal(&branch, commit, &planned)?;
        let undo = |this: &Writer, journal: &Journal, e: LedgerError| {
            // Nothing was committed: each path back to what it held. If even
            // that fails, the journal stays and writes refuse until it is
            // resolved.
            let _ = this.undo(journal, false);
            Err(e)
        };
        if let Err(e) = self.write_files(changes) {
            drop(index_lock);
            return undo(self, &journal, e);
        }
        let mut new_index = match self.new_index(&planned, branch.tip, commit) {
            Ok(bytes) => bytes,
            Err(e) => {
                drop(index_lock);
                return undo(self, &journal, e);
            }
        };
        let mut attempts = 0;
        loop {
            match refs::swap(&self.repo, &self.root, &branch, commit, &signature, message) {
                Ok(Swap::Done) => break,
                Ok(Swap::Moved) if attempts < MAX_ATTEMPTS && join == Join::Commit => {
                    // Someone moved the branch without index.lock (plain
                    // `git update-ref`): build again on top of their commit.
                    attempts += 1;
                    let rebuilt = refs::current_branch(&self.repo, &self.root).and_then(|b| {
                        branch = b;
                        self.make_commit(&branch, &planned, message, &signature, join)
                    });
                    match rebuilt.and_then(|c| {
                        commit = c;
                        journal.commit = Some(c.to_string());
                        journal.base = branch.tip.map(|b| b.to_string());
                        write_durably(&journal::path(&git_dir), journal.to_text().as_bytes())?;
                        // The index's cache-tree names the commit's trees.
                        self.new_index(&planned, branch.tip, c)
                    }) {
                        Ok(bytes) => new_index = bytes,
                        Err(e) => {
                            drop(index_lock);
                            return undo(self, &journal, e);
                        }
                    }
                }
                Ok(Swap::Moved) => {
                    drop(index_lock);
                    return undo(self, &journal, LedgerError::Contended);
                }
                Err(e) => {
                    drop(index_lock);
                    return undo(self, &journal, e);
                }
            }
        }
        // Committed: whatever happens now, the command succeeded. An index
        // that could not be written keeps the journal, and the next cv
        // command brings the index up to date.
        if self.install_index(index_lock, &new_index).is_ok() {
            let _ = std::fs::remove_file(journal::path(&git_dir));
            let _ = std::fs::remove_dir_all(journal::saved_dir(&git_dir));
        }
        Ok(commit)
    }

    /// Refuses a path a git filter applies to: `cv` writes the bytes it
    /// commits, so a clean filter (git-crypt, LFS) would be bypassed, and the
    /// plain text committed.
    fn refuse_filtered(&self, path: &str) -> Result<(), LedgerError> {
        // libgit2's attribute lookup loads the whole index, a third of a
        // `cv log` at 10,000 entries: ask it only when an attributes file on
        // the path (or info/attributes) names a filter at all.
        let mut files = vec![self.repo.path().join("info").join("attributes")];
        let mut folder = self.root.clone();
        files.push(folder.join(".gitattributes"));
        for part in path.split('/').take(path.matches('/').count()) {
            folder.push(part);
            files.push(folder.join(".gitattributes"));
        }
        let names_a_filter = files
            .iter()
            .any(|f| std::fs::read_to_string(f).is_ok_and(|text| text.contains("filter=")));
        if !names_a_filter {
            return Ok(());
        }
        let filter = self
            .repo
            .get_attr(
                Path::new(path),
                "filter",
                git2::AttrCheckFlags::FILE_THEN_INDEX,
            )
            .ok()
            .flatten();
        match filter {
            Some(name) if !name.is_empty() && name != "false" => Err(LedgerError::Filtered {
                path: path.to_string(),
                filter: name.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// The blob of each change, written to the object store.
    fn plan<'c>(&self, changes: &'c [Change]) -> Result<Vec<Planned<'c>>, LedgerError> {
        changes
            .iter()
            .map(|change| {
                let blob = match &change.content {
                    Some(bytes) => Some(
                        retry(|| self.repo.blob(bytes))
                            .map_err(LedgerError::git("write a blob", &self.root))?,
                    ),
                    None => None,
                };
                Ok(Planned { change, blob })
            })
            .collect()
    }

    /// The commit of `planned` on top of `branch`, written to the object
    /// store (unreachable, and so harmless, until the branch points at it).
    fn make_commit(
        &self,
        branch: &Branch,
        planned: &[Planned<'_>],
        message: &str,
        signature: &Signature<'_>,
        join: Join,
    ) -> Result<Oid, LedgerError> {
        let root = &self.root;
        let parent = branch
            .tip
            .map(|oid| self.repo.find_commit(oid))
            .transpose()
            .map_err(LedgerError::git("read HEAD", root))?;
        let base = parent
            .as_ref()
            .map(|c| c.tree())
            .transpose()
            .map_err(LedgerError::git("read HEAD's tree", root))?;
        let blobs: Blobs = planned
            .iter()
            .map(|p| (p.change.path.clone(), p.blob))
            .collect();
        let tree = retry_ledger(|| self.build_tree(base.as_ref(), &blobs))?;
        let theirs = match join {
            Join::Commit if base.as_ref().map(Tree::id) == Some(tree.id()) => {
                return Err(LedgerError::NothingToCommit);
            }
            Join::Commit => None,
            Join::FastForward { theirs, .. } => {
                let target = self
                    .repo
                    .find_commit(theirs)
                    .map_err(LedgerError::git("read the commit to fast-forward to", root))?;
                if target.tree_id() != tree.id() {
                    // The changes must turn HEAD into exactly that commit.
                    return Err(LedgerError::git("fast-forward", root)(
                        git2::Error::from_str("the files to change do not make the commit's tree"),
                    ));
                }
                return Ok(theirs);
            }
            Join::Merge { theirs, .. } => Some(
                self.repo
                    .find_commit(theirs)
                    .map_err(LedgerError::git("read the commit to merge", root))?,
            ),
        };
        let parents: Vec<&git2::Commit> = parent.iter().chain(theirs.iter()).collect();
        retry(|| {
            self.repo
                .commit(None, signature, signature, message, &tree, &parents)
        })
        .map_err(LedgerError::git("create the commit", root))
    }

    /// Step 3: the journal, after saving any uncommitted content of the
    /// paths about to change (see `journal.rs`).
    fn write_journal(
        &self,
        branch: &Branch,
        commit: Oid,
        planned: &[Planned<'_>],
    ) -> Result<Journal, LedgerError> {
        let git_dir = self.repo.path();
        let tree = match branch.tip {
            Some(tip) => Some(
                self.repo
                    .find_commit(tip)
                    .and_then(|c| c.tree())
                    .map_err(LedgerError::git("read HEAD's tree", &self.root))?,
            ),
            None => None,
        };
        let saved = journal::saved_dir(git_dir);
        if std::fs::symlink_metadata(&saved).is_ok() {
            std::fs::remove_dir_all(&saved).map_err(LedgerError::io("remove", &saved))?;
        }
        let mut paths = Vec::with_capacity(planned.len());
        for (i, p) in planned.iter().enumerate() {
            let path = &p.change.path;
            let in_branch = match &tree {
                Some(tree) => self.content_in(tree, path)?,
                None => None,
            };
            let on_disk = read_if_present(&self.root.join(path))?;
            let before = match on_disk {
                _ if on_disk == in_branch => Before::Branch,
                None => Before::Absent,
                Some(bytes) => {
                    write_durably(&journal::saved_path(git_dir, i), &bytes)?;
                    Before::Saved
                }
            };
            let after = match p.blob {
                Some(oid) => After::Blob(oid.to_string()),
                None => After::Deleted,
            };
            paths.push(JournalPath {
                path: path.clone(),
                before,
                after,
            });
        }
        let journal = Journal {
            pid: std::process::id(),
            branch: Some(branch.name.clone()),
            commit: Some(commit.to_string()),
            base: branch.tip.map(|b| b.to_string()),
            paths,
        };
        write_durably(&journal::path(git_dir), journal.to_text().as_bytes())?;
        Ok(journal)
    }

    /// Step 5: the files.
    ///
    /// Each new file's mtime is set two seconds back. A file modified in the
    /// same clock tick as the index is "racily clean" to git, which makes
    /// the next `git status` rewrite the index, and a `git commit` that read
    /// the index a moment earlier then writes back a copy without cv's
    /// entry. Older than the index, the entry is simply clean.
    fn write_files(&self, changes: &[Change]) -> Result<(), LedgerError> {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(2);
        for change in changes {
            let file = self.root.join(&change.path);
            match &change.content {
                Some(bytes) => {
                    write_durably(&file, bytes)?;
                    std::fs::File::options()
                        .write(true)
                        .open(&file)
                        .and_then(|f| f.set_modified(past))
                        .map_err(LedgerError::io("set the time of", &file))?;
                }
                None => remove_durably(&file)?,
            }
        }
        Ok(())
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
                .map_err(LedgerError::git(format!("build the tree for {path}"), root))?
            {
                Some(oid) => oid,
                None => self
                    .repo
                    .treebuilder(None)
                    .and_then(|b| b.write())
                    .map_err(LedgerError::git("write an empty tree", root))?,
            };
            tree = Some(
                self.repo
                    .find_tree(oid)
                    .map_err(LedgerError::git("read the new tree", root))?,
            );
        }
        match tree {
            Some(tree) => Ok(tree),
            None => self
                .repo
                .treebuilder(None)
                .and_then(|b| b.write())
                .and_then(|oid| self.repo.find_tree(oid))
                .map_err(LedgerError::git("write an empty tree", root)),
        }
    }

    /// The repository's `user.name`/`user.email`, else a neutral `cv` identity.
    fn signature(&self) -> Result<Signature<'static>, LedgerError> {
        self.repo
            .signature()
            .or_else(|_| Signature::now("cv", "cv@localhost"))
            .map(|s| s.to_owned())
            .map_err(LedgerError::git("make a commit signature", &self.root))
    }

    fn head_tree(&self) -> Result<Option<Tree<'_>>, LedgerError> {
        match self.repo.head() {
            Ok(head) => head
                .peel_to_tree()
                .map(Some)
                .map_err(LedgerError::git("read HEAD's tree", &self.root)),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(LedgerError::git("read HEAD", &self.root)(e)),
        }
    }

    fn content_in(&self, tree: &Tree<'_>, path: &str) -> Result<Option<Vec<u8>>, LedgerError> {
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let blob = self.repo.find_blob(entry.id()).map_err(LedgerError::git(
            format!("read {path} from HEAD"),
            &self.root,
        ))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// The new index with the changed paths spliced in, computed under
    /// index.lock before the commit is published: an index cv cannot update
    /// (a split or sparse index libgit2 cannot read either) stops the write
    /// while nothing is committed.
    fn new_index(
        &self,
        planned: &[Planned<'_>],
        base: Option<Oid>,
        commit: Oid,
    ) -> Result<Vec<u8>, LedgerError> {
        let blobs: Blobs = planned
            .iter()
            .map(|p| (p.change.path.clone(), p.blob))
            .collect();
        let trees = self.tree_changes(&blobs, base, commit).unwrap_or_default();
        self.index_with(&blobs, &trees)
    }

    /// For each folder on the changed paths, its tree in `base` (the commit
    /// the write was built on) and in `commit`: what lets the index's
    /// cache-tree stay valid.
    fn tree_changes(
        &self,
        blobs: &[(String, Option<Oid>)],
        base: Option<Oid>,
        commit: Oid,
    ) -> Option<Vec<index::TreeChange>> {
        let commit = self.repo.find_commit(commit).ok()?;
        let new = commit.tree().ok()?;
        let old = self.repo.find_commit(base?).ok()?.tree().ok()?;
        let id_of = |tree: &Tree<'_>, dir: &str| -> Option<[u8; 20]> {
            let oid = if dir.is_empty() {
                tree.id()
            } else {
                tree.get_path(Path::new(dir)).ok()?.id()
            };
            Some(oid_bytes(oid))
        };
        let mut dirs: Vec<String> = vec![String::new()];
        for (path, _) in blobs {
            let mut acc = String::new();
            for part in path.split('/').collect::<Vec<_>>().split_last()?.1 {
                if !acc.is_empty() {
                    acc.push('/');
                }
                acc.push_str(part);
                if !dirs.contains(&acc) {
                    dirs.push(acc.clone());
                }
            }
        }
        Some(
            dirs.into_iter()
                .filter_map(|dir| {
                    Some(index::TreeChange {
                        old: id_of(&old, &dir),
                        new: id_of(&new, &dir)?,
                        dir,
                    })
                })
                .collect(),
        )
    }

    /// The index as it is now, with `blobs` (and the files' stat data), its
    /// cache-tree revalidated along `trees`.
    fn index_with(
        &self,
        blobs: &[(String, Option<Oid>)],
        trees: &[index::TreeChange],
    ) -> Result<Vec<u8>, LedgerError> {
        let git_dir = self.repo.path();
        let path = git_dir.join("index");
        let old = read_if_present(&path)?;
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
        match index::rewrite_with_trees(old.as_deref(), &updates, trees) {
            Some(bytes) => Ok(bytes),
            None => self
                .index_with_libgit2(old.as_deref(), blobs)
                .map_err(|_| LedgerError::UnsupportedIndex { path }),
        }
    }

    /// Step 7: the new index through the lock we hold, renamed into place.
    fn install_index(&self, mut lock: GitLock, bytes: &[u8]) -> Result<(), LedgerError> {
        let path = self.repo.path().join("index");
        lock.file().write_all(bytes).map_err(LedgerError::io(
            "write",
            self.repo.path().join("index.lock"),
        ))?;
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
            let mut index =
                git2::Index::open(&work).map_err(LedgerError::git("read the index", root))?;
            for (path, blob) in blobs {
                match blob {
                    Some(oid) => {
                        let entry = index_entry(&root.join(path), path, *oid)?;
                        index
                            .add(&entry)
                            .map_err(LedgerError::git(format!("add {path} to the index"), root))?;
                    }
                    None => {
                        if index.get_path(Path::new(path), 0).is_some() {
                            index
                                .remove_path(Path::new(path))
                                .map_err(LedgerError::git(
                                    format!("remove {path} from the index"),
                                    root,
                                ))?;
                        }
                    }
                }
            }
            index
                .write()
                .map_err(LedgerError::git("write the index", root))?;
            std::fs::read(&work).map_err(LedgerError::io("read", &work))
        })();
        let _ = std::fs::remove_file(&work);
        built
    }

    /// Resolves what a killed writer left: its journal, and any git lock it
    /// provably took (even one taken before it wrote the journal).
    fn recover(&self) -> Result<(), LedgerError> {
        let git_dir = self.repo.path();
        let _ = std::fs::remove_file(git_dir.join(".cv-journal.cv-tmp"));
        let Some(parsed) = journal::read(git_dir)? else {
            // No journal: at most an index.lock taken just before it.
            return super::lock::remove_if_own(
                &git_dir.join("index.lock"),
                &git_dir.join(OWN_INDEX_LOCK),
            )
            .map(|_| ())
            .map_err(LedgerError::io("remove", git_dir.join("index.lock")));
        };
        let journal = parsed.map_err(|reason| LedgerError::Journal {
            path: journal::path(git_dir),
            reason,
        })?;
        self.undo(&journal, true)
    }

    /// Finishes or undoes the journalled write, then removes the journal.
    ///
    /// If the journal's commit is on its branch, the write happened: each
    /// path that still holds what the write put there gets its index entry.
    /// If not, each path that holds what the write put there goes back to
    /// what it held before. A path holding anything else was changed since
    /// by someone else, and is left as it is. Of git's locks, only those
    /// provably taken by the writer are removed.
    ///
    /// `after_kill`: a writer undoing its own failure knows the commit did
    /// not land and that it never touched the index.
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
            _ => gone(&own_ref, &own_ref)?,
        };
        let _ = std::fs::remove_file(git_dir.join(FALLBACK_INDEX));
        let commit = journal
            .commit
            .as_deref()
            .and_then(|c| Oid::from_str(c).ok())
            .and_then(|c| self.repo.find_commit(c).ok());
        let landed = after_kill
            && commit
                .as_ref()
                .is_some_and(|c| self.on_branch(journal, c.id()));
        // What "before" means: the commit the write was built on (HEAD may
        // have moved since): the journal's base, else (journals of earlier
        // cv versions) the commit's parent, else HEAD, as they did.
        let base = journal
            .base
            .as_deref()
            .and_then(|b| Oid::from_str(b).ok())
            .and_then(|b| self.repo.find_commit(b).ok());
        let before_tree = match (&base, &commit) {
            (Some(b), _) => b.tree().ok(),
            (None, Some(c)) => c.parent(0).ok().and_then(|p| p.tree().ok()),
            (None, None) => self.head_tree()?,
        };
        let head = self.head_tree()?;
        let mut index_updates = Vec::new();
        for (i, p) in journal.paths.iter().enumerate() {
            // A path that could not be ours, or leads through a link, is
            // never written: undoing must not write outside the ledger.
            if check_path(&p.path).is_err() || boundary::check(&self.root, &p.path).is_err() {
                continue;
            }
            let file = self.root.join(&p.path);
            let _ = std::fs::remove_file(temp_path(&file));
            let in_tree = read_if_present(&file)?;
            let in_head = match &head {
                Some(tree) => self.content_in(tree, &p.path)?,
                None => None,
            };
            let written = match &p.after {
                After::Blob(oid) => in_tree
                    .as_deref()
                    .is_some_and(|bytes| blob_id(bytes).is_some_and(|id| id.to_string() == *oid)),
                After::Deleted => in_tree.is_none(),
                // An earlier cv's journal: whatever is not HEAD's is its.
                After::Unknown => in_tree != in_head,
            };
            if landed || (p.after == After::Unknown && in_tree == in_head) {
                if in_tree == in_head && after_kill {
                    index_updates.push((p.path.clone(), in_head.as_deref().and_then(blob_id)));
                }
                continue;
            }
            if !written {
                continue;
            }
            let restore = match p.before {
                Before::Branch => match &before_tree {
                    Some(tree) => self.content_in(tree, &p.path)?,
                    None => None,
                },
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
        }
        if !index_updates.is_empty() {
            let mut lock = GitLock::acquire(
                git_dir.join("index.lock"),
                git_dir.join(OWN_INDEX_LOCK),
                GIT_LOCK_WAIT,
            )?;
            let bytes = self.index_with(&index_updates, &[])?;
            lock.file()
                .write_all(&bytes)
                .map_err(LedgerError::io("write", git_dir.join("index.lock")))?;
            lock.commit_to(&git_dir.join("index"))?;
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

    /// True when `commit` is the tip of the journal's branch or one of its
    /// ancestors: the write was published.
    fn on_branch(&self, journal: &Journal, commit: Oid) -> bool {
        let Some(tip) = journal
            .branch
            .as_deref()
            .and_then(|b| self.repo.refname_to_id(b).ok())
        else {
            return false;
        };
        tip == commit || self.repo.graph_descendant_of(tip, commit).unwrap_or(false)
    }
}

/// Refuses a write while a git operation that has the user's attention is
/// half done (a `git pull` or `git rebase` stopped on a conflict): a commit
/// now would land in the middle of it.
fn refuse_operation_in_progress(git_dir: &Path) -> Result<(), LedgerError> {
    let found = [
        (
            "MERGE_HEAD",
            "a merge",
            "git merge --continue",
            "git merge --abort",
        ),
        (
            "rebase-merge",
            "a rebase",
            "git rebase --continue",
            "git rebase --abort",
        ),
        (
            "rebase-apply",
            "a rebase",
            "git rebase --continue",
            "git rebase --abort",
        ),
        (
            "CHERRY_PICK_HEAD",
            "a cherry-pick",
            "git cherry-pick --continue",
            "git cherry-pick --abort",
        ),
        (
            "REVERT_HEAD",
            "a revert",
            "git revert --continue",
            "git revert --abort",
        ),
    ]
    .into_iter()
    .find(|(file, ..)| std::fs::symlink_metadata(git_dir.join(file)).is_ok());
    match found {
        Some((_, what, finish, abort)) => Err(LedgerError::OperationInProgress {
            what,
            finish,
            abort,
        }),
        None => Ok(()),
    }
}

/// The blob id git would give `bytes`.
fn blob_id(bytes: &[u8]) -> Option<Oid> {
    Oid::hash_object(ObjectType::Blob, bytes).ok()
}

/// Runs a libgit2 object write, again on failure: a `git gc` running beside
/// cv removes empty object folders, and libgit2's rename into one it just
/// made can then fail for no lasting reason.
fn retry<T>(mut write: impl FnMut() -> Result<T, git2::Error>) -> Result<T, git2::Error> {
    let mut last = None;
    for _ in 0..3 {
        match write() {
            Ok(value) => return Ok(value),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| git2::Error::from_str("object write failed")))
}

/// [`retry`] for steps that already speak [`LedgerError`].
fn retry_ledger<T>(mut write: impl FnMut() -> Result<T, LedgerError>) -> Result<T, LedgerError> {
    let mut result = write();
    for _ in 0..2 {
        if !matches!(result, Err(LedgerError::Git { .. })) {
            break;
        }
        result = write();
    }
    result
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
