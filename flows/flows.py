"""Prefect flows: `index_sources`, `check_articles`, `recheck_claims` and the scheduled
`check_inbox`, reading like the data flow.

Each batch of 25 files is read (I/O, retried), split into changed and unchanged files by
content hash, sent to the task runner for the CPU-heavy step (extraction and embedding,
which returns plain data), and then judged and written by the flow process, which alone
writes to DuckDB. The task runner is a worker thread, or a Dask cluster with
`runner: dask` (`flows/runners.py`); the rows written are the same either way.

Call the plain functions (`check_articles`, `index_sources`, `recheck_claims`,
`check_inbox`): they run the flow on the task runner the config names. Every flow run
is recorded in the `runs` table ('running', then 'completed' or 'failed'; a run killed
with SIGKILL stays 'running', and running it again finishes the work).
"""

from __future__ import annotations

from flows.prefect_env import configure

configure()

import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import deque  # noqa: E402
from collections.abc import Callable, Iterable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

from prefect import Flow, flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.futures import PrefectFuture  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from claimdesk.settings import Settings  # noqa: E402
from flows import pipeline, runners  # noqa: E402
from sources.readers import Document, iter_paths  # noqa: E402

BATCH_SIZE = 25
T = TypeVar("T")


def expand(paths: list[str]) -> tuple[list[str], list[str]]:
    files, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
        else:
            files.append(p)
    return files, errors


def _batches(items: list[str], size: int | None = None) -> list[list[str]]:
    size = size or BATCH_SIZE
    return [items[i:i + size] for i in range(0, len(items), size)]


# --- progress ---------------------------------------------------------------------------

def _run_logger() -> logging.LoggerAdapter[Any] | None:
    try:
        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a run context there is no run logger
        return None


@dataclass
class Meter:
    """Progress of a run (inputs done / total, claims per second), for long runs.

    Lines go to the Prefect run log at INFO, and to the terminal (stderr) when `terminal`
    is set and Prefect's console does not already show INFO lines. claimdesk keeps
    Prefect at WARNING (`flows/prefect_env.py`), so by default the terminal line is ours;
    with PREFECT_LOGGING_LEVEL=INFO (the default under `claimdesk serve`) the same lines
    are stored with the flow run and shown in the Prefect UI.
    """

    total: int
    unit: str
    terminal: bool
    done_n: int = 0
    items: int = 0
    t0: float = field(default_factory=time.perf_counter)

    def done(self, path: str, n: int) -> None:
        self.done_n += 1
        self.items += n
        self.say(f"[{self.done_n}/{self.total}] {path}: {n} {self.unit} ({self.rate():.1f} {self.unit}/s)")

    def passed(self, n: int, why: str) -> None:
        """Inputs that needed no work (unchanged) or could not be read."""
        if n:
            self.done_n += n
            self.say(f"[{self.done_n}/{self.total}] {n} {why}")

    def rate(self) -> float:
        return self.items / max(1e-6, time.perf_counter() - self.t0)

    def say(self, message: str) -> None:
        logger = _run_logger()
        if logger is not None:
            logger.info(message)
        if self.terminal and not (logger is not None and logger.isEnabledFor(logging.INFO)):
            print(message, file=sys.stderr, flush=True)


# --- tasks ------------------------------------------------------------------------------
# The database is the cache (content hashes, embeddings), so Prefect's task cache is off.
# Large inputs of the writing tasks (run in the flow process) are passed `quote`d, so Prefect
# does not walk them looking for futures; arguments sent to Dask cannot be (the wrapper does
# not survive Dask's serialisation), and a batch of documents is small anyway.

