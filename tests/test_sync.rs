//! `cv sync` and `cv init --remote`: two ledgers on one bare repository in
//! the temp dir (a file path, so no network), through every case of issue
//! 10. Each test checks what landed — entries in HEAD, the remote's branch,
//! a clean work tree, `cv check` — not only exit codes.

use std::path::{Path, PathBuf};

use crate::common::{Run, TestEnv};

/// Two machines' ledgers, `a` and `b`, and the bare remote between them.
struct Two {
    env: TestEnv,
    remote: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

impl Two {
    /// An empty bare remote; `a` created with `--remote` (pushes), `b`
    /// cloned from it.
    fn new() -> Two {
        let two = Two::empty();
        two.cv(
            &two.a,
            &[
                "init",
                "--remote",
                two.url(),
                "--name",
                "Ada",
                "--level",
                "mid",
            ],
        )
        .ok();
        two.cv(&two.b, &["init", "--remote", two.url()]).ok();
        two
    }

    /// Only the bare remote.
    fn empty() -> Two {
        let env = TestEnv::new();
        let remote = env.root().join("remote.git");
        env.git(env.root(), &["init", "-q", "--bare", "remote.git"]);
        Two {
            a: env.root().join("a"),
            b: env.root().join("b"),
            remote,
            env,
        }
    }

    fn url(&self) -> &str {
        self.remote.to_str().expect("utf-8 temp path")
    }

    /// Runs `cv --ledger <ledger> args…`.
    fn cv(&self, ledger: &Path, args: &[&str]) -> Run {
        self.cv_env(ledger, args, &[])
    }

