"""Opening the DuckDB file: refuse foreign or corrupt files, migrate, retry while locked.

DuckDB lets one process hold a file open for writing. claimdesk keeps write
connections short (open, write one article or one review, close), and retries
while another claimdesk process holds the lock, so the flows and the review app can
share one file without losing a write.

Safety rules, because the file holds editors' decisions:
- a file is identified before anything writes to it: not DuckDB (wrong magic bytes),
  damaged (DuckDB's block checksums fail), or a DuckDB file without our
  `schema_migrations` table is refused with one line and left byte-identical;
- a database written by a newer claimdesk (unknown schema versions) is refused for
  writing rather than written by code that does not know its schema;
- an older schema is migrated in place only after a checked backup copy
  (`NAME.bak-YYYYMMDD-HHMMSS`) was written beside it; no copy, no migration.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from claimdesk.errors import ClaimdeskError
from store import migrations, read_gate
from store.migrations import MIGRATIONS, is_current, migrate

LOCK_WAIT_SECONDS = 60.0
_DUCKDB_MAGIC = b"DUCK"
# Files this process has already identified as claimdesk databases, by (path, inode),
# so the read-only look before the first write is paid once per process, not per article.
_VERIFIED: set[tuple[str, int]] = set()
# Files this process has migrated to its own schema, by (path, inode): a later read-write
# open only confirms the applied versions are still exactly ours (one query) instead of
# the schema check, the migration pass and the view comparison (issue #16: ~30 ms an open,
# 75 opens for 60 articles).
_CURRENT: set[tuple[str, int]] = set()


def _looks_like_duckdb(path: Path) -> bool:
    """DuckDB files carry the magic bytes 'DUCK' at offset 8."""
    with path.open("rb") as fh:
        head = fh.read(16)
    return len(head) >= 12 and head[8:12] == _DUCKDB_MAGIC


def _is_lock_error(exc: Exception) -> bool:
    # A word match: "checksum ... in block at location 4096" is damage, not a lock, and
    # retrying it for a minute only delays the error.
    text = str(exc).lower()
    # "unique file handle conflict": another thread of this process is closing the last
    # connection to the file (DuckDB detaches it) while this one opens it; transient too.
    return bool(re.search(r"\block\b|\bconflicting\b|being used by another process|unique file handle conflict", text))


def _is_damage(text: str) -> bool:
    text = text.lower()
    return any(w in text for w in ("corrupt", "checksum", "could not read enough bytes", "not a valid duckdb",
                                   "invalid database", "serialization"))


def _open_error(path: Path, exc: Exception) -> ClaimdeskError:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if _is_damage(first):
        return ClaimdeskError(f"database file is damaged and was not changed ({first}); restore a backup copy "
                              "(NAME.bak-*) or move the file aside and rebuild", path=str(path))
    return ClaimdeskError(f"cannot open database: {first}", path=str(path))


def _raw_connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    waited = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            if waited:
                (read_gate.clear_reader_waiting if read_only else read_gate.clear_writer_waiting)(path)
            return con
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise _open_error(path, exc) from None
        except duckdb.ConnectionException:
            raise
        except duckdb.Error as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:  # (a Binder error when in-process)
                raise _open_error(path, exc) from None
        if not read_only:
            # Tell a review desk holding the file open for reading to let go (store/read_gate.py).
            read_gate.touch_writer_waiting(path)
        else:
            # Tell a batch writer sharing its session across writes to let this reader in (store/batch_session.py).
            read_gate.touch_reader_waiting(path)
        waited = True
        # Short, jittered waits: the other process holds the lock for one article at a time.
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.2)


def _check_path(path: Path, read_only: bool) -> None:
    """Refuse, before DuckDB touches anything, what is plainly not ours or not writable."""
    if path.exists():
        if path.is_dir():
            raise ClaimdeskError("is a folder, not a database file", path=str(path))
        if path.stat().st_size and not _looks_like_duckdb(path):
            raise ClaimdeskError("not a DuckDB database file (refusing to touch it)", path=str(path))
        if not read_only:
            if not os.access(path, os.W_OK):
                raise ClaimdeskError("database file is read-only (read with `claimdesk sql` or `doctor`; "
                                     "writing needs write permission)", path=str(path))
            if not writable_folder(path.parent):
                raise ClaimdeskError(f"folder {path.parent} is read-only; DuckDB needs to write "
                                     f"{path.name}.wal beside the database", path=str(path))
    elif read_only:
        raise ClaimdeskError("database does not exist yet (run `claimdesk sources add` or `check` first)", path=str(path))
    elif not path.parent.is_dir():
        raise ClaimdeskError("folder for the database does not exist", path=str(path))
    elif not writable_folder(path.parent):
        raise ClaimdeskError(f"folder {path.parent} is read-only: cannot create the database there", path=str(path))


def writable_folder(folder: Path) -> bool:
    """Whether this process may create files in `folder` (what DuckDB needs for its .wal).

    Uses os.access, so it answers for the real user: root may write a chmod 555 folder,
    though not one on a read-only mount.
    """
    return os.access(folder, os.W_OK | os.X_OK)


def _schema_problem(con: duckdb.DuckDBPyConnection, writing: bool) -> str | None:
    """Why this open DuckDB database must not be used by claimdesk, or None."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    if not tables:
        return None  # an empty DuckDB file: ours to set up
    if "schema_migrations" not in tables:
        return "DuckDB file is not a claimdesk database (no schema_migrations table; refusing to touch it)"
    versions = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    unknown = versions - {m.version for m in MIGRATIONS}
    if unknown and writing:
        return (f"database was written by a newer claimdesk (schema version {max(unknown)}; this one knows up to "
                f"{max(m.version for m in MIGRATIONS)}): upgrade claimdesk before writing to it")
    return None


