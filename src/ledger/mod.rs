//! The ledger: a personal git repository of TOML entries plus `cv.toml`.
//!
//! Finds, opens and creates ledgers. Reading lives in `store`, every change
//! goes through `write`. Nothing here prints.

#[cfg(target_os = "linux")]
pub mod blobs;
pub mod boundary;
pub mod config;
pub mod files;
pub mod index;
pub mod journal;
pub mod lock;
pub mod refs;
pub mod repo;
pub mod store;
pub mod sync;
pub mod write;

use std::path::{Path, PathBuf};

use crate::entry::Entry;
use crate::framework::{Framework, FrameworkError};

pub use config::{Config, Profile};

/// Runs the `git` binary for core tests, isolated from the machine's config.
#[cfg(test)]
pub(crate) fn test_git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
pub use lock::Lock;
pub use store::{Broken, Entries, StoredEntry};
pub use write::{Change, Join, Writer};

/// The settings file at the ledger's root.
pub const CONFIG_FILE: &str = "cv.toml";
/// The folder that holds entry files, one sub-folder per year.
pub const ENTRIES_DIR: &str = "entries";

/// Why a ledger operation failed. Every variant names the path or revision.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// No ledger at the path.
    #[error("no ledger at {}", path.display())]
    NotFound {
        /// Where one was looked for.
        path: PathBuf,
    },
    /// The path exists but is not a folder.
    #[error("{} is not a folder", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// `cv init` on a folder that already holds a ledger.
    #[error("{} already holds a cv ledger", path.display())]
    AlreadyExists {
        /// The ledger's folder.
        path: PathBuf,
    },
    /// `cv init` on a repository with history and no `cv.toml`: someone's code.
    #[error("{} is a git repository with history and no cv.toml; cv never commits into your code", path.display())]
    WorkRepository {
        /// The repository.
        path: PathBuf,
    },
    /// `cv init` on a folder inside another repository's work tree.
    #[error("{} is inside the git repository at {}", path.display(), repo.display())]
    InsideRepository {
        /// The folder given.
        path: PathBuf,
        /// The enclosing repository's work tree.
        repo: PathBuf,
    },
    /// `cv.toml` does not parse or breaks the schema.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done ("read", "write", "rename"…).
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A git operation on the ledger failed.
    #[error("git: cannot {action} in the ledger at {}", path.display())]
    Git {
        /// What was being done.
        action: String,
        /// The ledger.
        path: PathBuf,
        /// The cause.
        #[source]
        source: git2::Error,
    },
    /// The ledger's framework could not be loaded.
    #[error(transparent)]
    Framework(#[from] FrameworkError),
    /// An entry a command must change does not parse.
    #[error("{path}:{}:{}: {}", error.line, error.column, error.message)]
    BrokenEntry {
        /// Path relative to the ledger.
        path: String,
        /// Where and why.
        error: crate::entry::ParseError,
    },
    /// The file changed since the command read it (an edit raced another write).
    #[error("{path} changed while it was being edited; nothing was saved")]
    ChangedMeanwhile {
        /// Path relative to the ledger.
        path: String,
    },
    /// A path `cv` would write leads through a symlink or a misplaced file.
    #[error("{path} is {what}; cv writes only regular files in real folders inside the ledger")]
    Boundary {
        /// Path relative to the ledger root.
        path: String,
        /// What was found there.
        what: &'static str,
    },
    /// HEAD is not on a branch.
    #[error("the ledger's HEAD is detached, so there is no branch to commit to")]
    DetachedHead,
    /// HEAD names a branch with no commits while the ledger has others.
    #[error("the ledger's HEAD names branch `{branch}`, which has no commits")]
    UnbornBranch {
        /// The branch's short name.
        branch: String,
    },
    /// A git lock file is held by another process.
    #[error("another git process holds {}", path.display())]
    LockHeld {
        /// The lock file.
        path: PathBuf,
    },
    /// A journal that a killed write left cannot be resolved.
    #[error("an interrupted write cannot be finished: {} {reason}", path.display())]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The entry to remove is neither in HEAD nor in the work tree.
    #[error("{path} is no longer in the ledger; another command removed it")]
    EntryGone {
        /// Path relative to the ledger root.
        path: String,
    },
    /// The entry to remove was never committed: removing it would lose it.
    #[error("{path} was never committed, so removing it would lose it for good")]
    NeverCommitted {
        /// Path relative to the ledger root.
        path: String,
    },
    /// The entry to remove has changes that are not committed.
    #[error("{path} has changes that are not committed; removing it would lose them")]
    Uncommitted {
        /// Path relative to the ledger root.
        path: String,
    },
    /// A file cv would write is over the size it reads.
    #[error(
        "{path} would be {size} bytes; an entry (and cv.toml) is at most 1 MB, so nothing was written"
    )]
    TooLarge {
        /// Path relative to the ledger root.
        path: String,
        /// Its size.
        size: u64,
    },
    /// The index is in a format neither cv nor libgit2 can update.
    #[error("cannot update the ledger's index at {}: it is a split or sparse index, or another format cv does not write", path.display())]
    UnsupportedIndex {
        /// The index file.
        path: PathBuf,
    },
    /// A git filter (git-crypt, LFS…) applies to a path cv would write.
    #[error(
        "{path} is filtered by git ({filter}); cv would commit it unfiltered, so it does not write it"
    )]
    Filtered {
        /// Path relative to the ledger root.
        path: String,
        /// The filter's name.
        filter: String,
    },
    /// A command's changes turned out to change nothing; no commit was made.
    #[error("nothing to commit")]
    NothingToCommit,
    /// A git operation (merge, rebase…) stopped half way in the ledger.
    #[error("the ledger is in the middle of {what}; cv writes nothing until it is finished")]
    OperationInProgress {
        /// What is in progress: "a merge", "a rebase"…
        what: &'static str,
        /// The command that finishes it.
        finish: &'static str,
        /// The command that abandons it.
        abort: &'static str,
    },
    /// A write lost the compare-and-swap race too many times.
    #[error("the ledger's branch kept moving while committing; nothing was written")]
    Contended,
}

