//! A work repository's mailmap, read from where git reads it and matched
//! as git matches it: names and emails compared ignoring ASCII case.
//! libgit2's own compares them byte for byte, so `<Old@Corp.com>` in a
//! `.mailmap` missed a commit by `old@corp.com` that `git log
//! --use-mailmap` finds.
//!
//! Only what `cv harvest` needs is kept: the proper email each commit
//! identity maps to. A work repository is anyone's: its `.mailmap` is read
//! only as a regular file, never through a symlink (git refuses one too),
//! never from a FIFO or device, and at most [`MAX_MAILMAP_BYTES`].

use std::io::Read;
use std::path::Path;

use git2::Repository;

/// A mailmap larger than this is not read: git's own is a few kB; this
/// leaves room for a 300,000-line one.
pub const MAX_MAILMAP_BYTES: u64 = 32 << 20;

/// The mailmap's email mappings.
#[derive(Debug, Default)]
pub struct Mailmap {
    entries: Vec<Entry>,
}

/// One line that maps a commit's identity to a proper email. Bytes, ASCII
/// lowercase: git compares with `strcasecmp`.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    proper: Vec<u8>,
    /// The commit name it applies to; `None`: any name.
    name: Option<Vec<u8>>,
    email: Vec<u8>,
}

impl Mailmap {
    /// Reads `.mailmap` in the work tree (a bare repository: `mailmap.blob`,
    /// which defaults to `HEAD:.mailmap`), then `mailmap.file`, then
    /// `mailmap.blob`, later lines overriding earlier ones, as git does.
    pub fn load(repo: &Repository) -> Mailmap {
        let mut map = Mailmap::default();
        let config = repo.config().ok();
        let blob = config
            .as_ref()
            .and_then(|c| c.get_string("mailmap.blob").ok());
        if let Some(dir) = repo.workdir()
            && let Some(text) = read_regular(&dir.join(".mailmap"), false)
        {
            map.parse(&text);
        }
        if let Some(path) = config
            .as_ref()
            .and_then(|c| c.get_path("mailmap.file").ok())
            && let Some(text) = read_regular(&path, true)
        {
            map.parse(&text);
        }
        match (blob, repo.is_bare()) {
            (Some(rev), _) => map.parse_blob(repo, &rev),
            (None, true) => map.parse_blob(repo, "HEAD:.mailmap"),
            (None, false) => {}
        }
        map
    }

    fn parse_blob(&mut self, repo: &Repository, rev: &str) {
        if let Ok(blob) = repo.revparse_single(rev).and_then(|o| o.peel_to_blob())
            && blob.size() as u64 <= MAX_MAILMAP_BYTES
        {
            self.parse(blob.content());
        }
    }

    /// Adds the lines of one mailmap file: `Proper <proper> Commit <commit>`,
    /// `<proper> <commit>`, `Proper <proper> <commit>`; a line with one
    /// email changes only the name, which harvest does not need. As in git,
    /// a comment is a line whose first byte is `#`, a name is trimmed and
    /// an email is taken between its brackets as it is.
    fn parse(&mut self, text: &[u8]) {
        for line in text.split(|&b| b == b'\n') {
            if line.first() == Some(&b'#') {
                continue;
            }
            let Some((_, proper, rest)) = bracketed(line) else {
                continue;
            };
            let Some((name, email, _)) = bracketed(rest) else {
                continue;
            };
            if proper.is_empty() {
                continue;
            }
            let name = name.trim_ascii();
            self.entries.push(Entry {
                proper: proper.to_ascii_lowercase(),
                name: (!name.is_empty()).then(|| name.to_ascii_lowercase()),
                email: email.to_ascii_lowercase(),
            });
        }
    }

    /// The proper email (ASCII lowercase) for a commit's author, if a line
    /// maps it: one naming both the name and the email wins over one naming
    /// the email only; among equals, the last.
    pub fn email_for(&self, name: &[u8], email: &[u8]) -> Option<Vec<u8>> {
        if self.entries.is_empty() {
            return None;
        }
        let name = name.trim_ascii().to_ascii_lowercase();
        let email = email.to_ascii_lowercase();
        let by_name = self
            .entries
            .iter()
            .rev()
            .find(|e| e.email == email && e.name.as_deref() == Some(name.as_slice()));
        by_name
            .or_else(|| {
                self.entries
                    .iter()
                    .rev()
                    .find(|e| e.email == email && e.name.is_none())
            })
            .map(|e| e.proper.clone())
    }
}

/// Splits `text` at its first `<…>`: (before, inside, after).
fn bracketed(text: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let open = text.iter().position(|&b| b == b'<')?;
    let close = open + text[open..].iter().position(|&b| b == b'>')?;
    Some((&text[..open], &text[open + 1..close], &text[close + 1..]))
}

/// A regular file's bytes, at most [`MAX_MAILMAP_BYTES`]; `None` for
/// anything else. Opened without blocking (a FIFO), and, unless `follow`,
/// not through a symlink.
fn read_regular(path: &Path, follow: bool) -> Option<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = rustix::fs::OFlags::NONBLOCK;
        if !follow {
            flags |= rustix::fs::OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_MAILMAP_BYTES {
        return None;
    }
    let mut text = Vec::new();
    file.take(MAX_MAILMAP_BYTES).read_to_end(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_emails_match_ignoring_ascii_case_and_the_name_form_wins() {
        let mut map = Mailmap::default();
        map.parse(
            b"# a comment\n\
Me <me@x.test> <Old@X.Test>\n\
Me <me@x.test> Old Name <o2@X.TEST>\n\
Other <other@x.test> <o2@x.test>\n\
Just A Name <name-only@x.test>\n",
        );
        // (Written apart: a `\` line continuation would eat the indent.)
        map.parse(b"  # Indented <indented@x.test> <ind@x.test>\n<spaced@x.test> < sp@x.test >\n");
        let email = |map: &Mailmap, name: &[u8], email: &[u8]| {
            map.email_for(name, email)
                .map(|e| String::from_utf8_lossy(&e).into_owned())
        };
        assert_eq!(
            email(&map, b"Anyone", b"OLD@x.test").as_deref(),
            Some("me@x.test")
        );
        assert_eq!(
            email(&map, b"OLD NAME", b"o2@x.test").as_deref(),
            Some("me@x.test")
        );
        assert_eq!(
            email(&map, b"Someone", b"O2@x.test").as_deref(),
            Some("other@x.test")
        );
        assert_eq!(email(&map, b"Just", b"name-only@x.test"), None);
        assert_eq!(email(&map, b"Me", b"me@x.test"), None);
        // As git: only a `#` in the first column starts a comment, and an
        // email is compared with the spaces its brackets hold.
        assert_eq!(
            email(&map, b"X", b"ind@x.test").as_deref(),
            Some("indented@x.test")
        );
        assert_eq!(email(&map, b"X", b"sp@x.test"), None);
        // ASCII case only, as git's strcasecmp.
        map.parse("<u-new@x.test> <\u{dc}@x.test>\n".as_bytes());
        assert_eq!(email(&map, b"X", "\u{fc}@x.test".as_bytes()), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_or_special_mailmap_is_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join(".mailmap");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        assert_eq!(read_regular(&link, false), None);
        assert_eq!(read_regular(&link, true), None, "a device is not a file");
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .expect("mkfifo");
        assert_eq!(
            read_regular(&fifo, true),
            None,
            "a FIFO never blocks the read"
        );
    }
}
