"""The review desk through its test client, on a real DuckDB file built by SQL inserts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from review import compare, text
from review.app import create_app
from review.csrf import Csrf, origin_problem
from store import review_queries as q
from store.db import session, transaction
from tests.review_fixtures import add_accounts, add_article, add_claim, add_verdict, build_db, sign_in

URGENCY_ORDER = [
    "teen-addicted",
    "cos-social",
    "cos-bookings",  # problem verdicts, least confident first
    "teen-phone",
    "teen-views",
    "cos-under30",
    "cos-quote",  # the rest, least confident first
    "teen-hours",  # reviewed last
]


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_db(tmp_path_factory.mktemp("review") / "fixture.duckdb")
    add_accounts(path)
    return path


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the fixture database for each test (building it takes longer than copying)."""
    return Path(shutil.copy(fixture_db, tmp_path / "review.duckdb"))


@pytest.fixture
def client(db: Path) -> TestClient:
    """Signed in as the editor Ann Editor."""
    c = TestClient(create_app(str(db), csrf_secret="test-secret"))
    assert sign_in(c).status_code == 303
    return c


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def form_token(client: TestClient, claim_id: str) -> str:
    page = soup(client.get(f"/claims/{claim_id}"))
    return page.select_one("input[name=csrf_token]")["value"]


def post_review(client: TestClient, claim_id: str, **fields: str):
    data = {
        "verdict": "supported",
        "note": "",
        "then": "stay",
        "csrf_token": form_token(client, claim_id),
        **fields,
    }
    return client.post(f"/claims/{claim_id}/review", data=data, follow_redirects=False)


def queue_ids(response) -> list[str]:
    return [tr["data-claim"] for tr in soup(response).select("table#queue tbody tr")]


# --- queue -------------------------------------------------------------------------------


def test_queue_lists_problem_verdicts_first_then_lowest_confidence(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert queue_ids(r) == URGENCY_ORDER
    page = soup(r)
    tabs = {a.get_text(" ", strip=True) for a in page.select("nav.tabs a")}
    assert {"All 8", "To review 4", "Reviewed 1", "Disagreements 1"} <= tabs
    assert page.select_one("svg.chart") is not None
    assert len(page.select("svg.chart rect.bar")) == 7  # one bar segment per article and verdict


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verdict=supported", ["teen-phone", "cos-under30", "teen-hours"]),
        ("article=art-teens", ["teen-addicted", "teen-phone", "teen-views", "teen-hours"]),
        ("source=src-pew", ["teen-addicted", "teen-phone"]),
        ("status=reviewed", ["teen-hours"]),
        ("status=flagged", ["teen-addicted", "cos-social", "cos-bookings", "teen-phone"]),
        ("status=disagreement", ["teen-hours"]),
        ("status=unreviewed&verdict=not_checkable", ["teen-views", "cos-quote"]),
    ],
)
def test_queue_filters(client: TestClient, query: str, expected: list[str]) -> None:
    assert queue_ids(client.get(f"/?{query}")) == expected
    assert [i["claim_id"] for i in client.get(f"/queue.json?{query}").json()["items"]] == expected


def test_queue_counts_and_paging(client: TestClient) -> None:
    data = client.get("/queue.json?per_page=3&page=3").json()
    assert (data["total"], data["pages"], data["page"]) == (8, 3, 3)
    assert [i["claim_id"] for i in data["items"]] == URGENCY_ORDER[6:]
    assert data["counts"]["verdict"] == {
        "supported": 3,
        "contradicted": 1,
        "misrepresented": 1,
        "unverifiable": 1,
        "not_checkable": 2,
    }
    assert data["counts"]["status"] == {
        "all": 8,
        "flagged": 4,
        "unreviewed": 7,
        "reviewed": 1,
        "disagreement": 1,
    }
    # The verdict counts ignore the verdict filter itself, so the menu still shows the others.
    assert client.get("/queue.json?verdict=supported").json()["counts"]["verdict"]["contradicted"] == 1
    page = soup(client.get("/?per_page=3&page=2"))
    assert page.select_one("a[rel=prev]")["href"] == "?per_page=3&page=1"
    assert page.select_one("a[rel=next]")["href"] == "?per_page=3&page=3"


