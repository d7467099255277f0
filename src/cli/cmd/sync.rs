//! `cv sync`: pull then push with the ledger's remote, through the user's
//! own `git`. The cycle lives in `ledger::sync`; this file parses, reports
//! and explains errors.

use std::path::Path;

use crate::cli::context::Ctx;
use crate::cli::error::{CliError, Kind};
use crate::ledger::sync::git_cmd::GitCmdError;
use crate::ledger::sync::{self, Options, Prefer, Summary, SyncError};

/// Pull then push the ledger with its git remote
///
/// Fetches the remote's branch, brings its entries in, and pushes yours,
/// with your own git (your ssh keys and credential helpers work as in git).
/// Entries are separate files, so two machines' new entries merge without
/// asking; an entry changed on both is merged field by field (links, tags
/// and signals added on both sides are all kept). When both changed the same
/// field differently, the sync stops and changes nothing: both versions stay
/// intact, and --prefer says which side wins. A push rejected because the
/// remote moved meanwhile starts the cycle again. The remote is the branch's
/// upstream, else `origin` (`cv init --remote URL` sets it up).
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv sync
  cv sync --dry-run                 what a sync would pull and push (it only fetches)
  cv sync --prefer remote           on a field both sides changed, take the remote's value
  cv sync --json | jq .pulled")]
pub struct Args {
    /// Fetch and report ahead/behind and what would be pulled and pushed; change nothing else
    #[arg(long)]
    pub dry_run: bool,
    /// Which side wins a field both sides changed differently
    #[arg(long, value_enum, value_name = "SIDE")]
    pub prefer: Option<PreferArg>,
}

/// `--prefer`'s values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PreferArg {
    /// This machine's value
    Local,
    /// The remote's value
    Remote,
}

/// Runs `cv sync`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    // A broken cv.toml does not stop a sync, so a fixed one can be pulled
    // (nothing is pushed while the committed one is broken).
    let (ledger, broken) = crate::ledger::Ledger::open_despite_config(&ctx.ledger_path()?)?;
    if let Some(problem) = broken {
        ctx.ui.warn(&format!(
            "{problem}; syncing anyway, so a fixed cv.toml can be pulled"
        ));
    }
    let options = Options {
        prefer: args.prefer.map(|p| match p {
            PreferArg::Local => Prefer::Local,
            PreferArg::Remote => Prefer::Remote,
        }),
        dry_run: args.dry_run,
        interactive: ctx.ui.can_prompt(),
    };
    let summary = sync::sync(&ledger, &options).map_err(|e| explain(e, ledger.root()))?;
    if ctx.global.json {
        return ctx.ui.out_json(&summary);
    }
    for r in &summary.renamed {
        ctx.ui.warn(&format!(
            "both sides logged {} differently: {} both, the remote's as {}",
            r.from,
            if summary.dry_run {
                "a sync keeps"
            } else {
                "kept"
            },
            r.to
        ));
    }
    if summary.dry_run {
        report_dry_run(ctx, &summary);
    } else {
        ctx.ui.status(&one_line(&summary));
    }
    Ok(())
}

/// "pulled 3 entries, pushed 1", or that nothing moved.
fn one_line(s: &Summary) -> String {
    let place = format!("{}/{}", s.remote, s.branch);
    if s.pulled == 0 && s.pushed == 0 && s.ahead == 0 && s.behind == 0 {
        return format!("Already up to date with {place}");
    }
    let merged = if s.merged { "; merged both sides" } else { "" };
    let pushed = if s.pushed_other.is_empty() {
        s.pushed.to_string()
    } else {
        with_others(s.pushed, &s.pushed_other)
    };
    format!(
        "Synced with {place}: pulled {}, pushed {pushed}{merged}",
        with_others(s.pulled, &s.pulled_other),
    )
}

fn entries(n: usize) -> String {
    format!("{n} {}", if n == 1 { "entry" } else { "entries" })
}

/// "3 entries", or "0 entries and cv.toml" when other files moved too.
fn with_others(n: usize, others: &[String]) -> String {
    if others.is_empty() {
        entries(n)
    } else {
        format!("{} and {}", entries(n), others.join(", "))
    }
}

fn report_dry_run(ctx: &Ctx, s: &Summary) {
    let last = match &s.last_sync {
        Some(when) => format!("; last synced {when}"),
        None => "; never synced from here".to_string(),
    };
    ctx.ui.status(&format!(
        "{}/{}: this ledger is {} ahead and {} behind (commits){last}",
        s.remote, s.branch, s.ahead, s.behind
    ));
    if s.conflicts.is_empty() {
        ctx.ui.status(&format!(
            "A sync would pull {}; push {}{}",
            with_others(s.pulled, &s.pulled_other),
            with_others(s.pushed, &s.pushed_other),
            if s.merged {
                ", with a merge commit"
            } else {
                ""
            }
        ));
    } else {
        for c in &s.conflicts {
            let what = if c.is_removal() {
                c.fields.join(", ")
            } else {
                format!("both sides changed {}", c.fields.join(", "))
            };
            ctx.ui.warn(&format!("{} would not merge: {what}", c.path));
        }
        ctx.ui
            .hint("`cv sync --prefer local` or `--prefer remote` decides those fields");
    }
}

