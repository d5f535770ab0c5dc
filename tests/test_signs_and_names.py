"""Small readings that decide big verdicts: a signed percent is a change, percentage points are a
difference, a capital that only opens a sentence names no source, and a figure that only shares
its digits with a statement about something else is not a changed measure."""

from __future__ import annotations

from claims.attribution import attribution
from claims.extract import extract_claims
from claims.sentences import segment
from tests.judging_fixtures import verdict_against


def test_a_percent_written_with_its_sign_is_a_change(nlp):
    claims = extract_claims("Exports grew 4.1%, with Chile (+6.2%) and Peru (\u22121.3%) the extremes.", nlp)
    assert [(c.measure, c.direction) for c in claims] == [("change", "up"), ("change", "up"), ("change", "down")]


def test_percentage_points_are_a_difference_wherever_the_change_word_is(nlp):
    (c,) = extract_claims("That is a rise on the year before of 0.7 percentage points.", nlp)
    assert c.measure == "change_points"
    (level,) = extract_claims("The price index averaged 118.2 points in May.", nlp)
    assert level.measure == "level"


def test_a_word_capitalised_only_because_it_opens_the_sentence_is_no_source(nlp):
    assert attribution(segment("- Preliminary data show that sales fell 2% in 2022.", nlp)[0]) is None
    assert attribution(segment("NCHS data show that births fell 2% in 2022.", nlp)[0]) == "NCHS"
    named = segment("Sales fell 2%, according to figures from the Federation of the Cheese Industry.", nlp)[0]
    assert attribution(named) == "Federation of the Cheese Industry"


def test_the_same_digits_about_something_else_are_not_a_changed_measure(nlp):
    v = verdict_against(nlp, "Ad-funded streams made up 12% of listening.",
                        "Vinyl revenue fell 12.1% while download revenue fell 20.3%.")
    assert v.rule != "same_figure_other_measure"
    seed_like = verdict_against(nlp, "Dealers reported a 41% increase in orders for electric bikes.",
                                "41% of dealers reported an increase in orders for bikes.")
    assert seed_like.rule == "same_figure_other_measure"


def test_money_moved_by_a_change_word_right_beside_it_is_a_change(nlp):
    (c,) = extract_claims("In May, public sector net borrowing decreased GBP 1.3 billion.", nlp)
    assert (c.measure, c.direction) == ("change", "down")
    (c,) = extract_claims("That marks a £31.2 billion increase on the year.", nlp)
    assert (c.measure, c.direction) == ("change", "up")
    (c,) = extract_claims("Revenue rose to $5.2 billion.", nlp)
    assert c.measure == "amount"  # a level reached, not the size of the rise
    (c,) = [c for c in extract_claims("The median price bounced 3.9% from May 2023.", nlp)]
    assert (c.measure, c.direction) == ("change", "up")