@pytest.mark.parametrize("query", ["verdict=wrong", "status=done", "page=0", "page=two", "per_page=100000"])
def test_bad_queue_filters_are_a_400_page(client: TestClient, query: str) -> None:
    r = client.get(f"/?{query}")
    assert r.status_code == 400
    assert "Bad request" in r.text and "Traceback" not in r.text


# --- claim page --------------------------------------------------------------------------


def test_claim_page_highlights_the_claim_in_its_paragraph(client: TestClient) -> None:
    page = soup(client.get("/claims/cos-bookings"))
    mark = page.select_one("mark#claim-mark")
    assert mark.get_text() == "a 58% increase in bookings for cosmetic treatments in 2022"
    assert "v-misrepresented" in mark["class"]
    para = page.select_one("p.article-para").get_text()
    assert para.startswith("Facial plastic surgeons are busier than ever.")
    assert "Three-quarters" not in para  # only the claim's paragraph


def test_claim_page_shows_evidence_and_field_comparison(client: TestClient) -> None:
    page = soup(client.get("/claims/cos-bookings"))
    evidence = page.select("article.evidence")
    assert [e.select_one("blockquote").get_text() for e in evidence] == [
        "58% of surgeons reported an increase in bookings and treatments in 2022.",
        "75% of surgeons surveyed saw patients under 30 requesting injectables.",
    ]
    assert "AAFPRS 2022 Annual Survey" in evidence[0].get_text()
    assert "similarity 0.86" in evidence[0].get_text()
    assert "used for the verdict" in evidence[0].get_text()
    rows = {tr.select_one("th").get_text(): tr for tr in page.select("table.compare tbody tr")}
    assert set(rows) == {"Value", "Measure", "Population", "Period", "Attribution"}
    assert "what kind of number" in rows["Measure"].select_one("th")["title"]  # the judge's field description
    assert "st-disagree" in rows["Measure"]["class"]
    assert [td.get_text() for td in rows["Measure"].select("td")][:2] == ["change", "share"]
    assert "st-agree" in rows["Value"]["class"]
    machine = page.select_one("section.machine").get_text(" ", strip=True)
    assert "misrepresented" in machine and "82%" in machine and "not the size of the increase" in machine
    history = page.select("ol.log")[-1].select("li")
    assert len(history) == 2  # supported, then misrepresented after the judge looked closer


def test_claim_page_shows_a_disagreement_with_the_editor(client: TestClient) -> None:
    page = soup(client.get("/claims/teen-hours"))
    alert = page.select_one("p.alert").get_text(" ", strip=True)
    assert "misrepresented" in alert and "Dana Whitfield" in alert
    assert page.select_one(".badge.big").get_text() == "supported"  # the editor's verdict stands
    assert "Gallup table 2" in page.select_one("#review-log").get_text()


def test_claim_without_evidence(client: TestClient) -> None:
    data = client.get("/claims/teen-addicted.json").json()
    assert data["comparison"]["judged"] is False
    assert data["comparison"]["statement_id"] == "st-online"  # best candidate, not the judge's
    assert client.get("/claims/cos-quote").status_code == 200


# --- JSON twins --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/claims/cos-bookings", "/articles/art-teens"])
def test_json_twins_agree(client: TestClient, path: str) -> None:
    suffix = "/queue.json" if path == "/" else f"{path}.json"
    assert client.get(suffix).json() == client.get(f"{path}?format=json").json()


def test_json_twins_hold_what_the_pages_show(client: TestClient) -> None:
    assert queue_ids(client.get("/")) == [i["claim_id"] for i in client.get("/queue.json").json()["items"]]

    claim = client.get("/claims/cos-bookings.json").json()
    page = soup(client.get("/claims/cos-bookings"))
    assert page.select_one("mark#claim-mark").get_text() == claim["paragraph"]["claim"]
    assert [b.get_text() for b in page.select("article.evidence blockquote")] == [
        e["text"] for e in claim["evidence"]
    ]
    shown = [tr["class"][0].removeprefix("st-") for tr in page.select("table.compare tbody tr")]
    assert shown == [r["status"].replace("/", "") for r in claim["comparison"]["rows"]]
    assert claim["claim"]["verdict"] == "misrepresented" and claim["claim"]["confidence"] == 0.82

    article = client.get("/articles/art-cosmetic.json").json()
    page = soup(client.get("/articles/art-cosmetic"))
    marked = [a["href"].removeprefix("/claims/") for a in page.select("article.article-text a.hl")]
    assert marked == [s["claim_id"] for s in article["segments"] if s["claim_id"]]
    assert page.select_one("article.article-text").get_text() == article["article"]["text"]


