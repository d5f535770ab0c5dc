"""The desk's whole-database figures (queue pages, counts, chart, menus, queue order), cached.

Why: on a 100,000-claim database each of these scans every claim and its newest verdict
and review (the `claim_verdicts` view): 0.2-1.5 s a page on this machine's two cores,
so twenty editors paging through the queue would wait seconds each. They change only
when the database does, so an entry is reused while the shared reader's instance is on
the same database state (`store.shared_reads.SharedReader.generation`). While a check
flow is writing, that state changes with every article; entries are then reused for
up to `MAX_STALE_SECONDS` after they were computed, so the queue's totals and order may
lag a flow's newest rows by that long, while claim and article pages (read live) show
them at once. (With 2 s, a flow committing every few seconds on a 100,000-claim
database had the desk recomputing a dozen of these scans without pause.) The desk's own reviews clear the cache (`clear`), so an editor's
decision is in the queue on the next page.

One request recomputes a stale entry; others asking meanwhile get the stale one rather
than waiting, or wait for it when there is none.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
MAX_STALE_SECONDS = 10.0
MAX_ENTRIES = 128


@dataclass
class _Entry:
    generation: Hashable
    computed_at: float
    value: Any


class DeskCache:
    def __init__(self, max_stale: float = MAX_STALE_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.max_stale = max_stale
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self._epoch = 0

    def get(self, key: Hashable, generation: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key` on database state `generation`, computed when missing or too stale."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                if entry.generation == generation or time.monotonic() - entry.computed_at < self.max_stale:
                    return entry.value  # type: ignore[no-any-return]
            busy = self._computing.setdefault(key, threading.Lock())
            epoch = self._epoch
        if entry is not None and not busy.acquire(blocking=False):
            return entry.value  # type: ignore[no-any-return]  # someone is refreshing it
        if entry is None:
            busy.acquire()
        try:
            with self._lock:
                fresh = self._entries.get(key)
            if fresh is not None and fresh is not entry and (
                fresh.generation == generation or time.monotonic() - fresh.computed_at < self.max_stale
            ):
                return fresh.value  # type: ignore[no-any-return]  # computed while this one waited
            value = compute()
            with self._lock:
                if epoch == self._epoch:  # not cleared meanwhile (the value may predate the clear)
                    self._entries[key] = _Entry(generation, time.monotonic(), value)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            return value
        finally:
            busy.release()

    def clear(self) -> None:
        """Forget everything: after this process wrote (an editor's review), the next page recomputes."""
        with self._lock:
            self._entries.clear()
            self._epoch += 1


def neighbours_in(order: Sequence[str], index: dict[str, int], claim_id: str) -> dict[str, Any]:
    """Previous/next claim around `claim_id` in a queue order, as `review_queries.neighbours` answers.

    A claim not in the (filtered) queue gets the queue's first claim as its next one.
    """
    pos = index.get(claim_id)
    if pos is None:
        first = order[0] if order and order[0] != claim_id else None
        return {"prev": None, "next": first, "position": None, "total": len(order)}
    return {
        "prev": order[pos - 1] if pos > 0 else None,
        "next": order[pos + 1] if pos + 1 < len(order) else None,
        "position": pos + 1,
        "total": len(order),
    }
