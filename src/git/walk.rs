//! `WorkRepo::commits_by`: the user's commits since a date, read the way
//! `git log --author --since` reads them and about as fast (SPEC §7).
//!
//! The walk takes the newest of the commits reached so far, as libgit2's
//! default order and git's own do, and stops a few commits past the date:
//! never a time sort of the whole history. Each commit is read once, as raw
//! bytes, and its header parsed here the way libgit2 parses it (a header
//! not in the plain form is left to libgit2); only the user's own commits
//! become a `git2::Commit`. What the walk reads of the graph (each commit's
//! parents) is kept, lean, to find which merge brought a branch commit in
//! without a second walk.

use std::collections::{BinaryHeap, HashMap, HashSet};

use super::mailmap::Mailmap;
use super::{GitError, WorkRepo};
use crate::links::pr_number_from_message;

/// One of the user's commits found by [`WorkRepo::commits_by`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthoredCommit {
    /// Full SHA.
    pub sha: String,
    /// Commit date (when it landed), in the commit's own time zone, as
    /// `git log --date=short` shows it.
    pub date: chrono::NaiveDate,
    /// The commit time, seconds since the epoch: "newest first" within a day.
    pub time: i64,
    /// Summary line.
    pub summary: String,
    /// The whole message.
    pub message: String,
    /// The author's email, through the mailmap.
    pub author: String,
}

/// What [`WorkRepo::commits_by`] found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The user's commits, newest first.
    pub commits: Vec<AuthoredCommit>,
    /// For those of them on a merged branch, the merge that brought them
    /// in (by SHA).
    pub merged_in: HashMap<String, MergedIn>,
}

/// The part of the history a walk read: each commit's parents, and the
/// merges whose message names a request, newest first.
///
/// A whole-history walk records every commit, so this is kept lean: SHAs
/// as plain bytes hashed by their own first bytes (already uniform), and
/// all parents in one array. A map of `git2::Oid` to `Vec` cost a quarter
/// of a 111,000-commit harvest.
#[derive(Default)]
struct Graph {
    /// Where each commit's parents are in `parent_list`.
    parents: HashMap<Sha, (u32, u32), ShaHash>,
    parent_list: Vec<Sha>,
    merges: Vec<(Sha, MergedIn)>,
}

/// A commit id as bytes.
type Sha = [u8; 20];

/// Hashes a SHA by its first eight bytes: they are already uniform.
#[derive(Default, Clone, Copy)]
struct ShaHash;

impl std::hash::BuildHasher for ShaHash {
    type Hasher = ShaHasher;
    fn build_hasher(&self) -> ShaHasher {
        ShaHasher(0)
    }
}

/// See [`ShaHash`].
#[derive(Default)]
struct ShaHasher(u64);

impl std::hash::Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // `[u8; 20]` hashes its length first, then the bytes.
        if bytes.len() >= 8 {
            let mut first = [0; 8];
            first.copy_from_slice(&bytes[..8]);
            self.0 = u64::from_ne_bytes(first);
        }
    }
}

fn sha_of(oid: git2::Oid) -> Sha {
    let mut sha = [0; 20];
    let bytes = oid.as_bytes();
    let n = bytes.len().min(20);
    sha[..n].copy_from_slice(&bytes[..n]);
    sha
}

impl Graph {
    fn add(&mut self, commit: Sha, parents: impl IntoIterator<Item = Sha>) {
        let start = self.parent_list.len();
        self.parent_list.extend(parents);
        let count = self.parent_list.len() - start;
        // u32 holds four billion parents: more than any history read here.
        self.parents.insert(
            commit,
            (
                u32::try_from(start).unwrap_or(u32::MAX),
                u32::try_from(count).unwrap_or(0),
            ),
        );
    }

    fn parents_of(&self, commit: &Sha) -> Option<&[Sha]> {
        let &(start, count) = self.parents.get(commit)?;
        self.parent_list
            .get(start as usize..start as usize + count as usize)
    }

