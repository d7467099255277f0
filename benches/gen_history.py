#!/usr/bin/env python3
"""A deterministic work repository for the `cv harvest` benchmark (SPEC §7).

Writes a `git fast-import` stream of ten years of a team's history: about
110,000 commits by eight people and a bot, on `main` and on feature
branches, landed three ways:

- merge commits, `Merge pull request #N from owner/topic` (most PRs in the
  first years);
- squash merges, `Title (#N)`, with the author date of the PR's first
  commit and GitHub as committer (most PRs in the later years; the
  branch's own commits never reach `main`, as on GitHub);
- direct pushes to `main`.

Commit dates increase with random (exponential) gaps, slower at night and
on weekends; a few commits come from a machine whose clock was a few
minutes behind (a commit older than its parent), and rebased commits carry
an author date days before their commit date. Every commit changes one to
three small files in a tree of a few thousand files in about sixty folders,
so trees and deltas look like a real project's.

The user, `Ada Lovelace <ada@example.com>`, committed as
`ada@oldcorp.example` for the first four years; the `.mailmap` committed
in the repository maps that address to her current one. A few of her
commits spell the address `Ada@Example.com` (another machine's config).
Some of her and her colleagues' commits carry a `Customer-Value:` trailer.

The same arguments always give the same stream, so the same commit ids.

    python3 benches/gen_history.py DIR      # creates, imports, checks out, packs
"""

import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

USER_EMAIL = "ada@example.com"
USER_OLD_EMAIL = "ada@oldcorp.example"
START = int(datetime(2016, 11, 20, 9, 0, tzinfo=timezone.utc).timestamp())
END = int(datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc).timestamp())
# When Ada's address changed (and the .mailmap was committed).
EMAIL_CHANGE = int(datetime(2020, 9, 1, tzinfo=timezone.utc).timestamp())
# When the project switched from merge commits to squash merges, mostly.
SQUASH_ERA = int(datetime(2021, 6, 1, tzinfo=timezone.utc).timestamp())

# name, email, timezone, weight (share of the work), login
PEOPLE = [
    ("Ada Lovelace", USER_EMAIL, "+0000", 16, "ada"),
    ("Grace Hopper", "grace@example.com", "-0500", 16, "grace"),
    ("Linus Svensson", "linus@example.com", "+0100", 14, "linus-s"),
    ("Margaret Hamilton", "margaret@example.com", "-0800", 12, "mhamilton"),
    ("Kenji Tanaka", "kenji@example.com", "+0900", 12, "kenji"),
    ("Zoë Dubois", "zoe@example.com", "+0100", 10, "zdubois"),
    ("Ravi Iyer", "ravi@example.com", "+0530", 10, "ravi-i"),
    ("Chidi Okafor", "chidi@example.com", "+0100", 6, "chidi"),
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "+0000", 4, "dependabot"),
]
GITHUB = ("GitHub", "noreply@github.com", "+0000")

MAILMAP = f"""# Canonical names and addresses (git-check-mailmap(1)).
Ada Lovelace <{USER_EMAIL}> <{USER_OLD_EMAIL}>
Linus Svensson <linus@example.com> <linus.svensson@contractor.example>
"""

VERBS = ["Fix", "Add", "Remove", "Refactor", "Speed up", "Document", "Test", "Simplify",
         "Handle", "Rename", "Cache", "Validate", "Log", "Retry", "Split", "Inline"]
NOUNS = ["checkout flow", "cache eviction", "payment retries", "search index", "user session",
         "invoice export", "rate limiter", "feature flags", "webhook delivery", "audit log",
         "image resizing", "CSV import", "login form", "API pagination", "email templates",
         "background jobs", "schema migration", "metrics endpoint", "config loader", "TLS setup"]
DETAILS = ["on slow networks", "for empty carts", "when the queue is full", "in the admin UI",
           "behind the proxy", "for legacy accounts", "under load", "on retry", "at midnight UTC",
           "for EU customers", "in dry-run mode", "after a timeout", ""]
BODY = [
    "The old code path assumed a single region and broke when the replica lagged.",
    "This keeps the behaviour the same but reads the value once instead of per request.",
    "Reported by support; reproduced with the staging data set.",
    "Follow-up to the review comments: clearer names, one less allocation.",
    "We now fail early with a message that names the missing setting.",
    "Measured on the load test: p95 goes from 420 ms to 180 ms.",
]
VALUES = ["checkout p95 down from 420 ms to 180 ms", "support tickets about invoices halved",
          "EU customers can export their data themselves", "signup conversion up 3%",
          "nightly jobs finish before 06:00 again", "no more duplicate emails to customers"]
DIRS = ["api", "web", "jobs", "billing", "search", "auth", "infra", "docs", "lib", "cli"]


