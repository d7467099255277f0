//! Read-only access to the user's work repositories, through libgit2 only.
//!
//! `cv` never runs a work repository's hooks or the `git` binary inside it,
//! and never writes to it. The ledger's own repository is handled in
//! `ledger::write`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::Repository;

use crate::links::{normalize_remote, pr_number_from_message};

mod mailmap;
mod walk;

pub use self::walk::{AuthoredCommit, MergedIn, Walked};

/// Why a work repository or revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The history could not be read to its end (a missing or corrupt
    /// object, a commit libgit2 cannot parse).
    #[error("cannot read the history of {}", repo.display())]
    Walk {
        /// The repository.
        repo: PathBuf,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// The path is not inside a git repository.
    #[error("{} is not inside a git repository", path.display())]
    NotARepo {
        /// The path given.
        path: PathBuf,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// The revision does not name a commit there.
    #[error("revision '{rev}' does not name a commit in {}", repo.display())]
    UnknownRevision {
        /// What was typed.
        rev: String,
        /// The repository.
        repo: PathBuf,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
}

/// A commit resolved in a work repository, ready to become a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCommit {
    /// The repository's remote URL in https form, or its path when it has no remote.
    pub repo: String,
    /// The repository's work tree (or git dir when bare), canonical.
    pub path: PathBuf,
    /// Full 40-hex SHA.
    pub sha: String,
    /// Summary line of the message.
    pub summary: String,
    /// Pull/merge request number found in the message, if any.
    pub pr: Option<u64>,
}

/// Resolves `rev` (`HEAD`, a short SHA, a branch) in the repository that
/// contains `path`.
pub fn resolve_commit(path: &Path, rev: &str) -> Result<ResolvedCommit, GitError> {
    WorkRepo::discover(path)?.resolve(rev)
}

/// The repository's `origin` URL (else its first remote's) in https form.
fn remote_url(repo: &Repository) -> Option<String> {
    let remotes = repo.remotes().ok()?;
    let names: Vec<&str> = remotes.iter().filter_map(|n| n.ok().flatten()).collect();
    let name = if names.contains(&"origin") {
        "origin"
    } else {
        names.first()?
    };
    let remote = repo.find_remote(name).ok()?;
    remote.url().ok().map(normalize_remote)
}

fn repo_root(repo: &Repository) -> PathBuf {
    let dir = repo.workdir().unwrap_or_else(|| repo.path());
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    // Trailing separators from libgit2 would make two spellings of one path.
    PathBuf::from(dir.to_string_lossy().trim_end_matches('/'))
}

/// A work repository opened once, for the questions `cv verify` asks of
/// many commits in it.
pub struct WorkRepo {
    repo: Repository,
    /// Tips of the local branches and the commits their history reverts,
    /// read once for all the links `cv verify` asks about.
    branches: std::cell::OnceCell<Result<Branches, String>>,
}

/// What one walk of every local branch learns, for every link at once.
struct Branches {
    /// Every commit a local branch reaches.
    reachable: HashSet<git2::Oid>,
    /// For each commit a `This reverts commit <sha>` line names, the
    /// commits that say it.
    /// Keyed by the SHA as the revert line wrote it: whole, or the short
    /// form `git revert --reference` writes.
    reverted_by: HashMap<String, Vec<git2::Oid>>,
    /// The standing revert of each commit asked about so far (memo).
    standing: std::cell::RefCell<HashMap<git2::Oid, Option<git2::Oid>>>,
}

/// Where a commit stands in its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitState {
    /// It exists, a local branch reaches it, and nothing reverts it.
    Ok,
    /// The repository does not hold it.
    NotFound,
    /// It exists, but no local branch reaches it (a deleted or rewritten branch).
    Unreachable,
    /// A commit on a branch says `This reverts commit <sha>`.
    Reverted {
        /// The reverting commit's SHA.
        by: String,
    },
    /// The repository could not be read far enough to tell.
    Unreadable {
        /// What went wrong, in words.
        why: String,
    },
}

