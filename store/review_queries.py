"""Every query the editors' review desk runs, so the web app itself holds no SQL.

The app opens a short `store.db.session` per request and hands the connection to
these functions. Values from the request only ever reach DuckDB as bound
parameters; the only strings joined into SQL are the fixed fragments below, picked
by validated filter names. `reviews` is append-only: the desk never updates or
deletes a review, so the table is the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from claims.vocabulary import PROBLEM_VERDICTS as _PROBLEMS
from claims.vocabulary import VERDICT_ORDER
from store import accounts
from store.db import transaction
from store.scoped_verdicts import claim_verdicts_sql
from store.vocabulary_sql import PROBLEM_LIST, QUEUE_ORDER, problem_sql

Row = dict[str, Any]

# In review order (claims.vocabulary.VerdictName): the desk's menus, chips and legend list them so.
VERDICTS: tuple[str, ...] = tuple(v.value for v in VERDICT_ORDER)
PROBLEM_VERDICTS: tuple[str, ...] = tuple(v.value for v in VERDICT_ORDER if v in _PROBLEMS)
# Queue tabs. "flagged" is what still needs an editor: flagged by the machine, not yet reviewed.
STATUSES: tuple[str, ...] = ("all", "flagged", "unreviewed", "reviewed", "disagreement")
MAX_PER_PAGE = 200
MAX_NOTE = 4000
MAX_REVIEWER = 80


class NotFound(LookupError):
    """The claim or article id is not in the database."""


@dataclass(frozen=True)
class QueueFilter:
    """What the editor asked the queue for; validated here so bad input never reaches SQL."""

    verdict: str = ""
    article: str = ""
    source: str = ""
    status: str = "all"
    page: int = 1
    per_page: int = 25

    def __post_init__(self) -> None:
        if self.verdict and self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r} (choose one of {', '.join(VERDICTS)})")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r} (choose one of {', '.join(STATUSES)})")
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")




def _queue_base(rows: str) -> str:
    """One row per claim of `rows` (the analysts' view, or the same rows for a few claims), plus
    the derived flags the desk sorts on. A disagreement: a machine verdict judged after the
    newest review says something else."""
    return f"""
    SELECT *,
        reviewed_verdict IS NOT NULL AS reviewed,
        {problem_sql('verdict')} AS problem,
        coalesce(reviewed_verdict IS NOT NULL AND judged_at > reviewed_at
                 AND machine_verdict <> reviewed_verdict, false) AS disagreement
    FROM {rows}
"""


_QUEUE_BASE = _queue_base("claim_verdicts")
# The same for one article's claims, or a list of claims (store/scoped_verdicts.py: the view
# filtered on them would still pick every claim's newest verdict first).
_ARTICLE_QUEUE_BASE = _queue_base(f"({claim_verdicts_sql('article')})")
_IDS_QUEUE_BASE = _queue_base(f"({claim_verdicts_sql('ids')})")
# Most urgent first: unreviewed before reviewed, problem verdicts, then the least sure (defined once).
_QUEUE_ORDER = QUEUE_ORDER
_STATUS_SQL: dict[str, str] = {
    "all": "true",
    "flagged": "NOT reviewed AND flagged",
    "unreviewed": "NOT reviewed",
    "reviewed": "reviewed",
    "disagreement": "disagreement",
}
_QUEUE_COLUMNS = """
    claim_id, article_id, article_title, article_path, claim_text, sentence, start_char, end_char,
    claim_type, verdict, machine_verdict, confidence, flagged, explanation, source_id, source_title,
    similarity, reviewed_verdict, reviewer, reviewed_at, judged_at, reviewed, problem, disagreement
"""


def _where(f: QueueFilter, *, skip: str = "") -> tuple[str, dict[str, Any]]:
    """WHERE clause from fixed fragments and named parameters; `skip` leaves one facet out for counts."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if f.verdict and skip != "verdict":
        parts.append("verdict = $verdict")
        params["verdict"] = f.verdict
    if f.article:
        parts.append("article_id = $article")
        params["article"] = f.article
    if f.source:
        parts.append(
            "(source_id = $source OR claim_id IN (SELECT m.claim_id FROM matches m"
            " JOIN source_statements s USING (statement_id) WHERE s.source_id = $source))"
        )
        params["source"] = f.source
    if skip != "status":
        parts.append(_STATUS_SQL[f.status])
    return (" AND ".join(parts) or "true"), params


def _rows(cur: duckdb.DuckDBPyConnection) -> list[Row]:
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _one(cur: duckdb.DuckDBPyConnection) -> Row | None:
    rows = _rows(cur)
    return rows[0] if rows else None


def queue(con: duckdb.DuckDBPyConnection, f: QueueFilter) -> Row:
    """One page of the queue with its total and the counts shown on the filter tabs."""
    where, params = _where(f)
    total = con.execute(f"SELECT count(*) FROM ({_QUEUE_BASE}) WHERE {where}", params).fetchone()
    items = _rows(
        con.execute(
            f"SELECT {_QUEUE_COLUMNS} FROM ({_QUEUE_BASE}) WHERE {where} ORDER BY {_QUEUE_ORDER}"
            " LIMIT $limit OFFSET $offset",
            {**params, "limit": f.per_page, "offset": (f.page - 1) * f.per_page},
        )
    )
    n = int(total[0]) if total else 0
    return {
        "total": n,
        "page": f.page,
        "per_page": f.per_page,
        "pages": max(1, -(-n // f.per_page)),
        "items": items,
        "counts": counts(con, f),
    }


def counts(con: duckdb.DuckDBPyConnection, f: QueueFilter) -> Row:
    """Per-verdict counts under the other filters, and per-status counts under the other filters."""
    where, params = _where(f, skip="verdict")
    by_verdict = dict.fromkeys(VERDICTS, 0)
    for verdict, n in con.execute(
        f"SELECT verdict, count(*) FROM ({_QUEUE_BASE}) WHERE {where} GROUP BY verdict", params
    ).fetchall():
        if verdict in by_verdict:
            by_verdict[verdict] = int(n)
    where, params = _where(f, skip="status")
    filters = ", ".join(f"count(*) FILTER (WHERE {sql}) AS {name}" for name, sql in _STATUS_SQL.items())
    row = con.execute(f"SELECT {filters} FROM ({_QUEUE_BASE}) WHERE {where}", params).fetchone()
    by_status = {name: int(n) for name, n in zip(_STATUS_SQL, row or (0,) * len(_STATUS_SQL), strict=True)}
    return {"verdict": by_verdict, "status": by_status}


def neighbours(con: duckdb.DuckDBPyConnection, f: QueueFilter, claim_id: str) -> Row:
    """The claims before and after this one in the queue order, for next/previous navigation.

    If the claim is not in the filtered queue (say it was just reviewed under the
    "flagged" tab), `next` is the first claim of the queue.
    """
    where, params = _where(f)
    row = con.execute(
        f"""
        WITH q AS (
            SELECT claim_id, row_number() OVER (ORDER BY {_QUEUE_ORDER}) AS pos
            FROM ({_QUEUE_BASE}) WHERE {where}
        ), me AS (SELECT pos FROM q WHERE claim_id = $claim)
        SELECT
            (SELECT claim_id FROM q WHERE pos = (SELECT pos FROM me) - 1),
            coalesce((SELECT claim_id FROM q WHERE pos = (SELECT pos FROM me) + 1),
                     (SELECT claim_id FROM q WHERE pos = 1 AND NOT EXISTS (SELECT 1 FROM me)
                      AND claim_id <> $claim)),
            (SELECT pos FROM me),
            (SELECT count(*) FROM q)
        """,
        {**params, "claim": claim_id},
    ).fetchone()
    prev_id, next_id, pos, total = row if row else (None, None, None, 0)
    return {"prev": prev_id, "next": next_id, "position": pos, "total": int(total)}


def queue_rows(con: duckdb.DuckDBPyConnection, claim_ids: list[str]) -> list[Row]:
    """The queue columns of these claims, in the order given (one page of a cached queue order)."""
    if not claim_ids:
        return []
    rows = _rows(con.execute(f"SELECT {_QUEUE_COLUMNS} FROM ({_IDS_QUEUE_BASE})", {"ids": claim_ids}))
    by_id = {r["claim_id"]: r for r in rows}
    return [by_id[c] for c in claim_ids if c in by_id]


def queue_ids(con: duckdb.DuckDBPyConnection, f: QueueFilter) -> list[str]:
    """Every claim id of the filtered queue, in queue order (the desk caches it for next/previous)."""
    where, params = _where(f)
    return [r[0] for r in con.execute(
        f"SELECT claim_id FROM ({_QUEUE_BASE}) WHERE {where} ORDER BY {_QUEUE_ORDER}", params).fetchall()]


def queue_snapshot_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """(claim_id, verdict, reviewed, flagged, disagreement) of every claim, in queue order
    (review/queue_snapshot.py derives every tab's order and counts from it)."""
    return con.execute(
        f"SELECT claim_id, verdict, reviewed, flagged, disagreement FROM ({_QUEUE_BASE}) ORDER BY {_QUEUE_ORDER}"
    ).fetchall()


def filter_options(con: duckdb.DuckDBPyConnection, max_articles: int | None = None, keep: str = "") -> Row:
    """Articles and sources for the queue's filter menus.

    With `max_articles`, a database with more articles lists only the most recently added
    ones (plus `keep`, the article the queue is filtered on): a menu of 10,000 articles made
    the queue page 0.6 MB and cost more to render than the queue itself.
    """
    recent = ""
    params: dict[str, Any] = {}
    if max_articles is not None:
        recent = (" WHERE a.article_id IN (SELECT article_id FROM articles ORDER BY added_at DESC, article_id"
                  " LIMIT $max) OR a.article_id = $keep")
        params = {"max": max_articles, "keep": keep}
    articles = _rows(
        con.execute(
            "SELECT a.article_id, coalesce(a.title, a.path) AS title, count(c.claim_id) AS claims"
            f" FROM articles a LEFT JOIN claims c USING (article_id){recent}"
            " GROUP BY ALL ORDER BY title, a.article_id",
            params,
        )
    )
    sources = _rows(
        con.execute(
            "SELECT source_id, coalesce(title, path) AS title FROM source_documents ORDER BY title, source_id"
        )
    )
    return {"articles": articles, "sources": sources}


def verdicts_per_article(con: duckdb.DuckDBPyConnection, limit: int = 12) -> list[Row]:
    """Current verdict counts per article for the queue chart, articles with most problems first."""
    rows = con.execute(
        f"""
        WITH per AS (
            SELECT article_id, any_value(coalesce(article_title, article_path)) AS title,
                   coalesce(verdict, 'pending') AS verdict, count(*) AS n
            FROM claim_verdicts GROUP BY article_id, coalesce(verdict, 'pending')
        ), ranked AS (
            SELECT article_id, any_value(title) AS title, sum(n) AS total,
                   coalesce(sum(n) FILTER (WHERE verdict IN {PROBLEM_LIST}), 0)
                       AS problems
            FROM per GROUP BY article_id
            ORDER BY problems DESC, total DESC, title, article_id LIMIT $limit
        )
        SELECT r.article_id, r.title, r.total, r.problems, p.verdict, p.n
        FROM ranked r JOIN per p USING (article_id)
        ORDER BY r.problems DESC, r.total DESC, r.title, r.article_id, p.verdict
        """,
        {"limit": limit},
    ).fetchall()
    out: dict[str, Row] = {}
    for article_id, title, total, problems, verdict, n in rows:
        item = out.setdefault(
            article_id,
            {
                "article_id": article_id,
                "title": title,
                "total": int(total),
                "problems": int(problems),
                "counts": {},
            },
        )
        item["counts"][verdict] = int(n)
    return list(out.values())


def _parse_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def series_links(con: duckdb.DuckDBPyConnection, claim_id: str) -> list[Row]:
    """The figures of the claim's series (issue #15), both ways: the main figure a baseline or
    change belongs to (`relation` 'main'), and a main figure's baselines and changes (their role)."""
    # Most claims belong to no series: a look at `claims` alone (milliseconds) spares them the
    # rest. The linked claims' verdicts come from their own rows, not the whole-table view.
    linked = [r[0] for r in con.execute(
        "SELECT related_claim_id FROM claims WHERE claim_id = $claim AND related_claim_id IS NOT NULL"
        " UNION ALL SELECT claim_id FROM claims WHERE related_claim_id = $claim",
        {"claim": claim_id},
    ).fetchall()]
    if not linked:
        return []
    rows = con.execute(
        f"""
        WITH cv AS ({claim_verdicts_sql('ids')})
        SELECT 'main' AS relation, m.claim_id, m.claim_text, cv.verdict, b.role AS own_role
        FROM claims b JOIN claims m ON m.claim_id = b.related_claim_id
        LEFT JOIN cv ON cv.claim_id = m.claim_id
        WHERE b.claim_id = $claim
        UNION ALL
        SELECT b.role AS relation, b.claim_id, b.claim_text, cv.verdict, b.role AS own_role
        FROM claims b LEFT JOIN cv ON cv.claim_id = b.claim_id
        WHERE b.related_claim_id = $claim
        ORDER BY relation DESC, claim_text
        """,
        {"claim": claim_id, "ids": linked},
    )
    cols = [d[0] for d in rows.description]
    return [dict(zip(cols, r, strict=True)) for r in rows.fetchall()]


# The claim's `claim_verdicts` row (store/scoped_verdicts.py), then what only its page shows.
_CLAIM_EXTRA = """c.sentence_start, c.sentence_end, c.predicate, c.checkable, c.not_checkable_reason,
            c.period_words, c.period_resolved, a.text AS article_text"""
_CLAIM_ROW = f"""
    SELECT *, coalesce(reviewed_verdict IS NOT NULL AND judged_at > reviewed_at
                       AND machine_verdict <> reviewed_verdict, false) AS disagreement
    FROM ({claim_verdicts_sql('claim', _CLAIM_EXTRA)})
"""


def claim_detail(con: duckdb.DuckDBPyConnection, claim_id: str) -> Row:
    """A claim with everything its page shows: article text, candidate evidence, verdicts, reviews."""
    claim = _one(con.execute(_CLAIM_ROW, {"claim": claim_id}))
    if claim is None:
        raise NotFound(f"no claim with id {claim_id!r}")
    article_text = claim.pop("article_text")
    history = verdict_history(con, claim_id)
    return {
        "claim": claim,
        "article_text": article_text,
        "evidence": evidence(con, claim_id),
        "history": history,
        "reviews": review_log(con, claim_id),
        "series": series_links(con, claim_id),
        "verdict_statement_id": history[0]["statement_id"] if history else None,
    }


def evidence(con: duckdb.DuckDBPyConnection, claim_id: str, limit: int = 10) -> list[Row]:
    """Candidate statements for a claim, best match first, plus the newest verdict's evidence."""
    rows = _rows(
        con.execute(
            """
            WITH judged AS (
                SELECT statement_id FROM verdicts WHERE claim_id = $claim
                ORDER BY verdict_id DESC LIMIT 1
            ), ids AS (
                SELECT statement_id FROM matches WHERE claim_id = $claim
                UNION SELECT statement_id FROM judged WHERE statement_id IS NOT NULL
            )
            SELECT s.statement_id, s.source_id, d.title AS source_title, d.path AS source_path,
                   d.publisher, d.published, d.period AS source_period,
                   s.text, s.finding_text, s.quantity_text, s.start_char, s.end_char,
                   s.value, s.low, s.high, s.unit, s.hedge, s.measure, s.direction, s.subject,
                   s.predicate, s.population, s.period, s.attribution,
                   m.rank, m.similarity, m.dense, m.lexical,
                   s.statement_id IN (SELECT statement_id FROM judged) AS used_for_verdict,
                   s.page, s.table_no, s.row_no, s.col_no, s.table_excerpt
            FROM ids
            JOIN source_statements s USING (statement_id)
            LEFT JOIN source_documents d ON d.source_id = s.source_id
            LEFT JOIN matches m ON m.statement_id = s.statement_id AND m.claim_id = $claim
            ORDER BY m.similarity DESC NULLS LAST, m.rank NULLS LAST, s.statement_id
            LIMIT $limit
            """,
            {"claim": claim_id, "limit": limit},
        )
    )
    for r in rows:
        r["used_for_verdict"] = bool(r["used_for_verdict"])
        r["table"] = json.loads(r.pop("table_excerpt")) if r.get("table_excerpt") else None
    return rows


def verdict_history(con: duckdb.DuckDBPyConnection, claim_id: str) -> list[Row]:
    """Every machine judgement of the claim, newest first."""
    rows = _rows(
        con.execute(
            """
            SELECT v.verdict_id, v.run_id, v.verdict, v.confidence, v.flagged, v.explanation,
                   v.statement_id, s.source_id, d.title AS source_title, v.similarity,
                   v.agree, v.disagree, v.comparisons, v.judge_version, v.judged_at,
                   v.rule, v.problem_probability
            FROM verdicts v
            LEFT JOIN source_statements s ON s.statement_id = v.statement_id
            LEFT JOIN source_documents d ON d.source_id = s.source_id
            WHERE v.claim_id = $claim
            ORDER BY v.verdict_id DESC
            """,
            {"claim": claim_id},
        )
    )
    for r in rows:
        r["comparisons"] = _parse_json(r["comparisons"])
    return rows


def review_log(con: duckdb.DuckDBPyConnection, claim_id: str) -> list[Row]:
    """The claim's editor decisions, newest first (the newest is the final verdict)."""
    return _rows(
        con.execute(
            "SELECT review_id, verdict, note, reviewer, user_id IS NOT NULL AS signed_in, machine_verdict, reviewed_at"
            " FROM reviews WHERE claim_id = $claim ORDER BY review_id DESC",
            {"claim": claim_id},
        )
    )


def article_detail(con: duckdb.DuckDBPyConnection, article_id: str) -> Row:
    """An article's stored text and all its claims with their current verdicts, in text order."""
    article = _one(
        con.execute(
            "SELECT article_id, path, title, text, added_at, updated_at, author, site, published"
            " FROM articles WHERE article_id = $a",
            {"a": article_id},
        )
    )
    if article is None:
        raise NotFound(f"no article with id {article_id!r}")
    claims = _rows(
        con.execute(
            f"SELECT {_QUEUE_COLUMNS} FROM ({_ARTICLE_QUEUE_BASE}) ORDER BY start_char, end_char, claim_id",
            {"article": article_id},
        )
    )
    by_verdict = dict.fromkeys(VERDICTS, 0)
    for c in claims:
        if c["verdict"] in by_verdict:
            by_verdict[c["verdict"]] += 1
    return {"article": article, "claims": claims, "counts": by_verdict}


def check_review(verdict: str, note: str, reviewer: str) -> str | None:
    """Why a decision cannot be stored, or None when it can; shared by the app's 400 page."""
    if not reviewer.strip():
        return "a reviewer name is required"
    if len(reviewer) > MAX_REVIEWER:
        return f"the reviewer name is longer than {MAX_REVIEWER} characters"
    if verdict not in VERDICTS:
        return f"verdict must be one of {', '.join(VERDICTS)}"
    if len(note) > MAX_NOTE:
        return f"the note is longer than {MAX_NOTE} characters"
    return None


def add_review(
    con: duckdb.DuckDBPyConnection,
    claim_id: str,
    verdict: str,
    note: str,
    reviewer: str,
    *,
    user_id: int | None = None,
    address: str | None = None,
) -> int:
    """Append an editor's decision, with the machine verdict it was made against, and its audit row.

    `reviewer` is the signed-in account's name and `user_id` its account (the desk
    passes both); rows from before accounts keep their free-text reviewer and no user_id.

    Raises ValueError for an unacceptable decision and NotFound for an unknown claim.
    """
    problem = check_review(verdict, note, reviewer)
    if problem:
        raise ValueError(problem)
    with transaction(con):
        row = con.execute(
            "SELECT claim_id, (SELECT verdict FROM verdicts WHERE claim_id = $claim"
            " ORDER BY verdict_id DESC LIMIT 1) FROM claims WHERE claim_id = $claim",
            {"claim": claim_id},
        ).fetchone()
        if row is None:
            raise NotFound(f"no claim with id {claim_id!r}")
        inserted = con.execute(
            "INSERT INTO reviews (claim_id, verdict, note, reviewer, machine_verdict, user_id)"
            " VALUES ($claim, $verdict, $note, $reviewer, $machine, $user) RETURNING review_id",
            {
                "claim": claim_id,
                "verdict": verdict,
                "note": note.strip() or None,
                "reviewer": reviewer.strip(),
                "machine": row[1],
                "user": user_id,
            },
        ).fetchone()
        accounts.audit(con, "review", actor=reviewer.strip(), subject=claim_id, address=address, detail=verdict)
    assert inserted is not None
    return int(inserted[0])
