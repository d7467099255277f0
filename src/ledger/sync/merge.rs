//! The three-way merge of one TOML file both sides of a sync changed: an
//! entry (or `cv.toml`) edited on two machines.
//!
//! Field by field, against the version both started from: a field changed
//! on one side only takes that change; arrays changed on both sides (links,
//! signals, tags, metrics) keep both sides' additions and drop what either
//! side removed; a table (`[profile]`, `[repos]`) is merged key by key. A
//! value both sides changed differently is a conflict, unless the caller
//! says which side wins. The result is the local document with the other
//! side's changes put in, so the local comments and layout stay.
//!
//! Pure: text in, text out. Nothing here reads the repository.

use std::collections::BTreeSet;

use toml_edit::{Decor, DocumentMut, Item, Table, Value};

/// The conflict reported when a side's new comments cannot be placed in
/// the merged text (they sat on something the other side changed too).
pub const COMMENTS_CONFLICT: &str = "comments";

/// Which side wins a field both sides changed differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prefer {
    /// This machine's value.
    Local,
    /// The remote's value.
    Remote,
}

/// Merges `ours` and `theirs`, both changed from `base` (`None`: both sides
/// added the file). Returns the merged text, or the fields (dotted keys)
/// both sides changed differently.
pub fn merge_toml(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    prefer: Option<Prefer>,
) -> Result<String, Vec<String>> {
    let whole = || vec!["the whole file (it is not valid TOML on one side)".to_string()];
    let semantic = |text: &str| toml::from_str::<toml::Table>(strip_bom(text));
    let (Ok(o), Ok(t)) = (semantic(ours), semantic(theirs)) else {
        return match prefer {
            Some(Prefer::Local) => Ok(ours.to_string()),
            Some(Prefer::Remote) => Ok(theirs.to_string()),
            None => Err(whole()),
        };
    };
    // A base that does not parse counts as empty: every difference between
    // the sides is then a change on both.
    let b = base.and_then(|b| semantic(b).ok());
    let (Ok(mut doc), Ok(their_doc)) = (
        strip_bom(ours).parse::<DocumentMut>(),
        strip_bom(theirs).parse::<DocumentMut>(),
    ) else {
        return Err(whole());
    };
    let mut conflicts = Vec::new();
    merge_tables(
        "",
        doc.as_table_mut(),
        their_doc.as_table(),
        b.as_ref(),
        &o,
        &t,
        prefer,
        &mut conflicts,
    );
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    // Comments are words too: each side's new ones must reach the merge.
    // The merge starts from ours, so theirs are put back where they sat;
    // ours can be lost where a key was taken from theirs, and are put back
    // the same way.
    let base_comments = base
        .and_then(|b| strip_bom(b).parse::<DocumentMut>().ok())
        .map(|b| comments_of(&b))
        .unwrap_or_default();
    let Ok(our_doc) = strip_bom(ours).parse::<DocumentMut>() else {
        return Err(whole());
    };
    let mut lost = false;
    for side in [&their_doc, &our_doc] {
        let added: BTreeSet<String> = comments_of(side)
            .difference(&base_comments)
            .cloned()
            .collect();
        let mut missing: BTreeSet<String> = added.difference(&comments_of(&doc)).cloned().collect();
        if missing.is_empty() {
            continue;
        }
        restore_comments(doc.as_table_mut(), side.as_table(), &mut missing);
        if let Some(trailing) = side.trailing().as_str() {
            let current = doc.trailing().as_str().unwrap_or("").to_string();
            if let Some(new) = with_lines(&current, trailing, &mut missing) {
                doc.set_trailing(new);
            }
        }
        let left: Vec<String> = added.difference(&comments_of(&doc)).cloned().collect();
        if left.is_empty() {
            continue;
        }
        if prefer.is_none() {
            lost = true;
            continue;
        }
        // A side was chosen for the fields, not against the other side's
        // words: a comment with no place left goes to the end of the file.
        let mut trailing = doc.trailing().as_str().unwrap_or("").to_string();
        if !trailing.is_empty() && !trailing.ends_with('\n') {
            trailing.push('\n');
        }
        for line in left {
            trailing.push_str(&line);
            trailing.push('\n');
        }
        doc.set_trailing(trailing);
    }
    if lost {
        return Err(vec![COMMENTS_CONFLICT.to_string()]);
    }
    Ok(doc.to_string())
}

