//! `cv log`: record one piece of evidence as one commit.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::resolve::{self, LinkArgs};
use crate::dates;
use crate::entry::{self, Entry};

/// Record a piece of evidence: what shipped, who it helped, the outcome, the proof
///
/// Writes one TOML file under entries/<year>/ and commits it as `log: <title>`.
/// Signals take a full item id, or an unambiguous slug or suffix (see `cv levels`).
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
    /// When the value reached the customer: YYYY-MM-DD, today, yesterday, N days ago, last monday… [default: today]
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
    /// A framework item this evidences: id, slug or suffix (can be repeated)
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
    /// When to measure the outcome again (see `cv due`)
    #[arg(long, value_name = "DATE")]
    pub remeasure: Option<String>,
    /// Keep this entry out of exports unless --include-private
    #[arg(long)]
    pub private: bool,
}

/// Runs `cv log`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    // Everything is checked before the ledger is touched: bad input changes nothing.
    let ledger = ctx.ledger()?;
    let framework = ledger.framework()?;
    let title = match &args.title {
        Some(t) => t.trim().to_string(),
        None if ctx.ui.can_prompt() => dialoguer::Input::<String>::new()
            .with_prompt("What did you ship?")
            .interact_text()
            .map_err(super::init::prompt_error)?
            .trim()
            .to_string(),
        None => {
            return Err(
                CliError::usage("a title is required").hint("pass --title 'What you shipped'")
            );
        }
    };
    if title.is_empty() {
        return Err(CliError::usage("the title is empty").hint("pass --title 'What you shipped'"));
    }
    let date = match &args.date {
        Some(d) => dates::parse_day(d, ctx.today)?,
        None => ctx.today,
    };
    if date > ctx.today {
        return Err(CliError::usage(format!("{date} is in the future")).hint(
            "an entry records value that already reached the customer; log it once it ships",
        ));
    }
    let remeasure = args
        .remeasure
        .as_deref()
        .map(|d| dates::parse_day(d, ctx.today))
        .transpose()?;
    let signals = resolve::signals(&framework, &args.signals)?;
    let metrics = args
        .metrics
        .iter()
        .map(|m| entry::parse_metric(m))
        .collect::<Result<Vec<_>, _>>()?;
    let resolved = resolve::links(&args.links)?;
    let new = Entry {
        id: String::new(),
        title,
        date,
        signals,
        tags: args
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        customer: non_empty(&args.customer),
        problem: non_empty(&args.problem),
        outcome: non_empty(&args.outcome),
        notes: non_empty(&args.notes),
        remeasure,
        private: args.private,
        metrics,
        links: resolved.links,
    };
    let saved = ledger.add_entry(new, &resolved.repos)?;
    if ctx.global.json {
        return ctx.ui.out(&super::levels::json(&saved));
    }
    let proof = if saved.has_proof() {
        String::new()
    } else {
        " (no link or metric yet: it claims its signals but does not prove them)".to_string()
    };
    ctx.ui
        .status(&format!("Logged {}{proof}", saved.rel_path()));
    ctx.ui.out(&saved.id)
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