    /// The merge each of `commits` came in through: for every request
    /// merge, the commits its other parents reach before they meet its
    /// first parent's first-parent line (what it was merged into). Oldest
    /// merge first, and a commit keeps the first that claims it, so a
    /// branch stacked on an earlier request, or merged into another
    /// request's branch, keeps its own. All in memory, over what the walk
    /// read: no second walk of the repository.
    fn merged_in(&self, commits: &[AuthoredCommit]) -> HashMap<String, MergedIn> {
        if self.merges.is_empty() {
            return HashMap::new();
        }
        let depth = self.first_parent_depths();
        let mut claimed: HashMap<Sha, usize, ShaHash> = HashMap::default();
        for (index, (merge, _)) in self.merges.iter().enumerate().rev() {
            let Some(parents) = self.parents_of(merge) else {
                continue;
            };
            let Some(&first) = parents.first() else {
                continue;
            };
            let mut line = Line::new(self, &depth, first);
            let mut stack: Vec<Sha> = parents.iter().skip(1).copied().collect();
            while let Some(sha) = stack.pop() {
                if claimed.contains_key(&sha) || line.holds(&sha) {
                    continue;
                }
                // Past what the walk read: older than the window.
                let Some(parents) = self.parents_of(&sha) else {
                    continue;
                };
                claimed.insert(sha, index);
                stack.extend(parents.iter().copied());
            }
        }
        commits
            .iter()
            .filter_map(|c| {
                let oid = git2::Oid::from_str(&c.sha).ok()?;
                let index = *claimed.get(&sha_of(oid))?;
                Some((c.sha.clone(), self.merges[index].1.clone()))
            })
            .collect()
    }

    fn first_parent(&self, sha: &Sha) -> Option<Sha> {
        self.parents_of(sha).and_then(|p| p.first().copied())
    }

    /// Each commit's number of first-parent steps down to the oldest the
    /// walk read: two commits are on one first-parent line only if the
    /// deeper one reaches the other in exactly the difference.
    fn first_parent_depths(&self) -> HashMap<Sha, u32, ShaHash> {
        let mut depth: HashMap<Sha, u32, ShaHash> = HashMap::default();
        let mut path = Vec::new();
        for start in self.parents.keys() {
            let mut at = *start;
            // Down to a commit whose depth is known, or the window's edge.
            let mut below = loop {
                if let Some(&d) = depth.get(&at) {
                    break Some(d);
                }
                path.push(at);
                match self.first_parent(&at) {
                    Some(next) if self.parents.contains_key(&next) => at = next,
                    _ => break None,
                }
            };
            while let Some(sha) = path.pop() {
                let d = below.map_or(0, |d| d + 1);
                depth.insert(sha, d);
                below = Some(d);
            }
        }
        depth
    }
}

/// One merge's first-parent line, walked down only as far as the commits
/// asked about need: most branches fork a few commits below their merge.
struct Line<'g> {
    graph: &'g Graph,
    depth: &'g HashMap<Sha, u32, ShaHash>,
    seen: HashSet<Sha, ShaHash>,
    next: Option<Sha>,
}

impl<'g> Line<'g> {
    fn new(graph: &'g Graph, depth: &'g HashMap<Sha, u32, ShaHash>, top: Sha) -> Line<'g> {
        Line {
            graph,
            depth,
            seen: HashSet::default(),
            next: Some(top),
        }
    }

    /// Whether `sha` is on this line.
    fn holds(&mut self, sha: &Sha) -> bool {
        let Some(&wanted) = self.depth.get(sha) else {
            return false;
        };
        while let Some(at) = self.next {
            let Some(&d) = self.depth.get(&at) else {
                self.next = None;
                break;
            };
            if d < wanted {
                break;
            }
            self.seen.insert(at);
            self.next = self.graph.first_parent(&at);
        }
        self.seen.contains(sha)
    }
}

/// The merge that brought a branch commit in (see [`Walked`]).
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
fn day_of(time: i64, offset_minutes: i32) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(time, 0)
        .map(|t| (t + chrono::Duration::minutes(i64::from(offset_minutes))).date_naive())
        .unwrap_or_default()
}

/// Commits a walk past the date still looks at before it stops: libgit2's
/// default order is close to, not exactly, date order (merges, rebases).
const PAST_THE_DATE: usize = 50;

