"""The one way through a batch run: index sources, check articles, re-check claims.

The CLI's Prefect flows (`flows.prefect_flows`), the scheduler, the tests and the
benchmarks all call these functions, so a fast test exercises the product's path. What
differs between them is only *where* each step runs, which an `Executor` decides:

- `Inline` (the default) runs every step in this process, one after the other;
- `flows.prefect_flows.PrefectTasks` runs them as Prefect tasks: reading retried, the
  CPU-heavy half (extraction and embedding, plain data in and out) on the configured
  task runner (a worker thread or a Dask cluster), writing in the flow process.

Each batch of 25 files is read, split into changed and unchanged files by content hash,
prepared (claims or findings, and the vectors the embedding cache lacks) and then judged
and written by this process, which alone writes to DuckDB. While one batch is written
the next ones are prepared (`Executor.ahead`); the rows written are the same either way.
Every run is recorded in the `runs` table (`flows.runs.recorded`).
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from claimdesk.settings import Settings
from claims.judge import JUDGE_VERSION
from flows import steps
from flows.runs import recorded
from flows.steps import PreparedArticles, PreparedSources, RunSummary
from sources.matching import StatementIndex, judge_claims
from sources.readers import Document, iter_paths
from sources.retrieval_text import retrieval_texts
from store import reads, writes
from store.db import session, transaction

BATCH_SIZE = 25
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


# --- progress ---------------------------------------------------------------------------

@dataclass
class Meter:
    """Progress of a run (inputs done / total, claims per second), for long runs.

    Each line goes to the executor's `say`, which shows it on the terminal (stderr) when
    `terminal` is set and, under Prefect, also stores it with the flow run.
    """

    total: int
    unit: str
    terminal: bool
    sink: Callable[[str, bool], None]
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
        self.sink(message, self.terminal)


# --- where the steps run ------------------------------------------------------------------

class Pending(Protocol[T_co]):
    """A step's result that may still be computing elsewhere (a Prefect future, or `Ready`)."""

    def result(self) -> T_co: ...


@dataclass(frozen=True)
class Ready(Generic[T]):
    """A result computed already."""

    value: T

    def result(self) -> T:
        return self.value


class Executor(Protocol):
    """Where each step of a batch runs, and where progress lines go."""

    ahead: int  # batches that may be preparing while the earliest one is written
    runner: str  # for the runs table

    @property
    def flow_run_id(self) -> str | None: ...

    def read(self, paths: list[str], kind: str = "check") -> tuple[list[Document], list[str]]: ...

    def prepare_articles(self, docs: list[Document], settings: Settings, known: frozenset[str], embed: bool
                         ) -> Pending[PreparedArticles]: ...

    def store_articles(self, batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str,
                       meter: Meter) -> RunSummary: ...

    def prepare_sources(self, docs: list[Document], settings: Settings, known: frozenset[str]) -> Pending[PreparedSources]: ...

    def store_sources(self, batch: PreparedSources, settings: Settings, meter: Meter) -> RunSummary: ...

    def say(self, message: str, terminal: bool) -> None: ...


class Inline:
    """Every step in this process, in order: what tests, benchmarks and scripts use."""

    ahead = 1  # as the flow's local runner, so batches see the same embedding cache either way
    runner = "inline (no flow)"
    flow_run_id = None

    def read(self, paths: list[str], kind: str = "check") -> tuple[list[Document], list[str]]:
        return steps.read_documents(paths, kind=kind)

    def prepare_articles(self, docs: list[Document], settings: Settings, known: frozenset[str], embed: bool
                         ) -> Ready[PreparedArticles]:
        return Ready(steps.prepare_articles(docs, settings, known, embed=embed))

    def store_articles(self, batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str,
                       meter: Meter) -> RunSummary:
        return steps.store_articles(batch, settings, index, run_id, meter.done)

    def prepare_sources(self, docs: list[Document], settings: Settings, known: frozenset[str]) -> Ready[PreparedSources]:
        return Ready(steps.prepare_sources(docs, settings, known))

    def store_sources(self, batch: PreparedSources, settings: Settings, meter: Meter) -> RunSummary:
        return steps.store_sources(batch, settings, meter.done)

    def say(self, message: str, terminal: bool) -> None:
        if terminal:
            print(message, file=sys.stderr, flush=True)


