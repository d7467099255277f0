//! `cv list`: entries, newest first.

use serde::Serialize;

use crate::cli::context::Ctx;
use crate::cli::error::{self, CliError};
use crate::cli::table;
use crate::cli::ui;
use crate::entry::Entry;
use crate::ledger::StoredEntry;
use crate::level::LevelId;
use crate::query::{Query, Range};

/// List entries, newest first
///
/// A table of date, title, signals and proof (links and metrics), fitted
/// to the terminal; private entries are marked. The id is in --long, --json
/// and `cv show`. Dates take the forms of `cv log --date`; a period such as
/// `last quarter` is the previous calendar quarter, from its first day as
/// --since to its last day as --until.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv list --since 'last quarter'
  cv list --limit 10 --long
  cv list --signal defines-success-criteria --json
  cv list --level senior --tag performance")]
pub struct Args {
    /// Only entries on or after this date
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only entries on or before this date
    #[arg(long, value_name = "DATE")]
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
    /// Show at most N entries (the newest)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One block per entry, with its id, signals and links
    #[arg(long)]
    pub long: bool,
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

/// The entries `cv list` shows, and whether the ledger holds any at all.
struct Selection {
    shown: Vec<StoredEntry>,
    ledger_is_empty: bool,
}

impl Selection {
    fn listed(&self) -> Vec<Listed<'_>> {
        self.shown
            .iter()
            .map(|s| Listed {
                entry: &s.entry,
                path: &s.path,
            })
            .collect()
    }
}

/// Returns what `cv list --json` prints.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    Ok(ui::json(&select(ctx, args)?.listed()))
}

/// Runs `cv list`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let selection = select(ctx, args)?;
    let shown = selection.listed();
    if shown.is_empty() {
        ctx.ui.status("No entries match.");
        if selection.ledger_is_empty {
            ctx.ui.hint("record one with `cv log --title '…'`");
        }
        return Ok(());
    }
    let text = if args.long {
        long(&shown)
    } else {
        table(ctx, &shown)
    };
    ctx.ui.out(&text)
}

/// Reads the ledger and keeps the entries the flags select, newest first.
fn select(ctx: &Ctx, args: &Args) -> Result<Selection, CliError> {
    let range = Range::parse(args.since.as_deref(), args.until.as_deref(), ctx.today)?;
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
            let mut ids = vec![item.id.clone()];
            ids.extend(item.formerly.iter().cloned());
            Some(ids)
        }
        None => None,
    };
    let query = Query {
        range,
        signal,
        tag: args.tag.clone(),
        level,
        // The user's own list: private entries are shown, and marked.
        include_private: true,
    };
    let all = ctx.entries(&ledger)?;
    let ledger_is_empty = all.entries.is_empty();
    let shown = all
        .entries
        .into_iter()
        .filter(|s| query.matches(&s.entry))
        .take(args.limit.unwrap_or(usize::MAX))
        .collect();
    Ok(Selection {
        shown,
        ledger_is_empty,
    })
}

/// The table: date, title (with the private mark), signals, proof. Only the
/// title wraps, so it gets every column the others leave.
fn table(ctx: &Ctx, shown: &[Listed]) -> String {
    let mut t = table::plain(&ctx.ui, &["date", "title", "signals", "proof"]);
    for l in shown {
        let e = l.entry;
        let title = if e.private {
            format!("{} (private)", e.title)
        } else {
            e.title.clone()
        };
        t.add_row(vec![
            e.date.to_string(),
            table::cell(&title),
            e.signals.len().to_string(),
            proof(e),
        ]);
    }
    for i in [0, 2, 3] {
        if let Some(column) = t.column_mut(i) {
            column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    // Padding right of the last column is noise to copy and to diff.
    t.to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One block per entry: everything `list` knows, ids included, at any width.
fn long(shown: &[Listed]) -> String {
    let mut out = String::new();
    for l in shown {
        let e = l.entry;
        let private = if e.private { " (private)" } else { "" };
        out.push_str(&format!("{}  {}{private}\n", e.date, table::cell(&e.title)));
        out.push_str(&format!("    id       {}\n", e.id));
        for signal in &e.signals {
            out.push_str(&format!("    signal   {signal}\n"));
        }
        for metric in &e.metrics {
            out.push_str(&format!(
                "    metric   {}\n",
                table::cell(&metric.describe())
            ));
        }
        for link in &e.links {
            let shown = link.web_url().unwrap_or_else(|| link.label());
            out.push_str(&format!("    {:<8} {}\n", link.kind(), table::cell(&shown)));
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The proof column: what backs the entry, or a dash.
fn proof(e: &Entry) -> String {
    let mut parts = Vec::new();
    if !e.links.is_empty() {
        parts.push(plural(e.links.len(), "link"));
    }
    if !e.metrics.is_empty() {
        parts.push(plural(e.metrics.len(), "metric"));
    }
    if parts.is_empty() {
        "—".to_string()
    } else {
        parts.join(", ")
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
