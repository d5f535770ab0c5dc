"""Where the time of `claimdesk check` goes: end to end, stage by stage, and against the
floor of the models.

    python -m benchmarks.pipeline_speed [--articles 1000] [--quick] [--external DIR] [--workdir DIR] [--json FILE]

One run, on one generated corpus (benchmarks/corpus.py), measures side by side:

- e2e: `claimdesk sources add` then `claimdesk check` as child processes (Prefect flow,
  cold process): wall, articles/min, claims/s, peak RSS and CPU of that child; then
  the same `check` again on unchanged inputs (incremental re-run) and its ratio;
- plain: `flows.service.check_articles` run inline in this process on the same inputs
  (the product's path without Prefect: the flow's batches, models already loaded),
  every step wrapped by a timer (stage breakdown: exclusive wall and CPU seconds,
  calls, items; what the run repeats: index loads, DuckDB sessions, encodes); its re-run;
- floor: the same article paragraphs through `nlp.pipe` (the extractor's components)
  and every distinct text the pipeline embedded through one `encode`; ratios
  pipeline / floor.

`--overlap` adds, after each pair, the same check with `flows.service.Overlapped` (each
batch prepared on a thread while the one before is judged and written, as the flow's
local runner does) and its ratio to that pair's floor.

`--repeat N` runs plain and floor back to back N times (each plain run on a fresh copy of
the sources database, the models loaded once) and prints each pair's ratio, the 1-minute
load average before and after each pair, and the ratios' median and range: on a machine
shared with other jobs only a ratio measured at equal load means anything (issue #16).

(The prototypes of issue #9's speed-ups, once measured here against the product, were
removed when the product took them over; benchmarks/RESULTS.md keeps their figures.)

Every figure is one printed line; --json also writes them to a file.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import (
    REPO,
    Reporter,
    StageTimer,
    bench_env,
    claimdesk_cmd,
    cpu_seconds,
    peak_rss_mib,
    run_child,
    run_reported,
)
from benchmarks.corpus import generate

PARA_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")  # claims.extract.segment's paragraphs
CHECK_RE = re.compile(r"articles: (\d+) checked, (\d+) unchanged, (\d+) failed; (\d+) claims in ([\d.]+)s")

# Rollup of the fine stages into the stage list.
ROLLUP = {
    "read": ["read"], "segment": ["segment (spaCy)"], "extract": ["extract (rules)", "checkworthiness scoring"],
    "embed": ["encode (model)", "embed cache logic", "vector cache read", "vector cache write"],
    "retrieve": ["index load", "index load: BM25 build", "retrieve (rank)"], "judge": ["judge"],
    "store": ["store article", "skip check", "db open+migrate"],
}


def stage_specs(encoded: list[str]) -> list[tuple[str, str, str, Any]]:
    """The steps timed, each where the service looks it up (module or class, attribute)."""
    def rec_encode(_self: Any, texts: list[str], **_kw: Any) -> int:
        encoded.extend(texts)
        return len(texts)

    return [
        ("flows.steps", "read_documents", "read", lambda paths, **_kw: len(paths)),
        ("store.db", "connect", "db open+migrate", None),
        ("store.writes", "article_hashes", "skip check", None),
        ("flows.steps", "load_index", "index load", None),
        ("sources.lexical:BM25", "__init__", "index load: BM25 build", None),
        ("flows.steps", "segment_many", "segment (spaCy)", None),
        ("flows.steps", "claims_from_sentences", "extract (rules)", None),
        ("flows.steps", "with_checkworthiness", "checkworthiness scoring", None),
        ("flows.steps", "embed_cached", "embed cache logic", None),
        ("sources.embed:Embedder", "encode", "encode (model)", rec_encode),
        ("store.writes", "cached_vectors", "vector cache read", lambda _c, hashes, _m: len(hashes)),
        ("store.writes", "store_vectors", "vector cache write", lambda _c, items, _m: len(items)),
        ("sources.matching", "rank_candidates", "retrieve (rank)", lambda v, *_a, **_k: len(v)),
        ("sources.matching", "calibrated_judge", "judge", None),
        ("store.writes", "replace_article", "store article", lambda _con, **kw: len(kw.get("claims", ()))),
    ]


# --- the benchmark ----------------------------------------------------------------------

def run(args: argparse.Namespace, rep: Reporter) -> None:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="claimdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.articles or (10 if args.quick else 1000)
    t = time.perf_counter()
    corpus = generate(work / "corpus", n, seed=args.seed, n_sources=args.sources or (4 if args.quick else None),
                      external=args.external)
    rep.fig("corpus", "articles", len(corpus.articles), "", f"{corpus.words} words, {len(corpus.sources)} source documents, "
            f"{corpus.n_cited} cited figures, generated in {time.perf_counter() - t:.1f}s, {corpus.root}")
    articles = [str(p) for p in sorted(corpus.articles_dir.iterdir())]
    db_src = work / "sources.duckdb"
    for p in (db_src, work / "cli.duckdb", work / "plain.duckdb"):
        p.unlink(missing_ok=True)
        p.with_name(p.name + ".wal").unlink(missing_ok=True)  # a killed run's log would be replayed into the copy
    settings0, nlp, loads = _models_and_sources(rep, corpus.sources_dir, db_src)
    shutil.copy(db_src, work / "cli.duckdb")
    cli_first = None if args.no_cli else _cli(rep, work, corpus.articles_dir, n)
    ratios: list[float] = []
    overlapped: list[float] = []
    for i in range(max(1, args.repeat)):
        plain_db = work / ("plain.duckdb" if i == 0 else f"plain-{i}.duckdb")
        plain_db.with_name(plain_db.name + ".wal").unlink(missing_ok=True)
        shutil.copy(db_src, plain_db)
        settings = dataclasses.replace(settings0, database=str(plain_db))
        load0 = os.getloadavg()[0]
        plain_wall, plain_cpu, encoded = _plain(rep, articles, settings, n)
        floor, floor_cpu = _floor(rep, articles, settings, nlp, encoded)
        ratios.append(plain_wall / floor)
        rep.fig("ratio", "plain pipeline / floor", plain_wall / floor, "", f"pair {i + 1}, load {load0:.2f} -> "
                f"{os.getloadavg()[0]:.2f}; goal <= 1.5 (warm: models loaded, no Prefect)")
        rep.fig("ratio", "plain pipeline / floor, CPU time", plain_cpu / floor_cpu, "",
                "the same ratio in CPU seconds of this process (less sensitive to other jobs on the machine)")
        if args.overlap:
            load1 = os.getloadavg()[0]
            wall = _plain_overlapped(rep, articles, settings0, db_src, work / f"overlap-{i}.duckdb", n)
            overlapped.append(wall / floor)
            rep.fig("ratio", "overlapped pipeline / floor", wall / floor, "", f"pair {i + 1}, load {load1:.2f} -> "
                    f"{os.getloadavg()[0]:.2f}; service.Overlapped (batches prepared on a thread, as the flow's local runner)")
    for name, values in (("plain / floor", ratios), ("overlapped / floor", overlapped)):
        if len(values) > 1:
            rep.fig("ratio", f"{name}: median of the pairs", statistics.median(values), "",
                    f"{len(values)} pairs, range {min(values):.2f}-{max(values):.2f}")
    if cli_first:
        rep.fig("ratio", "CLI check / (floor + model loads)", cli_first / (floor + loads), "",
                "goal <= 1.3 (cold process, Prefect included)")
    from flows.service import BATCH_SIZE

    rep.fig("prefect", "task runs for this check", math.ceil(n / BATCH_SIZE), "", f"one per batch of {BATCH_SIZE}; the "
            "overhead of one task run is measured by benchmarks.cold_start")


def _models_and_sources(rep: Reporter, sources_dir: Path, db_src: Path) -> tuple[Any, Any, float]:
    """Load the models in this process and index the sources once (inline); (settings, nlp, load seconds)."""
    from claimdesk.settings import load_settings

    settings0 = load_settings(REPO / "config.yaml")
    t = time.perf_counter()
    from claims.extract import load_nlp

    nlp = load_nlp(settings0.models.spacy)
    t_nlp = time.perf_counter() - t
    t = time.perf_counter()
    from sources.embed import load_model

    load_model(settings0.models.embedding)
    t_emb = time.perf_counter() - t
    rep.fig("plain", "load spaCy (import+load)", t_nlp, "s")
    rep.fig("plain", "load embedder (import+load)", t_emb, "s")
    from flows import service

    t = time.perf_counter()
    src = service.index_sources([str(sources_dir)], dataclasses.replace(settings0, database=str(db_src)))
    rep.fig("plain", "index sources: wall", time.perf_counter() - t, "s",
            f"{len(src.processed)} documents, {src.claims} statements, flows.service.index_sources")
    return settings0, nlp, t_nlp + t_emb


def _cli(rep: Reporter, work: Path, articles_dir: Path, n: int) -> float:
    """`claimdesk check` end to end as a child process, then again on unchanged inputs; the first wall time."""
    env, cmd = bench_env(work), claimdesk_cmd()
    r = run_child(cmd + ["--db", str(work / "cli.duckdb"), "check", str(articles_dir), "--quiet"], env=env, cwd=work)
    if r.returncode != 0:
        raise SystemExit(f"check failed: {r.stderr[-2000:]}")
    m = CHECK_RE.search(r.stdout)
    claims = int(m.group(4)) if m else 0
    inner = float(m.group(5)) if m else float("nan")
    rep.fig("e2e", "check: wall", r.seconds, "s", f"{n} articles, {claims} claims, `claimdesk check` child process")
    rep.fig("e2e", "check: articles/min", 60 * n / r.seconds, "articles/min")
    rep.fig("e2e", "check: claims/s", claims / r.seconds, "claims/s")
    rep.fig("e2e", "check: peak RSS", r.peak_rss_mib, "MiB", "ru_maxrss of the child")
    rep.fig("e2e", "check: CPU", r.cpu_seconds, "s", "user+sys of the child; > wall means both cores")
    rep.fig("e2e", "check: inside pipeline batches", inner, "s", "RunSummary.seconds of the flow run")
    rep.fig("e2e", "check: outside pipeline", r.seconds - inner, "s", "imports, Prefect flow start, task runs")
    r2 = run_child(cmd + ["--db", str(work / "cli.duckdb"), "check", str(articles_dir), "--quiet"], env=env, cwd=work)
    rep.fig("e2e", "re-run unchanged: wall", r2.seconds, "s", "same `claimdesk check`, every article unchanged")
    rep.fig("e2e", "re-run / first run", r2.seconds / r.seconds, "", "goal <= 0.05")
    return r.seconds


def _plain(rep: Reporter, articles: list[str], settings: Any, n: int) -> tuple[float, float, list[str]]:
    """The service inline with every step timed, then its re-run; (wall, CPU, texts encoded)."""
    from flows import service

    encoded: list[str] = []
    timer = StageTimer()
    t, c = time.perf_counter(), cpu_seconds()
    with timer.patched(stage_specs(encoded)):
        summary = service.check_articles(articles, settings)
    wall, cpu = time.perf_counter() - t, cpu_seconds() - c
    claims = summary.claims
    rep.fig("plain", "check: wall", wall, "s", f"flows.service.check_articles inline, batches of {service.BATCH_SIZE}, "
            "models loaded")
    rep.fig("plain", "check: CPU", cpu, "s")
    rep.fig("plain", "check: articles/min", 60 * n / wall, "articles/min")
    rep.fig("plain", "check: claims/s", claims / wall, "claims/s", f"{claims} claims, verdicts {dict(sorted(summary.verdicts.items()))}")
    rep.fig("plain", "peak RSS of this process", peak_rss_mib(), "MiB", "models + corpus + one plain run")
    _stages(rep, timer, wall, encoded)
    t = time.perf_counter()
    again = service.check_articles(articles, settings)
    rerun = time.perf_counter() - t
    rep.fig("plain", "re-run unchanged: wall", rerun, "s", f"{len(again.skipped)} skipped")
    rep.fig("plain", "re-run / first run", rerun / wall, "", "goal <= 0.05")
    return wall, cpu, encoded


def _plain_overlapped(rep: Reporter, articles: list[str], settings0: Any, db_src: Path, db: Path, n: int) -> float:
    """The service with `flows.service.Overlapped` on a fresh copy of the sources database; its wall time."""
    from flows import service

    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    shutil.copy(db_src, db)
    settings = dataclasses.replace(settings0, database=str(db))
    t, c = time.perf_counter(), cpu_seconds()
    with service.Overlapped() as ex:
        summary = service.check_articles(articles, settings, executor=ex)
    wall, cpu = time.perf_counter() - t, cpu_seconds() - c
    rep.fig("overlap", "check: wall", wall, "s", f"service.Overlapped, {summary.claims} claims, CPU {cpu:.1f}s, "
            f"{60 * n / wall:.1f} articles/min")
    return wall


def _stages(rep: Reporter, timer: StageTimer, wall: float, encoded: list[str]) -> None:
    """Each timed step, the rollup into the issue's stage list, and what the run repeats."""
    accounted = 0.0
    for name, st in sorted(timer.stages.items(), key=lambda kv: -kv[1].wall):
        accounted += st.wall
        items = f", {st.items} items" if st.items else ""
        rep.fig("stage", name, st.wall, "s", f"{100 * st.wall / wall:.1f}% of wall, CPU {st.cpu:.1f}s, {st.calls} calls{items}")
    rep.fig("stage", "other (unwrapped code)", wall - accounted, "s")
    for group, names in ROLLUP.items():
        w = sum(timer.stages[x].wall for x in names if x in timer.stages)
        rep.fig("stages", group, w, "s", f"{100 * w / wall:.1f}% ({' + '.join(names)})")
    st = timer.stages
    if "index load" in st:
        il = st["index load"].wall + (st["index load: BM25 build"].wall if "index load: BM25 build" in st else 0.0)
        rep.fig("repeats", "index loads in the run", st["index load"].calls, "", f"{il:.2f}s in total")
    if "db open+migrate" in st:
        d = st["db open+migrate"]
        rep.fig("repeats", "DuckDB sessions opened", d.calls, "", f"{1000 * d.wall / d.calls:.1f} ms each (connect + migrate "
                f"check + views re-created), {d.wall:.2f}s in total")
    if "encode (model)" in st:
        e = st["encode (model)"]
        rep.fig("repeats", "texts encoded by the pipeline", len(encoded), "", f"{len(set(encoded))} distinct; {e.calls} "
                f"encode calls, {e.wall:.2f}s")


