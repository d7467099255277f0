//! The promotion report: readiness plus what a reader needs around it (level
//! names, the framework's questions and habits for the gaps, the sentence
//! explaining the figure). Renderers turn this one model into each format.

pub mod html;
pub mod json;
pub mod markdown;
pub mod packet;

use serde::Serialize;

use crate::framework::{Framework, ItemKind};
use crate::level::LevelId;
use crate::readiness::{self, Basis, Evidence, Readiness, Window};

/// A framework item quoted in advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// Item id.
    pub id: String,
    /// The framework's wording.
    pub text: String,
}

/// What the framework suggests for closing the gaps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// The current level's questions to ask yourself.
    pub questions: Vec<Quote>,
    /// The current level's habits to build.
    pub habits: Vec<Quote>,
}

/// Everything a report shows, in every format.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The SPEC §5 fields, flattened to the top of the JSON.
    #[serde(flatten)]
    pub readiness: Readiness,
    /// The framework's name.
    pub framework: String,
    /// Display name of the current level.
    pub from_name: String,
    /// Display name of the target level, if any.
    pub to_name: Option<String>,
    /// The profile's name.
    pub name: String,
    /// Framework questions and habits for the gaps (empty when there are none).
    pub advice: Advice,
    /// One sentence on how readiness is computed.
    pub explanation: String,
    /// Private entries left out of the report.
    pub private_left_out: usize,
    /// Entries in the window whose outcome is due to be measured again
    /// (`cv due`); filled in by the caller, which sees whole entries.
    pub due_for_remeasure: usize,
    /// What the last `cv verify` on this machine found, when it ran;
    /// filled in by the caller, which has the ledger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<crate::verify::Verification>,
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct Options {
    /// Current level C.
    pub from: LevelId,
    /// Target level T (`None` at the top).
    pub to: Option<LevelId>,
    /// The window.
    pub window: Window,
    /// Count private entries too.
    pub include_private: bool,
    /// The profile's name.
    pub name: String,
}

/// Builds the report model.
pub fn build<'a>(
    framework: &Framework,
    entries: impl IntoIterator<Item = &'a Evidence>,
    options: &Options,
) -> Report {
    let mut private_left_out = 0;
    let kept: Vec<&Evidence> = entries
        .into_iter()
        .filter(|e| {
            let keep = options.include_private || !e.private;
            if !keep && options.window.contains(e.date) {
                private_left_out += 1;
            }
            keep
        })
        .collect();
    let readiness = readiness::compute(framework, kept, options.from, options.to, options.window);
    let name_of = |id: LevelId| {
        framework
            .level(id)
            .map_or_else(|| id.to_string(), |l| l.name.clone())
    };
    let advice = if readiness.gaps.is_empty() {
        Advice::default()
    } else {
        let quotes = |kind| {
            framework
                .level(options.from)
                .map(|l| {
                    l.items_of(kind)
                        .map(|i| Quote {
                            id: i.id.clone(),
                            text: i.text.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Advice {
            questions: quotes(ItemKind::Question),
            habits: quotes(ItemKind::Habit),
        }
    };
    Report {
        explanation: explanation(
            &readiness,
            &name_of(options.from),
            options.to.map(name_of).as_deref(),
        ),
        framework: framework.name.clone(),
        from_name: name_of(options.from),
        to_name: options.to.map(name_of),
        name: options.name.clone(),
        advice,
        private_left_out,
        due_for_remeasure: 0,
        verified: None,
        readiness,
    }
}

fn explanation(r: &Readiness, from: &str, to: Option<&str>) -> String {
    let over = match (r.basis, to) {
        (Basis::Signals, _) => format!("the {from} signals of readiness to level up"),
        (Basis::TargetIndicators, Some(to)) => {
            format!("the {to} success indicators ({from} lists no level-up signals)")
        }
        (Basis::TargetIndicators, None) | (Basis::OwnIndicators, _) => {
            format!("the {from} success indicators ({from} is the top level)")
        }
    };
    format!(
        "Readiness is the share of {over} that at least one entry between {} and {} evidences, \
         that is, lists the item and has a link or a metric. It measures how well your evidence \
         covers the framework, not whether you should be promoted.",
        r.since, r.until
    )
}

/// One sentence on whether the cited commits still held when `cv verify`
/// last ran, for every format; `None` when it never ran here.
pub fn proof_check(report: &Report) -> Option<String> {
    let v = report.verified.as_ref()?;
    if v.failing.is_empty() {
        return Some(format!(
            "Every cited commit cv verify could check on {} still held ({} checked).",
            v.on, v.checked
        ));
    }
    let shown: Vec<String> = v
        .failing
        .iter()
        .take(5)
        .map(|c| {
            let short: String = c.sha.chars().take(7).collect();
            format!("{short} in {} ({})", c.entry, c.reason)
        })
        .collect();
    let more = match v.failing.len().saturating_sub(shown.len()) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let n = v.failing.len();
    let (commits, theirs) = if n == 1 {
        ("commit", "Its entry still counts here")
    } else {
        ("commits", "Their entries still count here")
    };
    Some(format!(
        "{n} cited {commits} no longer held when cv verify ran on {}: {}{more}. {theirs}; cv edit drops or replaces the link.",
        v.on,
        shown.join("; ")
    ))
}

/// Returns a verdict sentence, or `None` when too few entries fall in the window.
pub fn verdict(report: &Report) -> Option<String> {
    let r = &report.readiness;
    if !r.verdict {
        return None;
    }
    let target = report.to_name.as_deref().unwrap_or(&report.from_name);
    // "A full case" only for evidence shown consistently (SPEC §5): every
    // counted item covered, in at least two calendar months.
    let once: Vec<&str> = r
        .signals
        .iter()
        .filter(|c| c.covered && !c.sustained)
        .map(|c| c.id.as_str())
        .collect();
    Some(match (r.covered, r.total) {
        (_, 0) => "The framework lists nothing to measure here.".to_string(),
        // At the top level there is no next level to make a case for.
        (c, t) if c == t && once.is_empty() && report.to_name.is_none() => format!(
            "Every item is evidenced, each in at least two months: your ledger shows the whole of {target}."
        ),
        (c, t) if c == t && once.is_empty() => format!(
            "Every item is evidenced, each in at least two months: your ledger makes a full case for {target}."
        ),
        (c, t) if c == t => format!(
            "Every item is evidenced, but {} only in one month ({}): a second instance in another month would make {} sustained.",
            if once.len() == 1 {
                "one is shown".to_string()
            } else {
                format!("{} are shown", once.len())
            },
            once.join(", "),
            if once.len() == 1 { "it" } else { "them" }
        ),
        (0, _) => {
            "No item is evidenced yet: log entries with links or metrics against the items below."
                .to_string()
        }
        (c, t) if report.to_name.is_none() => {
            format!("{c} of {t} items are evidenced; the gaps below are what is left of {target}.")
        }
        (c, t) => format!(
            "{c} of {t} items are evidenced; close the gaps below to complete the case for {target}."
        ),
    })
}
