"""Faster versions of store/writes.py functions, kept here as measured prototypes (the
benchmark writes the same rows both ways, checks they are equal, and reports both
times). The product took the idea over (issue #9): store/writes.py inserts rows from
one JSON parameter (strings stored once each, see its docstring) and vectors from numpy
columns; these numpy-only versions stay as the reference it is compared with.

Why the originals are slow: duckdb's Python binding (1.5.5) tries `import pandas` for
every Python float it converts from a parameter, and pandas is not installed here, so
each float costs a failed import (a sys.path scan, ~0.15 ms). A 384-float vector
stored with `executemany(... .tolist())` costs ~115 ms. A dict of numpy arrays, read by
duckdb's replacement scan (`SELECT ... FROM cols`, cols being a local dict), converts
whole columns in C: no per-value Python objects, no import attempts, no pandas or
pyarrow needed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import duckdb
import numpy as np

from claims.model import Claim, Verdict
from store.db import transaction
from store.writes import claim_id


def _obj(values: Sequence[object]) -> np.ndarray:
    """Strings as a fixed-width unicode array: duckdb reads it in C. (An object array costs a
    failed `import pandas` per element, like a Python float parameter.) None becomes '' here;
    `_nulls` keeps which ones were None. duckdb reads such a column as an ENUM: cast it
    `::VARCHAR` before any string or JSON function (an ENUM cast to JSON is a quoted string)."""
    return np.array(["" if v is None else str(v) for v in values], dtype=str) if len(values) else np.array([], dtype="<U1")


def _nulls(values: Sequence[object]) -> np.ndarray:
    return np.array([v is None for v in values], dtype=bool)


def _opt(cols: dict[str, np.ndarray], name: str, values: Sequence[object]) -> None:
    """A nullable string column: the text plus a `<name>__null` mask (see `_sql_opt`)."""
    cols[name] = _obj(values)
    cols[name + "__null"] = _nulls(values)


def _sql_opt(name: str) -> str:
    return f"CASE WHEN {name}__null THEN NULL ELSE {name}::VARCHAR END"


def _scan(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray], sql: str, params: list[object]) -> None:
    """Run `sql` reading `name`, a table view of numpy columns (converted in C, column by column)."""
    con.register(name, columns)
    try:
        con.execute(sql, params)
    finally:
        con.unregister(name)


def _f64(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def store_vectors(con: duckdb.DuckDBPyConnection, items: dict[str, np.ndarray], model: str) -> None:
    """Same rows as writes.store_vectors; one INSERT ... SELECT from numpy columns."""
    if not items:
        return
    mat = np.stack([np.asarray(v, dtype=np.float32) for v in items.values()])
    dim = mat.shape[1]
    cols = {f"c{j}": np.ascontiguousarray(mat[:, j]) for j in range(dim)}
    cols["h"] = _obj(list(items.keys()))
    vec = "[" + ",".join(f"c{j}" for j in range(dim)) + "]::FLOAT[]"
    with transaction(con):
        _scan(con, "cols", cols, f"INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector) SELECT h, ?, {dim}, {vec} FROM cols",
              [model])


def cached_vectors(con: duckdb.DuckDBPyConnection, hashes: Sequence[str], model: str) -> dict[str, np.ndarray]:
    """Same result as writes.cached_vectors; vectors come back as one numpy block."""
    if not hashes:
        return {}
    dims = [r[0] for r in con.execute("SELECT DISTINCT dim FROM embeddings WHERE model = ?", [model]).fetchall()]
    if len(dims) != 1:
        from store.writes import cached_vectors as slow

        return slow(con, hashes, model)
    con.register("wanted", {"h": _obj(sorted(set(hashes)))})
    try:
        res = con.execute(f"SELECT text_hash, vector::FLOAT[{dims[0]}] AS v FROM embeddings JOIN wanted ON text_hash = wanted.h"
                          " WHERE model = ?", [model]).fetchnumpy()
    finally:
        con.unregister("wanted")
    if len(res["text_hash"]) == 0:
        return {}
    mat = np.stack(res["v"]).astype(np.float32)
    return dict(zip(res["text_hash"].tolist(), mat, strict=True))


_CLAIM_COLS = ("claim_id, article_id, sentence, sentence_start, sentence_end, claim_text, start_char, end_char, claim_type,"
               " checkworthiness, checkable, not_checkable_reason, quantity_text, value, low, high, unit, hedge, measure, direction,"
               " subject, predicate, population, period, attribution, extractor, extractor_version")


def replace_article(
    con: duckdb.DuckDBPyConnection, *, article_id: str, path: str, title: str, text: str, content_hash: str,
    claims: Sequence[Claim], judged: Sequence[tuple[Verdict, list[tuple[str, int, float, float, float]]]],
    extractor: tuple[str, str], judge_version: str, flag_below: float, run_id: str | None,
) -> list[str]:
    """Same rows as writes.replace_article, in a constant number of statements per article."""
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
        if not claims:
            return ids
        qs = [c.quantity for c in claims]
        cl = {
            "claim_id": _obj(ids), "sentence": _obj([c.sentence for c in claims]),
            "sentence_start": np.array([c.sentence_start for c in claims], np.int64),
            "sentence_end": np.array([c.sentence_end for c in claims], np.int64),
            "claim_text": _obj([c.text for c in claims]), "start_char": np.array([c.start for c in claims], np.int64),
            "end_char": np.array([c.end for c in claims], np.int64), "claim_type": _obj([c.claim_type for c in claims]),
            "checkworthiness": _f64([c.checkworthiness for c in claims]),
            "checkable": np.array([bool(c.checkable) for c in claims]),
            "value": _f64([q.value if q else None for q in qs]), "low": _f64([q.low if q else None for q in qs]),
            "high": _f64([None if q is None or q.high == float("inf") else q.high for q in qs]),
        }
        optional = {
            "reason": [c.reason or None for c in claims], "quantity_text": [q.text if q else None for q in qs],
            "unit": [q.unit if q else None for q in qs], "hedge": [q.hedge if q else None for q in qs],
            "measure": [c.measure for c in claims], "direction": [c.direction for c in claims],
            "subject": [c.subject for c in claims], "predicate": [c.predicate for c in claims],
            "population": [c.population for c in claims], "period": [c.period for c in claims],
            "attribution": [c.attribution for c in claims],
        }
        for name, values in optional.items():
            _opt(cl, name, values)
        o = {name: _sql_opt(name) for name in optional}
        nan = "CASE WHEN isnan({0}) THEN NULL ELSE {0} END"
        _scan(
            con, "cl", cl,
            f"INSERT OR REPLACE INTO claims ({_CLAIM_COLS}) SELECT claim_id, ?, sentence, sentence_start, sentence_end, claim_text,"
            f" start_char, end_char, claim_type, {nan.format('checkworthiness')}, checkable, {o['reason']}, {o['quantity_text']},"
            f" {nan.format('value')}, {nan.format('low')}, {nan.format('high')}, {o['unit']}, {o['hedge']}, {o['measure']},"
            f" {o['direction']}, {o['subject']}, {o['predicate']}, {o['population']}, {o['period']}, {o['attribution']}, ?, ?"
            " FROM cl", [article_id, *extractor])
        # matches: replace every claim's candidates at once
        con.execute("DELETE FROM matches WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        m_rows = [(cid, sid, rank, sim, dense, lex) for cid, (_, cands) in zip(ids, judged, strict=True)
                  for sid, rank, sim, dense, lex in cands]
        if m_rows:
            ma = {"cid": _obj([r[0] for r in m_rows]), "sid": _obj([r[1] for r in m_rows]),
                  "rnk": np.array([r[2] for r in m_rows], np.int64), "sim": _f64([r[3] for r in m_rows]),
                  "den": _f64([r[4] for r in m_rows]), "lex": _f64([r[5] for r in m_rows])}
            _scan(con, "ma", ma, "INSERT OR REPLACE INTO matches (claim_id, statement_id, rank, similarity, dense, lexical, run_id)"
                  f" SELECT cid, sid, rnk, sim, {nan.format('den')}, {nan.format('lex')}, ? FROM ma", [run_id])
        # verdicts: one read of the latest verdicts, one insert of those that changed
        last = {r[0]: r[1:] for r in con.execute(
            "SELECT claim_id, verdict, statement_id, round(confidence, 3), judge_version FROM verdicts"
            " WHERE claim_id IN (SELECT unnest(?::VARCHAR[]))"
            " QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY verdict_id DESC) = 1", [ids]).fetchall()}
        new = []
        for cid, (v, _) in zip(ids, judged, strict=True):
            ev = v.evidence
            sid = ev.statement_id if ev else None
            prev = last.get(cid)
            if prev and prev[0] == v.verdict and prev[1] == sid and abs((prev[2] or 0) - round(v.confidence, 3)) < 1e-9 \
                    and prev[3] == judge_version:
                continue
            comps = [{"field": c.field, "claim": c.claim, "evidence": c.evidence, "agrees": c.agrees} for c in v.comparisons]
            new.append((cid, v, sid, ev.similarity if ev else None, json.dumps(comps)))
        if new:
            ve = {"ord": np.arange(len(new), dtype=np.int64), "cid": _obj([n[0] for n in new]),
                  "verdict": _obj([n[1].verdict for n in new]), "conf": _f64([n[1].confidence for n in new]),
                  "flagged": np.array([n[1].flagged(flag_below) for n in new]),
                  "expl": _obj([n[1].explanation for n in new]), "sim": _f64([n[3] for n in new]),
                  "agree": _obj([json.dumps(n[1].agree) for n in new]), "disagree": _obj([json.dumps(n[1].disagree) for n in new]),
                  "comps": _obj([n[4] for n in new])}
            _opt(ve, "sid", [n[2] for n in new])
            _scan(
                con, "ve", ve,
                "INSERT INTO verdicts (claim_id, run_id, verdict, confidence, flagged, explanation, statement_id, similarity, agree,"
                f" disagree, comparisons, judge_version) SELECT cid, ?, verdict, conf, flagged, expl, {_sql_opt('sid')},"
                f" {nan.format('sim')}, from_json(agree::VARCHAR, '[\"VARCHAR\"]'), from_json(disagree::VARCHAR, '[\"VARCHAR\"]'),"
                " comps::VARCHAR::JSON, ?"
                " FROM ve ORDER BY ord", [run_id, judge_version])
    return ids


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Rows of the tables an article write touches, without generated ids and timestamps."""
    return {
        "articles": con.execute("SELECT article_id, path, title, text, content_hash FROM articles ORDER BY 1").fetchall(),
        "claims": con.execute(f"SELECT {_CLAIM_COLS} FROM claims ORDER BY claim_id").fetchall(),
        "matches": con.execute("SELECT * FROM matches ORDER BY claim_id, statement_id").fetchall(),
        "verdicts": con.execute("SELECT claim_id, run_id, verdict, confidence, flagged, explanation, statement_id, similarity,"
                                " agree, disagree, comparisons::VARCHAR, judge_version FROM verdicts ORDER BY verdict_id").fetchall(),
        "embeddings": con.execute("SELECT text_hash, model, dim, vector FROM embeddings ORDER BY 1, 2").fetchall(),
    }
