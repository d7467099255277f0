//! `cv report`: readiness as SPEC §5 defines it, the demo, and output files.

use crate::common::TestEnv;

/// A ledger with a proven signal, a claimed-but-unproven one, and a proven
/// one outside the 365-day window.
fn three_kinds_of_evidence(env: &TestEnv) {
    env.init();
    env.cv(&[
        "log",
        "--title",
        "Typo-tolerant search",
        "--date",
        "2026-10-01",
        "--signal",
        "mid.signal.defines-success-criteria",
        "--metric",
        "zero-result searches: 12 -> 4 %",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Invoice timeouts",
        "--date",
        "2026-09-01",
        "--signal",
        "prioritizes-by-customer-impact",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Old alignment work",
        "--date",
        "2025-11-22",
        "--signal",
        "aligns-on-customer-goals",
        "--url",
        "https://wiki.example.com/x",
    ])
    .ok();
}

#[test]
fn readiness_counts_only_proven_signals_inside_the_window() {
    let env = TestEnv::new();
    three_kinds_of_evidence(&env);
    let r = env.cv(&["report", "--json"]).json();
    // 365 days ending today (2026-11-22): 2025-11-23 .. 2026-11-22.
    assert_eq!(r["since"], "2025-11-23");
    assert_eq!(r["until"], "2026-11-22");
    assert_eq!(r["entries_considered"], 2);
    assert_eq!(r["readiness"], 0.33);
    let signal = |id: &str| {
        r["signals"]
            .as_array()
            .expect("array")
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} missing"))
    };
    let proven = signal("mid.signal.defines-success-criteria");
    assert_eq!(
        (
            proven["evidence"].as_u64(),
            proven["proven"].as_u64(),
            proven["covered"].as_bool()
        ),
        (Some(1), Some(1), Some(true))
    );
    assert_eq!(proven["last"], "2026-10-01");
    let claimed = signal("mid.signal.prioritizes-by-customer-impact");
    assert_eq!(
        (
            claimed["evidence"].as_u64(),
            claimed["proven"].as_u64(),
            claimed["covered"].as_bool()
        ),
        (Some(1), Some(0), Some(false))
    );
    assert_eq!(claimed["status"], "thin");
    let outside = signal("mid.signal.aligns-on-customer-goals");
    assert_eq!(
        (outside["evidence"].as_u64(), outside["covered"].as_bool()),
        (Some(0), Some(false))
    );
    assert_eq!(
        r["gaps"],
        serde_json::json!([
            "mid.signal.prioritizes-by-customer-impact",
            "mid.signal.aligns-on-customer-goals"
        ])
    );

    // Widening the window brings the old entry in.
    let wide = env
        .cv(&["report", "--json", "--since", "2025-01-01"])
        .json();
    assert_eq!(wide["readiness"], 0.67);
    assert_eq!(wide["entries_considered"], 3);

    let table = env.cv(&["report"]);
    let text = table.ok();
    assert!(text.contains("Readiness 33% (1 of 3 evidenced)"), "{text}");
    assert!(
        text.contains("not whether you should be promoted"),
        "{text}"
    );
    assert!(text.contains("Questions to ask yourself"), "{text}");
}

#[test]
fn too_few_entries_give_no_verdict_in_words() {
    let env = TestEnv::new();
    env.init();
    env.cv(&[
        "log",
        "--title",
        "One thing",
        "--signal",
        "mid.signal.defines-success-criteria",
        "--metric",
        "x: 1 -> 2",
    ])
    .ok();
    let run = env.cv(&["report"]);
    let text = run.ok();
    assert!(
        text.contains("Only 1 entry in the window: too little to judge"),
        "{text}"
    );
    assert!(
        !text.contains("close the gaps below to complete the case"),
        "{text}"
    );
    // The JSON still carries the figure.
    assert_eq!(env.cv(&["report", "--json"]).json()["readiness"], 0.33);
}

