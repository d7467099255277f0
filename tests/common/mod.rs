//! `TestEnv`: a temp HOME, XDG dirs and ledger path, git isolated from the
//! machine, a fixed "today", and the real `cv` binary run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Today's date in every test (`CV_TODAY`).
pub const TODAY: &str = "2026-11-22";

/// One isolated world for a test.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

/// What one `cv` run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "cv failed:\n{self}");
        &self.stdout
    }

    /// Asserts the exit code and returns stderr.
    #[track_caller]
    pub fn fails_with(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "unexpected exit:\n{self}");
        let errors = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count();
        assert_eq!(errors, 1, "exactly one error: line:\n{self}");
        assert!(
            !self.stderr.contains("panicked"),
            "a panic reached the user:\n{self}"
        );
        assert!(
            !self.stderr.contains("RUST_BACKTRACE"),
            "a backtrace hint reached the user:\n{self}"
        );
        &self.stderr
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n--- stderr\n{}\n[exit status: {}]",
            self.stdout, self.stderr, self.code
        )
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = TestEnv { dir };
        for sub in ["home", "home/.config", "home/.local/share", "work"] {
            std::fs::create_dir_all(env.root().join(sub)).expect("mkdir");
        }
        std::fs::write(
            env.home().join(".gitconfig"),
            "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n",
        )
        .expect("gitconfig");
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The ledger every `cv` run uses (`CV_LEDGER`).
    pub fn ledger(&self) -> PathBuf {
        self.root().join("ledger")
    }

    /// A command with the isolated environment, not yet run.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.root().join("work"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("CV_LEDGER", self.ledger())
            .env("CV_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env("COLUMNS", "100")
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-11-20T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-20T12:00:00Z")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the real `cv` binary with `args`, stdin closed.
    pub fn cv(&self, args: &[&str]) -> Run {
        self.cv_in(&self.root().join("work"), args)
    }

    /// Runs `cv` with `args` and these environment variables set
    /// (`COLUMNS`, `EDITOR`…).
    pub fn cv_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_cv"));
        cmd.args(args).envs(vars.iter().copied());
        run(cmd)
    }

    /// Runs `cv` with arguments that need not be UTF-8.
    pub fn cv_os(&self, args: &[std::ffi::OsString]) -> Run {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_cv"));
        cmd.args(args);
        run(cmd)
    }

    /// Runs `cv` from another working directory.
    pub fn cv_in(&self, cwd: &Path, args: &[&str]) -> Run {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_cv"));
        cmd.current_dir(cwd).args(args);
        run(cmd)
    }

    /// Runs `cv` with `args` (and `vars`), killing it and failing the test
    /// if it is still running after `limit`: a hang fails instead of
    /// blocking the suite. Output is drained on threads, so a full pipe
    /// cannot stall the child.
    pub fn cv_within(
        &self,
        args: &[&str],
        vars: &[(&str, &str)],
        limit: std::time::Duration,
    ) -> Run {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_cv"));
        cmd.args(args)
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn cv");
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for cv") {
                break status;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("cv {args:?} was still running after {limit:?}: it hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        Run {
            stdout: stdout.join().expect("stdout"),
            stderr: stderr.join().expect("stderr"),
            code: status.code().unwrap_or(-1),
        }
    }

    /// Runs the `git` binary with `args` in `dir`.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = self.command("git");
        cmd.arg("-C").arg(dir).args(args);
        let out = run(cmd);
        assert_eq!(out.code, 0, "git {args:?} failed:\n{out}");
        out.stdout
    }

    /// Creates the ledger with a standard profile (level mid).
    pub fn init(&self) {
        self.cv(&[
            "init",
            "--name",
            "Ada Example",
            "--email",
            "ada@example.com",
            "--level",
            "mid",
        ])
        .ok();
    }

    /// Returns `git log --format=%s` of the ledger, newest first.
    pub fn ledger_log(&self) -> Vec<String> {
        self.git(&self.ledger(), &["log", "--format=%s"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Asserts `git status` of the ledger shows nothing.
    #[track_caller]
    pub fn assert_clean(&self) {
        let status = self.git(
            &self.ledger(),
            &["status", "--porcelain", "--untracked-files=all"],
        );
        assert_eq!(status, "", "the ledger's work tree is not clean");
    }

    /// HEAD's SHA and the work tree's status, to show nothing changed.
    pub fn ledger_state(&self) -> (String, String) {
        (
            self.git(&self.ledger(), &["rev-parse", "HEAD"]),
            self.git(
                &self.ledger(),
                &["status", "--porcelain", "--untracked-files=all"],
            ),
        )
    }

    /// Creates a work repository with one commit and an ssh `origin`;
    /// returns its path and the commit's full SHA.
    pub fn work_repo(&self, name: &str, message: &str) -> (PathBuf, String) {
        let path = self.root().join("work").join(name);
        std::fs::create_dir_all(&path).expect("mkdir");
        self.git(&path, &["init", "-q"]);
        self.git(
            &path,
            &[
                "remote",
                "add",
                "origin",
                &format!("git@github.com:acme/{name}.git"),
            ],
        );
        std::fs::write(path.join("README"), message).expect("write");
        self.git(&path, &["add", "README"]);
        self.git(&path, &["commit", "-q", "-m", message]);
        let sha = self.git(&path, &["rev-parse", "HEAD"]).trim().to_string();
        (path, sha)
    }

    /// Runs `git args` in `repo` as `email` (author and committer) at
    /// `date`, and returns HEAD's SHA after it.
    pub fn git_as(&self, repo: &Path, args: &[&str], email: &str, date: &str) -> String {
        let mut cmd = self.command("git");
        cmd.arg("-C")
            .arg(repo)
            .args(args)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
        let out = cmd.output().expect("git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        self.git(repo, &["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Reads a file of the ledger.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.ledger().join(rel))
            .unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }
}

fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    })
}

fn run(mut cmd: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("spawn");
    Run {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        code: status.code().unwrap_or(-1),
    }
}
