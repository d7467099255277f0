//! `cv link ID`: add proof to an existing entry.

use crate::cli::context::Ctx;
use crate::cli::error::{self, CliError};
use crate::cli::resolve::{self, LinkArgs};
use crate::ids;
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
    /// The entry's id, or an unambiguous end of it
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
    let (id, path) = find_entry(ctx, &ledger, &args.id, false)?;
    let resolved = resolve::links(&args.links)?;
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

/// Resolves a typed entry id among the ledger's entries: (id, path).
///
/// Files that do not parse are found by file name too: `rm` and `edit`
/// (`include_broken`) can act on them; for other commands naming one is an
/// error that gives its location.
pub fn find_entry(
    ctx: &Ctx,
    ledger: &crate::ledger::Ledger,
    given: &str,
    include_broken: bool,
) -> Result<(String, String), CliError> {
    let all = ctx.entries_as(ledger, |e| Some(e.id))?;
    let mut candidates: Vec<(String, String)> =
        all.entries.into_iter().map(|s| (s.entry, s.path)).collect();
    let good = candidates.len();
    for broken in &all.broken {
        let stem = broken
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&broken.path)
            .trim_end_matches(".toml");
        candidates.push((stem.to_string(), broken.path.clone()));
    }
    let index = ids::resolve(given, candidates.iter().map(|(id, _)| id.as_str()))
        .map_err(|e| error::resolve_error("entry", e).hint("`cv list` shows every entry id"))?;
    if index >= good && !include_broken {
        // It names a file that does not parse: say so, rather than "unknown".
        let broken = &all.broken[index - good];
        return Err(CliError::usage(format!(
            "{}:{}:{}: {}",
            broken.path, broken.error.line, broken.error.column, broken.error.message
        ))
        .hint(format!(
            "fix the entry first: `cv edit {}`; nothing was changed",
            candidates[index].0
        )));
    }
    Ok(candidates.swap_remove(index))
}
