//! Reading entries. Broken files are returned beside the good ones, never
//! dropped, so every command can warn about them and go on.
//!
//! Reads the work tree, parsing on two threads (the floor in SPEC §7 is a
//! two-thread parse). Reading blobs from the object store when the work tree
//! matches HEAD, for the cold-cache target, plugs in behind the same
//! [`Entries`] result.
//!
//! This is also the ledger's boundary on the read side (issue 6): a clone
//! can carry anything under `entries/`, so only regular files of at most
//! [`MAX_ENTRY_BYTES`] in real folders are read. A link is never followed
//! (it can point out of the ledger), and nothing is opened in a way that
//! could block (a FIFO) or read without bound (a huge file). Each such path
//! is a [`Broken`] file with a [`Refusal`], so every reading command names it
//! and goes on. Every reader goes through here, including the one-file read
//! of a command that changes an entry ([`read_entry_file`]).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::entry::{Entry, ParseError};

use super::{ENTRIES_DIR, LedgerError};

/// The largest entry file cv reads: 1 MB. Real entries are a few KB; the cap
/// keeps a hostile or mistaken file from taking the machine's memory.
pub const MAX_ENTRY_BYTES: u64 = 1 << 20;

/// An entry (or what a command keeps of it) and where it lives.
#[derive(Debug, Clone)]
pub struct StoredEntry<T = Entry> {
    /// Path relative to the ledger root, with `/` separators.
    pub path: String,
    /// The parsed entry, or the part of it the caller kept.
    pub entry: T,
}

/// An entry file that could not be read as an entry.
#[derive(Debug, Clone)]
pub struct Broken {
    /// Path relative to the ledger root, with `/` separators.
    pub path: String,
    /// Where and why it is broken.
    pub error: ParseError,
    /// Why cv did not read it at all, when that is the reason (then `error`
    /// is at line 1, column 1 and says the same in words).
    pub refusal: Option<Refusal>,
}

impl Broken {
    /// A path cv would not read, reported like a broken file.
    pub fn refused(path: String, refusal: Refusal) -> Broken {
        Broken {
            path,
            error: ParseError {
                line: 1,
                column: 1,
                message: refusal.to_string(),
            },
            refusal: Some(refusal),
        }
    }
}

/// Why cv will not read a path under `entries/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link, which can point anywhere, out of the ledger.
    Symlink,
    /// Something other than a regular file where an entry file would be.
    NotAFile(FileKind),
    /// `entries/` itself is not a folder.
    NotAFolder,
    /// A file over [`MAX_ENTRY_BYTES`]; holds its size in bytes.
    TooLarge(u64),
    /// A name that is not UTF-8, which no entry id produces.
    NameNotUtf8,
}

/// What a path that is not a regular file is, to say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A named pipe: opening it for reading waits for a writer.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character or block device.
    Device,
    /// A folder.
    Folder,
    /// Anything else, or a kind the platform does not name.
    Other,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Symlink => {
                f.write_str("a symbolic link; cv does not follow links out of the ledger")
            }
            Refusal::NotAFile(kind) => {
                let kind = match kind {
                    FileKind::Fifo => " (a FIFO)",
                    FileKind::Socket => " (a socket)",
                    FileKind::Device => " (a device)",
                    FileKind::Folder => " (a folder)",
                    FileKind::Other => "",
                };
                write!(f, "not a regular file{kind}; cv skips it")
            }
            Refusal::NotAFolder => {
                write!(f, "not a folder; cv keeps entries in {ENTRIES_DIR}/<year>/")
            }
            Refusal::TooLarge(size) => {
                write!(f, "the file is {size} bytes; an entry is at most 1 MB")
            }
            Refusal::NameNotUtf8 => f.write_str("the name is not valid UTF-8; cv skips it"),
        }
    }
}

