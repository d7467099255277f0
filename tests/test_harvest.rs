//! Issue 9: `cv harvest` on a real history with several authors, a mailmap
//! alias, a merged and a squash-merged pull request, checked against
//! `git log --author`; and the `--pick` inbox driven at a pseudo-terminal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};

use crate::common::TestEnv;

/// The shop's history, the SHAs the tests look for by name.
struct History {
    repo: PathBuf,
    /// Ada's commits on the `filters` branch, merged as PR #15.
    filters: Vec<String>,
    /// The merge commit of PR #15 (committed by Ada).
    merge: String,
    /// Ada's squash merge of PR #12, with a Customer-Value trailer.
    squash: String,
    /// Ada's commit under her old address, mapped by .mailmap.
    alias: String,
    /// Bob's commits.
    bob: Vec<String>,
}

/// Builds the history: dates fixed, authors set per commit.
fn shop(env: &TestEnv) -> History {
    let (repo, _) = env.work_repo("shop", "Initial import");
    let run_git = |args: &[&str], email: &str, date: &str| env.git_as(&repo, args, email, date);
    let commit = |file: &str, message: &str, email: &str, date: &str| {
        std::fs::write(repo.join(file), message).expect("write");
        env.git(&repo, &["add", "-A"]);
        run_git(&["commit", "-q", "-m", message], email, date)
    };
    std::fs::write(
        repo.join(".mailmap"),
        "Ada Example <ada@example.com> <ada@old.example>\n",
    )
    .expect("mailmap");
    let mut bob = vec![commit(
        "ci.txt",
        "Add a mailmap",
        "bob@example.com",
        "2026-09-01T09:00:00Z",
    )];
    let alias = commit(
        "alias.txt",
        "Tidy the cart page",
        "ada@old.example",
        "2026-09-10T09:00:00Z",
    );
    env.git(&repo, &["switch", "-q", "-c", "filters"]);
    let filters = vec![
        commit(
            "filter.txt",
            "Add a price filter",
            "ada@example.com",
            "2026-10-01T09:00:00Z",
        ),
        commit(
            "filter2.txt",
            "Remember the filter per shopper",
            "ada@example.com",
            "2026-10-02T09:00:00Z",
        ),
    ];
    env.git(&repo, &["switch", "-q", "-"]);
    bob.push(commit(
        "bob.txt",
        "Bump the CI image",
        "bob@example.com",
        "2026-10-03T09:00:00Z",
    ));
    let merge = run_git(
        &[
            "merge",
            "-q",
            "--no-ff",
            "filters",
            "-m",
            "Merge pull request #15 from ada/filters",
            "-m",
            "Filter results by price",
        ],
        "ada@example.com",
        "2026-10-04T09:00:00Z",
    );
    let squash = commit(
        "search.txt",
        "Typo-tolerant search (#12)\n\nCustomer-Value: zero-result searches down to 4%",
        "Ada@Example.com",
        "2026-10-10T09:00:00Z",
    );
    bob.push(commit(
        "bob2.txt",
        "Fix a flaky test (#13)",
        "bob@example.com",
        "2026-10-11T09:00:00Z",
    ));
    History {
        repo,
        filters,
        merge,
        squash,
        alias,
        bob,
    }
}

/// `cv harvest --pick --since SINCE` in `dir`, at a pseudo-terminal.
fn pick_at_a_terminal(env: &TestEnv, dir: &Path, since: &str) -> OsSession {
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.args(["harvest", "--pick", "--since", since])
        .current_dir(dir)
        .env("TERM", "xterm")
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    let mut p = Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p
}

/// Waits for `prompt`, then types `keys`.
fn answer(p: &mut OsSession, prompt: &str, keys: &str) {
    p.expect(prompt)
        .unwrap_or_else(|e| panic!("no prompt {prompt:?}: {e}"));
    p.send(keys).expect("send");
}

fn harvested(env: &TestEnv, h: &History, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["harvest", "--since", "2026-06-01", "--json"];
    args.extend_from_slice(extra);
    let run = env.cv_in(&h.repo, &args);
    run.json().as_array().expect("an array").clone()
}

