"""Computed evidence: a claim's figure as the difference, change, ratio or sum of two source figures.

Articles state figures no source sentence states: "a 15-point increase since 2008" from
50% (2008) and 65% (2012); "a nearly 80 percent jump" from 11.7% to 20.8%; "more than
three times 2020's number"; "3.6 million combined" from 3.05 and 0.57 million. The
judge's one-statement rules (`claims/rules.py`) cannot see these, so after them this
module searches pairs of statements of one source document for the arithmetic the
claim's own fields ask for (measure `change_points` -> a difference in points, `change`
in percent -> a relative change, `multiple` or "times" -> a ratio, a count with "combined"
-> a sum). AggChecker and Scrutinizer check claims by querying tables; this is the same
idea over statements.

Spurious arithmetic is the risk (any two numbers make some third), so a pair counts only
when both operands agree with the claim's measure, unit and population, are about the
claim's topic and about each other's (one series), and their periods fit (two different
years, earlier first, or one sentence "from 11.7% to 20.8%"). A result that misses the
claim's figure contradicts it only when the claim names the operands' years ("since 2008").
Pure: no spaCy, no SQL; `sources/matching.py` supplies the pool of statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from claims import comparisons as cmp
from claims.extract import population_head, singular
from claims.intervals import intervals_overlap
from claims.lexicon import alternation, load_words
from claims.model import Claim, ComputedEvidence, Evidence, Quantity, Verdict
from claims.places import PLACES
from claims.thresholds import Thresholds

# Operand measures each operation reads: levels of one series, never changes themselves.
_LEVELS = frozenset({"share", "level", "count", "amount", "none"})
_PERCENT_LEVELS = frozenset({"share", "level"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Statements of one source document considered as operands besides retrieval's candidates.
MAX_POOL_PER_SOURCE = 60
# How many of the best candidates' source documents lend their other statements to the pool.
POOL_SOURCES = 3


@cache
def _sum_pattern() -> re.Pattern[str]:
    return re.compile(r"\b" + alternation(load_words("sum_words"), any_space=True) + r"\b", re.I)


@cache
def _ratio_pattern() -> re.Pattern[str]:
    return re.compile(r"^\s*" + alternation(load_words("ratio_words")) + r"\b", re.I)


def _after_figure(c: Claim) -> str:
    q = c.quantity
    assert q is not None
    rel = q.start - c.sentence_start
    if c.sentence[rel:rel + len(q.text)] != q.text:
        rel = c.sentence.find(q.text)
    return c.sentence[rel + len(q.text):] if rel >= 0 else ""


def operations(c: Claim) -> tuple[str, ...]:
    """The arithmetic the claim's fields ask for, most specific first (empty: none).

    A change in points is a difference; a change in percent a relative change (or, misread,
    a difference: `derived_figure_other_measure`); a multiple or "N times" a ratio; a count
    or amount that says "combined"/"in total" a sum.
    """
    q = c.quantity
    if q is None or not c.checkable or q.vague:
        return ()
    if c.measure == "change_points" or (c.measure == "change" and q.unit == "points"):
        return ("difference", "relative_change")
    if c.measure == "change" and q.unit == "percent":
        return ("relative_change", "difference")
    if c.measure == "multiple" or (c.measure in ("count", "level", "none") and q.unit == "count"
                                   and _ratio_pattern().search(_after_figure(c))):
        return ("ratio",)
    if c.measure in ("count", "amount") and _sum_pattern().search(c.text):
        return ("sum",)
    return ()


def signals_arithmetic(c: Claim) -> bool:
    """Whether the claim asks for arithmetic at all (so the pool is only gathered for these)."""
    return bool(operations(c))


# --- one operation on two operands ------------------------------------------------------

@dataclass(frozen=True)
class _Result:
    value: float
    low: float
    high: float
    unit: str


def _fmt(x: float) -> str:
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _shown(q: Quantity) -> str:
    if q.unit == "percent":
        return f"{_fmt(q.value)}%"
    return _fmt(q.value)


def _compute(op: str, a: Quantity, b: Quantity) -> _Result | None:
    """b op a with its interval from both operands' rounding (a is the earlier or first figure)."""
    if op == "difference":
        return _Result(b.value - a.value, b.low - a.high, b.high - a.low, "points")
    if op == "sum":
        return _Result(a.value + b.value, a.low + b.low, a.high + b.high, a.unit)
    if a.value <= 0 or a.low <= 0:
        return None
    if op == "relative_change":
        return _Result((b.value / a.value - 1) * 100, (b.low / a.high - 1) * 100, (b.high / a.low - 1) * 100, "percent")
    if op == "ratio":
        return _Result(b.value / a.value, b.low / a.high, b.high / a.low, "times")
    return None


