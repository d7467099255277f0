//! The career framework as data: levels, their sections and items.
//!
//! Loads the built-in Customer Value framework (embedded from `content/`) or a
//! custom file of the same schema, validates it, and resolves item ids. It does
//! no printing and knows nothing of the ledger.

use std::collections::HashMap;
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
    /// Where a derived item's words come from (`the closing line`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Ids the item had before a rename; entries that list one still count.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub formerly: Vec<String>,
    /// The level it belongs to.
    #[serde(skip)]
    pub level: LevelId,
}

impl Item {
    /// True when `id` names this item: its id, or one it had before a rename.
    ///
    /// Readiness matches every listed id of every entry through this, so it
    /// compares strings only: no lookup, no allocation.
    pub fn answers_to(&self, id: &str) -> bool {
        self.id == id || self.formerly.iter().any(|f| f == id)
    }

    /// True when only the item's full id resolves to it, never a bare slug,
    /// a suffix or a run of words.
    ///
    /// Only signals, behaviours and indicators ever count toward readiness
    /// (SPEC §5). Focus items, habits, questions, struggles, feedback, and
    /// derived items (which restate prose rather than quote a list) count
    /// toward none, so a typed fragment that lands on one is far likelier a
    /// slip than a choice: `cv` names the item in its "did you mean" instead
    /// of recording it silently.
    pub fn needs_full_id(&self) -> bool {
        self.derived
            || !matches!(
                self.kind,
                ItemKind::Signal | ItemKind::Behavior | ItemKind::Indicator
            )
    }

