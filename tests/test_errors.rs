//! Errors users meet: the bad-input catalogue, missing and broken ledgers,
//! help and version. Every failure is one `error:` line and changes nothing.

use crate::common::TestEnv;

#[test]
fn a_missing_ledger_says_to_run_init() {
    let env = TestEnv::new();
    let err = env.cv(&["list"]).fails_with(1).to_string();
    assert!(err.starts_with("error: no ledger at "), "{err}");
    assert!(err.contains("hint: run `cv init`"), "{err}");
}

/// The catalogue: every bad input exits non-zero with exactly one `error:`
/// line (checked by `fails_with`), never panics, and leaves the ledger's HEAD
/// and work tree exactly as they were.
#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Existing", "--date", "2026-11-01"])
        .ok();
    let (repo, _) = env.work_repo("shop", "First");
    let repo = repo.to_str().expect("utf8").to_string();
    let not_a_repo = env.root().join("home");
    let not_a_repo = not_a_repo.to_str().expect("utf8");
    let before = env.ledger_state();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (vec!["log"], 2, "a title is required"),
        (vec!["log", "--title", "  "], 2, "title is empty"),
        (
            vec!["log", "--title", "../../.."],
            2,
            "has no letters or digits",
        ),
        (
            vec!["log", "--title", "x", "--date", "2026-02-30"],
            2,
            "is not a day of the calendar",
        ),
        (
            vec!["log", "--title", "x", "--date", "2026-13-01"],
            2,
            "is not a day of the calendar",
        ),
        (
            vec!["log", "--title", "x", "--date", "2027-01-01"],
            2,
            "is in the future",
        ),
        (
            vec!["log", "--title", "x", "--date", "someday"],
            2,
            "is not a date",
        ),
        (
            vec!["log", "--title", "x", "--remeasure", "next year"],
            2,
            "is not a date",
        ),
        (
            vec![
                "log",
                "--title",
                "x",
                "--signal",
                "drives-measurable-outcome",
            ],
            2,
            "did you mean senior.behavior.drives-measurable-outcomes",
        ),
        (
            vec!["log", "--title", "x", "--signal", "customer-value"],
            2,
            "is ambiguous",
        ),
        (
            vec!["log", "--title", "x", "--metric", "latency fast"],
            2,
            "is not a metric",
        ),
        (
            vec!["log", "--title", "x", "--metric", "latency: 2 -> fast"],
            2,
            "is not a metric",
        ),
        (
            vec![
                "log",
                "--title",
                "x",
                "--pr",
                "https://github.com/acme/shop/issues/3",
            ],
            2,
            "is not a pull or merge request URL",
        ),
        (
            vec!["log", "--title", "x", "--pr", "github.com/acme/shop/pull/3"],
            2,
            "is not a pull or merge request URL",
        ),
        (
            vec!["log", "--title", "x", "--pr", "#12", "--repo", not_a_repo],
            2,
            "needs a work repository with a remote",
        ),
        (
            vec!["log", "--title", "x", "--url", "not a url"],
            2,
            "is not an http or https URL",
        ),
        (
            vec![
                "log", "--title", "x", "--commit", "HEAD", "--repo", not_a_repo,
            ],
            2,
            "is not inside a git repository",
        ),
        (
            vec![
                "log",
                "--title",
                "x",
                "--commit",
                "no-such-branch",
                "--repo",
                &repo,
            ],
            2,
            "does not name a commit",
        ),
        (
            vec!["log", "--title", "x", "--repo", &repo],
            2,
            "--repo only says where",
        ),
        (
            vec!["link", "existing", "--commit", "deadbeef", "--repo", &repo],
            2,
            "does not name a commit",
        ),
        (
            vec!["link", "no-such-entry", "--url", "https://x.example"],
            2,
            "unknown entry",
        ),
        (vec!["link", "existing"], 2, "nothing to link"),
        (vec!["rm", "existing"], 2, "pass --yes"),
        (vec!["rm", "no-such-entry", "--yes"], 2, "unknown entry"),
        (vec!["edit", "no-such-entry"], 2, "unknown entry"),
        (vec!["show", "no-such-entry"], 2, "unknown entry"),
        (vec!["list", "--since", "the other day"], 2, "is not a date"),
        (
            vec!["report", "--since", "2026-12-01", "--until", "2026-11-01"],
            2,
            "starts",
        ),
        (vec!["report", "--to", "L9"], 2, "unknown level"),
        (vec!["report", "--format", "pdf"], 2, "invalid value 'pdf'"),
        (vec!["diff", "staff", "mid"], 2, "is not below"),
        (
            vec!["log", "--title", "x", "--no-such-flag"],
            2,
            "unexpected argument '--no-such-flag'",
        ),
    ];
    assert!(cases.len() >= 20);
    for (args, code, expected) in &cases {
        let run = env.cv(args);
        let err = run.fails_with(*code);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?}:\n{run}"
        );
        assert_eq!(env.ledger_state(), before, "{args:?} changed the ledger");
    }

    // Arguments that are not UTF-8.
    #[cfg(unix)]
    {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let run = env.cv_os(&[
            "log".into(),
            "--title".into(),
            OsString::from_vec(vec![b'a', 0xff, b'b']),
        ]);
        assert!(run.fails_with(2).contains("invalid UTF-8"), "{run}");
        assert_eq!(env.ledger_state(), before);
    }

    // A broken entry: commands that must change it refuse, others still work.
    let broken = "entries/2026/2026-11-05-broken.toml";
    std::fs::write(
        env.ledger().join(broken),
        "id = \"2026-11-05-broken\"\ntitle = \"Broken\"\ndate = 2026-11-05\nsignals = [\n",
    )
    .expect("write");
    env.git(&env.ledger(), &["add", broken]);
    env.git(
        &env.ledger(),
        &["commit", "-q", "-m", "a hand edit gone wrong"],
    );
    let before = env.ledger_state();
    let run = env.cv(&["link", "broken", "--url", "https://x.example"]);
    assert!(
        run.fails_with(2)
            .contains(&format!("error: {broken}:4:12:")),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("hint: fix the entry first: `cv edit 2026-11-05-broken`"),
        "{run}"
    );
    assert_eq!(env.ledger_state(), before);
    // Commands that only read go on, warning about it.
    let list = env.cv(&["list"]);
    list.ok();
    assert!(
        list.stderr
            .contains(&format!("warning: skipping {broken}:4:12:")),
        "{list}"
    );

    // A broken cv.toml: nothing that needs it runs, and nothing changes.
    std::fs::write(env.ledger().join("cv.toml"), "[profile\nlevel = \"mid\"\n").expect("write");
    env.git(&env.ledger(), &["commit", "-q", "-am", "break cv.toml"]);
    let before = env.ledger_state();
    let run = env.cv(&["log", "--title", "x"]);
    assert!(run.fails_with(1).contains("cv.toml:1:"), "{run}");
    assert_eq!(env.ledger_state(), before);

    // A ledger path that is a file.
    let file = env.root().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let run = env.cv(&[
        "--ledger",
        file.to_str().expect("utf8"),
        "log",
        "--title",
        "x",
    ]);
    assert!(run.fails_with(1).contains("is not a folder"), "{run}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
}

