"""Claim + candidate evidence -> verdict, by comparing the claim model field by field.

Embedding similarity only says a statement is about the same thing. The verdict comes
from the fields: the same figure with a different measure, population, period or
source is `misrepresented`; the same measure with an incompatible figure or direction
is `contradicted`; a compatible figure with nothing else in conflict is `supported`.
Each rule is a small function so each kind of mismatch can be tested on its own.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from claims.extract import (
    SUBGROUP_HEADS,
    attribution_aliases,
    claim_geo_codes,
    geo_codes,
    geo_overlap,
    is_generic_head,
    is_person_head,
    population_head,
    singular,
)
from claims.model import Claim, Evidence, FieldComparison, Quantity, Verdict
from claims.quantities import interval_contains, intervals_overlap

JUDGE_VERSION = "1.0"


@dataclass(frozen=True)
class Thresholds:
    """Similarity floors for each verdict (config.yaml `judge` and `retrieval`)."""

    min_similarity: float = 0.35
    supported_similarity: float = 0.5
    misrepresented_similarity: float = 0.55
    contradicted_similarity: float = 0.6
    relative_tolerance: float = 0.0


# --- field comparisons ----------------------------------------------------------------

_UNIT_FAMILY = {"percent": "percent", "points": "points", "count": "count", "rank": "rank", "times": "times"}
_MEASURE_FAMILY = {"share": "proportion", "level": "proportion", "change": "change", "change_points": "change_points",
                   "count": "count", "amount": "amount", "rank": "rank", "multiple": "multiple"}


def unit_family(unit: str | None) -> str | None:
    if unit is None:
        return None
    return "currency" if unit.startswith("currency") else _UNIT_FAMILY.get(unit, unit)


def _bounded(q: Quantity) -> bool:
    """A finding states a specific figure (not just 'more than X') when its interval is narrow."""
    if math.isinf(q.high) or q.low <= 0 and q.high == q.value:
        return False
    width = q.high - q.low
    return width <= (5.0 if q.unit in ("percent", "points") else abs(q.value) * 0.1 + 1e-9)


def values_match(c: Quantity, f: Quantity, rel_tol: float = 0.0) -> bool:
    """The source's figure fits the claim's interval, or the claim's figure fits a specific source figure.

    'nearly 80%' vs 78%: 78 in [75, 80) -> match. '58%' vs 'more than 10%': the source's
    figure is only a bound, so 58 fitting (10, 100] is not a match.
    """
    if unit_family(c.unit) != unit_family(f.unit) and {unit_family(c.unit), unit_family(f.unit)} not in (
            {"count", "percent"}, {"count", "points"}):
        return False
    if (c.low, c.high) == (f.low, f.high):
        return True  # "more than 40%" and "more than 40%": the same words for the same figure
    if c.hedge and f.hedge and _bounded(c) and _bounded(f) and intervals_overlap(c, f, rel_tol):
        return True  # "almost one in five" and "around 18%": two approximations of one figure
    return interval_contains(c, f.value, rel_tol) or (_bounded(f) and interval_contains(f, c.value, rel_tol))


def values_same_figure(c: Quantity, f: Quantity, rel_tol: float = 0.0) -> bool:
    """The claim repeats the source's figure, not merely a compatible one.

    "Misrepresented" means the same number put to a different use; "more than 40%" fits
    a share of 95%, but a reader would not call 95% "the same figure".
    """
    if not values_match(c, f, rel_tol):
        return False
    if _bounded(c) or (c.low, c.high) == (f.low, f.high):
        return True
    return abs(f.value - c.value) <= 0.1 * abs(c.value) + 1e-9


def values_conflict(c: Quantity, f: Quantity, rel_tol: float = 0.0) -> bool:
    """No value both figures allow: '28%' vs '18%', 'nearly 80%' vs '83%'."""
    families = {unit_family(c.unit), unit_family(f.unit)}
    return (len(families) == 1 or families == {"count", "points"}) and not intervals_overlap(c, f, rel_tol)


def compare_measure(c: Claim, f: Claim) -> bool | None:
    if c.measure == "none" or f.measure == "none":
        return None
    cm, fm = _MEASURE_FAMILY.get(c.measure, c.measure), _MEASURE_FAMILY.get(f.measure, f.measure)
    if cm == fm == "count" and {counted_kind(c), counted_kind(f)} == {"person", "object"}:
        return False  # "3.1 million people" against "3.1 million food parcels"
    return cm == fm


# Things a statistic counts that are not people: a count of these is not a count of people.
_OBJECT_HEADS = {"parcel", "package", "account", "subscription", "device", "unit", "shipment", "vehicle", "car",
                 "home", "house", "dwelling", "visit", "trip", "meal", "dose", "vaccination", "prescription",
                 "boat", "flight", "ticket", "order", "sale", "phone", "smartphone", "message", "job", "vacancy"}


def counted_kind(c: Claim) -> str | None:
    """'person' or 'object' for the noun right after a count ("3.1 million people had…"), else None."""
    if c.quantity is None:
        return None
    q, rel = c.quantity, c.quantity.start - c.sentence_start
    if c.sentence[rel:rel + len(q.text)] != q.text:  # stored statements keep the sentence's span, not the figure's
        rel = c.sentence.find(q.text) if q.text else -1
        if rel < 0:
            return None
    after = c.sentence[rel + len(q.text):][:80].lower()
    for word in re.findall(r"[a-z][a-z'’-]*", after)[:4]:
        head = singular(word)
        if head in ("people", "person") or is_person_head(head):
            return "person"
        if head in _OBJECT_HEADS:
            return "object"
    return None


def compare_unit(c: Claim, f: Claim) -> bool | None:
    if c.quantity is None or f.quantity is None:
        return None
    if {unit_family(c.unit), unit_family(f.unit)} == {"count", "points"}:
        return None  # "scored 465" and "465 score points": a bare number names no unit
    return unit_family(c.unit) == unit_family(f.unit)


def compare_direction(c: Claim, f: Claim) -> bool | None:
    if not c.direction or not f.direction:
        return None
    return c.direction == f.direction


def compare_population(c: Claim, f: Claim) -> bool | None:
    """Different places, different groups, or 'all X' for a subgroup of X disagree.

    A generic word on either side ('members', 'respondents') defers to the source's
    framing: a survey's 'members' are the surgeons it surveyed.
    """
    cg, fg = geo_codes(c.population) | geo_codes(c.subject) | claim_geo_codes(c.text), geo_codes(f.population) | claim_geo_codes(f.text)
    if cg and fg and not geo_overlap(cg, fg):
        return False
    if "WORLD" in cg and fg and "WORLD" not in fg:
        return False
    ch, fh = population_head(c.population), population_head(f.population)
    if ch in ("person", "people") and fh in SUBGROUP_HEADS:
        return False  # "Americans" for a survey of U.S. teens
    if is_generic_head(ch) or is_generic_head(fh):
        return None if (ch is None or fh is None) else True
    if ch != fh:
        return False if is_person_head(ch) and is_person_head(fh) else None
    if c.population and c.population.lower().startswith(("all ", "every ")):
        extra = set(f.population.lower().split()) - set(c.population.lower().split())
        if extra - {"surveyed", "polled", "the", "of"}:
            return False
    return True


def _years(period: str | None) -> tuple[int, int] | None:
    if not period:
        return None
    parts = [int(p) for p in period.split("-") if p.isdigit()]
    return (parts[0], parts[-1]) if parts else None


def compare_period(c: Claim, f: Claim) -> bool | None:
    cy, fy = _years(c.period), _years(f.period)
    if cy is None or fy is None:
        return None
    return cy[0] <= fy[1] and fy[0] <= cy[1]


def compare_attribution(c: Claim, f: Claim, source_title: str = "") -> bool | None:
    """The claim's named source against the statement's publisher, or the document's title
    ("according to the Global Music Report" names IFPI's report, not another body)."""
    ca, fa = attribution_aliases(c.attribution), attribution_aliases(f.attribution)
    if not ca or not fa:
        return None
    fa |= attribution_aliases(source_title)
    # "the Fed" for the Federal Reserve: a short form that starts a word of the full name.
    return bool(ca & fa) or any(len(a) >= 3 and b.startswith(a) for a in ca for b in fa)


def compare_fields(c: Claim, f: Claim, rel_tol: float = 0.0, source_title: str = "") -> tuple[FieldComparison, ...]:
    assert c.quantity is not None and f.quantity is not None
    value_ok = values_match(c.quantity, f.quantity, rel_tol)

    def fc(name: str, cv: str | None, fv: str | None, agrees: bool | None) -> FieldComparison:
        return FieldComparison(name, cv or "", fv or "", agrees)

    return (
        fc("value", c.quantity.text, f.quantity.text, value_ok),
        fc("unit", c.unit, f.unit, compare_unit(c, f)),
        fc("measure", c.measure, f.measure, compare_measure(c, f)),
        fc("direction", c.direction, f.direction, compare_direction(c, f)),
        fc("population", c.population, f.population, compare_population(c, f)),
        fc("period", c.period, f.period, compare_period(c, f)),
        fc("attribution", c.attribution, f.attribution, compare_attribution(c, f, source_title)),
    )


_TOPIC_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "by", "and", "or", "but", "with", "from", "that", "this", "these",
    "those", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "their", "they", "than", "as",
    "about", "roughly", "nearly", "almost", "some", "more", "less", "over", "under", "since", "same", "year", "years",
    "month", "months", "week", "weeks", "day", "days", "decade", "between", "percent", "per", "cent", "million", "billion",
    "thousand", "now", "also", "just", "only", "all", "say", "says", "said", "reported", "according", "survey", "who",
    "even", "them", "there", "here", "which", "what", "when", "where", "while", "into", "then",
}
CONTRADICTION_TOPIC_OVERLAP = 0.4
OPEN_ENDED_TOPIC_OVERLAP = 0.2  # chosen on data/devset3 (0.4 lost true supports worded differently)


