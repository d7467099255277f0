//! `cv rm ID`: remove an entry (git history keeps it).

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::ledger::Removal;

/// Remove an entry; git history keeps it
///
/// One commit, `rm: <id>`. Asks first at a terminal; elsewhere --yes is required.
/// An entry that was never committed, or has changes not yet committed, is
/// refused (it would be lost for good) unless --force.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv rm 2026-11-20-cut-checkout-latency-for-eu-shoppers
  cv rm checkout-latency --yes")]
pub struct Args {
    /// The entry's id, or any unambiguous part of it in whole words (`cut-checkout-latency`)
    pub id: String,
    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,
    /// Remove it even if that loses work no commit holds
    #[arg(long)]
    pub force: bool,
}

/// Runs `cv rm`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let ledger = ctx.ledger()?;
    // A broken entry can be removed too: nothing of it needs to be read.
    let (id, path) = crate::cli::resolve::entry(&ledger, &args.id).map_err(|e| {
        // A whole id that names no file was most likely just removed (by a
        // concurrent `cv rm`, or by hand): say so rather than "unknown".
        if full_id(&args.id) {
            CliError::failure(format!("{} is no longer in the ledger", args.id)).hint(format!(
                "its history, if it had one: `git -C {} log --all -- 'entries/*/{}.toml'`",
                ledger.root().display(),
                args.id
            ))
        } else {
            e
        }
    })?;
    if !args.yes {
        if !ctx.ui.can_prompt() {
            return Err(CliError::usage(format!(
                "cv rm asks before removing {id}, and cannot ask here"
            ))
            .hint(format!("pass --yes: `cv rm {id} --yes`")));
        }
        let sure = dialoguer::Confirm::new()
            .with_prompt(format!("Remove {id}? (git history keeps it)"))
            .default(false)
            .interact()
            .map_err(crate::cli::ui::prompt_error)?;
        if !sure {
            ctx.ui.status("Nothing removed.");
            return Ok(());
        }
    }
    match ledger.remove_entry(&id, &path, args.force)? {
        Removal::Committed => {
            ctx.ui.status(&format!("Removed {id}"));
            ctx.ui.hint(&format!(
                "it stays in the ledger's history: `git -C {} log --all -- {path}`",
                ledger.root().display()
            ));
        }
        Removal::Deleted => ctx.ui.status(&format!(
            "Deleted {id}; it was never committed, so no history keeps it"
        )),
    }
    Ok(())
}

/// True for a complete entry id (`2026-11-22-some-title`), not a part of one.
fn full_id(given: &str) -> bool {
    let date = given.get(..10).unwrap_or("");
    crate::entry::is_valid_id(given)
        && given.as_bytes().get(10) == Some(&b'-')
        && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok()
}
