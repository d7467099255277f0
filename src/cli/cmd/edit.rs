//! `cv edit ID`: edit an entry in `$VISUAL`/`$EDITOR`, then re-validate.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::check;
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::entry::{self, Entry};
use crate::ledger::{Change, Ledger, LedgerError};

/// Where drafts live, inside the ledger's `.git/`: never committed, never lost.
const DRAFTS: &str = "cv-drafts";

/// Edit an entry in $VISUAL or $EDITOR, then validate it
///
/// Opens a draft copy of the entry; when the editor exits, the draft is
/// validated like `cv check` does and committed as `edit: <id>`. An editor
/// that exits non-zero aborts with the original kept. An invalid draft is
/// never lost: it stays in the ledger's .git/cv-drafts/ and the next
/// `cv edit` of that entry offers it again. The editor command is run as git
/// runs it: through `sh -c` when it has shell metacharacters, else directly.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv edit cut-checkout-latency
  EDITOR='code --wait' cv edit 2026-11-20-cut-checkout-latency-for-eu-shoppers")]
pub struct Args {
    /// The entry's id, or any unambiguous part of it in whole words (`cut-checkout-latency`)
    pub id: String,
}

/// Runs `cv edit`.
pub fn run(ctx: &mut Ctx, args: &Args) -> Result<(), CliError> {
    let ledger = ctx.ledger()?;
    let framework = ledger.framework()?;
    // A broken entry can be edited: that is how it gets fixed.
    let (id, path) = crate::cli::resolve::readable_entry(&ledger, &args.id)?;
    let original = crate::ledger::store::read_entry_file(ledger.root(), &path)?;
    let draft = draft_path(&ledger, &id);
    if draft.exists() {
        // A draft is of one version of the entry. Resuming it over a newer
        // one (a later `cv link`, or a new entry with the same id) would
        // save the draft over changes it never saw.
        if std::fs::read_to_string(base_path(&draft)).ok().as_deref() != Some(&version(&original)) {
            return Err(CliError::failure(format!(
                "{id} changed since your unsaved draft of it was made; nothing was changed"
            ))
            .hint(format!(
                "your draft is at {}: compare it with `cv show {id}`, keep what you need, then delete it and run `cv edit {id}` again",
                draft.display()
            )));
        }
        let resume = !ctx.ui.can_prompt()
            || dialoguer::Confirm::new()
                .with_prompt(format!("An unsaved draft of {id} is waiting. Resume it?"))
                .default(true)
                .interact()
                .map_err(crate::cli::ui::prompt_error)?;
        if resume {
            ctx.ui.status(&format!("Resuming your draft of {id}."));
        } else {
            write_draft(&draft, &original)?;
        }
    } else {
        write_draft(&draft, &original)?;
    }
    loop {
        if let Err(e) = run_editor(&draft) {
            // What the user typed before (a resumed draft) is never lost to
            // an editor that fails; an untouched copy of the entry is.
            let typed = std::fs::read(&draft).is_ok_and(|d| d != original);
            if !typed {
                discard_draft(&draft);
                return Err(e);
            }
            return Err(e.hint(format!(
                "your draft is kept at {}; `cv edit {id}` offers it again",
                draft.display()
            )));
        }
        let edited = std::fs::read(&draft).map_err(LedgerError::io("read", &draft))?;
        if edited == original {
            discard_draft(&draft);
            ctx.ui.status(&format!("No changes to {id}."));
            return Ok(());
        }
        match validate(&edited, &id, &path, &framework, ctx.today) {
            Ok(entry) => {
                let new_path = ledger
                    .write(&format!("edit: {id}"), &[], |writer| {
                        // Under the lock: if another command changed the entry
                        // while the editor was open, saving would drop its change.
                        let now = crate::ledger::store::read_entry_file(ledger.root(), &path)?;
                        if now != original {
                            return Err(LedgerError::ChangedMeanwhile { path: path.clone() });
                        }
                        let (new_path, bytes) = redate(writer, &entry, &path, &edited)?;
                        let mut changes = vec![Change::put(new_path.clone(), bytes)];
                        if new_path != path {
                            changes.push(Change::delete(path.clone()));
                        }
                        Ok((changes, new_path))
                    })
                    .map_err(|e| match e {
                        LedgerError::ChangedMeanwhile { .. } => CliError::from(e).hint(format!(
                            "your edit is kept at {}; `cv edit {id}` reopens it: compare it with the entry's new content before saving",
                            draft.display()
                        )),
                        other => other.into(),
                    })?;
                discard_draft(&draft);
                let new_id = new_path
                    .rsplit('/')
                    .next()
                    .and_then(|name| name.strip_suffix(".toml"))
                    .unwrap_or(&id);
                if new_id == id {
                    ctx.ui.status(&format!("Saved {new_path}"));
                } else {
                    ctx.ui.status(&format!(
                        "Saved {new_path}: the date changed, so the entry is now {new_id} (an id starts with its date)"
                    ));
                }
                return Ok(());
            }
            Err(problems) => {
                for p in &problems {
                    ctx.ui
                        .warn(&format!("{}:{}:{}: {}", path, p.line, p.column, p.message));
                    ctx.ui.hint(&p.hint);
                }
                let again = ctx.ui.can_prompt()
                    && dialoguer::Select::new()
                        .with_prompt("The entry is not valid")
                        .items([
                            "Edit it again",
                            "Abort (the original is kept, your draft too)",
                        ])
                        .default(0)
                        .interact()
                        .map_err(crate::cli::ui::prompt_error)?
                        == 0;
                if !again {
                    return Err(CliError::usage(format!(
                        "{id} was not changed: the edited entry is not valid"
                    ))
                    .hint(format!(
                        "your draft is kept at {}; `cv edit {id}` offers it again",
                        draft.display()
                    )));
                }
            }
        }
    }
}

