"""Reads for a long-running process (the review desk): one read-only DuckDB instance, a cursor each.

Why: a read-write `store.db.session` per page cost a schema check, a migration pass
(views re-created when changed) and a fold of the write-ahead log on close, and the
desk took them one at a time. Reads need none of that. Here the threads of the process
share one read-only instance of the file (DuckDB runs their queries in parallel), each
read gets its own cursor, and there is no process lock.

What it must not do is keep writers out, since a read-only instance holds a shared
lock on the file and DuckDB lets nobody write while it is held:
- a write session of this process (store.db.session) raises the file's `read_gate`:
  no new reads start, the instance closes when the last one ends, the writer writes,
  then reads reopen the instance and see the new rows;
- a writer in another process (a check flow) that finds the file locked touches
  `DB.writer-waiting` (store.db); while that flag is fresh no new reads start and the
  instance closes as soon as the reads in flight end, so the flow waits for at most
  the pages being served, never for a stream of them.
- when no read is running the instance is closed after `LINGER_SECONDS`.
- the other way round, a batch writer (`store.batch_session`) that shares a session
  across writes lets reads in between its sessions: reads of this process waiting on the
  gate are counted (`Gate.readers_waiting`), and a read that finds the file locked by
  another process touches `DB.reader-waiting`.

`generation` names the database state the instance opened on (the sizes and times of
the file and its write-ahead log), so callers can cache what they computed from it.

"Opening" is an ATTACH of the file, read-only, to one in-memory DuckDB instance the
reader keeps for the life of the process, and "closing" a DETACH (which releases the
file's lock just the same): creating and closing a read-only DuckDB instance took
~170 ms (its built-in extensions and catalog; load ~8), paid on every writer's turn while
a flow writes, an attach and a detach ~60 ms (issue #16, docs/desk-under-load.md).
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from claimdesk.errors import ClaimdeskError
from store import read_gate
from store.db import LOCK_WAIT_SECONDS, _is_lock_error, _open_error, _schema_problem, session

LINGER_SECONDS = 0.5
RETRY_SECONDS = 0.02  # between attempts to attach while another process writes
ALIAS = "claimdesk_file"  # the attached file's name in the reader's instance; each cursor USEs it


def _generation(path: Path) -> tuple[int, ...]:
    """The file's state, from what every commit changes: the main file or its write-ahead log."""
    out: list[int] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
            out += [st.st_mtime_ns, st.st_size, st.st_ino]
        except OSError:
            out += [0, 0, 0]
    return tuple(out)


