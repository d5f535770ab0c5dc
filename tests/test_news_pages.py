"""News pages as newsrooms save them: main text without boilerplate, and the page's metadata.

The pages in tests/fixtures/news_pages are built in the shape of real sites (a WordPress
blog, a big news site with cookie banner, related links and newsletter box, an AMP page,
a page whose metadata is JSON-LD and Open Graph only, a boilerplate-heavy local site, and a
page that is all navigation). Body paragraphs carry `data-gold` (benchmarks/boilerplate.py).
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup

from benchmarks.boilerplate import count, gold_text, sentences
from claimdesk.errors import InputError
from sources.html_page import read_page, soup_text
from sources.readers import read_document

from .conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "news_pages"
ARTICLE_PAGES = sorted(p for p in PAGES.glob("*.html") if p.name != "all-navigation.html")

# page -> (title, author, site, published)
METADATA = {
    "wordpress-blog.html": ("Rent in the city rose 9% last year", "Maria Okafor", "The Housing Desk", "2024-02-12"),
    "big-news-site.html": ("Energy bills: households paid 54% more last year, regulator says", "Tom Fairley",
                           "The Morning Ledger", "2023-04-18"),
    "amp-page.html": ("Cycling to work doubled in a decade", "Priya Natarajan", "City News Online", "2022-09-05"),
    "jsonld-og.html": ("Nearly half of teens are online almost constantly, survey finds", "Jonas Berg",
                       "Northern Courier", "2023-12-11"),
    "boilerplate-heavy.html": ("Food bank use up 37% in a year", "Sam Whitlock", "Valley Echo", "2023-11-02"),
}
# Boilerplate each page holds, none of which may reach the article text.
JUNK = {
    "wordpress-blog.html": ["Proudly powered", "Share on Facebook", "Recent Posts", "Rents fell 3%", "My rent went up 20%",
                            "Leave a Reply", "1,200 neighbourhoods"],
    "big-news-site.html": ["842 partners", "Subscribe for", "FTSE 100", "Photograph", "Read more", "Sign up",
                           "250,000 readers", "Most viewed", "House prices fall", "Price cap to fall", "All rights reserved"],
    "amp-page.html": ["18 degrees", "Image: City News", "Read next", "Bus fares frozen", "View the full site"],
    "jsonld-og.html": ["Puzzles", "Read more", "15% better grades", "You may also like", "7 hours a day",
                       "80,000 subscribers", "Storm warnings", "Modern slavery"],
    "boilerplate-heavy.html": ["1,023 vendors", "Save 40%", "A470", "broadband", "Council tax to rise", "Bus route axed",
                               "Comments (57)", "This is a disgrace", "Canada Square"],
}


def _gold_paragraphs(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [" ".join(el.get_text(" ", strip=True).split()) for el in soup.find_all(attrs={"data-gold": True})]


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: p.name)
def test_a_news_page_reads_as_its_article_and_metadata(page):
    doc = read_document(str(page))
    title, author, site, published = METADATA[page.name]
    assert doc.format == "html"
    assert doc.title == title
    assert author in (doc.author or "")
    assert doc.site == site
    assert doc.published is not None and doc.published.isoformat() == published
    for junk in JUNK[page.name]:
        assert junk not in doc.text, junk
    kept = [p for p in _gold_paragraphs(page) if p in " ".join(doc.text.split())]
    # trafilatura drops the odd standfirst; the body is otherwise whole.
    assert len(kept) >= len(_gold_paragraphs(page)) - 1, (page.name, doc.text)


def test_several_authors_are_all_kept():
    assert read_page((PAGES / "jsonld-og.html").read_text()).author == "Jonas Berg; Aisha Rahman"


def test_metadata_from_json_ld_when_trafilatura_misses_it():
    html = """<html><head><title>Short</title><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Prices rose", "author": {"@type": "Person", "name": "Jane Roe"},
     "datePublished": "2021-03-04", "publisher": {"@type": "Organization", "name": "Daily Planet"}}</script></head>
    <body><p>Prices rose 4% last year, the statistics office said on Monday in its report.</p></body></html>"""
    page = read_page(html)
    assert (page.author, page.site, page.published) == ("Jane Roe", "Daily Planet", "2021-03-04")
    assert "Prices rose 4% last year" in page.text


def test_a_tiny_page_falls_back_to_the_tag_reading():
    html = "<html><body><p>58% of surgeons reported an increase.</p></body></html>"
    page = read_page(html)
    assert page.text == "58% of surgeons reported an increase."
    assert page.extractor in ("trafilatura", "beautifulsoup")


def test_a_page_of_navigation_is_a_one_line_error():
    path = PAGES / "all-navigation.html"
    with pytest.raises(InputError) as info:
        read_document(str(path))
    msg = str(info.value)
    assert "no article text found" in msg and str(path) in msg and "\n" not in msg


def test_a_source_page_keeps_every_line():
    """Source documents are read by tag name: their header lines and tables are the point."""
    path = REPO / "data" / "devset" / "sources" / "pew-us-adults-social-media-2024.html"
    as_source = read_document(str(path), article=False)
    assert as_source.meta["publisher"] == "Pew Research Center"
    assert "Population: U.S. adults ages 18 and older" in as_source.text


@pytest.mark.parametrize("page", sorted(REPO.glob("data/devset*/sources/*.html")), ids=lambda p: p.name)
def test_the_existing_html_pages_read_as_articles(page):
    """The repo's saved HTML pages, read as articles: prose kept, a publication date found.
    ("Population: …" header lines are metadata to trafilatura, and not counted as prose.)"""
    doc = read_document(str(page))
    assert doc.published is not None
    prose = [p for p in soup_text(page.read_text(), drop_menus=False).split("\n\n")
             if len(p.split()) > 12 and not re.match(r"^\w+:", p)]
    kept = [p for p in prose if p in " ".join(doc.text.split())]
    assert len(kept) >= 0.8 * len(prose), (page.name, doc.text)


def test_boilerplate_reaching_extraction_falls():
    """The benchmark's figures on the fixture pages: trafilatura lets far less boilerplate through."""
    before_share, after_share = [], []
    for page in ARTICLE_PAGES:
        html = page.read_text(encoding="utf-8")
        gold = gold_text(html)
        gold_sents = [s for p in _gold_paragraphs(page) for s in sentences(p)]
        before = count(soup_text(html, drop_menus=False), gold, gold_sents)
        after = count(read_page(html).text, gold, gold_sents)
        before_share.append(before.boilerplate / before.sentences)
        after_share.append(after.boilerplate / after.sentences)
        assert after.boilerplate_figures <= before.boilerplate_figures
        assert after.body_kept >= 0.75 * after.body_total
    assert sum(after_share) / len(after_share) <= 0.1 < 0.5 <= sum(before_share) / len(before_share)


