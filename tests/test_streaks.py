"""A streak ("the fourth consecutive year of growth") is a claim of its own, checked by its run
(claims/records.py): a source supports it only by stating the same run."""

from __future__ import annotations

import pytest

from claims.extract import extract_claims
from claims.judge import judge
from claims.model import Evidence
from claims.records import streak


@pytest.mark.parametrize(("text", "run"), [
    ("the fourth consecutive year of growth", (4, "year")),
    ("fell for 10 months in a row", (10, "month")),
    ("the third straight quarterly decline", (3, "quarter")),
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
