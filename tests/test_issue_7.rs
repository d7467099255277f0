//! Regressions of issue 7, "capture you can trust": each reproduction as it
//! was measured, with the real binary. Every test here failed before the fix.

use crate::common::TestEnv;

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn init_refuses_a_work_repository_and_changes_nothing() {
    let env = TestEnv::new();
    let (repo, sha) = env.work_repo("shop", "Real work");
    let before_mode = mode(&repo);
    let run = env.cv(&["init", repo.to_str().expect("utf-8"), "--level", "mid"]);
    let err = run.fails_with(2);
    assert!(err.contains("history and no cv.toml"), "{run}");
    assert!(err.contains("nothing was changed"), "{run}");
    assert!(!repo.join("cv.toml").exists());
    assert_eq!(env.git(&repo, &["rev-parse", "HEAD"]).trim(), sha);
    assert_eq!(env.git(&repo, &["status", "--porcelain"]), "");
    assert_eq!(
        mode(&repo),
        before_mode,
        "the checkout keeps its permissions"
    );
}

#[test]
fn init_refuses_a_folder_inside_another_repository() {
    let env = TestEnv::new();
    let (repo, _) = env.work_repo("shop", "Real work");
    let inside = repo.join("docs/cv");
    let run = env.cv(&["init", inside.to_str().expect("utf-8"), "--level", "mid"]);
    let err = run.fails_with(2);
    assert!(err.contains("is inside the git repository at"), "{run}");
    assert!(!repo.join("docs").exists(), "nothing was created");

    // The ledger is a repository too: no ledger inside its entries/.
    env.init();
    env.cv(&["log", "--title", "First"]).ok();
    let nested = env.ledger().join("entries/2026/nested");
    let run = env.cv(&["init", nested.to_str().expect("utf-8"), "--level", "mid"]);
    run.fails_with(2);
    assert!(!nested.exists());
    env.assert_clean();
}

#[test]
fn init_may_use_a_folder_the_enclosing_repository_ignores() {
    let env = TestEnv::new();
    let (repo, _) = env.work_repo("dotfiles", "My dotfiles");
    std::fs::write(repo.join(".gitignore"), "private/\n").expect("write");
    let ledger = repo.join("private/cv");
    env.cv(&["init", ledger.to_str().expect("utf-8"), "--level", "mid"])
        .ok();
    assert!(ledger.join("cv.toml").exists());
}

#[test]
fn log_refuses_the_ledgers_own_commit_as_proof() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    let run = env.cv_in(
        &env.ledger(),
        &["log", "--title", "Self proof", "--commit", "HEAD"],
    );
    let err = run.fails_with(2);
    assert!(err.contains("the ledger's own history"), "{run}");
    assert_eq!(env.ledger_state(), before);
    let run = env.cv(&[
        "log",
        "--title",
        "Self proof",
        "--commit",
        "HEAD",
        "--repo",
        env.ledger().to_str().expect("utf-8"),
    ]);
    run.fails_with(2);
}

#[test]
fn libgit2_internals_never_reach_the_user() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Real work");
    let not_a_repo = env.root().join("plain");
    std::fs::create_dir_all(&not_a_repo).expect("mkdir");
    for args in [
        vec![
            "log",
            "--title",
            "x",
            "--commit",
            "HEAD",
            "--repo",
            not_a_repo.to_str().expect("utf-8"),
        ],
        vec![
            "log",
            "--title",
            "x",
            "--commit",
            "no-such-branch",
            "--repo",
            repo.to_str().expect("utf-8"),
        ],
    ] {
        let run = env.cv(&args);
        let err = run.fails_with(2);
        assert!(
            !err.contains("class=") && !err.contains("code="),
            "libgit2's class and code leaked:\n{run}"
        );
        assert!(!err.contains("caused by:"), "one plain sentence:\n{run}");
    }
}

