//! `cv report`: promotion readiness as a table, JSON, or a promotion packet
//! (Markdown or HTML).

use std::path::PathBuf;

use clap::ValueEnum;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::cli::ui::Ui;
use crate::framework::Framework;
use crate::level::LevelId;
use crate::query::Range;
use crate::readiness::{Coverage, Evidence, Status};
use crate::report::{self, Options, Report};

/// Report promotion readiness: what is proven, thin and missing
///
/// Maps the entries of a window (default: the 365 days ending today) onto the
/// level-up signals of your current level. An entry evidences a signal when it
/// lists it and has a link or a metric. Readiness is coverage of evidence, not
/// a promotion decision. See docs/readiness.md.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv report --demo                  the report on a built-in sample ledger, no setup
  cv report                         your level to the next one, last 365 days
  cv report --to staff --since 2026-01-01
  cv report --format json --out readiness.json
  cv report --format md --out packet.md   a promotion packet to paste into a self-review
  cv report --format html --out packet.html   the packet with charts, to show or print")]
pub struct Args {
    /// The level to report readiness for; the level below it is the one you are at [default: the one above your profile's level]
    #[arg(long, value_name = "LEVEL")]
    pub to: Option<String>,
    /// First day of the window; `last quarter` is the previous calendar quarter's first day [default: 364 days before --until]
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Last day of the window; `last quarter` is the previous calendar quarter's last day [default: today]
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Output format (--json is the same as --format json)
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Count entries marked private = true
    #[arg(long)]
    pub include_private: bool,
    /// Replace titles, customers, outcomes, link summaries and entry ids with placeholders ("Customer A"), keeping dates, metrics and links
    #[arg(long)]
    pub redact: bool,
    /// Report on the sample ledger built into cv (needs no ledger)
    #[arg(long)]
    pub demo: bool,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary with tables
    Table,
    /// The report model as JSON (shape in docs/readiness.md)
    Json,
    /// A promotion packet in Markdown: each item with the entries and links behind it
    Md,
    /// A self-contained HTML page with charts, to show or print to PDF
    Html,
}

/// Where the full entries the packet cites come from.
enum Source {
    /// The demo ledger, in memory.
    Demo(Vec<crate::entry::Entry>),
    /// A ledger, with the path of each entry in the window by id.
    Ledger(
        crate::ledger::Ledger,
        std::collections::HashMap<String, String>,
    ),
}

/// Returns what `cv report --format json` prints (with --redact, redacted).
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    let (mut model, _) = build(ctx, args)?;
    if args.redact {
        report::packet::redact_report(&mut model);
    }
    Ok(report::json::render(&model))
}

/// Runs `cv report`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let format = if ctx.global.json {
        Format::Json
    } else {
        args.format
    };
    let text = match format {
        Format::Json => json(ctx, args)?,
        Format::Table => {
            let (model, source) = build(ctx, args)?;
            // The entries behind each item are named: read in full only
            // those the coverage cites, as the packet does.
            let packet = packet(model, &source)?;
            let packet = if args.redact { packet.redact() } else { packet };
            let text = render_table(&ctx.ui, &packet.report, &packet.entries);
            table::wrap_prose(&text, table::width(&ctx.ui))
        }
        Format::Md | Format::Html => {
            let (model, source) = build(ctx, args)?;
            let packet = packet(model, &source)?;
            let packet = if args.redact { packet.redact() } else { packet };
            match format {
                Format::Html => report::html::render(&packet),
                _ => report::markdown::render(&packet),
            }
        }
    };
    match &args.out {
        Some(path) => {
            write_private(path, text.as_bytes()).map_err(|e| {
                CliError::failure(format!("cannot write {}", path.display())).hint(e.to_string())
            })?;
            ctx.ui.status(&format!("Wrote {}", path.display()));
            Ok(())
        }
        None => ctx.ui.out(&text),
    }
}

