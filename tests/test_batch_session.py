"""The batch path's shared write sessions (store/batch_session.py, issue #16 part 5): the same
rows as a session per article, fewer sessions, and the desk still gets its turn."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import duckdb
import pytest

from benchmarks.corpus import generate
from flows import service, steps
from store import db as store_db
from store.batch_session import BatchSession
from store.db import session
from store.shared_reads import SharedReader

from .conftest import DEMO

# Tables and columns that differ between two runs by design: when, and which run.
_SKIP_TABLES = {"runs", "schema_migrations", "schema_views", "audit_log", "users", "feed_items", "reviews"}


class _SessionPerWrite(service.Inline):
    """The service inline, every write in its own session: what the pipeline did before part 5."""

    def store_articles(self, batch, settings, index, run_id, meter):  # noqa: ANN001, ANN201
        return steps.store_articles(batch, settings, index, run_id, meter.done, session_seconds=0)

    def store_sources(self, batch, settings, meter):  # noqa: ANN001, ANN201
        return steps.store_sources(batch, settings, meter.done, session_seconds=0)


def _rows(db: str) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without timestamps and run ids."""
    con = duckdb.connect(db, read_only=True)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        ).fetchall()]
        for t in sorted(set(tables) - _SKIP_TABLES):
            cols = [c for c, typ in con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [t]).fetchall() if "TIMESTAMP" not in typ and c != "run_id"]
            out[t] = sorted(con.execute(f'SELECT {", ".join(f"{c!s}::VARCHAR" for c in cols)} FROM "{t}"').fetchall())
        return out
    finally:
        con.close()


@pytest.mark.slow
def test_shared_sessions_in_a_flow_write_the_same_rows_as_a_session_per_article(settings, prefect_harness, tmp_path):
    """A real Prefect flow run with the shared sessions, and the service with batches prepared
    on a thread (`Overlapped`), against the service inline with a session per write, on the
    demo set plus 30 generated articles (two batches) and their sources."""
    from flows.prefect_flows import check_articles_flow, index_sources_flow, on_runner

    corpus = generate(tmp_path / "corpus", 30, seed=3, n_sources=6)
    sources = [str(DEMO / "sources"), str(corpus.root / "sources")]
    articles = [str(DEMO / "articles"), str(corpus.articles_dir)]
    before = dataclasses.replace(settings, database=str(tmp_path / "before.duckdb"))
    after = dataclasses.replace(settings, database=str(tmp_path / "after.duckdb"))

    old = service.index_sources(sources, before, executor=_SessionPerWrite())
    old_check = service.check_articles(articles, before, executor=_SessionPerWrite())
    new = on_runner(index_sources_flow, after)(sources, after, False)
    new_check = on_runner(check_articles_flow, after)(articles, after, False)
    overlapped = dataclasses.replace(settings, database=str(tmp_path / "overlapped.duckdb"))
    with service.Overlapped() as ex:
        service.index_sources(sources, overlapped, executor=ex)
        service.check_articles(articles, overlapped, executor=ex)

    assert not old_check.errors and not new_check.errors
    assert len(new_check.processed) == len(old_check.processed) > 25  # more than one batch
    assert new.claims == old.claims and new_check.claims == old_check.claims and new_check.claims > 100
    rows_before, rows_after = _rows(before.database), _rows(after.database)
    assert rows_before.keys() == rows_after.keys()
    rows_overlapped = _rows(overlapped.database)
    for table in rows_before:
        assert rows_after[table] == rows_before[table], table
        assert rows_overlapped[table] == rows_before[table], table
    assert len(rows_after["verdicts"]) == new_check.claims and rows_after["matches"]


def _count_writes(db: Path, n: int, seconds: float, pause: float = 0.0) -> int:
    with session(db):  # create and migrate the file
        pass
    with BatchSession(db, seconds=seconds) as writer:
        for i in range(n):
            with writer.write() as con:
                con.execute("INSERT INTO runs (run_id, kind, status) VALUES (?, 'check', 'done')", [f"r{seconds}-{i}"])
            time.sleep(pause)
        opens = writer.opens
    with session(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] >= n
    return opens


def test_consecutive_writes_share_a_session_until_it_is_due_to_close(tmp_path):
    assert _count_writes(tmp_path / "a.duckdb", 10, seconds=60) == 1
    assert _count_writes(tmp_path / "b.duckdb", 10, seconds=0) == 10
    # A session is closed after the write that finds it past its time; the next write opens another.
    assert _count_writes(tmp_path / "c.duckdb", 4, seconds=0.5, pause=0.6) == 2


def test_a_failed_write_closes_the_session_and_rolls_back(tmp_path):
    db = tmp_path / "f.duckdb"
    with session(db):
        pass
    with BatchSession(db, seconds=60) as writer:
        with pytest.raises(duckdb.Error), writer.write() as con, store_db.transaction(con):
            con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('x', 'check', 'done')")
            con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('x', 'check', 'done')")  # duplicate key
        with writer.write() as con:
            con.execute("INSERT INTO runs (run_id, kind, status) VALUES ('y', 'check', 'done')")
        assert writer.opens == 2
    with session(db, read_only=True) as con:
        assert [r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()] == ["y"]


def test_a_desk_reader_gets_in_between_shared_sessions(tmp_path):
    """While a batch writes through shared sessions, the desk's reads (in this process, through
    the shared read-only instance) are served between sessions, not after the whole batch."""
    db = tmp_path / "d.duckdb"
    with session(db):
        pass
    reader = SharedReader(db, wait=30)
    served: list[float] = []
    writing = threading.Event()
    finished = threading.Event()

    def read_loop() -> None:
        writing.wait()
        while not finished.is_set():
            with reader.read() as cur:
                cur.execute("SELECT count(*) FROM runs").fetchone()
            served.append(time.monotonic())

    t = threading.Thread(target=read_loop)
    t.start()
    start = time.monotonic()
    with BatchSession(db, seconds=0.05) as writer:
        writing.set()
        for i in range(40):
            with writer.write() as con:
                con.execute("INSERT INTO runs (run_id, kind, status) VALUES (?, 'check', 'done')", [f"w{i}"])
            time.sleep(0.01)
        end = time.monotonic()
        opens = writer.opens
    finished.set()
    t.join(timeout=30)
    reader.close()
    assert opens >= 2
    assert any(start < s < end for s in served), "no read was served while the batch was writing"


def test_a_desk_reader_locked_out_by_another_process_asks_for_a_turn(tmp_path):
    """A desk read that finds the file locked by a writer in another process touches
    DB.reader-waiting (what a batch writer yields to), and deletes it once it got in."""
    import subprocess
    import sys

    from store import read_gate

    db = tmp_path / "x.duckdb"
    reader = SharedReader(db, wait=60)
    with reader.read() as cur:  # the desk's first read creates the file
        cur.execute("SELECT 1").fetchone()
    reader.close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(3); c.close()", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        seen: list[bool] = []
        watcher = threading.Thread(target=lambda: [seen.append(read_gate.reader_waiting_elsewhere(db)) or time.sleep(0.05)
                                                   for _ in range(40)])
        watcher.start()
        with reader.read() as cur:
            assert cur.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
        watcher.join()
        reader.close()
    finally:
        holder.wait(timeout=30)
    assert any(seen), "the locked-out reader never asked for a turn"
    assert not read_gate.reader_waiting_path(db).exists()