impl Refusal {
    /// Returns how a user fixes it.
    pub fn hint(&self) -> &'static str {
        match self {
            Refusal::Symlink => {
                "put the file or folder itself in the ledger instead of a link to it, or remove the link"
            }
            Refusal::NotAFile(_) => {
                "move it out of entries/ or remove it: an entry is a regular .toml file"
            }
            Refusal::NotAFolder => "move it aside: cv files entries under entries/<year>/",
            Refusal::TooLarge(_) => {
                "an entry is a few KB of TOML: cut the file down or move it out of entries/"
            }
            Refusal::NameNotUtf8 => "rename it: an entry file is named after its id, in ASCII",
        }
    }

    #[cfg(unix)]
    fn of_type(kind: rustix::fs::FileType) -> Option<Refusal> {
        use rustix::fs::FileType;
        let kind = match kind {
            FileType::RegularFile => return None,
            FileType::Symlink => return Some(Refusal::Symlink),
            FileType::Fifo => FileKind::Fifo,
            FileType::Socket => FileKind::Socket,
            FileType::CharacterDevice | FileType::BlockDevice => FileKind::Device,
            FileType::Directory => FileKind::Folder,
            _ => FileKind::Other,
        };
        Some(Refusal::NotAFile(kind))
    }

    /// What an opened (or `lstat`ed) entry file is, before any byte is read.
    #[cfg(unix)]
    fn of_stat(st: &rustix::fs::Stat) -> Option<Refusal> {
        Refusal::of_type(rustix::fs::FileType::from_raw_mode(st.st_mode)).or_else(|| {
            let size = stat_size(st);
            (size > MAX_ENTRY_BYTES).then_some(Refusal::TooLarge(size))
        })
    }

    /// The errors an `O_NOFOLLOW` open gives for what it refuses to open.
    #[cfg(unix)]
    fn of_errno(e: rustix::io::Errno) -> Option<Refusal> {
        use rustix::io::Errno;
        match e {
            // FreeBSD says EMLINK where Linux says ELOOP for O_NOFOLLOW.
            Errno::LOOP | Errno::MLINK => Some(Refusal::Symlink),
            Errno::NOTDIR => Some(Refusal::NotAFolder),
            // A socket, or a device with no driver behind it.
            Errno::NXIO => Some(Refusal::NotAFile(FileKind::Other)),
            _ => None,
        }
    }

    /// Why opening a folder with [`DIR_FLAGS`] failed, when cv refused it.
    /// Linux says ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY, so
    /// that case looks at the name itself (a rare path: one lstat).
    #[cfg(unix)]
    fn of_dir_errno(
        parent: impl rustix::fd::AsFd,
        name: impl rustix::path::Arg,
        e: rustix::io::Errno,
    ) -> Option<Refusal> {
        use rustix::fs::{AtFlags, FileType};
        match Refusal::of_errno(e)? {
            Refusal::NotAFolder => {
                match rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::Symlink => {
                        Some(Refusal::Symlink)
                    }
                    _ => Some(Refusal::NotAFolder),
                }
            }
            refusal => Some(refusal),
        }
    }

    #[cfg(not(unix))]
    fn of_metadata(meta: &std::fs::Metadata) -> Option<Refusal> {
        let kind = meta.file_type();
        if kind.is_symlink() {
            Some(Refusal::Symlink)
        } else if kind.is_dir() {
            Some(Refusal::NotAFile(FileKind::Folder))
        } else if !kind.is_file() {
            Some(Refusal::NotAFile(FileKind::Other))
        } else if meta.len() > MAX_ENTRY_BYTES {
            Some(Refusal::TooLarge(meta.len()))
        } else {
            None
        }
    }
}

#[cfg(unix)]
fn stat_size(st: &rustix::fs::Stat) -> u64 {
    u64::try_from(st.st_size).unwrap_or(0)
}

/// Flags for a folder under `entries/`: a link is refused, not followed.
#[cfg(unix)]
const DIR_FLAGS: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::DIRECTORY)
    .union(rustix::fs::OFlags::NOFOLLOW)
    .union(rustix::fs::OFlags::CLOEXEC);

/// Flags for an entry file: a link is refused, and a FIFO or device that
/// slipped past the listing (replaced since) cannot block the open; the
/// fstat after it refuses them. NOCTTY: a terminal never becomes ours.
#[cfg(unix)]
const FILE_FLAGS: rustix::fs::OFlags = rustix::fs::OFlags::RDONLY
    .union(rustix::fs::OFlags::NOFOLLOW)
    .union(rustix::fs::OFlags::NONBLOCK)
    .union(rustix::fs::OFlags::NOCTTY)
    .union(rustix::fs::OFlags::CLOEXEC);

/// Every entry of a ledger and every broken file.
#[derive(Debug, Clone)]
pub struct Entries<T = Entry> {
    /// Good entries (newest first from [`read_worktree`]; unordered from
    /// [`read_worktree_as`]).
    pub entries: Vec<StoredEntry<T>>,
    /// Broken files, and paths cv would not read, by path.
    pub broken: Vec<Broken>,
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries {
            entries: Vec::new(),
            broken: Vec::new(),
        }
    }
}

/// What is under `entries/`: the files to read, and what cv will not read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Entry files (regular files when listed), relative to the ledger, sorted.
    pub files: Vec<String>,
    /// Paths cv will not read (links, FIFOs, folders named `*.toml`…), sorted.
    pub refused: Vec<Broken>,
}

/// Lists what is under `entries/<year>/`, without reading any file.
///
/// A `*.toml` name that is not a regular file, and a link where a year
/// folder (or `entries/` itself) would be, is in [`Listing::refused`].
pub fn list_entries(root: &Path) -> Result<Listing, LedgerError> {
    let walk = walk(root)?;
    let mut files: Vec<String> = walk.files.into_iter().map(|(_, rel)| rel).collect();
    files.sort_unstable();
    let mut refused = walk.refused;
    refused.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Listing { files, refused })
}

/// Lists the entry files cv reads under `entries/<year>/`, sorted by
/// relative path; see [`list_entries`] for what it leaves out.
pub fn entry_files(root: &Path) -> Result<Vec<String>, LedgerError> {
    Ok(list_entries(root)?.files)
}

