"""Wall time, CPU and peak memory of each command, and `sources add` of a long PDF report.

    python -m benchmarks.command_memory [--pages 200] [--workdir DIR] [--json FILE]

Each command runs as its own child process (`benchmarks._common.run_child`: its own
ru_maxrss and CPU through os.wait4, so the figure is that process's peak, not this
one's), one after the other, in a fresh database under the work folder:

1. `sources add long-report.pdf`: a generated report of `--pages` pages (fpdf2), each a
   chapter of the benchmark corpus's survey sources (`benchmarks.corpus.make_source`:
   a title, a method paragraph and 7-14 findings with figures), so the indexer meets a
   real-sized report with a figure in most sentences;
2. `extract` of one demo article (no database);
3. `check` of the demo articles against the indexed report;
4. `eval data/demo` (its own database: index, check and score the demo set).

Why: issue #16 asks for the long-report indexing time and every command's peak memory;
a newsroom machine has to hold the largest of them. The 1-minute load average is printed
before and after each command, since the machine these figures come from is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from pathlib import Path

from benchmarks._common import REPO, bench_env, claimdesk_cmd, run_child
from benchmarks.corpus import TOPICS, make_source

DEMO = REPO / "data" / "demo"


def write_long_pdf(path: Path, pages: int, seed: int = 0) -> int:
    """A `pages`-page report, one survey chapter a page; returns the number of findings."""
    from fpdf import FPDF

    rng = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    findings = 0
    for page in range(pages):
        src = make_source(rng, page, TOPICS[page % len(TOPICS)])
        name, short = src.org
        pdf.add_page()
        pdf.set_font("helvetica", "B", 14)
        pdf.multi_cell(0, 8, new_x="LMARGIN", new_y="NEXT", text=_latin1(f"Chapter {page + 1}. {src.topic['nouns'][0].capitalize()} in {src.year}"))
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, new_x="LMARGIN", new_y="NEXT", text=_latin1(f"Publisher: {name} ({short}). Method: online survey of {src.pop}, "
                                     f"weighted to be nationally representative. Period: the {src.year} calendar year."))
        pdf.ln(2)
        for f in src.findings:
            pdf.multi_cell(0, 5, new_x="LMARGIN", new_y="NEXT", text=_latin1(f.source_sentence))
            findings += 1
    pdf.output(str(path))
    return findings


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: the corpus's pound and euro signs become words."""
    return text.replace("£", "GBP ").replace("€", "EUR ").encode("latin-1", "replace").decode("latin-1")


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
    ap.add_argument("--only", default="sources,extract,check,eval", help="comma list of the commands to run")
    a = ap.parse_args(argv)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="claimdesk-mem-"))
    work.mkdir(parents=True, exist_ok=True)
    env = bench_env(work)
    pdf = work / "long-report.pdf"
    n = write_long_pdf(pdf, a.pages)
    print(json.dumps({"pdf": str(pdf), "pages": a.pages, "findings": n, "bytes": pdf.stat().st_size}), flush=True)
    db = work / "bench.duckdb"
    article = next(iter(sorted((DEMO / "articles").iterdir())))
    only = set(a.only.split(","))
    runs = {
        "sources": ("sources add (long PDF)", ["--db", str(db), "sources", "add", str(pdf)]),
        "extract": ("extract (one demo article)", ["extract", str(article)]),
        "check": ("check (demo articles)", ["--db", str(db), "check", str(DEMO / "articles")]),
        "eval": ("eval data/demo", ["--db", str(work / "eval.duckdb"), "eval", str(DEMO)]),
    }
    rows = [_run(name, args, env, REPO) for key, (name, args) in runs.items() if key in only]
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if any(r["returncode"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
