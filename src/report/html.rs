//! The promotion packet as one self-contained HTML page, to show a manager:
//! the figures and the verdict, a coverage chart per section and a timeline
//! of entries per month (inline SVG), then the packet's content, with the
//! style sheet inlined and a print block so it prints to PDF.
//!
//! The page loads nothing: no script, font, image or style sheet from
//! anywhere, and its Content-Security-Policy tells the browser to refuse any
//! that slipped in. The only addresses in it are the entries' own links,
//! which a reader follows and the page never fetches.
//!
//! Layout only: every sentence comes from the packet. maud escapes every
//! value it interpolates, so no text is escaped by hand here.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::packet::{Cited, Packet, evidence_line};
use crate::content;
use crate::links::Link;
use crate::readiness::{Coverage, Status};

/// Nothing from anywhere, except the page's own inline style: a page that
/// tried to load a script, a font or an image would be refused by the
/// browser before any request left the machine.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Width of every chart's coordinate space; the page scales it to fit.
const WIDTH: f64 = 760.0;

/// Renders the packet.
pub fn render(p: &Packet) -> String {
    let r = &p.report.readiness;
    let title = format!("Promotion packet: {}", p.title);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                meta name="generator" content=(concat!("cv ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                // A constant of this crate, not user text; inside <style>
                // entity escapes would not be decoded.
                style { (PreEscaped(content::REPORT_CSS)) }
            }
            body {
                main {
                    header {
                        p.eyebrow { "Promotion packet · " (p.report.framework) }
                        h1 { (p.title) }
                        p.meta { (byline(p)) }
                    }
                    (summary(p))
                    section.charts {
                        h2 { "Coverage at a glance" }
                        (legend())
                        // The counted items, then the timeline, then the
                        // next level: on paper, the first page holds the
                        // figure and the two charts it rests on.
                        @let scale = chart_scale(p);
                        @for (i, section) in p.sections.iter().enumerate() {
                            figure {
                                figcaption { (section.heading) }
                                (coverage_chart(&section.heading, &section.items, scale))
                            }
                            @if i == 0 {
                                figure {
                                    figcaption { "Entries per month" }
                                    (timeline(p))
                                    p.caption { (timeline_caption(p)) }
                                }
                            }
                        }
                    }
                    @for section in &p.sections {
                        section.evidence {
                            h2 { (section.heading) }
                            @for c in &section.items {
                                (item(p, c))
                            }
                        }
                    }
                    @if !r.gaps.is_empty() {
                        (gaps(p))
                    }
                    section.how {
                        h2 { "How readiness is computed" }
                        p { (p.report.explanation) }
                    }
                    footer {
                        "Made with cv " (env!("CARGO_PKG_VERSION")) ", a git-native evidence ledger. Framework: "
                        (p.report.framework) "."
                    }
                }
            }
        }
    }
    .into_string()
}

/// Who, which window, how many entries (and how many private ones were
/// left out).
fn byline(p: &Packet) -> String {
    let r = &p.report.readiness;
    let mut line = String::new();
    if !p.report.name.is_empty() {
        line.push_str(&p.report.name);
        line.push_str(" · ");
    }
    line.push_str(&format!(
        "evidence from {} to {} · {} {} considered",
        r.since,
        r.until,
        r.entries_considered,
        plural(r.entries_considered, "entry", "entries")
    ));
    let private = p.report.private_left_out;
    if private > 0 {
        line.push_str(&format!(
            " ({private} private {} left out)",
            plural(private, "entry", "entries")
        ));
    }
    let due = p.report.due_for_remeasure;
    if due > 0 {
        line.push_str(&format!(" · {due} due for re-measurement"));
    }
    line
}

/// The figures, then the verdict. The percentage is shown only where the
/// report states a verdict (SPEC §5: on too little evidence, no figure in
/// words, only the evidence and the gaps).
fn summary(p: &Packet) -> Markup {
    let r = &p.report.readiness;
    let sustained = r.signals.iter().filter(|c| c.sustained).count();
    html! {
        section.summary {
            div.stats {
                @if r.verdict {
                    div.stat { b { (format!("{}%", (r.readiness * 100.0).round())) } span { "readiness" } }
                }
                div.stat { b { (r.covered) " of " (r.total) } span { "evidenced" } }
                div.stat { b { (sustained) } span { "sustained" } }
            }
            // The figure is in the tiles: under them, the sentence alone
            // (or, on too little evidence, the packet's whole line).
            p.verdict { (super::verdict(&p.report).unwrap_or_else(|| p.verdict.clone())) }
            @if let Some(sentence) = super::proof_check(&p.report) {
                p.verified { (sentence) }
            }
        }
    }
}