def _expression(op: str, a: Quantity, b: Quantity, r: _Result) -> str:
    unit = {"points": " points", "percent": "%", "times": " times"}.get(r.unit, "")
    if op == "difference":
        return f"{_shown(b)} \u2212 {_shown(a)} = {_fmt(r.value)}{unit}"
    if op == "relative_change":
        return f"({_shown(b)} \u2212 {_shown(a)}) \u00f7 {_shown(a)} = {_fmt(r.value)}{unit}"
    if op == "ratio":
        return f"{_shown(b)} \u00f7 {_shown(a)} = {_fmt(r.value)}{unit}"
    return f"{_shown(a)} + {_shown(b)} = {_fmt(r.value)}"


def _fits(c: Claim, r: _Result, t: Thresholds) -> bool:
    """The result fits the claim's interval (hedge and rounding), by magnitude; the sign is the
    direction, judged apart (`_direction_fits`)."""
    q = c.quantity
    assert q is not None
    lo, hi = (r.low, r.high) if r.value >= 0 else (-r.high, -r.low)
    if r.unit == "times":
        lo, hi = r.low, r.high
    computed = Quantity(abs(r.value), lo, hi, q.unit, "", 0, 0)
    return intervals_overlap(q, computed, t.relative_tolerance)


def _direction_fits(c: Claim, op: str, r: _Result) -> bool:
    if op in ("sum", "ratio") or not c.direction or r.value == 0:
        return True
    return (r.value > 0) == (c.direction == "up")


# --- operands --------------------------------------------------------------------------

def _years(period: str | None) -> tuple[int, int] | None:
    parts = [int(p) for p in (period or "").split("-") if p.isdigit()]
    return (parts[0], parts[-1]) if parts else None


def _operand_ok(c: Claim, op: str, ev: Evidence, t: Thresholds) -> bool:
    """One statement may be an operand of `op` for this claim: the right kind of figure, about
    the claim's topic and population."""
    f, q = ev.finding, ev.finding.quantity if ev.finding else None
    assert c.quantity is not None
    if f is None or q is None or q.vague or ev.similarity < t.min_similarity or not cmp.bounded(q):
        return False
    if op == "difference":
        kind_ok = q.unit == "percent" and f.measure in _PERCENT_LEVELS
    elif op == "sum":
        kind_ok = f.measure in _LEVELS and cmp.unit_family(q.unit) == cmp.unit_family(c.quantity.unit)
    else:
        kind_ok = f.measure in _LEVELS and q.unit not in ("points",)
    return (kind_ok and cmp.compare_population(c, f) is not False
            and cmp.topic_overlap(c, f) >= t.contradiction_topic_overlap)


def _ordered(c: Claim, op: str, x: Evidence, y: Evidence) -> tuple[Evidence, Evidence] | None:
    """The pair in reading order (earlier period first), or None when their periods do not fit
    the operation: a change needs two periods (or one sentence "from A to B"), a sum one."""
    fx, fy = x.finding, y.finding
    assert fx is not None and fy is not None and fx.quantity is not None and fy.quantity is not None
    if cmp.unit_family(fx.quantity.unit) != cmp.unit_family(fy.quantity.unit) or fx.measure != fy.measure:
        return None
    if cmp.compare_population(fx, fy) is False or _heads_differ(fx, fy):
        return None
    px, py = _years(fx.period), _years(fy.period)
    same_sentence = x.source_id == y.source_id and fx.sentence == fy.sentence
    if op == "sum":
        if px != py and not same_sentence:
            return None
        return (x, y) if fx.quantity.start <= fy.quantity.start else (y, x)
    if px and py and px != py:
        return (x, y) if px < py else (y, x)
    if same_sentence and fx.quantity.start != fy.quantity.start:
        return (x, y) if fx.quantity.start < fy.quantity.start else (y, x)
    return None