#[test]
fn to_sets_the_target_and_the_level_below_it() {
    let env = TestEnv::new();
    three_kinds_of_evidence(&env);
    let r = env
        .cv(&["report", "--to", "staff", "--format", "json"])
        .json();
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("senior"), Some("staff"))
    );
    assert!(
        r["signals"][0]["id"]
            .as_str()
            .expect("id")
            .starts_with("senior.signal.")
    );
    let err = env
        .cv(&["report", "--to", "early"])
        .fails_with(2)
        .to_string();
    assert!(err.contains("no level below 'early'"), "{err}");
}

#[test]
fn demo_runs_without_a_ledger() {
    let env = TestEnv::new();
    let r = env.cv(&["report", "--demo", "--json"]).json();
    assert_eq!(r["from"], "mid");
    assert_eq!(r["readiness"], 0.67);
    assert_eq!(
        r["gaps"],
        serde_json::json!(["mid.signal.aligns-on-customer-goals"])
    );
    assert!(!env.ledger().exists());
    let table = env.cv(&["report", "--demo"]);
    let text = table.ok();
    assert!(
        text.contains("Promotion readiness: Mid-Level Engineer → Senior Engineer for Ada Example"),
        "{text}"
    );
    assert!(text.contains("1 private left out"), "{text}");
}

#[test]
fn report_out_writes_a_file() {
    let env = TestEnv::new();
    let out = env.root().join("r.json");
    env.cv(&[
        "report",
        "--demo",
        "--format",
        "json",
        "--out",
        out.to_str().expect("utf8"),
    ])
    .ok();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).expect("read")).expect("json");
    assert_eq!(written["to"], "senior");
}

/// SPEC §5 (issue 8, part 2): "a full case" only when every counted item is
/// covered in at least two calendar months; `sustained`, `months` and
/// `first` in the JSON.
#[test]
fn the_verdict_never_claims_more_than_sustained_evidence() {
    let env = TestEnv::new();
    env.init();
    let signals = [
        "mid.signal.defines-success-criteria",
        "mid.signal.prioritizes-by-customer-impact",
        "mid.signal.aligns-on-customer-goals",
    ];
    let log = |title: &str, date: &str, signal: &str| {
        env.cv(&[
            "log",
            "--title",
            title,
            "--date",
            date,
            "--signal",
            signal,
            "--url",
            "https://example.com/proof",
        ])
        .ok();
    };
    for (i, signal) in signals.iter().enumerate() {
        log(&format!("Once {i}"), "2026-10-05", signal);
    }
    let text = env.cv(&["report"]).ok().to_string();
    assert!(
        !text.contains("full case"),
        "one instance each is not a full case:\n{text}"
    );
    assert!(text.contains("3 are shown only in one month"), "{text}");
    assert!(text.contains("would make them sustained"), "{text}");
    let json = env.cv(&["report", "--json"]).json();
    let first = &json["signals"][0];
    assert_eq!(first["sustained"], false);
    assert_eq!(first["months"], 1);
    assert_eq!(first["first"], "2026-10-05");

    for (i, signal) in signals.iter().enumerate() {
        log(&format!("Again {i}"), "2026-11-02", signal);
    }
    let text = env.cv(&["report"]).ok().to_string();
    assert!(
        text.contains("each in at least two months: your ledger makes a full case"),
        "{text}"
    );
    let json = env.cv(&["report", "--json"]).json();
    assert_eq!(json["signals"][0]["sustained"], true);
    assert_eq!(json["signals"][0]["months"], 2);
}

