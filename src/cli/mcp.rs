//! `cv mcp`'s server: the Model Context Protocol over stdin/stdout, so a
//! coding agent can read the framework and the report and record evidence.
//!
//! Each tool turns its parameters into the command's own `Args` and calls
//! the command's own function: the read-only tools return exactly the text
//! `--json` prints, and a failure is the `error:` / `hint:` text the CLI
//! prints, sent as an MCP error result. Nothing here writes to stdout: the
//! protocol owns it (see [`serve`]), and the context never prompts.
//!
//! The async runtime lives here and nowhere else: every other command starts
//! without it (SPEC §7).

use std::path::PathBuf;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::GlobalArgs;
use super::cmd;
use super::context::Ctx;
use super::error::CliError;
use super::ui::ColorChoice;
use crate::draft::{Fields, LinkFields};

/// What the server tells an agent when it connects.
const INSTRUCTIONS: &str = "\
cv keeps the user's evidence ledger: what they shipped, who it helped, the measured outcome, \
and the commits and pull requests that prove it, mapped onto the Customer Value career framework. \
Right after work the user did with you has shipped (merged, deployed, reached its users), offer to record it \
with `log`: a short title, the customer, the problem, the outcome, metrics, the signals it shows \
(framework item ids: find them with `levels`, passing the user's level, or its next one) and the \
commits (`commit` with `repo`) and pull requests (`pr`) that prove it. Record only what the user \
confirms; never invent an outcome or a metric. Use `report`, `diff`, `list` and `due` to help the \
user decide what to work on next. Tools return JSON; a failed call returns cv's own error and hint.";

/// The server: the global options every tool call starts from.
#[derive(Clone)]
pub struct Server {
    global: GlobalArgs,
    tool_router: ToolRouter<Server>,
}

/// Serves the tools on stdin/stdout until the client closes stdin.
///
/// stdout belongs to the protocol: it is duplicated for the transport, and
/// fd 1 is then pointed at stderr, so anything else that would print to
/// stdout (a stray message, a library) lands in the log instead of
/// corrupting the stream.
pub fn serve(global: GlobalArgs) -> Result<(), CliError> {
    let global = GlobalArgs {
        // A tool call is never interactive, never coloured, and its data is JSON.
        no_input: true,
        json: true,
        color: ColorChoice::Never,
        ..global
    };
    // What rmcp drops (a line that is not JSON-RPC, one too long) it says
    // through `tracing`: to stderr, the client's log of the server, plain.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .try_init();
    // One thread is plenty: calls are served one at a time, as an agent makes them.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let out = protocol_stdout()?;
        let running = Server::new(global)
            .serve((tokio::io::stdin(), out))
            .await
            .map_err(|e| {
                CliError::failure(format!("the MCP session did not start: {e}")).hint(
                    "an MCP client starts cv mcp and sends `initialize` first; docs/mcp.md shows how to register it",
                )
            })?;
        running
            .waiting()
            .await
            .map_err(|e| CliError::failure(format!("the MCP server stopped: {e}")))?;
        Ok(())
    });
    // stdin's reader is a blocking read that nothing can interrupt: do not
    // wait for it once the session is over.
    runtime.shutdown_background();
    served
}

/// Returns a handle on the real stdout for the protocol, and points fd 1 at
/// stderr.
#[cfg(unix)]
fn protocol_stdout() -> Result<impl tokio::io::AsyncWrite + Send + Unpin + 'static, CliError> {
    use std::os::fd::AsFd;
    let stdout = std::io::stdout();
    let protocol = stdout.as_fd().try_clone_to_owned()?;
    rustix::stdio::dup2_stdout(std::io::stderr().as_fd()).map_err(std::io::Error::from)?;
    Ok(tokio::fs::File::from_std(std::fs::File::from(protocol)))
}

/// Returns stdout for the protocol, where descriptors cannot be swapped.
#[cfg(not(unix))]
fn protocol_stdout() -> Result<impl tokio::io::AsyncWrite + Send + Unpin + 'static, CliError> {
    Ok(tokio::io::stdout())
}

impl Server {
    /// A server whose tool calls start from these global options.
    pub fn new(global: GlobalArgs) -> Server {
        Server {
            global,
            tool_router: Server::tool_router() + Server::write_router(),
        }
    }

