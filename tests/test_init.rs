//! `cv init`: a private ledger, its starter cv.toml and first commit.

use crate::common::TestEnv;

#[test]
fn init_creates_a_private_ledger_with_one_commit() {
    let env = TestEnv::new();
    let run = env.cv(&[
        "init",
        "--name",
        "Ada Example",
        "--email",
        "ada@example.com",
        "--level",
        "mid",
    ]);
    run.ok();
    assert!(run.stderr.contains("Created a ledger at"), "{run}");
    let config = env.read("cv.toml");
    assert!(config.contains("name = \"Ada Example\""), "{config}");
    assert!(
        config.contains("emails = [\"ada@example.com\"]"),
        "{config}"
    );
    assert!(config.contains("level = \"mid\""), "{config}");
    assert!(
        config.contains("# \"https://github.com/acme/shop\" = \"~/src/shop\""),
        "comments kept:\n{config}"
    );
    assert_eq!(env.ledger_log(), ["init: Ada Example"]);
    assert_eq!(
        env.git(&env.ledger(), &["branch", "--show-current"]).trim(),
        "main"
    );
    env.assert_clean();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.ledger())
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}

#[test]
fn init_twice_is_refused_and_changes_nothing() {
    let env = TestEnv::new();
    env.init();
    let before = env.ledger_state();
    let err = env
        .cv(&["init", "--level", "senior"])
        .fails_with(1)
        .to_string();
    assert!(err.contains("already holds a cv ledger"), "{err}");
    assert_eq!(env.ledger_state(), before);
    assert!(env.read("cv.toml").contains("level = \"mid\""));
}

#[test]
fn init_without_a_level_and_no_terminal_asks_for_the_flag() {
    let env = TestEnv::new();
    let err = env.cv(&["init"]).fails_with(2).to_string();
    assert!(err.starts_with("error: --level is required"), "{err}");
    assert!(err.contains("hint: pass --level"), "{err}");
    assert!(!env.ledger().exists(), "nothing is created on bad input");
}

#[test]
fn init_defaults_the_email_to_git_config_and_takes_a_path() {
    let env = TestEnv::new();
    let path = env.root().join("elsewhere");
    env.cv(&[
        "init",
        path.to_str().expect("utf8"),
        "--level",
        "L3",
        "--target",
        "staff",
    ])
    .ok();
    let config = std::fs::read_to_string(path.join("cv.toml")).expect("cv.toml");
    assert!(config.contains("name = \"Test User\""), "{config}");
    assert!(
        config.contains("emails = [\"test@example.com\"]"),
        "{config}"
    );
    assert!(config.contains("level = \"senior\""), "{config}");
    assert!(config.contains("target = \"staff\""), "{config}");
}