/// What the marks in every chart mean.
fn legend() -> Markup {
    html! {
        ul.legend {
            li { svg aria-hidden="true" viewBox="0 0 22 12" { rect.proven x="0" y="1" width="22" height="10" rx="2" {} } "proven: an entry with a link or metric" }
            li { svg aria-hidden="true" viewBox="0 0 22 12" { rect.claimed x="0" y="1" width="22" height="10" rx="2" {} } "claimed: listed, no link or metric" }
            li { svg aria-hidden="true" viewBox="0 0 22 12" { rect.empty x="1" y="1.5" width="20" height="9" rx="2" {} } "missing: no entry" }
            li { svg aria-hidden="true" viewBox="0 0 22 12" { circle.dot cx="11" cy="6" r="4.5" {} } "sustained: proven in 2+ months" }
            li { svg aria-hidden="true" viewBox="0 0 22 12" { circle.dot.once cx="11" cy="6" r="4.5" {} } "shown once" }
        }
    }
}

/// Entries per bar-chart unit: the most any item has, and at least 3 so
/// that one entry is not drawn as a full bar. Shared by every section, so
/// bars compare across them.
fn chart_scale(p: &Packet) -> usize {
    p.sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|c| c.evidence)
        .max()
        .unwrap_or(0)
        .max(3)
}

/// One section's items as horizontal bars: the item's wording on top, then
/// a track with a bar for proven entries and one for claimed-only ones (an
/// empty, dashed track when missing), then what it amounts to, with a filled
/// dot when sustained and a hollow one when shown once.
fn coverage_chart(heading: &str, items: &[Coverage], scale: usize) -> Markup {
    const LINE: f64 = 17.0;
    const BAR: f64 = 14.0;
    const TRACK: f64 = 400.0;
    const NOTE_X: f64 = TRACK + 16.0;
    let unit = TRACK / scale as f64;
    let mut y = 4.0;
    let mut rows = Vec::with_capacity(items.len());
    for c in items {
        let lines = wrap(&c.text, 100);
        let bar_y = y + lines.len() as f64 * LINE + 5.0;
        rows.push((c, y, lines, bar_y));
        y = bar_y + BAR + 18.0;
    }
    let axis_y = y - 6.0;
    let height = axis_y + 18.0;
    let step = scale.div_ceil(10);
    html! {
        svg.chart role="img" aria-label=(format!("Coverage chart: {heading}"))
            viewBox=(format!("0 0 {WIDTH} {}", num(height))) width=(WIDTH) height=(num(height)) {
            title { (format!("Coverage: {heading}")) }
            @for (c, top, lines, bar_y) in &rows {
                g {
                    text.label x="0" y=(num(top + 13.0)) {
                        @for (i, line) in lines.iter().enumerate() {
                            tspan x="0" dy=(if i == 0 { "0" } else { "17" }) { (line) }
                        }
                    }
                    rect class=(if c.status == Status::Missing { "track empty" } else { "track" })
                        x="0.5" y=(num(*bar_y)) width=(TRACK - 1.0) height=(BAR) rx="3" {}
                    @if c.proven > 0 {
                        rect.proven x="0" y=(num(*bar_y)) width=(num(c.proven as f64 * unit)) height=(BAR) rx="2" {}
                    }
                    @if c.evidence > c.proven {
                        rect.claimed x=(num(c.proven as f64 * unit)) y=(num(*bar_y))
                            width=(num((c.evidence - c.proven) as f64 * unit)) height=(BAR) rx="2" {}
                    }
                    // One block per entry, where blocks are wide enough to see.
                    @if unit >= 8.0 {
                        @for k in 1..c.evidence {
                            line.unit x1=(num(k as f64 * unit)) x2=(num(k as f64 * unit))
                                y1=(num(*bar_y)) y2=(num(bar_y + BAR)) {}
                        }
                    }
                    @if c.status == Status::Proven {
                        circle class=(if c.sustained { "dot" } else { "dot once" })
                            cx=(num(NOTE_X + 5.0)) cy=(num(bar_y + BAR / 2.0)) r="4.5" {}
                    }
                    text.note x=(num(NOTE_X + 16.0)) y=(num(bar_y + 11.0)) { (bar_note(c)) }
                }
            }
            g {
                @for k in (0..=scale).step_by(step) {
                    line.grid x1=(num(k as f64 * unit)) x2=(num(k as f64 * unit))
                        y1=(num(axis_y - 4.0)) y2=(num(axis_y)) {}
                    text.axis x=(num(k as f64 * unit)) y=(num(axis_y + 12.0))
                        text-anchor=(if k == 0 { "start" } else { "middle" }) { (k) }
                }
                text.axis x=(num(TRACK + 16.0)) y=(num(axis_y + 12.0)) { "entries" }
            }
        }
    }
}