impl WorkRepo {
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
    ) -> Result<Walked, GitError> {
        let wanted: Vec<Vec<u8>> = emails
            .iter()
            .map(|e| e.trim().to_ascii_lowercase().into_bytes())
            .collect();
        let root = self.root();
        let failed = |source| GitError::Walk {
            repo: root.clone(),
            source,
        };
        let mut tips = Vec::new();
        if all_branches {
            for branch in self
                .repo
                .branches(Some(git2::BranchType::Local))
                .map_err(failed)?
            {
                if let Some(tip) = branch.map_err(failed)?.0.get().target() {
                    let commit = self.repo.find_commit(tip).map_err(failed)?;
                    tips.push(commit.id());
                }
            }
        } else {
            // An unborn HEAD: no commit yet, nothing to harvest.
            let Ok(head) = self.repo.head().and_then(|h| h.peel_to_commit()) else {
                return Ok(Walked::default());
            };
            tips.push(head.id());
        }
        let mailmap = Mailmap::load(&self.repo);
        let cutoff = since
            .and_hms_opt(0, 0, 0)
            .map_or(i64::MIN, |t| t.and_utc().timestamp());
        // Whose a commit is, through the mailmap (names and emails in any
        // case, as git matches them): the author's email to report when it
        // is one of `wanted`.
        // Once the mailmap maps an address, the commit is the proper
        // address's, as git reads it: a shared or old address mapped to
        // someone else no longer matches.
        let whose = |commit: &git2::Commit<'_>| -> Option<String> {
            let author = commit.author();
            let email = mailmap
                .email_for(author.name_bytes(), author.email_bytes())
                .unwrap_or_else(|| author.email_bytes().to_ascii_lowercase());
            wanted
                .contains(&email)
                .then(|| String::from_utf8_lossy(&email).into_owned())
        };
        let odb = self.repo.odb().map_err(failed)?;
        let shallow = shallow_boundary(self.repo.commondir());
        // libgit2's object cache would keep every commit read and free them
        // all when the repository is dropped: off while the walk reads each
        // commit once itself.
        let _uncached = CacheOff::new();
        let read = |oid: git2::Oid, order: u64| -> Result<Queued<'_>, GitError> {
            if let Ok(object) = odb.read(oid)
                && object.kind() == git2::ObjectType::Commit
                && let Some(raw) = parse_commit(object.data())
            {
                return Ok(Queued {
                    time: raw.time,
                    order,
                    oid,
                    body: Body::Raw(object, raw),
                });
            }
            // Not in the plain form, or not readable at all: libgit2 judges,
            // and a commit it cannot read stops the walk (what lies behind
            // is unknown, and a partial list would look like a whole one).
            let commit = self.repo.find_commit(oid).map_err(failed)?;
            Ok(Queued {
                time: commit.time().seconds(),
                order,
                oid,
                body: Body::Parsed(commit),
            })
        };
        let mut queue = BinaryHeap::new();
        let mut seen: HashSet<Sha, ShaHash> = HashSet::default();
        let mut order = 0;
        for &tip in &tips {
            if seen.insert(sha_of(tip)) {
                order += 1;
                queue.push(read(tip, order)?);
            }
        }
        // Whether an author is the user depends only on the bytes of their
        // `Name <email>`: libgit2 and the mailmap are asked once per
        // distinct identity, not once per commit.
        let mut answers: HashMap<Vec<u8>, Option<String>> = HashMap::new();
        let mut graph = Graph::default();
        let mut out = Vec::new();
        let mut past = 0;
        let mut looked = 0;
        while let Some(next) = queue.pop() {
            if looked % 1024 == 0 {
                progress(looked);
            }
            looked += 1;
            if next.time < cutoff {
                past += 1;
                if past > PAST_THE_DATE {
                    break;
                }
            } else {
                past = 0;
            }
            let parents: Parents = match &next.body {
                // A shallow clone's boundary: its parents were not fetched.
                _ if shallow.contains(&sha_of(next.oid)) => Parents::default(),
                Body::Raw(_, raw) => raw.parents.clone(),
                Body::Parsed(commit) => commit.parent_ids().map(sha_of).collect(),
            };
            for parent in parents.iter() {
                if seen.insert(*parent) {
                    order += 1;
                    let oid = git2::Oid::from_bytes(parent).map_err(failed)?;
                    queue.push(read(oid, order)?);
                }
            }
            let message = match &next.body {
                Body::Raw(object, raw) => message_at(object.data(), raw.message),
                Body::Parsed(commit) => commit.message_bytes(),
            };
            if parents.len() >= 2
                && next.time >= cutoff
                && let Some(pr) = pr_number_from_message(&String::from_utf8_lossy(message))
            {
                graph.merges.push((
                    sha_of(next.oid),
                    MergedIn {
                        pr,
                        message: String::from_utf8_lossy(message).into_owned(),
                        date: next.day(),
                    },
                ));
            }
            graph.add(sha_of(next.oid), parents.iter().copied());
            if next.time < cutoff {
                continue;
            }
            let author = match &next.body {
                Body::Raw(object, raw) => {
                    let ident = &object.data()[raw.author.clone()];
                    match answers.get(ident) {
                        Some(known) => known.clone(),
                        None => {
                            let commit = self.repo.find_commit(next.oid).map_err(failed)?;
                            let answer = whose(&commit);
                            answers.insert(ident.to_vec(), answer.clone());
                            answer
                        }
                    }
                }
                Body::Parsed(commit) => whose(commit),
            };
            let Some(author) = author else {
                continue;
            };
            let message = String::from_utf8_lossy(message).into_owned();
            out.push(AuthoredCommit {
                sha: next.oid.to_string(),
                date: next.day(),
                time: next.time,
                summary: message.lines().next().unwrap_or("").trim().to_string(),
                author,
                message,
            });
        }
        out.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.sha.cmp(&b.sha)));
        let merged_in = graph.merged_in(&out);
        Ok(Walked {
            commits: out,
            merged_in,
        })
    }
}