    /// Runs one tool call: a fresh context (today is today, even in a
    /// session left open overnight), then `f`; its text or its error
    /// becomes the tool's result. A panic becomes an error result too.
    fn call<F>(&self, f: F) -> CallToolResult
    where
        F: FnOnce(&Ctx) -> Result<String, CliError>,
    {
        let run = || -> Result<String, CliError> {
            let ctx = Ctx::new(self.global.clone())?;
            f(&ctx)
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(Ok(text)) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Ok(Err(e)) => CallToolResult::error(vec![ContentBlock::text(e.render())]),
            Err(_) => CallToolResult::error(vec![ContentBlock::text(
                CliError::failure("internal error in cv; nothing further was written")
                    .hint("please report this with the tool call you made; `cv check` verifies the ledger")
                    .render(),
            )]),
        }
    }
}

/// `levels`' parameters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelsParams {
    /// A level: early, mid, senior, staff or principal (also 1-5, L1-L5, early-career, mid-level). Without it, every level.
    #[serde(default)]
    pub level: Option<String>,
}

/// `diff`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffParams {
    /// The level the user is at: early, mid, senior, staff or principal (also 1-5, L1-L5).
    pub from: String,
    /// A higher level to compare with.
    pub to: String,
    /// Lay the user's ledger evidence (last 365 days) over every item.
    #[serde(default)]
    pub evidence: bool,
}

/// `report`'s parameters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// The level to report readiness for (the level below it is the one the user is at). Default: the level above the profile's.
    #[serde(default)]
    pub to: Option<String>,
    /// First day of the window. Dates: YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, last monday…last sunday, last week|month|quarter|year. Default: 364 days before `until`.
    #[serde(default)]
    pub since: Option<String>,
    /// Last day of the window, in the same forms as `since`. Default: today.
    #[serde(default)]
    pub until: Option<String>,
    /// Count entries marked private.
    #[serde(default)]
    pub include_private: bool,
    /// Replace titles, customers, outcomes, link summaries and entry ids with placeholders, keeping dates, metrics and links.
    #[serde(default)]
    pub redact: bool,
    /// Report on the sample ledger built into cv instead of the user's (needs no ledger).
    #[serde(default)]
    pub demo: bool,
}

/// `list`'s parameters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only entries on or after this date: YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, last monday…last sunday, last week|month|quarter|year.
    #[serde(default)]
    pub since: Option<String>,
    /// Only entries on or before this date, in the same forms as `since`.
    #[serde(default)]
    pub until: Option<String>,
    /// Only entries that list this framework item: its id (as `levels` shows them, e.g. mid.signal.defines-success-criteria) or an unambiguous part of it.
    #[serde(default)]
    pub signal: Option<String>,
    /// Only entries with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Only entries that list an item of this level (early, mid, senior, staff, principal).
    #[serde(default)]
    pub level: Option<String>,
    /// At most this many entries, the newest.
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The parameters of a tool that takes none: any name given is refused,
/// as for every other tool.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `show`'s parameters.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowParams {
    /// The entry's id (as `list` returns it), or an unambiguous part of it in whole words.
    pub id: String,
}

/// `harvest`'s parameters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HarvestParams {
    /// Work repositories to walk, as absolute paths (`~/` is expanded). Default: the server's current directory's repository, else those in the ledger's cv.toml `[repos]`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub repo: Vec<String>,
    /// Whose commits, by email. Default: the profile's emails, else the repository's user.email.
    #[serde(default, deserialize_with = "one_or_many")]
    pub author: Vec<String>,
    /// Commits on or after this date: YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, last monday…last sunday, last week|month|quarter|year. Default: 90 days ago.
    #[serde(default)]
    pub since: Option<String>,
    /// Walk every local branch, not only HEAD.
    #[serde(default)]
    pub all: bool,
}

/// A list parameter given as one string is that string alone: agents
/// often send `"repo": "/src/shop"` where the schema says a list, and
/// refusing it would only cost a retry.
fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    let wrong = || D::Error::custom("expected a string or a list of strings");
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(Vec::new()),
        serde_json::Value::String(one) => Ok(vec![one]),
        serde_json::Value::Array(many) => many
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Ok(s),
                _ => Err(wrong()),
            })
            .collect(),
        _ => Err(wrong()),
    }
}