/// Reads the window's entries (of the ledger, or of the demo) and builds
/// the report model, warning about signal ids no item has.
fn build(ctx: &Ctx, args: &Args) -> Result<(Report, Source), CliError> {
    let to_arg = args.to.as_deref().map(str::parse::<LevelId>).transpose()?;
    let demo = if args.demo {
        Some(crate::demo::load().map_err(CliError::failure)?)
    } else {
        None
    };
    // The demo is dated; anchor its window on its newest entry so it reads
    // the same whatever day it is run.
    let default_until = match &demo {
        Some((_, entries)) => entries.iter().map(|e| e.date).max().unwrap_or(ctx.today),
        None => ctx.today,
    };
    let window = Range::parse(args.since.as_deref(), args.until.as_deref(), ctx.today)?
        .window(default_until)?;
    // Only entries inside the window matter; the rest are parsed (so broken
    // files are still reported) and dropped at once.
    let due = std::sync::atomic::AtomicUsize::new(0);
    // The demo is dated: what is due is counted on its own calendar.
    let today = if demo.is_some() {
        default_until
    } else {
        ctx.today
    };
    let in_window = |e: crate::entry::Entry| {
        if !window.contains(e.date) {
            return None;
        }
        if crate::due::reason(&e, today).is_some() && (args.include_private || !e.private) {
            due.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Some(Evidence::from(e))
    };
    let (framework, config, entries, source) = match demo {
        Some((config, entries)) => {
            let evidence: Vec<Evidence> = entries.iter().cloned().filter_map(in_window).collect();
            (
                Framework::builtin()?,
                config,
                evidence,
                Source::Demo(entries),
            )
        }
        None => {
            let ledger = ctx.ledger()?;
            let framework = ledger.framework()?;
            let stored = ctx.entries_as(&ledger, in_window)?.entries;
            let paths = stored
                .iter()
                .map(|s| (s.entry.id.clone(), s.path.clone()))
                .collect();
            let entries: Vec<Evidence> = stored.into_iter().map(|s| s.entry).collect();
            let config = ledger.config().clone();
            (framework, config, entries, Source::Ledger(ledger, paths))
        }
    };
    let (from, to) = match to_arg {
        Some(t) => {
            let from = t.prev().ok_or_else(|| {
                CliError::usage(format!("there is no level below '{t}' to be promoted from"))
                    .hint("--to takes mid, senior, staff or principal")
            })?;
            (from, Some(t))
        }
        None => (config.profile.level, config.profile.level.next()),
    };
    let options = Options {
        from,
        to,
        window,
        include_private: args.include_private,
        name: config.profile.name.clone(),
    };
    let mut model = report::build(&framework, &entries, &options);
    model.due_for_remeasure = due.load(std::sync::atomic::Ordering::Relaxed);
    if let Source::Ledger(ledger, _) = &source {
        model.verified = ledger.last_verification();
    }
    // An id no item answers to counts for nothing: say so rather than let
    // a typo in a hand-edited entry drop its evidence in silence.
    let unknown = entries
        .iter()
        .filter(|e| e.signals.iter().any(|id| framework.item(id).is_none()))
        .count();
    if unknown > 0 {
        ctx.ui.warn(&format!(
            "{unknown} {} in the window {} signal ids no framework item has; they count for nothing",
            if unknown == 1 { "entry" } else { "entries" },
            if unknown == 1 { "lists" } else { "list" }
        ));
        ctx.ui.hint("`cv check` names each one, with a suggestion");
    }
    Ok((model, source))
}

/// The packet: the report, and in full only the entries its coverage cites.
fn packet(model: Report, source: &Source) -> Result<report::packet::Packet, CliError> {
    let ids = report::packet::Packet::cited_ids(&model);
    let cited: Vec<crate::entry::Entry> = match source {
        Source::Demo(all) => all
            .iter()
            .filter(|e| ids.contains(&e.id))
            .cloned()
            .collect(),
        Source::Ledger(ledger, paths) => ids
            .iter()
            .filter_map(|id| paths.get(id))
            .map(|path| ledger.entry_doc(path).map(|doc| doc.entry().clone()))
            .collect::<Result<_, _>>()?,
    };
    Ok(report::packet::Packet::build(model, cited))
}

/// Writes a report file as only its owner may read it (it names customers
/// and outcomes), whole or not at all: a temp file beside it, renamed over.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    // Replacing a link, a FIFO or a device with a file would be a surprise
    // (as root, `--out /dev/null` would replace the device node): refuse.
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::other(
            "it exists and is not a regular file; give a file path",
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.cv-tmp"));
    let _ = std::fs::remove_file(&temp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

fn render_table(
    ui: &Ui,
    model: &Report,
    cited: &std::collections::BTreeMap<String, report::packet::Cited>,
) -> String {
    let r = &model.readiness;
    let mut text = String::new();
    let who = if model.name.is_empty() {
        String::new()
    } else {
        format!(" for {}", model.name)
    };
    let path = match &model.to_name {
        Some(to) => format!("{} → {}", model.from_name, to),
        None => format!("{} (top level)", model.from_name),
    };
    text.push_str(&format!(
        "{}{who}\n",
        ui.bold(&format!("Promotion readiness: {path}"))
    ));
    text.push_str(&format!(
        "Window {} to {}, {} {} considered",
        r.since,
        r.until,
        r.entries_considered,
        if r.entries_considered == 1 {
            "entry"
        } else {
            "entries"
        }
    ));
    if model.private_left_out > 0 {
        text.push_str(&format!(
            " ({} private left out; --include-private counts them)",
            model.private_left_out
        ));
    }
    if model.due_for_remeasure > 0 {
        text.push_str(&format!(
            "\n{} {} due for re-measurement: `cv due` lists {}",
            model.due_for_remeasure,
            if model.due_for_remeasure == 1 {
                "entry is"
            } else {
                "entries are"
            },
            if model.due_for_remeasure == 1 {
                "it"
            } else {
                "them"
            }
        ));
    }
    text.push_str("\n\n");
    let percent = (r.readiness * 100.0).round();
    match report::verdict(model) {
        Some(sentence) => {
            text.push_str(&format!(
                "{} {percent}% ({} of {} evidenced)\n",
                ui.bold("Readiness"),
                r.covered,
                r.total
            ));
            text.push_str(&format!("{sentence}\n"));
        }
        // No figure in bold over too little to judge: the count, plainly.
        None => {
            let few = match r.entries_considered {
                0 => "No entry in the window".to_string(),
                1 => "Only 1 entry in the window".to_string(),
                n => format!("Only {n} entries in the window"),
            };
            text.push_str(&format!(
                "{few}: too little to judge, so here are the evidence and the gaps ({} of {} evidenced so far).\n",
                r.covered, r.total
            ));
        }
    }
    if let Some(sentence) = report::proof_check(model) {
        text.push_str(&format!("{sentence}\n"));
    }
    let basis_heading = match r.basis {
        crate::readiness::Basis::Signals => {
            format!("Signals you're ready to level up ({})", model.from_name)
        }
        crate::readiness::Basis::TargetIndicators => {
            format!(
                "Success indicators ({})",
                model.to_name.as_deref().unwrap_or("")
            )
        }
        crate::readiness::Basis::OwnIndicators => {
            format!("Success indicators ({})", model.from_name)
        }
    };
    text.push_str(&format!(
        "\n{}\n{}\n",
        ui.bold(&basis_heading),
        coverage_table(ui, &r.signals, cited)
    ));
    if let Some(to) = &model.to_name {
        let mut next: Vec<Coverage> = r.behaviors.clone();
        next.extend(r.indicators.iter().cloned());
        text.push_str(&format!(
            "\n{}\n{}\n",
            ui.bold(&format!(
                "Already operating at the next level ({to}: behaviors and indicators)"
            )),
            coverage_table(ui, &next, cited)
        ));
    }
    if !r.gaps.is_empty() {
        text.push_str(&format!("\n{}\n", ui.bold("Gaps")));
        for gap in r.signals.iter().filter(|c| !c.covered) {
            let why = match gap.status {
                Status::Thin => {
                    "listed by entries with no link or metric: add proof with `cv link`"
                }
                _ => "no entry yet",
            };
            text.push_str(&format!(
                "  - {} ({why})\n    {}\n",
                gap.text,
                ui.paint(&gap.id, "2")
            ));
        }
        text.push_str("\n  Questions to ask yourself\n");
        for q in &model.advice.questions {
            text.push_str(&format!("    - {}\n", q.text));
        }
        text.push_str("  Habits to build\n");
        for h in &model.advice.habits {
            text.push_str(&format!("    - {}\n", h.text));
        }
    }
    text.push_str(&format!("\n{}\n", model.explanation));
    text
}

/// The item cell: its text, its id, then the entries behind it (newest
/// first, a few by title, the rest counted).
fn item_cell(
    c: &Coverage,
    cited: &std::collections::BTreeMap<String, report::packet::Cited>,
) -> String {
    let mut cell = format!("{}\n{}", table::cell(&c.text), c.id);
    for id in c.entries.iter().take(NAMED) {
        match cited.get(id) {
            Some(e) => cell.push_str(&format!("\n· {} {}", e.date, table::cell(&e.title))),
            None => cell.push_str(&format!("\n· {id}")),
        }
    }
    if c.entries.len() > NAMED {
        cell.push_str(&format!("\n· and {} more", c.entries.len() - NAMED));
    }
    cell
}

/// How many entries are named under an item; more are counted.
const NAMED: usize = 3;

fn coverage_table(
    ui: &Ui,
    rows: &[Coverage],
    cited: &std::collections::BTreeMap<String, report::packet::Cited>,
) -> String {
    // Three columns, so the item (and the entries under it) keeps most of
    // an 80-column terminal.
    let mut t = table::new(ui, &["status", "item", "evidence"]);
    for c in rows {
        // Colour goes through comfy-table's cells, which measure widths
        // without the escape codes.
        let (label, color) = match c.status {
            Status::Proven => ("proven", comfy_table::Color::Green),
            Status::Thin => ("thin", comfy_table::Color::Yellow),
            Status::Missing => ("missing", comfy_table::Color::Red),
        };
        let mut status = comfy_table::Cell::new(label);
        if ui.color() {
            status = status.fg(color);
        }
        let evidence = if c.evidence == 0 {
            "-".to_string()
        } else {
            // Months with proof; one month is shown once, not sustained.
            let months = match (c.months, c.sustained) {
                (0, _) => "no proof".to_string(),
                (1, _) => "1 month (once)".to_string(),
                (n, true) => format!("{n} months, sustained"),
                (n, false) => format!("{n} months"),
            };
            let last = c.last.map(|d| format!("\nlast {d}")).unwrap_or_default();
            format!("{} of {} proven\n{months}{last}", c.proven, c.evidence)
        };
        t.add_row(vec![
            status,
            comfy_table::Cell::new(item_cell(c, cited)),
            comfy_table::Cell::new(evidence),
        ]);
    }
    if let Some(column) = t.column_mut(2) {
        column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    t.to_string()
}
