//! A surgical update of git's index file: splice a few entries in or out and
//! rehash, instead of loading and rewriting every entry through libgit2.
//!
//! Why: on a 10,000-entry ledger libgit2 spends ~12 ms reading the index and
//! ~7 ms writing it back (collision-detecting SHA-1 and per-entry checks),
//! which alone would break SPEC §7's `cv log` target. Only the parts of the
//! format a ledger uses are handled here; anything else (index v4, split or
//! sparse indexes, a checksum that does not verify, another hash) returns
//! `Outcome::Unsupported` and the caller falls back to libgit2.
//!
//! The caller holds `index.lock` and writes the result through it
//! (`write.rs`); this module only computes bytes.
//!
//! Format: git's `Documentation/gitformat-index.txt`. Optional extensions
//! that cache derived data are kept where still true (REUC), invalidated
//! along the changed paths (TREE) or dropped (UNTR, EOIE, IEOT, FSMN), as git
//! itself does when it cannot keep them up to date.

use sha1::{Digest, Sha1};

const SIGNATURE: &[u8; 4] = b"DIRC";
const HASH_LEN: usize = 20;
const HEADER_LEN: usize = 12;
/// ctime, mtime (2 × 8), dev, ino, mode, uid, gid, size (6 × 4), oid, flags.
const FIXED_LEN: usize = 16 + 24 + HASH_LEN + 2;
const EXTENDED_FLAG: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;

/// The stat data and id of one file, as the index stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// ctime seconds and nanoseconds.
    pub ctime: (u32, u32),
    /// mtime seconds and nanoseconds.
    pub mtime: (u32, u32),
    /// Device.
    pub dev: u32,
    /// Inode.
    pub ino: u32,
    /// File mode (`0o100644`).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Size, truncated to 32 bits as git does.
    pub size: u32,
}

/// One change to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Add or replace the stage-0 entry for a path.
    Put {
        /// Path with `/` separators.
        path: String,
        /// The blob id (20 bytes).
        oid: [u8; HASH_LEN],
        /// The file's stat data.
        stat: Stat,
    },
    /// Remove every stage of a path.
    Remove {
        /// Path with `/` separators.
        path: String,
    },
}

impl Update {
    fn path(&self) -> &[u8] {
        match self {
            Update::Put { path, .. } | Update::Remove { path } => path.as_bytes(),
        }
    }
}

struct Parsed<'a> {
    version: u32,
    /// (path, stage, bytes of the whole on-disk entry)
    entries: Vec<(&'a [u8], u16, &'a [u8])>,
    /// (signature, data)
    extensions: Vec<([u8; 4], &'a [u8])>,
}

/// One stage-0 entry of an index: a path, its blob id and stat data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Path with `/` separators.
    pub path: String,
    /// The blob id.
    pub oid: [u8; HASH_LEN],
    /// The stat data git recorded when it last saw the file.
    pub stat: Stat,
}

/// Reads the stage-0 entries of an index file, or `None` for an index this
/// module does not handle (the caller then trusts nothing in it).
pub fn records(bytes: &[u8]) -> Option<Vec<Record>> {
    let parsed = parse(bytes)?;
    let word = |raw: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(raw.get(at..at + 4)?.try_into().ok()?))
    };
    let mut out = Vec::with_capacity(parsed.entries.len());
    for (path, stage, raw) in parsed.entries {
        if stage != 0 {
            continue;
        }
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        out.push(Record {
            path: path.to_string(),
            oid: raw.get(40..40 + HASH_LEN)?.try_into().ok()?,
            stat: Stat {
                ctime: (word(raw, 0)?, word(raw, 4)?),
                mtime: (word(raw, 8)?, word(raw, 12)?),
                dev: word(raw, 16)?,
                ino: word(raw, 20)?,
                mode: word(raw, 24)?,
                uid: word(raw, 28)?,
                gid: word(raw, 32)?,
                size: word(raw, 36)?,
            },
        });
    }
    Some(out)
}

/// A folder whose tree the write changed: its id before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeChange {
    /// The folder, `""` for the root, else `entries`, `entries/2026`.
    pub dir: String,
    /// Its tree id in the commit the write was built on; `None` for a
    /// folder the write creates.
    pub old: Option<[u8; HASH_LEN]>,
    /// Its tree id in the new commit.
    pub new: [u8; HASH_LEN],
}

