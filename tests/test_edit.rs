//! `cv edit` and `cv rm`, with fake editors written as shell scripts (POSIX only).

#![cfg(unix)]

use crate::common::TestEnv;

const PATH: &str = "entries/2026/2026-11-02-faster-search.toml";
const HAND_WRITTEN: &str = "# My favourite win this quarter\nid = \"2026-11-02-faster-search\"\ntitle = \"Old title\"   # keep it short\ndate = 2026-11-02\nteam_okr = \"Q4-3\"\n";

fn ledger_with_hand_written_entry(env: &TestEnv) {
    env.init();
    env.cv(&["log", "--title", "Faster search", "--date", "2026-11-02"])
        .ok();
    std::fs::write(env.ledger().join(PATH), HAND_WRITTEN).expect("write");
    env.git(&env.ledger(), &["commit", "-q", "-am", "hand edit"]);
}

/// Runs `cv edit` with EDITOR set to `editor`.
fn edit(env: &TestEnv, editor: &str, id: &str) -> crate::common::Run {
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.args(["edit", id]).env("EDITOR", editor);
    let out = cmd.output().expect("run");
    crate::common::Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Writes an executable script and returns its path.
fn script(env: &TestEnv, name: &str, body: &str) -> String {
    let path = env.root().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    path.to_str().expect("utf8").to_string()
}

#[test]
fn edit_keeps_comments_and_unknown_keys_and_commits_once() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    // An editor command with arguments and quotes goes through `sh -c`, as in git.
    let run = edit(
        &env,
        "perl -pi -e 's/Old title/New title/'",
        "faster-search",
    );
    run.ok();
    let text = env.read(PATH);
    assert_eq!(text, HAND_WRITTEN.replace("Old title", "New title"));
    assert_eq!(env.ledger_log()[0], "edit: 2026-11-02-faster-search");
    env.assert_clean();
    assert!(
        !env.ledger()
            .join(".git/cv-drafts/2026-11-02-faster-search.toml")
            .exists()
    );
}

#[test]
fn an_invalid_edit_keeps_the_original_and_the_draft() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    let before = env.ledger_state();
    let breaks = script(&env, "breaks.sh", "printf 'signals = [\\n' >> \"$1\"");
    let run = edit(&env, &breaks, "faster-search");
    let err = run.fails_with(2);
    assert!(
        err.contains("was not changed: the edited entry is not valid"),
        "{run}"
    );
    assert!(
        err.contains(&format!("warning: {PATH}:6:12:")),
        "the problem is located:\n{run}"
    );
    assert_eq!(env.ledger_state(), before);
    assert_eq!(env.read(PATH), HAND_WRITTEN);
    let draft = env
        .ledger()
        .join(".git/cv-drafts/2026-11-02-faster-search.toml");
    let typed = std::fs::read_to_string(&draft).expect("the draft is kept");
    assert!(typed.ends_with("signals = [\n"), "{typed}");

    // The next edit resumes the draft; an editor that fixes it saves it.
    let fixes = script(
        &env,
        "fixes.sh",
        "perl -pi -e 's/^signals = \\[$/signals = [\"mid.signal.defines-success-criteria\"]/' \"$1\"",
    );
    let run = edit(&env, &fixes, "faster-search");
    run.ok();
    assert!(run.stderr.contains("Resuming your draft"), "{run}");
    let text = env.read(PATH);
    assert!(text.starts_with(HAND_WRITTEN), "{text}");
    assert!(
        text.ends_with("signals = [\"mid.signal.defines-success-criteria\"]\n"),
        "{text}"
    );
    assert!(!draft.exists());
    env.assert_clean();
}

#[test]
fn an_editor_that_fails_aborts() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    let before = env.ledger_state();
    let fails = script(&env, "fails.sh", "echo 'garbage' > \"$1\"; exit 3");
    let run = edit(&env, &fails, "faster-search");
    assert!(
        run.fails_with(1)
            .contains("the editor exited with exit status: 3; nothing was changed"),
        "{run}"
    );
    assert_eq!(env.ledger_state(), before);
    assert_eq!(env.read(PATH), HAND_WRITTEN);
}

#[test]
fn a_new_date_gives_the_id_of_that_date_and_an_id_change_is_refused() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    let run = edit(
        &env,
        "perl -pi -e s/^date\\ =\\ 2026-11-02/date\\ =\\ 2025-12-30/",
        "faster-search",
    );
    run.ok();
    assert!(!env.ledger().join(PATH).exists());
    // Issue 7: the id keeps matching its date (cv check holds it to that),
    // and the entry moves to its new year's folder.
    let moved = env.read("entries/2025/2025-12-30-faster-search.toml");
    assert!(moved.contains("date = 2025-12-30"), "{moved}");
    assert!(
        moved.contains("id = \"2025-12-30-faster-search\""),
        "{moved}"
    );
    env.assert_clean();
    env.cv(&["check"]).ok();

    let before = env.ledger_state();
    let run = edit(
        &env,
        "perl -pi -e s/faster-search/slower-search/",
        "2025-12-30-faster-search",
    );
    assert!(run.fails_with(2).contains("the id changed"), "{run}");
    assert_eq!(env.ledger_state(), before);
}

#[test]
fn an_edit_never_drops_a_change_made_while_the_editor_was_open() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    // The "editor" links a URL to the same entry through cv, then edits.
    let cv = env!("CARGO_BIN_EXE_cv");
    let racing = script(
        &env,
        "racing.sh",
        &format!(
            "{cv} link faster-search --url https://dash.example/search >/dev/null 2>&1\nperl -pi -e 's/Old title/New title/' \"$1\""
        ),
    );
    let run = edit(&env, &racing, "faster-search");
    assert!(
        run.fails_with(1)
            .contains("changed while it was being edited; nothing was saved"),
        "{run}"
    );
    assert_eq!(
        env.ledger_log()[0],
        "link: 2026-11-02-faster-search",
        "the link landed"
    );
    let text = env.read(PATH);
    assert!(
        text.contains("https://dash.example/search") && text.contains("Old title"),
        "{text}"
    );
    let draft = env
        .ledger()
        .join(".git/cv-drafts/2026-11-02-faster-search.toml");
    assert!(
        std::fs::read_to_string(draft)
            .expect("the edit is kept")
            .contains("New title")
    );
    env.assert_clean();
}

#[test]
fn no_change_makes_no_commit() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    let before = env.ledger_state();
    let run = edit(&env, "true", "faster-search");
    assert!(
        run.ok().is_empty() && run.stderr.contains("No changes"),
        "{run}"
    );
    assert_eq!(env.ledger_state(), before);
}

#[test]
fn rm_needs_yes_without_a_terminal_and_then_commits() {
    let env = TestEnv::new();
    ledger_with_hand_written_entry(&env);
    let before = env.ledger_state();
    let run = env.cv(&["rm", "faster-search"]);
    assert!(run.fails_with(2).contains("hint: pass --yes"), "{run}");
    assert_eq!(env.ledger_state(), before);
    env.cv(&["rm", "faster-search", "--yes"]).ok();
    assert_eq!(env.ledger_log()[0], "rm: 2026-11-02-faster-search");
    assert!(!env.ledger().join(PATH).exists());
    env.assert_clean();
    // History keeps it.
    let old = env.git(&env.ledger(), &["show", &format!("HEAD~1:{PATH}")]);
    assert!(old.contains("team_okr"), "{old}");
}
