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

use toml_edit::{DocumentMut, Item, Table, Value};

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
    if conflicts.is_empty() {
        Ok(doc.to_string())
    } else {
        Err(conflicts)
    }
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
                merge_arrays(od, td, ba, oa, ta)
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

/// Both sides changed an array: ours keeps its own order, loses what
/// `theirs` removed from `base`, and gains what `theirs` added. False when
/// the two are not the same kind of array (an inline array on one side,
/// `[[tables]]` on the other).
fn merge_arrays(
    ours: &mut Item,
    theirs: &Item,
    base: Option<&Vec<toml::Value>>,
    o: &[toml::Value],
    t: &[toml::Value],
) -> bool {
    let empty = Vec::new();
    let base = base.unwrap_or(&empty);
    // Removed by theirs: in the base, still here, gone there.
    let drop: Vec<usize> = (0..o.len())
        .filter(|&i| base.contains(&o[i]) && !t.contains(&o[i]))
        .collect();
    // Added by theirs: there, in neither the base nor here.
    let add: Vec<usize> = (0..t.len())
        .filter(|&j| !o.contains(&t[j]) && !base.contains(&t[j]))
        .collect();
    match (ours, theirs) {
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
    }
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
}