def _floor(rep: Reporter, articles: list[str], settings: Any, nlp: Any, encoded: list[str]) -> tuple[float, float]:
    """The models alone: every paragraph through `nlp.pipe`, every distinct text encoded once; (wall, CPU)."""
    from sources.embed import Embedder

    texts = [Path(p).read_text(encoding="utf-8") for p in articles]
    paras = [m.group(0) for tx in texts for m in PARA_RE.finditer(tx) if m.group(0).strip()]
    words = sum(len(p.split()) for p in paras)
    t, c = time.perf_counter(), cpu_seconds()
    for _doc in nlp.pipe(paras, batch_size=settings.models.batch_size):
        pass
    f_spacy, f_spacy_cpu = time.perf_counter() - t, cpu_seconds() - c
    distinct = sorted(set(encoded))
    emb = Embedder(settings.models.embedding, settings.models.batch_size)
    t, c = time.perf_counter(), cpu_seconds()
    emb.encode(distinct)
    f_enc, f_enc_cpu = time.perf_counter() - t, cpu_seconds() - c
    floor = f_spacy + f_enc
    rep.fig("floor", "nlp.pipe over all paragraphs", f_spacy, "s", f"{len(paras)} paragraphs, {words} words, "
            f"{words / f_spacy:,.0f} words/s, CPU {f_spacy_cpu:.1f}s, components {nlp.pipe_names}")
    rep.fig("floor", "encode distinct texts once", f_enc, "s", f"{len(distinct)} distinct of {len(encoded)} encoded by the "
            f"pipeline, {len(distinct) / max(f_enc, 1e-9):.0f} texts/s, CPU {f_enc_cpu:.1f}s")
    rep.fig("floor", "floor total", floor, "s")
    return floor, f_spacy_cpu + f_enc_cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.pipeline_speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10 articles, 4 sources")
    ap.add_argument("--articles", type=int, help="articles to generate (default 1000; quick 10)")
    ap.add_argument("--sources", type=int, help="source documents (default articles / 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--external", metavar="DIR", help="JSON-lines sentence set mixed into the article prose")
    ap.add_argument("--workdir", metavar="DIR", help="where the corpus and databases go (default: a new temp folder)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--no-cli", action="store_true", help="skip the `claimdesk check` child process")
    ap.add_argument("--repeat", type=int, default=1, help="plain + floor pairs, back to back (default 1)")
    ap.add_argument("--overlap", action="store_true", help="also run the service with flows.service.Overlapped after "
                    "each pair (batches prepared on a thread while the previous one is written)")
    ap.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    return run_reported("pipeline", lambda rep: run(a, rep), json_path=a.json, header=not a.no_header)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    raise SystemExit(main())
