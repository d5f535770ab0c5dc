"""Candidate retrieval: rank source statements for each claim by a hybrid of
embedding cosine similarity and BM25.

Pure functions on arrays, shared by the pipeline (sources → match) and by
`benchmarks/retrieval.py`, so the benchmark measures exactly what runs.

Why a hybrid: cosine similarity of sentence embeddings finds paraphrases
("fell by a fifth" ~ "down 20%") but blurs exact numbers and names; BM25
rewards the rare words and figures a claim shares with its source. On the CLEF
verified-claim benchmarks a linear mix beats either signal alone (see
benchmarks/README.md, section Retrieval, for the figures and the tuning).

Why a linear mix of cosine with max-normalised BM25 rather than reciprocal rank
fusion: both were measured on the dev splits; the linear mix was as good or
better, and it keeps a score whose size means something (a threshold can be
put on it), while RRF only keeps ranks.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sources.lexical import BM25

#: Default weight of the normalised BM25 score in the mix: between the dev-split optima of
#: the two CLEF benchmarks (0.1 for tweets -> Snopes, 0.2 for debates -> PolitiFact).
#: Cosines of related texts sit in a narrow band while normalised BM25 spans 0..1, so a
#: small weight already moves rankings a lot.
DEFAULT_LEXICAL_WEIGHT = 0.15
#: The k of reciprocal rank fusion (the usual constant from Cormack et al. 2009).
RRF_K = 60


def normalise_lexical(lexical: np.ndarray) -> np.ndarray:
    """BM25 scores divided by their per-query maximum, so they lie in 0..1 like a cosine.

    Raw BM25 has no fixed scale (it grows with query length and term rarity), so
    a fixed mixing weight only makes sense after normalising each query's row.
    A query that shares no term with any document keeps all zeros.
    Works on one row (n_docs,) or a matrix (n_queries, n_docs).
    """
    lex = np.asarray(lexical, dtype=np.float32)
    peak = lex.max(axis=-1, keepdims=True) if lex.size else np.ones(lex.shape[:-1] + (1,), np.float32)
    peak = np.where(peak > 0, peak, 1.0).astype(np.float32)
    return lex / peak


def hybrid_scores(dense: np.ndarray, lexical: np.ndarray, lexical_weight: float) -> np.ndarray:
    """(1 - w) * cosine + w * (BM25 / per-query max BM25), elementwise.

    `dense` and `lexical` have the same shape: one row (n_docs,) for one query or
    (n_queries, n_docs). w = 0 is pure embeddings, w = 1 pure BM25.
    """
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be in [0, 1], got {lexical_weight}")
    dense = np.asarray(dense, dtype=np.float32)
    lex = normalise_lexical(lexical)
    if dense.shape != lex.shape:
        raise ValueError(f"dense {dense.shape} and lexical {lex.shape} scores differ in shape")
    return (1.0 - lexical_weight) * dense + lexical_weight * lex


def rank_of(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every entry along the last axis (best = 1; ties broken by index)."""
    order = np.argsort(-np.asarray(scores), axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[-1] + 1), axis=-1)
    return ranks


