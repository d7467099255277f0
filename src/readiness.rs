//! Promotion readiness, exactly as SPEC §5 defines it, as a pure function of
//! a framework, entries and a window.
//!
//! - an entry *evidences* an item when it lists the item's id in `signals`
//!   and has at least one link or one metric;
//! - an item is *covered* when at least one entry in the window evidences it;
//! - readiness = covered / all, over the level-up signals of the current
//!   level C (where C has none, over the next level's indicators; at the top
//!   level, over C's own indicators).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::entry::Entry;
use crate::framework::{Framework, Item, ItemKind};
use crate::level::LevelId;

/// What readiness needs of one entry; a report keeps only this per entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The entry's id.
    pub id: String,
    /// The entry's date.
    pub date: NaiveDate,
    /// The item ids it lists.
    pub signals: Vec<String>,
    /// True when it has a link or a metric.
    pub proven: bool,
    /// True when it is marked private.
    pub private: bool,
}

impl From<Entry> for Evidence {
    fn from(e: Entry) -> Evidence {
        Evidence {
            proven: e.has_proof(),
            private: e.private,
            id: e.id,
            date: e.date,
            signals: e.signals,
        }
    }
}

/// Fewer entries than this in the window, and the report states no verdict.
pub const MIN_ENTRIES_FOR_VERDICT: usize = 2;

/// The dates an entry must fall between (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First day.
    pub since: NaiveDate,
    /// Last day.
    pub until: NaiveDate,
}

impl Window {
    /// The 365 days ending on `until`.
    pub fn year_ending(until: NaiveDate) -> Window {
        Window {
            since: until - chrono::Days::new(364),
            until,
        }
    }

    /// True when `day` is inside the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.since <= day && day <= self.until
    }
}

/// How well one framework item is evidenced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The item id.
    pub id: String,
    /// The framework's wording.
    pub text: String,
    /// Entries in the window that list the item (proven or not).
    pub evidence: usize,
    /// Of those, entries that evidence it (have a link or a metric).
    pub proven: usize,
    /// True when `proven > 0`.
    pub covered: bool,
    /// `proven`, `thin` (listed, but no entry has proof) or `missing`.
    pub status: Status,
    /// Ids of the entries that list it, newest first.
    pub entries: Vec<String>,
    /// True when the entries that evidence it fall in at least two calendar
    /// months (SPEC §5): shown consistently, not once.
    pub sustained: bool,
    /// How many calendar months the entries that evidence it fall in.
    pub months: usize,
    /// Date of the oldest entry that lists it.
    pub first: Option<NaiveDate>,
    /// Date of the newest entry that lists it.
    pub last: Option<NaiveDate>,
}

/// The state of one item's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// At least one entry with a link or metric.
    Proven,
    /// Listed by entries, none of which has a link or metric.
    Thin,
    /// No entry lists it.
    Missing,
}

/// Which items readiness is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The current level's "signals you're ready to level up".
    Signals,
    /// The target level's success indicators (the current level has no signals).
    TargetIndicators,
    /// The current level's own indicators (the top level: no target).
    OwnIndicators,
}

/// The whole readiness computation; the JSON shape of SPEC §5.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// Current level C.
    pub from: LevelId,
    /// Target level T, `None` at the top.
    pub to: Option<LevelId>,
    /// First day of the window.
    pub since: NaiveDate,
    /// Last day of the window.
    pub until: NaiveDate,
    /// covered / all over the basis items, 0 to 1, two decimals.
    pub readiness: f64,
    /// Entries inside the window.
    pub entries_considered: usize,
    /// Coverage of the basis items (normally C's level-up signals).
    pub signals: Vec<Coverage>,
    /// Coverage of T's behaviours (C's own at the top level).
    pub behaviors: Vec<Coverage>,
    /// Coverage of T's indicators (C's own at the top level).
    pub indicators: Vec<Coverage>,
    /// Ids of the basis items no entry covers.
    pub gaps: Vec<String>,
    /// Which items `signals` holds.
    pub basis: Basis,
    /// Covered basis items.
    pub covered: usize,
    /// All basis items.
    pub total: usize,
    /// False when too few entries fall in the window to say anything in words.
    pub verdict: bool,
}

