//! `cv log`: record one piece of evidence as one commit.

use crate::cli::capture::{self, Given};
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::resolve::LinkArgs;
use crate::draft::{Draft, Fields, Place};
use crate::entry::Entry;
use crate::framework::Framework;
use crate::ledger::Ledger;

/// Record a piece of evidence: what shipped, who it helped, the outcome, the proof
///
/// Writes one TOML file under `entries/<year>/` and commits it as `log: <title>`.
/// Signals take a full item id, or an unambiguous suffix or run of its words (see `cv levels`).
/// --commit resolves any revision in --repo (default: the current directory's
/// repository) to its full SHA, remote URL and summary.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv log --title 'Cut checkout latency for EU shoppers' \\
         --customer 'EU shoppers on mobile' \\
         --outcome 'p95 0.8 s; abandonment down 3 points' \\
         --metric 'p95 checkout latency: 2.1 -> 0.8 s' \\
         --signal mid.signal.defines-success-criteria --signal drives-measurable-outcomes \\
         --commit HEAD --pr https://github.com/acme/shop/pull/4312
  cv log --title 'Fix invoice timeouts' --date yesterday --commit abc1234 --repo ~/src/shop")]
pub struct Args {
    /// What was shipped
    #[arg(long)]
    pub title: Option<String>,
    /// When the value reached the customer: YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, last monday…last sunday, or last week|month|quarter|year (its first day) [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// Who it helped
    #[arg(long)]
    pub customer: Option<String>,
    /// The problem it solved
    #[arg(long)]
    pub problem: Option<String>,
    /// The measured outcome, in words
    #[arg(long)]
    pub outcome: Option<String>,
    /// A measurement, 'NAME: BEFORE -> AFTER UNIT' (can be repeated)
    #[arg(long = "metric", value_name = "METRIC")]
    pub metrics: Vec<String>,
    /// A framework item this evidences: its id, or a unique suffix or run of its words (can be repeated)
    #[arg(long = "signal", value_name = "ID")]
    pub signals: Vec<String>,
    /// A tag (can be repeated)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Links that prove it
    #[command(flatten)]
    pub links: LinkArgs,
    /// Free text
    #[arg(long)]
    pub notes: Option<String>,
    /// When to measure the outcome again; `cv due` lists it from that day
    #[arg(long, value_name = "DATE")]
    pub remeasure: Option<String>,
    /// Keep this entry out of reports unless --include-private (`cv list` marks it)
    #[arg(long)]
    pub private: bool,
}

impl Args {
    /// The flags as the core's draft fields.
    fn fields(&self) -> Fields {
        Fields {
            title: self.title.clone(),
            date: self.date.clone(),
            customer: self.customer.clone(),
            problem: self.problem.clone(),
            outcome: self.outcome.clone(),
            metrics: self.metrics.clone(),
            signals: self.signals.clone(),
            tags: self.tags.clone(),
            links: self.links.fields(),
            notes: self.notes.clone(),
            remeasure: self.remeasure.clone(),
            private: self.private,
        }
    }
}

/// Runs `cv log`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let ask = |draft, ledger: &Ledger, framework: &Framework, place: Place<'_>| {
        if !ctx.ui.can_prompt() {
            return Ok(Some(draft));
        }
        let given = Given {
            date: args.date.is_some(),
            customer: args.customer.is_some(),
            outcome: args.outcome.is_some(),
            metrics: !args.metrics.is_empty(),
            signals: !args.signals.is_empty(),
            links: !args.links.is_empty(),
        };
        let level = ledger.config().profile.level;
        capture::ask(&ctx.ui, framework, level, place, draft, given)
    };
    let Some(saved) = record(ctx, &args.fields(), "log", ask)? else {
        ctx.ui.status("Nothing saved.");
        return Ok(());
    };
    if ctx.global.json {
        return ctx.ui.out_json(&saved);
    }
    ctx.ui.status(&format!(
        "Logged {}{}",
        saved.rel_path(),
        proof_note(&saved)
    ));
    ctx.ui.out(&saved.id)
}

/// Records a new entry from `fields` as one commit, `<by>: <title>`: the
/// fields are checked into a draft, `fill` completes it (the CLI's prompts;
/// an agent's call has nothing to add) or declines (`None`), and the entry
/// is written. Everything is checked before the ledger is touched: bad
/// input changes nothing. `cv log` and `cv mcp`'s `log` tool both come here.
pub fn record<F>(ctx: &Ctx, fields: &Fields, by: &str, fill: F) -> Result<Option<Entry>, CliError>
where
    F: FnOnce(Draft, &Ledger, &Framework, Place) -> Result<Option<Draft>, CliError>,
{
    let ledger = ctx.ledger()?;
    let framework = ledger.framework()?;
    let cwd = std::env::current_dir()?;
    let place = Place {
        today: ctx.today,
        ledger: ledger.root(),
        cwd: &cwd,
    };
    let draft = Draft::new(fields, &framework, place)?;
    let Some(draft) = fill(draft, &ledger, &framework, place)? else {
        return Ok(None);
    };
    let (new, repos) = draft.into_entry(ctx.today)?;
    Ok(Some(ledger.add_entry_by(by, new, &repos)?))
}

/// What a saved entry still lacks to prove anything, for the status line.
pub fn proof_note(saved: &Entry) -> &'static str {
    match (saved.has_proof(), saved.signals.is_empty()) {
        (true, false) => "",
        // The report counts entries by the signals they list: without one,
        // the proof shows nowhere.
        (true, true) => {
            " (no signal yet: the report shows it under none; `cv edit` adds one, `cv levels` lists them)"
        }
        (false, false) => " (no link or metric yet: it claims its signals but does not prove them)",
        (false, true) => {
            " (no signal, link or metric yet: `cv link` adds proof, `cv edit` a signal)"
        }
    }
}
