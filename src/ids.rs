//! Resolution of user-typed ids: a full id, or an unambiguous suffix or run
//! of whole words.
//!
//! Shared by framework items (`mid.signal.defines-success-criteria`) and ledger
//! entries (`2026-11-22-cut-checkout-latency`). Knows nothing of either.

/// Why a typed id did not resolve to exactly one candidate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// Several candidates end with what was typed.
    #[error("'{given}' is ambiguous: it matches {}", .candidates.join(", "))]
    Ambiguous {
        /// What the user typed.
        given: String,
        /// Every id it matches, sorted.
        candidates: Vec<String>,
    },
    /// Nothing matches; `closest` holds the nearest ids by string similarity.
    #[error("unknown id '{given}'")]
    Unknown {
        /// What the user typed.
        given: String,
        /// Up to three similar ids, best first.
        closest: Vec<String>,
    },
}

/// Returns what the user typed as an id would be written: trimmed, lowercase,
/// every run of spaces or underscores one `-` (`Seeks Feedback` is
/// `seeks-feedback`).
pub fn normalize(given: &str) -> String {
    let mut out = String::with_capacity(given.len());
    for word in given
        .trim()
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// Resolves `given` against `candidates`, returning the index of the match.
///
/// `given` is [`normalize`]d first. Matching is case-insensitive, in four
/// tiers, each used only when the one before finds nothing: an exact id; an
/// id whose last `.` segment is `given` (a bare slug, which SPEC §2 makes
/// unique); an id that ends with `given` at a boundary (after `.` or `-`:
/// `signal.defines-success-criteria`); an id that contains `given` as a run
/// of whole words (`cut-checkout-latency` in
/// `2026-11-22-cut-checkout-latency-for-eu-shoppers`). Several matches in a
/// tier are ambiguous.
pub fn resolve<'a, I>(given: &str, candidates: I) -> Result<usize, ResolveError>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let query = normalize(given);
    let iter = candidates.into_iter();
    if !query.is_empty() {
        if let Some(i) = iter.clone().position(|c| c.eq_ignore_ascii_case(&query)) {
            return Ok(i);
        }
        for tier in [
            is_last_segment as fn(&str, &str) -> bool,
            ends_at_boundary,
            contains_words,
        ] {
            let matches: Vec<(usize, &str)> = iter
                .clone()
                .enumerate()
                .filter(|(_, c)| tier(&c.to_ascii_lowercase(), &query))
                .collect();
            match matches.as_slice() {
                [(i, _)] => return Ok(*i),
                [] => continue,
                many => {
                    let mut candidates: Vec<String> =
                        many.iter().map(|(_, c)| c.to_string()).collect();
                    candidates.sort();
                    return Err(ResolveError::Ambiguous {
                        given: given.to_string(),
                        candidates,
                    });
                }
            }
        }
    }
    Err(ResolveError::Unknown {
        given: given.to_string(),
        closest: closest(&query, iter),
    })
}

/// True when `query` is the part of `candidate` after its last `.`: the slug
/// of an item id. Entry ids have no `.`; for them this is the exact tier.
fn is_last_segment(candidate: &str, query: &str) -> bool {
    candidate.rsplit('.').next() == Some(query)
}

/// True when `query` sits in `candidate` as whole words: bounded on each
/// side by the start or end, `.` or `-`.
fn contains_words(candidate: &str, query: &str) -> bool {
    if query.is_empty() || query.starts_with(['.', '-']) || query.ends_with(['.', '-']) {
        return false;
    }
    let boundary = |b: Option<&u8>| b.is_none_or(|b| matches!(b, b'.' | b'-'));
    candidate.match_indices(query).any(|(at, _)| {
        let bytes = candidate.as_bytes();
        boundary(at.checked_sub(1).and_then(|i| bytes.get(i)))
            && boundary(bytes.get(at + query.len()))
    })
}

fn ends_at_boundary(candidate: &str, query: &str) -> bool {
    candidate.len() > query.len()
        && candidate.ends_with(query)
        && matches!(
            candidate.as_bytes()[candidate.len() - query.len() - 1],
            b'.' | b'-'
        )
        && !query.starts_with(['.', '-'])
}

