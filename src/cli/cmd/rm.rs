//! `cv rm ID`: remove an entry (git history keeps it).

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::ledger::Change;

/// Remove an entry; git history keeps it
///
/// One commit, `rm: <id>`. Asks first at a terminal; elsewhere --yes is required.
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
}

/// Runs `cv rm`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let ledger = ctx.ledger()?;
    // A broken entry can be removed too: nothing of it needs to be read.
    let (id, path) = crate::cli::resolve::entry(&ledger, &args.id)?;
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
    ledger.write(&format!("rm: {id}"), &[], |_| {
        Ok((vec![Change::delete(path.clone())], ()))
    })?;
    ctx.ui.status(&format!("Removed {id}"));
    ctx.ui.hint(&format!(
        "it stays in the ledger's history: `git -C {} log --all -- {path}`",
        ledger.root().display()
    ));
    Ok(())
}