def _group_word(population: str) -> str | None:
    """The population's head, or else its first content word ("teachers supported the ban" ->
    'teacher'): the extractor's population runs on into the predicate, where the head finder
    sees no group."""
    head = population_head(population)
    if head is not None:
        return head
    skip = load_words("population_modifiers") | load_words("function_words") | {"the", "all", "of", "in"}
    words = [w for w in re.findall(r"[a-z][a-z'’-]*", population.lower()) if w not in skip and w not in PLACES]
    return singular(words[0]) if words else None


def _heads_differ(fx: Claim, fy: Claim) -> bool:
    """Two operands of one series count the same group: "teachers" and "nurses" are two series
    even where the population comparison has no opinion (neither is a known person noun)."""
    hx, hy = _group_word(fx.population), _group_word(fy.population)
    return hx is not None and hy is not None and hx != hy


def _anchored(c: Claim, a: Evidence, b: Evidence) -> bool:
    """The claim names the operands' years ("since 2008", "2020's number"), so a miss is a
    contradiction rather than two unrelated figures."""
    years = {int(y) for y in _YEAR.findall(c.text)}
    spans = [_years(e.finding.period) for e in (a, b) if e.finding is not None]
    have = {y for s in spans if s for y in s}
    return bool(years) and years <= have


def _same_series(a: Evidence, b: Evidence, t: Thresholds) -> bool:
    fa, fb = a.finding, b.finding
    assert fa is not None and fb is not None
    if fa.sentence == fb.sentence:
        return True
    return min(cmp.topic_overlap(fa, fb), cmp.topic_overlap(fb, fa)) >= 0.5


@dataclass(frozen=True)
class Reading:
    """One computed figure for the claim: which operation, on which pair, and whether it fits."""

    op: str
    a: Evidence
    b: Evidence
    result: _Result
    fits: bool
    direction_fits: bool
    anchored: bool

    @property
    def strength(self) -> float:
        return min(self.a.similarity, self.b.similarity)

    def computed(self) -> ComputedEvidence:
        fa, fb = self.a.finding, self.b.finding
        assert fa is not None and fb is not None and fa.quantity is not None and fb.quantity is not None
        return ComputedEvidence(self.op, (self.a, self.b), (fa.quantity.value, fb.quantity.value),
                                round(self.result.value, 6), round(self.result.low, 6), round(self.result.high, 6),
                                self.result.unit, _expression(self.op, fa.quantity, fb.quantity, self.result),
                                self.fits and self.direction_fits)


def readings(c: Claim, pool: Sequence[Evidence], t: Thresholds) -> list[Reading]:
    """Every operation the claim asks for over every fitting pair of statements of one source."""
    out: list[Reading] = []
    ops = operations(c)
    for op in ops:
        usable = [e for e in pool if _operand_ok(c, op, e, t)]
        by_source: dict[str, list[Evidence]] = {}
        for e in usable:
            by_source.setdefault(e.source_id, []).append(e)
        for group in by_source.values():
            for i, x in enumerate(group):
                for y in group[i + 1:]:
                    pair = _ordered(c, op, x, y)
                    if pair is None or not _same_series(*pair, t):
                        continue
                    a, b = pair
                    assert a.finding and b.finding and a.finding.quantity and b.finding.quantity
                    r = _compute(op, a.finding.quantity, b.finding.quantity)
                    if r is None:
                        continue
                    out.append(Reading(op, a, b, r, _fits(c, r, t), _direction_fits(c, op, r), _anchored(c, a, b)))
    return out


def unique_pool(*groups: Iterable[Evidence]) -> list[Evidence]:
    """Candidates and extra statements as one list, each statement once (its best similarity)."""
    best: dict[str, Evidence] = {}
    for group in groups:
        for e in group:
            if e.statement_id not in best or e.similarity > best[e.statement_id].similarity:
                best[e.statement_id] = e
    return list(best.values())


