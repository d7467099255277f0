//! `cv completions SHELL`: shell completions generated from the CLI definition.

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// Print shell completions
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv completions bash > ~/.local/share/bash-completion/completions/cv
  cv completions zsh > ~/.zfunc/_cv
  cv completions fish > ~/.config/fish/completions/cv.fish")]
pub struct Args {
    /// The shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `cv completions`.
pub fn run(_ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "cv", &mut out);
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}
