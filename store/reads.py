"""Reads the pipeline and the CLI need: the statement index, the review queue, SQL for analysts."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from claims.model import Claim, Quantity


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
