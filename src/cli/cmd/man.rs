//! `cv man`: the man page, generated from the CLI definition.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// Print the man page (roff)
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv man > ~/.local/share/man/man1/cv.1
  cv man | man -l -")]
pub struct Args {}

/// Runs `cv man`.
pub fn run(_ctx: &mut Ctx, _args: &Args) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}
