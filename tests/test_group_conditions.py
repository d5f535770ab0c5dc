"""A share of a restricted group reported as a share of everyone ("20% of drivers who have tried
the app" as "20% of users"), and money named by its country, which is no place (claims/scope.py,
claims/places.py)."""

from __future__ import annotations

import pytest

from claims.comparisons import claim_geo_codes
from claims.scope import base_condition
from tests.judging_fixtures import verdict_against

SOURCE = "One in four drivers who have tried the app say they have used it to plan a trip."


def test_the_condition_of_a_figures_group_is_read_after_it_or_from_an_opening_among():
    assert base_condition(SOURCE, 0) == ("tried", "who have tried the app")
    s = "Among those who have tried the app, 31% of drivers under 30 pay for it."
    assert base_condition(s, s.index("31%")) == ("tried", "who have tried the app")
    # Taking part in the survey restricts no one.
    assert base_condition("45% of adults who responded to the survey back the plan.", 0) is None
    # A clause after a verb of saying belongs to the predicate, not the group.
    assert base_condition("45% of adults said people who drive should pay more.", 0) is None


def test_a_claim_that_drops_the_groups_condition_is_misrepresented(nlp):
    v = verdict_against(nlp, "About a quarter of the app's users have used it to plan a trip.", SOURCE)
    assert (v.verdict, v.rule) == ("misrepresented", "same_figure_narrower_scope")
    assert "who have tried the app" in v.explanation


def test_a_claim_that_keeps_the_condition_is_supported(nlp):
    v = verdict_against(nlp, "Among drivers who have tried the app, one in four have used it to plan a trip.", SOURCE)
    assert v.verdict == "supported"


@pytest.mark.parametrize(("text", "codes"), [
    ("global sales grew 4% to US$31.7 billion", {"WORLD"}),
    ("sales of 27.4 billion U.S. dollars", set()),
    ("C$5 billion of exports", set()),
    ("in the U.S. $5 billion was spent", {"US"}),
    ("US sales rose 5%", {"US"}),
])
def test_money_named_by_its_country_is_not_a_place(text, codes):
    assert claim_geo_codes(text) == codes
