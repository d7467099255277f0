//! `cv log` with flags, and the init → log → list → show → report round trip.

use crate::common::TestEnv;

#[test]
fn init_log_list_report_round_trip() {
    let env = TestEnv::new();
    env.init();
    let (repo, sha) = env.work_repo("shop", "Cache tax rules per region (#4312)");
    let run = env.cv(&[
        "log",
        "--title",
        "Cut checkout latency for EU shoppers",
        "--customer",
        "EU shoppers on mobile",
        "--outcome",
        "p95 0.8 s; abandonment down 3 points",
        "--metric",
        "p95 checkout latency: 2.1 -> 0.8 s",
        "--signal",
        "mid.signal.defines-success-criteria",
        "--signal",
        "drives-measurable-outcomes",
        "--commit",
        "HEAD",
        "--repo",
        repo.to_str().expect("utf8"),
        "--pr",
        "https://github.com/acme/shop/pull/4312",
        "--date",
        "2026-11-20",
    ]);
    let id = "2026-11-20-cut-checkout-latency-for-eu-shoppers";
    assert_eq!(run.ok().trim(), id);
    let file = env.read(&format!("entries/2026/{id}.toml"));
    let expected = format!(
        r#"id = "{id}"
title = "Cut checkout latency for EU shoppers"
date = 2026-11-20
signals = ["mid.signal.defines-success-criteria", "senior.behavior.drives-measurable-outcomes"]
customer = "EU shoppers on mobile"
outcome = "p95 0.8 s; abandonment down 3 points"

[[metrics]]
name = "p95 checkout latency"
before = 2.1
after = 0.8
unit = "s"

[[links]]
kind = "commit"
repo = "https://github.com/acme/shop"
sha = "{sha}"
summary = "Cache tax rules per region (#4312)"

[[links]]
kind = "pr"
url = "https://github.com/acme/shop/pull/4312"
"#
    );
    assert_eq!(file, expected);
    assert_eq!(
        env.ledger_log(),
        [
            "log: Cut checkout latency for EU shoppers",
            "init: Ada Example"
        ]
    );
    env.assert_clean();
    // The commit holds the new file, and cv.toml learnt the work repository.
    let changed = env.git(&env.ledger(), &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(changed, format!("cv.toml\nentries/2026/{id}.toml\n"));
    let config = env.read("cv.toml");
    assert!(
        config.contains(&format!(
            "\"https://github.com/acme/shop\" = \"{}\"",
            repo.display()
        )),
        "{config}"
    );

    let second = env.cv(&[
        "log",
        "--title",
        "Clearer failed-payment emails",
        "--date",
        "yesterday",
    ]);
    assert_eq!(
        second.ok().trim(),
        "2026-11-21-clearer-failed-payment-emails"
    );
    assert!(
        second.stderr.contains("no signal, link or metric yet"),
        "{second}"
    );
    assert_eq!(env.ledger_log().len(), 3);
    env.assert_clean();

    let list = env.cv(&["list", "--json"]).json();
    let listed: Vec<(&str, &str)> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().expect("id"),
                e["path"].as_str().expect("path"),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "2026-11-21-clearer-failed-payment-emails",
                "entries/2026/2026-11-21-clearer-failed-payment-emails.toml"
            ),
            (
                id,
                "entries/2026/2026-11-20-cut-checkout-latency-for-eu-shoppers.toml"
            ),
        ]
    );
    assert_eq!(list[1]["links"][0]["sha"], sha);
    assert_eq!(list[1]["date"], "2026-11-20");

    let table = env.cv(&["list"]);
    let text = table.ok();
    // SPEC §4: date, title, signals, proof; the id is in --long and --json.
    assert!(
        text.contains(
            " 2026-11-20   Cut checkout latency for EU shoppers   2         2 links, 1 metric"
        ),
        "{table}"
    );
    // A bare slug names one item (every slug is unique, SPEC §2)…
    let filtered = env
        .cv(&["list", "--signal", "defines-success-criteria", "--json"])
        .json();
    assert_eq!(filtered.as_array().expect("array").len(), 1);
    // …and so does a suffix.
    let filtered = env
        .cv(&[
            "list",
            "--signal",
            "signal.defines-success-criteria",
            "--json",
        ])
        .json();
    assert_eq!(filtered.as_array().expect("array").len(), 1);

    let show = env.cv(&["show", "cut-checkout-latency-for-eu-shoppers"]);
    let text = show.ok();
    assert!(
        text.contains("p95 checkout latency: 2.1 s → 0.8 s"),
        "{text}"
    );
    assert!(
        text.contains(&format!("https://github.com/acme/shop/commit/{sha}")),
        "{text}"
    );

    // The README's shortening: a run of whole words of the id.
    let shown = env.cv(&["show", "cut-checkout-latency", "--json"]).json();
    assert_eq!(shown["id"], id);

    let report = env.cv(&["report", "--json"]).json();
    assert_eq!(report["from"], "mid");
    assert_eq!(report["to"], "senior");
    assert_eq!(report["entries_considered"], 2);
    assert_eq!(report["readiness"], 0.33);
    assert_eq!(
        report["signals"][0]["id"],
        "mid.signal.defines-success-criteria"
    );
    assert_eq!(report["signals"][0]["proven"], 1);
    assert_eq!(report["signals"][0]["entries"][0], id);
    let drives = report["behaviors"]
        .as_array()
        .expect("array")
        .iter()
        .find(|b| b["id"] == "senior.behavior.drives-measurable-outcomes")
        .expect("present");
    assert_eq!(drives["covered"], true);
}

