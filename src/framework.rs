//! The career framework as data: levels, their sections and items.
//!
//! Loads the built-in Customer Value framework (embedded from `content/`) or a
//! custom file of the same schema, validates it, and resolves item ids. It does
//! no printing and knows nothing of the ledger.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content;
use crate::ids::{self, ResolveError};
use crate::level::LevelId;

/// The kind of an item, that is, the section of a level card it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// Key behaviours ("What this looks like").
    Behavior,
    /// Common struggles.
    Struggle,
    /// Success indicators.
    Indicator,
    /// Signals you're ready to level up.
    Signal,
    /// Questions to ask yourself.
    Question,
    /// Habits to build.
    Habit,
    /// Feedback to seek.
    Feedback,
    /// Focus summary.
    Focus,
}

impl ItemKind {
    /// All kinds, in the order a level card shows them.
    pub const ALL: [ItemKind; 8] = [
        ItemKind::Behavior,
        ItemKind::Struggle,
        ItemKind::Indicator,
        ItemKind::Signal,
        ItemKind::Question,
        ItemKind::Habit,
        ItemKind::Feedback,
        ItemKind::Focus,
    ];

    /// Returns the kind as it appears in item ids (`signal`).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Behavior => "behavior",
            ItemKind::Struggle => "struggle",
            ItemKind::Indicator => "indicator",
            ItemKind::Signal => "signal",
            ItemKind::Question => "question",
            ItemKind::Habit => "habit",
            ItemKind::Feedback => "feedback",
            ItemKind::Focus => "focus",
        }
    }

    /// Returns the section's heading on a level card.
    pub fn heading(self) -> &'static str {
        match self {
            ItemKind::Behavior => "Key behaviors",
            ItemKind::Struggle => "Common struggles",
            ItemKind::Indicator => "Success indicators",
            ItemKind::Signal => "Signals you're ready to level up",
            ItemKind::Question => "Questions to ask yourself",
            ItemKind::Habit => "Build these habits",
            ItemKind::Feedback => "Seek feedback",
            ItemKind::Focus => "Focus summary",
        }
    }
}

/// One item of a level card, such as a behaviour or a level-up signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable id, `<level>.<kind>.<slug>`.
    pub id: String,
    /// The section it belongs to.
    pub kind: ItemKind,
    /// The framework's wording.
    pub text: String,
    /// True where the seeds have no explicit list and the item restates prose.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
    /// The level it belongs to.
    #[serde(skip)]
    pub level: LevelId,
}

/// The mindset shift of a level: from one question to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mindset {
    /// The question the engineer grows out of.
    pub from: String,
    /// The question the engineer grows into.
    pub to: String,
}

/// One stage of the framework with its whole card.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    /// Canonical id (`mid`).
    pub id: LevelId,
    /// 1 to 5.
    pub number: u8,
    /// Display name (`Mid-Level Engineer`).
    pub name: String,
    /// One or two words (`shaping outcomes`).
    pub theme: String,
    /// One paragraph describing the stage.
    pub summary: String,
    /// The mindset shift.
    pub mindset: Mindset,
    /// Every item of every section, in card order.
    pub items: Vec<Item>,
    /// The closing sentence of the stage ("customer value is about …").
    pub closing: String,
}

impl Level {
    /// Returns the items of one section, in the framework's order.
    pub fn items_of(&self, kind: ItemKind) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.kind == kind)
    }
}

/// A whole framework: the built-in one or a user's ladder.
#[derive(Debug, Clone, Serialize)]
pub struct Framework {
    /// The framework's name.
    pub name: String,
    /// One sentence on what it measures.
    pub description: String,
    /// Levels, lowest first.
    pub levels: Vec<Level>,
}

/// Why a framework file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FrameworkError {
    /// The file could not be read.
    #[error("cannot read framework file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML of the framework schema.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// The file, or `built-in framework`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file parses but breaks a rule of the schema.
    #[error("{origin}: {message}")]
    Invalid {
        /// The file, or `built-in framework`.
        origin: String,
        /// Which rule, and where.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFramework {
    name: String,
    #[serde(default)]
    description: String,
    levels: Vec<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    id: String,
    number: Option<u8>,
    name: String,
    theme: String,
    summary: String,
    #[serde(default)]
    closing: String,
    mindset: Mindset,
    #[serde(default)]
    behavior: Vec<RawItem>,
    #[serde(default)]
    struggle: Vec<RawItem>,
    #[serde(default)]
    indicator: Vec<RawItem>,
    #[serde(default)]
    signal: Vec<RawItem>,
    #[serde(default)]
    question: Vec<RawItem>,
    #[serde(default)]
    habit: Vec<RawItem>,
    #[serde(default)]
    feedback: Vec<RawItem>,
    #[serde(default)]
    focus: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    slug: String,
    text: String,
    #[serde(default)]
    derived: bool,
}

