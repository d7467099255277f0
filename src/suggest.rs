//! Ranks framework items by how well an entry's text matches them, for the
//! signal step of an interactive `cv log`. Pure: text in, scores out.
//!
//! The score is word overlap on a crude stem (the first five letters of each
//! word of four letters or more, stop words dropped), weighted so that a rare
//! shared word counts more than a common one. Simple and explainable: the
//! framework's items are short sentences, and the user's entry uses the same
//! vocabulary when it is about the same thing.

use std::collections::{HashMap, HashSet};

use crate::framework::Item;

const STOP: &[&str] = &[
    "about", "after", "also", "been", "before", "from", "have", "into", "just", "more", "only",
    "over", "that", "their", "them", "then", "there", "they", "this", "what", "when", "where",
    "which", "while", "with", "your", "work", "were", "will", "would",
];

fn stems(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 4 && !STOP.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

/// Returns `(index into items, score)` for every item with a score above
/// zero, best first; ties keep the framework's order.
pub fn rank(items: &[&Item], text: &str) -> Vec<(usize, f64)> {
    let wanted = stems(text);
    if wanted.is_empty() {
        return Vec::new();
    }
    let item_stems: Vec<HashSet<String>> = items.iter().map(|i| stems(&i.text)).collect();
    // How many items share each stem: a word in every item says little.
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for set in &item_stems {
        for stem in set {
            *frequency.entry(stem.as_str()).or_default() += 1;
        }
    }
    let total = items.len().max(1) as f64;
    let mut scored: Vec<(usize, f64)> = item_stems
        .iter()
        .enumerate()
        .map(|(i, set)| {
            let score: f64 = set
                .intersection(&wanted)
                .map(|stem| {
                    (total / frequency.get(stem.as_str()).copied().unwrap_or(1) as f64).ln() + 1.0
                })
                .sum();
            (i, score)
        })
        .filter(|(_, score)| *score > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{Framework, ItemKind};
    use crate::level::LevelId;

    #[test]
    fn the_entry_text_finds_its_signal() {
        let fw = Framework::builtin().expect("builtin");
        let items: Vec<&Item> = [LevelId::Mid, LevelId::Senior]
            .iter()
            .filter_map(|l| fw.level(*l))
            .flat_map(|l| l.items.iter())
            .filter(|i| {
                matches!(
                    i.kind,
                    ItemKind::Behavior | ItemKind::Indicator | ItemKind::Signal
                )
            })
            .collect();
        let ranked = rank(
            &items,
            "Agreed success criteria with product before building the search fix",
        );
        let best = items[ranked[0].0];
        assert!(best.id.contains(".defines-success-criteria"), "{}", best.id);
        let ranked = rank(&items, "Mentored two new engineers on customer value");
        assert_eq!(
            items[ranked[0].0].id,
            "senior.behavior.mentors-on-customer-value"
        );
        assert!(rank(&items, "").is_empty());
    }
}
