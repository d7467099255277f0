//! `cv init --remote URL`: a new ledger whose first home is a remote. An
//! empty remote receives it; one that holds a ledger is cloned, with the
//! profile flags applied as one more commit where they differ.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

use super::git_cmd::GitCmdError;
use super::integrate::{change_to, changes_between, check_incoming, tree_of};
use super::{DEFAULT_REMOTE, Git, PushError, SyncError, fetch, push};
use crate::ledger::{CONFIG_FILE, Ledger, LedgerError, Profile, refs, repo};

/// Changes to the profile that `cv init --remote` applies to a cloned
/// ledger, where they differ from its `cv.toml`.
#[derive(Debug, Clone, Default)]
pub struct ProfileFlags {
    /// `--name`.
    pub name: Option<String>,
    /// `--email`s: added to the ledger's list where missing.
    pub emails: Vec<String>,
    /// `--level`.
    pub level: Option<crate::level::LevelId>,
    /// `--target`.
    pub target: Option<crate::level::LevelId>,
}

/// A `cv init --remote` under way: the folder holds a repository with the
/// remote fetched. Dropped without finishing, it removes what it created,
/// so a refused or failed init leaves nothing behind.
pub struct Joining {
    root: PathBuf,
    created_root: bool,
    git_dir: PathBuf,
    url: String,
    interactive: bool,
    /// The remote's ledger branch and its tip, when it holds a ledger.
    found: Option<(String, Oid)>,
    done: bool,
}

/// Starts `cv init --remote URL` at `root`: creates the repository, adds
/// `origin`, fetches, and finds out whether the remote is empty or holds a
/// ledger. A remote with history but no `cv.toml` is refused.
pub fn join(root: &Path, url: &str, interactive: bool) -> Result<Joining, SyncError> {
    if root.exists() {
        if !root.is_dir() {
            return Err(LedgerError::NotAFolder {
                path: root.to_path_buf(),
            }
            .into());
        }
        let children: Vec<std::ffi::OsString> = std::fs::read_dir(root)
            .map_err(LedgerError::io("read", root))?
            .filter_map(Result::ok)
            .map(|c| c.file_name())
            .collect();
        if !children.is_empty() {
            if !left_by_an_interrupted_join(root, &children) {
                return Err(SyncError::NotEmpty {
                    path: root.to_path_buf(),
                });
            }
            // What a killed `cv init --remote` left: a repository with no
            // commit of its own. Nothing in it to keep; start again.
            let git_dir = root.join(".git");
            std::fs::remove_dir_all(&git_dir).map_err(LedgerError::io("remove", &git_dir))?;
        }
    }
    crate::ledger::refuse_foreign_repository(root)?;
    let created_root = !root.exists();
    crate::ledger::create_private_dir(root)?;
    let mut joining = Joining {
        root: root.to_path_buf(),
        created_root,
        git_dir: PathBuf::new(),
        url: url.to_string(),
        interactive,
        found: None,
        done: false,
    };
    joining.git_dir = repo::init_repo(root)?;
    let git = joining.git();
    // A relative path names a folder from where cv was run; the ledger's
    // config keeps it absolute, as `git clone` does.
    let url = match std::fs::canonicalize(url) {
        Ok(path) if Path::new(url).is_relative() => path.to_string_lossy().into_owned(),
        _ => url.to_string(),
    };
    git.cmd("remote")
        .args(["add", "--", DEFAULT_REMOTE, &url])
        .run()?;
    fetch(&git, DEFAULT_REMOTE)?;
    let repo = repo::open_repo(root)?;
    let prefix = format!("refs/remotes/{DEFAULT_REMOTE}/");
    let mut branches: Vec<(String, Oid)> = repo
        .references_glob(&format!("{prefix}*"))
        .map_err(LedgerError::git("list the remote's branches", root))?
        .filter_map(Result::ok)
        .filter_map(|r| {
            Some((
                r.name().ok()?.strip_prefix(&prefix)?.to_string(),
                r.target()?,
            ))
        })
        .collect();
    if branches.is_empty() {
        return Ok(joining);
    }
    branches.sort();
    let head = remote_head(&git);
    let pick = |name: &str| branches.iter().find(|(b, _)| b == name).cloned();
    let chosen = head
        .as_deref()
        .and_then(pick)
        .or_else(|| pick("main"))
        .or_else(|| pick("master"))
        .unwrap_or_else(|| branches[0].clone());
    let tree = tree_of(&repo, chosen.1, root)?;
    if tree.get_path(Path::new(CONFIG_FILE)).is_err() {
        return Err(SyncError::NotALedger {
            url: super::redact_url(&url),
            branch: chosen.0,
        });
    }
    // What a sync would refuse to pull, a clone refuses too: a cv.toml that
    // does not parse, a .gitattributes that rewrites files, a link or a
    // submodule. Checked as a pull of the whole tree into an empty one.
    let empty = repo
        .treebuilder(None)
        .and_then(|b| b.write())
        .and_then(|oid| repo.find_tree(oid))
        .map_err(LedgerError::git("make an empty tree", root))?;
    let changes: Vec<crate::ledger::Change> = changes_between(&repo, root, &empty, &tree)?
        .into_iter()
        // Only the files that are checked need reading.
        .filter(|(path, _)| path == CONFIG_FILE || path.ends_with(".gitattributes"))
        .map(|(path, blob)| change_to(&repo, root, path, blob))
        .collect::<Result<_, _>>()?;
    check_incoming(&changes, &format!("{DEFAULT_REMOTE}/{}", chosen.0))?;
    joining.found = Some(chosen);
    Ok(joining)
}

