"""How one field of a claim compares with the same field of a source finding.

Each function answers True (the fields agree), False (they disagree) or None (one side
does not say, so there is nothing to compare). They are pure and small so each kind of
mismatch can be tested on its own; `claims/rules.py` names them in its table of field
comparisons and `claims/judge.py` decides a verdict from their answers.

The word lists they need (object nouns, topic stop words, population fillers) are data
in `claims/lexicon/`.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

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
from claims.lexicon import load_words
from claims.model import Claim, Quantity
from claims.quantities import interval_contains, intervals_overlap
from claims.relative_time import periods_overlap

# Measures that answer the same question: a share of a group and a level/rate are both proportions.
_MEASURE_FAMILY = {"share": "proportion", "level": "proportion"}


def unit_family(unit: str | None) -> str | None:
    """A unit's family: every currency is one family ("currency:USD" and "currency:GBP")."""
    if unit is None:
        return None
    return "currency" if unit.startswith("currency") else unit


def bounded(q: Quantity) -> bool:
    """A finding states a specific figure (not just 'more than X') when its interval is narrow."""
    if math.isinf(q.high) or q.low <= 0 and q.high == q.value:
        return False
    width = q.high - q.low
    # "Nine in ten" (85-95%) is a specific figure rounded to tenths, not a bound.
    points = 10.0 if q.kind == "fraction" else 5.0
    return width <= (points if q.unit in ("percent", "points") else abs(q.value) * 0.1 + 1e-9)


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
    if c.hedge and f.hedge and bounded(c) and bounded(f) and intervals_overlap(c, f, rel_tol):
        return True  # "almost one in five" and "around 18%": two approximations of one figure
    return interval_contains(c, f.value, rel_tol) or (bounded(f) and interval_contains(f, c.value, rel_tol))


def values_same_figure(c: Quantity, f: Quantity, rel_tol: float = 0.0) -> bool:
    """The claim repeats the source's figure, not merely a compatible one.

    "Misrepresented" means the same number put to a different use; "more than 40%" fits
    a share of 95%, but a reader would not call 95% "the same figure".
    """
    if not values_match(c, f, rel_tol):
        return False
    if bounded(c) or (c.low, c.high) == (f.low, f.high):
        return True
    return abs(f.value - c.value) <= 0.1 * abs(c.value) + 1e-9


def values_conflict(c: Quantity, f: Quantity, rel_tol: float = 0.0) -> bool:
    """No value both figures allow: '28%' vs '18%', 'nearly 80%' vs '83%'."""
    families = {unit_family(c.unit), unit_family(f.unit)}
    return (len(families) == 1 or families == {"count", "points"}) and not intervals_overlap(c, f, rel_tol)


def figures_comparable(c: Quantity, f: Quantity, max_ratio: float) -> bool:
    """Whether two differing figures can be one quantity misreported: within `max_ratio` of each
    other, or the same digits in another order ("28%" for "82%", a slip of the keyboard)."""
    a, b = abs(c.value), abs(f.value)
    if a == 0 or b == 0:
        return a == b
    return max(a, b) / min(a, b) <= max_ratio or _digits(c.value) == _digits(f.value)


def _digits(value: float) -> list[str]:
    return sorted(f"{abs(value):g}".replace(".", ""))


def compare_value(c: Claim, f: Claim, rel_tol: float = 0.0) -> bool | None:
    assert c.quantity is not None and f.quantity is not None
    return values_match(c.quantity, f.quantity, rel_tol)


def compare_measure(c: Claim, f: Claim) -> bool | None:
    if c.measure == "none" or f.measure == "none":
        return None
    if (c.measure == "level" and f.measure == "change" and c.unit == f.unit == "percent"
            and c.quantity is not None and f.quantity is not None and c.quantity.value == f.quantity.value):
        # A release states a rate as a change ("the CPI rose by 9.2% in the 12 months") and coverage
        # as a level ("inflation stood at 9.2%"): the same figure, so no conflict (a figure that
        # only fits, "4.7%" against "rose 5%", is another one). The other way round
        # (a claim that something rose 58% where the source's 58% is a level) is the misreport.
        return None
    cm, fm = _MEASURE_FAMILY.get(c.measure, c.measure), _MEASURE_FAMILY.get(f.measure, f.measure)
    if cm == fm == "count" and {counted_kind(c), counted_kind(f)} == {"person", "object"}:
        return False  # "3.1 million people" against "3.1 million food parcels"
    return cm == fm


