//! `cv check`: validate the whole ledger.

use crate::check::{self, Finding, Kind};
use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::ledger::{self, Ledger, LedgerError};

/// Validate the whole ledger: cv.toml and every entry
///
/// Reports TOML errors, missing required fields, unknown or ambiguous signal
/// ids (with suggestions), duplicate ids, ids that do not match their file
/// name or their date, files in the wrong year folder, dates in the future
/// or before 1970, malformed links, and paths under entries/ that cv skips
/// (links, FIFOs, files over 1 MB), each with file:line:col and a hint. A
/// broken cv.toml is reported too, and the entries are still checked
/// against the built-in framework. Exits 1 when anything is found.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Examples:
  cv check
  cv check --json | jq '.[] | select(.kind == \"unknown_signal\")'")]
pub struct Args {}

/// Runs `cv check`.
pub fn run(ctx: &mut Ctx, _args: &Args) -> Result<(), CliError> {
    let root = ctx.ledger_path()?;
    // A broken cv.toml is one finding among the others: the entries are
    // still checked, against the built-in framework.
    let (ledger, config_error) = Ledger::open_despite_config(&root)?;
    let mut findings = Vec::new();
    if let Some(LedgerError::Config {
        line,
        column,
        message,
        ..
    }) = &config_error
    {
        findings.push(Finding {
            file: ledger::CONFIG_FILE.to_string(),
            line: *line,
            column: *column,
            kind: Kind::Config,
            message: message.clone(),
            hint: "fix cv.toml by hand; see docs/format.md for its keys".to_string(),
        });
    }
    let framework = match ledger.framework() {
        Ok(framework) => framework,
        Err(e) => {
            findings.push(framework_finding(&ledger, &e));
            crate::framework::Framework::builtin()?
        }
    };
    findings.extend(check_entries(&ledger, &framework, ctx)?);
    if ctx.global.json {
        ctx.ui.out_json(&findings)?;
    } else if findings.is_empty() {
        ctx.ui.status("The ledger is valid: no problems found.");
    } else {
        let mut text = String::new();
        for f in &findings {
            text.push_str(&format!(
                "{}:{}:{}: {}: {}\n  hint: {}\n",
                f.file,
                f.line,
                f.column,
                kind_label(f.kind),
                f.message,
                f.hint
            ));
        }
        ctx.ui.out(&text)?;
        ctx.ui.status(&format!(
            "{} {} found.",
            findings.len(),
            if findings.len() == 1 {
                "problem"
            } else {
                "problems"
            }
        ));
    }
    if findings.is_empty() {
        Ok(())
    } else {
        // Exit 1 with nothing more to print: the findings are the message.
        Err(CliError::quiet_failure())
    }
}

fn check_entries(
    ledger: &Ledger,
    framework: &crate::framework::Framework,
    ctx: &Ctx,
) -> Result<Vec<Finding>, CliError> {
    let mut contents = Vec::new();
    let refused = ledger::store::read_each(ledger.root(), ledger.git_dir(), |rel, bytes| {
        contents.push((rel.to_string(), bytes.to_vec()));
    })?;
    let mut findings = check::check_ledger(
        contents
            .iter()
            .map(|(rel, bytes)| (rel.as_str(), bytes.as_slice())),
        framework,
        ctx.today,
    );
    findings.extend(
        refused
            .iter()
            .filter_map(|b| Some(check::skipped(&b.path, b.refusal?))),
    );
    findings.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(findings)
}

/// A broken framework file, filed under that file (at its line and column
/// where the parser knows them), not under cv.toml.
fn framework_finding(ledger: &Ledger, e: &LedgerError) -> Finding {
    use crate::framework::FrameworkError;
    let file = ledger
        .config()
        .framework
        .path
        .clone()
        .unwrap_or_else(|| ledger::CONFIG_FILE.to_string());
    let (line, column, message) = match e {
        LedgerError::Framework(FrameworkError::Parse {
            line,
            column,
            message,
            ..
        }) => (*line, *column, message.clone()),
        LedgerError::Framework(FrameworkError::DuplicateSlug {
            line,
            column,
            slug,
            id,
            first,
            ..
        }) => (
            *line,
            *column,
            format!("slug '{slug}' of {id} is already the slug of {first}"),
        ),
        LedgerError::Framework(FrameworkError::Invalid { message, .. }) => (1, 1, message.clone()),
        other => (1, 1, other.to_string()),
    };
    Finding {
        file,
        line,
        column,
        kind: Kind::Config,
        message,
        hint: "fix the framework file named in cv.toml [framework] path (docs/framework.md has its schema)".to_string(),
    }
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Parse => "parse error",
        Kind::Config => "config error",
        Kind::UnknownSignal => "unknown signal",
        Kind::AmbiguousSignal => "ambiguous signal",
        Kind::DuplicateId => "duplicate id",
        Kind::IdMismatch => "id mismatch",
        Kind::IdDate => "id date",
        Kind::WrongFolder => "wrong folder",
        Kind::FutureDate => "future date",
        Kind::EarlyDate => "date before 1970",
        Kind::BadMetric => "bad metric",
        Kind::MisplacedPrivate => "misplaced private",
        Kind::BadLink => "bad link",
        Kind::Skipped => "skipped",
    }
}
