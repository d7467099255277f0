//! `cv harvest`: the shipped work nobody logged.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::cli::capture::{self, Given};
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::table;
use crate::draft::{self, Place};
use crate::git::WorkRepo;
use crate::harvest;
use crate::ledger::Ledger;
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
    /// A work repository to walk (can be repeated) [default: the current directory's, else those in cv.toml `[repos]`]
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
    /// Choose groups at the terminal and log an entry for each, pre-filled from its commits
    #[arg(long, conflicts_with = "json")]
    pub pick: bool,
}

/// Runs `cv harvest`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    if args.pick && !ctx.ui.can_prompt() {
        return Err(
            CliError::usage(
                "--pick asks questions, and cv does not ask here (--no-input, or input is not a terminal)",
            )
            .hint(
                "run it at a terminal, or log a commit with `cv log --commit SHA --repo PATH`",
            ),
        );
    }
    let (found, since, ledger) = walk(ctx, args)?;
    if ctx.global.json {
        return ctx.ui.out_json(&found);
    }
    if found.is_empty() {
        ctx.ui
            .status(&format!("No unlinked commit of yours since {since}."));
        return Ok(());
    }
    if args.pick {
        return pick(ctx, &ledger, &found);
    }
    let mut t = table::plain(&ctx.ui, &["date", "commit", "summary"]);
    for group in harvest::groups(&found) {
        // A request's group opens with a line naming it and its title (the
        // one --pick proposes); its commits follow, indented.
        let headed = group[0]
            .pr
            .is_some_and(|pr| group.len() > 1 || !group[0].summary.ends_with(&format!("(#{pr})")));
        if let Some(pr) = group[0].pr
            && headed
        {
            let title = harvest::proposed_title(&group).unwrap_or_default();
            let commits = if group.len() == 1 {
                "commit"
            } else {
                "commits"
            };
            t.add_row(vec![
                group[0].date.to_string(),
                format!("PR #{pr}"),
                format!("{} ({} {commits})", table::cell(&title), group.len()),
            ]);
        }
        let indent = if headed { "  " } else { "" };
        for c in &group {
            let mut summary = format!("{indent}{}", table::cell(&c.summary));
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
        .hint("log them: `cv harvest --pick`, or one by one: `cv log --commit SHA --repo PATH`");
    Ok(())
}

/// The unlinked commits `args` ask for, newest first, and the first day
/// looked at: what `cv harvest --json` prints.
pub fn find(
    ctx: &Ctx,
    args: &Args,
) -> Result<(Vec<harvest::Harvested>, chrono::NaiveDate), CliError> {
    walk(ctx, args).map(|(found, since, _)| (found, since))
}

/// [`find`], keeping the ledger it opened for `--pick` to write to.
fn walk(
    ctx: &Ctx,
    args: &Args,
) -> Result<(Vec<harvest::Harvested>, chrono::NaiveDate, Ledger), CliError> {
    let since = match &args.since {
        Some(d) => crate::dates::parse_since(d, ctx.today)?,
        None => ctx.today - chrono::Days::new(90),
    };
    if let Some(empty) = args.author.iter().find(|a| a.trim().is_empty()) {
        return Err(CliError::usage(format!("--author '{empty}' names nobody"))
            .hint("pass an email, e.g. --author ada@example.com"));
    }
    let ledger = ctx.ledger()?;
    let repos = work_repos(ctx, args, &ledger)?;
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
    for work in &repos {
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
        let walked = commits?;
        found.extend(harvest::unlinked(
            walked.commits,
            &work.name(),
            &work.root(),
            &linked,
            &walked.merged_in,
        ));
    }
    found.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.sha.cmp(&b.sha)));
    Ok((found, since, ledger))
}

