//! `cv link`: proof added in place, comments and unknown keys kept.

use crate::common::TestEnv;

#[test]
fn link_keeps_comments_and_unknown_keys_and_commits_once() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Faster search", "--date", "2026-11-02"])
        .ok();
    let path = "entries/2026/2026-11-02-faster-search.toml";
    let hand_written = "# My favourite win this quarter\nid = \"2026-11-02-faster-search\"\ntitle = \"Faster search\"   # keep it short\ndate = 2026-11-02\nteam_okr = \"Q4-3\"\n";
    std::fs::write(env.ledger().join(path), hand_written).expect("write");
    env.git(&env.ledger(), &["commit", "-q", "-am", "hand edit"]);

    let (repo, sha) = env.work_repo("shop", "Speed up search (#77)");
    let run = env.cv_in(
        &repo,
        &["link", "faster-search", "--commit", "HEAD", "--pr", "#77"],
    );
    run.ok();
    assert!(
        run.stderr
            .contains("Linked 2 pieces of proof to 2026-11-02-faster-search"),
        "{run}"
    );
    let text = env.read(path);
    assert!(
        text.starts_with(hand_written),
        "the hand-written part is untouched:\n{text}"
    );
    assert!(text.contains(&format!("sha = \"{sha}\"")), "{text}");
    assert!(
        text.contains("url = \"https://github.com/acme/shop/pull/77\""),
        "{text}"
    );
    assert_eq!(env.ledger_log()[0], "link: 2026-11-02-faster-search");
    env.assert_clean();

    let before = env.ledger_state();
    let again = env.cv_in(&repo, &["link", "faster-search", "--commit", "HEAD"]);
    again.ok();
    assert!(
        again
            .stderr
            .contains("already has every one of those links"),
        "{again}"
    );
    assert_eq!(env.ledger_state(), before, "no empty commit");

    let report = env.cv(&["list", "--json"]).json();
    assert_eq!(report[0]["links"].as_array().expect("links").len(), 2);
}

#[test]
fn link_refuses_a_broken_entry_and_bad_flags() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Broken soon"]).ok();
    let path = env
        .ledger()
        .join("entries/2026/2026-11-22-broken-soon.toml");
    std::fs::write(&path, "id = \"2026-11-22-broken-soon\"\ntitle = \"Broken soon\"\ndate = 2026-11-22\nsignals = [\n").expect("write");
    env.git(&env.ledger(), &["commit", "-q", "-am", "break it"]);
    let before = env.ledger_state();
    // A broken entry is named with its location, and refused.
    let run = env.cv(&["link", "broken-soon", "--url", "https://x.example"]);
    let err = run.fails_with(2);
    assert!(
        err.contains("error: entries/2026/2026-11-22-broken-soon.toml:4:12:"),
        "{run}"
    );
    assert!(err.contains("`cv edit 2026-11-22-broken-soon`"), "{run}");
    assert_eq!(env.ledger_state(), before);
    let run = env.cv(&["link", "broken-soon"]);
    assert!(run.fails_with(2).contains("nothing to link"), "{run}");
}

#[test]
fn link_json_says_which_entry_and_how_many_links_were_new() {
    let env = TestEnv::new();
    env.init();
    env.cv(&["log", "--title", "Faster search", "--date", "2026-11-02"])
        .ok();
    let url = "https://dashboards.example.com/search";
    let first = env.cv(&["link", "faster-search", "--url", url, "--json"]);
    assert_eq!(
        first.json(),
        serde_json::json!({"id": "2026-11-02-faster-search", "added": 1})
    );
    let before = env.ledger_state();
    let again = env.cv(&["link", "faster-search", "--url", url, "--json"]);
    assert_eq!(again.json()["added"], 0);
    assert_eq!(env.ledger_state(), before, "nothing new, nothing committed");
}