def test_claim_page_without_a_stored_rule_shows_none(client: TestClient) -> None:
    """Rows judged before rules were recorded (and databases without the column) still show."""
    assert client.get("/claims/cos-bookings.json").json()["rule"] is None
    assert soup(client.get("/claims/cos-bookings")).select_one("#verdict-rule") is None


def test_claim_page_and_its_json_show_the_deciding_rule(client: TestClient, db: Path) -> None:
    with session(db) as con:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'claim_verdicts'").fetchall()}
        if "rule" not in columns:
            pytest.skip("claim_verdicts.rule is added by the store migration of issue #13 (another branch); "
                        "this test runs once that migration is merged")
        with transaction(con):
            con.execute("UPDATE verdicts SET rule = 'same_figure_other_measure' WHERE verdict_id ="
                        " (SELECT max(verdict_id) FROM verdicts WHERE claim_id = 'cos-bookings')")
    data = client.get("/claims/cos-bookings.json").json()
    assert data["claim"]["rule"] == "same_figure_other_measure"
    assert data["rule"]["name"] == "same_figure_other_measure" and data["rule"]["verdict"] == "misrepresented"
    shown = soup(client.get("/claims/cos-bookings")).select_one("section.machine #verdict-rule").get_text(" ", strip=True)
    assert "same_figure_other_measure" in shown and data["rule"]["summary"] in shown


def test_article_page_marks_every_claim_in_its_verdict_colour(client: TestClient) -> None:
    page = soup(client.get("/articles/art-cosmetic"))
    marks = {a.get_text(): a["class"] for a in page.select("article.article-text a.hl")}
    assert len(marks) == 4
    assert "v-contradicted" in marks["nearly 80% of patients now cite social media"]
    assert (
        "v-supported"
        in marks["Three-quarters of surgeons surveyed said patients under 30 were asking for injectables"]
    )


# --- decisions ---------------------------------------------------------------------------


def test_review_is_appended_to_the_audit_log_and_shown_in_the_queue(client: TestClient, db: Path) -> None:
    r = post_review(client, "cos-social", verdict="contradicted", note="Survey table 4: 64%.")
    assert r.status_code == 303
    assert r.headers["location"] == "/claims/cos-social?saved=cos-social"
    page = soup(client.get(r.headers["location"]))
    assert "Decision saved" in page.select_one("p.notice").get_text()
    log = page.select_one("#review-log").get_text(" ", strip=True)
    assert "Ann Editor" in log and "Survey table 4: 64%." in log
    assert page.select_one("input[name=reviewer]") is None  # the signed-in account is the reviewer
    assert "Ann Editor" in page.select_one("#reviewing-as").get_text()

    item = next(i for i in client.get("/queue.json").json()["items"] if i["claim_id"] == "cos-social")
    assert item["reviewed"] is True and item["reviewer"] == "Ann Editor"
    assert "cos-social" in queue_ids(client.get("/?status=reviewed"))
    assert "cos-social" not in queue_ids(client.get("/?status=flagged"))

    # Changing one's mind appends; nothing is overwritten.
    sign_in(client, "Bo Chief")
    post_review(client, "cos-social", verdict="misrepresented", note="Different base.", reviewer="Typed Name")
    with session(db) as con:
        rows = con.execute(
            "SELECT verdict, reviewer, machine_verdict FROM reviews WHERE claim_id = 'cos-social' ORDER BY review_id"
        ).fetchall()
        final = con.execute("SELECT verdict FROM claim_verdicts WHERE claim_id = 'cos-social'").fetchone()
    assert rows == [
        ("contradicted", "Ann Editor", "contradicted"),
        ("misrepresented", "Bo Chief", "contradicted"),
    ]
    assert final == ("misrepresented",)


