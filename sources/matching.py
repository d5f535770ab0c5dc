"""Matching claims to source statements: retrieve candidates for each claim, then judge it.

The statement index (rows, their vectors, BM25, optionally an approximate index) is
built once per run from what the store loaded; `judge_claims` is pure given the vectors
of the claims' retrieval texts (`sources.retrieval_text`), so a check and a re-check of
the same claims retrieve and judge them alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from claimdesk.settings import Settings
from claims.decision import calibrated_judge, shipped_model
from claims.judge import Thresholds
from claims.model import Claim, Verdict
from sources.lexical import BM25
from sources.retrieval_text import is_retrievable, retrieval_text
from sources.retrieve import AnnIndex, rank_candidates

if TYPE_CHECKING:
    from store.reads import StatementRow  # the type only: the index is built from what the store loaded

# (verdict, [(statement_id, rank, hybrid, dense, lexical) for each candidate, best first])
Judged = list[tuple[Verdict, list[tuple[str, int, float, float, float]]]]


@dataclass
class StatementIndex:
    """Source statements in memory with their vectors and a BM25 index, built once per run."""

    rows: Sequence[StatementRow]
    vectors: np.ndarray
    bm25: BM25 | None
    ann: AnnIndex | None = None  # approximate search, for large corpora (`retrieval.ann_min_statements`)

    @classmethod
    def build(cls, rows: Sequence[StatementRow], vectors: np.ndarray, *, ann_min_statements: int) -> StatementIndex:
        bm25 = BM25([r.text for r in rows]) if rows else None
        ann = AnnIndex.build(vectors) if len(rows) >= ann_min_statements else None
        return cls(rows, vectors, bm25, ann)


def thresholds(settings: Settings) -> Thresholds:
    """The judge's thresholds from config.yaml's `judge` and `retrieval` sections (one typed object)."""
    return settings.thresholds()


def judge_claims(claims: Sequence[Claim], settings: Settings, index: StatementIndex,
                 vectors: Mapping[str, np.ndarray]) -> Judged:
    """Retrieve candidates for each claim of one article and judge it.

    `claims` are the whole article's (a retrieval text depends on the sentence's other
    claims); `vectors` (text -> vector) holds the vectors of their retrieval texts.
    """
    t = thresholds(settings)
    model = shipped_model() if t.calibrated_confidence else None
    retrievable = [i for i, c in enumerate(claims) if is_retrievable(c)]
    ranked: dict[int, list[tuple[int, float, float, float]]] = {}
    if retrievable and index.rows and index.bm25 is not None:
        texts = [retrieval_text(claims[i], claims) for i in retrievable]
        vecs = np.stack([vectors[x] for x in texts])
        for i, cands in zip(retrievable, rank_candidates(vecs, index.vectors, texts, index.bm25, settings.retrieval.top_k,
                                                          settings.retrieval.lexical_weight, ann=index.ann), strict=True):
            ranked[i] = cands
    results: Judged = []
    for i, c in enumerate(claims):
        cands = ranked.get(i, [])
        rows = [index.rows[j] for j, _h, _d, _l in cands]
        evidence = [row.as_evidence(hybrid) for row, (_j, hybrid, _dense, _lex) in zip(rows, cands, strict=True)]
        stored = [(row.statement_id, rank, hybrid, dense, lex)
                  for rank, (row, (_j, hybrid, dense, lex)) in enumerate(zip(rows, cands, strict=True), 1)]
        results.append((calibrated_judge(c, evidence, t, model), stored))
    return results