/// Issue 8 (must show, in part): the Markdown packet for a ledger with
/// proven, claimed-only, out-of-window and private evidence.
#[test]
fn the_markdown_packet_cites_its_proof_and_keeps_private_entries_out() {
    let env = TestEnv::new();
    env.init();
    let (repo, sha) = env.work_repo("shop", "Cache tax rules per region");
    env.cv(&[
        "log",
        "--title",
        "Cut checkout latency",
        "--date",
        "2026-10-01",
        "--customer",
        "EU shoppers",
        "--outcome",
        "p95 0.8 s",
        "--metric",
        "p95: 2.1 -> 0.8 s",
        "--signal",
        "mid.signal.defines-success-criteria",
        "--commit",
        "HEAD",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--pr",
        "https://github.com/acme/shop/pull/4312",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Aligned with support",
        "--date",
        "2026-09-01",
        "--signal",
        "mid.signal.aligns-on-customer-goals",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Ancient history",
        "--date",
        "2024-01-01",
        "--signal",
        "mid.signal.prioritizes-by-customer-impact",
        "--url",
        "https://example.com/old",
    ])
    .ok();
    let secret = env
        .cv(&[
            "log",
            "--title",
            "Secret Customer Deal",
            "--date",
            "2026-08-01",
            "--customer",
            "Megacorp",
            "--signal",
            "mid.signal.prioritizes-by-customer-impact",
            "--url",
            "https://example.com/secret",
        ])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{secret}.toml");
    let text = env.read(&rel).replace("date = ", "private = true\ndate = ");
    std::fs::write(env.ledger().join(&rel), text).expect("write");

    let out = env.root().join("packet.md");
    env.cv(&[
        "report",
        "--format",
        "md",
        "--out",
        out.to_str().expect("utf-8"),
    ])
    .ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a packet names customers: owner only");
    }
    let md = std::fs::read_to_string(&out).expect("read");
    // The proven claim carries every link, its metric and who it helped.
    assert!(md.contains("**Cut checkout latency** (2026-10-01)"), "{md}");
    assert!(md.contains("  - For: EU shoppers"), "{md}");
    assert!(md.contains("  - p95: 2.1 s → 0.8 s"), "{md}");
    assert!(
        md.contains(&format!("in {}", repo.display())) || md.contains(&sha[..7]),
        "{md}"
    );
    assert!(
        md.contains("[PR #4312](https://github.com/acme/shop/pull/4312)"),
        "{md}"
    );
    // The claim without proof says so; the out-of-window entry is absent.
    assert!(
        md.contains("claimed by 1 entry with no link or metric"),
        "{md}"
    );
    assert!(!md.contains("Ancient history"), "{md}");
    // Gaps carry the framework's questions and habits; the method closes it.
    assert!(
        md.contains("## Closing the gaps")
            && md.contains("Questions to ask yourself:")
            && md.contains("Habits to build:"),
        "{md}"
    );
    assert!(
        md.contains("## How readiness is computed")
            && md.contains("not whether you should be promoted"),
        "{md}"
    );
    // The private entry is left out, and counted.
    assert!(
        !md.contains("Secret Customer Deal") && !md.contains("Megacorp"),
        "{md}"
    );
    assert!(md.contains("(1 private entry left out)"), "{md}");
    let with = env.cv(&["report", "--format", "md", "--include-private"]);
    assert!(with.ok().contains("Secret Customer Deal"), "{with}");
}

/// A commit on a known forge links its commit page; elsewhere, the short
/// SHA and the repository.
#[test]
fn the_packet_links_commit_pages_only_on_known_forges() {
    let env = TestEnv::new();
    env.init();
    let (repo, sha) = env.work_repo("shop", "Cache tax rules per region");
    env.cv(&[
        "log",
        "--title",
        "On GitHub",
        "--signal",
        "mid.signal.defines-success-criteria",
        "--commit",
        "HEAD",
        "--repo",
        repo.to_str().expect("utf-8"),
    ])
    .ok();
    let md = env.cv(&["report", "--format", "md"]).ok().to_string();
    assert!(
        md.contains(&format!(
            "[commit {}](https://github.com/acme/shop/commit/{sha})",
            &sha[..7]
        )),
        "{md}"
    );
}

