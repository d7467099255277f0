//! SPEC §6 against what a real ledger meets: many `cv` writers at once,
//! `kill -9` at any moment, and the user's own `git status` and `git commit`
//! running in the ledger beside `cv log` (issue 6).
//!
//! Each test prints its counts (trials, kills, entries checked) straight to
//! stderr, past the test harness's capture, so CI's log shows them.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::TestEnv;

/// Prints a line to the real stderr, bypassing libtest's output capture.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A small deterministic generator (64-bit LCG), so a failing run can be
/// repeated with the seed it printed.
struct Lcg(u64);

impl Lcg {
    fn next_fraction(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Subjects of the ledger's commits, as a multiset check: no duplicates.
fn subjects(env: &TestEnv) -> Vec<String> {
    env.ledger_log()
}

fn files_in_head(env: &TestEnv) -> BTreeSet<String> {
    env.git(&env.ledger(), &["ls-tree", "-r", "--name-only", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn eight_processes_times_25_cv_log_all_land() {
    let env = Arc::new(TestEnv::new());
    env.init();
    let (processes, each) = (8, 25);
    let threads: Vec<_> = (0..processes)
        .map(|p| {
            let env = Arc::clone(&env);
            std::thread::spawn(move || {
                (0..each)
                    .map(|i| {
                        let run = env.cv(&["log", "--title", &format!("Writer {p} entry {i}")]);
                        assert_eq!(run.code, 0, "writer {p} entry {i}:\n{run}");
                        run.stdout.trim().to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let ids: BTreeSet<String> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("writer thread"))
        .collect();
    let total = processes * each;
    assert_eq!(ids.len(), total, "every cv log printed its own id");
    let in_head = files_in_head(&env);
    for id in &ids {
        assert!(
            in_head.contains(&format!("entries/2026/{id}.toml")),
            "{id} is in HEAD"
        );
    }
    let log = subjects(&env);
    assert_eq!(log.len(), total + 1, "one commit per write, plus init");
    // One commit each: every commit but init changes exactly one file.
    let touched = env.git(
        &env.ledger(),
        &["log", "--format=", "--name-only", "HEAD~200..HEAD"],
    );
    assert_eq!(touched.lines().filter(|l| !l.is_empty()).count(), total);
    env.assert_clean();
    env.git(&env.ledger(), &["fsck", "--strict"]);
    report(&format!(
        "concurrency: {processes} processes x {each} cv log = {total} writes; {} entries checked in HEAD, {} commits, work tree clean",
        ids.len(),
        log.len() - 1
    ));
}

/// Writes `n` entry files and commits them with git: a ledger as years of
/// use leave it.
fn seed_ledger(env: &TestEnv, n: usize) {
    let dir = env.ledger().join("entries/2025");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for i in 0..n {
        let id = format!("2025-{:02}-{:02}-seeded-entry-{i}", i % 12 + 1, i % 28 + 1);
        std::fs::write(
            dir.join(format!("{id}.toml")),
            format!(
                "id = \"{id}\"\ntitle = \"Seeded entry {i}\"\ndate = 2025-{:02}-{:02}\ncustomer = \"team {i}\"\n\n[[metrics]]\nname = \"x\"\nbefore = 1.0\nafter = 2.0\n",
                i % 12 + 1,
                i % 28 + 1
            ),
        )
        .expect("write");
    }
    env.git(&env.ledger(), &["add", "-A"]);
    env.git(&env.ledger(), &["commit", "-q", "-m", "seed"]);
}

/// What a dead writer may leave, besides the journal: none of it may
/// survive the next command.
fn leftovers(env: &TestEnv) -> Vec<&'static str> {
    [
        ".git/cv-journal",
        ".git/cv-journal.saved",
        ".git/index.lock",
        ".git/refs/heads/main.lock",
        ".git/cv-index.own",
        ".git/cv-ref.own",
    ]
    .into_iter()
    .filter(|p| env.ledger().join(p).exists())
    .collect()
}

#[cfg(unix)]
#[test]
fn kill_9_at_random_moments_loses_nothing_that_exited_0() {
    let env = TestEnv::new();
    env.init();
    let seeded = 3000;
    seed_ledger(&env, seeded);
    // Calibrate: one whole `cv log` here, start-up to exit, so the kills
    // spread over every step of a write.
    let mut times: Vec<Duration> = (0..3)
        .map(|i| {
            let started = Instant::now();
            env.cv(&["log", "--title", &format!("Calibration {i}")])
                .ok();
            started.elapsed()
        })
        .collect();
    times.sort();
    let whole = times[1];
    let seed = 0x5eed_c0de_u64;
    let mut rng = Lcg(seed);
    let trials = 200;
    let (mut exited_0, mut killed, mut left_journal, mut killed_after_commit) = (0, 0, 0, 0);
    let mut landed: Vec<usize> = Vec::new();
    for i in 0..trials {
        let before = env.ledger_log().len();
        let mut child = env
            .command(env!("CARGO_BIN_EXE_cv"))
            .args([
                "log",
                "--title",
                &format!("Trial {i}"),
                "--metric",
                "x: 1 -> 2",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // From the start to 30% past a calibrated run.
        std::thread::sleep(whole.mul_f64(1.3 * rng.next_fraction()));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if status.success() {
            exited_0 += 1;
            landed.push(i);
        } else {
            killed += 1;
            if env.ledger().join(".git/cv-journal").exists() {
                left_journal += 1;
            }
            if env.ledger_log().len() > before {
                killed_after_commit += 1;
            }
        }
        // The next command finishes or undoes what the kill left.
        env.cv(&["show", "seeded-entry-7", "--json"]).ok();
        env.assert_clean();
        assert_eq!(leftovers(&env), Vec::<&str>::new(), "trial {i}");
        if i % 50 == 49 {
            env.cv(&["check"]).ok();
        }
    }
    let log = subjects(&env);
    for i in &landed {
        assert!(
            log.contains(&format!("log: Trial {i}")),
            "Trial {i} exited 0, so it is in HEAD"
        );
    }
    let unique: BTreeSet<&String> = log.iter().collect();
    assert_eq!(unique.len(), log.len(), "no write landed twice");
    let entries = files_in_head(&env)
        .iter()
        .filter(|p| p.starts_with("entries/"))
        .count();
    let trial_commits = log.iter().filter(|s| s.starts_with("log: Trial ")).count();
    assert_eq!(entries, seeded + 3 + trial_commits, "one file per commit");
    env.git(&env.ledger(), &["fsck", "--strict", "--no-dangling"]);
    env.cv(&["check"]).ok();
    env.assert_clean();
    report(&format!(
        "kill -9: {trials} trials (seed {seed:#x}) over a {} ms write on a {seeded}-entry ledger: {exited_0} exited 0, {killed} killed ({left_journal} mid-write left a journal, {killed_after_commit} after the commit); {entries} entries checked in HEAD, git fsck --strict and cv check pass",
        whole.as_millis()
    ));
}

#[cfg(unix)]
#[test]
fn cv_log_beside_git_status_and_git_commit_loses_nothing() {
    let env = Arc::new(TestEnv::new());
    env.init();
    let stop = Arc::new(AtomicBool::new(false));
    // An editor's git integration: `git status` on every file event.
    let status_loop = {
        let (env, stop) = (Arc::clone(&env), Arc::clone(&stop));
        std::thread::spawn(move || {
            let (mut runs, mut failures) = (0, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let out = env
                    .command("git")
                    .arg("-C")
                    .arg(env.ledger())
                    .args(["status", "--porcelain"])
                    .output()
                    .expect("git status");
                runs += 1;
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
                let index = std::fs::metadata(env.ledger().join(".git/index")).map(|m| m.len());
                if !matches!(index, Ok(n) if n > 0) {
                    failures.push(format!("index is {index:?}"));
                }
            }
            (runs, failures)
        })
    };
    // The user committing in the ledger at the same time.
    let commit_loop = {
        let (env, stop) = (Arc::clone(&env), Arc::clone(&stop));
        std::thread::spawn(move || {
            let (mut tries, mut landed) = (0, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let message = format!("user commit {tries}");
                let out = env
                    .command("git")
                    .arg("-C")
                    .arg(env.ledger())
                    .args(["commit", "-q", "--allow-empty", "-m", &message])
                    .output()
                    .expect("git commit");
                tries += 1;
                // git refuses while cv holds index.lock, as it refuses
                // another git; what it reports as done must stay done.
                if out.status.success() {
                    landed.push(message);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            (tries, landed)
        })
    };
    let writes = 50;
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for i in 0..writes {
        let run = env.cv(&["log", "--title", &format!("Beside git {i}")]);
        if run.code == 0 {
            ok.push(run.stdout.trim().to_string());
        } else {
            failed.push((i, run.to_string()));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let (status_runs, status_failures) = status_loop.join().expect("status loop");
    let (commit_tries, user_commits) = commit_loop.join().expect("commit loop");

    assert_eq!(
        status_failures,
        Vec::<String>::new(),
        "git status never fails, the index is never empty"
    );
    let in_head = files_in_head(&env);
    for id in &ok {
        assert!(
            in_head.contains(&format!("entries/2026/{id}.toml")),
            "{id} exited 0, so it is in HEAD"
        );
    }
    for (i, run) in &failed {
        let log = subjects(&env);
        assert!(
            !log.contains(&format!("log: Beside git {i}")),
            "write {i} exited non-zero yet committed:\n{run}"
        );
    }
    let log = subjects(&env);
    for message in &user_commits {
        assert!(
            log.contains(message),
            "the user's `{message}` stays in history"
        );
    }
    let entries = in_head.iter().filter(|p| p.starts_with("entries/")).count();
    assert_eq!(
        entries,
        ok.len(),
        "exactly the writes that exited 0 are in HEAD"
    );
    env.assert_clean();
    env.git(&env.ledger(), &["fsck", "--strict"]);
    env.cv(&["check"]).ok();
    report(&format!(
        "beside git: {writes} cv log ({} exited 0, {} refused) while git status ran {status_runs} times and git commit {commit_tries} times ({} landed); {entries} entries and {} user commits checked in HEAD",
        ok.len(),
        failed.len(),
        user_commits.len(),
        user_commits.len()
    ));
}
