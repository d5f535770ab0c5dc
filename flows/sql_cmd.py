"""`claimdesk sql` and `claimdesk export`: analysts' access to the database.

Queries run on a read-only connection unless `--write` is given, so a typo in an
analyst's query can never change the data. A read-only DuckDB connection still lets
`COPY ... TO` write files and `INSTALL` fetch extensions, so statements are also
checked with DuckDB's own parser and only reading ones (SELECT, FROM, WITH, DESCRIBE,
SHOW, SUMMARIZE, PRAGMA, EXPLAIN) run without `--write`.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from claimdesk.errors import ClaimdeskError
from claimdesk.output_files import output_target, write_text_atomically, write_with
from claimdesk.settings import Settings
from store import reads
from store.db import session

# What a ClaimReview publishes for each verdict: schema.org `Rating` on a 1 (worst) to 5 (best)
# scale and the verdict in words. `not_checkable` has no rating: nothing was fact-checked.
RATINGS: dict[str, tuple[int, str]] = {
    "contradicted": (1, "Contradicted"),
    "misrepresented": (2, "Misrepresented"),
    "unverifiable": (3, "Unverifiable"),
    "supported": (5, "Supported"),
}
WORST_RATING, BEST_RATING = 1, 5
ORGANIZATION = "claimdesk"
_READING_STATEMENTS = {duckdb.StatementType.SELECT}
_EXPLAIN = re.compile(r"^\s*explain\s+(analyze\s+)?", re.IGNORECASE)


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_table(cols: list[str], rows: list[tuple[object, ...]], max_width: int = 60) -> None:
    cells = [[_fmt(v)[:max_width] for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


@contextlib.contextmanager
def reading(db: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only session on a database whose views are current.

    Read-only connections never migrate; a database written by an older claimdesk is
    opened once for writing first, which (re)creates the views the analysts' doc promises.
    """
    with session(db, read_only=True) as con:
        current = reads.schema_is_current(con)
    if not current:
        with session(db):
            pass
    with session(db, read_only=True) as con:
        yield con


def refusal(query: str) -> str | None:
    """Why `query` may not run without `--write`, or None when every statement only reads."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise ClaimdeskError(f"SQL error: {str(exc).splitlines()[0]}") from None
    if not statements:
        return "no SQL statement given"
    for st in statements:
        kind = st.type
        if kind == duckdb.StatementType.EXPLAIN:
            inner = _EXPLAIN.sub("", st.query, count=1)
            if inner != st.query and inner.strip():
                problem = refusal(inner)
                if problem:
                    return problem
                continue
        if kind not in _READING_STATEMENTS:
            words = " ".join(st.query.split()[:2]) or kind.name
            return (f"refused `{words} ...`: {kind.name} statements can change the database or write files; "
                    "add --write to allow them")
    return None


def run_sql(settings: Settings, query: str, *, fmt: str = "table", write: bool = False) -> int:
    db = settings.resolve(settings.database)
    if not write:
        problem = refusal(query)
        if problem:
            raise ClaimdeskError(problem)
    opened = session(db) if write else reading(db)
    with opened as con:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            msg = str(exc).splitlines()[0]
            if not write and "read-only" in msg.lower():
                msg += " (the database is opened read-only; add --write to change it)"
            raise ClaimdeskError(f"SQL error: {msg}") from None
        if cur.description is None:
            print("ok")
            return 0
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    if fmt == "json":
        for r in rows:
            print(json.dumps(dict(zip(cols, r, strict=True)), default=str))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    else:
        print_table(cols, rows)
    return 0


# --- exports ------------------------------------------------------------------------------

def _article_url(path: str) -> str:
    """Where the claim appeared: the article's URL, or a file:// URI for a local file."""
    if re.match(r"^https?://", path, re.IGNORECASE):
        return path
    return Path(path).resolve().as_uri()


def _day(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10] if value else None


def claim_review(row: dict[str, Any]) -> dict[str, Any] | None:
    """One schema.org ClaimReview for a `claim_verdicts` row, or None for an unrated verdict.

    The editor's verdict wins; the body is the editor's note, else the machine's
    explanation when the editor kept the machine verdict. `url` names the claim inside its
    article (`#claim-ID`, the anchor `claimdesk report` writes); point it at the
    published fact-check page when there is one.
    """
    verdict = row.get("reviewed_verdict") or row.get("verdict")
    if verdict not in RATINGS:
        return None
    value, label = RATINGS[verdict]
    article_url = _article_url(str(row["article_path"]))
    authors: list[dict[str, str]] = [{"@type": "Organization", "name": ORGANIZATION}]
    if row.get("reviewer"):
        authors.append({"@type": "Person", "name": str(row["reviewer"])})
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{article_url}#claim-{row['claim_id']}",
        "identifier": str(row["claim_id"]),
        "claimReviewed": str(row["claim_text"]),
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {
                "@type": "CreativeWork",
                "url": article_url,
                "name": str(row.get("article_title") or Path(str(row["article_path"])).name),
            },
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": label,
        },
        "author": authors,
        "datePublished": _day(row.get("reviewed_at") or row.get("judged_at")),
    }
    body = row.get("review_note") or (row.get("explanation") if verdict == row.get("machine_verdict") else None)
    if body:
        review["reviewBody"] = str(body)
    return review


def run_export(settings: Settings, *, fmt: str, out: str | None, reviewed_only: bool, force: bool = False) -> int:
    """Write `claim_verdicts` as CSV or Parquet, or the reviewed claims as ClaimReview JSON-LD.

    ClaimReview publishes an editor's decision, so it always holds reviewed claims only.
    """
    db = settings.resolve(settings.database)
    default = "claimreview.jsonld" if fmt == "claimreview" else f"claim_verdicts.{fmt}"
    target = output_target(out or default, force=force)
    if fmt != "claimreview":
        with reading(db) as con:
            n = write_with(target, lambda path: reads.write_claim_verdicts(con, path, fmt, reviewed_only=reviewed_only))
        print(f"wrote {n} claims to {target}")
        return 0
    with reading(db) as con:
        rows = reads.claim_verdict_rows(con, reviewed_only=True)
    reviews = [r for r in (claim_review(row) for row in rows) if r is not None]
    write_text_atomically(target, json.dumps(reviews, indent=2, ensure_ascii=False) + "\n")
    skipped = len(rows) - len(reviews)
    note = f" ({skipped} reviewed as not_checkable: nothing to rate)" if skipped else ""
    plural = "" if len(reviews) == 1 else "s"
    print(f"wrote {len(reviews)} ClaimReview object{plural} to {target}{note}")
    return 0
