"""RSS/Atom feeds (issue #17): which items a run fetches (pure), and real `check_feeds`
runs (Prefect flow, DuckDB file, spaCy and the embedder) against a feed site served on
127.0.0.1: first run, an unchanged second run, a 404 that recovers, a broken feed, a
changed page."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimdesk.errors import ConfigError, InputError
from claimdesk.settings import Settings, load_settings
from flows.cli import main
from flows.feeds import check_feeds, page_outcomes, read_feeds
from flows.steps import RunSummary
from sources import feeds as feeds_module
from sources.feeds import MAX_ATTEMPTS_UNLISTED, FeedItem, ParsedFeed, StoredItem, pages, parse_feed, plan
from store.db import session

# --- pure: parsing and the plan ---------------------------------------------------------------

F1, F2 = "http://feeds.test/one.xml", "http://feeds.test/two.xml"


def _item(feed: str, guid: str, link: str | None = None) -> FeedItem:
    return FeedItem(feed, guid, link or f"http://feeds.test/{guid}.html", guid, None)


def _why(planned: list) -> dict[tuple[str, str], str]:
    return {(p.item.feed_url, p.item.guid): p.why for p in planned}


def test_plan_fetches_new_failed_and_listed_items_once_each():
    feeds = [ParsedFeed(F1, [_item(F1, "a"), _item(F1, "b"), _item(F1, "c"), _item(F1, "a")]),
             ParsedFeed(F2, [_item(F2, "x", "http://feeds.test/a.html")])]  # the same page in another feed
    stored = [StoredItem(F1, "b", "http://feeds.test/b.html", "ok", 3),
              StoredItem(F1, "c", "http://feeds.test/c.html", "failed", 1),
              StoredItem(F1, "gone-ok", "http://feeds.test/gone-ok.html", "ok", 1),
              StoredItem(F1, "gone-failed", "http://feeds.test/gone-failed.html", "failed", 2),
              StoredItem(F1, "gone-tired", "http://feeds.test/gone-tired.html", "failed", MAX_ATTEMPTS_UNLISTED),
              StoredItem("http://feeds.test/dropped.xml", "d", "http://feeds.test/d.html", "failed", 1)]
    planned = plan(feeds, stored, [F1, F2])
    assert _why(planned) == {(F1, "a"): "new", (F1, "b"): "listed", (F1, "c"): "retry", (F2, "x"): "new",
                             (F1, "gone-failed"): "retry"}
    # one fetch per page: "a" is listed twice in F1 and once in F2
    assert pages(planned) == ["http://feeds.test/a.html", "http://feeds.test/b.html", "http://feeds.test/c.html",
                              "http://feeds.test/gone-failed.html"]


def test_plan_of_nothing_new_and_nothing_listed_is_empty():
    stored = [StoredItem(F1, "a", "http://feeds.test/a.html", "ok", 1)]
    assert plan([ParsedFeed(F1, [])], stored, [F1]) == []
    assert plan([], [], [F1]) == []


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>http://feeds.test/</link>
<item><title>  With   guid </title><link>/news/a.html</link><guid isPermaLink="false">tag:a</guid>
<pubDate>Tue, 03 Mar 2026 09:30:00 +0100</pubDate></item>
<item><title>Link only</title><link>http://feeds.test/news/b.html</link></item>
<item><title>Permalink guid only</title><guid>http://feeds.test/news/c.html</guid></item>
<item><title>Nothing to fetch</title><description>no link</description></item>
</channel></rss>"""


def test_parse_feed_keys_items_by_guid_else_link():
    feed = parse_feed(F1, RSS.encode())
    assert [(i.guid, i.link) for i in feed.items] == [
        ("tag:a", "http://feeds.test/news/a.html"),  # relative link resolved against the feed
        ("http://feeds.test/news/b.html", "http://feeds.test/news/b.html"),
        ("http://feeds.test/news/c.html", "http://feeds.test/news/c.html")]
    assert feed.items[0].title == "With guid" and feed.items[0].published == dt.datetime(2026, 3, 3, 8, 30)
    assert feed.problem == f"{F1}: 1 items without a link or GUID URL skipped"


def test_parse_feed_broken_xml_keeps_what_it_read_and_refuses_what_is_no_feed():
    broken = parse_feed(F1, RSS.replace("Link only", "Link & only").encode())
    assert len(broken.items) == 3 and broken.problem is not None
    assert broken.problem.startswith(f"{F1}: broken feed XML (line ") and "\n" not in broken.problem
    with pytest.raises(InputError, match="not an RSS/Atom feed"):
        parse_feed(F1, b"<html><body><p>Hello</p></body></html>")
    with pytest.raises(InputError, match=r"one\.xml: not an RSS/Atom feed \(line \d+: "):
        parse_feed(F1, b"<rss><channel><item><title>x</ti")