def _stems(text: str) -> set[str]:
    from claims.extract import _DOWN, _UP

    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return {w[:5] for w in words if w not in _TOPIC_STOP and not re.fullmatch(_UP, w) and not re.fullmatch(_DOWN, w)}


def topic_overlap(c: Claim, f: Claim) -> float:
    """Share of the claim's content words (5-letter stems) found in the finding's sentence.

    A different value only contradicts a statement about the same thing: "earnings rose
    5.1%" is not contradicted by "the energy index rose 41.6%", however close the
    embeddings are.
    """
    mine = _stems(c.text)
    if not mine:
        return 1.0
    return len(mine & _stems(f.sentence + " " + (f.population or ""))) / len(mine)


# --- the decision ---------------------------------------------------------------------

_WHY = {
    "measure": "the claim reports {c} where the source reports {f}",
    "unit": "the claim gives the figure as {c} where the source gives {f}",
    "population": "the claim is about {c!s} where the source covers {f!s}",
    "period": "the claim places it in {c} where the source's figure is for {f}",
    "attribution": "the claim credits {c} where the figure comes from {f}",
    "direction": "the claim says it went {c} where the source says {f}",
}
_MEASURE_WORDS = {"share": "a share of a group", "change": "the size of a change", "level": "a level or rate",
                  "count": "a count", "amount": "an amount of money", "rank": "a rank", "multiple": "a multiple",
                  "change_points": "a change in percentage points"}


