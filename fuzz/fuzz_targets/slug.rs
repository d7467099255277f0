//! Any title through `slugify` and `unique_id`: the slug is `[a-z0-9]`
//! words joined by single `-`, at most 60 bytes, cut at a word boundary,
//! `entry` when nothing is left; the id is valid, takes the first free
//! `-N`, and its file cannot leave `entries/`.
#![no_main]

use std::path::{Component, Path};

use chrono::{Days, NaiveDate};
use cv::entry::{MAX_SLUG, is_valid_id, rel_path, slugify, unique_id};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, u16, &str)| {
    let (taken, day, title) = input;
    let slug = slugify(title);
    assert!(!slug.is_empty() && slug.len() <= MAX_SLUG, "{slug:?}");
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{slug:?}"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "{slug:?}"
    );

    // The rule said another way: whole words, cut at a word boundary (one
    // word longer than the limit is cut hard).
    let ascii = deunicode::deunicode(title).to_ascii_lowercase();
    let full = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let want = if full.is_empty() {
        "entry"
    } else if full.len() <= MAX_SLUG {
        &full
    } else {
        let boundary = full[..=MAX_SLUG].rfind('-').filter(|&i| i > 0);
        &full[..boundary.unwrap_or(MAX_SLUG)]
    };
    assert_eq!(slug, want, "{title:?}");

    // 1970-01-01 plus up to 65535 days: 1970 to 2149.
    let date = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Days::new(day.into());
    let base = format!("{}-{slug}", date.format("%Y-%m-%d"));
    let taken = usize::from(taken % 8);
    let used: Vec<String> = (1..=taken)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .collect();
    let id = unique_id(date, title, |c| used.iter().any(|u| u == c));
    let want = if taken == 0 {
        base.clone()
    } else {
        format!("{base}-{}", taken + 1)
    };
    assert_eq!(id, want);
    assert!(is_valid_id(&id), "{id:?}");

    let path = rel_path(date, &id);
    let parts: Vec<Component> = Path::new(&path).components().collect();
    assert_eq!(parts.len(), 3, "{path}");
    assert_eq!(parts[0], Component::Normal("entries".as_ref()));
    assert!(
        parts.iter().all(|p| matches!(p, Component::Normal(_))),
        "{path}"
    );
});