#[test]
fn the_same_title_twice_gets_a_suffix() {
    let env = TestEnv::new();
    env.init();
    assert_eq!(
        env.cv(&["log", "--title", "Ship it"]).ok().trim(),
        "2026-11-22-ship-it"
    );
    assert_eq!(
        env.cv(&["log", "--title", "Ship it!"]).ok().trim(),
        "2026-11-22-ship-it-2"
    );
    assert_eq!(
        env.cv(&["log", "--title", "../../ship it"]).ok().trim(),
        "2026-11-22-ship-it-3"
    );
    env.assert_clean();
}

#[test]
fn log_json_prints_the_entry() {
    let env = TestEnv::new();
    env.init();
    let entry = env
        .cv(&[
            "log",
            "--json",
            "--title",
            "Export order history",
            "--url",
            "https://support.example.com/t/1",
            "--tag",
            "support",
        ])
        .json();
    assert_eq!(entry["id"], "2026-11-22-export-order-history");
    assert_eq!(entry["links"][0]["kind"], "url");
    assert_eq!(entry["tags"][0], "support");
}

/// `[repos]` learns a work repository in one spelling: `~/…` under the
/// home folder, as cv.toml's own example writes it (issue 9's Repos model).
#[test]
fn repos_are_learned_with_a_tilde_under_home() {
    let env = TestEnv::new();
    env.init();
    let repo = env.home().join("src/shop");
    std::fs::create_dir_all(&repo).expect("mkdir");
    env.git(&repo, &["init", "-q"]);
    env.git(
        &repo,
        &["remote", "add", "origin", "git@github.com:acme/shop.git"],
    );
    std::fs::write(repo.join("README"), "x").expect("write");
    env.git(&repo, &["add", "README"]);
    env.git(&repo, &["commit", "-q", "-m", "first"]);
    env.cv(&[
        "log",
        "--title",
        "From home",
        "--commit",
        "HEAD",
        "--repo",
        repo.to_str().expect("utf-8"),
    ])
    .ok();
    let config = env.read("cv.toml");
    assert!(
        config.contains("\"https://github.com/acme/shop\" = \"~/src/shop\""),
        "{config}"
    );
}

