//! `cv check`: findings with file:line:col, JSON, exit codes.

use crate::common::TestEnv;

#[test]
fn check_passes_on_a_good_ledger() {
    let env = TestEnv::new();
    env.init();
    env.cv(&[
        "log",
        "--title",
        "Fine",
        "--signal",
        "signal.defines-success-criteria",
        "--metric",
        "x: 1 -> 2",
    ])
    .ok();
    let run = env.cv(&["check"]);
    run.ok();
    assert!(run.stderr.contains("no problems found"), "{run}");
    assert_eq!(env.cv(&["check", "--json"]).json(), serde_json::json!([]));
}

#[test]
fn check_names_file_line_and_column_and_exits_1() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Fine"]).ok();
    let dir = env.ledger().join("entries/2026");
    std::fs::write(
        dir.join("2026-11-01-broken.toml"),
        "id = \"2026-11-01-broken\"\ntitle = \"Broken\"\ndate = 2026-11-01\nsignals = [\"a\",\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("2026-11-03-typo.toml"),
        "id = \"2026-11-03-typo\"\ntitle = \"Typo\"\ndate = 2026-11-03\nsignals = [\"mid.signal.defines-succes-criteria\"]\n",
    )
    .expect("write");
    let run = env.cv(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    let out = &run.stdout;
    assert!(
        out.contains("entries/2026/2026-11-01-broken.toml:4:16: parse error:"),
        "{run}"
    );
    assert!(
        out.contains("entries/2026/2026-11-03-typo.toml:4:12: unknown signal: 'mid.signal.defines-succes-criteria' names no item"),
        "{run}"
    );
    assert!(
        out.contains("hint: did you mean mid.signal.defines-success-criteria"),
        "{run}"
    );
    assert!(run.stderr.contains("2 problems found."), "{run}");
    assert!(
        !run.stderr.contains("error:"),
        "the findings are the message:\n{run}"
    );

    let json = env.cv(&["check", "--json"]);
    assert_eq!(json.code, 1);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(findings[0]["file"], "entries/2026/2026-11-01-broken.toml");
    assert_eq!(findings[0]["line"], 4);
    assert_eq!(findings[0]["kind"], "parse");
    assert_eq!(findings[1]["kind"], "unknown_signal");
}

#[test]
fn check_reports_a_broken_cv_toml_as_a_finding() {
    let env = TestEnv::new();
    env.init();
    std::fs::write(
        env.ledger().join("cv.toml"),
        "[profile]\nlevel = \"mid\"\nnmae = \"x\"\n",
    )
    .expect("write");
    let run = env.cv(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stdout
            .contains("cv.toml:3:1: config error: unknown field `nmae`"),
        "{run}"
    );
}