impl LedgerError {
    /// A libgit2 failure on the ledger at `root`, saying what was being done.
    pub(crate) fn git(
        action: impl Into<String>,
        root: &Path,
    ) -> impl FnOnce(git2::Error) -> LedgerError {
        let action = action.into();
        let path = root.to_path_buf();
        move |source| LedgerError::Git {
            action,
            path,
            source,
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> LedgerError {
        let path = path.into();
        move |source| LedgerError::Io {
            action,
            path,
            source,
        }
    }
}

/// Where `cv verify` keeps what it found, in the git dir.
const VERIFIED_FILE: &str = "cv-verified.json";

/// Returns the default ledger folder: `$XDG_DATA_HOME/cv`, else `~/.local/share/cv`.
pub fn default_location() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    // The XDG layout on every platform, as SPEC §3 says, rather than each
    // platform's native folder (macOS's Application Support).
    etcetera::base_strategy::Xdg::new()
        .ok()
        .map(|xdg| xdg.data_dir().join("cv"))
}

/// An opened ledger: its folder and its parsed settings.
#[derive(Debug)]
pub struct Ledger {
    root: PathBuf,
    /// The repository's git dir, as git finds it: `.git`, or where a
    /// gitfile (`git init --separate-git-dir`, `git worktree`) points.
    git_dir: PathBuf,
    config: Config,
    /// Why a killed write's journal could not be resolved on opening, if so.
    unfinished: Option<String>,
}

impl Ledger {
    /// Opens the ledger at `root`, reading `cv.toml`.
    ///
    /// Finishes or rolls back a write that a killed `cv` left half done, so
    /// every command sees a consistent ledger.
    pub fn open(root: &Path) -> Result<Ledger, LedgerError> {
        if !root.exists() {
            return Err(LedgerError::NotFound {
                path: root.to_path_buf(),
            });
        }
        if !root.is_dir() {
            return Err(LedgerError::NotAFolder {
                path: root.to_path_buf(),
            });
        }
        let config_path = root.join(CONFIG_FILE);
        if !config_path.exists() || !root.join(".git").exists() {
            return Err(LedgerError::NotFound {
                path: root.to_path_buf(),
            });
        }
        let config = read_config(&config_path)?;
        Ledger::open_with(root, config)
    }

    /// Opens the ledger even when `cv.toml` is broken, for `cv check`, which
    /// must still check every entry (against the built-in framework): returns
    /// the ledger and, if so, what is wrong with `cv.toml`.
    pub fn open_despite_config(root: &Path) -> Result<(Ledger, Option<LedgerError>), LedgerError> {
        match Ledger::open(root) {
            Ok(ledger) => Ok((ledger, None)),
            Err(e @ LedgerError::Config { .. }) => {
                let placeholder = Config {
                    profile: Profile {
                        name: String::new(),
                        emails: Vec::new(),
                        level: crate::level::LevelId::Mid,
                        target: None,
                    },
                    repos: Default::default(),
                    framework: Default::default(),
                };
                Ok((Ledger::open_with(root, placeholder)?, Some(e)))
            }
            Err(e) => Err(e),
        }
    }

