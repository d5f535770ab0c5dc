"""Checking an article from the review desk (review/submit.py): real models, a real
DuckDB file holding the demo sources, real Prefect flow runs, the desk served by
uvicorn and driven by Chromium (marker `browser`) and by Starlette's TestClient.

No timed assertions: the loops below wait for the check to finish with a generous
deadline, only so that a hang fails instead of blocking the run.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from flows import service
from review.app import create_app
from review.submit import DESK_FOLDER, DeskChecker, submission_problem, text_file
from store.db import session
from tests.review_fixtures import PASSWORD, add_accounts
from tests.review_fixtures import sign_in as http_sign_in
from tests.served_desk import chromium, free_port, served, watched_page

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
ARTICLE = (DEMO / "articles" / "baby-botox-trend.txt").read_text(encoding="utf-8")
TITLE, _, BODY = ARTICLE.partition("\n\n")
WAIT = 300.0


@dataclasses.dataclass
class Desk:
    base: str
    db: str
    app: object
    checker: DeskChecker


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, repo_settings, prefect_harness) -> Iterator[Desk]:
    """The demo sources indexed into a fresh database, accounts, a warm checker, the desk on a free port."""
    tmp = tmp_path_factory.mktemp("desk")
    settings = dataclasses.replace(repo_settings, database=str(tmp / "desk.duckdb"))
    summary = service.index_sources([str(DEMO / "sources")], settings)
    assert summary.processed and not summary.errors
    add_accounts(settings.database, {"Ed Itor": "editor", "Vi Ewer": "viewer"})
    checker = DeskChecker(settings, warm=True).start()
    app = create_app(settings.database, checker=checker)
    try:
        with served(app) as base:
            yield Desk(base, settings.database, app, checker)
    finally:
        checker.stop()


def _client(desk: Desk, name: str) -> TestClient:
    client = TestClient(desk.app)
    assert http_sign_in(client, name).status_code == 303
    return client


def _token(client: TestClient) -> str:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/check").text, "html.parser")
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _wait(client: TestClient, location: str) -> dict:
    deadline = time.monotonic() + WAIT
    while True:
        job = client.get(location + ".json").json()
        if job["finished"]:
            return job
        assert time.monotonic() < deadline, f"the check did not finish: {job}"
        time.sleep(0.2)


def _articles(db: str) -> list[tuple[str, str, int]]:
    with session(db) as con:
        return con.execute("SELECT a.article_id, a.path, count(c.claim_id) FROM articles a "
                           "LEFT JOIN claims c USING (article_id) GROUP BY ALL ORDER BY a.path").fetchall()


# --- rules -------------------------------------------------------------------------------

def test_submission_rules_name_the_problem():
    assert submission_problem("", "  ", "") == "give the article's URL or paste its text"
    assert "not both" in submission_problem("http://x.org/a", "text", "")
    assert "http://" in submission_problem("ftp://x.org/a", "", "")
    assert "binary" in submission_problem("", "abc\x00def", "")
    assert submission_problem("", "x" * (10 * 1024 * 1024 + 1), "") is not None
    assert submission_problem("https://example.org/a", "", "A title") is None


def test_same_text_same_file(tmp_path: Path):
    a, body = text_file(tmp_path, "Baby Botox!", "Some text.")
    b, _ = text_file(tmp_path, " Baby   Botox! ", "Some text.\n")
    assert a == b and a.name.startswith("baby-botox-") and body.startswith("Baby Botox!\n\nSome text.")
    assert text_file(tmp_path, "Baby Botox!", "Other text.")[0] != a


# --- over HTTP ---------------------------------------------------------------------------

def test_a_viewer_cannot_submit(desk: Desk):
    client = _client(desk, "Vi Ewer")
    assert "Only editors" in client.get("/check").text
    token = _token_from_queue(client)
    r = client.post("/check", data={"text": BODY, "title": "viewer try", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    assert not any("viewer-try" in p for _, p, _ in _articles(desk.db))
    assert not list((Path(desk.db).parent / DESK_FOLDER).glob("viewer-try-*"))


def _token_from_queue(client: TestClient) -> str:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/").text, "html.parser")
    return str(page.select_one("input[name=csrf_token]")["value"])


def test_empty_text_and_missing_token_are_refused(desk: Desk):
    client = _client(desk, "Ed Itor")
    before = _articles(desk.db)
    r = client.post("/check", data={"text": "   ", "csrf_token": _token(client)})
    assert r.status_code == 400 and "paste its text" in r.text
    r = client.post("/check", data={"text": BODY}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/check", data={"text": BODY, "csrf_token": _token(client)}, headers={"Origin": "http://evil.example"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert _articles(desk.db) == before


class _Pages(http.server.BaseHTTPRequestHandler):
    """An empty page, a binary one and a page over the 10 MB limit for HTML."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = {"/empty": b"", "/binary": bytes(range(256)) * 64, "/huge": b"<p>" + b"x" * (11 * 1024 * 1024)}[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream" if self.path == "/binary" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_bad_pages_get_one_message_and_write_nothing(desk: Desk):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = _client(desk, "Ed Itor")
    before = _articles(desk.db)
    try:
        for page, says in (("empty", "empty"), ("binary", "binary"), ("huge", "limit")):
            url = f"http://127.0.0.1:{server.server_address[1]}/{page}"
            r = client.post("/check", data={"url": url, "csrf_token": _token(client)}, follow_redirects=False)
            assert r.status_code == 303
            job = _wait(client, r.headers["location"])
            assert job["state"] == "failed", job
            assert says in job["message"] and "\n" not in job["message"], job
    finally:
        server.shutdown()
    assert _articles(desk.db) == before


