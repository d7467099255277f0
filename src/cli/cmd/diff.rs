//! `cv diff FROM TO`: what changes between two levels.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::cli::ui;
use crate::diff;
use crate::framework::Item;
use crate::level::LevelId;

/// Show what changes from one level to another
///
/// The mindset shift, each section of the two cards side by side, and the
/// level-up signals on the way (those of every level from FROM up to the one
/// below TO). With --evidence, your ledger's coverage of every item, over the
/// 365 days ending today: how many entries list it, how many prove it, and
/// whether it is sustained (proof in two calendar months).
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv diff mid senior
  cv diff mid senior --evidence
  cv diff 1 3 --json")]
pub struct Args {
    /// The level you are at
    pub from: String,
    /// The level you are looking at
    pub to: String,
    /// Lay your ledger's evidence over every item (needs a ledger)
    #[arg(long)]
    pub evidence: bool,
}

/// Returns what `cv diff --json` prints.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    Ok(ui::json(&data(ctx, args)?))
}

/// The comparison, with the ledger's evidence laid over it when asked.
fn data(ctx: &Ctx, args: &Args) -> Result<diff::LevelDiff, CliError> {
    let from: LevelId = args.from.parse()?;
    let to: LevelId = args.to.parse()?;
    let framework = ctx.framework()?;
    let mut d = diff::compare(&framework, from, to)?;
    if args.evidence {
        let ledger = ctx.ledger()?;
        let window = crate::query::Range::default().window(ctx.today)?;
        let entries = ctx.entries_as(&ledger, |e| {
            (window.contains(e.date) && !e.private).then(|| crate::readiness::Evidence::from(e))
        })?;
        let records: Vec<&crate::readiness::Evidence> =
            entries.entries.iter().map(|s| &s.entry).collect();
        d = d.with_evidence(&records);
    }
    Ok(d)
}

/// Runs `cv diff`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let d = data(ctx, args)?;
    let ui = &ctx.ui;
    let mut text = format!(
        "{} → {}\n\nMindset shift\n  {}: “{}” → “{}”\n  {}: “{}” → “{}”\n",
        ui.bold(&d.from.name),
        ui.bold(&d.to.name),
        d.from.name,
        d.from.mindset.from,
        d.from.mindset.to,
        d.to.name,
        d.to.mindset.from,
        d.to.mindset.to,
    );
    for section in &d.sections {
        let mut t = table::new(ui, &[&d.from.name, &d.to.name]);
        let rows = section.from.len().max(section.to.len());
        for i in 0..rows {
            let cell = |items: &[Item]| {
                items
                    .get(i)
                    .map(|item| with_evidence(marked(item), item, d.evidence.as_ref()))
                    .unwrap_or_default()
            };
            t.add_row(vec![cell(&section.from), cell(&section.to)]);
        }
        text.push_str(&format!("\n{}\n{t}\n", ui.bold(section.heading)));
    }
    text.push_str(&format!(
        "\n{}\n",
        ui.bold("Signals you're ready to level up, on the way")
    ));
    for item in &d.signals_on_the_way {
        text.push_str(&format!(
            "  - {}\n    {}\n",
            with_evidence(marked(item), item, d.evidence.as_ref()),
            ui.paint(&item.id, "2")
        ));
    }
    ui.out(&text)
}

/// The item's text followed by what the user's evidence amounts to, when
/// `--evidence` asked for it.
fn with_evidence(
    text: String,
    item: &Item,
    evidence: Option<&std::collections::BTreeMap<String, crate::readiness::Coverage>>,
) -> String {
    // Only signals, behaviours and indicators can count (SPEC §5): a
    // struggle or a question is not something to evidence.
    let counts = matches!(
        item.kind,
        crate::framework::ItemKind::Signal
            | crate::framework::ItemKind::Behavior
            | crate::framework::ItemKind::Indicator
    );
    let Some(c) = evidence.and_then(|e| e.get(&item.id)).filter(|_| counts) else {
        return text;
    };
    let mark = match c.status {
        crate::readiness::Status::Proven if c.sustained => "✔ sustained",
        crate::readiness::Status::Proven => "✔ once",
        crate::readiness::Status::Thin => "claimed",
        crate::readiness::Status::Missing => "—",
    };
    if c.evidence == 0 {
        format!("{text} [{mark}]")
    } else {
        format!("{text} [{mark}: {} of {} proven]", c.proven, c.evidence)
    }
}

/// An item's text with the mark `cv levels` puts on a derived item, so no
/// view passes prose-derived words off as the framework's own list.
fn marked(item: &Item) -> String {
    match item.derived_mark() {
        Some(mark) => format!("{} ({mark})", item.text),
        None => item.text.clone(),
    }
}
