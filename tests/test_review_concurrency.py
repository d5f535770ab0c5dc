"""No editor decision is lost, and no flow run fails, while a check flow writes the same file.

DuckDB lets one process hold the file for writing. The review app opens a short
session per request and a flow opens one per article; each side retries while the
other holds the lock (store.db). Here a separate process plays the flow, writing
verdicts in 30 transactions while 20 reviews are posted through the app.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from review.app import create_app
from store.db import session
from tests.review_fixtures import CLAIMS, add_accounts, build_db, sign_in

REPO = Path(__file__).resolve().parent.parent
BATCHES = 30
PER_BATCH = 3
REVIEWS = 20

# The simulated flow: one connection and one transaction per "article", held briefly, then
# closed so the review desk can take the lock.
WRITER = """
import sys, time
from store.db import connect, transaction

path, claim_ids = sys.argv[1], sys.argv[2].split(",")
for batch in range(int(sys.argv[3])):
    con = connect(path)
    try:
        with transaction(con):
            for i in range(int(sys.argv[4])):
                con.execute(
                    "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation,"
                    " judge_version) VALUES (?, ?, 'unverifiable', 0.5, true, 'concurrent re-check', 'writer')",
                    [claim_ids[(batch + i) % len(claim_ids)], f"run-{batch}"],
                )
            time.sleep(0.02)  # a real flow does work while the article's transaction is open
    finally:
        con.close()
    print(f"batch {batch} done", flush=True)
    time.sleep(0.03)
"""


def test_reviews_and_a_writing_flow_share_the_database(tmp_path: Path) -> None:
    db = build_db(tmp_path / "shared.duckdb")
    add_accounts(db, {"desk editor": "editor"})
    claim_ids = [c["claim_id"] for c in CLAIMS]
    client = TestClient(create_app(str(db), csrf_secret="concurrency"))
    sign_in(client, "desk editor")
    token = BeautifulSoup(client.get("/claims/cos-social").text, "html.parser").select_one(
        "input[name=csrf_token]"
    )["value"]

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), ",".join(claim_ids), str(BATCHES), str(PER_BATCH)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().startswith("batch 0"), "the writer did not start"
        posted_while_writing = 0
        started = time.monotonic()
        for n in range(REVIEWS):
            claim_id = claim_ids[n % len(claim_ids)]
            r = client.post(
                f"/claims/{claim_id}/review",
                follow_redirects=False,
                data={
                    "verdict": "supported",
                    "note": f"review {n}",
                    "csrf_token": token,
                },
            )
            assert r.status_code == 303, r.text
            posted_while_writing += writer.poll() is None
        elapsed = time.monotonic() - started
        out, err = writer.communicate(timeout=120)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, err
    assert out.count("done") == BATCHES - 1  # the first line was read above
    assert posted_while_writing > 0, f"no review overlapped the writer ({elapsed:.1f}s)"
    print(f"{posted_while_writing} of {REVIEWS} reviews posted while the flow wrote; {elapsed:.1f}s")

    with session(db) as con:
        notes = {
            r[0] for r in con.execute("SELECT note FROM reviews WHERE reviewer = 'desk editor'").fetchall()
        }
        written = con.execute("SELECT count(*) FROM verdicts WHERE judge_version = 'writer'").fetchone()
    assert notes == {f"review {n}" for n in range(REVIEWS)}
    assert written == (BATCHES * PER_BATCH,)


def test_parallel_requests_within_the_app_do_not_conflict(tmp_path: Path) -> None:
    """Regression: two threads opening sessions at once collided re-creating the views
    ("Catalog write-write conflict") and editors got 503s; the app now takes its
    sessions one at a time."""
    db = build_db(tmp_path / "parallel.duckdb")
    add_accounts(db, {"reader": "viewer"})
    app = create_app(str(db))

    def browse(i: int) -> list[int]:
        with TestClient(app) as client:
            sign_in(client, "reader")
            return [client.get("/claims/cos-bookings" if i % 2 else "/").status_code for _ in range(4)]

    with ThreadPoolExecutor(8) as pool:
        codes = [code for codes in pool.map(browse, range(16)) for code in codes]
    assert codes == [200] * 64
