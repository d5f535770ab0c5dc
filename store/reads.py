"""Reads the pipeline and the CLI need: the statement index, the review queue, SQL for analysts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import duckdb

from claims.model import Claim, Quantity
from store.migrations import MIGRATIONS, VIEWS


@dataclass(frozen=True)
class StatementRow:
    statement_id: str
    source_id: str
    source_title: str
    text: str
    start: int
    end: int
    finding: Claim


_STATEMENT_SQL = """
SELECT s.statement_id, s.source_id, d.title, s.text, s.start_char, s.end_char, s.finding_text, s.quantity_text, s.value, s.low, s.high,
       s.unit, s.hedge, s.measure, s.direction, s.subject, s.predicate, s.population, s.period, s.attribution
FROM source_statements s JOIN source_documents d USING (source_id)
ORDER BY s.source_id, s.start_char, s.statement_id
"""


def load_statements(con: duckdb.DuckDBPyConnection) -> list[StatementRow]:
    """All source statements with their findings rebuilt as Claims, for retrieval and judging."""
    out = []
    for r in con.execute(_STATEMENT_SQL).fetchall():
        (sid, src, title, text, start, end, ftext, qtext, value, low, high, unit, hedge, measure, direction, subject,
         predicate, population, period, attribution) = r
        q = None
        if value is not None:
            hi = float("inf") if high is None else high
            hedge_kind = (hedge or "").lower()
            q = Quantity(value=value, low=low, high=hi, unit=unit, text=qtext or "", start=start, end=end, hedge=hedge,
                         low_inclusive=not re.match(r"more than|over|above|just over|in excess", hedge_kind),
                         high_inclusive=not re.match(r"nearly|almost|just under|less than|fewer than|under|below", hedge_kind))
        finding = Claim(text=ftext or text, start=start, end=end, sentence=text, sentence_start=start, sentence_end=end,
                        quantity=q, measure=measure or "none", direction=direction, subject=subject or "",
                        predicate=predicate or "", population=population or "", period=period, attribution=attribution)
        out.append(StatementRow(sid, src, title or "", text, start, end, finding))
    return out


def review_queue(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict[str, object]]:
    """Claims as an editor sees them: problems first, then low confidence."""
    sql = """
        SELECT claim_id, article_title, claim_text, verdict, confidence, flagged, explanation, source_title, evidence_text
        FROM claim_verdicts
        ORDER BY CASE verdict WHEN 'contradicted' THEN 0 WHEN 'misrepresented' THEN 1 WHEN 'unverifiable' THEN 2
                              WHEN 'supported' THEN 3 ELSE 4 END, confidence, article_title, start_char
    """
    if limit:
        sql += " LIMIT ?"
    cur = con.execute(sql, [limit] if limit else [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def claims_for_eval(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    cur = con.execute("SELECT article_path, claim_id, claim_text, start_char, end_char, verdict, flagged FROM claim_verdicts")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def article_texts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT path, text FROM articles").fetchall())


# --- the analysts' surface: `claimdesk sql`, exports and the article report -------------

def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every migration is applied and every view matches its definition in `VIEWS`.

    Read-only connections never migrate, so the CLI's read-only commands ask this first and,
    on an older database, open it once for writing to bring the views up to date.
    """
    try:
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
        have = dict(con.execute("SELECT name, sql_hash FROM schema_views").fetchall())
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    except duckdb.Error:
        return False
    if any(m.version not in done for m in MIGRATIONS):
        return False
    # The same digest `store.migrations` records when it (re)creates a view.
    return all(
        name in views and have.get(name) == hashlib.sha1(sql.encode("utf-8")).hexdigest() for name, sql in VIEWS.items()
    )


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


_CLAIM_VERDICTS_SQL = "SELECT * FROM claim_verdicts {where} ORDER BY article_path, start_char, end_char, claim_id"
_REVIEWED = "WHERE reviewed_verdict IS NOT NULL"


def claim_verdict_rows(con: duckdb.DuckDBPyConnection, *, reviewed_only: bool = False) -> list[dict[str, Any]]:
    """`claim_verdicts` rows in article and text order, as dicts (the ClaimReview export reads these)."""
    return _dicts(con.execute(_CLAIM_VERDICTS_SQL.format(where=_REVIEWED if reviewed_only else "")))