fn shas(found: &[serde_json::Value]) -> BTreeSet<String> {
    found
        .iter()
        .map(|c| c["sha"].as_str().expect("sha").to_string())
        .collect()
}

/// Must show: exactly the user's commits (git log's set), grouped by PR,
/// the trailer flagged, and a commit dropped once an entry links it.
#[test]
fn harvest_lists_exactly_what_git_log_finds_grouped_by_request() {
    let env = TestEnv::new();
    env.init();
    let h = shop(&env);

    let found = harvested(&env, &h, &[]);
    // git's own answer to the same question: Ada's commits (through the
    // mailmap, any case) committed since the date, reachable from HEAD.
    let git_log = env.git(
        &h.repo,
        &[
            "log",
            "--use-mailmap",
            "--regexp-ignore-case",
            "--author=<ada@example.com>",
            "--since=2026-06-01T00:00:00Z",
            "--format=%H",
        ],
    );
    let expected: BTreeSet<String> = git_log.lines().map(str::to_string).collect();
    assert_eq!(shas(&found), expected, "cv harvest vs git log");
    let mut ada: BTreeSet<String> = h.filters.iter().cloned().collect();
    ada.extend([h.merge.clone(), h.squash.clone(), h.alias.clone()]);
    assert_eq!(expected, ada, "the fixture is what the test thinks it is");
    for sha in &h.bob {
        assert!(!shas(&found).contains(sha), "Bob's {sha} harvested");
    }

    let by_sha = |sha: &str| {
        found
            .iter()
            .find(|c| c["sha"] == sha)
            .unwrap_or_else(|| panic!("{sha} not harvested"))
            .clone()
    };
    assert_eq!(by_sha(&h.squash)["pr"], 12);
    assert_eq!(
        by_sha(&h.squash)["customer_value"],
        "zero-result searches down to 4%"
    );
    assert_eq!(by_sha(&h.merge)["pr"], 15);
    assert_eq!(by_sha(&h.alias)["author"], "ada@example.com");
    assert_eq!(by_sha(&h.alias)["pr"], serde_json::Value::Null);
    assert_eq!(by_sha(&h.merge)["repo"], "https://github.com/acme/shop");
    // Newest first, as SPEC §4 says.
    let dates: Vec<&str> = found.iter().filter_map(|c| c["date"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    // The table groups PR #15's merge with the branch commits it brought.
    let table = env.cv_in(&h.repo, &["harvest", "--since", "2026-06-01"]);
    let out = table.ok();
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("PR #15") && l.contains("Filter results by price (3 commits)"))
        .unwrap_or_else(|| panic!("no PR #15 group:\n{out}"));
    for sha in &h.filters {
        let short = &sha[..7];
        let row = lines
            .iter()
            .position(|l| l.contains(short))
            .unwrap_or_else(|| panic!("{short} not listed:\n{out}"));
        assert!(
            (at + 1..=at + 3).contains(&row),
            "{short} is not in PR #15's group:\n{out}"
        );
    }
    assert!(
        out.contains("Customer-Value: zero-result searches"),
        "{out}"
    );

    // Once an entry links a commit, harvest no longer offers it.
    env.cv_in(
        &h.repo,
        &[
            "log",
            "--title",
            "Typo-tolerant search",
            "--commit",
            &h.squash,
        ],
    )
    .ok();
    let after = shas(&harvested(&env, &h, &[]));
    assert!(!after.contains(&h.squash));
    assert_eq!(after.len(), expected.len() - 1);
}

/// Must show: a `--pick` session at a real terminal logs PR #15's three
/// commits as one entry, pre-filled, asking only what commits cannot say.
#[test]
fn pick_logs_one_requests_commits_as_one_entry() {
    let env = TestEnv::new();
    env.init();
    let h = shop(&env);
    let mut p = pick_at_a_terminal(&env, &h.repo, "2026-06-01");
    let mut step = |prompt: &str, keys: &str| answer(&mut p, prompt, keys);
    // Typing filters the inbox to the one request (a space would tick the
    // highlighted line); space ticks it.
    step("Which of these did you ship?", "#15");
    step("Filter results by price", " \r");
    step("Who did it help?", "Shoppers comparing prices\r");
    step(
        "What changed for them",
        "a third of searches now use the filter\r",
    );
    step("A metric, as", "searches using a filter: 0 -> 33 %\r");
    step("Another metric", "\r");
    step("Which signals does it evidence?", "\r");
    step("Save this entry?", "\r");
    p.expect("1 entry logged.").expect("the summary");
    p.expect(Eof).expect("cv exits");

    let id = "2026-10-04-filter-results-by-price";
    let file = env.read(&format!("entries/2026/{id}.toml"));
    assert!(
        file.contains("title = \"Filter results by price\""),
        "{file}"
    );
    assert!(
        file.contains("date = 2026-10-04"),
        "the merge's day:\n{file}"
    );
    assert!(
        file.contains("customer = \"Shoppers comparing prices\""),
        "{file}"
    );
    for sha in h.filters.iter().chain([&h.merge]) {
        assert!(file.contains(&format!("sha = \"{sha}\"")), "{sha}:\n{file}");
    }
    assert!(
        file.contains("url = \"https://github.com/acme/shop/pull/15\""),
        "{file}"
    );
    assert!(!file.contains(&h.squash), "only the ticked group:\n{file}");
    assert_eq!(env.ledger_log()[0], "log: Filter results by price");
    env.assert_clean();

    // The request's commits are logged now; the rest still wait.
    let left = shas(&harvested(&env, &h, &[]));
    let expected: BTreeSet<String> = [h.squash.clone(), h.alias.clone()].into();
    assert_eq!(left, expected);
}

/// Without a terminal `--pick` cannot ask: a usage error, nothing written.
#[test]
fn pick_without_a_terminal_is_refused() {
    let env = TestEnv::new();
    env.init();
    let h = shop(&env);
    let before = env.ledger_state();
    let run = env.cv_in(&h.repo, &["harvest", "--pick"]);
    assert!(run.fails_with(2).contains("--pick asks questions"), "{run}");
    assert_eq!(env.ledger_state(), before);
}

/// Attack round: Bob merged Ada's PR, so the merge is not hers; her branch
/// commits still form the request's group, and --pick's draft takes the
/// request's title and the day it landed from Bob's merge. A local revert
/// of a squash merge quotes its `(#N)` but is not that request.
#[test]
fn a_request_merged_by_someone_else_keeps_its_title_and_day() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    let git_as = |args: &[&str], email: &str, date: &str| env.git_as(&repo, args, email, date);
    env.git(&repo, &["switch", "-q", "-c", "typos"]);
    let empty = ["commit", "-q", "--allow-empty", "-m"];
    let first = git_as(
        &[&empty[..], &["zz first real change"]].concat(),
        "ada@example.com",
        "2026-11-02T12:00:00Z",
    );
    let second = git_as(
        &[&empty[..], &["aa tolerate one typo"]].concat(),
        "ada@example.com",
        "2026-11-02T15:00:00Z",
    );
    env.git(&repo, &["switch", "-q", "-"]);
    git_as(
        &[
            "merge",
            "-q",
            "--no-ff",
            "typos",
            "-m",
            "Merge pull request #42 from ada/typos",
            "-m",
            "Make search typo-tolerant",
        ],
        "bob@example.com",
        "2026-11-03T09:00:00Z",
    );
    std::fs::write(repo.join("cart.txt"), "faster").expect("write");
    env.git(&repo, &["add", "cart.txt"]);
    let squash = git_as(
        &["commit", "-q", "-m", "Faster cart (#50)"],
        "ada@example.com",
        "2026-11-04T09:00:00Z",
    );
    let revert = git_as(
        &["revert", "--no-edit", &squash],
        "ada@example.com",
        "2026-11-05T09:00:00Z",
    );

    let run = env.cv_in(&repo, &["harvest", "--since", "2026-11-01", "--json"]);
    let found = run.json();
    let pr_of = |sha: &str| {
        found
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c["sha"] == sha)
            .unwrap_or_else(|| panic!("{sha} not harvested:\n{run}"))["pr"]
            .clone()
    };
    assert_eq!(pr_of(&first), 42);
    assert_eq!(pr_of(&second), 42);
    assert_eq!(pr_of(&squash), 50);
    assert_eq!(
        pr_of(&revert),
        serde_json::Value::Null,
        "a revert is not #50"
    );

    // The same walk through --pick, at a terminal.
    let mut p = pick_at_a_terminal(&env, &repo, "2026-11-01");
    let mut step = |prompt: &str, keys: &str| answer(&mut p, prompt, keys);
    step("Which of these did you ship?", "#42");
    step("Make search typo-tolerant", " \r");
    step("Who did it help?", "\r");
    step("What changed for them", "\r");
    step("A metric, as", "\r");
    step("Which signals does it evidence?", "\r");
    step("Save this entry?", "\r");
    p.expect("1 entry logged.").expect("the summary");
    p.expect(Eof).expect("cv exits");
    let file = env.read("entries/2026/2026-11-03-make-search-typo-tolerant.toml");
    assert!(
        file.contains("date = 2026-11-03"),
        "the merge's day:\n{file}"
    );
    assert!(file.contains(&first) && file.contains(&second), "{file}");
}