@pytest.fixture
def page_server():
    """The fixture pages over HTTP on 127.0.0.1 (no outside network)."""
    handler = functools.partial(_QuietHandler, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list[str] = []  # every path requested, so a test can tell nothing was fetched

    def do_GET(self) -> None:
        _QuietHandler.served.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def test_a_page_that_is_only_a_url_is_never_fetched(page_server, tmp_path):
    """htmldate downloads a string that looks like a URL; the reader must not let it."""
    path = tmp_path / "link.html"
    path.write_text(f"{page_server}/amp-page.html")
    _QuietHandler.served.clear()
    with pytest.raises(InputError, match="no article text found"):
        read_document(str(path))
    assert _QuietHandler.served == []


@pytest.mark.slow
def test_check_lands_a_news_page_with_its_metadata(settings, prefect_harness, page_server, tmp_path, capsys):
    """The real pipeline: a saved page and a URL checked; author, site and date in DuckDB, a
    relative time resolved from the page's date, all shown on the desk and in its JSON twin."""
    from fastapi.testclient import TestClient

    from flows.cli import main
    from review.app import create_app
    from tests.review_fixtures import add_accounts, sign_in

    db = str(settings.resolve(settings.database))
    saved = str(PAGES / "wordpress-blog.html")
    url = f"{page_server}/amp-page.html"
    code = main(["--db", db, "check", saved, url, str(PAGES / "all-navigation.html"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)  # the all-navigation page is reported and skipped
    assert "no article text found" in err and "Traceback" not in err
    con = duckdb.connect(db, read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT path, author, site, published::VARCHAR, title FROM articles").fetchall()}
        assert rows[saved] == ("Maria Okafor", "The Housing Desk", "2024-02-12", "Rent in the city rose 9% last year")
        assert rows[url] == ("Priya Natarajan", "City News Online", "2022-09-05", "Cycling to work doubled in a decade")
        periods = con.execute(
            "SELECT c.claim_text, c.period_words, c.period_resolved, c.article_id FROM claims c JOIN articles a"
            " USING (article_id) WHERE a.path = ? ORDER BY c.start_char", [saved]).fetchall()
        article_id = periods[0][3]
    finally:
        con.close()
    by_words = {w: r for _, w, r, _ in periods if w}
    assert by_words.get("last year") == "2023", periods  # published 2024-02-12
    assert by_words.get("two years ago") == "2022", periods
    assert all("Proudly powered" not in t and "My rent went up" not in t for t, *_ in periods)

    add_accounts(db)
    client = TestClient(create_app(db, csrf_secret="test-secret"))
    assert sign_in(client).status_code == 303
    page = BeautifulSoup(client.get(f"/articles/{article_id}").text, "html.parser")
    byline = page.select_one(".byline").get_text(" ", strip=True)
    assert "Maria Okafor" in byline and "The Housing Desk" in byline and "2024-02-12" in byline
    twin = client.get(f"/articles/{article_id}.json").json()
    article = twin["article"] if "article" in twin else twin["data"]["article"]
    assert (article["author"], article["site"], str(article["published"])) == (
        "Maria Okafor", "The Housing Desk", "2024-02-12")
    claim_id = next(c["claim_id"] for c in (twin.get("claims") or twin["data"]["claims"]) if "9%" in c["claim_text"])
    claim_page = BeautifulSoup(client.get(f"/claims/{claim_id}").text, "html.parser")
    period_row = next(tr for tr in claim_page.select("table.compare tr") if tr.th and tr.th.get_text() == "Period")
    assert "2023 (last year)" in period_row.get_text(" ", strip=True)
