//! The two kinds of lock a write takes: the ledger's own lock, which only
//! other `cv` processes see, and git's `.lock` files, which every git
//! program honours.
//!
//! Nothing here decides what to lock or when; `write.rs` does.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::LedgerError;

/// The ledger's lock file, in the common git dir (shared by worktrees, as
/// branches are). It is never deleted: `flock` is the lock, the file only
/// its anchor, so a killed writer leaves nothing stale.
const LEDGER_LOCK_FILE: &str = "cv-write.lock";

/// How long a git lock held by another process is waited for. `git status`
/// holds `index.lock` for milliseconds; a commit with a slow hook for longer.
pub const GIT_LOCK_WAIT: Duration = Duration::from_secs(3);

/// How long a writer waits for the ledger's lock before it says so.
pub const WAIT_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// Who holds the ledger's lock, as its holder wrote it into the lock file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id.
    pub pid: Option<u32>,
    /// What it runs, e.g. `cv sync`.
    pub command: Option<String>,
}

/// Called once when a writer has waited [`WAIT_NOTICE_AFTER`] for the lock.
pub type WaitNotice = Box<dyn Fn(&Holder) + Send + Sync>;

/// This process's name for itself in the lock file, and what it does when
/// it has to wait: set once by the front end (the CLI), since the core
/// never prints.
static WAITING: OnceLock<(String, WaitNotice)> = OnceLock::new();

/// Sets what this process writes into the lock file while it holds it
/// (`command`, e.g. `cv sync`) and what it does when it must wait for
/// another holder (`notice`, called once, after [`WAIT_NOTICE_AFTER`]).
/// Only the first call counts.
pub fn on_wait(command: impl Into<String>, notice: WaitNotice) {
    let _ = WAITING.set((command.into(), notice));
}

impl Holder {
    fn parse(text: &str) -> Holder {
        let mut holder = Holder::default();
        for line in text.lines() {
            if let Some(pid) = line.strip_prefix("pid ") {
                holder.pid = pid.trim().parse().ok();
            } else if let Some(command) = line.strip_prefix("command ") {
                // At most a line of printable text: the file is only ours
                // by convention.
                let command: String = command
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect();
                holder.command = (!command.is_empty()).then_some(command);
            }
        }
        holder
    }
}

/// The ledger's write lock: one `cv` writer (or sync) at a time.
///
/// An advisory `flock` that the kernel releases when the process dies, so a
/// killed `cv` never leaves it taken. Held by [`super::Writer`], and by any
/// operation that needs several steps without another writer in between.
#[derive(Debug)]
pub struct Lock {
    // Dropping the file releases the flock.
    _file: File,
}

impl Lock {
    /// Takes the lock, waiting for another `cv` that holds it.
    pub fn acquire(common_dir: &Path) -> Result<Lock, LedgerError> {
        let path = common_dir.join(LEDGER_LOCK_FILE);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).read(true).write(true);
        // Never block opening it (a FIFO put there would hang every write)
        // nor follow a link out of the git dir.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut options,
            (rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW).bits() as i32,
        );
        let file = options
            .open(&path)
            .map_err(LedgerError::io("open", &path))?;
        if !file
            .metadata()
            .map_err(LedgerError::io("inspect", &path))?
            .is_file()
        {
            return Err(LedgerError::io("lock", &path)(std::io::Error::other(
                "it is not a regular file",
            )));
        }
        wait_for(&file, &path)?;
        // Who holds it, for a writer that has to wait (a report only: the
        // flock is the lock, whatever the file says).
        let command = WAITING.get().map_or("cv", |(c, _)| c.as_str());
        let _ = file.set_len(0).and_then(|()| {
            (&file).seek(SeekFrom::Start(0))?;
            (&file).write_all(format!("pid {}\ncommand {command}\n", std::process::id()).as_bytes())
        });
        Ok(Lock { _file: file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Who held it is no longer true once it is let go; the flock itself
        // goes with the file.
        let _ = self._file.set_len(0);
    }
}