/// Attack round: a `[repos]` path gone from this machine is skipped with a
/// warning naming cv.toml; the others are still walked. A clone of a local
/// folder is named by its own path, not by its upstream's (whose commits
/// may not include the clone's), nor as a made-up https address.
#[test]
fn gone_repos_are_skipped_and_local_clones_named_by_their_path() {
    let env = TestEnv::new();
    env.init();
    let (upstream, _) = env.work_repo("up", "Base");
    let clone = env.root().join("work").join("clone");
    env.git(
        &env.root().join("work"),
        &[
            "clone",
            "-q",
            &format!("file://{}", upstream.display()),
            clone.to_str().expect("utf-8"),
        ],
    );
    env.git(
        &clone,
        &["commit", "-q", "--allow-empty", "-m", "Unpushed work"],
    );
    let sha = env.git(&clone, &["rev-parse", "HEAD"]).trim().to_string();
    let found = env
        .cv_in(
            &clone,
            &["harvest", "--json", "--author", "test@example.com"],
        )
        .json();
    let canonical = clone.canonicalize().expect("canonical");
    assert_eq!(found[0]["sha"], sha.as_str());
    assert_eq!(found[0]["repo"], canonical.to_str().expect("utf-8"));
    env.cv_in(&clone, &["log", "--title", "Unpushed", "--commit", "HEAD"])
        .ok();
    let checks = env.cv(&["verify", "--json"]).json();
    assert_eq!(checks[0]["status"], "ok", "{checks}");

    let config = env.read("cv.toml");
    let repos = format!(
        "[repos]\n\"https://github.com/acme/gone\" = \"~/src/gone\"\n\"https://github.com/acme/up\" = \"{}\"\n",
        upstream.display()
    );
    assert!(config.contains("\n[repos]\n"), "{config}");
    std::fs::write(
        env.ledger().join("cv.toml"),
        config.replacen("[repos]\n", &repos, 1),
    )
    .expect("write cv.toml");
    let run = env.cv_in(
        env.root(),
        &[
            "harvest",
            "--json",
            "--since",
            "2000-01-01",
            "--author",
            "test@example.com",
        ],
    );
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stderr
            .contains("skipping https://github.com/acme/gone from cv.toml [repos]"),
        "{run}"
    );
    assert_eq!(run.json().as_array().map(Vec::len), Some(1), "{run}");
}