/// What [`walk`] found.
#[derive(Default)]
struct Walk {
    /// `entries/`, opened without following a link: readers open the year
    /// folders relative to it, so the folder listed is the folder read.
    #[cfg(unix)]
    entries: Option<rustix::fd::OwnedFd>,
    /// (inode number where the platform has one, path relative to the ledger).
    files: Vec<(u64, String)>,
    refused: Vec<Broken>,
}

/// Lists `entries/<year>/*.toml`, sorting out what is not a regular file by
/// the type the directory listing gives (no syscall per file).
#[cfg(unix)]
fn walk(root: &Path) -> Result<Walk, LedgerError> {
    use rustix::fs::{AtFlags, Dir, FileType, Mode};
    use rustix::io::Errno;

    let mut walk = Walk::default();
    let entries_path = root.join(ENTRIES_DIR);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: Errno| LedgerError::io("read", path)(e.into())
    };
    let entries = match rustix::fs::open(&entries_path, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Ok(walk),
        Err(e) => {
            let refusal = Refusal::of_dir_errno(rustix::fs::CWD, &entries_path, e)
                .ok_or_else(|| io(&entries_path)(e))?;
            walk.refused
                .push(Broken::refused(ENTRIES_DIR.to_string(), refusal));
            return Ok(walk);
        }
    };
    // The type the listing gives, or lstat's where the filesystem gives none.
    let type_of = |dir: &rustix::fd::OwnedFd, entry: &rustix::fs::DirEntry| match entry.file_type()
    {
        FileType::Unknown => rustix::fs::statat(dir, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
            .map(|st| FileType::from_raw_mode(st.st_mode)),
        known => Ok(known),
    };
    let mut years = Dir::read_from(&entries).map_err(io(&entries_path))?;
    while let Some(year) = years.read() {
        let year = year.map_err(io(&entries_path))?;
        let name = year.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match type_of(&entries, &year) {
            Ok(kind) => kind,
            Err(Errno::NOENT) => continue,
            Err(e) => return Err(io(&entries_path)(e)),
        };
        let refused = |refusal| {
            let path = format!("{ENTRIES_DIR}/{}", String::from_utf8_lossy(name));
            Broken::refused(path, refusal)
        };
        match kind {
            FileType::Directory => {}
            // A link where a year folder would be can lead anywhere.
            FileType::Symlink => {
                walk.refused.push(refused(Refusal::Symlink));
                continue;
            }
            // Other files beside the year folders are not entries.
            _ => continue,
        }
        let Ok(year_name) = std::str::from_utf8(name) else {
            walk.refused.push(refused(Refusal::NameNotUtf8));
            continue;
        };
        let year_path = entries_path.join(year_name);
        let year_dir = match rustix::fs::openat(&entries, year_name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => continue,
            Err(e) => {
                let refusal = Refusal::of_dir_errno(&entries, year_name, e)
                    .ok_or_else(|| io(&year_path)(e))?;
                walk.refused.push(refused(refusal));
                continue;
            }
        };
        let mut files = Dir::read_from(&year_dir).map_err(io(&year_path))?;
        while let Some(file) = files.read() {
            let file = file.map_err(io(&year_path))?;
            let name = file.file_name().to_bytes();
            // Hidden files are editors' swap files and cv's own temp files.
            if !name.ends_with(b".toml") || name.starts_with(b".") {
                continue;
            }
            // Built from the listing, not from the path: comparing and
            // splitting 100,000 paths component by component was a tenth
            // of a large report's time.
            let rel = format!(
                "{ENTRIES_DIR}/{year_name}/{}",
                String::from_utf8_lossy(name)
            );
            if std::str::from_utf8(name).is_err() {
                walk.refused
                    .push(Broken::refused(rel, Refusal::NameNotUtf8));
                continue;
            }
            match type_of(&year_dir, &file).map(Refusal::of_type) {
                Ok(None) => walk.files.push((file.ino(), rel)),
                Ok(Some(refusal)) => walk.refused.push(Broken::refused(rel, refusal)),
                Err(Errno::NOENT) => {}
                Err(e) => return Err(io(&year_path)(e)),
            }
        }
    }
    walk.entries = Some(entries);
    Ok(walk)
}