# --- the verdict ---------------------------------------------------------------------

def _confidence(r: Reading, floor: float) -> float:
    span = max(1e-6, 1.0 - floor)
    return round(min(0.95, max(0.5, 0.6 + 0.4 * (r.strength - floor) / span)), 3)


def _verdict(rule_name: str, c: Claim, r: Reading, t: Thresholds, floor: float, prior: Verdict) -> Verdict:
    from claims.rules import DERIVED_RULE_BY_NAME

    rule = DERIVED_RULE_BY_NAME[rule_name]
    computed = r.computed()
    conf = _confidence(r, floor)
    problem = round(1.0 - conf, 3) if rule.verdict == "supported" else conf
    return Verdict(rule.verdict, conf, explain_computed(rule_name, c, computed), r.b, (), rule.name,
                   problem if prior.problem_probability is not None else None, computed)


def explain_computed(rule_name: str, c: Claim, ce: ComputedEvidence) -> str:
    """The sentence an editor reads: the arithmetic, and what it means for the claim's figure."""
    assert c.quantity is not None
    quoted = " and ".join(f"\u201c{e.text[:90]}\u201d" for e in ce.operands)
    src = ce.operands[0].source_title
    if rule_name == "derived_figure_fits":
        head = f"Computed from two source figures: {ce.expression}, which fits the claim's {c.quantity.text.strip()}"
    elif rule_name == "derived_figure_other_measure":
        what = "percentage points" if ce.unit == "points" else "per cent"
        said = "per cent" if c.quantity.unit == "percent" else "percentage points"
        head = (f"Computed from two source figures: {ce.expression}; the source's change is {what}, "
                f"the claim says {said} ({c.quantity.text.strip()})")
    else:
        head = f"Computed from two source figures: {ce.expression}, which does not fit the claim's {c.quantity.text.strip()}"
    return f"{head} \u2014 {src}: {quoted}."


def reconsider(c: Claim, prior: Verdict, pool: Sequence[Evidence], t: Thresholds) -> Verdict:
    """The judge's verdict, or one decided by computed evidence where the one-statement rules
    found nothing better.

    A fitting computation replaces `unverifiable` or `contradicted` (the contradicting
    figure was another figure of the series); the same arithmetic read in the other unit
    (points for percent) replaces them with `misrepresented`; a computation that misses
    the claim's figure replaces only `unverifiable`, and only when the claim names the
    operands' years. `supported` and `misrepresented` verdicts stand.
    """
    ops = operations(c)
    if not ops or not pool or c.quantity is None:
        return prior
    original = prior
    if ops[0] == "ratio" and prior.rule == "open_ended_figure_same_topic":
        # "over four times the 2019 total" is a ratio: a plain figure of the series
        # that exceeds 3 does not support it, so computed evidence decides when there is some.
        prior = replace(prior, verdict="unverifiable")
    if prior.verdict not in ("unverifiable", "contradicted"):
        return prior
    found = readings(c, pool, t)
    primary = ops[0]
    fit = [r for r in found if r.op == primary and r.fits and r.direction_fits and r.strength >= t.supported_similarity]
    if fit:
        return _verdict("derived_figure_fits", c, max(fit, key=lambda r: r.strength), t, t.supported_similarity, prior)
    shifted = [r for r in found if r.op != primary and r.op in ("difference", "relative_change") and r.fits
               and r.direction_fits and r.strength >= t.misrepresented_similarity
               and not any(p.op == primary and p.a is r.a and p.b is r.b and p.fits for p in found)]
    if shifted:
        return _verdict("derived_figure_other_measure", c, max(shifted, key=lambda r: r.strength), t,
                        t.misrepresented_similarity, prior)
    if prior.verdict != "unverifiable" or any(r.op == primary and r.fits and r.direction_fits for r in found):
        return original
    miss = [r for r in found if r.op == primary and r.anchored and r.strength >= t.contradicted_similarity]
    if miss:
        best = max(miss, key=lambda r: r.strength)
        return _verdict("derived_figure_conflicts", c, best, t, t.contradicted_similarity, prior)
    return original