/// Attack round: a commit's day is the one in its own time zone (as
/// `git log --date=short` shows it); commits of one day are newest first by
/// time; a mailmap entry matches an address spelled in capitals.
#[test]
fn days_in_the_commits_zone_newest_first_and_mailmap_any_case() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    std::fs::write(
        repo.join(".mailmap"),
        "Ada Example <ada@example.com> <old@corp.com>\n",
    )
    .expect("mailmap");
    env.git(&repo, &["add", ".mailmap"]);
    env.git(&repo, &["commit", "-q", "-m", "mailmap"]);
    let commit = |message: &str, email: &str, date: &str| {
        env.git_as(
            &repo,
            &["commit", "-q", "--allow-empty", "-m", message],
            email,
            date,
        )
    };
    let late_in_la = commit(
        "Late evening in LA",
        "ada@example.com",
        "2026-09-30T20:00:00-0700",
    );
    let noon = commit("Noon", "OLD@CORP.COM", "2026-10-02T12:00:00Z");
    let morning = commit("Morning", "ada@example.com", "2026-10-02T09:00:00Z");
    let evening = commit("Evening", "ada@example.com", "2026-10-02T18:00:00Z");
    let found = env
        .cv_in(&repo, &["harvest", "--since", "2026-09-01", "--json"])
        .json();
    let listed: Vec<(&str, &str)> = found
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["sha"].as_str().unwrap_or(""),
                c["date"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (evening.as_str(), "2026-10-02"),
            (noon.as_str(), "2026-10-02"),
            (morning.as_str(), "2026-10-02"),
            (late_in_la.as_str(), "2026-09-30"),
        ],
        "{found}"
    );
    assert_eq!(found[1]["author"], "ada@example.com");
}