def counted_kind(c: Claim) -> str | None:
    """'person' or 'object' for the noun right after a count ("3.1 million people had…"), else None.

    Object nouns are claims/lexicon/object_heads.txt; person nouns are the extractor's.
    """
    if c.quantity is None:
        return None
    q, rel = c.quantity, c.quantity.start - c.sentence_start
    if c.sentence[rel:rel + len(q.text)] != q.text:  # stored statements keep the sentence's span, not the figure's
        rel = c.sentence.find(q.text) if q.text else -1
        if rel < 0:
            return None
    after = c.sentence[rel + len(q.text):][:80].lower()
    object_heads = load_words("object_heads")
    for word in re.findall(r"[a-z][a-z'’-]*", after)[:4]:
        head = singular(word)
        if head in ("people", "person") or is_person_head(head):
            return "person"
        if head in object_heads:
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
    whole = tuple(w + " " for w in sorted(load_words("universal_determiners")))
    if c.population and c.population.lower().startswith(whole):
        extra = set(f.population.lower().split()) - set(c.population.lower().split())
        if extra - load_words("population_filler_words"):
            return False
    return True


def _years(period: str | None) -> tuple[int, int] | None:
    if not period:
        return None
    parts = [int(p) for p in period.split("-") if p.isdigit()]
    return (parts[0], parts[-1]) if parts else None


def compare_period(c: Claim, f: Claim) -> bool | None:
    """Whether the claim's period and the finding's share a day; a relative time resolved
    from the article's publication date ("last year" -> 2022) stands for the claim's period."""
    if c.period and not c.period_resolved and not _stated_in_sentence(c):
        # The claim's year was carried over from an earlier sentence or the article's date:
        # a guess about which year the writer meant, too weak to call the figure misplaced.
        return None
    if f.period and not f.period_resolved and not _stated_in_sentence(f):
        # Nor the statement's, read from its document's title or date: a report named for
        # the year it appears in ("Global Music Report 2019") gives the year before's figures.
        return None
    if c.period_resolved or f.period_resolved:
        return periods_overlap(c.compared_period, f.compared_period)
    cy, fy = _years(c.period), _years(f.period)
    if cy is None or fy is None:
        return None
    return cy[0] <= fy[1] and fy[0] <= cy[1]


def _stated_in_sentence(c: Claim) -> bool:
    """Whether a year of the claim's period is written in its own sentence."""
    return any(y in c.sentence for y in re.findall(r"\d{4}", c.period or ""))


def compare_attribution(c: Claim, f: Claim, source_title: str = "") -> bool | None:
    """The claim's named source against the statement's publisher, or the document's title
    ("according to the Global Music Report" names IFPI's report, not another body)."""
    ca, fa = attribution_aliases(c.attribution), attribution_aliases(f.attribution)
    if not ca or not fa:
        return None
    fa |= attribution_aliases(source_title)
    # "the Fed" for the Federal Reserve: a short form that starts a word of the full name.
    return bool(ca & fa) or any(len(a) >= 3 and b.startswith(a) for a in ca for b in fa)


def _stems(text: str) -> set[str]:
    return set(_text_stems(text))


# Cached: the judge asks for the same sentences' stems once per candidate pair and again for
# the calibrated model's options (issue #16 profile). Pure; callers get a set of their own.
@lru_cache(maxsize=1 << 16)
def _text_stems(text: str) -> frozenset[str]:
    from claims.extract import _DOWN, _UP

    stop = load_words("topic_stopwords")
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return frozenset(w[:5] for w in words if w not in stop and not re.fullmatch(_UP, w) and not re.fullmatch(_DOWN, w))


def topic_overlap(c: Claim, f: Claim) -> float:
    """Share of the claim's content words (5-letter stems) found in the finding's sentence.

    A different value only contradicts a statement about the same thing: "earnings rose
    5.1%" is not contradicted by "the energy index rose 41.6%", however close the
    embeddings are. Words that say nothing about the topic are claims/lexicon/topic_stopwords.txt.
    """
    # A baseline's clause ("up from 60% the year before") names no topic: its sentence does.
    mine = _stems(c.sentence if c.role == "baseline" else c.text)
    if not mine:
        return 1.0
    return len(mine & _stems(f.sentence + " " + (f.population or ""))) / len(mine)
