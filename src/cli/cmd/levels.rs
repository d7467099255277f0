//! `cv levels [LEVEL]`: the framework's levels, or one level's card.

use serde::Serialize;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::cli::ui;
use crate::framework::{Framework, Item, ItemKind, Level};
use crate::level::LevelId;
use crate::readiness::{self, Basis};

/// Show the framework's levels, or one level's whole card
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv levels               one row per level: name, theme, mindset shift
  cv levels mid           the Mid-Level card with every item id
  cv levels L3 --json     the Senior card as JSON")]
pub struct Args {
    /// A level: early, mid, senior, staff, principal (or 1-5, L1-L5, early-career, mid-level)
    pub level: Option<String>,
}

#[derive(Serialize)]
struct LevelJson<'a> {
    id: LevelId,
    number: u8,
    name: &'a str,
    theme: &'a str,
    summary: &'a str,
    mindset: &'a crate::framework::Mindset,
    closing: &'a str,
    items: &'a [Item],
    readiness: BasisJson<'a>,
}

/// What `cv report` counts as readiness at a level, so the card can say it.
#[derive(Serialize)]
struct BasisJson<'a> {
    basis: Basis,
    items: Vec<&'a str>,
    note: String,
}

fn to_json<'a>(framework: &'a Framework, level: &'a Level) -> LevelJson<'a> {
    LevelJson {
        id: level.id,
        number: level.number,
        name: &level.name,
        theme: &level.theme,
        summary: &level.summary,
        mindset: &level.mindset,
        closing: &level.closing,
        items: &level.items,
        readiness: basis_of(framework, level),
    }
}

fn basis_of<'a>(framework: &'a Framework, level: &'a Level) -> BasisJson<'a> {
    // The level `cv report` promotes to: the next one the framework has.
    let to = level.id.next().and_then(|n| framework.level(n));
    let (basis, items) = readiness::basis(framework, level.id, to.map(|t| t.id));
    let note = match (basis, to) {
        (Basis::Signals, Some(to)) => format!(
            "Readiness for {} counts the coverage of this level's signals you're ready to level up.",
            to.name
        ),
        (Basis::TargetIndicators, Some(to)) => format!(
            "This level names no signals you're ready to level up, so readiness for {} counts the coverage of that level's success indicators.",
            to.name
        ),
        _ => format!(
            "{} is the top stage: the framework names no signals you're ready to level up beyond it, so readiness here counts the coverage of its own success indicators.",
            level.name
        ),
    };
    BasisJson {
        basis,
        items: items.iter().map(|i| i.id.as_str()).collect(),
        note,
    }
}

/// Returns what `cv levels --json` prints: every level, or the one asked for.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    let framework = ctx.framework()?;
    Ok(match level(&framework, args)? {
        Some(level) => ui::json(&to_json(&framework, level)),
        None => {
            let all: Vec<LevelJson> = framework
                .levels
                .iter()
                .map(|l| to_json(&framework, l))
                .collect();
            ui::json(&all)
        }
    })
}

/// The level LEVEL names, if one was given.
fn level<'a>(framework: &'a Framework, args: &Args) -> Result<Option<&'a Level>, CliError> {
    let Some(given) = &args.level else {
        return Ok(None);
    };
    let id: LevelId = given.parse()?;
    framework
        .level(id)
        .map(Some)
        .ok_or_else(|| CliError::usage(format!("the framework has no level '{id}'")))
}

/// Runs `cv levels`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let framework = ctx.framework()?;
    let ui = &ctx.ui;
    let Some(level) = level(&framework, args)? else {
        let mut t = table::new(ui, &["#", "level", "name", "theme", "mindset shift"]);
        for l in &framework.levels {
            t.add_row(vec![
                l.number.to_string(),
                l.id.to_string(),
                l.name.clone(),
                l.theme.clone(),
                format!("“{}” → “{}”", l.mindset.from, l.mindset.to),
            ]);
        }
        return ui.out(&t.to_string());
    };
    let mut text = format!(
        "{} (level {}): {}\n\n{}\n\nMindset shift: “{}” → “{}”\n",
        ui.bold(&level.name),
        level.number,
        level.theme,
        level.summary,
        level.mindset.from,
        level.mindset.to
    );
    for kind in ItemKind::ALL {
        text.push_str(&format!("\n{}\n", ui.bold(kind.heading())));
        if level.items_of(kind).next().is_none() {
            let why = if kind == ItemKind::Signal {
                basis_of(&framework, level).note
            } else {
                "The framework lists none at this level.".to_string()
            };
            text.push_str(&format!("  None. {why}\n"));
        }
        for item in level.items_of(kind) {
            let derived = item
                .derived_mark()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default();
            let formerly = if item.formerly.is_empty() {
                String::new()
            } else {
                format!(" (formerly {})", item.formerly.join(", "))
            };
            text.push_str(&format!(
                "  - {}{derived}\n    {}\n",
                item.text,
                ui.paint(&format!("{}{formerly}", item.id), "2")
            ));
        }
    }
    if !level.closing.is_empty() {
        text.push_str(&format!("\n{}\n", level.closing));
    }
    ui.out(&text)
}
