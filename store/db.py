"""Opening the DuckDB file: refuse foreign or corrupt files, migrate, retry while locked.

DuckDB lets one process hold a file open for writing. claimdesk keeps write
connections short (open, write one article or one review, close), and retries
while another claimdesk process holds the lock, so the flows and the review app can
share one file without losing a write.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from claimdesk.errors import ClaimdeskError
from store.migrations import migrate

LOCK_WAIT_SECONDS = 60.0
_DUCKDB_MAGIC = b"DUCK"


def _looks_like_duckdb(path: Path) -> bool:
    """DuckDB files carry the magic bytes 'DUCK' at offset 8."""
    with path.open("rb") as fh:
        head = fh.read(16)
    return len(head) >= 12 and head[8:12] == _DUCKDB_MAGIC


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used by another process" in text


def _raw_connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise ClaimdeskError(f"cannot open database: {str(exc).splitlines()[0]}", path=str(path)) from None
        except duckdb.Error as exc:
            raise ClaimdeskError(f"not a usable claimdesk database: {str(exc).splitlines()[0]}", path=str(path)) from None
        # Short, jittered waits: the other process holds the lock for one article at a time.
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.2)


def connect(path: str | Path, *, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) and migrate a claimdesk database.

    A file that is not DuckDB, or a DuckDB file that is not a claimdesk database, is
    refused with a one-line error rather than being written into.
    """
    path = Path(path)
    if path.exists():
        if path.is_dir():
            raise ClaimdeskError("is a folder, not a database file", path=str(path))
        if path.stat().st_size and not _looks_like_duckdb(path):
            raise ClaimdeskError("not a DuckDB database file (refusing to touch it)", path=str(path))
    elif read_only:
        raise ClaimdeskError("database does not exist yet (run `claimdesk sources add` or `check` first)", path=str(path))
    elif not path.parent.is_dir():
        raise ClaimdeskError("folder for the database does not exist", path=str(path))

    con = _raw_connect(path, read_only, wait)
    if read_only:
        return con
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if tables and "schema_migrations" not in tables:
            con.close()
            raise ClaimdeskError("DuckDB file is not a claimdesk database (no schema_migrations table)", path=str(path))
        migrate(con, before_first=lambda: _backup(con, path))
    except duckdb.Error as exc:
        con.close()
        raise ClaimdeskError(f"database cannot be migrated: {str(exc).splitlines()[0]}", path=str(path)) from None
    return con


def _backup(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Copy an older-schema database aside before migrating it in place."""
    con.execute("CHECKPOINT")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    shutil.copy2(path, path.with_name(f"{path.name}.bak-{stamp}"))


@contextlib.contextmanager
def session(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection, closed on exit so other processes can take the lock."""
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing: an article's rows land together or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