#[test]
fn metrics_from_the_command_line_are_exact_or_refused() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    for bad in [
        "p95: 2,1 -> 0,8 s",
        "x: 0x10",
        "x: 1e400",
        "x: 2 1 s",
        "x: NaN -> 1",
    ] {
        let run = env.cv(&["log", "--title", "Metric", "--metric", bad]);
        let err = run.fails_with(2);
        assert!(
            err.contains("NAME: BEFORE -> AFTER UNIT"),
            "the accepted form is shown:\n{run}"
        );
    }
    assert_eq!(env.ledger_state(), before);
    let id = env
        .cv(&[
            "log",
            "--title",
            "Exact",
            "--metric",
            "p95: 2.1 → 0.8 s",
            "--metric",
            "rate: 1e5 -> 3e-2",
        ])
        .ok()
        .trim()
        .to_string();
    let file = env.read(&format!("entries/2026/{id}.toml"));
    assert!(
        file.contains("before = 2.1\nafter = 0.8\nunit = \"s\""),
        "{file}"
    );
    assert!(file.contains("before = 100000.0\nafter = 0.03\n"), "{file}");
}

/// Issue 7, must show: 30 entries with long titles at 80 columns, every
/// title's first 30 characters on one line; the same at 100.
#[test]
fn list_keeps_titles_legible_at_80_and_100_columns() {
    let env = TestEnv::new();
    env.init();
    let titles: Vec<String> = (0..30)
        .map(|i| {
            format!("Entry {i:02} cut checkout latency for shoppers on mobile devices in every region we serve")
        })
        .collect();
    for (i, title) in titles.iter().enumerate() {
        let date = format!("2026-10-{:02}", i + 1);
        env.cv(&[
            "log",
            "--title",
            title,
            "--date",
            &date,
            "--url",
            "https://example.com/x",
        ])
        .ok();
    }
    for columns in ["80", "100"] {
        let run = env.cv_env(&["list"], &[("COLUMNS", columns)]);
        let stdout = run.ok().to_string();
        let width: usize = columns.parse().expect("number");
        for line in stdout.lines() {
            assert!(
                line.chars().count() <= width,
                "{line:?} is wider than {width}"
            );
        }
        for title in &titles {
            let head: String = title.chars().take(30).collect();
            assert!(
                stdout.lines().any(|l| l.contains(&head)),
                "{head:?} is not on one line at {columns} columns:\n{stdout}"
            );
        }
        assert!(
            stdout
                .lines()
                .nth(2)
                .is_some_and(|l| l.contains("2026-10-30")),
            "newest first, with its date:\n{stdout}"
        );
        assert!(
            stdout.lines().count() <= 2 + 30 * 3,
            "{} lines",
            stdout.lines().count()
        );
    }
    let limited = env.cv(&["list", "--limit", "3", "--json"]).json();
    assert_eq!(limited.as_array().expect("array").len(), 3);
    let long = env.cv(&["list", "--limit", "1", "--long"]);
    assert!(long.ok().contains("id       2026-10-30-entry-29"), "{long}");
    let run = env.cv(&["list", "--since", "2026-11-01", "--until", "2026-10-01"]);
    assert!(run.fails_with(2).contains("after it ends"), "{run}");
}

#[test]
fn list_marks_private_entries() {
    let env = TestEnv::new();
    env.init();
    let id = env
        .cv(&["log", "--title", "Kept quiet"])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{id}.toml");
    let text = env.read(&rel).replace("date = ", "private = true\ndate = ");
    std::fs::write(env.ledger().join(&rel), text).expect("write");
    let out = env.cv(&["list"]);
    assert!(out.ok().contains("Kept quiet (private)"), "{out}");
}

