//! `cv man`: man pages, generated from the CLI definition.

use std::path::PathBuf;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// Print the man page (roff)
///
/// `cv man` prints cv(1), whose SEE ALSO names a page per command;
/// `cv man log` prints cv-log(1), and `--dir` writes them all.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv man | man -l -
  cv man log | man -l -
  cv man --dir ~/.local/share/man/man1")]
pub struct Args {
    /// The command whose page to print (`log` prints cv-log(1)) [default: cv(1)]
    pub command: Option<String>,
    /// Write cv.1 and a cv-COMMAND.1 for every command into this folder
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Runs `cv man`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let mut root = crate::cli::command();
    // Builds clap's own `help` command too, which cv(1) names as cv-help(1).
    root.build();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir)?;
        let mut written = vec![("cv.1".to_string(), render(root.clone())?)];
        for sub in root.get_subcommands() {
            let name = format!("cv-{}", sub.get_name());
            written.push((format!("{name}.1"), render(page(sub))?));
        }
        for (file, bytes) in &written {
            std::fs::write(dir.join(file), bytes)?;
        }
        ctx.ui.status(&format!(
            "Wrote {} man pages to {}",
            written.len(),
            dir.display()
        ));
        return Ok(());
    }
    let bytes = match &args.command {
        None => render(root)?,
        Some(name) => {
            let sub = root.find_subcommand(name).ok_or_else(|| {
                CliError::usage(format!("there is no command `cv {name}`"))
                    .hint("`cv --help` lists the commands")
            })?;
            render(page(sub))?
        }
    };
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&bytes)?;
    stdout.flush()?;
    Ok(())
}

/// A command as its own page: named `cv-<command>`, used as `cv <command>`.
fn page(sub: &clap::Command) -> clap::Command {
    let name = format!("cv-{}", sub.get_name());
    let usage = format!("cv {}", sub.get_name());
    sub.clone()
        .name(name.clone())
        .display_name(name)
        .bin_name(usage)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_version_flag(true)
}

fn render(cmd: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    Ok(out)
}
