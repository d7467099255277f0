//! Property tests of the entry format (issue 6): generated entries, written
//! as hand-edited TOML would be (comments, unknown keys, every string style,
//! CRLF, a BOM), go through parse → `add_link` → `to_text` → parse and lose
//! nothing; `to_toml` round-trips; slugs and ids stay inside `entries/`.
//!
//! proptest generates and shrinks the inputs; a failure is saved under
//! `proptest-regressions/` next to this file and replayed first next time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path};

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::{Entry, EntryDoc, MAX_SLUG, Metric, is_valid_id, rel_path, slugify, unique_id};
use crate::links::Link;

// ---------------------------------------------------------------------------
// Generators

/// Characters that stress a TOML writer and reader: mostly printable ASCII,
/// then quotes, escapes, TOML punctuation, control characters, odd Unicode
/// (BOM, line separator, astral), then anything at all.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => (0x20u8..0x7f).prop_map(char::from),
        3 => prop::sample::select(vec![
            '"', '\'', '\\', '\n', '\r', '\t', '#', '=', '[', ']', '{', '}', ',', '.', '/', '\0',
            '\u{1b}', '\u{7f}', '\u{85}', '\u{a0}', '\u{feff}', '\u{2028}', 'é', 'ß', 'Ω',
            'ﬁ', 'İ', '日', '🎉',
        ]),
        1 => any::<char>(),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..max).prop_map(String::from_iter)
}

/// Text that `Entry::parse` accepts as an `id` or `title` (not blank).
fn nonblank(max: usize) -> impl Strategy<Value = String> {
    text(max).prop_filter("blank", |s| !s.trim().is_empty())
}

/// A character TOML allows in a comment: anything but control characters
/// other than tab.
fn comment_char() -> impl Strategy<Value = char> {
    any_char().prop_map(|c| {
        if (c < ' ' && c != '\t') || c == '\u{7f}' {
            '·'
        } else {
            c
        }
    })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let last = NaiveDate::from_ymd_opt(2026, 12, 31).expect("last day");
    let span = u64::try_from((last - epoch).num_days()).expect("positive span");
    (0..=span).prop_map(move |d| epoch + Days::new(d))
}

/// Finite floats of every class and sign, and some everyday values.
fn finite() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        (-10_000i32..10_000).prop_map(|n| f64::from(n) / 10.0),
    ]
}

fn metric() -> impl Strategy<Value = Metric> {
    (
        text(16),
        prop::option::of(finite()),
        prop::option::of(finite()),
        prop::option::of(text(8)),
    )
        .prop_map(|(name, before, after, unit)| Metric {
            name,
            before,
            after,
            unit,
        })
}

/// A link already in the file. Its url or sha can never equal the link that
/// the test then adds (see [`new_link`]), so `add_link` must add that one.
fn old_link() -> impl Strategy<Value = Link> {
    let summary = || prop::option::of(text(16));
    prop_oneof![
        (text(16), "[0-7][0-9a-f]{39}|0.{0,8}", summary())
            .prop_map(|(repo, sha, summary)| Link::Commit { repo, sha, summary }),
        (text(12), summary()).prop_map(|(t, summary)| Link::Pr {
            url: format!("https://example.com/old/pull/{t}"),
            summary
        }),
        (text(12), summary()).prop_map(|(t, summary)| Link::Url {
            url: format!("https://example.com/old/{t}"),
            summary
        }),
    ]
}