impl Framework {
    /// Returns the built-in Customer Value framework.
    ///
    /// The embedded file is checked by tests, so a failure here is a build
    /// defect; it is still returned as an error rather than a panic.
    pub fn builtin() -> Result<Framework, FrameworkError> {
        Framework::parse(content::FRAMEWORK, "built-in framework")
    }

    /// Loads a framework file of the same schema as the built-in one.
    pub fn load(path: &Path) -> Result<Framework, FrameworkError> {
        let text = std::fs::read_to_string(path).map_err(|source| FrameworkError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Framework::parse(&text, &path.display().to_string())
    }

    /// Parses and validates framework TOML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Framework, FrameworkError> {
        let raw: RawFramework = toml::from_str(text).map_err(|e| {
            let (line, column) = crate::entry::line_col(text, e.span().map_or(0, |s| s.start));
            FrameworkError::Parse {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let invalid = |message: String| FrameworkError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let mut levels: Vec<Level> = Vec::with_capacity(raw.levels.len());
        for raw_level in raw.levels {
            let id: LevelId = raw_level.id.parse().map_err(|_| {
                invalid(format!(
                    "level id '{}' is not one of early, mid, senior, staff, principal",
                    raw_level.id
                ))
            })?;
            if raw_level.id != id.as_str() {
                return Err(invalid(format!(
                    "level id '{}' must be written '{id}'",
                    raw_level.id
                )));
            }
            if let Some(prev) = levels.last()
                && prev.id >= id
            {
                return Err(invalid(format!("level '{id}' is out of order or repeated")));
            }
            if let Some(n) = raw_level.number
                && n != id.number()
            {
                return Err(invalid(format!(
                    "level '{id}' has number {n}, expected {}",
                    id.number()
                )));
            }
            let sections = [
                (ItemKind::Behavior, raw_level.behavior),
                (ItemKind::Struggle, raw_level.struggle),
                (ItemKind::Indicator, raw_level.indicator),
                (ItemKind::Signal, raw_level.signal),
                (ItemKind::Question, raw_level.question),
                (ItemKind::Habit, raw_level.habit),
                (ItemKind::Feedback, raw_level.feedback),
                (ItemKind::Focus, raw_level.focus),
            ];
            let mut items = Vec::new();
            for (kind, raw_items) in sections {
                for raw_item in raw_items {
                    if !is_slug(&raw_item.slug) {
                        return Err(invalid(format!(
                            "slug '{}' in level '{id}' must be lowercase ASCII letters, digits and single dashes",
                            raw_item.slug
                        )));
                    }
                    let item_id = format!("{id}.{}.{}", kind.as_str(), raw_item.slug);
                    if items.iter().any(|i: &Item| i.id == item_id) {
                        return Err(invalid(format!("item id '{item_id}' is repeated")));
                    }
                    items.push(Item {
                        id: item_id,
                        kind,
                        text: raw_item.text.trim().to_string(),
                        derived: raw_item.derived,
                        level: id,
                    });
                }
            }
            levels.push(Level {
                id,
                number: id.number(),
                name: raw_level.name,
                theme: raw_level.theme,
                summary: raw_level.summary,
                mindset: raw_level.mindset,
                items,
                closing: raw_level.closing,
            });
        }
        if levels.is_empty() {
            return Err(invalid("the framework has no levels".to_string()));
        }
        Ok(Framework {
            name: raw.name,
            description: raw.description,
            levels,
        })
    }

    /// Returns the level with this id, if the framework has it.
    pub fn level(&self, id: LevelId) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// Iterates over every item of every level, lowest level first.
    pub fn items(&self) -> impl Iterator<Item = &Item> + Clone {
        self.levels.iter().flat_map(|l| l.items.iter())
    }

    /// Returns the item with exactly this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id == id)
    }

    /// Resolves a full id, a suffix or a run of whole words to one item.
    pub fn resolve_item(&self, given: &str) -> Result<&Item, ResolveError> {
        let index = ids::resolve(given, self.items().map(|i| i.id.as_str()))?;
        self.items()
            .nth(index)
            .ok_or_else(|| ResolveError::Unknown {
                given: given.to_string(),
                closest: Vec::new(),
            })
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Framework {
        Framework::builtin().expect("the built-in framework parses")
    }

    #[test]
    fn builtin_has_five_levels_with_every_section_filled() {
        let fw = builtin();
        let ids: Vec<LevelId> = fw.levels.iter().map(|l| l.id).collect();
        assert_eq!(ids, LevelId::ALL);
        for level in &fw.levels {
            assert!(!level.summary.is_empty(), "{} summary", level.id);
            assert!(!level.closing.is_empty(), "{} closing", level.id);
            assert!(level.mindset.from.ends_with('?') && level.mindset.to.ends_with('?'));
            for kind in ItemKind::ALL {
                assert!(
                    level.items_of(kind).count() >= 2,
                    "{} has too few {:?}",
                    level.id,
                    kind
                );
            }
        }
    }

    #[test]
    fn levels_one_and_two_match_the_cards_count_for_count() {
        let fw = builtin();
        // Counts from shared/seeds/002 (the structured cards).
        let expected = [
            (ItemKind::Behavior, 5),
            (ItemKind::Struggle, 3),
            (ItemKind::Indicator, 4),
            (ItemKind::Question, 3),
            (ItemKind::Habit, 3),
            (ItemKind::Feedback, 3),
            (ItemKind::Signal, 3),
            (ItemKind::Focus, 3),
        ];
        for level in [LevelId::Early, LevelId::Mid] {
            let level = fw.level(level).expect("level present");
            for (kind, count) in expected {
                assert_eq!(
                    level.items_of(kind).count(),
                    count,
                    "{} {:?}",
                    level.id,
                    kind
                );
                assert!(
                    level.items_of(kind).all(|i| !i.derived),
                    "cards are quoted, not derived"
                );
            }
        }
    }

    #[test]
    fn mindset_shifts_are_the_seed_sentences() {
        let fw = builtin();
        let shifts: Vec<(&str, &str)> = fw
            .levels
            .iter()
            .map(|l| (l.mindset.from.as_str(), l.mindset.to.as_str()))
            .collect();
        assert_eq!(
            shifts,
            [
                (
                    "Did I build it right?",
                    "Did it solve the customer’s problem?"
                ),
                ("What’s my task?", "What’s the customer’s goal?"),
                (
                    "What's my contribution?",
                    "How can I lead impactful change?"
                ),
                (
                    "What's my team's contribution?",
                    "How can we drive strategic change?"
                ),
                (
                    "What's our organization's contribution?",
                    "How can we shape the future of customer value?"
                ),
            ]
        );
    }

    #[test]
    fn ids_are_unique_across_the_framework() {
        let fw = builtin();
        let mut ids: Vec<&str> = fw.items().map(|i| i.id.as_str()).collect();
        let total = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), total);
        assert!(fw.item("mid.signal.defines-success-criteria").is_some());
        assert!(
            fw.item("senior.behavior.drives-measurable-outcomes")
                .is_some()
        );
    }

    #[test]
    fn only_missing_lists_are_derived() {
        let fw = builtin();
        for item in fw.items().filter(|i| i.derived) {
            let allowed = item.kind == ItemKind::Focus && item.level >= LevelId::Senior
                || item.kind == ItemKind::Signal && item.level == LevelId::Principal;
            assert!(allowed, "{} should not be derived", item.id);
        }
    }

    #[test]
    fn bad_frameworks_are_rejected_with_a_location() {
        let err = Framework::parse("name = \"x\"\nlevels = 3\n", "ladder.toml").unwrap_err();
        assert!(err.to_string().starts_with("ladder.toml:2:"), "{err}");
        let dup = r#"
name = "x"
[[levels]]
id = "early"
name = "E"
theme = "t"
summary = "s"
mindset = { from = "a?", to = "b?" }
[[levels.signal]]
slug = "same"
text = "one"
[[levels.signal]]
slug = "same"
text = "two"
"#;
        let err = Framework::parse(dup, "ladder.toml").unwrap_err();
        assert!(err.to_string().contains("early.signal.same"), "{err}");
    }
}