/// Issue 7: cv(1) names a page per command, and each can be generated.
#[test]
fn every_man_page_cv_names_can_be_generated() {
    let env = TestEnv::new();
    let main = env.cv(&["man"]);
    let page = main.ok();
    let named: Vec<String> = page
        .split("cv\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name.to_string()))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(named.len() >= 12, "{named:?}");
    for name in &named {
        let sub = env.cv(&["man", name]);
        assert!(
            sub.ok().contains(&format!(".TH cv-{name} 1")),
            "cv man {name}:\n{sub}"
        );
    }
    let dir = env.root().join("man1");
    env.cv(&["man", "--dir", dir.to_str().expect("utf-8")]).ok();
    for name in &named {
        assert!(dir.join(format!("cv-{name}.1")).exists(), "cv-{name}.1");
    }
    assert!(
        env.cv(&["man", "nope"])
            .fails_with(2)
            .contains("no command `cv nope`")
    );
}

/// Issue 7: a command's help names the global options in one line instead
/// of repeating their whole block.
#[test]
fn command_help_does_not_repeat_the_global_block() {
    let env = TestEnv::new();
    let help = env.cv(&["log", "--help"]);
    let text = help.ok();
    assert!(text.contains("Global options: --ledger PATH, --json, --no-input, --color WHEN"));
    assert!(!text.contains("Possible values"), "{text}");
    assert!(!text.contains("NO_COLOR"), "{text}");
    // They still work after the command.
    let run = env.cv(&["list", "--ledger", "/nonexistent/ledger"]);
    assert!(
        run.fails_with(1)
            .contains("no ledger at /nonexistent/ledger")
    );
    let top = env.cv(&["--help"]);
    assert!(
        top.ok().contains("NO_COLOR"),
        "cv --help still describes them"
    );
}

/// Issue 7: a broken cv.toml is one finding; every entry is still checked,
/// the messages do not repeat their kind, and an id whose date no longer
/// matches the entry's is found.
#[test]
fn check_reports_a_broken_config_and_still_checks_every_entry() {
    let env = TestEnv::new();
    env.init();
    let id = env
        .cv(&[
            "log",
            "--title",
            "Checked",
            "--signal",
            "mid.signal.defines-success-criteria",
        ])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{id}.toml");
    let text = env
        .read(&rel)
        .replace("mid.signal.defines-success-criteria", "no-such-item")
        .replace("date = 2026-11-22", "date = 2026-11-20");
    std::fs::write(env.ledger().join(&rel), text).expect("write");
    let config = env.read("cv.toml").replace("[profile]", "[profile\n");
    std::fs::write(env.ledger().join("cv.toml"), config).expect("write");

    let run = env.cv(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    let out = run.stdout.clone();
    assert!(out.contains("cv.toml:"), "the config finding:\n{run}");
    assert!(
        out.contains(&format!("{rel}:")),
        "the entry is still checked:\n{run}"
    );
    assert!(
        out.contains("unknown signal: 'no-such-item' names no item of the framework"),
        "{run}"
    );
    assert!(!out.contains("unknown signal: unknown signal"), "{run}");
    assert!(
        out.contains(
            "id date: the id carries the date 2026-11-22 but the entry is dated 2026-11-20"
        ),
        "{run}"
    );
    let json = env.cv(&["check", "--json"]);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let kinds: Vec<&str> = findings
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"config")
            && kinds.contains(&"unknown_signal")
            && kinds.contains(&"id_date"),
        "{kinds:?}"
    );
}

/// Issue 7: no "Only 0 entries", no bold figure over "too little to judge",
/// and no claim about signals an entry does not list.
#[test]
fn wording_says_what_is_true() {
    let env = TestEnv::new();
    env.init();
    let empty = env.cv(&["report"]);
    let text = empty.ok();
    assert!(
        text.contains("No entry in the window: too little to judge"),
        "{text}"
    );
    assert!(!text.contains("Only 0"), "{text}");
    assert!(!text.contains("Readiness 0%"), "{text}");
    let run = env.cv(&["log", "--title", "A bare note"]);
    run.ok();
    assert!(!run.stderr.contains("claims its signals"), "{run}");
    assert!(
        run.stderr.contains("no signal, link or metric yet"),
        "{run}"
    );
    let one = env.cv(&["report"]);
    let text = one.ok();
    assert!(text.contains("Only 1 entry in the window"), "{text}");
    assert!(
        !text.contains("Readiness 0%"),
        "no figure over too little to judge:\n{text}"
    );
}

/// Issue 7: an unknown entry id gets a "did you mean"; one id in two files
/// is named once, with both paths.
#[test]
fn entry_ids_suggest_and_duplicates_name_their_files() {
    let env = TestEnv::new();
    env.init();
    env.cv(&[
        "log",
        "--title",
        "Cut checkout latency for EU shoppers",
        "--date",
        "2026-11-20",
    ])
    .ok();
    let run = env.cv(&["show", "checkout-latensy"]);
    let err = run.fails_with(2);
    assert!(
        err.contains("did you mean 2026-11-20-cut-checkout-latency-for-eu-shoppers"),
        "{run}"
    );
    let id = "2026-11-20-cut-checkout-latency-for-eu-shoppers";
    std::fs::create_dir_all(env.ledger().join("entries/2025")).expect("mkdir");
    std::fs::copy(
        env.ledger().join(format!("entries/2026/{id}.toml")),
        env.ledger().join(format!("entries/2025/{id}.toml")),
    )
    .expect("copy");
    let run = env.cv(&["show", "checkout-latency"]);
    let err = run.fails_with(2);
    assert!(
        err.contains(&format!(
            "entry '{id}' is in 2 files: entries/2025/{id}.toml, entries/2026/{id}.toml"
        )),
        "{run}"
    );
}