fn new_link() -> impl Strategy<Value = Link> {
    let summary = || prop::option::of(text(16));
    prop_oneof![
        (text(16), "[89a-f][0-9a-f]{39}", summary())
            .prop_map(|(repo, sha, summary)| Link::Commit { repo, sha, summary }),
        (text(12), summary()).prop_map(|(t, summary)| Link::Pr {
            url: format!("https://example.com/new/pull/{t}"),
            summary
        }),
        (text(12), summary()).prop_map(|(t, summary)| Link::Url {
            url: format!("https://example.com/new/{t}"),
            summary
        }),
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    let words = || prop::collection::vec(text(12), 0..4);
    let opt_text = || prop::option::of(text(24));
    (
        (nonblank(24), nonblank(40), date(), words(), words()),
        (opt_text(), opt_text(), opt_text(), opt_text()),
        (
            prop::option::of(date()),
            any::<bool>(),
            prop::collection::vec(metric(), 0..3),
            prop::collection::vec(old_link(), 0..4),
        ),
    )
        .prop_map(
            |(
                (id, title, date, signals, tags),
                (customer, problem, outcome, notes),
                (remeasure, private, metrics, links),
            )| Entry {
                id,
                title,
                date,
                signals,
                tags,
                customer,
                problem,
                outcome,
                notes,
                remeasure,
                private,
                metrics,
                links,
            },
        )
}

/// A value `cv` does not know, under a key it does not know.
#[derive(Debug, Clone)]
enum Unknown {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    Stamp(NaiveDate, u32),
    Ints(Vec<i64>),
    Table(BTreeMap<String, i64>),
}

fn unknown_value() -> impl Strategy<Value = Unknown> {
    prop_oneof![
        text(16).prop_map(Unknown::Text),
        any::<i64>().prop_map(Unknown::Int),
        finite().prop_map(Unknown::Float),
        any::<bool>().prop_map(Unknown::Bool),
        date().prop_map(Unknown::Date),
        (date(), 0u32..86_400).prop_map(|(d, s)| Unknown::Stamp(d, s)),
        prop::collection::vec(any::<i64>(), 0..4).prop_map(Unknown::Ints),
        prop::collection::btree_map("[a-z]{1,4}", any::<i64>(), 0..3).prop_map(Unknown::Table),
    ]
}

/// Unknown keys: bare (`x_…`) or quoted with any text (`"ξ …"`); the two
/// prefixes keep them apart from each other and from every key `cv` knows.
fn unknown_keys(max: usize) -> impl Strategy<Value = Vec<(String, Unknown)>> {
    let key = prop_oneof!["x_[a-z0-9_-]{0,8}", text(10).prop_map(|t| format!("ξ {t}")),];
    prop::collection::btree_map(key, unknown_value(), 0..max)
        .prop_map(|keys| keys.into_iter().collect())
}

/// An entry file as a person might have written it by hand.
#[derive(Debug, Clone)]
struct Doc {
    entry: Entry,
    top: Vec<(String, Unknown)>,
    per_metric: Vec<Vec<(String, Unknown)>>,
    per_link: Vec<Vec<(String, Unknown)>>,
    /// An unknown `[x_tail]` table after everything else.
    tail: Option<Vec<(String, Unknown)>>,
    /// Comment texts; the renderer spreads them over the file.
    comments: Vec<String>,
    /// `links = [{ … }]` instead of `[[links]]`.
    inline_links: bool,
    crlf: bool,
    bom: bool,
    /// Picks string styles, date styles and the order of top-level keys.
    seed: u64,
}

fn doc() -> impl Strategy<Value = Doc> {
    let comment = prop::collection::vec(comment_char(), 0..20).prop_map(String::from_iter);
    (
        entry(),
        unknown_keys(4),
        prop::collection::vec(unknown_keys(3), 3),
        prop::collection::vec(unknown_keys(3), 4),
        prop::option::of(unknown_keys(3)),
        prop::collection::vec(comment, 0..7),
        any::<bool>(),
        (any::<bool>(), any::<bool>(), any::<u64>()),
    )
        .prop_map(
            |(
                entry,
                top,
                per_metric,
                per_link,
                tail,
                comments,
                inline_links,
                (crlf, bom, seed),
            )| {
                Doc {
                    entry,
                    top,
                    per_metric,
                    per_link,
                    tail,
                    comments,
                    inline_links,
                    crlf,
                    bom,
                    seed,
                }
            },
        )
}

// ---------------------------------------------------------------------------
// A TOML writer of our own, independent of the one under test

/// Deterministic choices from the document's seed.
struct Choices(u64);

impl Choices {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn escape(c: char, out: &mut String, keep_newline: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' if keep_newline => out.push('\n'),
        '\n' => out.push_str("\\n"),
        '\t' => out.push('\t'),
        c if c < ' ' || c == '\u{7f}' => {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Writes `s` as a TOML string in one of the four styles that can hold it.
fn toml_str(s: &str, choices: &mut Choices, multiline_ok: bool) -> String {
    let bare_ok = |c: char| !((c < ' ' && c != '\t') || c == '\u{7f}');
    let literal_ok = !s.contains('\'') && s.chars().all(bare_ok);
    let ml_literal_ok = multiline_ok
        && !s.contains('\'')
        && s.chars().all(|c| c == '\n' || bare_ok(c))
        && s.contains('\n');
    let mut out = String::new();
    match choices.next(4) {
        1 if literal_ok => out = format!("'{s}'"),
        // The newline right after the opening quotes is not part of the value.
        2 if ml_literal_ok => out = format!("'''\n{s}'''"),
        3 if multiline_ok => {
            out.push_str("\"\"\"\n");
            s.chars().for_each(|c| escape(c, &mut out, true));
            out.push_str("\"\"\"");
        }
        _ => {
            out.push('"');
            s.chars().for_each(|c| escape(c, &mut out, false));
            out.push('"');
        }
    }
    out
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_str(k, &mut Choices(0), false)
    }
}

fn toml_float(v: f64, choices: &mut Choices) -> String {
    // A whole number may be written as a TOML integer; cv reads it as a float.
    if v.fract() == 0.0 && v.abs() < 9e15 && choices.next(3) == 0 {
        return format!("{}", v as i64);
    }
    format!("{v:?}")
}

fn toml_unknown(v: &Unknown, choices: &mut Choices, multiline_ok: bool) -> String {
    match v {
        Unknown::Text(s) => toml_str(s, choices, multiline_ok),
        Unknown::Int(n) => n.to_string(),
        Unknown::Float(f) => toml_float(*f, choices),
        Unknown::Bool(b) => b.to_string(),
        Unknown::Date(d) => d.format("%Y-%m-%d").to_string(),
        Unknown::Stamp(d, s) => format!(
            "{}T{:02}:{:02}:{:02}Z",
            d.format("%Y-%m-%d"),
            s / 3600,
            s / 60 % 60,
            s % 60
        ),
        Unknown::Ints(ns) => {
            let items: Vec<String> = ns.iter().map(i64::to_string).collect();
            format!("[{}]", items.join(", "))
        }
        Unknown::Table(t) => {
            let items: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

fn toml_date(d: NaiveDate, choices: &mut Choices) -> String {
    let day = d.format("%Y-%m-%d").to_string();
    // cv also reads a date written as a string.
    if choices.next(4) == 0 {
        format!("\"{day}\"")
    } else {
        day
    }
}

fn toml_strings(list: &[String], choices: &mut Choices) -> String {
    let items: Vec<String> = list.iter().map(|s| toml_str(s, choices, false)).collect();
    format!("[{}]", items.join(", "))
}

/// The key-value pairs of a link, as `key = value` pieces.
fn link_pairs(link: &Link, extra: &[(String, Unknown)], choices: &mut Choices) -> Vec<String> {
    let mut pairs = vec![format!("kind = \"{}\"", link.kind())];
    let summary = match link {
        Link::Commit { repo, sha, summary } => {
            pairs.push(format!("repo = {}", toml_str(repo, choices, false)));
            pairs.push(format!("sha = {}", toml_str(sha, choices, false)));
            summary
        }
        Link::Pr { url, summary } | Link::Url { url, summary } => {
            pairs.push(format!("url = {}", toml_str(url, choices, false)));
            summary
        }
    };
    if let Some(s) = summary {
        pairs.push(format!("summary = {}", toml_str(s, choices, false)));
    }
    for (k, v) in extra {
        pairs.push(format!(
            "{} = {}",
            toml_key(k),
            toml_unknown(v, choices, false)
        ));
    }
    pairs
}

/// Renders the document; returns the text and the comment lines it holds.
fn render(doc: &Doc) -> (String, Vec<String>) {
    let e = &doc.entry;
    let c = &mut Choices(doc.seed);
    // A raw newline in a multi-line string is part of its value, so a CRLF
    // file written by an editor has none of them that are bare LF: keep the
    // generated CRLF files pure by using one-line strings only.
    let ml = !doc.crlf;
    let mut top = vec![
        format!("id = {}", toml_str(&e.id, c, ml)),
        format!("title = {}", toml_str(&e.title, c, ml)),
        format!("date = {}", toml_date(e.date, c)),
    ];
    if !e.signals.is_empty() || c.next(2) == 0 {
        top.push(format!("signals = {}", toml_strings(&e.signals, c)));
    }
    if !e.tags.is_empty() || c.next(2) == 0 {
        top.push(format!("tags = {}", toml_strings(&e.tags, c)));
    }
    for (key, value) in [
        ("customer", &e.customer),
        ("problem", &e.problem),
        ("outcome", &e.outcome),
        ("notes", &e.notes),
    ] {
        if let Some(v) = value {
            top.push(format!("{key} = {}", toml_str(v, c, ml)));
        }
    }
    if let Some(d) = e.remeasure {
        top.push(format!("remeasure = {}", toml_date(d, c)));
    }
    if e.private || c.next(2) == 0 {
        top.push(format!("private = {}", e.private));
    }
    for (k, v) in &doc.top {
        top.push(format!("{} = {}", toml_key(k), toml_unknown(v, c, ml)));
    }
    let extra =
        |list: &[Vec<(String, Unknown)>], i: usize| list.get(i).cloned().unwrap_or_default();
    if doc.inline_links {
        let tables: Vec<String> = e
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| {
                format!(
                    "{{ {} }}",
                    link_pairs(l, &extra(&doc.per_link, i), c).join(", ")
                )
            })
            .collect();
        top.push(format!("links = [{}]", tables.join(", ")));
    }
    // Top-level keys in any order (Fisher-Yates).
    for i in (1..top.len()).rev() {
        let j = c.next(i as u64 + 1) as usize;
        top.swap(i, j);
    }

    let comments: Vec<String> = doc
        .comments
        .iter()
        .enumerate()
        .map(|(i, t)| format!("# c{i}:{t}"))
        .collect();
    let comment = |i: usize| comments.get(i).cloned();

    // Comment slots: 0 file header, 1 after the first key, 2 between keys,
    // 3 before the first table, 4 inside the first link, 5 at the end;
    // anything over goes at the end too.
    let mut lines: Vec<String> = Vec::new();
    lines.extend(comment(0));
    for (i, kv) in top.iter().enumerate() {
        match comment(1) {
            Some(cm) if i == 0 => lines.push(format!("{kv}  {cm}")),
            _ => lines.push(kv.clone()),
        }
        if i == top.len() / 2 {
            lines.extend(comment(2));
        }
    }
    lines.push(String::new());
    lines.extend(comment(3));
    for (i, m) in e.metrics.iter().enumerate() {
        lines.push("[[metrics]]".into());
        lines.push(format!("name = {}", toml_str(&m.name, c, ml)));
        if let Some(v) = m.before {
            lines.push(format!("before = {}", toml_float(v, c)));
        }
        if let Some(v) = m.after {
            lines.push(format!("after = {}", toml_float(v, c)));
        }
        if let Some(u) = &m.unit {
            lines.push(format!("unit = {}", toml_str(u, c, ml)));
        }
        for (k, v) in extra(&doc.per_metric, i) {
            lines.push(format!("{} = {}", toml_key(&k), toml_unknown(&v, c, ml)));
        }
        lines.push(String::new());
    }
    let mut link_comment_placed = false;
    if !doc.inline_links {
        for (i, l) in e.links.iter().enumerate() {
            lines.push("[[links]]".into());
            for (j, pair) in link_pairs(l, &extra(&doc.per_link, i), c)
                .into_iter()
                .enumerate()
            {
                match comment(4) {
                    Some(cm) if i == 0 && j == 0 => {
                        lines.push(format!("{pair} {cm}"));
                        link_comment_placed = true;
                    }
                    _ => lines.push(pair),
                }
            }
            lines.push(String::new());
        }
    }
    if let Some(tail) = &doc.tail {
        lines.push("[x_tail]".into());
        for (k, v) in tail {
            lines.push(format!("{} = {}", toml_key(k), toml_unknown(v, c, ml)));
        }
    }
    if !link_comment_placed {
        lines.extend(comment(4));
    }
    lines.extend(comments.iter().skip(5).cloned());

    let newline = if doc.crlf { "\r\n" } else { "\n" };
    let mut text = if doc.bom {
        "\u{feff}".to_string()
    } else {
        String::new()
    };
    for line in &lines {
        text.push_str(line);
        text.push_str(newline);
    }
    (text, comments)
}

/// Checks that every line of `before` (but those `skip` names) appears in
/// `after`, in the same order: the edit only inserted text.
fn lines_kept_in_order(
    before: &str,
    after: &str,
    skip: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let mut rest = after.lines().map(|l| l.trim_end_matches('\r'));
    for line in before.lines().map(|l| l.trim_end_matches('\r')) {
        if skip(line) {
            continue;
        }
        if !rest.any(|l| l == line) {
            return Err(format!("line {line:?} lost or moved"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    /// A hand-written entry survives `cv link`: parse → add_link → to_text →
    /// parse keeps every field, every unknown key (top-level, in a metric, in
    /// a link, in a table of its own), every comment and every line, and adds
    /// exactly the new link.
    #[test]
    fn linking_keeps_everything_and_adds_one_link(doc in doc(), link in new_link()) {
        let (text, comments) = render(&doc);
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        // The generated file is what we meant, and cv reads every field of it.
        let original: toml::Table = toml::from_str(body)
            .map_err(|e| TestCaseError::fail(format!("generated TOML is invalid: {e}\n{text}")))?;
        let parsed = Entry::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&parsed, &doc.entry);
        for cm in &comments {
            prop_assert!(text.contains(cm.as_str()));
        }

        let mut edited = EntryDoc::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(edited.entry(), &doc.entry);
        prop_assert_eq!(edited.to_text(), body, "untouched, the document renders as read");
        prop_assert!(edited.add_link(&link), "a new link is added");
        let out = edited.to_text();
        prop_assert!(!edited.add_link(&link), "the same link is not added twice");
        prop_assert_eq!(&edited.to_text(), &out);

        // Typed view: the original entry plus exactly the new link.
        let mut want = doc.entry.clone();
        want.links.push(link.clone());
        let reparsed = Entry::parse(&out)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
        prop_assert_eq!(&reparsed, &want);
        prop_assert_eq!(edited.entry(), &want);

        // Untyped view: every key, known or not, at every depth, as it was.
        let mut want_table = original.clone();
        let new_table = toml::Value::try_from(&link).expect("a link serialises");
        match want_table.get_mut("links") {
            Some(toml::Value::Array(list)) => list.push(new_table),
            _ => {
                want_table.insert("links".into(), toml::Value::Array(vec![new_table]));
            }
        }
        let out_table: toml::Table = toml::from_str(&out)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
        prop_assert_eq!(out_table, want_table);

        // Text: comments and lines kept, in order (an inline `links = [...]`
        // line itself grows by one table).
        for cm in &comments {
            prop_assert!(out.contains(cm.as_str()), "comment {:?} lost:\n{}", cm, out);
        }
        let bare_lf = out.replace("\r\n", "").contains('\n');
        // (A new value with a line break may be written as a multi-line
        // string, whose raw LF is part of the value: then the file cannot
        // stay all CRLF.)
        let lf_in_link = match &link {
            Link::Commit { repo, sha, summary } => [Some(repo), Some(sha), summary.as_ref()],
            Link::Pr { url, summary } | Link::Url { url, summary } => [Some(url), None, summary.as_ref()],
        }
        .into_iter()
        .flatten()
        .any(|s| s.contains('\n'));
        prop_assert!(!doc.crlf || lf_in_link || !bare_lf, "a CRLF file stays CRLF:\n{:?}", out);
        lines_kept_in_order(body, &out, |l| doc.inline_links && l.starts_with("links = ["))
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- before\n{body}\n--- after\n{out}")))?;
    }

    /// What `cv log` writes is read back as the same entry.
    #[test]
    fn to_toml_round_trips(entry in entry()) {
        let text = entry.to_toml();
        let back = Entry::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, entry);
    }

    /// A slug is `[a-z0-9]` words joined by single `-`, at most `MAX_SLUG`
    /// bytes, cut at a word boundary, `entry` when the title has no letter or
    /// digit; an id made from it is valid and its file stays in `entries/`.
    #[test]
    fn slugs_are_safe_file_names(title in prop_oneof![
        text(80),
        any::<String>(),
        "([./\\\\~]|\\.\\.|[a-zA-Z]{1,12}| ){0,20}",
        prop::collection::vec("[a-z]{1,70}", 1..12).prop_map(|w| w.join(" ")),
    ], day in date()) {
        let slug = slugify(&title);
        prop_assert!(!slug.is_empty() && slug.len() <= MAX_SLUG, "{:?}", slug);
        prop_assert!(
            slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{:?}", slug
        );
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{:?}", slug);

        // The same rule, said another way: whole words, cut at a word
        // boundary (a single word longer than the limit is cut hard).
        let ascii = deunicode::deunicode(&title).to_ascii_lowercase();
        let full = ascii
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if full.is_empty() {
            prop_assert_eq!(&slug, "entry");
        } else if full.len() <= MAX_SLUG {
            prop_assert_eq!(&slug, &full);
        } else {
            let boundary = full[..=MAX_SLUG].rfind('-').filter(|&i| i > 0);
            prop_assert_eq!(&slug, &full[..boundary.unwrap_or(MAX_SLUG)]);
        }

        let id = unique_id(day, &title, |_| false);
        prop_assert_eq!(&id, &format!("{}-{slug}", day.format("%Y-%m-%d")));
        prop_assert!(is_valid_id(&id), "{:?}", id);
        let path = rel_path(day, &id);
        let parts: Vec<Component> = Path::new(&path).components().collect();
        prop_assert_eq!(parts.len(), 3, "{}", path);
        prop_assert_eq!(parts[0], Component::Normal("entries".as_ref()));
        prop_assert!(parts.iter().all(|p| matches!(p, Component::Normal(_))), "{}", path);
    }

    /// On collision the id gets the first free `-N`, and stays valid.
    #[test]
    fn unique_ids_take_the_first_free_suffix(title in text(80), taken in 0usize..6, day in date()) {
        let base = unique_id(day, &title, |_| false);
        let used: Vec<String> = (1..=taken)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .collect();
        let id = unique_id(day, &title, |c| used.iter().any(|u| u == c));
        let want = if taken == 0 { base.clone() } else { format!("{base}-{}", taken + 1) };
        prop_assert_eq!(&id, &want);
        prop_assert!(is_valid_id(&id), "{:?}", id);
    }

    /// No string that `is_valid_id` accepts can name another directory.
    #[test]
    fn valid_ids_cannot_leave_entries(id in prop_oneof![text(40), "[a-z0-9./-]{0,20}"]) {
        if is_valid_id(&id) {
            prop_assert!(!id.contains('/') && !id.contains('.') && !id.contains('\\'), "{:?}", id);
        }
    }
}
