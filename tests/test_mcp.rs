//! `cv mcp`: driven by a real MCP client (the official Python SDK, from the
//! virtual environment `.ci/run` makes) and by raw JSON-RPC lines, against a
//! real ledger and a real work repository.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::TestEnv;

/// The venv's python: `CV_MCP_PYTHON` (set by `.ci/run`), else where
/// `.ci/run` puts it. Missing is a failure, never a skip: this is the test
/// that shows a real agent can use the server.
fn python() -> PathBuf {
    let python = std::env::var_os("CV_MCP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python")
        });
    assert!(
        python.is_file(),
        "no Python with the MCP SDK at {}: run `bash .ci/run` once (it creates target/mcp-venv with `pip install mcp`), or set CV_MCP_PYTHON",
        python.display()
    );
    python
}

/// Runs `cmd` to its end, failing the test if it takes longer than `limit`.
fn run_within(mut cmd: std::process::Command, limit: Duration) -> (String, String, i32) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        out.join().expect("stdout"),
        err.join().expect("stderr"),
        status.code().unwrap_or(-1),
    )
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

#[test]
fn an_agent_logs_evidence_through_the_official_python_sdk() {
    let env = TestEnv::new();
    env.init();
    let (repo, sha) = env.work_repo("shop", "Cache tax rules per region (#4312)");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py");
    let mut cmd = env.command(python().to_str().expect("utf-8 path"));
    cmd.arg(&script)
        .arg(env!("CARGO_BIN_EXE_cv"))
        .arg(env.ledger())
        .arg(&repo)
        .arg(&sha);
    let (stdout, stderr, code) = run_within(cmd, Duration::from_secs(120));
    assert_eq!(
        code, 0,
        "the MCP client failed:\n{stdout}\n--- stderr\n{stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(stdout.trim().lines().last().unwrap_or(""))
            .unwrap_or_else(|e| panic!("no summary from the client ({e}):\n{stdout}\n{stderr}"));

    // The log made one commit, HEAD when the client read it; the refused
    // calls after it (unknown signal, future date, bad metric…) made none,
    // and the link one more.
    let title = "Cut checkout latency for EU shoppers";
    let id = summary["id"].as_str().expect("id");
    assert_eq!(id, "2026-11-21-cut-checkout-latency-for-eu-shoppers");
    assert_eq!(
        env.ledger_log(),
        vec![
            format!("link (mcp): {id}"),
            format!("log (mcp): {title}"),
            "init: Ada Example".to_string()
        ]
    );
    let logged = summary["head"].as_str().expect("head");
    let message = env.git(&env.ledger(), &["log", "-1", "--format=%s", logged]);
    assert_eq!(message.trim(), format!("log (mcp): {title}"));
    // The entry, and cv.toml learning the work repository, as cv log does.
    let changed = env.git(&env.ledger(), &["show", "--name-only", "--format=", logged]);
    assert_eq!(
        changed.lines().collect::<Vec<_>>(),
        ["cv.toml", &format!("entries/2026/{id}.toml")]
    );
    assert!(
        env.read("cv.toml")
            .contains("\"https://github.com/acme/shop\" = "),
        "{}",
        env.read("cv.toml")
    );
    env.assert_clean();

    // The entry file holds what the agent sent, resolved as cv log would.
    let file = env.read(&format!("entries/2026/{id}.toml"));
    let signal = summary["signal"].as_str().expect("signal");
    for expected in [
        format!("id = \"{id}\""),
        format!("title = \"{title}\""),
        "date = 2026-11-21".to_string(),
        format!("signals = [\"{signal}\"]"),
        "customer = \"EU shoppers on mobile\"".to_string(),
        "name = \"p95 checkout latency\"".to_string(),
        "kind = \"commit\"".to_string(),
        format!("sha = \"{sha}\""),
        "summary = \"Cache tax rules per region (#4312)\"".to_string(),
        "url = \"https://dashboards.example.com/checkout-latency\"".to_string(),
    ] {
        assert!(file.contains(&expected), "{expected} not in:\n{file}");
    }
    env.cv(&["check"]).ok();
}

#[test]
fn stdout_carries_only_the_protocol_and_the_server_ends_with_stdin() {
    let env = TestEnv::new();
    // No ledger: a tool that needs one fails, and cv warns nothing on stdout.
    let mut cmd = env.command(env!("CARGO_BIN_EXE_cv"));
    cmd.arg("mcp").stdin(Stdio::piped());
    let requests = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"levels","arguments":{"level":"L3"}}}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"report","arguments":{"demo":true}}}"#,
    ];
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cv mcp");
    let mut stdin = child.stdin.take().expect("stdin");
    for line in requests {
        writeln!(stdin, "{line}").expect("write a request");
    }
    drop(stdin);
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("cv mcp kept running after stdin closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (out.join().expect("stdout"), err.join().expect("stderr"));
    assert!(status.success(), "cv mcp exited {status}:\n{stderr}");

    let replies: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stdout line is not JSON-RPC ({e}): {line}"))
        })
        .collect();
    assert!(replies.iter().all(|r| r["jsonrpc"] == "2.0"), "{stdout}");
    let reply = |id: i64| {
        replies
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no reply to request {id}:\n{stdout}"))
    };
    assert_eq!(reply(1)["result"]["serverInfo"]["name"], "cv");

    // The missing ledger is an error result in the CLI's words.
    let list = &reply(2)["result"];
    assert_eq!(list["isError"], true);
    let text = list["content"][0]["text"].as_str().expect("text");
    assert!(text.starts_with("error: no ledger at "), "{text}");
    assert!(text.contains("\nhint: run `cv init`"), "{text}");

    // A read-only tool returns exactly what --json prints.
    let levels = reply(3)["result"]["content"][0]["text"]
        .as_str()
        .expect("text");
    assert_eq!(
        format!("{levels}\n"),
        env.cv(&["levels", "L3", "--json"]).ok()
    );
    let report = reply(4)["result"]["content"][0]["text"]
        .as_str()
        .expect("text");
    assert_eq!(report, env.cv(&["report", "--demo", "--json"]).ok());
}
