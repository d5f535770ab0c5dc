"""Comparisons between groups without a figure (claims/comparatives.py): read from the
sentence, and supported only by a statement making the same comparison the same way round."""

from __future__ import annotations

import pytest

from claims.comparatives import comparison
from claims.extract import extract_claims
from claims.judge import judge
from tests.judging_fixtures import evidence_from


@pytest.mark.parametrize(("sentence", "way"), [
    ("Men are more likely than women to have tried the app.", "up"),
    ("Smoking was higher among men than women.", "up"),
    ("Older drivers are less likely to use the service.", "down"),
    ("Domestic demand grew at a slower pace than international demand.", "down"),
    ("Use was similar among boys and girls.", "flat"),
    ("There was no significant difference between men and women.", "flat"),
    ("Sales rose in May.", None),
])
def test_comparison(sentence, way):
    found = comparison(sentence)
    assert (found[0] if found else None) == way


def test_a_figureless_comparison_is_a_claim_only_when_nothing_else_is(nlp):
    (c,) = extract_claims("Rural households are less likely than urban ones to own a car.", nlp)
    assert (c.quantity, c.measure, c.direction) == (None, "comparison", "down")
    # With a figure, the figures are the claims.
    assert all(c.quantity is not None for c in extract_claims("Men (29%) are more likely than women (19%) to use it.", nlp))


def test_the_same_comparison_the_other_way_round_is_not_support(nlp):
    (c,) = extract_claims("Rural households are less likely than urban ones to own a car.", nlp)
    same = evidence_from("Rural households are less likely than urban households to own a car (61% vs. 74%).", nlp)
    reversed_ = evidence_from("Urban households are less likely than rural households to own a car (61% vs. 74%).", nlp)
    assert judge(c, [same]).rule == "comparison_stated"
    v = judge(c, [reversed_])
    assert (v.rule, v.verdict) == ("comparison_not_stated", "not_checkable")