/// Attack round: a history cv cannot read to its end (a commit object gone)
/// is an error naming the repository, not a shorter list that looks whole.
#[test]
fn a_history_cv_cannot_read_is_an_error_not_a_short_list() {
    let env = TestEnv::new();
    env.init();
    let (repo, base) = env.work_repo("shop", "Initial import");
    env.git(&repo, &["commit", "-q", "--allow-empty", "-m", "Second"]);
    let object = repo.join(".git/objects").join(&base[..2]).join(&base[2..]);
    std::fs::remove_file(&object).expect("remove a commit object");
    let before = env.ledger_state();
    let run = env.cv_in(
        &repo,
        &[
            "harvest",
            "--since",
            "2000-01-01",
            "--author",
            "test@example.com",
        ],
    );
    let stderr = run.fails_with(1);
    assert!(stderr.contains("cannot read the history of"), "{run}");
    assert!(stderr.contains("git fsck"), "{run}");
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(env.ledger_state(), before);
}

/// Attack round (cv mcp): a PR shorthand is not expanded with the ledger's
/// own remote; the ledger is no forge of the user's work.
#[test]
fn a_pr_shorthand_is_not_resolved_in_the_ledger() {
    let env = TestEnv::new();
    env.init();
    env.git(
        &env.ledger(),
        &[
            "remote",
            "add",
            "origin",
            "git@github.com:ada/cv-ledger.git",
        ],
    );
    let before = env.ledger_state();
    let run = env.cv_in(
        &env.ledger(),
        &["log", "--title", "Not proof", "--pr", "#1"],
    );
    assert!(run.fails_with(2).contains("in the ledger itself"), "{run}");
    assert_eq!(env.ledger_state(), before);
}

/// Second attack round: an octopus merge's fifth parent and beyond are
/// walked; with `--all`, a merged branch that still exists keeps its
/// commits in the request's group; a shallow clone is walked to its
/// boundary, not refused.
#[test]
fn octopus_parents_kept_branches_and_shallow_clones() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    let email = ["--author", "test@example.com", "--since", "2000-01-01"];
    let mut octopus = Vec::new();
    for i in 1..=6 {
        env.git(&repo, &["switch", "-q", "-c", &format!("b{i}"), "main"]);
        env.git(
            &repo,
            &["commit", "-q", "--allow-empty", "-m", &format!("oct{i}")],
        );
        octopus.push(env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string());
    }
    env.git(&repo, &["switch", "-q", "main"]);
    let branches: Vec<String> = (1..=6).map(|i| format!("b{i}")).collect();
    let mut merge = vec!["merge", "-q", "--no-ff", "-m", "Merge octopus"];
    merge.extend(branches.iter().map(String::as_str));
    env.git(&repo, &merge);
    for b in &branches {
        env.git(&repo, &["branch", "-q", "-D", b]);
    }
    env.git(&repo, &["switch", "-q", "-c", "feat"]);
    env.git(
        &repo,
        &["commit", "-q", "--allow-empty", "-m", "Feature work"],
    );
    let feature = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    env.git(&repo, &["switch", "-q", "main"]);
    env.git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "feat",
            "-m",
            "Merge pull request #11 from t/feat",
        ],
    );

    let mut args = vec!["harvest", "--json", "--all"];
    args.extend(email);
    let found = env.cv_in(&repo, &args).json();
    let shas: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["sha"].as_str())
        .collect();
    for sha in &octopus {
        assert!(
            shas.contains(&sha.as_str()),
            "octopus parent {sha} missed:\n{found}"
        );
    }
    let pr_of = |sha: &str| {
        found
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c["sha"] == sha)
            .map(|c| c["pr"].clone())
    };
    assert_eq!(pr_of(&feature), Some(serde_json::json!(11)), "{found}");

    let shallow = env.root().join("work").join("shallow");
    env.git(
        &env.root().join("work"),
        &[
            "clone",
            "-q",
            "--depth",
            "2",
            &format!("file://{}", repo.display()),
            shallow.to_str().expect("utf-8"),
        ],
    );
    let mut args = vec!["harvest", "--json"];
    args.extend(email);
    let run = env.cv_in(&shallow, &args);
    let listed = run.json();
    assert!(
        listed.as_array().is_some_and(|a| !a.is_empty()),
        "a shallow clone is walked to its boundary:\n{run}"
    );
}