/// Returns the new index bytes, or `None` when the old index is outside
/// what this module handles.
///
/// The cache-tree (TREE) is kept valid along the changed paths where that
/// is provably right: a node that matched the old commit's tree (so the
/// index held nothing else there) gets the new tree's id, as `git commit`
/// would leave it. Anything else is invalidated. Why it matters: `git
/// commit` reads the index before it locks it, and writes its copy back
/// unless nothing in it needs updating; an index whose cache-tree is valid
/// needs nothing, so a `git commit` that raced `cv` leaves cv's index alone
/// instead of writing back one without cv's entry.
pub fn rewrite(old: Option<&[u8]>, updates: &[Update]) -> Option<Vec<u8>> {
    rewrite_with_trees(old, updates, &[])
}

/// [`rewrite`], revalidating the cache-tree nodes of `trees`.
pub fn rewrite_with_trees(
    old: Option<&[u8]>,
    updates: &[Update],
    trees: &[TreeChange],
) -> Option<Vec<u8>> {
    let parsed = match old {
        Some(bytes) => parse(bytes)?,
        None => Parsed {
            version: 2,
            entries: Vec::new(),
            extensions: Vec::new(),
        },
    };
    let mut puts: Vec<(&[u8], Vec<u8>)> = Vec::new();
    for update in updates {
        if let Update::Put { path, oid, stat } = update {
            puts.push((path.as_bytes(), encode_entry(path.as_bytes(), oid, stat)));
        }
    }
    puts.sort_by(|a, b| a.0.cmp(b.0));
    let touched = |p: &[u8]| updates.iter().any(|u| u.path() == p);

    let mut body = Vec::with_capacity(old.map_or(1024, <[u8]>::len) + 256);
    body.extend_from_slice(SIGNATURE);
    body.extend_from_slice(&parsed.version.to_be_bytes());
    body.extend_from_slice(&[0; 4]); // count, filled in below
    let mut count: u32 = 0;
    let mut pending = puts.iter().peekable();
    for (path, stage, raw) in &parsed.entries {
        // Index order is by path bytes, then stage: new entries go before
        // the first existing entry whose path sorts after theirs.
        while let Some((put_path, bytes)) = pending.peek() {
            if (*put_path, 0) < (*path, *stage) {
                body.extend_from_slice(bytes);
                count += 1;
                pending.next();
            } else {
                break;
            }
        }
        if touched(path) {
            continue;
        }
        body.extend_from_slice(raw);
        count += 1;
    }
    for (_, bytes) in pending {
        body.extend_from_slice(bytes);
        count += 1;
    }
    body[8..12].copy_from_slice(&count.to_be_bytes());

    let changed: Vec<&[u8]> = updates.iter().map(Update::path).collect();
    // Stage-0 paths of the new index, to count what each folder covers.
    let new_paths: Vec<Vec<u8>> = {
        let mut paths: Vec<Vec<u8>> = parsed
            .entries
            .iter()
            .filter(|(path, stage, _)| *stage == 0 && !touched(path))
            .map(|(path, _, _)| path.to_vec())
            .collect();
        paths.extend(puts.iter().map(|(path, _)| path.to_vec()));
        paths
    };
    for (signature, data) in &parsed.extensions {
        let kept: Option<Vec<u8>> = match signature {
            b"REUC" => Some(data.to_vec()),
            b"TREE" => invalidate_tree(data, &changed, trees, &new_paths),
            _ => None,
        };
        if let Some(data) = kept {
            body.extend_from_slice(signature);
            body.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
            body.extend_from_slice(&data);
        }
    }
    let hash = Sha1::digest(&body);
    body.extend_from_slice(&hash);
    Some(body)
}

fn parse(bytes: &[u8]) -> Option<Parsed<'_>> {
    if bytes.len() < HEADER_LEN + HASH_LEN || &bytes[..4] != SIGNATURE {
        return None;
    }
    let (content, trailer) = bytes.split_at(bytes.len() - HASH_LEN);
    if Sha1::digest(content).as_slice() != trailer {
        return None;
    }
    let version = u32::from_be_bytes(bytes[4..8].try_into().ok()?);
    if version != 2 && version != 3 {
        return None;
    }
    let count = u32::from_be_bytes(bytes[8..12].try_into().ok()?) as usize;
    let mut entries = Vec::with_capacity(count);
    let mut at = HEADER_LEN;
    for _ in 0..count {
        let flags_at = at + FIXED_LEN - 2;
        let flags = u16::from_be_bytes(content.get(flags_at..flags_at + 2)?.try_into().ok()?);
        let mut path_at = flags_at + 2;
        if flags & EXTENDED_FLAG != 0 {
            if version < 3 {
                return None;
            }
            path_at += 2;
        }
        let name_len = match flags & NAME_MASK {
            NAME_MASK => content.get(path_at..)?.iter().position(|&b| b == 0)?,
            n => n as usize,
        };
        let path = content.get(path_at..path_at + name_len)?;
        // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
        let end = at + ((path_at - at + name_len + 8) & !7);
        let raw = content.get(at..end)?;
        entries.push((path, (flags >> 12) & 3, raw));
        at = end;
    }
    let mut extensions = Vec::new();
    while at < content.len() {
        let signature: [u8; 4] = content.get(at..at + 4)?.try_into().ok()?;
        let size = u32::from_be_bytes(content.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let data = content.get(at + 8..at + 8 + size)?;
        // A lowercase first letter marks an extension git requires readers
        // to understand (split index `link`, sparse `sdir`): not ours to drop.
        if signature[0].is_ascii_lowercase() {
            return None;
        }
        extensions.push((signature, data));
        at += 8 + size;
    }
    Some(Parsed {
        version,
        entries,
        extensions,
    })
}

