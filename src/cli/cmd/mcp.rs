//! `cv mcp`: serve cv's tools to a coding agent over the Model Context
//! Protocol. The server itself is in `cli::mcp`.

use std::io::IsTerminal;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

/// Serve cv to a coding agent: a Model Context Protocol server on stdin/stdout
///
/// An MCP client (a coding agent) starts `cv mcp` and talks to it over
/// stdin/stdout. Its tools: levels, diff, report, list, show, due and harvest
/// read, each returning the JSON of the command's --json; log and link
/// record evidence through the same validation and the same write path as
/// `cv log` and `cv link`, each as one commit (`log (mcp): <title>`). A
/// failed call returns cv's `error:` and `hint:` lines as an error result.
/// The server never prompts and writes nothing but the protocol to stdout;
/// messages go to stderr. The ledger is found as for every command
/// (--ledger, CV_LEDGER, XDG). See docs/mcp.md.
#[derive(Debug, clap::Args)]
#[command(after_long_help = r#"Examples:
  Register it with an MCP client (its mcpServers setting):
    {"mcpServers": {"cv": {"command": "cv", "args": ["mcp"]}}}
  With a ledger of its own:
    {"mcpServers": {"cv": {"command": "cv", "args": ["mcp", "--ledger", "/home/ada/cv-ledger"]}}}"#)]
pub struct Args {}

/// Runs `cv mcp` until the client closes stdin.
pub fn run(ctx: &mut Ctx, _args: &Args) -> Result<(), CliError> {
    // The client keeps stderr as the server's log: say what is served.
    let path = ctx.ledger_path();
    let ledger = match &path {
        Ok(path) => format!("the ledger at {}", path.display()),
        Err(e) => format!("no ledger ({})", e.message),
    };
    ctx.ui.status(&format!(
        "cv mcp: serving {ledger} over stdin/stdout (Model Context Protocol)"
    ));
    if path.is_ok_and(|p| !p.join(crate::ledger::CONFIG_FILE).is_file()) {
        ctx.ui.warn(
            "there is no ledger there yet: levels, diff and report with demo work, the other tools need `cv init` first",
        );
    }
    if std::io::stdin().is_terminal() {
        ctx.ui.hint(
            "an MCP client starts this and speaks JSON-RPC on stdin; docs/mcp.md shows how to register it (Ctrl-D stops it)",
        );
    }
    crate::cli::mcp::serve(ctx.global.clone())
}
