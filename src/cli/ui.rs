//! The only gateway to the terminal: data to stdout, messages to stderr,
//! colour decided once, and whether prompting is allowed.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;

use super::error::CliError;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Terminal capabilities and output helpers for one run.
#[derive(Debug, Clone)]
pub struct Ui {
    color: bool,
    can_prompt: bool,
    stdout_tty: bool,
}

impl Ui {
    /// Decides colour and prompting from the flags and the environment.
    pub fn new(color: ColorChoice, no_input: bool) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_tty && !no_color,
        };
        let can_prompt =
            !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        Ui {
            color,
            can_prompt,
            stdout_tty,
        }
    }

    /// True when output may be coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// A spinner counting `what` on stderr, drawn only when stderr is a
    /// terminal (hidden otherwise, so scripts and logs see nothing).
    pub fn progress(&self, what: &'static str) -> indicatif::ProgressBar {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {pos} {prefix}")
        {
            bar.set_style(style);
        }
        bar.set_message(what);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    /// True when stdout is a terminal (tables fit its width).
    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_tty
    }

    /// True when `cv` may ask questions: stdin and stderr are terminals and
    /// `--no-input` is absent.
    pub fn can_prompt(&self) -> bool {
        self.can_prompt
    }

    /// Writes data to stdout. A closed pipe becomes a quiet exit.
    pub fn out(&self, text: &str) -> Result<(), CliError> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// Writes `value` to stdout as pretty JSON (what `--json` prints).
    pub fn out_json<T: serde::Serialize>(&self, value: &T) -> Result<(), CliError> {
        self.out(&json(value))
    }

    /// Writes a status message to stderr.
    pub fn status(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// Writes `warning: …` to stderr.
    pub fn warn(&self, text: &str) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}: {text}",
            self.paint("warning", "33")
        );
    }

    /// Writes `hint: …` to stderr.
    pub fn hint(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "hint: {text}");
    }

    /// Wraps `text` in an ANSI colour when colour is on (`code` as in `32` green).
    pub fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold text when colour is on.
    pub fn bold(&self, text: &str) -> String {
        self.paint(text, "1")
    }
}

/// Renders `value` as the pretty JSON that `--json` prints (and `cv mcp`'s
/// tools return).
pub fn json<T: serde::Serialize>(value: &T) -> String {
    // Plain data with string keys: serialisation cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Maps a failed prompt (Ctrl-C, a closed terminal) to an error that changed nothing.
pub fn prompt_error(e: dialoguer::Error) -> CliError {
    CliError::usage(format!("prompt aborted: {e}")).hint("nothing was written")
}
