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


def test_a_year_the_statement_takes_from_its_document_does_not_count_against_the_claim(nlp):
    """A report named for the year it appears in gives the year before's figures: a year read
    from the document's title or date, not written in the statement, leaves the period open."""
    (c,) = _claims("In 2020, the share of homes with solar panels was 14%.", nlp)
    (f,) = _claims("The share of homes with solar panels was 14%.", nlp)
    assert compare_period(c, dataclasses.replace(f, period="2021")) is None
    (written,) = _claims("The share of homes with solar panels was 14% in 2021.", nlp)
    assert compare_period(c, written) is False


def test_a_year_that_belongs_to_another_figure_of_the_clause_is_not_this_ones(nlp):
    """"64.1 percent this year, compared with 63.8 percent in 2018", "(19.9% in 2018)": the
    year is the compared figure's."""
    claims = _claims("Members renewing rose slightly – 64.1 percent this year, compared with 63.8 percent in 2018.", nlp)
    assert [(c.quantity.value, c.period) for c in claims] == [(64.1, None), (63.8, "2018")]
    main, base = _claims("In Ulster, 22.7% of members renewed early (19.9% in 2018).", nlp)
    assert (main.quantity.value, main.period) == (22.7, None)
    assert (base.quantity.value, base.period) == (19.9, "2018")


def test_a_financial_year_is_both_its_calendar_years(nlp):
    (c,) = _claims("Councils collected 4.6 million tonnes of glass in 2016/17.", nlp)
    assert c.period == "2016-2017"


def test_the_year_a_records_series_began_is_not_the_records_period(nlp):
    """"The lowest since polling began in 2004": 2004 is where the series starts; the record is
    this year's, so another source's "since 1990" is no other period."""
    (c,) = _claims("Trust in newspapers fell to the lowest since polling began in 2004.", nlp)
    assert c.period is None
    (f,) = _claims("Trust in radio was the lowest since the survey started tracking it in 1990.", nlp)
    assert f.period is None


def test_a_figure_put_to_another_use_is_still_on_the_claims_topic(nlp):
    """The same digits in a statement about something else are a coincidence, not the claim's
    figure placed in another year."""
    from tests.judging_fixtures import verdict_against

    other = verdict_against(nlp, "Turnout among young voters was 31% in 2020.", "Rice made up 31% of exports in 2019.")
    assert other.verdict != "misrepresented"
    same = verdict_against(nlp, "Turnout among young voters was 31% in 2020.", "Turnout among young voters was 31% in 2019.")
    assert (same.verdict, same.rule) == ("misrepresented", "same_figure_other_period")


# --- what kind of number a figure is ---------------------------------------------------------

@pytest.mark.parametrize(("sentence", "measure", "direction"), [
    ("The lake warmed by 0.4 degrees over the decade.", "change", "up"),
    ("Members saw an increase of 1.2 degrees in the average summer high.", "change", "up"),
    ("The lake was 14 degrees at noon.", "level", None),
    ("Payrolls at the mills fell 2,300 in May.", "change", "down"),
    ("Payrolls at the mills reached 41,000 in May.", "count", None),
    ("The district gained three more polling stations.", "change", "up"),
    ("The mills employ 2,300 fewer people after the closures.", "change", "down"),
])
def test_a_figure_moved_by_a_change_word_is_a_change(sentence, measure, direction, nlp):
    (c,) = _claims(sentence, nlp)
    assert (c.measure, c.direction) == (measure, direction)


def test_an_estimated_figure_is_the_figure_its_author_gives(nlp):
    """"An estimated 310,000" is a source's figure as it states it, not a figure near it."""
    from claims.comparisons import values_match

    (est,) = _claims("An estimated 310,000 visitors came to the festival.", nlp)
    (near,) = _claims("Exactly 296,000 visitors came to the festival.", nlp)
    (same,) = _claims("About 310,000 visitors came to the festival.", nlp)
    assert not values_match(near.quantity, est.quantity)
    assert values_match(same.quantity, est.quantity)


@pytest.mark.parametrize(("written", "precise"), [
    ("rose 4.7% in", True), ("up 236% on", True), ("reached 1,482.6 million", True), ("cost $318,400", True),
    ("about 10%", False), ("fell 62,000 to", False), ("nearly half", False), ("81% said", False),
])
def test_a_precise_figure_is_one_a_coincidence_rarely_repeats(written, precise):
    from claims.quantities import find_quantities, precise_figure

    assert precise_figure(find_quantities(written)[0]) is precise


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
    ("Factory orders slid to a three-year low.", None),
])
def test_a_record_without_a_figure_is_a_claim_of_rank(sentence, text, nlp):
    (c,) = extract_claims(sentence, nlp)
    assert (c.quantity, c.measure, c.checkable) == (None, "rank", True)
    assert c.text == (text or sentence)


@pytest.mark.parametrize("sentence", ["He kept a record of his spending.", "It was the best day of the trip."])
def test_a_record_kept_or_a_best_day_is_not_a_record_claim(sentence, nlp):
    assert extract_claims(sentence, nlp) == []
