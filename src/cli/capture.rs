//! The interactive part of `cv log`: asks, with dialoguer, for what the flags
//! did not give, then shows a one-screen summary to confirm.
//!
//! A typical entry (a title, who it helped, the outcome, the suggested
//! signal, the offered HEAD commit) takes eight answers: title, date (Enter),
//! customer, outcome, metric (Enter), signals (Enter), link (Enter), confirm.

use chrono::NaiveDate;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};

use super::error::CliError;
use super::resolve::Resolved;
use super::ui::{Ui, prompt_error};
use crate::dates;
use crate::entry::{self, Metric};
use crate::framework::{Framework, Item, ItemKind};
use crate::git;
use crate::level::LevelId;
use crate::links::{self, Link};
use crate::suggest;

/// What the user has given so far; `None`/empty fields are asked for.
#[derive(Debug, Default)]
pub struct Draft {
    /// What was shipped.
    pub title: Option<String>,
    /// When it reached the customer.
    pub date: Option<NaiveDate>,
    /// Who it helped.
    pub customer: Option<String>,
    /// The problem (only from the flag).
    pub problem: Option<String>,
    /// The outcome.
    pub outcome: Option<String>,
    /// Measurements.
    pub metrics: Vec<Metric>,
    /// Item ids.
    pub signals: Vec<String>,
    /// Links and the work repositories they came from.
    pub links: Resolved,
}

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
    today: NaiveDate,
    ledger: &std::path::Path,
    mut draft: Draft,
    given: Given,
) -> Result<Option<Draft>, CliError> {
    let colorful = ColorfulTheme::default();
    let simple = SimpleTheme;
    let theme: &dyn Theme = if ui.color() { &colorful } else { &simple };

    if draft.title.is_none() {
        let title: String = Input::with_theme(theme)
            .with_prompt("What did you ship?")
            .validate_with(|s: &String| {
                if s.trim().is_empty() {
                    Err("a title is required")
                } else {
                    Ok(())
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
        draft.signals = pick_signals(theme, framework, level, &draft)?;
    }
    if !given.links {
        draft.links = pick_links(ui, theme, ledger)?;
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

/// The multi-select of the profile level's and the next level's behaviours,
/// indicators and signals: best text matches first and pre-selected.
fn pick_signals(
    theme: &dyn Theme,
    framework: &Framework,
    level: LevelId,
    draft: &Draft,
) -> Result<Vec<String>, CliError> {
    let levels: Vec<LevelId> = [Some(level), level.next()].into_iter().flatten().collect();
    let items: Vec<&Item> = levels
        .iter()
        .filter_map(|l| framework.level(*l))
        .flat_map(|l| {
            [ItemKind::Signal, ItemKind::Behavior, ItemKind::Indicator]
                .into_iter()
                .flat_map(move |k| l.items_of(k))
        })
        .collect();
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
    let ranked = suggest::rank(&items, &text);
    let top: Vec<usize> = ranked.iter().take(5).map(|(i, _)| *i).collect();
    let mut order = top.clone();
    order.extend((0..items.len()).filter(|i| !top.contains(i)));
    let suggested = order.len().min(ranked.len()).min(5);
    let labels: Vec<String> = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| {
            let item = items[i];
            let level = framework
                .level(item.level)
                .map_or(item.level.to_string(), |l| l.name.clone());
            let mark = if pos < suggested { "★ " } else { "" };
            format!("{mark}{}  [{level} · {}]", item.text, item.kind.as_str())
        })
        .collect();
    // The best match is pre-selected, so accepting the suggestion is one Enter.
    let defaults: Vec<bool> = (0..order.len())
        .map(|pos| pos == 0 && suggested > 0)
        .collect();
    let chosen = MultiSelect::with_theme(theme)
        .with_prompt(
            "Which signals does it evidence? (space toggles, Enter accepts; ★ = matches your text)",
        )
        .items(&labels)
        .defaults(&defaults)
        .max_length(10)
        .interact()
        .map_err(prompt_error)?;
    Ok(chosen
        .into_iter()
        .map(|pos| items[order[pos]].id.clone())
        .collect())
}

/// Offers the current repository's HEAD commit (and the PR its message
/// names), then any number of further links.
///
/// Accepting the offer is one answer; "…and more" or "other links" asks
/// for one link a line until an empty line.
fn pick_links(ui: &Ui, theme: &dyn Theme, ledger: &std::path::Path) -> Result<Resolved, CliError> {
    let mut out = Resolved::default();
    let cwd = std::env::current_dir()?;
    // Run inside the ledger, HEAD is the ledger's own last commit: no proof.
    let head = git::open_work_repo(&cwd)
        .ok()
        .and_then(|_| git::resolve_commit(&cwd, "HEAD").ok())
        .filter(|head| !super::resolve::is_ledger(&head.path, ledger));
    let remote = head.as_ref().map(|h| h.repo.clone());
    let more = match &head {
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
                if head.repo.starts_with("https://") {
                    out.repos
                        .push((head.repo.clone(), head.path.display().to_string()));
                }
                out.links.push(Link::Commit {
                    repo: head.repo.clone(),
                    sha: head.sha.clone(),
                    summary: (!head.summary.is_empty()).then(|| head.summary.clone()),
                });
                if let Some(url) = pr_url {
                    out.links.push(Link::Pr { url, summary: None });
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
            match classify(&answer, remote.as_deref(), ledger) {
                Ok(link) if !out.links.contains(&link) => out.links.push(link),
                Ok(_) => {}
                // A typo costs a retry, not the whole entry.
                Err(e) => ui.warn(&e.message),
            }
        }
    }
    Ok(out)
}

fn classify(
    answer: &str,
    remote: Option<&str>,
    ledger: &std::path::Path,
) -> Result<Link, CliError> {
    if answer.contains('#') || links::parse_pr_url(answer).is_ok() {
        return Ok(Link::Pr {
            url: links::expand_pr(answer, remote)?,
            summary: None,
        });
    }
    if answer.starts_with("http://") || answer.starts_with("https://") {
        return Ok(Link::Url {
            url: links::parse_url(answer)?,
            summary: None,
        });
    }
    let cwd = std::env::current_dir()?;
    let c = git::resolve_commit(&cwd, answer)?;
    if super::resolve::is_ledger(&c.path, ledger) {
        return Err(super::resolve::ledger_commit_error(answer));
    }
    Ok(Link::Commit {
        repo: c.repo,
        sha: c.sha,
        summary: (!c.summary.is_empty()).then_some(c.summary),
    })
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
