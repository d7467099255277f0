//! The interactive part of `cv log`: asks, with dialoguer, for what the flags
//! did not give, then shows a one-screen summary to confirm.
//!
//! A typical entry (a title, who it helped, the outcome, the suggested
//! signal, the offered HEAD commit) takes eight answers: title, date (Enter),
//! customer, outcome, metric (Enter), signals (Enter), link (Enter), confirm.

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};

use super::error::CliError;
use super::ui::{Ui, prompt_error};
use crate::dates;
use crate::draft::{Draft, DraftError, Place, Resolved};
use crate::entry;
use crate::framework::{Framework, Item, ItemKind};
use crate::git;
use crate::level::LevelId;
use crate::links::{self, Link};
use crate::suggest;

/// Which steps the flags already answered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given {
    /// --date was given.
    pub date: bool,
    /// --customer was given.
    pub customer: bool,
    /// --outcome was given.
    pub outcome: bool,
    /// --metric was given.
    pub metrics: bool,
    /// --signal was given.
    pub signals: bool,
    /// A link flag was given.
    pub links: bool,
}

/// Asks for the missing fields. Returns `None` when the user declines to save.
pub fn ask(
    ui: &Ui,
    framework: &Framework,
    level: LevelId,
    place: Place,
    mut draft: Draft,
    given: Given,
) -> Result<Option<Draft>, CliError> {
    let today = place.today;
    let colorful = ColorfulTheme::default();
    let simple = SimpleTheme;
    let theme: &dyn Theme = if ui.color() { &colorful } else { &simple };

    if draft.title.is_none() {
        let title: String = Input::with_theme(theme)
            .with_prompt("What did you ship?")
            .validate_with(|s: &String| {
                if s.trim().is_empty() {
                    Err("a title is required".to_string())
                } else {
                    entry::text_problem("title", s, true).map_or(Ok(()), Err)
                }
            })
            .interact_text()
            .map_err(prompt_error)?;
        draft.title = Some(title.trim().to_string());
    }
    if !given.date {
        let answer: String = Input::with_theme(theme)
            .with_prompt("When did it reach the customer?")
            .default("today".to_string())
            .validate_with(|s: &String| match dates::parse_day(s, today) {
                Ok(d) => dates::entry_date_problem(d, today).map_or(Ok(()), Err),
                Err(e) => Err(format!("{e}; try {}", dates::FORMS)),
            })
            .interact_text()
            .map_err(prompt_error)?;
        draft.date = Some(dates::parse_day(&answer, today)?);
    }
    if !given.customer {
        draft.customer = optional(theme, "Who did it help?")?;
    }
    if !given.outcome {
        draft.outcome = optional(theme, "What changed for them (the measured outcome)?")?;
    }
    if !given.metrics {
        // One line each, in the --metric form, so what the prompt teaches
        // is what the flag takes; Enter on an empty line ends the list.
        loop {
            let prompt = if draft.metrics.is_empty() {
                "A metric, as 'name: before -> after unit' (Enter for none)"
            } else {
                "Another metric (Enter when done)"
            };
            let answer: String = Input::with_theme(theme)
                .with_prompt(prompt)
                .allow_empty(true)
                .validate_with(|s: &String| {
                    if s.trim().is_empty() {
                        return Ok(());
                    }
                    entry::parse_metric(s)
                        .map(|_| ())
                        .map_err(|e| format!("{}; e.g. 'p95 latency: 2.1 -> 0.8 s'", e.why))
                })
                .interact_text()
                .map_err(prompt_error)?;
            if answer.trim().is_empty() {
                break;
            }
            draft.metrics.push(entry::parse_metric(&answer)?);
        }
    }
    if !given.signals {
        draft.signals = pick_signals(framework, level, &draft)?;
    }
    if !given.links {
        draft.links = pick_links(ui, theme, place)?;
    }
    ui.status(&summary(&draft));
    let save = Confirm::with_theme(theme)
        .with_prompt("Save this entry?")
        .default(true)
        .interact()
        .map_err(prompt_error)?;
    Ok(save.then_some(draft))
}

fn optional(theme: &dyn Theme, prompt: &str) -> Result<Option<String>, CliError> {
    let answer: String = Input::with_theme(theme)
        .with_prompt(prompt)
        .allow_empty(true)
        .interact_text()
        .map_err(prompt_error)?;
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| answer.to_string()))
}

