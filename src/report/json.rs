//! The JSON rendering of a report: the model itself (SPEC §5 shape).

use super::Report;

/// Renders the report as pretty JSON, with a trailing newline.
pub fn render(report: &Report) -> String {
    // Serialising plain data to a String cannot fail: no maps with non-string
    // keys, no custom serialisers that error.
    let mut text =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
