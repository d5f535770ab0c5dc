"""One read-write session for consecutive writes of a batch, held only as long as a desk can wait.

Why (issue #16, part 5): the pipeline used to open a session per article (and per
cache exchange), and each open cost a connect, a schema check and a migration pass
(~30 ms on an idle machine, 75 opens for 60 articles), and each fifth close a fold of the
write-ahead log: about a third of what the batch path spent above the models.

What it must keep is the desk's turn (docs/desk-under-load.md): while a session is open,
the desk's readers wait, in this process (the file's `read_gate`) and in others (DuckDB's
file lock). So a `BatchSession` is the single writer the desk's short sessions queue
behind: it hands the same connection to consecutive writes (each still its own
transaction, so what lands, and when it becomes visible, is the same as with a session
each) and closes it after the current write as soon as anyone waits for the file:

- reads of this process waiting on the gate (`Gate.readers_waiting`), or another write
  session of this process (a review);
- a desk (`store.shared_reads`) or a read-only `store.db.connect` (`sql`, `doctor`) of
  another process that found the file locked, which touches `DB.reader-waiting`;
- a writer of another process, which touches `DB.writer-waiting`.

Then it holds its next session back until the waiting reads are in (at most
`YIELD_SECONDS`); its next open finds the file taken, touches `DB.writer-waiting` and
waits only for the pages in flight, as every writer does (`store.db`). A session nobody
asks for is still closed after `seconds` (one second), so a reader that does not say it
waits (another tool on the file) waits at most about that plus one write.

The write-ahead log is folded into the main file every `fold_every` writes and by
`finish` at the end of the batch, so the log a reader replays on open stays a few writes
long, as before.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from store import read_gate
from store.db import session

WRITE_SESSION_SECONDS = 1.0
# Longest a session is shared when nobody says they wait; how long a closed session's
# successor waits at most for waiting desk reads to get in.
YIELD_SECONDS = 0.1
# Writes per fold of the write-ahead log. Folding on every close cost ~60 ms a session;
# never folding within a batch makes each open replay a longer log. CPU per article write
# when every write had a session of its own (benchmarks/RESULTS.md): fold every session
# 124 ms, every 25th 95 ms, every 5th 84 ms, every 3rd 87 ms. Since writes share sessions,
# a fold costs more than the replays it saves: a fold grows with the database (0.1–0.3 s
# at 200 articles, 2.3–2.6 s at 100,000 claims, and the desk waits through it), a replay
# with the log (~4 ms an article write: a read-only open 22 ms with an empty log, 57 ms
# after 4 writes, 120 ms after 25). 200 articles inline, load ~5.5 (issue #16, session 7):
# every 5th write 48 folds, 8.8–10.4 s, the store step 26.9–30.6 s (CPU 15.3–16.8 s);
# every 25th 16 folds, 5.0–5.3 s, the store step 24.9–25.5 s (CPU 13.4–13.6 s); only at the
# end of each batch 8 folds, 2.0 s. So: more than a pipeline batch's writes (25 articles
# and the batch's vectors), and a batch folds once, when it ends (`finish`).
FOLD_EVERY = 32


class BatchSession:
    """Write sessions shared by consecutive writes (`write`), each open at most `seconds`.

    `seconds=0` gives every write its own session (what the pipeline did before; the tests
    compare the two). Call `finish` (or use it as a context manager) to fold and close.
    """

    def __init__(self, db: str | Path, *, seconds: float = WRITE_SESSION_SECONDS, fold_every: int = FOLD_EVERY) -> None:
        self.db = db
        self.seconds = seconds
        self.fold_every = fold_every
        self.opens = 0  # sessions opened, for the benchmarks
        self._stack: contextlib.ExitStack | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened = 0.0
        self._unfolded = 0

    def __enter__(self) -> BatchSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    @contextlib.contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The open connection (or a new one), for one write.

        After the write the session is closed if someone waits for the file (`waited_for`)
        or it has been open `seconds`; every `fold_every` writes the log is folded. If the
        write raises, the session is closed (folding nothing), so a database in an unknown
        state is never reused.
        """
        con = self._con if self._con is not None else self._open()
        try:
            yield con
        except BaseException:
            self._close(fold=False)
            raise
        self._unfolded += 1
        if self._unfolded >= self.fold_every:
            _fold(con)
            self._unfolded = 0
        if self.waited_for() or time.monotonic() - self._opened >= self.seconds:
            self._close(fold=False)
            self._let_readers_in()

    def waited_for(self) -> bool:
        """Whether someone waits for the file: reads or another write session of this process
        (the file's gate), or a desk or writer in another process (a fresh `DB.reader-waiting`
        or `DB.writer-waiting`)."""
        g = read_gate.gate(self.db)
        return bool(g.readers_waiting or g.writers > 1 or read_gate.reader_waiting_elsewhere(self.db)
                    or read_gate.writer_waiting_elsewhere(self.db))

    def pause(self) -> None:
        """Close the session now, before work that needs no database (judging a batch), so the
        desk is not kept waiting through it; the next write opens a new one."""
        if self._con is not None:
            self._close(fold=self._unfolded >= self.fold_every)
            self._let_readers_in()

    def finish(self) -> None:
        """Close the session, folding what the batch left in the write-ahead log."""
        if self._con is not None:
            self._close(fold=self._unfolded > 0)
        elif self._unfolded:
            with session(self.db) as con:
                _fold(con)
            self._unfolded = 0

    def _let_readers_in(self) -> None:
        """Hold the next session back (at most `YIELD_SECONDS`) while desk reads wait for the file.

        In this process the waiting reads are counted on the file's gate and get in as soon
        as the session closes; a desk in another process polls the lock, so it is given until
        it has opened the file (it deletes `DB.reader-waiting` then). Once in, the desk keeps
        the file only for the pages in flight: the next session's open touches
        `DB.writer-waiting` and waits for them.
        """
        deadline = time.monotonic() + YIELD_SECONDS
        g = read_gate.gate(self.db)
        with g.cond:
            while g.readers_waiting and not g.reader_open and time.monotonic() < deadline:
                g.cond.wait(0.005)
        while read_gate.reader_waiting_elsewhere(self.db) and time.monotonic() < deadline:
            time.sleep(0.005)

    def _open(self) -> duckdb.DuckDBPyConnection:
        stack = contextlib.ExitStack()
        self._con = stack.enter_context(session(self.db, fold=False))
        self._stack = stack
        self._opened = time.monotonic()
        self.opens += 1
        return self._con

    def _close(self, *, fold: bool) -> None:
        stack, con = self._stack, self._con
        self._stack = self._con = None
        if stack is None or con is None:
            return
        try:
            if fold:
                _fold(con)
                self._unfolded = 0
        finally:
            stack.close()


def _fold(con: duckdb.DuckDBPyConnection) -> None:
    """Fold the write-ahead log into the main file now (best effort, as `store.db.checkpoint`)."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.TransactionException:
        pass  # another connection of this process has a transaction open; the log stays, durable