/// The same listing without file descriptors: simpler, and not proof
/// against a folder replaced by a link while cv runs.
#[cfg(not(unix))]
fn walk(root: &Path) -> Result<Walk, LedgerError> {
    let mut walk = Walk::default();
    let dir = root.join(ENTRIES_DIR);
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.file_type().is_symlink() => {
            walk.refused
                .push(Broken::refused(ENTRIES_DIR.to_string(), Refusal::Symlink));
            return Ok(walk);
        }
        Ok(meta) if !meta.is_dir() => {
            walk.refused.push(Broken::refused(
                ENTRIES_DIR.to_string(),
                Refusal::NotAFolder,
            ));
            return Ok(walk);
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(walk),
        Err(e) => return Err(LedgerError::io("read", &dir)(e)),
    }
    for year in std::fs::read_dir(&dir).map_err(LedgerError::io("read", &dir))? {
        let year = year.map_err(LedgerError::io("read", &dir))?;
        let kind = year
            .file_type()
            .map_err(LedgerError::io("read", year.path()))?;
        let year_name = year.file_name().to_string_lossy().into_owned();
        if kind.is_symlink() {
            walk.refused.push(Broken::refused(
                format!("{ENTRIES_DIR}/{year_name}"),
                Refusal::Symlink,
            ));
            continue;
        }
        if !kind.is_dir() {
            continue;
        }
        let year_dir = year.path();
        for file in std::fs::read_dir(&year_dir).map_err(LedgerError::io("read", &year_dir))? {
            let file = file.map_err(LedgerError::io("read", &year_dir))?;
            let name = file.file_name();
            let lossy = name.to_string_lossy();
            if !lossy.ends_with(".toml") || lossy.starts_with('.') {
                continue;
            }
            let rel = format!("{ENTRIES_DIR}/{year_name}/{lossy}");
            let kind = file
                .file_type()
                .map_err(LedgerError::io("read", file.path()))?;
            let refusal = if name.to_str().is_none() {
                Some(Refusal::NameNotUtf8)
            } else if kind.is_symlink() {
                Some(Refusal::Symlink)
            } else if kind.is_dir() {
                Some(Refusal::NotAFile(FileKind::Folder))
            } else if !kind.is_file() {
                Some(Refusal::NotAFile(FileKind::Other))
            } else {
                None
            };
            match refusal {
                None => walk.files.push((0, rel)),
                Some(refusal) => walk.refused.push(Broken::refused(rel, refusal)),
            }
        }
    }
    Ok(walk)
}

/// Reads and parses every entry file of the work tree, newest first.
pub fn read_worktree(root: &Path, git_dir: &Path) -> Result<Entries, LedgerError> {
    let mut all = read_worktree_as(root, git_dir, Some)?;
    all.entries.sort_by(|a, b| {
        b.entry
            .date
            .cmp(&a.entry.date)
            .then_with(|| b.entry.id.cmp(&a.entry.id))
    });
    Ok(all)
}

/// Reads and parses every entry file, keeping only what `keep` returns.
///
/// Each entry is fully parsed and validated (so broken files are reported
/// the same way by every command), then reduced at once: a report over
/// 100,000 entries holds 100,000 small records, not 100,000 entries.
pub fn read_worktree_as<T, F>(
    root: &Path,
    git_dir: &Path,
    keep: F,
) -> Result<Entries<T>, LedgerError>
where
    T: Send,
    F: Fn(Entry) -> Option<T> + Sync,
{
    let mut walk = walk(root)?;
    // By inode number, so that a cold read walks the inode tables forward
    // instead of hopping (directory order is hash order).
    walk.files.sort_unstable();
    let files: Vec<String> = walk.files.into_iter().map(|(_, rel)| rel).collect();
    // Twice the cores, at most four: parsing is CPU-bound, but a cold read
    // waits on the disk, and more reads in flight overlap those waits
    // (cold, 100,000 entries: ~2.8 s with two threads, ~2.4 s with four).
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 2)
        .clamp(2, 4);
    let chunk = files.len().div_ceil(threads).max(1);
    let shared = Shared {
        #[cfg(unix)]
        entries: walk.entries,
        ..Shared::default()
    };
    let results: Vec<Result<Entries<T>, LedgerError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let keep = &keep;
                let shared = &shared;
                scope.spawn(move || read_files(root, git_dir, part, &keep, shared))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Ok(Entries::default())))
            .collect()
    });
    let mut all = Entries {
        entries: Vec::new(),
        broken: walk.refused,
    };
    for part in results {
        let part = part?;
        all.entries.extend(part.entries);
        all.broken.extend(part.broken);
    }
    all.broken.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}

fn read_files<T>(
    root: &Path,
    git_dir: &Path,
    files: &[String],
    keep: &(dyn Fn(Entry) -> Option<T> + Sync),
    shared: &Shared,
) -> Result<Entries<T>, LedgerError> {
    let mut out = Entries::default();
    let mut bytes = Vec::new();
    let mut opener = Opener::new(root, git_dir, shared);
    for rel in files {
        bytes.clear();
        if let Err(refusal) = opener.read(rel, &mut bytes)? {
            out.broken.push(Broken::refused(rel.clone(), refusal));
            continue;
        }
        match parse_bytes(&bytes) {
            Ok(entry) => {
                if let Some(kept) = keep(entry) {
                    out.entries.push(StoredEntry {
                        path: rel.clone(),
                        entry: kept,
                    });
                }
            }
            Err(error) => out.broken.push(Broken {
                path: rel.clone(),
                error,
                refusal: None,
            }),
        }
    }
    Ok(out)
}