def rrf_scores(*score_arrays: np.ndarray, k: int = RRF_K, weights: list[float] | None = None) -> np.ndarray:
    """Reciprocal rank fusion: sum of w / (k + rank) over the given score arrays.

    Kept as the alternative to `hybrid_scores` that the benchmark compares with
    (`--fusion rrf`); it ignores score sizes and only uses ranks.
    """
    weights = weights or [1.0] * len(score_arrays)
    total = np.zeros(np.shape(score_arrays[0]), dtype=np.float64)
    for w, s in zip(weights, score_arrays, strict=True):
        total += w / (k + rank_of(s))
    return total.astype(np.float32)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (index, score) pairs of a 1-d score array, best first (ties: lower index first)."""
    scores = np.asarray(scores).ravel()
    k = max(0, min(k, scores.size))
    if k == 0:
        return []
    if k < scores.size:
        part = np.argpartition(-scores, k - 1)[:k]
        # argpartition may pick any of tied entries at the boundary: take all ties, then sort.
        cutoff = scores[part].min()
        part = np.flatnonzero(scores >= cutoff)
    else:
        part = np.arange(scores.size)
    order = part[np.lexsort((part, -scores[part]))][:k]
    return [(int(i), float(scores[i])) for i in order]


# --- approximate search (large source corpora) -------------------------------------------
#
# Exact search is one matrix product: under a millisecond per claim at 10k statements,
# ~13 ms at 100k and ~140 ms at 1M on one core (benchmarks/RESULTS.md). Above
# `retrieval.ann_min_statements` an HNSW index (hnswlib, the `ann` extra) proposes
# candidates instead: at 1M statements, ef 640 gave p50 3.3 ms at recall@10 0.955.
# hnswlib is optional: without it the search stays exact.

#: HNSW graph parameters measured in benchmarks/retrieval_scale.py (M=16, ef_construction=100).
ANN_M = 16
ANN_EF_CONSTRUCTION = 100
#: Search breadth: the smallest ef that kept recall@10 >= 0.95 at 1M statements.
ANN_EF_SEARCH = 640
#: Nearest neighbours fetched per claim and then re-scored exactly (cosine) and with BM25.
#: The hybrid score can lift a statement the embedding ranks lower, so far more than k.
ANN_CANDIDATES = 200


class AnnIndex:
    """An HNSW index over L2-normalised statement vectors (inner product = cosine)."""

    def __init__(self, index: Any, n: int) -> None:
        self.index = index
        self.n = n

    @classmethod
    def build(cls, vectors: np.ndarray, *, threads: int | None = None) -> AnnIndex | None:
        """The index, or None when hnswlib is not installed (then search stays exact)."""
        try:
            import hnswlib
        except ImportError:
            return None
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = hnswlib.Index(space="ip", dim=int(vectors.shape[1]))
        index.init_index(max_elements=max(1, len(vectors)), ef_construction=ANN_EF_CONSTRUCTION, M=ANN_M, random_seed=0)
        index.add_items(vectors, np.arange(len(vectors)), num_threads=threads or min(4, os.cpu_count() or 1))
        index.set_ef(max(ANN_EF_SEARCH, ANN_CANDIDATES))
        return cls(index, len(vectors))

    def candidates(self, claim_vecs: np.ndarray, n: int = ANN_CANDIDATES) -> np.ndarray:
        """Indices of the (approximately) nearest `n` statements of each claim: (n_claims x n)."""
        labels, _ = self.index.knn_query(np.ascontiguousarray(claim_vecs, dtype=np.float32), k=min(n, self.n), num_threads=1)
        return np.asarray(labels, dtype=np.int64)


def _rank_approximate(claim_vecs: np.ndarray, statement_vecs: np.ndarray, claim_texts: list[str], bm25: BM25, k: int,
                      lexical_weight: float, ann: AnnIndex) -> list[list[tuple[int, float, float, float]]]:
    """`rank_candidates` over each claim's ANN candidates only: exact cosine and BM25 are
    computed for those (BM25 normalised by its maximum among them), never for the whole corpus."""
    out: list[list[tuple[int, float, float, float]]] = []
    for vec, text, cand in zip(claim_vecs, claim_texts, ann.candidates(claim_vecs), strict=True):
        cand = np.sort(cand[cand >= 0])  # index order, so ties break as in exact search
        dense = np.asarray(statement_vecs[cand] @ np.asarray(vec, dtype=np.float32), dtype=np.float32)
        lexical = normalise_lexical(bm25.scores_of(text, cand))
        hybrid = hybrid_scores(dense, lexical, lexical_weight)
        out.append([(int(cand[j]), score, float(dense[j]), float(lexical[j])) for j, score in top_k(hybrid, k)])
    return out


def rank_candidates(
    claim_vecs: np.ndarray,
    statement_vecs: np.ndarray,
    claim_texts: list[str],
    bm25: BM25,
    k: int,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    ann: AnnIndex | None = None,
) -> list[list[tuple[int, float, float, float]]]:
    """Best k statements for each claim: per claim a list of
    (statement_index, hybrid, dense, lexical), best first.

    `claim_vecs` (n_claims x dim) and `statement_vecs` (n_statements x dim) are
    L2-normalised embeddings, so one matrix product gives all cosines; `bm25`
    was built over the same statements, in the same order. `lexical` is the
    per-claim max-normalised BM25 score (0..1), so hybrid = (1 - w) * dense + w * lexical.
    With `ann` (an `AnnIndex` over `statement_vecs`), only each claim's approximate
    nearest neighbours are scored (see `_rank_approximate`).
    """
    if len(claim_texts) != len(claim_vecs):
        raise ValueError(f"{len(claim_texts)} claim texts but {len(claim_vecs)} claim vectors")
    if bm25.n_docs != len(statement_vecs):
        raise ValueError(f"BM25 has {bm25.n_docs} documents but there are {len(statement_vecs)} statements")
    if len(claim_texts) == 0 or len(statement_vecs) == 0:
        return [[] for _ in claim_texts]
    if ann is not None:
        return _rank_approximate(claim_vecs, statement_vecs, claim_texts, bm25, k, lexical_weight, ann)
    dense = np.asarray(claim_vecs, dtype=np.float32) @ np.asarray(statement_vecs, dtype=np.float32).T
    lexical = normalise_lexical(bm25.scores_many(claim_texts))
    hybrid = hybrid_scores(dense, lexical, lexical_weight)
    out: list[list[tuple[int, float, float, float]]] = []
    for i in range(len(claim_texts)):
        out.append([(j, score, float(dense[i, j]), float(lexical[i, j])) for j, score in top_k(hybrid[i], k)])
    return out