/// The words beside a bar.
fn bar_note(c: &Coverage) -> String {
    let claimed = c.evidence - c.proven;
    match c.status {
        Status::Proven => {
            let mut note = format!("{} proven", c.proven);
            if claimed > 0 {
                note.push_str(&format!(" + {claimed} claimed"));
            }
            if c.sustained {
                note.push_str(&format!(" · sustained, {} months", c.months));
            } else {
                note.push_str(" · shown once");
            }
            note
        }
        Status::Thin => format!("{claimed} claimed, no link or metric"),
        Status::Missing => "missing: no entry yet".to_string(),
    }
}

/// The cited entries per calendar month over the whole window, those with
/// proof at the bottom of each bar.
fn timeline(p: &Packet) -> Markup {
    let r = &p.report.readiness;
    let months = months_between(r.since, r.until);
    let mut counts: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
    for e in p.entries.values() {
        let slot = counts.entry((e.date.year(), e.date.month())).or_default();
        if e.links.is_empty() && e.metrics.is_empty() {
            slot.1 += 1;
        } else {
            slot.0 += 1;
        }
    }
    let count = |m: &(i32, u32)| counts.get(m).copied().unwrap_or_default();
    let most = months
        .iter()
        .map(|m| {
            let (a, b) = count(m);
            a + b
        })
        .max()
        .unwrap_or(0)
        .max(2);
    let tick = most.div_ceil(4);
    let top_value = most.div_ceil(tick) * tick;
    let (left, right, top, bottom) = (34.0, WIDTH - 8.0, 20.0, 150.0);
    let height = bottom + 40.0;
    let slot = (right - left) / months.len().max(1) as f64;
    let bar = (slot * 0.62).min(40.0);
    let y_of = |v: usize| bottom - (bottom - top) * v as f64 / top_value as f64;
    let label_every = months.len().div_ceil(13).max(1);
    html! {
        svg.chart role="img" aria-label="Timeline: entries per month"
            viewBox=(format!("0 0 {WIDTH} {}", num(height))) width=(WIDTH) height=(num(height)) {
            title { "Entries per month" }
            @for v in (0..=top_value).step_by(tick) {
                line.grid x1=(num(left)) x2=(num(right)) y1=(num(y_of(v))) y2=(num(y_of(v))) {}
                text.axis x=(num(left - 8.0)) y=(num(y_of(v) + 4.0)) text-anchor="end" { (v) }
            }
            @for (i, m) in months.iter().enumerate() {
                @let (proven, claimed) = count(m);
                @let x = left + slot * i as f64 + (slot - bar) / 2.0;
                @let mid = left + slot * (i as f64 + 0.5);
                g {
                    @if proven > 0 {
                        rect.proven x=(num(x)) y=(num(y_of(proven))) width=(num(bar))
                            height=(num(bottom - y_of(proven))) {}
                    }
                    @if claimed > 0 {
                        rect.claimed x=(num(x)) y=(num(y_of(proven + claimed))) width=(num(bar))
                            height=(num(y_of(proven) - y_of(proven + claimed))) {}
                    }
                    // Counts only where they fit over their bar.
                    @if proven + claimed > 0 && slot >= 18.0 {
                        text.axis x=(num(mid)) y=(num(y_of(proven + claimed) - 5.0)) text-anchor="middle" {
                            (proven + claimed)
                        }
                    }
                    @if i % label_every == 0 {
                        text.axis x=(num(mid)) y=(num(bottom + 16.0)) text-anchor="middle" { (month_name(m.1)) }
                        @if i == 0 || m.1 == 1 {
                            text.axis x=(num(mid)) y=(num(bottom + 30.0)) text-anchor="middle" { (m.0) }
                        }
                    }
                }
            }
        }
    }
}

