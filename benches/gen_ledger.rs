//! Deterministic generator of benchmark ledgers (SPEC §7).
//!
//! `cargo run --release --example gen-ledger -- DIR N` writes `cv.toml` and N
//! entries in the SPEC §3 format under DIR, through the same `Entry::to_toml`
//! that `cv log` uses. The same N always gives byte-identical files. It does
//! not commit: the benchmark script does, with the `git` binary.

#![allow(clippy::print_stderr)] // a developer tool: it reports to the terminal directly

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use cv::entry::{Entry, Metric};
use cv::framework::{Framework, ItemKind};
use cv::links::Link;

/// A small linear congruential generator: deterministic with no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const VERBS: &[&str] = &[
    "Cut", "Fix", "Speed up", "Simplify", "Ship", "Rebuild", "Unblock", "Harden",
];
const THINGS: &[&str] = &[
    "checkout latency",
    "invoice exports",
    "search relevance",
    "refund flow",
    "onboarding emails",
    "API rate limits",
    "mobile login",
    "address autofill",
    "status page",
    "billing retries",
];
const WHO: &[&str] = &[
    "EU shoppers",
    "merchants",
    "support agents",
    "API integrators",
    "accountants",
    "new users",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: gen-ledger DIR N");
        return ExitCode::from(2);
    };
    match generate(&PathBuf::from(dir), n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(dir: &std::path::Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let framework = Framework::builtin()?;
    let signals: Vec<String> = framework
        .items()
        .filter(|i| {
            matches!(
                i.kind,
                ItemKind::Signal | ItemKind::Behavior | ItemKind::Indicator
            )
        })
        .map(|i| i.id.clone())
        .collect();
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("cv.toml"),
        "[profile]\nname = \"Bench Mark\"\nemails = [\"bench@example.com\"]\nlevel = \"mid\"\n",
    )?;
    let mut rng = Lcg(42);
    // Entries spread over ten years ending on the fixed benchmark date, so a
    // one-year window holds about a tenth of them.
    let end = NaiveDate::from_ymd_opt(2026, 11, 22).ok_or("bad date")?;
    for i in 0..n {
        let date = end - Days::new(rng.below(3650) as u64);
        let title = format!(
            "{} {} for {} #{i}",
            VERBS[rng.below(VERBS.len())],
            THINGS[rng.below(THINGS.len())],
            WHO[rng.below(WHO.len())]
        );
        let id = format!("{}-{}", date.format("%Y-%m-%d"), cv::entry::slugify(&title));
        let picked = (0..1 + rng.below(3))
            .map(|_| signals[rng.below(signals.len())].clone())
            .collect();
        let before = 10.0 + rng.below(900) as f64;
        let entry = Entry {
            id,
            title,
            date,
            signals: picked,
            tags: vec![["performance", "billing", "support", "api"][rng.below(4)].to_string()],
            customer: Some(WHO[rng.below(WHO.len())].to_string()),
            problem: Some("Customers waited too long and support tickets were rising".to_string()),
            outcome: Some(format!(
                "Down from {before} to {} in four weeks",
                before / 2.0
            )),
            notes: None,
            remeasure: None,
            private: rng.below(20) == 0,
            metrics: if rng.below(3) == 0 {
                vec![]
            } else {
                vec![Metric {
                    name: "p95 latency".into(),
                    before: Some(before),
                    after: Some(before / 2.0),
                    unit: Some("ms".into()),
                }]
            },
            links: if rng.below(4) == 0 {
                vec![]
            } else {
                vec![Link::Commit {
                    repo: "https://github.com/acme/shop".into(),
                    sha: (0..5)
                        .map(|_| format!("{:08x}", rng.next() as u32))
                        .collect(),
                    summary: Some("Change that proves it".into()),
                }]
            },
        };
        let path = dir.join(entry.rel_path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, entry.to_toml())?;
    }
    Ok(())
}