    /// Returns the mark every view shows on a derived item
    /// (`derived from the closing line`), or `None` for a quoted one.
    pub fn derived_mark(&self) -> Option<String> {
        self.derived.then(|| match &self.source {
            Some(source) => format!("derived from {source}"),
            None => "derived from the prose".to_string(),
        })
    }
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
    /// Two items share a slug, so a bare slug would not name one item
    /// (SPEC §2: every slug is unique across the whole framework).
    #[error(
        "{origin}:{line}:{column}: slug '{slug}' of {id} is already the slug of {first}; \
         every slug must be unique across the framework, so that a bare slug names one item"
    )]
    DuplicateSlug {
        /// The file, or `built-in framework`.
        origin: String,
        /// 1-based line of the second use.
        line: usize,
        /// 1-based column of the second use.
        column: usize,
        /// The shared slug.
        slug: String,
        /// The id of the item that uses it a second time.
        id: String,
        /// The id of the item that has it first.
        first: String,
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
    // Spanned, so a duplicate slug is reported at its line and column.
    slug: toml::Spanned<String>,
    text: String,
    #[serde(default)]
    derived: bool,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    formerly: Vec<String>,
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
        // Across levels, not per level: SPEC §2 has a bare slug name one item.
        let mut slugs: HashMap<String, String> = HashMap::new();
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
                    let span = raw_item.slug.span();
                    let slug = raw_item.slug.into_inner();
                    if !is_slug(&slug) {
                        return Err(invalid(format!(
                            "slug '{slug}' in level '{id}' must be lowercase ASCII letters, digits and single dashes"
                        )));
                    }
                    let item_id = format!("{id}.{}.{slug}", kind.as_str());
                    if let Some(first) = slugs.get(&slug) {
                        let (line, column) = crate::entry::line_col(text, span.start);
                        return Err(FrameworkError::DuplicateSlug {
                            origin: origin.to_string(),
                            line,
                            column,
                            slug,
                            id: item_id,
                            first: first.clone(),
                        });
                    }
                    slugs.insert(slug, item_id.clone());
                    for former in &raw_item.formerly {
                        if !is_item_id(former) {
                            return Err(invalid(format!(
                                "'{former}' in formerly of {item_id} is not an item id (<level>.<kind>.<slug>)"
                            )));
                        }
                    }
                    items.push(Item {
                        id: item_id,
                        kind,
                        text: raw_item.text.trim().to_string(),
                        derived: raw_item.derived,
                        source: raw_item.source.map(|s| s.trim().to_string()),
                        formerly: raw_item.formerly,
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
        // An old id must keep naming one item, and never shadow a live one.
        let mut former_of: HashMap<&str, &str> = HashMap::new();
        let all = || levels.iter().flat_map(|l| l.items.iter());
        for item in all() {
            for former in &item.formerly {
                if let Some(live) = all().find(|i| &i.id == former) {
                    return Err(invalid(format!(
                        "formerly of {} names {former}, which is the id of {}",
                        item.id, live.id
                    )));
                }
                if let Some(other) = former_of.insert(former, &item.id) {
                    return Err(invalid(format!(
                        "{former} is in formerly of both {other} and {}",
                        item.id
                    )));
                }
            }
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

    /// Returns the item with this full id, or the item that had it before a
    /// rename (see [`Item::formerly`]).
    ///
    /// An entry that lists an old id counts exactly as one that lists the new
    /// id, so a valid full id is one this finds.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items()
            .find(|i| i.id == id)
            .or_else(|| self.items().find(|i| i.formerly.iter().any(|f| f == id)))
    }

    /// Returns the current id of the item `id` names (itself, or the new id
    /// of a renamed item), or `None` when no item has or had it.
    pub fn canonical_id(&self, id: &str) -> Option<&str> {
        self.item(id).map(|i| i.id.as_str())
    }

    /// Resolves what a user typed to one item.
    ///
    /// In order: a full id, current or former (case-insensitive); then, over
    /// the items [`Item::needs_full_id`] leaves open, an exact slug, a suffix
    /// or a run of whole words, where spaces stand for dashes (`seeks
    /// feedback`); then the same over former ids, so an old slug still finds
    /// its renamed item. A bare slug of a focus or derived item is not
    /// matched: the error names its full id first among the closest.
    pub fn resolve_item(&self, given: &str) -> Result<&Item, ResolveError> {
        let query = ids::normalize(given);
        let exact = self
            .items()
            .find(|i| i.id.eq_ignore_ascii_case(&query))
            .or_else(|| {
                self.items()
                    .find(|i| i.formerly.iter().any(|f| f.eq_ignore_ascii_case(&query)))
            });
        if let Some(item) = exact {
            return Ok(item);
        }
        let unknown = || ResolveError::Unknown {
            given: given.to_string(),
            closest: ids::closest(&query, self.items().map(|i| i.id.as_str())),
        };
        // A closed item's own slug must not fall through to the suffix and
        // word tiers, where it could land silently on another item.
        if self
            .items()
            .any(|i| i.needs_full_id() && slug_of(&i.id) == query)
        {
            return Err(unknown());
        }
        let open: Vec<&Item> = self.items().filter(|i| !i.needs_full_id()).collect();
        match ids::resolve(&query, open.iter().map(|i| i.id.as_str())) {
            Ok(index) => return open.get(index).copied().ok_or_else(unknown),
            Err(ResolveError::Ambiguous { candidates, .. }) => {
                return Err(ResolveError::Ambiguous {
                    given: given.to_string(),
                    candidates,
                });
            }
            Err(ResolveError::Unknown { .. }) => {}
        }
        let former: Vec<(&str, &Item)> = open
            .iter()
            .flat_map(|i| i.formerly.iter().map(move |f| (f.as_str(), *i)))
            .collect();
        match ids::resolve(&query, former.iter().map(|(f, _)| *f)) {
            Ok(index) => former.get(index).map(|(_, i)| *i).ok_or_else(unknown),
            Err(_) => Err(unknown()),
        }
    }
}

fn slug_of(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// True for `<level>.<kind>.<slug>` with a known level and kind.
fn is_item_id(id: &str) -> bool {
    let mut parts = id.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(level), Some(kind), Some(slug), None)
            if level.parse::<LevelId>().is_ok_and(|l| l.as_str() == level)
                && ItemKind::ALL.iter().any(|k| k.as_str() == kind)
                && is_slug(slug)
    )
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
                // The top stage has no level-up signals: the seeds give none.
                if level.id == LevelId::Principal && kind == ItemKind::Signal {
                    continue;
                }
                assert!(
                    level.items_of(kind).count() >= 2,
                    "{} has too few {:?}",
                    level.id,
                    kind
                );
            }
        }
    }

    // Issue 7: the prose's hedged "your growth takes you into adjacent
    // domains: … or …" had become three firm, derived Principal signals.
    #[test]
    fn principal_has_no_level_up_signals() {
        let fw = builtin();
        let top = fw.level(LevelId::Principal).expect("principal");
        assert_eq!(top.items_of(ItemKind::Signal).count(), 0);
        for id in [
            "principal.signal.shapes-industry-standards",
            "principal.signal.mentors-next-generation",
            "principal.signal.shapes-community-thinking",
        ] {
            assert!(fw.item(id).is_none(), "{id}");
        }
    }

    // Issue 7: one rule at every level, the cards' "How to Grow" questions
    // only (Staff had The Shift's two), and Principal's two habits only
    // (its third was the Seek Feedback sentence).
    #[test]
    fn questions_and_habits_follow_the_cards_rule_at_every_level() {
        let fw = builtin();
        let count = |level: LevelId, kind: ItemKind| {
            fw.level(level).map_or(0, |l| l.items_of(kind).count())
        };
        let questions: Vec<usize> = LevelId::ALL
            .iter()
            .map(|l| count(*l, ItemKind::Question))
            .collect();
        assert_eq!(questions, [3, 3, 2, 2, 2]);
        assert!(
            fw.items()
                .filter(|i| i.kind == ItemKind::Question)
                .all(|i| !i.text.contains("world-class") && !i.text.contains("structural barriers")),
            "The Shift's questions are not on a card"
        );
        assert_eq!(count(LevelId::Principal, ItemKind::Habit), 2);
        assert!(
            fw.item("principal.habit.seeks-broad-perspectives")
                .is_none()
        );
        assert!(
            fw.items()
                .filter(|i| i.kind == ItemKind::Habit)
                .all(|i| !i.text.starts_with("Seek feedback")),
        );
    }

    // Issue 7: "that asks" for "especially if it requires", "May face" for
    // "You'll face", a dropped "may not pay off". The struggles of levels 3
    // to 5 are the prose's sentences, word for word.
    #[test]
    fn struggles_of_levels_three_to_five_are_the_prose_sentences() {
        let fw = builtin();
        let texts = |level: LevelId| -> Vec<&str> {
            fw.level(level)
                .map(|l| {
                    l.items_of(ItemKind::Struggle)
                        .map(|i| i.text.as_str())
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            texts(LevelId::Senior),
            [
                "You may face difficulty scaling your impact across teams — what works within your team doesn't always translate to other groups with different contexts and priorities",
                "You can encounter resistance when driving change, especially if it requires people to shift their thinking or their processes",
                "Balancing competing priorities becomes more complex as you take on a broader scope",
            ]
        );
        assert_eq!(
            texts(LevelId::Staff),
            [
                "You may find that others don't share your sense of urgency about customer value, or that competing priorities — revenue targets, technical debt, team growth — crowd out the customer-focused work you're advocating for",
                "Cross-functional initiatives come with their own challenges: different teams have different languages, different incentive structures, and different definitions of success",
                "Balancing all of these competing priorities while maintaining your own effectiveness requires a level of judgment and political skill that takes time to develop",
            ]
        );
        assert_eq!(
            texts(LevelId::Principal),
            [
                "You'll face resistance — not just from individuals, but from systems, processes, and cultural norms that were optimized for a different era",
                "Setting organizational direction means making bets about the future that may not pay off, and you'll need the conviction to stay the course when results aren't immediately visible",
                "Balancing the urgent needs of today with the transformative vision of tomorrow requires constant judgment about where to compromise and where to hold the line",
            ]
        );
    }

    // Issue 7: the focus items of levels 3 to 5 claimed to restate the
    // closing line but mostly came from elsewhere.
    #[test]
    fn derived_focus_items_are_phrases_of_the_closing_line() {
        let fw = builtin();
        for level in fw.levels.iter().filter(|l| l.id >= LevelId::Senior) {
            let closing = level.closing.to_lowercase();
            let focus: Vec<&Item> = level.items_of(ItemKind::Focus).collect();
            assert!(!focus.is_empty(), "{}", level.id);
            for item in focus {
                assert!(item.derived, "{}", item.id);
                assert_eq!(item.source.as_deref(), Some("the closing line"));
                assert_eq!(
                    item.derived_mark().as_deref(),
                    Some("derived from the closing line")
                );
                assert!(
                    closing.contains(&item.text.to_lowercase()),
                    "{} is not in the closing line of {}",
                    item.text,
                    level.id
                );
            }
        }
    }

    // SPEC §2: every slug unique, so a bare slug names one item; issue 7:
    // and none one letter (or a plural) away from another.
    #[test]
    fn slugs_are_unique_and_not_near_identical() {
        let fw = builtin();
        let slugs: Vec<(&str, &str)> = fw
            .items()
            .map(|i| (slug_of(&i.id), i.id.as_str()))
            .collect();
        let stem = |slug: &str| -> String {
            slug.split('-')
                .map(|w| w.strip_suffix('s').unwrap_or(w))
                .collect::<Vec<_>>()
                .join("-")
        };
        for (n, (a, a_id)) in slugs.iter().enumerate() {
            for (b, b_id) in &slugs[n + 1..] {
                assert_ne!(a, b, "{a_id} and {b_id} share a slug");
                assert_ne!(stem(a), stem(b), "{a_id} and {b_id} differ by a plural");
                assert!(
                    strsim::levenshtein(a, b) > 2,
                    "{a_id} and {b_id} are near-identical"
                );
            }
        }
    }

    // Issue 7: renamed slugs. An entry that lists an old id must count as
    // the new one, and an old id typed anywhere must give the new item.
    #[test]
    fn renamed_items_keep_their_old_ids() {
        let fw = builtin();
        let renames = [
            (
                "early.behavior.listens-to-customer-feedback",
                "early.behavior.pays-attention-to-customer-feedback",
            ),
            (
                "early.behavior.notices-trust-impact",
                "early.behavior.takes-note-of-trust-impact",
            ),
            (
                "mid.behavior.defines-success-criteria",
                "mid.behavior.defines-success-criteria-for-their-work",
            ),
            (
                "mid.behavior.validates-assumptions",
                "mid.behavior.seeks-feedback-to-validate-assumptions",
            ),
            (
                "senior.indicator.sought-for-guidance",
                "senior.indicator.others-come-to-you-for-guidance",
            ),
            (
                "senior.habit.looks-for-opportunities-proactively",
                "senior.habit.identifies-opportunities-proactively",
            ),
            (
                "senior.feedback.help-team-keep-focus",
                "senior.feedback.help-my-team-maintain-focus",
            ),
            (
                "senior.focus.lead-impactful-change",
                "senior.focus.drive-impactful-change",
            ),
            (
                "staff.struggle.cross-functional-friction",
                "staff.struggle.cross-functional-challenges",
            ),
            (
                "principal.struggle.uncertain-bets",
                "principal.struggle.bets-that-may-not-pay-off",
            ),
            (
                "principal.habit.keeps-value-central",
                "principal.habit.ensures-value-remains-central",
            ),
        ];
        for (old, new) in renames {
            let item = fw.item(new).expect(new);
            assert_eq!(item.formerly, [old], "{new}");
            assert!(item.answers_to(old) && item.answers_to(new));
            assert_eq!(fw.item(old).map(|i| i.id.as_str()), Some(new));
            assert_eq!(fw.canonical_id(old), Some(new));
            assert_eq!(fw.canonical_id(new), Some(new));
            assert_eq!(fw.resolve_item(old).map(|i| i.id.as_str()), Ok(new));
        }
        // Every former id in the data is one of these: none goes undocumented.
        let formers = fw.items().flat_map(|i| i.formerly.iter()).count();
        assert_eq!(formers, renames.len());
        assert_eq!(fw.canonical_id("mid.signal.no-such-thing"), None);
    }

    // Issue 7: "defines-success-criteria" was ambiguous, "seeks feedback"
    // found nothing, "drive-measurable-outcomes" silently picked a derived
    // focus item that counts in no report.
    #[test]
    fn typed_slugs_and_phrases_resolve() {
        let fw = builtin();
        let resolved = |given: &str| fw.resolve_item(given).map(|i| i.id.clone());
        assert_eq!(
            resolved("defines-success-criteria"),
            Ok("mid.signal.defines-success-criteria".to_string())
        );
        for phrase in ["seeks feedback", "Seeks Feedback", "  seeks   feedback "] {
            assert_eq!(
                resolved(phrase),
                Ok("mid.behavior.seeks-feedback-to-validate-assumptions".to_string()),
                "{phrase}"
            );
        }
        let closest = |given: &str| match fw.resolve_item(given) {
            Err(ResolveError::Unknown { given: g, closest }) => {
                assert_eq!(g, given, "the error repeats what was given");
                closest
            }
            other => panic!("{given}: expected unknown, got {other:?}"),
        };
        assert_eq!(
            closest("seek feedback").first().map(String::as_str),
            Some("mid.behavior.seeks-feedback-to-validate-assumptions")
        );
        assert_eq!(
            closest("drive-measurable-outcomes")
                .first()
                .map(String::as_str),
            Some("senior.behavior.drives-measurable-outcomes")
        );
        // The ambiguity error still lists every candidate.
        assert_eq!(
            fw.resolve_item("customer-value"),
            Err(ResolveError::Ambiguous {
                given: "customer-value".into(),
                candidates: vec![
                    "senior.behavior.mentors-on-customer-value".into(),
                    "staff.indicator.priorities-reflect-customer-value".into(),
                ],
            })
        );
    }

    // Issue 7: a focus or derived item counts toward no readiness, so only
    // its full id records it; a slug, suffix or phrase names it in the error.
    #[test]
    fn focus_and_derived_items_need_their_full_id() {
        let fw = builtin();
        let closed: Vec<&Item> = fw.items().filter(|i| i.needs_full_id()).collect();
        assert!(closed.iter().any(|i| i.derived));
        assert!(closed.iter().any(|i| !i.derived), "L1/L2 focus items too");
        for item in closed {
            assert_eq!(fw.resolve_item(&item.id).map(|i| &i.id), Ok(&item.id));
            let slug = slug_of(&item.id);
            let kind_slug = format!("{}.{slug}", item.kind.as_str());
            let phrase = slug.replace('-', " ");
            for given in [slug, kind_slug.as_str(), phrase.as_str()] {
                match fw.resolve_item(given) {
                    Err(ResolveError::Unknown { closest, .. }) => {
                        assert_eq!(closest.first(), Some(&item.id), "{given}");
                    }
                    other => panic!("{given} must not resolve silently: {other:?}"),
                }
            }
        }
    }

    // SPEC §2 for a custom ladder: a duplicate slug is an error naming the
    // file, the line and both ids.
    #[test]
    fn a_custom_framework_with_a_duplicate_slug_is_refused() {
        let ladder = r#"name = "Ladder"
[[levels]]
id = "early"
name = "E"
theme = "t"
summary = "s"
mindset = { from = "a?", to = "b?" }
[[levels.signal]]
slug = "ships-value"
text = "one"
[[levels]]
id = "mid"
name = "M"
theme = "t"
summary = "s"
mindset = { from = "a?", to = "b?" }
[[levels.behavior]]
slug = "ships-value"
text = "two"
"#;
        let err = Framework::parse(ladder, "ladder.toml").unwrap_err();
        assert!(
            matches!(err, FrameworkError::DuplicateSlug { .. }),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with("ladder.toml:18:8: slug 'ships-value'"),
            "{message}"
        );
        assert!(message.contains("mid.behavior.ships-value"), "{message}");
        assert!(message.contains("early.signal.ships-value"), "{message}");
    }

    #[test]
    fn formerly_must_name_an_old_id_of_one_item() {
        let level = |items: &str| {
            format!(
                "name = \"x\"\n[[levels]]\nid = \"early\"\nname = \"E\"\ntheme = \"t\"\nsummary = \"s\"\nmindset = {{ from = \"a?\", to = \"b?\" }}\n{items}"
            )
        };
        let ok = level(
            "[[levels.signal]]\nslug = \"new\"\ntext = \"t\"\nformerly = [\"early.signal.old\"]\n",
        );
        let fw = Framework::parse(&ok, "ladder.toml").expect("valid");
        assert_eq!(
            fw.canonical_id("early.signal.old"),
            Some("early.signal.new")
        );
        for (bad, says) in [
            (
                "[[levels.signal]]\nslug = \"a\"\ntext = \"t\"\nformerly = [\"old\"]\n",
                "is not an item id",
            ),
            (
                "[[levels.signal]]\nslug = \"a\"\ntext = \"t\"\nformerly = [\"early.signal.b\"]\n[[levels.signal]]\nslug = \"b\"\ntext = \"t\"\n",
                "which is the id of early.signal.b",
            ),
            (
                "[[levels.signal]]\nslug = \"a\"\ntext = \"t\"\nformerly = [\"early.signal.c\"]\n[[levels.signal]]\nslug = \"b\"\ntext = \"t\"\nformerly = [\"early.signal.c\"]\n",
                "in formerly of both",
            ),
        ] {
            let err = Framework::parse(&level(bad), "ladder.toml").unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
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
            let allowed = item.kind == ItemKind::Focus && item.level >= LevelId::Senior;
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