fn encode_entry(path: &[u8], oid: &[u8; HASH_LEN], stat: &Stat) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED_LEN + path.len() + 8);
    for value in [
        stat.ctime.0,
        stat.ctime.1,
        stat.mtime.0,
        stat.mtime.1,
        stat.dev,
        stat.ino,
        stat.mode,
        stat.uid,
        stat.gid,
        stat.size,
    ] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(oid);
    let name_len = u16::try_from(path.len()).map_or(NAME_MASK, |n| n.min(NAME_MASK));
    out.extend_from_slice(&name_len.to_be_bytes());
    out.extend_from_slice(path);
    let padded = (FIXED_LEN + path.len() + 8) & !7;
    out.resize(padded, 0);
    out
}

/// Marks the cache-tree nodes along each changed path invalid (entry count
/// -1, no id), as git's `cache_tree_invalidate_path` does, then revalidates
/// those `trees` says are provably the new commit's (see [`rewrite`]).
/// Returns `None` (drop the extension) if it does not parse.
fn invalidate_tree(
    data: &[u8],
    changed: &[&[u8]],
    trees: &[TreeChange],
    new_paths: &[Vec<u8>],
) -> Option<Vec<u8>> {
    struct Node {
        name: Vec<u8>,
        entries: i64,
        oid: Option<Vec<u8>>,
        children: Vec<Node>,
    }
    fn parse_node(data: &[u8], at: &mut usize) -> Option<Node> {
        let nul = *at + data.get(*at..)?.iter().position(|&b| b == 0)?;
        let name = data[*at..nul].to_vec();
        let newline = nul + data.get(nul..)?.iter().position(|&b| b == b'\n')?;
        let counts = std::str::from_utf8(&data[nul + 1..newline]).ok()?;
        let (entries, subtrees) = counts.split_once(' ')?;
        let entries: i64 = entries.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        *at = newline + 1;
        let oid = if entries >= 0 {
            let oid = data.get(*at..*at + HASH_LEN)?.to_vec();
            *at += HASH_LEN;
            Some(oid)
        } else {
            None
        };
        let children = (0..subtrees)
            .map(|_| parse_node(data, at))
            .collect::<Option<Vec<_>>>()?;
        Some(Node {
            name,
            entries,
            oid,
            children,
        })
    }
    fn invalidate(node: &mut Node, path: &[u8]) {
        node.entries = -1;
        node.oid = None;
        if let Some(slash) = path.iter().position(|&b| b == b'/') {
            let (dir, rest) = (&path[..slash], &path[slash + 1..]);
            if let Some(child) = node.children.iter_mut().find(|c| c.name == dir) {
                invalidate(child, rest);
            }
        }
    }
    fn write(node: &Node, out: &mut Vec<u8>) {
        out.extend_from_slice(&node.name);
        out.push(0);
        out.extend_from_slice(format!("{} {}\n", node.entries, node.children.len()).as_bytes());
        if let Some(oid) = &node.oid {
            out.extend_from_slice(oid);
        }
        for child in &node.children {
            write(child, out);
        }
    }
    /// The node of `dir` (`a/b`), if the cache-tree has one.
    fn find<'n>(node: &'n mut Node, dir: &[u8]) -> Option<&'n mut Node> {
        if dir.is_empty() {
            return Some(node);
        }
        let (first, rest) = match dir.iter().position(|&b| b == b'/') {
            Some(slash) => (&dir[..slash], &dir[slash + 1..]),
            None => (dir, &[][..]),
        };
        let child = node.children.iter_mut().find(|c| c.name == first)?;
        find(child, rest)
    }
    let mut at = 0;
    let mut root = parse_node(data, &mut at)?;
    if at != data.len() {
        return None;
    }
    // Which folders the new cache-tree can vouch for: those whose node
    // matched the old commit's tree before anything changed (the index
    // held nothing else there), and those the write creates, under one of
    // those (they hold nothing but what the write put there).
    let mut vouched: Vec<&TreeChange> = trees
        .iter()
        .filter(|t| {
            t.old.is_some()
                && find(&mut root, t.dir.as_bytes()).is_some_and(|n| {
                    n.entries >= 0 && n.oid.as_deref() == t.old.as_ref().map(|o| &o[..])
                })
        })
        .collect();
    let mut created: Vec<&TreeChange> = trees.iter().filter(|t| t.old.is_none()).collect();
    // Parents first, so a chain of new folders is vouched for link by link.
    created.sort_by_key(|t| t.dir.matches('/').count());
    for t in created {
        let parent = t.dir.rsplit_once('/').map_or("", |(p, _)| p);
        if vouched.iter().any(|v| v.dir == parent) {
            vouched.push(t);
        }
    }
    for path in changed {
        invalidate(&mut root, path);
    }
    let valid = |dir: &str| vouched.iter().any(|t| t.dir == dir);
    // New folders get nodes, in git's order (shorter names first).
    for t in trees.iter().filter(|t| t.old.is_none() && valid(&t.dir)) {
        let (parent, name) = t.dir.rsplit_once('/').unwrap_or(("", t.dir.as_str()));
        let Some(node) = find(&mut root, parent.as_bytes()) else {
            continue;
        };
        if node.children.iter().all(|c| c.name != name.as_bytes()) {
            node.children.push(Node {
                name: name.as_bytes().to_vec(),
                entries: -1,
                oid: None,
                children: Vec::new(),
            });
            node.children
                .sort_by(|a, b| (a.name.len(), &a.name).cmp(&(b.name.len(), &b.name)));
        }
    }
    // A folder is revalidated only with all its ancestors (a valid node
    // under an invalid one means nothing to git), and only when the folder
    // of every changed path under it is vouched for too.
    let chain_valid = |dir: &str| {
        let mut acc = String::new();
        valid("")
            && dir.split('/').filter(|p| !p.is_empty()).all(|part| {
                if !acc.is_empty() {
                    acc.push('/');
                }
                acc.push_str(part);
                valid(&acc)
            })
    };
    for t in &vouched {
        if !chain_valid(&t.dir) {
            continue;
        }
        let prefix = if t.dir.is_empty() {
            Vec::new()
        } else {
            format!("{}/", t.dir).into_bytes()
        };
        let covers_every_change = changed.iter().filter(|p| p.starts_with(&prefix)).all(|p| {
            let dir = parent_dir(p);
            dir.is_empty() || valid(std::str::from_utf8(dir).unwrap_or("\u{0}"))
        });
        if !covers_every_change {
            continue;
        }
        let count = new_paths.iter().filter(|p| p.starts_with(&prefix)).count();
        if let Some(node) = find(&mut root, t.dir.as_bytes()) {
            node.entries = i64::try_from(count).ok()?;
            node.oid = Some(t.new.to_vec());
        }
    }
    let mut out = Vec::with_capacity(data.len());
    write(&root, &mut out);
    Some(out)
}

