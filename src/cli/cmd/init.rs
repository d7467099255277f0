//! `cv init`: create a ledger.

use std::path::PathBuf;

use crate::cli::cmd::sync::explain;
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::ui::prompt_error;
use crate::ledger::sync;
use crate::ledger::{Ledger, Profile};
use crate::level::LevelId;

/// Create a ledger (a private git repository) and its cv.toml
///
/// Creates the folder with mode 0700, or adopts an existing git repository
/// there, writes a commented starter cv.toml and makes the first commit.
/// Asks for what is missing when run at a terminal; otherwise --level is
/// required and the name and email default to git's user.name and user.email.
///
/// With --remote URL (any address your git can push to): an empty remote
/// receives the new ledger; a remote that already holds a ledger is cloned
/// instead, its cv.toml kept, and the profile flags given are applied as one
/// more commit where they differ (emails are added). Either way the remote is
/// the ledger's `origin`, and `cv sync` carries entries both ways.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv init --name 'Ada Example' --email ada@example.com --level mid
  cv init ~/notes/cv --level senior --target staff
  cv init --remote git@github.com:ada/cv-ledger.git --level mid
  cv init --remote git@github.com:ada/cv-ledger.git     on a second machine: clones it")]
pub struct Args {
    /// Where to create the ledger [default: --ledger, CV_LEDGER or $XDG_DATA_HOME/cv]
    pub path: Option<PathBuf>,
    /// Your name, as it appears in reports
    #[arg(long)]
    pub name: Option<String>,
    /// An email your commits use (can be repeated)
    #[arg(long = "email", value_name = "EMAIL")]
    pub emails: Vec<String>,
    /// Your current level: early, mid, senior, staff, principal (or 1-5)
    #[arg(long)]
    pub level: Option<String>,
    /// The level you aim for [default: the next one]
    #[arg(long)]
    pub target: Option<String>,
    /// A git remote to share the ledger through: pushed to when empty, cloned when it holds one
    #[arg(long, value_name = "URL")]
    pub remote: Option<String>,
}

/// Runs `cv init`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let path = match &args.path {
        Some(p) => p.clone(),
        None => ctx.ledger_path()?,
    };
    let target = args
        .target
        .as_deref()
        .map(str::parse::<LevelId>)
        .transpose()?;
    let joining = match &args.remote {
        Some(url) => {
            let joining = sync::join(&path, url, ctx.ui.can_prompt())
                .map_err(|e| explain_join(e, &path, url))?;
            if joining.remote_has_ledger() {
                return clone(ctx, args, joining, target, url);
            }
            Some(joining)
        }
        None => None,
    };
    let level = match &args.level {
        Some(l) => l.parse::<LevelId>()?,
        None if ctx.ui.can_prompt() => prompt_level()?,
        None => {
            return Err(
                CliError::usage("--level is required when cv cannot ask").hint(
                    "pass --level early|mid|senior|staff|principal, e.g. `cv init --level mid`",
                ),
            );
        }
    };
    if let Some(t) = target
        && t <= level
    {
        return Err(CliError::usage(format!(
            "target '{t}' is not above level '{level}'"
        )));
    }
    let from_git = |key: &str| crate::git::user_setting(key).unwrap_or_default();
    let name = match &args.name {
        Some(n) => n.trim().to_string(),
        None if ctx.ui.can_prompt() => prompt_text("Your name", &from_git("user.name"))?,
        None => from_git("user.name"),
    };
    let mut emails: Vec<String> = args.emails.iter().map(|e| e.trim().to_string()).collect();
    if emails.is_empty() {
        let default = from_git("user.email");
        let email = if ctx.ui.can_prompt() {
            prompt_text("Email your commits use", &default)?
        } else {
            default
        };
        emails.extend((!email.is_empty()).then_some(email));
    }
    if let Some(bad) = emails.iter().find(|e| !e.contains('@')) {
        return Err(CliError::usage(format!("'{bad}' is not an email address")));
    }
    let profile = Profile {
        name,
        emails,
        level,
        target,
    };
    let ledger = match joining {
        Some(joining) => joining
            .create(&profile)
            .map_err(|e| explain_join(e, &path, args.remote.as_deref().unwrap_or_default()))?,
        None => Ledger::init(&path, &profile)?,
    };
    if ctx.global.json {
        return ctx.ui.out_json(&serde_json::json!({
            "path": ledger.root(),
            "profile": profile,
        }));
    }
    ctx.ui
        .status(&format!("Created a ledger at {}", ledger.root().display()));
    if let Some(url) = &args.remote {
        ctx.ui.status(&format!(
            "Pushed it to {}; `cv sync` carries entries both ways",
            sync::redact_url(url)
        ));
    }
    ctx.ui.hint(
        "right after you ship, run `cv log`: at a terminal it asks for what it needs (or pass --title, --outcome, …)",
    );
    Ok(())
}