/// Reads every entry file in path order, unparsed, through the same
/// boundary as [`read_worktree`]: `each` gets each file's path and bytes.
///
/// Returns the paths cv would not read, sorted. For `cv check`, which
/// parses the text itself to place its findings.
pub fn read_each(
    root: &Path,
    git_dir: &Path,
    mut each: impl FnMut(&str, &[u8]),
) -> Result<Vec<Broken>, LedgerError> {
    let mut walk = walk(root)?;
    walk.files.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    let shared = Shared {
        #[cfg(unix)]
        entries: walk.entries.take(),
        ..Shared::default()
    };
    let mut opener = Opener::new(root, git_dir, &shared);
    let mut refused = walk.refused;
    let mut bytes = Vec::new();
    for (_, rel) in walk.files {
        bytes.clear();
        match opener.read(&rel, &mut bytes)? {
            Ok(()) => each(&rel, &bytes),
            Err(refusal) => refused.push(Broken::refused(rel, refusal)),
        }
    }
    refused.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(refused)
}

/// Reads one entry file (`rel` from [`list_entries`]) under the same rules
/// as every other read, for a command that changes or shows that entry.
///
/// A path cv will not read is a [`LedgerError::BrokenEntry`] naming it (or
/// the folder on its way that is a link) at line 1, column 1.
pub fn read_entry_file(root: &Path, rel: &str) -> Result<Vec<u8>, LedgerError> {
    let io = LedgerError::io("read", root.join(rel));
    let refused = |(path, refusal)| {
        let broken = Broken::refused(path, refusal);
        LedgerError::BrokenEntry {
            path: broken.path,
            error: broken.error,
        }
    };
    let (file, size) = open_one(root, rel).map_err(io)?.map_err(refused)?;
    let mut bytes = Vec::new();
    match read_capped(&file, size, &mut bytes) {
        Ok(Ok(())) => Ok(bytes),
        Ok(Err(refusal)) => Err(refused((rel.to_string(), refusal))),
        Err(e) => Err(LedgerError::io("read", root.join(rel))(e)),
    }
}

/// Says why cv would not read the entry file `rel`, without reading it:
/// the path refused (the file, or a folder on its way) and the reason, or
/// `None` when cv would read it. For a command to refuse an entry up front,
/// with the reason's own hint, before it takes the write lock.
pub fn entry_file_refusal(
    root: &Path,
    rel: &str,
) -> Result<Option<(String, Refusal)>, LedgerError> {
    Ok(open_one(root, rel)
        .map_err(LedgerError::io("read", root.join(rel)))?
        .err())
}

/// Opens `rel` for reading, each folder on the way opened without following
/// a link, and returns it with its size; or the path refused and why.
#[cfg(unix)]
fn open_one(root: &Path, rel: &str) -> std::io::Result<Result<(File, u64), (String, Refusal)>> {
    use rustix::fs::{AtFlags, Mode, OFlags};
    let outside = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a path inside the ledger",
        )
    };
    let (folders, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if matches!(name, "" | "." | "..") {
        return Err(outside());
    }
    // The ledger's own folder may be a link (to a synced folder, say): the
    // user chose it. Only what is under it is the ledger's content.
    let mut dir = rustix::fs::open(
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut walked = 0;
    for part in folders.split('/').filter(|_| !folders.is_empty()) {
        if matches!(part, "" | "." | "..") {
            return Err(outside());
        }
        walked += part.len() + usize::from(walked > 0);
        dir = match rustix::fs::openat(&dir, part, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => fd,
            Err(e) => match Refusal::of_dir_errno(&dir, part, e) {
                Some(refusal) => return Ok(Err((folders[..walked].to_string(), refusal))),
                None => return Err(e.into()),
            },
        };
    }
    let refused = |refusal| Ok(Err((rel.to_string(), refusal)));
    // Looked at before opening, since opening a device can act on it (a tape
    // rewinds); the fstat after opening still catches a swap in between.
    let st = rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW)?;
    if let Some(refusal) = Refusal::of_stat(&st) {
        return refused(refusal);
    }
    match open_entry(&dir, name)? {
        Ok((file, st)) => Ok(Ok((file, stat_size(&st)))),
        Err(refusal) => refused(refusal),
    }
}

/// Opens `rel` through its path: links are refused where the platform
/// says what a path is, but a folder on the way is not checked.
#[cfg(not(unix))]
fn open_one(root: &Path, rel: &str) -> std::io::Result<Result<(File, u64), (String, Refusal)>> {
    let refused = |refusal| Ok(Err((rel.to_string(), refusal)));
    let path = root.join(rel);
    if let Some(refusal) = Refusal::of_metadata(&std::fs::symlink_metadata(&path)?) {
        return refused(refusal);
    }
    let file = File::open(&path)?;
    let meta = file.metadata()?;
    if let Some(refusal) = Refusal::of_metadata(&meta) {
        return refused(refusal);
    }
    Ok(Ok((file, meta.len())))
}