def test_save_and_next_goes_to_the_next_claim_in_the_filtered_queue(client: TestClient) -> None:
    r = post_review(client, "cos-social", verdict="contradicted", then="next")
    assert r.headers["location"] == "/claims/cos-bookings?saved=cos-social"
    token = form_token(client, "teen-addicted")
    data = {
        "verdict": "unverifiable",
        "then": "next",
        "csrf_token": token,
        "queue": "status=flagged&article=art-teens",
    }
    r = client.post("/claims/teen-addicted/review", follow_redirects=False, data=data)
    assert r.headers["location"] == "/claims/teen-phone?article=art-teens&status=flagged&saved=teen-addicted"
    r = client.post("/claims/teen-phone/review", follow_redirects=False, data=data)
    assert r.headers["location"] == "/?article=art-teens&status=flagged&saved=teen-phone"  # queue done


def test_a_later_machine_verdict_does_not_override_the_editor(client: TestClient, db: Path) -> None:
    post_review(client, "cos-social", verdict="supported")
    with session(db) as con, transaction(con):
        add_verdict(
            con,
            "cos-social",
            "contradicted",
            0.9,
            True,
            "re-run",
            "st-social",
            0.88,
            judged_at="2999-01-01 00:00:00",
        )
    data = client.get("/claims/cos-social.json").json()
    assert data["claim"]["verdict"] == "supported" and data["disagreement"] is True
    assert "cos-social" in queue_ids(client.get("/?status=disagreement"))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"verdict": "true"}, "verdict must be one of"),
        ({"verdict": ""}, "verdict must be one of"),
        ({"note": "x" * 5000}, "note is longer"),
    ],
)
def test_bad_decisions_are_a_400_with_the_reason(client: TestClient, db: Path, fields, reason: str) -> None:
    r = post_review(client, "cos-social", **fields)
    assert r.status_code == 400
    assert reason in soup(r).select_one("p.reason").get_text()
    with session(db) as con:
        assert con.execute("SELECT count(*) FROM reviews WHERE claim_id = 'cos-social'").fetchone() == (0,)


def test_unknown_ids_are_404_pages(client: TestClient) -> None:
    for path in ["/claims/no-such-claim", "/articles/no-such-article", "/nowhere"]:
        r = client.get(path)
        assert r.status_code == 404 and "Not found" in r.text and "<h1>" in r.text
    assert client.get("/claims/no-such-claim.json").json()["status"] == 404
    r = post_review(client, "cos-social")  # a valid token, for another claim
    token = soup(client.get("/claims/cos-social")).select_one("input[name=csrf_token]")["value"]
    r = client.post(
        "/claims/no-such-claim/review",
        follow_redirects=False,
        data={"verdict": "supported", "csrf_token": token},
    )
    assert r.status_code == 404


# --- safety ------------------------------------------------------------------------------

HOSTILE = (
    'Breaking: <script>alert(1)</script> officials say 40% of "<img src=x onerror=alert(2)>" voters agree.\n'
)


@pytest.fixture
def hostile(db: Path) -> str:
    with session(db) as con, transaction(con):
        add_article(con, "art-hostile", "<b>Hostile</b> headline", HOSTILE)
        add_claim(
            con,
            "hostile-1",
            "art-hostile",
            HOSTILE,
            '40% of "<img src=x onerror=alert(2)>" voters',
            {"measure": "share", "value": 40.0, "unit": "percent", "population": "<script>p</script>"},
        )
        add_verdict(con, "hostile-1", "unverifiable", 0.3, True, "<script>alert(3)</script>")
    return "hostile-1"


