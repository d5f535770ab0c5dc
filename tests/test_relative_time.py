"""Relative times ("last year", "this July", "since 2008") resolved from a publication date."""

from __future__ import annotations

from datetime import date

import pytest

from claims.comparisons import compare_period
from claims.model import Claim, Quantity
from claims.relative_time import (
    find_relative,
    parse_date,
    period_bounds,
    periods_overlap,
    resolve,
    resolve_claim,
)

PUB = date(2023, 6, 15)


def _resolved(text: str, published: date = PUB, anchor: int | None = None) -> tuple[str, str | None]:
    found = find_relative(text)
    assert found, f"no relative time found in {text!r}"
    return found[0].words, resolve(found[0], published, anchor)


@pytest.mark.parametrize(("text", "words", "period"), [
    ("Sales rose 5% last year.", "last year", "2022"),
    ("Prices will fall this July.", "this July", "2023-07"),
    ("It was 8% a decade ago.", "a decade ago", "2013"),
    ("Profits fell 3% in the previous quarter.", "the previous quarter", "2023-Q1"),
    ("Prices have doubled since 2008.", "since 2008", "2008/2023"),
    ("Rents rose 2% last month.", "last month", "2023-05"),
    ("Two years ago, 10% did.", "Two years ago", "2021"),
    ("58% reported an increase in the past year.", "the past year", "2022-06/2023-06"),
    ("Bookings rose this year.", "this year", "2023"),
    ("It will rise next year.", "next year", "2024"),
    ("Up 4% since March 2020.", "since March 2020", "2020-03/2023-06"),
    ("Up 4% since last year.", "since last year", "2022/2023"),
    ("Over the past five years it doubled.", "the past five years", "2018-06/2023-06"),
    ("In the past 12 months, 30% moved.", "the past 12 months", "2022-06/2023-06"),
    ("Three months ago it was 4%.", "Three months ago", "2023-03"),
    ("Sales rose 2% in the last quarter.", "the last quarter", "2023-Q1"),
    ("It was 6% last decade.", "last decade", "2010/2019"),
    ("Over the last decade it doubled.", "the last decade", "2013/2023"),
    ("It peaked last July.", "last July", "2022-07"),
    ("It peaked in May.", "in May", "2023-05"),
    ("It peaked in December.", "in December", "2022-12"),
    ("It will open next July.", "next July", "2023-07"),
    ("This quarter, 3% more.", "This quarter", "2023-Q2"),
])
def test_each_form_resolves_to_a_concrete_period(text, words, period):
    assert _resolved(text) == (words, period)


def test_the_publication_date_decides_the_year():
    assert _resolved("Sales rose 5% last year.", date(2019, 1, 2)) == ("last year", "2018")
    assert _resolved("It peaked last July.", date(2023, 8, 1)) == ("last July", "2023-07")
    assert _resolved("Profits fell in the previous quarter.", date(2024, 2, 1))[1] == "2023-Q4"
    assert _resolved("Rents rose 2% last month.", date(2024, 1, 10))[1] == "2023-12"


def test_a_year_earlier_counts_back_from_the_year_the_sentence_names():
    assert _resolved("In 2021 it was 5%, up from 4% a year earlier.", anchor=2021) == ("a year earlier", "2020")
    assert _resolved("It was 4% the previous year.") == ("the previous year", "2022")
    assert _resolved("It was 4% two years earlier.", anchor=2020)[1] == "2018"