#[cfg(not(unix))]
fn read_path(path: &Path, bytes: &mut Vec<u8>) -> std::io::Result<Result<(), Refusal>> {
    if let Some(refusal) = Refusal::of_metadata(&std::fs::symlink_metadata(path)?) {
        return Ok(Err(refusal));
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if let Some(refusal) = Refusal::of_metadata(&meta) {
        return Ok(Err(refusal));
    }
    read_capped(&file, meta.len(), bytes)
}

/// Opens `name` in `dir` without following a link or blocking, and says
/// what it is before a byte is read. The stat is returned for the cold
/// reader, so a file costs one fstat in all.
#[cfg(unix)]
fn open_entry(
    dir: impl rustix::fd::AsFd,
    name: &str,
) -> std::io::Result<Result<(File, rustix::fs::Stat), Refusal>> {
    let fd = match rustix::fs::openat(dir, name, FILE_FLAGS, rustix::fs::Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return Refusal::of_errno(e).map(Err).ok_or_else(|| e.into()),
    };
    let st = rustix::fs::fstat(&fd)?;
    if let Some(refusal) = Refusal::of_stat(&st) {
        return Ok(Err(refusal));
    }
    Ok(Ok((File::from(fd), st)))
}

/// Appends the file to `bytes`, never more than [`MAX_ENTRY_BYTES`] and one:
/// the one byte more tells a file that grew past the cap since it was
/// measured (`size`) from one exactly at it, and such a file is refused.
fn read_capped(
    file: &File,
    size: u64,
    bytes: &mut Vec<u8>,
) -> std::io::Result<Result<(), Refusal>> {
    // The exact size up front: one read fills it, a second sees the end.
    bytes.reserve(usize::try_from(size.min(MAX_ENTRY_BYTES)).unwrap_or(0));
    let start = bytes.len();
    let read = file.take(MAX_ENTRY_BYTES + 1).read_to_end(bytes)?;
    if read as u64 > MAX_ENTRY_BYTES {
        bytes.truncate(start);
        let now = file.metadata().map_or(read as u64, |m| m.len());
        return Ok(Err(Refusal::TooLarge(now.max(read as u64))));
    }
    Ok(Ok(()))
}

/// Reads entry files for one thread.
///
/// Files are opened relative to their year folder (`openat`), so the kernel
/// resolves one name per file instead of the whole path, and a year folder
/// relative to the `entries/` folder the listing read. On Linux a file
/// that is not in the page cache is read from the object store instead,
/// when the index vouches for it (see `blobs.rs`).
struct Opener<'a> {
    root: &'a Path,
    #[cfg(unix)]
    entries: Option<&'a rustix::fd::OwnedFd>,
    #[cfg(unix)]
    dir: Option<(String, rustix::fd::OwnedFd)>,
    #[cfg(target_os = "linux")]
    cold: ColdReader<'a>,
}

impl<'a> Opener<'a> {
    fn new(root: &'a Path, git_dir: &'a Path, shared: &'a Shared) -> Opener<'a> {
        let _ = (shared, git_dir);
        Opener {
            root,
            #[cfg(unix)]
            entries: shared.entries.as_ref(),
            #[cfg(unix)]
            dir: None,
            #[cfg(target_os = "linux")]
            cold: ColdReader {
                root,
                git_dir,
                view: &shared.view,
                repo: None,
                nowait: true,
                assume_cold: std::env::var_os(ASSUME_COLD_VAR).is_some_and(|v| !v.is_empty()),
            },
        }
    }

    /// Reads one listed file (`entries/<year>/<name>`) into `bytes`, or says
    /// why it will not.
    #[cfg(unix)]
    fn read(&mut self, rel: &str, bytes: &mut Vec<u8>) -> Result<Result<(), Refusal>, LedgerError> {
        use rustix::fs::Mode;
        let io = |e: std::io::Error| LedgerError::io("read", self.root.join(rel))(e);
        let (Some(entries), Some((year, name))) = (
            self.entries,
            rel.strip_prefix(ENTRIES_DIR)
                .and_then(|r| r.strip_prefix('/'))
                .and_then(|r| r.split_once('/')),
        ) else {
            return Err(io(std::io::ErrorKind::InvalidInput.into()));
        };
        if self.dir.as_ref().is_none_or(|(open, _)| open != year) {
            match rustix::fs::openat(entries, year, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => self.dir = Some((year.to_string(), fd)),
                // The folder was replaced by a link since it was listed.
                Err(e) => {
                    return Refusal::of_dir_errno(entries, year, e)
                        .map(Err)
                        .ok_or_else(|| io(e.into()));
                }
            }
        }
        let Some((_, dir)) = &self.dir else {
            return Err(io(std::io::ErrorKind::NotFound.into()));
        };
        let (file, st) = match open_entry(dir, name).map_err(io)? {
            Ok(opened) => opened,
            Err(refusal) => return Ok(Err(refusal)),
        };
        #[cfg(target_os = "linux")]
        if self
            .cold
            .read_cached_or_blob(&file, &st, rel, bytes)
            .map_err(io)?
        {
            return Ok(Ok(()));
        }
        read_capped(&file, stat_size(&st), bytes).map_err(io)
    }

    #[cfg(not(unix))]
    fn read(&mut self, rel: &str, bytes: &mut Vec<u8>) -> Result<Result<(), Refusal>, LedgerError> {
        let path = self.root.join(rel);
        read_path(&path, bytes).map_err(LedgerError::io("read", &path))
    }
}

/// What the reading threads share: `entries/` as listed, and the index,
/// loaded by the first thread that meets a file outside the page cache
/// (never, when the cache is warm).
#[derive(Default)]
struct Shared {
    #[cfg(unix)]
    entries: Option<rustix::fd::OwnedFd>,
    #[cfg(target_os = "linux")]
    view: std::sync::OnceLock<Option<super::blobs::IndexView>>,
}

#[cfg(target_os = "linux")]
struct ColdReader<'a> {
    root: &'a Path,
    git_dir: &'a Path,
    view: &'a std::sync::OnceLock<Option<super::blobs::IndexView>>,
    /// Opened on first use, per thread (a Repository is not Sync).
    repo: Option<Option<git2::Repository>>,
    /// `CV_ASSUME_COLD` is set.
    assume_cold: bool,
    /// False once the kernel says it cannot read without waiting.
    nowait: bool,
}

