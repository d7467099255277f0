//! The command-line layer: parses arguments, resolves them into checked
//! values, calls the core, renders the results and maps errors to exit codes.

pub mod capture;
pub mod cmd;
pub mod context;
pub mod error;
pub mod mcp;
pub mod reference;
pub mod resolve;
pub mod table;
pub mod ui;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use self::context::Ctx;
use self::error::{CliError, EXIT_FAILURE};
use self::ui::ColorChoice;

/// Git-native evidence ledger for the Customer Value career framework.
///
/// Record what you shipped, who it helped and the commits that prove it, then
/// see how your evidence covers the level-up signals of your next level.
#[derive(Debug, Parser)]
#[command(name = "cv", version, max_term_width = 100)]
#[command(after_long_help = "\
Examples:
  cv report --demo                       readiness report on the built-in sample ledger
  cv init --name 'Ada Example' --email ada@example.com --level mid
  cv log --title 'Cut checkout latency' --commit HEAD --signal defines-success-criteria
  cv report --to senior
  cv diff mid senior

The ledger lives in --ledger, else $CV_LEDGER, else $XDG_DATA_HOME/cv (~/.local/share/cv).")]
pub struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any command.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Use the ledger in this folder [env: CV_LEDGER] [default: $XDG_DATA_HOME/cv]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub ledger: Option<PathBuf>,
    /// Print data as JSON, for scripts
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// Never prompt; fail instead when something is missing (implied when stdin is not a terminal)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_input: bool,
    /// When to colour output (NO_COLOR is respected under auto)
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN",
        help_heading = "Global options"
    )]
    pub color: ColorChoice,
}

/// Every `cv` command. Each one's help is the doc comment of its `Args`:
/// a doc comment on a variant would replace it, hence no docs here.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run; boxing buys nothing
#[allow(missing_docs)]
pub enum Command {
    Init(cmd::init::Args),
    Log(cmd::log::Args),
    Link(cmd::link::Args),
    List(cmd::list::Args),
    Show(cmd::show::Args),
    Edit(cmd::edit::Args),
    Rm(cmd::rm::Args),
    Check(cmd::check::Args),
    Levels(cmd::levels::Args),
    Diff(cmd::diff::Args),
    Report(cmd::report::Args),
    Due(cmd::due::Args),
    Verify(cmd::verify::Args),
    Harvest(cmd::harvest::Args),
    Sync(cmd::sync::Args),
    Mcp(cmd::mcp::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
}

/// Runs `cv` with these arguments and returns the process exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    install_panic_hook();
    let parsed = command().try_get_matches_from(args).and_then(|matches| {
        // A writer that waits for another says so, naming the holder; the
        // holder is named in the lock file by this command's name.
        let name = matches.subcommand_name().unwrap_or_default();
        crate::ledger::lock::on_wait(format!("cv {name}"), Box::new(say_waiting));
        <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage
            // errors to stderr (exit 2), already prefixed with `error:`.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            });
        }
    };
    match std::panic::catch_unwind(|| dispatch(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            e.print();
            ExitCode::from(e.exit_code())
        }
        Err(_) => ExitCode::from(EXIT_FAILURE),
    }
}

/// The global options, as named in each command's help.
const GLOBALS_NOTE: &str =
    "Global options: --ledger PATH, --json, --no-input, --color WHEN (see `cv --help`)";

/// The CLI definition every consumer uses: parsing, completions, the man
/// page and the Markdown reference.
///
/// The global options are described once, in `cv --help`; each command's
/// help names them in one line instead of repeating their whole block.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let globals: Vec<clap::Arg> = cli
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cli = cli.mut_subcommand(name, |mut sub| {
            // A command that already has an argument of a global's id keeps
            // its own (clap propagates only missing ones): a hidden copy.
            for global in &globals {
                sub = sub.arg(global.clone().hide(true));
            }
            let examples = sub
                .get_after_long_help()
                .map(|h| format!("{h}\n\n{GLOBALS_NOTE}"))
                .unwrap_or_else(|| GLOBALS_NOTE.to_string());
            sub.after_help(GLOBALS_NOTE).after_long_help(examples)
        });
    }
    cli
}

fn dispatch(cli: Cli) -> Result<(), CliError> {
    let mut ctx = Ctx::new(cli.global)?;
    match cli.command {
        Command::Init(args) => cmd::init::run(&mut ctx, &args),
        Command::Log(args) => cmd::log::run(&mut ctx, &args),
        Command::Link(args) => cmd::link::run(&mut ctx, &args),
        Command::List(args) => cmd::list::run(&mut ctx, &args),
        Command::Show(args) => cmd::show::run(&mut ctx, &args),
        Command::Edit(args) => cmd::edit::run(&mut ctx, &args),
        Command::Rm(args) => cmd::rm::run(&mut ctx, &args),
        Command::Check(args) => cmd::check::run(&mut ctx, &args),
        Command::Levels(args) => cmd::levels::run(&mut ctx, &args),
        Command::Diff(args) => cmd::diff::run(&mut ctx, &args),
        Command::Report(args) => cmd::report::run(&mut ctx, &args),
        Command::Due(args) => cmd::due::run(&mut ctx, &args),
        Command::Verify(args) => cmd::verify::run(&mut ctx, &args),
        Command::Harvest(args) => cmd::harvest::run(&mut ctx, &args),
        Command::Sync(args) => cmd::sync::run(&mut ctx, &args),
        Command::Mcp(args) => cmd::mcp::run(&mut ctx, &args),
        Command::Completions(args) => cmd::completions::run(&mut ctx, &args),
        Command::Man(args) => cmd::man::run(&mut ctx, &args),
    }
}

/// What a writer prints, once, when another `cv` holds the ledger.
#[allow(clippy::print_stderr)]
fn say_waiting(holder: &crate::ledger::lock::Holder) {
    let who = match (&holder.command, holder.pid) {
        (Some(command), Some(pid)) => format!(" ({command}, pid {pid})"),
        (Some(command), None) => format!(" ({command})"),
        (None, Some(pid)) => format!(" (pid {pid})"),
        (None, None) => String::new(),
    };
    eprintln!("waiting for another cv command{who} to release the ledger…");
}

/// Replaces Rust's panic message and backtrace with one `error:` line.
#[allow(clippy::print_stderr)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: internal error in cv{location}; nothing further was written");
        eprintln!(
            "hint: please report this with the command you ran; `cv check` verifies the ledger"
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }
}