/// The folder part of a path of bytes (`a/b/c` → `a/b`, `c` → ``).
fn parent_dir(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(at) => &path[..at],
        None => &[],
    }
}

#[cfg(test)]
mod tests {

    /// Whether the update was made.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Outcome {
        Done,
        Unsupported,
    }

    /// What the write path does around [`rewrite`], minus its locking.
    fn apply(git_dir: &std::path::Path, updates: &[Update]) -> std::io::Result<Outcome> {
        let path = git_dir.join("index");
        let old = std::fs::read(&path).ok();
        match rewrite(old.as_deref(), updates) {
            Some(new) => std::fs::write(&path, new).map(|()| Outcome::Done),
            None => Ok(Outcome::Unsupported),
        }
    }
    use super::*;

    use crate::ledger::test_git as git;

    /// A repository with committed files in nested folders; git's own commit
    /// leaves a TREE extension in the index.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp");
        git(dir.path(), &["init", "-q", "-b", "main"]);
        for (path, text) in [
            ("cv.toml", "a"),
            ("entries/2025/a.toml", "b"),
            ("entries/2026/b.toml", "c"),
            ("entries/2026/d.toml", "d"),
        ] {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "init"]);
        dir
    }

    fn put(dir: &std::path::Path, path: &str, text: &str) -> Update {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(&file, text).expect("write");
        // Stored, as cv stores the blob before it touches the index.
        let hex = git(dir, &["hash-object", "-w", path]);
        let oid = git2::Oid::from_str(hex.trim()).expect("oid");
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&file).expect("stat");
        let mut bytes = [0; 20];
        bytes.copy_from_slice(oid.as_bytes());
        Update::Put {
            path: path.to_string(),
            oid: bytes,
            stat: Stat {
                ctime: (meta.ctime() as u32, meta.ctime_nsec() as u32),
                mtime: (meta.mtime() as u32, meta.mtime_nsec() as u32),
                dev: meta.dev() as u32,
                ino: meta.ino() as u32,
                mode: 0o100644,
                uid: meta.uid(),
                gid: meta.gid(),
                size: meta.size() as u32,
            },
        }
    }

    #[test]
    fn a_put_gives_the_index_git_add_gives() {
        let dir = repo();
        let root = dir.path();
        assert!(
            std::fs::read(root.join(".git/index"))
                .expect("index")
                .windows(4)
                .any(|w| w == b"TREE")
        );
        let updates = [
            put(root, "entries/2026/c.toml", "new"),
            put(root, "entries/2027/e.toml", "newer"),
        ];
        assert_eq!(
            apply(&root.join(".git"), &updates).expect("apply"),
            Outcome::Done
        );
        // The work tree and the index agree (no " M", no "??"), and the index
        // holds exactly the two additions.
        assert_eq!(
            git(root, &["status", "--porcelain"]),
            "A  entries/2026/c.toml\nA  entries/2027/e.toml\n"
        );
        let ours = git(root, &["write-tree"]);
        git(root, &["add", "-A"]);
        assert_eq!(git(root, &["write-tree"]), ours, "same tree as git add");
        git(root, &["commit", "-q", "-m", "two"]);
        assert_eq!(git(root, &["status", "--porcelain"]), "");
    }

    #[test]
    fn replace_and_remove() {
        let dir = repo();
        let root = dir.path();
        std::fs::remove_file(root.join("entries/2026/b.toml")).expect("rm");
        let updates = [
            put(root, "cv.toml", "changed"),
            Update::Remove {
                path: "entries/2026/b.toml".into(),
            },
        ];
        assert_eq!(
            apply(&root.join(".git"), &updates).expect("apply"),
            Outcome::Done
        );
        assert_eq!(
            git(root, &["status", "--porcelain"]),
            "M  cv.toml\nD  entries/2026/b.toml\n"
        );
        let files = git(root, &["ls-files"]);
        assert_eq!(files, "cv.toml\nentries/2025/a.toml\nentries/2026/d.toml\n");
    }

    #[test]
    fn records_read_back_what_git_wrote() {
        let dir = repo();
        let bytes = std::fs::read(dir.path().join(".git/index")).expect("index");
        let records = records(&bytes).expect("parses");
        let paths: Vec<&str> = records.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "cv.toml",
                "entries/2025/a.toml",
                "entries/2026/b.toml",
                "entries/2026/d.toml"
            ]
        );
        let b = &records[2];
        assert_eq!(b.stat.size, 1);
        let hex: String = b.oid.iter().map(|x| format!("{x:02x}")).collect();
        assert_eq!(
            hex,
            git(dir.path(), &["rev-parse", "HEAD:entries/2026/b.toml"]).trim()
        );
    }

    #[test]
    fn no_index_yet_creates_one() {
        let dir = tempfile::tempdir().expect("temp");
        git(dir.path(), &["init", "-q", "-b", "main"]);
        let updates = [put(dir.path(), "cv.toml", "x")];
        assert_eq!(
            apply(&dir.path().join(".git"), &updates).expect("apply"),
            Outcome::Done
        );
        assert_eq!(git(dir.path(), &["status", "--porcelain"]), "A  cv.toml\n");
    }

    #[test]
    fn unsupported_indexes_are_left_alone() {
        let dir = repo();
        let root = dir.path();
        let index = root.join(".git/index");
        git(root, &["update-index", "--index-version", "4"]);
        let before = std::fs::read(&index).expect("read");
        let updates = [put(root, "new.toml", "x")];
        assert_eq!(
            apply(&root.join(".git"), &updates).expect("apply"),
            Outcome::Unsupported
        );
        assert_eq!(std::fs::read(&index).expect("read"), before);

        git(root, &["update-index", "--index-version", "2"]);
        let mut corrupt = std::fs::read(&index).expect("read");
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert!(
            rewrite(Some(&corrupt), &updates).is_none(),
            "a bad checksum is not trusted"
        );
    }
}
