"""The Prefect flows `index_sources`, `check_articles`, `recheck_claims` and the scheduled
`check_inbox` and `check_feeds`: thin wrappers that run `flows.service` with its steps as Prefect tasks.

Reading is a task with retries (I/O); the CPU-heavy half of a batch (extraction and
embedding, plain data in and out) is submitted to the task runner the config names (a
worker thread, or a Dask cluster with `runner: dask`, `flows/runners.py`); judging and
writing run in the flow process, which alone opens DuckDB. The batching, skipping,
progress and run records are the service's, the same as without Prefect.

Prefect reads its settings when it is imported, so an entry point configures the
environment first (`flows.prefect_env.configure`: the CLI's `main`, `serve`, the tests'
conftest); importing this module changes nothing.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TypeVar

from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from claimdesk.settings import Settings
from flows import feeds, runners, service, steps
from flows.feeds import FeedRunSummary
from flows.service import Meter, RecheckSummary
from flows.steps import PreparedArticles, PreparedSources, RunSummary
from sources.feeds import ParsedFeed
from sources.matching import StatementIndex
from sources.readers import Document

T = TypeVar("T")


# --- tasks ------------------------------------------------------------------------------
# The database is the cache (content hashes, embeddings), so Prefect's task cache is off.
# Large inputs of the writing tasks (run in the flow process) are passed `quote`d, so Prefect
# does not walk them looking for futures; arguments sent to Dask cannot be (the wrapper does
# not survive Dask's serialisation), and a batch of documents is small anyway.

@task(name="read-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(paths: list[str], kind: str = "check") -> tuple[list[Document], list[str]]:
    """Read files and URLs (I/O, so retried); an unreadable one becomes one error line."""
    return steps.read_documents(paths, kind=kind)


@task(name="extract-articles", cache_policy=NO_CACHE)
def extract_articles(docs: list[Document], settings: Settings, known: frozenset[str], embed: bool) -> PreparedArticles:
    """Claims and retrieval vectors of a batch: CPU only, no database, so it may run on Dask."""
    return steps.prepare_articles(docs, settings, known, embed=embed)


@task(name="write-articles", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_articles(batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str,
                   meter: Meter) -> RunSummary:
    """Judge and write a batch in the flow process; idempotent per article, so safe to retry."""
    return steps.store_articles(batch, settings, index, run_id, meter.done)


@task(name="extract-sources", cache_policy=NO_CACHE)
def extract_sources(docs: list[Document], settings: Settings, known: frozenset[str]) -> PreparedSources:
    """Findings and sentence vectors of a batch of sources: CPU only, no database."""
    return steps.prepare_sources(docs, settings, known)


@task(name="write-sources", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_sources(batch: PreparedSources, settings: Settings, meter: Meter) -> RunSummary:
    """Write a batch of sources in the flow process; each source replaces its old version atomically."""
    return steps.store_sources(batch, settings, meter.done)


def _run_logger() -> logging.LoggerAdapter[Any] | None:
    try:
        return get_run_logger()
    except Exception:  # noqa: BLE001 - outside a run context there is no run logger
        return None


class PrefectTasks:
    """`flows.service.Executor` with each step a Prefect task run of the current flow run."""

    def __init__(self, settings: Settings) -> None:
        self.ahead = runners.batches_ahead(settings)
        self.runner = runners.describe(settings)

    @property
    def flow_run_id(self) -> str | None:
        from prefect.runtime import flow_run

        return str(flow_run.id) if flow_run.id else None

    def read(self, paths: list[str], kind: str = "check") -> tuple[list[Document], list[str]]:
        return read_batch(paths, kind)

    def prepare_articles(self, docs: list[Document], settings: Settings, known: frozenset[str], embed: bool
                         ) -> PrefectFuture[PreparedArticles]:
        return extract_articles.submit(docs, settings, known, embed)

    def store_articles(self, batch: PreparedArticles, settings: Settings, index: StatementIndex, run_id: str,
                       meter: Meter) -> RunSummary:
        return write_articles(quote(batch), settings, quote(index), run_id, meter)

    def prepare_sources(self, docs: list[Document], settings: Settings, known: frozenset[str]
                        ) -> PrefectFuture[PreparedSources]:
        return extract_sources.submit(docs, settings, known)

    def store_sources(self, batch: PreparedSources, settings: Settings, meter: Meter) -> RunSummary:
        return write_sources(quote(batch), settings, meter)

    def say(self, message: str, terminal: bool) -> None:
        """To the Prefect run log at INFO, and to the terminal (stderr) when `terminal` is set
        and Prefect's console does not already show INFO lines.

        claimdesk keeps Prefect at WARNING (`flows/prefect_env.py`), so by default the
        terminal line is ours; with PREFECT_LOGGING_LEVEL=INFO (the default under
        `claimdesk serve`) the same lines are stored with the flow run and shown in the UI.
        """
        logger = _run_logger()
        if logger is not None:
            logger.info(message)
        if terminal and not (logger is not None and logger.isEnabledFor(logging.INFO)):
            print(message, file=sys.stderr, flush=True)


# --- flows --------------------------------------------------------------------------------

@flow(name="index_sources", log_prints=False)
def index_sources_flow(paths: list[str], settings: Settings, progress: bool = True, force: bool = False) -> RunSummary:
    """Index source documents: read → skip unchanged (unless `force`) → extract findings + embed → write."""
    return service.index_sources(paths, settings, progress=progress, force=force, executor=PrefectTasks(settings))


@flow(name="check_articles", log_prints=False)
def check_articles_flow(paths: list[str], settings: Settings, progress: bool = True, force: bool = False) -> RunSummary:
    """Check articles: read → skip unchanged → extract claims + embed → judge + write."""
    return service.check_articles(paths, settings, progress=progress, force=force, executor=PrefectTasks(settings))


@flow(name="recheck_claims", log_prints=False)
def recheck_claims_flow(settings: Settings, all_claims: bool = False, progress: bool = True) -> RecheckSummary:
    """Re-judge claims judged before a source was added or revised; record each verdict that changes."""
    return service.recheck(settings, all_claims=all_claims, progress=progress, executor=PrefectTasks(settings))


@flow(name="check_inbox", log_prints=False)
def check_inbox_flow(settings: Settings) -> RunSummary:
    """The scheduled check: new or changed articles in the configured inbox folder(s)."""
    return on_runner(check_articles_flow, settings)(service.inbox_folders(settings), settings, progress=False)


@task(name="read-feeds", cache_policy=NO_CACHE)
def read_feeds_task(urls: list[str]) -> tuple[list[ParsedFeed], list[str]]:
    """Fetch and parse the feeds (I/O); a feed that cannot be read is a problem line, not a failure."""
    return feeds.read_feeds(urls)


@flow(name="check_feeds", log_prints=False)
def check_feeds_flow(settings: Settings, urls: list[str] | None = None, progress: bool = False) -> FeedRunSummary:
    """The scheduled feed check: read the feeds, check new, changed and failed items' pages
    through `check_articles` (a subflow, on the configured runner), record each item."""
    def check(pages: list[str]) -> RunSummary:
        return on_runner(check_articles_flow, settings)(pages, settings, progress=progress)

    return feeds.check_feeds(settings, check, urls=urls, progress=progress, executor=PrefectTasks(settings),
                             read=read_feeds_task)


def on_runner(f: Flow[..., T], settings: Settings) -> Flow[..., T]:
    """The flow with the task runner the config names (`runner: local|dask`)."""
    return f.with_options(task_runner=runners.task_runner(settings))
