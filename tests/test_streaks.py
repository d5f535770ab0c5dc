"""A streak ("the fourth consecutive year of growth") is a claim of its own, checked by its run
(claims/records.py): a source supports it only by stating the same run."""

from __future__ import annotations

import pytest

from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence
from claims.records import streak
from tests.judging_fixtures import evidence_from


@pytest.mark.parametrize(("text", "run"), [
    ("the fourth consecutive year of growth", (4, "year")),
    ("fell for 10 months in a row", (10, "month")),
    ("the fourth straight quarterly fall", (4, "quarter")),
    ("For the fifth year in a row, the region grew fastest", (5, "year")),
    ("the first year of growth", None),
])
def test_streak(text, run):
    assert streak(text) == run


def test_a_streak_beside_a_figure_is_a_claim_of_its_own(nlp):
    claims = extract_claims("Ticket sales rose 6.1% in 2023, the third consecutive year of growth.", nlp)
    assert [(c.measure, c.quantity is None) for c in claims] == [("change", False), ("rank", True)]
    assert claims[1].text.startswith("the third consecutive year")


def _statement(text: str, nlp, similarity: float = 0.8) -> Evidence:
    f = [f for f in extract_claims(text, nlp) if f.quantity is None][0]
    return Evidence("st-1", "src-1", "A release", f.sentence, f.start, f.end, similarity, f)


def test_a_streak_is_supported_only_by_the_same_run(nlp):
    (c,) = extract_claims("Cinema admissions have risen for the third year in a row.", nlp)
    same = _statement("Admissions to cinemas have now risen for three years in a row.", nlp)
    other = _statement("Admissions to cinemas have now risen for four years in a row.", nlp)
    assert judge(c, [same]).rule == "record_stated"
    assert judge(c, [other]).verdict == "unverifiable"


def test_a_run_around_a_figure_in_its_clause_stays_with_the_figure(nlp):
    """"Fell for the sixth consecutive month to 812,000": one claim, judged as a figure, so a
    statement of the figure alone supports it and says so in its explanation."""
    (figure,) = extract_claims("Job openings fell for the sixth consecutive month to 812,000.", nlp)
    assert figure.quantity is not None and figure.quantity.value == 812_000
    v = judge(figure, [evidence_from("There were an estimated 812,000 job openings in the quarter.", nlp)])
    assert (v.verdict, v.rule) == ("supported", "compatible_figure")
    assert "812,000" in v.explanation


def test_a_record_after_a_figures_clause_is_a_claim_of_its_own(nlp):
    claims = extract_claims("The jobless rate held at 3.9% in May, its lowest level in 40 years.", nlp)
    assert [(c.measure, c.quantity is None) for c in claims] == [("level", False), ("rank", True)]


def test_a_run_needs_little_similarity_but_the_same_way(nlp):
    (c,) = extract_claims("That's the fifth straight year of increase.", nlp)
    grew = _statement("Revenue grew by 6.1% in 2023, the fifth consecutive year of growth, the report says.", nlp, 0.4)
    fell = _statement("Revenue fell by 6.1% in 2023, the fifth consecutive year of decline, the report says.", nlp, 0.4)
    assert judge(c, [grew]).rule == "record_stated"
    assert judge(c, [fell]).verdict == "unverifiable"


def test_a_record_of_another_figure_or_a_rank_is_not_this_figures_record(nlp):
    claims = extract_claims("Sales of used cars fell 3.2% last month while prices rose 2.1% to a record high.", nlp)
    first = claims[0]
    assert "record" not in first.text
    assert judge(first, [evidence_from("Used car sales fell 3.2% in May.", nlp)]).rule == "compatible_figure"
    # A figure that is the record itself is one claim, compared as a rank.
    claims = extract_claims("The trade gap widened to the third largest on record.", nlp)
    assert [(c.measure, c.quantity.value if c.quantity else None) for c in claims] == [("rank", 3.0)]