/// Whether `root` holds only what a `cv init --remote` killed midway (say
/// during its fetch) leaves: a `.git` folder and nothing else, whose
/// repository has no branch and no commit checked out. Such a folder is
/// started again rather than refused as not empty, which would leave the
/// user nothing but `cv init`, an unrelated ledger.
fn left_by_an_interrupted_join(root: &Path, children: &[std::ffi::OsString]) -> bool {
    let git_dir = root.join(".git");
    if children != [std::ffi::OsString::from(".git")]
        || !std::fs::symlink_metadata(&git_dir).is_ok_and(|m| m.is_dir())
    {
        return false;
    }
    let Ok(repo) = Repository::open(&git_dir) else {
        return false;
    };
    let no_branch = repo
        .references_glob("refs/heads/*")
        .map(|mut refs| refs.next().is_none())
        .unwrap_or(false);
    let unborn = matches!(repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch);
    no_branch && unborn && !repo.is_bare()
}

/// The branch the remote's HEAD names, if it says.
fn remote_head(git: &Git<'_>) -> Option<String> {
    let out = git
        .cmd("ls-remote")
        .args(["--symref", "--", DEFAULT_REMOTE, "HEAD"])
        .run()
        .ok()?;
    out.lines()
        .find_map(|l| l.strip_prefix("ref: refs/heads/"))
        .and_then(|rest| rest.split('\t').next())
        .map(str::to_string)
}

impl Joining {
    fn git(&self) -> Git<'_> {
        Git {
            root: &self.root,
            git_dir: &self.git_dir,
            interactive: self.interactive,
        }
    }

    /// Whether the remote already holds a ledger (to clone) or is empty.
    pub fn remote_has_ledger(&self) -> bool {
        self.found.is_some()
    }

    /// The remote is empty: creates the ledger and pushes it there.
    pub fn create(mut self, profile: &Profile) -> Result<Ledger, SyncError> {
        let ledger = Ledger::init(&self.root, profile)?;
        let repo = repo::open_repo(&self.root)?;
        let branch = refs::current_branch(&repo, &self.root)?;
        push(&self.git(), DEFAULT_REMOTE, &branch.name, &branch.name).map_err(|e| {
            SyncError::Push {
                remote: DEFAULT_REMOTE.to_string(),
                pulled: 0,
                source: match e {
                    PushError::Failed(e) => e,
                    PushError::Rejected => GitCmdError::Failed {
                        command: "push".into(),
                        message: "someone pushed to it meanwhile; run `cv init --remote` again"
                            .into(),
                        stdout: String::new(),
                    },
                },
            }
        })?;
        self.track(&repo, &branch.name)?;
        self.done = true;
        Ok(ledger)
    }

    /// The remote holds a ledger: checks it out here, then applies `flags`
    /// where they differ from its profile, as one commit. Returns the
    /// ledger and the profile fields changed.
    pub fn clone_ledger(
        mut self,
        flags: &ProfileFlags,
    ) -> Result<(Ledger, Vec<&'static str>), SyncError> {
        let Some((branch, tip)) = self.found.clone() else {
            return Err(SyncError::NotALedger {
                url: super::redact_url(&self.url),
                branch: String::new(),
            });
        };
        let root = self.root.clone();
        let repo = repo::open_repo(&root)?;
        let name = format!("refs/heads/{branch}");
        repo.reference(&name, tip, false, &format!("cv init: from {}", self.url))
            .and_then(|_| repo.set_head(&name))
            .map_err(LedgerError::git("create the branch", &root))?;
        let mut checkout = git2::build::CheckoutBuilder::new();
        checkout.force();
        repo.checkout_head(Some(&mut checkout))
            .map_err(LedgerError::git("check out the remote's branch", &root))?;
        self.track(&repo, &name)?;
        let ledger = Ledger::open(&root)?;
        let text = crate::ledger::read_settings_file(&root.join(CONFIG_FILE))?;
        let mut changed = Vec::new();
        if let Some((updated, fields)) = apply_profile(&text, flags) {
            let message = format!("init: {} on this machine", fields.join(", "));
            ledger.write(&message, &[], |_| {
                Ok((
                    vec![crate::ledger::Change::put(
                        CONFIG_FILE,
                        updated.into_bytes(),
                    )],
                    (),
                ))
            })?;
            changed = fields;
        }
        self.done = true;
        Ok((Ledger::open(&root)?, changed))
    }

    /// Makes the branch track the remote's, so plain `git pull`/`git push`
    /// in the ledger work as after `git clone`.
    fn track(&self, repo: &Repository, branch: &str) -> Result<(), SyncError> {
        let short = branch.strip_prefix("refs/heads/").unwrap_or(branch);
        let mut config = repo
            .config()
            .map_err(LedgerError::git("open the ledger's git config", &self.root))?;
        config
            .set_str(&format!("branch.{short}.remote"), DEFAULT_REMOTE)
            .and_then(|_| config.set_str(&format!("branch.{short}.merge"), branch))
            .map_err(LedgerError::git("set the branch's upstream", &self.root))?;
        Ok(())
    }
}