/// SPEC §4 `cv verify` (issue 9, in part): each cited commit is ok,
/// missing (gone from every branch), reverted, or not checkable (its
/// repository is not on this machine); exit 1 when any no longer holds.
#[test]
fn verify_proves_the_cited_commits_still_hold() {
    let env = TestEnv::new();
    env.init();
    let (repo, kept) = env.work_repo("shop", "Kept change");
    let commit = |message: &str| {
        std::fs::write(repo.join(format!("{message}.txt")), message).expect("write");
        env.git(&repo, &["add", "-A"]);
        env.git(&repo, &["commit", "-q", "-m", message]);
        env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string()
    };
    let reverted = commit("reverted");
    let reapplied = commit("reapplied");
    env.git(&repo, &["switch", "-q", "-c", "spike"]);
    let dropped = commit("dropped");
    env.git(&repo, &["switch", "-q", "-"]);
    let r = repo.to_str().expect("utf-8");
    for (title, sha) in [
        ("Kept", &kept),
        ("Reverted", &reverted),
        ("Reapplied", &reapplied),
        ("Dropped", &dropped),
    ] {
        env.cv(&["log", "--title", title, "--commit", sha, "--repo", r])
            .ok();
    }
    env.git(&repo, &["branch", "-q", "-D", "spike"]);
    env.git(&repo, &["revert", "--no-edit", &reverted]);
    let revert = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    // Reverted, then the revert reverted: the change holds again.
    env.git(&repo, &["revert", "--no-edit", &reapplied]);
    env.git(&repo, &["revert", "--no-edit", "HEAD"]);
    // A link to a repository this machine does not have.
    let id = env
        .cv(&["log", "--title", "Elsewhere"])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{id}.toml");
    let text = format!(
        "{}\n[[links]]\nkind = \"commit\"\nrepo = \"https://github.com/other/far\"\nsha = \"{}\"\n\
         \n[[links]]\nkind = \"commit\"\nrepo = \"https://github.com/acme/shop\"\nsha = \"{}\"\n",
        env.read(&rel),
        "a".repeat(40),
        "b".repeat(40)
    );
    std::fs::write(env.ledger().join(&rel), text).expect("write");

    let run = env.cv(&["verify", "--json"]);
    assert_eq!(run.code, 1, "{run}");
    let checks: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let field_of = |sha: &str, key: &str| {
        checks
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c["sha"] == sha)
            .map(|c| c[key].as_str().unwrap_or("").to_string())
    };
    let status_of = |sha: &str| field_of(sha, "status");
    let reason_of = |sha: &str| field_of(sha, "reason").unwrap_or_default();
    assert_eq!(status_of(&kept).as_deref(), Some("ok"));
    assert_eq!(status_of(&reverted).as_deref(), Some("reverted"));
    assert_eq!(status_of(&reapplied).as_deref(), Some("ok"));
    assert_eq!(status_of(&dropped).as_deref(), Some("missing"));
    assert_eq!(status_of(&"a".repeat(40)).as_deref(), Some("not_checkable"));
    assert_eq!(reason_of(&reverted), format!("reverted by {revert}"));
    assert_eq!(reason_of(&dropped), "no local branch reaches it");
    assert_eq!(status_of(&"b".repeat(40)).as_deref(), Some("missing"));
    assert_eq!(reason_of(&"b".repeat(40)), "not in the repository");
    assert!(
        reason_of(&"a".repeat(40)).contains("names no local path"),
        "{run}"
    );
    let table = env.cv(&["verify"]);
    assert!(
        table
            .fails_with(1)
            .contains("3 cited commits no longer hold"),
        "{table}"
    );
    // The report and the packet say what this run found, so a reverted
    // commit is not shown as proof unremarked.
    let report = env.cv(&["report", "--json"]).json();
    assert_eq!(report["verified"]["on"], "2026-11-22", "{report}");
    assert_eq!(
        report["verified"]["failing"].as_array().map(Vec::len),
        Some(3),
        "{report}"
    );
    let packet = env.cv(&["report", "--format", "md"]);
    assert!(
        packet.ok().contains("3 cited commits no longer held when"),
        "{packet}"
    );
    let shown = env.cv(&["report"]);
    assert!(
        shown.ok().contains(&format!("{} in ", &reverted[..7])),
        "{shown}"
    );
}