def test_pasted_text_is_checked_in_a_recorded_flow_run(desk: Desk):
    client = _client(desk, "Ed Itor")
    r = client.post("/check", data={"title": "HTTP " + TITLE, "text": BODY, "csrf_token": _token(client)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/check/")
    job = _wait(client, r.headers["location"])
    assert job["state"] == "done", job
    assert job["claims"] > 0
    rows = [a for a in _articles(desk.db) if a[0] == job["article_id"]]
    assert len(rows) == 1 and rows[0][2] == job["claims"]
    assert Path(rows[0][1]).parent.name == DESK_FOLDER and Path(rows[0][1]).is_file()
    article = client.get(job["article_url"] + ".json").json()
    assert article["article"]["title"] == "HTTP " + TITLE
    assert all(c["verdict"] for c in article["claims"])
    with session(desk.db) as con:
        run = con.execute("SELECT status, n_claims, details FROM runs WHERE kind = 'check' ORDER BY started_at DESC LIMIT 1").fetchone()
    details = json.loads(run[2])
    assert run[0] == "completed" and run[1] == job["claims"]
    assert details["prefect_flow_run_id"] and details["runner"] == "local"


# --- in the browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    with watched_page(browser) as p:
        yield p


def _browser_sign_in(page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=name]", "Ed Itor")
    page.fill("input[name=password]", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(base + "/")


@pytest.mark.browser
def test_editor_checks_pasted_text_and_sees_its_verdicts(desk: Desk, page):
    _browser_sign_in(page, desk.base)
    page.click("#check-link")
    page.wait_for_url("**/check")
    page.fill("#check-title", "Browser " + TITLE)
    page.fill("#check-text", BODY)
    page.click("#check-submit")
    page.wait_for_url("**/articles/*", timeout=WAIT * 1000)
    assert page.locator("h1").inner_text() == "Browser " + TITLE
    badges = page.locator(".claim-list .badge")
    assert badges.count() > 0
    shown = {b.inner_text() for b in badges.all()}
    assert "pending" not in shown and shown <= {"supported", "contradicted", "misrepresented", "unverifiable",
                                                "not checkable"}, shown
    assert page.locator("article.article-text a.hl").count() == badges.count()


@pytest.mark.browser
def test_editor_submits_an_unreachable_url_and_sees_why(desk: Desk, page):
    before = _articles(desk.db)
    closed = free_port()
    _browser_sign_in(page, desk.base)
    page.goto(desk.base + "/check")
    page.fill("#check-url", f"http://127.0.0.1:{closed}/x")
    page.click("#check-submit")
    page.wait_for_url("**/check/*")
    message = page.locator("#check-message.error")
    message.wait_for(timeout=WAIT * 1000)
    assert "cannot fetch URL" in message.inner_text()
    assert page.locator("#check-state").inner_text() == "Could not check this article."
    assert _articles(desk.db) == before