    fn cv_env(&self, ledger: &Path, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut all = vec!["--ledger", ledger.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        self.env.cv_env(&all, vars)
    }

    /// Logs an entry titled `title`; returns its id.
    fn log(&self, ledger: &Path, title: &str) -> String {
        self.log_with(ledger, title, &[])
    }

    /// Logs an entry with `more` flags; returns its id.
    fn log_with(&self, ledger: &Path, title: &str, more: &[&str]) -> String {
        let mut args = vec!["--json", "log", "--title", title, "--outcome", "shipped"];
        args.extend_from_slice(more);
        let out = self.cv(ledger, &args);
        out.json()["id"].as_str().expect("id").to_string()
    }

    fn sync(&self, ledger: &Path) -> serde_json::Value {
        self.cv(ledger, &["--json", "sync"]).json()
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        self.env.git(dir, args).trim().to_string()
    }

    fn head(&self, ledger: &Path) -> String {
        self.git(ledger, &["rev-parse", "HEAD"])
    }

    fn remote_main(&self) -> String {
        self.git(&self.remote, &["rev-parse", "main"])
    }

    /// The entry files in HEAD.
    fn entries(&self, ledger: &Path) -> Vec<String> {
        self.git(ledger, &["ls-tree", "-r", "--name-only", "HEAD", "entries"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// HEAD and the work tree's status, to show nothing changed.
    fn state(&self, ledger: &Path) -> (String, String) {
        (
            self.head(ledger),
            self.git(ledger, &["status", "--porcelain", "--untracked-files=all"]),
        )
    }

    /// `cv check` passes, the work tree is clean, git accepts the repository,
    /// and no merge is left half done.
    #[track_caller]
    fn assert_healthy(&self, ledger: &Path) {
        self.cv(ledger, &["check"]).ok();
        assert_eq!(
            self.git(ledger, &["status", "--porcelain", "--untracked-files=all"]),
            "",
            "work tree of {} not clean",
            ledger.display()
        );
        self.git(ledger, &["fsck", "--no-progress"]);
        assert!(!ledger.join(".git/MERGE_HEAD").exists());
    }

    /// Replaces `outcome` in entry `id` of `ledger` and commits, as a person
    /// editing the file by hand would.
    fn set_outcome(&self, ledger: &Path, id: &str, outcome: &str) {
        let rel = format!("entries/2026/{id}.toml");
        let path = ledger.join(&rel);
        let text = std::fs::read_to_string(&path).expect("read entry");
        let changed: String = text
            .lines()
            .map(|l| {
                if l.starts_with("outcome = ") {
                    format!("outcome = \"{outcome}\"\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_ne!(changed, text, "no outcome line in {text}");
        std::fs::write(&path, changed).expect("write entry");
        self.git(ledger, &["commit", "-q", "-m", "edit by hand", "--", &rel]);
    }
}

#[test]
fn init_remote_pushes_to_an_empty_remote_and_clones_one_that_holds_a_ledger() {
    let two = Two::new();
    // The empty remote received a's ledger; b is a clone of it.
    assert_eq!(two.remote_main(), two.head(&two.a));
    assert_eq!(two.head(&two.b), two.head(&two.a));
    assert_eq!(
        std::fs::read_to_string(two.b.join("cv.toml")).expect("b's cv.toml"),
        std::fs::read_to_string(two.a.join("cv.toml")).expect("a's cv.toml")
    );
    for ledger in [&two.a, &two.b] {
        // Plain git works beside cv: origin, and the branch tracking it.
        assert_eq!(two.git(ledger, &["remote", "get-url", "origin"]), two.url());
        assert_eq!(
            two.git(ledger, &["rev-parse", "--abbrev-ref", "main@{upstream}"]),
            "origin/main"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(ledger)
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "{}", ledger.display());
        }
        two.assert_healthy(ledger);
    }
    // A third machine's flags differ: applied as one more commit, the
    // remote's cv.toml otherwise kept (its name; emails added to).
    let c = two.env.root().join("c");
    let out = two.cv(
        &c,
        &[
            "init",
            "--remote",
            two.url(),
            "--email",
            "ada@work.example",
            "--level",
            "senior",
        ],
    );
    out.ok();
    assert!(out.stderr.contains("Cloned the ledger"), "{out}");
    let log = two.git(&c, &["log", "--format=%s"]);
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(
        log.starts_with("init: level, emails on this machine"),
        "{log}"
    );
    let config = std::fs::read_to_string(c.join("cv.toml")).expect("c's cv.toml");
    assert!(config.contains("name = \"Ada\""), "{config}");
    assert!(config.contains("level = \"senior\""), "{config}");
    assert!(
        config.contains("\"test@example.com\", \"ada@work.example\""),
        "{config}"
    );
    two.assert_healthy(&c);
    // No flags that differ: no extra commit.
    assert_eq!(two.git(&two.b, &["log", "--format=%s"]).lines().count(), 1);
    // A relative path names the remote from where cv runs (`work/`), and is
    // kept absolute, as `git clone` does.
    let d = two.env.root().join("d");
    two.cv(&d, &["init", "--remote", "../remote.git"]).ok();
    let kept = two.git(&d, &["remote", "get-url", "origin"]);
    assert!(Path::new(&kept).is_absolute(), "{kept}");
    assert_eq!(two.head(&d), two.head(&two.a));
}

#[test]
fn the_same_state_syncs_to_nothing() {
    let two = Two::new();
    let before = two.state(&two.a);
    let out = two.cv(&two.a, &["sync"]);
    out.ok();
    assert!(
        out.stderr.contains("Already up to date with origin/main"),
        "{out}"
    );
    let json = two.sync(&two.a);
    assert_eq!(
        (json["pulled"].as_u64(), json["pushed"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(two.state(&two.a), before);
    assert_eq!(two.remote_main(), before.0);
}

#[test]
fn local_ahead_pushes_and_remote_ahead_fast_forwards() {
    let two = Two::new();
    let id = two.log(&two.a, "Cut checkout latency");
    // Local ahead: pushed, nothing pulled.
    let out = two.cv(&two.a, &["sync"]);
    out.ok();
    assert!(out.stderr.contains("pulled 0 entries, pushed 1"), "{out}");
    assert_eq!(two.remote_main(), two.head(&two.a));
    // Remote ahead: b's branch moves to the same commit, no merge commit.
    let json = two.sync(&two.b);
    assert_eq!(
        (json["pulled"].as_u64(), json["pushed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(json["merged"], false);
    assert_eq!(two.head(&two.b), two.head(&two.a));
    assert_eq!(two.entries(&two.b), [format!("entries/2026/{id}.toml")]);
    let shown = two.cv(&two.b, &["show", &id]);
    assert!(shown.ok().contains("Cut checkout latency"), "{shown}");
    two.assert_healthy(&two.a);
    two.assert_healthy(&two.b);
}

#[test]
fn both_ahead_with_different_entries_merge_without_asking() {
    let two = Two::new();
    let from_a = two.log(&two.a, "From the laptop");
    let from_b = two.log(&two.b, "From the work machine");
    two.sync(&two.a);
    let dry = two.cv(&two.b, &["--json", "sync", "--dry-run"]).json();
    assert_eq!(
        (dry["ahead"].as_u64(), dry["behind"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (dry["pulled"].as_u64(), dry["pushed"].as_u64()),
        (Some(1), Some(1))
    );
    let before = two.head(&two.b);
    assert_eq!(two.head(&two.b), before, "a dry run changes nothing");
    let json = two.sync(&two.b);
    assert_eq!(
        (json["pulled"].as_u64(), json["pushed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(json["merged"], true);
    // A merge commit of both sides, now on the remote.
    let parents = two.git(&two.b, &["rev-list", "--parents", "-n1", "HEAD"]);
    assert_eq!(parents.split(' ').count(), 3, "{parents}");
    assert_eq!(two.remote_main(), two.head(&two.b));
    two.sync(&two.a);
    assert_eq!(two.head(&two.a), two.head(&two.b));
    let mut expected = vec![
        format!("entries/2026/{from_a}.toml"),
        format!("entries/2026/{from_b}.toml"),
    ];
    expected.sort();
    assert_eq!(two.entries(&two.a), expected);
    assert_eq!(two.entries(&two.b), expected);
    two.assert_healthy(&two.a);
    two.assert_healthy(&two.b);
}

#[test]
fn links_added_to_the_same_entry_on_both_sides_are_all_kept() {
    let two = Two::new();
    let id = two.log(&two.a, "Cut checkout latency");
    two.sync(&two.a);
    two.sync(&two.b);
    two.cv(
        &two.a,
        &["link", &id, "--url", "https://dash.example/laptop"],
    )
    .ok();
    two.cv(&two.b, &["link", &id, "--url", "https://dash.example/work"])
        .ok();
    two.sync(&two.a);
    let json = two.sync(&two.b);
    assert_eq!(json["merged"], true);
    two.sync(&two.a);
    for ledger in [&two.a, &two.b] {
        let text =
            std::fs::read_to_string(ledger.join(format!("entries/2026/{id}.toml"))).expect("entry");
        assert!(text.contains("https://dash.example/laptop"), "{text}");
        assert!(text.contains("https://dash.example/work"), "{text}");
        two.assert_healthy(ledger);
    }
    assert_eq!(two.head(&two.a), two.head(&two.b));
}

#[test]
fn the_same_field_changed_on_both_sides_stops_with_both_versions_intact() {
    let two = Two::new();
    let id = two.log(&two.a, "Cut checkout latency");
    two.sync(&two.a);
    two.sync(&two.b);
    two.set_outcome(&two.a, &id, "p95 0.8 s");
    two.set_outcome(&two.b, &id, "p95 0.9 s");
    two.sync(&two.a);
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(
        err.contains(&format!("entries/2026/{id}.toml (outcome)")),
        "{out}"
    );
    assert!(err.contains("nothing was changed"), "{out}");
    assert!(err.contains("--prefer"), "{out}");
    assert!(err.contains(&format!("cv edit {id}")), "{out}");
    // Nothing changed, nothing half done, both versions in b's history.
    assert_eq!(two.state(&two.b), before);
    two.assert_healthy(&two.b);
    let rel = format!("entries/2026/{id}.toml");
    assert!(
        two.git(&two.b, &["show", &format!("HEAD:{rel}")])
            .contains("p95 0.9 s")
    );
    assert!(
        two.git(&two.b, &["show", &format!("origin/main:{rel}")])
            .contains("p95 0.8 s")
    );
    // The dry run names it too, and the ledger stays usable.
    let dry = two.cv(&two.b, &["--json", "sync", "--dry-run"]).json();
    assert_eq!(dry["conflicts"][0]["fields"][0], "outcome");
    two.log(&two.b, "Another one");
    // Resolved by choosing a side.
    let json = two
        .cv(&two.b, &["--json", "sync", "--prefer", "remote"])
        .json();
    assert_eq!(json["merged"], true);
    two.sync(&two.a);
    for ledger in [&two.a, &two.b] {
        let text = std::fs::read_to_string(ledger.join(&rel)).expect("entry");
        assert!(text.contains("outcome = \"p95 0.8 s\""), "{text}");
        assert_eq!(two.entries(ledger).len(), 2);
        two.assert_healthy(ledger);
    }
}

#[test]
fn a_push_rejected_because_the_other_side_pushed_meanwhile_retries() {
    let two = Two::new();
    let b1 = two.log(&two.b, "First from work");
    two.sync(&two.b);
    // b has one more commit, which it pushes while a is between its fetch
    // and its push: a's own git runs this hook when the fetch moves a ref.
    let b2 = two.log(&two.b, "Second from work");
    let a1 = two.log(&two.a, "From the laptop");
    let marker = two.env.root().join("hook-ran");
    let hook = two.a.join(".git/hooks/reference-transaction");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\n[ \"$1\" = committed ] || exit 0\n[ -e '{marker}' ] && exit 0\n: > '{marker}'\nunset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_OBJECT_DIRECTORY GIT_QUARANTINE_PATH\ngit -C '{b}' push -q origin main\n",
            marker = marker.display(),
            b = two.b.display()
        ),
    )
    .expect("hook");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let json = two.sync(&two.a);
    assert!(marker.exists(), "the competing push ran");
    assert_eq!(json["cycles"].as_u64(), Some(2), "{json}");
    assert_eq!(json["pulled"].as_u64(), Some(2), "{json}");
    assert_eq!(two.remote_main(), two.head(&two.a));
    let mut expected: Vec<String> = [&a1, &b1, &b2]
        .iter()
        .map(|id| format!("entries/2026/{id}.toml"))
        .collect();
    expected.sort();
    assert_eq!(two.entries(&two.a), expected);
    two.assert_healthy(&two.a);
    two.sync(&two.b);
    assert_eq!(two.entries(&two.b), expected);
}

#[test]
fn an_unreachable_remote_is_a_clear_error_that_changes_nothing() {
    let two = Two::new();
    two.log(&two.a, "Cut checkout latency");
    let gone = two.env.root().join("moved-away.git");
    two.git(
        &two.a,
        &["remote", "set-url", "origin", gone.to_str().expect("utf-8")],
    );
    let before = two.state(&two.a);
    let out = two.cv(&two.a, &["sync"]);
    let err = out.fails_with(1);
    assert!(
        err.contains("error: cannot fetch from `origin`; nothing was changed"),
        "{out}"
    );
    assert!(err.contains("moved-away.git"), "git's own message: {out}");
    assert!(err.contains("hint: "), "{out}");
    assert_eq!(two.state(&two.a), before);
    two.assert_healthy(&two.a);
    // `cv log` never touches the network: it works all the same.
    two.log(&two.a, "Offline entry");
    // An empty remote and no --level where cv cannot ask: refused, and the
    // folder it had made is gone.
    let empty = two.env.root().join("empty.git");
    two.git(two.env.root(), &["init", "-q", "--bare", "empty.git"]);
    let e = two.env.root().join("e");
    two.cv(&e, &["init", "--remote", empty.to_str().expect("utf-8")])
        .fails_with(2);
    assert!(!e.exists());
    assert_eq!(two.git(&empty, &["for-each-ref"]), "", "nothing pushed");
    // `cv init --remote` with it creates nothing.
    let c = two.env.root().join("c");
    two.cv(
        &c,
        &[
            "init",
            "--remote",
            gone.to_str().expect("utf-8"),
            "--level",
            "mid",
        ],
    )
    .fails_with(1);
    assert!(!c.exists());
}

#[test]
fn a_remote_that_is_not_a_ledger_is_refused() {
    let two = Two::empty();
    // Someone's code in the remote: history, no cv.toml.
    let (work, _) = two.env.work_repo("shop", "Initial commit");
    two.git(&work, &["push", "-q", two.url(), "HEAD:refs/heads/main"]);
    let out = two.cv(&two.a, &["init", "--remote", two.url(), "--level", "mid"]);
    let err = out.fails_with(2);
    assert!(err.contains("is not a cv ledger"), "{out}");
    assert!(!two.a.exists(), "nothing was created");
    // An empty folder given stays empty.
    std::fs::create_dir(&two.b).expect("mkdir");
    two.cv(&two.b, &["init", "--remote", two.url(), "--level", "mid"])
        .fails_with(2);
    assert_eq!(std::fs::read_dir(&two.b).expect("read").count(), 0);
    // A ledger whose origin is that repository: no shared history.
    two.env.init();
    let ledger = two.env.ledger();
    two.git(&ledger, &["remote", "add", "origin", two.url()]);
    let before = two.state(&ledger);
    let out = two.cv(&ledger, &["sync"]);
    assert!(out.fails_with(1).contains("shares no history"), "{out}");
    assert_eq!(two.state(&ledger), before);
}

#[test]
fn a_ledger_without_a_remote_says_how_to_add_one() {
    let env = TestEnv::new();
    env.init();
    let out = env.cv(&["sync"]);
    let err = out.fails_with(1);
    assert!(err.contains("has no remote to sync with"), "{out}");
    assert!(err.contains("remote add origin"), "{out}");
}

#[test]
fn cv_refuses_to_write_during_a_merge_the_user_left_in_progress() {
    let two = Two::new();
    let id = two.log(&two.a, "Cut checkout latency");
    two.sync(&two.a);
    two.sync(&two.b);
    two.set_outcome(&two.a, &id, "p95 0.8 s");
    two.set_outcome(&two.b, &id, "p95 0.9 s");
    two.sync(&two.a);
    // A `git pull` by hand that stops on the conflict.
    two.git(&two.b, &["fetch", "-q", "origin"]);
    let merge = two
        .env
        .command("git")
        .args(["-C", two.b.to_str().expect("utf-8"), "merge", "origin/main"])
        .output()
        .expect("git merge");
    assert!(!merge.status.success(), "the merge conflicts");
    let out = two.cv(
        &two.b,
        &["log", "--title", "During the merge", "--outcome", "x"],
    );
    let err = out.fails_with(1);
    assert!(err.contains("in the middle of a merge"), "{out}");
    assert!(
        err.contains("git merge --continue") && err.contains("git merge --abort"),
        "{out}"
    );
    two.cv(&two.b, &["sync"]).fails_with(1);
    two.git(&two.b, &["merge", "--abort"]);
    two.log(&two.b, "After the merge");
    two.assert_healthy(&two.b);
}

#[test]
fn git_environment_variables_cannot_redirect_a_sync() {
    let two = Two::new();
    two.log(&two.a, "Cut checkout latency");
    let other = two.env.root().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    two.git(&other, &["init", "-q"]);
    let other_git = other.join(".git");
    let out = two.cv_env(
        &two.a,
        &["sync"],
        &[
            ("GIT_DIR", other_git.to_str().expect("utf-8")),
            ("GIT_WORK_TREE", other.to_str().expect("utf-8")),
        ],
    );
    out.ok();
    assert_eq!(two.remote_main(), two.head(&two.a));
    let refs = two.git(&other, &["for-each-ref"]);
    assert_eq!(refs, "", "nothing fetched into the other repository");
}

#[test]
fn uncommitted_changes_the_sync_would_overwrite_stop_it() {
    let two = Two::new();
    let id = two.log(&two.a, "Cut checkout latency");
    two.sync(&two.a);
    two.sync(&two.b);
    two.set_outcome(&two.a, &id, "p95 0.8 s");
    two.sync(&two.a);
    let rel = format!("entries/2026/{id}.toml");
    std::fs::write(two.b.join(&rel), "id = \"half typed").expect("write");
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    assert!(out.fails_with(2).contains("not committed"), "{out}");
    assert_eq!(two.state(&two.b), before);
    assert_eq!(
        std::fs::read_to_string(two.b.join(&rel)).expect("read"),
        "id = \"half typed"
    );
}

#[test]
fn a_fast_forward_killed_before_its_branch_moved_is_rolled_back_to_where_it_started() {
    let two = Two::new();
    // The remote is two commits ahead, both touching one new entry.
    let id = two.log(&two.b, "From work");
    two.set_outcome(&two.b, &id, "p95 0.8 s");
    two.sync(&two.b);
    let start = two.head(&two.a);
    two.git(&two.a, &["fetch", "-q", "origin"]);
    let target = two.git(&two.a, &["rev-parse", "origin/main"]);
    let rel = format!("entries/2026/{id}.toml");
    let blob = two.git(&two.a, &["rev-parse", &format!("origin/main:{rel}")]);
    // What a sync killed after writing the file, before moving the branch,
    // leaves: the file and the journal. Undoing must go back to where the
    // write started (no file), not to the target's parent (an older
    // version of it).
    std::fs::create_dir_all(two.a.join("entries/2026")).expect("mkdir");
    std::fs::write(
        two.a.join(&rel),
        two.git(&two.a, &["show", &format!("origin/main:{rel}")]) + "\n",
    )
    .expect("write");
    std::fs::write(
        two.a.join(".git/cv-journal"),
        format!(
            "cv journal 1\npid 1\nbranch refs/heads/main\ncommit {target}\nbase {start}\npath {rel}\nafter {blob}\n"
        ),
    )
    .expect("journal");
    two.cv(&two.a, &["list"]).ok();
    assert_eq!(two.head(&two.a), start);
    assert!(!two.a.join(&rel).exists(), "rolled back to the start");
    two.assert_healthy(&two.a);
    // And the next sync does it whole.
    let json = two.cv(&two.a, &["--json", "sync", "--dry-run"]).json();
    assert_eq!(json["last_sync"], serde_json::Value::Null);
    two.sync(&two.a);
    assert_eq!(two.head(&two.a), target);
    two.assert_healthy(&two.a);
    let json = two.cv(&two.a, &["--json", "sync", "--dry-run"]).json();
    assert!(json["last_sync"].is_string(), "{json}");
}

#[test]
fn one_id_logged_differently_on_both_sides_keeps_both_entries() {
    let two = Two::new();
    let laptop = two.cv(
        &two.a,
        &[
            "--json",
            "log",
            "--title",
            "Fix the flaky deploy",
            "--outcome",
            "from the laptop",
        ],
    );
    let id = laptop.json()["id"].as_str().expect("id").to_string();
    two.cv(
        &two.b,
        &[
            "log",
            "--title",
            "Fix the flaky deploy",
            "--outcome",
            "from work",
        ],
    )
    .ok();
    two.sync(&two.a);
    let out = two.cv(&two.b, &["sync"]);
    out.ok();
    assert!(
        out.stderr
            .contains(&format!("the remote's as entries/2026/{id}-2.toml")),
        "{out}"
    );
    two.sync(&two.a);
    for ledger in [&two.a, &two.b] {
        assert_eq!(
            two.entries(ledger),
            [
                format!("entries/2026/{id}-2.toml"),
                format!("entries/2026/{id}.toml")
            ]
        );
        let kept = std::fs::read_to_string(ledger.join(format!("entries/2026/{id}-2.toml")))
            .expect("renamed entry");
        assert!(kept.contains(&format!("id = \"{id}-2\"")), "{kept}");
        assert!(kept.contains("from the laptop"), "{kept}");
        two.assert_healthy(ledger);
    }
}

#[test]
fn a_ledger_made_without_a_remote_syncs_once_one_is_added() {
    let two = Two::empty();
    two.env.init();
    let ledger = two.env.ledger();
    two.env.cv(&["log", "--title", "Before the remote"]).ok();
    two.git(&ledger, &["remote", "add", "origin", two.url()]);
    let json = two.sync(&ledger);
    assert_eq!(json["pushed"].as_u64(), Some(1), "{json}");
    let first = two.head(&ledger);
    assert_eq!(two.remote_main(), first);
    // The first push set the branch's upstream, as `git push -u` does, so
    // plain git in the ledger knows where it syncs.
    assert_eq!(
        two.git(&ledger, &["rev-parse", "--abbrev-ref", "main@{upstream}"])
            .trim(),
        "origin/main"
    );
    // The branch it tracks, as `git pull` reads it, is the one synced with.
    two.git(&ledger, &["config", "branch.main.remote", "origin"]);
    two.git(
        &ledger,
        &["config", "branch.main.merge", "refs/heads/ledger"],
    );
    two.env.cv(&["log", "--title", "After the remote"]).ok();
    let json = two.sync(&ledger);
    assert_eq!(json["branch"], "ledger", "{json}");
    assert_eq!(
        two.git(&two.remote, &["rev-parse", "ledger"]),
        two.head(&ledger)
    );
    assert_eq!(two.remote_main(), first, "the remote's main is left alone");
    two.env.assert_clean();
}

#[test]
fn a_removal_on_one_side_is_pulled_into_a_merge() {
    let two = Two::new();
    let gone = two.log(&two.a, "Logged by mistake");
    two.sync(&two.a);
    two.sync(&two.b);
    two.cv(&two.a, &["rm", &gone, "--yes"]).ok();
    let kept = two.log(&two.b, "Real work");
    two.sync(&two.a);
    let json = two.sync(&two.b);
    assert_eq!(json["merged"], true);
    assert_eq!(json["pulled"].as_u64(), Some(1), "the removal: {json}");
    two.sync(&two.a);
    for ledger in [&two.a, &two.b] {
        assert_eq!(two.entries(ledger), [format!("entries/2026/{kept}.toml")]);
        assert!(!ledger.join(format!("entries/2026/{gone}.toml")).exists());
        two.assert_healthy(ledger);
    }
}

impl Two {
    /// Rewrites entry `id` of `ledger` with `edit` and commits, as a person
    /// editing the file by hand would.
    fn edit_by_hand(&self, ledger: &Path, id: &str, edit: impl Fn(&str) -> String) {
        let rel = format!("entries/2026/{id}.toml");
        let path = ledger.join(&rel);
        let text = std::fs::read_to_string(&path).expect("read entry");
        let changed = edit(&text);
        assert_ne!(changed, text, "the edit changed nothing");
        std::fs::write(&path, changed).expect("write entry");
        self.git(ledger, &["commit", "-q", "-m", "edit by hand", "--", &rel]);
    }

    fn entry_text(&self, ledger: &Path, id: &str) -> String {
        std::fs::read_to_string(ledger.join(format!("entries/2026/{id}.toml"))).expect("entry")
    }
}

#[test]
fn comments_added_on_both_machines_are_all_kept() {
    let two = Two::new();
    let id = two.log_with(&two.a, "Cut latency", &["--customer", "Acme"]);
    two.sync(&two.a);
    two.sync(&two.b);
    // A only comments; B changes a field and comments elsewhere.
    two.edit_by_hand(&two.a, &id, |t| {
        t.replace(
            "outcome = \"shipped\"",
            "outcome = \"shipped\" # measured on Monday",
        ) + "# A trailing comment\n"
    });
    two.edit_by_hand(&two.b, &id, |t| {
        format!(
            "# B header comment\n{}",
            t.replace("\"Acme\"", "\"Acme EU\"")
        )
    });
    two.sync(&two.a);
    let json = two.sync(&two.b);
    assert_eq!(json["merged"], true, "{json}");
    two.sync(&two.a);
    assert_eq!(two.head(&two.a), two.head(&two.b));
    for ledger in [&two.a, &two.b] {
        let text = two.entry_text(ledger, &id);
        for part in [
            "# measured on Monday",
            "# A trailing comment",
            "# B header comment",
            "customer = \"Acme EU\"",
        ] {
            assert!(
                text.contains(part),
                "{part} in {}: {text}",
                ledger.display()
            );
        }
        two.assert_healthy(ledger);
    }
}

#[test]
fn one_metric_changed_on_both_machines_is_a_conflict_not_two_metrics() {
    let two = Two::new();
    let id = two.log_with(&two.a, "Cut latency", &["--metric", "p95: 2 -> 1 s"]);
    two.sync(&two.a);
    two.sync(&two.b);
    two.edit_by_hand(&two.a, &id, |t| t.replace("after = 1.0", "after = 0.8"));
    two.edit_by_hand(&two.b, &id, |t| {
        t.replace("unit = \"s\"", "unit = \"ms\"")
            .replace("before = 2.0", "before = 2000.0")
            .replace("after = 1.0", "after = 1000.0")
    });
    two.sync(&two.a);
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(
        err.contains(&format!("entries/2026/{id}.toml (metrics)")),
        "{out}"
    );
    assert_eq!(two.state(&two.b), before);
    let json = two
        .cv(&two.b, &["--json", "sync", "--prefer", "local"])
        .json();
    assert_eq!(json["merged"], true, "{json}");
    two.sync(&two.a);
    for ledger in [&two.a, &two.b] {
        let text = two.entry_text(ledger, &id);
        assert_eq!(text.matches("[[metrics]]").count(), 1, "{text}");
        assert!(text.contains("unit = \"ms\""), "{text}");
        two.assert_healthy(ledger);
    }
}

#[test]
fn a_sync_never_pushes_into_a_remote_that_holds_something_else() {
    let two = Two::new();
    two.log(&two.b, "Private work");
    // origin pointed at someone's code, whose only branch is master.
    let (work, _) = two.env.work_repo("shop", "Initial commit");
    two.git(&work, &["branch", "-m", "master"]);
    let code = two.env.root().join("shop.git");
    two.git(
        two.env.root(),
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().expect("utf-8"),
            "shop.git",
        ],
    );
    two.git(
        &two.b,
        &["remote", "set-url", "origin", code.to_str().expect("utf-8")],
    );
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(err.contains("is not a cv ledger"), "{out}");
    assert!(err.contains("hint: "), "{out}");
    assert_eq!(two.state(&two.b), before);
    assert_eq!(
        two.git(
            &code,
            &["for-each-ref", "--format=%(refname)", "refs/heads"]
        ),
        "refs/heads/master",
        "nothing pushed into the code repository"
    );
    // A ledger on branch trunk, its origin a remote holding another ledger
    // on main: not pushed beside it.
    let c = two.env.root().join("c");
    two.cv(&c, &["init", "--name", "C", "--level", "mid"]).ok();
    two.git(&c, &["branch", "-m", "trunk"]);
    two.git(&c, &["remote", "add", "origin", two.url()]);
    let before = two.state(&c);
    let out = two.cv(&c, &["sync"]);
    let err = out.fails_with(1);
    assert!(
        err.contains("holds another cv ledger, on branch `main`"),
        "{out}"
    );
    assert_eq!(two.state(&c), before);
    assert_eq!(
        two.git(
            &two.remote,
            &["for-each-ref", "--format=%(refname)", "refs/heads"]
        ),
        "refs/heads/main"
    );
    // An empty remote still receives a ledger.
    two.git(two.env.root(), &["init", "-q", "--bare", "empty.git"]);
    let empty = two.env.root().join("empty.git");
    two.git(
        &c,
        &[
            "remote",
            "set-url",
            "origin",
            empty.to_str().expect("utf-8"),
        ],
    );
    two.sync(&c);
    assert_eq!(two.git(&empty, &["rev-parse", "trunk"]), two.head(&c));
}

#[test]
fn a_broken_cv_toml_or_rewriting_gitattributes_from_the_remote_is_not_pulled() {
    let two = Two::new();
    // Pushed with plain git from a (cv would refuse to run there).
    let config = std::fs::read_to_string(two.a.join("cv.toml")).expect("cv.toml");
    std::fs::write(
        two.a.join("cv.toml"),
        config.replace("level = \"mid\"", "level = \"mid"),
    )
    .expect("write");
    two.git(&two.a, &["commit", "-q", "-am", "broken by hand"]);
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(err.contains("cannot pull origin/main"), "{out}");
    assert!(err.contains("origin/main:cv.toml:"), "file:line:col: {out}");
    assert!(err.contains("nothing was changed"), "{out}");
    assert_eq!(two.state(&two.b), before);
    // b still works, and a fix pushed later is pulled.
    two.log(&two.b, "Still works");
    std::fs::write(two.a.join("cv.toml"), &config).expect("write");
    two.git(&two.a, &["commit", "-q", "-am", "fixed"]);
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    two.sync(&two.b);
    two.assert_healthy(&two.b);
    // A .gitattributes that runs a filter on every toml file.
    two.sync(&two.a);
    std::fs::write(two.a.join(".gitattributes"), "*.toml filter=evil\n").expect("write");
    two.git(&two.a, &["add", ".gitattributes"]);
    two.git(&two.a, &["commit", "-q", "-m", "attributes"]);
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    let before = two.state(&two.b);
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(err.contains(".gitattributes:1 sets `filter=evil`"), "{out}");
    assert_eq!(two.state(&two.b), before);
    assert!(!two.b.join(".gitattributes").exists());
    two.log(&two.b, "After the refusal");
    two.assert_healthy(&two.b);
}

#[test]
fn two_syncs_at_the_same_moment_both_land() {
    let two = Two::new();
    let mut ids = Vec::new();
    for round in 0..20 {
        ids.push(two.log(&two.a, &format!("Laptop round {round}")));
        ids.push(two.log(&two.b, &format!("Work round {round}")));
        let spawn = |ledger: &Path| {
            two.env
                .command(env!("CARGO_BIN_EXE_cv"))
                .args(["--ledger", ledger.to_str().expect("utf-8"), "sync"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn cv sync")
        };
        let (a, b) = (spawn(&two.a), spawn(&two.b));
        for (who, child) in [("a", a), ("b", b)] {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}, {who}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    two.sync(&two.a);
    two.sync(&two.b);
    two.sync(&two.a);
    let mut expected: Vec<String> = ids
        .iter()
        .map(|id| format!("entries/2026/{id}.toml"))
        .collect();
    expected.sort();
    for ledger in [&two.a, &two.b] {
        assert_eq!(two.entries(ledger), expected);
        two.assert_healthy(ledger);
    }
}

#[cfg(unix)]
#[test]
fn a_write_that_waits_for_a_sync_says_so_and_then_lands() {
    use std::os::unix::fs::PermissionsExt;
    let two = Two::new();
    two.log(&two.a, "To push");
    // The push is slow (a pre-push hook that sleeps): the sync holds the
    // ledger's lock meanwhile.
    let marker = two.env.root().join("pushing");
    let hook = two.a.join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\n: > '{}'\nsleep 3\n", marker.display()),
    )
    .expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let sync = two
        .env
        .command(env!("CARGO_BIN_EXE_cv"))
        .args(["--ledger", two.a.to_str().expect("utf-8"), "sync"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cv sync");
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(start.elapsed().as_secs() < 30, "the push never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = two.cv(
        &two.a,
        &["log", "--title", "While syncing", "--outcome", "x"],
    );
    out.ok();
    assert!(
        out.stderr.contains(&format!(
            "waiting for another cv command (cv sync, pid {}) to release the ledger",
            sync.id()
        )),
        "{out}"
    );
    assert_eq!(out.stderr.matches("waiting for").count(), 1, "once: {out}");
    let synced = sync.wait_with_output().expect("wait");
    assert!(synced.status.success(), "{synced:?}");
    assert!(two.entries(&two.a).len() == 2);
    two.assert_healthy(&two.a);
}

#[test]
fn an_init_remote_killed_midway_can_be_run_again() {
    let two = Two::new();
    // What a kill during the fetch leaves: a repository with only origin
    // and whatever was fetched, no branch, no commit.
    let c = two.env.root().join("c");
    two.git(two.env.root(), &["init", "-q", "c"]);
    two.git(&c, &["remote", "add", "origin", two.url()]);
    two.git(&c, &["fetch", "-q", "origin"]);
    // cv check says to run it again, not `cv init` (an unrelated ledger).
    let out = two.cv(&c, &["check"]);
    assert!(
        out.fails_with(1)
            .contains(&format!("run it again (`cv init --remote {}", two.url())),
        "{out}"
    );
    let out = two.cv(&c, &["init", "--remote", two.url()]);
    out.ok();
    assert!(out.stderr.contains("Cloned the ledger"), "{out}");
    assert_eq!(two.head(&c), two.head(&two.a));
    two.assert_healthy(&c);
    // A folder with anything else in it, or a repository with commits, is
    // still refused.
    let d = two.env.root().join("d");
    let (work, _) = two.env.work_repo("shop", "Initial commit");
    two.git(
        two.env.root(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            work.to_str().expect("utf-8"),
            "d",
        ],
    );
    assert_eq!(std::fs::read_dir(&d).expect("read").count(), 1, "only .git");
    let before = two.git(&d, &["rev-parse", "HEAD"]);
    let out = two.cv(&d, &["init", "--remote", two.url()]);
    assert!(out.fails_with(2).contains("is not empty"), "{out}");
    assert_eq!(two.git(&d, &["rev-parse", "HEAD"]), before);
}

#[test]
fn an_entry_removed_there_and_changed_here_says_how_to_see_and_keep_the_removal() {
    let two = Two::new();
    let id = two.log(&two.a, "Logged twice");
    two.sync(&two.a);
    two.sync(&two.b);
    two.cv(&two.a, &["rm", &id, "--yes"]).ok();
    two.sync(&two.a);
    two.set_outcome(&two.b, &id, "edited at work");
    let dry = two.cv(&two.b, &["sync", "--dry-run"]);
    dry.ok();
    assert!(
        dry.stderr
            .contains("would not merge: changed here, removed there"),
        "{dry}"
    );
    assert!(!dry.stderr.contains("changed changed"), "{dry}");
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(1);
    assert!(
        !err.contains("show origin/main:"),
        "a hint that fails: {out}"
    );
    let hint = format!("log -1 --stat origin/main -- entries/2026/{id}.toml");
    assert!(err.contains(&hint), "{out}");
    // The hint's command works, and --prefer remote keeps the removal.
    two.git(
        &two.b,
        &[
            "log",
            "-1",
            "--stat",
            "origin/main",
            "--",
            &format!("entries/2026/{id}.toml"),
        ],
    );
    two.cv(&two.b, &["sync", "--prefer", "remote"]).ok();
    assert!(two.entries(&two.b).is_empty());
    two.assert_healthy(&two.b);
}

#[test]
fn an_untracked_file_where_the_remote_adds_one_gets_a_hint_that_works() {
    let two = Two::new();
    let id = two.log(&two.a, "From the laptop");
    two.sync(&two.a);
    let rel = format!("entries/2026/{id}.toml");
    std::fs::create_dir_all(two.b.join("entries/2026")).expect("mkdir");
    std::fs::write(two.b.join(&rel), "id = \"draft\"\n").expect("write");
    let out = two.cv(&two.b, &["sync"]);
    let err = out.fails_with(2);
    assert!(err.contains("not in its history"), "{out}");
    assert!(!err.contains("checkout -- "), "{out}");
    assert!(
        err.contains(&format!("mv {}/{rel} ", two.b.display())),
        "{out}"
    );
    // Following it: the file moved aside, the sync goes through.
    std::fs::rename(two.b.join(&rel), two.env.root().join("draft.toml")).expect("mv");
    two.sync(&two.b);
    two.assert_healthy(&two.b);
}

#[cfg(unix)]
#[test]
fn a_push_refused_by_a_hook_shows_the_hooks_words_and_what_was_pulled() {
    use std::os::unix::fs::PermissionsExt;
    let two = Two::new();
    two.log(&two.b, "From work");
    two.sync(&two.b);
    two.log(&two.a, "From the laptop");
    let hook = two.a.join(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'pushes are frozen today' >&2\nexit 1\n",
    )
    .expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = two.cv(&two.a, &["sync"]);
    let err = out.fails_with(1);
    assert!(err.contains("the 1 entry pulled is in the ledger"), "{out}");
    assert!(err.contains("pushes are frozen today"), "{out}");
    assert_eq!(two.entries(&two.a).len(), 2);
    two.assert_healthy(&two.a);
}

#[test]
fn a_password_in_the_remote_address_is_never_echoed() {
    let two = Two::empty();
    // The address with a password reaches the bare remote through git's
    // own rewriting, so no network is involved.
    let secret = "ssh://ada:hunter2@cv.example/ledger.git";
    two.git(
        two.env.root(),
        &[
            "config",
            "--global",
            &format!("url.{}.insteadOf", two.url()),
            secret,
        ],
    );
    let out = two.cv(&two.a, &["init", "--remote", secret, "--level", "mid"]);
    out.ok();
    assert!(!out.to_string().contains("hunter2"), "{out}");
    assert!(
        out.stderr.contains("ssh://ada:***@cv.example/ledger.git"),
        "{out}"
    );
    let out = two.cv(&two.b, &["--json", "init", "--remote", secret]);
    out.ok();
    assert!(!out.to_string().contains("hunter2"), "{out}");
    assert_eq!(
        out.json()["cloned"],
        "ssh://ada:***@cv.example/ledger.git",
        "{out}"
    );
    // And in errors: a remote that is not a ledger, named in the message.
    let (work, _) = two.env.work_repo("shop", "Initial commit");
    let code = "ssh://ada:hunter2@code.example/shop.git";
    two.git(
        two.env.root(),
        &[
            "config",
            "--global",
            &format!("url.{}.insteadOf", work.display()),
            code,
        ],
    );
    let c = two.env.root().join("c");
    let out = two.cv(&c, &["init", "--remote", code, "--level", "mid"]);
    out.fails_with(2);
    assert!(!out.to_string().contains("hunter2"), "{out}");
}

#[test]
fn a_broken_cv_toml_here_does_not_stop_a_sync_from_pulling_the_fix() {
    let two = Two::new();
    let config = std::fs::read_to_string(two.a.join("cv.toml")).expect("cv.toml");
    std::fs::write(
        two.a.join("cv.toml"),
        config.replace("level = \"mid\"", "level = \"mid"),
    )
    .expect("write");
    two.git(&two.a, &["commit", "-q", "-am", "broken by hand"]);
    // b gets it with plain git, and cv stops working there.
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    two.git(&two.b, &["pull", "-q", "--ff-only"]);
    two.cv(&two.b, &["log", "--title", "Refused", "--outcome", "x"])
        .fails_with(1);
    // A sync with the broken cv.toml pushes nothing.
    let out = two.cv(&two.b, &["sync"]);
    out.ok();
    assert!(out.stderr.contains("syncing anyway"), "{out}");
    std::fs::write(two.b.join("extra.md"), "notes\n").expect("write");
    two.git(&two.b, &["add", "extra.md"]);
    two.git(&two.b, &["commit", "-q", "-m", "notes"]);
    let remote = two.remote_main();
    let out = two.cv(&two.b, &["sync"]);
    assert!(
        out.fails_with(1)
            .contains("cannot push: the ledger's cv.toml:"),
        "{out}"
    );
    assert_eq!(two.remote_main(), remote, "the broken one is not spread");
    // The fix, pushed from a, is pulled by cv sync.
    std::fs::write(two.a.join("cv.toml"), &config).expect("write");
    two.git(&two.a, &["commit", "-q", "-am", "fixed"]);
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    two.cv(&two.b, &["sync"]).ok();
    two.log(&two.b, "Works again");
    two.assert_healthy(&two.b);
}

#[test]
fn a_cv_toml_change_is_counted_in_the_summary() {
    let two = Two::new();
    let config = std::fs::read_to_string(two.a.join("cv.toml")).expect("cv.toml");
    std::fs::write(
        two.a.join("cv.toml"),
        config.replace("name = \"Ada\"", "name = \"Ada L\""),
    )
    .expect("write");
    two.git(&two.a, &["commit", "-q", "-am", "rename"]);
    let out = two.cv(&two.a, &["sync"]);
    out.ok();
    assert!(out.stderr.contains("pushed 0 entries and cv.toml"), "{out}");
    let dry = two.cv(&two.b, &["sync", "--dry-run"]);
    assert!(
        dry.ok().is_empty() && dry.stderr.contains("pull 0 entries and cv.toml"),
        "{dry}"
    );
    let json = two.sync(&two.b);
    assert_eq!(json["pulled_other"][0], "cv.toml", "{json}");
    assert_eq!(json["pushed_other"], serde_json::json!([]), "{json}");
}

#[test]
fn init_remote_refuses_to_clone_what_a_sync_would_refuse_to_pull() {
    let two = Two::new();
    std::fs::write(two.a.join(".gitattributes"), "*.toml filter=evil\n").expect("write");
    two.git(&two.a, &["add", ".gitattributes"]);
    two.git(&two.a, &["commit", "-q", "-m", "attributes"]);
    two.git(&two.a, &["push", "-q", "origin", "main"]);
    let c = two.env.root().join("c");
    let out = two.cv(&c, &["init", "--remote", two.url()]);
    let err = out.fails_with(1);
    assert!(err.contains(".gitattributes:1 sets `filter=evil`"), "{out}");
    assert!(!c.exists(), "nothing was created");
}

/// Third attack round: a ledger whose one remote is not named `origin`
/// syncs with it, as `git push` does with a single remote.
#[test]
fn a_single_remote_under_another_name_is_the_one() {
    let two = Two::empty();
    two.env.init();
    let ledger = two.env.ledger();
    two.env.cv(&["log", "--title", "Before the remote"]).ok();
    two.git(&ledger, &["remote", "add", "backup", two.url()]);
    let json = two.sync(&ledger);
    assert_eq!(json["pushed"].as_u64(), Some(1), "{json}");
    assert_eq!(two.remote_main(), two.head(&ledger));
}