/// The comment lines of a raw decor string (`# …`, trimmed).
fn comment_lines(raw: &str) -> impl Iterator<Item = &str> {
    raw.lines().map(str::trim).filter(|l| l.starts_with('#'))
}

/// Every comment in a document, as trimmed text. Decor holds nothing but
/// whitespace and comments, so a `#` there always starts one (a `#` inside
/// a string is never seen).
fn comments_of(doc: &DocumentMut) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |raw: Option<&str>| {
        out.extend(raw.into_iter().flat_map(comment_lines).map(str::to_string));
    };
    visit_table(doc.as_table(), &mut add);
    add(doc.trailing().as_str());
    out
}

fn visit_decor(decor: &Decor, f: &mut impl FnMut(Option<&str>)) {
    f(decor.prefix().and_then(|r| r.as_str()));
    f(decor.suffix().and_then(|r| r.as_str()));
}

fn visit_table(table: &Table, f: &mut impl FnMut(Option<&str>)) {
    visit_decor(table.decor(), f);
    for (key, item) in table.iter() {
        if let Some(k) = table.key(key) {
            visit_decor(k.leaf_decor(), f);
            visit_decor(k.dotted_decor(), f);
        }
        visit_item(item, f);
    }
}

fn visit_item(item: &Item, f: &mut impl FnMut(Option<&str>)) {
    match item {
        Item::Table(t) => visit_table(t, f),
        Item::ArrayOfTables(a) => a.iter().for_each(|t| visit_table(t, f)),
        Item::Value(v) => visit_value(v, f),
        Item::None => {}
    }
}

fn visit_value(value: &Value, f: &mut impl FnMut(Option<&str>)) {
    visit_decor(value.decor(), f);
    match value {
        Value::Array(a) => {
            a.iter().for_each(|v| visit_value(v, f));
            f(a.trailing().as_str());
        }
        Value::InlineTable(t) => {
            for (key, v) in t.iter() {
                if let Some(k) = t.key(key) {
                    visit_decor(k.leaf_decor(), f);
                }
                visit_value(v, f);
            }
            f(t.trailing().as_str());
        }
        _ => {}
    }
}

