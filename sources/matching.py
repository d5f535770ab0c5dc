"""Matching claims to source statements: retrieve candidates for each claim, then judge it.

The statement index (rows, their vectors, BM25, optionally an approximate index) is
built once per run from what the store loaded; `judge_claims` is pure given the vectors
of the claims' retrieval texts (`sources.retrieval_text`), so a check and a re-check of
the same claims retrieve and judge them alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from claimdesk.settings import Settings
from claims.article_sources import judge_in_article_source, within_article_sources
from claims.comparisons import values_match
from claims.decision import calibrated_judge, shipped_model
from claims.derived import MAX_POOL_PER_SOURCE, POOL_SOURCES, signals_arithmetic
from claims.judge import Thresholds
from claims.model import Claim, Evidence, Verdict
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
    # Statements of direction or record without a figure (`sources.findings`): their own index,
    # searched only for claims without a figure, so a claim with one ranks exactly the same
    # statements, in the same order, as it would if they were not stored.
    figureless: StatementIndex | None = None

    @classmethod
    def build(cls, rows: Sequence[StatementRow], vectors: np.ndarray, *, ann_min_statements: int) -> StatementIndex:
        plain = [i for i, r in enumerate(rows) if r.finding.quantity is None]
        if not plain:
            return cls._one(rows, vectors, ann_min_statements)
        keep = [i for i, r in enumerate(rows) if r.finding.quantity is not None]
        main = cls._one([rows[i] for i in keep], vectors[keep], ann_min_statements)
        main.figureless = cls._one([rows[i] for i in plain], vectors[plain], ann_min_statements)
        return main

    @classmethod
    def _one(cls, rows: Sequence[StatementRow], vectors: np.ndarray, ann_min_statements: int) -> StatementIndex:
        bm25 = BM25([r.text for r in rows]) if rows else None
        ann = AnnIndex.build(vectors) if len(rows) >= ann_min_statements else None
        return cls(rows, vectors, bm25, ann)

    def rows_of_source(self, source_id: str) -> list[int]:
        """Row indices of one source document's statements (built once, on first use)."""
        by_source = self.__dict__.get("_by_source")
        if by_source is None:
            by_source = {}
            for j, row in enumerate(self.rows):
                by_source.setdefault(row.source_id, []).append(j)
            self.__dict__["_by_source"] = by_source
        return by_source.get(source_id, [])

    def same_source_pool(self, claim_vector: np.ndarray, candidates: Sequence[int]) -> list[Evidence]:
        """Statements of the best candidates' source documents, as evidence at their own
        similarity to the claim: the operands computed evidence may pair (`claims/derived.py`).
        Bounded: the first `POOL_SOURCES` documents, the `MAX_POOL_PER_SOURCE` closest statements of each."""
        sources: list[str] = []
        for j in candidates:
            sid = self.rows[j].source_id
            if sid not in sources:
                sources.append(sid)
        pool: list[Evidence] = []
        for sid in sources[:POOL_SOURCES]:
            idx = np.array(self.rows_of_source(sid))
            sims = self.vectors[idx] @ claim_vector
            for k in np.argsort(-sims)[:MAX_POOL_PER_SOURCE]:
                pool.append(self.rows[int(idx[k])].as_evidence(float(sims[k])))
        return pool


    def same_figure_pool(self, claim: Claim, claim_vector: np.ndarray, candidates: Sequence[int],
                         t: Thresholds) -> list[Evidence]:
        """Statements of the best candidates' documents that state a figure the claim's wording
        allows, at their own similarity to the claim, if at least `min_similarity`.

        Why: a clause ("and six percent are heavy smokers") embeds poorly, so the statement
        that holds its figure ("the prevalence of heavy smoking was 6.1%") can rank below the
        top k although its document is the one retrieved. The figure is the sharpest key a
        statistical claim has; the judge still requires the same topic and similarity floors.
        Bounded like `same_source_pool`: `POOL_SOURCES` documents, their `MAX_POOL_PER_SOURCE`
        closest statements.
        """
        q = claim.quantity
        if q is None:
            return []
        taken = set(candidates)
        sources: list[str] = []
        for j in candidates:
            if self.rows[j].source_id not in sources:
                sources.append(self.rows[j].source_id)
        out: list[Evidence] = []
        for sid in sources[:POOL_SOURCES]:
            idx = np.array(self.rows_of_source(sid))
            sims = self.vectors[idx] @ claim_vector
            for k in np.argsort(-sims)[:MAX_POOL_PER_SOURCE]:
                j, sim = int(idx[k]), float(sims[k])
                if sim < t.min_similarity:
                    break
                f = self.rows[j].finding
                if j not in taken and f.quantity is not None and values_match(q, f.quantity, t.relative_tolerance):
                    out.append(replace(self.rows[j].as_evidence(sim), by_figure=True))
        return out


    def figure_in_sources(self, claim: Claim, claim_vector: np.ndarray, sources: set[str],
                          t: Thresholds) -> list[Evidence]:
        """Statements of `sources` that state a figure the claim's wording allows, at their own
        similarity to the claim if at least `min_similarity` (claims/article_sources.py)."""
        q = claim.quantity
        if q is None:
            return []
        out: list[Evidence] = []
        for sid in sorted(sources):
            idx = self.rows_of_source(sid)
            if not idx:
                continue
            sims = self.vectors[np.array(idx)] @ claim_vector
            for j, sim in zip(idx, sims, strict=True):
                f = self.rows[j].finding
                if sim >= t.min_similarity and f.quantity is not None and values_match(q, f.quantity, t.relative_tolerance):
                    out.append(replace(self.rows[j].as_evidence(float(sim)), by_figure=True))
        return sorted(out, key=lambda e: -e.similarity)