/// The CLI error for a sync error, with what to do about it.
pub fn explain(e: SyncError, root: &Path) -> CliError {
    let e = match e {
        SyncError::Ledger(inner) => return CliError::from(inner),
        other => other,
    };
    let ledger = root.display();
    let (kind, hints): (Kind, Vec<String>) = match &e {
        SyncError::Ledger(_) => (Kind::Failure, vec![]),
        SyncError::Git(GitCmdError::NotInstalled { .. }) => (
            Kind::Failure,
            vec!["cv syncs through your own `git`: install git and make sure it is on PATH".into()],
        ),
        SyncError::Git(_) => (Kind::Failure, vec![]),
        SyncError::NoRemote { .. } => (
            Kind::Failure,
            vec![format!(
                "add one: `git -C {ledger} remote add origin URL`, then `cv sync` (or start a ledger from a remote with `cv init --remote URL`)"
            )],
        ),
        SyncError::Fetch { remote, .. } => (
            Kind::Failure,
            vec![format!(
                "check the remote's address (`git -C {ledger} remote get-url {remote}`) and that git can reach it (`git -C {ledger} fetch {remote}`)"
            )],
        ),
        SyncError::Push { .. } => (
            Kind::Failure,
            vec!["the ledger is intact; run `cv sync` again once the remote accepts the push".into()],
        ),
        SyncError::KeptMoving { .. } => (
            Kind::Failure,
            vec!["the ledger is intact; run `cv sync` again".into()],
        ),
        SyncError::Conflict {
            tracking,
            conflicts,
        } => {
            let first = &conflicts[0];
            let edit = match &first.id {
                Some(id) => format!("`cv edit {id}`"),
                None => format!("editing {}", first.path),
            };
            let see = if first.fields.iter().any(|f| f == sync::REMOVED_THERE) {
                // Nothing to show at the tip there: the removal is a commit.
                format!(
                    "yours is intact in the ledger; {tracking} removed it (`git -C {ledger} log -1 --stat {tracking} -- {}` shows where): `cv sync --prefer remote` keeps the removal, `--prefer local` keeps yours",
                    first.path
                )
            } else {
                format!(
                    "both versions are intact: yours in the ledger, the other in {tracking} (`git -C {ledger} show {tracking}:{}`)",
                    first.path
                )
            };
            (
                Kind::Failure,
                vec![
                    see,
                    format!(
                        "keep one side's value of each field both changed with `cv sync --prefer local` or `cv sync --prefer remote`, or make yours agree with the other ({edit}), then `cv sync`"
                    ),
                ],
            )
        }
        SyncError::Unrelated { .. } => (
            Kind::Failure,
            vec!["that branch was not made from this ledger: clone it into another folder with `cv init --remote URL PATH`, or point `origin` at this ledger's own remote".into()],
        ),
        SyncError::Unsupported { .. } => (
            Kind::Failure,
            vec!["replace it with a regular file on the remote's branch, or sync this ledger with git itself".into()],
        ),
        SyncError::Uncommitted {
            path,
            untracked: true,
        } => (
            Kind::Usage,
            vec![format!(
                "move it out of the ledger (`mv {ledger}/{path} ~/{}`), then `cv sync`, and compare it with what the remote has",
                path.rsplit('/').next().unwrap_or(path)
            )],
        ),
        SyncError::Uncommitted { path, .. } => (
            Kind::Usage,
            vec![format!(
                "commit it (`git -C {ledger} commit -m 'edit' -- {path}`) or undo it (`git -C {ledger} checkout -- {path}`), then `cv sync`"
            )],
        ),
        SyncError::BrokenConfig { .. } => (
            Kind::Failure,
            vec![format!(
                "fix cv.toml (`cv check` names the problem) and commit it (`git -C {ledger} commit -m 'fix cv.toml' -- cv.toml`), or pull a fixed one with `cv sync --prefer remote`; then `cv sync`"
            )],
        ),
        SyncError::Incoming { tracking, path, .. } => (
            Kind::Failure,
            vec![
                format!(
                    "the ledger is as it was; see the remote's file with `git -C {ledger} show {tracking}:{path}`"
                ),
                format!(
                    "fix {path} on the machine that pushed it (`cv check` there names the problem), then `cv sync` here"
                ),
            ],
        ),
        SyncError::ForeignRemote {
            remote,
            ledger_branch,
            ..
        } => (
            Kind::Failure,
            match ledger_branch {
                Some(other) => vec![format!(
                    "its `{other}` was not made from this ledger: to use that one, clone it into a new folder (`cv init --remote URL PATH`); to keep this one apart, give it its own empty repository (`git -C {ledger} remote set-url {remote} URL`)"
                )],
                None => vec![format!(
                    "check where `{remote}` points (`git -C {ledger} remote get-url {remote}`) and point it at this ledger's own remote or an empty repository (`git -C {ledger} remote set-url {remote} URL`)"
                )],
            },
        ),
        SyncError::NotEmpty { .. } => (
            Kind::Usage,
            vec!["name a new folder: `cv init --remote URL PATH`".into()],
        ),
        SyncError::NotALedger { .. } => (
            Kind::Usage,
            vec!["give cv an empty repository (created without a README) or one that holds a cv ledger".into()],
        ),
    };
    let mut error = match kind {
        Kind::Usage => CliError::usage(e.to_string()),
        _ => CliError::failure(e.to_string()),
    };
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !error.causes.contains(&text) {
            error.causes.push(text);
        }
        source = cause.source();
    }
    for hint in hints {
        error = error.hint(hint);
    }
    error
}