/// A commit's parents: up to four inline, not a `Vec` per commit; an
/// octopus merge's further parents in `more`.
#[derive(Default, Clone)]
struct Parents {
    shas: [Sha; 4],
    len: usize,
    more: Vec<Sha>,
}

impl Parents {
    fn push(&mut self, sha: Sha) {
        if self.len < self.shas.len() {
            self.shas[self.len] = sha;
            self.len += 1;
        } else {
            self.more.push(sha);
        }
    }

    fn len(&self) -> usize {
        self.len + self.more.len()
    }

    fn iter(&self) -> impl Iterator<Item = &Sha> {
        self.shas[..self.len].iter().chain(&self.more)
    }
}

impl FromIterator<Sha> for Parents {
    fn from_iter<I: IntoIterator<Item = Sha>>(iter: I) -> Parents {
        let mut out = Parents::default();
        for sha in iter {
            out.push(sha);
        }
        out
    }
}

/// A commit reached by the walk, waiting its turn: newest commit date
/// first, then first reached.
struct Queued<'r> {
    time: i64,
    order: u64,
    oid: git2::Oid,
    body: Body<'r>,
}

/// A queued commit's content: its raw bytes and what was read of them, or
/// libgit2's parse of a header not in the plain form.
enum Body<'r> {
    Raw(git2::OdbObject<'r>, RawCommit),
    Parsed(git2::Commit<'r>),
}

impl Queued<'_> {
    /// The day it landed, in its committer's time zone.
    fn day(&self) -> chrono::NaiveDate {
        let offset = match &self.body {
            Body::Raw(_, raw) => raw.offset_minutes,
            Body::Parsed(commit) => commit.time().offset_minutes(),
        };
        day_of(self.time, offset)
    }
}

impl PartialEq for Queued<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Queued<'_> {}

impl PartialOrd for Queued<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.time
            .cmp(&other.time)
            .then_with(|| other.order.cmp(&self.order))
    }
}

/// libgit2's object cache off while it lives, back on (libgit2's default,
/// which cv never changes) when dropped. The setting is process-wide; with
/// it off, libgit2 reads every object afresh, which only costs time.
struct CacheOff;

impl CacheOff {
    fn new() -> CacheOff {
        git2::opts::enable_caching(false);
        CacheOff
    }
}

impl Drop for CacheOff {
    fn drop(&mut self) {
        git2::opts::enable_caching(true);
    }
}

/// What the walk reads of a raw commit.
#[derive(Debug, PartialEq, Eq)]
struct RawCommit {
    parents: Parents,
    /// Where the author's `Name <email>` is (up to its last `>`).
    author: std::ops::Range<usize>,
    /// The committer's timestamp.
    time: i64,
    /// The committer's time zone, in minutes east of UTC.
    offset_minutes: i32,
    /// Where the message starts (see [`message_at`]).
    message: usize,
}

impl PartialEq for Parents {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Parents {}

impl std::fmt::Debug for Parents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|sha| git2::Oid::from_bytes(sha).ok()))
            .finish()
    }
}

