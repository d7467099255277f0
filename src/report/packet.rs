//! The promotion packet: the report plus the entries its coverage cites,
//! and the sentences every format shows, so that a renderer only lays out.
//!
//! The figures are computed from a small record per entry (it is why a
//! report over 100,000 entries fits in 21 MB); only the entries an item
//! cites are read in full, into [`Cited`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Report;
use crate::entry::{Entry, Metric};
use crate::links::Link;
use crate::readiness::{Coverage, Status};

/// An entry as the packet shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    /// The entry's id.
    pub id: String,
    /// What was shipped.
    pub title: String,
    /// When it reached the customer.
    pub date: NaiveDate,
    /// Who it helped.
    pub customer: Option<String>,
    /// The measured outcome.
    pub outcome: Option<String>,
    /// Measurements.
    pub metrics: Vec<Metric>,
    /// The proof.
    pub links: Vec<Link>,
    /// Marked private (shown only with `--include-private`, and marked).
    pub private: bool,
}

impl From<Entry> for Cited {
    fn from(e: Entry) -> Cited {
        Cited {
            id: e.id,
            title: e.title,
            date: e.date,
            customer: e.customer,
            outcome: e.outcome,
            metrics: e.metrics,
            links: e.links,
            private: e.private,
        }
    }
}

/// A section of items with a heading.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// The heading, in words.
    pub heading: String,
    /// The items, with their coverage.
    pub items: Vec<Coverage>,
}

/// Everything the Markdown (and later HTML) packet shows.
#[derive(Debug, Clone, Serialize)]
pub struct Packet {
    /// The report the figures come from.
    pub report: Report,
    /// The title line: `Mid-Level Engineer → Senior Engineer`.
    pub title: String,
    /// The readiness sentence, or the "too little to judge" one.
    pub verdict: String,
    /// The basis items, then the next level's behaviours and indicators.
    pub sections: Vec<Section>,
    /// The entries the sections cite, by id.
    pub entries: BTreeMap<String, Cited>,
}

