//! `cv show ID`: one entry.

use crate::cli::context::Ctx;
use crate::cli::error::{self, CliError};
use crate::ids;
use crate::ledger::Broken;

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

/// Runs `cv show`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let ledger = ctx.ledger()?;
    let all = ctx.entries(&ledger)?;
    let index = match ids::resolve(&args.id, all.entries.iter().map(|s| s.entry.id.as_str())) {
        Ok(index) => index,
        Err(e) => {
            // Not among the good entries: if it names a broken file, say
            // what is wrong with that file rather than "unknown entry".
            if matches!(e, ids::ResolveError::Unknown { .. })
                && let Some(broken) = broken_match(&args.id, &all.broken)
            {
                return Err(broken_error(broken));
            }
            return Err(error::resolve_error("entry", e).hint("`cv list` shows every entry id"));
        }
    };
    let stored = &all.entries[index];
    if ctx.global.json {
        return ctx.ui.out_json(&super::list::Listed {
            entry: &stored.entry,
            path: &stored.path,
        });
    }
    let e = &stored.entry;
    let ui = &ctx.ui;
    let mut text = format!(
        "{}\n{}  {}\n",
        ui.bold(&e.title),
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
            text.push_str(&format!("{label:>9}: {v}\n"));
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
            text.push_str(&format!("  - {}\n", m.describe()));
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
                } => format!(" {s}"),
                _ => String::new(),
            };
            let url = link.web_url().unwrap_or_else(|| match link {
                crate::links::Link::Commit { repo, sha, .. } => format!("{repo} {sha}"),
                _ => String::new(),
            });
            text.push_str(&format!(
                "  - {} {}{summary}\n    {url}\n",
                link.kind(),
                link.label()
            ));
        }
    }
    text.push_str(&format!("\n{}\n", ui.paint(&stored.path, "2")));
    ui.out(&text)
}

/// The broken entry file `given` names, if it names exactly one.
fn broken_match<'a>(given: &str, broken: &'a [Broken]) -> Option<&'a Broken> {
    let files: Vec<&Broken> = broken
        .iter()
        .filter(|b| b.path.ends_with(".toml"))
        .collect();
    let stems = files.iter().map(|b| {
        let name = b.path.rsplit('/').next().unwrap_or(&b.path);
        name.strip_suffix(".toml").unwrap_or(name)
    });
    ids::resolve(given, stems).ok().map(|i| files[i])
}

fn broken_error(broken: &Broken) -> CliError {
    if let Some(refusal) = broken.refusal {
        return crate::cli::resolve::refused(&broken.path, refusal);
    }
    let id = broken.path.rsplit('/').next().unwrap_or(&broken.path);
    let id = id.strip_suffix(".toml").unwrap_or(id);
    let e = &broken.error;
    CliError::usage(format!(
        "{}:{}:{}: {}",
        broken.path, e.line, e.column, e.message
    ))
    .hint(format!("fix it with `cv edit {id}`, which checks it again"))
}
