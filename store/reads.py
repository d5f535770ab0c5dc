"""Reads the pipeline and the CLI need: the statement index, the review queue, SQL for analysts."""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb

from claims.model import Claim, Statement
from store import codec
from store.migrations import MIGRATIONS, VIEWS
from store.vocabulary_sql import QUEUE_ORDER

# A stored statement as the store loads it (the claim model's `Statement`).
StatementRow = Statement


_STATEMENT_SQL = f"""
SELECT s.statement_id, s.source_id, d.title AS source_title, {", ".join("s." + c for c in codec.STATEMENT_TYPES)}
FROM source_statements s JOIN source_documents d USING (source_id)
ORDER BY s.source_id, s.start_char, s.statement_id
"""


def load_statements(con: duckdb.DuckDBPyConnection) -> list[StatementRow]:
    """All source statements with their findings rebuilt as Claims, for retrieval and judging."""
    cur = con.execute(_STATEMENT_SQL)
    cols = [d[0] for d in cur.description or ()]
    out = []
    for r in cur.fetchall():
        row = dict(zip(cols, r, strict=True))
        out.append(StatementRow(row["statement_id"], row["source_id"], row["source_title"] or "", row["text"],
                                row["start_char"], row["end_char"], codec.statement_from_row(row)))
    return out


def statements_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(count, sum of row hashes) of the stored statements with their documents' titles:
    what `load_statements` would return, in one scan, so a warm process can tell whether
    the statement index it holds is still the database's (`flows.steps.load_index`)."""
    count, total = con.execute("SELECT count(*), coalesce(sum(hash(s, d.title)), 0) "
                               "FROM source_statements s JOIN source_documents d USING (source_id)").fetchone() or (0, 0)
    return int(count), int(total)


def review_queue(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict[str, object]]:
    """Claims in review-queue order (`store.vocabulary_sql.QUEUE_ORDER`): problems first, then the least sure."""
    sql = f"""
        SELECT claim_id, article_title, claim_text, verdict, confidence, flagged, explanation, source_title, evidence_text
        FROM claim_verdicts
        ORDER BY {QUEUE_ORDER}
    """
    if limit:
        sql += " LIMIT ?"
    cur = con.execute(sql, [limit] if limit else [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def claims_for_eval(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    cur = con.execute("SELECT article_path, claim_id, claim_text, start_char, end_char, verdict, flagged, rule FROM claim_verdicts")
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


_CLAIM_SQL = f"""
SELECT claim_id, article_id, {", ".join(codec.CLAIM_TYPES)}
FROM claims WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY article_id, start_char, end_char, claim_id
"""


def load_article_claims(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, list[tuple[str, Claim]]]:
    """Stored claims rebuilt as Claims, by article in text order, so they can be re-judged
    without reading or parsing the articles again."""
    out: dict[str, list[tuple[str, Claim]]] = {}
    if not article_ids:
        return out
    cur = con.execute(_CLAIM_SQL, [article_ids])
    cols = [d[0] for d in cur.description or ()]
    for r in cur.fetchall():
        row = dict(zip(cols, r, strict=True))
        out.setdefault(row["article_id"], []).append((row["claim_id"], codec.claim_from_row(row)))
    return out


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
