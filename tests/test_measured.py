"""What a figure counts, read from the parse (claims/measured.py), and the judge's use of it:
a different figure about something else is `unverifiable`, not `contradicted` (issue #14).

Sentences are read by the real spaCy pipeline; the judge gets the real extractor's findings.
"""

from __future__ import annotations

import pytest

from claims.extract import extract_claims
from claims.measured import unstated_words
from claims.model import Verdict
from tests.judging_fixtures import verdict_against


def _measured(nlp, sentence: str) -> list[str]:
    return [c.measured for c in extract_claims(sentence, nlp)]


@pytest.mark.parametrize(("sentence", "words"), [
    # the subject of the verb the figure completes
    ("The price of clothes and shoes rose by 9.7 per cent in the year to March.", "price clothes shoes"),
    ("In May, average hourly earnings for all employees rose by 11 cents.", "average hourly earnings employees"),
    # the noun the figure counts
    ("Employers added 339,000 jobs in May.", "jobs"),
    # the object of a change noun
    ("May saw a 0.1% month-on-month fall in house prices.", "house prices"),
    ("A survey found a 58% increase in bookings for cosmetic treatments in 2022.", "bookings cosmetic treatments"),
    # a share: its group and what the group did
    ("58% of surgeons reported an increase in bookings in 2022.", "surgeons bookings"),
    # a group named by 'among' belongs to what is counted
    ("Obesity was highest among black adults (49.6 percent).", "obesity black adults"),
])
def test_what_a_figure_counts_is_read_from_the_parse(nlp, sentence: str, words: str):
    assert _measured(nlp, sentence)[0] == words


def test_a_pronoun_subject_says_nothing_about_what_is_counted(nlp):
    assert _measured(nlp, "It rose by 4% last year.") == [""]


def test_unstated_words_compare_stems_and_need_every_part_of_a_hyphenated_word():
    assert unstated_words("price clothes shoes", "Consumer prices rose 7% in the year to March") == ["clothes", "shoes"]
    assert unstated_words("private-sector jobs", "jobs in the private sector") == []
    assert unstated_words("private-sector jobs", "jobs in the public sector") == ["private-sector"]
    assert unstated_words("", "anything") == []


def _verdict(nlp, claim: str, source: str, similarity: float = 0.8) -> Verdict:
    return verdict_against(nlp, claim, source, similarity, title="Statistical bulletin")


@pytest.mark.parametrize(("claim", "source", "missing"), [
    # a component against the index it belongs to
    ("The price of clothes and shoes rose by 9.7 per cent in the 12 months to March 2022.",
     "The Consumer Prices Index rose by 7.0% in the 12 months to March 2022.", "clothes shoes"),
    # a subgroup against the whole population
    ("Obesity was highest among black adults, at 49.6% in 2017-2018.",
     "The prevalence of obesity among adults was 42.4% in 2017-2018.", "black"),
    # another series of the same release
    ("In May, private-sector payroll employment rose by 283,000.",
     "In May, total nonfarm payroll employment rose by 339,000.", "private sector"),
])
def test_a_different_figure_for_something_else_is_unverifiable(nlp, claim: str, source: str, missing: str):
    v = _verdict(nlp, claim, source)
    assert (v.verdict, v.rule) == ("unverifiable", "conflicting_figure_other_thing"), v.explanation
    assert all(w in v.explanation for w in missing.split()), v.explanation


def test_a_different_figure_for_the_same_thing_is_still_contradicted(nlp):
    v = _verdict(nlp, "The Consumer Prices Index rose by 9.7% in the 12 months to March 2022.",
                 "The Consumer Prices Index rose by 7.0% in the 12 months to March 2022.")
    assert (v.verdict, v.rule) == ("contradicted", "conflicting_figure_same_topic"), v.explanation


def test_the_same_figure_about_the_same_thing_is_still_supported(nlp):
    v = _verdict(nlp, "Consumer prices rose by 7% in the year to March 2022.",
                 "The Consumer Prices Index rose by 7.0% in the 12 months to March 2022.")
    assert v.verdict == "supported", v.explanation


@pytest.mark.parametrize(("sentence", "measure", "direction"), [
    ("May saw a 0.1% month-on-month fall in house prices.", "change", "down"),
    ("U.S. employers added 339,000 jobs in May.", "change", "up"),
    ("The company cut 500 jobs last year.", "change", "down"),
    # a level stays a level
    ("Sales rose to 5 million units in 2023.", "count", "up"),
    ("58% of surgeons reported an increase in bookings.", "share", None),
])
def test_a_figure_hanging_on_a_change_word_in_the_parse_is_a_change(nlp, sentence: str, measure: str, direction):
    [c] = extract_claims(sentence, nlp)
    assert (c.measure, c.direction) == (measure, direction)


def test_a_claim_naming_its_thing_by_reference_can_still_be_contradicted(nlp):
    """Only the claim's words are required of the source, not the source's of the claim: "the
    region" stands for "Asia and the Pacific" in the sentence before."""
    v = _verdict(nlp, "In 2023 the region reached only 75% of its 2019 level of international arrivals.",
                 "In 2023 Asia and the Pacific reached 65% of its 2019 level of international arrivals.")
    assert v.verdict == "contradicted", v.explanation
