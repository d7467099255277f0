//! `cv link ID`: add proof to an existing entry.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::resolve::{self, LinkArgs};
use crate::ledger::Change;

/// Add links (commits, pull requests, URLs) to an existing entry
///
/// The entry file is edited in place: its comments, key order and any keys cv
/// does not know are kept. One commit, `link: <id>`. A link the entry already
/// has is not added twice.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv link cut-checkout-latency --commit HEAD
  cv link 2026-11-20-cut-checkout-latency-for-eu-shoppers --pr '#4312' --repo ~/src/shop
  cv link search --url https://dashboards.example.com/search-zero-results")]
pub struct Args {
    /// The entry's id, or any unambiguous part of it in whole words (`cut-checkout-latency`)
    pub id: String,
    /// The links to add
    #[command(flatten)]
    pub links: LinkArgs,
}

/// Runs `cv link`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if args.links.is_empty() {
        return Err(CliError::usage("nothing to link")
            .hint("pass --commit REV, --pr URL or --url URL (each can be repeated)"));
    }
    let ledger = ctx.ledger()?;
    let (id, path) = resolve::readable_entry(&ledger, &args.id)?;
    let cwd = std::env::current_dir()?;
    let place = crate::draft::Place {
        today: ctx.today,
        ledger: ledger.root(),
        cwd: &cwd,
    };
    let resolved = crate::draft::resolve_links(&args.links.fields(), place)?;
    let message = format!("link: {id}");
    let added = ledger.write(&message, &resolved.repos, |_| {
        // Read under the lock: a concurrent edit of the same entry is kept.
        let mut doc = ledger.entry_doc(&path)?;
        let added: usize = resolved.links.iter().filter(|l| doc.add_link(l)).count();
        let changes = if added == 0 {
            Vec::new()
        } else {
            vec![Change::put(path.clone(), doc.to_text().into_bytes())]
        };
        Ok((changes, added))
    });
    let added = match added {
        Ok(n) => n,
        Err(crate::ledger::LedgerError::NothingToCommit) => 0,
        Err(e) => return Err(e.into()),
    };
    if added == 0 {
        ctx.ui.status(&format!(
            "{id} already has every one of those links; nothing changed"
        ));
    } else {
        ctx.ui.status(&format!(
            "Linked {added} {} to {id}",
            if added == 1 {
                "piece of proof"
            } else {
                "pieces of proof"
            }
        ));
    }
    Ok(())
}
