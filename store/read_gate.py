"""Who may have a database file open in this process: the shared read-only instance or writers.

DuckDB refuses, within one process, a read-write connection to a file while a read-only
one is open ("different configuration"), and across processes a read-only instance
blocks every other process's writes. The review desk reads through one shared
read-only instance (`store.shared_reads`); every read-write `store.db.session` of the
same process (the desk's own reviews and sign-ins, a flow run by `claimdesk serve`)
first asks this gate to have that instance closed, and the instance is not reopened
while a writer is open or waiting. Other processes ask through a file instead
(`writer_waiting_path`): a writer that finds the file locked touches
`DB.writer-waiting`, and the desk stops letting new readers in while it is fresh.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

# A writer in another process touches the flag on every retry (at most every 0.2 s); older
# than this it is left over from a writer that gave up or crashed, and is ignored.
WAITING_FRESH_SECONDS = 1.0

_local = threading.local()


def _signal(path: str | Path, who: str) -> Path:
    path = Path(path)
    return path.with_name(f"{path.name}.{who}-waiting")


def _touch(signal: Path) -> None:
    with contextlib.suppress(OSError):  # best effort: a missing signal only costs a wait
        signal.touch()


def _clear(signal: Path) -> None:
    with contextlib.suppress(OSError):
        signal.unlink()


def _fresh(signal: Path) -> bool:
    """Whether the signal was touched within the last `WAITING_FRESH_SECONDS`."""
    try:
        age = time.time() - signal.stat().st_mtime
    except OSError:
        return False
    return -WAITING_FRESH_SECONDS < age < WAITING_FRESH_SECONDS


def writer_waiting_path(path: str | Path) -> Path:
    """`DB.writer-waiting`, beside the database: a writer in another process is waiting for it."""
    return _signal(path, "writer")


def touch_writer_waiting(path: str | Path) -> None:
    """Say, to the desk of another process, that this process waits to write (best effort)."""
    _touch(writer_waiting_path(path))


def clear_writer_waiting(path: str | Path) -> None:
    _clear(writer_waiting_path(path))


def writer_waiting_elsewhere(path: str | Path) -> bool:
    """Whether a writer in another process asked for the file within the last second."""
    return _fresh(writer_waiting_path(path))


def reader_waiting_path(path: str | Path) -> Path:
    """`DB.reader-waiting`, beside the database: a desk in another process waits to read it.

    The other direction of `writer_waiting_path`: a batch writer that shares one session
    across writes (`store.batch_session`) looks at it when it closes a session, and holds
    back its next one briefly so the desk gets in (issue #16, part 5).
    """
    return _signal(path, "reader")


def touch_reader_waiting(path: str | Path) -> None:
    _touch(reader_waiting_path(path))


def clear_reader_waiting(path: str | Path) -> None:
    _clear(reader_waiting_path(path))


def reader_waiting_elsewhere(path: str | Path) -> bool:
    """Whether a desk in another process found the file locked within the last second."""
    return _fresh(reader_waiting_path(path))


class Gate:
    """One database file's in-process state: writers open or waiting, and the read-only instance.

    `cond` guards both; the shared reader (store.shared_reads) keeps `reader_open` true
    while its instance is open and closes it as soon as `writers` is non-zero and its
    last read has finished.
    """

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.writers = 0
        self.reader_open = False
        self.readers_waiting = 0  # reads of this process waiting for the instance (store.batch_session yields to them)

    def acquire_writer(self, wait: float) -> None:
        """Count a write session in, once the shared read-only instance has closed.

        Raises TimeoutError when the instance's reads have not finished within `wait`
        seconds, and RuntimeError when this very thread is inside a shared read (it would
        wait for itself).
        """
        if reading_in_this_thread():
            raise RuntimeError("a write session was opened inside a shared read of the same thread")
        with self.cond:
            self.writers += 1
            self.cond.notify_all()
            deadline = time.monotonic() + wait
            while self.reader_open:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.writers -= 1
                    self.cond.notify_all()
                    raise TimeoutError("the review desk's reads did not finish")
                self.cond.wait(min(left, 0.05))

    def release_writer(self) -> None:
        with self.cond:
            self.writers -= 1
            self.cond.notify_all()


_GATES: dict[str, Gate] = {}
_GATES_LOCK = threading.Lock()


def gate(path: str | Path) -> Gate:
    key = os.path.abspath(path)
    with _GATES_LOCK:
        return _GATES.setdefault(key, Gate())


def reading_in_this_thread() -> bool:
    return bool(getattr(_local, "reads", 0))


def note_read(delta: int) -> None:
    _local.reads = getattr(_local, "reads", 0) + delta