class History:
    def __init__(self, target, seed):
        self.rng = random.Random(seed)
        self.target = target
        self.out = []
        self.mark = 0
        self.commits = 0
        self.pr = 0
        self.clock = START
        self.main = None  # mark of main's tip
        self.files = []  # paths that exist
        self.versions = {}  # path -> revision number
        self.open = []  # open feature branches
        self.weights = [p[3] for p in PEOPLE]

    # -- the stream ---------------------------------------------------------

    def next_mark(self):
        self.mark += 1
        return self.mark

    def data(self, text):
        raw = text.encode()
        self.out.append(b"data %d\n" % len(raw))
        self.out.append(raw)
        self.out.append(b"\n")

    def blob(self, path):
        self.versions[path] = self.versions.get(path, 0) + 1
        rev = self.versions[path]
        lines = [f"# {path}", f"revision = {rev}"]
        # A stable body with one changing line: realistic deltas.
        r = random.Random(hash_path(path))
        lines += [f"line {i}: {r.choice(NOUNS)} {r.choice(DETAILS)}" for i in range(r.randint(4, 24))]
        lines.insert(2 + rev % max(1, len(lines) - 2), f"changed in revision {rev}")
        mark = self.next_mark()
        self.out.append(b"blob\nmark :%d\n" % mark)
        self.data("\n".join(lines) + "\n")
        return mark

    def commit(self, ref, author, committer, message, parent=None, merge=None, changes=()):
        mark = self.next_mark()
        self.out.append(f"commit {ref}\nmark :{mark}\n".encode())
        self.out.append(f"author {ident(*author)}\n".encode())
        self.out.append(f"committer {ident(*committer)}\n".encode())
        self.data(message)
        if parent is not None:
            self.out.append(b"from :%d\n" % parent)
        if merge is not None:
            self.out.append(b"merge :%d\n" % merge)
        for path, blob in changes:
            self.out.append(f"M 100644 :{blob} {path}\n".encode())
        self.out.append(b"\n")
        self.commits += 1
        return mark

    # -- the team -----------------------------------------------------------

    def tick(self):
        """Advances the clock: exponential gaps, slower at night and on weekends."""
        span = END - START
        gap = self.rng.expovariate(1.0) * span / (self.target * 2.15)
        t = datetime.fromtimestamp(self.clock, timezone.utc)
        if t.weekday() >= 5:
            gap *= 4
        elif t.hour < 7 or t.hour >= 20:
            gap *= 2.5
        self.clock += max(1, int(gap))
        return self.clock

    def person(self):
        return PEOPLE[self.rng.choices(range(len(PEOPLE)), self.weights)[0]]

    def signature(self, who, when):
        name, email, tz = who[0], who[1], who[2]
        if email == USER_EMAIL:
            if when < EMAIL_CHANGE:
                email = USER_OLD_EMAIL
            elif self.rng.random() < 0.03:
                email = "Ada@Example.com"
        elif email == "linus@example.com" and when < EMAIL_CHANGE and self.rng.random() < 0.5:
            email = "linus.svensson@contractor.example"
        return (name, email, when, tz)

    def title(self):
        detail = self.rng.choice(DETAILS)
        return f"{self.rng.choice(VERBS)} {self.rng.choice(NOUNS)}" + (f" {detail}" if detail else "")

    def message(self, who, title=None):
        title = title or self.title()
        if who[4] == "dependabot":
            return f"Bump lib{self.rng.randint(1, 40)} from 1.{self.rng.randint(0, 9)} to 1.{self.rng.randint(10, 19)}\n"
        parts = [title]
        if self.rng.random() < 0.6:
            parts.append(" ".join(self.rng.sample(BODY, self.rng.randint(1, 3))))
        trailers = []
        if self.rng.random() < 0.04:
            trailers.append(f"Customer-Value: {self.rng.choice(VALUES)}")
        if self.rng.random() < 0.1:
            other = self.person()
            trailers.append(f"Co-authored-by: {other[0]} <{other[1]}>")
        if trailers:
            parts.append("\n".join(trailers))
        return "\n\n".join(parts) + "\n"

    def touch(self, n):
        """Changes n files (sometimes new ones): returns (path, blob mark)."""
        changes = {}
        for _ in range(n):
            if not self.files or self.rng.random() < 0.03:
                folder = self.rng.choice(DIRS)
                sub = f"{folder}/{self.rng.choice(NOUNS).replace(' ', '_')}"
                path = f"{sub}/file_{len(self.files)}.txt"
                self.files.append(path)
            else:
                # Recent files change more often than old ones.
                i = len(self.files) - 1 - min(len(self.files) - 1, int(self.rng.expovariate(1 / 400)))
                path = self.files[i]
            changes[path] = self.blob(path)
        return sorted(changes.items())

    def direct(self):
        who = self.person()
        when = self.tick()
        author_when = when
        if self.rng.random() < 0.1:  # rebased before the push
            author_when = when - self.rng.randint(3600, 5 * 86400)
        if self.rng.random() < 0.003:  # a clock a few minutes behind
            when -= self.rng.randint(60, 1800)
            author_when = min(author_when, when)
        self.main = self.commit(
            "refs/heads/main", self.signature(who, author_when), self.signature(who, when),
            self.message(who), changes=self.touch(self.rng.randint(1, 3)))

    def open_branch(self):
        who = self.person()
        while who[4] == "dependabot" and self.rng.random() < 0.5:
            who = self.person()
        self.pr += 1
        squash = self.rng.random() < (0.85 if self.clock >= SQUASH_ERA else 0.15)
        topic = self.title().lower().replace(" ", "-")[:40]
        branch = dict(who=who, pr=self.pr, base=self.main, tip=None, files={}, squash=squash,
                      topic=f"{who[4]}/{topic}", first=None, left=self.rng.randint(1, 8),
                      title=self.title())
        self.open.append(branch)
        self.branch_commit(branch)

    def branch_commit(self, b):
        when = self.tick()
        b["first"] = b["first"] or when
        b["left"] -= 1
        changes = self.touch(self.rng.randint(1, 3))
        b["files"].update(changes)
        if b["squash"]:
            return  # GitHub keeps these commits; main never sees them.
        author_when = when - self.rng.randint(3600, 3 * 86400) if self.rng.random() < 0.1 else when
        who = b["who"]
        b["tip"] = self.commit(
            "refs/heads/wip", self.signature(who, author_when), self.signature(who, when),
            self.message(who), b["tip"] or b["base"], changes=changes)

    def land(self, b):
        self.open.remove(b)
        when = self.tick()
        changes = sorted(b["files"].items())
        if b["squash"]:
            who = b["who"]
            lines = "\n".join(f"* {self.title()}" for _ in range(self.rng.randint(1, 4)))
            msg = self.message(who, f"{b['title']} (#{b['pr']})")
            head, _, rest = msg.partition("\n")
            msg = f"{head}\n\n{lines}\n{rest}".rstrip("\n") + "\n"
            self.main = self.commit(
                "refs/heads/main", self.signature(who, b["first"]), (*GITHUB[:2], when, GITHUB[2]),
                msg, changes=changes)
        else:
            merger = self.person()
            msg = f"Merge pull request #{b['pr']} from {b['topic']}\n\n{b['title']}\n"
            self.main = self.commit(
                "refs/heads/main", self.signature(merger, when), (*GITHUB[:2], when, GITHUB[2]),
                msg, merge=b["tip"], changes=changes)
        if b["pr"] % 400 == 0:  # a release now and then
            self.out.append(f"reset refs/tags/v{b['pr'] // 400}.0.0\nfrom :{self.main}\n\n".encode())

    def generate(self):
        readme = "README.md"
        self.files.append(readme)
        who = PEOPLE[1]
        self.main = self.commit("refs/heads/main", self.signature(who, START), self.signature(who, START),
                                "Initial commit\n", changes=[(readme, self.blob(readme))])
        mailmap_done = False
        while self.clock < END:
            if not mailmap_done and self.clock >= EMAIL_CHANGE:
                mailmap_done = True
                when = self.tick()
                self.versions[".mailmap"] = 1
                mark = self.next_mark()
                self.out.append(b"blob\nmark :%d\n" % mark)
                self.data(MAILMAP)
                who = PEOPLE[0]
                self.main = self.commit(
                    "refs/heads/main", self.signature(who, when), self.signature(who, when),
                    "Add a .mailmap for my new address\n", changes=[(".mailmap", mark)])
                continue
            r = self.rng.random()
            ready = [b for b in self.open if b["left"] <= 0]
            if ready and r < 0.5:
                self.land(self.rng.choice(ready))
            elif r < 0.62 or not self.open:
                if len(self.open) < 12:
                    self.open_branch()
                else:
                    self.direct()
            elif r < 0.72:
                self.direct()
            else:
                live = [b for b in self.open if b["left"] > 0]
                if live:
                    self.branch_commit(self.rng.choice(live))
                else:
                    self.direct()
        # Work in progress stays on its branches.
        for b in self.open:
            if b["tip"] is not None:
                self.out.append(f"reset refs/heads/{b['topic']}\nfrom :{b['tip']}\n\n".encode())
        return b"".join(self.out)


