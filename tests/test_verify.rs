//! Issue 9, `cv verify` against histories made to fool it: reverts by short
//! SHA, long revert chains, a web of reverts crafted to blow up a naive
//! search.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::TestEnv;

/// A repository of empty-tree commits made with `git commit-tree`, so
/// messages and parents are exactly what the test says.
struct Crafted<'a> {
    env: &'a TestEnv,
    path: PathBuf,
    tree: String,
}

impl<'a> Crafted<'a> {
    fn new(env: &'a TestEnv, name: &str) -> Crafted<'a> {
        let path = env.root().join("work").join(name);
        std::fs::create_dir_all(&path).expect("mkdir");
        env.git(&path, &["init", "-q", "-b", "main"]);
        let tree = env.git(&path, &["hash-object", "-t", "tree", "-w", "/dev/null"]);
        Crafted {
            env,
            path,
            tree: tree.trim().to_string(),
        }
    }

    fn commit(&self, parent: Option<&str>, message: &str) -> String {
        let mut args = vec!["commit-tree", self.tree.as_str(), "-m", message];
        if let Some(p) = parent {
            args.extend(["-p", p]);
        }
        self.env.git(&self.path, &args).trim().to_string()
    }

    fn set_main(&self, tip: &str) {
        self.env
            .git(&self.path, &["update-ref", "refs/heads/main", tip]);
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

fn status_and_reason(env: &TestEnv, sha: &str) -> (String, String) {
    let run = env.cv_within(&["verify", "--json"], &[], Duration::from_secs(60));
    let checks = serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{run}"));
    let check = checks
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["sha"] == sha)
        .unwrap_or_else(|| panic!("{sha} not checked:\n{run}"))
        .clone();
    (
        check["status"].as_str().unwrap_or("").to_string(),
        check["reason"].as_str().unwrap_or("").to_string(),
    )
}

fn cite(env: &TestEnv, repo: &Path, sha: &str) {
    let repo = repo.to_str().expect("utf-8");
    env.cv(&["log", "--title", "Cited", "--commit", sha, "--repo", repo])
        .ok();
}

/// `git revert --reference` (or `revert.reference=true`) names the commit
/// by a short SHA: still a revert.
#[test]
fn a_revert_by_short_sha_counts() {
    let env = TestEnv::new();
    env.init();
    let (repo, _) = env.work_repo("shop", "Initial import");
    std::fs::write(repo.join("b.txt"), "b").expect("write");
    env.git(&repo, &["add", "-A"]);
    env.git(&repo, &["commit", "-q", "-m", "Add b (#3)"]);
    let sha = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    cite(&env, &repo, &sha);
    env.git(
        &repo,
        &["-c", "revert.reference=true", "revert", "--no-edit", "HEAD"],
    );
    let message = env.git(&repo, &["log", "-1", "--format=%B"]);
    assert!(
        message.contains(&format!("This reverts commit {} (", &sha[..7])),
        "the fixture writes a short reference:\n{message}"
    );
    let revert = env.git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let (status, reason) = status_and_reason(&env, &sha);
    assert_eq!(status, "reverted");
    assert_eq!(reason, format!("reverted by {revert}"));
}

/// A chain of reverts alternates: an odd number leaves the change
/// reverted, an even number restores it, however long the chain.
#[test]
fn a_long_revert_chain_alternates() {
    let env = TestEnv::new();
    env.init();
    let repo = Crafted::new(&env, "chain");
    let change = repo.commit(None, "The change");
    let mut tip = change.clone();
    for length in 1..=40 {
        tip = repo.commit(
            Some(&tip.clone()),
            &format!("Revert {length}\n\nThis reverts commit {tip}.\n"),
        );
        if length == 33 || length == 40 {
            repo.set_main(&tip);
            if length == 33 {
                cite(&env, repo.path(), &change);
            }
            let (status, _) = status_and_reason(&env, &change);
            let expected = if length % 2 == 1 { "reverted" } else { "ok" };
            assert_eq!(status, expected, "after {length} reverts");
        }
    }
}

/// Each commit of a layer reverts every commit of the layer below: a
/// search without memory takes width^(depth/2) steps (34 s at 28 layers of
/// 4 before the fix; this web, 32 layers of 6, would not finish).
#[test]
fn a_web_of_reverts_is_answered_at_once() {
    let env = TestEnv::new();
    env.init();
    let repo = Crafted::new(&env, "web");
    let change = repo.commit(None, "The change");
    let mut below = vec![change.clone()];
    let mut tip = change.clone();
    for layer in 1..=32 {
        let body: String = below
            .iter()
            .map(|sha| format!("This reverts commit {sha}.\n"))
            .collect();
        let mut this = Vec::new();
        for n in 0..6 {
            tip = repo.commit(Some(&tip), &format!("Revert {layer}.{n}\n\n{body}"));
            this.push(tip.clone());
        }
        below = this;
    }
    repo.set_main(&tip);
    cite(&env, repo.path(), &change);
    // Every layer stands or falls together: 32 layers, an even number,
    // leave the top layer's reverts reverted, so the change holds.
    let (status, _) = status_and_reason(&env, &change);
    assert_eq!(status, "ok");
}
