"""Every write the pipeline makes. One article (or one source) is one transaction.

Ids are derived from content (article path, claim span and text), so re-running the
same inputs rewrites the same rows instead of adding duplicates, and an unchanged
claim keeps its id, and with it its editor reviews, when its article is revised.

Rows are written in bulk, never as Python float parameters: duckdb's Python binding
(1.5.5) tries `import pandas` for every Python float (and every element of an object
array) it converts, and pandas is not installed, so each such value costs a failed
import (~0.15 ms): a 384-float vector written with `executemany` took ~70 ms, an
article's claims, matches and verdicts ~0.3-0.4 s (benchmarks/RESULTS.md, issue #9).
So rows with text go in as one JSON parameter that DuckDB parses in C (`_json_rows`),
and vectors as numpy columns (`_scan`). JSON carries each string once, as many bytes
as it has: a fixed-width numpy unicode array would reserve the longest sentence's
length for every row, which for a hostile article (thousands of figures in one long
sentence) means gigabytes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import numpy as np

from claims.model import Claim, Verdict
from store import codec
from store.db import transaction

Candidates = list[tuple[str, int, float, float, float]]  # (statement_id, rank, similarity, dense, lexical)


def claim_id(article_id: str, claim: Claim) -> str:
    key = f"{article_id}|{claim.start}|{claim.end}|{claim.text}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def statement_id(source_id: str, finding: Claim) -> str:
    key = f"{source_id}|{finding.start}|{finding.end}|{finding.text}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# --- bulk input ---------------------------------------------------------------------------

def _json_rows(types: dict[str, object]) -> str:
    """A FROM clause over parameter `?`: a JSON array of objects with these keys, typed
    (a DuckDB type name, or ["VARCHAR"] for a list).

    DuckDB parses the JSON in C, so no value becomes a Python object on the way; floats
    round-trip exactly (Python writes the shortest repr, DuckDB's parser reads it back
    to the same double), and NaN/Infinity are accepted as they were as parameters.
    """
    spec = json.dumps([types]).replace("'", "''")
    return f"(SELECT unnest(r) FROM (SELECT unnest(from_json(?::VARCHAR, '{spec}')) AS r))"


def _dumps(rows: list[dict[str, object]]) -> str:
    return json.dumps(rows, ensure_ascii=False)


def _scan(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray], sql: str, params: list[object]) -> None:
    """Run `sql` reading `name`, a table of numpy columns that DuckDB converts in C, column by column.

    Only for numeric columns and short fixed-width strings (text hashes): a unicode column
    arrives as an ENUM, so it is cast `::VARCHAR` in the SQL.
    """
    con.register(name, columns)
    try:
        con.execute(sql, params)
    finally:
        con.unregister(name)


# --- sources --------------------------------------------------------------------------

def source_hash(con: duckdb.DuckDBPyConnection, source_id: str) -> str | None:
    row = con.execute("SELECT content_hash FROM source_documents WHERE source_id = ?", [source_id]).fetchone()
    return row[0] if row else None


def source_hashes(con: duckdb.DuckDBPyConnection, source_ids: Sequence[str]) -> dict[str, str]:
    """Stored content hashes of these sources (one query for a whole batch)."""
    return _hashes(con, "source_documents", "source_id", source_ids)


_STATEMENT_TYPES = {"statement_id": "VARCHAR", **codec.STATEMENT_TYPES,
                    "page": "INTEGER", "table_no": "INTEGER", "row_no": "INTEGER", "col_no": "INTEGER",
                    "table_excerpt": "VARCHAR"}
_STATEMENT_COLS = ", ".join(_STATEMENT_TYPES)


def replace_source(
    con: duckdb.DuckDBPyConnection, *, source_id: str, path: str, title: str, fmt: str, meta: dict[str, str],
    period: str | None, text: str, content_hash: str, findings: Sequence[Claim], extractor: tuple[str, str],
    cells: Sequence[tuple[int, int, dict[str, Any]]] = (),
) -> list[str]:
    """Write a source document and its statements, replacing any earlier version atomically.

    `cells` are the table statements' spans and origins (`Document.cells`): a finding
    inside one keeps its page, table, row, column and excerpt."""
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
            rows.append({"statement_id": sid, **codec.statement_to_row(f), **_table_origin(f, cells)})
        if rows:
            con.execute(
                f"INSERT INTO source_statements (source_id, {_STATEMENT_COLS}, extractor, extractor_version)"
                f" SELECT ?, {_STATEMENT_COLS}, ?, ? FROM {_json_rows(_STATEMENT_TYPES)}",
                [source_id, *extractor, _dumps(rows)],
            )
    return ids


def _table_origin(f: Claim, cells: Sequence[tuple[int, int, dict[str, Any]]]) -> dict[str, Any]:
    for start, end, origin in cells:
        if start <= f.start < end:
            return {"page": origin.get("page"), "table_no": origin.get("table_no"), "row_no": origin.get("row_no"),
                    "col_no": origin.get("col_no"), "table_excerpt": json.dumps(origin.get("excerpt"))}
    return {}


# --- embeddings cache -----------------------------------------------------------------

def cached_vectors(con: duckdb.DuckDBPyConnection, hashes: Sequence[str], model: str) -> dict[str, np.ndarray]:
    """Cached vectors of these text hashes for `model` (those not cached are absent).

    Read as one fixed-size float array per dimension and fetched as numpy: no Python
    float per component (reading 100k vectors: 12.5 s with `fetchall`, 1.8 s this way).
    """
    if not hashes:
        return {}
    wanted = sorted(set(hashes))
    con.register("_wanted", {"h": np.array(wanted, dtype=str)})
    try:
        out: dict[str, np.ndarray] = {}
        dims = [r[0] for r in con.execute(
            "SELECT DISTINCT dim FROM embeddings JOIN _wanted ON text_hash = h::VARCHAR WHERE model = ?", [model]).fetchall()]
        for dim in dims:
            res = con.execute(
                f"SELECT text_hash, vector::FLOAT[{int(dim)}] AS v FROM embeddings JOIN _wanted ON text_hash = h::VARCHAR"
                " WHERE model = ? AND dim = ?", [model, dim]).fetchnumpy()
            if len(res["text_hash"]):
                mat = np.stack(list(res["v"])).astype(np.float32, copy=False)
                out.update(zip(res["text_hash"].tolist(), mat, strict=True))
        return out
    finally:
        con.unregister("_wanted")


def store_vectors(con: duckdb.DuckDBPyConnection, items: dict[str, np.ndarray], model: str) -> None:
    """Add vectors to the cache (a hash already cached for `model` keeps its vector)."""
    if not items:
        return
    by_dim: dict[int, list[str]] = {}
    for h, v in items.items():
        by_dim.setdefault(int(np.asarray(v).shape[0]), []).append(h)
    with transaction(con):
        for dim, hs in by_dim.items():
            mat = np.stack([np.asarray(items[h], dtype=np.float32) for h in hs])
            cols = {f"c{j}": np.ascontiguousarray(mat[:, j]) for j in range(dim)}
            cols["h"] = np.array(hs, dtype=str)
            vec = "[" + ",".join(f"c{j}" for j in range(dim)) + "]::FLOAT[]"
            _scan(con, "_vectors", cols, "INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector)"
                  f" SELECT h::VARCHAR, ?, {dim}, {vec} FROM _vectors", [model])


# --- articles -------------------------------------------------------------------------

def article_hash(con: duckdb.DuckDBPyConnection, article_id: str) -> str | None:
    row = con.execute("SELECT content_hash FROM articles WHERE article_id = ?", [article_id]).fetchone()
    return row[0] if row else None


def article_hashes(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, str]:
    """Stored content hashes of these articles (one query for a whole batch)."""
    return _hashes(con, "articles", "article_id", article_ids)


def _hashes(con: duckdb.DuckDBPyConnection, table: str, key: str, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = con.execute(f"SELECT {key}, content_hash FROM {table} WHERE {key} IN (SELECT unnest(?::VARCHAR[]))",
                       [sorted(set(ids))]).fetchall()
    return dict(rows)


_CLAIM_TYPES = {"claim_id": "VARCHAR", **codec.CLAIM_TYPES, "related_claim_id": "VARCHAR"}
_CLAIM_COLS = ", ".join(_CLAIM_TYPES)


def replace_article(
    con: duckdb.DuckDBPyConnection, *, article_id: str, path: str, title: str, text: str, content_hash: str,
    claims: Sequence[Claim], judged: Sequence[tuple[Verdict, Candidates]],
    extractor: tuple[str, str], judge_version: str, flag_below: float, run_id: str | None,
    author: str | None = None, site: str | None = None, published: date | None = None,
) -> list[str]:
    """Write an article, its claims, candidate matches and verdicts in one transaction.

    `author`, `site` and `published` are the page's metadata (sources/html_page.py) or the
    text's header lines; each is NULL when the article does not say.

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
            con.execute("DELETE FROM computed_evidence WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))", [gone])
        con.execute("DELETE FROM claims WHERE article_id = ?", [article_id])
        exists = con.execute("SELECT 1 FROM articles WHERE article_id = ?", [article_id]).fetchone()
        if exists:
            con.execute("UPDATE articles SET path = ?, title = ?, text = ?, content_hash = ?, author = ?, site = ?,"
                        " published = ?, updated_at = current_timestamp WHERE article_id = ?",
                        [path, title, text, content_hash, author, site, published, article_id])
        else:
            con.execute("INSERT INTO articles (article_id, path, title, text, content_hash, author, site, published)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [article_id, path, title, text, content_hash, author, site, published])
        # One row per id; a repeated id keeps its last claim, as INSERT OR REPLACE row by row did.
        # A baseline or change links to its main figure's claim, found by where that claim starts.
        by_start = {c.start: cid for cid, c in zip(ids, claims, strict=True)}
        rows = {cid: {"claim_id": cid, **codec.claim_to_row(c), "related_claim_id": by_start.get(c.related_start)}
                for cid, c in zip(ids, claims, strict=True)}
        if rows:
            # Plain INSERT (not OR REPLACE, ~2x slower): the article's claims were deleted above,
            # and a claim id includes its article id, so no other row can hold one of these ids.
            con.execute(
                f"INSERT INTO claims (article_id, {_CLAIM_COLS}, extractor, extractor_version)"
                f" SELECT ?, {_CLAIM_COLS}, ?, ? FROM {_json_rows(_CLAIM_TYPES)}",
                [article_id, *extractor, _dumps(list(rows.values()))],
            )
        items = [(cid, v, cands) for cid, (v, cands) in zip(ids, judged, strict=True)]
        if len(rows) == len(ids):
            record_judgements(con, items, judge_version, flag_below, run_id)
        else:  # a repeated claim id (never seen in practice): one judgement after the other, as before
            for item in items:
                record_judgements(con, [item], judge_version, flag_below, run_id)
    return ids


def record_judgement(
    con: duckdb.DuckDBPyConnection, cid: str, verdict: Verdict, cands: Candidates,
    judge_version: str, flag_below: float, run_id: str | None,
) -> bool:
    """Replace a claim's candidate matches; append a verdict row only if the judgement changed.

    Returns True when a new verdict row was written (so re-runs add no duplicates).
    """
    return record_judgements(con, [(cid, verdict, cands)], judge_version, flag_below, run_id)[0]


_MATCH_TYPES = {"claim_id": "VARCHAR", "statement_id": "VARCHAR", "rank": "INTEGER", "similarity": "DOUBLE",
                "dense": "DOUBLE", "lexical": "DOUBLE"}
_VERDICT_TYPES: dict[str, object] = {"ord": "INTEGER", "claim_id": "VARCHAR", "verdict": "VARCHAR", "confidence": "DOUBLE", "flagged": "BOOLEAN",
                  "explanation": "VARCHAR", "statement_id": "VARCHAR", "similarity": "DOUBLE", "agree": ["VARCHAR"],
                  "disagree": ["VARCHAR"], "comparisons": "VARCHAR", "rule": "VARCHAR",
                  "problem_probability": "DOUBLE"}


def record_judgements(
    con: duckdb.DuckDBPyConnection, items: Sequence[tuple[str, Verdict, Candidates]],
    judge_version: str, flag_below: float, run_id: str | None,
) -> list[bool]:
    """`record_judgement` for several distinct claims at once, in a constant number of statements.

    For each (claim_id, verdict, candidates): the claim's matches are replaced, and a
    verdict row is appended unless its latest one has the same verdict, evidence,
    confidence (to 3 places), judge version and deciding rule. Returns, per item, whether a
    row was added.
    """
    if not items:
        return []
    ids = [cid for cid, _, _ in items]
    if len(set(ids)) != len(ids):
        raise ValueError("record_judgements needs distinct claim ids")
    con.execute("DELETE FROM matches WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    # One row per (claim, statement), the last one winning as INSERT OR REPLACE row by row did;
    # then a plain INSERT, since these claims' matches were just deleted.
    matches = list({(cid, sid): {"claim_id": cid, "statement_id": sid, "rank": rank, "similarity": sim, "dense": dense,
                                 "lexical": lex}
                    for cid, _, cands in items for sid, rank, sim, dense, lex in cands}.values())
    if matches:
        con.execute(
            "INSERT INTO matches (claim_id, statement_id, rank, similarity, dense, lexical, run_id)"
            f" SELECT claim_id, statement_id, rank, similarity, dense, lexical, ? FROM {_json_rows(_MATCH_TYPES)}",
            [run_id, _dumps(matches)],
        )
    last = {r[0]: r[1:] for r in con.execute(
        "SELECT claim_id, verdict, statement_id, round(confidence, 3), judge_version, rule, ce.expression FROM verdicts"
        " LEFT JOIN computed_evidence ce USING (verdict_id, claim_id)"
        " WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))"
        " QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY verdict_id DESC) = 1", [ids]).fetchall()}
    new, added = [], []
    for cid, verdict, _ in items:
        ev = verdict.evidence
        sid = ev.statement_id if ev else None
        prev = last.get(cid)
        rule = verdict.rule or None
        if (prev and prev[0] == verdict.verdict and prev[1] == sid and abs((prev[2] or 0) - round(verdict.confidence, 3)) < 1e-9
                and prev[3] == judge_version and prev[4] == rule
                and prev[5] == (verdict.computed.expression if verdict.computed else None)):
            added.append(False)
            continue
        added.append(True)
        comps = [{"field": c.field, "claim": c.claim, "evidence": c.evidence, "agrees": c.agrees} for c in verdict.comparisons]
        new.append({"ord": len(new), "claim_id": cid, "verdict": verdict.verdict, "confidence": verdict.confidence,
                    "flagged": verdict.flagged(flag_below), "explanation": verdict.explanation, "statement_id": sid,
                    "similarity": ev.similarity if ev else None, "agree": verdict.agree, "disagree": verdict.disagree,
                    "comparisons": json.dumps(comps), "rule": rule,
                    "problem_probability": verdict.problem_probability})
    if new:
        # ORDER BY ord: verdict ids are handed out in claim order, as one INSERT per claim did.
        con.execute(
            "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, statement_id, similarity, agree,"
            " disagree, comparisons, judge_version, rule, problem_probability) SELECT claim_id, ?, verdict, confidence,"
            " flagged, explanation, statement_id, similarity, agree, disagree, comparisons::JSON, ?, rule,"
            f" problem_probability FROM {_json_rows(_VERDICT_TYPES)} ORDER BY ord",
            [run_id, judge_version, _dumps(new)],
        )
        _record_computed(con, [(cid, v) for (cid, v, _), a in zip(items, added, strict=True) if a and v.computed])
    return added


_COMPUTED_TYPES: dict[str, object] = {"claim_id": "VARCHAR", "operation": "VARCHAR", "operand_statement_ids": ["VARCHAR"],
                                      "operand_values": ["DOUBLE"], "result": "DOUBLE", "result_low": "DOUBLE",
                                      "result_high": "DOUBLE", "unit": "VARCHAR", "expression": "VARCHAR", "fits": "BOOLEAN"}


def _record_computed(con: duckdb.DuckDBPyConnection, items: Sequence[tuple[str, Verdict]]) -> None:
    """The computed evidence (issue #15) of verdict rows just added, keyed by each claim's newest verdict id."""
    if not items:
        return
    rows = []
    for cid, v in items:
        ce = v.computed
        assert ce is not None
        rows.append({"claim_id": cid, "operation": ce.operation, "operand_statement_ids": [e.statement_id for e in ce.operands],
                     "operand_values": list(ce.operand_values), "result": ce.result, "result_low": ce.low,
                     "result_high": ce.high, "unit": ce.unit, "expression": ce.expression, "fits": ce.fits})
    con.execute(
        "INSERT INTO computed_evidence (verdict_id, claim_id, operation, operand_statement_ids, operand_values, result,"
        " result_low, result_high, unit, expression, fits)"
        " SELECT (SELECT max(verdict_id) FROM verdicts v WHERE v.claim_id = j.claim_id), claim_id, operation,"
        " operand_statement_ids, operand_values, result, result_low, result_high, unit, expression, fits"
        f" FROM {_json_rows(_COMPUTED_TYPES)} j",
        [_dumps(rows)],
    )


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