/// Set to read every file the index vouches for from the object store, as
/// on a cold cache: for tests and diagnostics (the page cache cannot be
/// dropped without privileges).
pub const ASSUME_COLD_VAR: &str = "CV_ASSUME_COLD";

#[cfg(target_os = "linux")]
impl ColdReader<'_> {
    /// Fills `bytes` from the page cache without waiting, or else from the
    /// object store when the index vouches for the file. Returns false (and
    /// leaves `bytes` empty) when the caller must read the file itself.
    ///
    /// `file` was opened and `st` checked by [`open_entry`]: a regular file
    /// within the cap. The blob the index names for it has the same size.
    fn read_cached_or_blob(
        &mut self,
        file: &File,
        st: &rustix::fs::Stat,
        rel: &str,
        bytes: &mut Vec<u8>,
    ) -> std::io::Result<bool> {
        use rustix::io::{Errno, ReadWriteFlags};
        if !self.nowait {
            return Ok(false);
        }
        if !self.assume_cold {
            let size = usize::try_from(st.st_size).unwrap_or(0);
            bytes.resize(size, 0);
            match rustix::io::preadv2(
                file,
                &mut [std::io::IoSliceMut::new(bytes)],
                0,
                ReadWriteFlags::NOWAIT,
            ) {
                Ok(n) if n == size => return Ok(true),
                Ok(_) | Err(Errno::AGAIN) => {}
                Err(Errno::OPNOTSUPP | Errno::INVAL | Errno::NOSYS) => {
                    self.nowait = false;
                    bytes.clear();
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            }
        }
        bytes.clear();
        let (root, git_dir) = (self.root, self.git_dir);
        let view = self
            .view
            .get_or_init(|| super::blobs::IndexView::load(git_dir));
        let Some(oid) = view.as_ref().and_then(|v| v.trusted_oid(rel, st)) else {
            return Ok(false);
        };
        let repo = self
            .repo
            .get_or_insert_with(|| super::repo::open_repo(root).ok());
        let Some(repo) = repo else { return Ok(false) };
        // The index vouches for the size too (git wrote it for this blob,
        // and a clone never carries an index), so the blob is read whole;
        // the length check is a guard, not the rule.
        let copied = repo.odb().and_then(|odb| {
            let blob = odb.read(oid)?;
            let fits = blob.data().len() as u64 <= MAX_ENTRY_BYTES;
            if fits {
                bytes.extend_from_slice(blob.data());
            }
            Ok(fits)
        });
        Ok(copied.unwrap_or(false))
    }
}

