"""Wall time, CPU and peak memory of each command, and `sources add` of a long PDF report.

    python -m benchmarks.command_memory [--pages 200] [--workdir DIR] [--json FILE] [--only pdf,sources,...]

Each command runs as its own child process (`benchmarks._common.run_child`: its own
ru_maxrss and CPU through os.wait4, so the figure is that process's peak, not this
one's), one after the other, each in its own database under the work folder:

1. `pdf`: `sources add long-report.pdf`, a generated report of `--pages` pages
   (`benchmarks.long_pdf`: per page a chapter of prose with the benchmark corpus's survey
   findings, a bar chart and a table), so the indexer meets a real-sized report;
2. `sources`: `sources add data/demo/sources`;
3. `check`: `check data/demo/articles` against those sources;
4. `extract`: `extract` of one demo article (no database);
5. `eval`: `eval data/demo` (index, check and score the demo set).

The last lines are a table of every figure with the 1-minute load average (what `uptime`
prints) before and after each command. Why: issue #16 asks for the long-report indexing
time and every command's peak memory; a newsroom machine has to hold the largest of them,
and the machine these figures come from is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from benchmarks._common import REPO, bench_env, claimdesk_cmd, run_child
from benchmarks.long_pdf import write_report

DEMO = REPO / "data" / "demo"


def write_long_pdf(path: Path, pages: int, seed: int = 0) -> int:
    """A `pages`-page report (`benchmarks.long_pdf`: prose, a chart and a table a page); the findings it states."""
    return write_report(path, pages, seed)


def _load() -> float:
    return os.getloadavg()[0]


def _run(name: str, args: list[str], env: dict[str, str], cwd: Path) -> dict[str, object]:
    before = _load()
    run = run_child(claimdesk_cmd() + args, env=env, cwd=cwd)
    row = {"command": name, "args": args, "wall_s": round(run.seconds, 2), "cpu_s": round(run.cpu_seconds, 2),
           "peak_rss_mib": round(run.peak_rss_mib), "returncode": run.returncode,
           "load_before": round(before, 2), "load_after": round(_load(), 2)}
    print(json.dumps(row), flush=True)
    if run.returncode:
        print(run.stderr[-2000:], flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.command_memory", description=__doc__.split("\n\n")[1])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--workdir", help="where the PDF and the databases go (default: a new temp folder)")
    ap.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    ap.add_argument("--only", default="pdf,sources,check,extract,eval", help="comma list of the commands to run")
    a = ap.parse_args(argv)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="claimdesk-mem-"))
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work)
    pdf = work / "long-report.pdf"
    n = write_long_pdf(pdf, a.pages)
    print(json.dumps({"pdf": str(pdf), "pages": a.pages, "findings": n, "bytes": pdf.stat().st_size}), flush=True)
    article = next(iter(sorted((DEMO / "articles").iterdir())))
    only = set(a.only.split(","))
    for name in ("report.duckdb", "demo.duckdb", "eval.duckdb"):
        (work / name).unlink(missing_ok=True)
    demo_db = str(work / "demo.duckdb")
    runs = {
        "pdf": (f"sources add long-report.pdf ({a.pages} pages)", ["--db", str(work / "report.duckdb"), "sources", "add", str(pdf)]),
        "sources": ("sources add data/demo/sources", ["--db", demo_db, "sources", "add", str(DEMO / "sources")]),
        "check": ("check data/demo/articles", ["--db", demo_db, "check", str(DEMO / "articles")]),
        "extract": (f"extract data/demo/articles/{article.name}", ["extract", str(article)]),
        "eval": ("eval data/demo", ["--db", str(work / "eval.duckdb"), "eval", str(DEMO)]),
    }
    rows = [_run(name, args, env, REPO) for key, (name, args) in runs.items() if key in only]
    print("\n| command | wall | CPU (user+sys) | peak RSS | load before -> after | exit |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| `claimdesk {r['command']}` | {r['wall_s']:.1f} s | {r['cpu_s']:.1f} s | {r['peak_rss_mib']} MiB | "
              f"{r['load_before']} -> {r['load_after']} | {r['returncode']} |")
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if any(r["returncode"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
