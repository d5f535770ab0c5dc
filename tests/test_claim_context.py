"""Another figure contradicts a claim only where the statement speaks of the claim's month,
place and group (claims/claim_context.py); otherwise the honest verdict is `unverifiable`.

Claims and statements are read by the real extractor and judged by the real rules; the
candidate's similarity is given, so each test pins one reading without retrieval.
"""

from __future__ import annotations

from claims.claim_context import unstated_group, unstated_months, unstated_places
from tests.judging_fixtures import verdict_against


def test_a_month_the_claim_names_and_a_statement_naming_other_months_does_not():
    assert unstated_months("ferry crossings fell to 41,000 in March",
                           "ferry crossings fell to 44,000 in April, from 46,000 in February") == ["March"]
    # Any month the statement names counts as said, a base month too.
    assert unstated_months("crossings rose 3% from April", "crossings rose 2% in May from April") == []
    # A statement that names no month may be dated by its document: the month stays open.
    assert unstated_months("crossings rose 3% in May", "crossings rose 2% over the quarter") == []


def test_a_place_the_claim_is_about_and_the_statement_does_not_cover():
    assert unstated_places("Canadian bakeries sold 12% more bread", "Bakeries sold 9% more bread") == ["canadian"]
    assert unstated_places("Canadian bakeries sold 12% more bread", "Bakeries in Canada sold 9% more bread") == []
    assert unstated_places("Bakeries sold 12% more bread", "Bakeries in Canada sold 9% more bread") == []
    assert unstated_places("Middle Eastern carriers flew 8% more", "Asian carriers flew 11% more") == ["middle eastern"]


def test_group_words_the_statement_never_says():
    assert unstated_group("anglers aged 70 and over", "A fifth of anglers fish weekly") == ["aged", "over"]
    assert unstated_group("retired anglers", "A fifth of anglers fish weekly") == ["retired"]
    assert unstated_group("anglers", "A fifth of anglers fish weekly") == []
    # Places are the place test's, not the group's.
    assert unstated_group("Irish anglers", "A fifth of anglers fish weekly") == []


def test_another_months_figure_is_not_a_contradiction(nlp):
    v = verdict_against(nlp, "Ferry crossings fell to 41,000 in March.",
                        "Ferry crossings fell to 44,000 in April, from 46,000 in February.")
    assert (v.verdict, v.rule) == ("unverifiable", "conflicting_figure_other_thing")
    assert "March" in v.explanation


def test_the_same_months_other_figure_is_a_contradiction(nlp):
    v = verdict_against(nlp, "Ferry crossings fell to 41,000 in April.",
                        "Ferry crossings fell to 44,000 in April, from 46,000 in February.")
    assert (v.verdict, v.rule) == ("contradicted", "conflicting_figure_same_topic")


def test_another_regions_figure_is_not_a_contradiction(nlp):
    v = verdict_against(nlp, "Canadian bakeries sold 12% more bread in 2021.",
                        "Bakeries sold 9% more bread in 2021.")
    assert (v.verdict, v.rule) == ("unverifiable", "conflicting_figure_other_thing")
    same_place = verdict_against(nlp, "Canadian bakeries sold 12% more bread in 2021.",
                                 "Canadian bakeries sold 9% more bread in 2021.")
    assert same_place.verdict == "contradicted"


def test_a_narrower_groups_figure_is_not_a_contradiction(nlp):
    v = verdict_against(nlp, "In the survey, 31% of retired anglers fish every week.",
                        "In the survey, 22% of anglers fish every week.")
    assert v.verdict == "unverifiable"
    assert "retired" in v.explanation