/// The signal picker: the items that count toward the user's readiness
/// first (SPEC §5: the current level's level-up signals, then the next
/// level's behaviours and indicators), then the rest of both levels' cards,
/// each group ranked by how well the entry's text matches. At most one item
/// comes pre-selected: the best-matching level-up signal, the items the
/// readiness figure is made of. Typing filters the list.
fn pick_signals(
    framework: &Framework,
    level: LevelId,
    draft: &Draft,
) -> Result<Vec<String>, CliError> {
    let items = picker_items(framework, level);
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let text = [
        &draft.title,
        &draft.customer,
        &draft.problem,
        &draft.outcome,
    ]
    .iter()
    .filter_map(|t| t.as_deref())
    .chain(draft.metrics.iter().map(|m| m.name.as_str()))
    .collect::<Vec<_>>()
    .join(" ");
    let refs: Vec<&Item> = items.iter().map(|(item, _)| *item).collect();
    let scores: std::collections::HashMap<usize, f64> =
        suggest::rank(&refs, &text).into_iter().collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Counting items first; within each group, best match first, then the
    // framework's order.
    order.sort_by(|&a, &b| {
        let score = |i: usize| scores.get(&i).copied().unwrap_or(0.0);
        items[a]
            .1
            .cmp(&items[b].1)
            .then(score(b).total_cmp(&score(a)))
            .then(a.cmp(&b))
    });
    let best = order
        .first()
        .filter(|&&i| items[i].1 == Tier::Readiness && scores.contains_key(&i))
        .map(|_| 0);
    let width = dialoguer::console::Term::stderr()
        .size_checked()
        .map_or(100, |(_, cols)| usize::from(cols))
        .clamp(40, 160);
    let labels: Vec<String> = order
        .iter()
        .map(|&i| {
            let (item, tier) = items[i];
            let mark = if scores.contains_key(&i) { "★" } else { " " };
            let count = if tier == Tier::Later {
                " (counts later)"
            } else {
                ""
            };
            // One line each: a wrapped item makes the list redraw wrongly.
            fit(
                &format!("{mark} {}{count} · {}", item.text, item.id),
                width - 6,
            )
        })
        .collect();
    let defaults: Vec<usize> = best.into_iter().collect();
    let chosen = loop {
        let chosen = inquire::MultiSelect::new("Which signals does it evidence?", labels.clone())
            .with_help_message(
                "type to filter, space toggles, Enter accepts; ★ matches your text; the first ones count toward your next level",
            )
            .with_default(&defaults)
            .with_page_size(10)
            .raw_prompt()
            .map_err(inquire_error)?;
        // → ticks every item in inquire: one keystroke, easily a slip.
        if chosen.len() < labels.len() || labels.len() <= 3 {
            break chosen;
        }
        let keep = Confirm::new()
            .with_prompt(format!(
                "Tick all {} items? An entry usually evidences one or two",
                labels.len()
            ))
            .default(false)
            .interact()
            .map_err(prompt_error)?;
        if keep {
            break chosen;
        }
    };
    Ok(chosen
        .into_iter()
        .map(|option| items[order[option.index]].0.id.clone())
        .collect())
}

/// How an item the picker offers counts for the user now (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// The readiness figure is made of these.
    Readiness,
    /// The report shows these as "already operating at the next level".
    NextLevel,
    /// Neither, yet.
    Later,
}

/// The items the picker offers, each with how it counts.
fn picker_items(framework: &Framework, level: LevelId) -> Vec<(&Item, Tier)> {
    let next = level.next();
    let of = |l: Option<LevelId>, kind: ItemKind| {
        l.and_then(|l| framework.level(l))
            .into_iter()
            .flat_map(move |card| card.items_of(kind))
    };
    // Where the level has no level-up signals (the top one), readiness is
    // measured on indicators: the next level's, or at the top its own.
    let has_signals = of(Some(level), ItemKind::Signal).next().is_some();
    let readiness: Vec<&Item> = if has_signals {
        of(Some(level), ItemKind::Signal).collect()
    } else {
        of(next.or(Some(level)), ItemKind::Indicator).collect()
    };
    let next_level = of(next, ItemKind::Behavior).chain(of(next, ItemKind::Indicator));
    let later = of(Some(level), ItemKind::Behavior)
        .chain(of(Some(level), ItemKind::Indicator))
        .chain(of(next, ItemKind::Signal));
    let mut out: Vec<(&Item, Tier)> = readiness.iter().map(|i| (*i, Tier::Readiness)).collect();
    for (item, tier) in next_level
        .map(|i| (i, Tier::NextLevel))
        .chain(later.map(|i| (i, Tier::Later)))
    {
        if !out.iter().any(|(seen, _)| seen.id == item.id) {
            out.push((item, tier));
        }
    }
    out
}