/// Which entries the timeline counts, against all the window holds.
fn timeline_caption(p: &Packet) -> String {
    let r = &p.report.readiness;
    let cited = p.entries.len();
    let base =
        "Counted by the month of their date; green have a link or a metric, amber have neither.";
    if r.entries_considered == 0 {
        "No entry falls in the window.".to_string()
    } else if cited == r.entries_considered {
        match cited {
            1 => format!("The one entry in the window. {base}"),
            n => format!("All {n} entries in the window. {base}"),
        }
    } else {
        format!(
            "The {cited} {} the items above cite, of {} in the window. {base}",
            plural(cited, "entry", "entries"),
            r.entries_considered
        )
    }
}

/// One framework item: its state, its wording, what the evidence amounts
/// to, and the entries behind it.
fn item(p: &Packet, c: &Coverage) -> Markup {
    let (class, badge) = match c.status {
        Status::Proven if c.sustained => ("proven", "Proven · sustained"),
        Status::Proven => ("proven", "Proven · shown once"),
        Status::Thin => ("thin", "Claimed, no proof"),
        Status::Missing => ("missing", "Missing"),
    };
    let cited: Vec<&Cited> = c
        .entries
        .iter()
        .filter_map(|id| p.entries.get(id))
        .collect();
    html! {
        article class=(format!("item {class}")) {
            // Kept together and with the first entry on paper; a long item
            // may break between its entries.
            div.head {
                header {
                    span class=(format!("badge {class}")) { (badge) }
                    h3 { (c.text) }
                }
                p.line { code { (c.id) } " · " (with_code(&evidence_line(c))) }
            }
            @if !cited.is_empty() {
                ul.entries {
                    @for e in cited { (entry(e)) }
                }
            }
        }
    }
}

/// One cited entry: title and date, who it helped, the outcome, metrics as
/// "before → after unit", and every link.
fn entry(e: &Cited) -> Markup {
    let details =
        e.customer.is_some() || e.outcome.is_some() || !e.metrics.is_empty() || !e.links.is_empty();
    html! {
        li.entry {
            strong { (e.title) }
            span.when { (e.date) }
            @if e.private {
                span.when { " · private" }
            }
            @if details {
                dl {
                    @if let Some(customer) = &e.customer {
                        dt { "For" } dd { (customer) }
                    }
                    @if let Some(outcome) = &e.outcome {
                        dt { "Outcome" } dd { (outcome) }
                    }
                    @if !e.metrics.is_empty() {
                        dt { "Metrics" }
                        dd { ul { @for m in &e.metrics { li { (m.describe()) } } } }
                    }
                    @if !e.links.is_empty() {
                        dt { "Proof" }
                        dd { ul { @for l in &e.links { li { (link(l)) } } } }
                    }
                }
            }
        }
    }
}

/// A link as the Markdown packet writes it: a commit as its forge's commit
/// page where the forge is known, else the short SHA and the repository; a
/// URL with a summary under that summary.
fn link(l: &Link) -> Markup {
    let summary = match l {
        Link::Commit { summary, .. } | Link::Pr { summary, .. } | Link::Url { summary, .. } => {
            summary.as_deref()
        }
    };
    let href = l.web_url().filter(|u| is_web(u));
    let (label, note) = match l {
        Link::Commit { sha, .. } => (
            format!("commit {}", sha.chars().take(7).collect::<String>()),
            summary,
        ),
        // A bare URL's summary names it better than the URL itself.
        Link::Url {
            summary: Some(s), ..
        } => (s.clone(), None),
        _ => (l.label(), summary),
    };
    html! {
        @match &href {
            Some(url) => a href=(url) rel="noreferrer" { (label) },
            None => (label),
        }
        @if let (Link::Commit { repo, .. }, None) = (l, &href) {
            " in " code { (repo) }
        }
        @if let Some(note) = note {
            " — " (note)
        }
    }
}

/// The gaps, with the framework's questions and habits for them.
fn gaps(p: &Packet) -> Markup {
    let r = &p.report.readiness;
    let advice = &p.report.advice;
    html! {
        section.gaps {
            h2 { "Closing the gaps" }
            ul {
                @for gap in r.signals.iter().filter(|c| !c.covered) {
                    li { strong { (gap.text) } br; code { (gap.id) } " · " (with_code(&evidence_line(gap))) }
                }
            }
            @if !advice.questions.is_empty() {
                h3 { "Questions to ask yourself" }
                ul { @for q in &advice.questions { li { (q.text) } } }
            }
            @if !advice.habits.is_empty() {
                h3 { "Habits to build" }
                ul { @for h in &advice.habits { li { (h.text) } } }
            }
        }
    }
}