/// Takes the flock on `file`, waiting as long as another holds it (SPEC:
/// concurrent writers all land), and saying so once, through the notice
/// set with [`on_wait`], when that takes longer than [`WAIT_NOTICE_AFTER`].
fn wait_for(file: &File, path: &Path) -> Result<(), LedgerError> {
    let Some((_, notice)) = WAITING.get() else {
        return file.lock().map_err(LedgerError::io("lock", path));
    };
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(LedgerError::io("lock", path)(e));
            }
        }
        if start.elapsed() >= WAIT_NOTICE_AFTER {
            let mut text = String::new();
            let _ = (&*file)
                .seek(SeekFrom::Start(0))
                .and_then(|_| (&*file).take(4096).read_to_string(&mut text));
            notice(&Holder::parse(&text));
            // Said once; from here the kernel wakes us when it is free.
            return file.lock().map_err(LedgerError::io("lock", path));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// One of git's lock files (`index.lock`, `refs/heads/main.lock`), held.
///
/// Taken as git takes it, by creating the lock name exclusively, but through
/// a hard link from a file of our own (`own`, in the git dir): `link` fails
/// when the name exists, exactly like `O_EXCL`, and afterwards the lock and
/// `own` are one file. That is what lets a later `cv`, finding a lock after
/// a kill, prove it is the dead writer's and remove it, and leave every
/// other lock alone (see [`remove_if_own`]).
#[derive(Debug)]
pub struct GitLock {
    lock: PathBuf,
    own: PathBuf,
    file: File,
    done: bool,
}

impl GitLock {
    /// Takes `lock`, waiting up to `wait` while another process holds it.
    pub fn acquire(lock: PathBuf, own: PathBuf, wait: Duration) -> Result<GitLock, LedgerError> {
        remove_quietly(&own).map_err(LedgerError::io("remove", &own))?;
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&own)
            .map_err(LedgerError::io("create", &own))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match std::fs::hard_link(&own, &lock) {
                Ok(()) => {
                    return Ok(GitLock {
                        lock,
                        own,
                        file,
                        done: false,
                    });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists && start.elapsed() < wait => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let _ = std::fs::remove_file(&own);
                    return Err(LedgerError::LockHeld { path: lock });
                }
                Err(e) if e.kind() == ErrorKind::NotFound && lock.parent().is_some() => {
                    // A branch in a folder (`refs/heads/team/main`) whose
                    // folder only exists in packed-refs.
                    let parent = lock.parent().unwrap_or(Path::new("."));
                    if parent.exists() {
                        let _ = std::fs::remove_file(&own);
                        return Err(LedgerError::io("create", &lock)(e));
                    }
                    std::fs::create_dir_all(parent).map_err(LedgerError::io("create", parent))?;
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&own);
                    return Err(LedgerError::io("create", &lock)(e));
                }
            }
        }
    }

    /// The lock file, to write the new content into.
    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Renames the lock over `target` (git's "commit" of a lock file), makes
    /// the rename durable, and lets go of our own name.
    ///
    /// Refuses when the lock is no longer our file (removed by hand while
    /// held): renaming it would install someone else's content.
    pub fn commit_to(mut self, target: &Path) -> Result<(), LedgerError> {
        self.file
            .sync_all()
            .map_err(LedgerError::io("sync", &self.lock))?;
        #[cfg(unix)]
        if !same_file(&self.lock, &self.own).map_err(LedgerError::io("inspect", &self.lock))? {
            self.done = true;
            let _ = std::fs::remove_file(&self.own);
            return Err(LedgerError::LockHeld {
                path: self.lock.clone(),
            });
        }
        std::fs::rename(&self.lock, target)
            .map_err(LedgerError::io("rename into place", target))?;
        self.done = true;
        let _ = std::fs::remove_file(&self.own);
        super::files::sync_dir(target.parent().unwrap_or(Path::new(".")))
    }

    /// Gives the lock up without changing what it guards.
    pub fn release(mut self) {
        self.unlock();
    }

    fn unlock(&mut self) {
        if !self.done {
            self.done = true;
            // Only while the lock is still our file: someone may have removed
            // it (as git's own message advises) and another process taken it.
            let _ = remove_if_own(&self.lock, &self.own);
        }
    }
}

impl Drop for GitLock {
    fn drop(&mut self) {
        self.unlock();
    }
}

/// After a kill: removes `lock` only if it is the same file as `own` (so a
/// dead `cv` took it), then `own` itself. Returns whether a lock was removed.
///
/// A lock that is not provably ours belongs to some other git program,
/// running or crashed: it is never touched.
pub fn remove_if_own(lock: &Path, own: &Path) -> std::io::Result<bool> {
    let removed = same_file(lock, own)?;
    if removed {
        std::fs::remove_file(lock)?;
    }
    remove_quietly(own)?;
    Ok(removed)
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let (Some(a), Some(b)) = (lstat(a)?, lstat(b)?) else {
        return Ok(false);
    };
    Ok(a.dev() == b.dev() && a.ino() == b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> std::io::Result<bool> {
    // std offers no file identity here, so nothing is proven, and a lock a
    // killed cv left is reported for the user to remove.
    let _ = (a, b);
    Ok(false)
}

#[cfg(unix)]
fn lstat(path: &Path) -> std::io::Result<Option<std::fs::Metadata>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn remove_quietly(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn the_holder_is_read_from_the_lock_file() {
        assert_eq!(
            Holder::parse("pid 42\ncommand cv sync\n"),
            Holder {
                pid: Some(42),
                command: Some("cv sync".into())
            }
        );
        assert_eq!(Holder::parse("garbage"), Holder::default());
    }

    #[test]
    fn a_held_lock_is_reported_by_name_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = dir.path().join("index.lock");
        std::fs::write(&lock, "someone else's").expect("write");
        let err = GitLock::acquire(
            lock.clone(),
            dir.path().join("own"),
            Duration::from_millis(20),
        )
        .expect_err("held");
        assert!(matches!(err, LedgerError::LockHeld { ref path } if *path == lock));
        assert_eq!(
            std::fs::read_to_string(&lock).expect("kept"),
            "someone else's"
        );
        assert!(!dir.path().join("own").exists());
        assert!(!remove_if_own(&lock, &dir.path().join("own")).expect("check"));
        assert!(lock.exists(), "a foreign lock is never removed");
    }

    #[test]
    fn a_lock_left_by_a_dead_writer_is_proven_ours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = dir.path().join("index.lock");
        let own = dir.path().join("own");
        let held = GitLock::acquire(lock.clone(), own.clone(), GIT_LOCK_WAIT).expect("take");
        // What a kill leaves: both names, one file.
        std::mem::forget(held);
        assert!(lock.exists() && own.exists());
        assert!(remove_if_own(&lock, &own).expect("check"));
        assert!(!lock.exists() && !own.exists());
    }

    #[test]
    fn commit_replaces_the_target_and_drops_our_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("index");
        std::fs::write(&target, "old").expect("write");
        let mut held = GitLock::acquire(
            dir.path().join("index.lock"),
            dir.path().join("own"),
            GIT_LOCK_WAIT,
        )
        .expect("take");
        std::io::Write::write_all(held.file(), b"new").expect("write");
        held.commit_to(&target).expect("commit");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert!(!dir.path().join("index.lock").exists());
        assert!(!dir.path().join("own").exists());
    }
}
