"""Claim + candidate evidence -> verdict, by comparing the claim model field by field.

Embedding similarity only says a statement is about the same thing. The verdict comes
from the fields: the same figure with a different measure, population, period or
source is `misrepresented`; the same measure with an incompatible figure or direction
is `contradicted`; a compatible figure with nothing else in conflict is `supported`.
The field comparisons are `claims/comparisons.py`; the decisions are the named, ordered
rules of `claims/rules.py`; this module applies them and names the deciding rule on
every verdict.
"""

from __future__ import annotations

from dataclasses import replace

from claims.comparisons import (
    bounded,
    compare_attribution,
    compare_direction,
    compare_measure,
    compare_period,
    compare_population,
    compare_unit,
    counted_kind,
    topic_overlap,
    unit_family,
    values_conflict,
    values_match,
    values_same_figure,
)
from claims.model import Claim, Evidence, FieldComparison, Verdict
from claims.rules import (
    CANDIDATE_RULES,
    COMPARISON_RULES,
    CONFLICTING_OTHER_THING,
    DIRECTION_NOT_STATED,
    DIRECTION_RULES,
    NO_MATCHING_STATEMENT,
    NOT_A_STATISTIC,
    RECORD_RULES,
    VERDICT_PREFERENCE,
    Comparisons,
    VerdictRule,
    compare_fields,
)
from claims.thresholds import JudgeThresholds, Thresholds

JUDGE_VERSION = "1.0"

DEFAULT_THRESHOLDS = Thresholds()
# The defaults of the topic-overlap floors (config.yaml `judge.*_topic_overlap`).
CONTRADICTION_TOPIC_OVERLAP = DEFAULT_THRESHOLDS.contradiction_topic_overlap
OPEN_ENDED_TOPIC_OVERLAP = DEFAULT_THRESHOLDS.open_ended_topic_overlap

__all__ = [
    "CONTRADICTION_TOPIC_OVERLAP", "DEFAULT_THRESHOLDS", "JUDGE_VERSION", "OPEN_ENDED_TOPIC_OVERLAP", "JudgeThresholds", "Thresholds",
    "bounded", "compare_attribution", "compare_direction", "compare_fields", "compare_measure", "compare_period",
    "compare_population", "compare_unit", "counted_kind", "judge", "not_checkable", "topic_overlap", "unit_family",
    "values_conflict", "values_match", "values_same_figure",
]


def not_checkable(claim: Claim) -> Verdict:
    return _decide(NOT_A_STATISTIC, claim, None, ())


def _decide(rule: VerdictRule, claim: Claim, ev: Evidence | None, comps: Comparisons,
            t: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    return Verdict(rule.verdict, rule.confidence(ev, t), rule.explain(claim, ev, comps), ev, comps, rule.name)


def _first_rule(claim: Claim, ev: Evidence, comps: Comparisons, t: Thresholds) -> VerdictRule | None:
    return next((r for r in CANDIDATE_RULES if r.applies(claim, ev, comps, t)), None)


def judge(claim: Claim, candidates: list[Evidence], t: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """The verdict for one claim given its retrieved candidates (best first or not).

    Each candidate above the similarity floor gets the first rule that applies to it;
    the preferred verdict wins, from its most similar statement (the first on a tie). When
    none decides and the closest conflicting figure counts something else, the claim is
    unverifiable by `conflicting_figure_other_thing`, which says what.
    """
    if claim.quantity is None and claim.checkable and claim.measure == "comparison":
        return _judge_stated(COMPARISON_RULES, claim, candidates, t)
    if claim.quantity is None and claim.checkable and claim.direction:
        return _judge_direction_only(claim, candidates, t)
    if claim.quantity is None and claim.checkable and claim.measure == "rank":
        return _judge_stated(RECORD_RULES, claim, candidates, t)
    if NOT_A_STATISTIC.applies(claim, None, (), t):
        return not_checkable(claim)
    decided: dict[str, list[tuple[VerdictRule, Evidence, Comparisons]]] = {v: [] for v in VERDICT_PREFERENCE}
    other_things: list[tuple[Evidence, Comparisons]] = []
    for ev in candidates:
        ev = _fall_as_negative(claim, ev)
        f = ev.finding
        if f is None or f.quantity is None or ev.similarity < t.min_similarity:
            continue
        comps = compare_fields(claim, f, t.relative_tolerance, ev.source_title or "")
        rule = _first_rule(claim, ev, comps, t)
        if rule is not None and ev.by_figure and rule.verdict != "supported":
            continue
        if rule is not None:
            decided[rule.verdict].append((rule, ev, comps))
        elif CONFLICTING_OTHER_THING.applies(claim, ev, comps, t):
            other_things.append((ev, comps))
    for verdict in VERDICT_PREFERENCE:
        if decided[verdict]:
            rule, ev, comps = max(decided[verdict], key=lambda x: x[1].similarity)
            return _decide(rule, claim, ev, comps, t)
    if other_things:
        ev, comps = max(other_things, key=lambda x: x[0].similarity)
        return _decide(CONFLICTING_OTHER_THING, claim, ev, comps, t)
    best = max(candidates, key=lambda e: e.similarity, default=None)
    return _decide(NO_MATCHING_STATEMENT, claim, best, (), t)


def _fall_as_negative(claim: Claim, ev: Evidence) -> Evidence:
    """A fall stated as a size against a source's negative figure: "prices fell by 2.1%" and
    "the annual rate eased to -2.1%" are one figure, so the source's is read as the size
    of the fall (sign dropped) for every comparison."""
    f, q = ev.finding, claim.quantity
    if (f is None or f.quantity is None or q is None or claim.direction != "down" or q.value <= 0
            or f.quantity.value >= 0 or f.quantity.high > 0):
        return ev
    fq = f.quantity
    flipped = replace(fq, value=-fq.value, low=-fq.high, high=-fq.low, low_inclusive=fq.high_inclusive,
                      high_inclusive=fq.low_inclusive)
    return replace(ev, finding=replace(f, quantity=flipped, direction="down"))


def _judge_stated(rules: tuple[VerdictRule, ...], claim: Claim, candidates: list[Evidence], t: Thresholds) -> Verdict:
    """A claim without a figure that a statement either states or not: a record (`RECORD_RULES`,
    claims/records.py: else unverifiable) or a comparison between groups (`COMPARISON_RULES`,
    claims/comparatives.py: else not checkable). The most similar statement that states it supports it."""
    stated, not_stated = rules
    fits = [ev for ev in candidates if stated.applies(claim, ev, (), t)]
    if fits:
        return _decide(stated, claim, max(fits, key=lambda e: e.similarity), (), t)
    return _decide(not_stated, claim, None, (), t)


def _judge_direction_only(claim: Claim, candidates: list[Evidence], t: Thresholds) -> Verdict:
    """A direction without a figure: supported or contradicted by the most similar statement of
    the same series' direction (supported preferred), else not a checkable statistic."""
    for rule in DIRECTION_RULES:
        fits = [ev for ev in candidates if rule.applies(claim, ev, (), t)]
        if fits:
            ev = max(fits, key=lambda e: e.similarity)
            f = ev.finding
            assert f is not None
            comps = (FieldComparison("direction", claim.direction or "", f.direction or "flat",
                                     rule.verdict == "supported"),)
            return _decide(rule, claim, ev, comps, t)
    return _decide(DIRECTION_NOT_STATED, claim, None, (), t)