/// An error result whose text is not yet cv's `error:` line (rmcp's own,
/// for parameters that do not fit the schema) made into one, with a hint.
fn in_cli_words(result: CallToolResult) -> CallToolResult {
    let text: String = result
        .content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Text(t) => Some(t.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.starts_with("error: ") {
        return result;
    }
    CallToolResult::error(vec![ContentBlock::text(
        CliError::usage(text)
            .hint("the tool's input schema (tools/list) names every parameter and its type; nothing was written")
            .render(),
    )])
}

/// `log`'s parameters: the flags of `cv log`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogParams {
    /// What was shipped, in a few words (becomes the entry's id with the date), e.g. "Cut checkout latency for EU shoppers".
    pub title: String,
    /// When the value reached the customer: YYYY-MM-DD, today, yesterday, N days|weeks|months|years ago, last monday…last sunday, or last week|month|quarter|year (its first day). Not in the future. Default: today.
    #[serde(default)]
    pub date: Option<String>,
    /// Who it helped, e.g. "EU shoppers on mobile".
    #[serde(default)]
    pub customer: Option<String>,
    /// The problem it solved.
    #[serde(default)]
    pub problem: Option<String>,
    /// The outcome, in words, as measured or observed.
    #[serde(default)]
    pub outcome: Option<String>,
    /// Measurements, each 'NAME: BEFORE -> AFTER UNIT' with plain decimal numbers (a dot, no comma), either number optional, e.g. "p95 checkout latency: 2.1 -> 0.8 s" or "signups: -> 40".
    #[serde(default, alias = "metrics", deserialize_with = "one_or_many")]
    pub metric: Vec<String>,
    /// Framework items this evidences: full ids as the `levels` tool lists them (e.g. "mid.signal.defines-success-criteria"), or an unambiguous suffix of one. The `signal` items of the user's level are what readiness counts.
    #[serde(default, alias = "signals", deserialize_with = "one_or_many")]
    pub signal: Vec<String>,
    /// Tags, free words to group entries by, e.g. "performance".
    #[serde(default, alias = "tags", deserialize_with = "one_or_many")]
    pub tag: Vec<String>,
    /// Commits that prove it: a full or short SHA, a branch or HEAD, resolved in `repo` to the full SHA, remote URL and summary.
    #[serde(default, alias = "commits", deserialize_with = "one_or_many")]
    pub commit: Vec<String>,
    /// The work repository `commit` and PR shorthands are resolved in, as an absolute path (`~/` is expanded). Default: the server's current directory's repository. Never the ledger itself.
    #[serde(default)]
    pub repo: Option<String>,
    /// Pull/merge requests: their web address (e.g. `https://github.com/acme/shop/pull/4312`), or `#N` / `owner/repo#N` in the work repository's forge.
    #[serde(default, alias = "prs", deserialize_with = "one_or_many")]
    pub pr: Vec<String>,
    /// Any other address that backs it: a dashboard, a ticket, a document (https://…).
    #[serde(default, alias = "urls", deserialize_with = "one_or_many")]
    pub url: Vec<String>,
    /// Free text: anything else worth keeping about it (context, caveats, who else took part).
    #[serde(default)]
    pub notes: Option<String>,
    /// When to measure the outcome again, in the same forms as `date` (the `due` tool lists it from that day).
    #[serde(default)]
    pub remeasure: Option<String>,
    /// Keep this entry out of reports and exports unless they include private entries.
    #[serde(default)]
    pub private: bool,
}