/// Issue 7: `2 weeks ago` and `last week` are dates; the hint names every
/// form and how periods are read; `--since`/`--until` read a period alike.
#[test]
fn dates_take_weeks_and_periods_everywhere() {
    let env = TestEnv::new();
    env.init();
    let two_weeks = env
        .cv(&["log", "--title", "Two weeks back", "--date", "2 weeks ago"])
        .ok()
        .trim()
        .to_string();
    assert_eq!(two_weeks, "2026-11-08-two-weeks-back");
    let last_week = env
        .cv(&["log", "--title", "Last week", "--date", "last week"])
        .ok()
        .trim()
        .to_string();
    assert_eq!(last_week, "2026-11-09-last-week", "a period's first day");
    env.cv(&["log", "--title", "In Q3", "--date", "2026-08-15"])
        .ok();
    env.cv(&["log", "--title", "In Q2", "--date", "2026-06-30"])
        .ok();
    let quarter = env
        .cv(&[
            "list",
            "--since",
            "last quarter",
            "--until",
            "last quarter",
            "--json",
        ])
        .json();
    let titles: Vec<&str> = quarter
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert_eq!(titles, ["In Q3"], "exactly the previous calendar quarter");
    let run = env.cv(&["log", "--title", "x", "--date", "the other day"]);
    let err = run.fails_with(2);
    assert!(err.contains("N days|weeks|months|years ago"), "{run}");
    assert!(err.contains("previous calendar"), "{run}");
}

/// Found by a new user: items that count toward no readiness (habits,
/// questions…) were recorded from a loose phrase; a change written without
/// an arrow was stored as one value; a typo in a hand-edited signal was
/// dropped by the report in silence.
#[test]
fn what_counts_for_nothing_is_said_not_stored() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    let run = env.cv(&["log", "--title", "Mentoring", "--signal", "mentors others"]);
    let err = run.fails_with(2);
    assert!(err.contains("count toward no readiness"), "{run}");
    let run = env.cv(&[
        "log",
        "--title",
        "Errors",
        "--metric",
        "errors: 1200 to 300",
    ]);
    assert!(run.fails_with(2).contains("BEFORE -> AFTER"), "{run}");
    assert_eq!(env.ledger_state(), before);

    let id = env
        .cv(&[
            "log",
            "--title",
            "Typo later",
            "--signal",
            "mid.signal.defines-success-criteria",
            "--url",
            "https://example.com",
        ])
        .ok()
        .trim()
        .to_string();
    let rel = format!("entries/2026/{id}.toml");
    let text = env
        .read(&rel)
        .replace("defines-success-criteria", "defines-sucess-criteria");
    std::fs::write(env.ledger().join(&rel), text).expect("write");
    let report = env.cv(&["report"]);
    report.ok();
    assert!(
        report
            .stderr
            .contains("1 entry in the window lists signal ids no framework item has"),
        "{report}"
    );
}

/// Found by the second attack: init around bare, nested and half-made
/// repositories.
#[test]
fn init_refuses_bare_nested_and_unborn_projects() {
    let env = TestEnv::new();
    let (work, _) = env.work_repo("shop", "Real work");
    let bare = env.root().join("shop.git");
    env.git(
        env.root(),
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().expect("utf-8"),
            bare.to_str().expect("utf-8"),
        ],
    );
    let nested = work.join("sub");
    std::fs::create_dir_all(&nested).expect("mkdir");
    env.git(&nested, &["init", "-q"]);
    let project = env.root().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    env.git(&project, &["init", "-q"]);
    std::fs::write(project.join("main.rs"), "fn main() {}").expect("write");
    env.git(&project, &["add", "main.rs"]);
    for target in [&bare, &bare.join("objects/cv"), &nested, &project] {
        let run = env.cv(&["init", target.to_str().expect("utf-8"), "--level", "mid"]);
        run.fails_with(2);
        assert!(!target.join("cv.toml").exists(), "{}", target.display());
    }
    assert!(
        !bare.join(".git").exists(),
        "nothing written into the bare repository"
    );
}