def write_claim_verdicts(con: duckdb.DuckDBPyConnection, path: str, fmt: str, *, reviewed_only: bool = False) -> int:
    """Write `claim_verdicts` to a CSV or Parquet file; returns the number of rows written.

    DuckDB writes the file itself, so list columns (agree, disagree) stay lists in Parquet.
    """
    rel = con.sql(_CLAIM_VERDICTS_SQL.format(where=_REVIEWED if reviewed_only else ""))
    if fmt == "csv":
        rel.write_csv(path, header=True)
    elif fmt == "parquet":
        rel.write_parquet(path)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    row = con.execute(f"SELECT count(*) FROM claim_verdicts {_REVIEWED if reviewed_only else ''}").fetchone()
    return int(row[0]) if row else 0


def article_report(con: duckdb.DuckDBPyConnection, article_id: str) -> dict[str, Any] | None:
    """An article's stored text and its claims (current verdict, evidence, reason) in text order.

    None when there is no such article. `start_char`/`end_char` of each claim index `text`.
    """
    rows = _dicts(con.execute(
        "SELECT article_id, path, title, text, added_at, updated_at FROM articles WHERE article_id = ?", [article_id]
    ))
    if not rows:
        return None
    claims = _dicts(con.execute(
        """
        SELECT cv.claim_id, cv.claim_text, cv.sentence, cv.start_char, cv.end_char, cv.claim_type,
               cv.verdict, cv.machine_verdict, cv.confidence, cv.flagged, cv.explanation,
               cv.source_id, cv.source_title, d.path AS source_path, d.publisher AS source_publisher,
               cv.evidence_text, cv.similarity, cv.reviewed_verdict, cv.reviewer, cv.reviewed_at, cv.review_note,
               cv.agree, cv.disagree, c.not_checkable_reason
        FROM claim_verdicts cv
        JOIN claims c USING (claim_id)
        LEFT JOIN source_documents d ON d.source_id = cv.source_id
        WHERE cv.article_id = ?
        ORDER BY cv.start_char, cv.end_char, cv.claim_id
        """,
        [article_id],
    ))
    return {"article": rows[0], "claims": claims}


# --- incremental runs and re-checks (issue #6) ------------------------------------------

def cached_hashes(con: duckdb.DuckDBPyConnection, hashes: list[str], model: str) -> set[str]:
    """Which text hashes already have a vector for `model`, without loading the vectors."""
    if not hashes:
        return set()
    rows = con.execute(
        "SELECT text_hash FROM embeddings WHERE model = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]))",
        [model, sorted(set(hashes))],
    ).fetchall()
    return {r[0] for r in rows}


