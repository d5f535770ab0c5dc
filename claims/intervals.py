"""The interval a written figure commits to, and comparing two such intervals.

A hedge turns a written value into an interval ("nearly 80%" -> [75, 80)); the hedge
phrases and the kind of interval each commits to are data in
`claims/lexicon/hedges.tsv`, so "well over" is one line there. The arithmetic of each
kind is here, once.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from claims.lexicon import load_table
from claims.model import Quantity

# Hedge phrase -> the kind of interval it commits to (nearly, about, more than, at least, up to, less than).
_HEDGES = {r["phrase"]: r["kind"] for r in load_table("hedges")}
# Longest first, so "more than" wins over "more".
_HEDGE_RE = "|".join(sorted((re.escape(h).replace(r"\ ", r"\s+") for h in _HEDGES), key=len, reverse=True))


def hedge_interval(value: float, base_low: float, base_high: float, hedge: str | None, percent: bool) -> tuple[float, float, bool, bool]:
    """The interval a hedge turns a written value into: (low, high, low_inclusive, high_inclusive).

    nearly 80%  -> [75, 80)     (8% of the value below, at most 5 points, for percentages; a sixteenth otherwise)
    about 75%   -> [72.5, 77.5] (min(2.5 points, a tenth) either side for percentages, 5% otherwise;
                                 never narrower than the rounding [base_low, base_high])
    more than X -> (X, 100] for percentages below 100, else (X, inf)
    at least X  -> [X, 100] or [X, inf)     up to X -> [0, X]     less than X -> [0, X)
    No hedge: the rounding interval, with the lower bound kept at 0 for a non-negative value.
    Infinite bounds are open; the value always lies inside [low, high].
    """
    kind = _HEDGES.get(re.sub(r"\s+", " ", hedge.lower().strip()), hedge) if hedge else None
    floor = 0.0 if value >= 0 else -math.inf
    mag = abs(value)
    cap_above = 100.0 if percent and value < 100 else math.inf
    if kind == "nearly":
        near = min(5.0, mag * 0.08) if percent else mag / 16
        return (max(floor, value - near), value, True, False)
    if kind == "about":
        about = min(2.5, mag / 10) if percent else mag / 20
        cap = 100.0 if percent and value <= 100 else math.inf
        return (max(floor, min(base_low, value - about)), min(cap, max(base_high, value + about)), True, True)
    if kind == "more than":
        return (value, cap_above, False, not math.isinf(cap_above))
    if kind == "at least":
        return (value, cap_above, True, not math.isinf(cap_above))
    if kind == "up to":
        return (floor, value, not math.isinf(floor), True)
    if kind == "less than":
        return (floor, value, not math.isinf(floor), False)
    return (max(floor, base_low), base_high, True, True)


def interval_contains(q: Quantity, x: float, rel_tol: float = 0.0) -> bool:
    """Whether a reported value x fits what the quantity commits to."""
    slack = abs(x) * rel_tol
    lo_ok = x > q.low - slack if not q.low_inclusive else x >= q.low - slack
    hi_ok = x < q.high + slack if not q.high_inclusive else x <= q.high + slack
    return lo_ok and hi_ok


def intervals_overlap(a: Quantity, b: Quantity, rel_tol: float = 0.0) -> bool:
    """Two written figures are compatible when their intervals share a point.

    'nearly 80%' [75, 80) and '78%' [77.5, 78.5] overlap; 'nearly 80%' and '83%' do not.
    An open bound only touching the other interval does not count.
    """
    slack = max(abs(a.value), abs(b.value)) * rel_tol
    lo = max(a.low, b.low) - slack
    hi = min(a.high, b.high) + slack
    if lo < hi:
        return True
    if lo > hi:
        return False
    # Touching at one point: both sides must include it.
    a_has = (a.low_inclusive or a.low < lo) and (a.high_inclusive or a.high > lo)
    b_has = (b.low_inclusive or b.low < lo) and (b.high_inclusive or b.high > lo)
    return a_has and b_has


def render_interval(q: Quantity) -> str:
    """'[75, 80)': the interval in the notation editors see in explanations."""
    lo = "[" if q.low_inclusive else "("
    hi = "]" if q.high_inclusive else ")"

    def fmt(x: float) -> str:
        return "∞" if math.isinf(x) else f"{x:,.4g}"

    return f"{lo}{fmt(q.low)}, {fmt(q.high)}{hi}"


def with_tolerance(q: Quantity, rel_tol: float) -> Quantity:
    """Widen an exact figure by a relative tolerance (used by the Vlachos benchmark)."""
    if rel_tol <= 0:
        return q
    d = abs(q.value) * rel_tol
    return replace(q, low=min(q.low, q.value - d), high=max(q.high, q.value + d))
