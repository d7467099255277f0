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

/// Resolves `given` against `candidates`, returning the index of the match.
///
/// Matching is case-insensitive, in three tiers, each used only when the one
/// before finds nothing: an exact id; an id that ends with `given` at a
/// boundary (after `.` or `-`: `signal.defines-success-criteria`); an id
/// that contains `given` as a run of whole words (`cut-checkout-latency` in
/// `2026-11-22-cut-checkout-latency-for-eu-shoppers`). Several matches in a
/// tier are ambiguous.
pub fn resolve<'a, I>(given: &str, candidates: I) -> Result<usize, ResolveError>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    let query = given.trim().to_ascii_lowercase();
    let iter = candidates.into_iter();
    if !query.is_empty() {
        if let Some(i) = iter.clone().position(|c| c.eq_ignore_ascii_case(&query)) {
            return Ok(i);
        }
        for tier in [ends_at_boundary as fn(&str, &str) -> bool, contains_words] {
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
/// Each candidate is scored on its whole id and on its last segment, so a
/// misspelt slug still finds its item.
pub fn closest<'a>(query: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let words = query
        .split(['-', ' '])
        .filter(|w| !w.is_empty())
        .count()
        .max(1);
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| {
            let lower = c.to_ascii_lowercase();
            let tail = lower.rsplit('.').next().unwrap_or(&lower);
            // An entry id's words after its date, in runs as long as the
            // query's: `checkout-latensy` is close to part of a long id.
            let slug = if crate::entry::id_date(tail).is_some() {
                tail.get(11..).unwrap_or(tail)
            } else {
                tail
            };
            let parts: Vec<&str> = slug.split('-').collect();
            let runs = parts
                .windows(words.min(parts.len()).max(1))
                .map(|run| strsim::jaro_winkler(query, &run.join("-")))
                .fold(0.0, f64::max);
            let score = strsim::jaro_winkler(query, &lower)
                .max(strsim::jaro_winkler(query, tail))
                .max(runs);
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
