//! Any bytes as an entry file, through everything that reads or edits one:
//! `cv check` never panics; whatever the parser accepts, the editor
//! (`EntryDoc`) accepts too, renders unchanged, and after `add_link` writes
//! a file that parses back to the same entry, every key kept, plus the link.
#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use cv::entry::{Entry, EntryDoc};
use cv::framework::Framework;
use cv::links::Link;
use libfuzzer_sys::fuzz_target;

fn framework() -> &'static Framework {
    static FW: OnceLock<Framework> = OnceLock::new();
    FW.get_or_init(|| Framework::builtin().expect("the built-in framework loads"))
}

/// The link to add; which one depends on the input, so all three kinds are
/// exercised (the last has a line break, written as a multi-line string).
fn link_for(data: &[u8]) -> Link {
    match data.len() % 3 {
        0 => Link::Commit {
            repo: "https://github.com/acme/shop".into(),
            sha: "fedcba9876543210fedcba9876543210fedcba98".into(),
            summary: Some("Fuzz \"quoted\" summary".into()),
        },
        1 => Link::Pr {
            url: "https://github.com/acme/shop/pull/4312".into(),
            summary: None,
        },
        _ => Link::Url {
            url: "https://example.com/fuzz".into(),
            summary: Some("two\nlines".into()),
        },
    }
}

/// Debug text compares NaN equal to itself (a file may say `before = nan`).
fn same<T: std::fmt::Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn pure_line_endings(text: &str) -> bool {
    let lf = text.matches('\n').count();
    let crlf = text.matches("\r\n").count();
    crlf == 0 || crlf == lf
}

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let _ = cv::check::check_ledger([("entries/2026/x.toml", data)], framework(), today);

    let Ok(entry) = cv::ledger::store::parse_bytes(data) else {
        return;
    };
    let text = std::str::from_utf8(data).expect("an accepted file is UTF-8");
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = EntryDoc::parse(text).expect("the editor opens what the parser accepts");
    assert!(same(doc.entry(), &entry));
    let untouched = doc.to_text();
    // toml_edit writes its own line breaks as LF: a file that mixes CRLF and
    // LF is kept line for line, not byte for byte (a pure one is kept exactly).
    let lines = |s: &str| {
        if pure_line_endings(body) {
            s.to_string()
        } else {
            s.replace("\r\n", "\n")
        }
    };
    let (got, want) = (lines(&untouched), lines(body));
    // It also ends the last line of a file that stops mid-line.
    let ended =
        !want.ends_with('\n') && (got == format!("{want}\n") || got == format!("{want}\r\n"));
    assert!(
        got == want || ended,
        "an untouched document renders as read:\n{got:?}\n{want:?}"
    );

    let link = link_for(data);
    let added = doc.add_link(&link);
    let out = doc.to_text();
    if !added {
        assert_eq!(out, untouched, "a link already there changes nothing");
        return;
    }
    let reparsed = Entry::parse(&out).expect("an edited entry stays valid");
    let mut want = entry.clone();
    want.links.push(link.clone());
    assert!(same(&reparsed, &want), "{reparsed:?}\n{want:?}\n{out}");

    // Every key, known or not, at every depth, is still there.
    let mut before: toml::Table = toml::from_str(body).expect("an entry is a TOML table");
    let after: toml::Table = toml::from_str(&out).expect("an edited entry is a TOML table");
    let new = toml::Value::try_from(&link).expect("a link serialises");
    match before.get_mut("links") {
        Some(toml::Value::Array(list)) => list.push(new),
        _ => {
            before.insert("links".into(), toml::Value::Array(vec![new]));
        }
    }
    assert!(same(&after, &before), "{out}");
});
