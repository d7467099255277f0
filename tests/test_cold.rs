//! Reading entries from the object store when files are not in the page
//! cache (Linux). `CV_ASSUME_COLD` makes every file look uncached, since
//! tests cannot drop the page cache.

#![cfg(target_os = "linux")]

use std::process::Command;

use crate::common::TestEnv;

fn cold(env: &TestEnv, args: &[&str]) -> String {
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.args(args).env("CV_ASSUME_COLD", "1");
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn cold_reads_give_the_same_answers_and_never_a_stale_blob() {
    let env = TestEnv::new();
    env.init();
    for (title, date) in [
        ("Faster search", "2026-10-01"),
        ("Refund flow", "2026-09-01"),
        ("Status page", "2025-12-01"),
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
    // Age the files and let git record their stat data, so the index vouches
    // for them and the object-store path is taken.
    let entries = env.ledger().join("entries");
    let status = Command::new("sh")
        .arg("-c")
        .arg("find . -name '*.toml' -exec touch -d '2026-01-01 00:00:00' {} +")
        .current_dir(&entries)
        .status()
        .expect("touch");
    assert!(status.success());
    env.git(&env.ledger(), &["update-index", "--refresh"]);

    for args in [&["report", "--json"][..], &["list", "--json"][..]] {
        assert_eq!(cold(&env, args), env.cv(args).ok(), "{args:?}");
    }

    // A hand edit the index has not seen must be read from the file.
    let path = env
        .ledger()
        .join("entries/2026/2026-10-01-faster-search.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("title = \"Faster search\"", "title = \"Quicker search\""),
    )
    .expect("write");
    let listed = cold(&env, &["list", "--json"]);
    assert!(listed.contains("\"title\": \"Quicker search\""), "{listed}");
    assert_eq!(listed, env.cv(&["list", "--json"]).ok());
}
