"""Cold start of `claimdesk check` on one article, and where the time goes.

    python -m benchmarks.cold_start [--quick] [--workdir DIR] [--json FILE]

1. `claimdesk --db X check ARTICLE` as a child process, on a fresh copy of a database
   that holds the article's sources (so the article is new and really checked);
   twice (the second with the OS file cache warm). `claimdesk --version` is the floor
   of starting the command at all.
2. The same work split into phases in a child process with timers, in the order the
   command meets them: import the CLI, import the flows (Prefect), the first flow run
   (Prefect starts its local server), import spaCy and load the pipeline, import
   sentence-transformers/torch and load the embedder, then the check itself through
   the service run inline (read, extract, embed, match, judge, store; no Prefect).
3. `python -X importtime` of the same imports: the heaviest top-level packages.
Prefect runs with a benchmark-local PREFECT_HOME that `sources add` has already
initialised (a user's second command, not the very first).

`--ratio N` measures instead the issue #16 goal: N interleaved pairs of `claimdesk extract
ARTICLE` and `claimdesk check ARTICLE` (fresh database copy each time), so both see the
same load; once with no Prefect server running (the check starts a temporary one in the
background, flows/quick_start.py) and once against a running `prefect server start`
(as under `claimdesk serve`). Each pair's ratio, CPU seconds and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import REPO, Reporter, bench_env, claimdesk_cmd, run_child, run_reported
from benchmarks.corpus import generate


def _task_probe(n_tasks: int) -> dict[str, float]:
    """Overhead of one Prefect task run: a flow calling a task that does nothing with the
    arguments a pipeline task gets (25 paths and the Settings), against the same flow with
    no task calls; the local server is already up."""
    from prefect import flow, task

    from claimdesk.settings import load_settings

    settings = load_settings(REPO / "config.yaml")
    paths = [f"/tmp/articles/article-{i:05d}.txt" for i in range(25)]

    @task
    def batch_task(paths: list[str], settings: object, progress: bool) -> int:
        return len(paths)

    @flow
    def tasks_flow(n: int) -> int:
        return sum(batch_task(paths, settings, False) for _ in range(n))

    def best(n: int, repeat: int = 3) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            tasks_flow(n)
            times.append(time.perf_counter() - t)
        return min(times)

    empty, full = best(0), best(n_tasks)
    return {"empty_flow_s": empty, "per_task_s": (full - empty) / n_tasks, "n_tasks": n_tasks}


def phases(db: str, article: str, n_tasks: int) -> None:
    """Runs in the child: time each phase of a one-article check (prints one JSON line)."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()

    def mark(name: str, start: float) -> float:
        now = time.perf_counter()
        out[name] = now - start
        return now

    t = time.perf_counter()
    import flows.cli  # noqa: F401

    t = mark("import CLI (argparse, settings, yaml)", t)
    from flows.prefect_env import configure

    configure()  # as the CLI's main does before a flow
    from flows import prefect_flows  # noqa: F401 - imports prefect

    t = mark("import flows (Prefect)", t)
    from prefect import flow

    @flow
    def nothing() -> int:
        return 0

    nothing()
    t = mark("first flow run (Prefect local server start)", t)
    probe_start = time.perf_counter()
    probe = _task_probe(n_tasks)
    probe_s = time.perf_counter() - probe_start
    t = time.perf_counter()
    import dataclasses

    from claimdesk.settings import load_settings

    settings = dataclasses.replace(load_settings(REPO / "config.yaml"), database=db)
    from claims.extract import load_nlp

    load_nlp(settings.models.spacy)
    t = mark("import spaCy + load pipeline", t)
    from sources.embed import load_model

    load_model(settings.models.embedding)
    t = mark("import sentence-transformers/torch + load embedder", t)
    from flows import service

    s = service.check_articles([article], settings)
    t = mark("check through the service, inline", t)
    out["total"] = time.perf_counter() - t0 - probe_s
    out["claims"] = s.claims
    print(json.dumps({"phases": out, "prefect": probe}))


# Heavy dependencies first, each charged only what earlier ones did not load already.
IMPORT_ORDER = ["numpy", "scipy", "yaml", "duckdb", "prefect", "spacy", "torch", "transformers", "sentence_transformers",
                "flows.cli", "flows.service", "flows.prefect_flows"]


def importtime_top(stderr: str, n: int = 12) -> list[tuple[str, float]]:
    """Cumulative import time of top-level imports (outermost lines), grouped by package."""
    totals: dict[str, float] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not m or len(m.group(3)) > 1:
            continue
        pkg = m.group(4).split(".")[0]
        totals[pkg] = totals.get(pkg, 0.0) + int(m.group(2)) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])[:n]


