"""The judge's knowledge as two tables: field comparisons and ordered verdict rules.

`FIELDS` names each field of the claim model the judge compares: how the claim's and the
source's values are shown, the function comparing them, and the sentence an editor reads
when they disagree. The review desk's field table (`review/compare.py`) is built from the
same rows, so adding a field is one row here.

`VERDICT_RULES` are the decisions, in order. For each candidate statement the first
rule that applies gives that statement's verdict; `claims/judge.py` then prefers
supported, then misrepresented, then contradicted, each from its most similar
statement. `NOT_A_STATISTIC` comes before any statement is looked at and
`NO_MATCHING_STATEMENT` when no rule applied to any. Every verdict carries the `name`
of the rule that decided it (`Verdict.rule`, stored in `verdicts.rule`), so an analyst
can count verdicts by rule and an editor sees which rule fired. Names are stable:
rename one only with a note in the changelog, since stored rows keep the old name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from claims import comparatives, measure_shift, records
from claims import comparisons as cmp
from claims.claim_context import unstated_context
from claims.direction_only import finding_direction, said, series_direction
from claims.lexicon import load_table
from claims.measured import unstated_words
from claims.model import Claim, Evidence, FieldComparison
from claims.scope import scope_difference
from claims.thresholds import Thresholds

# --- field comparisons ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldRule:
    """One field of the claim model as the judge compares it and an editor reads it."""

    name: str  # the field's name in FieldComparison.field and verdicts.agree/disagree
    label: str  # the review desk's row heading
    description: str  # what the field holds, in an editor's words
    shown_in: str  # the desk row this field is shown in (the unit is part of the value's row)
    shown: Callable[[Claim], str | None]  # the field's value as written, for one side
    compare: Callable[[Claim, Claim, float, str], bool | None]  # (claim, finding, rel_tol, source_title)
    disagreement: str  # "{c}" and "{f}" are the claim's and the source's values
    quoted: bool = False  # quote the values in the sentence (free text, not a code like 'share')

    def compare_fields(self, c: Claim, f: Claim, rel_tol: float, source_title: str) -> FieldComparison:
        return FieldComparison(self.name, self.shown(c) or "", self.shown(f) or "",
                               self.compare(c, f, rel_tol, source_title))


def _text(c: Claim) -> str | None:
    return c.quantity.text if c.quantity else None


FIELDS: tuple[FieldRule, ...] = (
    FieldRule("value", "Value", "the figure and the interval its wording allows", "value", _text,
              lambda c, f, tol, _: cmp.compare_value(c, f, tol),
              "the source gives {f} where the claim says {c}"),
    FieldRule("unit", "Unit", "what the figure is counted in (percent, points, a currency)", "value",
              lambda c: c.unit, lambda c, f, _, __: cmp.compare_unit(c, f),
              "the claim gives the figure as {c} where the source gives {f}"),
    FieldRule("measure", "Measure", "what kind of number it is (a share, a change, a count)", "measure",
              lambda c: c.measure, lambda c, f, _, __: cmp.compare_measure(c, f),
              "the claim reports {c} where the source reports {f}"),
    FieldRule("direction", "Direction", "whether it went up or down", "measure",
              lambda c: c.direction, lambda c, f, _, __: cmp.compare_direction(c, f),
              "the claim says it went {c} where the source says {f}"),
    FieldRule("population", "Population", "who or what the figure is about (place, group)", "population",
              lambda c: c.population, lambda c, f, _, __: cmp.compare_population(c, f),
              "the claim is about {c} where the source covers {f}", quoted=True),
    FieldRule("period", "Period", "the year or years the figure is for", "period",
              lambda c: c.compared_period, lambda c, f, _, __: cmp.compare_period(c, f),
              "the claim places it in {c} where the source's figure is for {f}"),
    FieldRule("attribution", "Attribution", "who the figure is credited to", "attribution",
              lambda c: c.attribution, lambda c, f, _, title: cmp.compare_attribution(c, f, title),
              "the claim credits {c} where the figure comes from {f}", quoted=True),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# The review desk's rows: each field shown in a row of its own, in table order.
DESK_FIELDS: tuple[FieldRule, ...] = tuple(f for f in FIELDS if f.shown_in == f.name)


def compare_fields(c: Claim, f: Claim, rel_tol: float = 0.0, source_title: str = "") -> tuple[FieldComparison, ...]:
    """Every field of the claim against the same field of the finding, in table order."""
    assert c.quantity is not None and f.quantity is not None
    return tuple(rule.compare_fields(c, f, rel_tol, source_title) for rule in FIELDS)


@cache
def _measure_words() -> dict[str, str]:
    return {row["measure"]: row["description"] for row in load_table("measure_descriptions")}


def describe(comp: FieldComparison) -> str:
    """The sentence an editor reads for a field that disagrees (claims/lexicon/measure_descriptions.tsv
    says how each measure reads)."""
    rule = FIELD_BY_NAME[comp.field]
    c, f = comp.claim, comp.evidence
    if comp.field == "measure":
        c, f = _measure_words().get(c, c), _measure_words().get(f, f)
    if rule.quoted:
        c, f = f"'{c}'", f"'{f}'"
    return rule.disagreement.format(c=c, f=f)


# --- verdict rules --------------------------------------------------------------------

Comparisons = tuple[FieldComparison, ...]


@dataclass(frozen=True)
class VerdictRule:
    """One decision: when it applies to a claim and a candidate statement, and what it says."""

    name: str  # stable snake_case, stored in verdicts.rule
    verdict: str
    summary: str  # the rule in one sentence, for the claim page
    applies: Callable[[Claim, Evidence | None, Comparisons, Thresholds], bool]
    explain: Callable[[Claim, Evidence | None, Comparisons], str]
    confidence: Callable[[Evidence | None, Thresholds], float]


def _agrees(comps: Comparisons, field: str) -> bool | None:
    return next(c.agrees for c in comps if c.field == field)


def _measure_conflict(comps: Comparisons) -> bool:
    return _agrees(comps, "measure") is False or _agrees(comps, "unit") is False


def _context_conflict(comps: Comparisons) -> bool:
    return any(_agrees(comps, k) is False for k in ("population", "period", "attribution"))


def _similar(ev: Evidence | None, floor: float) -> bool:
    return ev is not None and ev.similarity >= floor


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _source(ev: Evidence | None) -> str:
    assert ev is not None
    return f"{ev.source_title}: \u201c{_short(ev.text)}\u201d"


def _scaled(floor: Callable[[Thresholds], float]) -> Callable[[Evidence | None, Thresholds], float]:
    """Confidence from how far the statement's similarity clears the rule's floor: 0.6 at the floor."""
    def confidence(ev: Evidence | None, t: Thresholds) -> float:
        assert ev is not None
        span = max(1e-6, 1.0 - floor(t))
        return round(min(0.99, 0.6 + 0.4 * (ev.similarity - floor(t)) / span), 3)
    return confidence


def _finding(ev: Evidence | None) -> Claim:
    assert ev is not None and ev.finding is not None
    return ev.finding


def _same_figure(c: Claim, ev: Evidence | None, t: Thresholds) -> bool:
    f = _finding(ev)
    assert c.quantity is not None and f.quantity is not None
    return cmp.values_same_figure(c.quantity, f.quantity, t.relative_tolerance)


def _opposite_direction(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return (bool(_agrees(comps, "value")) and _agrees(comps, "direction") is False and not _measure_conflict(comps)
            and _similar(ev, t.contradicted_similarity))


def _explain_direction(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    direction = next(x for x in comps if x.field == "direction")
    return f"Same figure, opposite direction: {describe(direction)} \u2014 {_source(ev)}."


def _changed(field_conflicts: Callable[[Comparisons], bool], on_topic: bool = True) -> Callable[..., bool]:
    """The same figure as the source's, with `field_conflicts` true: the figure put to another use.
    A figure put to another use is still on the claim's topic: "the lowest since 2001" of one
    poll and "the lowest since 1990" of a traffic survey share a rank, not a fact (the statement
    must share at least one of the claim's content words)."""
    def applies(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
        return (bool(_agrees(comps, "value")) and field_conflicts(comps) and _similar(ev, t.misrepresented_similarity)
                and _same_figure(c, ev, t) and (not on_topic or cmp.topic_overlap(c, _finding(ev)) > 0))
    return applies


def _explain_changed(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    reasons = [describe(x) for x in comps if x.agrees is False and x.field != "value"]
    return f"The figure {comps[0].claim} is in the source, but " + "; ".join(reasons) + f" \u2014 {_source(ev)}."


def _compatible(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return (bool(_agrees(comps, "value")) and not _measure_conflict(comps) and not _context_conflict(comps)
            and _agrees(comps, "direction") is not False and _similar(ev, t.supported_similarity))


def _compatible_figure(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    assert c.quantity is not None
    return _compatible(c, ev, comps, t) and cmp.bounded(c.quantity)


def _open_ended_same_topic(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    # An open-ended figure ("more than a third") fits many numbers, so it needs the
    # statement to be about the same thing, as a contradiction does.
    assert c.quantity is not None
    return (_compatible(c, ev, comps, t) and not cmp.bounded(c.quantity)
            and cmp.topic_overlap(c, _finding(ev)) >= t.open_ended_topic_overlap)


def _explain_supported(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    return f"The source states a compatible figure ({comps[0].evidence} for {comps[0].claim}) \u2014 {_source(ev)}."


def _conflicting_figure(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    f = _finding(ev)
    assert c.quantity is not None and f.quantity is not None
    return (not _agrees(comps, "value") and not _measure_conflict(comps) and not _context_conflict(comps)
            and _similar(ev, t.contradicted_similarity)
            and cmp.values_conflict(c.quantity, f.quantity, t.relative_tolerance)
            and cmp.figures_comparable(c.quantity, f.quantity, t.contradiction_max_ratio)
            and cmp.topic_overlap(c, f) >= t.contradiction_topic_overlap)


def other_thing_words(c: Claim, ev: Evidence | None) -> list[str]:
    """What the claim's figure counts that the statement (or its document's title) never says
    (claims/measured.py).

    One way only: a claim often names its thing by reference ("the region", "them") where
    the source spells it out, so a source word the claim lacks proves nothing; on the
    labelled sets that reverse test turned seven true contradictions into `unverifiable`.
    """
    f = _finding(ev)
    said = " ".join((f.sentence, f.population or "", ev.source_title if ev else ""))
    return unstated_words(c.measured, said) + unstated_context(c, said)


def _about_other_thing(c: Claim, ev: Evidence | None) -> bool:
    return bool(other_thing_words(c, ev))


def _conflicting_same_topic(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return _conflicting_figure(c, ev, comps, t) and not _about_other_thing(c, ev)


def _conflicting_other_thing(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return _conflicting_figure(c, ev, comps, t) and _about_other_thing(c, ev)


def _explain_other_thing(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    f = _finding(ev)
    given = f.quantity.text if f.quantity else "a figure"
    return (f"No source statement states this figure: the closest gives another figure for something else "
            f"(the claim's figure is for '{' '.join(other_thing_words(c, ev))}', which the source's {given} "
            f"does not say) \u2014 {_source(ev)}.")


def _changed_measure(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    """The same figure as another kind of number, on the claim's topic (the statement shares at
    least one of the claim's content words): "a 58% increase in bookings" for "58% of surgeons
    reported an increase in bookings". A figure that only shares its digits with a statement
    about something else ("12% of streams" beside "a 12.1% fall in vinyl sales") is a
    coincidence, not a changed measure. A different thing counted is itself the change ("2.4
    million people" for 2.4 million parcels): the unit field says so, and the words need not match."""
    return _changed(_measure_conflict, on_topic=False)(c, ev, comps, t) and (
        _agrees(comps, "unit") is False or cmp.topic_overlap(c, _finding(ev)) > 0)


def _conflicting_opposite_direction(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return _agrees(comps, "direction") is False and _conflicting_same_topic(c, ev, comps, t)


def _explain_conflict(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    value = describe(comps[0])
    return f"{value[:1].upper()}{value[1:]} \u2014 {_source(ev)}."


def _field_conflict(field: str) -> Callable[[Comparisons], bool]:
    return lambda comps: _agrees(comps, field) is False


def _narrower_scope(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    """The same figure, but the source counted a narrower group or place (claims/scope.py)."""
    return (bool(_agrees(comps, "value")) and not _measure_conflict(comps) and _agrees(comps, "direction") is not False
            and _similar(ev, t.misrepresented_similarity) and _same_figure(c, ev, t)
            and scope_difference(c, _finding(ev)) is not None)


def _explain_scope(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    why = scope_difference(c, _finding(ev))
    return f"The figure {comps[0].claim} is in the source, but {why} \u2014 {_source(ev)}."


_MISREPRESENTED_CONFIDENCE = _scaled(lambda t: t.misrepresented_similarity)
_CONTRADICTED_CONFIDENCE = _scaled(lambda t: t.contradicted_similarity)
_SUPPORTED_CONFIDENCE = _scaled(lambda t: t.supported_similarity)

# Tried on each candidate statement in this order; the first that applies decides its verdict.
CANDIDATE_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("same_figure_opposite_direction", "contradicted",
                "The source gives the same figure for the same measure, but it moved the other way.",
                _opposite_direction, _explain_direction, _CONTRADICTED_CONFIDENCE),
    VerdictRule("same_figure_other_measure", "misrepresented",
                "The source gives the same figure, but as another kind of number or in another unit, for what the claim counts.",
                _changed_measure, _explain_changed, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("same_figure_other_population", "misrepresented",
                "The source gives the same figure, but about another place or group.",
                _changed(_field_conflict("population")), _explain_changed, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("same_figure_other_period", "misrepresented",
                "The source gives the same figure, but for another period.",
                _changed(_field_conflict("period")), _explain_changed, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("same_figure_other_attribution", "misrepresented",
                "The source gives the same figure, but the claim credits it to someone else.",
                _changed(_field_conflict("attribution")), _explain_changed, _MISREPRESENTED_CONFIDENCE),
    # Issue #15 part 3: the same change in another measure (claims/measure_shift.py).
    VerdictRule("points_reported_as_percent", "misrepresented",
                "The source's change is in percentage points and the claim gives it in per cent (or back).",
                measure_shift.points_as_percent, measure_shift.explain_points_as_percent, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("number_vs_share_change", "misrepresented",
                "The source's change is of a share and the claim gives it as a change of a number (or back).",
                measure_shift.number_vs_share, measure_shift.explain_number_vs_share, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("same_figure_narrower_scope", "misrepresented",
                "The source gives the same figure, but counts a narrower group or place than the claim says.",
                _narrower_scope, _explain_scope, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("compatible_figure", "supported",
                "The source states a figure the claim's wording allows, and nothing else disagrees.",
                _compatible_figure, _explain_supported, _SUPPORTED_CONFIDENCE),
    VerdictRule("open_ended_figure_same_topic", "supported",
                "The claim's open-ended figure ('more than a third') fits the source's, on the same topic.",
                _open_ended_same_topic, _explain_supported, _SUPPORTED_CONFIDENCE),
    # Explained by the direction, as judge 1.0 always did (its wording says "same figure"
    # although the figures differ; kept so this refactor changes no explanation).
    VerdictRule("conflicting_figure_opposite_direction", "contradicted",
                "The source gives another figure for the same measure and topic, and it moved the other way.",
                _conflicting_opposite_direction, _explain_direction, _CONTRADICTED_CONFIDENCE),
    VerdictRule("conflicting_figure_same_topic", "contradicted",
                "The source gives a figure no wording of the claim allows, for the same measure and topic.",
                _conflicting_same_topic, _explain_conflict, _CONTRADICTED_CONFIDENCE),
)


def _no_candidate_confidence(ev: Evidence | None, t: Thresholds) -> float:
    return round(min(0.95, max(0.3, 1.0 - (ev.similarity if ev else 0.0))), 3)


def _explain_unverifiable(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    closest = f" (closest: \u201c{_short(ev.text)}\u201d, similarity {ev.similarity:.2f})" if ev else ""
    return f"No source statement states this figure{closest}."


NOT_A_STATISTIC = VerdictRule(
    "not_a_statistic", "not_checkable",
    "The claim has no figure that can be checked (a quote, an opinion, a vague amount).",
    lambda c, ev, comps, t: not c.checkable or c.quantity is None,
    lambda c, ev, comps: f"Not a checkable statistic: {c.reason or 'no figure to check'}.",
    lambda ev, t: 0.9)
# Tried only when no candidate decides: the honest verdict for "another figure of the same topic".
CONFLICTING_OTHER_THING = VerdictRule(
    "conflicting_figure_other_thing", "unverifiable",
    "The closest statement gives a different figure, but for something else than the claim counts "
    "(a component, a subgroup, another series): no source states the claim's figure.",
    _conflicting_other_thing, _explain_other_thing, _no_candidate_confidence)
NO_MATCHING_STATEMENT = VerdictRule(
    "no_matching_statement", "unverifiable",
    "No candidate statement supports, misrepresents or contradicts the figure.",
    lambda c, ev, comps, t: True, _explain_unverifiable, _no_candidate_confidence)


def _decided_over_pairs(c: Claim, ev: Evidence | None, comps: Comparisons, t: Thresholds) -> bool:
    return False  # never on one statement: claims/derived.py decides these over pairs of statements


def _explain_pairs(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    return "Computed from two source figures (claims/derived.py explains each verdict with its arithmetic)."


# Issue #15 part 2: verdicts decided by computed evidence (claims/derived.py), tried after the
# rules above when they found no support: two statements of one source give the claim's figure
# by a difference, relative change, ratio or sum (or miss it). Their explanations carry the arithmetic.
DERIVED_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("derived_figure_fits", "supported",
                "Two source figures of one series give the claim's figure by a difference, change, ratio or sum.",
                _decided_over_pairs, _explain_pairs, _SUPPORTED_CONFIDENCE),
    VerdictRule("derived_figure_other_measure", "misrepresented",
                "Two source figures give the claim's number, but as points where it says per cent (or back).",
                _decided_over_pairs, _explain_pairs, _MISREPRESENTED_CONFIDENCE),
    VerdictRule("derived_figure_conflicts", "contradicted",
                "The claim's figure, computed from the two source figures of the years it names, comes out otherwise.",
                _decided_over_pairs, _explain_pairs, _CONTRADICTED_CONFIDENCE),
)
DERIVED_RULE_BY_NAME = {r.name: r for r in DERIVED_RULES}
# Decided over an article's claims (claims/article_sources.py): a problem whose statement comes
# from a document none of the article's supported figures come from, judged again inside them.
OUTSIDE_CONFIDENCE = 0.6
OUTSIDE_ARTICLE_SOURCES = VerdictRule(
    "problem_outside_article_sources", "unverifiable",
    "Only a document the article does not otherwise draw on disagrees with the figure; none it draws on states it.",
    lambda c, ev, comps, t: False,
    lambda c, ev, comps: "Judged over the article's claims (claims/article_sources.py explains each verdict).",
    lambda ev, t: OUTSIDE_CONFIDENCE)
FIGURE_IN_ARTICLE_SOURCE = VerdictRule(
    "figure_in_article_source", "supported",
    "A document the article's other figures come from states a figure the claim's wording allows, "
    "in a statement less similar than a supported claim needs, and nothing else disagrees.",
    lambda c, ev, comps, t: False,
    lambda c, ev, comps: "Judged over the article's claims (claims/article_sources.py explains each verdict).",
    lambda ev, t: 0.6)
ARTICLE_RULES: tuple[VerdictRule, ...] = (OUTSIDE_ARTICLE_SOURCES, FIGURE_IN_ARTICLE_SOURCE)

# A direction without a figure ("a slight uptick", "a steady increase since 2005",
# claims/direction_only.py): judged only against a statement of the same series' direction.
def series_direction_agrees(f: Claim, c: Claim) -> bool:
    return finding_direction(f) == c.direction


def _explain_direction_only(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    f = _finding(ev)
    if series_direction_agrees(f, c):
        return f"The source states the same direction: it {said(f)} \u2014 {_source(ev)}."
    return f"The claim says it went {c.direction} without a figure, but the source says it {said(f)} \u2014 {_source(ev)}."


DIRECTION_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("direction_same_series", "supported",
                "A claim of direction without a figure; a source states the same direction for the same series.",
                lambda c, ev, comps, t: c.quantity is None and series_direction(c, ev, t) is True,
                _explain_direction_only, _CONTRADICTED_CONFIDENCE),
    VerdictRule("direction_other_than_source", "contradicted",
                "A claim of direction without a figure; a source says the same series moved otherwise or did not change.",
                lambda c, ev, comps, t: c.quantity is None and series_direction(c, ev, t) is False,
                _explain_direction_only, _CONTRADICTED_CONFIDENCE),
)
DIRECTION_NOT_STATED = VerdictRule(
    "direction_not_stated", "not_checkable",
    "A claim of direction without a figure, and no source states the direction of that series.",
    lambda c, ev, comps, t: True,
    lambda c, ev, comps: "Not a checkable statistic: a direction without a figure, and no source states which way this series moved.",
    lambda ev, t: 0.9)



# A comparison between groups without a figure ("older adults are more likely than younger ones to vote",
# claims/comparatives.py): supported by a statement making the same comparison, else not checkable.
def _explain_comparison(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    if ev is not None:
        return f"The source makes the same comparison \u2014 {_source(ev)}."
    return ("Not a checkable statistic: a comparison between groups without a figure, and no source "
            "statement makes it.")


COMPARISON_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("comparison_stated", "supported",
                "A comparison between groups without a figure; a statement makes the same comparison, "
                "the same way round, about the same groups.",
                lambda c, ev, comps, t: c.quantity is None and comparatives.states_comparison(c, ev, t),
                _explain_comparison, _SUPPORTED_CONFIDENCE),
    VerdictRule("comparison_not_stated", "not_checkable",
                "A comparison between groups without a figure, and no source statement makes it.",
                lambda c, ev, comps, t: c.quantity is None, _explain_comparison, lambda ev, t: 0.9),
)


# A record or an extreme without a figure ("the hottest year on record", claims/records.py):
# supported by a statement of the same topic that states a record itself, else unverifiable.
def _explain_record(c: Claim, ev: Evidence | None, comps: Comparisons) -> str:
    if ev is not None:
        return f"The source states the record too — {_source(ev)}."
    return "No source statement states this record or extreme: the sources give figures, not their rank."


RECORD_RULES: tuple[VerdictRule, ...] = (
    VerdictRule("record_stated", "supported",
                "A record or an extreme without a figure; a statement of the same topic states a record itself.",
                lambda c, ev, comps, t: c.quantity is None and records.states_record(c, ev, t),
                _explain_record, _SUPPORTED_CONFIDENCE),
    VerdictRule("record_not_stated", "unverifiable",
                "A record or an extreme without a figure, and no source statement states it.",
                lambda c, ev, comps, t: c.quantity is None, _explain_record, lambda ev, t: 0.6),
)

# Every rule in the order judge() tries them.
VERDICT_RULES: tuple[VerdictRule, ...] = (NOT_A_STATISTIC, *CANDIDATE_RULES, *DIRECTION_RULES, DIRECTION_NOT_STATED,
                                          *RECORD_RULES, *COMPARISON_RULES,
                                          NO_MATCHING_STATEMENT)
RULE_BY_NAME = {r.name: r for r in VERDICT_RULES}
RULE_BY_NAME.update(DERIVED_RULE_BY_NAME)  # issue #15: the computed-evidence rules, tried after VERDICT_RULES
RULE_BY_NAME.update({r.name: r for r in ARTICLE_RULES})  # decided over an article's claims, after each claim's
# Among candidate statements, the verdict preferred when several apply (then the most similar).
VERDICT_PREFERENCE = ("supported", "misrepresented", "contradicted")