def article_claim_texts(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> list[str]:
    """Sentences and clause texts of the stored claims of these articles: what their retrieval embedded."""
    if not article_ids:
        return []
    rows = con.execute(
        "SELECT sentence, claim_text FROM claims WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [article_ids]
    ).fetchall()
    return sorted({t for row in rows for t in row})


def source_statement_texts(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> list[str]:
    """Statement sentences already stored for these sources (embedded when they were indexed)."""
    if not source_ids:
        return []
    rows = con.execute(
        "SELECT DISTINCT text FROM source_statements WHERE source_id IN (SELECT unnest(?::VARCHAR[]))", [source_ids]
    ).fetchall()
    return sorted(r[0] for r in rows)


# A claim's evidence was gathered from the index as it stood when its latest verdict's run
# started (the run loads the index after it starts; without a run, when it was judged).
# A completed re-check re-judged every claim that was stale when it started, so it also
# vouches for the claims that already had their verdict then. A claim needs a re-check when
# a source was added or revised after that moment. Claims that are not checkable statistics
# are left alone: their verdict does not depend on evidence.
_RECHECK_SQL = """
WITH latest AS (
    SELECT v.claim_id, v.judged_at, coalesce(r.started_at, v.judged_at) AS run_start
    FROM verdicts v LEFT JOIN runs r ON r.run_id = v.run_id
    QUALIFY row_number() OVER (PARTITION BY v.claim_id ORDER BY v.verdict_id DESC) = 1
),
mark AS (SELECT max(started_at) AS t FROM runs WHERE kind = 'recheck' AND status = 'completed'),
judged AS (
    SELECT c.claim_id, c.article_id,
           CASE WHEN m.t IS NOT NULL AND l.judged_at < m.t THEN greatest(l.run_start, m.t) ELSE l.run_start END AS as_of
    FROM claims c LEFT JOIN latest l USING (claim_id) CROSS JOIN mark m
    WHERE c.checkable AND c.value IS NOT NULL
)
SELECT claim_id, article_id FROM judged
WHERE ? OR as_of IS NULL OR as_of < (SELECT max(updated_at) FROM source_documents)
ORDER BY article_id, claim_id
"""


def claims_to_recheck(con: duckdb.DuckDBPyConnection, *, all_claims: bool = False) -> dict[str, set[str]]:
    """Claim ids to re-judge, by article: those judged before some source was added or revised
    (every checkable claim when `all_claims`)."""
    out: dict[str, set[str]] = {}
    for cid, aid in con.execute(_RECHECK_SQL, [all_claims]).fetchall():
        out.setdefault(aid, set()).add(cid)
    return out


_CLAIM_SQL = """
SELECT claim_id, article_id, claim_text, start_char, end_char, sentence, sentence_start, sentence_end, quantity_text, value,
       low, high, unit, hedge, measure, direction, subject, predicate, population, period, attribution, claim_type,
       checkworthiness, checkable, not_checkable_reason
FROM claims WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY article_id, start_char, end_char, claim_id
"""


def load_article_claims(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, list[tuple[str, Claim]]]:
    """Stored claims rebuilt as Claims, by article in text order, so they can be re-judged
    without reading or parsing the articles again."""
    out: dict[str, list[tuple[str, Claim]]] = {}
    if not article_ids:
        return out
    for r in con.execute(_CLAIM_SQL, [article_ids]).fetchall():
        (cid, aid, text, start, end, sentence, s_start, s_end, qtext, value, low, high, unit, hedge, measure, direction,
         subject, predicate, population, period, attribution, claim_type, checkworthiness, checkable, reason) = r
        claim = Claim(text=text, start=start, end=end, sentence=sentence, sentence_start=s_start, sentence_end=s_end,
                      quantity=_stored_quantity(qtext, value, low, high, unit, hedge, start, end), measure=measure or "none",
                      direction=direction, subject=subject or "", predicate=predicate or "", population=population or "",
                      period=period, attribution=attribution, claim_type=claim_type, checkworthiness=checkworthiness or 0.0,
                      checkable=bool(checkable), reason=reason or "")
        out.setdefault(aid, []).append((cid, claim))
    return out


def _stored_quantity(qtext: str | None, value: float | None, low: float | None, high: float | None, unit: str | None,
                     hedge: str | None, start: int, end: int) -> Quantity | None:
    """A stored quantity, with the bounds' inclusiveness read back from the hedge as for statements."""
    if value is None:
        return None
    kind = (hedge or "").lower()
    return Quantity(value=value, low=value if low is None else low, high=float("inf") if high is None else high,
                    unit=unit or "", text=qtext or "", start=start, end=end, hedge=hedge,
                    low_inclusive=not re.match(r"more than|over|above|just over|in excess", kind),
                    high_inclusive=not re.match(r"nearly|almost|just under|less than|fewer than|under|below", kind))


def latest_machine_verdicts(con: duckdb.DuckDBPyConnection, claim_ids: list[str]) -> dict[str, str]:
    """The newest machine verdict of each claim (editor reviews aside)."""
    if not claim_ids:
        return {}
    return dict(con.execute(
        "SELECT claim_id, verdict FROM verdicts WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))"
        " QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY verdict_id DESC) = 1", [claim_ids]
    ).fetchall())


def latest_reviews(con: duckdb.DuckDBPyConnection, claim_ids: list[str]) -> dict[str, str]:
    """The newest editor verdict of each reviewed claim: final, whatever later runs decide."""
    if not claim_ids:
        return {}
    return dict(con.execute(
        "SELECT claim_id, verdict FROM reviews WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))"
        " QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY review_id DESC) = 1", [claim_ids]
    ).fetchall())
