"""The learned last step (claims/decision.py): options come from the rules, the model only
chooses among verdicts some candidate supports, calibration keeps the rules' verdict, and
the shipped model file loads and matches the features the code computes."""

from __future__ import annotations

import numpy as np
import pytest

from claims.decision import (
    CLASSES,
    FEATURE_NAMES,
    DecisionModel,
    available_probabilities,
    calibrate,
    calibrated_judge,
    decide,
    features,
    options,
    relaxed,
    shipped_model,
)
from claims.judge import Thresholds, judge
from claims.model import Claim, Evidence, Quantity


def _claim(text: str, value: float, measure: str = "share", population: str = "adults", period: str = "2023") -> Claim:
    q = Quantity(value=value, low=value - 0.5, high=value + 0.5, unit="percent", text=f"{value:g}%", start=0,
                 end=len(f"{value:g}%"), kind="percent")
    return Claim(text=text, start=0, end=len(text), sentence=text, sentence_start=0, sentence_end=len(text),
                 quantity=q, measure=measure, population=population, period=period, subject="use the internet")


def _evidence(claim: Claim, sim: float, sid: str = "s1") -> Evidence:
    return Evidence(sid, "src", "Survey", claim.text, 0, len(claim.text), sim, claim)


def _model(bias: dict[str, float]) -> DecisionModel:
    """A model that ignores the features and prefers verdicts by a fixed bias (pure logic under test)."""
    n = len(FEATURE_NAMES)
    return DecisionModel(CLASSES, np.zeros(n), np.ones(n), np.zeros((len(CLASSES), n)),
                         np.array([bias.get(c, 0.0) for c in CLASSES]), {})


CLAIM = _claim("67% of adults use the internet in 2023", 67)


def test_options_read_each_candidate_alone_and_keep_the_best_per_verdict():
    same = _evidence(_claim("67% of adults use the internet in 2023", 67), 0.9, "same")
    other = _evidence(_claim("40% of adults use the internet in 2023", 40), 0.8, "other")
    rules = judge(CLAIM, [same, other])
    opts = options(CLAIM, [other, same], rules, lambda c, e: judge(c, e, relaxed(Thresholds())))
    assert opts.best["supported"][1].evidence.statement_id == "same"
    assert opts.similarities == (0.9, 0.8)  # best first, whatever order retrieval gave
    assert opts.same_figure == 1


def test_the_model_never_chooses_a_verdict_no_candidate_supports():
    rules = judge(CLAIM, [])
    opts = options(CLAIM, [], rules, lambda c, e: judge(c, e))
    probs = available_probabilities(CLAIM, opts, _model({"contradicted": 9.0, "supported": 8.0}))
    assert set(probs) == {"unverifiable", "not_checkable"}
    assert sum(probs.values()) == pytest.approx(1.0)
    assert decide(CLAIM, opts, _model({"contradicted": 9.0})).verdict in ("unverifiable", "not_checkable")


def test_calibration_keeps_the_rules_verdict_and_explanation_and_sets_the_problem_probability():
    same = _evidence(_claim("67% of adults use the internet in 2023", 67), 0.9)
    rules = judge(CLAIM, [same])
    assert rules.verdict == "supported"
    opts = options(CLAIM, [same], rules, lambda c, e: judge(c, e, relaxed(Thresholds())))
    v = calibrate(CLAIM, opts, _model({"unverifiable": 3.0}))
    assert (v.verdict, v.explanation, v.rule) == (rules.verdict, rules.explanation, rules.rule)
    assert v.problem_probability is not None and v.problem_probability > 0.5  # the model doubts it
    assert v.confidence < 0.5


def test_calibrated_judge_without_a_model_is_the_rules_judge():
    same = _evidence(_claim("67% of adults use the internet in 2023", 67), 0.9)
    assert calibrated_judge(CLAIM, [same], Thresholds(), None) == judge(CLAIM, [same])


def test_features_are_the_named_ones_and_finite():
    rules = judge(CLAIM, [])
    f = features(CLAIM, options(CLAIM, [], rules, lambda c, e: judge(c, e)))
    assert tuple(f) == FEATURE_NAMES
    assert all(np.isfinite(list(f.values())))


def test_model_json_round_trip_and_a_stale_file_is_refused():
    m = _model({"supported": 1.0})
    again = DecisionModel.from_json(m.to_json())
    assert again.to_json() == m.to_json()
    stale = m.to_json().replace('"bias"', '"renamed_feature"', 1)
    with pytest.raises(ValueError, match="retrain"):
        DecisionModel.from_json(stale)


def test_the_shipped_model_loads_and_gives_probabilities():
    model = shipped_model()
    assert model is not None, "claims/decision_model.json is missing: python -m benchmarks.train_judge ... --write"
    rules = judge(CLAIM, [])
    probs = model.probabilities(features(CLAIM, options(CLAIM, [], rules, lambda c, e: judge(c, e))))
    assert set(probs) == set(CLASSES) and sum(probs.values()) == pytest.approx(1.0)