    fn open_with(root: &Path, config: Config) -> Result<Ledger, LedgerError> {
        let git_dir = repo::open_repo(root)?.path().to_path_buf();
        let mut ledger = Ledger {
            root: root.to_path_buf(),
            git_dir,
            config,
            unfinished: None,
        };
        // Reading goes on whatever the journal says: only writes need it
        // resolved, and they try again (and refuse, saying why).
        if let Err(e) = write::recover_if_needed(&ledger) {
            ledger.unfinished = Some(e.to_string());
        }
        Ok(ledger)
    }

    /// Creates a ledger at `root` (or adopts the git repository there).
    ///
    /// The folder is made private (0700), `cv.toml` is written from the
    /// commented starter, and the first commit is `init: <name>`.
    pub fn init(root: &Path, profile: &Profile) -> Result<Ledger, LedgerError> {
        if root.exists() && !root.is_dir() {
            return Err(LedgerError::NotAFolder {
                path: root.to_path_buf(),
            });
        }
        if root.join(CONFIG_FILE).exists() {
            return Err(LedgerError::AlreadyExists {
                path: root.to_path_buf(),
            });
        }
        refuse_foreign_repository(root)?;
        create_private_dir(root)?;
        let git_dir = repo::init_repo(root)?;
        let starter = config::starter(profile);
        let config: Config = toml::from_str(&starter).map_err(|e| LedgerError::Config {
            path: root.join(CONFIG_FILE),
            line: 1,
            column: 1,
            message: e.message().to_string(),
        })?;
        let ledger = Ledger {
            root: root.to_path_buf(),
            git_dir,
            config,
            unfinished: None,
        };
        let mut writer = ledger.begin_write()?;
        let who = if profile.name.is_empty() {
            "ledger"
        } else {
            &profile.name
        };
        writer.commit(
            &[Change::put(CONFIG_FILE, starter.into_bytes())],
            &format!("init: {who}"),
        )?;
        Ok(ledger)
    }

    /// Returns the ledger's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the repository's git dir (never assume `<root>/.git`).
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// Keeps what `cv verify` found, in the git dir: machine-local (another
    /// machine has other work repositories), never committed.
    pub fn save_verification(
        &self,
        verification: &crate::verify::Verification,
    ) -> Result<(), LedgerError> {
        let text = serde_json::to_vec_pretty(verification).unwrap_or_default();
        files::write_durably(&self.git_dir().join(VERIFIED_FILE), &text)
    }