def test_untrusted_text_is_escaped_everywhere(client: TestClient, hostile: str) -> None:
    sign_in(client, "<script>alert(4)</script>")  # an account name is untrusted text too
    post_review(client, hostile, verdict="unverifiable", note="<i>x</i>")
    for path in [f"/claims/{hostile}", "/articles/art-hostile", "/", "/?status=reviewed"]:
        body = client.get(path).text
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>Hostile" not in body, path
        assert "<script>" not in body.replace('<script src="/static/app.js" defer></script>', ""), path
    claim_page = client.get(f"/claims/{hostile}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim_page  # shown as text, in its paragraph
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in claim_page  # the reviewer name in the log
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/articles/art-hostile").text
    page = soup(client.get(f"/claims/{hostile}"))
    assert page.select_one("mark#claim-mark").get_text() == '40% of "<img src=x onerror=alert(2)>" voters'


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert client.get("/claims/cos-social").headers["x-frame-options"] == "DENY"


def test_post_without_csrf_token_is_refused(client: TestClient, db: Path) -> None:
    client.get("/claims/cos-social")  # has the cookie, but sends no token
    r = client.post(
        "/claims/cos-social/review", data={"verdict": "supported"}, follow_redirects=False
    )
    assert r.status_code == 403 and "CSRF" in r.text
    r = post_review(client, "cos-social", csrf_token="1700000000.deadbeef")
    assert r.status_code == 403
    with session(db) as con:
        assert con.execute("SELECT count(*) FROM reviews WHERE claim_id = 'cos-social'").fetchone() == (0,)


def test_token_from_another_browser_is_refused(db: Path) -> None:
    app = create_app(str(db), csrf_secret="s")
    alice, mallory = TestClient(app), TestClient(app)
    sign_in(alice, "Ann Editor")
    sign_in(mallory, "Bo Chief")
    token = form_token(alice, "cos-social")
    mallory.get("/")  # mallory has her own cookie
    r = mallory.post(
        "/claims/cos-social/review",
        follow_redirects=False,
        data={"verdict": "supported", "csrf_token": token},
    )
    assert r.status_code == 403


def test_post_from_a_foreign_origin_is_refused(client: TestClient) -> None:
    token = form_token(client, "cos-social")
    data = {"verdict": "supported", "csrf_token": token}
    for headers in [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
        {"Origin": "http://testserver:8080"},
    ]:
        r = client.post("/claims/cos-social/review", data=data, headers=headers, follow_redirects=False)
        assert r.status_code == 403, headers
    r = client.post(
        "/claims/cos-social/review",
        data=data,
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_unknown_host_is_refused(client: TestClient) -> None:
    r = client.get("/", headers={"Host": "rebind.evil.example"})
    assert r.status_code == 400 and "Unknown host" in r.text
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_server_errors_show_no_traceback(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(con, claim_id):
        raise RuntimeError("internal detail nobody should see")

    monkeypatch.setattr(q, "claim_detail", broken)
    client = TestClient(create_app(str(db)), raise_server_exceptions=False)
    sign_in(client)
    r = client.get("/claims/cos-social")
    assert r.status_code == 500
    assert "Something went wrong" in r.text
    assert "internal detail" not in r.text and "Traceback" not in r.text


# --- the pure helpers ----------------------------------------------------------------------


def test_paragraph_around_falls_back_when_offsets_do_not_fit() -> None:
    claim = {"start_char": 500, "end_char": 510, "claim_text": "42%", "sentence": "It rose 42%."}
    assert text.paragraph_around("One.\n\nIt rose 42%.\n\nTwo.", claim)["claim"] == "42%"
    missing = text.paragraph_around("Nothing here.", claim)
    assert missing["located"] is False and missing["before"] == "It rose 42%."


def test_segments_skip_overlapping_claims() -> None:
    claims = [
        {"claim_id": "a", "start_char": 0, "end_char": 5},
        {"claim_id": "b", "start_char": 3, "end_char": 8},
    ]
    assert [s["claim_id"] for s in text.segments("abcdefghij", claims)] == ["a", None]


def test_compare_without_judge_uses_intervals_and_words() -> None:
    claim = {
        "value": 80.0,
        "low": 75.0,
        "high": 80.0,
        "unit": "percent",
        "measure": "share",
        "period": "2022",
    }
    statement = {"value": 64.0, "low": 63.5, "high": 64.5, "unit": "percent", "measure": "share"}
    rows = {r["field"]: r["status"] for r in compare.compare(claim, statement)}
    assert rows == {
        "value": "disagree",
        "measure": "agree",
        "population": "n/a",
        "period": "missing",
        "attribution": "n/a",
    }


def test_csrf_tokens_expire_and_origins_compare_host_and_port() -> None:
    csrf = Csrf("k", max_age=60)
    token = csrf.token("cookie", now=1000)
    assert csrf.problem("cookie", token, now=1030) is None
    assert "expired" in (csrf.problem("cookie", token, now=2000) or "")
    assert csrf.problem("other", token, now=1030) is not None
    assert origin_problem("http://127.0.0.1:8765", None, "127.0.0.1:8765") is None
    assert origin_problem("http://127.0.0.1:9999", None, "127.0.0.1:8765") is not None
    assert origin_problem(None, None, "127.0.0.1:8765") is None
