"""The learned last step: from the rules' per-candidate readings to one calibrated verdict.

The named rules (`claims/rules.py`, applied by `claims/judge.py`) read each candidate
statement field by field and say what it would make of the claim on its own: the same
figure for the same thing (supported), the same figure put to another use
(misrepresented), another figure for the same thing (contradicted), or nothing. What the
rules did by hand was the last step: fixed similarity floors and a fixed order
(supported, then misrepresented, then contradicted) to choose among those readings.

Here that step is learned. `options()` collects, for each verdict, the best candidate the
rules read that way (with floors relaxed to the retrieval floor); `features()` describes
the claim and those options in general terms (field outcomes, value relations,
similarities, rank, topic overlap, how many candidates carry the same figure, hedges,
measure kinds, the rules' own choice); a multinomial logistic regression, trained on
labelled dev sets only (`benchmarks/train_judge.py`), turns them into probabilities. The
verdict is the most probable verdict among those available, and it keeps the explanation
and the rule name of the option it chose, so an editor still reads why.

Pure: numpy only; the model is a small JSON file of coefficients (no pickle).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from claims.extract import is_baseline_clause
from claims.judge import judge, topic_overlap
from claims.model import Claim, Evidence, Verdict
from claims.thresholds import Thresholds

MODEL_PATH = Path(__file__).resolve().parent / "decision_model.json"
# `not_checkable` is learned from extracted figures that careful labellers did not count as
# statistical claims (a year, an age, a figure in passing): the flags an editor would clear.
CLASSES: tuple[str, ...] = ("supported", "contradicted", "misrepresented", "unverifiable", "not_checkable")
_OPTION_VERDICTS = ("supported", "misrepresented", "contradicted")
_MEASURES = ("share", "change", "change_points", "count", "amount", "level", "rank", "multiple")
_UNITS = ("percent", "points", "count", "currency", "times", "rank")
_KINDS = ("number", "percent", "fraction", "word", "range", "rank", "multiple", "money")
_FIELDS = ("value", "unit", "measure", "direction", "population", "period", "attribution")

Judge = Callable[[Claim, list[Evidence]], Verdict]


@dataclass(frozen=True)
class Options:
    """What the rules make of each candidate alone, best candidate per verdict."""

    rules_verdict: Verdict  # the hand rules' own decision (fixed floors, fixed order)
    best: dict[str, tuple[int, Verdict]]  # verdict -> (rank of the candidate, the rules' verdict on it alone)
    same_figure: int  # candidates whose figure fits the claim's
    conflicting: int  # candidates with an incompatible figure
    similarities: tuple[float, ...]  # candidates' similarities, best first


def options(claim: Claim, candidates: Sequence[Evidence], rules_verdict: Verdict, relaxed: Judge) -> Options:
    """Read every candidate alone with the relaxed rules (`relaxed`: the judge with all floors at the retrieval floor)."""
    ranked = sorted(candidates, key=lambda e: -e.similarity)
    best: dict[str, tuple[int, Verdict]] = {}
    same = conflicting = 0
    for rank, ev in enumerate(ranked):
        v = relaxed(claim, [ev])
        by = {c.field: c.agrees for c in v.comparisons}
        same += bool(by.get("value"))
        conflicting += v.verdict == "contradicted" and not by.get("value")
        if v.verdict in _OPTION_VERDICTS and v.verdict not in best:
            best[v.verdict] = (rank, v)
    return Options(rules_verdict, best, same, conflicting, tuple(e.similarity for e in ranked))


def _tri(x: bool | None) -> float:
    return 0.0 if x is None else (1.0 if x else -1.0)


def features(claim: Claim, opts: Options) -> dict[str, float]:
    """General features of one claim and its options; no words of any particular text."""
    q = claim.quantity
    sims = opts.similarities
    f: dict[str, float] = {
        "bias": 1.0,
        "sim_best": sims[0] if sims else 0.0,
        "sim_gap": (sims[0] - sims[1]) if len(sims) > 1 else (sims[0] if sims else 0.0),
        "n_same_figure": math.log1p(opts.same_figure),
        "n_conflicting": math.log1p(opts.conflicting),
        "hedged": float(bool(q and q.hedge)),
        "open_ended": float(bool(q and (math.isinf(q.high) or q.low <= 0 < q.high and q.hedge))),
        "has_period": float(bool(claim.period)),
        "has_attribution": float(bool(claim.attribution)),
        "has_direction": float(bool(claim.direction)),
        "in_quote": float(claim.in_quote),
        "checkworthiness": claim.checkworthiness,
        "has_population": float(bool(claim.population)),
        "has_subject": float(bool(claim.subject or claim.predicate)),
        "log_magnitude": math.log10(abs(q.value) + 1.0) if q else 0.0,
        "year_like": float(bool(q and q.unit == "count" and q.value == int(q.value) and 1900 <= q.value <= 2100)),
        "sentence_words": math.log1p(len(claim.sentence.split())),
        "claim_share_of_sentence": len(claim.text) / max(1, len(claim.sentence)),
        "claim_words": math.log1p(len(claim.text.split())),
        "fragment_start": float(bool(claim.text[:1]) and not claim.text[:1].isalnum()),
        "baseline_clause": float(is_baseline_clause(claim.text.strip())),
    }
    unit = (q.unit.split(":")[0] if q else "")
    for u in _UNITS:
        f[f"unit_{u}"] = float(unit == u)
    for k in _KINDS:
        f[f"kind_{k}"] = float(bool(q and q.kind == k))
    for m in _MEASURES:
        f[f"measure_{m}"] = float(claim.measure == m)
    for v in CLASSES[:4]:
        f[f"rules_{v}"] = float(opts.rules_verdict.verdict == v)
    for v in _OPTION_VERDICTS:
        rank, verdict = opts.best.get(v, (None, None))
        f[f"has_{v}"] = float(verdict is not None)
        f[f"sim_{v}"] = verdict.evidence.similarity if verdict is not None and verdict.evidence else 0.0
        f[f"top_{v}"] = float(rank == 0)
        f[f"topic_{v}"] = (topic_overlap(claim, verdict.evidence.finding)
                           if verdict is not None and verdict.evidence and verdict.evidence.finding else 0.0)
        by = {c.field: c.agrees for c in verdict.comparisons} if verdict is not None else {}
        for name in _FIELDS[1:]:
            f[f"{v}_{name}"] = _tri(by.get(name))
    return f


FEATURE_NAMES: tuple[str, ...] = tuple(features(
    Claim("", 0, 0, "", 0, 0, None), Options(Verdict("unverifiable", 0.5, ""), {}, 0, 0, ())))


def vector(feats: dict[str, float]) -> np.ndarray:
    return np.array([feats[n] for n in FEATURE_NAMES], dtype=np.float64)


@dataclass(frozen=True)
class DecisionModel:
    """Multinomial logistic regression over `FEATURE_NAMES` (standardised), as plain numbers."""

    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    meta: dict

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        z = (vector(feats) - self.mean) / self.scale
        logits = self.coef @ z + self.intercept
        p = np.exp(logits - logits.max())
        p /= p.sum()
        return {c: float(x) for c, x in zip(self.classes, p, strict=True)}

    def to_json(self) -> str:
        def r(a: np.ndarray) -> list:
            return np.round(a, 6).tolist()
        return json.dumps({"classes": list(self.classes), "features": list(FEATURE_NAMES), "mean": r(self.mean),
                           "scale": r(self.scale), "coef": r(self.coef), "intercept": r(self.intercept),
                           "meta": self.meta}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DecisionModel:
        d = json.loads(text)
        if tuple(d["features"]) != FEATURE_NAMES:
            raise ValueError("decision model was trained on other features; retrain with benchmarks.train_judge")
        return cls(tuple(d["classes"]), np.array(d["mean"]), np.array(d["scale"]), np.array(d["coef"]),
                   np.array(d["intercept"]), d.get("meta", {}))


@cache
def shipped_model(path: str = str(MODEL_PATH)) -> DecisionModel | None:
    p = Path(path)
    return DecisionModel.from_json(p.read_text(encoding="utf-8")) if p.exists() else None


def available_probabilities(claim: Claim, opts: Options, model: DecisionModel) -> dict[str, float]:
    """The model's probabilities over the verdicts this claim's candidates make available.

    `supported`, `misrepresented` and `contradicted` are available only when some candidate
    reads that way (the model never invents evidence); `unverifiable` and `not_checkable`
    always are. Renormalised over the available ones.
    """
    probs = model.probabilities(features(claim, opts))
    avail = {v: p for v, p in probs.items() if v in ("unverifiable", "not_checkable") or v in opts.best}
    total = sum(avail.values()) or 1.0
    return {v: p / total for v, p in avail.items()}


def problem_probability(probs: dict[str, float]) -> float:
    """P(contradicted, misrepresented or unverifiable): what the review queue is sorted by."""
    return round(sum(p for v, p in probs.items() if v in ("contradicted", "misrepresented", "unverifiable")), 3)


def calibrate(claim: Claim, opts: Options, model: DecisionModel) -> Verdict:
    """The rules' verdict, with the model's calibrated probability of it as its confidence."""
    probs = available_probabilities(claim, opts, model)
    return replace(opts.rules_verdict, confidence=round(probs.get(opts.rules_verdict.verdict, 0.0), 3),
                   problem_probability=problem_probability(probs))


def decide(claim: Claim, opts: Options, model: DecisionModel) -> Verdict:
    """The most probable available verdict, with the chosen option's explanation and rule."""
    probs = available_probabilities(claim, opts, model)
    choice = max(probs, key=lambda v: probs[v])
    conf, pp = round(probs[choice], 3), problem_probability(probs)
    if choice == "not_checkable":
        return Verdict("not_checkable", conf, "Not a checkable statistic: a figure in passing rather than a "
                       "statistical claim (learned from labelled articles).", opts.rules_verdict.evidence, (),
                       rule="learned_not_a_statistic", problem_probability=pp)
    if choice == "unverifiable":
        if opts.rules_verdict.verdict == "unverifiable":
            return replace(opts.rules_verdict, confidence=conf, problem_probability=pp)
        return Verdict("unverifiable", conf, "No source statement states this figure for the same thing "
                       "(the closest statements are about other figures).",
                       opts.rules_verdict.evidence, (), rule="learned_no_matching_statement", problem_probability=pp)
    base = opts.rules_verdict if opts.rules_verdict.verdict == choice else opts.best[choice][1]
    return replace(base, confidence=conf, problem_probability=pp)


def relaxed(t: Thresholds) -> Thresholds:
    """The thresholds with every verdict's similarity floor lowered to the retrieval floor."""
    return replace(t, supported_similarity=t.min_similarity, misrepresented_similarity=t.min_similarity,
                   contradicted_similarity=t.min_similarity)


def calibrated_judge(claim: Claim, candidates: list[Evidence], t: Thresholds,
                     model: DecisionModel | None, pool: Sequence[Evidence] = ()) -> Verdict:
    """The rules' verdict; with a model, its calibrated confidence and problem probability;
    then, where the rules found no support, computed evidence from pairs of statements among
    the candidates and `pool` (`claims/derived.py`, issue #15)."""
    from claims.derived import reconsider, unique_pool

    verdict = judge(claim, candidates, t)
    if claim.quantity is None:
        return verdict  # a direction without a figure (claims/direction_only.py): no figure features
    if model is not None and verdict.verdict != "not_checkable":
        loose = relaxed(t)
        opts = options(claim, candidates, verdict, lambda c, e: judge(c, e, loose))
        verdict = calibrate(claim, opts, model)
    if verdict.verdict == "not_checkable":
        return verdict
    return reconsider(claim, verdict, unique_pool(candidates, pool), t)