/// Found by the second attack: a stale draft, a too-large entry, control
/// characters, a submodule year folder, the ledger's worktree as proof.
#[test]
fn capture_refuses_what_it_could_not_keep_exactly() {
    let env = TestEnv::new();
    env.init();
    let id = env
        .cv(&[
            "log",
            "--title",
            "Drafted",
            "--url",
            "https://example.com/a",
        ])
        .ok()
        .trim()
        .to_string();
    let edit = |editor: &str| env.cv_env(&["edit", &id], &[("EDITOR", editor)]);
    // An invalid edit leaves a draft; a link lands meanwhile; the draft is
    // not resumed over it.
    assert_eq!(edit("sh -c 'echo broken= >> $0'").code, 2);
    env.cv(&["link", &id, "--url", "https://example.com/b"])
        .ok();
    let run = edit("sed -i /^broken/d");
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains("changed since your unsaved draft"),
        "{run}"
    );
    assert!(
        env.read(&format!("entries/2026/{id}.toml"))
            .contains("https://example.com/b")
    );

    let before = env.ledger_state();
    // One argument is at most 128 kB: nine of 120 kB make an entry over 1 MB.
    let big = "x".repeat(120_000);
    let metric = format!("{big}: 1 -> 2");
    let mut args = vec!["log", "--title", "Huge"];
    for flag in ["--notes", "--outcome", "--problem", "--customer"] {
        args.extend([flag, big.as_str()]);
    }
    for _ in 0..5 {
        args.extend(["--metric", metric.as_str()]);
    }
    let run = env.cv(&args);
    assert!(run.fails_with(2).contains("at most 1 MB"), "{run}");
    let run = env.cv(&["log", "--title", "\u{1b}]0;PWNED\u{7} X"]);
    assert!(run.fails_with(2).contains("control character"), "{run}");
    let run = env.cv(&["log", "--title", "two\nlines"]);
    assert!(run.fails_with(2).contains("one line"), "{run}");
    let run = env.cv(&[
        "log",
        "--title",
        "x",
        "--url",
        "https://x.example/\u{1b}[31m",
    ]);
    run.fails_with(2);
    assert_eq!(env.ledger_state(), before);

    // A year folder that is another repository.
    let (work, _) = env.work_repo("shop", "Real work");
    std::fs::create_dir_all(env.ledger().join("entries/2025")).expect("mkdir");
    std::fs::rename(&work, env.ledger().join("entries/2025/sub")).expect("move");
    std::fs::remove_dir_all(env.ledger().join("entries/2025")).expect("rm");
    std::fs::create_dir_all(env.ledger().join("entries")).expect("mkdir");
    env.git(
        env.root(),
        &[
            "init",
            "-q",
            env.ledger().join("entries/2025").to_str().expect("utf-8"),
        ],
    );
    let run = env.cv(&[
        "log",
        "--title",
        "Into the submodule",
        "--date",
        "2025-05-05",
    ]);
    assert!(
        run.fails_with(2).contains("another git repository"),
        "{run}"
    );
    std::fs::remove_dir_all(env.ledger().join("entries/2025")).expect("rm");

    // The ledger's own worktree is the ledger's history too.
    let tree = env.root().join("wt");
    env.git(
        &env.ledger(),
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            tree.to_str().expect("utf-8"),
        ],
    );
    let run = env.cv_in(&tree, &["log", "--title", "Self proof", "--commit", "HEAD"]);
    assert!(
        run.fails_with(2).contains("the ledger's own history"),
        "{run}"
    );
}

/// Found by the second attack: cv check passed nan metrics, nameless
/// metrics and ids without a date.
#[test]
fn check_finds_metrics_that_are_not_numbers_and_ids_without_a_date() {
    let env = TestEnv::new();
    env.init();
    std::fs::create_dir_all(env.ledger().join("entries/2026")).expect("mkdir");
    std::fs::write(
        env.ledger().join("entries/2026/foo.toml"),
        "id = \"foo\"\ntitle = \"Foo\"\ndate = 2026-11-01\n\n[[metrics]]\nname = \"\"\nafter = 1.0\n\n[[metrics]]\nname = \"x\"\nbefore = nan\nafter = inf\n",
    )
    .expect("write");
    let run = env.cv(&["check", "--json"]);
    assert_eq!(run.code, 1, "{run}");
    for needle in [
        "\"kind\": \"id_date\"",
        "a metric has no name",
        "metric 'x' has a value that is not a number",
    ] {
        assert!(run.stdout.contains(needle), "{needle}:\n{run}");
    }
}
