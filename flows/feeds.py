"""The `check_feeds` run: read the configured RSS/Atom feeds, check their items' pages
through the ordinary article check, and record each item's outcome in `feed_items`.

Each item's page goes through the same batch path as an inbox file (`check_articles`:
read, skip when the text's content hash is unchanged, extract, judge, write), so a feed
item and an article checked by hand are the same article. What this adds is the feed
bookkeeping: which items to fetch (`sources.feeds.plan`), and per item whether it was
checked, unchanged or failed (with the message), so a 404 or a timeout costs that item
until the next run and nothing else. A feed that cannot be read is one line naming it;
the other feeds go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from claimdesk.errors import ClaimdeskError
from claimdesk.settings import Settings
from flows.runs import recorded
from flows.service import Executor, Inline
from flows.steps import RunSummary, db_path
from sources.feeds import ParsedFeed, Planned, fetch_feed, pages, parse_feed, plan
from store import feed_items
from store.db import session, transaction

Check = Callable[[list[str]], RunSummary]  # page URLs -> the check run's summary


@dataclass
class FeedRunSummary:
    """What a feeds run did: per-item counts, one line per feed problem and per failed item."""

    feeds: int = 0
    feed_problems: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "LINK: why", one per failed item
    claims: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        unreadable = f", {len(self.feed_problems)} with problems" if self.feed_problems else ""
        return (f"feeds: {self.feeds} read{unreadable}; items: {self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {len(self.failed)} failed; {self.claims} claims in {self.seconds:.1f}s")


def feed_urls(settings: Settings) -> list[str]:
    """`schedules.check_feeds.feeds`, stripped, each once."""
    return list(dict.fromkeys(u.strip() for u in settings.schedules.check_feeds.feeds if u.strip()))


def read_feeds(urls: list[str]) -> tuple[list[ParsedFeed], list[str]]:
    """Fetch and parse each feed: (what could be read, one line per feed problem).

    A feed with broken XML keeps the items the parser could read and gives a problem line; an
    unreachable or unreadable feed gives only the line. Never raises for one feed."""
    feeds, problems = [], []
    for url in urls:
        try:
            parsed = parse_feed(url, fetch_feed(url))
        except ClaimdeskError as exc:
            problems.append(str(exc))
            continue
        feeds.append(parsed)
        if parsed.problem:
            problems.append(parsed.problem)
    return feeds, problems


def check_feeds(settings: Settings, check: Check, *, urls: list[str] | None = None, progress: bool = False,
                executor: Executor | None = None,
                read: Callable[[list[str]], tuple[list[ParsedFeed], list[str]]] = read_feeds) -> FeedRunSummary:
    """One feeds run, recorded in `runs` (kind `feeds`): read the feeds, fetch and check the
    planned pages with `check`, record every planned item's outcome.

    If `check` itself fails (the database, not a page), every planned item is recorded as
    failed with that error before the run fails, so the next run retries them all."""
    ex = executor or Inline()
    t0 = time.perf_counter()
    wanted = urls if urls is not None else feed_urls(settings)
    summary = FeedRunSummary()
    with recorded(settings, "feeds", flow_run_id=ex.flow_run_id, runner=ex.runner) as run:
        feeds, summary.feed_problems = read(wanted)
        summary.feeds = len(feeds)
        for line in summary.feed_problems:  # to the run's log; the CLI prints them once, at the end
            ex.say(f"feed problem: {line}", False)
        with session(db_path(settings)) as con:
            stored = feed_items.stored_items(con, wanted)
        planned = plan(feeds, stored, wanted)
        todo = pages(planned)
        ex.say(f"{len(feeds)} feeds read, {sum(len(f.items) for f in feeds)} items; {len(todo)} pages to fetch "
               f"({_count(planned, 'new')} new, {_count(planned, 'retry')} to retry, "
               f"{_count(planned, 'listed')} checked before)", progress)
        try:
            checked = check(todo) if todo else RunSummary("check")
        except BaseException as exc:
            failed = RunSummary("check", errors=[f"{url}: not checked ({type(exc).__name__}: {exc})"[:500]
                                                 for url in todo])
            with contextlib.suppress(Exception):  # the database may be what failed; the run's error matters more
                _record(settings, planned, failed, summary)
            raise
        _record(settings, planned, checked, summary)
        summary.claims = checked.claims
        summary.seconds = time.perf_counter() - t0
        run.inputs, run.claims, run.errors = len(planned), summary.claims, len(summary.failed) + len(summary.feed_problems)
        run.details.update(feeds=len(wanted), feeds_read=len(feeds), feed_problems=summary.feed_problems[:50],
                           new=summary.new, changed=summary.changed, unchanged=summary.unchanged,
                           failed=summary.failed[:50], seconds=round(summary.seconds, 2))
    return summary


def _count(planned: list[Planned], why: str) -> int:
    return sum(1 for p in planned if p.why == why)


def page_outcomes(todo: list[str], checked: RunSummary) -> dict[str, tuple[str, str | None]]:
    """page URL -> ('checked' | 'unchanged' | 'failed', error) from the check run's summary.

    The check run names each failed input at the start of its error line ("URL: why"); the
    longest URL that starts a line is the one it is about. A page the run did not mention
    (it ended early) counts as failed, so it is retried."""
    out: dict[str, tuple[str, str | None]] = {u: ("checked", None) for u in checked.processed}
    out.update({u: ("unchanged", None) for u in checked.skipped})
    by_length = sorted(todo, key=len, reverse=True)
    for line in checked.errors:
        url = next((u for u in by_length if line.startswith(f"{u}: ")), None)
        if url is not None:
            out[url] = ("failed", line[len(url) + 2:])
    for url in todo:
        out.setdefault(url, ("failed", "not checked: the run ended before this page"))
    return out


def _record(settings: Settings, planned: list[Planned], checked: RunSummary, summary: FeedRunSummary) -> None:
    """Each planned item's outcome into `feed_items` (one transaction) and the run's counts."""
    outcome = page_outcomes(pages(planned), checked)
    rows = []
    with session(db_path(settings)) as con:
        stored = feed_items.article_hashes_by_path(con, list(outcome))
        for p in planned:
            state, error = outcome[p.item.link]
            article_id, content_hash = stored.get(p.item.link, (None, None)) if state != "failed" else (None, None)
            rows.append(feed_items.ItemOutcome(p.item.feed_url, p.item.guid, p.item.link, p.item.title,
                                               p.item.published, "failed" if state == "failed" else "ok", error,
                                               content_hash, article_id))
            if state == "failed":
                summary.failed.append(f"{p.item.link}: {error}")
            elif state == "unchanged":
                summary.unchanged += 1
            elif p.why == "listed":
                summary.changed += 1
            else:
                summary.new += 1
        with transaction(con):
            feed_items.record_outcomes(con, rows, dt.datetime.now())
