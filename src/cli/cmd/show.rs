//! `cv show ID`: one entry.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::ledger::{LedgerError, StoredEntry};

/// Show one entry
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv show 2026-11-22-cut-checkout-latency-for-eu-shoppers
  cv show cut-checkout-latency-for-eu-shoppers --json")]
pub struct Args {
    /// The entry's id, or any unambiguous part of it in whole words (`cut-checkout-latency`)
    pub id: String,
}

/// Returns what `cv show --json` prints: the entry and its path.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    let stored = data(ctx, args)?;
    Ok(crate::cli::ui::json(&super::list::Listed {
        entry: &stored.entry,
        path: &stored.path,
    }))
}

/// Finds the entry by its file name, as `link`, `edit` and `rm` do, and
/// reads only that file: a broken one is shown as its problem, with where.
fn data(ctx: &Ctx, args: &Args) -> Result<StoredEntry, CliError> {
    let ledger = ctx.ledger()?;
    let (id, path) = crate::cli::resolve::readable_entry(&ledger, &args.id)?;
    let doc = ledger.entry_doc(&path).map_err(|e| match e {
        LedgerError::BrokenEntry { path, error } => CliError::usage(format!(
            "{path}:{}:{}: {}",
            error.line, error.column, error.message
        ))
        .hint(format!("fix it with `cv edit {id}`, which checks it again")),
        other => other.into(),
    })?;
    Ok(StoredEntry {
        path,
        entry: doc.entry().clone(),
    })
}

/// Runs `cv show`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let stored = data(ctx, args)?;
    let e = &stored.entry;
    let ui = &ctx.ui;
    let p = crate::cli::table::printable;
    let mut text = format!(
        "{}\n{}  {}\n",
        ui.bold(&p(&e.title)),
        e.date,
        ui.paint(&e.id, "2")
    );
    for (label, value) in [
        ("customer", &e.customer),
        ("problem", &e.problem),
        ("outcome", &e.outcome),
        ("notes", &e.notes),
    ] {
        if let Some(v) = value {
            text.push_str(&format!("{label:>9}: {}\n", p(v)));
        }
    }
    if let Some(d) = e.remeasure {
        text.push_str(&format!("remeasure: {d}\n"));
    }
    if !e.tags.is_empty() {
        text.push_str(&format!("     tags: {}\n", e.tags.join(", ")));
    }
    if !e.signals.is_empty() {
        text.push_str("\nsignals\n");
        for s in &e.signals {
            text.push_str(&format!("  - {s}\n"));
        }
    }
    if !e.metrics.is_empty() {
        text.push_str("\nmetrics\n");
        for m in &e.metrics {
            text.push_str(&format!("  - {}\n", p(&m.describe())));
        }
    }
    if !e.links.is_empty() {
        text.push_str("\nlinks\n");
        for link in &e.links {
            let summary = match link {
                crate::links::Link::Commit {
                    summary: Some(s), ..
                }
                | crate::links::Link::Pr {
                    summary: Some(s), ..
                }
                | crate::links::Link::Url {
                    summary: Some(s), ..
                } => format!(" {}", p(s)),
                _ => String::new(),
            };
            let url = link.web_url().unwrap_or_else(|| match link {
                crate::links::Link::Commit { repo, sha, .. } => format!("{repo} {sha}"),
                _ => String::new(),
            });
            text.push_str(&format!(
                "  - {} {}{summary}\n    {}\n",
                link.kind(),
                p(&link.label()),
                p(&url)
            ));
        }
    }
    text.push_str(&format!("\n{}\n", ui.paint(&stored.path, "2")));
    ui.out(&text)
}