/// `current` (a prefix: comment lines before something) with the lines of
/// `from` that are `missing` added before its final indentation; `None`
/// when none are missing. Each line added is taken out of `missing`.
fn with_lines(current: &str, from: &str, missing: &mut BTreeSet<String>) -> Option<String> {
    let lines: Vec<String> = comment_lines(from)
        .filter(|l| missing.remove(*l))
        .map(str::to_string)
        .collect();
    if lines.is_empty() {
        return None;
    }
    let cut = current.rfind('\n').map_or(0, |i| i + 1);
    let (body, indent) = current.split_at(cut);
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let body = if indent.is_empty() { current } else { body };
    let mut out = body.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for line in lines {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(indent);
    Some(out)
}

/// A suffix (a comment after something on its line): `from`'s, when it
/// holds a missing comment and `current` holds none.
fn with_suffix(
    current: Option<&str>,
    from: &str,
    missing: &mut BTreeSet<String>,
) -> Option<String> {
    let wanted: Vec<&str> = comment_lines(from)
        .filter(|l| missing.contains(*l))
        .collect();
    if wanted.is_empty() || current.is_some_and(|c| comment_lines(c).next().is_some()) {
        return None;
    }
    wanted.iter().for_each(|l| {
        missing.remove(*l);
    });
    Some(from.to_string())
}

fn restore_decor(ours: &mut Decor, theirs: &Decor, missing: &mut BTreeSet<String>) {
    if let Some(from) = theirs.prefix().and_then(|r| r.as_str()) {
        let current = ours.prefix().and_then(|r| r.as_str()).unwrap_or("");
        if let Some(new) = with_lines(current, from, missing) {
            ours.set_prefix(new);
        }
    }
    if let Some(from) = theirs.suffix().and_then(|r| r.as_str()) {
        let current = ours.suffix().and_then(|r| r.as_str());
        if let Some(new) = with_suffix(current, from, missing) {
            ours.set_suffix(new);
        }
    }
}

/// Puts the `missing` comments of `theirs` back at the same places in
/// `ours`: before the same key or table header, or after the same value.
/// What has no such place stays in `missing`.
fn restore_comments(ours: &mut Table, theirs: &Table, missing: &mut BTreeSet<String>) {
    restore_decor(ours.decor_mut(), theirs.decor(), missing);
    for (key, their_item) in theirs.iter() {
        if missing.is_empty() {
            return;
        }
        if let (Some(their_key), Some(mut our_key)) = (theirs.key(key), ours.key_mut(key)) {
            restore_decor(our_key.leaf_decor_mut(), their_key.leaf_decor(), missing);
        }
        match (ours.get_mut(key), their_item) {
            (Some(Item::Table(o)), Item::Table(t)) => restore_comments(o, t, missing),
            (Some(Item::ArrayOfTables(o)), Item::ArrayOfTables(t)) => {
                // The same element on both sides: the one with equal content.
                for their_table in t.iter() {
                    let text = content(their_table);
                    if let Some(our_table) = o.iter_mut().find(|x| content(x) == text) {
                        restore_comments(our_table, their_table, missing);
                    }
                }
            }
            (Some(Item::Value(o)), Item::Value(t)) => {
                restore_decor(o.decor_mut(), t.decor(), missing);
            }
            _ => {}
        }
    }
}

/// A table's keys and values, without layout or comments.
fn content(table: &Table) -> Option<toml::Table> {
    let mut bare = table.clone();
    bare.decor_mut().clear();
    bare.set_implicit(false);
    toml::from_str(&format!("{bare}")).ok()
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Merges `theirs` into `ours` key by key; `o`, `t` and `base` are the same
/// tables as plain values, for comparing.
#[allow(clippy::too_many_arguments)]
fn merge_tables(
    prefix: &str,
    ours: &mut Table,
    theirs: &Table,
    base: Option<&toml::Table>,
    o: &toml::Table,
    t: &toml::Table,
    prefer: Option<Prefer>,
    conflicts: &mut Vec<String>,
) {
    let mut keys: Vec<&String> = o.keys().collect();
    keys.extend(t.keys().filter(|k| !o.contains_key(*k)));
    for key in keys {
        let (ov, tv) = (o.get(key), t.get(key));
        let bv = base.and_then(|b| b.get(key));
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if ov == tv || tv == bv {
            // The same on both sides, or changed here only: ours stands.
            continue;
        }
        if ov == bv {
            take_theirs(ours, theirs, key);
            continue;
        }
        let merged = match (ov, tv, ours.get_mut(key), theirs.get(key)) {
            (
                Some(toml::Value::Table(ot)),
                Some(toml::Value::Table(tt)),
                Some(Item::Table(od)),
                Some(Item::Table(td)),
            ) => {
                let bt = bv.and_then(toml::Value::as_table);
                merge_tables(&name, od, td, bt, ot, tt, prefer, conflicts);
                true
            }
            (Some(toml::Value::Array(oa)), Some(toml::Value::Array(ta)), Some(od), Some(td)) => {
                let ba = bv.and_then(toml::Value::as_array);
                match merge_arrays(key, od, td, ba, oa, ta, prefer) {
                    Some(true) => true,
                    Some(false) => false,
                    // The same element (by identity) changed differently on
                    // both sides: the array's name is the conflict, and
                    // `--prefer` has already been asked.
                    None => {
                        conflicts.push(name);
                        continue;
                    }
                }
            }
            _ => false,
        };
        if !merged {
            match prefer {
                Some(Prefer::Local) => {}
                Some(Prefer::Remote) => take_theirs(ours, theirs, key),
                None => conflicts.push(name),
            }
        }
    }
}

/// Sets `key` in `ours` to what `theirs` holds (removing it where `theirs`
/// has none).
fn take_theirs(ours: &mut Table, theirs: &Table, key: &str) {
    match theirs.get_key_value(key) {
        // Their key as they wrote it (`"b" = …` stays quoted).
        Some((their_key, item)) => {
            ours.insert_formatted(their_key, item.clone());
        }
        None => {
            ours.remove(key);
        }
    }
}

/// What names an element of an array of tables across versions: a
/// metric by its `name`, a link by its `sha`, else its `url`.
fn identity(array: &str, element: &toml::Value) -> Option<(&'static str, toml::Value)> {
    let keys: &[&'static str] = match array {
        "metrics" => &["name"],
        "links" => &["sha", "url"],
        _ => return None,
    };
    let table = element.as_table()?;
    keys.iter()
        .find_map(|k| table.get(*k).map(|v| (*k, v.clone())))
}

/// Both sides changed an array: ours keeps its own order, loses what
/// `theirs` removed from `base`, and gains what `theirs` added. `Some(false)`
/// when the two are not the same kind of array (an inline array on one
/// side, `[[tables]]` on the other); `None` when an element with the same
/// identity (a metric's name, a link's commit or URL) was replaced on both
/// sides with different content, and no side is preferred: two metrics of
/// one name would contradict each other.
fn merge_arrays(
    key: &str,
    ours: &mut Item,
    theirs: &Item,
    base: Option<&Vec<toml::Value>>,
    o: &[toml::Value],
    t: &[toml::Value],
    prefer: Option<Prefer>,
) -> Option<bool> {
    let empty = Vec::new();
    let base = base.unwrap_or(&empty);
    // Removed by theirs: in the base, still here, gone there.
    let mut drop: Vec<usize> = (0..o.len())
        .filter(|&i| base.contains(&o[i]) && !t.contains(&o[i]))
        .collect();
    // Added by theirs: there, in neither the base nor here.
    let mut add: Vec<usize> = (0..t.len())
        .filter(|&j| !o.contains(&t[j]) && !base.contains(&t[j]))
        .collect();
    // An added element whose identity one of ours (kept, and not the
    // base's) already has: both sides changed that element.
    let mut clash = false;
    add.retain(|&j| {
        let Some(id) = identity(key, &t[j]) else {
            return true;
        };
        let ours_too: Vec<usize> = (0..o.len())
            .filter(|&i| {
                !drop.contains(&i)
                    && !base.contains(&o[i])
                    && identity(key, &o[i]) == Some(id.clone())
            })
            .collect();
        if ours_too.is_empty() {
            return true;
        }
        match prefer {
            None => {
                clash = true;
                true
            }
            Some(Prefer::Local) => false,
            Some(Prefer::Remote) => {
                drop.extend(ours_too);
                true
            }
        }
    });
    if clash {
        return None;
    }
    drop.sort_unstable();
    drop.dedup();
    Some(match (ours, theirs) {
        (Item::Value(Value::Array(oa)), Item::Value(Value::Array(ta)))
            if oa.len() == o.len() && ta.len() == t.len() =>
        {
            for &i in drop.iter().rev() {
                oa.remove(i);
            }
            for &j in &add {
                if let Some(value) = ta.get(j) {
                    let mut value = value.clone();
                    value.decor_mut().clear();
                    oa.push(value);
                }
            }
            true
        }
        (Item::ArrayOfTables(oa), Item::ArrayOfTables(ta))
            if oa.len() == o.len() && ta.len() == t.len() =>
        {
            for &i in drop.iter().rev() {
                oa.remove(i);
            }
            for &j in &add {
                if let Some(table) = ta.get(j) {
                    oa.push(table.clone());
                }
            }
            true
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "\
id = \"2026-11-20-a\"
title = \"A\"
date = 2026-11-20
tags = [\"perf\"]
outcome = \"faster\"

[[links]]
kind = \"pr\"
url = \"https://example.com/pull/1\"
";

    #[test]
    fn links_added_on_both_sides_are_all_kept_with_our_comments() {
        let ours = BASE.replace("title = \"A\"", "title = \"A\" # mine")
            + "\n[[links]]\nkind = \"url\"\nurl = \"https://example.com/ours\"\n";
        let theirs = BASE.to_string()
            + "\n[[links]]\nkind = \"url\"\nurl = \"https://example.com/theirs\"\n";
        let merged = merge_toml(Some(BASE), &ours, &theirs, None).expect("mergeable");
        assert!(merged.contains("# mine"), "{merged}");
        for url in ["pull/1", "/ours", "/theirs"] {
            assert_eq!(merged.matches(url).count(), 1, "{url} in {merged}");
        }
        crate::entry::Entry::parse(&merged).expect("still an entry");
    }

    #[test]
    fn a_field_changed_on_one_side_takes_that_change() {
        let ours = BASE.replace("tags = [\"perf\"]", "tags = [\"perf\", \"eu\"]");
        let theirs = BASE.replace("outcome = \"faster\"", "outcome = \"p95 0.8 s\"");
        let merged = merge_toml(Some(BASE), &ours, &theirs, None).expect("mergeable");
        assert!(merged.contains("outcome = \"p95 0.8 s\""), "{merged}");
        assert!(merged.contains("\"eu\""), "{merged}");
    }

    #[test]
    fn removals_on_one_side_and_additions_on_the_other_both_hold() {
        let ours = BASE.replace("tags = [\"perf\"]", "tags = []");
        let theirs = BASE.replace("tags = [\"perf\"]", "tags = [\"perf\", \"eu\"]");
        let merged = merge_toml(Some(BASE), &ours, &theirs, None).expect("mergeable");
        assert!(merged.contains("tags = [\"eu\"]"), "{merged}");
    }

    #[test]
    fn the_same_field_changed_differently_is_a_conflict_unless_a_side_is_preferred() {
        let ours = BASE.replace("outcome = \"faster\"", "outcome = \"mine\"");
        let theirs = BASE.replace("outcome = \"faster\"", "outcome = \"theirs\"");
        assert_eq!(
            merge_toml(Some(BASE), &ours, &theirs, None),
            Err(vec!["outcome".to_string()])
        );
        let remote = merge_toml(Some(BASE), &ours, &theirs, Some(Prefer::Remote)).expect("theirs");
        assert!(remote.contains("outcome = \"theirs\""), "{remote}");
        let local = merge_toml(Some(BASE), &ours, &theirs, Some(Prefer::Local)).expect("ours");
        assert!(local.contains("outcome = \"mine\""), "{local}");
    }

    #[test]
    fn tables_merge_key_by_key() {
        let base = "[profile]\nname = \"Ada\"\nlevel = \"mid\"\n\n[repos]\n";
        let ours = "[profile]\nname = \"Ada L\"\nlevel = \"mid\"\n\n[repos]\n\"a\" = \"~/a\"\n";
        let theirs = "[profile]\nname = \"Ada\"\nlevel = \"senior\"\n\n[repos]\n\"b\" = \"~/b\"\n";
        let merged = merge_toml(Some(base), ours, theirs, None).expect("mergeable");
        for part in [
            "name = \"Ada L\"",
            "level = \"senior\"",
            "\"a\" = \"~/a\"",
            "\"b\" = \"~/b\"",
        ] {
            assert!(merged.contains(part), "{part} in {merged}");
        }
    }

    #[test]
    fn a_file_that_does_not_parse_is_a_conflict() {
        assert!(merge_toml(Some(BASE), "id = ", BASE, None).is_err());
    }

    const WITH_METRIC: &str = "\
id = \"2026-11-20-a\"
title = \"A\"
date = 2026-11-20
outcome = \"faster\"

[[metrics]]
name = \"p95\"
before = 2.0
after = 1.0
unit = \"s\"
";

    #[test]
    fn one_metric_changed_on_both_sides_is_a_conflict_not_two_metrics() {
        let ours = WITH_METRIC.replace("after = 1.0", "after = 0.8");
        let theirs = WITH_METRIC
            .replace("unit = \"s\"", "unit = \"ms\"")
            .replace("before = 2.0", "before = 2000.0");
        assert_eq!(
            merge_toml(Some(WITH_METRIC), &ours, &theirs, None),
            Err(vec!["metrics".to_string()])
        );
        let remote =
            merge_toml(Some(WITH_METRIC), &ours, &theirs, Some(Prefer::Remote)).expect("theirs");
        assert_eq!(remote.matches("[[metrics]]").count(), 1, "{remote}");
        assert!(remote.contains("unit = \"ms\""), "{remote}");
        let local =
            merge_toml(Some(WITH_METRIC), &ours, &theirs, Some(Prefer::Local)).expect("ours");
        assert_eq!(local.matches("[[metrics]]").count(), 1, "{local}");
        assert!(local.contains("after = 0.8"), "{local}");
        // A new metric on each side, of other names, still merges.
        let ours = WITH_METRIC.to_string() + "\n[[metrics]]\nname = \"p99\"\nafter = 3.0\n";
        let theirs = WITH_METRIC.to_string() + "\n[[metrics]]\nname = \"errors\"\nafter = 0.0\n";
        let merged = merge_toml(Some(WITH_METRIC), &ours, &theirs, None).expect("mergeable");
        assert_eq!(merged.matches("[[metrics]]").count(), 3, "{merged}");
    }

    #[test]
    fn one_link_changed_on_both_sides_is_a_conflict() {
        let ours = BASE.replace("kind = \"pr\"", "kind = \"pr\"\ntitle = \"mine\"");
        let theirs = BASE.replace("kind = \"pr\"", "kind = \"pr\"\ntitle = \"theirs\"");
        assert_eq!(
            merge_toml(Some(BASE), &ours, &theirs, None),
            Err(vec!["links".to_string()])
        );
    }

    #[test]
    fn comments_added_on_both_sides_are_all_kept() {
        let ours = BASE
            .replace(
                "outcome = \"faster\"",
                "customer = \"Acme\"\noutcome = \"faster\"",
            )
            .replace("id = ", "# B header comment\nid = ");
        let theirs = BASE
            .replace("outcome = \"faster\"", "outcome = \"faster\" # A says so")
            .replace("\n[[links]]", "# A trailing comment\n\n[[links]]");
        let merged = merge_toml(Some(BASE), &ours, &theirs, None).expect("mergeable");
        for part in [
            "# B header comment",
            "# A says so",
            "# A trailing comment",
            "customer = \"Acme\"",
        ] {
            assert!(merged.contains(part), "{part} in {merged}");
        }
        crate::entry::Entry::parse(&merged).expect("still an entry");
        // The other way round too.
        let merged = merge_toml(Some(BASE), &theirs, &ours, None).expect("mergeable");
        for part in ["# B header comment", "# A says so", "# A trailing comment"] {
            assert!(merged.contains(part), "{part} in {merged}");
        }
    }

    #[test]
    fn a_comment_with_no_place_left_is_a_conflict_unless_a_side_is_preferred() {
        // Theirs comments the outcome; ours changed the outcome and put its
        // own comment there: only one fits after the value.
        let ours = BASE.replace("outcome = \"faster\"", "outcome = \"faster\" # mine");
        let theirs = BASE.replace("outcome = \"faster\"", "outcome = \"faster\" # theirs");
        assert_eq!(
            merge_toml(Some(BASE), &ours, &theirs, None),
            Err(vec![COMMENTS_CONFLICT.to_string()])
        );
        // A side preferred decides the fields; the other side's comment is
        // still kept, at the end of the file.
        let merged = merge_toml(Some(BASE), &ours, &theirs, Some(Prefer::Local)).expect("merged");
        assert!(merged.contains("# mine"), "{merged}");
        assert!(merged.contains("# theirs"), "{merged}");
    }
}
