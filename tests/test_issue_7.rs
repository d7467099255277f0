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
