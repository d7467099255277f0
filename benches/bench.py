#!/usr/bin/env python3
"""Benchmarks for SPEC §7, rerunnable on any machine: `python3 benches/bench.py`.

Generates deterministic ledgers (benches/gen_ledger.rs) of 10,000 and 100,000
entries under benches/data/, commits them with git, then measures, as medians
of repeated warm runs:

- `cv report --json` next to `cat` of every entry file (the SPEC floor);
- the peak memory (max RSS) of `cv report`;
- one `cv log --no-input` next to `git add` + `git commit` of one file;
- start-up: `cv --version` and `cv levels`;
- `cv harvest --json` next to `git log --author --since` on a generated work
  repository of 111,026 commits on main (benches/gen_history.py), for a
  one-year window and for the whole history, checking that both list the
  same commits.

Ledgers are packed with `git gc` before measuring, as weeks of use leave
them (SPEC §7): on loose objects git is slowed and the `cv log` ratio
flatters `cv`.

Prints a Markdown table to paste into docs/performance.md. Options:
  --sizes 10000,100000   ledger sizes
  --runs 7               repetitions per measurement (median reported)
  --only report,log,startup,harvest   which measurements to take
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benches" / "data"
sys.path.insert(0, str(ROOT / "benches"))
import gen_history  # noqa: E402

CV = ROOT / "target" / "release" / "cv"
GEN = ROOT / "target" / "release" / "examples" / "gen-ledger"

ENV = dict(
    os.environ,
    CV_TODAY="2026-11-22",
    GIT_CONFIG_NOSYSTEM="1",
    GIT_AUTHOR_NAME="Bench",
    GIT_AUTHOR_EMAIL="bench@example.com",
    GIT_COMMITTER_NAME="Bench",
    GIT_COMMITTER_EMAIL="bench@example.com",
    NO_COLOR="1",
    # No automatic gc in the middle of a measurement (or of our own `git gc`
    # below): the ledgers are packed explicitly before measuring.
    GIT_CONFIG_COUNT="1",
    GIT_CONFIG_KEY_0="gc.auto",
    GIT_CONFIG_VALUE_0="0",
)


def run(cmd, cwd=None, shell=False):
    """Runs cmd once; returns its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed: {cmd}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def peak_rss_mb(cmd):
    """Peak resident memory of cmd, from GNU time (Python's own fork would
    be counted in a wait4 rusage taken here)."""
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        return None
    proc = subprocess.run([gnu_time, "-f", "%M", *cmd], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(proc.stderr.strip().splitlines()[-1]) / 1024


def median(cmd, runs, cwd=None, shell=False, warmup=1):
    for _ in range(warmup):
        run(cmd, cwd, shell)
    return statistics.median(run(cmd, cwd, shell) for _ in range(runs))


def ledger(n):
    path = DATA / f"ledger-{n}"
    if (path / ".git").exists():
        return path
    print(f"generating {n} entries in {path} …", file=sys.stderr)
    subprocess.run([str(GEN), str(path), str(n)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, check=True, env=ENV)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=ENV)
    subprocess.run(["git", "commit", "-q", "-m", "generated"], cwd=path, check=True, env=ENV)
    return path


def ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", default="report,log,startup,harvest")
    args = parser.parse_args()
    only = set(args.only.split(","))
    sizes = [int(s) for s in args.sizes.split(",")]

    subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "cv", "--example", "gen-ledger"], cwd=ROOT, check=True)
    DATA.mkdir(parents=True, exist_ok=True)

    rows = []
    report_times = {}
    for n in sizes if only & {"report", "log"} else []:
        path = ledger(n)
        # Packed objects and refs, as weeks of use (and git's auto gc) leave
        # a ledger; earlier benchmark runs' commits are packed too.
        subprocess.run(["git", "gc", "-q"], cwd=path, check=True, env=ENV)
        if "report" in only:
            measure_report(path, n, args.runs, rows, report_times)
        if "log" in only:
            measure_log(path, n, args.runs, rows)

    if 10000 in report_times and 100000 in report_times:
        rows.append(("report scaling 10k → 100k", "", "", f"{report_times[100000] / report_times[10000]:.1f}×", "target ≤ 10.5×"))

    if "startup" in only:
        v_t = median([str(CV), "--version"], args.runs * 3)
        l_t = median([str(CV), "levels"], args.runs * 3)
        rows.append(("start-up: --version", ms(v_t), "", "", ""))
        rows.append(("start-up: levels", ms(l_t), "", "", ""))

    if "harvest" in only:
        measure_harvest(args.runs, rows)

    print("| measurement | cv | floor | ratio | notes |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def measure_report(path, n, runs, rows, report_times):
    cat = f"find entries -name '*.toml' -print0 | xargs -0 cat > /dev/null"
    cat_t = median(cat, runs, cwd=path, shell=True)
    report = [str(CV), "--ledger", str(path), "report", "--json"]
    rep_t = median(report, runs)
    rss = peak_rss_mb(report)
    report_times[n] = rep_t
    memory = f"peak {rss:.1f} MB" if rss is not None else "peak memory: needs GNU time"
    rows.append((f"report --json, {n:,} entries", ms(rep_t), ms(cat_t), f"{rep_t / cat_t:.2f}× cat", memory))


def measure_log(path, n, runs, rows):
    # One cv log vs git add + git commit of one file, same ledger size.
    counter = iter(range(10**6))

    def cv_log():
        i = next(counter)
        return run([str(CV), "--ledger", str(path), "log", "--no-input", "--title", f"bench log {n} {i}"])

    def git_commit():
        i = next(counter)
        # Unique per run: a rerun on the same ledger must add a new file.
        stem = f"2026-11-22-git-bench-{os.getpid()}-{i}"
        name = f"entries/2026/{stem}.toml"
        (path / name).write_text(f'id = "{stem}"\ntitle = "git bench {i}"\ndate = 2026-11-22\n')
        return run(["git", "add", name], cwd=path) + run(["git", "commit", "-q", "-m", f"git bench {i}"], cwd=path)

    cv_log(), git_commit()  # warm-up
    log_t = statistics.median(cv_log() for _ in range(runs))
    git_t = statistics.median(git_commit() for _ in range(runs))
    status = subprocess.run(["git", "status", "--porcelain"], cwd=path, env=ENV, capture_output=True, text=True).stdout
    clean = "clean" if status == "" else f"NOT clean: {status[:80]}"
    rows.append((f"log --no-input, {n:,} entries", ms(log_t), ms(git_t), f"{log_t / git_t:.2f}× git add+commit", f"git status {clean}"))


# The harvest benchmark: a work repository of ten years, 111,026 commits on
# main (gen_history.py), the user's commits under two addresses joined by its
# .mailmap. Packed by `git gc` (with a commit-graph, which git log uses and
# libgit2 1.9 cannot read). History v1: rename it when the generator changes.
HISTORY = DATA / "history-v1"
HISTORY_COMMITS = 110_000
USER = gen_history.USER_EMAIL
WINDOWS = [("one year", "2025-11-22", 1.3), ("whole history", "2000-01-01", 1.6)]


def history():
    if not (HISTORY / ".git").exists():
        print(f"generating a {HISTORY_COMMITS:,}-commit history in {HISTORY} …", file=sys.stderr)
        gen_history.generate(HISTORY, HISTORY_COMMITS, env=ENV)
    return HISTORY


def harvest_ledger():
    """An empty ledger: no entry links a commit, so harvest lists them all."""
    path = DATA / "harvest-ledger"
    if not (path / "cv.toml").exists():
        subprocess.run([str(CV), "--ledger", str(path), "init", "--no-input", "--name", "Ada Lovelace",
                        "--email", USER, "--level", "mid"], check=True, env=ENV, stdout=subprocess.DEVNULL)
    return path


def harvest_commands(repo, ledger_path, since):
    # git log matches --author against the mailmapped "Name <email>" with
    # --use-mailmap (the default since git 2.23, through log.mailmap; named
    # here so a user's config cannot turn it off), as a regular expression;
    # -i makes it case-insensitive like cv. Both compare the committer date
    # with midnight UTC and walk HEAD only.
    git = ["git", "log", "--use-mailmap", "--regexp-ignore-case", f"--author={USER}",
           f"--since={since} 00:00:00 +0000", "--format=%H"]
    cv = [str(CV), "--ledger", str(ledger_path), "harvest", "--repo", str(repo), "--author", USER,
          "--since", since, "--json"]
    return git, cv


def measure_harvest(runs, rows):
    repo = history()
    ledger_path = harvest_ledger()
    total = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, env=ENV, check=True,
                               capture_output=True, text=True).stdout)
    for label, since, target in WINDOWS:
        git, cv = harvest_commands(repo, ledger_path, since)
        # The same query must give the same commits, or the ratio means nothing.
        git_out = subprocess.run(git, cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout
        cv_out = subprocess.run(cv, env=ENV, check=True, capture_output=True, text=True).stdout
        git_shas = set(git_out.split())
        cv_shas = {c["sha"] for c in json.loads(cv_out)}
        if git_shas == cv_shas:
            same = f"same {len(cv_shas):,} commits"
        else:
            same = f"MISMATCH: {len(git_shas - cv_shas)} only in git log, {len(cv_shas - git_shas)} only in cv"
            print(f"\n*** harvest, {label}: {same} ***\n", file=sys.stderr)
        # Interleaved, so a burst of load on this shared machine hits both.
        run(git, cwd=repo), run(cv)
        git_times, cv_times = [], []
        load = os.getloadavg()[0]
        for _ in range(runs):
            git_times.append(run(git, cwd=repo))
            cv_times.append(run(cv))
        load = max(load, os.getloadavg()[0])
        git_t, cv_t = statistics.median(git_times), statistics.median(cv_times)
        rows.append((f"harvest --json, {label} ({total:,} commits)", ms(cv_t), ms(git_t) + " (`git log`)",
                     f"{cv_t / git_t:.2f}× git log", f"target ≤ {target}×; {same}; load ≤ {load:.1f}"))


if __name__ == "__main__":
    main()
