//! `cv verify`: check that the cited commits still hold.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::verify::Status;

/// Check that the commits your entries cite still hold
///
/// Every commit link whose repository is on this machine (a path, or a
/// remote URL that cv.toml `[repos]` maps to a path) is checked: it still
/// exists, a local branch reaches it, and no later commit says `This reverts
/// commit <sha>`. Each is ok, missing, reverted or not checkable. Exits 1
/// when any is missing or reverted.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv verify
  cv verify --json | jq '.[] | select(.status != \"ok\")'")]
pub struct Args {}

/// Runs `cv verify`.
pub fn run(ctx: &mut Ctx, _args: &Args) -> Result<(), CliError> {
    let ledger = ctx.ledger()?;
    let entries = ctx.entries(&ledger)?;
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let checks = crate::verify::verify(
        entries.entries.iter().map(|s| &s.entry),
        ledger.config(),
        home.as_deref(),
    );
    // The report and the packet say what this run found.
    let found = crate::verify::Verification::of(ctx.today, &checks);
    if let Err(e) = ledger.save_verification(&found) {
        ctx.ui.warn(&format!(
            "the result could not be kept for `cv report`: {}",
            CliError::from(e).message
        ));
    }
    let failed = checks
        .iter()
        .filter(|c| matches!(c.status, Status::Missing | Status::Reverted))
        .count();
    if ctx.global.json {
        ctx.ui.out_json(&checks)?;
    } else if checks.is_empty() {
        ctx.ui.status("No entry cites a commit.");
    } else {
        let mut t = table::plain(&ctx.ui, &["status", "commit", "entry", "why"]);
        for c in &checks {
            let status = match c.status {
                Status::Ok => "ok",
                Status::Missing => "missing",
                Status::Reverted => "reverted",
                Status::NotCheckable => "not checkable",
            };
            let short: String = c.sha.chars().take(7).collect();
            t.add_row(vec![
                status.to_string(),
                short,
                table::cell(&c.entry),
                table::cell(&c.reason),
            ]);
        }
        ctx.ui.out(&t.to_string())?;
        if checks.iter().any(|c| c.status == Status::NotCheckable) {
            ctx.ui.hint("a repository not on this machine cannot be checked: `cv log --commit` there teaches cv.toml [repos] where it is");
        }
    }
    if failed > 0 {
        Err(CliError::failure(format!(
            "{failed} cited {} no longer {}",
            if failed == 1 { "commit" } else { "commits" },
            if failed == 1 { "holds" } else { "hold" }
        ))
        .hint("`cv edit ID` to drop or replace the link, or restore the commit"))
    } else {
        Ok(())
    }
}