def ident(name, email, when, tz):
    return f"{name} <{email}> {when} {tz}"


def hash_path(path):
    h = 0
    for ch in path.encode():
        h = (h * 131 + ch) % (1 << 61)
    return h


def generate(path, commits=110_000, seed=9, env=None):
    """Creates the repository at path (a new folder): imports the history,
    checks out main (the work tree holds the .mailmap both tools read) and
    packs it with `git gc`. Returns the number of commits written."""
    path = Path(path)
    history = History(commits, seed)
    stream = history.generate()
    tmp = path.with_name(path.name + ".tmp")
    subprocess.run(["rm", "-rf", str(tmp)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp)], check=True, env=env)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=tmp, input=stream, check=True, env=env)
    subprocess.run(["git", "update-ref", "-d", "refs/heads/wip"], cwd=tmp, env=env,
                   stderr=subprocess.DEVNULL)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=tmp, check=True, env=env)
    # Packed as a long-lived clone is (gc also writes the commit-graph).
    subprocess.run(["git", "gc", "-q", "--prune=now"], cwd=tmp, check=True, env=env)
    tmp.rename(path)
    return history.commits


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    n = generate(sys.argv[1], *(int(a) for a in sys.argv[2:3]))
    print(f"{n} commits written to {sys.argv[1]}", file=sys.stderr)
