//! `cv due`: entries whose outcome should be measured again.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::cli::ui;

/// List entries whose outcome should be measured again
///
/// An entry is due when its `remeasure` date is today or past, or when its
/// outcome has no metric and it shipped more than 30 days ago. Exits 0
/// either way.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv due
  cv due --json | jq -r '.[].id'
  cv log --title 'New onboarding' --remeasure 2026-12-20   ask to be reminded")]
pub struct Args {}

/// Returns what `cv due --json` prints.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    Ok(ui::json(&data(ctx, args)?))
}

/// The entries due for re-measurement.
fn data(ctx: &Ctx, _args: &Args) -> Result<Vec<crate::due::Due>, CliError> {
    let ledger = ctx.ledger()?;
    let entries = ctx.entries(&ledger)?;
    Ok(crate::due::due(
        entries.entries.iter().map(|s| &s.entry),
        ctx.today,
    ))
}

/// Runs `cv due`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let due = data(ctx, args)?;
    if due.is_empty() {
        ctx.ui.status("Nothing is due for re-measurement.");
        return Ok(());
    }
    let mut t = table::plain(&ctx.ui, &["date", "title", "why"]);
    for d in &due {
        t.add_row(vec![
            d.date.to_string(),
            table::cell(&d.title),
            d.reason.clone(),
        ]);
    }
    ctx.ui.out(&t.to_string())?;
    ctx.ui
        .hint("measure again, then record it: `cv edit ID` (metrics, a new remeasure date)");
    Ok(())
}
