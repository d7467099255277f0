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

/// Issue 7: a metric is one line in the --metric form (a bad one is asked
/// again), the picker filters as you type and never ticks everything, and
/// any number of links can be added.
#[test]
fn metrics_filtering_and_many_links_at_a_terminal() {
    let env = TestEnv::new();
    env.init();
    let levels = env.cv(&["levels", "mid", "--json"]).json();
    let items = levels["items"].as_array().expect("items").clone();
    let validate = items
        .iter()
        .find(|i| i["text"] == "Seeks feedback to validate assumptions")
        .and_then(|i| i["id"].as_str())
        .expect("the mid behaviour")
        .to_string();
    let mut cmd = in_terminal(&env);
    cmd.args([
        "log",
        "--title",
        "Faster search",
        "--date",
        "today",
        "--customer",
        "Shoppers",
        "--outcome",
        "Searches return in half the time",
    ]);
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("A metric, as").expect("metric prompt");
    p.send("p95: 2,1 -> 0,8 s\r").expect("send");
    p.expect("decimals with a dot")
        .expect("the comma is refused");
    // dialoguer keeps the refused text for correction: clear the line.
    p.send("\x15").expect("clear");
    p.send("p95: 2.1 s -> 0.8 s\r").expect("send");
    p.expect("Another metric").expect("second metric prompt");
    p.send(ENTER).expect("send");
    p.expect("Which signals does it evidence?").expect("picker");
    p.expect("mid.signal.")
        .expect("ids are shown, the counting ones first");
    // Typing filters; `a` never ticks every item (dialoguer's did).
    p.send("a").expect("type");
    std::thread::sleep(Duration::from_millis(300));
    p.send("\x7f").expect("erase it");
    std::thread::sleep(Duration::from_millis(300));
    p.send("validate").expect("filter");
    std::thread::sleep(Duration::from_millis(300));
    p.send(" ").expect("toggle the filtered item");
    std::thread::sleep(Duration::from_millis(300));
    p.send(ENTER).expect("accept");
    p.expect("that proves it").expect("link prompt");
    p.send("https://example.com/a\r").expect("send");
    p.expect("Another commit, PR or URL").expect("second link");
    p.send("https://example.com/b\r").expect("send");
    p.expect("Another commit, PR or URL").expect("third link");
    p.send(ENTER).expect("done");
    p.expect("Save this entry?").expect("summary");
    p.send(ENTER).expect("save");
    p.expect(Eof).expect("cv exits");

    let file = env.read("entries/2026/2026-11-22-faster-search.toml");
    assert!(
        file.contains("before = 2.1\nafter = 0.8\nunit = \"s\""),
        "{file}"
    );
    assert!(
        file.contains("https://example.com/a") && file.contains("https://example.com/b"),
        "{file}"
    );
    assert!(
        file.contains(&validate),
        "the filtered item was ticked:\n{file}"
    );
    let signals = file
        .lines()
        .find(|l| l.starts_with("signals"))
        .unwrap_or("");
    assert_eq!(
        signals,
        format!("signals = [\"{validate}\"]"),
        "only the ticked item: typing ticked nothing"
    );
}
