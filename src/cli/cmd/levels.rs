//! `cv levels [LEVEL]`: the framework's levels, or one level's card.

use serde::Serialize;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::framework::{Item, ItemKind, Level};
use crate::level::LevelId;

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
}

fn to_json(level: &Level) -> LevelJson<'_> {
    LevelJson {
        id: level.id,
        number: level.number,
        name: &level.name,
        theme: &level.theme,
        summary: &level.summary,
        mindset: &level.mindset,
        closing: &level.closing,
        items: &level.items,
    }
}

/// Runs `cv levels`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let framework = ctx.framework()?;
    let ui = &ctx.ui;
    let Some(given) = &args.level else {
        if ctx.global.json {
            let all: Vec<LevelJson> = framework.levels.iter().map(to_json).collect();
            return ui.out_json(&all);
        }
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
    let id: LevelId = given.parse()?;
    let level = framework
        .level(id)
        .ok_or_else(|| CliError::usage(format!("the framework has no level '{id}'")))?;
    if ctx.global.json {
        return ui.out_json(&to_json(level));
    }
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
        for item in level.items_of(kind) {
            let derived = if item.derived {
                " (derived from the prose)"
            } else {
                ""
            };
            text.push_str(&format!(
                "  - {}{derived}\n    {}\n",
                item.text,
                ui.paint(&item.id, "2")
            ));
        }
    }
    if !level.closing.is_empty() {
        text.push_str(&format!("\n{}\n", level.closing));
    }
    ui.out(&text)
}