/// Third attack round: an address the mailmap maps to someone else is no
/// longer the author's own (git reads it so), and a `.mailmap` committed as
/// a symlink is not followed (git refuses it too): here, to /dev/zero,
/// which would never end.
#[test]
fn the_mailmap_maps_addresses_away_and_is_never_followed_through_a_symlink() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    std::fs::write(
        repo.join(".mailmap"),
        "Bob Smith <bob@new.test> <shared@x.test>\n",
    )
    .expect("mailmap");
    env.git(&repo, &["add", ".mailmap"]);
    let mut cmd = env.command("git");
    cmd.arg("-C")
        .arg(&repo)
        .args(["commit", "-q", "-m", "Bob's change"])
        .env("GIT_AUTHOR_EMAIL", "shared@x.test");
    assert!(cmd.status().expect("git").success());
    let bobs = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let found = env
        .cv_in(&repo, &["harvest", "--json", "--author", "shared@x.test"])
        .json();
    assert_eq!(found, serde_json::json!([]), "mapped away: not shared@'s");
    let found = env
        .cv_in(&repo, &["harvest", "--json", "--author", "bob@new.test"])
        .json();
    assert_eq!(found[0]["sha"], bobs.as_str(), "{found}");

    std::fs::remove_file(repo.join(".mailmap")).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", repo.join(".mailmap")).expect("symlink");
    let run = env.cv_within(
        &[
            "harvest",
            "--json",
            "--repo",
            repo.to_str().expect("utf-8"),
            "--author",
            "shared@x.test",
        ],
        &[],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        run.json()[0]["sha"],
        bobs.as_str(),
        "without a mailmap the address is its own"
    );
}

/// Third attack round: a request stacked on another and merged into that
/// one's branch first keeps its commits, and the base request, merged into
/// main later, takes its own (before, the stacked merge's line hid them).
#[test]
fn a_request_merged_into_another_requests_branch_keeps_both_groups() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    let commit = |message: &str| {
        env.git(&repo, &["commit", "-q", "--allow-empty", "-m", message]);
        env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string()
    };
    env.git(&repo, &["switch", "-q", "-c", "a"]);
    let a1 = commit("a1");
    let a2 = commit("a2");
    env.git(&repo, &["switch", "-q", "-c", "b"]);
    let b1 = commit("b1");
    env.git(&repo, &["switch", "-q", "a"]);
    env.git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "b",
            "-m",
            "Merge pull request #12 from t/b",
        ],
    );
    env.git(&repo, &["switch", "-q", "main"]);
    env.git(
        &repo,
        &[
            "merge",
            "-q",
            "--no-ff",
            "a",
            "-m",
            "Merge pull request #11 from t/a",
        ],
    );
    let found = env
        .cv_in(
            &repo,
            &["harvest", "--json", "--author", "test@example.com"],
        )
        .json();
    let pr_of = |sha: &str| {
        found
            .as_array()
            .expect("array")
            .iter()
            .find(|c| c["sha"] == sha)
            .map(|c| c["pr"].clone())
            .unwrap_or_else(|| panic!("{sha} not harvested:\n{found}"))
    };
    assert_eq!(pr_of(&a1), 11, "{found}");
    assert_eq!(pr_of(&a2), 11, "{found}");
    assert_eq!(pr_of(&b1), 12, "{found}");
}