/// `link`'s parameters: the entry and the link flags of `cv link`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkParams {
    /// The entry's id (as `log` or `list` returns it), or an unambiguous part of it in whole words.
    pub id: String,
    /// Commits that prove it: a full or short SHA, a branch or HEAD, resolved in `repo`.
    #[serde(default, alias = "commits", deserialize_with = "one_or_many")]
    pub commit: Vec<String>,
    /// The work repository `commit` and PR shorthands are resolved in, as an absolute path (`~/` is expanded). Default: the server's current directory's repository.
    #[serde(default)]
    pub repo: Option<String>,
    /// Pull/merge requests: their web address, or `#N` / `owner/repo#N` in the work repository's forge.
    #[serde(default, alias = "prs", deserialize_with = "one_or_many")]
    pub pr: Vec<String>,
    /// Any other address that backs it (https://…).
    #[serde(default, alias = "urls", deserialize_with = "one_or_many")]
    pub url: Vec<String>,
}

/// A path an agent gave: `~/…` expanded as a shell would.
fn path(given: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    crate::ledger::config::Repos::local_path(given, home.as_deref())
}

#[tool_router]
impl Server {
    /// The career framework's levels (no ledger needed). Without `level`: every level with its id, number, name, theme, summary, mindset shift and items. With `level`: that level's card. Each item has an `id` (e.g. `mid.signal.defines-success-criteria`): these are the signal ids `log` and `list` take. The `signal` items of the user's level are what readiness for the next level counts. Returns the JSON of `cv levels --json`.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn levels(&self, Parameters(p): Parameters<LevelsParams>) -> CallToolResult {
        self.call(|ctx| cmd::levels::json(ctx, &cmd::levels::Args { level: p.level }))
    }

    /// What changes from one level to another: the mindset shift, each section side by side, and the level-up signals on the way. With `evidence`, the user's coverage of each item. Returns the JSON of `cv diff FROM TO --json`.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn diff(&self, Parameters(p): Parameters<DiffParams>) -> CallToolResult {
        self.call(|ctx| {
            cmd::diff::json(
                ctx,
                &cmd::diff::Args {
                    from: p.from,
                    to: p.to,
                    evidence: p.evidence,
                },
            )
        })
    }

    /// Promotion readiness: the user's entries in a window (default the 365 days ending today) mapped onto the level-up signals of their level. For each signal: evidence count, proven count, covered, sustained (proof in two calendar months); `gaps` lists the uncovered signals, `readiness` is covered / all. Coverage of evidence, not a promotion decision. Returns the JSON of `cv report --format json`.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn report(&self, Parameters(p): Parameters<ReportParams>) -> CallToolResult {
        self.call(|ctx| {
            cmd::report::json(
                ctx,
                &cmd::report::Args {
                    to: p.to,
                    since: p.since,
                    until: p.until,
                    format: cmd::report::Format::Json,
                    out: None,
                    include_private: p.include_private,
                    redact: p.redact,
                    demo: p.demo,
                },
            )
        })
    }

    /// The user's entries, newest first, private ones included, each with its fields and its `path` in the ledger. Filters combine. Returns the JSON of `cv list --json`.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn list(&self, Parameters(p): Parameters<ListParams>) -> CallToolResult {
        self.call(|ctx| {
            cmd::list::json(
                ctx,
                &cmd::list::Args {
                    since: p.since,
                    until: p.until,
                    signal: p.signal,
                    tag: p.tag,
                    level: p.level,
                    limit: p.limit,
                    long: false,
                },
            )
        })
    }

    /// One entry, with every field and its `path` in the ledger. Returns the JSON of `cv show ID --json`.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn show(&self, Parameters(p): Parameters<ShowParams>) -> CallToolResult {
        self.call(|ctx| cmd::show::json(ctx, &cmd::show::Args { id: p.id }))
    }

    /// Entries whose outcome should be measured again: their `remeasure` date is today or past, or their outcome has no metric and they shipped more than 30 days ago. Returns the JSON of `cv due --json`: an array of {id, title, date, remeasure, reason}.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn due(&self, Parameters(_): Parameters<NoParams>) -> CallToolResult {
        self.call(|ctx| cmd::due::json(ctx, &cmd::due::Args {}))
    }

    /// The user's commits in work repositories that no entry links yet (shipped work nobody logged), newest first, with the pull request number read from the message where there is one. Each is a candidate for `log` (pass its `sha` as `commit` and its `path` as `repo`). Returns the JSON of `cv harvest --json`: an array of {sha, date, summary, author, repo, path, pr}, where `repo` is the repository's web address (else its path) and `path` the folder it was read in on this machine.
    #[tool(annotations(read_only_hint = true, open_world_hint = false))]
    fn harvest(&self, Parameters(p): Parameters<HarvestParams>) -> CallToolResult {
        self.call(|ctx| {
            let args = cmd::harvest::Args {
                repo: p.repo.iter().map(|r| path(r)).collect(),
                author: p.author,
                since: p.since,
                all: p.all,
                pick: false,
            };
            Ok(super::ui::json(&cmd::harvest::find(ctx, &args)?.0))
        })
    }
}