def _identify(path: Path, wait: float) -> None:
    """Look at an existing file read-only before the first write of this process."""
    key = (str(path.resolve()), path.stat().st_ino)
    if key in _VERIFIED:
        return
    try:
        con = _raw_connect(path, True, wait)
    except duckdb.ConnectionException:
        return  # already open for writing in this process, so DuckDB accepted it; checked again below
    try:
        problem = _schema_problem(con, writing=True)
    except duckdb.Error as exc:
        raise _open_error(path, exc) from None
    finally:
        con.close()
    if problem:
        raise ClaimdeskError(problem, path=str(path))


def connect(path: str | Path, *, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) and migrate a claimdesk database.

    A file that is not DuckDB, a damaged one, or a DuckDB file that is not a claimdesk
    database is refused with a one-line error rather than being written into.
    Read-only connections never migrate (so `sql` and `doctor` never write).
    """
    path = Path(path)
    _check_path(path, read_only)
    if not read_only and path.exists() and path.stat().st_size:
        _identify(path, wait)
    try:
        con = _raw_connect(path, read_only, wait)
    except duckdb.ConnectionException as exc:
        raise ClaimdeskError(f"cannot open database: {str(exc).splitlines()[0]}", path=str(path)) from None
    key = (str(path.resolve()), path.stat().st_ino)
    if not read_only and key in _CURRENT and _still_current(con):
        return con
    try:
        if not read_only and is_current(con):
            pass  # at this code's schema: nothing to check or migrate (one query instead of ~7)
        elif problem := _schema_problem(con, writing=not read_only):
            raise ClaimdeskError(problem, path=str(path))
        elif not read_only:
            migrate(con, before_first=lambda: backup(con, path))
    except ClaimdeskError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        if _is_damage(str(exc)):
            raise _open_error(path, exc) from None
        raise ClaimdeskError(f"database cannot be migrated: {str(exc).splitlines()[0]}", path=str(path)) from None
    if not read_only:
        _VERIFIED.add(key)
        _CURRENT.add(key)
    return con


def _still_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the applied migrations and the views are still exactly this claimdesk's (none
    added by a newer one, no view dropped or changed by another process): one query."""
    expected = ",".join(f"{name}:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}" for name, sql in sorted(migrations.VIEWS.items()))
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM schema_migrations), (SELECT max(version) FROM schema_migrations), "
            "(SELECT string_agg(s.name || ':' || s.sql_hash, ',' ORDER BY s.name) FROM schema_views s "
            " JOIN duckdb_views() v ON v.view_name = s.name AND NOT v.internal)").fetchone()
    except duckdb.Error:
        return False
    return row is not None and tuple(row) == (len(MIGRATIONS), max(m.version for m in MIGRATIONS), expected)


def backup(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Copy the database aside before migrating it in place, and check the copy opens.

    The copy is written under a temporary name and renamed, so a crash mid-copy never
    leaves a half file that looks like a backup. Any failure stops the migration.
    """
    con.execute("CHECKPOINT")  # everything in the main file, nothing left in the .wal
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bak-{stamp}-{n}")
    tmp = target.with_name(target.name + ".partial")
    try:
        shutil.copyfile(path, tmp)
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            check.execute("SELECT count(*) FROM schema_migrations").fetchone()
        finally:
            check.close()
        os.replace(tmp, target)
    except (OSError, duckdb.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ClaimdeskError(f"cannot write a backup copy before migrating ({exc}); the database was not changed",
                             path=str(path)) from None
    return target


@contextlib.contextmanager
def session(path: str | Path, *, read_only: bool = False, fold: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection, closed on exit so other processes can take the lock.

    On close DuckDB folds (checkpoints) what the session wrote from its write-ahead log
    into the main file. `fold=False` leaves it in the log instead: for the pipeline's
    one-article sessions, where a fold on every close cost about as much as writing the
    article (issue #9). The log is durable (each commit is) and every later connection,
    read-only ones included, reads it; since each open replays the log, it must stay
    short: the pipeline folds every few articles and at the end of each batch
    (`checkpoint`), so the main file is whole again after every batch.
    """
    if read_only:
        con = connect(path, read_only=True)
    else:
        con = _gated_connect(path)
    try:
        if not fold and not read_only:
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
        yield con
    finally:
        con.close()
        if not read_only:
            read_gate.gate(path).release_writer()


def _gated_connect(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection once this process's shared read-only instance is closed.

    The gate is held from here until `session` closes the connection (`release_writer`):
    the review desk's shared reader (store/shared_reads.py) stays closed meanwhile.
    """
    g = read_gate.gate(path)
    try:
        g.acquire_writer(LOCK_WAIT_SECONDS)
    except TimeoutError as exc:
        raise ClaimdeskError(f"cannot open database: {exc}", path=str(path)) from None
    try:
        return connect(path)
    except BaseException:
        g.release_writer()
        raise


def checkpoint(path: str | Path) -> None:
    """Fold the write-ahead log into the main file (after a batch of `fold=False` sessions).

    Best effort: if DuckDB cannot checkpoint now (another connection in this process has a
    transaction open), the log stays, durable, and the next session's close folds it.
    """
    with session(path) as con:
        try:
            con.execute("PRAGMA enable_checkpoint_on_shutdown")
            con.execute("CHECKPOINT")
        except duckdb.TransactionException:
            pass


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