impl Drop for Joining {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // The folder was new or empty: everything in it is ours to remove.
        if self.created_root {
            let _ = std::fs::remove_dir_all(&self.root);
        } else if let Ok(children) = std::fs::read_dir(&self.root) {
            for child in children.filter_map(Result::ok) {
                let path = child.path();
                let _ = match child.file_type() {
                    Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
                    _ => std::fs::remove_file(&path),
                };
            }
        }
    }
}

/// `cv.toml`'s text with `flags` applied to `[profile]`, and the fields
/// that changed; `None` when nothing differs.
fn apply_profile(text: &str, flags: &ProfileFlags) -> Option<(String, Vec<&'static str>)> {
    let mut doc = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .parse::<toml_edit::DocumentMut>()
        .ok()?;
    let profile = doc.get_mut("profile")?.as_table_like_mut()?;
    let mut changed = Vec::new();
    let mut set = |key: &'static str, value: &str| {
        if profile.get(key).and_then(|v| v.as_str()) != Some(value) {
            profile.insert(key, toml_edit::value(value));
            changed.push(key);
        }
    };
    if let Some(name) = &flags.name {
        set("name", name);
    }
    if let Some(level) = flags.level {
        set("level", &level.to_string());
    }
    if let Some(target) = flags.target {
        set("target", &target.to_string());
    }
    let missing: Vec<&String> = {
        let have: Vec<&str> = profile
            .get("emails")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        flags
            .emails
            .iter()
            .filter(|e| !have.contains(&e.as_str()))
            .collect()
    };
    if !missing.is_empty() {
        match profile.get_mut("emails").and_then(|v| v.as_array_mut()) {
            Some(array) => missing.into_iter().for_each(|e| array.push(e.as_str())),
            None => {
                let array: toml_edit::Array = missing.into_iter().map(String::as_str).collect();
                profile.insert("emails", toml_edit::value(array));
            }
        }
        changed.push("emails");
    }
    (!changed.is_empty()).then(|| (doc.to_string(), changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::LevelId;

    const CONFIG: &str = "\
[profile]
name = \"Ada\"  # from the laptop
emails = [\"ada@home.example\"]
level = \"mid\"
";

    #[test]
    fn profile_flags_change_only_what_differs_and_add_emails() {
        let same = ProfileFlags {
            name: Some("Ada".into()),
            emails: vec!["ada@home.example".into()],
            level: Some(LevelId::Mid),
            target: None,
        };
        assert_eq!(apply_profile(CONFIG, &same), None);
        let other = ProfileFlags {
            emails: vec!["ada@work.example".into()],
            level: Some(LevelId::Senior),
            ..ProfileFlags::default()
        };
        let (text, fields) = apply_profile(CONFIG, &other).expect("changed");
        assert_eq!(fields, ["level", "emails"]);
        assert!(text.contains("# from the laptop"), "{text}");
        assert!(
            text.contains("[\"ada@home.example\", \"ada@work.example\"]"),
            "{text}"
        );
        assert!(text.contains("level = \"senior\""), "{text}");
    }
}