def test_page_outcomes_name_the_longest_url_of_each_error_line():
    a, aq = "http://feeds.test/a", "http://feeds.test/a?page=2"
    checked = RunSummary("check", processed=[aq], errors=[f"{a}: cannot fetch URL: HTTP 404 Not Found"])
    out = page_outcomes([a, aq, "http://feeds.test/never"], checked)
    assert out == {aq: ("checked", None), a: ("failed", "cannot fetch URL: HTTP 404 Not Found"),
                   "http://feeds.test/never": ("failed", "not checked: the run ended before this page")}


def test_feed_urls_in_config_are_validated(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("schedules:\n  check_feeds:\n    feeds: http://one.test/rss\n")
    with pytest.raises(ConfigError, match="schedules.check_feeds.feeds' must be a list of strings"):
        load_settings(cfg)
    cfg.write_text("schedules:\n  check_feeds:\n    feeds: [feeds/rss.xml]\n")
    with pytest.raises(ConfigError, match="'feeds/rss.xml' is not an http"):
        load_settings(cfg)
    cfg.write_text("schedules:\n  check_feeds:\n    cron: '*/10 * * * *'\n    feeds: [http://one.test/rss]\n")
    assert load_settings(cfg).schedules.check_feeds.feeds == ("http://one.test/rss",)


# --- a feed site on 127.0.0.1 ------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>{body}</article><footer>Copyright Local Gazette</footer></body></html>"""

PAGES = {
    "/news/jobs.html": ("Jobless rate falls", [
        "The unemployment rate fell to 4.2% in March 2024, down from 4.6% a year earlier, according to the "
        "national statistics office.",
        "Employers added 212,000 jobs in the first quarter of 2024, the strongest start to a year since 2019."]),
    "/news/housing.html": ("Rents keep rising", [
        "Average rents in the city rose by 8.5% in 2023, faster than wages, which grew by 5.1%.",
        "About 38% of renters spent more than a third of their income on housing last year, a survey found."]),
    "/news/transport.html": ("Bus journeys recover", [
        "Bus journeys rose to 3.4 billion in 2023, still 12% below their 2019 level, the transport department said.",
        "Fares went up by an average of 6% in January 2024."]),
    "/news/late.html": ("Hospital waits", [
        "Some 7.6 million people were waiting for hospital treatment in England at the end of 2023.",
        "Nearly 40% of patients in A&E waited more than four hours in December 2023."]),
    "/news/schools.html": ("Class sizes", [
        "The average primary class had 26.6 pupils in 2023, up from 26.3 in 2022, official figures show."]),
}


def _page(path: str, extra: str = "") -> bytes:
    title, sentences = PAGES[path]
    return PAGE.format(title=title, body="".join(f"<p>{s}</p>" for s in sentences) + extra).encode()


def _rss(base: str) -> bytes:
    items = "".join(f"<item><title>{PAGES[p][0]}</title><link>{base}{p}</link><guid isPermaLink=\"false\">gazette-{i}"
                    f"</guid><pubDate>Mon, 0{i + 1} Apr 2024 08:00:00 GMT</pubDate></item>"
                    for i, p in enumerate(["/news/jobs.html", "/news/housing.html", "/news/late.html"]))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{items}</channel></rss>'.encode()


def _atom(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Transport desk</title><id>urn:transport</id>
<updated>2024-04-02T10:00:00Z</updated>
<entry><title>Bus journeys recover</title><id>urn:transport:1</id><link href="{base}/news/transport.html"/>
<updated>2024-04-02T10:00:00Z</updated></entry></feed>""".encode()


def _broken(base: str) -> bytes:  # an unescaped & in a title: not well-formed XML
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Schools & kids</title>
<item><title>Class sizes</title><link>{base}/news/schools.html</link></item></channel></rss>""".encode()


class Site:
    """Pages by path (status, content type, body), changeable while serving; every GET logged."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.requests.append(self.path)
                status, ctype, body = site.pages.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (200, ctype, body)


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    for path in ("/news/jobs.html", "/news/housing.html", "/news/transport.html", "/news/schools.html"):
        s.serve(path, _page(path))  # /news/late.html: 404 until a test serves it
    s.serve("/rss.xml", _rss(s.base), "application/rss+xml")
    s.serve("/atom.xml", _atom(s.base), "application/atom+xml")
    s.serve("/broken.xml", _broken(s.base), "application/rss+xml")
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def test_read_feeds_reports_each_bad_feed_in_one_line(site, monkeypatch):
    site.pages["/down.xml"] = (503, "text/plain", b"maintenance")
    site.serve("/page.xml", _page("/news/jobs.html"))
    urls = [f"{site.base}/{n}" for n in ("down.xml", "rss.xml", "page.xml", "broken.xml")]
    feeds, problems = read_feeds(urls)
    assert [f.url for f in feeds] == [urls[1], urls[3]] and [len(f.items) for f in feeds] == [3, 1]
    assert problems[0] == f"{urls[0]}: cannot fetch feed: HTTP 503 Service Unavailable"
    assert problems[1].startswith(f"{urls[2]}: not an RSS/Atom feed")
    assert problems[2].startswith(f"{urls[3]}: broken feed XML (line ")
    assert all("\n" not in p for p in problems)
    monkeypatch.setattr(feeds_module, "MAX_TEXT_BYTES", 200)  # the readers' size limit, made small
    assert "over the" in read_feeds([urls[1]])[1][0]


def test_a_failed_check_records_every_item_failed_and_the_run_failed(settings: Settings, site):
    def check(pages: list[str]) -> RunSummary:
        raise RuntimeError("database is locked")

    with pytest.raises(RuntimeError):
        check_feeds(settings, check, urls=[f"{site.base}/rss.xml"])
    items = _items(settings.database)
    assert len(items) == 3 and all(s == "failed" and "database is locked" in str(e) for s, e, _, _ in items.values())
    with session(settings.database, read_only=True) as con:
        assert con.execute("SELECT status FROM runs WHERE kind = 'feeds'").fetchall() == [("failed",)]


def _items(db: str) -> dict[str, tuple[str, str | None, int, str | None]]:
    """page path -> (status, error, attempts, content_hash)."""
    with session(db, read_only=True) as con:
        rows = con.execute("SELECT link, status, error, attempts, content_hash FROM feed_items").fetchall()
    return {link.split(":", 2)[2].split("/", 1)[1]: (status, err, n, h) for link, status, err, n, h in rows}


def _check_runs(db: str) -> list[tuple[int, int]]:
    """(processed, skipped) of each `check` run, oldest first."""
    with session(db, read_only=True) as con:
        return [(int(p), int(s)) for p, s in con.execute(
            "SELECT details->>'processed', details->>'skipped' FROM runs WHERE kind = 'check' ORDER BY started_at"
        ).fetchall()]


@pytest.mark.slow
def test_feed_runs_check_once_retry_failures_and_recheck_changes(settings: Settings, prefect_harness, site, tmp_path,
                                                                  capsys):
    from flows.prefect_flows import check_feeds_flow

    db = settings.database
    dead = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"database: {db}\nschedules:\n  check_feeds:\n    feeds:\n"
                   + "".join(f"      - {u}\n" for u in (f"{site.base}/rss.xml", f"{site.base}/broken.xml", dead,
                                                          f"{site.base}/atom.xml")))

    # 1. By hand, from the config: every readable item checked; the 404 failed; the broken feed
    # and the dead one are one line each, and the other feeds are processed.
    assert main(["--config", str(cfg), "feeds", "check"]) == 1
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1].startswith("feeds: 3 read, 2 with problems; items: 4 new, 0 changed, "
                                                   "0 unchanged, 1 failed;")
    problems = [line for line in err.splitlines() if line.startswith("claimdesk: feed problem:")]
    assert len(problems) == 2
    assert sum(f"{site.base}/broken.xml: broken feed XML (line " in line for line in err.splitlines()) == 1
    assert any(f"{dead}: cannot fetch feed:" in line for line in problems)
    assert f"claimdesk: failed item {site.base}/news/late.html: cannot fetch URL: HTTP 404" in err
    assert "[4/5]" in err or "[5/5]" in err  # progress of the check run
    items = _items(db)
    assert {p: s for p, (s, *_ ) in items.items()} == {
        "news/jobs.html": "ok", "news/housing.html": "ok", "news/transport.html": "ok", "news/schools.html": "ok",
        "news/late.html": "failed"}
    assert "HTTP 404" in str(items["news/late.html"][1]) and items["news/late.html"][3] is None
    assert all(h for s, _, _, h in items.values() if s == "ok")
    with session(db, read_only=True) as con:
        articles = dict(con.execute("SELECT path, article_id FROM articles").fetchall())
        claims = con.execute("SELECT count(*) FROM claims").fetchone()[0]
        verdict_rows = con.execute("SELECT count(*) FROM verdicts").fetchone()[0]
        linked = con.execute("SELECT count(*) FROM feed_items f JOIN articles a USING (article_id)"
                             " WHERE a.path = f.link").fetchone()[0]
    assert sorted(articles) == sorted(f"{site.base}/news/{n}.html" for n in ("jobs", "housing", "transport", "schools"))
    assert claims >= 8 and linked == 4
    assert _check_runs(db) == [(4, 0)]

    # 2. Nothing changed: the listed pages are read and all skipped by content hash, nothing
    # is extracted or judged again; only the still-missing page is tried again.
    settings = load_settings(cfg)
    site.requests.clear()
    summary = check_feeds_flow(settings)
    assert (summary.new, summary.changed, summary.unchanged, len(summary.failed)) == (0, 0, 4, 1)
    assert _check_runs(db)[-1] == (0, 4)
    assert "/news/late.html" in site.requests
    with session(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM claims").fetchone()[0] == claims
        assert con.execute("SELECT count(*) FROM verdicts").fetchone()[0] == verdict_rows
    assert _items(db)["news/late.html"][:1] == ("failed",) and _items(db)["news/late.html"][2] == 2

    # 3. The missing page appears and one page is revised: the first is checked, the second
    # re-checked, the rest unchanged.
    site.serve("/news/late.html", _page("/news/late.html"))
    site.serve("/news/housing.html", _page("/news/housing.html", "<p>Correction: rents rose by 7.9% in 2023, "
                                           "not 8.5% as first reported.</p>"))
    before = _items(db)
    summary = check_feeds_flow(settings)
    assert (summary.new, summary.changed, summary.unchanged, summary.failed) == (1, 1, 3, [])
    after = _items(db)
    assert after["news/late.html"][:2] == ("ok", None) and after["news/late.html"][3]
    assert after["news/housing.html"][3] != before["news/housing.html"][3]
    assert after["news/jobs.html"][3] == before["news/jobs.html"][3]
    with session(db, read_only=True) as con:
        texts = [r[0] for r in con.execute("SELECT claim_text FROM claims c JOIN articles a USING (article_id)"
                                           " WHERE a.path LIKE '%housing%'").fetchall()]
        runs = con.execute("SELECT status, details->>'new', details->>'failed' FROM runs WHERE kind = 'feeds'"
                           " ORDER BY started_at").fetchall()
    assert any("7.9%" in t for t in texts)
    assert [r[0] for r in runs] == ["completed"] * 3 and runs[-1][1] == "1"


def test_feeds_check_with_nothing_configured_starts_no_flow(tmp_path, capsys):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database: test.duckdb\n")
    assert main(["--config", str(cfg), "feeds", "check"]) == 0
    assert "none configured" in capsys.readouterr().out
    assert not Path(tmp_path / "test.duckdb").exists()
    assert main(["--config", str(cfg), "feeds", "check", "feeds.xml"]) == 2
    assert "not an http(s) feed URL" in capsys.readouterr().err


def test_serve_plan_lists_the_feed_schedule(tmp_path, capsys):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database: test.duckdb\nschedules:\n  check_feeds:\n    cron: '10 * * * *'\n")
    assert main(["--config", str(cfg), "serve", "--dry-run"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("check_feeds"))
    assert "10 * * * *" in line and "not scheduled: no feeds" in line
    cfg.write_text("database: test.duckdb\nschedules:\n  check_feeds:\n    feeds: [http://a.test/rss, http://b.test/atom]\n")
    assert main(["--config", str(cfg), "serve", "--dry-run"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("check_feeds"))
    assert "flow check_feeds: check new, changed and failed items of 2 RSS/Atom feeds" in line
    # what `serve` deploys: check_feeds beside the others, on its cron, only when feeds are configured
    from flows.serve_cmd import deployments

    with_feeds = {d.name: d for d in deployments(load_settings(cfg))}
    assert set(with_feeds) == {"check_inbox", "recheck", "check_feeds"}
    feeds = with_feeds["check_feeds"]
    assert feeds.flow_name == "check_feeds" and feeds.schedules[0].schedule.cron == "*/30 * * * *"
    assert feeds.parameters["settings"].schedules.check_feeds.feeds == ("http://a.test/rss", "http://b.test/atom")
    cfg.write_text("database: test.duckdb\n")
    assert {d.name for d in deployments(load_settings(cfg))} == {"check_inbox", "recheck"}


def test_the_repo_config_has_no_feeds(repo_settings: Settings):
    assert repo_settings.schedules.check_feeds.feeds == ()
