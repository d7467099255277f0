use crate::common::TestEnv;

#[test]
fn a_missing_ledger_says_to_run_init() {
    let env = TestEnv::new();
    let err = env.cv(&["list"]).fails_with(1).to_string();
    assert!(err.starts_with("error: no ledger at "), "{err}");
    assert!(err.contains("hint: run `cv init`"), "{err}");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Existing"]).ok();
    let before = env.ledger_state();
    let not_a_repo = env.root().join("home");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["log"], "a title is required"),
        (vec!["log", "--title", "  "], "title is empty"),
        (
            vec!["log", "--title", "x", "--date", "2026-02-30"],
            "is not a day of the calendar",
        ),
        (
            vec!["log", "--title", "x", "--date", "2027-01-01"],
            "is in the future",
        ),
        (
            vec!["log", "--title", "x", "--date", "someday"],
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
            "did you mean senior.behavior.drives-measurable-outcomes",
        ),
        (
            vec![
                "log",
                "--title",
                "x",
                "--signal",
                "defines-success-criteria",
            ],
            "is ambiguous",
        ),
        (
            vec!["log", "--title", "x", "--metric", "latency fast"],
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
            "is not a pull or merge request URL",
        ),
        (
            vec!["log", "--title", "x", "--url", "not a url"],
            "is not an http or https URL",
        ),
        (
            vec![
                "log",
                "--title",
                "x",
                "--commit",
                "HEAD",
                "--repo",
                not_a_repo.to_str().expect("utf8"),
            ],
            "is not inside a git repository",
        ),
        (
            vec!["report", "--since", "2026-12-01", "--until", "2026-11-01"],
            "starts",
        ),
        (vec!["report", "--to", "L9"], "unknown level"),
        (vec!["show", "no-such-entry"], "unknown entry"),
    ];
    for (args, expected) in cases {
        let run = env.cv(&args);
        let err = run.fails_with(2);
        assert!(err.starts_with("error: "), "{args:?}:\n{run}");
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?}:\n{run}"
        );
        assert_eq!(env.ledger_state(), before, "{args:?} changed the ledger");
    }
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
