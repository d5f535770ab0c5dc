"""Prefect flows: `index_sources` and `check_articles`, reading like the data flow.

Tasks wrap the plain functions in `flows.pipeline` and work on batches of files, so a
1,000-article run is a few dozen task runs, not one per claim. The flow process alone
writes to DuckDB.
"""

from __future__ import annotations

from flows.prefect_env import configure

configure()

from prefect import flow, get_run_logger, task  # noqa: E402

from claimdesk.settings import Settings  # noqa: E402
from flows import pipeline  # noqa: E402
from sources.readers import iter_paths  # noqa: E402

BATCH_SIZE = 25


def _log(message: str) -> None:
    try:
        get_run_logger().info(message)
    except Exception:  # noqa: BLE001 - outside a run context there is no run logger
        pass


def expand(paths: list[str]) -> tuple[list[str], list[str]]:
    files, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
        else:
            files.append(p)
    return files, errors


def _batches(items: list[str], size: int = BATCH_SIZE) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@task(name="index-source-batch", retries=2, retry_delay_seconds=1)
def index_batch(paths: list[str], settings: Settings, progress: bool) -> pipeline.RunSummary:
    """Read, extract, embed and store one batch of source documents."""
    return pipeline.index_sources(paths, settings, _progress(progress))


@task(name="check-article-batch", retries=2, retry_delay_seconds=1)
def check_batch(paths: list[str], settings: Settings, progress: bool, force: bool) -> pipeline.RunSummary:
    """Extract, match, judge and store one batch of articles."""
    return pipeline.check_articles(paths, settings, _progress(progress), force=force)


def _progress(enabled: bool) -> pipeline.Progress:
    import sys

    def report(msg: str) -> None:
        _log(msg)
        if enabled:
            print(msg, file=sys.stderr, flush=True)

    return report


@flow(name="index_sources", log_prints=False)
def index_sources(paths: list[str], settings: Settings, progress: bool = True) -> pipeline.RunSummary:
    files, errors = expand(paths)
    summary = pipeline.RunSummary("sources", errors=errors)
    for batch in _batches(files):
        summary.merge(index_batch(batch, settings, progress))
    return summary


@flow(name="check_articles", log_prints=False)
def check_articles(paths: list[str], settings: Settings, progress: bool = True, force: bool = False) -> pipeline.RunSummary:
    files, errors = expand(paths)
    summary = pipeline.RunSummary("check", errors=errors)
    for batch in _batches(files):
        summary.merge(check_batch(batch, settings, progress, force))
    return summary