/// Parses a raw commit the way libgit2 does (`commit_parse`): `tree`, any
/// `parent`s, `author` (extra ones skipped), `committer`, other headers up
/// to a blank line, then the message (leading newlines and anything from a
/// NUL on dropped). `None` for anything not in that plain form, for libgit2
/// to judge instead.
fn parse_commit(data: &[u8]) -> Option<RawCommit> {
    fn line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
        let end = rest.iter().position(|&b| b == b'\n')?;
        let line = &rest[..end];
        *rest = &rest[end + 1..];
        Some(line)
    }
    let offset = |part: &[u8]| part.as_ptr() as usize - data.as_ptr() as usize;
    let mut rest = data;
    sha_from_hex(line(&mut rest)?.strip_prefix(b"tree ")?)?;
    let mut parents = Parents::default();
    while rest.starts_with(b"parent ") {
        parents.push(sha_from_hex(line(&mut rest)?.strip_prefix(b"parent ")?)?);
    }
    let author = line(&mut rest)?.strip_prefix(b"author ")?;
    let gt = author.iter().rposition(|&b| b == b'>')?;
    let lt = author.iter().rposition(|&b| b == b'<')?;
    if lt > gt {
        return None;
    }
    let author = offset(author)..offset(author) + gt + 1;
    while rest.starts_with(b"author ") {
        line(&mut rest)?;
    }
    // The committer's time as libgit2 reads it: the number after the last
    // `>` and one space, then a space or the end.
    let committer = line(&mut rest)?.strip_prefix(b"committer ")?;
    let gt = committer.iter().rposition(|&b| b == b'>')?;
    let digits = committer.get(gt + 1..)?.strip_prefix(b" ")?;
    let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if len == 0 || len > 18 || !matches!(digits.get(len), None | Some(b' ')) {
        return None;
    }
    let time = std::str::from_utf8(&digits[..len]).ok()?.parse().ok()?;
    // Its zone, `+HHMM` or `-HHMM`, for the day it shows; none reads as UTC.
    let zone = digits.get(len + 1..).unwrap_or_default();
    let offset_minutes = match zone {
        [sign @ (b'+' | b'-'), h1, h2, m1, m2, ..]
            if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) =>
        {
            let n = |a: &u8, b: &u8| i32::from(a - b'0') * 10 + i32::from(b - b'0');
            let minutes = n(h1, h2) * 60 + n(m1, m2);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => 0,
    };
    // Other headers, up to the blank line before the message.
    while rest.first().is_some_and(|&b| b != b'\n') {
        if line(&mut rest).is_none() {
            rest = &rest[rest.len()..];
        }
    }
    let message = offset(rest.get(1..).unwrap_or(rest));
    Some(RawCommit {
        parents,
        author,
        time,
        offset_minutes,
        message,
    })
}

/// A raw commit's message from where [`parse_commit`] found it starts, as
/// `git2::Commit::message_bytes` gives it: leading newlines and anything
/// from a NUL on dropped.
fn message_at(data: &[u8], start: usize) -> &[u8] {
    let message = data.get(start..).unwrap_or_default();
    let message = message.split(|&b| b == 0).next().unwrap_or_default();
    let first = message
        .iter()
        .position(|&b| b != b'\n')
        .unwrap_or(message.len());
    &message[first..]
}

/// The commits a shallow clone has without their parents, from git's
/// `shallow` file (none in a full clone).
fn shallow_boundary(common_dir: &std::path::Path) -> HashSet<Sha, ShaHash> {
    std::fs::read(common_dir.join("shallow"))
        .map(|text| {
            text.split(|&b| b == b'\n')
                .filter_map(|line| sha_from_hex(line.trim_ascii()))
                .collect()
        })
        .unwrap_or_default()
}

