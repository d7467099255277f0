//! A work repository's mailmap, read from where git reads it and matched
//! as git matches it: names and emails case-insensitively. libgit2's own
//! compares them byte for byte, so `<Old@Corp.com>` in a `.mailmap` missed
//! a commit by `old@corp.com` that `git log --use-mailmap` finds.
//!
//! Only what `cv harvest` needs is kept: the proper email each commit
//! identity maps to.

use git2::Repository;

/// The mailmap's email mappings.
#[derive(Debug, Default)]
pub struct Mailmap {
    entries: Vec<Entry>,
}

/// One line that maps a commit's identity to a proper email.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    /// The proper email, lowercase.
    proper: String,
    /// The commit name it applies to, lowercase; `None`: any name.
    name: Option<String>,
    /// The commit email, lowercase.
    email: String,
}

impl Mailmap {
    /// Reads `.mailmap` in the work tree (a bare repository: at HEAD, as
    /// `mailmap.blob` defaults there), then `mailmap.file` and
    /// `mailmap.blob`, later lines overriding earlier ones, as git does.
    pub fn load(repo: &Repository) -> Mailmap {
        let mut map = Mailmap::default();
        match repo.workdir() {
            Some(dir) => {
                if let Ok(text) = std::fs::read(dir.join(".mailmap")) {
                    map.parse(&text);
                }
            }
            None => map.parse_blob(repo, "HEAD:.mailmap"),
        }
        if let Ok(config) = repo.config() {
            if let Ok(path) = config.get_path("mailmap.file")
                && let Ok(text) = std::fs::read(path)
            {
                map.parse(&text);
            }
            if let Ok(rev) = config.get_string("mailmap.blob") {
                map.parse_blob(repo, &rev);
            }
        }
        map
    }

    fn parse_blob(&mut self, repo: &Repository, rev: &str) {
        if let Ok(blob) = repo.revparse_single(rev).and_then(|o| o.peel_to_blob()) {
            self.parse(blob.content());
        }
    }

    /// Adds the lines of one mailmap file: `Proper <proper> Commit <commit>`,
    /// `<proper> <commit>`, `Proper <proper> <commit>`; a line with one
    /// email changes only the name, which harvest does not need.
    fn parse(&mut self, text: &[u8]) {
        for line in String::from_utf8_lossy(text).lines() {
            let line = line.trim();
            if line.starts_with('#') {
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
            let name = name.trim();
            self.entries.push(Entry {
                proper: proper.to_lowercase(),
                name: (!name.is_empty()).then(|| name.to_lowercase()),
                email: email.to_lowercase(),
            });
        }
    }

    /// The proper email (lowercase) for a commit's author, if a line maps
    /// it: one naming both the name and the email wins over one naming the
    /// email only; among equals, the last.
    pub fn email_for(&self, name: &[u8], email: &[u8]) -> Option<String> {
        if self.entries.is_empty() {
            return None;
        }
        let name = String::from_utf8_lossy(name).trim().to_lowercase();
        let email = String::from_utf8_lossy(email).trim().to_lowercase();
        let by_name = self
            .entries
            .iter()
            .rev()
            .find(|e| e.email == email && e.name.as_deref() == Some(name.as_str()));
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
fn bracketed(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find('<')?;
    let close = open + text[open..].find('>')?;
    Some((
        &text[..open],
        text[open + 1..close].trim(),
        &text[close + 1..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_emails_match_in_any_case_and_the_name_form_wins() {
        let mut map = Mailmap::default();
        map.parse(
            b"# a comment\n\
Me <me@x.test> <Old@X.Test>\n\
Me <me@x.test> Old Name <o2@X.TEST>\n\
Other <other@x.test> <o2@x.test>\n\
Just A Name <name-only@x.test>\n",
        );
        assert_eq!(
            map.email_for(b"Anyone", b"OLD@x.test").as_deref(),
            Some("me@x.test")
        );
        assert_eq!(
            map.email_for(b"OLD NAME", b"o2@x.test").as_deref(),
            Some("me@x.test")
        );
        assert_eq!(
            map.email_for(b"Someone", b"O2@x.test").as_deref(),
            Some("other@x.test")
        );
        assert_eq!(map.email_for(b"Just", b"name-only@x.test"), None);
        assert_eq!(map.email_for(b"Me", b"me@x.test"), None);
    }
}
