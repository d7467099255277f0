//! comfy-table builders that follow the terminal's width and colour choice.

use comfy_table::{ContentArrangement, Table, presets};

use super::ui::Ui;

/// Returns an empty table styled for this terminal.
pub fn new(ui: &Ui, header: &[&str]) -> Table {
    styled(ui, header, presets::UTF8_FULL_CONDENSED)
}

/// Returns an empty table without borders: for lists that must stay
/// legible at 80 columns, where borders would take a tenth of the width.
pub fn plain(ui: &Ui, header: &[&str]) -> Table {
    let rule = comfy_table::LineStyle::none().fill('─').junction(' ');
    styled(ui, header, presets::NOTHING.header_separator(rule))
}

fn styled(ui: &Ui, header: &[&str], preset: comfy_table::TableStyle) -> Table {
    let mut table = Table::new();
    table.load_style(preset);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    if ui.stdout_is_terminal() {
        if !ui.color() {
            table.force_no_tty();
        }
    } else {
        // Not a terminal: fit COLUMNS if given (tests, `watch`), else 100.
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100);
        table.set_width(width);
        if ui.color() {
            table.enforce_styling();
        }
    }
    table.set_header(header.iter().copied());
    table
}

/// The width output fits: the terminal's, else `COLUMNS`, else 100.
pub fn width(ui: &Ui) -> usize {
    let from_env = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100)
    };
    if ui.stdout_is_terminal() {
        dialoguer::console::Term::stdout()
            .size_checked()
            .map_or_else(from_env, |(_, cols)| usize::from(cols))
    } else {
        from_env()
    }
}

/// Wraps every line of prose in `text` to `width` columns at spaces, keeping
/// its indent (and a list item's `- `) on the lines it continues onto;
/// table lines (drawn with box characters) are left as they are.
pub fn wrap_prose(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let boxed = line.starts_with(['┌', '│', '╞', '├', '└', '╭', '╰']);
        if boxed || line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let bullet = if line.trim_start().starts_with("- ") {
            2
        } else {
            0
        };
        let hang = " ".repeat(indent + bullet);
        let mut current = " ".repeat(indent);
        for word in line.split_whitespace() {
            let used = current.chars().count();
            if !current.trim().is_empty() && used + 1 + word.chars().count() > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = hang.clone();
            } else if !current.trim().is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(current.trim_end());
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Longest text a table cell shows, in characters.
pub const MAX_CELL: usize = 300;

/// Shortens text for a table cell: comfy-table wraps every cell, and a
/// hand-edited entry can hold megabytes in one field (the full text stays
/// available in `cv show` and `--json`).
///
/// Control characters (terminal escapes, carriage returns) are replaced, so
/// a hand-edited entry cannot clear the screen or retitle the terminal, and
/// a line break becomes a space.
pub fn cell(text: &str) -> String {
    let clean = printable(text);
    match clean.char_indices().nth(MAX_CELL) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

/// `text` safe to print: line breaks and tabs become spaces, any other
/// control character `�`, and so do the bidirectional overrides and
/// isolates, which would make a terminal show text in another order than
/// it is (a commit message is anyone's text).
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() || is_bidi_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}
