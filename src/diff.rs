//! What changes between two levels: mindset shift, each section side by side,
//! and the level-up signals on the way. A model only; the CLI renders it.

use serde::Serialize;

use crate::framework::{Framework, Item, ItemKind, Mindset};
use crate::level::LevelId;
use crate::readiness::{self, Coverage, Evidence};

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Level id.
    pub id: LevelId,
    /// Display name.
    pub name: String,
    /// Theme.
    pub theme: String,
    /// Mindset shift of the level.
    pub mindset: Mindset,
}

/// One section compared.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The section's kind.
    pub kind: ItemKind,
    /// The section's heading.
    pub heading: &'static str,
    /// Items at FROM.
    pub from: Vec<Item>,
    /// Items at TO.
    pub to: Vec<Item>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct LevelDiff {
    /// The lower level.
    pub from: Side,
    /// The higher level.
    pub to: Side,
    /// Sections in card order (signals are in `signals_on_the_way`).
    pub sections: Vec<Section>,
    /// Level-up signals of every level from FROM up to the one below TO.
    pub signals_on_the_way: Vec<Item>,
    /// With `--evidence`: the user's coverage of every item above, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<std::collections::BTreeMap<String, Coverage>>,
}

impl LevelDiff {
    /// Lays the user's evidence over every item of the comparison.
    pub fn with_evidence(mut self, entries: &[&Evidence]) -> LevelDiff {
        let items = self
            .sections
            .iter()
            .flat_map(|s| s.from.iter().chain(&s.to))
            .chain(&self.signals_on_the_way);
        let coverage = items
            .map(|item| (item.id.clone(), readiness::coverage(item, entries)))
            .collect();
        self.evidence = Some(coverage);
        self
    }
}

/// Why two levels cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// FROM is not below TO.
    #[error("'{from}' is not below '{to}': cv diff goes up the ladder")]
    NotUpward {
        /// FROM.
        from: LevelId,
        /// TO.
        to: LevelId,
    },
    /// The framework has no such level.
    #[error("the framework has no level '{0}'")]
    Missing(LevelId),
}

/// Compares two levels of a framework.
pub fn compare(framework: &Framework, from: LevelId, to: LevelId) -> Result<LevelDiff, DiffError> {
    if from >= to {
        return Err(DiffError::NotUpward { from, to });
    }
    let low = framework.level(from).ok_or(DiffError::Missing(from))?;
    let high = framework.level(to).ok_or(DiffError::Missing(to))?;
    let side = |l: &crate::framework::Level| Side {
        id: l.id,
        name: l.name.clone(),
        theme: l.theme.clone(),
        mindset: l.mindset.clone(),
    };
    let sections = ItemKind::ALL
        .into_iter()
        .filter(|k| *k != ItemKind::Signal)
        .map(|kind| Section {
            kind,
            heading: kind.heading(),
            from: low.items_of(kind).cloned().collect(),
            to: high.items_of(kind).cloned().collect(),
        })
        .collect();
    let signals_on_the_way = framework
        .levels
        .iter()
        .filter(|l| l.id >= from && l.id < to)
        .flat_map(|l| l.items_of(ItemKind::Signal).cloned())
        .collect();
    Ok(LevelDiff {
        from: side(low),
        to: side(high),
        sections,
        signals_on_the_way,
        evidence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_on_the_way_span_every_level_below_the_target() {
        let fw = Framework::builtin().expect("builtin");
        let d = compare(&fw, LevelId::Early, LevelId::Senior).expect("compares");
        let levels: Vec<LevelId> = d.signals_on_the_way.iter().map(|i| i.level).collect();
        assert_eq!(levels.len(), 6);
        assert!(
            levels
                .iter()
                .all(|l| *l == LevelId::Early || *l == LevelId::Mid)
        );
        assert_eq!(d.to.mindset.to, "How can I lead impactful change?");
        assert_eq!(d.sections.len(), 7);
    }

    // Issue 7: `cv diff` dropped the derived mark that `cv levels` shows;
    // the model keeps it on every item, for every view to render.
    #[test]
    fn derived_items_keep_their_mark() {
        let fw = Framework::builtin().expect("builtin");
        let d = compare(&fw, LevelId::Mid, LevelId::Principal).expect("compares");
        let focus = d
            .sections
            .iter()
            .find(|s| s.kind == ItemKind::Focus)
            .expect("focus section");
        assert!(focus.from.iter().all(|i| !i.derived));
        assert!(!focus.to.is_empty());
        assert!(focus.to.iter().all(|i| i.derived_mark().is_some()));
        let json = serde_json::to_value(&d).expect("json");
        let to = &json["sections"][6]["to"];
        assert_eq!(json["sections"][6]["kind"], "focus");
        assert_eq!(to[0]["derived"], true);
        assert_eq!(to[0]["source"], "the closing line");
        // Staff's signals on the way to Principal, none of them Principal's.
        assert!(
            d.signals_on_the_way
                .iter()
                .all(|i| i.level < LevelId::Principal)
        );
    }

    #[test]
    fn downward_is_an_error() {
        let fw = Framework::builtin().expect("builtin");
        assert!(compare(&fw, LevelId::Senior, LevelId::Mid).is_err());
        assert!(compare(&fw, LevelId::Mid, LevelId::Mid).is_err());
    }
}
