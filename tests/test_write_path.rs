//! The write path (SPEC §6): concurrent writers, killed writers, recovery,
//! and isolation from the environment and from the user's staged work.

use std::process::Stdio;

use crate::common::TestEnv;

#[test]
fn eight_concurrent_writers_all_land() {
    let env = TestEnv::new();
    env.init();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
            cmd.args([
                "log",
                "--title",
                "Same title from every writer",
                "--notes",
                &format!("writer {i}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
            cmd.spawn().expect("spawn")
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "every writer got its own id: {ids:?}");
    let log = env.ledger_log();
    assert_eq!(log.len(), 9, "{log:?}");
    assert_eq!(
        log.iter()
            .filter(|m| *m == "log: Same title from every writer")
            .count(),
        8
    );
    let files = env.git(&env.ledger(), &["ls-files", "entries"]);
    assert_eq!(files.lines().count(), 8, "{files}");
    for i in 0..8 {
        let grep = env.git(
            &env.ledger(),
            &[
                "grep",
                "-l",
                &format!("writer {i}\""),
                "HEAD",
                "--",
                "entries",
            ],
        );
        assert_eq!(grep.lines().count(), 1, "writer {i}'s entry is in HEAD");
    }
    env.assert_clean();
    env.git(&env.ledger(), &["fsck", "--strict"]);
}

#[test]
fn a_write_killed_before_its_commit_is_rolled_back() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Kept"]).ok();
    let head = env.ledger_state().0;
    // What a writer killed after renaming its file but before the commit
    // leaves: the journal, the new file, a stray temp file, and the index
    // lock it took (the same file as its own `cv-index.own`, which is how
    // the next cv proves the lock is the dead writer's).
    let dir = env.ledger().join("entries/2026");
    std::fs::write(
        dir.join("2026-11-22-half-done.toml"),
        "id = \"2026-11-22-half-done\"\n",
    )
    .expect("write");
    std::fs::write(dir.join(".2026-11-22-half-done.toml.cv-tmp"), "partial").expect("write");
    std::fs::write(
        env.ledger().join(".git/cv-journal"),
        "entries/2026/2026-11-22-half-done.toml\n",
    )
    .expect("write");
    std::fs::write(env.ledger().join(".git/cv-index.own"), "").expect("write");
    std::fs::hard_link(
        env.ledger().join(".git/cv-index.own"),
        env.ledger().join(".git/index.lock"),
    )
    .expect("link");

    let list = env.cv(&["list", "--json"]).json();
    assert_eq!(
        list.as_array().expect("array").len(),
        1,
        "only the committed entry"
    );
    env.assert_clean();
    assert_eq!(env.ledger_state().0, head);
    assert!(!dir.join(".2026-11-22-half-done.toml.cv-tmp").exists());
    assert!(!env.ledger().join(".git/cv-journal").exists());
    assert!(!env.ledger().join(".git/index.lock").exists());
    assert!(!env.ledger().join(".git/cv-index.own").exists());
    env.cv(&["log", "--title", "After recovery"]).ok();
    env.assert_clean();
}

#[test]
fn a_write_killed_after_its_commit_is_finished() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Committed"]).ok();
    let path = "entries/2026/2026-11-22-committed.toml";
    // Killed after moving the branch, before updating the index: the index
    // still lacks the file, and the journal is there.
    env.git(&env.ledger(), &["rm", "-q", "--cached", path]);
    std::fs::write(env.ledger().join(".git/cv-journal"), format!("{path}\n")).expect("write");
    env.cv(&["list"]).ok();
    env.assert_clean();
    assert_eq!(env.ledger_log().len(), 2);
    assert!(env.read(path).contains("title = \"Committed\""));
}

#[test]
fn git_environment_variables_cannot_redirect_a_write() {
    let env = TestEnv::new();
    env.init();
    let (other, _) = env.work_repo("other", "Other repo");
    let before = env.git(&other, &["rev-parse", "HEAD"]);
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.args(["log", "--title", "Goes to the ledger"])
        .env("GIT_DIR", other.join(".git"))
        .env("GIT_WORK_TREE", &other)
        .env("GIT_INDEX_FILE", other.join(".git/index"));
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.git(&other, &["rev-parse", "HEAD"]), before);
    assert_eq!(env.ledger_log()[0], "log: Goes to the ledger");
    env.assert_clean();
}

#[test]
fn a_users_staged_work_is_not_swept_into_cv_commits() {
    let env = TestEnv::new();
    env.init();
    std::fs::write(env.ledger().join("scratch.md"), "mine").expect("write");
    env.git(&env.ledger(), &["add", "scratch.md"]);
    env.cv(&["log", "--title", "Only this"]).ok();
    let changed = env.git(&env.ledger(), &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(changed.trim(), "entries/2026/2026-11-22-only-this.toml");
    let status = env.git(&env.ledger(), &["status", "--porcelain"]);
    assert_eq!(
        status, "A  scratch.md\n",
        "the user's staged file stays staged"
    );
}

#[test]
fn a_failed_write_is_rolled_back_at_once_and_leaves_others_locks_alone() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    // Another git process is moving the branch: it holds the ref's lock.
    let lock = env.ledger().join(".git/refs/heads/main.lock");
    std::fs::write(&lock, "").expect("lock");
    let run = env.cv(&["log", "--title", "Blocked"]);
    let err = run.fails_with(1);
    assert!(
        err.contains("another git process holds") && err.contains("main.lock"),
        "{run}"
    );
    assert_eq!(
        env.ledger_state(),
        before,
        "the new file was taken back at once"
    );
    assert!(lock.exists(), "a lock cv does not own is not removed");
    assert!(!env.ledger().join(".git/cv-journal").exists());
    std::fs::remove_file(&lock).expect("unlock");
    env.cv(&["log", "--title", "Unblocked"]).ok();
    env.assert_clean();
}
