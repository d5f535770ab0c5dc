"""The review desk and a real `claimdesk check` flow run share one DuckDB file.

The flow runs in its own process (a real Prefect flow, real models); meanwhile editors
post decisions through the app. No decision may be lost and the flow must succeed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from flows import service
from review.app import create_app
from store.db import session
from tests.review_fixtures import add_accounts, sign_in

from .conftest import DEMO, REPO


@pytest.mark.slow
def test_no_review_lost_while_check_flow_writes(settings, tmp_path: Path) -> None:
    db = str(settings.resolve(settings.database))
    service.index_sources([str(DEMO / "sources")], settings)
    service.check_articles([str(DEMO / "articles")], settings)
    with session(db) as con:
        claim_ids = [r[0] for r in con.execute("SELECT claim_id FROM claims ORDER BY claim_id").fetchall()]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(12):  # distinct files, so the flow writes 12 articles
        shutil.copy(DEMO / "articles" / "baby-botox-trend.txt", inbox / f"copy-{n:02d}.txt")

    add_accounts(db, {"desk": "editor"})
    client = TestClient(create_app(db, csrf_secret="flow-test"))
    sign_in(client, "desk")
    token = BeautifulSoup(client.get(f"/claims/{claim_ids[0]}").text, "html.parser").select_one(
        "input[name=csrf_token]")["value"]
    flow = subprocess.Popen([sys.executable, "-m", "flows.cli", "--db", db, "check", str(inbox), "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    posted = 0
    try:
        deadline = time.monotonic() + 300
        while flow.poll() is None and time.monotonic() < deadline:
            r = client.post(f"/claims/{claim_ids[posted % len(claim_ids)]}/review", follow_redirects=False,
                            data={"verdict": "supported", "note": f"n{posted}", "csrf_token": token})
            assert r.status_code == 303, r.text
            posted += 1
            time.sleep(0.2)
        out, err = flow.communicate(timeout=60)
    finally:
        if flow.poll() is None:
            flow.kill()
    assert flow.returncode == 0, err[-2000:]
    assert posted > 0
    with session(db) as con:
        notes = {r[0] for r in con.execute("SELECT note FROM reviews WHERE reviewer = 'desk'").fetchall()}
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert notes == {f"n{i}" for i in range(posted)}
    assert articles == 13
    assert "12 checked" in out