#[test]
fn an_unknown_revision_names_the_repository() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "First");
    let before = env.ledger_state();
    let run = env.cv(&[
        "log",
        "--title",
        "x",
        "--commit",
        "no-such-branch",
        "--repo",
        repo.to_str().expect("utf8"),
    ]);
    let err = run.fails_with(2);
    assert!(
        err.contains("revision 'no-such-branch' does not name a commit in"),
        "{run}"
    );
    assert_eq!(env.ledger_state(), before);
}

#[test]
fn a_broken_entry_is_reported_with_its_location_and_the_rest_still_work() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Good one"]).ok();
    let broken = env.ledger().join("entries/2026/2026-11-01-broken.toml");
    std::fs::write(
        &broken,
        "id = \"2026-11-01-broken\"\ntitle = \"Broken\"\ndate = 2026-11-01\nsignals = [\"a\",\n",
    )
    .expect("write");
    let run = env.cv(&["list", "--json"]);
    assert_eq!(run.json().as_array().expect("array").len(), 1);
    assert!(
        run.stderr
            .contains("warning: skipping entries/2026/2026-11-01-broken.toml:4:16:"),
        "{run}"
    );
}

#[test]
fn a_broken_cv_toml_names_line_and_column() {
    let env = TestEnv::new();
    env.init();
    std::fs::write(
        env.ledger().join("cv.toml"),
        "[profile]\nlevel = \"mid\"\nnmae = \"x\"\n",
    )
    .expect("write");
    let run = env.cv(&["list"]);
    let err = run.fails_with(1);
    assert!(err.contains("cv.toml:3:1: unknown field `nmae`"), "{run}");
    // Commands that do not need the ledger still work.
    env.cv(&["levels"]).ok();
}

#[test]
fn a_ledger_path_that_is_a_file() {
    let env = TestEnv::new();
    let file = env.root().join("file");
    std::fs::write(&file, "x").expect("write");
    let run = env.cv(&["--ledger", file.to_str().expect("utf8"), "list"]);
    assert!(run.fails_with(1).contains("is not a folder"), "{run}");
    let run = env.cv(&["init", file.to_str().expect("utf8"), "--level", "mid"]);
    assert!(run.fails_with(1).contains("is not a folder"), "{run}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "x");
}

#[test]
fn help_and_version_go_to_stdout() {
    let env = TestEnv::new();
    let help = env.cv(&["log", "--help"]);
    assert!(help.ok().contains("Examples:"), "{help}");
    let version = env.cv(&["--version"]);
    assert!(version.ok().starts_with("cv "), "{version}");
    let bad = env.cv(&["lgo"]);
    assert!(
        bad.fails_with(2)
            .contains("error: unrecognized subcommand 'lgo'"),
        "{bad}"
    );
}
