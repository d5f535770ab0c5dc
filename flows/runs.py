"""The `runs` table's record of each batch run, and the cheap run in which nothing changed.

Every run is recorded before it writes anything ('running'), then finished as
'completed' or 'failed'; a run killed with SIGKILL stays 'running', and running it
again finishes the work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from claimdesk.settings import Settings
from flows.steps import RunSummary, db_path, read_documents, split_unchanged
from sources.readers import iter_paths
from store import writes
from store.db import session


def start_run(settings: Settings, kind: str) -> str:
    """Record a run as 'running' before it writes anything; a killed run stays 'running'."""
    with session(db_path(settings)) as con:
        return writes.start_run(con, kind)


def finish_run(settings: Settings, run_id: str, *, status: str, n_inputs: int, n_claims: int, n_errors: int,
               details: dict[str, object]) -> None:
    with session(db_path(settings)) as con:
        writes.finish_run(con, run_id, status=status, n_inputs=n_inputs, n_claims=n_claims, n_errors=n_errors,
                          details=details)


@dataclass
class Run:
    """A run being recorded: the counts and details its `runs` row gets when it ends."""

    run_id: str
    inputs: int = 0
    claims: int = 0
    errors: int = 0
    details: dict[str, object] = field(default_factory=dict)

    def counted(self, summary: RunSummary) -> RunSummary:
        """Take the counts of a finished batch run (inputs, claims, errors, failures' tracebacks)."""
        self.inputs, self.claims, self.errors = len(summary.processed) + len(summary.skipped), summary.claims, len(summary.errors)
        self.details.update(processed=len(summary.processed), skipped=len(summary.skipped), seconds=round(summary.seconds, 2),
                            verdicts=summary.verdicts)
        if summary.tracebacks:  # inputs skipped after an unexpected error: the console had one line each
            self.details["failures"] = [{"path": p, "traceback": tb} for p, tb in summary.tracebacks.items()]
        return summary


@contextmanager
def recorded(settings: Settings, kind: str, *, flow_run_id: str | None, runner: str) -> Iterator[Run]:
    """A `runs` row around a run: 'running' first, then 'completed' or 'failed'."""
    run = Run(start_run(settings, kind))
    base = {"prefect_flow_run_id": flow_run_id, "runner": runner}
    try:
        yield run
    except BaseException as exc:
        finish_run(settings, run.run_id, status="failed", n_inputs=run.inputs, n_claims=run.claims,
                   n_errors=run.errors + 1, details={**base, **run.details, "error": str(exc)[:500]})
        raise
    finish_run(settings, run.run_id, status="completed", n_inputs=run.inputs, n_claims=run.claims,
               n_errors=run.errors, details={**base, **run.details})


# --- nothing to do: the cheap path of `claimdesk check` / `sources add` -----------------

def unchanged_run(paths: list[str], settings: Settings, *, kind: str, chunk: int = 25) -> RunSummary | None:
    """The summary of a run in which every input is unchanged, found without a flow; None
    as soon as one input needs work.

    Why: a flow run costs a Prefect start-up (~10-20 s: the temporary server, imports)
    even when every file is skipped by content hash. This applies the flow's own rule
    (`split_unchanged`: the content hash is stored, and the article or source was written
    in the same transaction as that hash, so nothing of it is half done) to the inputs
    first. Unreadable files are reported as the flow would report them. URLs are left to
    the flow (it fetches each once), as is a database that does not exist yet. Files are
    read in chunks and the look stops at the first chunk with a new or changed file, so a
    run with work to do pays for reading at most one chunk twice (plus the unchanged ones before it).
    """
    t0 = time.perf_counter()
    db = settings.resolve(settings.database)
    if not db.is_file() or not db.stat().st_size:
        return None
    files, errors = [], []
    for p, err in iter_paths(paths):
        if err is not None:
            errors.append(str(err))
        elif p.startswith(("http://", "https://")):
            return None
        else:
            files.append(p)
    summary = RunSummary(kind, errors=errors)
    for i in range(0, len(files), chunk):
        docs, failed = read_documents(files[i:i + chunk], kind=kind)
        todo, same = split_unchanged(docs, settings, kind=kind)
        if todo:
            return None
        summary.skipped += [d.path for d in same]
        summary.errors += failed
    summary.seconds = time.perf_counter() - t0
    return summary


def record_unchanged_run(settings: Settings, summary: RunSummary) -> None:
    """A `runs` row for a command that found every input unchanged and started no flow
    (`unchanged_run`), with the counts a flow run records, so the runs table still shows it."""
    run_id = start_run(settings, summary.kind)
    finish_run(settings, run_id, status="completed", n_inputs=len(summary.skipped), n_claims=0, n_errors=len(summary.errors),
               details={"prefect_flow_run_id": None, "runner": "none (every input unchanged, no flow started)",
                        "processed": 0, "skipped": len(summary.skipped), "seconds": round(summary.seconds, 2), "verdicts": {}})