    /// What the last `cv verify` here found, if it ran and its record reads.
    pub fn last_verification(&self) -> Option<crate::verify::Verification> {
        let bytes = files::read_if_present(&self.git_dir().join(VERIFIED_FILE)).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    /// Why a write a killed `cv` left could not be finished or undone when
    /// the ledger was opened; writes refuse until it is resolved.
    pub fn unfinished_write(&self) -> Option<&str> {
        self.unfinished.as_deref()
    }

    /// Returns the parsed `cv.toml`.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Loads the framework `cv.toml` names, or the built-in one.
    pub fn framework(&self) -> Result<Framework, LedgerError> {
        match &self.config.framework.path {
            Some(path) => Ok(Framework::load(&self.root.join(path))?),
            None => Ok(Framework::builtin()?),
        }
    }

    /// Reads every entry file of the work tree; broken ones are listed apart.
    pub fn entries(&self) -> Result<Entries, LedgerError> {
        store::read_worktree(&self.root, &self.git_dir)
    }

    /// Reads every entry file, keeping only what `keep` returns; see
    /// [`store::read_worktree_as`].
    pub fn entries_as<T, F>(&self, keep: F) -> Result<Entries<T>, LedgerError>
    where
        T: Send,
        F: Fn(Entry) -> Option<T> + Sync,
    {
        store::read_worktree_as(&self.root, &self.git_dir, keep)
    }

    /// Takes the ledger's write lock; see [`Writer`].
    pub fn begin_write(&self) -> Result<Writer, LedgerError> {
        Writer::begin(&self.root)
    }

    /// Makes one commit whose changes `build` computes while holding the
    /// write lock, so it sees every earlier writer's work.
    ///
    /// `repos` (remote URL, local path) are added to `cv.toml` `[repos]` in
    /// the same commit where they are new.
    pub fn write<T>(
        &self,
        message: &str,
        repos: &[(String, String)],
        build: impl FnOnce(&Writer) -> Result<(Vec<Change>, T), LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut writer = self.begin_write()?;
        let (mut changes, value) = build(&writer)?;
        if !repos.is_empty() {
            let path = self.root.join(CONFIG_FILE);
            let text = read_settings_file(&path)?;
            if let Some(updated) = config::add_repos(&text, repos) {
                changes.push(Change::put(CONFIG_FILE, updated.into_bytes()));
            }
        }
        if changes.is_empty() {
            return Err(LedgerError::NothingToCommit);
        }
        writer.commit(&changes, message)?;
        Ok(value)
    }

    /// Records a new entry as one commit, `log: <title>`.
    ///
    /// The id is chosen under the write lock, so concurrent writers of the
    /// same title get `-2`, `-3`… instead of overwriting each other.
    pub fn add_entry(
        &self,
        entry: Entry,
        repos: &[(String, String)],
    ) -> Result<Entry, LedgerError> {
        self.add_entry_by("log", entry, repos)
    }

    /// Records a new entry as one commit, `<by>: <title>`: `by` says which
    /// way in wrote it (`log`, or `log (mcp)` for an agent's).
    pub fn add_entry_by(
        &self,
        by: &str,
        mut entry: Entry,
        repos: &[(String, String)],
    ) -> Result<Entry, LedgerError> {
        let message = format!("{by}: {}", entry.title);
        self.write(&message, repos, |writer| {
            entry.id = writer.free_id(entry.date, &entry.title, None)?;
            let change = Change::put(entry.rel_path(), entry.to_toml().into_bytes());
            Ok((vec![change], entry))
        })
    }

    /// Removes the entry at `rel` (id `id`) as one commit, `rm: <id>`.
    ///
    /// Checked under the write lock, so of two concurrent removals one
    /// commits and the other finds the entry gone. An entry that is not in
    /// HEAD, or has uncommitted changes, would be lost for good and is
    /// refused unless `force`; a forced one never committed is deleted
    /// without a commit (there is nothing to record).
    pub fn remove_entry(&self, id: &str, rel: &str, force: bool) -> Result<Removal, LedgerError> {
        let mut writer = self.begin_write()?;
        boundary::check(&self.root, rel)?;
        let file = self.root.join(rel);
        let on_disk = files::read_if_present(&file)?;
        let path = || rel.to_string();
        match (writer.head_content(rel)?, on_disk) {
            (None, None) => Err(LedgerError::EntryGone { path: path() }),
            (None, Some(_)) if !force => Err(LedgerError::NeverCommitted { path: path() }),
            (None, Some(_)) => {
                files::remove_durably(&file)?;
                Ok(Removal::Deleted)
            }
            // Bytes that differ may still be the same to git (line endings
            // converted on checkout): ask git's own status before refusing.
            (Some(head), Some(now))
                if head != now && !force && writer.has_uncommitted_changes(rel)? =>
            {
                Err(LedgerError::Uncommitted { path: path() })
            }
            (Some(_), _) => {
                writer.commit(&[Change::delete(rel)], &format!("rm: {id}"))?;
                Ok(Removal::Committed)
            }
        }
    }

    /// Reads one entry file as a document, for a command that changes it.
    pub fn entry_doc(&self, rel: &str) -> Result<crate::entry::EntryDoc, LedgerError> {
        // The same boundary as every other read: no link followed, no FIFO
        // waited on, nothing over the size cap read (issue 6).
        let bytes = store::read_entry_file(&self.root, rel)?;
        let text = String::from_utf8(bytes).map_err(|_| LedgerError::BrokenEntry {
            path: rel.to_string(),
            error: crate::entry::ParseError {
                line: 1,
                column: 1,
                message: "the file is not valid UTF-8".to_string(),
            },
        })?;
        crate::entry::EntryDoc::parse(&text).map_err(|error| LedgerError::BrokenEntry {
            path: rel.to_string(),
            error,
        })
    }
}

/// Refuses, before anything is created, a folder `cv init` must not make a
/// ledger of (SPEC §4): a repository with history (a work repository: `cv`
/// never commits into a user's code) and a folder inside another
/// repository's work tree (a nested repository there would show up in, and
/// could be committed into, that repository), unless that repository ignores
/// the folder.
pub(crate) fn refuse_foreign_repository(root: &Path) -> Result<(), LedgerError> {
    let work = || LedgerError::WorkRepository {
        path: root.to_path_buf(),
    };
    if root.join(".git").exists() {
        let repo = repo::open_repo(root)?;
        let has_history = repo
            .references()
            .map(|mut refs| refs.next().is_some())
            .unwrap_or(false)
            || repo.head().is_ok();
        // No commits, but files beside .git (staged or not): someone's
        // project before its first commit, not an empty repository to adopt.
        let holds_files = std::fs::read_dir(root)
            .map_err(LedgerError::io("read", root))?
            .filter_map(Result::ok)
            .any(|e| e.file_name() != ".git");
        let staged = repo.index().map(|i| !i.is_empty()).unwrap_or(false);
        if has_history || holds_files || staged {
            return Err(work());
        }
        // A repository of its own may still sit inside another's work tree.
        return match root.parent() {
            Some(parent) => refuse_enclosing(root, parent),
            None => Ok(()),
        };
    }
    // The nearest folder that exists: the ledger's may not yet.
    let mut probe = root.to_path_buf();
    while !probe.exists() {
        if !probe.pop() {
            return Ok(());
        }
    }
    refuse_enclosing(root, &probe)
}

/// Refuses `root` when `probe` (the nearest existing folder on its way) is
/// inside a repository: a bare one, its git dir, or a work tree that does
/// not ignore `root`.
fn refuse_enclosing(root: &Path, probe: &Path) -> Result<(), LedgerError> {
    let Ok(outer) = git2::Repository::open_ext(
        probe,
        git2::RepositoryOpenFlags::empty(),
        std::iter::empty::<&std::ffi::OsStr>(),
    ) else {
        return Ok(());
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    // What is left of `root` past `probe` (it may not exist yet).
    let rest = root
        .strip_prefix(probe)
        .ok()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let probe = canonical(probe);
    let inside_git_dir = probe.starts_with(canonical(outer.path()));
    let Some(workdir) = outer.workdir().filter(|_| !inside_git_dir) else {
        // A bare repository, or inside a git dir: never a place for a ledger.
        return Err(LedgerError::InsideRepository {
            path: root.to_path_buf(),
            repo: canonical(outer.path()),
        });
    };
    let workdir = canonical(workdir);
    let inside = probe.join(&rest);
    let relative = inside.strip_prefix(&workdir).unwrap_or(&inside);
    if relative.as_os_str().is_empty() || !outer.is_path_ignored(relative).unwrap_or(false) {
        return Err(LedgerError::InsideRepository {
            path: root.to_path_buf(),
            repo: workdir,
        });
    }
    Ok(())
}

/// What [`Ledger::remove_entry`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// Removed in a commit; history keeps the entry.
    Committed,
    /// Deleted a file that was never committed; nothing keeps it.
    Deleted,
}

fn read_config(path: &Path) -> Result<Config, LedgerError> {
    let text = read_settings_file(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    toml::from_str(text).map_err(|e| {
        let (line, column) = crate::entry::line_col(text, e.span().map_or(0, |s| s.start));
        LedgerError::Config {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

/// Reads `cv.toml` as text, refusing what is not a regular file of at most
/// [`store::MAX_ENTRY_BYTES`]: a FIFO there would hang every command, and a
/// huge file would be read whole.
pub(crate) fn read_settings_file(path: &Path) -> Result<String, LedgerError> {
    use std::io::Read;
    let io = || LedgerError::io("read", path);
    #[cfg(unix)]
    let file = std::fs::File::from(
        rustix::fs::open(
            path,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| io()(e.into()))?,
    );
    #[cfg(not(unix))]
    let file = std::fs::File::open(path).map_err(io())?;
    let meta = file.metadata().map_err(io())?;
    let bad = if !meta.is_file() {
        Some("it is not a regular file".to_string())
    } else if meta.len() > store::MAX_ENTRY_BYTES {
        Some(format!(
            "it is {} bytes; cv.toml is at most 1 MB",
            meta.len()
        ))
    } else {
        None
    };
    if let Some(message) = bad {
        return Err(LedgerError::Config {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message,
        });
    }
    let mut bytes = Vec::new();
    file.take(store::MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io())?;
    String::from_utf8(bytes).map_err(|_| LedgerError::Config {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: "the file is not valid UTF-8".to_string(),
    })
}

pub(crate) fn create_private_dir(root: &Path) -> Result<(), LedgerError> {
    std::fs::create_dir_all(root).map_err(LedgerError::io("create", root))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))
            .map_err(LedgerError::io("set permissions of", root))?;
    }
    Ok(())
}

/// The blob id git gives `bytes`, as hex: a version of an entry's text that
/// needs no repository (`cv edit` compares the text it opened with what is
/// there when it saves).
pub fn blob_id_of(bytes: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .map(|oid| oid.to_string())
        .unwrap_or_default()
}