fn draft_path(ledger: &Ledger, id: &str) -> PathBuf {
    ledger.git_dir().join(DRAFTS).join(format!("{id}.toml"))
}

/// Writes a fresh draft of the entry `bytes`, and the version it is of.
fn write_draft(draft: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::ledger::files::write_durably(&base_path(draft), version(bytes).as_bytes())?;
    crate::ledger::files::write_durably(draft, bytes)?;
    Ok(())
}

/// Where the version a draft started from is kept, beside the draft.
fn base_path(draft: &Path) -> PathBuf {
    draft.with_extension("base")
}

/// A version of an entry: the blob id git gives its bytes.
fn version(bytes: &[u8]) -> String {
    crate::ledger::blob_id_of(bytes)
}

/// Removes a draft and the note of its version.
fn discard_draft(draft: &Path) {
    let _ = std::fs::remove_file(draft);
    let _ = std::fs::remove_file(base_path(draft));
}

/// Validates an edited entry: everything `cv check` checks, plus an id
/// that stays what it was (entries are found by id).
fn validate(
    bytes: &[u8],
    id: &str,
    path: &str,
    framework: &crate::framework::Framework,
    today: chrono::NaiveDate,
) -> Result<Entry, Vec<check::Finding>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![check::Finding {
            file: path.to_string(),
            line: 1,
            column: 1,
            kind: check::Kind::Parse,
            message: "the file is not valid UTF-8".to_string(),
            hint: "save it as UTF-8".to_string(),
        }]
    })?;
    let entry = Entry::parse(text).map_err(|_| check::check_entry(text, path, framework, today))?;
    if entry.id != id {
        return Err(vec![check::Finding {
            file: path.to_string(),
            line: 1,
            column: 1,
            kind: check::Kind::IdMismatch,
            message: format!("the id changed from '{id}' to '{}'", entry.id),
            hint: format!(
                "keep id = \"{id}\"; to start over, `cv log` a new entry and `cv rm` this one"
            ),
        }]);
    }
    // Where the entry will live after the edit (its year may have changed),
    // and what a new date does to its id, are the write's business
    // (`redate`); everything else must already hold.
    let new_path = entry::rel_path(entry.date, id);
    let problems: Vec<check::Finding> = check::check_entry(text, &new_path, framework, today)
        .into_iter()
        .filter(|p| p.kind != check::Kind::IdDate)
        .collect();
    if problems.is_empty() {
        Ok(entry)
    } else {
        Err(problems)
    }
}

/// Where the edited entry goes, and its bytes: as saved, or, when its date
/// changed, under the id of its new date (an id starts with its entry's
/// date, and `cv check` holds it to that), in that year's folder.
fn redate(
    writer: &crate::ledger::Writer,
    entry: &Entry,
    path: &str,
    edited: &[u8],
) -> Result<(String, Vec<u8>), LedgerError> {
    if entry::id_date(&entry.id).is_none_or(|day| day == entry.date) {
        return Ok((entry.rel_path(), edited.to_vec()));
    }
    let text = String::from_utf8_lossy(edited);
    let mut doc = entry::EntryDoc::parse(&text).map_err(|error| LedgerError::BrokenEntry {
        path: path.to_string(),
        error,
    })?;
    // Only the date part changes: the rest of the id is what the user knows
    // the entry by.
    let slug = entry.id.get(11..).unwrap_or(&entry.title);
    let new_id = writer.free_id(entry.date, slug, Some(path))?;
    doc.set_id(&new_id);
    Ok((
        entry::rel_path(entry.date, &new_id),
        doc.to_text().into_bytes(),
    ))
}

/// Runs the user's editor on `file` as git does.
fn run_editor(file: &Path) -> Result<(), CliError> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    // git treats ":" as "no editor": the file is taken as it is.
    if editor == ":" {
        return Ok(());
    }
    // git's rule (run-command.c): a command with any of these characters
    // goes through the shell, with the file as "$@"; otherwise it is run
    // directly, so paths with spaces in the file name still work.
    const SHELL_CHARS: &str = "|&;<>()$`\\\"' \t\n*?[#~=%";
    let mut command = if editor.chars().any(|c| SHELL_CHARS.contains(c)) {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(&editor)
            .arg(file);
        c
    } else {
        let mut c = Command::new(&editor);
        c.arg(file);
        c
    };
    let status = command.status().map_err(|e| {
        CliError::failure(format!("cannot run the editor '{editor}': {e}"))
            .hint("set $VISUAL or $EDITOR to your editor")
    })?;
    if !status.success() {
        return Err(CliError::failure(format!(
            "the editor exited with {status}; nothing was changed"
        ))
        .hint("the original entry is kept as it was"));
    }
    Ok(())
}