@pytest.mark.parametrize("text", [
    "Sales rose 5% compared with last year.",
    "Sales were 5% higher than last year.",
    "Up 5% on last year.",
    "Sales may rise 5% in 2024.",  # "may" the verb, not the month
    "The 2022 figure was 5%.",
    "Prices rose 5% in July 2021.",  # a month with its year is not relative
])
def test_baselines_and_stated_dates_are_not_relative_periods(text):
    assert find_relative(text) == []


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2022", date(2022, 1, 1), date(2022, 12, 31)),
    ("2019-2022", date(2019, 1, 1), date(2022, 12, 31)),
    ("2023-07", date(2023, 7, 1), date(2023, 7, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-Q1", date(2023, 1, 1), date(2023, 3, 31)),
    ("2023-Q4", date(2023, 10, 1), date(2023, 12, 31)),
    ("2008/2023", date(2008, 1, 1), date(2023, 12, 31)),
    ("2022-06/2023-06", date(2022, 6, 1), date(2023, 6, 30)),
    ("2023-06-12/2023-06-18", date(2023, 6, 12), date(2023, 6, 18)),
])
def test_period_bounds(period, first, last):
    assert period_bounds(period) == (first, last)


@pytest.mark.parametrize("junk", [None, "", "last year", "2023-13", "2023-02-30", "20222"])
def test_unreadable_periods_have_no_bounds(junk):
    assert period_bounds(junk) is None


def test_overlap():
    assert periods_overlap("2022", "2022-06/2023-06") is True
    assert periods_overlap("2023-Q1", "2022") is False
    assert periods_overlap("2008/2023", "2019-2022") is True
    assert periods_overlap("2013", "2019") is False
    assert periods_overlap(None, "2019") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-05-02T10:00:00Z", date(2023, 5, 2)),
    ("2023-05-02", date(2023, 5, 2)),
    ("January 31, 2024", date(2024, 1, 31)),
    ("2 May 2023", date(2023, 5, 2)),
    ("May 2nd, 2023", date(2023, 5, 2)),
    ("June 2023", date(2023, 6, 1)),
    ("soon", None),
    ("", None),
    (None, None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def _claim(clause: str, sentence: str | None = None, period: str | None = None) -> Claim:
    sentence = sentence or clause
    q = Quantity(value=58.0, low=57.5, high=58.5, unit="percent", text="58%", start=0, end=3, kind="percent")
    return Claim(text=clause, start=0, end=len(clause), sentence=sentence, sentence_start=0,
                 sentence_end=len(sentence), quantity=q, measure="share", period=period)


def test_a_claim_keeps_the_words_and_gains_the_resolved_period():
    c = resolve_claim(_claim("58% of surgeons reported an increase last year"), PUB)
    assert (c.period_words, c.period_resolved, c.period) == ("last year", "2022", None)
    assert c.compared_period == "2022"


def test_without_a_publication_date_the_words_stay_words():
    c = resolve_claim(_claim("58% of surgeons reported an increase last year"), None)
    assert (c.period_words, c.period_resolved) == ("last year", None)
    assert c.compared_period is None


def test_a_clause_with_its_own_year_keeps_it():
    original = _claim("58% in 2021, a year earlier than planned", period="2021")
    assert resolve_claim(original, PUB) == original


def test_a_claim_without_relative_time_is_unchanged():
    original = _claim("58% of surgeons reported an increase", period="2022")
    assert resolve_claim(original, PUB) is original


def test_the_judge_compares_the_resolved_period():
    finding_2022 = _claim("58% of surgeons reported an increase in 2022", period="2022")
    finding_2019 = _claim("58% of surgeons reported an increase in 2019", period="2019")
    claim = resolve_claim(_claim("58% of surgeons reported an increase last year"), PUB)
    assert compare_period(claim, finding_2022) is True
    assert compare_period(claim, finding_2019) is False
    undated = resolve_claim(_claim("58% of surgeons reported an increase last year"), None)
    assert compare_period(undated, finding_2019) is None  # unknown, as before


def test_a_since_claim_covers_every_year_to_publication():
    claim = resolve_claim(_claim("prices have risen 58% since 2008"), PUB)
    assert claim.period_resolved == "2008/2023"
    assert compare_period(claim, _claim("58% between 2008 and 2023", period="2008-2023")) is True
    assert compare_period(claim, _claim("58% in 2001", period="2001")) is False
