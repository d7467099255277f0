//! `cv list`: entries, newest first.

use serde::Serialize;

use crate::cli::context::Ctx;
use crate::cli::error::{self, CliError};
use crate::cli::table;
use crate::dates;
use crate::entry::Entry;
use crate::level::LevelId;

/// List entries, newest first
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv list --since 'last quarter'
  cv list --signal defines-success-criteria --json
  cv list --level senior --tag performance")]
pub struct Args {
    /// Only entries on or after this date (also: last week, last month, last quarter, last year)
    #[arg(long)]
    pub since: Option<String>,
    /// Only entries on or before this date
    #[arg(long)]
    pub until: Option<String>,
    /// Only entries that list this framework item (its id, or a unique suffix or run of its words)
    #[arg(long, value_name = "ID")]
    pub signal: Option<String>,
    /// Only entries with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only entries that list an item of this level
    #[arg(long)]
    pub level: Option<String>,
}

/// An entry with its path, as `cv list --json` and `cv show --json` print it.
#[derive(Serialize)]
pub struct Listed<'a> {
    /// The entry's fields.
    #[serde(flatten)]
    pub entry: &'a Entry,
    /// Path relative to the ledger.
    pub path: &'a str,
}

/// Runs `cv list`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let since = args
        .since
        .as_deref()
        .map(|d| dates::parse_since(d, ctx.today))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|d| dates::parse_day(d, ctx.today))
        .transpose()?;
    let level = args
        .level
        .as_deref()
        .map(str::parse::<LevelId>)
        .transpose()?;
    let ledger = ctx.ledger()?;
    let signal = match &args.signal {
        Some(given) => {
            let framework = ledger.framework()?;
            let item = framework
                .resolve_item(given)
                .map_err(|e| error::resolve_error("signal", e))?;
            Some(item.id.clone())
        }
        None => None,
    };
    let all = ctx.entries(&ledger)?;
    let level_prefix = level.map(|l| format!("{l}."));
    let shown: Vec<Listed> = all
        .entries
        .iter()
        .filter(|s| since.is_none_or(|d| s.entry.date >= d))
        .filter(|s| until.is_none_or(|d| s.entry.date <= d))
        .filter(|s| {
            signal
                .as_ref()
                .is_none_or(|id| s.entry.signals.contains(id))
        })
        .filter(|s| {
            args.tag
                .as_ref()
                .is_none_or(|t| s.entry.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
        })
        .filter(|s| {
            level_prefix
                .as_ref()
                .is_none_or(|p| s.entry.signals.iter().any(|id| id.starts_with(p.as_str())))
        })
        .map(|s| Listed {
            entry: &s.entry,
            path: &s.path,
        })
        .collect();
    if ctx.global.json {
        return ctx.ui.out_json(&shown);
    }
    if shown.is_empty() {
        ctx.ui.status("No entries match.");
        if all.entries.is_empty() {
            ctx.ui.hint("record one with `cv log --title '…'`");
        }
        return Ok(());
    }
    // The id starts with the date, so there is no date column.
    let mut t = table::new(&ctx.ui, &["id", "title", "signals", "proof"]);
    for l in &shown {
        let e = l.entry;
        let proof = match (e.links.len(), e.metrics.len()) {
            (0, 0) => "none".to_string(),
            (links, metrics) => format!("{}, {}", plural(links, "link"), plural(metrics, "metric")),
        };
        t.add_row(vec![
            table::cell(&e.id),
            table::cell(&e.title),
            e.signals.len().to_string(),
            proof,
        ]);
    }
    // Ids are for copying: never wrap them.
    for i in [0, 3] {
        if let Some(column) = t.column_mut(i) {
            column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    ctx.ui.out(&t.to_string())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
