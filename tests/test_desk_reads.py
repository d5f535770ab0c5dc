"""The desk's reads do not hold writers off, see what writers wrote, and show what the old queries showed.

The desk reads through one shared read-only DuckDB instance (store/shared_reads.py) and
caches its whole-database figures (review/desk_cache.py). A read-only instance blocks
every write to the file, so the tests here keep reads overlapping without a gap while a
writer in another process, or a write session in this one, must still get through; and
the cached queue, counts and next/previous must equal the plain queries'.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from fastapi.testclient import TestClient

from review.app import _neighbours, _queue, create_app
from review.desk_cache import DeskCache
from store import review_queries as q
from store.db import session
from store.shared_reads import readers_for
from tests.review_fixtures import CLAIMS, add_accounts, build_db, sign_in

REPO = Path(__file__).resolve().parent.parent

# A flow in another process: write sessions of one article each, waiting at most 30 s for the
# file (a desk that never lets go would make it fail, not hang).
WRITER = """
import sys
from store.db import connect, transaction
path, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    con = connect(path, wait=30)
    try:
        with transaction(con):
            con.execute("INSERT INTO articles (article_id, path, title, text, content_hash)"
                        " VALUES (?, ?, ?, 'Ten percent more. ', ?)", [f"w-{i}", f"w-{i}.txt", f"Written {i}", f"h-{i}"])
            con.execute("INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text,"
                        " start_char, end_char, claim_type, checkable, extractor, extractor_version)"
                        " VALUES (?, ?, 'Ten percent more.', 0, 17, 'Ten percent', 0, 11, 'statistical', true, 'w', '1')",
                        [f"w-{i}-c", f"w-{i}"])
    finally:
        con.close()
print("written", n, flush=True)
"""


def _keep_reading(client: TestClient, paths: list[str], stop: threading.Event, statuses: list[int]) -> None:
    i = 0
    while not stop.is_set():
        statuses.append(client.get(paths[i % len(paths)]).status_code)
        i += 1


def test_a_flow_writes_while_the_desk_serves_reads_and_the_desk_then_shows_its_rows(tmp_path: Path) -> None:
    db = build_db(tmp_path / "desk.duckdb")
    add_accounts(db, {"reader": "viewer"})
    app = create_app(str(db))
    app.state.desk.cache.max_stale = 0.0  # no lag allowed: the queue must show the new rows at once
    client = TestClient(app)
    sign_in(client, "reader")
    before = client.get("/queue.json").json()["total"]
    stop, statuses = threading.Event(), []
    paths = ["/queue.json", "/claims/cos-bookings.json", "/articles/art-teens.json", "/claims/teen-hours"]
    readers = [threading.Thread(target=_keep_reading, args=(client, paths, stop, statuses)) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        flow = subprocess.run([sys.executable, "-c", WRITER, str(db), "5"], cwd=REPO, capture_output=True,
                              text=True, timeout=120)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert flow.returncode == 0, flow.stderr[-2000:]
    assert "written 5" in flow.stdout
    assert len(statuses) > 4 and set(statuses) == {200}, statuses
    # Reads after the write see its rows: the article and claim pages, and the queue's total.
    page = client.get("/articles/w-4.json")
    assert page.status_code == 200 and page.json()["article"]["title"] == "Written 4"
    assert client.get("/claims/w-4-c.json").json()["claim"]["claim_text"] == "Ten percent"
    assert client.get("/queue.json").json()["total"] == before + 5


def test_a_write_session_in_this_process_gets_through_overlapping_reads(tmp_path: Path) -> None:
    """What `claimdesk serve` does: a flow writes in the desk's own process while pages are read."""
    db = build_db(tmp_path / "desk.duckdb")
    reader = readers_for(db)
    stop, counted = threading.Event(), []

    def read() -> None:
        while not stop.is_set():
            with reader.read() as con:
                counted.append(con.execute("SELECT count(*) FROM articles").fetchone()[0])

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(600):  # the reads are running before the first write
            if len(counted) >= 3:
                break
            stop.wait(0.05)
        for i in range(3):
            with session(db) as con:
                con.execute("INSERT INTO articles (article_id, path, title, text, content_hash)"
                            " VALUES (?, ?, 'In process', 'x', ?)", [f"in-{i}", f"in-{i}.txt", f"h-in-{i}"])
    finally:
        stop.set()
        for t in threads:
            t.join()
    with reader.read() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert min(counted) == 2, counted  # the reads ran before (and around) the writes


def test_cached_queue_and_neighbours_equal_the_plain_queries(tmp_path: Path) -> None:
    db = build_db(tmp_path / "desk.duckdb")
    desk = create_app(str(db)).state.desk
    filters = [q.QueueFilter(status=s) for s in q.STATUSES]
    filters += [q.QueueFilter(per_page=3, page=p) for p in (1, 2, 3, 4)]
    filters += [q.QueueFilter(verdict="supported"), q.QueueFilter(article="art-teens", status="unreviewed"),
                q.QueueFilter(source="src-aafprs"), q.QueueFilter(source="src-pew", per_page=1, page=2)]
    ids = [c["claim_id"] for c in CLAIMS] + ["no-such-claim"]
    with desk.read() as con:
        for f in filters:
            assert _queue(desk, con, f) == q.queue(con, f), f
            for claim_id in ids:
                assert _neighbours(desk, con, f, claim_id) == q.neighbours(con, f, claim_id), (f, claim_id)


def test_the_cache_recomputes_on_a_new_database_state_once_stale_and_after_clear() -> None:
    cache, calls = DeskCache(max_stale=0.0), []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("k", "gen-1", compute) == 1
    assert cache.get("k", "gen-1", compute) == 1  # same state: reused
    assert cache.get("k", "gen-2", compute) == 2  # new state, nothing may be stale
    cache.clear()
    assert cache.get("k", "gen-2", compute) == 3
    lagging = DeskCache(max_stale=3600.0)
    assert lagging.get("k", "gen-1", compute) == 4
    assert lagging.get("k", "gen-2", compute) == 4  # allowed to lag