/// Returns up to three candidates most similar to `query`, best first.
///
/// Each candidate is scored on its whole id, on its last segment (so a
/// misspelt slug still finds its item) and on the words they share (so a
/// phrase such as `seek feedback` finds `seeks-feedback-to-validate-assumptions`).
pub fn closest<'a>(query: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let query = normalize(query);
    let query = query.as_str();
    let words = query
        .split(['-', ' '])
        .filter(|w| !w.is_empty())
        .count()
        .max(1);
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| {
            let lower = c.to_ascii_lowercase();
            let tail = lower.rsplit('.').next().unwrap_or(&lower);
            // `kind.slug`, for a query written that way.
            let kind_and_slug = lower
                .split_once('.')
                .map_or(lower.as_str(), |(_, rest)| rest);
            // An entry id's words after its date, in runs as long as the
            // query's: `checkout-latensy` is close to part of a long id.
            let runs = match (crate::entry::id_date(tail), tail.get(11..)) {
                (Some(_), Some(slug)) => {
                    let parts: Vec<&str> = slug.split('-').collect();
                    parts
                        .windows(words.min(parts.len()).max(1))
                        .map(|run| strsim::jaro_winkler(query, &run.join("-")))
                        .fold(0.0, f64::max)
                }
                _ => 0.0,
            };
            let score = strsim::jaro_winkler(query, &lower)
                .max(strsim::jaro_winkler(query, tail))
                .max(strsim::jaro_winkler(query, kind_and_slug))
                .max(runs)
                .max(shared_words(query, tail));
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// Scores how many of the query's words (two or more) the slug has, each
/// compared on its first four letters (`seek` finds `seeks`), with a small
/// bonus for a slug that has few other words. Below 0.7 unless most match.
fn shared_words(query: &str, slug: &str) -> f64 {
    let stem = |w: &str| w.chars().take(4).collect::<String>();
    let query_words: Vec<String> = query.split('-').filter(|w| w.len() > 2).map(stem).collect();
    if query_words.len() < 2 {
        return 0.0;
    }
    let slug_words: Vec<String> = slug.split('-').map(stem).collect();
    let shared = query_words
        .iter()
        .filter(|w| slug_words.contains(w))
        .count() as f64;
    let recall = shared / query_words.len() as f64;
    let precision = shared / slug_words.len().max(1) as f64;
    0.9 * recall + 0.1 * precision
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 4] = [
        "mid.behavior.defines-success-criteria",
        "mid.signal.defines-success-criteria",
        "mid.signal.prioritizes-by-customer-impact",
        "senior.behavior.drives-measurable-outcomes",
    ];

    #[test]
    fn exact_slug_and_suffix() {
        assert_eq!(resolve("mid.signal.defines-success-criteria", IDS), Ok(1));
        assert_eq!(resolve("signal.defines-success-criteria", IDS), Ok(1));
        assert_eq!(resolve("drives-measurable-outcomes", IDS), Ok(3));
        assert_eq!(resolve("customer-impact", IDS), Ok(2));
        assert_eq!(resolve("MID.SIGNAL.DEFINES-SUCCESS-CRITERIA", IDS), Ok(1));
    }

    #[test]
    fn ambiguous_lists_candidates() {
        let err = resolve("defines-success-criteria", IDS).unwrap_err();
        assert_eq!(
            err,
            ResolveError::Ambiguous {
                given: "defines-success-criteria".into(),
                candidates: vec![IDS[0].into(), IDS[1].into()],
            }
        );
    }

    #[test]
    fn unknown_names_the_closest() {
        let Err(ResolveError::Unknown { closest, .. }) = resolve("drives-measurable-outcome", IDS)
        else {
            panic!("expected unknown");
        };
        assert_eq!(closest.first().map(String::as_str), Some(IDS[3]));
    }

    #[test]
    fn a_run_of_whole_words_matches_when_no_suffix_does() {
        let entries = [
            "2026-11-22-cut-checkout-latency-for-eu-shoppers",
            "2026-11-20-typo-tolerant-search",
        ];
        assert_eq!(resolve("cut-checkout-latency", entries), Ok(0));
        assert_eq!(resolve("typo", entries), Ok(1));
        assert_eq!(resolve("2026-11-20", entries), Ok(1));
        // A suffix match wins over a word run elsewhere.
        assert_eq!(resolve("behavior.drives-measurable-outcomes", IDS), Ok(3));
        // Several word-run matches are ambiguous.
        assert!(matches!(
            resolve("signal", IDS),
            Err(ResolveError::Ambiguous { .. })
        ));
        // Not on word boundaries: no match.
        assert!(matches!(
            resolve("heckout", entries),
            Err(ResolveError::Unknown { .. })
        ));
    }

    #[test]
    fn spaces_stand_for_dashes_and_an_exact_slug_wins() {
        assert_eq!(normalize("  Seeks   Feedback "), "seeks-feedback");
        assert_eq!(normalize("seeks_feedback"), "seeks-feedback");
        assert_eq!(resolve("Customer Impact", IDS), Ok(2));
        // A bare slug names its item even when another slug ends with it.
        let ids = [
            "mid.signal.defines-success-criteria",
            "mid.behavior.clearly-defines-success-criteria",
        ];
        assert_eq!(resolve("defines-success-criteria", ids), Ok(0));
        assert_eq!(resolve("defines success criteria", ids), Ok(0));
    }

    #[test]
    fn a_phrase_finds_the_closest_by_shared_words() {
        let ids = [
            "mid.behavior.seeks-feedback-to-validate-assumptions",
            "mid.feedback.aligns-with-priorities",
        ];
        assert_eq!(
            closest("seek feedback", ids.into_iter())
                .first()
                .map(String::as_str),
            Some(ids[0])
        );
        assert!(closest("zzz qqq", ids.into_iter()).is_empty());
    }

    #[test]
    fn partial_words_do_not_match() {
        // "criteria" is a whole segment, "riteria" is not.
        assert!(matches!(
            resolve("riteria", IDS),
            Err(ResolveError::Unknown { .. })
        ));
        assert!(matches!(
            resolve("", IDS),
            Err(ResolveError::Unknown { .. })
        ));
    }
}