#[tool_router(router = write_router, vis = "")]
impl Server {
    /// Record a piece of evidence in the user's ledger: what shipped, who it helped, the outcome, and the commits, pull requests and metrics that prove it. One new entry, committed to the ledger as `log (mcp): <title>`, through the same checks as `cv log` (an unknown signal, a future date or a malformed metric is refused and nothing is written). Call it once per shipped piece of work, after the user has confirmed the facts; never invent an outcome or a metric. An entry evidences a signal only with at least one link or metric. Returns the new entry as JSON (`cv log --json`), with its `id`.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = false
    ))]
    fn log(&self, Parameters(p): Parameters<LogParams>) -> CallToolResult {
        self.call(|ctx| {
            let fields = Fields {
                title: Some(p.title),
                date: p.date,
                customer: p.customer,
                problem: p.problem,
                outcome: p.outcome,
                metrics: p.metric,
                signals: p.signal,
                tags: p.tag,
                links: LinkFields {
                    commits: p.commit,
                    repo: p.repo.as_deref().map(path),
                    prs: p.pr,
                    urls: p.url,
                },
                notes: p.notes,
                remeasure: p.remeasure,
                private: p.private,
            };
            // An agent's call is whole: nothing to ask, so the draft is kept as it is.
            let saved =
                cmd::log::record(ctx, &fields, "log (mcp)", |draft, _, _, _| Ok(Some(draft)))?
                    .ok_or_else(|| CliError::failure("nothing was saved"))?;
            Ok(super::ui::json(&saved))
        })
    }

    /// Add proof to an existing entry: commits, pull requests or other addresses. The entry file is edited in place (the user's comments and formatting are kept) and committed as `link (mcp): <id>`; a link the entry already has is not added again. Returns {"id", "added"}: the entry's id and how many links were new (0: nothing changed), as `cv link --json`.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    fn link(&self, Parameters(p): Parameters<LinkParams>) -> CallToolResult {
        self.call(|ctx| {
            let links = LinkFields {
                commits: p.commit,
                repo: p.repo.as_deref().map(path),
                prs: p.pr,
                urls: p.url,
            };
            let linked = cmd::link::add(ctx, &p.id, &links, "link (mcp)")?;
            Ok(super::ui::json(&linked))
        })
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    /// Routes the call to its tool. Parameters that do not fit the tool's
    /// schema are reported by rmcp as an error result in its own words:
    /// they get the `error:` line and a hint, as every other failure.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call = ToolCallContext::new(self, request, context);
        Ok(match self.tool_router.call(call).await? {
            CallToolResponse::Complete(result) if result.is_error == Some(true) => {
                CallToolResponse::Complete(in_cli_words(result))
            }
            other => other,
        })
    }

    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("cv", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An agent has only the tool list to go by: every tool and every
    /// parameter says what it is.
    #[test]
    fn every_tool_and_every_parameter_is_described() {
        let server = Server::new(GlobalArgs {
            ledger: None,
            json: false,
            no_input: false,
            color: ColorChoice::Auto,
        });
        let tools = server.tool_router.list_all();
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names,
            [
                "diff", "due", "harvest", "levels", "link", "list", "log", "report", "show"
            ]
        );
        for tool in &tools {
            let description = tool.description.as_deref().unwrap_or_default();
            assert!(description.len() > 80, "{}: {description}", tool.name);
            let properties = tool
                .input_schema
                .get("properties")
                .and_then(|p| p.as_object())
                .cloned()
                .unwrap_or_default();
            for (name, schema) in properties {
                let text = schema["description"].as_str().unwrap_or_default();
                assert!(text.len() > 10, "{}.{name} is not described", tool.name);
            }
        }
    }
}
