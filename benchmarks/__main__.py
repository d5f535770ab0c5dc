"""Run every speed benchmark and print one line per figure.

    python -m benchmarks [--quick] [--articles N] [--external DIR] [--workdir DIR] [--json FILE]
                         [--only pipeline,cold,retrieval] [--sizes 10000,100000,1000000]

Runs, each in its own child process (own models, own peak RSS), one after the other:
benchmarks.pipeline_speed (end-to-end check through the CLI, stage breakdown of the
service run inline, model floor, re-run), benchmarks.cold_start (one article from a cold process, Prefect
overhead) and benchmarks.retrieval_scale (exact and approximate search at 10k-1M).
--quick is the CI smoke variant: 10 articles, 4 sources, 10k vectors, no 2nd cold start.
The first lines name the machine (cores, memory, load) and the versions used. Results
of the full run on the project machine are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import REPO, header_lines, machine, versions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small CI variant (< 3 minutes)")
    ap.add_argument("--articles", type=int, help="articles for the pipeline benchmark (default 1000; quick 10)")
    ap.add_argument("--external", metavar="DIR", help="JSON-lines sentence set mixed into the generated articles")
    ap.add_argument("--workdir", metavar="DIR", help="corpus and databases (default: a new temp folder)")
    ap.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    ap.add_argument("--only", default="pipeline,cold,retrieval", help="comma list of pipeline, cold, retrieval")
    ap.add_argument("--sizes", help="retrieval sizes (default 10000,100000,1000000; quick 10000)")
    a = ap.parse_args(argv)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="claimdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for line in header_lines():
        print(line, flush=True)
    print(f"workdir   {work}", flush=True)
    only = {x.strip() for x in a.only.split(",")}
    common = ["--no-header"] + (["--quick"] if a.quick else [])
    jobs: list[tuple[str, list[str]]] = []
    if "pipeline" in only:
        extra = (["--articles", str(a.articles)] if a.articles else []) + (["--external", a.external] if a.external else [])
        jobs.append(("pipeline", ["-m", "benchmarks.pipeline_speed", "--workdir", str(work)] + extra))
    if "cold" in only:
        extra = []
        if "pipeline" in only:  # reuse the pipeline benchmark's indexed sources and first article
            extra = ["--sources-db", str(work / "sources.duckdb"),
                     "--article", str(work / "corpus" / "articles" / "article-00000.txt")]
        jobs.append(("cold", ["-m", "benchmarks.cold_start", "--workdir", str(work / "cold")] + extra))
    if "retrieval" in only:
        jobs.append(("retrieval", ["-m", "benchmarks.retrieval_scale"] + (["--sizes", a.sizes] if a.sizes else [])))
    failed = []
    figures: list[dict[str, object]] = []
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for name, args in jobs:
        out = work / f"{name}.json"
        out.unlink(missing_ok=True)
        rc = subprocess.call([sys.executable, *args, *common, "--json", str(out)], cwd=REPO, env=env)
        if rc != 0:
            failed.append(name)
            print(f"{name:<10} FAILED (exit {rc})", flush=True)
        if out.exists():
            figures += json.loads(out.read_text(encoding="utf-8"))["figures"]
    total = time.perf_counter() - t0
    print(f"{'all':<10} {'total wall time':<44} {total:>10.1f} s" + (f"  (failed: {', '.join(failed)})" if failed else ""),
          flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps({"machine": machine(), "versions": versions(), "quick": a.quick,
                                            "seconds": total, "failed": failed, "figures": figures}, indent=1),
                                encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