impl WorkRepo {
    /// Opens the repository at exactly `path` (no search upward), blind to
    /// `GIT_DIR` and friends.
    pub fn open(path: &Path) -> Result<WorkRepo, GitError> {
        Repository::open_ext(
            path,
            git2::RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .map(WorkRepo::new)
        .map_err(|source| GitError::NotARepo {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Opens the repository containing `path`, searching upward as git
    /// does, blind to `GIT_DIR` and friends.
    pub fn discover(path: &Path) -> Result<WorkRepo, GitError> {
        Repository::open_ext(
            path,
            git2::RepositoryOpenFlags::empty(),
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .map(WorkRepo::new)
        .map_err(|source| GitError::NotARepo {
            path: path.to_path_buf(),
            source,
        })
    }

    fn new(repo: Repository) -> WorkRepo {
        WorkRepo {
            repo,
            branches: std::cell::OnceCell::new(),
        }
    }

    /// The work tree (or the git dir when bare), canonical.
    pub fn root(&self) -> PathBuf {
        repo_root(&self.repo)
    }

    /// The `origin` URL (else the first remote's) in https form.
    pub fn remote_url(&self) -> Option<String> {
        remote_url(&self.repo)
    }

    /// Resolves `rev` (`HEAD`, a short SHA, a branch) to a commit.
    pub fn resolve(&self, rev: &str) -> Result<ResolvedCommit, GitError> {
        let root = self.root();
        let unknown = |source| GitError::UnknownRevision {
            rev: rev.to_string(),
            repo: root.clone(),
            source,
        };
        let commit = self
            .repo
            .revparse_single(rev)
            .and_then(|obj| obj.peel_to_commit())
            .map_err(unknown)?;
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        Ok(ResolvedCommit {
            repo: self.name(),
            sha: commit.id().to_string(),
            summary: message.lines().next().unwrap_or("").trim().to_string(),
            pr: pr_number_from_message(&message),
            path: root,
        })
    }

    /// What the local branches reach and what their history reverts:
    /// one walk, however many links ask.
    fn branches(&self) -> Result<&Branches, String> {
        if let Some(done) = self.branches.get() {
            return done.as_ref().map_err(Clone::clone);
        }
        let read = self.read_branches().map_err(|e| e.message().to_string());
        self.branches
            .get_or_init(|| read)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn read_branches(&self) -> Result<Branches, git2::Error> {
        let mut walk = self.repo.revwalk()?;
        for branch in self.repo.branches(Some(git2::BranchType::Local))? {
            if let Some(tip) = branch?.0.get().target() {
                walk.push(tip)?;
            }
        }
        let mut reachable = HashSet::new();
        let mut reverted_by: HashMap<String, Vec<git2::Oid>> = HashMap::new();
        for oid in walk {
            let oid = oid?;
            reachable.insert(oid);
            let commit = self.repo.find_commit(oid)?;
            // A short SHA is matched against the commits asked about, not
            // resolved in the object store, where a tree or blob sharing
            // the prefix would make it ambiguous.
            for named in reverted_shas(commit.message_bytes()) {
                reverted_by.entry(named).or_default().push(oid);
            }
        }
        Ok(Branches {
            reachable,
            reverted_by,
            standing: std::cell::RefCell::new(HashMap::new()),
        })
    }

    /// Whether the commit `sha` still holds: present, reachable from a local
    /// branch, and not reverted by a commit after it on one.
    pub fn state(&self, sha: &str) -> CommitState {
        let oid = match git2::Oid::from_str(sha) {
            Ok(oid) if sha.len() == 40 => oid,
            _ => return CommitState::NotFound,
        };
        match self.repo.find_commit(oid) {
            Ok(_) => {}
            Err(e) if e.code() == git2::ErrorCode::NotFound => return CommitState::NotFound,
            // There, but unreadable (a corrupt object): not "missing".
            Err(e) => {
                return CommitState::Unreadable {
                    why: e.message().to_string(),
                };
            }
        }
        let branches = match self.branches() {
            Ok(branches) => branches,
            Err(why) => return CommitState::Unreadable { why },
        };
        if !branches.reachable.contains(&oid) {
            return CommitState::Unreachable;
        }
        match branches.standing_revert(&self.repo, oid) {
            Some(by) => CommitState::Reverted { by: by.to_string() },
            None => CommitState::Ok,
        }
    }
}

impl Branches {
    /// The commits whose revert line names `sha`, whole or by a prefix of
    /// seven digits or more.
    fn reverters(&self, repo: &Repository, sha: git2::Oid) -> Vec<git2::Oid> {
        let hex = sha.to_string();
        let whole = self.reverted_by.get(&hex).into_iter().flatten();
        // A short SHA may fit other commits too: it names this one only if
        // the revert comes after it, as a revert of it must.
        let short = (7..hex.len())
            .filter_map(|n| self.reverted_by.get(&hex[..n]))
            .flatten()
            .filter(|&&revert| repo.graph_descendant_of(revert, sha).unwrap_or(false));
        whole.chain(short).copied().collect()
    }

    /// The commit that reverts `target` and still stands. A revert names the
    /// commit, so it comes after it: any revert on a branch counts, unless
    /// it was itself reverted (the change reapplied), and so on down the
    /// chain. Depth-first without recursion, remembering every answer, so a
    /// crafted web of reverts costs one visit per commit.
    fn standing_revert(&self, repo: &Repository, target: git2::Oid) -> Option<git2::Oid> {
        let mut memo = self.standing.borrow_mut();
        let mut stack = vec![target];
        let mut open: HashSet<git2::Oid> = HashSet::new();
        while let Some(&sha) = stack.last() {
            if memo.contains_key(&sha) {
                stack.pop();
                continue;
            }
            open.insert(sha);
            let by = self.reverters(repo, sha);
            // A reverter still open would be a loop of reverts, which
            // content-addressed commits cannot form; it counts for nothing.
            if let Some(&next) = by
                .iter()
                .find(|r| !memo.contains_key(r) && !open.contains(r))
            {
                stack.push(next);
                continue;
            }
            let standing = by
                .iter()
                .find(|r| matches!(memo.get(r), Some(None)))
                .copied();
            memo.insert(sha, standing);
            open.remove(&sha);
            stack.pop();
        }
        memo.get(&target).copied().flatten()
    }
}

/// The SHAs a commit message says it reverts (`This reverts commit <sha>`,
/// as `git revert` writes it; with `--reference`, a short SHA), lowercase.
fn reverted_shas(message: &[u8]) -> Vec<String> {
    const NEEDLE: &[u8] = b"This reverts commit ";
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(at) = rest.windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        rest = &rest[at + NEEDLE.len()..];
        let hex: Vec<u8> = rest
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .map(u8::to_ascii_lowercase)
            .collect();
        if (7..=40).contains(&hex.len()) {
            out.push(String::from_utf8_lossy(&hex).into_owned());
        }
    }
    out
}

/// A setting of the user's own git configuration (global and system, as
/// `git config --get` outside a repository reads it): `user.name`,
/// `user.email`.
pub fn user_setting(key: &str) -> Option<String> {
    git2::Config::open_default().ok()?.get_string(key).ok()
}

/// True when the repositories at `a` and `b` are one repository: the same
/// folder, or worktrees sharing one git dir.
pub fn same_repository(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if canonical(a) == canonical(b) {
        return true;
    }
    let common = |p: &Path| {
        WorkRepo::open(p)
            .ok()
            .map(|w| canonical(w.repo.commondir()))
    };
    matches!((common(a), common(b)), (Some(x), Some(y)) if x == y)
}

impl WorkRepo {
    /// The repository's `origin` URL (else its first remote's), https form,
    /// else its path.
    ///
    /// A remote that is a local path or `file://` URL (a clone of a folder)
    /// is no web identity, and its commits may not be there yet: such a
    /// repository is named by its own path.
    pub fn name(&self) -> String {
        remote_url(&self.repo)
            .filter(|url| url.starts_with("https://"))
            .unwrap_or_else(|| repo_root(&self.repo).display().to_string())
    }

    /// The repository's `user.email`, if its configuration sets one.
    pub fn user_email(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// The value of a `Customer-Value:` trailer in `message`, read with
    /// git's trailer parser.
    pub fn customer_value_trailer(message: &str) -> Option<String> {
        let trailers = git2::message_trailers_strs(message).ok()?;
        let value = trailers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("Customer-Value"))
            .map(|(_, value)| value.trim())?;
        // An empty trailer says nothing; one whose value is the next
        // trailer (`Customer-Value:` then `Signed-off-by: …`, which libgit2
        // reads as one) is not an outcome either.
        let swallowed = value.split_once(": ").is_some_and(|(key, _)| {
            !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        (!value.is_empty() && !swallowed).then(|| value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_value_trailer_is_read_only_when_it_says_something() {
        let read = WorkRepo::customer_value_trailer;
        assert_eq!(
            read("Cache tax rules\n\nCustomer-Value: p95 down to 0.8 s\n").as_deref(),
            Some("p95 down to 0.8 s")
        );
        assert_eq!(read("Cache tax rules\n\nCustomer-Value:\n"), None);
        assert_eq!(
            read("Cache\n\nCustomer-Value:\nSigned-off-by: A <a@example.com>\n"),
            None
        );
        assert_eq!(read("Cache tax rules\n"), None);
    }

    #[test]
    fn revert_lines_name_full_and_short_shas() {
        let full = "9fceb02d0ae598e95dc970b74767f19372d61af8";
        let message = format!(
            "Revert\n\nThis reverts commit {full}.\nThis reverts commit 9FCEB02 (x, 2026-11-23).\nThis reverts commit abc.\n"
        );
        assert_eq!(
            reverted_shas(message.as_bytes()),
            [full.to_string(), "9fceb02".to_string()]
        );
    }
}
