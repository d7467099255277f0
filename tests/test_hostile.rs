//! Hostile entry files (SPEC §6): huge, deeply nested, invalid UTF-8, BOM,
//! CRLF, integers out of range. No command may crash, hang or panic; each
//! broken file is reported with its location and the rest still work.

use std::time::Duration;

use crate::common::TestEnv;

/// Runs cv, failing the test if it takes longer than `limit`.
fn within(env: &TestEnv, args: &[&str], limit: Duration) -> (i32, String, String) {
    let run = env.cv_within(args, &[], limit);
    (run.code, run.stdout, run.stderr)
}

#[test]
fn hostile_files_never_crash_hang_or_hide() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "A normal entry", "--date", "2026-01-09"])
        .ok();
    let dir = env.ledger().join("entries/2026");
    let head = |id: &str, date: &str| format!("id = \"{id}\"\ntitle = \"x\"\ndate = {date}\n");
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "2026-01-01-nested",
            format!(
                "{}signals = {}{}\n",
                head("2026-01-01-nested", "2026-01-01"),
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
            .into_bytes(),
        ),
        (
            "2026-01-02-inline",
            format!(
                "{}x = {}1{}\n",
                head("2026-01-02-inline", "2026-01-02"),
                "{a = ".repeat(20_000),
                "}".repeat(20_000)
            )
            .into_bytes(),
        ),
        (
            "2026-01-03-huge",
            format!(
                "id = \"2026-01-03-huge\"\ntitle = \"{}\"\ndate = 2026-01-03\n",
                "x".repeat(1_000_000)
            )
            .into_bytes(),
        ),
        (
            "2026-01-10-over-cap",
            format!(
                "id = \"2026-01-10-over-cap\"\ntitle = \"{}\"\ndate = 2026-01-10\n",
                "x".repeat(5_000_000)
            )
            .into_bytes(),
        ),
        (
            "2026-01-04-bigint",
            format!(
                "{}[[metrics]]\nname = \"m\"\nafter = 99999999999999999999999999999\n",
                head("2026-01-04-bigint", "2026-01-04")
            )
            .into_bytes(),
        ),
        (
            "2026-01-05-crlf",
            b"\xef\xbb\xbfid = \"2026-01-05-crlf\"\r\ntitle = \"x\"\r\ndate = 2026-01-05\r\n"
                .to_vec(),
        ),
        (
            "2026-01-06-utf8",
            b"id = \"2026-01-06-utf8\"\ntitle = \"\xff\xfe\"\ndate = 2026-01-06\n".to_vec(),
        ),
        (
            "2026-01-07-dotted",
            format!(
                "{}{}b = 1\n",
                head("2026-01-07-dotted", "2026-01-07"),
                "a.".repeat(50_000)
            )
            .into_bytes(),
        ),
        ("2026-01-08-empty", Vec::new()),
    ];
    for (id, bytes) in &files {
        std::fs::write(dir.join(format!("{id}.toml")), bytes).expect("write");
    }
    let limit = Duration::from_secs(30);

    let (code, out, err) = within(&env, &["list", "--json"], limit);
    assert_eq!(code, 0, "{err}");
    let listed: serde_json::Value = serde_json::from_str(&out).expect("json");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect();
    // The readable ones are listed (BOM and CRLF are fine, so is a 1 MB title)…
    assert_eq!(
        ids,
        [
            "2026-01-09-a-normal-entry",
            "2026-01-05-crlf",
            "2026-01-03-huge"
        ]
    );
    // …and every other one is named with its location, none silently dropped.
    for broken in [
        "2026-01-01-nested",
        "2026-01-02-inline",
        "2026-01-04-bigint",
        "2026-01-06-utf8",
        "2026-01-07-dotted",
        "2026-01-08-empty",
        "2026-01-10-over-cap",
    ] {
        let warning = format!("warning: skipping entries/2026/{broken}.toml:");
        assert!(err.contains(&warning), "{broken}:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");

    let (code, out, err) = within(&env, &["list"], limit);
    assert_eq!(code, 0, "{err}");
    // A 5 MB file is not read at all (over the 1 MB cap, issue 6)…
    assert!(
        err.contains(
            "2026-01-10-over-cap.toml:1:1: the file is 5000056 bytes; an entry is at most 1 MB"
        ),
        "{err}"
    );
    // …and a 1 MB title is cut in the table (its full text stays in --json).
    assert!(
        out.contains('…') && out.len() < 20_000,
        "{} bytes",
        out.len()
    );

    let (code, _, err) = within(&env, &["check"], limit);
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = within(&env, &["report", "--json"], limit);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"entries_considered\": 3"), "{out}");
}