/// SPEC §4 `cv due` (issue 8): a remeasure date that has come, or an
/// outcome without a metric older than 30 days; the report mentions them.
#[test]
fn due_lists_what_to_measure_again_and_the_report_says_so() {
    let env = TestEnv::new();
    env.init();
    env.cv(&[
        "log",
        "--title",
        "Asked to be reminded",
        "--date",
        "2026-10-01",
        "--remeasure",
        "2026-11-20",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Told in words",
        "--date",
        "2026-09-01",
        "--outcome",
        "customers happier",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Measured",
        "--date",
        "2026-09-01",
        "--outcome",
        "faster",
        "--metric",
        "p95: 2 -> 1 s",
    ])
    .ok();
    env.cv(&[
        "log",
        "--title",
        "Later",
        "--date",
        "2026-10-01",
        "--remeasure",
        "2026-12-20",
    ])
    .ok();
    let json = env.cv(&["due", "--json"]).json();
    let rows = json.as_array().expect("array");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "2026-09-01-told-in-words",
            "2026-10-01-asked-to-be-reminded"
        ]
    );
    assert_eq!(rows[1]["remeasure"], "2026-11-20");
    assert_eq!(rows[1]["reason"], "remeasure was 2026-11-20");
    // The longest overdue first: due since 30 days after shipping, or since
    // the remeasure date.
    assert_eq!(rows[0]["since"], "2026-10-01");
    assert_eq!(rows[1]["since"], "2026-11-20");
    assert!(
        rows[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("no metric")
    );
    let table = env.cv(&["due"]);
    assert!(table.ok().contains("Told in words"), "{table}");
    let report = env.cv(&["report"]);
    assert!(
        report.ok().contains("2 entries are due for re-measurement"),
        "{report}"
    );
    assert_eq!(env.cv(&["report", "--json"]).json()["due_for_remeasure"], 2);
}

/// Issue 8 (must show): `--redact` output contains no customer name, title,
/// outcome or entry id, and keeps dates, metrics and links.
#[test]
fn redact_keeps_the_proof_and_drops_the_names() {
    let env = TestEnv::new();
    env.init();
    let id = env
        .cv(&[
            "log",
            "--title",
            "Megacorp renewal saved",
            "--date",
            "2026-10-01",
            "--customer",
            "Megacorp Inc",
            "--outcome",
            "Megacorp renewed for 3 years",
            "--metric",
            "churn risk: 0.8 -> 0.1",
            "--signal",
            "mid.signal.defines-success-criteria",
            "--pr",
            "https://github.com/acme/shop/pull/77",
        ])
        .ok()
        .trim()
        .to_string();
    for args in [
        vec!["report", "--format", "md", "--redact"],
        vec!["report", "--format", "html", "--redact"],
        vec!["report", "--json", "--redact"],
        vec!["report", "--redact"],
    ] {
        let out = env.cv(&args).ok().to_string();
        for secret in ["Megacorp", "renewal", &id] {
            assert!(!out.contains(secret), "{args:?} leaks {secret}:\n{out}");
        }
        if args.contains(&"md") {
            assert!(
                out.contains("Customer A") && out.contains("2026-10-01"),
                "{out}"
            );
            assert!(out.contains("churn risk: 0.8 → 0.1"), "{out}");
            assert!(
                out.contains("https://github.com/acme/shop/pull/77"),
                "{out}"
            );
        }
    }
}

/// Issue 8: the table names the entries behind each covered item, and keeps
/// fitting 80 columns.
#[test]
fn the_table_names_the_entries_behind_each_item_at_80_columns() {
    let env = TestEnv::new();
    env.init();
    for (title, date) in [
        (
            "Cut checkout latency for EU shoppers on every mobile device",
            "2026-10-01",
        ),
        ("Typo-tolerant search", "2026-08-01"),
    ] {
        env.cv(&[
            "log",
            "--title",
            title,
            "--date",
            date,
            "--signal",
            "mid.signal.defines-success-criteria",
            "--url",
            "https://example.com/p",
        ])
        .ok();
    }
    let text = env
        .cv_env(&["report"], &[("COLUMNS", "80")])
        .ok()
        .to_string();
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "{line:?} is wider than 80");
    }
    assert!(text.contains("· 2026-10-01 Cut checkout latency"), "{text}");
    assert!(text.contains("· 2026-08-01 Typo-tolerant search"), "{text}");
    assert!(
        text.contains("2 of 2 proven") && text.contains("2 months"),
        "{text}"
    );
}

