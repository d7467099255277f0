//! Read-only access to the user's work repositories, through libgit2 only.
//!
//! `cv` never runs a work repository's hooks or the `git` binary inside it,
//! and never writes to it. The ledger's own repository is handled in
//! `ledger::write`.

use std::path::{Path, PathBuf};

use git2::Repository;

use crate::links::{normalize_remote, pr_number_from_message};

/// Why a work repository or revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
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
    branches: std::cell::OnceCell<Branches>,
}

/// What one walk of every local branch learns.
struct Branches {
    tips: Vec<git2::Oid>,
    /// For each SHA a `This reverts commit <sha>` line names (lowercase),
    /// the commits that say it.
    reverted_by: std::collections::HashMap<String, Vec<String>>,
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

    /// The local branches' tips and what their history reverts: one walk,
    /// however many links ask.
    fn branches(&self) -> &Branches {
        self.branches.get_or_init(|| {
            let tips: Vec<git2::Oid> = self
                .repo
                .branches(Some(git2::BranchType::Local))
                .map(|branches| {
                    branches
                        .filter_map(Result::ok)
                        .filter_map(|(b, _)| b.get().target())
                        .collect()
                })
                .unwrap_or_default();
            let mut reverted_by: std::collections::HashMap<String, Vec<String>> =
                std::collections::HashMap::new();
            if let Ok(mut walk) = self.repo.revwalk() {
                for tip in &tips {
                    let _ = walk.push(*tip);
                }
                for oid in walk.filter_map(Result::ok) {
                    let Ok(commit) = self.repo.find_commit(oid) else {
                        continue;
                    };
                    for target in reverted_shas(commit.message_bytes()) {
                        reverted_by.entry(target).or_default().push(oid.to_string());
                    }
                }
            }
            Branches { tips, reverted_by }
        })
    }

    /// Whether the commit `sha` still holds: present, reachable from a local
    /// branch, and not reverted by a commit after it on one.
    pub fn state(&self, sha: &str) -> CommitState {
        let Ok(oid) = git2::Oid::from_str(sha) else {
            return CommitState::NotFound;
        };
        if self.repo.find_commit(oid).is_err() {
            return CommitState::NotFound;
        }
        let branches = self.branches();
        let reached = branches
            .tips
            .iter()
            .any(|&tip| tip == oid || self.repo.graph_descendant_of(tip, oid).unwrap_or(false));
        if !reached {
            return CommitState::Unreachable;
        }
        match branches.standing_revert(&oid.to_string(), 0) {
            Some(by) => CommitState::Reverted { by: by.to_string() },
            None => CommitState::Ok,
        }
    }
}

impl Branches {
    /// The commit that reverts `sha` and still stands. A revert names the
    /// commit, so it comes after it: any revert on a branch counts, unless
    /// it was itself reverted (the change reapplied).
    fn standing_revert(&self, sha: &str, depth: usize) -> Option<&str> {
        // A chain of reverts is short; the bound only stops a crafted loop.
        if depth >= 32 {
            return None;
        }
        self.reverted_by
            .get(sha)?
            .iter()
            .find(|r| self.standing_revert(r, depth + 1).is_none())
            .map(String::as_str)
    }
}

/// The SHAs a commit message says it reverts (`This reverts commit <sha>`,
/// as `git revert` writes it), lowercase.
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
        if hex.len() == 40 {
            out.push(String::from_utf8_lossy(&hex).into_owned());
        }
    }
    out
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

/// One of the user's commits found by [`WorkRepo::commits_by`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoredCommit {
    /// Full SHA.
    pub sha: String,
    /// Commit date (when it landed), as `git log --since` compares it.
    pub date: chrono::NaiveDate,
    /// Summary line.
    pub summary: String,
    /// The whole message.
    pub message: String,
    /// The author's email, through the mailmap.
    pub author: String,
}

/// Commits a walk past the date still looks at before it stops: libgit2's
/// default order is close to, not exactly, date order (merges, rebases).
const PAST_THE_DATE: usize = 50;

impl WorkRepo {
    /// The repository's `origin` URL (else its first remote's), https form,
    /// else its path.
    pub fn name(&self) -> String {
        remote_url(&self.repo).unwrap_or_else(|| repo_root(&self.repo).display().to_string())
    }