def run(args: argparse.Namespace, rep: Reporter) -> None:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="claimdesk-cold-"))
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work)
    cmd = claimdesk_cmd()
    if args.sources_db and args.article:
        base, article = Path(args.sources_db), args.article
    else:
        corpus = generate(work / "corpus", 1, seed=args.seed, n_sources=4)
        article = str(corpus.articles[0])
        base = work / "sources.duckdb"
        base.unlink(missing_ok=True)
        r = run_child(cmd + ["--db", str(base), "sources", "add", str(corpus.sources_dir), "--quiet"], env=env, cwd=work)
        if r.returncode:
            raise SystemExit(f"sources add failed: {r.stderr[-1500:]}")
    r = run_child(cmd + ["--version"], env=env, cwd=work)
    rep.fig("cold", "claimdesk --version", r.seconds, "s", "interpreter + CLI module, nothing else")
    runs = 0 if args.quick else 2  # quick: the phase probe below is the cold start
    for i in range(runs):
        db = work / f"check-{i}.duckdb"
        shutil.copy(base, db)
        r = run_child(cmd + ["--db", str(db), "check", article, "--quiet"], env=env, cwd=work)
        m = re.search(r"(\d+) claims in ([\d.]+)s", r.stdout)
        rep.fig("cold", f"claimdesk check one article (run {i + 1})", r.seconds, "s",
                f"{m.group(1) if m else '?'} claims, {m.group(2) if m else '?'}s inside the pipeline; peak RSS {r.peak_rss_mib:.0f} MiB, "
                f"CPU {r.cpu_seconds:.1f}s" + ("" if r.returncode == 0 else f"; exit {r.returncode}"))
    db = work / "phases.duckdb"
    shutil.copy(base, db)
    k = 50 if args.quick else 200
    r = run_child([sys.executable, "-m", "benchmarks.cold_start", "--phases", str(db), article, "--tasks", str(k)],
                  env=env, cwd=REPO)
    try:
        res = json.loads(r.stdout.strip().splitlines()[-1])
        ph, pr = res["phases"], res["prefect"]
    except (IndexError, ValueError, KeyError):
        rep.fig("cold", "phase probe failed", r.returncode, "", r.stderr[-300:].replace("\n", " "))
        ph, pr = {}, {}
    n_probe = 6
    if pr:
        rep.fig("prefect", "flow run overhead (no tasks, server up)", pr["empty_flow_s"], "s")
        rep.fig("prefect", "overhead per task run", 1000 * pr["per_task_s"], "ms",
                f"{pr['n_tasks']} task runs with a batch task's arguments (25 paths, Settings)")
    total = ph.pop("total", None)
    ph.pop("claims", None)
    for name, sec in ph.items():
        rep.fig("cold", f"phase: {name}", sec, "s", f"{100 * sec / total:.0f}%" if total else "")
    if total:
        rep.fig("cold", "phases total (child wall)", total, "s", f"child process wall {r.seconds:.1f}s incl. interpreter start/exit "
                f"and {n_probe} Prefect probe flow runs")
    r = run_child([sys.executable, "-X", "importtime", "-c", "import " + ", ".join(IMPORT_ORDER)], env=env, cwd=REPO)
    for pkg, sec in importtime_top(r.stderr):
        if sec >= 0.05:
            rep.fig("cold", f"import {pkg}", sec, "s", "python -X importtime, cumulative, minus what earlier imports loaded")


def _pairs(rep: Reporter, label: str, cmd: list[str], env: dict[str, str], work: Path, base: Path, article: str,
           pairs: int) -> None:
    ratios = []
    for i in range(pairs):
        x = run_child(cmd + ["extract", article], env=env, cwd=work)
        db = work / f"ratio-{i}.duckdb"
        shutil.copy(base, db)
        c = run_child(cmd + ["--db", str(db), "check", article, "--quiet"], env=env, cwd=work)
        if x.returncode or c.returncode:
            raise SystemExit(f"extract exit {x.returncode}, check exit {c.returncode}: {c.stderr[-800:]}")
        ratios.append(c.seconds / x.seconds)
        rep.fig("ratio", f"{label}, pair {i + 1}: check / extract", ratios[-1], "",
                f"check {c.seconds:.1f}s (CPU {c.cpu_seconds:.1f}s), extract {x.seconds:.1f}s (CPU {x.cpu_seconds:.1f}s), "
                f"load {os.getloadavg()[0]:.1f}")
    rep.fig("ratio", f"{label}: median check / extract", statistics.median(ratios), "", f"{pairs} pairs")


def ratio(args: argparse.Namespace, rep: Reporter) -> None:
    """check vs extract on one article: no server running, then a running server."""
    from flows.serve_cmd import local_prefect_server

    work = Path(args.workdir or tempfile.mkdtemp(prefix="claimdesk-ratio-"))
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work)
    env.pop("PREFECT_API_URL", None)
    cmd = claimdesk_cmd()
    if not (args.sources_db and args.article):
        raise SystemExit("--ratio needs --sources-db and --article")
    base, article = Path(args.sources_db), args.article
    _pairs(rep, "no server running", cmd, env, work, base, article, args.ratio)
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    with local_prefect_server(0, ui="false") as url:
        _pairs(rep, "running Prefect server", cmd, {**env, "PREFECT_API_URL": url}, work, base, article, args.ratio)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cold_start", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="only the phase probe (no separate `claimdesk check` runs)")
    ap.add_argument("--workdir", metavar="DIR")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--sources-db", metavar="FILE", help="a database holding the article's sources (with --article)")
    ap.add_argument("--article", metavar="FILE", help="the article to check (default: a generated one)")
    ap.add_argument("--phases", nargs=2, metavar=("DB", "ARTICLE"), help=argparse.SUPPRESS)
    ap.add_argument("--tasks", type=int, default=50, help=argparse.SUPPRESS)
    ap.add_argument("--ratio", type=int, metavar="N", help="N interleaved extract/check pairs (issue #16's goal), then exit")
    a = ap.parse_args(argv)
    if a.ratio:
        return run_reported("ratio", lambda rep: ratio(a, rep), json_path=a.json, header=not a.no_header)
    if a.phases:
        phases(*a.phases, a.tasks)
        return 0
    return run_reported("cold", lambda rep: run(a, rep), json_path=a.json, header=not a.no_header)


if __name__ == "__main__":
    raise SystemExit(main())
