//! The one way `cv` runs the user's `git` binary: for `cv sync` and
//! `cv init --remote`, which talk to remotes with the user's own ssh keys,
//! credential helpers and `url.<base>.insteadOf` rules, as `git` would.
//!
//! Only ever on the ledger's repository (`--git-dir` always given, so git
//! never searches upward into someone's work repository, SPEC §6), never
//! interactively except for what git asks on the terminal itself, and never
//! redirected by `GIT_DIR` and friends in the environment. Modelled on jj's
//! `lib/src/git_subprocess.rs`.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, Stdio};

/// Environment variables that would point git at another repository, index
/// or object store than the ledger's, or change what it reads: removed.
/// (`git rev-parse --local-env-vars` lists them; `GIT_CONFIG_PARAMETERS`
/// carries `git -c` from a parent git, e.g. a hook that runs cv.)
const REDIRECTING_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_SHALLOW_FILE",
    "GIT_QUARANTINE_PATH",
    "GIT_INTERNAL_SUPER_PREFIX",
];

/// Why a `git` run failed.
#[derive(Debug, thiserror::Error)]
pub enum GitCmdError {
    /// The `git` binary is not on `PATH` (or cannot be started).
    #[error("cannot run `git`")]
    NotInstalled {
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// git ran and exited non-zero.
    #[error("`git {command}` failed: {message}")]
    Failed {
        /// The subcommand, e.g. `fetch`.
        command: String,
        /// git's own message (its last lines of stderr, trimmed).
        message: String,
        /// Its stdout, for callers that parse `--porcelain` output.
        stdout: String,
    },
}

/// A `git` command on the ledger's repository, not yet run.
#[derive(Debug)]
pub struct GitCommand {
    cmd: Command,
    /// The subcommand, for messages.
    name: String,
}

impl GitCommand {
    /// `git --git-dir=<git_dir> <subcommand>`, set up as the module says.
    ///
    /// `interactive`: cv runs at a terminal and may let git ask there for a
    /// password or passphrase; otherwise git fails instead of waiting for an
    /// answer nobody can give.
    pub fn new(git_dir: &Path, subcommand: &str, interactive: bool) -> GitCommand {
        let mut cmd = Command::new("git");
        for var in REDIRECTING_VARS {
            cmd.env_remove(var);
        }
        // The repository is named, never searched for: no `GIT_DIR` from the
        // environment, no walk up from the current folder into a work repo.
        let mut dir = OsString::from("--git-dir=");
        dir.push(git_dir);
        cmd.arg(dir);
        cmd.arg(subcommand);
        // Run from inside the git dir: a relative path git resolves, or a
        // `.git` it might look for, is the ledger's own.
        cmd.current_dir(git_dir)
            // Messages in English, so the one cv shows reads the same as the
            // docs and cv can recognise a rejected push.
            .env("LC_ALL", "C")
            .env("LANGUAGE", "C")
            // Never an editor (a merge message) or a pager (nothing to page).
            .env("GIT_EDITOR", ":")
            .env("GIT_PAGER", "cat")
            // Nothing to read from cv's stdin: git prompts, when it may, on
            // the terminal itself (/dev/tty), as ssh does.
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if !interactive {
            // No terminal to answer a username/password prompt: fail at once
            // with git's "could not read Username" instead of hanging.
            cmd.env("GIT_TERMINAL_PROMPT", "0");
            // ssh's own prompts (passphrase, unknown host key) likewise, by
            // asking through no program at all.
            cmd.env("SSH_ASKPASS_REQUIRE", "never");
        }
        GitCommand {
            cmd,
            name: subcommand.to_string(),
        }
    }

    /// Runs git from `dir` (the ledger's folder) instead of the git dir:
    /// where a relative remote path (`git remote add origin ../backup.git`)
    /// is resolved from, as when the user runs git there.
    pub fn current_dir(mut self, dir: &Path) -> GitCommand {
        self.cmd.current_dir(dir);
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> GitCommand {
        self.cmd.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> GitCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Runs git to the end; returns its stdout, or its message on failure.
    pub fn run(mut self) -> Result<String, GitCmdError> {
        let out = self
            .cmd
            .output()
            .map_err(|source| GitCmdError::NotInstalled { source })?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            return Ok(stdout);
        }
        Err(GitCmdError::Failed {
            command: self.name,
            message: message_of(&String::from_utf8_lossy(&out.stderr), out.status),
            stdout,
        })
    }
}

/// git's message for cv's one error line: its `fatal:`/`error:` lines (or
/// else its last line), the prefixes dropped, at most a few lines.
fn message_of(stderr: &str, status: std::process::ExitStatus) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("hint:"))
        .collect();
    let important: Vec<&str> = lines
        .iter()
        .filter_map(|l| {
            l.strip_prefix("fatal: ")
                .or_else(|| l.strip_prefix("error: "))
        })
        .collect();
    let chosen = if important.is_empty() {
        lines.last().copied().into_iter().collect()
    } else if important
        .iter()
        .all(|l| l.starts_with("failed to push some refs"))
    {
        // Only git's summary: the reason is in the lines before it, a
        // hook's own words (`pre-push`, or the server's as `remote: …`).
        let reasons: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| {
                !l.starts_with("error: ") && !l.starts_with("fatal: ") && !l.starts_with("To ")
            })
            .collect();
        let from = reasons.len().saturating_sub(3);
        reasons[from..].iter().copied().chain(important).collect()
    } else {
        important
    };
    if chosen.is_empty() {
        return format!("it exited with {status}");
    }
    chosen.into_iter().take(4).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_carries_gits_own_message() {
        let ledger = tempfile::tempdir().expect("tempdir");
        crate::ledger::test_git(ledger.path(), &["init", "-q"]);
        let err = GitCommand::new(&ledger.path().join(".git"), "fetch", false)
            .arg("nowhere")
            .run()
            .expect_err("no such remote");
        let text = err.to_string();
        assert!(text.starts_with("`git fetch` failed: "), "{text}");
        assert!(text.contains("nowhere"), "{text}");
        assert!(!text.contains("fatal:"), "{text}");
    }
}