/// Returns which items readiness from `from` to `to` counts, and why.
///
/// C's level-up signals; where C has none, T's success indicators; at the
/// top level (`to` is `None`), C's own success indicators (SPEC §5). `cv
/// levels` shows the same choice that `cv report` makes.
pub fn basis(framework: &Framework, from: LevelId, to: Option<LevelId>) -> (Basis, Vec<&Item>) {
    let items_of = |level: Option<LevelId>, kind: ItemKind| -> Vec<&Item> {
        level
            .and_then(|l| framework.level(l))
            .map(|l| l.items_of(kind).collect())
            .unwrap_or_default()
    };
    let own_signals = items_of(Some(from), ItemKind::Signal);
    match to {
        None => (
            Basis::OwnIndicators,
            items_of(Some(from), ItemKind::Indicator),
        ),
        Some(_) if own_signals.is_empty() => {
            (Basis::TargetIndicators, items_of(to, ItemKind::Indicator))
        }
        Some(_) => (Basis::Signals, own_signals),
    }
}

/// Computes readiness for promotion from `from` to `to` over `entries`.
///
/// `to` is normally `from.next()`; `None` means `from` is the top level.
pub fn compute<'a>(
    framework: &Framework,
    entries: impl IntoIterator<Item = &'a Evidence>,
    from: LevelId,
    to: Option<LevelId>,
    window: Window,
) -> Readiness {
    let mut in_window: Vec<&Evidence> = entries
        .into_iter()
        .filter(|e| window.contains(e.date))
        .collect();
    in_window.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let items_of = |level: Option<LevelId>, kind: ItemKind| -> Vec<&Item> {
        level
            .and_then(|l| framework.level(l))
            .map(|l| l.items_of(kind).collect())
            .unwrap_or_default()
    };
    let (basis, basis_items) = basis(framework, from, to);
    let shown = to.or(Some(from));
    let cover = |items: &[&Item]| -> Vec<Coverage> {
        items.iter().map(|i| coverage(i, &in_window)).collect()
    };
    let signals = cover(&basis_items);
    let covered = signals.iter().filter(|c| c.covered).count();
    let total = signals.len();
    let readiness = if total == 0 {
        0.0
    } else {
        (covered as f64 / total as f64 * 100.0).round() / 100.0
    };
    Readiness {
        from,
        to,
        since: window.since,
        until: window.until,
        readiness,
        entries_considered: in_window.len(),
        gaps: signals
            .iter()
            .filter(|c| !c.covered)
            .map(|c| c.id.clone())
            .collect(),
        behaviors: cover(&items_of(shown, ItemKind::Behavior)),
        indicators: cover(&items_of(shown, ItemKind::Indicator)),
        signals,
        basis,
        covered,
        total,
        verdict: in_window.len() >= MIN_ENTRIES_FOR_VERDICT,
    }
}

