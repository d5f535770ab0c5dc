"""A problem found only in a document the article does not draw on is judged again inside
the documents it does (claims/article_sources.py).

Claims and statements are read by the real extractor and judged by the real rules; only
retrieval is skipped (each claim's candidates are given, with their documents).
"""

from __future__ import annotations

from dataclasses import replace

from claims.article_sources import relied_on_sources, within_article_sources
from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence
from claims.rules import RULE_BY_NAME
from tests.judging_fixtures import evidence_from

ARTICLE = ("Cinema ticket sales reached 1.2 billion in 2023, the trade body said. "
           "Sales of popcorn rose 10% in 2023.")


def _from(doc: str, sentence: str, nlp) -> Evidence:
    ev = evidence_from(sentence, nlp, 0.8, title=f"Release of {doc}")
    return replace(ev, source_id=doc, statement_id=f"{doc}-{abs(hash(sentence)) % 1000}")


def _judged(nlp, second_doc: str, first_doc: str = "cinema"):
    claims = extract_claims(ARTICLE, nlp)
    assert len(claims) == 2
    candidates = [
        [_from(first_doc, "Cinema ticket sales reached 1.2 billion in 2023.", nlp)],
        [_from(second_doc, "Sales of popcorn rose 14% in 2023.", nlp)],
    ]
    verdicts = [judge(c, ev) for c, ev in zip(claims, candidates, strict=True)]

    def inside(i: int, sources: set[str]):
        return judge(claims[i], [e for e in candidates[i] if e.source_id in sources])

    return verdicts, within_article_sources(verdicts, inside)


def test_a_contradiction_from_a_document_the_article_does_not_draw_on_becomes_unverifiable(nlp):
    before, after = _judged(nlp, second_doc="snacks")
    assert before[0].verdict == "supported" and before[1].verdict == "contradicted"
    assert relied_on_sources(before) == {"cinema"}
    assert after[0] == before[0]
    assert (after[1].verdict, after[1].rule) == ("unverifiable", "problem_outside_article_sources")
    assert RULE_BY_NAME[after[1].rule].verdict == "unverifiable"
    # The editor still reads what disagreed, and where.
    assert "Release of snacks" in after[1].explanation and "14%" in after[1].explanation


def test_a_contradiction_from_the_document_the_article_draws_on_stands(nlp):
    before, after = _judged(nlp, second_doc="cinema")
    assert after == before
    assert after[1].verdict == "contradicted"


def test_an_article_with_no_supported_figure_keeps_its_verdicts(nlp):
    claims = extract_claims("Sales of popcorn rose 10% in 2023.", nlp)
    ev = [_from("snacks", "Sales of popcorn rose 14% in 2023.", nlp)]
    verdicts = [judge(claims[0], ev)]
    assert verdicts[0].verdict == "contradicted"
    assert within_article_sources(verdicts, lambda i, s: judge(claims[i], [])) == verdicts


def test_a_figure_stated_in_the_articles_document_is_found_at_a_lower_similarity(nlp):
    """A fragment ("and 18% below its level a year earlier") embeds far from the sentence that
    states its figure; in a document the article already draws on, the figure is enough."""
    from claims.article_sources import judge_in_article_source
    from claims.thresholds import Thresholds

    t = Thresholds()
    (claim,) = [c for c in extract_claims("Rice prices were 18.2% below their level a year earlier.", nlp)]
    low = replace(_from("grain", "The rice index stood 18.2 percent below its level of a year earlier.", nlp),
                  similarity=t.supported_similarity - 0.05)
    assert judge(claim, [low], t).verdict == "unverifiable"
    v = judge_in_article_source(claim, [low], t)
    assert v is not None and (v.verdict, v.rule) == ("supported", "figure_in_article_source")
    assert "Release of grain" in v.explanation
    # Below the retrieval floor it is no evidence at all, and another figure is never support.
    assert judge_in_article_source(claim, [replace(low, similarity=t.min_similarity - 0.01)], t) is None
    other = replace(_from("grain", "The rice index stood 16.4 percent below its level of a year earlier.", nlp),
                    similarity=t.supported_similarity - 0.05)
    assert judge_in_article_source(claim, [other], t) is None


def test_a_precise_figure_needs_no_topic_word_a_round_one_does(nlp):
    """"The gauge rose 3.7%" names no topic word the statement shares; a precise figure of the
    same kind in the article's own document is still found, a round one is not."""
    from claims.article_sources import judge_in_article_source
    from claims.thresholds import Thresholds

    t = Thresholds()
    low = t.supported_similarity - 0.05
    (precise,) = extract_claims("The gauge rose 3.7% on the month.", nlp)
    found = replace(_from("grain", "Wholesale rice prices increased 3.7 percent in March.", nlp), similarity=low)
    v = judge_in_article_source(precise, [found], t)
    assert v is not None and v.rule == "figure_in_article_source"
    (round_figure,) = extract_claims("The gauge rose 4% on the month.", nlp)
    also = replace(_from("grain", "Wholesale rice prices increased 4 percent in March.", nlp), similarity=low)
    assert judge_in_article_source(round_figure, [also], t) is None
    # The same digits as another kind of number are not it.
    level = replace(_from("grain", "Rice made up 3.7 percent of grain sales in March.", nlp), similarity=low)
    assert judge_in_article_source(precise, [level], t) is None


def test_the_article_pass_looks_for_unmatched_figures_only_in_the_documents_it_draws_on(nlp):
    claims = extract_claims(ARTICLE, nlp)
    supported = judge(claims[0], [_from("cinema", "Cinema ticket sales reached 1.2 billion in 2023.", nlp)])
    unmatched = judge(claims[1], [])
    asked: list[set[str]] = []

    def figure_inside(i, sources):
        asked.append(sources)
        return None

    within_article_sources([supported, unmatched], lambda i, s: judge(claims[i], []), figure_inside)
    assert asked == [{"cinema"}]