class Overlapped(Inline):
    """As `Inline`, but each batch is prepared (extraction, embedding) on one worker thread
    while this thread judges and writes the batch before: what the flow's local runner does,
    without Prefect. The rows are the same as `Inline`'s (same batches, same `known` hashes).

    Use it as a context manager, so its thread ends with the run.
    """

    runner = "inline, prepared on a thread (no flow)"

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimdesk-prepare")

    def __enter__(self) -> Overlapped:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def prepare_articles(self, docs: list[Document], settings: Settings, known: frozenset[str], embed: bool
                         ) -> Future[PreparedArticles]:
        return self._pool.submit(steps.prepare_articles, docs, settings, known, embed=embed)

    def prepare_sources(self, docs: list[Document], settings: Settings, known: frozenset[str]) -> Future[PreparedSources]:
        return self._pool.submit(steps.prepare_sources, docs, settings, known)


# --- the batch loop -------------------------------------------------------------------------

def expand(paths: list[str]) -> tuple[list[str], list[str]]:
    """(files and URLs, one error line per path that cannot be read as either)."""
    files, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
        else:
            files.append(p)
    return files, errors


def batches(items: list[str], size: int | None = None) -> list[list[str]]:
    """Runs of `size` inputs (`BATCH_SIZE` by default, read at call time)."""
    size = size or BATCH_SIZE
    return [items[i:i + size] for i in range(0, len(items), size)]


def _ahead(items: Iterable[list[str]], submit: Callable[[list[str]], Pending[T] | None], ahead: int) -> Iterator[T]:
    """Results in input order, keeping up to `ahead` batches preparing while the earlier
    ones are written."""
    pending: deque[Pending[T]] = deque()
    for batch in items:
        future = submit(batch)
        if future is not None:
            pending.append(future)
        while len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _LazyIndex:
    """The statement index, loaded once per run and only if some article needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._index: StatementIndex | None = None

    def get(self) -> StatementIndex:
        if self._index is None:
            self._index = steps.load_index(self.settings)
        return self._index


class _RunCache:
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


def _read_changed(batch: list[str], settings: Settings, kind: str, force: bool, summary: RunSummary, meter: Meter,
                  executor: Executor) -> tuple[list[Document], frozenset[str]]:
    """Read a batch and keep what changed, with the text hashes of its earlier versions that
    are embedded already (`steps.split_and_known`); the unreadable and the unchanged are
    counted and reported."""
    docs, failed = executor.read(batch, kind)
    todo, same, known = steps.split_and_known(docs, settings, kind=kind, force=force)
    summary.errors += failed
    summary.skipped += [d.path for d in same]
    meter.passed(len(same), "unchanged, skipped")
    meter.passed(len(failed), "unreadable, skipped")
    return todo, known


P = TypeVar("P", PreparedArticles, PreparedSources)


def _run_batches(paths: list[str], settings: Settings, ex: Executor, *, kind: str, unit: str, progress: bool, force: bool,
                 prepare: Callable[[list[Document], frozenset[str]], Pending[P]],
                 store: Callable[[P, str, Meter], RunSummary]) -> tuple[RunSummary, Meter]:
    """The batch loop of a recorded run: read each batch and keep what changed, `prepare` it
    (told which text hashes are cached), `store` it, in input order; the run's summary and meter."""
    t0 = time.perf_counter()
    files, errors = expand(paths)
    summary = RunSummary(kind, errors=errors)
    meter = Meter(len(files), unit, progress, ex.say)
    with recorded(settings, kind, flow_run_id=ex.flow_run_id, runner=ex.runner) as run:
        cached = _RunCache()

        def submit(batch: list[str]) -> Pending[P] | None:
            todo, known = _read_changed(batch, settings, kind, force, summary, meter, ex)
            if not todo:
                return None
            return prepare(todo, cached.known(known))

        for prepared in _ahead(batches(files), submit, ex.ahead):
            written = store(prepared, run.run_id, meter)
            cached.add(prepared.vectors)
            meter.passed(len(written.errors), "failed with an unexpected error, skipped")
            summary.merge(written)
        summary.seconds = time.perf_counter() - t0
        run.counted(summary)
    return summary, meter


def index_sources(paths: list[str], settings: Settings, *, progress: bool = False, force: bool = False,
                  executor: Executor | None = None) -> RunSummary:
    """Index source documents: read → skip unchanged (unless `force`: a newer extractor reads
    more statements from the same file) → extract findings + embed → write."""
    ex = executor or Inline()
    summary, meter = _run_batches(
        paths, settings, ex, kind="sources", unit="statements", progress=progress, force=force,
        prepare=lambda docs, known: ex.prepare_sources(docs, settings, known),
        store=lambda batch, _run_id, meter: ex.store_sources(batch, settings, meter))
    if summary.processed:
        meter.say(f"{len(summary.processed)} sources added or revised: `claimdesk recheck` re-judges the claims they may change")
    return summary