/// How well `entries` evidence `item` (SPEC §5), for any item: `cv diff
/// --evidence` lays this over every item of two cards.
pub fn coverage(item: &Item, entries: &[&Evidence]) -> Coverage {
    let listing: Vec<&&Evidence> = entries
        .iter()
        // An id from before a rename counts as the new one (`formerly`).
        .filter(|e| e.signals.iter().any(|s| item.answers_to(s)))
        .collect();
    let proven = listing.iter().filter(|e| e.proven).count();
    let months = listing
        .iter()
        .filter(|e| e.proven)
        .map(|e| (e.date.year(), e.date.month()))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let status = match (listing.len(), proven) {
        (0, _) => Status::Missing,
        (_, 0) => Status::Thin,
        _ => Status::Proven,
    };
    Coverage {
        id: item.id.clone(),
        text: item.text.clone(),
        evidence: listing.len(),
        proven,
        covered: proven > 0,
        status,
        entries: listing.iter().map(|e| e.id.clone()).collect(),
        sustained: months >= 2,
        months,
        first: listing.iter().map(|e| e.date).min(),
        last: listing.iter().map(|e| e.date).max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::Link;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn entry(id: &str, date: &str, signals: &[&str], proof: bool) -> Evidence {
        Evidence::from(Entry {
            id: id.into(),
            title: id.into(),
            date: day(date),
            signals: signals.iter().map(|s| s.to_string()).collect(),
            tags: vec![],
            customer: None,
            problem: None,
            outcome: None,
            notes: None,
            remeasure: None,
            private: false,
            metrics: vec![],
            links: if proof {
                vec![Link::Url {
                    url: "https://example.com".into(),
                    summary: None,
                }]
            } else {
                vec![]
            },
        })
    }

    #[test]
    fn proven_claimed_and_outside_the_window() {
        let fw = Framework::builtin().expect("builtin");
        let entries = [
            entry(
                "a",
                "2026-10-01",
                &["mid.signal.defines-success-criteria"],
                true,
            ),
            entry(
                "b",
                "2026-09-01",
                &["mid.signal.prioritizes-by-customer-impact"],
                false,
            ),
            entry(
                "c",
                "2024-01-01",
                &["mid.signal.aligns-on-customer-goals"],
                true,
            ),
        ];
        let r = compute(
            &fw,
            &entries,
            LevelId::Mid,
            Some(LevelId::Senior),
            Window::year_ending(day("2026-11-22")),
        );
        assert_eq!(r.since, day("2025-11-23"));
        assert_eq!(r.entries_considered, 2);
        assert_eq!((r.covered, r.total, r.readiness), (1, 3, 0.33));
        let by_id = |id: &str| r.signals.iter().find(|c| c.id == id).expect("present");
        let proven = by_id("mid.signal.defines-success-criteria");
        assert_eq!(
            (proven.evidence, proven.proven, proven.status),
            (1, 1, Status::Proven)
        );
        assert_eq!(proven.last, Some(day("2026-10-01")));
        let thin = by_id("mid.signal.prioritizes-by-customer-impact");
        assert_eq!(
            (thin.evidence, thin.proven, thin.covered, thin.status),
            (1, 0, false, Status::Thin)
        );
        let outside = by_id("mid.signal.aligns-on-customer-goals");
        assert_eq!((outside.evidence, outside.status), (0, Status::Missing));
        assert_eq!(
            r.gaps,
            [
                "mid.signal.prioritizes-by-customer-impact",
                "mid.signal.aligns-on-customer-goals"
            ]
        );
        assert!(r.verdict);
        assert!(
            r.behaviors
                .iter()
                .all(|c| c.id.starts_with("senior.behavior."))
        );
    }

    // Issue 7: a renamed item keeps its old id in `formerly`; an entry
    // written before the rename counts exactly as one that lists the new id.
    #[test]
    fn an_old_id_counts_as_its_renamed_item() {
        let fw = Framework::builtin().expect("builtin");
        let entries = [
            entry(
                "a",
                "2026-10-01",
                &["senior.indicator.sought-for-guidance"],
                true,
            ),
            entry(
                "b",
                "2026-09-01",
                &["senior.indicator.others-come-to-you-for-guidance"],
                true,
            ),
        ];
        let r = compute(
            &fw,
            &entries,
            LevelId::Mid,
            Some(LevelId::Senior),
            Window::year_ending(day("2026-11-22")),
        );
        let renamed = r
            .indicators
            .iter()
            .find(|c| c.id == "senior.indicator.others-come-to-you-for-guidance")
            .expect("the new id is reported");
        assert_eq!((renamed.evidence, renamed.proven), (2, 2));
        assert_eq!(renamed.entries, ["a", "b"]);
        assert!(
            r.indicators
                .iter()
                .all(|c| c.id != "senior.indicator.sought-for-guidance")
        );
    }

    #[test]
    fn the_basis_is_the_level_up_signals_and_at_the_top_own_indicators() {
        let fw = Framework::builtin().expect("builtin");
        let (mid, items) = super::basis(&fw, LevelId::Mid, Some(LevelId::Senior));
        assert_eq!((mid, items.len()), (Basis::Signals, 3));
        let (top, items) = super::basis(&fw, LevelId::Principal, None);
        assert_eq!(top, Basis::OwnIndicators);
        assert!(
            items
                .iter()
                .all(|i| i.id.starts_with("principal.indicator."))
        );
        assert_eq!(items.len(), 4);
    }

    #[test]
    fn no_verdict_with_one_entry_and_top_level_uses_own_indicators() {
        let fw = Framework::builtin().expect("builtin");
        let entries = [entry(
            "a",
            "2026-10-01",
            &["principal.indicator.org-reflects-direction"],
            true,
        )];
        let r = compute(
            &fw,
            &entries,
            LevelId::Principal,
            None,
            Window::year_ending(day("2026-11-22")),
        );
        assert_eq!(r.basis, Basis::OwnIndicators);
        assert_eq!((r.covered, r.total), (1, 4));
        assert_eq!(r.readiness, 0.25);
        assert!(!r.verdict);
    }
}
