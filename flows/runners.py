"""Where the CPU-heavy tasks run: one worker thread beside the flow, or a Dask cluster.

This is the one place that turns `runner` in config.yaml into a Prefect task runner
(local by default, Dask when configured), so the flows themselves never change. Either
way only the flow process opens DuckDB: the tasks sent to the runner take and return
plain data.
"""

from __future__ import annotations

import os
from typing import Any

from claimdesk.settings import Settings


def task_runner(settings: Settings) -> Any:
    """A fresh Prefect task runner for one flow run, as the settings ask."""
    if settings.runner == "dask":
        return dask_runner(settings)
    from prefect.task_runners import ThreadPoolTaskRunner

    # One worker thread: the next batch is extracted while the flow judges and writes the
    # current one, and the models (spaCy, sentence-transformers) are only ever used by
    # one thread at a time.
    return ThreadPoolTaskRunner(max_workers=1)


def dask_runner(settings: Settings) -> Any:
    """prefect-dask's runner: the configured scheduler, else a LocalCluster for this run."""
    # Dask logs every worker start and stop at INFO; keep the terminal for our progress lines
    # (read when `distributed` is first imported, and inherited by LocalCluster workers).
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from prefect_dask import DaskTaskRunner

    d = settings.dask
    if d.address:
        return DaskTaskRunner(address=d.address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": d.n_workers, "threads_per_worker": d.threads_per_worker,
                        "processes": d.processes, "dashboard_address": ":0"},
    )


def batches_ahead(settings: Settings) -> int:
    """How many batches may be extracting while the flow writes: enough to keep every worker busy."""
    if settings.runner == "dask":
        return max(2, settings.dask.n_workers * settings.dask.threads_per_worker * 2)
    return 1


def describe(settings: Settings) -> str:
    """One line for logs and the runs table."""
    if settings.runner != "dask":
        return "local"
    d = settings.dask
    if d.address:
        return f"dask {d.address}"
    return f"dask LocalCluster({d.n_workers} {'processes' if d.processes else 'threads'} x {d.threads_per_worker} threads)"