def check_articles(paths: list[str], settings: Settings, *, progress: bool = False, force: bool = False,
                   executor: Executor | None = None) -> RunSummary:
    """Check articles: read → skip unchanged (unless `force`) → extract claims + embed → judge + write.

    The statement index is loaded once, when the first batch needs it; with no source
    indexed only the claim sentences are embedded (nothing is retrieved).
    """
    ex = executor or Inline()
    index = _LazyIndex(settings)
    summary, _ = _run_batches(
        paths, settings, ex, kind="check", unit="claims", progress=progress, force=force,
        prepare=lambda docs, known: ex.prepare_articles(docs, settings, known, bool(index.get().rows)),
        store=lambda batch, run_id, meter: ex.store_articles(batch, settings, index.get(), run_id, meter))
    return summary


def inbox_folders(settings: Settings) -> list[str]:
    """`schedules.check_inbox.inbox`: one folder or several separated by commas, relative to the config."""
    return [str(settings.resolve(p.strip())) for p in settings.schedules.check_inbox.inbox.split(",") if p.strip()]


# --- re-check ---------------------------------------------------------------------------

@dataclass
class RecheckSummary:
    """What a re-check did: claims re-judged, verdicts that changed, and reviewed claims the
    machine now disagrees with (the editor's verdict stays final)."""

    rejudged: list[str] = field(default_factory=list)
    new_rows: int = 0
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # (claim_id, old, new)
    disagreements: list[str] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0


def recheck_targets(settings: Settings, *, all_claims: bool = False) -> dict[str, set[str]]:
    """Claim ids a re-check would re-judge now, by article id."""
    with session(steps.db_path(settings)) as con:
        return reads.claims_to_recheck(con, all_claims=all_claims)


def recheck(settings: Settings, *, all_claims: bool = False, progress: bool = False, executor: Executor | None = None
            ) -> RecheckSummary:
    """Re-judge stored claims judged before a source was added or revised (all with `all_claims`);
    record each verdict that changes, in a recorded run."""
    ex = executor or Inline()
    with recorded(settings, "recheck", flow_run_id=ex.flow_run_id, runner=ex.runner) as run:
        targets = recheck_targets(settings, all_claims=all_claims)
        meter = Meter(len(targets), "claims", progress, ex.say)
        summary = rejudge(settings, targets, run_id=run.run_id, done=meter.done)
        run.inputs, run.claims = summary.articles, len(summary.rejudged)
        run.details.update(all=all_claims, rejudged=len(summary.rejudged), new_verdict_rows=summary.new_rows,
                           changed=len(summary.changed), disagreements=len(summary.disagreements),
                           seconds=round(summary.seconds, 2))
    return summary


def rejudge(settings: Settings, targets: dict[str, set[str]], *, run_id: str | None, done: steps.Done | None = None
            ) -> RecheckSummary:
    """Re-judge these stored claims (claim ids by article id) against the current index.

    Claims are re-judged from their stored rows, with no re-reading, re-extraction or
    (normally) re-embedding. Every judgement that changed gets a new verdict row
    (`writes.record_judgements`), tagged with `run_id`; reviews are never touched. A
    claim's retrieval text depends on its sentence's other claims, so each affected
    article is judged as a whole, but only its target claims are recorded.
    """
    t0 = time.perf_counter()
    db = steps.db_path(settings)
    summary = RecheckSummary()
    if not targets:
        summary.seconds = time.perf_counter() - t0
        return summary
    index = steps.load_index(settings)
    wanted = sorted(cid for ids in targets.values() for cid in ids)
    with session(db) as con:
        stored = reads.load_article_claims(con, sorted(targets))
        before = reads.latest_machine_verdicts(con, wanted)
        reviewed = reads.latest_reviews(con, wanted)
    # Every retrieval text of the affected articles through the cache at once (one query).
    texts = sorted({t for rows in stored.values() for t in retrieval_texts([c for _, c in rows])}) if index.rows else []
    vectors = dict(zip(texts, steps.embed_cached(texts, settings, db), strict=True))
    for article_id, rows in stored.items():
        judged = judge_claims([c for _, c in rows], settings, index, vectors)
        items = [(cid, verdict, cands) for (cid, _), (verdict, cands) in zip(rows, judged, strict=True)
                 if cid in targets[article_id]]
        with session(db) as con, transaction(con):
            added = writes.record_judgements(con, items, JUDGE_VERSION, settings.judge.flag_below_confidence, run_id)
        for (cid, verdict, _), new in zip(items, added, strict=True):
            summary.rejudged.append(cid)
            if not new:
                continue
            summary.new_rows += 1
            if before.get(cid) != verdict.verdict:
                summary.changed.append((cid, before.get(cid), verdict.verdict))
            if cid in reviewed and reviewed[cid] != verdict.verdict:
                summary.disagreements.append(cid)
        summary.articles += 1
        if done:
            done(f"article {article_id}", len(targets[article_id]))
    summary.seconds = time.perf_counter() - t0
    return summary