class SharedReader:
    """Read-only cursors on one database file, for the threads of this process."""

    def __init__(self, path: str | Path, wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.wait = wait
        self.generation: tuple[int, ...] = ()
        self._gate = read_gate.gate(self.path)
        self._con: duckdb.DuckDBPyConnection | None = None  # the instance, while the file is attached
        self._instance: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_used = 0.0
        self._migrated = False
        self._closer_running = False
        self._checked = -1  # inode of the file whose schema was checked
        self._next_try = 0.0  # no attach before this (monotonic): a writer has the file
        self._asked = False  # this reader touched DB.reader-waiting and has not got in since

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared instance, for one page's queries; waits while a writer is waiting."""
        if not self._migrated:
            self._migrate_once()
        cur = self._enter()
        read_gate.note_read(1)
        try:
            cur.execute(f"USE {ALIAS}")  # the cursor's default database: the attached file
            yield cur
        finally:
            read_gate.note_read(-1)
            cur.close()
            self._leave()

    def _migrate_once(self) -> None:
        """One read-write session before the first read: create or migrate the file as every open used to."""
        with session(self.path):
            pass
        self._migrated = True

    def _enter(self) -> duckdb.DuckDBPyConnection:
        g = self._gate
        deadline = time.monotonic() + self.wait
        waiting = False
        with g.cond:
            try:
                while True:
                    if not g.writers and not read_gate.writer_waiting_elsewhere(self.path):
                        if self._con is None and time.monotonic() >= self._next_try:
                            self._open()
                        if self._con is not None:
                            self._users += 1
                            return self._con.cursor()
                    elif self._con is not None and not self._users:
                        self._close()
                    if time.monotonic() > deadline:
                        raise ClaimdeskError("cannot open database: a writer holds it", path=str(self.path))
                    if not waiting:  # a batch writer of this process lets waiting reads in between sessions
                        waiting = True
                        g.readers_waiting += 1
                    g.cond.wait(0.005 + 0.01 * random.random())
            finally:
                if waiting:
                    g.readers_waiting -= 1

    def _leave(self) -> None:
        g = self._gate
        with g.cond:
            self._users -= 1
            self._last_used = time.monotonic()
            if not self._users and (g.writers or read_gate.writer_waiting_elsewhere(self.path)):
                self._close()
            g.cond.notify_all()

    def _open(self) -> None:
        """Attach the file (one try: the caller waits and retries while another process writes)."""
        if self._instance is None:
            self._instance = duckdb.connect(":memory:")
        con = self._instance
        quoted = str(self.path).replace("'", "''")
        try:
            con.execute(f"ATTACH '{quoted}' AS {ALIAS} (READ_ONLY)")
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                # The waiting readers would otherwise try again every few ms between them; and a
                # batch writer of another process is asked to let this desk in between its sessions.
                self._next_try = time.monotonic() + RETRY_SECONDS
                read_gate.touch_reader_waiting(self.path)
                self._asked = True
                return
            raise _open_error(self.path, exc) from None
        if self._asked:
            read_gate.clear_reader_waiting(self.path)
            self._asked = False
        identity = self.path.stat().st_ino
        if identity != self._checked:  # once per file, not per reopen: a writer cannot change what it is
            cur = con.cursor()
            try:
                cur.execute(f"USE {ALIAS}")
                problem = _schema_problem(cur, writing=False)
            except duckdb.Error as exc:
                cur.close()
                self._detach()
                raise _open_error(self.path, exc) from None
            cur.close()
            if problem:
                self._detach()
                raise ClaimdeskError(problem, path=str(self.path))
            self._checked = identity
        self._con = con
        self._gate.reader_open = True
        self._last_used = time.monotonic()
        self.generation = _generation(self.path)
        if not self._closer_running:
            self._closer_running = True
            threading.Thread(target=self._close_when_idle, daemon=True, name="shared-reader-closer").start()

    def _detach(self) -> None:
        """Let go of the file; should DuckDB refuse, drop the whole instance (that lets go too)."""
        if self._instance is None:
            return
        try:
            self._instance.execute(f"DETACH {ALIAS}")
        except duckdb.Error:
            self._instance.close()
            self._instance = None

    def _close(self) -> None:
        if self._con is not None:
            self._detach()
            self._con = None
        self._gate.reader_open = False
        self._gate.cond.notify_all()

    def _close_when_idle(self) -> None:
        """Close the idle instance when a writer (here or elsewhere) waits, or after LINGER_SECONDS.

        Runs while the instance is open (started by `_open`), so an idle desk costs no thread.
        """
        g = self._gate
        while True:
            with g.cond:
                g.cond.wait(0.02)
                if self._con is None:
                    self._closer_running = False
                    return
                if self._con is not None and not self._users and (
                    g.writers
                    or read_gate.writer_waiting_elsewhere(self.path)
                    or time.monotonic() - self._last_used > LINGER_SECONDS
                ):
                    self._close()

    def close(self) -> None:
        with self._gate.cond:
            if not self._users:
                self._close()


def readers_for(path: str | Path) -> SharedReader:
    """The process's shared reader of `path` (one per file, so one instance and one closer thread)."""
    key = os.path.abspath(path)
    with _READERS_LOCK:
        reader = _READERS.get(key)
        if reader is None:
            reader = _READERS[key] = SharedReader(path)
        return reader


_READERS: dict[str, SharedReader] = {}
_READERS_LOCK = threading.Lock()