def _figureless_candidates(claims: Sequence[Claim], retrievable: list[int], texts: list[str],
                           claim_vectors: Mapping[int, np.ndarray], settings: Settings, index: StatementIndex,
                           ) -> dict[int, list[tuple[StatementRow, tuple[int, float, float, float]]]]:
    """For each claim without a figure (a direction, a record), the best statements of direction
    or record without a figure, ranked as the others are; stored after them as further matches."""
    sub = index.figureless
    wanted = [(k, i) for k, i in enumerate(retrievable) if claims[i].quantity is None and i in claim_vectors]
    if sub is None or sub.bm25 is None or not wanted or not texts:
        return {}
    vecs = np.stack([claim_vectors[i] for _k, i in wanted])
    ranked = rank_candidates(vecs, sub.vectors, [texts[k] for k, _i in wanted], sub.bm25, settings.retrieval.top_k,
                             settings.retrieval.lexical_weight, ann=sub.ann)
    return {i: [(sub.rows[c[0]], c) for c in cands] for (_k, i), cands in zip(wanted, ranked, strict=True)}


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
    claim_vectors: dict[int, np.ndarray] = {}
    texts: list[str] = []
    if retrievable and index.rows and index.bm25 is not None:
        texts = [retrieval_text(claims[i], claims) for i in retrievable]
        vecs = np.stack([vectors[x] for x in texts])
        claim_vectors = dict(zip(retrievable, vecs, strict=True))
        for i, cands in zip(retrievable, rank_candidates(vecs, index.vectors, texts, index.bm25, settings.retrieval.top_k,
                                                          settings.retrieval.lexical_weight, ann=index.ann), strict=True):
            ranked[i] = cands
    plain = _figureless_candidates(claims, retrievable, texts, claim_vectors, settings, index)
    results: Judged = []
    inputs: list[tuple[list[Evidence], list[Evidence]]] = []
    for i, c in enumerate(claims):
        cands = ranked.get(i, [])
        rows = [index.rows[j] for j, _h, _d, _l in cands]
        evidence = [row.as_evidence(hybrid) for row, (_j, hybrid, _dense, _lex) in zip(rows, cands, strict=True)]
        stored = [(row.statement_id, rank, hybrid, dense, lex)
                  for rank, (row, (_j, hybrid, dense, lex)) in enumerate(zip(rows, cands, strict=True), 1)]
        for row, (_j, hybrid, dense, lex) in plain.get(i, []):
            evidence.append(row.as_evidence(hybrid))
            stored.append((row.statement_id, len(stored) + 1, hybrid, dense, lex))
        if cands:
            # Stored as matches after the ranked ones (lexical score 0), so a re-check and the
            # desk see every statement the judge saw.
            same_figure = index.same_figure_pool(c, claim_vectors[i], [j for j, _h, _d, _l in cands], t)
            evidence += same_figure
            stored += [(ev.statement_id, len(stored) + k, ev.similarity, ev.similarity, 0.0)
                       for k, ev in enumerate(same_figure, 1)]
        pool = (index.same_source_pool(claim_vectors[i], [j for j, _h, _d, _l in cands])
                if cands and signals_arithmetic(c) else [])
        inputs.append((evidence, pool))
        results.append((calibrated_judge(c, evidence, t, model, pool), stored))

    def inside(i: int, sources: set[str]) -> Verdict:
        evidence, pool = inputs[i]
        return calibrated_judge(claims[i], [e for e in evidence if e.source_id in sources], t, model,
                                [e for e in pool if e.source_id in sources])

    def figure_inside(i: int, sources: set[str]) -> Verdict | None:
        c = claims[i]
        if c.quantity is None or i not in claim_vectors:
            return None
        found = index.figure_in_sources(c, claim_vectors[i], sources, t)
        return judge_in_article_source(c, found, t, lambda c, e, th: calibrated_judge(c, e, th, model)) if found else None

    verdicts = within_article_sources([v for v, _stored in results], inside, figure_inside)
    out: Judged = []
    for v, (_old, stored) in zip(verdicts, results, strict=True):
        ev = v.evidence
        if ev is not None and ev.statement_id not in {m[0] for m in stored}:
            # Found by the article pass among its documents' statements: stored as a match too,
            # so a re-check and the desk see the statement the verdict quotes.
            stored = [*stored, (ev.statement_id, len(stored) + 1, ev.similarity, ev.similarity, 0.0)]
        out.append((v, stored))
    return out