impl Packet {
    /// The ids of every entry the report's coverage cites: the entries to
    /// read in full.
    pub fn cited_ids(report: &Report) -> Vec<String> {
        let r = &report.readiness;
        let mut ids: Vec<String> = r
            .signals
            .iter()
            .chain(&r.behaviors)
            .chain(&r.indicators)
            .flat_map(|c| c.entries.iter().cloned())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Assembles the packet from the report and the cited entries.
    pub fn build(report: Report, cited: impl IntoIterator<Item = Entry>) -> Packet {
        let r = &report.readiness;
        let title = match &report.to_name {
            Some(to) => format!("{} → {to}", report.from_name),
            None => format!("{} (the top level)", report.from_name),
        };
        let verdict = match super::verdict(&report) {
            Some(sentence) => format!(
                "Readiness {}% ({} of {} evidenced). {sentence}",
                (r.readiness * 100.0).round(),
                r.covered,
                r.total
            ),
            None => format!(
                "{} in the window: too little to judge, so here are the evidence and the gaps ({} of {} evidenced so far).",
                match r.entries_considered {
                    0 => "No entry".to_string(),
                    1 => "Only 1 entry".to_string(),
                    n => format!("Only {n} entries"),
                },
                r.covered,
                r.total
            ),
        };
        let basis = match r.basis {
            crate::readiness::Basis::Signals => {
                format!("Signals you're ready to level up ({})", report.from_name)
            }
            crate::readiness::Basis::TargetIndicators => format!(
                "Success indicators ({})",
                report.to_name.as_deref().unwrap_or(&report.from_name)
            ),
            crate::readiness::Basis::OwnIndicators => {
                format!("Success indicators ({})", report.from_name)
            }
        };
        let mut sections = vec![Section {
            heading: basis,
            items: r.signals.clone(),
        }];
        if let Some(to) = &report.to_name {
            let mut next = r.behaviors.clone();
            next.extend(r.indicators.iter().cloned());
            sections.push(Section {
                heading: format!("Already operating at the next level ({to})"),
                items: next,
            });
        }
        let entries = cited
            .into_iter()
            .map(|e| (e.id.clone(), Cited::from(e)))
            .collect();
        Packet {
            report,
            title,
            verdict,
            sections,
            entries,
        }
    }
}

/// What an item's evidence amounts to, in words, for every format.
pub fn evidence_line(c: &Coverage) -> String {
    let span = match (c.first, c.last) {
        (Some(first), Some(last)) if first != last => format!(", {first} to {last}"),
        (Some(day), _) => format!(", {day}"),
        _ => String::new(),
    };
    match c.status {
        Status::Proven => format!(
            "proven by {} of {} {}, in {} {}{span}{}",
            c.proven,
            c.evidence,
            if c.evidence == 1 { "entry" } else { "entries" },
            c.months,
            if c.months == 1 { "month" } else { "months" },
            if c.sustained {
                ", sustained"
            } else {
                ": shown once, not yet sustained"
            }
        ),
        Status::Thin => format!(
            "claimed by {} {} with no link or metric{span}: add proof with `cv link`",
            c.evidence,
            if c.evidence == 1 { "entry" } else { "entries" }
        ),
        Status::Missing => "no entry yet".to_string(),
    }
}

impl Packet {
    /// The packet with what identifies customers and work replaced by
    /// stable placeholders, for sharing beyond one's manager: titles,
    /// customers, outcomes and link summaries (free text that may name a
    /// customer), and entry ids (which repeat the title). Dates, metrics,
    /// links and every figure are kept.
    pub fn redact(mut self) -> Packet {
        let names = redact_report(&mut self.report);
        for section in &mut self.sections {
            for c in &mut section.items {
                rename_entries(c, &names);
            }
        }
        let mut customers: BTreeMap<String, String> = BTreeMap::new();
        let entries = std::mem::take(&mut self.entries);
        for (id, mut e) in entries {
            let new_id = names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "entry".to_string());
            e.title = title_placeholder(&new_id);
            e.id = new_id.clone();
            if let Some(customer) = e.customer.take() {
                let next = customers.len();
                let letter = customers
                    .entry(customer)
                    .or_insert_with(|| format!("Customer {}", letter_name(next)));
                e.customer = Some(letter.clone());
            }
            if e.outcome.is_some() {
                e.outcome = Some("(outcome redacted)".to_string());
            }
            for link in &mut e.links {
                match link {
                    Link::Commit { summary, .. }
                    | Link::Pr { summary, .. }
                    | Link::Url { summary, .. } => *summary = None,
                }
            }
            self.entries.insert(new_id, e);
        }
        self
    }
}

/// Replaces the entry ids a report cites with `entry-1`, `entry-2`… (in id
/// order, so the same ledger gives the same names); returns the mapping.
pub fn redact_report(report: &mut Report) -> BTreeMap<String, String> {
    let names: BTreeMap<String, String> = Packet::cited_ids(report)
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, format!("entry-{}", i + 1)))
        .collect();
    let r = &mut report.readiness;
    for c in r
        .signals
        .iter_mut()
        .chain(&mut r.behaviors)
        .chain(&mut r.indicators)
    {
        rename_entries(c, &names);
    }
    // A failing link's entry id repeats its title: named as the packet
    // names it, or not at all.
    if let Some(v) = &mut report.verified {
        for check in &mut v.failing {
            check.entry = names
                .get(&check.entry)
                .cloned()
                .unwrap_or_else(|| "an entry outside this report".to_string());
        }
    }
    names
}

fn rename_entries(c: &mut Coverage, names: &BTreeMap<String, String>) {
    for id in &mut c.entries {
        if let Some(new) = names.get(id) {
            id.clone_from(new);
        }
    }
}

fn title_placeholder(id: &str) -> String {
    format!("Entry {}", id.trim_start_matches("entry-"))
}

/// `A`, `B`, … `Z`, `AA`, `AB`…
fn letter_name(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.insert(0, char::from(b'A' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out
}