/// SPEC §4 `cv harvest` (issue 9, in part): the user's commits since a date
/// that no entry links, through the mailmap, with PR numbers and the
/// `Customer-Value:` trailer read; someone else's commits and old ones left
/// out.
#[test]
fn harvest_finds_the_work_nobody_logged() {
    let env = TestEnv::new();
    env.init();
    let (repo, first) = env.work_repo("shop", "Initial import");
    let commit = |message: &str, email: &str, date: &str| {
        let name = message.split_whitespace().next().unwrap_or("x").to_string();
        std::fs::write(repo.join(format!("{name}.txt")), message).expect("write");
        env.git(&repo, &["add", "-A"]);
        env.git_as(&repo, &["commit", "-q", "-m", message], email, date)
    };
    let old = commit("Ancient work", "ada@example.com", "2025-01-01T12:00:00Z");
    let squash = commit(
        "Faster search (#34)",
        "ada@example.com",
        "2026-10-01T12:00:00Z",
    );
    let trailer = commit(
        "Cache tax rules\n\nCustomer-Value: checkout p95 down to 0.8 s",
        "ADA@example.com",
        "2026-10-05T12:00:00Z",
    );
    let theirs = commit("Someone else's", "bob@example.com", "2026-10-06T12:00:00Z");
    let mapped = commit(
        "From my old address",
        "ada@old.example",
        "2026-10-07T12:00:00Z",
    );
    let linked = commit("Already logged", "ada@example.com", "2026-10-08T12:00:00Z");
    std::fs::write(
        repo.join(".mailmap"),
        "<ada@example.com> <ada@old.example>\n",
    )
    .expect("mailmap");
    env.git(&repo, &["add", ".mailmap"]);
    env.git(&repo, &["commit", "-q", "-m", "mailmap"]);
    env.cv(&[
        "log",
        "--title",
        "Logged",
        "--commit",
        &linked,
        "--repo",
        repo.to_str().expect("utf-8"),
    ])
    .ok();

    let run = env.cv_in(
        &repo,
        &[
            "harvest",
            "--since",
            "2026-09-01",
            "--author",
            "ada@example.com",
            "--json",
        ],
    );
    let found: serde_json::Value = serde_json::from_str(run.ok()).expect("json");
    let shas: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["sha"].as_str())
        .collect();
    assert!(
        shas.contains(&squash.as_str())
            && shas.contains(&trailer.as_str())
            && shas.contains(&mapped.as_str()),
        "{run}"
    );
    for absent in [&old, &theirs, &linked, &first] {
        assert!(
            !shas.contains(&absent.as_str()),
            "{absent} should not be harvested:\n{run}"
        );
    }
    let by_sha = |sha: &str| {
        found
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c["sha"] == sha)
            .cloned()
            .expect("found")
    };
    assert_eq!(by_sha(&squash)["pr"], 34);
    assert_eq!(
        by_sha(&trailer)["customer_value"],
        "checkout p95 down to 0.8 s"
    );
    assert_eq!(by_sha(&trailer)["repo"], "https://github.com/acme/shop");
    assert_eq!(by_sha(&mapped)["author"], "ada@example.com");
    assert!(by_sha(&mapped)["pr"].is_null());
    let table = env.cv_in(
        &repo,
        &[
            "harvest",
            "--since",
            "2026-09-01",
            "--author",
            "ada@example.com",
        ],
    );
    // A squash title already names its request: no "PR #34:" before it.
    assert!(
        table.ok().contains("Faster search (#34)") && !table.stdout.contains("PR #34:"),
        "{table}"
    );
}
