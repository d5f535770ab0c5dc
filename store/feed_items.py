"""The `feed_items` table: what each feed item's last fetch and check came to.

Written once per run for every item the run fetched, so a failure is kept per item (with
its message and attempt count) and the next run knows to retry it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from sources.feeds import StoredItem


@dataclass(frozen=True)
class ItemOutcome:
    """One item after a run: `ok` (checked, or unchanged since its last check) or `failed`."""

    feed_url: str
    guid: str
    link: str
    title: str
    published: dt.datetime | None
    status: str
    error: str | None
    content_hash: str | None
    article_id: str | None


def stored_items(con: duckdb.DuckDBPyConnection, feed_urls: Sequence[str]) -> list[StoredItem]:
    """Every recorded item of these feeds."""
    if not feed_urls:
        return []
    rows = con.execute("SELECT feed_url, guid, coalesce(link, ''), status, attempts FROM feed_items"
                       " WHERE feed_url IN (SELECT unnest(?)) ORDER BY feed_url, first_seen, guid",
                       [list(feed_urls)]).fetchall()
    return [StoredItem(*r) for r in rows]


def article_hashes_by_path(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """path (the page URL) -> (article_id, content_hash) of the articles stored for these pages."""
    if not paths:
        return {}
    rows = con.execute("SELECT path, article_id, content_hash FROM articles WHERE path IN (SELECT unnest(?))",
                       [list(paths)]).fetchall()
    return {p: (a, h) for p, a, h in rows}


def record_outcomes(con: duckdb.DuckDBPyConnection, outcomes: Sequence[ItemOutcome], when: dt.datetime) -> None:
    """Insert or update each item's row: one more attempt, its status and error now.

    What the feed said (title, date) and what the last successful check found (hash,
    article) are kept when this attempt does not know them (a retried item that left its feed,
    a page that failed)."""
    for o in outcomes:
        con.execute(
            """
            INSERT INTO feed_items (feed_url, guid, link, title, published, content_hash, status, error,
                                    attempts, first_seen, last_attempt, article_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
            ON CONFLICT (feed_url, guid) DO UPDATE SET
                link = excluded.link,
                title = coalesce(nullif(excluded.title, ''), feed_items.title),
                published = coalesce(excluded.published, feed_items.published),
                content_hash = coalesce(excluded.content_hash, feed_items.content_hash),
                status = excluded.status,
                error = excluded.error,
                attempts = feed_items.attempts + 1,
                last_attempt = excluded.last_attempt,
                article_id = coalesce(excluded.article_id, feed_items.article_id)
            """,
            [o.feed_url, o.guid, o.link, o.title, o.published, o.content_hash, o.status, o.error,
             when, when, o.article_id])