/// A 40-digit hex SHA as bytes; `None` for anything else (libgit2 refuses a
/// non-hex digit, and would pad a short id).
fn sha_from_hex(hex: &[u8]) -> Option<Sha> {
    if hex.len() != 40 {
        return None;
    }
    let mut sha = [0; 20];
    for (byte, pair) in sha.iter_mut().zip(hex.chunks(2)) {
        let digit = |c: u8| (c as char).to_digit(16);
        *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(sha)
}

#[cfg(test)]
mod tests {
    use super::{message_at, parse_commit, sha_of};

    const TREE: &str = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n";

    #[test]
    fn parse_commit_reads_parents_author_time_and_message() {
        let raw = format!(
            "{TREE}parent 1111111111111111111111111111111111111111\n\
parent 2222222222222222222222222222222222222222\n\
author Ada <ada@example.com> 1500000000 +0100\n\
committer GitHub <noreply@github.com> 1700000000 +0000\n\
gpgsig -----BEGIN PGP SIGNATURE-----\n \n author Eve <eve@x> 1 +0000\n\
\n\
\nTitle (#1)\n\ncommitter Eve <eve@x> 2 +0000\n\0after a NUL"
        );
        let raw = raw.as_bytes();
        let commit = parse_commit(raw).expect("plain form");
        let parents: Vec<String> = commit
            .parents
            .iter()
            .filter_map(|p| git2::Oid::from_bytes(p).ok())
            .map(|p| p.to_string())
            .collect();
        assert_eq!(parents, ["1".repeat(40), "2".repeat(40)]);
        assert_eq!(&raw[commit.author.clone()], b"Ada <ada@example.com>");
        assert_eq!(commit.time, 1_700_000_000);
        assert_eq!(
            message_at(raw, commit.message),
            b"Title (#1)\n\ncommitter Eve <eve@x> 2 +0000\n"
        );
    }

    #[test]
    fn parse_commit_leaves_odd_forms_to_libgit2() {
        for odd in [
            format!("{TREE}author A <a@x> 1 +0000\ncommitter C <c@x>\n\nmsg\n"),
            format!("{TREE}author A <a@x> 1 +0000\ncommitter C <c@x> -5 +0000\n\nmsg\n"),
            format!("{TREE}committer C <c@x> 5 +0000\n\nauthor A <a@x> 1 +0000\n"),
            format!("{TREE}author A a@x> <1 +0000\ncommitter C <c@x> 5 +0000\n\n"),
            format!("{TREE}parent 1234\nauthor A <a@x> 1 +0000\ncommitter C <c@x> 5 +0000\n\n"),
            "author A <a@x> 1 +0000\ncommitter C <c@x> 5 +0000\n\n".to_string(),
        ] {
            assert_eq!(parse_commit(odd.as_bytes()), None, "{odd}");
        }
    }

    /// Whatever `parse_commit` reads, libgit2 reads the same from the same
    /// object: parents, commit time, author, message.
    #[test]
    fn parse_commit_agrees_with_libgit2() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        let odb = repo.odb().expect("odb");
        let parent = "1".repeat(40);
        let a = "author Ada L. <Ada@Example.com> 1500000000 +0100\n";
        let c = "committer C <c@x> 1700000000 -0800\n";
        let raws = [
            format!("{TREE}{a}{c}\nTitle\n\nBody\n"),
            format!("{TREE}parent {parent}\nparent {parent}\n{a}{c}\nMerge\n"),
            format!("{TREE}{a}{a}{c}encoding ISO-8859-1\ngpgsig x\n y\n\n\n\nLeading\n"),
            format!("{TREE}{a}{c}"),
            format!("{TREE}{a}{c}\n"),
            format!("{TREE}{a}{c}\nNUL\0after\n"),
            format!("{TREE}author  Spaces  < a@x > 1 +0000\n{c}\nx\n"),
            format!("{TREE}{a}committer C <c@x> 1700000000\n\nno zone\n"),
        ];
        for raw in &raws {
            let id = odb
                .write(git2::ObjectType::Commit, raw.as_bytes())
                .expect("write");
            let ours = parse_commit(raw.as_bytes()).expect(raw);
            let theirs = repo.find_commit(id).expect(raw);
            let parents: Vec<_> = theirs.parent_ids().map(sha_of).collect();
            assert_eq!(
                ours.parents.iter().copied().collect::<Vec<_>>(),
                parents,
                "{raw}"
            );
            assert_eq!(ours.time, theirs.time().seconds(), "{raw}");
            assert_eq!(ours.offset_minutes, theirs.time().offset_minutes(), "{raw}");
            let ident = String::from_utf8_lossy(&raw.as_bytes()[ours.author.clone()]);
            assert!(ident.ends_with('>'), "{raw}");
            assert!(
                ident.contains(theirs.author().email().unwrap_or("?")),
                "{raw}"
            );
            assert_eq!(
                message_at(raw.as_bytes(), ours.message),
                theirs.message_bytes(),
                "{raw}"
            );
        }
    }
}