/// The remote holds a ledger: clone it, then apply the flags given.
fn clone(
    ctx: &mut Ctx,
    args: &Args,
    joining: sync::Joining,
    target: Option<LevelId>,
    url: &str,
) -> Result<(), CliError> {
    let emails: Vec<String> = args.emails.iter().map(|e| e.trim().to_string()).collect();
    if let Some(bad) = emails.iter().find(|e| !e.contains('@')) {
        return Err(CliError::usage(format!("'{bad}' is not an email address")));
    }
    let flags = sync::ProfileFlags {
        name: args.name.as_ref().map(|n| n.trim().to_string()),
        emails,
        level: args
            .level
            .as_deref()
            .map(str::parse::<LevelId>)
            .transpose()?,
        target,
    };
    let root = ctx.ledger_path()?;
    // A password in the address is never echoed.
    let url = &sync::redact_url(url);
    let (ledger, changed) = joining
        .clone_ledger(&flags)
        .map_err(|e| explain_join(e, args.path.as_deref().unwrap_or(&root), url))?;
    if ctx.global.json {
        return ctx.ui.out_json(&serde_json::json!({
            "path": ledger.root(),
            "cloned": url,
            "profile": ledger.config().profile,
            "changed": changed,
        }));
    }
    ctx.ui.status(&format!(
        "Cloned the ledger from {url} into {}",
        ledger.root().display()
    ));
    if !changed.is_empty() {
        ctx.ui.status(&format!(
            "Set {} in cv.toml as one commit; `cv sync` shares it",
            changed.join(", ")
        ));
    }
    Ok(())
}

/// A failed `cv init --remote` removed the folder's contents (or the
/// folder) it made: hints name the remote, never `git -C` that folder.
fn explain_join(e: sync::SyncError, path: &std::path::Path, url: &str) -> CliError {
    let shown = sync::redact_url(url);
    let hint = match &e {
        sync::SyncError::Fetch { .. } => Some(format!(
            "check the address and that your git can reach it (`git ls-remote {shown}`), then `cv init --remote` again"
        )),
        sync::SyncError::Push { .. } => Some(
            "nothing was kept here; once the remote accepts a push (git's message says why it did not), run `cv init --remote` again"
                .to_string(),
        ),
        _ => None,
    };
    let mut error = explain(e, path);
    if let Some(hint) = hint {
        error.hints = vec![hint];
    }
    // git may quote the address back, password and all.
    if shown != url {
        let hide = |text: &mut String| *text = text.replace(url, &shown);
        hide(&mut error.message);
        error.causes.iter_mut().for_each(hide);
        error.hints.iter_mut().for_each(hide);
    }
    error
}

fn prompt_level() -> Result<LevelId, CliError> {
    let names: Vec<String> = LevelId::ALL
        .iter()
        .map(|l| format!("{} (level {})", l, l.number()))
        .collect();
    let chosen = dialoguer::Select::new()
        .with_prompt("Your current level")
        .items(&names)
        .default(1)
        .interact()
        .map_err(prompt_error)?;
    Ok(LevelId::ALL[chosen])
}

fn prompt_text(prompt: &str, default: &str) -> Result<String, CliError> {
    dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .default(default.to_string())
        .allow_empty(true)
        .interact_text()
        .map(|s| s.trim().to_string())
        .map_err(prompt_error)
}