/// Parses an entry file's bytes; invalid UTF-8 is a parse error at its offset.
pub fn parse_bytes(bytes: &[u8]) -> Result<Entry, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Entry::parse(text),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let (line, column) = crate::entry::line_col(valid, valid.len());
            Err(ParseError {
                line,
                column,
                message: "the file is not valid UTF-8".to_string(),
            })
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    use std::os::unix::ffi::OsStrExt;

    fn ledger() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::create_dir_all(dir.path().join("entries/2026")).expect("mkdir");
        dir
    }

    fn entry(id: &str) -> String {
        format!("id = \"{id}\"\ntitle = \"T\"\ndate = 2026-01-01\n")
    }

    fn refusals(listing: &Listing) -> Vec<(&str, Option<Refusal>)> {
        listing
            .refused
            .iter()
            .map(|b| (b.path.as_str(), b.refusal))
            .collect()
    }

    #[test]
    fn the_listing_names_what_is_not_a_regular_file_and_opens_none_of_it() {
        let dir = ledger();
        let root = dir.path();
        let year = root.join("entries/2026");
        std::fs::write(year.join("a.toml"), entry("a")).expect("write");
        std::fs::write(year.join(".a.toml.cv-tmp"), "").expect("write");
        std::fs::write(year.join("notes.md"), "").expect("write");
        std::fs::create_dir(year.join("folder.toml")).expect("mkdir");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            year.join("pipe.toml"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .expect("mkfifo");
        std::os::unix::fs::symlink(year.join("a.toml"), year.join("link.toml")).expect("ln");
        std::os::unix::fs::symlink(&year, root.join("entries/2025")).expect("ln");
        std::fs::write(
            year.join(std::ffi::OsStr::from_bytes(b"bad-\xff.toml")),
            entry("x"),
        )
        .expect("write");

        let listing = list_entries(root).expect("list");
        assert_eq!(listing.files, ["entries/2026/a.toml"]);
        assert_eq!(
            refusals(&listing),
            [
                ("entries/2025", Some(Refusal::Symlink)),
                ("entries/2026/bad-\u{fffd}.toml", Some(Refusal::NameNotUtf8)),
                (
                    "entries/2026/folder.toml",
                    Some(Refusal::NotAFile(FileKind::Folder))
                ),
                ("entries/2026/link.toml", Some(Refusal::Symlink)),
                (
                    "entries/2026/pipe.toml",
                    Some(Refusal::NotAFile(FileKind::Fifo))
                ),
            ]
        );

        // Reading goes on past every one of them: the FIFO is never opened.
        let all = read_worktree(root, &root.join(".git")).expect("read");
        assert_eq!(all.entries.len(), 1);
        assert_eq!(all.broken.len(), 5);
        assert_eq!(
            all.broken[4].error.message,
            "not a regular file (a FIFO); cv skips it"
        );
    }

    #[test]
    fn entries_itself_must_be_a_folder_not_a_link_to_one() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        std::fs::create_dir_all(root.join("elsewhere/2026")).expect("mkdir");
        std::fs::write(root.join("elsewhere/2026/a.toml"), entry("a")).expect("write");
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("entries")).expect("ln");
        let listing = list_entries(root).expect("list");
        assert!(listing.files.is_empty());
        assert_eq!(refusals(&listing), [("entries", Some(Refusal::Symlink))]);

        std::fs::remove_file(root.join("entries")).expect("rm");
        std::fs::write(root.join("entries"), "").expect("write");
        let listing = list_entries(root).expect("list");
        assert_eq!(refusals(&listing), [("entries", Some(Refusal::NotAFolder))]);

        std::fs::remove_file(root.join("entries")).expect("rm");
        let listing = list_entries(root).expect("no entries/ is an empty ledger");
        assert!(listing.files.is_empty() && listing.refused.is_empty());
    }

    #[test]
    fn the_cap_is_checked_before_reading_and_again_while_reading() {
        let dir = ledger();
        let path = dir.path().join("entries/2026/big.toml");
        let file = File::create(&path).expect("create");
        file.set_len(MAX_ENTRY_BYTES).expect("set_len");
        let mut bytes = Vec::new();
        let file = File::open(&path).expect("open");
        assert_eq!(
            read_capped(&file, MAX_ENTRY_BYTES, &mut bytes).expect("read"),
            Ok(())
        );
        assert_eq!(bytes.len() as u64, MAX_ENTRY_BYTES);

        // One byte more: refused before a byte is read…
        File::create(&path)
            .and_then(|f| f.set_len(MAX_ENTRY_BYTES + 1))
            .expect("grow");
        let error = read_entry_file(dir.path(), "entries/2026/big.toml").expect_err("refused");
        assert_eq!(
            error.to_string(),
            "entries/2026/big.toml:1:1: the file is 1048577 bytes; an entry is at most 1 MB"
        );
        // …and, when it grew after it was measured, the read stops one byte
        // past the cap instead of following it.
        let mut bytes = b"kept".to_vec();
        let file = File::open(&path).expect("open");
        assert_eq!(
            read_capped(&file, 10, &mut bytes).expect("read"),
            Err(Refusal::TooLarge(MAX_ENTRY_BYTES + 1))
        );
        assert_eq!(bytes, b"kept");
    }

    #[test]
    fn one_file_reads_refuse_links_fifos_and_paths_out_of_the_ledger() {
        let dir = ledger();
        let root = dir.path();
        let year = root.join("entries/2026");
        std::fs::write(year.join("a.toml"), entry("a")).expect("write");
        assert_eq!(
            read_entry_file(root, "entries/2026/a.toml").expect("read"),
            entry("a").into_bytes()
        );

        std::os::unix::fs::symlink(year.join("a.toml"), year.join("link.toml")).expect("ln");
        std::os::unix::fs::symlink(&year, root.join("entries/2025")).expect("ln");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            year.join("pipe.toml"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .expect("mkfifo");
        let message = |rel: &str| read_entry_file(root, rel).expect_err("refused").to_string();
        assert_eq!(
            message("entries/2026/link.toml"),
            "entries/2026/link.toml:1:1: a symbolic link; cv does not follow links out of the ledger"
        );
        assert_eq!(
            message("entries/2025/a.toml"),
            "entries/2025:1:1: a symbolic link; cv does not follow links out of the ledger"
        );
        assert_eq!(
            message("entries/2026/pipe.toml"),
            "entries/2026/pipe.toml:1:1: not a regular file (a FIFO); cv skips it"
        );
        assert!(matches!(
            read_entry_file(root, "entries/../entries/2026/a.toml"),
            Err(LedgerError::Io { .. })
        ));
    }
}
