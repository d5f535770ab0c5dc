"""The same change, another measure: percent for percentage points, a number for a share.

"The unemployment rate has risen by 0.6 per cent" when the rate rose 0.6 points; "fallen
8 percent" when a share fell 8 points; "the number of students using tobacco rose 38%"
when the share rose 38%. The figure is in the source; what it measures is changed, so
the verdict is `misrepresented` (issue #15). The general `same_figure_other_measure` rule
cannot see these: percent and points are different units, so the values never "match",
and a change of a number and a change of a share are both `change` in percent.

The two checks are the `points_reported_as_percent` and `number_vs_share_change` rules of
`claims/rules.py`; the words that name a number or a share are claims/lexicon/
count_nouns.txt and share_nouns.txt.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from claims import comparisons as cmp
from claims.lexicon import alternation, load_words
from claims.model import Claim, Evidence, FieldComparison, Quantity
from claims.thresholds import Thresholds

Comparisons = tuple[FieldComparison, ...]


def _agrees(comps: Comparisons, field: str) -> bool | None:
    return next((c.agrees for c in comps if c.field == field), None)


def _is_points(c: Claim) -> bool:
    return c.quantity is not None and (c.quantity.unit == "points" or c.measure == "change_points")


def _is_percent_change(c: Claim) -> bool:
    return c.quantity is not None and c.quantity.unit == "percent" and c.measure == "change"


def _same_number(cq: Quantity, fq: Quantity, t: Thresholds) -> bool:
    """The same written number, whatever unit each side gives it."""
    return cmp.values_same_figure(cq, replace(fq, unit=cq.unit), t.relative_tolerance)


def _related(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    """About the same thing: similar enough to call it misrepresented, on the claim's topic,
    no opposite direction, no other population or period."""
    if ev is None or ev.finding is None or ev.similarity < t.misrepresented_similarity:
        return False
    if any(_agrees(comps, k) is False for k in ("direction", "population", "period")):
        return False
    return cmp.topic_overlap(c, ev.finding) >= t.contradiction_topic_overlap


def points_as_percent(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    """A change in percentage points given as a change in per cent, or the other way round."""
    f = ev.finding if ev else None
    if f is None or c.quantity is None or f.quantity is None:
        return False
    swapped = (_is_percent_change(c) and _is_points(f)) or (_is_points(c) and _is_percent_change(f))
    return swapped and _same_number(c.quantity, f.quantity, t) and _related(c, ev, comps, t)


def _unit_words(c: Claim) -> str:
    return "percentage points" if _is_points(c) else "per cent"


def explain_points_as_percent(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    assert ev is not None and ev.finding is not None and ev.finding.quantity is not None
    number = f"{ev.finding.quantity.value:g}"
    return (f"The source's {number} is {_unit_words(ev.finding)}, the claim says {_unit_words(c)} "
            f"\u2014 {ev.source_title}: \u201c{_short(ev.text)}\u201d.")


@cache
def _noun_pattern() -> re.Pattern[str]:
    counts, shares = alternation(load_words("count_nouns")), alternation(load_words("share_nouns"))
    return re.compile(rf"\b(?:(?P<number>{counts})|(?P<share>{shares}))\s+of\b", re.I)


def changed_quantity(c: Claim) -> str | None:
    """'number' or 'share' for what a change is a change of ("the number of students ... rose
    38%"), read from the words before the figure; None when the sentence does not say."""
    q = c.quantity
    if q is None:
        return None
    rel = q.start - c.sentence_start
    if c.sentence[rel:rel + len(q.text)] != q.text:
        rel = c.sentence.find(q.text)
    before = c.sentence[:rel] if rel > 0 else ""
    last = None
    for m in _noun_pattern().finditer(before):
        last = "number" if m.group("number") else "share"
    return last


def number_vs_share(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    """The same relative change, said of the number where the source says the share (or back)."""
    f = ev.finding if ev else None
    if f is None or c.quantity is None or f.quantity is None:
        return False
    if not (_is_percent_change(c) and _is_percent_change(f)):
        return False
    kinds = {changed_quantity(c), changed_quantity(f)}
    return (kinds == {"number", "share"} and cmp.values_same_figure(c.quantity, f.quantity, t.relative_tolerance)
            and _related(c, ev, comps, t))


def explain_number_vs_share(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    assert ev is not None and ev.finding is not None
    said, source = changed_quantity(c), changed_quantity(ev.finding)
    return (f"The change {comps[0].claim if comps else ''} is in the source, but as a change in the {source}; "
            f"the claim says the {said} changed \u2014 {ev.source_title}: \u201c{_short(ev.text)}\u201d.")


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"