def _describe(comp: FieldComparison) -> str:
    c, f = comp.claim, comp.evidence
    if comp.field == "measure":
        c, f = _MEASURE_WORDS.get(c, c), _MEASURE_WORDS.get(f, f)
    return _WHY[comp.field].format(c=f"'{c}'" if comp.field in ("population", "attribution") else c,
                                   f=f"'{f}'" if comp.field in ("population", "attribution") else f)


def not_checkable(claim: Claim) -> Verdict:
    return Verdict("not_checkable", 0.9, f"Not a checkable statistic: {claim.reason or 'no figure to check'}.")


def judge(claim: Claim, candidates: list[Evidence], t: Thresholds = Thresholds()) -> Verdict:
    """The verdict for one claim given its retrieved candidates (best first or not)."""
    if not claim.checkable or claim.quantity is None:
        return not_checkable(claim)
    scored: dict[str, list[tuple[float, Evidence, tuple[FieldComparison, ...]]]] = {
        "supported": [], "misrepresented": [], "contradicted": []}
    for ev in candidates:
        f = ev.finding
        if f is None or f.quantity is None or ev.similarity < t.min_similarity:
            continue
        comps = compare_fields(claim, f, t.relative_tolerance, ev.source_title or "")
        by = {c.field: c.agrees for c in comps}
        others_conflict = [k for k in ("population", "period", "attribution") if by[k] is False]
        measure_conflict = by["measure"] is False or by["unit"] is False
        if by["value"]:
            if by["direction"] is False and not measure_conflict and ev.similarity >= t.contradicted_similarity:
                scored["contradicted"].append((ev.similarity, ev, comps))
            elif ((measure_conflict or others_conflict) and ev.similarity >= t.misrepresented_similarity
                  and values_same_figure(claim.quantity, f.quantity, t.relative_tolerance)):
                scored["misrepresented"].append((ev.similarity, ev, comps))
            elif (not measure_conflict and not others_conflict and by["direction"] is not False
                  and ev.similarity >= t.supported_similarity
                  and (_bounded(claim.quantity) or topic_overlap(claim, f) >= OPEN_ENDED_TOPIC_OVERLAP)):
                # An open-ended figure ("more than a third") fits many numbers, so it needs
                # the statement to be about the same thing, as a contradiction does.
                scored["supported"].append((ev.similarity, ev, comps))
        elif (not measure_conflict and not others_conflict and ev.similarity >= t.contradicted_similarity
              and values_conflict(claim.quantity, f.quantity, t.relative_tolerance)
              and topic_overlap(claim, f) >= CONTRADICTION_TOPIC_OVERLAP):
            scored["contradicted"].append((ev.similarity, ev, comps))
    for verdict in ("supported", "misrepresented", "contradicted"):
        if scored[verdict]:
            sim, ev, comps = max(scored[verdict], key=lambda x: x[0])
            return Verdict(verdict, _confidence(verdict, sim, t), _explain(verdict, claim, ev, comps), ev, comps)
    best = max(candidates, key=lambda e: e.similarity, default=None)
    closest = f" (closest: \u201c{_short(best.text)}\u201d, similarity {best.similarity:.2f})" if best else ""
    conf = round(min(0.95, max(0.3, 1.0 - (best.similarity if best else 0.0))), 3)
    return Verdict("unverifiable", conf, f"No source statement states this figure{closest}.", best, ())


def _confidence(verdict: str, sim: float, t: Thresholds) -> float:
    floor = {"supported": t.supported_similarity, "misrepresented": t.misrepresented_similarity,
             "contradicted": t.contradicted_similarity}[verdict]
    span = max(1e-6, 1.0 - floor)
    return round(min(0.99, 0.6 + 0.4 * (sim - floor) / span), 3)


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _explain(verdict: str, claim: Claim, ev: Evidence, comps: tuple[FieldComparison, ...]) -> str:
    src = f"{ev.source_title}: \u201c{_short(ev.text)}\u201d"
    if verdict == "supported":
        return f"The source states a compatible figure ({comps[0].evidence} for {comps[0].claim}) \u2014 {src}."
    if verdict == "contradicted":
        by = {c.field: c for c in comps}
        if by["direction"].agrees is False:
            return f"Same figure, opposite direction: {_describe(by['direction'])} \u2014 {src}."
        return f"The source gives {comps[0].evidence} where the claim says {comps[0].claim} \u2014 {src}."
    reasons = [_describe(c) for c in comps if c.agrees is False and c.field in _WHY]
    return f"The figure {comps[0].claim} is in the source, but " + "; ".join(reasons) + f" \u2014 {src}."
