"""Drives `cv mcp` with the official MCP Python SDK, as a coding agent would.

Run by tests/test_mcp.rs with the virtual environment `.ci/run` makes:

    python tests/mcp_client.py CV LEDGER WORK_REPO SHA

It starts `cv mcp --ledger LEDGER` over stdio, initializes, lists the
tools, reads the framework, logs an entry with a commit link from WORK_REPO,
reads the report, makes bad calls that must come back as error results
and change nothing, then adds a link to the entry. Every check that fails stops the script with
its reason on stderr and exit 1. On success it prints one JSON line for the
Rust test, which checks the ledger itself.
"""

import asyncio
import json
import os
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

TOOLS = {"levels", "diff", "report", "list", "show", "due", "harvest", "log", "link"}
READ_ONLY = TOOLS - {"log", "link"}
TITLE = "Cut checkout latency for EU shoppers"
DASHBOARD = "https://dashboards.example.com/checkout-latency"


def check(condition, what, detail=""):
    if not condition:
        sys.stderr.write(f"mcp_client: {what}\n{detail}\n")
        sys.exit(1)


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def call(session, name, arguments):
    """A call that must succeed; returns its JSON."""
    result = await session.call_tool(name, arguments)
    text = text_of(result)
    check(not result.is_error, f"{name} {arguments} failed", text)
    try:
        return json.loads(text)
    except ValueError:
        check(False, f"{name} did not return JSON", text)


async def refused(session, name, arguments, expected):
    """A call that must come back as an error result with cv's error line."""
    result = await session.call_tool(name, arguments)
    text = text_of(result)
    check(result.is_error, f"{name} {arguments} was not refused", text)
    check(text.startswith("error: "), f"{name}'s error is not cv's error: line", text)
    check(expected in text, f"{name}'s error does not say {expected!r}", text)
    check("\nhint: " in text, f"{name}'s error has no hint", text)
    return text


def head(ledger):
    return subprocess.run(
        ["git", "-C", ledger, "rev-parse", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


async def main(cv, ledger, repo, sha):
    server = StdioServerParameters(
        command=cv, args=["mcp", "--ledger", ledger], env=dict(os.environ)
    )
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.server_info.name == "cv", "the server is not cv", init.server_info)

            listed = (await session.list_tools()).tools
            names = {t.name for t in listed}
            check(names == TOOLS, "the tools are not cv's nine", names)
            for tool in listed:
                check(len(tool.description or "") > 80, f"{tool.name} has no real description")
                check(tool.input_schema.get("type") == "object", f"{tool.name}'s schema")
                read_only = tool.annotations and tool.annotations.read_only_hint
                check(bool(read_only) == (tool.name in READ_ONLY), f"{tool.name}'s read-only hint")
            log_schema = next(t for t in listed if t.name == "log").input_schema
            check(log_schema.get("required") == ["title"], "log requires only a title", log_schema)
            for field in ["date", "signal", "commit", "repo", "metric"]:
                described = log_schema["properties"][field].get("description", "")
                check(described, f"log's {field} has no description")
            check("YYYY-MM-DD" in log_schema["properties"]["date"]["description"], "log's date forms")
            check("levels" in log_schema["properties"]["signal"]["description"], "where signal ids are")

            levels = await call(session, "levels", {})
            check(
                [l["id"] for l in levels] == ["early", "mid", "senior", "staff", "principal"],
                "levels",
                levels,
            )
            mid = await call(session, "levels", {"level": "mid"})
            signal = next(i["id"] for i in mid["items"] if i["kind"] == "signal")

            entry = await call(
                session,
                "log",
                {
                    "title": TITLE,
                    "date": "yesterday",
                    "customer": "EU shoppers on mobile",
                    "outcome": "p95 0.8 s; abandonment down 3 points",
                    "metric": ["p95 checkout latency: 2.1 -> 0.8 s"],
                    "signal": [signal],
                    "commit": [sha],
                    "repo": repo,
                },
            )
            check(entry["title"] == TITLE, "the logged title", entry)
            check(entry["signals"] == [signal], "the logged signal", entry)
            check([l.get("sha") for l in entry["links"]] == [sha], "the logged commit", entry)
            logged_head = head(ledger)

            report = await call(session, "report", {})
            check(report["from"] == "mid" and report["to"] == "senior", "report levels", report)
            check(report["entries_considered"] == 1, "report counts the entry", report)
            covered = [s for s in report["signals"] if s["id"] == signal]
            check(covered and covered[0]["proven"] == 1, "report proves the signal", covered)

            shown = await call(session, "show", {"id": entry["id"]})
            check(shown["id"] == entry["id"] and shown["path"].endswith(".toml"), "show", shown)
            listed_entries = await call(session, "list", {"signal": signal})
            check([e["id"] for e in listed_entries] == [entry["id"]], "list", listed_entries)
            check(isinstance(await call(session, "due", {}), list), "due")
            diff = await call(session, "diff", {"from": "mid", "to": "senior"})
            check(diff["from"]["name"] == "Mid-Level Engineer", "diff", diff)
            harvested = await call(session, "harvest", {"repo": [repo]})
            check(isinstance(harvested, list), "harvest", harvested)
            # Each candidate says where it was read, for log's `repo`.
            check(all(c.get("path") for c in harvested), "harvest path", harvested)
            # A list parameter given as one string is taken as that one.
            check(await call(session, "harvest", {"repo": repo}) == harvested, "harvest repo string")

            # Bad calls: each an error result in cv's words, none a commit.
            await refused(
                session,
                "log",
                {"title": "A second entry", "signal": ["no-such-signal-anywhere"]},
                "unknown signal 'no-such-signal-anywhere'",
            )
            await refused(
                session, "log", {"title": "A second entry", "date": "2099-01-01"}, "in the future"
            )
            await refused(
                session, "log", {"title": "A second entry", "metric": ["p95: 2,1 -> 0.8 s"]}, "metric"
            )
            await refused(session, "log", {"title": "A second entry", "signals": 3}, "error: ")
            await refused(session, "link", {"id": entry["id"]}, "nothing to link")
            await refused(session, "show", {"id": "no-such-entry"}, "no-such-entry")
            # Attack round: control characters in a tag or a metric, and a
            # tool without parameters given one.
            await refused(session, "log", {"title": "A second entry", "tag": ["a\u001b[31mb"]}, "tag")
            await refused(
                session, "log", {"title": "A second entry", "metric": ["p95: 1 -> 2 s\nx"]}, "control"
            )
            await refused(session, "due", {"bogus": 1}, "bogus")
            check(head(ledger) == logged_head, "a refused call changed the ledger's HEAD")

            # Proof added later: one commit, and none when nothing is new.
            proof = {"id": "cut-checkout-latency", "url": [DASHBOARD]}
            linked = await call(session, "link", proof)
            check(linked == {"id": entry["id"], "added": 1}, "link", linked)
            linked_head = head(ledger)
            check(linked_head != logged_head, "link made no commit")
            again = await call(session, "link", proof)
            check(again == {"id": entry["id"], "added": 0}, "link again", again)
            check(head(ledger) == linked_head, "a link with nothing new made a commit")

    print(json.dumps({"id": entry["id"], "signal": signal, "head": logged_head}))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