/// A packet sentence with its `backticked` spans (commands, ids) as code.
fn with_code(sentence: &str) -> Markup {
    html! {
        @for (i, part) in sentence.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// True for an http(s) address: only those become a link, so a hand-edited
/// entry cannot put a `javascript:` or `file:` address into the page.
fn is_web(address: &str) -> bool {
    url::Url::parse(address).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// Every calendar month the window touches, oldest first.
fn months_between(since: NaiveDate, until: NaiveDate) -> Vec<(i32, u32)> {
    let mut months = Vec::new();
    let (mut year, mut month) = (since.year(), since.month());
    while (year, month) <= (until.year(), until.month()) {
        months.push((year, month));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    months
}

fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    NAMES
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("")
}

/// Splits text into lines of at most `width` characters, at spaces (a word
/// longer than that gets a line of its own): SVG text does not wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A coordinate with at most one decimal, and none when whole.
fn num(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::Entry;
    use crate::framework::Framework;
    use crate::level::LevelId;
    use crate::readiness::{Evidence, Window};
    use crate::report::{Options, build};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn entry(id: &str, title: &str, date: &str, signal: &str, links: Vec<Link>) -> Entry {
        Entry {
            id: id.into(),
            title: title.into(),
            date: day(date),
            signals: vec![signal.into()],
            tags: vec![],
            customer: Some("Shops & <friends>".into()),
            problem: None,
            outcome: None,
            notes: None,
            remeasure: None,
            private: false,
            metrics: vec![],
            links,
        }
    }

    fn packet(entries: Vec<Entry>) -> Packet {
        let fw = Framework::builtin().expect("builtin");
        let evidence: Vec<Evidence> = entries.iter().cloned().map(Evidence::from).collect();
        let report = build(
            &fw,
            &evidence,
            &Options {
                from: LevelId::Mid,
                to: Some(LevelId::Senior),
                window: Window::year_ending(day("2026-11-22")),
                include_private: false,
                name: "Ada <Example>".into(),
            },
        );
        Packet::build(report, entries)
    }

    #[test]
    fn user_text_is_escaped_and_only_web_addresses_are_links() {
        let p = packet(vec![
            entry(
                "a",
                "<script>alert(1)</script>",
                "2026-10-01",
                "mid.signal.defines-success-criteria",
                vec![
                    Link::Url {
                        url: "javascript:alert(1)".into(),
                        summary: Some("sneaky".into()),
                    },
                    Link::Pr {
                        url: "https://github.com/acme/shop/pull/7?a=1&b=\"2\"".into(),
                        summary: None,
                    },
                ],
            ),
            entry(
                "b",
                "Claimed only",
                "2026-09-01",
                "mid.signal.prioritizes-by-customer-impact",
                vec![],
            ),
        ]);
        let page = render(&p);
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("Shops &amp; &lt;friends&gt;"));
        assert!(page.contains("Ada &lt;Example&gt;"));
        assert!(!page.contains("href=\"javascript:"), "{page}");
        assert!(page.contains("sneaky"));
        assert!(
            page.contains("href=\"https://github.com/acme/shop/pull/7?a=1&amp;b=&quot;2&quot;\"")
        );
        // Every state is drawn and named.
        assert!(page.contains("class=\"proven\""));
        assert!(page.contains("class=\"claimed\""));
        assert!(page.contains("track empty"));
        assert!(page.contains("Proven · shown once"));
        assert!(page.contains("Claimed, no proof"));
        assert!(page.contains("Closing the gaps"));
    }

    #[test]
    fn the_page_loads_nothing() {
        let p = packet(vec![entry(
            "a",
            "Thing",
            "2026-10-01",
            "mid.signal.defines-success-criteria",
            vec![Link::Commit {
                repo: "https://github.com/acme/shop".into(),
                sha: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
                summary: None,
            }],
        )]);
        let page = render(&p).to_ascii_lowercase();
        for banned in [
            "<script", "<link", "<img", "<iframe", "@import", "url(", " src=",
        ] {
            assert!(!page.contains(banned), "the page holds {banned}");
        }
        assert!(page.contains(
            "href=\"https://github.com/acme/shop/commit/9fceb02d0ae598e95dc970b74767f19372d61af8\""
        ));
    }

    #[test]
    fn the_timeline_spans_every_month_of_the_window() {
        let months = months_between(day("2025-11-23"), day("2026-11-22"));
        assert_eq!(months.len(), 13);
        assert_eq!(months.first(), Some(&(2025, 11)));
        assert_eq!(months.last(), Some(&(2026, 11)));
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.25), "2.3");
    }
}
