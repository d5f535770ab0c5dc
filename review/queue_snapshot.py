"""The whole queue in one scan: every claim's id, in queue order, with what the tabs filter on.

Why: the queue page's order and its per-verdict and per-status counts are each a scan of
the `claim_verdicts` view (0.2-0.6 s on 100,000 claims); for the four tabs that is a dozen
scans each time the cache refreshes while a flow writes. One ordered scan of five
columns gives them all: a tab or a verdict filter keeps the order, so filtering the
ordered list in Python is the filtered queue, and counting it gives the counts. Filters
on an article or a source still go to SQL (`review_queries`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from store import review_queries as q

# The tabs of `review_queries._STATUS_SQL`, over a snapshot row.
STATUS_TESTS: dict[str, Callable[[Any], bool]] = {
    "all": lambda r: True,
    "flagged": lambda r: not r[2] and r[3],
    "unreviewed": lambda r: not r[2],
    "reviewed": lambda r: r[2],
    "disagreement": lambda r: r[4],
}


@dataclass(frozen=True)
class QueueSnapshot:
    rows: list[Any]  # (claim_id, verdict, reviewed, flagged, disagreement), in queue order

    def covers(self, f: q.QueueFilter) -> bool:
        """Whether this snapshot answers `f` (article and source filters need SQL)."""
        return not f.article and not f.source

    def _matches(self, f: q.QueueFilter, *, skip: str = "") -> list[Any]:
        test = STATUS_TESTS[f.status]
        return [r for r in self.rows
                if (skip == "verdict" or not f.verdict or r[1] == f.verdict) and (skip == "status" or test(r))]

    def ids(self, f: q.QueueFilter) -> list[str]:
        """`review_queries.queue_ids(con, f)`."""
        return [r[0] for r in self._matches(f)]

    def counts(self, f: q.QueueFilter) -> dict[str, Any]:
        """`review_queries.counts(con, f)`."""
        by_verdict = dict.fromkeys(q.VERDICTS, 0)
        for r in self._matches(f, skip="verdict"):
            if r[1] in by_verdict:
                by_verdict[r[1]] += 1
        rows = self._matches(f, skip="status")
        by_status = {name: sum(1 for r in rows if test(r)) for name, test in STATUS_TESTS.items()}
        return {"verdict": by_verdict, "status": by_status}


def snapshot(con: duckdb.DuckDBPyConnection) -> QueueSnapshot:
    return QueueSnapshot(q.queue_snapshot_rows(con))
