"""Every write the pipeline makes. One article (or one source) is one transaction.

Ids are derived from content (article path, claim span and text), so re-running the
same inputs rewrites the same rows instead of adding duplicates, and an unchanged
claim keeps its id, and with it its editor reviews, when its article is revised.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence

import duckdb
import numpy as np

from claims.model import Claim, Verdict
from store.db import transaction


def claim_id(article_id: str, claim: Claim) -> str:
    key = f"{article_id}|{claim.start}|{claim.end}|{claim.text}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def statement_id(source_id: str, finding: Claim) -> str:
    key = f"{source_id}|{finding.start}|{finding.end}|{finding.text}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _quantity_cols(c: Claim) -> list[object]:
    q = c.quantity
    return [
        q.text if q else None, q.value if q else None,
        q.low if q else None, None if q is None or q.high == float("inf") else q.high,
        q.unit if q else None, q.hedge if q else None,
    ]


# --- sources --------------------------------------------------------------------------

def source_hash(con: duckdb.DuckDBPyConnection, source_id: str) -> str | None:
    row = con.execute("SELECT content_hash FROM source_documents WHERE source_id = ?", [source_id]).fetchone()
    return row[0] if row else None


def replace_source(
    con: duckdb.DuckDBPyConnection, *, source_id: str, path: str, title: str, fmt: str, meta: dict[str, str],
    period: str | None, text: str, content_hash: str, findings: Sequence[Claim], extractor: tuple[str, str],
) -> list[str]:
    """Write a source document and its statements, replacing any earlier version atomically."""
    ids = []
    with transaction(con):
        con.execute("DELETE FROM source_statements WHERE source_id = ?", [source_id])
        con.execute("DELETE FROM source_documents WHERE source_id = ?", [source_id])
        con.execute(
            "INSERT INTO source_documents (source_id, path, title, format, publisher, published, period, text, content_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [source_id, path, title, fmt, meta.get("publisher"), meta.get("published"), period, text, content_hash],
        )
        rows = []
        seen = set()
        for f in findings:
            sid = statement_id(source_id, f)
            if sid in seen:
                continue
            seen.add(sid)
            ids.append(sid)
            rows.append([sid, source_id, f.sentence, f.start, f.end, f.text, *_quantity_cols(f), f.measure,
                         f.direction, f.subject, f.predicate, f.population, f.period, f.attribution, *extractor])
        if rows:
            con.executemany(
                "INSERT INTO source_statements (statement_id, source_id, text, start_char, end_char, finding_text, quantity_text, value,"
                " low, high, unit, hedge, measure, direction, subject, predicate, population, period, attribution, extractor,"
                " extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    return ids


# --- embeddings cache -----------------------------------------------------------------

def cached_vectors(con: duckdb.DuckDBPyConnection, hashes: Sequence[str], model: str) -> dict[str, np.ndarray]:
    if not hashes:
        return {}
    rows = con.execute(
        "SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]))",
        [model, list(set(hashes))],
    ).fetchall()
    return {h: np.asarray(v, dtype=np.float32) for h, v in rows}


def store_vectors(con: duckdb.DuckDBPyConnection, items: dict[str, np.ndarray], model: str) -> None:
    if not items:
        return
    rows = [[h, model, int(v.shape[0]), v.astype(np.float32).tolist()] for h, v in items.items()]
    with transaction(con):
        con.executemany("INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector) VALUES (?, ?, ?, ?)", rows)


# --- articles -------------------------------------------------------------------------

def article_hash(con: duckdb.DuckDBPyConnection, article_id: str) -> str | None:
    row = con.execute("SELECT content_hash FROM articles WHERE article_id = ?", [article_id]).fetchone()
    return row[0] if row else None


def replace_article(
    con: duckdb.DuckDBPyConnection, *, article_id: str, path: str, title: str, text: str, content_hash: str,
    claims: Sequence[Claim], judged: Sequence[tuple[Verdict, list[tuple[str, int, float, float, float]]]],
    extractor: tuple[str, str], judge_version: str, flag_below: float, run_id: str | None,
) -> list[str]:
    """Write an article, its claims, candidate matches and verdicts in one transaction.

    `judged[i]` is claim i's verdict and its candidates as (statement_id, rank,
    similarity, dense, lexical). Claims that disappeared from a revised article are
    removed with their matches; their reviews stay in the audit log.
    """
    ids = [claim_id(article_id, c) for c in claims]
    with transaction(con):
        old = {r[0] for r in con.execute("SELECT claim_id FROM claims WHERE article_id = ?", [article_id]).fetchall()}
        gone = sorted(old - set(ids))
        if gone:
            con.execute("DELETE FROM matches WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))", [gone])
            con.execute("DELETE FROM verdicts WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))", [gone])
        con.execute("DELETE FROM claims WHERE article_id = ?", [article_id])
        exists = con.execute("SELECT 1 FROM articles WHERE article_id = ?", [article_id]).fetchone()
        if exists:
            con.execute("UPDATE articles SET path = ?, title = ?, text = ?, content_hash = ?, updated_at = current_timestamp"
                        " WHERE article_id = ?", [path, title, text, content_hash, article_id])
        else:
            con.execute("INSERT INTO articles (article_id, path, title, text, content_hash) VALUES (?, ?, ?, ?, ?)",
                        [article_id, path, title, text, content_hash])
        claim_rows = []
        for cid, c in zip(ids, claims, strict=True):
            claim_rows.append([cid, article_id, c.sentence, c.sentence_start, c.sentence_end, c.text, c.start, c.end,
                               c.claim_type, c.checkworthiness, c.checkable, c.reason or None, *_quantity_cols(c), c.measure,
                               c.direction, c.subject, c.predicate, c.population, c.period, c.attribution, *extractor])
        if claim_rows:
            con.executemany(
                "INSERT OR REPLACE INTO claims (claim_id, article_id, sentence, sentence_start, sentence_end, claim_text, start_char,"
                " end_char, claim_type, checkworthiness, checkable, not_checkable_reason, quantity_text, value, low, high, unit, hedge,"
                " measure, direction, subject, predicate, population, period, attribution, extractor, extractor_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                claim_rows,
            )
        for cid, (verdict, cands) in zip(ids, judged, strict=True):
            record_judgement(con, cid, verdict, cands, judge_version, flag_below, run_id)
    return ids


def record_judgement(
    con: duckdb.DuckDBPyConnection, cid: str, verdict: Verdict, cands: list[tuple[str, int, float, float, float]],
    judge_version: str, flag_below: float, run_id: str | None,
) -> bool:
    """Replace a claim's candidate matches; append a verdict row only if the judgement changed.

    Returns True when a new verdict row was written (so re-runs add no duplicates).
    """
    con.execute("DELETE FROM matches WHERE claim_id = ?", [cid])
    if cands:
        con.executemany(
            "INSERT OR REPLACE INTO matches (claim_id, statement_id, rank, similarity, dense, lexical, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[cid, sid, rank, sim, dense, lex, run_id] for sid, rank, sim, dense, lex in cands],
        )
    ev = verdict.evidence
    sid = ev.statement_id if ev else None
    last = con.execute(
        "SELECT verdict, statement_id, round(confidence, 3), judge_version FROM verdicts WHERE claim_id = ? ORDER BY verdict_id DESC LIMIT 1",
        [cid],
    ).fetchone()
    if last and last[0] == verdict.verdict and last[1] == sid and abs((last[2] or 0) - round(verdict.confidence, 3)) < 1e-9 and last[3] == judge_version:
        return False
    comps = [{"field": c.field, "claim": c.claim, "evidence": c.evidence, "agrees": c.agrees} for c in verdict.comparisons]
    con.execute(
        "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, statement_id, similarity, agree, disagree,"
        " comparisons, judge_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [cid, run_id, verdict.verdict, verdict.confidence, verdict.flagged(flag_below), verdict.explanation, sid,
         ev.similarity if ev else None, verdict.agree, verdict.disagree, json.dumps(comps), judge_version],
    )
    return True


# --- runs -----------------------------------------------------------------------------

def start_run(con: duckdb.DuckDBPyConnection, kind: str) -> str:
    run_id = uuid.uuid4().hex[:16]
    con.execute("INSERT INTO runs (run_id, kind, status) VALUES (?, ?, 'running')", [run_id, kind])
    return run_id


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, *, status: str, n_inputs: int, n_claims: int, n_errors: int,
               details: dict[str, object]) -> None:
    con.execute(
        "UPDATE runs SET finished_at = current_timestamp, status = ?, n_inputs = ?, n_claims = ?, n_errors = ?, details = ? WHERE run_id = ?",
        [status, n_inputs, n_claims, n_errors, json.dumps(details), run_id],
    )
