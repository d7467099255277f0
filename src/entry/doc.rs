//! An entry file as a TOML document, for commands that change an existing
//! entry (`link`, `edit`): edits are made on the document, so the user's
//! comments, key order, formatting and unknown keys survive.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Value};

use super::{Entry, ParseError, link_table};
use crate::links::Link;

/// An entry file's text, parsed both as a document and as an [`Entry`].
#[derive(Debug, Clone)]
pub struct EntryDoc {
    doc: DocumentMut,
    entry: Entry,
    /// Every line of the file ends in CRLF, and [`EntryDoc::to_text`] must
    /// keep it so (`toml_edit` writes its own line breaks as LF).
    crlf: bool,
}

impl EntryDoc {
    /// Parses an entry file; the same rules as [`Entry::parse`].
    pub fn parse(text: &str) -> Result<EntryDoc, ParseError> {
        let entry = Entry::parse(text)?;
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
            let (line, column) = super::line_col(body, e.span().map_or(0, |s| s.start));
            ParseError {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let crlf =
            body.contains("\r\n") && body.matches('\n').count() == body.matches("\r\n").count();
        Ok(EntryDoc { doc, entry, crlf })
    }

    /// The typed view of the entry as it is now.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// Appends a link unless the entry already has it; returns whether it was added.
    ///
    /// Links go to the `[[links]]` array of tables; an entry that wrote
    /// `links = [ {…} ]` inline gets an inline table instead, in its style.
    pub fn add_link(&mut self, link: &Link) -> bool {
        if self.entry.links.iter().any(|l| same_link(l, link)) {
            return false;
        }
        let table = link_table(link);
        match self.doc.get_mut("links") {
            Some(Item::ArrayOfTables(tables)) => tables.push(table),
            Some(Item::Value(Value::Array(array))) => array.push(table.into_inline_table()),
            _ => {
                let mut tables = ArrayOfTables::new();
                tables.push(table);
                self.doc["links"] = Item::ArrayOfTables(tables);
            }
        }
        // A raw LF inside a new multi-line string is part of its value: a
        // file that gets one can no longer be all CRLF.
        self.crlf &= !link_strings(link).any(|s| s.contains('\n'));
        self.entry.links.push(link.clone());
        true
    }

    /// Sets the entry's id, keeping everything else of the document.
    pub fn set_id(&mut self, id: &str) {
        match self.doc.get_mut("id") {
            Some(Item::Value(value)) => {
                // Keep the comment or spacing around the old value.
                let decor = value.decor().clone();
                *value = Value::from(id);
                *value.decor_mut() = decor;
            }
            _ => self.doc["id"] = toml_edit::value(id),
        }
        self.entry.id = id.to_string();
    }

    /// Renders the document back to text.
    pub fn to_text(&self) -> String {
        let text = self.doc.to_string();
        if !self.crlf {
            return text;
        }
        // The file's own text keeps its CRLFs; only the LFs that toml_edit
        // wrote between items are bare, and they become CRLF too.
        let mut out = String::with_capacity(text.len() + text.len() / 16);
        let mut prev = '\0';
        for c in text.chars() {
            if c == '\n' && prev != '\r' {
                out.push('\r');
            }
            out.push(c);
            prev = c;
        }
        out
    }
}

fn link_strings(link: &Link) -> impl Iterator<Item = &String> {
    let (a, b, summary) = match link {
        Link::Commit { repo, sha, summary } => (repo, Some(sha), summary),
        Link::Pr { url, summary } | Link::Url { url, summary } => (url, None, summary),
    };
    std::iter::once(a).chain(b).chain(summary)
}

fn same_link(a: &Link, b: &Link) -> bool {
    match (a, b) {
        (Link::Commit { sha: x, .. }, Link::Commit { sha: y, .. }) => x.eq_ignore_ascii_case(y),
        (Link::Pr { url: x, .. }, Link::Pr { url: y, .. })
        | (Link::Url { url: x, .. }, Link::Url { url: y, .. }) => {
            x.trim_end_matches('/') == y.trim_end_matches('/')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAND_WRITTEN: &str = r#"# My favourite win this quarter
id = "2026-11-02-faster-search"
title = "Faster search"   # keep it short
date = 2026-11-02
team_okr = "Q4-3"          # not a cv key: must survive

[[links]]
kind = "pr"
url = "https://github.com/acme/shop/pull/1"
"#;

    #[test]
    fn a_link_is_appended_and_everything_else_survives() {
        let mut doc = EntryDoc::parse(HAND_WRITTEN).expect("parses");
        let link = Link::Commit {
            repo: "https://github.com/acme/shop".into(),
            sha: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
            summary: Some("Cache".into()),
        };
        assert!(doc.add_link(&link));
        assert!(!doc.add_link(&link), "the same commit is not linked twice");
        let text = doc.to_text();
        assert!(
            text.starts_with(HAND_WRITTEN),
            "the original text is untouched:\n{text}"
        );
        assert!(text.ends_with(
            "\n[[links]]\nkind = \"commit\"\nrepo = \"https://github.com/acme/shop\"\nsha = \"9fceb02d0ae598e95dc970b74767f19372d61af8\"\nsummary = \"Cache\"\n"
        ), "{text}");
        assert_eq!(Entry::parse(&text).expect("still an entry").links.len(), 2);
    }

    #[test]
    fn inline_links_stay_inline() {
        let text = "id = \"a\"\ntitle = \"t\"\ndate = 2026-11-02\nlinks = [{ kind = \"url\", url = \"https://x.example\" }]\n";
        let mut doc = EntryDoc::parse(text).expect("parses");
        assert!(doc.add_link(&Link::Url {
            url: "https://y.example".into(),
            summary: None
        }));
        let out = doc.to_text();
        assert!(
            out.contains("{ kind = \"url\", url = \"https://x.example\" }"),
            "{out}"
        );
        assert_eq!(Entry::parse(&out).expect("parses").links.len(), 2);
    }

    /// Found by the property tests (issue 6): toml_edit writes LF between
    /// items, so a CRLF file came back with every line ending changed.
    #[test]
    fn a_crlf_file_stays_crlf() {
        let text = HAND_WRITTEN.replace('\n', "\r\n");
        let mut doc = EntryDoc::parse(&text).expect("parses");
        assert_eq!(doc.to_text(), text, "untouched, it renders as read");
        assert!(doc.add_link(&Link::Url {
            url: "https://example.com/proof".into(),
            summary: Some("dashboard".into()),
        }));
        let out = doc.to_text();
        assert!(out.starts_with(&text), "{out:?}");
        assert!(
            out.ends_with("\r\n[[links]]\r\nkind = \"url\"\r\nurl = \"https://example.com/proof\"\r\nsummary = \"dashboard\"\r\n"),
            "{out:?}"
        );
        // A value with a line break may be written as a multi-line string,
        // whose raw LF belongs to the value: it is kept, not made CRLF.
        let summary = Some("two\nlines".to_string());
        assert!(doc.add_link(&Link::Url {
            url: "https://example.com/more".into(),
            summary: summary.clone(),
        }));
        let entry = Entry::parse(&doc.to_text()).expect("still an entry");
        assert_eq!(
            entry.links.last().cloned(),
            Some(Link::Url {
                url: "https://example.com/more".into(),
                summary,
            })
        );
    }

    /// Thousands of deterministic mutations of a real entry (byte flips,
    /// cuts, duplications, TOML punctuation) through the parser, the editor
    /// and `check`: nothing panics, and whenever the editor accepts a file,
    /// what it writes parses back with exactly one more link.
    #[test]
    fn mutated_entries_never_panic_and_edits_stay_valid() {
        let fw = crate::framework::Framework::builtin().expect("builtin");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let seed = crate::content::DEMO_ENTRIES[3].1.as_bytes();
        let junk: &[&[u8]] = &[
            b"[",
            b"]",
            b"{",
            b"}",
            b"\"",
            b"'",
            b"=",
            b"\n",
            b"[[links]]\n",
            b"\\",
            b"#",
            b".",
            b"\xff",
            b"\r\n",
            b"9999999999999999999999",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % n.max(1)
        };
        let link = Link::Url {
            url: "https://example.com/proof".into(),
            summary: None,
        };
        for _ in 0..4000 {
            let mut bytes = seed.to_vec();
            for _ in 0..1 + next(4) {
                let at = next(bytes.len() + 1);
                match next(4) {
                    0 if !bytes.is_empty() => {
                        let i = next(bytes.len());
                        bytes[i] ^= 1 << next(8);
                    }
                    1 => bytes.truncate(at),
                    2 => {
                        let end = (at + next(40)).min(bytes.len());
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    _ => {
                        let piece = junk[next(junk.len())];
                        bytes.splice(at..at, piece.iter().copied());
                    }
                }
            }
            let _ =
                crate::check::check_ledger([("entries/2026/x.toml", bytes.as_slice())], &fw, today);
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let Ok(mut doc) = EntryDoc::parse(text) else {
                continue;
            };
            let links = doc.entry().links.len();
            let added = doc.add_link(&link);
            let reparsed = Entry::parse(&doc.to_text()).expect("an edited valid entry stays valid");
            assert_eq!(reparsed.links.len(), links + usize::from(added));
        }
    }
}