/// Cuts `text` to `width` characters, with an ellipsis.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let cut: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// An inquire prompt that failed or was cancelled, as a CLI error.
pub fn inquire_error(e: inquire::InquireError) -> CliError {
    match e {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            CliError::failure("cancelled; nothing was saved")
        }
        other => CliError::failure(format!("cannot ask at this terminal: {other}"))
            .hint("pass the fields as flags (`cv log --help`) or use --no-input"),
    }
}

/// Offers the current repository's HEAD commit (and the PR its message
/// names), then any number of further links.
///
/// Accepting the offer is one answer; "…and more" or "other links" asks
/// for one link a line until an empty line.
fn pick_links(ui: &Ui, theme: &dyn Theme, place: Place) -> Result<Resolved, CliError> {
    let mut out = Resolved::default();
    // Run inside the ledger, HEAD is the ledger's own last commit: no proof.
    let head = git::WorkRepo::discover(place.cwd)
        .ok()
        .and_then(|work| work.resolve("HEAD").ok())
        .filter(|head| !git::same_repository(&head.path, place.ledger));
    let remote = head.as_ref().map(|h| h.repo.clone());
    let more = match head {
        None => true,
        Some(head) => {
            let pr_url = head
                .pr
                .and_then(|n| links::expand_pr(&format!("#{n}"), Some(&head.repo)).ok());
            let short: String = head.sha.chars().take(7).collect();
            let offer = match (&pr_url, head.pr) {
                (Some(_), Some(n)) => format!("HEAD {short} {} and PR #{n}", head.summary),
                _ => format!("HEAD {short} {}", head.summary),
            };
            let and_more = format!("{offer}, and more links…");
            let choice = Select::with_theme(theme)
                .with_prompt("Link the proof")
                .items([offer.as_str(), and_more.as_str(), "Other links…", "No link"])
                .default(0)
                .interact()
                .map_err(prompt_error)?;
            if choice <= 1 {
                out.add_commit(head);
                if let Some(url) = pr_url {
                    out.add(Link::Pr { url, summary: None });
                }
            }
            matches!(choice, 1 | 2)
        }
    };
    if more {
        loop {
            let prompt = if out.links.is_empty() {
                "A commit (SHA or branch), PR (#N or URL) or URL that proves it (Enter for none)"
            } else {
                "Another commit, PR or URL (Enter when done)"
            };
            let Some(answer) = optional(theme, prompt)? else {
                break;
            };
            // A typo costs a retry, not the whole entry.
            if let Err(e) = add_typed_link(&mut out, &answer, remote.as_deref(), place) {
                ui.warn(&CliError::from(e).message);
            }
        }
    }
    Ok(out)
}

/// Adds one link typed at the prompt: a PR, a URL, or a revision in the
/// working directory's repository.
fn add_typed_link(
    out: &mut Resolved,
    answer: &str,
    remote: Option<&str>,
    place: Place,
) -> Result<(), DraftError> {
    if answer.contains('#') || links::parse_pr_url(answer).is_ok() {
        out.add(Link::Pr {
            url: links::expand_pr(answer, remote)?,
            summary: None,
        });
        return Ok(());
    }
    if answer.starts_with("http://") || answer.starts_with("https://") {
        out.add(Link::Url {
            url: links::parse_url(answer)?,
            summary: None,
        });
        return Ok(());
    }
    let commit = git::resolve_commit(place.cwd, answer)?;
    if git::same_repository(&commit.path, place.ledger) {
        return Err(DraftError::LedgerCommit(answer.to_string()));
    }
    out.add_commit(commit);
    Ok(())
}

fn summary(d: &Draft) -> String {
    let mut s = String::from("\n");
    let field =
        |s: &mut String, label: &str, value: &str| s.push_str(&format!("{label:>9}: {value}\n"));
    field(&mut s, "title", d.title.as_deref().unwrap_or(""));
    if let Some(date) = d.date {
        field(&mut s, "date", &date.to_string());
    }
    for (label, value) in [
        ("customer", &d.customer),
        ("problem", &d.problem),
        ("outcome", &d.outcome),
    ] {
        if let Some(v) = value {
            field(&mut s, label, v);
        }
    }
    for m in &d.metrics {
        field(&mut s, "metric", &m.describe());
    }
    for id in &d.signals {
        field(&mut s, "signal", id);
    }
    for link in &d.links.links {
        field(
            &mut s,
            link.kind(),
            &link.web_url().unwrap_or_else(|| link.label()),
        );
    }
    if d.links.links.is_empty() && d.metrics.is_empty() {
        s.push_str(if d.signals.is_empty() {
            "           (no signal, link or metric: a note for now; `cv link` adds proof later)\n"
        } else {
            "           (no link or metric: the entry claims its signals but does not prove them)\n"
        });
    }
    s
}
