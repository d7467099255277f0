//! `cv link ID`: add proof to an existing entry.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::resolve::{self, LinkArgs};
use crate::draft::LinkFields;
use crate::ledger::Change;

/// Add links (commits, pull requests, URLs) to an existing entry
///
/// The entry file is edited in place: its comments, key order and any keys cv
/// does not know are kept. One commit, `link: <id>`. A link the entry already
/// has is not added twice. With --json, prints `{"id", "added"}`: the entry's
/// id and how many links were new to it.
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

/// What `cv link` did, as `--json` prints it.
#[derive(Debug, serde::Serialize)]
pub struct Linked {
    /// The entry's id.
    pub id: String,
    /// How many of the links were new to it (0: nothing was committed).
    pub added: usize,
}

/// Runs `cv link`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let Linked { id, added } = add(ctx, &args.id, &args.links.fields(), "link")?;
    if ctx.global.json {
        return ctx.ui.out_json(&Linked { id, added });
    }
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

/// Adds `links` to the entry `given` names, as one commit, `<by>: <id>`;
/// a link the entry already has is not added again, and when none is new
/// nothing is committed. `cv link` and `cv mcp`'s `link` tool both come here.
pub fn add(ctx: &Ctx, given: &str, links: &LinkFields, by: &str) -> Result<Linked, CliError> {
    if links.is_empty() {
        return Err(CliError::usage("nothing to link")
            .hint("pass --commit REV, --pr URL or --url URL (each can be repeated)"));
    }
    let ledger = ctx.ledger()?;
    let (id, path) = resolve::readable_entry(&ledger, given)?;
    let cwd = std::env::current_dir()?;
    let place = crate::draft::Place {
        today: ctx.today,
        ledger: ledger.root(),
        cwd: &cwd,
    };
    let resolved = crate::draft::resolve_links(links, place)?;
    let message = format!("{by}: {id}");
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
    Ok(Linked { id, added })
}
