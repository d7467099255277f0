//! `cv log`: record one piece of evidence as one commit.

use crate::cli::capture::{self, Draft, Given};
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::resolve::{self, LinkArgs};
use crate::dates;
use crate::entry::{self, Entry};

/// Record a piece of evidence: what shipped, who it helped, the outcome, the proof
///
/// Writes one TOML file under entries/<year>/ and commits it as `log: <title>`.
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

/// Runs `cv log`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    // Everything is checked before the ledger is touched: bad input changes nothing.
    let ledger = ctx.ledger()?;
    let framework = ledger.framework()?;
    let title = match &args.title {
        Some(t) if t.trim().is_empty() => {
            return Err(
                CliError::usage("the title is empty").hint("pass --title 'What you shipped'")
            );
        }
        Some(t) if !t.chars().any(char::is_alphanumeric) => {
            return Err(
                CliError::usage(format!("the title '{t}' has no letters or digits"))
                    .hint("say what you shipped, e.g. --title 'Cut checkout latency'"),
            );
        }
        Some(t) => Some(t.trim().to_string()),
        None => None,
    };
    for (field, value, one_line) in [
        ("title", &args.title, true),
        ("customer", &args.customer, true),
        ("problem", &args.problem, false),
        ("outcome", &args.outcome, false),
        ("notes", &args.notes, false),
    ] {
        if let Some(problem) = value
            .as_deref()
            .and_then(|v| entry::text_problem(field, v, one_line))
        {
            return Err(CliError::usage(problem).hint("type plain text; nothing was written"));
        }
    }
    let date = match &args.date {
        Some(d) => Some(dates::parse_day(d, ctx.today)?),
        None => None,
    };
    if let Some(problem) = date.and_then(|d| dates::entry_date_problem(d, ctx.today)) {
        return Err(CliError::usage(problem).hint(
            "an entry records value that already reached the customer: give the day it shipped",
        ));
    }
    let remeasure = args
        .remeasure
        .as_deref()
        .map(|d| dates::parse_day(d, ctx.today))
        .transpose()?;
    let metrics = args
        .metrics
        .iter()
        .map(|m| entry::parse_metric(m))
        .collect::<Result<Vec<_>, _>>()?;
    let draft = Draft {
        title,
        date,
        customer: non_empty(&args.customer),
        problem: non_empty(&args.problem),
        outcome: non_empty(&args.outcome),
        metrics,
        signals: resolve::signals(&framework, &args.signals)?,
        links: resolve::links(&args.links, ledger.root())?,
    };
    let draft = if ctx.ui.can_prompt() {
        let given = Given {
            date: args.date.is_some(),
            customer: args.customer.is_some(),
            outcome: args.outcome.is_some(),
            metrics: !args.metrics.is_empty(),
            signals: !args.signals.is_empty(),
            links: !args.links.is_empty(),
        };
        let level = ledger.config().profile.level;
        match capture::ask(
            &ctx.ui,
            &framework,
            level,
            ctx.today,
            ledger.root(),
            draft,
            given,
        )? {
            Some(draft) => draft,
            None => {
                ctx.ui.status("Nothing saved.");
                return Ok(());
            }
        }
    } else {
        draft
    };
    let Some(title) = draft.title else {
        return Err(CliError::usage("a title is required")
            .hint("pass --title 'What you shipped' (cv asks for it when run at a terminal)"));
    };
    let new = Entry {
        id: String::new(),
        title,
        date: draft.date.unwrap_or(ctx.today),
        signals: draft.signals,
        tags: args
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        customer: draft.customer,
        problem: draft.problem,
        outcome: draft.outcome,
        notes: non_empty(&args.notes),
        remeasure,
        private: args.private,
        metrics: draft.metrics,
        links: draft.links.links,
    };
    let saved = ledger.add_entry(new, &draft.links.repos)?;
    if ctx.global.json {
        return ctx.ui.out_json(&saved);
    }
    let proof = match (saved.has_proof(), saved.signals.is_empty()) {
        (true, _) => String::new(),
        (false, false) => {
            " (no link or metric yet: it claims its signals but does not prove them)".to_string()
        }
        (false, true) => " (no signal, link or metric yet: `cv link` adds proof)".to_string(),
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
