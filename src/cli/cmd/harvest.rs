//! `cv harvest`: the shipped work nobody logged.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::git::WorkRepo;
use crate::harvest;
use crate::links::Link;

/// List your commits that no entry links yet
///
/// Walks HEAD (--all: every local branch) of each work repository and lists
/// the commits whose author is you (by email, through the repository's
/// mailmap, case-insensitively), committed since --since, that no entry
/// links, grouped by the pull or merge request their message names
/// (`Merge pull request #N`, `(#N)`, `See merge request !N`). A
/// `Customer-Value:` trailer is shown as the proposed outcome.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv harvest                           in the current repository, the last 90 days
  cv harvest --repo ~/src/shop --since 'last quarter'
  cv harvest --all --json")]
pub struct Args {
    /// A work repository to walk (can be repeated) [default: the current directory's, else those in cv.toml [repos]]
    #[arg(long, value_name = "PATH")]
    pub repo: Vec<PathBuf>,
    /// Whose commits (can be repeated) [default: the profile's emails, else the repository's user.email]
    #[arg(long, value_name = "EMAIL")]
    pub author: Vec<String>,
    /// Commits on or after this date [default: 90 days ago]
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Walk every local branch, not only HEAD
    #[arg(long)]
    pub all: bool,
}

/// Returns what `cv harvest --json` prints.
pub fn json(ctx: &Ctx, args: &Args) -> Result<String, CliError> {
    Ok(crate::cli::ui::json(&found(ctx, args)?.0))
}

/// Runs `cv harvest`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if ctx.global.json {
        return ctx.ui.out(&json(ctx, args)?);
    }
    let (found, since) = found(ctx, args)?;
    if found.is_empty() {
        ctx.ui
            .status(&format!("No unlinked commit of yours since {since}."));
        return Ok(());
    }
    let mut t = table::plain(&ctx.ui, &["date", "commit", "summary"]);
    for group in harvest::groups(&found) {
        for (i, c) in group.iter().enumerate() {
            let mut summary = table::cell(&c.summary);
            if i == 0
                && let Some(pr) = c.pr
            {
                summary = format!("PR #{pr}: {summary}");
            }
            if let Some(value) = &c.customer_value {
                summary.push_str(&format!(" — Customer-Value: {}", table::cell(value)));
            }
            t.add_row(vec![
                c.date.to_string(),
                c.sha.chars().take(7).collect(),
                summary,
            ]);
        }
    }
    ctx.ui.out(&t.to_string())?;
    ctx.ui
        .hint("log one: `cv log --commit SHA --repo PATH` (add --pr for its request)");
    Ok(())
}

/// The unlinked commits, newest first, and the first day searched.
fn found(ctx: &Ctx, args: &Args) -> Result<(Vec<harvest::Harvested>, chrono::NaiveDate), CliError> {
    let since = match &args.since {
        Some(d) => crate::dates::parse_since(d, ctx.today)?,
        None => ctx.today - chrono::Days::new(90),
    };
    let ledger = ctx.ledger()?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let paths: Vec<PathBuf> = if !args.repo.is_empty() {
        args.repo.clone()
    } else {
        let cwd = std::env::current_dir()?;
        match crate::git::open_work_repo(&cwd)
            .ok()
            .and_then(|r| r.workdir().map(std::path::Path::to_path_buf))
            .filter(|dir| !crate::cli::resolve::is_ledger(dir, ledger.root()))
        {
            Some(dir) => vec![dir],
            None => ledger
                .config()
                .repos
                .values()
                .map(|p| crate::ledger::config::Repos::local_path(p, home.as_deref()))
                .collect(),
        }
    };
    if paths.is_empty() {
        return Err(CliError::usage("no work repository to harvest")
            .hint("run cv harvest inside one, or pass --repo PATH"));
    }
    let entries = ctx.entries(&ledger)?;
    let linked: BTreeSet<String> = entries
        .entries
        .iter()
        .flat_map(|s| &s.entry.links)
        .filter_map(|l| match l {
            Link::Commit { sha, .. } => Some(sha.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let mut found = Vec::new();
    for path in &paths {
        let work = WorkRepo::open(path)?;
        let mut authors = args.author.clone();
        if authors.is_empty() {
            authors = ledger.config().profile.emails.clone();
        }
        if authors.is_empty() {
            authors.extend(work.user_email());
        }
        if authors.is_empty() {
            return Err(
                CliError::usage("cv does not know whose commits to look for")
                    .hint("pass --author EMAIL, or add your emails to cv.toml [profile]"),
            );
        }
        let bar = ctx.ui.progress("commits read");
        bar.set_prefix(work.name());
        let commits = work.commits_by(&authors, since, args.all, |seen| {
            bar.set_position(seen as u64)
        });
        bar.finish_and_clear();
        found.extend(harvest::unlinked(commits, &work.name(), &linked));
    }
    found.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.sha.cmp(&b.sha)));
    Ok((found, since))
}