/// The work repositories to walk, each once: `--repo`s (each must be one),
/// else the current directory's, else those in `[repos]` (one that is gone
/// from this machine is skipped with a warning, not the end of the walk).
fn work_repos(ctx: &Ctx, args: &Args, ledger: &Ledger) -> Result<Vec<WorkRepo>, CliError> {
    let mut repos: Vec<WorkRepo> = Vec::new();
    let mut add = |work: WorkRepo| {
        if !repos.iter().any(|r| r.root() == work.root()) {
            repos.push(work);
        }
    };
    if !args.repo.is_empty() {
        for path in &args.repo {
            let work = WorkRepo::discover(path)?;
            if crate::git::same_repository(&work.root(), ledger.root()) {
                return Err(CliError::usage(format!(
                    "{} is the ledger: its history is cv's, not your work",
                    path.display()
                ))
                .hint("pass --repo PATH to a work repository"));
            }
            add(work);
        }
        return Ok(repos);
    }
    let cwd = std::env::current_dir()?;
    if let Some(work) = WorkRepo::discover(&cwd)
        .ok()
        .filter(|w| !crate::git::same_repository(&w.root(), ledger.root()))
    {
        add(work);
        return Ok(repos);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for (url, spelled) in &ledger.config().repos {
        let path = crate::ledger::config::Repos::local_path(spelled, home.as_deref());
        match WorkRepo::open(&path) {
            Ok(work) => add(work),
            Err(e) => ctx
                .ui
                .warn(&format!("skipping {url} from cv.toml [repos]: {e}")),
        }
    }
    if repos.is_empty() {
        return Err(CliError::usage("no work repository to harvest")
            .hint("run cv harvest inside one, or pass --repo PATH"));
    }
    Ok(repos)
}

/// The inbox: choose groups, then a pre-filled `cv log` for each that asks
/// only for what the commits cannot say.
fn pick(ctx: &Ctx, ledger: &Ledger, found: &[harvest::Harvested]) -> Result<(), CliError> {
    let groups = harvest::groups(found);
    let labels: Vec<String> = groups.iter().map(|g| group_label(g)).collect();
    let chosen = inquire::MultiSelect::new("Which of these did you ship?", labels)
        .with_help_message("type to filter, space ticks, Enter logs the ticked ones (one entry each); Ctrl-C stops")
        .with_page_size(12)
        .raw_prompt()
        .map_err(crate::cli::capture::inquire_error)?;
    if chosen.is_empty() {
        ctx.ui.status("Nothing ticked; nothing saved.");
        return Ok(());
    }
    let framework = ledger.framework()?;
    let cwd = std::env::current_dir()?;
    let place = Place {
        today: ctx.today,
        ledger: ledger.root(),
        cwd: &cwd,
    };
    let mut logged = 0;
    for (n, option) in chosen.iter().enumerate() {
        let group = &groups[option.index];
        ctx.ui.status(&format!(
            "
[{}/{}] {}",
            n + 1,
            chosen.len(),
            option.value
        ));
        let mut draft = harvest::draft(group);
        // A commit's text or clock can be anything: what an entry cannot
        // hold is asked for instead of refused after every answer.
        if let Some(Err(e)) = draft.title.as_deref().map(draft::check_title) {
            ctx.ui.warn(&format!(
                "the proposed title cannot be used ({e}); type one"
            ));
            draft.title = None;
        }
        let date_ok = match draft.date.map(|d| draft::check_date(d, ctx.today)) {
            Some(Err(e)) => {
                ctx.ui
                    .warn(&format!("the commit's date cannot be used ({e})"));
                draft.date = None;
                false
            }
            _ => true,
        };
        let given = Given {
            date: date_ok,
            customer: false,
            outcome: draft.outcome.is_some(),
            metrics: false,
            signals: false,
            links: true,
        };
        let level = ledger.config().profile.level;
        let Some(draft) = capture::ask(&ctx.ui, &framework, level, place, draft, given)? else {
            ctx.ui.status("Skipped.");
            continue;
        };
        let (entry, repos) = match draft.into_entry(ctx.today) {
            Ok(ready) => ready,
            Err(e) => {
                ctx.ui
                    .warn(&format!("{}; skipped", CliError::from(e).message));
                continue;
            }
        };
        let saved = ledger.add_entry(entry, &repos)?;
        logged += 1;
        ctx.ui.status(&format!(
            "Logged {}{}",
            saved.rel_path(),
            super::log::proof_note(&saved)
        ));
    }
    ctx.ui.status(&format!(
        "{logged} {} logged.",
        if logged == 1 { "entry" } else { "entries" }
    ));
    Ok(())
}

/// One line per group in the inbox: date, request, title, size, trailer.
fn group_label(group: &[&harvest::Harvested]) -> String {
    let newest = group[0];
    let title = harvest::proposed_title(group).unwrap_or_default();
    let mut label = match newest.pr {
        Some(n) => format!("{} PR #{n} {}", newest.date, table::cell(&title)),
        None => format!(
            "{} {} {}",
            newest.date,
            newest.sha.chars().take(7).collect::<String>(),
            table::cell(&title)
        ),
    };
    if group.len() > 1 {
        label.push_str(&format!(" ({} commits)", group.len()));
    }
    if group.iter().any(|c| c.customer_value.is_some()) {
        label.push_str(" ★ Customer-Value");
    }
    label
}
