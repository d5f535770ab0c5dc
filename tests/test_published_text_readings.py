"""Readings that published articles need and the team's own examples did not (issue #14):
which words of a clause belong to which figure, what a fragment is looked up with, when a
year is the claim's own, and which numbers are not statistics at all.

Real spaCy pipeline and real extractor; each case is a sentence of the kind found in news
coverage of statistics releases, written for the test.
"""

from __future__ import annotations

import dataclasses

import pytest

from claims.comparisons import compare_period
from claims.extract import extract_claims
from sources.retrieval_text import names_a_topic, retrieval_text


def _claims(text: str, nlp):
    return [c for c in extract_claims(text, nlp) if c.quantity is not None]


# --- which clause a figure gets --------------------------------------------------------------

def test_a_second_clause_keeps_its_own_subject(nlp):
    """A clause joined by "but" starts the second figure's claim, not the "to" before its figure."""
    first, second, base = _claims(
        "About 45% of farmers rated their harvest as good in 2019 but the share reporting good soil "
        "quality decreased to 38 per cent in 2019 from 51.3 per cent in 2018.", nlp)
    assert first.text.endswith("in 2019")
    assert second.text.startswith("but the share reporting good soil quality decreased to 38 per cent")
    assert base.text.startswith("from 51.3 per cent") and base.role == "baseline"


def test_from_one_figure_to_another_the_reached_figure_carries_the_subject(nlp):
    base, main, other = _claims(
        "Bus ridership fell sharply among commuters in the region, from 31.2% to 24.8%, and about 92,000 "
        "fewer workers reported taking a train.", nlp)
    assert base.text == "from 31.2%" and base.role == "baseline"
    assert main.text == "Bus ridership fell sharply among commuters in the region, from 31.2% to 24.8%"
    assert main.quantity.value == 24.8 and main.role == "main"
    assert other.text.startswith("and about 92,000")


# --- what a fragment is looked up with ---------------------------------------------------------

@pytest.mark.parametrize(("sentence", "fragment"), [
    ("The vacancy rate rose 0.3 points to 4.7 per cent in April.", "to 4.7 per cent in April."),
    ("The average ticket price rose by 15 cents, or 0.6 percent, to $24.90.", "to $24.90."),
])
def test_a_fragment_without_a_topic_is_looked_up_with_its_sentence(sentence, fragment, nlp):
    claims = _claims(sentence, nlp)
    (c,) = [c for c in claims if c.text == fragment]
    assert not names_a_topic(c)
    assert retrieval_text(c, claims) == c.sentence


def test_a_clause_that_names_its_topic_is_looked_up_alone(nlp):
    claims = _claims("Exports rose by 12,400 tonnes in March, while the import bill fell to 8.2 percent.", nlp)
    assert len(claims) == 2
    for c in claims:
        assert names_a_topic(c), c.text
        assert retrieval_text(c, claims) == c.text


# --- whose year a claim carries ----------------------------------------------------------------

def test_a_year_carried_over_from_elsewhere_does_not_count_against_the_source(nlp):
    (c,) = _claims("In rural districts, the share of homes with solar panels was 14%.", nlp)
    (f,) = _claims("In rural districts, 14 percent of homes had solar panels in 2021.", nlp)
    inherited = dataclasses.replace(c, period="2020")
    assert compare_period(inherited, f) is None
    stated = _claims("In rural districts, the share of homes with solar panels was 14% in 2020.", nlp)[0]
    assert stated.period == "2020" and compare_period(stated, f) is False


# --- numbers that are not statistics -----------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Use was highest among adults 18 to 29.",
    "Only a few adults 65 and older had tried it.",
    "Road accidents have fallen steadily over the past three decades.",
    "These are the four main findings of the census.",
    "Cheaper energy: read the top 7 takeaways from the budget.",
])
def test_ages_spans_of_time_and_an_article_counting_its_items_are_not_claims(sentence, nlp):
    assert _claims(sentence, nlp) == [], [c.text for c in _claims(sentence, nlp)]


def test_a_figure_of_a_group_named_by_age_is_still_a_claim(nlp):
    (c,) = _claims("Some 6 percent of adults 65 and older had used it.", nlp)
    assert c.quantity.value == 6 and c.text.endswith("65 and older had used it.")


# --- a direction without a figure --------------------------------------------------------------

def test_a_sentence_whose_main_verb_moves_its_subject_is_a_direction_claim(nlp):
    (c,) = extract_claims("The number of hospital beds in Ontario decreased.", nlp)
    assert (c.quantity, c.direction, c.checkable) == (None, "down", True)
    # A rise that is not the sentence's main verb is a passing mention.
    assert extract_claims("Analysts expect prices to rise.", nlp) == []


# --- a record without a figure -----------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "text"), [
    ("2019 overtook 2011 as the wettest spring on record, the weather service said.",
     "2019 overtook 2011 as the wettest spring on record"),
    ("Strong demand pushed rents close to a 25-year high.", None),
    ("Car sales rose at their fastest monthly pace for nearly 9 years in June, the trade body said.",
     "Car sales rose at their fastest monthly pace for nearly 9 years in June"),
    ("That is the weakest growth in retail sales since March 2001.", None),
])
def test_a_record_without_a_figure_is_a_claim_of_rank(sentence, text, nlp):
    (c,) = extract_claims(sentence, nlp)
    assert (c.quantity, c.measure, c.checkable) == (None, "rank", True)
    assert c.text == (text or sentence)


@pytest.mark.parametrize("sentence", ["He kept a record of his spending.", "It was the best day of the trip."])
def test_a_record_kept_or_a_best_day_is_not_a_record_claim(sentence, nlp):
    assert extract_claims(sentence, nlp) == []
