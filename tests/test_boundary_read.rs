//! The ledger's boundary on the read side (issue 6): anything under
//! `entries/` that is not a regular file of at most 1 MB — a FIFO, a socket,
//! a folder named `*.toml`, a symbolic link, a huge file — is named as a
//! finding by every reading command, which then goes on with the other
//! entries. Each run is timed: before this was fixed, a FIFO hung `cv`
//! forever, and a hang must fail the test, not block the suite.

#![cfg(unix)]

use std::path::Path;
use std::time::Duration;

use crate::common::{Run, TestEnv};

/// How long one `cv` run may take before it counts as a hang.
const LIMIT: Duration = Duration::from_secs(10);

/// The two good entries every test starts with, newest first.
const GOOD: [&str; 2] = ["2026-10-01-faster-search", "2026-09-01-refund-flow"];

/// Runs `cv` with `args` (and `env_vars`), failing the test if it is still
/// running after [`LIMIT`].
fn within(env: &TestEnv, args: &[&str], env_vars: &[(&str, &str)]) -> Run {
    env.cv_within(args, env_vars, LIMIT)
}

/// A ledger holding the two [`GOOD`] entries.
fn ledger_with_two_entries() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    for (title, date) in [
        ("Faster search", "2026-10-01"),
        ("Refund flow", "2026-09-01"),
    ] {
        env.cv(&[
            "log",
            "--title",
            title,
            "--date",
            date,
            "--signal",
            "signal.defines-success-criteria",
            "--metric",
            "x: 1 -> 2",
        ])
        .ok();
    }
    env
}

