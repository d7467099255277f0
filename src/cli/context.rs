//! Per-run context: the global flags, the terminal, today's date, and the
//! ledger and framework, loaded only by commands that need them.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::GlobalArgs;
use super::error::CliError;
use super::ui::Ui;
use crate::framework::Framework;
use crate::ledger::{self, Entries, Ledger};

/// What every command gets.
pub struct Ctx {
    /// The global flags.
    pub global: GlobalArgs,
    /// The terminal.
    pub ui: Ui,
    /// Today, from `CV_TODAY` or the local calendar.
    pub today: NaiveDate,
}

impl Ctx {
    /// Builds the context from the global flags.
    pub fn new(global: GlobalArgs) -> Result<Ctx, CliError> {
        let ui = Ui::new(global.color, global.no_input);
        let today = crate::clock::today()
            .map_err(|e| CliError::usage(e).hint("unset CV_TODAY or set it to YYYY-MM-DD"))?;
        Ok(Ctx { global, ui, today })
    }

    /// Returns the ledger folder: `--ledger`, else `CV_LEDGER`, else the XDG default.
    pub fn ledger_path(&self) -> Result<PathBuf, CliError> {
        if let Some(path) = &self.global.ledger {
            return Ok(path.clone());
        }
        if let Some(path) = std::env::var_os("CV_LEDGER").filter(|v| !v.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        ledger::default_location().ok_or_else(|| {
            CliError::failure("cannot find a home folder for the default ledger")
                .hint("pass --ledger PATH or set CV_LEDGER")
        })
    }

    /// Opens the ledger, or explains how to create one.
    pub fn ledger(&self) -> Result<Ledger, CliError> {
        let ledger = Ledger::open(&self.ledger_path()?)?;
        if let Some(problem) = ledger.unfinished_write() {
            self.ui.warn(&format!(
                "{problem}; reading goes on, writing waits until it is resolved"
            ));
        }
        Ok(ledger)
    }

    /// Returns the framework: the ledger's custom one if there is a ledger
    /// that names one, else the built-in one. A broken ledger does not stop
    /// commands that only need the framework; it is reported as a warning.
    pub fn framework(&self) -> Result<Framework, CliError> {
        let path = self.ledger_path()?;
        if path.join(ledger::CONFIG_FILE).is_file() {
            match Ledger::open(&path) {
                Ok(ledger) => return Ok(ledger.framework()?),
                Err(e) => self.ui.warn(&format!("{e}; using the built-in framework")),
            }
        }
        Ok(Framework::builtin()?)
    }

    /// Reads the ledger's entries, newest first, warning about each broken file.
    pub fn entries(&self, ledger: &Ledger) -> Result<Entries, CliError> {
        let entries = ledger.entries()?;
        self.warn_broken(&entries.broken);
        Ok(entries)
    }

    /// Reads the ledger's entries keeping only what `keep` returns, warning
    /// about each broken file.
    pub fn entries_as<T, F>(&self, ledger: &Ledger, keep: F) -> Result<Entries<T>, CliError>
    where
        T: Send,
        F: Fn(crate::entry::Entry) -> Option<T> + Sync,
    {
        let entries = ledger.entries_as(keep)?;
        self.warn_broken(&entries.broken);
        Ok(entries)
    }

    fn warn_broken(&self, broken: &[crate::ledger::Broken]) {
        for broken in broken {
            self.ui.warn(&format!(
                "skipping {}:{}:{}: {}",
                broken.path, broken.error.line, broken.error.column, broken.error.message
            ));
        }
        if !broken.is_empty() {
            self.ui
                .hint("fix the file by hand; the other entries are used as usual");
        }
    }
}
