//! `cv log` at a real terminal: a pseudo-terminal driven by expectrl.

#![cfg(unix)]

use std::process::Stdio;
use std::time::Duration;

use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};

use crate::common::TestEnv;

/// A `cv` command whose standard streams are the pty's: TestEnv closes
/// stdin by default, and `Command::exec` would re-apply that after the pty
/// is attached.
fn in_terminal(env: &TestEnv) -> std::process::Command {
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.env("TERM", "xterm")
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    cmd
}

/// Enter, as a terminal sends it.
const ENTER: &str = "\r";

#[test]
fn a_typical_entry_takes_eight_answers_and_picks_the_suggestion_and_head() {
    let env = TestEnv::new();
    env.init();
    let (repo, sha) = env.work_repo("shop", "Rank search results with typo tolerance (#88)");
    let mut cmd = in_terminal(&env);
    cmd.arg("log").current_dir(&repo);
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut answers = 0;
    let mut answer = |p: &mut OsSession, prompt: &str, keys: &str| {
        p.expect(prompt)
            .unwrap_or_else(|e| panic!("no prompt {prompt:?}: {e}"));
        p.send(keys).expect("send");
        answers += 1;
    };
    answer(&mut p, "What did you ship?", "Typo-tolerant search\r");
    answer(&mut p, "When did it reach the customer?", ENTER);
    answer(&mut p, "Who did it help?", "Shoppers on mobile\r");
    answer(
        &mut p,
        "What changed for them",
        "Defined the success criteria with product first; zero-result searches down to 4%\r",
    );
    answer(&mut p, "A metric, as", ENTER);
    answer(&mut p, "Which signals does it evidence?", ENTER);
    answer(&mut p, "Link the proof", ENTER);
    answer(&mut p, "Save this entry?", ENTER);
    p.expect(Eof).expect("cv exits");
    assert_eq!(answers, 8);

    let id = "2026-11-22-typo-tolerant-search";
    let file = env.read(&format!("entries/2026/{id}.toml"));
    assert!(file.contains("title = \"Typo-tolerant search\""), "{file}");
    assert!(file.contains("date = 2026-11-22"), "{file}");
    assert!(file.contains("customer = \"Shoppers on mobile\""), "{file}");
    assert!(
        file.contains("signals = [\"mid.signal.defines-success-criteria\"]"),
        "the suggestion was pre-selected:\n{file}"
    );
    assert!(
        file.contains(&format!("sha = \"{sha}\"")),
        "the offered HEAD was linked:\n{file}"
    );
    assert!(
        file.contains("url = \"https://github.com/acme/shop/pull/88\""),
        "and its PR:\n{file}"
    );
    assert_eq!(env.ledger_log()[0], "log: Typo-tolerant search");
    env.assert_clean();
}

#[test]
fn declining_at_the_summary_saves_nothing() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    let mut cmd = in_terminal(&env);
    cmd.args([
        "log",
        "--title",
        "Not this one",
        "--date",
        "today",
        "--customer",
        "x",
        "--outcome",
        "y",
    ])
    .args([
        "--metric",
        "m: 1 -> 2",
        "--signal",
        "signal.defines-success-criteria",
        "--url",
        "https://x.example",
    ]);
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    // Every field came from a flag: only the confirmation is asked.
    p.expect("Save this entry?").expect("summary");
    p.send("n").expect("send");
    p.expect("Nothing saved.").expect("declined");
    p.expect(Eof).expect("cv exits");
    assert_eq!(env.ledger_state(), before);
}

#[test]
fn init_asks_for_the_level_name_and_email() {
    let env = TestEnv::new();
    let mut cmd = in_terminal(&env);
    cmd.arg("init");
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("Your current level").expect("level prompt");
    p.send("\x1b[B\r").expect("down to senior"); // the list starts on mid
    p.expect("Your name").expect("name prompt");
    p.send("Grace Example\r").expect("send");
    p.expect("Email your commits use").expect("email prompt");
    p.send("grace@example.com\r").expect("send");
    p.expect(Eof).expect("cv exits");
    let config = env.read("cv.toml");
    assert!(config.contains("name = \"Grace Example\""), "{config}");
    assert!(
        config.contains("emails = [\"grace@example.com\"]"),
        "{config}"
    );
    assert!(config.contains("level = \"senior\""), "{config}");
    assert!(config.contains("# target = \"staff\""), "{config}");
    assert_eq!(env.ledger_log(), ["init: Grace Example"]);
}