/// Issue 8, item 10: the demo's Markdown packet and table as snapshots
/// (tests/snapshots/), so any change to what a reader sees is a reviewed
/// diff (`cargo insta review`). The demo is dated and CV_TODAY fixed, so
/// the output is stable.
#[test]
fn snapshots_of_the_demo_packet_and_table() {
    let env = TestEnv::new();
    let md = env.cv(&["report", "--demo", "--format", "md"]);
    insta::assert_snapshot!("demo_packet_md", md.ok());
    let table = env.cv_env(&["report", "--demo"], &[("COLUMNS", "100")]);
    insta::assert_snapshot!("demo_report_table", table.ok());
}

/// Found by attacking issue 8: a hand-edited `javascript:` link was linked
/// in the packet and counted as proof; a custom level name went into a
/// heading raw; terminal escapes reached the table; `--out` replaced a
/// symlink; `private` appended after a [[links]] table did nothing, silently.
#[test]
fn what_an_attack_on_the_packet_found() {
    let env = TestEnv::new();
    env.init();
    let id = env
        .cv(&[
            "log",
            "--title",
            "Junk proof",
            "--date",
            "2026-10-01",
            "--signal",
            "mid.signal.defines-success-criteria",
            "--url",
            "https://example.com/real",
        ])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{id}.toml");
    let text = env
        .read(&rel)
        .replace("https://example.com/real", "javascript:alert(1)")
        .replace(
            "title = \"Junk proof\"",
            "title = \"Junk \\u001b[2J proof\"",
        );
    std::fs::write(env.ledger().join(&rel), format!("{text}private = true\n")).expect("write");

    let md = env.cv(&["report", "--format", "md"]).ok().to_string();
    assert!(!md.contains("](javascript:"), "never linked:\n{md}");
    let json = env.cv(&["report", "--json"]).json();
    assert_eq!(
        json["signals"][0]["proven"], 0,
        "a javascript: link proves nothing"
    );
    let table = env.cv(&["report"]).ok().to_string();
    assert!(
        !table.contains('\u{1b}'),
        "no escape reaches the terminal:\n{table}"
    );
    let list = env.cv(&["list"]).ok().to_string();
    assert!(!list.contains('\u{1b}'), "{list}");

    let check = env.cv(&["check"]);
    assert!(
        check
            .stdout
            .contains("misplaced private: 'private' is inside [[links]] number 1"),
        "{check}"
    );

    #[cfg(unix)]
    {
        let target = env.root().join("elsewhere.md");
        std::fs::write(&target, "mine").expect("write");
        let link = env.root().join("link.md");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let run = env.cv(&[
            "report",
            "--format",
            "md",
            "--out",
            link.to_str().expect("utf-8"),
        ]);
        assert!(run.fails_with(1).contains("not a regular file"), "{run}");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "mine");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
    }
}

/// At the top level there is no promotion to make a case for.
#[test]
fn the_top_level_verdict_claims_no_promotion() {
    let env = TestEnv::new();
    env.cv(&[
        "init",
        "--name",
        "P",
        "--email",
        "p@example.com",
        "--level",
        "principal",
    ])
    .ok();
    let levels = env.cv(&["levels", "principal", "--json"]).json();
    let indicators: Vec<String> = levels["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "indicator")
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect();
    for (n, id) in indicators.iter().enumerate() {
        for date in ["2026-09-01", "2026-10-01"] {
            env.cv(&[
                "log",
                "--title",
                &format!("Proof {n} {date}"),
                "--date",
                date,
                "--signal",
                id,
                "--url",
                "https://example.com/p",
            ])
            .ok();
        }
    }
    let table = env.cv(&["report"]).ok().to_string();
    assert!(!table.contains("full case"), "{table}");
    // The Markdown packet, whose sentences are not wrapped.
    let md = env.cv(&["report", "--format", "md"]).ok().to_string();
    assert!(
        md.contains("your ledger shows the whole of Principal Engineer"),
        "{md}"
    );
}
