"""Which source documents an article draws on, and contradictions found only outside them.

A store holds many documents: this week's releases on air travel, food prices and music
sales side by side. A claim's retrieval looks at all of them, so an anaphoric or short
clause ("That total was 6% higher than a year before") can meet a statement of another
document that happens to share its words and give another figure. Judged alone, that
pair reads as a contradiction. Judged with the rest of the article it is plainly not:
the article's other figures are all found in one document, and it is not that one.
(A misrepresentation is different: the same figure with a field changed says which document
the writer took it from, even when nothing else of the article comes from there.)

So the article is the unit that says which documents it relies on: the documents that
state at least one of its figures (a direction or a record in other words says less about
where the figures came from). A claim
flagged `contradicted` by a statement from any other document is
judged again against the relied-on documents only; if none of them decides, the honest
verdict is `unverifiable`, and the explanation names the outside statement so the
editor still sees it. An article none of whose figures is supported keeps its verdicts:
there is nothing to say which documents it relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from claims.judge import judge, topic_overlap
from claims.model import Claim, Evidence, Verdict
from claims.quantities import precise_figure
from claims.rules import FIGURE_IN_ARTICLE_SOURCE, OUTSIDE_ARTICLE_SOURCES, OUTSIDE_CONFIDENCE
from claims.thresholds import Thresholds

# Rules that find the claim's own figure in a statement: the document the figure came from. A
# direction or a record in other words is weaker evidence of where an article drew its figures.
_RELIED_ON = frozenset({"compatible_figure", "open_ended_figure_same_topic", "derived_figure_fits"})
# Only a different figure is weak evidence from another document. The same figure with a field
# changed ("73%" of the 2019 survey quoted as the 2022 one's) says where the writer took it
# from: a misrepresentation from a sibling report is exactly the error to catch.
_PROBLEMS = frozenset({"contradicted"})


def relied_on_sources(verdicts: Sequence[Verdict]) -> set[str]:
    """The source documents that support at least one of the article's claims."""
    return {v.evidence.source_id for v in verdicts
            if v.rule in _RELIED_ON and v.evidence is not None and v.evidence.source_id}


def is_outside(v: Verdict, relied_on: set[str]) -> bool:
    """A problem verdict whose deciding statement comes from a document the article does not draw on."""
    return (bool(relied_on) and v.verdict in _PROBLEMS and v.computed is None
            and v.evidence is not None and v.evidence.source_id not in relied_on)


def within_article_sources(verdicts: Sequence[Verdict], rejudge: Callable[[int, set[str]], Verdict],
                           figure_inside: Callable[[int, set[str]], Verdict | None] | None = None) -> list[Verdict]:
    """The article's verdicts, each contradiction found only outside its documents judged again
    inside them (`rejudge(i, sources)` judges claim i against those documents' statements), and
    each figure no statement was close enough to support looked for among them
    (`figure_inside(i, sources)`: a supported verdict, or None)."""
    relied_on = relied_on_sources(verdicts)
    out = list(verdicts)
    for i, v in enumerate(verdicts):
        if is_outside(v, relied_on):
            again = rejudge(i, relied_on)
            out[i] = outside_sources_verdict(v, again) if again.verdict == "unverifiable" else again
        elif figure_inside is not None and relied_on and v.rule == "no_matching_statement":
            found = figure_inside(i, relied_on)
            if found is not None:
                out[i] = found
    return out


Judge = Callable[[Claim, list[Evidence], Thresholds], Verdict]


def judge_in_article_source(claim: Claim, found: Sequence[Evidence], t: Thresholds,
                            judge_with: Judge = judge) -> Verdict | None:
    """`supported` when a statement of a document the article draws on states a figure the
    claim's wording allows and nothing else disagrees, at a similarity down to the retrieval
    floor (`retrieval.min_similarity`) rather than `judge.supported_similarity`: a short or
    anaphoric clause ("and 12.4% under its level of a year before") embeds far from the sentence
    that states its figure, and the document is already known to be the article's."""
    loose = replace(t, supported_similarity=t.min_similarity)
    # A figure repeated in the document is often a coincidence ("3%" of wages beside "3%" of
    # prices): at this similarity the statement must also be on the claim's topic, as a
    # contradiction must.
    # A precise figure ("6.2%", "172%", "1,591.3 million") of the same kind of number is the
    # exception: "the gauge rose 3.7%" names no topic word, and such a figure in the very
    # document the article draws on, moving the same way, is rarely a coincidence.
    on_topic = [e for e in found if e.finding is not None
                and (topic_overlap(claim, e.finding) >= t.contradiction_topic_overlap
                     or (precise_figure(claim.quantity) and e.finding.measure == claim.measure))]
    if not on_topic:
        return None
    v = judge_with(claim, on_topic, loose)
    if v.verdict != "supported" or v.rule != "compatible_figure" or v.evidence is None:
        return None
    ev = v.evidence
    quoted = ev.text if len(ev.text) <= 90 else ev.text[:89].rstrip() + "\u2026"
    value = next((c for c in v.comparisons if c.field == "value"), None)
    figures = f" ({value.evidence} for {value.claim})" if value else ""
    explanation = (f"A document this article's other figures come from states a compatible figure{figures}, "
                   f"in other words than the claim's \u2014 {ev.source_title}: \u201c{quoted}\u201d.")
    # A calibrated confidence (claims/decision.py) stands; without one, the rule's own.
    confidence = v.confidence if v.problem_probability is not None else FIGURE_IN_ARTICLE_SOURCE.confidence(ev, t)
    return replace(v, rule=FIGURE_IN_ARTICLE_SOURCE.name, explanation=explanation, confidence=confidence)


def outside_sources_verdict(outside: Verdict, inside: Verdict) -> Verdict:
    """`unverifiable`, naming the statement from the other document that disagreed."""
    ev = outside.evidence
    assert ev is not None
    quoted = ev.text if len(ev.text) <= 90 else ev.text[:89].rstrip() + "\u2026"
    explanation = (f"No source this article draws on states this figure; the closest statement that "
                   f"disagrees is in a document none of its other figures come from ({ev.source_title}: "
                   f"\u201c{quoted}\u201d).")
    confidence = inside.confidence if inside.problem_probability is not None else OUTSIDE_CONFIDENCE
    return replace(inside, verdict=OUTSIDE_ARTICLE_SOURCES.verdict, rule=OUTSIDE_ARTICLE_SOURCES.name,
                   explanation=explanation, confidence=confidence)