@task(name="read-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(paths: list[str]) -> tuple[list[Document], list[str]]:
    """Read files and URLs (I/O, so retried); an unreadable one becomes one error line."""
    return pipeline.read_documents(paths)


@task(name="extract-articles", cache_policy=NO_CACHE)
def extract_articles(docs: list[Document], settings: Settings, known: frozenset[str], embed: bool
                     ) -> pipeline.PreparedArticles:
    """Claims and retrieval vectors of a batch: CPU only, no database, so it may run on Dask."""
    return pipeline.prepare_articles(docs, settings, known, embed=embed)


@task(name="write-articles", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_articles(batch: pipeline.PreparedArticles, settings: Settings, index: pipeline.StatementIndex,
                   run_id: str, meter: Meter) -> pipeline.RunSummary:
    """Judge and write a batch in the flow process; idempotent per article, so safe to retry."""
    return pipeline.store_articles(batch, settings, index, run_id, meter.done)


@task(name="extract-sources", cache_policy=NO_CACHE)
def extract_sources(docs: list[Document], settings: Settings, known: frozenset[str]) -> pipeline.PreparedSources:
    """Findings and sentence vectors of a batch of sources: CPU only, no database."""
    return pipeline.prepare_sources(docs, settings, known)


@task(name="write-sources", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_sources(batch: pipeline.PreparedSources, settings: Settings, meter: Meter) -> pipeline.RunSummary:
    """Write a batch of sources in the flow process; each source replaces its old version atomically."""
    return pipeline.store_sources(batch, settings, meter.done)


# --- wiring -------------------------------------------------------------------------------

@dataclass
class _Run:
    run_id: str
    inputs: int = 0
    claims: int = 0
    errors: int = 0
    details: dict[str, object] = field(default_factory=dict)


@contextmanager
def _recorded(settings: Settings, kind: str) -> Iterator[_Run]:
    """A `runs` row around a flow run: 'running' first, then 'completed' or 'failed'."""
    from prefect.runtime import flow_run

    run = _Run(pipeline.start_run(settings, kind))
    base = {"prefect_flow_run_id": str(flow_run.id) if flow_run.id else None, "runner": runners.describe(settings)}
    try:
        yield run
    except BaseException as exc:
        pipeline.finish_run(settings, run.run_id, status="failed", n_inputs=run.inputs, n_claims=run.claims,
                            n_errors=run.errors + 1, details={**base, **run.details, "error": str(exc)[:500]})
        raise
    pipeline.finish_run(settings, run.run_id, status="completed", n_inputs=run.inputs, n_claims=run.claims,
                        n_errors=run.errors, details={**base, **run.details})


def _ahead(batches: Iterable[list[str]], submit: Callable[[list[str]], PrefectFuture[T] | None], ahead: int) -> Iterator[T]:
    """Results in input order, keeping up to `ahead` batches on the task runner while the
    flow writes the earlier ones."""
    pending: deque[PrefectFuture[T]] = deque()
    for batch in batches:
        future = submit(batch)
        if future is not None:
            pending.append(future)
        while len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _Index:
    """The statement index, loaded once per run and only if some article needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._index: pipeline.StatementIndex | None = None

    def get(self) -> pipeline.StatementIndex:
        if self._index is None:
            self._index = pipeline.StatementIndex.load(self.settings, pipeline.db_path(self.settings))
        return self._index


class _Cached:
    """Text hashes this run's earlier batches added to the embedding cache.

    A batch's worker cannot open the database, so it is told which texts are cached
    (`known`): the earlier versions of its documents' texts, plus these, so a sentence
    repeated in several batches of one run is encoded once. Capped, because the set
    travels with every task (to Dask workers too); past the cap a repeat costs an encode.
    """

    LIMIT = 200_000

    def __init__(self) -> None:
        self.hashes: set[str] = set()

    def add(self, hashes: Iterable[str]) -> None:
        if len(self.hashes) < self.LIMIT:
            self.hashes.update(hashes)

    def known(self, earlier: frozenset[str]) -> frozenset[str]:
        return earlier | self.hashes


def _finish(summary: pipeline.RunSummary, run: _Run, t0: float) -> pipeline.RunSummary:
    summary.seconds = time.perf_counter() - t0
    run.inputs, run.claims, run.errors = len(summary.processed) + len(summary.skipped), summary.claims, len(summary.errors)
    run.details.update(processed=len(summary.processed), skipped=len(summary.skipped), seconds=round(summary.seconds, 2),
                       verdicts=summary.verdicts)
    if summary.tracebacks:  # inputs skipped after an unexpected error: the console had one line each
        run.details["failures"] = [{"path": p, "traceback": tb} for p, tb in summary.tracebacks.items()]
    return summary


# --- flows --------------------------------------------------------------------------------

def _read_changed(batch: list[str], settings: Settings, kind: str, force: bool, summary: pipeline.RunSummary,
                  meter: Meter) -> list[Document]:
    """Read a batch and keep what changed; the unreadable and the unchanged are counted and reported."""
    docs, failed = read_batch(batch)
    todo, same = pipeline.split_unchanged(docs, settings, kind=kind, force=force)
    summary.errors += failed
    summary.skipped += [d.path for d in same]
    meter.passed(len(same), "unchanged, skipped")
    meter.passed(len(failed), "unreadable, skipped")
    return todo


@flow(name="index_sources", log_prints=False)
def index_sources_flow(paths: list[str], settings: Settings, progress: bool = True) -> pipeline.RunSummary:
    """Index source documents: read → skip unchanged → extract findings + embed → write."""
    t0 = time.perf_counter()
    files, errors = expand(paths)
    summary = pipeline.RunSummary("sources", errors=errors)
    meter = Meter(len(files), "statements", progress)
    with _recorded(settings, "sources") as run:
        cached = _Cached()

        def submit(batch: list[str]) -> PrefectFuture[pipeline.PreparedSources] | None:
            todo = _read_changed(batch, settings, "sources", False, summary, meter)
            if not todo:
                return None
            return extract_sources.submit(todo, settings, cached.known(pipeline.known_hashes(todo, settings, kind="sources")))

        for prepared in _ahead(_batches(files), submit, runners.batches_ahead(settings)):
            written = write_sources(quote(prepared), settings, meter)
            cached.add(prepared.vectors)
            meter.passed(len(written.errors), "failed with an unexpected error, skipped")
            summary.merge(written)
        _finish(summary, run, t0)
    if summary.processed:
        meter.say(f"{len(summary.processed)} sources added or revised: `claimdesk recheck` re-judges the claims they may change")
    return summary


@flow(name="check_articles", log_prints=False)
def check_articles_flow(paths: list[str], settings: Settings, progress: bool = True, force: bool = False
                        ) -> pipeline.RunSummary:
    """Check articles: read → skip unchanged → extract claims + embed → judge + write."""
    t0 = time.perf_counter()
    files, errors = expand(paths)
    summary = pipeline.RunSummary("check", errors=errors)
    meter = Meter(len(files), "claims", progress)
    with _recorded(settings, "check") as run:
        index = _Index(settings)
        cached = _Cached()

        def submit(batch: list[str]) -> PrefectFuture[pipeline.PreparedArticles] | None:
            todo = _read_changed(batch, settings, "check", force, summary, meter)
            if not todo:
                return None
            known = cached.known(pipeline.known_hashes(todo, settings, kind="check"))
            return extract_articles.submit(todo, settings, known, bool(index.get().rows))

        for prepared in _ahead(_batches(files), submit, runners.batches_ahead(settings)):
            written = write_articles(quote(prepared), settings, quote(index.get()), run.run_id, meter)
            cached.add(prepared.vectors)
            meter.passed(len(written.errors), "failed with an unexpected error, skipped")
            summary.merge(written)
        _finish(summary, run, t0)
    return summary


@flow(name="recheck_claims", log_prints=False)
def recheck_claims_flow(settings: Settings, all_claims: bool = False, progress: bool = True) -> pipeline.RecheckSummary:
    """Re-judge claims judged before a source was added or revised; record each verdict that changes."""
    with _recorded(settings, "recheck") as run:
        meter = Meter(len(pipeline.recheck_targets(settings, all_claims=all_claims)), "claims", progress)
        summary = pipeline.recheck_claims(settings, all_claims=all_claims, run_id=run.run_id, done=meter.done)
        run.inputs, run.claims = summary.articles, len(summary.rejudged)
        run.details.update(all=all_claims, rejudged=len(summary.rejudged), new_verdict_rows=summary.new_rows,
                           changed=len(summary.changed), disagreements=len(summary.disagreements),
                           seconds=round(summary.seconds, 2))
    return summary


@flow(name="check_inbox", log_prints=False)
def check_inbox_flow(settings: Settings) -> pipeline.RunSummary:
    """The scheduled check: new or changed articles in the configured inbox folder(s)."""
    return on_runner(check_articles_flow, settings)(inbox_folders(settings), settings, progress=False)


def inbox_folders(settings: Settings) -> list[str]:
    """`schedules.check_inbox.inbox`: one folder or several separated by commas, relative to the config."""
    return [str(settings.resolve(p.strip())) for p in settings.schedules.check_inbox.inbox.split(",") if p.strip()]


def on_runner(f: Flow[..., T], settings: Settings) -> Flow[..., T]:
    """The flow with the task runner the config names (`runner: local|dask`)."""
    return f.with_options(task_runner=runners.task_runner(settings))


# --- what the CLI and the scheduler call ----------------------------------------------------

def index_sources(paths: list[str], settings: Settings, progress: bool = True) -> pipeline.RunSummary:
    return on_runner(index_sources_flow, settings)(paths, settings, progress)


def check_articles(paths: list[str], settings: Settings, progress: bool = True, force: bool = False) -> pipeline.RunSummary:
    return on_runner(check_articles_flow, settings)(paths, settings, progress, force)


def recheck_claims(settings: Settings, all_claims: bool = False, progress: bool = True) -> pipeline.RecheckSummary:
    return recheck_claims_flow(settings, all_claims, progress)


def check_inbox(settings: Settings) -> pipeline.RunSummary:
    return check_inbox_flow(settings)
