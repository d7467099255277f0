//! Read-only access to the user's work repositories, through libgit2 only.
//!
//! `cv` never runs a work repository's hooks or the `git` binary inside it,
//! and never writes to it. The ledger's own repository is handled in
//! `ledger::write`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use std::collections::{HashMap, HashSet};

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
    branches: std::cell::OnceCell<Result<Branches, String>>,
}

/// What one walk of every local branch learns, for every link at once.
struct Branches {
    /// Every commit a local branch reaches.
    reachable: HashSet<git2::Oid>,
    /// For each commit a `This reverts commit <sha>` line names, the
    /// commits that say it.
    reverted_by: HashMap<git2::Oid, Vec<git2::Oid>>,
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
        let mut reverted_by: HashMap<git2::Oid, Vec<git2::Oid>> = HashMap::new();
        for oid in walk {
            let oid = oid?;
            reachable.insert(oid);
            let commit = self.repo.find_commit(oid)?;
            for named in reverted_shas(commit.message_bytes()) {
                // `git revert --reference` names the commit by a short SHA.
                let target = match git2::Oid::from_str(&named) {
                    Ok(full) if named.len() == 40 => Some(full),
                    _ => self.repo.find_commit_by_prefix(&named).ok().map(|c| c.id()),
                };
                if let Some(target) = target {
                    reverted_by.entry(target).or_default().push(oid);
                }
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
        if self.repo.find_commit(oid).is_err() {
            return CommitState::NotFound;
        }
        let branches = match self.branches() {
            Ok(branches) => branches,
            Err(why) => return CommitState::Unreadable { why },
        };
        if !branches.reachable.contains(&oid) {
            return CommitState::Unreachable;
        }
        match branches.standing_revert(oid) {
            Some(by) => CommitState::Reverted { by: by.to_string() },
            None => CommitState::Ok,
        }
    }
}

impl Branches {
    /// The commit that reverts `target` and still stands. A revert names the
    /// commit, so it comes after it: any revert on a branch counts, unless
    /// it was itself reverted (the change reapplied), and so on down the
    /// chain. Depth-first without recursion, remembering every answer, so a
    /// crafted web of reverts costs one visit per commit.
    fn standing_revert(&self, target: git2::Oid) -> Option<git2::Oid> {
        let mut memo = self.standing.borrow_mut();
        let mut stack = vec![target];
        let mut open: HashSet<git2::Oid> = HashSet::new();
        while let Some(&sha) = stack.last() {
            if memo.contains_key(&sha) {
                stack.pop();
                continue;
            }
            open.insert(sha);
            let by = self.reverted_by.get(&sha).map_or(&[][..], Vec::as_slice);
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

/// The merge that brought a branch commit in, from
/// [`WorkRepo::merged_requests`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedIn {
    /// The request its message names.
    pub pr: u64,
    /// The merge commit's whole message (GitHub puts the request's title
    /// under its summary).
    pub message: String,
    /// The day it landed.
    pub date: chrono::NaiveDate,
}

/// The day a commit landed: its committer date, in its own time zone, as
/// `git log --date=short` shows it.
fn commit_date(commit: &git2::Commit) -> chrono::NaiveDate {
    let time = commit.time();
    chrono::DateTime::from_timestamp(time.seconds(), 0)
        .map(|t| (t + chrono::Duration::minutes(i64::from(time.offset_minutes()))).date_naive())
        .unwrap_or_default()
}

/// Commits a walk past the date still looks at before it stops: libgit2's
/// default order is close to, not exactly, date order (merges, rebases).
const PAST_THE_DATE: usize = 50;

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
        // Whose a commit is, through libgit2 and the mailmap: the author's
        // email to report when it is one of `wanted`.
        let whose = |commit: &git2::Commit<'_>| -> Option<String> {
            let author = commit.author();
            let raw = author.email_bytes().to_ascii_lowercase();
            let mapped = match &mailmap {
                Some(map) => map
                    .resolve_signature(&author)
                    .ok()
                    .map(|s| s.email_bytes().to_ascii_lowercase()),
                None => None,
            };
            wanted
                .iter()
                .any(|w| *w == raw || Some(w) == mapped.as_ref())
                .then(|| String::from_utf8_lossy(mapped.as_deref().unwrap_or(&raw)).into_owned())
        };
        // The walk has just read each commit, so its raw bytes are in
        // libgit2's object cache (up to 4 kB a commit): the date and author
        // are read from them, with no second inflate and no `git2::Commit`
        // built and cached for someone else's commit. Whether an author is
        // the user depends only on the bytes of their `Name <email>`, so
        // libgit2 and the mailmap are asked once per distinct identity, not
        // once per commit (an allocated, resolved signature each time).
        let odb = self.repo.odb().ok();
        let mut answers: HashMap<Vec<u8>, Option<String>> = HashMap::new();
        let mut out = Vec::new();
        let mut past = 0;
        for (seen, oid) in walk.filter_map(Result::ok).enumerate() {
            if seen % 1024 == 0 {
                progress(seen);
            }
            let raw = odb.as_ref().and_then(|db| db.read(oid).ok());
            let header = raw.as_ref().and_then(|o| commit_header(o.data()));
            let mut commit = None;
            let time = match header {
                Some((_, time)) => time,
                None => match self.repo.find_commit(oid) {
                    Ok(c) => commit.insert(c).time().seconds(),
                    Err(_) => continue,
                },
            };
            if time < cutoff {
                past += 1;
                if past > PAST_THE_DATE {
                    break;
                }
                continue;
            }
            past = 0;
            let known = header.and_then(|(ident, _)| answers.get(ident).cloned());
            let author = match known {
                Some(answer) => answer,
                None => {
                    let Some(c) = commit.take().or_else(|| self.repo.find_commit(oid).ok()) else {
                        continue;
                    };
                    let answer = whose(&c);
                    if let Some((ident, _)) = header {
                        answers.insert(ident.to_vec(), answer.clone());
                    }
                    commit = Some(c);
                    answer
                }
            };
            let Some(author) = author else {
                continue;
            };
            // One of the user's: libgit2 reads its message, as before.
            let Some(commit) = commit.or_else(|| self.repo.find_commit(oid).ok()) else {
                continue;
            };
            let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
            let date = chrono::DateTime::from_timestamp(time, 0)
                .map(|t| t.date_naive())
                .unwrap_or(since);
            out.push(AuthoredCommit {
                sha: oid.to_string(),
                date,
                summary: message.lines().next().unwrap_or("").trim().to_string(),
                author,
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
    ) -> HashMap<String, MergedIn> {
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
        let mut out = HashMap::new();
        let mut seen = HashSet::new();
        for tip in tips {
            let mut next = self.repo.find_commit(tip).ok();
            while let Some(commit) = next.take() {
                if commit.time().seconds() < cutoff || !seen.insert(commit.id()) {
                    break;
                }
                if commit.parent_count() >= 2 {
                    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
                    if let Some(pr) = pr_number_from_message(&message) {
                        let merged = MergedIn {
                            pr,
                            message,
                            date: commit_date(&commit),
                        };
                        self.merged_by(&commit, &merged, &mut out);
                    }
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
        merged: &MergedIn,
        out: &mut HashMap<String, MergedIn>,
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
            out.entry(oid.to_string()).or_insert_with(|| merged.clone());
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

/// The author's `Name <email>` (as bytes, up to its last `>`) and the
/// committer's timestamp, read from a raw commit's header; `None` when the
/// header is not in the plain form, for libgit2 to parse instead.
fn commit_header(data: &[u8]) -> Option<(&[u8], i64)> {
    let mut author = None;
    let mut time = None;
    for line in data.split(|&b| b == b'\n') {
        if line.is_empty() {
            break;
        }
        if author.is_none()
            && let Some(rest) = line.strip_prefix(b"author ")
        {
            let end = rest.iter().rposition(|&b| b == b'>')?;
            author = Some(&rest[..=end]);
        } else if time.is_none()
            && let Some(rest) = line.strip_prefix(b"committer ")
        {
            // As libgit2 reads it: the number after the last `>` and one
            // space, then a space or the end.
            let end = rest.iter().rposition(|&b| b == b'>')?;
            let digits = rest.get(end + 1..)?.strip_prefix(b" ")?;
            let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 0 || len > 18 || !matches!(digits.get(len), None | Some(b' ')) {
                return None;
            }
            time = std::str::from_utf8(&digits[..len]).ok()?.parse().ok();
        }
        if author.is_some() && time.is_some() {
            break;
        }
    }
    Some((author?, time?))
}

#[cfg(test)]
mod tests {
    use super::commit_header;

    #[test]
    fn commit_header_reads_the_author_and_the_commit_time() {
        let raw = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
parent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author Ada <ada@example.com> 1500000000 +0100\n\
committer GitHub <noreply@github.com> 1700000000 +0000\n\
gpgsig -----BEGIN PGP SIGNATURE-----\n \n author Eve <eve@x> 1 +0000\n\
\n\
Title (#1)\n\ncommitter Eve <eve@x> 2 +0000\n";
        assert_eq!(
            commit_header(raw),
            Some((&b"Ada <ada@example.com>"[..], 1_700_000_000))
        );
    }

    #[test]
    fn commit_header_leaves_odd_forms_to_libgit2() {
        let no_time = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author Ada <ada@example.com> 1 +0000\ncommitter C <c@x>\n\nmsg\n";
        assert_eq!(commit_header(no_time), None);
        let signed = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author Ada <ada@example.com> 1 +0000\ncommitter C <c@x> -5 +0000\n\nmsg\n";
        assert_eq!(commit_header(signed), None);
        let no_author = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
committer C <c@x> 5 +0000\n\nauthor A <a@x> 1 +0000\n";
        assert_eq!(commit_header(no_author), None);
    }
}