    /// The commits whose author (through the repository's mailmap) has one
    /// of `emails` (case-insensitively), with a commit date on or after
    /// `since`, reachable from HEAD (or every local branch), newest first.
    ///
    /// The walk is libgit2's default order, not a time sort (which reads
    /// the whole history first), and stops a few commits after the last one
    /// on or after `since`. `progress` is called with the number of commits
    /// looked at, for a progress bar.
    pub fn commits_by(
        &self,
        emails: &[String],
        since: chrono::NaiveDate,
        all_branches: bool,
        mut progress: impl FnMut(usize),
    ) -> Vec<AuthoredCommit> {
        let wanted: Vec<Vec<u8>> = emails
            .iter()
            .map(|e| e.trim().to_ascii_lowercase().into_bytes())
            .collect();
        let Ok(mut walk) = self.repo.revwalk() else {
            return Vec::new();
        };
        if all_branches {
            if let Ok(branches) = self.repo.branches(Some(git2::BranchType::Local)) {
                for (branch, _) in branches.filter_map(Result::ok) {
                    if let Some(tip) = branch.get().target() {
                        let _ = walk.push(tip);
                    }
                }
            }
        } else if walk.push_head().is_err() {
            return Vec::new();
        }
        let mailmap = self.repo.mailmap().ok();
        let cutoff = since
            .and_hms_opt(0, 0, 0)
            .map_or(i64::MIN, |t| t.and_utc().timestamp());
        let mut out = Vec::new();
        let mut past = 0;
        for (seen, oid) in walk.filter_map(Result::ok).enumerate() {
            if seen % 1024 == 0 {
                progress(seen);
            }
            let Ok(commit) = self.repo.find_commit(oid) else {
                continue;
            };
            if commit.time().seconds() < cutoff {
                past += 1;
                if past > PAST_THE_DATE {
                    break;
                }
                continue;
            }
            past = 0;
            let author = commit.author();
            // Raw bytes first: most commits are someone else's.
            let raw = author.email_bytes().to_ascii_lowercase();
            let mapped = match &mailmap {
                Some(map) => map
                    .resolve_signature(&author)
                    .ok()
                    .map(|s| s.email_bytes().to_ascii_lowercase()),
                None => None,
            };
            let matches = wanted
                .iter()
                .any(|w| *w == raw || Some(w) == mapped.as_ref());
            if !matches {
                continue;
            }
            let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
            let date = chrono::DateTime::from_timestamp(commit.time().seconds(), 0)
                .map(|t| t.date_naive())
                .unwrap_or(since);
            out.push(AuthoredCommit {
                sha: oid.to_string(),
                date,
                summary: message.lines().next().unwrap_or("").trim().to_string(),
                author: String::from_utf8_lossy(mapped.as_deref().unwrap_or(&raw)).into_owned(),
                message,
            });
        }
        out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.sha.cmp(&b.sha)));
        out
    }

    /// The request each branch commit was merged in: for every merge on
    /// the first-parent line of HEAD (or of each local branch) since
    /// `since` whose message names a pull or merge request, the commits its
    /// second parent brought in. Squash merges need none of this: their
    /// own summary names the request.
    ///
    /// Only the first-parent line and the merged branches are read, not
    /// the whole window: a few thousand commits for a year of a busy
    /// repository.
    pub fn merged_requests(
        &self,
        since: chrono::NaiveDate,
        all_branches: bool,
    ) -> std::collections::HashMap<String, u64> {
        let cutoff = since
            .and_hms_opt(0, 0, 0)
            .map_or(i64::MIN, |t| t.and_utc().timestamp());
        let mut tips: Vec<git2::Oid> = Vec::new();
        if all_branches {
            if let Ok(branches) = self.repo.branches(Some(git2::BranchType::Local)) {
                tips.extend(
                    branches
                        .filter_map(Result::ok)
                        .filter_map(|(b, _)| b.get().target()),
                );
            }
        } else if let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) {
            tips.push(head.id());
        }
        let mut out = std::collections::HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for tip in tips {
            let mut next = self.repo.find_commit(tip).ok();
            while let Some(commit) = next.take() {
                if commit.time().seconds() < cutoff || !seen.insert(commit.id()) {
                    break;
                }
                if commit.parent_count() >= 2
                    && let Some(n) =
                        pr_number_from_message(&String::from_utf8_lossy(commit.message_bytes()))
                {
                    self.merged_by(&commit, n, &mut out);
                }
                next = commit.parent(0).ok();
            }
        }
        out
    }

    /// Records request `n` for the commits `merge`'s second parent brought
    /// in (those its first parent does not reach).
    fn merged_by(
        &self,
        merge: &git2::Commit,
        n: u64,
        out: &mut std::collections::HashMap<String, u64>,
    ) {
        let (Ok(first), Ok(second)) = (merge.parent_id(0), merge.parent_id(1)) else {
            return;
        };
        let Ok(mut walk) = self.repo.revwalk() else {
            return;
        };
        if walk.push(second).is_err() || walk.hide(first).is_err() {
            return;
        }
        for oid in walk.filter_map(Result::ok) {
            // A commit merged twice keeps its first (newest) request.
            out.entry(oid.to_string()).or_insert(n);
        }
    }

    /// The repository's `user.email`, if its configuration sets one.
    pub fn user_email(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// The value of a `Customer-Value:` trailer in `message`, read with
    /// git's trailer parser.
    pub fn customer_value_trailer(message: &str) -> Option<String> {
        let trailers = git2::message_trailers_strs(message).ok()?;
        trailers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("Customer-Value"))
            .map(|(_, value)| value.trim().to_string())
    }
}