fn ids(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

/// Asserts that every reading command names `rel` with `message` and goes
/// on with `listed` (the ids `cv list` still shows, newest first).
#[track_caller]
fn assert_named_and_skipped(env: &TestEnv, rel: &str, message: &str, listed: &[&str]) {
    let warning = format!("warning: skipping {rel}:1:1: {message}");

    let run = within(env, &["list", "--json"], &[]);
    assert_eq!(ids(&run), listed, "{run}");
    assert!(run.stderr.contains(&warning), "list:\n{run}");

    let run = within(env, &["list"], &[]);
    run.ok();
    assert!(run.stderr.contains(&warning), "list:\n{run}");

    let run = within(env, &["report", "--json"], &[]);
    let considered = run.json()["entries_considered"].as_u64();
    assert_eq!(considered, Some(listed.len() as u64), "{run}");
    assert!(run.stderr.contains(&warning), "report:\n{run}");

    if let Some(first) = listed.first() {
        // `cv show` reads only the entry it shows, so it still works (and
        // has nothing to say about the other file).
        let run = within(env, &["show", first], &[]);
        assert!(run.ok().contains(first), "show:\n{run}");
    }

    let run = within(env, &["check", "--json"], &[]);
    assert_eq!(run.code, 1, "check exits 1 on a finding:\n{run}");
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let found = findings
        .as_array()
        .expect("an array")
        .iter()
        .find(|f| f["file"] == rel)
        .unwrap_or_else(|| panic!("check names {rel}:\n{run}"));
    assert_eq!(found["kind"], "skipped", "{run}");
    assert_eq!((&found["line"], &found["column"]), (&1.into(), &1.into()));
    let text = found["message"].as_str().expect("message");
    assert!(text.starts_with(message), "{text}");

    let run = within(env, &["check"], &[]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stdout
            .contains(&format!("{rel}:1:1: skipped: {message}")),
        "{run}"
    );
}

/// Asserts that `cv show`, `cv link` and `cv edit` of the entry `id` at
/// `rel` stop with one `error:` line naming the file, exit 2, and change
/// nothing.
#[track_caller]
fn assert_refused_by_id(env: &TestEnv, id: &str, rel: &str, message: &str) {
    let before = env.ledger_state();
    let error = format!("error: {rel}:1:1: {message}");
    for args in [
        &["show", id][..],
        &["link", id, "--url", "https://example.com/proof"][..],
        &["edit", id][..],
    ] {
        let run = within(env, args, &[("EDITOR", "true")]);
        let stderr = run.fails_with(2);
        assert!(stderr.contains(&error), "{args:?}:\n{run}");
        // The hint fits the reason: `cv edit` cannot fix what it cannot read.
        assert!(
            stderr.contains("hint: ") && !stderr.contains("cv edit"),
            "{args:?}:\n{run}"
        );
    }
    assert_eq!(env.ledger_state(), before, "nothing changed");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn issue_6_a_fifo_named_like_an_entry_is_named_not_waited_on() {
    let env = ledger_with_two_entries();
    let rel = "entries/2026/2026-10-05-pipe.toml";
    mkfifo(&env.ledger().join(rel));
    let message = "not a regular file (a FIFO); cv skips it";
    assert_named_and_skipped(&env, rel, message, &GOOD);
    assert_refused_by_id(&env, "2026-10-05-pipe", rel, message);
}

#[test]
fn issue_6_a_socket_named_like_an_entry_is_named_and_skipped() {
    let env = ledger_with_two_entries();
    let rel = "entries/2026/2026-10-05-socket.toml";
    let _listener =
        std::os::unix::net::UnixListener::bind(env.ledger().join(rel)).expect("bind a socket");
    let message = "not a regular file (a socket); cv skips it";
    assert_named_and_skipped(&env, rel, message, &GOOD);
    assert_refused_by_id(&env, "2026-10-05-socket", rel, message);
}

#[test]
fn issue_6_a_folder_named_like_an_entry_does_not_stop_the_others() {
    let env = ledger_with_two_entries();
    let rel = "entries/2026/2026-10-05-folder.toml";
    std::fs::create_dir(env.ledger().join(rel)).expect("mkdir");
    std::fs::write(env.ledger().join(rel).join("inside.toml"), "x = 1\n").expect("write");
    let message = "not a regular file (a folder); cv skips it";
    assert_named_and_skipped(&env, rel, message, &GOOD);
    assert_refused_by_id(&env, "2026-10-05-folder", rel, message);
}

#[test]
fn issue_6_an_entry_over_1_mb_is_refused_without_reading_it() {
    let env = ledger_with_two_entries();
    let rel = "entries/2026/2026-10-05-huge.toml";
    // Sparse: 3 GB that cost no disk, and more memory than cv may take.
    let file = std::fs::File::create(env.ledger().join(rel)).expect("create");
    file.set_len(3 << 30).expect("set_len");
    let message = "the file is 3221225472 bytes; an entry is at most 1 MB";
    assert_named_and_skipped(&env, rel, message, &GOOD);
    assert_refused_by_id(&env, "2026-10-05-huge", rel, message);

    // The cold reader keeps the same rule: a committed file over the cap,
    // which the index vouches for, is refused before its blob is read.
    let committed = "entries/2026/2026-10-04-committed.toml";
    let path = env.ledger().join(committed);
    let text = format!(
        "id = \"2026-10-04-committed\"\ntitle = \"{}\"\ndate = 2026-10-04\n",
        "x".repeat(2_000_000)
    );
    std::fs::write(&path, &text).expect("write");
    env.git(&env.ledger(), &["add", committed]);
    env.git(&env.ledger(), &["commit", "-q", "-m", "a big one"]);
    let aged = std::process::Command::new("touch")
        .args(["-d", "2026-01-01 00:00:00"])
        .arg(&path)
        .status()
        .expect("touch");
    assert!(aged.success());
    env.git(&env.ledger(), &["update-index", "--refresh"]);
    let run = within(&env, &["list", "--json"], &[("CV_ASSUME_COLD", "1")]);
    assert_eq!(ids(&run), GOOD, "{run}");
    let refused = format!(
        "{committed}:1:1: the file is {} bytes; an entry is at most 1 MB",
        text.len()
    );
    assert!(run.stderr.contains(&refused), "{run}");
    assert!(run.stderr.contains(message), "{run}");

    // Just under the cap is an entry like any other.
    let padded = format!(
        "id = \"2026-10-06-padded\"\ntitle = \"Padded\"\ndate = 2026-10-06\nnotes = \"{}\"\n",
        "x".repeat(1_000_000)
    );
    std::fs::write(
        env.ledger().join("entries/2026/2026-10-06-padded.toml"),
        padded,
    )
    .expect("write");
    let run = within(&env, &["list", "--json"], &[]);
    assert_eq!(ids(&run), ["2026-10-06-padded", GOOD[0], GOOD[1]], "{run}");
}

#[test]
fn issue_6_symbolic_links_out_of_the_ledger_are_not_followed() {
    let env = ledger_with_two_entries();
    let outside = env.root().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    let entry =
        |id: &str, date: &str| format!("id = \"{id}\"\ntitle = \"Outside\"\ndate = {date}\n");
    std::fs::write(
        outside.join("2026-10-07-outside.toml"),
        entry("2026-10-07-outside", "2026-10-07"),
    )
    .expect("write");
    std::fs::write(
        outside.join("2025-10-07-elsewhere.toml"),
        entry("2025-10-07-elsewhere", "2025-10-07"),
    )
    .expect("write");
    let ledger = env.ledger();
    // An entry file that is a link, and a year folder that is a link.
    let file = "entries/2026/2026-10-07-outside.toml";
    std::os::unix::fs::symlink(outside.join("2026-10-07-outside.toml"), ledger.join(file))
        .expect("symlink");
    std::os::unix::fs::symlink(&outside, ledger.join("entries/2025")).expect("symlink");

    let message = "a symbolic link; cv does not follow links out of the ledger";
    assert_named_and_skipped(&env, file, message, &GOOD);
    assert_named_and_skipped(&env, "entries/2025", message, &GOOD);
    assert_refused_by_id(&env, "2026-10-07-outside", file, message);
    let run = within(&env, &["show", "2025-10-07-elsewhere"], &[]);
    run.fails_with(2);
    assert!(!run.stdout.contains("Outside"), "{run}");

    // `entries/` itself a link: nothing behind it is read.
    std::fs::rename(ledger.join("entries"), env.root().join("moved")).expect("move");
    std::os::unix::fs::symlink(env.root().join("moved"), ledger.join("entries")).expect("symlink");
    assert_named_and_skipped(&env, "entries", message, &[]);
    let run = within(&env, &["show", GOOD[0]], &[]);
    run.fails_with(2);
    assert!(!run.stdout.contains("Faster search"), "{run}");
}
