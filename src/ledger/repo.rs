//! Opening and creating the ledger's repository with libgit2, the same way
//! every time: at exactly the ledger's folder, blind to `GIT_DIR` and
//! friends, with fsync on.

use std::path::{Path, PathBuf};
use std::sync::Once;

use git2::{Repository, RepositoryOpenFlags};

use super::LedgerError;

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
    .map_err(LedgerError::git("open the repository", root))
}

/// Creates a repository at `root` with branch `main`, or adopts an existing
/// one; returns its git dir.
pub fn init_repo(root: &Path) -> Result<PathBuf, LedgerError> {
    if root.join(".git").exists() {
        return Ok(open_repo(root)?.path().to_path_buf());
    }
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main").mkdir(false);
    let repo = Repository::init_opts(root, &opts)
        .map_err(LedgerError::git("initialise a repository", root))?;
    Ok(repo.path().to_path_buf())
}
