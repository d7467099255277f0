//! The promotion packet as Markdown, to paste into a self-review: each item
//! with the entries behind it and every link as a Markdown link, the gaps
//! with the framework's questions and habits, and how readiness was
//! computed. Layout only: every sentence comes from the packet.

use std::fmt::Write;

use super::packet::{Cited, Packet, evidence_line};
use crate::links::Link;
use crate::readiness::Status;

/// Renders the packet.
pub fn render(p: &Packet) -> String {
    let r = &p.report.readiness;
    let mut out = String::new();
    let _ = writeln!(out, "# Promotion packet: {}", text(&p.title));
    let who = if p.report.name.is_empty() {
        String::new()
    } else {
        format!("{} · ", text(&p.report.name))
    };
    let _ = write!(
        out,
        "\n{who}evidence from {} to {} · {} {} considered",
        r.since,
        r.until,
        r.entries_considered,
        if r.entries_considered == 1 {
            "entry"
        } else {
            "entries"
        }
    );
    if p.report.private_left_out > 0 {
        let _ = write!(
            out,
            " ({} private {} left out)",
            p.report.private_left_out,
            if p.report.private_left_out == 1 {
                "entry"
            } else {
                "entries"
            }
        );
    }
    if p.report.due_for_remeasure > 0 {
        let _ = write!(
            out,
            " · {} due for re-measurement",
            p.report.due_for_remeasure
        );
    }
    let _ = writeln!(out, "\n\n**{}**", p.verdict);
    if let Some(sentence) = super::proof_check(&p.report) {
        let _ = writeln!(out, "\n{}", text(&sentence));
    }

    for section in &p.sections {
        let _ = writeln!(out, "\n## {}", text(&section.heading));
        for c in &section.items {
            let mark = match c.status {
                Status::Proven if c.sustained => "✅",
                Status::Proven => "☑️",
                Status::Thin => "⚠️",
                Status::Missing => "⬜",
            };
            let _ = writeln!(out, "\n### {mark} {}\n", text(&c.text));
            let _ = writeln!(out, "`{}` · {}", c.id, evidence_line(c));
            let cited: Vec<&Cited> = c
                .entries
                .iter()
                .filter_map(|id| p.entries.get(id))
                .collect();
            if !cited.is_empty() {
                out.push('\n');
            }
            for e in cited {
                entry(&mut out, e);
            }
        }
    }

    if !r.gaps.is_empty() {
        let _ = writeln!(out, "\n## Closing the gaps\n");
        for gap in r.signals.iter().filter(|c| !c.covered) {
            let _ = writeln!(out, "- {} (`{}`)", text(&gap.text), gap.id);
        }
        if !p.report.advice.questions.is_empty() {
            let _ = writeln!(out, "\nQuestions to ask yourself:\n");
            for q in &p.report.advice.questions {
                let _ = writeln!(out, "- {}", text(&q.text));
            }
        }
        if !p.report.advice.habits.is_empty() {
            let _ = writeln!(out, "\nHabits to build:\n");
            for h in &p.report.advice.habits {
                let _ = writeln!(out, "- {}", text(&h.text));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n## How readiness is computed\n\n{}",
        p.report.explanation
    );
    out
}

/// One cited entry: title and date, who it helped, the outcome, metrics,
/// and every link.
fn entry(out: &mut String, e: &Cited) {
    let private = if e.private { " — private" } else { "" };
    let _ = writeln!(out, "- **{}** ({}){private}", text(&e.title), e.date);
    if let Some(customer) = &e.customer {
        let _ = writeln!(out, "  - For: {}", text(customer));
    }
    if let Some(outcome) = &e.outcome {
        let _ = writeln!(out, "  - Outcome: {}", text(outcome));
    }
    for m in &e.metrics {
        let _ = writeln!(out, "  - {}", text(&m.describe()));
    }
    for link in &e.links {
        let _ = writeln!(out, "  - {}", link_md(link));
    }
}

/// A link as Markdown: a commit as its forge's commit page where the forge
/// is known, else the short SHA and the repository.
fn link_md(link: &Link) -> String {
    let summary = match link {
        Link::Commit { summary, .. } | Link::Pr { summary, .. } | Link::Url { summary, .. } => {
            summary
                .as_deref()
                .map(|s| format!(" — {}", text(s)))
                .unwrap_or_default()
        }
    };
    let label = match link {
        Link::Commit { sha, .. } => format!("commit {}", sha.chars().take(7).collect::<String>()),
        // A bare URL's summary names it better than the URL itself.
        Link::Url {
            summary: Some(s), ..
        } => {
            return match link.web_url() {
                Some(url) => format!("[{}]({})", text(s), url_md(&url)),
                None => text(s),
            };
        }
        _ => link.label(),
    };
    match (link, link.web_url()) {
        (_, Some(url)) => format!("[{}]({}){summary}", text(&label), url_md(&url)),
        (Link::Commit { repo, .. }, None) => format!("{} in {}{summary}", text(&label), text(repo)),
        (_, None) => format!("{}{summary}", text(&label)),
    }
}

/// User text made inert for Markdown: every character that is markup
/// anywhere in a line (emphasis, code, links, raw HTML, tables) is escaped,
/// and line breaks become spaces, so an entry's text can never start a
/// heading or a list of its own. The packet's own sentences are not passed
/// through it.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            // All user text sits inline, after a marker: only what is markup
            // anywhere in a line needs escaping (with `]` escaped, no `](`
            // can form a link).
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URL inside `(...)`: parentheses and spaces, which would end it, are
/// percent-encoded, and control characters dropped.
fn url_md(url: &str) -> String {
    let url: String = url.chars().filter(|c| !c.is_control()).collect();
    url.replace('(', "%28")
        .replace(')', "%29")
        .replace(' ', "%20")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_start_markup() {
        assert_eq!(text("[x](y) <b> *z*"), "\\[x\\](y) \\<b\\> \\*z\\*");
        assert_eq!(text("a\nb"), "a b");
        assert_eq!(
            url_md("https://x.example/a(b) c"),
            "https://x.example/a%28b%29%20c"
        );
    }
}
