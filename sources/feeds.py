"""RSS and Atom feeds -> the items to check, and which of them a run should fetch.

Fetching a feed is the only I/O here (`fetch_feed`, with the same timeout and size limit
as reading a URL article in `sources.readers`); parsing and planning are pure, so the
dedupe rules are tested without a network. feedparser is given the downloaded bytes,
never a URL, so it cannot fetch anything past those limits.

An item is known by its feed and GUID (the Atom `id` or RSS `guid`), else by its link,
so a feed that edits an item's title or date does not make it new. Its page is read by
`sources.readers.read_document` in the ordinary check path, whose content hash decides
whether a page that was checked before changed.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from claimdesk.errors import InputError
from sources.readers import MAX_TEXT_BYTES, MB, URL_TIMEOUT_SECONDS

# A failed item that has left its feed is retried this many times in all, then left as
# failed: the feed no longer vouches that the page exists. While listed it is always retried.
MAX_ATTEMPTS_UNLISTED = 10


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: the key it is known by (`guid`), and what the feed says of it."""

    feed_url: str
    guid: str
    link: str
    title: str
    published: dt.datetime | None  # UTC, without a time zone


@dataclass(frozen=True)
class ParsedFeed:
    """The items a feed yielded, and one line about what was wrong with it, if anything."""

    url: str
    items: list[FeedItem]
    problem: str | None = None


@dataclass(frozen=True)
class StoredItem:
    """What `feed_items` holds about an item from earlier runs."""

    feed_url: str
    guid: str
    link: str
    status: str  # ok | failed
    attempts: int


@dataclass(frozen=True)
class Planned:
    """An item this run fetches, and why: `new`, `retry` (failed before) or `listed` (checked
    before and still in its feed: fetched to see whether the page changed)."""

    item: FeedItem
    why: str


def fetch_feed(url: str) -> bytes:
    """The feed's bytes, or an InputError naming the feed (HTTP status, timeout, size)."""
    request = urllib.request.Request(url, headers={
        "User-Agent": "claimdesk-feeds",
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=URL_TIMEOUT_SECONDS) as resp:  # noqa: S310 - configured http(s) feed
            raw = bytes(resp.read(MAX_TEXT_BYTES + 1))
    except urllib.error.HTTPError as exc:
        raise InputError(f"cannot fetch feed: HTTP {exc.code} {exc.reason}", path=url) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise InputError(f"cannot fetch feed: {getattr(exc, 'reason', exc)}", path=url) from None
    if len(raw) > MAX_TEXT_BYTES:
        raise InputError(f"feed is over the {MAX_TEXT_BYTES // MB} MB limit", path=url)
    return raw


def parse_feed(url: str, raw: bytes) -> ParsedFeed:
    """Items of an RSS or Atom document. Broken XML keeps the items feedparser could read,
    with the problem as one line; a document with none is an InputError naming the feed."""
    import feedparser

    parsed = feedparser.parse(raw)
    items, unlinked = [], 0
    for entry in parsed.entries:
        item = _item(url, entry)
        if item is None:
            unlinked += 1
        else:
            items.append(item)
    problem = None
    if parsed.get("bozo"):
        why = _first_line(parsed.get("bozo_exception"))
        if not items:
            raise InputError(f"not an RSS/Atom feed ({why})", path=url)
        problem = f"{url}: broken feed XML ({why}); read the {len(items)} items it could"
    elif not parsed.get("version") and not items:
        raise InputError("not an RSS/Atom feed", path=url)
    if unlinked:
        note = f"{unlinked} items without a link or GUID URL skipped"
        problem = f"{problem}; {note}" if problem else f"{url}: {note}"
    return ParsedFeed(url, items, problem)


def _first_line(exc: object) -> str:
    """The parser's complaint in one line, "<unknown>:3:18: not well-formed" as "line 3: not well-formed"."""
    text = str(exc or "").strip().splitlines()
    if not text:
        return type(exc).__name__
    return re.sub(r"^<unknown>:(\d+):\d+:\s*", r"line \1: ", text[0])[:200]


def _item(feed_url: str, entry: dict[str, object]) -> FeedItem | None:
    """A FeedItem, or None when the entry has no page to fetch (no link, and a GUID that is no URL)."""
    guid = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    if not link and guid.lower().startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    link = urllib.parse.urljoin(feed_url, link)
    if not link.lower().startswith(("http://", "https://")):
        return None
    published = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    return FeedItem(feed_url, guid or link, link, " ".join(str(entry.get("title") or "").split()), published)


def _utc(when: object) -> dt.datetime | None:
    """feedparser's date (a UTC struct_time) as a naive UTC datetime; None when absent or nonsense."""
    try:
        return dt.datetime(*when[:6]) if when else None  # type: ignore[index]
    except (TypeError, ValueError, OverflowError):
        return None


# --- which items a run fetches (pure) ------------------------------------------------------

def plan(feeds: list[ParsedFeed], stored: list[StoredItem], configured: list[str]) -> list[Planned]:
    """The items this run fetches, each page once, in feed order.

    - an item seen for the first time: `new`;
    - an item that failed before: `retry`, while listed, and after it left its feed until
      it has been tried `MAX_ATTEMPTS_UNLISTED` times (only for feeds still configured);
    - an item checked before and still listed: `listed`, fetched so that a changed page is
      re-checked (the check path skips it when the text's hash is unchanged, as for an inbox file);
    - an item checked before that left its feed: never fetched again.

    A page listed twice (the same link in two feeds, or one GUID twice in a feed) is planned
    once: the first listing fetches it, and the run records the result on every listing.
    """
    known = {(s.feed_url, s.guid): s for s in stored}
    out: list[Planned] = []
    listed: set[tuple[str, str]] = set()
    for feed in feeds:
        for item in feed.items:
            key = (item.feed_url, item.guid)
            if key in listed:
                continue
            listed.add(key)
            before = known.get(key)
            why = "new" if before is None else "retry" if before.status != "ok" else "listed"
            out.append(Planned(item, why))
    for s in stored:
        if (s.feed_url, s.guid) in listed or s.status == "ok" or s.feed_url not in configured:
            continue
        if s.attempts < MAX_ATTEMPTS_UNLISTED and s.link:
            out.append(Planned(FeedItem(s.feed_url, s.guid, s.link, "", None), "retry"))
    return out


def pages(planned: list[Planned]) -> list[str]:
    """The distinct page URLs to fetch, in plan order."""
    return list(dict.fromkeys(p.item.link for p in planned))
